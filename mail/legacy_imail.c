/*
 * Ipswitch IMail Server: "Subject: Undeliverable Mail", "X-Mailer: <SMTP32
 * v8.22>" (its SMTP32 service), one line per recipient naming the error
 * before the address ("Unknown user: a@b", "undeliverable to a@b"), the
 * remote server's words after "Body of message generated response:",
 * and the message after "Original message follows.". Layout, signatures
 * and the texts' reasons: sisimai lib/Sisimai/Lhost/IMailServer.pm
 * (BSD-2).
 */
#include "legacy.h"

#include <string.h>

#include "common/strutil.h"

static const char *const intro[] = {
	"Unknown user:",
	"Invalid final delivery userid:",
	"User mailbox exceeds allowed size:",
	"Unknown host:",
	"Requested action not taken: virus detected:",
	"undeliverable to",
	"Delivery failed",
	NULL,
};

static const struct legacy_hint hints[] = {
	{ "Unknown host", "hostunknown" },
	{ "Unknown user", "userunknown" },
	{ "Invalid final delivery userid", "userunknown" },
	{ "User mailbox exceeds allowed size", "mailboxfull" },
	{ "Requested action not taken: virus detected", "virusdetected" },
	/* "Delivery failed 20 attempts": the retries ran out */
	{ "Delivery failed ", "expired" },
	{ NULL, NULL },
};

static bool
imail_match(struct report *rep, const struct mail_message *msg,
    const char *text, size_t len)
{
	const char *s = rep->subject;

	(void)text;
	(void)len;
	if (s != NULL && ci_starts(s, strlen(s), "Undeliverable Mail"))
		return true;
	return legacy_header_has(msg, "X-Mailer", "<SMTP32 v");
}

const struct legacy_family legacy_family_imail = {
	.name = "imail",
	.intro = intro,
	.match = imail_match,
	.hints = hints,
};
