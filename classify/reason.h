/*
 * The reason vocabulary: sisimai's names, so that results compare with the
 * reference classifier, each with what it means and what to do about it.
 */
#ifndef BD_REASON_H
#define BD_REASON_H

#include <stdbool.h>
#include <stddef.h>

enum reason {
	REASON_UNDEFINED = 0,
	REASON_AUTHFAILURE,
	REASON_BADREPUTATION,
	REASON_BLOCKED,
	REASON_CONTENTERROR,
	REASON_DELIVERED,
	REASON_EXCEEDLIMIT,
	REASON_EXPIRED,
	REASON_FAILEDSTARTTLS,
	REASON_FEEDBACK,
	REASON_FILTERED,
	REASON_HASMOVED,
	REASON_HOSTUNKNOWN,
	REASON_MAILBOXFULL,
	REASON_MAILERERROR,
	REASON_MESGTOOBIG,
	REASON_NETWORKERROR,
	REASON_NORELAYING,
	REASON_NOTACCEPT,
	REASON_NOTCOMPLIANTRFC,
	REASON_ONHOLD,
	REASON_POLICYVIOLATION,
	REASON_REJECTED,
	REASON_REQUIREPTR,
	REASON_SECURITYERROR,
	REASON_SPAMDETECTED,
	REASON_SPEEDING,
	REASON_SUSPEND,
	REASON_SYNTAXERROR,
	REASON_SYSTEMERROR,
	REASON_SYSTEMFULL,
	REASON_TOOMANYCONN,
	REASON_USERUNKNOWN,
	REASON_VACATION,
	REASON_VIRUSDETECTED,
	REASON_COUNT
};

/* What the daemon should do with the recipient. */
enum bounce_class {
	CLASS_PERMANENT, /* stop sending: the address or the mail is refused */
	CLASS_TRANSIENT, /* worth resending later */
	CLASS_COMPLAINT, /* the recipient complained: stop at once */
	CLASS_IGNORE,	 /* not a failure (delivered, delayed, vacation) */
};

/* When a reason makes a hard bounce: the address itself is dead. */
enum hardness {
	HARD_NEVER,
	HARD_ALWAYS,	   /* userunknown, hostunknown, hasmoved */
	HARD_IF_PERMANENT, /* notaccept: unless a 4yz or 4.x.x said retry */
};

struct reason_info {
	const char *name;   /* sisimai's name */
	const char *what;   /* one line: what happened */
	const char *advice; /* what the sender should do */
	enum bounce_class cls;
	enum hardness hard;
	/* the RFC 3463 code it implies (permanent, temporary), or NULL */
	const char *status_perm, *status_temp;
};

const struct reason_info *reason_info(enum reason r);
const char *reason_name(enum reason r);
/* REASON_COUNT when name is not a reason */
enum reason reason_from_name(const char *name);
const char *class_name(enum bounce_class c);

/*
 * sisimai 5's names (reason_names.c, issue 17 item 6). A name may stand
 * for more than one reason: sisimai 5's "ratelimited" is our speeding and
 * toomanyconn.
 */
#define REASON_NAME_MAX 2
enum reason_labels {
	REASON_LABELS_SISIMAI4, /* ours, sisimai 4's: the default */
	REASON_LABELS_SISIMAI5, /* sisimai 5.x's (emailtoolarge, ratelimited) */
};
/* The reasons name stands for, ours or sisimai 5's, into out: their
 * number, 0 when name is neither. */
size_t reason_lookup(const char *name, enum reason out[REASON_NAME_MAX]);
/* r's name in the vocabulary l (static). */
const char *reason_label(enum reason r, enum reason_labels l);
/* A stored name in the vocabulary l; name itself when it is no reason
 * (an override's free text). */
const char *reason_relabel(const char *name, enum reason_labels l);
/* "sisimai4" or "sisimai5": 0 and *l_r, or -1. */
int reason_labels_from_name(const char *s, enum reason_labels *l_r);

#endif
