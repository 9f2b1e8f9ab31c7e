/*
 * The resend queue (schema v3): what daemon/outbound/resend.c drains and what
 * bouncectl resends/resend-now/cancel show and change. The statements are
 * cached like the rest of the write path (store_stmt()); their SQL is
 * here, in store_resend_sql[].
 *
 * "Waiting" means state pending or deferred: the rows the unique partial
 * index resends_one_pending holds to one per recipient and original
 * Message-ID, and the rows the partial index resends_due covers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"
#include "classify/reason.h"
#include "store_private.h"

#define RESEND_COLUMNS                                                         \
	" id, recipient, original_message_id, reason, kind, state,"            \
	" message, sent, attempts, next_attempt_at, created_at"
#define RESEND_COLS "SELECT" RESEND_COLUMNS " FROM resends"
/* the due rows, in the order the worker takes them (resends_due) */
#define RESEND_WHERE_DUE                                                       \
	" WHERE state IN ('pending', 'deferred') AND next_attempt_at <= ?1"   \
	" ORDER BY next_attempt_at, id LIMIT ?2"

const char *const store_resend_sql[STMT_COUNT] = {
    /* the same expression as resends_one_pending, so that it is used */
    [STMT_RESEND_FIND_PENDING] =
	"SELECT id FROM resends WHERE recipient = ?1"
	" AND COALESCE(original_message_id, '') = COALESCE(?2, '')"
	" AND state IN ('pending', 'deferred')",
    /* resend.max_per_hour: the attempts that sent a copy */
    [STMT_RESEND_SENT_SINCE] =
	"SELECT count(*) FROM resend_attempts"
	" WHERE outcome = 'sent' AND at >= ?1",
    /* ... and to one domain; the address's domain is after its last
     * '@', which recipients.domain holds */
    [STMT_RESEND_SENT_SINCE_DOMAIN] =
	"SELECT count(*) FROM resend_attempts a JOIN resends r"
	" ON r.id = a.resend JOIN recipients p ON p.address = r.recipient"
	" WHERE a.outcome = 'sent' AND a.at >= ?1 AND p.domain = ?2",
    [STMT_RESEND_POSTPONE] =
	"UPDATE resends SET next_attempt_at = ?2"
	" WHERE id = ?1 AND state IN ('pending', 'deferred')",
    [STMT_RESEND_ADD] =
	"INSERT INTO resends (recipient, original_message_id, message, state,"
	" next_attempt_at, created_at, updated_at, reason, kind, sent)"
	" VALUES (?1, ?2, ?3, 'pending', ?4, ?5, ?5, ?6, ?7, ?8) RETURNING id",
    /* the state test is the WHERE of resends_due, which lets SQLite
     * seek that index to the due rows, in order */
    [STMT_RESEND_DUE] = RESEND_COLS RESEND_WHERE_DUE,
    /*
     * A claim: the due rows pushed out of "due" until ?3, returned as
     * they are after it (https://www.sqlite.org/lang_returning.html,
     * SQLite >= 3.35; Debian 12 has 3.40). SQLite runs one writer at a
     * time (BEGIN IMMEDIATE), so a second claim sees these rows no
     * longer due; PostgreSQL's text adds FOR UPDATE SKIP LOCKED
     * (store_pg.c).
     */
    [STMT_RESEND_CLAIM] =
	"UPDATE resends SET next_attempt_at = ?3 WHERE id IN (SELECT id"
	" FROM resends" RESEND_WHERE_DUE ") RETURNING" RESEND_COLUMNS,
    [STMT_RESEND_NEXT_AT] = "SELECT next_attempt_at FROM resends"
			    " WHERE state IN ('pending', 'deferred')"
			    " ORDER BY next_attempt_at LIMIT 1",
    [STMT_RESEND_GET] = RESEND_COLS " WHERE id = ?1",
    [STMT_RESEND_OTHER_WAITING] =
	"SELECT o.id FROM resends r JOIN resends o"
	" ON o.recipient = r.recipient"
	" AND COALESCE(o.original_message_id, '') ="
	"  COALESCE(r.original_message_id, '')"
	" AND o.state IN ('pending', 'deferred') AND o.id <> r.id"
	" WHERE r.id = ?1",
    [STMT_RESEND_ATTEMPT_ADD] =
	"INSERT INTO resend_attempts (resend, at, outcome, reply_code, reply,"
	" message) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [STMT_RESEND_UPDATE] =
	"UPDATE resends SET state = ?2, next_attempt_at = ?3,"
	" attempts = attempts + ?4, last_error = ?5, last_reply_code = ?6,"
	" updated_at = ?7, resent_message_id = COALESCE(?8,"
	" resent_message_id) WHERE id = ?1",
    /* any state: a copy that bounced may already be deferred or failed,
     * and its next bounce must still find it */
    [STMT_RESEND_FIND_BY_RESENT_ID] =
	RESEND_COLS " WHERE resent_message_id = ?1 ORDER BY id DESC LIMIT 1",
    /* resends_sent finds the recipient's sent rows (asked for every
     * failed recipient of every bounce); the Message-ID is compared
     * without angle brackets, which may differ between what the bounce
     * quotes and what was stored */
    [STMT_RESEND_FIND_BY_ORIGINAL] =
	RESEND_COLS " WHERE recipient = ?1 AND state = 'sent'"
		    " AND COALESCE(trim(original_message_id, '<>'), '') = ?2"
		    " ORDER BY updated_at DESC, id DESC LIMIT 1",
    /* both from the partial indexes resends_sent and
     * resends_resent_message_id: the rows find_sent looks among */
    [STMT_RESEND_ANY_SENT] =
	"SELECT EXISTS (SELECT 1 FROM resends WHERE state = 'sent') OR"
	" EXISTS (SELECT 1 FROM resends WHERE resent_message_id IS NOT NULL)",
    [STMT_BOUNCE_LINK_RESEND] = "UPDATE bounces SET resend = ?2 WHERE id = ?1",
    [STMT_RESEND_CANCEL] =
	"UPDATE resends SET state = 'cancelled', next_attempt_at = NULL,"
	" updated_at = ?2 WHERE id = ?1 AND state IN ('pending', 'deferred')",
    [STMT_RESEND_NOW] =
	"UPDATE resends SET next_attempt_at = ?2, updated_at = ?2"
	" WHERE id = ?1 AND state IN ('pending', 'deferred')",
};

/* ---- helpers ---- */

/*
 * A Message-ID without its angle brackets, as the resend columns keep
 * Resent-Message-ID; "" when s is NULL or only brackets.
 */
static void
msgid_bare(const char *s, const char **p_r, int *len_r)
{
	size_t len;

	if (s == NULL)
		s = "";
	while (*s == '<')
		s++;
	len = strlen(s);
	while (len > 0 && s[len - 1] == '>')
		len--;
	*p_r = s;
	*len_r = len > 1000 ? 1000 : (int)len;
}

static int
max0(int v)
{
	return v < 0 ? 0 : v;
}

/* The current row of a RESEND_COLS statement. */
static void
read_resend(struct db_stmt *stmt, struct store_resend *r)
{
	memset(r, 0, sizeof(*r));
	r->id = db_column_int64(stmt, 0);
	store_copy_col(stmt, 1, r->recipient, sizeof(r->recipient));
	store_copy_col(
	    stmt, 2, r->original_message_id, sizeof(r->original_message_id));
	r->reason = store_reason_col(stmt, 3);
	/* the CHECKs of the schema hold these to the names */
	r->kind = (enum resend_kind)max0(resend_kind_from_name(
	    db_column_text(stmt, 4)));
	r->state = (enum resend_state)max0(resend_state_from_name(
	    db_column_text(stmt, 5)));
	r->message = db_column_int64(stmt, 6);
	r->sent = db_column_int64(stmt, 7); /* NULL: 0 */
	r->attempts = db_column_int64(stmt, 8);
	r->next_attempt_at = db_column_int64(stmt, 9);
	r->created_at = db_column_int64(stmt, 10);
}

/* Steps a RESEND_COLS statement for one row: 1 and *r, 0, -1. */
static int
step_resend(struct store *st, struct db_stmt *stmt, const char *what,
    struct store_resend *r)
{
	int rc = db_step(stmt);

	if (rc == DB_ROW)
		read_resend(stmt, r);
	else if (rc != DB_DONE)
		return store_stmt_fail(st, stmt, what);
	db_reset(stmt);
	return rc == DB_ROW;
}

/* ---- adding ---- */

static int
resend_add(struct store *st, const struct store_resend_new *r, int64_t *id_r)
{
	struct db_stmt *stmt = store_stmt(st, STMT_RESEND_FIND_PENDING);
	int rc;

	if (stmt == NULL)
		return -1;
	if (store_bind_text(stmt, 1, r->recipient) ||
	    store_bind_opt(stmt, 2, r->original_message_id))
		return store_stmt_fail(st, stmt, "find pending resend");
	if ((rc = store_step_int(st, stmt, "find pending resend", id_r)) != 0)
		return rc == 1 ? 0 : -1;
	if ((stmt = store_stmt(st, STMT_RESEND_ADD)) == NULL)
		return -1;
	if (store_bind_text(stmt, 1, r->recipient) ||
	    store_bind_opt(stmt, 2, r->original_message_id) ||
	    db_bind_int64(stmt, 3, r->message) ||
	    db_bind_int64(stmt, 4, r->next_at) ||
	    db_bind_int64(stmt, 5, r->now) ||
	    store_bind_opt(stmt, 6, reason_name(r->reason)) ||
	    store_bind_text(stmt, 7, resend_kind_name(r->kind)) ||
	    store_bind_opt_int(stmt, 8, r->sent))
		return store_stmt_fail(st, stmt, "add resend");
	if (store_step_id(st, stmt, "add resend", id_r) == -1)
		return -1;
	return 1;
}

int
store_resend_add(
    struct store *st, const struct store_resend_new *r, int64_t *id_r)
{
	int64_t id = 0;
	bool own;
	int rc;

	if (r->recipient == NULL || *r->recipient == '\0')
		return store_failx(st, "add resend: no recipient");
	if (store_tx_begin(st, &own) == -1)
		return -1;
	rc = store_tx_end(st, own, resend_add(st, r, &id));
	if (rc != -1 && id_r != NULL)
		*id_r = id;
	return rc;
}

/* ---- the worker ---- */

int
store_resend_due(struct store *st, int64_t now, struct store_resend *out,
    size_t max, size_t *n_r)
{
	struct db_stmt *stmt;
	size_t n = 0;
	int rc = DB_DONE;

	*n_r = 0;
	if (max == 0)
		return 0;
	if ((stmt = store_stmt(st, STMT_RESEND_DUE)) == NULL)
		return -1;
	if (db_bind_int64(stmt, 1, now) ||
	    db_bind_int64(
		stmt, 2, max > INT64_MAX ? INT64_MAX : (int64_t)max))
		return store_stmt_fail(st, stmt, "due resends");
	while (n < max && (rc = db_step(stmt)) == DB_ROW)
		read_resend(stmt, &out[n++]);
	if (n < max && rc != DB_DONE)
		return store_stmt_fail(st, stmt, "due resends");
	db_reset(stmt);
	*n_r = n;
	return 0;
}

static int
by_id(const void *a, const void *b)
{
	const struct store_resend *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

static int
resend_claim(struct store *st, int64_t now, int64_t until,
    struct store_resend *out, size_t max, size_t *n_r)
{
	struct db_stmt *stmt = store_stmt(st, STMT_RESEND_CLAIM);
	size_t n = 0;
	int rc;

	if (stmt == NULL)
		return -1;
	if (db_bind_int64(stmt, 1, now) ||
	    db_bind_int64(stmt, 2,
		max > INT64_MAX ? INT64_MAX : (int64_t)max) ||
	    db_bind_int64(stmt, 3, until))
		return store_stmt_fail(st, stmt, "claim resends");
	/* every row is read: an UPDATE's RETURNING is done at its end */
	while ((rc = db_step(stmt)) == DB_ROW)
		if (n < max)
			read_resend(stmt, &out[n++]);
	if (rc != DB_DONE)
		return store_stmt_fail(st, stmt, "claim resends");
	db_reset(stmt);
	/* RETURNING's order is not the subquery's */
	qsort(out, n, sizeof(*out), by_id);
	*n_r = n;
	return 0;
}

int
store_resend_claim(struct store *st, int64_t now, int64_t until,
    struct store_resend *out, size_t max, size_t *n_r)
{
	bool own;
	int rc;

	*n_r = 0;
	if (max == 0)
		return 0;
	if (store_tx_begin(st, &own) == -1)
		return -1;
	rc = store_tx_end(st, own, resend_claim(st, now, until, out, max, n_r));
	if (rc == -1)
		*n_r = 0;
	return rc;
}

int
store_resend_next_at(struct store *st, int64_t *at_r)
{
	struct db_stmt *stmt = store_stmt(st, STMT_RESEND_NEXT_AT);

	if (stmt == NULL)
		return -1;
	return store_step_int(st, stmt, "next resend", at_r);
}

int
store_resend_get(struct store *st, int64_t id, struct store_resend *r)
{
	struct db_stmt *stmt = store_stmt(st, STMT_RESEND_GET);

	if (stmt == NULL)
		return -1;
	if (db_bind_int64(stmt, 1, id))
		return store_stmt_fail(st, stmt, "get resend");
	return step_resend(st, stmt, "get resend", r);
}

int
store_resend_other_waiting(struct store *st, int64_t id)
{
	struct db_stmt *stmt = store_stmt(st, STMT_RESEND_OTHER_WAITING);

	if (stmt == NULL)
		return -1;
	if (db_bind_int64(stmt, 1, id))
		return store_stmt_fail(st, stmt, "other resend");
	return store_step_int(st, stmt, "other resend", NULL);
}

int
store_resend_sent_since(struct store *st, int64_t since, const char *domain,
    int64_t *all_r, int64_t *domain_r)
{
	struct db_stmt *stmt;

	*all_r = *domain_r = 0;
	if ((stmt = store_stmt(st, STMT_RESEND_SENT_SINCE)) == NULL)
		return -1;
	if (db_bind_int64(stmt, 1, since))
		return store_stmt_fail(st, stmt, "resends sent");
	if (store_step_int(st, stmt, "resends sent", all_r) == -1)
		return -1;
	if ((stmt = store_stmt(st, STMT_RESEND_SENT_SINCE_DOMAIN)) == NULL)
		return -1;
	if (db_bind_int64(stmt, 1, since) ||
	    store_bind_text(stmt, 2, domain))
		return store_stmt_fail(st, stmt, "resends sent");
	return store_step_int(st, stmt, "resends sent", domain_r) == -1 ? -1 : 0;
}

int
store_resend_postpone(struct store *st, int64_t id, int64_t at)
{
	struct db_stmt *stmt = store_stmt(st, STMT_RESEND_POSTPONE);

	if (stmt == NULL)
		return -1;
	if (db_bind_int64(stmt, 1, id) || db_bind_int64(stmt, 2, at))
		return store_stmt_fail(st, stmt, "postpone resend");
	return store_step_done(st, stmt, "postpone resend");
}

/* ---- recording attempts ---- */

static int
attempt_add(struct store *st, const struct store_resend_attempt *a)
{
	struct db_stmt *stmt = store_stmt(st, STMT_RESEND_ATTEMPT_ADD);

	if (stmt == NULL)
		return -1;
	if (db_bind_int64(stmt, 1, a->resend) ||
	    db_bind_int64(stmt, 2, a->at) ||
	    store_bind_text(stmt, 3, resend_outcome_name(a->outcome)) ||
	    store_bind_opt_int(stmt, 4, a->reply_code) ||
	    store_bind_opt(stmt, 5, a->reply) ||
	    store_bind_opt_int(stmt, 6, a->message))
		return store_stmt_fail(st, stmt, "add resend attempt");
	return store_step_done(st, stmt, "add resend attempt");
}

/*
 * The outbox: a resend that went out or was given up is an event, in
 * this transaction (lifecycle/outbox.h).
 */
static int
resend_event(struct store *st, const struct store_resend *cur,
    const struct store_resend_attempt *a)
{
	struct store_event_new e = { .source = OUTBOX_FROM_RESEND,
		.address = cur->recipient, .at = a->at, .state = STATE_COUNT,
		.reason = cur->reason, .diagnostic = a->reply,
		.message = cur->message, .resend = cur->id,
		.message_id = a->resent_message_id,
		.original_message_id = cur->original_message_id };

	e.kind = outbox_resend_kind(cur->state, a->outcome, a->state);
	if (e.kind == OUTBOX_NONE)
		return 0;
	return store_event_add(st, &e, NULL);
}

static int
resend_record(struct store *st, const struct store_resend_attempt *a)
{
	struct store_resend cur;
	const char *rid;
	struct db_stmt *stmt;
	int rc, rid_len;

	if ((rc = store_resend_get(st, a->resend, &cur)) != 1)
		return rc == 0
			   ? store_failx(st, "record resend: no resend %lld",
				 (long long)a->resend)
			   : -1;
	if (attempt_add(st, a) == -1)
		return -1;
	if (a->outcome == OUTCOME_BOUNCED)
		return 0; /* the caller's second call moves the state */
	if ((stmt = store_stmt(st, STMT_RESEND_UPDATE)) == NULL)
		return -1;
	msgid_bare(a->resent_message_id, &rid, &rid_len);
	if (db_bind_int64(stmt, 1, a->resend) ||
	    store_bind_text(stmt, 2, resend_state_name(a->state)) ||
	    (a->requeue && db_bind_int64(stmt, 3, a->next_at)) ||
	    db_bind_int64(stmt, 4, a->counts ? 1 : 0) ||
	    store_bind_opt(stmt, 5, a->reply) ||
	    store_bind_opt_int(stmt, 6, a->reply_code) ||
	    db_bind_int64(stmt, 7, a->at) ||
	    /* a copy that went out, into whatever state (a cancelled
	     * row stays cancelled: lifecycle_resend_state()) */
	    (rid_len > 0 && a->outcome == OUTCOME_SENT &&
		db_bind_textn(stmt, 8, rid, rid_len)))
		return store_stmt_fail(st, stmt, "record resend");
	if (store_step_done(st, stmt, "record resend") == -1)
		return -1;
	return resend_event(st, &cur, a);
}

int
store_resend_record(struct store *st, const struct store_resend_attempt *a)
{
	bool own;

	if (resend_outcome_name(a->outcome) == NULL ||
	    resend_state_name(a->state) == NULL)
		return store_failx(st, "record resend: unknown outcome %d or "
		    "state %d", (int)a->outcome, (int)a->state);
	if (store_tx_begin(st, &own) == -1)
		return -1;
	return store_tx_end(st, own, resend_record(st, a));
}

/* ---- closing the loop ---- */

int
store_resend_find_sent(struct store *st, const char *recipient,
    const char *resent_message_id, const char *original_message_id,
    struct store_resend *r)
{
	struct db_stmt *stmt;
	const char *id;
	int rc, len;

	msgid_bare(resent_message_id, &id, &len);
	if (len > 0) {
		if ((stmt = store_stmt(st, STMT_RESEND_FIND_BY_RESENT_ID)) ==
		    NULL)
			return -1;
		if (db_bind_textn(stmt, 1, id, len))
			return store_stmt_fail(st, stmt, "find resend");
		if ((rc = step_resend(st, stmt, "find resend", r)) != 0)
			return rc;
	}
	if (recipient == NULL || *recipient == '\0')
		return 0;
	msgid_bare(original_message_id, &id, &len);
	if ((stmt = store_stmt(st, STMT_RESEND_FIND_BY_ORIGINAL)) == NULL)
		return -1;
	if (store_bind_text(stmt, 1, recipient) ||
	    db_bind_textn(stmt, 2, id, len))
		return store_stmt_fail(st, stmt, "find resend");
	return step_resend(st, stmt, "find resend", r);
}

int
store_resend_any_sent(struct store *st)
{
	struct db_stmt *stmt = store_stmt(st, STMT_RESEND_ANY_SENT);
	int64_t v = 0;

	if (stmt == NULL)
		return -1;
	if (store_step_int(st, stmt, "any resend sent", &v) == -1)
		return -1;
	return v != 0;
}

int
store_bounce_link_resend(struct store *st, int64_t bounce, int64_t resend)
{
	struct db_stmt *stmt = store_stmt(st, STMT_BOUNCE_LINK_RESEND);

	if (stmt == NULL)
		return -1;
	if (db_bind_int64(stmt, 1, bounce) ||
	    db_bind_int64(stmt, 2, resend))
		return store_stmt_fail(st, stmt, "link bounce");
	if (store_step_done(st, stmt, "link bounce") == -1)
		return -1;
	if (db_changes(st->db) == 0)
		return store_failx(
		    st, "link bounce: no bounce %lld", (long long)bounce);
	return 0;
}

/* ---- bouncectl ---- */

/* cancel and resend-now: one UPDATE of a waiting row, 1 when it
 * changed one */
static int
waiting_update(struct store *st, enum store_stmt id, int64_t resend,
    int64_t now, const char *what)
{
	struct db_stmt *stmt = store_stmt(st, id);

	if (stmt == NULL)
		return -1;
	if (db_bind_int64(stmt, 1, resend) ||
	    db_bind_int64(stmt, 2, now))
		return store_stmt_fail(st, stmt, what);
	if (store_step_done(st, stmt, what) == -1)
		return -1;
	return db_changes(st->db) > 0 ? 1 : 0;
}

int
store_resend_cancel(struct store *st, int64_t id, int64_t now)
{
	return waiting_update(st, STMT_RESEND_CANCEL, id, now, "cancel resend");
}

int
store_resend_now(struct store *st, int64_t id, int64_t now)
{
	return waiting_update(st, STMT_RESEND_NOW, id, now, "resend now");
}
