/*
 * A header block's fields found once (issue 16): the report asks its
 * message's header and the returned original's for a dozen names each,
 * and every mail_header_find() read the block again, line by line. The
 * index answers exactly what mail_header_find() answers, from one pass.
 */
#ifndef BD_MAIL_HEADER_INDEX_H
#define BD_MAIL_HEADER_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "common/arena.h"

/*
 * Fields indexed per block at most: a text body read as a header (an
 * inline original) may hold millions of "x:y" lines. Past them a lookup
 * reads the rest of the block as mail_header_find() does.
 */
#define MAIL_INDEX_MAX_FIELDS 512

struct mail_field_at {
	uint32_t line;	/* offset of the field's line in the block */
	uint32_t nlen;	/* its name, white space before ':' left out */
	uint32_t value; /* offset of the value (after ':') */
	uint32_t vlen;	/* with continuation lines, no last line end */
};

struct mail_header_index {
	const char *hdr;
	size_t len;
	struct mail_field_at *at; /* in the arena */
	size_t n;
	size_t rest; /* where the unindexed rest starts; len when none */
};

/* Indexes hdr[0..len) (at most 4 GiB: longer blocks index nothing). */
void mail_header_index_build(struct mail_header_index *x, struct arena *a,
    const char *hdr, size_t len);

/*
 * mail_header_find(x->hdr, x->len, name, vlen_r): the first field called
 * name, its value as a span of the block. name: a field name (no ':',
 * no trailing white space).
 */
const char *mail_header_index_find(const struct mail_header_index *x,
    const char *name, size_t *vlen_r);

/* The same squeezed into the arena, as mail_header_raw(); and with RFC
 * 2047 encoded words decoded, as mail_header(). */
const char *mail_header_index_raw(struct arena *a,
    const struct mail_header_index *x, const char *name);
const char *mail_header_index_decoded(struct arena *a,
    const struct mail_header_index *x, const char *name);

#endif
