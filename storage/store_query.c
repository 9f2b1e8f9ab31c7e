/*
 * bouncectl's queries: each returns its rows through one prepared
 * statement. Unlike the write path these are prepared per call and
 * finalised by store_rows_free(): bouncectl runs one or two per process,
 * and two result sets may be open at once. Column names are a public
 * interface (bouncectl prints them as JSON keys and CSV headers); they are
 * listed in docs/schema.md. Times are shown as ISO 8601 UTC text, and a
 * NULL time stays NULL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"
#include "store_mgmt.h"
#include "classify/reason.h"
#include "store_private.h"

struct store_rows {
	struct store *st;   /* borrowed: freed after these rows */
	struct db_stmt *stmt; /* owned */
	unsigned ncols;
	enum store_col_type *types; /* of the current row */
	bool done;                  /* DB_DONE seen: step no more */
	bool track;                 /* keep column 0 of the last row */
	char *last;                 /* owned: it (store_rows_last_key()) */
};

/*
 * Issue 17 item 5: an address with rows elsewhere but none in recipients
 * -- auto-replies (ignored: they change no state) -- answers too, state
 * "none", from its bounces; a suppressed_at is shown only while the
 * address is suppressed (rows written before unsuppress cleared it).
 */
static const char sql_status[] =
    "SELECT address, domain, state, reason, status, bounces, soft_bounces,"
    " first_bounce, last_bounce,"
    " CASE WHEN state = 'suppressed' THEN suppressed_at END AS suppressed_at,"
    " overridden_by, override,"
    " override_at FROM recipient_status WHERE address = lower(?1)"
    " UNION ALL "
    "SELECT lower(?1), substr(lower(?1), instr(lower(?1), '@') + 1),"
    " 'none', (SELECT reason FROM bounces WHERE recipient = lower(?1)"
    "  ORDER BY COALESCE(at, 0) DESC, id DESC LIMIT 1),"
    " (SELECT status FROM bounces WHERE recipient = lower(?1)"
    "  ORDER BY COALESCE(at, 0) DESC, id DESC LIMIT 1),"
    " count(*), 0,"
    " strftime('%Y-%m-%dT%H:%M:%SZ', min(at), 'unixepoch'),"
    " strftime('%Y-%m-%dT%H:%M:%SZ', max(at), 'unixepoch'),"
    " NULL, NULL, NULL, NULL FROM bounces WHERE recipient = lower(?1)"
    " AND NOT EXISTS (SELECT 1 FROM recipients WHERE address = lower(?1))"
    " HAVING count(*) > 0";

/*
 * Bounces and overrides in one time line: t orders them (a bounce whose
 * arrival time is unknown by its processing time), then bounces before
 * overrides of the same second, then insertion order.
 */
static const char sql_history[] =
    "SELECT kind, at, bounced_at, processed_at, action, status, reply_code,"
    " reason,"
    " hard, class, diagnostic, remote_mta, original_message_id, rule,"
    " family, source_ref, note, source, original_from, original_sender,"
    " original_envelope_id, original_subject, original_list_id, campaign,"
    " original_headers, attribution FROM ("
    "SELECT 'bounce' AS kind,"
    " strftime('%Y-%m-%dT%H:%M:%SZ', b.at, 'unixepoch') AS at,"
    /* schema v10 (issue 17 item 5): the bounce's own date */
    " strftime('%Y-%m-%dT%H:%M:%SZ', b.bounced_at, 'unixepoch')"
    "  AS bounced_at,"
    " strftime('%Y-%m-%dT%H:%M:%SZ', m.processed_at, 'unixepoch')"
    "  AS processed_at,"
    " b.action AS action, b.status AS status, b.reply_code AS reply_code,"
    " b.reason AS reason, b.hard AS hard, b.class AS class,"
    " b.diagnostic AS diagnostic, b.remote_mta AS remote_mta,"
    " b.original_message_id AS original_message_id, b.rule AS rule,"
    " b.family AS family, m.source_ref AS source_ref, NULL AS note,"
    /* schema v7 (issue 15 item 4): what identifies the original */
    " NULL AS source, m.original_from AS original_from,"
    " m.original_sender AS original_sender,"
    " m.original_envelope_id AS original_envelope_id,"
    " m.original_subject AS original_subject,"
    " m.original_list_id AS original_list_id, m.campaign AS campaign,"
    " m.original_headers AS original_headers,"
    " m.attribution AS attribution,"
    " COALESCE(b.at, m.processed_at) AS t, 0 AS k, b.id AS seq"
    " FROM bounces b JOIN messages m ON m.id = b.message"
    " WHERE b.recipient = lower(?1)"
    " UNION ALL "
    /* an override's reason is a person's free text (schema v7) */
    "SELECT 'override', strftime('%Y-%m-%dT%H:%M:%SZ', o.at, 'unixepoch'),"
    " NULL, NULL, o.action, NULL, NULL, o.reason, NULL, NULL, NULL, NULL, NULL,"
    " NULL, NULL, NULL, o.note, o.source, NULL, NULL, NULL, NULL, NULL,"
    " NULL, NULL, NULL, o.at, 1, o.id"
    " FROM overrides o WHERE o.address = lower(?1)"
    ") h ORDER BY t, k, seq"; /* a subquery in FROM has a name on PostgreSQL */

/*
 * The list is put together from constant pieces, one per filter given, so
 * that SQLite can use recipients_state or recipients_domain; the values
 * are bound all the same.
 */
static const char sql_list_head[] =
    "SELECT address, domain, state, reason, status, bounce_count AS bounces,"
    " strftime('%Y-%m-%dT%H:%M:%SZ', last_bounce_at, 'unixepoch')"
    "  AS last_bounce,"
    /* issue 17 item 5: when the newest bounce happened, by its report */
    " (SELECT strftime('%Y-%m-%dT%H:%M:%SZ', max(bounced_at), 'unixepoch')"
    "  FROM bounces WHERE recipient = address) AS last_bounced_at"
    " FROM recipients WHERE 1 = 1"; /* PostgreSQL: a boolean */
/* NULLS LAST: SQLite's order (NULL is the smallest value), which
 * PostgreSQL reverses by default (NULL the largest): an address a
 * person suppressed, never bounced, last on both */
static const char sql_list_tail[] =
    " ORDER BY last_bounce_at DESC NULLS LAST, address";

/* The resend queue, newest first; the same piece-wise building as the
 * list. */
static const char sql_resends_head[] =
    "SELECT id, recipient, original_message_id, reason, kind, state,"
    " attempts,"
    " strftime('%Y-%m-%dT%H:%M:%SZ', next_attempt_at, 'unixepoch')"
    "  AS next_attempt,"
    " strftime('%Y-%m-%dT%H:%M:%SZ', created_at, 'unixepoch') AS created,"
    " strftime('%Y-%m-%dT%H:%M:%SZ', updated_at, 'unixepoch') AS updated,"
    " last_error FROM resends";
static const char sql_resends_tail[] = " ORDER BY created_at DESC, id DESC";

/* The domain of a bounce is the part after the last '@': rtrim() strips
 * all but '@' from the end. */
/* NULLS FIRST: SQLite's order (NULL the smallest value), which
 * PostgreSQL reverses by default, so that a NULL key (no reason, no
 * day, no campaign) is where it is on both backends */
static const struct {
	const char *key, *order;
} stats_sql[] = {
    [STATS_REASON] = {"reason AS reason", "bounces DESC, reason NULLS FIRST"},
    [STATS_DOMAIN] = {"substr(recipient, length(rtrim(recipient,"
		      " replace(recipient, '@', ''))) + 1) AS domain",
	"bounces DESC, domain"},
    /* the day the bounce happened by its report (bounced_at, schema
     * v10), else the day bounced took it (issue 17 item 5) */
    [STATS_DAY] = {"strftime('%Y-%m-%d', COALESCE(bounced_at, at),"
		   " 'unixepoch') AS day", "day NULLS FIRST"},
    /* schema v7 (issue 15 item 4): the original's From, the configured
     * campaign header (columns of messages: stats_join), the MTA that
     * answered */
    /* not "sender": the count of the sender's problems has that name */
    [STATS_SENDER] = {"messages.original_from AS original_from",
	"bounces DESC, original_from NULLS FIRST"},
    [STATS_CAMPAIGN] = {"messages.campaign AS campaign",
	"bounces DESC, campaign NULLS FIRST"},
    [STATS_REMOTE_MTA] = {"bounces.remote_mta AS remote_mta",
	"bounces DESC, remote_mta NULLS FIRST"},
    /* the key is made by reason_v5_key() */
    [STATS_REASON_SISIMAI5] = {NULL, "bounces DESC, reason NULLS FIRST"},
};

/*
 * "CASE reason WHEN 'mesgtoobig' THEN 'emailtoolarge' ... ELSE reason END
 * AS reason": each reason sisimai 5 renamed, from the one table of names
 * (classify/reason_names.c); constant text, no value of a row in it.
 */
static char *
reason_v5_key(void)
{
	char *sql = xstrdup("CASE reason"), *more;
	int r;

	for (r = 0; r < REASON_COUNT; r++) {
		const char *v5 = reason_label((enum reason)r,
		    REASON_LABELS_SISIMAI5);

		if (strcmp(v5, reason_name((enum reason)r)) == 0)
			continue;
		more = xasprintf("%s WHEN '%s' THEN '%s'", sql,
		    reason_name((enum reason)r), v5);
		free(sql);
		sql = more;
	}
	more = xasprintf("%s ELSE reason END AS reason", sql);
	free(sql);
	return more;
}

/* The groupings that read a column of messages: the bounce's message
 * by its primary key (no index needed; the names used elsewhere in the
 * query are bounces' alone) */
static bool
stats_join(enum store_stats_by by)
{
	return by == STATS_SENDER || by == STATS_CAMPAIGN;
}

/* ---- rows ---- */

static struct store_rows *
rows_new(struct store *st, const char *sql)
{
	struct store_rows *rows;
	struct db_stmt *stmt;

	if (db_prepare(st->db, sql, 0, &stmt) != 0) {
		store_fail(st, "prepare query");
		return NULL;
	}
	rows = xcalloc(1, sizeof(*rows));
	rows->st = st;
	rows->stmt = stmt;
	rows->ncols = (unsigned)db_column_count(stmt);
	rows->types = xcalloc(rows->ncols, sizeof(*rows->types));
	return rows;
}

/* Hands rows out when the bindings (rc) went well. */
static int
rows_ready(struct store_rows *rows, int rc, struct store_rows **rows_r)
{
	*rows_r = NULL;
	if (rc != 0) {
		store_fail(rows->st, "bind query");
		store_rows_free(&rows);
		return -1;
	}
	*rows_r = rows;
	return 0;
}

unsigned
store_rows_ncols(const struct store_rows *rows)
{
	return rows->ncols;
}

const char *
store_rows_name(const struct store_rows *rows, unsigned col)
{
	if (col >= rows->ncols)
		return NULL;
	return db_column_name(rows->stmt, (int)col);
}

static enum store_col_type
col_type(struct db_stmt *stmt, int col)
{
	switch (db_column_type(stmt, col)) {
	case DB_INT:
		return STORE_INT;
	case DB_FLOAT:
		return STORE_REAL;
	case DB_NULL:
		return STORE_NULL;
	case DB_TEXT:
	case DB_BLOB:
		break;
	}
	return STORE_TEXT;
}

int
store_rows_next(struct store_rows *rows)
{
	int rc;

	if (rows->done)
		return 0;
	rc = db_step(rows->stmt);
	if (rc == DB_DONE) {
		rows->done = true;
		memset(rows->types, 0, rows->ncols * sizeof(*rows->types));
		return 0;
	}
	if (rc != DB_ROW) {
		rows->done = true;
		return store_fail(rows->st, "query");
	}
	/* now: db_column_text() may convert a value and change its
	 * type (https://www.sqlite.org/c3ref/column_blob.html) */
	for (unsigned i = 0; i < rows->ncols; i++)
		rows->types[i] = col_type(rows->stmt, (int)i);
	if (rows->track) {
		free(rows->last);
		rows->last = xstrdup(rows->types[0] == STORE_NULL ? "" :
		    db_column_text(rows->stmt, 0));
	}
	return 1;
}

enum store_col_type
store_rows_type(const struct store_rows *rows, unsigned col)
{
	return col < rows->ncols ? rows->types[col] : STORE_NULL;
}

const char *
store_rows_text(struct store_rows *rows, unsigned col)
{
	if (col >= rows->ncols || rows->types[col] == STORE_NULL)
		return NULL;
	return db_column_text(rows->stmt, (int)col);
}

void
store_rows_free(struct store_rows **rowsp)
{
	struct store_rows *rows = *rowsp;

	if (rows == NULL)
		return;
	db_finalize(&rows->stmt);
	free(rows->types);
	free(rows->last);
	free(rows);
	*rowsp = NULL;
}

/* ---- the queries ---- */

static int
query_address(struct store *st, const char *sql, const char *address,
    struct store_rows **rows_r)
{
	struct store_rows *rows = rows_new(st, sql);

	*rows_r = NULL;
	if (rows == NULL)
		return -1;
	return rows_ready(rows,
	    db_bind_text(rows->stmt, 1, address),
	    rows_r);
}

int
store_query_status(
    struct store *st, const char *address, struct store_rows **rows_r)
{
	return query_address(st, sql_status, address, rows_r);
}

int
store_query_history(
    struct store *st, const char *address, struct store_rows **rows_r)
{
	return query_address(st, sql_history, address, rows_r);
}

static const char *
reason_sql(const struct store_list_filter *f)
{
	if (f->reason == NULL)
		return "";
	return f->reason2 != NULL ? " AND reason IN (?2, ?7)" : " AND reason = ?2";
}

static int
bind_list(struct db_stmt *stmt, const struct store_list_filter *f)
{
	int rc = 0;

	if (f->state != NULL)
		rc = db_bind_text(stmt, 1, f->state);
	if (rc == 0 && f->reason != NULL)
		rc =
		    db_bind_text(stmt, 2, f->reason);
	if (rc == 0 && f->domain != NULL)
		rc =
		    db_bind_text(stmt, 3, f->domain);
	if (rc == 0 && f->since != 0)
		rc = db_bind_int64(stmt, 4, f->since);
	if (rc == 0 && f->reason != NULL && f->reason2 != NULL)
		rc = db_bind_text(stmt, 7, f->reason2);
	return rc;
}

int
store_query_list(struct store *st, const struct store_list_filter *f,
    struct store_rows **rows_r)
{
	struct store_rows *rows;
	char *sql;

	/* constant pieces only: the values go through bind_list() */
	sql = xasprintf("%s%s%s%s%s%s", sql_list_head,
	    f->state != NULL ? " AND state = ?1" : "",
	    reason_sql(f),
	    f->domain != NULL ? " AND domain = lower(?3)" : "",
	    f->since != 0 ? " AND last_bounce_at >= ?4" : "", sql_list_tail);
	rows = rows_new(st, sql);
	free(sql);
	*rows_r = NULL;
	if (rows == NULL)
		return -1;
	return rows_ready(rows, bind_list(rows->stmt, f), rows_r);
}

const char *
store_rows_last_key(const struct store_rows *rows)
{
	return rows->last;
}

/*
 * Keyset pagination (store_mgmt.h): "address > ?5" on the primary key of
 * recipients, ORDER BY address, LIMIT ?6 -- each page a seek and a short
 * scan, where OFFSET would read every row before the page.
 */
int
store_query_list_page(struct store *st, const struct store_list_filter *f,
    const char *after, int64_t limit, struct store_rows **rows_r)
{
	struct store_rows *rows;
	char *sql;
	int rc;

	*rows_r = NULL;
	if (limit <= 0)
		return store_failx(st, "list: a page of %lld rows",
		    (long long)limit);
	sql = xasprintf("%s%s%s%s%s%s ORDER BY address LIMIT ?6",
	    sql_list_head, f->state != NULL ? " AND state = ?1" : "",
	    reason_sql(f),
	    f->domain != NULL ? " AND domain = lower(?3)" : "",
	    f->since != 0 ? " AND last_bounce_at >= ?4" : "",
	    after != NULL && *after != '\0' ? " AND address > lower(?5)" : "");
	rows = rows_new(st, sql);
	free(sql);
	if (rows == NULL)
		return -1;
	rows->track = true;
	rc = bind_list(rows->stmt, f);
	if (rc == 0 && after != NULL && *after != '\0')
		rc = db_bind_text(rows->stmt, 5, after);
	if (rc == 0)
		rc = db_bind_int64(rows->stmt, 6, limit);
	return rows_ready(rows, rc, rows_r);
}

int
store_query_resends(
    struct store *st, const char *state, struct store_rows **rows_r)
{
	struct store_rows *rows;
	char *sql;

	sql = xasprintf("%s%s%s", sql_resends_head,
	    state != NULL ? " WHERE state = ?1" : "", sql_resends_tail);
	rows = rows_new(st, sql);
	free(sql);
	*rows_r = NULL;
	if (rows == NULL)
		return -1;
	return rows_ready(rows,
	    state != NULL
		? db_bind_text(rows->stmt, 1, state)
		: 0,
	    rows_r);
}

int
store_query_resend(struct store *st, int64_t id, struct store_rows **rows_r)
{
	struct store_rows *rows;
	char *sql;

	sql = xasprintf("%s WHERE id = ?1", sql_resends_head);
	rows = rows_new(st, sql);
	free(sql);
	*rows_r = NULL;
	if (rows == NULL)
		return -1;
	return rows_ready(rows, db_bind_int64(rows->stmt, 1, id), rows_r);
}

/*
 * bouncectl sent: the copies whose Message-ID is what (with or without
 * <>), or that went to the address what; newest first. The two lookups
 * use sent_messages_message_id and sent_recipients_address.
 */
static const char sql_sent[] =
    "SELECT s.id AS id, s.message_id AS message_id,"
    " strftime('%Y-%m-%dT%H:%M:%SZ', s.sent_at, 'unixepoch') AS sent_at,"
    " (SELECT count(*) FROM sent_recipients r WHERE r.sent = s.id)"
    "  AS recipients"
    " FROM sent_messages s"
    " WHERE s.message_id = trim(?1, ' <>')"
    " OR s.id IN (SELECT sent FROM sent_recipients WHERE address = lower(?1))"
    " ORDER BY s.id DESC";

int
store_query_sent(struct store *st, const char *what,
    struct store_rows **rows_r)
{
	struct store_rows *rows = rows_new(st, sql_sent);

	*rows_r = NULL;
	if (rows == NULL)
		return -1;
	return rows_ready(rows,
	    db_bind_text(rows->stmt, 1, what),
	    rows_r);
}

/*
 * The groupings schema v10 keeps counters for (bounce_stats, storage/
 * migrate.c): the same columns, names and order as the query over
 * bounces, read from one small table instead of every bounce (issue 16
 * item 3). A NULL reason or day is kept as the key ''.
 */
static const struct {
	const char *grouping, *key, *order;
} stats_counted[] = {
    [STATS_REASON] = {"reason", "nullif(key, '') AS reason",
	"bounces DESC, reason NULLS FIRST"},
    [STATS_DOMAIN] = {"domain", "key AS domain", "bounces DESC, domain"},
    [STATS_DAY] = {"day", "nullif(key, '') AS day", "day NULLS FIRST"},
    [STATS_SENDER] = {NULL, NULL, NULL},
    [STATS_CAMPAIGN] = {NULL, NULL, NULL},
    [STATS_REMOTE_MTA] = {NULL, NULL, NULL},
    /* sisimai 5's names merge reasons: from the rows */
    [STATS_REASON_SISIMAI5] = {NULL, NULL, NULL},
};

_Static_assert(sizeof(stats_counted) / sizeof(stats_counted[0]) ==
    sizeof(stats_sql) / sizeof(stats_sql[0]), "one entry per grouping");

static int
stats_from_counters(struct store *st, enum store_stats_by by,
    struct store_rows **rows_r)
{
	struct store_rows *rows;
	char *sql;

	/* PostgreSQL keeps a key's counts on several rows, one per writer
	 * (migrate_pg.c); on SQLite the key is the primary key and the
	 * sums change nothing. The CASTs: PostgreSQL's sum() of a BIGINT
	 * is a NUMERIC. A key whose rows add up to no bounce has none. */
	sql = xasprintf("SELECT %s, CAST(sum(bounces) AS BIGINT) AS bounces,"
			" CAST(sum(recipients) AS BIGINT) AS recipients,"
			" CAST(sum(hard) AS BIGINT) AS hard_bounces,"
			" CAST(sum(sender) AS BIGINT) AS sender,"
			" CAST(sum(unverified) AS BIGINT) AS unverified"
			" FROM bounce_stats WHERE grouping = '%s'"
			" GROUP BY grouping, key HAVING sum(bounces) > 0"
			" ORDER BY %s",
	    stats_counted[by].key, stats_counted[by].grouping,
	    stats_counted[by].order);
	rows = rows_new(st, sql);
	free(sql);
	if (rows == NULL)
		return -1;
	return rows_ready(rows, 0, rows_r);
}

int
store_query_stats(struct store *st, enum store_stats_by by, int64_t since,
    struct store_rows **rows_r)
{
	struct store_rows *rows;
	char *sql, *key;

	*rows_r = NULL;
	if ((unsigned)by >= sizeof(stats_sql) / sizeof(stats_sql[0]))
		return store_failx(st, "stats: no such grouping %d", (int)by);
	if (since == 0 && stats_counted[by].grouping != NULL)
		return stats_from_counters(st, by, rows_r);
	key = by == STATS_REASON_SISIMAI5 ? reason_v5_key()
					  : xstrdup(stats_sql[by].key);
	sql = xasprintf("SELECT %s, count(*) AS bounces,"
			" count(DISTINCT recipient) AS recipients,"
			/* a count: "hard" is a boolean in every other
			 * command's output (issue 17 item 5) */
			" sum(hard) AS hard_bounces,"
			/* issue 13: our problems apart from the recipients'
			 * (lc_effect_name()); rows from before schema v5 have
			 * no effect and count in neither */
			" count(CASE WHEN effect = 'sender' THEN 1 END)"
			" AS sender,"
			" count(CASE WHEN effect = 'unverified' THEN 1 END)"
			" AS unverified"
			" FROM bounces%s%s"
			" GROUP BY 1 ORDER BY %s",
	    key,
	    stats_join(by) ? " JOIN messages ON messages.id = bounces.message"
			   : "",
	    since != 0 ? " WHERE at >= ?1" : "",
	    stats_sql[by].order);
	free(key);
	rows = rows_new(st, sql);
	free(sql);
	if (rows == NULL)
		return -1;
	return rows_ready(rows,
	    since != 0 ? db_bind_int64(rows->stmt, 1, since) : 0,
	    rows_r);
}

/* ---- names as stored ---- */

static const char *const outcome_names[] = {
    [STORE_BOUNCE] = "bounce",
    [STORE_NOT_BOUNCE] = "not_bounce",
    [STORE_UNPARSABLE] = "unparsable",
};

const char *
store_outcome_name(enum store_outcome o)
{
	if ((unsigned)o >= sizeof(outcome_names) / sizeof(outcome_names[0]))
		return NULL;
	return outcome_names[o];
}

