/* The skeleton expander of fuzz_large.c and fuzz_cut.c (skeleton.h). */
#include "skeleton.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const size_t reps[32] = {1, 1, 1, 2, 3, 4, 5, 8, 10, 16, 32, 64, 100,
    128, 256, 500, 1000, 1001, 2000, 4096, 10000, 32768, 65536, 100000, 200000,
    500000, 1000000, 2000000, 5000000, 10000000, 20000000, 64000000};

/* The message being built; buf NULL: only its length is counted. */
struct large {
	char *buf;
	size_t len, max;
};

/* Appends s[0..n) if it fits; false once the message is full. */
static bool
put(struct large *l, const void *s, size_t n)
{
	if (n > l->max - l->len)
		return false;
	if (l->buf != NULL)
		memcpy(l->buf + l->len, s, n);
	l->len += n;
	return true;
}

static bool
put_number(struct large *l, size_t v)
{
	char num[24];
	int n = snprintf(num, sizeof(num), "%zu", v);

	return put(l, num, (size_t)n);
}

/* One repetition of a body; false once the message is full. */
static bool
put_body(struct large *l, const uint8_t *b, size_t n, size_t i, size_t r)
{
	size_t k, run;

	for (k = 0; k < n; k += run) {
		if (b[k] == 1 || b[k] == 2) {
			if (!put_number(l, b[k] == 1 ? i : r - 1 - i))
				return false;
			run = 1;
			continue;
		}
		for (run = 0; k + run < n && b[k + run] > 2; run++)
			;
		if (!put(l, b + k, run))
			return false;
	}
	return true;
}

static void
expand(struct large *l, const uint8_t *data, size_t size)
{
	size_t pos = 0, end, i, r;

	while (pos < size) {
		const uint8_t *z = memchr(data + pos, 0, size - pos);

		end = z != NULL ? (size_t)(z - data) : size;
		r = reps[data[pos] & 31];
		for (i = 0; i < r && end > pos + 1; i++)
			if (!put_body(l, data + pos + 1, end - pos - 1, i, r))
				return;
		pos = end + 1;
	}
}

char *
skeleton_expand(const uint8_t *data, size_t size, size_t max, size_t *len_r)
{
	struct large l = {NULL, 0, max};

	/* twice: the length, then the bytes */
	expand(&l, data, size);
	if ((l.buf = malloc(l.len + 1)) == NULL)
		abort();
	l.len = 0;
	expand(&l, data, size);
	l.buf[l.len] = '\0';
	*len_r = l.len;
	return l.buf;
}
