/* From one message's bytes to rows in the open batch (pipeline.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify/classify.h"
#include "common/log.h"
#include "common/sha256.h"
#include "common/xmalloc.h"
#include "mail/report_verp.h"
#include "mail/resent.h"
#include "pipeline.h"
#include "policy.h"

const char *
pipeline_counts_text(const struct pipeline_counts *c, char *buf, size_t len)
{
	snprintf(buf, len, "%llu messages (%llu bounces, %llu not bounce, "
	    "%llu unparsable, %llu already recorded; %llu recipients, "
	    "%llu suppressed, %llu resends queued)",
	    (unsigned long long)c->messages, (unsigned long long)c->bounces,
	    (unsigned long long)c->not_bounces,
	    (unsigned long long)c->unparsable,
	    (unsigned long long)c->duplicates,
	    (unsigned long long)c->recipients,
	    (unsigned long long)c->suppressed, (unsigned long long)c->resends);
	return buf;
}

void
pipeline_init(struct pipeline *p, struct store *st, const struct config *conf)
{
	memset(p, 0, sizeof(*p));
	p->st = st;
	p->conf = conf;
	pipeline_verp_load(p, conf);
}

void
pipeline_deinit(struct pipeline *p)
{
	free(p->log);
	explicit_bzero(p->verp_key, sizeof(p->verp_key));
	memset(p, 0, sizeof(*p));
}

void
pipeline_verp_load(struct pipeline *p, const struct config *conf)
{
	const char *why;

	explicit_bzero(p->verp_key, sizeof(p->verp_key));
	p->verp_key_len = 0;
	if (conf->verp.address == NULL)
		return;
	if (config_verp_key(&conf->verp, p->verp_key, sizeof(p->verp_key),
	    &p->verp_key_len, &why) == -1) {
		p->verp_key_len = 0;
		log_warnx("verp: %s: %s: signed return paths are not checked",
		    conf->verp.key_file, why);
	}
}

/*
 * Whose signed return path the bounce came back to (mail/report_verp.h),
 * into p->verp, logged at debug level. The recipient state uses it only
 * to let an ARF not-spam lift a complaint (policy.h): the rest waits for
 * issue 13's lifecycle step.
 */
static void
check_verp(struct pipeline *p, const struct report *rep, const char *ref,
    int64_t now)
{
	struct verp v = { p->conf->verp.address,
		(const unsigned char *)p->verp_key, p->verp_key_len,
		p->conf->verp.max_age / 86400 };
	struct report_verp *rv = &p->verp;

	memset(rv, 0, sizeof(*rv));
	rv->result = VERP_NONE;
	if (p->verp_key_len == 0)
		return;
	report_verp(rep, &v, now, rv);
	if (rv->result == VERP_VALID || rv->result == VERP_EXPIRED)
		log_debug("%s: verp: %s in %s: %s, signed %u days ago", ref,
		    verp_result_name(rv->result), rv->field, rv->rcpt, rv->age);
	else if (rv->result == VERP_FORGED)
		log_debug("%s: verp: forged in %s", ref, rv->field);
	else
		log_debug("%s: verp: none", ref);
}

/* Holds one info line until the batch's fate is known. */
static void BD_PRINTF(2, 3)
hold(struct pipeline *p, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	if (p->loglen + (size_t)n + 1 > p->logcap) {
		p->logcap = (p->loglen + (size_t)n + 1) * 2;
		p->log = xreallocarray(p->log, p->logcap, 1);
	}
	memcpy(p->log + p->loglen, line, (size_t)n);
	p->loglen += (size_t)n;
	p->log[p->loglen++] = '\0';
}

static int
db_fail(struct pipeline *p, const char *what)
{
	/* busy is another writer (bouncectl suppress, a second daemon)
	 * holding the database past the busy timeout: it passes */
	log_warnx("store: %s: %s%s", what, store_error(p->st),
	    store_error_busy(p->st) ? " (another writer holds the database; "
	    "retrying)" : "");
	return -1;
}

int
pipeline_begin(struct pipeline *p)
{
	memset(&p->batch, 0, sizeof(p->batch));
	p->loglen = 0;
	if (store_begin(p->st) == -1)
		return db_fail(p, "begin");
	return 0;
}

int
pipeline_end(struct pipeline *p, int commit)
{
	struct pipeline_counts *b = &p->batch, *t = &p->total;
	size_t off;

	if (!commit || store_commit(p->st) == -1) {
		if (commit)
			db_fail(p, "commit");
		store_rollback(p->st);
		p->loglen = 0;
		return commit ? -1 : 0;
	}
	for (off = 0; off < p->loglen; off += strlen(p->log + off) + 1)
		log_info("%s", p->log + off);
	p->loglen = 0;
	t->messages += b->messages, t->bounces += b->bounces;
	t->not_bounces += b->not_bounces, t->unparsable += b->unparsable;
	t->duplicates += b->duplicates, t->recipients += b->recipients;
	t->suppressed += b->suppressed, t->resends += b->resends;
	return 0;
}

static const char *
or_dash(const char *s)
{
	return s != NULL && *s != '\0' ? s : "-";
}

int
pipeline_recipient(struct store *st, const struct config *conf,
    const char *address, const struct policy_event *ev, int64_t now,
    struct store_recipient *r, struct policy_result *res)
{
	int found;

	memset(r, 0, sizeof(*r));
	if ((found = store_recipient_get(st, address, r)) == -1)
		return -1;
	if (found == 0)
		snprintf(r->address, sizeof(r->address), "%s", address);
	policy_apply(&conf->policy, &conf->resend, r, found == 1, ev, now,
	    res);
	if (res->write && store_recipient_put(st, r) == -1)
		return -1;
	return 0;
}

/*
 * A resend for the recipient, with the returned original when it came
 * back whole (stored once per content), else none: resend.spool is asked
 * when it is due. Returns 0 or -1 (logged).
 */
static int
schedule_resend(struct pipeline *p, const struct prepared *pm,
    const struct store_bounce *b, const struct policy_result *res,
    int64_t bounce_msg, int64_t now)
{
	struct store_resend_new rn = { .recipient = b->recipient,
		.original_message_id = b->original_message_id,
		.message = bounce_msg, .reason = b->reason,
		.kind = res->confirm ? "confirm" : "transient",
		.next_at = res->resend_at, .now = now };
	const char *orig, *why;
	size_t olen;
	int64_t id;
	int added;

	/* the store hashes it, only when no resend waits for the pair */
	if (resent_original(pm->rep, &orig, &olen, &why))
		rn.original = orig, rn.original_len = olen;
	if ((added = store_resend_add(p->st, &rn, &id)) == -1)
		return db_fail(p, "resend");
	p->batch.resends += (uint64_t)added;
	return 0;
}

/* The recipient's row, the policy, the row back, a resend. */
static int
apply_policy(struct pipeline *p, const struct prepared *pm,
    const struct store_bounce *b, const struct verdict *v,
    const char *diagnostic, bool linked, int64_t bounce_msg, int64_t now)
{
	struct store_recipient r;
	struct policy_event ev = { .reason = b->reason, .status = b->status,
		.action = b->action, .cls = v->cls, .hard = v->hard,
		.at = b->at, .rnd = arc4random(),
		.feedback_type = b->feedback_type,
		.verified = p->verp.result == VERP_VALID &&
			    strcmp(p->verp.rcpt, b->recipient) == 0 };
	struct policy_result res;
	char buf[64];

	/* only a transient failure's first delay follows the server's hint */
	if (v->cls == CLASS_TRANSIENT)
		ev.retry_hint = resent_retry_hint(diagnostic);
	if (pipeline_recipient(p->st, p->conf, b->recipient, &ev, now, &r,
	    &res) == -1)
		return db_fail(p, "recipient");
	if (res.effect == POLICY_SUPPRESSED)
		p->batch.suppressed++;
	/* a resend's own bounce went on with that resend (link_resend()):
	 * a new row would resend forever */
	if (res.resend && !linked &&
	    schedule_resend(p, pm, b, &res, bounce_msg, now) == -1)
		return -1;
	hold(p, "%s: %s %s %s: %s", or_dash(b->original_message_id),
	    b->recipient, or_dash(b->status), b->reason,
	    policy_effect_text(&p->conf->policy, &r, &res, buf, sizeof(buf)));
	return 0;
}

/*
 * Closing the loop (issue 5): a bounce of a copy we resent. Found by the
 * Resent-Message-ID we wrote, else by recipient and original Message-ID
 * among resends marked sent. The bounce is linked to the resend and
 * recorded once; the resend row goes on (deferred: one more attempt
 * when transient and attempts remain) or ends (failed when hard,
 * gave_up otherwise). A confirming resend ends either way: the policy
 * decides the address. Returns 1 when linked, 0 when the bounce is of
 * no resend of ours, -1 (logged).
 */
static int
link_resend(struct pipeline *p, const struct prepared *pm,
    const struct store_bounce *b, const struct verdict *v, int64_t bounce,
    int64_t msg, int64_t now)
{
	const struct config_resend *rc = &p->conf->resend;
	struct store_resend rs;
	struct store_resend_attempt a = { .at = now, .reply = b->diagnostic,
		.reply_code = b->reply_code };
	int found;

	if (b->action != NULL && strcmp(b->action, "failed") != 0)
		return 0; /* delayed, relayed: the resent copy is on its way */
	found = store_resend_find_sent(p->st, b->recipient,
	    report_utf8(pm->rep, pm->rep->original.resent_message_id),
	    b->original_message_id, &rs);
	if (found == -1)
		return db_fail(p, "resend");
	if (found == 0)
		return 0;
	if (store_bounce_link_resend(p->st, bounce, rs.id) == -1)
		return db_fail(p, "resend");
	a.resend = rs.id;
	a.outcome = "bounced";
	a.message = msg;
	if (store_resend_record(p->st, &a) == -1)
		return db_fail(p, "resend");
	a.message = 0;
	if (v->cls == CLASS_TRANSIENT && strcmp(rs.kind, "transient") == 0 &&
	    rs.attempts < rc->max_attempts &&
	    policy_resend_reason(rc, b->reason)) {
		a.outcome = "deferred";
		a.next_at = now + policy_resend_delay(rc,
		    (unsigned)rs.attempts, 0, arc4random());
	} else
		a.outcome = v->hard ? "failed" : "gave_up";
	if (store_resend_record(p->st, &a) == -1 ||
	    store_resend_get(p->st, rs.id, &rs) == -1)
		return db_fail(p, "resend");
	/* the row's state: gave_up when another resend already waits for
	 * the pair (docs/schema.md) */
	hold(p, "%s: %s: the resent copy (resend %lld) bounced: %s",
	    or_dash(b->original_message_id), b->recipient, (long long)rs.id,
	    rs.state);
	return 1;
}

static int
record_rcpt(struct pipeline *p, const struct prepared *pm, size_t i,
    int64_t msg, int64_t at, int64_t now)
{
	struct report *rep = pm->rep;
	const struct report_rcpt *r = &rep->rcpt[i];
	const struct verdict v = pm->v[i];
	struct store_bounce b;
	int64_t bounce;
	int linked;

	memset(&b, 0, sizeof(b));
	b.recipient = r->recipient != NULL ? r->recipient : "";
	b.action = classify_action(rep, r);
	b.status = v.status;
	b.reply_code = r->reply_code;
	b.reason = reason_name(v.reason);
	b.hard = v.hard;
	b.cls = class_name(v.cls);
	b.diagnostic = report_utf8(rep, r->diagnostic);
	b.remote_mta = report_utf8(rep, r->remote_mta);
	b.original_message_id = report_utf8(rep, rep->original.message_id);
	b.rule = v.rule;
	b.family = rep->family;
	b.original_recipient = report_utf8(rep, r->original_recipient);
	if (r->stage != STAGE_UNKNOWN) {
		b.stage = stage_name(r->stage);
		b.stage_source = stage_source_name(r->stage_by);
	}
	b.layer = decision_layer_name(v.layer);
	b.feedback_type = rep->kind == REPORT_FEEDBACK ?
	    report_utf8(rep, r->feedback_type != NULL ? r->feedback_type :
							"abuse") :
	    NULL;
	b.at = at;
	if (store_bounce_add(p->st, msg, &b, &bounce) == -1)
		return db_fail(p, "bounce");
	p->batch.recipients++;
	if (b.recipient[0] == '\0') {
		hold(p, "%s: recipient unknown %s %s: recorded",
		    or_dash(b.original_message_id), or_dash(b.status), b.reason);
		return 0;
	}
	if ((linked = link_resend(p, pm, &b, &v, bounce, msg, now)) == -1)
		return -1;
	return apply_policy(p, pm, &b, &v, r->diagnostic, linked == 1, msg,
	    now);
}

static int
add_message(struct pipeline *p, struct store_message *sm, int64_t *id_r)
{
	if (store_message_add(p->st, sm, id_r) == -1)
		return db_fail(p, "message");
	return 0;
}

void
prepare_message(struct source_msg *m, int64_t now, struct prepared *pm)
{
	size_t i;

	memset(pm, 0, sizeof(*pm));
	pm->m = *m;
	memset(m, 0, sizeof(*m));
	m = &pm->m;
	if (m->error != NULL) {
		/* no bytes were read: the unique name stands for them */
		sha256_hex(m->ref, strlen(m->ref), pm->sha256);
		pm->error = m->error;
		return;
	}
	sha256_hex(m->buf, m->len, pm->sha256);
	if (report_parse(m->buf, m->len, &pm->rep, &pm->error) == 0) {
		pm->v = xcalloc(pm->rep->nrcpt, sizeof(*pm->v));
		for (i = 0; i < pm->rep->nrcpt; i++)
			classify_rcpt(pm->rep, &pm->rep->rcpt[i], (time_t)now,
			    &pm->v[i]);
	}
	free(m->buf); /* the report keeps its own normalised copy */
	m->buf = NULL;
}

void
prepared_free(struct prepared *pm)
{
	report_free(&pm->rep);
	free(pm->v);
	source_msg_clear(&pm->m);
	memset(pm, 0, sizeof(*pm));
}

int
pipeline_message(struct pipeline *p, const struct prepared *pm, int64_t now,
    enum source_ack *ack_r)
{
	const struct source_msg *m = &pm->m;
	struct store_message sm = { .sha256 = pm->sha256, .source_ref = m->ref,
		.received_at = m->received_at, .processed_at = now };
	struct report *rep = pm->rep;
	int64_t id;
	size_t i;
	int rc;

	*ack_r = rep == NULL ? ACK_QUARANTINE : ACK_DONE;
	if ((rc = store_message_find(p->st, pm->sha256, &id)) == -1)
		return db_fail(p, "message");
	if (rc == 1) { /* committed before a crash, or a copy */
		p->batch.duplicates++;
		hold(p, "%s: already recorded as message %lld", m->ref,
		    (long long)id);
		return 0;
	}
	p->batch.messages++;
	if (rep == NULL) {
		sm.outcome = STORE_UNPARSABLE;
		sm.error = pm->error;
		p->batch.unparsable++;
		hold(p, "%s: unparsable: %s: quarantined", m->ref, sm.error);
		return add_message(p, &sm, &id);
	}
	check_verp(p, rep, m->ref, now);
	sm.message_id = report_utf8(rep, rep->message_id);
	sm.outcome = rep->nrcpt > 0 ? STORE_BOUNCE : STORE_NOT_BOUNCE;
	if ((rc = add_message(p, &sm, &id)) == 0 && rep->nrcpt == 0) {
		p->batch.not_bounces++;
		hold(p, "%s: %s: not a bounce: recorded", or_dash(sm.message_id),
		    m->ref);
	}
	for (i = 0; rc == 0 && i < rep->nrcpt; i++)
		rc = record_rcpt(p, pm, i, id,
		    m->received_at < now ? m->received_at : now, now);
	if (rc == 0 && rep->nrcpt > 0)
		p->batch.bounces++;
	return rc;
}
