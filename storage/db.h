/*
 * The statement layer under storage/ (issue 18): one connection, its
 * prepared statements, their parameters and rows, the same on SQLite
 * (db_sqlite.c) and on PostgreSQL (db_pg.c). Only storage/ includes it
 * (tests/headers.sh); the store's files speak SQL through it and never
 * name a backend's API, except in the paths marked SQLite-only.
 *
 * SQL takes ? (numbered by position) or ?N placeholders; db_pg.c turns
 * them into $N outside string literals and quoted names. Values are
 * always bound, never pasted into the text. PostgreSQL infers each
 * parameter's type from where it stands (a column compared, a value
 * inserted); where nothing says (SELECT ?1 alone) the SQL says
 * CAST(?1 AS TEXT), which SQLite accepts as well.
 */
#ifndef BD_STORAGE_DB_H
#define BD_STORAGE_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Where the SQL itself must differ, the caller asks which it talks to. */
enum db_kind {
	DB_SQLITE,
	DB_POSTGRESQL,
};

/*
 * What a failure means to the caller, by the same rule on both: BUSY is
 * a lock held by someone else (retry soon), PASSING a failure that may
 * not recur (I/O, a lost connection: retry later), FATAL one that will
 * recur until a person acts (read-only, corrupt, no such database, bad
 * SQL, refused login). store.h's enum store_fault is decided from it.
 */
enum db_fault {
	DB_FAULT_NONE,
	DB_FAULT_BUSY,
	DB_FAULT_PASSING,
	DB_FAULT_FATAL,
};

/* db_step()'s answers: the iterator convention, 1 item, 0 end, -1 error */
enum db_step {
	DB_ERROR = -1,
	DB_DONE = 0,
	DB_ROW = 1,
};

/* A column's value in the current row. PostgreSQL's come from the
 * column's declared type, SQLite's from the value itself. */
enum db_type {
	DB_NULL,
	DB_INT,
	DB_FLOAT,
	DB_TEXT,
	DB_BLOB,
};

/* db_prepare() flags: DB_PREPARE_KEEP for statements cached for the life
 * of the connection (SQLite keeps them out of its lookaside memory). */
#define DB_PREPARE_KEEP 0x1

struct db;
struct db_stmt;

/*
 * Opens a PostgreSQL connection from a libpq URI or conninfo
 * ("postgresql:///bounced?host=/run/pg"). The password is libpq's to
 * find (PGPASSFILE, ~/.pgpass), never in the text we are given. Returns
 * 0, or -1 with *error_r (allocated) and *fault_r. Without libpq at
 * build time, -1 and says so.
 */
int db_pg_open(const char *uri, struct db **db_r, char **error_r,
    enum db_fault *fault_r);

/* Closes the connection once its last statement is finalised; NULL is
 * fine; *dbp becomes NULL. */
void db_close(struct db **dbp);

enum db_kind db_kind(const struct db *db);

/*
 * The last failure on db: its text (valid until the next call on db;
 * copy it) and its class. A failed db_step() sets them, so does a
 * failed prepare, bind or exec. DB_FAULT_NONE and "not an error" when
 * the last call went well.
 */
const char *db_error(struct db *db);
enum db_fault db_fault(struct db *db);

/* How long a statement waits for a lock another connection holds before
 * it fails as DB_FAULT_BUSY (SQLite: busy_timeout; PostgreSQL:
 * lock_timeout). 0 or -1. */
int db_busy_timeout(struct db *db, int ms);

/* Runs a script of statements that take no parameters: 0 or -1. */
int db_exec(struct db *db, const char *sql);

/* Rows the last INSERT, UPDATE or DELETE changed. */
int64_t db_changes(struct db *db);

/*
 * The key of the row the last INSERT on db added, for a table whose key
 * is SQLite's rowid (INTEGER PRIMARY KEY) or, on PostgreSQL, taken from
 * a sequence (an identity column: lastval()); *id_r. 0 or -1. Where the
 * key is all an INSERT wants back this is cheaper than RETURNING, which
 * SQLite buffers in a temporary table per statement
 * (https://www.sqlite.org/lang_returning.html).
 */
int db_last_id(struct db *db, int64_t *id_r);

/* Whether a transaction is open on db (BEGIN without its end yet). */
bool db_in_transaction(struct db *db);

/*
 * Whether the server ended the connection (a restart, a crash, a
 * network fault): every statement fails, as DB_FAULT_PASSING, until
 * db_reconnect(). Never on SQLite, whose database is a file.
 */
bool db_lost(struct db *db);
/*
 * Connects again with the same parameters and the same settings
 * (db_busy_timeout() included): 0, or -1 (db_error(), db_fault()) and
 * still lost. The statements prepared before are void: the caller
 * finalizes them and prepares again. A transaction open at the loss
 * went with the session (the server rolled it back).
 */
int db_reconnect(struct db *db);

/*
 * One statement of sql into *stmt_r: 0, or -1 (db_error()). The
 * statement keeps db open until db_finalize(): db_close() before that
 * only marks it to be closed.
 */
int db_prepare(struct db *db, const char *sql, unsigned flags,
    struct db_stmt **stmt_r);

/* Frees the statement; NULL is fine; *stmtp becomes NULL. */
void db_finalize(struct db_stmt **stmtp);

/* The connection the statement was prepared on. */
struct db *db_stmt_db(struct db_stmt *stmt);

/* How many parameters it takes (the highest N of ?N). */
int db_bind_count(struct db_stmt *stmt);

/*
 * Parameters are numbered from 1. Binders return 0, or -1 (out of
 * range), so that they chain with ||. Text is copied; NULL text binds
 * NULL. Blob bytes are borrowed until the next db_step() is over.
 */
int db_bind_int64(struct db_stmt *stmt, int i, int64_t v);
int db_bind_text(struct db_stmt *stmt, int i, const char *s);
/* The first len bytes of s, which need no NUL (s may not be NULL). */
int db_bind_textn(struct db_stmt *stmt, int i, const char *s, size_t len);
int db_bind_null(struct db_stmt *stmt, int i);
int db_bind_blob(struct db_stmt *stmt, int i, const void *p, size_t len);
/* Every parameter back to NULL. */
void db_clear_bindings(struct db_stmt *stmt);

/*
 * Runs the statement, or goes to its next row: DB_ROW while rows
 * remain, DB_DONE at the end (or for a statement without rows),
 * DB_ERROR (db_error() and db_fault() of its connection).
 * After DB_DONE or DB_ERROR, db_reset() before running it again.
 */
enum db_step db_step(struct db_stmt *stmt);

/* Back to before its first db_step(), its bindings kept; it ends the
 * statement's read of the database. */
void db_reset(struct db_stmt *stmt);

/*
 * The current row's columns, numbered from 0; valid after DB_ROW until
 * the next step, reset or finalize. NULL reads as 0, as a NULL text and
 * as 0 bytes. Text is NUL-terminated and the statement's.
 */
int db_column_count(struct db_stmt *stmt);
const char *db_column_name(struct db_stmt *stmt, int col);
enum db_type db_column_type(struct db_stmt *stmt, int col);
bool db_column_is_null(struct db_stmt *stmt, int col);
int64_t db_column_int64(struct db_stmt *stmt, int col);
const char *db_column_text(struct db_stmt *stmt, int col);
const void *db_column_blob(struct db_stmt *stmt, int col);
size_t db_column_bytes(struct db_stmt *stmt, int col);

/* name as a quoted SQL identifier ("a""b"), for the few statements that
 * name a table or a column they read from the catalogue; allocated. */
char *db_quote_ident(const char *name);

/* ---- SQLite only (db_sqlite.c) ---- */

/*
 * Opens the SQLite file at path, read-only or read-write (created when
 * missing), with extended result codes. On failure returns -1 and, when
 * SQLite could allocate one, a connection in *db_r that holds the error
 * (db_error()); the caller closes it.
 */
int db_sqlite_open(const char *path, bool rdonly, struct db **db_r);
/* 1 when SQLite opened the file read-only although asked to write. */
int db_sqlite_readonly(struct db *db);
/* Keeps -wal and -shm after the last close (SQLITE_FCNTL_PERSIST_WAL). */
int db_sqlite_persist_wal(struct db *db);
/*
 * Reads at most max bytes of the blob of table.column at rowid into
 * *buf_r (allocated, NUL-terminated, the caller frees) through SQLite's
 * incremental blob I/O (https://www.sqlite.org/c3ref/blob_open.html),
 * so that a big value is not read whole for its first bytes: 0, or -1.
 */
int db_sqlite_blob_read(struct db *db, const char *table, const char *column,
    int64_t rowid, size_t max, unsigned char **buf_r, size_t *len_r);
/* The sqlite3 handle: for store_db() (tests) and the application
 * functions of store_forget.c, nothing else. */
struct sqlite3 *db_sqlite_handle(struct db *db);

#endif
