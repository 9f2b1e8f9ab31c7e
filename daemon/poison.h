/*
 * Poison messages (issue 14): a message whose parse kills the daemon -- a
 * crash, the kernel's OOM killer, the watchdog's SIGABRT -- must not kill
 * it again on every start, nor stay in the Maildir forever.
 *
 * Before the reader parses a message it writes the message's sha256 and
 * reference into a marker file next to the database (DATABASE.parsing),
 * and marks it idle after. The write needs no fsync: what it must survive
 * is the death of the process, and the page cache is the kernel's. At
 * start, a marker that is not idle names the message the last run died
 * on; it becomes a suspect (store_suspect_add(): counted, committed).
 *
 * A suspect is parsed first in a process of its own -- bounced
 * --parse-isolated, exec'd, fed the bytes through a memfd -- with a time
 * limit. If that process dies too, or the daemon has died
 * POISON_MAX_DEATHS times while parsing it, the message is quarantined
 * with the reason and never parsed in the daemon again. Otherwise it is
 * parsed as usual (the crash was someone else's). The suspect row goes
 * with the message's commit.
 */
#ifndef BD_POISON_H
#define BD_POISON_H

#include <stdbool.h>
#include <stddef.h>

#include "common/sha256.h"

#define POISON_MAX_SUSPECTS 64
/*
 * Deaths while the daemon itself parsed a message (its isolated parse
 * having passed) after which it is quarantined anyway: a message that
 * kills the daemon's process but not a fresh one. Not 2: a kill -9 from
 * outside or the watchdog lands on a harmless message's parse as often
 * as the reader parses, and the first parse after the restart is that
 * very message's again (daemon_kill met it: a good message quarantined).
 */
#define POISON_MAX_DEATHS 3

struct poison {
	int fd;	    /* the marker, or -1: none (no file database) */
	char *path; /* owned */
	char *map;  /* the marker's bytes mapped shared, or NULL: pwrite() */
	/* what the marker named at start: the message the last run died
	 * parsing, or "" */
	char died_sha[SHA256_HEX_LEN + 1];
	char died_ref[512];
	/* the suspects (store_suspect_each()), read at start */
	char sha[POISON_MAX_SUSPECTS][SHA256_HEX_LEN + 1];
	unsigned crashes[POISON_MAX_SUSPECTS];
	size_t n;
	int timeout_ms; /* for an isolated parse */
};

/* Opens (creates) db_path.parsing and reads what it names. 0, or -1
 * (logged; the daemon goes on without, ps->fd -1). */
int poison_open(struct poison *ps, const char *db_path);
void poison_close(struct poison *ps);
/* A suspect and its crash count, from the store (store_suspect_each()). */
void poison_add(void *ps, const char *sha256, unsigned crashes);
/* The crash count of sha256 when it is a suspect, else 0. */
unsigned poison_suspect(const struct poison *ps, const char *sha256);

/* Parsing sha256 (ref) now; the marker says so until poison_idle(). */
void poison_mark(struct poison *ps, const char *sha256, const char *ref);
void poison_idle(struct poison *ps);

/*
 * Parses buf[0..len) in a process of its own. Returns 0 when it finished,
 * 1 when it died or ran past ps->timeout_ms (why_r says how), -1 when it
 * could not be tried (logged).
 */
int poison_try(const struct poison *ps, const unsigned char *buf,
    size_t len, char *why, size_t whylen);

/* bounced --parse-isolated: parses standard input. The exit status. */
int poison_isolated_main(void);

/*
 * Test hook (tests/integration/daemon_poison.sh): a message whose sha256
 * is BOUNCED_TEST_CRASH_SHA256 kills the parser with SIGSEGV, one whose
 * sha256 is BOUNCED_TEST_HANG_SHA256 makes it sleep. Only the operator's
 * environment sets them.
 */
void poison_test_hook(const char *sha256);

#endif
