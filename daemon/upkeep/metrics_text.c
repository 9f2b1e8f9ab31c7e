/* The exposition text (metrics_text.h). */
#include <inttypes.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"
#include "daemon/upkeep/metrics_text.h"
#include "lifecycle/lifecycle.h"

void
metric_rows_add(struct metric_rows *r, enum store_metric m, const char *a,
    const char *b, int64_t n)
{
	if (r->n == r->cap) {
		r->cap = r->cap == 0 ? 64 : r->cap * 2;
		r->v = xreallocarray(r->v, r->cap, sizeof(*r->v));
	}
	r->v[r->n].m = m;
	r->v[r->n].a = xstrdup(a);
	r->v[r->n].b = xstrdup(b);
	r->v[r->n].n = n;
	r->n++;
}

void
metric_rows_free(struct metric_rows *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		free(r->v[i].a);
		free(r->v[i].b);
	}
	free(r->v);
	memset(r, 0, sizeof(*r));
}

void
metrics_escape(const char *s, char *dst, size_t size)
{
	size_t o = 0;

	for (; *s != '\0' && o + 3 <= size; s++) {
		if (*s == '\\' || *s == '"') {
			dst[o++] = '\\';
			dst[o++] = *s;
		} else if (*s == '\n') {
			dst[o++] = '\\';
			dst[o++] = 'n';
		} else {
			dst[o++] = *s;
		}
	}
	dst[o] = '\0';
}

struct text {
	char *buf;
	size_t len, cap;
};

static void __attribute__((format(printf, 2, 3)))
put(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < t->cap - t->len) {
			t->len += (size_t)n;
			return;
		}
		t->cap = t->cap * 2 + (size_t)(n > 0 ? n : 0);
		t->buf = xreallocarray(t->buf, t->cap, 1);
	}
}

static void
family(struct text *t, const char *name, const char *type, const char *help)
{
	put(t, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* One sample with one or two labels (lb NULL: one). */
static void
sample(struct text *t, const char *name, const char *la, const char *va,
    const char *lb, const char *vb, int64_t n)
{
	char ea[512], eb[512];

	metrics_escape(va[0] != '\0' ? va : "none", ea, sizeof(ea));
	if (lb == NULL) {
		put(t, "%s{%s=\"%s\"} %" PRId64 "\n", name, la, ea, n);
		return;
	}
	metrics_escape(vb[0] != '\0' ? vb : "none", eb, sizeof(eb));
	put(t, "%s{%s=\"%s\",%s=\"%s\"} %" PRId64 "\n", name, la, ea, lb, eb,
	    n);
}

/* The count of (m, a) in rows, or -1 when there is none. */
static int64_t
find(const struct metric_rows *rows, enum store_metric m, const char *a)
{
	size_t i;

	for (i = 0; i < rows->n; i++)
		if (rows->v[i].m == m && strcmp(rows->v[i].a, a) == 0)
			return rows->v[i].n;
	return -1;
}

/* A family with one label: the known values first (0 when absent),
 * then any other the database holds. */
static void
one_label(struct text *t, const struct metric_rows *rows, enum store_metric m,
    const char *name, const char *label, const char *(*known)(int), int nk)
{
	const char *k;
	int64_t n;
	size_t i;
	int j;

	for (j = 0; j < nk; j++) {
		if ((k = known(j)) == NULL)
			continue;
		n = find(rows, m, k);
		sample(t, name, label, k, NULL, NULL, n < 0 ? 0 : n);
	}
	for (i = 0; i < rows->n; i++) {
		bool seen = false;

		if (rows->v[i].m != m)
			continue;
		for (j = 0; j < nk && !seen; j++)
			seen = (k = known(j)) != NULL &&
			    strcmp(k, rows->v[i].a) == 0;
		if (!seen)
			sample(t, name, label, rows->v[i].a, NULL, NULL,
			    rows->v[i].n);
	}
}

static const char *
outcome_at(int i)
{
	return store_outcome_name((enum store_outcome)i);
}

static const char *
state_at(int i)
{
	return rcpt_state_name((enum rcpt_state)i);
}

static const char *
resend_at(int i)
{
	return resend_state_name((enum resend_state)i);
}

/*
 * The outbox's backlog (issue 15 item 3; docs/INTEGRATION.md "Events"):
 * its deliveries per sink and state, the events not yet queued for a
 * sink counted as pending (store_outbox_backlog()), and when the oldest
 * pending one was committed. Only the sinks that have run: a sink never
 * configured has no backlog to watch.
 */
static void
outbox(struct text *t, const struct store_outbox_backlog *b)
{
	const char *sink;
	int s, st;

	if (b == NULL)
		return;
	family(t, "bounced_events", "gauge",
	    "Events in the outbox by sink and delivery state; pending "
	    "includes those not yet queued for the sink.");
	for (s = 0; s < STORE_SINK_COUNT; s++) {
		if (!b->seen[s] || (sink = store_sink_name(s)) == NULL)
			continue;
		for (st = 0; st < OUTBOX_STATE_COUNT; st++)
			sample(t, "bounced_events", "sink", sink, "state",
			    outbox_state_name((enum outbox_state)st),
			    b->n[s][st]);
	}
	family(t, "bounced_events_oldest_pending_timestamp_seconds", "gauge",
	    "When the oldest event a sink has still to deliver was "
	    "committed, Unix time; absent when none is pending.");
	for (s = 0; s < STORE_SINK_COUNT; s++)
		if (b->seen[s] && b->oldest_pending[s] > 0 &&
		    (sink = store_sink_name(s)) != NULL)
			put(t, "bounced_events_oldest_pending_timestamp_seconds"
			    "{sink=\"%s\"} %" PRId64 "\n", sink,
			    b->oldest_pending[s]);
}

char *
metrics_format(const struct metric_rows *rows, const struct metrics_times *tm,
    size_t *len_r)
{
	return metrics_format_outbox(rows, NULL, tm, len_r);
}

char *
metrics_format_outbox(const struct metric_rows *rows,
    const struct store_outbox_backlog *ob, const struct metrics_times *tm,
    size_t *len_r)
{
	struct text t = { .buf = xmalloc(4096), .cap = 4096 };
	size_t i;
	int64_t n;

	t.buf[0] = '\0';
	family(&t, "bounced_messages_total", "counter",
	    "Messages read, by outcome (bounce, not_bounce, unparsable); "
	    "purged rows still count.");
	one_label(&t, rows, STORE_METRIC_MESSAGES, "bounced_messages_total",
	    "outcome", outcome_at, 3);
	family(&t, "bounced_bounces_total", "counter",
	    "Recipient results recorded, by reason and class; purged and "
	    "forgotten rows still count.");
	for (i = 0; i < rows->n; i++)
		if (rows->v[i].m == STORE_METRIC_BOUNCES)
			sample(&t, "bounced_bounces_total", "reason",
			    rows->v[i].a, "class", rows->v[i].b,
			    rows->v[i].n);
	family(&t, "bounced_recipients", "gauge",
	    "Recipients by state (active, soft, suppressed).");
	one_label(&t, rows, STORE_METRIC_RECIPIENTS, "bounced_recipients",
	    "state", state_at, STATE_COUNT);
	family(&t, "bounced_resends", "gauge",
	    "The resend queue by state.");
	one_label(&t, rows, STORE_METRIC_RESENDS, "bounced_resends", "state",
	    resend_at, RESEND_STATE_COUNT);
	family(&t, "bounced_forgotten_addresses", "gauge",
	    "Addresses erased by bouncectl forget (their keyed hashes).");
	n = find(rows, STORE_METRIC_FORGOTTEN, "");
	put(&t, "bounced_forgotten_addresses %" PRId64 "\n", n < 0 ? 0 : n);
	outbox(&t, ob);
	family(&t, "bounced_start_time_seconds", "gauge",
	    "When the daemon started, Unix time.");
	put(&t, "bounced_start_time_seconds %" PRId64 "\n", tm->start);
	if (tm->last_pass > 0) {
		family(&t, "bounced_last_pass_success_timestamp_seconds",
		    "gauge", "When a pass over the source last stored all it "
		    "read, Unix time.");
		put(&t, "bounced_last_pass_success_timestamp_seconds %" PRId64
		    "\n", tm->last_pass);
	}
	family(&t, "bounced_metrics_collect_seconds", "gauge",
	    "How long reading these counts from the database took.");
	put(&t, "bounced_metrics_collect_seconds %.6f\n", tm->collect_s);
	*len_r = t.len;
	return t.buf;
}
