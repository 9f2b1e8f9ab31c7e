#include "legacy.h"

#include <string.h>

#include "common/strutil.h"
#include "mail_limits.h"

/*
 * Phrases after which many MTAs name the failed recipient on the same
 * line ("Could not be delivered to: <a@b>", "Unknown user: a@b"). Only
 * read once a family has recognised the message as a bounce.
 */
static const char *const common_intro[] = {
	"Recipient address:",
	"Recipient:",
	"Could not be delivered to:",
	"Unable to deliver message to",
	"There was an error delivering your mail to",
	"Your message to",
	"Your message could not be delivered to",
	"Delivery to the following recipient failed",
	"could not deliver mail to",
	"Failed to deliver to",
	"rejected recipient",
	"undeliverable to",
	"Unknown user:",
	"Invalid recipient:",
	"User unknown:",
	"Delivery failed",
	NULL,
};

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
	"Content-Type: message/rfc822",
	NULL,
};

static bool
any_in(const char *const *list, const char *s, size_t len)
{
	if (list == NULL || s == NULL)
		return false;
	for (; *list != NULL; list++) {
		if (ci_find(s, len, *list) != NULL)
			return true;
	}
	return false;
}

/*
 * A bounce is sent with the null reverse-path (RFC 5321 4.5.5), which the
 * final delivery records as "Return-Path: <>"; some MTAs also leave From
 * without an address. Required before a subject alone is believed.
 */
static bool
null_sender(struct report *rep, const struct mail_message *msg)
{
	const char *rp = mail_header_raw(&rep->arena, msg->hdr, msg->hdr_len,
	    "Return-Path");

	if (rp != NULL && strstr(rp, "<>") != NULL)
		return true;
	return rep->from == NULL || strchr(rep->from, '@') == NULL;
}

static bool
family_matches(const struct legacy_family *f, struct report *rep,
    const struct mail_message *msg, const char *text, size_t len)
{
	const char *from = rep->from, *subj = rep->subject;

	if (f->headers != NULL) {
		const char *const *h;

		for (h = f->headers; *h != NULL; h++) {
			if (mail_header_raw(&rep->arena, msg->hdr, msg->hdr_len,
				*h) != NULL)
				return true;
		}
	}
	if (f->body != NULL && any_in(f->body, text, len))
		return true;
	if (f->from != NULL && from != NULL &&
	    any_in(f->from, from, strlen(from)))
		return f->subject == NULL ||
		    (subj != NULL && any_in(f->subject, subj, strlen(subj)));
	/* a subject alone is weak: a reply or forward quoting one is no
	 * bounce */
	if (f->from == NULL && f->subject != NULL && subj != NULL &&
	    !ci_starts(subj, strlen(subj), "Re:") &&
	    !ci_starts(subj, strlen(subj), "Fw") && null_sender(rep, msg))
		return any_in(f->subject, subj, strlen(subj));
	return false;
}

/* First occurrence of any of list[] in s[0..len), or NULL. */
static const char *
first_of(const char *const *list, const char *s, size_t len)
{
	const char *best = NULL, *p;

	for (; *list != NULL; list++) {
		p = ci_find(s, len, *list);
		if (p != NULL && (best == NULL || p < best))
			best = p;
	}
	return best;
}

/* Start of the line after the first line holding one of list[]. */
static const char *
after_marker(const char *const *list, const char *s, size_t len)
{
	const char *best = first_of(list, s, len), *p;

	if (best == NULL)
		return NULL;
	p = memchr(best, '\n', len - (size_t)(best - s));
	return p != NULL ? p + 1 : s + len;
}

/* Start of the first line holding one of list[], or NULL. */
static const char *
before_marker(const char *const *list, const char *s, size_t len)
{
	const char *best = first_of(list, s, len);

	if (best == NULL)
		return NULL;
	while (best > s && best[-1] != '\n')
		best--;
	return best;
}

static struct report_rcpt *
find_rcpt(struct report *rep, size_t from, const char *addr)
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

/* A word made of list markers only: "*", "-", ">>>", "•". */
static bool
is_bullet(const char *w, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)w[i];

		if (c != '*' && c != '-' && c != '+' && c != '>' && c != '#' &&
		    c < 0x80)
			return false;
	}
	return len > 0;
}

/*
 * Exim (and others) list a local recipient by its local part only; the
 * X-Failed-Recipients header field has the whole address.
 */
static const char *
failed_by_local(struct report *rep, const char *w, size_t wl)
{
	const char *h = mail_header_raw(&rep->arena, rep->msg.hdr,
	    rep->msg.hdr_len, "X-Failed-Recipients");
	const char *p, *as;
	size_t hl, alen;

	while (wl > 0 && (w[wl - 1] == ':' || w[wl - 1] == '.' ||
			     w[wl - 1] == ','))
		wl--;
	if (h == NULL || wl == 0)
		return NULL;
	hl = strlen(h);
	for (p = h; find_address(p, hl - (size_t)(p - h), &as, &alen);
	     p = as + alen) {
		const char *at = memchr(as, '@', alen);

		if ((size_t)(at - as) == wl && strncmp(as, w, wl) == 0)
			return report_address(&rep->arena, as, alen);
	}
	return NULL;
}

/* What a recipient line yields: the address and the text beside it. */
struct rcpt_line {
	const char *addr;
	const char *pre, *post; /* diagnostic text before/after it */
	size_t pre_len, post_len;
	bool intro; /* named after a phrase: its reason may follow */
};

static bool
intro_address(struct report *rep, const char *const *intro, const char *l,
    size_t ll, struct rcpt_line *rl)
{
	const char *p, *as;
	size_t alen;

	/* every intro is followed by an address: most lines have none */
	if (memchr(l, '@', ll) == NULL)
		return false;
	for (; intro != NULL && *intro != NULL; intro++) {
		p = ci_find(l, ll, *intro);
		/* a whole word: "Recipient:" is not "Final-Recipient:" */
		if (p == NULL || (p > l && !bd_isspace((unsigned char)p[-1])))
			continue;
		p += strlen(*intro);
		if (!find_address(p, ll - (size_t)(p - l), &as, &alen))
			continue;
		rl->addr = report_address(&rep->arena, as, alen);
		rl->pre = l;
		rl->pre_len = (size_t)(as - l);
		rl->post = as + alen;
		rl->post_len = ll - (size_t)(as + alen - l);
		rl->intro = true;
		return true;
	}
	return false;
}

/*
 * A line that opens a recipient: its first word (after a list marker) is
 * an address, bare or in angle brackets, maybe followed by ':' or '...';
 * or a known phrase introduces the address.
 */
static bool
rcpt_line(struct report *rep, const char *const *intro, const char *l,
    size_t ll, struct rcpt_line *rl)
{
	const char *as;
	size_t i = 0, wend, alen;
	int words;

	memset(rl, 0, sizeof(*rl));
	for (words = 0; words < 2; words++) {
		while (i < ll && (bd_isspace((unsigned char)l[i]) ||
				     l[i] == '"' || l[i] == '\''))
			i++;
		wend = i;
		while (wend < ll && !bd_isspace((unsigned char)l[wend]))
			wend++;
		if (wend == i)
			return false;
		if (!is_bullet(l + i, wend - i))
			break;
		i = wend;
	}
	if (find_address(l + i, wend - i, &as, &alen) &&
	    as - (l + i) <= 1) {
		rl->addr = report_address(&rep->arena, as, alen);
	} else if ((rl->addr = failed_by_local(rep, l + i, wend - i)) ==
	    NULL) {
		if (intro_address(rep, intro, l, ll, rl))
			return true;
		return intro != common_intro &&
		    intro_address(rep, common_intro, l, ll, rl);
	}
	rl->post = l + wend;
	rl->post_len = ll - wend;
	return rl->addr != NULL;
}

/* Columns of white space before a line's first character. */
static size_t
indent_of(const char *l, size_t ll)
{
	size_t i, col = 0;

	for (i = 0; i < ll && (l[i] == ' ' || l[i] == '\t'); i++)
		col = l[i] == '\t' ? (col / 8 + 1) * 8 : col + 1;
	return col;
}

/*
 * "----- Transcript of session follows -----", "-------server message",
 * "=====": a heading between blocks, not anyone's reason.
 */
static bool
is_heading(const char *l, size_t ll)
{
	size_t i = strspn(l, " \t");

	return i + 3 <= ll && ((l[i] == '-' && l[i + 1] == '-' &&
				   l[i + 2] == '-') ||
			       (l[i] == '=' && l[i + 1] == '=' &&
				   l[i + 2] == '='));
}

static size_t
scan(struct report *rep, const char *text, size_t len,
    const char *const *intro)
{
	struct report_rcpt *cur = NULL;
	size_t pos = 0, n0 = rep->nrcpt, added = 0, cur_indent = 0;
	bool blank = false, gap = false;

	while (pos < len) {
		const char *l = text + pos, *nl = memchr(l, '\n', len - pos);
		size_t ll = nl != NULL ? (size_t)(nl - l) : len - pos;
		struct rcpt_line rl;

		pos += ll + 1;
		if (strspn(l, " \t") >= ll) {
			blank = true;
			continue;
		}
		/*
		 * Exim and Postfix indent a recipient's reason under it, and
		 * the reply there often starts with the address again
		 * ("<a@b>: host mx said: 550" / "    <a@b>: User unknown"):
		 * a deeper line of the same block is reason, not a new
		 * recipient.
		 */
		if (cur != NULL && !blank &&
		    indent_of(l, ll) > cur_indent &&
		    rcpt_line(rep, intro, l, ll, &rl) && !rl.intro) {
			legacy_append(&rep->arena, &cur->diagnostic, l, ll);
			gap = false;
			continue;
		}
		if (rcpt_line(rep, intro, l, ll, &rl)) {
			struct report_rcpt *r = find_rcpt(rep, n0, rl.addr);

			cur = NULL;
			cur_indent = indent_of(l, ll);
			blank = false;
			if (r == NULL) {
				if ((r = report_add_rcpt(rep)) == NULL)
					break;
				r->recipient = rl.addr;
				added++;
			} else if (r->diagnostic != NULL) {
				continue; /* a repeat: keep the first text */
			}
			cur = r;
			legacy_append(&rep->arena, &cur->diagnostic, rl.pre,
			    rl.pre_len);
			legacy_append(&rep->arena, &cur->diagnostic, rl.post,
			    rl.post_len);
			/* "a@b" alone or "Unable to deliver to a@b": the
			 * reason may come after a blank line */
			gap = rl.intro || cur->diagnostic == NULL;
			continue;
		}
		if (cur == NULL)
			continue;
		if (blank && !gap) {
			cur = NULL;
			continue;
		}
		blank = false;
		if (is_heading(l, ll)) {
			/* a heading before the reason is skipped; after it,
			 * it ends the block */
			if (!gap)
				cur = NULL;
			continue;
		}
		/* the gap allowed before a reason closes once one is read:
		 * the paragraph after it is prose ("No action is required"),
		 * unless the line announces it ("for the following reason:") */
		gap = gap && l[ll - 1] == ':';
		legacy_append(&rep->arena, &cur->diagnostic, l, ll);
	}
	return added;
}

size_t
legacy_scan_section(struct report *rep, const char *text, size_t len)
{
	return scan(rep, text, len, common_intro);
}

/*
 * A recipient whose own lines carry no SMTP reply: a line elsewhere in the
 * text that names it with one (a session transcript, "Technical details")
 * is what the server said.
 */
static void
reply_lines(struct report *rep, size_t n0, const char *text, size_t len)
{
	size_t i, pos;

	for (i = n0; i < rep->nrcpt; i++) {
		struct report_rcpt *r = &rep->rcpt[i];
		const char *d = r->diagnostic;

		if (r->recipient == NULL ||
		    (d != NULL && find_reply_code(d, strlen(d)) != 0))
			continue;
		for (pos = 0; pos < len;) {
			const char *l = text + pos, *nl = memchr(l, '\n',
							len - pos);
			size_t ll = nl != NULL ? (size_t)(nl - l) : len - pos;

			pos += ll + 1;
			if (ci_find(l, ll, r->recipient) != NULL &&
			    find_reply_code(l, ll) != 0) {
				legacy_append(&rep->arena, &r->diagnostic, l,
				    ll);
				break;
			}
		}
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
	size_t pos, n = 0, lines = 0;
	char *d;

	*len_r = len;
	for (pos = 0; pos < len;) {
		const char *l = s + pos, *nl = memchr(l, '\n', len - pos);
		size_t ll = nl != NULL ? (size_t)(nl - l) : len - pos;

		pos += ll + 1;
		if (strspn(l, " \t") >= ll)
			continue;
		if (*l != '>')
			return s;
		lines++;
	}
	if (lines < 2)
		return s;
	d = arena_alloc(a, len + 1);
	for (pos = 0; pos < len;) {
		const char *l = s + pos, *nl = memchr(l, '\n', len - pos);
		size_t ll = nl != NULL ? (size_t)(nl - l) : len - pos;

		pos += ll + 1;
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

static size_t
try_family(const struct legacy_family *f, struct report *rep,
    const char *text, size_t len)
{
	const char *b = text, *e = NULL;
	size_t n, slen;

	if (f->start != NULL &&
	    (b = after_marker(f->start, text, len)) == NULL)
		return 0;
	if (f->end != NULL)
		e = before_marker(f->end, b, len - (size_t)(b - text));
	if (e == NULL)
		e = before_marker(common_end, b, len - (size_t)(b - text));
	if (e == NULL)
		e = text + len;
	b = unquote(&rep->arena, b, (size_t)(e - b), &slen);
	if (f->parse != NULL)
		n = f->parse(rep, b, slen);
	else
		n = scan(rep, b, slen,
		    f->intro != NULL ? f->intro : common_intro);
	return n;
}

size_t
legacy_parse(struct report *rep, struct mail_message *msg, const char *text,
    size_t len)
{
	const struct legacy_family *const *fp;

	for (fp = legacy_families; *fp != NULL; fp++) {
		const struct legacy_family *f = *fp;
		size_t n0 = rep->nrcpt, n;

		if (!family_matches(f, rep, msg, text, len))
			continue;
		n = try_family(f, rep, text, len);
		if (n > 0) {
			rep->family = f->name;
			rep->kind = REPORT_LEGACY;
			reply_lines(rep, n0, text, len);
			return n;
		}
		rep->nrcpt = n0;
	}
	return 0;
}

/*
 * The part of a report's prose after a family's "these failed:" line, or
 * all of it: for a lone recipient the report's fields say nothing about.
 */
static void
prose_diagnostic(struct report *rep, struct report_rcpt *r, const char *text,
    size_t len)
{
	const struct legacy_family *const *fp;
	const char *b = NULL;
	char *d;

	for (fp = legacy_families; *fp != NULL && b == NULL; fp++) {
		if ((*fp)->start != NULL)
			b = after_marker((*fp)->start, text, len);
	}
	if (b != NULL) {
		len -= (size_t)(b - text);
		text = b;
	}
	legacy_append(&rep->arena, &r->diagnostic, text,
	    len > MAIL_MAX_DIAG ? MAIL_MAX_DIAG : len);
	if (r->diagnostic != NULL) {
		d = arena_strdup(&rep->arena, r->diagnostic);
		str_squeeze(d);
		r->diagnostic = d;
	}
}

void
legacy_fill_diagnostics(struct report *rep, const char *text, size_t len)
{
	size_t n0 = rep->nrcpt, i;
	const char *e = before_marker(common_end, text, len);

	if (e != NULL)
		len = (size_t)(e - text);
	legacy_scan_section(rep, text, len);
	for (i = n0; i < rep->nrcpt; i++) {
		struct report_rcpt *t = find_rcpt(rep, 0, rep->rcpt[i].recipient);

		if (t != NULL && (size_t)(t - rep->rcpt) < n0 &&
		    t->diagnostic == NULL)
			t->diagnostic = rep->rcpt[i].diagnostic;
	}
	rep->nrcpt = n0;
	if (n0 == 1 && rep->rcpt[0].diagnostic == NULL)
		prose_diagnostic(rep, &rep->rcpt[0], text, len);
}

const char *
legacy_inline_original(const char *text, size_t len, size_t *len_r)
{
	const char *b = after_marker(common_end, text, len);

	if (b == NULL)
		return NULL;
	while (b < text + len && (*b == '\n' || *b == ' ' || *b == '\t'))
		b++;
	if (b >= text + len)
		return NULL;
	*len_r = len - (size_t)(b - text);
	return b;
}
