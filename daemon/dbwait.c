/*
 * The database when it is not ready (daemon.h): waited for at start-up
 * while another process holds it, as the loop does during a run; fatal,
 * at start-up and during a run, when it cannot be written, so that
 * systemd and cron see the failure instead of a healthy-looking daemon
 * that records nothing.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/log.h"
#include "daemon/daemon.h"
#include "daemon/notify.h"

/* each attempt's busy timeout: SIGTERM is heard between attempts */
#define DB_WAIT_BUSY_MS 1000
/* the pauses between attempts: the first, doubling up to the last */
#define DB_WAIT_MIN_MS 1000
#define DB_WAIT_MAX_MS 10000

static int64_t
min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

bool
daemon_pause(struct daemon *d, int64_t ms)
{
	uint64_t wd = notify_watchdog_usec();
	int64_t step = wd > 0 ? (int64_t)(wd / 2000) : ms;
	int64_t end = source_now_ms() + ms, now;
	struct pollfd pfd = {.fd = d->sfd, .events = POLLIN};

	notify_watchdog();
	while (!d->stopping && (now = source_now_ms()) < end) {
		if (poll(&pfd, 1,
			(int)min64(end - now, step < 10 ? 10 : step)) == -1 &&
		    errno != EINTR)
			fatal("poll");
		if (pfd.revents & POLLIN)
			loop_signals(d);
		notify_watchdog();
	}
	return !d->stopping;
}

static const char *
why(enum store_fault f)
{
	return f == STORE_FAULT_BUSY ? "locked by another process"
				     : "a passing error (see above)";
}

/* Once per wait: what the wait is and how long it may last. */
static void
waiting(struct daemon *d, const char *err, enum store_fault f)
{
	if (d->once)
		log_warnx("store: %s: waiting for the database (%s), at most "
			  "%lld s",
		    err, why(f), (long long)(d->db_wait_ms / 1000));
	else
		log_warnx(
		    "store: %s: waiting for the database (%s)", err, why(f));
}

int
daemon_store_open(struct daemon *d, struct store **st_r)
{
	const char *db = d->conf->database;
	int64_t t0 = source_now_ms(), pause = DB_WAIT_MIN_MS;
	enum store_fault f = STORE_FAULT_NONE;
	char *err = NULL, status[300];
	bool said = false;

	d->db_deadline = t0 + d->db_wait_ms;
	while (store_open_try(
		   db, STORE_RDWR, DB_WAIT_BUSY_MS, st_r, &err, &f) == -1) {
		if (f == STORE_FAULT_FATAL) {
			log_errx("store: %s; not starting", err);
			free(err);
			d->fatal = true;
			return -1;
		}
		if (!said)
			waiting(d, err, f);
		said = true;
		free(err);
		err = NULL;
		snprintf(status, sizeof(status), "waiting for the database: %s",
		    why(f));
		notify_status(status);
		/* Type=notify: no READY=1 yet, so the start-up timeout runs */
		notify_extend_timeout(
		    (uint64_t)(pause + DB_WAIT_BUSY_MS + 5000) * 1000);
		if (d->once && source_now_ms() + pause > d->db_deadline) {
			log_errx("store: %s: still %s after %lld s; giving up, "
				 "nothing was read",
			    db, why(f),
			    (long long)((source_now_ms() - t0) / 1000));
			return -1;
		}
		if (!daemon_pause(d, pause)) {
			log_info("store: %s: stopped while waiting for it", db);
			return 1;
		}
		pause = min64(pause * 2, DB_WAIT_MAX_MS);
	}
	if (said)
		log_notice("store: %s: open after %lld s of waiting", db,
		    (long long)((source_now_ms() - t0) / 1000));
	return 0;
}

bool
daemon_store_wait_once(struct daemon *d, int64_t *pause_ms)
{
	if (d->stopping || !store_error_busy(d->st))
		return false;
	if (source_now_ms() + *pause_ms > d->db_deadline) {
		log_errx("store: %s: still locked by another process; giving "
			 "up, nothing more was acknowledged",
		    d->conf->database);
		return false;
	}
	notify_status("waiting for the database: locked by another process");
	if (!daemon_pause(d, *pause_ms))
		return false;
	*pause_ms = min64(*pause_ms * 2, DB_WAIT_MAX_MS);
	return true;
}

bool
daemon_store_fatal(struct daemon *d)
{
	if (!store_error_fatal(d->st))
		return false;
	if (!d->fatal) {
		log_errx("store: %s: %s; stopping: the database cannot be "
			 "written, nothing more is acknowledged",
		    d->conf->database, store_error(d->st));
		notify_status("stopped: the database cannot be written (see "
			      "the log)");
		d->fatal = d->stopping = true;
	}
	return true;
}
