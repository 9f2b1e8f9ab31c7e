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

bool
autoreply_detect(struct report *rep)
{
	const char *const *s;
	const char *subj = rep->subject;

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
