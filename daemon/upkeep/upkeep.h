/*
 * Upkeep (issue 15 items 6 and 7): retention and the metrics file, run
 * from the daemon's loop when nothing else waits. Each call does at most
 * one job (plan.h: one transaction of at most UPKEEP_LIMIT rows, or as
 * many files) and says when it wants the next call, so a purge of a big
 * table is many short steps between which the sources are read.
 */
#ifndef BD_UPKEEP_H
#define BD_UPKEEP_H

#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>

#include "daemon/upkeep/plan.h"

struct daemon;

struct upkeep {
	struct upkeep_plan plan;
	DIR *cur;	     /* retention.processed: the scan of cur/ in
			      * progress, or NULL (owned) */
	int64_t metrics_at;  /* the next metrics write (Unix s); 0: now */
	int64_t start;	     /* the process started (Unix s) */
	int64_t last_pass;   /* a pass last stored all it read; 0 */
	bool metrics_failed; /* said once per outage */
	int64_t removed[UPKEEP_TASK_COUNT]; /* in the round, for the log */
};

void upkeep_init(struct upkeep *u, int64_t now);
void upkeep_deinit(struct upkeep *u);
/* SIGHUP: every kind due again, the scan of cur/ and the metrics anew. */
void upkeep_reload(struct upkeep *u);
/* A pass stored everything it read (the metrics' last pass). */
void upkeep_pass_ok(struct upkeep *u, int64_t now);
/*
 * One retention job when one is due, and the metrics file when due.
 * Returns the milliseconds until it wants to be called again: 0 when a
 * job left more to do, INT64_MAX when nothing is configured.
 */
int64_t upkeep_tick(struct daemon *d);
/* --once: every due job until none is left (still in small steps). */
void upkeep_all(struct daemon *d);
/* Writes the metrics file now (when metrics.file is set). */
void upkeep_metrics(struct daemon *d);

#endif
