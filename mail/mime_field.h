/*
 * RFC 2045/2183/5322 field grammar for the in-place MIME walk
 * (mime_walk.c), read the way libetpan 1.9.4 reads it so that the parts
 * found are the ones it found: its CFWS, its token prefixes ("texts/x" is
 * text/unknown), its unstructured field values. Pure: spans over the
 * caller's bytes, copies only into the arena.
 */
#ifndef BD_MIME_FIELD_H
#define BD_MIME_FIELD_H

#include <stdbool.h>
#include <stddef.h>

#include "common/arena.h"
#include "message.h"

/* RFC 5322 3.2.2: FWS, CFWS (comments nest, read without recursion). */
bool mime_fws(const char *s, size_t len, size_t *ip);
bool mime_cfws(const char *s, size_t len, size_t *ip);

/*
 * The header field at s[*ip]: name, ':' after optional CFWS, then an
 * unstructured value with its continuation lines (RFC 5322 2.2.3), which
 * must end with a line end. Returns true with the spans and *ip past the
 * field's last line end; false at the end of the block (*ip unchanged).
 */
struct mime_field {
	const char *name; /* borrowed: s */
	size_t name_len;
	const char *value; /* borrowed: s, leading white space skipped */
	size_t value_len;
};
bool mime_field_next(
    const char *s, size_t len, size_t *ip, struct mime_field *f_r);

enum mime_kind {
	MIME_DISCRETE,
	MIME_MESSAGE,
	MIME_MULTIPART,
};

/* A parsed Content-Type (RFC 2045 5.1). */
struct mime_ctype {
	enum mime_kind kind;
	const char *major; /* as written, or the known name; arena or static */
	const char *minor; /* as written, or "unknown" without '/' */
	const char *boundary; /* first boundary= parameter, unquoted; or NULL */
	const char *charset;  /* first charset= parameter; or NULL */
};

/*
 * Parses the Content-Type value v[0..len) into *ct (strings in the
 * arena). Returns 0, or -1 when libetpan would have dropped the field.
 */
int mime_ctype_parse(
    struct arena *a, const char *v, size_t len, struct mime_ctype *ct);

/*
 * What libetpan parses a Content-Type value as before the grammar: the
 * value with its words joined by one space (RFC 2047 6.2 phrase rules)
 * and bytes past US-ASCII as '?'. NULL when it would parse v as it is.
 * Values with encoded words ("=?") go to the mime_phrase_fn instead.
 */
const char *mime_phrase_plain(
    struct arena *a, const char *v, size_t len, size_t *len_r);

/*
 * Content-Transfer-Encoding (RFC 2045 6.1): MAIL_ENC_*, or -1 when the
 * value is no mechanism at all (the field is then ignored).
 */
int mime_cte_parse(const char *v, size_t len);
/* Content-Disposition (RFC 2183 2): 1 attachment, 0 other, -1 none. */
int mime_disposition_parse(const char *v, size_t len);

#endif
