/*
 * Jobs on several threads, their output in job order (bouncectl parse -j):
 * the same bytes as one thread would write, whatever finishes first.
 */
#ifndef BD_CLI_ORDERED_H
#define BD_CLI_ORDERED_H

#include <stddef.h>
#include <stdio.h>

/*
 * Job i's work: writes what it says to out and err (memory streams while
 * other jobs run); 0, or -1 when it failed (its output is still written).
 */
typedef int (*ordered_fn)(void *arg, size_t i, FILE *out, FILE *err);

/*
 * Runs jobs 0..n-1 on up to threads threads (1: in order on this one,
 * writing straight to stdout and stderr) and writes each one's output and
 * then its errors to stdout and stderr in job order. A job starts only
 * while it is fewer than ORDERED_AHEAD chunks per thread ahead of the first
 * unwritten one, so a slow job holds back memory, not the others' output
 * for ever. The number of failed jobs.
 */
size_t ordered_run(size_t n, unsigned threads, ordered_fn fn, void *arg);

/* Threads for -j 0: the CPUs this process may run on, at most 16. */
unsigned ordered_default_threads(void);

#endif
