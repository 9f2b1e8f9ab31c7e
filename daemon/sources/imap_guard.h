/*
 * libetpan's IMAP reader behind imap_filter.h (issue 14): a mailstream_low
 * driver around the connection's own (socket or TLS) that hands libetpan
 * only what the filter passed, and that turns the end of the stream into
 * an error. libetpan 1.9.4 reads the rest of a literal in a loop that
 * ends on -1 only (mailimap_literal_parse_progress()), and a read returns
 * 0 when the server has closed: a connection lost in the middle of a
 * FETCH spun for good, with no read left to time out.
 */
#ifndef BD_IMAP_GUARD_H
#define BD_IMAP_GUARD_H

#include <stdbool.h>
#include <stddef.h>

#include <libetpan/libetpan.h>

/*
 * Puts the guard around st's current low-level stream; greeting says
 * whether the first line still to come is the server's greeting (not
 * after STARTTLS, whose new TLS stream is wrapped again). Returns 0, or
 * -1 when out of memory (st is unchanged).
 */
int imap_guard_wrap(mailstream *st, bool greeting);

/*
 * Bytes the guard read from the server and libetpan has not taken yet: a
 * poll(2) on the socket does not see them. 0 when st is not guarded.
 */
size_t imap_guard_pending(mailstream *st);

/* Response codes the filter removed on st's guard so far. */
unsigned imap_guard_stripped(mailstream *st);

#endif
