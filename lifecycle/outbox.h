/*
 * The outbox (issue 15 item 3): which change of state is an event for
 * the applications, and what a failed delivery of one does next. Pure:
 * no I/O, the clock and the random numbers passed in (lifecycle.h).
 * storage/ writes the events (store_event_add()), daemon/outbound/
 * delivers them (events.h); docs/INTEGRATION.md, "Events".
 */
#ifndef BD_OUTBOX_H
#define BD_OUTBOX_H

#include <stdbool.h>
#include <stdint.h>

#include "lifecycle/lifecycle.h"

/* What an event reports; stored as events.kind. */
enum outbox_kind {
	OUTBOX_NONE,	       /* no event */
	OUTBOX_SUPPRESSED,     /* "suppressed": a hard failure or a person */
	OUTBOX_UNSUPPRESSED,   /* "unsuppressed": a person, or a not-spam
				* report that lifted a complaint */
	OUTBOX_COMPLAINT,      /* "complaint": a believed complaint (ARF) */
	OUTBOX_SOFT_LIMIT,     /* "soft_limit": suppressed at the soft limit */
	OUTBOX_RESEND_SENT,    /* "resend_sent": a resend went out */
	OUTBOX_RESEND_GAVE_UP, /* "resend_gave_up": a resend was given up */
	OUTBOX_COUNT
};

/* Who made the change; stored as events.source. */
enum outbox_source {
	OUTBOX_FROM_BOUNCE, /* "bounce": a bounce or complaint the daemon read */
	OUTBOX_FROM_PERSON, /* "person": bouncectl suppress / unsuppress */
	OUTBOX_FROM_RESEND, /* "resend": the resend worker */
	OUTBOX_SOURCE_COUNT
};

/*
 * The event a bounce's effect on its recipient is, if any: before is the
 * row's state before the bounce (STATE_ACTIVE for a new row), res what
 * lifecycle_recipient() did. A complaint is one whatever it changed
 * (the application wants to know of every one); a suppression only when
 * the address was not suppressed before, as a soft_limit when soft
 * bounces reached policy.soft_bounce_limit; a not-spam report that
 * lifted a complaint is an unsuppression.
 */
enum outbox_kind outbox_bounce_kind(enum rcpt_state before,
    const struct lc_result *res);

/* A person's decision: suppressed or unsuppressed when it changed the
 * state (before -> after), else OUTBOX_NONE. */
enum outbox_kind outbox_override_kind(enum rcpt_state before,
    enum rcpt_override o);

/* A resend that moved from `before` to `after` by outcome o:
 * resend_sent (a copy went out), resend_gave_up or OUTBOX_NONE. */
enum outbox_kind outbox_resend_kind(enum resend_state before,
    enum resend_outcome o, enum resend_state after);

/* Delivery to one sink (events.exec, events.webhook). */
enum outbox_state {
	OUTBOX_PENDING,	  /* "pending": not yet confirmed */
	OUTBOX_DELIVERED, /* "delivered": the sink confirmed it */
	OUTBOX_DEAD,	  /* "dead": given up (events.max_attempts, max_age) */
	OUTBOX_SKIPPED,	  /* "skipped": the format has nothing to say
			   * (listmonk knows no unsuppression) */
	OUTBOX_STATE_COUNT
};

struct outbox_retry {
	unsigned max_attempts; /* events.max_attempts: dead after that many */
	unsigned max_age;      /* events.max_age, s: dead when older */
	unsigned base;	       /* first delay, s */
	unsigned cap;	       /* largest delay, s */
};

/*
 * After a failed attempt: attempts is the number made, this one
 * included; created the event's time. Returns OUTBOX_DEAD when the
 * limits are reached, else OUTBOX_PENDING and *next_r: now + a delay
 * that doubles per attempt from base up to cap ("exponential backoff"),
 * of which rnd chooses a random part ("full jitter" over the upper half,
 * so that delays never shrink to nothing and the retries of one outage
 * spread out: https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/).
 */
enum outbox_state outbox_after_failure(const struct outbox_retry *r,
    unsigned attempts, int64_t created, int64_t now, uint32_t rnd,
    int64_t *next_r);
/* The delay before attempt attempts + 1, s: half fixed, half random. */
unsigned outbox_delay(const struct outbox_retry *r, unsigned attempts,
    uint32_t rnd);

const char *outbox_kind_name(enum outbox_kind k);   /* NULL for NONE */
const char *outbox_source_name(enum outbox_source s);
const char *outbox_state_name(enum outbox_state s);
/* -1 when unknown */
int outbox_kind_from_name(const char *name);
int outbox_state_from_name(const char *name);

#endif
