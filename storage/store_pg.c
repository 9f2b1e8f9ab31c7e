/*
 * The cached statements whose text differs on PostgreSQL (issue 18),
 * all in this one table: store_stmt() takes an entry here over the
 * SQLite text of the same id when the connection is PostgreSQL's.
 * Everything else is one text for both (docs/schema.md, "PostgreSQL").
 */
#include "store_private.h"

const char *const store_pg_sql[STMT_COUNT] = {
    /*
     * SQLite's IMMEDIATE takes the write lock at BEGIN, so that two
     * writers never deadlock on a lock upgrade; PostgreSQL locks rows,
     * not the database, and a recipient's read-modify-write is
     * serialised by STMT_RECIPIENT_GET's FOR UPDATE below. READ
     * COMMITTED, the default
     * (https://www.postgresql.org/docs/15/transaction-iso.html).
     */
    [STMT_BEGIN] = "BEGIN",
    /* migrate_pg.c's one-row table instead of PRAGMA user_version */
    [STMT_USER_VERSION] = "SELECT version FROM bounced_schema",
    /*
     * The row is locked until the transaction ends, so that another
     * daemon's get waits for this one's put instead of both counting
     * from the same value (issue 18 item 2;
     * https://www.postgresql.org/docs/15/sql-select.html#SQL-FOR-UPDATE-SHARE).
     * An address with no row yet locks nothing: its first row is
     * added by STMT_RECIPIENT_ADD, whose insert waits for another
     * transaction's uncommitted row of the same address and then adds
     * nothing, and the pipeline reads that row again here
     * (pipeline_recipient()). Not an advisory lock per address: each
     * holds a slot of the shared lock table until the commit
     * (max_locks_per_transaction), and a few bounces with 1,000
     * recipients each would fill it (53200) on every retry.
     */
    [STMT_RECIPIENT_GET] =
	"SELECT address, domain, state, reason, status, bounce_count,"
	" soft_count, soft_since, first_bounce_at, last_bounce_at,"
	" suppressed_at, override, override_at FROM recipients"
	" WHERE address = ?1 FOR UPDATE",
    /* the new id in the insert's own round trip (store_step_insert()) */
    [STMT_MESSAGE_ADD] = MESSAGE_ADD " RETURNING id",
    [STMT_MESSAGE_ADD_ONCE] = MESSAGE_ADD_ONCE " RETURNING id",
    [STMT_BOUNCE_ADD] = BOUNCE_ADD " RETURNING id",
    [STMT_EVENT_ADD] = EVENT_ADD " RETURNING id",
    /*
     * The daemon's look before it records a recipient holds the table
     * in ROW SHARE mode to its commit, which forget's EXCLUSIVE lock
     * waits for (store_forget_pg.c, forget_begin_pg()).
     */
    [STMT_FORGOTTEN] = "SELECT 1 FROM forgotten WHERE hash = ?1 FOR SHARE",
    /* the bulk import's table (store_mgmt.c, IMPORT_SETUP_PG): in
     * pg_temp, ordered by its identity n instead of SQLite's rowid */
    [STMT_MGMT_STAGE] = "INSERT INTO pg_temp.store_import (address, reason,"
			" source, note) VALUES (?1, ?2, ?3, ?4)",
    [STMT_MGMT_STAGED] = "SELECT address, reason, source, note"
			 " FROM pg_temp.store_import ORDER BY address, n",
    /*
     * Each due resend taken by one daemon (issue 18 item 2): a row
     * another daemon's claim has locked is skipped, not waited for,
     * and a row it claimed and committed is no longer due when this
     * claim's FOR UPDATE looks at its newest version (READ COMMITTED
     * re-checks the WHERE; https://www.postgresql.org/docs/15/
     * sql-select.html#SQL-FOR-UPDATE-SHARE and transaction-iso.html
     * 13.2.1). The columns are store_resend.c's RESEND_COLUMNS.
     */
    [STMT_RESEND_CLAIM] =
	"UPDATE resends SET next_attempt_at = ?3 WHERE id IN (SELECT id"
	" FROM resends WHERE state IN ('pending', 'deferred')"
	" AND next_attempt_at <= ?1 ORDER BY next_attempt_at, id LIMIT ?2"
	" FOR UPDATE SKIP LOCKED) RETURNING id, recipient,"
	" original_message_id, reason, kind, state, message, sent, attempts,"
	" next_attempt_at, created_at",
    /*
     * The outbox is delivered in order per sink, so a claim takes the
     * sink, not rows: a daemon whose claim finds the sink's row locked
     * by another's claim gets nothing this round instead of the events
     * after the other's (SKIP LOCKED, as above).
     */
    [STMT_OUTBOX_CLAIM_SINK] =
	"SELECT 1 FROM event_sinks WHERE name = ?1 FOR UPDATE SKIP LOCKED",
    /* the queueing of two daemons at once: the second waits for the
     * first's cursor instead of queueing the same events again (a
     * unique violation of event_deliveries' key) */
    [STMT_OUTBOX_CURSOR] =
	"SELECT cursor FROM event_sinks WHERE name = ?1 FOR UPDATE",
    /* SQLite's two-argument max() is PostgreSQL's GREATEST() */
    [STMT_OUTBOX_ADVANCE] =
	"UPDATE event_sinks SET cursor = GREATEST(cursor, COALESCE((SELECT"
	" max(event) FROM event_deliveries WHERE sink = ?1), 0))"
	" WHERE name = ?1",
};
