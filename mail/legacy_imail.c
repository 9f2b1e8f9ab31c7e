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

/*
 * IMail names other errors the same way, "<error text>: <address>" (the
 * line sisimai IMailServer.pm accepts: ": " past the 8th column, an
 * address after it): those the intro phrases do not know.
 */
static size_t
aligned_lines(struct report *rep, size_t n0, char *text, size_t len)
{
	size_t pos = 0, ll, added = 0, alen;
	const char *l, *c, *as, *a;
	struct report_rcpt *r;

	while (str_line(text, len, &pos, &l, &ll)) {
		for (c = l + ll; c > l + 8 && !(c[-2] == ':' && c[-1] == ' ');
		     c--)
			;
		if (c <= l + 8 || !find_address(c, ll - (size_t)(c - l), &as,
				      &alen) ||
		    as - c > 1 || as + alen + 1 < l + ll)
			continue;
		a = report_address(&rep->arena, as, alen);
		if (a == NULL || legacy_find_rcpt(rep, n0, a) != NULL ||
		    (r = report_add_rcpt(rep)) == NULL)
			continue;
		r->recipient = a;
		legacy_append(&rep->arena, &r->diagnostic, l, (size_t)(c - l));
		/* read: blank for the scanner that comes next */
		memset(text + (l - text), ' ', ll);
		added++;
	}
	return added;
}

static size_t
imail_parse(struct report *rep, const char *text, size_t len)
{
	/* one line per recipient first: the scanner would read the next
	 * such line as the reason of the one before */
	char *copy = arena_strndup(&rep->arena, text, len);
	size_t n = aligned_lines(rep, rep->nrcpt, copy, len);

	return n + legacy_scan_intro(rep, copy, len, intro);
}

static bool
imail_match(struct report *rep, const struct mail_message *msg,
    const char *text, size_t len)
{
	const char *s = rep->subject;

	if (s != NULL && ci_starts(s, strlen(s), "Undeliverable Mail"))
		return true;
	/* IMail sends all its mail with this X-Mailer: only a notice that
	 * returns a message is a bounce, or any "Contact: a@b" line would
	 * be read as a failed recipient */
	return legacy_header_has(msg, "X-Mailer", "<SMTP32 v") &&
	    ci_find(text, len, "Original message follows") != NULL;
}

const struct legacy_family legacy_family_imail = {
	.name = "imail",
	.parse = imail_parse,
	.match = imail_match,
	.hints = hints,
};
