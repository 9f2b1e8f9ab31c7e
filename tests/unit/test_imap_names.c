/*
 * daemon/sources/imap_names.c: mailbox names in one canonical form
 * (issue 19 item 1). The modified UTF-7 vectors are RFC 3501 5.1.3's own
 * and RFC 2152's characters written the IMAP way.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "daemon/sources/imap_names.h"

static void
mutf7(void **state)
{
	static const struct {
		const char *in, *out;
	} v[] = {
	    {"INBOX", "INBOX"},
	    {"", ""},
	    /* RFC 3501 5.1.3 */
	    {"~peter/mail/\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e/"
	     "\xe5\x8f\xb0\xe5\x8c\x97",
		"~peter/mail/&ZeVnLIqe-/&U,BTFw-"},
	    {"&", "&-"},
	    {"Tom & Jerry", "Tom &- Jerry"},
	    /* one BMP character: 16 bits in three base64 digits */
	    {"\xc3\xa9t\xc3\xa9", "&AOk-t&AOk-"},      /* été */
	    {"\xe2\x98\xba!", "&Jjo-!"},               /* ☺! */
	    {"Entw\xc3\xbcrfe", "Entw&APw-rfe"},        /* Entwürfe */
	    /* U+1F600 as a surrogate pair D83D DE00 */
	    {"\xf0\x9f\x98\x80", "&2D3eAA-"},
	    /* "/" in the alphabet is "," */
	    {"\xef\xbf\xbf", "&,,8-"},
	};
	char out[128];
	const char *why = NULL;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_int_equal(imap_mutf7_encode(v[i].in, out, sizeof(out),
		    &why), 0);
		assert_string_equal(out, v[i].out);
	}
}

static void
mutf7_refused(void **state)
{
	static const char *const bad[] = {
		"\xc3",		    /* cut short */
		"\xc0\xaf",	    /* overlong "/" */
		"\xed\xa0\x80",	    /* a surrogate */
		"\xf4\x90\x80\x80", /* past U+10FFFF */
		"a\rb",		    /* control characters */
		"a\nb",
		"\x7f",
		"\xff",
	};
	char out[64];
	const char *why = NULL;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		assert_int_equal(imap_mutf7_encode(bad[i], out, sizeof(out),
		    &why), -1);
		assert_non_null(why);
	}
	/* too short for the result, NUL included */
	assert_int_equal(imap_mutf7_encode("abcd", out, 4, &why), -1);
	assert_int_equal(imap_mutf7_encode("abc", out, 4, &why), 0);
	assert_int_equal(imap_mutf7_encode("\xc3\xa9", out, 5, &why), -1);
	assert_int_equal(imap_mutf7_encode("\xc3\xa9", out, 6, &why), 0);
	assert_string_equal(out, "&AOk-");
}

static void
server_names(void **state)
{
	static const struct {
		const char *name, *prefix;
		char sep;
		const char *out;
	} v[] = {
	    /* Courier, Cyrus, Dovecot's INBOX.-prefixed layout */
	    {"Processed", "INBOX.", '.', "INBOX.Processed"},
	    {"Bounces/Done", "INBOX.", '.', "INBOX.Bounces.Done"},
	    {"INBOX.Processed", "INBOX.", '.', "INBOX.Processed"},
	    {"INBOX", "INBOX.", '.', "INBOX"},
	    {"inbox", "INBOX.", '.', "INBOX"},
	    {"INBOX/Sub", "INBOX.", '.', "INBOX.Sub"},
	    {"Entw\xc3\xbcrfe", "INBOX.", '.', "INBOX.Entw&APw-rfe"},
	    /* Dovecot's default Maildir++ layout: no prefix, "." */
	    {"Bounces/Done", "", '.', "Bounces.Done"},
	    {"Processed", "", '.', "Processed"},
	    {"INBOX.Processed", "", '.', "INBOX.Processed"},
	    {"INBOX", "", '.', "INBOX"},
	    /* a "/" server (Dovecot's fs layout, Gmail-like) */
	    {"Bounces/Done", "", '/', "Bounces/Done"},
	    {"INBOX.Processed", "", '/', "INBOX.Processed"},
	    {"Bounces/Done", "Mail/", '/', "Mail/Bounces/Done"},
	    {"Mail/Bounces", "Mail/", '/', "Mail/Bounces"},
	    {"INBOX/Sub", "", '/', "INBOX/Sub"},
	    /* flat: no separator */
	    {"Processed", "", '\0', "Processed"},
	    {"A & B", "", '.', "A &- B"},
	};
	char out[IMAP_NAME_MAX + 1];
	const char *why = NULL;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_int_equal(imap_name_server(v[i].name, v[i].prefix,
		    v[i].sep, out, sizeof(out), &why), 0);
		assert_string_equal(out, v[i].out);
	}
}

static void
server_names_refused(void **state)
{
	static const struct {
		const char *name, *prefix;
		char sep;
	} v[] = {
	    {"", "INBOX.", '.'},
	    {"/Processed", "INBOX.", '.'},
	    {"Processed/", "", '.'},
	    {"Bounces//Done", "", '/'},
	    {"Bounces/Done", "", '\0'}, /* no hierarchy */
	    {"a\r\nb", "", '.'},
	    {"\xc3", "", '.'},
	};
	char out[IMAP_NAME_MAX + 1], big[IMAP_NAME_MAX + 8];
	const char *why;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		why = NULL;
		assert_int_equal(imap_name_server(v[i].name, v[i].prefix,
		    v[i].sep, out, sizeof(out), &why), -1);
		assert_non_null(why);
	}
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(imap_name_server(big, "INBOX.", '.', out,
	    sizeof(out), &why), -1);
	assert_int_equal(imap_name_server("Processed", "INBOX.", '.', out, 10,
	    &why), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mutf7),
		cmocka_unit_test(mutf7_refused),
		cmocka_unit_test(server_names),
		cmocka_unit_test(server_names_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
