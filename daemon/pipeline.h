/*
 * One message from bytes to committed rows: sha256 -> already recorded? ->
 * parse -> classify each recipient -> bounces rows -> policy -> recipients
 * row (and a resend) -- all inside one transaction per batch. A batch is
 * committed and only then are its messages acknowledged (moved); a crash
 * before the commit leaves them in place, a crash after it leaves their
 * sha256 recorded, so the next run only acknowledges them.
 */
#ifndef BD_PIPELINE_H
#define BD_PIPELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "classify/classify.h"
#include "common/sha256.h"
#include "common/verp.h"
#include "config/config.h"
#include "mail/report_verp.h"
#include "lifecycle/lifecycle.h"
#include "daemon/sources/source.h"
#include "daemon/upkeep/forgotten.h"
#include "storage/store.h"

struct pipeline_counts {
	uint64_t messages, bounces, not_bounces, unparsable, duplicates;
	uint64_t recipients, suppressed, resends;
	uint64_t forged; /* recipients of bounces with a tag that does not
			  * verify (docs/SECURITY.md) */
	uint64_t events; /* outbox rows added (issue 15 item 3) */
};

struct pipeline {
	struct store *st;	   /* borrowed */
	const struct config *conf; /* borrowed; swapped on reload */
	struct pipeline_counts batch, total;
	char *log;		   /* owned: lines held until the commit */
	size_t loglen, logcap;
	/* verp.key_file's key, read at start and on SIGHUP
	 * (pipeline_verp_load()), wiped by pipeline_deinit(); never
	 * logged. verp_key_len 0: no signed return paths */
	char verp_key[VERP_KEY_MAX + 3];
	size_t verp_key_len;
	struct verp verp; /* over verp_key; key NULL: none */
	struct forgotten forgotten; /* bouncectl forget's hashes */
	bool no_sent_resend; /* none of our resends was sent: no bounce of
			      * this batch can be of one */
	/* a store failure was said: the rest of the outage (each retry
	 * of a restarting server, of a held lock) is said at debug, and
	 * the first commit after it says that it is over */
	bool failing;
};

/*
 * What can be done without the database, on the reader thread: the bytes'
 * sha256, the parse, a verdict per recipient, the signed return path, and
 * every field the batch writes, already as text or as the lifecycle's
 * enums -- so that the main thread calls nothing in mail/ inside its
 * write transaction. Pure CPU work (mail/ and classify/ keep no mutable
 * state), so it runs beside the main thread.
 */
struct prepared_rcpt {
	/* into rep's arena (valid while rep is), or NULL */
	const char *recipient; /* lower case; a valid tag's when garbled */
	const char *diagnostic, *remote_mta, *original_recipient;
	const char *stage, *stage_source; /* static names, or NULL */
	enum dsn_action action;
	enum feedback feedback;
	unsigned retry_hint; /* "try again in N" of the diagnostic, s */
	uint32_t rnd;	     /* the lifecycle's jitter (lc_bounce): drawn
			      * here, a getrandom(2) off the main thread */
	int64_t bounced_at;  /* report_bounce_date(), 0: unknown */
};

struct prepared {
	struct source_msg m; /* owned: ref, error (buf freed once parsed) */
	char sha256[SHA256_HEX_LEN + 1];
	struct report *rep;  /* owned; NULL when unparsable */
	const char *error;   /* why unparsable (static or m.error) */
	struct verdict *v;   /* owned: one per rep->rcpt */
	struct prepared_rcpt *r; /* owned: one per rep->rcpt */
	/* into rep's arena, or NULL: the bounce's own Message-ID, the
	 * returned original's and its Resent-Message-ID */
	const char *message_id, *original_message_id, *resent_message_id;
	struct report_verp verp; /* its signed return path (VERP_NONE when
				  * none, or none is configured) */
	bool suspect; /* the daemon died parsing it before (poison.h) */
	enum source_ack ack; /* how, once its batch is committed */
	/* the parser's caps it hit (mail_flags_text()), "" for none */
	char caps[96];
};

/*
 * Takes m over (m is cleared) and fills *pm; now is for classify_rcpt()
 * and the tag's age; v the signed return paths to look for, or NULL; ps
 * the poison marker and suspects (poison.h), or NULL. A suspect that
 * kills its isolated parse, or has killed the daemon POISON_MAX_DEATHS
 * times, is not parsed: unparsable, with the reason.
 */
struct poison;
void prepare_message(struct source_msg *m, int64_t now, const struct verp *v,
    struct poison *ps, struct prepared *pm);
void prepared_free(struct prepared *pm);

/*
 * "14 messages (11 bounces, 2 not bounce, 1 unparsable, 0 already
 * recorded; 12 recipients, 3 suppressed, 1 resend queued)", for STATUS=
 * and the last log line. Returns buf.
 */
const char *pipeline_counts_text(const struct pipeline_counts *c, char *buf,
    size_t len);

/* The lifecycle's view of conf (lifecycle.h). */
struct lc_conf pipeline_lc_conf(const struct config *conf);

/*
 * The one place a failure meets a recipients row: the row read (or a new
 * one for address), b applied (lifecycle_recipient()), the row written
 * back when it changed; *r and *res say what happened, *kind_r the
 * event it is for the outbox (OUTBOX_NONE: none; the caller adds it). For the
 * pipeline's bounces and the resend worker's own verdicts. 0, or -1
 * (store_error()).
 */
int pipeline_recipient(struct store *st, const struct config *conf,
    const char *address, const struct lc_bounce *b, int64_t now,
    struct recipient *r, struct lc_result *res, enum outbox_kind *kind_r);

void pipeline_init(struct pipeline *p, struct store *st,
    const struct config *conf);
void pipeline_deinit(struct pipeline *p);
/*
 * Reads conf's verp key into p (at start and on SIGHUP), wiping the one
 * it held; a key that cannot be read is logged (its file, never its
 * bytes) and signed return paths are then not looked for.
 */
void pipeline_verp_load(struct pipeline *p, const struct config *conf);

/* The signed return paths to look for and to sign resends with, or NULL
 * when verp: is not configured or its key could not be read. Valid until
 * the next pipeline_verp_load(). */
const struct verp *pipeline_verp(const struct pipeline *p);

/* BEGIN IMMEDIATE for a batch. 0 or -1 (logged). */
int pipeline_begin(struct pipeline *p);
/*
 * Records m in the open batch. Returns 0 and how to acknowledge m once the
 * batch is committed, or -1 on a database error (logged; the caller
 * rolls the batch back with pipeline_end(p, 0) and acknowledges nothing).
 */
int pipeline_message(struct pipeline *p, const struct prepared *pm,
    int64_t now, enum source_ack *ack_r);
/*
 * commit != 0: COMMIT; on success the batch's log lines are written and
 * its counts added to total; returns 0, or -1 when the commit failed
 * (rolled back). commit == 0: rolls back and forgets the batch.
 */
int pipeline_end(struct pipeline *p, int commit);

#endif
