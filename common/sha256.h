/*
 * SHA-256 (FIPS 180-4), for the exactly-once key of a message: the digest of
 * its raw bytes. Written from the standard; no dependency for one hash.
 */
#ifndef BD_SHA256_H
#define BD_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_HEX_LEN 64

struct sha256 {
	uint32_t h[8];
	uint64_t len; /* bytes hashed so far */
	unsigned char buf[64];
	size_t nbuf;
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
void sha256_final(struct sha256 *s, unsigned char digest[32]);
/* The digest of buf as 64 lower-case hex digits and a NUL in hex. */
void sha256_hex(const void *buf, size_t len, char hex[SHA256_HEX_LEN + 1]);

#endif
