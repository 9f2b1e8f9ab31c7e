/*
 * cli/json.c: every JSON string bouncectl writes is well-formed UTF-8
 * JSON, whatever bytes it was given (issue 14).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/json.h"
#include "common/strutil.h"

/* json_string(s) as a malloc'd string */
static char *
json_of(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	json_string(f, s);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void
test_strings(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
	    {"plain", "\"plain\""},
	    {"a\"b\\c", "\"a\\\"b\\\\c\""},
	    {"l1\nl2\r\t", "\"l1\\nl2\\r\\t\""},
	    {"\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\""},
	    {"caf\xc3\xa9", "\"caf\xc3\xa9\""},
	    {"\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\""},
	    {"\xf4\x8f\xbf\xbf", "\"\xf4\x8f\xbf\xbf\""}, /* U+10FFFF */
	    {"a\xe2\x80\xa8"
	     "b\xe2\x80\xa9",
		"\"a\\u2028b\\u2029\""},
	    /* each ill-formed byte is one U+FFFD */
	    {"j\xe9r\xf4me", "\"j\xef\xbf\xbdr\xef\xbf\xbdme\""},
	    {"\xc0\xaf", "\"\xef\xbf\xbd\xef\xbf\xbd\""},
	    {"\xed\xa0\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\""},
	    {"\xf4\x90\x80\x80",
		"\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\""},
	    {"x\xe2\x82", "\"x\xef\xbf\xbd\xef\xbf\xbd\""},
	    {"\xff", "\"\xef\xbf\xbd\""},
	    {"", "\"\""},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = json_of(cases[i].in);

		if (strcmp(got, cases[i].out) != 0)
			fail_msg("case %zu: %s", i, got);
		free(got);
	}
}

static void
test_null(void **state)
{
	char *got = json_of(NULL);

	(void)state;
	assert_string_equal(got, "null");
	free(got);
}

/* Every string of one and two bytes, and 3- and 4-byte leads with every
 * continuation: the output is well-formed UTF-8 with no raw control */
static void
test_every_byte(void **state)
{
	char in[5];
	unsigned a, b, c;

	(void)state;
	for (a = 1; a < 256; a++) {
		for (b = 0; b < 256; b++) {
			for (c = 0; c < (a >= 0xe0 ? 256u : 1u); c += 7) {
				char *got;
				size_t i, n;

				in[0] = (char)a;
				in[1] = (char)b;
				in[2] = (char)c;
				in[3] = (char)(a >= 0xf0 ? 0x80 : 0);
				in[4] = '\0';
				got = json_of(in);
				n = strlen(got);
				assert_true(str_utf8_valid(got, n));
				for (i = 0; i < n; i++)
					assert_false(
					    (unsigned char)got[i] < 0x20);
				free(got);
			}
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_strings),
	    cmocka_unit_test(test_null),
	    cmocka_unit_test(test_every_byte),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
