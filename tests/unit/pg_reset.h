/*
 * The tests of the store that run on PostgreSQL too (BD_TEST_PG_URI:
 * tests/integration/storage_pg.sh): each case starts on an empty
 * database, the schema public dropped with all it holds and made again
 * (the store then creates its tables in it, as on a new database).
 */
#ifndef BOUNCED_TEST_PG_RESET_H
#define BOUNCED_TEST_PG_RESET_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage/store_private.h" /* db.h, as the tests reach it */

static int
pg_reset(const char *uri)
{
	struct db *db;
	char *err = NULL;
	enum db_fault fault;
	int rc;

	if (db_pg_open(uri, &db, &err, &fault) == -1) {
		fprintf(stderr, "%s: %s\n", uri, err);
		free(err);
		return -1;
	}
	rc = db_exec(db, "SET client_min_messages = warning;"
	    " DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public");
	if (rc == -1)
		fprintf(stderr, "reset: %s\n", db_error(db));
	db_close(&db);
	return rc;
}

/*
 * Whether the tests can run on uri: 0, 77 (a skip, never a pass: the
 * build has no libpq), or 1 (no server there: a failure).
 */
static int
pg_reachable(const char *uri)
{
	struct db *db;
	char *err = NULL;
	enum db_fault fault;
	int rc = 0;

	if (db_pg_open(uri, &db, &err, &fault) == -1) {
		fprintf(stderr, "%s: %s\n", uri, err);
		rc = strstr(err, "without libpq") != NULL ? 77 : 1;
		free(err);
		return rc;
	}
	db_close(&db);
	return 0;
}

#endif
