/* qmail-send and its descendants (netqmail, s/qmail, vpopmail). */
#include "legacy.h"

static const char *const subject[] = { "failure notice", NULL };
static const char *const body[] = {
	"This is the qmail-send program",
	"I'm afraid I wasn't able to deliver your message",
	"I'm sorry to have to inform you that your message could not",
	NULL,
};
static const char *const start[] = {
	"I'm afraid I wasn't able to deliver your message",
	"I'm sorry to have to inform you that your message could not",
	"This is a permanent error; I've given up",
	"Sorry it didn't work out.",
	NULL,
};
static const char *const end[] = {
	"--- Below this line is a copy of the message",
	"--- Enclosed is a copy of the message",
	"--- Below this line is the original bounce",
	NULL,
};

const struct legacy_family legacy_family_qmail = {
	.name = "qmail",
	.subject = subject,
	.body = body,
	.start = start,
	.end = end,
};
