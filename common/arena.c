#include "arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_CHUNK_MIN (16 * 1024)

struct arena_chunk {
	struct arena_chunk *next;
	size_t size; /* usable bytes in data[] */
	size_t off;  /* first free byte in data[] */
	max_align_t data[];
};

void
arena_init(struct arena *a)
{
	a->head = NULL;
	a->used = 0;
}

void
arena_deinit(struct arena *a)
{
	struct arena_chunk *c, *next;

	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	a->head = NULL;
	a->used = 0;
}

static struct arena_chunk *
arena_grow(struct arena *a, size_t n)
{
	struct arena_chunk *c;
	size_t size = n > ARENA_CHUNK_MIN ? n : ARENA_CHUNK_MIN;

	if (size > SIZE_MAX - sizeof(*c)) {
		fputs("arena: allocation too large\n", stderr);
		abort();
	}
	c = malloc(sizeof(*c) + size);
	if (c == NULL) {
		fputs("arena: out of memory\n", stderr);
		abort();
	}
	c->size = size;
	c->off = 0;
	c->next = a->head;
	a->head = c;
	return c;
}

void *
arena_alloc(struct arena *a, size_t n)
{
	struct arena_chunk *c = a->head;
	const size_t align = sizeof(max_align_t);
	void *p;

	if (n == 0)
		n = 1;
	if (n > SIZE_MAX - align) {
		fputs("arena: allocation too large\n", stderr);
		abort();
	}
	n = (n + align - 1) & ~(align - 1);
	if (c == NULL || c->size - c->off < n)
		c = arena_grow(a, n);
	p = (char *)c->data + c->off;
	c->off += n;
	a->used += n;
	return p;
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);

	if (n > 0)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}
