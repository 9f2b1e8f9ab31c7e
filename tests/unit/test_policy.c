/*
 * Recipient-state transitions (daemon/policy.c) with an injected clock:
 * hard, complaint, soft counting within a window, decay, delivered reset,
 * ignored actions, overrides by a person, resend scheduling.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "daemon/policy.h"

#define DAY 86400
#define T0 1767225600 /* 2026-01-01T00:00:00Z */

static const struct config_policy pc = { .soft_limit = 3,
	.soft_window = 7 * DAY, .soft_decay = 30 * DAY };
static char rs1[] = "expired", rs2[] = "toomanyconn", rs3[] = "systemfull";
static char *reasons[] = { rs1, rs2, rs3 };
static const struct config_resend rc = { .enabled = true,
	.schedule = { 900, 3600 }, .nschedule = 2, .max_attempts = 3,
	.reasons = reasons, .nreasons = 3 };
/* confirm_hard_bounce on, jitter 10 % */
static const struct config_policy pc_confirm = { .soft_limit = 3,
	.soft_window = 7 * DAY, .soft_decay = 30 * DAY, .confirm_hard = true };
static const struct config_resend rc_jitter = { .enabled = true,
	.schedule = { 900, 3600, 14400 }, .nschedule = 3, .max_attempts = 3,
	.jitter = 10, .reasons = reasons, .nreasons = 3 };

/* the default policy.sender_reasons, in part */
static char sr1[] = "blocked", sr2[] = "badreputation", sr3[] = "toomanyconn";
static char *senders[] = { sr1, sr2, sr3 };
static const struct config_policy pc_senders = { .soft_limit = 3,
	.soft_window = 7 * DAY, .soft_decay = 30 * DAY,
	.sender_reasons = senders, .nsender_reasons = 3 };

struct fx {
	struct store_recipient r;
	bool exists;
};

static struct policy_result
apply(struct fx *f, const char *reason, const char *action,
    enum bounce_class cls, bool hard, int64_t at)
{
	struct policy_event ev = { .reason = reason, .status = "5.0.0",
		.action = action, .cls = cls, .hard = hard, .at = at };
	struct policy_result res;

	if (!f->exists && f->r.address[0] == '\0')
		strcpy(f->r.address, "user@example.org");
	policy_apply(&pc, &rc, &f->r, f->exists, &ev, at + 10, &res);
	if (res.write)
		f->exists = true;
	return res;
}

/* apply() under pc_senders */
static struct policy_result
apply_senders(struct fx *f, const char *reason, enum bounce_class cls,
    int64_t at)
{
	struct policy_event ev = { .reason = reason, .status = "5.7.1",
		.action = "failed", .cls = cls, .at = at };
	struct policy_result res;

	if (!f->exists && f->r.address[0] == '\0')
		strcpy(f->r.address, "user@example.org");
	policy_apply(&pc_senders, &rc, &f->r, f->exists, &ev, at + 10, &res);
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
	struct policy_result res;
	int i;

	(void)state;
	for (i = 0; i < 5; i++) {
		res = apply_senders(&f, i % 2 ? "badreputation" : "blocked",
		    CLASS_PERMANENT, T0 + i * DAY);
		assert_int_equal(res.effect, POLICY_SENDERS);
		assert_false(res.write);
		assert_false(res.resend);
	}
	assert_false(f.exists);
	/* the row of a known address is not touched either */
	res = apply_senders(&f, "mailboxfull", CLASS_TRANSIENT, T0 + 6 * DAY);
	assert_int_equal(res.effect, POLICY_SOFT);
	assert_int_equal(f.r.soft_count, 1);
	res = apply_senders(&f, "blocked", CLASS_PERMANENT, T0 + 6 * DAY + 60);
	assert_int_equal(res.effect, POLICY_SENDERS);
	assert_false(res.write);
	assert_int_equal(f.r.soft_count, 1);
	assert_int_equal(f.r.state, STATE_SOFT);
	/* a rate limit: not counted, but worth a resend */
	res = apply_senders(&f, "toomanyconn", CLASS_TRANSIENT, T0 + 7 * DAY);
	assert_int_equal(res.effect, POLICY_SENDERS);
	assert_true(res.resend);
	assert_int_equal(res.resend_at, T0 + 7 * DAY + 10 + 900);
	{
		char buf[64];

		assert_string_equal(policy_effect_text(&pc_senders, &f.r,
					&res, buf, sizeof(buf)),
		    "the sender's problem, not counted; resend scheduled");
	}
	/* the same reasons count where policy.sender_reasons is [] (pc) */
	memset(&f, 0, sizeof(f));
	for (i = 0; i < 3; i++)
		res = apply(&f, "blocked", "failed", CLASS_PERMANENT, false,
		    T0 + i * DAY);
	assert_int_equal(res.effect, POLICY_SUPPRESSED);
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
	struct policy_result res;
	struct policy_event ev = { .reason = "feedback", .status = "",
		.cls = CLASS_IGNORE, .at = T0 + DAY,
		.feedback_type = "not-spam", .verified = true };

	(void)state;
	/* not-spam for an address we know nothing of: no row */
	strcpy(f.r.address, "user@example.org");
	policy_apply(&pc, &rc, &f.r, false, &ev, T0 + DAY, &res);
	assert_int_equal(res.effect, POLICY_RECORDED);
	assert_false(res.write);
	res = apply(&f, "feedback", NULL, CLASS_COMPLAINT, false, T0);
	assert_int_equal(res.effect, POLICY_SUPPRESSED);
	/* a report anyone could have forged lifts nothing */
	ev.verified = false;
	policy_apply(&pc, &rc, &f.r, true, &ev, T0 + DAY, &res);
	assert_int_equal(res.effect, POLICY_RECORDED);
	assert_int_equal(f.r.state, STATE_SUPPRESSED);
	ev.verified = true;
	policy_apply(&pc, &rc, &f.r, true, &ev, T0 + DAY, &res);
	assert_int_equal(res.effect, POLICY_WITHDRAWN);
	assert_true(res.write);
	assert_int_equal(f.r.state, STATE_ACTIVE);
	/* a hard bounce's suppression stands */
	memset(&f, 0, sizeof(f));
	res = apply(&f, "userunknown", "failed", CLASS_PERMANENT, true, T0);
	policy_apply(&pc, &rc, &f.r, true, &ev, T0 + DAY, &res);
	assert_int_equal(res.effect, POLICY_RECORDED);
	assert_int_equal(f.r.state, STATE_SUPPRESSED);
	/* so does a person's */
	memset(&f, 0, sizeof(f));
	res = apply(&f, "feedback", NULL, CLASS_COMPLAINT, false, T0);
	f.r.override = OVERRIDE_SUPPRESSED;
	f.r.override_at = T0 + 60;
	policy_apply(&pc, &rc, &f.r, true, &ev, T0 + DAY, &res);
	assert_int_equal(f.r.state, STATE_SUPPRESSED);
	/* auth-failure: about our authentication, recorded only */
	memset(&f, 0, sizeof(f));
	ev.feedback_type = "auth-failure";
	strcpy(f.r.address, "user@example.org");
	policy_apply(&pc, &rc, &f.r, false, &ev, T0 + DAY, &res);
	assert_int_equal(res.effect, POLICY_RECORDED);
	assert_false(res.write);
}

static void
hard_suppresses(void **state)
{
	struct fx f = { 0 };
	struct policy_result res;

	(void)state;
	res = apply(&f, "userunknown", "failed", CLASS_PERMANENT, true, T0);
	assert_int_equal(res.effect, POLICY_SUPPRESSED);
	assert_true(res.write);
	assert_false(res.resend);
	assert_int_equal(f.r.state, STATE_SUPPRESSED);
	assert_string_equal(f.r.reason, "userunknown");
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
	struct policy_result res;

	(void)state;
	res = apply(&f, "feedback", NULL, CLASS_COMPLAINT, false, T0);
	assert_int_equal(res.effect, POLICY_SUPPRESSED);
	assert_string_equal(f.r.reason, "feedback");
}

static void
soft_limit_in_window(void **state)
{
	struct fx f = { 0 };
	struct policy_result res;

	(void)state;
	res = apply(&f, "mailboxfull", "failed", CLASS_PERMANENT, false, T0);
	assert_int_equal(res.effect, POLICY_SOFT);
	assert_int_equal(f.r.state, STATE_SOFT);
	assert_int_equal(f.r.soft_count, 1);
	res = apply(&f, "mailboxfull", "failed", CLASS_PERMANENT, false,
	    T0 + DAY);
	assert_int_equal(f.r.soft_count, 2);
	assert_int_equal(f.r.state, STATE_SOFT);
	res = apply(&f, "mailboxfull", "failed", CLASS_PERMANENT, false,
	    T0 + 2 * DAY);
	assert_int_equal(res.effect, POLICY_SUPPRESSED);
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
	struct policy_event ev = { .reason = "mailboxfull", .status = "4.2.2",
		.action = "failed", .cls = CLASS_PERMANENT, .at = T0 };
	struct policy_result res;

	(void)state;
	wide.soft_window = 365 * DAY; /* only the decay can reset it */
	strcpy(f.r.address, "user@example.org");
	policy_apply(&wide, &rc, &f.r, false, &ev, T0, &res);
	ev.at = T0 + DAY;
	policy_apply(&wide, &rc, &f.r, true, &ev, ev.at, &res);
	assert_int_equal(f.r.soft_count, 2);
	ev.at = T0 + DAY + 31 * DAY; /* quiet for 31 days > 30 */
	policy_apply(&wide, &rc, &f.r, true, &ev, ev.at, &res);
	assert_int_equal(f.r.soft_count, 1);
	assert_int_equal(f.r.state, STATE_SOFT);
}

static void
delivered_resets(void **state)
{
	struct fx f = { 0 };
	struct policy_result res;

	(void)state;
	apply(&f, "mailboxfull", "failed", CLASS_PERMANENT, false, T0);
	apply(&f, "mailboxfull", "failed", CLASS_PERMANENT, false, T0 + 1);
	res = apply(&f, "delivered", "delivered", CLASS_IGNORE, false, T0 + 2);
	assert_int_equal(res.effect, POLICY_RESET);
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
	struct policy_result res;

	(void)state;
	res = apply(&f, "delivered", "delivered", CLASS_IGNORE, false, T0);
	assert_int_equal(res.effect, POLICY_RECORDED);
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
		struct policy_result res;

		apply(&f, "mailboxfull", "failed", CLASS_PERMANENT, false, T0);
		res = apply(&f, cases[i].reason, cases[i].action, cases[i].cls,
		    false, T0 + 5);
		assert_int_equal(res.effect, POLICY_RECORDED);
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
	struct policy_result res;

	(void)state;
	res = apply(&f, "expired", "failed", CLASS_TRANSIENT, false, T0);
	assert_true(res.resend);
	assert_int_equal(res.resend_at, T0 + 10 + 900); /* now + schedule[0] */
	assert_int_equal(res.effect, POLICY_SOFT);
	/* the third soft bounce suppresses: no resend to a suppressed one */
	apply(&f, "expired", "failed", CLASS_TRANSIENT, false, T0 + 1);
	res = apply(&f, "expired", "failed", CLASS_TRANSIENT, false, T0 + 2);
	assert_int_equal(res.effect, POLICY_SUPPRESSED);
	assert_false(res.resend);
}

/* resend.enabled off, or a reason not in resend.reasons: no resend */
static void
resend_only_when_enabled_and_listed(void **state)
{
	struct config_resend off = rc;
	struct store_recipient r = { .address = "a@example.org" };
	struct policy_event ev = { .reason = "expired", .status = "4.4.7",
		.action = "failed", .cls = CLASS_TRANSIENT, .at = T0 };
	struct policy_result res;

	(void)state;
	off.enabled = false;
	policy_apply(&pc, &off, &r, false, &ev, T0, &res);
	assert_false(res.resend);
	assert_int_equal(res.effect, POLICY_SOFT);
	memset(&r, 0, sizeof(r));
	strcpy(r.address, "a@example.org");
	ev.reason = "networkerror"; /* transient, but not in the list */
	policy_apply(&pc, &rc, &r, false, &ev, T0, &res);
	assert_false(res.resend);
	/* Action delayed never qualifies: the MTA is still trying */
	memset(&r, 0, sizeof(r));
	strcpy(r.address, "a@example.org");
	ev.reason = "expired";
	ev.action = "delayed";
	ev.cls = CLASS_IGNORE;
	policy_apply(&pc, &rc, &r, false, &ev, T0, &res);
	assert_false(res.resend);
	assert_false(res.write);
}

/* schedule by attempt, its last entry beyond the end, hint, jitter */
static void
resend_delay(void **state)
{
	(void)state;
	assert_int_equal(policy_resend_delay(&rc, 0, 0, 0), 900);
	assert_int_equal(policy_resend_delay(&rc, 1, 0, 0), 3600);
	assert_int_equal(policy_resend_delay(&rc, 7, 0, 0), 3600);
	/* "try again in 5 minutes" overrides the first delay only */
	assert_int_equal(policy_resend_delay(&rc, 0, 300, 0), 300);
	assert_int_equal(policy_resend_delay(&rc, 1, 300, 0), 3600);
	/* jitter: 0..10 % of the delay, rnd picks where */
	assert_int_equal(policy_resend_delay(&rc_jitter, 0, 0, 0), 900);
	assert_int_equal(policy_resend_delay(&rc_jitter, 0, 0, 1000), 990);
	assert_int_equal(policy_resend_delay(&rc_jitter, 0, 0, 500), 945);
	assert_int_equal(policy_resend_delay(&rc_jitter, 2, 0, 1001), 14400);
	assert_int_equal(policy_resend_delay(&rc_jitter, 2, 0, 1000), 15840);
}

/* seed group 1: the first hard bounce resends once, the second suppresses */
static void
confirm_hard_bounce(void **state)
{
	struct store_recipient r = { .address = "gone@example.org" };
	struct policy_event ev = { .reason = "userunknown", .status = "5.1.1",
		.action = "failed", .cls = CLASS_PERMANENT, .hard = true,
		.at = T0, .rnd = 0 };
	struct policy_result res;
	bool exists = false;

	(void)state;
	policy_apply(&pc_confirm, &rc, &r, exists, &ev, T0 + 10, &res);
	assert_int_equal(res.effect, POLICY_CONFIRMING);
	assert_true(res.resend);
	assert_true(res.confirm);
	assert_int_equal(res.resend_at, T0 + 10 + 900);
	assert_int_equal(r.state, STATE_SOFT);
	assert_string_equal(r.status, "5.1.1");
	exists = true;
	/* the confirming resend bounced the same way: now suppressed */
	ev.at = T0 + 1000;
	policy_apply(&pc_confirm, &rc, &r, exists, &ev, T0 + 1010, &res);
	assert_int_equal(res.effect, POLICY_SUPPRESSED);
	assert_false(res.resend);
	assert_int_equal(r.state, STATE_SUPPRESSED);
	assert_int_equal(r.bounce_count, 2);
	/* a soft bounce between two hard ones starts the confirmation over */
	memset(&r, 0, sizeof(r));
	strcpy(r.address, "flaky@example.org");
	ev.at = T0;
	policy_apply(&pc_confirm, &rc, &r, false, &ev, T0, &res);
	assert_int_equal(res.effect, POLICY_CONFIRMING);
	ev = (struct policy_event){ .reason = "mailboxfull", .status = "4.2.2",
		.action = "failed", .cls = CLASS_PERMANENT, .at = T0 + 5 };
	policy_apply(&pc_confirm, &rc, &r, true, &ev, T0 + 5, &res);
	assert_int_equal(res.effect, POLICY_SOFT);
	ev = (struct policy_event){ .reason = "userunknown", .status = "",
		.action = "failed", .cls = CLASS_PERMANENT, .hard = true,
		.at = T0 + 9 };
	policy_apply(&pc_confirm, &rc, &r, true, &ev, T0 + 9, &res);
	assert_int_equal(res.effect, POLICY_CONFIRMING);
	assert_string_equal(r.status, "5.0.0"); /* no code: still marked */
	/* the worker's own verdict (a 5xx to the confirming copy, or a
	 * copy it could not send) is final: no second confirmation */
	{
		struct store_recipient r3 = { .address = "y@example.org" };
		struct policy_event fin = ev;

		fin.final = true;
		policy_apply(&pc_confirm, &rc, &r3, false, &fin, T0, &res);
		assert_int_equal(res.effect, POLICY_SUPPRESSED);
		assert_false(res.resend);
	}
	/* without resend.enabled the option cannot resend: suppress */
	{
		struct config_resend off = rc;
		struct store_recipient r2 = { .address = "x@example.org" };

		off.enabled = false;
		policy_apply(&pc_confirm, &off, &r2, false, &ev, T0, &res);
		assert_int_equal(res.effect, POLICY_SUPPRESSED);
	}
}

static void
unsuppressed_not_resuppressed_by_old_bounce(void **state)
{
	struct fx f = { 0 };
	struct policy_result res;

	(void)state;
	apply(&f, "userunknown", "failed", CLASS_PERMANENT, true, T0);
	/* a person lifts it at T0 + 1 day (what store_override() writes) */
	f.r.state = STATE_ACTIVE;
	f.r.override = OVERRIDE_UNSUPPRESSED;
	f.r.override_at = T0 + DAY;
	/* a bounce that arrived before that, processed late */
	res = apply(&f, "userunknown", "failed", CLASS_PERMANENT, true,
	    T0 + DAY - 60);
	assert_int_equal(res.effect, POLICY_OVERRIDDEN);
	assert_int_equal(f.r.state, STATE_ACTIVE);
	assert_int_equal(f.r.bounce_count, 2);
	/* a new one after the override does suppress again */
	res = apply(&f, "userunknown", "failed", CLASS_PERMANENT, true,
	    T0 + 2 * DAY);
	assert_int_equal(res.effect, POLICY_SUPPRESSED);
	assert_int_equal(f.r.state, STATE_SUPPRESSED);
	assert_int_equal(f.r.override, OVERRIDE_NONE);
}

static void
person_suppressed_stays(void **state)
{
	struct fx f = { 0 };
	struct policy_result res;

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
	struct policy_result res;
	char buf[64];

	(void)state;
	res = apply(&f, "mailboxfull", "failed", CLASS_PERMANENT, false, T0);
	assert_string_equal(policy_effect_text(&pc, &f.r, &res, buf,
	    sizeof(buf)), "soft 1/3");
	res = apply(&f, "expired", "failed", CLASS_TRANSIENT, false, T0 + 1);
	assert_string_equal(policy_effect_text(&pc, &f.r, &res, buf,
	    sizeof(buf)), "soft 2/3, resend scheduled");
	res = apply(&f, "userunknown", "failed", CLASS_PERMANENT, true, T0 + 2);
	assert_string_equal(policy_effect_text(&pc, &f.r, &res, buf,
	    sizeof(buf)), "suppressed");
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
