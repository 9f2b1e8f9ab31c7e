/*
 * Trend Micro InterScan MSS: either the SMTP exchange, "Sent <<< RCPT
 * TO:<a@b>" followed by "Received >>> 550 ...", or "Reason: Unable to
 * deliver message to <a@b>".
 */
#include "legacy.h"

static const char *const from[] = { "InterScan", NULL };
static const char *const body[] = {
	"Message from InterScan Messaging Security Suite",
	"Sent <<< RCPT TO:",
	NULL,
};
static const char *const intro[] = {
	"Sent <<< RCPT TO:",
	"Unable to deliver message to",
	NULL,
};
static const char *const end[] = { "*****     End of message     *****", NULL };

const struct legacy_family legacy_family_interscan = {
	.name = "interscan",
	.from = from,
	.body = body,
	.intro = intro,
	.end = end,
};
