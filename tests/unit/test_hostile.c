/*
 * Big and hostile input through report_parse() + classify_rcpt(): nothing a
 * remote sender can send may crash the parser (STYLE 4), and the caps of
 * mail/mail_limits.h must hold. Times are printed, never asserted: speed
 * belongs to the benchmarks. Meant to run under ASan + UBSan too.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "classify/classify.h"
#include "mail/mail_limits.h"
#include "testgen.h"

#define RCPT "user@example.org"

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Parses buf[0..len) from an exact-size copy and classifies every
 * recipient. Returns report_parse's result; *rep_r is left for the caller
 * to check and free (NULL on -1).
 */
static int
parse_all(
    const char *buf, size_t len, struct report **rep_r, const char **err_r)
{
	unsigned char *copy = exact_copy(buf, len);
	int r;
	size_t i;

	*rep_r = NULL;
	*err_r = NULL;
	r = report_parse(copy, len, rep_r, err_r);
	free(copy);
	if (r < 0) {
		assert_null(*rep_r);
		assert_non_null(*err_r);
		assert_true(strlen(*err_r) > 0);
		return r;
	}
	assert_int_equal(r, 0);
	assert_non_null(*rep_r);
	assert_true((*rep_r)->nrcpt <= MAIL_MAX_RCPTS);
	for (i = 0; i < (*rep_r)->nrcpt; i++) {
		struct verdict v;

		classify_rcpt(*rep_r, &(*rep_r)->rcpt[i], 1717408800, &v);
		assert_true((unsigned)v.reason < REASON_COUNT);
		assert_non_null(v.rule);
	}
	return r;
}

static void
assert_one_rcpt(const struct report *rep, const char *addr)
{
	if (rep->nrcpt < 1)
		fail_msg("no recipient found (kind %d, flags %#x), want %s",
		    (int)rep->kind, rep->mail_flags, addr);
	if (rep->rcpt[0].recipient == NULL ||
	    strcmp(rep->rcpt[0].recipient, addr) != 0)
		fail_msg("recipient %s, want %s",
		    rep->rcpt[0].recipient ? rep->rcpt[0].recipient : "(null)",
		    addr);
}

/* The head of a report up to and including the delivery-status part. */
static void
dsn_head(struct tbuf *b, const char *boundary)
{
	tbuf_addf(b,
	    "From: MAILER-DAEMON@mx.example.net\n"
	    "To: sender@example.com\n"
	    "Subject: Undelivered Mail Returned to Sender\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: multipart/report; "
	    "report-type=delivery-status; boundary=\"%s\"\n"
	    "\n"
	    "--%s\n"
	    "Content-Type: text/plain\n"
	    "\n"
	    "Your message could not be delivered.\n"
	    "\n"
	    "--%s\n"
	    "Content-Type: message/delivery-status\n"
	    "\n"
	    "Reporting-MTA: dns; mx.example.net\n"
	    "\n"
	    "Final-Recipient: rfc822; " RCPT "\n"
	    "Action: failed\n"
	    "Status: 5.1.1\n"
	    "Diagnostic-Code: smtp; 550 5.1.1 user unknown\n"
	    "\n"
	    "--%s\n",
	    boundary, boundary, boundary, boundary);
}

static void
test_50mb_attachment(void **state)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const size_t target = 50u * 1024 * 1024;
	struct tbuf b;
	struct report *rep;
	const char *err;
	struct verdict v;
	char line[77];
	size_t i;
	double t0;

	(void)state;
	for (i = 0; i < 76; i++)
		line[i] = b64[(i * 7) % 64];
	line[76] = '\n';
	tbuf_init(&b);
	dsn_head(&b, "outer");
	tbuf_add(&b,
	    "Content-Type: message/rfc822\n"
	    "\n"
	    "From: sender@example.com\n"
	    "To: " RCPT "\n"
	    "Subject: the big one\n"
	    "Message-ID: <big.1@example.com>\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: multipart/mixed; boundary=\"inner\"\n"
	    "\n"
	    "--inner\n"
	    "Content-Type: text/plain\n"
	    "\n"
	    "see attachment\n"
	    "--inner\n"
	    "Content-Type: application/octet-stream; name=\"big.bin\"\n"
	    "Content-Transfer-Encoding: base64\n"
	    "Content-Disposition: attachment; filename=\"big.bin\"\n"
	    "\n");
	while (b.len < target)
		tbuf_addn(&b, line, sizeof(line));
	tbuf_add(&b, "--inner--\n\n--outer--\n");

	t0 = now_s();
	assert_int_equal(parse_all(b.p, b.len, &rep, &err), 0);
	print_message("50 MB bounce (%zu bytes): parsed and classified in "
		      "%.3f s\n",
	    b.len, now_s() - t0);
	assert_int_equal(rep->kind, REPORT_DSN);
	assert_int_equal(rep->nrcpt, 1);
	assert_one_rcpt(rep, RCPT);
	classify_rcpt(rep, &rep->rcpt[0], 0, &v);
	assert_int_equal(v.reason, REASON_USERUNKNOWN);
	assert_non_null(rep->original.message_id);
	assert_string_equal(rep->original.message_id, "<big.1@example.com>");
	report_free(&rep);
	tbuf_free(&b);
}

/* depth levels of multipart/mixed around one text part */
static void
nest(struct tbuf *b, int depth, bool folded)
{
	int i;

	for (i = 0; i < depth; i++) {
		if (folded)
			tbuf_addf(b,
			    "Content-Type:\n multipart/mixed;\n"
			    " boundary=\"n%d\"\n\n--n%d\n",
			    i, i);
		else
			tbuf_addf(b,
			    "Content-Type: multipart/mixed; "
			    "boundary=\"n%d\"\n\n--n%d\n",
			    i, i);
	}
	tbuf_add(b, "Content-Type: text/plain\n\ndeep inside\n");
	for (i = depth - 1; i >= 0; i--)
		tbuf_addf(b, "--n%d--\n", i);
}

static void
deep_alone(bool folded)
{
	struct tbuf b;
	struct report *rep;
	const char *err;
	double t0;

	tbuf_init(&b);
	tbuf_add(&b, "From: someone@example.com\nSubject: deep\n"
		     "MIME-Version: 1.0\n");
	nest(&b, 1000, folded);
	t0 = now_s();
	assert_int_equal(parse_all(b.p, b.len, &rep, &err), 0);
	print_message("1000 levels%s: %.3f s, %zu parts, flags %#x\n",
	    folded ? " (folded Content-Type)" : "", now_s() - t0,
	    rep->msg.nparts, rep->mail_flags);
	assert_int_equal(rep->nrcpt, 0);
	assert_true(rep->mail_flags & MAIL_F_TRUNCATED_DEPTH);
	report_free(&rep);
	tbuf_free(&b);
}

static void
test_deep_nesting(void **state)
{
	(void)state;
	deep_alone(false);
}

/* RFC 5322 2.2.3 folding: the type on a continuation line */
static void
test_deep_nesting_folded(void **state)
{
	(void)state;
	deep_alone(true);
}

/*
 * The nesting cut (mail/message.c structure_cut) is what keeps libetpan's
 * recursive MIME parser off a deep stack. Parse in a thread with a small
 * stack, in a child process so an overflow is reported, not fatal: with
 * the cut working, 64 levels fit easily; without it, thousands do not.
 */
struct deep_arg {
	const char *buf;
	size_t len;
};

static void *
deep_thread(void *p)
{
	const struct deep_arg *a = p;
	struct report *rep = NULL;
	const char *err = NULL;

	if (report_parse((const unsigned char *)a->buf, a->len, &rep, &err) ==
	    0)
		report_free(&rep);
	return NULL;
}

static int
parse_on_small_stack(const char *buf, size_t len, size_t stack)
{
	struct deep_arg a = {buf, len};
	pid_t pid = fork();
	int st;

	assert_true(pid >= 0);
	if (pid == 0) {
		pthread_attr_t at;
		pthread_t t;

		if (pthread_attr_init(&at) != 0 ||
		    pthread_attr_setstacksize(&at, stack) != 0 ||
		    pthread_create(&t, &at, deep_thread, &a) != 0)
			_exit(3);
		pthread_join(t, NULL);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return WEXITSTATUS(st);
}

static void
test_deep_nesting_small_stack(void **state)
{
	static const struct {
		const char *name, *head;
	} forms[] = {
	    {"one line", "Content-Type: multipart/mixed; boundary=\""},
	    {"folded", "Content-Type:\n multipart/mixed;\n boundary=\""},
	    {"space before colon",
		"Content-Type : multipart/mixed; boundary=\""},
	};
	const int depth = 8000;
	size_t f, nfail = 0;

	(void)state;
	for (f = 0; f < sizeof(forms) / sizeof(forms[0]); f++) {
		struct tbuf b;
		int i, rc;
		double t0;

		tbuf_init(&b);
		tbuf_add(&b, "From: someone@example.com\nMIME-Version: 1.0\n");
		for (i = 0; i < depth; i++) {
			tbuf_addf(
			    &b, "%sn%d\"\n\n--n%d\n", forms[f].head, i, i);
		}
		tbuf_add(&b, "Content-Type: text/plain\n\ndeep\n");
		t0 = now_s();
		rc = parse_on_small_stack(b.p, b.len, 512 * 1024);
		print_message("%d levels, Content-Type %s, 512 KiB stack: "
			      "exit %d, %.3f s\n",
		    depth, forms[f].name, rc, now_s() - t0);
		if (rc != 0) {
			print_error("%d levels with the Content-Type %s: the "
				    "parser overflowed a 512 KiB stack (exit "
				    "%d): the nesting cut did not apply\n",
			    depth, forms[f].name, rc);
			nfail++;
		}
		tbuf_free(&b);
	}
	assert_int_equal(nfail, 0);
}

/* a report whose returned original is nested 1000 deep */
static void
test_deep_original(void **state)
{
	struct tbuf b;
	struct report *rep;
	const char *err;

	(void)state;
	tbuf_init(&b);
	dsn_head(&b, "outer");
	tbuf_add(&b, "Content-Type: message/rfc822\n\n"
		     "From: sender@example.com\nTo: " RCPT "\n"
		     "Message-ID: <deep.1@example.com>\nMIME-Version: 1.0\n");
	nest(&b, 1000, false);
	tbuf_add(&b, "\n--outer--\n");
	assert_int_equal(parse_all(b.p, b.len, &rep, &err), 0);
	assert_int_equal(rep->kind, REPORT_DSN);
	assert_one_rcpt(rep, RCPT);
	report_free(&rep);
	tbuf_free(&b);
}

static void
test_10mb_header_field(void **state)
{
	const size_t big = 10u * 1024 * 1024;
	struct tbuf b, m;
	struct report *rep;
	const char *err;
	size_t i;
	double t0;

	(void)state;
	/* one 10 MB line, before the MIME header fields */
	tbuf_init(&b);
	tbuf_add(&b, "X-Junk: ");
	tbuf_fill(&b, 'x', big);
	tbuf_add(&b, "\n");
	tbuf_init(&m);
	gen_dsn(
	    &m, RCPT, "5.1.1", "550 5.1.1 user unknown", "<h.1@example.com>");
	tbuf_addn(&b, m.p, m.len);
	t0 = now_s();
	assert_int_equal(parse_all(b.p, b.len, &rep, &err), 0);
	print_message("10 MB header line: %.3f s, flags %#x\n", now_s() - t0,
	    rep->mail_flags);
	assert_one_rcpt(rep, RCPT);
	report_free(&rep);
	tbuf_free(&b);

	/* one 10 MB field folded over many lines */
	tbuf_init(&b);
	tbuf_add(&b, "Subject: big");
	for (i = 0; i < big / 64; i++) {
		tbuf_add(&b, "\n ");
		tbuf_fill(&b, 'y', 62);
	}
	tbuf_add(&b, "\n");
	tbuf_addn(&b, m.p, m.len);
	assert_int_equal(parse_all(b.p, b.len, &rep, &err), 0);
	assert_one_rcpt(rep, RCPT);
	report_free(&rep);
	tbuf_free(&b);
	tbuf_free(&m);
}

static void
test_nul_bytes(void **state)
{
	struct tbuf b;
	struct report *rep;
	const char *err;
	char *p, *q;

	(void)state;
	tbuf_init(&b);
	gen_dsn(&b, RCPT, "5.1.1", "550 5.1.1 user@ unknown@@", "<n@x.org>");
	/* a NUL in a header, and two in the DSN's diagnostic */
	p = strstr(b.p, "user@ unknown@@");
	q = strstr(b.p, "Undelivered");
	assert_non_null(p);
	assert_non_null(q);
	q[3] = '\0';
	p[4] = '\0';
	p[13] = '\0';
	p[14] = '\0';
	assert_int_equal(parse_all(b.p, b.len, &rep, &err), 0);
	assert_true(rep->mail_flags & MAIL_F_HAS_NULS);
	assert_one_rcpt(rep, RCPT);
	assert_non_null(rep->rcpt[0].diagnostic);
	assert_non_null(strstr(rep->rcpt[0].diagnostic, "user unknown"));
	report_free(&rep);
	tbuf_free(&b);
}

/* NUL bytes inside a base64-encoded delivery-status part */
static void
test_nul_in_encoded_dsn(void **state)
{
	struct tbuf b;
	struct report *rep;
	const char *err;

	(void)state;
	tbuf_init(&b);
	tbuf_add(&b, "From: MAILER-DAEMON@mx.example.net\n"
		     "Subject: failure\n"
		     "MIME-Version: 1.0\n"
		     "Content-Type: multipart/report; "
		     "report-type=delivery-status; boundary=\"b\"\n"
		     "\n"
		     "--b\n"
		     "Content-Type: message/delivery-status\n"
		     "Content-Transfer-Encoding: base64\n"
		     "\n"
		     /* "Final-Recipient: rfc822; user@example.org\0\n"
		      * "Action: failed\n" "Status: 5.1.1\0\n" */
		     "RmluYWwtUmVjaXBpZW50OiByZmM4MjI7IHVzZXJAZXhhbXBsZS5vcmcA"
		     "CkFjdGlvbjogZmFpbGVkClN0YXR1czogNS4xLjEACg==\n"
		     "--b--\n");
	assert_int_equal(parse_all(b.p, b.len, &rep, &err), 0);
	assert_one_rcpt(rep, RCPT);
	assert_string_equal(rep->rcpt[0].status, "5.1.1");
	report_free(&rep);
	tbuf_free(&b);
}

/*
 * Amazon SES JSON: "\u0000" and a lone surrogate half inside an address
 * make it none, not a shorter one; a pair is one character (RFC 8259 7).
 */
static void
test_ses_escapes(void **state)
{
	static const char ses[] =
	    "From: AWS Notifications <no-reply@sns.amazonaws.com>\n"
	    "Subject: AWS Notification Message\n"
	    "Content-Type: text/plain; charset=UTF-8\n"
	    "\n"
	    "{\"notificationType\":\"Bounce\",\"bounce\":{"
	    "\"bounceType\":\"Permanent\",\"bounceSubType\":\"General\","
	    "\"bouncedRecipients\":["
	    "{\"emailAddress\":\"user@example.or\\u0000g\","
	    "\"status\":\"5.1.1\"},"
	    "{\"emailAddress\":\"lone\\ud800@example.org\","
	    "\"status\":\"5.1.1\"},"
	    "{\"emailAddress\":\"pair\\ud83d\\ude00@example.org\","
	    "\"status\":\"5.1.1\",\"diagnosticCode\":"
	    "\"smtp; 550 5.1.1 nul \\u0000 here\"}]}}\n";
	struct report *rep;
	const char *err;
	size_t i;

	(void)state;
	assert_int_equal(parse_all(ses, sizeof(ses) - 1, &rep, &err), 0);
	assert_string_equal(rep->family, "amazonses");
	assert_int_equal(rep->nrcpt, 3);
	assert_null(rep->rcpt[0].recipient);
	assert_null(rep->rcpt[1].recipient);
	assert_non_null(rep->rcpt[2].recipient);
	assert_string_equal(
	    rep->rcpt[2].recipient, "pair\xf0\x9f\x98\x80@example.org");
	for (i = 0; i < rep->nrcpt; i++) {
		const char *d = rep->rcpt[i].diagnostic;

		if (d != NULL && strstr(d, "nul") != NULL)
			assert_non_null(strstr(d, "nul \x1a here"));
	}
	report_free(&rep);
}

/*
 * A NUL inside an address in base64 prose: decoded to a hole no address
 * can span (mail/message.c), so "us\0er@x" is no address -- never the
 * shorter "er@x" that a space would have left.
 */
static void
test_nul_in_encoded_prose(void **state)
{
	struct tbuf b;
	struct report *rep;
	const char *err;
	size_t i;

	(void)state;
	tbuf_init(&b);
	tbuf_add(&b, "From: MAILER-DAEMON@mx.example.net\n"
		     "Subject: Undelivered Mail Returned to Sender\n"
		     "MIME-Version: 1.0\n"
		     "Content-Type: text/plain\n"
		     "Content-Transfer-Encoding: base64\n"
		     "\n"
		     /* "...recipients.\n\n<us\0er@example.org>: host
		      * mx.example.org said: 550 5.1.1 user unknown\n" */
		     "VGhpcyBpcyB0aGUgbWFpbCBzeXN0ZW0gYXQgaG9zdCB4LmV4YW1wbGUu"
		     "CgpJIGFtIHNvcnJ5IHRvIGhhdmUgdG8gaW5mb3JtIHlvdSB0aGF0IHlv"
		     "dXIgbWVzc2FnZSBjb3VsZCBub3QKYmUgZGVsaXZlcmVkIHRvIG9uZSBv"
		     "ciBtb3JlIHJlY2lwaWVudHMuCgo8dXMAZXJAZXhhbXBsZS5vcmc+OiBo"
		     "b3N0IG14LmV4YW1wbGUub3JnIHNhaWQ6IDU1MCA1LjEuMSB1c2VyIHVu"
		     "a25vd24K\n");
	assert_int_equal(parse_all(b.p, b.len, &rep, &err), 0);
	for (i = 0; i < rep->nrcpt; i++)
		if (rep->rcpt[i].recipient != NULL &&
		    strcmp(rep->rcpt[i].recipient, "er@example.org") == 0)
			fail_msg("the tail of an address cut by a NUL was "
				 "recorded");
	assert_true(rep->mail_flags & MAIL_F_HAS_NULS);
	report_free(&rep);
	tbuf_free(&b);
}

static void
test_missing_final_boundary(void **state)
{
	struct tbuf b;
	struct report *rep;
	const char *err;
	char *p;

	(void)state;
	tbuf_init(&b);
	gen_dsn(&b, RCPT, "5.1.1", "550 5.1.1 user unknown", "<m@x.org>");
	p = strstr(b.p, "--BOUNDARY.dsn.1--");
	assert_non_null(p);
	b.len = (size_t)(p - b.p);
	assert_int_equal(parse_all(b.p, b.len, &rep, &err), 0);
	assert_int_equal(rep->kind, REPORT_DSN);
	assert_one_rcpt(rep, RCPT);
	report_free(&rep);

	/* cut inside the returned message, no boundary after the DSN part */
	p = strstr(b.p, "Content-Type: message/rfc822");
	assert_non_null(p);
	b.len = (size_t)(p - b.p);
	p = strstr(b.p, "\n--BOUNDARY.dsn.1\nContent-Type: message/rfc822");
	if (p != NULL)
		b.len = (size_t)(p - b.p) + 1;
	assert_int_equal(parse_all(b.p, b.len, &rep, &err), 0);
	assert_one_rcpt(rep, RCPT);
	report_free(&rep);
	tbuf_free(&b);
}

static void
test_empty_input(void **state)
{
	/* not mail at all (RFC 5322 2.2: no header field first): refused
	 * with a reason, so that the daemon can record them as unparsable */
	static const char *const junk[] = {"\n", "\r\n", "\r", " ", "\0", "--",
	    ":", "\x89PNG\r\n", "no colon here\n"};
	/* a header and nothing else: mail, but no report */
	static const char *const tiny[] = {
	    "Content-Type: multipart/report; boundary=x\n", "Subject: x",
	    "From : a@example.org\n\n"};
	struct report *rep;
	const char *err;
	size_t i;

	(void)state;
	assert_int_equal(parse_all("", 0, &rep, &err), -1);
	for (i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
		size_t len = strlen(junk[i]);

		if (len == 0)
			len = 1; /* the lone NUL */
		err = NULL;
		assert_int_equal(parse_all(junk[i], len, &rep, &err), -1);
		assert_non_null(err);
	}
	for (i = 0; i < sizeof(tiny) / sizeof(tiny[0]); i++) {
		assert_int_equal(
		    parse_all(tiny[i], strlen(tiny[i]), &rep, &err), 0);
		assert_int_equal(rep->kind, REPORT_NONE);
		assert_int_equal(rep->nrcpt, 0);
		report_free(&rep);
	}
}

static void
test_5000_recipients(void **state)
{
	struct tbuf b;
	struct report *rep;
	const char *err;
	int i;

	(void)state;
	tbuf_init(&b);
	tbuf_add(&b, "From: MAILER-DAEMON@mx.example.net\n"
		     "Subject: failure\n"
		     "MIME-Version: 1.0\n"
		     "Content-Type: multipart/report; "
		     "report-type=delivery-status; boundary=\"b\"\n"
		     "\n"
		     "--b\n"
		     "Content-Type: message/delivery-status\n"
		     "\n"
		     "Reporting-MTA: dns; mx.example.net\n");
	for (i = 0; i < 5000; i++)
		tbuf_addf(&b,
		    "\nFinal-Recipient: rfc822; u%d@example.org\n"
		    "Action: failed\nStatus: 5.1.1\n",
		    i);
	tbuf_add(&b, "\n--b--\n");
	assert_int_equal(parse_all(b.p, b.len, &rep, &err), 0);
	assert_int_equal(rep->kind, REPORT_DSN);
	assert_int_equal(rep->nrcpt, MAIL_MAX_RCPTS);
	/* the cap is reported, not silent (mail_limits.h) */
	assert_true(rep->mail_flags & MAIL_F_TOO_MANY_RCPTS);
	/* and counted: every one beyond it */
	assert_int_equal(rep->rcpt_dropped, 5000 - MAIL_MAX_RCPTS);
	assert_string_equal(rep->rcpt[0].recipient, "u0@example.org");
	{
		char want[64];

		snprintf(
		    want, sizeof(want), "u%d@example.org", MAIL_MAX_RCPTS - 1);
		assert_non_null(rep->rcpt[MAIL_MAX_RCPTS - 1].recipient);
		assert_string_equal(
		    rep->rcpt[MAIL_MAX_RCPTS - 1].recipient, want);
	}
	report_free(&rep);
	tbuf_free(&b);
}

/*
 * Memory bombs: what libetpan would build one object for (parts, header
 * fields, list items) or recurse on (comments), a million times over,
 * after a real report. Parsed in a child, whose peak RSS must stay within
 * 3 x the message + 32 MiB (mail/message.c structure_cut(); without the
 * cut the first of them took 184 MB, the field bomb 823 MB, the comments
 * overflowed the stack). The report's own recipient is still found and
 * the cut is flagged. Under ASan, whose quarantine keeps freed memory,
 * only the flags and the recipient are checked.
 */
#if defined(__SANITIZE_ADDRESS__)
#define BD_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BD_ASAN 1
#endif
#endif

static void
repeat(struct tbuf *b, const char *s, size_t n)
{
	size_t i, l = strlen(s);

	for (i = 0; i < n; i++)
		tbuf_addn(b, s, l);
}

static int
bomb_child(const char *buf, size_t len, unsigned want_flag, long *kb_r)
{
	int fd[2], st;
	pid_t pid;
	long kb = -1;

	assert_int_equal(pipe(fd), 0);
	assert_true((pid = fork()) >= 0);
	if (pid == 0) {
		struct rusage r0, r1;
		struct report *rep;
		const char *err;
		int bad = 0;

		getrusage(RUSAGE_SELF, &r0);
		if (parse_all(buf, len, &rep, &err) < 0)
			_exit(2);
		getrusage(RUSAGE_SELF, &r1);
		kb = r1.ru_maxrss - r0.ru_maxrss;
		if (rep->nrcpt < 1 || rep->rcpt[0].recipient == NULL ||
		    strcmp(rep->rcpt[0].recipient, RCPT) != 0)
			bad = 3;
		else if (!(rep->mail_flags & want_flag))
			bad = 4;
		report_free(&rep);
		(void)!write(fd[1], &kb, sizeof(kb));
		_exit(bad);
	}
	close(fd[1]);
	if (read(fd[0], &kb, sizeof(kb)) != (ssize_t)sizeof(kb))
		kb = -1;
	close(fd[0]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	*kb_r = kb;
	return WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
}

static void
test_memory_bombs(void **state)
{
	static const struct {
		const char *name, *head, *unit, *tail;
		size_t n;
		unsigned flag;
	} bombs[] = {
	    {"a million empty parts",
		"Content-Type: multipart/mixed; boundary=\"z\"\n\n", "--z\n\n",
		"--z--\n", 1000000, MAIL_F_TOO_MANY_PARTS},
	    {"five million header fields",
		"Content-Type: message/rfc822\n\n", "X:a\n", "\nbody\n",
		5000000, MAIL_F_TOO_MANY_FIELDS},
	    {"five million addresses in one field",
		"Content-Type: message/rfc822\n\nTo: ", "a@b,", "a@b\n\nx\n",
		5000000, MAIL_F_TOO_MANY_FIELDS},
	    {"three million parameters",
		"Content-Type: text/plain; charset=us-ascii", "; a=b", "\n\nx\n",
		3000000, MAIL_F_TOO_MANY_FIELDS},
	    {"two million folded parameters",
		"Content-Type: text/plain;\n", " a=b;\n", "\nx\n", 2000000,
		MAIL_F_TOO_MANY_FIELDS},
	    {"a million nested comments",
		"Content-Type: message/rfc822\n\nTo: ", "(", "a@b\n\nx\n",
		1000000, MAIL_F_TRUNCATED_DEPTH},
	};
	size_t i, nfail = 0;

	(void)state;
	for (i = 0; i < sizeof(bombs) / sizeof(bombs[0]); i++) {
		struct tbuf b;
		long kb, bound;
		int rc;
		double t0;

		tbuf_init(&b);
		dsn_head(&b, "b");
		tbuf_add(&b, bombs[i].head);
		repeat(&b, bombs[i].unit, bombs[i].n);
		tbuf_add(&b, bombs[i].tail);
		tbuf_add(&b, "\n--b--\n");
		bound = (long)(3 * b.len / 1024) + 32 * 1024;
		t0 = now_s();
		rc = bomb_child(b.p, b.len, bombs[i].flag, &kb);
		print_message("%s: %.1f MB, exit %d, peak +%ld KiB "
			      "(bound %ld), %.2f s\n",
		    bombs[i].name, (double)b.len / 1e6, rc, kb, bound,
		    now_s() - t0);
		if (rc != 0) {
			print_error("%s: the child exited %d (2: unparsable, "
				    "3: the report's recipient lost, 4: the "
				    "cut not flagged, >128: a signal)\n",
			    bombs[i].name, rc);
			nfail++;
		}
#ifndef BD_ASAN
		if (kb > bound) {
			print_error("%s: peak RSS grew by %ld KiB, over 3 x "
				    "the message + 32 MiB\n",
			    bombs[i].name, kb);
			nfail++;
		}
#endif
		tbuf_free(&b);
	}
	assert_int_equal(nfail, 0);
}

static void
truncations(const char *text, size_t len, const char *what)
{
	size_t cut, nerr = 0, nfound = 0, ncuts = 0;

	for (cut = 97; cut < len; cut += 97) {
		struct report *rep;
		const char *err;

		ncuts++;
		if (parse_all(text, cut, &rep, &err) < 0) {
			nerr++;
			continue;
		}
		if (rep->nrcpt > 0) {
			nfound++;
			/* what was found is the recipient, never garbage */
			if (rep->rcpt[0].recipient != NULL &&
			    strcmp(rep->rcpt[0].recipient, RCPT) != 0)
				fail_msg("%s cut at %zu: recipient %s", what,
				    cut, rep->rcpt[0].recipient);
		}
		report_free(&rep);
	}
	print_message("%s: %zu cuts, %zu with a recipient, %zu errors\n", what,
	    ncuts, nfound, nerr);
	assert_true(ncuts > 10);
}

static void
test_truncations(void **state)
{
	struct tbuf b;
	char *crlf;
	size_t clen;

	(void)state;
	tbuf_init(&b);
	gen_dsn(&b, RCPT, "5.1.1",
	    "550-5.1.1 The email account that you "
	    "tried to reach does not exist",
	    "<t@x.org>");
	truncations(b.p, b.len, "LF DSN");
	crlf = lf_to(b.p, b.len, "\r\n", &clen);
	truncations(crlf, clen, "CRLF DSN");
	free(crlf);
	tbuf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_50mb_attachment),
	    cmocka_unit_test(test_deep_nesting),
	    cmocka_unit_test(test_deep_nesting_folded),
	    cmocka_unit_test(test_deep_original),
	    cmocka_unit_test(test_deep_nesting_small_stack),
	    cmocka_unit_test(test_10mb_header_field),
	    cmocka_unit_test(test_nul_bytes),
	    cmocka_unit_test(test_nul_in_encoded_dsn),
	    cmocka_unit_test(test_nul_in_encoded_prose),
	    cmocka_unit_test(test_ses_escapes),
	    cmocka_unit_test(test_missing_final_boundary),
	    cmocka_unit_test(test_empty_input),
	    cmocka_unit_test(test_5000_recipients),
	    cmocka_unit_test(test_memory_bombs),
	    cmocka_unit_test(test_truncations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
