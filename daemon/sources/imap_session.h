/*
 * One IMAP connection for the IMAP source (source_imap.c): connect with
 * TLS that verifies (tls.h), LOGIN, capabilities, SELECT; IDLE between
 * passes; on any network or protocol error drop it and reconnect with a
 * capped exponential backoff, said once per outage. Private to daemon/.
 */
#ifndef BD_IMAP_SESSION_H
#define BD_IMAP_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libetpan/libetpan.h>

#include "config/config.h"
#include "daemon/sources/imap_ack.h"
#include "daemon/sources/imap_names.h"

struct imap_session {
	/* borrowed: the daemon frees a source before its configuration
	 * (main.c, daemon_reload()); config_schema.c filled the defaults */
	const struct config_imap *c;
	bool once;	   /* --once: a failure ends the run, no retry said */
	char url[320]; /* imaps://host:port/mailbox, for the log */

	mailimap *imap;	      /* NULL: not connected */
	uint32_t uidvalidity; /* of the last SELECT; 0 before the first */
	bool has_move, has_uidplus, has_idle; /* after LOGIN */
	bool idling;
	/*
	 * Learnt after LOGIN (issue 19): the personal namespace (RFC 2342)
	 * and the configured names in server syntax (imap_names.h); what
	 * SELECT said can be kept (PERMANENTFLAGS) and so the
	 * acknowledgement of each kind (imap_ack.h).
	 */
	char ns_prefix[128];
	char ns_sep; /* '\0': NIL, a flat server */
	char mailbox[IMAP_NAME_MAX + 1], processed[IMAP_NAME_MAX + 1],
	    quarantine[IMAP_NAME_MAX + 1]; /* "": not configured */
	bool processed_ok, quarantine_ok; /* exists or was created */
	struct imap_ack_in perm;	  /* target fields unset */
	enum imap_ack_kind ack_done, ack_quarantine;
	bool ack_said; /* "acknowledging by ..." logged for these */
	int64_t idle_since;  /* ms, CLOCK_MONOTONIC */
	int64_t last_search; /* ms: the poll interval counts from it */
	int64_t connected_at;
	int64_t progress_at; /* ms: the last watchdog ping of a FETCH */

	/* reconnection */
	int64_t retry_at;   /* ms: the next attempt */
	int64_t backoff_ms; /* the last wait; 0: none yet */
	int64_t down_since; /* ms: the outage began */
	bool down;	    /* an outage is under way (and was said) */
	bool ever;	    /* connected at least once */
	char said[256];	    /* the reason last logged in this outage */
};

void imap_session_init(struct imap_session *s, const struct config_imap *c);
void imap_session_deinit(struct imap_session *s);

/*
 * Makes the session usable for a pass: leaves IDLE, or connects (when
 * the backoff allows). 0, or -1 when it is not connected (logged).
 * Resets the "EXISTS seen" mark that imap_session_arm() looks at.
 */
int imap_session_ready(struct imap_session *s);
/* Drops the connection after libetpan error r in what; logged once per
 * outage; the next attempt is at once when it had been up a while. */
void imap_session_drop(struct imap_session *s, const char *what, int r);
/* true for errors after which the connection cannot be trusted */
bool imap_session_fatal(int r);
/* A text for libetpan error r, with the server's own words for NO/BAD. */
const char *imap_session_error(const struct imap_session *s, int r);
/* source_ops.arm: enter IDLE and return its fd, or when to poll/retry. */
int imap_session_arm(struct imap_session *s, int64_t now_ms,
    int64_t *wake_ms);
/* Ends IDLE (DONE), reading what the server said meanwhile. */
void imap_session_leave_idle(struct imap_session *s);
/* "IDLE on imaps://...", "polling ...", "reconnecting to ..." */
const char *imap_session_describe(const struct imap_session *s, char *buf,
    size_t len);

#endif
