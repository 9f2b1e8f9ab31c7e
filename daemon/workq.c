#include "daemon/workq.h"

void
workq_init(struct workq *q)
{
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->not_empty, NULL);
	pthread_cond_init(&q->not_full, NULL);
	q->head = q->n = q->bytes = 0;
	q->closed = q->cancelled = false;
	q->cons_waits = q->prod_waits = false;
	q->wakes = 0;
}

void
workq_deinit(struct workq *q)
{
	pthread_cond_destroy(&q->not_full);
	pthread_cond_destroy(&q->not_empty);
	pthread_mutex_destroy(&q->mu);
}

static bool
full(const struct workq *q, size_t size)
{
	return q->n == WORKQ_DEPTH ||
	    (q->n > 0 && q->bytes + size > WORKQ_MAX_BYTES);
}

/*
 * Called with mu held: whether the consumer sleeps, and is to be woken
 * (by the caller, once it has let go of mu). Signalled under the lock,
 * the woken thread ran on the other core at once and slept again on mu,
 * still held: 6,300 futex waits per 100,000 messages, and with three
 * busy threads on two cores the holder was often preempted in between.
 */
static bool
wake_consumer(struct workq *q)
{
	if (!q->cons_waits)
		return false;
	q->cons_waits = false;
	q->wakes++;
	return true;
}

int
workq_push(struct workq *q, void *item, size_t size)
{
	int rc = 0;
	bool wake = false;

	pthread_mutex_lock(&q->mu);
	while (full(q, size) && !q->cancelled) {
		/* the consumer may be waiting for a batch that cannot come:
		 * here the wait lets go of mu */
		if (wake_consumer(q))
			pthread_cond_signal(&q->not_empty);
		q->prod_waits = true;
		pthread_cond_wait(&q->not_full, &q->mu);
	}
	q->prod_waits = false;
	if (q->cancelled)
		rc = -1;
	else {
		size_t at = (q->head + q->n++) % WORKQ_DEPTH;

		q->item[at] = item;
		q->size[at] = size;
		q->bytes += size;
		if (q->n >= WORKQ_WAKE)
			wake = wake_consumer(q);
	}
	pthread_mutex_unlock(&q->mu);
	/* the consumer's wait rechecks the queue: a signal after the unlock
	 * is not lost, and the queue outlives both threads */
	if (wake)
		pthread_cond_signal(&q->not_empty);
	return rc;
}

/* Whether the consumer, which found the queue empty, sleeps on: nothing
 * yet, or less than a batch while more may come and the producer is not
 * stuck waiting for room. */
static bool
consumer_sleeps(const struct workq *q)
{
	if (q->cancelled)
		return false;
	if (q->n == 0)
		return !q->closed;
	return q->n < WORKQ_WAKE && !q->closed && !q->prod_waits;
}

void *
workq_pop(struct workq *q)
{
	void *item = NULL;
	bool wake = false;

	pthread_mutex_lock(&q->mu);
	/* once awake it drains the queue; it waits for a batch only when
	 * the queue is empty */
	if (q->n == 0) {
		while (consumer_sleeps(q)) {
			q->cons_waits = true;
			pthread_cond_wait(&q->not_empty, &q->mu);
		}
	}
	q->cons_waits = false;
	if (q->n > 0) {
		item = q->item[q->head];
		q->bytes -= q->size[q->head];
		q->head = (q->head + 1) % WORKQ_DEPTH;
		q->n--;
		/* the producer sleeps until there is room for a batch (half
		 * the queue, by count and by bytes), or the queue is empty,
		 * which always has room for its item */
		if (q->prod_waits && (q->n == 0 || (q->n <= WORKQ_DEPTH / 2 &&
		    q->bytes <= WORKQ_MAX_BYTES / 2))) {
			q->prod_waits = false;
			q->wakes++;
			wake = true;
		}
	}
	pthread_mutex_unlock(&q->mu);
	if (wake) /* as in workq_push() */
		pthread_cond_signal(&q->not_full);
	return item;
}

void
workq_close(struct workq *q)
{
	pthread_mutex_lock(&q->mu);
	q->closed = true;
	q->cons_waits = false;
	pthread_cond_broadcast(&q->not_empty);
	pthread_mutex_unlock(&q->mu);
}

void
workq_cancel(struct workq *q)
{
	pthread_mutex_lock(&q->mu);
	q->cancelled = true;
	q->cons_waits = q->prod_waits = false;
	pthread_cond_broadcast(&q->not_full);
	pthread_cond_broadcast(&q->not_empty);
	pthread_mutex_unlock(&q->mu);
}

bool
workq_cancelled(struct workq *q)
{
	bool c;

	pthread_mutex_lock(&q->mu);
	c = q->cancelled;
	pthread_mutex_unlock(&q->mu);
	return c;
}
