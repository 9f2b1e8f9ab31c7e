#include "arena.h"
#include "asan.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_CHUNK_MIN (16 * 1024)

/*
 * A thread parses one message after another, and each message's arena
 * asks for about the same chunks the last one freed. Given back to
 * malloc, they are the top of the heap, which glibc returns to the
 * kernel (brk) and faults in again for the next message: a tenth of
 * a parse (issue 16). So a thread keeps a few freed chunks to reuse,
 * within a bound; a chunk bigger than the bound (a huge message's
 * text) goes back to malloc at once.
 */
#define SPARE_CHUNKS 8
#define SPARE_BYTES  ((size_t)2 << 20)

struct arena_chunk {
	struct arena_chunk *next;
	size_t size; /* usable bytes in data[] */
	size_t off;  /* first free byte in data[] */
	max_align_t data[];
};

struct spare {
	struct arena_chunk *head; /* owned: chain of chunks to reuse */
	size_t n, bytes;
	bool keyed; /* spare_key set for this thread: freed at its exit */
};

static _Thread_local struct spare spare;
static pthread_key_t spare_key;
static pthread_once_t spare_once = PTHREAD_ONCE_INIT;

static void
spare_free(void *arg)
{
	struct spare *sp = arg;
	struct arena_chunk *c, *next;

	for (c = sp->head; c != NULL; c = next) {
		next = c->next;
		BD_UNPOISON(c->data, c->size);
		free(c);
	}
	sp->head = NULL;
	sp->n = sp->bytes = 0;
}

static void
spare_key_make(void)
{
	if (pthread_key_create(&spare_key, spare_free) != 0)
		abort(); /* only at PTHREAD_KEYS_MAX keys */
}

/* c kept for reuse by this thread, or freed */
static void
spare_put(struct arena_chunk *c)
{
	if (spare.n >= SPARE_CHUNKS || c->size > SPARE_BYTES - spare.bytes) {
		free(c);
		return;
	}
	if (!spare.keyed) {
		pthread_once(&spare_once, spare_key_make);
		pthread_setspecific(spare_key, &spare);
		spare.keyed = true;
	}
	c->next = spare.head;
	spare.head = c;
	spare.n++;
	spare.bytes += c->size;
	/* ASan sees a kept chunk as freed: a pointer into a report freed
	 * already is still caught while its chunk waits for reuse */
	BD_POISON(c->data, c->size);
}

/* the smallest kept chunk of at least size bytes, or NULL */
static struct arena_chunk *
spare_take(size_t size)
{
	struct arena_chunk **cp, **best = NULL, *c;

	for (cp = &spare.head; (c = *cp) != NULL; cp = &c->next) {
		if (c->size >= size && (best == NULL || c->size < (*best)->size))
			best = cp;
	}
	if (best == NULL)
		return NULL;
	c = *best;
	*best = c->next;
	spare.n--;
	spare.bytes -= c->size;
	BD_UNPOISON(c->data, c->size);
	return c;
}

size_t
arena_spare_bytes(void)
{
	return spare.bytes;
}

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
		spare_put(c);
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
	if ((c = spare_take(size)) != NULL) {
		size = c->size;
	} else if ((c = malloc(sizeof(*c) + size)) == NULL) {
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
