/*
 * A lower-cased diagnostic with the set of byte pairs it holds, and the
 * few pairs a '*' pattern (classify_match()) cannot match without: the
 * filter that spares the text rules' and the providers' searches
 * (issue 16). Internal to classify/.
 */
#ifndef BD_CLASSIFY_TEXTKEY_H
#define BD_CLASSIFY_TEXTKEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mail/mail_limits.h"

/* Up to this many pairs of a pattern's longest piece, spread over it
 * (first, last, between). */
#define TEXTKEY_PAIRS 6

struct textkey {
	uint16_t pair[TEXTKEY_PAIRS];
	unsigned n; /* 0: the pattern has no two bytes in a row */
};

struct diagtext {
	char buf[MAIL_MAX_DIAG + 1]; /* lower case, NUL-terminated */
	size_t len;
	uint64_t pairs[65536 / 64];
	/* the distinct pairs, in the order first seen */
	uint16_t seen[MAIL_MAX_DIAG];
	size_t nseen;
};

static inline unsigned
textkey_pair(const char *p)
{
	return (unsigned)(unsigned char)p[0] << 8 | (unsigned char)p[1];
}

/* t from the first MAIL_MAX_DIAG bytes of s (NULL: empty). */
void diagtext_init(struct diagtext *t, const char *s);

/* pattern's key (a classify_match() pattern, lower case). */
void textkey_of(const char *pattern, struct textkey *k);

/* False when t lacks a pair of k: then k's pattern cannot occur in t. */
static inline bool
textkey_may(const struct diagtext *t, const struct textkey *k)
{
	unsigned j;

	for (j = 0; j < k->n; j++) {
		unsigned b = k->pair[j];

		if (!(t->pairs[b / 64] & ((uint64_t)1 << (b % 64))))
			return false;
	}
	return true;
}

#endif
