/*
 * The keys of bouncectl stats' counters (bounce_stats, schema v12), as SQL
 * over a bounces row r: one text for migrate.c's triggers and fill and for
 * store_stats.c's sums per transaction (schema v14), so that the two
 * cannot count under different keys. A NULL reason or day is the key ''
 * (neither is ever stored as ''; docs/schema.md, Conventions); a domain
 * is never NULL.
 */
#ifndef BD_STATS_SQL_H
#define BD_STATS_SQL_H

#define STATS_KEY_REASON(r) "ifnull(" r ".reason, '')"
#define STATS_KEY_DOMAIN(r)                                                  \
	"substr(" r ".recipient, length(rtrim(" r ".recipient,"              \
	" replace(" r ".recipient, '@', ''))) + 1)"
/* the day of a bounce: its own date by its report where known (bounced_at,
 * schema v11, issue 17 item 5), else the day bounced took it -- as
 * stats --by day groups a scan (store_query.c) */
#define STATS_WHEN(r) "COALESCE(" r ".bounced_at, " r ".at)"
#define STATS_KEY_DAY(r)                                                     \
	"ifnull(strftime('%Y-%m-%d', " STATS_WHEN(r) ", 'unixepoch'), '')"

#endif
