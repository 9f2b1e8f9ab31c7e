/*
 * mail/report_attr (issue 15 item 4): what identifies the original of a
 * bounce, from our own fixtures (tests/fixtures/attr: a DSN returning a
 * message/rfc822 with an encoded Subject, List-Id and X-Campaign-Id; a
 * text/rfc822-headers one; a free-text qmail one) and from hostile header
 * blocks built here: huge fields, NUL bytes, ill-formed UTF-8.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/strutil.h"
#include "mail/report.h"
#include "mail/report_attr.h"

#ifndef BD_ATTR_DIR
#error "BD_ATTR_DIR: tests/fixtures/attr"
#endif

static const char *const names[] = {
    "X-Campaign-Id", "X-Mailgun-Campaign-Id", "X-Listmonk-Campaign"};

static struct report *
parse_file(const char *name)
{
	char path[512];
	FILE *f;
	unsigned char buf[65536];
	size_t n;
	struct report *rep = NULL;
	const char *err = NULL;

	snprintf(path, sizeof(path), "%s/%s", BD_ATTR_DIR, name);
	f = fopen(path, "rb");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	assert_int_equal(report_parse(buf, n, &rep, &err), 0);
	return rep;
}

static void
test_dsn_rfc822(void **state)
{
	struct report *rep = parse_file("dsn_rfc822.eml");
	struct report_attr a;

	(void)state;
	report_attr(rep, names, 3, &a);
	assert_string_equal(a.from, "news@example.com");
	assert_string_equal(a.sender, "bounces-7@example.com");
	assert_string_equal(a.subject, "Grüße aus Berlin und mehr");
	assert_string_equal(a.list_id, "news.example.com");
	assert_string_equal(a.envelope_id, "ENV-2026-42");
	assert_int_equal(a.nvalues, 3);
	assert_string_equal(a.values[0], "spring-26");
	assert_null(a.values[1]);
	assert_null(a.values[2]);
	report_free(&rep);
}

static void
test_dsn_headers(void **state)
{
	struct report *rep = parse_file("dsn_headers.eml");
	struct report_attr a;

	(void)state;
	assert_true(rep->original.headers_only);
	report_attr(rep, names, 3, &a);
	assert_string_equal(a.from, "team@example.com");
	assert_null(a.sender);
	assert_string_equal(a.subject, "Menü de la semaine");
	assert_null(a.list_id);
	assert_null(a.envelope_id);
	assert_string_equal(a.values[1], "c-17");
	report_free(&rep);
}

static void
test_freetext(void **state)
{
	struct report *rep = parse_file("freetext.eml");
	struct report_attr a;

	(void)state;
	assert_int_equal(rep->kind, REPORT_LEGACY);
	report_attr(rep, names, 3, &a);
	assert_string_equal(a.from, "sender@example.com");
	assert_string_equal(a.sender, "sender@example.com");
	assert_string_equal(a.subject, "Plain words");
	assert_string_equal(a.values[2], "7f3c");
	assert_null(a.envelope_id); /* no DSN */
	report_free(&rep);
}

/* Every string: valid UTF-8, no control character, bounded. */
static void
assert_clean(const char *s, size_t max)
{
	if (s == NULL)
		return;
	assert_true(strlen(s) <= max);
	assert_true(str_utf8_valid(s, strlen(s)));
	for (const char *p = s; *p != '\0'; p++)
		assert_true((unsigned char)*p >= 0x20 && *p != 0x7f);
}

static void
check_all_clean(const struct report_attr *a)
{
	assert_clean(a->from, 320);
	assert_clean(a->sender, 320);
	assert_clean(a->subject, ATTR_TEXT_MAX);
	assert_clean(a->list_id, ATTR_LIST_ID_MAX);
	for (size_t i = 0; i < a->nvalues; i++)
		assert_clean(a->values[i], ATTR_TEXT_MAX);
}

/* A 1 MiB Subject and X-Campaign-Id, folded: cut, never whole. */
static void
test_huge(void **state)
{
	struct arena ar;
	struct report_attr a;
	size_t cap = 3 * 1024 * 1024, len = 0;
	char *h = malloc(cap);

	(void)state;
	arena_init(&ar);
	len += (size_t)snprintf(h + len, cap - len,
	    "From: a@example.com\n"
	    "Subject: ");
	for (int i = 0; i < 20000; i++)
		len += (size_t)snprintf(
		    h + len, cap - len, "=?UTF-8?B?w6TDtsO8?= word%d\n ", i);
	len += (size_t)snprintf(h + len, cap - len, "end\nX-Campaign-Id: ");
	memset(h + len, 'c', 1000000);
	len += 1000000;
	len += (size_t)snprintf(h + len, cap - len, "\nList-Id: <");
	memset(h + len, 'l', 5000);
	len += 5000;
	len += (size_t)snprintf(h + len, cap - len, ".example.com>\n\n");
	attr_from_header(&ar, h, len, names, 1, &a);
	check_all_clean(&a);
	assert_non_null(a.subject);
	assert_true(strlen(a.subject) > 900);
	assert_int_equal(strlen(a.values[0]), ATTR_TEXT_MAX);
	assert_null(a.list_id); /* longer than a domain */
	assert_string_equal(a.from, "a@example.com");
	arena_deinit(&ar);
	free(h);
}

/* NUL bytes and ill-formed UTF-8 in the fields, raw 8-bit text */
static void
test_hostile_bytes(void **state)
{
	static const char h[] =
	    "From: \"x\0y\" <ev\0il@example.com>\n"
	    "Return-Path: <a\0b@example.com>\n"
	    "Subject: caf\xe9 \xc0\xaf \xed\xa0\x80 \x01\x1b[31m red\0end\n"
	    "List-Id: <bad list@example.com>\n"
	    "X-Campaign-Id: \xff\xfe\0\n"
	    "\n";
	struct arena ar;
	struct report_attr a;

	(void)state;
	arena_init(&ar);
	attr_from_header(&ar, h, sizeof(h) - 1, names, 3, &a);
	check_all_clean(&a);
	/* an address cut by a NUL is no address */
	assert_null(a.sender);
	assert_null(a.list_id);
	assert_non_null(a.subject);
	assert_true(strncmp(a.subject, "caf? ", 5) == 0);
	arena_deinit(&ar);
}

static void
test_attr_text(void **state)
{
	struct arena ar;
	char big[2100];

	(void)state;
	arena_init(&ar);
	assert_null(attr_text(&ar, NULL, 10));
	assert_null(attr_text(&ar, " \t\n ", 10));
	assert_string_equal(attr_text(&ar, " a\tb\r\nc ", 10), "a b c");
	/* cut on a UTF-8 boundary: "ü" is two bytes */
	assert_string_equal(attr_text(&ar, "abcü", 4), "abc");
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(
	    strlen(attr_text(&ar, big, ATTR_TEXT_MAX)), ATTR_TEXT_MAX);
	arena_deinit(&ar);
}

/* A bounce that returns nothing attributes nothing */
static void
test_nothing(void **state)
{
	static const char m[] = "From: MAILER-DAEMON@example.net\n"
				"Subject: failure notice\n\n"
				"<dee@example.org>:\n550 no such user\n";
	struct report *rep = NULL;
	const char *err;
	struct report_attr a;

	(void)state;
	assert_int_equal(
	    report_parse((const unsigned char *)m, sizeof(m) - 1, &rep, &err),
	    0);
	report_attr(rep, names, 3, &a);
	assert_null(a.from);
	assert_null(a.subject);
	assert_null(a.values[0]);
	report_free(&rep);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dsn_rfc822),
	    cmocka_unit_test(test_dsn_headers),
	    cmocka_unit_test(test_freetext),
	    cmocka_unit_test(test_huge),
	    cmocka_unit_test(test_hostile_bytes),
	    cmocka_unit_test(test_attr_text),
	    cmocka_unit_test(test_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
