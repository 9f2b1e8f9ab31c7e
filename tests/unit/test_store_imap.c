/*
 * storage/store_imap.c (issue 19 item 3): which UIDs of an IMAP mailbox
 * are recorded, and the highest one, from messages.source_ref
 * ("mailbox/UIDVALIDITY/UID"), on a real SQLite file.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "storage/store.h"

static void
add(struct store *st, int n, const char *ref, enum store_outcome o)
{
	char sha[65];
	struct store_message m = { .sha256 = sha, .source_ref = ref,
		.outcome = o, .error = o == STORE_UNPARSABLE ? "x" : NULL,
		.received_at = 1700000000, .processed_at = 1700000005 };

	snprintf(sha, sizeof(sha), "%064x", n);
	assert_int_equal(store_message_add(st, &m, NULL), 0);
}

static void
refs(void **state)
{
	char dir[] = "/tmp/bd-store-imap.XXXXXX", path[PATH_MAX];
	char *err = NULL;
	struct store *st = NULL;
	uint32_t uid = 1;
	bool bad = true;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/b.db", dir);
	assert_int_equal(store_open(path, STORE_RDWR, &st, &err), 0);
	free(err);
	/* none yet */
	assert_int_equal(store_ref_max_uid(st, "INBOX/7/", &uid), 0);
	assert_int_equal(uid, 0);
	assert_int_equal(store_ref_recorded(st, "INBOX/7/5", &bad), 0);
	assert_false(bad);
	add(st, 1, "INBOX/7/5", STORE_BOUNCE);
	add(st, 2, "INBOX/7/10", STORE_UNPARSABLE); /* 10 > 9 as numbers */
	add(st, 3, "INBOX/7/9", STORE_NOT_BOUNCE);
	add(st, 4, "INBOX/8/99", STORE_BOUNCE);	     /* another UIDVALIDITY */
	add(st, 5, "INBOX/77/500", STORE_BOUNCE);    /* prefix "INBOX/7" */
	add(st, 6, "INBOX.Sub/7/600", STORE_BOUNCE); /* another mailbox */
	add(st, 7, "new/1.M1", STORE_BOUNCE);	     /* a Maildir file */
	assert_int_equal(store_ref_max_uid(st, "INBOX/7/", &uid), 0);
	assert_int_equal(uid, 10);
	assert_int_equal(store_ref_max_uid(st, "INBOX/8/", &uid), 0);
	assert_int_equal(uid, 99);
	assert_int_equal(store_ref_max_uid(st, "Other/7/", &uid), 0);
	assert_int_equal(uid, 0);
	assert_int_equal(store_ref_recorded(st, "INBOX/7/5", &bad), 1);
	assert_false(bad);
	assert_int_equal(store_ref_recorded(st, "INBOX/7/10", &bad), 1);
	assert_true(bad);
	assert_int_equal(store_ref_recorded(st, "INBOX/7/6", &bad), 0);
	assert_int_equal(store_ref_recorded(st, "INBOX/8/5", &bad), 0);
	store_close(&st);
	assert_int_equal(unlink(path), 0);
	(void)unlink(strcat(path, "-wal"));
	path[strlen(path) - 4] = '\0';
	(void)unlink(strcat(path, "-shm"));
	assert_int_equal(rmdir(dir), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(refs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
