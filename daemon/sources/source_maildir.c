/*
 * The Maildir source. Delivery (the Maildir spec, maildir(5)): an MDA
 * writes into tmp/ and then rename()s or link()s the file into new/, so
 * whatever is in new/ is complete. We watch new/ with inotify, read each
 * file, and after its result is committed rename it into cur/ with the
 * info ":2,S" (seen) -- or, when it was unparsable, into the quarantine
 * Maildir's new/, where a person's mail reader shows it as unread.
 *
 * A message can also reach cur/ unread: an IMAP server moves new/ to cur/
 * as soon as a client opens the folder (Dovecot does), before we saw it.
 * A full scan (at start and every rescan_interval) therefore also takes
 * the messages of cur/ without the S (seen) or T (trashed) flag, and
 * acknowledges them by adding S. One a person has marked seen is theirs.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/xmalloc.h"
#include "daemon/sources/maildir_name.h"
#include "daemon/sources/maildir_watch.h"
#include "daemon/sources/source.h"

/* An empty file younger than this may still be being written (seconds). */
#define MAILDIR_SETTLE 5

struct maildir {
	struct source src; /* first: the vtable */
	char *path, *quarantine;
	struct maildir_watch watch; /* inotify on new/ */
	char *what; /* owned: describe() */
	char **names; /* owned: this pass's file names, new/ then cur/ */
	size_t nnames, cap, next;
	size_t ncur; /* the last ncur names are in cur/ */
};

static int
is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int
make_maildir(const char *path)
{
	static const char *const sub[] = { "", "/tmp", "/new", "/cur" };
	char p[PATH_MAX];
	int i;

	for (i = 0; i < 4; i++) {
		snprintf(p, sizeof(p), "%s%s", path, sub[i]);
		if (mkdir(p, 0700) == -1 && errno != EEXIST) {
			log_warn("maildir: %s: mkdir", p);
			return -1;
		}
	}
	return 0;
}

static int
md_arm(struct source *src, int64_t now_ms, int64_t *wake_ms)
{
	struct maildir *md = (struct maildir *)src;

	/* inotify says when; rescans are the loop's. While the Maildir is
	 * away, a look every MAILDIR_REWATCH_MS (a pass whose scan fails) */
	*wake_ms = maildir_watch_wake(&md->watch, now_ms);
	return md->watch.ifd;
}

static const char *
md_describe(struct source *src)
{
	return ((struct maildir *)src)->what;
}

static void
md_drain(struct source *src)
{
	maildir_watch_drain(&((struct maildir *)src)->watch);
}

static void
clear_names(struct maildir *md)
{
	size_t i;

	for (i = 0; i < md->nnames; i++)
		free(md->names[i]);
	md->nnames = md->next = md->ncur = 0;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
add_name(struct maildir *md, const char *name)
{
	if (md->nnames == md->cap) {
		md->cap = md->cap ? md->cap * 2 : 256;
		md->names = xreallocarray(md->names, md->cap,
		    sizeof(*md->names));
	}
	md->names[md->nnames++] = xstrdup(name);
}

/* Adds the names in path/sub (only unseen ones for cur/), sorted. */
static int
list_dir(struct maildir *md, const char *sub)
{
	size_t first = md->nnames;
	char dir[PATH_MAX];
	struct dirent *de;
	bool cur = strcmp(sub, "cur") == 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/%s", md->path, sub);
	if ((d = opendir(dir)) == NULL) {
		log_warn("maildir: %s: opendir", dir);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue; /* ., .., and files being hidden */
		if (!cur || maildir_name_unseen(de->d_name))
			add_name(md, de->d_name);
	}
	closedir(d);
	/* Maildir names start with the delivery time: oldest first.
	 * (qsort(NULL, 0, ...) is undefined, C11 7.22.5) */
	if (md->nnames - first > 1)
		qsort(md->names + first, md->nnames - first,
		    sizeof(*md->names), cmp_names);
	return 0;
}

static int
md_scan(struct source *src, bool full)
{
	struct maildir *md = (struct maildir *)src;
	size_t before;

	clear_names(md);
	switch (maildir_watch_again(&md->watch)) {
	case -1:
		return -1; /* away: said once by maildir_watch */
	case 1:
		/* back: mail may have come to new/ and cur/ meanwhile, and
		 * the quarantine went with it when it was inside */
		full = true;
		if (md->quarantine != NULL)
			(void)make_maildir(md->quarantine);
		break;
	}
	if (list_dir(md, "new") == -1)
		return -1;
	if (!full)
		return 0;
	before = md->nnames;
	if (list_dir(md, "cur") == -1)
		return -1;
	md->ncur = md->nnames - before;
	return 0;
}

static int
read_fd(int fd, size_t size, unsigned char **buf_r, size_t *len_r)
{
	unsigned char *buf = xmalloc(size + 1);
	size_t len = 0;
	ssize_t n;

	/* read to EOF, not to st_size: the size is only a hint */
	for (;;) {
		if (len == size)
			buf = xreallocarray(buf, (size *= 2) + 1, 1);
		n = read(fd, buf + len, size - len);
		if (n == 0)
			break;
		if (n == -1 && errno == EINTR)
			continue;
		if (n != -1 && len + (size_t)n > SOURCE_MAX_MESSAGE) {
			n = -1;
			errno = EFBIG; /* it grew after the fstat() */
		}
		if (n == -1) {
			free(buf);
			return -1;
		}
		len += (size_t)n;
	}
	*buf_r = buf;
	*len_r = len;
	return 0;
}

/*
 * Anything in new/ or cur/ that is no regular file -- a FIFO, a device, a
 * socket, a directory, a symbolic link -- is left where it is and said
 * once per path for the life of the process (reloads included), not on
 * every pass. Whoever may write into the Maildir may make one: opening a
 * FIFO without O_NONBLOCK would wait for a writer forever. The paths
 * said are kept here, at most SPECIAL_MAX of them: past that, the
 * number only.
 */
#define SPECIAL_MAX 1024

static struct {
	pthread_mutex_t mu; /* the reader thread and the main thread's */
	char **paths;	    /* owned, sorted */
	size_t n;
	unsigned long more; /* beyond SPECIAL_MAX */
} special = { .mu = PTHREAD_MUTEX_INITIALIZER };

/* 1 the first time path is seen (then remembered), 2 the first time one
 * is not remembered (SPECIAL_MAX reached), else 0 */
static int
special_first(const char *path)
{
	size_t lo = 0, hi;
	int first = 0;

	pthread_mutex_lock(&special.mu);
	hi = special.n;
	while (lo < hi) { /* the insertion point, or the path itself */
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(path, special.paths[mid]);

		if (c == 0)
			goto out;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	if (special.n == SPECIAL_MAX) {
		first = ++special.more == 1 ? 2 : 0;
		goto out;
	}
	if (special.n == 0)
		special.paths = xreallocarray(NULL, SPECIAL_MAX,
		    sizeof(*special.paths));
	memmove(special.paths + lo + 1, special.paths + lo,
	    (special.n - lo) * sizeof(*special.paths));
	special.paths[lo] = xstrdup(path);
	special.n++;
	first = 1;
out:
	pthread_mutex_unlock(&special.mu);
	return first;
}

static const char *
file_type(mode_t mode)
{
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISCHR(mode))
		return "a character device";
	if (S_ISBLK(mode))
		return "a block device";
	if (S_ISSOCK(mode))
		return "a socket";
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISLNK(mode))
		return "a symbolic link";
	return "not a regular file";
}

static void
special_file(const char *path, mode_t mode)
{
	struct stat target;
	const char *what = file_type(mode);

	switch (special_first(path)) {
	case 1:
		/* a link to nothing is named so, rather than by the ELOOP
		 * of O_NOFOLLOW ("Too many levels of symbolic links") */
		if (S_ISLNK(mode) && stat(path, &target) == -1 &&
		    errno == ENOENT)
			what = "a dangling symbolic link";
		log_warnx("maildir: %s: %s, not a message: left alone", path,
		    what);
		break;
	case 2:
		log_warnx("maildir: %s: more than %d files that are no "
		    "messages: left alone, no longer said one by one", path,
		    SPECIAL_MAX);
		break;
	}
}

/*
 * Opens path for reading if it is a regular file, without ever waiting:
 * the type is looked at first (not following a symbolic link), then the
 * file is opened non-blocking and looked at again, for one swapped in
 * between. The fd, or -1: vanished (ENOENT, quiet), not a regular file
 * (said once), or an error (logged).
 */
static int
open_regular(const char *path, struct stat *st)
{
	int fd;

	if (fstatat(AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW) == -1) {
		if (errno != ENOENT) /* ENOENT: someone else took it */
			log_warn("maildir: %s: stat", path);
		return -1;
	}
	if (!S_ISREG(st->st_mode)) {
		special_file(path, st->st_mode);
		return -1;
	}
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY |
	    O_CLOEXEC)) == -1) {
		if (errno == ELOOP) /* a symbolic link now */
			special_file(path, S_IFLNK);
		else if (errno != ENOENT)
			log_warn("maildir: %s: open", path);
		return -1;
	}
	if (fstat(fd, st) == -1) {
		log_warn("maildir: %s: fstat", path);
		close(fd);
		return -1;
	}
	if (!S_ISREG(st->st_mode)) { /* swapped in after fstatat() */
		special_file(path, st->st_mode);
		close(fd);
		return -1;
	}
	return fd;
}

/* 1: read into m; 0: vanished, no message or unreadable (skipped) */
static int
read_one(struct maildir *md, const char *name, bool cur,
    struct source_msg *m)
{
	char p[PATH_MAX];
	struct stat st;
	int fd;

	snprintf(p, sizeof(p), "%s/%s/%s", md->path, cur ? "cur" : "new",
	    name);
	memset(m, 0, sizeof(*m));
	if ((fd = open_regular(p, &st)) == -1)
		return 0;
	if (st.st_size == 0 && time(NULL) - st.st_mtime < MAILDIR_SETTLE) {
		/* Someone writing straight into new/ (against maildir(5)):
		 * wait for IN_CLOSE_WRITE or the rescan rather than record
		 * a half-delivered message as empty. */
		log_debug("maildir: %s: empty and new, waiting for its writer",
		    p);
		close(fd);
		return 0;
	}
	m->ref = xstrdup(name);
	m->origin = cur;
	m->received_at = st.st_mtime;
	if ((size_t)st.st_size > SOURCE_MAX_MESSAGE)
		m->error = xasprintf("larger than %u MiB",
		    SOURCE_MAX_MESSAGE >> 20);
	else if (read_fd(fd, (size_t)st.st_size + 1, &m->buf, &m->len) == -1) {
		if (errno == EFBIG)
			m->error = xasprintf("larger than %u MiB",
			    SOURCE_MAX_MESSAGE >> 20);
		else {
			log_warn("maildir: %s: read", p);
			source_msg_clear(m);
			close(fd);
			return 0;
		}
	}
	close(fd);
	return 1;
}

static int
md_next(struct source *src, struct source_msg *m)
{
	struct maildir *md = (struct maildir *)src;

	while (md->next < md->nnames) {
		bool cur = md->next >= md->nnames - md->ncur;
		const char *name = md->names[md->next++];

		if (read_one(md, name, cur, m) == 1)
			return 1;
	}
	return 0;
}

static int
md_ack(struct source *src, const struct source_msg *m, enum source_ack how)
{
	struct maildir *md = (struct maildir *)src;
	const char *sub = m->origin ? "cur" : "new";
	char from[PATH_MAX], to[PATH_MAX], seen[NAME_MAX + 1];
	size_t base = maildir_name_base_len(m->ref); /* without ":2,..." */

	snprintf(from, sizeof(from), "%s/%s/%s", md->path, sub, m->ref);
	if (how == ACK_DELETE) {
		/* a sent copy: the database holds it now (sent.keep) */
		if (unlink(from) == 0 || errno == ENOENT)
			return 0;
		log_warn("maildir: %s: unlink", from);
		return -1;
	}
	/* a source without a quarantine (sent:) takes it as ACK_DONE */
	if (how == ACK_QUARANTINE && md->quarantine != NULL)
		snprintf(to, sizeof(to), "%s/new/%.*s", md->quarantine,
		    (int)base, m->ref);
	else if (maildir_name_add_flag(m->ref, 'S', seen, sizeof(seen)) != -1)
		snprintf(to, sizeof(to), "%s/cur/%s", md->path, seen);
	else if (md->quarantine != NULL) {
		/* no room for ":2,S" within NAME_MAX: recorded, but it
		 * cannot be marked seen, so a person gets it */
		log_warnx("maildir: %s: name too long to add the seen flag; "
		    "quarantined", from);
		snprintf(to, sizeof(to), "%s/new/%.*s", md->quarantine,
		    (int)base, m->ref);
	} else {
		log_warnx("maildir: %s: name too long to add the seen flag",
		    from);
		return -1;
	}
	if (rename(from, to) == 0)
		return 0;
	if (errno == ENOENT && access(from, F_OK) == -1)
		return 0; /* already moved, by us before a crash or by a person */
	log_warn("maildir: %s: rename to %s", from, to);
	return -1;
}

static void
md_free(struct source *src)
{
	struct maildir *md = (struct maildir *)src;

	clear_names(md);
	free(md->names);
	maildir_watch_deinit(&md->watch);
	free(md->path);
	free(md->quarantine);
	free(md->what);
	free(md);
}

static const struct source_ops maildir_ops = {
	.name = "maildir",
	.same_thread = false,
	.arm = md_arm,
	.describe = md_describe,
	.drain = md_drain,
	.scan = md_scan,
	.next = md_next,
	.ack = md_ack,
	.free = md_free,
};

/*
 * Acknowledging is rename(2), which cannot cross file systems (EXDEV): a
 * quarantine elsewhere would leave junk in new/ forever. Said at start.
 */
static bool
same_fs(const char *path, const char *quarantine)
{
	char a[PATH_MAX], b[PATH_MAX];
	struct stat sa, sb;

	snprintf(a, sizeof(a), "%s/new", path);
	snprintf(b, sizeof(b), "%s/new", quarantine);
	if (stat(a, &sa) == -1 || stat(b, &sb) == -1) {
		log_warn("maildir: %s", quarantine);
		return false;
	}
	if (sa.st_dev != sb.st_dev) {
		log_warnx("maildir: %s: quarantine on another file system than "
		    "%s: messages are moved by rename(2), which cannot cross "
		    "them", quarantine, path);
		return false;
	}
	return true;
}

struct source *
maildir_source_new(const char *path, const char *quarantine)
{
	static const char *const sub[] = { "new", "cur", "tmp" };
	struct maildir *md;
	char p[PATH_MAX];
	int i;

	for (i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s/%s", path, sub[i]);
		if (!is_dir(p)) {
			log_warnx("maildir: %s: not a Maildir (no %s/)", path,
			    sub[i]);
			return NULL;
		}
	}
	if (quarantine != NULL &&
	    (make_maildir(quarantine) == -1 || !same_fs(path, quarantine)))
		return NULL;
	md = xcalloc(1, sizeof(*md));
	md->src.ops = &maildir_ops;
	md->path = xstrdup(path);
	md->quarantine = quarantine != NULL ? xstrdup(quarantine) : NULL;
	md->what = xasprintf("watching %s/new", path);
	maildir_watch_init(&md->watch, md->path);
	return &md->src;
}

void
source_msg_clear(struct source_msg *m)
{
	free(m->ref);
	free(m->buf);
	free(m->error);
	memset(m, 0, sizeof(*m));
}
