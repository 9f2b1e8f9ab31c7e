/*
 * db.h on PostgreSQL through libpq (issue 18). The one libpq-fe.h user;
 * libpq is loaded at the first open (pq_load.h), so its calls are pq.*.
 *
 * A statement is prepared on the server at db_prepare() (PQprepare, so a
 * syntax error shows there, as on SQLite), its ? and ?N turned into $N.
 * The first db_step() executes it with the bound values as text
 * (PQexecPrepared) and fetches the whole result; the next steps walk its
 * rows. Whole results, not single-row mode: two statements of one
 * connection may be in the middle of their rows at once (store_query.c),
 * which a streamed result would forbid. XXX(#18): a query over millions
 * of rows (bouncectl's exports) wants a cursor instead.
 */
#include <libpq-fe.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/xmalloc.h"
#include "db_private.h"
#include "pq_load.h"

/* Type OIDs of the columns we tell apart: fixed since they were added
 * (PostgreSQL's src/include/catalog/pg_type.dat) */
#define OID_BOOL    16
#define OID_BYTEA   17
#define OID_INT8    20
#define OID_INT2    21
#define OID_INT4    23
#define OID_OID     26
#define OID_FLOAT4  700
#define OID_FLOAT8  701
#define OID_NUMERIC 1700

struct pg {
	struct db db;
	PGconn *conn;
	char *error; /* owned: the last failure's text, or NULL */
	enum db_fault fault;
	int64_t changes;     /* of the last INSERT, UPDATE or DELETE */
	unsigned long names; /* statements prepared so far: their names */
	int lock_ms;	     /* db_busy_timeout()'s, or -1: for a reconnect */
};

struct pg_stmt {
	struct db_stmt stmt;
	char name[32];
	int nparams;
	char **values;	/* owned, NULL for NULL; a blob's borrowed */
	int *lengths, *formats;
	bool *borrowed; /* values[i] is the caller's blob */
	PGresult *desc; /* owned: the columns (PQdescribePrepared) */
	PGresult *res;	/* owned: the result, from the first step */
	bool commit;	/* COMMIT or END: see failed_commit() */
	int row;	/* the current row; ntuples when done */
	unsigned char **blobs; /* owned: the current row's bytea, decoded */
	size_t *blob_lens;
};

#define PGC(d) ((struct pg *)(void *)(d))
#define PGS(s) ((struct pg_stmt *)(void *)(s))

/* ---- errors ---- */

static void
pg_set_error(struct pg *pg, enum db_fault fault, char *text)
{
	size_t n = strlen(text);

	/* libpq's messages end in a newline */
	while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == ' '))
		text[--n] = '\0';
	free(pg->error);
	pg->error = text;
	pg->fault = fault;
}

static void
pg_clear_error(struct pg *pg)
{
	free(pg->error);
	pg->error = NULL;
	pg->fault = DB_FAULT_NONE;
}

/*
 * The class of a SQLSTATE, after PostgreSQL's "Appendix A. PostgreSQL
 * Error Codes" (https://www.postgresql.org/docs/15/errcodes-appendix.html):
 * a lock or a serialisation conflict with another session is BUSY, as
 * SQLITE_BUSY is; a lost connection, a server shutting down or out of
 * disk or memory is PASSING; bad SQL or a missing object (42), a refused
 * login (28), no such database (3D000), a read-only transaction (25006)
 * and corrupt data (XX001, XX002) recur until a person acts: FATAL.
 * Everything else (a constraint violation among them) is PASSING, as
 * SQLite's other codes are (db_sqlite.c).
 */
static enum db_fault
sqlstate_fault(const char *s)
{
	if (s == NULL || strlen(s) != 5)
		return DB_FAULT_PASSING;
	if (strcmp(s, "40001") == 0 || /* serialization_failure */
	    strcmp(s, "40P01") == 0 || /* deadlock_detected */
	    strcmp(s, "55P03") == 0)   /* lock_not_available */
		return DB_FAULT_BUSY;
	if (strncmp(s, "08", 2) == 0 || /* connection exception */
	    strncmp(s, "57P", 3) == 0 || /* admin or crash shutdown */
	    strncmp(s, "53", 2) == 0 ||	 /* insufficient resources */
	    strncmp(s, "58", 2) == 0)	 /* system error (I/O) */
		return DB_FAULT_PASSING;
	if (strncmp(s, "42", 2) == 0 || /* syntax error or access rule */
	    strncmp(s, "28", 2) == 0 || /* invalid authorization */
	    strcmp(s, "3D000") == 0 ||	/* invalid_catalog_name */
	    strcmp(s, "25006") == 0 ||	/* read_only_sql_transaction */
	    strcmp(s, "XX001") == 0 || strcmp(s, "XX002") == 0) /* corrupt */
		return DB_FAULT_FATAL;
	return DB_FAULT_PASSING;
}

/* A failed result (or none: the connection went) as the last error. */
static void
pg_fail_result(struct pg *pg, const PGresult *res)
{
	const char *state, *msg;

	if (res == NULL || pq.PQstatus(pg->conn) == CONNECTION_BAD) {
		pg_set_error(pg, DB_FAULT_PASSING,
		    xasprintf("%s", pq.PQerrorMessage(pg->conn)));
		return;
	}
	state = pq.PQresultErrorField(res, PG_DIAG_SQLSTATE);
	msg = pq.PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	/* no DETAIL: it quotes the values (an address) of the row */
	pg_set_error(pg, sqlstate_fault(state),
	    msg != NULL ? xasprintf("%s (SQLSTATE %s)", msg,
	    state != NULL ? state : "?") :
	    xasprintf("%s", pq.PQresultErrorMessage(res)));
}

static bool
result_ok(const PGresult *res)
{
	ExecStatusType s = pq.PQresultStatus(res);

	return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
}

static void count_changes(struct pg *pg, PGresult *res);

static const char *
pg_error(struct db *db)
{
	return PGC(db)->error != NULL ? PGC(db)->error : "not an error";
}

static enum db_fault
pg_fault(struct db *db)
{
	return PGC(db)->fault;
}

/* ---- the connection ---- */

/* libpq prints a server's NOTICE on stderr by default; a library never
 * writes there (STYLE.md 4) */
static void
pg_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

static void
pg_close(struct db *db)
{
	struct pg *pg = PGC(db);

	pq.PQfinish(pg->conn);
	free(pg->error);
	free(pg);
}

/* sql is COMMIT (or its other name, END), after any blanks. */
static bool
is_commit(const char *sql)
{
	sql += strspn(sql, " \t\r\n");
	return (strncasecmp(sql, "COMMIT", 6) == 0 &&
	    (sql[6] == '\0' || strchr(" \t\r\n;", sql[6]) != NULL)) ||
	    (strncasecmp(sql, "END", 3) == 0 &&
	    (sql[3] == '\0' || strchr(" \t\r\n;", sql[3]) != NULL));
}

/*
 * A COMMIT of a transaction that an error has aborted succeeds on
 * PostgreSQL, with the command tag ROLLBACK
 * (https://www.postgresql.org/docs/15/sql-commit.html): nothing was
 * committed. SQLite's COMMIT after a failure commits what succeeded;
 * neither may look like a commit to a caller that acknowledges mail
 * after it. A failure here, PASSING: the work is to be done again.
 */
static bool
failed_commit(struct pg *pg, PGresult *res)
{
	if (strcmp(pq.PQcmdStatus(res), "ROLLBACK") != 0)
		return false;
	pg_set_error(pg, DB_FAULT_PASSING, xstrdup("COMMIT: the transaction"
	    " had failed, and was rolled back instead"));
	return true;
}

/* What every session of ours is set to, at the start and again after a
 * reconnect. */
static int pg_session(struct pg *pg);

static int
pg_exec(struct db *db, const char *sql)
{
	struct pg *pg = PGC(db);
	PGresult *res;
	int rc = 0;

	pg_clear_error(pg);
	/* the simple query protocol: several statements, no parameters */
	res = pq.PQexec(pg->conn, sql);
	if (res == NULL || !result_ok(res)) {
		pg_fail_result(pg, res);
		rc = -1;
	} else if (is_commit(sql) && failed_commit(pg, res)) {
		rc = -1;
	} else {
		count_changes(pg, res); /* the script's last statement */
	}
	pq.PQclear(res);
	return rc;
}

static int
pg_busy_timeout(struct db *db, int ms)
{
	char sql[64];

	PGC(db)->lock_ms = ms < 0 ? 0 : ms;
	/* a lock wait past it fails with 55P03 lock_not_available: BUSY */
	snprintf(sql, sizeof(sql), "SET lock_timeout = %d", ms < 0 ? 0 : ms);
	return pg_exec(db, sql);
}

static int64_t
pg_changes(struct db *db)
{
	return PGC(db)->changes;
}

/* the session's last nextval(): an identity column's, when the INSERT
 * made no other row by a sequence (a trigger's) */
static int
pg_last_id(struct db *db, int64_t *id_r)
{
	struct pg *pg = PGC(db);
	PGresult *res;
	int rc = -1;

	pg_clear_error(pg);
	res = pq.PQexecParams(pg->conn, "SELECT lastval()", 0, NULL, NULL, NULL,
	    NULL, 0);
	if (res == NULL || pq.PQresultStatus(res) != PGRES_TUPLES_OK ||
	    pq.PQntuples(res) != 1)
		pg_fail_result(pg, res);
	else {
		*id_r = strtoll(pq.PQgetvalue(res, 0, 0), NULL, 10);
		rc = 0;
	}
	pq.PQclear(res);
	return rc;
}

static bool
pg_lost(struct db *db)
{
	return pq.PQstatus(PGC(db)->conn) == CONNECTION_BAD;
}

static enum db_fault connect_fault(const char *msg);

/*
 * PQreset(): the same parameters, a new session, the settings again.
 * Blocking, as the first connect is: a server that is down answers at
 * once (the socket refused), one that cannot be reached waits for
 * connect_timeout (connect_uri(): 10 s unless the URI says otherwise).
 */
static int
pg_reconnect(struct db *db)
{
	struct pg *pg = PGC(db);

	pg_clear_error(pg);
	pq.PQreset(pg->conn);
	if (pq.PQstatus(pg->conn) != CONNECTION_OK) {
		char *msg = xstrdup(pq.PQerrorMessage(pg->conn));

		pg_set_error(pg, connect_fault(msg), msg);
		return -1;
	}
	return pg_session(pg);
}

static bool
pg_in_transaction(struct db *db)
{
	switch (pq.PQtransactionStatus(PGC(db)->conn)) {
	case PQTRANS_ACTIVE:
	case PQTRANS_INTRANS:
	case PQTRANS_INERROR:
		return true;
	default:
		return false;
	}
}

/*
 * libpq keeps a connection's failure in text only. A server that refused
 * us said FATAL (a role, a password, a database it does not have): that
 * recurs. One that is starting or shutting down, or that we could not
 * reach, is passing.
 */
static enum db_fault
connect_fault(const char *msg)
{
	if (strstr(msg, "FATAL:") == NULL)
		return DB_FAULT_PASSING;
	if (strstr(msg, "starting up") != NULL ||
	    strstr(msg, "shutting down") != NULL ||
	    strstr(msg, "recovery mode") != NULL ||
	    strstr(msg, "too many clients") != NULL)
		return DB_FAULT_PASSING;
	return DB_FAULT_FATAL;
}

static const struct db_ops pg_ops;

/*
 * Issue 18: the password is never in the configuration, which is
 * readable by more people than a password file should be: a URI that
 * holds one (user:secret@, ?password=) is refused before it is used.
 * PQconninfoParse() reads the URI as PQconnectdb() would
 * (https://www.postgresql.org/docs/15/libpq-connect.html#LIBPQ-CONNSTRING).
 */
static bool
holds_password(const PQconninfoOption *opts)
{
	for (const PQconninfoOption *o = opts; o->keyword != NULL; o++)
		if (strcmp(o->keyword, "password") == 0 && o->val != NULL &&
		    o->val[0] != '\0')
			return true;
	return false;
}

/*
 * A URI libpq cannot parse is the configuration's fault: it recurs, so
 * it is fatal at once (PQconnectdb()'s failure would read as a server
 * not there yet, waited for). NULL, or why, allocated.
 */
static char *
uri_refused(const char *uri)
{
	char *perr = NULL, *why;
	PQconninfoOption *opts = pq.PQconninfoParse(uri, &perr);
	size_t n;

	if (opts == NULL) {
		why = perr != NULL ? xasprintf("not a PostgreSQL URI: %s",
		    perr) : xstrdup("out of memory");
		pq.PQfreemem(perr);
		n = strlen(why);
		while (n > 0 && why[n - 1] == '\n')
			why[--n] = '\0';
		return why;
	}
	why = holds_password(opts) ? xstrdup("the URI holds a password:"
	    " give it in PGPASSFILE or ~/.pgpass instead (libpq-pgpass)") :
	    NULL;
	pq.PQconninfoFree(opts);
	return why;
}

/*
 * The URI's own connect_timeout, else PGCONNECT_TIMEOUT's, else
 * PG_CONNECT_TIMEOUT seconds: without one, libpq waits as long as TCP
 * does for a host that does not answer, and the daemon's loop with it,
 * at the first connect and at each PQreset() (pg_reconnect()).
 * PQconnectdbParams() reads its keywords in order and the last wins, so
 * the URI, expanded from dbname after the default, overrides it
 * (https://www.postgresql.org/docs/15/libpq-connect.html#LIBPQ-PQCONNECTDBPARAMS).
 */
#define PG_CONNECT_TIMEOUT "10"

static PGconn *
connect_uri(const char *uri)
{
	const char *env = getenv("PGCONNECT_TIMEOUT");
	const char *const keys[] = {"connect_timeout", "dbname", NULL};
	const char *const values[] = {env != NULL && *env != '\0' ? env :
	    PG_CONNECT_TIMEOUT, uri, NULL};

	return pq.PQconnectdbParams(keys, values, 1);
}

int
db_pg_open(const char *uri, struct db **db_r, char **error_r,
    enum db_fault *fault_r)
{
	struct pg *pg;
	PGconn *conn;
	char *msg;
	size_t n;

	*db_r = NULL;
	if (pq_load(error_r) == -1) {
		*fault_r = DB_FAULT_FATAL;
		return -1;
	}
	if ((*error_r = uri_refused(uri)) != NULL) {
		*fault_r = DB_FAULT_FATAL;
		return -1;
	}
	/* the password: libpq reads PGPASSWORD, PGPASSFILE or ~/.pgpass
	 * itself when the URI names none (libpq-pgpass) */
	conn = connect_uri(uri);
	if (conn == NULL) {
		*error_r = xstrdup("out of memory");
		*fault_r = DB_FAULT_PASSING;
		return -1;
	}
	if (pq.PQstatus(conn) != CONNECTION_OK) {
		msg = xstrdup(pq.PQerrorMessage(conn));
		n = strlen(msg);
		while (n > 0 && msg[n - 1] == '\n')
			msg[--n] = '\0';
		*fault_r = connect_fault(msg);
		*error_r = msg;
		pq.PQfinish(conn);
		return -1;
	}
	pq.PQsetNoticeProcessor(conn, pg_notice, NULL);
	pg = xcalloc(1, sizeof(*pg));
	db_init(&pg->db, &pg_ops, DB_POSTGRESQL);
	pg->conn = conn;
	pg->lock_ms = -1;
	if (pg_session(pg) == -1) {
		*error_r = xstrdup(pg->error);
		*fault_r = pg->fault;
		pg_close(&pg->db);
		return -1;
	}
	*db_r = &pg->db;
	return 0;
}

static int
pg_session(struct pg *pg)
{
	char sql[64];

	/* the placeholder rewrite reads '' as the only escape in a string,
	 * and the text comes and goes as UTF-8 */
	if (pg_exec(&pg->db, "SET standard_conforming_strings = on;"
	    " SET client_encoding = 'UTF8'") == -1)
		return -1;
	if (pg->lock_ms < 0)
		return 0;
	snprintf(sql, sizeof(sql), "SET lock_timeout = %d", pg->lock_ms);
	return pg_exec(&pg->db, sql);
}

/* ---- statements ---- */

/*
 * sql with ? and ?N as $N, the numbers as SQLite gives them
 * (https://www.sqlite.org/lang_expr.html#parameters: a bare ? is one more
 * than the largest number so far); *n_r the largest. A ? inside a string
 * ('it''s?'), a quoted name ("a?") or a comment stays.
 * XXX(#18): dollar-quoted strings ($$...$$) and the jsonb ? operators
 * are not recognised; our SQL has neither.
 */
static char *
rewrite(const char *sql, int *n_r)
{
	size_t len = strlen(sql), o = 0;
	char *out = xmalloc(len * 8 + 1); /* "?" -> "$NNNNNN" at most */
	int max = 0, depth = 0;
	char quote = 0;

	for (size_t i = 0; i < len; i++) {
		char c = sql[i];

		if (quote != 0) {
			/* '' and "" escape themselves: leave and reenter */
			if (c == quote)
				quote = 0;
		} else if (depth > 0) {
			if (c == '*' && sql[i + 1] == '/') {
				depth--;
				out[o++] = sql[i++];
			} else if (c == '/' && sql[i + 1] == '*') {
				depth++;
				out[o++] = sql[i++];
			}
		} else if (c == '\'' || c == '"') {
			quote = c;
		} else if (c == '-' && sql[i + 1] == '-') {
			while (i < len && sql[i] != '\n')
				out[o++] = sql[i++];
			if (i == len)
				break;
		} else if (c == '/' && sql[i + 1] == '*') {
			depth = 1;
			out[o++] = sql[i++];
		} else if (c == '?') {
			long v = 0;
			size_t j = i + 1;

			while (j < len && sql[j] >= '0' && sql[j] <= '9' &&
			    v < 100000)
				v = v * 10 + (sql[j++] - '0');
			if (j == i + 1)
				v = max + 1;
			if (v > max)
				max = (int)v;
			o += (size_t)sprintf(out + o, "$%ld", v);
			i = j - 1;
			continue;
		}
		out[o++] = sql[i]; /* not c: a comment's mark moved i on */
	}
	out[o] = '\0';
	*n_r = max;
	return out;
}

/*
 * The parameter types PQprepare() is given: 0 (the server infers it
 * from where it stands) for each $N the text has, text for a number it
 * skips. The store's statements built from pieces (store_query.c's
 * list: ?1, ?3 without ?2) bind only the numbers they use; SQLite
 * leaves a number it never saw alone, PostgreSQL cannot infer its type
 * and refuses the statement (42P18). Allocated, n entries; the text is
 * rewrite()'s, where a $ is always a parameter.
 */
#define OID_TEXT 25
static Oid *
param_types(const char *text, int n)
{
	Oid *types = xcalloc((size_t)n + 1, sizeof(*types));
	char mark[16];
	const char *p;
	size_t len;

	for (int i = 1; i <= n; i++) {
		len = (size_t)snprintf(mark, sizeof(mark), "$%d", i);
		types[i - 1] = OID_TEXT;
		for (p = strstr(text, mark); p != NULL;
		    p = strstr(p + len, mark))
			if (p[len] < '0' || p[len] > '9') {
				types[i - 1] = 0;
				break;
			}
	}
	return types;
}

static int
pg_prepare(struct db *db, const char *sql, unsigned flags,
    struct db_stmt **stmt_r)
{
	struct pg *pg = PGC(db);
	struct pg_stmt *ps;
	PGresult *res;
	char *text;
	Oid *types;
	int n;

	(void)flags; /* every prepared statement lives on the server */
	pg_clear_error(pg);
	text = rewrite(sql, &n);
	ps = xcalloc(1, sizeof(*ps));
	snprintf(ps->name, sizeof(ps->name), "bd_%lu", ++pg->names);
	types = param_types(text, n);
	res = pq.PQprepare(pg->conn, ps->name, text, n, types);
	free(types);
	free(text);
	if (res == NULL || !result_ok(res)) {
		pg_fail_result(pg, res);
		pq.PQclear(res);
		free(ps);
		return -1;
	}
	pq.PQclear(res);
	ps->desc = pq.PQdescribePrepared(pg->conn, ps->name);
	if (ps->desc == NULL || !result_ok(ps->desc)) {
		pg_fail_result(pg, ps->desc);
		pq.PQclear(ps->desc);
		free(ps);
		return -1;
	}
	ps->nparams = n;
	ps->commit = is_commit(sql);
	ps->values = xcalloc((size_t)n + 1, sizeof(*ps->values));
	ps->lengths = xcalloc((size_t)n + 1, sizeof(*ps->lengths));
	ps->formats = xcalloc((size_t)n + 1, sizeof(*ps->formats));
	ps->borrowed = xcalloc((size_t)n + 1, sizeof(*ps->borrowed));
	ps->blobs = xcalloc((size_t)pq.PQnfields(ps->desc) + 1,
	    sizeof(*ps->blobs));
	ps->blob_lens = xcalloc((size_t)pq.PQnfields(ps->desc) + 1,
	    sizeof(*ps->blob_lens));
	db_stmt_init(&ps->stmt, db);
	*stmt_r = &ps->stmt;
	return 0;
}

static void
free_blobs(struct pg_stmt *ps)
{
	for (int i = 0; i < pq.PQnfields(ps->desc); i++) {
		pq.PQfreemem(ps->blobs[i]);
		ps->blobs[i] = NULL;
	}
}

static void
pg_reset(struct db_stmt *stmt)
{
	struct pg_stmt *ps = PGS(stmt);

	free_blobs(ps);
	pq.PQclear(ps->res);
	ps->res = NULL;
	ps->row = 0;
}

static void
unbind(struct pg_stmt *ps, int i)
{
	if (!ps->borrowed[i])
		free(ps->values[i]);
	ps->values[i] = NULL;
	ps->lengths[i] = 0;
	ps->formats[i] = 0;
	ps->borrowed[i] = false;
}

static void
pg_clear_bindings(struct db_stmt *stmt)
{
	struct pg_stmt *ps = PGS(stmt);

	for (int i = 0; i < ps->nparams; i++)
		unbind(ps, i);
}

static void
pg_finalize(struct db_stmt *stmt)
{
	struct pg_stmt *ps = PGS(stmt);
	struct pg *pg = PGC(stmt->db);
	char sql[48];

	pg_reset(stmt);
	pg_clear_bindings(stmt);
	/* outside a failed transaction, which refuses every command but
	 * ROLLBACK: there the name stays until the connection closes (it
	 * is never reused); a result of its own, the last error kept */
	if (pq.PQtransactionStatus(pg->conn) == PQTRANS_IDLE ||
	    pq.PQtransactionStatus(pg->conn) == PQTRANS_INTRANS) {
		snprintf(sql, sizeof(sql), "DEALLOCATE %s", ps->name);
		pq.PQclear(pq.PQexec(pg->conn, sql));
	}
	pq.PQclear(ps->desc);
	free(ps->values);
	free(ps->lengths);
	free(ps->formats);
	free(ps->borrowed);
	free(ps->blobs);
	free(ps->blob_lens);
	free(ps);
}

static int
pg_bind_count(struct db_stmt *stmt)
{
	return PGS(stmt)->nparams;
}

/* Slot i (from 1) emptied for a new value, or -1 out of range. */
static int
slot(struct db_stmt *stmt, int i)
{
	struct pg_stmt *ps = PGS(stmt);

	if (i < 1 || i > ps->nparams) {
		pg_set_error(PGC(stmt->db), DB_FAULT_PASSING,
		    xasprintf("bind: no parameter %d (of %d)", i,
		    ps->nparams));
		return -1;
	}
	unbind(ps, i - 1);
	return i - 1;
}

static int
pg_bind_int64(struct db_stmt *stmt, int i, int64_t v)
{
	int k = slot(stmt, i);

	if (k == -1)
		return -1;
	PGS(stmt)->values[k] = xasprintf("%" PRId64, v);
	return 0;
}

static int
pg_bind_text(struct db_stmt *stmt, int i, const char *s, size_t len)
{
	int k = slot(stmt, i);
	char *v;

	if (k == -1)
		return -1;
	/* text goes NUL-terminated: a NUL inside ends it, which
	 * PostgreSQL's text refuses anyway */
	v = xmalloc(len + 1);
	memcpy(v, s, len);
	v[len] = '\0';
	PGS(stmt)->values[k] = v;
	return 0;
}

static int
pg_bind_null(struct db_stmt *stmt, int i)
{
	return slot(stmt, i) == -1 ? -1 : 0;
}

static int
pg_bind_blob(struct db_stmt *stmt, int i, const void *p, size_t len)
{
	struct pg_stmt *ps = PGS(stmt);
	int k = slot(stmt, i);

	if (k == -1)
		return -1;
	if (len > INT_MAX) {
		pg_set_error(PGC(stmt->db), DB_FAULT_PASSING,
		    xasprintf("bind: a blob of %zu bytes", len));
		return -1;
	}
	/* binary: bytea's bytes as they are, no escaping */
	ps->values[k] = (char *)(uintptr_t)(len > 0 ? p : "");
	ps->borrowed[k] = true;
	ps->lengths[k] = (int)len;
	ps->formats[k] = 1;
	return 0;
}

/* The row count of an INSERT, UPDATE, DELETE (or MERGE), as SQLite
 * counts changes: a SELECT leaves the last one. */
static void
count_changes(struct pg *pg, PGresult *res)
{
	const char *cmd = pq.PQcmdStatus(res);

	if (strncmp(cmd, "INSERT", 6) == 0 || strncmp(cmd, "UPDATE", 6) == 0 ||
	    strncmp(cmd, "DELETE", 6) == 0 || strncmp(cmd, "MERGE", 5) == 0)
		pg->changes = strtoll(pq.PQcmdTuples(res), NULL, 10);
}

static enum db_step
pg_step(struct db_stmt *stmt)
{
	struct pg_stmt *ps = PGS(stmt);
	struct pg *pg = PGC(stmt->db);
	bool ok = false;

	free_blobs(ps);
	if (ps->res == NULL) {
		pg_clear_error(pg);
		ps->res = pq.PQexecPrepared(pg->conn, ps->name, ps->nparams,
		    (const char *const *)ps->values, ps->lengths, ps->formats,
		    0);
		if (ps->res == NULL || !result_ok(ps->res))
			pg_fail_result(pg, ps->res);
		else if (!ps->commit || !failed_commit(pg, ps->res))
			ok = true;
		if (!ok) {
			pq.PQclear(ps->res);
			ps->res = NULL;
			return DB_ERROR;
		}
		count_changes(pg, ps->res);
		ps->row = -1;
	}
	if (ps->row < pq.PQntuples(ps->res))
		ps->row++;
	return ps->row < pq.PQntuples(ps->res) ? DB_ROW : DB_DONE;
}

/* ---- columns ---- */

static int
pg_column_count(struct db_stmt *stmt)
{
	return pq.PQnfields(PGS(stmt)->desc);
}

static const char *
pg_column_name(struct db_stmt *stmt, int col)
{
	return pq.PQfname(PGS(stmt)->desc, col);
}

/* Whether the current row has column col: a row, a column it has. */
static bool
has(struct pg_stmt *ps, int col)
{
	return ps->res != NULL && ps->row >= 0 &&
	    ps->row < pq.PQntuples(ps->res) && col >= 0 &&
	    col < pq.PQnfields(ps->res);
}

static enum db_type
pg_column_type(struct db_stmt *stmt, int col)
{
	struct pg_stmt *ps = PGS(stmt);

	if (!has(ps, col) || pq.PQgetisnull(ps->res, ps->row, col))
		return DB_NULL;
	switch (pq.PQftype(ps->res, col)) {
	case OID_BOOL:
	case OID_INT2:
	case OID_INT4:
	case OID_INT8:
	case OID_OID:
		return DB_INT;
	case OID_FLOAT4:
	case OID_FLOAT8:
	case OID_NUMERIC:
		return DB_FLOAT;
	case OID_BYTEA:
		return DB_BLOB;
	default:
		return DB_TEXT;
	}
}

static const char *
pg_column_text(struct db_stmt *stmt, int col)
{
	struct pg_stmt *ps = PGS(stmt);

	if (!has(ps, col) || pq.PQgetisnull(ps->res, ps->row, col))
		return NULL;
	return pq.PQgetvalue(ps->res, ps->row, col);
}

static int64_t
pg_column_int64(struct db_stmt *stmt, int col)
{
	const char *s = pg_column_text(stmt, col);

	if (s == NULL)
		return 0;
	if (pq.PQftype(PGS(stmt)->res, col) == OID_BOOL)
		return s[0] == 't';
	/* a float's text reads up to its point, as SQLite truncates */
	return strtoll(s, NULL, 10);
}

/* A bytea column's bytes, decoded from the text result's hex once per
 * row; another column's text as it is. */
static const void *
pg_column_blob(struct db_stmt *stmt, int col)
{
	struct pg_stmt *ps = PGS(stmt);
	const char *s = pg_column_text(stmt, col);

	if (s == NULL || pq.PQftype(ps->res, col) != OID_BYTEA)
		return s;
	if (ps->blobs[col] == NULL) {
		ps->blobs[col] = pq.PQunescapeBytea((const unsigned char *)s,
		    &ps->blob_lens[col]);
		if (ps->blobs[col] == NULL)
			ps->blob_lens[col] = 0;
	}
	return ps->blobs[col];
}

static size_t
pg_column_bytes(struct db_stmt *stmt, int col)
{
	struct pg_stmt *ps = PGS(stmt);

	if (!has(ps, col) || pq.PQgetisnull(ps->res, ps->row, col))
		return 0;
	if (pq.PQftype(ps->res, col) != OID_BYTEA)
		return (size_t)pq.PQgetlength(ps->res, ps->row, col);
	(void)pg_column_blob(stmt, col);
	return ps->blob_lens[col];
}

static const struct db_ops pg_ops = {
	.close = pg_close,
	.error = pg_error,
	.fault = pg_fault,
	.busy_timeout = pg_busy_timeout,
	.exec = pg_exec,
	.changes = pg_changes,
	.last_id = pg_last_id,
	.in_transaction = pg_in_transaction,
	.lost = pg_lost,
	.reconnect = pg_reconnect,
	.prepare = pg_prepare,
	.finalize = pg_finalize,
	.bind_count = pg_bind_count,
	.bind_int64 = pg_bind_int64,
	.bind_text = pg_bind_text,
	.bind_null = pg_bind_null,
	.bind_blob = pg_bind_blob,
	.clear_bindings = pg_clear_bindings,
	.step = pg_step,
	.reset = pg_reset,
	.column_count = pg_column_count,
	.column_name = pg_column_name,
	.column_type = pg_column_type,
	.column_int64 = pg_column_int64,
	.column_text = pg_column_text,
	.column_blob = pg_column_blob,
	.column_bytes = pg_column_bytes,
};
