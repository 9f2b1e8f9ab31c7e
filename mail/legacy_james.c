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

/*
 * The reason: Verizon's notice has an "Error:" line; James' own default
 * notice puts the server's reply between "Error message below:" and
 * "Message details:".
 */
static const char *
james_error(const char *text, const char *det, size_t *len_r)
{
	const char *e = ci_find(text, (size_t)(det - text), "Error:");
	const char *below = ci_find(text, (size_t)(det - text),
	    "Error message below:");

	if (below != NULL) {
		e = below + strlen("Error message below:");
		if (e < det && (e = memchr(e, '\n', (size_t)(det - e))) == NULL)
			return NULL;
	}
	if (e == NULL)
		return NULL;
	*len_r = (size_t)(det - e);
	return e;
}

/*
 * "RCPT TO: a@b" names the first recipient; James' AbstractNotify lists
 * each further one alone on the next lines, indented under the first.
 */
static size_t
james_parse(struct report *rep, const char *text, size_t len)
{
	const char *det = ci_find(text, len, "Message details:");
	const char *end = text + len, *l, *err, *as;
	struct report_rcpt *r;
	size_t alen, elen = 0, n = 0;
	bool in_rcpt = false;

	if (det == NULL)
		return 0;
	err = james_error(text, det, &elen);
	for (l = det; l < end; l++) {
		const char *nl = memchr(l, '\n', (size_t)(end - l));
		size_t ll = nl != NULL ? (size_t)(nl - l) : (size_t)(end - l);
		const char *rc = ci_find(l, ll, "RCPT TO:");
		const char *w = l;

		while (w < l + ll && (*w == ' ' || *w == '\t'))
			w++;
		if (rc != NULL)
			in_rcpt = true;
		else if (!in_rcpt || w == l || memchr(w, ':', (size_t)(l + ll - w)))
			in_rcpt = false; /* "From: …" and the like end the list */
		if (in_rcpt && find_address(rc != NULL ? rc : w,
				   (size_t)(l + ll - (rc != NULL ? rc : w)), &as,
				   &alen) &&
		    (r = report_add_rcpt(rep)) != NULL) {
			r->recipient = report_address(&rep->arena, as, alen);
			if (r->recipient == NULL) {
				rep->nrcpt--;
			} else {
				if (err != NULL)
					legacy_append(&rep->arena, &r->diagnostic,
					    err, elen);
				n++;
			}
		}
		if (nl == NULL)
			break;
		l = nl;
	}
	return n;
}

const struct legacy_family legacy_family_james = {
	.name = "james",
	.body = body,
	.parse = james_parse,
};
