/*
 * daemon/workq.c: every item comes out once, in order, under a producer
 * thread; the byte limit cannot deadlock a consumer waiting for a batch;
 * close and cancel end the wait; and hand-offs are batched (issue 16
 * item 3): far fewer wake-ups than items.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "daemon/workq.h"

#define N 20000

struct prod {
	struct workq *q;
	size_t n;
	size_t (*size)(size_t i);
	unsigned delay_every; /* a short sleep every that many items, 0 none */
	int pushed;
};

static size_t
small(size_t i)
{
	return 100 + i % 1000;
}

static size_t
big(size_t i)
{
	/* now and then bigger than half the limit, once the whole limit */
	return i == 7 ? WORKQ_MAX_BYTES : (i % 3 == 0 ? WORKQ_MAX_BYTES / 2 +
	    1 : 1000);
}

static void *
producer(void *arg)
{
	struct prod *p = arg;
	size_t i;

	for (i = 0; i < p->n; i++) {
		if (p->delay_every > 0 && i % p->delay_every == 0) {
			struct timespec ts = { 0, 200000 };

			nanosleep(&ts, NULL);
		}
		if (workq_push(p->q, (void *)(uintptr_t)(i + 1), p->size(i)) ==
		    -1)
			break;
		p->pushed++;
	}
	workq_close(p->q);
	return NULL;
}

static void
run(size_t n, size_t (*size)(size_t), unsigned delay_every,
    unsigned long *wakes_r)
{
	struct workq q;
	struct prod p = { &q, n, size, delay_every, 0 };
	pthread_t t;
	uintptr_t want = 1;
	void *it;

	workq_init(&q);
	assert_int_equal(pthread_create(&t, NULL, producer, &p), 0);
	while ((it = workq_pop(&q)) != NULL)
		assert_int_equal((uintptr_t)it, want++);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(want - 1, n);
	assert_int_equal(p.pushed, (int)n);
	*wakes_r = q.wakes;
	workq_deinit(&q);
}

/* A fast producer and a fast consumer: everything, in order. */
static void
order(void **state)
{
	unsigned long wakes;

	(void)state;
	run(N, small, 0, &wakes);
}

/* A slow producer (the parse is the slow side): the consumer waits for
 * batches, so wake-ups are a fraction of the items. Without batching
 * there is about one per item. */
static void
batched(void **state)
{
	unsigned long wakes;

	(void)state;
	run(2000, small, 1, &wakes);
	print_message("%lu wake-ups for 2000 items\n", wakes);
	assert_true(wakes <= 2000 / WORKQ_WAKE + 10);
}

/* Items of more than half the byte limit fill the queue below
 * WORKQ_WAKE items: the consumer must not wait for a batch then. */
static void
bytes(void **state)
{
	unsigned long wakes;

	(void)state;
	run(500, big, 0, &wakes);
}

/* The consumer gives up: the producer stops, what was queued comes out
 * without blocking. */
static void
cancel(void **state)
{
	struct workq q;
	struct prod p = { &q, N, small, 0, 0 };
	pthread_t t;
	int i, got = 0;

	(void)state;
	workq_init(&q);
	assert_int_equal(pthread_create(&t, NULL, producer, &p), 0);
	for (i = 0; i < 100; i++)
		assert_non_null(workq_pop(&q));
	workq_cancel(&q);
	assert_true(workq_cancelled(&q));
	while (workq_pop(&q) != NULL)
		got++;
	assert_int_equal(pthread_join(t, NULL), 0);
	while (workq_pop(&q) != NULL)
		got++;
	assert_true(p.pushed < N);
	assert_int_equal(100 + got, p.pushed);
	workq_deinit(&q);
}

/* One item, then close: it comes out at once, not after a batch. */
static void
close_wakes(void **state)
{
	struct workq q;

	(void)state;
	workq_init(&q);
	assert_int_equal(workq_push(&q, (void *)1, 10), 0);
	workq_close(&q);
	assert_ptr_equal(workq_pop(&q), (void *)1);
	assert_null(workq_pop(&q));
	workq_deinit(&q);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(order),
		cmocka_unit_test(batched),
		cmocka_unit_test(bytes),
		cmocka_unit_test(cancel),
		cmocka_unit_test(close_wakes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
