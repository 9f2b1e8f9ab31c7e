/*
 * A bounded queue between the reader thread (read, hash, parse, classify:
 * pure CPU work) and the main thread (SQLite, acknowledgements), so that
 * the two cores work at once. One producer, one consumer.
 */
#ifndef BD_WORKQ_H
#define BD_WORKQ_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#define WORKQ_DEPTH 64

struct workq {
	pthread_mutex_t mu;
	pthread_cond_t not_empty, not_full;
	void *item[WORKQ_DEPTH]; /* owned while queued */
	size_t head, n;
	bool closed;	/* the producer is done */
	bool cancelled; /* the consumer gave up: the producer stops */
};

void workq_init(struct workq *q);
void workq_deinit(struct workq *q);
/* 0, or -1 when cancelled (the item stays the caller's). Blocks when full. */
int workq_push(struct workq *q, void *item);
/* The next item, or NULL once the queue is closed and empty. Blocks. */
void *workq_pop(struct workq *q);
void workq_close(struct workq *q);
/* Tells the producer to stop; returns what was still queued, one by one,
 * through workq_pop() (which no longer blocks). */
void workq_cancel(struct workq *q);
bool workq_cancelled(struct workq *q);

#endif
