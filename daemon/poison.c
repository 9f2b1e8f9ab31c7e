/* Poison messages: the marker, the suspects, the isolated parse (poison.h). */
#include "daemon/poison.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/readfile.h"
#include "common/xmalloc.h"
#include "daemon/pipeline.h"

#define POISON_TIMEOUT_MS (60 * 1000)
#define IDLE "-\n"
/* the marker's longest line: "SHA256 REF\n" */
#define MARKER_SIZE                                                          \
	(SHA256_HEX_LEN + 1 + sizeof(((struct poison *)0)->died_ref) + 1)

/* "SHA256 REF\n": the marker's one line; "-\n" idle. */
static void
read_marker(struct poison *ps)
{
	char buf[SHA256_HEX_LEN + 1 + sizeof(ps->died_ref) + 1];
	ssize_t n = pread(ps->fd, buf, sizeof(buf) - 1, 0);
	char *nl;
	size_t i;

	if (n < SHA256_HEX_LEN + 2)
		return;
	buf[n] = '\0';
	if ((nl = strchr(buf, '\n')) == NULL || buf[SHA256_HEX_LEN] != ' ')
		return;
	*nl = '\0';
	for (i = 0; i < SHA256_HEX_LEN; i++)
		if (!((buf[i] >= '0' && buf[i] <= '9') ||
		    (buf[i] >= 'a' && buf[i] <= 'f')))
			return;
	memcpy(ps->died_sha, buf, SHA256_HEX_LEN);
	ps->died_sha[SHA256_HEX_LEN] = '\0';
	snprintf(ps->died_ref, sizeof(ps->died_ref), "%.*s",
	    (int)sizeof(ps->died_ref) - 1, buf + SHA256_HEX_LEN + 1);
}

/*
 * The marker is written twice per message, before and after its parse:
 * as two pwrite(2)s that was 7 % of the reader's time. A shared mapping
 * of the file makes it two stores. They survive the death of the
 * process as a write(2) does -- the page is the page cache's, and the
 * kernel writes it back (mmap(2), MAP_SHARED) -- and neither is synced,
 * so a power loss loses either. The file is grown to the longest line
 * first, padded with newlines (text, as before), since a store past its
 * end would raise SIGBUS. (So would a truncation of the file by
 * someone else while the daemon runs: it is the daemon's, in its state
 * directory, like the database.) Without the mapping the pwrite()s stay.
 */
static void
map_marker(struct poison *ps)
{
	char pad[MARKER_SIZE];
	struct stat st;
	void *p;

	if (fstat(ps->fd, &st) == -1)
		return;
	if ((size_t)st.st_size < MARKER_SIZE) {
		size_t n = MARKER_SIZE - (size_t)st.st_size;

		memset(pad, '\n', n);
		if (pwrite(ps->fd, pad, n, st.st_size) != (ssize_t)n)
			return;
	}
	p = mmap(NULL, MARKER_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
	    ps->fd, 0);
	if (p != MAP_FAILED)
		ps->map = p;
}

int
poison_open(struct poison *ps, const char *db_path)
{
	memset(ps, 0, sizeof(*ps));
	ps->fd = -1;
	ps->timeout_ms = POISON_TIMEOUT_MS;
	if (getenv("BOUNCED_TEST_PARSE_TIMEOUT_MS") != NULL)
		ps->timeout_ms = atoi(getenv("BOUNCED_TEST_PARSE_TIMEOUT_MS"));
	if (db_path == NULL || *db_path == '\0' || *db_path == ':')
		return 0; /* ":memory:" and the like: nothing survives */
	ps->path = xasprintf("%s.parsing", db_path);
	ps->fd = open(ps->path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (ps->fd == -1) {
		log_warn("poison: %s: a message that kills the parser will "
		    "not be recognised", ps->path);
		return -1;
	}
	read_marker(ps);
	map_marker(ps);
	return 0;
}

void
poison_close(struct poison *ps)
{
	if (ps->map != NULL)
		munmap(ps->map, MARKER_SIZE);
	if (ps->fd != -1)
		close(ps->fd);
	free(ps->path);
	memset(ps, 0, sizeof(*ps));
	ps->fd = -1;
}

void
poison_add(void *arg, const char *sha256, unsigned crashes)
{
	struct poison *ps = arg;

	if (ps->n == POISON_MAX_SUSPECTS ||
	    strlen(sha256) != SHA256_HEX_LEN)
		return;
	memcpy(ps->sha[ps->n], sha256, SHA256_HEX_LEN + 1);
	ps->crashes[ps->n++] = crashes;
}

unsigned
poison_suspect(const struct poison *ps, const char *sha256)
{
	size_t i;

	for (i = 0; i < ps->n; i++)
		if (strcmp(ps->sha[i], sha256) == 0)
			return ps->crashes[i];
	return 0;
}

void
poison_mark(struct poison *ps, const char *sha256, const char *ref)
{
	char line[SHA256_HEX_LEN + 1 + sizeof(ps->died_ref) + 1];
	int n;

	if (ps->fd == -1)
		return;
	n = snprintf(line, sizeof(line), "%s %.*s\n", sha256,
	    (int)sizeof(ps->died_ref) - 1, ref);
	if (n <= 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	if (ps->map != NULL) {
		/*
		 * A kill between two stores must not leave a line naming
		 * another message: the first byte, not hex, keeps the
		 * line unread (read_marker()) until the rest is there.
		 * The fences keep the compiler from moving a store past
		 * them: the parse that may crash comes after.
		 */
		ps->map[0] = '-';
		atomic_signal_fence(memory_order_seq_cst);
		memcpy(ps->map + 1, line + 1, (size_t)n - 1);
		atomic_signal_fence(memory_order_seq_cst);
		ps->map[0] = line[0];
		atomic_signal_fence(memory_order_seq_cst);
		return;
	}
	/* one write(2) at offset 0: what follows an older, longer line is
	 * after the '\n' and never read */
	if (pwrite(ps->fd, line, (size_t)n, 0) != n)
		log_debug("poison: %s: %s", ps->path, strerror(errno));
}

void
poison_idle(struct poison *ps)
{
	if (ps->map != NULL) {
		/* the first byte alone makes the line unread */
		ps->map[0] = IDLE[0];
		atomic_signal_fence(memory_order_seq_cst);
		ps->map[1] = IDLE[1];
		atomic_signal_fence(memory_order_seq_cst);
		return;
	}
	if (ps->fd != -1 && pwrite(ps->fd, IDLE, 2, 0) != 2)
		log_debug("poison: %s: %s", ps->path, strerror(errno));
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
write_all(int fd, const unsigned char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int
poison_try(const struct poison *ps, const unsigned char *buf, size_t len,
    char *why, size_t whylen)
{
	struct timespec tick = { 0, 20 * 1000 * 1000 };
	int64_t deadline;
	pid_t pid, w;
	int fd, st;

	if ((fd = memfd_create("bounced-suspect", MFD_CLOEXEC)) == -1) {
		log_warn("poison: memfd_create");
		return -1;
	}
	if (write_all(fd, buf, len) == -1 || lseek(fd, 0, SEEK_SET) == -1) {
		log_warn("poison: memfd");
		close(fd);
		return -1;
	}
	/* exec'd at once: nothing of this multi-threaded process runs in
	 * the child but dup2 and execv, which are async-signal-safe */
	if ((pid = fork()) == -1) {
		log_warn("poison: fork");
		close(fd);
		return -1;
	}
	if (pid == 0) {
		static char arg0[] = "bounced", arg1[] = "--parse-isolated";
		char *argv[] = { arg0, arg1, NULL };

		if (dup2(fd, 0) == 0)
			execv("/proc/self/exe", argv);
		_exit(127);
	}
	close(fd);
	deadline = now_ms() + ps->timeout_ms;
	while ((w = waitpid(pid, &st, WNOHANG)) == 0 && now_ms() < deadline)
		nanosleep(&tick, NULL);
	if (w == 0) {
		kill(pid, SIGKILL);
		w = waitpid(pid, &st, 0);
		snprintf(why, whylen, "it did not finish in %d s",
		    ps->timeout_ms / 1000);
		return 1;
	}
	if (w == -1) {
		log_warn("poison: waitpid");
		return -1;
	}
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 127) {
		log_warnx("poison: /proc/self/exe --parse-isolated could not "
		    "be started");
		return -1;
	}
	if (WIFSIGNALED(st))
		snprintf(why, whylen, "it was killed by signal %d (%s)",
		    WTERMSIG(st), strsignal(WTERMSIG(st)));
	else
		snprintf(why, whylen, "it exited with status %d",
		    WEXITSTATUS(st));
	return 1;
}

int
poison_isolated_main(void)
{
	struct source_msg m;
	struct prepared pm;
	const char *err;

	memset(&m, 0, sizeof(m));
	if (readfile("-", &m.buf, &m.len, &err) == -1) {
		log_warnx("--parse-isolated: standard input: %s", err);
		return 2;
	}
	m.ref = xstrdup("isolated");
	prepare_message(&m, 0, NULL, NULL, &pm);
	prepared_free(&pm);
	return 0;
}

void
poison_test_hook(const char *sha256)
{
	const char *c = getenv("BOUNCED_TEST_CRASH_SHA256");
	const char *h = getenv("BOUNCED_TEST_HANG_SHA256");

	if (c != NULL && strcmp(c, sha256) == 0) {
		/* the default action, also under ASan, which catches it */
		signal(SIGSEGV, SIG_DFL);
		raise(SIGSEGV);
	}
	if (h != NULL && strcmp(h, sha256) == 0)
		for (;;)
			pause();
}
