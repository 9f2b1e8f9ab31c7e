/*
 * The resend worker: due rows of the resends queue -> the original (kept
 * from the bounce, or resend.spool) -> a resent block prepended (RFC 5322
 * 3.6.6) -> one SMTP transaction to the one failed recipient -> the
 * outcome recorded. See resend.h.
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "classify/classify.h"
#include "common/log.h"
#include "common/readfile.h"
#include "common/strutil.h"
#include "common/xmalloc.h"
#include "mail/resent.h"
#include "notify.h"
#include "pipeline.h"
#include "resend.h"
#include "smtp.h"

/*
 * RFC 5322 3.6.4 msg-id characters we accept in a spool file name: atext
 * and '.', '@' -- never '/', and no leading '.' (no "..", no hidden
 * files): the id comes from a bounce anyone can send.
 */
static bool
spool_name_ok(const char *s)
{
	if (*s == '\0' || *s == '.')
		return false;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) &&
		    strchr("!#$%&'*+-=?^_`{|}~.@", *s) == NULL)
			return false;
	return true;
}

int
resend_spool_find(const char *spool, const char *msgid,
    unsigned char **buf_r, size_t *len_r)
{
	static const char *const suffix[] = { "", ".eml" };
	char id[1000], path[4096], got[1000];
	const char *err;
	size_t i, n;

	if (spool == NULL || msgid == NULL)
		return 0;
	/* the raw field value: <>, and blanks left by unfolding, go */
	for (n = 0; *msgid != '\0' && *msgid != '>'; msgid++)
		if (*msgid != '<' && *msgid != ' ' && *msgid != '\t') {
			if (n + 1 >= sizeof(id))
				return 0;
			id[n++] = *msgid;
		}
	id[n] = '\0';
	if (!spool_name_ok(id)) {
		log_warnx("resend: spool: Message-ID %s is no file name; not "
		    "looked up", id);
		return 0;
	}
	for (i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s%s", spool, id, suffix[i]);
		if (readfile(path, buf_r, len_r, &err) == -1) {
			if (errno != ENOENT) {
				log_warnx("resend: spool: %s: %s", path, err);
				return -1;
			}
			continue;
		}
		if (resent_message_id((const char *)*buf_r, *len_r, got,
		    sizeof(got)) != NULL && strcmp(got, id) == 0)
			return 1;
		log_warnx("resend: spool: %s: its Message-ID is not <%s>; "
		    "not resent", path, id);
		free(*buf_r);
		*buf_r = NULL;
		return 0;
	}
	return 0;
}

static int
record(struct store *st, const struct store_resend *rs,
    struct store_resend_attempt *a)
{
	a->resend = rs->id;
	if (store_resend_record(st, a) == -1) {
		log_warnx("store: resend %lld: %s", (long long)rs->id,
		    store_error(st));
		return -1;
	}
	return 0;
}

/*
 * The address is refused, as a hard bounce would say, without another
 * confirming resend (ev.final): our relay answered 5xx for it (issue 5:
 * "failed on 5xx, recipient state updated"; the reason is what the
 * reply's RFC 3463 code implies), or a confirming resend
 * (confirm_hard_bounce) could not be sent at all, so the hard bounce it
 * was to confirm stands.
 */
static int
recipient_hard(struct store *st, const struct config *conf,
    const struct store_resend *rs, const char *reply, int64_t now)
{
	struct store_recipient r;
	struct policy_event ev = { .action = "failed",
		.cls = CLASS_PERMANENT, .hard = true, .at = now,
		.final = true };
	struct policy_result pr;
	char status[16] = "";
	enum reason why = REASON_COUNT;

	if (reply != NULL)
		find_status_code(reply, strlen(reply), status);
	if (status[0] != '\0')
		why = status_reason(status);
	ev.reason = why != REASON_COUNT ? reason_name(why) :
	    reply == NULL && rs->reason[0] != '\0' ? rs->reason :
	    reason_name(REASON_REJECTED);
	ev.status = status[0] != '\0' ? status : "5.0.0";
	return pipeline_recipient(st, conf, rs->recipient, &ev, now, &r, &pr);
}

/*
 * Records an outcome that ends the resend without a delivery; for a
 * confirming resend the address is then suppressed (recipient_hard()),
 * in the same transaction.
 */
static int
record_end(struct store *st, const struct config *conf,
    const struct store_resend *rs, struct store_resend_attempt *a,
    const char *reply)
{
	if (strcmp(rs->kind, "confirm") != 0 &&
	    strcmp(a->outcome, "failed") != 0)
		return record(st, rs, a);
	if (store_begin(st) == -1)
		return -1;
	if (record(st, rs, a) == -1 ||
	    recipient_hard(st, conf, rs, reply, a->at) == -1) {
		store_rollback(st);
		return -1;
	}
	return store_commit(st);
}

/* The bytes to resend: kept from the bounce, else from resend.spool. */
static int
original(struct store *st, const struct config *conf,
    const struct store_resend *rs, unsigned char **buf_r, size_t *len_r)
{
	int rc;

	if (rs->original != 0) {
		rc = store_resend_original(st, rs->original, buf_r, len_r);
		if (rc == -1)
			log_warnx("store: resend %lld: %s", (long long)rs->id,
			    store_error(st));
		if (rc != 0)
			return rc;
	}
	if (rs->original_message_id[0] == '\0')
		return 0;
	return resend_spool_find(conf->resend.spool, rs->original_message_id,
	    buf_r, len_r);
}

/*
 * Return-Path is written by the final delivery (RFC 5321 4.4) and an
 * MTA's copy in a free-text bounce keeps it: a resent message starts
 * without one. Returns where the message proper begins in buf.
 */
static size_t
skip_return_path(const unsigned char *buf, size_t len)
{
	size_t i = 0;

	while (len - i >= 12 && strncasecmp((const char *)buf + i,
	    "Return-Path:", 12) == 0) {
		do { /* the field and its folded lines */
			const unsigned char *nl = memchr(buf + i, '\n',
			    len - i);

			if (nl == NULL)
				return 0; /* a header and nothing else: keep */
			i = (size_t)(nl - buf) + 1;
		} while (i < len && (buf[i] == ' ' || buf[i] == '\t'));
	}
	return i;
}

static const char *
domain_of(const char *addr)
{
	const char *at = strrchr(addr, '@');

	return at != NULL ? at + 1 : "localhost";
}

/* One due resend: 0 (its outcome recorded), or -1 (database). */
static int
attempt(struct store *st, const struct config *conf,
    const struct store_resend *rs, int64_t now, struct resend_counts *c)
{
	const struct config_resend *rc = &conf->resend;
	struct store_resend_attempt a = { .at = now };
	struct store_recipient r;
	struct smtp_result res;
	unsigned char *buf = NULL;
	char id[160], mid[200];
	char *msg;
	size_t len, mlen, skip;
	int found, rcode;

	/* never to an address suppressed meanwhile (by a bounce or a
	 * person) */
	if ((found = store_recipient_get(st, rs->recipient, &r)) == -1)
		return -1;
	if (found == 1 && r.state == STATE_SUPPRESSED) {
		if (store_resend_cancel(st, rs->id, now) == -1)
			return -1;
		log_info("resend %lld: %s is suppressed: cancelled",
		    (long long)rs->id, rs->recipient);
		c->cancelled++;
		return 0;
	}
	if (rs->attempts >= rc->max_attempts ||
	    now - rs->created_at > (int64_t)rc->max_age) {
		a.outcome = "gave_up";
		a.reply = rs->attempts >= rc->max_attempts ?
		    "resend.max_attempts reached" : "older than resend.max_age";
		log_info("resend %lld: %s: gave up: %s", (long long)rs->id,
		    rs->recipient, a.reply);
		c->gave_up++;
		return record_end(st, conf, rs, &a, NULL);
	}
	if ((rcode = original(st, conf, rs, &buf, &len)) == -1)
		return -1;
	if (rcode == 0) {
		a.outcome = "cannot_resend";
		a.reply = rs->original != 0 ? "the stored original is gone" :
		    rc->spool == NULL ? "the bounce did not return the whole "
		    "original and resend.spool is not set" : "the bounce did "
		    "not return the whole original and resend.spool has no "
		    "copy";
		log_info("resend %lld: %s: cannot resend: %s",
		    (long long)rs->id, rs->recipient, a.reply);
		c->cannot++;
		return record_end(st, conf, rs, &a, NULL);
	}
	/* RFC 5322 3.6.4: unique; ours, so the bounce of this copy is
	 * found again (store_resend_find_sent()) */
	snprintf(id, sizeof(id), "resend.%lld.%lld.%lld@%s",
	    (long long)rs->id, (long long)rs->attempts + 1, (long long)now,
	    domain_of(rc->from));
	snprintf(mid, sizeof(mid), "<%s>", id);
	skip = skip_return_path(buf, len);
	msg = resent_compose((const char *)buf + skip, len - skip, rc->from,
	    now, id, &mlen);
	free(buf);
	smtp_send(&rc->smtp, rc->from, rs->recipient, msg, mlen,
	    notify_watchdog, &res);
	free(msg);
	notify_watchdog();
	a.reply_code = res.code;
	a.reply = res.reply;
	a.counts = res.outcome != SMTP_CONFIG;
	switch (res.outcome) {
	case SMTP_SENT:
		a.outcome = "sent";
		a.resent_message_id = mid;
		c->sent++;
		log_info("resend %lld: %s: sent as %s: %d %s",
		    (long long)rs->id, rs->recipient, mid, res.code, res.reply);
		return record(st, rs, &a);
	case SMTP_FAILED:
		a.outcome = "failed";
		c->failed++;
		log_info("resend %lld: %s: refused: %d %s", (long long)rs->id,
		    rs->recipient, res.code, res.reply);
		return record_end(st, conf, rs, &a, res.reply);
	case SMTP_DEFERRED:
	case SMTP_CONFIG:
		break;
	}
	if (res.outcome == SMTP_CONFIG)
		log_warnx("resend: %s:%u: %s (fix the configuration; resends "
		    "wait meanwhile)", rc->smtp.host, rc->smtp.port, res.reply);
	if (a.counts && rs->attempts + 1 >= rc->max_attempts) {
		a.outcome = "gave_up";
		c->gave_up++;
		log_info("resend %lld: %s: gave up after %lld attempts: %s",
		    (long long)rs->id, rs->recipient,
		    (long long)rs->attempts + 1, res.reply);
		return record_end(st, conf, rs, &a, NULL);
	}
	a.outcome = "deferred";
	a.next_at = now + policy_resend_delay(rc, (unsigned)rs->attempts +
	    (a.counts ? 1 : 0), 0, arc4random());
	c->deferred++;
	log_info("resend %lld: %s: deferred until +%llds: %d %s",
	    (long long)rs->id, rs->recipient, (long long)(a.next_at - now),
	    res.code, res.reply);
	return record(st, rs, &a);
}

const char *
resend_counts_text(const struct resend_counts *c, char *buf, size_t len)
{
	snprintf(buf, len, "resends: %llu sent, %llu deferred, %llu failed, "
	    "%llu gave up, %llu cannot, %llu cancelled",
	    (unsigned long long)c->sent, (unsigned long long)c->deferred,
	    (unsigned long long)c->failed, (unsigned long long)c->gave_up,
	    (unsigned long long)c->cannot, (unsigned long long)c->cancelled);
	return buf;
}

int
resend_run(struct store *st, const struct config *conf, int64_t now,
    struct resend_counts *c, int64_t *next_r)
{
	struct store_resend due[RESEND_PER_RUN];
	size_t i, n = 0;
	int rc;

	*next_r = 0;
	if (store_resend_due(st, now, due, RESEND_PER_RUN, &n) == -1) {
		log_warnx("store: resends: %s", store_error(st));
		return -1;
	}
	for (i = 0; i < n; i++)
		if (attempt(st, conf, &due[i], now, c) == -1) {
			log_warnx("store: resend %lld: %s",
			    (long long)due[i].id, store_error(st));
			return -1;
		}
	if (n == RESEND_PER_RUN) {
		*next_r = now; /* more are due: come back at once */
		return 0;
	}
	if ((rc = store_resend_next_at(st, next_r)) == -1) {
		log_warnx("store: resends: %s", store_error(st));
		return -1;
	}
	if (rc == 0)
		*next_r = 0;
	return 0;
}
