/*
 * fml, the mailing-list manager: its notices to a list's administrator
 * ("Loop Alert: Duplicated Message-ID", a post refused from a non-member,
 * a post over the size limit) carry X-MLServer: fml, say what happened in
 * their first lines with the address concerned in angle brackets, and
 * quote the post after "Original mail as follows". The address is the one
 * the list could not take mail from or for.
 */
#include "legacy.h"

#include <string.h>

#include "common/strutil.h"

static const char *const headers[] = { "X-MLServer", NULL };
static const char *const end[] = { "Original mail as follows", NULL };

static bool
from_maintainer(const char *from)
{
	static const char *const roles[] = { "-admin@", "owner-", "-request@",
		"-ctl@", "mailer-daemon", NULL };
	const char *const *r;

	for (r = roles; *r != NULL; r++) {
		if (ci_find(from, strlen(from), *r) != NULL)
			return true;
	}
	return false;
}

static size_t
fml_parse(struct report *rep, const char *text, size_t len)
{
	const char *ml = mail_header_index_raw(&rep->arena,
	    &rep->hdr_index, "X-MLServer");
	const char *as;
	struct report_rcpt *r;
	size_t alen;

	/* other list managers write X-MLServer too; and every post the
	 * list distributes carries it: a notice comes from the list's own
	 * maintainer address, a post from its author */
	if (ml == NULL || ci_find(ml, strlen(ml), "fml") == NULL ||
	    rep->from == NULL || !from_maintainer(rep->from))
		return 0;
	if (!find_address(text, len, &as, &alen) ||
	    (r = report_add_rcpt(rep)) == NULL)
		return 0;
	r->recipient = report_address(&rep->arena, as, alen);
	if (r->recipient == NULL) {
		rep->nrcpt--;
		return 0;
	}
	r->diagnostic = legacy_prose(&rep->arena, text, len);
	return 1;
}

const struct legacy_family legacy_family_fml = {
	.name = "fml",
	.headers = headers,
	.end = end,
	.parse = fml_parse,
};
