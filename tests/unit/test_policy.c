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
static const struct config_resend rc = { .schedule = { 900, 3600 },
	.nschedule = 2, .max_attempts = 3 };

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
		cmocka_unit_test(unsuppressed_not_resuppressed_by_old_bounce),
		cmocka_unit_test(person_suppressed_stays),
		cmocka_unit_test(effect_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
