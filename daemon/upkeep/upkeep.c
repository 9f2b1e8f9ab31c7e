/*
 * Retention's runner (upkeep.h): plan.c decides, this does one job per
 * call -- a store_purge(), store_outbox_purge() or
 * store_expire_suppressions() of at most
 * UPKEEP_LIMIT rows, or the removal of at most as many processed files
 * from the Maildir's cur/ -- and logs a kind's round once it is over.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "daemon/daemon.h"
#include "daemon/sources/maildir_name.h"
#include "daemon/upkeep/upkeep.h"

void
upkeep_init(struct upkeep *u, int64_t now)
{
	memset(u, 0, sizeof(*u));
	u->start = now;
}

void
upkeep_deinit(struct upkeep *u)
{
	if (u->cur != NULL)
		closedir(u->cur);
	u->cur = NULL;
}

void
upkeep_reload(struct upkeep *u)
{
	upkeep_deinit(u);
	memset(&u->plan, 0, sizeof(u->plan));
	memset(u->removed, 0, sizeof(u->removed));
	u->metrics_at = 0;
	u->metrics_failed = false;
}

void
upkeep_pass_ok(struct upkeep *u, int64_t now)
{
	u->last_pass = now;
}

/*
 * retention.processed: files of cur/ that the daemon acknowledged (the
 * S flag it adds, source_maildir.c) whose inode changed before `before`
 * -- the rename into cur/ sets st_ctime, so this is the time since
 * processing, not since delivery. The scan goes on where the last job
 * left it; -1 when cur/ cannot be read.
 */
static int64_t
processed(struct upkeep *u, const char *maildir, int64_t before, bool *more)
{
	char path[4096];
	struct dirent *de = NULL;
	struct stat sb;
	int64_t n = 0, seen = 0;

	if (u->cur == NULL) {
		snprintf(path, sizeof(path), "%s/cur", maildir);
		if ((u->cur = opendir(path)) == NULL) {
			log_warn("retention: %s", path);
			return -1;
		}
	}
	errno = 0;
	/* at most UPKEEP_LIMIT removed and 10 times as many looked at per
	 * step: a big cur/ of recent files is read over several steps */
	while (n < UPKEEP_LIMIT && seen++ < 10 * UPKEEP_LIMIT &&
	    (de = readdir(u->cur)) != NULL) {
		if (de->d_name[0] == '.' ||
		    !maildir_name_has_flag(de->d_name, 'S'))
			continue;
		if (fstatat(dirfd(u->cur), de->d_name, &sb,
		    AT_SYMLINK_NOFOLLOW) == -1 || !S_ISREG(sb.st_mode) ||
		    (int64_t)sb.st_ctime >= before)
			continue;
		if (unlinkat(dirfd(u->cur), de->d_name, 0) == 0)
			n++;
		else if (errno != ENOENT)
			log_warn("retention: %s/cur/%s", maildir, de->d_name);
		errno = 0;
	}
	*more = de != NULL;
	if (!*more) { /* the end of cur/: the round is over */
		closedir(u->cur);
		u->cur = NULL;
	}
	return n;
}

static void
log_expired(void *arg, const char *address)
{
	const enum reason *r = arg;

	log_info("retention: %s: suppressed for %s long enough, active again",
	    address, reason_name(*r));
}

/* Runs job: the number done, or -1 (logged); *more when it stopped
 * before the end of what is due. */
static int64_t
run(struct daemon *d, const struct upkeep_job *job, bool *more)
{
	static const enum store_purge purge[] = {
	    [UPKEEP_MESSAGES] = STORE_PURGE_MESSAGES,
	    [UPKEEP_BOUNCES] = STORE_PURGE_BOUNCES,
	    [UPKEEP_ORIGINALS] = STORE_PURGE_ORIGINALS,
	    [UPKEEP_SENT] = STORE_PURGE_SENT,
	};
	enum reason r = job->reason;
	int64_t n = 0;
	int rc;

	switch (job->task) {
	case UPKEEP_PROCESSED:
		return processed(&d->upkeep, d->conf->maildir, job->before,
		    more);
	case UPKEEP_SUPPRESSIONS:
		rc = store_expire_suppressions(d->st, reason_name(r),
		    job->before, UPKEEP_LIMIT, log_expired, &r, &n);
		break;
	case UPKEEP_EVENTS:
		/* delivered, dead or skipped everywhere: what a sink still
		 * has to deliver is kept whatever its age (store.h) */
		rc = store_outbox_purge(d->st, job->before, UPKEEP_LIMIT, &n);
		break;
	case UPKEEP_TASK_COUNT:
		return 0;
	default:
		rc = store_purge(d->st, purge[job->task], job->before,
		    UPKEEP_LIMIT, &n);
		break;
	}
	*more = n >= UPKEEP_LIMIT;
	if (rc == -1) {
		/* busy: another writer; tried again in UPKEEP_RETRY */
		if (!daemon_store_fatal(d))
			log_warnx("retention: %s: %s",
			    upkeep_task_name(job->task), store_error(d->st));
		return -1;
	}
	return n;
}

/* One job; true when one was due. *wake_r: when the next one is. */
static bool
step(struct daemon *d, int64_t now, int64_t *wake_r)
{
	struct upkeep *u = &d->upkeep;
	struct upkeep_job job;
	bool more = false;
	int64_t n;

	if (!upkeep_next(d->conf, &u->plan, now, &job, wake_r))
		return false;
	n = run(d, &job, &more);
	upkeep_done(&u->plan, &job, more ? UPKEEP_LIMIT : n, n < 0, now);
	if (n > 0 && job.task != UPKEEP_SUPPRESSIONS)
		u->removed[job.task] += n;
	/* the round of a kind is over: say what it did, once */
	if (n >= 0 && !more && job.task != UPKEEP_SUPPRESSIONS &&
	    u->removed[job.task] > 0) {
		if (job.task == UPKEEP_SENT) /* the line sent.keep always had */
			log_info("sent: %lld copies older than %us pruned",
			    (long long)u->removed[job.task],
			    upkeep_keep(d->conf, job.task, job.reason));
		else
			log_info("retention: %s: %lld %s older than %us "
			    "removed", upkeep_task_name(job.task),
			    (long long)u->removed[job.task],
			    job.task == UPKEEP_PROCESSED ? "files" : "rows",
			    upkeep_keep(d->conf, job.task, job.reason));
		u->removed[job.task] = 0;
	}
	return true;
}

int64_t
upkeep_tick(struct daemon *d)
{
	struct upkeep *u = &d->upkeep;
	int64_t now = daemon_now(), wake = INT64_MAX;

	if (step(d, now, &wake))
		wake = now; /* more may be due: come back after the sources */
	if (d->conf->metrics.file != NULL) {
		if (u->metrics_at <= now)
			upkeep_metrics(d);
		if (u->metrics_at < wake)
			wake = u->metrics_at;
	}
	if (wake == INT64_MAX)
		return INT64_MAX;
	return wake <= now ? 0 : (wake - now) * 1000;
}

void
upkeep_all(struct daemon *d)
{
	int64_t wake;

	while (!d->stopping && !d->fatal && step(d, daemon_now(), &wake))
		loop_signals(d);
}
