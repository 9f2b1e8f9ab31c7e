/*
 * What a recipient result does to the recipient's state. Pure: no I/O, the
 * time is passed in; daemon/pipeline.c reads the row, applies this and
 * writes the row back in the same transaction.
 *
 *   hard bounce                  -> suppressed
 *   complaint (ARF feedback)     -> suppressed, reason feedback
 *   the sender's failure         -> recorded; the recipient's row is not
 *     (policy.sender_reasons:       touched: the receiver refused our IP,
 *      blocked, spamdetected, ...)   our authentication or our message
 *                                   (a resend may still be scheduled)
 *   other failure (soft)         -> soft; suppressed at the soft limit
 *                                   within the soft window
 *   ARF not-spam (RFC 6430),     -> a suppression for a complaint is
 *     verified (VERP)               lifted (none by a person's override):
 *                                   anyone can forge a report, and a forged
 *                                   one must not resume mail to a person
 *                                   who complained; unverified: recorded;
 *                                   auth-failure (RFC 6591): recorded
 *   delivered                    -> soft counters reset, soft -> active
 *   vacation, delayed, relayed   -> recorded, no change
 *   transient class, failed      -> also a resend scheduled (backoff)
 *                                   when resend.enabled and the reason
 *                                   is in resend.reasons
 *   hard, confirm_hard_bounce    -> the first: soft, one confirming
 *                                   resend (seed group 1); the second
 *                                   hard bounce in a row suppresses
 *
 * A person's override wins over every bounce that arrived before it: an
 * address a person unsuppressed is not re-suppressed by an old bounce, one
 * a person suppressed stays suppressed.
 */
#ifndef BD_POLICY_H
#define BD_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "classify/reason.h"
#include "config/config.h"
#include "storage/store.h"

struct policy_event {
	const char *reason; /* reason_name() */
	const char *status; /* RFC 3463 code or "" */
	const char *action; /* RFC 3464 Action (lower case) or NULL */
	enum bounce_class cls;
	bool hard;
	int64_t at; /* when the bounce arrived */
	unsigned retry_hint; /* "try again in N" of the diagnostic, s, or 0 */
	uint32_t rnd;	     /* a random number for the jitter */
	bool final;	     /* no confirming resend: this hard failure
			      * decides (the resend worker's own) */
	const char *feedback_type; /* an ARF report's type (lower case), or
				    * NULL */
	bool verified; /* the bounce came back to a valid signed return path
			* (docs/VERP.md) naming this recipient */
};

enum policy_effect {
	POLICY_RECORDED,   /* no state change */
	POLICY_SOFT,	   /* a soft bounce counted */
	POLICY_SUPPRESSED, /* the address is now suppressed */
	POLICY_RESET,	   /* a delivery reset the soft counters */
	POLICY_OVERRIDDEN, /* older than a person's override: counted only */
	POLICY_CONFIRMING, /* a first hard bounce: soft until a confirming
			    * resend bounces too (confirm_hard_bounce) */
	POLICY_SENDERS,	   /* the sender's problem: not counted against the
			    * recipient (policy.sender_reasons) */
	POLICY_WITHDRAWN,  /* a not-spam report lifted a complaint */
};

struct policy_result {
	enum policy_effect effect;
	bool write;	    /* the row changed: store_recipient_put() it */
	bool resend;	    /* schedule a resend at resend_at */
	bool confirm;	    /* ... of kind "confirm" (after a hard bounce) */
	int64_t resend_at;
};

/*
 * Applies ev to *r. exists says whether *r came from the database; when
 * not, *r must be zeroed with only address set, and it is filled in (domain
 * included) if the event creates a row. now is the processing time.
 */
void policy_apply(const struct config_policy *pc,
    const struct config_resend *rc, struct store_recipient *r, bool exists,
    const struct policy_event *ev, int64_t now, struct policy_result *res);

/*
 * Seconds before resend attempt `attempt` (0 for the first): the
 * schedule's entry (its last one beyond its end), or for the first the
 * server's hint when there is one, plus up to resend.jitter percent of
 * it chosen by rnd, so that the resends of one outage do not all
 * arrive at the same second.
 */
unsigned policy_resend_delay(const struct config_resend *rc,
    unsigned attempt, unsigned hint, uint32_t rnd);
/* Whether reason is one of resend.reasons. */
bool policy_resend_reason(const struct config_resend *rc, const char *reason);

/* For the log line: "suppressed", "soft 2/5", "recorded", ... (static or
 * written to buf). */
const char *policy_effect_text(const struct config_policy *pc,
    const struct store_recipient *r, const struct policy_result *res,
    char *buf, size_t len);

#endif
