/* An mbox cut into messages (mbox.c, RFC 4155). */
#ifndef BD_CLI_MBOX_H
#define BD_CLI_MBOX_H

#include <stdbool.h>
#include <stddef.h>

/* Does buf begin with an mbox separator line ("From SENDER DATE")? */
bool mbox_is(const unsigned char *buf, size_t len);
/*
 * The message that starts at *off (its separator line included, which
 * the parser skips): 1 with *msg_r (borrowed: buf) and *len_r, *off moved
 * to the next; 0 at the end. Call only on an mbox (mbox_is()).
 */
int mbox_next(const unsigned char *buf, size_t len, size_t *off,
    const unsigned char **msg_r, size_t *len_r);
/* The messages of buf: 1 when it is no mbox. */
size_t mbox_count(const unsigned char *buf, size_t len);

#endif
