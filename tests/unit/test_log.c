/*
 * common/log: the lines written to stderr, one write(2) per line, and
 * log_hold()/log_release(): a thread's held lines come out at release
 * (or when PIPE_BUF would overflow), whole, in order, and no other
 * thread's line waits for them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"

static int pfd[2] = { -1, -1 };
static int saved_stderr = -1;

/* stderr into a non-blocking pipe, so that "nothing written yet" reads
 * as EAGAIN instead of waiting */
static int
setup(void **state)
{
	(void)state;
	if (pipe(pfd) == -1)
		return -1;
	if (fcntl(pfd[0], F_SETFL, O_NONBLOCK) == -1)
		return -1;
	saved_stderr = dup(STDERR_FILENO);
	if (saved_stderr == -1 || dup2(pfd[1], STDERR_FILENO) == -1)
		return -1;
	log_init("bounced", LOG_LVL_INFO, 0);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	close(pfd[0]);
	close(pfd[1]);
	return 0;
}

/* Everything in the pipe now, NUL-terminated into buf (static). */
static const char *
drain(void)
{
	static char buf[64 * 1024];
	size_t len = 0;
	ssize_t n;

	while (len < sizeof(buf) - 1 &&
	    (n = read(pfd[0], buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = '\0';
	return buf;
}

static void
test_plain_lines(void **state)
{
	(void)state;
	log_info("one %d", 1);
	assert_string_equal(drain(), "bounced: one 1\n");
	log_debug("not at info");
	log_warnx("two");
	assert_string_equal(drain(), "bounced: two\n");
	/* a control byte from a bounce cannot start a forged line */
	log_info("a\nb\rc");
	assert_string_equal(drain(), "bounced: a?b?c\n");
	errno = ENOENT;
	log_warn("open x");
	assert_string_equal(drain(), "bounced: open x: No such file or directory\n");
}

static void
test_journal_prefix(void **state)
{
	(void)state;
	log_init("bounced", LOG_LVL_INFO, 1);
	log_info("i");
	log_warnx("w");
	assert_string_equal(drain(), "<6>i\n<4>w\n");
	log_init("bounced", LOG_LVL_INFO, 0);
}

static void
test_hold_release(void **state)
{
	(void)state;
	log_hold();
	log_info("first");
	log_warnx("second\n");
	log_debug("not at info");
	/* held: nothing written yet */
	assert_string_equal(drain(), "");
	errno = EINVAL;
	log_release();
	assert_int_equal(errno, EINVAL); /* kept, as log_warn() keeps it */
	assert_string_equal(drain(), "bounced: first\nbounced: second?\n");
	/* released: lines go out one by one again */
	log_info("third");
	assert_string_equal(drain(), "bounced: third\n");
}

/* More than PIPE_BUF held: written before it would overflow, in whole
 * lines, and all of it, in order, by the release. */
static void
test_hold_overflow(void **state)
{
	char want[32 * 1024], line[200];
	const char *got;
	size_t wlen = 0, glen;
	int i;

	(void)state;
	memset(line, 'x', 150);
	line[150] = '\0';
	log_hold();
	for (i = 0; i < 100; i++) {
		log_info("%03d %s", i, line);
		wlen += (size_t)snprintf(want + wlen, sizeof(want) - wlen,
		    "bounced: %03d %s\n", i, line);
	}
	got = drain();
	glen = strlen(got);

	/* 100 lines of 164 bytes: some runs went out, never a cut line */
	assert_true(glen > 0);
	assert_true(glen < wlen);
	assert_true(wlen - glen <= PIPE_BUF);
	assert_int_equal(got[glen - 1], '\n');
	assert_int_equal(glen % 164, 0);
	assert_memory_equal(got, want, glen);
	log_release();
	got = drain();
	assert_int_equal(strlen(got), wlen - glen);
	assert_memory_equal(got, want + glen, wlen - glen);
}

static void *
other_thread(void *arg)
{
	(void)arg;
	log_info("from another thread");
	return NULL;
}

/* A hold is the thread's own: another thread's line is not held. */
static void
test_hold_per_thread(void **state)
{
	pthread_t t;

	(void)state;
	log_hold();
	log_info("held");
	assert_int_equal(pthread_create(&t, NULL, other_thread, NULL), 0);
	assert_int_equal(pthread_join(t, NULL), 0);

	assert_string_equal(drain(), "bounced: from another thread\n");
	log_release();
	assert_string_equal(drain(), "bounced: held\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_lines),
		cmocka_unit_test(test_journal_prefix),
		cmocka_unit_test(test_hold_release),
		cmocka_unit_test(test_hold_overflow),
		cmocka_unit_test(test_hold_per_thread),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
