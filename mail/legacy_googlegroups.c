/*
 * Google Groups refusing a post: Google's mailer daemon answers in the
 * poster's language ("the group you tried to contact may not exist, or
 * you may not have permission to post"), always with a link to the Groups
 * help pages and the group's address in X-Failed-Recipients. The group
 * refused the sender, so the reason is "rejected" whatever the language.
 */
#include "legacy.h"

#include "common/strutil.h"

static const char *const from[] = { "mailer-daemon@google", NULL };
static const char *const subject[] = { "Delivery Status Notification",
	NULL };

static size_t
googlegroups_parse(struct report *rep, const char *text, size_t len)
{
	size_t n0 = rep->nrcpt, n, i;

	if (ci_find(text, len, "groups.google.com") == NULL &&
	    ci_find(text, len, "Google Groups") == NULL)
		return 0;
	n = legacy_failedrcpt_parse(rep, text, len);
	for (i = n0; i < rep->nrcpt; i++)
		rep->rcpt[i].hint = "rejected";
	return n;
}

const struct legacy_family legacy_family_googlegroups = {
	.name = "googlegroups",
	.from = from,
	.subject = subject,
	.parse = googlegroups_parse,
};
