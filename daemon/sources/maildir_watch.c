/* inotify on a Maildir, watched again when it comes back (maildir_watch.h) */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "daemon/sources/maildir_watch.h"

#define GONE_MASK (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED | IN_UNMOUNT)

static bool
is_dir_in(const char *path, const char *sub)
{
	char p[PATH_MAX];
	struct stat st;

	snprintf(p, sizeof(p), "%s%s", path, sub);
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The watches on path and path/new, replacing any before: 0, or -1. */
static int
add_watches(struct maildir_watch *w)
{
	char dir[PATH_MAX];

	/* EINVAL for a watch the kernel has dropped already: no matter */
	if (w->wd_new != -1)
		(void)inotify_rm_watch(w->ifd, w->wd_new);
	if (w->wd_root != -1)
		(void)inotify_rm_watch(w->ifd, w->wd_root);
	snprintf(dir, sizeof(dir), "%s/new", w->path);
	/* Postfix delivers by link()+unlink(): IN_CREATE only; other MDAs
	 * rename() from tmp/: IN_MOVED_TO */
	w->wd_new = inotify_add_watch(w->ifd, dir,
	    IN_CREATE | IN_MOVED_TO | IN_CLOSE_WRITE | IN_DELETE_SELF |
		IN_MOVE_SELF | IN_ONLYDIR);
	w->wd_root = w->wd_new == -1
			 ? -1
			 : inotify_add_watch(w->ifd, w->path,
			       IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR);
	return w->wd_root == -1 ? -1 : 0;
}

/* Say what to do (STYLE.md 7); the periodic rescan carries on */
static void
no_inotify(struct maildir_watch *w)
{
	log_warn("maildir: %s/new: inotify (raise "
		 "fs.inotify.max_user_instances or max_user_watches); falling "
		 "back to the periodic rescan",
	    w->path);
	maildir_watch_deinit(w);
}

void
maildir_watch_init(struct maildir_watch *w, const char *path)
{
	w->path = path;
	w->wd_root = w->wd_new = -1;
	w->again = w->gone = false;
	w->look_ms = 0;
	w->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->ifd == -1 || add_watches(w) == -1)
		no_inotify(w);
}

void
maildir_watch_deinit(struct maildir_watch *w)
{
	if (w->ifd != -1)
		close(w->ifd);
	w->ifd = w->wd_root = w->wd_new = -1;
	w->again = false;
}

static void
gone(struct maildir_watch *w)
{
	w->again = true;
	if (w->gone)
		return;
	w->gone = true;
	log_warnx("maildir: %s: removed or moved away; looking for it every "
		  "%d s until it is back",
	    w->path, MAILDIR_REWATCH_MS / 1000);
}

static void
events(struct maildir_watch *w, const char *buf, size_t len)
{
	const struct inotify_event *ev;
	size_t off;

	for (off = 0; off + sizeof(*ev) <= len; off += sizeof(*ev) + ev->len) {
		ev = (const struct inotify_event *)(const void *)(buf + off);
		if (ev->mask & IN_Q_OVERFLOW)
			w->again = true; /* one lost may have been a _SELF */
		else if ((ev->mask & GONE_MASK) &&
			 (ev->wd == w->wd_new || ev->wd == w->wd_root))
			gone(w); /* not for a watch we replaced ourselves */
	}
}

void
maildir_watch_drain(struct maildir_watch *w)
{
	char buf[4096]
	    __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n;

	/* any event means "scan again": the names do not matter */
	while ((n = read(w->ifd, buf, sizeof(buf))) > 0)
		events(w, buf, (size_t)n);
	if (n == -1 && errno != EAGAIN && errno != EINTR)
		log_warn("maildir: %s/new: inotify read", w->path);
}

int
maildir_watch_again(struct maildir_watch *w)
{
	bool was_gone = w->gone;

	if (!w->again)
		return 0;
	w->look_ms = 0; /* this is the look: the next one is planned anew */
	if (!is_dir_in(w->path, "/new") || !is_dir_in(w->path, "/cur") ||
	    !is_dir_in(w->path, "/tmp")) {
		gone(w); /* quiet after the first time */
		return -1;
	}
	w->again = w->gone = false;
	if (add_watches(w) == -1)
		no_inotify(w);
	else if (was_gone)
		log_notice("maildir: %s: back, watched again", w->path);
	return was_gone ? 1 : 0;
}

int64_t
maildir_watch_wake(struct maildir_watch *w, int64_t now_ms)
{
	if (!w->again)
		return INT64_MAX;
	if (w->look_ms == 0)
		w->look_ms = now_ms + MAILDIR_REWATCH_MS;
	return w->look_ms;
}
