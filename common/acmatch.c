/*
 * Aho-Corasick over a folded alphabet. The bytes that occur in some
 * pattern (lower-cased) each get a class of their own, every other byte
 * class 0; upper-case ASCII letters share their lower-case letter's class
 * (bd_lower()). The goto and failure functions are compiled into one dense
 * transition table (states x classes) whose entries are the next state's
 * row offset, with OUT_BIT set when a pattern ends there: a scan is two
 * table loads per input byte (class, then next state) and one bit test.
 */
#include "acmatch.h"

#include <stdlib.h>
#include <string.h>

#include "strutil.h"
#include "xmalloc.h"

#define NO_STATE UINT32_MAX
#define OUT_BIT  0x80000000u
#define OFF_MASK 0x7fffffffu

struct acm {
	size_t npats;
	size_t *plen;      /* per pattern; ACM_NONE: never matches */
	size_t nempty;     /* patterns of length 0: found at offset 0 */
	size_t nmatchable; /* patterns of length 1..ACM_MAX_PATTERN */
	size_t maxlen;     /* longest matchable pattern */
	size_t ncls;       /* classes, class 0 included */
	uint8_t cls[256];  /* input byte -> class */
	uint32_t nstates;
	uint32_t *delta; /* [row + class] -> next row | OUT_BIT */
	uint32_t *own;   /* first pattern ending at this state, NO_STATE */
	uint32_t *pnext; /* the next pattern ending at the same state */
	uint32_t *dict;  /* nearest proper suffix state with output */
	uint8_t *flag;   /* own or dict: a scan must look here */
};

struct acm *
acm_build(const char *const *pats, size_t n)
{
	struct acm *a = xcalloc(1, sizeof(*a));
	size_t total = 0, i, j;
	uint32_t *fail, *queue, qh = 0, qt = 0, s;
	size_t ncls = 1;

	a->npats = n;
	a->plen = xreallocarray(NULL, n > 0 ? n : 1, sizeof(*a->plen));
	a->pnext = xreallocarray(NULL, n > 0 ? n : 1, sizeof(*a->pnext));
	for (i = 0; i < n; i++) {
		size_t l = strlen(pats[i]);

		a->pnext[i] = NO_STATE;
		if (l > ACM_MAX_PATTERN) {
			a->plen[i] = ACM_NONE;
			continue;
		}
		a->plen[i] = l;
		if (l == 0) {
			a->nempty++;
			continue;
		}
		a->nmatchable++;
		total += l;
		if (l > a->maxlen)
			a->maxlen = l;
		for (j = 0; j < l; j++) {
			unsigned char c =
			    (unsigned char)bd_lower((unsigned char)pats[i][j]);

			if (a->cls[c] == 0)
				a->cls[c] = (uint8_t)ncls++;
		}
	}
	/* a pattern holds no NUL: at most 255 byte values, so ncls <= 256 */
	for (i = 'A'; i <= 'Z'; i++)
		a->cls[i] = a->cls[i + ('a' - 'A')];
	a->ncls = ncls;

	/* the trie: state 0 is the root; 0 in delta means "no edge" while
	 * building, since no edge of a trie leads back to its root */
	a->delta = xcalloc((total + 1) * ncls, sizeof(*a->delta));
	a->own = xreallocarray(NULL, total + 1, sizeof(*a->own));
	a->dict = xreallocarray(NULL, total + 1, sizeof(*a->dict));
	a->flag = xcalloc(total + 1, 1);
	a->own[0] = NO_STATE;
	a->nstates = 1;
	for (i = 0; i < n; i++) {
		size_t l = a->plen[i];

		if (l == 0 || l == ACM_NONE)
			continue;
		s = 0;
		for (j = 0; j < l; j++) {
			size_t c = a->cls[(unsigned char)pats[i][j]];
			uint32_t *t = &a->delta[s * ncls + c];

			if (*t == 0) {
				*t = a->nstates;
				a->own[a->nstates++] = NO_STATE;
			}
			s = *t;
		}
		/* keep index order within a state's own list (duplicates) */
		if (a->own[s] == NO_STATE) {
			a->own[s] = (uint32_t)i;
		} else {
			uint32_t p = a->own[s];

			while (a->pnext[p] != NO_STATE)
				p = a->pnext[p];
			a->pnext[p] = (uint32_t)i;
		}
	}

	/* failure links breadth first, turning the trie into the automaton:
	 * a missing edge of s is its failure state's edge */
	fail = xcalloc(a->nstates, sizeof(*fail));
	queue = xreallocarray(NULL, a->nstates, sizeof(*queue));
	a->dict[0] = NO_STATE;
	for (j = 0; j < ncls; j++) {
		uint32_t t = a->delta[j];

		if (t != 0) {
			fail[t] = 0;
			a->dict[t] = NO_STATE;
			queue[qt++] = t;
		}
	}
	while (qh < qt) {
		s = queue[qh++];
		a->flag[s] = a->own[s] != NO_STATE || a->dict[s] != NO_STATE;
		for (j = 0; j < ncls; j++) {
			uint32_t *t = &a->delta[(size_t)s * ncls + j];
			uint32_t f = a->delta[(size_t)fail[s] * ncls + j];

			if (*t == 0) {
				*t = f;
				continue;
			}
			fail[*t] = f;
			a->dict[*t] = a->own[f] != NO_STATE ? f : a->dict[f];
			queue[qt++] = *t;
		}
	}
	free(queue);
	free(fail);
	/* states to row offsets, outputs to a bit: one load per byte */
	if ((size_t)a->nstates * ncls > OFF_MASK)
		abort(); /* 8 GiB of table: no table of phrases is that */
	for (i = 0; i < (size_t)a->nstates * ncls; i++) {
		uint32_t t = a->delta[i];

		a->delta[i] = (uint32_t)(t * ncls) | (a->flag[t] ? OUT_BIT : 0);
	}
	return a;
}

void
acm_free(struct acm *a)
{
	if (a == NULL)
		return;
	free(a->plen);
	free(a->pnext);
	free(a->delta);
	free(a->own);
	free(a->dict);
	free(a->flag);
	free(a);
}

size_t
acm_npats(const struct acm *a)
{
	return a->npats;
}

size_t
acm_patlen(const struct acm *a, size_t i)
{
	return a->plen[i];
}

/* The patterns ending at byte i (a state with output): each one's first
 * start kept, the lowest of all seen (two chains find them out of order) */
static void
first_out(const struct acm *a, uint32_t off, size_t i, size_t *first,
    size_t *found)
{
	uint32_t t, q;

	for (t = (uint32_t)(off / a->ncls); t != NO_STATE; t = a->dict[t]) {
		for (q = a->own[t]; q != NO_STATE; q = a->pnext[q]) {
			size_t at = i + 1 - a->plen[q];

			if (first[q] == ACM_NONE)
				(*found)++;
			if (at < first[q])
				first[q] = at;
		}
	}
}

/*
 * Below this, one chain: splitting costs more than it saves.
 */
#define SPLIT_MIN 256

size_t
acm_first_each(const struct acm *a, const char *s, size_t len, size_t *first)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i, found = 0, need = a->nempty + a->nmatchable, mid, b, n;
	uint32_t e, f, off = 0, offb = 0;

	for (i = 0; i < a->npats; i++) {
		first[i] = a->plen[i] == 0 ? 0 : ACM_NONE;
		if (a->plen[i] == 0)
			found++;
	}
	/* no pattern to find (maxlen 0) gives the second chain no start */
	if (len < SPLIT_MIN || a->maxlen == 0 || len < 4 * a->maxlen) {
		for (i = 0; i < len && found < need; i++) {
			e = a->delta[off + a->cls[p[i]]];
			off = e & OFF_MASK;
			if (e & OUT_BIT)
				first_out(a, off, i, first, &found);
		}
		return found;
	}
	/*
	 * Two chains at once, whose loads overlap: each step of one waits
	 * on its last load (about five cycles a byte), not on the other's.
	 * The first reads s[0..mid) and finds every match that ends there;
	 * the second starts at the root maxlen - 1 bytes before mid, so it
	 * finds every match that ends at mid or later (a match is at most
	 * maxlen long). Matches in the overlap are found twice: the lower
	 * start is kept, so the answer is the one chain's.
	 */
	mid = len / 2;
	b = mid - (a->maxlen - 1);
	for (i = 0; i < mid; i++) {
		e = a->delta[off + a->cls[p[i]]];
		f = a->delta[offb + a->cls[p[b + i]]];
		off = e & OFF_MASK;
		offb = f & OFF_MASK;
		if ((e | f) & OUT_BIT) {
			if (e & OUT_BIT)
				first_out(a, off, i, first, &found);
			if (f & OUT_BIT)
				first_out(a, offb, b + i, first, &found);
		}
	}
	/* the rest of the second chain: a match found now starts after
	 * every match recorded for its pattern, so once all are found
	 * nothing can change */
	for (n = len - b, i = mid; i < n && found < need; i++) {
		f = a->delta[offb + a->cls[p[b + i]]];
		offb = f & OFF_MASK;
		if (f & OUT_BIT)
			first_out(a, offb, b + i, first, &found);
	}
	return found;
}

size_t
acm_first_any(const struct acm *a, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i, best = ACM_NONE, ncls = a->ncls;
	uint32_t e, off = 0, t, q;

	if (a->nempty > 0)
		return 0;
	/* a match ending at i starts at i + 1 - plen >= i + 1 - maxlen: once
	 * that is past best, nothing later can start earlier */
	for (i = 0; i < len && (best == ACM_NONE || i + 1 < best + a->maxlen);
	     i++) {
		e = a->delta[off + a->cls[p[i]]];
		off = e & OFF_MASK;
		if (!(e & OUT_BIT))
			continue;
		for (t = (uint32_t)(off / ncls); t != NO_STATE;
		     t = a->dict[t]) {
			for (q = a->own[t]; q != NO_STATE; q = a->pnext[q]) {
				if (i + 1 - a->plen[q] < best)
					best = i + 1 - a->plen[q];
			}
		}
	}
	return best;
}

bool
acm_each(const struct acm *a, const char *s, size_t len,
    bool (*fn)(void *arg, size_t i, size_t off), void *arg)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i, ncls = a->ncls;
	uint32_t e, off = 0, t, q;

	for (i = 0; i < a->npats; i++) {
		if (a->plen[i] == 0 && !fn(arg, i, 0))
			return false;
	}
	for (i = 0; i < len; i++) {
		e = a->delta[off + a->cls[p[i]]];
		off = e & OFF_MASK;
		if (!(e & OUT_BIT))
			continue;
		for (t = (uint32_t)(off / ncls); t != NO_STATE;
		     t = a->dict[t]) {
			for (q = a->own[t]; q != NO_STATE; q = a->pnext[q]) {
				if (!fn(arg, q, i + 1 - a->plen[q]))
					return false;
			}
		}
	}
	return true;
}

bool
acm_any(const struct acm *a, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i;
	uint32_t off = 0;

	if (a->nempty > 0)
		return true;
	for (i = 0; i < len; i++) {
		if (a->delta[off + a->cls[p[i]]] & OUT_BIT)
			return true;
		off = a->delta[off + a->cls[p[i]]] & OFF_MASK;
	}
	return false;
}
