/*
 * The outbox's delivery worker (issue 15 item 3, docs/INTEGRATION.md
 * "Events"): a thread with a database connection of its own that
 * delivers the events (store.h, "events") to the configured sinks --
 * events.exec and events.webhook -- each in event order, at least once.
 *
 * An event is marked delivered only after its sink confirmed it (the
 * hook exited 0, the server answered 2xx); a crash in between delivers
 * it again after the restart, with the same id. A failure holds the
 * sink's later events back and is retried after a growing delay
 * (outbox_after_failure()); after events.max_attempts or events.max_age
 * the event is dead (logged once) and the next one goes. Nothing here
 * holds the database while it waits on a sink: each read and each mark
 * is a short transaction of its own, so ingestion never waits for a
 * webhook.
 */
#ifndef BD_EVENTS_H
#define BD_EVENTS_H

#include <stdbool.h>

#include "config/config.h"

struct events_worker;

/*
 * Starts the worker for conf's sinks on the database at path (opened
 * read-write by the worker itself). once: one round over what is due,
 * then the thread ends (bounced --once). Returns 0 and *w_r, NULL when
 * no sink is configured; -1 (logged) when it cannot start.
 */
int events_start(const struct config *conf, const char *path, bool once,
    struct events_worker **w_r);
/* New events were committed: look now rather than at the next poll. */
void events_nudge(struct events_worker *w);
/* Stops the worker (a hook or request under way is cut short; its
 * events stay pending) and frees it. Accepts NULL. */
void events_stop(struct events_worker **wp);
/* once: waits for the round to end, then frees it. Accepts NULL. */
void events_finish(struct events_worker **wp);

#endif
