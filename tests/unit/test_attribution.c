/*
 * daemon/attribution.c's decision (issue 15 item 4): our copy of the
 * original beats what a bounce returned; the envelope sender comes from
 * the copy, else our verified return path, else the returned original.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "daemon/attribution.h"

static const char *const names[] = {"X-Mailer", "X-Campaign-Id"};

static const struct report_attr ret = {.from = "forger@example.net",
    .sender = "rp@example.net",
    .envelope_id = "ENV-1",
    .subject = "returned",
    .list_id = "list.example.net",
    .values = {"m1", "forged"},
    .nvalues = 2};

static void
test_returned_only(void **state)
{
	struct store_attribution o;

	(void)state;
	attribution_choose(&ret, NULL, NULL, names, 2, 1, &o);
	assert_false(o.from_sent);
	assert_string_equal(o.from, "forger@example.net");
	assert_string_equal(o.sender, "rp@example.net");
	assert_string_equal(o.campaign, "forged");
	assert_int_equal(o.nheaders, 2);
	assert_string_equal(o.names[0], "X-Mailer");
	/* a verified return path beats the returned Return-Path */
	attribution_choose(
	    &ret, NULL, "bounces+v1=x@example.com", names, 2, 1, &o);
	assert_string_equal(o.sender, "bounces+v1=x@example.com");
	/* no campaign configured: index n */
	attribution_choose(&ret, NULL, "", names, 2, 2, &o);
	assert_null(o.campaign);
	assert_string_equal(o.sender, "rp@example.net");
}

static void
test_sent_wins(void **state)
{
	struct report_attr sent = {.from = "billing@example.com",
	    .subject = "Your invoice",
	    .values = {NULL, "invoices"},
	    .nvalues = 2};
	struct store_attribution o;

	(void)state;
	attribution_choose(
	    &ret, &sent, "bounces+v1=x@example.com", names, 2, 1, &o);
	assert_true(o.from_sent);
	assert_string_equal(o.from, "billing@example.com");
	assert_string_equal(o.subject, "Your invoice");
	/* nothing of the returned original's mixed in */
	assert_null(o.list_id);
	assert_null(o.values[0]);
	assert_string_equal(o.campaign, "invoices");
	/* the copy has no Return-Path: our verified return path */
	assert_string_equal(o.sender, "bounces+v1=x@example.com");
	/* the DSN's own field */
	assert_string_equal(o.envelope_id, "ENV-1");
	sent.sender = "bounces@example.com";
	attribution_choose(&ret, &sent, NULL, names, 2, 1, &o);
	assert_string_equal(o.sender, "bounces@example.com");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_returned_only),
	    cmocka_unit_test(test_sent_wins),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
