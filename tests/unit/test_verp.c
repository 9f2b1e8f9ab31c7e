/*
 * common/verp: signed return paths. Our C against the vectors the Python
 * reference of docs/VERP.md computed (fixtures/verp/vectors.tsv), then
 * the round trip, age, forgery, case and hostile input.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/verp.h"

#define KEY  "0123456789abcdef"
#define TMPL "bounces+{tag}@example.org"
#define DAY  86400
#define T0   ((int64_t)1796083200) /* 2026-12-01 */

static const struct verp v0 = {
    TMPL, (const unsigned char *)KEY, sizeof(KEY) - 1, 60};

static enum verp_result
check(const char *path, int64_t now, char *rcpt, unsigned *age)
{
	return verp_check(&v0, path, strlen(path), now, rcpt, age);
}

static void
sign(const char *rcpt, int64_t now, char out[VERP_PATH_MAX + 1])
{
	const char *err = NULL;

	assert_int_equal(verp_sign(&v0, rcpt, now, out, VERP_PATH_MAX + 1, &err),
	    0);
}

static void
test_vectors(void **state)
{
	char line[2048], out[VERP_PATH_MAX + 1], rcpt[VERP_ADDR_MAX + 1];
	const char *err = NULL;
	size_t n = 0;
	unsigned age = 99;
	FILE *f;

	(void)state;
	f = fopen(BD_VERP_VECTORS, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		char *fld[5], *save = NULL, *p = line;
		struct verp v;
		int i;

		if (line[0] == '#')
			continue;
		line[strcspn(line, "\n")] = '\0';
		for (i = 0; i < 5; i++, p = NULL)
			assert_non_null(fld[i] = strtok_r(p, "\t", &save));
		v.tmpl = fld[1];
		v.key = (const unsigned char *)fld[0];
		v.key_len = strlen(fld[0]);
		v.max_age_days = 0;
		assert_int_equal(verp_sign(&v, fld[2], strtoll(fld[3], NULL, 10),
				     out, sizeof(out), &err),
		    0);
		assert_string_equal(out, fld[4]);
		assert_int_equal(verp_check(&v, out, strlen(out),
				     strtoll(fld[3], NULL, 10), rcpt, &age),
		    VERP_VALID);
		assert_int_equal(age, 0);
		for (i = 0; fld[2][i] != '\0'; i++)
			fld[2][i] = (char)(fld[2][i] >= 'A' && fld[2][i] <= 'Z'
						  ? fld[2][i] + 32
						  : fld[2][i]);
		assert_string_equal(rcpt, fld[2]);
		n++;
	}
	fclose(f);
	assert_true(n >= 5);
}

static void
test_age(void **state)
{
	char out[VERP_PATH_MAX + 1], rcpt[VERP_ADDR_MAX + 1];
	unsigned age = 0;

	(void)state;
	sign("Bob@example.com", T0, out);
	assert_int_equal(check(out, T0 + 10 * DAY + 5, rcpt, &age), VERP_VALID);
	assert_int_equal(age, 10);
	assert_string_equal(rcpt, "bob@example.com");
	assert_int_equal(check(out, T0 + 60 * DAY, NULL, &age), VERP_VALID);
	assert_int_equal(check(out, T0 + 61 * DAY, rcpt, &age), VERP_EXPIRED);
	assert_int_equal(age, 61);
	assert_string_equal(rcpt, "bob@example.com");
	/* the day wraps at 1024: a tag of day 1020 is 7 days old on day 3 */
	sign("bob@example.com", 1020 * DAY, out);
	assert_int_equal(check(out, 1027 * DAY, NULL, &age), VERP_VALID);
	assert_int_equal(age, 7);
	/* ... and a tag from the future is as old as the wrap makes it */
	assert_int_equal(check(out, 1019 * DAY, NULL, &age), VERP_EXPIRED);
	assert_int_equal(age, 1023);
}

static void
test_forged(void **state)
{
	char out[VERP_PATH_MAX + 1], alt[VERP_PATH_MAX + 1];
	struct verp other = v0;
	size_t i, n;

	(void)state;
	sign("bob@example.com", T0, out);
	n = strlen(out);
	/* every character of the tag, changed: forged, never valid */
	for (i = strlen("bounces+"); i < n - strlen("@example.org"); i++) {
		memcpy(alt, out, n + 1);
		alt[i] = alt[i] == 'a' ? 'b' : 'a';
		assert_int_equal(check(alt, T0, NULL, NULL), VERP_FORGED);
	}
	/* every truncation of the local part */
	for (i = strlen("bounces+"); i < n - strlen("@example.org"); i++) {
		snprintf(alt, sizeof(alt), "%.*s@example.org", (int)i, out);
		assert_int_not_equal(check(alt, T0, NULL, NULL), VERP_VALID);
	}
	other.key = (const unsigned char *)"fedcba9876543210";
	assert_int_equal(verp_check(&other, out, n, T0, NULL, NULL),
	    VERP_FORGED);
	assert_int_equal(check("bounces+@example.org", T0, NULL, NULL),
	    VERP_FORGED);
	assert_int_equal(check("bounces+junk@example.org", T0, NULL, NULL),
	    VERP_FORGED);
	assert_int_equal(
	    check("bounces+v1=aaaaaaaaaa=aa=x=@example.org", T0, NULL, NULL),
	    VERP_FORGED);
	assert_int_equal(
	    check("bounces+v1=aaaaaaaaaa=aa==y@example.org", T0, NULL, NULL),
	    VERP_FORGED);
	assert_int_equal(
	    check("bounces+v1=aaaaaaaaa1=aa=x=y@example.org", T0, NULL, NULL),
	    VERP_FORGED);
}

static void
test_case_and_form(void **state)
{
	char out[VERP_PATH_MAX + 1], alt[VERP_PATH_MAX + 8];
	size_t i;

	(void)state;
	sign("bob@example.com", T0, out);
	for (i = 0; out[i] != '\0'; i++)
		alt[i] = (char)(out[i] >= 'a' && out[i] <= 'z' ? out[i] - 32
							     : out[i]);
	alt[i] = '\0';
	assert_int_equal(check(alt, T0, NULL, NULL), VERP_VALID);
	snprintf(alt, sizeof(alt), " <%s>\n", out);
	assert_int_equal(check(alt, T0, NULL, NULL), VERP_VALID);
}

static void
test_none(void **state)
{
	(void)state;
	assert_int_equal(check("bob@example.com", T0, NULL, NULL), VERP_NONE);
	assert_int_equal(check("bounces@example.org", T0, NULL, NULL),
	    VERP_NONE);
	assert_int_equal(check("bounces+x@example.net", T0, NULL, NULL),
	    VERP_NONE);
	assert_int_equal(check("bounces+x@example.org.evil.example", T0, NULL,
			     NULL),
	    VERP_NONE);
	assert_int_equal(check("", T0, NULL, NULL), VERP_NONE);
	assert_int_equal(check("<>", T0, NULL, NULL), VERP_NONE);
	assert_int_equal(check("@", T0, NULL, NULL), VERP_NONE);
	assert_int_equal(check("no at sign", T0, NULL, NULL), VERP_NONE);
}

static void
test_hostile(void **state)
{
	static char big[4096];
	char nul[] = "bounces+v1=aaaaaaaaaa=aa=x\0y=example.com@example.org";
	size_t n;

	(void)state;
	/* a tag of 401 bytes: forged; a path past VERP_PATH_MAX: none */
	n = (size_t)snprintf(big, sizeof(big), "bounces+%0401d@example.org", 0);
	assert_int_equal(verp_check(&v0, big, n, T0, NULL, NULL), VERP_FORGED);
	memset(big, 'a', sizeof(big) - 20);
	strcpy(big + sizeof(big) - 20, "@example.org");
	assert_int_equal(check(big, T0, NULL, NULL), VERP_NONE);
	assert_int_equal(
	    verp_check(&v0, nul, sizeof(nul) - 1, T0, NULL, NULL), VERP_FORGED);
	/* a recipient past 320 bytes inside a tag below 400: forged */
	n = (size_t)snprintf(big, sizeof(big),
	    "bounces+v1=aaaaaaaaaa=aa=%0330d=example.com@example.org", 0);
	assert_int_equal(verp_check(&v0, big, n, T0, NULL, NULL), VERP_FORGED);
	assert_int_equal(check("bounces+v1=aaaaaaaaaa=aa=\x01=y@example.org", T0,
			     NULL, NULL),
	    VERP_FORGED);
}

static void
test_sign_refuses(void **state)
{
	char out[VERP_PATH_MAX + 1], big[400];
	struct verp v = v0;
	const char *err = NULL;

	(void)state;
	assert_int_equal(verp_sign(&v0, "nobody", T0, out, sizeof(out), &err),
	    -1);
	assert_int_equal(verp_sign(&v0, "a b@example.com", T0, out,
			     sizeof(out), &err),
	    -1);
	assert_int_equal(verp_sign(&v0, "\"a\"@example.com", T0, out,
			     sizeof(out), &err),
	    -1);
	assert_int_equal(verp_sign(&v0, "a@exa=mple.com", T0, out, sizeof(out),
			     &err),
	    -1);
	assert_int_equal(
	    verp_sign(&v0, "@example.com", T0, out, sizeof(out), &err), -1);
	memset(big, 'a', sizeof(big));
	strcpy(big + 330, "@example.com");
	assert_int_equal(verp_sign(&v0, big, T0, out, sizeof(out), &err), -1);
	assert_int_equal(verp_sign(&v0, "a@example.com", T0, out, 20, &err),
	    -1);
	v.key_len = 15;
	assert_int_equal(verp_sign(&v, "a@example.com", T0, out, sizeof(out),
			     &err),
	    -1);
	assert_string_equal(err, "key shorter than 16 bytes");
}

static void
test_template(void **state)
{
	static const char *const bad[] = {
	    "bounces@example.org",
	    "bounces+{tag}{tag}@example.org",
	    "bounces@{tag}.example.org",
	    "{tag}",
	    "{tag}@",
	    "bounce s+{tag}@example.org",
	    "b+{tag}@ex=ample.org",
	};
	char big[300];
	const char *err = NULL;
	size_t i;

	(void)state;
	assert_int_equal(verp_template_check(TMPL, &err), 0);
	assert_int_equal(verp_template_check("{tag}@example.org", &err), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err = NULL;
		assert_int_equal(verp_template_check(bad[i], &err), -1);
		assert_non_null(err);
	}
	memset(big, 'a', sizeof(big));
	memcpy(big, "{tag}@", 6);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(verp_template_check(big, &err), -1);
	assert_string_equal(verp_result_name(VERP_FORGED), "forged");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_vectors),
	    cmocka_unit_test(test_age),
	    cmocka_unit_test(test_forged),
	    cmocka_unit_test(test_case_and_form),
	    cmocka_unit_test(test_none),
	    cmocka_unit_test(test_hostile),
	    cmocka_unit_test(test_sign_refuses),
	    cmocka_unit_test(test_template),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
