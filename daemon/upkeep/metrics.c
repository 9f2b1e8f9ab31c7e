/*
 * The metrics file (issue 15 item 7; docs/INTEGRATION.md "Metrics"):
 * the counts read from the database (so that the totals survive a
 * restart: Prometheus expects a counter to grow, and the database is
 * where the totals live), formatted (metrics_text.c), and written for
 * node_exporter's textfile collector the way its documentation asks:
 * into a temporary file in the same directory, then rename(2)d over
 * the old one, so the collector never reads half a file
 * (https://github.com/prometheus/node_exporter#textfile-collector). The
 * temporary name does not end in .prom, so the collector skips it. The
 * data is fsync'd before the rename, so that a crash does not leave an
 * empty file under the real name.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "daemon/daemon.h"
#include "daemon/upkeep/metrics_text.h"
#include "daemon/upkeep/upkeep.h"

static void
collect(void *arg, enum store_metric m, const char *a, const char *b,
    int64_t n)
{
	metric_rows_add(arg, m, a, b, n);
}

static double
mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* text into path by a temporary file and rename(2): 0, or -1 and errno */
static int
write_atomic(const char *path, const char *text, size_t len)
{
	char tmp[4200];
	size_t off = 0;
	ssize_t w;
	int fd, saved;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path,
	    (long)getpid()) >= sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
	    0644);
	if (fd == -1)
		return -1;
	while (off < len) {
		if ((w = write(fd, text + off, len - off)) == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		off += (size_t)w;
	}
	if (fsync(fd) == -1 || close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	if (rename(tmp, path) == -1) {
		fd = -1;
		goto fail;
	}
	return 0;
fail:
	saved = errno;
	if (fd != -1)
		close(fd);
	(void)unlink(tmp);
	errno = saved;
	return -1;
}

void
upkeep_metrics(struct daemon *d)
{
	struct upkeep *u = &d->upkeep;
	struct metric_rows rows = {0};
	struct store_outbox_backlog ob;
	struct metrics_times tm = { .start = u->start,
		.last_pass = u->last_pass };
	const char *path = d->conf->metrics.file;
	double t0 = mono();
	char *text;
	size_t len;

	if (path == NULL)
		return;
	u->metrics_at = daemon_now() + (int64_t)d->conf->metrics.interval;
	/* the outbox's backlog is a statement of its own: gauges of a
	 * moment, they need not share the counts' read transaction */
	if (store_metrics(d->st, collect, &rows) == -1 ||
	    store_outbox_backlog(d->st, &ob) == -1) {
		if (!daemon_store_fatal(d) && !u->metrics_failed)
			log_warnx("metrics: %s", store_error(d->st));
		u->metrics_failed = true;
		metric_rows_free(&rows);
		return;
	}
	tm.collect_s = mono() - t0;
	text = metrics_format_outbox(&rows, &ob, &tm, &len);
	metric_rows_free(&rows);
	if (write_atomic(path, text, len) == -1) {
		if (!u->metrics_failed)
			log_warn("metrics: %s", path);
		u->metrics_failed = true;
	} else {
		if (u->metrics_failed)
			log_info("metrics: %s written again", path);
		u->metrics_failed = false;
		log_debug("metrics: %s: %zu bytes, counts read in %.1f ms",
		    path, len, tm.collect_s * 1000);
	}
	free(text);
}
