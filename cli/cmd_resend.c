/*
 * The resend queue: resends lists it, resend-now and cancel change one
 * waiting (pending or deferred) row. Like cmd_db.c, arguments are checked
 * before the database is opened; the two that change a row open it
 * read-write, which also migrates an older schema as bounced would.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "common/strutil.h"
#include "storage/store.h"

/* resends.state: the CHECK of storage/migrate.c, docs/schema.md */
static const char *const resend_states[] = {"pending", "deferred", "sent",
    "failed", "gave_up", "cannot_resend", "cancelled"};

#define NSTATES (sizeof(resend_states) / sizeof(resend_states[0]))

int
cmd_resends(const struct cli_args *a)
{
	/* a readable subset; --json and --csv have every column */
	static const char *const cols[] = {"id", "recipient", "state", "kind",
	    "reason", "attempts", "next_attempt", "original_message_id",
	    "last_error", NULL};
	const char *state = a->opt[OPT_STATE];
	struct store_rows *rows = NULL;
	struct cli_db db;
	size_t i;
	int qrc;
	long n;

	for (i = 0; state != NULL && i < NSTATES; i++)
		if (strcmp(state, resend_states[i]) == 0)
			break;
	if (state != NULL && i == NSTATES) {
		fprintf(stderr, "bouncectl: --state: %s: not one of", state);
		for (i = 0; i < NSTATES; i++)
			fprintf(stderr, "%s %s", i > 0 ? "," : "",
			    resend_states[i]);
		fputc('\n', stderr);
		return CLI_USAGE;
	}
	if (cli_db_open(a, STORE_RDONLY, &db) < 0)
		return CLI_DB;
	qrc = store_query_resends(db.st, state, &rows);
	n = cli_show(&db, qrc, rows, a->fmt, OUT_EMPTY_HEADER, cols);
	cli_db_close(&db);
	return n < 0 ? CLI_DB : CLI_OK;
}

/*
 * The ID operand: a resends.id, decimal, positive. Returns 0 and *id_r,
 * or -1 after printing why.
 */
static int
id_arg(const struct cli_args *a, int64_t *id_r)
{
	const char *s = a->addr;
	char *end;
	long long v;

	errno = 0;
	v = bd_isdigit((unsigned char)s[0]) ? strtoll(s, &end, 10) : 0;
	if (v <= 0 || errno != 0 || *end != '\0') {
		fprintf(
		    stderr, "bouncectl: %s: %s: not a resend id\n", a->verb, s);
		return -1;
	}
	*id_r = (int64_t)v;
	return 0;
}

/* Says why resend id was left alone: it does not exist, or its state.
 * Returns the exit status. */
static int
not_waiting(struct cli_db *db, const char *verb, int64_t id)
{
	struct store_resend r;

	switch (store_resend_get(db->st, id, &r)) {
	case 1:
		fprintf(stderr,
		    "bouncectl: %s: resend %" PRId64 ": %s, not waiting\n",
		    verb, id, resend_state_name(r.state));
		return CLI_NORECORD;
	case 0:
		fprintf(stderr,
		    "bouncectl: %s: resend %" PRId64 ": no such "
		    "resend\n",
		    verb, id);
		return CLI_NORECORD;
	default:
		cli_db_error(db);
		return CLI_DB;
	}
}

/* resend-now, cancel: change one waiting row, then show it. */
static int
change(const struct cli_args *a, int (*fn)(struct store *, int64_t, int64_t))
{
	struct store_rows *rows = NULL;
	struct cli_db db;
	int64_t id;
	int rc, qrc, ex = CLI_DB;
	long n = -1;

	if (id_arg(a, &id) < 0)
		return CLI_USAGE;
	if (cli_db_open(a, STORE_RDWR, &db) < 0)
		return CLI_DB;
	/* store_resend_cancel() and _now() are one statement each: no
	 * transaction of ours needed */
	rc = fn(db.st, id, (int64_t)time(NULL));
	if (rc < 0)
		cli_db_error(&db);
	else if (rc == 0)
		ex = not_waiting(&db, a->verb, id);
	else {
		qrc = store_query_resend(db.st, id, &rows);
		n = cli_show(&db, qrc, rows, a->fmt, OUT_RECORD, NULL);
		ex = n < 0 ? CLI_DB : CLI_OK;
	}
	cli_db_close(&db);
	return ex;
}

int
cmd_resend_now(const struct cli_args *a)
{
	return change(a, store_resend_now);
}

int
cmd_cancel(const struct cli_args *a)
{
	return change(a, store_resend_cancel);
}
