/*
 * storage/db.h's contract (issue 18), one program for both backends: on
 * SQLite (a file in a temporary directory) by default, on PostgreSQL
 * when BD_TEST_PG_URI names a database (tests/integration/db_pg.sh
 * starts one and passes its URI). The SQL is the same on both except
 * where db_kind() must choose (a type name, an identity column), which
 * is what db_kind() is for.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "common/xmalloc.h"
#include "storage/db.h"

static char dir[] = "/tmp/bd-test-db.XXXXXX";
static char path[sizeof(dir) + 16];
static const char *pg_uri; /* NULL: SQLite */

/* A connection to the test database, in the test schema on PostgreSQL. */
static struct db *
open_db(void)
{
	struct db *db = NULL;
	enum db_fault f;
	char *err = NULL;

	if (pg_uri == NULL) {
		assert_int_equal(db_sqlite_open(path, false, &db), 0);
		assert_int_equal(db_exec(db, "PRAGMA journal_mode = WAL"), 0);
		return db;
	}
	if (db_pg_open(pg_uri, &db, &err, &f) == -1)
		fail_msg("%s: %s", pg_uri, err);
	assert_int_equal(db_exec(db, "SET search_path = bd_contract"), 0);
	return db;
}

static int
setup(void **state)
{
	struct db *db;
	char *err = NULL;
	enum db_fault f;

	if (pg_uri == NULL) {
		/* a stale -wal would be replayed into the new file */
		snprintf(path, sizeof(path), "%s/t.db-wal", dir);
		unlink(path);
		snprintf(path, sizeof(path), "%s/t.db-shm", dir);
		unlink(path);
		snprintf(path, sizeof(path), "%s/t.db", dir);
		unlink(path);
	} else {
		if (db_pg_open(pg_uri, &db, &err, &f) == -1)
			fail_msg("%s: %s", pg_uri, err);
		assert_int_equal(db_exec(db,
		    "DROP SCHEMA IF EXISTS bd_contract CASCADE;"
		    " CREATE SCHEMA bd_contract"), 0);
		db_close(&db);
	}
	*state = open_db();
	return 0;
}

static int
teardown(void **state)
{
	struct db *db = *state;

	db_close(&db);
	return 0;
}

/* One statement with no row: asserts it ran. */
static void
run(struct db *db, const char *sql)
{
	if (db_exec(db, sql) == -1)
		fail_msg("%s: %s", sql, db_error(db));
}

static int64_t
one_int(struct db *db, const char *sql)
{
	struct db_stmt *s;
	int64_t v;

	assert_int_equal(db_prepare(db, sql, 0, &s), 0);
	assert_int_equal(db_step(s), DB_ROW);
	v = db_column_int64(s, 0);
	assert_int_equal(db_step(s), DB_DONE);
	db_finalize(&s);
	return v;
}

static void
test_placeholders(void **state)
{
	struct db *db = *state;
	struct db_stmt *s;

	/* ? numbered by position, a ? in a string, a name, comments kept.
	 * CAST: PostgreSQL infers a parameter's type from its context, and
	 * a bare SELECT ? has none */
	if (db_prepare(db, "SELECT CAST(? AS TEXT), 'it''s ?' AS \"q?\","
	    " CAST(? AS TEXT) /* ? */ -- ?\n", 0, &s) == -1)
		fail_msg("%s", db_error(db));
	assert_int_equal(db_bind_count(s), 2);
	assert_int_equal(db_column_count(s), 3);
	assert_string_equal(db_column_name(s, 1), "q?");
	assert_int_equal(db_bind_text(s, 1, "a"), 0);
	assert_int_equal(db_bind_text(s, 2, "b"), 0);
	assert_int_equal(db_bind_text(s, 3, "c"), -1); /* no such one */
	assert_int_equal(db_step(s), DB_ROW);
	assert_string_equal(db_column_text(s, 0), "a");
	assert_string_equal(db_column_text(s, 1), "it's ?");
	assert_string_equal(db_column_text(s, 2), "b");
	assert_int_equal(db_step(s), DB_DONE);
	db_finalize(&s);

	/* ?N in any order, used twice; a bare ? after ?2 is 3 (SQLite's
	 * rule); text with a length */
	assert_int_equal(db_prepare(db, "SELECT CAST(?2 AS TEXT),"
	    " CAST(?1 AS TEXT), CAST(?2 AS TEXT), CAST(? AS TEXT)", 0, &s), 0);
	assert_int_equal(db_bind_count(s), 3);
	assert_int_equal(db_bind_text(s, 1, "one") || db_bind_text(s, 2,
	    "two") || db_bind_textn(s, 3, "three-and-more", 5), 0);
	assert_int_equal(db_step(s), DB_ROW);
	assert_string_equal(db_column_text(s, 0), "two");
	assert_string_equal(db_column_text(s, 1), "one");
	assert_string_equal(db_column_text(s, 2), "two");
	assert_string_equal(db_column_text(s, 3), "three");
	db_finalize(&s);
}

static void
test_null_empty(void **state)
{
	struct db *db = *state;
	struct db_stmt *s;

	run(db, "CREATE TABLE t (n INTEGER, v TEXT)");
	assert_int_equal(db_prepare(db, "INSERT INTO t VALUES (?1, ?2)", 0,
	    &s), 0);
	assert_int_equal(db_bind_int64(s, 1, 1) || db_bind_null(s, 2), 0);
	assert_int_equal(db_step(s), DB_DONE);
	db_reset(s);
	assert_int_equal(db_bind_int64(s, 1, 2) || db_bind_text(s, 2, ""), 0);
	assert_int_equal(db_step(s), DB_DONE);
	db_reset(s);
	/* NULL text binds NULL; clear_bindings makes them all NULL */
	assert_int_equal(db_bind_int64(s, 1, 3) || db_bind_text(s, 2, NULL),
	    0);
	assert_int_equal(db_step(s), DB_DONE);
	db_reset(s);
	db_clear_bindings(s);
	assert_int_equal(db_step(s), DB_DONE);
	db_finalize(&s);

	assert_int_equal(db_prepare(db, "SELECT n, v FROM t ORDER BY COALESCE(n, 9)", 0,
	    &s), 0);
	assert_int_equal(db_step(s), DB_ROW);
	assert_int_equal(db_column_int64(s, 0), 1);
	assert_true(db_column_is_null(s, 1));
	assert_int_equal(db_column_type(s, 1), DB_NULL);
	assert_null(db_column_text(s, 1));
	assert_int_equal(db_column_bytes(s, 1), 0);
	assert_int_equal(db_column_int64(s, 1), 0);
	assert_int_equal(db_step(s), DB_ROW);
	assert_false(db_column_is_null(s, 1));
	assert_int_equal(db_column_type(s, 1), DB_TEXT);
	assert_string_equal(db_column_text(s, 1), "");
	assert_int_equal(db_column_bytes(s, 1), 0);
	assert_int_equal(db_step(s), DB_ROW);
	assert_true(db_column_is_null(s, 1));
	assert_int_equal(db_step(s), DB_ROW); /* cleared: both NULL */
	assert_true(db_column_is_null(s, 0));
	assert_true(db_column_is_null(s, 1));
	assert_int_equal(db_step(s), DB_DONE);
	db_finalize(&s);
}

static void
test_int64(void **state)
{
	static const int64_t v[] = { INT64_MIN, INT64_MIN + 1, -1, 0, 1,
		INT32_MAX + (int64_t)1, INT64_MAX };
	struct db *db = *state;
	struct db_stmt *s;
	size_t i;

	run(db, "CREATE TABLE n (i INTEGER, v BIGINT)");
	assert_int_equal(db_prepare(db, "INSERT INTO n VALUES (?, ?)", 0, &s),
	    0);
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_int_equal(db_bind_int64(s, 1, (int64_t)i), 0);
		assert_int_equal(db_bind_int64(s, 2, v[i]), 0);
		assert_int_equal(db_step(s), DB_DONE);
		db_reset(s);
	}
	db_finalize(&s);
	assert_int_equal(db_prepare(db, "SELECT v FROM n ORDER BY i", 0, &s),
	    0);
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_int_equal(db_step(s), DB_ROW);
		assert_int_equal(db_column_type(s, 0), DB_INT);
		assert_true(db_column_int64(s, 0) == v[i]);
	}
	assert_int_equal(db_step(s), DB_DONE);
	db_finalize(&s);
	/* a bound value compared in SQL, not only stored */
	assert_int_equal(db_prepare(db, "SELECT count(*) FROM n WHERE v = ?1",
	    0, &s), 0);
	assert_int_equal(db_bind_int64(s, 1, INT64_MIN), 0);
	assert_int_equal(db_step(s), DB_ROW);
	assert_int_equal(db_column_int64(s, 0), 1);
	db_finalize(&s);
}

static void
test_rows_reset(void **state)
{
	struct db *db = *state;
	struct db_stmt *ins, *sel;
	int64_t i, n;

	run(db, "CREATE TABLE r (k INTEGER PRIMARY KEY, v TEXT)");
	assert_int_equal(db_prepare(db, "INSERT INTO r (k, v) VALUES (?1, ?2)",
	    DB_PREPARE_KEEP, &ins), 0);
	for (i = 1; i <= 5; i++) {
		char v[8];

		snprintf(v, sizeof(v), "v%d", (int)i);
		assert_int_equal(db_bind_int64(ins, 1, i) ||
		    db_bind_text(ins, 2, v), 0);
		assert_int_equal(db_step(ins), DB_DONE);
		assert_int_equal(db_changes(db), 1);
		db_reset(ins);
	}
	db_finalize(&ins);

	assert_int_equal(db_prepare(db, "SELECT k, v FROM r WHERE k >= ?1"
	    " ORDER BY k", DB_PREPARE_KEEP, &sel), 0);
	assert_int_equal(db_bind_int64(sel, 1, 1), 0);
	for (n = 0; db_step(sel) == DB_ROW; n++)
		assert_int_equal(db_column_int64(sel, 0), n + 1);
	assert_int_equal(n, 5);
	/* reset: the same bindings, from the first row again */
	db_reset(sel);
	assert_int_equal(db_step(sel), DB_ROW);
	assert_int_equal(db_column_int64(sel, 0), 1);
	/* reset in the middle, new binding */
	db_reset(sel);
	assert_int_equal(db_bind_int64(sel, 1, 4), 0);
	assert_int_equal(db_step(sel), DB_ROW);
	assert_string_equal(db_column_text(sel, 1), "v4");
	assert_int_equal(db_step(sel), DB_ROW);
	assert_int_equal(db_step(sel), DB_DONE);
	db_finalize(&sel);
}

static void
test_changes(void **state)
{
	struct db *db = *state;

	run(db, "CREATE TABLE c (k INTEGER PRIMARY KEY, v INTEGER);"
		" INSERT INTO c VALUES (1, 0), (2, 0), (3, 0), (4, 1)");
	run(db, "UPDATE c SET v = 2 WHERE v = 0");
	assert_int_equal(db_changes(db), 3);
	/* a SELECT leaves it */
	assert_int_equal(one_int(db, "SELECT count(*) FROM c"), 4);
	assert_int_equal(db_changes(db), 3);
	run(db, "DELETE FROM c WHERE k > 100");
	assert_int_equal(db_changes(db), 0);
	/* ON CONFLICT DO NOTHING: a duplicate changes nothing */
	run(db, "INSERT INTO c VALUES (1, 9) ON CONFLICT DO NOTHING");
	assert_int_equal(db_changes(db), 0);
	assert_int_equal(one_int(db, "SELECT v FROM c WHERE k = 1"), 2);
}

static void
test_returning(void **state)
{
	struct db *db = *state;
	struct db_stmt *s;
	int64_t id, id2 = 0;

	run(db, db_kind(db) == DB_SQLITE ?
		"CREATE TABLE m (id INTEGER PRIMARY KEY, h TEXT UNIQUE)" :
		"CREATE TABLE m (id BIGINT GENERATED BY DEFAULT AS IDENTITY"
		" PRIMARY KEY, h TEXT UNIQUE)");
	assert_int_equal(db_prepare(db, "INSERT INTO m (h) VALUES (?1)"
	    " RETURNING id", DB_PREPARE_KEEP, &s), 0);
	assert_int_equal(db_bind_text(s, 1, "a"), 0);
	assert_int_equal(db_step(s), DB_ROW);
	id = db_column_int64(s, 0);
	db_reset(s);
	assert_int_equal(db_bind_text(s, 1, "b"), 0);
	assert_int_equal(db_step(s), DB_ROW);
	assert_int_equal(db_column_int64(s, 0), id + 1);
	db_reset(s);
	assert_int_equal(one_int(db, "SELECT count(*) FROM m"), 2);
	/* the key without RETURNING, as the daemon's inserts take it */
	run(db, "INSERT INTO m (h) VALUES ('c')");
	assert_int_equal(db_last_id(db, &id2), 0);
	assert_int_equal(id2, id + 2);
	assert_int_equal(one_int(db, "SELECT id FROM m WHERE h = 'c'"), id2);

	/* a unique violation: the step fails, the text says what */
	assert_int_equal(db_bind_text(s, 1, "a"), 0);
	assert_int_equal(db_step(s), DB_ERROR);
	assert_non_null(strcasestr(db_error(db), "unique"));
	/* a constraint is no lock and no lasting trouble: passing, as
	 * SQLite's SQLITE_CONSTRAINT has always been */
	assert_int_equal(db_fault(db), DB_FAULT_PASSING);
	db_reset(s);
	db_finalize(&s);
}

static void
test_blob(void **state)
{
	static const unsigned char b[] = { 'a', 0, 0xff, '\\', 'x', '\n' };
	struct db *db = *state;
	struct db_stmt *s;

	run(db, db_kind(db) == DB_SQLITE ? "CREATE TABLE b (v BLOB)" :
					   "CREATE TABLE b (v BYTEA)");
	assert_int_equal(db_prepare(db, "INSERT INTO b VALUES (?1)", 0, &s),
	    0);
	assert_int_equal(db_bind_blob(s, 1, b, sizeof(b)), 0);
	assert_int_equal(db_step(s), DB_DONE);
	db_reset(s);
	assert_int_equal(db_bind_blob(s, 1, NULL, 0), 0); /* empty, not NULL */
	assert_int_equal(db_step(s), DB_DONE);
	db_finalize(&s);
	assert_int_equal(db_prepare(db, "SELECT v FROM b ORDER BY length(v)"
	    " DESC", 0, &s), 0);
	assert_int_equal(db_step(s), DB_ROW);
	assert_int_equal(db_column_type(s, 0), DB_BLOB);
	assert_int_equal(db_column_bytes(s, 0), sizeof(b));
	assert_memory_equal(db_column_blob(s, 0), b, sizeof(b));
	assert_int_equal(db_step(s), DB_ROW);
	assert_false(db_column_is_null(s, 0));
	assert_int_equal(db_column_bytes(s, 0), 0);
	db_finalize(&s);
}

static void
test_rollback(void **state)
{
	struct db *db = *state;

	run(db, "CREATE TABLE x (k TEXT PRIMARY KEY)");
	assert_false(db_in_transaction(db));
	run(db, "BEGIN");
	assert_true(db_in_transaction(db));
	run(db, "INSERT INTO x VALUES ('a'); INSERT INTO x VALUES ('b')");
	assert_int_equal(one_int(db, "SELECT count(*) FROM x"), 2);
	run(db, "ROLLBACK");
	assert_false(db_in_transaction(db));
	assert_int_equal(one_int(db, "SELECT count(*) FROM x"), 0);
	/* a script stops at its first failure: nothing after it runs */
	assert_int_equal(db_exec(db, "INSERT INTO x VALUES ('c');"
	    " INSERT INTO nosuch VALUES (1); INSERT INTO x VALUES ('d')"), -1);
	assert_int_equal(one_int(db, "SELECT count(*) FROM x WHERE k = 'd'"),
	    0);
}

/* Another connection's lock: BUSY after the busy timeout, on both (a
 * row lock past lock_timeout on PostgreSQL, the write lock on SQLite). */
static void
test_busy(void **state)
{
	struct db *a = *state, *b;
	struct db_stmt *s;

	run(a, "CREATE TABLE l (k TEXT PRIMARY KEY, v INTEGER);"
	       " INSERT INTO l VALUES ('x', 0)");
	b = open_db();
	assert_int_equal(db_busy_timeout(b, 100), 0);
	run(a, "BEGIN");
	run(a, "UPDATE l SET v = 1 WHERE k = 'x'");
	assert_int_equal(db_prepare(b, "UPDATE l SET v = 2 WHERE k = ?1", 0,
	    &s), 0);
	assert_int_equal(db_bind_text(s, 1, "x"), 0);
	assert_int_equal(db_step(s), DB_ERROR);
	assert_int_equal(db_fault(b), DB_FAULT_BUSY);
	db_reset(s);
	run(a, "COMMIT");
	/* the lock gone, the same statement goes through */
	assert_int_equal(db_step(s), DB_DONE);
	assert_int_equal(db_changes(b), 1);
	db_finalize(&s);
	db_close(&b);
	assert_int_equal(one_int(a, "SELECT v FROM l"), 2);
}

static void
test_syntax(void **state)
{
	struct db *db = *state;
	struct db_stmt *s = NULL;

	assert_int_equal(db_prepare(db, "SELEC 1", 0, &s), -1);
	assert_null(s);
	assert_true(strlen(db_error(db)) > 0);
	/* bad SQL recurs until a person acts. SQLite's SQLITE_ERROR has
	 * always been passing for the store (db_sqlite.c keeps its classes
	 * unchanged); PostgreSQL's 42601 is fatal */
	assert_int_equal(db_fault(db), db_kind(db) == DB_SQLITE ?
		DB_FAULT_PASSING : DB_FAULT_FATAL);
	assert_int_equal(db_prepare(db, "SELECT nosuch FROM nowhere", 0, &s),
	    -1);
	/* and the connection goes on */
	assert_int_equal(one_int(db, "SELECT 41 + 1"), 42);
	assert_int_equal(db_fault(db), DB_FAULT_NONE);
}

/*
 * A COMMIT after a failed statement: SQLite undid the statement alone
 * and commits the rest; PostgreSQL aborted the whole transaction and
 * answers COMMIT with ROLLBACK, which must not read as a commit to a
 * caller that acknowledges mail after it (db_pg.c, failed_commit()).
 */
static void
test_failed_commit(void **state)
{
	struct db *db = *state;
	struct db_stmt *commit;
	bool pg = db_kind(db) == DB_POSTGRESQL;

	run(db, "CREATE TABLE c (k TEXT PRIMARY KEY)");
	assert_int_equal(db_prepare(db, "COMMIT", DB_PREPARE_KEEP, &commit),
	    0);
	run(db, "BEGIN");
	run(db, "INSERT INTO c VALUES ('a')");
	assert_int_equal(db_exec(db, "INSERT INTO c VALUES ('a')"), -1);
	if (pg) {
		assert_int_equal(db_step(commit), DB_ERROR);
		assert_int_equal(db_fault(db), DB_FAULT_PASSING);
		assert_non_null(strstr(db_error(db), "rolled back"));
	} else {
		assert_int_equal(db_step(commit), DB_DONE);
	}
	db_reset(commit);
	assert_false(db_in_transaction(db));
	assert_int_equal(one_int(db, "SELECT count(*) FROM c"), pg ? 0 : 1);
	/* the same through db_exec(), and a good transaction commits */
	run(db, "BEGIN");
	run(db, "INSERT INTO c VALUES ('b')");
	assert_int_equal(db_exec(db, "INSERT INTO c VALUES ('b')"), -1);
	assert_int_equal(db_exec(db, " commit;"), pg ? -1 : 0);
	run(db, "BEGIN");
	run(db, "INSERT INTO c VALUES ('z')");
	assert_int_equal(db_step(commit), DB_DONE);
	db_finalize(&commit);
	assert_int_equal(one_int(db, "SELECT count(*) FROM c"), pg ? 1 : 3);
}

/*
 * A session the server ended (a restart, an administrator): every
 * statement fails as PASSING and db_lost() says so; db_reconnect()
 * opens a new one with the same settings, where new statements run.
 */
static void
test_reconnect(void **state)
{
	struct db *a = *state, *b;
	struct db_stmt *s;
	int64_t pid;
	char sql[64];

	if (db_kind(a) != DB_POSTGRESQL)
		skip(); /* a file is never lost */
	assert_false(db_lost(a));
	assert_int_equal(db_busy_timeout(a, 1234), 0);
	pid = one_int(a, "SELECT pg_backend_pid()");
	assert_int_equal(db_prepare(a, "SELECT 7", DB_PREPARE_KEEP, &s), 0);
	b = open_db();
	snprintf(sql, sizeof(sql), "SELECT pg_terminate_backend(%lld)",
	    (long long)pid);
	assert_int_equal(one_int(b, sql), 1);
	db_close(&b);
	assert_int_equal(db_step(s), DB_ERROR);
	assert_int_equal(db_fault(a), DB_FAULT_PASSING);
	assert_true(db_lost(a));
	db_finalize(&s);
	assert_int_equal(db_reconnect(a), 0);
	assert_false(db_lost(a));
	assert_true(one_int(a, "SELECT pg_backend_pid()") != pid);
	assert_int_equal(one_int(a, "SELECT 41 + 1"), 42);
	/* lock_timeout as it was set; it is in ms */
	assert_int_equal(one_int(a, "SELECT CAST(setting AS BIGINT) FROM"
	    " pg_settings WHERE name = 'lock_timeout'"), 1234);
}

/* A statement may outlive the db_close() of its connection. */
static void
test_close_order(void **state)
{
	struct db *db = *state;
	struct db_stmt *s;

	assert_int_equal(db_prepare(db, "SELECT 1", 0, &s), 0);
	assert_int_equal(db_step(s), DB_ROW);
	db_close(&db);
	*state = NULL;
	assert_null(db);
	db_finalize(&s);
	assert_null(s);
	db_finalize(&s); /* NULL is fine */
}

/* Issue 18 item 2: each due row taken by exactly one instance. */
static void
test_skip_locked(void **state)
{
	struct db *a = *state, *b;
	const char *sql = "SELECT k FROM q WHERE due <= ?1 ORDER BY k LIMIT 1"
			  " FOR UPDATE SKIP LOCKED";
	struct db_stmt *sa, *sb;

	if (db_kind(a) != DB_POSTGRESQL)
		skip(); /* SQLite has one writer: nothing to skip */
	run(a, "CREATE TABLE q (k TEXT PRIMARY KEY, due BIGINT);"
	       " INSERT INTO q VALUES ('a', 1), ('b', 1), ('c', 99)");
	b = open_db();
	run(a, "BEGIN");
	run(b, "BEGIN");
	assert_int_equal(db_prepare(a, sql, 0, &sa), 0);
	assert_int_equal(db_prepare(b, sql, 0, &sb), 0);
	assert_int_equal(db_bind_int64(sa, 1, 10), 0);
	assert_int_equal(db_bind_int64(sb, 1, 10), 0);
	assert_int_equal(db_step(sa), DB_ROW);
	assert_string_equal(db_column_text(sa, 0), "a");
	assert_int_equal(db_step(sb), DB_ROW);
	assert_string_equal(db_column_text(sb, 0), "b");
	/* b again: its own lock does not hide the row from itself */
	db_reset(sb);
	assert_int_equal(db_step(sb), DB_ROW);
	assert_string_equal(db_column_text(sb, 0), "b"); /* its own lock */
	db_finalize(&sa);
	db_finalize(&sb);
	run(a, "DELETE FROM q WHERE k = 'a'");
	run(a, "COMMIT");
	run(b, "DELETE FROM q WHERE k = 'b'");
	run(b, "COMMIT");
	db_close(&b);
	assert_int_equal(one_int(a, "SELECT count(*) FROM q"), 1);
}

/* How long db_pg_open(uri) took to fail, in seconds */
static double
failed_open_after(const char *uri)
{
	struct db *db = NULL;
	struct timespec t0, t1;
	enum db_fault fault;
	char *err = NULL;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(db_pg_open(uri, &db, &err, &fault), -1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_int_equal(fault, DB_FAULT_PASSING); /* the server may come */
	free(err);
	return (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
}

/*
 * A server that does not answer (a listening socket whose accept queue
 * is full: the kernel drops the SYNs that follow, and a connect waits
 * as for an unreachable host). The connect gives up after 10 s by
 * default instead of TCP's two minutes, after PGCONNECT_TIMEOUT when
 * that is set, and after the URI's connect_timeout above both
 * (db_pg.c, connect_uri()). alarm() ends a connect that hangs.
 */
static void
test_connect_timeout(void **state)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	socklen_t len = sizeof(sa);
	int l, c[4], i;
	char uri[128];
	double t;

	(void)state;
	if (pg_uri == NULL)
		skip(); /* a file is never waited for */
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true((l = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	assert_int_equal(bind(l, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(l, 0), 0);
	assert_int_equal(getsockname(l, (struct sockaddr *)&sa, &len), 0);
	for (i = 0; i < 4; i++) {
		c[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		assert_true(c[i] >= 0);
		(void)connect(c[i], (struct sockaddr *)&sa, sizeof(sa));
	}
	usleep(200 * 1000);
	alarm(40);
	unsetenv("PGCONNECT_TIMEOUT");
	snprintf(uri, sizeof(uri), "postgresql://bounced@127.0.0.1:%d/x",
	    ntohs(sa.sin_port));
	t = failed_open_after(uri);
	assert_true(t >= 8 && t < 20);
	setenv("PGCONNECT_TIMEOUT", "2", 1);
	t = failed_open_after(uri);
	assert_true(t >= 1.5 && t < 8);
	setenv("PGCONNECT_TIMEOUT", "60", 1);
	snprintf(uri, sizeof(uri), "postgresql://bounced@127.0.0.1:%d/x"
	    "?connect_timeout=2", ntohs(sa.sin_port));
	t = failed_open_after(uri);
	assert_true(t >= 1.5 && t < 8);
	alarm(0);
	unsetenv("PGCONNECT_TIMEOUT");
	for (i = 0; i < 4; i++)
		close(c[i]);
	close(l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_placeholders, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_null_empty, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_int64, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rows_reset, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_changes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_returning, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_blob, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rollback, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_busy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_syntax, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_commit, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_reconnect, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_close_order, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_skip_locked, setup,
		    teardown),
		cmocka_unit_test(test_connect_timeout),
	};
	int rc;

	pg_uri = getenv("BD_TEST_PG_URI");
	if (pg_uri != NULL && *pg_uri == '\0')
		pg_uri = NULL;
#ifndef BD_HAVE_LIBPQ
	if (pg_uri != NULL) {
		printf("SKIP: built without libpq\n");
		return 77;
	}
#endif
	if (pg_uri == NULL && mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	rc = cmocka_run_group_tests_name(pg_uri != NULL ? "db on PostgreSQL" :
	    "db on SQLite", tests, NULL, NULL);
	if (pg_uri == NULL) {
		unlink(path);
		snprintf(path, sizeof(path), "%s/t.db-wal", dir);
		unlink(path);
		snprintf(path, sizeof(path), "%s/t.db-shm", dir);
		unlink(path);
		rmdir(dir);
	}
	return rc;
}
