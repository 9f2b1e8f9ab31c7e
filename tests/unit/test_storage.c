/*
 * storage/: every test works on a real SQLite file in a fresh directory
 * (mkdtemp, removed at the end), through store.h. With BD_TEST_PG_URI
 * set (tests/integration/storage_pg.sh) the tests of behaviour run on
 * that PostgreSQL instead, each on a schema made afresh, and those of
 * SQLite's file, pragmas and migrations are not run (main()). Raw SQL
 * calls only
 * check what store.h does not show (pragmas, NULLs) or build what it
 * cannot (an old schema, a resend that was sent). The store persists
 * what the lifecycle decided: where a test needs a resend's next state
 * it asks lifecycle_resend_state() the way daemon/outbound/resend.c does.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <dirent.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include <sqlite3.h> /* raw SQL: store_db() */

#include "classify/reason.h"
#include "common/xmalloc.h"
#include "lifecycle/lifecycle.h"
#include "storage/store.h"
#include "storage/store_mgmt.h"
#include "storage/store_private.h"
#include "forget_case.h"
#include "pg_reset.h"

#define DAY 86400
#define T0  1700000000 /* 2023-11-14T22:13:20Z */

/* A resend with no sent copy: 1 added, 0 one waits already, -1. */
static int
schedule(struct store *st, const char *to, const char *orig, int64_t msg,
    int64_t next_at, int64_t now)
{
	struct store_resend_new r = { .recipient = to,
		.original_message_id = orig, .message = msg,
		.kind = KIND_TRANSIENT, .next_at = next_at, .now = now };

	return store_resend_add(st, &r, NULL);
}
/* the sha256 add_message() gives message 1 */
#define SHA1 "0000000000000000000000000000000000000000000000000000000000000001"

static char tmpdir[PATH_MAX];
/* BD_TEST_PG_URI: the PostgreSQL the tests run on, or NULL for SQLite */
static const char *pg_uri;

struct fx {
	char path[PATH_MAX + 32];
	struct store *st; /* open read-write on path */
};

/* ---- helpers ---- */

/* The words of a constraint's failure: SQLite's ("UNIQUE constraint
 * failed"), or PostgreSQL's ("violates unique constraint") */
static const char *
violates(const char *sqlite_word)
{
	static const char *const pg[][2] = {
	    {"UNIQUE", "unique constraint"},
	    {"CHECK", "check constraint"},
	    {"FOREIGN KEY", "foreign key constraint"},
	    {"NOT NULL", "not-null constraint"},
	};

	for (size_t i = 0; pg_uri != NULL && i < sizeof(pg) / sizeof(pg[0]);
	    i++)
		if (strcmp(sqlite_word, pg[i][0]) == 0)
			return pg[i][1];
	return sqlite_word;
}

/* What a write on a read-only store fails with: SQLITE_READONLY's text,
 * or PostgreSQL's in a default_transaction_read_only session */
static const char *
readonly_word(void)
{
	return pg_uri == NULL ? "readonly" : "read-only transaction";
}

/* Raw SQL on the SQLite file of a SQLite-only test */
static int64_t
raw_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *stmt;
	int64_t v;

	assert_int_equal(
	    sqlite3_prepare_v2(db, sql, -1, &stmt, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	v = sqlite3_column_type(stmt, 0) == SQLITE_NULL
		? -1
		: sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return v;
}

static void
raw_exec(sqlite3 *db, const char *sql)
{
	char *err = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", sql, err);
}

/* Raw SQL on the store's own connection, either backend (db.h): what
 * store.h does not show (NULLs) or cannot build (a resend that was
 * sent). -1 for NULL. */
static int64_t
sql_int(struct store *st, const char *sql)
{
	struct db_stmt *stmt;
	int64_t v;

	if (db_prepare(st->db, sql, 0, &stmt) != 0)
		fail_msg("%s: %s", sql, db_error(st->db));
	if (db_step(stmt) != DB_ROW)
		fail_msg("%s: no row: %s", sql, db_error(st->db));
	v = db_column_is_null(stmt, 0) ? -1 : db_column_int64(stmt, 0);
	db_finalize(&stmt);
	return v;
}

static void
sql_exec(struct store *st, const char *sql)
{
	if (db_exec(st->db, sql) != 0)
		fail_msg("%s: %s", sql, db_error(st->db));
}

static sqlite3 *
raw_open(const char *path)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	return db;
}

static void
next_path(struct fx *f, const char *name)
{
	static int n;

	snprintf(f->path, sizeof(f->path), "%s/%s-%d.db", tmpdir, name, ++n);
}

static int64_t
add_message(struct store *st, int n, enum store_outcome o, int64_t at)
{
	char sha[65], ref[32];
	struct store_message m = {
	    .sha256 = sha,
	    .source_ref = ref,
	    .outcome = o,
	    .error = o == STORE_UNPARSABLE ? "no MIME boundary" : NULL,
	    .received_at = at,
	    .processed_at = at + 5,
	};
	int64_t id = 0;

	snprintf(sha, sizeof(sha), "%064x", n);
	snprintf(ref, sizeof(ref), "new/%d.M1", n);
	assert_int_equal(store_message_add(st, &m, &id), 0);
	assert_true(id > 0);
	return id;
}

/* store_bounce_add() of a bounce as the tests make them: 0 or -1 */
static int
try_bounce(struct store *st, int64_t msg, const char *rcpt, enum reason reason,
    bool hard, int64_t at)
{
	struct store_bounce b = {
	    .recipient = rcpt,
	    .action = ACTION_FAILED,
	    .status = hard ? "5.1.1" : "4.2.2",
	    .reply_code = hard ? 550 : 452,
	    .reason = reason,
	    .hard = hard,
	    .cls = hard ? CLASS_PERMANENT : CLASS_TRANSIENT,
	    .authenticity = AUTH_UNVERIFIED,
	    .effect = hard ? EFFECT_SUPPRESSED : EFFECT_SOFT,
	    .diagnostic = "smtp; 550 no such user",
	    .remote_mta = "mx.example.org",
	    .original_message_id = "<orig@example.com>",
	    .rule = "rfc3464",
	    .family = "postfix",
	    .at = at,
	};

	return store_bounce_add(st, msg, &b, NULL);
}

static void
add_bounce(struct store *st, int64_t msg, const char *rcpt, enum reason reason,
    bool hard, int64_t at)
{
	assert_int_equal(try_bounce(st, msg, rcpt, reason, hard, at), 0);
}

/* A recipient row as the daemon's policy would leave it. */
static void
put_recipient(struct store *st, const char *addr, enum rcpt_state s,
    enum reason reason, int64_t last)
{
	struct recipient r;

	memset(&r, 0, sizeof(r));
	snprintf(r.address, sizeof(r.address), "%s", addr);
	snprintf(r.domain, sizeof(r.domain), "%s", strrchr(addr, '@') + 1);
	r.reason = reason;
	r.state = s;
	r.bounce_count = 1;
	r.soft_count = s == STATE_SOFT ? 1 : 0;
	r.soft_since = s == STATE_SOFT ? last : 0;
	r.first_bounce_at = r.last_bounce_at = last;
	r.suppressed_at = s == STATE_SUPPRESSED ? last : 0;
	assert_int_equal(store_recipient_put(st, &r), 0);
}

static void
expect_cols(struct store_rows *rows, const char *const *names, unsigned n)
{
	assert_int_equal(store_rows_ncols(rows), n);
	for (unsigned i = 0; i < n; i++)
		assert_string_equal(store_rows_name(rows, i), names[i]);
	assert_null(store_rows_name(rows, n));
}

/* The text of column col in the next row ("NULL" for NULL) */
static const char *
next_text(struct store_rows *rows, unsigned col)
{
	const char *s;

	assert_int_equal(store_rows_next(rows), 1);
	s = store_rows_text(rows, col);
	return s != NULL ? s : "NULL";
}

static int
col_of(struct store_rows *rows, const char *name)
{
	for (unsigned i = 0; i < store_rows_ncols(rows); i++)
		if (strcmp(store_rows_name(rows, i), name) == 0)
			return (int)i;
	fail_msg("no column %s", name);
	return -1;
}

static const char *
text_of(struct store_rows *rows, const char *name)
{
	const char *s = store_rows_text(rows, (unsigned)col_of(rows, name));

	return s != NULL ? s : "NULL";
}

/* ---- fixtures ---- */

static int
group_setup(void **state)
{
	const char *base = getenv("TMPDIR");

	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "%s/test_storage.XXXXXX",
	    base != NULL ? base : "/tmp");
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
group_teardown(void **state)
{
	DIR *d = opendir(tmpdir);
	struct dirent *e;
	char p[PATH_MAX + 300];

	(void)state;
	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", tmpdir, e->d_name);
		unlink(p);
	}
	closedir(d);
	return rmdir(tmpdir);
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	char *err = NULL;

	if (pg_uri != NULL) {
		snprintf(f->path, sizeof(f->path), "%s", pg_uri);
		if (pg_reset(pg_uri) == -1) {
			free(f);
			return -1;
		}
	} else
		next_path(f, "t");
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

	store_close(&f->st);
	free(f);
	return 0;
}

/* ---- opening ---- */

static void
test_create_reopen(void **state)
{
	struct fx *f = *state;
	struct store *ro;
	char *err = NULL, shm[PATH_MAX + 64];

	assert_int_equal(store_schema_version(f->st), STORE_SCHEMA_VERSION);
	add_message(f->st, 1, STORE_BOUNCE, T0);
	store_close(&f->st);
	assert_null(f->st);
	store_close(&f->st); /* NULL is fine */
	assert_int_equal(store_open(f->path, STORE_RDWR, &f->st, &err), 0);
	assert_int_equal(store_schema_version(f->st), STORE_SCHEMA_VERSION);
	assert_int_equal(store_message_find(f->st, SHA1, NULL), 1);
	assert_int_equal(store_open(f->path, STORE_RDONLY, &ro, &err), 0);
	assert_int_equal(store_schema_version(ro), STORE_SCHEMA_VERSION);
	store_close(&ro);
	/* read-only with no writer: -wal and -shm stay (PERSIST_WAL) */
	store_close(&f->st);
	snprintf(shm, sizeof(shm), "%s-shm", f->path);
	if (pg_uri == NULL)
		assert_int_equal(access(shm, F_OK), 0);
	if (store_open(f->path, STORE_RDONLY, &ro, &err) == -1)
		fail_msg("%s", err);
	assert_int_equal(store_message_find(ro, SHA1, NULL), 1);
	store_close(&ro);
}

static void
test_pragmas(void **state)
{
	struct fx *f = *state;
	sqlite3 *db = store_db(f->st);
	sqlite3_stmt *stmt;

	assert_int_equal(
	    sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &stmt, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(stmt, 0), "wal");
	sqlite3_finalize(stmt);
	assert_int_equal(raw_int(db, "PRAGMA synchronous"), 2); /* FULL */
	assert_int_equal(raw_int(db, "PRAGMA foreign_keys"), 1);
	assert_int_equal(raw_int(db, "PRAGMA busy_timeout"), 5000);
	assert_int_equal(raw_int(db, "PRAGMA cache_size"), -8192);
	assert_int_equal(raw_int(db, "PRAGMA wal_autocheckpoint"), 16000);
	assert_int_equal(
	    raw_int(db, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
}

static void
test_rdonly_missing(void **state)
{
	struct fx *f = *state;
	struct store *ro = NULL;
	char *err = NULL, want[PATH_MAX + 64];

	snprintf(want, sizeof(want), "%s/absent.db: no such database", tmpdir);
	snprintf(f->path, sizeof(f->path), "%s/absent.db", tmpdir);
	assert_int_equal(store_open(f->path, STORE_RDONLY, &ro, &err), -1);
	assert_null(ro);
	assert_string_equal(err, want);
	free(err);
	assert_int_equal(access(f->path, F_OK), -1); /* not created */
}

static void
test_rdonly_v1_refused(void **state)
{
	struct fx *f = *state;
	struct store *st = NULL;
	char *err = NULL;

	next_path(f, "v1");
	assert_int_equal(store_create_at_version(f->path, 1, &err), 0);
	assert_int_equal(store_open(f->path, STORE_RDONLY, &st, &err), -1);
	{
		char want[96];

		snprintf(want, sizeof(want), ": schema version 1, this "
		    "bouncectl knows %d: run bounced to migrate",
		    STORE_SCHEMA_VERSION);
		assert_non_null(strstr(err, want));
	}
	assert_non_null(strstr(err, f->path));
	free(err);
	assert_int_equal(store_create_at_version(
			     f->path, STORE_SCHEMA_VERSION + 1, &err),
	    -1);
	free(err);
	assert_int_equal(store_create_at_version(f->path, 0, &err), -1);
	free(err);
}

/* A reader opens and reads while the daemon holds the file, even in the
 * middle of a write transaction, and sees only what was committed. */
static void
test_rdonly_while_writer(void **state)
{
	struct fx *f = *state;
	struct store *ro = NULL;
	struct store_rows *rows;
	char *err = NULL;

	put_recipient(
	    f->st, "a@example.org", STATE_SUPPRESSED, REASON_USERUNKNOWN, T0);
	assert_int_equal(store_begin(f->st), 0);
	put_recipient(
	    f->st, "b@example.org", STATE_SOFT, REASON_MAILBOXFULL, T0);
	if (store_open(f->path, STORE_RDONLY, &ro, &err) == -1)
		fail_msg("%s", err);
	assert_int_equal(
	    store_query_list(ro, &(struct store_list_filter){0}, &rows), 0);
	assert_string_equal(next_text(rows, 0), "a@example.org");
	assert_int_equal(store_rows_next(rows), 0);
	store_rows_free(&rows);
	/* read-only means read-only */
	assert_int_equal(
	    store_override(ro, "c@example.org", OVERRIDE_SUPPRESSED, T0, NULL),
	    -1);
	assert_non_null(strstr(store_error(ro), readonly_word()));
	assert_int_equal(store_commit(f->st), 0);
	assert_int_equal(
	    store_query_list(ro, &(struct store_list_filter){0}, &rows), 0);
	assert_int_equal(store_rows_next(rows), 1);
	assert_int_equal(store_rows_next(rows), 1);
	assert_int_equal(store_rows_next(rows), 0);
	assert_int_equal(store_rows_next(rows), 0); /* stays at the end */
	store_rows_free(&rows);
	store_close(&ro);
}

static void
test_newer_refused(void **state)
{
	struct fx *f = *state;
	struct store *st = NULL;
	char *err = NULL;
	sqlite3 *db;

	next_path(f, "v99");
	db = raw_open(f->path);
	raw_exec(db, "CREATE TABLE future (x); PRAGMA user_version = 99;");
	sqlite3_close(db);
	assert_int_equal(store_open(f->path, STORE_RDWR, &st, &err), -1);
	assert_null(st);
	assert_non_null(
	    strstr(err, "schema version 99 is newer than this program"));
	free(err);
	assert_int_equal(store_open(f->path, STORE_RDONLY, &st, &err), -1);
	assert_non_null(strstr(err, "newer"));
	free(err);
	/* nothing was written: not even WAL mode */
	db = raw_open(f->path);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM sqlite_master"
				     " WHERE name = 'messages'"),
	    0);
	sqlite3_close(db);
	assert_int_equal(access(strcat(f->path, "-wal"), F_OK), -1);
}

static void
test_foreign_file_refused(void **state)
{
	struct fx *f = *state;
	struct store *st = NULL;
	char *err = NULL;
	sqlite3 *db;

	next_path(f, "other");
	db = raw_open(f->path);
	raw_exec(db, "CREATE TABLE contacts (email TEXT)");
	sqlite3_close(db);
	assert_int_equal(store_open(f->path, STORE_RDWR, &st, &err), -1);
	assert_non_null(strstr(err, "not a bounced database"));
	free(err);
}

/* ---- migration ---- */

static void
fill_v1(const char *path)
{
	sqlite3 *db = raw_open(path);

	raw_exec(db,
	    "INSERT INTO messages (id, sha256, source_ref, outcome,"
	    " received_at, processed_at) VALUES (7, 'aa', 'new/1.M1',"
	    " 'bounce', 1700000000, 1700000005);"
	    "INSERT INTO bounces (message, recipient, action, status,"
	    " reply_code, reason, hard, class, at) VALUES (7,"
	    " 'old@example.org', 'failed', '5.1.1', 550, 'userunknown', 1,"
	    " 'permanent', 1700000000);"
	    "INSERT INTO recipients (address, domain, state, reason, status,"
	    " bounce_count, first_bounce_at, last_bounce_at, suppressed_at)"
	    " VALUES ('old@example.org', 'example.org', 'suppressed',"
	    " 'userunknown', '5.1.1', 1, 1700000000, 1700000000,"
	    " 1700000005);"
	    "INSERT INTO resends (recipient, original_message_id, message,"
	    " created_at, updated_at) VALUES ('old@example.org', '<o@x>', 7,"
	    " 1700000005, 1700000005);");
	sqlite3_close(db);
}

static void
test_migrate_from_v1(void **state)
{
	struct fx *f = *state;
	struct store *st = NULL;
	struct store_rows *rows;
	char *err = NULL;
	sqlite3 *db;
	int64_t id;

	next_path(f, "mig");
	assert_int_equal(store_create_at_version(f->path, 1, &err), 0);
	db = raw_open(f->path);
	assert_int_equal(raw_int(db, "PRAGMA user_version"), 1);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM sqlite_master"
				     " WHERE name IN ('overrides',"
				     " 'recipient_status')"),
	    0);
	sqlite3_close(db);
	fill_v1(f->path);

	if (store_open(f->path, STORE_RDWR, &st, &err) == -1)
		fail_msg("%s", err);
	assert_int_equal(store_schema_version(st), STORE_SCHEMA_VERSION);
	assert_int_equal(store_message_find(st, "aa", &id), 1);
	assert_int_equal(id, 7);
	assert_int_equal(
	    schedule(st, "old@example.org", "<o@x>", 7, T0, T0),
	    0);
	assert_int_equal(store_query_status(st, "old@example.org", &rows), 0);
	assert_int_equal(store_rows_next(rows), 1);
	assert_string_equal(text_of(rows, "state"), "suppressed");
	assert_string_equal(
	    text_of(rows, "suppressed_at"), "2023-11-14T22:13:25Z");
	store_rows_free(&rows);
	assert_int_equal(store_override(st, "old@example.org",
			     OVERRIDE_UNSUPPRESSED, T0 + DAY, "moved back"),
	    0);
	assert_int_equal(store_query_history(st, "old@example.org", &rows), 0);
	assert_string_equal(next_text(rows, 0), "bounce");
	assert_string_equal(next_text(rows, 0), "override");
	assert_int_equal(store_rows_next(rows), 0);
	store_rows_free(&rows);
	store_close(&st);
}

/* ---- messages, bounces, transactions ---- */

/* Opcodes OpenEphemeral in sql's program: a temporary B-tree per run. */
static int
ephemeral_tables(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *stmt;
	char *text = sqlite3_mprintf("EXPLAIN %s", sql);
	int n = 0;

	assert_int_equal(sqlite3_prepare_v2(db, text, -1, &stmt, NULL),
	    SQLITE_OK);
	while (sqlite3_step(stmt) == SQLITE_ROW)
		if (strcmp((const char *)sqlite3_column_text(stmt, 1),
		    "OpenEphemeral") == 0)
			n++;
	sqlite3_finalize(stmt);
	sqlite3_free(text);
	return n;
}

/*
 * Version 13 (migrate.c): the CHECKs of three values or more as ORs, in
 * place. A version 12 file keeps its rows and counters and stays
 * intact; the inserts of the write path (and the stats trigger's)
 * build no temporary table for a list any more; every CHECK still
 * refuses what is not in its list, and still lets NULL through.
 */
static void
test_migrate_v13_checks(void **state)
{
	struct fx *f = *state;
	struct store *st = NULL;
	char *err = NULL;
	sqlite3 *db;
	size_t i;
	static const char *const ok[] = {
	    "INSERT INTO messages (sha256, source_ref, outcome, processed_at,"
	    " authenticity) VALUES ('s2', 'r2', 'not_bounce', 1, 'forged')",
	    "INSERT INTO bounces (message, recipient, hard, stage,"
	    " stage_source, authenticity) VALUES (1, 'b@x', 0, 'end-of-data',"
	    " 'prose', 'verified_sent')",
	    "INSERT INTO recipients (address, domain, state) VALUES ('c@x',"
	    " 'x', 'soft')",
	    "INSERT INTO events (uuid, kind, source, address, at) VALUES"
	    " ('u', 'resend_gave_up', 'person', 'a@x', 1)",
	    "INSERT INTO bounce_stats VALUES ('day', '', 1, 1, 0, 0, 0)"
	    " ON CONFLICT DO UPDATE SET bounces = bounces + 1",
	    "INSERT INTO resends (recipient, message, state, created_at,"
	    " updated_at) VALUES ('a@x', 1, 'cannot_resend', 1, 1)",
	    "INSERT INTO resend_attempts (resend, at, outcome) VALUES (1, 1,"
	    " 'bounced')",
	    "INSERT INTO event_deliveries (sink, event, state, updated_at)"
	    " VALUES ('exec', 1, 'skipped', 1)",
	};
	static const char *const refused[] = {
	    "INSERT INTO messages (sha256, source_ref, outcome, processed_at)"
	    " VALUES ('s3', 'r3', 'bounced', 1)",
	    "INSERT INTO messages (sha256, source_ref, outcome, processed_at,"
	    " authenticity) VALUES ('s3', 'r3', 'bounce', 1, 'verified_sent')",
	    "INSERT INTO bounces (message, recipient, hard, stage) VALUES (1,"
	    " 'd@x', 0, 'eod')",
	    "INSERT INTO bounces (message, recipient, hard, stage_source)"
	    " VALUES (1, 'd@x', 0, 'guess')",
	    "INSERT INTO bounces (message, recipient, hard, authenticity)"
	    " VALUES (1, 'd@x', 0, 'maybe')",
	    "INSERT INTO recipients (address, domain, state) VALUES ('e@x',"
	    " 'x', 'gone')",
	    "INSERT INTO events (uuid, kind, source, address, at) VALUES"
	    " ('v', 'bounced', 'person', 'a@x', 1)",
	    "INSERT INTO events (uuid, kind, source, address, at) VALUES"
	    " ('v', 'complaint', 'robot', 'a@x', 1)",
	    "INSERT INTO bounce_stats VALUES ('week', '', 1, 1, 0, 0, 0)",
	    "INSERT INTO resends (recipient, message, state, created_at,"
	    " updated_at) VALUES ('a@x', 1, 'lost', 1, 1)",
	    "INSERT INTO resend_attempts (resend, at, outcome) VALUES (1, 1,"
	    " 'lost')",
	    "INSERT INTO event_deliveries (sink, event, state, updated_at)"
	    " VALUES ('webhook', 1, 'lost', 1)",
	};

	next_path(f, "mig12");
	assert_int_equal(store_create_at_version(f->path, 12, &err), 0);
	db = raw_open(f->path);
	raw_exec(db, "INSERT INTO messages (sha256, source_ref, outcome,"
		     " processed_at) VALUES ('s1', 'r1', 'bounce', 1);"
		     "INSERT INTO bounces (message, recipient, hard, reason, at)"
		     " VALUES (1, 'a@x', 1, 'userunknown', 86400)");
	assert_true(ephemeral_tables(db, ok[1]) > 0); /* what v13 is for */
	sqlite3_close(db);
	if (store_open(f->path, STORE_RDWR, &st, &err) == -1)
		fail_msg("%s", err);
	db = store_db(st);
	assert_int_equal(store_schema_version(st), STORE_SCHEMA_VERSION);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM"
				     " pragma_integrity_check WHERE"
				     " integrity_check <> 'ok'"), 0);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM bounces"), 1);
	assert_int_equal(raw_int(db, "SELECT bounces FROM bounce_stats WHERE"
				     " grouping = 'reason' AND key ="
				     " 'userunknown'"), 1);
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(ephemeral_tables(db, ok[i]), 0);
		raw_exec(db, ok[i]);
	}
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		assert_int_not_equal(sqlite3_exec(db, refused[i], NULL, NULL,
		    NULL), SQLITE_OK);
		assert_non_null(strstr(sqlite3_errmsg(db), "CHECK"));
	}
	/* NULL passes as it did; since version 14 a row inserted by hand
	 * is not counted (the store counts its own at the commit) */
	raw_exec(db, "INSERT INTO bounces (message, recipient, hard) VALUES"
		     " (1, 'f@x', 0)");
	assert_int_equal(raw_int(db, "SELECT count(*) FROM bounce_stats WHERE"
				     " grouping = 'reason' AND key = ''"), 0);
	store_close(&st);
}

static void
test_message_add_find(void **state)
{
	struct fx *f = *state;
	struct store *db = f->st;
	struct store_message m = {
	    .sha256 = "ab", .source_ref = "new/x", .processed_at = T0};
	int64_t id = 0, found = 0;

	assert_int_equal(store_message_find(f->st, "ab", &found), 0);
	assert_int_equal(store_message_add(f->st, &m, &id), 0);
	assert_int_equal(store_message_find(f->st, "ab", &found), 1);
	assert_int_equal(found, id);
	/* exactly once: the same bytes again are refused */
	assert_int_equal(store_message_add(f->st, &m, NULL), -1);
	assert_non_null(strstr(store_error(f->st), violates("UNIQUE")));
	assert_false(store_error_busy(f->st));
	assert_int_equal(sql_int(db, "SELECT received_at IS NULL AND"
				     " message_id IS NULL AND error IS NULL"
				     " FROM messages"),
	    1);
	id = add_message(f->st, 2, STORE_UNPARSABLE, T0);
	assert_int_equal(sql_int(db, "SELECT count(*) FROM messages WHERE"
				     " outcome = 'unparsable' AND error ="
				     " 'no MIME boundary' AND received_at ="
				     " 1700000000"),
	    1);
	m.sha256 = NULL; /* NOT NULL */
	assert_int_equal(store_message_add(f->st, &m, NULL), -1);
	/* the daemon's: the check and the insert in one statement */
	m.sha256 = "cd";
	m.source_ref = "new/y";
	assert_int_equal(store_message_add_once(f->st, &m, &id), 1);
	assert_int_equal(store_message_find(f->st, "cd", &found), 1);
	assert_int_equal(found, id);
	m.source_ref = "new/z"; /* a copy of the same bytes */
	found = 0;
	assert_int_equal(store_message_add_once(f->st, &m, &found), 0);
	assert_int_equal(found, 0);
	assert_int_equal(sql_int(db, "SELECT count(*) FROM messages WHERE"
				     " sha256 = 'cd' AND source_ref ="
				     " 'new/y'"),
	    1);
	assert_int_equal(sql_int(db, "SELECT count(*) FROM messages"), 3);
	/* other constraints still fail */
	m.sha256 = NULL;
	assert_int_equal(store_message_add_once(f->st, &m, NULL), -1);
}

/* Version 5: a message's signed return path, by its name; AUTH_COUNT is
 * NULL (not parsed); verified_sent is a bounce's, never a message's. */
/* version 6: the caps a message hit and the recipients they dropped */
static void
test_message_caps(void **state)
{
	struct fx *f = *state;
	struct store *db = f->st;
	struct store_message m = {.sha256 = "c1",
	    .source_ref = "new/c",
	    .outcome = STORE_BOUNCE,
	    .processed_at = T0,
	    .authenticity = AUTH_COUNT,
	    .caps = "recipients",
	    .rcpts_dropped = 99000};

	assert_int_equal(store_message_add(f->st, &m, NULL), 0);
	m.sha256 = "c2", m.caps = NULL, m.rcpts_dropped = 0;
	assert_int_equal(store_message_add(f->st, &m, NULL), 0);
	assert_int_equal(sql_int(db, "SELECT count(*) FROM messages WHERE"
				     " (sha256 = 'c1' AND caps = 'recipients'"
				     " AND rcpts_dropped = 99000) OR (sha256 ="
				     " 'c2' AND caps IS NULL AND rcpts_dropped"
				     " IS NULL)"),
	    2);
}

struct suspects_seen {
	char sha[4][65];
	unsigned crashes[4];
	size_t n;
};

static void
suspect_cb(void *arg, const char *sha256, unsigned crashes)
{
	struct suspects_seen *s = arg;

	assert_true(s->n < 4);
	snprintf(s->sha[s->n], sizeof(s->sha[0]), "%s", sha256);
	s->crashes[s->n++] = crashes;
}

/* version 6: a message the daemon died parsing, counted per start */
static void
test_suspects(void **state)
{
	struct fx *f = *state;
	struct suspects_seen s;

	memset(&s, 0, sizeof(s));
	assert_int_equal(store_suspect_each(f->st, suspect_cb, &s), 0);
	assert_int_equal(s.n, 0);
	assert_int_equal(store_suspect_add(f->st, "s1", "new/x", T0), 0);
	assert_int_equal(store_suspect_add(f->st, "s1", "new/x", T0 + 9), 0);
	assert_int_equal(store_suspect_add(f->st, "s2", "new/y", T0), 0);
	assert_int_equal(store_suspect_each(f->st, suspect_cb, &s), 0);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.sha[0], "s1");
	assert_int_equal(s.crashes[0], 2);
	assert_string_equal(s.sha[1], "s2");
	assert_int_equal(s.crashes[1], 1);
	assert_int_equal(store_suspect_del(f->st, "s1"), 0);
	memset(&s, 0, sizeof(s));
	assert_int_equal(store_suspect_each(f->st, suspect_cb, &s), 0);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.sha[0], "s2");
}

static void
test_message_authenticity(void **state)
{
	struct fx *f = *state;
	struct store *db = f->st;
	struct store_message m = {.sha256 = "a1",
	    .source_ref = "new/a",
	    .outcome = STORE_BOUNCE,
	    .processed_at = T0,
	    .authenticity = AUTH_VERIFIED_TAG};

	assert_int_equal(store_message_add(f->st, &m, NULL), 0);
	m.sha256 = "a2", m.authenticity = AUTH_FORGED;
	assert_int_equal(store_message_add(f->st, &m, NULL), 0);
	m.sha256 = "a3", m.authenticity = AUTH_UNVERIFIED;
	assert_int_equal(store_message_add(f->st, &m, NULL), 0);
	m.sha256 = "a4", m.authenticity = AUTH_COUNT;
	assert_int_equal(store_message_add(f->st, &m, NULL), 0);
	assert_int_equal(sql_int(db, "SELECT count(*) FROM messages WHERE"
				     " (sha256 = 'a1' AND authenticity ="
				     " 'verified_tag') OR (sha256 = 'a2' AND"
				     " authenticity = 'forged') OR (sha256 ="
				     " 'a3' AND authenticity = 'unverified')"
				     " OR (sha256 = 'a4' AND authenticity IS"
				     " NULL)"),
	    4);
	m.sha256 = "a5", m.authenticity = AUTH_VERIFIED_SENT;
	assert_int_equal(store_message_add(f->st, &m, NULL), -1);
	assert_non_null(strstr(store_error(f->st), violates("CHECK")));
	assert_int_equal(store_message_find(f->st, "a5", NULL), 0);
}

static void
test_bounce_add(void **state)
{
	struct fx *f = *state;
	struct store *db = f->st;
	struct store_bounce b = {.recipient = "x@example.org",
	    .status = "",
	    .authenticity = AUTH_COUNT,
	    .effect = EFFECT_COUNT};
	int64_t msg = add_message(f->st, 1, STORE_BOUNCE, T0), id = 0;

	add_bounce(f->st, msg, "u@example.org", REASON_USERUNKNOWN, true, T0);
	assert_int_equal(store_bounce_add(f->st, msg, &b, &id), 0);
	assert_true(id > 0);
	assert_int_equal(sql_int(db, "SELECT count(*) FROM bounces WHERE"
				     " reply_code = 550 AND hard = 1 AND"
				     " class = 'permanent' AND family ="
				     " 'postfix' AND at = 1700000000 AND"
				     " action = 'failed' AND reason ="
				     " 'userunknown' AND authenticity ="
				     " 'unverified' AND effect ="
				     " 'suppressed' AND feedback_type IS NULL"),
	    1);
	/* 0, "" and NULL are all NULL; so are ACTION_NONE, FEEDBACK_NONE
	 * and, for the v5 columns, AUTH_COUNT and EFFECT_COUNT */
	assert_int_equal(sql_int(db, "SELECT reply_code IS NULL AND status IS"
				     " NULL AND at IS NULL AND hard = 0 AND"
				     " action IS NULL AND feedback_type IS"
				     " NULL AND authenticity IS NULL AND"
				     " effect IS NULL FROM bounces WHERE"
				     " recipient = 'x@example.org'"),
	    1);
	/* each enum by its name */
	b.recipient = "z@example.org";
	b.action = ACTION_DELAYED;
	b.reason = REASON_MAILBOXFULL;
	b.cls = CLASS_TRANSIENT;
	b.feedback = FEEDBACK_ABUSE;
	b.authenticity = AUTH_VERIFIED_SENT;
	b.effect = EFFECT_CONFIRMING;
	assert_int_equal(store_bounce_add(f->st, msg, &b, NULL), 0);
	assert_int_equal(sql_int(db, "SELECT count(*) FROM bounces WHERE"
				     " recipient = 'z@example.org' AND action ="
				     " 'delayed' AND reason = 'mailboxfull' AND"
				     " class = 'transient' AND feedback_type ="
				     " 'abuse' AND authenticity ="
				     " 'verified_sent' AND effect ="
				     " 'confirming'"),
	    1);
	b.cls = CLASS_COMPLAINT, b.recipient = "z2@example.org";
	b.authenticity = AUTH_FORGED, b.effect = EFFECT_UNVERIFIED;
	assert_int_equal(store_bounce_add(f->st, msg, &b, NULL), 0);
	b.cls = CLASS_IGNORE, b.recipient = "z3@example.org";
	b.authenticity = AUTH_VERIFIED_TAG, b.effect = EFFECT_WITHDRAWN;
	assert_int_equal(store_bounce_add(f->st, msg, &b, NULL), 0);
	assert_int_equal(sql_int(db, "SELECT count(*) FROM bounces WHERE"
				     " (recipient = 'z2@example.org' AND class"
				     " = 'complaint' AND authenticity ="
				     " 'forged' AND effect = 'unverified') OR"
				     " (recipient = 'z3@example.org' AND class"
				     " = 'ignore' AND authenticity ="
				     " 'verified_tag' AND effect ="
				     " 'withdrawn')"),
	    2);
	b.action = ACTION_NONE;
	b.reason = REASON_UNDEFINED;
	b.cls = CLASS_PERMANENT;
	b.authenticity = AUTH_COUNT;
	b.effect = EFFECT_COUNT;
	/* version 4: the stage, its source, the layer, Original-Recipient */
	b.recipient = "y@example.org";
	b.original_recipient = "alias@example.org";
	b.stage = "rcpt";
	b.stage_source = "prose";
	b.layer = "table";
	b.feedback = FEEDBACK_NOT_SPAM;
	assert_int_equal(store_bounce_add(f->st, msg, &b, NULL), 0);
	assert_int_equal(sql_int(db, "SELECT count(*) FROM bounces WHERE"
				     " original_recipient = 'alias@example.org'"
				     " AND stage = 'rcpt' AND stage_source ="
				     " 'prose' AND layer = 'table' AND"
				     " feedback_type = 'not-spam'"),
	    1);
	b.feedback = FEEDBACK_NONE;
	/* a stage the schema does not know is refused */
	b.stage = "quit";
	assert_int_equal(store_bounce_add(f->st, msg, &b, NULL), -1);
	assert_non_null(strstr(store_error(f->st), violates("CHECK")));
	b.stage = NULL;
	/* foreign keys are on */
	assert_int_equal(store_bounce_add(f->st, 9999, &b, NULL), -1);
	assert_non_null(strstr(store_error(f->st), violates("FOREIGN KEY")));
}

static void
test_rollback(void **state)
{
	struct fx *f = *state;
	int64_t msg;

	assert_int_equal(store_begin(f->st), 0);
	msg = add_message(f->st, 1, STORE_BOUNCE, T0);
	add_bounce(f->st, msg, "u@example.org", REASON_USERUNKNOWN, true, T0);
	put_recipient(
	    f->st, "u@example.org", STATE_SUPPRESSED, REASON_USERUNKNOWN, T0);
	assert_int_equal(store_begin(f->st), -1); /* no nesting */
	store_rollback(f->st);
	store_rollback(f->st); /* twice is harmless */
	assert_int_equal(store_message_find(f->st, SHA1, NULL), 0);
	assert_int_equal(
	    sql_int(f->st, "SELECT (SELECT count(*) FROM bounces) +"
				     " (SELECT count(*) FROM recipients)"),
	    0);
	assert_int_equal(store_commit(f->st), -1); /* nothing to commit */
}

/* ---- recipients ---- */

/* A new address's row, bounce_count n */
static void
new_recipient(struct recipient *r, const char *address, int64_t n)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->address, sizeof(r->address), "%s", address);
	snprintf(r->domain, sizeof(r->domain), "%s", strchr(address, '@') + 1);
	r->state = STATE_SOFT;
	r->reason = REASON_MAILBOXFULL;
	r->bounce_count = n;
	r->soft_count = n;
	r->first_bounce_at = r->last_bounce_at = T0 + n;
}

/* store_recipient_add(): a row is added only where none is */
static void
test_recipient_add(void **state)
{
	struct fx *f = *state;
	struct recipient r, got;

	new_recipient(&r, "first@example.org", 1);
	assert_int_equal(store_recipient_add(f->st, &r), 1);
	new_recipient(&r, "first@example.org", 7);
	assert_int_equal(store_recipient_add(f->st, &r), 0);
	assert_int_equal(store_recipient_get(f->st, r.address, &got), 1);
	assert_int_equal(got.bounce_count, 1);
	/* put still writes over */
	assert_int_equal(store_recipient_put(f->st, &r), 0);
	assert_int_equal(store_recipient_get(f->st, r.address, &got), 1);
	assert_int_equal(got.bounce_count, 7);
}

/*
 * Issue 18 item 2, PostgreSQL: two daemons record the first bounce of
 * one address at once. A child process, on its own connection, adds
 * the row while the parent's add of it is not committed: its insert
 * waits for the parent's transaction, then adds nothing (0), and its
 * read finds the parent's row, locked for it. Without the wait both
 * would add, and the second's count would undo the first's.
 */
static void
test_pg_recipient_add_race(void **state)
{
	struct fx *f = *state;
	struct recipient r;
	pid_t pid;
	int status;

	new_recipient(&r, "race@example.org", 1);
	assert_int_equal(store_begin(f->st), 0);
	assert_int_equal(store_recipient_get(f->st, r.address, &r), 0);
	assert_int_equal(store_recipient_add(f->st, &r), 1);
	if ((pid = fork()) == 0) {
		/* never the parent's connection; _exit leaves it alone */
		struct store *st = NULL;
		struct recipient mine, got;
		char *err = NULL;
		int code = 0;

		alarm(20);
		new_recipient(&mine, "race@example.org", 5);
		if (store_open(f->path, STORE_RDWR, &st, &err) == -1)
			_exit(10);
		if (store_begin(st) == -1)
			code = 11;
		else if (store_recipient_get(st, mine.address, &got) != 0)
			code = 12; /* the parent's row is not committed */
		else if (store_recipient_add(st, &mine) != 0)
			code = 13; /* it must wait, then add nothing */
		else if (store_recipient_get(st, mine.address, &got) != 1 ||
		    got.bounce_count != 1)
			code = 14; /* the parent's row */
		else if (store_commit(st) == -1)
			code = 15;
		_exit(code);
	}
	assert_true(pid > 0);
	/* the child waits on the parent's row: still running */
	usleep(500 * 1000);
	assert_int_equal(waitpid(pid, &status, WNOHANG), 0);
	assert_int_equal(store_commit(f->st), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(sql_int(f->st, "SELECT bounce_count FROM recipients"
	    " WHERE address = 'race@example.org'"), 1);
}

static void
test_recipient_roundtrip(void **state)
{
	struct fx *f = *state;
	struct recipient r, got;

	memset(&r, 0, sizeof(r));
	strcpy(r.address, "someone@example.org");
	strcpy(r.domain, "example.org");
	r.state = STATE_SOFT;
	r.reason = REASON_MAILBOXFULL;
	strcpy(r.status, "4.2.2");
	r.bounce_count = 3;
	r.soft_count = 2;
	r.soft_since = T0 + 1;
	r.first_bounce_at = T0 + 2;
	r.last_bounce_at = T0 + 3;
	r.suppressed_at = T0 + 4;
	r.override = OVERRIDE_UNSUPPRESSED;
	r.override_at = T0 + 5;
	assert_int_equal(store_recipient_get(f->st, r.address, &got), 0);
	assert_int_equal(store_recipient_put(f->st, &r), 0);
	memset(&got, 0x55, sizeof(got));
	assert_int_equal(store_recipient_get(f->st, r.address, &got), 1);
	assert_memory_equal(&got, &r, sizeof(r));
	/* the enums by their names */
	assert_int_equal(sql_int(f->st,
			     "SELECT count(*) FROM recipients WHERE state ="
			     " 'soft' AND reason = 'mailboxfull' AND"
			     " override = 'unsuppressed'"),
	    1);

	/* the update path, and 0 <-> NULL, "" <-> NULL, REASON_UNDEFINED
	 * <-> NULL */
	r.state = STATE_ACTIVE;
	r.reason = REASON_UNDEFINED;
	memset(r.status, 0, sizeof(r.status));
	r.soft_count = r.soft_since = r.suppressed_at = r.override_at = 0;
	r.first_bounce_at = r.last_bounce_at = 0;
	r.override = OVERRIDE_NONE;
	assert_int_equal(store_recipient_put(f->st, &r), 0);
	assert_int_equal(store_recipient_get(f->st, r.address, &got), 1);
	assert_memory_equal(&got, &r, sizeof(r));
	assert_int_equal(sql_int(f->st,
			     "SELECT soft_since IS NULL AND first_bounce_at IS"
			     " NULL AND last_bounce_at IS NULL AND"
			     " suppressed_at IS NULL AND override IS NULL AND"
			     " override_at IS NULL AND reason IS NULL AND"
			     " status IS NULL AND bounce_count = 3 FROM"
			     " recipients"),
	    1);
	assert_int_equal(
	    sql_int(f->st, "SELECT count(*) FROM recipients"), 1);
	/* a reason this build does not know reads as undefined */
	sql_exec(f->st, "UPDATE recipients SET reason = 'nonesuch'");
	assert_int_equal(store_recipient_get(f->st, r.address, &got), 1);
	assert_int_equal(got.reason, REASON_UNDEFINED);
}

static void
test_override(void **state)
{
	struct fx *f = *state;
	struct recipient r;
	struct store *db = f->st;

	/* a row is created for an address never seen; case folds */
	assert_int_equal(store_override(f->st, "New@Example.ORG",
			     OVERRIDE_SUPPRESSED, T0, "asked by phone"),
	    0);
	assert_int_equal(store_recipient_get(f->st, "new@example.org", &r), 1);
	assert_string_equal(r.domain, "example.org");
	assert_int_equal(r.state, STATE_SUPPRESSED);
	assert_int_equal(r.suppressed_at, T0);
	assert_int_equal(r.override, OVERRIDE_SUPPRESSED);
	assert_int_equal(r.override_at, T0);
	/* suppressed again: the first time stays */
	assert_int_equal(store_override(f->st, "new@example.org",
			     OVERRIDE_SUPPRESSED, T0 + 10, NULL),
	    0);
	assert_int_equal(store_recipient_get(f->st, "new@example.org", &r), 1);
	assert_int_equal(r.suppressed_at, T0);
	assert_int_equal(r.override_at, T0 + 10);

	/* a soft address lifted by a person */
	put_recipient(
	    f->st, "soft@example.org", STATE_SOFT, REASON_MAILBOXFULL, T0);
	assert_int_equal(store_override(f->st, "soft@example.org",
			     OVERRIDE_UNSUPPRESSED, T0 + 20, NULL),
	    0);
	assert_int_equal(store_recipient_get(f->st, "soft@example.org", &r), 1);
	assert_int_equal(r.state, STATE_ACTIVE);
	assert_int_equal(r.soft_count, 0);
	assert_int_equal(r.soft_since, 0);
	assert_int_equal(r.bounce_count, 1); /* history stays */
	assert_int_equal(r.override, OVERRIDE_UNSUPPRESSED);
	assert_int_equal(r.override_at, T0 + 20);

	assert_int_equal(sql_int(db, "SELECT count(*) FROM overrides"), 3);
	assert_int_equal(sql_int(db, "SELECT count(*) FROM overrides WHERE"
				     " id = 1 AND address = 'new@example.org'"
				     " AND action = 'suppressed' AND at ="
				     " 1700000000 AND note = 'asked by phone'"),
	    1);
	assert_int_equal(sql_int(db, "SELECT count(*) FROM overrides WHERE"
				     " id = 3 AND action = 'unsuppressed' AND"
				     " note IS NULL"),
	    1);

	/* refused: nothing written */
	assert_int_equal(
	    store_override(f->st, "no-at-sign", OVERRIDE_SUPPRESSED, T0, NULL),
	    -1);
	assert_int_equal(
	    store_override(f->st, "x@example.org", OVERRIDE_NONE, T0, NULL),
	    -1);
	assert_int_equal(sql_int(db, "SELECT count(*) FROM overrides"), 3);
}

/* Inside the caller's transaction it nests, and goes with a rollback. */
static void
test_override_in_transaction(void **state)
{
	struct fx *f = *state;
	struct recipient r;

	assert_int_equal(store_begin(f->st), 0);
	assert_int_equal(store_override(f->st, "in@example.org",
			     OVERRIDE_SUPPRESSED, T0, NULL),
	    0);
	assert_int_equal(store_recipient_get(f->st, "in@example.org", &r), 1);
	store_rollback(f->st);
	assert_int_equal(store_recipient_get(f->st, "in@example.org", &r), 0);
	assert_int_equal(
	    sql_int(f->st, "SELECT count(*) FROM overrides"), 0);
	assert_int_equal(store_begin(f->st), 0);
	assert_int_equal(store_override(f->st, "in@example.org",
			     OVERRIDE_SUPPRESSED, T0, NULL),
	    0);
	assert_int_equal(store_commit(f->st), 0);
	assert_int_equal(store_recipient_get(f->st, "in@example.org", &r), 1);
}

static void
test_decay(void **state)
{
	struct fx *f = *state;
	struct recipient r;
	int64_t n = -1;

	put_recipient(
	    f->st, "old@example.org", STATE_SOFT, REASON_MAILBOXFULL, T0);
	put_recipient(f->st, "new@example.org", STATE_SOFT, REASON_MAILBOXFULL,
	    T0 + 2 * DAY);
	put_recipient(f->st, "gone@example.org", STATE_SUPPRESSED,
	    REASON_USERUNKNOWN, T0);
	assert_int_equal(store_decay_soft(f->st, T0 + DAY, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(store_recipient_get(f->st, "old@example.org", &r), 1);
	assert_int_equal(r.state, STATE_ACTIVE);
	assert_int_equal(r.soft_count, 0);
	assert_int_equal(r.soft_since, 0);
	assert_int_equal(r.last_bounce_at, T0);
	assert_int_equal(store_recipient_get(f->st, "new@example.org", &r), 1);
	assert_int_equal(r.state, STATE_SOFT);
	assert_int_equal(store_recipient_get(f->st, "gone@example.org", &r), 1);
	assert_int_equal(r.state, STATE_SUPPRESSED);
	assert_int_equal(store_decay_soft(f->st, T0 + DAY, &n), 0);
	assert_int_equal(n, 0);
}

/* ---- resends ---- */

static void
test_resend_dedup(void **state)
{
	struct fx *f = *state;
	struct store *db = f->st;
	int64_t m1 = add_message(f->st, 1, STORE_BOUNCE, T0);
	int64_t m2 = add_message(f->st, 2, STORE_BOUNCE, T0 + 60);
	const char *to = "u@example.org";

	assert_int_equal(
	    schedule(f->st, to, "<a@x>", m1, T0 + 600, T0), 1);
	/* another bounce for the same pair: still one pending */
	assert_int_equal(
	    schedule(f->st, to, "<a@x>", m2, T0 + 660, T0 + 60),
	    0);
	assert_int_equal(
	    schedule(f->st, to, "<b@x>", m2, T0 + 660, T0 + 60),
	    1);
	/* an unknown original dedups too, and "" is unknown */
	assert_int_equal(schedule(f->st, to, NULL, m1, T0, T0), 1);
	assert_int_equal(schedule(f->st, to, NULL, m2, T0, T0), 0);
	assert_int_equal(schedule(f->st, to, "", m2, T0, T0), 0);
	/* deferred is still pending */
	sql_exec(db, "UPDATE resends SET state = 'deferred' WHERE"
		     " original_message_id = '<a@x>'");
	assert_int_equal(
	    schedule(f->st, to, "<a@x>", m2, T0, T0), 0);
	/* once sent, a new failure schedules a new one */
	sql_exec(db, "UPDATE resends SET state = 'sent', attempts = 1");
	assert_int_equal(
	    schedule(f->st, to, "<a@x>", m2, T0, T0), 1);
	assert_int_equal(schedule(f->st, to, NULL, m2, T0, T0), 1);
	assert_int_equal(sql_int(db, "SELECT count(*) FROM resends"), 5);
	assert_int_equal(sql_int(db, "SELECT count(*) FROM resends WHERE"
				     " state = 'pending' AND attempts = 0 AND"
				     " created_at = updated_at"),
	    2);
	/* the cause must exist */
	assert_int_equal(
	    schedule(f->st, "v@example.org", NULL, 4242, T0, T0),
	    -1);
}

/* ---- the resend queue (schema v3) ---- */

/* sent_messages ids a resend may name (no foreign key: sent.keep prunes
 * the copies, storage/migrate.c version 5) */
#define SENT_A 11
#define SENT_B 12

/* A resend through store_resend_add(); returns what it returned. */
static int
add_resend(struct store *st, const char *to, const char *orig, int64_t msg,
    int64_t sent, int64_t next_at, int64_t *id_r)
{
	struct store_resend_new r = {
	    .recipient = to,
	    .original_message_id = orig,
	    .message = msg,
	    .reason = REASON_MAILBOXFULL,
	    .kind = KIND_TRANSIENT,
	    .sent = sent,
	    .next_at = next_at,
	    .now = T0,
	};

	return store_resend_add(st, &r, id_r);
}

/*
 * The state and requeue daemon/outbound/resend.c gives an attempt: the row as it
 * is now, whether another waits for its pair, lifecycle_resend_state().
 * OUTCOME_BOUNCED moves nothing (the store ignores a->state then).
 */
static void
decide(struct store *st, struct store_resend_attempt *a)
{
	struct store_resend cur;
	int other = 0;

	if (a->outcome == OUTCOME_BOUNCED)
		return;
	assert_int_equal(store_resend_get(st, a->resend, &cur), 1);
	/* daemon/outbound/resend.c asks only when it can matter */
	if (a->outcome == OUTCOME_DEFERRED &&
	    !lifecycle_resend_waiting(cur.state)) {
		other = store_resend_other_waiting(st, a->resend);
		assert_in_range(other, 0, 1);
	}
	a->state = lifecycle_resend_state(
	    cur.state, a->outcome, other == 1, &a->requeue);
}

/* One attempt, recorded as the daemon records it. */
static void
record(struct store *st, int64_t id, enum resend_outcome outcome, int64_t at,
    int code, const char *reply, bool counts)
{
	struct store_resend_attempt a = {
	    .resend = id,
	    .at = at,
	    .outcome = outcome,
	    .reply_code = code,
	    .reply = reply,
	    .resent_message_id = "<r1@bounced.example>",
	    .next_at = at + 600,
	    .counts = counts,
	};

	decide(st, &a);
	if (store_resend_record(st, &a) == -1)
		fail_msg("record %s: %s", resend_outcome_name(outcome),
		    store_error(st));
}

static void
fill_v2(const char *path)
{
	sqlite3 *db;

	fill_v1(path);
	db = raw_open(path);
	raw_exec(db,
	    "INSERT INTO overrides (address, action, at, note) VALUES"
	    " ('old@example.org', 'unsuppressed', 1700000100, 'v2 note');"
	    "UPDATE resends SET state = 'deferred', attempts = 2,"
	    " next_attempt_at = 1700000600, last_error = '451 later';"
	    "INSERT INTO resends (recipient, original_message_id, message,"
	    " state, attempts, created_at, updated_at) VALUES"
	    " ('old@example.org', '<p@x>', 7, 'sent', 1, 1700000005,"
	    " 1700000050);");
	sqlite3_close(db);
}

static void
test_migrate_from_v2(void **state)
{
	struct fx *f = *state;
	struct store *st = NULL;
	struct store_resend r;
	char *err = NULL;
	sqlite3 *db;
	int64_t id = 0;

	next_path(f, "mig2");
	assert_int_equal(store_create_at_version(f->path, 2, &err), 0);
	fill_v2(f->path);
	if (store_open(f->path, STORE_RDWR, &st, &err) == -1)
		fail_msg("%s", err);
	db = store_db(st);
	assert_int_equal(store_schema_version(st), STORE_SCHEMA_VERSION);
	/* the rows are all there, the new columns at their defaults */
	assert_int_equal(raw_int(db, "SELECT count(*) FROM messages"), 1);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM bounces WHERE"
				     " resend IS NULL AND reason ="
				     " 'userunknown'"),
	    1);
	/* version 4: no stage, layer or original recipient in old rows */
	assert_int_equal(raw_int(db, "SELECT count(*) FROM bounces WHERE"
				     " stage IS NULL AND stage_source IS NULL"
				     " AND layer IS NULL AND"
				     " original_recipient IS NULL AND"
				     " feedback_type IS NULL"),
	    1);
	/* version 5: no proof, no effect, no sent copy in old rows */
	assert_int_equal(raw_int(db, "SELECT (SELECT count(*) FROM bounces"
				     " WHERE authenticity IS NULL AND effect IS"
				     " NULL) + (SELECT count(*) FROM messages"
				     " WHERE authenticity IS NULL) + (SELECT"
				     " count(*) FROM resends WHERE sent IS"
				     " NULL)"),
	    4);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM sqlite_master"
				     " WHERE name IN ('sent_messages',"
				     " 'sent_recipients')"),
	    2);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM overrides WHERE"
				     " note = 'v2 note'"),
	    1);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM resends WHERE"
				     " kind = 'transient' AND reason IS NULL"
				     " AND original IS NULL AND"
				     " resent_message_id IS NULL AND"
				     " last_reply_code IS NULL"),
	    2);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM resend_originals"
				     " UNION ALL SELECT count(*) FROM"
				     " resend_attempts"),
	    0);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM sqlite_master"
				     " WHERE name IN"
				     " ('resends_resent_message_id',"
				     " 'resend_attempts_resend')"),
	    2);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM"
				     " pragma_foreign_key_check"),
	    0);
	/* the old deferred row still holds its pair */
	assert_int_equal(
	    add_resend(st, "old@example.org", "<o@x>", 7, SENT_A, T0, &id), 0);
	assert_int_equal(id, 1);
	assert_int_equal(store_resend_get(st, 1, &r), 1);
	assert_int_equal(r.state, RESEND_DEFERRED);
	assert_int_equal(r.kind, KIND_TRANSIENT);
	assert_int_equal(r.reason, REASON_UNDEFINED); /* NULL */
	assert_int_equal(r.attempts, 2);
	assert_int_equal(r.sent, 0);
	assert_int_equal(r.next_attempt_at, 1700000600);
	/* and the sent one is found by its original */
	assert_int_equal(
	    store_resend_find_sent(st, "old@example.org", NULL, "p@x", &r), 1);
	assert_int_equal(r.id, 2);
	store_close(&st);
}

static void
test_resend_add(void **state)
{
	struct fx *f = *state;
	struct store *db = f->st;
	int64_t m1 = add_message(f->st, 1, STORE_BOUNCE, T0);
	int64_t m2 = add_message(f->st, 2, STORE_BOUNCE, T0 + 60);
	int64_t id = 0, id2 = 0;
	struct store_resend r;
	struct store_resend_new c = {.recipient = "c@example.org",
	    .message = m1,
	    .kind = KIND_CONFIRM,
	    .next_at = T0 + 5,
	    .now = T0};

	assert_int_equal(add_resend(f->st, "u@example.org", "a@x", m1, SENT_A,
			     T0 + 600, &id),
	    1);
	assert_true(id > 0);
	/* another bounce of the same pair: the same row, unchanged */
	assert_int_equal(
	    add_resend(f->st, "u@example.org", "a@x", m2, SENT_B, T0 + 9, &id2),
	    0);
	assert_int_equal(id2, id);
	assert_int_equal(store_resend_get(f->st, id, &r), 1);
	assert_int_equal(r.id, id);
	assert_string_equal(r.recipient, "u@example.org");
	assert_string_equal(r.original_message_id, "a@x");
	assert_int_equal(r.reason, REASON_MAILBOXFULL);
	assert_int_equal(r.kind, KIND_TRANSIENT);
	assert_int_equal(r.state, RESEND_PENDING);
	assert_int_equal(r.message, m1);
	assert_int_equal(r.sent, SENT_A); /* the first one's copy */
	assert_int_equal(r.attempts, 0);
	assert_int_equal(r.next_attempt_at, T0 + 600);
	assert_int_equal(r.created_at, T0);
	/* the names in the row */
	assert_int_equal(sql_int(db, "SELECT count(*) FROM resends WHERE"
				     " reason = 'mailboxfull' AND kind ="
				     " 'transient' AND state = 'pending' AND"
				     " sent = 11"),
	    1);
	/* a resend without a sent copy shares the pair */
	assert_int_equal(
	    schedule(f->st, "u@example.org", "a@x", m2, T0, T0),
	    0);
	/* a deferred row holds the pair too */
	sql_exec(db, "UPDATE resends SET state = 'deferred'");
	assert_int_equal(
	    add_resend(f->st, "u@example.org", "a@x", m2, 0, T0, &id2), 0);
	assert_int_equal(id2, id);
	/* NULL and "" are one unknown original */
	assert_int_equal(
	    add_resend(f->st, "u@example.org", NULL, m1, 0, T0, &id), 1);
	assert_int_equal(
	    add_resend(f->st, "u@example.org", "", m1, 0, T0, &id2), 0);
	assert_int_equal(id2, id);
	/* no copy: sent 0, NULL in the row; kind confirm; no reason */
	assert_int_equal(store_resend_add(f->st, &c, &id), 1);
	assert_int_equal(store_resend_get(f->st, id, &r), 1);
	assert_int_equal(r.sent, 0);
	assert_int_equal(r.kind, KIND_CONFIRM);
	assert_int_equal(r.reason, REASON_UNDEFINED);
	assert_string_equal(r.original_message_id, "");
	assert_int_equal(sql_int(db, "SELECT count(*) FROM resends WHERE"
				     " recipient = 'c@example.org' AND sent IS"
				     " NULL AND kind = 'confirm' AND"
				     " original_message_id IS NULL"),
	    1);
	/* a kind the schema does not know is refused */
	c.kind = KIND_COUNT;
	c.recipient = "d@example.org";
	assert_int_equal(store_resend_add(f->st, &c, &id), -1);
	assert_non_null(strstr(store_error(f->st), "constraint"));
	assert_int_equal(sql_int(db, "SELECT count(*) FROM resends WHERE"
				     " recipient = 'd@example.org'"),
	    0);
	/* the cause must exist */
	assert_int_equal(
	    add_resend(f->st, "v@example.org", "z@x", 4242, SENT_B, T0, &id),
	    -1);
	assert_non_null(strstr(store_error(f->st), violates("FOREIGN KEY")));
	assert_int_equal(db_in_transaction(db->db), 0);
	/* inside the caller's transaction: rolled back with it */
	assert_int_equal(store_begin(f->st), 0);
	assert_int_equal(
	    add_resend(f->st, "w@example.org", "w@x", m1, SENT_B, T0, &id), 1);
	assert_int_equal(
	    add_resend(f->st, "w@example.org", "w@x", 4242, 0, T0, &id2), 0);
	/* a failure inside keeps the caller's transaction and rows */
	assert_int_equal(
	    add_resend(f->st, "x@example.org", "x@x", 4242, SENT_B, T0, &id2),
	    -1);
	assert_int_equal(db_in_transaction(db->db), 1);
	assert_int_equal(store_resend_get(f->st, id, &r), 1);
	assert_int_equal(r.sent, SENT_B);
	store_rollback(f->st);
	assert_int_equal(store_resend_get(f->st, id, &r), 0);
	/* nothing a bounce returned is ever kept */
	assert_int_equal(
	    sql_int(db, "SELECT count(*) FROM resend_originals"), 0);
}

/*
 * A resend names the sent record's copy it is made from (sent_messages.id,
 * docs/SECURITY.md) and nothing else: every way a row comes back carries
 * it, and bounced stores no original a bounce returned -- resend_originals
 * (schema v3) stays empty and resends.original NULL.
 */
static void
test_resend_sent_ids(void **state)
{
	struct fx *f = *state;
	struct store *db = f->st;
	int64_t m1 = add_message(f->st, 1, STORE_BOUNCE, T0);
	int64_t m2 = add_message(f->st, 2, STORE_BOUNCE, T0 + 900);
	int64_t copy, id1, id2, id3;
	struct store_resend r1, r2, r3, out[4];
	struct store_resend_attempt b = {.at = T0 + 900,
	    .outcome = OUTCOME_BOUNCED,
	    .reply_code = 550,
	    .reply = "550 5.1.1 gone",
	    .message = m2};
	size_t n = 0;
	char sql[512];

	/* a copy in the sent record, as the sent: source would keep it */
	/* a blob's literal: SQLite's X'..', PostgreSQL's bytea escape */
	snprintf(sql, sizeof(sql), "INSERT INTO sent_messages (sha256,"
	    " source_ref, message_id, sent_at, indexed_at, body) VALUES"
	    " ('s1', 'new/s1', 'm@x', 1700000000, 1700000000, %s%s%s);"
	    "INSERT INTO sent_recipients (sent, address) VALUES"
	    " (1, 'a@example.org'), (1, 'b@example.org');",
	    pg_uri == NULL ? "X'" : "'\\x", "46726f6d3a20610d0a0d0a68690d0a",
	    pg_uri == NULL ? "'" : "'::bytea");
	sql_exec(db, sql);
	copy = sql_int(db, "SELECT id FROM sent_messages");
	/* the same mailing to two addresses: one copy, named twice */
	assert_int_equal(
	    add_resend(f->st, "a@example.org", "m@x", m1, copy, T0, &id1), 1);
	assert_int_equal(
	    add_resend(f->st, "b@example.org", "m@x", m1, copy, T0, &id2), 1);
	/* and one the spool will have to find at send time */
	assert_int_equal(
	    add_resend(f->st, "c@example.org", "n@x", m1, 0, T0, &id3), 1);
	assert_int_equal(store_resend_get(f->st, id1, &r1), 1);
	assert_int_equal(store_resend_get(f->st, id2, &r2), 1);
	assert_int_equal(store_resend_get(f->st, id3, &r3), 1);
	assert_int_equal(r1.sent, copy);
	assert_int_equal(r2.sent, copy);
	assert_int_equal(r3.sent, 0);
	assert_int_equal(sql_int(db, "SELECT count(*) FROM resends WHERE"
				     " sent = 1"),
	    2);
	assert_int_equal(sql_int(db, "SELECT count(*) FROM resends WHERE"
				     " sent IS NULL"),
	    1);
	/* due rows carry it */
	assert_int_equal(store_resend_due(f->st, T0, out, 4, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(out[0].sent, copy);
	assert_int_equal(out[1].sent, copy);
	assert_int_equal(out[2].sent, 0);
	/* and so do the rows a bounce of a resent copy finds */
	record(f->st, id1, OUTCOME_SENT, T0 + 10, 250, "250 ok", true);
	assert_int_equal(store_resend_find_sent(
			     f->st, NULL, "r1@bounced.example", NULL, &r1),
	    1);
	assert_int_equal(r1.id, id1);
	assert_int_equal(r1.sent, copy);
	assert_int_equal(
	    store_resend_find_sent(f->st, "a@example.org", NULL, "<m@x>", &r1),
	    1);
	assert_int_equal(r1.sent, copy);
	/* a bounce of that copy and what follows change nothing of it */
	b.resend = id1;
	assert_int_equal(store_resend_record(f->st, &b), 0);
	record(f->st, id1, OUTCOME_FAILED, T0 + 900, 550, "gone", false);
	assert_int_equal(store_resend_get(f->st, id1, &r1), 1);
	assert_int_equal(r1.state, RESEND_FAILED);
	assert_int_equal(r1.sent, copy);
	/* not a byte of any bounce is stored */
	assert_int_equal(sql_int(db, "SELECT (SELECT count(*) FROM"
				     " resend_originals) + (SELECT count(*)"
				     " FROM resends WHERE original IS NOT"
				     " NULL)"),
	    0);
	/* the sent record is not the store's to change here */
	assert_int_equal(sql_int(db, "SELECT count(*) FROM sent_messages"), 1);
}

/* ids of the due rows, comma-separated */
static void
expect_due(struct store *st, int64_t now, size_t max, const char *want)
{
	struct store_resend out[8];
	char got[128] = "", one[24];
	size_t n = 99;

	assert_true(max <= 8);
	assert_int_equal(store_resend_due(st, now, out, max, &n), 0);
	assert_true(n <= max);
	for (size_t i = 0; i < n; i++) {
		snprintf(one, sizeof(one), "%s%lld", i > 0 ? "," : "",
		    (long long)out[i].id);
		strcat(got, one);
	}
	assert_string_equal(got, want);
}

static void
test_resend_due(void **state)
{
	struct fx *f = *state;
	int64_t m1 = add_message(f->st, 1, STORE_BOUNCE, T0);
	int64_t id, at = -1;
	struct store_resend out[2];
	size_t n = 9;

	assert_int_equal(store_resend_next_at(f->st, &at), 0);
	expect_due(f->st, T0 + DAY, 8, "");
	add_resend(f->st, "a@example.org", "1@x", m1, 0, T0 + 30, &id);
	add_resend(f->st, "b@example.org", "2@x", m1, 0, T0 + 10, &id);
	add_resend(f->st, "c@example.org", "3@x", m1, 0, T0 + 20, &id);
	add_resend(f->st, "d@example.org", "4@x", m1, 0, T0 + 1000, &id);
	add_resend(f->st, "e@example.org", "5@x", m1, 0, T0 + 20, &id);
	/* earliest first, ties by id; <= now */
	expect_due(f->st, T0 + 25, 8, "2,3,5");
	expect_due(f->st, T0 + 30, 8, "2,3,5,1");
	expect_due(f->st, T0 + 30, 2, "2,3");
	expect_due(f->st, T0 + 9, 8, "");
	assert_int_equal(store_resend_due(f->st, T0 + 30, out, 0, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(store_resend_next_at(f->st, &at), 1);
	assert_int_equal(at, T0 + 10);
	/* deferred is due too; sent and cancelled are not */
	record(f->st, 2, OUTCOME_DEFERRED, T0 + 10, 451, "451 try later", true);
	record(f->st, 3, OUTCOME_SENT, T0 + 10, 250, "250 ok", true);
	assert_int_equal(store_resend_cancel(f->st, 5, T0 + 11), 1);
	expect_due(f->st, T0 + 30, 8, "1");
	expect_due(f->st, T0 + 610, 8, "1,2");
	assert_int_equal(store_resend_due(f->st, T0 + 610, out, 2, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(out[1].state, RESEND_DEFERRED);
	assert_int_equal(out[1].attempts, 1);
	assert_int_equal(out[1].next_attempt_at, T0 + 610);
	assert_int_equal(store_resend_next_at(f->st, &at), 1);
	assert_int_equal(at, T0 + 30);
	/* a schema-v2 caller without a time: due at once, first */
	assert_int_equal(
	    schedule(f->st, "f@example.org", NULL, m1, 0, T0), 1);
	expect_due(f->st, T0, 8, "6");
	assert_int_equal(store_resend_next_at(f->st, &at), 1);
	assert_int_equal(at, 0);
}

static int64_t
attempts_of(struct store *st, int64_t id, const char *where)
{
	char q[256];

	snprintf(q, sizeof(q),
	    "SELECT count(*) FROM resend_attempts WHERE resend = %lld%s%s",
	    (long long)id, where != NULL ? " AND " : "",
	    where != NULL ? where : "");
	return sql_int(st, q);
}

static void
test_resend_record(void **state)
{
	struct fx *f = *state;
	struct store *db = f->st;
	int64_t m1 = add_message(f->st, 1, STORE_BOUNCE, T0);
	int64_t m2 = add_message(f->st, 2, STORE_BOUNCE, T0 + 900);
	int64_t id, ids[3];
	struct store_resend r;
	struct store_resend_attempt a = {.outcome = OUTCOME_SENT};
	static const enum resend_outcome final[] = {
	    OUTCOME_FAILED, OUTCOME_GAVE_UP, OUTCOME_CANNOT};
	static const enum resend_state final_state[] = {
	    RESEND_FAILED, RESEND_GAVE_UP, RESEND_CANNOT};

	add_resend(f->st, "u@example.org", "a@x", m1, SENT_A, T0 + 60, &id);
	/* deferred: 4xx, next_at follows */
	record(
	    f->st, id, OUTCOME_DEFERRED, T0 + 60, 451, "451 4.7.1 later", true);
	assert_int_equal(store_resend_get(f->st, id, &r), 1);
	assert_int_equal(r.state, RESEND_DEFERRED);
	assert_int_equal(r.attempts, 1);
	assert_int_equal(r.next_attempt_at, T0 + 660);
	assert_int_equal(sql_int(db, "SELECT count(*) FROM resends WHERE"
				     " last_error = '451 4.7.1 later' AND"
				     " last_reply_code = 451 AND"
				     " updated_at = 1700000060 AND"
				     " resent_message_id IS NULL"),
	    1);
	assert_int_equal(attempts_of(f->st, id,
			     "outcome = 'deferred' AND at = 1700000060 AND"
			     " reply_code = 451 AND reply = '451 4.7.1 later'"
			     " AND message IS NULL"),
	    1);
	/* an attempt that was not made (unreachable before connecting,
	 * say) does not count */
	record(f->st, id, OUTCOME_DEFERRED, T0 + 660, 0, "connect: refused",
	    false);
	assert_int_equal(store_resend_get(f->st, id, &r), 1);
	assert_int_equal(r.attempts, 1);
	assert_int_equal(r.next_attempt_at, T0 + 1260);
	assert_int_equal(sql_int(db, "SELECT last_reply_code IS NULL AND"
				     " last_error = 'connect: refused'"
				     " FROM resends"),
	    1);
	/* sent: the Resent-Message-ID without <>, nothing to wait for */
	record(
	    f->st, id, OUTCOME_SENT, T0 + 1260, 250, "250 2.0.0 queued", true);
	assert_int_equal(store_resend_get(f->st, id, &r), 1);
	assert_int_equal(r.state, RESEND_SENT);
	assert_int_equal(r.attempts, 2);
	assert_int_equal(r.next_attempt_at, 0);
	assert_int_equal(sql_int(db, "SELECT count(*) FROM resends WHERE"
				     " resent_message_id ="
				     " 'r1@bounced.example' AND"
				     " next_attempt_at IS NULL AND"
				     " last_reply_code = 250"),
	    1);
	/* bounced: only the attempts row, with the bounce message; the
	 * state it carries is ignored */
	a = (struct store_resend_attempt){.resend = id,
	    .at = T0 + 900,
	    .outcome = OUTCOME_BOUNCED,
	    .state = RESEND_CANCELLED,
	    .requeue = true,
	    .next_at = T0 + 5000,
	    .counts = true,
	    .reply_code = 550,
	    .reply = "550 5.1.1 gone",
	    .message = m2};
	assert_int_equal(store_resend_record(f->st, &a), 0);
	assert_int_equal(store_resend_get(f->st, id, &r), 1);
	assert_int_equal(r.state, RESEND_SENT);
	assert_int_equal(r.attempts, 2);
	assert_int_equal(r.next_attempt_at, 0);
	assert_int_equal(attempts_of(f->st, id,
			     "outcome = 'bounced' AND message = 2 AND"
			     " reply_code = 550"),
	    1);
	assert_int_equal(
	    sql_int(db, "SELECT updated_at FROM resends"), T0 + 1260);
	/* then the state the bounce implies: failed (hard) */
	record(
	    f->st, id, OUTCOME_FAILED, T0 + 900, 550, "550 5.1.1 gone", false);
	assert_int_equal(store_resend_get(f->st, id, &r), 1);
	assert_int_equal(r.state, RESEND_FAILED);
	assert_int_equal(r.attempts, 2);
	assert_int_equal(attempts_of(f->st, id, NULL), 5);
	/* the resent_message_id stays for later bounces of that copy */
	assert_int_equal(
	    store_resend_find_sent(f->st, NULL, "r1@bounced.example", NULL, &r),
	    1);
	assert_int_equal(r.id, id);

	/* the final states, each from pending */
	for (int i = 0; i < 3; i++) {
		char to[32];

		snprintf(to, sizeof(to), "f%d@example.org", i);
		add_resend(f->st, to, "a@x", m1, 0, T0, &ids[i]);
		record(f->st, ids[i], final[i], T0 + 5, 554, "no", true);
		assert_int_equal(store_resend_get(f->st, ids[i], &r), 1);
		assert_int_equal(r.state, final_state[i]);
		assert_int_equal(r.attempts, 1);
		assert_int_equal(r.next_attempt_at, 0);
	}
	assert_int_equal(sql_int(db, "SELECT count(*) FROM resend_attempts a"
				     " JOIN resends r ON r.id = a.resend"
				     " WHERE a.outcome = r.state AND"
				     " r.recipient LIKE 'f_@example.org'"),
	    3);

	/* refused: unknown outcome or state, no such resend; nothing
	 * written */
	a = (struct store_resend_attempt){.resend = ids[0],
	    .at = T0,
	    .outcome = OUTCOME_COUNT,
	    .state = RESEND_SENT};
	assert_int_equal(store_resend_record(f->st, &a), -1);
	assert_non_null(strstr(store_error(f->st), "unknown outcome"));
	a.outcome = (enum resend_outcome)-1;
	assert_int_equal(store_resend_record(f->st, &a), -1);
	a.outcome = OUTCOME_SENT;
	a.state = RESEND_STATE_COUNT;
	assert_int_equal(store_resend_record(f->st, &a), -1);
	assert_non_null(strstr(store_error(f->st), "state"));
	assert_int_equal(attempts_of(f->st, ids[0], NULL), 1);
	a.state = RESEND_SENT;
	a.resend = 9999;
	assert_int_equal(store_resend_record(f->st, &a), -1);
	assert_non_null(strstr(store_error(f->st), "no resend 9999"));
	/* a bounce message that does not exist: the attempt is undone */
	a = (struct store_resend_attempt){.resend = ids[0],
	    .at = T0,
	    .outcome = OUTCOME_BOUNCED,
	    .message = 4242};
	assert_int_equal(store_resend_record(f->st, &a), -1);
	assert_int_equal(attempts_of(f->st, ids[0], NULL), 1);
	assert_int_equal(db_in_transaction(db->db), 0);

	/* inside the caller's transaction: undone with it */
	add_resend(f->st, "t@example.org", "a@x", m1, 0, T0, &id);
	assert_int_equal(store_begin(f->st), 0);
	record(f->st, id, OUTCOME_SENT, T0 + 5, 250, "ok", true);
	assert_int_equal(store_resend_get(f->st, id, &r), 1);
	assert_int_equal(r.state, RESEND_SENT);
	/* a failing call inside leaves the caller's work alone */
	assert_int_equal(store_resend_record(f->st, &a), -1);
	assert_int_equal(db_in_transaction(db->db), 1);
	assert_int_equal(attempts_of(f->st, id, NULL), 1);
	store_rollback(f->st);
	assert_int_equal(store_resend_get(f->st, id, &r), 1);
	assert_int_equal(r.state, RESEND_PENDING);
	assert_int_equal(attempts_of(f->st, id, NULL), 0);
	assert_int_equal(store_begin(f->st), 0);
	record(f->st, id, OUTCOME_SENT, T0 + 5, 250, "ok", true);
	assert_int_equal(store_commit(f->st), 0);
	assert_int_equal(store_resend_get(f->st, id, &r), 1);
	assert_int_equal(r.state, RESEND_SENT);
}

/*
 * A transient bounce of a copy that was sent puts it back to deferred,
 * unless another bounce of the original has scheduled a waiting row for
 * the pair meanwhile: then it gives up in that row's favour
 * (resends_one_pending). A cancelled row stays cancelled. The decision
 * is lifecycle_resend_state()'s now; the store answers other_waiting and
 * writes the state it is given (decide() does what daemon/outbound/resend.c does).
 */
static void
test_resend_sent_deferred(void **state)
{
	struct fx *f = *state;
	struct store *db = f->st;
	int64_t m1 = add_message(f->st, 1, STORE_BOUNCE, T0);
	int64_t a, b, c;
	struct store_resend r;
	struct store_resend_attempt at;

	/* alone: sent -> deferred */
	add_resend(f->st, "u@example.org", "a@x", m1, 0, T0, &a);
	record(f->st, a, OUTCOME_SENT, T0 + 10, 250, "ok", true);
	assert_int_equal(store_resend_other_waiting(f->st, a), 0);
	at = (struct store_resend_attempt){.resend = a,
	    .outcome = OUTCOME_DEFERRED};
	decide(f->st, &at);
	assert_int_equal(at.state, RESEND_DEFERRED);
	assert_true(at.requeue);
	record(f->st, a, OUTCOME_DEFERRED, T0 + 100, 452, "452 full", false);
	assert_int_equal(store_resend_get(f->st, a, &r), 1);
	assert_int_equal(r.state, RESEND_DEFERRED);
	assert_int_equal(r.next_attempt_at, T0 + 700);
	assert_int_equal(r.attempts, 1);

	/* with another waiting row for the pair: a gives up, b stays */
	record(f->st, a, OUTCOME_SENT, T0 + 700, 250, "ok", true);
	assert_int_equal(
	    add_resend(f->st, "u@example.org", "a@x", m1, 0, T0 + 800, &b),
	    1);
	assert_true(b != a);
	assert_int_equal(store_resend_other_waiting(f->st, a), 1);
	assert_int_equal(store_resend_other_waiting(f->st, b), 0);
	at = (struct store_resend_attempt){.resend = a,
	    .outcome = OUTCOME_DEFERRED};
	decide(f->st, &at);
	assert_int_equal(at.state, RESEND_GAVE_UP);
	assert_false(at.requeue);
	record(f->st, a, OUTCOME_DEFERRED, T0 + 900, 452, "452 full", false);
	assert_int_equal(store_resend_get(f->st, a, &r), 1);
	assert_int_equal(r.state, RESEND_GAVE_UP);
	assert_int_equal(r.next_attempt_at, 0);
	assert_int_equal(attempts_of(f->st, a, "outcome = 'deferred'"), 2);
	assert_int_equal(sql_int(db, "SELECT last_reply_code FROM resends"
				     " WHERE id = 1 AND last_error ="
				     " '452 full'"),
	    452);
	assert_int_equal(store_resend_get(f->st, b, &r), 1);
	assert_int_equal(r.state, RESEND_PENDING);
	assert_int_equal(r.next_attempt_at, T0 + 800);
	assert_int_equal(sql_int(db, "SELECT count(*) FROM resends WHERE"
				     " state IN ('pending', 'deferred')"),
	    1);

	/* a row cancelled while the worker held it is not revived */
	add_resend(f->st, "v@example.org", "a@x", m1, 0, T0, &c);
	assert_int_equal(store_resend_cancel(f->st, c, T0 + 1), 1);
	record(f->st, c, OUTCOME_DEFERRED, T0 + 2, 421, "421 bye", true);
	assert_int_equal(store_resend_get(f->st, c, &r), 1);
	assert_int_equal(r.state, RESEND_CANCELLED);
	assert_int_equal(r.next_attempt_at, 0);
	assert_int_equal(r.attempts, 1);
	/* nor one whose copy went out after the cancel: the copy is
	 * recorded, the row stays cancelled (test_resend_claim_cancel) */
	record(f->st, c, OUTCOME_SENT, T0 + 3, 250, "ok", true);
	assert_int_equal(store_resend_get(f->st, c, &r), 1);
	assert_int_equal(r.state, RESEND_CANCELLED);
}

/* The store decides nothing: it writes a->state, and next_attempt_at
 * only when a->requeue. */
static void
test_resend_record_state(void **state)
{
	struct fx *f = *state;
	int64_t m1 = add_message(f->st, 1, STORE_BOUNCE, T0);
	int64_t a, b;
	struct store_resend r;
	struct store_resend_attempt at = {.at = T0 + 10,
	    .outcome = OUTCOME_DEFERRED,
	    .state = RESEND_GAVE_UP,
	    .requeue = false,
	    .next_at = T0 + 999,
	    .counts = true};

	add_resend(f->st, "u@example.org", "a@x", m1, 0, T0 + 5, &a);
	add_resend(f->st, "w@example.org", "a@x", m1, 0, T0 + 5, &b);
	/* a deferred outcome the caller ended: no next attempt */
	at.resend = a;
	assert_int_equal(store_resend_record(f->st, &at), 0);
	assert_int_equal(store_resend_get(f->st, a, &r), 1);
	assert_int_equal(r.state, RESEND_GAVE_UP);
	assert_int_equal(r.next_attempt_at, 0);
	assert_int_equal(r.attempts, 1);
	assert_int_equal(attempts_of(f->st, a, "outcome = 'deferred'"), 1);
	/* deferred without requeue: waiting, its time cleared (the caller's
	 * choice, written as given) */
	at.resend = b;
	at.state = RESEND_DEFERRED;
	assert_int_equal(store_resend_record(f->st, &at), 0);
	assert_int_equal(store_resend_get(f->st, b, &r), 1);
	assert_int_equal(r.state, RESEND_DEFERRED);
	assert_int_equal(r.next_attempt_at, 0);
	/* with requeue: next_at */
	at.requeue = true;
	at.at = T0 + 20;
	assert_int_equal(store_resend_record(f->st, &at), 0);
	assert_int_equal(store_resend_get(f->st, b, &r), 1);
	assert_int_equal(r.state, RESEND_DEFERRED);
	assert_int_equal(r.next_attempt_at, T0 + 999);
	assert_int_equal(r.attempts, 2);
	/* any state, even one no outcome leads to from here: the store
	 * trusts lifecycle_resend_state() */
	at.outcome = OUTCOME_SENT;
	at.state = RESEND_CANCELLED;
	at.requeue = false;
	assert_int_equal(store_resend_record(f->st, &at), 0);
	assert_int_equal(store_resend_get(f->st, b, &r), 1);
	assert_int_equal(r.state, RESEND_CANCELLED);
	assert_int_equal(r.next_attempt_at, 0);
}

/* Another resend than id waiting for its recipient and original. */
static void
test_resend_other_waiting(void **state)
{
	struct fx *f = *state;
	struct store *db = f->st;
	int64_t m1 = add_message(f->st, 1, STORE_BOUNCE, T0);
	int64_t a, b, c, d, e, g;

	add_resend(f->st, "u@example.org", "<a@x>", m1, 0, T0, &a);
	add_resend(f->st, "u@example.org", NULL, m1, 0, T0, &c);
	add_resend(f->st, "w@example.org", "a@x", m1, 0, T0, &d);
	/* alone in its pair; other recipients and originals do not count */
	assert_int_equal(store_resend_other_waiting(f->st, a), 0);
	assert_int_equal(store_resend_other_waiting(f->st, c), 0);
	assert_int_equal(store_resend_other_waiting(f->st, d), 0);
	/* no such row: nothing waits beside it */
	assert_int_equal(store_resend_other_waiting(f->st, 9999), 0);
	/* a sent: a second row for its pair is pending */
	record(f->st, a, OUTCOME_SENT, T0 + 10, 250, "ok", true);
	assert_int_equal(
	    add_resend(f->st, "u@example.org", "<a@x>", m1, 0, T0, &b), 1);
	assert_int_equal(store_resend_other_waiting(f->st, a), 1);
	assert_int_equal(store_resend_other_waiting(f->st, b), 0);
	/* deferred waits too */
	record(f->st, b, OUTCOME_DEFERRED, T0 + 20, 451, "later", true);
	assert_int_equal(store_resend_other_waiting(f->st, a), 1);
	assert_int_equal(sql_int(db, "SELECT count(*) FROM resends WHERE"
				     " original_message_id = '<a@x>'"),
	    2);
	/* an unknown original: NULL and "" are one */
	record(f->st, c, OUTCOME_SENT, T0 + 10, 250, "ok", true);
	assert_int_equal(
	    add_resend(f->st, "u@example.org", "", m1, 0, T0, &e), 1);
	assert_int_equal(store_resend_other_waiting(f->st, c), 1);
	assert_int_equal(store_resend_other_waiting(f->st, e), 0);
	/* cancelled, sent, failed are not waiting */
	assert_int_equal(store_resend_cancel(f->st, b, T0 + 30), 1);
	assert_int_equal(store_resend_other_waiting(f->st, a), 0);
	record(f->st, e, OUTCOME_SENT, T0 + 40, 250, "ok", true);
	assert_int_equal(store_resend_other_waiting(f->st, c), 0);
	assert_int_equal(
	    add_resend(f->st, "u@example.org", NULL, m1, 0, T0, &g), 1);
	record(f->st, g, OUTCOME_FAILED, T0 + 50, 550, "no", true);
	assert_int_equal(store_resend_other_waiting(f->st, c), 0);
	assert_int_equal(store_resend_other_waiting(f->st, e), 0);
}

/* resend.max_per_hour and its domain limit: attempts that sent a copy
 * since a time, in all and to one domain (recipients.domain). */
static void
test_resend_sent_since(void **state)
{
	struct fx *f = *state;
	int64_t m1 = add_message(f->st, 1, STORE_BOUNCE, T0);
	int64_t m2 = add_message(f->st, 2, STORE_BOUNCE, T0);
	int64_t a, b, c, d, all = -1, dom = -1;
	struct store_resend_attempt bounced = {.at = T0 + 500,
	    .outcome = OUTCOME_BOUNCED,
	    .message = m2};

	assert_int_equal(store_resend_sent_since(
			     f->st, 0, "example.org", &all, &dom),
	    0);
	assert_int_equal(all, 0);
	assert_int_equal(dom, 0);
	put_recipient(f->st, "a@example.org", STATE_SOFT, REASON_MAILBOXFULL,
	    T0);
	put_recipient(f->st, "b@example.org", STATE_SOFT, REASON_MAILBOXFULL,
	    T0);
	put_recipient(f->st, "c@example.net", STATE_SOFT, REASON_MAILBOXFULL,
	    T0);
	add_resend(f->st, "a@example.org", "1@x", m1, 0, T0, &a);
	add_resend(f->st, "b@example.org", "1@x", m1, 0, T0, &b);
	add_resend(f->st, "c@example.net", "1@x", m1, 0, T0, &c);
	/* no recipients row: counted in all, in no domain */
	add_resend(f->st, "d@example.org", "1@x", m1, 0, T0, &d);
	record(f->st, a, OUTCOME_SENT, T0 + 100, 250, "ok", true);
	record(f->st, b, OUTCOME_DEFERRED, T0 + 200, 451, "later", true);
	record(f->st, b, OUTCOME_SENT, T0 + 300, 250, "ok", true);
	record(f->st, c, OUTCOME_SENT, T0 + 400, 250, "ok", true);
	record(f->st, d, OUTCOME_SENT, T0 + 450, 250, "ok", true);
	/* neither a bounce of a copy nor a failure is a copy sent */
	bounced.resend = a;
	assert_int_equal(store_resend_record(f->st, &bounced), 0);
	record(f->st, a, OUTCOME_FAILED, T0 + 500, 550, "gone", false);
	assert_int_equal(store_resend_sent_since(
			     f->st, T0, "example.org", &all, &dom),
	    0);
	assert_int_equal(all, 4);
	assert_int_equal(dom, 2);
	assert_int_equal(store_resend_sent_since(
			     f->st, T0, "example.net", &all, &dom),
	    0);
	assert_int_equal(all, 4);
	assert_int_equal(dom, 1);
	/* since is inclusive */
	assert_int_equal(store_resend_sent_since(
			     f->st, T0 + 300, "example.org", &all, &dom),
	    0);
	assert_int_equal(all, 3);
	assert_int_equal(dom, 1);
	assert_int_equal(store_resend_sent_since(
			     f->st, T0 + 301, "example.org", &all, &dom),
	    0);
	assert_int_equal(all, 2);
	assert_int_equal(dom, 0);
	assert_int_equal(store_resend_sent_since(
			     f->st, T0 + 1000, "example.net", &all, &dom),
	    0);
	assert_int_equal(all, 0);
	assert_int_equal(dom, 0);
	/* a domain nobody is in */
	assert_int_equal(store_resend_sent_since(
			     f->st, 0, "example.com", &all, &dom),
	    0);
	assert_int_equal(all, 4);
	assert_int_equal(dom, 0);
}

/* The rate limits: a waiting resend waits longer, nothing recorded. */
static void
test_resend_postpone(void **state)
{
	struct fx *f = *state;
	struct store *db = f->st;
	int64_t m1 = add_message(f->st, 1, STORE_BOUNCE, T0);
	int64_t p, d, s, c, at = 0;
	struct store_resend r;

	add_resend(f->st, "p@example.org", "a@x", m1, 0, T0 + 10, &p);
	add_resend(f->st, "d@example.org", "a@x", m1, 0, T0 + 10, &d);
	add_resend(f->st, "s@example.org", "a@x", m1, 0, T0 + 10, &s);
	add_resend(f->st, "c@example.org", "a@x", m1, 0, T0 + 10, &c);
	record(f->st, d, OUTCOME_DEFERRED, T0 + 5, 451, "later", true);
	record(f->st, s, OUTCOME_SENT, T0 + 5, 250, "ok", true);
	assert_int_equal(store_resend_cancel(f->st, c, T0 + 5), 1);
	expect_due(f->st, T0 + 10, 8, "1");

	/* pending */
	assert_int_equal(store_resend_postpone(f->st, p, T0 + 3600), 0);
	assert_int_equal(store_resend_get(f->st, p, &r), 1);
	assert_int_equal(r.state, RESEND_PENDING);
	assert_int_equal(r.next_attempt_at, T0 + 3600);
	assert_int_equal(r.attempts, 0);
	/* deferred */
	assert_int_equal(store_resend_postpone(f->st, d, T0 + 1800), 0);
	assert_int_equal(store_resend_get(f->st, d, &r), 1);
	assert_int_equal(r.state, RESEND_DEFERRED);
	assert_int_equal(r.next_attempt_at, T0 + 1800);
	assert_int_equal(r.attempts, 1);
	expect_due(f->st, T0 + 1799, 8, "");
	expect_due(f->st, T0 + 3600, 8, "2,1");
	assert_int_equal(store_resend_next_at(f->st, &at), 1);
	assert_int_equal(at, T0 + 1800);
	/* no attempt row, no last error, updated_at as it was */
	assert_int_equal(attempts_of(f->st, p, NULL), 0);
	assert_int_equal(attempts_of(f->st, d, NULL), 1);
	assert_int_equal(sql_int(db, "SELECT updated_at FROM resends"
				     " WHERE id = 1"),
	    T0);
	assert_int_equal(sql_int(db, "SELECT last_error IS NULL FROM resends"
				     " WHERE id = 1"),
	    1);
	/* sent and cancelled rows are not waiting: unchanged */
	assert_int_equal(store_resend_postpone(f->st, s, T0 + 7200), 0);
	assert_int_equal(store_resend_postpone(f->st, c, T0 + 7200), 0);
	assert_int_equal(store_resend_postpone(f->st, 9999, T0 + 7200), 0);
	assert_int_equal(sql_int(db, "SELECT count(*) FROM resends WHERE"
				     " next_attempt_at IS NULL AND id IN"
				     " (3, 4)"),
	    2);
	expect_due(f->st, T0 + 7200, 8, "2,1");
}

static void
test_resend_find_sent(void **state)
{
	struct fx *f = *state;
	int64_t m1 = add_message(f->st, 1, STORE_BOUNCE, T0);
	int64_t a, b, c, d;
	struct store_resend r;
	struct store_resend_attempt s = {.at = T0 + 10,
	    .outcome = OUTCOME_SENT,
	    .state = RESEND_SENT,
	    .resent_message_id = "<rid-b@bounced.example>",
	    .counts = true};

	add_resend(
	    f->st, "u@example.org", "<orig@example.com>", m1, 0, T0, &a);
	add_resend(
	    f->st, "u@example.org", "other@example.com", m1, 0, T0, &b);
	add_resend(f->st, "u@example.org", NULL, m1, 0, T0, &c);
	add_resend(
	    f->st, "w@example.org", "orig@example.com", m1, 0, T0, &d);
	/* nothing sent yet: nothing found, pending rows are not candidates */
	assert_int_equal(store_resend_find_sent(f->st, "u@example.org", NULL,
			     "orig@example.com", &r),
	    0);
	assert_int_equal(store_resend_any_sent(f->st), 0);
	record(f->st, a, OUTCOME_SENT, T0 + 10, 250, "ok", true); /* r1@... */
	assert_int_equal(store_resend_any_sent(f->st), 1);
	/* a resend that was sent and is no longer in state sent is still
	 * found by its Resent-Message-ID */
	sql_exec(f->st, "UPDATE resends SET state = 'deferred'");
	assert_int_equal(store_resend_any_sent(f->st), 1);
	sql_exec(f->st, "UPDATE resends SET state = 'sent' WHERE"
				  " resent_message_id IS NOT NULL");
	s.resend = b;
	assert_int_equal(store_resend_record(f->st, &s), 0);
	s.resend = c;
	s.resent_message_id = NULL;
	assert_int_equal(store_resend_record(f->st, &s), 0);

	/* by Resent-Message-ID, with or without <>, whatever the rest */
	assert_int_equal(store_resend_find_sent(f->st, "u@example.org",
			     "rid-b@bounced.example", "orig@example.com", &r),
	    1);
	assert_int_equal(r.id, b);
	assert_int_equal(store_resend_find_sent(
			     f->st, NULL, "<rid-b@bounced.example>", NULL, &r),
	    1);
	assert_int_equal(r.id, b);
	assert_int_equal(r.state, RESEND_SENT);
	assert_int_equal(r.attempts, 1);
	/* an unknown one falls back to recipient + original */
	assert_int_equal(store_resend_find_sent(f->st, "u@example.org",
			     "<nope@x>", "<orig@example.com>", &r),
	    1);
	assert_int_equal(r.id, a);
	assert_int_equal(store_resend_find_sent(f->st, "u@example.org", NULL,
			     "orig@example.com", &r),
	    1);
	assert_int_equal(r.id, a);
	/* NULL original: the row without one */
	assert_int_equal(
	    store_resend_find_sent(f->st, "u@example.org", NULL, NULL, &r), 1);
	assert_int_equal(r.id, c);
	/* w's resend is pending, not sent */
	assert_int_equal(store_resend_find_sent(f->st, "w@example.org", NULL,
			     "orig@example.com", &r),
	    0);
	assert_int_equal(store_resend_find_sent(f->st, "x@example.org", NULL,
			     "orig@example.com", &r),
	    0);
	assert_int_equal(
	    store_resend_find_sent(f->st, NULL, NULL, "orig@example.com", &r),
	    0);
	/* once failed, only the Resent-Message-ID finds it */
	record(f->st, a, OUTCOME_FAILED, T0 + 20, 550, "gone", false);
	assert_int_equal(store_resend_find_sent(f->st, "u@example.org", NULL,
			     "orig@example.com", &r),
	    0);
	assert_int_equal(store_resend_find_sent(f->st, "u@example.org",
			     "r1@bounced.example", NULL, &r),
	    1);
	assert_int_equal(r.id, a);
	assert_int_equal(r.state, RESEND_FAILED);
}

static void
test_resend_cancel_now(void **state)
{
	struct fx *f = *state;
	struct store *db = f->st;
	int64_t m1 = add_message(f->st, 1, STORE_BOUNCE, T0);
	int64_t p, d, s;
	struct store_resend r;

	add_resend(f->st, "p@example.org", "a@x", m1, 0, T0 + DAY, &p);
	add_resend(f->st, "d@example.org", "a@x", m1, 0, T0 + DAY, &d);
	add_resend(f->st, "s@example.org", "a@x", m1, 0, T0 + DAY, &s);
	record(f->st, d, OUTCOME_DEFERRED, T0 + 5, 451, "later", true);
	record(f->st, s, OUTCOME_SENT, T0 + 5, 250, "ok", true);

	/* resend-now: waiting rows only */
	assert_int_equal(store_resend_now(f->st, p, T0 + 100), 1);
	assert_int_equal(store_resend_get(f->st, p, &r), 1);
	assert_int_equal(r.next_attempt_at, T0 + 100);
	assert_int_equal(r.state, RESEND_PENDING);
	expect_due(f->st, T0 + 100, 8, "1");
	assert_int_equal(store_resend_now(f->st, d, T0 + 101), 1);
	assert_int_equal(store_resend_now(f->st, s, T0 + 102), 0);
	assert_int_equal(store_resend_now(f->st, 9999, T0 + 102), 0);
	assert_int_equal(sql_int(db, "SELECT updated_at FROM resends"
				     " WHERE id = 3"),
	    T0 + 5);

	/* cancel: waiting rows only, once */
	assert_int_equal(store_resend_cancel(f->st, p, T0 + 200), 1);
	assert_int_equal(store_resend_get(f->st, p, &r), 1);
	assert_int_equal(r.state, RESEND_CANCELLED);
	assert_int_equal(r.next_attempt_at, 0);
	assert_int_equal(sql_int(db, "SELECT updated_at FROM resends"
				     " WHERE id = 1"),
	    T0 + 200);
	assert_int_equal(store_resend_cancel(f->st, p, T0 + 201), 0);
	assert_int_equal(store_resend_now(f->st, p, T0 + 201), 0);
	assert_int_equal(store_resend_cancel(f->st, d, T0 + 202), 1);
	assert_int_equal(store_resend_cancel(f->st, s, T0 + 203), 0);
	assert_int_equal(store_resend_cancel(f->st, 9999, T0 + 203), 0);
	assert_int_equal(store_resend_get(f->st, s, &r), 1);
	assert_int_equal(r.state, RESEND_SENT);
	expect_due(f->st, T0 + 2 * DAY, 8, "");
	/* the pair is free again */
	assert_int_equal(
	    add_resend(f->st, "p@example.org", "a@x", m1, 0, T0, &p), 1);
	/* read-only refuses */
	{
		struct store *ro;
		char *err = NULL;

		if (store_open(f->path, STORE_RDONLY, &ro, &err) == -1)
			fail_msg("%s", err);
		assert_int_equal(store_resend_cancel(ro, p, T0), -1);
		assert_non_null(strstr(store_error(ro), readonly_word()));
		store_close(&ro);
	}
}

static void
test_bounce_link_resend(void **state)
{
	struct fx *f = *state;
	struct store *db = f->st;
	int64_t m1 = add_message(f->st, 1, STORE_BOUNCE, T0);
	struct store_bounce b = {.recipient = "u@example.org", .at = T0};
	int64_t bid, rid;

	add_resend(f->st, "u@example.org", "a@x", m1, 0, T0, &rid);
	assert_int_equal(store_bounce_add(f->st, m1, &b, &bid), 0);
	assert_int_equal(sql_int(db, "SELECT resend FROM bounces"), -1);
	assert_int_equal(store_bounce_link_resend(f->st, bid, rid), 0);
	assert_int_equal(sql_int(db, "SELECT resend FROM bounces"), rid);
	assert_int_equal(store_bounce_link_resend(f->st, 9999, rid), -1);
	assert_non_null(strstr(store_error(f->st), "no bounce 9999"));
	assert_int_equal(store_bounce_link_resend(f->st, bid, 9999), -1);
	assert_non_null(strstr(store_error(f->st), violates("FOREIGN KEY")));
	assert_int_equal(sql_int(db, "SELECT resend FROM bounces"), rid);
}

static const char *const resends_cols[] = {"id", "recipient",
    "original_message_id", "reason", "kind", "state", "attempts",
    "next_attempt", "created", "updated", "last_error"};

static void
test_query_resends(void **state)
{
	struct fx *f = *state;
	int64_t m1 = add_message(f->st, 1, STORE_BOUNCE, T0);
	struct store_rows *rows;
	struct store_resend_new n = {.recipient = "b@example.org",
	    .original_message_id = "b@x",
	    .message = m1,
	    .reason = REASON_USERUNKNOWN,
	    .kind = KIND_CONFIRM,
	    .next_at = T0 + DAY,
	    .now = T0 + 60};
	int64_t a, b;

	add_resend(f->st, "a@example.org", "a@x", m1, 0, T0 + 3600, &a);
	assert_int_equal(store_resend_add(f->st, &n, &b), 1);
	record(f->st, a, OUTCOME_DEFERRED, T0 + 120, 451, "451 later", true);

	assert_int_equal(store_query_resends(f->st, NULL, &rows), 0);
	expect_cols(rows, resends_cols, 11);
	/* newest first */
	assert_string_equal(next_text(rows, 0), "2");
	assert_int_equal(store_rows_type(rows, 0), STORE_INT);
	assert_string_equal(text_of(rows, "recipient"), "b@example.org");
	assert_string_equal(text_of(rows, "original_message_id"), "b@x");
	assert_string_equal(text_of(rows, "reason"), "userunknown");
	assert_string_equal(text_of(rows, "kind"), "confirm");
	assert_string_equal(text_of(rows, "state"), "pending");
	assert_string_equal(text_of(rows, "attempts"), "0");
	assert_int_equal(store_rows_type(rows, 6), STORE_INT);
	assert_string_equal(
	    text_of(rows, "next_attempt"), "2023-11-15T22:13:20Z");
	assert_string_equal(text_of(rows, "created"), "2023-11-14T22:14:20Z");
	assert_string_equal(text_of(rows, "updated"), "2023-11-14T22:14:20Z");
	assert_string_equal(text_of(rows, "last_error"), "NULL");
	assert_string_equal(next_text(rows, 0), "1");
	assert_string_equal(text_of(rows, "state"), "deferred");
	assert_string_equal(text_of(rows, "attempts"), "1");
	assert_string_equal(
	    text_of(rows, "next_attempt"), "2023-11-14T22:25:20Z");
	assert_string_equal(text_of(rows, "updated"), "2023-11-14T22:15:20Z");
	assert_string_equal(text_of(rows, "last_error"), "451 later");
	assert_int_equal(store_rows_next(rows), 0);
	store_rows_free(&rows);

	assert_int_equal(store_query_resends(f->st, "deferred", &rows), 0);
	assert_string_equal(next_text(rows, 0), "1");
	assert_int_equal(store_rows_next(rows), 0);
	store_rows_free(&rows);
	assert_int_equal(store_query_resends(f->st, "sent", &rows), 0);
	assert_int_equal(store_rows_next(rows), 0);
	store_rows_free(&rows);
	/* a sent row has no next attempt: NULL */
	record(f->st, b, OUTCOME_SENT, T0 + 200, 250, "250 ok", true);
	assert_int_equal(store_query_resends(f->st, "sent", &rows), 0);
	assert_string_equal(next_text(rows, 0), "2");
	assert_string_equal(text_of(rows, "next_attempt"), "NULL");
	assert_int_equal(
	    store_rows_type(rows, (unsigned)col_of(rows, "next_attempt")),
	    STORE_NULL);
	store_rows_free(&rows);
}

/* ---- queries ---- */

/* A resend sent a minute ago whose copy bounced, for the examples of
 * docs/schema.md (which compare with the clock). */
static void
populate_resends(struct store *st, int64_t msg)
{
	struct store_resend_new n = {.recipient = "c@example.net",
	    .original_message_id = "<orig@example.com>",
	    .message = msg,
	    .reason = REASON_MAILBOXFULL,
	    .kind = KIND_TRANSIENT,
	    .now = time(NULL) - 600};
	struct store_resend_attempt a = {.at = time(NULL) - 60,
	    .outcome = OUTCOME_SENT,
	    .state = RESEND_SENT,
	    .counts = true};
	int64_t id;

	assert_int_equal(store_resend_add(st, &n, &id), 1);
	a.resend = id;
	a.reply_code = 250;
	a.reply = "250 ok";
	a.resent_message_id = "<r@bounced.example>";
	assert_int_equal(store_resend_record(st, &a), 0);
	a = (struct store_resend_attempt){.resend = id,
	    .at = time(NULL),
	    .outcome = OUTCOME_BOUNCED,
	    .message = msg};
	assert_int_equal(store_resend_record(st, &a), 0);
}

/* Three addresses on two domains, bounces over three days, an override,
 * resends. */
static void
populate(struct store *st)
{
	int64_t m1 = add_message(st, 1, STORE_BOUNCE, T0);
	int64_t m2 = add_message(st, 2, STORE_BOUNCE, T0 + DAY);
	int64_t m3 = add_message(st, 3, STORE_BOUNCE, T0 + 2 * DAY);

	add_message(st, 4, STORE_UNPARSABLE, T0);
	add_message(st, 5, STORE_NOT_BOUNCE, T0);
	add_bounce(st, m1, "a@example.org", REASON_USERUNKNOWN, true, T0);
	add_bounce(
	    st, m2, "b@example.org", REASON_MAILBOXFULL, false, T0 + DAY);
	add_bounce(
	    st, m3, "b@example.org", REASON_MAILBOXFULL, false, T0 + 2 * DAY);
	add_bounce(
	    st, m3, "c@example.net", REASON_USERUNKNOWN, true, T0 + 2 * DAY);
	put_recipient(
	    st, "a@example.org", STATE_SUPPRESSED, REASON_USERUNKNOWN, T0);
	put_recipient(
	    st, "b@example.org", STATE_SOFT, REASON_MAILBOXFULL, T0 + 2 * DAY);
	put_recipient(st, "c@example.net", STATE_SUPPRESSED, REASON_USERUNKNOWN,
	    T0 + 2 * DAY);
	assert_int_equal(schedule(st, "b@example.org", "<orig@example.com>", m3,
			     T0 + 3 * DAY, T0),
	    1);
	assert_int_equal(store_override(st, "a@example.org",
			     OVERRIDE_UNSUPPRESSED, T0 + 3600, "typo fixed"),
	    0);
	populate_resends(st, m2);
}

static const char *const status_cols[] = {"address", "domain", "state",
    "reason", "status", "bounces", "soft_bounces", "first_bounce",
    "last_bounce", "suppressed_at", "overridden_by", "override", "override_at"};

static void
test_query_status(void **state)
{
	struct fx *f = *state;
	struct store_rows *rows;

	populate(f->st);
	assert_int_equal(store_query_status(f->st, "A@example.org", &rows), 0);
	expect_cols(rows, status_cols, 13);
	assert_int_equal(store_rows_type(rows, 0), STORE_NULL); /* no row yet */
	assert_int_equal(store_rows_next(rows), 1);
	assert_string_equal(text_of(rows, "state"), "active");
	assert_string_equal(text_of(rows, "domain"), "example.org");
	assert_string_equal(text_of(rows, "bounces"), "1");
	assert_int_equal(store_rows_type(rows, 5), STORE_INT);
	assert_string_equal(
	    text_of(rows, "first_bounce"), "2023-11-14T22:13:20Z");
	/* issue 17 item 5: unsuppressed, so no longer suppressed since */
	assert_string_equal(text_of(rows, "suppressed_at"), "NULL");
	assert_string_equal(text_of(rows, "overridden_by"), "person");
	assert_string_equal(text_of(rows, "override"), "unsuppressed");
	assert_string_equal(
	    text_of(rows, "override_at"), "2023-11-14T23:13:20Z");
	assert_int_equal(store_rows_type(rows, 0), STORE_TEXT);
	assert_int_equal(store_rows_next(rows), 0);
	store_rows_free(&rows);
	assert_null(rows);

	assert_int_equal(store_query_status(f->st, "c@example.net", &rows), 0);
	assert_int_equal(store_rows_next(rows), 1);
	assert_null(store_rows_text(rows, (unsigned)col_of(rows, "override")));
	assert_int_equal(
	    store_rows_type(rows, (unsigned)col_of(rows, "overridden_by")),
	    STORE_NULL);
	store_rows_free(&rows);
	assert_int_equal(store_query_status(f->st, "nobody@x", &rows), 0);
	assert_int_equal(store_rows_next(rows), 0);
	store_rows_free(&rows);
}

static const char *const history_cols[] = {"kind", "at", "bounced_at",
    "processed_at",
    "action", "status", "reply_code", "reason", "hard", "class", "diagnostic",
    "remote_mta", "original_message_id", "rule", "family", "source_ref",
    "note", "source", "original_from", "original_sender",
    "original_envelope_id", "original_subject", "original_list_id",
    "campaign", "original_headers", "attribution"};

static void
test_query_history(void **state)
{
	struct fx *f = *state;
	struct store_rows *rows;

	populate(f->st);
	assert_int_equal(store_override(f->st, "b@example.org",
			     OVERRIDE_SUPPRESSED, T0 + DAY + 1, NULL),
	    0);
	assert_int_equal(store_query_history(f->st, "b@example.org", &rows), 0);
	expect_cols(rows, history_cols, 26);
	assert_string_equal(next_text(rows, 0), "bounce");
	assert_string_equal(text_of(rows, "at"), "2023-11-15T22:13:20Z");
	assert_string_equal(
	    text_of(rows, "processed_at"), "2023-11-15T22:13:25Z");
	assert_string_equal(text_of(rows, "reply_code"), "452");
	assert_int_equal(store_rows_type(rows, 6), STORE_INT);
	assert_string_equal(text_of(rows, "hard"), "0");
	assert_string_equal(text_of(rows, "source_ref"), "new/2.M1");
	assert_string_equal(text_of(rows, "note"), "NULL");
	assert_string_equal(next_text(rows, 0), "override");
	assert_string_equal(text_of(rows, "action"), "suppressed");
	assert_string_equal(text_of(rows, "at"), "2023-11-15T22:13:21Z");
	assert_string_equal(text_of(rows, "hard"), "NULL");
	assert_string_equal(next_text(rows, 0), "bounce");
	assert_string_equal(text_of(rows, "at"), "2023-11-16T22:13:20Z");
	assert_int_equal(store_rows_next(rows), 0);
	store_rows_free(&rows);

	assert_int_equal(store_query_history(f->st, "a@example.org", &rows), 0);
	assert_string_equal(next_text(rows, 0), "bounce");
	assert_string_equal(next_text(rows, 0), "override");
	assert_string_equal(text_of(rows, "note"), "typo fixed");
	assert_int_equal(store_rows_next(rows), 0);
	store_rows_free(&rows);
}

static const char *const list_cols[] = {
    "address", "domain", "state", "reason", "status", "bounces", "last_bounce",
    "last_bounced_at"};

/* The addresses a filter lists, comma-separated, in order. */
static void
expect_list(struct store *st, struct store_list_filter flt, const char *want)
{
	struct store_rows *rows;
	char got[256] = "";

	assert_int_equal(store_query_list(st, &flt, &rows), 0);
	expect_cols(rows, list_cols, 8);
	while (store_rows_next(rows) == 1) {
		if (got[0] != '\0')
			strcat(got, ",");
		strcat(got, store_rows_text(rows, 0));
	}
	store_rows_free(&rows);
	assert_string_equal(got, want);
}

static void
test_query_list(void **state)
{
	struct fx *f = *state;
	struct store_rows *rows;

	populate(f->st);
	/* newest last bounce first, then by address */
	expect_list(f->st, (struct store_list_filter){0},
	    "b@example.org,c@example.net,a@example.org");
	expect_list(f->st, (struct store_list_filter){.state = "suppressed"},
	    "c@example.net");
	expect_list(f->st, (struct store_list_filter){.state = "active"},
	    "a@example.org");
	expect_list(f->st, (struct store_list_filter){.reason = "userunknown"},
	    "c@example.net,a@example.org");
	expect_list(f->st, (struct store_list_filter){.domain = "EXAMPLE.org"},
	    "b@example.org,a@example.org");
	expect_list(f->st, (struct store_list_filter){.since = T0 + DAY},
	    "b@example.org,c@example.net");
	expect_list(f->st,
	    (struct store_list_filter){.state = "soft",
		.reason = "mailboxfull",
		.domain = "example.org",
		.since = T0},
	    "b@example.org");
	expect_list(f->st, (struct store_list_filter){.state = "nonesuch"}, "");

	assert_int_equal(
	    store_query_list(
		f->st, &(struct store_list_filter){.state = "soft"}, &rows),
	    0);
	assert_int_equal(store_rows_next(rows), 1);
	assert_string_equal(
	    text_of(rows, "last_bounce"), "2023-11-16T22:13:20Z");
	assert_string_equal(text_of(rows, "bounces"), "1");
	assert_string_equal(text_of(rows, "reason"), "mailboxfull");
	store_rows_free(&rows);
}

/* "key:bounces:recipients:hard:sender:unverified;..." of a stats query,
 * into got (len bytes) */
static void
stats_text(struct store *st, enum store_stats_by by, int64_t since,
    const char *key, char *got, size_t len)
{
	static const char *const tail[] = {
	    "bounces", "recipients", "hard_bounces", "sender", "unverified"};
	struct store_rows *rows;
	char line[256];

	assert_int_equal(store_query_stats(st, by, since, &rows), 0);
	assert_int_equal(store_rows_ncols(rows), 6);
	assert_string_equal(store_rows_name(rows, 0), key);
	for (unsigned i = 0; i < 5; i++)
		assert_string_equal(store_rows_name(rows, i + 1), tail[i]);
	got[0] = '\0';
	while (store_rows_next(rows) == 1) {
		for (unsigned i = 1; i < 6; i++)
			assert_int_equal(store_rows_type(rows, i), STORE_INT);
		snprintf(line, sizeof(line), "%s%s:%s:%s:%s:%s:%s",
		    got[0] != '\0' ? ";" : "", store_rows_text(rows, 0),
		    store_rows_text(rows, 1), store_rows_text(rows, 2),
		    store_rows_text(rows, 3), store_rows_text(rows, 4),
		    store_rows_text(rows, 5));
		assert_true(strlen(got) + strlen(line) < len);
		strcat(got, line);
	}
	store_rows_free(&rows);
}

static void
expect_stats(struct store *st, enum store_stats_by by, int64_t since,
    const char *key, const char *want)
{
	char got[512];

	stats_text(st, by, since, key, got, sizeof(got));
	assert_string_equal(got, want);
}

static void
test_query_stats(void **state)
{
	struct fx *f = *state;
	struct store_rows *rows = (void *)1;

	populate(f->st);
	/* a second bounce of a on another day */
	add_bounce(
	    f->st, 1, "a@example.org", REASON_USERUNKNOWN, true, T0 + DAY);
	expect_stats(f->st, STATS_REASON, 0, "reason",
	    "userunknown:3:2:3:0:0;mailboxfull:2:1:0:0:0");
	expect_stats(f->st, STATS_REASON, T0 + 2 * DAY, "reason",
	    "mailboxfull:1:1:0:0:0;userunknown:1:1:1:0:0");
	expect_stats(f->st, STATS_DOMAIN, 0, "domain",
	    "example.org:4:2:2:0:0;example.net:1:1:1:0:0");
	expect_stats(f->st, STATS_DAY, 0, "day",
	    "2023-11-14:1:1:1:0:0;2023-11-15:2:2:1:0:0;2023-11-16:2:2:1:0:0");
	expect_stats(f->st, STATS_DAY, T0 + DAY, "day",
	    "2023-11-15:2:2:1:0:0;2023-11-16:2:2:1:0:0");
	expect_stats(f->st, STATS_DAY, T0 + 30 * DAY, "day", "");
	/* version 5: the sender's problems and unproven bounces apart, by
	 * bounces.effect */
	{
		struct store_bounce b = {.recipient = "d@example.com",
		    .action = ACTION_FAILED,
		    .reason = REASON_BLOCKED,
		    .cls = CLASS_TRANSIENT,
		    .authenticity = AUTH_VERIFIED_TAG,
		    .effect = EFFECT_SENDER,
		    .at = T0 + 40 * DAY};

		assert_int_equal(store_bounce_add(f->st, 1, &b, NULL), 0);
		b.recipient = "e@example.com";
		b.reason = REASON_USERUNKNOWN;
		b.cls = CLASS_PERMANENT;
		b.hard = true;
		b.authenticity = AUTH_UNVERIFIED;
		b.effect = EFFECT_UNVERIFIED;
		assert_int_equal(store_bounce_add(f->st, 1, &b, NULL), 0);
	}
	expect_stats(f->st, STATS_REASON, T0 + 40 * DAY, "reason",
	    "blocked:1:1:0:1:0;userunknown:1:1:1:0:1");
	expect_stats(f->st, STATS_DOMAIN, T0 + 40 * DAY, "domain",
	    "example.com:2:2:1:1:1");
	expect_stats(f->st, STATS_REASON, 0, "reason",
	    "userunknown:4:3:4:0:1;mailboxfull:2:1:0:0:0;blocked:1:1:0:1:0");
	assert_int_equal(
	    store_query_stats(f->st, (enum store_stats_by)9, 0, &rows), -1);
	assert_null(rows);
}

/*
 * The counters (bouncectl stats) and a recount of every bounce (the
 * query of --since, here since 1 s: every bounce of these tests has a
 * time) agree for the three groupings that have counters.
 */
static void
stats_agree(struct store *st)
{
	static const struct {
		enum store_stats_by by;
		const char *key;
	} g[] = {{STATS_REASON, "reason"}, {STATS_DOMAIN, "domain"},
	    {STATS_DAY, "day"}};
	static char counted[8192], recount[8192];

	for (size_t i = 0; i < sizeof(g) / sizeof(g[0]); i++) {
		stats_text(st, g[i].by, 0, g[i].key, counted, sizeof(counted));
		stats_text(st, g[i].by, 1, g[i].key, recount, sizeof(recount));
		assert_string_equal(counted, recount);
	}
}

/* n bounces of reason to NAME@example.org, NAME being who and from,
 * from + 1, ...: every other one hard, a second apart from at + from. Not
 * cmocka's asserts: a forked child calls it. 0 or -1. */
static int
try_bounces(struct store *st, int64_t msg, const char *who, int from, int n,
    enum reason reason, int64_t at)
{
	char rcpt[64];

	for (int i = from; i < from + n; i++) {
		snprintf(rcpt, sizeof(rcpt), "%s%d@example.org", who, i);
		if (try_bounce(st, msg, rcpt, reason, i % 2 == 0, at + i) == -1)
			return -1;
	}
	return 0;
}

static void
add_bounces(struct store *st, int64_t msg, const char *who, int from, int n,
    enum reason reason, int64_t at)
{
	if (try_bounces(st, msg, who, from, n, reason, at) == -1)
		fail_msg("%s", store_error(st));
}

/*
 * PostgreSQL keeps a counter on a row per writer (migrate_pg.c). Two
 * sessions add bounces of one reason, domain and day, each in an open
 * transaction: neither waits for the other (with one row per key, the
 * second's first bounce waited here for a commit that never came, until
 * lock_timeout), and the counts are the sum of both. A bounce deleted
 * or changed by another session than the one that added it, by the
 * purge of retention or by hand, leaves the counters equal to a
 * recount, even where a session's row goes below zero.
 */
static void
test_pg_stats_two_writers(void **state)
{
	struct fx *f = *state;
	struct store *st2 = NULL;
	char *err = NULL;
	int64_t m1, m2, n = 0;

	if (store_open(f->path, STORE_RDWR, &st2, &err) == -1)
		fail_msg("%s", err);
	m1 = add_message(f->st, 1, STORE_BOUNCE, T0);
	m2 = add_message(st2, 2, STORE_BOUNCE, T0);
	assert_true(m1 == 1 && m2 == 2); /* the SQL below names them */
	assert_int_equal(store_begin(f->st), 0);
	assert_int_equal(store_begin(st2), 0);
	for (int i = 0; i < 10; i++)
		add_bounces(i % 2 == 0 ? f->st : st2, i % 2 == 0 ? m1 : m2, "u",
		    i, 1, REASON_USERUNKNOWN, T0);
	assert_int_equal(store_commit(st2), 0);
	assert_int_equal(store_commit(f->st), 0);
	expect_stats(f->st, STATS_REASON, 0, "reason",
	    "userunknown:10:10:5:0:0");
	assert_int_equal(sql_int(st2, "SELECT count(DISTINCT shard) FROM"
				      " bounce_stats"), 2);
	/* the same recipients again, each from the other session, and a
	 * reason and a day more: not new to the reason or the domain */
	add_bounces(st2, m2, "u", 0, 4, REASON_USERUNKNOWN, T0 + DAY);
	add_bounces(f->st, m1, "u", 2, 4, REASON_MAILBOXFULL, T0);
	expect_stats(f->st, STATS_REASON, 0, "reason",
	    "userunknown:14:10:7:0:0;mailboxfull:4:4:2:0:0");
	expect_stats(st2, STATS_DOMAIN, 0, "domain", "example.org:18:10:9:0:0");
	stats_agree(f->st);

	/* retention on the second session: what the first added goes */
	assert_int_equal(store_purge(st2, STORE_PURGE_BOUNCES, T0 + 4, 100,
	    &n), 0);
	assert_int_equal(n, 6);
	assert_true(sql_int(st2, "SELECT count(*) FROM bounce_stats"
				 " WHERE bounces < 0") > 0);
	stats_agree(st2);
	/* changed by hand, each on the session that did not add it; a
	 * recipient or a day one bounce at a time (docs/schema.md: an
	 * UPDATE's row trigger sees the whole statement) */
	sql_exec(st2, "UPDATE bounces SET reason = 'blocked' WHERE message"
		      " = 1 AND id % 2 = 0");
	for (int id = 1; id <= 20; id++) {
		char sql[160];

		snprintf(sql, sizeof(sql), "UPDATE bounces SET recipient ="
		    " 'z@example.net', effect = 'sender' WHERE id = %d AND"
		    " message = 2 AND id %% 3 = 0", id);
		sql_exec(f->st, sql);
		snprintf(sql, sizeof(sql), "UPDATE bounces SET at = at + 2 *"
		    " 86400, hard = 1 - hard WHERE id = %d AND message = 1"
		    " AND id %% 3 = 1", id);
		sql_exec(st2, sql);
	}
	assert_int_equal(sql_int(st2, "SELECT count(*) FROM bounces WHERE"
				      " recipient = 'z@example.net'"), 2);
	stats_agree(f->st);
	sql_exec(f->st, "DELETE FROM bounces WHERE message = 2 AND id % 2 = 1");
	stats_agree(st2);
	/* everything gone: no key, and what rows stay add up to nothing */
	sql_exec(st2, "DELETE FROM bounces WHERE message = 1");
	sql_exec(f->st, "DELETE FROM bounces");
	expect_stats(f->st, STATS_REASON, 0, "reason", "");
	expect_stats(st2, STATS_DAY, 0, "day", "");
	assert_int_equal(sql_int(f->st, "SELECT count(*) FROM (SELECT 1 FROM"
	    " bounce_stats GROUP BY grouping, key HAVING sum(bounces) <> 0 OR"
	    " sum(recipients) <> 0 OR sum(hard) <> 0 OR sum(sender) <> 0 OR"
	    " sum(unverified) <> 0) AS t"), 0);
	assert_int_equal(sql_int(f->st, "SELECT count(*) FROM"
				       " bounce_stats_rcpt"), 0);
	store_close(&st2);
}

/*
 * Two processes, one a child, each adding bounces of one reason, domain
 * and day in transactions of 25 as the daemons do, at the same time:
 * every bounce counted once, and the counters agree with a recount.
 */
static void
test_pg_stats_two_processes(void **state)
{
	struct fx *f = *state;
	struct store *st = NULL;
	char *err = NULL;
	int64_t m1, m2;
	int status = -1;
	pid_t pid;

	m1 = add_message(f->st, 1, STORE_BOUNCE, T0);
	m2 = add_message(f->st, 2, STORE_BOUNCE, T0);
	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		/* never the parent's connection: a store of its own */
		if (store_open(f->path, STORE_RDWR, &st, &err) == -1)
			_exit(2);
		for (int b = 0; b < 8; b++)
			if (store_begin(st) == -1 ||
			    try_bounces(st, m2, "c", b * 25, 25,
				REASON_USERUNKNOWN, T0) == -1 ||
			    store_commit(st) == -1) {
				fprintf(stderr, "child: %s\n", store_error(st));
				_exit(3);
			}
		store_close(&st);
		_exit(0);
	}
	for (int b = 0; b < 8; b++) {
		assert_int_equal(store_begin(f->st), 0);
		add_bounces(f->st, m1, "p", b * 25, 25,
		    REASON_USERUNKNOWN, T0);
		assert_int_equal(store_commit(f->st), 0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	expect_stats(f->st, STATS_REASON, 0, "reason",
	    "userunknown:400:400:200:0:0");
	stats_agree(f->st);
}

/* A NULL key ties with another: first on both backends, as SQLite
 * sorts NULL (a bounce without a Remote-MTA, a message without a
 * campaign) */
static void
test_query_stats_null_first(void **state)
{
	struct fx *f = *state;
	static const enum store_stats_by by[] = {STATS_REMOTE_MTA,
	    STATS_CAMPAIGN};
	struct store_bounce b = {.recipient = "b@example.org",
	    .action = ACTION_FAILED, .reason = REASON_MAILBOXFULL,
	    .remote_mta = "mx.example.org", .at = T0};
	struct store_rows *rows;

	add_message(f->st, 1, STORE_BOUNCE, T0);
	add_message(f->st, 2, STORE_BOUNCE, T0);
	sql_exec(f->st, "UPDATE messages SET campaign = 'spring' WHERE id = 2");
	assert_int_equal(store_bounce_add(f->st, 2, &b, NULL), 0);
	b.recipient = "a@example.org";
	b.remote_mta = NULL;
	assert_int_equal(store_bounce_add(f->st, 1, &b, NULL), 0);
	for (size_t i = 0; i < sizeof(by) / sizeof(by[0]); i++) {
		assert_int_equal(store_query_stats(f->st, by[i], 0, &rows), 0);
		assert_int_equal(store_rows_next(rows), 1);
		assert_int_equal(store_rows_type(rows, 0), STORE_NULL);
		assert_int_equal(store_rows_next(rows), 1);
		assert_string_equal(store_rows_text(rows, 0),
		    by[i] == STATS_CAMPAIGN ? "spring" : "mx.example.org");
		store_rows_free(&rows);
	}
}

/* ---- docs/schema.md ---- */

/* Prepares and runs every ```sql block of docs/schema.md: all reads. */
static void
test_schema_doc_examples(void **state)
{
	struct fx *f = *state;
	FILE *fp = fopen(BD_SCHEMA_DOC, "r");
	char line[1024], sql[4096];
	int inside = 0, n = 0;
	sqlite3_stmt *stmt;

	assert_non_null(fp);
	populate(f->st);
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (!inside && strncmp(line, "```sql", 6) == 0) {
			inside = 1, sql[0] = '\0';
			continue;
		}
		if (!inside)
			continue;
		if (strncmp(line, "```", 3) != 0) {
			assert_true(strlen(sql) + strlen(line) < sizeof(sql));
			strcat(sql, line);
			continue;
		}
		inside = 0, n++;
		if (sqlite3_prepare_v2(store_db(f->st), sql, -1, &stmt, NULL) !=
		    SQLITE_OK)
			fail_msg(
			    "%s\n%s", sql, sqlite3_errmsg(store_db(f->st)));
		assert_true(sqlite3_stmt_readonly(stmt));
		while (sqlite3_step(stmt) == SQLITE_ROW)
			;
		assert_int_equal(sqlite3_finalize(stmt), SQLITE_OK);
	}
	fclose(fp);
	assert_true(n >= 13);
}

/* ---- the rest ---- */

static void
test_names(void **state)
{
	(void)state;
	for (int s = STATE_ACTIVE; s <= STATE_SUPPRESSED; s++)
		assert_int_equal(rcpt_state_from_name(rcpt_state_name(s)), s);
	assert_int_equal(rcpt_state_from_name("Active"), -1);
	assert_int_equal(rcpt_state_from_name(NULL), -1);
	assert_string_equal(store_outcome_name(STORE_BOUNCE), "bounce");
	assert_string_equal(store_outcome_name(STORE_NOT_BOUNCE), "not_bounce");
	assert_string_equal(store_outcome_name(STORE_UNPARSABLE), "unparsable");
	assert_null(rcpt_override_name(OVERRIDE_NONE));
	assert_string_equal(
	    rcpt_override_name(OVERRIDE_SUPPRESSED), "suppressed");
	assert_string_equal(
	    rcpt_override_name(OVERRIDE_UNSUPPRESSED), "unsuppressed");
}

/*
 * PRAGMA data_version: 0 on the first call, 1 once after another
 * connection committed, never for the connection's own commits.
 */
static void
test_changed_elsewhere(void **state)
{
	struct fx *f = *state;
	struct store *other = NULL, *ro = NULL;
	char *err = NULL;
	sqlite3 *raw;

	assert_int_equal(store_changed_elsewhere(f->st), 0);
	assert_int_equal(store_changed_elsewhere(f->st), 0);
	/* its own commits, alone and in a transaction */
	put_recipient(
	    f->st, "a@example.org", STATE_SOFT, REASON_MAILBOXFULL, T0);
	assert_int_equal(store_changed_elsewhere(f->st), 0);
	assert_int_equal(store_begin(f->st), 0);
	add_message(f->st, 1, STORE_BOUNCE, T0);
	assert_int_equal(store_commit(f->st), 0);
	assert_int_equal(store_changed_elsewhere(f->st), 0);

	/* bouncectl: another store connection, read-write */
	if (store_open(f->path, STORE_RDWR, &other, &err) == -1)
		fail_msg("%s", err);
	if (store_open(f->path, STORE_RDONLY, &ro, &err) == -1)
		fail_msg("%s", err);
	assert_int_equal(store_changed_elsewhere(ro), 0);
	assert_int_equal(store_changed_elsewhere(other), 0);
	assert_int_equal(store_override(other, "a@example.org",
			     OVERRIDE_SUPPRESSED, T0 + 1, NULL),
	    0);
	assert_int_equal(store_changed_elsewhere(f->st), 1);
	assert_int_equal(store_changed_elsewhere(f->st), 0); /* once */
	assert_int_equal(store_changed_elsewhere(other), 0); /* its own */
	assert_int_equal(store_changed_elsewhere(ro), 1);
	assert_int_equal(store_changed_elsewhere(ro), 0);
	/* a transaction rolled back commits nothing */
	assert_int_equal(store_begin(other), 0);
	add_message(other, 2, STORE_BOUNCE, T0);
	store_rollback(other);
	assert_int_equal(store_changed_elsewhere(f->st), 0);
	/* and the daemon's commit is news to the others */
	put_recipient(
	    f->st, "b@example.org", STATE_SOFT, REASON_MAILBOXFULL, T0);
	assert_int_equal(store_changed_elsewhere(f->st), 0);
	assert_int_equal(store_changed_elsewhere(other), 1);
	assert_int_equal(store_changed_elsewhere(ro), 1);
	store_close(&other);
	store_close(&ro);

	/* any writer at all: a raw connection */
	raw = raw_open(f->path);
	raw_exec(raw, "UPDATE recipients SET status = '4.2.2'");
	sqlite3_close(raw);
	assert_int_equal(store_changed_elsewhere(f->st), 1);
	assert_int_equal(store_changed_elsewhere(f->st), 0);
}

/* Another writer holding the lock past the timeout: busy, retry later. */
static void
test_busy(void **state)
{
	struct fx *f = *state;
	sqlite3 *other = raw_open(f->path);

	raw_exec(other, "BEGIN IMMEDIATE");
	sqlite3_busy_timeout(store_db(f->st), 50); /* not 5 s in a test */
	assert_int_equal(store_begin(f->st), -1);
	assert_true(store_error_busy(f->st));
	raw_exec(other, "ROLLBACK");
	sqlite3_close(other);
	assert_int_equal(store_begin(f->st), 0);
	assert_int_equal(store_commit(f->st), 0);
}

/* ---- PostgreSQL only ---- */

/* As test_foreign_file_refused: a database with tables of others and
 * no bounced_schema is not given ours */
static void
test_pg_foreign_refused(void **state)
{
	struct fx *f = *state;
	struct store *st = NULL;
	char *err = NULL;

	sql_exec(f->st, "CREATE TABLE somebody_else (x INTEGER)");
	sql_exec(f->st, "DROP TABLE bounced_schema");
	store_close(&f->st);
	assert_int_equal(store_open(f->path, STORE_RDWR, &st, &err), -1);
	assert_non_null(strstr(err, "not a bounced database"));
	free(err);
	err = NULL;
	assert_int_equal(store_open(f->path, STORE_RDONLY, &st, &err), -1);
	assert_non_null(strstr(err, "run bounced to create it"));
	free(err);
}

/* As test_newer_refused: a later version is neither written nor read */
static void
test_pg_newer_refused(void **state)
{
	struct fx *f = *state;
	struct store *st = NULL;
	char *err = NULL;

	/* one row, and the version is its value */
	assert_int_equal(sql_int(f->st, "SELECT count(*) FROM bounced_schema"),
	    1);
	assert_int_equal(store_schema_version(f->st), STORE_SCHEMA_VERSION);
	sql_exec(f->st, "UPDATE bounced_schema SET version = 99");
	store_close(&f->st);
	assert_int_equal(store_open(f->path, STORE_RDWR, &st, &err), -1);
	assert_non_null(strstr(err, "schema version 99 is newer"));
	free(err);
	err = NULL;
	assert_int_equal(store_open(f->path, STORE_RDONLY, &st, &err), -1);
	assert_non_null(strstr(err, "schema version 99"));
	free(err);
}

/* Version 14 changed SQLite only (migrate.c's schema_v14): a database
 * at 13 is opened, its version moves to 14 and its stats trigger stays */
static void
test_pg_step_14(void **state)
{
	struct fx *f = *state;
	struct store *st = NULL;
	char *err = NULL;

	sql_exec(f->st, "UPDATE bounced_schema SET version = 13");
	store_close(&f->st);
	assert_int_equal(store_open(f->path, STORE_RDONLY, &st, &err), -1);
	assert_non_null(strstr(err, "run bounced to migrate"));
	free(err);
	err = NULL;
	if (store_open(f->path, STORE_RDWR, &f->st, &err) == -1)
		fail_msg("%s", err);
	assert_int_equal(store_schema_version(f->st), 14);
	assert_int_equal(sql_int(f->st, "SELECT count(*) FROM"
	    " information_schema.triggers WHERE event_object_table ="
	    " 'bounces' AND event_manipulation = 'INSERT'"), 1);
}

/* A URI with a password is refused before it is used (issue 18) */
static void
test_pg_password_refused(void **state)
{
	struct store *st = NULL;
	char *err = NULL;
	enum store_fault fault;

	(void)state;
	assert_int_equal(store_open("postgresql://u:secret@localhost/x",
	    STORE_RDWR, &st, &err), -1);
	assert_non_null(strstr(err, "holds a password"));
	free(err);
	err = NULL;
	assert_int_equal(store_open("postgres:///x?host=/nowhere&password=s",
	    STORE_RDONLY, &st, &err), -1);
	assert_non_null(strstr(err, "holds a password"));
	free(err);
	/* a URI libpq cannot parse recurs: fatal, not waited for */
	err = NULL;
	assert_int_equal(store_open_try("postgresql:///x?host=/tmp/s"
	    "database: y=z", STORE_RDWR, 0, &st, &err, &fault), -1);
	assert_non_null(strstr(err, "not a PostgreSQL URI"));
	assert_int_equal(fault, STORE_FAULT_FATAL);
	free(err);
}

/* ---- forget on PostgreSQL (store_forget_pg.c) ---- */

#define FADDR "who@example.org"
#define FHASH "00000000000000000000000000000000000000000000000000000000000000ff"

/* Whether x[0..n) names FADDR as a whole address, ASCII case-insensitive
 * (the test's own reading of docs/schema.md "Forgetting an address") */
static bool
names_faddr(const unsigned char *x, size_t n)
{
	size_t a = strlen(FADDR), i, j;

	for (i = 0; i + a <= n; i++) {
		for (j = 0; j < a && tolower(x[i + j]) == FADDR[j]; j++)
			;
		if (j < a)
			continue;
		if (i > 0 && (isalnum(x[i - 1]) || strchr(".-_+", x[i - 1])))
			continue;
		j = i + a;
		if (j < n && (isalnum(x[j]) || x[j] == '-' ||
		    (x[j] == '.' && j + 1 < n && isalpha(x[j + 1]))))
			continue;
		return true;
	}
	return false;
}

/* How many values of any text or bytea column of any table of the
 * schema name FADDR, each printed when show */
static int
pg_mentions(struct store *st, bool show)
{
	struct db_stmt *t, *v;
	char *q, *qt, *qc;
	int found = 0;

	if (db_prepare(st->db, "SELECT table_name, column_name FROM"
	    " information_schema.columns WHERE table_schema ="
	    " current_schema() AND data_type IN ('text', 'bytea')", 0, &t) != 0)
		fail_msg("columns: %s", db_error(st->db));
	while (db_step(t) == DB_ROW) {
		qt = db_quote_ident(db_column_text(t, 0));
		qc = db_quote_ident(db_column_text(t, 1));
		q = xasprintf("SELECT %s FROM %s", qc, qt);
		if (db_prepare(st->db, q, 0, &v) != 0)
			fail_msg("%s: %s", q, db_error(st->db));
		while (db_step(v) == DB_ROW) {
			const unsigned char *x = db_column_blob(v, 0);
			size_t n = db_column_bytes(v, 0);

			if (x != NULL && names_faddr(x, n)) {
				if (show)
					fprintf(stderr, "%s.%s: %.*s\n",
					    db_column_text(t, 0),
					    db_column_text(t, 1), (int)n, x);
				found++;
			}
		}
		db_finalize(&v);
		free(q);
		free(qt);
		free(qc);
	}
	db_finalize(&t);
	return found;
}

/* PostgreSQL's blob literal for forget_case.h */
#define PG_BLOB(s) "convert_to(" s ", 'UTF8')"

/*
 * forget_case.h's rows, which test_upkeep's test_forget forgets on
 * SQLite: the steps (rows keyed by the address go), the sweep (mentions
 * anywhere redacted, a table added later included, stored bodies gone
 * whole), the deferred constraint (an original deleted before its
 * resends), and a bytea of UTF-8 text.
 */
static void
test_pg_forget(void **state)
{
	struct fx *f = *state;

	sql_exec(f->st, FORGET_CASE_ROWS(PG_BLOB)
	    /* tables added later: covered without being listed; a bytea
	     * holding a UTF-8 text, an address beside it */
	    "CREATE TABLE outbox (id BIGINT PRIMARY KEY, payload TEXT);"
	    "INSERT INTO outbox VALUES"
	    " (1, '{\"recipient\":\"who@example.org\",\"n\":1}');"
	    "CREATE TABLE notes (k TEXT PRIMARY KEY, v BYTEA);"
	    "INSERT INTO notes VALUES ('a', convert_to('Grüße an"
	    " WHO@example.org', 'UTF8'))");
	assert_true(pg_mentions(f->st, false) > 0);
	assert_int_equal(store_forgotten(f->st, FHASH), 0);
	assert_int_equal(store_forget(f->st, "WHO@example.org", FHASH, 77, NULL,
	    NULL), 0);
	assert_int_equal(pg_mentions(f->st, true), 0);
	assert_int_equal(store_forgotten(f->st, FHASH), 1);
	forget_case_check(sql_int, f->st);
	assert_int_equal(sql_int(f->st, "SELECT count(*) FROM notes WHERE"
	    " v = convert_to('Grüße an [forgotten]', 'UTF8')"), 1);
	/* twice: nothing left, the hash once */
	assert_int_equal(store_forget(f->st, FADDR, FHASH, 78, NULL, NULL), 0);
	assert_int_equal(sql_int(f->st, "SELECT count(*) FROM forgotten"), 1);
}

/*
 * A daemon's batch that looked for the address's hash before forget
 * started (store_forgotten(), FOR SHARE) and records a bounce of it
 * after: forget waits for that batch's commit and sweeps its row too,
 * instead of leaving it behind (forget_begin_pg()).
 */
static void
test_pg_forget_waits(void **state)
{
	struct fx *f = *state;
	int go[2], status;
	pid_t pid;
	char c;

	sql_exec(f->st, "INSERT INTO messages (sha256, source_ref, outcome,"
	    " processed_at) VALUES ('s1', 'f1', 'bounce', 1)");
	assert_int_equal(pipe(go), 0);
	if ((pid = fork()) == 0) {
		struct store *st = NULL;
		char *err = NULL;
		int code = 0;

		alarm(20);
		if (store_open(f->path, STORE_RDWR, &st, &err) == -1)
			_exit(10);
		if (store_begin(st) == -1 || store_forgotten(st, FHASH) != 0)
			code = 11;
		if (write(go[1], "x", 1) != 1)
			code = 12;
		usleep(700 * 1000);
		if (code == 0 && (db_exec(st->db, "INSERT INTO bounces"
		    " (message, recipient, hard) SELECT id, 'who@example.org',"
		    " 1 FROM messages") != 0 || store_commit(st) == -1))
			code = 13;
		_exit(code);
	}
	assert_true(pid > 0);
	assert_int_equal(read(go[0], &c, 1), 1);
	assert_int_equal(store_forget(f->st, FADDR, FHASH, 77, NULL, NULL), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(sql_int(f->st, "SELECT count(*) FROM bounces"), 0);
	assert_int_equal(pg_mentions(f->st, true), 0);
	close(go[0]);
	close(go[1]);
}

/* store_sent_head() on PostgreSQL: substr() of the body, not SQLite's
 * blob I/O (test_store_mgmt's test_sent_head on SQLite) */
static void
test_pg_sent_head(void **state)
{
	struct fx *f = *state;
	unsigned char *buf;
	size_t len;

	sql_exec(f->st, "INSERT INTO sent_messages (sha256, source_ref,"
	    " message_id, indexed_at, body) VALUES ('cc', '1.M1',"
	    " 'm1@example.com', 1, convert_to('From: a@example.com' ||"
	    " chr(10) || 'Subject: x' || chr(10) || chr(10) || 'body' ||"
	    " repeat('x', 300000), 'UTF8'))");
	assert_int_equal(
	    store_sent_head(f->st, " <m1@example.com> ", 10, &buf, &len), 1);
	assert_int_equal(len, 10);
	assert_memory_equal(buf, "From: a@ex", 11); /* NUL-terminated */
	free(buf);
	assert_int_equal(
	    store_sent_head(f->st, "m1@example.com", 400000, &buf, &len), 1);
	assert_int_equal(len, 19 + 1 + 10 + 2 + 4 + 300000);
	free(buf);
	assert_int_equal(
	    store_sent_head(f->st, "<other@example.com>", 10, &buf, &len), 0);
	assert_null(buf);
}

/* The IMAP source's high-water mark (store_imap.c), on either backend:
 * UIDs compared as numbers up to 2^32 - 1, the range of one mailbox
 * and UIDVALIDITY only (test_store_imap has the rest on SQLite) */
static void
test_ref_max_uid(void **state)
{
	struct fx *f = *state;
	static const char *const refs[] = {"INBOX/7/5", "INBOX/7/10",
	    "INBOX/7/4294967295", "INBOX/8/99", "INBOX/77/500",
	    "INBOX.Sub/7/600", "INBOX/7x/700", "new/1.M1"};
	char sha[65];
	uint32_t uid = 1;

	assert_int_equal(store_ref_max_uid(f->st, "INBOX/7/", &uid), 0);
	assert_int_equal(uid, 0);
	for (size_t i = 0; i < sizeof(refs) / sizeof(refs[0]); i++) {
		struct store_message m = {.sha256 = sha, .source_ref = refs[i],
		    .outcome = STORE_BOUNCE, .received_at = T0,
		    .processed_at = T0};

		snprintf(sha, sizeof(sha), "%064zx", i + 1);
		assert_int_equal(store_message_add(f->st, &m, NULL), 0);
	}
	assert_int_equal(store_ref_max_uid(f->st, "INBOX/7/", &uid), 0);
	assert_int_equal(uid, 4294967295u);
	assert_int_equal(store_ref_max_uid(f->st, "INBOX/8/", &uid), 0);
	assert_int_equal(uid, 99);
	assert_int_equal(store_ref_max_uid(f->st, "INBOX/77/", &uid), 0);
	assert_int_equal(uid, 500);
	assert_int_equal(store_ref_max_uid(f->st, "Other/7/", &uid), 0);
	assert_int_equal(uid, 0);
}

/* ---- claims: each due resend and event taken by one daemon (issue 18) ---- */

/* ids of what a claim took, comma-separated */
static void
expect_claim(struct store *st, int64_t now, int64_t until, size_t max,
    const char *want)
{
	struct store_resend out[8];
	char got[128] = "", one[24];
	size_t n = 99;

	assert_true(max <= 8);
	if (store_resend_claim(st, now, until, out, max, &n) == -1)
		fail_msg("claim: %s", store_error(st));
	assert_true(n <= max);
	for (size_t i = 0; i < n; i++) {
		snprintf(one, sizeof(one), "%s%lld", i > 0 ? "," : "",
		    (long long)out[i].id);
		strcat(got, one);
		assert_int_equal(out[i].next_attempt_at, until);
	}
	assert_string_equal(got, want);
}

static void
test_resend_claim(void **state)
{
	struct fx *f = *state;
	int64_t m1 = add_message(f->st, 1, STORE_BOUNCE, T0);
	int64_t id, at = 0;
	struct store *other;
	struct store_resend r;
	char *err = NULL;

	add_resend(f->st, "a@example.org", "1@x", m1, 0, T0 + 30, &id);
	add_resend(f->st, "b@example.org", "2@x", m1, 0, T0 + 10, &id);
	add_resend(f->st, "c@example.org", "3@x", m1, 0, T0 + 20, &id);
	add_resend(f->st, "d@example.org", "4@x", m1, 0, T0 + 1000, &id);
	/* a second daemon: its own connection to the same database */
	assert_int_equal(store_open(f->path, STORE_RDWR, &other, &err), 0);
	/* the earliest two, in id order; then the other gets the third
	 * and nothing of what the first claimed */
	expect_claim(f->st, T0 + 30, T0 + 90, 2, "2,3");
	expect_due(f->st, T0 + 30, 8, "1");
	expect_claim(other, T0 + 30, T0 + 95, 8, "1");
	expect_claim(other, T0 + 60, T0 + 120, 8, "");
	expect_claim(f->st, T0 + 89, T0 + 149, 8, "");
	/* the loop sleeps until the first claim ends */
	assert_int_equal(store_resend_next_at(f->st, &at), 1);
	assert_int_equal(at, T0 + 90);
	/* a claim nobody recorded (its daemon died) ends: due again */
	expect_claim(other, T0 + 90, T0 + 150, 8, "2,3");
	record(other, 1, OUTCOME_FAILED, T0 + 91, 550, "550 no", true);
	/* the outcome recorded after a claim is what it was before */
	record(other, 2, OUTCOME_SENT, T0 + 95, 250, "250 ok", true);
	assert_int_equal(store_resend_get(f->st, 2, &r), 1);
	assert_int_equal(r.state, RESEND_SENT);
	assert_int_equal(r.attempts, 1);
	assert_int_equal(sql_int(f->st, "SELECT next_attempt_at FROM resends"
					" WHERE id = 2"), -1);
	record(other, 3, OUTCOME_DEFERRED, T0 + 95, 451, "451 later", true);
	assert_int_equal(store_resend_get(f->st, 3, &r), 1);
	assert_int_equal(r.state, RESEND_DEFERRED);
	assert_int_equal(r.next_attempt_at, T0 + 95 + 600);
	expect_claim(f->st, T0 + 200, T0 + 260, 8, "");
	expect_claim(f->st, T0 + 1000, T0 + 1060, 8, "3,4");
	record(f->st, 3, OUTCOME_GAVE_UP, T0 + 1001, 0, "too old", false);
	/* a postponement (the rate limits) replaces the claim's time */
	assert_int_equal(store_resend_postpone(f->st, 4, T0 + 2000), 0);
	expect_claim(other, T0 + 1999, T0 + 2059, 8, "");
	expect_claim(other, T0 + 2000, T0 + 2060, 8, "4");
	store_close(&other);
}

/*
 * bouncectl cancel while a daemon sends the row it claimed: the copy
 * that went out is recorded, the row stays cancelled and never waits
 * again, even when the copy bounces softly (lifecycle.h table 3 [6]).
 */
static void
test_resend_claim_cancel(void **state)
{
	struct fx *f = *state;
	int64_t m1 = add_message(f->st, 1, STORE_BOUNCE, T0);
	int64_t id;
	struct store_resend r;
	struct store_resend_attempt b = {.at = T0 + 300,
	    .outcome = OUTCOME_BOUNCED, .reply = "452 full"};

	add_resend(f->st, "a@example.org", "1@x", m1, 0, T0 + 10, &id);
	expect_claim(f->st, T0 + 10, T0 + 70, 8, "1");
	assert_int_equal(store_resend_cancel(f->st, id, T0 + 11), 1);
	record(f->st, id, OUTCOME_SENT, T0 + 12, 250, "250 ok", true);
	assert_int_equal(store_resend_get(f->st, id, &r), 1);
	assert_int_equal(r.state, RESEND_CANCELLED);
	assert_int_equal(sql_int(f->st, "SELECT count(*) FROM resends"
					" WHERE resent_message_id ="
					" 'r1@bounced.example'"), 1);
	assert_int_equal(sql_int(f->st, "SELECT count(*) FROM events"
					" WHERE kind = 'resend_sent'"), 1);
	/* its bounce finds it and a transient one requeues nothing */
	assert_int_equal(store_resend_find_sent(f->st, NULL,
			     "r1@bounced.example", NULL, &r), 1);
	b.resend = id;
	assert_int_equal(store_resend_record(f->st, &b), 0);
	record(f->st, id, OUTCOME_DEFERRED, T0 + 300, 452, "452 full", false);
	assert_int_equal(store_resend_get(f->st, id, &r), 1);
	assert_int_equal(r.state, RESEND_CANCELLED);
	expect_due(f->st, T0 + DAY, 8, "");
}

/* ids of the events a claim took for the webhook, comma-separated */
static void
expect_outbox_claim(struct store *st, int64_t now, int64_t until,
    size_t max, const char *want)
{
	struct store_event out[8];
	char got[128] = "", one[24];
	size_t n = 99;

	assert_true(max <= 8);
	if (store_outbox_claim(st, STORE_SINK_WEBHOOK, now, until, out, max,
	    &n) == -1)
		fail_msg("claim events: %s", store_error(st));
	for (size_t i = 0; i < n; i++) {
		snprintf(one, sizeof(one), "%s%lld", i > 0 ? "," : "",
		    (long long)out[i].id);
		strcat(got, one);
	}
	assert_string_equal(got, want);
}

static void
add_events(struct store *st, int n)
{
	struct store_event_new e = {.kind = OUTBOX_SUPPRESSED,
	    .source = OUTBOX_FROM_PERSON, .address = "a@example.org",
	    .at = T0, .state = STATE_SUPPRESSED, .reason = REASON_UNDEFINED};
	int64_t queued = 0;

	for (int i = 0; i < n; i++)
		assert_int_equal(store_event_add(st, &e, NULL), 0);
	assert_int_equal(store_outbox_enqueue(st, STORE_SINK_WEBHOOK, T0,
			     T0 - DAY, &queued), 0);
}

static void
test_outbox_claim(void **state)
{
	struct fx *f = *state;
	struct store *other;
	char *err = NULL;

	add_events(f->st, 5);
	assert_int_equal(store_open(f->path, STORE_RDWR, &other, &err), 0);
	expect_outbox_claim(f->st, T0, T0 + 60, 2, "1,2");
	/* in order: the head is claimed, so the other gets nothing, not
	 * the events after it */
	expect_outbox_claim(other, T0, T0 + 60, 8, "");
	/* one delivered, the other released (a stop): due at once */
	assert_int_equal(store_begin(f->st), 0);
	assert_int_equal(store_outbox_release(f->st, STORE_SINK_WEBHOOK, 1, 2,
			     T0 + 60), 0);
	assert_int_equal(store_outbox_mark(f->st, STORE_SINK_WEBHOOK, 1,
			     OUTBOX_DELIVERED, 1, 0, NULL, T0 + 1), 0);
	assert_int_equal(store_commit(f->st), 0);
	expect_outbox_claim(other, T0 + 1, T0 + 61, 8, "2,3,4,5");
	/* a claim nobody marked (its daemon died) ends: due again */
	expect_outbox_claim(f->st, T0 + 60, T0 + 120, 8, "");
	expect_outbox_claim(f->st, T0 + 61, T0 + 121, 2, "2,3");
	/* a failure marked after a claim holds the rest back, as before */
	assert_int_equal(store_outbox_mark(f->st, STORE_SINK_WEBHOOK, 2,
			     OUTBOX_PENDING, 2, T0 + 500, "HTTP 500", T0 + 62),
	    0);
	assert_int_equal(store_outbox_release(f->st, STORE_SINK_WEBHOOK, 2, 3,
			     T0 + 121), 0);
	expect_outbox_claim(other, T0 + 130, T0 + 190, 8, "");
	expect_outbox_claim(other, T0 + 500, T0 + 560, 8, "2,3,4,5");
	store_close(&other);
}

/*
 * PostgreSQL, two daemons at once: while one's claim transaction is
 * open (its rows locked), another's claim skips those rows instead of
 * waiting for them, and gets the others (FOR UPDATE SKIP LOCKED); the
 * outbox's claim gets nothing while the sink is being claimed. The
 * other daemon is a child process with its own connection; it reports
 * through its exit status.
 */
static int
child_claims(const char *uri)
{
	struct store *st;
	struct store_resend r[8];
	struct store_event ev[4];
	char *err = NULL;
	size_t n = 0, ne = 9;
	struct timespec a, b;
	int code = 0, failed;

	if (store_open(uri, STORE_RDWR, &st, &err) == -1)
		return 10;
	clock_gettime(CLOCK_MONOTONIC, &a);
	failed = store_resend_claim(st, T0 + 100, T0 + 200, r, 8, &n) == -1 ||
	    store_outbox_claim(st, STORE_SINK_WEBHOOK, T0, T0 + 60, ev, 4,
		&ne) == -1;
	clock_gettime(CLOCK_MONOTONIC, &b);
	if (failed)
		code = 11;
	/* the parent's claim: rows 1 and 2; ours: 3 and 4 */
	else if (n != 2 || r[0].id != 3 || r[1].id != 4)
		code = 12;
	else if (ne != 0)
		code = 13;
	/* not a wait for the parent's locks (lock_timeout is 5 s) */
	else if (b.tv_sec - a.tv_sec > 2)
		code = 14;
	store_close(&st);
	return code;
}

static void
test_pg_claim_skip_locked(void **state)
{
	struct fx *f = *state;
	int64_t m1 = add_message(f->st, 1, STORE_BOUNCE, T0);
	int64_t id;
	struct store_resend out[8];
	struct store_event ev[4];
	size_t n = 0;
	int status = 0;
	pid_t pid;

	for (int i = 0; i < 4; i++) {
		char to[32];

		snprintf(to, sizeof(to), "r%d@example.org", i);
		add_resend(f->st, to, "1@x", m1, 0, T0 + 10 + i, &id);
	}
	add_events(f->st, 3);
	/* the claims inside a transaction that stays open: its locks are
	 * held while the child claims */
	assert_int_equal(store_begin(f->st), 0);
	assert_int_equal(store_resend_claim(f->st, T0 + 100, T0 + 200, out, 2,
			     &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(out[0].id, 1);
	assert_int_equal(out[1].id, 2);
	assert_int_equal(store_outbox_claim(f->st, STORE_SINK_WEBHOOK, T0,
			     T0 + 60, ev, 4, &n), 0);
	assert_int_equal(n, 3);
	fflush(NULL);
	pid = fork();
	assert_true(pid != -1);
	if (pid == 0)
		_exit(child_claims(f->path)); /* the parent's connection is
						* the parent's: no close here */
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(store_commit(f->st), 0);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	/* and after the commit, no row is left for anyone */
	expect_claim(f->st, T0 + 150, T0 + 250, 8, "");
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_create_reopen),
	    T(test_pragmas),
	    T(test_rdonly_missing),
	    T(test_rdonly_v1_refused),
	    T(test_rdonly_while_writer),
	    T(test_newer_refused),
	    T(test_foreign_file_refused),
	    T(test_migrate_from_v1),
	    T(test_message_add_find),
	    T(test_message_authenticity),
	    T(test_message_caps),
	    T(test_suspects),
	    T(test_bounce_add),
	    T(test_rollback),
	    T(test_recipient_roundtrip),
	    T(test_recipient_add),
	    T(test_ref_max_uid),
	    T(test_override),
	    T(test_override_in_transaction),
	    T(test_decay),
	    T(test_resend_dedup),
	    T(test_migrate_from_v2),
	    T(test_migrate_v13_checks),
	    T(test_resend_add),
	    T(test_resend_sent_ids),
	    T(test_resend_due),
	    T(test_resend_record),
	    T(test_resend_sent_deferred),
	    T(test_resend_record_state),
	    T(test_resend_other_waiting),
	    T(test_resend_sent_since),
	    T(test_resend_postpone),
	    T(test_resend_find_sent),
	    T(test_resend_cancel_now),
	    T(test_resend_claim),
	    T(test_resend_claim_cancel),
	    T(test_outbox_claim),
	    T(test_bounce_link_resend),
	    T(test_query_resends),
	    T(test_query_status),
	    T(test_query_history),
	    T(test_query_list),
	    T(test_query_stats),
	    T(test_query_stats_null_first),
	    T(test_schema_doc_examples),
	    T(test_names),
	    T(test_changed_elsewhere),
	    T(test_busy),
	};
	/*
	 * The tests of behaviour, on PostgreSQL. Not here, as SQLite's
	 * alone: the pragmas and WAL files, a missing file, the migrations
	 * from versions 1 and 2 and v13's in-place CHECKs (PostgreSQL
	 * starts at version 13), the refusals of a file (their PostgreSQL
	 * counterparts are test_pg_*), data_version, a busy file lock, and
	 * the documentation's examples, run through sqlite3_stmt_readonly().
	 */
	const struct CMUnitTest pg_tests[] = {
	    T(test_create_reopen),
	    T(test_rdonly_while_writer),
	    T(test_message_add_find),
	    T(test_message_authenticity),
	    T(test_message_caps),
	    T(test_suspects),
	    T(test_bounce_add),
	    T(test_rollback),
	    T(test_recipient_roundtrip),
	    T(test_recipient_add),
	    T(test_ref_max_uid),
	    T(test_override),
	    T(test_override_in_transaction),
	    T(test_decay),
	    T(test_resend_dedup),
	    T(test_resend_add),
	    T(test_resend_sent_ids),
	    T(test_resend_due),
	    T(test_resend_record),
	    T(test_resend_sent_deferred),
	    T(test_resend_record_state),
	    T(test_resend_other_waiting),
	    T(test_resend_sent_since),
	    T(test_resend_postpone),
	    T(test_resend_find_sent),
	    T(test_resend_cancel_now),
	    T(test_resend_claim),
	    T(test_resend_claim_cancel),
	    T(test_outbox_claim),
	    T(test_bounce_link_resend),
	    T(test_query_resends),
	    T(test_query_status),
	    T(test_query_history),
	    T(test_query_list),
	    T(test_query_stats),
	    T(test_query_stats_null_first),
	    T(test_names),
	    T(test_pg_stats_two_writers),
	    T(test_pg_stats_two_processes),
	    T(test_pg_foreign_refused),
	    T(test_pg_newer_refused),
	    T(test_pg_step_14),
	    T(test_pg_password_refused),
	    T(test_pg_recipient_add_race),
	    T(test_pg_forget),
	    T(test_pg_forget_waits),
	    T(test_pg_sent_head),
	    T(test_pg_claim_skip_locked),
	};
	int rc;

	pg_uri = getenv("BD_TEST_PG_URI");
	if (pg_uri == NULL || *pg_uri == '\0') {
		pg_uri = NULL;
		return cmocka_run_group_tests(tests, group_setup,
		    group_teardown);
	}
	if ((rc = pg_reachable(pg_uri)) != 0)
		return rc;
	return cmocka_run_group_tests_name("storage on PostgreSQL", pg_tests,
	    group_setup, group_teardown);
}
