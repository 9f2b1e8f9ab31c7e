/*
 * Fuzz target: common/acmatch.c against the naive search it replaces.
 * The input is patterns, then a text: its first byte (mod 16) says how
 * many lines after it are patterns (each up to its '\n', cut at a NUL as
 * a C string is); the rest is the text, handed over exactly (no NUL after
 * it), so that ASan sees any read past the end. Contract: for every
 * pattern, acm_first_each() gives ci_find()'s offset; acm_first_any() the
 * smallest of them; acm_any() whether there is one; acm_each() every
 * occurrence a loop of ci_find() from each hit + 1 finds.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/acmatch.h"
#include "common/strutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_PATS 16

/* acm_each(): occurrences per pattern, and each one really there */
struct each {
	const char *text;
	char **pats;
	size_t count[MAX_PATS];
};

static bool
count_one(void *arg, size_t i, size_t off)
{
	struct each *e = arg;
	size_t l = strlen(e->pats[i]);

	if (i >= MAX_PATS ||
	    ci_find(e->text + off, l, e->pats[i]) != e->text + off)
		abort();
	e->count[i]++;
	return true;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *pats[MAX_PATS];
	size_t first[MAX_PATS], n, i, pos = 1, best = ACM_NONE, found = 0;
	struct acm *a;
	char *text;
	size_t tlen;

	if (size == 0)
		return 0;
	n = data[0] % MAX_PATS;
	for (i = 0; i < n; i++) {
		const uint8_t *nl =
		    pos < size ? memchr(data + pos, '\n', size - pos) : NULL;
		size_t l = nl != NULL ? (size_t)(nl - data) - pos
				      : (pos < size ? size - pos : 0);

		pats[i] = malloc(l + 1);
		if (pats[i] == NULL)
			abort();
		if (l > 0)
			memcpy(pats[i], data + pos, l);
		pats[i][l] = '\0';
		pos += l + (nl != NULL);
	}
	tlen = pos < size ? size - pos : 0;
	text = malloc(tlen > 0 ? tlen : 1);
	if (text == NULL)
		abort();
	if (tlen > 0)
		memcpy(text, data + pos, tlen);

	a = acm_build((const char *const *)pats, n);
	if (acm_first_each(a, text, tlen, first) > n)
		abort();
	for (i = 0; i < n; i++) {
		const char *h = ci_find(text, tlen, pats[i]);
		size_t want = h != NULL ? (size_t)(h - text) : ACM_NONE;

		if (first[i] != want)
			abort();
		if (want != ACM_NONE) {
			found++;
			if (want < best)
				best = want;
		}
	}
	if (acm_first_each(a, text, tlen, first) != found)
		abort();
	if (acm_first_any(a, text, tlen) != best)
		abort();
	if (acm_any(a, text, tlen) != (best != ACM_NONE))
		abort();
	{
		struct each e = {.text = text, .pats = pats};

		if (!acm_each(a, text, tlen, count_one, &e))
			abort();
		for (i = 0; i < n; i++) {
			size_t want = 0;
			const char *p = text, *h;

			if (pats[i][0] == '\0')
				want = 1;
			else
				while (
				    (h = ci_find(p, tlen - (size_t)(p - text),
					 pats[i])) != NULL) {
					want++;
					p = h + 1;
				}
			if (e.count[i] != want)
				abort();
		}
	}
	acm_free(a);
	for (i = 0; i < n; i++)
		free(pats[i]);
	free(text);
	return 0;
}
