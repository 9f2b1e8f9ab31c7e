/* From one message's bytes to rows in the open batch (pipeline.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify/classify.h"
#include "common/log.h"
#include "common/sha256.h"
#include "common/xmalloc.h"
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
}

void
pipeline_deinit(struct pipeline *p)
{
	free(p->log);
	memset(p, 0, sizeof(*p));
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

/* The recipient's row, the policy, the row back, a resend. */
static int
apply_policy(struct pipeline *p, const struct store_bounce *b,
    const struct verdict *v, int64_t bounce_msg, int64_t now)
{
	struct store_recipient r;
	struct policy_event ev = { .reason = b->reason, .status = b->status,
		.action = b->action, .cls = v->cls, .hard = v->hard,
		.at = b->at };
	struct policy_result res;
	char buf[64];
	int found;

	memset(&r, 0, sizeof(r));
	if ((found = store_recipient_get(p->st, b->recipient, &r)) == -1)
		return db_fail(p, "recipient");
	if (found == 0)
		snprintf(r.address, sizeof(r.address), "%s", b->recipient);
	policy_apply(&p->conf->policy, &p->conf->resend, &r, found == 1, &ev,
	    now, &res);
	if (res.write && store_recipient_put(p->st, &r) == -1)
		return db_fail(p, "recipient");
	if (res.effect == POLICY_SUPPRESSED)
		p->batch.suppressed++;
	if (res.resend) {
		int added = store_resend_schedule(p->st, b->recipient,
		    b->original_message_id, bounce_msg, res.resend_at, now);

		if (added == -1)
			return db_fail(p, "resend");
		p->batch.resends += (uint64_t)added;
	}
	hold(p, "%s: %s %s %s: %s", or_dash(b->original_message_id),
	    b->recipient, or_dash(b->status), b->reason,
	    policy_effect_text(&p->conf->policy, &r, &res, buf, sizeof(buf)));
	return 0;
}

static int
record_rcpt(struct pipeline *p, const struct prepared *pm, size_t i,
    int64_t msg, int64_t at, int64_t now)
{
	struct report *rep = pm->rep;
	const struct report_rcpt *r = &rep->rcpt[i];
	const struct verdict v = pm->v[i];
	struct store_bounce b;

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
	b.at = at;
	if (store_bounce_add(p->st, msg, &b, NULL) == -1)
		return db_fail(p, "bounce");
	p->batch.recipients++;
	if (b.recipient[0] == '\0') {
		hold(p, "%s: recipient unknown %s %s: recorded",
		    or_dash(b.original_message_id), or_dash(b.status), b.reason);
		return 0;
	}
	return apply_policy(p, &b, &v, msg, now);
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
