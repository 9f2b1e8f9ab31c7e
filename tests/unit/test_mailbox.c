/*
 * common/mailbox.c: what may be recorded as a recipient (RFC 5321 4.1.2,
 * 4.1.3, 4.5.3.1; RFC 6531). Inputs are handed over in exact-size buffers
 * so that ASan sees any read past len.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/mailbox.h"
#include "testgen.h"

static bool
valid(const char *s, size_t len)
{
	unsigned char *copy = exact_copy(s, len);
	bool ok = mailbox_valid((const char *)copy, len);

	free(copy);
	return ok;
}

static const struct {
	const char *s;
	bool ok;
} cases[] = {
    {"user@example.org", true},
    {"User.Name+tag@Example.ORG", true},
    {"!#$%&'*+-/=?^_`{|}~@example.org", true},
    {"user@localhost", true}, /* RFC 5321 allows it; callers want a dot */
    {"user@a-b.example", true},
    {"user@xn--bcher-kva.example", true},
    {"user@1.2.3.4", true}, /* a name of digits, not a literal */
    /* dots anywhere in the local part: in use (docs/DEVIATIONS.md) */
    {"lee....park....@example.org", true},
    {".lee@example.org", true},
    /* quoted local parts */
    {"\"chris moe\"@example.org", true},
    {"\"a\\\"b\"@example.org", true},
    {"\"a\\\\b\"@example.org", true},
    {"\"a@b\"@example.org", true},
    {"\"<x>\"@example.org", true},
    {"\"\"@example.org", false},
    {"\"a\"b\"@example.org", false},
    {"\"a\"@@example.org", false},
    {"\"abc@example.org", false},
    {"\"a\tb\"@example.org", false},
    {"\"a\\\tb\"@example.org", false},
    /* UTF-8 (RFC 6531) */
    {"j\xc3\xa9r\xc3\xb4me@example.org", true},
    {"\xe7\x94\xb0\xe4\xb8\xad@\xe4\xbe\x8b\xe3\x81\x88.jp", true},
    {"x\xf0\x9f\x98\x80@b\xc3\xbc"
     "cher.example",
	true},
    {"\"j\xc3\xa9r\xc3\xb4me x\"@example.org", true},
    {"j\xe9r\xf4me@example.org", false}, /* Latin-1 */
    {"a\xc0\xaf"
     "b@example.org",
	false}, /* overlong */
    {"a\xed\xa0\x80"
     "b@example.org",
	false}, /* surrogate */
    {"a\xf4\x90\x80\x80"
     "b@example.org",
	false},                       /* > U+10FFFF */
    {"a\xe2\x82@example.org", false}, /* truncated */
    {"a\xc2\x85"
     "b@example.org",
	false}, /* U+0085, C1 */
    {"user@ex\xe9mple.org", false},
    /* what a NUL, a space or a control character leaves */
    {"us er@example.org", false},
    {"us\ter@example.org", false},
    {"us\x01"
     "er@example.org",
	false},
    {"us\x7f"
     "er@example.org",
	false},
    {"user@exa mple.org", false},
    {"user@example.org ", false},
    {" user@example.org", false},
    {"user@example.org\n", false},
    {"<user@example.org>", false},
    {"user@example.org>", false},
    {"Name user@example.org", false},
    /* shapes */
    {"", false},
    {"@", false},
    {"user", false},
    {"user@", false},
    {"@example.org", false},
    {"a@b@example.org", false},
    {"user@example.org.", false}, /* callers drop the root's dot */
    {"user@.example.org", false},
    {"user@example..org", false},
    {"user@-example.org", false},
    {"user@example-.org", false},
    {"user@example.org-", false},
    {"user@exa_mple.org", false},
    {"user@exa(mple.org", false},
    {"us(er@example.org", false},
    {"us,er@example.org", false},
    {"us\\er@example.org", false},
    /* address literals (RFC 5321 4.1.3) */
    {"user@[192.0.2.1]", true},
    {"user@[0.0.0.0]", true},
    {"user@[255.255.255.255]", true},
    {"user@[IPv6:2001:db8::1]", true},
    {"user@[ipv6:2001:DB8::1]", true},
    {"user@[IPv6:::1]", true},
    {"user@[IPv6:::ffff:192.0.2.1]", true},
    {"user@[1.2.3.4 > x]", false},
    {"user@[1.2.3.4]x", false},
    {"user@[1.2.3.4", false},
    {"user@1.2.3.4]", false},
    {"user@[256.1.1.1]", false},
    {"user@[1.2.3]", false},
    {"user@[1.2.3.4.5]", false},
    {"user@[1.2.3.-4]", false},
    {"user@[1.2.3.4 ]", false},
    {"user@[ 1.2.3.4]", false},
    {"user@[]", false},
    {"user@[IPv6:]", false},
    {"user@[IPv6:2001:db8::1 ]", false},
    {"user@[IPv6:2001:db8:::1]", false},
    {"user@[IPv6:fe80::1%eth0]", false},
    {"user@[IPv6:<script>]", false},
    {"user@[x-tag:anything]", false}, /* no other tag is registered */
    {"user@[example.org]", false},
};

static void
test_cases(void **state)
{
	size_t i, nfail = 0;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (valid(cases[i].s, strlen(cases[i].s)) != cases[i].ok) {
			nfail++;
			print_error("mailbox_valid(\"%s\") = %d, want %d\n",
			    cases[i].s, !cases[i].ok, cases[i].ok);
		}
	}
	assert_int_equal(nfail, 0);
}

/* A NUL inside is no end: the length says where the string ends. */
static void
test_nul(void **state)
{
	(void)state;
	assert_false(valid("us\0er@example.org", 17));
	assert_false(valid("user@example.org\0", 17));
	assert_false(valid("\0user@example.org", 17));
	assert_false(valid("\"us\0er\"@example.org", 19));
	assert_true(valid("user@example.org", 16));
	/* a prefix of a valid address is judged as itself */
	assert_false(valid("user@example.org", 5));
	assert_true(valid("user@example.org", 14)); /* user@example.o */
}

/* n copies of c then tail, in a static buffer */
static const char *
repeat(int c, size_t n, const char *tail)
{
	static char buf[1024];

	assert_true(n + strlen(tail) < sizeof(buf));
	memset(buf, c, n);
	strcpy(buf + n, tail);
	return buf;
}

/* A host name of exactly n octets, labels of 62 and the rest, in out. */
static size_t
domain_of(char *out, size_t n)
{
	size_t left = n, o = 0;

	while (left > 63) {
		memset(out + o, 'x', 62);
		out[o + 62] = '.';
		o += 63;
		left -= 63;
	}
	memset(out + o, 'y', left);
	return n;
}

/* RFC 5321 4.5.3.1: local part 64, domain 255, a label 63, the whole 254 */
static void
test_lengths(void **state)
{
	char d[300];
	const char *s;

	(void)state;
	s = repeat('a', 64, "@example.org");
	assert_true(valid(s, strlen(s)));
	s = repeat('a', 65, "@example.org");
	assert_false(valid(s, strlen(s)));
	s = repeat('a', 62, "\"@example.org");
	memcpy(d, "\"", 1);
	strcpy(d + 1, s); /* a quoted local part of 64 with its quotes */
	assert_true(valid(d, strlen(d)));
	s = repeat('a', 63, "\"@example.org");
	strcpy(d + 1, s);
	assert_false(valid(d, strlen(d)));

	s = repeat('l', 63, ".example");
	strcpy(d, "u@");
	strcat(d, s);
	assert_true(valid(d, strlen(d)));
	s = repeat('l', 64, ".example");
	strcpy(d, "u@");
	strcat(d, s);
	assert_false(valid(d, strlen(d)));

	/* the whole: 254 octets at most, whatever the parts allow */
	d[0] = 'u';
	d[1] = '@';
	assert_true(valid(d, 2 + domain_of(d + 2, 252)));
	assert_false(valid(d, 2 + domain_of(d + 2, 253)));
	memset(d, 'a', 64);
	d[64] = '@';
	assert_true(valid(d, 65 + domain_of(d + 65, 189)));
	assert_false(valid(d, 65 + domain_of(d + 65, 190)));
	assert_false(valid(d, 2 + domain_of(d + 2, 256)));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cases),
	    cmocka_unit_test(test_nul),
	    cmocka_unit_test(test_lengths),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
