/*
 * inotify on a Maildir's new/ (daemon/sources/source_maildir.c), kept watching
 * when the Maildir or its new/ is removed or moved and made again: a
 * watch follows an inode, not a path, so a new directory at the same path
 * is not watched until it is added again (inotify(7), IN_DELETE_SELF,
 * IN_MOVE_SELF, IN_IGNORED).
 */
#ifndef BD_MAILDIR_WATCH_H
#define BD_MAILDIR_WATCH_H

#include <stdbool.h>
#include <stdint.h>

/* While a watched directory is away: how often to look for it (ms). */
#define MAILDIR_REWATCH_MS 1000

struct maildir_watch {
	const char *path; /* borrowed: the Maildir, outlives the watch */
	int ifd;          /* inotify, or -1: the periodic rescan only */
	int wd_root;      /* path: IN_DELETE_SELF, IN_MOVE_SELF */
	int wd_new;       /* path/new: deliveries, and the same */
	bool again;       /* a watched directory went: add the watches again */
	bool gone;        /* said that it went: say that it is back */
	int64_t look_ms;  /* while away: the next look, 0 none planned */
};

/* Watches path and path/new; without inotify (logged, with what to do)
 * ifd is -1 and the loop's rescans carry on. */
void maildir_watch_init(struct maildir_watch *w, const char *path);
void maildir_watch_deinit(struct maildir_watch *w);
/* Reads the pending events (any of them means "scan again"); notes a
 * watched directory gone, logged once per absence. */
void maildir_watch_drain(struct maildir_watch *w);
/*
 * Before a pass: when a watched directory went, adds the watches again if
 * the Maildir (new/, cur/, tmp/) is back, and says so. 1: it came back
 * (a full pass is due: mail may have come meanwhile), 0: nothing was
 * away, -1: still away (the pass cannot run; nothing logged again).
 */
int maildir_watch_again(struct maildir_watch *w);
/* For arm(): while it is away, when to look again (MAILDIR_REWATCH_MS
 * after the last look, however often asked), else INT64_MAX. */
int64_t maildir_watch_wake(struct maildir_watch *w, int64_t now_ms);

#endif
