/*
 * mail/report_verp: our signed return path found in a parsed bounce, in
 * Delivered-To, X-Original-To, To, or an ARF report's Original-Mail-From.
 * Messages written here, with example.org addresses.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail/report.h"
#include "mail/report_verp.h"

#define KEY "0123456789abcdef-test"
#define T0  ((int64_t)1796083200)
#define DAY 86400

static const struct verp v0 = {"bounces+{tag}@example.org",
    (const unsigned char *)KEY, sizeof(KEY) - 1, 60};

/* a DSN whose envelope headers are hdrs (each line ending in \n) */
static const char dsn_fmt[] =
    "%s"
    "From: MAILER-DAEMON@mx.example.net\n"
    "Subject: Undelivered Mail Returned to Sender\n"
    "MIME-Version: 1.0\n"
    "Content-Type: multipart/report; report-type=delivery-status;\n"
    "\tboundary=\"b1\"\n"
    "\n"
    "--b1\n"
    "Content-Type: text/plain\n"
    "\n"
    "I could not deliver your message.\n"
    "--b1\n"
    "Content-Type: message/delivery-status\n"
    "\n"
    "Reporting-MTA: dns; mx.example.net\n"
    "\n"
    "Final-Recipient: rfc822; carol@example.com\n"
    "Action: failed\n"
    "Status: 5.1.1\n"
    "--b1--\n";

static void
sign(const char *rcpt, int64_t now, char out[VERP_PATH_MAX + 1])
{
	const char *err = NULL;

	assert_int_equal(
	    verp_sign(&v0, rcpt, now, out, VERP_PATH_MAX + 1, &err), 0);
}

/* Parses text and runs report_verp() over it at time now. */
static void
find(const char *text, int64_t now, struct report_verp *out)
{
	struct report *rep = NULL;
	const char *err = NULL;

	assert_int_equal(report_parse((const unsigned char *)text,
			     strlen(text), &rep, &err),
	    0);
	report_verp(rep, &v0, now, out);
	report_free(&rep);
}

static void
find_dsn(const char *hdrs, int64_t now, struct report_verp *out)
{
	char *text;

	assert_true(asprintf(&text, dsn_fmt, hdrs) > 0);
	find(text, now, out);
	free(text);
}

static void
test_fields(void **state)
{
	char rp[VERP_PATH_MAX + 1], hdrs[2048];
	struct report_verp r;

	(void)state;
	sign("carol@example.com", T0, rp);
	snprintf(hdrs, sizeof(hdrs), "Delivered-To: %s\nTo: x@example.org\n",
	    rp);
	find_dsn(hdrs, T0 + 3 * DAY, &r);
	assert_int_equal(r.result, VERP_VALID);
	assert_string_equal(r.rcpt, "carol@example.com");
	assert_int_equal(r.age, 3);
	assert_string_equal(r.field, "Delivered-To");
	/* the return path itself: the original's envelope sender (issue 15
	 * item 4) */
	assert_string_equal(r.path, rp);
	/* a later hop's Delivered-To first: every one is read */
	snprintf(hdrs, sizeof(hdrs),
	    "Delivered-To: archive@example.org\nDelivered-To: %s\n", rp);
	find_dsn(hdrs, T0, &r);
	assert_int_equal(r.result, VERP_VALID);
	snprintf(hdrs, sizeof(hdrs), "X-Original-To: %s\n", rp);
	find_dsn(hdrs, T0, &r);
	assert_int_equal(r.result, VERP_VALID);
	assert_string_equal(r.field, "X-Original-To");
	snprintf(hdrs, sizeof(hdrs),
	    "To: a@example.com, \"Bounces\" <%s>,\n b@example.com\n", rp);
	find_dsn(hdrs, T0, &r);
	assert_int_equal(r.result, VERP_VALID);
	assert_string_equal(r.field, "To");
	assert_string_equal(r.rcpt, "carol@example.com");
}

static void
test_results(void **state)
{
	char rp[VERP_PATH_MAX + 1], bad[VERP_PATH_MAX + 1], hdrs[4096];
	struct report_verp r;
	size_t at;

	(void)state;
	sign("carol@example.com", T0, rp);
	memcpy(bad, rp, sizeof(rp));
	at = strlen("bounces+v1=");
	bad[at] = bad[at] == 'a' ? 'b' : 'a';
	snprintf(hdrs, sizeof(hdrs), "Delivered-To: %s\n", bad);
	find_dsn(hdrs, T0, &r);
	assert_int_equal(r.result, VERP_FORGED);
	assert_string_equal(r.field, "Delivered-To");
	assert_string_equal(r.rcpt, "");
	assert_string_equal(r.path, "");
	/* a forged Delivered-To and a valid To: the valid one counts */
	snprintf(hdrs, sizeof(hdrs), "Delivered-To: %s\nTo: <%s>\n", bad, rp);
	find_dsn(hdrs, T0, &r);
	assert_int_equal(r.result, VERP_VALID);
	assert_string_equal(r.field, "To");
	snprintf(hdrs, sizeof(hdrs), "Delivered-To: %s\n", rp);
	find_dsn(hdrs, T0 + 90 * DAY, &r);
	assert_int_equal(r.result, VERP_EXPIRED);
	assert_int_equal(r.age, 90);
	assert_string_equal(r.rcpt, "carol@example.com");
	find_dsn("Delivered-To: bounces@example.org\nTo: someone@example.com\n",
	    T0, &r);
	assert_int_equal(r.result, VERP_NONE);
	assert_null(r.field);
	find_dsn("", T0, &r);
	assert_int_equal(r.result, VERP_NONE);
}

static void
test_arf(void **state)
{
	char rp[VERP_PATH_MAX + 1], *text;
	struct report_verp r;

	(void)state;
	sign("dave@example.com", T0, rp);
	assert_true(asprintf(&text,
			"From: feedback@example.net\n"
			"To: abuse@example.org\n"
			"Subject: complaint\n"
			"MIME-Version: 1.0\n"
			"Content-Type: multipart/report; "
			"report-type=feedback-report; boundary=\"b2\"\n"
			"\n"
			"--b2\n"
			"Content-Type: text/plain\n"
			"\n"
			"A complaint about a message.\n"
			"--b2\n"
			"Content-Type: message/feedback-report\n"
			"\n"
			"Feedback-Type: abuse\n"
			"User-Agent: Example-FBL/1.0\n"
			"Version: 1\n"
			"Original-Mail-From: <%s>\n"
			"Original-Rcpt-To: <dave@example.com>\n"
			"--b2\n"
			"Content-Type: text/rfc822-headers\n"
			"\n"
			"From: news@example.org\n"
			"To: dave@example.com\n"
			"--b2--\n",
			rp) > 0);
	find(text, T0, &r);
	free(text);
	assert_int_equal(r.result, VERP_VALID);
	assert_string_equal(r.field, "Original-Mail-From");
	assert_string_equal(r.rcpt, "dave@example.com");
}

/* 200 forged Delivered-To fields: at most REPORT_VERP_MAX_TRIES looked at */
static void
test_hostile(void **state)
{
	char rp[VERP_PATH_MAX + 1], *hdrs, *p;
	struct report_verp r;
	size_t i, n;

	(void)state;
	sign("carol@example.com", T0, rp);
	rp[strlen("bounces+v1=")] ^= 1;
	n = 200 * (strlen(rp) + 16) + 1;
	hdrs = p = malloc(n);
	assert_non_null(hdrs);
	for (i = 0; i < 200; i++)
		p += sprintf(p, "Delivered-To: %s\n", rp);
	find_dsn(hdrs, T0, &r);
	assert_int_equal(r.result, VERP_FORGED);
	free(hdrs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fields),
	    cmocka_unit_test(test_results),
	    cmocka_unit_test(test_arf),
	    cmocka_unit_test(test_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
