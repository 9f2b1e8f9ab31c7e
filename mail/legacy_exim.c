/* Exim's bounce text (deliver.c "A message that you sent could not be"). */
#include "legacy.h"

static const char *const headers[] = { "X-Failed-Recipients", NULL };
static const char *const body[] = {
	"This message was created automatically by mail delivery software",
	NULL,
};
static const char *const start[] = {
	"The following address(es) failed:",
	"could not be delivered to one or more of its",
	"following address(es) failed",
	"Message not sent",
	"delivery to the following",
	NULL,
};
/* the dashes around these vary between Exim versions (5 or 6) */
static const char *const end[] = {
	"- This is a copy of the message",
	"- This is a copy of the body of the message",
	"Reporting-MTA:",
	NULL,
};

const struct legacy_family legacy_family_exim = {
	.name = "exim",
	.headers = headers,
	.body = body,
	.start = start,
	.end = end,
};
