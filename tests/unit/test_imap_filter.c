/*
 * daemon/sources/imap_filter.c: what libetpan may read of an IMAP server's
 * stream (issue 14; tests/fuzz/imap_inputs/greeting-*, permanentflags-*
 * are the inputs that crashed Debian's libetpan 1.9.4).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/sources/imap_filter.h"

/* The filter's output for in fed in pieces of chunk bytes (0: whole). */
static char *
run(const char *in, size_t len, size_t chunk, bool greeting, size_t *olen)
{
	struct imap_filter f;
	char *out = malloc(len + IMAP_FILTER_HEAD + 1);
	size_t i = 0, o = 0, k;

	assert_non_null(out);
	imap_filter_init(&f);
	f.greeted = !greeting;
	while (i < len) {
		k = chunk == 0 || len - i < chunk ? len - i : chunk;
		o += imap_filter_feed(&f, in + i, k, out + o);
		i += k;
	}
	out[o] = '\0';
	*olen = o;
	return out;
}

/* The output, the same whatever the pieces it is fed in. */
static void
expect(const char *in, size_t len, bool greeting, const char *want,
    size_t wlen)
{
	size_t chunk, olen;
	char *out;

	for (chunk = 0; chunk <= len; chunk++) {
		out = run(in, len, chunk, greeting, &olen);
		if (olen != wlen || memcmp(out, want, wlen) != 0)
			fail_msg("chunk %zu: got \"%.*s\", want \"%.*s\"",
			    chunk, (int)olen, out, (int)wlen, want);
		free(out);
	}
}

#define EXPECT(in, greeting, want) \
	expect(in, sizeof(in) - 1, greeting, want, sizeof(want) - 1)

static void
greeting_code_removed(void **state)
{
	(void)state;
	EXPECT("* OK [CAPABILITY IMAP4rev1 STARTTLS] Dovecot ready.\r\n",
	    true, "* OK Dovecot ready.\r\n");
	/* the two crashes fuzz_imap found: a broken list, a quoted string
	 * parsed with no parser context */
	EXPECT("* OK [PERMANENTFLAGS (] ready\r\n", true, "* OK ready\r\n");
	EXPECT("* OK [BADCHARSET (\"x\")] hi\r\n", true, "* OK hi\r\n");
	/* a code that does not end on its line: its rest is text */
	EXPECT("* OK [ALERT \"x\r\n1 OK done\r\n", true,
	    "* OK x\r\n1 OK done\r\n");
	EXPECT("* PREAUTH [CAPABILITY IMAP4rev1] hi\r\n", true,
	    "* PREAUTH hi\r\n");
	EXPECT("* BYE [UNAVAILABLE] later\r\n", true, "* BYE later\r\n");
	/* what is left after a code is looked at again (found by
	 * fuzz_imap: greeting-two-codes.bin) */
	EXPECT("* OK [CAPABILITY IMAP4rev1] [PERMANENTFLAGS ( OK [x\r\n",
	    true, "* OK x\r\n");
	EXPECT("* OK [A] [B] [C] hi\r\n", true, "* OK hi\r\n");
	/* blanks before the "*" (greeting-leading-tab.bin) */
	EXPECT("\t* OK [PERMANENTFLAGS (\\A\rK] x\r\n", true, "\t* OK x\r\n");
	EXPECT(" + [PERMANENTFLAGS (] x\r\n", false, " + x\r\n");
	/* no code: as it is; bare LF too */
	EXPECT("* OK ready\n", true, "* OK ready\n");
	/* only the first line is the greeting */
	EXPECT("* OK hi\r\n* OK [UIDVALIDITY 7] x\r\n", true,
	    "* OK hi\r\n* OK [UIDVALIDITY 7] x\r\n");
	/* after STARTTLS there is none */
	EXPECT("* OK [CAPABILITY IMAP4rev1] x\r\n", false,
	    "* OK [CAPABILITY IMAP4rev1] x\r\n");
}

/*
 * A head filled by removed codes or by blanks: what follows it begins
 * the text, and must not be read as a code (fuzz_imap:
 * greeting-codes-past-head.bin, a SEGV in libetpan's greeting parser).
 */
static void
head_filled(void **state)
{
	const char *rest = "[PERMANENTFLAGS (] x\r\n";
	char in[2048], want[2048];
	size_t n = 0, w = 0, i;

	(void)state;
	/* "* OK " and 254 codes "[A] " and "[B]": 1,024 bytes */
	n += (size_t)sprintf(in + n, "* OK ");
	for (i = 0; i < 254; i++)
		n += (size_t)sprintf(in + n, "[A] ");
	n += (size_t)sprintf(in + n, "[B]");
	assert_int_equal(n, IMAP_FILTER_HEAD);
	n += (size_t)sprintf(in + n, "%s", rest);
	w = (size_t)sprintf(want, "* OK x%s", rest);
	expect(in, n, true, want, w);

	/* "* OK" and blanks to the head's end, on any status line */
	n = (size_t)sprintf(in, "* OK");
	memset(in + n, ' ', IMAP_FILTER_HEAD - n);
	memcpy(want, in, IMAP_FILTER_HEAD);
	want[IMAP_FILTER_HEAD - 1] = 'x';
	n = IMAP_FILTER_HEAD + (size_t)sprintf(in + IMAP_FILTER_HEAD, "%s",
	    rest);
	w = IMAP_FILTER_HEAD + (size_t)sprintf(want + IMAP_FILTER_HEAD, "%s",
	    rest);
	expect(in, n, false, want, w);
}

/*
 * A malformed PERMANENTFLAGS code removed from a line longer than the
 * head left "[PERMANENTFL" at the head's end, its flag list beyond it:
 * that code cannot be checked, so it goes too (fuzz_imap,
 * imap_inputs/permanentflags-past-head.bin crashed libetpan).
 */
static void
code_past_head(void **state)
{
	const char *start = "* OK [PERMANENTFLAGS (", *bad = "\\x01] ",
		   *cut = "[PERMANENTFL", *rest = "AGS (\\Seen \x01)] t\r\n";
	char in[2048], want[2048];
	size_t n, w;

	(void)state;
	n = (size_t)sprintf(in, "%s", start);
	/* one long flag, so that cut ends exactly at the head's end */
	memset(in + n, 'F', IMAP_FILTER_HEAD - n - strlen(bad) - strlen(cut));
	n = IMAP_FILTER_HEAD - strlen(bad) - strlen(cut);
	n += (size_t)sprintf(in + n, "%s%s", bad, cut);
	assert_int_equal(n, IMAP_FILTER_HEAD);
	n += (size_t)sprintf(in + n, "%s", rest);
	w = (size_t)sprintf(want, "* OK x%s", rest);
	expect(in, n, false, want, w);
}

static void
permanentflags(void **state)
{
	(void)state;
	/* what Dovecot, Cyrus and Courier send: kept */
	EXPECT("* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen "
	       "\\Draft $Forwarded \\*)] Flags permitted.\r\n",
	    false,
	    "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen "
	    "\\Draft $Forwarded \\*)] Flags permitted.\r\n");
	EXPECT("* OK [PERMANENTFLAGS ()] Read-only mailbox.\r\n", false,
	    "* OK [PERMANENTFLAGS ()] Read-only mailbox.\r\n");
	EXPECT("3 ok [permanentflags (\\Seen)] x\r\n", false,
	    "3 ok [permanentflags (\\Seen)] x\r\n");
	/* no flag and no ")": libetpan frees a NULL list */
	EXPECT("* OK [PERMANENTFLAGS (] x\r\n", false, "* OK x\r\n");
	EXPECT("* OK [PERMANENTFLAGS ( )] x\r\n", false, "* OK x\r\n");
	EXPECT("* OK [PERMANENTFLAGS (\"a\")] x\r\n", false, "* OK x\r\n");
	EXPECT("* OK [PERMANENTFLAGS (\\Seen  \\Draft)] x\r\n", false,
	    "* OK x\r\n");
	EXPECT("* OK [PERMANENTFLAGS (\\Seen) x\r\n", false, "* OK x\r\n");
	EXPECT("* OK [PERMANENTFLAGS (] [PERMANENTFLAGS ( ] x\r\n", false,
	    "* OK x\r\n");
	/* tabs are spaces to libetpan (found by fuzz_imap:
	 * permanentflags-tabs.bin) */
	EXPECT("* OK [PERMANENTFLAGS\t\t (\\\r a\r\n", false,
	    "* OK x\r\n");
	EXPECT("*\tOK\t[PERMANENTFLAGS\t(]\tx\r\n", false, "*\tOK\tx\r\n");
	/* a good code after a removed one stays */
	EXPECT("* OK [PERMANENTFLAGS (] [UIDNEXT 4] x\r\n", false,
	    "* OK [UIDNEXT 4] x\r\n");
	EXPECT("3 NO [PERMANENTFLAGS (\\\\)] x\r\n", false, "3 NO x\r\n");
	expect("* OK [PERMANENTFLAGS (\\Se\0en)] x\r\n", 34, false,
	    "* OK x\r\n", 8);
	/* a continuation request carries text too */
	EXPECT("+ [PERMANENTFLAGS (] x\r\n", false, "+ x\r\n");
	/* not at the code's place: text, as it is */
	EXPECT("* OK text [PERMANENTFLAGS (] x\r\n", false,
	    "* OK text [PERMANENTFLAGS (] x\r\n");
}

/*
 * A continuation request loses every code, well-formed or not: libetpan
 * parses the one that answers IDLE with no parser context (fuzz_imap:
 * continuation-code-no-space.bin, a SEGV). "+" needs no space after it.
 */
static void
continuation_code_removed(void **state)
{
	(void)state;
	EXPECT("+[PERMANENTFLAGS (\nc\n", false, "+x\nc\n");
	EXPECT("+[PERMANENTFLAGS (] idling\r\n", false, "+idling\r\n");
	EXPECT("+ [PERMANENTFLAGS (\\Seen)] idling\r\n", false,
	    "+ idling\r\n");
	EXPECT("+ [ALERT] [BADCHARSET (\"x\")] go\r\n", false, "+ go\r\n");
	EXPECT("\t+\t[A] x\r\n", false, "\t+\tx\r\n");
	/* base64 and plain text: as they are */
	EXPECT("+ aGVsbG8=\r\n", false, "+ aGVsbG8=\r\n");
	EXPECT("+ idling\r\n", false, "+ idling\r\n");
	EXPECT("+\r\n", false, "+\r\n");
	/* text right after the "+": no code there, as it is */
	EXPECT("+abc [A] x\r\n", false, "+abc [A] x\r\n");
}

static void
literals_pass(void **state)
{
	(void)state;
	/* a body that holds the very text removed elsewhere reaches
	 * libetpan as it is; the line after its literal goes on */
	EXPECT("* 1 FETCH (UID 5 BODY[] {33}\r\n"
	       "* OK [PERMANENTFLAGS (] x\r\nabcde)\r\n"
	       "* OK [PERMANENTFLAGS (] y\r\n",
	    false,
	    "* 1 FETCH (UID 5 BODY[] {33}\r\n"
	    "* OK [PERMANENTFLAGS (] x\r\nabcde)\r\n"
	    "* OK y\r\n");
	/* two literals in one response */
	EXPECT("* 2 FETCH (BODY[HEADER] {2}\r\nab BODY[TEXT] {3}\r\n"
	       "cde)\r\n* OK [PERMANENTFLAGS (] z\r\n",
	    false,
	    "* 2 FETCH (BODY[HEADER] {2}\r\nab BODY[TEXT] {3}\r\n"
	    "cde)\r\n* OK z\r\n");
	/* in a status response "{n}" is text: the next line is looked at */
	EXPECT("* OK hello {30}\r\n* OK [PERMANENTFLAGS (] z\r\n", false,
	    "* OK hello {30}\r\n* OK z\r\n");
	/* {0} has no data */
	EXPECT("* LIST () \"/\" {0}\r\n\r\n* OK [PERMANENTFLAGS (] z\r\n",
	    false, "* LIST () \"/\" {0}\r\n\r\n* OK z\r\n");
}

static void
long_lines(void **state)
{
	size_t n = 3 * IMAP_FILTER_HEAD, len, olen;
	char *in = malloc(n + 200), *out;

	(void)state;
	assert_non_null(in);
	/* a data line longer than the part looked at, ending in a literal
	 * whose data would be a line to change */
	memcpy(in, "* SEARCH", 8);
	memset(in + 8, '7', n - 8);
	len = n;
	memcpy(in + len, " {26}\r\n* OK [PERMANENTFLAGS (] x\r\n)\r\n", 37);
	len += 37;
	out = run(in, len, 0, false, &olen);
	assert_int_equal(olen, len);
	assert_memory_equal(out, in, len);
	free(out);
	/* a status line longer than that, with a code that does not end
	 * in it: the code goes, the rest of the line is text */
	memcpy(in, "* OK [PERMANENTFLAGS (", 22);
	memset(in + 22, 'y', n - 22);
	memcpy(in + n, "\r\n", 2);
	out = run(in, n + 2, 7, false, &olen);
	assert_int_equal(olen, 6 + (n - IMAP_FILTER_HEAD) + 2);
	assert_memory_equal(out, "* OK x", 6);
	free(out);
	free(in);
}

/* Past a limit nothing more passes, and the filter says why. */
static void
limits(void **state)
{
	struct imap_filter f;
	static char in[1 << 16], out[(1 << 16) + IMAP_FILTER_HEAD];
	size_t fed = 0, o, passed = 0;
	const char *big = "* 1 FETCH (BODY[] {134217729}\r\n";

	(void)state;
	/* a literal over the limit: the line passes, nothing after it */
	imap_filter_init(&f);
	f.greeted = true;
	o = imap_filter_feed(&f, big, strlen(big), out);
	assert_int_equal(o, strlen(big));
	assert_non_null(f.error);
	assert_int_equal(imap_filter_feed(&f, "abc", 3, out), 0);
	/* a line without its end: cut off past 16 MiB */
	imap_filter_init(&f);
	f.greeted = true;
	memset(in, 'x', sizeof(in));
	memcpy(in, "* SEARCH", 8);
	while (f.error == NULL && fed < 2 * (size_t)IMAP_FILTER_MAX_LINE) {
		passed += imap_filter_feed(&f, in, sizeof(in), out);
		fed += sizeof(in);
		in[0] = 'x';
	}
	assert_non_null(f.error);
	assert_true(passed <= IMAP_FILTER_MAX_LINE);
	assert_true(fed <= (size_t)IMAP_FILTER_MAX_LINE + sizeof(in));
	/* a literal of exactly the limit is fine */
	imap_filter_init(&f);
	f.greeted = true;
	big = "* 1 FETCH (BODY[] {134217728}\r\n";
	(void)imap_filter_feed(&f, big, strlen(big), out);
	assert_null(f.error);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(greeting_code_removed),
	    cmocka_unit_test(head_filled),
	    cmocka_unit_test(code_past_head),
	    cmocka_unit_test(permanentflags),
	    cmocka_unit_test(continuation_code_removed),
	    cmocka_unit_test(literals_pass),
	    cmocka_unit_test(long_lines),
	    cmocka_unit_test(limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
