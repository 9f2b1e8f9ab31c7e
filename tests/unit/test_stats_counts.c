/*
 * bouncectl stats from counters (schema v10, issue 16 item 3): whatever
 * is inserted, deleted (retention, forget) or changed in bounces, the
 * counters give exactly what the query over every bounce gives -- the
 * same rows, columns and order. A file migrated from the version before
 * gets its counters from the rows it has. Real SQLite files in a
 * temporary directory; raw SQL deletes and changes rows as retention
 * and forget do, and computes the expected answer from bounces itself.
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

#include <sqlite3.h>

#include "classify/reason.h"
#include "lifecycle/lifecycle.h"
#include "storage/store.h"
#include "storage/store_private.h"

#define T0 1700000000
#define DAY 86400

static char tmpdir[] = "/tmp/test_stats_counts.XXXXXX";
static char path[PATH_MAX];

/* The query stats ran over bounces before schema v10, grouped by key. */
static const char *const scan_key[] = {
	[STATS_REASON] = "reason",
	[STATS_DOMAIN] = "substr(recipient, length(rtrim(recipient,"
			 " replace(recipient, '@', ''))) + 1)",
	/* the bounce's own date where known (schema v11) */
	[STATS_DAY] = "strftime('%Y-%m-%d', COALESCE(bounced_at, at),"
		      " 'unixepoch')",
};
static const char *const scan_order[] = {
	[STATS_REASON] = "2 DESC, 1",
	[STATS_DOMAIN] = "2 DESC, 1",
	[STATS_DAY] = "1",
};

static void
append(char *buf, size_t len, const char *s)
{
	size_t n = strlen(buf);

	snprintf(buf + n, len - n, "%s%s", n > 0 ? ";" : "", s);
}

static void
scan(sqlite3 *db, enum store_stats_by by, char *out, size_t len)
{
	char sql[1024], line[256];
	sqlite3_stmt *stmt;

	snprintf(sql, sizeof(sql), "SELECT %s, count(*),"
	    " count(DISTINCT recipient), sum(hard),"
	    " count(CASE WHEN effect = 'sender' THEN 1 END),"
	    " count(CASE WHEN effect = 'unverified' THEN 1 END)"
	    " FROM bounces GROUP BY 1 ORDER BY %s", scan_key[by],
	    scan_order[by]);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL),
	    SQLITE_OK);
	out[0] = '\0';
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		const unsigned char *k = sqlite3_column_text(stmt, 0);

		snprintf(line, sizeof(line), "%s:%lld:%lld:%lld:%lld:%lld",
		    k != NULL ? (const char *)k : "(null)",
		    sqlite3_column_int64(stmt, 1),
		    sqlite3_column_int64(stmt, 2),
		    sqlite3_column_int64(stmt, 3),
		    sqlite3_column_int64(stmt, 4),
		    sqlite3_column_int64(stmt, 5));
		append(out, len, line);
	}
	sqlite3_finalize(stmt);
}

static void
counted(struct store *st, enum store_stats_by by, char *out, size_t len)
{
	struct store_rows *rows;
	char line[256];
	const char *k;

	assert_int_equal(store_query_stats(st, by, 0, &rows), 0);
	assert_int_equal(store_rows_ncols(rows), 6);
	out[0] = '\0';
	while (store_rows_next(rows) == 1) {
		k = store_rows_text(rows, 0);
		snprintf(line, sizeof(line), "%s:%s:%s:%s:%s:%s",
		    k != NULL ? k : "(null)", store_rows_text(rows, 1),
		    store_rows_text(rows, 2), store_rows_text(rows, 3),
		    store_rows_text(rows, 4), store_rows_text(rows, 5));
		append(out, len, line);
	}
	store_rows_free(&rows);
}

/* Counters and scan agree for the three groupings; at least one row. */
static void
agree(struct store *st, sqlite3 *db)
{
	static char want[1 << 16], got[1 << 16];
	enum store_stats_by by;

	for (by = STATS_REASON; by <= STATS_DAY; by++) {
		scan(db, by, want, sizeof(want));
		counted(st, by, got, sizeof(got));
		assert_string_equal(got, want);
	}
}

static unsigned rnd_state = 12345;

static unsigned
rnd(unsigned n)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return (rnd_state >> 8) % n;
}

static void
add_random(struct store *st, int64_t msg)
{
	static const char *const rcpts[] = { "a@example.org",
		"b@example.org", "c@example.com", "", "d@sub.example.com",
		"x@y@example.net", "noat" };
	static const enum lc_effect effects[] = { EFFECT_RECORDED,
		EFFECT_SOFT, EFFECT_SUPPRESSED, EFFECT_SENDER,
		EFFECT_UNVERIFIED };
	bool hard = rnd(2) == 1;
	struct store_bounce b = {
		.recipient = rcpts[rnd(sizeof(rcpts) / sizeof(rcpts[0]))],
		.action = ACTION_FAILED,
		.status = hard ? "5.1.1" : "4.2.2",
		.reason = rnd(4) == 0 ? REASON_MAILBOXFULL : rnd(3) == 0 ?
		    REASON_BLOCKED : REASON_USERUNKNOWN,
		.hard = hard,
		.cls = hard ? CLASS_PERMANENT : CLASS_TRANSIENT,
		.authenticity = AUTH_UNVERIFIED,
		.effect = effects[rnd(5)],
		.at = T0 + (int64_t)rnd(5) * DAY + rnd(DAY),
	};

	assert_int_equal(store_bounce_add(st, msg, &b, NULL), 0);
}

static int64_t
add_message(struct store *st, int n)
{
	char sha[65], ref[32];
	struct store_message m = { .sha256 = sha, .source_ref = ref,
		.outcome = STORE_BOUNCE, .received_at = T0,
		.processed_at = T0 };
	int64_t id = 0;

	snprintf(sha, sizeof(sha), "%064x", n);
	snprintf(ref, sizeof(ref), "new/%d", n);
	assert_int_equal(store_message_add(st, &m, &id), 0);
	return id;
}

static void
exec(sqlite3 *db, const char *sql)
{
	char *err = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", sql, err);
}

static struct store *
open_rw(void)
{
	struct store *st = NULL;
	char *err = NULL;

	if (store_open(path, STORE_RDWR, &st, &err) == -1)
		fail_msg("%s", err);
	return st;
}

/* Inserts, deletes and changes, in any order: always the same answer. */
static void
follow_changes(void **state)
{
	struct store *st;
	sqlite3 *db;
	int i, round;
	int64_t msg;

	(void)state;
	snprintf(path, sizeof(path), "%s/follow.db", tmpdir);
	st = open_rw();
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	exec(db, "PRAGMA busy_timeout = 5000");
	agree(st, db); /* empty */
	for (round = 0; round < 6; round++) {
		msg = add_message(st, round + 1);
		assert_int_equal(store_begin(st), 0);
		for (i = 0; i < 300; i++)
			add_random(st, msg);
		assert_int_equal(store_commit(st), 0);
		agree(st, db);
		/* what the counters must undo: deletions as retention and
		 * forget make them, a NULL day and reason, changed rows */
		switch (round) {
		case 0:
			exec(db, "DELETE FROM bounces WHERE id % 3 = 0");
			break;
		case 1:
			exec(db, "UPDATE bounces SET at = NULL"
			    " WHERE id % 7 = 0; UPDATE bounces"
			    " SET reason = NULL WHERE id % 5 = 0;"
			    /* a report's own date, days before */
			    "UPDATE bounces SET bounced_at = at - 3 * 86400"
			    " WHERE id % 6 = 0; UPDATE bounces SET"
			    " bounced_at = 1700000000 WHERE id % 13 = 0");
			break;
		case 2:
			exec(db, "DELETE FROM bounces WHERE recipient ="
			    " 'a@example.org'");
			break;
		case 3:
			exec(db, "UPDATE bounces SET recipient ="
			    " 'z@example.org', hard = 1 - hard,"
			    " effect = 'sender'"
			    " WHERE id % 4 = 1;"
			    "UPDATE bounces SET resend = NULL");
			break;
		case 4:
			/* the triggers fire, nothing changes */
			exec(db, "UPDATE bounces SET hard = hard, at = at,"
			    " recipient = recipient, reason = reason");
			agree(st, db);
			exec(db, "DELETE FROM bounces WHERE reason IS NULL"
			    " OR at < 1700100000");
			break;
		default:
			exec(db, "DELETE FROM bounces");
			break;
		}
		agree(st, db);
	}
	/* nothing left, nothing counted */
	{
		sqlite3_stmt *stmt;

		assert_int_equal(sqlite3_prepare_v2(db, "SELECT (SELECT"
		    " count(*) FROM bounce_stats) + (SELECT count(*) FROM"
		    " bounce_stats_rcpt)", -1, &stmt, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
		assert_int_equal(sqlite3_column_int(stmt, 0), 0);
		sqlite3_finalize(stmt);
	}
	sqlite3_close(db);
	store_close(&st);
}

/* Schema v14: a transaction's counters are added when it commits. A
 * bounce added outside a transaction is one of its own, counted at once;
 * a purge in the transaction that added bounces deletes some of them,
 * whose counters its triggers take back: added first. */
static void
alone_and_purged(void **state)
{
	struct store *st;
	sqlite3 *db;
	int64_t msg, n = 0;
	int i;

	(void)state;
	snprintf(path, sizeof(path), "%s/alone.db", tmpdir);
	st = open_rw();
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	exec(db, "PRAGMA busy_timeout = 5000");
	msg = add_message(st, 1);
	for (i = 0; i < 20; i++)
		add_random(st, msg);
	agree(st, db);
	assert_int_equal(store_begin(st), 0);
	for (i = 0; i < 200; i++)
		add_random(st, msg);
	/* the oldest two days, this transaction's rows among them */
	assert_int_equal(store_purge(st, STORE_PURGE_BOUNCES, T0 + 2 * DAY,
	    1000, &n), 0);
	assert_true(n > 40);
	for (i = 0; i < 50; i++)
		add_random(st, msg);
	assert_int_equal(store_commit(st), 0);
	agree(st, db);
	/* a rolled back transaction leaves nothing to add to the next */
	assert_int_equal(store_begin(st), 0);
	for (i = 0; i < 30; i++)
		add_random(st, msg);
	store_rollback(st);
	add_random(st, msg);
	agree(st, db);
	sqlite3_close(db);
	store_close(&st);
}

/* A file of the version before, with bounces: migrated, its counters are
 * those of its rows, and follow from there. */
static void
migrate_counts(void **state)
{
	struct store *st;
	sqlite3 *db;
	char *err = NULL;
	int i;

	(void)state;
	snprintf(path, sizeof(path), "%s/old.db", tmpdir);
	if (store_create_at_version(path, STORE_SCHEMA_VERSION - 1, &err) == -1)
		fail_msg("%s", err);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	exec(db, "INSERT INTO messages (id, sha256, source_ref, outcome,"
	    " processed_at) VALUES (1, 'x', 'new/1', 'bounce', 1)");
	for (i = 0; i < 200; i++) {
		char sql[512];

		snprintf(sql, sizeof(sql), "INSERT INTO bounces (message,"
		    " recipient, reason, hard, at, effect) VALUES (1,"
		    " 'u%d@d%d.example', %s, %d, %d, %s)", i % 17, i % 5,
		    i % 9 == 0 ? "NULL" : i % 2 ? "'blocked'" : "'userunknown'",
		    i % 2, i % 11 == 0 ? 0 : T0 + (i % 4) * DAY,
		    i % 3 == 0 ? "'sender'" : i % 3 == 1 ? "'unverified'" :
		    "NULL");
		exec(db, sql);
	}
	exec(db, "UPDATE bounces SET at = NULL WHERE at = 0;"
	    "UPDATE bounces SET bounced_at = at - 86400 WHERE id % 5 = 0");
	st = open_rw();
	assert_int_equal(store_schema_version(st), STORE_SCHEMA_VERSION);
	agree(st, db);
	assert_int_equal(store_begin(st), 0);
	for (i = 0; i < 100; i++)
		add_random(st, 1);
	assert_int_equal(store_commit(st), 0);
	exec(db, "DELETE FROM bounces WHERE id % 2 = 0");
	agree(st, db);
	sqlite3_close(db);
	store_close(&st);
}

static int
cleanup(void **state)
{
	char cmd[PATH_MAX + 16];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(follow_changes),
		cmocka_unit_test(alone_and_purged),
		cmocka_unit_test(migrate_counts),
	};

	if (mkdtemp(tmpdir) == NULL)
		return 1;
	return cmocka_run_group_tests(tests, NULL, cleanup);
}
