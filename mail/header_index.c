#include "header_index.h"

#include <stdbool.h>
#include <string.h>

#include "common/strutil.h"
#include "message.h"

/*
 * A line that starts a field for mail_header_find(): it does not start
 * with white space, and has a ':' with only white space between it and
 * a non-empty name. The first ':' of the line: a name holds none.
 */
static bool
field_line(const char *l, size_t ll, size_t *nlen_r, size_t *colon_r)
{
	const char *c;
	size_t n;

	if (ll == 0 || l[0] == ' ' || l[0] == '\t' ||
	    (c = memchr(l, ':', ll)) == NULL)
		return false;
	n = (size_t)(c - l);
	while (n > 0 && (l[n - 1] == ' ' || l[n - 1] == '\t'))
		n--;
	if (n == 0)
		return false;
	*nlen_r = n;
	*colon_r = (size_t)(c - l);
	return true;
}

void
mail_header_index_build(struct mail_header_index *x, struct arena *a,
    const char *hdr, size_t len)
{
	size_t i = 0, cap = 0, nlen, colon, e;
	const char *nl;

	x->hdr = hdr;
	x->len = len;
	x->at = NULL;
	x->n = 0;
	x->rest = 0;
	if (len > UINT32_MAX)
		return;
	for (; i < len; i = (size_t)(nl - hdr) + 1) {
		struct mail_field_at *f;

		nl = memchr(hdr + i, '\n', len - i);
		if (nl == NULL)
			nl = hdr + len;
		if (!field_line(hdr + i, (size_t)(nl - hdr) - i, &nlen, &colon))
			continue;
		if (x->n == MAIL_INDEX_MAX_FIELDS) {
			x->rest = i;
			return;
		}
		if (x->n == cap) {
			/* doubling in the arena: the old array is left there */
			struct mail_field_at *na;

			cap = cap == 0 ? 32 : cap * 2;
			na = arena_alloc(a, cap * sizeof(*na));
			if (x->n > 0)
				memcpy(na, x->at, x->n * sizeof(*na));
			x->at = na;
		}
		/* RFC 5322 2.2.3: a folded field continues on lines that
		 * start with white space */
		e = (size_t)(nl - hdr);
		while (e + 1 < len && (hdr[e + 1] == ' ' || hdr[e + 1] == '\t')) {
			const char *n2 = memchr(hdr + e + 1, '\n', len - e - 1);

			e = n2 != NULL ? (size_t)(n2 - hdr) : len;
		}
		f = &x->at[x->n++];
		f->line = (uint32_t)i;
		f->nlen = (uint32_t)nlen;
		f->value = (uint32_t)(i + colon + 1);
		f->vlen = (uint32_t)(e - (i + colon + 1));
	}
	x->rest = len;
}

const char *
mail_header_index_find(const struct mail_header_index *x, const char *name,
    size_t *vlen_r)
{
	size_t nlen = strlen(name), i;

	for (i = 0; i < x->n; i++) {
		const struct mail_field_at *f = &x->at[i];

		if (f->nlen == nlen && ci_starts(x->hdr + f->line, nlen, name)) {
			*vlen_r = f->vlen;
			return x->hdr + f->value;
		}
	}
	if (x->rest >= x->len)
		return NULL;
	return mail_header_find(x->hdr + x->rest, x->len - x->rest, name,
	    vlen_r);
}

const char *
mail_header_index_raw(struct arena *a, const struct mail_header_index *x,
    const char *name)
{
	const char *v;
	size_t vl;

	if ((v = mail_header_index_find(x, name, &vl)) == NULL)
		return NULL;
	return mail_value_squeezed(a, v, vl);
}

const char *
mail_header_index_decoded(struct arena *a,
    const struct mail_header_index *x, const char *name)
{
	return mail_value_decoded(a, mail_header_index_raw(a, x, name));
}
