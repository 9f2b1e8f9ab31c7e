/*
 * Postfix's notices to the postmaster (smtpd "notify_classes"): no bounce
 * of a message but the transcript of a failed SMTP session, " In:" lines
 * from the client, " Out:" lines from Postfix. Each accepted "RCPT TO:"
 * is a recipient; the error reply that follows it (to RCPT, or later to
 * DATA) is its diagnostic.
 */
#include "legacy.h"

#include <string.h>

#include "common/strutil.h"

/* Postfix sends these as MAILER-DAEMON (Mail Delivery System) */
static const char *const from[] = { "mailer-daemon", NULL };
static const char *const subject[] = { "Postfix SMTP server: errors from",
	NULL };
static const char *const start[] = { "Transcript of session follows", NULL };

static const char *
after_tag(const char *l, size_t ll, const char *tag)
{
	size_t i = 0, tl = strlen(tag);

	while (i < ll && (l[i] == ' ' || l[i] == '\t'))
		i++;
	if (!ci_starts(l + i, ll - i, tag))
		return NULL;
	for (i += tl; i < ll && (l[i] == ' ' || l[i] == '\t'); i++)
		;
	return l + i;
}

static void
give_reply(struct report *rep, size_t n0, struct report_rcpt *pending,
    const char *p, size_t len)
{
	size_t i;

	if (pending != NULL) {
		legacy_append(&rep->arena, &pending->diagnostic, p, len);
		return;
	}
	for (i = n0; i < rep->nrcpt; i++) { /* DATA: everyone failed */
		if (rep->rcpt[i].diagnostic == NULL)
			legacy_append(&rep->arena, &rep->rcpt[i].diagnostic, p,
			    len);
	}
}

static size_t
postfix_parse(struct report *rep, const char *text, size_t len)
{
	struct report_rcpt *pending = NULL;
	size_t pos = 0, n0 = rep->nrcpt, ll, rl;
	const char *l, *p, *as;
	size_t alen;

	while (str_line(text, len, &pos, &l, &ll)) {
		if ((p = after_tag(l, ll, "In:")) != NULL) {
			rl = ll - (size_t)(p - l);
			pending = NULL;
			if (ci_starts(p, rl, "RCPT TO:") &&
			    find_address(p, rl, &as, &alen) &&
			    (pending = report_add_rcpt(rep)) != NULL)
				pending->recipient = report_address(&rep->arena,
				    as, alen);
		} else if ((p = after_tag(l, ll, "Out:")) != NULL) {
			rl = ll - (size_t)(p - l);
			if (*p == '4' || *p == '5')
				give_reply(rep, n0, pending, p, rl);
			pending = NULL;
		}
	}
	/* recipients the server took and nothing later refused */
	for (pos = n0; pos < rep->nrcpt;) {
		if (rep->rcpt[pos].diagnostic == NULL) {
			memmove(&rep->rcpt[pos], &rep->rcpt[pos + 1],
			    (rep->nrcpt - pos - 1) * sizeof(rep->rcpt[0]));
			rep->nrcpt--;
		} else {
			pos++;
		}
	}
	return rep->nrcpt - n0;
}

const struct legacy_family legacy_family_postfix = {
	.name = "postfix",
	.from = from,
	.subject = subject,
	.start = start,
	.parse = postfix_parse,
};
