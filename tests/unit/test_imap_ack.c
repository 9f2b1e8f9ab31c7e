/*
 * daemon/sources/imap_ack.c: the acknowledgement the server will keep
 * (issue 19 item 2), every branch.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "daemon/sources/imap_ack.h"

static enum imap_ack_kind
choose(struct imap_ack_in in, const char *want_in_why)
{
	const char *why = NULL;
	enum imap_ack_kind k = imap_ack_choose(&in, &why);

	assert_non_null(why);
	if (strstr(why, want_in_why) == NULL)
		fail_msg("\"%s\" does not say \"%s\"", why, want_in_why);
	return k;
}

static void
moves(void **state)
{
	(void)state;
	/* MOVE whatever the flags */
	assert_int_equal(choose((struct imap_ack_in){ .has_move = true,
	    .has_uidplus = true, .target = true, .target_ok = true },
	    "MOVE"), IMAP_ACK_MOVE);
	assert_int_equal(choose((struct imap_ack_in){ .has_move = true,
	    .perm_known = true, .target = true, .target_ok = true },
	    "MOVE"), IMAP_ACK_MOVE);
	/* UIDPLUS without MOVE: COPY + UID EXPUNGE, \Deleted permanent or
	 * PERMANENTFLAGS not said */
	assert_int_equal(choose((struct imap_ack_in){ .has_uidplus = true,
	    .target = true, .target_ok = true }, "UIDPLUS"),
	    IMAP_ACK_COPY_EXPUNGE);
	assert_int_equal(choose((struct imap_ack_in){ .has_uidplus = true,
	    .perm_known = true, .perm_deleted = true, .target = true,
	    .target_ok = true }, "UIDPLUS"), IMAP_ACK_COPY_EXPUNGE);
}

static void
keywords(void **state)
{
	(void)state;
	/* no target */
	assert_int_equal(choose((struct imap_ack_in){ .has_move = true },
	    "no PERMANENTFLAGS"), IMAP_ACK_KEYWORD);
	assert_int_equal(choose((struct imap_ack_in){ .perm_known = true,
	    .perm_keywords = true, .perm_seen = true }, "has \\*"),
	    IMAP_ACK_KEYWORD);
	/* a target that cannot be used */
	assert_int_equal(choose((struct imap_ack_in){ .has_move = true,
	    .target = true }, "cannot be used"), IMAP_ACK_KEYWORD);
	/* UIDPLUS but \Deleted not permanent */
	assert_int_equal(choose((struct imap_ack_in){ .has_uidplus = true,
	    .perm_known = true, .perm_keywords = true, .perm_seen = true,
	    .target = true, .target_ok = true }, "lacks \\Deleted"),
	    IMAP_ACK_KEYWORD);
	/* neither MOVE nor UIDPLUS */
	assert_int_equal(choose((struct imap_ack_in){ .target = true,
	    .target_ok = true }, "neither MOVE nor UIDPLUS"),
	    IMAP_ACK_KEYWORD);
}

static void
marks(void **state)
{
	(void)state;
	/* Courier with IMAP_KEYWORDS=0: PERMANENTFLAGS without \* */
	assert_int_equal(choose((struct imap_ack_in){ .perm_known = true,
	    .perm_seen = true, .perm_deleted = true }, "PERMANENTFLAGS"),
	    IMAP_ACK_SEEN_MARK);
	assert_int_equal(choose((struct imap_ack_in){ .has_uidplus = false,
	    .perm_known = true, .perm_seen = true, .perm_deleted = true,
	    .target = true, .target_ok = true }, "PERMANENTFLAGS"),
	    IMAP_ACK_SEEN_MARK);
	/* not even \Seen */
	assert_int_equal(choose((struct imap_ack_in){ .perm_known = true },
	    "neither \\* nor \\Seen"), IMAP_ACK_MARK);
	/* but MOVE still wins */
	assert_int_equal(choose((struct imap_ack_in){ .has_move = true,
	    .perm_known = true, .target = true, .target_ok = true }, "MOVE"),
	    IMAP_ACK_MOVE);
}

static void
names(void **state)
{
	(void)state;
	assert_string_equal(imap_ack_name(IMAP_ACK_MOVE), "MOVE");
	assert_string_equal(imap_ack_name(IMAP_ACK_KEYWORD),
	    "\\Seen + $Bounced");
	assert_non_null(strstr(imap_ack_name(IMAP_ACK_SEEN_MARK), "mark"));
	assert_non_null(strstr(imap_ack_name(IMAP_ACK_MARK), "mark"));
	assert_non_null(strstr(imap_ack_name(IMAP_ACK_COPY_EXPUNGE),
	    "EXPUNGE"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(moves),
		cmocka_unit_test(keywords),
		cmocka_unit_test(marks),
		cmocka_unit_test(names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
