/*
 * pq_load.h: dlopen(3) of libpq and its functions by name, once.
 */
#include "pq_load.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/xmalloc.h"

struct pq_api pq;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char *load_error; /* owned for the process: why it failed */

static void
load(void)
{
	void *h;
	char buf[512];

	/* RTLD_LOCAL: its symbols (and OpenSSL's) stay out of the global
	 * namespace; RTLD_NOW: a missing function is found here, not at
	 * the first call */
	if ((h = dlopen(PQ_SONAME, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		snprintf(buf, sizeof(buf), "PostgreSQL needs %s (Debian: "
		    "apt-get install libpq5): %s", PQ_SONAME, dlerror());
		load_error = xstrdup(buf);
		return;
	}
#define PQ_FIND(f)                                                             \
	if ((*(void **)&pq.f = dlsym(h, #f)) == NULL) {                        \
		snprintf(buf, sizeof(buf), "%s has no %s: too old "            \
		    "(PostgreSQL 10 or later)", PQ_SONAME, #f);                \
		load_error = xstrdup(buf);                                     \
		return;                                                        \
	}
	PQ_FUNCS(PQ_FIND)
#undef PQ_FIND
	/* kept open for the process: its functions are ours from now on */
}

int
pq_load(char **error_r)
{
	pthread_once(&once, load);
	if (load_error != NULL) {
		*error_r = xstrdup(load_error);
		return -1;
	}
	return 0;
}
