/* Exim's bounce text (deliver.c "A message that you sent could not be"). */
#include "legacy.h"
#include "legacy_marks.h"

#include <string.h>

#include "common/strutil.h"

static const char *const headers[] = { "X-Failed-Recipients", NULL };
static const char *const body[] = {
	"This message was created automatically by mail delivery software",
	NULL,
};
static const char *const start[] = {
	"The following address(es) failed:",
	"could not be delivered to one or more of its",
	"following address(es) failed",
	"Message not sent",
	"delivery to the following",
	NULL,
};
/* the dashes around these vary between Exim versions (5 or 6) */
static const char *const end[] = {
	"- This is a copy of the message",
	"- This is a copy of the body of the message",
	"Reporting-MTA:",
	NULL,
};

const struct legacy_family legacy_family_exim = {
	.name = "exim",
	.headers = headers,
	.body = body,
	.start = start,
	.end = end,
};

/* A line whose last word is "------": the end of an output heading. */
static bool
ends_heading(const char *l, size_t ll)
{
	while (ll > 0 && bd_isspace((unsigned char)l[ll - 1]))
		ll--;
	return ll >= 6 && memcmp(l + ll - 6, "------", 6) == 0;
}

/* What the block under one heading said, given to the address it names. */
static void
exim_block(struct report *rep, size_t n0, const char *head, size_t head_len,
    const char *out, size_t out_len)
{
	struct report_rcpt *r = NULL;
	size_t i;
	char *d;

	for (i = n0; i < rep->nrcpt && r == NULL; i++) {
		if (rep->rcpt[i].recipient != NULL &&
		    ci_find(head, head_len, rep->rcpt[i].recipient) != NULL)
			r = &rep->rcpt[i];
	}
	/* a lone recipient needs no name ("pipe to |/bin/x" may not say) */
	if (r == NULL && rep->nrcpt - n0 == 1)
		r = &rep->rcpt[n0];
	if (r == NULL)
		return;
	/* the heading says what failed ("pipe to |/bin/x"), the block why */
	head += 7;
	head_len -= 7;
	while (head_len > 0 && (head[head_len - 1] == '-' ||
				   bd_isspace((unsigned char)head[head_len - 1])))
		head_len--;
	legacy_append(&rep->arena, &r->diagnostic, head, head_len);
	legacy_append(&rep->arena, &r->diagnostic, out, out_len);
	if (r->diagnostic != NULL) {
		d = arena_strdup(&rep->arena, r->diagnostic);
		str_squeeze(d); /* the heading folds */
		r->diagnostic = d;
	}
}

/*
 * Exim's pipe and file deliveries fail with no SMTP reply: what the command
 * printed follows "The following text was generated during the delivery
 * attempt(s):", one block per address under "------ <address> ------"
 * (a long heading folds). That output is the diagnostic.
 */
const char *const legacy_exim_mark[] = {
	"The following text was generated during the delivery attempt",
	NULL,
};

void
legacy_exim_output(struct report *rep, size_t n0, struct legacy_text *t,
    const char *text, size_t len)
{
	const char *p, *e = text + len, *head = NULL, *out = NULL,
			*out_end = NULL;
	size_t head_len = 0, f;
	bool in_head = false;

	if (n0 >= rep->nrcpt)
		return;
	/* from the pass over the text for every marker, when there is one */
	if ((f = legacy_marks_first(t, legacy_exim_mark, text, len)) ==
	    ACM_NONE)
		return;
	p = text + f;
	while ((p = memchr(p, '\n', (size_t)(e - p))) != NULL && ++p < e) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		size_t ll = nl != NULL ? (size_t)(nl - p) : (size_t)(e - p);

		if (ll >= 7 && memcmp(p, "------ ", 7) == 0) {
			if (out != NULL)
				exim_block(rep, n0, head, head_len, out,
				    (size_t)(out_end - out));
			/* the returned message's marker ends the report */
			if (ci_find(p, ll, "This is a copy of") != NULL)
				return;
			head = p;
			head_len = ll;
			out = NULL;
			in_head = !ends_heading(p + 7, ll - 7);
		} else if (head != NULL && in_head) {
			head_len = (size_t)(p + ll - head);
			in_head = !ends_heading(p, ll);
		} else if (head != NULL && !legacy_blank(p, ll)) {
			if (out == NULL)
				out = p;
			out_end = p + ll;
		}
	}
	if (out != NULL)
		exim_block(rep, n0, head, head_len, out,
		    (size_t)(out_end - out));
}
