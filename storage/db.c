/*
 * db.h's functions: each hands the call to the connection's backend
 * (db_sqlite.c, db_pg.c) and keeps a connection alive while a statement
 * prepared on it lives, so that db_close() may come before the last
 * db_finalize() (a store_rows outliving its store_close(), as
 * sqlite3_close_v2() allowed before).
 */
#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"
#include "db_private.h"

void
db_init(struct db *db, const struct db_ops *ops, enum db_kind kind)
{
	db->ops = ops;
	db->kind = kind;
	db->refs = 1;
}

void
db_stmt_init(struct db_stmt *stmt, struct db *db)
{
	stmt->db = db;
	db->refs++;
}

static void
db_unref(struct db *db)
{
	if (--db->refs == 0)
		db->ops->close(db);
}

void
db_close(struct db **dbp)
{
	if (*dbp != NULL)
		db_unref(*dbp);
	*dbp = NULL;
}

enum db_kind
db_kind(const struct db *db)
{
	return db->kind;
}

const char *
db_error(struct db *db)
{
	return db->ops->error(db);
}

enum db_fault
db_fault(struct db *db)
{
	return db->ops->fault(db);
}

int
db_busy_timeout(struct db *db, int ms)
{
	return db->ops->busy_timeout(db, ms);
}

int
db_exec(struct db *db, const char *sql)
{
	return db->ops->exec(db, sql);
}

int64_t
db_changes(struct db *db)
{
	return db->ops->changes(db);
}

int
db_last_id(struct db *db, int64_t *id_r)
{
	return db->ops->last_id(db, id_r);
}

bool
db_lost(struct db *db)
{
	return db->ops->lost != NULL && db->ops->lost(db);
}

int
db_reconnect(struct db *db)
{
	return db->ops->reconnect != NULL ? db->ops->reconnect(db) : 0;
}

bool
db_in_transaction(struct db *db)
{
	return db->ops->in_transaction(db);
}

int
db_prepare(struct db *db, const char *sql, unsigned flags,
    struct db_stmt **stmt_r)
{
	*stmt_r = NULL;
	return db->ops->prepare(db, sql, flags, stmt_r);
}

void
db_finalize(struct db_stmt **stmtp)
{
	struct db_stmt *stmt = *stmtp;
	struct db *db;

	if (stmt == NULL)
		return;
	*stmtp = NULL;
	db = stmt->db;
	db->ops->finalize(stmt);
	db_unref(db);
}

struct db *
db_stmt_db(struct db_stmt *stmt)
{
	return stmt->db;
}

int
db_bind_count(struct db_stmt *stmt)
{
	return stmt->db->ops->bind_count(stmt);
}

int
db_bind_int64(struct db_stmt *stmt, int i, int64_t v)
{
	return stmt->db->ops->bind_int64(stmt, i, v);
}

int
db_bind_text(struct db_stmt *stmt, int i, const char *s)
{
	if (s == NULL)
		return stmt->db->ops->bind_null(stmt, i);
	return stmt->db->ops->bind_text(stmt, i, s, strlen(s));
}

int
db_bind_textn(struct db_stmt *stmt, int i, const char *s, size_t len)
{
	return stmt->db->ops->bind_text(stmt, i, s, len);
}

int
db_bind_null(struct db_stmt *stmt, int i)
{
	return stmt->db->ops->bind_null(stmt, i);
}

int
db_bind_blob(struct db_stmt *stmt, int i, const void *p, size_t len)
{
	return stmt->db->ops->bind_blob(stmt, i, p, len);
}

void
db_clear_bindings(struct db_stmt *stmt)
{
	stmt->db->ops->clear_bindings(stmt);
}

enum db_step
db_step(struct db_stmt *stmt)
{
	return stmt->db->ops->step(stmt);
}

void
db_reset(struct db_stmt *stmt)
{
	stmt->db->ops->reset(stmt);
}

int
db_column_count(struct db_stmt *stmt)
{
	return stmt->db->ops->column_count(stmt);
}

const char *
db_column_name(struct db_stmt *stmt, int col)
{
	return stmt->db->ops->column_name(stmt, col);
}

enum db_type
db_column_type(struct db_stmt *stmt, int col)
{
	return stmt->db->ops->column_type(stmt, col);
}

bool
db_column_is_null(struct db_stmt *stmt, int col)
{
	return stmt->db->ops->column_type(stmt, col) == DB_NULL;
}

int64_t
db_column_int64(struct db_stmt *stmt, int col)
{
	return stmt->db->ops->column_int64(stmt, col);
}

const char *
db_column_text(struct db_stmt *stmt, int col)
{
	return stmt->db->ops->column_text(stmt, col);
}

const void *
db_column_blob(struct db_stmt *stmt, int col)
{
	return stmt->db->ops->column_blob(stmt, col);
}

size_t
db_column_bytes(struct db_stmt *stmt, int col)
{
	return stmt->db->ops->column_bytes(stmt, col);
}

#ifndef BD_HAVE_LIBPQ
int
db_pg_open(const char *uri, struct db **db_r, char **error_r,
    enum db_fault *fault_r)
{
	(void)uri;
	*db_r = NULL;
	*error_r = xstrdup("built without libpq: no PostgreSQL");
	*fault_r = DB_FAULT_FATAL;
	return -1;
}
#endif

char *
db_quote_ident(const char *name)
{
	size_t n = strlen(name), o = 0;
	char *q = xmalloc(2 * n + 3);

	q[o++] = '"';
	for (size_t i = 0; i < n; i++) {
		if (name[i] == '"')
			q[o++] = '"';
		q[o++] = name[i];
	}
	q[o++] = '"';
	q[o] = '\0';
	return q;
}
