/* The daemon's state, shared by main.c (start-up, reload) and loop.c. */
#ifndef BD_DAEMON_H
#define BD_DAEMON_H

#include <stdbool.h>
#include <stdint.h>

#include "config/config.h"
#include "daemon/pipeline.h"
#include "daemon/poison.h"
#include "daemon/outbound/events.h"
#include "daemon/outbound/resend.h"
#include "daemon/sources/source.h"
#include "daemon/upkeep/upkeep.h"
#include "storage/store.h"

/*
 * The exit status for a database that cannot be written (read-only,
 * corrupt, not a database, wrong owner): restarting does not help, so
 * the unit names it in RestartPreventExitStatus= (systemd.service(5)).
 * bouncectl's status for a database problem is 3 too.
 */
#define BOUNCED_EXIT_DATABASE 3

struct daemon {
	const char *conf_path;	 /* -c, or NULL: the embedded defaults */
	const char *opt_db;	 /* -d: overrides database */
	const char *opt_maildir; /* -m: overrides maildir.path */
	const char *instance;	 /* -i: one of several daemons on one
				  * database (bounced@.service): names its
				  * parse marker; NULL: the only one */
	bool once;		 /* --once: one pass, then exit */
	bool verbose;		 /* -v: debug lines, whatever the config says */
	struct config *conf;	 /* owned */
	struct store *st;	 /* owned */
	struct source *src;	 /* owned */
	struct source *sent;	 /* owned: the sent: copies, or NULL */
	struct pipeline pl;
	struct poison poison; /* the parse marker and the suspects */
	int sfd;		 /* signalfd: TERM INT HUP */
	bool stopping;
	bool reload;
	bool ready;		 /* READY=1 sent (after the first scan) */
	int64_t resend_at;	 /* Unix s of the next due resend; 0: none,
				  * -1: ask the store */
	struct resend_counts resends;
	int64_t retry_ms;	 /* backoff after a failed pass, 0 */
	bool fatal;		 /* the database cannot be written: exit 1 */
	int64_t db_wait_ms;	 /* --once: how long to wait for the
				  * database (DAEMON_DB_WAIT_ONCE_S) */
	int64_t db_deadline;	 /* --once: when waiting ends (ms, source.h) */
	/* Test hook (tests/integration/daemon_kill.sh): SIGKILL ourselves
	 * after this many commits, before acknowledging. 0: off. Read from
	 * BOUNCED_TEST_KILL_AFTER_COMMIT; it can only lose time, never data,
	 * which is what the test proves. */
	int kill_after_commit;
	/* the outbox's delivery worker (events.h), NULL: no sink */
	struct events_worker *events;
	struct upkeep upkeep; /* retention and metrics (daemon/upkeep/) */
};

/*
 * The wall clock the daemon judges by (Unix s): time(2), moved by
 * BOUNCED_TEST_TIME_OFFSET seconds when set -- a test hook, so that
 * resend schedules are tested without sleeping.
 */
int64_t daemon_now(void);

/* Loads the config (conf_path or defaults) with the -d/-m overrides.
 * Returns NULL and prints every error. */
struct config *daemon_load_config(const struct daemon *d);
/* Opens the store, the source and the sent: source (*sent_r NULL when
 * conf has none) for conf: 0, or -1 (logged). */
int daemon_open(const struct config *conf, bool once,
    struct store **st_r, struct source **src_r, struct source **sent_r);
/* SIGHUP: a fresh config swapped in only when valid and openable. */
void daemon_reload(struct daemon *d);

/*
 * dbwait.c: the database at start-up. A database locked by another
 * process (or a passing trouble: a full disk) is waited for, as a running
 * daemon does, with pauses growing to DB_WAIT_MAX_MS, STATUS= saying why,
 * the watchdog fed and the start-up timeout extended; --once waits at
 * most d->db_wait_ms (5 minutes unless BOUNCED_TEST_DB_WAIT says
 * seconds). A database that cannot be written (read-only, corrupt, not
 * a database, no permission, a missing directory) is fatal at once.
 * 0 and *st_r; 1: SIGTERM came while waiting; -1 fatal or given up
 * (logged).
 */
#define DAEMON_DB_WAIT_ONCE_S 300
int daemon_store_open(struct daemon *d, struct store **st_r);
/*
 * After a store call failed during a run: true when the database cannot
 * be written (store_error_fatal()): said once, with STATUS=, and
 * d->fatal and d->stopping set, so the daemon exits 1 without
 * acknowledging more. Busy and passing errors (a full disk) are false:
 * retried as before.
 */
bool daemon_store_fatal(struct daemon *d);
/* --once: after a pass that found the database locked, waits (pauses
 * growing, d->db_deadline) and says true when it may try again. */
bool daemon_store_wait_once(struct daemon *d, int64_t *pause_ms);
/* Waits ms, reading signals and feeding the watchdog: false as soon as
 * the daemon is asked to stop. */
bool daemon_pause(struct daemon *d, int64_t ms);

/* One pass over the source (full: see source_ops.scan), after one over
 * the sent: source: 0, or one of: */
#define LOOP_STORE_FAILED (-1) /* a batch could not be stored */
#define LOOP_SOURCE_DOWN (-2)  /* the source could not be reached */
int loop_pass(struct daemon *d, bool full);

/*
 * sent_index.c: one pass over d->sent (nothing when NULL), each copy
 * read, hashed and parsed (mail/sent.h) before its batch's transaction,
 * indexed once (store_sent_add(); one already recorded is only
 * acknowledged), acknowledged after the commit (ACK_DELETE). 0, or
 * LOOP_STORE_FAILED (rolled back, nothing acknowledged), or
 * LOOP_SOURCE_DOWN (logged by the source).
 */
int sent_pass(struct daemon *d, bool full);
/* The test hook of kill_after_commit, after a commit of either pass. */
void daemon_test_kill(struct daemon *d);
/* --once: the soft-state decay, then one pass (waiting while the
 * database is locked, daemon_store_wait_once()): 0, or -1. */
int loop_once(struct daemon *d);
/* Until SIGTERM: 0 on a clean stop, -1 when the database cannot be
 * written (daemon_store_fatal()). */
int loop_run(struct daemon *d);
/* Reads pending signals (non-blocking) into d->stopping / d->reload. */
void loop_signals(struct daemon *d);

#endif
