/*
 * From what a report says about one recipient to a verdict: the reason,
 * whether it is hard, and what the daemon should do. Pure: no I/O; the
 * clock is passed in.
 */
#ifndef BD_CLASSIFY_H
#define BD_CLASSIFY_H

#include <stdbool.h>
#include <time.h>

#include "mail/report.h"
#include "reason.h"

/*
 * Which layer of the decision gave the reason (classify.c), so that the
 * corpus check can show a layer that overfits.
 */
enum decision_layer {
	LAYER_NONE = 0,
	LAYER_KIND,	/* the report's kind or its DSN Action */
	LAYER_FAMILY,	/* a free-text family's own reason */
	LAYER_PROVIDER, /* the remote provider's documented code */
	LAYER_RULES,	/* the text rules */
	LAYER_TABLE,	/* a context row of the decision table */
	LAYER_STATUS,	/* a specific RFC 3463 code */
	LAYER_WEAK,	/* the broad words of the weak rules */
	LAYER_FALLBACK, /* a fallback row, onhold, undefined */
	LAYER_COUNT
};

struct verdict {
	enum reason reason;
	enum decision_layer layer;
	bool hard; /* userunknown, hostunknown, hasmoved; notaccept unless 4xx */
	enum bounce_class cls;
	const char *rule;    /* static: the name of the rule that decided */
	const char *matched; /* the pattern (static), the code (in status)
			      * or the command (in the report) it matched */
	char status[16];     /* the report's code, or one implied by reason */
	bool status_derived; /* status came from the reason, not the report */
};

/*
 * A text rule: reason when pattern occurs in the diagnostic and every
 * constraint holds. Rules are tried in two passes (classify.c): the
 * ordinary ones before the RFC 3463 code, the CR_WEAK ones after it.
 */
struct classify_rule {
	const char *name;    /* "<reason>.<what>", unique */
	enum reason reason;
	const char *pattern; /* lower case; '*' matches any run of text */
	int reply;	     /* only when the reply code is this (0: any) */
	int cls;	     /* -1, or the enum bounce_class to impose */
	unsigned flags;	     /* CR_* below */
	const char *command; /* only at this stage ("connection"), or NULL */
	const char *status;  /* only when the RFC 3463 code is this, or NULL */
};

/*
 * A broad word ("spam", "blocked", "policy") that names a cause only when
 * nothing better does: it yields to a specific RFC 3463 code, because
 * providers append such words to precise refusals ("... fails SPF. To
 * protect our users from spam ...").
 */
#define CR_WEAK 0x01u

extern const struct classify_rule classify_rules[];
extern const unsigned classify_nrules;

/*
 * The RFC 3464 Action, or what a report without one implies: a free-text
 * bounce is a failure; a complaint or an auto-reply is no delivery
 * attempt at all (NULL). Static or the report's string.
 */
const char *classify_action(const struct report *rep,
    const struct report_rcpt *r);

void classify_rcpt(const struct report *rep, const struct report_rcpt *r,
    time_t now, struct verdict *v);

/*
 * Linear-time matcher: true when every '*'-separated piece of pattern
 * occurs in text, in order, without overlap. text must be lower case.
 */
bool classify_match(const char *text, size_t len, const char *pattern);

/*
 * Whether rule k of classify_rules[] is still a candidate for the lower
 * case text after the filters that spare most searches (the bucket of
 * its key pair, then all its key pairs); a rule classify_match() finds
 * must be one. For tests.
 */
bool classify_rule_candidate(const char *text, size_t len, unsigned k);

/* The reason an RFC 3463 code implies, or REASON_COUNT when it says
 * nothing specific (x.0.0, 5.7.1 and other catch-alls: decision.c). */
enum reason status_reason(const char *status);
/* A representative code for a reason ("5.1.1" for userunknown), or "". */
const char *reason_status(enum reason r, bool temporary);
/* "rules", "table", … for the corpus check and explain */
const char *decision_layer_name(enum decision_layer l);

#endif
