/*
 * Inside the statement layer: what db.c, db_sqlite.c and db_pg.c share.
 * One backend per file behind a table of functions (STYLE.md 1, after
 * OpenSMTPD's queue_backend and Dovecot's sql-api-private.h): each
 * backend's connection and statement begin with struct db and struct
 * db_stmt, which db.c reads; the rest is the backend's.
 */
#ifndef BD_STORAGE_DB_PRIVATE_H
#define BD_STORAGE_DB_PRIVATE_H

#include "db.h"

struct db_ops {
	/* frees the connection: its last statement is gone */
	void (*close)(struct db *db);
	const char *(*error)(struct db *db);
	enum db_fault (*fault)(struct db *db);
	int (*busy_timeout)(struct db *db, int ms);
	int (*exec)(struct db *db, const char *sql);
	int64_t (*changes)(struct db *db);
	int (*last_id)(struct db *db, int64_t *id_r);
	bool (*in_transaction)(struct db *db);
	/* NULL where a connection is never lost (SQLite's file) */
	bool (*lost)(struct db *db);
	int (*reconnect)(struct db *db);
	int (*prepare)(struct db *db, const char *sql, unsigned flags,
	    struct db_stmt **stmt_r);
	/* frees the statement; db.c drops its hold on the connection */
	void (*finalize)(struct db_stmt *stmt);
	int (*bind_count)(struct db_stmt *stmt);
	int (*bind_int64)(struct db_stmt *stmt, int i, int64_t v);
	int (*bind_text)(struct db_stmt *stmt, int i, const char *s,
	    size_t len);
	int (*bind_null)(struct db_stmt *stmt, int i);
	int (*bind_blob)(struct db_stmt *stmt, int i, const void *p,
	    size_t len);
	void (*clear_bindings)(struct db_stmt *stmt);
	enum db_step (*step)(struct db_stmt *stmt);
	void (*reset)(struct db_stmt *stmt);
	int (*column_count)(struct db_stmt *stmt);
	const char *(*column_name)(struct db_stmt *stmt, int col);
	enum db_type (*column_type)(struct db_stmt *stmt, int col);
	int64_t (*column_int64)(struct db_stmt *stmt, int col);
	const char *(*column_text)(struct db_stmt *stmt, int col);
	const void *(*column_blob)(struct db_stmt *stmt, int col);
	size_t (*column_bytes)(struct db_stmt *stmt, int col);
};

struct db {
	const struct db_ops *ops;
	enum db_kind kind;
	int refs; /* 1 for the owner until db_close(), 1 a statement */
};

struct db_stmt {
	struct db *db; /* held (refs) until db_finalize() */
};

/* For the backends: a connection's start, refs 1. */
void db_init(struct db *db, const struct db_ops *ops, enum db_kind kind);
/* A new statement of db: holds the connection. */
void db_stmt_init(struct db_stmt *stmt, struct db *db);

#endif
