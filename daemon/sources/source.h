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
#include <time.h>

#include "mail/mail_limits.h"

struct source;
struct store;

/* The clock of arm() and the loop's timers: CLOCK_MONOTONIC in ms. */
static inline int64_t
source_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * A bounce bigger than this is not read: it is recorded as unparsable
 * (m->error) and quarantined. No MTA returns 64 MiB, and holding it whole
 * would break the memory bound the daemon keeps.
 */
#define SOURCE_MAX_MESSAGE MAIL_MAX_MESSAGE /* the one cap, bouncectl's too */

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
	ACK_DELETE,	/* a sent copy, now held by the database: a Maildir
			 * deletes the file; IMAP acknowledges as ACK_DONE */
};

struct source_ops {
	const char *name;
	/*
	 * false: next() runs on a reader thread while the main thread
	 * stores and acknowledges (Maildir: files, no shared state). true:
	 * next() and ack() share one connection (IMAP), so the loop calls
	 * both on the main thread, one batch at a time.
	 */
	bool same_thread;
	/*
	 * Called before the loop waits. Returns the fd to poll for
	 * "something arrived" (inotify, an IMAP connection in IDLE), or -1;
	 * sets *wake_ms (source_now_ms()) to when the source
	 * wants a pass without an event (poll interval, IDLE renewal, a
	 * reconnection), INT64_MAX for never. May do I/O (enter IDLE).
	 */
	int (*arm)(struct source *src, int64_t now_ms, int64_t *wake_ms);
	/* Consumes what made the fd readable; a pass follows. */
	void (*drain)(struct source *src);
	/*
	 * Starts a pass over what is waiting; full asks also for what only a
	 * complete look finds (at start and every rescan_interval, not on
	 * each event). next() then returns 1 and a message, 0 when the pass
	 * is over, -1 on an error of the source (logged; the pass ends).
	 * Messages that fail to be read (vanished) are skipped and logged.
	 * scan() returns -1 when the source cannot be reached (IMAP down,
	 * certificate refused: logged by the source, once per outage); the
	 * source's arm() then says when to try again.
	 */
	int (*scan)(struct source *src, bool full);
	int (*next)(struct source *src, struct source_msg *m);
	/* 0, or -1 (logged): the message stays and is seen again. A source
	 * may only queue the acknowledgement until flush(). */
	int (*ack)(struct source *src, const struct source_msg *m,
	    enum source_ack how);
	/* Optional (NULL): carries out the acknowledgements ack() queued,
	 * called once after each batch's acks -- one IMAP command for a
	 * batch instead of one per message. A failure is logged; those
	 * messages stay and are seen again. */
	void (*flush)(struct source *src);
	/* For READY=1/STATUS=: "watching /var/mail/bounces/new",
	 * "IDLE on imaps://imap.example.org/INBOX" (static or the source's). */
	const char *(*describe)(struct source *src);
	void (*free)(struct source *src);
	/*
	 * Optional (NULL), issue 19: the daemon's database, lent before each
	 * pass (an IMAP source asks it which UIDs are recorded already).
	 */
	void (*attach)(struct source *src, struct store *st);
	/*
	 * Optional (NULL), issue 19: why the last pass did not finish its
	 * work -- acknowledgements refused, the connection lost in the
	 * middle -- and on how many passes in a row (*passes_r); NULL when
	 * the last pass was whole. --once then exits 1; the daemon puts it
	 * in STATUS= from SOURCE_FAIL_PASSES passes on.
	 */
	const char *(*failing)(struct source *src, unsigned *passes_r);
};

/* Passes in a row that failed before the daemon says so in STATUS= */
#define SOURCE_FAIL_PASSES 3

struct source {
	const struct source_ops *ops;
};

void source_msg_clear(struct source_msg *m);

/*
 * A Maildir source watching path/new (inotify IN_CREATE and IN_MOVED_TO:
 * Postfix delivers by link()+unlink(), which gives only IN_CREATE;
 * other MDAs rename() from tmp/). quarantine is a Maildir created when
 * missing, or NULL for a source that quarantines nothing (sent: copies;
 * ACK_QUARANTINE then acts as ACK_DONE). Returns NULL and logs why when
 * path is not a Maildir.
 */
struct source *maildir_source_new(const char *path, const char *quarantine);

/*
 * An IMAP source (daemon/sources/source_imap.c) for conf->imap. Connects lazily
 * (the first scan()), so it never fails for the network; returns NULL
 * and logs why only for a configuration it cannot use. source_ref is
 * "<mailbox>/<UIDVALIDITY>/<UID>", received_at the INTERNALDATE. once
 * (--once): a connection failure is not followed by "retrying" in the log.
 */
struct config_imap;
struct source *imap_source_new(const struct config_imap *conf,
    unsigned batch_size, bool once);
/*
 * The same for the sent: folder (a second connection): conf's server and
 * login, mailbox instead of conf->mailbox, acknowledged in place (\Seen
 * $Bounced: no processed or quarantine mailbox). conf's strings and
 * mailbox are borrowed: they must outlive the source.
 */
struct source *imap_sent_source_new(const struct config_imap *conf,
    char *mailbox, unsigned batch_size, bool once);

#endif
