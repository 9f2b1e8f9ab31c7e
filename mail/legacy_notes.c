/*
 * Lotus Notes (Domino's SMTP MTA before DSNs): under "------- Failure
 * Reasons --------" each failed address follows the line that says why,
 * and "------- Returned Message --------" starts the original.
 */
#include "legacy.h"

#include <string.h>

#include "common/strutil.h"

static const char *const body[] = { "------- Failure Reasons", NULL };
static const char *const start[] = { "------- Failure Reasons", NULL };
static const char *const end[] = { "------- Returned Message", NULL };

static size_t
notes_parse(struct report *rep, const char *text, size_t len)
{
	const char *reason = NULL, *as, *addr;
	size_t pos = 0, added = 0, alen, i, ll;
	const char *l;

	while (str_line(text, len, &pos, &l, &ll)) {
		const char *t = l;
		size_t tl = ll;
		struct report_rcpt *r;

		while (tl > 0 && bd_isspace((unsigned char)*t)) {
			t++;
			tl--;
		}
		while (tl > 0 && bd_isspace((unsigned char)t[tl - 1]))
			tl--;
		if (tl == 0)
			continue;
		/* a line that is one address closes the reason above it */
		if (!find_address(t, tl, &as, &alen) || alen + 2 < tl ||
		    memchr(t, ' ', tl) != NULL) {
			legacy_append(&rep->arena, &reason, t, tl);
			continue;
		}
		if ((addr = report_address(&rep->arena, as, alen)) == NULL)
			continue;
		for (i = rep->nrcpt - added; i < rep->nrcpt; i++) {
			if (rep->rcpt[i].recipient != NULL &&
			    strcmp(rep->rcpt[i].recipient, addr) == 0)
				break;
		}
		if (i < rep->nrcpt || (r = report_add_rcpt(rep)) == NULL) {
			reason = NULL;
			continue;
		}
		r->recipient = addr;
		r->diagnostic = reason;
		reason = NULL;
		added++;
	}
	return added;
}

const struct legacy_family legacy_family_notes = {
	.name = "notes",
	.body = body,
	.start = start,
	.end = end,
	.parse = notes_parse,
};
