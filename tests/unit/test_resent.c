/*
 * mail/resent.c: which returned originals can be resent, what goes on the
 * wire (RFC 5322 3.6.6 resent block above the original, byte for byte),
 * the Message-ID lookup key and the "try again in N minutes" hint. The
 * bounces are tests/fixtures/resend/ (written for these tests) and
 * variants generated here.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/readfile.h"
#include "mail/report.h"
#include "mail/resent.h"
#include "testgen.h"

/* The fixtures sit beside this file: ../fixtures/resend (argv[1] overrides). */
static char fixtures[4096];

static void
set_fixtures(const char *dir)
{
	const char *slash;

	if (dir != NULL) {
		snprintf(fixtures, sizeof(fixtures), "%s", dir);
		return;
	}
	slash = strrchr(__FILE__, '/');
	if (slash == NULL)
		snprintf(fixtures, sizeof(fixtures), "../fixtures/resend");
	else
		snprintf(fixtures, sizeof(fixtures), "%.*s/../fixtures/resend",
		    (int)(slash - __FILE__), __FILE__);
}

static char *
load(const char *name, size_t *len_r)
{
	char path[4200];
	unsigned char *buf = NULL;
	const char *err = NULL;
	size_t len = 0;

	snprintf(path, sizeof(path), "%s/%s", fixtures, name);
	if (readfile(path, &buf, &len, &err) != 0)
		fail_msg("%s: %s", path, err != NULL ? err : "cannot read");
	/* NUL-terminated for strstr() in expect_slice() */
	if ((buf = realloc(buf, len + 1)) == NULL)
		fail_msg("out of memory");
	buf[len] = '\0';
	*len_r = len;
	return (char *)buf;
}

static struct report *
parse(const char *s, size_t len)
{
	unsigned char *copy = exact_copy(s, len);
	struct report *rep = NULL;
	const char *err = NULL;

	assert_int_equal(report_parse(copy, len, &rep, &err), 0);
	free(copy);
	assert_non_null(rep);
	return rep;
}

/* The original's bytes in a LF fixture: from first to before last. */
static void
expect_slice(const char *buf, size_t len, const char *first,
    const char *last, const char **s_r, size_t *l_r)
{
	const char *s = strstr(buf, first), *e;

	assert_non_null(s);
	e = last != NULL ? strstr(s, last) : buf + len;
	assert_non_null(e);
	*s_r = s;
	*l_r = (size_t)(e - s);
}

static void
assert_accepts(struct report *rep, const char *want, size_t wlen)
{
	const char *m = NULL, *why = NULL;
	size_t l = 0;

	if (!resent_original(rep, &m, &l, &why))
		fail_msg("refused: %s", why);
	/* borrowed from the report's normalised copy */
	assert_true(m >= rep->msg.buf && m + l <= rep->msg.buf + rep->msg.len);
	assert_int_equal(l, wlen);
	assert_memory_equal(m, want, wlen);
}

static void
assert_refuses(struct report *rep, const char *why_part)
{
	const char *m = (const char *)1, *why = NULL;
	size_t l = 1;

	assert_false(resent_original(rep, &m, &l, &why));
	assert_null(m);
	assert_int_equal(l, 0);
	assert_non_null(why);
	if (strstr(why, why_part) == NULL)
		fail_msg("reason \"%s\" does not say \"%s\"", why, why_part);
}

/* The newest resent block is at the top, the original unchanged below. */
static void
assert_round_trip(const char *m, size_t l, const char *eol)
{
	char *out, head[512];
	size_t ol;

	out = resent_compose(m, l, "news@example.com", 1717488902,
	    "resend.7.2.1717488902@example.com", &ol);
	assert_non_null(out);
	snprintf(head, sizeof(head),
	    "Resent-Date: Tue, 4 Jun 2024 08:15:02 +0000%s"
	    "Resent-From: news@example.com%s"
	    "Resent-Message-ID: <resend.7.2.1717488902@example.com>%s",
	    eol, eol, eol);
	assert_int_equal(ol, strlen(head) + l);
	assert_memory_equal(out, head, strlen(head));
	assert_memory_equal(out + strlen(head), m, l);
	assert_int_equal(out[ol], '\0');
	free(out);
}

static void
test_rfc3464_whole(void **state)
{
	char *buf, *crlf;
	const char *want, *m, *why;
	size_t len, wlen, clen, l;
	struct report *rep;
	char id[128];

	(void)state;
	buf = load("rfc3464_whole.eml", &len);
	/* RFC 2046 5.1.1: the LF before the boundary is the boundary's */
	expect_slice(buf, len, "Resent-Date: Mon, 3 Jun",
	    "\n--4F1B2C3D4E.1717488902/mx.example.net--", &want, &wlen);
	rep = parse(buf, len);
	assert_int_equal(rep->kind, REPORT_DSN);
	assert_accepts(rep, want, wlen);
	assert_true(resent_original(rep, &m, &l, &why));
	assert_round_trip(m, l, "\n");
	/* a folded msg-id is unfolded; the old Resent-Message-ID is not it */
	assert_string_equal(resent_message_id(m, l, id, sizeof(id)),
	    "newsletter-2024-06.carol@example.com");
	report_free(&rep);

	/* the same bounce with CRLF: the copy in rep is LF all the same */
	crlf = lf_to(buf, len, "\r\n", &clen);
	rep = parse(crlf, clen);
	assert_accepts(rep, want, wlen);
	report_free(&rep);
	free(crlf);
	free(buf);
}

/* An older resent block in the original stays, below the new one. */
static void
test_resent_block_order(void **state)
{
	char *buf, *out;
	const char *m, *why, *a, *b, *c;
	size_t len, l, ol;
	struct report *rep;

	(void)state;
	buf = load("rfc3464_whole.eml", &len);
	rep = parse(buf, len);
	assert_true(resent_original(rep, &m, &l, &why));
	out = resent_compose(m, l, "news@example.com", 1717574400,
	    "resend.7.3.1717574400@example.com", &ol);
	a = strstr(out, "Resent-Message-ID: <resend.7.3.");
	b = strstr(out, "Resent-Message-ID: <resend.41.1.");
	c = strstr(out, "\nReceived: ");
	assert_true(a == strstr(out, "Resent-Message-ID:"));
	assert_non_null(b);
	assert_non_null(c);
	assert_true(a < b && b < c);
	assert_true(strncmp(out, "Resent-Date: Wed, 5 Jun 2024 08:00:00 +0000\n",
			44) == 0);
	free(out);
	report_free(&rep);
	free(buf);
}

static void
test_inline_whole(void **state)
{
	static const struct {
		const char *file, *first, *id;
	} cases[] = {
		{ "qmail_whole.eml", "Return-Path: <news@example.com>",
		    "newsletter-2024-06.frank@example.com" },
		{ "exim_whole.eml", "Return-path: <news@example.com>",
		    "newsletter-2024-06.ivan@example.com" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *buf, *crlf, id[128];
		const char *want, *m, *why;
		size_t len, wlen, clen, l;
		struct report *rep;

		buf = load(cases[i].file, &len);
		/* the copy runs to the end of the bounce's text */
		expect_slice(buf, len, cases[i].first, NULL, &want, &wlen);
		rep = parse(buf, len);
		assert_int_equal(rep->kind, REPORT_LEGACY);
		assert_null(rep->original.part);
		assert_accepts(rep, want, wlen);
		assert_true(resent_original(rep, &m, &l, &why));
		assert_string_equal(resent_message_id(m, l, id, sizeof(id)),
		    cases[i].id);
		assert_round_trip(m, l, "\n");
		report_free(&rep);

		crlf = lf_to(buf, len, "\r\n", &clen);
		rep = parse(crlf, clen);
		assert_accepts(rep, want, wlen);
		report_free(&rep);
		free(crlf);
		free(buf);
	}
}

static void
test_fixtures_refused(void **state)
{
	static const struct {
		const char *file, *why;
	} cases[] = {
		{ "rfc3464_headers.eml", "headers" },
		{ "exim_headers.eml", "headers" },
		{ "rfc3464_truncated.eml", "truncated" },
		{ "exim_truncated.eml", "truncated" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *buf;
		size_t len;
		struct report *rep;

		buf = load(cases[i].file, &len);
		rep = parse(buf, len);
		assert_int_not_equal(rep->kind, REPORT_NONE);
		assert_refuses(rep, cases[i].why);
		report_free(&rep);
		free(buf);
	}
}

/*
 * An RFC 3464 report around a given original (body of the message/rfc822
 * part) and text part. Generated so each sign of a cut is tested alone.
 */
static void
gen_report(struct tbuf *b, const char *prose, const char *type,
    const char *original)
{
	tbuf_add(b, "Return-Path: <>\n"
		    "From: MAILER-DAEMON@mx.example.net\n"
		    "To: news@example.com\n"
		    "Subject: Undelivered Mail Returned to Sender\n"
		    "Message-ID: <gen.1@mx.example.net>\n"
		    "MIME-Version: 1.0\n"
		    "Content-Type: multipart/report; report-type=delivery-status;"
		    " boundary=\"GEN.b\"\n"
		    "\n"
		    "--GEN.b\n"
		    "Content-Type: text/plain\n"
		    "\n");
	tbuf_add(b, prose);
	tbuf_add(b, "\n"
		    "--GEN.b\n"
		    "Content-Type: message/delivery-status\n"
		    "\n"
		    "Reporting-MTA: dns; mx.example.net\n"
		    "\n"
		    "Final-Recipient: rfc822; judy@example.org\n"
		    "Action: failed\n"
		    "Status: 5.1.1\n"
		    "Diagnostic-Code: smtp; 550 5.1.1 User unknown\n"
		    "\n");
	if (type != NULL) {
		tbuf_addf(b, "--GEN.b\nContent-Type: %s\n\n", type);
		tbuf_add(b, original);
		tbuf_add(b, "\n");
	}
	tbuf_add(b, "--GEN.b--\n");
}

#define GEN_HDR                                          \
	"From: news@example.com\n"                       \
	"To: judy@example.org\n"                         \
	"Subject: Hello\n"                               \
	"Message-ID: <gen-orig.1@example.com>\n"

static const char gen_b64[] =
    "MIME-Version: 1.0\n"
    "Content-Type: multipart/mixed; boundary=\"m1\"\n"
    "\n"
    "--m1\n"
    "Content-Type: text/plain\n"
    "\n"
    "See the attachment.\n"
    "--m1\n"
    "Content-Type: application/octet-stream\n"
    "Content-Transfer-Encoding: base64\n"
    "\n";

static void
test_generated(void **state)
{
	static const char prose[] = "Your message could not be delivered.\n";
	static const struct {
		const char *prose, *type, *original, *why;
	} cases[] = {
		/* accepted: the control case */
		{ prose, "message/rfc822", GEN_HDR "\nHello Judy.\n", NULL },
		/* a body with the words does not count, only the tail note */
		{ prose, "message/rfc822",
		    GEN_HDR "\nThe quote was truncated in the minutes.\n"
			    "Regards\n",
		    NULL },
		{ prose, "message/rfc822",
		    GEN_HDR "Content-Length: 12\n\nHello Judy.\n", NULL },
		{ prose, "message/rfc822",
		    "MIME-Version: 1.0\n" GEN_HDR
		    "Content-Type: multipart/mixed; boundary=\"m1\"\n\n"
		    "--m1\nContent-Type: text/plain\n\nHi.\n--m1--\n",
		    NULL },
		/* the bounce's words */
		{ "Only the first 100 lines of your message are included.\n",
		    "message/rfc822", GEN_HDR "\nHello Judy.\n", "truncated" },
		{ "The message has been truncated.\n", "message/rfc822",
		    GEN_HDR "\nHello Judy.\n", "truncated" },
		{ "Below are the first 2,048 bytes.\n", "message/rfc822",
		    GEN_HDR "\nHello Judy.\n", "truncated" },
		{ "Body of message not included.\n", "message/rfc822",
		    GEN_HDR "\nHello Judy.\n", "truncated" },
		{ "----- Message header follows -----\n", "message/rfc822",
		    GEN_HDR "\nHello Judy.\n", "headers" },
		/* the copy itself */
		{ prose, "message/rfc822",
		    GEN_HDR "\nHello Judy.\n\n----- Message truncated -----\n",
		    "truncated" },
		{ prose, "message/rfc822",
		    GEN_HDR "Content-Length: 5000\n\nHello Judy.\n",
		    "Content-Length" },
		{ prose, "message/rfc822",
		    GEN_HDR "MIME-Version: 1.0\n"
			    "Content-Type: multipart/mixed; boundary=\"m1\"\n\n"
			    "--m1\nContent-Type: text/plain\n\nHi.\n--m1\n",
		    "multipart" },
		/* 21 base64 characters: not whole quads */
		{ prose, "message/rfc822",
		    GEN_HDR "Content-Transfer-Encoding: base64\n\n"
			    "SGVsbG8gSnVkeS4gSGVsbG\n",
		    "base64" },
		/* no final line end: the copy is taken as it is */
		{ prose, "message/rfc822", GEN_HDR "\nHello Judy.", NULL },
		{ prose, "message/rfc822",
		    GEN_HDR "Subject-Continued: the header was cut here",
		    "header" },
		{ prose, "message/rfc822",
		    "To: judy@example.org\nSubject: Hello\n\nHi.\n",
		    "neither From nor Message-ID" },
		{ prose, "text/rfc822-headers", GEN_HDR, "headers" },
		{ prose, NULL, NULL, "no original" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tbuf b;
		struct report *rep;

		tbuf_init(&b);
		gen_report(&b, cases[i].prose, cases[i].type,
		    cases[i].original);
		rep = parse(b.p, b.len);
		print_message("case %zu\n", i);
		if (cases[i].why == NULL) {
			const char *o = cases[i].original;

			/* the LF before the boundary is the boundary's */
			assert_accepts(rep, o, strlen(o));
		} else {
			assert_refuses(rep, cases[i].why);
		}
		report_free(&rep);
		tbuf_free(&b);
	}
}

/* A multipart original with a base64 part cut mid-line, boundaries kept. */
static void
test_base64_cut(void **state)
{
	struct tbuf o, b;
	struct report *rep;

	(void)state;
	tbuf_init(&o);
	tbuf_add(&o, GEN_HDR);
	tbuf_add(&o, gen_b64);
	tbuf_add(&o, "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygp"
		     "KissLS4v\nMDEyMzQ1Njc4OTo7PD0+P0BBQkNERUZH\n--m1--\n");
	tbuf_init(&b);
	gen_report(&b, "Undeliverable.\n", "message/rfc822", o.p);
	rep = parse(b.p, b.len);
	assert_accepts(rep, o.p, o.len);
	report_free(&rep);
	tbuf_free(&b);

	tbuf_free(&o);
	tbuf_init(&o);
	tbuf_add(&o, GEN_HDR);
	tbuf_add(&o, gen_b64);
	tbuf_add(&o, "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygp"
		     "KissLS4v\nMDEyMzQ1Njc4OTo7PD0+P0B\n--m1--\n");
	tbuf_init(&b);
	gen_report(&b, "Undeliverable.\n", "message/rfc822", o.p);
	rep = parse(b.p, b.len);
	assert_refuses(rep, "base64");
	report_free(&rep);
	tbuf_free(&b);
	tbuf_free(&o);
}

static void
test_message_id(void **state)
{
	static const struct {
		const char *msg, *want;
	} cases[] = {
		{ "From: a@b.example\nMessage-ID: <x.1@example.com>\n\nbody\n",
		    "x.1@example.com" },
		{ "message-id:<x.2@example.com>\n\n", "x.2@example.com" },
		{ "MESSAGE-ID : <x.3@example.com>\n\n", "x.3@example.com" },
		{ "Message-Id: (comment (nested)) <x.4@example.com> (c)\n\n",
		    "x.4@example.com" },
		{ "Message-ID:\n <x.5@example.com>\nTo: b\n\n",
		    "x.5@example.com" },
		{ "Message-ID: <x.6\n\t@example.com>\n\n", "x.6@example.com" },
		{ "Message-ID: <x.7@example.com>\r\nTo: b\r\n\r\n",
		    "x.7@example.com" },
		/* the first Message-ID; the resent one is another field */
		{ "Resent-Message-ID: <r.1@example.com>\n"
		  "Message-ID: <x.8@example.com>\n"
		  "Message-ID: <x.9@example.com>\n\n",
		    "x.8@example.com" },
		/* a bare id from a broken client */
		{ "Message-ID: x.10@example.com\n\n", "x.10@example.com" },
		{ "From: a@b.example\n\nMessage-ID: <in.body@example.com>\n",
		    NULL },
		{ "Resent-Message-ID: <r.2@example.com>\n\n", NULL },
		{ "X-Message-ID: <x@example.com>\n\n", NULL },
		{ "Message-ID: <unterminated@example.com\n\n", NULL },
		{ "Message-ID: <>\n\n", NULL },
		{ "Message-ID:\n\n", NULL },
		{ "", NULL },
	};
	char buf[64], tiny[8];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *m = cases[i].msg;
		unsigned char *copy = exact_copy(m, strlen(m));
		const char *got = resent_message_id((const char *)copy,
		    strlen(m), buf, sizeof(buf));

		print_message("case %zu\n", i);
		if (cases[i].want == NULL)
			assert_null(got);
		else
			assert_string_equal(got, cases[i].want);
		free(copy);
	}
	/* it does not fit: NULL, not a cut id */
	assert_null(resent_message_id(cases[0].msg, strlen(cases[0].msg),
	    tiny, sizeof(tiny)));
	assert_string_equal(resent_message_id("Message-ID: <a@b.c>\n\n", 21,
				tiny, sizeof(tiny)),
	    "a@b.c");
}

static void
test_compose(void **state)
{
	static const struct {
		int64_t now;
		const char *date;
	} dates[] = {
		{ 0, "Thu, 1 Jan 1970 00:00:00 +0000" },
		{ 951782400, "Tue, 29 Feb 2000 00:00:00 +0000" },
		{ 1709164800, "Thu, 29 Feb 2024 00:00:00 +0000" },
		{ 1717488902, "Tue, 4 Jun 2024 08:15:02 +0000" },
		{ 4102444799, "Thu, 31 Dec 2099 23:59:59 +0000" },
		{ INT64_C(253402300799), "Fri, 31 Dec 9999 23:59:59 +0000" },
		/* out of range: clamped, never a 5-digit or negative year */
		{ -5, "Thu, 1 Jan 1970 00:00:00 +0000" },
		{ INT64_MAX, "Fri, 31 Dec 9999 23:59:59 +0000" },
	};
	static const char lf[] = "From: a@example.com\nSubject: x\n\nbody\n";
	static const char crlf[] =
	    "From: a@example.com\r\nSubject: x\r\n\r\nbody\r\n";
	char want[256], *out;
	size_t i, ol;

	(void)state;
	for (i = 0; i < sizeof(dates) / sizeof(dates[0]); i++) {
		out = resent_compose(lf, strlen(lf), "r@example.com",
		    dates[i].now, "id.1@example.com", &ol);
		snprintf(want, sizeof(want),
		    "Resent-Date: %s\nResent-From: r@example.com\n"
		    "Resent-Message-ID: <id.1@example.com>\n%s",
		    dates[i].date, lf);
		assert_string_equal(out, want);
		assert_int_equal(ol, strlen(want));
		free(out);
	}
	/* CRLF original, CRLF block */
	out = resent_compose(crlf, strlen(crlf), "r@example.com", 0,
	    "id.2@example.com", &ol);
	snprintf(want, sizeof(want),
	    "Resent-Date: Thu, 1 Jan 1970 00:00:00 +0000\r\n"
	    "Resent-From: r@example.com\r\n"
	    "Resent-Message-ID: <id.2@example.com>\r\n%s",
	    crlf);
	assert_string_equal(out, want);
	assert_int_equal(ol, strlen(want));
	free(out);
	assert_round_trip(crlf, strlen(crlf), "\r\n");
	assert_round_trip(lf, strlen(lf), "\n");
	/* no line break can come in through from or msgid */
	out = resent_compose(lf, strlen(lf), "r@example.com\r\nBcc: x@evil",
	    0, "id\n.3@example.com", &ol);
	assert_non_null(strstr(out, "Resent-From: r@example.comBcc: x@evil\n"));
	assert_non_null(strstr(out, "Resent-Message-ID: <id.3@example.com>\n"));
	assert_null(strstr(out, "\nBcc:"));
	free(out);
	/* bytes after a NUL and without a final line end are kept */
	out = resent_compose("From: a\n\nx\0y", 12, "r@example.com", 0,
	    "i@example.com", &ol);
	assert_memory_equal(out + ol - 12, "From: a\n\nx\0y", 12);
	free(out);
}

static void
test_retry_hint(void **state)
{
	static const struct {
		const char *s;
		unsigned want;
	} cases[] = {
		{ "451 4.7.1 Greylisted, try again in 5 minutes", 300 },
		{ "421 Try again later in 300 seconds", 300 },
		{ "450 4.2.0 retry after 10 min", 600 },
		{ "Service unavailable, please retry in 1 hour", 3600 },
		{ "451 try again in 2h", 7200 },
		{ "421 4.7.0 Rate limited. Please try again in 15m", 900 },
		{ "421-4.7.0 Try again in 1 hour.", 3600 },
		{ "451 4.7.500 Server busy. Please try again later from "
		  "[192.0.2.1].",
		    0 },
		{ "450 retry in 30s", 30 },
		{ "please try again later (in 1 hour)", 3600 },
		{ "TRY AGAIN IN 2 HOURS", 7200 },
		{ "Greylisted; retry again after 90 secs", 90 },
		{ "try again in 1 hr", 3600 },
		{ "try again in 45 sec.", 45 },
		{ "try again in 3 mins", 180 },
		/* capped at a day */
		{ "try again in 48 hours", 86400 },
		{ "try again in 99999999999999999999 seconds", 86400 },
		/* negatives */
		{ "try again", 0 },
		{ "451 Temporary failure, please try again later", 0 },
		{ "last attempt 5 minutes ago", 0 },
		{ "retry timeout exceeded", 0 },
		{ "the server will retry for 4 hours", 0 },
		{ "try again in a few minutes", 0 },
		{ "try again in 5 days", 0 },
		{ "try again in 1.5 hours", 0 },
		{ "try again in 0 minutes", 0 },
		{ "try again in 5 monkeys", 0 },
		{ "try again in 5 minutesque", 0 },
		{ "autoretry in 5 minutes", 0 },
		{ "", 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		print_message("case %zu: %s\n", i, cases[i].s);
		assert_int_equal(resent_retry_hint(cases[i].s), cases[i].want);
	}
	assert_int_equal(resent_retry_hint(NULL), 0);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc3464_whole),
		cmocka_unit_test(test_resent_block_order),
		cmocka_unit_test(test_inline_whole),
		cmocka_unit_test(test_fixtures_refused),
		cmocka_unit_test(test_generated),
		cmocka_unit_test(test_base64_cut),
		cmocka_unit_test(test_message_id),
		cmocka_unit_test(test_compose),
		cmocka_unit_test(test_retry_hint),
	};

	set_fixtures(argc > 1 ? argv[1] : NULL);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
