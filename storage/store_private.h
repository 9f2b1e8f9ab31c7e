/*
 * Inside storage/: the connection, its statement cache and the helpers the
 * store's .c files share. Unit tests include it to reach the connection
 * and to create databases at an older schema version; nothing else may
 * (a statement never leaves storage/, STYLE.md 5). The SQL goes through
 * db.h, the statement layer over SQLite and PostgreSQL (issue 18).
 */
#ifndef BD_STORE_PRIVATE_H
#define BD_STORE_PRIVATE_H

#include <sys/stat.h>

#include "db.h"

#include "storage/store.h"

/* The statements every write path uses; store_sqlite.c and store_resend.c
 * hold their SQL. */
enum store_stmt {
	STMT_BEGIN,
	STMT_COMMIT,
	STMT_ROLLBACK,
	STMT_SAVEPOINT,
	STMT_RELEASE,
	STMT_ROLLBACK_TO,
	STMT_USER_VERSION,
	STMT_DATA_VERSION,
	STMT_MESSAGE_FIND,
	STMT_MESSAGE_ADD,
	STMT_MESSAGE_ADD_ONCE,
	STMT_BOUNCE_ADD,
	STMT_RECIPIENT_GET,
	STMT_RECIPIENT_PUT,
	STMT_RECIPIENT_ADD,
	STMT_SUPPRESS,
	STMT_UNSUPPRESS,
	STMT_OVERRIDE_LOG,
	STMT_DECAY,
	/* store_sent.c holds the SQL of these, in store_sent_sql[] */
	STMT_SENT_FIND,
	STMT_SENT_ADD,
	STMT_SENT_RCPT_ADD,
	STMT_SENT_MATCH,
	STMT_SENT_BODY,
	STMT_SENT_EXPIRE_RCPTS,
	STMT_SENT_EXPIRE,
	/* store_resend.c holds the SQL of these, in store_resend_sql[] */
	STMT_RESEND_FIND_PENDING,
	STMT_RESEND_SENT_SINCE,
	STMT_RESEND_SENT_SINCE_DOMAIN,
	STMT_RESEND_POSTPONE,
	STMT_RESEND_ADD,
	STMT_RESEND_DUE,
	STMT_RESEND_CLAIM,
	STMT_RESEND_NEXT_AT,
	STMT_RESEND_GET,
	STMT_RESEND_OTHER_WAITING,
	STMT_RESEND_ATTEMPT_ADD,
	STMT_RESEND_UPDATE,
	STMT_RESEND_FIND_BY_RESENT_ID,
	STMT_RESEND_FIND_BY_ORIGINAL,
	STMT_RESEND_ANY_SENT,
	STMT_BOUNCE_LINK_RESEND,
	STMT_RESEND_CANCEL,
	STMT_RESEND_NOW,
	/* store_lookup.c holds the SQL of these, in store_lookup_sql[] */
	STMT_RECIPIENT_STANDING,
	STMT_FORGOTTEN_AT,
	/* store_outbox.c holds the SQL of these, in store_outbox_sql[] */
	STMT_EVENT_ADD,
	STMT_OUTBOX_SINK_ADD,
	STMT_OUTBOX_MAX_ID,
	STMT_OUTBOX_CURSOR,
	STMT_OUTBOX_QUEUE,
	STMT_OUTBOX_ADVANCE,
	STMT_OUTBOX_DUE,
	STMT_OUTBOX_CLAIM_SINK,
	STMT_OUTBOX_CLAIM,
	STMT_OUTBOX_RELEASE,
	STMT_OUTBOX_NEXT_AT,
	STMT_OUTBOX_MARK,
	/* store_mgmt.c holds the SQL of these, in store_mgmt_sql[] */
	STMT_MGMT_STATE,
	STMT_MGMT_ATTR,
	STMT_MGMT_SENT_BY_MID,
	STMT_MGMT_SENT_HEAD,
	STMT_MGMT_STAGE,
	STMT_MGMT_STAGED,
	/* store_forget.c holds the SQL of these, in store_forget_sql[] */
	STMT_FORGOTTEN,
	/* store_stats.c holds the SQL of these, in store_stats_sql[] */
	STMT_STATS_REASON,
	STMT_STATS_RCPT,
	STMT_STATS_DOMAIN,
	STMT_STATS_DAY,
	STMT_COUNT
};

/* The SQL of the statements store_resend.c uses, NULL for the others:
 * store_stmt() looks there for an id store_sqlite.c has no text for. */
extern const char *const store_resend_sql[STMT_COUNT];
/* The same for store_sent.c. */
extern const char *const store_sent_sql[STMT_COUNT];
/* The same for store_lookup.c. */
extern const char *const store_lookup_sql[STMT_COUNT];
/* The same for store_outbox.c. */
extern const char *const store_outbox_sql[STMT_COUNT];
/* The same for store_mgmt.c (issue 15 items 4 and 5). */
extern const char *const store_mgmt_sql[STMT_COUNT];

/*
 * store_mgmt.c: one person's decision about one address, inside the
 * caller's transaction: the recipients row (suppressed, or active with
 * its soft counters cleared) and its overrides log row. Every
 * suppression or unsuppression a person makes goes through here,
 * bouncectl suppress ADDR and the bulk import alike (store_mgmt.h).
 * address is a lower-case mailbox the caller checked.
 */
struct store_override_in;
int store_override_apply(struct store *st, const struct store_override_in *in,
    int64_t now);
/* The same for store_forget.c. */
extern const char *const store_forget_sql[STMT_COUNT];
/* The same for store_stats.c (SQLite only). */
extern const char *const store_stats_sql[STMT_COUNT];

/*
 * store_stats.c, schema v14 (SQLite): the counters of bouncectl stats for
 * the bounces this transaction inserted are added once, before it
 * commits. store_stats_note() is told each new bounces id (the first is
 * kept; nothing on PostgreSQL, where the trigger counts);
 * store_stats_flush() adds the rows from there and forgets it: 0, or -1
 * and the transaction is to be rolled back. Called by store_commit(), and
 * before a statement that deletes or changes bounces in the same
 * transaction, whose triggers count what is already counted.
 */
void store_stats_note(struct store *st, int64_t id);
int store_stats_flush(struct store *st);
/*
 * The inserts whose new id the caller asks for: SQLite's text here, and
 * PostgreSQL's the same with RETURNING id (store_pg.c), which gives the
 * id in the insert's own round trip instead of a second one for
 * lastval(). On SQLite, RETURNING would cost a temporary table per row
 * (store_step_insert()).
 */
#define MESSAGE_ADD                                                          \
	"INSERT INTO messages (sha256, source_ref, message_id, outcome,"     \
	" error, received_at, processed_at, authenticity, caps,"             \
	" rcpts_dropped, original_from, original_sender,"                    \
	" original_envelope_id, original_subject, original_list_id,"         \
	" campaign, original_headers, attribution) VALUES (?1, ?2, ?3, ?4,"  \
	" ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)"
#define MESSAGE_ADD_ONCE MESSAGE_ADD " ON CONFLICT (sha256) DO NOTHING"
#define BOUNCE_ADD                                                           \
	"INSERT INTO bounces (message, recipient, action, status, reply_code,"\
	" reason, hard, class, diagnostic, remote_mta, original_message_id," \
	" rule, family, at, original_recipient, stage, stage_source, layer," \
	" feedback_type, authenticity, effect, bounced_at) VALUES (?1, ?2,"  \
	" ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,"    \
	" ?17, ?18, ?19, ?20, ?21, ?22)"
#define EVENT_ADD                                                            \
	"INSERT INTO events (uuid, kind, source, address, at, state, reason,"\
	" status, diagnostic, message, bounce, resend, message_id,"          \
	" original_message_id, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"\
	" ?9, ?10, ?11, ?12, ?13, ?14, ?15)"
/* store_pg.c: the texts that differ on PostgreSQL, over the others */
extern const char *const store_pg_sql[STMT_COUNT];

struct store {
	struct db *db;   /* owned */
	char *path; /* owned */
	enum store_mode mode;
	char *error;                    /* owned: the last error, or NULL */
	enum db_fault fault;            /* its class; NONE for our refusals */
	struct db_stmt *stmt[STMT_COUNT]; /* prepared on first use, kept */
	int64_t data_version;		/* store_changed_elsewhere()'s last */
	/* between store_begin() and its commit or rollback: a lost
	 * connection is not made again inside (store_stmt()) */
	bool in_tx;
	/* SQLite: the first bounces id this transaction inserted, whose
	 * counters are still to be added (store_stats_flush()); 0: none */
	int64_t stats_from;
	struct stat file;		/* path's at the open (dev, ino) */
};

/*
 * The cached statement id, prepared on its first use on this connection
 * (DB_PREPARE_KEEP), reset and with its bindings cleared. NULL
 * on error (store_error()). The caller resets it after use so that a
 * SELECT does not keep its read transaction open.
 */
struct db_stmt *store_stmt(struct store *st, enum store_stmt id);

/* Steps a statement that returns at most one integer: 1 and *v_r (may be
 * NULL), 0 when no row, -1. NULL reads as 0. */
int store_step_int(struct store *st, struct db_stmt *stmt, const char *what,
    int64_t *v_r);
/* Runs an INSERT ... RETURNING id and resets it: 0 and *id_r (may be
 * NULL), or -1. RETURNING rather than SQLite's last_insert_rowid(): the
 * same text works on PostgreSQL. */
int store_step_id(struct store *st, struct db_stmt *stmt, const char *what,
    int64_t *id_r);
/* Runs an INSERT and resets it: 0 and *id_r (may be NULL: not asked),
 * or -1. The id is the statement's one row when it has RETURNING id
 * (PostgreSQL's texts), else db_last_id(). For the daemon's rows per
 * bounce, where on SQLite RETURNING's temporary table cost more than the
 * insert's indexes. */
int store_step_insert(struct store *st, struct db_stmt *stmt,
    const char *what, int64_t *id_r);
/* a's eight columns of messages from parameter first on, in the order
 * original_from, _sender, _envelope_id, _subject, _list_id, campaign,
 * original_headers, attribution; none bound (NULL) when a holds
 * nothing. 0 or -1. store_mgmt.c. */
int store_bind_attribution(struct db_stmt *stmt, int first,
    const struct store_attribution *a);
/* A text column into dst ("" for NULL). */
void store_copy_col(struct db_stmt *stmt, int col, char *dst, size_t size);
/* A reason column: NULL, or a name this build does not know, reads as
 * REASON_UNDEFINED. */
enum reason store_reason_col(struct db_stmt *stmt, int col);

/*
 * A write of several statements that callers make both alone (bouncectl,
 * the resend worker, tests) and inside the daemon's batch transaction:
 * alone, a BEGIN IMMEDIATE of its own; inside, a savepoint, so that a
 * failure undoes these rows and not the caller's (a BEGIN would fail
 * there: transactions do not nest). *own_r says which.
 */
int store_tx_begin(struct store *st, bool *own_r);
/* Ends what store_tx_begin() started: kept when rc is not -1, else
 * undone, keeping the error text of the failure. Returns rc, or -1 when
 * it could not be kept. */
int store_tx_end(struct store *st, bool own, int rc);

/* Sets the error to "what: <db_error()>" (copied) and returns -1. */
int store_fail(struct store *st, const char *what);

/* Binders return 0 or -1, so that they chain with ||. */
int store_bind_text(struct db_stmt *stmt, int i, const char *s);
/* NULL and "" are both stored as NULL */
int store_bind_opt(struct db_stmt *stmt, int i, const char *s);
/* 0 means none, unknown or never: NULL in the table */
int store_bind_opt_int(struct db_stmt *stmt, int i, int64_t v);
/* store_fail(st, what), the statement reset: -1 */
int store_stmt_fail(struct store *st, struct db_stmt *stmt, const char *what);
/* Runs a statement that returns no row and resets it: 0 or -1. */
int store_step_done(struct store *st, struct db_stmt *stmt, const char *what);
/* Sets the error to a text of ours and returns -1. */
int store_failx(struct store *st, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The PRAGMA user_version of st's file in *v_r. */
int store_read_version(struct store *st, int *v_r);

/*
 * migrate.c: 0 when the file's version can be opened in st->mode with a
 * program that knows schema version target; else -1 and a message that
 * says what to do.
 */
int store_check_version(struct store *st, int target);
/* WAL, synchronous=FULL, foreign keys, cache, persistent WAL: the
 * read-write connection's setup */
int store_configure(struct store *st);
/*
 * migrate.c: brings the schema of st (opened read-write) to version
 * target, one transaction per step, so that a crash leaves the file at a
 * whole version. A file newer than target is left alone (the caller has
 * refused it before).
 */
int store_migrate(struct store *st, int target);
/* migrate_pg.c: a PostgreSQL database's schema created (STORE_RDWR,
 * when empty) or its version checked; target must be the current one */
int store_pg_schema(struct store *st, int target);

/*
 * Opens like store_open() but migrates a read-write file to target instead
 * of STORE_SCHEMA_VERSION.
 */
int store_open_at(const char *path, enum store_mode mode, int target,
    struct store **st_r, char **error_r);

/*
 * For tests only: creates (or migrates) the file at path to schema version
 * `version` (1..STORE_SCHEMA_VERSION) and closes it, so that a test can
 * fill an old schema and then watch store_open() migrate it.
 */
int store_create_at_version(const char *path, int version, char **error_r);

/* The SQLite connection behind st (NULL on another backend), for tests
 * that check pragmas or write raw SQL. */
struct sqlite3 *store_db(struct store *st);

#endif
