/*
 * Verizon Wireless MMS/SMS gateways. vtext.com ("From:
 * post_master@vtext.com", a Received field "... .vtext.com (...)"):
 * "Error: ..." then "Message details:" with "  RCPT TO: a@b" and the
 * server's "550 - Requested action not taken: no such user here".
 * vzwpix.com ("From: sysadmin@....vzwpix.com"): "Message could not be
 * delivered to mobile." "Error: No valid recipients for this MM", the
 * recipient in "Original Message:" ... "To: a@b". Layout, signatures and
 * reasons: sisimai lib/Sisimai/Lhost/Verizon.pm (BSD-2).
 */
#include "legacy.h"

#include <string.h>

#include "common/strutil.h"

static const struct legacy_hint hints[] = {
	{ "Requested action not taken: no such user here", "userunknown" },
	{ "No valid recipients for this MM", "userunknown" },
	{ NULL, NULL },
};

static bool
verizon_match(struct report *rep, const struct mail_message *msg,
    const char *text, size_t len)
{
	const char *f = rep->from;
	size_t fl = f != NULL ? strlen(f) : 0;

	(void)text;
	(void)len;
	if (f != NULL && (ci_find(f, fl, "post_master@vtext.com") != NULL ||
			     (ci_find(f, fl, "sysadmin@") != NULL &&
				 ci_find(f, fl, ".vzwpix.com") != NULL)))
		return true;
	return legacy_header_has(msg, "Received", ".vtext.com (");
}

/* The address after prefix at the start of l (after white space). */
static const char *
field_address(struct report *rep, const char *l, size_t ll,
    const char *prefix)
{
	const char *as;
	size_t n = strlen(prefix), alen;

	while (ll > 0 && (*l == ' ' || *l == '\t'))
		l++, ll--;
	if (!ci_starts(l, ll, prefix) ||
	    !find_address(l + n, ll - n, &as, &alen))
		return NULL;
	return report_address(&rep->arena, as, alen);
}

static size_t
verizon_parse(struct report *rep, const char *text, size_t len)
{
	const char *l, *a, *err = NULL, *reply = NULL, *diag;
	bool mobile = ci_find(text, len,
			  "Message could not be delivered to mobile") != NULL;
	size_t pos = 0, n0 = rep->nrcpt, ll, i;
	struct report_rcpt *r;

	while (str_line(text, len, &pos, &l, &ll)) {
		a = field_address(rep, l, ll, "RCPT TO:");
		if (a == NULL && mobile && ll > 3 && memcmp(l, "To:", 3) == 0)
			a = field_address(rep, l, ll, "To:");
		if (a != NULL && legacy_find_rcpt(rep, n0, a) == NULL &&
		    (r = report_add_rcpt(rep)) != NULL)
			r->recipient = a;
		else if (a == NULL && ci_starts(l, ll, "Error:"))
			legacy_append(&rep->arena, &err, l + 6, ll - 6);
		else if (a == NULL && find_reply_code(l, ll) != 0 &&
		    ci_find(l, ll, " - ") != NULL)
			legacy_append(&rep->arena, &reply, l, ll);
	}
	diag = reply != NULL ? reply : err;
	for (i = n0; i < rep->nrcpt; i++)
		rep->rcpt[i].diagnostic = diag;
	return rep->nrcpt - n0;
}

const struct legacy_family legacy_family_verizon = {
	.name = "verizon",
	.parse = verizon_parse,
	.match = verizon_match,
	.hints = hints,
};
