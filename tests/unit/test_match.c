/*
 * classify_match: '*'-separated pieces must occur in order, without
 * overlap, in lower-case text[0..len). Exact-size buffers throughout.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "classify/classify.h"
#include "testgen.h"

static const struct {
	const char *text, *pattern;
	bool want;
} cases[] = {
    /* plain substring */
    {"550 user unknown", "user unknown", true},
    {"550 user unknown", "unknown user", false},
    /* gaps */
    {"connect to 192.0.2.1 timed out", "connect to * timed out", true},
    {"connect to  timed out", "connect to * timed out", true},
    {"connect to 192.0.2.1 port 25", "connect to * timed out", false},
    {"recipient domain example.org not found", "recipient domain * not found",
	true},
    /* order */
    {"timed out, then connect to x", "connect to * timed out", false},
    {"b a", "a*b", false},
    {"a b", "a*b", true},
    {"xaxbxcx", "a*b*c", true},
    {"xaxcxbx", "a*b*c", false},
    /* overlap: pieces may not share text */
    {"abcde", "abc*cde", false},
    {"abccde", "abc*cde", true},
    {"a", "a*a", false},
    {"aa", "a*a", true},
    {"abb", "ab*b", true},
    {"ab", "ab*b", false},
    {"is full", "is full*full", false},
    /* leftmost choice must not lose a later match */
    {"exceeded x exceeded storage quota", "exceeded * quota", true},
    /* empty pattern and stars only */
    {"anything", "", true},
    {"", "", true},
    {"", "*", true},
    {"abc", "**", true},
    {"", "a", false},
    {"abc", "*abc*", true},
    {"abc", "*abd*", false},
    /* case: the text is lower case, patterns are lower case */
    {"user unknown", "user unknown", true},
};

static void
test_cases(void **state)
{
	size_t i, nfail = 0;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = strlen(cases[i].text);
		unsigned char *copy = exact_copy(cases[i].text, len);
		bool got =
		    classify_match((const char *)copy, len, cases[i].pattern);

		free(copy);
		if (got != cases[i].want) {
			nfail++;
			print_error("classify_match(\"%s\", \"%s\") = %d, want "
				    "%d\n",
			    cases[i].text, cases[i].pattern, got,
			    cases[i].want);
		}
	}
	assert_int_equal(nfail, 0);
}

/* only text[0..len) counts */
static void
test_length(void **state)
{
	static const char t[] = "user unknown here";

	(void)state;
	assert_true(classify_match(t, 12, "user unknown"));
	assert_false(classify_match(t, 11, "user unknown"));
	assert_false(classify_match(t, 11, "user*unknown"));
	assert_true(classify_match(t, 0, ""));
	assert_false(classify_match(t, 0, "u"));
}

/* a long text with the pieces at its far end: still found */
static void
test_long_text(void **state)
{
	struct tbuf b;

	(void)state;
	tbuf_init(&b);
	tbuf_fill(&b, 'a', 100000);
	tbuf_add(&b, "connect to x timed out");
	assert_true(classify_match(b.p, b.len, "a*connect to * timed out"));
	assert_false(classify_match(b.p, b.len, "timed out*connect"));
	tbuf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cases),
	    cmocka_unit_test(test_length),
	    cmocka_unit_test(test_long_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
