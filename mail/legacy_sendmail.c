/* Sendmail's plain-text returns (V8 without DSN, and V5). */
#include "legacy.h"

static const char *const subject[] = { "Returned mail:", NULL };
static const char *const body[] = {
	"----- Transcript of session follows -----",
	"----- The following addresses had permanent fatal errors -----",
	NULL,
};
static const char *const start[] = {
	"----- The following addresses had permanent fatal errors -----",
	"----- Transcript of session follows -----",
	NULL,
};
static const char *const end[] = {
	"----- Original message follows -----",
	"----- Unsent message follows -----",
	"----- Message header follows -----",
	"-----Unsent message follows-----",
	NULL,
};

const struct legacy_family legacy_family_sendmail = {
	.name = "sendmail",
	.subject = subject,
	.body = body,
	.start = start,
	.end = end,
};
