/*
 * Allocation for daemon/, storage/, config/ and cli/: on exhaustion these
 * print and abort (after OpenSMTPD's and fdm's xmalloc.c); systemd
 * restarts the daemon. The pure libraries use the arena instead.
 */
#ifndef BD_XMALLOC_H
#define BD_XMALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xreallocarray(void *p, size_t nmemb, size_t size);
char *xstrdup(const char *s);
/* NUL-terminated copy of s[0..n) */
char *xstrndup(const char *s, size_t n);
/* malloc'd printf; aborts on failure */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
