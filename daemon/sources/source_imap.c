/*
 * The IMAP source (RFC 3501 IMAP4rev1): one mailbox on a server, read with
 * libetpan's mailimap on the main thread (same_thread: next() and ack()
 * share the one connection). The connection itself -- TLS, verification,
 * LOGIN, SELECT, reconnection with backoff -- is imap_session.c; this
 * file is the pass: what to read, how to hand it out, how to put it away.
 *
 * A pass: UID SEARCH for what is not yet ours, UID FETCH in chunks, each
 * message handed to the pipeline, its result committed, and only then
 * acknowledged: UID MOVE to processed_mailbox (RFC 6851), else UID COPY,
 * UID STORE \Deleted and UID EXPUNGE (RFC 4315 UIDPLUS), else flags in
 * place. Exactly once: a message committed but not acknowledged (killed
 * in between, connection lost) is found again by the next SEARCH and its
 * SHA-256 is already in the database, so it is only acknowledged.
 *
 * Between passes the connection sits in IDLE (RFC 2177) when the server
 * has it; its socket is what arm() hands the loop to poll.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libetpan/libetpan.h>

#include "common/log.h"
#include "common/xmalloc.h"
#include "config/config.h"
#include "daemon/sources/imap_session.h"
#include "daemon/sources/source.h"
#include "storage/store.h"

/*
 * Bodies asked for in one UID FETCH, by their RFC822.SIZE: a chunk of
 * batch_size messages of a few MiB each must not sit in memory at once.
 * At least one message is always asked for.
 */
#define IMAP_FETCH_BYTES (16u << 20)
/* The keywords we set (RFC 3501 2.3.2: "$" keywords are client-defined). */
#define KW_BOUNCED "$Bounced"
#define KW_UNPARSABLE "$Unparsable"

struct imap_msg {
	uint32_t uid;
	uint32_t size;	     /* RFC822.SIZE */
	int64_t date;	     /* INTERNALDATE, Unix time */
	bool meta;	     /* the FETCH of UID/SIZE/INTERNALDATE answered */
	bool asked;	     /* its body was asked for */
	unsigned char *buf;  /* owned: the body, once fetched */
	size_t len;
};

/* UIDs ack() queued for im_flush(), one kind each */
struct imap_acks {
	uint32_t *uid; /* owned */
	size_t n, cap;
};

struct imap_source {
	struct source src; /* first: the vtable */
	struct config_imap conf; /* the session's: a copy whose strings are
				  * borrowed from the caller's */
	struct imap_session s;
	unsigned batch;	   /* UIDs per metadata FETCH (batch_size) */
	uint32_t *uids;	   /* this pass's SEARCH result, ascending */
	size_t nuids, nextuid;
	struct imap_msg *chunk; /* the UIDs being handed out */
	size_t nchunk, ichunk;
	struct imap_acks acks[2]; /* queued by ack(): done, quarantine */
	char desc[512];

	/* issue 19 */
	bool sent;	  /* the sent: copies: not asked of the database */
	struct store *st; /* borrowed (attach()): the daemon's, or NULL */
	uint32_t mark;	  /* highest UID recorded (IMAP_ACK_*MARK) ... */
	uint32_t mark_uv; /* ... under this UIDVALIDITY; 0: not known */
	struct {
		unsigned long fetched, recorded, acked, failed;
	} pass;
	size_t handed; /* handed out by next() since the last flush() */
	bool ending;   /* next() said the pass is over; flush() ends it */
	bool broken;   /* the connection was lost in the middle */
	unsigned fail_passes; /* passes in a row that left work undone */
	char fail_why[IMAP_NAME_MAX + 512]; /* the last reason */
};

static bool
mark_mode(enum imap_ack_kind k)
{
	return k == IMAP_ACK_SEEN_MARK || k == IMAP_ACK_MARK;
}

static void
chunk_clear(struct imap_source *is)
{
	size_t i;

	for (i = 0; i < is->nchunk; i++)
		free(is->chunk[i].buf);
	is->nchunk = is->ichunk = 0;
}

static void
pass_clear(struct imap_source *is)
{
	chunk_clear(is);
	free(is->uids);
	is->uids = NULL;
	is->nuids = is->nextuid = 0;
}

static int
cmp_uid(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* A set of UIDs as ranges (a:b,c,...): short commands for long lists. */
static struct mailimap_set *
uid_set(const uint32_t *uid, size_t n)
{
	struct mailimap_set *set = mailimap_set_new_empty();
	size_t i = 0, j;

	if (set == NULL)
		fatalx("imap: out of memory");
	while (i < n) {
		for (j = i; j + 1 < n && uid[j + 1] == uid[j] + 1; j++)
			;
		if (mailimap_set_add_interval(set, uid[i], uid[j]) !=
		    MAILIMAP_NO_ERROR)
			fatalx("imap: out of memory");
		i = j + 1;
	}
	return set;
}

/* A search key of one of the argument-less types (UNDELETED, ...). */
static struct mailimap_search_key *
key_simple(int type)
{
	return mailimap_search_key_new(type, NULL, NULL, NULL, NULL, NULL,
	    NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL,
	    NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL);
}

/*
 * UID SEARCH UNDELETED NOT KEYWORD $Bounced: every message we have not
 * acknowledged. Not UNSEEN: a person or another client reading the
 * bounce mailbox sets \Seen, and a bounce someone glanced at is still a
 * bounce to record; our own mark is the $Bounced keyword (and leaving
 * the mailbox). \Deleted ones are someone's to expunge, not ours.
 */
static int
search(struct imap_source *is)
{
	struct mailimap_search_key *key, *not;
	clist *res = NULL;
	clistiter *it;
	size_t n = 0;
	int r;

	key = mailimap_search_key_new_multiple_empty();
	if (mark_mode(is->s.ack_done)) {
		/* keywords are not kept: UID mark+1:* instead; what is at
		 * or below the mark is dropped below, as "n:*" past the
		 * last UID still matches the last message (RFC 3501 6.4.8) */
		struct mailimap_set *set = mailimap_set_new_interval(
		    is->mark + 1, 0);

		not = set == NULL ? NULL : mailimap_search_key_new_uid(set);
	} else
		not = mailimap_search_key_new_not(
		    mailimap_search_key_new_keyword(xstrdup(KW_BOUNCED)));
	if (key == NULL || not == NULL ||
	    mailimap_search_key_multiple_add(key,
	    key_simple(MAILIMAP_SEARCH_KEY_UNDELETED)) != MAILIMAP_NO_ERROR ||
	    mailimap_search_key_multiple_add(key, not) != MAILIMAP_NO_ERROR)
		fatalx("imap: out of memory");
	r = mailimap_uid_search(is->s.imap, NULL, key, &res);
	mailimap_search_key_free(key);
	if (r != MAILIMAP_NO_ERROR) {
		imap_session_drop(&is->s, "UID SEARCH", r);
		return -1;
	}
	is->uids = xreallocarray(NULL, (size_t)clist_count(res) + 1,
	    sizeof(*is->uids));
	for (it = clist_begin(res); it != NULL; it = clist_next(it)) {
		uint32_t uid = *(uint32_t *)clist_content(it);

		if (!mark_mode(is->s.ack_done) || uid > is->mark)
			is->uids[n++] = uid;
	}
	mailimap_search_result_free(res);
	/* RFC 3501 does not promise an order; oldest (lowest UID) first */
	if (n > 1)
		qsort(is->uids, n, sizeof(*is->uids), cmp_uid);
	is->nuids = n;
	log_debug("imap: %s: %zu messages to read", is->s.url, n);
	return 0;
}

/* The reference next() gives a UID: "<mailbox>/<UIDVALIDITY>/<UID>". */
static void
uid_ref(const struct imap_source *is, uint32_t uid, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%" PRIu32 "/%" PRIu32, is->s.c->mailbox,
	    is->s.uidvalidity, uid);
}

/*
 * Where keywords are not kept, the high-water mark is the highest UID
 * recorded under this UIDVALIDITY: the database knows it across restarts
 * (--once from cron); in memory it only grows.
 */
static void
load_mark(struct imap_source *is)
{
	char prefix[IMAP_NAME_MAX + 32];
	uint32_t uid = 0;

	if (is->mark_uv != is->s.uidvalidity) {
		is->mark = 0;
		is->mark_uv = is->s.uidvalidity;
	}
	if (!mark_mode(is->s.ack_done) || is->st == NULL || is->sent)
		return;
	snprintf(prefix, sizeof(prefix), "%s/%" PRIu32 "/", is->s.c->mailbox,
	    is->s.uidvalidity);
	if (store_ref_max_uid(is->st, prefix, &uid) == -1)
		log_warnx("imap: %s: the highest UID recorded: %s", is->s.url,
		    store_error(is->st));
	else if (uid > is->mark)
		is->mark = uid;
}

static int ack_set(struct imap_source *, struct imap_acks *, enum source_ack);

static void
queue_uid(struct imap_acks *q, uint32_t uid)
{
	if (q->n == q->cap) {
		q->cap = q->cap == 0 ? 64 : q->cap * 2;
		q->uid = xreallocarray(q->uid, q->cap, sizeof(*q->uid));
	}
	q->uid[q->n++] = uid;
}

/*
 * Issue 19 item 3: a UID recorded already under this UIDVALIDITY (its
 * acknowledgement failed before, or we were killed before it) is not
 * fetched again -- RFC 3501 2.3.1.1: the pair names one message for
 * good -- only acknowledged again, now.
 */
static void
skip_recorded(struct imap_source *is)
{
	char ref[IMAP_NAME_MAX + 32];
	size_t i, n = 0;
	bool bad;
	int rc;

	if (is->st == NULL || is->sent)
		return;
	for (i = 0; i < is->nuids; i++) {
		uid_ref(is, is->uids[i], ref, sizeof(ref));
		if ((rc = store_ref_recorded(is->st, ref, &bad)) == 1) {
			log_debug("imap: %s: %s: recorded already, not fetched "
			    "again", is->s.url, ref);
			queue_uid(&is->acks[bad ? 1 : 0], is->uids[i]);
			is->pass.recorded++;
			continue;
		}
		if (rc == -1) /* the SHA-256 will tell after the fetch */
			log_debug("imap: %s: %s: %s", is->s.url, ref,
			    store_error(is->st));
		is->uids[n++] = is->uids[i];
	}
	is->nuids = n;
	if (is->acks[0].n > 0 || is->acks[1].n > 0) {
		if (ack_set(is, &is->acks[0], ACK_DONE) == 0 ||
		    is->s.imap != NULL)
			(void)ack_set(is, &is->acks[1], ACK_QUARANTINE);
		/* the connection lost by the first: the second's count */
		is->pass.failed += is->acks[1].n;
		is->acks[0].n = is->acks[1].n = 0;
	}
}

/*
 * Killed or cut off between UID STORE \Deleted and UID EXPUNGE, a message
 * recorded and copied already stays in the mailbox with \Deleted set,
 * and the SEARCH above leaves \Deleted messages alone (someone else's to
 * expunge): nothing would ever take it away. Those recorded under this
 * UIDVALIDITY are ours and their copy is made (COPY comes before the
 * STORE): UID EXPUNGE of just them (RFC 4315 2.1). Only in the COPY +
 * EXPUNGE mode, the one that sets \Deleted.
 */
static void
expunge_ours(struct imap_source *is)
{
	struct mailimap_search_key *key;
	struct mailimap_set *set;
	char ref[IMAP_NAME_MAX + 32];
	uint32_t *uids = NULL;
	clist *res = NULL;
	clistiter *it;
	size_t n = 0;
	bool bad;
	int r;

	if ((is->s.ack_done != IMAP_ACK_COPY_EXPUNGE &&
		is->s.ack_quarantine != IMAP_ACK_COPY_EXPUNGE) ||
	    is->st == NULL || is->sent || is->s.imap == NULL)
		return;
	if ((key = key_simple(MAILIMAP_SEARCH_KEY_DELETED)) == NULL)
		fatalx("imap: out of memory");
	r = mailimap_uid_search(is->s.imap, NULL, key, &res);
	mailimap_search_key_free(key);
	if (r != MAILIMAP_NO_ERROR) {
		imap_session_drop(&is->s, "UID SEARCH DELETED", r);
		return;
	}
	uids = xreallocarray(NULL, (size_t)clist_count(res) + 1,
	    sizeof(*uids));
	for (it = clist_begin(res); it != NULL; it = clist_next(it)) {
		uint32_t uid = *(uint32_t *)clist_content(it);

		uid_ref(is, uid, ref, sizeof(ref));
		if (store_ref_recorded(is->st, ref, &bad) == 1)
			uids[n++] = uid;
	}
	mailimap_search_result_free(res);
	if (n > 0) {
		qsort(uids, n, sizeof(*uids), cmp_uid);
		set = uid_set(uids, n);
		r = mailimap_uid_expunge(is->s.imap, set);
		mailimap_set_free(set);
		if (r != MAILIMAP_NO_ERROR)
			imap_session_drop(&is->s, "UID EXPUNGE", r);
		else
			log_info("imap: %s: %zu recorded and copied before, "
			    "left \\Deleted: expunged", is->s.url, n);
	}
	free(uids);
}

static int
im_scan(struct source *src, bool full)
{
	struct imap_source *is = (struct imap_source *)src;

	(void)full; /* a SEARCH always looks at the whole mailbox */
	pass_clear(is);
	memset(&is->pass, 0, sizeof(is->pass));
	is->handed = 0;
	is->ending = is->broken = false;
	if (imap_session_ready(&is->s) == -1)
		return -1;
	load_mark(is);
	if (search(is) == -1) {
		/* the connection broke while it lay idle (a server restart):
		 * one fresh attempt at once, then the backoff */
		if (imap_session_ready(&is->s) == -1)
			return -1;
		load_mark(is);
		if (search(is) == -1)
			return -1;
	}
	skip_recorded(is);
	expunge_ours(is);
	return 0;
}

static struct imap_msg *
find_uid(struct imap_source *is, uint32_t uid)
{
	size_t lo = 0, hi = is->nchunk;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (is->chunk[mid].uid == uid)
			return &is->chunk[mid];
		if (is->chunk[mid].uid < uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* INTERNALDATE (RFC 3501 date-time, with its zone) as Unix time. */
static int64_t
date_unix(const struct mailimap_date_time *d)
{
	struct tm tm;
	int zone = d->dt_zone < 0 ? -d->dt_zone : d->dt_zone;
	int64_t off = (int64_t)(zone / 100) * 3600 + (zone % 100) * 60;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = d->dt_year - 1900;
	tm.tm_mon = d->dt_month - 1;
	tm.tm_mday = d->dt_day;
	tm.tm_hour = d->dt_hour;
	tm.tm_min = d->dt_min;
	tm.tm_sec = d->dt_sec;
	return (int64_t)timegm(&tm) - (d->dt_zone < 0 ? -off : off);
}

/*
 * One FETCH response: its UID and whatever of RFC822.SIZE, INTERNALDATE
 * and BODY[] it carries. Unsolicited FETCHes (another client changing
 * flags) have a UID but none of these, and change nothing.
 */
static void
take_fetch(struct imap_source *is, struct mailimap_msg_att *att)
{
	struct mailimap_msg_att_static *st, *body = NULL;
	struct imap_msg *x = NULL;
	bool meta = false;
	clistiter *it;

	for (it = clist_begin(att->att_list); it != NULL; it = clist_next(it)) {
		struct mailimap_msg_att_item *item = clist_content(it);

		if (item->att_type != MAILIMAP_MSG_ATT_ITEM_STATIC)
			continue;
		st = item->att_data.att_static;
		if (st->att_type == MAILIMAP_MSG_ATT_UID)
			x = find_uid(is, st->att_data.att_uid);
	}
	if (x == NULL)
		return;
	for (it = clist_begin(att->att_list); it != NULL; it = clist_next(it)) {
		struct mailimap_msg_att_item *item = clist_content(it);

		if (item->att_type != MAILIMAP_MSG_ATT_ITEM_STATIC)
			continue;
		st = item->att_data.att_static;
		switch (st->att_type) {
		case MAILIMAP_MSG_ATT_RFC822_SIZE:
			x->size = st->att_data.att_rfc822_size;
			meta = true;
			break;
		case MAILIMAP_MSG_ATT_INTERNALDATE:
			if (st->att_data.att_internal_date != NULL)
				x->date = date_unix(
				    st->att_data.att_internal_date);
			break;
		case MAILIMAP_MSG_ATT_BODY_SECTION:
			body = st;
			break;
		}
	}
	if (meta)
		x->meta = true;
	if (body != NULL && body->att_data.att_body_section != NULL &&
	    x->buf == NULL) {
		const struct mailimap_msg_att_body_section *b =
		    body->att_data.att_body_section;

		/* NIL (a vanished message, RFC 3501 7.4.2) is skipped */
		if (b->sec_body_part == NULL)
			return;
		x->len = b->sec_length;
		x->buf = xmalloc(x->len + 1);
		memcpy(x->buf, b->sec_body_part, x->len);
	}
}

static int
fetch(struct imap_source *is, const uint32_t *uids, size_t n, bool body,
    const char *what)
{
	struct mailimap_fetch_type *ft;
	struct mailimap_set *set;
	struct mailimap_fetch_att *a[3];
	clist *res = NULL;
	clistiter *it;
	int i, na = 0, r;

	if (is->s.imap == NULL)
		return -1;
	ft = mailimap_fetch_type_new_fetch_att_list_empty();
	a[na++] = mailimap_fetch_att_new_uid();
	if (body) /* PEEK: \Seen is not set by reading (RFC 3501 6.4.5) */
		a[na++] = mailimap_fetch_att_new_body_peek_section(
		    mailimap_section_new(NULL));
	else {
		a[na++] = mailimap_fetch_att_new_rfc822_size();
		a[na++] = mailimap_fetch_att_new_internaldate();
	}
	for (i = 0; i < na; i++)
		if (ft == NULL || a[i] == NULL ||
		    mailimap_fetch_type_new_fetch_att_list_add(ft, a[i]) !=
		    MAILIMAP_NO_ERROR)
			fatalx("imap: out of memory");
	set = uid_set(uids, n);
	r = mailimap_uid_fetch(is->s.imap, set, ft, &res);
	mailimap_set_free(set);
	mailimap_fetch_type_free(ft);
	if (r != MAILIMAP_NO_ERROR) {
		/* --once exits 1: the pass did not read what was there */
		is->broken = true;
		snprintf(is->fail_why, sizeof(is->fail_why), "%s: %s; the "
		    "pass was cut short", what, imap_session_error(&is->s, r));
		imap_session_drop(&is->s, what, r);
		return -1;
	}
	for (it = clist_begin(res); it != NULL; it = clist_next(it))
		take_fetch(is, clist_content(it));
	mailimap_fetch_list_free(res);
	return 0;
}

/* The next up to batch UIDs of the pass: their sizes and dates. */
static int
load_chunk(struct imap_source *is)
{
	size_t n = is->nuids - is->nextuid, i;

	chunk_clear(is);
	if (n > is->batch)
		n = is->batch;
	is->chunk = xreallocarray(is->chunk, n, sizeof(*is->chunk));
	memset(is->chunk, 0, n * sizeof(*is->chunk));
	for (i = 0; i < n; i++)
		is->chunk[i].uid = is->uids[is->nextuid + i];
	is->nchunk = n;
	is->nextuid += n;
	return fetch(is, is->uids + is->nextuid - n, n, false,
	    "UID FETCH (RFC822.SIZE INTERNALDATE)");
}

/* Bodies from chunk[ichunk] on, up to IMAP_FETCH_BYTES of them. */
static int
load_bodies(struct imap_source *is)
{
	uint32_t *uids = xreallocarray(NULL, is->nchunk, sizeof(*uids));
	size_t i, n = 0;
	uint64_t bytes = 0;
	int rc;

	for (i = is->ichunk; i < is->nchunk; i++) {
		struct imap_msg *x = &is->chunk[i];

		if (!x->meta || x->size > SOURCE_MAX_MESSAGE)
			continue;
		if (n > 0 && bytes + x->size > IMAP_FETCH_BYTES)
			break;
		x->asked = true;
		bytes += x->size;
		uids[n++] = x->uid;
	}
	rc = fetch(is, uids, n, true, "UID FETCH BODY.PEEK[]");
	free(uids);
	return rc;
}

/*
 * The end of a pass: one line instead of one per message (issue 19: a
 * mailbox re-read every 10 s gave 1,200 "already recorded" lines in
 * 32 s), and the count of passes in a row that left work undone.
 */
static void
pass_end(struct imap_source *is)
{
	bool bad = is->pass.failed > 0 || is->broken;

	is->ending = false;
	if (bad)
		is->fail_passes++;
	else {
		is->fail_passes = 0;
		is->fail_why[0] = '\0';
	}
	if (is->pass.fetched + is->pass.recorded + is->pass.acked +
	    is->pass.failed > 0 || bad)
		log_info("imap: %s: pass: %lu new, %lu already recorded, %lu "
		    "acknowledged, %lu ack failures%s", is->s.url,
		    is->pass.fetched, is->pass.recorded, is->pass.acked,
		    is->pass.failed, is->broken ? "; cut short (connection "
		    "lost)" : "");
	if (bad && is->fail_passes == SOURCE_FAIL_PASSES)
		log_warnx("imap: %s: %u passes in a row left messages "
		    "unacknowledged or unread: %s", is->s.url, is->fail_passes,
		    is->fail_why);
}

/* next()'s last answer of a pass: the pass ends now, or at flush()
 * when messages it handed out wait for their acknowledgement. */
static int
next_end(struct imap_source *is, int rc)
{
	if (is->handed > 0)
		is->ending = true;
	else
		pass_end(is);
	return rc;
}

static int
im_next(struct source *src, struct source_msg *m)
{
	struct imap_source *is = (struct imap_source *)src;
	struct imap_msg *x;

	memset(m, 0, sizeof(*m));
	for (;;) {
		if (is->ichunk == is->nchunk) {
			if (is->nextuid == is->nuids)
				return next_end(is, 0);
			if (is->s.imap == NULL) {
				is->broken = true;
				snprintf(is->fail_why, sizeof(is->fail_why),
				    "the connection was lost in the middle "
				    "of the pass");
				return next_end(is, -1);
			}
			if (load_chunk(is) == -1)
				return next_end(is, -1);
			continue;
		}
		x = &is->chunk[is->ichunk];
		if (x->meta && x->size <= SOURCE_MAX_MESSAGE && !x->asked &&
		    load_bodies(is) == -1)
			return next_end(is, -1);
		is->ichunk++;
		if (!x->meta || (x->size <= SOURCE_MAX_MESSAGE &&
		    x->buf == NULL)) {
			/* expunged by someone else since the SEARCH */
			log_debug("imap: %s: UID %" PRIu32 " vanished, skipped",
			    is->s.url, x->uid);
			continue;
		}
		break;
	}
	m->ref = xasprintf("%s/%" PRIu32 "/%" PRIu32, is->s.c->mailbox,
	    is->s.uidvalidity, x->uid);
	is->pass.fetched++;
	is->handed++;
	m->received_at = x->date;
	if (x->size > SOURCE_MAX_MESSAGE || x->len > SOURCE_MAX_MESSAGE) {
		m->error = xasprintf("larger than %u MiB",
		    SOURCE_MAX_MESSAGE >> 20);
		free(x->buf);
	} else {
		m->buf = x->buf;
		m->len = x->len;
	}
	x->buf = NULL;
	return 1;
}

/*
 * The UID of a reference we handed out, when it is of this mailbox and
 * its UIDVALIDITY is the current one: after a change a UID may name
 * another message, which we must not touch.
 */
static int
ref_uid(const struct imap_source *is, const char *ref, uint32_t *uid_r)
{
	const char *u = strrchr(ref, '/'), *v;
	unsigned long long uv, uid;
	char *end;

	if (u == NULL || u == ref)
		return -1;
	for (v = u - 1; v > ref && *v != '/'; v--)
		;
	if (*v != '/' || (size_t)(v - ref) != strlen(is->s.c->mailbox) ||
	    strncmp(ref, is->s.c->mailbox, (size_t)(v - ref)) != 0)
		return -1;
	uv = strtoull(v + 1, &end, 10);
	if (end != u || uv != is->s.uidvalidity)
		return -1;
	uid = strtoull(u + 1, &end, 10);
	if (*end != '\0' || uid == 0 || uid > UINT32_MAX)
		return -1;
	*uid_r = (uint32_t)uid;
	return 0;
}

/* UID STORE +FLAGS.SILENT (flags...): r of libetpan. */
static int
store_flags(struct imap_source *is, struct mailimap_set *set,
    const char *const *kw, bool seen, bool deleted)
{
	struct mailimap_flag_list *fl = mailimap_flag_list_new_empty();
	struct mailimap_store_att_flags *sa;
	int r;

	if (fl == NULL ||
	    (seen && mailimap_flag_list_add(fl, mailimap_flag_new_seen()) !=
	    MAILIMAP_NO_ERROR) ||
	    (deleted && mailimap_flag_list_add(fl,
	    mailimap_flag_new_deleted()) != MAILIMAP_NO_ERROR))
		fatalx("imap: out of memory");
	for (; kw != NULL && *kw != NULL; kw++)
		if (mailimap_flag_list_add(fl, mailimap_flag_new_flag_keyword(
		    xstrdup(*kw))) != MAILIMAP_NO_ERROR)
			fatalx("imap: out of memory");
	if ((sa = mailimap_store_att_flags_new_add_flags_silent(fl)) == NULL)
		fatalx("imap: out of memory");
	r = mailimap_uid_store(is->s.imap, set, sa);
	mailimap_store_att_flags_free(sa);
	return r;
}

/*
 * Out of the way into target: MOVE (RFC 6851) in one step; else COPY,
 * \Deleted and UID EXPUNGE of just that UID (RFC 4315 2.1) -- never a
 * plain EXPUNGE, which would also remove what other clients marked
 * \Deleted. Killed between COPY and EXPUNGE, the next pass copies the
 * message again (a duplicate in target, never a loss).
 */
static int
move_to(struct imap_source *is, struct mailimap_set *set, const char *target,
    enum imap_ack_kind kind, const char **what_r)
{
	int r;

	if (kind == IMAP_ACK_MOVE) {
		*what_r = "UID MOVE";
		return mailimap_uid_move(is->s.imap, set, target);
	}
	*what_r = "UID COPY";
	if ((r = mailimap_uid_copy(is->s.imap, set, target)) !=
	    MAILIMAP_NO_ERROR)
		return r;
	*what_r = "UID STORE +FLAGS (\\Deleted)";
	if ((r = store_flags(is, set, NULL, false, true)) != MAILIMAP_NO_ERROR)
		return r;
	*what_r = "UID EXPUNGE";
	return mailimap_uid_expunge(is->s.imap, set);
}

/*
 * Queues the acknowledgement: im_flush() acknowledges the batch's
 * messages with one command per kind (UID sets), after the batch's
 * commit like each single one would be.
 */
static int
im_ack(struct source *src, const struct source_msg *m, enum source_ack how)
{
	struct imap_source *is = (struct imap_source *)src;
	struct imap_acks *q = &is->acks[how == ACK_QUARANTINE ? 1 : 0];
	uint32_t uid;

	if (is->s.imap == NULL) {
		/* it stays unflagged: the next pass finds it recorded */
		log_debug("imap: %s: %s: not acknowledged, disconnected",
		    is->s.url, m->ref);
		is->pass.failed++;
		snprintf(is->fail_why, sizeof(is->fail_why), "the connection "
		    "was lost before the acknowledgement");
		return -1;
	}
	if (ref_uid(is, m->ref, &uid) == -1) {
		log_warnx("imap: %s: %s: not acknowledged: UIDVALIDITY is now "
		    "%" PRIu32 ", the message is looked for again", is->s.url,
		    m->ref, is->s.uidvalidity);
		return -1;
	}
	queue_uid(q, uid);
	return 0;
}

/* The high-water mark, and \Seen where it is kept (IMAP_ACK_*MARK). */
static int
ack_mark(struct imap_source *is, struct mailimap_set *set,
    const struct imap_acks *q, enum imap_ack_kind kind)
{
	size_t i;
	int r;

	for (i = 0; i < q->n; i++)
		if (q->uid[i] > is->mark)
			is->mark = q->uid[i];
	is->mark_uv = is->s.uidvalidity;
	if (kind != IMAP_ACK_SEEN_MARK)
		return MAILIMAP_NO_ERROR;
	/* \Seen is a courtesy for a person looking: the mark is ours */
	if ((r = store_flags(is, set, NULL, true, false)) != MAILIMAP_NO_ERROR &&
	    !imap_session_fatal(r))
		log_debug("imap: %s: UID STORE +FLAGS (\\Seen): %s", is->s.url,
		    imap_session_error(&is->s, r));
	return imap_session_fatal(r) ? r : MAILIMAP_NO_ERROR;
}

/*
 * One kind of acknowledgement for the queued UIDs, as imap_ack.h chose
 * at SELECT: 0, or -1. A refusal is a warning with the server's words
 * (issue 19 item 3) and counts for the pass; the messages stay and the
 * next pass acknowledges them without fetching them (skip_recorded()).
 */
static int
ack_set(struct imap_source *is, struct imap_acks *q, enum source_ack how)
{
	static const char *const done_kw[] = { KW_BOUNCED, NULL };
	static const char *const bad_kw[] = { KW_BOUNCED, KW_UNPARSABLE, NULL };
	enum imap_ack_kind *kind = how == ACK_DONE ? &is->s.ack_done :
	    &is->s.ack_quarantine;
	const char *target = how == ACK_DONE ? is->s.processed :
	    is->s.quarantine;
	const char *what = "UID STORE +FLAGS (\\Seen $Bounced)";
	struct mailimap_set *set;
	int r;

	if (q->n == 0)
		return 0;
	qsort(q->uid, q->n, sizeof(*q->uid), cmp_uid);
	set = uid_set(q->uid, q->n);
	switch (*kind) {
	case IMAP_ACK_MOVE:
	case IMAP_ACK_COPY_EXPUNGE:
		r = move_to(is, set, target, *kind, &what);
		break;
	case IMAP_ACK_KEYWORD:
		r = store_flags(is, set, how == ACK_DONE ? done_kw : bad_kw,
		    true, false);
		if (r == MAILIMAP_NO_ERROR || imap_session_fatal(r))
			break;
		/* PERMANENTFLAGS said keywords are kept (or said nothing,
		 * RFC 3501 7.1), the STORE says no: the mark from now on */
		log_warnx("imap: %s: %s: %s; PERMANENTFLAGS promised keywords: "
		    "acknowledging by %s from now on", is->s.url, what,
		    imap_session_error(&is->s, r),
		    imap_ack_name(IMAP_ACK_SEEN_MARK));
		*kind = IMAP_ACK_SEEN_MARK;
		/* FALLTHROUGH */
	case IMAP_ACK_SEEN_MARK:
	case IMAP_ACK_MARK:
		what = "UID STORE +FLAGS (\\Seen)";
		r = ack_mark(is, set, q, *kind);
		break;
	default:
		r = MAILIMAP_ERROR_PROTOCOL;
	}
	mailimap_set_free(set);
	if (r == MAILIMAP_NO_ERROR) {
		is->pass.acked += q->n;
		q->n = 0;
		return 0;
	}
	is->pass.failed += q->n;
	snprintf(is->fail_why, sizeof(is->fail_why), "%s%s%s: %s", what,
	    *kind <= IMAP_ACK_COPY_EXPUNGE ? " to " : "",
	    *kind <= IMAP_ACK_COPY_EXPUNGE ? target : "",
	    imap_session_error(&is->s, r));
	if (imap_session_fatal(r))
		imap_session_drop(&is->s, what, r);
	else
		log_warnx("imap: %s: %zu messages not acknowledged: %s",
		    is->s.url, q->n, is->fail_why);
	q->n = 0;
	return -1;
}

static void
im_flush(struct source *src)
{
	struct imap_source *is = (struct imap_source *)src;

	imap_session_leave_idle(&is->s); /* not in a pass: never, but */
	is->handed = 0;
	if (is->s.imap == NULL) {
		is->pass.failed += is->acks[0].n + is->acks[1].n;
		is->acks[0].n = is->acks[1].n = 0;
	} else {
		if (ack_set(is, &is->acks[0], ACK_DONE) == 0 ||
		    is->s.imap != NULL)
			(void)ack_set(is, &is->acks[1], ACK_QUARANTINE);
		/* the connection lost by the first: the second's count */
		is->pass.failed += is->acks[1].n;
		is->acks[0].n = is->acks[1].n = 0;
	}
	if (is->ending)
		pass_end(is);
}

static void
im_attach(struct source *src, struct store *st)
{
	struct imap_source *is = (struct imap_source *)src;

	is->st = st;
}

static const char *
im_failing(struct source *src, unsigned *passes_r)
{
	struct imap_source *is = (struct imap_source *)src;

	*passes_r = is->fail_passes;
	return is->fail_passes > 0 ? is->fail_why : NULL;
}

static int
im_arm(struct source *src, int64_t now_ms, int64_t *wake_ms)
{
	struct imap_source *is = (struct imap_source *)src;

	return imap_session_arm(&is->s, now_ms, wake_ms);
}

static void
im_drain(struct source *src)
{
	struct imap_source *is = (struct imap_source *)src;

	/* anything at all (EXISTS, EXPUNGE, a keep-alive) means "search
	 * again"; DONE's tagged answer reads what came */
	imap_session_leave_idle(&is->s);
}

static const char *
im_describe(struct source *src)
{
	struct imap_source *is = (struct imap_source *)src;

	return imap_session_describe(&is->s, is->desc, sizeof(is->desc));
}

static void
im_free(struct source *src)
{
	struct imap_source *is = (struct imap_source *)src;

	pass_clear(is);
	free(is->chunk);
	free(is->acks[0].uid);
	free(is->acks[1].uid);
	imap_session_deinit(&is->s);
	free(is);
}

static const struct source_ops imap_ops = {
	.name = "imap",
	.same_thread = true,
	.arm = im_arm,
	.drain = im_drain,
	.scan = im_scan,
	.next = im_next,
	.ack = im_ack,
	.flush = im_flush,
	.describe = im_describe,
	.free = im_free,
	.attach = im_attach,
	.failing = im_failing,
};

static struct source *
imap_new(const struct config_imap *conf, char *mailbox, bool sent,
    unsigned batch_size, bool once)
{
	struct imap_source *is;

	if (conf->host == NULL || conf->user == NULL ||
	    conf->password_file == NULL) {
		log_warnx("imap: host, user and password_file are required");
		return NULL;
	}
	is = xcalloc(1, sizeof(*is));
	is->src.ops = &imap_ops;
	is->batch = batch_size > 0 ? batch_size : 1;
	is->conf = *conf;
	is->sent = sent;
	if (sent) {
		is->conf.mailbox = mailbox;
		is->conf.processed_mailbox = NULL;
		is->conf.quarantine_mailbox = NULL;
	}
	imap_session_init(&is->s, &is->conf);
	is->s.once = once;
	return &is->src;
}

struct source *
imap_source_new(const struct config_imap *conf, unsigned batch_size,
    bool once)
{
	return imap_new(conf, NULL, false, batch_size, once);
}

struct source *
imap_sent_source_new(const struct config_imap *conf, char *mailbox,
    unsigned batch_size, bool once)
{
	return imap_new(conf, mailbox, true, batch_size, once);
}
