/*
 * mail/header_index.c answers what mail_header_find() answers: the same
 * span for every name asked, over hand-made blocks and random ones, past
 * the index's cap too. Blocks are exact-size copies (ASan sees a read
 * past the end).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/arena.h"
#include "mail/header_index.h"
#include "mail/message.h"
#include "testgen.h"

static const char *const names[] = { "From", "To", "Cc", "Subject",
	"Message-ID", "Received", "X-Failed-Recipients", "Return-Path",
	"List-Id", "X", "Fro", "Froma", "Content-Type", NULL };

/* every name: the index's answer is mail_header_find()'s */
static void
check_same(const char *block, size_t len)
{
	unsigned char *copy = exact_copy(block, len);
	const char *h = (const char *)copy;
	struct mail_header_index x;
	struct arena a;
	const char *const *n;

	arena_init(&a);
	mail_header_index_build(&x, &a, h, len);
	for (n = names; *n != NULL; n++) {
		size_t l1 = 0, l2 = 0;
		const char *v1 = mail_header_find(h, len, *n, &l1);
		const char *v2 = mail_header_index_find(&x, *n, &l2);

		if (v1 != v2 || (v1 != NULL && l1 != l2))
			fail_msg("%s in \"%.*s\": find %td+%zu, index %td+%zu",
			    *n, (int)len, h, v1 != NULL ? v1 - h : -1, l1,
			    v2 != NULL ? v2 - h : -1, l2);
		/* the copies agree too */
		v1 = mail_header_raw(&a, h, len, *n);
		v2 = mail_header_index_raw(&a, &x, *n);
		assert_true((v1 == NULL) == (v2 == NULL));
		if (v1 != NULL)
			assert_string_equal(v1, v2);
	}
	arena_deinit(&a);
	free(copy);
}

static void
test_forms(void **state)
{
	static const char *const blocks[] = {
		"",
		"From: a@example.org",
		"From: a@example.org\n",
		"from : a@example.org\nTo: b@example.org\n",
		"From\t:\tx\n folded\n\tagain\nTo: y\n",
		"Fromage: no\nFrom: yes\n",
		" From: a continuation is no field\nFrom: real\n",
		": no name\nX: 1\nX: 2\n",
		"no colon at all\nSubject: s\n",
		"Subject:\nSubject: second\n",
		"To: a\n \n \nCc:",
		"Received: from a\n by b\nReceived: from c\n",
		"X-Failed-Recipients: a@x, b@y\n\tc@z\n",
		"From:x\nFROM:y\nfrom:z",
		"Content-Type: text/plain;\n charset=us-ascii\n",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(blocks) / sizeof(blocks[0]); i++)
		check_same(blocks[i], strlen(blocks[i]));
}

/* more fields than the index holds: the rest is read as before */
static void
test_past_cap(void **state)
{
	size_t cap = (MAIL_INDEX_MAX_FIELDS + 40) * 16, len = 0, i;
	char *b = malloc(cap);
	struct mail_header_index x;
	struct arena a;
	size_t vl;
	const char *v;

	(void)state;
	assert_non_null(b);
	for (i = 0; i < MAIL_INDEX_MAX_FIELDS + 20; i++)
		len += (size_t)snprintf(b + len, cap - len, "F%zu: %zu\n", i,
		    i);
	len += (size_t)snprintf(b + len, cap - len, "From: late\n");
	check_same(b, len);
	arena_init(&a);
	mail_header_index_build(&x, &a, b, len);
	assert_int_equal(x.n, MAIL_INDEX_MAX_FIELDS);
	v = mail_header_index_find(&x, "From", &vl);
	assert_non_null(v);
	assert_int_equal(vl, 5);
	assert_memory_equal(v, " late", 5);
	arena_deinit(&a);
	free(b);
}

/* random blocks over a small alphabet of names, colons, folds */
static void
test_random(void **state)
{
	static const char *const bits[] = { "From", "To", "Cc", "X", "Fro",
		":", " ", "\t", "\n", "a", "Subject", "Received", ": v\n",
		"\n ", "Froma", "-" };
	unsigned seed = 4242;
	int round;

	(void)state;
	for (round = 0; round < 5000; round++) {
		char b[400];
		size_t len = 0, k, n = (seed = seed * 1103515245u + 12345u) %
		    40;

		for (k = 0; k < n; k++) {
			const char *p;
			size_t pl;

			seed = seed * 1103515245u + 12345u;
			p = bits[(seed >> 16) % (sizeof(bits) / sizeof(bits[0]))];
			pl = strlen(p);
			if (len + pl >= sizeof(b))
				break;
			memcpy(b + len, p, pl);
			len += pl;
		}
		check_same(b, len);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_past_cap),
		cmocka_unit_test(test_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
