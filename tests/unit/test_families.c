/*
 * One bounce per MTA family, written the way that software writes them
 * (the .eml files in tests/fixtures/families; our own addresses, and our
 * own wording where the MTA allows), plus one report of each
 * machine-readable kind: each must be read as its family, with every
 * recipient in order, the reason a person running a mail system would
 * give, and the returned message's Message-ID where the bounce returns
 * it. One cmocka test per fixture, named "<family>/<file>"; a failure
 * lists every mismatch with got and want.
 *
 * Usage: test_families [fixture directory]; the default is the source
 * tree's tests/fixtures/families (BD_FAMILIES_DIR, set by CMake).
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
#include "common/readfile.h"

#define MAXR 4

struct fam_rcpt {
	const char *addr;
	enum reason reason;
};

struct fam_case {
	const char *file;
	const char *family; /* report->family; NULL: no bounce at all */
	enum report_kind kind;
	size_t nrcpt;
	struct fam_rcpt rcpt[MAXR];
	const char *orig_msgid; /* NULL: the bounce returns no original */
	char name[128];
};

static struct fam_case cases[] = {
    /* qmail-send: a remote refusal and a DNS failure in one bounce */
    {"qmail_userunknown.eml", "qmail", REPORT_LEGACY, 2,
	{{"nobody@example.org", REASON_USERUNKNOWN},
	    {"alice@nxdomain.example.net", REASON_HOSTUNKNOWN}},
	"<fam-qmail-1.20240603@example.com>", ""},
    /* qmail-send gave up: no connection until the queue lifetime ran out */
    {"qmail_timeout.eml", "qmail", REPORT_LEGACY, 1,
	{{"bob@slow.example.net", REASON_EXPIRED}},
	"<fam-qmail-2.20240603@example.com>", ""},
    /* Zoho Mail: "[Status: Error, Address: <a@b>, ... Host not
     * reachable.]" */
    {"zoho_expired.eml", "zoho", REPORT_LEGACY, 1,
	{{"quentin@far.example.net", REASON_EXPIRED}},
	NULL, ""},
    /* Zoho Mail: "a@b Invalid Address, ERROR_CODE :550", a soft break
     * in a part that does not say quoted-printable */
    {"zoho_userunknown.eml", "zoho", REPORT_LEGACY, 1,
	{{"sara@example.org", REASON_USERUNKNOWN}},
	NULL, ""},
    /* Exim 4: SMTP error after RCPT TO */
    {"exim_userunknown.eml", "exim", REPORT_LEGACY, 1,
	{{"nobody@example.org", REASON_USERUNKNOWN}},
	"<fam-exim-1.20240604@example.com>", ""},
    /* Exim 4: appendfile quota on local delivery */
    {"exim_mailboxfull.eml", "exim", REPORT_LEGACY, 1,
	{{"carol@example.org", REASON_MAILBOXFULL}},
	"<fam-exim-2.20240605@example.net>", ""},
    /* Sendmail V8 without MIME: address list, "(reason: ...)", transcript */
    {"sendmail_v8_userunknown.eml", "sendmail", REPORT_LEGACY, 1,
	{{"nobody@example.org", REASON_USERUNKNOWN}},
	"<fam-sendmail-1.20240606@example.com>", ""},
    /* Sendmail V8: "Cannot send message for 5 days" */
    {"sendmail_v8_expired.eml", "sendmail", REPORT_LEGACY, 1,
	{{"dave@slow.example.net", REASON_EXPIRED}},
	"<fam-sendmail-2.20240603@example.com>", ""},
    /* Sendmail V5: transcript only, "----- Unsent message follows -----" */
    {"sendmail_v5_userunknown.eml", "sendmail", REPORT_LEGACY, 1,
	{{"frank@example.org", REASON_USERUNKNOWN}},
	"<fam-sendmail-3.19940607@example.com>", ""},
    /* Sendmail V5: the host failed for all, no address in the
     * transcript: the unsent message's To: is the recipient */
    {"sendmail_v5_norcpt.eml", "sendmail", REPORT_LEGACY, 1,
	{{"irene@example.org", REASON_EXPIRED}},
	"<fam-sendmail-4.19940608@example.com>", ""},
    /* Sendmail V5: two verdicts in one session, no message collected */
    {"sendmail_v5_nomessage.eml", "sendmail", REPORT_LEGACY, 2,
	{{"kim@example.org", REASON_USERUNKNOWN},
	    {"lee@example.org", REASON_USERUNKNOWN}},
	NULL, ""},
    /* Postfix notice to the postmaster: two RCPTs refused in a session */
    {"postfix_notice.eml", "postfix", REPORT_LEGACY, 2,
	{{"ghost@example.com", REASON_USERUNKNOWN},
	    {"someone@elsewhere.example.org", REASON_NORELAYING}},
	NULL, ""},
    /* Amazon SES bounce notification through SNS: JSON, two recipients */
    {"amazonses_two_rcpts.eml", "amazonses", REPORT_LEGACY, 2,
	{{"gone@example.org", REASON_USERUNKNOWN},
	    {"stuffed@example.net", REASON_MAILBOXFULL}},
	NULL, ""},
    /* SES bounce inside an SNS envelope ("Message" is the SES object as a
     * JSON string), folded by SNS ("!" at the end of a line); the
     * Transient/MailboxFull subtype is the reason */
    {"amazonses_sns_envelope.eml", "amazonses", REPORT_LEGACY, 1,
	{{"quota@example.org", REASON_MAILBOXFULL}},
	"<fam-ses-2.20240701@example.com>", ""},
    /* SES complaint as an application/json body, Feedback-Type not-spam */
    {"amazonses_complaint_json.eml", "amazonses", REPORT_FEEDBACK, 1,
	{{"reader2@example.net", REASON_FEEDBACK}},
	"<fam-ses-5.20240702@example.com>", ""},
    /* SES event publishing ("eventType"), pretty-printed, no DSN behind
     * it: the Transient/MessageTooLarge subtype is the reason */
    {"amazonses_event_toobig.eml", "amazonses", REPORT_LEGACY, 1,
	{{"yara@example.net", REASON_MESGTOOBIG}},
	"<fam-ses-4.20240719@example.com>", ""},
    /* SES complaint: "complainedRecipients", a feedback report */
    {"amazonses_complaint.eml", "amazonses", REPORT_FEEDBACK, 1,
	{{"reader@example.net", REASON_FEEDBACK}},
	"<fam-ses-3.20240702@example.com>", ""},
    /* Verizon vtext.com: "RCPT TO:" under "Message details:" */
    {"verizon_vtext.eml", "verizon", REPORT_LEGACY, 1,
	{{"5550100123@vtext.com", REASON_USERUNKNOWN}},
	NULL, ""},
    /* Verizon vzwpix.com: "No valid recipients for this MM" */
    {"verizon_vzwpix.eml", "verizon", REPORT_LEGACY, 1,
	{{"5550100456@vzwpix.com", REASON_USERUNKNOWN}},
	NULL, ""},
    /* Apache James Bounce mailet (AbstractNotify), default notice */
    {"james_userunknown.eml", "james", REPORT_LEGACY, 1,
	{{"henry@example.org", REASON_USERUNKNOWN}},
	"<fam-james-1.20240611@example.com>", ""},
    /* James: further recipients on lines under "RCPT TO:" */
    {"james_two_rcpts.eml", "james", REPORT_LEGACY, 2,
	{{"ivan@example.org", REASON_USERUNKNOWN},
	    {"judy@example.org", REASON_USERUNKNOWN}},
	"<fam-james-2.20240611@example.com>", ""},
    /* Trend Micro InterScan MSS: "Sent <<< RCPT TO:" / "Received >>>" */
    {"interscan_userunknown.eml", "interscan", REPORT_LEGACY, 1,
	{{"kate@example.net", REASON_USERUNKNOWN}},
	"<fam-interscan-1.20240612@example.com>", ""},
    /* au/KDDI: "Your mail sent on:" ... "As their mailbox is full." */
    {"kddi_mailboxfull.eml", "kddi", REPORT_LEGACY, 1,
	{{"leo@au.example.jp", REASON_MAILBOXFULL}},
	"<fam-kddi-1.20240613@example.com>", ""},
    /* fml 4: "Loop Alert: Duplicated Message-ID" to the list's -admin */
    {"fml_loop.eml", "fml", REPORT_LEGACY, 1,
	{{"tea@lists.example.jp", REASON_SYSTEMERROR}},
	NULL, ""},
    /* Google Groups refusing a post (English) */
    {"googlegroups_rejected.eml", "googlegroups", REPORT_LEGACY, 1,
	{{"quilting-club@googlegroups.com", REASON_REJECTED}},
	"<fam-googlegroups-1.20240615@example.com>", ""},
    /* Exim with a German bounce_message_file: only X-Failed-Recipients
     * names the recipient in a form no family layout knows */
    {"failedrcpt_exim_german.eml", "failedrcpt", REPORT_LEGACY, 1,
	{{"mia@example.org", REASON_USERUNKNOWN}},
	NULL, ""},
    /* Lotus Notes SMTP MTA: "------- Failure Reasons --------" */
    {"notes_userunknown.eml", "notes", REPORT_LEGACY, 1,
	{{"nina@notes.example.co.jp", REASON_USERUNKNOWN}},
	"<fam-notes-1.20240617@example.com>", ""},
    /* MailMarshal: one reason, two affected recipients */
    {"mailmarshal_userunknown.eml", "mailmarshal", REPORT_LEGACY, 2,
	{{"oscar@example.net", REASON_USERUNKNOWN},
	    {"pat@example.net", REASON_USERUNKNOWN}},
	NULL, ""},
    /* Exchange 5.5 IMS: "<addr> on <date>", MSEXCH:IMS code (000C05A6) */
    {"exchange_ims_userunknown.eml", "exchange", REPORT_LEGACY, 2,
	{{"taro@example.org", REASON_USERUNKNOWN},
	    {"jiro@example.org", REASON_USERUNKNOWN}},
	"<fam-exchange-1.20040429@example.com>", ""},
    /* Exchange 2003 CDO: "could not be reached:", "<host #5.2.2>" */
    {"exchange_cdo_mailboxfull.eml", "exchange", REPORT_LEGACY, 1,
	{{"chris@example.net", REASON_MAILBOXFULL}},
	"<fam-exchange-2.20060314@example.com>", ""},
    /* Exchange IMS known by X-MimeOLE: "Name (SMTP=a@b) on", "'a@b' on",
     * IMS codes for Unknown Recipient and Too Many Hops */
    {"exchange_ims_smtp.eml", "exchange", REPORT_LEGACY, 2,
	{{"eva@corp.example.net", REASON_USERUNKNOWN},
	    {"fred@corp.example.net", REASON_NETWORKERROR}},
	NULL, ""},
    /* IMail: "Subject: Undeliverable Mail", "Unknown user: a@b" */
    {"generic_imail.eml", "imail", REPORT_LEGACY, 1,
	{{"rita@mail.example.net", REASON_USERUNKNOWN}},
	"<fam-generic-1.20240619@example.com>", ""},
    /* IMail: "User mailbox exceeds allowed size: a@b" */
    {"imail_mailboxfull.eml", "imail", REPORT_LEGACY, 1,
	{{"mona@mail.example.net", REASON_MAILBOXFULL}},
	"<fam-imail-1.20240708@example.com>", ""},
    /* IMail known by X-Mailer <SMTP32 v...> alone: "undeliverable to",
     * then "Body of message generated response:" */
    {"imail_response.eml", "imail", REPORT_LEGACY, 1,
	{{"olga@example.org", REASON_USERUNKNOWN}},
	"<fam-imail-2.20240709@example.com>", ""},
    /* IMail: two "<error>: <address>" lines, one of them no intro knows */
    {"imail_two_errors.eml", "imail", REPORT_LEGACY, 2,
	{{"quinn@mail.example.net", REASON_USERUNKNOWN},
	    {"rosa@mail.example.net", REASON_USERUNKNOWN}},
	"<fam-imail-3.20240717@example.com>", ""},
    /* generic_subject: no daemon sender, a bounce subject, null sender */
    {"generic_subject_nullsender.eml", "generic", REPORT_LEGACY, 1,
	{{"quinn@example.net", REASON_SUSPEND}},
	"<fam-generic-2.20240620@example.com>", ""},
    /* no daemon sender, no bounce subject: an announcing sentence, then
     * addresses after display names, each with its reply */
    {"generic_announce_displayname.eml", "generic", REPORT_LEGACY, 2,
	{{"taro@example.org", REASON_USERUNKNOWN},
	    {"jiro@example.org", REASON_MAILBOXFULL}},
	"<fam-generic-3.20240703@example.com>", ""},
    /* the address after the announcing sentence's colon; the reply is
     * in the technical details */
    {"generic_announce_inline.eml", "generic", REPORT_LEGACY, 1,
	{{"erin@example.net", REASON_USERUNKNOWN}},
	"<fam-generic-4.20240704@example.com>", ""},
    /* Japanese and English notice, UTF-8, no daemon sender */
    {"generic_announce_bilingual.eml", "generic", REPORT_LEGACY, 1,
	{{"yuki@example.jp", REASON_USERUNKNOWN}},
	NULL, ""},
    /* "Failed Recipient:" and "Error-for:" before the addresses */
    {"generic_failed_recipient.eml", "generic", REPORT_LEGACY, 2,
	{{"walt@example.org", REASON_USERUNKNOWN},
	    {"xena@example.org", REASON_MAILBOXFULL}},
	"<fam-generic-5.20240712@example.com>", ""},
    /* "---The following addresses had delivery errors---", then
     * "a@b [reason]" lines; no daemon sender, no bounce subject */
    {"generic_x1_brackets.eml", "generic", REPORT_LEGACY, 2,
	{{"hana@example.org", REASON_USERUNKNOWN},
	    {"ivo@example.org", REASON_MAILBOXFULL}},
	NULL, ""},
    /* Oracle/Sun Messaging Server's text part without its report part:
     * "Recipient address:", "Reason:", "Diagnostic code:" */
    {"generic_messagingserver.eml", "generic", REPORT_LEGACY, 1,
	{{"zoe@example.org", REASON_USERUNKNOWN}},
	NULL, ""},
    /* LISTSERV passing on a free-text bounce it could not process */
    {"listserv_enclosed.eml", "listserv", REPORT_LEGACY, 1,
	{{"bea@example.org", REASON_ONHOLD}},
	"<dsn-0714-045958@mail.example.org>", ""},
    /* LISTSERV passing on an ordinary post it took for a bounce: the
     * addresses in it are no one's failure */
    {"listserv_not_bounce.eml", NULL, REPORT_NONE, 0, {{NULL, 0}}, NULL,
	""},
    /* ordinary mail from the servers these families know by a header
     * field (IMail's X-Mailer, Exchange's X-Mailer and X-MimeOLE, Zoho's
     * X-ZohoMail): an address in the text is no failed recipient */
    {"imail_not_bounce.eml", NULL, REPORT_NONE, 0, {{NULL, 0}}, NULL, ""},
    {"exchange_not_bounce.eml", NULL, REPORT_NONE, 0, {{NULL, 0}}, NULL,
	""},
    {"zoho_not_bounce.eml", NULL, REPORT_NONE, 0, {{NULL, 0}}, NULL, ""},
    /* RFC 3464 from Postfix, two recipients */
    {"rfc3464_postfix_two_rcpts.eml", "rfc3464", REPORT_DSN, 2,
	{{"sam@example.org", REASON_USERUNKNOWN},
	    {"tina@example.net", REASON_MAILBOXFULL}},
	"<fam-rfc3464-1.20240621@example.com>", ""},
    /* RFC 5965 ARF abuse report */
    {"arf_abuse.eml", "arf", REPORT_FEEDBACK, 1,
	{{"uma@example.net", REASON_FEEDBACK}},
	"<fam-arf-1.20240622@example.com>", ""},
    /* RFC 3834 vacation reply: In-Reply-To names the original */
    {"rfc3834_vacation.eml", "rfc3834", REPORT_AUTOREPLY, 1,
	{{"victor@example.org", REASON_VACATION}},
	"<fam-rfc3834-1.20240623@example.com>", ""},
};
#define NCASES (sizeof(cases) / sizeof(cases[0]))

static const char *fixture_dir;

static const char *
kind_name(enum report_kind k)
{
	switch (k) {
	case REPORT_NONE:
		return "none";
	case REPORT_DSN:
		return "dsn";
	case REPORT_LEGACY:
		return "legacy";
	case REPORT_FEEDBACK:
		return "feedback";
	case REPORT_AUTOREPLY:
		return "autoreply";
	}
	return "?";
}

static const char *
str_or(const char *s)
{
	return s != NULL ? s : "(null)";
}

static void
run_case(void **state)
{
	const struct fam_case *c = *state;
	char path[4096];
	unsigned char *buf = NULL;
	size_t len = 0, i, n;
	const char *err = NULL;
	struct report *rep = NULL;
	int bad = 0;

	snprintf(path, sizeof(path), "%s/%s", fixture_dir, c->file);
	if (readfile(path, &buf, &len, &err) != 0)
		fail_msg("%s: cannot read %s: %s", c->name, path, str_or(err));
	if (report_parse(buf, len, &rep, &err) != 0)
		fail_msg("%s: report_parse failed: %s", c->name, str_or(err));

	if (c->family == NULL ? rep->family != NULL
			      : (rep->family == NULL ||
				    strcmp(rep->family, c->family) != 0)) {
		print_error("%s: family got %s, want %s\n", c->name,
		    str_or(rep->family), str_or(c->family));
		bad++;
	}
	if (rep->kind != c->kind) {
		print_error("%s: kind got %s, want %s\n", c->name,
		    kind_name(rep->kind), kind_name(c->kind));
		bad++;
	}
	if (rep->nrcpt != c->nrcpt) {
		print_error("%s: recipients got %zu, want %zu\n", c->name,
		    rep->nrcpt, c->nrcpt);
		for (i = 0; i < rep->nrcpt; i++)
			print_error("%s:   got [%zu] %s\n", c->name, i,
			    str_or(rep->rcpt[i].recipient));
		bad++;
	}
	n = rep->nrcpt < c->nrcpt ? rep->nrcpt : c->nrcpt;
	for (i = 0; i < n; i++) {
		const struct report_rcpt *r = &rep->rcpt[i];
		struct verdict v;

		if (r->recipient == NULL ||
		    strcmp(r->recipient, c->rcpt[i].addr) != 0) {
			print_error("%s: recipient [%zu] got %s, want %s\n",
			    c->name, i, str_or(r->recipient), c->rcpt[i].addr);
			bad++;
		}
		classify_rcpt(rep, r, 1718000000, &v);
		if (v.reason != c->rcpt[i].reason) {
			print_error("%s: reason [%zu] %s got %s (rule %s, "
				    "status \"%s\", diagnostic \"%.300s\"), "
				    "want %s\n",
			    c->name, i, c->rcpt[i].addr, reason_name(v.reason),
			    str_or(v.rule), v.status, str_or(r->diagnostic),
			    reason_name(c->rcpt[i].reason));
			bad++;
		}
	}
	if (c->orig_msgid != NULL &&
	    (rep->original.message_id == NULL ||
		strcmp(rep->original.message_id, c->orig_msgid) != 0)) {
		print_error("%s: original Message-ID got %s, want %s\n",
		    c->name, str_or(rep->original.message_id), c->orig_msgid);
		bad++;
	}
	report_free(&rep);
	free(buf);
	if (bad > 0)
		fail_msg("%s: %d mismatch(es)", c->name, bad);
}

int
main(int argc, char **argv)
{
	static struct CMUnitTest tests[NCASES];
	size_t i;

#ifdef BD_FAMILIES_DIR
	fixture_dir = BD_FAMILIES_DIR;
#endif
	if (argc > 1)
		fixture_dir = argv[1];
	if (fixture_dir == NULL) {
		fprintf(stderr, "usage: %s <fixture directory>\n", argv[0]);
		return 2;
	}
	for (i = 0; i < NCASES; i++) {
		struct fam_case *c = &cases[i];

		snprintf(c->name, sizeof(c->name), "%s/%s",
		    c->family != NULL ? c->family : "none", c->file);
		tests[i].name = c->name;
		tests[i].test_func = run_case;
		tests[i].setup_func = NULL;
		tests[i].teardown_func = NULL;
		tests[i].initial_state = c;
	}
	return _cmocka_run_group_tests("families", tests, NCASES, NULL, NULL);
}
