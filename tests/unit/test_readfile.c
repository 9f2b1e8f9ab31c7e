/*
 * common/readfile: read_secret(), the password files of imap: and
 * resend.smtp: one line, one trailing line end dropped, nothing else;
 * and readfile(), a whole message file.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/readfile.h"

static char path[64];

static int
setup(void **state)
{
	int fd;

	(void)state;
	snprintf(path, sizeof(path), "/tmp/bd_secretXXXXXX");
	if ((fd = mkstemp(path)) == -1)
		return -1;
	close(fd);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	unlink(path);
	return 0;
}

static void
put(const char *s, size_t len)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(s, 1, len, f), len);
	fclose(f);
}

/* "abc\n", "abc\r\n", "abc": the password is abc */
static void
one_line(void **state)
{
	static const char *const files[] = { "s3cret\n", "s3cret\r\n",
		"s3cret" };
	char buf[32];
	const char *why = NULL;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		put(files[i], strlen(files[i]));
		assert_int_equal(read_secret(path, buf, sizeof(buf), &why), 0);
		assert_string_equal(buf, "s3cret");
	}
	/* blanks belong to the password */
	put(" a b \n", 6);
	assert_int_equal(read_secret(path, buf, sizeof(buf), &why), 0);
	assert_string_equal(buf, " a b ");
}

static void
refused(void **state)
{
	static const struct {
		const char *data;
		size_t len;
		const char *why;
	} cases[] = {
		{ "", 0, "empty" },
		{ "\n", 1, "empty" },
		{ "\r\n", 2, "empty" },
		{ "one\ntwo\n", 8, "not one line of text" },
		{ "one\n\n", 5, "not one line of text" },
		{ "a\0b\n", 4, "not one line of text" },
		{ "0123456789abcdef", 16, "too long" }, /* buf holds 15 + NUL */
	};
	char buf[16];
	const char *why;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		put(cases[i].data, cases[i].len);
		why = NULL;
		assert_int_equal(read_secret(path, buf, sizeof(buf), &why), -1);
		assert_string_equal(why, cases[i].why);
		/* nothing of a refused file is left behind */
		assert_int_equal(buf[0], '\0');
	}
	unlink(path);
	assert_int_equal(read_secret(path, buf, sizeof(buf), &why), -1);
	assert_string_equal(why, "No such file or directory");
}

/* readfile(): a regular file's bytes, whatever its size: empty, one
 * byte, the first buffer's size and one more, and big enough for huge
 * pages; a directory is refused */
static void
whole_files(void **state)
{
	static const size_t sizes[] = { 0, 1, 65535, 65536, 65537,
		(size_t)5 << 20 };
	size_t i, j, len;
	unsigned char *want, *got;
	const char *err = NULL;
	FILE *f;

	(void)state;
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		want = malloc(sizes[i] + 1);
		assert_non_null(want);
		for (j = 0; j < sizes[i]; j++)
			want[j] = (unsigned char)(j * 7 + i);
		assert_non_null(f = fopen(path, "w"));
		assert_int_equal(fwrite(want, 1, sizes[i], f), sizes[i]);
		assert_int_equal(fclose(f), 0);
		got = NULL;
		assert_int_equal(readfile(path, &got, &len, &err), 0);
		assert_int_equal(len, sizes[i]);
		if (len > 0)
			assert_memory_equal(got, want, len);
		free(got);
		free(want);
	}
	assert_int_equal(readfile("/", &got, &len, &err), -1);
	assert_non_null(err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(one_line, setup, teardown),
		cmocka_unit_test_setup_teardown(refused, setup, teardown),
		cmocka_unit_test_setup_teardown(whole_files, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
