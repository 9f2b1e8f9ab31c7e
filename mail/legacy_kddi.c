/*
 * KDDI's au one net / ezweb gateways (Japan): "Your mail sent on: <date>"
 * then "Could not be delivered to: <a@b>" and the reason on the next line
 * ("As their mailbox is full."), under a Japanese preface.
 */
#include "legacy.h"

static const char *const body[] = { "Your mail sent on:", NULL };
static const char *const intro[] = { "Could not be delivered to:", NULL };

const struct legacy_family legacy_family_kddi = {
	.name = "kddi",
	.body = body,
	.intro = intro,
};
