/*
 * Where the files that go with the database live: the parse markers
 * (daemon/poison.h) and the forget key (common/forget_key.h). Next to
 * an SQLite file, as "<database>.parsing"; a PostgreSQL database (issue
 * 18) has no file, so they go into the state directory instead:
 * $STATE_DIRECTORY, which systemd sets from the unit's StateDirectory=
 * (systemd.exec(5)), else /var/lib/bounced, with "bounced" as the base
 * ("/var/lib/bounced/bounced.forget-key").
 */
#ifndef BD_STATE_BASE_H
#define BD_STATE_BASE_H

#include <stdbool.h>
#include <stddef.h>

#define STATE_DIR_DEFAULT "/var/lib/bounced"

/* A libpq connection URI ("postgresql://", "postgres://": libpq's two
 * designators, https://www.postgresql.org/docs/15/libpq-connect.html,
 * 34.1.1.2), not a file name. */
bool database_is_uri(const char *database);

/*
 * database as it may be shown (a log line, an error): a file name as it
 * is; a URI with any password in it -- user:secret@ before the host, a
 * password= parameter -- replaced by "***", since such a URI is refused
 * but still named in the refusal. Allocated.
 */
char *database_display(const char *database);

/* The base of those file names into buf: database itself for a file,
 * "<state directory>/bounced" for a URI. 0, or -1 when it does not fit. */
int state_base(const char *database, char *buf, size_t size);

#endif
