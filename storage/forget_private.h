/*
 * bouncectl forget's parts shared by the two backends' sweeps
 * (store_forget.c: the steps, the text rules and SQLite's sweep;
 * store_forget_pg.c: PostgreSQL's sweep). Private to storage/.
 */
#ifndef BOUNCED_FORGET_PRIVATE_H
#define BOUNCED_FORGET_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

struct store;

/* What a mention becomes */
#define FORGET_REDACTED "[forgotten]"

/* The next mention of a (lower case, alen bytes) in s[0..n) at or after
 * from, as a whole address (ASCII case-insensitive), or NULL. */
const unsigned char *forget_mention(const unsigned char *s, size_t n,
    size_t from, const char *a, size_t alen);
/* s[0..n) with each mention of a replaced by FORGET_REDACTED: a buffer
 * the caller frees (NUL after its *len_r bytes), or NULL when s has no
 * mention. */
unsigned char *forget_redact(const unsigned char *s, size_t n, const char *a,
    size_t *len_r);
/* A column whose rows go whole when they mention the address (a stored
 * body): the statement run first with ?1 = the row's id, else NULL. */
const char *forget_whole_before(const char *table, const char *column);

/* PostgreSQL (store_forget_pg.c), in forget's write transaction: the
 * locks and the deferred constraint first, then the sweep after the
 * steps. 0 or -1 (store_error()). */
int forget_begin_pg(struct store *st);
int forget_sweep_pg(struct store *st, const char *address,
    void (*fn)(void *arg, const char *what, int64_t n), void *arg);

#endif
