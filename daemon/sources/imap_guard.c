/*
 * The IMAP guard of imap_guard.h: stream_guard.h's driver with the
 * filter of imap_filter.h.
 */
#include "daemon/sources/imap_guard.h"

#include <stdlib.h>

#include "daemon/outbound/stream_guard.h"
#include "daemon/sources/imap_filter.h"

static size_t
feed(void *f, const char *in, size_t n, char *out)
{
	return imap_filter_feed(f, in, n, out);
}

static const char *
error(const void *f)
{
	return ((const struct imap_filter *)f)->error;
}

static const struct stream_filter_ops imap_ops = {
    .feed = feed,
    .error = error,
    .free = free,
    .out_max = STREAM_GUARD_CHUNK + IMAP_FILTER_HEAD,
};

int
imap_guard_wrap(mailstream *st, bool greeting)
{
	struct imap_filter *f;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return -1;
	imap_filter_init(f);
	f->greeted = !greeting;
	if (stream_guard_wrap(st, &imap_ops, f) == -1) {
		free(f);
		return -1;
	}
	return 0;
}

size_t
imap_guard_pending(mailstream *st)
{
	return stream_guard_pending(st);
}

const char *
imap_guard_error(mailstream *st)
{
	return stream_guard_error(st);
}

unsigned
imap_guard_stripped(mailstream *st)
{
	const struct imap_filter *f = stream_guard_filter(st, &imap_ops);

	return f != NULL ? f->stripped : 0;
}
