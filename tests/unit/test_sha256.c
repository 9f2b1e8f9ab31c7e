/* SHA-256 against the FIPS 180-4 / NIST example vectors, fed whole and in
 * every split, so the buffering in sha256_update() is exercised. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "common/sha256.h"

static void
hex(const unsigned char d[32], char out[65])
{
	int i;

	for (i = 0; i < 32; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

static void
vectors(void **state)
{
	static const struct {
		const char *in, *out;
	} v[] = {
		{ "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
		{ "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	};
	char out[65];
	size_t i, cut;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		size_t len = strlen(v[i].in);

		sha256_hex(v[i].in, len, out);
		assert_string_equal(out, v[i].out);
		for (cut = 0; cut <= len; cut++) {
			struct sha256 s;
			unsigned char d[32];

			sha256_init(&s);
			sha256_update(&s, v[i].in, cut);
			sha256_update(&s, v[i].in + cut, len - cut);
			sha256_final(&s, d);
			hex(d, out);
			assert_string_equal(out, v[i].out);
		}
	}
}

static void
million_a(void **state)
{
	static char chunk[1000];
	struct sha256 s;
	unsigned char d[32];
	char out[65];
	int i;

	(void)state;
	memset(chunk, 'a', sizeof(chunk));
	sha256_init(&s);
	for (i = 0; i < 1000; i++)
		sha256_update(&s, chunk, sizeof(chunk));
	sha256_final(&s, d);
	hex(d, out);
	assert_string_equal(out,
	    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(vectors),
		cmocka_unit_test(million_a),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
