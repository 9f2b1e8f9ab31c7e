/*
 * Where bounces come from: a small vtable per backend (after OpenSMTPD's
 * queue backends and isync's drivers). Maildir today (source_maildir.c);
 * IMAP is the next backend. The pipeline asks for the next message,
 * commits its result, and only then acknowledges it.
 */
#ifndef BD_SOURCE_H
#define BD_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct source;

struct source_msg {
	char *ref;	    /* owned: source_ref (Maildir file name, ...) */
	unsigned char *buf; /* owned: the raw message */
	size_t len;
	int64_t received_at; /* delivery time (mtime, INTERNALDATE) */
	char *error;	     /* owned: set instead of buf when it was
			      * too big to read; the message is quarantined */
	int origin;	     /* the source's own: where it was found */
};

enum source_ack {
	ACK_DONE,	/* recorded: move out of the way (Maildir cur/) */
	ACK_QUARANTINE, /* unparsable: recorded, kept aside for a person */
};

struct source_ops {
	const char *name;
	/* The fd to poll for "something arrived", or -1 (poll only). */
	int (*fd)(struct source *src);
	/* Consumes what made the fd readable. */
	void (*drain)(struct source *src);
	/*
	 * Starts a pass over what is waiting; full asks also for what only a
	 * complete look finds (at start and every rescan_interval, not on
	 * each event). next() then returns 1 and a message, 0 when the pass
	 * is over, -1 on an error of the source (logged; the pass ends).
	 * Messages that fail to be read (vanished) are skipped and logged.
	 */
	int (*scan)(struct source *src, bool full);
	int (*next)(struct source *src, struct source_msg *m);
	/* 0, or -1 (logged): the message stays and is seen again. */
	int (*ack)(struct source *src, const struct source_msg *m,
	    enum source_ack how);
	void (*free)(struct source *src);
};

struct source {
	const struct source_ops *ops;
};

void source_msg_clear(struct source_msg *m);

/*
 * A Maildir source watching path/new (inotify IN_CREATE and IN_MOVED_TO:
 * Postfix delivers by link()+unlink(), which gives only IN_CREATE;
 * other MDAs rename() from tmp/). quarantine is a Maildir created when
 * missing. Returns NULL and logs why when path is not a Maildir.
 */
struct source *maildir_source_new(const char *path, const char *quarantine);

#endif
