/*
 * The connection and the daemon's write path. Every statement is prepared
 * once per connection and kept (the daemon writes about five rows per
 * message at thousands of messages a second); values are always bound,
 * never pasted into SQL text.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/state_base.h"
#include "common/strutil.h"
#include "common/xmalloc.h"
#include "classify/reason.h"
#include "store_private.h"
#include "store_mgmt.h"

#define BUSY_TIMEOUT_MS 5000

static const char *const stmt_sql[STMT_COUNT] = {
    [STMT_BEGIN] = "BEGIN IMMEDIATE",
    [STMT_COMMIT] = "COMMIT",
    [STMT_ROLLBACK] = "ROLLBACK",
    [STMT_SAVEPOINT] = "SAVEPOINT store_nested",
    [STMT_RELEASE] = "RELEASE store_nested",
    [STMT_ROLLBACK_TO] = "ROLLBACK TO store_nested",
    /* SQLite's; PostgreSQL's version is a row of bounced_schema
     * (store_pg.c), and its connections are never asked for a change
     * (store_changed_elsewhere()) */
    [STMT_USER_VERSION] = "PRAGMA user_version",
    [STMT_DATA_VERSION] = "PRAGMA data_version",
    [STMT_MESSAGE_FIND] = "SELECT id FROM messages WHERE sha256 = ?1",
    [STMT_MESSAGE_ADD] = MESSAGE_ADD,
    /* the exactly-once check and the insert in one statement */
    [STMT_MESSAGE_ADD_ONCE] = MESSAGE_ADD_ONCE,
    [STMT_BOUNCE_ADD] = BOUNCE_ADD,
    [STMT_RECIPIENT_GET] =
	"SELECT address, domain, state, reason, status, bounce_count,"
	" soft_count, soft_since, first_bounce_at, last_bounce_at,"
	" suppressed_at, override, override_at FROM recipients"
	" WHERE address = ?1",
#define RECIPIENT_INSERT                                                     \
	"INSERT INTO recipients (address, domain, state, reason, status,"    \
	" bounce_count, soft_count, soft_since, first_bounce_at,"            \
	" last_bounce_at, suppressed_at, override, override_at)"             \
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
    [STMT_RECIPIENT_PUT] = RECIPIENT_INSERT
	" ON CONFLICT (address) DO UPDATE SET domain = excluded.domain,"
	" state = excluded.state, reason = excluded.reason,"
	" status = excluded.status, bounce_count = excluded.bounce_count,"
	" soft_count = excluded.soft_count, soft_since = excluded.soft_since,"
	" first_bounce_at = excluded.first_bounce_at,"
	" last_bounce_at = excluded.last_bounce_at,"
	" suppressed_at = excluded.suppressed_at,"
	" override = excluded.override, override_at = excluded.override_at",
    /*
     * A new address's first row: written only if no other writer's
     * row came first (store_recipient_add()). On PostgreSQL the insert
     * waits for another transaction's uncommitted row of the address
     * and then does nothing (docs/15/sql-insert.html#SQL-ON-CONFLICT).
     */
    [STMT_RECIPIENT_ADD] =
	RECIPIENT_INSERT " ON CONFLICT (address) DO NOTHING",
    /* suppressed_at keeps the time an address that is already suppressed
     * got suppressed, as daemon/policy.c does */
    [STMT_SUPPRESS] =
	"INSERT INTO recipients (address, domain, state, suppressed_at,"
	" override, override_at) VALUES (?1, ?2, 'suppressed', ?3,"
	" 'suppressed', ?3) ON CONFLICT (address) DO UPDATE SET"
	/* the row's columns by the table's name: PostgreSQL reads a bare
	 * name as ambiguous beside excluded's (SQLite reads the row's) */
	" suppressed_at = CASE WHEN recipients.state = 'suppressed'"
	"  THEN COALESCE(recipients.suppressed_at, excluded.suppressed_at)"
	"  ELSE excluded.suppressed_at END,"
	" state = 'suppressed', override = 'suppressed',"
	" override_at = excluded.override_at",
    [STMT_UNSUPPRESS] =
	"INSERT INTO recipients (address, domain, state, override,"
	" override_at) VALUES (?1, ?2, 'active', 'unsuppressed', ?3)"
	" ON CONFLICT (address) DO UPDATE SET state = 'active',"
	/* issue 17 item 5: no longer suppressed, so no time it was */
	" suppressed_at = NULL,"
	" soft_count = 0, soft_since = NULL, override = 'unsuppressed',"
	" override_at = excluded.override_at",
    [STMT_OVERRIDE_LOG] =
	"INSERT INTO overrides (address, action, at, note, reason, source)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [STMT_DECAY] =
	"UPDATE recipients SET state = 'active', soft_count = 0,"
	" soft_since = NULL WHERE state = 'soft' AND last_bounce_at < ?1",
};

/* ---- errors ---- */

static void
set_error(struct store *st, char *text, enum db_fault fault)
{
	free(st->error);
	st->error = text;
	st->fault = fault;
}

int
store_fail(struct store *st, const char *what)
{
	/* a copy: the connection owns its text until its next call */
	set_error(st, xasprintf("%s: %s", what, db_error(st->db)),
	    db_fault(st->db));
	return -1;
}

static int __attribute__((format(printf, 3, 0)))
vset_error(struct store *st, enum db_fault fault, const char *fmt,
    va_list ap)
{
	char text[512]; /* our messages are short; an address is 320 */

	vsnprintf(text, sizeof(text), fmt, ap);
	set_error(st, xstrdup(text), fault);
	return -1;
}

int
store_failx(struct store *st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vset_error(st, DB_FAULT_NONE, fmt, ap);
	va_end(ap);
	return -1;
}

/* store_failx() with the class of the database error it stands for */
static int __attribute__((format(printf, 3, 4)))
set_error_x(struct store *st, enum db_fault fault, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vset_error(st, fault, fmt, ap);
	va_end(ap);
	return -1;
}

const char *
store_error(struct store *st)
{
	return st->error != NULL ? st->error : "no error";
}

bool
store_error_busy(struct store *st)
{
	return st->fault == DB_FAULT_BUSY;
}

/* db_sqlite.c classes SQLite's codes as this file did before issue 18;
 * db_pg.c PostgreSQL's SQLSTATEs */
enum store_fault
store_error_fault(struct store *st)
{
	switch (st->fault) {
	case DB_FAULT_NONE:
		return STORE_FAULT_NONE;
	case DB_FAULT_BUSY:
		return STORE_FAULT_BUSY;
	case DB_FAULT_FATAL:
		return STORE_FAULT_FATAL;
	case DB_FAULT_PASSING:
		break;
	}
	return STORE_FAULT_PASSING;
}

bool
store_error_fatal(struct store *st)
{
	return store_error_fault(st) == STORE_FAULT_FATAL;
}

struct sqlite3 *
store_db(struct store *st)
{
	return db_sqlite_handle(st->db);
}

/* ---- statements ---- */

/*
 * A PostgreSQL connection the server ended -- a restart, a crash, a
 * network fault -- is made again before the next statement, unless a
 * transaction was open (issue 18: a lost connection is a passing
 * fault). That transaction went with the session: its statements fail
 * until the caller rolls back, as it does after any failure, and only
 * then does a new session begin -- never one that would run the rest of
 * the transaction's statements on their own. The cached statements died
 * with the session: they are prepared again on their next use.
 */
static int
revive(struct store *st)
{
	size_t i;

	for (i = 0; i < STMT_COUNT; i++)
		db_finalize(&st->stmt[i]);
	if (db_reconnect(st->db) == -1)
		return store_fail(st, "reconnect");
	if (st->mode == STORE_RDONLY && db_exec(st->db,
	    "SET default_transaction_read_only = on") == -1)
		return store_fail(st, "default_transaction_read_only");
	return 0;
}

struct db_stmt *
store_stmt(struct store *st, enum store_stmt id)
{
	struct db_stmt *stmt;
	const char *sql;

	if (!st->in_tx && db_lost(st->db) && revive(st) == -1)
		return NULL;
	stmt = st->stmt[id];
	sql =
	    stmt_sql[id] != NULL ? stmt_sql[id] : store_resend_sql[id];

	if (db_kind(st->db) == DB_POSTGRESQL && store_pg_sql[id] != NULL)
		sql = store_pg_sql[id];
	if (sql == NULL)
		sql = store_sent_sql[id];
	if (sql == NULL)
		sql = store_lookup_sql[id];
	if (sql == NULL)
		sql = store_mgmt_sql[id];
	if (sql == NULL)
		sql = store_outbox_sql[id];
	if (sql == NULL)
		sql = store_forget_sql[id];
	if (sql == NULL)
		sql = store_stats_sql[id];
	if (stmt == NULL) {
		if (db_prepare(st->db, sql, DB_PREPARE_KEEP, &stmt) == -1) {
			store_fail(st, "prepare");
			return NULL;
		}
		st->stmt[id] = stmt;
	}
	db_reset(stmt);
	db_clear_bindings(stmt);
	return stmt;
}

/* Binders return 0 or -1, so that they chain with ||. */
int
store_bind_text(struct db_stmt *stmt, int i, const char *s)
{
	return db_bind_text(stmt, i, s);
}

/* NULL and "" are both stored as NULL */
int
store_bind_opt(struct db_stmt *stmt, int i, const char *s)
{
	if (s == NULL || *s == '\0')
		return db_bind_null(stmt, i);
	return store_bind_text(stmt, i, s);
}

/* 0 means unknown or never: NULL in the table */
int
store_bind_opt_int(struct db_stmt *stmt, int i, int64_t t)
{
	if (t == 0)
		return db_bind_null(stmt, i);
	return db_bind_int64(stmt, i, t);
}

int
store_stmt_fail(struct store *st, struct db_stmt *stmt, const char *what)
{
	store_fail(st, what);
	db_reset(stmt);
	return -1;
}

/* Runs a statement that returns no row and resets it. */
int
store_step_done(struct store *st, struct db_stmt *stmt, const char *what)
{
	if (db_step(stmt) != DB_DONE)
		return store_stmt_fail(st, stmt, what);
	db_reset(stmt);
	return 0;
}

static int
run(struct store *st, enum store_stmt id, const char *what)
{
	struct db_stmt *stmt = store_stmt(st, id);

	return stmt == NULL ? -1 : store_step_done(st, stmt, what);
}

/* Runs a cached statement without a result, keeping the error text of
 * an earlier failure: for the way out after one. */
static void
run_quiet(struct store *st, enum store_stmt id)
{
	struct db_stmt *stmt = store_stmt(st, id);

	if (stmt != NULL) {
		(void)db_step(stmt);
		db_reset(stmt);
	}
}

int
store_step_int(struct store *st, struct db_stmt *stmt, const char *what,
    int64_t *v_r)
{
	int rc = db_step(stmt);

	if (rc == DB_ROW && v_r != NULL)
		*v_r = db_column_int64(stmt, 0);
	if (rc != DB_ROW && rc != DB_DONE)
		return store_stmt_fail(st, stmt, what);
	db_reset(stmt);
	return rc == DB_ROW;
}

int
store_step_id(struct store *st, struct db_stmt *stmt, const char *what,
    int64_t *id_r)
{
	int64_t id;

	if (db_step(stmt) != DB_ROW)
		return store_stmt_fail(st, stmt, what);
	id = db_column_int64(stmt, 0);
	/* SQLite made the change at the first step, PostgreSQL at once
	 * (https://www.sqlite.org/lang_returning.html) */
	db_reset(stmt);
	if (id_r != NULL)
		*id_r = id;
	return 0;
}

int
store_step_insert(struct store *st, struct db_stmt *stmt, const char *what,
    int64_t *id_r)
{
	enum db_step rc = db_step(stmt);

	if (rc == DB_ROW) { /* RETURNING id */
		if (id_r != NULL)
			*id_r = db_column_int64(stmt, 0);
		db_reset(stmt);
		return 0;
	}
	if (rc != DB_DONE)
		return store_stmt_fail(st, stmt, what);
	db_reset(stmt);
	if (id_r != NULL && db_last_id(st->db, id_r) == -1)
		return store_fail(st, what);
	return 0;
}

void
store_copy_col(struct db_stmt *stmt, int col, char *dst, size_t size)
{
	const char *s = db_column_text(stmt, col);

	snprintf(dst, size, "%s", s != NULL ? s : "");
}

enum reason
store_reason_col(struct db_stmt *stmt, int col)
{
	const char *s = db_column_text(stmt, col);
	enum reason r = s != NULL ? reason_from_name(s) : REASON_COUNT;

	return r == REASON_COUNT ? REASON_UNDEFINED : r;
}

int
store_tx_begin(struct store *st, bool *own_r)
{
	*own_r = !db_in_transaction(st->db);
	if (*own_r)
		return store_begin(st);
	return run(st, STMT_SAVEPOINT, "savepoint");
}

int
store_tx_end(struct store *st, bool own, int rc)
{
	if (rc != -1) {
		if (own && store_commit(st) == 0)
			return rc;
		if (!own && run(st, STMT_RELEASE, "release") == 0)
			return rc;
	}
	if (own) {
		store_rollback(st);
	} else if (db_in_transaction(st->db)) {
		/* ROLLBACK TO keeps the savepoint open; RELEASE ends it.
		 * Some errors have rolled the whole transaction back
		 * already (https://www.sqlite.org/lang_transaction.html);
		 * on PostgreSQL all of them leave it to be rolled back */
		run_quiet(st, STMT_ROLLBACK_TO);
		run_quiet(st, STMT_RELEASE);
	}
	return -1;
}

int
store_read_version(struct store *st, int *v_r)
{
	struct db_stmt *stmt = store_stmt(st, STMT_USER_VERSION);

	if (stmt == NULL)
		return -1;
	if (db_step(stmt) != DB_ROW)
		return store_stmt_fail(st, stmt, "read user_version");
	*v_r = db_column_int64(stmt, 0);
	db_reset(stmt);
	return 0;
}

/*
 * On PostgreSQL no connection learns cheaply that another committed:
 * a counter row every writer bumps would serialise all the writers of
 * all the daemons on that row. So every call after the first answers
 * "changed", and the caller looks again (the resend wake-up once a
 * second, the outbox every 200 ms: a query each), which is what the
 * answer only ever causes.
 */
int
store_changed_elsewhere(struct store *st)
{
	struct db_stmt *stmt;
	int64_t v;
	int changed;

	if (db_kind(st->db) == DB_POSTGRESQL) {
		changed = st->data_version != 0;
		st->data_version = 1;
		return changed;
	}
	stmt = store_stmt(st, STMT_DATA_VERSION);
	if (stmt == NULL)
		return -1;
	if (db_step(stmt) != DB_ROW)
		return store_stmt_fail(st, stmt, "data_version");
	v = db_column_int64(stmt, 0);
	db_reset(stmt);
	changed = st->data_version != 0 && v != st->data_version;
	st->data_version = v;
	return changed;
}

int
store_schema_version(struct store *st)
{
	int v;

	return store_read_version(st, &v) == -1 ? -1 : v;
}

/* ---- opening ---- */

/*
 * A postgresql:// database (issue 18): the connection, then the schema
 * (migrate_pg.c) instead of the file, its directory, its pragmas and
 * its migrations. A read-only open makes every transaction of the
 * session read-only, so that bouncectl's queries cannot write
 * (https://www.postgresql.org/docs/15/runtime-config-client.html
 * #GUC-DEFAULT-TRANSACTION-READ-ONLY).
 */
static int
open_pg(struct store *st, int target, int busy_ms)
{
	char *err = NULL;
	enum db_fault f;

	if (db_pg_open(st->path, &st->db, &err, &f) == -1) {
		set_error(st, err, f);
		return -1;
	}
	if (db_busy_timeout(st->db, busy_ms) == -1)
		return store_fail(st, "lock_timeout");
	if (st->mode == STORE_RDONLY && db_exec(st->db,
	    "SET default_transaction_read_only = on") == -1)
		return store_fail(st, "default_transaction_read_only");
	return store_pg_schema(st, target);
}

/*
 * SQLite only, to the end of open_at()'s SQLite part: a file, its
 * directory, its (dev, ino).
 */

static int
open_db(struct store *st)
{
	if (db_sqlite_open(st->path, st->mode == STORE_RDONLY, &st->db) ==
	    -1) {
		if (st->db == NULL)
			return store_failx(st, "out of memory");
		return store_fail(st, "open");
	}
	db_busy_timeout(st->db, BUSY_TIMEOUT_MS);
	return 0;
}

/* A read-write open needs the directory (for the file, -wal, -shm):
 * say that it is missing rather than "unable to open database file". */
static int
check_dir(struct store *st)
{
	const char *slash = strrchr(st->path, '/');
	char *dir;
	struct stat sb;
	int rc = 0;

	if (slash == NULL)
		return 0; /* the current directory */
	dir = xasprintf("%.*s", slash == st->path ? 1 : (int)(slash - st->path),
	    st->path);
	/* issue 17 item 4: named as what it is, the state directory */
	if (stat(dir, &sb) == -1 && errno == ENOENT)
		rc = set_error_x(st, DB_FAULT_FATAL,
		    "database directory %s does not exist", dir);
	else if (stat(dir, &sb) == -1)
		rc = set_error_x(st, DB_FAULT_FATAL,
		    "database directory %s: %s", dir, strerror(errno));
	else if (!S_ISDIR(sb.st_mode))
		rc = set_error_x(st, DB_FAULT_FATAL, "%s is not a directory",
		    dir);
	free(dir);
	return rc;
}

/* SQLite opens a file it may not write read-only without a word
 * (sqlite3_open_v2(3)); the daemon must know before its first write. */
static int
check_writable(struct store *st)
{
	if (db_sqlite_readonly(st->db) != 1)
		return 0;
	return set_error_x(st, DB_FAULT_FATAL, "cannot be written: %s",
	    access(st->path, W_OK) == -1 ? strerror(errno) :
	    "opened read-only");
}

static int
open_at(const char *path, enum store_mode mode, int target, int busy_ms,
    struct store **st_r, char **error_r, enum store_fault *fault_r)
{
	struct store *st = xcalloc(1, sizeof(*st));
	struct stat sb;
	int rc;

	st->path = xstrdup(path);
	st->mode = mode;
	*st_r = NULL;
	if (database_is_uri(path)) {
		rc = open_pg(st, target, busy_ms);
		goto opened;
	}
	if (mode == STORE_RDONLY && stat(path, &sb) == -1 && errno == ENOENT) {
		*error_r = xasprintf("%s: no such database", path);
		*fault_r = STORE_FAULT_FATAL;
		store_close(&st);
		return -1;
	}
	rc = mode == STORE_RDWR ? check_dir(st) : 0;
	if (rc == 0)
		rc = open_db(st);
	if (rc == 0 && stat(path, &st->file) == -1) /* the file is open */
		rc = set_error_x(st, DB_FAULT_FATAL, "stat: %s",
		    strerror(errno));
	if (rc == 0 && mode == STORE_RDWR)
		rc = check_writable(st);
	if (rc == 0)
		db_busy_timeout(st->db, busy_ms);
	/* the version first: a newer file gets no write, not even WAL mode */
	if (rc == 0)
		rc = store_check_version(st, target);
	if (rc == 0 && mode == STORE_RDWR)
		rc = store_configure(st);
	if (rc == 0 && mode == STORE_RDWR)
		rc = store_migrate(st, target);
opened:
	if (rc == -1) {
		char *shown = database_display(path);

		*error_r = xasprintf("%s: %s", shown, store_error(st));
		free(shown);
		*fault_r = store_error_fault(st);
		if (*fault_r == STORE_FAULT_NONE)
			*fault_r = STORE_FAULT_FATAL; /* our refusal */
		store_close(&st);
		return -1;
	}
	db_busy_timeout(st->db, BUSY_TIMEOUT_MS);
	*st_r = st;
	return 0;
}

int
store_open_at(const char *path, enum store_mode mode, int target,
    struct store **st_r, char **error_r)
{
	enum store_fault f;

	return open_at(path, mode, target, BUSY_TIMEOUT_MS, st_r, error_r, &f);
}

int
store_open_try(const char *path, enum store_mode mode, int busy_ms,
    struct store **st_r, char **error_r, enum store_fault *fault_r)
{
	return open_at(path, mode, STORE_SCHEMA_VERSION, busy_ms, st_r,
	    error_r, fault_r);
}

int
store_open(
    const char *path, enum store_mode mode, struct store **st_r, char **error_r)
{
	return store_open_at(path, mode, STORE_SCHEMA_VERSION, st_r, error_r);
}

int
store_create_at_version(const char *path, int version, char **error_r)
{
	struct store *st;

	if (version < 1 || version > STORE_SCHEMA_VERSION) {
		*error_r = xasprintf("%s: no schema version %d", path, version);
		return -1;
	}
	if (store_open_at(path, STORE_RDWR, version, &st, error_r) == -1)
		return -1;
	store_close(&st);
	return 0;
}

void
store_close(struct store **stp)
{
	struct store *st = *stp;

	if (st == NULL)
		return;
	for (int i = 0; i < STMT_COUNT; i++)
		db_finalize(&st->stmt[i]);
	/* a store_rows still open keeps the connection until
	 * store_rows_free(), the only call it may still take (db.c) */
	db_close(&st->db);
	free(st->error);
	free(st->path);
	free(st);
	*stp = NULL;
}

/* ---- transactions ---- */

/*
 * In WAL mode SQLite goes on writing into a database file that was
 * deleted or replaced under it (SQLITE_READONLY_DBMOVED is for rollback
 * journals only), and whatever is committed there is lost. A write
 * transaction therefore begins only while path is still the file opened.
 */
static int
check_same_file(struct store *st)
{
	struct stat sb;

	if (stat(st->path, &sb) == 0 && sb.st_dev == st->file.st_dev &&
	    sb.st_ino == st->file.st_ino)
		return 0;
	return set_error_x(st, DB_FAULT_FATAL,
	    "the file was moved or deleted while open");
}

int
store_begin(struct store *st)
{
	if (st->mode == STORE_RDWR && db_kind(st->db) == DB_SQLITE &&
	    check_same_file(st) == -1)
		return -1;
	/* PostgreSQL warns of a BEGIN in a transaction and goes on; SQLite
	 * refuses it, and a caller that nests by mistake must hear so */
	if (db_kind(st->db) == DB_POSTGRESQL && db_in_transaction(st->db))
		return store_failx(st, "BEGIN: cannot start a transaction"
		    " within a transaction");
	if (run(st, STMT_BEGIN, db_kind(st->db) == DB_SQLITE ?
	    "BEGIN IMMEDIATE" : "BEGIN") == -1)
		return -1;
	st->in_tx = true;
	st->stats_from = 0;
	return 0;
}

int
store_commit(struct store *st)
{
	/* as store_begin(): PostgreSQL only warns */
	if (db_kind(st->db) == DB_POSTGRESQL && !db_in_transaction(st->db))
		return store_failx(st, "COMMIT: cannot commit - no"
		    " transaction is active");
	if (store_stats_flush(st) == -1)
		return -1; /* the caller rolls back */
	if (run(st, STMT_COMMIT, "COMMIT") == -1)
		return -1; /* still open on SQLite: the caller rolls back */
	st->in_tx = false;
	return 0;
}

void
store_rollback(struct store *st)
{
	struct db_stmt *stmt;

	st->in_tx = false;
	st->stats_from = 0;
	/* some errors roll back by themselves
	 * (https://www.sqlite.org/lang_transaction.html), and a lost
	 * PostgreSQL session took its transaction with it */
	if (!db_in_transaction(st->db))
		return;
	stmt = store_stmt(st, STMT_ROLLBACK);
	if (stmt != NULL) {
		db_step(stmt);
		db_reset(stmt);
	}
}

/* ---- messages, bounces ---- */

int
store_message_find(struct store *st, const char *sha256, int64_t *id_r)
{
	struct db_stmt *stmt = store_stmt(st, STMT_MESSAGE_FIND);
	int rc;

	if (stmt == NULL)
		return -1;
	if (store_bind_text(stmt, 1, sha256) != 0)
		return store_stmt_fail(st, stmt, "find message");
	rc = db_step(stmt);
	if (rc == DB_ROW && id_r != NULL)
		*id_r = db_column_int64(stmt, 0);
	if (rc != DB_ROW && rc != DB_DONE)
		return store_stmt_fail(st, stmt, "find message");
	db_reset(stmt);
	return rc == DB_ROW;
}

static int
bind_message(struct store *st, struct db_stmt *stmt,
    const struct store_message *m)
{
	if (store_bind_text(stmt, 1, m->sha256) ||
	    store_bind_text(stmt, 2, m->source_ref) ||
	    store_bind_opt(stmt, 3, m->message_id) ||
	    store_bind_text(stmt, 4, store_outcome_name(m->outcome)) ||
	    store_bind_opt(stmt, 5, m->error) ||
	    store_bind_opt_int(stmt, 6, m->received_at) ||
	    db_bind_int64(stmt, 7, m->processed_at) ||
	    store_bind_opt(stmt, 8, authenticity_name(m->authenticity)) ||
	    store_bind_opt(stmt, 9, m->caps) ||
	    (m->rcpts_dropped > 0 &&
	    db_bind_int64(stmt, 10, m->rcpts_dropped)) ||
	    (m->attr != NULL && store_bind_attribution(stmt, 11, m->attr)))
		return store_stmt_fail(st, stmt, "add message");
	return 0;
}

int
store_message_add(
    struct store *st, const struct store_message *m, int64_t *id_r)
{
	struct db_stmt *stmt = store_stmt(st, STMT_MESSAGE_ADD);

	if (stmt == NULL || bind_message(st, stmt, m) == -1)
		return -1;
	return store_step_insert(st, stmt, "add message", id_r);
}

int
store_message_add_once(
    struct store *st, const struct store_message *m, int64_t *id_r)
{
	struct db_stmt *stmt = store_stmt(st, STMT_MESSAGE_ADD_ONCE);

	enum db_step rc;

	if (stmt == NULL || bind_message(st, stmt, m) == -1)
		return -1;
	if ((rc = db_step(stmt)) == DB_ROW) { /* RETURNING id: written */
		*id_r = db_column_int64(stmt, 0);
		db_reset(stmt);
		return 1;
	}
	if (rc != DB_DONE)
		return store_stmt_fail(st, stmt, "add message");
	db_reset(stmt);
	if (db_changes(st->db) == 0)
		return 0; /* the sha256 is recorded: nothing was written */
	if (db_last_id(st->db, id_r) == -1)
		return store_fail(st, "add message");
	return 1;
}

static int
bounce_add(struct store *st, int64_t message, const struct store_bounce *b,
    int64_t *id_r)
{
	struct db_stmt *stmt = store_stmt(st, STMT_BOUNCE_ADD);
	int64_t id = 0;

	if (stmt == NULL)
		return -1;
	if (db_bind_int64(stmt, 1, message) ||
	    store_bind_text(stmt, 2, b->recipient) ||
	    store_bind_opt(stmt, 3, dsn_action_name(b->action)) ||
	    store_bind_opt(stmt, 4, b->status) ||
	    (b->reply_code != 0 && db_bind_int64(stmt, 5, b->reply_code)) ||
	    store_bind_opt(stmt, 6, reason_name(b->reason)) ||
	    db_bind_int64(stmt, 7, b->hard ? 1 : 0) ||
	    store_bind_opt(stmt, 8, class_name(b->cls)) ||
	    store_bind_opt(stmt, 9, b->diagnostic) ||
	    store_bind_opt(stmt, 10, b->remote_mta) ||
	    store_bind_opt(stmt, 11, b->original_message_id) ||
	    store_bind_opt(stmt, 12, b->rule) ||
	    store_bind_opt(stmt, 13, b->family) ||
	    store_bind_opt_int(stmt, 14, b->at) ||
	    store_bind_opt(stmt, 15, b->original_recipient) ||
	    store_bind_opt(stmt, 16, b->stage) ||
	    store_bind_opt(stmt, 17, b->stage_source) ||
	    store_bind_opt(stmt, 18, b->layer) ||
	    store_bind_opt(stmt, 19, feedback_name(b->feedback)) ||
	    store_bind_opt(stmt, 20, authenticity_name(b->authenticity)) ||
	    store_bind_opt(stmt, 21, lc_effect_name(b->effect)) ||
	    store_bind_opt_int(stmt, 22, b->bounced_at))
		return store_stmt_fail(st, stmt, "add bounce");
	if (store_step_insert(st, stmt, "add bounce", &id) == -1)
		return -1;
	if (id_r != NULL)
		*id_r = id;
	/* its counters, added when its transaction commits (schema v14,
	 * store_stats.c) */
	store_stats_note(st, id);
	return 0;
}

int
store_bounce_add(struct store *st, int64_t message,
    const struct store_bounce *b, int64_t *id_r)
{
	int rc;

	if (db_in_transaction(st->db))
		return bounce_add(st, message, b, id_r);
	/* alone, it is a transaction of its own: the row and its counters
	 * commit together */
	if (store_begin(st) == -1)
		return -1;
	rc = bounce_add(st, message, b, id_r);
	if (rc == 0 && store_commit(st) == 0)
		return 0;
	store_rollback(st);
	return -1;
}

/* ---- recipients ---- */

static int
read_recipient(struct store *st, struct db_stmt *stmt, struct recipient *r)
{
	int state, o;

	memset(r, 0, sizeof(*r));
	store_copy_col(stmt, 0, r->address, sizeof(r->address));
	store_copy_col(stmt, 1, r->domain, sizeof(r->domain));
	state =
	    rcpt_state_from_name(db_column_text(stmt, 2));
	r->reason = store_reason_col(stmt, 3);
	store_copy_col(stmt, 4, r->status, sizeof(r->status));
	r->bounce_count = db_column_int64(stmt, 5);
	r->soft_count = db_column_int64(stmt, 6);
	/* NULL reads as 0: never */
	r->soft_since = db_column_int64(stmt, 7);
	r->first_bounce_at = db_column_int64(stmt, 8);
	r->last_bounce_at = db_column_int64(stmt, 9);
	r->suppressed_at = db_column_int64(stmt, 10);
	o = rcpt_override_from_name(db_column_text(stmt, 11));
	r->override_at = db_column_int64(stmt, 12);
	if (state == -1 || o == -1)
		return store_failx(
		    st, "recipient %s: unknown state or override", r->address);
	r->state = state;
	r->override = o;
	return 0;
}

int
store_recipient_get(
    struct store *st, const char *address, struct recipient *r)
{
	struct db_stmt *stmt = store_stmt(st, STMT_RECIPIENT_GET);
	int rc;

	if (stmt == NULL)
		return -1;
	if (store_bind_text(stmt, 1, address) != 0)
		return store_stmt_fail(st, stmt, "get recipient");
	rc = db_step(stmt);
	if (rc == DB_ROW && read_recipient(st, stmt, r) == -1)
		rc = DB_ERROR;
	else if (rc != DB_ROW && rc != DB_DONE)
		return store_stmt_fail(st, stmt, "get recipient");
	db_reset(stmt);
	return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}

static int
bind_recipient(struct store *st, struct db_stmt *stmt,
    const struct recipient *r)
{
	const char *o = rcpt_override_name(r->override);

	if (store_bind_text(stmt, 1, r->address) ||
	    store_bind_text(stmt, 2, r->domain) ||
	    store_bind_text(stmt, 3, rcpt_state_name(r->state)) ||
	    store_bind_opt(stmt, 4, r->reason == REASON_UNDEFINED ? NULL :
		reason_name(r->reason)) ||
	    store_bind_opt(stmt, 5, r->status) ||
	    db_bind_int64(stmt, 6, r->bounce_count) ||
	    db_bind_int64(stmt, 7, r->soft_count) ||
	    store_bind_opt_int(stmt, 8, r->soft_since) ||
	    store_bind_opt_int(stmt, 9, r->first_bounce_at) ||
	    store_bind_opt_int(stmt, 10, r->last_bounce_at) ||
	    store_bind_opt_int(stmt, 11, r->suppressed_at) ||
	    store_bind_opt(stmt, 12, o) ||
	    store_bind_opt_int(stmt, 13, r->override_at))
		return store_stmt_fail(st, stmt, "put recipient");
	return 0;
}

int
store_recipient_put(struct store *st, const struct recipient *r)
{
	struct db_stmt *stmt = store_stmt(st, STMT_RECIPIENT_PUT);

	if (stmt == NULL || bind_recipient(st, stmt, r) == -1)
		return -1;
	return store_step_done(st, stmt, "put recipient");
}

int
store_recipient_add(struct store *st, const struct recipient *r)
{
	struct db_stmt *stmt = store_stmt(st, STMT_RECIPIENT_ADD);

	if (stmt == NULL || bind_recipient(st, stmt, r) == -1 ||
	    store_step_done(st, stmt, "add recipient") == -1)
		return -1;
	return db_changes(st->db) == 1;
}

/* ---- overrides: the row and the log are store_mgmt.c's ---- */

/* One transaction (or a savepoint in the caller's): the row, the log and
 * the event (store_override_apply()). */
static int
override_tx(struct store *st, const char *address, enum rcpt_override o,
    int64_t now, const char *note)
{
	struct store_override_in in = { .address = address, .o = o,
		.note = note };
	bool own;
	int rc;

	if (store_tx_begin(st, &own) == -1)
		return -1;
	rc = store_override_apply(st, &in, now);
	return store_tx_end(st, own, rc);
}

int
store_override(struct store *st, const char *address, enum rcpt_override o,
    int64_t now, const char *note)
{
	char addr[STORE_ADDR_MAX + 1];
	size_t len = strlen(address);
	const char *at;

	if (o != OVERRIDE_SUPPRESSED && o != OVERRIDE_UNSUPPRESSED)
		return store_failx(st, "override: no decision given");
	if (len == 0 || len > STORE_ADDR_MAX)
		return store_failx(st, "override: address of %zu bytes", len);
	for (size_t i = 0; i <= len; i++)
		addr[i] = (char)bd_lower((unsigned char)address[i]);
	at = strrchr(addr, '@');
	if (at == NULL || at[1] == '\0' || strlen(at + 1) > 255)
		return store_failx(st, "override: %s: not an address", addr);
	return override_tx(st, addr, o, now, note);
}

/* ---- soft decay, resends ---- */

int
store_decay_soft(struct store *st, int64_t before, int64_t *n_r)
{
	struct db_stmt *stmt = store_stmt(st, STMT_DECAY);

	if (stmt == NULL)
		return -1;
	if (db_bind_int64(stmt, 1, before) != 0)
		return store_stmt_fail(st, stmt, "decay soft");
	if (store_step_done(st, stmt, "decay soft") == -1)
		return -1;
	if (n_r != NULL)
		*n_r = db_changes(st->db);
	return 0;
}

