/*
 * SHA-256 from nettle (FIPS 180-4), behind sha256.h's names. nettle's
 * header renames sha256_init, sha256_update and sha256_digest to
 * nettle_*() with macros; they are undone here so that our functions
 * keep their names, and nettle's are called by their real ones.
 */
#include <nettle/hmac.h>
#include <nettle/sha2.h>
#include <string.h>

#undef sha256_init
#undef sha256_update
#undef sha256_digest

#include "sha256.h"

_Static_assert(sizeof(struct sha256_ctx) <= sizeof(((struct sha256 *)0)->ctx),
    "struct sha256 too small for nettle's sha256_ctx");
_Static_assert(SHA256_DIGEST_SIZE == 32, "SHA-256 digests are 32 bytes");

static struct sha256_ctx *
ctx_of(struct sha256 *s)
{
	return (struct sha256_ctx *)(void *)s->ctx.bytes;
}

void
sha256_init(struct sha256 *s)
{
	nettle_sha256_init(ctx_of(s));
}

void
sha256_update(struct sha256 *s, const void *data, size_t len)
{
	nettle_sha256_update(ctx_of(s), len, data);
}

void
sha256_final(struct sha256 *s, unsigned char digest[32])
{
	nettle_sha256_digest(ctx_of(s), SHA256_DIGEST_SIZE, digest);
}

static void
to_hex(const unsigned char d[32], char hex[SHA256_HEX_LEN + 1])
{
	static const char digits[] = "0123456789abcdef";
	int i;

	for (i = 0; i < 32; i++) {
		hex[2 * i] = digits[d[i] >> 4];
		hex[2 * i + 1] = digits[d[i] & 15];
	}
	hex[SHA256_HEX_LEN] = '\0';
}

/* RFC 2104 with SHA-256 (RFC 4231), nettle's hmac_sha256 */
void
sha256_hmac_hex(const void *key, size_t keylen, const void *buf, size_t len,
    char hex[SHA256_HEX_LEN + 1])
{
	struct hmac_sha256_ctx h;
	unsigned char d[32];

	nettle_hmac_sha256_set_key(&h, keylen, key);
	nettle_hmac_sha256_update(&h, len, buf);
	nettle_hmac_sha256_digest(&h, sizeof(d), d);
	to_hex(d, hex);
}

void
sha256_hex(const void *buf, size_t len, char hex[SHA256_HEX_LEN + 1])
{
	unsigned char d[32];
	struct sha256 s;

	sha256_init(&s);
	sha256_update(&s, buf, len);
	sha256_final(&s, d);
	to_hex(d, hex);
}
