/*
 * The pre-pass over a message's text before libetpan sees it: what may
 * be a header field, and where to cut so that what libetpan builds stays
 * bounded (mail_limits.h). Pure: no I/O, no allocation.
 */
#include "structure.h"

#include <stdbool.h>
#include <string.h>

#include "common/strutil.h"
#include "mail_limits.h"
#include "message.h"

/*
 * RFC 5322 2.2: a message starts with a header field, a name of printable
 * US-ASCII other than ':' followed by ':' (RFC 822's white space before
 * the colon is tolerated). Anything else is not mail at all.
 */
bool
mail_starts_with_field(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && s[i] > ' ' && s[i] < 127 && s[i] != ':')
		i++;
	if (i == 0)
		return false;
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i < len && s[i] == ':';
}

/*
 * What a Content-Type field starting at s[i] (a line start) says, enough
 * for the pre-pass: "Content-Type", optional white space, ':' (RFC 822's
 * obsolete syntax, which libetpan accepts), then a value that may be
 * folded over continuation lines (RFC 5322 2.2.3). The type comes first
 * in the value: a few folded lines suffice.
 */
enum ctype {
	CT_OTHER,   /* not a Content-Type, or a discrete type */
	CT_NESTS,   /* multipart/ or message/: a level of nesting */
	CT_MESSAGE, /* message/rfc822 or message/global: a header follows */
	CT_DIGEST,  /* multipart/digest: its parts are messages by default */
};

/*
 * The value v[0..n): message/rfc822 or message/global anywhere in it,
 * else multipart/digest, else multipart or message/ (issue 16: each
 * "message/" and "multipart" is found once and what follows it looked at,
 * instead of a search of the whole value per type).
 */
static enum ctype
ctype_of(const char *v, size_t n)
{
	const char *p, *end = v + n;
	bool nests = false, digest = false;

	for (p = v; (p = ci_find_lower(p, (size_t)(end - p), "message/", 8)) !=
	     NULL;
	     p += 8) {
		nests = true;
		if (ci_starts(p + 8, (size_t)(end - p - 8), "rfc822") ||
		    ci_starts(p + 8, (size_t)(end - p - 8), "global"))
			return CT_MESSAGE;
	}
	for (p = v; (p = ci_find_lower(p, (size_t)(end - p), "multipart", 9)) !=
	     NULL;
	     p += 9) {
		nests = true;
		if (ci_starts(p + 9, (size_t)(end - p - 9), "/digest"))
			digest = true;
	}
	return digest ? CT_DIGEST : nests ? CT_NESTS : CT_OTHER;
}

int
mail_structure_ctype(const char *v, size_t n)
{
	return (int)ctype_of(v, n);
}

static enum ctype
content_type_at(const char *s, size_t len, size_t i)
{
	size_t b = i + 12, e, lim;

	if (!ci_starts(s + i, len - i, "content-type"))
		return CT_OTHER;
	while (b < len && (s[b] == ' ' || s[b] == '\t'))
		b++;
	if (b >= len || s[b] != ':')
		return CT_OTHER;
	lim = b + 512 < len ? b + 512 : len;
	for (e = b + 1; e < lim; e++) {
		if (s[e] == '\n' && !(e + 1 < lim &&
					 (s[e + 1] == ' ' || s[e + 1] == '\t')))
			break;
	}
	return ctype_of(s + b, e - b);
}

/*
 * Bounded work before any library sees a message. libetpan builds every
 * MIME part, header field and list item it finds before MAIL_MAX_PARTS
 * can apply, and recurses once per multipart level and per nested
 * comment (RFC 5322 3.2.2). Measured on libetpan 1.9.4: a 5 MB message of
 * a million empty parts took 184 MB, 5 million fields in 20 MB 823 MB,
 * 5 million addresses in one To field 667 MB, 3 million Content-Type
 * parameters 436 MB, and a million nested comments overflowed the stack.
 *
 * So one pass over the lines first counts what it would build: lines that
 * may be a boundary delimiter ("--", RFC 2046 5.1.1); in the header blocks
 * libetpan parses -- the message's, each part's after a delimiter, and a
 * message/rfc822 body's -- the fields (RFC 5322 2.2), the list separators
 * (',' ';') and the comment nesting in them; and multipart or message
 * Content-Types. The text handed to libetpan ends before the line (or
 * the field) that passes a cap (mail_limits.h), and the cut is flagged.
 * A report's own parts come first. A "--" line in a text is taken for a
 * delimiter and the lines after it for a header: that errs on the side
 * of counting. Under multipart/digest, whose parts are messages without
 * saying so (RFC 2046 5.1.5), every line that looks like a field counts.
 */
struct cut {
	const struct mail_cut_limits *lim;
	size_t delims, fields, items, levels;
	size_t field_at; /* where the current field started */
	unsigned depth;	 /* its comment nesting */
	bool in_header;	 /* in a header block libetpan parses */
	bool in_field;	 /* in a field of it (continuation lines) */
	bool message;	 /* the block's Content-Type is message/rfc822 */
	bool digest;	 /* a multipart/digest was seen: count everything */
};

/* The bytes cut_field_bytes() counts; a field has few of them. */
static const unsigned char field_special[256] = {
	[','] = 1, [';'] = 1, ['('] = 1, [')'] = 1,
};

/* The field's bytes s[0..n): separators and comments. False: over a cap. */
static bool
cut_field_bytes(struct cut *c, const char *s, size_t n, unsigned *flags)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i;

	for (i = 0; i < n; i++) {
		/* eight bytes of none of them at a time: the pass's most
		 * common step over a header (issue 16) */
		while (i + 8 <= n &&
		    (field_special[u[i]] | field_special[u[i + 1]] |
			field_special[u[i + 2]] | field_special[u[i + 3]] |
			field_special[u[i + 4]] | field_special[u[i + 5]] |
			field_special[u[i + 6]] | field_special[u[i + 7]]) == 0)
			i += 8;
		if (i >= n)
			break;
		switch (s[i]) {
		case ',':
		case ';':
			if (++c->items > c->lim->field_items) {
				*flags |= MAIL_F_TOO_MANY_FIELDS;
				return false;
			}
			break;
		case '(':
			if (++c->depth > c->lim->comment_depth) {
				*flags |= MAIL_F_TRUNCATED_DEPTH;
				return false;
			}
			break;
		case ')':
			if (c->depth > 0)
				c->depth--;
			break;
		}
	}
	return true;
}

/* A header field's first line at s[i..i+n). False: over a cap. */
static bool
cut_field(struct cut *c, const char *s, size_t len, size_t i, size_t n,
    unsigned *flags)
{
	if (++c->fields > c->lim->fields) {
		*flags |= MAIL_F_TOO_MANY_FIELDS;
		return false;
	}
	if (s[i] == 'c' || s[i] == 'C') {
		enum ctype t = content_type_at(s, len, i);

		if (t != CT_OTHER &&
		    ++c->levels > c->lim->multipart_headers) {
			*flags |= MAIL_F_TRUNCATED_DEPTH;
			return false;
		}
		if (t == CT_MESSAGE)
			c->message = true;
		else if (t == CT_DIGEST)
			c->digest = true;
	}
	c->in_field = true;
	c->field_at = i;
	c->depth = 0;
	return cut_field_bytes(c, s + i, n, flags);
}

const struct mail_cut_limits mail_cut_limits_default = {
	.delimiters = MAIL_MAX_DELIMITERS,
	.fields = MAIL_MAX_FIELDS,
	.field_items = MAIL_MAX_FIELD_ITEMS,
	.multipart_headers = MAIL_MAX_MULTIPART_HEADERS,
	.comment_depth = MAIL_MAX_COMMENT_DEPTH,
};

size_t
mail_structure_cut(const char *s, size_t len, unsigned *flags)
{
	return mail_structure_cut_within(s, len, &mail_cut_limits_default,
	    flags);
}

size_t
mail_structure_cut_within(const char *s, size_t len,
    const struct mail_cut_limits *lim, unsigned *flags)
{
	struct cut c;
	const char *nl;
	size_t i, n;

	memset(&c, 0, sizeof(c));
	c.lim = lim;
	c.in_header = true; /* the message's own header */
	for (i = 0; i < len; i = (size_t)(nl - s) + 1) {
		size_t rest = len - i;

		nl = memchr(s + i, '\n', rest);
		n = nl != NULL ? (size_t)(nl - (s + i)) : rest;
		if (c.in_field && (s[i] == ' ' || s[i] == '\t')) {
			if (!cut_field_bytes(&c, s + i, n, flags))
				return c.field_at;
		} else if (s[i] == '-' && n > 1 && s[i + 1] == '-') {
			/* a delimiter: a part's header follows */
			if (++c.delims > c.lim->delimiters) {
				*flags |= MAIL_F_TOO_MANY_PARTS;
				return i;
			}
			c.in_header = true;
			c.in_field = c.message = false;
		} else if (n == 0 && c.in_header) {
			/* the header block ends; a message/rfc822 body is one */
			c.in_header = c.message;
			c.in_field = c.message = false;
		} else if ((c.in_header || c.digest) &&
		    mail_starts_with_field(s + i, n)) {
			if (!cut_field(&c, s, len, i, n, flags))
				return i;
		} else {
			c.in_field = false;
		}
		if (nl == NULL)
			break;
	}
	return len;
}
