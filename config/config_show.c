/*
 * bounced -n: the effective settings (issue 17 item 4), every key of the
 * schema table with the value in force, defaults and derived values
 * included, one "key: value" line each, in the table's order. Written
 * to a FILE the caller gives; nothing else here does I/O.
 */
#include <stdio.h>
#include <string.h>

#include "classify/reason.h"
#include "common/log.h"
#include "config_private.h"

#define MINUTE 60u
#define HOUR   3600u
#define DAY    86400u

/*
 * The keys whose value is a credential itself, shown as "(set)": a
 * webhook URL usually carries its token in the path (Slack, Discord) or
 * in user:password@. The *_file keys name a file; the path is no secret.
 */
static const char *const secret_keys[] = {"events.webhook"};

static const void *
slot(const struct config *conf, size_t off)
{
	return (const char *)conf + off;
}

static void
put_duration(FILE *out, unsigned secs)
{
	if (secs != 0 && secs % DAY == 0)
		fprintf(out, "%ud", secs / DAY);
	else if (secs != 0 && secs % HOUR == 0)
		fprintf(out, "%uh", secs / HOUR);
	else if (secs != 0 && secs % MINUTE == 0)
		fprintf(out, "%um", secs / MINUTE);
	else
		fprintf(out, "%us", secs);
}

static void
put_names(FILE *out, char *const *names, size_t n)
{
	size_t i;

	fputc('[', out);
	for (i = 0; i < n; i++)
		fprintf(out, "%s%s", i > 0 ? ", " : "", names[i]);
	fputc(']', out);
}

static const char *
tls_name(enum config_tls t)
{
	return t == CONFIG_TLS_IMPLICIT   ? "implicit"
	       : t == CONFIG_TLS_STARTTLS ? "starttls"
					  : "none";
}

static const char *
level_name(int level)
{
	static const char *const names[] = {
	    "err", "warning", "notice", "info", "debug"};
	int i;

	for (i = 0; i < 5; i++)
		if (log_level_from_name(names[i]) == level)
			return names[i];
	return "info";
}

static bool
secret(const char *path)
{
	size_t i;

	for (i = 0; i < sizeof(secret_keys) / sizeof(secret_keys[0]); i++)
		if (strcmp(secret_keys[i], path) == 0)
			return true;
	return false;
}

/* retention.suppressions: one line per reason with a duration. */
static void
put_map(FILE *out, const struct config_key *k, const unsigned *table)
{
	bool any = false;
	int r;

	for (r = 0; r < REASON_COUNT; r++) {
		if (table[r] == 0)
			continue;
		fprintf(out, "%s.%s: ", k->path, reason_name((enum reason)r));
		put_duration(out, table[r]);
		fputc('\n', out);
		any = true;
	}
	if (!any)
		fprintf(out, "%s: (none)\n", k->path);
}

static void
put_value(FILE *out, const struct config *conf, const struct config_key *k)
{
	const void *p = slot(conf, k->off);

	switch (k->type) {
	case CFG_STRING:
	case CFG_PATH:
		fputs(*(char *const *)p != NULL ? *(char *const *)p : "(none)",
		    out);
		break;
	case CFG_UINT:
		fprintf(out, "%u", *(const unsigned *)p);
		break;
	case CFG_PERCENT:
		fprintf(out, "%u%%", *(const unsigned *)p);
		break;
	case CFG_DURATION:
		if (*(const unsigned *)p == 0 && k->def == NULL)
			fputs("forever", out); /* retention.*: unset */
		else
			put_duration(out, *(const unsigned *)p);
		break;
	case CFG_DURATION_LIST: {
		unsigned i, n = *(const unsigned *)slot(conf, k->count_off);

		fputc('[', out);
		for (i = 0; i < n; i++) {
			fputs(i > 0 ? ", " : "", out);
			put_duration(out, ((const unsigned *)p)[i]);
		}
		fputc(']', out);
		break;
	}
	case CFG_ENUM:
		fputs(level_name(*(const int *)p), out);
		break;
	case CFG_BOOL:
		fputs(*(const bool *)p ? "true" : "false", out);
		break;
	case CFG_TLS:
		fputs(tls_name(*(const enum config_tls *)p), out);
		break;
	case CFG_REASON_LIST:
	case CFG_HEADER_LIST:
		put_names(out, *(char **const *)p,
		    *(const size_t *)slot(conf, k->count_off));
		break;
	case CFG_REASON_DURATIONS:
		break; /* put_map() */
	}
}

void
config_show(const struct config *conf, FILE *out)
{
	size_t i;

	for (i = 0; i < config_nkeys; i++) {
		const struct config_key *k = &config_keys[i];

		if (k->type == CFG_REASON_DURATIONS) {
			put_map(out, k, slot(conf, k->off));
			continue;
		}
		fprintf(out, "%s: ", k->path);
		if (secret(k->path) &&
		    *(char *const *)slot(conf, k->off) != NULL)
			fputs("(set)", out);
		else
			put_value(out, conf, k);
		fputc('\n', out);
	}
}
