#include "common/json.h"

#include <string.h>

#include "common/strutil.h"

#define REPLACEMENT "\xef\xbf\xbd" /* U+FFFD */

static void
json_ascii(FILE *out, unsigned char c)
{
	switch (c) {
	case '"':
		fputs("\\\"", out);
		break;
	case '\\':
		fputs("\\\\", out);
		break;
	case '\n':
		fputs("\\n", out);
		break;
	case '\r':
		fputs("\\r", out);
		break;
	case '\t':
		fputs("\\t", out);
		break;
	default:
		/* RFC 8259 7: control characters must be escaped */
		if (c < 0x20 || c == 0x7f)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
}

void
json_string(FILE *out, const char *s)
{
	size_t len, i, n;

	if (s == NULL) {
		fputs("null", out);
		return;
	}
	len = strlen(s);
	fputc('"', out);
	for (i = 0; i < len; i += n) {
		const unsigned char *p = (const unsigned char *)s + i;

		/* a run of printable ASCII that needs no escape, in one
		 * write: most of any diagnostic */
		for (n = 0; i + n < len && p[n] >= 0x20 && p[n] < 0x7f &&
		     p[n] != '"' && p[n] != '\\';
		     n++)
			;
		if (n > 0) {
			fwrite(p, 1, n, out);
			continue;
		}
		n = str_utf8_seq(s + i, len - i);
		if (n == 0) {
			fputs(REPLACEMENT, out);
			n = 1;
		} else if (n == 1) {
			json_ascii(out, p[0]);
		} else if (n == 3 && p[0] == 0xe2 && p[1] == 0x80 &&
			   (p[2] == 0xa8 || p[2] == 0xa9)) {
			fputs(p[2] == 0xa8 ? "\\u2028" : "\\u2029", out);
		} else {
			fwrite(p, 1, n, out);
		}
	}
	fputc('"', out);
}

void
json_key(FILE *out, bool *first, const char *key)
{
	if (!*first)
		fputc(',', out);
	*first = false;
	json_string(out, key);
	fputc(':', out);
}
