/* The base name of the files beside the database (state_base.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/state_base.h"
#include "common/xmalloc.h"

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

char *
database_display(const char *database)
{
	size_t len = strlen(database), o = 0, i = 0, host, end;
	/* each "***" stands for at least "" after ":" or "password=" */
	char *out = xmalloc(2 * len + 8);
	const char *p;

	if (!database_is_uri(database)) {
		memcpy(out, database, len + 1);
		return out;
	}
	/* the authority: from "//" to the next '/' or '?' */
	host = (size_t)(strstr(database, "//") - database) + 2;
	end = host + strcspn(database + host, "/?");
	p = memchr(database + host, '@', end - host);
	if (p != NULL) {
		const char *colon = memchr(database + host, ':',
		    (size_t)(p - (database + host)));

		if (colon != NULL) {
			i = (size_t)(colon - database) + 1;
			memcpy(out, database, i);
			memcpy(out + i, "***", 3);
			o = i + 3;
			i = (size_t)(p - database);
		}
	}
	while (i < len) {
		/* a parameter's name: after '?' or '&' */
		if ((database[i] == '?' || database[i] == '&') &&
		    strncmp(database + i + 1, "password=", 9) == 0) {
			memcpy(out + o, database + i, 10);
			o += 10;
			memcpy(out + o, "***", 3);
			o += 3;
			i += 10;
			i += strcspn(database + i, "&");
			continue;
		}
		out[o++] = database[i++];
	}
	out[o] = '\0';
	return out;
}
