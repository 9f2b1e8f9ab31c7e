/*
 * The generic recipient scanner of free-text bounces (legacy.h): which
 * lines open a recipient, and which lines after it are its reason.
 */
#include "legacy.h"

#include <string.h>

#include "common/strutil.h"
#include "legacy_marks.h"

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
	"The following message to",	 /* IMail: "... <a@b> was undeliverable" */
	"did not receive this message", /* MDaemon */
	/* sisimai lib/Sisimai/RFC3464.pm, its fallback's address phrases */
	"Undeliverable Address:",
	"Failed Recipient:",
	"Intended recipient:",
	"Error-for:",
	"Did not reach the following recipient:",
	"Mailbox is full:",
	"addressed to",
	NULL,
};

/*
 * A line announcing that a list of failed addresses follows (on the lines
 * below, or after its colon): "Delivery to the following recipients
 * failed permanently:" (sisimai Lhost/X3.pm), "The following addresses
 * had permanent fatal errors" (Sendmail savemail.c), "Delivery has
 * failed to these recipients or groups:" (Exchange 2007, sisimai
 * Lhost/Exchange2007.pm), "The following recipients returned permanent
 * errors:" (sisimai RFC3464.pm's fallback), "did not reach the following
 * recipient(s)" (Exchange IMS). Only a phrase; the scanner requires an
 * address on the lines it then reads.
 */
static const char *const announce[] = {
	"following recipient",
	"following address",
	"following e-mail address",
	"following email address",
	"following destination",
	"to these recipients",
	NULL,
};

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
 * X-Failed-Recipients header field h (read once per scan) has the whole
 * address.
 */
static const char *
failed_by_local(struct report *rep, const char *h, const char *w, size_t wl)
{
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

/* Phrases of one intro list read in one pass; a longer list is read
 * phrase by phrase. */
#define INTRO_MAX 64

static bool
intro_address(struct report *rep, const char *const *intro, const char *l,
    size_t ll, struct rcpt_line *rl)
{
	const char *p, *as;
	const struct acm *a;
	size_t alen, first[INTRO_MAX], k;

	/* every intro is followed by an address: most lines have none */
	if (memchr(l, '@', ll) == NULL)
		return false;
	/* the line read once for all the phrases (legacy_marks.h); then
	 * they are tried in their order, as one ci_find() each would be */
	a = legacy_marks_acm(intro);
	if (a != NULL && acm_npats(a) <= INTRO_MAX)
		acm_first_each(a, l, ll, first);
	else
		a = NULL;
	for (k = 0; intro != NULL && intro[k] != NULL; k++) {
		if (a != NULL)
			p = first[k] != ACM_NONE ? l + first[k] : NULL;
		else
			p = ci_find(l, ll, intro[k]);
		/* a whole word: "Recipient:" is not "Final-Recipient:" */
		if (p == NULL || (p > l && !bd_isspace((unsigned char)p[-1])))
			continue;
		p += strlen(intro[k]);
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
rcpt_line(struct report *rep, const char *const *intro, const char *failed,
    const char *l, size_t ll, struct rcpt_line *rl)
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
	} else if ((rl->addr = failed_by_local(rep, failed, l + i,
			wend - i)) == NULL) {
		if (intro_address(rep, intro, l, ll, rl))
			return true;
		return intro != common_intro &&
		    intro_address(rep, common_intro, l, ll, rl);
	}
	rl->post = l + wend;
	rl->post_len = ll - wend;
	return rl->addr != NULL;
}

/*
 * Below an announcing line, a listed address need not come first:
 * "Taro Suzuki <taro@example.org>", "a@b, c@d". Accepts an address in
 * angle brackets after at most a short display name, or a bare one
 * after nothing but white space, quotes and list markers. The text after
 * the last address is its diagnostic.
 */
static bool
listed_address(struct report *rep, const char *l, size_t ll,
    struct rcpt_line *rl)
{
	const char *as, *p;
	size_t alen, i;

	if (memchr(l, '@', ll) == NULL || !find_address(l, ll, &as, &alen))
		return false;
	if (as > l && as[-1] == '<') {
		/* a display name: a few words, no field ("To: <a@b>"), no
		 * reply ("550 5.1.1 <a@b>... User unknown" is a reason) */
		if (as - l > 64 || memchr(l, ':', (size_t)(as - l)) != NULL)
			return false;
		for (p = l; p < as; p++) {
			if (bd_isdigit((unsigned char)*p))
				return false;
		}
	} else {
		for (p = l; p < as; p++) {
			if (!bd_isspace((unsigned char)*p) && *p != '"' &&
			    *p != '\'' && !is_bullet(p, 1))
				return false;
		}
	}
	memset(rl, 0, sizeof(*rl));
	rl->addr = report_address(&rep->arena, as, alen);
	i = (size_t)(as + alen - l);
	while (i < ll && (l[i] == '>' || l[i] == '"' || l[i] == '\''))
		i++;
	rl->post = l + i;
	rl->post_len = ll - i;
	return rl->addr != NULL;
}

/*
 * "The following recipients returned permanent errors: a@b, c@d": the
 * addresses after the announcing phrase's colon, each a recipient.
 */
static size_t
announced_inline(struct report *rep, size_t n0, const char *l, size_t ll)
{
	const char *c = memchr(l, ':', ll), *as, *e = l + ll;
	size_t alen, added = 0;
	struct report_rcpt *r;

	for (; c != NULL && find_address(c, (size_t)(e - c), &as, &alen);
	     c = as + alen) {
		const char *a = report_address(&rep->arena, as, alen);

		if (a == NULL || legacy_find_rcpt(rep, n0, a) != NULL)
			continue;
		if ((r = report_add_rcpt(rep)) == NULL)
			break;
		r->recipient = a;
		added++;
	}
	return added;
}

static bool
is_announce(const char *l, size_t ll)
{
	const struct acm *m = legacy_marks_acm(announce);
	const char *const *a;

	if (m != NULL)
		return acm_any(m, l, ll);
	for (a = announce; *a != NULL; a++) {
		if (ci_find(l, ll, *a) != NULL)
			return true;
	}
	return false;
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
	size_t i = 0;

	while (i < ll && (l[i] == ' ' || l[i] == '\t'))
		i++;
	return i + 3 <= ll && ((l[i] == '-' && l[i + 1] == '-' &&
				   l[i + 2] == '-') ||
			       (l[i] == '=' && l[i + 1] == '=' &&
				   l[i + 2] == '='));
}

static size_t
scan(struct report *rep, const char *text, size_t len,
    const char *const *intro)
{
	const char *failed = mail_header_index_raw(&rep->arena,
	    &rep->hdr_index, "X-Failed-Recipients");
	struct report_rcpt *cur = NULL;
	size_t pos = 0, n0 = rep->nrcpt, added = 0, cur_indent = 0, ll;
	bool blank = false, gap = false;
	/* after an announcing line: 0 no, 1 listing, 2 a blank line after
	 * listed addresses ended the list */
	int listing = 0;
	const char *l;

	while (str_line(text, len, &pos, &l, &ll)) {
		struct rcpt_line rl;
		bool opens;

		if (legacy_blank(l, ll)) {
			blank = true;
			if (listing == 1 && added > 0)
				listing = 2;
			continue;
		}
		opens = rcpt_line(rep, intro, failed, l, ll, &rl);
		if (!opens && listing == 0 && is_announce(l, ll)) {
			listing = 1;
			added += announced_inline(rep, n0, l, ll);
			cur = NULL;
			continue;
		}
		if (!opens && listing == 1)
			opens = listed_address(rep, l, ll, &rl);
		/*
		 * Exim and Postfix indent a recipient's reason under it, and
		 * the reply there often starts with the address again
		 * ("<a@b>: host mx said: 550" / "    <a@b>: User unknown"):
		 * a deeper line of the same block is reason, not a new
		 * recipient.
		 */
		if (cur != NULL && !blank && indent_of(l, ll) > cur_indent &&
		    opens && !rl.intro) {
			legacy_append(&rep->arena, &cur->diagnostic, l, ll);
			gap = false;
			continue;
		}
		if (opens) {
			struct report_rcpt *r = legacy_find_rcpt(rep, n0, rl.addr);

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

size_t
legacy_scan_intro(struct report *rep, const char *text, size_t len,
    const char *const *intro)
{
	return scan(rep, text, len, intro != NULL ? intro : common_intro);
}

size_t
legacy_scan_announced(struct report *rep, const char *text, size_t len)
{
	size_t pos = 0, ll;
	const char *l;

	while (str_line(text, len, &pos, &l, &ll)) {
		if (is_announce(l, ll))
			return scan(rep, l, len - (size_t)(l - text),
			    common_intro);
	}
	return 0;
}

const char *const *const legacy_scan_lists[] = { common_intro, announce,
	NULL };
