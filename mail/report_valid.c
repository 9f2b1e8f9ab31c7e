/*
 * What is recorded as an address is one (issue 14): find_address() and
 * dsn_address() name only mailbox_valid() ones, and this last pass holds
 * every producer to it, and to the NUL bytes of the raw message.
 */
#include "report.h"

#include <string.h>

#include "common/mailbox.h"
#include "common/strutil.h"

/* How far a word is followed each side of a NUL: a path's length (RFC
 * 5321 4.5.3.1.3); and how many words are looked at, so that a message
 * full of NULs (a binary part) costs a bounded time per address */
#define NUL_REACH 256
#define NUL_WORDS 1024

static bool
raw_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * Whether a (lower case, at most 254 octets) is inside a word of raw that
 * held a NUL: the NUL was read as a space, so a was cut out of the word.
 */
static bool
in_nul_word(const unsigned char *raw, size_t len, const char *a)
{
	const unsigned char *p = raw, *end = raw + len, *nul, *l, *r;
	char w[2 * NUL_REACH + 1];
	unsigned words;
	size_t n, i;

	for (words = 0; words < NUL_WORDS && p < end &&
			(nul = memchr(p, '\0', (size_t)(end - p))) != NULL;
	     words++) {
		for (l = nul;
		     l > raw && nul - l < NUL_REACH && !raw_space(l[-1]); l--)
			;
		for (r = nul; r < end && r - nul < NUL_REACH && !raw_space(*r);
		     r++)
			;
		n = (size_t)(r - l);
		for (i = 0; i < n; i++)
			w[i] = l[i] == '\0' ? ' ' : (char)l[i];
		if (ci_find(w, n, a) != NULL)
			return true;
		p = r;
	}
	return false;
}

static const char *
checked(const char *a, const unsigned char *raw, size_t len, bool nuls)
{
	if (a == NULL || !mailbox_valid(a, strlen(a)))
		return NULL;
	return nuls && in_nul_word(raw, len, a) ? NULL : a;
}

void
report_valid_addresses(struct report *rep, const unsigned char *raw, size_t len)
{
	/* raw NULL: the text held no NUL (report_parse_owned() parses only
	 * those in place); the flag then comes from a decoded part, whose
	 * NULs became SUB, which no address spans (message.c) */
	bool nuls = raw != NULL && (rep->mail_flags & MAIL_F_HAS_NULS) != 0;
	size_t i;

	for (i = 0; i < rep->nrcpt; i++) {
		struct report_rcpt *r = &rep->rcpt[i];

		if (r->recipient != NULL &&
		    (r->recipient = checked(r->recipient, raw, len, nuls)) ==
			NULL)
			r->recipient_from = NULL;
		r->original_recipient =
		    checked(r->original_recipient, raw, len, nuls);
		r->actual_recipient =
		    checked(r->actual_recipient, raw, len, nuls);
	}
}
