/*
 * bouncectl verp sign ADDR | verp check RETURN-PATH: signed return paths
 * (docs/VERP.md) from the verp: section of the configuration. The key
 * file must be readable by whoever runs it; the key is wiped after use
 * and never printed. Exit 0 signed or valid, 1 expired, forged or none,
 * 2 usage or configuration problem (bouncectl(1)).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "common/verp.h"
#include "config/config.h"

#define DAY 86400

/*
 * The clock, moved by BOUNCED_TEST_TIME_OFFSET seconds when set: the
 * daemon's test hook (daemon_now(), daemon/main.c), so that the tests
 * age a tag without waiting days.
 */
static int64_t
verp_now(void)
{
	const char *s = getenv("BOUNCED_TEST_TIME_OFFSET");

	return (int64_t)time(NULL) + (s != NULL ? strtoll(s, NULL, 10) : 0);
}

/*
 * The configuration -c names, else the default one; config_peek(): the
 * daemon's other secrets (IMAP, SMTP passwords) need not be readable,
 * only the VERP key, which the caller reads. NULL after printing why.
 */
static struct config *
verp_config(const struct cli_args *a)
{
	const char *file = a->opt[OPT_CONFIG] != NULL ? a->opt[OPT_CONFIG]
						      : CLI_DEFAULT_CONFIG;
	struct config *conf = NULL;
	char *errors = NULL;

	if (config_peek(file, &conf, &errors) < 0) {
		cli_print_lines(errors);
		free(errors);
		return NULL;
	}
	if (conf->verp.address == NULL) {
		fprintf(stderr,
		    "bouncectl: %s: no verp: section (verp.address, "
		    "verp.key_file; bounced.yaml(5))\n",
		    file);
		config_free(&conf);
	}
	return conf;
}

static int
verp_sign_cmd(const struct verp *v, const char *addr)
{
	char out[VERP_PATH_MAX + 1];
	const char *why;

	if (verp_sign(v, addr, verp_now(), out, sizeof(out), &why) < 0) {
		fprintf(stderr, "bouncectl: verp sign: %s: %s\n", addr, why);
		return CLI_USAGE;
	}
	printf("%s\n", out);
	return CLI_OK;
}

/* "2026-12-04": the UTC day the tag was signed */
static void
signed_day(int64_t now, unsigned age, char buf[16])
{
	time_t t = (time_t)(now - (int64_t)age * DAY);
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL || strftime(buf, 16, "%Y-%m-%d", &tm) == 0)
		snprintf(buf, 16, "?");
}

static int
verp_check_cmd(const struct verp *v, const char *path)
{
	char rcpt[VERP_ADDR_MAX + 1], day[16];
	int64_t now = verp_now();
	enum verp_result r;
	unsigned age = 0;

	r = verp_check(v, path, strlen(path), now, rcpt, &age);
	switch (r) {
	case VERP_VALID:
	case VERP_EXPIRED:
		signed_day(now, age, day);
		printf("%s: %s, signed %u day%s ago (%s)", verp_result_name(r),
		    rcpt, age, age == 1 ? "" : "s", day);
		if (r == VERP_EXPIRED)
			printf(", older than verp.max_age (%u days)",
			    v->max_age_days);
		printf("\n");
		break;
	case VERP_FORGED:
		printf("forged: the shape of %s, but not a tag we signed\n",
		    v->tmpl);
		break;
	case VERP_NONE:
		printf("none: not an address of %s\n", v->tmpl);
		break;
	}
	return r == VERP_VALID ? CLI_OK : CLI_NORECORD;
}

int
cmd_verp(const struct cli_args *a)
{
	char key[VERP_KEY_MAX + 3];
	struct config *conf;
	struct verp v;
	const char *why;
	size_t n;
	int rc;

	if (a->opt[OPT_DB] != NULL || a->opt[OPT_JSON] != NULL ||
	    a->opt[OPT_CSV] != NULL) {
		fputs("bouncectl: verp: takes -c CONFIG only\n", stderr);
		return CLI_USAGE;
	}
	if (strcmp(a->addr, "sign") != 0 && strcmp(a->addr, "check") != 0) {
		fprintf(stderr, "bouncectl: verp: %s: not sign or check\n",
		    a->addr);
		return CLI_USAGE;
	}
	/* a configuration or key problem is one like any verb's (3) */
	if ((conf = verp_config(a)) == NULL)
		return CLI_DB;
	if (config_verp_key(&conf->verp, key, sizeof(key), &n, &why) < 0) {
		fprintf(stderr, "bouncectl: verp.key_file: %s: %s\n",
		    conf->verp.key_file, why);
		config_free(&conf);
		return CLI_DB;
	}
	v.tmpl = conf->verp.address;
	v.key = (const unsigned char *)key;
	v.key_len = n;
	v.max_age_days = conf->verp.max_age / DAY;
	rc = strcmp(a->addr, "sign") == 0 ? verp_sign_cmd(&v, a->arg2)
					  : verp_check_cmd(&v, a->arg2);
	explicit_bzero(key, sizeof(key));
	config_free(&conf);
	return rc;
}
