/*
 * The resend worker (issue 5): sends the resends that are due, one SMTP
 * transaction each (smtp.h), and records every attempt's outcome in the
 * resends queue (store.h). Runs on the main thread between passes; the
 * loop wakes for the next due resend (resend_run()'s *next_r), not a
 * sleeping thread.
 *
 * Delivery is at least once: a crash between the server's 250 and our
 * commit of "sent" sends that copy once more after the restart. Nothing
 * is lost: an attempt is recorded only after the server answered.
 */
#ifndef BD_RESEND_H
#define BD_RESEND_H

#include <stddef.h>
#include <stdint.h>

#include "common/verp.h"
#include "config/config.h"
#include "storage/store.h"

/* At most this many resends per run, so a backlog never starves the
 * mailbox: the loop comes back at once for the rest. */
#define RESEND_PER_RUN 16

struct resend_counts {
	uint64_t sent, deferred, failed, gave_up, cannot, cancelled;
	uint64_t postponed; /* resend.max_per_hour, ..._per_domain_... */
};

/* "resends: 3 sent, 1 deferred, 0 failed, 0 gave up, 0 cannot, 0
 * cancelled" for STATUS= and the last log line. Returns buf. */
const char *resend_counts_text(const struct resend_counts *c, char *buf,
    size_t len);

/*
 * Sends what is due at now (Unix s), adding the outcomes to *c. Sets
 * *next_r to the Unix time of the next due resend (now when more are due
 * already), 0 when none waits. Returns 0, or -1 on a database error
 * (logged; nothing is lost, the rows stay due).
 */
int resend_run(struct store *st, const struct config *conf,
    const struct verp *v, int64_t now, struct resend_counts *c,
    int64_t *next_r);

/*
 * Records an attempt's outcome for rs: the state it moves the row to is
 * the lifecycle's (lifecycle_resend_state()), from the row as it is now
 * (a person may have cancelled it meanwhile). Fills a->resend, a->state
 * and a->requeue. 0, or -1 (store_error()).
 */
int resend_record(struct store *st, const struct store_resend *rs,
    struct store_resend_attempt *a);

/*
 * A copy of the original with Message-ID msgid (raw, <> included) from
 * resend.spool: the file named by the id without <> (or that name plus
 * ".eml"), when its own Message-ID is the same. The id comes from a
 * bounce, so anything that could leave the directory (a '/', a leading
 * '.') is refused. Returns 1 and a malloc'd *buf_r, 0 when none, -1 and
 * a logged error.
 */
int resend_spool_find(const char *spool, const char *msgid,
    unsigned char **buf_r, size_t *len_r);

#endif
