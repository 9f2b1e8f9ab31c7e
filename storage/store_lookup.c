/*
 * Send time (issue 15): what lifecycle_send() reads of one recipient, by
 * the primary key of the WITHOUT ROWID recipients table, and the walk
 * over the suppressed for bouncectl export --postfix.
 */
#include <stddef.h>
#include <string.h>

#include "lifecycle/send.h"
#include "store_private.h"

const char *const store_lookup_sql[STMT_COUNT] = {
    /* the person's reason only for a person's suppression (CASE does
     * not run the subquery otherwise): overrides_address finds it */
    [STMT_RECIPIENT_STANDING] =
	"SELECT state, reason, override, suppressed_at, override_at,"
	" CASE WHEN override = 'suppressed' THEN (SELECT o.reason FROM"
	" overrides o WHERE o.address = ?1 AND o.action = 'suppressed'"
	" ORDER BY o.id DESC LIMIT 1) END,"
	" CASE WHEN override = 'suppressed' THEN EXISTS (SELECT 1 FROM"
	" overrides o WHERE o.address = ?1 AND o.action = 'suppressed'"
	" AND o.at = suppressed_at) END FROM recipients WHERE address = ?1",
    /* bouncectl forget keeps the keyed hash alone (schema v9) */
    [STMT_FORGOTTEN_AT] = "SELECT at FROM forgotten WHERE hash = ?1",
};

static const char suppressed_sql[] =
    "SELECT r.address, r.state, r.reason, r.override, r.suppressed_at,"
    " r.override_at, CASE WHEN r.override = 'suppressed' THEN (SELECT"
    " o.reason FROM overrides o WHERE o.address = r.address AND"
    " o.action = 'suppressed' ORDER BY o.id DESC LIMIT 1) END,"
    " CASE WHEN r.override = 'suppressed' THEN EXISTS (SELECT 1 FROM"
    " overrides o WHERE o.address = r.address AND o.action = 'suppressed'"
    " AND o.at = r.suppressed_at) END"
    " FROM recipients r WHERE r.state = 'suppressed' ORDER BY r.address";

/* Columns col..col+6 of either statement into *s. */
static int
read_standing(
    struct store *st, struct db_stmt *stmt, int col, struct rcpt_standing *s)
{
	int state =
	    rcpt_state_from_name(db_column_text(stmt, col));
	int o = rcpt_override_from_name(
	    db_column_text(stmt, col + 2));

	memset(s, 0, sizeof(*s));
	if (state == -1 || o == -1)
		return store_failx(st, "recipient: unknown state or override");
	s->exists = true;
	s->state = state;
	s->reason = store_reason_col(stmt, col + 1);
	s->override = o;
	/* NULL reads as 0: never */
	s->suppressed_at = db_column_int64(stmt, col + 3);
	s->override_at = db_column_int64(stmt, col + 4);
	/* cut: the rule shows only short printable ASCII anyway */
	store_copy_col(
	    stmt, col + 5, s->person_reason, sizeof(s->person_reason));
	s->person_first = db_column_int64(stmt, col + 6) != 0;
	return 0;
}

/* Whether hash is in forgotten: s->forgotten and s->forgotten_at. */
static int
read_forgotten(struct store *st, const char *hash, struct rcpt_standing *s)
{
	struct db_stmt *stmt = store_stmt(st, STMT_FORGOTTEN_AT);
	int rc;

	if (stmt == NULL)
		return -1;
	if (store_bind_text(stmt, 1, hash) != 0)
		return store_stmt_fail(st, stmt, "forgotten");
	rc = db_step(stmt);
	if (rc == DB_ROW) {
		s->forgotten = true;
		s->forgotten_at = db_column_int64(stmt, 0);
	} else if (rc != DB_DONE)
		return store_stmt_fail(st, stmt, "forgotten");
	db_reset(stmt);
	return 0;
}

int
store_recipient_standing(struct store *st, const char *address,
    const char *forget_hash, struct rcpt_standing *s)
{
	struct db_stmt *stmt = store_stmt(st, STMT_RECIPIENT_STANDING);
	int rc;

	memset(s, 0, sizeof(*s));
	if (stmt == NULL)
		return -1;
	if (store_bind_text(stmt, 1, address) != 0)
		return store_stmt_fail(st, stmt, "recipient standing");
	rc = db_step(stmt);
	if (rc == DB_ROW) {
		rc = read_standing(st, stmt, 0, s);
		db_reset(stmt);
	} else if (rc != DB_DONE) {
		return store_stmt_fail(st, stmt, "recipient standing");
	} else {
		/* reset at once: a SELECT keeps its read transaction
		 * until then */
		db_reset(stmt);
		rc = 0;
	}
	if (rc == 0 && forget_hash != NULL)
		rc = read_forgotten(st, forget_hash, s);
	return rc;
}

int
store_suppressed_each(struct store *st,
    int (*fn)(void *arg, const char *address, const struct rcpt_standing *s),
    void *arg)
{
	struct rcpt_standing s;
	struct db_stmt *stmt;
	int rc, ret = 0;

	/* once per export: not worth a cached statement */
	if (db_prepare(st->db, suppressed_sql, 0, &stmt) !=
	    0)
		return store_fail(st, "suppressed");
	while ((rc = db_step(stmt)) == DB_ROW) {
		const char *a = db_column_text(stmt, 0);

		if (a == NULL)
			continue;
		if (read_standing(st, stmt, 1, &s) < 0) {
			db_finalize(&stmt);
			return -1;
		}
		if ((ret = fn(arg, a, &s)) != 0)
			break;
	}
	if (ret == 0 && rc != DB_DONE) {
		store_fail(st, "suppressed");
		ret = -1;
	}
	db_finalize(&stmt);
	return ret;
}
