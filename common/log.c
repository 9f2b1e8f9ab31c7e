#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static void __attribute__((format(printf, 3, 0)))
vlog(enum log_level lvl, const char *err, const char *fmt, va_list ap)
{
	char line[2048];
	int n;

	if (lvl > log_max)
		return;
	n = vsnprintf(line, sizeof(line), fmt, ap);
	if (n < 0)
		return;
	sanitize(line);
	/* one write per line: under a journal or a pipe lines never mix */
	if (log_journal)
		fprintf(stderr, "<%d>%s%s%s\n", (int)lvl, line,
		    err != NULL ? ": " : "", err != NULL ? err : "");
	else
		fprintf(stderr, "%s: %s%s%s\n", log_prog, line,
		    err != NULL ? ": " : "", err != NULL ? err : "");
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
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_LVL_ERR, NULL, fmt, ap);
	va_end(ap);
	exit(1);
}
