#include "rfc5965.h"

#include <string.h>

#include "common/strutil.h"
#include "rfc3464.h"

size_t
arf_parse(struct report *rep, const char *s, size_t len)
{
	const char *ft = mail_header_raw(&rep->arena, s, len, "Feedback-Type");
	const char *type = NULL;
	size_t pos = 0, n = 0, ll;
	struct report_rcpt *r;
	const char *l;

	if (ft != NULL)
		type = str_lower(arena_strdup(&rep->arena, ft));
	/* Original-Rcpt-To may repeat (RFC 5965 3.2): walk every line */
	while (str_line(s, len, &pos, &l, &ll)) {
		if (!ci_starts(l, ll, "Original-Rcpt-To:"))
			continue;
		if ((r = report_add_rcpt(rep)) == NULL)
			break;
		/* RFC 5965 3.2: an addr-spec, read as RFC 3464's fields */
		r->recipient = dsn_field_address(
		    rep, NULL, arena_strndup(&rep->arena, l + 17, ll - 17));
		r->feedback_type = type;
		n++;
	}
	if (n == 0 && rep->original.to != NULL) {
		const char *to = rep->original.to;

		if ((r = report_add_rcpt(rep)) != NULL) {
			r->recipient = report_address(&rep->arena, to, strlen(to));
			r->feedback_type = type;
			n++;
		}
	}
	if (n == 0 && (r = report_add_rcpt(rep)) != NULL) {
		/* a complaint with no address is still a complaint */
		r->feedback_type = type;
		n++;
	}
	return n;
}
