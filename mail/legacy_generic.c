/*
 * The catch-all: a message from a mailer daemon, or with a bounce subject,
 * read with the generic scanner from the first line that introduces the
 * failed recipients. Comes last in legacy_families[].
 */
#include "legacy.h"

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
