/* The outbox's decisions (outbox.h). */
#include <stddef.h>
#include <string.h>

#include "lifecycle/outbox.h"

static const char *const kind_names[OUTBOX_COUNT] = {
	[OUTBOX_NONE] = NULL,
	[OUTBOX_SUPPRESSED] = "suppressed",
	[OUTBOX_UNSUPPRESSED] = "unsuppressed",
	[OUTBOX_COMPLAINT] = "complaint",
	[OUTBOX_SOFT_LIMIT] = "soft_limit",
	[OUTBOX_RESEND_SENT] = "resend_sent",
	[OUTBOX_RESEND_GAVE_UP] = "resend_gave_up",
};

static const char *const source_names[OUTBOX_SOURCE_COUNT] = {
	[OUTBOX_FROM_BOUNCE] = "bounce",
	[OUTBOX_FROM_PERSON] = "person",
	[OUTBOX_FROM_RESEND] = "resend",
};

static const char *const state_names[OUTBOX_STATE_COUNT] = {
	[OUTBOX_PENDING] = "pending",
	[OUTBOX_DELIVERED] = "delivered",
	[OUTBOX_DEAD] = "dead",
	[OUTBOX_SKIPPED] = "skipped",
};

enum outbox_kind
outbox_bounce_kind(enum rcpt_state before, const struct lc_result *res)
{
	if (res->event == EVENT_COMPLAINT)
		return OUTBOX_COMPLAINT;
	switch (res->effect) {
	case EFFECT_SUPPRESSED:
		if (before == STATE_SUPPRESSED)
			return OUTBOX_NONE; /* counted, no change */
		return res->event == EVENT_SOFT ? OUTBOX_SOFT_LIMIT :
		    OUTBOX_SUPPRESSED;
	case EFFECT_WITHDRAWN:
		return OUTBOX_UNSUPPRESSED;
	default:
		return OUTBOX_NONE;
	}
}

enum outbox_kind
outbox_override_kind(enum rcpt_state before, enum rcpt_override o)
{
	if (o == OVERRIDE_SUPPRESSED && before != STATE_SUPPRESSED)
		return OUTBOX_SUPPRESSED;
	if (o == OVERRIDE_UNSUPPRESSED && before == STATE_SUPPRESSED)
		return OUTBOX_UNSUPPRESSED;
	return OUTBOX_NONE;
}

enum outbox_kind
outbox_resend_kind(enum resend_state before, enum resend_outcome o,
    enum resend_state after)
{
	/* a copy went out, even of a row a person cancelled meanwhile
	 * (lifecycle_resend_state()) */
	if (o == OUTCOME_SENT && before != RESEND_SENT)
		return OUTBOX_RESEND_SENT;
	if (before == after)
		return OUTBOX_NONE;
	if (after == RESEND_GAVE_UP)
		return OUTBOX_RESEND_GAVE_UP;
	return OUTBOX_NONE;
}

unsigned
outbox_delay(const struct outbox_retry *r, unsigned attempts, uint32_t rnd)
{
	uint64_t d = r->base > 0 ? r->base : 1;
	unsigned i;

	for (i = 1; i < attempts && d < r->cap; i++)
		d *= 2;
	if (d > r->cap)
		d = r->cap;
	/* half fixed, half random: d/2 + [0, d/2] */
	return (unsigned)(d - d / 2 + (d / 2 > 0 ? rnd % (d / 2 + 1) : 0));
}

enum outbox_state
outbox_after_failure(const struct outbox_retry *r, unsigned attempts,
    int64_t created, int64_t now, uint32_t rnd, int64_t *next_r)
{
	*next_r = 0;
	if (attempts >= r->max_attempts)
		return OUTBOX_DEAD;
	if (r->max_age > 0 && now - created >= (int64_t)r->max_age)
		return OUTBOX_DEAD;
	*next_r = now + outbox_delay(r, attempts, rnd);
	return OUTBOX_PENDING;
}

const char *
outbox_kind_name(enum outbox_kind k)
{
	return (unsigned)k < OUTBOX_COUNT ? kind_names[k] : NULL;
}

const char *
outbox_source_name(enum outbox_source s)
{
	return (unsigned)s < OUTBOX_SOURCE_COUNT ? source_names[s] : NULL;
}

const char *
outbox_state_name(enum outbox_state s)
{
	return (unsigned)s < OUTBOX_STATE_COUNT ? state_names[s] : NULL;
}

int
outbox_kind_from_name(const char *name)
{
	for (int i = 1; name != NULL && i < OUTBOX_COUNT; i++)
		if (strcmp(kind_names[i], name) == 0)
			return i;
	return -1;
}

int
outbox_state_from_name(const char *name)
{
	for (int i = 0; name != NULL && i < OUTBOX_STATE_COUNT; i++)
		if (strcmp(state_names[i], name) == 0)
			return i;
	return -1;
}
