/*
 * A mailstream_low driver around a connection's own (socket or TLS) that
 * hands libetpan only what a filter let through, and turns the end of the
 * stream into an error (issue 14). libetpan reads a server's lines and
 * literals into memory without a bound and has loops that end on -1
 * only; the filters (daemon/sources/imap_filter.h,
 * daemon/outbound/smtp_filter.h) bound what it is given, and the guard
 * is where they sit. Every operation but read goes to the wrapped driver
 * as it is: the descriptor for poll(2) and IDLE, the certificate chain
 * for tls.h, close and free.
 */
#ifndef BD_STREAM_GUARD_H
#define BD_STREAM_GUARD_H

#include <stddef.h>

#include <libetpan/libetpan.h>

/* The most the guard reads from the connection at once. */
#define STREAM_GUARD_CHUNK 8192

struct stream_filter_ops {
	/* Feeds in[0..n) (n <= STREAM_GUARD_CHUNK), writes what libetpan
	 * may read to out (out_max bytes of room), returns its length. */
	size_t (*feed)(void *f, const char *in, size_t n, char *out);
	/* Why the rest of the stream is refused, or NULL. Once set, the
	 * guard delivers nothing of the feed that set it either. */
	const char *(*error)(const void *f);
	/* Frees the filter with the guard; NULL: the caller owns it. */
	void (*free)(void *f);
	size_t out_max;
};

/*
 * Puts the guard around st's current low-level stream, with filter f
 * (freed with the guard by ops->free, if set). Returns 0, or -1 when out
 * of memory (st and f are unchanged).
 */
int stream_guard_wrap(mailstream *st, const struct stream_filter_ops *ops,
    void *f);

/*
 * Bytes the guard read and libetpan has not taken yet: a poll(2) on the
 * socket does not see them. 0 when st is not guarded.
 */
size_t stream_guard_pending(mailstream *st);

/* st's filter when st is guarded with ops, else NULL. */
void *stream_guard_filter(mailstream *st, const struct stream_filter_ops *ops);

/* Why st's filter refused the rest of the stream, or NULL. */
const char *stream_guard_error(mailstream *st);

#endif
