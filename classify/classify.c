/*
 * The decision, in order of trust:
 *   1. the kind of report (complaint, auto-reply) and the DSN Action;
 *   2. a family's own reason (its codes are unambiguous);
 *   3. the text rules over the diagnostic: text overrides a generic code,
 *      because many MTAs send 5.0.0 or a wrong code with a precise reason;
 *   4. the RFC 3463 code when it names one cause;
 *   5. the SMTP reply code; else undefined.
 */
#include "classify.h"

#include <string.h>

#include "common/strutil.h"
#include "mail/mail_limits.h"

bool
classify_match(const char *text, size_t len, const char *pattern)
{
	const char *p = pattern, *t = text, *end = text + len;

	/* Each piece is found leftmost after the previous one: that is the
	 * whole search for a '*'-only pattern language, so it is linear and
	 * cannot backtrack. */
	while (*p != '\0') {
		const char *star = strchr(p, '*');
		size_t n = star != NULL ? (size_t)(star - p) : strlen(p);
		const char *hit;

		if (n > 0) {
			hit = ci_find_lower(t, (size_t)(end - t), p, n);
			if (hit == NULL)
				return false;
			t = hit + n;
		}
		if (star == NULL)
			break;
		p = star + 1;
	}
	return true;
}

static void
set(struct verdict *v, enum reason r, const char *rule, const char *matched)
{
	v->reason = r;
	v->rule = rule;
	v->matched = matched;
	v->cls = reason_info(r)->cls;
}

static bool
temporary(const struct report_rcpt *r)
{
	if (r->status[0] == '4')
		return true;
	if (r->status[0] == '5')
		return false;
	return r->reply_code >= 400 && r->reply_code < 500;
}

static bool
by_text(const struct report_rcpt *r, struct verdict *v)
{
	char buf[MAIL_MAX_DIAG + 1];
	size_t len, i;
	unsigned k;

	if (r->diagnostic == NULL)
		return false;
	len = strlen(r->diagnostic);
	if (len > MAIL_MAX_DIAG)
		len = MAIL_MAX_DIAG;
	for (i = 0; i < len; i++)
		buf[i] = (char)bd_lower((unsigned char)r->diagnostic[i]);
	buf[len] = '\0';
	for (k = 0; k < classify_nrules; k++) {
		const struct classify_rule *ru = &classify_rules[k];

		if (ru->reply != 0 && ru->reply != r->reply_code)
			continue;
		if (!classify_match(buf, len, ru->pattern))
			continue;
		set(v, ru->reason, ru->name, ru->pattern);
		if (ru->cls >= 0)
			v->cls = (enum bounce_class)ru->cls;
		return true;
	}
	return false;
}

static bool
by_reply_code(const struct report_rcpt *r, struct verdict *v)
{
	/* RFC 5321 4.2.3: only the codes that name one cause */
	switch (r->reply_code) {
	case 421:
		set(v, REASON_TOOMANYCONN, "reply.421", "421");
		return true;
	case 450:
	case 451:
		set(v, REASON_SYSTEMERROR, "reply.45x", "45x");
		return true;
	case 452:
		set(v, REASON_SYSTEMFULL, "reply.452", "452");
		return true;
	case 552:
		set(v, REASON_MAILBOXFULL, "reply.552", "552");
		return true;
	case 553:
		set(v, REASON_USERUNKNOWN, "reply.553", "553");
		return true;
	default:
		return false;
	}
}

static void
decide(const struct report *rep, const struct report_rcpt *r,
    struct verdict *v)
{
	enum reason sr;

	if (rep->kind == REPORT_FEEDBACK) {
		set(v, REASON_FEEDBACK, "arf.feedback-report",
		    r->feedback_type != NULL ? r->feedback_type : "abuse");
		return;
	}
	if (rep->kind == REPORT_AUTOREPLY) {
		set(v, REASON_VACATION, "rfc3834.auto-reply", "auto-reply");
		return;
	}
	if (r->action != NULL && (strcmp(r->action, "delivered") == 0 ||
				     strcmp(r->action, "relayed") == 0 ||
				     strcmp(r->action, "expanded") == 0)) {
		set(v, REASON_DELIVERED, "dsn.action-success", r->action);
		return;
	}
	if (r->hint != NULL) {
		enum reason h = reason_from_name(r->hint);

		if (h != REASON_COUNT) {
			set(v, h, "family.hint", r->hint);
			return;
		}
	}
	if (by_text(r, v))
		return;
	sr = status_reason(r->status);
	if (sr != REASON_COUNT) {
		set(v, sr, "rfc3463.status", r->status);
		return;
	}
	if (by_reply_code(r, v))
		return;
	if (r->action != NULL && strcmp(r->action, "delayed") == 0) {
		set(v, REASON_EXPIRED, "dsn.action-delayed", "delayed");
		return;
	}
	set(v, REASON_UNDEFINED, "none", NULL);
}

void
classify_rcpt(const struct report *rep, const struct report_rcpt *r,
    time_t now, struct verdict *v)
{
	const char *st;

	(void)now; /* XXX: Will-Retry-Until against now, for delayed DSNs */
	memset(v, 0, sizeof(*v));
	decide(rep, r, v);

	if (r->status[0] != '\0') {
		memcpy(v->status, r->status, sizeof(v->status));
	} else if ((st = reason_status(v->reason, temporary(r)))[0] != '\0') {
		strncpy(v->status, st, sizeof(v->status) - 1);
		v->status_derived = true;
	}
	v->hard = v->reason == REASON_USERUNKNOWN ||
	    v->reason == REASON_HOSTUNKNOWN || v->reason == REASON_HASMOVED ||
	    (v->reason == REASON_NOTACCEPT &&
		(v->status[0] == '5' ||
		    (r->reply_code >= 500 && r->reply_code < 600)));
	/* a temporary code on a permanent-looking reason: worth a retry */
	if (v->cls == CLASS_PERMANENT && v->reason == REASON_UNDEFINED &&
	    temporary(r))
		v->cls = CLASS_TRANSIENT;
	/* RFC 3464 2.3.3: the MTA is still trying; never a failure */
	if (r->action != NULL && strcmp(r->action, "delayed") == 0)
		v->cls = CLASS_IGNORE;
}
