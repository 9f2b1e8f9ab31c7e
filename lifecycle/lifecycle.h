/*
 * lifecycle: everything decided after the verdict (issue 13) -- what a
 * bounce does to its recipient, whether and when a copy is resent, what
 * an attempt's outcome does to its resend, and whether a bounce is to be
 * believed at all. Pure: no I/O, no SQL, no libetpan, no threads; the
 * clock and the random numbers are passed in. daemon/ reads rows,
 * calls these and writes the rows back; storage/ only persists.
 *
 * 1. The event a bounce is (lifecycle_event()), first match:
 *
 *    Action delivered (RFC 3464 2.3.3)              -> DELIVERED
 *    a proof is configured and the bounce is        -> UNVERIFIED
 *      unverified or forged (docs/SECURITY.md),
 *      unless policy.accept_unverified
 *    ARF not-spam (RFC 6430)                        -> NOT_SPAM
 *    ARF auth-failure (RFC 6591), class ignore,     -> IGNORED
 *      Action delayed/relayed/expanded
 *    the reason's effect (policy.*_reasons), else its verdict:
 *      sender      (policy.sender_reasons)          -> SENDER
 *      ignore      (policy.ignore_reasons)          -> IGNORED
 *      hard        (policy.hard_reasons, hard)      -> HARD
 *      complaint   (ARF abuse, fraud, virus, ...)   -> COMPLAINT
 *      soft        (policy.soft_reasons, the rest)  -> SOFT
 *
 * 2. The recipient (lifecycle_recipient()): state x event
 *
 *    event      | active           | soft             | suppressed
 *    -----------+------------------+------------------+-----------------
 *    HARD       | suppressed [1]   | suppressed [1]   | counted
 *    COMPLAINT  | suppressed       | suppressed       | counted
 *    SOFT       | soft; suppressed at the soft limit [2] | counted
 *    SENDER     | not counted, no change (any state) [3]
 *    UNVERIFIED | not counted, no change (any state)
 *    IGNORED    | no change (any state)
 *    DELIVERED  | no change        | active, reset    | no change
 *    NOT_SPAM   | no change        | no change        | active when a
 *               |                  |                  | complaint did it [4]
 *
 *    A person's override newer than the bounce: counted, no change.
 *    [1] policy.confirm_hard_bounce with resending on: the first hard
 *        bounce leaves the address soft and asks for one confirming
 *        resend; a hard bounce while that is pending suppresses.
 *    [2] policy.soft_bounce_limit within policy.soft_window; the count
 *        starts again after policy.soft_decay without a bounce.
 *    [3] the receiver refused our IP, our authentication or our
 *        message: five reputation blocks say nothing about the person.
 *    [4] verified only, and never over a person's suppression.
 *    HARD, SOFT or SENDER of the transient class with Action failed, a
 *    reason in resend.reasons, a verified bounce and an address not
 *    suppressed: a resend is asked for (lifecycle_resend_delay()).
 *
 * 3. A resend (lifecycle_resend_due(), lifecycle_resend_result(),
 *    lifecycle_resend_bounced(), lifecycle_resend_state()):
 *
 *    state \ outcome | SENT | DEFERRED          | FAILED GAVE_UP CANNOT
 *    ----------------+------+-------------------+----------------------
 *    pending         | sent | deferred          | that state
 *    deferred        | sent | deferred          | that state
 *    sent            | -    | deferred, gave_up | that state
 *                    |      |  when another     |
 *                    |      |  waits [5]        |
 *    cancelled [6]   | cancelled | cancelled    | -
 *    failed gave_up  | -    | -                 | -
 *    cannot_resend   |      |                   |
 *
 *    BOUNCED (a bounce of a copy we sent) is appended to the attempts
 *    and followed by the outcome lifecycle_resend_bounced() decides.
 *    [5] one waiting resend per recipient and original Message-ID
 *        (resends_one_pending): the waiting one resends the same copy.
 *    [6] cancelled by a person while a worker was sending it (issue 18
 *        item 2): a copy that went out is recorded, the row stays
 *        cancelled and never waits again.
 */
#ifndef BD_LIFECYCLE_H
#define BD_LIFECYCLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "classify/reason.h"
#include "config/config.h"

/* ---- the recipient's row ---- */

enum rcpt_state {
	STATE_ACTIVE,	  /* "active": mail goes out */
	STATE_SOFT,	  /* "soft": soft bounces counted, not yet stopped */
	STATE_SUPPRESSED, /* "suppressed": do not send */
	STATE_COUNT
};

enum rcpt_override {
	OVERRIDE_NONE,	       /* NULL in the table */
	OVERRIDE_SUPPRESSED,   /* "suppressed": a person suppressed it */
	OVERRIDE_UNSUPPRESSED, /* "unsuppressed": a person lifted it */
	OVERRIDE_COUNT
};

#define RCPT_ADDR_MAX 320 /* RFC 5321 4.5.3.1.1 + .2: 64 @ 255 */

/* A recipients row. Fixed buffers: copied in and out, nothing borrowed. */
struct recipient {
	char address[RCPT_ADDR_MAX + 1]; /* lower case; the key */
	char domain[256];		 /* after the last '@' */
	enum rcpt_state state;
	enum reason reason; /* of the last bounce that counted, or
			     * REASON_UNDEFINED */
	char status[16];    /* its RFC 3463 code, or "" */
	int64_t bounce_count; /* every failure recorded */
	int64_t soft_count;   /* soft failures in the current window */
	int64_t soft_since;   /* start of the current soft window, 0 */
	int64_t first_bounce_at, last_bounce_at, suppressed_at; /* 0: never */
	enum rcpt_override override;
	int64_t override_at; /* 0: never */
};

/* ---- a bounce, as the lifecycle sees it ---- */

/* RFC 3464 2.3.3 Action, or none (an ARF report, an auto-reply). */
enum dsn_action {
	ACTION_NONE,
	ACTION_FAILED,
	ACTION_DELAYED,
	ACTION_DELIVERED,
	ACTION_RELAYED,
	ACTION_EXPANDED,
	ACTION_COUNT
};

/* RFC 5965 3.1 Feedback-Type (IANA registry), or none (not ARF). */
enum feedback {
	FEEDBACK_NONE,
	FEEDBACK_ABUSE,
	FEEDBACK_FRAUD,
	FEEDBACK_VIRUS,
	FEEDBACK_OTHER,
	FEEDBACK_NOT_SPAM,	/* RFC 6430 */
	FEEDBACK_AUTH_FAILURE,	/* RFC 6591 */
	FEEDBACK_COUNT
};

/*
 * What proves that a bounce concerns mail we sent (docs/SECURITY.md).
 * Anyone can write to the bounce address; only these two say the report
 * is about a message of ours to that recipient.
 */
enum authenticity {
	AUTH_UNVERIFIED,   /* "unverified": no proof either way */
	AUTH_VERIFIED_TAG, /* "verified_tag": came back to a signed return
			    * path (docs/VERP.md) naming the recipient */
	AUTH_VERIFIED_SENT,/* "verified_sent": its original Message-ID and
			    * recipient are in the sent record */
	AUTH_FORGED,	   /* "forged": a tag of ours that does not verify
			    * (bad MAC, expired, another recipient) */
	AUTH_COUNT
};

/* A message's signed return path, as mail/report_verp.c found it. */
enum tag_check {
	TAG_NONE,    /* no address of the template */
	TAG_VALID,   /* ours, right MAC, in time */
	TAG_EXPIRED, /* ours, right MAC, older than verp.max_age */
	TAG_FORGED,  /* the template's shape, a wrong MAC */
};

/* The event a bounce is to its recipient (table 1). */
enum rcpt_event {
	EVENT_HARD,
	EVENT_COMPLAINT,
	EVENT_SOFT,
	EVENT_SENDER,
	EVENT_UNVERIFIED,
	EVENT_IGNORED,
	EVENT_DELIVERED,
	EVENT_NOT_SPAM,
	EVENT_COUNT
};

struct lc_bounce {
	enum reason reason;
	const char *status; /* RFC 3463 code or "" */
	enum dsn_action action;
	enum bounce_class cls;
	bool hard;
	enum feedback feedback;
	enum authenticity auth;
	int64_t at;	     /* when the bounce arrived */
	unsigned retry_hint; /* "try again in N" of the diagnostic, s, or 0 */
	uint32_t rnd;	     /* a random number for the jitter */
	bool final;	     /* no confirming resend: this hard failure
			      * decides (the resend worker's own) */
};

/* What the policy needs besides the configuration it reads. */
struct lc_conf {
	const struct config_policy *policy;
	const struct config_resend *resend;
	bool proof; /* verp or sent is configured: unverified bounces do
		     * not change state (policy.accept_unverified aside) */
};

/* What a bounce did; stored as bounces.effect. */
enum lc_effect {
	EFFECT_RECORDED,   /* "recorded": no state change */
	EFFECT_SOFT,	   /* "soft": a soft bounce counted */
	EFFECT_SUPPRESSED, /* "suppressed": the address is now suppressed */
	EFFECT_RESET,	   /* "reset": a delivery reset the soft counters */
	EFFECT_OVERRIDDEN, /* "overridden": older than a person's override */
	EFFECT_CONFIRMING, /* "confirming": soft until a confirming resend
			    * bounces too */
	EFFECT_SENDER,	   /* "sender": the sender's problem, not counted */
	EFFECT_WITHDRAWN,  /* "withdrawn": a not-spam report lifted a
			    * complaint */
	EFFECT_UNVERIFIED, /* "unverified": no proof it is about our mail */
	EFFECT_COUNT
};

enum resend_kind {
	KIND_TRANSIENT, /* "transient": a passing failure */
	KIND_CONFIRM,	/* "confirm": one confirming resend after a first
			 * hard bounce (policy.confirm_hard_bounce) */
	KIND_COUNT
};

struct lc_result {
	enum rcpt_event event;
	enum lc_effect effect;
	bool write;	   /* the row changed: store it */
	bool resend;	   /* schedule a resend at resend_at ... */
	enum resend_kind kind; /* ... of this kind */
	int64_t resend_at;
};

/* The event of table 1. */
enum rcpt_event lifecycle_event(const struct lc_conf *c,
    const struct lc_bounce *b);

/*
 * Table 2: applies b to *r. exists says whether *r came from the
 * database; when not, *r must be zeroed with only address set, and it is
 * filled in (domain included) when the event creates a row. now is the
 * processing time.
 */
void lifecycle_recipient(const struct lc_conf *c, struct recipient *r,
    bool exists, const struct lc_bounce *b, int64_t now,
    struct lc_result *res);

/*
 * The authenticity of one recipient's bounce: tag is the message's
 * signed return path and tag_rcpt whom it names; in_sent whether the
 * sent record holds the original Message-ID for recipient.
 */
enum authenticity lifecycle_authenticity(enum tag_check tag,
    const char *tag_rcpt, bool in_sent, const char *recipient);
/* A message's own authenticity, from its tag alone (messages.authenticity):
 * verified_tag, forged (expired or a wrong MAC) or unverified. */
enum authenticity lifecycle_tag_authenticity(enum tag_check tag);
/* A verified bounce: by a tag or by the sent record. */
bool lifecycle_verified(enum authenticity a);

/* ---- resends ---- */

enum resend_state {
	RESEND_PENDING,	  /* "pending" */
	RESEND_SENT,	  /* "sent" */
	RESEND_DEFERRED,  /* "deferred" */
	RESEND_FAILED,	  /* "failed" */
	RESEND_GAVE_UP,	  /* "gave_up" */
	RESEND_CANNOT,	  /* "cannot_resend" */
	RESEND_CANCELLED, /* "cancelled" */
	RESEND_STATE_COUNT
};

/* One attempt's outcome (resend_attempts.outcome). */
enum resend_outcome {
	OUTCOME_SENT,	  /* "sent" */
	OUTCOME_DEFERRED, /* "deferred": 4xx, unreachable; next_at follows */
	OUTCOME_FAILED,	  /* "failed": 5xx, or a hard bounce of the copy */
	OUTCOME_GAVE_UP,  /* "gave_up": attempts or age exhausted */
	OUTCOME_CANNOT,	  /* "cannot_resend": no copy of ours */
	OUTCOME_BOUNCED,  /* "bounced": a bounce of the copy arrived */
	OUTCOME_COUNT
};

/* What the worker knows of a due resend before it sends. */
struct lc_resend {
	enum resend_kind kind;
	enum resend_state state;
	enum reason reason;
	int64_t attempts, created_at;
};

/* What a due resend is to do now (lifecycle_resend_due()). */
enum resend_step {
	STEP_SEND,	/* fetch our copy and send it */
	STEP_CANCEL,	/* the address is suppressed meanwhile */
	STEP_GIVE_UP,	/* resend.max_attempts or resend.max_age reached */
	STEP_POSTPONE,	/* resend.max_per_hour or max_per_domain_per_hour
			 * reached: wait, without counting an attempt */
};

/* Resends sent in the last hour, all and to the recipient's domain. */
struct lc_rate {
	int64_t hour, domain_hour;
};

/*
 * The step for a due resend: suppressed is the recipient's state now;
 * *at_r is when to look again (STEP_POSTPONE). *why_r says why for the
 * log and the attempt row (static).
 */
enum resend_step lifecycle_resend_due(const struct config_resend *rc,
    const struct lc_resend *rs, bool suppressed, const struct lc_rate *rate,
    int64_t now, int64_t *at_r, const char **why_r);

/* How the relay answered one attempt (daemon/outbound/smtp.h, mapped). */
enum lc_delivery {
	DELIVERY_SENT,	   /* 250 to the end of DATA */
	DELIVERY_REFUSED,  /* a 5xx reply */
	DELIVERY_DEFERRED, /* a 4xx reply, or the relay unreachable */
	DELIVERY_CONFIG,   /* our configuration (TLS, AUTH): no attempt */
};

struct lc_resend_result {
	enum resend_outcome outcome;
	int64_t next_at;   /* OUTCOME_DEFERRED: when to try again */
	bool counts;	   /* an attempt was made: attempts + 1 */
	bool address_hard; /* the address is refused: a final hard event
			    * for the recipient (a 5xx, or a confirming
			    * resend that ends without delivery) */
};

/* What one attempt's answer makes of the resend. */
void lifecycle_resend_result(const struct config_resend *rc,
    const struct lc_resend *rs, enum lc_delivery d, int64_t now,
    uint32_t rnd, struct lc_resend_result *res);
/* A resend that ends before sending (STEP_GIVE_UP, no copy): */
void lifecycle_resend_end(const struct lc_resend *rs,
    enum resend_outcome o, struct lc_resend_result *res);

/* A bounce (verdict cls/hard, reason) of a copy we resent: what follows
 * OUTCOME_BOUNCED. */
void lifecycle_resend_bounced(const struct config_resend *rc,
    const struct lc_resend *rs, enum bounce_class cls, bool hard,
    enum reason reason, int64_t now, uint32_t rnd,
    struct lc_resend_result *res);

/*
 * Table 3: the state an outcome moves a resend in state cur to;
 * other_waiting says whether another resend for the same recipient and
 * original waits. *requeue_r: next_at applies. Returns cur when the
 * outcome does not move it.
 */
enum resend_state lifecycle_resend_state(enum resend_state cur,
    enum resend_outcome o, bool other_waiting, bool *requeue_r);
/* pending or deferred */
bool lifecycle_resend_waiting(enum resend_state s);

/*
 * How long a worker's claim of due work lasts (store_resend_claim(),
 * store_outbox_claim(); issue 18 item 2): `waits` blocking operations
 * of at most `timeout` seconds each, and LIFECYCLE_CLAIM_SLACK for the
 * database and the clocks of two hosts. Past it the work is due again
 * for any daemon: one killed while sending loses nothing, and one
 * still sending past it may be sending what another takes again.
 */
#define LIFECYCLE_CLAIM_SLACK 60
int64_t lifecycle_claim_lease(unsigned timeout, unsigned waits);

/*
 * Seconds before resend attempt `attempt` (0 for the first): the
 * schedule's entry (its last one beyond its end), or for the first the
 * server's hint when there is one, plus up to resend.jitter percent of
 * it chosen by rnd, so that the resends of one outage do not all arrive
 * at the same second.
 */
unsigned lifecycle_resend_delay(const struct config_resend *rc,
    unsigned attempt, unsigned hint, uint32_t rnd);
/* Whether reason is one of resend.reasons. */
bool lifecycle_resend_reason(const struct config_resend *rc,
    enum reason reason);

/* ---- names: only where rows are written and read, in cli/ and logs ---- */

const char *rcpt_state_name(enum rcpt_state s);
const char *rcpt_override_name(enum rcpt_override o); /* NULL for NONE */
const char *dsn_action_name(enum dsn_action a);	      /* NULL for NONE */
const char *feedback_name(enum feedback f);	      /* NULL for NONE */
const char *authenticity_name(enum authenticity a);
const char *lc_effect_name(enum lc_effect e);
const char *rcpt_event_name(enum rcpt_event e);
const char *resend_kind_name(enum resend_kind k);
const char *resend_state_name(enum resend_state s);
const char *resend_outcome_name(enum resend_outcome o);
/* And back: -1 when unknown. A name NULL or "" is the NONE value where
 * there is one. */
int rcpt_state_from_name(const char *name);
int rcpt_override_from_name(const char *name);
int dsn_action_from_name(const char *name);
/* Any other registered or unknown type is FEEDBACK_OTHER (RFC 5965 3.1:
 * a receiver may use types we do not know). */
enum feedback feedback_from_name(const char *name);
int authenticity_from_name(const char *name);
int resend_kind_from_name(const char *name);
int resend_state_from_name(const char *name);
int resend_outcome_from_name(const char *name);

/* For the log line: "suppressed", "soft 2/5", ... (static or buf). */
const char *lifecycle_effect_text(const struct lc_conf *c,
    const struct recipient *r, const struct lc_result *res, char *buf,
    size_t len);

#endif
