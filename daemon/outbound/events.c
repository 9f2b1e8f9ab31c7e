/*
 * The outbox's delivery worker (events.h): a thread that queues the
 * committed events for each sink, delivers the due ones in order, and
 * records what each sink said.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "common/readfile.h"
#include "common/xmalloc.h"
#include "daemon/daemon.h"
#include "daemon/outbound/event_exec.h"
#include "daemon/outbound/event_payload.h"
#include "daemon/outbound/event_sign.h"
#include "daemon/outbound/events.h"
#include "daemon/outbound/http.h"
#include "lifecycle/outbox.h"
#include "storage/store.h"

#define POLL_MS 200	   /* bouncectl's commits: looked for this often */
#define STORE_RETRY_S 5	   /* after a database error */
/* requests before their marks are committed: more would be fewer
 * fsyncs, but more to send again after a crash */
#define WEBHOOK_PER_ROUND 16
/* the first retry after 1 s, doubling to at most an hour */
#define RETRY_BASE_S 1
#define RETRY_CAP_S 3600
#define SECRET_MAX 1024

struct sink {
	enum store_sink id;
	bool on;
	bool store_down; /* a database error was logged; said once */
	int64_t wake;	 /* Unix s of the head's next attempt; 0: none */
};

struct events_worker {
	pthread_t tid;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool nudged;
	volatile bool stopping;
	bool once;
	struct store *st; /* owned: the worker's own connection */
	struct http_client *http; /* owned, webhook only */
	struct sink sink[STORE_SINK_COUNT];
	/* copied from the configuration: a SIGHUP frees it */
	char *exec, *webhook, *ca_file;
	enum config_events_format format;
	char secret[SECRET_MAX];
	size_t secret_len; /* 0: no signature */
	char *auth_header; /* owned: "Authorization: ...", or NULL */
	unsigned timeout, batch;
	struct outbox_retry retry;
	int kill_after; /* BOUNCED_TEST_EVENTS_KILL_AFTER_DELIVERY */
	struct store_event *ev; /* owned: batch of them */
	size_t claimed;		/* of ev[], taken by the claim ... */
	int64_t until;		/* ... that lasts until then */
};

/* ---- the test hook ---- */

/*
 * tests/integration/events_kill.sh: SIGKILL after this many sink
 * confirmations, before they are marked delivered -- the window in which
 * an event is delivered twice, which the test shows is the only one.
 */
static void
test_kill(struct events_worker *w, size_t n)
{
	if (w->kill_after > 0 && (w->kill_after -= (int)n) <= 0)
		raise(SIGKILL);
}

/* ---- recording ---- */

static void
store_trouble(struct events_worker *w, struct sink *s, const char *what)
{
	if (!s->store_down)
		log_warnx("events: %s: %s: %s (retrying)",
		    store_sink_name(s->id), what, store_error(w->st));
	s->store_down = true;
}

/*
 * A failed attempt at e: pending with a later next_attempt_at, or dead.
 * Said on the first failure and at the end, not at every retry.
 */
static int
failed(struct events_worker *w, struct sink *s, const struct store_event *e,
    int64_t now, const char *why)
{
	unsigned attempts = (unsigned)e->attempts + 1;
	int64_t next = 0;
	enum outbox_state to = outbox_after_failure(&w->retry, attempts,
	    e->at, now, arc4random(), &next);

	if (to == OUTBOX_DEAD)
		log_warnx("events: %s: event %s (%s %s) is dead after %u "
		    "attempts: %s", store_sink_name(s->id), e->uuid,
		    outbox_kind_name(e->kind), e->address, attempts, why);
	else if (attempts == 1)
		log_warnx("events: %s: event %s (%s %s) not delivered, "
		    "retrying: %s", store_sink_name(s->id), e->uuid,
		    outbox_kind_name(e->kind), e->address, why);
	else
		log_debug("events: %s: event %s: attempt %u failed: %s",
		    store_sink_name(s->id), e->uuid, attempts, why);
	return store_outbox_mark(w->st, s->id, e->id, to, attempts, next, why,
	    now);
}

/* n events delivered (state delivered or skipped), then at most one
 * failure, in one transaction. */
static int
record(struct events_worker *w, struct sink *s, const struct store_event *ev,
    const enum outbox_state *done, size_t n, const struct store_event *fail,
    const char *why, int64_t now)
{
	size_t i;

	if (store_begin(w->st) == -1)
		return -1;
	/* what the claim took and is not marked here is due again at
	 * once, not after the lease: a stop, a failure before the rest */
	if (w->claimed > 0 && store_outbox_release(w->st, s->id, ev[0].id,
	    ev[w->claimed - 1].id, w->until) == -1)
		goto fail;
	for (i = 0; i < n; i++)
		if (store_outbox_mark(w->st, s->id, ev[i].id, done[i],
		    ev[i].attempts + 1, 0, NULL, now) == -1)
			goto fail;
	if (fail != NULL && failed(w, s, fail, now, why) == -1)
		goto fail;
	if (store_commit(w->st) == 0)
		return 0;
fail:
	store_rollback(w->st);
	return -1;
}

/* ---- exec ---- */

/* One run of the hook with the n due events, one JSON line each. */
static int
deliver_exec(struct events_worker *w, struct sink *s, size_t n, int64_t now)
{
	enum outbox_state *done = xcalloc(n, sizeof(*done));
	char err[160];
	char *buf = NULL;
	size_t len = 0, i;
	FILE *f;
	int rc;

	if ((f = open_memstream(&buf, &len)) == NULL)
		fatal("open_memstream");
	for (i = 0; i < n; i++) {
		event_json_generic(f, &w->ev[i]);
		fputc('\n', f);
		done[i] = OUTBOX_DELIVERED;
	}
	if (fclose(f) != 0)
		fatal("open_memstream");
	rc = event_exec(w->exec, buf, len, w->timeout, &w->stopping, err,
	    sizeof(err));
	free(buf);
	if (rc == 0) {
		test_kill(w, n);
		rc = record(w, s, w->ev, done, n, NULL, NULL, now);
		if (rc == 0)
			log_debug("events: exec: %zu events delivered", n);
	} else if (w->stopping) {
		/* cut short: they stay pending, due at once */
		rc = record(w, s, w->ev, done, 0, NULL, NULL, now) == -1 ? -1 :
		    1;
	} else {
		/* all of the run failed: each counts an attempt, and the
		 * first decides when the next run is */
		rc = 0;
		if (store_begin(w->st) == -1)
			rc = -1;
		for (i = 0; rc == 0 && i < n; i++)
			rc = failed(w, s, &w->ev[i], now, err);
		if (rc == 0 && store_commit(w->st) == -1)
			rc = -1;
		if (rc == -1)
			store_rollback(w->st);
		else
			rc = 1;
	}
	free(done);
	return rc;
}

/* ---- webhook ---- */

/* The body for e in the configured format: 1 and *body_r, 0 when the
 * format has nothing to say (skipped). */
static int
webhook_body(const struct events_worker *w, const struct store_event *e,
    char **body_r, size_t *len_r)
{
	FILE *f;
	int rc = 1;

	*body_r = NULL;
	*len_r = 0;
	if ((f = open_memstream(body_r, len_r)) == NULL)
		fatal("open_memstream");
	if (w->format == CONFIG_EVENTS_LISTMONK)
		rc = event_json_listmonk(f, e);
	else
		event_json_generic(f, e);
	if (fclose(f) != 0)
		fatal("open_memstream");
	return rc;
}

/* One POST of e: 0 when the server answered 2xx, -1 and why. */
static int
post(struct events_worker *w, const struct store_event *e, const char *body,
    size_t len, char *why, size_t whylen)
{
	char h_id[80], h_type[64], h_ts[64], h_sig[100], hex[EVENT_SIGN_HEX + 1];
	const char *headers[8];
	size_t nh = 0;
	struct http_result r;
	int64_t ts = daemon_now();
	struct http_request req = { .url = w->webhook, .ca_file = w->ca_file,
		.timeout = w->timeout, .headers = headers, .body = body,
		.len = len, .abort = &w->stopping };

	snprintf(h_id, sizeof(h_id), "X-Bounced-Event-Id: %s", e->uuid);
	snprintf(h_type, sizeof(h_type), "X-Bounced-Event-Type: %s",
	    outbox_kind_name(e->kind));
	snprintf(h_ts, sizeof(h_ts), "X-Bounced-Timestamp: %" PRId64, ts);
	headers[nh++] = "Content-Type: application/json";
	headers[nh++] = h_id;
	headers[nh++] = h_type;
	headers[nh++] = h_ts;
	if (w->secret_len > 0) {
		if (event_sign(w->secret, w->secret_len, ts, body, len, hex) ==
		    -1) {
			snprintf(why, whylen, "cannot sign (GnuTLS)");
			return -1;
		}
		snprintf(h_sig, sizeof(h_sig), "X-Bounced-Signature: "
		    "sha256=%s", hex);
		headers[nh++] = h_sig;
	}
	if (w->auth_header != NULL)
		headers[nh++] = w->auth_header;
	headers[nh] = NULL;
	if (http_post(w->http, &req, &r) == -1) {
		snprintf(why, whylen, "%s", r.error);
		return -1;
	}
	if (r.status >= 200 && r.status < 300)
		return 0;
	snprintf(why, whylen, "HTTP %ld%s%s", r.status,
	    r.error[0] != '\0' ? ": " : "", r.error);
	return -1;
}

/* The n due events one request each, in order, stopping at the first
 * failure; then what happened, in one transaction. */
static int
deliver_webhook(struct events_worker *w, struct sink *s, size_t n,
    int64_t now)
{
	enum outbox_state *done = xcalloc(n, sizeof(*done));
	const struct store_event *fail = NULL;
	char why[HTTP_ERROR_MAX + 32] = "";
	size_t i, ok = 0, confirmed = 0;
	char *body;
	size_t len;
	int rc;

	for (i = 0; i < n && !w->stopping; i++) {
		if (webhook_body(w, &w->ev[i], &body, &len) == 0) {
			free(body);
			done[ok++] = OUTBOX_SKIPPED;
			continue;
		}
		rc = post(w, &w->ev[i], body, len, why, sizeof(why));
		free(body);
		if (rc == -1) {
			if (!w->stopping)
				fail = &w->ev[i];
			break;
		}
		done[ok++] = OUTBOX_DELIVERED;
		confirmed++;
	}
	test_kill(w, confirmed);
	rc = record(w, s, w->ev, done, ok, fail, why, now);
	free(done);
	if (rc == -1)
		return -1;
	return fail != NULL || w->stopping || ok < n ? 1 : 0;
}

/* ---- the rounds ---- */

/*
 * The sink's due head, up to max events, claimed for this daemon until
 * the lease ends (issue 18 item 2): another on the database finds it
 * claimed and waits. 0 and *n_r (0: nothing due, or another daemon
 * claimed it first), -1 (database, logged). A read first: a claim is a
 * write (SQLite's write lock), and a round comes whenever another
 * connection committed.
 */
static int
claim_head(struct events_worker *w, struct sink *s, int64_t now, size_t max,
    int64_t lease, size_t *n_r)
{
	int64_t at = 0, t = daemon_now();
	int rc;

	*n_r = 0;
	w->claimed = 0;
	if ((rc = store_outbox_next_at(w->st, s->id, &at)) == -1) {
		store_trouble(w, s, "next event");
		return -1;
	}
	if (rc == 0 || at > now)
		return 0;
	w->until = (t > now ? t : now) + lease;
	if (store_outbox_claim(w->st, s->id, now, w->until, w->ev, max,
	    n_r) == -1) {
		store_trouble(w, s, "due events");
		return -1;
	}
	w->claimed = *n_r;
	return 0;
}

/*
 * What is due for s now, delivered until none is or one fails; then
 * when the head is due (s->wake). 0, or -1 (database, logged).
 */
static int
round_sink(struct events_worker *w, struct sink *s, int64_t now)
{
	size_t n, max = s->id == STORE_SINK_EXEC ? w->batch : WEBHOOK_PER_ROUND;
	int64_t queued = 0, at = 0;
	/* one exec run, or up to max requests, each within w->timeout */
	int64_t lease = lifecycle_claim_lease(w->timeout,
	    s->id == STORE_SINK_EXEC ? 1 : (unsigned)max);
	int rc;

	if (store_outbox_enqueue(w->st, s->id, now,
	    now - (int64_t)w->retry.max_age, &queued) == -1) {
		store_trouble(w, s, "queue");
		return -1;
	}
	do {
		if (claim_head(w, s, now, max, lease, &n) == -1)
			return -1;
		if (n == 0)
			break;
		rc = s->id == STORE_SINK_EXEC ? deliver_exec(w, s, n, now) :
		    deliver_webhook(w, s, n, now);
		w->claimed = 0;
		if (rc == -1) {
			store_trouble(w, s, "mark events");
			return -1;
		}
	} while (rc == 0 && !w->stopping);
	if ((rc = store_outbox_next_at(w->st, s->id, &at)) == -1) {
		store_trouble(w, s, "next event");
		return -1;
	}
	if (s->store_down)
		log_info("events: %s: the database answers again",
		    store_sink_name(s->id));
	s->store_down = false;
	s->wake = rc == 1 ? (at > now ? at : now) : 0;
	return 0;
}

/*
 * Each sink gets a round when something may be due: at the start, when
 * the daemon nudged (its pass committed events), when another process
 * committed (bouncectl suppress: PRAGMA data_version, looked at every
 * POLL_MS -- a read of shared memory, no lock), or when its head's
 * retry is due. Nothing else takes the write lock.
 */
static void *
worker_main(void *arg)
{
	struct events_worker *w = arg;
	struct timespec until;
	int64_t now, wake_ms;
	bool busy, look = true, due;
	int i;

	for (;;) {
		now = daemon_now();
		busy = false;
		wake_ms = POLL_MS;
		if (store_changed_elsewhere(w->st) != 0)
			look = true; /* -1 too: let the round say why */
		for (i = 0; i < STORE_SINK_COUNT && !w->stopping; i++) {
			struct sink *s = &w->sink[i];

			if (!s->on)
				continue;
			due = s->wake != 0 && s->wake <= now;
			if ((look || due) && round_sink(w, s, now) == -1)
				s->wake = now + STORE_RETRY_S;
			if (s->wake != 0 && s->wake <= now)
				busy = true; /* more due: at once */
			else if (s->wake != 0 && (s->wake - now) * 1000 <
			    wake_ms)
				wake_ms = (s->wake - now) * 1000;
		}
		look = false;
		if (w->once || w->stopping)
			break;
		pthread_mutex_lock(&w->mu);
		if (!busy && !w->nudged && !w->stopping) {
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_sec += wake_ms / 1000;
			until.tv_nsec += (wake_ms % 1000) * 1000000;
			if (until.tv_nsec >= 1000000000) {
				until.tv_sec++;
				until.tv_nsec -= 1000000000;
			}
			(void)pthread_cond_timedwait(&w->cv, &w->mu, &until);
		}
		look = w->nudged;
		w->nudged = false;
		pthread_mutex_unlock(&w->mu);
		if (w->stopping)
			break;
	}
	return NULL;
}

/* ---- start and stop ---- */

static void
worker_free(struct events_worker *w)
{
	store_close(&w->st);
	http_client_free(&w->http);
	explicit_bzero(w->secret, sizeof(w->secret));
	if (w->auth_header != NULL) {
		explicit_bzero(w->auth_header, strlen(w->auth_header));
		free(w->auth_header);
	}
	free(w->exec);
	free(w->webhook);
	free(w->ca_file);
	free(w->ev);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	free(w);
}

/* The webhook's secrets, read now (and at each SIGHUP); never logged. */
static int
read_secrets(struct events_worker *w, const struct config_events *ec)
{
	char auth[SECRET_MAX];
	const char *why;

	if (ec->secret_file != NULL) {
		if (read_secret(ec->secret_file, w->secret, sizeof(w->secret),
		    &why) == -1) {
			log_warnx("events: %s: %s", ec->secret_file, why);
			return -1;
		}
		w->secret_len = strlen(w->secret);
	}
	if (ec->authorization_file != NULL) {
		if (read_secret(ec->authorization_file, auth, sizeof(auth),
		    &why) == -1) {
			log_warnx("events: %s: %s", ec->authorization_file,
			    why);
			return -1;
		}
		w->auth_header = xasprintf("Authorization: %s", auth);
		explicit_bzero(auth, sizeof(auth));
	}
	return 0;
}

int
events_start(const struct config *conf, const char *path, bool once,
    struct events_worker **w_r)
{
	const struct config_events *ec = &conf->events;
	struct events_worker *w;
	const char *s;
	char *err = NULL;

	*w_r = NULL;
	if (ec->exec == NULL && ec->webhook == NULL)
		return 0;
	w = xcalloc(1, sizeof(*w));
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	w->once = once;
	w->exec = ec->exec != NULL ? xstrdup(ec->exec) : NULL;
	w->webhook = ec->webhook != NULL ? xstrdup(ec->webhook) : NULL;
	w->ca_file = ec->ca_file != NULL ? xstrdup(ec->ca_file) : NULL;
	w->format = ec->format;
	w->timeout = ec->timeout;
	w->batch = ec->batch;
	w->retry = (struct outbox_retry){ .max_attempts = ec->max_attempts,
		.max_age = ec->max_age, .base = RETRY_BASE_S,
		.cap = RETRY_CAP_S };
	w->ev = xcalloc(w->batch > WEBHOOK_PER_ROUND ? w->batch :
	    WEBHOOK_PER_ROUND, sizeof(*w->ev));
	if ((s = getenv("BOUNCED_TEST_EVENTS_KILL_AFTER_DELIVERY")) != NULL)
		w->kill_after = atoi(s);
	w->sink[STORE_SINK_EXEC] = (struct sink){ .id = STORE_SINK_EXEC,
		.on = w->exec != NULL };
	w->sink[STORE_SINK_WEBHOOK] = (struct sink){ .id = STORE_SINK_WEBHOOK,
		.on = w->webhook != NULL };
	if (w->webhook != NULL) {
		static bool curl_ready; /* events_start() runs on the main
					 * thread only */

		if (!curl_ready && http_global_init() == 0)
			curl_ready = true;
		if (!curl_ready || read_secrets(w, ec) == -1 ||
		    (w->http = http_client_new()) == NULL) {
			log_warnx("events: webhook %s: not started; its events "
			    "wait", w->webhook);
			w->sink[STORE_SINK_WEBHOOK].on = false;
		}
	}
	if (store_open(path, STORE_RDWR, &w->st, &err) == -1) {
		log_warnx("events: %s", err);
		free(err);
		worker_free(w);
		return -1;
	}
	if ((errno = pthread_create(&w->tid, NULL, worker_main, w)) != 0) {
		log_warn("events: pthread_create");
		worker_free(w);
		return -1;
	}
	log_info("events: delivering to%s%s%s%s", w->sink[0].on ? " exec " :
	    "", w->sink[0].on ? w->exec : "", w->sink[1].on ? " webhook " :
	    "", w->sink[1].on ? w->webhook : "");
	*w_r = w;
	return 0;
}

void
events_nudge(struct events_worker *w)
{
	if (w == NULL)
		return;
	pthread_mutex_lock(&w->mu);
	w->nudged = true;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

void
events_stop(struct events_worker **wp)
{
	struct events_worker *w = *wp;

	if (w == NULL)
		return;
	pthread_mutex_lock(&w->mu);
	w->stopping = true;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->tid, NULL);
	worker_free(w);
	*wp = NULL;
}

void
events_finish(struct events_worker **wp)
{
	struct events_worker *w = *wp;

	if (w == NULL)
		return;
	pthread_join(w->tid, NULL);
	worker_free(w);
	*wp = NULL;
}
