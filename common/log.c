#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

static const char *log_prog = "bounced";
static enum log_level log_max = LOG_LVL_INFO;
static int log_journal;

void
log_init(const char *prog, enum log_level max, int journal)
{
	const char *js = getenv("JOURNAL_STREAM");

	log_prog = prog;
	log_max = max;
	/* sd-daemon(3): JOURNAL_STREAM names the stderr the journal reads */
	log_journal = journal >= 0 ? journal : (js != NULL && *js != '\0');
}

void
log_set_level(enum log_level max)
{
	log_max = max;
}

enum log_level
log_get_level(void)
{
	return log_max;
}

int
log_level_from_name(const char *name)
{
	static const char *const names[] = { "err", "warning", "notice",
		"info", "debug" };
	int i;

	for (i = 0; i < 5; i++)
		if (strcmp(name, names[i]) == 0)
			return LOG_LVL_ERR + i;
	return -1;
}

/*
 * A Message-ID, an address or a file name comes from whoever sent the
 * bounce: a CR, LF or other control byte in it must not start a forged
 * log line (or a forged "<N>" priority under the journal).
 */
static void
sanitize(char *s)
{
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
	}
}

/*
 * Lines this thread holds between log_hold() and log_release(). One
 * write(2) of at most PIPE_BUF bytes of whole lines is as atomic as one
 * line's: on a pipe no other writer's bytes come between
 * (pipe(7)); the journal's stream splits it at the newlines.
 */
static _Thread_local struct {
	bool on;
	size_t len;
	char buf[PIPE_BUF];
} held;

static void
write_out(const char *s, size_t len)
{
	while (len > 0) {
		ssize_t n = write(STDERR_FILENO, s, len);

		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return; /* nowhere to say it */
		s += n;
		len -= (size_t)n;
	}
}

static void
flush_held(void)
{
	write_out(held.buf, held.len);
	held.len = 0;
}

void
log_hold(void)
{
	held.on = true;
}

void
log_release(void)
{
	int saved = errno;

	flush_held();
	held.on = false;
	errno = saved;
}

static void __attribute__((format(printf, 3, 0)))
vlog(enum log_level lvl, const char *err, const char *fmt, va_list ap)
{
	char line[2048], out[sizeof(line) + 256];
	int n;

	if (lvl > log_max)
		return;
	n = vsnprintf(line, sizeof(line), fmt, ap);
	if (n < 0)
		return;
	sanitize(line);
	if (log_journal)
		n = snprintf(out, sizeof(out), "<%d>%s%s%s\n", (int)lvl, line,
		    err != NULL ? ": " : "", err != NULL ? err : "");
	else
		n = snprintf(out, sizeof(out), "%s: %s%s%s\n", log_prog, line,
		    err != NULL ? ": " : "", err != NULL ? err : "");
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(out)) { /* a long err: cut, still a line */
		n = sizeof(out) - 1;
		out[n - 1] = '\n';
	}
	/* one write per line (or per held run): lines never mix */
	if (!held.on) {
		write_out(out, (size_t)n);
		return;
	}
	if (held.len + (size_t)n > sizeof(held.buf))
		flush_held();
	memcpy(held.buf + held.len, out, (size_t)n);
	held.len += (size_t)n;
}

#define LOG_FN(name, lvl)                                                     \
	void name(const char *fmt, ...)                                       \
	{                                                                     \
		va_list ap;                                                   \
		va_start(ap, fmt);                                            \
		vlog(lvl, NULL, fmt, ap);                                     \
		va_end(ap);                                                   \
	}
LOG_FN(log_warnx, LOG_LVL_WARNING)
LOG_FN(log_notice, LOG_LVL_NOTICE)
LOG_FN(log_info, LOG_LVL_INFO)
LOG_FN(log_errx, LOG_LVL_ERR)
LOG_FN(log_debug_, LOG_LVL_DEBUG)

void
log_warn(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_LVL_WARNING, strerror(saved), fmt, ap);
	va_end(ap);
	errno = saved;
}

void
fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	/* the same line as log_warn() would write, at err, then exit */
	vlog(LOG_LVL_ERR, strerror(errno), fmt, ap);
	va_end(ap);
	flush_held();
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_LVL_ERR, NULL, fmt, ap);
	va_end(ap);
	flush_held();
	exit(1);
}
