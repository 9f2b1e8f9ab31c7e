/*
 * storage/store_sent.c: the record of what we sent (schema v5), on a real
 * SQLite file in a fresh directory, through store.h; raw SQL only counts
 * rows that store.h does not show.
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

#include "storage/store.h"
#include "storage/store_private.h"

#define DAY 86400
#define T0  1700000000 /* 2023-11-14T22:13:20Z */

#define SHA_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define SHA_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define SHA_C "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"

struct fx {
	char dir[PATH_MAX];
	char path[PATH_MAX + 16];
	struct store *st;
};

static int64_t
sql_int(struct store *st, const char *sql)
{
	sqlite3_stmt *stmt;
	int64_t v;

	assert_int_equal(
	    sqlite3_prepare_v2(store_db(st), sql, -1, &stmt, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	v = sqlite3_column_type(stmt, 0) == SQLITE_NULL
		? -1
		: sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return v;
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	const char *base = getenv("TMPDIR");
	char *err = NULL;

	snprintf(f->dir, sizeof(f->dir), "%s/test_store_sent.XXXXXX",
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

/* Adds a copy; returns its id. */
static int64_t
add(struct store *st, const char *sha, const char *mid, const void *body,
    size_t len, const char *const *rcpts, size_t n, int64_t at)
{
	struct store_sent s = {.sha256 = sha,
	    .source_ref = "1.M1P1Q1.host",
	    .message_id = mid,
	    .sent_at = at - 5,
	    .indexed_at = at,
	    .body = body,
	    .len = len,
	    .rcpts = rcpts,
	    .nrcpts = n};
	int64_t id = 0;

	assert_int_equal(store_sent_add(st, &s, &id), 0);
	assert_true(id > 0);
	return id;
}

static const char *const rcpts_a[] = {"alice@example.org", "bob@example.net"};

static void
test_add_find(void **state)
{
	struct fx *f = *state;
	int64_t id, got = 0;

	assert_int_equal(store_sent_find(f->st, SHA_A, &got), 0);
	id = add(f->st, SHA_A, "m1@example.org", "x", 1, rcpts_a, 2, T0);
	assert_int_equal(store_sent_find(f->st, SHA_A, &got), 1);
	assert_int_equal(got, id);
	assert_int_equal(store_sent_find(f->st, SHA_B, &got), 0);
	assert_int_equal(
	    sql_int(f->st, "SELECT count(*) FROM sent_recipients"), 2);
	assert_int_equal(
	    sql_int(f->st, "SELECT sent_at FROM sent_messages"), T0 - 5);
	/* the same bytes twice: the caller finds first; a second insert is
	 * an error and leaves nothing behind */
	{
		struct store_sent s = {.sha256 = SHA_A,
		    .source_ref = "r",
		    .indexed_at = T0,
		    .body = "x",
		    .len = 1};

		assert_int_equal(store_sent_add(f->st, &s, &got), -1);
	}
	assert_int_equal(
	    sql_int(f->st, "SELECT count(*) FROM sent_messages"), 1);
	assert_int_equal(
	    sql_int(f->st, "SELECT count(*) FROM sent_recipients"), 2);
}

static void
test_match(void **state)
{
	static const char *const rcpts_b[] = {"alice@example.org"};
	struct fx *f = *state;
	int64_t a, b, got = 0;

	a = add(f->st, SHA_A, "m1@example.org", "x", 1, rcpts_a, 2, T0);
	assert_int_equal(store_sent_match(f->st, "m1@example.org",
			     "alice@example.org", &got),
	    1);
	assert_int_equal(got, a);
	assert_int_equal(
	    store_sent_match(f->st, "m1@example.org", "bob@example.net", &got),
	    1);
	/* the bounce side's form, with <>, and an address in capitals */
	got = 0;
	assert_int_equal(store_sent_match(f->st, "<m1@example.org>",
			     "Bob@Example.NET", &got),
	    1);
	assert_int_equal(got, a);
	/* not a recipient; another Message-ID; nothing */
	assert_int_equal(store_sent_match(f->st, "m1@example.org",
			     "carol@example.org", &got),
	    0);
	assert_int_equal(store_sent_match(f->st, "m2@example.org",
			     "alice@example.org", &got),
	    0);
	assert_int_equal(
	    store_sent_match(f->st, NULL, "alice@example.org", &got), 0);
	assert_int_equal(
	    store_sent_match(f->st, "<>", "alice@example.org", &got), 0);
	assert_int_equal(
	    store_sent_match(f->st, "m1@example.org", "", &got), 0);
	/* a copy without a Message-ID is kept, and matches nothing */
	add(f->st, SHA_C, NULL, "z", 1, rcpts_b, 1, T0);
	assert_int_equal(sql_int(f->st, "SELECT count(*) FROM sent_messages"
					" WHERE message_id IS NULL"),
	    1);
	/* stored without <> whatever the caller gave; the newest copy of a
	 * Message-ID sent twice answers */
	b = add(
	    f->st, SHA_B, " <m1@example.org> ", "y", 1, rcpts_b, 1, T0 + 60);
	assert_int_equal(sql_int(f->st, "SELECT count(*) FROM sent_messages"
					" WHERE message_id = 'm1@example.org'"),
	    2);
	assert_int_equal(store_sent_match(f->st, "m1@example.org",
			     "alice@example.org", &got),
	    1);
	assert_int_equal(got, b);
	assert_int_equal(
	    store_sent_match(f->st, "m1@example.org", "bob@example.net", &got),
	    1);
	assert_int_equal(got, a);
}

static void
test_body(void **state)
{
	static const unsigned char raw[] = "Message-ID: <n@x>\r\n"
					   "To: a@x\r\n\r\n\0body\0\r\n\xff";
	struct fx *f = *state;
	unsigned char *buf = NULL;
	size_t len = 0;
	int64_t id, empty;

	id = add(f->st, SHA_A, "n@x", raw, sizeof(raw), NULL, 0, T0);
	assert_int_equal(store_sent_body(f->st, id, &buf, &len), 1);
	assert_int_equal(len, sizeof(raw));
	assert_memory_equal(buf, raw, sizeof(raw));
	assert_int_equal(buf[len], '\0');
	free(buf);
	empty = add(f->st, SHA_B, NULL, NULL, 0, NULL, 0, T0);
	assert_int_equal(store_sent_body(f->st, empty, &buf, &len), 1);
	assert_int_equal(len, 0);
	free(buf);
	assert_int_equal(store_sent_body(f->st, id + 100, &buf, &len), 0);
	assert_null(buf);
	assert_int_equal(len, 0);
}

static void
test_expire(void **state)
{
	static const char *const rcpts_c[] = {"carol@example.org"};
	struct fx *f = *state;
	int64_t old, young, got = 0, n = -1;
	unsigned char *buf;
	size_t len;

	old = add(f->st, SHA_A, "old@x", "o", 1, rcpts_a, 2, T0);
	young = add(f->st, SHA_B, "young@x", "y", 1, rcpts_c, 1, T0 + DAY);
	assert_int_equal(store_sent_expire(f->st, T0, &n), 0);
	assert_int_equal(n, 0); /* "before": not at */
	assert_int_equal(store_sent_expire(f->st, T0 + 1, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(store_sent_find(f->st, SHA_A, &got), 0);
	assert_int_equal(
	    store_sent_match(f->st, "old@x", "alice@example.org", &got), 0);
	assert_int_equal(store_sent_body(f->st, old, &buf, &len), 0);
	assert_int_equal(
	    sql_int(f->st, "SELECT count(*) FROM sent_recipients"), 1);
	assert_int_equal(
	    store_sent_match(f->st, "young@x", "carol@example.org", &got), 1);
	assert_int_equal(got, young);
	/* inside a caller's transaction: a savepoint, undone with it */
	assert_int_equal(store_begin(f->st), 0);
	assert_int_equal(store_sent_expire(f->st, T0 + 2 * DAY, &n), 0);
	assert_int_equal(n, 1);
	store_rollback(f->st);
	assert_int_equal(
	    sql_int(f->st, "SELECT count(*) FROM sent_messages"), 1);
	assert_int_equal(store_sent_expire(f->st, T0 + 2 * DAY, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(
	    sql_int(f->st, "SELECT count(*) FROM sent_messages"), 0);
	assert_int_equal(
	    sql_int(f->st, "SELECT count(*) FROM sent_recipients"), 0);
}

/* In the daemon's batch transaction, several copies commit together. */
static void
test_batch(void **state)
{
	struct fx *f = *state;
	int64_t got;

	assert_int_equal(store_begin(f->st), 0);
	add(f->st, SHA_A, "a@x", "a", 1, rcpts_a, 2, T0);
	assert_int_equal(store_sent_find(f->st, SHA_A, &got), 1);
	add(f->st, SHA_B, "b@x", "b", 1, rcpts_a, 1, T0);
	store_rollback(f->st);
	assert_int_equal(store_sent_find(f->st, SHA_A, &got), 0);
	assert_int_equal(store_begin(f->st), 0);
	add(f->st, SHA_A, "a@x", "a", 1, rcpts_a, 2, T0);
	add(f->st, SHA_B, "b@x", "b", 1, rcpts_a, 1, T0);
	assert_int_equal(store_commit(f->st), 0);
	assert_int_equal(
	    sql_int(f->st, "SELECT count(*) FROM sent_recipients"), 3);
}

/* bouncectl sent: by Message-ID (<> optional) or by address. */
static void
test_query(void **state)
{
	static const char *const rcpts_b[] = {"alice@example.org"};
	static const char *const names[] = {
	    "id", "message_id", "sent_at", "recipients"};
	struct fx *f = *state;
	struct store_rows *rows;
	int64_t a, b;
	unsigned i;

	a = add(f->st, SHA_A, "m1@example.org", "x", 1, rcpts_a, 2, T0);
	b = add(f->st, SHA_B, NULL, "y", 1, rcpts_b, 1, T0 + 5);
	assert_int_equal(store_query_sent(f->st, "<m1@example.org>", &rows), 0);
	assert_int_equal(store_rows_ncols(rows), 4);
	for (i = 0; i < 4; i++)
		assert_string_equal(store_rows_name(rows, i), names[i]);
	assert_int_equal(store_rows_next(rows), 1);
	assert_int_equal(atoll(store_rows_text(rows, 0)), a);
	assert_string_equal(store_rows_text(rows, 1), "m1@example.org");
	assert_string_equal(store_rows_text(rows, 2), "2023-11-14T22:13:15Z");
	assert_string_equal(store_rows_text(rows, 3), "2");
	assert_int_equal(store_rows_next(rows), 0);
	store_rows_free(&rows);
	/* an address: newest first */
	assert_int_equal(
	    store_query_sent(f->st, "Alice@Example.org", &rows), 0);
	assert_int_equal(store_rows_next(rows), 1);
	assert_int_equal(atoll(store_rows_text(rows, 0)), b);
	assert_null(store_rows_text(rows, 1));
	assert_string_equal(store_rows_text(rows, 3), "1");
	assert_int_equal(store_rows_next(rows), 1);
	assert_int_equal(atoll(store_rows_text(rows, 0)), a);
	assert_int_equal(store_rows_next(rows), 0);
	store_rows_free(&rows);
	assert_int_equal(
	    store_query_sent(f->st, "nobody@example.org", &rows), 0);
	assert_int_equal(store_rows_next(rows), 0);
	store_rows_free(&rows);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_add_find),
	    T(test_match),
	    T(test_body),
	    T(test_expire),
	    T(test_batch),
	    T(test_query),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
