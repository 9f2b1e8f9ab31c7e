/* Mailbox names: configuration to server syntax (imap_names.h). */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "daemon/sources/imap_names.h"

/* RFC 3501 5.1.3: RFC 2045 base64 but "," instead of "/" */
static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

struct out {
	char *p;
	size_t len, cap; /* cap counts the NUL */
	bool full;
};

static void
put(struct out *o, char c)
{
	if (o->len + 1 >= o->cap) {
		o->full = true;
		return;
	}
	o->p[o->len++] = c;
	o->p[o->len] = '\0';
}

/* One code point from s (strict RFC 3629 UTF-8), or -1. */
static int32_t
utf8_next(const unsigned char **s)
{
	const unsigned char *p = *s;
	uint32_t c;
	int n, i;

	if (p[0] < 0x80) {
		*s = p + 1;
		return p[0];
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		c = p[0] & 0x1f;
		n = 1;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		c = p[0] & 0x0f;
		n = 2;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		c = p[0] & 0x07;
		n = 3;
	} else
		return -1;
	for (i = 1; i <= n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return -1;
		c = c << 6 | (p[i] & 0x3f);
	}
	/* overlong forms, surrogates, past U+10FFFF */
	if ((n == 2 && c < 0x800) || (n == 3 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return -1;
	*s = p + n + 1;
	return (int32_t)c;
}

/* A run of 16-bit units in modified base64, between "&" and "-". */
struct b64run {
	uint32_t bits;
	int nbits;
};

static void
b64_unit(struct out *o, struct b64run *r, uint16_t u)
{
	r->bits = r->bits << 16 | u;
	r->nbits += 16;
	while (r->nbits >= 6) {
		r->nbits -= 6;
		put(o, b64[(r->bits >> r->nbits) & 0x3f]);
	}
	r->bits &= (1u << r->nbits) - 1;
}

static void
b64_end(struct out *o, struct b64run *r)
{
	/* the last bits padded with zeros, no "=" (RFC 3501 5.1.3) */
	if (r->nbits > 0)
		put(o, b64[(r->bits << (6 - r->nbits)) & 0x3f]);
	put(o, '-');
	r->bits = 0;
	r->nbits = 0;
}

int
imap_mutf7_encode(const char *utf8, char *out, size_t outlen,
    const char **why_r)
{
	const unsigned char *s = (const unsigned char *)utf8;
	struct out o = { out, 0, outlen, false };
	struct b64run r = { 0, 0 };
	bool in = false;
	int32_t c;

	if (outlen == 0) {
		*why_r = "name too long";
		return -1;
	}
	out[0] = '\0';
	while (*s != '\0') {
		if ((c = utf8_next(&s)) == -1) {
			*why_r = "not valid UTF-8";
			return -1;
		}
		if (c < 0x20 || c == 0x7f) {
			*why_r = "a control character";
			return -1;
		}
		if (c < 0x7f) {
			if (in) {
				b64_end(&o, &r);
				in = false;
			}
			put(&o, (char)c);
			if (c == '&')
				put(&o, '-');
			continue;
		}
		if (!in) {
			put(&o, '&');
			in = true;
		}
		if (c >= 0x10000) { /* a UTF-16 surrogate pair */
			c -= 0x10000;
			b64_unit(&o, &r, (uint16_t)(0xd800 | (c >> 10)));
			b64_unit(&o, &r, (uint16_t)(0xdc00 | (c & 0x3ff)));
		} else
			b64_unit(&o, &r, (uint16_t)c);
	}
	if (in)
		b64_end(&o, &r);
	if (o.full) {
		*why_r = "name too long";
		return -1;
	}
	return 0;
}

static bool
is_inbox(const char *s, size_t n)
{
	return n == 5 && strncasecmp(s, "INBOX", 5) == 0;
}

/* head (server syntax, as the server wrote it) + tail encoded */
static int
join(const char *head, const char *tail, char *out, size_t outlen,
    const char **why_r)
{
	size_t h = strlen(head);

	if (h >= outlen) {
		*why_r = "name too long";
		return -1;
	}
	memcpy(out, head, h);
	return imap_mutf7_encode(tail, out + h, outlen - h, why_r);
}

int
imap_name_server(const char *name, const char *prefix, char sep, char *out,
    size_t outlen, const char **why_r)
{
	char raw[IMAP_NAME_MAX + 1];
	const char *head = prefix;
	size_t plen = strlen(prefix), n = strlen(name), i, j = 0;

	if (n == 0) {
		*why_r = "empty name";
		return -1;
	}
	if (is_inbox(name, n))
		return join("INBOX", "", out, outlen, why_r);
	/* server syntax already: "INBOX.Processed" on a "." server; the
	 * prefix is the server's, encoded already */
	if (plen > 0 && strncmp(name, prefix, plen) == 0 && n > plen)
		return join(prefix, name + plen, out, outlen, why_r);
	if (sep != '\0' && n > 6 && is_inbox(name, 5) && name[5] == sep)
		return join("", name, out, outlen, why_r);
	if (name[0] == '/' || name[n - 1] == '/' || strstr(name, "//") !=
	    NULL) {
		*why_r = "an empty level (a leading, trailing or double \"/\")";
		return -1;
	}
	if (sep == '\0' && strchr(name, '/') != NULL) {
		*why_r = "the server has no hierarchy (its separator is NIL), "
			 "so a name cannot have \"/\"";
		return -1;
	}
	/* "INBOX/x": a level under INBOX itself, not under the prefix */
	if (strncasecmp(name, "INBOX/", 6) == 0) {
		head = "";
		memcpy(raw, "INBOX", 5);
		j = 5;
		name += 5;
	}
	for (i = 0; name[i] != '\0'; i++) {
		if (j >= IMAP_NAME_MAX) {
			*why_r = "name too long";
			return -1;
		}
		raw[j++] = name[i] == '/' ? sep : name[i];
	}
	raw[j] = '\0';
	return join(head, raw, out, outlen, why_r);
}
