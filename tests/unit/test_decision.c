/*
 * The decision table (classify/decision.c): every row is walked with a
 * report built to meet it, which must be decided by that row and no
 * earlier one, and with the same report changed in one input the row
 * looks at, which that row must then leave alone. Then the classes of
 * replies the table exists for, end to end through classify_rcpt(): the
 * wordings stand for several MTAs each (named beside them).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "classify/classify.h"
#include "classify/decision.h"

struct fixture {
	struct report rep;
	struct report_rcpt r;
};

static void
fill(struct fixture *f, const char *status, int reply, enum smtp_stage stage,
    const char *diag)
{
	memset(f, 0, sizeof(*f));
	f->rep.kind = REPORT_DSN;
	f->rep.family = "rfc3464";
	f->rep.rcpt = &f->r;
	f->rep.nrcpt = 1;
	f->r.recipient = "someone@example.net";
	f->r.action = "failed";
	if (status != NULL)
		strncpy(f->r.status, status, sizeof(f->r.status) - 1);
	f->r.reply_code = reply;
	f->r.stage = stage;
	f->r.stage_by = stage != STAGE_UNKNOWN ? STAGE_BY_PROSE : STAGE_BY_NONE;
	f->r.diagnostic = diag;
	f->r.diagnostic_type = "smtp";
}

static int
lowest_bit64(uint64_t m)
{
	int i;

	for (i = 0; i < 64; i++)
		if (m & ((uint64_t)1 << i))
			return i;
	return -1;
}

/* The first code of a row's pattern list, made concrete. */
static void
concrete_status(const char *pat, bool temporary, char out[16])
{
	size_t n = strcspn(pat, " "), i;

	if (n > 15)
		n = 15;
	memcpy(out, pat, n);
	out[n] = '\0';
	if (out[0] == 'x')
		out[0] = temporary ? '4' : '5';
	for (i = 0; i < n; i++)
		if (out[i] == '*')
			out[i] = '9';
}

/* An input that meets row k (and the report it points into). */
static void
meet(const struct decision_row *row, struct fixture *f, struct decision_in *in)
{
	bool temp = (row->flags & DR_TEMPORARY) != 0 ||
		    (row->status != NULL && row->status[0] == '4');

	fill(f, NULL, row->reply_lo, STAGE_UNKNOWN, "some words");
	if (row->status != NULL)
		concrete_status(row->status, temp, f->r.status);
	else
		strcpy(f->r.status, temp ? "4.0.0" : "5.0.0");
	if (row->stages != 0 && !(row->flags & DR_NOT_STAGES)) {
		f->r.stage = (enum smtp_stage)(__builtin_ctz(row->stages));
		f->r.stage_by = STAGE_BY_TRANSCRIPT;
	}
	if (row->flags & DR_GATEWAY)
		f->rep.gateway = "a filtering gateway";
	if (row->flags & DR_XUNIX)
		f->r.diagnostic_type = "x-unix";
	if (row->flags & DR_DELAYED)
		f->r.action = "delayed";
	if (row->flags & DR_LOOPED)
		f->rep.original.received = DECISION_HOP_LIMIT;
	memset(in, 0, sizeof(*in));
	in->rep = &f->rep;
	in->r = &f->r;
	in->cand = row->cand != 0 && !(row->flags & DR_FALLBACK) ?
	    (enum reason)lowest_bit64(row->cand) : REASON_UNDEFINED;
	in->temporary = temp;
}

static void
test_every_row_decides(void **state)
{
	unsigned k;

	(void)state;
	for (k = 0; k < decision_nrows; k++) {
		const struct decision_row *row = &decision_rows[k];
		struct fixture f;
		struct decision_in in;
		const struct decision_row *got;

		meet(row, &f, &in);
		got = decision_find(&in);
		if (got != row)
			fail_msg("row %s: a report made to meet it was decided "
				 "by %s",
			    row->name, got != NULL ? got->name : "no row");
	}
}

static void
test_every_row_looks(void **state)
{
	unsigned k;

	(void)state;
	for (k = 0; k < decision_nrows; k++) {
		const struct decision_row *row = &decision_rows[k];
		struct fixture f;
		struct decision_in in;
		int tries = 0;

		/* a candidate it does not name */
		if (row->cand != 0 && !(row->flags & DR_FALLBACK)) {
			meet(row, &f, &in);
			in.cand = REASON_SYSTEMFULL;
			if (row->cand & DR_R(REASON_SYSTEMFULL))
				in.cand = REASON_VIRUSDETECTED;
			assert_ptr_not_equal(decision_find(&in), row);
			tries++;
		}
		/* a fallback row yields to any candidate */
		if (row->flags & DR_FALLBACK) {
			meet(row, &f, &in);
			in.cand = REASON_VIRUSDETECTED;
			assert_ptr_not_equal(decision_find(&in), row);
			tries++;
		}
		/* another code */
		if (row->status != NULL) {
			meet(row, &f, &in);
			strcpy(f.r.status, in.temporary ? "4.0.0" : "5.0.0");
			assert_ptr_not_equal(decision_find(&in), row);
			tries++;
		}
		/* another stage, or the one it excludes */
		if (row->stages != 0) {
			meet(row, &f, &in);
			if (row->flags & DR_NOT_STAGES) {
				f.r.stage = (enum smtp_stage)__builtin_ctz(
				    row->stages);
				f.r.stage_by = STAGE_BY_PROSE;
			} else {
				f.r.stage = STAGE_UNKNOWN;
				f.r.stage_by = STAGE_BY_NONE;
			}
			assert_ptr_not_equal(decision_find(&in), row);
			tries++;
		}
		if (row->reply_lo != 0) {
			meet(row, &f, &in);
			f.r.reply_code = 250;
			assert_ptr_not_equal(decision_find(&in), row);
			tries++;
		}
		if (row->flags & (DR_TEMPORARY | DR_GATEWAY | DR_XUNIX |
				     DR_DELAYED | DR_LOOPED)) {
			meet(row, &f, &in);
			in.temporary = !(row->flags & DR_TEMPORARY);
			f.rep.gateway = NULL;
			f.r.diagnostic_type = "smtp";
			f.r.action = "failed";
			f.rep.original.received = DECISION_HOP_LIMIT - 1;
			assert_ptr_not_equal(decision_find(&in), row);
			tries++;
		}
		if (tries == 0)
			fail_msg("row %s looks at nothing", row->name);
	}
}

static void
test_names_unique_and_sourced(void **state)
{
	unsigned i, j;

	(void)state;
	for (i = 0; i < decision_nrows; i++) {
		assert_non_null(decision_rows[i].source);
		assert_true(strchr(decision_rows[i].name, '.') != NULL);
		for (j = 0; j < i; j++)
			if (strcmp(decision_rows[i].name, decision_rows[j].name) ==
			    0)
				fail_msg("duplicate row %s", decision_rows[i].name);
	}
}

static void
test_status_patterns(void **state)
{
	(void)state;
	assert_true(decision_status_match("5.2.3", "x.2.3"));
	assert_true(decision_status_match("4.2.3", "x.2.3"));
	assert_false(decision_status_match("5.2.30", "x.2.3"));
	assert_true(decision_status_match("5.7.26", "x.7.*"));
	assert_false(decision_status_match("5.1.7", "x.7.*"));
	assert_true(decision_status_match("4.2.4", "x.2.0 5.2.1 x.2.4"));
	assert_false(decision_status_match("4.2.1", "x.2.0 5.2.1 x.2.4"));
	assert_false(decision_status_match("", "x.2.0"));
}

struct e2e {
	const char *name;
	const char *status;
	int reply;
	enum smtp_stage stage;
	const char *diag;
	enum reason want;
	const char *rule; /* the rule that must decide, or NULL */
};

/*
 * Classes of replies, each wording in use at more than one MTA or
 * documented by its vendor; the RFC 3463 code is the report's.
 */
static const struct e2e cases[] = {
	/* "5.2.1 user unknown" answered to RCPT (Sendmail's "... User
	 * Unknown" with a site-chosen code, PowerMTA, Domino): the directory
	 * spoke, whatever the code */
	{ "rcpt-5.2.1", "5.2.1", 550, STAGE_RCPT,
	    "550 5.2.1 <a@example.net>... User Unknown",
	    REASON_USERUNKNOWN, "stage.rcpt-unknown-user" },
	{ "rcpt-5.7.1", "5.7.1", 550, STAGE_RCPT,
	    "550 5.7.1 <a@example.net>: Recipient address rejected: User "
	    "unknown in virtual alias table",
	    REASON_USERUNKNOWN, "stage.rcpt-unknown-user" },
	/* without the stage, a mailbox-status code says the mailbox exists */
	{ "nostage-5.2.1", "5.2.1", 550, STAGE_UNKNOWN,
	    "550 5.2.1 <a@example.net>... User Unknown", REASON_FILTERED,
	    "status.mailbox-exists" },
	{ "data-5.7.1", "5.7.1", 550, STAGE_EOD,
	    "550 5.7.1 Unknown user a@example.net", REASON_FILTERED,
	    "status.policy-unknown" },
	{ "data-5.0.0", "5.0.0", 550, STAGE_EOD,
	    "550 Unknown user a@example.net", REASON_FILTERED,
	    "stage.after-data-unknown" },
	/* X.1.1 after DATA: an MTA that defers RCPT refusals */
	{ "data-5.1.1", "5.1.1", 550, STAGE_EOD,
	    "550 5.1.1 <a@example.net>: user unknown", REASON_USERUNKNOWN,
	    NULL },
	{ "mail-5.1.1", "5.1.8", 553, STAGE_MAIL,
	    "553 5.1.8 <s@example.org>: Sender address rejected: Domain not "
	    "found",
	    REASON_REJECTED, NULL },
	/* Exim/Postfix per-user message size limits with X.2.3 */
	{ "exceedlimit", "5.2.3", 552, STAGE_EOD,
	    "552 5.2.3 Message size exceeds maximum permitted",
	    REASON_EXCEEDLIMIT, "status.exceedlimit-over-size" },
	{ "hasmoved", "5.1.6", 550, STAGE_RCPT,
	    "550 5.1.6 recipient no longer on server: a@example.net",
	    REASON_HASMOVED, NULL },
	{ "not-our-customer", "5.1.6", 550, STAGE_RCPT,
	    "550 5.1.6 <a@example.net>... not our customer",
	    REASON_HASMOVED, "status.hasmoved-over-unknown" },
	{ "551", NULL, 551, STAGE_RCPT,
	    "551 <a@example.net>: not our customer",
	    REASON_HASMOVED, "reply.551-user-not-local" },
	/* Postfix: "Host or domain name not found. Name service error for
	 * name=... type=MX: Host not found, try again" is 4.4.3 */
	{ "dns-tempfail", "4.4.3", 0, STAGE_UNKNOWN,
	    "Host or domain name not found. Name service error for "
	    "name=example.net type=MX: Host not found, try again",
	    REASON_SYSTEMERROR, "status.directory-failure" },
	{ "dns-no-route", "4.4.4", 0, STAGE_UNKNOWN,
	    "Host or domain name not found. Name service error for "
	    "name=example.net type=A: Host not found",
	    REASON_NETWORKERROR, "status.dns-temporary" },
	{ "not-accepting", "5.3.2", 554, STAGE_CONN,
	    "554 5.3.2 System error: not accepting network messages",
	    REASON_NOTACCEPT, "status.not-accepting" },
	/* catch-all codes decide by their class when no words do */
	{ "security-class", "5.7.0", 550, STAGE_EOD,
	    "550 5.7.0 Message refused", REASON_SECURITYERROR,
	    "status.class-security" },
	{ "media-class", "5.6.9", 554, STAGE_EOD,
	    "554 5.6.9 the message cannot be transferred",
	    REASON_CONTENTERROR, NULL },
	{ "temp-not-authorized", "4.7.1", 450, STAGE_RCPT,
	    "450 4.7.1 Try again later", REASON_BLOCKED,
	    "status.not-authorized-temporary" },
	{ "syntax-reply", NULL, 501, STAGE_RCPT,
	    "501 <a@example.net>: malformed", REASON_SYNTAXERROR, NULL },
	{ "x-unix", NULL, 0, STAGE_UNKNOWN, "255", REASON_MAILERERROR,
	    "diagnostic.x-unix" },
	/* nothing but the address; the returned copy went round a loop */
	{ "looped", "5.0.0", 0, STAGE_UNKNOWN, "The following address(es) "
	    "failed: a@example.net", REASON_NETWORKERROR,
	    "returned.too-many-hops" },
	{ "greeting", "5.0.0", 554, STAGE_CONN, "554 no thanks",
	    REASON_BLOCKED, "stage.connection" },
	/* nothing anywhere: a person should read it */
	{ "onhold", "5.0.0", 550, STAGE_UNKNOWN, "550 we cannot do that",
	    REASON_ONHOLD, "none.onhold" },
};

static void
test_classes_end_to_end(void **state)
{
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct e2e *c = &cases[i];
		struct fixture f;
		struct verdict v;

		fill(&f, c->status, c->reply, c->stage, c->diag);
		if (strcmp(c->name, "x-unix") == 0)
			f.r.diagnostic_type = "x-unix";
		if (strcmp(c->name, "looped") == 0)
			f.rep.original.received = 30;
		classify_rcpt(&f.rep, &f.r, 0, &v);
		if (v.reason != c->want ||
		    (c->rule != NULL && strcmp(v.rule, c->rule) != 0)) {
			print_error("%s: want %s (%s), got %s (%s)\n", c->name,
			    reason_name(c->want), c->rule ? c->rule : "any",
			    reason_name(v.reason), v.rule);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

/* The layer is named for every verdict; the table's rows say "table". */
static void
test_layers(void **state)
{
	struct fixture f;
	struct verdict v;

	(void)state;
	fill(&f, "5.2.3", 552, STAGE_EOD, "552 5.2.3 Message size exceeds");
	classify_rcpt(&f.rep, &f.r, 0, &v);
	assert_int_equal(v.layer, LAYER_TABLE);
	assert_string_equal(decision_layer_name(v.layer), "table");
	fill(&f, "5.0.0", 550, STAGE_RCPT, "550 mailbox full");
	classify_rcpt(&f.rep, &f.r, 0, &v);
	assert_int_equal(v.layer, LAYER_RULES);
	fill(&f, "5.2.2", 550, STAGE_RCPT, "550 no");
	classify_rcpt(&f.rep, &f.r, 0, &v);
	assert_int_equal(v.layer, LAYER_STATUS);
	fill(&f, "5.7.1", 550, STAGE_RCPT, "550 no");
	classify_rcpt(&f.rep, &f.r, 0, &v);
	assert_int_equal(v.layer, LAYER_FALLBACK);
}

/*
 * ARF: a complaint unless the type says otherwise (RFC 5965 3.1 abuse,
 * fraud, virus, other; RFC 6430 not-spam; RFC 6591 auth-failure).
 */
static void
test_feedback_types(void **state)
{
	static const struct {
		const char *type;
		enum bounce_class cls;
		const char *rule;
	} types[] = {
		{ NULL, CLASS_COMPLAINT, "arf.feedback-report" },
		{ "abuse", CLASS_COMPLAINT, "arf.feedback-report" },
		{ "fraud", CLASS_COMPLAINT, "arf.feedback-report" },
		{ "virus", CLASS_COMPLAINT, "arf.feedback-report" },
		{ "other", CLASS_COMPLAINT, "arf.feedback-report" },
		{ "not-spam", CLASS_IGNORE, "arf.not-spam" },
		{ "auth-failure", CLASS_IGNORE, "arf.auth-failure" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		struct fixture f;
		struct verdict v;

		fill(&f, NULL, 0, STAGE_UNKNOWN, NULL);
		f.rep.kind = REPORT_FEEDBACK;
		f.r.action = NULL;
		f.r.feedback_type = types[i].type;
		classify_rcpt(&f.rep, &f.r, 0, &v);
		assert_int_equal(v.reason, REASON_FEEDBACK);
		assert_int_equal(v.cls, types[i].cls);
		assert_string_equal(v.rule, types[i].rule);
		assert_string_equal(v.matched,
		    types[i].type != NULL ? types[i].type : "abuse");
		assert_false(v.hard);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_row_decides),
		cmocka_unit_test(test_every_row_looks),
		cmocka_unit_test(test_names_unique_and_sourced),
		cmocka_unit_test(test_status_patterns),
		cmocka_unit_test(test_classes_end_to_end),
		cmocka_unit_test(test_layers),
		cmocka_unit_test(test_feedback_types),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
