/*
 * An mbox file cut into its messages (RFC 4155), for bouncectl parse and
 * explain (issue 17 item 5: every message, not the first). Pure: bytes
 * in, spans out.
 *
 * RFC 4155 2: each message begins with a line "From " at the start of
 * the file or after a line end. A bounce quotes mail, and a quoted line
 * may begin "From " where the writer did not escape it (mboxo), so a
 * separator is taken only where a message may end: at the start, or after
 * an empty line, and only in the form "From SENDER DATE" (a word and
 * something after it), as every mbox writer puts it.
 */
#include <string.h>

#include "mbox.h"

/* "From " + a word + a space + more, up to the line end. */
static bool
separator(const unsigned char *p, size_t n)
{
	const unsigned char *nl = memchr(p, '\n', n), *sp;
	size_t line = nl != NULL ? (size_t)(nl - p) : n;

	if (line < 8 || memcmp(p, "From ", 5) != 0 || p[5] == ' ')
		return false;
	sp = memchr(p + 5, ' ', line - 5);
	return sp != NULL && (size_t)(sp - p) + 1 < line;
}

bool
mbox_is(const unsigned char *buf, size_t len)
{
	return separator(buf, len);
}

/* The offset of the next separator at or after from, or len. */
static size_t
next_separator(const unsigned char *buf, size_t len, size_t from)
{
	size_t i;

	for (i = from; i + 1 < len; i++)
		if (buf[i] == '\n' &&
		    (buf[i + 1] == '\n' || (buf[i + 1] == '\r' && i + 2 < len &&
					       buf[i + 2] == '\n'))) {
			size_t s = i + (buf[i + 1] == '\n' ? 2 : 3);

			if (s < len && separator(buf + s, len - s))
				return s;
		}
	return len;
}

int
mbox_next(const unsigned char *buf, size_t len, size_t *off,
    const unsigned char **msg_r, size_t *len_r)
{
	size_t start = *off, end;

	if (start >= len)
		return 0;
	/* past this separator line: the next one cannot be on it */
	end = next_separator(buf, len, start + 1);
	*msg_r = buf + start;
	*len_r = end - start;
	*off = end;
	return 1;
}

size_t
mbox_count(const unsigned char *buf, size_t len)
{
	const unsigned char *m;
	size_t off = 0, n = 0, ml;

	if (!mbox_is(buf, len))
		return 1;
	while (mbox_next(buf, len, &off, &m, &ml) == 1)
		n++;
	return n;
}
