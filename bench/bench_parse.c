/*
 * bench_parse [-n passes] PATH...
 *
 * In-memory throughput of report_parse() + classify_rcpt(). Every PATH is a
 * message file, or a directory whose regular files (recursively; names that
 * begin with '.' are skipped, as in a Maildir) are messages. All of them are
 * read into memory first, parsed once untimed (warm-up, and the reference
 * counts), then parsed and classified `passes' times under the monotonic
 * clock. No assertions: it prints figures.
 *
 * The work cannot be optimised away: every verdict feeds counters and a
 * checksum that are printed, and a pass whose counts differ from the
 * warm-up's is reported.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "classify/classify.h"
#include "common/readfile.h"

#define DEFAULT_PASSES 20
#define MAX_DEPTH 16

struct msg {
	unsigned char *buf;
	size_t len;
};

struct msgset {
	struct msg *m;
	size_t n, cap;
	size_t bytes;
	int errors; /* files that could not be read */
};

struct tally {
	uint64_t messages;   /* parsed (report_parse() returned 0) */
	uint64_t unparsable; /* report_parse() returned -1 */
	uint64_t bounces;    /* messages with at least one recipient */
	uint64_t rcpts;
	uint64_t hard;
	uint64_t cls[4]; /* by enum bounce_class */
	uint64_t sum;	 /* checksum over reasons and status codes */
};

static _Noreturn void
usage(void)
{
	fprintf(stderr, "usage: bench_parse [-n passes] FILE|DIR...\n");
	exit(2);
}

static double
now_sec(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
		perror("bench_parse: clock_gettime");
		exit(1);
	}
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
add_file(struct msgset *set, const char *path)
{
	const char *err = NULL;
	unsigned char *buf;
	size_t len;

	if (readfile(path, &buf, &len, &err) < 0) {
		fprintf(stderr, "bench_parse: %s: %s\n", path, err);
		set->errors++;
		return;
	}
	if (set->n == set->cap) {
		size_t ncap = set->cap ? set->cap * 2 : 256;
		struct msg *nm = realloc(set->m, ncap * sizeof(*nm));

		if (nm == NULL) {
			fprintf(stderr, "bench_parse: out of memory\n");
			exit(1);
		}
		set->m = nm;
		set->cap = ncap;
	}
	set->m[set->n].buf = buf;
	set->m[set->n].len = len;
	set->n++;
	set->bytes += len;
}

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
add_path(struct msgset *set, const char *path, int depth)
{
	struct stat st;
	struct dirent *de;
	DIR *d;
	char **names = NULL, sub[PATH_MAX];
	size_t n = 0, cap = 0, i;

	if (stat(path, &st) != 0) {
		fprintf(stderr, "bench_parse: %s: %s\n", path, strerror(errno));
		set->errors++;
		return;
	}
	if (S_ISREG(st.st_mode)) {
		add_file(set, path);
		return;
	}
	if (!S_ISDIR(st.st_mode) || depth > MAX_DEPTH)
		return;
	if ((d = opendir(path)) == NULL) {
		fprintf(stderr, "bench_parse: %s: %s\n", path, strerror(errno));
		set->errors++;
		return;
	}
	/* sorted, so that every run reads the messages in the same order */
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			char **nn;

			cap = cap ? cap * 2 : 64;
			if ((nn = realloc(names, cap * sizeof(*nn))) == NULL) {
				fprintf(stderr, "bench_parse: out of memory\n");
				exit(1);
			}
			names = nn;
		}
		if ((names[n] = strdup(de->d_name)) == NULL) {
			fprintf(stderr, "bench_parse: out of memory\n");
			exit(1);
		}
		n++;
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof(*names), cmp_name);
	for (i = 0; i < n; i++) {
		int w = snprintf(sub, sizeof(sub), "%s/%s", path, names[i]);

		if (w < 0 || (size_t)w >= sizeof(sub))
			fprintf(stderr, "bench_parse: %s/%s: path too long\n",
			    path, names[i]);
		else
			add_path(set, sub, depth + 1);
		free(names[i]);
	}
	free(names);
}

/* One pass over every message: parse, classify each recipient, free. */
static void
run_pass(const struct msgset *set, time_t now, struct tally *t)
{
	size_t i, k;

	for (i = 0; i < set->n; i++) {
		struct report *rep = NULL;
		const char *err = NULL;

		if (report_parse(set->m[i].buf, set->m[i].len, &rep,
		    &err) < 0) {
			t->unparsable++;
			continue;
		}
		t->messages++;
		if (rep->nrcpt > 0)
			t->bounces++;
		for (k = 0; k < rep->nrcpt; k++) {
			struct verdict v;
			const char *s;

			classify_rcpt(rep, &rep->rcpt[k], now, &v);
			t->rcpts++;
			t->hard += v.hard;
			if ((unsigned)v.cls < 4)
				t->cls[v.cls]++;
			t->sum = t->sum * 31 + (uint64_t)v.reason;
			for (s = v.status; *s != '\0'; s++)
				t->sum = t->sum * 31 + (unsigned char)*s;
		}
		report_free(&rep);
	}
}

int
main(int argc, char **argv)
{
	struct msgset set = { 0 };
	struct tally ref = { 0 }, tot = { 0 };
	struct rusage ru;
	unsigned long passes = DEFAULT_PASSES, p, mismatched = 0;
	double t0, t1, tp, secs, best, median, *pt;
	time_t now = time(NULL);
	char *end;
	size_t k;
	int ch, i;

	while ((ch = getopt(argc, argv, "n:")) != -1) {
		switch (ch) {
		case 'n':
			errno = 0;
			passes = strtoul(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || passes == 0 ||
			    passes > 1000000)
				usage();
			break;
		default:
			usage();
		}
	}
	if (optind >= argc)
		usage();
	for (i = optind; i < argc; i++)
		add_path(&set, argv[i], 0);
	if (set.n == 0) {
		fprintf(stderr, "bench_parse: no message found\n");
		return 1;
	}

	if ((pt = calloc(passes, sizeof(*pt))) == NULL) {
		fprintf(stderr, "bench_parse: out of memory\n");
		return 1;
	}
	run_pass(&set, now, &ref); /* warm-up: caches, allocator, counts */

	t0 = now_sec();
	for (p = 0; p < passes; p++) {
		struct tally t = { 0 };

		tp = now_sec();
		run_pass(&set, now, &t);
		t1 = now_sec();
		pt[p] = t1 - tp;
		if (t.rcpts != ref.rcpts || t.sum != ref.sum)
			mismatched++;
		tot.messages += t.messages;
		tot.rcpts += t.rcpts;
		tot.sum += t.sum;
	}
	secs = now_sec() - t0;
	qsort(pt, passes, sizeof(*pt), cmp_double);
	best = pt[0];
	median = passes % 2 ? pt[passes / 2] :
	    (pt[passes / 2 - 1] + pt[passes / 2]) / 2;
	if (getrusage(RUSAGE_SELF, &ru) != 0)
		ru.ru_maxrss = 0;

	printf("messages:        %zu (%" PRIu64 " bounces, %" PRIu64
	    " unparsable, %d unreadable)\n", set.n, ref.bounces,
	    ref.unparsable, set.errors);
	printf("bytes:           %zu\n", set.bytes);
	printf("passes:          %lu (+1 untimed warm-up)\n", passes);
	printf("seconds:         %.3f\n", secs);
	printf("messages/s:      %.0f\n",
	    secs > 0 ? (double)set.n * (double)passes / secs : 0.0);
	printf("MB/s:            %.1f\n",
	    secs > 0 ? (double)set.bytes * (double)passes / secs / 1e6 : 0.0);
	printf("median pass:     %.4f s: %.0f messages/s, %.1f MB/s\n",
	    median, median > 0 ? (double)set.n / median : 0.0,
	    median > 0 ? (double)set.bytes / median / 1e6 : 0.0);
	printf("best pass:       %.4f s: %.0f messages/s, %.1f MB/s\n", best,
	    best > 0 ? (double)set.n / best : 0.0,
	    best > 0 ? (double)set.bytes / best / 1e6 : 0.0);
	printf("us/message:      %.1f\n",
	    (double)set.n * (double)passes > 0 ?
	    secs * 1e6 / ((double)set.n * (double)passes) : 0.0);
	printf("recipients:      %" PRIu64 " per pass (%" PRIu64
	    " hard; permanent %" PRIu64 ", transient %" PRIu64
	    ", complaint %" PRIu64 ", ignore %" PRIu64 ")\n", ref.rcpts,
	    ref.hard, ref.cls[CLASS_PERMANENT], ref.cls[CLASS_TRANSIENT],
	    ref.cls[CLASS_COMPLAINT], ref.cls[CLASS_IGNORE]);
	printf("recipients all:  %" PRIu64 " over %lu passes (checksum %016"
	    PRIx64 ")\n", tot.rcpts, passes, tot.sum);
	if (mismatched > 0)
		printf("WARNING:         %lu passes differ from the warm-up\n",
		    mismatched);
	printf("peak RSS:        %ld KiB (bench_parse itself)\n",
	    (long)ru.ru_maxrss);

	for (k = 0; k < set.n; k++)
		free(set.m[k].buf);
	free(set.m);
	free(pt);
	return 0;
}
