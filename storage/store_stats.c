/*
 * bouncectl stats' counters of the bounces a transaction inserted, added
 * once per transaction (schema v14, issue 16 item 3; SQLite only, see
 * migrate.c's schema_v14). What the insert trigger added row by row, as
 * sums over the rows from the transaction's first new id on: per key,
 * the bounces, hard, sender and unverified; and the recipients that had
 * no bounce in the group before the transaction, which is the number of
 * rows the trigger found new (a recipient is new once, at its first row).
 */
#include <stdbool.h>
#include <stdint.h>

#include "store_private.h"
#include "stats_sql.h"

/* the rows before the transaction: ids below ?1 */
#define NOT_BEFORE(cond)                                                     \
	"NOT EXISTS (SELECT 1 FROM bounces o WHERE o.recipient ="            \
	" b.recipient AND o.id < ?1" cond ")"

/* the sums of the new rows b, under their key b.k, into bounce_stats */
#define SUMS_BY(g, key, isnew)                                               \
	"INSERT INTO bounce_stats SELECT '" g "', k, count(*),"              \
	" count(DISTINCT CASE WHEN " isnew " THEN recipient END), sum(hard),"\
	" sum(effect IS 'sender'), sum(effect IS 'unverified') FROM"         \
	" (SELECT " key " AS k, recipient, hard, effect FROM bounces"        \
	" WHERE id >= ?1) AS b WHERE true GROUP BY k"                        \
	" ON CONFLICT DO UPDATE SET bounces = bounces + excluded.bounces,"   \
	" recipients = recipients + excluded.recipients,"                    \
	" hard = hard + excluded.hard, sender = sender + excluded.sender,"   \
	" unverified = unverified + excluded.unverified"

const char *const store_stats_sql[STMT_COUNT] = {
    /* before STMT_STATS_RCPT: new to a reason is a pair it has not seen */
    [STMT_STATS_REASON] = SUMS_BY("reason", STATS_KEY_REASON("bounces"),
	"NOT EXISTS (SELECT 1 FROM bounce_stats_rcpt r WHERE r.key = b.k"
	" AND r.recipient = b.recipient)"),
    [STMT_STATS_DOMAIN] = SUMS_BY("domain", STATS_KEY_DOMAIN("bounces"),
	NOT_BEFORE("")),
    [STMT_STATS_DAY] = SUMS_BY("day", STATS_KEY_DAY("bounces"),
	NOT_BEFORE(" AND " STATS_KEY_DAY("o") " = b.k")),
    [STMT_STATS_RCPT] =
	"INSERT INTO bounce_stats_rcpt SELECT " STATS_KEY_REASON("bounces")
	", recipient, count(*) FROM bounces WHERE id >= ?1 GROUP BY 1, 2"
	" ON CONFLICT DO UPDATE SET n = n + excluded.n",
};

void
store_stats_note(struct store *st, int64_t id)
{
	if (db_kind(st->db) == DB_SQLITE && st->stats_from == 0)
		st->stats_from = id;
}

int
store_stats_flush(struct store *st)
{
	static const enum store_stmt order[] = { STMT_STATS_REASON,
		STMT_STATS_RCPT, STMT_STATS_DOMAIN, STMT_STATS_DAY };
	struct db_stmt *stmt;
	size_t i;

	if (st->stats_from == 0)
		return 0;
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		if ((stmt = store_stmt(st, order[i])) == NULL)
			return -1;
		if (db_bind_int64(stmt, 1, st->stats_from) != 0 ||
		    db_step(stmt) != DB_DONE)
			return store_stmt_fail(st, stmt, "count bounces");
		db_reset(stmt);
	}
	st->stats_from = 0;
	return 0;
}
