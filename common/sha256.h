/*
 * SHA-256 (FIPS 180-4), for the exactly-once key of a message: the digest
 * of its raw bytes. nettle's implementation (the project's rule: GnuTLS/
 * nettle for hashes) behind our own names: nettle's <nettle/sha2.h>
 * defines sha256_init and sha256_update as macros, so it stays inside
 * sha256.c and the context is kept here as opaque bytes.
 */
#ifndef BD_SHA256_H
#define BD_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_HEX_LEN 64

struct sha256 {
	union {
		uint64_t align;
		unsigned char bytes[128]; /* a struct sha256_ctx (sha256.c
					   * asserts that it fits) */
	} ctx;
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
void sha256_final(struct sha256 *s, unsigned char digest[32]);
/* The digest of buf as 64 lower-case hex digits and a NUL in hex. */
void sha256_hex(const void *buf, size_t len, char hex[SHA256_HEX_LEN + 1]);

/* HMAC-SHA256 (RFC 2104, RFC 4231) of buf under key, as 64 lower-case
 * hex digits and a NUL: the keyed hash of a forgotten address
 * (common/forget_key.h). */
void sha256_hmac_hex(const void *key, size_t keylen, const void *buf,
    size_t len, char hex[SHA256_HEX_LEN + 1]);

#endif
