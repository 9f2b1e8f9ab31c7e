/*
 * Bounces whose prose names no recipient in a form the scanner knows, but
 * whose header does: Exim's X-Failed-Recipients, also written by Gmail and
 * Google Groups ("the group you tried to contact may not exist"). The
 * recipients come from the header; the prose is their diagnostic.
 */
#include "legacy.h"

#include <string.h>

#include "common/strutil.h"
#include "mail_limits.h"

static const char *const headers[] = { "X-Failed-Recipients", NULL };

size_t
legacy_failedrcpt_parse(struct report *rep, const char *text, size_t len)
{
	const char *h = mail_header_index_raw(&rep->arena,
	    &rep->hdr_index, "X-Failed-Recipients");
	const char *p, *as, *diag = NULL;
	size_t hl, alen, n = 0;
	struct report_rcpt *r;

	if (h == NULL)
		return 0;
	diag = legacy_prose(&rep->arena, text, len);
	hl = strlen(h);
	for (p = h; find_address(p, hl - (size_t)(p - h), &as, &alen);
	     p = as + alen) {
		if ((r = report_add_rcpt(rep)) == NULL)
			break;
		r->recipient = report_address(&rep->arena, as, alen);
		r->diagnostic = diag;
		n++;
	}
	return n;
}

const struct legacy_family legacy_family_failedrcpt = {
	.name = "failedrcpt",
	.headers = headers,
	.parse = legacy_failedrcpt_parse,
};
