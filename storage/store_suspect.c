/*
 * Suspects: messages the daemon died while parsing (daemon/poison.h).
 * Rare by nature -- a row appears only after a crash -- so the statements
 * are prepared per call, not kept.
 */
#include <stddef.h>

#include "store_private.h"

int
store_suspect_add(struct store *st, const char *sha256,
    const char *source_ref, int64_t now)
{
	static const char sql[] =
	    "INSERT INTO suspects (sha256, source_ref, crashes, first_at,"
	    " last_at) VALUES (?1, ?2, 1, ?3, ?3) ON CONFLICT (sha256) DO"
	    " UPDATE SET crashes = crashes + 1, last_at = excluded.last_at,"
	    " source_ref = excluded.source_ref";
	sqlite3_stmt *stmt;
	int rc;

	if (sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL) != SQLITE_OK)
		return store_fail(st, "suspect");
	if (store_bind_text(stmt, 1, sha256) ||
	    store_bind_text(stmt, 2, source_ref) ||
	    sqlite3_bind_int64(stmt, 3, now)) {
		sqlite3_finalize(stmt);
		return store_fail(st, "suspect");
	}
	rc = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE ? 0 : store_fail(st, "suspect");
}

int
store_suspect_each(struct store *st,
    void (*fn)(void *arg, const char *sha256, unsigned crashes), void *arg)
{
	sqlite3_stmt *stmt;
	int rc;

	if (sqlite3_prepare_v2(st->db, "SELECT sha256, crashes FROM suspects",
		-1, &stmt, NULL) != SQLITE_OK)
		return store_fail(st, "suspects");
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const unsigned char *sha = sqlite3_column_text(stmt, 0);
		int64_t n = sqlite3_column_int64(stmt, 1);

		if (sha != NULL)
			fn(arg, (const char *)sha,
			    n < 0 ? 0 : n > 1000 ? 1000 : (unsigned)n);
	}
	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE ? 0 : store_fail(st, "suspects");
}

int
store_suspect_del(struct store *st, const char *sha256)
{
	sqlite3_stmt *stmt;
	int rc;

	if (sqlite3_prepare_v2(st->db, "DELETE FROM suspects WHERE sha256 = ?1",
		-1, &stmt, NULL) != SQLITE_OK)
		return store_fail(st, "suspect");
	if (store_bind_text(stmt, 1, sha256)) {
		sqlite3_finalize(stmt);
		return store_fail(st, "suspect");
	}
	rc = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE ? 0 : store_fail(st, "suspect");
}
