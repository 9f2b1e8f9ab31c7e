/*
 * storage/: what a failure means to the daemon (issue 14 item 4):
 * store_error_fault(), store_error_fatal() and store_open_try() on real
 * files in a fresh directory -- locked by another connection (waiting
 * helps), full (it passes), and the databases that cannot be written: a
 * missing directory, a file that is no database, a corrupt one, one
 * deleted while open, one that may only be read.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <sqlite3.h> /* raw SQL: store_db() */

#include "storage/store.h"
#include "storage/store_private.h"

static char dir[PATH_MAX];

static void
path_of(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/%s", dir, name);
}

static int64_t
ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
add_message(struct store *st, int n)
{
	char sha[65];
	struct store_message m = {.sha256 = sha,
	    .source_ref = "m",
	    .outcome = STORE_NOT_BOUNCE,
	    .processed_at = 1700000000,
	    .authenticity = AUTH_COUNT};

	snprintf(sha, sizeof(sha), "%064d", n);
	return store_message_add(st, &m, NULL);
}

/* store_open_try() must fail: the fault, and the error has want in it */
static void
open_fails(const char *path, enum store_fault want_fault, const char *want)
{
	struct store *st = NULL;
	enum store_fault f = STORE_FAULT_NONE;
	char *err = NULL;

	assert_int_equal(
	    store_open_try(path, STORE_RDWR, 100, &st, &err, &f), -1);
	assert_null(st);
	assert_non_null(err);
	if (strstr(err, want) == NULL)
		fail_msg("%s: error \"%s\" lacks \"%s\"", path, err, want);
	assert_int_equal(f, want_fault);
	free(err);
}

static void
missing_directory(void **state)
{
	char p[PATH_MAX + 32];

	(void)state;
	path_of(p, sizeof(p), "no/such/dir/bounced.db");
	/* issue 17 item 4: the state directory named as such */
	open_fails(p, STORE_FAULT_FATAL, "/no/such/dir does not exist");
	open_fails(p, STORE_FAULT_FATAL, ": database directory /");
}

/* a regular file where the directory should be */
static void
file_as_directory(void **state)
{
	char f[PATH_MAX + 32], p[PATH_MAX + 64];
	FILE *fp;

	(void)state;
	path_of(f, sizeof(f), "plain");
	assert_non_null(fp = fopen(f, "w"));
	fclose(fp);
	snprintf(p, sizeof(p), "%s/bounced.db", f);
	open_fails(p, STORE_FAULT_FATAL, "plain is not a directory");
}

static void
not_a_database(void **state)
{
	char p[PATH_MAX + 32];
	FILE *fp;

	(void)state;
	path_of(p, sizeof(p), "garbage.db");
	assert_non_null(fp = fopen(p, "w"));
	for (int i = 0; i < 4096; i++)
		fputc((i * 7919) & 0xff, fp);
	fclose(fp);
	open_fails(p, STORE_FAULT_FATAL, "file is not a database");
}

/* Another connection holds the write lock: BUSY, after busy_ms (not
 * the 5 s of the connection's own timeout), and it opens once free. */
static void
locked(void **state)
{
	char p[PATH_MAX + 32], *err = NULL;
	struct store *st = NULL;
	enum store_fault f;
	sqlite3 *db;
	int64_t t;

	(void)state;
	path_of(p, sizeof(p), "locked.db");
	assert_int_equal(store_open(p, STORE_RDWR, &st, &err), 0);
	store_close(&st);
	assert_int_equal(sqlite3_open(p, &db), SQLITE_OK);
	assert_int_equal(
	    sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	t = ms_now();
	open_fails(p, STORE_FAULT_BUSY, "locked");
	t = ms_now() - t;
	if (t < 80 || t > 2000)
		fail_msg("waited %lld ms for a busy_ms of 100", (long long)t);
	assert_int_equal(
	    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(store_open_try(p, STORE_RDWR, 100, &st, &err, &f), 0);
	/* locked again while open: a write is busy, not fatal */
	assert_int_equal(
	    sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_busy_timeout(store_db(st), 50);
	assert_int_equal(store_begin(st), -1);
	assert_int_equal(store_error_fault(st), STORE_FAULT_BUSY);
	assert_true(store_error_busy(st));
	assert_false(store_error_fatal(st));
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(db);
	store_close(&st);
}

/* SQLITE_FULL (here: max_page_count) passes: it is retried, not fatal */
static void
full(void **state)
{
	char p[PATH_MAX + 32], *err = NULL;
	struct store *st = NULL;
	int i, rc = 0;

	(void)state;
	path_of(p, sizeof(p), "full.db");
	assert_int_equal(store_open(p, STORE_RDWR, &st, &err), 0);
	sqlite3_exec(
	    store_db(st), "PRAGMA max_page_count = 40", NULL, NULL, NULL);
	for (i = 0; i < 100000 && rc == 0; i++)
		rc = add_message(st, i);
	assert_int_equal(rc, -1);
	assert_int_equal(store_error_fault(st), STORE_FAULT_PASSING);
	assert_false(store_error_fatal(st));
	store_close(&st);
}

/* Deleted or replaced while open: SQLite in WAL mode would go on writing
 * into the lost file; no write transaction begins */
static void
deleted_while_open(void **state)
{
	char p[PATH_MAX + 32], q[PATH_MAX + 40], *err = NULL;
	struct store *st = NULL;
	FILE *fp;

	(void)state;
	path_of(p, sizeof(p), "deleted.db");
	assert_int_equal(store_open(p, STORE_RDWR, &st, &err), 0);
	assert_int_equal(store_begin(st), 0);
	assert_int_equal(add_message(st, 1), 0);
	assert_int_equal(store_commit(st), 0);
	assert_int_equal(unlink(p), 0);
	assert_int_equal(store_begin(st), -1);
	assert_true(store_error_fatal(st));
	assert_non_null(strstr(store_error(st), "moved or deleted"));
	/* another file at the path is not ours either */
	assert_non_null(fp = fopen(p, "w"));
	fclose(fp);
	assert_int_equal(store_begin(st), -1);
	assert_true(store_error_fatal(st));
	store_close(&st);
	/* renamed: the same */
	path_of(p, sizeof(p), "renamed.db");
	path_of(q, sizeof(q), "renamed.db.old");
	assert_int_equal(store_open(p, STORE_RDWR, &st, &err), 0);
	assert_int_equal(rename(p, q), 0);
	assert_int_equal(store_begin(st), -1);
	assert_true(store_error_fatal(st));
	assert_int_equal(rename(q, p), 0);
	assert_int_equal(store_begin(st), 0);
	store_rollback(st);
	store_close(&st);
}

/* Pages overwritten with garbage behind SQLite's back: CORRUPT */
static void
corrupt(void **state)
{
	char p[PATH_MAX + 32], wal[PATH_MAX + 40], *err = NULL;
	struct store *st = NULL;
	enum store_fault f;
	struct stat sb;
	int fd, i, rc = 0;

	(void)state;
	path_of(p, sizeof(p), "corrupt.db");
	assert_int_equal(store_open(p, STORE_RDWR, &st, &err), 0);
	for (i = 0; i < 200; i++)
		assert_int_equal(add_message(st, i), 0);
	store_close(&st); /* the last close checkpoints the WAL */
	snprintf(wal, sizeof(wal), "%s-wal", p);
	unlink(wal);
	snprintf(wal, sizeof(wal), "%s-shm", p);
	unlink(wal);
	assert_int_equal(stat(p, &sb), 0);
	assert_true(sb.st_size > 8192);
	assert_true((fd = open(p, O_WRONLY)) != -1);
	for (off_t o = 4096; o < sb.st_size; o++) /* all but page 1 */
		assert_int_equal(pwrite(fd, "\xa5", 1, o), 1);
	close(fd);
	if (store_open_try(p, STORE_RDWR, 100, &st, &err, &f) == -1) {
		assert_int_equal(f, STORE_FAULT_FATAL); /* at the open */
		free(err);
		return;
	}
	for (i = 1000; i < 1200 && rc == 0; i++)
		rc = add_message(st, i);
	assert_int_equal(rc, -1);
	assert_true(store_error_fatal(st));
	store_close(&st);
}

/* 0 when a read-write open of path fails as read-only and fatal */
static int
refused_read_only(const char *path)
{
	struct store *st = NULL;
	enum store_fault f;
	char *err = NULL;
	int rc;

	if (store_open_try(path, STORE_RDWR, 100, &st, &err, &f) == 0) {
		store_close(&st);
		fprintf(stderr, "%s: opened read-write\n", path);
		return 1;
	}
	rc = f == STORE_FAULT_FATAL &&
		     strstr(err, "cannot be written: Permission denied") != NULL
		 ? 0
		 : 1;
	if (rc != 0)
		fprintf(stderr, "%s: %s (fault %d)\n", path, err, (int)f);
	free(err);
	return rc;
}

/* A file its user may only read (the wrong owner, a mode): SQLite would
 * open it read-only without a word. Root writes whatever the mode, so as
 * root the open is made by nobody (65534) in a child. */
static void
read_only_file(void **state)
{
	char p[PATH_MAX + 32], *err = NULL;
	struct store *st = NULL;
	int status;
	pid_t pid;

	(void)state;
	path_of(p, sizeof(p), "ro.db");
	assert_int_equal(store_open(p, STORE_RDWR, &st, &err), 0);
	store_close(&st);
	assert_int_equal(chmod(p, 0444), 0);
	if (geteuid() != 0) {
		assert_int_equal(refused_read_only(p), 0);
		return;
	}
	assert_int_equal(chmod(dir, 0711), 0); /* nobody may reach it */
	assert_true((pid = fork()) != -1);
	if (pid == 0) {
		if (setgid(65534) == -1 || setuid(65534) == -1)
			_exit(2);
		_exit(refused_read_only(p));
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(chmod(dir, 0700), 0);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* Our own errors are no SQLite fault */
static void
ours(void **state)
{
	char p[PATH_MAX + 32], *err = NULL;
	struct store *st = NULL;

	(void)state;
	path_of(p, sizeof(p), "ours.db");
	assert_int_equal(store_open(p, STORE_RDWR, &st, &err), 0);
	assert_int_equal(store_override(st, "no address", OVERRIDE_SUPPRESSED,
			     1700000000, NULL),
	    -1);
	assert_int_equal(store_error_fault(st), STORE_FAULT_NONE);
	assert_false(store_error_fatal(st));
	store_close(&st);
}

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "%s/bd-fault-XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(missing_directory),
	    cmocka_unit_test(file_as_directory),
	    cmocka_unit_test(not_a_database),
	    cmocka_unit_test(locked),
	    cmocka_unit_test(full),
	    cmocka_unit_test(deleted_while_open),
	    cmocka_unit_test(corrupt),
	    cmocka_unit_test(read_only_file),
	    cmocka_unit_test(ours),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
