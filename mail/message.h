/*
 * A message's MIME structure, flattened: mail_parse() normalises line ends,
 * finds the structure in place (RFC 2045/2046, mail/mime_walk.h), and
 * lists every leaf part with its type and where its bytes are. Nothing is decoded
 * until someone asks for a part's text (mail_part_text()).
 */
#ifndef BD_MESSAGE_H
#define BD_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "common/arena.h"

enum mail_flag {
	MAIL_F_TRUNCATED_DEPTH = 1 << 0, /* nesting over MAIL_MAX_DEPTH */
	MAIL_F_TOO_MANY_PARTS = 1 << 1,
	MAIL_F_HAS_NULS = 1 << 2,
	MAIL_F_NO_STRUCTURE = 1 << 3, /* no part found: body is one text */
	MAIL_F_HEADER_CUT = 1 << 4,
	MAIL_F_TOO_MANY_RCPTS = 1 << 5, /* report_add_rcpt() hit its cap */
	MAIL_F_TOO_MANY_FIELDS = 1 << 6, /* MAIL_MAX_FIELDS: text cut */
	MAIL_F_TEXT_CUT = 1 << 7, /* a part read only to MAIL_MAX_TEXT */
};

enum mail_enc {
	MAIL_ENC_IDENTITY,
	MAIL_ENC_QP,
	MAIL_ENC_BASE64,
};

struct mail_part {
	const char *type;    /* lower case, e.g. "text/plain"; arena */
	const char *charset; /* lower case or NULL; arena */
	enum mail_enc enc;
	const char *hdr; /* borrowed: the part's own header block, or NULL */
	size_t hdr_len;
	const char *body; /* borrowed: raw (still encoded) body */
	size_t body_len;
	int depth;	/* 0 for the top-level body */
	int in_message; /* inside a returned message/rfc822: how deep */
	bool attachment;
};

struct mail_message {
	char *buf; /* owned: the normalised input (a copy, or the caller's
		    * buffer given to mail_parse_owned()), LF line ends */
	size_t len;
	const char *hdr; /* borrowed from buf: top-level header block */
	size_t hdr_len;
	struct mail_part *parts; /* arena: leaf parts in document order */
	size_t nparts;
	/*
	 * Embedded messages (message/rfc822 bodies, text/rfc822-headers
	 * parts): the first one is the returned original.
	 */
	const struct mail_part *originals[4]; /* into parts[] */
	size_t noriginals;
	unsigned flags; /* enum mail_flag */
	struct arena *arena; /* borrowed: the caller's */
};

/*
 * Parses buf[0..len). Allocates from arena; *msg_r is valid until the
 * arena is freed and mail_message_deinit() is called. Returns 0, or -1 with
 * *error_r (static text) when the input is not a message at all (empty).
 * Malformed MIME is not an error: it sets flags and yields fewer parts.
 */
int mail_parse(const unsigned char *buf, size_t len, struct arena *arena,
    struct mail_message *msg_r, const char **error_r);
/*
 * mail_parse() without a copy: buf (from malloc(), len bytes) is
 * normalised in place and belongs to *msg_r from the call on, whatever it
 * returns; mail_message_deinit() frees it. For callers that own the
 * bytes and need them no more (the daemon's ingest, bouncectl parse).
 * nul_free: the caller has already looked and buf holds no NUL byte, so
 * it is not looked for again (one pass less over a big message).
 */
int mail_parse_owned(unsigned char *buf, size_t len, bool nul_free,
    struct arena *arena, struct mail_message *msg_r, const char **error_r);
void mail_message_deinit(struct mail_message *msg);

/*
 * The caps among flags (enum mail_flag) as names for the edges -- logs
 * and messages.caps: "parts,fields" -- into buf; "" when none.
 * MAIL_F_NO_STRUCTURE and MAIL_F_HAS_NULS are not caps and are named
 * too ("no_structure", "nul"). Returns buf.
 */
const char *mail_flags_text(unsigned flags, char *buf, size_t len);

/*
 * The decoded text of a part as UTF-8, at most MAIL_MAX_TEXT bytes, in the
 * arena; NUL-terminated. Undecodable charsets are passed through as bytes.
 */
const char *mail_part_text(struct mail_message *msg,
    const struct mail_part *part, size_t *len_r);

/*
 * The unfolded value of the first header field called name in the header
 * block hdr[0..len), RFC 2047 encoded words decoded to UTF-8; NULL when
 * absent. In the arena.
 */
const char *mail_header(struct arena *arena, const char *hdr, size_t len,
    const char *name);
/*
 * The first field called name (any case; "Name :" too) in hdr[0..len):
 * its value with its continuation lines (RFC 5322 2.2.3), as a span of
 * hdr of *vlen_r bytes without the last line end; NULL when absent. No
 * copy, no arena: for bytes that are not a parsed message (a spool file).
 */
const char *mail_header_find(const char *hdr, size_t len, const char *name,
    size_t *vlen_r);
/* Same as mail_header(), without decoding encoded words (for addresses
 * and ids): mail_header_find() squeezed into the arena. */
const char *mail_header_raw(struct arena *arena, const char *hdr, size_t len,
    const char *name);
/* A field's value v[0..vl) copied into the arena with its white space
 * squeezed (mail_header_raw()), and such a value with its RFC 2047
 * encoded words decoded to UTF-8 (mail_header()); NULL gives NULL. */
const char *mail_value_squeezed(struct arena *a, const char *v, size_t vl);
const char *mail_value_decoded(struct arena *a, const char *v);
/* Length of the header block at s (up to and excluding the empty line). */
size_t mail_header_block_len(const char *s, size_t len);

/* A longer field value is no address list we read (hostile input). */
#define MAIL_MAX_ADDRESS_LIST 16384
/* Called with each addr-spec, as written; valid only during the call. */
typedef void mail_address_fn(void *ctx, const char *addr);
/*
 * Calls fn for the addr-specs of the RFC 5322 3.4 address list v[0..len),
 * groups' members included, at most max of them; returns how many. 0 when
 * v is no address list (libetpan's parser refuses it).
 */
size_t mail_address_list(const char *v, size_t len, size_t max,
    mail_address_fn *fn, void *ctx);

#endif
