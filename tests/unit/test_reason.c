/*
 * Walks the reason vocabulary and the rule table (STYLE 6: lookup tables
 * get a test that walks the enum): names, texts, round trips, rule names,
 * patterns, and that every failure reason can be produced at all.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "classify/classify.h"

static bool
nonempty(const char *s)
{
	return s != NULL && s[0] != '\0';
}

static void
test_reason_table(void **state)
{
	int i, j;

	(void)state;
	for (i = 0; i < REASON_COUNT; i++) {
		const struct reason_info *ri = reason_info((enum reason)i);

		assert_non_null(ri);
		if (!nonempty(ri->name))
			fail_msg("reason %d has no name", i);
		if (!nonempty(ri->what))
			fail_msg("reason %s has no 'what'", ri->name);
		if (!nonempty(ri->advice))
			fail_msg("reason %s has no advice", ri->name);
		assert_true(
		    ri->cls == CLASS_PERMANENT || ri->cls == CLASS_TRANSIENT ||
		    ri->cls == CLASS_COMPLAINT || ri->cls == CLASS_IGNORE);
		assert_true(nonempty(class_name(ri->cls)));
		assert_string_equal(reason_name((enum reason)i), ri->name);
		if (reason_from_name(ri->name) != (enum reason)i)
			fail_msg("reason_from_name(\"%s\") = %d, want %d",
			    ri->name, reason_from_name(ri->name), i);
		for (j = 0; j < i; j++) {
			if (strcmp(reason_name((enum reason)j), ri->name) == 0)
				fail_msg("reasons %d and %d are both \"%s\"", j,
				    i, ri->name);
		}
	}
	assert_int_equal(reason_from_name("no-such-reason"), REASON_COUNT);
	assert_int_equal(reason_from_name(""), REASON_COUNT);
	/* out of range falls back to undefined, never past the table */
	assert_string_equal(reason_name(REASON_COUNT), "undefined");
	assert_string_equal(reason_name((enum reason) - 1), "undefined");
	/* the classes the daemon acts on, by the reasons' own meaning */
	assert_int_equal(reason_info(REASON_FEEDBACK)->cls, CLASS_COMPLAINT);
	assert_int_equal(reason_info(REASON_VACATION)->cls, CLASS_IGNORE);
	assert_int_equal(reason_info(REASON_DELIVERED)->cls, CLASS_IGNORE);
	assert_int_equal(reason_info(REASON_EXPIRED)->cls, CLASS_TRANSIENT);
	assert_int_equal(reason_info(REASON_USERUNKNOWN)->cls, CLASS_PERMANENT);
}

static bool
lower_pattern(const char *p)
{
	for (; *p != '\0'; p++) {
		if (*p >= 'A' && *p <= 'Z')
			return false;
	}
	return true;
}

static void
test_rule_table(void **state)
{
	unsigned k, j, nfail = 0;

	(void)state;
	assert_true(classify_nrules > 0);
	for (k = 0; k < classify_nrules; k++) {
		const struct classify_rule *ru = &classify_rules[k];
		const char *rn;
		size_t rl;

		if (!nonempty(ru->name)) {
			print_error("rule %u has no name\n", k);
			nfail++;
			continue;
		}
		if ((unsigned)ru->reason >= REASON_COUNT) {
			print_error("rule %s: reason %d out of range\n",
			    ru->name, (int)ru->reason);
			nfail++;
			continue;
		}
		rn = reason_name(ru->reason);
		rl = strlen(rn);
		if (strncmp(ru->name, rn, rl) != 0 || ru->name[rl] != '.' ||
		    ru->name[rl + 1] == '\0') {
			print_error(
			    "rule %s: name does not start with \"%s.\"\n",
			    ru->name, rn);
			nfail++;
		}
		if (ru->pattern == NULL || ru->pattern[0] == '\0' ||
		    strspn(ru->pattern, "*") == strlen(ru->pattern)) {
			print_error("rule %s: empty pattern\n", ru->name);
			nfail++;
		} else if (!lower_pattern(ru->pattern)) {
			print_error(
			    "rule %s: pattern \"%s\" is not lower case\n",
			    ru->name, ru->pattern);
			nfail++;
		}
		if (ru->reply != 0 && (ru->reply < 200 || ru->reply > 599)) {
			print_error("rule %s: reply %d\n", ru->name, ru->reply);
			nfail++;
		}
		if (ru->cls != -1 && ru->cls != CLASS_PERMANENT &&
		    ru->cls != CLASS_TRANSIENT && ru->cls != CLASS_COMPLAINT &&
		    ru->cls != CLASS_IGNORE) {
			print_error("rule %s: class %d\n", ru->name, ru->cls);
			nfail++;
		}
		for (j = 0; j < k; j++) {
			if (classify_rules[j].name != NULL &&
			    strcmp(classify_rules[j].name, ru->name) == 0) {
				print_error("rules %u and %u are both %s\n", j,
				    k, ru->name);
				nfail++;
			}
		}
	}
	assert_int_equal(nfail, 0);
}

/*
 * A rule is dead when an earlier rule matches every text it matches: its
 * own pattern (stars as a space) fed through the table in order must reach
 * a rule of the same reason, or the earlier rule silently changes the
 * verdict for that wording.
 */
static void
test_rules_not_shadowed(void **state)
{
	unsigned k, j, nfail = 0;

	(void)state;
	for (k = 0; k < classify_nrules; k++) {
		const struct classify_rule *ru = &classify_rules[k];
		char text[256];
		size_t i, n = strlen(ru->pattern);

		assert_true(n < sizeof(text));
		for (i = 0; i < n; i++)
			text[i] = ru->pattern[i] == '*' ? ' ' : ru->pattern[i];
		text[n] = '\0';
		for (j = 0; j < k; j++) {
			const struct classify_rule *e = &classify_rules[j];

			/* e can only hide ru where e's constraints are no
			 * narrower than ru's, and a weak rule runs after
			 * every ordinary one */
			if (e->reply != 0 && e->reply != ru->reply)
				continue;
			if (e->command != NULL &&
			    (ru->command == NULL ||
				strcmp(e->command, ru->command) != 0))
				continue;
			if (e->status != NULL &&
			    (ru->status == NULL ||
				strcmp(e->status, ru->status) != 0))
				continue;
			if ((e->flags & CR_WEAK) && !(ru->flags & CR_WEAK))
				continue;
			if (classify_match(text, n, e->pattern))
				break;
		}
		if (j < k && classify_rules[j].reason != ru->reason) {
			print_error(
			    "rule %s (\"%s\") is shadowed by earlier rule "
			    "%s (\"%s\"): a diagnostic saying \"%s\" "
			    "reads as %s, not %s\n",
			    ru->name, ru->pattern, classify_rules[j].name,
			    classify_rules[j].pattern, text,
			    reason_name(classify_rules[j].reason),
			    reason_name(ru->reason));
			nfail++;
		}
	}
	assert_int_equal(nfail, 0);
}

/* Every failure reason can be produced by a rule or by a status code */
static void
test_every_reason_reachable(void **state)
{
	bool seen[REASON_COUNT] = {false};
	char code[16];
	unsigned k, s, d, nfail = 0;
	int r;

	(void)state;
	for (k = 0; k < classify_nrules; k++)
		seen[classify_rules[k].reason] = true;
	for (s = 0; s <= 30; s++) {
		for (d = 0; d <= 30; d++) {
			enum reason sr;

			snprintf(code, sizeof(code), "5.%u.%u", s, d);
			sr = status_reason(code);
			if (sr != REASON_COUNT) {
				assert_true((unsigned)sr < REASON_COUNT);
				seen[sr] = true;
			}
		}
	}
	for (r = 0; r < REASON_COUNT; r++) {
		if (r == REASON_UNDEFINED || r == REASON_ONHOLD ||
		    r == REASON_DELIVERED || r == REASON_FEEDBACK ||
		    r == REASON_VACATION)
			continue;
		if (!seen[r]) {
			print_error("reason %s: no rule and no status code "
				    "produces it\n",
			    reason_name((enum reason)r));
			nfail++;
		}
	}
	assert_int_equal(nfail, 0);
}

/* status_reason: catch-alls say nothing, success codes never fail */
static void
test_status_reason(void **state)
{
	(void)state;
	assert_int_equal(status_reason("5.1.1"), REASON_USERUNKNOWN);
	assert_int_equal(status_reason("4.2.2"), REASON_MAILBOXFULL);
	assert_int_equal(status_reason("5.2.2"), REASON_MAILBOXFULL);
	assert_int_equal(status_reason("4.4.7"), REASON_EXPIRED);
	assert_int_equal(status_reason("5.0.0"), REASON_COUNT);
	assert_int_equal(status_reason("4.0.0"), REASON_COUNT);
	assert_int_equal(status_reason("5.7.1"), REASON_COUNT);
	assert_int_equal(status_reason("2.1.5"), REASON_DELIVERED);
	assert_int_equal(status_reason(""), REASON_COUNT);
	assert_int_equal(status_reason(NULL), REASON_COUNT);
	assert_int_equal(status_reason("5"), REASON_COUNT);
	assert_int_equal(status_reason("5.1.1.1"), REASON_COUNT);
	/* reason_status gives a code of the right class that maps back */
	assert_string_equal(reason_status(REASON_USERUNKNOWN, false), "5.1.1");
	assert_int_equal(status_reason(reason_status(REASON_MAILBOXFULL, true)),
	    REASON_MAILBOXFULL);
	assert_int_equal(reason_status(REASON_EXPIRED, true)[0], '4');
}

/* issue 17 item 6: sisimai 5's names beside ours, both ways */
static void
test_sisimai5_names(void **state)
{
	static const struct {
		const char *v5;
		enum reason r[REASON_NAME_MAX];
		size_t n;
	} renamed[] = {
		{ "emailtoolarge", { REASON_MESGTOOBIG, REASON_EXCEEDLIMIT }, 2 },
		{ "ratelimited", { REASON_TOOMANYCONN, REASON_SPEEDING }, 2 },
	};
	enum reason got[REASON_NAME_MAX], l;
	enum reason_labels lab;
	size_t i, j, n;
	int r;

	(void)state;
	for (i = 0; i < sizeof(renamed) / sizeof(renamed[0]); i++) {
		n = reason_lookup(renamed[i].v5, got);
		assert_int_equal(n, renamed[i].n);
		for (j = 0; j < n; j++) {
			assert_int_equal(got[j], renamed[i].r[j]);
			assert_string_equal(reason_label(got[j],
			    REASON_LABELS_SISIMAI5), renamed[i].v5);
		}
		/* no sisimai 5 name is one of ours */
		assert_int_equal(reason_from_name(renamed[i].v5), REASON_COUNT);
	}
	/* every one of ours is still taken and, unless renamed, spelt the
	 * same in both; each sisimai 5 label leads back to the reason */
	for (r = 0; r < REASON_COUNT; r++) {
		const char *v5 = reason_label((enum reason)r,
		    REASON_LABELS_SISIMAI5);

		assert_int_equal(reason_lookup(reason_name((enum reason)r),
		    got), 1);
		assert_int_equal(got[0], r);
		assert_string_equal(reason_label((enum reason)r,
		    REASON_LABELS_SISIMAI4), reason_name((enum reason)r));
		n = reason_lookup(v5, got);
		for (j = 0, l = REASON_COUNT; j < n; j++)
			if ((int)got[j] == r)
				l = got[j];
		assert_int_equal((int)l, r);
	}
	assert_int_equal(reason_lookup("suppressed", got), 0);
	assert_int_equal(reason_lookup("RateLimited", got), 0);
	assert_string_equal(reason_relabel("speeding", REASON_LABELS_SISIMAI5),
	    "ratelimited");
	assert_string_equal(reason_relabel("a person's note",
	    REASON_LABELS_SISIMAI5), "a person's note");
	assert_int_equal(reason_labels_from_name("sisimai5", &lab), 0);
	assert_int_equal(lab, REASON_LABELS_SISIMAI5);
	assert_int_equal(reason_labels_from_name("sisimai4", &lab), 0);
	assert_int_equal(lab, REASON_LABELS_SISIMAI4);
	assert_int_equal(reason_labels_from_name("5", &lab), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_reason_table),
	    cmocka_unit_test(test_sisimai5_names),
	    cmocka_unit_test(test_rule_table),
	    cmocka_unit_test(test_rules_not_shadowed),
	    cmocka_unit_test(test_every_reason_reachable),
	    cmocka_unit_test(test_status_reason),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
