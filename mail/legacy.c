#include "legacy.h"

#include <stdio.h>
#include <string.h>

#include "common/acmatch.h"
#include "common/strutil.h"
#include "legacy_marks.h"
#include "mail_limits.h"

static const char *const common_end[] = {
	"--- Below this line is a copy of the message",
	"--- Enclosed is a copy of the message",
	"------ This is a copy of the message",
	"----- Original message -----",
	"--- Original message follows",
	"Original message follows",
	"------ Original Message ------",
	"----- Unsent message follows -----",
	"----- Message header follows -----",
	"Message headers follow",
	"Your message reads (in part)",
	"------- Returned Message",
	"Content-Type: message/rfc822",
	NULL,
};

/* Whether s[0..len) holds a phrase of list; t: what is known of s. */
static bool
any_in(struct legacy_text *t, const char *const *list, const char *s,
    size_t len)
{
	return legacy_marks_first(t, list, s, len) != ACM_NONE;
}

/* The lists legacy_marks.c compiles besides the families' (any_in() and
 * first_of() search other lists phrase by phrase). */
static const char *const dsn_fields[] = { "Reporting-MTA:",
	"Final-Recipient:", NULL };

/*
 * A bounce is sent with the null reverse-path (RFC 5321 4.5.5), which the
 * final delivery records as "Return-Path: <>"; some MTAs also leave From
 * without an address. Required before a subject alone is believed.
 */
static bool
null_sender(struct report *rep)
{
	const char *rp = mail_header_index_raw(&rep->arena, &rep->hdr_index,
	    "Return-Path");

	if (rp != NULL && strstr(rp, "<>") != NULL)
		return true;
	return rep->from == NULL || strchr(rep->from, '@') == NULL;
}

bool
legacy_header_has(const struct mail_message *msg, const char *name,
    const char *needle)
{
	const char *p = msg->hdr, *e = msg->hdr + msg->hdr_len, *f, *nl;
	size_t n = strlen(name);

	/* field by field, each read once: linear in the header's size */
	while (p < e) {
		f = p;
		do {
			nl = memchr(p, '\n', (size_t)(e - p));
			p = nl != NULL ? nl + 1 : e;
		} while (p < e && (*p == ' ' || *p == '\t'));
		if ((size_t)(p - f) > n && f[n] == ':' && ci_starts(f, n, name) &&
		    ci_find(f + n + 1, (size_t)(p - f - n - 1), needle) != NULL)
			return true;
	}
	return false;
}

static bool
family_matches(const struct legacy_family *f, struct report *rep,
    const struct mail_message *msg, struct legacy_text *t)
{
	const char *text = t->s;
	size_t len = t->len;
	const char *from = rep->from, *subj = rep->subject;

	if (f->match != NULL && f->match(rep, msg, text, len))
		return true;

	if (f->headers != NULL) {
		const char *const *h;

		for (h = f->headers; *h != NULL; h++) {
			size_t vl;

			if (mail_header_index_find(&rep->hdr_index, *h, &vl) !=
			    NULL)
				return true;
		}
	}
	if (f->body != NULL && any_in(t, f->body, text, len))
		return true;
	if (f->from != NULL && from != NULL &&
	    any_in(NULL, f->from, from, strlen(from)))
		return f->subject == NULL ||
		    (subj != NULL &&
			any_in(NULL, f->subject, subj, strlen(subj)));
	/* a subject alone is weak: a reply or forward quoting one is no
	 * bounce */
	if (f->from == NULL && f->subject != NULL && subj != NULL &&
	    !ci_starts(subj, strlen(subj), "Re:") &&
	    !ci_starts(subj, strlen(subj), "Fw") && null_sender(rep))
		return any_in(NULL, f->subject, subj, strlen(subj));
	return false;
}

/* First occurrence of any of list[] in s[0..len), or NULL; t: what is
 * known of s (NULL: nothing). */
static const char *
first_of(struct legacy_text *t, const char *const *list, const char *s,
    size_t len)
{
	size_t f = legacy_marks_first(t, list, s, len);

	return f != ACM_NONE ? s + f : NULL;
}

/* Start of the line after the first line holding one of list[]. */
static const char *
after_marker(struct legacy_text *t, const char *const *list, const char *s,
    size_t len)
{
	const char *best = first_of(t, list, s, len), *p;

	if (best == NULL)
		return NULL;
	p = memchr(best, '\n', len - (size_t)(best - s));
	return p != NULL ? p + 1 : s + len;
}

/* Start of the first line holding one of list[], or NULL. */
static const char *
before_marker(struct legacy_text *t, const char *const *list, const char *s,
    size_t len)
{
	const char *best = first_of(t, list, s, len);

	if (best == NULL)
		return NULL;
	while (best > s && best[-1] != '\n')
		best--;
	return best;
}

struct report_rcpt *
legacy_find_rcpt(struct report *rep, size_t from, const char *addr)
{
	size_t i;

	for (i = from; i < rep->nrcpt; i++) {
		if (rep->rcpt[i].recipient != NULL &&
		    strcmp(rep->rcpt[i].recipient, addr) == 0)
			return &rep->rcpt[i];
	}
	return NULL;
}

void
legacy_append(struct arena *a, const char **diag, const char *s, size_t len)
{
	size_t old = *diag != NULL ? strlen(*diag) : 0;
	char *d;

	while (len > 0 && bd_isspace((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len > 0 && bd_isspace((unsigned char)s[len - 1]))
		len--;
	if (len == 0 || old >= MAIL_MAX_DIAG)
		return;
	if (len > MAIL_MAX_DIAG - old)
		len = MAIL_MAX_DIAG - old;
	d = arena_alloc(a, old + len + 2);
	if (old > 0) {
		memcpy(d, *diag, old);
		d[old++] = ' ';
	}
	memcpy(d + old, s, len);
	d[old + len] = '\0';
	*diag = d;
}

/*
 * A session transcript's reply line: "<<< 550 5.1.1 <a@b>... User unknown",
 * "Received >>> 550 ...", or a bare "550 ...": a 4xx/5xx code first.
 */
static bool
transcript_reply(const char *l, size_t ll)
{
	const char *p = l, *e = l + ll;

	while (p < e && (bd_isspace((unsigned char)*p) || *p == '<' ||
			    *p == '>'))
		p++;
	if (ci_starts(p, (size_t)(e - p), "Received >>>"))
		p += 12;
	while (p < e && bd_isspace((unsigned char)*p))
		p++;
	return e - p > 4 && (*p == '4' || *p == '5') &&
	    bd_isdigit((unsigned char)p[1]) && bd_isdigit((unsigned char)p[2]) &&
	    (p[3] == ' ' || p[3] == '-');
}

/*
 * The first line of text[0..len) naming addr (any line when NULL) with a
 * reply -- with strict, a line that is a reply by itself -- or NULL.
 */
static const char *
reply_line(const char *text, size_t len, const char *addr, bool strict,
    size_t *ll_r)
{
	size_t pos = 0;
	const char *l;

	while (str_line(text, len, &pos, &l, ll_r)) {
		if ((addr == NULL || ci_find(l, *ll_r, addr) != NULL) &&
		    (strict ? transcript_reply(l, *ll_r)
			    : find_reply_code(l, *ll_r) != 0))
			return l;
	}
	return NULL;
}

/* Whether diagnostic d already holds the start of line l (white space
 * squeezed in both), so that it is not said twice. */
static bool
already_said(const char *d, const char *l, size_t ll)
{
	char head[48];
	size_t n = 0;

	if (d == NULL)
		return false;
	while (ll > 0 && bd_isspace((unsigned char)*l))
		l++, ll--;
	for (; ll > 0 && n < sizeof(head) - 1; l++, ll--) {
		if (bd_isspace((unsigned char)*l) &&
		    (n == 0 || head[n - 1] == ' '))
			continue;
		head[n++] = bd_isspace((unsigned char)*l) ? ' ' : *l;
	}
	head[n] = '\0';
	return ci_find(d, strlen(d), head) != NULL;
}

/*
 * A recipient whose own lines carry no SMTP reply: a line elsewhere in the
 * text that names it with one (a session transcript, "Technical details")
 * is what the server said. A relay that refused a message it was passing
 * on (InterScan: "Unable to deliver message to <a@b>") returns the
 * message, and when that is itself a bounce its transcript has the reply:
 * only a transcript line is believed there, not any text with a number.
 */
static void
reply_lines(struct report *rep, size_t n0, const char *text, size_t len,
    size_t plen)
{
	const struct mail_part *op = rep->original.part;
	const char *otext = NULL, *l;
	size_t i, ll, olen = 0;

	for (i = n0; i < rep->nrcpt; i++) {
		struct report_rcpt *r = &rep->rcpt[i];
		const char *d = r->diagnostic;

		if (r->recipient == NULL ||
		    (d != NULL && find_reply_code(d, strlen(d)) != 0))
			continue;
		l = reply_line(text, len, r->recipient, false, &ll);
		/* a lone recipient: a line of the report's own words that is
		 * a reply by itself ("The error that the other server
		 * returned was:\n552 5.2.2 Mailbox full") */
		if (l == NULL && rep->nrcpt - n0 == 1 &&
		    (l = reply_line(text, plen, NULL, true, &ll)) != NULL &&
		    already_said(d, l, ll))
			continue;
		if (l == NULL && op != NULL) {
			if (otext == NULL)
				otext = mail_part_text(&rep->msg, op, &olen);
			if (otext != NULL)
				l = reply_line(otext, olen, r->recipient, true,
				    &ll);
		}
		if (l != NULL)
			legacy_append(&rep->arena, &r->diagnostic, l, ll);
	}
}

/*
 * A bounce forwarded by a person arrives quoted ("> " before every line):
 * when every line of the section is, the copy without one level of quoting
 * is what the MTA wrote. Returns s itself when it is not quoted.
 */
static const char *
unquote(struct arena *a, const char *s, size_t len, size_t *len_r)
{
	size_t pos = 0, n = 0, lines = 0, ll;
	const char *l;
	char *d;

	*len_r = len;
	while (str_line(s, len, &pos, &l, &ll)) {
		if (legacy_blank(l, ll))
			continue;
		if (*l != '>')
			return s;
		lines++;
	}
	if (lines < 2)
		return s;
	d = arena_alloc(a, len + 1);
	for (pos = 0; str_line(s, len, &pos, &l, &ll);) {
		if (ll > 0 && *l == '>') {
			l++;
			ll--;
			if (ll > 0 && *l == ' ') {
				l++;
				ll--;
			}
		}
		memcpy(d + n, l, ll);
		n += ll;
		d[n++] = '\n';
	}
	d[n] = '\0';
	*len_r = n;
	return d;
}

/*
 * Warnings that a message is still queued (Exim's "has not yet been
 * delivered", Sendmail's and Postfix's "THIS IS A WARNING MESSAGE ONLY",
 * Exchange's and Gmail's "has been delayed"): RFC 3464's Action: delayed
 * in prose. Such a report is no failure, and its recipients must not be
 * counted as bounced.
 */
static const char *const delay_text[] = {
	"has not yet been delivered",
	"delivery attempts will continue",
	"this is a warning message only",
	"this is a warning only",
	"you do not need to resend your message",
	"has been delayed",
	"could not send message for past",
	"will be retried for",
	"message will be retried",
	"will continue to try to deliver",
	NULL,
};

static void
delay_notice(struct report *rep, size_t n0, struct legacy_text *t,
    size_t plen)
{
	size_t i;

	if (!any_in(t, delay_text, t->s, plen))
		return;
	for (i = n0; i < rep->nrcpt; i++) {
		if (rep->rcpt[i].action == NULL)
			rep->rcpt[i].action = "delayed";
	}
}

static void prose_diagnostic(struct report *rep, struct report_rcpt *r,
    struct legacy_text *t, size_t len);

/* A lone recipient the family's lines said nothing about: the report's
 * own prose (not the returned copy) is all there is to read. */
static void
lone_prose(struct report *rep, struct report_rcpt *r, struct legacy_text *t,
    size_t plen)
{
	const char *d, *a;
	size_t letters = 0, alen;

	prose_diagnostic(rep, r, t, plen);
	if ((d = r->diagnostic) == NULL)
		return;
	/* the address itself and some punctuation say nothing: no text
	 * then, rather than text that only looks like a reason */
	a = r->recipient != NULL ? ci_find(d, strlen(d), r->recipient) : NULL;
	alen = a != NULL ? strlen(r->recipient) : 0;
	for (; *d != '\0'; d++) {
		if (a != NULL && d == a)
			d += alen - 1;
		else if ((*d | 0x20) >= 'a' && (*d | 0x20) <= 'z')
			letters++;
		else if ((unsigned char)*d >= 0x80)
			letters++;
	}
	if (letters < 8)
		r->diagnostic = NULL;
}

static void
family_hints(const struct legacy_family *f, struct report *rep, size_t n0)
{
	const struct legacy_hint *h;
	size_t i;

	for (i = n0; f->hints != NULL && i < rep->nrcpt; i++) {
		struct report_rcpt *r = &rep->rcpt[i];

		if (r->hint != NULL || r->diagnostic == NULL)
			continue;
		for (h = f->hints; h->text != NULL; h++) {
			if (ci_find(r->diagnostic, strlen(r->diagnostic),
				h->text) != NULL) {
				r->hint = h->reason;
				break;
			}
		}
	}
}

static size_t
try_family(const struct legacy_family *f, struct report *rep,
    struct legacy_text *t)
{
	const char *text = t->s, *b = text, *e = NULL;
	size_t len = t->len, n, slen;

	if (f->start != NULL &&
	    (b = after_marker(t, f->start, text, len)) == NULL)
		return 0;
	if (f->end != NULL)
		e = before_marker(t, f->end, b, len - (size_t)(b - text));
	if (e == NULL)
		e = before_marker(t, common_end, b, len - (size_t)(b - text));
	if (e == NULL)
		e = text + len;
	b = unquote(&rep->arena, b, (size_t)(e - b), &slen);
	if (f->parse != NULL)
		n = f->parse(rep, b, slen);
	else
		n = legacy_scan_intro(rep, b, slen, f->intro);
	return n;
}

size_t
legacy_parse(struct report *rep, struct mail_message *msg, const char *text,
    size_t len)
{
	const struct legacy_family *const *fp;
	enum report_kind kind0 = rep->kind;
	struct legacy_text t;
	const char *e;
	size_t plen;

	/* the text is read once for every family's markers, on the first
	 * question (legacy_marks.h) */
	legacy_text_init(&t, &rep->text_scan, &rep->arena, text, len);
	for (fp = legacy_families; *fp != NULL; fp++) {
		const struct legacy_family *f = *fp;
		size_t n0 = rep->nrcpt, n;

		if (!family_matches(f, rep, msg, &t))
			continue;
		n = try_family(f, rep, &t);
		if (n > 0) {
			rep->family = f->name;
			/* a complaint in a provider's own format (Amazon SES)
			 * is feedback, as an RFC 5965 report would be */
			if (rep->kind != REPORT_FEEDBACK)
				rep->kind = REPORT_LEGACY;
			/* the report's own words: before the returned copy */
			e = before_marker(&t, common_end, text, len);
			plen = e != NULL ? (size_t)(e - text) : len;
			legacy_exim_output(rep, n0, &t, text, len);
			if (rep->kind != REPORT_FEEDBACK)
				reply_lines(rep, n0, text, len, plen);
			delay_notice(rep, n0, &t, plen);
			if (n == 1 && rep->rcpt[n0].diagnostic == NULL)
				lone_prose(rep, &rep->rcpt[n0], &t, plen);
			family_hints(f, rep, n0);
			return n;
		}
		rep->nrcpt = n0;
		rep->kind = kind0;
	}
	return 0;
}

/*
 * The part of a report's prose after a family's "these failed:" line, or
 * all of it: for a lone recipient the report's fields say nothing about.
 */
static void
prose_diagnostic(struct report *rep, struct report_rcpt *r,
    struct legacy_text *t, size_t len)
{
	const struct legacy_family *const *fp;
	const char *text = t->s, *b = NULL;

	for (fp = legacy_families; *fp != NULL && b == NULL; fp++) {
		if ((*fp)->start != NULL)
			b = after_marker(t, (*fp)->start, text, len);
	}
	if (b != NULL) {
		len -= (size_t)(b - text);
		text = b;
	}
	r->diagnostic = legacy_prose(&rep->arena, text, len);
}

const char *
legacy_prose(struct arena *a, const char *s, size_t len)
{
	char *d = arena_strndup(a, s, len > MAIL_MAX_DIAG ? MAIL_MAX_DIAG : len);

	return str_squeeze(d) > 0 ? d : NULL;
}

/*
 * "Diagnostic-Code: X-Unix; 77": a local mailer's exit status (sysexits.h,
 * 77 is EX_NOPERM) is no text to read; Sendmail writes the words for it in
 * the human-readable part ("(reason: Insufficient permission)").
 */
static bool
exit_status_only(const struct report_rcpt *r)
{
	const char *d = r->diagnostic, *t = r->diagnostic_type;

	if (d == NULL || t == NULL || (!ci_starts(t, strlen(t), "x-unix") &&
					  !ci_starts(t, strlen(t), "x-local")))
		return false;
	return *d != '\0' && strspn(d, "0123456789") == strlen(d);
}

/* The prose for r in front, the exit status kept after it. */
static void
fill_one(struct report *rep, struct report_rcpt *r, const char *prose)
{
	const char *status = r->diagnostic, *d = NULL;
	char *s;
	size_t sl;

	if (status == NULL) {
		r->diagnostic = prose;
		return;
	}
	legacy_append(&rep->arena, &d, prose, strlen(prose));
	sl = strlen(r->diagnostic_type) + strlen(status) + 5;
	s = arena_alloc(&rep->arena, sl);
	snprintf(s, sl, "(%s; %s)", r->diagnostic_type, status);
	legacy_append(&rep->arena, &d, s, strlen(s));
	r->diagnostic = d;
}

void
legacy_fill_diagnostics(struct report *rep, const char *text, size_t len)
{
	size_t n0 = rep->nrcpt, i;
	struct legacy_text lt;
	const char *e;

	legacy_text_init(&lt, &rep->text_scan, &rep->arena, text, len);
	if ((e = before_marker(&lt, common_end, text, len)) != NULL)
		len = (size_t)(e - text);
	/* a report pasted into the text (dsn_in_text()) is no one's prose */
	if ((e = before_marker(&lt, dsn_fields, text, len)) != NULL)
		len = (size_t)(e - text);
	legacy_exim_output(rep, 0, &lt, text, len);
	legacy_scan_section(rep, text, len);
	for (i = n0; i < rep->nrcpt; i++) {
		struct report_rcpt *t = legacy_find_rcpt(rep, 0,
		    rep->rcpt[i].recipient);

		if (t != NULL && (size_t)(t - rep->rcpt) < n0 &&
		    rep->rcpt[i].diagnostic != NULL &&
		    (t->diagnostic == NULL || exit_status_only(t)))
			fill_one(rep, t, rep->rcpt[i].diagnostic);
	}
	rep->nrcpt = n0;
	if (n0 == 1 && rep->rcpt[0].diagnostic == NULL)
		prose_diagnostic(rep, &rep->rcpt[0], &lt, len);
}

const char *
legacy_inline_original(struct marks_scan *scan, const char *text, size_t len,
    size_t *len_r)
{
	struct legacy_text t;
	const char *b;

	legacy_text_init(&t, scan, NULL, text, len);
	/* no arena for a scan of its own: only the shared one is used */
	b = after_marker(t.scan == scan ? &t : NULL, common_end, text, len);

	if (b == NULL)
		return NULL;
	while (b < text + len && (*b == '\n' || *b == ' ' || *b == '\t'))
		b++;
	if (b >= text + len)
		return NULL;
	*len_r = len - (size_t)(b - text);
	return b;
}

const char *const *const legacy_own_lists[] = { common_end, delay_text,
	dsn_fields, legacy_exim_mark, NULL };
