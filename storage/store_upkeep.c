/*
 * Retention (issue 15 item 6; schema v9, docs/schema.md "Retention"):
 * each purge is one small transaction of at most `limit` rows of one
 * kind, the oldest first, so that the daemon's ingestion waits at most
 * for one of them (the caller yields between them, daemon/upkeep/).
 * What a purge deletes and what it keeps:
 *
 * - messages: messages rows processed before `before`, with their
 *   bounces, the finished resends they scheduled and those resends'
 *   attempts. A message that a waiting (pending, deferred) resend
 *   references is kept until the resend ends.
 * - bounces: bounce rows that arrived before `before`; the message row
 *   stays. Those of a message with a waiting resend are kept.
 * - originals: stored originals (resend_originals) made before
 *   `before` that no waiting resend needs; a finished resend's
 *   `original` becomes NULL.
 * - sent: the sent record's copies indexed before `before` (sent.keep),
 *   with their recipients, as store_sent_expire() but in small steps.
 *
 * recipients rows are never purged: they are the state (counts, first
 * and last bounce, suppression), not history, and purging a bounce row
 * changes none of them.
 *
 * What messages and bounces lose is added to purged_counts first, by the
 * labels of the metrics, so that the totals the metrics show never go
 * down (store_metrics()).
 *
 * Statements are prepared per call: a purge runs a few times a minute at
 * most, the preparation is microseconds, and the write path's cache
 * (store_stmt()) stays the daemon's hot path only.
 */
#include <stdio.h>
#include <string.h>

#include "store_private.h"

/* The rows of one step: each statement below repeats the subquery, which
 * gives the same rows every time within the transaction (the condition
 * and the order are deterministic, and no statement before the last one
 * changes what it reads). ?1 = before, ?2 = limit. */
#define WAITING "r.state IN ('pending', 'deferred')"
#define MSGS                                                                   \
	"SELECT id FROM messages m WHERE processed_at < ?1 AND NOT EXISTS"     \
	" (SELECT 1 FROM resends r WHERE r.message = m.id AND " WAITING ")"   \
	" ORDER BY processed_at, id LIMIT ?2"
#define BOUNCES                                                                \
	"SELECT id FROM bounces b WHERE at < ?1 AND NOT EXISTS"                \
	" (SELECT 1 FROM resends r WHERE r.message = b.message AND " WAITING  \
	")"                                                                    \
	" ORDER BY at, id LIMIT ?2"
#define ORIGINALS                                                              \
	"SELECT id FROM resend_originals o WHERE created_at < ?1 AND NOT"      \
	" EXISTS (SELECT 1 FROM resends r WHERE r.original = o.id AND "       \
	WAITING ") ORDER BY created_at, id LIMIT ?2"
#define SENT                                                                   \
	"SELECT id FROM sent_messages WHERE indexed_at < ?1"                   \
	" ORDER BY indexed_at, id LIMIT ?2"

/* the upsert of a count into purged_counts (WHERE: the upsert after a
 * SELECT needs one, https://www.sqlite.org/lang_upsert.html 2.2) */
#define ADD_COUNTS                                                             \
	" ON CONFLICT (kind, a, b) DO UPDATE SET n = purged_counts.n + excluded.n"
#define RETIRE_BOUNCES(where)                                                  \
	"INSERT INTO purged_counts (kind, a, b, n) SELECT 'bounces',"          \
	" COALESCE(reason, ''), COALESCE(class, ''), count(*) FROM bounces"    \
	" WHERE " where " GROUP BY 2, 3" ADD_COUNTS

static const char *const purge_messages[] = {
    "INSERT INTO purged_counts (kind, a, b, n) SELECT 'messages', outcome,"
    " '', count(*) FROM messages WHERE id IN (" MSGS ") GROUP BY 2" ADD_COUNTS,
    RETIRE_BOUNCES("message IN (" MSGS ")"),
    /* a bounce of a resent copy, of a later message, forgets the link */
    "UPDATE bounces SET resend = NULL WHERE resend IN"
    " (SELECT id FROM resends WHERE message IN (" MSGS "))",
    "DELETE FROM resend_attempts WHERE resend IN"
    " (SELECT id FROM resends WHERE message IN (" MSGS "))",
    /* an attempt of another resend that this message bounced */
    "UPDATE resend_attempts SET message = NULL WHERE message IN (" MSGS ")",
    "DELETE FROM resends WHERE message IN (" MSGS ")",
    "DELETE FROM bounces WHERE message IN (" MSGS ")",
    "DELETE FROM messages WHERE id IN (" MSGS ")",
    NULL,
};

static const char *const purge_bounces[] = {
    RETIRE_BOUNCES("id IN (" BOUNCES ")"),
    "DELETE FROM bounces WHERE id IN (" BOUNCES ")",
    NULL,
};

static const char *const purge_originals[] = {
    "UPDATE resends SET original = NULL WHERE original IN (" ORIGINALS ")",
    "DELETE FROM resend_originals WHERE id IN (" ORIGINALS ")",
    NULL,
};

static const char *const purge_sent[] = {
    "DELETE FROM sent_recipients WHERE sent IN (" SENT ")",
    "DELETE FROM sent_messages WHERE id IN (" SENT ")",
    NULL,
};

static const char *const *const purge_sql[STORE_PURGE_COUNT] = {
    [STORE_PURGE_MESSAGES] = purge_messages,
    [STORE_PURGE_BOUNCES] = purge_bounces,
    [STORE_PURGE_ORIGINALS] = purge_originals,
    [STORE_PURGE_SENT] = purge_sent,
};

static const char *const purge_names[STORE_PURGE_COUNT] = {
    [STORE_PURGE_MESSAGES] = "messages",
    [STORE_PURGE_BOUNCES] = "bounces",
    [STORE_PURGE_ORIGINALS] = "originals",
    [STORE_PURGE_SENT] = "sent",
};

const char *
store_purge_name(enum store_purge k)
{
	return (unsigned)k < STORE_PURGE_COUNT ? purge_names[k] : NULL;
}

/* Runs sql with ?1 = before, ?2 = limit; *changes_r its row count. */
static int
run_step(struct store *st, const char *sql, int64_t before, int64_t limit,
    int64_t *changes_r)
{
	struct db_stmt *stmt;
	int rc;

	if (db_prepare(st->db, sql, 0, &stmt) != 0)
		return store_fail(st, "purge");
	if (db_bind_int64(stmt, 1, before) ||
	    db_bind_int64(stmt, 2, limit)) {
		store_fail(st, "purge");
		db_finalize(&stmt);
		return -1;
	}
	rc = db_step(stmt);
	if (rc != DB_DONE)
		store_fail(st, "purge");
	else
		*changes_r = db_changes(st->db);
	db_finalize(&stmt);
	return rc == DB_DONE ? 0 : -1;
}

int
store_purge(struct store *st, enum store_purge kind, int64_t before,
    unsigned limit, int64_t *n_r)
{
	const char *const *sql;
	int64_t n = 0;
	int rc = 0;
	bool own;

	*n_r = 0;
	if ((unsigned)kind >= STORE_PURGE_COUNT || limit == 0)
		return store_failx(st, "purge: bad arguments");
	/* the triggers that count a delete see the caller's transaction's
	 * new bounces counted (schema v14); outside the savepoint, which
	 * would take the counters back with it but not the rows */
	if (store_stats_flush(st) == -1 || store_tx_begin(st, &own) == -1)
		return -1;
	/* the last statement deletes the rows the others prepared for */
	for (sql = purge_sql[kind]; rc == 0 && *sql != NULL; sql++)
		rc = run_step(st, *sql, before, limit, &n);
	if ((rc = store_tx_end(st, own, rc)) == 0)
		*n_r = n;
	return rc;
}

/*
 * A suppression of reason `reason` that is older than before expires:
 * the address is active again, its soft counters cleared (as
 * unsuppress does), its bounce counts and times kept. A person's
 * override is never undone by time.
 */
static const char sql_expire[] =
    "UPDATE recipients SET state = 'active', suppressed_at = NULL,"
    " soft_count = 0, soft_since = NULL WHERE address IN"
    " (SELECT address FROM recipients WHERE state = 'suppressed'"
    "  AND reason = ?1 AND suppressed_at < ?2 AND override IS NULL"
    "  ORDER BY suppressed_at LIMIT ?3) RETURNING address";

int
store_expire_suppressions(struct store *st, const char *reason,
    int64_t before, unsigned limit,
    void (*fn)(void *arg, const char *address), void *arg, int64_t *n_r)
{
	struct db_stmt *stmt = NULL;
	int64_t n = 0;
	int rc = 0, step;
	bool own;

	*n_r = 0;
	if (store_tx_begin(st, &own) == -1)
		return -1;
	if (db_prepare(st->db, sql_expire, 0, &stmt) !=
		0 ||
	    store_bind_text(stmt, 1, reason) ||
	    db_bind_int64(stmt, 2, before) ||
	    db_bind_int64(stmt, 3, limit))
		rc = store_fail(st, "expire suppressions");
	while (rc == 0 && (step = db_step(stmt)) == DB_ROW) {
		n++;
		if (fn != NULL)
			fn(arg, db_column_text(stmt, 0));
	}
	if (rc == 0 && step != DB_DONE)
		rc = store_fail(st, "expire suppressions");
	db_finalize(&stmt);
	if ((rc = store_tx_end(st, own, rc)) == 0)
		*n_r = n;
	return rc;
}

/* ---- metrics (issue 15 item 7): counts by group, cheap queries ---- */

/*
 * Each query names its metric in the first column; a and b are the
 * labels. Totals (messages, bounces) add what purges and forget took
 * (purged_counts), so that they only grow. Each count reads a covering
 * index (messages_outcome, bounces_reason_class, recipients_state), not
 * the rows (docs/INTEGRATION.md gives the cost on 100,000 rows).
 */
static const char sql_metrics[] =
    "SELECT 0, a, '', sum(n) FROM ("
    " SELECT outcome AS a, count(*) AS n FROM messages GROUP BY 1"
    " UNION ALL SELECT a, n FROM purged_counts WHERE kind = 'messages')"
    " GROUP BY 2 "
    "UNION ALL SELECT 1, a, b, sum(n) FROM ("
    " SELECT COALESCE(reason, '') AS a, COALESCE(class, '') AS b,"
    "  count(*) AS n FROM bounces GROUP BY reason, class"
    " UNION ALL SELECT a, b, n FROM purged_counts WHERE kind = 'bounces')"
    " GROUP BY 2, 3 "
    "UNION ALL SELECT 2, state, '', count(*) FROM recipients GROUP BY 2 "
    "UNION ALL SELECT 3, state, '', count(*) FROM resends GROUP BY 2 "
    "UNION ALL SELECT 4, '', '', count(*) FROM forgotten";

int
store_metrics(struct store *st,
    void (*fn)(void *arg, enum store_metric m, const char *a, const char *b,
	int64_t n),
    void *arg)
{
	struct db_stmt *stmt;
	int rc;

	if (db_prepare(st->db, sql_metrics, 0, &stmt) !=
	    0)
		return store_fail(st, "metrics");
	while ((rc = db_step(stmt)) == DB_ROW) {
		int m = db_column_int64(stmt, 0);
		const char *a = db_column_text(stmt, 1);
		const char *b = db_column_text(stmt, 2);

		if (m >= 0 && m < STORE_METRIC_COUNT)
			fn(arg, (enum store_metric)m, a != NULL ? a : "",
			    b != NULL ? b : "", db_column_int64(stmt, 3));
	}
	if (rc != DB_DONE)
		store_fail(st, "metrics");
	db_finalize(&stmt);
	return rc == DB_DONE ? 0 : -1;
}
