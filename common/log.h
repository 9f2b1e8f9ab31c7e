/*
 * Logging for daemon/ and cli/ (libraries never log: they return -1 and an
 * error text). Under systemd (JOURNAL_STREAM set, sd-daemon(3)) every line
 * on stderr starts with a "<N>" syslog priority the journal understands;
 * otherwise lines are plain, prefixed with the program name. Shape of a
 * message: "subsystem: object: what failed: why" (STYLE.md 7).
 */
#ifndef BD_LOG_H
#define BD_LOG_H

#include <stdbool.h>

enum log_level { /* syslog(3) priorities */
	LOG_LVL_ERR = 3,
	LOG_LVL_WARNING = 4,
	LOG_LVL_NOTICE = 5,
	LOG_LVL_INFO = 6,
	LOG_LVL_DEBUG = 7,
};

/* prog: the name on plain lines; journal: force the "<N>" prefixes (tests)
 * instead of looking at JOURNAL_STREAM. */
void log_init(const char *prog, enum log_level max, int journal);
void log_set_level(enum log_level max);
enum log_level log_get_level(void);
/* -1 when name is not one of err warning notice info debug */
int log_level_from_name(const char *name);

#define BD_PRINTF(a, b) __attribute__((format(printf, a, b)))
/* log_warn appends ": strerror(errno)" and keeps errno */
void log_warn(const char *fmt, ...) BD_PRINTF(1, 2);
void log_warnx(const char *fmt, ...) BD_PRINTF(1, 2);
void log_notice(const char *fmt, ...) BD_PRINTF(1, 2);
void log_info(const char *fmt, ...) BD_PRINTF(1, 2);
void log_errx(const char *fmt, ...) BD_PRINTF(1, 2);
void log_debug_(const char *fmt, ...) BD_PRINTF(1, 2);
/* the arguments are not evaluated when debug is off (Redis serverLog) */
#define log_debug(...)                                                        \
	do {                                                                  \
		if (log_get_level() >= LOG_LVL_DEBUG)                         \
			log_debug_(__VA_ARGS__);                              \
	} while (0)
/*
 * Between log_hold() and log_release() this thread's lines are written
 * together, whole lines at most PIPE_BUF bytes at a time, instead of one
 * write(2) each: for the lines of a committed batch. Nothing is held
 * past log_release(), nor past fatal().
 */
void log_hold(void);
void log_release(void);
/* start-up failures and broken invariants only, in daemon/ */
void fatal(const char *fmt, ...) BD_PRINTF(1, 2) __attribute__((noreturn));
void fatalx(const char *fmt, ...) BD_PRINTF(1, 2) __attribute__((noreturn));

#endif
