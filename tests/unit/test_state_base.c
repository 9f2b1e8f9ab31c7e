/*
 * common/state_base: the files beside the database -- the parse marker,
 * the forget key -- are next to an SQLite file, and in the state
 * directory for a PostgreSQL URI (issue 18), where forget_key_load()
 * makes and finds the key.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/forget_key.h"
#include "common/state_base.h"

#define URI "postgresql:///bounced?host=/run/pg&user=bounced"

static void
test_is_uri(void **state)
{
	(void)state;
	assert_true(database_is_uri(URI));
	assert_true(database_is_uri("postgres://db.example/bounced"));
	assert_false(database_is_uri("/var/lib/bounced/bounced.db"));
	assert_false(database_is_uri("bounced.db"));
	assert_false(database_is_uri("./postgresql://x"));
	assert_false(database_is_uri("postgresql:x"));
	assert_false(database_is_uri(":memory:"));
}

static void
test_file_database(void **state)
{
	char buf[256];

	(void)state;
	setenv("STATE_DIRECTORY", "/srv/state", 1);
	assert_int_equal(state_base("/var/lib/bounced/bounced.db", buf,
	    sizeof(buf)), 0);
	assert_string_equal(buf, "/var/lib/bounced/bounced.db");
	assert_int_equal(forget_key_path("db/b.db", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "db/b.db.forget-key");
	assert_int_equal(state_base("x.db", buf, 4), -1);
	unsetenv("STATE_DIRECTORY");
}

static void
test_uri_database(void **state)
{
	char buf[256];

	(void)state;
	unsetenv("STATE_DIRECTORY");
	assert_int_equal(state_base(URI, buf, sizeof(buf)), 0);
	assert_string_equal(buf, STATE_DIR_DEFAULT "/bounced");
	/* systemd joins several StateDirectory= entries with ':' */
	setenv("STATE_DIRECTORY", "/var/lib/bounced:/var/lib/other", 1);
	assert_int_equal(state_base(URI, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/var/lib/bounced/bounced");
	setenv("STATE_DIRECTORY", "/tmp/st", 1);
	assert_int_equal(forget_key_path(URI, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/tmp/st/bounced.forget-key");
	/* not an absolute path: not systemd's; the default */
	setenv("STATE_DIRECTORY", "relative", 1);
	assert_int_equal(state_base(URI, buf, sizeof(buf)), 0);
	assert_string_equal(buf, STATE_DIR_DEFAULT "/bounced");
	assert_int_equal(state_base(URI, buf, 10), -1);
	unsetenv("STATE_DIRECTORY");
}

/* The key of a PostgreSQL database is made and read in the state
 * directory, and a second load finds the same key. */
static void
test_uri_key(void **state)
{
	unsigned char k1[FORGET_KEY_LEN], k2[FORGET_KEY_LEN];
	char dir[] = "/tmp/bd_stateXXXXXX", path[128];
	const char *why = NULL;
	struct stat sb;

	(void)state;
	assert_non_null(mkdtemp(dir));
	setenv("STATE_DIRECTORY", dir, 1);
	assert_int_equal(forget_key_load(URI, false, k1, &why), 0);
	assert_int_equal(forget_key_load(URI, true, k1, &why), 1);
	snprintf(path, sizeof(path), "%s/bounced.forget-key", dir);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_size, FORGET_KEY_LEN);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(forget_key_load(URI, false, k2, &why), 1);
	assert_memory_equal(k1, k2, FORGET_KEY_LEN);
	unlink(path);
	rmdir(dir);
	unsetenv("STATE_DIRECTORY");
}

static void
shown(const char *in, const char *want)
{
	char *s = database_display(in);

	assert_string_equal(s, want);
	free(s);
}

/* What an error may print of a URI: never its password. */
static void
test_display(void **state)
{
	(void)state;
	shown("/var/lib/bounced/bounced.db", "/var/lib/bounced/bounced.db");
	shown(URI, URI);
	shown("postgresql://u:secret@db.example:5432/b",
	    "postgresql://u:***@db.example:5432/b");
	shown("postgres://u:@h/b", "postgres://u:***@h/b");
	shown("postgresql://u@h/b", "postgresql://u@h/b");
	shown("postgresql:///b?user=u&password=secret&sslmode=verify-full",
	    "postgresql:///b?user=u&password=***&sslmode=verify-full");
	shown("postgresql:///b?password=&password=&password=x",
	    "postgresql:///b?password=***&password=***&password=***");
	/* an '@' in the path or query is no user information */
	shown("postgresql://h/b?user=a:b@c", "postgresql://h/b?user=a:b@c");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_is_uri),
		cmocka_unit_test(test_file_database),
		cmocka_unit_test(test_uri_database),
		cmocka_unit_test(test_uri_key),
		cmocka_unit_test(test_display),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
