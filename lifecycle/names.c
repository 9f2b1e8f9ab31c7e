/*
 * One name table per lifecycle enum: the words stored in the database's
 * rows (docs/schema.md), printed by bouncectl and written to the log.
 * Nothing inside the program compares these names.
 */
#include <stddef.h>
#include <string.h>

#include "lifecycle.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char *const state_names[STATE_COUNT] = {
	[STATE_ACTIVE] = "active",
	[STATE_SOFT] = "soft",
	[STATE_SUPPRESSED] = "suppressed",
};
static const char *const override_names[OVERRIDE_COUNT] = {
	[OVERRIDE_NONE] = NULL,
	[OVERRIDE_SUPPRESSED] = "suppressed",
	[OVERRIDE_UNSUPPRESSED] = "unsuppressed",
};
static const char *const action_names[ACTION_COUNT] = {
	[ACTION_NONE] = NULL,
	[ACTION_FAILED] = "failed",
	[ACTION_DELAYED] = "delayed",
	[ACTION_DELIVERED] = "delivered",
	[ACTION_RELAYED] = "relayed",
	[ACTION_EXPANDED] = "expanded",
};
static const char *const feedback_names[FEEDBACK_COUNT] = {
	[FEEDBACK_NONE] = NULL,
	[FEEDBACK_ABUSE] = "abuse",
	[FEEDBACK_FRAUD] = "fraud",
	[FEEDBACK_VIRUS] = "virus",
	[FEEDBACK_OTHER] = "other",
	[FEEDBACK_NOT_SPAM] = "not-spam",
	[FEEDBACK_AUTH_FAILURE] = "auth-failure",
};
static const char *const auth_names[AUTH_COUNT] = {
	[AUTH_UNVERIFIED] = "unverified",
	[AUTH_VERIFIED_TAG] = "verified_tag",
	[AUTH_VERIFIED_SENT] = "verified_sent",
	[AUTH_FORGED] = "forged",
};
static const char *const effect_names[EFFECT_COUNT] = {
	[EFFECT_RECORDED] = "recorded",
	[EFFECT_SOFT] = "soft",
	[EFFECT_SUPPRESSED] = "suppressed",
	[EFFECT_RESET] = "reset",
	[EFFECT_OVERRIDDEN] = "overridden",
	[EFFECT_CONFIRMING] = "confirming",
	[EFFECT_SENDER] = "sender",
	[EFFECT_WITHDRAWN] = "withdrawn",
	[EFFECT_UNVERIFIED] = "unverified",
};
static const char *const event_names[EVENT_COUNT] = {
	[EVENT_HARD] = "hard",
	[EVENT_COMPLAINT] = "complaint",
	[EVENT_SOFT] = "soft",
	[EVENT_SENDER] = "sender",
	[EVENT_UNVERIFIED] = "unverified",
	[EVENT_IGNORED] = "ignored",
	[EVENT_DELIVERED] = "delivered",
	[EVENT_NOT_SPAM] = "not-spam",
};
static const char *const kind_names[KIND_COUNT] = {
	[KIND_TRANSIENT] = "transient",
	[KIND_CONFIRM] = "confirm",
};
static const char *const resend_state_names[RESEND_STATE_COUNT] = {
	[RESEND_PENDING] = "pending",
	[RESEND_SENT] = "sent",
	[RESEND_DEFERRED] = "deferred",
	[RESEND_FAILED] = "failed",
	[RESEND_GAVE_UP] = "gave_up",
	[RESEND_CANNOT] = "cannot_resend",
	[RESEND_CANCELLED] = "cancelled",
};
static const char *const outcome_names[OUTCOME_COUNT] = {
	[OUTCOME_SENT] = "sent",
	[OUTCOME_DEFERRED] = "deferred",
	[OUTCOME_FAILED] = "failed",
	[OUTCOME_GAVE_UP] = "gave_up",
	[OUTCOME_CANNOT] = "cannot_resend",
	[OUTCOME_BOUNCED] = "bounced",
};

static const char *
name(const char *const *t, size_t n, unsigned v)
{
	return v < n ? t[v] : NULL;
}

/* -1 when unknown; NULL and "" are the table's NULL entry, if any. */
static int
lookup(const char *const *t, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i] == NULL ? s == NULL || *s == '\0' :
		    s != NULL && strcmp(t[i], s) == 0)
			return (int)i;
	return -1;
}

#define NAMES(fn, fromfn, type, table)                                        \
	const char *fn(type v)                                                 \
	{                                                                      \
		return name(table, N(table), (unsigned)v);                     \
	}                                                                      \
	int fromfn(const char *s)                                              \
	{                                                                      \
		return lookup(table, N(table), s);                             \
	}

NAMES(rcpt_state_name, rcpt_state_from_name, enum rcpt_state, state_names)
NAMES(rcpt_override_name, rcpt_override_from_name, enum rcpt_override,
    override_names)
NAMES(dsn_action_name, dsn_action_from_name, enum dsn_action, action_names)
NAMES(authenticity_name, authenticity_from_name, enum authenticity,
    auth_names)
NAMES(resend_kind_name, resend_kind_from_name, enum resend_kind, kind_names)
NAMES(resend_state_name, resend_state_from_name, enum resend_state,
    resend_state_names)
NAMES(resend_outcome_name, resend_outcome_from_name, enum resend_outcome,
    outcome_names)

const char *
feedback_name(enum feedback f)
{
	return name(feedback_names, N(feedback_names), (unsigned)f);
}

enum feedback
feedback_from_name(const char *s)
{
	int i = lookup(feedback_names, N(feedback_names), s);

	return i < 0 ? FEEDBACK_OTHER : (enum feedback)i;
}

const char *
lc_effect_name(enum lc_effect e)
{
	return name(effect_names, N(effect_names), (unsigned)e);
}

const char *
rcpt_event_name(enum rcpt_event e)
{
	return name(event_names, N(event_names), (unsigned)e);
}
