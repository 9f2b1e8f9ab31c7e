/*
 * L-Soft LISTSERV passes a delivery error it could not process itself on
 * to the list owner, wrapped: "The enclosed message, found in the LIST
 * mailbox and shown under the spool ID 1234 in the system log, has been
 * identified as a possible delivery error notice for the following
 * reason: ..." or "The enclosed message has been identified as a
 * delivery error for the LIST list because it was sent to
 * 'owner-list@...'", the bounce itself attached as a message (University
 * of Kentucky "Common ListServ Errors", University of Iowa ITS "LISTSERV
 * error messages" pages). An attached RFC 3464 report is read by the
 * report parser; a free-text one is read here, from its announcing line
 * only: what LISTSERV encloses may also be an ordinary post it took for
 * a bounce, whose addresses are no one's failure.
 */
#include "legacy.h"

#include <string.h>

#include "common/strutil.h"

static const char *const body[] = {
	"has been identified as a possible delivery error notice",
	"has been identified as a delivery error for the",
	NULL,
};

/*
 * LISTSERV justifies its text: the phrase may be broken across lines and
 * padded with spaces ("has been identified  as a possible delivery
 * error notice"). Compared with white space squeezed, in the opening.
 */
static bool
listserv_match(struct report *rep, const struct mail_message *msg,
    const char *text, size_t len)
{
	const char *const *b;
	char *s;

	(void)msg;
	if (ci_find(text, len, "has been identified") == NULL)
		return false;
	s = arena_strndup(&rep->arena, text, len > 4096 ? 4096 : len);
	str_squeeze(s);
	for (b = body; *b != NULL; b++) {
		if (ci_find(s, strlen(s), *b) != NULL)
			return true;
	}
	return false;
}

static size_t
listserv_parse(struct report *rep, const char *text, size_t len)
{
	struct mail_message *msg = &rep->msg;
	const char *t = NULL, *o;
	size_t i, j, n0 = rep->nrcpt, tl = 0, ol, n = 0;

	(void)text;
	(void)len;
	for (i = 0; i < msg->nparts && n == 0; i++) {
		const struct mail_part *p = &msg->parts[i];

		if (p->in_message != 1 || strcmp(p->type, "text/plain") != 0)
			continue;
		if ((t = mail_part_text(msg, p, &tl)) == NULL)
			continue;
		/* not the enclosed bounce's own returned copy */
		if ((o = legacy_inline_original(NULL, t, tl, &ol)) != NULL)
			tl = (size_t)(o - t);
		n = legacy_scan_announced(rep, t, tl);
	}
	/* the enclosed bounce's words, not LISTSERV's wrapper */
	for (j = n0; j < rep->nrcpt; j++) {
		if (rep->rcpt[j].diagnostic == NULL)
			rep->rcpt[j].diagnostic = legacy_prose(&rep->arena, t,
			    tl);
	}
	return n;
}

const struct legacy_family legacy_family_listserv = {
	.name = "listserv",
	.match = listserv_match,
	.parse = listserv_parse,
};
