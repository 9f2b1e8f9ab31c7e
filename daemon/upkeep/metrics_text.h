/*
 * The metrics as Prometheus text exposition format 0.0.4, pure: counts
 * in, text out (https://prometheus.io/docs/instrumenting/exposition_formats/
 * #text-based-format). Every family has its # HELP and # TYPE lines and
 * its samples together, once; label values are escaped as the format
 * says (backslash, double quote, line feed). The names are documented
 * in docs/INTEGRATION.md "Metrics" -- a public interface.
 */
#ifndef BD_UPKEEP_METRICS_TEXT_H
#define BD_UPKEEP_METRICS_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "storage/store.h"

struct metric_row {
	enum store_metric m;
	char *a, *b; /* owned: the labels' values ("" none) */
	int64_t n;
};

struct metric_rows {
	struct metric_row *v; /* owned */
	size_t n, cap;
};

/* Adds a row (copies a and b). */
void metric_rows_add(struct metric_rows *r, enum store_metric m,
    const char *a, const char *b, int64_t n);
void metric_rows_free(struct metric_rows *r);

struct metrics_times {
	int64_t start;	   /* the process started (Unix s) */
	int64_t last_pass; /* the last pass that stored all it read; 0 */
	double collect_s;  /* how long the counts took to read */
};

/*
 * The whole file's text, malloc'd (NUL-terminated; *len_r without it).
 * Known label values (outcomes, recipient states, resend states) get a
 * 0 sample when the database has none, so that every series exists
 * from the first write.
 */
char *metrics_format(const struct metric_rows *rows,
    const struct metrics_times *t, size_t *len_r);
/* The same, with the outbox's backlog (store_outbox_backlog(); NULL:
 * none read): bounced_events{sink,state} for each sink that has run,
 * every state present, and the oldest pending event's time per sink. */
char *metrics_format_outbox(const struct metric_rows *rows,
    const struct store_outbox_backlog *outbox, const struct metrics_times *t,
    size_t *len_r);

/* s escaped as a label value into dst (size >= 2 * strlen(s) + 1). */
void metrics_escape(const char *s, char *dst, size_t size);

#endif
