/*
 * The catch-all: a message from a mailer daemon, or with a bounce subject,
 * read with the generic scanner from the first line that introduces the
 * failed recipients. Comes last in legacy_families[].
 */
#include "legacy.h"

#include <string.h>

#include "common/strutil.h"

static const char *const from[] = {
	"mailer-daemon", "postmaster", "mail delivery", "mail.delivery",
	"mailerdaemon", "mail administrator", "mdaemon", NULL,
};
static const char *const subject[] = {
	"undeliver", "undelivered", "returned mail", "delivery fail",
	"delivery status notification", "failure notice", "failed delivery",
	"could not be delivered", "non-deliver", "nondeliver", "mail failure",
	"delivery problem", "delivery report", "not delivered", "bounced",
	"rejected", "mail system error", NULL,
};

const struct legacy_family legacy_family_generic = {
	.name = "generic",
	.from = from,
};

const struct legacy_family legacy_family_generic_subject = {
	.name = "generic",
	.subject = subject,
};

/*
 * Sentences that announce the failed addresses in bounces of MTAs no
 * family above knows: sisimai lib/Sisimai/RFC3464.pm (its fallback's
 * "The following recipients returned permanent errors:", "Your message
 * was not delivered to the following recipients"), Lhost/X3.pm
 * ("Delivery to the following recipients failed permanently:"),
 * Lhost/Exchange2007.pm ("Delivery has failed to these recipients or
 * groups:"), Sendmail's savemail.c ("The following addresses had
 * permanent fatal errors"), Lhost/X1.pm ("---The following addresses
 * had delivery errors---"), Lhost/MessagingServer.pm ("Your message
 * cannot be delivered to the following recipients:").
 */
static const char *const announce[] = {
	"The following recipients returned permanent errors",
	"was not delivered to the following recipient",
	"could not be delivered to the following recipient",
	"could not be delivered to the following address",
	"cannot be delivered to the following recipient",
	"Delivery to the following recipients failed",
	"Delivery to the following recipient failed",
	"Delivery has failed to these recipients",
	"The following addresses had permanent fatal errors",
	"The following addresses had permanent delivery errors",
	"The following addresses had delivery errors",
	NULL,
};

/* The sentence alone, but not in a person's reply to or forward of one. */
static bool
announce_match(struct report *rep, const struct mail_message *msg,
    const char *text, size_t len)
{
	const char *const *a, *s = rep->subject;

	(void)msg;
	if (s != NULL && (ci_starts(s, strlen(s), "Re:") ||
			     ci_starts(s, strlen(s), "Fw")))
		return false;
	for (a = announce; *a != NULL; a++) {
		if (ci_find(text, len, *a) != NULL)
			return true;
	}
	return false;
}

const struct legacy_family legacy_family_generic_announce = {
	.name = "generic",
	.match = announce_match,
	.parse = legacy_scan_announced,
};
