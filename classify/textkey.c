/*
 * textkey.h: the pairs of a text, found once per diagnostic, and of a
 * pattern, found once per table entry.
 */
#include "textkey.h"

#include <string.h>

#include "common/strutil.h"

void
diagtext_init(struct diagtext *t, const char *s)
{
	size_t i;

	t->len = 0;
	t->nseen = 0;
	t->buf[0] = '\0';
	if (s == NULL)
		return;
	t->len = strnlen(s, MAIL_MAX_DIAG);
	for (i = 0; i < t->len; i++)
		t->buf[i] = (char)bd_lower((unsigned char)s[i]);
	t->buf[t->len] = '\0';
	memset(t->pairs, 0, sizeof(t->pairs));
	for (i = 0; i + 1 < t->len; i++) {
		unsigned b = textkey_pair(t->buf + i);
		uint64_t bit = (uint64_t)1 << (b % 64);

		if (!(t->pairs[b / 64] & bit))
			t->seen[t->nseen++] = (uint16_t)b;
		t->pairs[b / 64] |= bit;
	}
}

void
textkey_of(const char *pattern, struct textkey *k)
{
	const char *p = pattern, *best = NULL;
	size_t bl = 0, j;

	k->n = 0;
	/* the longest piece between stars: its pairs are in any match */
	while (*p != '\0') {
		const char *star = strchr(p, '*');
		size_t n = star != NULL ? (size_t)(star - p) : strlen(p);

		if (n > bl) {
			best = p;
			bl = n;
		}
		if (star == NULL)
			break;
		p = star + 1;
	}
	for (j = 0; bl >= 2 && j < TEXTKEY_PAIRS; j++) {
		size_t at = (bl - 2) * j / (TEXTKEY_PAIRS - 1);
		uint16_t b = (uint16_t)textkey_pair(best + at);

		if (k->n == 0 || k->pair[k->n - 1] != b)
			k->pair[k->n++] = b;
	}
}
