/*
 * classify.c's filters (the key-pair buckets, then the byte pairs) rule
 * out only rules that cannot match:
 * for every rule and text, classify_match() true implies a candidate.
 * The texts are every rule's own pattern with its stars filled in, alone
 * and inside other text, and random mixes of the rules' patterns.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "classify/classify.h"

static size_t matched_total;

static void
check_text(const char *t, size_t len)
{
	unsigned k;

	for (k = 0; k < classify_nrules; k++) {
		if (!classify_match(t, len, classify_rules[k].pattern))
			continue;
		matched_total++;
		if (!classify_rule_candidate(t, len, k))
			fail_msg("rule %s matches \"%.*s\" but was ruled out",
			    classify_rules[k].name, (int)len, t);
	}
}

/* before, then pattern with each '*' replaced by fill, then after */
static size_t
filled(char *out, size_t cap, const char *before, const char *pattern,
    const char *fill, const char *after)
{
	const char *parts[3] = { before, pattern, after }, *p, *f;
	size_t n = 0, i;

	for (i = 0; i < 3; i++) {
		for (p = parts[i]; *p != '\0'; p++) {
			if (i == 1 && *p == '*') {
				for (f = fill; *f != '\0' && n + 1 < cap; f++)
					out[n++] = *f;
			} else if (n + 1 < cap) {
				out[n++] = *p;
			}
		}
	}
	out[n] = '\0';
	return n;
}

static void
test_every_rule_text(void **state)
{
	char buf[4096];
	unsigned k;

	(void)state;
	matched_total = 0;
	for (k = 0; k < classify_nrules; k++) {
		const char *pat = classify_rules[k].pattern;

		check_text(buf, filled(buf, sizeof(buf), "", pat, "", ""));
		check_text(buf, filled(buf, sizeof(buf), "550 5.1.1 <a@b.c>: ",
				    pat, " x ", " (in reply to rcpt to)"));
	}
	/* every rule's own text matches at least that rule */
	assert_true(matched_total >= classify_nrules);
}

static void
test_random_mixes(void **state)
{
	char buf[4096];
	unsigned seed = 99, round;

	(void)state;
	for (round = 0; round < 2000; round++) {
		size_t n = 0, parts = 1 + (seed = seed * 1103515245u + 12345u) %
		    4, i;

		for (i = 0; i < parts; i++) {
			unsigned k;

			seed = seed * 1103515245u + 12345u;
			k = (seed >> 8) % classify_nrules;
			n += filled(buf + n, sizeof(buf) - n, " ",
			    classify_rules[k].pattern, "", "");
		}
		check_text(buf, n);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_rule_text),
		cmocka_unit_test(test_random_mixes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
