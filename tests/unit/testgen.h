/*
 * Helpers shared by the unit tests: a growable text buffer to generate
 * messages at test time, line-end conversion, and an exact-size copy (no
 * trailing NUL) so that ASan catches reads past the length a parser got.
 */
#ifndef BD_TESTGEN_H
#define BD_TESTGEN_H

#include <stddef.h>

struct tbuf {
	char *p; /* owned: NUL-terminated */
	size_t len, cap;
};

void tbuf_init(struct tbuf *b);
void tbuf_free(struct tbuf *b);
void tbuf_addn(struct tbuf *b, const char *s, size_t n);
void tbuf_add(struct tbuf *b, const char *s);
void tbuf_addf(struct tbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* n copies of byte c */
void tbuf_fill(struct tbuf *b, int c, size_t n);

/* A malloc'd copy of s[0..len) with no terminator (len 0: one byte). */
unsigned char *exact_copy(const void *s, size_t len);
/* New malloc'd text with every LF replaced by CRLF, or by CR. */
char *lf_to(const char *s, size_t len, const char *eol, size_t *len_r);

/*
 * A complete RFC 3464 report (multipart/report, text/plain, message/
 * delivery-status, message/rfc822) for one recipient, LF line ends.
 * status and diag may be NULL (field left out).
 */
void gen_dsn(struct tbuf *b, const char *rcpt, const char *status,
    const char *diag, const char *msgid);

#endif
