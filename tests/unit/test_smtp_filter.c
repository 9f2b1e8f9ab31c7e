/*
 * daemon/outbound/smtp_filter.c: what libetpan may read of an SMTP
 * server's replies (issue 14): bare LF made CRLF, and the bounds on a
 * line and on a multi-line reply that libetpan would otherwise hold
 * without end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "daemon/outbound/smtp_filter.h"

/* The output for in fed in pieces of chunk bytes (0: whole). */
static char *
run(const char *in, size_t len, size_t chunk, struct smtp_filter *f,
    size_t *olen)
{
	char *out = malloc(2 * len + 1);
	size_t i = 0, o = 0, k;

	assert_non_null(out);
	smtp_filter_init(f);
	while (i < len) {
		k = chunk == 0 || len - i < chunk ? len - i : chunk;
		o += smtp_filter_feed(f, in + i, k, out + o);
		i += k;
	}
	out[o] = '\0';
	*olen = o;
	return out;
}

static void
expect(const char *in, size_t len, const char *want, size_t wlen)
{
	struct smtp_filter f;
	size_t chunk, olen;
	char *out;

	for (chunk = 0; chunk <= len; chunk++) {
		out = run(in, len, chunk, &f, &olen);
		if (olen != wlen || memcmp(out, want, wlen) != 0)
			fail_msg("chunk %zu: got \"%.*s\", want \"%.*s\"",
			    chunk, (int)olen, out, (int)wlen, want);
		assert_null(f.error);
		free(out);
	}
}

#define EXPECT(in, want) expect(in, sizeof(in) - 1, want, sizeof(want) - 1)

static void
crlf_passes(void **state)
{
	(void)state;
	EXPECT("220 mx ESMTP\r\n250-mx\r\n250-SIZE 1000\r\n250 8BITMIME\r\n",
	    "220 mx ESMTP\r\n250-mx\r\n250-SIZE 1000\r\n250 8BITMIME\r\n");
	/* a CR inside a line is a byte of it */
	EXPECT("250 a\rb\r\n", "250 a\rb\r\n");
}

static void
bare_lf_made_crlf(void **state)
{
	(void)state;
	EXPECT("220 mx\n\n250 ok\n", "220 mx\r\n\r\n250 ok\r\n");
	EXPECT("250-a\n250 b\r\n", "250-a\r\n250 b\r\n");
}

/* A buffer of n bytes: "prefix" then 'x' to the end. */
static char *
filled(const char *prefix, size_t n)
{
	char *s = malloc(n + 1);

	assert_non_null(s);
	memset(s, 'x', n);
	memcpy(s, prefix, strlen(prefix));
	s[n] = '\0';
	return s;
}

static void
line_bound(void **state)
{
	struct smtp_filter f;
	size_t olen, n = SMTP_FILTER_LINE;
	char *in = filled("250 ", n + 1), *out;

	(void)state;
	/* exactly the bound passes, one more byte is refused */
	out = run(in, n, 4096, &f, &olen);
	assert_null(f.error);
	assert_int_equal(olen, n);
	free(out);
	out = run(in, n + 1, 4096, &f, &olen);
	assert_non_null(f.error);
	assert_true(olen <= n + 1);
	/* nothing more passes once refused */
	assert_int_equal(smtp_filter_feed(&f, "250 ok\r\n", 8, out), 0);
	free(out);
	free(in);
}

/* n lines "250-" of a 1000-byte line each, then "250 end". */
static char *
reply(size_t lines, size_t *len_r)
{
	size_t i, o = 0;
	char *s = malloc(lines * 1002 + 16);

	assert_non_null(s);
	for (i = 0; i < lines; i++) {
		memcpy(s + o, "250-", 4);
		memset(s + o + 4, 'y', 996);
		memcpy(s + o + 1000, "\r\n", 2);
		o += 1002;
	}
	memcpy(s + o, "250 end\r\n", 9);
	*len_r = o + 9;
	return s;
}

static void
reply_bound(void **state)
{
	struct smtp_filter f;
	size_t len, olen;
	char *in, *out;

	(void)state;
	/* within the bound: passes; twice over, as two replies: passes */
	in = reply(SMTP_FILTER_REPLY / 1002 - 1, &len);
	out = run(in, len, 8192, &f, &olen);
	assert_null(f.error);
	assert_int_equal(olen, len);
	olen = smtp_filter_feed(&f, in, len, out);
	assert_null(f.error);
	assert_int_equal(olen, len);
	free(out);
	free(in);
	/* one reply over it: refused */
	in = reply(SMTP_FILTER_REPLY / 1002 + 1, &len);
	out = run(in, len, 8192, &f, &olen);
	assert_non_null(f.error);
	assert_true(olen < len);
	free(out);
	free(in);
}

/* A line that is no "ddd-" ends the reply, malformed or not. */
static void
malformed_line_ends_reply(void **state)
{
	struct smtp_filter f;
	size_t len, olen;
	char *in, *out;

	(void)state;
	in = reply(SMTP_FILTER_REPLY / 1002 - 1, &len);
	/* "25x-" instead of the last line's "250 ": the count restarts */
	memcpy(in + len - 9, "25x-end\r\n", 9);
	out = run(in, len, 0, &f, &olen);
	assert_null(f.error);
	olen = smtp_filter_feed(&f, in, len, out);
	assert_null(f.error);
	free(out);
	free(in);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(crlf_passes),
	    cmocka_unit_test(bare_lf_made_crlf),
	    cmocka_unit_test(line_bound),
	    cmocka_unit_test(reply_bound),
	    cmocka_unit_test(malformed_line_ends_reply),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
