/*
 * Sendmail's plain-text returns (V8 without DSN, V5, and look-alikes such
 * as Active!Hunter): a list of failed addresses with "(reason: ...)" lines,
 * then the session transcript, where "... while talking to host:" opens a
 * session, ">>>" is what we sent, "<<<" what the server replied, and
 * "550 <a@b>... User unknown" is Sendmail's verdict on one recipient.
 */
#include "legacy.h"

#include <string.h>

#include "common/strutil.h"

static const char *const subject[] = { "Returned mail:", NULL };
static const char *const body[] = {
	"----- Transcript of session follows -----",
	"----- The following addresses had permanent fatal errors -----",
	NULL,
};
static const char *const start[] = {
	"----- The following addresses had permanent fatal errors -----",
	"----- The following addresses had permanent delivery errors -----",
	"----- Transcript of session follows -----",
	NULL,
};
static const char *const end[] = {
	"----- Original message follows -----",
	"----- Unsent message follows -----",
	"----- Message header follows -----",
	"-----Unsent message follows-----",
	"----- Message body suppressed -----",
	"----- No message was collected -----", /* V5 savemail.c */
	"Reporting-MTA:",
	NULL,
};

/* What the current session has said so far. */
struct session {
	const char *host;
	const char *replies; /* "<<<" lines not yet given to a recipient */
};

static const char *
skip_ws(const char *p, const char *e)
{
	while (p < e && bd_isspace((unsigned char)*p))
		p++;
	return p;
}

/* ">>> RCPT To:<a@b>": a command we sent, not a recipient line. */
static bool
is_command(const char *p, const char *e)
{
	static const char *const verbs[] = {
		"RCPT", "DATA", "MAIL", "HELO", "EHLO", "QUIT", "RSET",
		"STARTTLS", "AUTH", ".", NULL,
	};
	const char *const *v;

	p = skip_ws(p, e);
	for (v = verbs; *v != NULL; v++) {
		if (ci_starts(p, (size_t)(e - p), *v))
			return true;
	}
	return false;
}

/*
 * "554 <a@b>... reason" or "a@b... reason": an optional reply code, the
 * address, then "...". Returns the address and the reason in *rest.
 */
static const char *
verdict(struct report *rep, const char *l, const char *e, const char **rest)
{
	const char *p = skip_ws(l, e), *as;
	size_t alen;

	while (p < e && (bd_isdigit((unsigned char)*p) || *p == '.'))
		p++;
	p = skip_ws(p, e);
	if (p < e && *p == '<')
		p++;
	if (!find_address(p, (size_t)(e - p), &as, &alen) || as != p)
		return NULL;
	p = as + alen;
	if (p < e && *p == '>')
		p++;
	if ((size_t)(e - p) < 3 || memcmp(p, "...", 3) != 0)
		return NULL;
	/* "554 <a@b>... 550 Host unknown": the code after "..." is the
	 * server's, the one before is Sendmail's own */
	*rest = skip_ws(p + 3, e);
	if (find_reply_code(*rest, (size_t)(e - *rest)) == 0)
		*rest = l;
	return report_address(&rep->arena, as, alen);
}

static struct report_rcpt *
get_rcpt(struct report *rep, size_t n0, const char *addr, size_t *added)
{
	struct report_rcpt *r;
	size_t i;

	for (i = n0; i < rep->nrcpt; i++) {
		if (rep->rcpt[i].recipient != NULL &&
		    strcmp(rep->rcpt[i].recipient, addr) == 0)
			return &rep->rcpt[i];
	}
	if ((r = report_add_rcpt(rep)) != NULL) {
		r->recipient = addr;
		(*added)++;
	}
	return r;
}

static void
talking_to(struct report *rep, struct session *s, const char *p,
    const char *e)
{
	const char *h = ci_find(p, (size_t)(e - p), "talking to") + 10;
	const char *he;

	h = skip_ws(h, e);
	he = h;
	while (he < e && !bd_isspace((unsigned char)*he) && *he != ':')
		he++;
	while (he > h && he[-1] == '.')
		he--;
	s->host = he > h ? arena_strndup(&rep->arena, h, (size_t)(he - h))
			 : NULL;
	s->replies = NULL;
}

/* One transcript or address-list line; *cur is the recipient being read. */
static void
line(struct report *rep, size_t n0, struct session *s, const char *l,
    const char *e, struct report_rcpt **cur, size_t *added)
{
	const char *p = skip_ws(l, e), *addr, *rest;
	size_t len = (size_t)(e - p);

	if (ci_find(p, len, "while talking to") != NULL) {
		talking_to(rep, s, p, e);
		*cur = NULL;
	} else if (ci_starts(p, len, "<<<")) {
		legacy_append(&rep->arena, &s->replies, p + 3, len - 3);
	} else if (ci_starts(p, len, ">>>") && is_command(p + 3, e)) {
		*cur = NULL;
	} else if (*p == '(' && *cur != NULL) {
		legacy_append(&rep->arena, &(*cur)->diagnostic, p, len);
	} else if ((addr = verdict(rep, p, e, &rest)) != NULL) {
		struct report_rcpt *r = get_rcpt(rep, n0, addr, added);
		const char *d = r != NULL ? r->diagnostic : NULL;

		*cur = NULL;
		if (r == NULL || (d != NULL && find_reply_code(d, strlen(d))))
			return;
		legacy_append(&rep->arena, &r->diagnostic, s->replies,
		    s->replies != NULL ? strlen(s->replies) : 0);
		legacy_append(&rep->arena, &r->diagnostic, rest,
		    (size_t)(e - rest));
		if (r->remote_mta == NULL)
			r->remote_mta = s->host;
		s->replies = NULL;
		s->host = NULL;
	} else if (s->host == NULL && bd_isdigit((unsigned char)*p) &&
	    find_reply_code(p, len) != 0) {
		/* a reply outside a session: V5's "550 host (smtp)... 550
		 * Host unknown", qmail-style "550 sorry, no mailbox" */
		legacy_append(&rep->arena, &s->replies, p, len);
	} else if (*p != '-' && legacy_scan_section(rep, l, (size_t)(e - l)) >
	    0) {
		/* an address on its own line, from the list of failures */
		struct report_rcpt *r = &rep->rcpt[rep->nrcpt - 1];

		*cur = get_rcpt(rep, n0, r->recipient, added);
		if (*cur != r)
			rep->nrcpt--;
		else
			(*added)++;
	}
}

/*
 * "Message could not be delivered for 5 days": the queue lifetime ran out.
 * That is why a recipient whose last attempt was only deferred
 * ("Deferred: Connection refused") bounced, so it joins its diagnostic.
 */
static void
gave_up(struct report *rep, size_t n0, const char *text, size_t len)
{
	const char *p = ci_find(text, len, "could not be delivered for"), *e;
	size_t i;

	if (p == NULL)
		return;
	while (p > text && p[-1] != '\n')
		p--;
	e = memchr(p, '\n', len - (size_t)(p - text));
	if (e == NULL)
		e = text + len;
	for (i = n0; i < rep->nrcpt; i++) {
		struct report_rcpt *r = &rep->rcpt[i];

		if (r->diagnostic != NULL &&
		    ci_find(r->diagnostic, strlen(r->diagnostic), "deferred") !=
			NULL)
			legacy_append(&rep->arena, &r->diagnostic, p,
			    (size_t)(e - p));
	}
}

/*
 * V5 Sendmail names no address when the host failed for all of them
 * ("421 example.org (smtp)... Deferred: Connection timed out"); the
 * unsent message's To: is the recipient then (sisimai
 * Lhost/V5sendmail.pm does the same). The first address only: which of
 * several failed is not said.
 */
static size_t
unsent_to(struct report *rep, const char *replies)
{
	static const char *const marks[] = { "----- Unsent message follows",
		"-----Unsent message follows", NULL };
	const struct mail_message *msg = &rep->msg;
	const char *b = msg->hdr + msg->hdr_len, *e = msg->buf + msg->len;
	const char *const *m, *h = NULL, *to, *as;
	struct report_rcpt *r;
	size_t alen, hl;

	for (m = marks; *m != NULL && h == NULL; m++)
		h = ci_find(b, (size_t)(e - b), *m);
	if (h == NULL || (h = memchr(h, '\n', (size_t)(e - h))) == NULL)
		return 0;
	h++;
	hl = mail_header_block_len(h, (size_t)(e - h));
	to = mail_header_raw(&rep->arena, h, hl, "To");
	if (to == NULL || !find_address(to, strlen(to), &as, &alen) ||
	    (r = report_add_rcpt(rep)) == NULL)
		return 0;
	r->recipient = report_address(&rep->arena, as, alen);
	legacy_append(&rep->arena, &r->diagnostic, replies, strlen(replies));
	return 1;
}

static size_t
sendmail_parse(struct report *rep, const char *text, size_t len)
{
	struct session s = { NULL, NULL };
	struct report_rcpt *cur = NULL;
	size_t pos = 0, n0 = rep->nrcpt, added = 0, i, ll;
	const char *l;

	while (str_line(text, len, &pos, &l, &ll)) {
		if (!legacy_blank(l, ll))
			line(rep, n0, &s, l, l + ll, &cur, &added);
	}
	/* a session that failed for everyone (DATA refused) */
	for (i = n0; s.replies != NULL && i < rep->nrcpt; i++) {
		struct report_rcpt *r = &rep->rcpt[i];

		if (r->diagnostic == NULL ||
		    find_reply_code(r->diagnostic, strlen(r->diagnostic)) == 0) {
			legacy_append(&rep->arena, &r->diagnostic, s.replies,
			    strlen(s.replies));
			if (r->remote_mta == NULL)
				r->remote_mta = s.host;
		}
	}
	if (added == 0 && s.replies != NULL)
		added = unsent_to(rep, s.replies);
	gave_up(rep, n0, text, len);
	return added;
}

const struct legacy_family legacy_family_sendmail = {
	.name = "sendmail",
	.subject = subject,
	.body = body,
	.start = start,
	.end = end,
	.parse = sendmail_parse,
};
