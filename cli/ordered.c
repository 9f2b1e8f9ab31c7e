/*
 * ordered.h: a window of jobs over a pool of threads. Each job writes into
 * memory streams (open_memstream(3)); the calling thread writes them out
 * in job order and frees them. One mutex, two conditions: "a chunk is
 * done" for the writer, "the window moved" for the workers; a thread
 * takes ORDERED_CHUNK jobs at a time.
 */
#include "ordered.h"

#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"

#define ORDERED_AHEAD 4
#define ORDERED_MAX_THREADS 16
/* jobs a thread takes at once: a hand-off (a futex wake and wait) costs
 * about what parsing a small message does on a virtual machine */
#define ORDERED_CHUNK 16

struct slot {
	char *out, *err; /* owned until written: the job's two streams */
	size_t outlen, errlen;
	int rc;
	bool done;
};

struct pool {
	pthread_mutex_t lock;
	pthread_cond_t done_cv, window_cv;
	size_t n, next_job, next_write, window; /* in jobs */
	struct slot *slots; /* job i in slots[i % window]: a ring */
	ordered_fn fn;
	void *arg;
};

/* A job into memory; a stream that cannot be had fails the job. */
static void
run_one(struct pool *p, size_t i, struct slot *s)
{
	FILE *out = open_memstream(&s->out, &s->outlen);
	FILE *err = open_memstream(&s->err, &s->errlen);

	if (out == NULL || err == NULL) {
		if (out != NULL)
			fclose(out);
		if (err != NULL)
			fclose(err);
		free(s->out);
		free(s->err);
		s->err = xstrdup("bouncectl: out of memory\n");
		s->errlen = strlen(s->err);
		s->out = NULL;
		s->outlen = 0;
		s->rc = -1;
		return;
	}
	s->rc = p->fn(p->arg, i, out, err);
	/* fclose() sets the buffer and size, and fails only for memory */
	if ((fclose(out) | fclose(err)) != 0)
		s->rc = -1;
}

static size_t
chunk_end(const struct pool *p)
{
	return p->next_job + ORDERED_CHUNK < p->n ? p->next_job + ORDERED_CHUNK
						  : p->n;
}

static void *
worker(void *arg)
{
	struct pool *p = arg;
	size_t i, first, end;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		/* a whole chunk within the window: its slots are free */
		while (p->next_job < p->n &&
		    chunk_end(p) > p->next_write + p->window)
			pthread_cond_wait(&p->window_cv, &p->lock);
		if (p->next_job >= p->n)
			break;
		first = p->next_job;
		end = chunk_end(p);
		p->next_job = end;
		pthread_mutex_unlock(&p->lock);
		/* slots first..end are this thread's alone until done */
		for (i = first; i < end; i++)
			run_one(p, i, &p->slots[i % p->window]);
		pthread_mutex_lock(&p->lock);
		for (i = first; i < end; i++)
			p->slots[i % p->window].done = true;
		if (first == p->next_write)
			pthread_cond_signal(&p->done_cv);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

size_t
ordered_run(size_t n, unsigned threads, ordered_fn fn, void *arg)
{
	struct pool p;
	pthread_t *tids;
	unsigned t, started = 0;
	size_t failed = 0;

	if (threads > (n + ORDERED_CHUNK - 1) / ORDERED_CHUNK)
		threads = (unsigned)((n + ORDERED_CHUNK - 1) / ORDERED_CHUNK);
	if (threads <= 1) {
		for (size_t i = 0; i < n; i++)
			failed += fn(arg, i, stdout, stderr) < 0;
		return failed;
	}
	memset(&p, 0, sizeof(p));
	pthread_mutex_init(&p.lock, NULL);
	pthread_cond_init(&p.done_cv, NULL);
	pthread_cond_init(&p.window_cv, NULL);
	p.n = n;
	p.window = (size_t)threads * ORDERED_AHEAD * ORDERED_CHUNK;
	p.slots = xcalloc(p.window, sizeof(*p.slots));
	p.fn = fn;
	p.arg = arg;
	tids = xcalloc(threads, sizeof(*tids));
	for (t = 0; t < threads; t++) {
		if (pthread_create(&tids[t], NULL, worker, &p) != 0)
			break;
		started++;
	}
	if (started == 0) {
		/* no thread to be had: this one does the work */
		free(tids);
		free(p.slots);
		return ordered_run(n, 1, fn, arg);
	}
	pthread_mutex_lock(&p.lock);
	while (p.next_write < n) {
		struct slot *s = &p.slots[p.next_write % p.window];

		while (!s->done)
			pthread_cond_wait(&p.done_cv, &p.lock);
		pthread_mutex_unlock(&p.lock);
		if (s->outlen > 0)
			fwrite(s->out, 1, s->outlen, stdout);
		if (s->errlen > 0) {
			/* what came before an error on stdout shows first */
			fflush(stdout);
			fwrite(s->err, 1, s->errlen, stderr);
		}
		failed += s->rc < 0;
		free(s->out);
		free(s->err);
		memset(s, 0, sizeof(*s)); /* free for job next_write + window */
		pthread_mutex_lock(&p.lock);
		p.next_write++;
		pthread_cond_broadcast(&p.window_cv);
	}
	pthread_mutex_unlock(&p.lock);
	for (t = 0; t < started; t++)
		pthread_join(tids[t], NULL);
	free(tids);
	free(p.slots);
	pthread_cond_destroy(&p.window_cv);
	pthread_cond_destroy(&p.done_cv);
	pthread_mutex_destroy(&p.lock);
	return failed;
}

unsigned
ordered_default_threads(void)
{
	cpu_set_t set;
	int n;

	if (sched_getaffinity(0, sizeof(set), &set) != 0 ||
	    (n = CPU_COUNT(&set)) < 1)
		return 1;
	return n > ORDERED_MAX_THREADS ? ORDERED_MAX_THREADS : (unsigned)n;
}
