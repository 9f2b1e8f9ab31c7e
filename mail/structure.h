#ifndef BD_MAIL_STRUCTURE_H
#define BD_MAIL_STRUCTURE_H

#include <stdbool.h>
#include <stddef.h>

/* RFC 5322 2.2: s[0..len) begins with a header field's name and colon. */
bool mail_starts_with_field(const char *s, size_t len);

/*
 * The length of the prefix of s[0..len) (LF line ends) that the MIME walk
 * (mail/mime_walk.c) may be given: len, or the start of the line or field that passes a cap of
 * mail_limits.h, with the cap's MAIL_F_* flag added to *flags. Every
 * line that begins inside the prefix is counted as in the whole text, so
 * the prefix cut again is itself, with no flag.
 */
size_t mail_structure_cut(const char *s, size_t len, unsigned *flags);

/*
 * The caps the pass counts against. mail_structure_cut() uses the
 * defaults (mail_limits.h); fuzz_cut also passes smaller ones, so that
 * every cap is reached in texts of a few KiB (tests/fuzz/README.md).
 */
struct mail_cut_limits {
	size_t delimiters;	  /* lines that may be a delimiter */
	size_t fields;		  /* header fields in parsed blocks */
	size_t field_items;	  /* ',' and ';' in those fields */
	size_t multipart_headers; /* multipart and message Content-Types */
	unsigned comment_depth;	  /* nested comments in one field */
};

extern const struct mail_cut_limits mail_cut_limits_default;

/*
 * What the pass makes of a Content-Type value v[0..n): 0 a discrete type,
 * 1 multipart/ or message/ (a level), 2 message/rfc822 or message/global
 * (a header follows), 3 multipart/digest. For tests.
 */
int mail_structure_ctype(const char *v, size_t n);

size_t mail_structure_cut_within(const char *s, size_t len,
    const struct mail_cut_limits *lim, unsigned *flags);

#endif
