/*
 * Issue 15 items 6 and 7: retention's decisions (daemon/upkeep/plan.c,
 * pure), the metrics' text (metrics_text.c, pure), and the store's side
 * -- purges, the expiry of suppressions, forget and its keyed hash, the
 * metrics' counts -- on real SQLite files in a temporary directory.
 * Rows are made with raw SQL (store_private.h) where store.h has no
 * writer for them; every check reads the file.
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
#include <sqlite3.h> /* raw SQL: store_db() */

#include "common/forget_key.h"
#include "common/strutil.h"
#include "config/config.h"
#include "daemon/upkeep/forgotten.h"
#include "daemon/upkeep/metrics_text.h"
#include "daemon/upkeep/plan.h"
#include "storage/store.h"
#include "storage/store_private.h"
#include "forget_case.h"

#define CAST_BLOB(s) "CAST(" s " AS BLOB)"

#define DAY 86400
#define T0  1700000000

struct fx {
	char dir[PATH_MAX];
	char path[PATH_MAX + 16];
	struct store *st;
};

static void
sql(struct store *st, const char *text)
{
	char *err = NULL;

	if (sqlite3_exec(store_db(st), text, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", text, err);
}

static int64_t
sql_int(struct store *st, const char *text)
{
	sqlite3_stmt *stmt;
	int64_t v;

	assert_int_equal(sqlite3_prepare_v2(store_db(st), text, -1, &stmt,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	v = sqlite3_column_type(stmt, 0) == SQLITE_NULL ? -1 :
	    sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return v;
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	const char *base = getenv("TMPDIR");
	char *err = NULL;

	snprintf(f->dir, sizeof(f->dir), "%s/test_upkeep.XXXXXX",
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
	static const char *const sfx[] = {"", "-wal", "-shm", ".forget-key"};
	char p[PATH_MAX + 32];
	size_t i;

	store_close(&f->st);
	for (i = 0; i < 4; i++) {
		snprintf(p, sizeof(p), "%s%s", f->path, sfx[i]);
		unlink(p);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

/* ---- plan.c ---- */

static void
test_plan(void **state)
{
	struct config *c = config_default();
	struct upkeep_plan p = {0};
	struct upkeep_job j;
	int64_t wake = 0, now = T0;

	(void)state;
	/* nothing set: nothing ever (sent.keep needs a sent: source) */
	assert_false(upkeep_next(c, &p, now, &j, &wake));
	assert_int_equal(wake, INT64_MAX);
	c->retention.bounces = 90 * DAY;
	assert_true(upkeep_next(c, &p, now, &j, &wake));
	assert_int_equal(j.task, UPKEEP_BOUNCES);
	assert_int_equal(j.before, now - 90 * DAY);
	/* a full job: again at once; a short one: in UPKEEP_EVERY */
	upkeep_done(&p, &j, UPKEEP_LIMIT, false, now);
	assert_true(upkeep_next(c, &p, now, &j, &wake));
	upkeep_done(&p, &j, 3, false, now);
	assert_false(upkeep_next(c, &p, now, &j, &wake));
	assert_int_equal(wake, now + UPKEEP_EVERY);
	assert_true(upkeep_next(c, &p, now + UPKEEP_EVERY, &j, &wake));
	/* a failure: after UPKEEP_RETRY */
	upkeep_done(&p, &j, 0, true, now);
	assert_false(upkeep_next(c, &p, now, &j, &wake));
	assert_int_equal(wake, now + UPKEEP_RETRY);
	/* sent.keep only with a sent: source; processed only for a Maildir */
	c->sent.maildir = strdup("/srv/sent");
	c->retention.processed = 7 * DAY;
	assert_true(upkeep_next(c, &p, now, &j, &wake));
	assert_int_equal(j.task, UPKEEP_SENT);
	assert_int_equal(j.before, now - 30 * DAY);
	upkeep_done(&p, &j, 0, false, now);
	assert_true(upkeep_next(c, &p, now, &j, &wake));
	assert_int_equal(j.task, UPKEEP_PROCESSED);
	upkeep_done(&p, &j, 0, false, now);
	c->imap.host = strdup("imap.example.org");
	assert_int_equal(upkeep_keep(c, UPKEEP_PROCESSED, REASON_UNDEFINED), 0);
	/* the outbox */
	c->retention.events = 14 * DAY;
	assert_true(upkeep_next(c, &p, now, &j, &wake));
	assert_int_equal(j.task, UPKEEP_EVENTS);
	assert_int_equal(j.before, now - 14 * DAY);
	assert_string_equal(upkeep_task_name(j.task), "events");
	upkeep_done(&p, &j, 0, false, now);
	/* suppressions: one job per reason set */
	c->retention.suppressions[REASON_MAILBOXFULL] = 30 * DAY;
	assert_true(upkeep_next(c, &p, now, &j, &wake));
	assert_int_equal(j.task, UPKEEP_SUPPRESSIONS);
	assert_int_equal(j.reason, REASON_MAILBOXFULL);
	assert_int_equal(j.before, now - 30 * DAY);
	upkeep_done(&p, &j, 0, false, now);
	assert_false(upkeep_next(c, &p, now, &j, &wake));
	config_free(&c);
}

static void
test_config_keys(void **state)
{
	static const char text[] =
	    "retention:\n  messages: 400d\n  bounces: 90d\n"
	    "  originals: 7d\n  processed: 12h\n  sent: 60d\n  events: 30d\n"
	    "  suppressions:\n    mailboxfull: 30d\n    expired: 2d\n"
	    "metrics:\n  file: /run/m.prom\n  interval: 15s\n";
	struct config *c = NULL;
	char *err = NULL;

	(void)state;
	assert_int_equal(config_load_buf("t.yaml", text, strlen(text), &c,
	    &err), 0);
	assert_int_equal(c->retention.messages, 400 * DAY);
	assert_int_equal(c->retention.bounces, 90 * DAY);
	assert_int_equal(c->retention.originals, 7 * DAY);
	assert_int_equal(c->retention.processed, 12 * 3600);
	assert_int_equal(c->retention.events, 30 * DAY);
	assert_int_equal(c->sent.keep, 60 * DAY);
	assert_int_equal(c->retention.suppressions[REASON_MAILBOXFULL],
	    30 * DAY);
	assert_int_equal(c->retention.suppressions[REASON_EXPIRED], 2 * DAY);
	assert_int_equal(c->retention.suppressions[REASON_USERUNKNOWN], 0);
	assert_string_equal(c->metrics.file, "/run/m.prom");
	assert_int_equal(c->metrics.interval, 15);
	config_free(&c);
	/* errors: a reason that is none, a bad duration, sent twice */
	{
		static const char bad[] =
		    "sent:\n  maildir: /srv/s\n  keep: 10d\n"
		    "retention:\n  sent: 20d\n  suppressions:\n"
		    "    nosuchreason: 3d\n    mailboxfull: soon\n"
		    "  messages: 1h\n";

		assert_int_equal(config_load_buf("t.yaml", bad, strlen(bad),
		    &c, &err), -1);
		assert_non_null(strstr(err, "\"nosuchreason\" is not a "
		    "reason"));
		assert_non_null(strstr(err, "retention.suppressions."
		    "mailboxfull: \"soon\" is not a duration"));
		assert_non_null(strstr(err, "retention.sent: given with "
		    "sent.keep"));
		assert_non_null(strstr(err, "retention.messages: 1h not in "
		    "1d.."));
		free(err);
	}
}

/* ---- metrics_text.c ---- */

static void
test_metrics_text(void **state)
{
	struct metric_rows r = {0};
	struct metrics_times tm = {.start = T0, .last_pass = T0 + 5};
	char esc[64], *text;
	size_t len;

	(void)state;
	metrics_escape("a\"b\\c\nd", esc, sizeof(esc));
	assert_string_equal(esc, "a\\\"b\\\\c\\nd");
	metric_rows_add(&r, STORE_METRIC_MESSAGES, "bounce", "", 7);
	metric_rows_add(&r, STORE_METRIC_BOUNCES, "userunknown", "permanent",
	    5);
	metric_rows_add(&r, STORE_METRIC_BOUNCES, "", "", 2);
	metric_rows_add(&r, STORE_METRIC_RECIPIENTS, "suppressed", "", 4);
	metric_rows_add(&r, STORE_METRIC_RESENDS, "weird\"state", "", 1);
	metric_rows_add(&r, STORE_METRIC_FORGOTTEN, "", "", 3);
	text = metrics_format(&r, &tm, &len);
	assert_int_equal(strlen(text), len);
	assert_non_null(strstr(text, "# TYPE bounced_messages_total counter\n"
	    "bounced_messages_total{outcome=\"bounce\"} 7\n"
	    "bounced_messages_total{outcome=\"not_bounce\"} 0\n"));
	assert_non_null(strstr(text, "bounced_bounces_total{reason="
	    "\"userunknown\",class=\"permanent\"} 5\n"));
	assert_non_null(strstr(text, "bounced_bounces_total{reason=\"none\","
	    "class=\"none\"} 2\n"));
	assert_non_null(strstr(text, "bounced_recipients{state=\"active\"} "
	    "0\nbounced_recipients{state=\"soft\"} 0\n"
	    "bounced_recipients{state=\"suppressed\"} 4\n"));
	assert_non_null(strstr(text, "bounced_resends{state=\"weird\\\"state"
	    "\"} 1\n"));
	assert_non_null(strstr(text, "bounced_forgotten_addresses 3\n"));
	assert_non_null(strstr(text, "bounced_start_time_seconds 1700000000\n"));
	assert_non_null(strstr(text,
	    "bounced_last_pass_success_timestamp_seconds 1700000005\n"));
	/* one TYPE line per family */
	assert_null(strstr(strstr(text, "# TYPE bounced_recipients ") + 1,
	    "# TYPE bounced_recipients "));
	/* no outbox read: no outbox family */
	assert_null(strstr(text, "bounced_events"));
	free(text);
	/* the outbox: the sinks that ran, every state, the oldest pending */
	{
		struct store_outbox_backlog ob = {0};

		ob.seen[STORE_SINK_WEBHOOK] = true;
		ob.n[STORE_SINK_WEBHOOK][OUTBOX_PENDING] = 3;
		ob.n[STORE_SINK_WEBHOOK][OUTBOX_DEAD] = 1;
		ob.oldest_pending[STORE_SINK_WEBHOOK] = T0 + 9;
		ob.n[STORE_SINK_EXEC][OUTBOX_PENDING] = 99; /* never ran */
		text = metrics_format_outbox(&r, &ob, &tm, &len);
		assert_non_null(strstr(text, "# TYPE bounced_events gauge\n"
		    "bounced_events{sink=\"webhook\",state=\"pending\"} 3\n"
		    "bounced_events{sink=\"webhook\",state=\"delivered\"} 0\n"
		    "bounced_events{sink=\"webhook\",state=\"dead\"} 1\n"
		    "bounced_events{sink=\"webhook\",state=\"skipped\"} 0\n"));
		assert_non_null(strstr(text, "# TYPE bounced_events_oldest_"
		    "pending_timestamp_seconds gauge\nbounced_events_oldest_"
		    "pending_timestamp_seconds{sink=\"webhook\"} 1700000009\n"));
		assert_null(strstr(text, "sink=\"exec\""));
		free(text);
		/* nothing pending: the family without a sample */
		ob.oldest_pending[STORE_SINK_WEBHOOK] = 0;
		text = metrics_format_outbox(&r, &ob, &tm, &len);
		assert_null(strstr(text, "bounced_events_oldest_pending_"
		    "timestamp_seconds{"));
		free(text);
	}
	metric_rows_free(&r);
}

/* ---- the store's purges ---- */

/* messages 1..n processed at T0 + i, one bounce each for a@x.org */
static void
fill(struct store *st, int n)
{
	char q[512];
	int i;

	sql(st, "BEGIN");
	for (i = 1; i <= n; i++) {
		snprintf(q, sizeof(q), "INSERT INTO messages (id, sha256,"
		    " source_ref, outcome, processed_at) VALUES (%d, 's%d',"
		    " 'f%d', 'bounce', %d);"
		    "INSERT INTO bounces (message, recipient, hard, reason,"
		    " class, at) VALUES (%d, 'a@x.org', 1, 'userunknown',"
		    " 'permanent', %d)", i, i, i, T0 + i, i, T0 + i);
		sql(st, q);
	}
	sql(st, "INSERT INTO recipients (address, domain, state, reason,"
	    " bounce_count, first_bounce_at, last_bounce_at, suppressed_at)"
	    " VALUES ('a@x.org', 'x.org', 'suppressed', 'userunknown', 2500,"
	    " 1700000001, 1700002500, 1700000001); COMMIT");
}

static int64_t metric_total;

static void
sum_bounces(void *arg, enum store_metric m, const char *a, const char *b,
    int64_t n)
{
	(void)arg;
	(void)a;
	(void)b;
	if (m == STORE_METRIC_BOUNCES)
		metric_total += n;
}

static int64_t
bounces_total(struct store *st)
{
	metric_total = 0;
	assert_int_equal(store_metrics(st, sum_bounces, NULL), 0);
	return metric_total;
}

static void
test_purge_messages(void **state)
{
	struct fx *f = *state;
	int64_t n, rounds = 0;

	fill(f->st, 2500);
	/* message 10 waits for a resend, message 20's resend is over */
	sql(f->st, "INSERT INTO resend_originals (id, sha256, body, created_at)"
	    " VALUES (1, 'o1', x'41', 1);"
	    "INSERT INTO resends (id, recipient, message, state, created_at,"
	    " updated_at, original) VALUES (1, 'a@x.org', 10, 'pending', 1, 1,"
	    " 1), (2, 'a@x.org', 20, 'sent', 1, 1, NULL);"
	    "INSERT INTO resend_attempts (resend, at, outcome, message)"
	    " VALUES (2, 1, 'sent', NULL), (1, 1, 'bounced', 30);"
	    "UPDATE bounces SET resend = 2 WHERE message = 40");
	assert_int_equal(bounces_total(f->st), 2500);
	/* the first 2,000 messages, in steps of at most 1,000 */
	do {
		assert_int_equal(store_purge(f->st, STORE_PURGE_MESSAGES,
		    T0 + 2001, 1000, &n), 0);
		assert_true(n <= 1000);
		rounds++;
	} while (n == 1000);
	assert_int_equal(rounds, 2);
	assert_int_equal(sql_int(f->st, "SELECT count(*) FROM messages"), 501);
	assert_int_equal(sql_int(f->st, "SELECT min(id) FROM messages"), 10);
	assert_int_equal(sql_int(f->st, "SELECT count(*) FROM bounces"), 501);
	/* the finished resend went with its message; the waiting one and
	 * its attempt stay, the attempt's purged message is forgotten */
	assert_int_equal(sql_int(f->st, "SELECT count(*) FROM resends"), 1);
	assert_int_equal(sql_int(f->st, "SELECT count(*) FROM resend_attempts"),
	    1);
	assert_int_equal(sql_int(f->st, "SELECT message FROM resend_attempts"),
	    -1);
	/* the recipient's state is not history: unchanged */
	assert_int_equal(sql_int(f->st, "SELECT bounce_count FROM recipients"),
	    2500);
	assert_int_equal(sql_int(f->st,
	    "SELECT first_bounce_at FROM recipients"), T0 + 1);
	/* the totals the metrics show did not go down */
	assert_int_equal(bounces_total(f->st), 2500);
	assert_int_equal(sql_int(f->st, "SELECT n FROM purged_counts WHERE"
	    " kind = 'messages' AND a = 'bounce'"), 1999);
	assert_int_equal(sql_int(f->st, "SELECT count(*) FROM"
	    " pragma_foreign_key_check"), 0);
}

static void
test_purge_bounces_originals_sent(void **state)
{
	struct fx *f = *state;
	int64_t n;

	fill(f->st, 100);
	sql(f->st, "INSERT INTO resend_originals (id, sha256, body, created_at)"
	    " VALUES (1, 'o1', x'41', 10), (2, 'o2', x'42', 10),"
	    " (3, 'o3', x'43', 99999999999);"
	    "INSERT INTO resends (id, recipient, message, state, created_at,"
	    " updated_at, original) VALUES (1, 'a@x.org', 50, 'deferred', 1,"
	    " 1, 1), (2, 'b@x.org', 60, 'gave_up', 1, 1, 2)");
	assert_int_equal(store_purge(f->st, STORE_PURGE_BOUNCES, T0 + 81, 1000,
	    &n), 0);
	/* 80 older, less the one of message 50 (its resend waits) */
	assert_int_equal(n, 79);
	assert_int_equal(sql_int(f->st, "SELECT count(*) FROM bounces"), 21);
	assert_int_equal(sql_int(f->st, "SELECT count(*) FROM messages"), 100);
	assert_int_equal(bounces_total(f->st), 100);
	assert_int_equal(store_purge(f->st, STORE_PURGE_ORIGINALS, 1000, 1000,
	    &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(sql_int(f->st, "SELECT count(*) FROM resend_originals"
	    " WHERE id IN (1, 3)"), 2);
	assert_int_equal(sql_int(f->st, "SELECT original FROM resends WHERE"
	    " id = 2"), -1);
	{
		const char *rc[] = {"a@x.org"};
		struct store_sent s = {.sha256 = "c1", .source_ref = "r",
		    .message_id = "m@x", .indexed_at = 5, .body = "B",
		    .len = 1, .rcpts = rc, .nrcpts = 1};
		int64_t id;

		assert_int_equal(store_sent_add(f->st, &s, &id), 0);
		s.sha256 = "c2";
		s.indexed_at = T0;
		assert_int_equal(store_sent_add(f->st, &s, &id), 0);
	}
	assert_int_equal(store_purge(f->st, STORE_PURGE_SENT, 100, 1000, &n),
	    0);
	assert_int_equal(n, 1);
	assert_int_equal(sql_int(f->st, "SELECT count(*) FROM"
	    " sent_recipients"), 1);
	assert_int_equal(sql_int(f->st, "SELECT count(*) FROM"
	    " pragma_foreign_key_check"), 0);
}

static int nexpired;

static void
expired(void *arg, const char *address)
{
	(void)arg;
	assert_string_equal(address, "full@x.org");
	nexpired++;
}

static void
test_expire_suppressions(void **state)
{
	struct fx *f = *state;
	int64_t n;

	sql(f->st, "INSERT INTO recipients (address, domain, state, reason,"
	    " bounce_count, soft_count, suppressed_at, override) VALUES"
	    " ('full@x.org', 'x.org', 'suppressed', 'mailboxfull', 6, 6, 100,"
	    "  NULL),"
	    " ('kept@x.org', 'x.org', 'suppressed', 'mailboxfull', 6, 6, 100,"
	    "  'suppressed'),"
	    " ('new@x.org', 'x.org', 'suppressed', 'mailboxfull', 6, 6, 900,"
	    "  NULL),"
	    " ('gone@x.org', 'x.org', 'suppressed', 'userunknown', 1, 0, 100,"
	    "  NULL)");
	assert_int_equal(store_expire_suppressions(f->st, "mailboxfull", 500,
	    1000, expired, NULL, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(nexpired, 1);
	assert_int_equal(sql_int(f->st, "SELECT count(*) FROM recipients WHERE"
	    " state = 'active' AND soft_count = 0 AND bounce_count = 6 AND"
	    " suppressed_at IS NULL AND address = 'full@x.org'"), 1);
	assert_int_equal(sql_int(f->st, "SELECT count(*) FROM recipients"
	    " WHERE state = 'suppressed'"), 3);
}

/* ---- forget ---- */

#define ADDR "who@example.org"

/* Whether any TEXT or BLOB value of any table mentions ADDR as a whole
 * address (case-insensitive): found and printed, or 0. Generic, like
 * the sweep: every table, whoever added it. */
static int
mentions(struct store *st, bool show)
{
	sqlite3_stmt *t, *v;
	char q[600];
	int found = 0;

	assert_int_equal(sqlite3_prepare_v2(store_db(st), "SELECT m.name,"
	    " p.name FROM sqlite_master m, pragma_table_info(m.name) p WHERE"
	    " m.type = 'table'", -1, &t, NULL), SQLITE_OK);
	while (sqlite3_step(t) == SQLITE_ROW) {
		snprintf(q, sizeof(q), "SELECT \"%s\" FROM \"%s\"",
		    sqlite3_column_text(t, 1), sqlite3_column_text(t, 0));
		assert_int_equal(sqlite3_prepare_v2(store_db(st), q, -1, &v,
		    NULL), SQLITE_OK);
		while (sqlite3_step(v) == SQLITE_ROW) {
			const unsigned char *s = sqlite3_column_blob(v, 0);
			int len = sqlite3_column_bytes(v, 0), i, j;

			if (sqlite3_column_type(v, 0) != SQLITE_TEXT &&
			    sqlite3_column_type(v, 0) != SQLITE_BLOB)
				continue;
			for (i = 0; i + (int)strlen(ADDR) <= len; i++) {
				for (j = 0; ADDR[j] != '\0' &&
				     bd_lower(s[i + j]) == ADDR[j]; j++)
					;
				if (ADDR[j] != '\0' || (i > 0 &&
				    (bd_isalpha(s[i - 1]) ||
				    bd_isdigit(s[i - 1]))))
					continue;
				/* not a longer domain: who@example.org.uk */
				j += i;
				if (j < len && (bd_isalpha(s[j]) ||
				    bd_isdigit(s[j]) || s[j] == '-' ||
				    (s[j] == '.' && j + 1 < len &&
				    bd_isalpha(s[j + 1]))))
					continue;
				if (show)
					fprintf(stderr, "%s.%s: %.*s\n",
					    sqlite3_column_text(t, 0),
					    sqlite3_column_text(t, 1), len,
					    s);
				found++;
				break;
			}
		}
		sqlite3_finalize(v);
	}
	sqlite3_finalize(t);
	return found;
}

static void
test_forget(void **state)
{
	struct fx *f = *state;
	unsigned char key[FORGET_KEY_LEN], key2[FORGET_KEY_LEN];
	char h1[SHA256_HEX_LEN + 1], h2[SHA256_HEX_LEN + 1];
	const char *why = NULL;

	sql(f->st, FORGET_CASE_ROWS(CAST_BLOB)
	    /* tables another helper adds: covered without being listed */
	    "CREATE TABLE outbox (id INTEGER PRIMARY KEY, payload TEXT);"
	    "INSERT INTO outbox (payload) VALUES"
	    " ('{\"recipient\":\"who@example.org\",\"n\":1}');"
	    "CREATE TABLE notes (k TEXT PRIMARY KEY, v) WITHOUT ROWID;"
	    "INSERT INTO notes VALUES ('a', CAST('who@example.org' AS BLOB))");
	assert_true(mentions(f->st, false) > 0);
	assert_int_equal(forget_key_load(f->path, false, key, &why), 0);
	assert_int_equal(forget_key_load(f->path, true, key, &why), 1);
	assert_int_equal(forget_key_load(f->path, false, key2, &why), 1);
	assert_memory_equal(key, key2, FORGET_KEY_LEN);
	forget_hash(key, "Who@Example.ORG", h1);
	forget_hash(key, ADDR, h2);
	assert_string_equal(h1, h2);
	key2[0] ^= 1;
	forget_hash(key2, ADDR, h2);
	assert_string_not_equal(h1, h2); /* keyed: another key, another hash */
	assert_int_equal(store_forgotten(f->st, h1), 0);
	assert_int_equal(store_forget(f->st, "WHO@example.org", h1, 77, NULL,
	    NULL), 0);
	/* nothing names it any more, in any table */
	assert_int_equal(mentions(f->st, true), 0);
	assert_int_equal(store_forgotten(f->st, h1), 1);
	forget_case_check(sql_int, f->st);
	assert_int_equal(sql_int(f->st, "SELECT count(*) FROM"
	    " pragma_foreign_key_check"), 0);
	/* the metrics' total keeps the two rows that went */
	assert_int_equal(bounces_total(f->st), 3);
	/* twice: nothing left, the hash once */
	assert_int_equal(store_forget(f->st, ADDR, h1, 78, NULL, NULL), 0);
	assert_int_equal(sql_int(f->st, "SELECT count(*) FROM forgotten"), 1);
}

/*
 * The recording path's check (daemon/upkeep/forgotten.c): a key missing
 * at a batch's first look is not looked for again in that batch (no
 * open(2) per bounce), and is found at the next batch; the lookup
 * responders' forgotten_hash() sees a new key at once.
 */
static void
test_forgotten_batch(void **state)
{
	struct fx *f = *state;
	struct forgotten fg, lookup;
	unsigned char key[FORGET_KEY_LEN];
	char h[SHA256_HEX_LEN + 1], ins[200];
	const char *why;

	memset(&fg, 0, sizeof(fg));
	memset(&lookup, 0, sizeof(lookup));
	forgotten_batch(&fg);
	assert_int_equal(forgotten_check(&fg, f->st, f->path, ADDR), 0);
	assert_null(forgotten_hash(&lookup, f->path, ADDR, h));
	/* what bouncectl forget does, key first, then the hash */
	assert_int_equal(forget_key_load(f->path, true, key, &why), 1);
	forget_hash(key, ADDR, h);
	snprintf(ins, sizeof(ins), "INSERT INTO forgotten VALUES ('%s', 1)",
	    h);
	sql(f->st, ins);
	/* the same batch: no look for the key */
	assert_int_equal(forgotten_check(&fg, f->st, f->path, ADDR), 0);
	assert_non_null(forgotten_hash(&lookup, f->path, ADDR, h));
	forgotten_batch(&fg);
	assert_int_equal(forgotten_check(&fg, f->st, f->path, ADDR), 1);
	assert_int_equal(forgotten_check(&fg, f->st, f->path,
	    "other@example.org"), 0);
	forgotten_wipe(&fg);
	forgotten_wipe(&lookup);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plan),
	    cmocka_unit_test(test_config_keys),
	    cmocka_unit_test(test_metrics_text),
	    cmocka_unit_test_setup_teardown(test_purge_messages, setup,
		teardown),
	    cmocka_unit_test_setup_teardown(test_purge_bounces_originals_sent,
		setup, teardown),
	    cmocka_unit_test_setup_teardown(test_expire_suppressions, setup,
		teardown),
	    cmocka_unit_test_setup_teardown(test_forget, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_forgotten_batch, setup,
		teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
