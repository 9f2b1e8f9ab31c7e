/*
 * Which acknowledgement an IMAP server will keep, pure (unit-tested
 * alone). Decided after SELECT from what the server said: CAPABILITY
 * (MOVE, RFC 6851; UIDPLUS, RFC 4315), the PERMANENTFLAGS response code
 * of SELECT (RFC 3501 7.1: the flags a client can change permanently;
 * "\*" that it can create keywords), and whether the target mailbox
 * (processed_mailbox, quarantine_mailbox) can be used.
 */
#ifndef BD_IMAP_ACK_H
#define BD_IMAP_ACK_H

#include <stdbool.h>

enum imap_ack_kind {
	IMAP_ACK_MOVE,	       /* UID MOVE to the target */
	IMAP_ACK_COPY_EXPUNGE, /* UID COPY, UID STORE \Deleted, UID EXPUNGE */
	IMAP_ACK_KEYWORD,      /* UID STORE +FLAGS (\Seen $Bounced) */
	IMAP_ACK_SEEN_MARK,    /* \Seen, and a UID high-water mark of ours */
	IMAP_ACK_MARK,	       /* the high-water mark alone: not even \Seen */
};

struct imap_ack_in {
	bool has_move, has_uidplus; /* CAPABILITY after LOGIN */
	bool perm_known; /* SELECT said [PERMANENTFLAGS (...)] */
	bool perm_keywords, perm_seen, perm_deleted; /* "\*", \Seen, \Deleted */
	bool target;	/* a target mailbox is configured */
	bool target_ok; /* it exists or was created */
};

/* The acknowledgement, and why in *why_r (static text for the log). */
enum imap_ack_kind imap_ack_choose(const struct imap_ack_in *in,
    const char **why_r);
/* "MOVE", "COPY + EXPUNGE", ... for the log */
const char *imap_ack_name(enum imap_ack_kind k);

#endif
