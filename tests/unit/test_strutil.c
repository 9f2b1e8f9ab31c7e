/*
 * common/strutil.c: the code, reply-code and address finders and the small
 * string helpers. Inputs are handed over in exact-size buffers (no NUL
 * after the length) so that ASan sees any read past len.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "common/strutil.h"
#include "testgen.h"

/* find_status_code over an exact-size copy; "" when none was found */
static void
status_of(const char *s, size_t len, char out[16])
{
	unsigned char *copy = exact_copy(s, len);
	const char *hit;

	memset(out, 'x', 16);
	hit = find_status_code((const char *)copy, len, out);
	if (hit == NULL) {
		out[0] = '\0';
	} else {
		/* the pointer is into the input and holds the code */
		assert_true(hit >= (const char *)copy &&
			    hit < (const char *)copy + len);
		assert_memory_equal(hit, out, strlen(out));
	}
	free(copy);
}

static const struct {
	const char *text, *want; /* want "" for none */
} status_cases[] = {
    {"550 5.1.1 user unknown", "5.1.1"},
    {"5.1.1", "5.1.1"},
    {"Status: 4.4.7 (delivery time expired)", "4.4.7"},
    {"said: 550 #5.1.1 mailbox unavailable", "5.1.1"},
    {"#5.1.1", "5.1.1"},
    {"550-5.1.1 The email account that you tried to reach", "5.1.1"},
    {"550.5.1.1 user@example.org is not a valid mailbox", "5.1.1"},
    {"(5.7.26)", "5.7.26"},
    {"5.1.123 long detail", "5.1.123"},
    /* subjects in use are one digit (RFC 3463 3): a version is no code */
    {"5.123.123 long subject", ""},
    {"2.0.0 Ok: queued", "2.0.0"},
    /* not a class digit */
    {"3.1.1 no such class", ""},
    {"1.1.1", ""},
    /* too many digits */
    {"5.1.1234", ""},
    {"5.1000.1", ""},
    {"55.1.1", ""},
    /* IP addresses */
    {"connect to 10.5.1.1 timed out", ""},
    {"host [192.168.5.1] said", ""},
    {"from 4.3.2.1 port 25", ""},
    {"mx.example.org[203.0.113.5]: 550 user unknown", ""},
    {"via 5.1.1.2", ""},
    /* versions */
    {"ESMTP server version 5.1.1.4 ready", ""},
    {"Dovecot v2.3.4 ready", ""},
    {"220 mx.example.org ESMTP Exim 4.94.2; 550 unknown user", ""},
    /* the first code that stands alone */
    {"10.5.1.1 said 554 5.7.1 relay denied", "5.7.1"},
    {"", ""},
    {"5.1.", ""},
    {"5.1", ""},
};

static void
test_find_status_code(void **state)
{
	size_t i, nfail = 0;
	char out[16];

	(void)state;
	for (i = 0; i < sizeof(status_cases) / sizeof(status_cases[0]); i++) {
		status_of(
		    status_cases[i].text, strlen(status_cases[i].text), out);
		if (strcmp(out, status_cases[i].want) != 0) {
			nfail++;
			print_error("find_status_code(\"%s\") = \"%s\", want "
				    "\"%s\"\n",
			    status_cases[i].text, out, status_cases[i].want);
		}
	}
	assert_int_equal(nfail, 0);
}

/* the length is respected: a code cut by len is not read past len */
static void
test_find_status_code_bounds(void **state)
{
	static const char s[] = "status 5.1.1";
	char out[16];
	size_t len;

	(void)state;
	status_of(s, sizeof(s) - 1, out);
	assert_string_equal(out, "5.1.1");
	status_of(s, sizeof(s) - 3, out); /* "status 5.1" */
	assert_string_equal(out, "");
	/* "5.1.1" followed (beyond len) by ".2": the cut text is a code */
	status_of("5.1.1.2", 5, out);
	assert_string_equal(out, "5.1.1");
	for (len = 0; len <= sizeof(s) - 1; len++)
		status_of(s, len, out); /* ASan: no read past len */
}

static const struct {
	const char *text;
	int want;
} reply_cases[] = {
    {"550 5.1.1 user unknown", 550},
    {"550-5.1.1 The email account", 550},
    {"550.5.1.1 user@example.org is not a valid mailbox", 550},
    {"Remote host said: 552 Message size exceeds", 552},
    {"(554)", 554},
    {"421", 421},
    {"said: 450-4.2.1 try later", 450},
    /* sizes, years and other numbers */
    {"Message size exceeds fixed maximum message size (5000000)", 0},
    {"maximum message size: 5242880 bytes", 0},
    {"queued since 2013", 0},
    {"error 650 is not a reply", 0},
    {"error 570 is not a reply", 0},
    {"x550 y", 0},
    {"5.5.0 invalid", 0},
    /* IP addresses are not reply codes */
    {"connect to 203.0.113.5 timed out", 0},
    {"host mx.example.org[209.85.233.26] said: 550 5.1.1 unknown", 550},
    {"(203.0.113.5) 554 relay access denied", 554},
    {"", 0},
};

static void
test_find_reply_code(void **state)
{
	size_t i, nfail = 0;

	(void)state;
	for (i = 0; i < sizeof(reply_cases) / sizeof(reply_cases[0]); i++) {
		size_t len = strlen(reply_cases[i].text);
		unsigned char *copy = exact_copy(reply_cases[i].text, len);
		int got = find_reply_code((const char *)copy, len);

		free(copy);
		if (got != reply_cases[i].want) {
			nfail++;
			print_error("find_reply_code(\"%s\") = %d, want %d\n",
			    reply_cases[i].text, got, reply_cases[i].want);
		}
	}
	assert_int_equal(nfail, 0);
}

static const struct {
	const char *text, *want; /* NULL: none */
} addr_cases[] = {
    {"<User@Example.org>", "User@Example.org"},
    {"rfc822; user@example.org", "user@example.org"},
    {"550 <user.name+tag@sub.example.co.uk>: unknown",
	"user.name+tag@sub.example.co.uk"},
    {"..user@example.org", "user@example.org"},
    {"mail to user@example.org.", "user@example.org"},
    {"user@[192.0.2.1] bad", "user@[192.0.2.1]"},
    {"user@localhost then other@example.net", "other@example.net"},
    {"first@a.example then second@b.example", "first@a.example"},
    {"@example.org", NULL},
    {"user@", NULL},
    {"user@localhost", NULL},
    /* found by fuzzing: the only dot was trimmed away */
    {"user@example.-", NULL},
    {"user@[192.0.2.1", NULL},
    {"no address here", NULL},
    {"", NULL},
};

static void
test_find_address(void **state)
{
	size_t i, nfail = 0;

	(void)state;
	for (i = 0; i < sizeof(addr_cases) / sizeof(addr_cases[0]); i++) {
		size_t len = strlen(addr_cases[i].text), alen = 0;
		unsigned char *copy = exact_copy(addr_cases[i].text, len);
		const char *start = NULL;
		bool ok = find_address((const char *)copy, len, &start, &alen);
		char got[128] = "";

		if (ok) {
			assert_true(start >= (const char *)copy &&
				    start + alen <= (const char *)copy + len);
			assert_true(alen < sizeof(got));
			memcpy(got, start, alen);
			got[alen] = '\0';
		}
		free(copy);
		if (addr_cases[i].want == NULL && ok) {
			nfail++;
			print_error(
			    "find_address(\"%s\") = \"%s\", want none\n",
			    addr_cases[i].text, got);
		}
		if (addr_cases[i].want != NULL &&
		    (!ok || strcmp(got, addr_cases[i].want) != 0)) {
			nfail++;
			print_error(
			    "find_address(\"%s\") = \"%s\", want \"%s\"\n",
			    addr_cases[i].text, ok ? got : "(none)",
			    addr_cases[i].want);
		}
	}
	assert_int_equal(nfail, 0);
}

static void
test_find_address_bounds(void **state)
{
	static const char s[] = "user@example.org";
	const char *start;
	size_t alen, len;

	(void)state;
	/* cut before the dot: no domain dot within len */
	assert_false(find_address(s, 10, &start, &alen));
	assert_true(find_address(s, 14, &start, &alen));
	assert_int_equal(alen, 14); /* "user@example.o" */
	for (len = 0; len <= sizeof(s) - 1; len++) {
		unsigned char *copy = exact_copy(s, len);

		(void)find_address((const char *)copy, len, &start, &alen);
		free(copy);
	}
}

/* RFC 3629 4 and its table of well-formed byte sequences */
static const struct {
	const char *s;
	size_t len, want; /* str_utf8_seq(s, len) */
} utf8_cases[] = {
    {"a", 1, 1},
    {"\0", 1, 1}, /* NUL is ASCII */
    {"", 0, 0},
    {"\xc3\xa9", 2, 2},         /* U+00E9 */
    {"\xc2\x80", 2, 2},         /* U+0080, the first of two bytes */
    {"\xdf\xbf", 2, 2},         /* U+07FF */
    {"\xe0\xa0\x80", 3, 3},     /* U+0800 */
    {"\xe2\x82\xac", 3, 3},     /* U+20AC */
    {"\xed\x9f\xbf", 3, 3},     /* U+D7FF, below the surrogates */
    {"\xee\x80\x80", 3, 3},     /* U+E000, above them */
    {"\xef\xbf\xbf", 3, 3},     /* U+FFFF */
    {"\xf0\x90\x80\x80", 4, 4}, /* U+10000 */
    {"\xf0\x9f\x98\x80", 4, 4}, /* U+1F600 */
    {"\xf4\x8f\xbf\xbf", 4, 4}, /* U+10FFFF, the last */
    /* overlong forms */
    {"\xc0\xaf", 2, 0}, /* '/' in two bytes */
    {"\xc1\xbf", 2, 0},
    {"\xe0\x80\xaf", 3, 0},
    {"\xe0\x9f\xbf", 3, 0}, /* U+07FF in three */
    {"\xf0\x80\x80\xaf", 4, 0},
    {"\xf0\x8f\xbf\xbf", 4, 0}, /* U+FFFF in four */
    /* surrogates, as CESU-8 and Java write them */
    {"\xed\xa0\x80", 3, 0}, /* U+D800 */
    {"\xed\xaf\xbf", 3, 0}, /* U+DBFF */
    {"\xed\xb0\x80", 3, 0}, /* U+DC00 */
    {"\xed\xbf\xbf", 3, 0}, /* U+DFFF */
    /* past U+10FFFF, and the old 5- and 6-byte forms */
    {"\xf4\x90\x80\x80", 4, 0}, /* U+110000 */
    {"\xf5\x80\x80\x80", 4, 0},
    {"\xf7\xbf\xbf\xbf", 4, 0},
    {"\xf8\x88\x80\x80\x80", 5, 0},
    {"\xfc\x84\x80\x80\x80\x80", 6, 0},
    {"\xfe", 1, 0},
    {"\xff", 1, 0},
    /* truncated: by the length, or by a byte that continues nothing */
    {"\xc3", 1, 0},
    {"\xe2\x82", 2, 0},
    {"\xf0\x9f\x98", 3, 0},
    {"\xe2\x82\xac", 2, 0}, /* whole, but len cuts it */
    {"\xe2\x28\xac", 3, 0},
    {"\xf0\x9f\x98\x41", 4, 0},
    {"\xc3\x00", 2, 0},
    /* a continuation byte alone */
    {"\x80", 1, 0},
    {"\xbf", 1, 0},
};

static void
test_utf8_seq(void **state)
{
	size_t i, nfail = 0;

	(void)state;
	for (i = 0; i < sizeof(utf8_cases) / sizeof(utf8_cases[0]); i++) {
		unsigned char *copy =
		    exact_copy(utf8_cases[i].s, utf8_cases[i].len);
		size_t got =
		    str_utf8_seq((const char *)copy, utf8_cases[i].len);

		if (got != utf8_cases[i].want) {
			nfail++;
			print_error("case %zu: str_utf8_seq = %zu, want %zu\n",
			    i, got, utf8_cases[i].want);
		}
		/* one sequence: valid exactly when it is one whole */
		if (str_utf8_valid((const char *)copy, utf8_cases[i].len) !=
		    (got == utf8_cases[i].len)) {
			nfail++;
			print_error("case %zu: str_utf8_valid disagrees\n", i);
		}
		free(copy);
	}
	assert_int_equal(nfail, 0);
	assert_true(str_utf8_valid("", 0));
	assert_true(
	    str_utf8_valid("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 14));
	assert_false(str_utf8_valid("caf\xc3\xa9 \xed\xa0\x80", 9));
}

/* Each byte that starts no well-formed sequence becomes one '?'. */
static void
test_utf8_clean(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
	    {"plain", "plain"},
	    {"caf\xc3\xa9", "caf\xc3\xa9"},
	    {"\xf0\x9f\x98\x80!", "\xf0\x9f\x98\x80!"},
	    {"j\xe9r\xf4me", "j?r?me"},                 /* Latin-1 */
	    {"a\xc0\xafz", "a??z"},                     /* overlong '/' */
	    {"a\xed\xa0\x80z", "a???z"},                /* U+D800 */
	    {"a\xed\xa0\xbd\xed\xb8\x80z", "a??????z"}, /* a pair */
	    {"a\xf4\x90\x80\x80z", "a????z"},           /* U+110000 */
	    {"a\xf8\x88\x80\x80\x80z", "a?????z"},
	    {"a\xe2\x82", "a??"}, /* cut at the end */
	    {"\xe2\x82\xe2\x82\xac", "??\xe2\x82\xac"},
	    {"\x80\xbf", "??"},
	    {"", ""},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *s = strdup(cases[i].in);

		assert_ptr_equal(str_utf8_clean(s), s);
		if (strcmp(s, cases[i].out) != 0)
			fail_msg("case %zu: \"%s\"", i, s);
		assert_true(str_utf8_valid(s, strlen(s)));
		free(s);
	}
	assert_null(str_utf8_clean(NULL));
}

/*
 * A NUL or a control character in an address, or junk inside its angle
 * brackets, makes it no address: never its tail or head (issue 14).
 */
static void
test_find_address_holes(void **state)
{
	static const struct {
		const char *text;
		size_t len;
		const char *want; /* NULL: none */
	} cases[] = {
	    {"us\0er@example.org", 17, NULL},
	    {"user@exam\0ple.org", 17, NULL},
	    {"user@example.org\0x", 18, NULL},
	    {"us\x01"
	     "er@example.org",
		17, NULL},
	    {"us\x7f"
	     "er@example.org",
		17, NULL},
	    {"<us er@example.org>", 19, NULL},
	    {"<user@example.or g>", 19, NULL},
	    {"<us\ter@example.org>", 19, NULL},
	    {"user@[1.2.3.4 > x]", 18, NULL},
	    {"user@[1.2.3.4]>", 15, "user@[1.2.3.4]"},
	    {"user@[300.2.3.4]", 16, NULL},
	    {"j\xe9r\xf4me@example.org", 18, NULL},
	    /* a hole before the first address does not hide the next */
	    {"us\0er@example.org or <ann@example.org>", 38, "ann@example.org"},
	    /* brackets that hold the address alone, or with a route */
	    {"<mailto:ann@example.org>", 24, "ann@example.org"},
	    {"<@relay.example:ann@example.org>", 32, "ann@example.org"},
	    {"to <ann@example.org> now", 24, "ann@example.org"},
	    {"<<< 550 ann@example.org unknown", 31, "ann@example.org"},
	    {"x <a> ann@example.org <b> y", 27, "ann@example.org"},
	    {"ann@example.org\tunknown", 23, "ann@example.org"},
	    {"j\xc3\xa9r\xc3\xb4me@example.org", 20,
		"j\xc3\xa9r\xc3\xb4me@example.org"},
	};
	size_t i, nfail = 0;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned char *copy = exact_copy(cases[i].text, cases[i].len);
		const char *start = NULL;
		size_t alen = 0;
		bool ok = find_address(
		    (const char *)copy, cases[i].len, &start, &alen);

		if (ok != (cases[i].want != NULL) ||
		    (ok && (alen != strlen(cases[i].want) ||
			       memcmp(start, cases[i].want, alen) != 0))) {
			nfail++;
			print_error("case %zu: found \"%.*s\", want \"%s\"\n",
			    i, ok ? (int)alen : 0, ok ? start : "",
			    cases[i].want != NULL ? cases[i].want : "(none)");
		}
		free(copy);
	}
	assert_int_equal(nfail, 0);
}

static void
test_ci_find(void **state)
{
	static const char hay[] = "Hello, World: USER UNKNOWN";
	size_t n = sizeof(hay) - 1;
	char big[300];

	(void)state;
	assert_ptr_equal(ci_find(hay, n, "world"), hay + 7);
	assert_ptr_equal(ci_find(hay, n, "WORLD"), hay + 7);
	assert_ptr_equal(ci_find(hay, n, "User Unknown"), hay + 14);
	assert_ptr_equal(ci_find(hay, n, "hello"), hay);
	assert_null(ci_find(hay, n, "worlds"));
	assert_null(ci_find(hay, 11, "world")); /* "Hello, Wor" */
	assert_ptr_equal(ci_find(hay, 12, "world"), hay + 7);
	assert_ptr_equal(ci_find(hay, n, ""), hay);
	assert_null(ci_find(hay, 3, "hello"));
	assert_null(ci_find("", 0, "a"));
	assert_ptr_equal(ci_find_lower(hay, n, "unknown", 7), hay + 19);
	assert_null(
	    ci_find_lower(hay, n, "UNKNOWN", 7)); /* needle must be lc */
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	/* a needle over the internal buffer is not found, never overflows */
	assert_null(ci_find(big, sizeof(big) - 1, big));
	assert_true(ci_starts("Final-Recipient: x", 18, "final-recipient"));
	assert_false(ci_starts("Final", 5, "final-recipient"));
	assert_true(ci_equal("DeLiVeReD", "delivered"));
	assert_false(ci_equal("delivered", "delivere"));
}

/* the definition: the leftmost start where every byte agrees, cased */
static const char *
ref_ci_find(const char *hay, size_t len, const char *needle)
{
	size_t n = strlen(needle), i, j;

	for (i = 0; i + n <= len; i++) {
		for (j = 0; j < n; j++) {
			unsigned char a = (unsigned char)hay[i + j];
			unsigned char b = (unsigned char)needle[j];

			if ((a >= 'A' && a <= 'Z' ? a + 32 : a) !=
			    (b >= 'A' && b <= 'Z' ? b + 32 : b))
				break;
		}
		if (j == n)
			return hay + i;
	}
	return NULL;
}

/*
 * ci_find() looks for a needle's rarest byte first (a non-letter, else
 * the least frequent letter): random needles and texts over a small
 * alphabet of both cases, spaces and punctuation, exact-size copies (ASan
 * sees a read past either end), against the byte-by-byte definition.
 */
static void
test_ci_find_random(void **state)
{
	static const char alpha[] = "aAeEzZ q-Q.";
	unsigned seed = 31337;
	int round;

	(void)state;
	for (round = 0; round < 20000; round++) {
		char needle[10], text[80];
		size_t nl = (seed = seed * 1103515245u + 12345u) % 9;
		size_t tl = (seed = seed * 1103515245u + 12345u) % 80, i;
		unsigned char *copy;
		const char *got, *want;

		for (i = 0; i < nl; i++) {
			seed = seed * 1103515245u + 12345u;
			needle[i] = alpha[(seed >> 16) % (sizeof(alpha) - 1)];
		}
		needle[nl] = '\0';
		for (i = 0; i < tl; i++) {
			seed = seed * 1103515245u + 12345u;
			text[i] = alpha[(seed >> 16) % (sizeof(alpha) - 1)];
		}
		/* now and then the needle itself, at a random place */
		if (nl > 0 && nl <= tl && round % 3 == 0) {
			size_t at = (seed >> 8) % (tl - nl + 1);

			memcpy(text + at, needle, nl);
		}
		copy = exact_copy(text, tl);
		got = ci_find((const char *)copy, tl, needle);
		want = ref_ci_find((const char *)copy, tl, needle);
		if (got != want)
			fail_msg("\"%s\" in \"%.*s\": at %td, want %td", needle,
			    (int)tl, text,
			    got != NULL ? got - (const char *)copy : -1,
			    want != NULL ? want - (const char *)copy : -1);
		free(copy);
	}
}

static void
test_str_squeeze(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
	    {"  a \t b\n\nc  ", "a b c"},
	    {"abc", "abc"},
	    {"", ""},
	    {" \r\n\t\f\v ", ""},
	    {"550\n    5.1.1\tunknown", "550 5.1.1 unknown"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *s = strdup(cases[i].in);
		size_t n = str_squeeze(s);

		assert_string_equal(s, cases[i].out);
		assert_int_equal(n, strlen(cases[i].out));
		free(s);
	}
	{
		char s[] = "MiXeD 123";

		assert_string_equal(str_lower(s), "mixed 123");
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_find_status_code),
	    cmocka_unit_test(test_find_status_code_bounds),
	    cmocka_unit_test(test_find_reply_code),
	    cmocka_unit_test(test_find_address),
	    cmocka_unit_test(test_find_address_bounds),
	    cmocka_unit_test(test_find_address_holes),
	    cmocka_unit_test(test_utf8_seq),
	    cmocka_unit_test(test_utf8_clean),
	    cmocka_unit_test(test_ci_find),
	    cmocka_unit_test(test_ci_find_random),
	    cmocka_unit_test(test_str_squeeze),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
