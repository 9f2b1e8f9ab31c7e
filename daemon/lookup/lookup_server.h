/*
 * The lookup responders' sockets (issue 15): one thread, one poll loop
 * over the listening Unix sockets lookup: names and every client, with
 * a read-only database connection of its own -- a WAL reader, so that a
 * lookup never waits for the ingesting writer nor holds it back
 * (https://www.sqlite.org/wal.html). Postfix keeps its connections and
 * reuses them; each is read into a bounded buffer and closed when idle
 * for lookup.idle_timeout.
 */
#ifndef BD_LOOKUP_SERVER_H
#define BD_LOOKUP_SERVER_H

#include <stdbool.h>

#include "config/config.h"

struct lookup_server;

/*
 * Creates the sockets conf->lookup names (lookup.mode, lookup.group),
 * opens conf->database read-only (it must exist at the current schema:
 * call after the daemon opened it) and starts the thread. *ls_r is NULL
 * when lookup: names no socket. Returns 0, or -1 after logging why
 * (nothing left behind).
 */
int lookup_start(const struct config *conf, struct lookup_server **ls_r);
/*
 * Whether a reload from old to new changes what the running responders
 * use (the lookup: section, the database): they keep what they started
 * with, and the caller says so.
 */
bool lookup_config_changed(const struct config *old, const struct config *new);
/* Stops the thread, closes every connection, removes the sockets it
 * made. Accepts NULL; sets *lsp = NULL. */
void lookup_stop(struct lookup_server **lsp);

#endif
