/*
 * Issue 15 items 4 and 5: what identifies the original message of a
 * bounce (attribution), and suppression list management -- a person's
 * decisions with a reason, a source and a note, one at a time or a
 * million in one transaction, and the recipients list page by page.
 * Same contract as store.h: 0 on success, -1 and store_error(st).
 */
#ifndef BD_STORE_MGMT_H
#define BD_STORE_MGMT_H

#include <stddef.h>
#include <stdint.h>

#include "storage/store.h"

/* Free text a person gives with a decision: longer is refused by the
 * callers (bouncectl), cut here as a last resort. */
#define STORE_REASON_MAX 200
#define STORE_SOURCE_MAX 200
#define STORE_NOTE_MAX   1000

/* One person's decision about one address. */
struct store_override_in {
	const char *address; /* a lower-case mailbox (mailbox_valid()) */
	enum rcpt_override o;
	/* free text, valid UTF-8, or NULL: why ("unsubscribed",
	 * "mailgun bounce"), where it came from ("mailgun-export.csv"),
	 * anything else */
	const char *reason, *source, *note;
};

/*
 * One decision in its own transaction (a savepoint inside the caller's):
 * store_override() with a reason and a source.
 */
int store_override_ex(
    struct store *st, const struct store_override_in *in, int64_t now);

/*
 * The rows of a bulk decision, one at a time: 1 and *in filled (its
 * strings valid until the next call), 0 at the end, -1 to abandon the
 * whole import (nothing is kept). The reader streams its input: the
 * import never holds more than one row.
 */
typedef int store_override_next(void *ctx, struct store_override_in *in);

struct store_override_counts {
	uint64_t applied; /* rows that changed the address's state */
	uint64_t already; /* already so by a person's decision (or a second
			   * row of the same address): nothing written */
};

/*
 * bouncectl suppress/unsuppress --from: the decision o for every row
 * next() gives (their own o is ignored), in ONE transaction (BEGIN
 * IMMEDIATE ... COMMIT: one fsync for the lot). The rows are staged in a
 * temporary table as they come, then applied in address order, each
 * through store_override_apply(), the per-row write every decision
 * shares (store_private.h). A row whose address already has the state
 * and the override it asks for is counted in already and not written
 * again, so that an import can be run twice; of several rows of one
 * address the first in the input counts. On -1 (from next() or SQLite)
 * nothing is kept.
 */
int store_override_many(struct store *st, enum rcpt_override o,
    store_override_next *next, void *ctx, int64_t now,
    struct store_override_counts *c_r);

/*
 * bouncectl list --limit N --after CURSOR: the same columns and filters
 * as store_query_list(), ordered by address (the primary key: a seek,
 * however many millions of rows), at most limit rows whose address sorts
 * after `after` ("" or NULL: from the first). Keyset pagination: a row
 * is never shown twice nor skipped across pages, whatever is inserted
 * or deleted between them. store_rows_last_key() gives the next cursor.
 */
int store_query_list_page(struct store *st, const struct store_list_filter *f,
    const char *after, int64_t limit, struct store_rows **rows_r);
/*
 * The first column's text of the last row store_rows_next() returned
 * (for a page, its address: the next cursor), or NULL when no row was
 * read. Owned by rows, valid until store_rows_free().
 */
const char *store_rows_last_key(const struct store_rows *rows);

/* ---- attribution (item 4) ---- */

/* How many configured headers a message keeps (attribution.headers) */
#define STORE_ATTR_HEADERS 16

/*
 * What identifies the original message of one bounce message. Every
 * string is valid UTF-8 without control characters, bounded by whoever
 * read it (mail/report_attr.h), or NULL.
 */
struct store_attribution {
	const char *from;        /* the From addr-spec, lower case */
	const char *sender;      /* the envelope sender */
	const char *envelope_id; /* RFC 3464 Original-Envelope-Id */
	const char *subject;     /* decoded (RFC 2047) */
	const char *list_id;     /* RFC 2919 list-id, without <> */
	const char *campaign;    /* the attribution.campaign header's value */
	/* the configured headers present: names[i] has values[i] */
	const char *names[STORE_ATTR_HEADERS], *values[STORE_ATTR_HEADERS];
	size_t nheaders;
	bool from_sent; /* read from our own copy (the sent: record) */
};

/*
 * Writes a's fields into the messages row id (schema v7); headers as a
 * JSON object {"X-Campaign-Id": "spring"}. Nothing is written when a
 * holds nothing.
 */
int store_message_attribution(
    struct store *st, int64_t id, const struct store_attribution *a);

/*
 * The first max bytes of the newest copy in the sent record whose
 * Message-ID is message_id (<> optional): enough for its header block.
 * Returns 1 and a malloc'd *buf_r (the caller frees it) of *len_r bytes,
 * 0 when there is no such copy, -1.
 */
int store_sent_head(struct store *st, const char *message_id, size_t max,
    unsigned char **buf_r, size_t *len_r);

#endif
