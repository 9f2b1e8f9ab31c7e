/* From one message's bytes to rows in the open batch (pipeline.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify/classify.h"
#include "common/log.h"
#include "common/sha256.h"
#include "common/xmalloc.h"
#include "mail/message.h"
#include "mail/report_verp.h"
#include "mail/resent.h"
#include "daemon/attribution.h"
#include "daemon/pipeline.h"
#include "daemon/poison.h"
#include "daemon/outbound/resend.h"

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
	forgotten_wipe(&p->forgotten);
	memset(p, 0, sizeof(*p));
}

void
pipeline_verp_load(struct pipeline *p, const struct config *conf)
{
	const char *why;

	explicit_bzero(p->verp_key, sizeof(p->verp_key));
	p->verp_key_len = 0;
	memset(&p->verp, 0, sizeof(p->verp));
	if (conf->verp.address == NULL)
		return;
	if (config_verp_key(&conf->verp, p->verp_key, sizeof(p->verp_key),
	    &p->verp_key_len, &why) == -1) {
		p->verp_key_len = 0;
		log_warnx("verp: %s: %s: signed return paths are not checked",
		    conf->verp.key_file, why);
		return;
	}
	p->verp.tmpl = conf->verp.address;
	p->verp.key = (const unsigned char *)p->verp_key;
	p->verp.key_len = p->verp_key_len;
	p->verp.max_age_days = conf->verp.max_age / 86400;
}

const struct verp *
pipeline_verp(const struct pipeline *p)
{
	return p->verp_key_len > 0 ? &p->verp : NULL;
}

struct lc_conf
pipeline_lc_conf(const struct config *conf)
{
	struct lc_conf c = { &conf->policy, &conf->resend,
		config_has_proof(conf) };

	return c;
}

/*
 * Holds one log line until the batch's fate is known; its first byte
 * says the level ('i' info, 'w' warning).
 */
static void BD_PRINTF(3, 0)
vhold(struct pipeline *p, char level, const char *fmt, va_list ap)
{
	char line[1024];
	int n;

	line[0] = level;
	n = vsnprintf(line + 1, sizeof(line) - 1, fmt, ap);
	if (n < 0)
		return;
	n++;
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

static void BD_PRINTF(2, 3)
hold(struct pipeline *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vhold(p, 'i', fmt, ap);
	va_end(ap);
}

static void BD_PRINTF(2, 3)
hold_warn(struct pipeline *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vhold(p, 'w', fmt, ap);
	va_end(ap);
}

static int
db_fail(struct pipeline *p, const char *what)
{
	/* busy is another writer (bouncectl suppress, a second daemon)
	 * holding the database past the busy timeout: it passes */
	const char *busy = store_error_busy(p->st) ? " (another writer holds"
	    " the database; retrying)" : "";

	if (p->failing)
		log_debug("store: %s: %s%s", what, store_error(p->st), busy);
	else
		log_warnx("store: %s: %s%s", what, store_error(p->st), busy);
	p->failing = true;
	return -1;
}

int
pipeline_begin(struct pipeline *p)
{
	int rc;

	memset(&p->batch, 0, sizeof(p->batch));
	p->loglen = 0;
	forgotten_batch(&p->forgotten);
	if (store_begin(p->st) == -1)
		return db_fail(p, "begin");
	/* once per batch, not per failed recipient: the pipeline sends
	 * nothing, and the lock keeps the resend worker and bouncectl out */
	if ((rc = store_resend_any_sent(p->st)) == -1) {
		db_fail(p, "resend");
		store_rollback(p->st);
		return -1;
	}
	p->no_sent_resend = rc == 0;
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
	if (p->failing)
		log_notice("store: the database takes writes again");
	p->failing = false;
	log_hold(); /* a line per recipient: not a write(2) each */
	for (off = 0; off < p->loglen; off += strlen(p->log + off) + 1) {
		if (p->log[off] == 'w')
			log_warnx("%s", p->log + off + 1);
		else
			log_info("%s", p->log + off + 1);
	}
	log_release();
	p->loglen = 0;
	t->messages += b->messages, t->bounces += b->bounces;
	t->not_bounces += b->not_bounces, t->unparsable += b->unparsable;
	t->duplicates += b->duplicates, t->recipients += b->recipients;
	t->suppressed += b->suppressed, t->resends += b->resends;
	t->forged += b->forged, t->events += b->events;
	return 0;
}

static const char *
or_dash(const char *s)
{
	return s != NULL && *s != '\0' ? s : "-";
}

int
pipeline_recipient(struct store *st, const struct config *conf,
    const char *address, const struct lc_bounce *b, int64_t now,
    struct recipient *r, struct lc_result *res, enum outbox_kind *kind_r)
{
	struct lc_conf c = pipeline_lc_conf(conf);
	enum rcpt_state before;
	int found, tries;

	/*
	 * A new address has no row to lock (store_pg.c, FOR UPDATE): its
	 * first row is only added, and when another daemon's came first
	 * the decision is made again from that row. The third time (a
	 * row that came and went twice: a forget in between) the row is
	 * written over, as before the add.
	 */
	for (tries = 0;; tries++) {
		memset(r, 0, sizeof(*r));
		before = STATE_ACTIVE;
		if ((found = store_recipient_get(st, address, r)) == -1)
			return -1;
		if (found == 0)
			snprintf(r->address, sizeof(r->address), "%s", address);
		else
			before = r->state;
		lifecycle_recipient(&c, r, found == 1, b, now, res);
		*kind_r = outbox_bounce_kind(before, res);
		if (!res->write)
			return 0;
		if (found == 1 || tries == 2)
			return store_recipient_put(st, r);
		if ((found = store_recipient_add(st, r)) != 0)
			return found == 1 ? 0 : -1;
	}
}

/* The message's tag as the lifecycle names it. */
static enum tag_check
tag_of(const struct report_verp *rv)
{
	switch (rv->result) {
	case VERP_VALID:
		return TAG_VALID;
	case VERP_EXPIRED:
		return TAG_EXPIRED;
	case VERP_FORGED:
		return TAG_FORGED;
	case VERP_NONE:
		break;
	}
	return TAG_NONE;
}

/* One recipient's bounce, as the batch handles it. */
struct rcpt_ctx {
	const struct prepared *pm;
	const struct prepared_rcpt *pr;
	const struct verdict *v;
	struct store_bounce b;
	int64_t msg;  /* messages.id */
	int64_t sent; /* the sent record's copy that verified it, or 0 */
	int64_t now;
};

/*
 * A resend for the recipient, from our copy: the sent record's that
 * verified the bounce, else resend.spool's at send time. Never anything
 * the bounce returned (docs/SECURITY.md). Returns 0 or -1 (logged).
 */
static int
schedule_resend(struct pipeline *p, const struct rcpt_ctx *x,
    const struct lc_result *res)
{
	struct store_resend_new rn = { .recipient = x->b.recipient,
		.original_message_id = x->b.original_message_id,
		.message = x->msg, .reason = x->b.reason, .kind = res->kind,
		.sent = x->sent, .next_at = res->resend_at, .now = x->now };
	int64_t id;
	int added;

	if ((added = store_resend_add(p->st, &rn, &id)) == -1)
		return db_fail(p, "resend");
	p->batch.resends += (uint64_t)added;
	return 0;
}

/*
 * Closing the loop (issue 5): a bounce of a copy we resent. Found by the
 * Resent-Message-ID we wrote, else by recipient and original Message-ID
 * among resends marked sent. The bounce is linked to the resend and
 * recorded once; what follows for the resend is the lifecycle's
 * (lifecycle_resend_bounced()). Returns 1 when linked, 0 when the bounce
 * is of no resend of ours, -1 (logged).
 */
static int
link_resend(struct pipeline *p, const struct rcpt_ctx *x, int64_t bounce)
{
	const struct store_bounce *b = &x->b;
	struct store_resend rs;
	struct lc_resend lr;
	struct lc_resend_result res;
	struct store_resend_attempt a = { .at = x->now,
		.reply = b->diagnostic, .reply_code = b->reply_code };
	int found;

	if (b->action != ACTION_NONE && b->action != ACTION_FAILED)
		return 0; /* delayed, relayed: the resent copy is on its way */
	if (p->no_sent_resend)
		return 0;
	found = store_resend_find_sent(p->st, b->recipient,
	    x->pm->resent_message_id, b->original_message_id, &rs);
	if (found == -1)
		return db_fail(p, "resend");
	if (found == 0)
		return 0;
	if (store_bounce_link_resend(p->st, bounce, rs.id) == -1)
		return db_fail(p, "resend");
	a.resend = rs.id;
	a.outcome = OUTCOME_BOUNCED;
	a.message = x->msg;
	if (store_resend_record(p->st, &a) == -1)
		return db_fail(p, "resend");
	lr = (struct lc_resend){ rs.kind, rs.state, rs.reason, rs.attempts,
		rs.created_at };
	lifecycle_resend_bounced(&p->conf->resend, &lr, x->v->cls, x->v->hard,
	    x->v->reason, x->now, arc4random(), &res);
	a.message = 0;
	a.outcome = res.outcome;
	a.next_at = res.next_at;
	if (resend_record(p->st, &rs, &a) == -1)
		return db_fail(p, "resend");
	hold(p, "%s: %s: the resent copy (resend %lld) bounced: %s",
	    or_dash(b->original_message_id), b->recipient, (long long)rs.id,
	    resend_state_name(a.state));
	return 1;
}

/*
 * Whether the bounce proves it concerns mail we sent to this recipient
 * (docs/SECURITY.md): the message's tag, or the sent record.
 */
static int
authenticate(struct pipeline *p, struct rcpt_ctx *x)
{
	const struct report_verp *rv = &x->pm->verp;
	int in_sent = 0;

	x->sent = 0;
	/* the record is a proof only while it is fed (sent:); without it
	 * no lookup per recipient on the hot path */
	if ((p->conf->sent.maildir != NULL || p->conf->sent.mailbox != NULL) &&
	    x->b.original_message_id != NULL &&
	    (in_sent = store_sent_match(p->st, x->b.original_message_id,
	    x->b.recipient, &x->sent)) == -1)
		return db_fail(p, "sent");
	x->b.authenticity = lifecycle_authenticity(tag_of(rv), rv->rcpt,
	    in_sent == 1, x->b.recipient);
	if (x->b.authenticity != AUTH_VERIFIED_SENT)
		x->sent = 0;
	if (x->b.authenticity == AUTH_FORGED) {
		p->batch.forged++;
		hold_warn(p, "%s: %s: forged: the tag in %s %s; not believed",
		    x->pm->m.ref, x->b.recipient, rv->field != NULL ?
		    rv->field : "the envelope", rv->result == VERP_EXPIRED ?
		    "has expired" : rv->result == VERP_VALID ? "names "
		    "another recipient" : "does not verify");
	}
	return 0;
}

/*
 * The outbox (issue 15 item 3): what the bounce changed, as an event in
 * the batch's transaction, so that it is committed with the change or
 * not at all.
 */
static int
add_event(struct pipeline *p, const struct rcpt_ctx *x,
    const struct recipient *r, enum outbox_kind kind, int64_t bounce)
{
	const struct store_bounce *b = &x->b;
	struct store_event_new e = { .kind = kind,
		.source = OUTBOX_FROM_BOUNCE, .address = b->recipient,
		.at = x->now, .state = r->state, .reason = b->reason,
		.status = b->status, .diagnostic = b->diagnostic,
		.message = x->msg, .bounce = bounce,
		.message_id = x->pm->message_id,
		.original_message_id = b->original_message_id };

	if (store_event_add(p->st, &e, NULL) == -1)
		return db_fail(p, "event");
	p->batch.events++;
	return 0;
}

/* The recipient's row, the lifecycle, the bounce and the row back, a
 * resend. */
static int
record_known(struct pipeline *p, struct rcpt_ctx *x)
{
	struct store_bounce *b = &x->b;
	struct recipient r;
	struct lc_conf c = pipeline_lc_conf(p->conf);
	struct lc_bounce lb = { .reason = b->reason, .status = b->status,
		.action = b->action, .cls = b->cls, .hard = b->hard,
		.feedback = b->feedback, .at = b->at, .rnd = x->pr->rnd };
	struct lc_result res;
	enum outbox_kind kind;
	int64_t bounce;
	int linked = 0, gone;
	char buf[64];

	/* erased by bouncectl forget: suppressed by its hash, and nothing
	 * of it is written again (daemon/upkeep/forgotten.h) */
	if ((gone = forgotten_check(&p->forgotten, p->st, p->conf->database,
	    b->recipient)) == -1)
		return db_fail(p, "forgotten");
	if (gone == 1) {
		hold(p, "%s: a forgotten address: suppressed, not recorded",
		    or_dash(b->original_message_id));
		return 0;
	}
	if (authenticate(p, x) == -1)
		return -1;
	lb.auth = b->authenticity;
	/* only a transient failure's first delay follows the server's hint */
	if (x->v->cls == CLASS_TRANSIENT)
		lb.retry_hint = x->pr->retry_hint;
	/* the row first: the bounce row keeps what it did */
	if (pipeline_recipient(p->st, p->conf, b->recipient, &lb, x->now, &r,
	    &res, &kind) == -1)
		return db_fail(p, "recipient");
	b->effect = res.effect;
	if (store_bounce_add(p->st, x->msg, b, &bounce) == -1)
		return db_fail(p, "bounce");
	if (kind != OUTBOX_NONE && add_event(p, x, &r, kind, bounce) == -1)
		return -1;
	if (res.effect == EFFECT_SUPPRESSED)
		p->batch.suppressed++;
	/* a bounce of one of our resent copies; believed only when proven,
	 * as anything that changes what we do */
	if ((!c.proof || lifecycle_verified(b->authenticity)) &&
	    (linked = link_resend(p, x, bounce)) == -1)
		return -1;
	/* a resend's own bounce went on with that resend: a new row would
	 * resend forever */
	if (res.resend && linked == 0 && schedule_resend(p, x, &res) == -1)
		return -1;
	hold(p, "%s: %s %s %s: %s%s", or_dash(b->original_message_id),
	    b->recipient, or_dash(b->status), reason_name(b->reason),
	    lifecycle_effect_text(&c, &r, &res, buf, sizeof(buf)),
	    c.proof ? b->authenticity == AUTH_VERIFIED_TAG ? " (signed)" :
	    b->authenticity == AUTH_VERIFIED_SENT ? " (in the sent record)" :
	    "" : "");
	return 0;
}

static int
record_rcpt(struct pipeline *p, const struct prepared *pm, size_t i,
    int64_t msg, int64_t at, int64_t now)
{
	struct report *rep = pm->rep;
	const struct prepared_rcpt *pr = &pm->r[i];
	const struct verdict *v = &pm->v[i];
	struct rcpt_ctx x = { .pm = pm, .pr = pr, .v = v, .msg = msg,
		.now = now };
	struct store_bounce *b = &x.b;

	b->recipient = pr->recipient != NULL ? pr->recipient : "";
	b->action = pr->action;
	b->status = v->status;
	b->reply_code = rep->rcpt[i].reply_code;
	b->reason = v->reason;
	b->hard = v->hard;
	b->cls = v->cls;
	b->diagnostic = pr->diagnostic;
	b->remote_mta = pr->remote_mta;
	b->original_message_id = pm->original_message_id;
	b->rule = v->rule;
	b->family = rep->family;
	b->original_recipient = pr->original_recipient;
	b->stage = pr->stage;
	b->stage_source = pr->stage_source;
	b->layer = decision_layer_name(v->layer);
	b->feedback = pr->feedback;
	b->authenticity = AUTH_UNVERIFIED;
	b->effect = EFFECT_RECORDED;
	b->at = at;
	b->bounced_at = pr->bounced_at;
	p->batch.recipients++;
	if (b->recipient[0] != '\0')
		return record_known(p, &x);
	if (store_bounce_add(p->st, msg, b, NULL) == -1)
		return db_fail(p, "bounce");
	hold(p, "%s: recipient unknown %s %s: recorded",
	    or_dash(b->original_message_id), or_dash(b->status),
	    reason_name(b->reason));
	return 0;
}

/* RFC 3464 2.3.3, as classify_action() gives it (lower case) */
static enum dsn_action
action_of(const struct report *rep, const struct report_rcpt *r)
{
	int a = dsn_action_from_name(classify_action(rep, r));

	/* an Action we do not know is none of the four failures' kin */
	return a < 0 ? ACTION_NONE : (enum dsn_action)a;
}

/* The lifecycle's jitter: glibc's arc4random() is a getrandom(2) per
 * call, so the reader draws 64 at a time (per thread; the daemon's
 * children exec at once and draw none). */
static uint32_t
jitter_random(void)
{
	static _Thread_local uint32_t pool[64];
	static _Thread_local size_t used = 64;

	if (used == 64) {
		arc4random_buf(pool, sizeof(pool));
		used = 0;
	}
	return pool[used++];
}

/* Everything the batch writes for one recipient (struct prepared_rcpt). */
static void
prepare_rcpt(struct prepared *pm, size_t i)
{
	struct report *rep = pm->rep;
	const struct report_rcpt *r = &rep->rcpt[i];
	struct prepared_rcpt *pr = &pm->r[i];

	pr->recipient = r->recipient;
	/* a report too garbled to name its recipient, back at a valid tag:
	 * the tag says whom the mail was for (docs/VERP.md) */
	if ((pr->recipient == NULL || *pr->recipient == '\0') &&
	    pm->verp.result == VERP_VALID)
		pr->recipient = pm->verp.rcpt;
	pr->diagnostic = report_utf8(rep, r->diagnostic);
	pr->remote_mta = report_utf8(rep, r->remote_mta);
	pr->bounced_at = report_bounce_date(rep, r); /* issue 17 item 5 */
	pr->original_recipient = report_utf8(rep, r->original_recipient);
	if (r->stage != STAGE_UNKNOWN) {
		pr->stage = stage_name(r->stage);
		pr->stage_source = stage_source_name(r->stage_by);
	}
	pr->action = action_of(rep, r);
	pr->rnd = jitter_random();
	pr->feedback = rep->kind != REPORT_FEEDBACK ? FEEDBACK_NONE :
	    r->feedback_type != NULL ? feedback_from_name(r->feedback_type) :
	    FEEDBACK_ABUSE;
	if (pm->v[i].cls == CLASS_TRANSIENT)
		pr->retry_hint = resent_retry_hint(r->diagnostic);
}

/*
 * A suspect (poison.h): parsed first in a process of its own. True when
 * it must not be parsed here: *m->error then says why.
 */
static bool
poisoned(struct poison *ps, struct prepared *pm, unsigned crashes)
{
	struct source_msg *m = &pm->m;
	char why[128];

	pm->suspect = true;
	if (crashes >= POISON_MAX_DEATHS) {
		m->error = xasprintf("the daemon died %u times while parsing "
		    "it (crash, memory or watchdog): not parsed again",
		    crashes);
		return true;
	}
	switch (poison_try(ps, m->buf, m->len, why, sizeof(why))) {
	case 1:
		m->error = xasprintf("the daemon died while parsing it, and "
		    "a parse on its own failed too: %s", why);
		return true;
	case 0:
		log_info("%s: parsed on its own without harm after the last "
		    "run died: parsing it here", m->ref);
		return false;
	default: /* could not be tried: here, once more (counted) */
		return false;
	}
}

void
prepare_message(struct source_msg *m, int64_t now, const struct verp *v,
    struct poison *ps, struct prepared *pm)
{
	unsigned char *buf;
	size_t i;
	unsigned crashes;

	memset(pm, 0, sizeof(*pm));
	pm->verp.result = VERP_NONE;
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
	if (ps != NULL && (crashes = poison_suspect(ps, pm->sha256)) > 0 &&
	    poisoned(ps, pm, crashes)) {
		pm->error = m->error;
		free(m->buf);
		m->buf = NULL;
		return;
	}
	if (ps != NULL)
		poison_mark(ps, pm->sha256, m->ref);
	poison_test_hook(pm->sha256);
	/* the report takes the buffer: normalised in place, not copied */
	buf = m->buf;
	m->buf = NULL;
	if (report_parse_owned(buf, m->len, &pm->rep, &pm->error) == 0) {
		struct report *rep = pm->rep;

		/* what the caps dropped is said, never silent (mail_limits.h);
		 * no_structure and nul are no caps */
		mail_flags_text(rep->mail_flags & ~(unsigned)(MAIL_F_HAS_NULS |
		    MAIL_F_NO_STRUCTURE), pm->caps, sizeof(pm->caps));

		if (v != NULL)
			report_verp(rep, v, now, &pm->verp);
		pm->message_id = report_utf8(rep, rep->message_id);
		pm->original_message_id = report_utf8(rep,
		    rep->original.message_id);
		pm->resent_message_id = report_utf8(rep,
		    rep->original.resent_message_id);
		pm->v = xcalloc(rep->nrcpt, sizeof(*pm->v));
		pm->r = xcalloc(rep->nrcpt, sizeof(*pm->r));
		for (i = 0; i < rep->nrcpt; i++) {
			classify_rcpt(rep, &rep->rcpt[i], (time_t)now,
			    &pm->v[i]);
			prepare_rcpt(pm, i);
		}
	}
	if (ps != NULL)
		poison_idle(ps);
}

void
prepared_free(struct prepared *pm)
{
	report_free(&pm->rep);
	free(pm->v);
	free(pm->r);
	source_msg_clear(&pm->m);
	memset(pm, 0, sizeof(*pm));
}

/* Whose signed return path the bounce came back to, at debug level. */
static void
log_verp(const struct pipeline *p, const struct prepared *pm)
{
	const struct report_verp *rv = &pm->verp;

	if (p->verp_key_len == 0)
		return;
	if (rv->result == VERP_VALID || rv->result == VERP_EXPIRED)
		log_debug("%s: verp: %s in %s: %s, signed %u days ago",
		    pm->m.ref, verp_result_name(rv->result), rv->field,
		    rv->rcpt, rv->age);
	else if (rv->result == VERP_FORGED)
		log_debug("%s: verp: forged in %s", pm->m.ref, rv->field);
	else
		log_debug("%s: verp: none", pm->m.ref);
}

/* The message's own authenticity: its tag's verdict, or none looked
 * for (AUTH_COUNT: NULL). */
static enum authenticity
message_auth(const struct pipeline *p, const struct prepared *pm)
{
	if (p->verp_key_len == 0)
		return AUTH_COUNT;
	return lifecycle_tag_authenticity(tag_of(&pm->verp));
}

/* What the parser's caps cut, said with the batch (mail_limits.h). */
static void
hold_caps(struct pipeline *p, const struct prepared *pm)
{
	const struct source_msg *m = &pm->m;
	const struct report *rep = pm->rep;

	if (rep->rcpt_dropped > 0)
		hold_warn(p, "%s: cut by the parser's limits (%s): "
		    "%zu recipients recorded, %zu more beyond "
		    "MAIL_MAX_RCPTS not", m->ref, pm->caps, rep->nrcpt,
		    rep->rcpt_dropped);
	else if (rep->mail_flags & ~(unsigned)(MAIL_F_TEXT_CUT |
	    MAIL_F_HAS_NULS | MAIL_F_NO_STRUCTURE))
		hold_warn(p, "%s: cut by the parser's limits (%s): "
		    "only what came before the cut is read", m->ref,
		    pm->caps);
	else /* a long text, read to MAIL_MAX_TEXT: common, benign */
		hold(p, "%s: cut by the parser's limits (%s): only the "
		    "first 512 KiB of a text part is read", m->ref,
		    pm->caps);
}

/* What is said of a message just recorded, before its recipients. */
static void
hold_message(struct pipeline *p, const struct prepared *pm,
    const struct store_message *sm)
{
	const struct source_msg *m = &pm->m;
	const struct report *rep = pm->rep;

	p->batch.messages++;
	if (rep == NULL) {
		p->batch.unparsable++;
		if (pm->suspect) /* a poison message: someone must look */
			hold_warn(p, "%s: %s: quarantined", m->ref, sm->error);
		else
			hold(p, "%s: unparsable: %s: quarantined", m->ref,
			    sm->error);
		return;
	}
	log_verp(p, pm);
	if (pm->caps[0] != '\0')
		hold_caps(p, pm);
	if (rep->nrcpt == 0) {
		p->batch.not_bounces++;
		hold(p, "%s: %s: not a bounce%s%s%s: recorded",
		    or_dash(sm->message_id), m->ref,
		    pm->caps[0] != '\0' ? " (in what the limits left: " : "",
		    pm->caps, pm->caps[0] != '\0' ? ")" : "");
	}
}

/* Committed before a crash, or a copy: only acknowledged. */
static int
duplicate(struct pipeline *p, const struct prepared *pm)
{
	int64_t id = 0;

	p->batch.duplicates++;
	if (store_message_find(p->st, pm->sha256, &id) == -1)
		return db_fail(p, "message");
	/* debug: a source that re-reads (an acknowledgement the server
	 * refuses) says so once per pass (issue 19) */
	log_debug("%s: already recorded as message %lld", pm->m.ref,
	    (long long)id);
	return 0;
}

int
pipeline_message(struct pipeline *p, const struct prepared *pm, int64_t now,
    enum source_ack *ack_r)
{
	const struct source_msg *m = &pm->m;
	struct store_message sm = { .sha256 = pm->sha256, .source_ref = m->ref,
		.received_at = m->received_at, .processed_at = now,
		.authenticity = AUTH_COUNT, .outcome = STORE_UNPARSABLE,
		.error = pm->error };
	struct report *rep = pm->rep;
	struct store_attribution attr;
	unsigned char *copy = NULL;
	int64_t id = 0;
	size_t i;
	int rc;

	*ack_r = rep == NULL ? ACK_QUARANTINE : ACK_DONE;
	/* recorded now, quarantined or not: no longer a suspect */
	if (pm->suspect && store_suspect_del(p->st, pm->sha256) == -1)
		return db_fail(p, "suspect");
	if (rep != NULL) {
		sm.error = NULL;
		sm.message_id = pm->message_id;
		sm.authenticity = message_auth(p, pm);
		sm.outcome = rep->nrcpt > 0 ? STORE_BOUNCE : STORE_NOT_BOUNCE;
		if (pm->caps[0] != '\0') {
			sm.caps = pm->caps;
			sm.rcpts_dropped = (int64_t)rep->rcpt_dropped;
		}
		/* the attribution goes in with the row, not as an UPDATE */
		if ((rc = attribution_read(p->st, p->conf, pm, &attr,
		    &copy)) == -1)
			return db_fail(p, "attribution");
		sm.attr = rc == 1 ? &attr : NULL;
	}
	/* the exactly-once check is the insert's (a recorded sha256 adds
	 * nothing): one statement, not a look-up and then the insert */
	rc = store_message_add_once(p->st, &sm, &id);
	free(copy);
	if (rc == -1)
		return db_fail(p, "message");
	if (rc == 0)
		return duplicate(p, pm);
	hold_message(p, pm, &sm);
	if (rep == NULL)
		return 0;
	for (i = 0, rc = 0; rc == 0 && i < rep->nrcpt; i++)
		rc = record_rcpt(p, pm, i, id,
		    m->received_at < now ? m->received_at : now, now);
	if (rc == 0 && rep->nrcpt > 0)
		p->batch.bounces++;
	return rc;
}
