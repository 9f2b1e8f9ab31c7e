/*
 * MailMarshal SMTP: the reason comes first, after "Could not be delivered
 * because of", then "The following recipients were affected:" lists the
 * addresses it applies to; "Additional Information" ends the report.
 */
#include "legacy.h"

#include <string.h>

#include "common/strutil.h"

static const char *const body[] = { "Could not be delivered because of",
	NULL };
static const char *const start[] = { "Could not be delivered because of",
	NULL };
static const char *const end[] = { "Additional Information", NULL };

static size_t
mailmarshal_parse(struct report *rep, const char *text, size_t len)
{
	const char *list = ci_find(text, len,
	    "The following recipients were affected");
	const char *reason = NULL, *p, *as;
	size_t n0 = rep->nrcpt, alen, i;

	if (list == NULL)
		return 0;
	legacy_append(&rep->arena, &reason, text, (size_t)(list - text));
	p = memchr(list, '\n', len - (size_t)(list - text));
	/* one address a line, up to the first blank line after the list */
	while (p != NULL && ++p < text + len) {
		const char *e = memchr(p, '\n', (size_t)(text + len - p));
		size_t ll = e != NULL ? (size_t)(e - p) : (size_t)(text + len - p);
		struct report_rcpt *r;

		if (legacy_blank(p, ll)) {
			if (rep->nrcpt > n0)
				break;
		} else if (find_address(p, ll, &as, &alen) &&
		    (r = report_add_rcpt(rep)) != NULL) {
			r->recipient = report_address(&rep->arena, as, alen);
			r->diagnostic = reason;
			if (r->recipient == NULL) {
				rep->nrcpt--;
				p = e;
				continue;
			}
			for (i = n0; i + 1 < rep->nrcpt; i++) {
				if (rep->rcpt[i].recipient != NULL &&
				    strcmp(rep->rcpt[i].recipient,
					r->recipient) == 0) {
					rep->nrcpt--; /* listed twice */
					break;
				}
			}
		}
		p = e;
	}
	return rep->nrcpt - n0;
}

const struct legacy_family legacy_family_mailmarshal = {
	.name = "mailmarshal",
	.body = body,
	.start = start,
	.end = end,
	.parse = mailmarshal_parse,
};
