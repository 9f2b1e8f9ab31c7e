#include "json.h"

void
json_string(FILE *out, const char *s)
{
	const unsigned char *p;

	if (s == NULL) {
		fputs("null", out);
		return;
	}
	fputc('"', out);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		switch (*p) {
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
			if (*p < 0x20 || *p == 0x7f)
				fprintf(out, "\\u%04x", *p);
			else
				fputc(*p, out);
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
