/*
 * The RFC 3464 field parser (mail/rfc3464.c), driven through dsn_parse() on
 * a bare report, and through report_parse() for line-end handling. Every
 * text is handed over in an exact-size buffer without a trailing NUL: the
 * parser's contract is s[0..len).
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
#include "mail/mail_limits.h"
#include "mail/report.h"
#include "mail/rfc3464.h"
#include "mail/rfc5322_date.h"
#include "testgen.h"

static struct report *
new_report(void)
{
	struct report *rep = calloc(1, sizeof(*rep));

	assert_non_null(rep);
	arena_init(&rep->arena);
	return rep;
}

/* Parses the literal text into a fresh report; returns dsn_parse's count. */
static size_t
parse(struct report **rep_r, const char *text)
{
	size_t len = strlen(text), n;
	unsigned char *copy = exact_copy(text, len);

	*rep_r = new_report();
	n = dsn_parse(*rep_r, (const char *)copy, len);
	free(copy);
	return n;
}

#define assert_str(a, b)                                                       \
	do {                                                                   \
		const char *a_ = (a);                                          \
		assert_non_null(a_);                                           \
		assert_string_equal(a_, (b));                                  \
	} while (0)

static void
test_groups(void **state)
{
	struct report *rep;
	size_t n;

	(void)state;
	n = parse(&rep, "Reporting-MTA: dns; mx.example.net\n"
			"X-Postfix-Queue-ID: 4VtQ1Z0abc\n"
			"Arrival-Date: Mon, 3 Jun 2024 09:59:58 +0000\n"
			"\n"
			"Final-Recipient: rfc822; User@Example.ORG\n"
			"Original-Recipient: rfc822;user@example.org\n"
			"Action: failed\n"
			"Status: 5.1.1\n"
			"Remote-MTA: dns; mx.example.org\n"
			"Diagnostic-Code: smtp; 550 5.1.1 <user@example.org>: "
			"Recipient address rejected: User unknown\n");
	assert_int_equal(n, 1);
	assert_int_equal(rep->nrcpt, 1);
	assert_str(rep->reporting_mta, "mx.example.net");
	assert_str(rep->rcpt[0].recipient, "user@example.org");
	assert_str(rep->rcpt[0].original_recipient, "user@example.org");
	assert_str(rep->rcpt[0].action, "failed");
	assert_string_equal(rep->rcpt[0].status, "5.1.1");
	assert_str(rep->rcpt[0].remote_mta, "mx.example.org");
	assert_str(rep->rcpt[0].diagnostic_type, "smtp");
	assert_str(rep->rcpt[0].diagnostic,
	    "550 5.1.1 <user@example.org>: Recipient address rejected: "
	    "User unknown");
	report_free(&rep);
}

static void
test_folded_diagnostic(void **state)
{
	struct report *rep;

	(void)state;
	assert_int_equal(
	    parse(&rep, "Reporting-MTA: dns; mx.example.net\n"
			"\n"
			"Final-Recipient: rfc822; user@example.org\n"
			"Action: failed\n"
			"Status: 5.1.1\n"
			"Diagnostic-Code: smtp; 550-5.1.1 The email account "
			"that you tried to reach does\n"
			"    not exist. Please try\n"
			"\tdouble-checking the recipient's email\n"
			" address for typos.\n"
			"Remote-MTA: dns;\n"
			"  mx.example.org\n"),
	    1);
	assert_str(rep->rcpt[0].diagnostic,
	    "550-5.1.1 The email account that you tried to reach does not "
	    "exist. Please try double-checking the recipient's email address "
	    "for typos.");
	/* a folded field after the folded one is still read */
	assert_str(rep->rcpt[0].remote_mta, "mx.example.org");
	assert_string_equal(rep->rcpt[0].status, "5.1.1");
	report_free(&rep);
}

static const struct {
	const char *addr, *status, *action;
} three[] = {
    {"one@example.org", "5.1.1", "failed"},
    {"two@example.net", "4.2.2", "delayed"},
    {"three@example.com", "5.2.2", "failed"},
};

static void
check_three(const struct report *rep)
{
	size_t i;

	assert_int_equal(rep->nrcpt, 3);
	for (i = 0; i < 3; i++) {
		assert_str(rep->rcpt[i].recipient, three[i].addr);
		assert_string_equal(rep->rcpt[i].status, three[i].status);
		assert_str(rep->rcpt[i].action, three[i].action);
	}
}

static void
test_several_recipients(void **state)
{
	struct report *rep;

	(void)state;
	assert_int_equal(
	    parse(&rep, "Reporting-MTA: dns; mx.example.net\n"
			"\n"
			"Final-Recipient: rfc822; one@example.org\n"
			"Action: failed\n"
			"Status: 5.1.1\n"
			"\n"
			"Final-Recipient: rfc822; two@example.net\n"
			"Action: delayed\n"
			"Status: 4.2.2\n"
			"\n"
			"Final-Recipient: rfc822; three@example.com\n"
			"Action: failed\n"
			"Status: 5.2.2\n"
			"\n"),
	    3);
	check_three(rep);
	report_free(&rep);
}

static void
test_no_blank_lines(void **state)
{
	struct report *rep;

	(void)state;
	/* Final-Recipient first in each group */
	parse(&rep, "Reporting-MTA: dns; mx.example.net\n"
		    "Final-Recipient: rfc822; one@example.org\n"
		    "Action: failed\n"
		    "Status: 5.1.1\n"
		    "Final-Recipient: rfc822; two@example.net\n"
		    "Action: delayed\n"
		    "Status: 4.2.2\n"
		    "Final-Recipient: rfc822; three@example.com\n"
		    "Action: failed\n"
		    "Status: 5.2.2\n");
	check_three(rep);
	report_free(&rep);

	/* Original-Recipient opens each group */
	parse(&rep, "Original-Recipient: rfc822; one@example.org\n"
		    "Final-Recipient: rfc822; one@example.org\n"
		    "Action: failed\n"
		    "Status: 5.1.1\n"
		    "Original-Recipient: rfc822; two@example.net\n"
		    "Final-Recipient: rfc822; two@example.net\n"
		    "Action: delayed\n"
		    "Status: 4.2.2\n"
		    "Original-Recipient: rfc822; three@example.com\n"
		    "Final-Recipient: rfc822; three@example.com\n"
		    "Action: failed\n"
		    "Status: 5.2.2\n");
	check_three(rep);
	assert_str(rep->rcpt[1].original_recipient, "two@example.net");
	report_free(&rep);
}

static void
test_untyped(void **state)
{
	struct report *rep;

	(void)state;
	parse(&rep, "Final-Recipient: user@example.org\n"
		    "Action: failed\n"
		    "Status: 5.1.1\n"
		    "Diagnostic-Code: 550 5.1.1 user unknown; see postmaster\n"
		    "\n"
		    "Final-Recipient: <Second@Example.NET>\n"
		    "Action: failed\n"
		    "Status: 5.2.2\n"
		    "Diagnostic-Code: smtp;552 mailbox full\n");
	assert_int_equal(rep->nrcpt, 2);
	assert_str(rep->rcpt[0].recipient, "user@example.org");
	assert_null(rep->rcpt[0].diagnostic_type);
	assert_str(
	    rep->rcpt[0].diagnostic, "550 5.1.1 user unknown; see postmaster");
	assert_str(rep->rcpt[1].recipient, "second@example.net");
	assert_str(rep->rcpt[1].diagnostic_type, "smtp");
	assert_str(rep->rcpt[1].diagnostic, "552 mailbox full");
	report_free(&rep);
}

static void
test_status_and_action_comments(void **state)
{
	struct report *rep;

	(void)state;
	parse(&rep, "Final-Recipient: rfc822; user@example.org\n"
		    "Action: failed (bad mailbox)\n"
		    "Status: 5.1.1 (bad mailbox)\n"
		    "\n"
		    "Final-Recipient: rfc822; other@example.org\n"
		    "Action : FAILED\n"
		    "Status : 4.4.7(delivery time expired)\n");
	assert_int_equal(rep->nrcpt, 2);
	assert_str(rep->rcpt[0].action, "failed");
	assert_string_equal(rep->rcpt[0].status, "5.1.1");
	assert_str(rep->rcpt[1].action, "failed");
	assert_string_equal(rep->rcpt[1].status, "4.4.7");
	report_free(&rep);
}

static void
test_malformed_lines(void **state)
{
	struct report *rep;

	(void)state;
	parse(&rep, "   a stray continuation before anything\n"
		    "This report is about your message.\n"
		    ":\n"
		    "::::\n"
		    "Reporting-MTA dns mx.example.net\n"
		    "\n"
		    "Final-Recipient: rfc822; user@example.org\n"
		    "Some prose without a colon in the middle of a group\n"
		    "Action: failed\n"
		    "Status:\n"
		    "Status: not-a-code\n"
		    "Diagnostic-Code: smtp; 550 user unknown\n"
		    "X-Unknown-Extension: whatever; with: colons\n");
	assert_int_equal(rep->nrcpt, 1);
	assert_str(rep->rcpt[0].recipient, "user@example.org");
	assert_str(rep->rcpt[0].action, "failed");
	assert_string_equal(rep->rcpt[0].status, "");
	assert_str(rep->rcpt[0].diagnostic, "550 user unknown");
	report_free(&rep);
}

static void
test_truncated_group(void **state)
{
	struct report *rep;

	(void)state;
	parse(&rep, "Final-Recipient: rfc822; one@example.org\n"
		    "Action: failed\n"
		    "Status: 5.1.1\n"
		    "\n"
		    "Final-Recipient: rfc822; two@example.org\n"
		    "Action: fail");
	assert_int_equal(rep->nrcpt, 2);
	assert_str(rep->rcpt[1].recipient, "two@example.org");
	assert_str(rep->rcpt[1].action, "fail");
	assert_string_equal(rep->rcpt[1].status, "");
	report_free(&rep);

	parse(&rep, "Final-Recipient: rfc822; one@example.org\n"
		    "Action: failed\n"
		    "Status: 5.1");
	assert_int_equal(rep->nrcpt, 1);
	assert_string_equal(rep->rcpt[0].status, "");
	report_free(&rep);

	parse(&rep, "Final-Recipient: rfc822; one@example.org\n"
		    "Status: 5.1.1\n"
		    "\n"
		    "Final-Recip");
	assert_int_equal(rep->nrcpt, 1);
	report_free(&rep);
}

/* The text ends in white space with no line end: a blank line at EOF */
static void
test_trailing_blank_at_end(void **state)
{
	struct report *rep;

	(void)state;
	parse(&rep, "Final-Recipient: rfc822; one@example.org\n"
		    "Status: 5.1.1\n"
		    "\n"
		    "  ");
	assert_int_equal(rep->nrcpt, 1);
	report_free(&rep);
	parse(&rep, "\t");
	assert_int_equal(rep->nrcpt, 0);
	report_free(&rep);
}

/* Every prefix of a valid report: no crash, no read past the length */
static void
test_every_prefix(void **state)
{
	static const char text[] = "Reporting-MTA: dns; mx.example.net\n"
				   "\n"
				   "Final-Recipient: rfc822; one@example.org\n"
				   "Action: failed (x)\n"
				   "Status: 5.1.1 (bad mailbox)\n"
				   "Diagnostic-Code: smtp; 550 5.1.1 one\n"
				   "  folded \n"
				   " \n"
				   "\n"
				   "   \n"
				   "Final-Recipient: two@example.org\n"
				   "Status : 5.2.2\n";
	size_t cut;

	(void)state;
	for (cut = 0; cut <= sizeof(text) - 1; cut++) {
		struct report *rep = new_report();
		unsigned char *copy = exact_copy(text, cut);
		size_t n = dsn_parse(rep, (const char *)copy, cut);

		assert_true(n <= 2);
		assert_int_equal(n, rep->nrcpt);
		free(copy);
		report_free(&rep);
	}
}

static void
test_x_actual_recipient(void **state)
{
	struct report *rep;

	(void)state;
	/* alone: it names the recipient */
	parse(&rep, "X-Actual-Recipient: rfc822; real@example.net\n"
		    "Action: failed\n"
		    "Status: 5.1.1\n");
	assert_int_equal(rep->nrcpt, 1);
	assert_str(rep->rcpt[0].recipient, "real@example.net");
	report_free(&rep);

	/* after Final-Recipient: same group, Final-Recipient wins */
	parse(&rep, "Final-Recipient: rfc822; alias@example.org\n"
		    "X-Actual-Recipient: rfc822; real@example.net\n"
		    "Action: failed\n"
		    "Status: 5.1.1\n");
	assert_int_equal(rep->nrcpt, 1);
	assert_str(rep->rcpt[0].recipient, "alias@example.org");
	assert_string_equal(rep->rcpt[0].status, "5.1.1");
	report_free(&rep);
}

/* RFC 3464 2.1: the fields of a group come in any order */
static void
test_x_actual_recipient_first(void **state)
{
	struct report *rep;

	(void)state;
	parse(&rep, "Reporting-MTA: dns; mx.example.net\n"
		    "\n"
		    "X-Actual-Recipient: rfc822; real@example.net\n"
		    "Final-Recipient: rfc822; alias@example.org\n"
		    "Action: failed\n"
		    "Status: 5.1.1\n");
	assert_int_equal(rep->nrcpt, 1);
	assert_str(rep->rcpt[0].recipient, "alias@example.org");
	assert_string_equal(rep->rcpt[0].status, "5.1.1");
	report_free(&rep);
}

/*
 * RFC 3464 2.3.1/2.3.2: a Final-Recipient that is no addr-spec (X.400, a
 * bare local part, "system; <>", empty) gives way to Original-Recipient;
 * a usable one wins, and the original is kept beside it.
 */
static void
test_original_recipient_fallback(void **state)
{
	static const struct {
		const char *final, *orig, *want, *from;
	} cases[] = {
	    {"x400; /C=ZZ/ADMD= /PRMD=EXAMPLE/O=ORG/S=Doe/G=Jane/",
		"rfc822; Jane.Doe@example.org", "jane.doe@example.org",
		"Original-Recipient"},
	    {"rfc822; jdoe", "rfc822;jdoe@example.org", "jdoe@example.org",
		"Original-Recipient"},
	    {"system; <>", "rfc822; <first@example.org>", "first@example.org",
		"Original-Recipient"},
	    {"rfc822;", "rfc822; second@example.org", "second@example.org",
		"Original-Recipient"},
	    {"RFC822; @mx.example.org", "rfc822; kim@example.org",
		"kim@example.org", "Original-Recipient"},
	    {"rfc822; root@localhost", "rfc822; ops@example.org",
		"ops@example.org", "Original-Recipient"},
	    /* an alias's target in another domain: both are kept */
	    {"rfc822; jane@mail.example.net", "rfc822;jane.doe@example.org",
		"jane@mail.example.net", "Final-Recipient"},
	    {NULL, "<kim@example.org>", "kim@example.org",
		"Original-Recipient"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[512];
		struct report *rep;

		snprintf(text, sizeof(text),
		    "Reporting-MTA: dns; mx.example.net\n\n%s%s%s"
		    "Original-Recipient: %s\nAction: failed\nStatus: 5.1.1\n",
		    cases[i].final ? "Final-Recipient: " : "",
		    cases[i].final ? cases[i].final : "",
		    cases[i].final ? "\n" : "", cases[i].orig);
		assert_int_equal(parse(&rep, text), 1);
		assert_str(rep->rcpt[0].recipient, cases[i].want);
		assert_str(rep->rcpt[0].recipient_from, cases[i].from);
		assert_non_null(rep->rcpt[0].original_recipient);
		assert_string_equal(rep->rcpt[0].action, "failed");
		report_free(&rep);
	}
}

/* a blank line after a lone Original-Recipient does not split the group */
static void
test_original_then_blank(void **state)
{
	struct report *rep;

	(void)state;
	parse(&rep, "Original-Recipient: rfc822; ann@example.org\n"
		    "\n"
		    "Final-Recipient: rfc822; ann@mail.example.net\n"
		    "Action: failed\n"
		    "Status: 5.1.1\n"
		    "\n"
		    "Original-Recipient: rfc822; bo@example.org\n"
		    "Action: failed\n"
		    "Status: 5.2.2\n"
		    "\n"
		    "Final-Recipient: rfc822; cy@example.org\n"
		    "Action: failed\n");
	assert_int_equal(rep->nrcpt, 3);
	assert_str(rep->rcpt[0].recipient, "ann@mail.example.net");
	assert_str(rep->rcpt[0].original_recipient, "ann@example.org");
	assert_str(rep->rcpt[1].recipient, "bo@example.org");
	assert_string_equal(rep->rcpt[1].status, "5.2.2");
	assert_str(rep->rcpt[2].recipient, "cy@example.org");
	assert_null(rep->rcpt[2].original_recipient);
	report_free(&rep);
}

/* nothing usable at all: the group is kept, with no recipient */
static void
test_no_usable_address(void **state)
{
	struct report *rep;

	(void)state;
	parse(&rep, "Final-Recipient: x400; /C=ZZ/S=Doe/\n"
		    "Original-Recipient: rfc822; jdoe\n"
		    "Action: failed\n"
		    "Status: 5.1.1\n"
		    "\n"
		    "Final-Recipient: rfc822; two@example.org\n"
		    "Action: failed\n"
		    "Status: 5.2.2\n");
	assert_int_equal(rep->nrcpt, 2);
	assert_null(rep->rcpt[0].recipient);
	assert_null(rep->rcpt[0].original_recipient);
	assert_string_equal(rep->rcpt[0].status, "5.1.1");
	assert_str(rep->rcpt[1].recipient, "two@example.org");
	assert_string_equal(rep->rcpt[1].status, "5.2.2");
	report_free(&rep);
}

/*
 * X-Actual-Recipient (Sendmail's alias expansion) is kept as evidence and
 * names the recipient when Final-Recipient is a program and there is no
 * Original-Recipient.
 */
static void
test_x_actual_evidence(void **state)
{
	struct report *rep;

	(void)state;
	parse(&rep, "Final-Recipient: RFC822; |/usr/local/bin/procmail -t\n"
		    "X-Actual-Recipient: RFC822; robin@host.example.org\n"
		    "Action: failed\n"
		    "Status: 5.3.0\n"
		    "Diagnostic-Code: X-Unix; 73\n"
		    "\n"
		    "Final-Recipient: RFC822; alex@example.org\n"
		    "X-Actual-Recipient: RFC822; alex@host.example.org\n"
		    "Action: failed\n"
		    "Status: 5.2.2\n");
	assert_int_equal(rep->nrcpt, 2);
	assert_str(rep->rcpt[0].recipient, "robin@host.example.org");
	assert_str(rep->rcpt[0].recipient_from, "X-Actual-Recipient");
	assert_str(rep->rcpt[0].diagnostic_type, "x-unix");
	assert_str(rep->rcpt[0].diagnostic, "73");
	assert_str(rep->rcpt[1].recipient, "alex@example.org");
	assert_str(rep->rcpt[1].actual_recipient, "alex@host.example.org");
	/* a program as X-Actual-Recipient is no address */
	report_free(&rep);
	parse(&rep, "Final-Recipient: rfc822; pat@example.org\n"
		    "X-Actual-Recipient: rfc822; |exec /usr/bin/filter\n"
		    "Action: failed\n");
	assert_str(rep->rcpt[0].recipient, "pat@example.org");
	assert_null(rep->rcpt[0].actual_recipient);
	report_free(&rep);
}

/* Odd but usable addresses are normalised, not dropped. */
static void
test_odd_addresses(void **state)
{
	static const struct {
		const char *type, *v, *want;
	} cases[] = {
	    {"rfc822", "\"lee....park....\"@example.org",
		"lee....park....@example.org"},
	    {"rfc822", "lee....park....@example.org",
		"lee....park....@example.org"},
	    {"rfc822", "\"Chris Moe\"@example.org",
		"\"chris moe\"@example.org"},
	    /* a quote inside keeps its escape: the address stays one */
	    {"rfc822", "\"a\\\"b\"@example.org", "\"a\\\"b\"@example.org"},
	    {"rfc822", "\"a\\b\"@example.org", "ab@example.org"},
	    {"rfc822", "<Dana@Example.ORG.> (Dana Roe)", "dana@example.org"},
	    {"rfc822", "dana@example.org (Dana (the) Roe)", "dana@example.org"},
	    {"rfc822", "<@relay.example.net:eli@example.org>",
		"eli@example.org"},
	    {"rfc822", "Fran Doe <fran@example.org>", "fran@example.org"},
	    {"rfc822", "\"Doe, Fran\" <fran@example.org>", "fran@example.org"},
	    {NULL, "<gus@[192.0.2.1]>", "gus@[192.0.2.1]"},
	    {"utf-8",
		"Jos\xc3\xa9@B\xc3\xbc"
		"cher.example",
		"jos\xc3\xa9@b\xc3\xbc"
		"cher.example"},
	    {"utf-8", "n\\x{E3}o@example.org", "n\xc3\xa3o@example.org"},
	    {"utf-8", "x\\x{1F600}@example.org",
		"x\xf0\x9f\x98\x80@example.org"},
	    /* what the strict reading refuses, the loose one still finds */
	    {"rfc822", "hal@example.org; extra words", "hal@example.org"},
	    {"rfc822", "hal@example.org ; extra", "hal@example.org"},
	    /* but whole: white space joins no more address to it */
	    {"rfc822", "us\ter@example.org", NULL},
	    {"rfc822", "user@example.or g", NULL},
	    {"rfc822", "|/usr/bin/prog ann@example.org", NULL},
	    {"rfc822", "jdoe", NULL},
	    {"rfc822", "@mx.example.org", NULL},
	    {"system", "<>", NULL},
	    {"rfc822", "", NULL},
	    {"rfc822", "\"\"@example.org", NULL},
	    {"rfc822", "/var/spool/mail/jdoe", NULL},
	    {"rfc822", "jdoe@localhost", NULL},
	    {"utf-8", "n\\x{E3}o", NULL},
	    /* no address, and no part of one (issue 14) */
	    {"rfc822", "user@[1.2.3.4 > x]", NULL},
	    {"rfc822", "<user@[1.2.3.4 > x]>", NULL},
	    {"rfc822", "user@[999.1.1.1]", NULL},
	    {NULL, "<gus@[IPv6:2001:db8::1]>", "gus@[ipv6:2001:db8::1]"},
	    {"rfc822", "j\xe9r\xf4me@example.org", NULL},
	    {"rfc822", "a\xed\xa0\x80z@example.org", NULL},
	    {"rfc822",
		"us\x01"
		"er@example.org",
		NULL},
	    {"rfc822",
		"<us\x01"
		"er@example.org>",
		NULL},
	    {"rfc822", "user@example.org\x7f", NULL},
	    {"rfc822", "<us er@example.org>", NULL},
	    {"rfc822",
		"a1234567890123456789012345678901234567890123456789012345678901234"
		"@example.org",
		NULL},
	};
	struct arena a;
	size_t i;

	(void)state;
	arena_init(&a);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = dsn_address(&a, cases[i].type, cases[i].v);

		if (cases[i].want == NULL) {
			if (got != NULL)
				fail_msg("%s: got %s", cases[i].v, got);
			continue;
		}
		if (got == NULL || strcmp(got, cases[i].want) != 0)
			fail_msg("%s: got %s, want %s", cases[i].v,
			    got ? got : "NULL", cases[i].want);
	}
	assert_null(dsn_address(&a, "rfc822", NULL));
	arena_deinit(&a);
}

/* RFC 3464 2.3.6: the type is kept, lower case; an empty text is none */
static void
test_diagnostic_type(void **state)
{
	struct report *rep;

	(void)state;
	parse(&rep, "Final-Recipient: rfc822; terry@example.org\n"
		    "Action: failed\n"
		    "Status: 5.3.0\n"
		    "Diagnostic-Code: X-Unix; Can't create output\n"
		    "\n"
		    "Final-Recipient: rfc822; uma@example.org\n"
		    "Action: failed\n"
		    "Status: 5.3.0\n"
		    "Diagnostic-Code: X-Unix ; 75\n"
		    "\n"
		    "Final-Recipient: rfc822; val@example.org\n"
		    "Action: failed\n"
		    "Status: 4.4.7\n"
		    "Diagnostic-Code: SMTP; \n");
	assert_int_equal(rep->nrcpt, 3);
	assert_str(rep->rcpt[0].diagnostic_type, "x-unix");
	assert_str(rep->rcpt[0].diagnostic, "Can't create output");
	assert_str(rep->rcpt[1].diagnostic_type, "x-unix");
	assert_str(rep->rcpt[1].diagnostic, "75");
	assert_str(rep->rcpt[2].diagnostic_type, "smtp");
	assert_null(rep->rcpt[2].diagnostic);
	report_free(&rep);
}

/*
 * Hostile: more groups than MAIL_MAX_RCPTS, an address field of 300 KB,
 * groups of nothing but address fields. Bounded, no crash.
 */
static void
test_hostile_groups(void **state)
{
	struct tbuf b;
	struct report *rep;
	unsigned char *copy;
	size_t i, n;

	(void)state;
	tbuf_init(&b);
	tbuf_add(&b, "Reporting-MTA: dns; mx.example.net\n");
	for (i = 0; i < MAIL_MAX_RCPTS + 500; i++)
		tbuf_addf(&b,
		    "\nFinal-Recipient: x400; /S=N%zu/\n"
		    "Original-Recipient: rfc822; u%zu@example.org\n"
		    "Action: failed\nStatus: 5.1.1\n",
		    i, i);
	copy = exact_copy(b.p, b.len);
	rep = new_report();
	n = dsn_parse(rep, (const char *)copy, b.len);
	assert_int_equal(n, MAIL_MAX_RCPTS);
	assert_int_equal(rep->nrcpt, MAIL_MAX_RCPTS);
	assert_true(rep->mail_flags & MAIL_F_TOO_MANY_RCPTS);
	assert_str(rep->rcpt[MAIL_MAX_RCPTS - 1].recipient, "u999@example.org");
	report_free(&rep);
	free(copy);
	tbuf_free(&b);

	tbuf_init(&b);
	tbuf_add(&b, "Final-Recipient: rfc822; \"");
	tbuf_fill(&b, 'a', 300000);
	tbuf_add(&b, "\"@example.org\nOriginal-Recipient: rfc822; <");
	tbuf_fill(&b, '(', 300000);
	tbuf_add(&b, "ok@example.org>\nAction: failed\n");
	for (i = 0; i < 2000; i++)
		tbuf_add(&b, "X-Actual-Recipient: rfc822;\n");
	copy = exact_copy(b.p, b.len);
	rep = new_report();
	n = dsn_parse(rep, (const char *)copy, b.len);
	assert_true(n >= 1 && n <= MAIL_MAX_RCPTS);
	assert_null(rep->rcpt[0].recipient);
	report_free(&rep);
	free(copy);
	tbuf_free(&b);
}

/* report_parse gives the same recipients for LF, CRLF and CR files */
static void
test_line_ends(void **state)
{
	static const char *const eols[] = {"\n", "\r\n", "\r"};
	struct tbuf b;
	struct report *reps[3];
	size_t i, k;

	(void)state;
	tbuf_init(&b);
	tbuf_add(&b,
	    "From: MAILER-DAEMON@mx.example.net\n"
	    "To: sender@example.com\n"
	    "Subject: Delivery Status Notification (Failure)\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: multipart/report; report-type=delivery-status;\n"
	    " boundary=\"b1\"\n"
	    "\n"
	    "--b1\n"
	    "Content-Type: text/plain\n"
	    "\n"
	    "Delivery failed.\n"
	    "\n"
	    "--b1\n"
	    "Content-Type: message/delivery-status\n"
	    "\n"
	    "Reporting-MTA: dns; mx.example.net\n"
	    "\n"
	    "Final-Recipient: rfc822; one@example.org\n"
	    "Action: failed\n"
	    "Status: 5.1.1\n"
	    "Diagnostic-Code: smtp; 550-5.1.1 The account does\n"
	    "    not exist\n"
	    "Final-Recipient: rfc822; two@example.net\n"
	    "Action: failed\n"
	    "Status: 5.2.2 (full)\n"
	    "Remote-MTA: dns; mx.example.net\n"
	    "Diagnostic-Code: smtp; 552 mailbox full\n"
	    "\n"
	    "--b1\n"
	    "Content-Type: text/rfc822-headers\n"
	    "\n"
	    "Message-ID: <orig.42@example.com>\n"
	    "Subject: hi\n"
	    "\n"
	    "--b1--\n");
	for (i = 0; i < 3; i++) {
		size_t len;
		char *t = lf_to(b.p, b.len, eols[i], &len);
		unsigned char *copy = exact_copy(t, len);
		const char *err = NULL;

		assert_int_equal(report_parse(copy, len, &reps[i], &err), 0);
		free(copy);
		free(t);
	}
	tbuf_free(&b);
	assert_int_equal(reps[0]->kind, REPORT_DSN);
	assert_int_equal(reps[0]->nrcpt, 2);
	assert_str(reps[0]->rcpt[0].recipient, "one@example.org");
	assert_str(reps[0]->rcpt[1].recipient, "two@example.net");
	assert_str(reps[0]->rcpt[0].diagnostic,
	    "550-5.1.1 The account does not exist");
	assert_str(reps[0]->original.message_id, "<orig.42@example.com>");
	for (i = 1; i < 3; i++) {
		assert_int_equal(reps[i]->kind, reps[0]->kind);
		assert_int_equal(reps[i]->nrcpt, reps[0]->nrcpt);
		assert_str(
		    reps[i]->original.message_id, reps[0]->original.message_id);
		for (k = 0; k < reps[0]->nrcpt; k++) {
			const struct report_rcpt *a = &reps[0]->rcpt[k],
						 *c = &reps[i]->rcpt[k];

			assert_str(c->recipient, a->recipient);
			assert_str(c->action, a->action);
			assert_string_equal(c->status, a->status);
			assert_int_equal(c->reply_code, a->reply_code);
			assert_str(c->diagnostic, a->diagnostic);
		}
	}
	for (i = 0; i < 3; i++)
		report_free(&reps[i]);
}

/* One fixture of tests/fixtures/rcpt through report_parse(). */
static struct report *
parse_fixture(const char *name)
{
	char path[1024];
	unsigned char *buf;
	size_t len;
	const char *err = NULL;
	struct report *rep = NULL;

	snprintf(path, sizeof(path), "%s/%s", BD_RCPT_DIR, name);
	if (readfile(path, &buf, &len, &err) < 0)
		fail_msg("%s: %s", path, err);
	assert_int_equal(report_parse(buf, len, &rep, &err), 0);
	free(buf);
	return rep;
}

struct want_rcpt {
	const char *recipient, *original, *actual, *from;
};

static void
check_fixture(const char *name, enum report_kind kind,
    const struct want_rcpt *want, size_t n)
{
	struct report *rep = parse_fixture(name);
	size_t i;

	assert_int_equal(rep->kind, kind);
	if (rep->nrcpt != n)
		fail_msg("%s: %zu recipients, want %zu", name, rep->nrcpt, n);
	for (i = 0; i < n; i++) {
		const struct report_rcpt *r = &rep->rcpt[i];

#define FIELD(got, w)                                                          \
	do {                                                                   \
		if ((w) == NULL ? (got) != NULL                                \
				: (got) == NULL || strcmp((got), (w)) != 0)    \
			fail_msg("%s #%zu %s: got %s, want %s", name, i, #got, \
			    (got) ? (got) : "NULL", (w) ? (w) : "NULL");       \
	} while (0)
		FIELD(r->recipient, want[i].recipient);
		FIELD(r->original_recipient, want[i].original);
		FIELD(r->actual_recipient, want[i].actual);
		FIELD(r->recipient_from, want[i].from);
#undef FIELD
	}
	report_free(&rep);
}

/* class 1: Original-Recipient when Final-Recipient is unusable */
static void
test_fixture_original(void **state)
{
	static const struct want_rcpt x400[] = {{"jane.doe@example.org",
	    "jane.doe@example.org", NULL, "Original-Recipient"}};
	static const struct want_rcpt bare[] = {{"jdoe@example.org",
	    "jdoe@example.org", NULL, "Original-Recipient"}};
	static const struct want_rcpt sys[] = {
	    {"first@example.org", "first@example.org", NULL,
		"Original-Recipient"},
	    {"second@example.org", "second@example.org", NULL,
		"Original-Recipient"}};
	static const struct want_rcpt alias[] = {{"jane@mail.example.net",
	    "jane.doe@example.org", NULL, "Final-Recipient"}};
	static const struct want_rcpt only[] = {
	    {"kim@example.org", "kim@example.org", NULL, "Original-Recipient"}};
	struct report *rep;

	(void)state;
	check_fixture("x400_original.eml", REPORT_DSN, x400, 1);
	check_fixture("bare_local.eml", REPORT_DSN, bare, 1);
	check_fixture("system_empty.eml", REPORT_DSN, sys, 2);
	check_fixture("alias_other_domain.eml", REPORT_DSN, alias, 1);
	check_fixture("only_original.eml", REPORT_DSN, only, 1);
	/* the diagnostics stay with their groups */
	rep = parse_fixture("system_empty.eml");
	assert_string_equal(rep->rcpt[0].status, "5.1.1");
	assert_string_equal(rep->rcpt[1].status, "5.2.2");
	assert_str(rep->rcpt[1].diagnostic, "552 5.2.2 mailbox full");
	report_free(&rep);
}

/* class 2: X-Actual-Recipient */
static void
test_fixture_x_actual(void **state)
{
	static const struct want_rcpt want[] = {
	    {"robin@host.example.org", NULL, "robin@host.example.org",
		"X-Actual-Recipient"},
	    {"alex@example.org", NULL, "alex@host.example.org",
		"Final-Recipient"}};

	(void)state;
	check_fixture("x_actual_program.eml", REPORT_DSN, want, 2);
}

/*
 * class 3: a report without a per-recipient group (Postfix's "Delivery
 * report unavailable"): the returned message names the recipient, by its
 * Received "for" clause or its lone To:, never the list's address.
 */
static void
test_fixture_no_group(void **state)
{
	static const struct want_rcpt to[] = {
	    {"pat@example.org", NULL, NULL, "To"}};
	static const struct want_rcpt list[] = {
	    {"sam@example.org", NULL, NULL, "Received"}};
	struct report *rep;

	(void)state;
	check_fixture("postfix_unavailable.eml", REPORT_DSN, to, 1);
	check_fixture("postfix_unavailable_list.eml", REPORT_DSN, list, 1);
	rep = parse_fixture("postfix_unavailable.eml");
	assert_str(rep->family, "rfc3464");
	assert_str(rep->original.message_id, "<unavail-orig.0001@example.com>");
	report_free(&rep);
}

/*
 * class 3, the other side: when the original names several recipients,
 * none, or only the list, no one is reported; and a message that is no
 * delivery report gets no recipient from its attachment's To:.
 */
static void
test_no_group_refused(void **state)
{
	static const char *const tos[] = {
	    "To: a@example.org, b@example.org\n",
	    "To: undisclosed-recipients:;\n",
	    "To: Pat <pat@example.org>\nCc: kim@example.org\n",
	    "To: List <list@lists.example.com>\n"
	    "List-Post: <mailto:list@lists.example.com>\n",
	    "To: pat\n",
	};
	struct tbuf b;
	size_t i;
	int dsn;

	(void)state;
	for (dsn = 0; dsn < 2; dsn++) {
		for (i = 0; i < sizeof(tos) / sizeof(tos[0]) + 1; i++) {
			struct report *rep;
			const char *err;
			unsigned char *copy;

			tbuf_init(&b);
			tbuf_add(&b, "From: MAILER-DAEMON@mx.example.net\n"
				     "To: sender@example.com\n"
				     "Subject: Undelivered Mail Returned to "
				     "Sender\n"
				     "MIME-Version: 1.0\n"
				     "Content-Type: multipart/mixed; "
				     "boundary=\"b\"\n\n--b\n"
				     "Content-Type: text/plain\n\nSee below.\n"
				     "\n--b\n");
			tbuf_addf(&b, "Content-Type: %s\n\n",
			    dsn ? "message/delivery-status"
				: "text/x-note");
			tbuf_add(&b, "Reporting-MTA: dns; mx.example.net\n\n"
				     "--b\nContent-Type: message/rfc822\n\n"
				     "From: sender@example.com\n"
				     "Message-ID: <x@example.com>\n");
			/* the last round: a lone To:, which only a report
			 * may take */
			tbuf_add(&b, i < sizeof(tos) / sizeof(tos[0])
					 ? tos[i]
					 : "To: pat@example.org\n");
			tbuf_add(&b, "\nhi\n--b--\n");
			copy = exact_copy(b.p, b.len);
			assert_int_equal(report_parse(copy, b.len, &rep, &err),
			    0);
			if (dsn && i == sizeof(tos) / sizeof(tos[0])) {
				assert_int_equal(rep->nrcpt, 1);
				assert_str(rep->rcpt[0].recipient,
				    "pat@example.org");
			} else {
				assert_int_equal(rep->nrcpt, 0);
				assert_int_equal(rep->kind, REPORT_NONE);
			}
			report_free(&rep);
			free(copy);
			tbuf_free(&b);
		}
	}
}

/*
 * A forwarded bounce (the report inside the returned message) or a digest
 * of two reports: the "original" is not the message reported on, so an
 * address-less group stays without a recipient.
 */
static void
test_no_group_not_own(void **state)
{
	static const char *const wrap[] = {
	    /* forwarded: the report is inside the message/rfc822 */
	    "From: relay@example.net\n"
	    "To: sender@example.com\n"
	    "Subject: Fwd: Undelivered Mail\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: multipart/mixed; boundary=\"o\"\n\n"
	    "--o\nContent-Type: text/plain\n\nFYI\n\n"
	    "--o\nContent-Type: message/rfc822\n\n"
	    "From: MAILER-DAEMON@mx.example.net\n"
	    "To: bystander@example.com\n"
	    "Message-ID: <fwd@example.net>\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: multipart/report; report-type=delivery-status;"
	    " boundary=\"i\"\n\n"
	    "--i\nContent-Type: message/delivery-status\n\n"
	    "Reporting-MTA: dns; mx.example.net\n\n"
	    "Final-Recipient: rfc822; @mx.example.org\n"
	    "Action: failed\nStatus: 5.1.1\n\n"
	    "--i--\n\n--o--\n",
	    /* a digest: two reports, one returned message */
	    "From: MAILER-DAEMON@mx.example.net\n"
	    "To: sender@example.com\n"
	    "Subject: Undelivered Mail Returned to Sender\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: multipart/report; report-type=delivery-status;"
	    " boundary=\"d\"\n\n"
	    "--d\nContent-Type: message/delivery-status\n\n"
	    "Reporting-MTA: dns; mx.example.net\n\n"
	    "Final-Recipient: rfc822; @mx.example.org\n"
	    "Action: failed\nStatus: 5.1.1\n\n"
	    "--d\nContent-Type: message/delivery-status\n\n"
	    "Reporting-MTA: dns; mx.example.net\n\n"
	    "Final-Recipient: rfc822; two@example.org\n"
	    "Action: failed\nStatus: 5.2.2\n\n"
	    "--d\nContent-Type: message/rfc822\n\n"
	    "From: sender@example.com\nTo: one@example.org\n"
	    "Message-ID: <d@example.com>\n\nhi\n--d--\n",
	};
	size_t i, k;

	(void)state;
	for (i = 0; i < sizeof(wrap) / sizeof(wrap[0]); i++) {
		size_t len = strlen(wrap[i]);
		unsigned char *copy = exact_copy(wrap[i], len);
		struct report *rep;
		const char *err;

		assert_int_equal(report_parse(copy, len, &rep, &err), 0);
		assert_int_equal(rep->kind, REPORT_DSN);
		for (k = 0; k < rep->nrcpt; k++) {
			const char *r = rep->rcpt[k].recipient;

			if (r != NULL && (strcmp(r, "bystander@example.com") == 0 ||
					     strcmp(r, "one@example.org") == 0))
				fail_msg("case %zu: recipient %s invented", i,
				    r);
		}
		report_free(&rep);
		free(copy);
	}
}

/*
 * Hostile originals for the fallback: a To: of 20000 addresses, 5000
 * Received fields with "for" clauses that hold no address, a 300 KB
 * token after "for". Bounded and no crash.
 */
static void
test_no_group_hostile(void **state)
{
	struct tbuf b;
	struct report *rep;
	unsigned char *copy;
	const char *err;
	size_t i;

	(void)state;
	tbuf_init(&b);
	tbuf_add(&b, "From: MAILER-DAEMON@mx.example.net\n"
		     "To: sender@example.com\n"
		     "MIME-Version: 1.0\n"
		     "Content-Type: multipart/report; "
		     "report-type=delivery-status; boundary=\"b\"\n\n"
		     "--b\nContent-Type: message/delivery-status\n\n"
		     "Reporting-MTA: dns; mx.example.net\n\n"
		     "--b\nContent-Type: message/rfc822\n\n");
	for (i = 0; i < 5000; i++)
		tbuf_add(&b, "Received: from a by b for for for ; x\n");
	tbuf_add(&b, "Received: from a by b for <");
	tbuf_fill(&b, 'x', 300000);
	tbuf_add(&b, "@example.org>\nTo: ");
	for (i = 0; i < 20000; i++)
		tbuf_addf(&b, "%s\"u, %zu\" <u%zu@example.org>", i ? ",\n " : "",
		    i, i);
	tbuf_add(&b, "\nMessage-ID: <h@example.com>\n\nhi\n--b--\n");
	copy = exact_copy(b.p, b.len);
	assert_int_equal(report_parse(copy, b.len, &rep, &err), 0);
	assert_int_equal(rep->nrcpt, 0);
	report_free(&rep);
	free(copy);
	tbuf_free(&b);
}

/*
 * A NUL inside an address makes it none, never its tail or its head
 * (issue 14): in a report that was read as it is (the NUL became a
 * space) and in one whose delivery-status part was base64 (the NUL is in
 * the decoded text). \x01 in the patterns marks the NUL.
 */
static void
test_nul_in_address(void **state)
{
	static const char *const rcpts[] = {
	    "us\x01"
	    "er@example.org",
	    "<us\x01"
	    "er@example.org>",
	    "user@example.or\x01"
	    "g",
	    "\"us\x01"
	    "er\"@example.org",
	    "user\x01"
	    "@example.org",
	};
	static const char decoded[] =
	    "Final-Recipient: rfc822; user@example.or\0g\n"
	    "Action: failed\n";
	struct tbuf b;
	struct report *rep;
	unsigned char *copy;
	const char *err;
	size_t i, k;

	(void)state;
	for (i = 0; i < sizeof(rcpts) / sizeof(rcpts[0]); i++) {
		tbuf_init(&b);
		gen_dsn(&b, rcpts[i], "5.1.1", "550 5.1.1 unknown",
		    "<nul@example.com>");
		for (k = 0; k < b.len; k++) {
			if (b.p[k] == '\x01')
				b.p[k] = '\0';
		}
		copy = exact_copy(b.p, b.len);
		assert_int_equal(report_parse(copy, b.len, &rep, &err), 0);
		assert_true(rep->mail_flags & MAIL_F_HAS_NULS);
		assert_int_equal(rep->nrcpt, 1);
		if (rep->rcpt[0].recipient != NULL)
			fail_msg(
			    "%zu: recorded as %s", i, rep->rcpt[0].recipient);
		report_free(&rep);
		free(copy);
		tbuf_free(&b);
	}
	/* the decoded text of a base64 part keeps the NUL itself */
	rep = new_report();
	copy = exact_copy(decoded, sizeof(decoded) - 1);
	assert_int_equal(
	    dsn_parse(rep, (const char *)copy, sizeof(decoded) - 1), 1);
	assert_null(rep->rcpt[0].recipient);
	report_free(&rep);
	free(copy);
	/* a NUL elsewhere leaves a whole address alone */
	tbuf_init(&b);
	gen_dsn(&b, "user@example.org", "5.1.1", "550 5.1.1 un\x01known",
	    "<nul@example.com>");
	for (k = 0; k < b.len; k++) {
		if (b.p[k] == '\x01')
			b.p[k] = '\0';
	}
	copy = exact_copy(b.p, b.len);
	assert_int_equal(report_parse(copy, b.len, &rep, &err), 0);
	assert_true(rep->mail_flags & MAIL_F_HAS_NULS);
	assert_str(rep->rcpt[0].recipient, "user@example.org");
	report_free(&rep);
	free(copy);
	tbuf_free(&b);
}

/*
 * In prose a NUL read as a space looks like a word break: the raw bytes
 * say that the address went on (report_valid_addresses()).
 */
static void
test_nul_in_prose(void **state)
{
	static const char exim[] =
	    "From: Mail Delivery System <Mailer-Daemon@mx.example.net>\n"
	    "To: sender@example.com\n"
	    "Subject: Mail delivery failed: returning message to sender\n"
	    "X-Failed-Recipients: us\0er@example.org\n"
	    "\n"
	    "This message was created automatically by mail delivery "
	    "software.\n\n"
	    "A message that you sent could not be delivered to one or more "
	    "of its\nrecipients. This is a permanent error. The following "
	    "address(es) failed:\n\n"
	    "  us\0er@example.org\n"
	    "    host mx.example.org [192.0.2.25]\n"
	    "    SMTP error from remote mail server after RCPT "
	    "TO:<us\0er@example.org>:\n"
	    "    550 5.1.1 unknown\n\n"
	    "------ This is a copy of the message, including all the "
	    "headers. ------\n\n"
	    "From: sender@example.com\n"
	    "To: us\0er@example.org\n"
	    "Message-ID: <prose.orig@example.com>\n"
	    "\n"
	    "Hi.\n";
	struct report *rep;
	unsigned char *copy = exact_copy(exim, sizeof(exim) - 1);
	const char *err;
	size_t i;

	(void)state;
	assert_int_equal(report_parse(copy, sizeof(exim) - 1, &rep, &err), 0);
	assert_true(rep->mail_flags & MAIL_F_HAS_NULS);
	assert_true(rep->nrcpt >= 1);
	for (i = 0; i < rep->nrcpt; i++) {
		if (rep->rcpt[i].recipient != NULL)
			fail_msg("recorded %s", rep->rcpt[i].recipient);
	}
	report_free(&rep);
	free(copy);
}

/* A DSN without Diagnostic-Code whose notice is the text given. */
static struct report *
notice_dsn(const char *notice)
{
	struct tbuf b;
	struct report *rep;
	unsigned char *copy;
	const char *err;

	tbuf_init(&b);
	tbuf_add(&b, "From: MAILER-DAEMON@mx.example.net\n"
		     "To: sender@example.com\n"
		     "MIME-Version: 1.0\n"
		     "Content-Type: multipart/report; "
		     "report-type=delivery-status; boundary=\"b\"\n\n"
		     "--b\nContent-Type: text/plain\n\n");
	tbuf_add(&b, notice);
	tbuf_add(&b, "\n--b\nContent-Type: message/delivery-status\n\n"
		     "Reporting-MTA: dns; mx.example.net\n\n"
		     "Final-Recipient: rfc822; wes@example.org\n"
		     "Action: failed\nStatus: 5.0.0\n\n--b--\n");
	copy = exact_copy(b.p, b.len);
	assert_int_equal(report_parse(copy, b.len, &rep, &err), 0);
	free(copy);
	tbuf_free(&b);
	assert_int_equal(rep->nrcpt, 1);
	return rep;
}

/*
 * A rule inside the notice, before the recipient is named, is no footer;
 * thousands of separator lines cost one pass.
 */
static void
test_footer_bounds(void **state)
{
	struct tbuf t;
	struct report *rep;
	size_t i;

	(void)state;
	rep = notice_dsn("Delivery has failed.\n"
			 "______________________________\n"
			 "wes@example.org: quota exceeded, try later\n"
			 "\n-- \nScanned by ExampleScanner.\n");
	assert_non_null(rep->rcpt[0].diagnostic);
	assert_non_null(strstr(rep->rcpt[0].diagnostic, "quota exceeded"));
	assert_null(strstr(rep->rcpt[0].diagnostic, "ExampleScanner"));
	report_free(&rep);

	tbuf_init(&t);
	tbuf_add(&t, "Delivery has failed.\n");
	for (i = 0; i < 20000; i++)
		tbuf_add(&t, i % 2 ? "--\n" : "wes@example.org\n");
	rep = notice_dsn(t.p);
	assert_non_null(rep->rcpt[0].diagnostic);
	report_free(&rep);
	tbuf_free(&t);
}

/* A DSN of the notice, the per-recipient group and the returned header. */
static struct report *
whole_dsn(const char *notice, const char *group, const char *returned)
{
	struct tbuf b;
	struct report *rep;
	unsigned char *copy;
	const char *err;

	tbuf_init(&b);
	tbuf_add(&b, "From: MAILER-DAEMON@mx.example.net\n"
		     "To: sender@example.com\n"
		     "MIME-Version: 1.0\n"
		     "Content-Type: multipart/report; "
		     "report-type=delivery-status; boundary=\"b\"\n\n"
		     "--b\nContent-Type: text/plain\n\n");
	tbuf_add(&b, notice);
	tbuf_add(&b, "\n--b\nContent-Type: message/delivery-status\n\n"
		     "Reporting-MTA: dns; mx.example.net\n\n");
	tbuf_add(&b, group);
	tbuf_add(&b, "\n--b\nContent-Type: text/rfc822-headers\n\n");
	tbuf_add(&b, returned);
	tbuf_add(&b, "\n--b--\n");
	copy = exact_copy(b.p, b.len);
	assert_int_equal(report_parse(copy, b.len, &rep, &err), 0);
	free(copy);
	tbuf_free(&b);
	return rep;
}

/* The returned message's Received fields are counted (a loop's trace). */
static void
test_received_count(void **state)
{
	struct tbuf h;
	struct report *rep;
	unsigned i;

	(void)state;
	tbuf_init(&h);
	for (i = 0; i < 30; i++)
		tbuf_addf(&h, "Received: from hop%u.example.net\n\tby "
			      "mx.example.net; Mon, 30 Nov 2026 10:00:00 +0000\n",
		    i);
	tbuf_add(&h, "X-Received-Note: not a Received field\n"
		     "Message-ID: <loop@example.com>\n"
		     "Subject: Received: in a subject is no field\n");
	rep = whole_dsn("The following address(es) failed:\n  a@example.net\n",
	    "Final-Recipient: rfc822; a@example.net\nAction: failed\n"
	    "Status: 5.0.0\n",
	    h.p);
	assert_int_equal(rep->original.received, 30);
	report_free(&rep);
	tbuf_free(&h);
}

/*
 * OpenSMTPD's queue expiry (smtpd/queue.c, IMSG_QUEUE_EXPIRE: "Envelope
 * expired", bounce, then the envelope is deleted) goes out with the
 * delay template and Action: delayed when the last try was a 4yz; the
 * message is gone, so it is a failure. A delay notice with 4.4.7 and
 * other words stays delayed.
 */
static void
test_expired_envelope(void **state)
{
	struct report *rep;

	(void)state;
	rep = whole_dsn("A message is delayed for more than 0 seconds for the "
			"following\nlist of recipients:\n\n"
			"a@example.net: Envelope expired\n",
	    "Final-Recipient: rfc822; a@example.net\nAction: delayed\n"
	    "Status: 4.4.7\n",
	    "Message-ID: <x@example.com>\n");
	assert_int_equal(rep->nrcpt, 1);
	assert_str(rep->rcpt[0].action, "failed");
	report_free(&rep);
	rep = whole_dsn("Delivery has been delayed.\n",
	    "Final-Recipient: rfc822; a@example.net\nAction: delayed\n"
	    "Status: 4.4.7\nDiagnostic-Code: smtp; 4.4.7 Message delayed\n",
	    "Message-ID: <x@example.com>\n");
	assert_str(rep->rcpt[0].action, "delayed");
	report_free(&rep);
}

/*
 * Which of the returned message's fields names the recipient of a report
 * without one: To: when the Received "for" clauses agree or say nothing,
 * the newest clause for a list post or when To: names someone else.
 */
static void
test_no_group_choice(void **state)
{
	static const struct {
		const char *hdr, *want, *from;
	} cases[] = {
	    /* an alias rewrote the envelope: To: is what was sent */
	    {"Received: from a by b for <nyaan%example.org@mx.example.org>; x\n"
	     "Received: from c by a for nyaan@example.org; x\n"
	     "To: <nyaan@example.org>\n",
		"nyaan@example.org", "To"},
	    /* Bcc: To: names no envelope recipient */
	    {"Received: from a by b for <sub@example.org>; x\n"
	     "To: news@example.com\n",
		"sub@example.org", "Received"},
	    /* a list post with List-Id only: To: is the list */
	    {"Received: from a by b for <sub@example.org>; x\n"
	     "Received: from c by a for <list@lists.example.com>; x\n"
	     "To: list@lists.example.com\n"
	     "List-Id: <list.lists.example.com>\n",
		"sub@example.org", "Received"},
	    /* a personalised list post */
	    {"Received: from a by b for <sub@example.org>; x\n"
	     "To: Sub <sub@example.org>\n"
	     "List-Post: <mailto:list@lists.example.com>\n",
		"sub@example.org", "Received"},
	    /* "for" in a comment is no clause */
	    {"Received: from a (waiting for nobody) by b; x\n"
	     "To: pat@example.org\n",
		"pat@example.org", "To"},
	    /* several in To:, but the envelope had one */
	    {"Received: from a by b for <two@example.org>; x\n"
	     "To: one@example.org, two@example.org\n",
		"two@example.org", "Received"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tbuf b;
		struct report *rep;
		unsigned char *copy;
		const char *err;

		tbuf_init(&b);
		tbuf_add(&b, "From: MAILER-DAEMON@mx.example.net\n"
			     "To: sender@example.com\n"
			     "MIME-Version: 1.0\n"
			     "Content-Type: multipart/report; "
			     "report-type=delivery-status; boundary=\"b\"\n\n"
			     "--b\nContent-Type: message/delivery-status\n\n"
			     "Reporting-MTA: dns; mx.example.net\n\n"
			     "--b\nContent-Type: text/rfc822-headers\n\n"
			     "From: sender@example.com\n"
			     "Message-ID: <c@example.com>\n");
		tbuf_add(&b, cases[i].hdr);
		tbuf_add(&b, "\n--b--\n");
		copy = exact_copy(b.p, b.len);
		assert_int_equal(report_parse(copy, b.len, &rep, &err), 0);
		if (rep->nrcpt != 1 || rep->rcpt[0].recipient == NULL ||
		    strcmp(rep->rcpt[0].recipient, cases[i].want) != 0 ||
		    strcmp(rep->rcpt[0].recipient_from, cases[i].from) != 0)
			fail_msg("case %zu: got %s from %s", i,
			    rep->nrcpt ? rep->rcpt[0].recipient : "nothing",
			    rep->nrcpt ? rep->rcpt[0].recipient_from : "-");
		report_free(&rep);
		free(copy);
		tbuf_free(&b);
	}
}

/* class 4: odd addresses reported, normalised */
static void
test_fixture_odd(void **state)
{
	static const struct want_rcpt odd[] = {
	    {"lee....park....@example.org", "lee....park....@example.org", NULL,
		"Final-Recipient"},
	    {"\"chris moe\"@example.org", NULL, NULL, "Final-Recipient"},
	    {"dana@example.org", NULL, NULL, "Final-Recipient"},
	    {"eli@example.org", NULL, NULL, "Final-Recipient"},
	    {"fran@example.org", NULL, NULL, "Final-Recipient"}};
	static const struct want_rcpt utf8[] = {
	    {"jos\xc3\xa9@b\xc3\xbc" "cher.example", NULL, NULL,
		"Final-Recipient"},
	    {"n\xc3\xa3o@example.org", NULL, NULL, "Final-Recipient"}};

	(void)state;
	check_fixture("odd_addresses.eml", REPORT_DSN, odd, 5);
	check_fixture("utf8_address.eml", REPORT_DSN, utf8, 2);
}

/*
 * class 5: an X-Unix Diagnostic-Code keeps its type and text; a footer
 * that a scanner appended to the notice is no one's diagnostic.
 */
static void
test_fixture_diagnostics(void **state)
{
	struct report *rep;

	(void)state;
	rep = parse_fixture("xunix_mailer.eml");
	assert_int_equal(rep->nrcpt, 1);
	assert_str(rep->rcpt[0].diagnostic_type, "x-unix");
	assert_str(rep->rcpt[0].diagnostic, "Can't create output");
	report_free(&rep);

	rep = parse_fixture("footer_diagnostic.eml");
	assert_str(rep->rcpt[0].diagnostic, "552 5.2.2 Mailbox full");
	report_free(&rep);

	/* no Diagnostic-Code: the words next to the recipient */
	rep = parse_fixture("footer_nodiag.eml");
	assert_non_null(rep->rcpt[0].diagnostic);
	assert_non_null(strstr(rep->rcpt[0].diagnostic, "552 5.2.2"));
	assert_null(strstr(rep->rcpt[0].diagnostic, "scanned"));
	report_free(&rep);

	/* ... and none there: the notice up to the footer */
	rep = parse_fixture("footer_prose.eml");
	assert_non_null(rep->rcpt[0].diagnostic);
	assert_non_null(strstr(rep->rcpt[0].diagnostic, "over its size"));
	assert_null(strstr(rep->rcpt[0].diagnostic, "scanned"));
	assert_null(strstr(rep->rcpt[0].diagnostic, "virus"));
	report_free(&rep);
}

/* issue 17 item 5: RFC 5322 3.3 dates, and which one a report gives */
static void
test_bounce_dates(void **state)
{
	static const struct {
		const char *in;
		int64_t want;
	} dates[] = {
		{ "Thu, 28 Nov 2024 13:19:58 +0000 (UTC)", 1732799998 },
		{ "28 Nov 2024 13:19:58 +0000", 1732799998 },
		{ "Thu, 28 Nov 2024 22:19:58 +0900", 1732799998 },
		{ "Thu, 28 Nov 2024 08:19:58 EST", 1732799998 },
		{ "Thu, 28 Nov 2024 13:19 GMT", 1732799940 },
		{ "Thu, 28 Nov 24 13:19:58 +0000", 1732799998 },
		{ "Sat, 29 Feb 2020 00:00:00 -0000", 1582934400 },
		{ "1 Jan 1970 00:00:00 +0000", 0 },
		{ "", 0 },
		{ "yesterday", 0 },
		{ "Thu, 28 Foo 2024 13:19:58 +0000", 0 },
		{ "Thu, 28 Nov 2024 25:19:58 +0000", 0 },
		{ "Thu, 28 Nov 2024", 0 },
	};
	static const char dsn[] =
	    "From: MAILER-DAEMON@mx.example.org\n"
	    "Date: Thu, 28 Nov 2024 14:00:00 +0000\n"
	    "Subject: Undelivered\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: multipart/report; report-type=delivery-status;"
	    " boundary=b\n\n"
	    "--b\nContent-Type: text/plain\n\nfailed\n\n"
	    "--b\nContent-Type: message/delivery-status\n\n"
	    "Reporting-MTA: dns; mx.example.org\n"
	    "Arrival-Date: Thu, 28 Nov 2024 13:00:00 +0000\n\n"
	    "Final-Recipient: rfc822; a@example.net\n"
	    "Action: failed\nStatus: 5.1.1\n"
	    "Last-Attempt-Date: Thu, 28 Nov 2024 13:30:00 +0000\n\n"
	    "Final-Recipient: rfc822; b@example.net\n"
	    "Action: failed\nStatus: 5.1.1\n\n"
	    "--b--\n";
	struct report *rep = NULL;
	const char *err = NULL;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(dates) / sizeof(dates[0]); i++)
		if (mail_parse_date(dates[i].in) != dates[i].want)
			fail_msg("\"%s\": %lld, want %lld", dates[i].in,
			    (long long)mail_parse_date(dates[i].in),
			    (long long)dates[i].want);
	assert_int_equal(report_parse((const unsigned char *)dsn,
	    sizeof(dsn) - 1, &rep, &err), 0);
	assert_int_equal(rep->nrcpt, 2);
	/* Last-Attempt-Date, else Arrival-Date, else Date: */
	assert_int_equal(report_bounce_date(rep, &rep->rcpt[0]), 1732800600);
	assert_int_equal(report_bounce_date(rep, &rep->rcpt[1]), 1732798800);
	rep->arrival = 0;
	assert_int_equal(report_bounce_date(rep, &rep->rcpt[1]), 1732802400);
	report_free(&rep);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_groups),
	    cmocka_unit_test(test_bounce_dates),
	    cmocka_unit_test(test_folded_diagnostic),
	    cmocka_unit_test(test_several_recipients),
	    cmocka_unit_test(test_no_blank_lines),
	    cmocka_unit_test(test_untyped),
	    cmocka_unit_test(test_status_and_action_comments),
	    cmocka_unit_test(test_malformed_lines),
	    cmocka_unit_test(test_truncated_group),
	    cmocka_unit_test(test_trailing_blank_at_end),
	    cmocka_unit_test(test_every_prefix),
	    cmocka_unit_test(test_x_actual_recipient),
	    cmocka_unit_test(test_x_actual_recipient_first),
	    cmocka_unit_test(test_line_ends),
	    cmocka_unit_test(test_original_recipient_fallback),
	    cmocka_unit_test(test_no_usable_address),
	    cmocka_unit_test(test_original_then_blank),
	    cmocka_unit_test(test_x_actual_evidence),
	    cmocka_unit_test(test_odd_addresses),
	    cmocka_unit_test(test_nul_in_address),
	    cmocka_unit_test(test_nul_in_prose),
	    cmocka_unit_test(test_diagnostic_type),
	    cmocka_unit_test(test_hostile_groups),
	    cmocka_unit_test(test_fixture_original),
	    cmocka_unit_test(test_fixture_x_actual),
	    cmocka_unit_test(test_fixture_no_group),
	    cmocka_unit_test(test_no_group_refused),
	    cmocka_unit_test(test_no_group_not_own),
	    cmocka_unit_test(test_no_group_hostile),
	    cmocka_unit_test(test_no_group_choice),
	    cmocka_unit_test(test_fixture_odd),
	    cmocka_unit_test(test_fixture_diagnostics),
	    cmocka_unit_test(test_footer_bounds),
	    cmocka_unit_test(test_received_count),
	    cmocka_unit_test(test_expired_envelope),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
