/*
 * Replies that real MTAs and providers send every day, each in an RFC 3464
 * report with the status the server gave (or a generic one), and the
 * reason a person running a mail system would call it. The wording is that
 * of the software named; the addresses are ours. One cmocka test per
 * reply, so a failure names it. Together with the four report kinds at
 * the end (delivered, complaint, auto-reply, a report that says nothing)
 * every reason of the vocabulary has a case (test_every_reason_tested).
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

#define RCPT "user@example.org"

struct reply_case {
	const char *who;    /* the software or provider that says it */
	const char *status; /* the DSN Status field */
	const char *diag;   /* the Diagnostic-Code text after "smtp;" */
	enum reason reason;
	enum bounce_class cls;
};

static const struct reply_case cases[] = {
    /* the mailbox does not exist */
    {"postfix local", "5.1.1",
	"550 5.1.1 <" RCPT ">: Recipient address rejected: User unknown in "
	"local recipient table",
	REASON_USERUNKNOWN, CLASS_PERMANENT},
    {"postfix virtual", "5.1.1",
	"550 5.1.1 <" RCPT ">: Recipient address rejected: User unknown in "
	"virtual mailbox table",
	REASON_USERUNKNOWN, CLASS_PERMANENT},
    {"exchange online", "5.1.10",
	"550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by "
	"SMTP address lookup",
	REASON_USERUNKNOWN, CLASS_PERMANENT},
    {"exchange on-premises", "5.1.1",
	"550 5.1.1 RESOLVER.ADR.RecipNotFound; not found",
	REASON_USERUNKNOWN, CLASS_PERMANENT},
    {"gmail", "5.1.1",
	"550-5.1.1 The email account that you tried to reach does not exist. "
	"Please try double-checking the recipient's email address for typos",
	REASON_USERUNKNOWN, CLASS_PERMANENT},
    {"exim", "5.0.0", "550 Unrouteable address", REASON_HOSTUNKNOWN,
	CLASS_PERMANENT},
    {"exim local", "5.0.0", "550 No Such User Here", REASON_USERUNKNOWN,
	CLASS_PERMANENT},
    {"sendmail", "5.1.1", "550 5.1.1 <" RCPT ">... User unknown",
	REASON_USERUNKNOWN, CLASS_PERMANENT},
    {"qmail", "5.1.1", "511 sorry, no mailbox here by that name (#5.1.1)",
	REASON_USERUNKNOWN, CLASS_PERMANENT},
    {"dovecot lmtp", "5.1.1", "550 5.1.1 <" RCPT "> User doesn't exist: " RCPT,
	REASON_USERUNKNOWN, CLASS_PERMANENT},
    {"yahoo", "5.0.0",
	"554 delivery error: dd This user doesn't have a yahoo.com account "
	"(" RCPT ") [0] - mta1234.mail.gq1.yahoo.com",
	REASON_USERUNKNOWN, CLASS_PERMANENT},
    /* the domain */
    {"postfix dns", "5.4.4",
	"Host or domain name not found. Name service error for "
	"name=example.invalid type=A: Host not found",
	REASON_HOSTUNKNOWN, CLASS_PERMANENT},
    {"null mx", "5.1.10", "556 5.1.10 Recipient address has null MX",
	REASON_NOTACCEPT, CLASS_PERMANENT},
    /* the mailbox is full */
    {"gmail quota", "5.2.2",
	"552-5.2.2 The email account that you tried to reach is over quota",
	REASON_MAILBOXFULL, CLASS_TRANSIENT},
    {"dovecot quota", "5.2.2", "552 5.2.2 <" RCPT "> Quota exceeded (mailbox for user is full)",
	REASON_MAILBOXFULL, CLASS_TRANSIENT},
    {"exchange quota", "5.2.2",
	"554 5.2.2 mailbox full; STOREDRV.Deliver.Exception:QuotaExceededException",
	REASON_MAILBOXFULL, CLASS_TRANSIENT},
    {"exim quota", "5.0.0", "552 Mailbox quota exceeded",
	REASON_MAILBOXFULL, CLASS_TRANSIENT},
    {"temporary quota", "4.2.2",
	"452 4.2.2 The email account that you tried to reach is over quota",
	REASON_MAILBOXFULL, CLASS_TRANSIENT},
    /* size */
    {"postfix size", "5.3.4",
	"552 5.3.4 Message size exceeds fixed limit", REASON_MESGTOOBIG,
	CLASS_PERMANENT},
    {"gmail size", "5.3.4",
	"552-5.3.4 Your message exceeded Google's message size limits",
	REASON_MESGTOOBIG, CLASS_PERMANENT},
    {"exchange size", "5.3.4",
	"552 5.3.4 Message size exceeds fixed maximum message size",
	REASON_MESGTOOBIG, CLASS_PERMANENT},
    /* the mailbox is disabled */
    {"gmail disabled", "5.2.1",
	"550-5.2.1 The email account that you tried to reach is disabled",
	REASON_SUSPEND, CLASS_PERMANENT},
    {"generic inactive", "5.0.0",
	"550 5.0.0 Mailbox is inactive", REASON_SUSPEND,
	CLASS_PERMANENT},
    /* the sending IP */
    {"spamhaus via postfix", "5.7.1",
	"554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked "
	"using zen.spamhaus.org",
	REASON_BLOCKED, CLASS_PERMANENT},
    {"outlook banned ip", "5.7.1",
	"550 5.7.1 Unfortunately, messages from [192.0.2.1] weren't sent. "
	"Please contact your Internet service provider since part of their "
	"network is on our block list (S3150)",
	REASON_BLOCKED, CLASS_PERMANENT},
    {"ptr", "5.7.1",
	"550 5.7.1 Client host rejected: cannot find your reverse hostname, "
	"[192.0.2.1]",
	REASON_REQUIREPTR, CLASS_PERMANENT},
    {"gmail ptr", "5.7.25",
	"550-5.7.25 The IP address sending this message does not have a PTR "
	"record setup",
	REASON_REQUIREPTR, CLASS_PERMANENT},
    /* authentication of the sender's domain */
    {"gmail dmarc", "5.7.26",
	"550-5.7.26 Unauthenticated email from example.com is not accepted "
	"due to domain's DMARC policy",
	REASON_AUTHFAILURE, CLASS_PERMANENT},
    {"spf", "5.7.23",
	"550 5.7.23 The message was rejected because of Sender Policy "
	"Framework violation",
	REASON_AUTHFAILURE, CLASS_PERMANENT},
    /* content */
    {"gmail spam", "5.7.1",
	"550-5.7.1 Our system has detected that this message is likely "
	"unsolicited mail",
	REASON_SPAMDETECTED, CLASS_PERMANENT},
    {"virus", "5.7.1",
	"554 5.7.1 The message was rejected because it contains a virus",
	REASON_VIRUSDETECTED, CLASS_PERMANENT},
    {"gmail blocked attachment", "5.7.0",
	"552-5.7.0 This message was blocked because its content presents a "
	"potential security issue",
	REASON_POLICYVIOLATION, CLASS_PERMANENT},
    /* relaying */
    {"postfix relay", "5.7.1",
	"554 5.7.1 <" RCPT ">: Relay access denied", REASON_NORELAYING,
	CLASS_PERMANENT},
    {"exchange relay", "5.7.54",
	"550 5.7.54 SMTP; Unable to relay recipient in non-accepted domain",
	REASON_NORELAYING, CLASS_PERMANENT},
    /* rates and time */
    {"gmail rate", "4.2.1",
	"450-4.2.1 The user you are trying to contact is receiving mail at a "
	"rate that prevents additional messages from being delivered",
	REASON_SPEEDING, CLASS_TRANSIENT},
    {"too many connections", "4.7.0",
	"421 4.7.0 Too many concurrent SMTP connections; please try again "
	"later",
	REASON_TOOMANYCONN, CLASS_TRANSIENT},
    {"greylisting", "4.7.1",
	"450 4.7.1 <" RCPT ">: Recipient address rejected: Greylisted, see "
	"http://postgrey.schweikert.ch/help/example.org.html",
	REASON_BLOCKED, CLASS_TRANSIENT},
    {"postfix expired", "4.4.1",
	"connect to mx.example.org[192.0.2.1]:25: Connection timed out",
	REASON_EXPIRED, CLASS_TRANSIENT},
    {"exim retry", "5.0.0", "retry timeout exceeded", REASON_EXPIRED,
	CLASS_TRANSIENT},
    {"loop", "5.4.6",
	"554 5.4.6 Too many hops 26 (25 max): from <a@example.com> via "
	"mx.example.org, to <" RCPT ">",
	REASON_NETWORKERROR, CLASS_PERMANENT},
    /* the sender */
    {"sender domain", "5.1.8",
	"553 5.1.8 <sender@example.invalid>: Sender address rejected: "
	"Domain not found",
	REASON_REJECTED, CLASS_PERMANENT},
    {"microsoft banned ip", "5.7.606",
	"550 5.7.606 Access denied, banned sending IP [192.0.2.1]",
	REASON_BLOCKED, CLASS_PERMANENT},
    {"exchange online dbeb", "5.4.1",
	"550 5.4.1 Recipient address rejected: Access denied. "
	"AS(201806281)",
	REASON_USERUNKNOWN, CLASS_PERMANENT},
    {"gmail rfc 5322", "5.7.1",
	"550-5.7.1 [192.0.2.1] Our system has detected that this message is "
	"not RFC 5322 compliant",
	REASON_NOTCOMPLIANTRFC, CLASS_PERMANENT},
    {"gmail unauthenticated", "5.7.26",
	"550-5.7.26 This mail has been blocked because the sender is "
	"unauthenticated",
	REASON_AUTHFAILURE, CLASS_PERMANENT},
    {"starttls required", "5.7.0",
	"530 5.7.0 Must issue a STARTTLS command first",
	REASON_FAILEDSTARTTLS, CLASS_PERMANENT},
    {"sendmail addressee", "5.1.1",
	"550 5.1.1 <" RCPT ">... Addressee unknown, relay=[192.0.2.1]",
	REASON_USERUNKNOWN, CLASS_PERMANENT},
    {"moved", "5.1.6",
	"550 5.1.6 Recipient addresses in this domain have moved",
	REASON_HASMOVED, CLASS_PERMANENT},
    {"policy reasons", "5.7.9",
	"554 5.7.9 Message not accepted for policy reasons",
	REASON_POLICYVIOLATION, CLASS_PERMANENT},
    {"content filter spam", "5.7.1",
	"550 5.7.1 Message rejected as spam by Content Filtering",
	REASON_SPAMDETECTED, CLASS_PERMANENT},
    {"too many recipients", "5.5.3",
	"452 5.5.3 Too many recipients", REASON_TOOMANYCONN,
	CLASS_TRANSIENT},
    {"reputation", "5.7.1",
	"550 5.7.1 Rejected: the sending IP has a poor reputation",
	REASON_BADREPUTATION, CLASS_PERMANENT},
    {"8-bit header", "5.6.0",
	"554 5.6.0 Message contains 8-bit data in message header",
	REASON_CONTENTERROR, CLASS_PERMANENT},
    {"exchange recipient size", "5.2.3",
	"552 5.2.3 Message too large for this recipient",
	REASON_EXCEEDLIMIT, CLASS_PERMANENT},
    {"recipient filter", "5.7.1",
	"550 5.7.1 Message rejected by recipient's mail filter",
	REASON_FILTERED, CLASS_PERMANENT},
    {"procmail", "5.3.0",
	"550 5.3.0 Command died with status 1: \"/usr/bin/procmail\"",
	REASON_MAILERERROR, CLASS_PERMANENT},
    {"auth required", "5.7.0", "530 5.7.0 Authentication required",
	REASON_SECURITYERROR, CLASS_PERMANENT},
    {"syntax", "5.5.2", "501 5.5.2 Syntax error in parameters or arguments",
	REASON_SYNTAXERROR, CLASS_PERMANENT},
    {"nothing to go on", "5.0.0",
	"550 Please contact the administrator of this server",
	REASON_ONHOLD, CLASS_PERMANENT},
    /* answers in other languages */
    {"german", "5.0.0", "550 Unbekannter Empfänger", REASON_USERUNKNOWN,
	CLASS_PERMANENT},
    {"french", "5.0.0", "550 Utilisateur inconnu", REASON_USERUNKNOWN,
	CLASS_PERMANENT},
    {"spanish full", "5.0.0", "550 Buzón lleno", REASON_MAILBOXFULL,
	CLASS_TRANSIENT},
    {"chinese", "5.0.0", "550 用户不存在", REASON_USERUNKNOWN,
	CLASS_PERMANENT},
    {"chinese full", "5.0.0", "550 收件人邮箱已满", REASON_MAILBOXFULL,
	CLASS_TRANSIENT},
    /* the receiving system */
    {"system disk", "4.3.1",
	"452 4.3.1 Insufficient system storage", REASON_SYSTEMFULL,
	CLASS_TRANSIENT},
    {"local error", "4.3.0",
	"451 4.3.0 Error: queue file write error", REASON_SYSTEMERROR,
	CLASS_TRANSIENT},
    /* common replies from further MTAs, filters and providers */
    {"qmail rcpthosts", "5.7.1",
	"553 sorry, that domain isn't in my list of allowed rcpthosts "
	"(#5.7.1)",
	REASON_NORELAYING, CLASS_PERMANENT},
    {"gmail unauthenticated", "5.7.26",
	"550-5.7.26 This mail is unauthenticated, which poses a "
	"security risk to the sender and Gmail users, and has been "
	"blocked. The sender must authenticate with at least one of "
	"SPF or DKIM.",
	REASON_AUTHFAILURE, CLASS_PERMANENT},
    {"gmail spf", "5.7.27",
	"550-5.7.27 The sender domain does not pass SPF",
	REASON_AUTHFAILURE, CLASS_PERMANENT},
    {"spf spelled out", "5.7.1",
	"550 5.7.1 Sender Policy Framework (SPF) fail",
	REASON_AUTHFAILURE, CLASS_PERMANENT},
    {"microsoft banned sender", "5.7.511",
	"550 5.7.511 Access denied, banned sender[192.0.2.1]. To "
	"request removal from this list please forward this message to "
	"delist@messaging.microsoft.com.",
	REASON_BLOCKED, CLASS_PERMANENT},
    {"content filter", "5.7.1",
	"554 5.7.1 Message rejected because of unacceptable content. "
	"For help, please quote incident ID 12345.",
	REASON_SPAMDETECTED, CLASS_PERMANENT},
    {"exchange online dns domain", "5.4.310",
	"550 5.4.310 DNS domain example.invalid does not exist",
	REASON_HOSTUNKNOWN, CLASS_PERMANENT},
    {"temporary system failure", "4.3.0",
	"451 4.3.0 Temporary system failure. Please try again later.",
	REASON_SYSTEMERROR, CLASS_TRANSIENT},
    {"exchange restricted recipient", "5.7.1",
	"550 5.7.1 RESOLVER.RST.NotAuthorized; not authorized",
	REASON_FILTERED, CLASS_PERMANENT},
    {"banned attachment", "5.7.1",
	"554 5.7.1 This message has been blocked because it contains a "
	"banned attachment type",
	REASON_POLICYVIOLATION, CLASS_PERMANENT},
    {"amazon ses sandbox", "5.0.0",
	"550 Message rejected: Email address is not verified.",
	REASON_REJECTED, CLASS_PERMANENT},
    {"rfc 5321 551", "5.0.0",
	"551 User not local; please try <new@example.org>",
	REASON_HASMOVED, CLASS_PERMANENT},
    {"barracuda dnsbl", "5.0.0",
	"554 Service unavailable; Client host [192.0.2.1] blocked "
	"using Barracuda Reputation; "
	"http://www.barracudanetworks.com/reputation/?r=1&ip=192.0.2.1",
	REASON_BLOCKED, CLASS_PERMANENT},
    {"blackhole list", "5.7.1",
	"550 5.7.1 Mail from 192.0.2.1 refused by blackhole.example",
	REASON_BLOCKED, CLASS_PERMANENT},
    {"delivery not authorized", "5.7.1",
	"550 5.7.1 Delivery not authorized, message refused",
	REASON_FILTERED, CLASS_PERMANENT},
    {"rejected by this user", "5.7.1",
	"550 5.7.1 Your message was rejected by this user and was not "
	"delivered.",
	REASON_FILTERED, CLASS_PERMANENT},
    {"allow list only", "4.7.0",
	"421 4.7.0 IP not in whitelist for RCPT domain, closing "
	"connection.",
	REASON_BLOCKED, CLASS_TRANSIENT},
    {"invalid helo", "5.0.0",
	"550 Access denied - Invalid HELO name (See RFC2821 4.1.1.1)",
	REASON_BLOCKED, CLASS_PERMANENT},
    {"sending rate", "4.7.1",
	"451 4.7.1 Sending rate too high, try again later",
	REASON_SPEEDING, CLASS_TRANSIENT},
    {"gmail attachment", "5.7.0",
	"552-5.7.0 Our system detected an illegal attachment on your "
	"message.",
	REASON_POLICYVIOLATION, CLASS_PERMANENT},
    {"antivirus", "5.7.1",
	"554 5.7.1 Infected with Win.Trojan.Agent",
	REASON_VIRUSDETECTED, CLASS_PERMANENT},
    {"appears unsolicited", "5.0.0",
	"550 Mail appears to be unsolicited - contact postmaster if "
	"you believe this is not the case",
	REASON_SPAMDETECTED, CLASS_PERMANENT},
    {"recipient allow list", "5.7.1",
	"554 5.7.1 You are not allowed to send to this recipient",
	REASON_FILTERED, CLASS_PERMANENT},
    {"recipient not authorized", "5.7.1",
	"550 5.7.1 Recipient not authorized to receive mail from your "
	"domain",
	REASON_FILTERED, CLASS_PERMANENT},
    {"account expired", "5.0.0",
	"550 Account expired",
	REASON_SUSPEND, CLASS_PERMANENT},
    {"account closed", "5.0.0",
	"550 This account has been closed",
	REASON_SUSPEND, CLASS_PERMANENT},
    {"dns temporary failure", "4.4.0",
	"451 4.4.0 DNS temporary failure",
	REASON_NETWORKERROR, CLASS_TRANSIENT},
    {"maximum fixed size", "5.0.0",
	"552 Message exceeds maximum fixed size",
	REASON_MESGTOOBIG, CLASS_PERMANENT},
    {"bad sender", "5.7.0",
	"550 5.7.0 Bad sender",
	REASON_REJECTED, CLASS_PERMANENT},
    {"t-online", "5.0.0",
	"554 IP=192.0.2.1 - A problem occurred. (Ask your postmaster for "
	"help or to contact tosa@rx.t-online.de to clarify.)",
	REASON_BLOCKED, CLASS_PERMANENT},
    {"netease sender domain", "5.0.0",
	"550 MI:NMX 163 mx1 sender domain has no MX record",
	REASON_REJECTED, CLASS_PERMANENT},
    /* phrases of further reasons, each in a generic 5.0.0 report */
    {"mailbox holding too many messages", "5.0.0",
	"550 User has too many messages on the server",
	REASON_MAILBOXFULL, CLASS_TRANSIENT},
    {"sendmail local mailbox file", "5.0.0",
	"552 mail file size exceeds the maximum size allowed for mail "
	"delivery",
	REASON_MAILBOXFULL, CLASS_TRANSIENT},
    {"mailbox storage", "5.0.0",
	"552 5.2.2 Recipient rejected: mailbox would exceed maximum "
	"allowed storage",
	REASON_MAILBOXFULL, CLASS_TRANSIENT},
    {"refused, see url", "5.0.0",
	"550 Refused - see https://ipcheck.example.net/192.0.2.1",
	REASON_BLOCKED, CLASS_PERMANENT},
    {"not accepting from ip", "5.0.0",
	"554 We are not currently accepting mail from your IP address",
	REASON_BLOCKED, CLASS_PERMANENT},
    {"qmail badmailfrom", "5.0.0",
	"553 Sorry, your email address is in my badmailfrom list "
	"(#5.7.1)",
	REASON_REJECTED, CLASS_PERMANENT},
    {"batv", "5.0.0",
	"550 5.7.1 BATV validation failure, the bounce address is not "
	"valid",
	REASON_REJECTED, CLASS_PERMANENT},
    {"recipient not accepting", "5.0.0",
	"550 Delivery refused: the recipient is not accepting mail "
	"from your address",
	REASON_FILTERED, CLASS_PERMANENT},
    {"recipient preferences", "5.0.0",
	"554 5.7.1 Message refused due to recipient preferences",
	REASON_FILTERED, CLASS_PERMANENT},
    {"inactive mailbox", "5.0.0",
	"550 5.2.1 Due to extended inactivity new mail is not "
	"currently being accepted for this mailbox",
	REASON_SUSPEND, CLASS_PERMANENT},
    {"mail system lookup", "5.0.0",
	"451 Could not load DRD for domain example.org",
	REASON_SYSTEMERROR, CLASS_TRANSIENT},
    {"forwarding loop", "5.0.0",
	"554 5.4.6 Mail forwarding loop for user@example.org",
	REASON_NETWORKERROR, CLASS_TRANSIENT},
    {"not an open relay", "5.0.0",
	"550 5.7.1 Unable to relay: this is not an open relay",
	REASON_NORELAYING, CLASS_PERMANENT},
    {"credentials invalid", "5.0.0",
	"535 5.7.8 Authentication credentials invalid",
	REASON_SECURITYERROR, CLASS_PERMANENT},
    {"header size", "5.0.0",
	"552 5.6.0 Header size exceeds maximum permitted",
	REASON_CONTENTERROR, CLASS_PERMANENT},
    /* Postfix's access(5) prefix names no cause by itself: the words
     * after it decide, and only bare it means an unknown user */
    {"postfix prefix, access denied", "5.0.0",
	"554 <a@example.net>: Recipient address rejected: Access denied",
	REASON_SECURITYERROR, CLASS_PERMANENT},
    {"postfix prefix, policy", "5.0.0",
	"550 <a@example.net>: Recipient address rejected: refused by local "
	"policy",
	REASON_POLICYVIOLATION, CLASS_PERMANENT},
    {"postfix prefix alone", "5.0.0",
	"550 <a@example.net>: Recipient address rejected.",
	REASON_USERUNKNOWN, CLASS_PERMANENT},
    {"bad command sequence", "5.0.0",
	"503 5.5.1 Bad command sequence",
	REASON_SYNTAXERROR, CLASS_PERMANENT},
    {"content filter rejection", "5.0.0",
	"554 Message refused by content filter rejection rule",
	REASON_SPAMDETECTED, CLASS_PERMANENT},
    {"french connection limit", "5.0.0",
	"421 Trop de connexions, veuillez reessayer plus tard",
	REASON_TOOMANYCONN, CLASS_TRANSIENT},
    {"recipient deleted", "5.0.0",
	"550 Sorry, your envelope recipient has been deleted",
	REASON_USERUNKNOWN, CLASS_PERMANENT},
    {"not a known user", "5.0.0",
	"550 5.1.1 user@example.org is not a known user on this system",
	REASON_USERUNKNOWN, CLASS_PERMANENT},
    {"no account by that name", "5.0.0",
	"550 No account by that name here",
	REASON_USERUNKNOWN, CLASS_PERMANENT},
    {"directory lookup", "5.0.0",
	"550 Recipient not found in directory",
	REASON_USERUNKNOWN, CLASS_PERMANENT},
    {"spanish no such user", "5.0.0",
	"550 No existe ese usuario en este dominio",
	REASON_USERUNKNOWN, CLASS_PERMANENT},
    {"too many invalid recipients", "5.0.0",
	"452 4.5.3 Too many invalid recipients, closing connection",
	REASON_BLOCKED, CLASS_TRANSIENT},
};

#define NCASES (sizeof(cases) / sizeof(cases[0]))

static void
test_reply(void **state)
{
	const struct reply_case *c = *state;
	struct report *rep = NULL;
	struct verdict v;
	struct tbuf b;
	const char *err = NULL;
	unsigned char *copy;

	tbuf_init(&b);
	gen_dsn(&b, RCPT, c->status, c->diag, "<replies.1@example.com>");
	copy = exact_copy(b.p, b.len);
	assert_int_equal(report_parse(copy, b.len, &rep, &err), 0);
	assert_int_equal(rep->nrcpt, 1);
	assert_string_equal(rep->rcpt[0].recipient, RCPT);
	classify_rcpt(rep, &rep->rcpt[0], 0, &v);
	if (v.reason != c->reason || v.cls != c->cls)
		print_error("%s: \"%s\": got %s/%s (rule %s), want %s/%s\n",
		    c->who, c->diag, reason_name(v.reason), class_name(v.cls),
		    v.rule, reason_name(c->reason), class_name(c->cls));
	assert_int_equal(v.reason, c->reason);
	assert_int_equal(v.cls, c->cls);
	report_free(&rep);
	free(copy);
	tbuf_free(&b);
}

/* RFC 3464 2.3.3: a success report is no failure */
static void
test_delivered(void **state)
{
	struct report *rep = NULL;
	struct verdict v;
	struct tbuf b, c;
	const char *err;
	char *p;

	(void)state;
	tbuf_init(&b);
	tbuf_init(&c);
	gen_dsn(&b, RCPT, "2.0.0", "250 2.0.0 Ok: queued as 4XyZ",
	    "<replies.2@example.com>");
	p = strstr(b.p, "Action: failed");
	assert_non_null(p);
	tbuf_addn(&c, b.p, (size_t)(p - b.p));
	tbuf_add(&c, "Action: relayed");
	tbuf_add(&c, p + strlen("Action: failed"));
	assert_int_equal(report_parse((unsigned char *)c.p, c.len, &rep, &err), 0);
	assert_int_equal(rep->nrcpt, 1);
	classify_rcpt(rep, &rep->rcpt[0], 0, &v);
	assert_int_equal(v.reason, REASON_DELIVERED);
	assert_int_equal(v.cls, CLASS_IGNORE);
	report_free(&rep);
	tbuf_free(&b);
	tbuf_free(&c);
}

/* msg names RCPT alone, with this reason and class */
static void
expect_one(const char *msg, size_t len, enum reason reason,
    enum bounce_class cls)
{
	unsigned char *copy = exact_copy(msg, len);
	struct report *rep = NULL;
	struct verdict v;
	const char *err;

	assert_int_equal(report_parse(copy, len, &rep, &err), 0);
	assert_int_equal(rep->nrcpt, 1);
	assert_string_equal(rep->rcpt[0].recipient, RCPT);
	classify_rcpt(rep, &rep->rcpt[0], 0, &v);
	assert_int_equal(v.reason, reason);
	assert_int_equal(v.cls, cls);
	report_free(&rep);
	free(copy);
}

/* A report that says nothing at all, not even prose: undefined */
static void
test_undefined(void **state)
{
	static const char msg[] =
	    "From: MAILER-DAEMON@mx.example.net\n"
	    "Subject: Delivery Status Notification\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: multipart/report; report-type=delivery-status;\n"
	    "\tboundary=\"d\"\n\n"
	    "--d\nContent-Type: message/delivery-status\n\n"
	    "Reporting-MTA: dns; mx.example.net\n\n"
	    "Final-Recipient: rfc822; " RCPT "\nAction: failed\n"
	    "Status: 5.0.0\n\n--d--\n";

	(void)state;
	expect_one(msg, sizeof(msg) - 1, REASON_UNDEFINED, CLASS_PERMANENT);
}

/* RFC 5965: a complaint names the complaining recipient */
static void
test_feedback(void **state)
{
	static const char msg[] =
	    "From: abuse@isp.example.net\n"
	    "To: fbl@example.com\n"
	    "Subject: FW: newsletter\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: multipart/report; report-type=feedback-report;\n"
	    "\tboundary=\"arf\"\n\n"
	    "--arf\nContent-Type: text/plain\n\nA complaint.\n\n"
	    "--arf\nContent-Type: message/feedback-report\n\n"
	    "Feedback-Type: abuse\nUser-Agent: FBL/1.0\nVersion: 1\n"
	    "Original-Rcpt-To: " RCPT "\n\n"
	    "--arf\nContent-Type: text/rfc822-headers\n\n"
	    "From: news@example.com\nTo: " RCPT "\n"
	    "Message-ID: <news.1@example.com>\n\n--arf--\n";

	(void)state;
	expect_one(msg, sizeof(msg) - 1, REASON_FEEDBACK, CLASS_COMPLAINT);
}

/* RFC 3834: an auto-reply is recorded, never a failure */
static void
test_vacation(void **state)
{
	static const char msg[] =
	    "From: Someone <" RCPT ">\n"
	    "To: sender@example.com\n"
	    "Subject: Out of office: your question\n"
	    "Auto-Submitted: auto-replied\n"
	    "In-Reply-To: <question.1@example.com>\n\n"
	    "I am away until Monday.\n";

	(void)state;
	expect_one(msg, sizeof(msg) - 1, REASON_VACATION, CLASS_IGNORE);
}

/* Every reason of the vocabulary has a case in this file. */
static void
test_every_reason_tested(void **state)
{
	bool seen[REASON_COUNT] = { false };
	size_t i;
	int r, missing = 0;

	(void)state;
	for (i = 0; i < NCASES; i++)
		seen[cases[i].reason] = true;
	seen[REASON_DELIVERED] = seen[REASON_FEEDBACK] =
	    seen[REASON_VACATION] = seen[REASON_UNDEFINED] =
		true; /* the four tests above */
	for (r = 0; r < REASON_COUNT; r++) {
		if (!seen[r]) {
			print_error("reason %s has no test case\n",
			    reason_name((enum reason)r));
			missing++;
		}
	}
	assert_int_equal(missing, 0);
}

int
main(void)
{
	struct CMUnitTest tests[NCASES + 5];
	static char names[NCASES][96];
	size_t i;

	for (i = 0; i < NCASES; i++) {
		snprintf(names[i], sizeof(names[i]), "reply%02zu/%s", i + 1,
		    cases[i].who);
		tests[i] = (struct CMUnitTest){ names[i], test_reply, NULL, NULL,
			(void *)(uintptr_t)&cases[i] };
	}
	tests[NCASES] = (struct CMUnitTest)cmocka_unit_test(test_delivered);
	tests[NCASES + 1] = (struct CMUnitTest)cmocka_unit_test(test_feedback);
	tests[NCASES + 2] = (struct CMUnitTest)cmocka_unit_test(test_vacation);
	tests[NCASES + 3] = (struct CMUnitTest)cmocka_unit_test(test_undefined);
	tests[NCASES + 4] =
	    (struct CMUnitTest)cmocka_unit_test(test_every_reason_tested);
	return _cmocka_run_group_tests("replies", tests, NCASES + 5, NULL,
	    NULL);
}
