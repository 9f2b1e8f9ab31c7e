/*
 * Who a delivery report is about when it names no one: the envelope
 * recipient of the message it returns (report.h, report_original_rcpt()).
 */
#include "report.h"

#include <string.h>

#include "common/strutil.h"
#include "rfc3464.h"

struct first {
	struct report *rep;
	const char *addr;
};

static void
keep_first(void *ctx, const char *addr)
{
	struct first *f = ctx;

	if (f->addr == NULL)
		f->addr = dsn_field_address(f->rep, NULL, addr);
}

/*
 * The one address of an address list ("To: Pat <pat@example.org>"), or
 * NULL when it holds none or several (mail_address_list(): a group such
 * as "undisclosed-recipients:;" holds none).
 */
static const char *
one_address(struct report *rep, const char *v)
{
	struct first f = { rep, NULL };

	if (mail_address_list(v, strlen(v), 2, keep_first, &f) != 1)
		return NULL;
	/* libetpan joins the words of an obsolete local part ("us er" reads
	 * "user"); where a NUL became a space, that space was no separator */
	if (f.addr != NULL && (rep->mail_flags & MAIL_F_HAS_NULS) != 0 &&
	    ci_find(v, strlen(v), f.addr) == NULL)
		return NULL;
	return f.addr;
}

/* RFC 2369 3.4: "List-Post: <mailto:list@example.org>", the list itself */
static const char *
list_post(struct report *rep, const struct mail_header_index *x)
{
	const char *v = mail_header_index_raw(&rep->arena, x, "List-Post");
	const char *m = v != NULL ? ci_find(v, strlen(v), "mailto:") : NULL;

	if (m == NULL)
		return NULL;
	m += 7;
	return dsn_field_address(
	    rep, NULL, arena_strndup(&rep->arena, m, strcspn(m, ">?,")));
}

/*
 * RFC 5321 4.4: a Received field's "for" clause names the envelope
 * recipient when the message had one there (Postfix, Sendmail and Exim
 * write it then). Returns the newest such address other than skip (the
 * list's own, a list post's older hop), the one nearest the failure;
 * *seen_r tells whether want is among them.
 */
static const char *
received_for(struct report *rep, const char *h, size_t hl, const char *skip,
    const char *want, bool *seen_r)
{
	size_t off = 0, vl, i;
	const char *v, *newest = NULL;

	*seen_r = false;
	while (off < hl &&
	    (v = mail_header_find(h + off, hl - off, "Received", &vl)) != NULL) {
		off = (size_t)(v + vl - h);
		for (i = 1; i + 4 < vl; i++) {
			const char *a, *e;

			if (!bd_isspace((unsigned char)v[i - 1]) ||
			    !ci_starts(v + i, vl - i, "for") ||
			    !bd_isspace((unsigned char)v[i + 3]))
				continue;
			for (a = v + i + 4;
			     a < v + vl && bd_isspace((unsigned char)*a); a++)
				;
			for (e = a; e < v + vl && *e != ';' &&
			     !bd_isspace((unsigned char)*e);
			     e++)
				;
			a = dsn_field_address(rep, NULL,
			    arena_strndup(&rep->arena, a, (size_t)(e - a)));
			if (a == NULL || (skip != NULL && strcmp(a, skip) == 0))
				continue;
			if (newest == NULL)
				newest = a;
			if (want != NULL && strcmp(a, want) == 0)
				*seen_r = true;
			if (want == NULL || *seen_r)
				return newest;
		}
	}
	return newest;
}

/*
 * The To: is the address as sent, and what a list manager matches on;
 * the Received "for" clauses say who the envelope went to. To: is taken
 * when no clause names anyone, or one names it too -- unless the message
 * is a list post (RFC 2919 List-Id, RFC 2369 List-Post): its To: names
 * the list and its newest clause the subscriber. A To: that is not among
 * the clauses names someone else (Bcc, a list without List-* fields).
 */
const char *
report_original_rcpt(struct report *rep, const char **from_r)
{
	const char *h = rep->original.hdr, *list, *to = NULL, *fr, *cc;
	const struct mail_header_index *x = &rep->original.index;
	size_t hl = rep->original.hdr_len, vl;
	bool listed, seen;

	if (h == NULL || hl == 0)
		return NULL;
	list = list_post(rep, x);
	listed = list != NULL || mail_header_index_find(x, "List-Id", &vl);
	cc = mail_header_index_find(x, "Cc", &vl);
	if (cc == NULL || memchr(cc, '@', vl) == NULL)
		to = mail_header_index_raw(&rep->arena, x, "To");
	if (to != NULL && ((to = one_address(rep, to)) == NULL ||
			      (list != NULL && strcmp(to, list) == 0)))
		to = NULL;
	fr = received_for(rep, h, hl, list, to, &seen);
	if (to != NULL && (fr == NULL || (seen && !listed))) {
		*from_r = "To";
		return to;
	}
	if (fr != NULL)
		*from_r = "Received";
	return fr;
}
