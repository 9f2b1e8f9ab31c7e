/*
 * bouncectl suppress --from FILE and unsuppress --from FILE: the rows of
 * a file as decisions for store_override_many() (storage/store_mgmt.h),
 * streamed -- one record in memory at a time.
 *
 * Two shapes of file, told apart by the first record that is not empty:
 *  - a plain list: one address per line; white space around it ignored,
 *    empty lines and lines starting with '#' skipped;
 *  - CSV with a header record (RFC 4180 2.3) naming an "address" (or
 *    "email") column: Mailgun's exports of its suppression lists have
 *    "address,code,error,created_at" (bounces), "address,tags,created_at"
 *    (unsubscribes) and "address,created_at" (complaints), see
 *    https://documentation.mailgun.com/docs/mailgun/api-reference/send/mailgun/bounces/post-v3--domainid--bounces-import
 *    and .../unsubscribe/post-v3--domainid--unsubscribes-import. Our own
 *    columns "reason", "source" and "note" override --reason, --source
 *    and --note for their row; without a "note" column, Mailgun's "code"
 *    and "error" ("550 No such user") or "tags" become the note. Other
 *    columns (created_at) are ignored: the decision is dated now.
 *
 * A row that is no decision -- an address that is not a mailbox
 * (common/mailbox.h), a malformed record -- is reported with its line
 * and skipped; the rest is imported (see bouncectl(1) for why).
 */
#ifndef BD_IMPORT_H
#define BD_IMPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "csv.h"
#include "storage/store_mgmt.h"

/* invalid lines named on stderr before the rest are only counted */
#define IMPORT_MAX_REPORTED 100

enum import_col {
	COL_ADDRESS,
	COL_REASON,
	COL_SOURCE,
	COL_NOTE,
	COL_CODE,
	COL_ERROR,
	COL_TAGS,
	COL_COUNT
};

struct import {
	struct csv csv;
	const char *name; /* borrowed: the file's name, for messages */
	FILE *err;        /* borrowed: where invalid lines are reported */
	enum rcpt_override o;
	/* borrowed: --reason, --source, --note, or NULL */
	const char *reason, *source, *note;
	bool shape_known, has_header;
	int col[COL_COUNT]; /* field index per column, -1: absent */
	unsigned long rows, invalid;
	char addr[STORE_ADDR_MAX + 1];
	char cell[3][STORE_NOTE_MAX + 1]; /* reason, source, note */
};

void import_init(struct import *im, FILE *in, const char *name, FILE *err,
    enum rcpt_override o);
/* store_override_next: 1 and *in, 0 at the end, -1 on a read error
 * (printed on im->err) */
int import_next(void *ctx, struct store_override_in *in);

#endif
