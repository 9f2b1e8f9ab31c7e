/*
 * The main loop: poll(2) over the source's inotify fd and a signalfd, with
 * a timeout for the next of: watchdog keep-alive, periodic rescan, retry
 * after a failed pass, soft-state decay. A pass reads what is waiting in
 * batches; each batch is one transaction, committed before any of its
 * messages is acknowledged.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/xmalloc.h"
#include "daemon/daemon.h"
#include "daemon/notify.h"
#include "daemon/workq.h"

#define DECAY_EVERY_MS (3600 * 1000) /* soft-state decay sweep */
#define RETRY_MIN_MS 1000	     /* after a failed pass, doubling ... */
#define RESEND_CHECK_MS 1000	     /* resends changed by bouncectl */

void
loop_signals(struct daemon *d)
{
	struct signalfd_siginfo si;

	while (read(d->sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGHUP)
			d->reload = true;
		else if (!d->stopping) {
			d->stopping = true;
			notify_stopping();
			log_info("signal %u: finishing the current batch",
			    si.ssi_signo);
		}
	}
}

/*
 * A source whose passes fail (issue 19 item 3: acknowledgements refused)
 * says so in STATUS=, after SOURCE_FAIL_PASSES passes in a row.
 */
static void
failing_status(struct daemon *d, char *buf, size_t len)
{
	const char *why;
	unsigned n = 0;
	size_t used = strlen(buf);

	if (d->src->ops->failing == NULL ||
	    (why = d->src->ops->failing(d->src, &n)) == NULL ||
	    n < SOURCE_FAIL_PASSES || used >= len)
		return;
	snprintf(buf + used, len - used, "; FAILING for %u passes: %s", n,
	    why);
}

static void
status(struct daemon *d)
{
	char buf[400], counts[224], rs[128];

	snprintf(buf, sizeof(buf), "processed %s%s%s",
	    pipeline_counts_text(&d->pl.total, counts, sizeof(counts)),
	    d->conf->resend.enabled ? "; " : "", d->conf->resend.enabled ?
	    resend_counts_text(&d->resends, rs, sizeof(rs)) : "");
	failing_status(d, buf, sizeof(buf));
	notify_status(buf);
}

/*
 * The reader: reads each waiting message, hashes, parses and classifies
 * it (prepare_message()). For a Maildir it is a thread that queues the
 * results for the main thread, which alone touches the database and
 * calls ack() (files: next() and ack() share nothing). A source whose
 * next() and ack() share a connection (IMAP: libetpan's mailimap is not
 * for two threads) is read inline instead, on the main thread, as the
 * batch asks -- the network is its bottleneck, not the parse.
 */
struct reader {
	struct source *src;
	const struct verp *verp; /* the pipeline's, read only during a pass */
	struct poison *poison;	 /* the daemon's; only the reader writes it */
	bool inline_;	/* src->ops->same_thread: no thread, no queue */
	bool done;	/* inline: next() said the pass is over */
	struct workq q;
	pthread_t tid;
};

static struct prepared *
read_one(struct reader *r)
{
	struct source_msg m;
	struct prepared *pm;

	if (r->src->ops->next(r->src, &m) != 1)
		return NULL;
	pm = xmalloc(sizeof(*pm));
	prepare_message(&m, daemon_now(), r->verp, r->poison, pm);
	return pm;
}

static void *
reader_main(void *arg)
{
	struct reader *r = arg;
	struct prepared *pm;

	while (!workq_cancelled(&r->q) && (pm = read_one(r)) != NULL) {
		/* the report holds a normalised copy of about that size */
		if (workq_push(&r->q, pm, pm->rep != NULL ?
		    pm->rep->msg.len : 0) == -1) {
			prepared_free(pm);
			free(pm);
			break;
		}
	}
	workq_close(&r->q);
	return NULL;
}

/* The next prepared message of the pass, or NULL when it is over. */
static struct prepared *
reader_take(struct reader *r)
{
	struct prepared *pm;

	if (!r->inline_)
		return workq_pop(&r->q);
	if (r->done)
		return NULL;
	/* each read may wait on the network (imap.timeout per command):
	 * the watchdog hears from us between them, not only per batch */
	notify_watchdog();
	if ((pm = read_one(r)) == NULL)
		r->done = true;
	return pm;
}

/*
 * The acknowledger: renames a committed batch's messages into cur/ on a
 * thread of its own, so that the main thread goes on to the next batch
 * (a rename was 7 % of the ingest, all of it on the main thread). Only
 * committed messages are queued, so a crash still loses nothing: what
 * was not moved yet is found recorded and only moved by the next run.
 * For a source whose ack() shares nothing with next() and needs no
 * flush() (a Maildir); the others acknowledge inline as before. The
 * pass waits for it to finish (acker_stop()), so that the next scan
 * finds no committed message still in new/.
 */
struct acker {
	struct source *src;
	bool on; /* a thread; else acknowledged inline */
	struct workq q;
	pthread_t tid;
};

static void *
acker_main(void *arg)
{
	struct acker *a = arg;
	struct prepared *pm;

	while ((pm = workq_pop(&a->q)) != NULL) {
		(void)a->src->ops->ack(a->src, &pm->m, pm->ack);
		prepared_free(pm);
		free(pm);
	}
	return NULL;
}

static void
acker_start(struct acker *a, struct source *src)
{
	memset(a, 0, sizeof(*a));
	a->src = src;
	a->on = !src->ops->same_thread && src->ops->flush == NULL;
	if (!a->on)
		return;
	workq_init(&a->q);
	if ((errno = pthread_create(&a->tid, NULL, acker_main, a)) != 0)
		fatal("pthread_create");
}

/* Every queued message is acknowledged before it returns. */
static void
acker_stop(struct acker *a)
{
	if (!a->on)
		return;
	workq_close(&a->q);
	pthread_join(a->tid, NULL);
	workq_deinit(&a->q);
}

/* Acknowledges a committed batch, or hands it to the acknowledger; *b is
 * then theirs. */
static void
acker_take(struct daemon *d, struct acker *a, struct prepared **b,
    size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!a->on) {
			(void)d->src->ops->ack(d->src, &b[i]->m, b[i]->ack);
			prepared_free(b[i]);
			free(b[i]);
		} else if (workq_push(&a->q, b[i], 0) == -1)
			abort(); /* only the consumer cancels; it never does */
	}
	if (!a->on && d->src->ops->flush != NULL)
		d->src->ops->flush(d->src);
}

static void
batch_clear(struct prepared **b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		prepared_free(b[i]);
		free(b[i]);
	}
}

/*
 * One batch: up to batch_size messages in one transaction, committed
 * before any of them is acknowledged (moved). Returns 1 when the reader
 * may have more, 0 when the pass is over, -1 on a database error (rolled
 * back, nothing acknowledged: the messages stay where they are).
 */
static int
batch(struct daemon *d, struct reader *r, struct acker *a,
    struct prepared **b)
{
	size_t n = 0;
	int rc = 0;

	/* the write lock is taken only once there is something to write */
	if ((b[0] = reader_take(r)) == NULL)
		return 0;
	if (pipeline_begin(&d->pl) == -1) {
		batch_clear(b, 1);
		return -1;
	}
	while (n < d->conf->batch_size && rc == 0) {
		if (n > 0 && (b[n] = reader_take(r)) == NULL)
			break;
		rc = pipeline_message(&d->pl, b[n], daemon_now(), &b[n]->ack);
		/* only the name is needed for the ack: memory stays flat */
		report_free(&b[n]->rep);
		n++;
	}
	if (rc == -1 || pipeline_end(&d->pl, 1) == -1) {
		if (rc == -1)
			pipeline_end(&d->pl, 0);
		batch_clear(b, n);
		return -1;
	}
	daemon_test_kill(d); /* committed, not acknowledged */
	acker_take(d, a, b, n);
	return n == d->conf->batch_size ? 1 : 0;
}

void
daemon_test_kill(struct daemon *d)
{
	if (d->kill_after_commit > 0 && --d->kill_after_commit == 0)
		raise(SIGKILL);
}

static void
reader_start(struct reader *r, struct source *src, const struct verp *v,
    struct poison *ps)
{
	memset(r, 0, sizeof(*r));
	r->src = src;
	r->verp = v;
	r->poison = ps;
	r->inline_ = src->ops->same_thread;
	if (r->inline_)
		return;
	workq_init(&r->q);
	if ((errno = pthread_create(&r->tid, NULL, reader_main, r)) != 0)
		fatal("pthread_create");
}

/* Stops the reader and drops what it had queued (nothing was stored). */
static void
reader_stop(struct reader *r)
{
	struct prepared *pm;

	if (r->inline_)
		return;
	workq_cancel(&r->q);
	while ((pm = workq_pop(&r->q)) != NULL) {
		prepared_free(pm);
		free(pm);
	}
	pthread_join(r->tid, NULL);
	while ((pm = workq_pop(&r->q)) != NULL) { /* pushed while joining */
		prepared_free(pm);
		free(pm);
	}
	workq_deinit(&r->q);
}

int
loop_pass(struct daemon *d, bool full)
{
	size_t cap = d->conf->batch_size;
	struct prepared **b;
	struct reader r;
	struct acker a;
	int rc;

	/* the copies first: a bounce that came after its copy finds it.
	 * The sent: source being down delays only the copies (it said so
	 * itself); the bounces are read all the same. */
	if (sent_pass(d, full) == LOOP_STORE_FAILED)
		return LOOP_STORE_FAILED;
	if (d->src->ops->attach != NULL)
		d->src->ops->attach(d->src, d->st);
	if (d->src->ops->scan(d->src, full) == -1)
		return LOOP_SOURCE_DOWN;
	if (!d->ready && !d->once) {
		/* sd_notify(3): config valid, database migrated, the source
		 * reached (an IMAP mailbox selected) -- the pass follows */
		notify_ready(d->src->ops->describe(d->src));
		d->ready = true;
	}
	reader_start(&r, d->src, pipeline_verp(&d->pl), &d->poison);
	acker_start(&a, d->src);
	b = xcalloc(cap, sizeof(*b));
	do {
		rc = batch(d, &r, &a, b);
		if (rc >= 0)
			status(d);
		notify_watchdog();
		loop_signals(d);
	} while (rc == 1 && !d->stopping);
	reader_stop(&r);
	acker_stop(&a);
	free(b);
	return rc == -1 ? LOOP_STORE_FAILED : 0;
}

/* policy.soft_decay: soft addresses quiet for that long are active again */
static void
decay(struct daemon *d)
{
	int64_t n = 0;

	if (store_decay_soft(d->st, daemon_now() -
	    d->conf->policy.soft_decay, &n) == -1) {
		if (!daemon_store_fatal(d))
			log_warnx("store: decay: %s", store_error(d->st));
	} else if (n > 0)
		log_info("policy: %lld soft addresses quiet for %us are active "
		    "again", (long long)n, d->conf->policy.soft_decay);
}

static int64_t
min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

/* After a failed pass: retry at growing intervals, said once per outage. */
static int64_t
backoff(struct daemon *d)
{
	int64_t cap = (int64_t)d->conf->rescan_interval * 1000;

	/* a lock held by another process passes soon: look again within
	 * 10 s, as start-up does (dbwait.c), not only at the next rescan */
	if (store_error_busy(d->st) && cap > 10000)
		cap = 10000;
	if (d->retry_ms == 0)
		log_warnx("loop: a batch could not be stored; retrying, "
		    "nothing was acknowledged");
	d->retry_ms = d->retry_ms == 0 ? RETRY_MIN_MS
	    : min64(d->retry_ms * 2, cap);
	return d->retry_ms;
}

/* The fd of the sent: source to poll (-1: none), with its wake time. */
static int
arm_sent(struct daemon *d, int64_t t, int64_t *wake)
{
	int64_t w = INT64_MAX;
	int fd;

	if (d->sent == NULL)
		return -1;
	fd = d->sent->ops->arm(d->sent, t, &w);
	*wake = min64(*wake, w);
	return fd;
}

static void
wait_events(struct daemon *d, int64_t timeout, bool *need_pass)
{
	int64_t t = source_now_ms(), wake = INT64_MAX;
	/* in this order: the source's arm() sets wake, arm_sent() lowers it */
	int src_fd = d->src->ops->arm(d->src, t, &wake);
	int sent_fd = arm_sent(d, t, &wake);
	/* poll(2) skips a negative fd */
	struct pollfd pfd[3] = {
		{ .fd = d->sfd, .events = POLLIN },
		{ .fd = src_fd, .events = POLLIN },
		{ .fd = sent_fd, .events = POLLIN },
	};
	int n = 3;

	if (wake <= t) { /* the source has something already (buffered) */
		*need_pass = true;
		return;
	}
	if (wake != INT64_MAX)
		timeout = min64(timeout, wake - t);
	if (poll(pfd, (nfds_t)n, (int)min64(timeout, 60000)) == -1) {
		if (errno != EINTR)
			fatal("poll");
		return;
	}
	if (pfd[0].revents & POLLIN)
		loop_signals(d);
	if (pfd[2].fd != -1 &&
	    (pfd[2].revents & (POLLIN | POLLHUP | POLLERR))) {
		d->sent->ops->drain(d->sent); /* a copy: the pass reads both */
		*need_pass = true;
	}
	if (pfd[1].fd != -1 &&
	    (pfd[1].revents & (POLLIN | POLLHUP | POLLERR))) {
		d->src->ops->drain(d->src);
		*need_pass = true;
	} else if (wake != INT64_MAX && source_now_ms() >= wake)
		*need_pass = true; /* poll interval, IDLE renewal, reconnect */
}

/*
 * Sends the resends that are due (resend.h) when resend.enabled, and
 * learns when the next one is. A failure of the store leaves them due:
 * asked again at the next check.
 */
static void
resends(struct daemon *d)
{
	int64_t now = daemon_now();

	if (!d->conf->resend.enabled) {
		d->resend_at = 0;
		return;
	}
	if (resend_run(d->st, d->conf, pipeline_verp(&d->pl), now, &d->resends,
	    &d->resend_at) == -1) {
		d->resend_at = now + 60;
		(void)daemon_store_fatal(d);
	}
	status(d);
}

/* Milliseconds until the next resend is due: 0 now, INT64_MAX none. */
static int64_t
resend_wait(const struct daemon *d)
{
	int64_t now = daemon_now();

	if (d->resend_at == 0)
		return INT64_MAX;
	if (d->resend_at <= now) /* -1 too: ask the store now */
		return 0;
	return (d->resend_at - now) * 1000;
}

/* --once: a pass that left work undone (issue 19 item 3) exits 1. */
static bool
once_failing(struct daemon *d)
{
	const char *why;
	unsigned n = 0;

	if (d->src->ops->failing == NULL ||
	    (why = d->src->ops->failing(d->src, &n)) == NULL)
		return false;
	log_warnx("%s: %s; exiting 1", d->src->ops->describe(d->src), why);
	return true;
}

int
loop_once(struct daemon *d)
{
	int64_t pause = RETRY_MIN_MS;
	int rc;

	decay(d);
	upkeep_all(d); /* retention, sent.keep included */
	if (d->fatal)
		return -1;
	/* locked by another writer: wait for it (bounded), as at start */
	while ((rc = loop_pass(d, true)) == LOOP_STORE_FAILED &&
	    !daemon_store_fatal(d) && daemon_store_wait_once(d, &pause))
		;
	if (rc == LOOP_SOURCE_DOWN)
		log_warnx("%s: not reached, nothing read (see above)",
		    d->src->ops->describe(d->src));
	if (rc == 0)
		upkeep_pass_ok(&d->upkeep, daemon_now());
	rc = rc == 0 ? 0 : -1;
	if (rc == 0 && once_failing(d))
		rc = -1;
	if (d->fatal)
		return -1;
	/* then what is due, backlog included */
	do
		resends(d);
	while (!d->stopping && d->resend_at != 0 &&
	    d->resend_at <= daemon_now());
	/* and the events due (one round, no waiting for retries) */
	if (events_start(d->conf, d->conf->database, true, &d->events) == -1)
		rc = -1;
	events_finish(&d->events);
	/* the metrics last: what the events left behind included */
	if (!d->fatal)
		upkeep_metrics(d);
	return d->fatal ? -1 : rc;
}

/* (Re)starts the outbox's worker for the current configuration. */
static void
events_restart(struct daemon *d)
{
	events_stop(&d->events);
	(void)events_start(d->conf, d->conf->database, false, &d->events);
}

int
loop_run(struct daemon *d)
{
	uint64_t wd = notify_watchdog_usec();
	int64_t wd_every = wd > 0 ? (int64_t)(wd / 2000) : INT64_MAX / 4;
	int64_t t = source_now_ms(), next_wd = t, next_decay = t, retry_at = t;
	int64_t next_rescan = t + (int64_t)d->conf->rescan_interval * 1000;
	int64_t next_resend_check = t + RESEND_CHECK_MS;
	uint64_t resends_before = 0, events_before = 0;
	int64_t upkeep_ms;
	bool need_pass = true, need_full = true; /* full: cur/ too */
	int rc;

	events_restart(d);
	while (!d->stopping) {
		t = source_now_ms();
		if (d->reload) {
			d->reload = false;
			daemon_reload(d);
			events_restart(d); /* its sinks, secrets, limits */
			need_pass = need_full = true;
		}
		if (t >= next_decay) {
			decay(d);
			next_decay = t + DECAY_EVERY_MS;
		}
		if (t >= next_rescan) {
			need_pass = need_full = true;
			next_rescan = t + (int64_t)d->conf->rescan_interval * 1000;
		}
		if (t >= next_wd) {
			notify_watchdog();
			next_wd = t + wd_every;
		}
		if (t >= next_resend_check) {
			/* bouncectl resend-now, cancel: another connection
			 * wrote (PRAGMA data_version), so ask the store */
			if (d->conf->resend.enabled &&
			    store_changed_elsewhere(d->st) != 0) {
				d->resend_at = -1;
				(void)daemon_store_fatal(d); /* when -1 */
			}
			next_resend_check = t + RESEND_CHECK_MS;
		}
		/* a turn of resends (at most RESEND_PER_RUN), then a pass
		 * when one is wanted: a backlog of either never starves the
		 * other */
		if (resend_wait(d) == 0)
			resends(d);
		if (need_pass && t >= retry_at) {
			need_pass = false;
			rc = loop_pass(d, need_full);
			if (d->pl.total.resends != resends_before)
				d->resend_at = -1; /* the pass queued some */
			resends_before = d->pl.total.resends;
			if (d->pl.total.events != events_before)
				events_nudge(d->events); /* committed ones */
			events_before = d->pl.total.events;
			if (rc == LOOP_STORE_FAILED && daemon_store_fatal(d))
				break; /* stopping, exit 1 */
			if (rc == LOOP_STORE_FAILED) {
				retry_at = source_now_ms() + backoff(d);
				need_pass = true;
			} else if (rc == 0) {
				d->retry_ms = 0;
				need_full = false;
				upkeep_pass_ok(&d->upkeep, daemon_now());
			}
			/* LOOP_SOURCE_DOWN: the source logged it and its
			 * arm() says when to try again */
			continue;
		}
		/* retention (sent.keep too) and metrics: one small step
		 * when no pass waits (daemon/upkeep/upkeep.h) */
		upkeep_ms = upkeep_tick(d);
		if (d->fatal)
			break;
		t = min64(min64(next_rescan, next_decay), next_wd) - t;
		t = min64(t, upkeep_ms);
		t = min64(t, min64(resend_wait(d),
		    next_resend_check - source_now_ms()));
		if (need_pass)
			t = min64(t, retry_at - source_now_ms());
		wait_events(d, t < 0 ? 0 : t, &need_pass);
	}
	events_stop(&d->events);
	return d->fatal ? -1 : 0;
}
