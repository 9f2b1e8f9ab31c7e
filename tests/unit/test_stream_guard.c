/*
 * daemon/outbound/stream_guard.c: what libetpan is handed once a filter
 * refuses the stream (issue 14). A filter's error is found at the end of
 * the line that broke a bound; that line must not reach libetpan, whose
 * IMAP parser sizes a buffer from a literal's announced length before it
 * reads a byte of the literal ({2080000000}: 535 MB under ASan).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/socket.h>

#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include <libetpan/libetpan.h>

#include "daemon/outbound/stream_guard.h"
#include "daemon/sources/imap_guard.h"

/* A filter that passes every byte and refuses the stream after a '!'. */
struct toy {
	const char *error;
};

static size_t
toy_feed(void *f, const char *in, size_t n, char *out)
{
	struct toy *t = f;

	memcpy(out, in, n);
	if (memchr(in, '!', n) != NULL)
		t->error = "a '!'";
	return n;
}

static const char *
toy_error(const void *f)
{
	return ((const struct toy *)f)->error;
}

static const struct stream_filter_ops toy_ops = {
    .feed = toy_feed,
    .error = toy_error,
    .free = NULL,
    .out_max = STREAM_GUARD_CHUNK,
};

/* A stream whose peer wrote text and closed. */
static mailstream *
stream_of(const char *text)
{
	int sv[2];
	mailstream *st;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(write(sv[1], text, strlen(text)),
	    (ssize_t)strlen(text));
	assert_int_equal(close(sv[1]), 0);
	st = mailstream_socket_open(sv[0]);
	assert_non_null(st);
	return st;
}

static void
passes_until_refused(void **state)
{
	struct toy t = {NULL};
	mailstream *st = stream_of("abc\n");
	char buf[64];

	(void)state;
	assert_int_equal(stream_guard_wrap(st, &toy_ops, &t), 0);
	assert_int_equal(mailstream_read(st, buf, sizeof(buf)), 4);
	assert_memory_equal(buf, "abc\n", 4);
	assert_null(stream_guard_error(st));
	/* the peer closed: an error, never 0 (stream_guard.h) */
	assert_int_equal(mailstream_read(st, buf, sizeof(buf)), -1);
	mailstream_close(st);
}

static void
refusing_feed_delivers_nothing(void **state)
{
	struct toy t = {NULL};
	mailstream *st = stream_of("abc\n!def\n");
	char buf[64];

	(void)state;
	assert_int_equal(stream_guard_wrap(st, &toy_ops, &t), 0);
	assert_int_equal(mailstream_read(st, buf, sizeof(buf)), -1);
	assert_string_equal(stream_guard_error(st), "a '!'");
	assert_int_equal(stream_guard_pending(st), 0);
	assert_int_equal(mailstream_read(st, buf, sizeof(buf)), -1);
	mailstream_close(st);
}

/* The IMAP guard: a literal over 128 MiB is refused with its line. */
static void
imap_huge_literal(void **state)
{
	mailstream *st = stream_of("* OK ready\r\n"
				   "* 1 FETCH (BODY[] {2080000000}\r\nabc");
	char buf[256];

	(void)state;
	assert_int_equal(imap_guard_wrap(st, true), 0);
	assert_int_equal(mailstream_read(st, buf, sizeof(buf)), -1);
	assert_non_null(imap_guard_error(st));
	assert_int_equal(imap_guard_pending(st), 0);
	mailstream_close(st);
}

/* ... and one within the bound passes whole */
static void
imap_small_literal(void **state)
{
	static const char text[] = "* 1 FETCH (BODY[] {3}\r\nabc)\r\n";
	mailstream *st = stream_of(text);
	char buf[256];
	ssize_t r;
	size_t got = 0;

	(void)state;
	assert_int_equal(imap_guard_wrap(st, false), 0);
	while ((r = mailstream_read(st, buf + got, sizeof(buf) - got)) > 0)
		got += (size_t)r;
	assert_int_equal(got, strlen(text));
	assert_memory_equal(buf, text, got);
	assert_null(imap_guard_error(st));
	mailstream_close(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(passes_until_refused),
	    cmocka_unit_test(refusing_feed_delivers_nothing),
	    cmocka_unit_test(imap_huge_literal),
	    cmocka_unit_test(imap_small_literal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
