/*
 * bench_rss [-o FILE] COMMAND [ARG...]
 *
 * Runs COMMAND, waits for it, and writes its wall-clock seconds (monotonic
 * clock), its peak resident set size (getrusage RUSAGE_CHILDREN ru_maxrss,
 * KiB on Linux) and its exit status to FILE (default stderr), one
 * "key value" a line. The command's own stdin, stdout and stderr are left
 * alone. A stand-in for `/usr/bin/time -f "%e %M"' where that is missing.
 * Exits with the command's status (125 when it cannot be run).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static _Noreturn void
usage(void)
{
	fprintf(stderr, "usage: bench_rss [-o file] command [arg...]\n");
	exit(125);
}

static double
now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	const char *out = NULL;
	struct rusage ru;
	double t0, secs;
	FILE *fp = stderr;
	pid_t pid;
	int ch, status, rc;

	while ((ch = getopt(argc, argv, "+o:")) != -1) {
		switch (ch) {
		case 'o':
			out = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind >= argc)
		usage();
	if (out != NULL && (fp = fopen(out, "w")) == NULL) {
		fprintf(stderr, "bench_rss: %s: %s\n", out, strerror(errno));
		return 125;
	}

	t0 = now_sec();
	if ((pid = fork()) < 0) {
		fprintf(stderr, "bench_rss: fork: %s\n", strerror(errno));
		return 125;
	}
	if (pid == 0) {
		execvp(argv[optind], argv + optind);
		fprintf(stderr, "bench_rss: %s: %s\n", argv[optind],
		    strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, "bench_rss: waitpid: %s\n",
			    strerror(errno));
			return 125;
		}
	}
	secs = now_sec() - t0;
	if (getrusage(RUSAGE_CHILDREN, &ru) != 0)
		ru.ru_maxrss = 0;
	rc = WIFEXITED(status) ? WEXITSTATUS(status) :
	    128 + WTERMSIG(status);

	fprintf(fp, "seconds %.3f\n", secs);
	fprintf(fp, "peak_rss_kib %ld\n", (long)ru.ru_maxrss);
	/* CPU of every thread of it: a parallel run's cost, not its wait */
	fprintf(fp, "cpu_seconds %.3f\n",
	    (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
		(double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6);
	fprintf(fp, "exit %d\n", rc);
	if (fp != stderr && fclose(fp) != 0) {
		fprintf(stderr, "bench_rss: %s: %s\n", out, strerror(errno));
		return 125;
	}
	return rc;
}
