/*
 * db.h on SQLite: a thin wrapper, db.h having been drawn after SQLite's
 * own API. With migrate.c's pragmas and store_forget.c's application
 * functions, the only sqlite3.h user in storage/; the one for statements.
 */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"
#include "db_private.h"

struct lite {
	struct db db;
	sqlite3 *h;
	char error[512]; /* db_error()'s text */
};

struct lite_stmt {
	struct db_stmt stmt;
	sqlite3_stmt *s;
};

#define LITE(d) ((struct lite *)(void *)(d))
#define S(st) (((struct lite_stmt *)(void *)(st))->s)
#define H(st) (LITE((st)->db)->h)

static void
lite_close(struct db *db)
{
	sqlite3_close(LITE(db)->h);
	free(LITE(db));
}

/* ---- errors ---- */

/* What SQLite's message leaves out: the system's reason for a file it
 * could not open or write, what a read-only extended code means. */
static const char *
fail_hint(sqlite3 *h, int code, char *buf, size_t size)
{
	int sys = sqlite3_system_errno(h);

	switch (code) {
	case SQLITE_READONLY_DBMOVED:
		return " (the file was moved or deleted while open)";
	case SQLITE_READONLY_DIRECTORY:
		return " (its directory cannot be written)";
	}
	if (sys == 0 || ((code & 0xff) != SQLITE_CANTOPEN &&
	    (code & 0xff) != SQLITE_IOERR))
		return "";
	snprintf(buf, size, " (%s)", strerror(sys));
	return buf;
}

static const char *
lite_error(struct db *db)
{
	struct lite *l = LITE(db);
	int code = sqlite3_extended_errcode(l->h);
	char hint[128];

	snprintf(l->error, sizeof(l->error), "%s%s", sqlite3_errmsg(l->h),
	    fail_hint(l->h, code, hint, sizeof(hint)));
	return l->error;
}

/* The classes store.h's callers have always had from SQLite's codes
 * (https://www.sqlite.org/rescode.html). */
static enum db_fault
lite_fault(struct db *db)
{
	switch (sqlite3_extended_errcode(LITE(db)->h) & 0xff) {
	case SQLITE_OK:
		return DB_FAULT_NONE;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return DB_FAULT_BUSY;
	case SQLITE_READONLY:
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
	case SQLITE_PERM:
	case SQLITE_CANTOPEN:
		return DB_FAULT_FATAL;
	default:
		return DB_FAULT_PASSING;
	}
}

/* ---- the connection ---- */

static int
lite_busy_timeout(struct db *db, int ms)
{
	return sqlite3_busy_timeout(LITE(db)->h, ms) == SQLITE_OK ? 0 : -1;
}

static int
lite_exec(struct db *db, const char *sql)
{
	return sqlite3_exec(LITE(db)->h, sql, NULL, NULL, NULL) == SQLITE_OK ?
	    0 : -1;
}

static int64_t
lite_changes(struct db *db)
{
	return sqlite3_changes64(LITE(db)->h);
}

static int
lite_last_id(struct db *db, int64_t *id_r)
{
	*id_r = sqlite3_last_insert_rowid(LITE(db)->h);
	return 0;
}

static bool
lite_in_transaction(struct db *db)
{
	return sqlite3_get_autocommit(LITE(db)->h) == 0;
}

/* ---- statements ---- */

static int
lite_prepare(struct db *db, const char *sql, unsigned flags,
    struct db_stmt **stmt_r)
{
	struct lite_stmt *ls;
	sqlite3_stmt *s;

	if (sqlite3_prepare_v3(LITE(db)->h, sql, -1,
		(flags & DB_PREPARE_KEEP) ? SQLITE_PREPARE_PERSISTENT : 0, &s,
		NULL) != SQLITE_OK)
		return -1;
	/* only blanks or a comment: a statement that does nothing */
	if (s == NULL && sqlite3_prepare_v2(LITE(db)->h, "SELECT 1 WHERE 0",
	    -1, &s, NULL) != SQLITE_OK)
		return -1;
	ls = xcalloc(1, sizeof(*ls));
	db_stmt_init(&ls->stmt, db);
	ls->s = s;
	*stmt_r = &ls->stmt;
	return 0;
}

static void
lite_finalize(struct db_stmt *stmt)
{
	sqlite3_finalize(S(stmt));
	free((struct lite_stmt *)(void *)stmt);
}

static int
lite_bind_count(struct db_stmt *stmt)
{
	return sqlite3_bind_parameter_count(S(stmt));
}

static int
lite_bind_int64(struct db_stmt *stmt, int i, int64_t v)
{
	return sqlite3_bind_int64(S(stmt), i, v) == SQLITE_OK ? 0 : -1;
}

static int
lite_bind_text(struct db_stmt *stmt, int i, const char *s, size_t len)
{
	return sqlite3_bind_text64(S(stmt), i, s, len, SQLITE_TRANSIENT,
		   SQLITE_UTF8) == SQLITE_OK ? 0 : -1;
}

static int
lite_bind_null(struct db_stmt *stmt, int i)
{
	return sqlite3_bind_null(S(stmt), i) == SQLITE_OK ? 0 : -1;
}

static int
lite_bind_blob(struct db_stmt *stmt, int i, const void *p, size_t len)
{
	/* a zero-length blob, not NULL: SQLite reads a NULL pointer as NULL */
	return sqlite3_bind_blob64(S(stmt), i, len > 0 ? p : "", len,
	    SQLITE_STATIC) == SQLITE_OK ? 0 : -1;
}

static void
lite_clear_bindings(struct db_stmt *stmt)
{
	sqlite3_clear_bindings(S(stmt));
}

static enum db_step
lite_step(struct db_stmt *stmt)
{
	switch (sqlite3_step(S(stmt))) {
	case SQLITE_ROW:
		return DB_ROW;
	case SQLITE_DONE:
		return DB_DONE;
	default:
		return DB_ERROR;
	}
}

static void
lite_reset(struct db_stmt *stmt)
{
	sqlite3_reset(S(stmt));
}

/* ---- columns ---- */

static int
lite_column_count(struct db_stmt *stmt)
{
	return sqlite3_column_count(S(stmt));
}

static const char *
lite_column_name(struct db_stmt *stmt, int col)
{
	return sqlite3_column_name(S(stmt), col);
}

static enum db_type
lite_column_type(struct db_stmt *stmt, int col)
{
	switch (sqlite3_column_type(S(stmt), col)) {
	case SQLITE_INTEGER:
		return DB_INT;
	case SQLITE_FLOAT:
		return DB_FLOAT;
	case SQLITE_NULL:
		return DB_NULL;
	case SQLITE_BLOB:
		return DB_BLOB;
	default:
		return DB_TEXT;
	}
}

static int64_t
lite_column_int64(struct db_stmt *stmt, int col)
{
	return sqlite3_column_int64(S(stmt), col);
}

static const char *
lite_column_text(struct db_stmt *stmt, int col)
{
	return (const char *)sqlite3_column_text(S(stmt), col);
}

static const void *
lite_column_blob(struct db_stmt *stmt, int col)
{
	return sqlite3_column_blob(S(stmt), col);
}

static size_t
lite_column_bytes(struct db_stmt *stmt, int col)
{
	return (size_t)sqlite3_column_bytes(S(stmt), col);
}

static const struct db_ops lite_ops = {
	.close = lite_close,
	.error = lite_error,
	.fault = lite_fault,
	.busy_timeout = lite_busy_timeout,
	.exec = lite_exec,
	.changes = lite_changes,
	.last_id = lite_last_id,
	.in_transaction = lite_in_transaction,
	.prepare = lite_prepare,
	.finalize = lite_finalize,
	.bind_count = lite_bind_count,
	.bind_int64 = lite_bind_int64,
	.bind_text = lite_bind_text,
	.bind_null = lite_bind_null,
	.bind_blob = lite_bind_blob,
	.clear_bindings = lite_clear_bindings,
	.step = lite_step,
	.reset = lite_reset,
	.column_count = lite_column_count,
	.column_name = lite_column_name,
	.column_type = lite_column_type,
	.column_int64 = lite_column_int64,
	.column_text = lite_column_text,
	.column_blob = lite_column_blob,
	.column_bytes = lite_column_bytes,
};

/* ---- SQLite only ---- */

/*
 * Every connection of ours is used by one thread at a time (each thread
 * opens its own store), so SQLite's own mutexes, taken on every call and,
 * with memory statistics on, on every allocation, are pure cost: about
 * 6 % of the daemon's ingest (issue 16 item 3). Multi-thread mode
 * (SQLITE_OPEN_NOMUTEX) is documented safe for exactly that use.
 * sqlite3_config() must precede the library's initialisation; if
 * something initialised it first, the call is refused and nothing else
 * changes.
 */
static pthread_once_t lite_once = PTHREAD_ONCE_INIT;

static void
lite_configure(void)
{
	(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int
db_sqlite_open(const char *path, bool rdonly, struct db **db_r)
{
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	struct lite *l;
	sqlite3 *h = NULL;
	int rc;

	*db_r = NULL;
	if (rdonly)
		flags = SQLITE_OPEN_READONLY;
	pthread_once(&lite_once, lite_configure);
	rc = sqlite3_open_v2(path, &h, flags | SQLITE_OPEN_NOMUTEX, NULL);
	if (h == NULL)
		return -1; /* out of memory */
	sqlite3_extended_result_codes(h, 1);
	l = xcalloc(1, sizeof(*l));
	db_init(&l->db, &lite_ops, DB_SQLITE);
	l->h = h;
	*db_r = &l->db;
	return rc == SQLITE_OK ? 0 : -1;
}

int
db_sqlite_readonly(struct db *db)
{
	return sqlite3_db_readonly(LITE(db)->h, "main");
}

int
db_sqlite_persist_wal(struct db *db)
{
	int persist = 1;

	return sqlite3_file_control(LITE(db)->h, "main",
	    SQLITE_FCNTL_PERSIST_WAL, &persist) == SQLITE_OK ? 0 : -1;
}

int
db_sqlite_blob_read(struct db *db, const char *table, const char *column,
    int64_t rowid, size_t max, unsigned char **buf_r, size_t *len_r)
{
	sqlite3_blob *blob;
	int n, rc = 0;

	*buf_r = NULL;
	*len_r = 0;
	if (sqlite3_blob_open(LITE(db)->h, "main", table, column, rowid, 0,
		&blob) != SQLITE_OK)
		return -1;
	n = sqlite3_blob_bytes(blob);
	if ((size_t)n > max)
		n = (int)max;
	*buf_r = xmalloc((size_t)n + 1);
	if (n > 0 && sqlite3_blob_read(blob, *buf_r, n, 0) != SQLITE_OK) {
		free(*buf_r);
		*buf_r = NULL;
		rc = -1;
	} else {
		(*buf_r)[n] = '\0';
		*len_r = (size_t)n;
	}
	sqlite3_blob_close(blob);
	return rc;
}

struct sqlite3 *
db_sqlite_handle(struct db *db)
{
	return db->kind == DB_SQLITE ? LITE(db)->h : NULL;
}
