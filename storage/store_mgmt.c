/*
 * Issue 15 items 4 and 5 (store_mgmt.h): a person's decisions, one or a
 * million, through one per-row write; and the attribution of a bounce
 * message. The statements are cached like the rest of the write path
 * (store_stmt()); their SQL is here, in store_mgmt_sql[].
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/strutil.h"
#include "common/xmalloc.h"
#include "store_mgmt.h"
#include "store_private.h"

/* RFC 5322 2.1.1: a line, hence a msg-id, is at most 998 characters */
#define MGMT_MSGID_MAX 998

const char *const store_mgmt_sql[STMT_COUNT] = {
    [STMT_MGMT_STATE] =
	"SELECT state, override FROM recipients WHERE address = ?1",
    [STMT_MGMT_ATTR] =
	"UPDATE messages SET original_from = ?2, original_sender = ?3,"
	" original_envelope_id = ?4, original_subject = ?5,"
	" original_list_id = ?6, campaign = ?7, original_headers = ?8,"
	" attribution = ?9 WHERE id = ?1",
    /* sent_messages_message_id finds the copies of the Message-ID */
    [STMT_MGMT_SENT_BY_MID] =
	"SELECT id FROM sent_messages WHERE message_id = ?1"
	" ORDER BY id DESC LIMIT 1",
    /* PostgreSQL's read_head(): only the chunks of the first ?2 bytes
     * of a body stored out of line (TOAST) are read and decompressed */
    [STMT_MGMT_SENT_HEAD] =
	"SELECT substr(body, 1, ?2) FROM sent_messages WHERE id = ?1",
    [STMT_MGMT_STAGE] = "INSERT INTO temp.store_import (address, reason,"
			" source, note) VALUES (?1, ?2, ?3, ?4)",
    /* rowid second: of two rows of one address, the file's first wins */
    [STMT_MGMT_STAGED] = "SELECT address, reason, source, note"
			 " FROM temp.store_import ORDER BY address, rowid",
};

/* ---- a person's decision ---- */

/* Free text cut at max bytes on a UTF-8 boundary, into buf (max + 1). */
static const char *
bounded(const char *s, char *buf, size_t max)
{
	size_t len;

	if (s == NULL || *s == '\0')
		return NULL;
	len = strlen(s);
	if (len <= max)
		return s;
	len = max;
	while (len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80)
		len--;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return buf;
}

static int
override_row(struct store *st, const struct store_override_in *in, int64_t now)
{
	struct db_stmt *stmt = store_stmt(
	    st, in->o == OVERRIDE_SUPPRESSED ? STMT_SUPPRESS : STMT_UNSUPPRESS);
	const char *at = strrchr(in->address, '@');

	if (stmt == NULL)
		return -1;
	if (store_bind_text(stmt, 1, in->address) ||
	    store_bind_text(stmt, 2, at != NULL ? at + 1 : "") ||
	    db_bind_int64(stmt, 3, now))
		return store_stmt_fail(st, stmt, "override");
	return store_step_done(st, stmt, "override");
}

static int
override_log(struct store *st, const struct store_override_in *in, int64_t now)
{
	struct db_stmt *stmt = store_stmt(st, STMT_OVERRIDE_LOG);
	char reason[STORE_REASON_MAX + 1], source[STORE_SOURCE_MAX + 1];
	char note[STORE_NOTE_MAX + 1];

	if (stmt == NULL)
		return -1;
	if (store_bind_text(stmt, 1, in->address) ||
	    store_bind_text(stmt, 2, rcpt_override_name(in->o)) ||
	    db_bind_int64(stmt, 3, now) ||
	    store_bind_opt(stmt, 4, bounded(in->note, note, STORE_NOTE_MAX)) ||
	    store_bind_opt(
		stmt, 5, bounded(in->reason, reason, STORE_REASON_MAX)) ||
	    store_bind_opt(
		stmt, 6, bounded(in->source, source, STORE_SOURCE_MAX)))
		return store_stmt_fail(st, stmt, "log override");
	return store_step_done(st, stmt, "log override");
}

/*
 * The one write of a person's decision (store_private.h), with its event
 * for the outbox (issue 15 item 3) in the same transaction: bouncectl
 * suppress ADDR and the bulk import alike.
 */
int
store_override_apply(
    struct store *st, const struct store_override_in *in, int64_t now)
{
	struct recipient before;
	enum outbox_kind kind;
	int found;

	if (in->o != OVERRIDE_SUPPRESSED && in->o != OVERRIDE_UNSUPPRESSED)
		return store_failx(st, "override: no decision given");
	if ((found = store_recipient_get(st, in->address, &before)) == -1 ||
	    override_row(st, in, now) == -1 || override_log(st, in, now) == -1)
		return -1;
	/* the outbox (issue 15 item 3): when the state changed */
	kind = outbox_override_kind(found == 1 ? before.state : STATE_ACTIVE,
	    in->o);
	if (kind != OUTBOX_NONE) {
		struct store_event_new e = { .kind = kind,
			.source = OUTBOX_FROM_PERSON, .address = in->address,
			.at = now, .state = in->o == OVERRIDE_SUPPRESSED ?
			STATE_SUPPRESSED : STATE_ACTIVE,
			.reason = REASON_UNDEFINED, .note = in->note };

		return store_event_add(st, &e, NULL);
	}
	return 0;
}

int
store_override_ex(
    struct store *st, const struct store_override_in *in, int64_t now)
{
	bool own;
	int rc;

	if (in->address == NULL || strchr(in->address, '@') == NULL)
		return store_failx(st, "override: not an address");
	if (store_tx_begin(st, &own) == -1)
		return -1;
	rc = store_override_apply(st, in, now);
	return store_tx_end(st, own, rc);
}

/*
 * 1 when address already has the state and the override that o asks
 * for (a second row of the same address in one import too), 0, -1.
 */
static int
already(struct store *st, const struct store_override_in *in)
{
	struct db_stmt *stmt = store_stmt(st, STMT_MGMT_STATE);
	const char *want =
	    in->o == OVERRIDE_SUPPRESSED ? "suppressed" : "active";
	const char *state, *o;
	int rc, same = 0;

	if (stmt == NULL)
		return -1;
	if (store_bind_text(stmt, 1, in->address))
		return store_stmt_fail(st, stmt, "recipient state");
	rc = db_step(stmt);
	if (rc == DB_ROW) {
		state = db_column_text(stmt, 0);
		o = db_column_text(stmt, 1);
		same = state != NULL && o != NULL && strcmp(state, want) == 0 &&
		       strcmp(o, rcpt_override_name(in->o)) == 0;
	} else if (rc != DB_DONE)
		return store_stmt_fail(st, stmt, "recipient state");
	db_reset(stmt);
	return same;
}

/*
 * A million addresses in the order of the file are a million random
 * places in the recipients primary key and the overrides index: once
 * those trees outgrow the page cache, every row reads and spills pages
 * (1M rows took 125 s, 300k took 10 s). So the rows are first appended
 * to a temporary table (each insert at its end), then applied in
 * address order, which SQLite's sorter produces in bounded memory,
 * spilling to temporary files (https://www.sqlite.org/tempfiles.html);
 * neighbouring addresses then share the pages they change. The temporary
 * table is dropped when the import ends, kept or not.
 *
 * cache_size: 64 MiB for the main database while importing, 16 for the
 * temporary one (https://www.sqlite.org/pragma.html#pragma_cache_size):
 * 1M rows peaked at 166 MB RSS (216 with 64 for both, as fast);
 * the 8 of store_configure() after.
 */
/* SQLite's; PostgreSQL's below */
#define IMPORT_SETUP                                                           \
	"PRAGMA main.cache_size = -65536; PRAGMA temp.cache_size = -16384;"    \
	"CREATE TEMP TABLE IF NOT EXISTS store_import (address TEXT NOT NULL," \
	" reason TEXT, source TEXT, note TEXT); DELETE FROM temp.store_import;"
#define IMPORT_DONE                                                            \
	"DROP TABLE IF EXISTS temp.store_import;"                              \
	" PRAGMA main.cache_size = -8192; PRAGMA temp.cache_size = -2000;"

/*
 * PostgreSQL: no cache to size (the server's shared_buffers serve all),
 * and the table goes with the transaction, committed or not
 * (https://www.postgresql.org/docs/15/sql-createtable.html, ON COMMIT
 * DROP); n keeps the file's order, as SQLite's rowid (store_pg.c).
 */
#define IMPORT_SETUP_PG                                                        \
	"CREATE TEMP TABLE store_import (n BIGINT GENERATED ALWAYS AS"         \
	" IDENTITY, address TEXT NOT NULL, reason TEXT, source TEXT,"          \
	" note TEXT) ON COMMIT DROP"

/* The rows of next() into temp.store_import. */
static int
stage(struct store *st, store_override_next *next, void *ctx)
{
	struct store_override_in in;
	struct db_stmt *stmt;
	int rc;

	while ((rc = next(ctx, &in)) == 1) {
		if ((stmt = store_stmt(st, STMT_MGMT_STAGE)) == NULL)
			return -1;
		if (store_bind_text(stmt, 1, in.address) ||
		    store_bind_opt(stmt, 2, in.reason) ||
		    store_bind_opt(stmt, 3, in.source) ||
		    store_bind_opt(stmt, 4, in.note))
			return store_stmt_fail(st, stmt, "stage import");
		if (store_step_done(st, stmt, "stage import") == -1)
			return -1;
	}
	if (rc == -1 && st->error == NULL)
		store_failx(st, "import abandoned");
	return rc;
}

/* One staged row, as read (the statement owns its text until its next
 * step) */
static int
apply_staged(struct store *st, struct db_stmt *rows, enum rcpt_override o,
    int64_t now, struct store_override_counts *c)
{
	struct store_override_in in = {.o = o};
	int same;

	in.address = db_column_text(rows, 0);
	in.reason = db_column_text(rows, 1);
	in.source = db_column_text(rows, 2);
	in.note = db_column_text(rows, 3);
	if (in.address == NULL)
		return 0;
	if ((same = already(st, &in)) == -1)
		return -1;
	if (same) {
		c->already++;
		return 0;
	}
	if (store_override_apply(st, &in, now) == -1)
		return -1;
	c->applied++;
	return 0;
}

/* The staged rows in address order, each through store_override_apply() */
static int
apply_all(struct store *st, enum rcpt_override o, int64_t now,
    struct store_override_counts *c)
{
	struct db_stmt *rows = store_stmt(st, STMT_MGMT_STAGED);
	int rc;

	if (rows == NULL)
		return -1;
	while ((rc = db_step(rows)) == DB_ROW)
		if (apply_staged(st, rows, o, now, c) == -1) {
			db_reset(rows);
			return -1;
		}
	if (rc != DB_DONE)
		return store_stmt_fail(st, rows, "read staged import");
	db_reset(rows);
	return 0;
}

int
store_override_many(struct store *st, enum rcpt_override o,
    store_override_next *next, void *ctx, int64_t now,
    struct store_override_counts *c_r)
{
	bool pg;
	int rc;

	memset(c_r, 0, sizeof(*c_r));
	free(st->error);
	st->error = NULL;
	if (o != OVERRIDE_SUPPRESSED && o != OVERRIDE_UNSUPPRESSED)
		return store_failx(st, "override: no decision given");
	if (store_begin(st) == -1)
		return -1;
	pg = db_kind(st->db) == DB_POSTGRESQL;
	rc = db_exec(st->db, pg ? IMPORT_SETUP_PG : IMPORT_SETUP) != 0
		 ? store_fail(st, "import table")
		 : 0;
	if (rc == 0)
		rc = stage(st, next, ctx);
	if (rc == 0)
		rc = apply_all(st, o, now, c_r);
	if (rc == 0)
		rc = store_commit(st);
	if (rc == -1) {
		store_rollback(st);
		memset(c_r, 0, sizeof(*c_r));
	}
	if (!pg)
		(void)db_exec(st->db, IMPORT_DONE);
	return rc;
}

/* ---- attribution ---- */

/* s as a JSON string into *out (RFC 8259 7); s is valid UTF-8 */
static void
json_str(char **out, size_t *len, size_t *cap, const char *s)
{
	char esc[8];
	const char *piece;
	size_t n;

	for (; s != NULL && *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		piece = esc;
		if (c == '"' || c == '\\')
			snprintf(esc, sizeof(esc), "\\%c", c);
		else if (c < 0x20)
			snprintf(esc, sizeof(esc), "\\u%04x", c);
		else {
			esc[0] = (char)c;
			esc[1] = '\0';
		}
		n = strlen(piece);
		if (*len + n + 8 > *cap) {
			*cap = (*len + n + 8) * 2;
			*out = xreallocarray(*out, *cap, 1);
		}
		memcpy(*out + *len, piece, n);
		*len += n;
		(*out)[*len] = '\0';
	}
}

static void
json_lit(char **out, size_t *len, size_t *cap, const char *lit)
{
	size_t n = strlen(lit);

	if (*len + n + 1 > *cap) {
		*cap = (*len + n + 1) * 2;
		*out = xreallocarray(*out, *cap, 1);
	}
	memcpy(*out + *len, lit, n + 1);
	*len += n;
}

/* {"name": "value", ...} of the headers present, malloc'd; NULL: none */
static char *
headers_json(const struct store_attribution *a)
{
	char *out = NULL;
	size_t len = 0, cap = 0, i, n = 0;

	for (i = 0; i < a->nheaders && i < STORE_ATTR_HEADERS; i++) {
		if (a->values[i] == NULL || a->names[i] == NULL)
			continue;
		json_lit(&out, &len, &cap, n++ == 0 ? "{\"" : ", \"");
		json_str(&out, &len, &cap, a->names[i]);
		json_lit(&out, &len, &cap, "\": \"");
		json_str(&out, &len, &cap, a->values[i]);
		json_lit(&out, &len, &cap, "\"");
	}
	if (n > 0)
		json_lit(&out, &len, &cap, "}");
	return out;
}

static bool
attr_empty(const struct store_attribution *a)
{
	return a->from == NULL && a->sender == NULL && a->envelope_id == NULL &&
	       a->subject == NULL && a->list_id == NULL &&
	       a->campaign == NULL && a->nheaders == 0;
}

int
store_bind_attribution(struct db_stmt *stmt, int first,
    const struct store_attribution *a)
{
	char *hdrs;
	int rc;

	if (attr_empty(a))
		return 0;
	hdrs = headers_json(a);
	rc = store_bind_opt(stmt, first, a->from) ||
	     store_bind_opt(stmt, first + 1, a->sender) ||
	     store_bind_opt(stmt, first + 2, a->envelope_id) ||
	     store_bind_opt(stmt, first + 3, a->subject) ||
	     store_bind_opt(stmt, first + 4, a->list_id) ||
	     store_bind_opt(stmt, first + 5, a->campaign) ||
	     store_bind_opt(stmt, first + 6, hdrs) ||
	     store_bind_text(stmt, first + 7, a->from_sent ? "sent" :
		"returned");
	free(hdrs); /* bound as a copy (db.h) */
	return rc ? -1 : 0;
}

int
store_message_attribution(
    struct store *st, int64_t id, const struct store_attribution *a)
{
	struct db_stmt *stmt;

	if (attr_empty(a))
		return 0;
	if ((stmt = store_stmt(st, STMT_MGMT_ATTR)) == NULL)
		return -1;
	if (db_bind_int64(stmt, 1, id) || store_bind_attribution(stmt, 2, a))
		return store_stmt_fail(st, stmt, "attribution");
	return store_step_done(st, stmt, "attribution");
}

/*
 * The head of a copy through incremental blob I/O
 * (https://www.sqlite.org/c3ref/blob_open.html): a copy with a 20 MB
 * attachment is not read whole for its header block, as a column value
 * (even substr() of one) would be. On PostgreSQL substr() of a bytea
 * fetches and decompresses only the slices it needs of a value stored
 * out of line (https://www.postgresql.org/docs/15/storage-toast.html).
 */
static int
read_head(struct store *st, int64_t id, size_t max, unsigned char **buf_r,
    size_t *len_r)
{
	struct db_stmt *stmt;
	size_t len;
	int rc;

	if (db_kind(st->db) == DB_SQLITE) {
		if (db_sqlite_blob_read(st->db, "sent_messages", "body", id,
		    max, buf_r, len_r) == -1)
			return store_fail(st, "sent copy");
		return 1;
	}
	if ((stmt = store_stmt(st, STMT_MGMT_SENT_HEAD)) == NULL)
		return -1;
	if (db_bind_int64(stmt, 1, id) ||
	    db_bind_int64(stmt, 2, (int64_t)max))
		return store_stmt_fail(st, stmt, "sent copy");
	if ((rc = db_step(stmt)) != DB_ROW) {
		/* gone since the id was read: a purge between */
		if (rc == DB_DONE) {
			db_reset(stmt);
			return 0;
		}
		return store_stmt_fail(st, stmt, "sent copy");
	}
	len = db_column_bytes(stmt, 0);
	*buf_r = xmalloc(len + 1);
	if (len > 0)
		memcpy(*buf_r, db_column_blob(stmt, 0), len);
	(*buf_r)[len] = '\0';
	*len_r = len;
	db_reset(stmt);
	return 1;
}

int
store_sent_head(struct store *st, const char *message_id, size_t max,
    unsigned char **buf_r, size_t *len_r)
{
	struct db_stmt *stmt;
	const char *s = message_id;
	int64_t id;
	size_t len;
	int rc;

	*buf_r = NULL;
	*len_r = 0;
	if (s == NULL)
		return 0;
	while (bd_isspace((unsigned char)*s) || *s == '<')
		s++;
	len = strlen(s);
	while (len > 0 &&
	       (bd_isspace((unsigned char)s[len - 1]) || s[len - 1] == '>'))
		len--;
	if (len == 0 || len > MGMT_MSGID_MAX || max == 0 || max > INT32_MAX)
		return 0;
	if ((stmt = store_stmt(st, STMT_MGMT_SENT_BY_MID)) == NULL)
		return -1;
	if (db_bind_textn(stmt, 1, s, len))
		return store_stmt_fail(st, stmt, "sent copy");
	if ((rc = store_step_int(st, stmt, "sent copy", &id)) != 1)
		return rc;
	return read_head(st, id, max, buf_r, len_r);
}
