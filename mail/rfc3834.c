#include "rfc3834.h"

#include <string.h>

#include "common/strutil.h"

static const char *const subject_marks[] = {
	"out of office", "out of the office", "auto:", "autoreply",
	"auto-reply", "auto reply", "automatic reply", "automatische antwort",
	"vacation", "away from", "abwesenheit", "absence", "réponse automatique",
	"respuesta automática", "risposta automatica", "自動応答", "自动回复",
	"不在", NULL,
};

static bool
has(struct report *rep, const char *name, const char *needle)
{
	const char *v = mail_header_raw(&rep->arena, rep->msg.hdr,
	    rep->msg.hdr_len, name);

	if (v == NULL)
		return false;
	return needle == NULL || ci_find(v, strlen(v), needle) != NULL;
}

/*
 * Bounces carry "Auto-Submitted: auto-replied" too (Exim, Gmail), and a
 * bounce whose layout nobody recognised must not pass for a vacation
 * notice: a mailer daemon, a failed-recipients list, a report part or a
 * failure subject says delivery report (RFC 3834 2: responses to
 * delivery failures are not auto-replies).
 */
static bool
looks_like_bounce(struct report *rep)
{
	static const char *const senders[] = {
		"mailer-daemon", "postmaster", "mail delivery",
		"mail.delivery", NULL,
	};
	static const char *const subjects[] = {
		"undeliver", "delivery status notification", "returned mail",
		"delivery fail", "failure notice", "could not be delivered",
		"not delivered", "delivery failure", "mail delivery failed",
		"non-deliver", "nondeliver", "error sending your mail",
		"delivery has failed", "delivery notification", NULL,
	};
	const char *const *s;
	size_t i;

	if (has(rep, "X-Failed-Recipients", NULL) ||
	    has(rep, "Content-Type", "multipart/report"))
		return true;
	for (i = 0; i < rep->msg.nparts; i++) {
		if (rep->msg.parts[i].in_message == 0 &&
		    strstr(rep->msg.parts[i].type, "delivery-status") != NULL)
			return true;
	}
	for (s = senders; rep->from != NULL && *s != NULL; s++) {
		if (ci_find(rep->from, strlen(rep->from), *s) != NULL)
			return true;
	}
	for (s = subjects; rep->subject != NULL && *s != NULL; s++) {
		if (ci_find(rep->subject, strlen(rep->subject), *s) != NULL)
			return true;
	}
	return false;
}

bool
autoreply_detect(struct report *rep)
{
	const char *const *s;
	const char *subj = rep->subject;

	if (looks_like_bounce(rep))
		return false;
	if (has(rep, "Auto-Submitted", "auto-replied") ||
	    has(rep, "X-Autoreply", NULL) || has(rep, "X-Autorespond", NULL) ||
	    has(rep, "X-Autoresponder", NULL) ||
	    has(rep, "Precedence", "auto_reply"))
		return true;
	/* a bare subject is weaker evidence: only when no report part */
	if (subj == NULL)
		return false;
	for (s = subject_marks; *s != NULL; s++) {
		if (ci_find(subj, strlen(subj), *s) != NULL)
			return true;
	}
	return false;
}
