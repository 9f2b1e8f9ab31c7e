/*
 * Free-text reports that are not plain failures: delay warnings (Exim,
 * Sendmail, Postfix, Exchange, Gmail) must come out as Action delayed, class
 * ignore -- a recipient is not bounced by a warning -- and a lone
 * recipient's reply standing on its own line under a provider's prose
 * ("The error that the other server returned was:") is its diagnostic,
 * said once; so is the prose when a lone recipient's own lines say
 * nothing. Our own wording in the MTAs' layouts.
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

#define HDRS(from, subj)                                                      \
	"Return-Path: <>\nFrom: " from "\nTo: sender@example.com\n"           \
	"Subject: " subj "\nDate: Mon, 1 Jun 2026 10:00:00 +0000\n"           \
	"Message-ID: <notice@mx.example.net>\n"                               \
	"Content-Type: text/plain; charset=us-ascii\n\n"

struct notice {
	const char *name, *text, *rcpt, *action;
	enum reason reason;
	enum bounce_class cls;
};

static const struct notice notices[] = {
    {"exim delay warning",
	HDRS("Mail Delivery System <Mailer-Daemon@mx.example.net>",
	    "Warning: message 1abc-000 delayed 24 hours")
	"This message was created automatically by mail delivery software.\n"
	"A message that you sent has not yet been delivered to one or more "
	"of its\nrecipients after more than 24 hours on the queue on "
	"mx.example.net.\n\nThe address to which the message has not yet "
	"been delivered is:\n\n  user@example.org\n    Delay reason: SMTP "
	"error from remote mail server after RCPT TO:<user@example.org>:\n"
	"    451 4.7.1 Greylisted, come back later\n\nNo action is required "
	"on your part. Delivery attempts will continue for\nsome time.\n",
	"user@example.org", "delayed", REASON_COUNT, CLASS_IGNORE},
    {"sendmail warning",
	HDRS("Mail Delivery Subsystem <MAILER-DAEMON@mx.example.net>",
	    "Warning: could not send message for past 4 hours")
	"    **********************************************\n"
	"    **      THIS IS A WARNING MESSAGE ONLY      **\n"
	"    **  YOU DO NOT NEED TO RESEND YOUR MESSAGE  **\n"
	"    **********************************************\n\n"
	"The original message was received at Mon, 1 Jun 2026 06:00:00\n\n"
	"   ----- The following addresses had transient non-fatal errors "
	"-----\n<user@example.org>\n\n   ----- Transcript of session follows "
	"-----\n<user@example.org>... Deferred: Connection timed out with "
	"mx.example.org.\nWarning: message still undelivered after 4 hours\n"
	"Will keep trying until message is 5 days old\n",
	"user@example.org", "delayed", REASON_COUNT, CLASS_IGNORE},
    {"exim failure stays a failure",
	HDRS("Mail Delivery System <Mailer-Daemon@mx.example.net>",
	    "Mail delivery failed: returning message to sender")
	"This message was created automatically by mail delivery software.\n"
	"\nA message that you sent could not be delivered to one or more of "
	"its\nrecipients. This is a permanent error. The following "
	"address(es) failed:\n\n  user@example.org\n    SMTP error from "
	"remote mail server after RCPT TO:<user@example.org>:\n    550 5.1.1 "
	"User unknown\n",
	"user@example.org", "failed", REASON_USERUNKNOWN, CLASS_PERMANENT},
    {"provider prose with the reply on its own line",
	HDRS("Mail Delivery Subsystem <mailer-daemon@mail.example.net>",
	    "Delivery Status Notification (Failure)")
	"Delivery to the following recipient failed permanently:\n\n"
	"     user@example.org\n\nTechnical details of permanent failure:\n"
	"We tried to deliver your message, but it was rejected by the "
	"server for the recipient domain example.org.\n\nThe error that the "
	"other server returned was:\n552 5.2.2 Mailbox full\n",
	"user@example.org", "failed", REASON_MAILBOXFULL, CLASS_TRANSIENT},
    {"sendmail gave up on a deferred recipient",
	HDRS("Mail Delivery Subsystem <MAILER-DAEMON@mx.example.net>",
	    "Returned mail: see transcript for details")
	"The original message was received at Mon, 1 Jun 2026 06:00:00\n\n"
	"   ----- The following addresses had permanent fatal errors -----\n"
	"<user@example.org>\n    (reason: Connection refused by "
	"mx.example.org.)\n\n   ----- Transcript of session follows -----\n"
	"<user@example.org>... Deferred: Connection refused by "
	"mx.example.org.\nMessage could not be delivered for 5 days\n"
	"Message will be deleted from queue\n",
	"user@example.org", "failed", REASON_EXPIRED, CLASS_TRANSIENT},
    {"imail sentence naming the recipient",
	HDRS("Postmaster@mx.example.net", "Undeliverable Mail")
	"The following message to <user@example.org> was undeliverable.\n"
	"The reason for the problem:\n5.1.0 - Unknown address error "
	"550-'<user@example.org>... No such user'\n",
	"user@example.org", "failed", REASON_USERUNKNOWN, CLASS_PERMANENT},
    {"mdaemon queue period over",
	HDRS("MDaemon@mx.example.net", "Message Delivery Failure")
	"The message was undeliverable due to the following reason:\n\n"
	"Your message could not be delivered because the destination "
	"computer was\nnot reachable within the allowed queue period.\n\n"
	"The following recipients did not receive this message:\n\n"
	"     <user@example.org>\n",
	"user@example.org", "failed", REASON_EXPIRED, CLASS_TRANSIENT},
    {"lone recipient, the reason only in the prose",
	HDRS("MAILER-DAEMON@mx.example.net", "Undeliverable Mail")
	"The account of the recipient below has been suspended and cannot\n"
	"receive mail at this time.\n\n   user@example.org\n",
	"user@example.org", "failed", REASON_SUSPEND, CLASS_PERMANENT},
};

static void
check(void **state)
{
	const struct notice *n = *state;
	struct report *rep = NULL;
	const char *err = NULL, *action;
	unsigned char *buf = exact_copy(n->text, strlen(n->text));
	struct verdict v;

	assert_int_equal(report_parse(buf, strlen(n->text), &rep, &err), 0);
	assert_int_equal(rep->nrcpt, 1);
	assert_string_equal(rep->rcpt[0].recipient, n->rcpt);
	action = classify_action(rep, &rep->rcpt[0]);
	assert_non_null(action);
	assert_string_equal(action, n->action);
	classify_rcpt(rep, &rep->rcpt[0], 0, &v);
	assert_int_equal(v.cls, n->cls);
	if (n->reason != REASON_COUNT)
		assert_string_equal(reason_name(v.reason), reason_name(n->reason));
	if (n->reason == REASON_MAILBOXFULL) {
		const char *d = rep->rcpt[0].diagnostic, *first;

		assert_non_null(d);
		first = strstr(d, "552 5.2.2 Mailbox full");
		assert_non_null(first);
		assert_null(strstr(first + 1, "552 5.2.2 Mailbox full"));
	}
	report_free(&rep);
	free(buf);
}

int
main(void)
{
	struct CMUnitTest tests[sizeof(notices) / sizeof(notices[0])];
	size_t i;

	for (i = 0; i < sizeof(notices) / sizeof(notices[0]); i++) {
		tests[i].name = notices[i].name;
		tests[i].test_func = check;
		tests[i].setup_func = NULL;
		tests[i].teardown_func = NULL;
		tests[i].initial_state = (void *)(uintptr_t)&notices[i];
	}
	return _cmocka_run_group_tests("notices", tests, i, NULL, NULL);
}
