/* The guard driver of stream_guard.h. */
#include "daemon/outbound/stream_guard.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct guard {
	mailstream_low *inner; /* owned: freed with the guard */
	const struct stream_filter_ops *ops;
	void *filter; /* owned if ops->free is set */
	bool eof;
	size_t out_off, out_len;
	char in[STREAM_GUARD_CHUNK];
	char out[]; /* ops->out_max */
};

static struct guard *
guard_of(mailstream_low *s)
{
	return s->data;
}

static ssize_t
g_read(mailstream_low *s, void *buf, size_t count)
{
	struct guard *g = guard_of(s);
	ssize_t r;
	size_t n;

	while (g->out_off == g->out_len) {
		/* the end of the stream is an error: nothing more comes,
		 * and libetpan would wait for it (stream_guard.h) */
		if (g->eof || g->ops->error(g->filter) != NULL)
			return -1;
		r = mailstream_low_read(g->inner, g->in, sizeof(g->in));
		if (r <= 0) {
			g->eof = r == 0;
			return -1;
		}
		g->out_off = 0;
		g->out_len = g->ops->feed(g->filter, g->in, (size_t)r, g->out);
		/* a refused stream delivers nothing more, not even the
		 * line that broke the bound: libetpan sizes its buffer
		 * from an IMAP literal's announced length before it reads
		 * a byte of it ({2080000000} took 535 MB under ASan) */
		if (g->ops->error(g->filter) != NULL) {
			g->out_len = 0;
			return -1;
		}
	}
	n = g->out_len - g->out_off;
	if (n > count)
		n = count;
	memcpy(buf, g->out + g->out_off, n);
	g->out_off += n;
	return (ssize_t)n;
}

static ssize_t
g_write(mailstream_low *s, const void *buf, size_t count)
{
	return mailstream_low_write(guard_of(s)->inner, buf, count);
}

static int
g_close(mailstream_low *s)
{
	return mailstream_low_close(guard_of(s)->inner);
}

static int
g_get_fd(mailstream_low *s)
{
	return mailstream_low_get_fd(guard_of(s)->inner);
}

static void
g_free(mailstream_low *s)
{
	struct guard *g = guard_of(s);

	mailstream_low_free(g->inner);
	if (g->ops->free != NULL)
		g->ops->free(g->filter);
	free(g);
	free(s);
}

static void
g_cancel(mailstream_low *s)
{
	mailstream_low_cancel(guard_of(s)->inner);
}

static struct mailstream_cancel *
g_get_cancel(mailstream_low *s)
{
	mailstream_low *in = guard_of(s)->inner;

	return in->driver->mailstream_get_cancel != NULL ?
	    in->driver->mailstream_get_cancel(in) : NULL;
}

static carray *
g_get_certificate_chain(mailstream_low *s)
{
	return mailstream_low_get_certificate_chain(guard_of(s)->inner);
}

static int
g_setup_idle(mailstream_low *s)
{
	return mailstream_low_setup_idle(guard_of(s)->inner);
}

static int
g_unsetup_idle(mailstream_low *s)
{
	return mailstream_low_unsetup_idle(guard_of(s)->inner);
}

static int
g_interrupt_idle(mailstream_low *s)
{
	return mailstream_low_interrupt_idle(guard_of(s)->inner);
}

static mailstream_low_driver guard_driver = {
    .mailstream_read = g_read,
    .mailstream_write = g_write,
    .mailstream_close = g_close,
    .mailstream_get_fd = g_get_fd,
    .mailstream_free = g_free,
    .mailstream_cancel = g_cancel,
    .mailstream_get_cancel = g_get_cancel,
    .mailstream_get_certificate_chain = g_get_certificate_chain,
    .mailstream_setup_idle = g_setup_idle,
    .mailstream_unsetup_idle = g_unsetup_idle,
    .mailstream_interrupt_idle = g_interrupt_idle,
};

int
stream_guard_wrap(mailstream *st, const struct stream_filter_ops *ops,
    void *f)
{
	mailstream_low *inner = mailstream_get_low(st), *low;
	struct guard *g;

	if (inner == NULL || (g = calloc(1, sizeof(*g) + ops->out_max)) ==
	    NULL)
		return -1;
	g->inner = inner;
	g->ops = ops;
	g->filter = f;
	if ((low = mailstream_low_new(g, &guard_driver)) == NULL) {
		free(g);
		return -1;
	}
	/* the inner stream's own timeout governs its reads */
	mailstream_set_low(st, low);
	return 0;
}

static struct guard *
guard_get(mailstream *st)
{
	mailstream_low *low = st != NULL ? mailstream_get_low(st) : NULL;

	return low != NULL && low->driver == &guard_driver ? low->data : NULL;
}

size_t
stream_guard_pending(mailstream *st)
{
	struct guard *g = guard_get(st);

	return g != NULL ? g->out_len - g->out_off : 0;
}

void *
stream_guard_filter(mailstream *st, const struct stream_filter_ops *ops)
{
	struct guard *g = guard_get(st);

	return g != NULL && g->ops == ops ? g->filter : NULL;
}

const char *
stream_guard_error(mailstream *st)
{
	struct guard *g = guard_get(st);

	return g != NULL ? g->ops->error(g->filter) : NULL;
}
