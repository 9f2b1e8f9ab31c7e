/*
 * A walk over every text rule (classify/rules.c): each rule's own pattern,
 * alone in a neutral report (Status 5.0.0, which names no cause), must be
 * classified as the rule's reason, and an ordinary rule must decide it
 * itself or through a rule of the same reason. A rule that an earlier rule
 * of another reason shadows can never fire: the table's order is wrong or
 * the rule is dead (STYLE.md 6: tables get a test that walks them).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "classify/classify.h"

/*
 * Rules that an earlier rule of another reason shadows on purpose: a
 * narrower wording kept for what it documents. Each with why. Empty while
 * no rule needs it.
 */
static const char *const shadow_ok[] = {
    NULL,
};

static bool
shadow_allowed(const char *name)
{
	size_t i;

	for (i = 0; shadow_ok[i] != NULL; i++)
		if (strcmp(shadow_ok[i], name) == 0)
			return true;
	return false;
}

/* The pattern as text: each '*' becomes a short word no rule contains. */
static void
pattern_text(const char *pattern, char *out, size_t size)
{
	size_t n = 0;
	const char *p;

	for (p = pattern; *p != '\0' && n + 4 < size; p++) {
		if (*p == '*') {
			memcpy(out + n, " zq ", 4);
			n += 4;
		} else
			out[n++] = *p;
	}
	out[n] = '\0';
}

static void
classify_rule_text(const struct classify_rule *ru, struct verdict *v)
{
	char text[512];
	struct report rep;
	struct report_rcpt r;

	pattern_text(ru->pattern, text, sizeof(text));
	memset(&rep, 0, sizeof(rep));
	memset(&r, 0, sizeof(r));
	rep.kind = REPORT_DSN;
	rep.family = "rfc3464";
	rep.rcpt = &r;
	rep.nrcpt = 1;
	r.recipient = "someone@example.net";
	r.action = "failed";
	strncpy(r.status, ru->status != NULL ? ru->status : "5.0.0",
	    sizeof(r.status) - 1);
	r.reply_code = ru->reply != 0 ? ru->reply : 550;
	r.stage = stage_from_name(ru->command);
	r.stage_by = r.stage != STAGE_UNKNOWN ? STAGE_BY_PROSE : STAGE_BY_NONE;
	r.diagnostic = text;
	classify_rcpt(&rep, &r, 0, v);
}

/* "<reason>." starts the rule's name */
static bool
same_reason(const char *rule, enum reason reason)
{
	const char *name = reason_name(reason);
	size_t n = strlen(name);

	return rule != NULL && strncmp(rule, name, n) == 0 && rule[n] == '.';
}

static void
test_every_rule_decides(void **state)
{
	unsigned k, bad = 0;

	(void)state;
	for (k = 0; k < classify_nrules; k++) {
		const struct classify_rule *ru = &classify_rules[k];
		bool weak = (ru->flags & CR_WEAK) != 0;
		struct verdict v;

		classify_rule_text(ru, &v);
		if (shadow_allowed(ru->name))
			continue;
		if (v.reason != ru->reason ||
		    (!weak && !same_reason(v.rule, ru->reason))) {
			print_message("%s (\"%s\"): got %s by %s\n", ru->name,
			    ru->pattern, reason_name(v.reason),
			    v.rule != NULL ? v.rule : "-");
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

/* Each name in the exception list names a rule, which is still shadowed. */
static void
test_exceptions_are_live(void **state)
{
	size_t i;
	unsigned k;

	(void)state;
	for (i = 0; shadow_ok[i] != NULL; i++) {
		const struct classify_rule *ru = NULL;
		struct verdict v;

		for (k = 0; k < classify_nrules; k++)
			if (strcmp(classify_rules[k].name, shadow_ok[i]) == 0)
				ru = &classify_rules[k];
		assert_non_null(ru);
		classify_rule_text(ru, &v);
		if (v.reason == ru->reason && same_reason(v.rule, ru->reason))
			fail_msg("%s is no longer shadowed", shadow_ok[i]);
	}
}

/* Names are "<reason>.<what>" and unique; patterns are lower case. */
static void
test_names_and_patterns(void **state)
{
	unsigned k, j;

	(void)state;
	for (k = 0; k < classify_nrules; k++) {
		const struct classify_rule *ru = &classify_rules[k];
		const char *p;

		if (!same_reason(ru->name, ru->reason))
			fail_msg("%s: name does not start with %s.", ru->name,
			    reason_name(ru->reason));
		for (j = 0; j < k; j++)
			if (strcmp(classify_rules[j].name, ru->name) == 0)
				fail_msg("%s: name used twice", ru->name);
		for (p = ru->pattern; *p != '\0'; p++)
			if (*p >= 'A' && *p <= 'Z')
				fail_msg("%s: upper case in pattern", ru->name);
		assert_true(ru->pattern[0] != '\0');
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_rule_decides),
	    cmocka_unit_test(test_exceptions_are_live),
	    cmocka_unit_test(test_names_and_patterns),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
