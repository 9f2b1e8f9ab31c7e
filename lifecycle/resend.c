/* What happens to a resend: table 3 of lifecycle.h. */
#include "lifecycle.h"

bool
lifecycle_resend_reason(const struct config_resend *rc, enum reason reason)
{
	return (unsigned)reason < REASON_COUNT && rc->reason[reason];
}

unsigned
lifecycle_resend_delay(const struct config_resend *rc, unsigned attempt,
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

int64_t
lifecycle_claim_lease(unsigned timeout, unsigned waits)
{
	return (int64_t)timeout * (waits > 0 ? waits : 1) +
	    LIFECYCLE_CLAIM_SLACK;
}

bool
lifecycle_resend_waiting(enum resend_state s)
{
	return s == RESEND_PENDING || s == RESEND_DEFERRED;
}

/* An hour, the window of resend.max_per_hour. */
#define RATE_WINDOW 3600

enum resend_step
lifecycle_resend_due(const struct config_resend *rc,
    const struct lc_resend *rs, bool suppressed, const struct lc_rate *rate,
    int64_t now, int64_t *at_r, const char **why_r)
{
	*at_r = 0;
	*why_r = NULL;
	/* never to an address suppressed meanwhile (by a bounce or a
	 * person) */
	if (suppressed) {
		*why_r = "the address is suppressed";
		return STEP_CANCEL;
	}
	if (rs->attempts >= rc->max_attempts) {
		*why_r = "resend.max_attempts reached";
		return STEP_GIVE_UP;
	}
	if (now - rs->created_at > (int64_t)rc->max_age) {
		*why_r = "older than resend.max_age";
		return STEP_GIVE_UP;
	}
	/*
	 * However good the proof, a flood of resends is the one thing that
	 * turns a mistake (ours or a receiver's) into mail to many people:
	 * past the limits, wait a tenth of the window and look again.
	 */
	if (rate->hour >= rc->max_per_hour) {
		*why_r = "resend.max_per_hour reached";
		*at_r = now + RATE_WINDOW / 10;
		return STEP_POSTPONE;
	}
	if (rate->domain_hour >= rc->max_per_domain_per_hour) {
		*why_r = "resend.max_per_domain_per_hour reached";
		*at_r = now + RATE_WINDOW / 10;
		return STEP_POSTPONE;
	}
	return STEP_SEND;
}

void
lifecycle_resend_end(const struct lc_resend *rs, enum resend_outcome o,
    struct lc_resend_result *res)
{
	res->outcome = o;
	res->next_at = 0;
	res->counts = false;
	/* a confirming resend that cannot go out lets the hard bounce it
	 * was to confirm stand */
	res->address_hard = rs->kind == KIND_CONFIRM;
}

void
lifecycle_resend_result(const struct config_resend *rc,
    const struct lc_resend *rs, enum lc_delivery d, int64_t now,
    uint32_t rnd, struct lc_resend_result *res)
{
	res->outcome = OUTCOME_DEFERRED;
	res->next_at = 0;
	res->counts = d != DELIVERY_CONFIG;
	res->address_hard = false;
	switch (d) {
	case DELIVERY_SENT:
		res->outcome = OUTCOME_SENT;
		return;
	case DELIVERY_REFUSED:
		/* issue 5: "failed on 5xx, recipient state updated" */
		res->outcome = OUTCOME_FAILED;
		res->address_hard = true;
		return;
	case DELIVERY_DEFERRED:
	case DELIVERY_CONFIG:
		break;
	}
	if (res->counts && rs->attempts + 1 >= rc->max_attempts) {
		lifecycle_resend_end(rs, OUTCOME_GAVE_UP, res);
		res->counts = true;
		return;
	}
	/* a configuration problem waits without using an attempt up */
	res->next_at = now + lifecycle_resend_delay(rc,
	    (unsigned)rs->attempts + (res->counts ? 1 : 0), 0, rnd);
}

void
lifecycle_resend_bounced(const struct config_resend *rc,
    const struct lc_resend *rs, enum bounce_class cls, bool hard,
    enum reason reason, int64_t now, uint32_t rnd,
    struct lc_resend_result *res)
{
	res->counts = false;
	res->address_hard = false;
	res->next_at = 0;
	/* a confirming resend ends either way: the recipient's policy
	 * decides the address from the bounce itself */
	if (cls == CLASS_TRANSIENT && rs->kind == KIND_TRANSIENT &&
	    rs->attempts < rc->max_attempts &&
	    lifecycle_resend_reason(rc, reason)) {
		res->outcome = OUTCOME_DEFERRED;
		res->next_at = now + lifecycle_resend_delay(rc,
		    (unsigned)rs->attempts, 0, rnd);
		return;
	}
	res->outcome = hard ? OUTCOME_FAILED : OUTCOME_GAVE_UP;
}

enum resend_state
lifecycle_resend_state(enum resend_state cur, enum resend_outcome o,
    bool other_waiting, bool *requeue_r)
{
	*requeue_r = false;
	switch (o) {
	case OUTCOME_BOUNCED:
		return cur; /* appended only: the next outcome moves it */
	case OUTCOME_DEFERRED:
		/*
		 * A row a person cancelled stays cancelled: the worker may
		 * have taken it just before. A sent row that would wait
		 * again gives up for another waiting row of its pair: that
		 * one resends the same copy (resends_one_pending).
		 */
		if (cur == RESEND_CANCELLED)
			return cur;
		if (!lifecycle_resend_waiting(cur) && other_waiting)
			return RESEND_GAVE_UP;
		*requeue_r = true;
		return RESEND_DEFERRED;
	case OUTCOME_SENT:
		/*
		 * A person cancelled it while a worker was sending it (the
		 * claim, store_resend_claim(), holds nothing): the copy went
		 * out and is recorded (its Resent-Message-ID, so that its
		 * bounce is found), but the row stays cancelled, so that a
		 * transient bounce of the copy cannot make it wait again.
		 */
		if (cur == RESEND_CANCELLED)
			return cur;
		return RESEND_SENT;
	case OUTCOME_FAILED:
		return RESEND_FAILED;
	case OUTCOME_GAVE_UP:
		return RESEND_GAVE_UP;
	case OUTCOME_CANNOT:
		return RESEND_CANNOT;
	case OUTCOME_COUNT:
		break;
	}
	return cur;
}
