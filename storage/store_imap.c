/*
 * What an IMAP mailbox's UIDs left in the database (store.h, issue 19):
 * messages.source_ref is "mailbox/UIDVALIDITY/UID", indexed
 * (messages_source_ref). Statements prepared per call: one pass asks
 * about the UIDs its SEARCH found, which are few unless the server
 * refuses every acknowledgement.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store_private.h"

int
store_ref_recorded(struct store *st, const char *source_ref,
    bool *unparsable_r)
{
	static const char sql[] = "SELECT outcome = 'unparsable' FROM messages"
				  " WHERE source_ref = ?1 LIMIT 1";
	struct db_stmt *stmt;
	int rc;

	*unparsable_r = false;
	if (db_prepare(st->db, sql, 0, &stmt) != 0)
		return store_fail(st, "message by reference");
	if (store_bind_text(stmt, 1, source_ref)) {
		db_finalize(&stmt);
		return store_fail(st, "message by reference");
	}
	rc = db_step(stmt);
	if (rc == DB_ROW)
		*unparsable_r = db_column_int64(stmt, 0) != 0;
	db_finalize(&stmt);
	if (rc != DB_ROW && rc != DB_DONE)
		return store_fail(st, "message by reference");
	return rc == DB_ROW;
}

int
store_ref_max_uid(struct store *st, const char *prefix, uint32_t *uid_r)
{
	/* a range of the index: prefix <= ref < prefix with its last byte
	 * one higher ("/" + 1 is "0"); the UIDs are compared as numbers */
	static const char sql[] =
	    "SELECT max(CAST(substr(source_ref, ?3) AS INTEGER)) FROM messages"
	    " WHERE source_ref >= ?1 AND source_ref < ?2";
	/*
	 * PostgreSQL: the range in bytes whatever the database's collation
	 * (a locale's order would not keep "/" + 1 == "0" next), at the
	 * cost of the index (once per session of the mailbox); INTEGER is
	 * 32 bits there and a UID up to 2^32 - 1, and a cast of what is no
	 * number fails instead of SQLite's leading digits
	 */
	static const char sql_pg[] =
	    "SELECT max(CASE WHEN substr(source_ref, ?3) ~ '^[0-9]{1,18}$'"
	    " THEN CAST(substr(source_ref, ?3) AS BIGINT) END) FROM messages"
	    " WHERE source_ref COLLATE \"C\" >= ?1"
	    " AND source_ref COLLATE \"C\" < ?2";
	size_t n = strlen(prefix);
	char *hi;
	struct db_stmt *stmt;
	int64_t v;
	int rc;

	*uid_r = 0;
	if (n == 0 || (unsigned char)prefix[n - 1] == 0xff)
		return store_fail(st, "highest UID: bad prefix");
	if ((hi = strdup(prefix)) == NULL)
		return store_fail(st, "highest UID");
	hi[n - 1]++;
	if (db_prepare(st->db, db_kind(st->db) == DB_POSTGRESQL ? sql_pg : sql,
	    0, &stmt) != 0) {
		free(hi);
		return store_fail(st, "highest UID");
	}
	if (store_bind_text(stmt, 1, prefix) || store_bind_text(stmt, 2, hi) ||
	    db_bind_int64(stmt, 3, (int64_t)n + 1)) {
		db_finalize(&stmt);
		free(hi);
		return store_fail(st, "highest UID");
	}
	rc = db_step(stmt);
	free(hi);
	if (rc == DB_ROW && !db_column_is_null(stmt, 0)) {
		v = db_column_int64(stmt, 0);
		*uid_r = v < 0 ? 0 : v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
	}
	db_finalize(&stmt);
	return rc == DB_ROW ? 0 : store_fail(st, "highest UID");
}
