/*
 * The lifecycle (lifecycle/lifecycle.h) with an injected clock: its three
 * tables walked pair by pair, then the recipient-state transitions in
 * detail:
 * hard, complaint, soft counting within a window, decay, delivered reset,
 * ignored actions, overrides by a person, resend scheduling.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "lifecycle/lifecycle.h"

#define DAY 86400
#define T0 1767225600 /* 2026-01-01T00:00:00Z */

static const struct config_policy pc = { .soft_limit = 3,
	.soft_window = 7 * DAY, .soft_decay = 30 * DAY };
#define RESEND_REASONS                                                         \
	.reason = { [REASON_EXPIRED] = true, [REASON_TOOMANYCONN] = true,      \
		[REASON_SYSTEMFULL] = true }
static const struct config_resend rc = { .enabled = true,
	.schedule = { 900, 3600 }, .nschedule = 2, .max_attempts = 3,
	.max_age = 2 * DAY, .max_per_hour = 100, .max_per_domain_per_hour = 20,
	RESEND_REASONS };
/* confirm_hard_bounce on, jitter 10 % */
static const struct config_policy pc_confirm = { .soft_limit = 3,
	.soft_window = 7 * DAY, .soft_decay = 30 * DAY, .confirm_hard = true };
static const struct config_resend rc_jitter = { .enabled = true,
	.schedule = { 900, 3600, 14400 }, .nschedule = 3, .max_attempts = 3,
	.jitter = 10, RESEND_REASONS };

/* the default policy.sender_reasons, in part */
static const struct config_policy pc_senders = { .soft_limit = 3,
	.soft_window = 7 * DAY, .soft_decay = 30 * DAY,
	.effect = { [REASON_BLOCKED] = CONFIG_EFFECT_SENDER,
		[REASON_BADREPUTATION] = CONFIG_EFFECT_SENDER,
		[REASON_TOOMANYCONN] = CONFIG_EFFECT_SENDER } };

/* The lifecycle's view of a policy and resend configuration, no proof
 * configured (as before issue 13) unless said. */
#define LC(p, r) (&(struct lc_conf){ &(p), &(r), false })

static enum reason
R(const char *name)
{
	return reason_from_name(name);
}

static enum dsn_action
A(const char *name)
{
	int a = dsn_action_from_name(name);

	return a < 0 ? ACTION_NONE : (enum dsn_action)a;
}

struct fx {
	struct recipient r;
	bool exists;
};

static struct lc_result
apply(struct fx *f, const char *reason, const char *action,
    enum bounce_class cls, bool hard, int64_t at)
{
	struct lc_bounce ev = { .auth = AUTH_VERIFIED_SENT,
		.reason = R(reason), .status = "5.0.0",
		.action = A(action), .cls = cls, .hard = hard, .at = at };
	struct lc_result res;

	if (!f->exists && f->r.address[0] == '\0')
		strcpy(f->r.address, "user@example.org");
	lifecycle_recipient(LC(pc, rc), &f->r, f->exists, &ev, at + 10, &res);
	if (res.write)
		f->exists = true;
	return res;
}

/* apply() under pc_senders */
static struct lc_result
apply_senders(struct fx *f, const char *reason, enum bounce_class cls,
    int64_t at)
{
	struct lc_bounce ev = { .auth = AUTH_VERIFIED_SENT,
		.reason = R(reason), .status = "5.7.1",
		.action = A("failed"), .cls = cls, .at = at };
	struct lc_result res;

	if (!f->exists && f->r.address[0] == '\0')
		strcpy(f->r.address, "user@example.org");
	lifecycle_recipient(LC(pc_senders, rc), &f->r, f->exists, &ev, at + 10, &res);
	if (res.write)
		f->exists = true;
	return res;
}

/*
 * The receiver refused the sender, not the address (issue 13: five Gmail
 * "low reputation" refusals in a week suppressed a good address): the
 * recipient's row is neither created nor counted; a passing one is still
 * resent; a recipient's own failure still counts.
 */
static void
senders_problem_not_counted(void **state)
{
	struct fx f = { 0 };
	struct lc_result res;
	int i;

	(void)state;
	for (i = 0; i < 5; i++) {
		res = apply_senders(&f, i % 2 ? "badreputation" : "blocked",
		    CLASS_PERMANENT, T0 + i * DAY);
		assert_int_equal(res.effect, EFFECT_SENDER);
		assert_false(res.write);
		assert_false(res.resend);
	}
	assert_false(f.exists);
	/* the row of a known address is not touched either */
	res = apply_senders(&f, "mailboxfull", CLASS_TRANSIENT, T0 + 6 * DAY);
	assert_int_equal(res.effect, EFFECT_SOFT);
	assert_int_equal(f.r.soft_count, 1);
	res = apply_senders(&f, "blocked", CLASS_PERMANENT, T0 + 6 * DAY + 60);
	assert_int_equal(res.effect, EFFECT_SENDER);
	assert_false(res.write);
	assert_int_equal(f.r.soft_count, 1);
	assert_int_equal(f.r.state, STATE_SOFT);
	/* a rate limit: not counted, but worth a resend */
	res = apply_senders(&f, "toomanyconn", CLASS_TRANSIENT, T0 + 7 * DAY);
	assert_int_equal(res.effect, EFFECT_SENDER);
	assert_true(res.resend);
	assert_int_equal(res.resend_at, T0 + 7 * DAY + 10 + 900);
	{
		char buf[64];

		assert_string_equal(lifecycle_effect_text(LC(pc_senders, rc), &f.r,
					&res, buf, sizeof(buf)),
		    "the sender's problem, not counted; resend scheduled");
	}
	/* the same reasons count where policy.sender_reasons is [] (pc) */
	memset(&f, 0, sizeof(f));
	for (i = 0; i < 3; i++)
		res = apply(&f, "blocked", "failed", CLASS_PERMANENT, false,
		    T0 + i * DAY);
	assert_int_equal(res.effect, EFFECT_SUPPRESSED);
}

/*
 * RFC 6430 not-spam lifts a suppression a complaint caused, only when the
 * report came back to our signed return path for that recipient, and
 * nothing else: not one a hard bounce or a person caused; auth-failure
 * (RFC 6591, class ignore in classify/) is recorded only.
 */
static void
not_spam_lifts_complaint(void **state)
{
	struct fx f = { 0 };
	struct lc_result res;
	struct lc_bounce ev = { .reason = R("feedback"), .status = "",
		.cls = CLASS_IGNORE, .at = T0 + DAY,
		.feedback = FEEDBACK_NOT_SPAM, .auth = AUTH_VERIFIED_TAG };

	(void)state;
	/* not-spam for an address we know nothing of: no row */
	strcpy(f.r.address, "user@example.org");
	lifecycle_recipient(LC(pc, rc), &f.r, false, &ev, T0 + DAY, &res);
	assert_int_equal(res.effect, EFFECT_RECORDED);
	assert_false(res.write);
	res = apply(&f, "feedback", NULL, CLASS_COMPLAINT, false, T0);
	assert_int_equal(res.effect, EFFECT_SUPPRESSED);
	/* a report anyone could have forged lifts nothing */
	ev.auth = AUTH_UNVERIFIED;
	lifecycle_recipient(LC(pc, rc), &f.r, true, &ev, T0 + DAY, &res);
	assert_int_equal(res.effect, EFFECT_RECORDED);
	assert_int_equal(f.r.state, STATE_SUPPRESSED);
	ev.auth = AUTH_VERIFIED_TAG;
	lifecycle_recipient(LC(pc, rc), &f.r, true, &ev, T0 + DAY, &res);
	assert_int_equal(res.effect, EFFECT_WITHDRAWN);
	assert_true(res.write);
	assert_int_equal(f.r.state, STATE_ACTIVE);
	/* a hard bounce's suppression stands */
	memset(&f, 0, sizeof(f));
	res = apply(&f, "userunknown", "failed", CLASS_PERMANENT, true, T0);
	lifecycle_recipient(LC(pc, rc), &f.r, true, &ev, T0 + DAY, &res);
	assert_int_equal(res.effect, EFFECT_RECORDED);
	assert_int_equal(f.r.state, STATE_SUPPRESSED);
	/* so does a person's */
	memset(&f, 0, sizeof(f));
	res = apply(&f, "feedback", NULL, CLASS_COMPLAINT, false, T0);
	f.r.override = OVERRIDE_SUPPRESSED;
	f.r.override_at = T0 + 60;
	lifecycle_recipient(LC(pc, rc), &f.r, true, &ev, T0 + DAY, &res);
	assert_int_equal(f.r.state, STATE_SUPPRESSED);
	/* auth-failure: about our authentication, recorded only */
	memset(&f, 0, sizeof(f));
	ev.feedback = FEEDBACK_AUTH_FAILURE;
	strcpy(f.r.address, "user@example.org");
	lifecycle_recipient(LC(pc, rc), &f.r, false, &ev, T0 + DAY, &res);
	assert_int_equal(res.effect, EFFECT_RECORDED);
	assert_false(res.write);
}

static void
hard_suppresses(void **state)
{
	struct fx f = { 0 };
	struct lc_result res;

	(void)state;
	res = apply(&f, "userunknown", "failed", CLASS_PERMANENT, true, T0);
	assert_int_equal(res.effect, EFFECT_SUPPRESSED);
	assert_true(res.write);
	assert_false(res.resend);
	assert_int_equal(f.r.state, STATE_SUPPRESSED);
	assert_int_equal(f.r.reason, R("userunknown"));
	assert_string_equal(f.r.domain, "example.org");
	assert_int_equal(f.r.suppressed_at, T0 + 10);
	assert_int_equal(f.r.first_bounce_at, T0);
	assert_int_equal(f.r.last_bounce_at, T0);
	assert_int_equal(f.r.bounce_count, 1);
}

static void
complaint_suppresses(void **state)
{
	struct fx f = { 0 };
	struct lc_result res;

	(void)state;
	res = apply(&f, "feedback", NULL, CLASS_COMPLAINT, false, T0);
	assert_int_equal(res.effect, EFFECT_SUPPRESSED);
	assert_int_equal(f.r.reason, R("feedback"));
}

static void
soft_limit_in_window(void **state)
{
	struct fx f = { 0 };
	struct lc_result res;

	(void)state;
	res = apply(&f, "mailboxfull", "failed", CLASS_PERMANENT, false, T0);
	assert_int_equal(res.effect, EFFECT_SOFT);
	assert_int_equal(f.r.state, STATE_SOFT);
	assert_int_equal(f.r.soft_count, 1);
	res = apply(&f, "mailboxfull", "failed", CLASS_PERMANENT, false,
	    T0 + DAY);
	assert_int_equal(f.r.soft_count, 2);
	assert_int_equal(f.r.state, STATE_SOFT);
	res = apply(&f, "mailboxfull", "failed", CLASS_PERMANENT, false,
	    T0 + 2 * DAY);
	assert_int_equal(res.effect, EFFECT_SUPPRESSED);
	assert_int_equal(f.r.state, STATE_SUPPRESSED);
	assert_int_equal(f.r.bounce_count, 3);
}

static void
soft_window_restarts(void **state)
{
	struct fx f = { 0 };

	(void)state;
	apply(&f, "mailboxfull", "failed", CLASS_PERMANENT, false, T0);
	apply(&f, "mailboxfull", "failed", CLASS_PERMANENT, false, T0 + DAY);
	/* 8 days after the window opened: a new window, count 1 */
	apply(&f, "mailboxfull", "failed", CLASS_PERMANENT, false,
	    T0 + 8 * DAY);
	assert_int_equal(f.r.soft_count, 1);
	assert_int_equal(f.r.soft_since, T0 + 8 * DAY);
	assert_int_equal(f.r.state, STATE_SOFT);
	assert_int_equal(f.r.bounce_count, 3);
}

static void
soft_decays_after_quiet(void **state)
{
	struct fx f = { 0 };
	struct config_policy wide = pc;
	struct lc_bounce ev = { .reason = R("mailboxfull"), .status = "4.2.2",
		.action = A("failed"), .cls = CLASS_PERMANENT, .at = T0 };
	struct lc_result res;

	(void)state;
	wide.soft_window = 365 * DAY; /* only the decay can reset it */
	strcpy(f.r.address, "user@example.org");
	lifecycle_recipient(LC(wide, rc), &f.r, false, &ev, T0, &res);
	ev.at = T0 + DAY;
	lifecycle_recipient(LC(wide, rc), &f.r, true, &ev, ev.at, &res);
	assert_int_equal(f.r.soft_count, 2);
	ev.at = T0 + DAY + 31 * DAY; /* quiet for 31 days > 30 */
	lifecycle_recipient(LC(wide, rc), &f.r, true, &ev, ev.at, &res);
	assert_int_equal(f.r.soft_count, 1);
	assert_int_equal(f.r.state, STATE_SOFT);
}

static void
delivered_resets(void **state)
{
	struct fx f = { 0 };
	struct lc_result res;

	(void)state;
	apply(&f, "mailboxfull", "failed", CLASS_PERMANENT, false, T0);
	apply(&f, "mailboxfull", "failed", CLASS_PERMANENT, false, T0 + 1);
	res = apply(&f, "delivered", "delivered", CLASS_IGNORE, false, T0 + 2);
	assert_int_equal(res.effect, EFFECT_RESET);
	assert_true(res.write);
	assert_int_equal(f.r.soft_count, 0);
	assert_int_equal(f.r.soft_since, 0);
	assert_int_equal(f.r.state, STATE_ACTIVE);
	assert_int_equal(f.r.bounce_count, 2); /* history is kept */
}

static void
delivered_unknown_address_creates_nothing(void **state)
{
	struct fx f = { 0 };
	struct lc_result res;

	(void)state;
	res = apply(&f, "delivered", "delivered", CLASS_IGNORE, false, T0);
	assert_int_equal(res.effect, EFFECT_RECORDED);
	assert_false(res.write);
}

static void
ignored_actions_change_nothing(void **state)
{
	static const struct {
		const char *reason, *action;
		enum bounce_class cls;
	} cases[] = {
		{ "vacation", NULL, CLASS_IGNORE },
		{ "expired", "delayed", CLASS_IGNORE },
		{ "expired", "delayed", CLASS_TRANSIENT },
		{ "undefined", "relayed", CLASS_PERMANENT },
		{ "undefined", "expanded", CLASS_PERMANENT },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fx f = { 0 };
		struct lc_result res;

		apply(&f, "mailboxfull", "failed", CLASS_PERMANENT, false, T0);
		res = apply(&f, cases[i].reason, cases[i].action, cases[i].cls,
		    false, T0 + 5);
		assert_int_equal(res.effect, EFFECT_RECORDED);
		assert_false(res.write);
		assert_false(res.resend);
		assert_int_equal(f.r.soft_count, 1);
		assert_int_equal(f.r.bounce_count, 1);
		assert_int_equal(f.r.state, STATE_SOFT);
	}
}

static void
transient_schedules_resend(void **state)
{
	struct fx f = { 0 };
	struct lc_result res;

	(void)state;
	res = apply(&f, "expired", "failed", CLASS_TRANSIENT, false, T0);
	assert_true(res.resend);
	assert_int_equal(res.resend_at, T0 + 10 + 900); /* now + schedule[0] */
	assert_int_equal(res.effect, EFFECT_SOFT);
	/* the third soft bounce suppresses: no resend to a suppressed one */
	apply(&f, "expired", "failed", CLASS_TRANSIENT, false, T0 + 1);
	res = apply(&f, "expired", "failed", CLASS_TRANSIENT, false, T0 + 2);
	assert_int_equal(res.effect, EFFECT_SUPPRESSED);
	assert_false(res.resend);
}

/* resend.enabled off, or a reason not in resend.reasons: no resend */
static void
resend_only_when_enabled_and_listed(void **state)
{
	struct config_resend off = rc;
	struct recipient r = { .address = "a@example.org" };
	struct lc_bounce ev = { .reason = R("expired"), .status = "4.4.7",
		.action = A("failed"), .cls = CLASS_TRANSIENT, .at = T0 };
	struct lc_result res;

	(void)state;
	off.enabled = false;
	lifecycle_recipient(LC(pc, off), &r, false, &ev, T0, &res);
	assert_false(res.resend);
	assert_int_equal(res.effect, EFFECT_SOFT);
	memset(&r, 0, sizeof(r));
	strcpy(r.address, "a@example.org");
	ev.reason = R("networkerror"); /* transient, but not in the list */
	lifecycle_recipient(LC(pc, rc), &r, false, &ev, T0, &res);
	assert_false(res.resend);
	/* Action delayed never qualifies: the MTA is still trying */
	memset(&r, 0, sizeof(r));
	strcpy(r.address, "a@example.org");
	ev.reason = R("expired");
	ev.action = A("delayed");
	ev.cls = CLASS_IGNORE;
	lifecycle_recipient(LC(pc, rc), &r, false, &ev, T0, &res);
	assert_false(res.resend);
	assert_false(res.write);
}

/* schedule by attempt, its last entry beyond the end, hint, jitter */
static void
resend_delay(void **state)
{
	(void)state;
	assert_int_equal(lifecycle_resend_delay(&rc, 0, 0, 0), 900);
	assert_int_equal(lifecycle_resend_delay(&rc, 1, 0, 0), 3600);
	assert_int_equal(lifecycle_resend_delay(&rc, 7, 0, 0), 3600);
	/* "try again in 5 minutes" overrides the first delay only */
	assert_int_equal(lifecycle_resend_delay(&rc, 0, 300, 0), 300);
	assert_int_equal(lifecycle_resend_delay(&rc, 1, 300, 0), 3600);
	/* jitter: 0..10 % of the delay, rnd picks where */
	assert_int_equal(lifecycle_resend_delay(&rc_jitter, 0, 0, 0), 900);
	assert_int_equal(lifecycle_resend_delay(&rc_jitter, 0, 0, 1000), 990);
	assert_int_equal(lifecycle_resend_delay(&rc_jitter, 0, 0, 500), 945);
	assert_int_equal(lifecycle_resend_delay(&rc_jitter, 2, 0, 1001), 14400);
	assert_int_equal(lifecycle_resend_delay(&rc_jitter, 2, 0, 1000), 15840);
}

/* seed group 1: the first hard bounce resends once, the second suppresses */
static void
confirm_hard_bounce(void **state)
{
	struct recipient r = { .address = "gone@example.org" };
	struct lc_bounce ev = { .reason = R("userunknown"), .status = "5.1.1",
		.action = A("failed"), .cls = CLASS_PERMANENT, .hard = true,
		.at = T0, .rnd = 0, .auth = AUTH_VERIFIED_TAG };
	struct lc_result res;
	bool exists = false;

	(void)state;
	lifecycle_recipient(LC(pc_confirm, rc), &r, exists, &ev, T0 + 10, &res);
	assert_int_equal(res.effect, EFFECT_CONFIRMING);
	assert_true(res.resend);
	assert_true(res.kind == KIND_CONFIRM);
	assert_int_equal(res.resend_at, T0 + 10 + 900);
	assert_int_equal(r.state, STATE_SOFT);
	assert_string_equal(r.status, "5.1.1");
	exists = true;
	/* the confirming resend bounced the same way: now suppressed */
	ev.at = T0 + 1000;
	lifecycle_recipient(LC(pc_confirm, rc), &r, exists, &ev, T0 + 1010, &res);
	assert_int_equal(res.effect, EFFECT_SUPPRESSED);
	assert_false(res.resend);
	assert_int_equal(r.state, STATE_SUPPRESSED);
	assert_int_equal(r.bounce_count, 2);
	/* a soft bounce between two hard ones starts the confirmation over */
	memset(&r, 0, sizeof(r));
	strcpy(r.address, "flaky@example.org");
	ev.at = T0;
	lifecycle_recipient(LC(pc_confirm, rc), &r, false, &ev, T0, &res);
	assert_int_equal(res.effect, EFFECT_CONFIRMING);
	ev = (struct lc_bounce){ .reason = R("mailboxfull"), .status = "4.2.2",
		.action = A("failed"), .cls = CLASS_PERMANENT, .at = T0 + 5,
		.auth = AUTH_VERIFIED_TAG };
	lifecycle_recipient(LC(pc_confirm, rc), &r, true, &ev, T0 + 5, &res);
	assert_int_equal(res.effect, EFFECT_SOFT);
	ev = (struct lc_bounce){ .reason = R("userunknown"), .status = "",
		.action = A("failed"), .cls = CLASS_PERMANENT, .hard = true,
		.at = T0 + 9, .auth = AUTH_VERIFIED_TAG };
	lifecycle_recipient(LC(pc_confirm, rc), &r, true, &ev, T0 + 9, &res);
	assert_int_equal(res.effect, EFFECT_CONFIRMING);
	assert_string_equal(r.status, "5.0.0"); /* no code: still marked */
	/* the worker's own verdict (a 5xx to the confirming copy, or a
	 * copy it could not send) is final: no second confirmation */
	{
		struct recipient r3 = { .address = "y@example.org" };
		struct lc_bounce fin = ev;

		fin.final = true;
		lifecycle_recipient(LC(pc_confirm, rc), &r3, false, &fin, T0, &res);
		assert_int_equal(res.effect, EFFECT_SUPPRESSED);
		assert_false(res.resend);
	}
	/* without resend.enabled the option cannot resend: suppress */
	{
		struct config_resend off = rc;
		struct recipient r2 = { .address = "x@example.org" };

		off.enabled = false;
		lifecycle_recipient(LC(pc_confirm, off), &r2, false, &ev, T0, &res);
		assert_int_equal(res.effect, EFFECT_SUPPRESSED);
	}
}

static void
unsuppressed_not_resuppressed_by_old_bounce(void **state)
{
	struct fx f = { 0 };
	struct lc_result res;

	(void)state;
	apply(&f, "userunknown", "failed", CLASS_PERMANENT, true, T0);
	/* a person lifts it at T0 + 1 day (what store_override() writes) */
	f.r.state = STATE_ACTIVE;
	f.r.override = OVERRIDE_UNSUPPRESSED;
	f.r.override_at = T0 + DAY;
	/* a bounce that arrived before that, processed late */
	res = apply(&f, "userunknown", "failed", CLASS_PERMANENT, true,
	    T0 + DAY - 60);
	assert_int_equal(res.effect, EFFECT_OVERRIDDEN);
	assert_int_equal(f.r.state, STATE_ACTIVE);
	assert_int_equal(f.r.bounce_count, 2);
	/* a new one after the override does suppress again */
	res = apply(&f, "userunknown", "failed", CLASS_PERMANENT, true,
	    T0 + 2 * DAY);
	assert_int_equal(res.effect, EFFECT_SUPPRESSED);
	assert_int_equal(f.r.state, STATE_SUPPRESSED);
	assert_int_equal(f.r.override, OVERRIDE_NONE);
}

static void
person_suppressed_stays(void **state)
{
	struct fx f = { 0 };
	struct lc_result res;

	(void)state;
	strcpy(f.r.address, "user@example.org");
	strcpy(f.r.domain, "example.org");
	f.exists = true;
	f.r.state = STATE_SUPPRESSED;
	f.r.override = OVERRIDE_SUPPRESSED;
	f.r.override_at = T0;
	res = apply(&f, "expired", "failed", CLASS_TRANSIENT, false, T0 + 5);
	assert_int_equal(f.r.state, STATE_SUPPRESSED);
	assert_int_equal(f.r.override, OVERRIDE_SUPPRESSED);
	assert_false(res.resend);
}

static void
effect_text(void **state)
{
	struct fx f = { 0 };
	struct lc_result res;
	char buf[64];

	(void)state;
	res = apply(&f, "mailboxfull", "failed", CLASS_PERMANENT, false, T0);
	assert_string_equal(lifecycle_effect_text(LC(pc, rc), &f.r, &res, buf,
	    sizeof(buf)), "soft 1/3");
	res = apply(&f, "expired", "failed", CLASS_TRANSIENT, false, T0 + 1);
	assert_string_equal(lifecycle_effect_text(LC(pc, rc), &f.r, &res, buf,
	    sizeof(buf)), "soft 2/3, resend scheduled");
	res = apply(&f, "userunknown", "failed", CLASS_PERMANENT, true, T0 + 2);
	assert_string_equal(lifecycle_effect_text(LC(pc, rc), &f.r, &res, buf,
	    sizeof(buf)), "suppressed");
}

/* ---- the tables of lifecycle.h, walked ---- */

/* A bounce that is event e (table 1), verified unless e is UNVERIFIED. */
static struct lc_bounce
bounce_for(enum rcpt_event e)
{
	struct lc_bounce b = { .reason = REASON_MAILBOXFULL, .status = "4.2.2",
		.action = ACTION_FAILED, .cls = CLASS_TRANSIENT, .at = T0,
		.auth = AUTH_VERIFIED_SENT };

	switch (e) {
	case EVENT_HARD:
		b.reason = REASON_USERUNKNOWN, b.status = "5.1.1";
		b.cls = CLASS_PERMANENT, b.hard = true;
		break;
	case EVENT_COMPLAINT:
		b.reason = REASON_FEEDBACK, b.status = "";
		b.action = ACTION_NONE, b.cls = CLASS_COMPLAINT;
		b.feedback = FEEDBACK_ABUSE;
		break;
	case EVENT_SOFT:
		break;
	case EVENT_SENDER:
		b.reason = REASON_BLOCKED, b.status = "5.7.1";
		b.cls = CLASS_PERMANENT;
		break;
	case EVENT_UNVERIFIED:
		b.reason = REASON_USERUNKNOWN, b.status = "5.1.1";
		b.cls = CLASS_PERMANENT, b.hard = true;
		b.auth = AUTH_FORGED;
		break;
	case EVENT_IGNORED:
		b.action = ACTION_DELAYED;
		break;
	case EVENT_DELIVERED:
		b.action = ACTION_DELIVERED, b.reason = REASON_DELIVERED;
		b.cls = CLASS_IGNORE, b.status = "2.0.0";
		break;
	case EVENT_NOT_SPAM:
		b.reason = REASON_FEEDBACK, b.status = "";
		b.action = ACTION_NONE, b.cls = CLASS_IGNORE;
		b.feedback = FEEDBACK_NOT_SPAM;
		break;
	case EVENT_COUNT:
		break;
	}
	return b;
}

/* A row in state s, as a complaint left a suppressed one (so that
 * NOT_SPAM has something to lift), with one soft bounce when soft. */
static struct recipient
row_in(enum rcpt_state s)
{
	struct recipient r = { .address = "walk@example.org",
		.domain = "example.org", .state = s };

	if (s == STATE_SOFT) {
		r.reason = REASON_MAILBOXFULL, r.soft_count = 1;
		r.soft_since = r.first_bounce_at = r.last_bounce_at = T0 - DAY;
		r.bounce_count = 1;
		strcpy(r.status, "4.2.2");
	} else if (s == STATE_SUPPRESSED) {
		r.reason = REASON_FEEDBACK, r.suppressed_at = T0 - DAY;
		r.bounce_count = 1;
		r.first_bounce_at = r.last_bounce_at = T0 - DAY;
	}
	return r;
}

/*
 * Table 2 of lifecycle.h, written out again here from the header, not
 * from the code: the state each (state, event) pair leaves, and whether
 * the failure is counted.
 */
static const struct {
	enum rcpt_state to;
	bool counted;
} table2[STATE_COUNT][EVENT_COUNT] = {
	[STATE_ACTIVE] = {
		[EVENT_HARD] = { STATE_SUPPRESSED, true },
		[EVENT_COMPLAINT] = { STATE_SUPPRESSED, true },
		[EVENT_SOFT] = { STATE_SOFT, true },
		[EVENT_SENDER] = { STATE_ACTIVE, false },
		[EVENT_UNVERIFIED] = { STATE_ACTIVE, false },
		[EVENT_IGNORED] = { STATE_ACTIVE, false },
		[EVENT_DELIVERED] = { STATE_ACTIVE, false },
		[EVENT_NOT_SPAM] = { STATE_ACTIVE, false },
	},
	[STATE_SOFT] = {
		[EVENT_HARD] = { STATE_SUPPRESSED, true },
		[EVENT_COMPLAINT] = { STATE_SUPPRESSED, true },
		[EVENT_SOFT] = { STATE_SOFT, true },
		[EVENT_SENDER] = { STATE_SOFT, false },
		[EVENT_UNVERIFIED] = { STATE_SOFT, false },
		[EVENT_IGNORED] = { STATE_SOFT, false },
		[EVENT_DELIVERED] = { STATE_ACTIVE, false },
		[EVENT_NOT_SPAM] = { STATE_SOFT, false },
	},
	[STATE_SUPPRESSED] = {
		[EVENT_HARD] = { STATE_SUPPRESSED, true },
		[EVENT_COMPLAINT] = { STATE_SUPPRESSED, true },
		[EVENT_SOFT] = { STATE_SUPPRESSED, true },
		[EVENT_SENDER] = { STATE_SUPPRESSED, false },
		[EVENT_UNVERIFIED] = { STATE_SUPPRESSED, false },
		[EVENT_IGNORED] = { STATE_SUPPRESSED, false },
		[EVENT_DELIVERED] = { STATE_SUPPRESSED, false },
		[EVENT_NOT_SPAM] = { STATE_ACTIVE, false },
	},
};

static void
walk_recipient_table(void **state)
{
	/* a proof configured: UNVERIFIED is reachable */
	struct lc_conf c = { &pc_senders, &rc, true };
	struct lc_result res;
	unsigned s, e;

	(void)state;
	for (s = 0; s < STATE_COUNT; s++)
		for (e = 0; e < EVENT_COUNT; e++) {
			struct recipient r = row_in((enum rcpt_state)s);
			struct lc_bounce b = bounce_for((enum rcpt_event)e);
			int64_t before = r.bounce_count;

			print_message("%s x %s\n",
			    rcpt_state_name((enum rcpt_state)s),
			    rcpt_event_name((enum rcpt_event)e));
			assert_int_equal(lifecycle_event(&c, &b), e);
			lifecycle_recipient(&c, &r, true, &b, T0 + 10, &res);
			assert_int_equal(res.event, e);
			assert_int_equal(r.state, table2[s][e].to);
			assert_int_equal(r.bounce_count - before,
			    table2[s][e].counted ? 1 : 0);
			/* no write without a change, none missed */
			if (!table2[s][e].counted && table2[s][e].to ==
			    (enum rcpt_state)s && e != EVENT_DELIVERED)
				assert_false(res.write);
			/* never a resend to a suppressed address */
			if (r.state == STATE_SUPPRESSED)
				assert_false(res.resend);
		}
}

/* Table 1's proof rule: without proof nothing changes, whatever it says. */
static void
unverified_changes_nothing(void **state)
{
	struct lc_conf proof = { &pc, &rc, true }, none = { &pc, &rc, false };
	struct config_policy accept = pc;
	struct lc_conf lax = { &accept, &rc, true };
	struct lc_bounce b = bounce_for(EVENT_HARD);
	struct recipient r = row_in(STATE_ACTIVE);
	struct lc_result res;
	unsigned a;

	(void)state;
	accept.accept_unverified = true;
	for (a = 0; a < AUTH_COUNT; a++) {
		b.auth = (enum authenticity)a;
		r = row_in(STATE_ACTIVE);
		lifecycle_recipient(&proof, &r, true, &b, T0, &res);
		if (lifecycle_verified(b.auth)) {
			assert_int_equal(r.state, STATE_SUPPRESSED);
		} else {
			assert_int_equal(res.effect, EFFECT_UNVERIFIED);
			assert_int_equal(r.state, STATE_ACTIVE);
			assert_false(res.write);
		}
		/* no proof configured: as before issue 13 */
		r = row_in(STATE_ACTIVE);
		lifecycle_recipient(&none, &r, true, &b, T0, &res);
		assert_int_equal(r.state, STATE_SUPPRESSED);
		/* policy.accept_unverified */
		r = row_in(STATE_ACTIVE);
		lifecycle_recipient(&lax, &r, true, &b, T0, &res);
		assert_int_equal(r.state, STATE_SUPPRESSED);
	}
	/* a transient failure resends only when verified, proof or not */
	b = bounce_for(EVENT_SOFT);
	b.reason = REASON_EXPIRED;
	for (a = 0; a < AUTH_COUNT; a++) {
		b.auth = (enum authenticity)a;
		r = row_in(STATE_ACTIVE);
		lifecycle_recipient(&none, &r, true, &b, T0, &res);
		assert_int_equal(res.resend, lifecycle_verified(b.auth));
	}
}

/* Five reputation blocks leave the recipient active (issue 13). */
static void
five_reputation_blocks(void **state)
{
	struct lc_conf c = { &pc_senders, &rc, true };
	struct lc_bounce b = bounce_for(EVENT_SENDER);
	struct recipient r = row_in(STATE_ACTIVE);
	struct lc_result res;
	int i;

	(void)state;
	b.reason = REASON_BADREPUTATION;
	for (i = 0; i < 5; i++) {
		b.at = T0 + i * 3600;
		lifecycle_recipient(&c, &r, true, &b, b.at, &res);
		assert_int_equal(res.effect, EFFECT_SENDER);
	}
	assert_int_equal(r.state, STATE_ACTIVE);
	assert_int_equal(r.bounce_count, 0);
}

/* policy.hard_reasons and the rest move a reason's effect. */
static void
reason_effects(void **state)
{
	struct config_policy p = pc;
	struct lc_conf c = { &p, &rc, false };
	struct lc_bounce b = bounce_for(EVENT_SOFT);

	(void)state;
	assert_int_equal(lifecycle_event(&c, &b), EVENT_SOFT);
	p.effect[REASON_MAILBOXFULL] = CONFIG_EFFECT_HARD;
	assert_int_equal(lifecycle_event(&c, &b), EVENT_HARD);
	p.effect[REASON_MAILBOXFULL] = CONFIG_EFFECT_IGNORE;
	assert_int_equal(lifecycle_event(&c, &b), EVENT_IGNORED);
	p.effect[REASON_MAILBOXFULL] = CONFIG_EFFECT_SENDER;
	assert_int_equal(lifecycle_event(&c, &b), EVENT_SENDER);
	/* a hard bounce or a complaint is the person's, sender list or not */
	b = bounce_for(EVENT_HARD);
	p.effect[REASON_USERUNKNOWN] = CONFIG_EFFECT_SENDER;
	assert_int_equal(lifecycle_event(&c, &b), EVENT_HARD);
	p.effect[REASON_USERUNKNOWN] = CONFIG_EFFECT_SOFT;
	assert_int_equal(lifecycle_event(&c, &b), EVENT_SOFT);
}

static void
authenticity_cases(void **state)
{
	const char *me = "a@example.org", *other = "b@example.org";

	(void)state;
	assert_int_equal(lifecycle_authenticity(TAG_VALID, me, false, me),
	    AUTH_VERIFIED_TAG);
	assert_int_equal(lifecycle_authenticity(TAG_VALID, other, false, me),
	    AUTH_FORGED);
	assert_int_equal(lifecycle_authenticity(TAG_VALID, other, true, me),
	    AUTH_VERIFIED_SENT);
	assert_int_equal(lifecycle_authenticity(TAG_EXPIRED, me, false, me),
	    AUTH_FORGED);
	assert_int_equal(lifecycle_authenticity(TAG_FORGED, "", false, me),
	    AUTH_FORGED);
	assert_int_equal(lifecycle_authenticity(TAG_NONE, "", false, me),
	    AUTH_UNVERIFIED);
	assert_int_equal(lifecycle_authenticity(TAG_NONE, "", true, me),
	    AUTH_VERIFIED_SENT);
	/* the message's own, from its tag alone */
	assert_int_equal(lifecycle_tag_authenticity(TAG_VALID),
	    AUTH_VERIFIED_TAG);
	assert_int_equal(lifecycle_tag_authenticity(TAG_EXPIRED), AUTH_FORGED);
	assert_int_equal(lifecycle_tag_authenticity(TAG_FORGED), AUTH_FORGED);
	assert_int_equal(lifecycle_tag_authenticity(TAG_NONE),
	    AUTH_UNVERIFIED);
}

/*
 * Table 3 of lifecycle.h, written out from the header: the state each
 * outcome moves each state to, without (0) and with (1) another resend
 * waiting for the pair. RESEND_STATE_COUNT: "stays".
 */
#define STAYS RESEND_STATE_COUNT
static const enum resend_state table3[RESEND_STATE_COUNT][OUTCOME_COUNT][2] = {
	[RESEND_PENDING] = {
		[OUTCOME_SENT] = { RESEND_SENT, RESEND_SENT },
		[OUTCOME_DEFERRED] = { RESEND_DEFERRED, RESEND_DEFERRED },
		[OUTCOME_FAILED] = { RESEND_FAILED, RESEND_FAILED },
		[OUTCOME_GAVE_UP] = { RESEND_GAVE_UP, RESEND_GAVE_UP },
		[OUTCOME_CANNOT] = { RESEND_CANNOT, RESEND_CANNOT },
		[OUTCOME_BOUNCED] = { STAYS, STAYS },
	},
	[RESEND_DEFERRED] = {
		[OUTCOME_SENT] = { RESEND_SENT, RESEND_SENT },
		[OUTCOME_DEFERRED] = { RESEND_DEFERRED, RESEND_DEFERRED },
		[OUTCOME_FAILED] = { RESEND_FAILED, RESEND_FAILED },
		[OUTCOME_GAVE_UP] = { RESEND_GAVE_UP, RESEND_GAVE_UP },
		[OUTCOME_CANNOT] = { RESEND_CANNOT, RESEND_CANNOT },
		[OUTCOME_BOUNCED] = { STAYS, STAYS },
	},
	[RESEND_SENT] = {
		[OUTCOME_SENT] = { RESEND_SENT, RESEND_SENT },
		[OUTCOME_DEFERRED] = { RESEND_DEFERRED, RESEND_GAVE_UP },
		[OUTCOME_FAILED] = { RESEND_FAILED, RESEND_FAILED },
		[OUTCOME_GAVE_UP] = { RESEND_GAVE_UP, RESEND_GAVE_UP },
		[OUTCOME_CANNOT] = { RESEND_CANNOT, RESEND_CANNOT },
		[OUTCOME_BOUNCED] = { STAYS, STAYS },
	},
	[RESEND_CANCELLED] = {
		[OUTCOME_SENT] = { STAYS, STAYS },
		[OUTCOME_DEFERRED] = { STAYS, STAYS },
		[OUTCOME_BOUNCED] = { STAYS, STAYS },
	},
};

static void
walk_resend_table(void **state)
{
	unsigned s, o, w;
	bool requeue;

	(void)state;
	for (s = 0; s < RESEND_STATE_COUNT; s++)
		for (o = 0; o < OUTCOME_COUNT; o++)
			for (w = 0; w < 2; w++) {
				enum resend_state want = table3[s][o][w];
				enum resend_state got;

				/* the worker never reaches the pairs the
				 * header leaves blank: final states take
				 * no attempt */
				if (want == 0 && s != RESEND_PENDING &&
				    s != RESEND_DEFERRED && s != RESEND_SENT &&
				    !(s == RESEND_CANCELLED &&
				      (o == OUTCOME_DEFERRED ||
				       o == OUTCOME_SENT ||
				       o == OUTCOME_BOUNCED)))
					continue;
				got = lifecycle_resend_state(
				    (enum resend_state)s,
				    (enum resend_outcome)o, w == 1, &requeue);
				print_message("%s x %s (%s)\n",
				    resend_state_name((enum resend_state)s),
				    resend_outcome_name((enum resend_outcome)o),
				    w ? "another waits" : "alone");
				assert_int_equal(got, want == STAYS ? s : want);
				/* next_at applies only to a deferral */
				assert_int_equal(requeue,
				    o == OUTCOME_DEFERRED &&
				    got == RESEND_DEFERRED);
			}
}

static void
resend_due_steps(void **state)
{
	struct lc_resend rs = { KIND_TRANSIENT, RESEND_PENDING,
		REASON_EXPIRED, 0, T0 };
	struct lc_rate rate = { 0, 0 };
	const char *why;
	int64_t at;

	(void)state;
	assert_int_equal(lifecycle_resend_due(&rc, &rs, false, &rate, T0 + 60,
	    &at, &why), STEP_SEND);
	assert_int_equal(lifecycle_resend_due(&rc, &rs, true, &rate, T0 + 60,
	    &at, &why), STEP_CANCEL);
	rate.hour = 100;
	assert_int_equal(lifecycle_resend_due(&rc, &rs, false, &rate, T0 + 60,
	    &at, &why), STEP_POSTPONE);
	assert_int_equal(at, T0 + 60 + 360);
	assert_string_equal(why, "resend.max_per_hour reached");
	rate.hour = 99, rate.domain_hour = 20;
	assert_int_equal(lifecycle_resend_due(&rc, &rs, false, &rate, T0 + 60,
	    &at, &why), STEP_POSTPONE);
	assert_string_equal(why, "resend.max_per_domain_per_hour reached");
	rate.domain_hour = 19;
	assert_int_equal(lifecycle_resend_due(&rc, &rs, false, &rate, T0 + 60,
	    &at, &why), STEP_SEND);
	rs.attempts = 3;
	assert_int_equal(lifecycle_resend_due(&rc, &rs, false, &rate, T0 + 60,
	    &at, &why), STEP_GIVE_UP);
	rs.attempts = 0;
	assert_int_equal(lifecycle_resend_due(&rc, &rs, false, &rate,
	    T0 + 2 * DAY + 1, &at, &why), STEP_GIVE_UP);
}

static void
resend_results(void **state)
{
	struct lc_resend rs = { KIND_TRANSIENT, RESEND_PENDING,
		REASON_EXPIRED, 0, T0 };
	struct lc_resend_result res;

	(void)state;
	lifecycle_resend_result(&rc, &rs, DELIVERY_SENT, T0, 0, &res);
	assert_int_equal(res.outcome, OUTCOME_SENT);
	assert_true(res.counts);
	assert_false(res.address_hard);
	lifecycle_resend_result(&rc, &rs, DELIVERY_REFUSED, T0, 0, &res);
	assert_int_equal(res.outcome, OUTCOME_FAILED);
	assert_true(res.address_hard);
	lifecycle_resend_result(&rc, &rs, DELIVERY_DEFERRED, T0, 0, &res);
	assert_int_equal(res.outcome, OUTCOME_DEFERRED);
	assert_int_equal(res.next_at, T0 + 3600);
	assert_true(res.counts);
	/* our configuration: no attempt used, the first delay again */
	lifecycle_resend_result(&rc, &rs, DELIVERY_CONFIG, T0, 0, &res);
	assert_int_equal(res.outcome, OUTCOME_DEFERRED);
	assert_int_equal(res.next_at, T0 + 900);
	assert_false(res.counts);
	rs.attempts = 2;
	lifecycle_resend_result(&rc, &rs, DELIVERY_DEFERRED, T0, 0, &res);
	assert_int_equal(res.outcome, OUTCOME_GAVE_UP);
	assert_false(res.address_hard);
	/* a confirming resend that ends unsent: the hard bounce stands */
	rs.kind = KIND_CONFIRM;
	lifecycle_resend_end(&rs, OUTCOME_CANNOT, &res);
	assert_true(res.address_hard);
	/* the bounce of a resent copy */
	rs.kind = KIND_TRANSIENT, rs.attempts = 1;
	lifecycle_resend_bounced(&rc, &rs, CLASS_TRANSIENT, false,
	    REASON_EXPIRED, T0, 0, &res);
	assert_int_equal(res.outcome, OUTCOME_DEFERRED);
	assert_int_equal(res.next_at, T0 + 3600);
	lifecycle_resend_bounced(&rc, &rs, CLASS_PERMANENT, true,
	    REASON_USERUNKNOWN, T0, 0, &res);
	assert_int_equal(res.outcome, OUTCOME_FAILED);
	rs.kind = KIND_CONFIRM;
	lifecycle_resend_bounced(&rc, &rs, CLASS_TRANSIENT, false,
	    REASON_EXPIRED, T0, 0, &res);
	assert_int_equal(res.outcome, OUTCOME_GAVE_UP);
}

/* Every enum has one name, and reads back from it. */
static void
names_round_trip(void **state)
{
	unsigned i;

	(void)state;
	for (i = 0; i < STATE_COUNT; i++)
		assert_int_equal(rcpt_state_from_name(
		    rcpt_state_name((enum rcpt_state)i)), i);
	for (i = 0; i < OVERRIDE_COUNT; i++)
		assert_int_equal(rcpt_override_from_name(
		    rcpt_override_name((enum rcpt_override)i)), i);
	for (i = 0; i < ACTION_COUNT; i++)
		assert_int_equal(dsn_action_from_name(
		    dsn_action_name((enum dsn_action)i)), i);
	for (i = 0; i < FEEDBACK_COUNT; i++)
		assert_int_equal(feedback_from_name(
		    feedback_name((enum feedback)i)), i);
	assert_int_equal(feedback_from_name("dkim-complaint"),
	    FEEDBACK_OTHER);
	for (i = 0; i < AUTH_COUNT; i++)
		assert_int_equal(authenticity_from_name(
		    authenticity_name((enum authenticity)i)), i);
	for (i = 0; i < KIND_COUNT; i++)
		assert_int_equal(resend_kind_from_name(
		    resend_kind_name((enum resend_kind)i)), i);
	for (i = 0; i < RESEND_STATE_COUNT; i++)
		assert_int_equal(resend_state_from_name(
		    resend_state_name((enum resend_state)i)), i);
	for (i = 0; i < OUTCOME_COUNT; i++)
		assert_int_equal(resend_outcome_from_name(
		    resend_outcome_name((enum resend_outcome)i)), i);
	for (i = 0; i < EFFECT_COUNT; i++)
		assert_non_null(lc_effect_name((enum lc_effect)i));
	for (i = 0; i < EVENT_COUNT; i++)
		assert_non_null(rcpt_event_name((enum rcpt_event)i));
	assert_int_equal(resend_state_from_name("bogus"), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hard_suppresses),
		cmocka_unit_test(complaint_suppresses),
		cmocka_unit_test(soft_limit_in_window),
		cmocka_unit_test(soft_window_restarts),
		cmocka_unit_test(soft_decays_after_quiet),
		cmocka_unit_test(delivered_resets),
		cmocka_unit_test(delivered_unknown_address_creates_nothing),
		cmocka_unit_test(ignored_actions_change_nothing),
		cmocka_unit_test(transient_schedules_resend),
		cmocka_unit_test(resend_only_when_enabled_and_listed),
		cmocka_unit_test(resend_delay),
		cmocka_unit_test(confirm_hard_bounce),
		cmocka_unit_test(unsuppressed_not_resuppressed_by_old_bounce),
		cmocka_unit_test(person_suppressed_stays),
		cmocka_unit_test(effect_text),
		cmocka_unit_test(senders_problem_not_counted),
		cmocka_unit_test(not_spam_lifts_complaint),
		cmocka_unit_test(walk_recipient_table),
		cmocka_unit_test(unverified_changes_nothing),
		cmocka_unit_test(five_reputation_blocks),
		cmocka_unit_test(reason_effects),
		cmocka_unit_test(authenticity_cases),
		cmocka_unit_test(walk_resend_table),
		cmocka_unit_test(resend_due_steps),
		cmocka_unit_test(resend_results),
		cmocka_unit_test(names_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
