/*
 * bench_lookup: the lookup responders' rate (issue 15: at least 20,000
 * lookups/s on the project's machine).
 *
 *   bench_lookup fill DB N
 *       creates DB (the daemon's schema) with N recipients x@bench.test,
 *       every other one suppressed, in one transaction
 *   bench_lookup run socketmap|policy SOCKET CLIENTS SECONDS N
 *       CLIENTS threads, one connection each, ask one request at a time
 *       as Postfix does (send, wait for the reply) for SECONDS, the keys
 *       spread over the N recipients and one in ten never stored; prints
 *       lookups/s and checks each verdict against the fill's rule
 *
 * bench/bench_lookup.sh runs both against a bounced it starts.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "storage/store.h"

static int
fill(const char *path, long n)
{
	struct store *st;
	struct recipient r;
	char *err = NULL;
	long i;

	if (store_open(path, STORE_RDWR, &st, &err) < 0) {
		fprintf(stderr, "bench_lookup: %s\n", err);
		return 1;
	}
	if (store_begin(st) < 0)
		goto fail;
	for (i = 0; i < n; i++) {
		memset(&r, 0, sizeof(r));
		snprintf(r.address, sizeof(r.address), "u%ld@bench.test", i);
		snprintf(r.domain, sizeof(r.domain), "bench.test");
		r.state = i % 2 == 0 ? STATE_SUPPRESSED : STATE_SOFT;
		r.reason = REASON_USERUNKNOWN;
		r.bounce_count = 1;
		r.first_bounce_at = r.last_bounce_at = 1767225600;
		r.suppressed_at = i % 2 == 0 ? 1767225600 : 0;
		if (store_recipient_put(st, &r) < 0)
			goto fail;
	}
	if (store_commit(st) < 0)
		goto fail;
	store_close(&st);
	return 0;
fail:
	fprintf(stderr, "bench_lookup: %s\n", store_error(st));
	store_close(&st);
	return 1;
}

struct run {
	bool policy;
	const char *path;
	long n;
	double seconds;
	atomic_long done, wrong;
};

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Reads until the reply is whole: a netstring's ',' or the policy's
 * empty line. Returns its length, or -1. */
static ssize_t
reply(int fd, char *buf, size_t size, bool policy)
{
	size_t len = 0;
	ssize_t n;

	for (;;) {
		n = read(fd, buf + len, size - 1 - len);
		if (n <= 0)
			return -1;
		len += (size_t)n;
		buf[len] = '\0';
		if (policy ? strstr(buf, "\n\n") != NULL
			   : (len > 0 && buf[len - 1] == ','))
			return (ssize_t)len;
		if (len + 1 >= size)
			return -1;
	}
}

static void *
client(void *arg)
{
	struct run *r = arg;
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char req[512], buf[512], addr[64];
	unsigned seed = (unsigned)(uintptr_t)&seed;
	double end = now_s() + r->seconds;
	long done = 0, wrong = 0, k;
	bool suppressed;
	int fd, len;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", r->path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("bench_lookup: connect");
		exit(1);
	}
	while ((done & 255) != 0 || now_s() < end) {
		k = (long)(rand_r(&seed) % (unsigned)(r->n + r->n / 10 + 1));
		/* beyond n: never stored */
		snprintf(addr, sizeof(addr), "u%ld@bench.test", k);
		suppressed = k < r->n && k % 2 == 0;
		if (r->policy)
			len = snprintf(req, sizeof(req),
			    "request=smtpd_access_policy\nprotocol_state=RCPT\n"
			    "protocol_name=ESMTP\nclient_address=127.0.0.1\n"
			    "sender=news@example.org\nrecipient=%s\n\n",
			    addr);
		else
			len = snprintf(req, sizeof(req), "%zu:suppressed %s,",
			    strlen(addr) + 11, addr);
		if (write(fd, req, (size_t)len) != len ||
		    reply(fd, buf, sizeof(buf), r->policy) < 0) {
			fprintf(stderr, "bench_lookup: the server closed\n");
			exit(1);
		}
		if ((strstr(buf, "REJECT") != NULL) != suppressed)
			wrong++;
		done++;
	}
	close(fd);
	atomic_fetch_add(&r->done, done);
	atomic_fetch_add(&r->wrong, wrong);
	return NULL;
}

static int
run(int argc, char **argv)
{
	struct run r = {0};
	pthread_t th[256];
	long clients, i;
	double t0, t;

	r.policy = strcmp(argv[2], "policy") == 0;
	r.path = argv[3];
	clients = strtol(argv[4], NULL, 10);
	r.seconds = strtod(argv[5], NULL);
	r.n = strtol(argv[6], NULL, 10);
	(void)argc;
	if (clients < 1 || clients > 256 || r.n < 1 || r.seconds <= 0) {
		fputs("bench_lookup: 1..256 clients, N >= 1\n", stderr);
		return 2;
	}
	t0 = now_s();
	for (i = 0; i < clients; i++)
		pthread_create(&th[i], NULL, client, &r);
	for (i = 0; i < clients; i++)
		pthread_join(th[i], NULL);
	t = now_s() - t0;
	printf("%-9s %3ld client%s %9ld lookups in %.2f s: %8.0f lookups/s"
	       "%s\n",
	    argv[2], clients, clients == 1 ? " " : "s", (long)r.done, t,
	    (double)r.done / t, r.wrong != 0 ? "  WRONG VERDICTS" : "");
	return r.wrong != 0;
}

int
main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "fill") == 0)
		return fill(argv[2], strtol(argv[3], NULL, 10));
	if (argc == 7 && strcmp(argv[1], "run") == 0)
		return run(argc, argv);
	fputs("usage: bench_lookup fill DB N\n"
	      "       bench_lookup run socketmap|policy SOCKET CLIENTS "
	      "SECONDS N\n",
	    stderr);
	return 2;
}
