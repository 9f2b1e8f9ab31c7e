/*
 * The outbox (schema v7, store.h "events"): events written in the
 * transaction of the change they report, queued per sink, and the
 * delivery state the worker (daemon/outbound/events.c) keeps. Its SQL
 * is here, in store_outbox_sql[], cached like the rest of the write
 * path (store_stmt()).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/strutil.h"
#include "classify/reason.h"
#include "store_private.h"

#define QUEUE_MAX 10000 /* events queued per transaction */

static const char *const sink_names[STORE_SINK_COUNT] = {
	[STORE_SINK_EXEC] = "exec",
	[STORE_SINK_WEBHOOK] = "webhook",
};

const char *const store_outbox_sql[STMT_COUNT] = {
    [STMT_EVENT_ADD] = EVENT_ADD,
    /* first sight: the events older than first_since are past their
     * dead-letter age already */
    [STMT_OUTBOX_SINK_ADD] =
	"INSERT INTO event_sinks (name, cursor, created_at) VALUES (?1,"
	" (SELECT COALESCE(max(id), 0) FROM events WHERE at < ?3), ?2)"
	" ON CONFLICT (name) DO NOTHING",
    [STMT_OUTBOX_MAX_ID] = "SELECT COALESCE(max(id), 0) FROM events",
    [STMT_OUTBOX_CURSOR] = "SELECT cursor FROM event_sinks WHERE name = ?1",
    [STMT_OUTBOX_QUEUE] =
	"INSERT INTO event_deliveries (sink, event, state, updated_at)"
	" SELECT ?1, id, 'pending', ?2 FROM events WHERE id > ?3"
	" ORDER BY id LIMIT ?4",
    [STMT_OUTBOX_ADVANCE] =
	"UPDATE event_sinks SET cursor = max(cursor, COALESCE((SELECT"
	" max(event) FROM event_deliveries WHERE sink = ?1), 0))"
	" WHERE name = ?1",
    /* event_deliveries_pending walks the sink's pending rows in order */
    [STMT_OUTBOX_DUE] =
	"SELECT e.id, e.uuid, e.kind, e.source, e.address, e.at, e.state,"
	" e.reason, e.status, e.diagnostic, e.note, e.message, e.bounce,"
	" e.resend, e.message_id, e.original_message_id, d.attempts,"
	" d.next_attempt_at FROM event_deliveries d JOIN events e"
	" ON e.id = d.event WHERE d.sink = ?1 AND d.state = 'pending'"
	" ORDER BY d.event LIMIT ?2",
    /* the sink's claim: SQLite's one writer (BEGIN IMMEDIATE) is the
     * lock; PostgreSQL locks the sink's row (store_pg.c) */
    [STMT_OUTBOX_CLAIM_SINK] = "SELECT 1 FROM event_sinks WHERE name = ?1",
    /* the due rows of a claim are the pending ones from ?2 to ?3: the
     * due read stops at the first that is not due */
    [STMT_OUTBOX_CLAIM] =
	"UPDATE event_deliveries SET next_attempt_at = ?4 WHERE sink = ?1"
	" AND state = 'pending' AND event BETWEEN ?2 AND ?3",
    /* what a claim took and nothing marked since: due again at once */
    [STMT_OUTBOX_RELEASE] =
	"UPDATE event_deliveries SET next_attempt_at = NULL WHERE sink = ?1"
	" AND state = 'pending' AND event BETWEEN ?2 AND ?3"
	" AND next_attempt_at = ?4",
    [STMT_OUTBOX_NEXT_AT] =
	"SELECT COALESCE(next_attempt_at, 0) FROM event_deliveries"
	" WHERE sink = ?1 AND state = 'pending' ORDER BY event LIMIT 1",
    [STMT_OUTBOX_MARK] =
	"UPDATE event_deliveries SET state = ?3, attempts = ?4,"
	" next_attempt_at = ?5, last_error = ?6, updated_at = ?7"
	" WHERE sink = ?1 AND event = ?2",
};

const char *
store_sink_name(enum store_sink s)
{
	return (unsigned)s < STORE_SINK_COUNT ? sink_names[s] : NULL;
}

/* RFC 9562 5.4: a version 4 UUID, 122 random bits. glibc's
 * arc4random_buf() is a getrandom(2) per call: the bits are drawn for
 * 32 uuids at once, per thread (one store per thread, store.h; the
 * daemon's forked children write no events). */
static void
new_uuid(char out[37])
{
	static _Thread_local unsigned char pool[16 * 32];
	static _Thread_local size_t used = sizeof(pool);
	unsigned char b[16];

	if (used == sizeof(pool)) {
		arc4random_buf(pool, sizeof(pool));
		used = 0;
	}
	memcpy(b, pool + used, sizeof(b));
	used += sizeof(b);
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	snprintf(out, 37,
	    "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x",
	    b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10],
	    b[11], b[12], b[13], b[14], b[15]);
}

static int
event_add(struct store *st, const struct store_event_new *e, int64_t *id_r)
{
	struct db_stmt *stmt = store_stmt(st, STMT_EVENT_ADD);
	char uuid[37];
	const char *state = (unsigned)e->state < STATE_COUNT ?
	    rcpt_state_name(e->state) : NULL;

	if (stmt == NULL)
		return -1;
	new_uuid(uuid);
	if (store_bind_text(stmt, 1, uuid) ||
	    store_bind_text(stmt, 2, outbox_kind_name(e->kind)) ||
	    store_bind_text(stmt, 3, outbox_source_name(e->source)) ||
	    store_bind_text(stmt, 4, e->address) ||
	    db_bind_int64(stmt, 5, e->at) ||
	    store_bind_opt(stmt, 6, state) ||
	    store_bind_opt(stmt, 7, e->reason == REASON_UNDEFINED ? NULL :
		reason_name(e->reason)) ||
	    store_bind_opt(stmt, 8, e->status) ||
	    store_bind_opt(stmt, 9, e->diagnostic) ||
	    store_bind_opt_int(stmt, 10, e->message) ||
	    store_bind_opt_int(stmt, 11, e->bounce) ||
	    store_bind_opt_int(stmt, 12, e->resend) ||
	    store_bind_opt(stmt, 13, e->message_id) ||
	    store_bind_opt(stmt, 14, e->original_message_id) ||
	    store_bind_opt(stmt, 15, e->note))
		return store_stmt_fail(st, stmt, "add event");
	if (store_step_insert(st, stmt, "add event", id_r) == -1)
		return -1;
	return 0;
}

int
store_event_add(struct store *st, const struct store_event_new *e,
    int64_t *id_r)
{
	bool own;

	if (outbox_kind_name(e->kind) == NULL ||
	    outbox_source_name(e->source) == NULL || e->address == NULL)
		return store_failx(st, "add event: kind %d, source %d",
		    (int)e->kind, (int)e->source);
	/* in the caller's transaction, one INSERT needs no savepoint of its
	 * own: a failed statement is undone by itself, or leaves the
	 * transaction to the caller's rollback (PostgreSQL's abort) */
	if (db_in_transaction(st->db))
		return event_add(st, e, id_r);
	if (store_tx_begin(st, &own) == -1)
		return -1;
	return store_tx_end(st, own, event_add(st, e, id_r));
}

/* ---- queueing ---- */

static int
sink_int(struct store *st, enum store_stmt id, enum store_sink sink,
    const char *what, int64_t *v_r)
{
	struct db_stmt *stmt = store_stmt(st, id);

	if (stmt == NULL)
		return -1;
	if (store_bind_text(stmt, 1, sink_names[sink]))
		return store_stmt_fail(st, stmt, what);
	return store_step_int(st, stmt, what, v_r);
}

static int
enqueue(struct store *st, enum store_sink sink, int64_t now,
    int64_t first_since, int64_t *n_r)
{
	struct db_stmt *stmt = store_stmt(st, STMT_OUTBOX_SINK_ADD);
	int64_t cursor = 0, max = 0;

	if (stmt == NULL)
		return -1;
	if (store_bind_text(stmt, 1, sink_names[sink]) ||
	    db_bind_int64(stmt, 2, now) ||
	    db_bind_int64(stmt, 3, first_since))
		return store_stmt_fail(st, stmt, "add sink");
	if (store_step_done(st, stmt, "add sink") == -1 ||
	    sink_int(st, STMT_OUTBOX_CURSOR, sink, "sink cursor", &cursor) ==
	    -1)
		return -1;
	if ((stmt = store_stmt(st, STMT_OUTBOX_MAX_ID)) == NULL ||
	    store_step_int(st, stmt, "newest event", &max) == -1)
		return -1;
	if (max <= cursor)
		return 0;
	if ((stmt = store_stmt(st, STMT_OUTBOX_QUEUE)) == NULL)
		return -1;
	if (store_bind_text(stmt, 1, sink_names[sink]) ||
	    db_bind_int64(stmt, 2, now) ||
	    db_bind_int64(stmt, 3, cursor) ||
	    db_bind_int64(stmt, 4, QUEUE_MAX))
		return store_stmt_fail(st, stmt, "queue events");
	if (store_step_done(st, stmt, "queue events") == -1)
		return -1;
	*n_r = db_changes(st->db);
	return sink_int(st, STMT_OUTBOX_ADVANCE, sink, "sink cursor", NULL) ==
	    -1 ? -1 : 0;
}

int
store_outbox_enqueue(struct store *st, enum store_sink sink, int64_t now,
    int64_t first_since, int64_t *n_r)
{
	bool own;

	*n_r = 0;
	if ((unsigned)sink >= STORE_SINK_COUNT)
		return store_failx(st, "queue events: no sink %d", (int)sink);
	if (store_tx_begin(st, &own) == -1)
		return -1;
	return store_tx_end(st, own, enqueue(st, sink, now, first_since, n_r));
}

/* ---- delivering ---- */

/* A text column cut to size at a UTF-8 character boundary. */
static void
copy_text(struct db_stmt *stmt, int col, char *dst, size_t size)
{
	const char *s = db_column_text(stmt, col);
	size_t n;

	if (s == NULL) {
		dst[0] = '\0';
		return;
	}
	n = strlen(s);
	if (n >= size) {
		n = size - 1;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--; /* s[n] is the first byte not copied */
	}
	memcpy(dst, s, n);
	dst[n] = '\0';
}

static void
read_event(struct db_stmt *stmt, struct store_event *e)
{
	int k;

	memset(e, 0, sizeof(*e));
	e->id = db_column_int64(stmt, 0);
	copy_text(stmt, 1, e->uuid, sizeof(e->uuid));
	/* the CHECKs of the schema hold these to the names */
	k = outbox_kind_from_name(db_column_text(stmt, 2));
	e->kind = k > 0 ? (enum outbox_kind)k : OUTBOX_NONE;
	e->source = OUTBOX_FROM_BOUNCE;
	for (int i = 0; i < OUTBOX_SOURCE_COUNT; i++) {
		const char *s = db_column_text(stmt, 3);

		if (s != NULL && strcmp(s, outbox_source_name(i)) == 0)
			e->source = (enum outbox_source)i;
	}
	copy_text(stmt, 4, e->address, sizeof(e->address));
	e->at = db_column_int64(stmt, 5);
	copy_text(stmt, 6, e->state, sizeof(e->state));
	copy_text(stmt, 7, e->reason, sizeof(e->reason));
	copy_text(stmt, 8, e->status, sizeof(e->status));
	copy_text(stmt, 9, e->diagnostic, sizeof(e->diagnostic));
	copy_text(stmt, 10, e->note, sizeof(e->note));
	e->message = db_column_int64(stmt, 11);
	e->bounce = db_column_int64(stmt, 12);
	e->resend = db_column_int64(stmt, 13);
	copy_text(stmt, 14, e->message_id, sizeof(e->message_id));
	copy_text(stmt, 15, e->original_message_id,
	    sizeof(e->original_message_id));
	e->attempts = db_column_int64(stmt, 16);
	e->next_attempt_at = db_column_int64(stmt, 17);
}

static int
due(struct store *st, enum store_sink sink, int64_t now,
    struct store_event *out, size_t max, size_t *n_r)
{
	struct db_stmt *stmt;
	size_t n = 0;
	int rc = DB_DONE;

	if ((stmt = store_stmt(st, STMT_OUTBOX_DUE)) == NULL)
		return -1;
	if (store_bind_text(stmt, 1, sink_names[sink]) ||
	    db_bind_int64(stmt, 2, (int64_t)max))
		return store_stmt_fail(st, stmt, "due events");
	while (n < max && (rc = db_step(stmt)) == DB_ROW) {
		read_event(stmt, &out[n]);
		if (out[n].next_attempt_at > now)
			break; /* in order: the rest waits for it */
		n++;
	}
	if (rc != DB_ROW && rc != DB_DONE)
		return store_stmt_fail(st, stmt, "due events");
	db_reset(stmt);
	*n_r = n;
	return 0;
}

int
store_outbox_due(struct store *st, enum store_sink sink, int64_t now,
    struct store_event *out, size_t max, size_t *n_r)
{
	*n_r = 0;
	if (max == 0)
		return 0;
	if ((unsigned)sink >= STORE_SINK_COUNT)
		return store_failx(st, "due events: no sink %d", (int)sink);
	return due(st, sink, now, out, max, n_r);
}

/* An UPDATE of sink's pending rows from first to last, with at. */
static int
range_update(struct store *st, enum store_stmt id, enum store_sink sink,
    int64_t first, int64_t last, int64_t at, const char *what)
{
	struct db_stmt *stmt = store_stmt(st, id);

	if (stmt == NULL)
		return -1;
	if (store_bind_text(stmt, 1, sink_names[sink]) ||
	    db_bind_int64(stmt, 2, first) || db_bind_int64(stmt, 3, last) ||
	    db_bind_int64(stmt, 4, at))
		return store_stmt_fail(st, stmt, what);
	return store_step_done(st, stmt, what);
}

static int
claim(struct store *st, enum store_sink sink, int64_t now, int64_t until,
    struct store_event *out, size_t max, size_t *n_r)
{
	struct db_stmt *stmt = store_stmt(st, STMT_OUTBOX_CLAIM_SINK);
	int rc;

	if (stmt == NULL)
		return -1;
	if (store_bind_text(stmt, 1, sink_names[sink]))
		return store_stmt_fail(st, stmt, "claim events");
	/* 0: no sink yet, or (PostgreSQL) another daemon's claim has it */
	if ((rc = store_step_int(st, stmt, "claim events", NULL)) != 1)
		return rc;
	if (due(st, sink, now, out, max, n_r) == -1)
		return -1;
	if (*n_r == 0)
		return 0;
	return range_update(st, STMT_OUTBOX_CLAIM, sink, out[0].id,
	    out[*n_r - 1].id, until, "claim events");
}

int
store_outbox_claim(struct store *st, enum store_sink sink, int64_t now,
    int64_t until, struct store_event *out, size_t max, size_t *n_r)
{
	bool own;
	int rc;

	*n_r = 0;
	if (max == 0)
		return 0;
	if ((unsigned)sink >= STORE_SINK_COUNT)
		return store_failx(st, "claim events: no sink %d", (int)sink);
	if (store_tx_begin(st, &own) == -1)
		return -1;
	rc = store_tx_end(st, own, claim(st, sink, now, until, out, max, n_r));
	if (rc == -1)
		*n_r = 0;
	return rc;
}

int
store_outbox_release(struct store *st, enum store_sink sink, int64_t first,
    int64_t last, int64_t until)
{
	bool own;

	if ((unsigned)sink >= STORE_SINK_COUNT)
		return store_failx(st, "release events: no sink %d", (int)sink);
	if (store_tx_begin(st, &own) == -1)
		return -1;
	return store_tx_end(st, own, range_update(st, STMT_OUTBOX_RELEASE, sink,
	    first, last, until, "release events"));
}

int
store_outbox_next_at(struct store *st, enum store_sink sink, int64_t *at_r)
{
	if ((unsigned)sink >= STORE_SINK_COUNT)
		return store_failx(st, "next event: no sink %d", (int)sink);
	return sink_int(st, STMT_OUTBOX_NEXT_AT, sink, "next event", at_r);
}

static int
mark(struct store *st, enum store_sink sink, int64_t event,
    enum outbox_state state, int64_t attempts, int64_t next_at,
    const char *error, int64_t now)
{
	struct db_stmt *stmt = store_stmt(st, STMT_OUTBOX_MARK);

	if (stmt == NULL)
		return -1;
	if (store_bind_text(stmt, 1, sink_names[sink]) ||
	    db_bind_int64(stmt, 2, event) ||
	    store_bind_text(stmt, 3, outbox_state_name(state)) ||
	    db_bind_int64(stmt, 4, attempts) ||
	    store_bind_opt_int(stmt, 5, next_at) ||
	    store_bind_opt(stmt, 6, error) ||
	    db_bind_int64(stmt, 7, now))
		return store_stmt_fail(st, stmt, "mark event");
	if (store_step_done(st, stmt, "mark event") == -1)
		return -1;
	if (db_changes(st->db) == 0)
		return store_failx(st, "mark event: no event %lld for %s",
		    (long long)event, sink_names[sink]);
	return 0;
}

int
store_outbox_mark(struct store *st, enum store_sink sink, int64_t event,
    enum outbox_state state, int64_t attempts, int64_t next_at,
    const char *error, int64_t now)
{
	bool own;

	if ((unsigned)sink >= STORE_SINK_COUNT ||
	    outbox_state_name(state) == NULL)
		return store_failx(st, "mark event: sink %d, state %d",
		    (int)sink, (int)state);
	if (store_tx_begin(st, &own) == -1)
		return -1;
	return store_tx_end(st, own, mark(st, sink, event, state, attempts,
	    next_at, error, now));
}

/* ---- size and retention ---- */

/* One-off statements (bouncectl, metrics, retention): not cached. */
static int
prepare(struct store *st, const char *sql, struct db_stmt **stmt_r)
{
	if (db_prepare(st->db, sql, 0, stmt_r) != 0)
		return store_fail(st, "prepare");
	return 0;
}

static int
sink_of(const char *name)
{
	for (int i = 0; name != NULL && i < STORE_SINK_COUNT; i++)
		if (strcmp(name, sink_names[i]) == 0)
			return i;
	return -1;
}

int
store_outbox_backlog(struct store *st, struct store_outbox_backlog *b)
{
	/* the deliveries by state, and the events not yet queued per sink
	 * (read as pending): one read transaction, so the sums agree */
	static const char sql[] =
	    "SELECT d.sink, d.state, count(*),"
	    " min(CASE WHEN d.state = 'pending' THEN e.at END)"
	    " FROM event_deliveries d JOIN events e ON e.id = d.event"
	    " GROUP BY d.sink, d.state"
	    " UNION ALL SELECT s.name, 'pending', count(e.id), min(e.at)"
	    " FROM event_sinks s LEFT JOIN events e ON e.id > s.cursor"
	    " GROUP BY s.name"
	    " UNION ALL SELECT NULL, NULL, count(*), NULL FROM events";
	struct db_stmt *stmt;
	int rc, sink, state;
	int64_t oldest;

	memset(b, 0, sizeof(*b));
	if (prepare(st, sql, &stmt) == -1)
		return -1;
	while ((rc = db_step(stmt)) == DB_ROW) {
		if (db_column_is_null(stmt, 0)) {
			b->events = db_column_int64(stmt, 2);
			continue;
		}
		sink = sink_of(db_column_text(stmt, 0));
		state = outbox_state_from_name(
		    db_column_text(stmt, 1));
		if (sink < 0 || state < 0)
			continue;
		b->seen[sink] = true;
		b->n[sink][state] += db_column_int64(stmt, 2);
		oldest = db_column_int64(stmt, 3);
		if (oldest != 0 && (b->oldest_pending[sink] == 0 ||
		    oldest < b->oldest_pending[sink]))
			b->oldest_pending[sink] = oldest;
	}
	if (rc != DB_DONE)
		store_fail(st, "outbox backlog");
	db_finalize(&stmt);
	return rc == DB_DONE ? 0 : -1;
}

int
store_outbox_purge(struct store *st, int64_t before, int64_t limit,
    int64_t *n_r)
{
	/* event_deliveries goes with ON DELETE CASCADE (foreign_keys is on
	 * for a read-write connection, store_configure()) */
	static const char sql[] =
	    "DELETE FROM events WHERE id IN (SELECT e.id FROM events e"
	    " WHERE e.at < ?1"
	    " AND e.id <= (SELECT COALESCE(min(cursor), e.id) FROM event_sinks)"
	    " AND NOT EXISTS (SELECT 1 FROM event_deliveries d"
	    "  WHERE d.event = e.id AND d.state = 'pending')"
	    " ORDER BY e.id LIMIT ?2)";
	struct db_stmt *stmt;
	bool own;
	int rc;

	*n_r = 0;
	if (store_tx_begin(st, &own) == -1)
		return -1;
	rc = prepare(st, sql, &stmt);
	if (rc == 0) {
		if (db_bind_int64(stmt, 1, before) ||
		    db_bind_int64(stmt, 2, limit) ||
		    db_step(stmt) != DB_DONE)
			rc = store_fail(st, "purge events");
		else
			*n_r = db_changes(st->db);
		db_finalize(&stmt);
	}
	return store_tx_end(st, own, rc);
}
