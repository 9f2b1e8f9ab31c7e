/*
 * The database verbs: status, history, list, stats, suppress, unsuppress,
 * and the helpers cmd_resend.c shares (cli.h). Arguments are checked
 * before the database is opened, so that a usage error is exit 2 whatever
 * state the database is in; only suppress and unsuppress (and
 * cmd_resend.c's resend-now and cancel) open it for writing.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/state_base.h"
#include "classify/reason.h"
#include "cli.h"
#include "common/mailbox.h"
#include "common/strutil.h"
#include "common/xmalloc.h"
#include "config/config.h"
#include "storage/store.h"
#include "storage/store_mgmt.h"

void
cli_print_lines(const char *text)
{
	const char *nl;

	while (text != NULL && *text != '\0') {
		nl = strchr(text, '\n');
		if (nl == NULL)
			nl = text + strlen(text);
		fprintf(stderr, "bouncectl: %.*s\n", (int)(nl - text), text);
		text = *nl == '\n' ? nl + 1 : nl;
	}
}

/* The database that file names, or NULL after printing every error. */
static char *
config_database(const char *file)
{
	struct config *conf = NULL;
	char *errors = NULL, *path;

	/* the database is all we need: the daemon's password files may be
	 * unreadable to whoever runs bouncectl */
	if (config_peek(file, &conf, &errors) < 0) {
		if (errors != NULL)
			cli_print_lines(errors);
		else
			fprintf(stderr, "bouncectl: %s: unusable\n", file);
		free(errors);
		return NULL;
	}
	path = xstrdup(conf->database);
	config_free(&conf);
	return path;
}

/*
 * The database path, first found of: -d, -c's database, $BOUNCED_DB, the
 * default configuration file's database when it is readable, the built-in
 * default. NULL after printing why (a bad configuration).
 */
static char *
db_path(const struct cli_args *a)
{
	const char *env = getenv("BOUNCED_DB");
	struct config *conf;
	char *path;

	if (a->opt[OPT_DB] != NULL)
		return xstrdup(a->opt[OPT_DB]);
	if (a->opt[OPT_CONFIG] != NULL)
		return config_database(a->opt[OPT_CONFIG]);
	if (env != NULL && *env != '\0')
		return xstrdup(env);
	if (access(CLI_DEFAULT_CONFIG, R_OK) == 0)
		return config_database(CLI_DEFAULT_CONFIG);
	conf = config_default();
	path = xstrdup(conf->database);
	config_free(&conf);
	return path;
}

/* "bouncectl: path: why", whether or not the store's text names the path */
static void
open_error(const char *path, const char *err)
{
	size_t n = strlen(path);

	if (err == NULL)
		fprintf(stderr, "bouncectl: %s: cannot open\n", path);
	else if (strncmp(err, path, n) == 0 && err[n] == ':')
		fprintf(stderr, "bouncectl: %s\n", err);
	else
		fprintf(stderr, "bouncectl: %s: %s\n", path, err);
}

int
cli_db_open(const struct cli_args *a, enum store_mode mode, struct cli_db *db)
{
	struct stat sb;
	char *err = NULL;

	db->st = NULL;
	if ((db->path = db_path(a)) == NULL)
		return -1;
	/* a postgresql:// URI (issue 18) is no file */
	if (!database_is_uri(db->path) && stat(db->path, &sb) < 0) {
		fprintf(
		    stderr, "bouncectl: %s: %s\n", db->path, strerror(errno));
		goto fail;
	}
	if (store_open(db->path, mode, &db->st, &err) < 0) {
		open_error(db->path, err);
		free(err);
		goto fail;
	}
	return 0;
fail:
	free(db->path);
	db->path = NULL;
	return -1;
}

void
cli_db_close(struct cli_db *db)
{
	store_close(&db->st);
	free(db->path);
	db->path = NULL;
}

void
cli_db_error(struct cli_db *db)
{
	fprintf(stderr, "bouncectl: %s: %s\n", db->path, store_error(db->st));
}

long
cli_show(struct cli_db *db, int qrc, struct store_rows *rows,
    enum out_format fmt, unsigned flags, const char *const *cols)
{
	long n = -1;

	if (qrc < 0 || (n = output_rows(stdout, rows, fmt, flags, cols)) < 0)
		cli_db_error(db);
	store_rows_free(&rows);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "bouncectl: stdout: %s\n", strerror(errno));
		n = -1;
	}
	return n;
}

/*
 * A lower-case copy of the ADDR operand, or NULL after printing why it
 * cannot be an address: it needs a local part and a domain (RFC 5321
 * 4.1.2), at most STORE_ADDR_MAX bytes and no white space or controls.
 * strict (an address about to be stored: suppress) holds it to
 * mailbox_valid() as every other way in does; the others only look a row
 * up or clear it, so that a row stored before that check can still be.
 */
static char *
addr_arg(const struct cli_args *a, bool strict)
{
	const char *s = a->addr, *at = strrchr(s, '@'), *p;
	size_t len = strlen(s);
	bool ok =
	    at != NULL && at != s && at[1] != '\0' && len <= STORE_ADDR_MAX;

	for (p = s; ok && *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			ok = false;
	if (ok && strict && !mailbox_valid(s, len))
		ok = false;
	if (!ok) {
		fprintf(
		    stderr, "bouncectl: %s: %s: not an address\n", a->verb, s);
		return NULL;
	}
	return str_lower(xstrdup(s));
}

/* Reads exactly n digits at *p into *v, advancing *p. */
static bool
digits(const char **p, int n, int *v)
{
	*v = 0;
	for (; n > 0; n--, (*p)++) {
		if (!bd_isdigit((unsigned char)**p))
			return false;
		*v = *v * 10 + (**p - '0');
	}
	return true;
}

/* Days from 1970-01-01 to y-m-d, proleptic Gregorian (H. Hinnant). */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int
month_days(int y, int m)
{
	static const int days[] = {
	    31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : days[m - 1];
}

/*
 * YYYY-MM-DD, or YYYY-MM-DDTHH:MM[:SS][Z] (T or a space), as UTC: ISO 8601
 * calendar date and time of day, the RFC 3339 profile without offsets.
 */
static int
parse_iso(const char *s, int64_t *t_r)
{
	int y, mo, d, h = 0, mi = 0, sec = 0;
	const char *p = s;

	if (!digits(&p, 4, &y) || *p++ != '-' || !digits(&p, 2, &mo) ||
	    *p++ != '-' || !digits(&p, 2, &d))
		return -1;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		if (!digits(&p, 2, &h) || *p++ != ':' || !digits(&p, 2, &mi))
			return -1;
		if (*p == ':' && (p++, !digits(&p, 2, &sec)))
			return -1;
		if (*p == 'Z' || *p == 'z')
			p++;
	}
	if (*p != '\0' || y < 1970 || mo < 1 || mo > 12 || d < 1 ||
	    d > month_days(y, mo) || h > 23 || mi > 59 || sec > 59)
		return -1;
	*t_r = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
	return 0;
}

/*
 * --since: a date (it starts with four digits and a '-') or a duration
 * before now. Returns 0 and *since_r, or -1 after printing why.
 */
static int
since_arg(const char *s, int64_t *since_r)
{
	const char *err = NULL;
	unsigned secs;

	if (strlen(s) >= 5 && bd_isdigit((unsigned char)s[0]) &&
	    bd_isdigit((unsigned char)s[3]) && s[4] == '-') {
		if (parse_iso(s, since_r) == 0)
			return 0;
		fprintf(stderr,
		    "bouncectl: --since: %s: not a date "
		    "(YYYY-MM-DD[THH:MM[:SS]Z], UTC)\n",
		    s);
		return -1;
	}
	if (config_parse_duration(s, &secs, &err) < 0) {
		fprintf(stderr,
		    "bouncectl: --since: %s: not a date nor a "
		    "duration: %s\n",
		    s, err != NULL ? err : "invalid");
		return -1;
	}
	*since_r = (int64_t)time(NULL) - secs;
	return 0;
}

/* status and history: one address, exit 1 when it has no record. */
static int
addr_query(const struct cli_args *a,
    int (*query)(struct store *, const char *, struct store_rows **),
    unsigned flags, const char *const *cols)
{
	struct store_rows *rows = NULL;
	struct cli_db db;
	char *addr;
	int qrc;
	long n;

	if ((addr = addr_arg(a, false)) == NULL)
		return CLI_USAGE;
	if (cli_db_open(a, STORE_RDONLY, &db) < 0) {
		free(addr);
		return CLI_DB;
	}
	/* the query sets rows: call it before cli_show() reads them */
	qrc = query(db.st, addr, &rows);
	n = cli_show(&db, qrc, rows, a->fmt, flags, cols);
	if (n == 0)
		fprintf(stderr, "bouncectl: %s: no record\n", addr);
	cli_db_close(&db);
	free(addr);
	return n < 0 ? CLI_DB : n == 0 ? CLI_NORECORD : CLI_OK;
}

int
cmd_status(const struct cli_args *a)
{
	return addr_query(a, store_query_status, OUT_RECORD, NULL);
}

int
cmd_history(const struct cli_args *a)
{
	/* a readable subset; --json and --csv have every column */
	static const char *const cols[] = {"at", "bounced_at", "kind",
	    "action", "status", "reason", "class", "diagnostic", "note",
	    "original_from", "campaign", NULL};

	return addr_query(a, store_query_history, 0, cols);
}

/* Fills *f from list's options; *domain_r owns f->domain. -1 printed. */
int
list_filter(
    const struct cli_args *a, struct store_list_filter *f, char **domain_r)
{
	memset(f, 0, sizeof(*f));
	*domain_r = NULL;
	f->state = a->opt[OPT_STATE];
	if (f->state != NULL && rcpt_state_from_name(f->state) < 0) {
		fprintf(stderr,
		    "bouncectl: --state: %s: not one of active, "
		    "soft, suppressed\n",
		    f->state);
		return -1;
	}
	if (a->opt[OPT_REASON] != NULL) {
		enum reason r[REASON_NAME_MAX];
		size_t n = reason_lookup(a->opt[OPT_REASON], r);

		/* ours or sisimai 5's, as stored: ours (issue 17 item 6) */
		if (n == 0) {
			fprintf(stderr,
			    "bouncectl: --reason: %s: no such reason "
			    "(bouncectl(1) lists them)\n",
			    a->opt[OPT_REASON]);
			return -1;
		}
		f->reason = reason_name(r[0]);
		f->reason2 = n > 1 ? reason_name(r[1]) : NULL;
	}
	if (a->opt[OPT_SINCE] != NULL &&
	    since_arg(a->opt[OPT_SINCE], &f->since) < 0)
		return -1;
	if (a->opt[OPT_DOMAIN] != NULL)
		f->domain = *domain_r = str_lower(xstrdup(a->opt[OPT_DOMAIN]));
	return 0;
}

int
cmd_list(const struct cli_args *a)
{
	struct store_list_filter f;
	struct store_rows *rows = NULL;
	struct cli_db db;
	char *domain;
	int qrc;
	long n;

	if (a->opt[OPT_LIMIT] != NULL || a->opt[OPT_AFTER] != NULL)
		return cmd_list_page(a);
	if (list_filter(a, &f, &domain) < 0)
		return CLI_USAGE;
	if (cli_db_open(a, STORE_RDONLY, &db) < 0) {
		free(domain);
		return CLI_DB;
	}
	qrc = store_query_list(db.st, &f, &rows);
	n = cli_show(&db, qrc, rows, a->fmt, OUT_EMPTY_HEADER, NULL);
	cli_db_close(&db);
	free(domain);
	return n < 0 ? CLI_DB : CLI_OK;
}

static const struct {
	const char *name;
	enum store_stats_by by;
} groupings[] = {
    {"reason", STATS_REASON},
    {"domain", STATS_DOMAIN},
    {"day", STATS_DAY},
    /* only with --by: stats alone shows the three above */
    {"sender", STATS_SENDER},
    {"campaign", STATS_CAMPAIGN},
    {"remote_mta", STATS_REMOTE_MTA},
};

#define NGROUPINGS_ALL 3

#define NGROUPINGS (int)(sizeof(groupings) / sizeof(groupings[0]))

/*
 * --by as an index into groupings, -1 for all of them: tables, and JSON
 * Lines, whose rows name their grouping by their first key ("reason",
 * "domain", "day"; issue 17 item 5); CSV holds one kind of record (RFC
 * 4180 2.3: one header). -2 after printing why.
 */
static int
stats_by(const struct cli_args *a)
{
	const char *s = a->opt[OPT_BY];
	int i;

	if (s == NULL && a->fmt == OUT_CSV) {
		fputs("bouncectl: stats: --csv needs --by reason, domain or "
		      "day\n", stderr);
		return -2;
	}
	if (s == NULL)
		return -1;
	for (i = 0; i < NGROUPINGS; i++)
		if (strcmp(s, groupings[i].name) == 0)
			return i;
	fprintf(stderr,
	    "bouncectl: --by: %s: not one of reason, domain, day, sender, "
	    "campaign, remote_mta\n",
	    s);
	return -2;
}

/* By reason with --labels sisimai5: sisimai 5's merged reasons counted
 * as one row (issue 17 item 6). */
static enum store_stats_by
stats_group(const struct cli_args *a, enum store_stats_by by)
{
	enum reason_labels l;

	if (by == STATS_REASON && a->opt[OPT_LABELS] != NULL &&
	    reason_labels_from_name(a->opt[OPT_LABELS], &l) == 0 &&
	    l == REASON_LABELS_SISIMAI5)
		return STATS_REASON_SISIMAI5;
	return by;
}

int
cmd_stats(const struct cli_args *a)
{
	struct store_rows *rows = NULL;
	struct cli_db db;
	int64_t since = 0;
	int by, i, qrc;
	long n = 0;

	if ((by = stats_by(a)) < -1)
		return CLI_USAGE;
	if (a->opt[OPT_SINCE] != NULL &&
	    since_arg(a->opt[OPT_SINCE], &since) < 0)
		return CLI_USAGE;
	if (cli_db_open(a, STORE_RDONLY, &db) < 0)
		return CLI_DB;
	for (i = 0; i < NGROUPINGS && n >= 0; i++) {
		if ((by >= 0 && i != by) || (by < 0 && i >= NGROUPINGS_ALL))
			continue;
		if (by < 0 && i > 0 && a->fmt == OUT_TABLE)
			putchar('\n');
		qrc = store_query_stats(db.st, stats_group(a, groupings[i].by),
		    since, &rows);
		n = cli_show(&db, qrc, rows, a->fmt, OUT_EMPTY_HEADER, NULL);
	}
	cli_db_close(&db);
	return n < 0 ? CLI_DB : CLI_OK;
}

/* suppress, unsuppress: the override, then the new status. */
static int
override(const struct cli_args *a, enum rcpt_override o)
{
	struct store_rows *rows = NULL;
	struct store_override_in in = { .o = o };
	struct cli_db db;
	char *addr, *texts[3] = { NULL, NULL, NULL };
	int qrc;
	long n = -1;

	if (cli_override_texts(a) < 0)
		return CLI_USAGE;
	if (a->opt[OPT_FROM] != NULL)
		return cmd_override_from(a, o);
	if ((addr = addr_arg(a, o == OVERRIDE_SUPPRESSED)) == NULL)
		return CLI_USAGE;
	if (cli_db_open(a, STORE_RDWR, &db) < 0) {
		free(addr);
		return CLI_DB;
	}
	in.address = addr;
	in.reason = texts[0] = cli_override_text(a->opt[OPT_REASON]);
	in.source = texts[1] = cli_override_text(a->opt[OPT_SOURCE]);
	in.note = texts[2] = cli_override_text(a->opt[OPT_NOTE]);
	if (store_override_ex(db.st, &in, (int64_t)time(NULL)) < 0)
		cli_db_error(&db);
	else {
		qrc = store_query_status(db.st, addr, &rows);
		n = cli_show(&db, qrc, rows, a->fmt, OUT_RECORD, NULL);
	}
	cli_db_close(&db);
	free(addr);
	for (int i = 0; i < 3; i++)
		free(texts[i]);
	return n < 0 ? CLI_DB : CLI_OK;
}

int
cmd_suppress(const struct cli_args *a)
{
	return override(a, OVERRIDE_SUPPRESSED);
}

int
cmd_unsuppress(const struct cli_args *a)
{
	return override(a, OVERRIDE_UNSUPPRESSED);
}
