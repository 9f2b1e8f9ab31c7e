/*
 * Suppression list management (issue 15 item 5): suppress and unsuppress
 * --from FILE in one transaction, and list a page at a time.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "common/strutil.h"
#include "common/xmalloc.h"
#include "import.h"
#include "json.h"
#include "storage/store_mgmt.h"

/* One page at most: a script loops with --after for more. */
#define LIST_PAGE_MAX 100000

/* Free text of an option: bounded; ill-formed UTF-8 and control
 * characters are mended by cli_override_text() */
static int
text_opt(
    const struct cli_args *a, enum cli_opt id, const char *name, size_t max)
{
	const char *s = a->opt[id];

	if (s != NULL && strlen(s) > max) {
		fprintf(stderr, "bouncectl: %s: longer than %zu bytes\n", name,
		    max);
		return -1;
	}
	return 0;
}

int
cli_override_texts(const struct cli_args *a)
{
	if (text_opt(a, OPT_REASON, "--reason", STORE_REASON_MAX) < 0 ||
	    text_opt(a, OPT_SOURCE, "--source", STORE_SOURCE_MAX) < 0 ||
	    text_opt(a, OPT_NOTE, "--note", STORE_NOTE_MAX) < 0)
		return -1;
	return 0;
}

char *
cli_override_text(const char *s)
{
	char *t;

	if (s == NULL)
		return NULL;
	t = str_utf8_clean(xstrdup(s));
	for (char *p = t; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	return t;
}

static void
import_summary(const struct cli_args *a, const struct import *im,
    const struct store_override_counts *c)
{
	const char *done =
	    im->o == OVERRIDE_SUPPRESSED ? "suppressed" : "unsuppressed";

	if (a->fmt == OUT_JSON)
		printf("{\"rows\":%lu,\"%s\":%" PRIu64 ",\"already\":%" PRIu64
		       ",\"invalid\":%lu}\n",
		    im->rows, done, c->applied, c->already, im->invalid);
	else if (a->fmt == OUT_CSV)
		printf("rows,%s,already,invalid\r\n%lu,%" PRIu64 ",%" PRIu64
		       ",%lu\r\n",
		    done, im->rows, c->applied, c->already, im->invalid);
	else
		printf("%lu rows: %" PRIu64 " %s, %" PRIu64
		       " already so, %lu invalid (not imported)\n",
		    im->rows, c->applied, done, c->already, im->invalid);
}

/*
 * Invalid lines are reported and skipped, the valid ones imported, and
 * the exit status is 1: a bad line in a million (a Mailgun export holds
 * addresses Mailgun took that we do not) should not cost the other
 * 999,999, and a second run after mending the file is cheap, since
 * what is already so is not written again. A read error or a database
 * error keeps nothing (exit 3).
 */
int
cmd_override_from(const struct cli_args *a, enum rcpt_override o)
{
	const char *path = a->opt[OPT_FROM];
	bool std = strcmp(path, "-") == 0;
	struct store_override_counts c;
	struct import *im;
	struct cli_db db;
	char *reason = NULL, *source = NULL, *note = NULL;
	FILE *in = std ? stdin : fopen(path, "r");
	int rc = CLI_OK;

	if (in == NULL) {
		fprintf(stderr, "bouncectl: %s: %s\n", path, strerror(errno));
		return CLI_USAGE;
	}
	if (cli_db_open(a, STORE_RDWR, &db) < 0) {
		if (!std)
			fclose(in);
		return CLI_DB;
	}
	im = malloc(sizeof(*im)); /* 100 KiB: not on the stack */
	if (im == NULL) {
		fprintf(stderr, "bouncectl: out of memory\n");
		rc = CLI_DB;
		goto out;
	}
	import_init(im, in, std ? "stdin" : path, stderr, o);
	im->reason = reason = cli_override_text(a->opt[OPT_REASON]);
	im->source = source = cli_override_text(a->opt[OPT_SOURCE]);
	im->note = note = cli_override_text(a->opt[OPT_NOTE]);
	if (store_override_many(
		db.st, o, import_next, im, (int64_t)time(NULL), &c) < 0) {
		cli_db_error(&db);
		fprintf(stderr, "bouncectl: %s: nothing imported\n", im->name);
		rc = CLI_DB;
	} else {
		import_summary(a, im, &c);
		if (im->invalid > 0)
			rc = CLI_NORECORD;
	}
	free(im);
	free(reason);
	free(source);
	free(note);
out:
	cli_db_close(&db);
	if (!std)
		fclose(in);
	if (fflush(stdout) != 0 && rc == CLI_OK)
		rc = CLI_DB;
	return rc;
}

/* --limit: 1 .. LIST_PAGE_MAX; -1 printed */
static int64_t
limit_arg(const struct cli_args *a)
{
	const char *s = a->opt[OPT_LIMIT];
	char *end;
	long long n;

	if (s == NULL) {
		fputs("bouncectl: --after needs --limit\n", stderr);
		return -1;
	}
	errno = 0;
	n = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || end == s || n < 1 ||
	    n > LIST_PAGE_MAX) {
		fprintf(stderr,
		    "bouncectl: --limit: %s: not a number in "
		    "1..%d\n",
		    s, LIST_PAGE_MAX);
		return -1;
	}
	return n;
}

/*
 * The next cursor: the last address of a full page (there may be more;
 * a page shorter than --limit is the last). JSON Lines get it as a last
 * object of their own, {"next_after": ...}; a table and CSV on stderr as
 * "next-after: ADDR", so that their stdout stays rows only.
 */
static void
print_cursor(const struct cli_args *a, const char *last, long n, int64_t limit)
{
	const char *next = n == limit ? last : NULL;

	if (a->fmt == OUT_JSON) {
		fputs("{\"next_after\":", stdout);
		if (next == NULL)
			fputs("null}\n", stdout);
		else {
			json_string(stdout, next);
			fputs("}\n", stdout);
		}
	} else if (next != NULL)
		fprintf(stderr, "next-after: %s\n", next);
}

int
cmd_list_page(const struct cli_args *a)
{
	struct store_list_filter f;
	struct store_rows *rows = NULL;
	struct cli_db db;
	char *domain;
	int64_t limit;
	long n = -1;

	if ((limit = limit_arg(a)) < 0)
		return CLI_USAGE;
	if (list_filter(a, &f, &domain) < 0)
		return CLI_USAGE;
	if (cli_db_open(a, STORE_RDONLY, &db) < 0) {
		free(domain);
		return CLI_DB;
	}
	if (store_query_list_page(db.st, &f, a->opt[OPT_AFTER], limit, &rows) <
	    0)
		cli_db_error(&db);
	else if ((n = output_rows(
		      stdout, rows, a->fmt, OUT_EMPTY_HEADER, NULL)) < 0)
		cli_db_error(&db);
	else
		print_cursor(a, store_rows_last_key(rows), n, limit);
	store_rows_free(&rows);
	cli_db_close(&db);
	free(domain);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "bouncectl: stdout: %s\n", strerror(errno));
		return CLI_DB;
	}
	return n < 0 ? CLI_DB : CLI_OK;
}
