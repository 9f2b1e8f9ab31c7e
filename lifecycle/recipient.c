/* What a bounce does to its recipient: tables 1 and 2 of lifecycle.h. */
#include <stdio.h>
#include <string.h>

#include "lifecycle.h"

static void
set_status(struct recipient *r, const char *status)
{
	snprintf(r->status, sizeof(r->status), "%s",
	    status != NULL ? status : "");
}

static void
fill_new(struct recipient *r)
{
	const char *at = strrchr(r->address, '@');

	snprintf(r->domain, sizeof(r->domain), "%s", at != NULL ? at + 1 : "");
	r->state = STATE_ACTIVE;
}

bool
lifecycle_verified(enum authenticity a)
{
	return a == AUTH_VERIFIED_TAG || a == AUTH_VERIFIED_SENT;
}

enum authenticity
lifecycle_tag_authenticity(enum tag_check tag)
{
	switch (tag) {
	case TAG_VALID:
		return AUTH_VERIFIED_TAG;
	case TAG_EXPIRED:
	case TAG_FORGED:
		return AUTH_FORGED;
	case TAG_NONE:
		break;
	}
	return AUTH_UNVERIFIED;
}

enum authenticity
lifecycle_authenticity(enum tag_check tag, const char *tag_rcpt, bool in_sent,
    const char *recipient)
{
	bool named = tag_rcpt != NULL && recipient != NULL &&
	    strcmp(tag_rcpt, recipient) == 0;

	if (tag == TAG_VALID && named)
		return AUTH_VERIFIED_TAG;
	if (in_sent)
		return AUTH_VERIFIED_SENT;
	/*
	 * A tag of ours that does not verify, or that names someone else:
	 * whoever wrote it knows our template, not our key. An expired
	 * one is counted with them: it proves nothing any more.
	 */
	if (tag == TAG_FORGED || tag == TAG_EXPIRED ||
	    (tag == TAG_VALID && !named))
		return AUTH_FORGED;
	return AUTH_UNVERIFIED;
}

/* The effect policy.*_reasons give the reason, else its verdict's. */
static enum rcpt_event
reason_event(const struct config_policy *pc, const struct lc_bounce *b)
{
	switch ((unsigned)b->reason < REASON_COUNT ? pc->effect[b->reason] :
	    CONFIG_EFFECT_DEFAULT) {
	case CONFIG_EFFECT_SENDER:
		/* a complaint is the person's, whatever its reason says */
		if (b->cls != CLASS_COMPLAINT && !b->hard)
			return EVENT_SENDER;
		break;
	case CONFIG_EFFECT_IGNORE:
		return EVENT_IGNORED;
	case CONFIG_EFFECT_HARD:
		return EVENT_HARD;
	case CONFIG_EFFECT_SOFT:
		return EVENT_SOFT;
	case CONFIG_EFFECT_DEFAULT:
		break;
	}
	if (b->cls == CLASS_COMPLAINT)
		return EVENT_COMPLAINT;
	return b->hard ? EVENT_HARD : EVENT_SOFT;
}

enum rcpt_event
lifecycle_event(const struct lc_conf *c, const struct lc_bounce *b)
{
	if (b->action == ACTION_DELIVERED)
		return EVENT_DELIVERED;
	if (c->proof && !lifecycle_verified(b->auth) &&
	    !c->policy->accept_unverified)
		return EVENT_UNVERIFIED;
	if (b->feedback == FEEDBACK_NOT_SPAM)
		return EVENT_NOT_SPAM;
	/* RFC 6591: a report that our authentication failed is ours to fix */
	if (b->feedback == FEEDBACK_AUTH_FAILURE || b->cls == CLASS_IGNORE)
		return EVENT_IGNORED;
	/* RFC 3464 2.3.3: delayed, relayed and expanded are no failure */
	if (b->action != ACTION_NONE && b->action != ACTION_FAILED)
		return EVENT_IGNORED;
	return reason_event(c->policy, b);
}

/* Counts a failure in the totals every failure updates. */
static void
count_failure(struct recipient *r, const struct lc_bounce *b)
{
	r->bounce_count++;
	if (r->first_bounce_at == 0 || b->at < r->first_bounce_at)
		r->first_bounce_at = b->at;
	if (b->at > r->last_bounce_at)
		r->last_bounce_at = b->at;
}

static void
suppress(struct recipient *r, const struct lc_bounce *b, int64_t now,
    struct lc_result *res)
{
	if (r->state != STATE_SUPPRESSED)
		r->suppressed_at = now;
	r->state = STATE_SUPPRESSED;
	r->reason = b->reason;
	set_status(r, b->status);
	res->effect = EFFECT_SUPPRESSED;
	if (r->override == OVERRIDE_UNSUPPRESSED)
		r->override = OVERRIDE_NONE; /* a newer bounce decides */
}

/*
 * A soft failure: a new window opens when the last one is older than
 * soft_window, and the count starts again after soft_decay without any
 * bounce; soft_limit failures in one window suppress.
 */
static void
count_soft(const struct config_policy *pc, struct recipient *r,
    const struct lc_bounce *b, int64_t now, struct lc_result *res)
{
	int64_t last = r->last_bounce_at;

	if (r->soft_since != 0 && last != 0 && b->at - last > pc->soft_decay)
		r->soft_count = 0, r->soft_since = 0;
	if (r->soft_since != 0 && b->at - r->soft_since > pc->soft_window)
		r->soft_count = 0, r->soft_since = 0;
	if (r->soft_since == 0 || b->at < r->soft_since)
		r->soft_since = b->at;
	r->soft_count++;
	count_failure(r, b);
	if (r->state == STATE_SUPPRESSED)
		return; /* stays suppressed: only a person lifts it */
	if (r->soft_count >= pc->soft_limit) {
		suppress(r, b, now, res);
		return;
	}
	r->state = STATE_SOFT;
	r->reason = b->reason;
	set_status(r, b->status);
	res->effect = EFFECT_SOFT;
}

/*
 * confirm_hard_bounce: a hard bounce is waiting for its confirmation when
 * the address is soft with a 5.x.x status -- set only by confirm() and
 * replaced by any soft bounce in between, so "twice in a row".
 */
static bool
hard_pending(const struct recipient *r)
{
	return r->state == STATE_SOFT && r->status[0] == '5';
}

static bool
resending(const struct config_resend *rc)
{
	return rc->enabled && rc->nschedule > 0;
}

/*
 * The seed's advice for "user unknown" and its kin: resend once to rule
 * out a passing fault before giving the address up. The address is soft
 * meanwhile; the next hard bounce (the confirming resend's, or any
 * other) suppresses it. Only a verified bounce asks for a copy to go out.
 */
static bool
confirm(const struct lc_conf *c, struct recipient *r,
    const struct lc_bounce *b, int64_t now, struct lc_result *res)
{
	if (b->final || !c->policy->confirm_hard || !resending(c->resend) ||
	    !lifecycle_verified(b->auth) || r->state == STATE_SUPPRESSED ||
	    hard_pending(r))
		return false;
	count_failure(r, b);
	r->state = STATE_SOFT;
	r->reason = b->reason;
	set_status(r, b->status != NULL && b->status[0] == '5' ? b->status :
							       "5.0.0");
	res->effect = EFFECT_CONFIRMING;
	res->resend = true;
	res->kind = KIND_CONFIRM;
	res->resend_at = now + lifecycle_resend_delay(c->resend, 0, 0, b->rnd);
	return true;
}

static void
delivered(struct recipient *r, struct lc_result *res)
{
	if (r->soft_count == 0 && r->state != STATE_SOFT)
		return;
	r->soft_count = 0;
	r->soft_since = 0;
	if (r->state == STATE_SOFT)
		r->state = STATE_ACTIVE;
	res->effect = EFFECT_RESET;
	res->write = true;
}

/*
 * RFC 6430: the recipient says the message was not spam. A suppression
 * that a complaint caused is lifted, unless a person suppressed the
 * address; nothing else changes. Only a verified report gets here when
 * a proof is configured; without one, only a tag can verify it, and an
 * unverified not-spam lifts nothing: anyone can forge a report, and a
 * forged one must not resume mail to a person who complained.
 */
static void
withdrawn(struct recipient *r, const struct lc_bounce *b,
    struct lc_result *res)
{
	if (!lifecycle_verified(b->auth) || r->state != STATE_SUPPRESSED ||
	    r->reason != REASON_FEEDBACK || r->override == OVERRIDE_SUPPRESSED)
		return;
	r->state = STATE_ACTIVE;
	r->suppressed_at = 0;
	res->effect = EFFECT_WITHDRAWN;
	res->write = true;
}

/* A transient failure of a resend reason, verified, asks for a resend. */
static void
resend_if(const struct lc_conf *c, const struct recipient *r,
    const struct lc_bounce *b, int64_t now, struct lc_result *res)
{
	if (b->cls == CLASS_TRANSIENT && b->action != ACTION_DELAYED &&
	    r->state != STATE_SUPPRESSED && resending(c->resend) &&
	    lifecycle_verified(b->auth) &&
	    lifecycle_resend_reason(c->resend, b->reason)) {
		res->resend = true;
		res->kind = KIND_TRANSIENT;
		res->resend_at = now + lifecycle_resend_delay(c->resend, 0,
		    b->retry_hint, b->rnd);
	}
}

void
lifecycle_recipient(const struct lc_conf *c, struct recipient *r,
    bool exists, const struct lc_bounce *b, int64_t now,
    struct lc_result *res)
{
	memset(res, 0, sizeof(*res));
	res->effect = EFFECT_RECORDED;
	res->event = lifecycle_event(c, b);
	switch (res->event) {
	case EVENT_DELIVERED:
		if (exists)
			delivered(r, res);
		return;
	case EVENT_UNVERIFIED:
		res->effect = EFFECT_UNVERIFIED;
		return;
	case EVENT_NOT_SPAM:
		if (exists)
			withdrawn(r, b, res);
		return;
	case EVENT_IGNORED:
		return; /* vacation, delayed, relayed: recorded only */
	case EVENT_SENDER:
		/*
		 * The receiver refused our IP, our authentication or our
		 * message, not the address. A passing one (a rate limit)
		 * is still worth a resend.
		 */
		res->effect = EFFECT_SENDER;
		resend_if(c, r, b, now, res);
		return;
	case EVENT_HARD:
	case EVENT_COMPLAINT:
	case EVENT_SOFT:
	case EVENT_COUNT:
		break;
	}
	if (!exists)
		fill_new(r);
	res->write = true;
	if (r->override != OVERRIDE_NONE && b->at < r->override_at) {
		/* the person decided after this bounce arrived */
		count_failure(r, b);
		res->effect = EFFECT_OVERRIDDEN;
		return;
	}
	if (res->event == EVENT_HARD && confirm(c, r, b, now, res))
		return;
	if (res->event != EVENT_SOFT) {
		count_failure(r, b);
		suppress(r, b, now, res);
		return;
	}
	count_soft(c->policy, r, b, now, res);
	resend_if(c, r, b, now, res);
}

const char *
lifecycle_effect_text(const struct lc_conf *c, const struct recipient *r,
    const struct lc_result *res, char *buf, size_t len)
{
	switch (res->effect) {
	case EFFECT_SOFT:
		snprintf(buf, len, "soft %lld/%u%s", (long long)r->soft_count,
		    c->policy->soft_limit, res->resend ? ", resend scheduled" :
							 "");
		return buf;
	case EFFECT_OVERRIDDEN:
		return "counted only (a person overrode it later)";
	case EFFECT_CONFIRMING:
		return "hard, a confirming resend scheduled";
	case EFFECT_WITHDRAWN:
		return "complaint withdrawn (not-spam): active again";
	case EFFECT_SENDER:
		return res->resend ? "the sender's problem, not counted; resend "
				     "scheduled" :
				     "the sender's problem, not counted";
	case EFFECT_UNVERIFIED:
		return "not proven to concern our mail: recorded, no change";
	case EFFECT_RESET:
		return "soft counters reset";
	case EFFECT_RECORDED:
	case EFFECT_SUPPRESSED:
	case EFFECT_COUNT:
		break;
	}
	return lc_effect_name(res->effect);
}
