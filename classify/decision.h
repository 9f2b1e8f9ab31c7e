/*
 * The decision table: what the rest of a report says about the reason the
 * text, the provider or the status code gave (the candidate). Its inputs
 * are the SMTP stage (RFC 5321 3.3), the RFC 3463 code, the candidate's
 * reason and the reply code; its rows are named, ordered data, tried top
 * down, the first that holds decides. Two parts:
 *
 *   context rows, which may overrule a candidate:
 *     a specific code over a phrase that names a neighbouring cause
 *       (X.2.3 over a size phrase, X.1.6 over "unknown", X.4.3, X.3.2);
 *     the stage: an unknown user refused at RCPT is the directory's
 *       answer; after DATA, or with a mailbox-status (X.2) or policy (X.7)
 *       code and no RCPT, a filter's; an address refused at MAIL is the
 *       sender's; a DNS failure the MTA retries is no verdict on a domain;
 *   fallback rows, for a report no phrase, provider or specific code
 *     explained: the class of a catch-all code (X.6 content, X.7
 *     security), X-Unix, the reply code, Action: delayed, the stage.
 *
 * Pure: no I/O, no clock.
 */
#ifndef BD_DECISION_H
#define BD_DECISION_H

#include <stdbool.h>
#include <stdint.h>

#include "mail/report.h"
#include "reason.h"

/* Bit of a reason in decision_row.cand; DR_NONE: no candidate at all. */
#define DR_R(r) ((uint64_t)1 << (r))
#define DR_NONE DR_R(REASON_UNDEFINED)
/* Bit of a stage in decision_row.stages. */
#define DR_S(s) (1u << (s))

/* decision_row.flags */
#define DR_TEMPORARY 0x01u /* only for a transient failure (4yz, 4.x.x) */
#define DR_STAGE_SAID 0x04u /* the stage from a transcript or prose only */
#define DR_NOT_STAGES 0x08u /* stages lists the stages where it does NOT hold */
#define DR_GATEWAY 0x10u    /* only for a filtering gateway's report */
#define DR_XUNIX 0x20u	    /* only for an X-Unix or X-Postfix diagnostic */
#define DR_DELAYED 0x40u    /* only for Action: delayed */
#define DR_FALLBACK 0x80u   /* only without a candidate (cand must be 0) */
#define DR_LOOPED 0x100u    /* only when the returned message went round a
			     * loop: DECISION_HOP_LIMIT Received fields */
#define DR_FINAL 0x200u	    /* class permanent: resending cannot help */

/*
 * The lowest default hop limit of the MTAs that count Received fields
 * (RFC 5321 6.3): Sendmail's MaxHopCount 25 (op.me), Exim's
 * received_headers_max 30, Postfix's hopcount_limit 50. A message that
 * carries this many went round a loop.
 */
#define DECISION_HOP_LIMIT 25

struct decision_row {
	const char *name; /* "<input>.<what>", unique */
	enum reason result;
	uint64_t cand;	   /* DR_R() of the candidate reasons; 0: any */
	const char *status; /* space-separated codes, "x" any class, "*"
			     * any detail ("x.2.3 4.4.3 x.7.*"); NULL: any */
	const char *not_status; /* the row does not hold for these */
	unsigned stages;	/* DR_S() bits; 0: any */
	int reply_lo, reply_hi; /* 0: any */
	unsigned flags;		/* DR_* */
	const char *source;	/* what backs it: an RFC, an MTA's docs */
};

extern const struct decision_row decision_rows[];
extern const unsigned decision_nrows;

/* What one recipient's report gives the table. */
struct decision_in {
	const struct report *rep;
	const struct report_rcpt *r;
	enum reason cand; /* REASON_UNDEFINED: none */
	bool temporary;
};

/* The first row that holds, or NULL. */
const struct decision_row *decision_find(const struct decision_in *in);

/* True when the code matches one of the space-separated patterns. */
bool decision_status_match(const char *status, const char *patterns);

#endif
