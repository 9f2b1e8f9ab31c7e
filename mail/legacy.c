#include "legacy.h"

#include <string.h>

#include "common/strutil.h"
#include "mail_limits.h"

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
	if (f->from == NULL && f->subject != NULL && subj != NULL)
		return any_in(f->subject, subj, strlen(subj));
	return false;
}

/* Start of the line after the first line holding one of list[]. */
static const char *
after_marker(const char *const *list, const char *s, size_t len)
{
	const char *best = NULL, *p;

	for (; *list != NULL; list++) {
		p = ci_find(s, len, *list);
		if (p != NULL && (best == NULL || p < best))
			best = p;
	}
	if (best == NULL)
		return NULL;
	p = memchr(best, '\n', len - (size_t)(best - s));
	return p != NULL ? p + 1 : s + len;
}

/* Start of the first line holding one of list[], or NULL. */
static const char *
before_marker(const char *const *list, const char *s, size_t len)
{
	const char *best = NULL, *p;

	for (; *list != NULL; list++) {
		p = ci_find(s, len, *list);
		if (p != NULL && (best == NULL || p < best))
			best = p;
	}
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

/*
 * The address that opens a recipient line, or NULL: the first word must be
 * an address, bare or in angle brackets, maybe followed by ':' or '...'.
 */
static const char *
line_address(struct arena *a, const char *l, size_t len, size_t *end_r)
{
	const char *as;
	size_t i = 0, wend, alen;

	while (i < len && (l[i] == ' ' || l[i] == '\t' || l[i] == '"' ||
			      l[i] == '\''))
		i++;
	wend = i;
	while (wend < len && !bd_isspace((unsigned char)l[wend]))
		wend++;
	if (wend == i || !find_address(l + i, wend - i, &as, &alen))
		return NULL;
	/* nothing but punctuation before the address within the word */
	if (as - (l + i) > 1)
		return NULL;
	*end_r = wend;
	return report_address(a, as, alen);
}

static void
append_diag(struct arena *a, const char **diag, const char *s, size_t len)
{
	size_t old = *diag != NULL ? strlen(*diag) : 0;
	char *d;

	while (len > 0 && bd_isspace((unsigned char)*s)) {
		s++;
		len--;
	}
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

size_t
legacy_scan_section(struct report *rep, const char *text, size_t len)
{
	struct report_rcpt *cur = NULL;
	size_t pos = 0, n0 = rep->nrcpt, added = 0;
	bool blank = false;

	while (pos < len) {
		const char *l = text + pos, *nl = memchr(l, '\n', len - pos);
		size_t ll = nl != NULL ? (size_t)(nl - l) : len - pos, wend;
		const char *addr;

		pos += ll + 1;
		if (strspn(l, " \t") >= ll) {
			blank = true;
			continue;
		}
		addr = line_address(&rep->arena, l, ll, &wend);
		if (addr != NULL) {
			struct report_rcpt *r = find_rcpt(rep, n0, addr);

			if (r == NULL) {
				if ((r = report_add_rcpt(rep)) == NULL)
					break;
				r->recipient = addr;
				added++;
			}
			cur = r;
			blank = false;
			if (cur->diagnostic == NULL) {
				const char *rest = l + wend;
				size_t rl = ll - wend;

				append_diag(&rep->arena, &cur->diagnostic, rest, rl);
			} else {
				cur = NULL; /* a repeat: keep the first text */
			}
			continue;
		}
		if (cur == NULL)
			continue;
		if (blank && cur->diagnostic != NULL) {
			cur = NULL;
			continue;
		}
		blank = false;
		append_diag(&rep->arena, &cur->diagnostic, l, ll);
	}
	return added;
}

static const char *const common_end[] = {
	"--- Below this line is a copy of the message",
	"------ This is a copy of the message",
	"----- Original message -----",
	"--- Original message follows",
	"Original message follows",
	"------ Original Message ------",
	"----- Unsent message follows -----",
	"----- Message header follows -----",
	"The original message was received at",
	"Your message reads (in part)",
	"Content-Type: message/rfc822",
	NULL,
};

size_t
legacy_parse(struct report *rep, struct mail_message *msg, const char *text,
    size_t len)
{
	const struct legacy_family *const *fp;
	const char *b, *e;

	for (fp = legacy_families; *fp != NULL; fp++) {
		const struct legacy_family *f = *fp;
		size_t n0 = rep->nrcpt, n;

		if (!family_matches(f, rep, msg, text, len))
			continue;
		b = text;
		if (f->start != NULL) {
			b = after_marker(f->start, text, len);
			if (b == NULL)
				continue;
		}
		e = NULL;
		if (f->end != NULL)
			e = before_marker(f->end, b, len - (size_t)(b - text));
		if (e == NULL)
			e = before_marker(common_end, b, len - (size_t)(b - text));
		if (e == NULL)
			e = text + len;
		n = f->parse != NULL ? f->parse(rep, b, (size_t)(e - b))
				     : legacy_scan_section(rep, b, (size_t)(e - b));
		if (n > 0) {
			rep->family = f->name;
			rep->kind = REPORT_LEGACY;
			return n;
		}
		rep->nrcpt = n0;
	}
	return 0;
}

void
legacy_fill_diagnostics(struct report *rep, const char *text, size_t len)
{
	size_t n0 = rep->nrcpt, i;
	const char *e = before_marker(common_end, text, len);

	legacy_scan_section(rep, text, e != NULL ? (size_t)(e - text) : len);
	for (i = n0; i < rep->nrcpt; i++) {
		struct report_rcpt *t = find_rcpt(rep, 0, rep->rcpt[i].recipient);

		if (t != NULL && (size_t)(t - rep->rcpt) < n0 &&
		    t->diagnostic == NULL)
			t->diagnostic = rep->rcpt[i].diagnostic;
	}
	rep->nrcpt = n0;
}
