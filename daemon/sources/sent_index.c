/*
 * The sent: source (issue 13): a copy of every message we send, put into
 * a Maildir or an IMAP folder by the MTA (Postfix always_bcc or
 * sender_bcc_maps), indexed once by Message-ID and recipients
 * (storage/store_sent.c) so that a bounce can be checked against what we
 * really sent, and a resend made from the copy.
 *
 * The pass runs on the main thread, before the pass over the bounces, so
 * that a bounce that arrives after its copy finds it. Per batch: each copy
 * is read, hashed and parsed first (nothing in mail/ runs inside a write
 * transaction), then one transaction indexes the batch, and only after
 * its commit is each copy acknowledged: a Maildir file is deleted (the
 * database holds the copy for sent.keep), an IMAP message flagged.
 * Exactly once: killed after the commit and before the unlink, the next
 * pass finds the copy's SHA-256 and only deletes the file; two files of
 * the same bytes are one copy.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/sha256.h"
#include "common/xmalloc.h"
#include "daemon/daemon.h"
#include "mail/mail_limits.h"
#include "mail/sent.h"
#include "daemon/notify.h"

/* Bytes of copies held for one batch: at least one copy is always read */
#define SENT_BATCH_BYTES (64u << 20)

struct sent_copy {
	struct source_msg m;
	char sha[SHA256_HEX_LEN + 1];
	struct sent_info info;
	bool suspect; /* the daemon died parsing it (poison.h): skipped */
};

struct sent_counts {
	uint64_t indexed, known;
};

/* The pure part, before the transaction: hash and parse. */
static void
prepare(struct poison *ps, struct sent_copy *c)
{
	memset(c->sha, 0, sizeof(c->sha));
	memset(&c->info, 0, sizeof(c->info));
	c->suspect = false;
	if (c->m.error != NULL) {
		log_warnx("sent: %s: %s: not indexed, acknowledged", c->m.ref,
		    c->m.error);
		return;
	}
	sha256_hex(c->m.buf, c->m.len, c->sha);
	/* a copy the daemon died parsing is not parsed again (poison.h) */
	if (poison_suspect(ps, c->sha) > 0) {
		c->suspect = true;
		c->m.error = xstrdup("the daemon died while parsing it");
		log_warnx("sent: %s: %s: not indexed, acknowledged", c->m.ref,
		    c->m.error);
		return;
	}
	poison_mark(ps, c->sha, c->m.ref);
	poison_test_hook(c->sha);
	(void)sent_parse(c->m.buf, c->m.len, &c->info);
	poison_idle(ps);
	if (c->info.message_id == NULL)
		log_debug("sent: %s: no Message-ID: kept, but no bounce can "
			  "name it",
		    c->m.ref);
	if (c->info.flags & SENT_F_TOO_MANY_RCPTS)
		log_warnx("sent: %s: more than %d recipients: the first %d "
			  "kept",
		    c->m.ref, MAIL_MAX_SENT_RCPTS, MAIL_MAX_SENT_RCPTS);
	if (c->info.flags & (SENT_F_HEADER_CUT | SENT_F_LIST_SKIPPED))
		log_info("sent: %s: an address field too long or unreadable "
			 "was skipped",
		    c->m.ref);
}

static void
clear(struct sent_copy *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		source_msg_clear(&c[i].m);
		sent_info_free(&c[i].info);
	}
}

/* One copy's rows, inside the batch's transaction: 0 or -1. */
static int
index_one(struct daemon *d, struct sent_copy *c, struct sent_counts *k)
{
	struct store_sent s = {.sha256 = c->sha,
	    .source_ref = c->m.ref,
	    .message_id = c->info.message_id,
	    .sent_at = c->m.received_at,
	    .indexed_at = daemon_now(),
	    .body = c->m.buf,
	    .len = c->m.len,
	    .rcpts = c->info.rcpts,
	    .nrcpts = c->info.nrcpts};
	int64_t id;
	int rc;

	if (c->suspect && store_suspect_del(d->st, c->sha) == -1) {
		log_warnx("store: suspect: %s: %s", c->m.ref,
		    store_error(d->st));
		return -1;
	}
	if (c->m.error != NULL)
		return 0;
	if ((rc = store_sent_find(d->st, c->sha, &id)) == 1) {
		log_debug("sent: %s: already recorded (copy %lld)", c->m.ref,
		    (long long)id);
		k->known++;
		return 0;
	}
	if (rc == -1 || store_sent_add(d->st, &s, &id) == -1) {
		log_warnx("store: sent: %s: %s", c->m.ref, store_error(d->st));
		return -1;
	}
	log_debug("sent: %s: copy %lld, %s, %zu recipients", c->m.ref,
	    (long long)id,
	    c->info.message_id != NULL ? c->info.message_id : "no Message-ID",
	    c->info.nrcpts);
	k->indexed++;
	return 0;
}

/*
 * Reads up to batch_size copies (and SENT_BATCH_BYTES), stores them in one
 * transaction, then acknowledges them. 1 when the source may have more,
 * 0 at the end of the pass, -1 when the batch could not be stored.
 */
static int
batch(struct daemon *d, struct sent_copy *c, struct sent_counts *total)
{
	struct source *src = d->sent;
	struct sent_counts k = {0, 0};
	size_t n = 0, bytes = 0, i;
	bool more = true;
	int rc = 0;

	while (n < d->conf->batch_size && bytes < SENT_BATCH_BYTES) {
		notify_watchdog(); /* an IMAP read may wait on the network */
		if (src->ops->next(src, &c[n].m) != 1) {
			more = false;
			break;
		}
		prepare(&d->poison, &c[n]);
		bytes += c[n].m.len;
		n++;
	}
	if (n == 0)
		return 0;
	if (store_begin(d->st) == -1) {
		log_warnx("store: sent: begin: %s", store_error(d->st));
		clear(c, n);
		return -1;
	}
	for (i = 0; i < n && rc == 0; i++)
		rc = index_one(d, &c[i], &k);
	if (rc == 0 && store_commit(d->st) == -1) {
		log_warnx("store: sent: commit: %s", store_error(d->st));
		rc = -1;
	}
	if (rc == -1) {
		store_rollback(d->st);
		clear(c, n);
		return -1;
	}
	daemon_test_kill(d); /* committed, not acknowledged */
	for (i = 0; i < n; i++)
		(void)src->ops->ack(src, &c[i].m, ACK_DELETE);
	if (src->ops->flush != NULL)
		src->ops->flush(src);
	clear(c, n);
	total->indexed += k.indexed;
	total->known += k.known;
	return more ? 1 : 0;
}

int
sent_pass(struct daemon *d, bool full)
{
	struct sent_counts total = {0, 0};
	struct sent_copy *c;
	int rc;

	if (d->sent == NULL)
		return 0;
	if (d->sent->ops->scan(d->sent, full) == -1)
		return LOOP_SOURCE_DOWN;
	c = xcalloc(d->conf->batch_size, sizeof(*c));
	do {
		rc = batch(d, c, &total);
		loop_signals(d);
	} while (rc == 1 && !d->stopping);
	free(c);
	if (total.indexed + total.known > 0)
		log_info("sent: %llu copies indexed (%llu already recorded)",
		    (unsigned long long)total.indexed,
		    (unsigned long long)total.known);
	return rc == -1 ? LOOP_STORE_FAILED : 0;
}
