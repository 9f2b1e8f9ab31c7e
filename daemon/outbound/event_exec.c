/* The exec hook (event_exec.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/xmalloc.h"
#include "daemon/outbound/event_exec.h"

extern char **environ;

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static pid_t
spawn(const char *command, int in_fd)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, def;
	char sh[] = "sh", c[] = "-c", *cmd = xstrdup(command);
	char *argv[] = { sh, c, cmd, NULL };
	pid_t pid;
	int rc;

	/* the daemon blocks TERM INT HUP (signalfd) and ignores PIPE: the
	 * hook gets the default of each, and a group of its own so that
	 * the timeout kills what it started too */
	sigemptyset(&none);
	sigemptyset(&def);
	sigaddset(&def, SIGPIPE);
	sigaddset(&def, SIGTERM);
	sigaddset(&def, SIGINT);
	sigaddset(&def, SIGHUP);
	posix_spawnattr_init(&at);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK |
	    POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &def);
	posix_spawnattr_setpgroup(&at, 0);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in_fd, STDIN_FILENO);
	rc = posix_spawn(&pid, "/bin/sh", &fa, &at, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	free(cmd);
	if (rc != 0) {
		errno = rc;
		return -1;
	}
	return pid;
}

/* Writes what the hook reads, until it is all written, the hook closes
 * its end, or the time is up. 0, or -1 (errno; ETIMEDOUT). */
static int
feed(int fd, const char *p, size_t len, int64_t deadline,
    const volatile bool *abort)
{
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	ssize_t n;

	while (len > 0) {
		int64_t left = deadline - now_ms();

		if (left <= 0 || (abort != NULL && *abort)) {
			errno = ETIMEDOUT;
			return -1;
		}
		if (poll(&pfd, 1, left > 200 ? 200 : (int)left) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (!(pfd.revents & (POLLOUT | POLLERR | POLLHUP)))
			continue;
		if ((n = write(fd, p, len)) == -1) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -1; /* EPIPE: it did not read it all */
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Waits for pid until deadline: 1 and *status, 0 at the deadline. */
static int
reap(pid_t pid, int64_t deadline, const volatile bool *abort, int *status)
{
	struct timespec pause = { 0, 5 * 1000 * 1000 };
	pid_t r;

	for (;;) {
		r = waitpid(pid, status, WNOHANG);
		if (r == pid)
			return 1;
		if (r == -1 && errno != EINTR)
			return 1; /* cannot happen: our child */
		if (now_ms() >= deadline || (abort != NULL && *abort))
			return 0;
		nanosleep(&pause, NULL);
	}
}

int
event_exec(const char *command, const char *input, size_t len,
    unsigned timeout, const volatile bool *abort, char *err, size_t errlen)
{
	int64_t deadline = now_ms() + (int64_t)timeout * 1000;
	int fds[2], status = 0, fed, werr;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) == -1) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	if ((pid = spawn(command, fds[0])) == -1) {
		snprintf(err, errlen, "/bin/sh: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	close(fds[0]);
	(void)fcntl(fds[1], F_SETFL, O_NONBLOCK);
	fed = feed(fds[1], input, len, deadline, abort);
	werr = errno;
	close(fds[1]); /* its end of input */
	if (fed == -1 && werr == ETIMEDOUT) {
		kill(-pid, SIGKILL);
		waitpid(pid, &status, 0);
		snprintf(err, errlen, "timed out after %us (killed)", timeout);
		return -1;
	}
	if (!reap(pid, deadline, abort, &status)) {
		kill(-pid, SIGKILL);
		waitpid(pid, &status, 0);
		snprintf(err, errlen, "%s after %us (killed)",
		    abort != NULL && *abort ? "stopping" : "timed out",
		    timeout);
		return -1;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		if (fed == -1) {
			/* exit 0 without reading everything: not delivered */
			snprintf(err, errlen, "exited 0 but did not read its "
			    "input: %s", strerror(werr));
			return -1;
		}
		return 0;
	}
	if (WIFEXITED(status))
		snprintf(err, errlen, "exited %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(err, errlen, "killed by signal %d", WTERMSIG(status));
	else
		snprintf(err, errlen, "status %d", status);
	return -1;
}
