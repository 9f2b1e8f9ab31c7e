/*
 * What retention work is due (issue 15 item 6), pure: the configuration,
 * what was done so far and the clock in, the next job out. The runner
 * (upkeep.c) does one job -- one small transaction, or one handful of
 * files -- and reports how much it did; a job that did its whole limit
 * is due again at once, the others after UPKEEP_EVERY. Between jobs the
 * daemon's loop reads its sources first, so a long purge never holds
 * ingestion back (docs/schema.md "Retention").
 */
#ifndef BD_UPKEEP_PLAN_H
#define BD_UPKEEP_PLAN_H

#include <stdbool.h>
#include <stdint.h>

#include "classify/reason.h"
#include "config/config.h"

#define UPKEEP_LIMIT 1000   /* rows (or files) per job */
#define UPKEEP_EVERY 3600   /* s between two rounds of a kind */
#define UPKEEP_RETRY 60	    /* s after a job that failed */

enum upkeep_task {
	UPKEEP_MESSAGES,     /* retention.messages */
	UPKEEP_BOUNCES,	     /* retention.bounces */
	UPKEEP_ORIGINALS,    /* retention.originals */
	UPKEEP_SENT,	     /* sent.keep (retention.sent), with a sent: */
	UPKEEP_PROCESSED,    /* retention.processed, with a Maildir */
	UPKEEP_EVENTS,	     /* retention.events: the outbox */
	UPKEEP_SUPPRESSIONS, /* retention.suppressions, one reason a job */
	UPKEEP_TASK_COUNT
};

struct upkeep_job {
	enum upkeep_task task;
	enum reason reason; /* UPKEEP_SUPPRESSIONS: which one */
	int64_t before;	    /* what is older than this goes (Unix s) */
};

/* When each task (and each reason's expiry) is due next: 0, at once. */
struct upkeep_plan {
	int64_t due[UPKEEP_TASK_COUNT];
	int64_t reason_due[REASON_COUNT];
};

/* The duration of a task (or reason) in conf: 0 when it is off. */
unsigned upkeep_keep(const struct config *conf, enum upkeep_task t,
    enum reason r);
/*
 * The next job due at now: true and *job. false when none is: *wake_r
 * is when one will be (INT64_MAX: none ever, with this conf).
 */
bool upkeep_next(const struct config *conf, const struct upkeep_plan *p,
    int64_t now, struct upkeep_job *job, int64_t *wake_r);
/* After job: it did n of UPKEEP_LIMIT, or failed. */
void upkeep_done(struct upkeep_plan *p, const struct upkeep_job *job,
    int64_t n, bool failed, int64_t now);
/* The name of a task, for logs. */
const char *upkeep_task_name(enum upkeep_task t);

#endif
