/*
 * mail/sent.c: what is recorded of a copy of a message we sent. The
 * fixtures are written here; each is handed over in an exact-size buffer
 * so that ASan sees a read past its end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"
#include "mail/mail_limits.h"
#include "mail/message.h"
#include "mail/sent.h"

static int
parse_n(const char *text, size_t len, struct sent_info *out)
{
	char *copy = xmalloc(len > 0 ? len : 1);
	int rc;

	memcpy(copy, text, len);
	rc = sent_parse(copy, len, out);
	free(copy);
	return rc;
}

static void
parse(const char *text, struct sent_info *out)
{
	assert_int_equal(parse_n(text, strlen(text), out), 0);
}

/* out's recipients are exactly the n of want, in that order */
static void
expect_rcpts(const struct sent_info *out, const char *const *want, size_t n)
{
	size_t i;

	for (i = 0; i < out->nrcpts && i < n; i++)
		assert_string_equal(out->rcpts[i], want[i]);
	assert_int_equal(out->nrcpts, n);
}

static void
test_to_cc(void **state)
{
	static const char msg[] =
	    "Return-Path: <news@example.org>\n"
	    "From: News <news@example.org>\n"
	    "To: \"Alice A.\" <Alice@Example.ORG>, bob@example.net\n"
	    "Cc: Carol <carol@example.com>, alice@example.org (again)\n"
	    "Subject: To: not@an.address\n"
	    "Message-ID: <Abc.123@Mail.Example.ORG>\n"
	    "\n"
	    "To: body@example.org\n";
	static const char *const want[] = {
	    "alice@example.org", "bob@example.net", "carol@example.com"};
	struct sent_info s;

	(void)state;
	parse(msg, &s);
	/* a msg-id keeps its case (RFC 5322 3.6.4 compares it exactly) */
	assert_string_equal(s.message_id, "Abc.123@Mail.Example.ORG");
	expect_rcpts(&s, want, 3);
	assert_int_equal(s.flags, 0);
	sent_info_free(&s);
	assert_null(s.message_id);
	assert_int_equal(s.nrcpts, 0);
	sent_info_free(&s); /* twice is fine */
	sent_info_free(NULL);
}

/* CRLF, folded fields, a comment around the msg-id, "Name :" */
static void
test_crlf_folded(void **state)
{
	static const char msg[] = "Message-ID: (ours) <x.1@example.org>\r\n"
				  "  (folded)\r\n"
				  "To: one@example.org,\r\n"
				  "\ttwo@example.org,\r\n"
				  "  Three <three@example.org>\r\n"
				  "Cc : four@example.org\r\n"
				  "\r\n"
				  "body\r\n";
	static const char *const want[] = {"one@example.org", "two@example.org",
	    "three@example.org", "four@example.org"};
	struct sent_info s;

	(void)state;
	parse(msg, &s);
	assert_string_equal(s.message_id, "x.1@example.org");
	expect_rcpts(&s, want, 4);
	sent_info_free(&s);
}

/* Every destination field, repeated resent blocks, groups */
static void
test_every_field(void **state)
{
	static const char msg[] =
	    "Resent-To: r2@example.org\n"
	    "Resent-Cc: rc2@example.org\n"
	    "Resent-Bcc: rb2@example.org\n"
	    "Resent-Message-ID: <resent.2@example.org>\n"
	    "Resent-To: r1@example.org, r2@example.org\n"
	    "X-Original-To: sent-copies@localhost.example\n"
	    "Delivered-To: sent-copies@localhost.example\n"
	    "Reply-To: reply@example.org\n"
	    "From: from@example.org\n"
	    "Sender: sender@example.org\n"
	    "To: Team: a@example.org, B@example.org;, undisclosed-recipients:;\n"
	    "Bcc: hidden@example.org\n"
	    "X-To: no@example.org\n"
	    "Toto: no@example.org\n"
	    "Message-Id: <m@example.org>\n"
	    "\n";
	static const char *const want[] = {"r2@example.org", "rc2@example.org",
	    "rb2@example.org", "r1@example.org",
	    "sent-copies@localhost.example", "a@example.org", "b@example.org",
	    "hidden@example.org"};
	struct sent_info s;

	(void)state;
	parse(msg, &s);
	assert_string_equal(s.message_id, "m@example.org");
	expect_rcpts(&s, want, 8);
	assert_int_equal(s.flags, 0);
	sent_info_free(&s);
}

/* No Message-ID (or a broken one): recorded without one */
static void
test_no_message_id(void **state)
{
	static const char *const msgs[] = {
	    "To: a@example.org\nSubject: no id\n\nbody\n",
	    "Message-ID: <cut@example.org\nTo: a@example.org\n\n",
	    "Message-ID:\nTo: a@example.org\n\n",
	    "To: a@example.org\n\nMessage-ID: <in.body@example.org>\n",
	};
	static const char *const want[] = {"a@example.org"};
	struct sent_info s;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(msgs) / sizeof(msgs[0]); i++) {
		print_message("case %zu\n", i);
		parse(msgs[i], &s);
		assert_null(s.message_id);
		expect_rcpts(&s, want, 1);
		sent_info_free(&s);
	}
}

/* CR-only line ends, NUL bytes, no body, nothing at all */
static void
test_odd_bytes(void **state)
{
	static const char cr[] = "Message-ID: <cr@example.org>\r"
				 "To: a@example.org\r\rTo: body@example.org\r";
	static const char nul[] = "Message-ID: <n@example.org>\n"
				  "To: a@example.org,\0b@example.org\n"
				  "Cc: c\0@example.org\n";
	static const char *const want_cr[] = {"a@example.org"};
	static const char *const want_nul[] = {
	    "a@example.org", "b@example.org", "c@example.org"};
	struct sent_info s;

	(void)state;
	assert_int_equal(parse_n(cr, sizeof(cr) - 1, &s), 0);
	assert_string_equal(s.message_id, "cr@example.org");
	expect_rcpts(&s, want_cr, 1);
	sent_info_free(&s);
	/* a NUL reads as a space (RFC 5322 4.1 allows CFWS there) */
	assert_int_equal(parse_n(nul, sizeof(nul) - 1, &s), 0);
	assert_string_equal(s.message_id, "n@example.org");
	expect_rcpts(&s, want_nul, 3);
	sent_info_free(&s);
	assert_int_equal(parse_n("To: a@example.org", 17, &s), 0);
	expect_rcpts(&s, want_cr, 1);
	sent_info_free(&s);
	assert_int_equal(parse_n("", 0, &s), -1);
	assert_null(s.message_id);
	assert_int_equal(s.nrcpts, 0);
	sent_info_free(&s);
	assert_int_equal(parse_n("\nTo: a@example.org\n", 19, &s), 0);
	assert_int_equal(s.nrcpts, 0);
	sent_info_free(&s);
}

/* Only mailboxes are recorded (mailbox_valid(), as for bounces) */
static void
test_not_mailboxes(void **state)
{
	static const char text[] =
	    "Message-ID: <m@example.org>\n"
	    "To: a@example.org, \"j\xe9r\xf4me\"@example.org\n"
	    "Cc: b@[192.0.2.1], c@[192.0.2.300], d@-example.org\n"
	    "Bcc: e@example.org\n";
	static const char *const want[] = {
	    "a@example.org", "b@[192.0.2.1]", "e@example.org"};
	struct sent_info s;

	(void)state;
	assert_int_equal(parse_n(text, sizeof(text) - 1, &s), 0);
	expect_rcpts(&s, want, 3);
	sent_info_free(&s);
}

/* At most MAIL_MAX_SENT_RCPTS distinct addresses; duplicates are free */
static void
test_bounds(void **state)
{
	size_t cap = 64 * 1024, len = 0, i;
	char *msg = xmalloc(cap);
	struct sent_info s;
	char a[64];

	(void)state;
	len += (size_t)snprintf(msg + len, cap - len, "Message-ID: <b@x>\n");
	for (i = 0; i < MAIL_MAX_SENT_RCPTS + 10; i++) {
		/* 100 per field: each under MAIL_MAX_ADDRESS_LIST */
		len += (size_t)snprintf(msg + len, cap - len, "%s",
		    i % 100 == 0 ? (i > 0 ? "\nTo: dup@x, " : "To: ") : ", ");
		snprintf(a, sizeof(a), "u%zu@example.org", i);
		len += (size_t)snprintf(msg + len, cap - len, "%s", a);
	}
	len += (size_t)snprintf(msg + len, cap - len, "\n\n");
	assert_true(len < cap);
	assert_int_equal(parse_n(msg, len, &s), 0);
	assert_int_equal(s.nrcpts, MAIL_MAX_SENT_RCPTS);
	assert_string_equal(s.rcpts[0], "u0@example.org");
	assert_string_equal(s.rcpts[100], "dup@x");
	assert_true(s.flags & SENT_F_TOO_MANY_RCPTS);
	sent_info_free(&s);
	free(msg);
}

/* An address field too long to read, and a header over MAIL_MAX_HEADER */
static void
test_long(void **state)
{
	size_t len = MAIL_MAX_ADDRESS_LIST + 100, big = MAIL_MAX_HEADER + 100;
	char *msg = xmalloc(big);
	struct sent_info s;

	(void)state;
	memcpy(msg, "To: a@x, ", 9);
	memset(msg + 9, 'b', len - 9);
	memcpy(msg + len, "\nCc: c@x\n\n", 10);
	assert_int_equal(parse_n(msg, len + 10, &s), 0);
	assert_int_equal(s.nrcpts, 1);
	assert_string_equal(s.rcpts[0], "c@x");
	assert_true(s.flags & SENT_F_LIST_SKIPPED);
	assert_false(s.flags & SENT_F_HEADER_CUT);
	sent_info_free(&s);
	/* a header block that never ends: the first MiB is read */
	memcpy(msg, "Message-ID: <h@x>\nTo: a@x\nX-Pad: ", 33);
	memset(msg + 33, 'p', big - 33);
	assert_int_equal(parse_n(msg, big, &s), 0);
	assert_string_equal(s.message_id, "h@x");
	assert_int_equal(s.nrcpts, 1);
	assert_true(s.flags & SENT_F_HEADER_CUT);
	sent_info_free(&s);
	free(msg);
}

/* Every prefix of a copy: no crash, no read past the end, no leak */
static void
test_prefixes(void **state)
{
	static const char msg[] =
	    "Message-ID: <p@example.org>\r\nTo: A <a@example.org>,\r\n"
	    " b@example.org\r\nResent-Cc: g: c@example.org;\r\n\r\nbody";
	struct sent_info s;
	size_t i;

	(void)state;
	for (i = 0; i <= sizeof(msg) - 1; i++) {
		(void)parse_n(msg, i, &s);
		assert_true(s.nrcpts <= 3);
		sent_info_free(&s);
	}
	parse(msg, &s);
	assert_int_equal(s.nrcpts, 3);
	sent_info_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_to_cc),
	    cmocka_unit_test(test_crlf_folded),
	    cmocka_unit_test(test_every_field),
	    cmocka_unit_test(test_no_message_id),
	    cmocka_unit_test(test_odd_bytes),
	    cmocka_unit_test(test_not_mailboxes),
	    cmocka_unit_test(test_bounds),
	    cmocka_unit_test(test_long),
	    cmocka_unit_test(test_prefixes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
