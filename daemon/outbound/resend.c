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
#include "mail/sent.h"
#include "daemon/daemon.h"
#include "daemon/notify.h"
#include "daemon/pipeline.h"
#include "daemon/outbound/resend.h"
#include "daemon/outbound/smtp.h"

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

int
resend_record(struct store *st, const struct store_resend *rs,
    struct store_resend_attempt *a)
{
	int other = 0;
	struct store_resend cur;

	a->resend = rs->id;
	if (a->outcome != OUTCOME_BOUNCED) {
		/* the row as it is now: a person may have cancelled it */
		if (store_resend_get(st, rs->id, &cur) != 1)
			return -1;
		if (a->outcome == OUTCOME_DEFERRED &&
		    !lifecycle_resend_waiting(cur.state) &&
		    (other = store_resend_other_waiting(st, rs->id)) == -1)
			return -1;
		a->state = lifecycle_resend_state(cur.state, a->outcome,
		    other == 1, &a->requeue);
	}
	return store_resend_record(st, a);
}

static int
record(struct store *st, const struct store_resend *rs,
    struct store_resend_attempt *a)
{
	if (resend_record(st, rs, a) == -1) {
		log_warnx("store: resend %lld: %s", (long long)rs->id,
		    store_error(st));
		return -1;
	}
	return 0;
}

/*
 * The address is refused, as a hard bounce would say, without another
 * confirming resend (final): our relay answered 5xx for it (issue 5:
 * "failed on 5xx, recipient state updated"; the reason is what the
 * reply's RFC 3463 code implies), or a confirming resend
 * (confirm_hard_bounce) could not be sent at all, so the hard bounce it
 * was to confirm stands. Our own relay's answer is proof enough.
 */
static int
recipient_hard(struct store *st, const struct config *conf,
    const struct store_resend *rs, const char *reply, int64_t now)
{
	struct recipient r;
	struct lc_bounce b = { .action = ACTION_FAILED,
		.cls = CLASS_PERMANENT, .hard = true, .at = now,
		.final = true, .auth = AUTH_VERIFIED_SENT };
	struct lc_result res;
	struct store_event_new e;
	enum outbox_kind kind;
	char status[16] = "";
	enum reason why = REASON_COUNT;

	if (reply != NULL)
		find_status_code(reply, strlen(reply), status);
	if (status[0] != '\0')
		why = status_reason(status);
	b.reason = why != REASON_COUNT ? why :
	    reply == NULL && rs->reason != REASON_UNDEFINED ? rs->reason :
	    REASON_REJECTED;
	b.status = status[0] != '\0' ? status : "5.0.0";
	if (pipeline_recipient(st, conf, rs->recipient, &b, now, &r, &res,
	    &kind) == -1)
		return -1;
	if (kind == OUTBOX_NONE)
		return 0;
	/* the outbox, in this transaction (record_end()) */
	e = (struct store_event_new){ .kind = kind,
		.source = OUTBOX_FROM_RESEND, .address = rs->recipient,
		.at = now, .state = r.state, .reason = b.reason,
		.status = b.status, .diagnostic = reply,
		.message = rs->message, .resend = rs->id,
		.original_message_id = rs->original_message_id };
	return store_event_add(st, &e, NULL);
}

/*
 * Records an outcome; when the lifecycle says the address is refused,
 * the recipient is suppressed (recipient_hard()) in the same
 * transaction.
 */
static int
record_end(struct store *st, const struct config *conf,
    const struct store_resend *rs, struct store_resend_attempt *a,
    const struct lc_resend_result *res, const char *reply)
{
	if (!res->address_hard)
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

/*
 * Whether a spool copy may go to rcpt: it must name the address in its
 * own recipient fields, as the sent record would (sent_parse()). A
 * bounce names the Message-ID; only our copy says to whom it went.
 */
static bool
spool_lists(const unsigned char *buf, size_t len, const char *rcpt)
{
	struct sent_info si;
	bool yes = false;
	size_t i;

	if (sent_parse(buf, len, &si) == -1)
		return false;
	for (i = 0; i < si.nrcpts && !yes; i++)
		yes = strcmp(si.rcpts[i], rcpt) == 0;
	sent_info_free(&si);
	return yes;
}

/*
 * Our copy of the original: the sent record's, else resend.spool's when
 * it lists the recipient. Never what a bounce returned: a bounce is
 * anyone's message (docs/SECURITY.md). 1 and a malloc'd copy, 0 and
 * *why_r when there is none, -1 (database).
 */
static int
our_copy(struct store *st, const struct config *conf,
    const struct store_resend *rs, unsigned char **buf_r, size_t *len_r,
    const char **why_r)
{
	int rc;

	*why_r = NULL;
	if (rs->sent != 0) {
		if ((rc = store_sent_body(st, rs->sent, buf_r, len_r)) != 0)
			return rc;
		*why_r = "our copy in the sent record is gone (sent.keep)";
	}
	if (rs->original_message_id[0] == '\0') {
		if (*why_r == NULL)
			*why_r = "the bounce names no original Message-ID";
		return 0;
	}
	if ((rc = resend_spool_find(conf->resend.spool,
	    rs->original_message_id, buf_r, len_r)) != 1) {
		if (rc == 0 && *why_r == NULL)
			*why_r = conf->resend.spool == NULL ? "no copy in the "
			    "sent record and resend.spool is not set" :
			    "no copy in the sent record or resend.spool";
		return rc;
	}
	if (spool_lists(*buf_r, *len_r, rs->recipient))
		return 1;
	free(*buf_r);
	*buf_r = NULL;
	*why_r = "the spool's copy does not list the recipient";
	return 0;
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

static enum lc_delivery
delivery_of(enum smtp_outcome o)
{
	switch (o) {
	case SMTP_SENT:
		return DELIVERY_SENT;
	case SMTP_FAILED:
		return DELIVERY_REFUSED;
	case SMTP_CONFIG:
		return DELIVERY_CONFIG;
	case SMTP_DEFERRED:
		break;
	}
	return DELIVERY_DEFERRED;
}

/* What the worker decides from: the row, the recipient, the rates. */
static int
due_step(struct store *st, const struct config_resend *rc,
    const struct store_resend *rs, int64_t now, struct lc_resend *lr,
    int64_t *at_r, const char **why_r, enum resend_step *step_r)
{
	struct recipient r;
	struct lc_rate rate;
	int found;

	if ((found = store_recipient_get(st, rs->recipient, &r)) == -1 ||
	    store_resend_sent_since(st, now - 3600, domain_of(rs->recipient),
	    &rate.hour, &rate.domain_hour) == -1)
		return -1;
	*lr = (struct lc_resend){ rs->kind, rs->state, rs->reason,
		rs->attempts, rs->created_at };
	*step_r = lifecycle_resend_due(rc, lr, found == 1 &&
	    r.state == STATE_SUPPRESSED, &rate, now, at_r, why_r);
	return 0;
}

/* One due resend: 0 (its outcome recorded), or -1 (database). */
static int
attempt(struct store *st, const struct config *conf, const struct verp *v,
    const struct store_resend *rs, int64_t now, struct resend_counts *c)
{
	const struct config_resend *rc = &conf->resend;
	struct store_resend_attempt a = { .at = now };
	struct lc_resend lr;
	struct lc_resend_result res;
	struct smtp_result sr;
	enum resend_step step;
	unsigned char *buf = NULL;
	char id[160], mid[200], from[VERP_PATH_MAX + 1];
	const char *why, *err;
	char *msg;
	size_t len, mlen, skip;
	int64_t at;
	int found;

	if (due_step(st, rc, rs, now, &lr, &at, &why, &step) == -1)
		return -1;
	switch (step) {
	case STEP_CANCEL:
		if (store_resend_cancel(st, rs->id, now) == -1)
			return -1;
		log_info("resend %lld: %s is suppressed: cancelled",
		    (long long)rs->id, rs->recipient);
		c->cancelled++;
		return 0;
	case STEP_POSTPONE:
		if (store_resend_postpone(st, rs->id, at) == -1)
			return -1;
		log_info("resend %lld: %s: waits %llds: %s", (long long)rs->id,
		    rs->recipient, (long long)(at - now), why);
		c->postponed++;
		return 0;
	case STEP_GIVE_UP:
		lifecycle_resend_end(&lr, OUTCOME_GAVE_UP, &res);
		a.outcome = res.outcome;
		a.reply = why;
		log_info("resend %lld: %s: gave up: %s", (long long)rs->id,
		    rs->recipient, why);
		c->gave_up++;
		return record_end(st, conf, rs, &a, &res, NULL);
	case STEP_SEND:
		break;
	}
	if ((found = our_copy(st, conf, rs, &buf, &len, &why)) == -1)
		return -1;
	if (found == 0) {
		lifecycle_resend_end(&lr, OUTCOME_CANNOT, &res);
		a.outcome = res.outcome;
		a.reply = why;
		log_info("resend %lld: %s: cannot resend: %s",
		    (long long)rs->id, rs->recipient, why);
		c->cannot++;
		return record_end(st, conf, rs, &a, &res, NULL);
	}
	/* RFC 5322 3.6.4: unique; ours, so the bounce of this copy is
	 * found again (store_resend_find_sent()) */
	snprintf(id, sizeof(id), "resend.%lld.%lld.%lld@%s",
	    (long long)rs->id, (long long)rs->attempts + 1, (long long)now,
	    domain_of(rc->from));
	snprintf(mid, sizeof(mid), "<%s>", id);
	/* its bounce comes back to a signed return path for the recipient,
	 * so that it is believed (docs/VERP.md); Resent-From stays ours */
	if (v == NULL ||
	    verp_sign(v, rs->recipient, now, from, sizeof(from), &err) == -1)
		snprintf(from, sizeof(from), "%s", rc->from);
	skip = skip_return_path(buf, len);
	msg = resent_compose((const char *)buf + skip, len - skip, rc->from,
	    now, id, &mlen);
	free(buf);
	smtp_send(&rc->smtp, from, rs->recipient, msg, mlen, notify_watchdog,
	    &sr);
	free(msg);
	notify_watchdog();
	/* the claim's end (store_resend_claim()): past it another daemon
	 * may have taken the row and sent it too */
	if (daemon_now() > rs->next_attempt_at)
		log_warnx("resend %lld: %s: the send outlasted its claim; "
		    "another daemon may have sent it as well (a slow relay? "
		    "resend.smtp.timeout)", (long long)rs->id, rs->recipient);
	lifecycle_resend_result(rc, &lr, delivery_of(sr.outcome), now,
	    arc4random(), &res);
	a.outcome = res.outcome;
	a.counts = res.counts;
	a.next_at = res.next_at;
	a.reply_code = sr.code;
	a.reply = sr.reply;
	if (sr.outcome == SMTP_CONFIG)
		log_warnx("resend: %s:%u: %s (fix the configuration; resends "
		    "wait meanwhile)", rc->smtp.host, rc->smtp.port, sr.reply);
	switch (res.outcome) {
	case OUTCOME_SENT:
		a.resent_message_id = mid;
		c->sent++;
		log_info("resend %lld: %s: sent as %s: %d %s",
		    (long long)rs->id, rs->recipient, mid, sr.code, sr.reply);
		break;
	case OUTCOME_FAILED:
		c->failed++;
		log_info("resend %lld: %s: refused: %d %s", (long long)rs->id,
		    rs->recipient, sr.code, sr.reply);
		break;
	case OUTCOME_GAVE_UP:
		c->gave_up++;
		log_info("resend %lld: %s: gave up after %lld attempts: %s",
		    (long long)rs->id, rs->recipient,
		    (long long)rs->attempts + 1, sr.reply);
		break;
	case OUTCOME_DEFERRED:
		c->deferred++;
		log_info("resend %lld: %s: deferred until +%llds: %d %s",
		    (long long)rs->id, rs->recipient,
		    (long long)(a.next_at - now), sr.code, sr.reply);
		break;
	case OUTCOME_CANNOT:
	case OUTCOME_BOUNCED:
	case OUTCOME_COUNT:
		break;
	}
	return record_end(st, conf, rs, &a, &res, res.address_hard ?
	    sr.reply : NULL);
}

const char *
resend_counts_text(const struct resend_counts *c, char *buf, size_t len)
{
	snprintf(buf, len, "resends: %llu sent, %llu deferred, %llu failed, "
	    "%llu gave up, %llu cannot, %llu cancelled, %llu rate-limited",
	    (unsigned long long)c->sent, (unsigned long long)c->deferred,
	    (unsigned long long)c->failed, (unsigned long long)c->gave_up,
	    (unsigned long long)c->cannot, (unsigned long long)c->cancelled,
	    (unsigned long long)c->postponed);
	return buf;
}

/*
 * The next due row, claimed for this daemon until the lease ends (issue
 * 18 item 2): 1 and *rs, 0 when none is due (or another daemon took it
 * first), -1 (database, logged). A read first: a claim is a write
 * transaction (SQLite's write lock), and the loop asks whenever another
 * connection committed.
 */
static int
claim_next(struct store *st, int64_t now, int64_t lease,
    struct store_resend *rs)
{
	int64_t at = 0, t = daemon_now();
	size_t n = 0;
	int rc;

	if ((rc = store_resend_next_at(st, &at)) == 0 || (rc == 1 && at > now))
		return 0;
	if (rc == -1 || store_resend_claim(st, now,
	    (t > now ? t : now) + lease, rs, 1, &n) == -1) {
		log_warnx("store: resends: %s", store_error(st));
		return -1;
	}
	return n == 1;
}

int
resend_run(struct store *st, const struct config *conf, const struct verp *v,
    int64_t now, struct resend_counts *c, int64_t *next_r)
{
	struct store_resend rs;
	int64_t lease = lifecycle_claim_lease(conf->resend.smtp.timeout,
	    SMTP_WAITS_MAX);
	size_t i;
	int rc;

	*next_r = 0;
	/*
	 * Each due row is claimed before it is sent, one at a time, so
	 * that a claim lasts one send: another daemon on the database
	 * takes other rows, and a row whose sender died is due again
	 * after the lease. Nothing is held while sending.
	 */
	for (i = 0; i < RESEND_PER_RUN; i++) {
		if ((rc = claim_next(st, now, lease, &rs)) == -1)
			return -1;
		if (rc == 0)
			break;
		if (attempt(st, conf, v, &rs, now, c) == -1) {
			log_warnx("store: resend %lld: %s", (long long)rs.id,
			    store_error(st));
			return -1;
		}
	}
	if (i == RESEND_PER_RUN) {
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
