/*
 * The sent record (schema v5): a copy of each message we sent, as the MTA
 * gave it to the sent: source, with the addresses it was for. The daemon
 * adds copies (daemon/sources/sent_index.c) and prunes them after sent.keep; a
 * bounce naming a Message-ID and a recipient of a copy is verified, and a
 * resend is made from the copy's bytes. The statements are cached like the
 * rest of the write path (store_stmt()); their SQL is here, in
 * store_sent_sql[].
 *
 * Message-IDs are kept without their angle brackets (store.h); a caller's
 * is brought to that form before it is compared, so "<a@b>" and "a@b"
 * find the same copy.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/strutil.h"
#include "common/xmalloc.h"
#include "store_private.h"

/* RFC 5322 2.1.1: a line, hence a msg-id, is at most 998 characters */
#define SENT_MSGID_MAX 998

const char *const store_sent_sql[STMT_COUNT] = {
    [STMT_SENT_FIND] = "SELECT id FROM sent_messages WHERE sha256 = ?1",
    [STMT_SENT_ADD] =
	"INSERT INTO sent_messages (sha256, source_ref, message_id, sent_at,"
	" indexed_at, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
    /* DO NOTHING: the caller's list has no duplicates, but a second one
     * would say nothing new */
    [STMT_SENT_RCPT_ADD] = "INSERT INTO sent_recipients (sent, address)"
			   " VALUES (?1, ?2) ON CONFLICT DO NOTHING",
    /* sent_messages_message_id finds the copies of the Message-ID, the
     * primary key of sent_recipients the address among each one's */
    [STMT_SENT_MATCH] =
	"SELECT s.id FROM sent_messages s JOIN sent_recipients r"
	" ON r.sent = s.id AND r.address = ?2"
	" WHERE s.message_id = ?1 ORDER BY s.id DESC LIMIT 1",
    [STMT_SENT_BODY] = "SELECT body FROM sent_messages WHERE id = ?1",
    [STMT_SENT_EXPIRE_RCPTS] =
	"DELETE FROM sent_recipients WHERE sent IN"
	" (SELECT id FROM sent_messages WHERE indexed_at < ?1)",
    [STMT_SENT_EXPIRE] = "DELETE FROM sent_messages WHERE indexed_at < ?1",
};

/* ---- helpers ---- */

/*
 * A Message-ID as the table keeps it: white space and the angle brackets
 * around it dropped. Returns the length in buf (size SENT_MSGID_MAX + 1),
 * 0 when nothing is left or it is longer than any msg-id can be.
 */
static size_t
msgid_bare(const char *s, char *buf)
{
	size_t len;

	if (s == NULL)
		return 0;
	while (bd_isspace((unsigned char)*s) || *s == '<')
		s++;
	len = strlen(s);
	while (len > 0 &&
	       (bd_isspace((unsigned char)s[len - 1]) || s[len - 1] == '>'))
		len--;
	if (len == 0 || len > SENT_MSGID_MAX)
		return 0;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return len;
}

/* ---- adding ---- */

int
store_sent_find(struct store *st, const char *sha256, int64_t *id_r)
{
	struct db_stmt *stmt = store_stmt(st, STMT_SENT_FIND);

	if (stmt == NULL)
		return -1;
	if (store_bind_text(stmt, 1, sha256))
		return store_stmt_fail(st, stmt, "find sent copy");
	return store_step_int(st, stmt, "find sent copy", id_r);
}

static int
add_copy(struct store *st, const struct store_sent *s, int64_t *id_r)
{
	struct db_stmt *stmt = store_stmt(st, STMT_SENT_ADD);
	char mid[SENT_MSGID_MAX + 1];

	if (stmt == NULL)
		return -1;
	if (s->len > (size_t)INT32_MAX)
		return store_failx(
		    st, "sent copy: %zu bytes, too large", s->len);
	if (store_bind_text(stmt, 1, s->sha256) ||
	    store_bind_text(stmt, 2, s->source_ref) ||
	    (msgid_bare(s->message_id, mid) > 0 ? store_bind_text(stmt, 3, mid)
						: db_bind_null(stmt, 3)) ||
	    store_bind_opt_int(stmt, 4, s->sent_at) ||
	    db_bind_int64(stmt, 5, s->indexed_at) ||
	    db_bind_blob(stmt, 6, s->body, s->len))
		return store_stmt_fail(st, stmt, "add sent copy");
	if (store_step_id(st, stmt, "add sent copy", id_r) == -1)
		return -1;
	return 0;
}

static int
add_rcpts(struct store *st, int64_t id, const char *const *rcpts, size_t n)
{
	struct db_stmt *stmt;
	size_t i;

	for (i = 0; i < n; i++) {
		if (rcpts[i] == NULL || *rcpts[i] == '\0')
			continue;
		if ((stmt = store_stmt(st, STMT_SENT_RCPT_ADD)) == NULL)
			return -1;
		if (db_bind_int64(stmt, 1, id) ||
		    store_bind_text(stmt, 2, rcpts[i]))
			return store_stmt_fail(st, stmt, "add sent recipient");
		if (store_step_done(st, stmt, "add sent recipient") == -1)
			return -1;
	}
	return 0;
}

int
store_sent_add(struct store *st, const struct store_sent *s, int64_t *id_r)
{
	int64_t id = 0;
	bool own;
	int rc;

	if (store_tx_begin(st, &own) == -1)
		return -1;
	rc = add_copy(st, s, &id);
	if (rc == 0)
		rc = add_rcpts(st, id, s->rcpts, s->nrcpts);
	if ((rc = store_tx_end(st, own, rc)) == 0 && id_r != NULL)
		*id_r = id;
	return rc;
}

/* ---- reading ---- */

int
store_sent_match(struct store *st, const char *message_id,
    const char *recipient, int64_t *id_r)
{
	char mid[SENT_MSGID_MAX + 1], rcpt[STORE_ADDR_MAX + 1];
	struct db_stmt *stmt;

	/* no Message-ID, or an address no copy can hold: nothing matches */
	if (msgid_bare(message_id, mid) == 0 || recipient == NULL ||
	    *recipient == '\0' || strlen(recipient) > STORE_ADDR_MAX)
		return 0;
	snprintf(rcpt, sizeof(rcpt), "%s", recipient);
	str_lower(rcpt);
	if ((stmt = store_stmt(st, STMT_SENT_MATCH)) == NULL)
		return -1;
	if (store_bind_text(stmt, 1, mid) || store_bind_text(stmt, 2, rcpt))
		return store_stmt_fail(st, stmt, "match sent copy");
	return store_step_int(st, stmt, "match sent copy", id_r);
}

int
store_sent_body(
    struct store *st, int64_t id, unsigned char **buf_r, size_t *len_r)
{
	struct db_stmt *stmt = store_stmt(st, STMT_SENT_BODY);
	const void *body;
	size_t len;
	int rc;

	*buf_r = NULL;
	*len_r = 0;
	if (stmt == NULL)
		return -1;
	if (db_bind_int64(stmt, 1, id))
		return store_stmt_fail(st, stmt, "get sent copy");
	rc = db_step(stmt);
	if (rc == DB_DONE) {
		db_reset(stmt);
		return 0;
	}
	if (rc != DB_ROW)
		return store_stmt_fail(st, stmt, "get sent copy");
	/* the pointer first, then the size
	 * (https://www.sqlite.org/c3ref/column_blob.html) */
	body = db_column_blob(stmt, 0);
	len = (size_t)db_column_bytes(stmt, 0);
	if (body == NULL && len > 0)
		return store_stmt_fail(st, stmt, "get sent copy");
	/* + 1: a NUL after the bytes, for a caller that wants one */
	*buf_r = xmalloc(len + 1);
	if (len > 0)
		memcpy(*buf_r, body, len);
	(*buf_r)[len] = '\0';
	*len_r = len;
	db_reset(stmt);
	return 1;
}

/* ---- pruning ---- */

static int
expire_run(struct store *st, enum store_stmt id, int64_t before)
{
	struct db_stmt *stmt = store_stmt(st, id);

	if (stmt == NULL)
		return -1;
	if (db_bind_int64(stmt, 1, before))
		return store_stmt_fail(st, stmt, "expire sent copies");
	return store_step_done(st, stmt, "expire sent copies");
}

int
store_sent_expire(struct store *st, int64_t before, int64_t *n_r)
{
	int64_t n = 0;
	bool own;
	int rc;

	if (store_tx_begin(st, &own) == -1)
		return -1;
	/* the recipients first: their subquery reads the copies */
	rc = expire_run(st, STMT_SENT_EXPIRE_RCPTS, before);
	if (rc == 0 && (rc = expire_run(st, STMT_SENT_EXPIRE, before)) == 0)
		n = db_changes(st->db);
	if ((rc = store_tx_end(st, own, rc)) == 0 && n_r != NULL)
		*n_r = n;
	return rc;
}
