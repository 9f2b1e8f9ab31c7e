#include "daemon/workq.h"

void
workq_init(struct workq *q)
{
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->not_empty, NULL);
	pthread_cond_init(&q->not_full, NULL);
	q->head = q->n = q->bytes = 0;
	q->closed = q->cancelled = false;
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

int
workq_push(struct workq *q, void *item, size_t size)
{
	int rc = 0;

	pthread_mutex_lock(&q->mu);
	while (full(q, size) && !q->cancelled)
		pthread_cond_wait(&q->not_full, &q->mu);
	if (q->cancelled)
		rc = -1;
	else {
		size_t at = (q->head + q->n++) % WORKQ_DEPTH;

		q->item[at] = item;
		q->size[at] = size;
		q->bytes += size;
		pthread_cond_signal(&q->not_empty);
	}
	pthread_mutex_unlock(&q->mu);
	return rc;
}

void *
workq_pop(struct workq *q)
{
	void *item = NULL;

	pthread_mutex_lock(&q->mu);
	while (q->n == 0 && !q->closed && !q->cancelled)
		pthread_cond_wait(&q->not_empty, &q->mu);
	if (q->n > 0) {
		item = q->item[q->head];
		q->bytes -= q->size[q->head];
		q->head = (q->head + 1) % WORKQ_DEPTH;
		q->n--;
		pthread_cond_signal(&q->not_full);
	}
	pthread_mutex_unlock(&q->mu);
	return item;
}

void
workq_close(struct workq *q)
{
	pthread_mutex_lock(&q->mu);
	q->closed = true;
	pthread_cond_broadcast(&q->not_empty);
	pthread_mutex_unlock(&q->mu);
}

void
workq_cancel(struct workq *q)
{
	pthread_mutex_lock(&q->mu);
	q->cancelled = true;
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
