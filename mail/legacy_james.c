/*
 * The bounce layout of Apache James' DSN mailet, also used by SMS gateways
 * built on it (Verizon's vtext.com): "Error: <summary>", "Error message
 * below:" with the server's reply, then "Message details:" where the
 * "RCPT TO:" line names the recipient.
 */
#include "legacy.h"

#include <string.h>

#include "common/strutil.h"

static const char *const body[] = { "Error message below:", NULL };

static size_t
james_parse(struct report *rep, const char *text, size_t len)
{
	const char *det = ci_find(text, len, "Message details:");
	const char *rc, *as, *err;
	struct report_rcpt *r;
	size_t alen, n = 0;

	if (det == NULL)
		return 0;
	err = ci_find(text, (size_t)(det - text), "Error:");
	for (rc = det; (rc = ci_find(rc, len - (size_t)(rc - text),
			    "RCPT TO:")) != NULL;
	     rc = as + alen) {
		const char *nl = memchr(rc, '\n', len - (size_t)(rc - text));
		size_t ll = nl != NULL ? (size_t)(nl - rc)
				       : len - (size_t)(rc - text);

		if (!find_address(rc, ll, &as, &alen) ||
		    (r = report_add_rcpt(rep)) == NULL)
			break;
		r->recipient = report_address(&rep->arena, as, alen);
		if (err != NULL)
			legacy_append(&rep->arena, &r->diagnostic, err,
			    (size_t)(det - err));
		n++;
	}
	return n;
}

const struct legacy_family legacy_family_james = {
	.name = "james",
	.body = body,
	.parse = james_parse,
};
