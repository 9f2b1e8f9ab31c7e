/*
 * common/acmatch.c: the multi-pattern matcher answers what ci_find()
 * answers, pattern by pattern: the same first offsets, the same earliest
 * start, the same "any". Texts are handed over in exact-size buffers (no
 * NUL after the length) so that ASan sees any read past len.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "common/acmatch.h"
#include "common/arena.h"
#include "common/strutil.h"
#include "mail/report.h"
#include "testgen.h"

/* acm_each()'s occurrences, counted per pattern and offset */
struct seen {
	size_t n;
	size_t pat[4096], off[4096];
};

static bool
record(void *arg, size_t i, size_t off)
{
	struct seen *sn = arg;

	assert_true(sn->n < 4096);
	sn->pat[sn->n] = i;
	sn->off[sn->n] = off;
	sn->n++;
	return true;
}

/* every occurrence ci_find() finds from each hit + 1, and nothing else */
static void
check_each(const struct acm *a, const char *const *pats, size_t n,
    const char *t, size_t len)
{
	static struct seen sn;
	size_t i, k, want = 0;

	sn.n = 0;
	assert_true(acm_each(a, t, len, record, &sn));
	for (i = 0; i < n; i++) {
		const char *p = t, *h;

		if (pats[i][0] == '\0') {
			want++; /* reported once, at 0 */
			continue;
		}
		while (p <= t + len && (h = ci_find(p, len - (size_t)(p - t),
					    pats[i])) != NULL) {
			for (k = 0; k < sn.n; k++) {
				if (sn.pat[k] == i &&
				    sn.off[k] == (size_t)(h - t))
					break;
			}
			if (k == sn.n)
				fail_msg("pattern %zu at %zu not reported", i,
				    (size_t)(h - t));
			want++;
			p = h + 1;
		}
	}
	assert_int_equal(sn.n, want);
}

/* acm against ci_find() for every pattern, over an exact-size copy */
static void
check_same(const char *const *pats, size_t n, const char *text, size_t len)
{
	struct acm *a = acm_build(pats, n);
	unsigned char *copy = exact_copy(text, len);
	const char *t = (const char *)copy;
	size_t *first = calloc(n + 1, sizeof(*first));
	size_t i, best = ACM_NONE, found = 0, got;

	assert_non_null(first);
	assert_int_equal(acm_npats(a), n);
	got = acm_first_each(a, t, len, first);
	for (i = 0; i < n; i++) {
		const char *h = ci_find(t, len, pats[i]);
		size_t want = h != NULL ? (size_t)(h - t) : ACM_NONE;

		if (want != first[i])
			fail_msg("pattern %zu \"%s\" in \"%.*s\": ci_find %zu, "
				 "acm %zu",
			    i, pats[i], (int)len, text, want, first[i]);
		if (want != ACM_NONE) {
			found++;
			if (want < best)
				best = want;
		}
	}
	/* stopping early when all are found still counts them all */
	assert_int_equal(got, found);
	assert_int_equal(acm_first_any(a, t, len), best);
	assert_int_equal(acm_any(a, t, len), best != ACM_NONE);
	check_each(a, pats, n, t, len);
	free(first);
	free(copy);
	acm_free(a);
}

static void
test_basics(void **state)
{
	static const char *const pats[] = {
	    "he", "she", "his", "hers", "HERS", "", "s", NULL};
	(void)state;
	check_same(pats, 7, "ushers", 6);
	check_same(pats, 7, "USHERS and his", 14);
	check_same(pats, 7, "", 0);
	check_same(pats, 4, "nothing matches", 15);
	check_same(pats, 4, "", 0);
	check_same(pats, 0, "anything", 8);
}

/* the first match by start, not by end: "abcdef" starts before "bc" */
static void
test_earliest_start(void **state)
{
	static const char *const pats[] = {"bc", "abcdef", "cd"};
	const char *t = "xxabcdefxx";
	struct acm *a = acm_build(pats, 3);
	unsigned char *copy = exact_copy(t, strlen(t));

	(void)state;
	assert_int_equal(acm_first_any(a, (const char *)copy, strlen(t)), 2);
	free(copy);
	acm_free(a);
	check_same(pats, 3, t, strlen(t));
	check_same(pats, 3, "xxabcdexx bc abcdef", 19);
}

/* ASCII folding only: other bytes (8-bit, NUL) match themselves */
static void
test_folding(void **state)
{
	static const char *const pats[] = {
	    "\xc3\xa9t\xc3\xa9", "[ok]", "@-_", "mailbox FULL", "x\x7f"};
	static const char text[] = "\xc3\x89T\xc3\x89 \xc3\xa9T\xc3\xa9 "
				   "\0[OK] @-_ MAILBOX full X\x7f";
	(void)state;
	check_same(pats, 5, text, sizeof(text) - 1);
}

/* ci_find()'s limits: an empty needle is found at 0, one of 256 bytes or
 * more never */
static void
test_limits(void **state)
{
	char *long_pat = malloc(300), *text = malloc(600);
	const char *pats[3];

	(void)state;
	assert_non_null(long_pat);
	assert_non_null(text);
	memset(long_pat, 'a', 299);
	long_pat[299] = '\0';
	memset(text, 'A', 600);
	pats[0] = long_pat;
	pats[1] = "";
	pats[2] = "aaa";
	check_same(pats, 3, text, 600);
	long_pat[255] = '\0';
	check_same(pats, 1, text, 600);
	long_pat[254] = '\0';
	check_same(pats, 1, text, 600);
	free(long_pat);
	free(text);
}

/* duplicates each get their own answer; overlapping suffixes all report */
static void
test_duplicates(void **state)
{
	static const char *const pats[] = {
	    "abc", "ABC", "bc", "c", "abc", "aab", "aaab"};
	(void)state;
	check_same(pats, 7, "aaaabcabc", 9);
	check_same(pats, 7, "zzc", 3);
}

/* random patterns and texts over a small alphabet, where overlaps and
 * failure links are everywhere */
static void
test_random(void **state)
{
	static const char alpha[] = "aAbB c\n";
	unsigned seed = 12345;
	int round;

	(void)state;
	for (round = 0; round < 2000; round++) {
		char pbuf[12][9], text[200];
		const char *pats[12];
		size_t n = 1 + (seed = seed * 1103515245u + 12345u) % 12, i, j;
		size_t len = (seed = seed * 1103515245u + 12345u) % 200;

		for (i = 0; i < n; i++) {
			size_t pl = (seed = seed * 1103515245u + 12345u) % 9;

			for (j = 0; j < pl; j++) {
				seed = seed * 1103515245u + 12345u;
				pbuf[i][j] = alpha[(seed >> 16) % 7];
			}
			pbuf[i][pl] = '\0';
			pats[i] = pbuf[i];
		}
		for (j = 0; j < len; j++) {
			seed = seed * 1103515245u + 12345u;
			text[j] = alpha[(seed >> 16) % 7];
		}
		check_same(pats, n, text, len);
	}
}

/*
 * Texts long enough for acm_first_each()'s two chains (256 bytes and
 * more, at least four patterns long): patterns planted around the middle,
 * where the second chain starts, across it, at the ends, and more than
 * once (the lower start must win), over an alphabet where they are rare.
 */
static void
test_random_long(void **state)
{
	static const char alpha[] = "abcdefgh ABC\n";
	unsigned seed = 777;
	int round;

	(void)state;
	for (round = 0; round < 1500; round++) {
		char pbuf[16][41], text[4096];
		const char *pats[16];
		size_t n = 1 + (seed = seed * 1103515245u + 12345u) % 16, i, j;
		size_t len = 256 + (seed = seed * 1103515245u + 12345u) % 3800;
		size_t mid = len / 2;

		for (i = 0; i < n; i++) {
			size_t pl = 1 + (seed = seed * 1103515245u + 12345u) % 40;

			for (j = 0; j < pl; j++) {
				seed = seed * 1103515245u + 12345u;
				pbuf[i][j] = alpha[(seed >> 16) % 13];
			}
			pbuf[i][pl] = '\0';
			pats[i] = pbuf[i];
		}
		for (j = 0; j < len; j++) {
			seed = seed * 1103515245u + 12345u;
			text[j] = alpha[(seed >> 16) % 13];
		}
		/* plant some: near the middle (within a pattern's length of
		 * it, either side), at the ends, anywhere */
		for (i = 0; i < n; i++) {
			size_t pl = strlen(pats[i]), at;
			unsigned where = (seed = seed * 1103515245u + 12345u) % 5;

			seed = seed * 1103515245u + 12345u;
			if (where <= 1)
				at = mid + (seed >> 8) % 82 - 41;
			else if (where == 2)
				at = (seed >> 8) % 2 == 0 ? 0 : len - pl;
			else if (where == 3)
				at = (seed >> 8) % len;
			else
				continue;
			if (at > len - pl)
				at = len - pl;
			memcpy(text + at, pats[i], pl);
		}
		check_same(pats, n, text, len);
	}
	/* a long text and nothing matchable: empty patterns and ones over
	 * ACM_MAX_PATTERN (maxlen 0; fuzz_acmatch found the second chain
	 * then read one byte past the text) */
	{
		char text[600], big[ACM_MAX_PATTERN + 2];
		const char *pats[3] = { "", big, "" };

		memset(text, 'a', sizeof(text));
		memset(big, 'a', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		check_same(pats, 1, text, sizeof(text));
		check_same(pats + 1, 1, text, sizeof(text));
		check_same(pats, 3, text, sizeof(text));
	}
}

/*
 * command.c answers from a report's one pass over its text what it
 * answers from its own search, for the whole text and every prefix of
 * it (legacy_marks.h: a phrase's first offset counts in a prefix only
 * when it ends there).
 */
static void
test_stage_shared_scan(void **state)
{
	static const struct {
		const char *text;
		enum smtp_stage want;
	} cases[] = {
		{ "host mx.example said: 550 no such user (in reply to RCPT "
		  "TO command)",
		    STAGE_RCPT },
		{ "SMTP error after end of data: 550 rejected", STAGE_EOD },
		{ "after after DATA", STAGE_DATA },
		{ "in reply to nothing, then in reply to MAIL FROM command",
		    STAGE_MAIL },
		{ "connect to mx.example[192.0.2.1]:25: Connection refused; "
		  "later in reply to DATA",
		    STAGE_CONN },
		{ "Remote host said: 550 (RCPT TO response) after HELO",
		    STAGE_RCPT },
		{ "while connected to mx.example: in reply to end of DATA",
		    STAGE_CONN },
		{ "no stage here at all", STAGE_UNKNOWN },
	};
	size_t i, plen;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = strlen(cases[i].text);
		unsigned char *copy = exact_copy(cases[i].text, len);
		const char *t = (const char *)copy;
		struct arena a;
		struct marks_scan scan;
		enum stage_source b1, b2;

		arena_init(&a);
		marks_scan_init(&scan, &a, t, len);
		assert_int_equal(report_text_stage(&scan, t, len, &b1),
		    cases[i].want);
		for (plen = 0; plen <= len; plen++) {
			enum smtp_stage own =
			    report_text_stage(NULL, t, plen, &b2);

			if (report_text_stage(&scan, t, plen, &b1) != own ||
			    b1 != b2)
				fail_msg("\"%.*s\": shared %d, own %d",
				    (int)plen, t,
				    report_text_stage(&scan, t, plen, &b1),
				    own);
		}
		/* a text the scan does not start: its own search */
		if (len > 0)
			assert_int_equal(
			    report_text_stage(&scan, t + 1, len - 1, &b1),
			    report_text_stage(NULL, t + 1, len - 1, &b2));
		arena_deinit(&a);
		free(copy);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_basics),
	    cmocka_unit_test(test_earliest_start),
	    cmocka_unit_test(test_folding),
	    cmocka_unit_test(test_limits),
	    cmocka_unit_test(test_duplicates),
	    cmocka_unit_test(test_random),
	    cmocka_unit_test(test_random_long),
	    cmocka_unit_test(test_stage_shared_scan),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
