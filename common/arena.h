/*
 * A per-message bump allocator: everything the parser and classifier build
 * for one message is freed in one call (after Dovecot's data-stack pools).
 */
#ifndef BD_ARENA_H
#define BD_ARENA_H

#include <stddef.h>

struct arena_chunk;

struct arena {
	struct arena_chunk *head; /* owned: chain of chunks, newest first */
	size_t used;		  /* bytes handed out, for tests and limits */
};

void arena_init(struct arena *a);
/* Frees every chunk (the calling thread keeps a few for its next arenas);
 * the arena may be reused after arena_init(). */
void arena_deinit(struct arena *a);

/*
 * Returns n bytes aligned for any type, valid until arena_deinit().
 * Aborts when memory is exhausted: a mail parser that cannot allocate has
 * no sane way on, and the daemon is restarted by systemd.
 */
void *arena_alloc(struct arena *a, size_t n);
/* NUL-terminated copy of s[0..n). */
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);

/*
 * Bytes of freed chunks the calling thread keeps to reuse (arena.c: at
 * most a few MiB; freed when the thread exits). For tests.
 */
size_t arena_spare_bytes(void);

#endif
