/*
 * bouncectl sent ADDRESS-OR-MESSAGE-ID: the copies of what we sent (the
 * daemon's sent: source) that went to an address, or that carry a
 * Message-ID (with or without <>), newest first.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

int
cmd_sent(const struct cli_args *a)
{
	struct store_rows *rows = NULL;
	const char *what = a->addr, *p;
	struct cli_db db;
	int qrc;
	long n;

	/* an address or a msg-id: one word of printable ASCII (RFC 5322
	 * 3.4.1, 3.6.4) */
	for (p = what; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f)
			break;
	if (*what == '\0' || *p != '\0' || strlen(what) > 998) {
		fprintf(stderr,
		    "bouncectl: sent: %s: not an address or a "
		    "Message-ID\n",
		    what);
		return CLI_USAGE;
	}
	if (cli_db_open(a, STORE_RDONLY, &db) < 0)
		return CLI_DB;
	qrc = store_query_sent(db.st, what, &rows);
	n = cli_show(&db, qrc, rows, a->fmt, 0, NULL);
	if (n == 0)
		fprintf(stderr, "bouncectl: %s: no copy recorded\n", what);
	cli_db_close(&db);
	return n < 0 ? CLI_DB : n == 0 ? CLI_NORECORD : CLI_OK;
}
