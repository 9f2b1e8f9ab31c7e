/*
 * daemon/sources/maildir_name.c: Maildir names and their info flags (maildir(5)).
 * Issue 14 item 7: "...:2,FRS" became "...:2,FRSS" when acknowledged.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "daemon/sources/maildir_name.h"

static void
add_seen(void **state)
{
	static const struct {
		const char *in, *out;
	} v[] = {
	    {"1732800001.M1P100Q1.host", "1732800001.M1P100Q1.host:2,S"},
	    {"x:2,", "x:2,S"},      /* empty flags */
	    {"x:2,FRS", "x:2,FRS"}, /* issue 14: not FRSS */
	    {"x:2,S", "x:2,S"},
	    {"x:2,FR", "x:2,FRS"},
	    {"x:2,T", "x:2,ST"},
	    {"x:2,DFPRT", "x:2,DFPRST"},
	    {"x:2,a", "x:2,Sa"},     /* Dovecot keywords */
	    {"x:2,RF", "x:2,FRS"},   /* put in ASCII order */
	    {"x:2,FFRR", "x:2,FRS"}, /* duplicates once */
	    {"x:2,SS", "x:2,S"},
	    {"x:2,R,foo", "x:2,RS,foo"}, /* another flag set */
	    {"x:2,,", "x:2,S,"},
	    {"x:1,foo", "x:1,foo:2,S"}, /* experimental: kept */
	    {"x:1,", "x:1,:2,S"},
	    {"x:", "x::2,S"},
	    {"x:foo", "x:foo:2,S"},
	    {"a:b:2,F", "a:b:2,FS"}, /* the last colon */
	    {"a:2,F:b", "a:2,F:b:2,S"},
	    {"a:2,F:2,R", "a:2,F:2,RS"},
	    {":2,R", ":2,RS"},
	    {"", ":2,S"},
	};
	char out[300];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		int n = maildir_name_add_flag(v[i].in, 'S', out, sizeof(out));

		if (n < 0 || strcmp(out, v[i].out) != 0)
			fail_msg("%s: got \"%s\" (%d), want \"%s\"", v[i].in,
			    out, n, v[i].out);
		assert_int_equal(n, (int)strlen(v[i].out));
		/* once seen, it stays the same name */
		assert_false(maildir_name_unseen(out));
		assert_int_equal(
		    maildir_name_add_flag(v[i].out, 'S', out, sizeof(out)),
		    (int)strlen(v[i].out));
		assert_string_equal(out, v[i].out);
	}
}

/* Every subset of the standard flags, written in reverse order. */
static void
every_combination(void **state)
{
	static const char std[] = "DFPRST";
	char name[64], want[64], out[64];
	unsigned mask, i;

	(void)state;
	for (mask = 0; mask < 64; mask++) {
		size_t n = 0, w = 0;

		n = (size_t)snprintf(name, sizeof(name), "1.M2P3.h:2,");
		for (i = 6; i-- > 0;)
			if (mask & (1u << i))
				name[n++] = std[i];
		name[n] = '\0';
		w = (size_t)snprintf(want, sizeof(want), "1.M2P3.h:2,");
		for (i = 0; i < 6; i++)
			if ((mask & (1u << i)) || std[i] == 'S')
				want[w++] = std[i];
		want[w] = '\0';
		assert_int_equal(
		    maildir_name_add_flag(name, 'S', out, sizeof(out)), (int)w);
		assert_string_equal(out, want);
		assert_int_equal(maildir_name_unseen(name),
		    !(mask & (1u << 4)) && !(mask & (1u << 5)));
		assert_int_equal(
		    maildir_name_has_flag(name, 'F'), (mask & (1u << 1)) != 0);
	}
}

static void
unseen(void **state)
{
	(void)state;
	assert_true(maildir_name_unseen("x"));
	assert_true(maildir_name_unseen("x:2,"));
	assert_true(maildir_name_unseen("x:2,FR"));
	assert_false(maildir_name_unseen("x:2,S"));
	assert_false(maildir_name_unseen("x:2,T"));
	assert_false(maildir_name_unseen("x:2,DFRST"));
	assert_true(maildir_name_unseen("x:1,S"));     /* not version 2 */
	assert_true(maildir_name_unseen("x:2,R,S"));   /* S of another set */
	assert_true(maildir_name_unseen("x:2,S:foo")); /* the last colon */
	assert_false(maildir_name_unseen("x:foo:2,S"));
	assert_true(maildir_name_unseen("S"));
	assert_true(maildir_name_unseen(""));
}

static void
parts(void **state)
{
	size_t n = 99;

	(void)state;
	assert_int_equal(maildir_name_base_len("abc"), 3);
	assert_int_equal(maildir_name_base_len("abc:2,S"), 3);
	assert_int_equal(maildir_name_base_len("abc:1,S"), 7);
	assert_int_equal(maildir_name_base_len("a:b:2,"), 3);
	assert_int_equal(maildir_name_base_len(":2,"), 0);
	assert_null(maildir_name_flags("abc", &n));
	assert_int_equal(n, 0);
	assert_null(maildir_name_flags("abc:1,S", &n));
	assert_string_equal(maildir_name_flags("abc:2,FS,x", &n), "FS,x");
	assert_int_equal(n, 2);
	assert_non_null(maildir_name_flags("abc:2,", &n));
	assert_int_equal(n, 0);
	assert_false(maildir_name_has_flag("abc", 'S'));
	assert_false(maildir_name_has_flag("abc:2,", '\0'));
}

/* A name that cannot take its flag: -1 and an empty out, never a
 * truncated name; NAME_MAX is where rename(2) would refuse it. */
static void
too_long(void **state)
{
	char name[NAME_MAX + 2], out[NAME_MAX + 1];
	size_t len;

	(void)state;
	for (len = NAME_MAX - 6; len <= NAME_MAX; len++) {
		int want = len + 4 <= NAME_MAX ? (int)len + 4 : -1;

		memset(name, 'x', len);
		name[len] = '\0';
		assert_int_equal(
		    maildir_name_add_flag(name, 'S', out, sizeof(out)), want);
		assert_int_equal(strlen(out), want == -1 ? 0 : (size_t)want);
	}
	/* exactly the room for the NUL, and one byte less */
	assert_int_equal(maildir_name_add_flag("ab:2,R", 'S', out, 8), 7);
	assert_string_equal(out, "ab:2,RS");
	assert_int_equal(maildir_name_add_flag("ab:2,R", 'S', out, 7), -1);
	assert_string_equal(out, "");
	assert_int_equal(maildir_name_add_flag("ab", 'S', out, 0), -1);
	/* a flag is a letter */
	assert_int_equal(
	    maildir_name_add_flag("ab", ',', out, sizeof(out)), -1);
	assert_int_equal(
	    maildir_name_add_flag("ab", '\0', out, sizeof(out)), -1);
	assert_int_equal(maildir_name_add_flag("ab", 'F', out, sizeof(out)), 6);
	assert_string_equal(out, "ab:2,F");
}

/* Many colons and commas: whatever the name, the result ends in a
 * version-2 info that has S, and the base is kept. */
static void
odd_names(void **state)
{
	static const char alphabet[] = ":,2S1a";
	char name[8], out[32];
	unsigned k, i;

	(void)state;
	for (k = 0; k < 6 * 6 * 6 * 6 * 6 * 6; k++) {
		unsigned v = k;
		int n;

		for (i = 0; i < 6; i++, v /= 6)
			name[i] = alphabet[v % 6];
		name[6] = '\0';
		n = maildir_name_add_flag(name, 'S', out, sizeof(out));
		assert_true(n > 0);
		assert_false(maildir_name_unseen(out));
		assert_memory_equal(out, name, maildir_name_base_len(name));
		assert_int_equal(
		    maildir_name_base_len(out), maildir_name_base_len(name));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(add_seen),
	    cmocka_unit_test(every_combination),
	    cmocka_unit_test(unseen),
	    cmocka_unit_test(parts),
	    cmocka_unit_test(too_long),
	    cmocka_unit_test(odd_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
