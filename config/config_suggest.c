/*
 * "Did you mean": the key of the schema table nearest to an unknown one
 * (issue 17 item 4), so that imap.password points at imap.password_file.
 * Pure: a string in, a row's path (static) or NULL out.
 */
#include <string.h>

#include "config_private.h"

/* Keys are short (the longest is under 40 bytes); longer is no typo. */
#define SUGGEST_MAX 64

/* The Levenshtein distance of a[0..na) and b[0..nb), both < SUGGEST_MAX. */
static size_t
distance(const char *a, size_t na, const char *b, size_t nb)
{
	size_t row[SUGGEST_MAX + 1], i, j, diag, up, best;

	for (j = 0; j <= nb; j++)
		row[j] = j;
	for (i = 1; i <= na; i++) {
		diag = row[0];
		row[0] = i;
		for (j = 1; j <= nb; j++) {
			up = row[j];
			best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[nb];
}

/*
 * How far path is from cand, cut after n bytes (n == strlen(cand) for a
 * key, the length of its section for a section), or limit + 1 when it is
 * further than limit. A name that a key's last part begins with counts
 * as near: "password" for "password_file".
 */
static size_t
score(const char *path, size_t np, const char *cand, size_t n, size_t limit)
{
	const char *dot = strrchr(path, '.');
	size_t pre = dot != NULL ? (size_t)(dot - path) + 1 : 0;

	if (np > pre && n > np && strncmp(cand, path, np) == 0 &&
	    cand[np] == '_')
		return 1;
	/* the distance is at least the difference in length: most keys
	 * are ruled out without the quadratic table */
	if ((np > n ? np - n : n - np) > limit)
		return limit + 1;
	return distance(path, np, cand, n);
}

const char *
config_suggest(const char *path, size_t *len_r)
{
	size_t i, d, n, best = (size_t)-1, np = strlen(path), limit;
	const char *found = NULL, *dot;

	*len_r = 0;
	if (np >= SUGGEST_MAX)
		return NULL;
	/* a typo is a letter or two; a quarter of a long name */
	limit = np / 4 > 2 ? np / 4 : 2;
	for (i = 0; i < config_nkeys; i++) {
		const char *k = config_keys[i].path;

		/* the key, and each section above it ("resend.smtp") */
		for (n = strlen(k); n > 0;
		     n = dot != NULL ? (size_t)(dot - k) : 0) {
			if (n < SUGGEST_MAX &&
			    (d = score(path, np, k, n, limit)) < best) {
				best = d;
				found = k;
				*len_r = n;
			}
			dot = memrchr(k, '.', n);
		}
	}
	if (best == 0 || best > limit) {
		*len_r = 0;
		return NULL;
	}
	return found;
}
