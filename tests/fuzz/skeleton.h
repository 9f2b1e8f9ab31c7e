#ifndef BD_FUZZ_SKELETON_H
#define BD_FUZZ_SKELETON_H

#include <stddef.h>
#include <stdint.h>

/*
 * A large message from a small fuzz input (the skeleton): segments
 * separated by a 0x00 byte, each a repeat byte and a body. The body is
 * appended repeat times (the repeat byte & 31 indexes a table from 1 to
 * 64 million); in it, 0x01 stands for the repetition's index in decimal
 * and 0x02 for the index counted from the end, so that "--b\x01" opens
 * distinct nested boundaries and "--b\x02--" closes them in reverse order.
 * The message stops growing at max bytes.
 *
 * Returns the message in a buffer of exactly *len_r + 1 bytes (so that
 * ASan sees a read past its end), NUL-terminated; the caller frees it.
 * Aborts when out of memory.
 */
char *skeleton_expand(const uint8_t *data, size_t size, size_t max,
    size_t *len_r);

#endif
