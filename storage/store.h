/*
 * The database: one SQLite file in WAL mode, the only place that speaks SQL
 * (STYLE.md 2). Its tables are a public interface (docs/schema.md). Times
 * are Unix seconds (INTEGER); the view recipient_status shows them as
 * ISO 8601 text.
 *
 * Every function returns 0 on success and -1 on error, unless it says
 * otherwise; the error text is then store_error(st), valid until the next
 * call on st. Strings passed in are copied by SQLite (bound parameters,
 * SQLITE_TRANSIENT); strings handed out are owned by the store as noted.
 */
#ifndef BD_STORE_H
#define BD_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "classify/reason.h"
#include "lifecycle/lifecycle.h"
#include "lifecycle/outbox.h"

/* PRAGMA user_version of the newest schema; storage/migrate.c has them all */
#define STORE_SCHEMA_VERSION 14

#define STORE_ADDR_MAX RCPT_ADDR_MAX

struct store;

enum store_mode {
	STORE_RDONLY, /* bouncectl queries: never writes, never migrates */
	STORE_RDWR,   /* creates the file, migrates it to the newest schema */
};

/*
 * Opens path. STORE_RDWR creates a missing file, sets WAL mode, and migrates
 * an older schema (a newer one than this build knows is an error: we do not
 * write what we do not understand). STORE_RDONLY fails on a missing file or
 * a schema other than STORE_SCHEMA_VERSION. Returns 0 and *st_r, or -1 and a
 * malloc'd *error_r (the caller frees it).
 */
int store_open(const char *path, enum store_mode mode, struct store **st_r,
    char **error_r);
/* A path that is a libpq URI (common/state_base.h, database_is_uri()) is
 * a PostgreSQL database (issue 18), which store_open() connects to
 * instead of opening a file. Its password is never in it (PGPASSFILE,
 * ~/.pgpass): one that holds a password is refused. */
void store_close(struct store **stp);
const char *store_error(struct store *st);
/*
 * Added by storage/: true when the last error was the database busy or
 * locked by another connection beyond the 5 s busy timeout, a RETRY_LATER
 * condition (STYLE.md 4) rather than a broken database.
 */
bool store_error_busy(struct store *st);
/*
 * What the last error means to a caller that would retry (STYLE.md 4),
 * by its SQLite result code: busy or locked by another connection, or a
 * passing trouble (SQLITE_FULL, I/O errors: a full disk loses nothing,
 * it is retried), or a database that cannot be written until a person
 * mends it -- read-only (file, directory, owner, file system; a file
 * moved or deleted under us), corrupt, not a database, no permission,
 * cannot be opened. Our own errors (texts of storage/) are NONE.
 */
enum store_fault {
	STORE_FAULT_NONE,
	STORE_FAULT_BUSY,    /* SQLITE_BUSY, SQLITE_LOCKED: RETRY_LATER */
	STORE_FAULT_PASSING, /* any other SQLite error: RETRY_LATER */
	STORE_FAULT_FATAL,   /* SQLITE_READONLY, _CORRUPT, _NOTADB, _PERM,
			      * _CANTOPEN: RETRY_NEVER */
};
enum store_fault store_error_fault(struct store *st);
/* store_error_fault(st) == STORE_FAULT_FATAL */
bool store_error_fatal(struct store *st);
/*
 * One attempt of store_open() for a caller that waits and tries again
 * itself (the daemon at start-up): busy_ms is the busy timeout while
 * opening and migrating (the connection then keeps the usual 5 s). On
 * failure *fault_r says whether waiting may help: STORE_FAULT_BUSY or
 * STORE_FAULT_PASSING, else STORE_FAULT_FATAL -- our own refusals too (a
 * newer schema, not a bounced database). A read-write open of a file
 * that can only be read fails here (SQLITE_READONLY), not at the first
 * write; a missing directory is named as such.
 */
int store_open_try(const char *path, enum store_mode mode, int busy_ms,
    struct store **st_r, char **error_r, enum store_fault *fault_r);
/*
 * 1 when another connection (bouncectl resend-now, cancel, suppress) has
 * committed since the last call, 0 when not (and on the first call), -1.
 * PRAGMA data_version: https://www.sqlite.org/pragma.html#pragma_data_version
 */
int store_changed_elsewhere(struct store *st);
/* The file's PRAGMA user_version, or -1. */
int store_schema_version(struct store *st);

/*
 * One write transaction (BEGIN IMMEDIATE ... COMMIT). The daemon groups
 * several messages in one. store_rollback() never fails visibly.
 */
int store_begin(struct store *st);
int store_commit(struct store *st);
void store_rollback(struct store *st);

/* ---- messages: one row per message seen ---- */

enum store_outcome {
	STORE_BOUNCE,	  /* "bounce": at least one recipient result */
	STORE_NOT_BOUNCE, /* "not_bounce": a message that reports nothing */
	STORE_UNPARSABLE, /* "unparsable": error says why; file quarantined */
};

struct store_attribution;
struct store_message {
	const char *sha256;	/* 64 lower-case hex digits of the raw bytes */
	const char *source_ref; /* Maildir file name, or IMAP
				 * mailbox/UIDVALIDITY/UID */
	const char *message_id; /* of the bounce itself, or NULL */
	enum store_outcome outcome;
	const char *error;   /* NULL unless unparsable */
	int64_t received_at; /* when it arrived (file mtime, INTERNALDATE) */
	int64_t processed_at;
	/* its signed return path's verdict (AUTH_VERIFIED_TAG, AUTH_FORGED,
	 * AUTH_UNVERIFIED), AUTH_COUNT for none (NULL: not parsed) */
	enum authenticity authenticity;
	/* the parser's caps it hit (mail_flags_text()), or NULL; the
	 * recipients beyond MAIL_MAX_RCPTS, 0 for none (schema v6) */
	const char *caps;
	int64_t rcpts_dropped;
	/* what identifies its original (schema v7, store_mgmt.h), or NULL:
	 * written with the row, as store_message_attribution() would */
	const struct store_attribution *attr;
};

/*
 * Returns 1 and *id_r when a message with this sha256 is recorded, 0 when
 * not, -1 on error. This is the exactly-once check: a message whose result
 * was committed but that was not acknowledged (crash in between) is found
 * here and only acknowledged.
 */
int store_message_find(struct store *st, const char *sha256, int64_t *id_r);
/*
 * The exactly-once check and the insert in one: 1 and *id_r when m was
 * added, 0 when its sha256 was recorded already (nothing is written),
 * -1 on error. The daemon's; store_message_find() says which row.
 */
int store_message_add_once(struct store *st, const struct store_message *m,
    int64_t *id_r);
/* Inserts; a sha256 already present is an error (find first). */
int store_message_add(struct store *st, const struct store_message *m,
    int64_t *id_r);

/* ---- bounces: one row per recipient result ---- */

struct store_bounce {
	const char *recipient; /* lower case addr-spec */
	enum dsn_action action; /* RFC 3464 Action, or none */
	const char *status;    /* RFC 3463 code, or NULL/"" */
	int reply_code;	       /* 0: none */
	enum reason reason;
	bool hard;
	enum bounce_class cls;
	const char *diagnostic, *remote_mta, *original_message_id;
	const char *rule, *family;
	const char *original_recipient; /* RFC 3464 2.3.1, or NULL */
	/* stage_name(), stage_source_name(), decision_layer_name(), or NULL */
	const char *stage, *stage_source, *layer;
	/* RFC 5965 3.1 Feedback-Type of an ARF report, or none */
	enum feedback feedback;
	enum authenticity authenticity; /* docs/SECURITY.md */
	enum lc_effect effect;		/* what it did to the recipient */
	int64_t at; /* the message's received_at */
	/* the bounce's own date (report_bounce_date()), 0: unknown; schema
	 * v10, issue 17 item 5 */
	int64_t bounced_at;
};

int store_bounce_add(struct store *st, int64_t message,
    const struct store_bounce *b, int64_t *id_r);

/* ---- recipients: current state per address ---- */

/* The row is struct recipient, its enums rcpt_state and rcpt_override
 * (lifecycle/lifecycle.h); names are mapped here, where it is written. */

/* 1 and *r filled when address (lower case) has a row, 0 when not, -1. */
int store_recipient_get(struct store *st, const char *address,
    struct recipient *r);
/* Inserts or replaces the row of r->address. */
int store_recipient_put(struct store *st, const struct recipient *r);
/*
 * Inserts the row of a new address unless one is there: 1 (written), 0
 * (another writer's row came first; nothing written: read it again and
 * decide from it), -1. On PostgreSQL a row that another transaction
 * inserted and has not committed is waited for, so that of two daemons
 * recording the first bounce of one address the second counts from the
 * first's row instead of overwriting it (issue 18 item 2). On SQLite the
 * write lock taken at BEGIN makes 0 impossible within a transaction.
 */
int store_recipient_add(struct store *st, const struct recipient *r);

/*
 * A person's decision (bouncectl suppress/unsuppress), in one transaction:
 * sets the state (suppressed, or active with counters cleared), the
 * override and its time, creating the row when needed, and appends to the
 * overrides log. note may be NULL.
 */
int store_override(struct store *st, const char *address,
    enum rcpt_override o, int64_t now, const char *note);

/*
 * Quiet soft addresses (policy.soft_decay): every recipient in state soft
 * whose last bounce is before `before` goes back to active with its soft
 * counters cleared. *n_r is the number of rows changed.
 */
int store_decay_soft(struct store *st, int64_t before, int64_t *n_r);

/* ---- resends: the queue daemon/outbound/resend.c drains (schema v3) ---- */

struct store_resend_new {
	const char *recipient;		 /* lower case */
	const char *original_message_id; /* without <>, or NULL */
	int64_t message;		 /* the bounce: messages.id */
	enum reason reason;		 /* of the bounce */
	enum resend_kind kind;
	/* the sent record's copy (sent_messages.id) a verified bounce
	 * matched, or 0: then resend.spool is asked at send time. Never
	 * anything a bounce returned (docs/SECURITY.md). */
	int64_t sent;
	int64_t next_at, now;
};

/*
 * Adds a pending resend. Returns 1 and *id_r when added; 0 and the
 * existing row's *id_r when one is already pending or deferred for the
 * pair (nothing changes); -1.
 */
int store_resend_add(struct store *st, const struct store_resend_new *r,
    int64_t *id_r);

/* A resend row as the worker needs it; fixed buffers, nothing borrowed. */
struct store_resend {
	int64_t id;
	char recipient[STORE_ADDR_MAX + 1];
	char original_message_id[1000]; /* "" for NULL (RFC 5322: 998) */
	enum reason reason;
	enum resend_kind kind;
	enum resend_state state;
	int64_t message;     /* the bounce that scheduled it */
	int64_t sent;	     /* sent_messages.id of our copy, 0: none */
	int64_t attempts;    /* attempts made so far */
	int64_t next_attempt_at, created_at;
};

/*
 * Up to max resends in state pending or deferred whose next_attempt_at
 * <= now, earliest first, into out[]; *n_r says how many.
 */
int store_resend_due(struct store *st, int64_t now, struct store_resend *out,
    size_t max, size_t *n_r);
/*
 * Takes up to max due resends (as store_resend_due() finds them) for
 * one worker, in one short committed transaction: their
 * next_attempt_at becomes `until`, so that no other claim takes them
 * before then (issue 18 item 2: each due resend is taken by one daemon).
 * Nothing is held while the caller sends. The recorded outcome
 * (store_resend_record(), _postpone(), _cancel()) sets the row's next
 * time; a worker that dies before that leaves the row due again at
 * `until`. On PostgreSQL, rows another claim has locked are skipped,
 * not waited for. out[] in id order, next_attempt_at = until.
 */
int store_resend_claim(struct store *st, int64_t now, int64_t until,
    struct store_resend *out, size_t max, size_t *n_r);
/* The earliest next_attempt_at of a pending or deferred resend: 1 and
 * *at_r, 0 when there is none, -1. The daemon's loop sleeps until then. */
int store_resend_next_at(struct store *st, int64_t *at_r);
/* One row by id: 1 and *r, 0 when there is no such row, -1. */
int store_resend_get(struct store *st, int64_t id, struct store_resend *r);
/* Whether another resend than id waits for its recipient and original:
 * 1, 0, -1 (lifecycle_resend_state()'s other_waiting). */
int store_resend_other_waiting(struct store *st, int64_t id);
/* Copies sent in attempts since `since`: in all, and to recipients in
 * domain (lower case) -- resend.max_per_hour and its domain limit. */
int store_resend_sent_since(struct store *st, int64_t since,
    const char *domain, int64_t *all_r, int64_t *domain_r);
/* next_attempt_at = at for a waiting resend, no attempt recorded (the
 * rate limits). */
int store_resend_postpone(struct store *st, int64_t id, int64_t at);

/* The result of one attempt, or of a bounce of a resent copy. */
struct store_resend_attempt {
	int64_t resend;
	int64_t at;
	enum resend_outcome outcome;
	/* the state it moves the resend to, and whether next_at applies
	 * (lifecycle_resend_state()); ignored for OUTCOME_BOUNCED */
	enum resend_state state;
	bool requeue;
	int reply_code;		       /* SMTP reply code, 0: none */
	const char *reply;	       /* server reply / error text, or NULL */
	const char *resent_message_id; /* sent: our Resent-Message-ID */
	int64_t next_at;	       /* deferred: when to try again */
	int64_t message;	       /* bounced: messages.id, else 0 */
	bool counts;		       /* an attempt was made: attempts + 1 */
};

/*
 * Appends a resend_attempts row and, unless the outcome is
 * OUTCOME_BOUNCED, moves the resend to a->state (next_attempt_at =
 * next_at when a->requeue). Sets last_error (reply), updated_at and, for
 * the outcome sent, resent_message_id. Within the caller's transaction
 * or its own when none is open.
 */
int store_resend_record(struct store *st, const struct store_resend_attempt *a);

/*
 * Closing the loop: the resend a bounce reports on. First by the
 * Resent-Message-ID we sent (resent_message_id, without <>, may be
 * NULL), else by recipient + original_message_id among resends in state
 * sent. Returns 1 and *r, 0 when none, -1.
 */
int store_resend_find_sent(struct store *st, const char *recipient,
    const char *resent_message_id, const char *original_message_id,
    struct store_resend *r);
/*
 * Whether store_resend_find_sent() can find anything at all: 1 when some
 * resend was sent (its state is sent, or it has a Resent-Message-ID), 0
 * when none ever was, -1. Asked once per batch (the batch's write lock
 * keeps it true), so that bounces need not look per recipient.
 */
int store_resend_any_sent(struct store *st);
/* bounces.resend = resend for the bounce row `bounce` (schema v3). */
int store_bounce_link_resend(struct store *st, int64_t bounce, int64_t resend);

/* bouncectl cancel: pending/deferred -> cancelled. 1, 0 when the row does
 * not exist or is not waiting (nothing changes), -1. */
int store_resend_cancel(struct store *st, int64_t id, int64_t now);
/* bouncectl resend-now: next_attempt_at = now for a pending/deferred
 * row. 1, 0 (as above), -1. The daemon picks it up within a second. */
int store_resend_now(struct store *st, int64_t id, int64_t now);

/* ---- sent: copies of the mail we sent (schema v5, the sent: source) ---- */

/*
 * One copy of an outgoing message, as the MTA handed it to the sent:
 * source (Postfix always_bcc / sender_bcc_maps). It proves that mail with
 * message_id went to each of rcpts: a bounce naming that Message-ID and
 * one of them is verified (docs/SECURITY.md), and a resend is made from
 * body, never from what a bounce returned.
 */
struct store_sent {
	const char *sha256;	/* of the raw bytes: indexed exactly once */
	const char *source_ref; /* Maildir file name, IMAP mailbox/UIDV/UID */
	const char *message_id; /* without <>, or NULL (then only stored) */
	int64_t sent_at;	/* when the copy arrived */
	int64_t indexed_at;	/* now; sent.keep counts from here */
	const void *body;
	size_t len;
	const char *const *rcpts; /* lower case addr-specs, no duplicates */
	size_t nrcpts;
};

/* 1 and *id_r when a copy with this sha256 is recorded, 0, -1. */
int store_sent_find(struct store *st, const char *sha256, int64_t *id_r);
/* Inserts a copy and its recipients (find first). */
int store_sent_add(struct store *st, const struct store_sent *s,
    int64_t *id_r);
/*
 * Whether a copy with message_id (without <>) went to recipient (lower
 * case): 1 and the newest such copy's *id_r, 0 when none, -1.
 */
int store_sent_match(struct store *st, const char *message_id,
    const char *recipient, int64_t *id_r);
/* A copy's bytes, malloc'd for the caller: 1, 0 when gone (pruned), -1. */
int store_sent_body(struct store *st, int64_t id, unsigned char **buf_r,
    size_t *len_r);
/* sent.keep: every copy indexed before `before` goes, with its
 * recipients; *n_r copies. */
int store_sent_expire(struct store *st, int64_t before, int64_t *n_r);

/* ---- suspects: messages the daemon died parsing (daemon/poison.h) ---- */

/* One more crash while parsing sha256 (at now). 0 or -1. */
int store_suspect_add(struct store *st, const char *sha256,
    const char *source_ref, int64_t now);
/* Calls fn for each suspect with its crash count. 0 or -1. */
int store_suspect_each(struct store *st,
    void (*fn)(void *arg, const char *sha256, unsigned crashes), void *arg);
/* The message is recorded: no longer a suspect. 0 or -1. */
int store_suspect_del(struct store *st, const char *sha256);

/* ---- send time: "may I send to X?" (issue 15, store_lookup.c) ---- */

struct rcpt_standing; /* lifecycle/send.h */

/*
 * What lifecycle_send() needs of address (lower case), by one cached
 * statement on the primary key: *s filled, s->exists false when the
 * address has no row. forget_hash is the address's keyed hash
 * (forget_hash(), common/forget_key.h), looked up in forgotten (a second
 * primary-key lookup: s->forgotten); NULL when no key exists, so nothing
 * was forgotten. Read-only; on a read-only connection each call is its
 * own short read transaction, so WAL readers never hold the writer
 * back. 0 or -1.
 */
int store_recipient_standing(struct store *st, const char *address,
    const char *forget_hash, struct rcpt_standing *s);
/*
 * Calls fn for every recipient in state suppressed, by address: a
 * non-zero return from fn stops the walk and is returned. 0 or -1.
 */
int store_suppressed_each(struct store *st,
    int (*fn)(void *arg, const char *address, const struct rcpt_standing *s),
    void *arg);

/* ---- retention, erasure, metrics (schema v9, issue 15 items 6, 7) ---- */

/* What a retention purge deletes (store_upkeep.c says what each keeps). */
enum store_purge {
	STORE_PURGE_MESSAGES,  /* messages rows, their bounces and finished
				* resends: retention.messages */
	STORE_PURGE_BOUNCES,   /* bounce rows: retention.bounces */
	STORE_PURGE_ORIGINALS, /* resend_originals: retention.originals */
	STORE_PURGE_SENT,      /* sent_messages: sent.keep */
	STORE_PURGE_COUNT
};
/* "messages", "bounces", "originals", "sent" (logs) */
const char *store_purge_name(enum store_purge k);
/*
 * One transaction of at most limit rows of kind older than before (Unix
 * s), the oldest first; *n_r rows of the kind deleted (fewer than limit:
 * nothing older is left). Never a recipient's state.
 */
int store_purge(struct store *st, enum store_purge kind, int64_t before,
    unsigned limit, int64_t *n_r);
/*
 * retention.suppressions: at most limit addresses suppressed for reason
 * (its name) before `before`, without a person's override, go back to
 * active, each passed to fn (may be NULL); *n_r of them.
 */
int store_expire_suppressions(struct store *st, const char *reason,
    int64_t before, unsigned limit,
    void (*fn)(void *arg, const char *address), void *arg, int64_t *n_r);

/*
 * bouncectl forget: in one transaction, every row naming address goes
 * (store_forget.c: the list, then a sweep of every TEXT and BLOB column of
 * every table, which redacts what is left), and hash (forget_hash(),
 * common/forget_key.h) is kept in forgotten, at now. fn (may be NULL) hears
 * "table" or "table.column" and how many rows each step changed.
 */
int store_forget(struct store *st, const char *address, const char *hash,
    int64_t now, void (*fn)(void *arg, const char *what, int64_t n),
    void *arg);
/* Whether hash is a forgotten address's: 1, 0, -1. */
int store_forgotten(struct store *st, const char *hash);

/* The metrics' families (daemon/upkeep/metrics.c names them). */
enum store_metric {
	STORE_METRIC_MESSAGES,	 /* a = outcome; a total, never down */
	STORE_METRIC_BOUNCES,	 /* a = reason, b = class; a total */
	STORE_METRIC_RECIPIENTS, /* a = state; now */
	STORE_METRIC_RESENDS,	 /* a = state; now */
	STORE_METRIC_FORGOTTEN,	 /* forgotten addresses; now */
	STORE_METRIC_COUNT
};
/* Calls fn for each group's count (one read transaction). 0 or -1. */
int store_metrics(struct store *st,
    void (*fn)(void *arg, enum store_metric m, const char *a, const char *b,
	int64_t n),
    void *arg);

/* ---- queries (bouncectl): rows of text, SQL stays here ---- */

struct store_rows;

enum store_col_type { STORE_NULL, STORE_INT, STORE_REAL, STORE_TEXT };

struct store_list_filter {
	const char *state;  /* NULL: any */
	const char *reason; /* NULL: any */
	const char *domain; /* NULL: any; lower case */
	int64_t since;	    /* last_bounce_at >= since; 0: any */
	/* NULL, or a second reason name matched beside reason: a sisimai 5
	 * name stands for two of ours (issue 17 item 6) */
	const char *reason2;
};

enum store_stats_by {
	STATS_REASON,
	STATS_DOMAIN,
	STATS_DAY,
	/* issue 15 item 4 (schema v7) */
	STATS_SENDER,	 /* the original's From (messages.original_from) */
	STATS_CAMPAIGN,	 /* messages.campaign */
	STATS_REMOTE_MTA, /* bounces.remote_mta */
	/* issue 17 item 6: by reason as sisimai 5 names it, the reasons it
	 * merged counted as one (emailtoolarge: mesgtoobig and exceedlimit) */
	STATS_REASON_SISIMAI5
};

/* The recipient_status row of one address (0 or 1 row). */
int store_query_status(struct store *st, const char *address,
    struct store_rows **rows_r);
/* Every bounce and override of one address, oldest first. */
int store_query_history(struct store *st, const char *address,
    struct store_rows **rows_r);
int store_query_list(struct store *st, const struct store_list_filter *f,
    struct store_rows **rows_r);
/* bouncectl resends: every resend (state NULL) or those in one state,
 * newest first: id recipient original_message_id reason kind state
 * attempts next_attempt created updated last_error. */
int store_query_resends(struct store *st, const char *state,
    struct store_rows **rows_r);
/* Added by storage/: the same columns for the resend id (0 or 1 row), for
 * bouncectl resend-now and cancel to show what they did. */
int store_query_resend(struct store *st, int64_t id,
    struct store_rows **rows_r);
/* bouncectl sent: the copies (sent: source) whose Message-ID is what
 * (<> optional) or that went to the address what, newest first: id
 * message_id sent_at recipients. */
int store_query_sent(struct store *st, const char *what,
    struct store_rows **rows_r);
/* Counts of bounces grouped by reason, domain or day (UTC), since (0: all) */
int store_query_stats(struct store *st, enum store_stats_by by,
    int64_t since, struct store_rows **rows_r);

unsigned store_rows_ncols(const struct store_rows *rows);
const char *store_rows_name(const struct store_rows *rows, unsigned col);
/* 1: a row is current, 0: no more rows, -1: error (store_error()). */
int store_rows_next(struct store_rows *rows);
enum store_col_type store_rows_type(const struct store_rows *rows,
    unsigned col);
/* The current row's value as text, NULL for SQL NULL; owned by the store,
 * valid until the next store_rows_next() or store_rows_free(). */
const char *store_rows_text(struct store_rows *rows, unsigned col);
void store_rows_free(struct store_rows **rowsp);

/* Names as stored (the lifecycle's enums have theirs in lifecycle.h). */
const char *store_outcome_name(enum store_outcome o);

/* ---- events: the outbox (schema v8, issue 15 item 3) ---- */

/*
 * One change the applications hear of (lifecycle/outbox.h), added in
 * the transaction of the change itself -- the caller's, or its own when
 * none is open -- with a new random uuid. store_override() and
 * store_resend_record() add theirs; the daemon's pipeline adds those of
 * bounces. Strings may be NULL; 0 means none for the ids.
 */
struct store_event_new {
	enum outbox_kind kind;
	enum outbox_source source;
	const char *address; /* lower case */
	int64_t at;	     /* when the change was committed (now) */
	enum rcpt_state state; /* the address's state after it */
	enum reason reason;    /* REASON_UNDEFINED: none */
	const char *status, *diagnostic, *note;
	int64_t message, bounce, resend; /* messages.id, bounces.id, resends.id */
	const char *message_id, *original_message_id;
};
int store_event_add(struct store *st, const struct store_event_new *e,
    int64_t *id_r);

/* The sinks, stored as event_sinks.name and event_deliveries.sink. */
enum store_sink { STORE_SINK_EXEC, STORE_SINK_WEBHOOK, STORE_SINK_COUNT };
const char *store_sink_name(enum store_sink s);

/* An event as a sink's worker reads it; fixed buffers, nothing borrowed
 * (longer texts are cut at a character boundary). "" for NULL. */
struct store_event {
	int64_t id;
	char uuid[40];
	enum outbox_kind kind;
	enum outbox_source source;
	char address[STORE_ADDR_MAX + 1];
	int64_t at;
	char state[16], reason[40], status[16];
	char diagnostic[1000], note[512];
	int64_t message, bounce, resend; /* 0: none */
	char message_id[1000], original_message_id[1000];
	int64_t attempts;	 /* made so far at this sink */
	int64_t next_attempt_at; /* 0: at once */
};

/*
 * Queues for sink the events committed since its last call (its
 * cursor), in one short transaction. A sink seen for the first time
 * starts with the events newer than first_since (Unix s): those a
 * dead-letter age has not already given up. *n_r events were queued.
 */
int store_outbox_enqueue(struct store *st, enum store_sink sink,
    int64_t now, int64_t first_since, int64_t *n_r);
/*
 * Up to max pending events of sink, oldest first, stopping before the
 * first that is not due at now (deliveries are in order: a failing
 * event holds back those after it until it is delivered or dead).
 */
int store_outbox_due(struct store *st, enum store_sink sink, int64_t now,
    struct store_event *out, size_t max, size_t *n_r);
/*
 * store_outbox_due()'s events, taken for one worker in one short
 * committed transaction: their next_attempt_at becomes `until`, so that
 * no other claim takes them before then (issue 18 item 2: each event
 * delivered by one daemon). Deliveries are in order, so a claim holds
 * the sink's head: another daemon's due read stops there and gets
 * nothing until the outcome is marked (store_outbox_mark()), the claim
 * released, or `until` passed (a worker that died). On PostgreSQL a
 * claim that finds another claim of the sink open gets nothing, at
 * once. out[] keeps the values from before the claim.
 */
int store_outbox_claim(struct store *st, enum store_sink sink, int64_t now,
    int64_t until, struct store_event *out, size_t max, size_t *n_r);
/*
 * The events from first to last a claim with `until` took and nothing
 * has marked since: due again at once (a stop, a failure that ended the
 * batch early). Within the caller's transaction or its own.
 */
int store_outbox_release(struct store *st, enum store_sink sink,
    int64_t first, int64_t last, int64_t until);
/* The next_attempt_at of sink's oldest pending event: 1 and *at_r (0:
 * due now), 0 when none is pending, -1. */
int store_outbox_next_at(struct store *st, enum store_sink sink,
    int64_t *at_r);
/*
 * Sets one delivery's state, attempts (made so far), next_attempt_at
 * (0: none) and last_error (NULL: cleared), within the caller's
 * transaction or its own.
 */
int store_outbox_mark(struct store *st, enum store_sink sink, int64_t event,
    enum outbox_state state, int64_t attempts, int64_t next_at,
    const char *error, int64_t now);

/* For metrics (issue 15 item 7) and bouncectl: the outbox's size. */
struct store_outbox_backlog {
	int64_t events;	      /* rows in events */
	bool seen[STORE_SINK_COUNT]; /* the sink has run at least once */
	/* deliveries by sink and state; pending includes the events not
	 * yet queued for the sink (newer than its cursor) */
	int64_t n[STORE_SINK_COUNT][OUTBOX_STATE_COUNT];
	int64_t oldest_pending[STORE_SINK_COUNT]; /* events.at, 0: none */
};
int store_outbox_backlog(struct store *st, struct store_outbox_backlog *b);
/*
 * Retention (issue 15 item 6): deletes up to limit events older than
 * before that no sink still has to deliver (none pending, every sink's
 * cursor past them), with their deliveries. *n_r rows went. Call again
 * while *n_r == limit: small transactions never hold up ingestion.
 */
int store_outbox_purge(struct store *st, int64_t before, int64_t limit,
    int64_t *n_r);

/* ---- IMAP: what a mailbox's UIDs left in the database (issue 19) ---- */
/*
 * Whether a message was recorded with this source_ref ("mailbox/
 * UIDVALIDITY/UID"): 1 (and *unparsable_r: it was quarantined), 0, -1.
 */
int store_ref_recorded(struct store *st, const char *source_ref,
    bool *unparsable_r);
/*
 * The highest UID recorded under prefix ("mailbox/UIDVALIDITY/") in
 * *uid_r, 0 for none. 0 or -1.
 */
int store_ref_max_uid(struct store *st, const char *prefix, uint32_t *uid_r);

#endif
