/*
 * bouncectl forget on PostgreSQL (issue 18; docs/schema.md "Forgetting
 * an address"): the same steps as on SQLite (store_forget.c), then the
 * same sweep over every text and bytea column of every table of the
 * schema, read from information_schema, so that a table nobody listed
 * is covered too.
 *
 * SQLite's sweep calls application functions inside its statements;
 * here the server only narrows the rows down (strpos() over the value
 * lower-cased in the "C" collation, which changes ASCII letters only,
 * as forget_mention() compares), and each candidate is read, tested and
 * rewritten in C with store_forget.c's forget_mention() and
 * forget_redact(): one rule for both backends. A candidate row is read
 * FOR UPDATE and rewritten by its ctid, which stays its own while the
 * row is locked (https://www.postgresql.org/docs/15/ddl-system-columns.html).
 *
 * One phase, in the write transaction: under MVCC the long read holds
 * back no reader and no writer but those of the rows it locks. What the
 * daemons write meanwhile is kept out by the lock forget_begin_pg()
 * takes first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"
#include "forget_private.h"
#include "store_private.h"

/*
 * The daemon reads forgotten FOR SHARE before it records a recipient
 * (store_forgotten()), which holds the table in ROW SHARE mode until its
 * batch commits. EXCLUSIVE conflicts with that
 * (https://www.postgresql.org/docs/15/explicit-locking.html): forget
 * waits for the batches that looked before it, and a batch that looks
 * after waits for forget's commit and then finds the hash, so no bounce
 * of the address is recorded between the sweep and the commit, as
 * SQLite's one writer guarantees. Then the one constraint the steps
 * break until the commit (an original deleted before the resends naming
 * it): DEFERRABLE in migrate_pg.c, deferred here, as SQLite's
 * defer_foreign_keys.
 */
int
forget_begin_pg(struct store *st)
{
	if (db_exec(st->db, "LOCK TABLE forgotten IN EXCLUSIVE MODE;"
	    " SET CONSTRAINTS ALL DEFERRED") != 0)
		return store_fail(st, "forget");
	return 0;
}

/* The columns that may hold an address: every text-like or bytea column
 * of every table (not view) of the schema the store uses. */
static const char sql_columns[] =
    "SELECT c.table_name, c.column_name, c.udt_name = 'bytea'"
    " FROM information_schema.columns c JOIN information_schema.tables t"
    " ON t.table_schema = c.table_schema AND t.table_name = c.table_name"
    " WHERE c.table_schema = current_schema() AND t.table_type ="
    " 'BASE TABLE' AND c.udt_name IN ('text', 'varchar', 'bpchar', 'bytea')"
    " ORDER BY c.table_name, c.ordinal_position";

struct pg_col {
	char *table, *column; /* owned */
	bool bytes;	      /* bytea */
};

struct pg_cols {
	struct pg_col *v; /* owned */
	size_t n, cap;
};

static void
cols_free(struct pg_cols *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].table);
		free(c->v[i].column);
	}
	free(c->v);
}

static int
columns(struct store *st, struct pg_cols *c)
{
	struct db_stmt *stmt;
	int step;

	if (db_prepare(st->db, sql_columns, 0, &stmt) != 0)
		return store_fail(st, "forget: columns");
	while ((step = db_step(stmt)) == DB_ROW) {
		if (c->n == c->cap) {
			c->cap = c->cap * 2 + 16;
			c->v = xreallocarray(c->v, c->cap, sizeof(*c->v));
		}
		c->v[c->n].table = xstrdup(db_column_text(stmt, 0));
		c->v[c->n].column = xstrdup(db_column_text(stmt, 1));
		c->v[c->n].bytes = db_column_int64(stmt, 2) != 0;
		c->n++;
	}
	db_finalize(&stmt);
	return step == DB_DONE ? 0 : store_fail(st, "forget: columns");
}

/*
 * The address as encode(x, 'escape') writes its bytes: a byte with the
 * high bit set as \ooo, a backslash doubled
 * (https://www.postgresql.org/docs/15/functions-binarystring.html), so
 * that a bytea column is narrowed down by the same strpos() as a text
 * one. Byte for byte, so a mention in the bytes is one in the text.
 */
static char *
escaped(const char *a)
{
	char *out = xmalloc(strlen(a) * 4 + 1), *p = out;

	for (; *a != '\0'; a++) {
		unsigned char c = (unsigned char)*a;

		if (c >= 0x80)
			p += sprintf(p, "\\%03o", c);
		else if (c == '\\')
			*p++ = '\\', *p++ = '\\';
		else
			*p++ = (char)c;
	}
	*p = '\0';
	return out;
}

struct hit {
	char *ctid;	    /* owned */
	int64_t id;	    /* whole rows: their id */
	unsigned char *new; /* owned: the redacted value, or NULL */
	size_t len;
};

/*
 * One column's changes, each statement prepared once: a row that goes
 * whole (what refers to it, by ?1 = its id, then the row), or the
 * redacted value written into the row at its ctid.
 */
static int
apply_hits(struct store *st, const char *before, const char *qt,
    const char *qc, bool bytes, const struct hit *hits, size_t n)
{
	char *sql[2] = {before != NULL ? xstrdup(before) :
	    xasprintf("UPDATE %s SET %s = ?2 WHERE ctid = ?1::tid", qt, qc),
	    before != NULL ? xasprintf("DELETE FROM %s WHERE id = ?1", qt) :
	    NULL};
	struct db_stmt *stmt[2] = {NULL, NULL};
	size_t i;
	int k, rc = 0;

	for (k = 0; k < 2 && rc == 0; k++)
		if (sql[k] != NULL &&
		    db_prepare(st->db, sql[k], 0, &stmt[k]) != 0)
			rc = store_fail(st, "forget");
	for (i = 0; rc == 0 && i < n; i++) {
		for (k = 0; before != NULL && k < 2 && rc == 0; k++) {
			if (db_bind_int64(stmt[k], 1, hits[i].id) ||
			    db_step(stmt[k]) != DB_DONE)
				rc = store_fail(st, "forget");
			else
				db_reset(stmt[k]);
		}
		if (before != NULL || rc != 0)
			continue;
		if (store_bind_text(stmt[0], 1, hits[i].ctid) ||
		    (bytes ? db_bind_blob(stmt[0], 2, hits[i].new, hits[i].len) :
		    db_bind_textn(stmt[0], 2, (const char *)hits[i].new,
		    hits[i].len)) || db_step(stmt[0]) != DB_DONE ||
		    db_changes(st->db) != 1)
			rc = store_fail(st, "forget");
		else
			db_reset(stmt[0]);
	}
	for (k = 0; k < 2; k++) {
		db_finalize(&stmt[k]);
		free(sql[k]);
	}
	return rc;
}

/*
 * One column: the candidates read and locked, tested in C, then either
 * dropped whole (a stored body) or rewritten. *n_r: rows changed.
 */
static int
sweep_col(struct store *st, const char *address, const char *esc,
    const struct pg_col *c, bool whole_pass, int64_t *n_r)
{
	const char *before = forget_whole_before(c->table, c->column);
	char *qt = db_quote_ident(c->table), *qc = db_quote_ident(c->column);
	char *sql, *expr;
	struct db_stmt *stmt = NULL;
	struct hit *hits = NULL;
	size_t nhits = 0, cap = 0, i, len;
	int rc = 0, step;

	*n_r = 0;
	if ((before != NULL) != whole_pass)
		goto out;
	expr = c->bytes ? xasprintf("encode(%s, 'escape')", qc) :
			  xstrdup(qc);
	sql = xasprintf("SELECT ctid::text, %s, %s FROM %s WHERE"
	    " strpos(lower(%s COLLATE \"C\"), ?1) > 0 FOR UPDATE",
	    before != NULL ? "id" : "0", qc, qt, expr);
	free(expr);
	if (db_prepare(st->db, sql, 0, &stmt) != 0) {
		free(sql);
		rc = store_fail(st, "forget: scan");
		goto out;
	}
	free(sql);
	if (store_bind_text(stmt, 1, c->bytes ? esc : address)) {
		rc = store_fail(st, "forget: scan");
		goto out;
	}
	while ((step = db_step(stmt)) == DB_ROW) {
		const unsigned char *v = c->bytes ? db_column_blob(stmt, 2) :
		    (const unsigned char *)db_column_text(stmt, 2);
		unsigned char *red = NULL;

		len = db_column_bytes(stmt, 2);
		if (v == NULL || (before != NULL ?
		    forget_mention(v, len, 0, address, strlen(address)) ==
		    NULL : (red = forget_redact(v, len, address, &len)) ==
		    NULL))
			continue; /* a longer address, not this one */
		if (nhits == cap) {
			cap = cap * 2 + 16;
			hits = xreallocarray(hits, cap, sizeof(*hits));
		}
		hits[nhits].ctid = xstrdup(db_column_text(stmt, 0));
		hits[nhits].id = db_column_int64(stmt, 1);
		hits[nhits].new = red;
		hits[nhits].len = len;
		nhits++;
	}
	if (step != DB_DONE)
		rc = store_fail(st, "forget: scan");
	db_finalize(&stmt);
	if (rc == 0)
		rc = apply_hits(st, before, qt, qc, c->bytes, hits, nhits);
	if (rc == 0)
		*n_r = (int64_t)nhits;
	for (i = 0; i < nhits; i++) {
		free(hits[i].ctid);
		free(hits[i].new);
	}
	free(hits);
out:
	db_finalize(&stmt); /* a failed bind left it open */
	free(qt);
	free(qc);
	return rc;
}

int
forget_sweep_pg(struct store *st, const char *address,
    void (*fn)(void *arg, const char *what, int64_t n), void *arg)
{
	struct pg_cols c = {0};
	char *esc = escaped(address), *what;
	int64_t n;
	size_t i;
	int pass, rc;

	rc = columns(st, &c);
	/* the rows that go whole first, then the redactions */
	for (pass = 0; rc == 0 && pass < 2; pass++)
		for (i = 0; rc == 0 && i < c.n; i++) {
			rc = sweep_col(st, address, esc, &c.v[i], pass == 0,
			    &n);
			if (rc == 0 && n > 0 && fn != NULL &&
			    (what = xasprintf(pass == 0 ? "%s" : "%s.%s",
			    c.v[i].table, c.v[i].column)) != NULL) {
				fn(arg, what, n);
				free(what);
			}
		}
	cols_free(&c);
	free(esc);
	return rc;
}
