#ifndef BD_READFILE_H
#define BD_READFILE_H

#include <stddef.h>

/*
 * Reads a whole file ("-" is stdin) into a new malloc'd buffer *buf_r
 * (the caller frees it). Returns 0, or -1 with *error_r (strerror text).
 */
int readfile(const char *path, unsigned char **buf_r, size_t *len_r,
    const char **error_r);

#endif
