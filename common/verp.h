/*
 * Signed return paths (VERP with an HMAC), docs/VERP.md. A bounce is an
 * unauthenticated message; a return path we signed lets it prove that it
 * concerns mail we sent, to whom, and how long ago. Pure: no I/O, the
 * clock and the key are passed in. The algorithm is written down, with a
 * Python reference, in docs/VERP.md; change both or neither.
 */
#ifndef BD_VERP_H
#define BD_VERP_H

#include <stddef.h>
#include <stdint.h>

/* Every cap, with its reason. */
/* bytes of key: at least 128 bits (issue 13); RFC 2104 3 advises L, 32
 * bytes for SHA-256, which docs/VERP.md's example key has */
#define VERP_KEY_MIN 16
#define VERP_KEY_MAX 256 /* longer than the 64-byte block: hashed first */
#define VERP_ADDR_MAX  320 /* RFC 5321 4.5.3.1.1/2: local 64 + @ + 255 */
#define VERP_TAG_MAX   400 /* "v1=" mac "=" day "=" + an address of 320 */
#define VERP_TMPL_MAX  256 /* the configured template, {tag} included */
/* what verp_check() reads and verp_sign() writes, the NUL excluded */
#define VERP_PATH_MAX  (VERP_TMPL_MAX + VERP_TAG_MAX)
#define VERP_MAC_CHARS 10   /* base32 chars of the MAC kept: 50 bits */
#define VERP_DAYS      1024 /* the day wraps: 2 base32 chars, 10 bits */

enum verp_result {
	VERP_VALID,   /* our tag, MAC right, not too old */
	VERP_EXPIRED, /* our tag, MAC right, older than max_age_days */
	VERP_FORGED,  /* the template's shape, but a bad MAC or malformed */
	VERP_NONE,    /* not an address of our template */
};

/* What signing and checking need: all borrowed. */
struct verp {
	const char *tmpl;	  /* "bounces+{tag}@example.org" */
	const unsigned char *key; /* at least VERP_KEY_MIN bytes */
	size_t key_len;
	unsigned max_age_days; /* 0 .. VERP_DAYS - 1 */
};

/* "valid", "expired", "forged", "none" */
const char *verp_result_name(enum verp_result r);

/*
 * Is tmpl a usable template: one '@' last-split into a local part that
 * holds "{tag}" exactly once and a non-empty domain, at most
 * VERP_TMPL_MAX bytes, printable ASCII without white space? Returns 0,
 * or -1 with *error_r (static).
 */
int verp_template_check(const char *tmpl, const char **error_r);

/*
 * Writes the return path for mail to rcpt at time now (Unix seconds) into
 * out (size >= VERP_PATH_MAX + 1). rcpt is an ASCII addr-spec of a
 * dot-atom local part (RFC 5322 3.4.1), at most VERP_ADDR_MAX bytes.
 * Returns 0, or -1 with *error_r (static).
 */
int verp_sign(const struct verp *v, const char *rcpt, int64_t now, char *out,
    size_t size, const char **error_r);

/*
 * Judges a return path (an address, "<...>" and white space around it
 * allowed) at time now. On VERP_VALID and VERP_EXPIRED, rcpt_r (size >=
 * VERP_ADDR_MAX + 1; may be NULL) holds the recipient it names, in lower
 * case, and *age_r (may be NULL) its age in days (mod VERP_DAYS). Never
 * fails: hostile input is VERP_FORGED or VERP_NONE.
 */
enum verp_result verp_check(const struct verp *v, const char *path,
    size_t path_len, int64_t now, char *rcpt_r, unsigned *age_r);

#endif
