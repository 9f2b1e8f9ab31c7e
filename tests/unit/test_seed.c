/*
 * The seed: the 16 server replies of /work/shared/seed/README.md (the page
 * the project grew from), each wrapped at test time in three envelopes --
 * an RFC 3464 report with a generic status code, a qmail-send bounce and an
 * Exim bounce -- must give the recipient, the reason and the class the
 * README promises. One cmocka test per reply and envelope, so a failure
 * names both.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify/classify.h"
#include "testgen.h"

#define RCPT  "user@example.org"
#define MSGID "<seed.original.1@example.com>"
/* the message the free-text envelopes return inline */
#define RETURNED_ORIGINAL                                                      \
	"Return-Path: <sender@example.com>\n"                                   \
	"From: Sender <sender@example.com>\n"                                   \
	"To: <" RCPT ">\n"                                                      \
	"Subject: hello\n"                                                      \
	"Message-ID: " MSGID "\n"                                               \
	"\n"                                                                    \
	"Hello there.\n"

struct seed_reply {
	int group; /* the README's group number */
	const char *reply;
	enum reason reason, alt; /* alt: a second accepted reason, or same */
	enum bounce_class cls;
	bool temporary; /* the DSN carries 4.0.0, not 5.0.0 */
};

/* The README's table, <addr> spelt out, x.x.x.x a documentation address */
static const struct seed_reply replies[] = {
    {1, "550 <" RCPT "> unknow", REASON_USERUNKNOWN, REASON_USERUNKNOWN,
	CLASS_PERMANENT, false},
    {1, "550 Requested action not taken: mailbox unavailable",
	REASON_USERUNKNOWN, REASON_USERUNKNOWN, CLASS_PERMANENT, false},
    {1, "550 5.1.1 <" RCPT "> is not a valid mailbox", REASON_USERUNKNOWN,
	REASON_USERUNKNOWN, CLASS_PERMANENT, false},
    {1, "Sorry, no mailbox here by that name", REASON_USERUNKNOWN,
	REASON_USERUNKNOWN, CLASS_PERMANENT, false},
    {1, "550 Invalid recipient <" RCPT ">", REASON_USERUNKNOWN,
	REASON_USERUNKNOWN, CLASS_PERMANENT, false},
    {1, "<" RCPT "> (user not found)", REASON_USERUNKNOWN, REASON_USERUNKNOWN,
	CLASS_PERMANENT, false},
    {2, "552 Message size exceeds fixed maximum message size (5000000)",
	REASON_MESGTOOBIG, REASON_MESGTOOBIG, CLASS_PERMANENT, false},
    {2, "552 Message size exceeds maximum message size", REASON_MESGTOOBIG,
	REASON_MESGTOOBIG, CLASS_PERMANENT, false},
    {2,
	"552 Message size exceeds fixed maximum message size: 5242880 "
	"bytes",
	REASON_MESGTOOBIG, REASON_MESGTOOBIG, CLASS_PERMANENT, false},
    {3, "User is over the quota", REASON_MAILBOXFULL, REASON_MAILBOXFULL,
	CLASS_TRANSIENT, false},
    {3, "552 <" RCPT "> is full", REASON_MAILBOXFULL, REASON_MAILBOXFULL,
	CLASS_TRANSIENT, false},
    {3, "550 <" RCPT "> can't create output", REASON_MAILBOXFULL,
	REASON_MAILBOXFULL, CLASS_TRANSIENT, false},
    {3, "552 Requested mail action aborted: exceeded storage allocation",
	REASON_MAILBOXFULL, REASON_MAILBOXFULL, CLASS_TRANSIENT, false},
    /* a forwarding loop: resending cannot help, so NOT transient */
    {4,
	"554 Too many hops 27 (25 max): from <sender@example.com> via "
	"mail.example.com, to <" RCPT ">",
	REASON_NETWORKERROR, REASON_NETWORKERROR, CLASS_PERMANENT, false},
    {5, "<" RCPT ">: connect to 192.0.2.25 timed out", REASON_EXPIRED,
	REASON_NETWORKERROR, CLASS_TRANSIENT, true},
    {6, "554 <" RCPT ">: Recipient Address rejected: Relay access denied",
	REASON_NORELAYING, REASON_NORELAYING, CLASS_PERMANENT, false},
};
#define NREPLIES (sizeof(replies) / sizeof(replies[0]))

enum envelope {
	ENV_DSN,
	ENV_QMAIL,
	ENV_EXIM,
	ENV_COUNT
};
static const char *const env_names[ENV_COUNT] = {"dsn", "qmail", "exim"};

struct seed_case {
	const struct seed_reply *r;
	enum envelope env;
	char name[160];
};

static void
gen_qmail(struct tbuf *b, const char *reply)
{
	tbuf_add(b, "Return-Path: <>\n"
		    "From: MAILER-DAEMON@mx.example.net\n"
		    "To: sender@example.com\n"
		    "Subject: failure notice\n"
		    "Date: 3 Jun 2024 10:00:00 -0000\n"
		    "Message-ID: <20240603100000.1234.qmail@mx.example.net>\n"
		    "\n"
		    "Hi. This is the qmail-send program at mx.example.net.\n"
		    "I'm afraid I wasn't able to deliver your message to the "
		    "following addresses.\n"
		    "This is a permanent error; I've given up. Sorry it didn't "
		    "work out.\n"
		    "\n"
		    "<" RCPT ">:\n");
	tbuf_addf(b, "%s\n", reply);
	tbuf_add(b, "\n"
		    "--- Below this line is a copy of the message.\n"
		    "\n" RETURNED_ORIGINAL);
}

static void
gen_exim(struct tbuf *b, const char *reply)
{
	tbuf_add(b,
	    "Return-path: <>\n"
	    "From: Mail Delivery System <Mailer-Daemon@mx.example.net>\n"
	    "To: sender@example.com\n"
	    "Subject: Mail delivery failed: returning message to sender\n"
	    "Message-Id: <E1sEabc-000123-4x@mx.example.net>\n"
	    "X-Failed-Recipients: " RCPT "\n"
	    "Auto-Submitted: auto-replied\n"
	    "Date: Mon, 03 Jun 2024 10:00:00 +0000\n"
	    "\n"
	    "This message was created automatically by mail delivery "
	    "software.\n"
	    "\n"
	    "A message that you sent could not be delivered to one or "
	    "more of its\n"
	    "recipients. This is a permanent error. The following "
	    "address(es) failed:\n"
	    "\n"
	    "  " RCPT "\n");
	tbuf_addf(b, "    %s\n", reply);
	tbuf_add(b, "\n"
		    "------ This is a copy of the message, including all the "
		    "headers. ------\n"
		    "\n" RETURNED_ORIGINAL);
}

static void
gen_case(struct tbuf *b, const struct seed_case *c)
{
	switch (c->env) {
	case ENV_DSN:
		gen_dsn(b, RCPT, c->r->temporary ? "4.0.0" : "5.0.0",
		    c->r->reply, MSGID);
		break;
	case ENV_QMAIL:
		gen_qmail(b, c->r->reply);
		break;
	default:
		gen_exim(b, c->r->reply);
	}
}

static void
run_case(void **state)
{
	const struct seed_case *c = *state;
	struct tbuf b;
	struct report *rep = NULL;
	const char *err = NULL;
	struct verdict v;
	unsigned char *copy;

	tbuf_init(&b);
	gen_case(&b, c);
	copy = exact_copy(b.p, b.len);
	assert_int_equal(report_parse(copy, b.len, &rep, &err), 0);
	if (rep->nrcpt != 1) {
		fail_msg("%s: %zu recipients (kind %d, family %s), want 1",
		    c->name, rep->nrcpt, (int)rep->kind,
		    rep->family ? rep->family : "-");
	}
	if (rep->rcpt[0].recipient == NULL ||
	    strcmp(rep->rcpt[0].recipient, RCPT) != 0)
		fail_msg("%s: recipient %s, want %s", c->name,
		    rep->rcpt[0].recipient ? rep->rcpt[0].recipient : "(null)",
		    RCPT);
	if (c->env == ENV_DSN)
		assert_int_equal(rep->kind, REPORT_DSN);
	else
		assert_int_equal(rep->kind, REPORT_LEGACY);
	classify_rcpt(rep, &rep->rcpt[0], 1717408800, &v);
	if (v.reason != c->r->reason && v.reason != c->r->alt)
		fail_msg("%s: reason %s (rule %s, diagnostic \"%s\"), want %s",
		    c->name, reason_name(v.reason), v.rule ? v.rule : "-",
		    rep->rcpt[0].diagnostic ? rep->rcpt[0].diagnostic : "",
		    reason_name(c->r->reason));
	if (v.cls != c->r->cls)
		fail_msg("%s: class %s (reason %s, rule %s), want %s", c->name,
		    class_name(v.cls), reason_name(v.reason),
		    v.rule ? v.rule : "-", class_name(c->r->cls));
	/* the DSN carries the original: its Message-ID comes through */
	if (c->env == ENV_DSN) {
		assert_non_null(rep->original.message_id);
		assert_string_equal(rep->original.message_id, MSGID);
	}
	report_free(&rep);
	free(copy);
	tbuf_free(&b);
}

/* every reason the seed names comes with advice for the user */
static void
test_seed_advice(void **state)
{
	static const enum reason extra[] = {REASON_UNDEFINED};
	size_t i;

	(void)state;
	for (i = 0; i < NREPLIES; i++) {
		const struct reason_info *a = reason_info(replies[i].reason),
					 *b = reason_info(replies[i].alt);

		assert_non_null(a->advice);
		assert_true(strlen(a->advice) > 0);
		assert_non_null(b->advice);
		assert_true(strlen(b->advice) > 0);
	}
	/* group 7, "other": mesgtoobig / undefined */
	assert_true(strlen(reason_info(extra[0])->advice) > 0);
	assert_true(strlen(reason_info(REASON_MESGTOOBIG)->advice) > 0);
}

int
main(void)
{
	static struct seed_case cases[NREPLIES * ENV_COUNT];
	static struct CMUnitTest tests[NREPLIES * ENV_COUNT + 1];
	size_t i, n = 0;
	int e;

	for (i = 0; i < NREPLIES; i++) {
		for (e = 0; e < ENV_COUNT; e++) {
			struct seed_case *c = &cases[n];

			c->r = &replies[i];
			c->env = (enum envelope)e;
			snprintf(c->name, sizeof(c->name),
			    "seed%zu/group%d/%s: %.100s", i + 1,
			    replies[i].group, env_names[e], replies[i].reply);
			tests[n].name = c->name;
			tests[n].test_func = run_case;
			tests[n].setup_func = NULL;
			tests[n].teardown_func = NULL;
			tests[n].initial_state = c;
			n++;
		}
	}
	tests[n].name = "seed_advice";
	tests[n].test_func = test_seed_advice;
	tests[n].setup_func = NULL;
	tests[n].teardown_func = NULL;
	tests[n].initial_state = NULL;
	n++;
	return _cmocka_run_group_tests("seed", tests, n, NULL, NULL);
}
