/*
 * "May I send to X?" -- the send-time rule (issue 15 items 1 and 2), in
 * one place for bouncectl check, bouncectl export --postfix and the
 * daemon's lookup responders (daemon/lookup/). Pure: the row is read by
 * store_recipient_standing() and passed in.
 */
#ifndef BD_LIFECYCLE_SEND_H
#define BD_LIFECYCLE_SEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lifecycle/lifecycle.h"

/* A person's reason as the verdict may name it (SEND_REASON_MAX bytes) */
#define SEND_REASON_MAX 64

/* What the rule reads of a recipients row (docs/schema.md). */
struct rcpt_standing {
	bool exists; /* false: no row, the address never bounced */
	enum rcpt_state state;
	enum reason reason; /* of the last bounce that counted */
	enum rcpt_override override;
	int64_t suppressed_at, override_at; /* 0: never */
	/* with override suppressed: whether a person's suppression is what
	 * made it suppressed (the overrides log has a suppression at
	 * suppressed_at), rather than a bounce before it */
	bool person_first;
	/* with override suppressed: the reason the person gave with the
	 * latest suppression (overrides.reason, free text), "" for none;
	 * cut at SEND_REASON_MAX bytes */
	char person_reason[SEND_REASON_MAX + 1];
	/* its keyed hash is in forgotten (bouncectl forget, issue 15 item
	 * 6): no row names it any more, and it stays suppressed */
	bool forgotten;
	int64_t forgotten_at; /* when it was forgotten */
};

enum send_verdict {
	SEND_OK,         /* "ok": may be mailed */
	SEND_SUPPRESSED, /* "suppressed": must not be mailed */
};

/* Why, for the suppressed: a bounce's reason or a person's decision. */
enum send_cause {
	CAUSE_NONE,   /* SEND_OK */
	CAUSE_BOUNCE, /* the reason of the bounce that suppressed it */
	CAUSE_PERSON, /* "manual": bouncectl suppress on an address that
		       * was not suppressed before */
	CAUSE_FORGOTTEN, /* "forgotten": bouncectl forget erased it */
};

struct send_decision {
	enum send_verdict verdict;
	enum send_cause cause;
	enum reason reason; /* CAUSE_BOUNCE; REASON_UNDEFINED when the row
			     * kept none */
	int64_t since;      /* suppressed since (Unix s), 0: unknown */
	/* CAUSE_PERSON: the person's reason when it is fit to be shown in
	 * a protocol line (printable ASCII only), else "" */
	char person_reason[SEND_REASON_MAX + 1];
};

/*
 * The rule: an address may be mailed unless it was forgotten (whatever
 * row may have been made for it since) or its state is suppressed --
 * a soft address is still mailed (lifecycle.h table 2: it is stopped at
 * the soft limit), and a person's unsuppression has already made the
 * state active. A suppressed address names its cause: a person when a
 * person's suppression made it suppressed (person_first; a person who
 * suppresses an address already suppressed by a bounce keeps
 * suppressed_at, store.h), else the bounce's reason.
 */
void lifecycle_send(const struct rcpt_standing *s, struct send_decision *d);

/* "ok", "suppressed" */
const char *send_verdict_name(enum send_verdict v);
/* The cause as text: the reason name; for a person's suppression the
 * reason they gave (bouncectl suppress --reason), else "manual";
 * "forgotten" for an address bouncectl forget erased;
 * "unknown" for a bounce whose reason was not kept; NULL for SEND_OK.
 * Borrowed from d or static. */
const char *send_cause_text(const struct send_decision *d);

/* The day of t as "YYYY-MM-DD" (UTC), into buf of at least 11 bytes;
 * "unknown" for 0 (pure: no time.h, STYLE.md 2). */
void send_day(int64_t t, char *buf, size_t size);

/*
 * The access(5) action that refuses a suppressed address, also a policy
 * delegation action (SMTPD_POLICY_README: the same actions as access(5)):
 * "REJECT 5.7.1 Recipient suppressed by bounced: REASON since DAY".
 * X.7.1 (RFC 3463 3.8: "delivery not authorized, message refused") -- a
 * local policy refuses, whatever the remote reason was; REJECT keeps
 * Postfix's access_map_reject_code (554 by default) so the operator
 * chooses the reply code. Only our own words -- reason names and digits,
 * nothing a bounce said -- or a person's reason of printable ASCII.
 * Truncated to size (buf of SEND_ACTION_MAX bytes always suffices).
 * Returns buf.
 */
#define SEND_ACTION_MAX (80 + SEND_REASON_MAX)
char *send_reject_action(const struct send_decision *d, char *buf, size_t size);

#endif
