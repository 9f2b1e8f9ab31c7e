/*
 * bouncectl forget (issue 15 item 6; docs/schema.md "Forgetting an
 * address"): every row that names an address goes, in one transaction,
 * and its keyed hash stays in forgotten.
 *
 * Two parts. forget_steps[] below is THE list of what is erased on
 * purpose, table by table (extend it when a table keys rows by an
 * address: the row goes, not only the text). Then a sweep over every
 * TEXT and BLOB column of every table, read from sqlite_master and
 * pragma_table_info, replaces each remaining mention of the address
 * (in a diagnostic, a file name, a JSON payload of a table added later)
 * by "[forgotten]", so that a table nobody listed is covered too.
 *
 * A mention is the address as a whole, ASCII case-insensitive: not
 * inside a longer address (erasing "b@x.org" leaves "ab@x.org" alone),
 * which the boundary test in contains() decides. Encoded forms (quoted-
 * printable "=40", base64, RFC 2047) inside stored bodies are not
 * found; the rows that hold bodies for the address go whole instead.
 */
#include <sqlite3.h> /* SQLite only: the application functions below */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/strutil.h"
#include "common/xmalloc.h"
#include "store_private.h"
#include "forget_private.h"

#define REDACTED FORGET_REDACTED

/* ?1 = the address (lower case), ?2 = its hash, ?3 = now */
struct forget_step {
	const char *what; /* for the caller's report */
	const char *sql;
};

static const struct forget_step forget_steps[] = {
    /* the metrics' totals keep counting what goes (store_upkeep.c) */
    {NULL, "INSERT INTO purged_counts (kind, a, b, n) SELECT 'bounces',"
	   " COALESCE(reason, ''), COALESCE(class, ''), count(*) FROM bounces"
	   " WHERE recipient = ?1 OR original_recipient = ?1 GROUP BY 2, 3"
	   " ON CONFLICT (kind, a, b) DO UPDATE SET n = purged_counts.n +"
	   " excluded.n"},
    /* the envelope of the messages that bounced for it: a signed
     * return path holds the address in VERP form (common/verp.h),
     * which the sweep below does not see; an ENVID may too */
    {NULL, "UPDATE messages SET original_sender = NULL,"
	   " original_envelope_id = NULL WHERE id IN (SELECT message FROM"
	   " bounces WHERE recipient = ?1 OR original_recipient = ?1)"},
    {"bounces", "DELETE FROM bounces"
		" WHERE recipient = ?1 OR original_recipient = ?1"},
    {"recipients", "DELETE FROM recipients WHERE address = ?1"},
    {"overrides", "DELETE FROM overrides WHERE address = ?1"},
    {"resend_attempts", "DELETE FROM resend_attempts WHERE resend IN"
			" (SELECT id FROM resends WHERE recipient = ?1)"},
    {NULL, "UPDATE bounces SET resend = NULL WHERE resend IN"
	   " (SELECT id FROM resends WHERE recipient = ?1)"},
    /* its stored originals that no other recipient's resend uses
     * (foreign keys are deferred: the resends go next) */
    {"resend_originals",
	"DELETE FROM resend_originals WHERE id IN (SELECT original FROM"
	" resends WHERE recipient = ?1) AND NOT EXISTS (SELECT 1 FROM"
	" resends r WHERE r.original = resend_originals.id"
	" AND r.recipient <> ?1)"},
    {"resends", "DELETE FROM resends WHERE recipient = ?1"},
    {"sent_recipients", "DELETE FROM sent_recipients WHERE address = ?1"},
    /* the outbox's events about it, delivered or not, with their
     * deliveries (ON DELETE CASCADE): an application is not told about
     * an address that is forgotten; AUTOINCREMENT keeps the sinks'
     * cursors meaningful (docs/schema.md, events) */
    {"events", "DELETE FROM events WHERE address = ?1"},
    {NULL, "INSERT INTO forgotten (hash, at) VALUES (?2, ?3)"
	" ON CONFLICT DO NOTHING"},
};

/*
 * Rows that go whole when a column of theirs names the address: a stored
 * body is not redacted, it would no longer be what was sent. before runs
 * first with ?1 = the row's id (what refers to it).
 */
struct forget_whole {
	const char *table, *column, *before;
};

static const struct forget_whole forget_whole[] = {
    {"sent_messages", "body", "DELETE FROM sent_recipients WHERE sent = ?1"},
    {"resend_originals", "body",
	"UPDATE resends SET original = NULL WHERE original = ?1"},
};

/* ---- the address as a whole word of its own ---- */

static bool
addr_char(unsigned char c)
{
	/* RFC 5322 3.2.3 atext, the dot, and any byte of a UTF-8 address
	 * (RFC 6531) */
	return (bd_isalpha(c) || bd_isdigit(c)) || c >= 0x80 || strchr("!#$%&'*+-/=?^_`{|}~.",
	    c) != NULL;
}

static bool
domain_char(unsigned char c)
{
	return (bd_isalpha(c) || bd_isdigit(c)) || c == '-' || c >= 0x80;
}

const unsigned char *
forget_mention(const unsigned char *s, size_t n, size_t from, const char *a,
    size_t alen)
{
	size_t i, j;

	if (alen == 0 || n < alen)
		return NULL;
	for (i = from; i + alen <= n; i++) {
		for (j = 0; j < alen; j++)
			if (bd_lower(s[i + j]) != (unsigned char)a[j])
				break;
		if (j < alen)
			continue;
		if (i > 0 && addr_char(s[i - 1]))
			continue;
		/* after it: the end, or no more of a domain ("a@b.c." at
		 * the end of a sentence is a mention, "a@b.cd" is not) */
		if (i + alen < n && (domain_char(s[i + alen]) ||
		    (s[i + alen] == '.' && i + alen + 1 < n &&
		    domain_char(s[i + alen + 1]))))
			continue;
		return s + i;
	}
	return NULL;
}

/*
 * SQLite: bd_mentions() and bd_redact() are application functions of
 * the connection (sqlite3_create_function_v2()), and the sweep reads
 * SQLite's catalogue (pragma_table_list) and rowids. PostgreSQL's sweep
 * is store_forget_pg.c, with the same forget_mention() and
 * forget_redact() run here in C on the rows it reads.
 */

/* bd_mentions(x, address): 1 when the text or blob x mentions it */
static void
fn_mentions(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *s;
	const char *a;
	int n;

	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL ||
	    sqlite3_value_type(argv[0]) == SQLITE_INTEGER ||
	    sqlite3_value_type(argv[0]) == SQLITE_FLOAT) {
		sqlite3_result_int(ctx, 0);
		return;
	}
	s = sqlite3_value_blob(argv[0]);
	n = sqlite3_value_bytes(argv[0]);
	a = (const char *)sqlite3_value_text(argv[1]);
	sqlite3_result_int(ctx, s != NULL && a != NULL &&
	    forget_mention(s, (size_t)n, 0, a, strlen(a)) != NULL);
}

unsigned char *
forget_redact(const unsigned char *s, size_t n, const char *a, size_t *len_r)
{
	const unsigned char *m;
	size_t alen = strlen(a), at = 0, out = 0, cap;
	unsigned char *buf;

	if (alen == 0 || (m = forget_mention(s, n, 0, a, alen)) == NULL)
		return NULL;
	/* each mention is at least as long as REDACTED minus 8 bytes */
	cap = n + (n / alen + 1) * sizeof(REDACTED) + 1;
	buf = xmalloc(cap);
	do {
		memcpy(buf + out, s + at, (size_t)(m - (s + at)));
		out += (size_t)(m - (s + at));
		memcpy(buf + out, REDACTED, sizeof(REDACTED) - 1);
		out += sizeof(REDACTED) - 1;
		at = (size_t)(m - s) + alen;
	} while ((m = forget_mention(s, n, at, a, alen)) != NULL);
	memcpy(buf + out, s + at, n - at);
	out += n - at;
	buf[out] = '\0';
	*len_r = out;
	return buf;
}

/* bd_redact(x, address): x with each mention replaced, same type */
static void
fn_redact(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *s;
	const char *a;
	unsigned char *buf;
	size_t out;
	bool blob = sqlite3_value_type(argv[0]) == SQLITE_BLOB;

	(void)argc;
	s = sqlite3_value_blob(argv[0]);
	a = (const char *)sqlite3_value_text(argv[1]);
	if (s == NULL || a == NULL || (buf = forget_redact(s,
	    (size_t)sqlite3_value_bytes(argv[0]), a, &out)) == NULL) {
		sqlite3_result_value(ctx, argv[0]);
		return;
	}
	if (blob)
		sqlite3_result_blob64(ctx, buf, out, free);
	else
		sqlite3_result_text64(ctx, (char *)buf, out, free,
		    SQLITE_UTF8);
}

static int
register_functions(struct store *st)
{
	int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC;
	sqlite3 *h = db_sqlite_handle(st->db);

	if (h == NULL)
		return store_failx(st, "forget: not a SQLite database");
	if (sqlite3_create_function_v2(h, "bd_mentions", 2, flags, NULL,
		fn_mentions, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_create_function_v2(h, "bd_redact", 2, flags, NULL,
		fn_redact, NULL, NULL, NULL) != SQLITE_OK)
		return store_fail(st, "forget: functions");
	return 0;
}

/* ---- running ---- */

static int
run_sql(struct store *st, const char *sql, const char *address,
    const char *hash, int64_t now, int64_t *changes_r)
{
	struct db_stmt *stmt;
	int rc;

	if (db_prepare(st->db, sql, 0, &stmt) != 0)
		return store_fail(st, "forget");
	/* a statement may use fewer parameters than three */
	if ((db_bind_count(stmt) >= 1 &&
	    store_bind_text(stmt, 1, address)) ||
	    (db_bind_count(stmt) >= 2 &&
	    store_bind_text(stmt, 2, hash)) ||
	    (db_bind_count(stmt) >= 3 &&
	    db_bind_int64(stmt, 3, now))) {
		db_finalize(&stmt);
		return store_fail(st, "forget");
	}
	rc = db_step(stmt);
	if (rc != DB_DONE)
		store_fail(st, "forget");
	else if (changes_r != NULL)
		*changes_r = db_changes(st->db);
	db_finalize(&stmt);
	return rc == DB_DONE ? 0 : -1;
}

/*
 * The sweep reads every TEXT and BLOB column of every table, which takes
 * seconds on a big database. So it runs in two phases: first in a read
 * transaction, which does not hold the daemon back (WAL: readers and the
 * writer do not wait for each other), noting the rowids that mention the
 * address and each table's largest rowid; then, in the write transaction,
 * only those rows and the rows added since are looked at again. A column
 * of a table WITHOUT ROWID is swept whole in the write transaction when
 * the first phase found a mention in it: without a rowid, a row written
 * between the two phases cannot be told from the others, so a mention
 * written there into a column that had none is missed -- our tables
 * that key rows by the address (recipients, sent_recipients) are in
 * forget_steps[], which runs in the write transaction.
 */
struct sweep_col {
	char *table, *column; /* owned */
	char *qtable, *qcolumn; /* owned: the same as SQL identifiers */
	bool rowid;	      /* a rowid table */
	int64_t max;	      /* its largest rowid at the first phase;
			       * WITHOUT ROWID: 1 when it mentions it */
	char *hits;	      /* owned: the rowids, a JSON array */
	size_t len, cap;
};

struct sweep {
	struct sweep_col *v; /* owned */
	size_t n, cap;
};

static void
sweep_free(struct sweep *sw)
{
	size_t i;

	for (i = 0; i < sw->n; i++) {
		free(sw->v[i].table);
		free(sw->v[i].column);
		free(sw->v[i].qtable);
		free(sw->v[i].qcolumn);
		free(sw->v[i].hits);
	}
	free(sw->v);
	memset(sw, 0, sizeof(*sw));
}

static void
hit_add(struct sweep_col *c, int64_t rowid)
{
	char num[32];
	int n = snprintf(num, sizeof(num), "%s%lld", c->len > 1 ? "," : "",
	    (long long)rowid);

	if (c->len + (size_t)n + 2 > c->cap) {
		c->cap = c->cap * 2 + (size_t)n + 64;
		c->hits = xreallocarray(c->hits, c->cap, 1);
	}
	memcpy(c->hits + c->len, num, (size_t)n);
	c->len += (size_t)n;
	c->hits[c->len] = ']';
	c->hits[c->len + 1] = '\0';
}

/* Every TEXT or BLOB column (or one without a type: it may hold either)
 * of every table of ours and of those added later; wr: WITHOUT ROWID
 * (https://www.sqlite.org/pragma.html#pragma_table_list). */
static const char sql_columns[] =
    "SELECT t.name, p.name, t.wr FROM pragma_table_list t,"
    " pragma_table_info(t.name) p WHERE t.schema = 'main'"
    " AND t.type = 'table' AND t.name NOT LIKE 'sqlite_%' AND (p.type = ''"
    " OR upper(p.type) LIKE '%TEXT%' OR upper(p.type) LIKE '%CHAR%' OR"
    " upper(p.type) LIKE '%CLOB%' OR upper(p.type) LIKE '%BLOB%')"
    " ORDER BY t.name, p.cid";

/* Runs sql (a SELECT of one integer per row) with ?1 = address, calling
 * back with each value. */
static int
each_int(struct store *st, const char *sql, const char *address,
    void (*fn)(struct sweep_col *c, int64_t v), struct sweep_col *c)
{
	struct db_stmt *stmt;
	int rc;

	if (db_prepare(st->db, sql, 0, &stmt) != 0)
		return store_fail(st, "forget: scan");
	if (db_bind_count(stmt) >= 1 &&
	    store_bind_text(stmt, 1, address)) {
		db_finalize(&stmt);
		return store_fail(st, "forget: scan");
	}
	while ((rc = db_step(stmt)) == DB_ROW)
		fn(c, db_column_int64(stmt, 0));
	if (rc != DB_DONE)
		store_fail(st, "forget: scan");
	db_finalize(&stmt);
	return rc == DB_DONE ? 0 : -1;
}

static void
set_max(struct sweep_col *c, int64_t v)
{
	c->max = v;
}

/* The first phase, in a read transaction of its own. */
static int
scan(struct store *st, const char *address, struct sweep *sw)
{
	struct db_stmt *cols = NULL;
	struct sweep_col *c;
	char *sql;
	int rc = 0, step = DB_DONE;

	if (db_exec(st->db, "BEGIN") != 0)
		return store_fail(st, "forget: begin");
	if (db_prepare(st->db, sql_columns, 0, &cols) !=
	    0)
		rc = store_fail(st, "forget: columns");
	while (rc == 0 && (step = db_step(cols)) == DB_ROW) {
		if (sw->n == sw->cap) {
			sw->cap = sw->cap * 2 + 16;
			sw->v = xreallocarray(sw->v, sw->cap, sizeof(*sw->v));
		}
		c = &sw->v[sw->n++];
		memset(c, 0, sizeof(*c));
		c->table = xstrdup(db_column_text(cols, 0));
		c->column = xstrdup(db_column_text(cols, 1));
		/* the names as identifiers, their double quotes doubled */
		c->qtable = db_quote_ident(c->table);
		c->qcolumn = db_quote_ident(c->column);
		c->rowid = db_column_int64(cols, 2) == 0;
		c->hits = xstrdup("[]");
		c->len = 1;
		c->cap = 3;
		if (!c->rowid) {
			/* swept again only when it mentions it now: there
			 * is no rowid to tell a later row by */
			sql = xasprintf("SELECT 1 FROM %s WHERE"
			    " bd_mentions(%s, ?1) LIMIT 1", c->qtable,
			    c->qcolumn);
			rc = sql == NULL ? -1 :
			    each_int(st, sql, address, set_max, c);
			free(sql);
			continue;
		}
		sql = xasprintf("SELECT max(rowid) FROM %s", c->qtable);
		rc = sql == NULL ? -1 : each_int(st, sql, NULL, set_max, c);
		free(sql);
		sql = xasprintf("SELECT rowid FROM %s WHERE"
		    " bd_mentions(%s, ?1)", c->qtable, c->qcolumn);
		if (rc == 0)
			rc = sql == NULL ? -1 :
			    each_int(st, sql, address, hit_add, c);
		free(sql);
	}
	if (rc == 0 && step != DB_DONE)
		rc = store_fail(st, "forget: columns");
	db_finalize(&cols);
	(void)db_exec(st->db, rc == 0 ? "COMMIT" : "ROLLBACK");
	return rc;
}

/* The statement of sql, its ?1 the address, ?2 the hits, ?3 the max. */
static struct db_stmt *
prepare_col(struct store *st, const char *sql, const char *address,
    const struct sweep_col *c)
{
	struct db_stmt *stmt;

	if (sql == NULL) {
		store_failx(st, "forget: out of memory");
		return NULL;
	}
	if (db_prepare(st->db, sql, 0, &stmt) != 0) {
		store_fail(st, "forget");
		return NULL;
	}
	if (store_bind_text(stmt, 1, address) ||
	    (c->rowid && (store_bind_text(stmt, 2, c->hits) ||
	    db_bind_int64(stmt, 3, c->max)))) {
		store_fail(st, "forget");
		db_finalize(&stmt);
		return NULL;
	}
	return stmt;
}

/* The rows of the first phase, and those added since */
#define AGAIN                                                                  \
	"(rowid IN (SELECT value FROM json_each(?2)) OR rowid > ?3)"

const char *
forget_whole_before(const char *table, const char *column)
{
	size_t i;

	for (i = 0; i < sizeof(forget_whole) / sizeof(forget_whole[0]); i++)
		if (strcmp(forget_whole[i].table, table) == 0 &&
		    strcmp(forget_whole[i].column, column) == 0)
			return forget_whole[i].before;
	return NULL;
}

static const struct forget_whole *
whole_of(const struct sweep_col *c)
{
	size_t i;

	for (i = 0; i < sizeof(forget_whole) / sizeof(forget_whole[0]); i++)
		if (strcmp(forget_whole[i].table, c->table) == 0 &&
		    strcmp(forget_whole[i].column, c->column) == 0)
			return &forget_whole[i];
	return NULL;
}

/* A row that goes whole: what refers to it, then the row. */
static int
drop_row(struct store *st, const struct sweep_col *c,
    const struct forget_whole *w, int64_t id)
{
	struct db_stmt *stmt;
	char *sql = xasprintf("DELETE FROM %s WHERE rowid = ?1",
	    c->qtable);
	const char *const texts[2] = {w->before, sql};
	int i, rc = 0;

	for (i = 0; i < 2 && rc == 0; i++) {
		if (texts[i] == NULL ||
		    db_prepare(st->db, texts[i], 0, &stmt) !=
		    0) {
			rc = texts[i] == NULL ? store_failx(st, "forget: out of"
			    " memory") : store_fail(st, "forget");
			break;
		}
		if (db_bind_int64(stmt, 1, id) ||
		    db_step(stmt) != DB_DONE)
			rc = store_fail(st, "forget");
		db_finalize(&stmt);
	}
	free(sql);
	return rc;
}

/* The second phase for one column: rows whole, or mentions redacted. */
static int
sweep_col(struct store *st, const char *address, const struct sweep_col *c,
    int64_t *n_r)
{
	const struct forget_whole *w = c->rowid ? whole_of(c) : NULL;
	struct db_stmt *stmt;
	int64_t *ids = NULL;
	size_t nids = 0, cap = 0, i;
	char *sql;
	int rc = 0, step;

	*n_r = 0;
	if (!c->rowid && c->max == 0) /* no mention at the first phase */
		return 0;
	if (w == NULL) {
		sql = c->rowid ? xasprintf("UPDATE %s SET %s ="
		    " bd_redact(%s, ?1) WHERE " AGAIN " AND"
		    " bd_mentions(%s, ?1)", c->qtable, c->qcolumn, c->qcolumn,
		    c->qcolumn) : xasprintf("UPDATE %s SET %s ="
		    " bd_redact(%s, ?1) WHERE bd_mentions(%s, ?1)",
		    c->qtable, c->qcolumn, c->qcolumn, c->qcolumn);
		stmt = prepare_col(st, sql, address, c);
		free(sql);
		if (stmt == NULL)
			return -1;
		if (db_step(stmt) != DB_DONE)
			rc = store_fail(st, "forget");
		else
			*n_r = db_changes(st->db);
		db_finalize(&stmt);
		return rc;
	}
	/* the ids first: the deletes change the table being read */
	sql = xasprintf("SELECT rowid FROM %s WHERE " AGAIN
	    " AND bd_mentions(%s, ?1)", c->qtable, c->qcolumn);
	stmt = prepare_col(st, sql, address, c);
	free(sql);
	if (stmt == NULL)
		return -1;
	while ((step = db_step(stmt)) == DB_ROW) {
		if (nids == cap) {
			cap = cap * 2 + 16;
			ids = xreallocarray(ids, cap, sizeof(*ids));
		}
		ids[nids++] = db_column_int64(stmt, 0);
	}
	if (step != DB_DONE)
		rc = store_fail(st, "forget");
	db_finalize(&stmt);
	for (i = 0; rc == 0 && i < nids; i++)
		rc = drop_row(st, c, w, ids[i]);
	free(ids);
	if (rc == 0)
		*n_r = (int64_t)nids;
	return rc;
}

static int
sweep(struct store *st, const char *address, const struct sweep *sw,
    void (*fn)(void *arg, const char *what, int64_t n), void *arg)
{
	char *what;
	int64_t n;
	size_t i;
	int pass, rc = 0;

	/* the rows that go whole first, then the redactions */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; rc == 0 && i < sw->n; i++) {
			const struct sweep_col *c = &sw->v[i];
			bool whole = c->rowid && whole_of(c) != NULL;

			if (whole != (pass == 0))
				continue;
			rc = sweep_col(st, address, c, &n);
			if (rc == 0 && n > 0 && fn != NULL &&
			    (what = xasprintf(whole ? "%s" : "%s.%s",
			    c->table, c->column)) != NULL) {
				fn(arg, what, n);
				free(what);
			}
		}
	}
	return rc;
}

int
store_forget(struct store *st, const char *address, const char *hash,
    int64_t now, void (*fn)(void *arg, const char *what, int64_t n),
    void *arg)
{
	char low[STORE_ADDR_MAX + 1];
	struct sweep sw = {0};
	int64_t n;
	size_t i;
	bool pg;
	int rc = 0;

	if (address == NULL || *address == '\0' ||
	    strlen(address) > STORE_ADDR_MAX)
		return store_failx(st, "forget: not an address");
	snprintf(low, sizeof(low), "%s", address);
	str_lower(low);
	pg = db_kind(st->db) == DB_POSTGRESQL;
	if (!pg && register_functions(st) == -1)
		return -1;
	/* SQLite: the long read, without the write lock */
	if ((!pg && scan(st, low, &sw) == -1) || store_begin(st) == -1) {
		sweep_free(&sw);
		return -1;
	}
	if (pg)
		rc = forget_begin_pg(st);
	/* checked at COMMIT: an original goes before the resends naming it
	 * (https://www.sqlite.org/pragma.html#pragma_defer_foreign_keys) */
	else if (db_exec(st->db, "PRAGMA defer_foreign_keys = ON") != 0)
		rc = store_fail(st, "forget");
	for (i = 0; rc == 0 && i < sizeof(forget_steps) /
	    sizeof(forget_steps[0]); i++) {
		n = 0;
		rc = run_sql(st, forget_steps[i].sql, low, hash, now, &n);
		if (rc == 0 && n > 0 && forget_steps[i].what != NULL &&
		    fn != NULL)
			fn(arg, forget_steps[i].what, n);
	}
	if (rc == 0)
		rc = pg ? forget_sweep_pg(st, low, fn, arg) :
			  sweep(st, low, &sw, fn, arg);
	sweep_free(&sw);
	if (rc == -1) {
		store_rollback(st);
		return -1;
	}
	return store_commit(st);
}

/* the daemon asks for each recipient of each bounce: cached (store_stmt()),
 * one lookup of the primary key */
const char *const store_forget_sql[STMT_COUNT] = {
    [STMT_FORGOTTEN] = "SELECT 1 FROM forgotten WHERE hash = ?1",
};

int
store_forgotten(struct store *st, const char *hash)
{
	/* FOR SHARE on PostgreSQL (store_pg.c), which a read-only session
	 * may not run: bouncectl forgotten reads the row plainly */
	struct db_stmt *stmt = store_stmt(st, st->mode == STORE_RDONLY ?
	    STMT_FORGOTTEN_AT : STMT_FORGOTTEN);

	if (stmt == NULL)
		return -1;
	if (store_bind_text(stmt, 1, hash))
		return store_stmt_fail(st, stmt, "forgotten");
	return store_step_int(st, stmt, "forgotten", NULL);
}
