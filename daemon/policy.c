/* Recipient-state transitions; the table is in policy.h. */
#include <stdio.h>
#include <string.h>

#include "policy.h"

static void
set_text(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src != NULL ? src : "");
}

static void
fill_new(struct store_recipient *r)
{
	const char *at = strrchr(r->address, '@');

	set_text(r->domain, sizeof(r->domain), at != NULL ? at + 1 : "");
	r->state = STATE_ACTIVE;
}

/* Counts a failure in the totals every failure updates. */
static void
count_failure(struct store_recipient *r, const struct policy_event *ev)
{
	r->bounce_count++;
	if (r->first_bounce_at == 0 || ev->at < r->first_bounce_at)
		r->first_bounce_at = ev->at;
	if (ev->at > r->last_bounce_at)
		r->last_bounce_at = ev->at;
}

static void
suppress(struct store_recipient *r, const struct policy_event *ev,
    int64_t now, struct policy_result *res)
{
	if (r->state != STATE_SUPPRESSED)
		r->suppressed_at = now;
	r->state = STATE_SUPPRESSED;
	set_text(r->reason, sizeof(r->reason), ev->reason);
	set_text(r->status, sizeof(r->status), ev->status);
	res->effect = POLICY_SUPPRESSED;
}

/*
 * A soft failure: a new window opens when the last one is older than
 * soft_window, and the count starts again after soft_decay without any
 * bounce; soft_limit failures in one window suppress.
 */
static void
count_soft(const struct config_policy *pc, struct store_recipient *r,
    const struct policy_event *ev, int64_t now, struct policy_result *res)
{
	int64_t last = r->last_bounce_at;

	if (r->soft_since != 0 && last != 0 && ev->at - last > pc->soft_decay)
		r->soft_count = 0, r->soft_since = 0;
	if (r->soft_since != 0 && ev->at - r->soft_since > pc->soft_window)
		r->soft_count = 0, r->soft_since = 0;
	if (r->soft_since == 0 || ev->at < r->soft_since)
		r->soft_since = ev->at;
	r->soft_count++;
	count_failure(r, ev);
	if (r->state == STATE_SUPPRESSED)
		return; /* stays suppressed: only a person lifts it */
	if (r->soft_count >= pc->soft_limit) {
		suppress(r, ev, now, res);
		return;
	}
	r->state = STATE_SOFT;
	set_text(r->reason, sizeof(r->reason), ev->reason);
	set_text(r->status, sizeof(r->status), ev->status);
	res->effect = POLICY_SOFT;
}

/*
 * confirm_hard_bounce: a hard bounce is waiting for its confirmation when
 * the address is soft with a 5.x.x status -- set only by confirm() and
 * replaced by any soft bounce in between, so "twice in a row".
 */
static bool
hard_pending(const struct store_recipient *r)
{
	return r->state == STATE_SOFT && r->status[0] == '5';
}

/*
 * The seed's advice for "user unknown" and its kin: resend once to rule
 * out a passing fault before giving the address up. The address is soft
 * meanwhile; the next hard bounce (the confirming resend's, or any
 * other) suppresses it.
 */
static void
confirm(const struct config_resend *rc, struct store_recipient *r,
    const struct policy_event *ev, int64_t now, struct policy_result *res)
{
	count_failure(r, ev);
	r->state = STATE_SOFT;
	set_text(r->reason, sizeof(r->reason), ev->reason);
	set_text(r->status, sizeof(r->status), ev->status != NULL &&
	    ev->status[0] == '5' ? ev->status : "5.0.0");
	res->effect = POLICY_CONFIRMING;
	res->resend = res->confirm = true;
	res->resend_at = now + policy_resend_delay(rc, 0, 0, ev->rnd);
}

/* RFC 3464 2.3.3: delayed, relayed and expanded are no failure. */
static bool
is_failure(const struct policy_event *ev)
{
	return ev->action == NULL || strcmp(ev->action, "failed") == 0;
}

static void
delivered(struct store_recipient *r, struct policy_result *res)
{
	if (r->soft_count == 0 && r->state != STATE_SOFT)
		return;
	r->soft_count = 0;
	r->soft_since = 0;
	if (r->state == STATE_SOFT)
		r->state = STATE_ACTIVE;
	res->effect = POLICY_RESET;
	res->write = true;
}

/*
 * RFC 6430: the recipient says the message was not spam. A suppression
 * that a complaint caused is lifted, unless a person suppressed the
 * address; nothing else changes.
 */
static void
withdrawn(struct store_recipient *r, struct policy_result *res)
{
	if (r->state != STATE_SUPPRESSED ||
	    strcmp(r->reason, "feedback") != 0)
		return;
	if (r->override == OVERRIDE_SUPPRESSED)
		return; /* a person's decision stands */
	r->state = STATE_ACTIVE;
	r->suppressed_at = 0;
	res->effect = POLICY_WITHDRAWN;
	res->write = true;
}

/* Whether reason is one of the n names (a reason list of the config). */
static bool
listed(char *const *names, size_t n, const char *reason)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (reason != NULL && strcmp(names[i], reason) == 0)
			return true;
	return false;
}

/* One of policy.sender_reasons: the sender's problem, not the address's. */
static bool
senders_reason(const struct config_policy *pc, const char *reason)
{
	return listed(pc->sender_reasons, pc->nsender_reasons, reason);
}

/* A transient failure of a resend reason schedules one (resend.*). */
static void
resend_if(const struct config_resend *rc, const struct store_recipient *r,
    const struct policy_event *ev, int64_t now, struct policy_result *res)
{
	if (ev->cls == CLASS_TRANSIENT && r->state != STATE_SUPPRESSED &&
	    rc->enabled && rc->nschedule > 0 &&
	    policy_resend_reason(rc, ev->reason)) {
		res->resend = true;
		res->resend_at = now + policy_resend_delay(rc, 0,
		    ev->retry_hint, ev->rnd);
	}
}

void
policy_apply(const struct config_policy *pc, const struct config_resend *rc,
    struct store_recipient *r, bool exists, const struct policy_event *ev,
    int64_t now, struct policy_result *res)
{
	memset(res, 0, sizeof(*res));
	res->effect = POLICY_RECORDED;
	if (ev->action != NULL && strcmp(ev->action, "delivered") == 0) {
		if (exists)
			delivered(r, res);
		return;
	}
	if (ev->feedback_type != NULL &&
	    strcmp(ev->feedback_type, "not-spam") == 0) {
		/* only from a report that proves it concerns our mail */
		if (exists && ev->verified)
			withdrawn(r, res);
		return;
	}
	if (ev->cls == CLASS_IGNORE || !is_failure(ev))
		return; /* vacation, delayed, relayed: recorded only */
	if (!ev->hard && ev->cls != CLASS_COMPLAINT &&
	    senders_reason(pc, ev->reason)) {
		/*
		 * The receiver refused our IP, our authentication or our
		 * message, not the address: five reputation blocks in a week
		 * say nothing about the person. A passing one (a rate limit)
		 * is still worth a resend.
		 */
		res->effect = POLICY_SENDERS;
		resend_if(rc, r, ev, now, res);
		return;
	}
	if (!exists)
		fill_new(r);
	res->write = true;
	if (r->override != OVERRIDE_NONE && ev->at < r->override_at) {
		/* the person decided after this bounce arrived */
		count_failure(r, ev);
		res->effect = POLICY_OVERRIDDEN;
		return;
	}
	if (ev->hard && !ev->final && ev->cls != CLASS_COMPLAINT &&
	    pc->confirm_hard &&
	    rc->enabled && rc->nschedule > 0 && r->state != STATE_SUPPRESSED &&
	    !hard_pending(r)) {
		confirm(rc, r, ev, now, res);
		return;
	}
	if (ev->hard || ev->cls == CLASS_COMPLAINT) {
		count_failure(r, ev);
		suppress(r, ev, now, res);
		if (r->override == OVERRIDE_UNSUPPRESSED)
			r->override = OVERRIDE_NONE; /* a newer bounce decides */
		return;
	}
	count_soft(pc, r, ev, now, res);
	if (res->effect == POLICY_SUPPRESSED &&
	    r->override == OVERRIDE_UNSUPPRESSED)
		r->override = OVERRIDE_NONE;
	resend_if(rc, r, ev, now, res);
}

unsigned
policy_resend_delay(const struct config_resend *rc, unsigned attempt,
    unsigned hint, uint32_t rnd)
{
	uint64_t base, extra;

	if (rc->nschedule == 0)
		return 0;
	base = rc->schedule[attempt < rc->nschedule ? attempt :
	    rc->nschedule - 1];
	if (attempt == 0 && hint > 0)
		base = hint; /* the server said when it will take mail */
	/* 0..jitter % of base, in thousandths of the range */
	extra = base * rc->jitter * (rnd % 1001) / 100000;
	return (unsigned)(base + extra);
}

bool
policy_resend_reason(const struct config_resend *rc, const char *reason)
{
	return listed(rc->reasons, rc->nreasons, reason);
}

const char *
policy_effect_text(const struct config_policy *pc,
    const struct store_recipient *r, const struct policy_result *res,
    char *buf, size_t len)
{
	const char *s = "recorded";

	switch (res->effect) {
	case POLICY_RECORDED:
		break;
	case POLICY_SOFT:
		snprintf(buf, len, "soft %lld/%u%s", (long long)r->soft_count,
		    pc->soft_limit, res->resend ? ", resend scheduled" : "");
		return buf;
	case POLICY_SUPPRESSED:
		s = "suppressed";
		break;
	case POLICY_RESET:
		s = "soft counters reset";
		break;
	case POLICY_OVERRIDDEN:
		s = "counted only (a person overrode it later)";
		break;
	case POLICY_CONFIRMING:
		s = "hard, a confirming resend scheduled";
		break;
	case POLICY_WITHDRAWN:
		s = "complaint withdrawn (not-spam): active again";
		break;
	case POLICY_SENDERS:
		s = res->resend ? "the sender's problem, not counted; resend "
				  "scheduled" :
				  "the sender's problem, not counted";
		break;
	}
	return s;
}
