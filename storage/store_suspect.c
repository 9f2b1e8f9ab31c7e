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
	    " UPDATE SET crashes = suspects.crashes + 1, last_at = excluded.last_at,"
	    " source_ref = excluded.source_ref";
	struct db_stmt *stmt;
	int rc;

	if (db_prepare(st->db, sql, 0, &stmt) != 0)
		return store_fail(st, "suspect");
	if (store_bind_text(stmt, 1, sha256) ||
	    store_bind_text(stmt, 2, source_ref) ||
	    db_bind_int64(stmt, 3, now)) {
		db_finalize(&stmt);
		return store_fail(st, "suspect");
	}
	rc = db_step(stmt);
	db_finalize(&stmt);
	return rc == DB_DONE ? 0 : store_fail(st, "suspect");
}

int
store_suspect_each(struct store *st,
    void (*fn)(void *arg, const char *sha256, unsigned crashes), void *arg)
{
	struct db_stmt *stmt;
	int rc;

	if (db_prepare(st->db, "SELECT sha256, crashes FROM suspects", 0, &stmt) != 0)
		return store_fail(st, "suspects");
	while ((rc = db_step(stmt)) == DB_ROW) {
		const char *sha = db_column_text(stmt, 0);
		int64_t n = db_column_int64(stmt, 1);

		if (sha != NULL)
			fn(arg, sha,
			    n < 0 ? 0 : n > 1000 ? 1000 : (unsigned)n);
	}
	db_finalize(&stmt);
	return rc == DB_DONE ? 0 : store_fail(st, "suspects");
}

int
store_suspect_del(struct store *st, const char *sha256)
{
	struct db_stmt *stmt;
	int rc;

	if (db_prepare(st->db, "DELETE FROM suspects WHERE sha256 = ?1", 0, &stmt) != 0)
		return store_fail(st, "suspect");
	if (store_bind_text(stmt, 1, sha256)) {
		db_finalize(&stmt);
		return store_fail(st, "suspect");
	}
	rc = db_step(stmt);
	db_finalize(&stmt);
	return rc == DB_DONE ? 0 : store_fail(st, "suspect");
}
