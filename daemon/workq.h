/*
 * A bounded queue between the reader thread (read, hash, parse, classify:
 * pure CPU work) and the main thread (SQLite, acknowledgements), so that
 * the two cores work at once. One producer, one consumer.
 *
 * Hand-offs are batched (issue 16 item 3): a thread that waits is woken
 * once per WORKQ_WAKE items, not once per item -- a futex wake and a
 * context switch per message cost 5 % of the ingest's CPU. The consumer
 * sleeps until WORKQ_WAKE items are queued (or the producer is done or
 * blocked); the producer, blocked on a full queue, sleeps until the
 * consumer has drained it to half. The order, and what is acknowledged
 * when, do not change: the queue only carries prepared messages.
 */
#ifndef BD_WORKQ_H
#define BD_WORKQ_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#define WORKQ_DEPTH 64
/* Bytes of messages queued at most (one item always fits): bounces that
 * return big originals must not multiply the daemon's memory by the
 * depth (the 32 MiB peak RSS goal, bench/bench_ingest.sh). */
#define WORKQ_MAX_BYTES (8u << 20)
/* Items that wake a waiting consumer (fewer: close, or a blocked producer) */
#define WORKQ_WAKE 16

struct workq {
	pthread_mutex_t mu;
	pthread_cond_t not_empty, not_full;
	void *item[WORKQ_DEPTH]; /* owned while queued */
	size_t size[WORKQ_DEPTH];
	size_t head, n, bytes;
	bool closed;	/* the producer is done */
	bool cancelled; /* the consumer gave up: the producer stops */
	bool cons_waits; /* the consumer sleeps on not_empty */
	bool prod_waits; /* the producer sleeps on not_full */
	unsigned long wakes; /* times a sleeper was woken, for the tests */
};

void workq_init(struct workq *q);
void workq_deinit(struct workq *q);
/* 0, or -1 when cancelled (the item stays the caller's). Blocks while the
 * queue is full: WORKQ_DEPTH items, or WORKQ_MAX_BYTES with size added. */
int workq_push(struct workq *q, void *item, size_t size);
/* The next item, or NULL once the queue is closed and empty. Blocks. */
void *workq_pop(struct workq *q);
void workq_close(struct workq *q);
/* Tells the producer to stop; returns what was still queued, one by one,
 * through workq_pop() (which no longer blocks). */
void workq_cancel(struct workq *q);
bool workq_cancelled(struct workq *q);

#endif
