/*
 * The outbox (issue 15 item 3): which changes are events
 * (lifecycle/outbox.c), the retry backoff, the payloads and the webhook
 * signature (daemon/outbound/event_*.c), and the store's side
 * (storage/store_outbox.c) on a real SQLite file: an event is written
 * with the change that makes it, queued per sink, delivered in order,
 * marked, counted and purged.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "daemon/outbound/event_payload.h"
#include "daemon/outbound/event_sign.h"
#include "lifecycle/outbox.h"
#include "storage/store.h"

/* ---- decisions ---- */

static void
test_bounce_kind(void **state)
{
	struct lc_result r = { .event = EVENT_HARD,
		.effect = EFFECT_SUPPRESSED };

	(void)state;
	assert_int_equal(outbox_bounce_kind(STATE_ACTIVE, &r),
	    OUTBOX_SUPPRESSED);
	assert_int_equal(outbox_bounce_kind(STATE_SOFT, &r), OUTBOX_SUPPRESSED);
	/* already suppressed: counted, not a change */
	assert_int_equal(outbox_bounce_kind(STATE_SUPPRESSED, &r), OUTBOX_NONE);
	r.event = EVENT_SOFT;
	assert_int_equal(outbox_bounce_kind(STATE_SOFT, &r), OUTBOX_SOFT_LIMIT);
	r.effect = EFFECT_SOFT;
	assert_int_equal(outbox_bounce_kind(STATE_ACTIVE, &r), OUTBOX_NONE);
	/* every believed complaint, whatever it changed */
	r.event = EVENT_COMPLAINT;
	r.effect = EFFECT_SUPPRESSED;
	assert_int_equal(outbox_bounce_kind(STATE_ACTIVE, &r),
	    OUTBOX_COMPLAINT);
	assert_int_equal(outbox_bounce_kind(STATE_SUPPRESSED, &r),
	    OUTBOX_COMPLAINT);
	r.event = EVENT_NOT_SPAM;
	r.effect = EFFECT_WITHDRAWN;
	assert_int_equal(outbox_bounce_kind(STATE_SUPPRESSED, &r),
	    OUTBOX_UNSUPPRESSED);
	r.event = EVENT_UNVERIFIED;
	r.effect = EFFECT_UNVERIFIED;
	assert_int_equal(outbox_bounce_kind(STATE_ACTIVE, &r), OUTBOX_NONE);
}

static void
test_other_kinds(void **state)
{
	(void)state;
	assert_int_equal(outbox_override_kind(STATE_ACTIVE,
	    OVERRIDE_SUPPRESSED), OUTBOX_SUPPRESSED);
	assert_int_equal(outbox_override_kind(STATE_SUPPRESSED,
	    OVERRIDE_SUPPRESSED), OUTBOX_NONE);
	assert_int_equal(outbox_override_kind(STATE_SUPPRESSED,
	    OVERRIDE_UNSUPPRESSED), OUTBOX_UNSUPPRESSED);
	assert_int_equal(outbox_override_kind(STATE_SOFT,
	    OVERRIDE_UNSUPPRESSED), OUTBOX_NONE);
	assert_int_equal(outbox_resend_kind(RESEND_PENDING, OUTCOME_SENT,
	    RESEND_SENT), OUTBOX_RESEND_SENT);
	assert_int_equal(outbox_resend_kind(RESEND_DEFERRED, OUTCOME_GAVE_UP,
	    RESEND_GAVE_UP), OUTBOX_RESEND_GAVE_UP);
	assert_int_equal(outbox_resend_kind(RESEND_SENT, OUTCOME_BOUNCED,
	    RESEND_SENT), OUTBOX_NONE);
	assert_int_equal(outbox_resend_kind(RESEND_PENDING, OUTCOME_DEFERRED,
	    RESEND_DEFERRED), OUTBOX_NONE);
	/* cancelled while it was being sent: it stays cancelled, but the
	 * copy went out (issue 18 item 2) */
	assert_int_equal(outbox_resend_kind(RESEND_CANCELLED, OUTCOME_SENT,
	    RESEND_CANCELLED), OUTBOX_RESEND_SENT);
	for (int k = 1; k < OUTBOX_COUNT; k++)
		assert_int_equal(outbox_kind_from_name(outbox_kind_name(k)), k);
	assert_null(outbox_kind_name(OUTBOX_NONE));
}

static void
test_backoff(void **state)
{
	struct outbox_retry r = { .max_attempts = 5, .max_age = 3600,
		.base = 1, .cap = 60 };
	int64_t next;
	unsigned d;

	(void)state;
	/* d/2 fixed + up to d/2 random: 1, [1,2], [2,4], [4,8] ... cap */
	assert_int_equal(outbox_delay(&r, 1, 0), 1);
	assert_int_equal(outbox_delay(&r, 1, UINT32_MAX), 1);
	assert_int_equal(outbox_delay(&r, 2, 0), 1);
	assert_int_equal(outbox_delay(&r, 2, 1), 2);
	assert_int_equal(outbox_delay(&r, 4, 0), 4);
	assert_int_equal(outbox_delay(&r, 4, 4), 8);
	for (uint32_t rnd = 0; rnd < 1000; rnd += 7) {
		d = outbox_delay(&r, 30, rnd);
		assert_true(d >= 30 && d <= 60);
	}
	assert_int_equal(outbox_after_failure(&r, 1, 1000, 1000, 0, &next),
	    OUTBOX_PENDING);
	assert_int_equal(next, 1001);
	assert_int_equal(outbox_after_failure(&r, 3, 1000, 1010, 3, &next),
	    OUTBOX_PENDING);
	assert_int_equal(next, 1010 + 2 + 3 % 3);
	/* the limits: attempts, then age */
	assert_int_equal(outbox_after_failure(&r, 5, 1000, 1010, 0, &next),
	    OUTBOX_DEAD);
	assert_int_equal(next, 0);
	assert_int_equal(outbox_after_failure(&r, 2, 1000, 4600, 0, &next),
	    OUTBOX_DEAD);
	assert_int_equal(outbox_after_failure(&r, 2, 1000, 4599, 0, &next),
	    OUTBOX_PENDING);
}

/* ---- payloads and signature ---- */

static void
fill(struct store_event *e)
{
	memset(e, 0, sizeof(*e));
	snprintf(e->uuid, sizeof(e->uuid), "%s",
	    "0b9a3f8e-6f1c-4a7e-9d2b-1f3e5a7c9b0d");
	e->kind = OUTBOX_SUPPRESSED;
	e->source = OUTBOX_FROM_BOUNCE;
	snprintf(e->address, sizeof(e->address), "%s", "kim@example.net");
	e->at = 1700000000;
	snprintf(e->state, sizeof(e->state), "%s", "suppressed");
	snprintf(e->reason, sizeof(e->reason), "%s", "userunknown");
	snprintf(e->status, sizeof(e->status), "%s", "5.1.1");
	/* what a bounce may carry: quotes, a line end, a control
	 * character, invalid UTF-8, U+2028 */
	snprintf(e->diagnostic, sizeof(e->diagnostic), "%s",
	    "550 \"no\"\r\n\x01\xff\xe2\x80\xa8 x\\");
	e->bounce = 42;
	snprintf(e->message_id, sizeof(e->message_id), "%s", "<b@mta>");
}

static char *
render(int (*fn)(FILE *, const struct store_event *),
    const struct store_event *e, int *rc)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	*rc = fn(f, e);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static int
generic(FILE *f, const struct store_event *e)
{
	event_json_generic(f, e);
	return 1;
}

static void
test_generic(void **state)
{
	struct store_event e;
	int rc;
	char *s;

	(void)state;
	fill(&e);
	s = render(generic, &e, &rc);
	assert_string_equal(s,
	    "{\"id\":\"0b9a3f8e-6f1c-4a7e-9d2b-1f3e5a7c9b0d\","
	    "\"type\":\"suppressed\",\"version\":1,"
	    "\"occurred_at\":\"2023-11-14T22:13:20Z\","
	    "\"timestamp\":1700000000,\"address\":\"kim@example.net\","
	    "\"state\":\"suppressed\",\"source\":\"bounce\","
	    "\"reason\":\"userunknown\",\"status\":\"5.1.1\","
	    "\"diagnostic\":\"550 \\\"no\\\"\\r\\n\\u0001\xef\xbf\xbd"
	    "\\u2028 x\\\\\",\"note\":null,\"bounce_id\":42,"
	    "\"message_id\":\"<b@mta>\",\"original_message_id\":null,"
	    "\"resend_id\":null}");
	assert_null(strchr(s, '\n'));
	free(s);
}

static void
test_listmonk(void **state)
{
	struct store_event e;
	int rc;
	char *s;

	(void)state;
	fill(&e);
	e.diagnostic[0] = '\0';
	s = render(event_json_listmonk, &e, &rc);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(s, "{\"email\":\"kim@example.net\","
	    "\"source\":\"bounced\",\"type\":\"hard\",\"meta\":\"{\\\"id\\\":"
	    "\\\"0b9a3f8e-6f1c-4a7e-9d2b-1f3e5a7c9b0d\\\","));
	free(s);
	e.kind = OUTBOX_SOFT_LIMIT;
	s = render(event_json_listmonk, &e, &rc);
	assert_non_null(strstr(s, "\"type\":\"hard\""));
	free(s);
	e.kind = OUTBOX_COMPLAINT;
	s = render(event_json_listmonk, &e, &rc);
	assert_non_null(strstr(s, "\"type\":\"complaint\""));
	free(s);
	for (int k = OUTBOX_UNSUPPRESSED; k < OUTBOX_COUNT; k++) {
		if (k == OUTBOX_COMPLAINT || k == OUTBOX_SOFT_LIMIT)
			continue;
		e.kind = k;
		s = render(event_json_listmonk, &e, &rc);
		assert_int_equal(rc, 0);
		assert_string_equal(s, "");
		free(s);
	}
}

static void
test_sign(void **state)
{
	static const char key[] = "0123456789abcdef-secret";
	char hex[EVENT_SIGN_HEX + 1];

	(void)state;
	/* Python: hmac.new(key, b'1700000000.{"a":1}', hashlib.sha256) */
	assert_int_equal(event_sign(key, strlen(key), 1700000000, "{\"a\":1}",
	    7, hex), 0);
	assert_string_equal(hex, "6948a2dc6985c92d09b9edade5c97dce"
	    "2ba201452d91a72e4a20d35abe4d3420");
	/* another timestamp, another signature (no replay under a new
	 * one) */
	assert_int_equal(event_sign(key, strlen(key), 1700000001, "{\"a\":1}",
	    7, hex), 0);
	assert_string_not_equal(hex, "6948a2dc6985c92d09b9edade5c97dce"
	    "2ba201452d91a72e4a20d35abe4d3420");
}

/* ---- the store ---- */

static char dir[PATH_MAX];

static struct store *
open_db(const char *name)
{
	char path[PATH_MAX + 32];
	struct store *st;
	char *err = NULL;

	snprintf(path, sizeof(path), "%s/%s.db", dir, name);
	if (store_open(path, STORE_RDWR, &st, &err) == -1)
		fail_msg("%s", err);
	return st;
}

static int64_t
add(struct store *st, enum outbox_kind k, const char *addr, int64_t at)
{
	struct store_event_new e = { .kind = k, .source = OUTBOX_FROM_BOUNCE,
		.address = addr, .at = at, .state = STATE_SUPPRESSED,
		.reason = REASON_UNDEFINED };
	int64_t id = 0;

	assert_int_equal(store_event_add(st, &e, &id), 0);
	return id;
}

static void
test_store_queue(void **state)
{
	struct store *st = open_db("queue");
	struct store_event ev[8];
	struct store_outbox_backlog b;
	size_t n;
	int64_t q, at, n_purged;

	(void)state;
	add(st, OUTBOX_SUPPRESSED, "old@example.org", 100);
	add(st, OUTBOX_SUPPRESSED, "a@example.org", 5000);
	add(st, OUTBOX_COMPLAINT, "b@example.org", 5001);
	/* first sight: what is older than first_since is not queued */
	assert_int_equal(store_outbox_enqueue(st, STORE_SINK_WEBHOOK, 5002,
	    1000, &q), 0);
	assert_int_equal(q, 2);
	assert_int_equal(store_outbox_enqueue(st, STORE_SINK_WEBHOOK, 5002,
	    1000, &q), 0);
	assert_int_equal(q, 0);
	assert_int_equal(store_outbox_due(st, STORE_SINK_WEBHOOK, 5002, ev, 8,
	    &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(ev[0].address, "a@example.org");
	assert_int_equal(ev[0].kind, OUTBOX_SUPPRESSED);
	assert_int_equal(strlen(ev[0].uuid), 36);
	assert_string_not_equal(ev[0].uuid, ev[1].uuid);
	assert_int_equal(ev[1].kind, OUTBOX_COMPLAINT);
	/* the head fails: it holds back the second until it is due */
	assert_int_equal(store_outbox_mark(st, STORE_SINK_WEBHOOK, ev[0].id,
	    OUTBOX_PENDING, 1, 5010, "HTTP 500", 5002), 0);
	assert_int_equal(store_outbox_due(st, STORE_SINK_WEBHOOK, 5005, ev, 8,
	    &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(store_outbox_next_at(st, STORE_SINK_WEBHOOK, &at), 1);
	assert_int_equal(at, 5010);
	assert_int_equal(store_outbox_due(st, STORE_SINK_WEBHOOK, 5010, ev, 8,
	    &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(ev[0].attempts, 1);
	assert_int_equal(store_outbox_mark(st, STORE_SINK_WEBHOOK, ev[0].id,
	    OUTBOX_DELIVERED, 2, 0, NULL, 5010), 0);
	assert_int_equal(store_outbox_mark(st, STORE_SINK_WEBHOOK, ev[1].id,
	    OUTBOX_DEAD, 9, 0, "gone", 5010), 0);
	/* a new event; the other sink has not run yet */
	add(st, OUTBOX_SUPPRESSED, "c@example.org", 5020);
	assert_int_equal(store_outbox_backlog(st, &b), 0);
	assert_int_equal(b.events, 4);
	assert_true(b.seen[STORE_SINK_WEBHOOK]);
	assert_false(b.seen[STORE_SINK_EXEC]);
	assert_int_equal(b.n[STORE_SINK_WEBHOOK][OUTBOX_DELIVERED], 1);
	assert_int_equal(b.n[STORE_SINK_WEBHOOK][OUTBOX_DEAD], 1);
	assert_int_equal(b.n[STORE_SINK_WEBHOOK][OUTBOX_PENDING], 1);
	assert_int_equal(b.oldest_pending[STORE_SINK_WEBHOOK], 5020);
	/* purge: the delivered and the dead go, the pending stays */
	assert_int_equal(store_outbox_purge(st, 6000, 100, &n_purged), 0);
	assert_int_equal(n_purged, 3);
	assert_int_equal(store_outbox_backlog(st, &b), 0);
	assert_int_equal(b.events, 1);
	assert_int_equal(b.n[STORE_SINK_WEBHOOK][OUTBOX_DELIVERED], 0);
	assert_int_equal(store_outbox_enqueue(st, STORE_SINK_WEBHOOK, 6000,
	    0, &q), 0);
	assert_int_equal(q, 1);
	store_close(&st);
}

/* The events bouncectl and the resend worker make come with them. */
static void
test_store_sources(void **state)
{
	struct store *st = open_db("sources");
	struct store_event ev[8];
	size_t n;
	int64_t q;

	(void)state;
	assert_int_equal(store_override(st, "Pat@Example.org",
	    OVERRIDE_SUPPRESSED, 100, "asked"), 0);
	/* again: no change, no event */
	assert_int_equal(store_override(st, "pat@example.org",
	    OVERRIDE_SUPPRESSED, 101, NULL), 0);
	assert_int_equal(store_override(st, "pat@example.org",
	    OVERRIDE_UNSUPPRESSED, 102, NULL), 0);
	assert_int_equal(store_outbox_enqueue(st, STORE_SINK_EXEC, 200, 0,
	    &q), 0);
	assert_int_equal(q, 2);
	assert_int_equal(store_outbox_due(st, STORE_SINK_EXEC, 200, ev, 8, &n),
	    0);
	assert_int_equal(n, 2);
	assert_int_equal(ev[0].kind, OUTBOX_SUPPRESSED);
	assert_int_equal(ev[0].source, OUTBOX_FROM_PERSON);
	assert_string_equal(ev[0].address, "pat@example.org");
	assert_string_equal(ev[0].note, "asked");
	assert_string_equal(ev[0].state, "suppressed");
	assert_int_equal(ev[1].kind, OUTBOX_UNSUPPRESSED);
	assert_string_equal(ev[1].state, "active");
	/* a failed transaction leaves no event behind */
	assert_int_equal(store_begin(st), 0);
	assert_int_equal(store_override(st, "lee@example.org",
	    OVERRIDE_SUPPRESSED, 103, NULL), 0);
	store_rollback(st);
	assert_int_equal(store_outbox_enqueue(st, STORE_SINK_EXEC, 200, 0,
	    &q), 0);
	assert_int_equal(q, 0);
	store_close(&st);
}

/* A resend that goes out, then one given up: an event each, with it. */
static void
test_store_resend(void **state)
{
	struct store *st = open_db("resend");
	char sha[65];
	struct store_message m = { .sha256 = sha, .source_ref = "new/1",
		.outcome = STORE_BOUNCE, .received_at = 10,
		.processed_at = 11 };
	struct store_resend_new rn = { .recipient = "sam@example.net",
		.original_message_id = "<o@app>", .reason = REASON_MAILBOXFULL,
		.kind = KIND_TRANSIENT, .next_at = 20, .now = 11 };
	struct store_resend_attempt a = { .at = 30,
		.outcome = OUTCOME_DEFERRED, .state = RESEND_DEFERRED,
		.requeue = true, .next_at = 40, .reply = "451 later",
		.counts = true };
	struct store_event ev[4];
	int64_t msg, id, q;
	size_t n;

	(void)state;
	snprintf(sha, sizeof(sha), "%064x", 1);
	assert_int_equal(store_message_add(st, &m, &msg), 0);
	rn.message = msg;
	assert_int_equal(store_resend_add(st, &rn, &id), 1);
	a.resend = id;
	/* deferred: no event */
	assert_int_equal(store_resend_record(st, &a), 0);
	a.outcome = OUTCOME_SENT;
	a.state = RESEND_SENT;
	a.requeue = false;
	a.reply = "250 ok";
	a.resent_message_id = "<resend.1@example.org>";
	assert_int_equal(store_resend_record(st, &a), 0);
	/* then given up (its copy bounced again) */
	a.outcome = OUTCOME_GAVE_UP;
	a.state = RESEND_GAVE_UP;
	a.reply = "too old";
	a.resent_message_id = NULL;
	assert_int_equal(store_resend_record(st, &a), 0);
	assert_int_equal(store_outbox_enqueue(st, STORE_SINK_WEBHOOK, 50, 0,
	    &q), 0);
	assert_int_equal(q, 2);
	assert_int_equal(store_outbox_due(st, STORE_SINK_WEBHOOK, 50, ev, 4,
	    &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(ev[0].kind, OUTBOX_RESEND_SENT);
	assert_int_equal(ev[0].source, OUTBOX_FROM_RESEND);
	assert_int_equal(ev[0].resend, id);
	assert_int_equal(ev[0].message, msg);
	assert_string_equal(ev[0].message_id, "<resend.1@example.org>");
	assert_string_equal(ev[0].original_message_id, "<o@app>");
	assert_string_equal(ev[0].reason, "mailboxfull");
	assert_string_equal(ev[0].diagnostic, "250 ok");
	assert_string_equal(ev[0].state, "");
	assert_int_equal(ev[1].kind, OUTBOX_RESEND_GAVE_UP);
	assert_string_equal(ev[1].diagnostic, "too old");
	store_close(&st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bounce_kind),
		cmocka_unit_test(test_other_kinds),
		cmocka_unit_test(test_backoff),
		cmocka_unit_test(test_generic),
		cmocka_unit_test(test_listmonk),
		cmocka_unit_test(test_sign),
		cmocka_unit_test(test_store_queue),
		cmocka_unit_test(test_store_sources),
		cmocka_unit_test(test_store_resend),
	};
	int rc;
	char cmd[PATH_MAX + 16];

	snprintf(dir, sizeof(dir), "%s/test_events.XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(dir) == NULL)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		rc = 1;
	return rc;
}
