/*
 * The send-time rule (lifecycle/send.h), alone, and what
 * store_recipient_standing() hands it from a real database file: every
 * way a row can say suppressed or not, as the daemon and bouncectl
 * suppress/unsuppress write them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/mailbox.h"
#include "lifecycle/send.h"
#include "storage/store.h"
#include "storage/store_mgmt.h"

#define T0  1767225600 /* 2026-01-01T00:00:00Z */
#define DAY 86400

static struct send_decision
decide(struct rcpt_standing s)
{
	struct send_decision d;

	lifecycle_send(&s, &d);
	return d;
}

static void
test_no_row(void **state)
{
	struct send_decision d = decide((struct rcpt_standing){0});

	(void)state;
	assert_int_equal(d.verdict, SEND_OK);
	assert_int_equal(d.cause, CAUSE_NONE);
	assert_null(send_cause_text(&d));
	assert_string_equal(send_verdict_name(d.verdict), "ok");
}

/* bouncectl forget: refused whatever row there is, since it was
 * forgotten */
static void
test_forgotten(void **state)
{
	struct rcpt_standing s = {.forgotten = true, .forgotten_at = T0};
	struct send_decision d = decide(s);
	char buf[SEND_ACTION_MAX];

	(void)state;
	assert_int_equal(d.verdict, SEND_SUPPRESSED);
	assert_int_equal(d.cause, CAUSE_FORGOTTEN);
	assert_string_equal(send_cause_text(&d), "forgotten");
	assert_int_equal(d.since, T0);
	assert_string_equal(send_reject_action(&d, buf, sizeof(buf)),
	    "REJECT 5.7.1 Recipient suppressed by bounced: forgotten since "
	    "2026-01-01");
	/* a person's unsuppression made after it changes nothing */
	s.exists = true;
	s.state = STATE_ACTIVE;
	s.override = OVERRIDE_UNSUPPRESSED;
	assert_int_equal(decide(s).cause, CAUSE_FORGOTTEN);
}

static void
test_active_and_soft(void **state)
{
	struct rcpt_standing s = {.exists = true,
	    .state = STATE_ACTIVE,
	    .reason = REASON_MAILBOXFULL};

	(void)state;
	assert_int_equal(decide(s).verdict, SEND_OK);
	/* soft bounces are counted; the address is still mailed until the
	 * soft limit suppresses it */
	s.state = STATE_SOFT;
	assert_int_equal(decide(s).verdict, SEND_OK);
	/* a person lifted a suppression: the state is active again, the
	 * old suppressed_at kept */
	s.state = STATE_ACTIVE;
	s.override = OVERRIDE_UNSUPPRESSED;
	s.suppressed_at = T0;
	s.override_at = T0 + DAY;
	assert_int_equal(decide(s).verdict, SEND_OK);
}

static void
test_bounce(void **state)
{
	struct rcpt_standing s = {.exists = true,
	    .state = STATE_SUPPRESSED,
	    .reason = REASON_USERUNKNOWN,
	    .suppressed_at = T0 + 3600};
	struct send_decision d = decide(s);
	char buf[128];

	(void)state;
	assert_int_equal(d.verdict, SEND_SUPPRESSED);
	assert_int_equal(d.cause, CAUSE_BOUNCE);
	assert_string_equal(send_cause_text(&d), "userunknown");
	assert_int_equal(d.since, T0 + 3600);
	assert_string_equal(send_verdict_name(d.verdict), "suppressed");
	assert_string_equal(send_reject_action(&d, buf, sizeof(buf)),
	    "REJECT 5.7.1 Recipient suppressed by bounced: userunknown "
	    "since 2026-01-01");
	/* a row that kept no reason */
	s.reason = REASON_UNDEFINED;
	d = decide(s);
	assert_string_equal(send_cause_text(&d), "unknown");
	/* a person suppressed it again later: the bounce did it first */
	s.reason = REASON_USERUNKNOWN;
	s.override = OVERRIDE_SUPPRESSED;
	s.override_at = T0 + DAY;
	d = decide(s);
	assert_int_equal(d.cause, CAUSE_BOUNCE);
	assert_int_equal(d.since, T0 + 3600);
}

static void
test_person(void **state)
{
	/* bouncectl suppress on an address that had soft bounces: the
	 * reason of those is not why it is suppressed */
	struct rcpt_standing s = {.exists = true,
	    .state = STATE_SUPPRESSED,
	    .reason = REASON_MAILBOXFULL,
	    .override = OVERRIDE_SUPPRESSED,
	    .person_first = true,
	    .suppressed_at = T0 + DAY,
	    .override_at = T0 + DAY};
	struct send_decision d = decide(s);
	char buf[128];

	(void)state;
	assert_int_equal(d.verdict, SEND_SUPPRESSED);
	assert_int_equal(d.cause, CAUSE_PERSON);
	assert_string_equal(send_cause_text(&d), "manual");
	assert_string_equal(send_reject_action(&d, buf, sizeof(buf)),
	    "REJECT 5.7.1 Recipient suppressed by bounced: manual since "
	    "2026-01-02");
	/* a row without suppressed_at (older schemas): since the override */
	s.suppressed_at = 0;
	d = decide(s);
	assert_int_equal(d.cause, CAUSE_PERSON);
	assert_int_equal(d.since, T0 + DAY);
	/* a short buffer truncates, never overflows */
	send_reject_action(&d, buf, 10);
	assert_string_equal(buf, "REJECT 5.");
}

/* A person's reason (bouncectl suppress --reason, an import), shown only
 * when it is fit for an SMTP reply line */
static void
test_person_reason(void **state)
{
	static const struct {
		const char *given, *shown;
	} cases[] = {
	    {"unsubscribed", "unsubscribed"},
	    {"mailgun bounce", "mailgun bounce"},
	    {"", "manual"},
	    {"   ", "manual"},
	    {"two\r\nlines", "manual"},
	    {"tab\there", "manual"},
	    {"d\xc3\xa9sabonn\xc3\xa9", "manual"}, /* not ASCII */
	    {"action=OK\n\nx", "manual"},
	};
	struct rcpt_standing s = {.exists = true,
	    .state = STATE_SUPPRESSED,
	    .override = OVERRIDE_SUPPRESSED,
	    .person_first = true,
	    .suppressed_at = T0,
	    .override_at = T0};
	struct send_decision d;
	char buf[SEND_ACTION_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(s.person_reason, sizeof(s.person_reason), "%s",
		    cases[i].given);
		d = decide(s);
		assert_int_equal(d.cause, CAUSE_PERSON);
		assert_string_equal(send_cause_text(&d), cases[i].shown);
	}
	/* the longest fits the action whole */
	memset(s.person_reason, 'x', SEND_REASON_MAX);
	s.person_reason[SEND_REASON_MAX] = '\0';
	d = decide(s);
	send_reject_action(&d, buf, sizeof(buf));
	assert_int_equal(strlen(buf),
	    strlen("REJECT 5.7.1 Recipient suppressed by bounced:  since "
		   "2026-01-01") +
		SEND_REASON_MAX);
	/* a bounce's suppression never shows a person's text */
	s.person_first = false;
	s.override_at = T0 + DAY;
	snprintf(s.person_reason, sizeof(s.person_reason), "later");
	s.reason = REASON_USERUNKNOWN;
	d = decide(s);
	assert_string_equal(send_cause_text(&d), "userunknown");
}

static void
test_day(void **state)
{
	static const struct {
		int64_t t;
		const char *day;
	} cases[] = {
	    {0, "unknown"},
	    {-5, "unknown"},
	    {1, "1970-01-01"},
	    {951782400, "2000-02-29"},
	    {951868800, "2000-03-01"},
	    {T0 - 1, "2025-12-31"},
	    {T0, "2026-01-01"},
	    {4107542400, "2100-03-01"},
	    {253402300799, "9999-12-31"},
	    {253402300800, "unknown"},
	};
	char buf[16];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		send_day(cases[i].t, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].day);
	}
}

/* mailbox_key(): the stored form, the CLI's rule (bouncectl suppress) */
static void
test_key(void **state)
{
	static const struct {
		const char *in;
		size_t len;      /* 0: strlen */
		const char *key; /* NULL: refused */
	} cases[] = {
	    {"Gone@Example.ORG", 0, "gone@example.org"}, {"a@b", 0, "a@b"},
	    {"\"Quoted\"@x.y", 0, "\"quoted\"@x.y"},
	    {"a@b@c.d", 0, "a@b@c.d"}, /* the last '@' splits */
	    {"#x@y.z", 0, "#x@y.z"}, {"no-at", 0, NULL}, {"@x.y", 0, NULL},
	    {"x@", 0, NULL}, {"", 0, NULL}, {"a b@c.d", 0, NULL},
	    {"a\tb@c.d", 0, NULL}, {"a\x7f@c.d", 0, NULL},
	    {"a\0b@c.d", 7, NULL},
	    {"\xc3\xa9@x.y", 0, "\xc3\xa9@x.y"}, /* UTF-8 kept as is */
	};
	char key[MAILBOX_KEY_MAX + 1], big[400];
	size_t i, len;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		len = cases[i].len != 0 ? cases[i].len : strlen(cases[i].in);
		if (cases[i].key == NULL) {
			assert_int_equal(
			    mailbox_key(cases[i].in, len, key, sizeof(key)),
			    -1);
			assert_string_equal(key, "");
		} else {
			assert_int_equal(
			    mailbox_key(cases[i].in, len, key, sizeof(key)), 0);
			assert_string_equal(key, cases[i].key);
		}
	}
	/* 320 bytes pass, 321 do not */
	memset(big, 'a', sizeof(big));
	big[300] = '@';
	assert_int_equal(mailbox_key(big, 320, key, sizeof(key)), 0);
	assert_int_equal(mailbox_key(big, 321, key, sizeof(key)), -1);
	/* nor into a buffer too small */
	assert_int_equal(mailbox_key("a@b.c", 5, key, 5), -1);
}

/* ---- the row as storage/ reads it ---- */

struct fx {
	char dir[PATH_MAX];
	char path[PATH_MAX + 16];
	struct store *st;
};

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	const char *base = getenv("TMPDIR");
	char *err = NULL;

	snprintf(f->dir, sizeof(f->dir), "%s/test_send.XXXXXX",
	    base != NULL ? base : "/tmp");
	if (mkdtemp(f->dir) == NULL) {
		free(f);
		return -1;
	}
	snprintf(f->path, sizeof(f->path), "%s/t.db", f->dir);
	if (store_open(f->path, STORE_RDWR, &f->st, &err) == -1) {
		fprintf(stderr, "%s\n", err);
		free(err);
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	static const char *const sfx[] = {"", "-wal", "-shm"};
	char p[PATH_MAX + 32];
	size_t i;

	store_close(&f->st);
	for (i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s%s", f->path, sfx[i]);
		unlink(p);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

static struct send_decision
lookup_hash(struct store *st, const char *address, const char *hash)
{
	struct rcpt_standing s;
	struct send_decision d;

	assert_int_equal(store_recipient_standing(st, address, hash, &s), 0);
	lifecycle_send(&s, &d);
	return d;
}

static struct send_decision
lookup(struct store *st, const char *address)
{
	return lookup_hash(st, address, NULL);
}

static void
put(struct store *st, const char *address, enum rcpt_state state,
    enum reason reason, int64_t suppressed_at)
{
	struct recipient r;

	memset(&r, 0, sizeof(r));
	snprintf(r.address, sizeof(r.address), "%s", address);
	snprintf(r.domain, sizeof(r.domain), "%s", strchr(address, '@') + 1);
	r.state = state;
	r.reason = reason;
	r.bounce_count = 1;
	r.last_bounce_at = r.first_bounce_at = T0;
	r.suppressed_at = suppressed_at;
	assert_int_equal(store_recipient_put(st, &r), 0);
}

struct seen {
	char addrs[4][64];
	struct send_decision d[4];
	size_t n;
};

static int
collect(void *arg, const char *address, const struct rcpt_standing *s)
{
	struct seen *seen = arg;

	assert_true(seen->n < 4);
	snprintf(seen->addrs[seen->n], sizeof(seen->addrs[0]), "%s", address);
	lifecycle_send(s, &seen->d[seen->n]);
	seen->n++;
	return 0;
}

static void
test_store(void **state)
{
	struct fx *f = *state;
	struct store *ro;
	struct seen seen = {0};
	struct send_decision d;
	char *err = NULL;

	put(f->st, "gone@example.org", STATE_SUPPRESSED, REASON_USERUNKNOWN,
	    T0);
	put(f->st, "full@example.org", STATE_SOFT, REASON_MAILBOXFULL, 0);
	assert_int_equal(store_override(f->st, "person@example.org",
			     OVERRIDE_SUPPRESSED, T0 + DAY, "asked"),
	    0);
	/* suppressed by a bounce, then a person lifts it */
	put(f->st, "back@example.org", STATE_SUPPRESSED, REASON_HASMOVED, T0);
	assert_int_equal(store_override(f->st, "back@example.org",
			     OVERRIDE_UNSUPPRESSED, T0 + DAY, NULL),
	    0);
	/* suppressed by a bounce, then by a person too */
	put(f->st, "both@example.org", STATE_SUPPRESSED, REASON_HOSTUNKNOWN,
	    T0);
	assert_int_equal(store_override(f->st, "both@example.org",
			     OVERRIDE_SUPPRESSED, T0 + 2 * DAY, NULL),
	    0);

	/* a read-only connection, as bouncectl and the responders open */
	assert_int_equal(store_open(f->path, STORE_RDONLY, &ro, &err), 0);
	d = lookup(ro, "gone@example.org");
	assert_int_equal(d.verdict, SEND_SUPPRESSED);
	assert_string_equal(send_cause_text(&d), "userunknown");
	assert_int_equal(d.since, T0);
	assert_int_equal(lookup(ro, "full@example.org").verdict, SEND_OK);
	assert_int_equal(lookup(ro, "back@example.org").verdict, SEND_OK);
	assert_int_equal(lookup(ro, "nobody@example.org").verdict, SEND_OK);
	/* the key is the stored form: lower case is the caller's job */
	assert_int_equal(lookup(ro, "GONE@example.org").verdict, SEND_OK);
	d = lookup(ro, "person@example.org");
	assert_int_equal(d.cause, CAUSE_PERSON);
	assert_int_equal(d.since, T0 + DAY);
	d = lookup(ro, "both@example.org");
	assert_string_equal(send_cause_text(&d), "hostunknown");
	assert_int_equal(d.since, T0);

	/* a person's reason, as an import gives it; the latest wins */
	{
		struct store_override_in in = {.address = "import@example.org",
		    .o = OVERRIDE_SUPPRESSED,
		    .reason = "mailgun bounce",
		    .source = "mailgun.csv"};

		assert_int_equal(store_override_ex(f->st, &in, T0), 0);
		d = lookup(ro, "import@example.org");
		assert_string_equal(send_cause_text(&d), "mailgun bounce");
		in.reason = "unsubscribed";
		assert_int_equal(store_override_ex(f->st, &in, T0 + 1), 0);
		d = lookup(ro, "import@example.org");
		assert_string_equal(send_cause_text(&d), "unsubscribed");
		assert_int_equal(d.since, T0);
		assert_int_equal(store_override(f->st, "import@example.org",
				     OVERRIDE_UNSUPPRESSED, T0 + 2, NULL),
		    0);
		assert_int_equal(
		    lookup(ro, "import@example.org").verdict, SEND_OK);
	}


	/* the walk: the suppressed only, by address */
	assert_int_equal(store_suppressed_each(ro, collect, &seen), 0);
	assert_int_equal(seen.n, 3);
	assert_string_equal(seen.addrs[0], "both@example.org");
	assert_string_equal(seen.addrs[1], "gone@example.org");
	assert_string_equal(seen.addrs[2], "person@example.org");
	assert_int_equal(seen.d[2].cause, CAUSE_PERSON);

	/* a later write is seen by the next lookup on the same connection:
	 * no read transaction stays open between lookups */
	put(f->st, "full@example.org", STATE_SUPPRESSED, REASON_MAILBOXFULL,
	    T0 + 3 * DAY);
	d = lookup(ro, "full@example.org");
	assert_int_equal(d.verdict, SEND_SUPPRESSED);
	assert_int_equal(d.since, T0 + 3 * DAY);

	/* forgotten: no row names it, its keyed hash refuses it (the
	 * hash is opaque here; common/forget_key.h makes real ones) */
	assert_int_equal(store_forget(f->st, "gone@example.org", "h-gone",
			     T0 + 3 * DAY, NULL, NULL),
	    0);
	d = lookup_hash(ro, "gone@example.org", "h-gone");
	assert_int_equal(d.verdict, SEND_SUPPRESSED);
	assert_string_equal(send_cause_text(&d), "forgotten");
	assert_int_equal(d.since, T0 + 3 * DAY);
	/* without the key nothing can tell: the row is gone */
	assert_int_equal(lookup(ro, "gone@example.org").verdict, SEND_OK);
	assert_int_equal(
	    lookup_hash(ro, "back@example.org", "h-back").verdict, SEND_OK);
	store_close(&ro);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_no_row),
	    cmocka_unit_test(test_forgotten),
	    cmocka_unit_test(test_active_and_soft),
	    cmocka_unit_test(test_bounce),
	    cmocka_unit_test(test_person),
	    cmocka_unit_test(test_person_reason),
	    cmocka_unit_test(test_day),
	    cmocka_unit_test(test_key),
	    cmocka_unit_test_setup_teardown(test_store, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
