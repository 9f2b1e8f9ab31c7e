/* The base name of the files beside the database (state_base.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/state_base.h"

bool
database_is_uri(const char *database)
{
	return strncmp(database, "postgresql://", 13) == 0 ||
	    strncmp(database, "postgres://", 11) == 0;
}

int
state_base(const char *database, char *buf, size_t size)
{
	const char *dir = getenv("STATE_DIRECTORY");
	size_t dlen;
	int n;

	if (!database_is_uri(database))
		n = snprintf(buf, size, "%s", database);
	else {
		/* several StateDirectory= entries come joined by ':' */
		if (dir == NULL || *dir != '/')
			dir = STATE_DIR_DEFAULT;
		dlen = strcspn(dir, ":");
		n = snprintf(buf, size, "%.*s/bounced", (int)dlen, dir);
	}
	return n < 0 || (size_t)n >= size ? -1 : 0;
}
