/* The reply filter of smtp_filter.h. */
#include "daemon/outbound/smtp_filter.h"

#include <string.h>

void
smtp_filter_init(struct smtp_filter *f)
{
	memset(f, 0, sizeof(*f));
}

/*
 * A reply goes on after a line "ddd-" (RFC 5321 4.2.1); any other line
 * ends it, a malformed one included: libetpan then fails on it, and
 * counting it as the end keeps the bound on what it holds.
 */
static bool
continues(const struct smtp_filter *f)
{
	return f->line_len >= 4 && f->code[0] >= '0' && f->code[0] <= '9' &&
	    f->code[1] >= '0' && f->code[1] <= '9' && f->code[2] >= '0' &&
	    f->code[2] <= '9' && f->code[3] == '-';
}

size_t
smtp_filter_feed(struct smtp_filter *f, const char *in, size_t n, char *out)
{
	size_t i, o = 0;

	for (i = 0; i < n && f->error == NULL; i++) {
		char c = in[i];

		if (c == '\n') {
			if (!f->cr)
				out[o++] = '\r';
			out[o++] = '\n';
			f->reply_len += f->line_len + 2;
			if (!continues(f))
				f->reply_len = 0;
			f->line_len = 0;
			f->cr = false;
			continue;
		}
		/* a CR is the line's end only before LF: until then, a byte */
		f->cr = c == '\r';
		if (f->line_len < sizeof(f->code))
			f->code[f->line_len] = c;
		out[o++] = c;
		if (++f->line_len > SMTP_FILTER_LINE)
			f->error = "a reply line over 64 KiB";
		else if (f->reply_len + f->line_len > SMTP_FILTER_REPLY)
			f->error = "a reply over 1 MiB";
	}
	return o;
}
