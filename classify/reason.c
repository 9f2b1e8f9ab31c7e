#include "reason.h"

#include <string.h>

/*
 * The one registry of reasons, indexed by enum reason: name, meaning,
 * advice, class, hardness and the RFC 3463 code a reason implies when a
 * report has none (a representative one: RFC 3463 3.x; 4.x.x when the
 * failure was temporary). test_reason walks it for gaps and duplicates.
 */
static const struct reason_info reasons[REASON_COUNT] = {
	[REASON_UNDEFINED] = { "undefined",
	    "the report gives no reason that could be recognised",
	    "read the diagnostic; send again later if it looks temporary",
	    CLASS_PERMANENT,
	    HARD_NEVER, NULL, NULL },
	[REASON_AUTHFAILURE] = { "authfailure",
	    "the receiver rejected the message for failing SPF, DKIM or DMARC",
	    "fix the sending domain's SPF, DKIM and DMARC records",
	    CLASS_PERMANENT,
	    HARD_NEVER, "5.7.26", "4.7.26" },
	[REASON_BADREPUTATION] = { "badreputation",
	    "the receiver refused the sending IP or domain for its reputation",
	    "slow down, clean the list, and check the sender's reputation",
	    CLASS_PERMANENT,
	    HARD_NEVER, NULL, NULL },
	[REASON_BLOCKED] = { "blocked",
	    "the sending IP address is on a block list or refused",
	    "check block lists for the sending IP and ask for removal",
	    CLASS_PERMANENT,
	    HARD_NEVER, "5.7.1", "4.7.1" },
	[REASON_CONTENTERROR] = { "contenterror",
	    "the message content or format was refused",
	    "check the message's headers, MIME structure and encoding",
	    CLASS_PERMANENT,
	    HARD_NEVER, "5.6.0", "4.6.0" },
	[REASON_DELIVERED] = { "delivered",
	    "the message was delivered (a success report)",
	    "nothing to do", CLASS_IGNORE,
	    HARD_NEVER, "2.0.0", "2.0.0" },
	[REASON_EXCEEDLIMIT] = { "exceedlimit",
	    "the message exceeded a limit the receiver sets for this "
	    "recipient (RFC 3463 X.2.3)",
	    "reduce recipients or size and send again", CLASS_PERMANENT,
	    HARD_NEVER, "5.2.3", "4.2.3" },
	[REASON_EXPIRED] = { "expired",
	    "delivery timed out: the sending server gave up after retrying",
	    "the receiving server was overloaded or unreachable; wait a while "
	    "and send again",
	    CLASS_TRANSIENT,
	    HARD_NEVER, "5.4.7", "4.4.7" },
	[REASON_FAILEDSTARTTLS] = { "failedstarttls",
	    "the TLS handshake required for delivery failed",
	    "check the TLS setup of both servers", CLASS_PERMANENT,
	    HARD_NEVER, "5.7.10", "4.7.10" },
	[REASON_FEEDBACK] = { "feedback",
	    "the recipient reported the message as spam (a complaint)",
	    "stop sending to this recipient", CLASS_COMPLAINT,
	    HARD_NEVER, NULL, NULL },
	[REASON_FILTERED] = { "filtered",
	    "the recipient's filter or settings refused the message",
	    "the recipient refuses this mail; do not resend", CLASS_PERMANENT,
	    HARD_NEVER, "5.2.0", "4.2.0" },
	[REASON_HASMOVED] = { "hasmoved",
	    "the recipient has moved to another address",
	    "update the address to the new one the report names",
	    CLASS_PERMANENT,
	    HARD_ALWAYS, "5.1.6", "4.1.6" },
	[REASON_HOSTUNKNOWN] = { "hostunknown",
	    "the recipient's domain does not exist or accepts no mail",
	    "check the domain part of the address for typing errors",
	    CLASS_PERMANENT,
	    HARD_ALWAYS, "5.1.2", "4.1.2" },
	[REASON_MAILBOXFULL] = { "mailboxfull",
	    "the recipient's mailbox is full or over its quota",
	    "the recipient must make room; send again later",
	    CLASS_TRANSIENT,
	    HARD_NEVER, "5.2.2", "4.2.2" },
	[REASON_MAILERERROR] = { "mailererror",
	    "a program on the receiving side failed to deliver",
	    "the fault is at the receiving server; send again later or tell "
	    "its postmaster",
	    CLASS_PERMANENT,
	    HARD_NEVER, "5.3.0", "4.3.0" },
	[REASON_MESGTOOBIG] = { "mesgtoobig",
	    "the message is larger than the receiver accepts",
	    "send a smaller message: split large attachments over several "
	    "messages or share a link",
	    CLASS_PERMANENT,
	    HARD_NEVER, "5.3.4", "4.3.4" },
	[REASON_NETWORKERROR] = { "networkerror",
	    "a network or routing fault, such as a mail loop or a DNS failure",
	    "if a mail loop: the recipient's forwarding is broken and nothing "
	    "helps until it is fixed; otherwise send again later",
	    CLASS_TRANSIENT,
	    HARD_NEVER, "5.4.6", "4.4.6" },
	[REASON_NORELAYING] = { "norelaying",
	    "a server refused to relay the message (relay access denied)",
	    "the fault is on the sending side: check the sending server's "
	    "relay and authentication settings",
	    CLASS_PERMANENT,
	    HARD_NEVER, "5.7.1", "4.7.1" },
	[REASON_NOTACCEPT] = { "notaccept",
	    "the receiving domain accepts no mail (null MX, no server)",
	    "remove the address; the domain takes no mail", CLASS_PERMANENT,
	    HARD_IF_PERMANENT, "5.1.10", "4.1.10" },
	[REASON_NOTCOMPLIANTRFC] = { "notcompliantrfc",
	    "the message does not comply with the RFCs (e.g. duplicate headers)",
	    "fix the message's headers", CLASS_PERMANENT,
	    HARD_NEVER, NULL, NULL },
	[REASON_ONHOLD] = { "onhold",
	    "the reason could not be decided yet; the message is held",
	    "read the diagnostic", CLASS_PERMANENT,
	    HARD_NEVER, NULL, NULL },
	[REASON_POLICYVIOLATION] = { "policyviolation",
	    "the message broke a policy of the receiver's",
	    "read the receiver's policy in the diagnostic", CLASS_PERMANENT,
	    HARD_NEVER, "5.7.0", "4.7.0" },
	[REASON_REJECTED] = { "rejected",
	    "the receiver refused the envelope sender",
	    "check the sender address and its domain", CLASS_PERMANENT,
	    HARD_NEVER, "5.1.8", "4.1.8" },
	[REASON_REQUIREPTR] = { "requireptr",
	    "the sending IP has no or a mismatching reverse DNS (PTR) record",
	    "set a PTR record for the sending IP that matches its name",
	    CLASS_PERMANENT,
	    HARD_NEVER, "5.7.25", "4.7.25" },
	[REASON_SECURITYERROR] = { "securityerror",
	    "authentication or a security check failed",
	    "check the sending server's credentials and security settings",
	    CLASS_PERMANENT,
	    HARD_NEVER, "5.7.0", "4.7.0" },
	[REASON_SPAMDETECTED] = { "spamdetected",
	    "the receiver judged the message to be spam",
	    "review the content and the sender's reputation", CLASS_PERMANENT,
	    HARD_NEVER, "5.7.1", "4.7.1" },
	[REASON_SPEEDING] = { "speeding",
	    "the receiver rate-limited the sender",
	    "send more slowly; resend later", CLASS_TRANSIENT,
	    HARD_NEVER, "4.7.0", "4.7.0" },
	[REASON_SUSPEND] = { "suspend",
	    "the recipient's mailbox is disabled or suspended",
	    "stop sending until the recipient reactivates the mailbox",
	    CLASS_PERMANENT,
	    HARD_NEVER, "5.2.1", "4.2.1" },
	[REASON_SYNTAXERROR] = { "syntaxerror",
	    "an SMTP command had a syntax error",
	    "fix the sending software", CLASS_PERMANENT,
	    HARD_NEVER, "5.5.2", "4.5.2" },
	[REASON_SYSTEMERROR] = { "systemerror",
	    "the receiving system had an error",
	    "send again later; tell the receiver's postmaster if it lasts",
	    CLASS_TRANSIENT,
	    HARD_NEVER, "5.3.5", "4.3.5" },
	[REASON_SYSTEMFULL] = { "systemfull",
	    "the receiving system's disk is full",
	    "send again later", CLASS_TRANSIENT,
	    HARD_NEVER, "5.3.1", "4.3.1" },
	[REASON_TOOMANYCONN] = { "toomanyconn",
	    "too many connections, recipients or messages at once",
	    "send more slowly; resend later", CLASS_TRANSIENT,
	    HARD_NEVER, "4.7.0", "4.7.0" },
	[REASON_USERUNKNOWN] = { "userunknown",
	    "the mailbox does not exist at the receiving domain",
	    "check the address; if it is right the mailbox is probably retired. "
	    "One resend can rule out a passing fault at the receiving server",
	    CLASS_PERMANENT,
	    HARD_ALWAYS, "5.1.1", "4.1.1" },
	[REASON_VACATION] = { "vacation",
	    "an automatic reply (RFC 3834), not a bounce",
	    "nothing to do", CLASS_IGNORE,
	    HARD_NEVER, NULL, NULL },
	[REASON_VIRUSDETECTED] = { "virusdetected",
	    "the receiver found a virus in the message",
	    "check the attachments", CLASS_PERMANENT,
	    HARD_NEVER, "5.7.1", "4.7.1" },
};

const struct reason_info *
reason_info(enum reason r)
{
	if ((unsigned)r >= REASON_COUNT)
		r = REASON_UNDEFINED;
	return &reasons[r];
}

const char *
reason_name(enum reason r)
{
	return reason_info(r)->name;
}

enum reason
reason_from_name(const char *name)
{
	int i;

	for (i = 0; i < REASON_COUNT; i++) {
		if (reasons[i].name != NULL && strcmp(reasons[i].name, name) == 0)
			return (enum reason)i;
	}
	return REASON_COUNT;
}

const char *
class_name(enum bounce_class c)
{
	switch (c) {
	case CLASS_PERMANENT:
		return "permanent";
	case CLASS_TRANSIENT:
		return "transient";
	case CLASS_COMPLAINT:
		return "complaint";
	case CLASS_IGNORE:
		return "ignore";
	}
	return "permanent";
}
