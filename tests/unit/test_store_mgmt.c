/*
 * storage/store_mgmt.c (issue 15 items 4 and 5): bulk decisions, keyset
 * pages, attribution, on a real SQLite file in a fresh directory through
 * store.h and store_mgmt.h; raw SQL only reads rows they do not show.
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

#include "storage/store.h"
#include "storage/store_mgmt.h"
#include "storage/store_private.h"
#include "pg_reset.h"

#define T0 1700000000 /* 2023-11-14T22:13:20Z */

struct fx {
	char dir[PATH_MAX];
	char path[PATH_MAX + 16];
	struct store *st;
};

/* BD_TEST_PG_URI: the PostgreSQL the tests run on, or NULL for SQLite */
static const char *pg_uri;

/* Raw SQL through db.h, either backend: -1 for NULL */
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

/* The one text sql returns into buf ("NULL" for NULL). */
static const char *
sql_text(struct store *st, const char *sql, char *buf, size_t size)
{
	struct db_stmt *stmt;
	const char *s;

	if (db_prepare(st->db, sql, 0, &stmt) != 0)
		fail_msg("%s: %s", sql, db_error(st->db));
	if (db_step(stmt) != DB_ROW)
		fail_msg("%s: no row: %s", sql, db_error(st->db));
	s = db_column_text(stmt, 0);
	snprintf(buf, size, "%s", s != NULL ? s : "NULL");
	db_finalize(&stmt);
	return buf;
}

static void
sql_exec(struct store *st, const char *sql)
{
	if (db_exec(st->db, sql) != 0)
		fail_msg("%s: %s", sql, db_error(st->db));
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	const char *base = getenv("TMPDIR");
	char *err = NULL;

	snprintf(f->dir, sizeof(f->dir), "%s/test_store_mgmt.XXXXXX",
	    base != NULL ? base : "/tmp");
	if (mkdtemp(f->dir) == NULL) {
		free(f);
		return -1;
	}
	if (pg_uri != NULL) {
		snprintf(f->path, sizeof(f->path), "%s", pg_uri);
		if (pg_reset(pg_uri) == -1) {
			rmdir(f->dir);
			free(f);
			return -1;
		}
	} else
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

	store_close(&f->st);
	for (size_t i = 0; pg_uri == NULL && i < 3; i++) {
		snprintf(p, sizeof(p), "%s%s", f->path, sfx[i]);
		unlink(p);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

/* ---- rows for store_override_many() ---- */

struct feed {
	const struct store_override_in *rows;
	size_t n, i;
	int fail_at; /* -1 at this index, or -1: never */
};

static int
feed_next(void *ctx, struct store_override_in *in)
{
	struct feed *fd = ctx;

	if (fd->fail_at >= 0 && fd->i == (size_t)fd->fail_at)
		return -1;
	if (fd->i >= fd->n)
		return 0;
	*in = fd->rows[fd->i++];
	return 1;
}

static void
test_many_suppress(void **state)
{
	struct fx *f = *state;
	const struct store_override_in rows[] = {
	    {"b@example.org", OVERRIDE_SUPPRESSED, "unsubscribed", "csv", NULL},
	    {"a@example.org", OVERRIDE_SUPPRESSED, NULL, NULL, "550 no such"},
	    /* a second row of one address: the first counts */
	    {"b@example.org", OVERRIDE_SUPPRESSED, "other", NULL, NULL},
	    {"c@example.net", OVERRIDE_SUPPRESSED, NULL, NULL, NULL},
	};
	struct feed fd = {rows, 4, 0, -1};
	struct store_override_counts c;
	char buf[256];

	assert_int_equal(store_override_many(f->st, OVERRIDE_SUPPRESSED,
			     feed_next, &fd, T0, &c),
	    0);
	assert_int_equal(c.applied, 3);
	assert_int_equal(c.already, 1);
	assert_int_equal(sql_int(f->st, "SELECT count(*) FROM recipients"
					" WHERE state = 'suppressed' AND"
					" override = 'suppressed'"),
	    3);
	assert_int_equal(sql_int(f->st, "SELECT count(*) FROM overrides"), 3);
	assert_string_equal(sql_text(f->st,
				"SELECT reason || '/' || source FROM overrides"
				" WHERE address = 'b@example.org'",
				buf, sizeof(buf)),
	    "unsubscribed/csv");
	assert_string_equal(sql_text(f->st,
				"SELECT note FROM overrides"
				" WHERE address = 'a@example.org'",
				buf, sizeof(buf)),
	    "550 no such");
	assert_string_equal(sql_text(f->st,
				"SELECT domain FROM recipients"
				" WHERE address = 'c@example.net'",
				buf, sizeof(buf)),
	    "example.net");
	/* the temporary table is gone, the connection back to normal */
	assert_int_equal(sql_int(f->st, pg_uri != NULL ?
	    "SELECT count(*) FROM pg_tables WHERE tablename = 'store_import'" :
	    "SELECT count(*) FROM temp.sqlite_master"
	    " WHERE name = 'store_import'"), 0);
	if (pg_uri == NULL)
		assert_int_equal(sql_int(f->st, "PRAGMA main.cache_size"),
		    -8192);

	/* run twice: nothing written again */
	fd.i = 0;
	assert_int_equal(store_override_many(f->st, OVERRIDE_SUPPRESSED,
			     feed_next, &fd, T0 + 10, &c),
	    0);
	assert_int_equal(c.applied, 0);
	assert_int_equal(c.already, 4);
	assert_int_equal(sql_int(f->st, "SELECT count(*) FROM overrides"), 3);
}

/* A bounce-suppressed address gets the person's decision on top; an
 * address a person suppressed already does not. */
static void
test_many_already(void **state)
{
	struct fx *f = *state;
	struct recipient r;
	const struct store_override_in rows[] = {
	    {"bounced@example.org", OVERRIDE_SUPPRESSED, NULL, NULL, NULL},
	    {"person@example.org", OVERRIDE_SUPPRESSED, NULL, NULL, NULL},
	};
	struct feed fd = {rows, 2, 0, -1};
	struct store_override_counts c;

	memset(&r, 0, sizeof(r));
	snprintf(r.address, sizeof(r.address), "bounced@example.org");
	snprintf(r.domain, sizeof(r.domain), "example.org");
	r.state = STATE_SUPPRESSED;
	r.reason = REASON_USERUNKNOWN;
	r.suppressed_at = T0 - 100;
	r.bounce_count = 1;
	assert_int_equal(store_recipient_put(f->st, &r), 0);
	assert_int_equal(store_override(f->st, "person@example.org",
			     OVERRIDE_SUPPRESSED, T0 - 50, "by hand"),
	    0);
	assert_int_equal(store_override_many(f->st, OVERRIDE_SUPPRESSED,
			     feed_next, &fd, T0, &c),
	    0);
	assert_int_equal(c.applied, 1);
	assert_int_equal(c.already, 1);
	assert_int_equal(
	    store_recipient_get(f->st, "bounced@example.org", &r), 1);
	assert_int_equal(r.override, OVERRIDE_SUPPRESSED);
	assert_int_equal(r.suppressed_at, T0 - 100); /* kept */
	assert_int_equal(r.reason, REASON_USERUNKNOWN);
}

static void
test_many_unsuppress(void **state)
{
	struct fx *f = *state;
	const struct store_override_in sup[] = {
	    {"a@example.org", OVERRIDE_SUPPRESSED, NULL, NULL, NULL},
	    {"b@example.org", OVERRIDE_SUPPRESSED, NULL, NULL, NULL},
	};
	const struct store_override_in uns[] = {
	    {"a@example.org", OVERRIDE_UNSUPPRESSED, "resubscribed", NULL,
		NULL},
	    {"new@example.org", OVERRIDE_UNSUPPRESSED, NULL, NULL, NULL},
	};
	struct feed fd = {sup, 2, 0, -1};
	struct store_override_counts c;
	struct recipient r;

	assert_int_equal(store_override_many(f->st, OVERRIDE_SUPPRESSED,
			     feed_next, &fd, T0, &c),
	    0);
	fd = (struct feed){uns, 2, 0, -1};
	assert_int_equal(store_override_many(f->st, OVERRIDE_UNSUPPRESSED,
			     feed_next, &fd, T0 + 1, &c),
	    0);
	assert_int_equal(c.applied, 2);
	assert_int_equal(store_recipient_get(f->st, "a@example.org", &r), 1);
	assert_int_equal(r.state, STATE_ACTIVE);
	assert_int_equal(r.override, OVERRIDE_UNSUPPRESSED);
	assert_int_equal(store_recipient_get(f->st, "b@example.org", &r), 1);
	assert_int_equal(r.state, STATE_SUPPRESSED);
	assert_int_equal(sql_int(f->st, "SELECT count(*) FROM overrides WHERE"
					" action = 'unsuppressed'"),
	    2);
}

/* next() failing half-way keeps nothing: one transaction */
static void
test_many_abandoned(void **state)
{
	struct fx *f = *state;
	const struct store_override_in rows[] = {
	    {"a@example.org", OVERRIDE_SUPPRESSED, NULL, NULL, NULL},
	    {"b@example.org", OVERRIDE_SUPPRESSED, NULL, NULL, NULL},
	};
	struct feed fd = {rows, 2, 0, 1};
	struct store_override_counts c;

	assert_int_equal(store_override_many(f->st, OVERRIDE_SUPPRESSED,
			     feed_next, &fd, T0, &c),
	    -1);
	assert_int_equal(c.applied, 0);
	assert_int_equal(sql_int(f->st, "SELECT count(*) FROM recipients"), 0);
	assert_int_equal(sql_int(f->st, "SELECT count(*) FROM overrides"), 0);
	/* and the next import works */
	fd = (struct feed){rows, 2, 0, -1};
	assert_int_equal(store_override_many(f->st, OVERRIDE_SUPPRESSED,
			     feed_next, &fd, T0, &c),
	    0);
	assert_int_equal(c.applied, 2);
}

/* bouncectl suppress ADDR --reason --source: the same row */
static void
test_override_ex(void **state)
{
	struct fx *f = *state;
	struct store_override_in in = {"a@example.org", OVERRIDE_SUPPRESSED,
	    "complaint by phone", "support", "ticket 7"};
	char buf[256];

	assert_int_equal(store_override_ex(f->st, &in, T0), 0);
	assert_string_equal(sql_text(f->st,
				"SELECT reason || '|' || source || '|' || note"
				" FROM overrides",
				buf, sizeof(buf)),
	    "complaint by phone|support|ticket 7");
	in.address = "no-at-sign";
	assert_int_equal(store_override_ex(f->st, &in, T0), -1);
}

/* ---- keyset pages ---- */

/* u000@example.org .. */
static void
suppress_n(struct store *st, int from, int to)
{
	char a[64];

	for (int i = from; i < to; i++) {
		snprintf(a, sizeof(a), "u%03d@example.org", i);
		assert_int_equal(
		    store_override(st, a, OVERRIDE_SUPPRESSED, T0, NULL), 0);
	}
}

/*
 * Every row there before the first page is seen exactly once, in order,
 * while rows are added before and after the cursor between pages.
 */
static void
test_pages(void **state)
{
	struct fx *f = *state;
	struct store_list_filter flt = {0};
	struct store_rows *rows;
	char cursor[STORE_ADDR_MAX + 1] = "", prev[STORE_ADDR_MAX + 1] = "";
	int seen[100] = {0}, n, pages = 0, i;
	const char *addr;

	suppress_n(f->st, 0, 200);
	/* start with the even half only: the odd ones come between pages */
	sql_exec(f->st, "DELETE FROM recipients WHERE"
	    " CAST(substr(address, 2, 3) AS INTEGER) % 2 = 1");
	for (;;) {
		assert_int_equal(
		    store_query_list_page(f->st, &flt, cursor, 7, &rows), 0);
		n = 0;
		while (store_rows_next(rows) == 1) {
			addr = store_rows_text(rows, 0);
			assert_true(strcmp(addr, prev) > 0);
			snprintf(prev, sizeof(prev), "%s", addr);
			i = atoi(addr + 1);
			if (i % 2 == 0) {
				assert_int_equal(seen[i / 2], 0);
				seen[i / 2]++;
			}
			n++;
		}
		if (n > 0)
			snprintf(cursor, sizeof(cursor), "%s",
			    store_rows_last_key(rows));
		else
			assert_null(store_rows_last_key(rows));
		store_rows_free(&rows);
		if (n < 7)
			break;
		/* between pages: an odd one before and one after */
		pages++;
		suppress_n(f->st, pages * 14 - 13, pages * 14 - 12);
		suppress_n(f->st, 199 - pages * 2, 200 - pages * 2);
	}
	for (i = 0; i < 100; i++)
		assert_int_equal(seen[i], 1);
	/* filters hold on a page; a bad limit is refused */
	flt.state = "active";
	assert_int_equal(store_query_list_page(f->st, &flt, NULL, 5, &rows), 0);
	assert_int_equal(store_rows_next(rows), 0);
	store_rows_free(&rows);
	assert_int_equal(
	    store_query_list_page(f->st, &flt, NULL, 0, &rows), -1);
}

/* ---- attribution ---- */

static int64_t
add_message(struct store *st, const char *sha)
{
	struct store_message m = {.sha256 = sha,
	    .source_ref = "new/1",
	    .outcome = STORE_BOUNCE,
	    .processed_at = T0,
	    .authenticity = AUTH_COUNT};
	int64_t id;

	assert_int_equal(store_message_add(st, &m, &id), 0);
	return id;
}

static void
test_attribution(void **state)
{
	struct fx *f = *state;
	struct store_attribution a = {.from = "news@example.com",
	    .sender = "bounces@example.com",
	    .envelope_id = "env-1",
	    .subject = "Grüße \"quoted\"",
	    .list_id = "news.example.com",
	    .campaign = "spring-26",
	    .names = {"X-Campaign-Id", "X-Mailer"},
	    .values = {"spring-26", "a\\b"},
	    .nheaders = 2,
	    .from_sent = true};
	struct store_attribution none = {0};
	int64_t id = add_message(f->st, "aa"), id2 = add_message(f->st, "bb");
	char buf[512];

	assert_int_equal(store_message_attribution(f->st, id, &a), 0);
	assert_int_equal(store_message_attribution(f->st, id2, &none), 0);
	assert_string_equal(sql_text(f->st,
				"SELECT original_from || '|' || original_sender"
				" || '|' || original_envelope_id || '|' ||"
				" original_subject || '|' || original_list_id"
				" || '|' || campaign || '|' || attribution"
				" FROM messages WHERE id = 1",
				buf, sizeof(buf)),
	    "news@example.com|bounces@example.com|env-1|Grüße \"quoted\"|"
	    "news.example.com|spring-26|sent");
	/* the headers are JSON the database can read */
	assert_string_equal(sql_text(f->st, pg_uri != NULL ?
	    "SELECT CAST(original_headers AS json) ->> 'X-Mailer' FROM"
	    " messages WHERE id = 1" :
	    "SELECT json_extract(original_headers, '$.X-Mailer') FROM"
	    " messages WHERE id = 1", buf, sizeof(buf)), "a\\b");
	assert_string_equal(
	    sql_text(f->st, "SELECT attribution FROM messages WHERE id = 2",
		buf, sizeof(buf)),
	    "NULL");
}

static void
test_sent_head(void **state)
{
	struct fx *f = *state;
	static const char body[] = "From: a@example.com\nSubject: x\n\nbody";
	const char *rcpts[] = {"r@example.org"};
	struct store_sent s = {.sha256 = "cc",
	    .source_ref = "1.M1",
	    .message_id = "<m1@example.com>",
	    .sent_at = T0,
	    .indexed_at = T0,
	    .body = body,
	    .len = sizeof(body) - 1,
	    .rcpts = rcpts,
	    .nrcpts = 1};
	unsigned char *buf;
	size_t len;
	int64_t id;

	assert_int_equal(store_sent_add(f->st, &s, &id), 0);
	assert_int_equal(
	    store_sent_head(f->st, " <m1@example.com> ", 10, &buf, &len), 1);
	assert_int_equal(len, 10);
	assert_memory_equal(buf, "From: a@ex", 10);
	free(buf);
	assert_int_equal(
	    store_sent_head(f->st, "m1@example.com", 1000, &buf, &len), 1);
	assert_int_equal(len, sizeof(body) - 1);
	free(buf);
	assert_int_equal(
	    store_sent_head(f->st, "<other@example.com>", 10, &buf, &len), 0);
	assert_null(buf);
	assert_int_equal(store_sent_head(f->st, "<>", 10, &buf, &len), 0);
}

/* stats --by sender and campaign join bounces to their message */
static void
test_stats_by(void **state)
{
	struct fx *f = *state;
	struct store_attribution a = {
	    .from = "news@example.com", .campaign = "c1"};
	struct store_bounce b = {.recipient = "r@example.org",
	    .hard = true,
	    .reason = REASON_USERUNKNOWN,
	    .cls = CLASS_PERMANENT,
	    .remote_mta = "mx.example.org",
	    .authenticity = AUTH_COUNT,
	    .effect = EFFECT_RECORDED,
	    .at = T0};
	struct store_rows *rows;
	int64_t m1 = add_message(f->st, "m1"), m2 = add_message(f->st, "m2");

	assert_int_equal(store_message_attribution(f->st, m1, &a), 0);
	assert_int_equal(store_bounce_add(f->st, m1, &b, NULL), 0);
	b.recipient = "s@example.org";
	assert_int_equal(store_bounce_add(f->st, m1, &b, NULL), 0);
	assert_int_equal(store_bounce_add(f->st, m2, &b, NULL), 0);

	assert_int_equal(store_query_stats(f->st, STATS_CAMPAIGN, 0, &rows), 0);
	assert_string_equal(store_rows_name(rows, 0), "campaign");
	assert_int_equal(store_rows_next(rows), 1);
	assert_string_equal(store_rows_text(rows, 0), "c1");
	assert_string_equal(store_rows_text(rows, 1), "2");
	assert_int_equal(store_rows_next(rows), 1);
	assert_null(store_rows_text(rows, 0)); /* no campaign */
	assert_string_equal(store_rows_text(rows, 1), "1");
	assert_int_equal(store_rows_next(rows), 0);
	store_rows_free(&rows);

	assert_int_equal(store_query_stats(f->st, STATS_SENDER, T0, &rows), 0);
	assert_string_equal(store_rows_name(rows, 0), "original_from");
	assert_int_equal(store_rows_next(rows), 1);
	assert_string_equal(store_rows_text(rows, 0), "news@example.com");
	store_rows_free(&rows);

	assert_int_equal(
	    store_query_stats(f->st, STATS_REMOTE_MTA, 0, &rows), 0);
	assert_int_equal(store_rows_next(rows), 1);
	assert_string_equal(store_rows_text(rows, 0), "mx.example.org");
	assert_string_equal(store_rows_text(rows, 1), "3");
	store_rows_free(&rows);
}

/* The step before: rows of the older schema survive, the new columns
 * are NULL (the lead renumbers steps at merge: never a literal here) */
static void
test_migrate(void **state)
{
	struct fx *f = *state;
	char *err = NULL, path[PATH_MAX + 32];
	struct store *st;
	char buf[64];

	snprintf(path, sizeof(path), "%s/old.db", f->dir);
	assert_int_equal(
	    store_create_at_version(path, STORE_SCHEMA_VERSION - 1, &err), 0);
	assert_int_equal(store_open_at(path, STORE_RDWR,
			     STORE_SCHEMA_VERSION - 1, &st, &err),
	    0);
	sql_exec(st, "INSERT INTO messages (sha256, source_ref, outcome,"
	    " processed_at) VALUES ('m', 'new/1', 'bounce', 1);"
	    "INSERT INTO overrides (address, action, at, note)"
	    " VALUES ('a@example.org', 'suppressed', 1, 'n');");
	store_close(&st);
	assert_int_equal(store_open(path, STORE_RDWR, &st, &err), 0);
	assert_int_equal(store_schema_version(st), STORE_SCHEMA_VERSION);
	assert_string_equal(sql_text(st,
				"SELECT quote(original_from) || quote(campaign)"
				" || quote(attribution) FROM messages",
				buf, sizeof(buf)),
	    "NULLNULLNULL");
	assert_string_equal(sql_text(st,
				"SELECT note || quote(reason) || quote(source)"
				" FROM overrides",
				buf, sizeof(buf)),
	    "nNULLNULL");
	store_close(&st);
	for (const char *sfx = ""; sfx != NULL; sfx = *sfx == '\0' ? "-wal"
						      : strcmp(sfx, "-wal") == 0
							  ? "-shm"
							  : NULL) {
		snprintf(path, sizeof(path), "%s/old.db%s", f->dir, sfx);
		unlink(path);
	}
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_many_suppress),
	    T(test_many_already),
	    T(test_many_unsuppress),
	    T(test_many_abandoned),
	    T(test_override_ex),
	    T(test_pages),
	    T(test_attribution),
	    T(test_sent_head),
	    T(test_stats_by),
	    T(test_migrate),
	};

	/* on PostgreSQL all but the migration from SQLite's previous
	 * version (PostgreSQL starts at its current one) */
	const struct CMUnitTest pg_tests[] = {
	    T(test_many_suppress),
	    T(test_many_already),
	    T(test_many_unsuppress),
	    T(test_many_abandoned),
	    T(test_override_ex),
	    T(test_pages),
	    T(test_attribution),
	    T(test_sent_head),
	    T(test_stats_by),
	};
	int rc;

	pg_uri = getenv("BD_TEST_PG_URI");
	if (pg_uri == NULL || *pg_uri == '\0') {
		pg_uri = NULL;
		return cmocka_run_group_tests(tests, NULL, NULL);
	}
	if ((rc = pg_reachable(pg_uri)) != 0)
		return rc;
	return cmocka_run_group_tests_name("store_mgmt on PostgreSQL",
	    pg_tests, NULL, NULL);
}
