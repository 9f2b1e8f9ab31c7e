/* The send-time rule (send.h): one function, its names and its text. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "send.h"

/*
 * Whether a person's free text may go into an SMTP reply, a policy
 * action line and a postmap(1) value: printable ASCII (RFC 5321 4.2:
 * a reply's text), no line end, not only spaces, NUL-terminated within
 * SEND_REASON_MAX. Anything else is shown as "manual".
 */
static bool
shown(const char *s)
{
	bool visible = false;
	size_t i;

	for (i = 0; i <= SEND_REASON_MAX && s[i] != '\0'; i++) {
		if (s[i] < 0x20 || s[i] > 0x7e)
			return false;
		if (s[i] != ' ')
			visible = true;
	}
	return i <= SEND_REASON_MAX && visible;
}

void
lifecycle_send(const struct rcpt_standing *s, struct send_decision *d)
{
	memset(d, 0, sizeof(*d));
	d->verdict = SEND_OK;
	d->cause = CAUSE_NONE;
	d->reason = REASON_UNDEFINED;
	/* erased on request: only its keyed hash is left, and what was
	 * known of it is gone -- it must not be mailed again (issue 15
	 * item 6; docs/SECURITY.md, "Forgetting an address") */
	if (s->forgotten) {
		d->verdict = SEND_SUPPRESSED;
		d->cause = CAUSE_FORGOTTEN;
		d->since = s->forgotten_at;
		return;
	}
	if (!s->exists || s->state != STATE_SUPPRESSED)
		return;
	d->verdict = SEND_SUPPRESSED;
	d->since = s->suppressed_at != 0 ? s->suppressed_at : s->override_at;
	/* a person's suppression sets suppressed_at unless the address was
	 * suppressed already (by a bounce first); none kept: the person */
	if (s->override == OVERRIDE_SUPPRESSED &&
	    (s->person_first || s->suppressed_at == 0)) {
		d->cause = CAUSE_PERSON;
		if (shown(s->person_reason))
			memcpy(d->person_reason, s->person_reason,
			    sizeof(d->person_reason));
		return;
	}
	d->cause = CAUSE_BOUNCE;
	d->reason = s->reason;
}

const char *
send_verdict_name(enum send_verdict v)
{
	return v == SEND_SUPPRESSED ? "suppressed" : "ok";
}

const char *
send_cause_text(const struct send_decision *d)
{
	const char *name;

	switch (d->cause) {
	case CAUSE_NONE:
		return NULL;
	case CAUSE_PERSON:
		return d->person_reason[0] != '\0' ? d->person_reason
						   : "manual";
	case CAUSE_FORGOTTEN:
		return "forgotten";
	case CAUSE_BOUNCE:
		break;
	}
	name = d->reason == REASON_UNDEFINED ? NULL : reason_name(d->reason);
	return name != NULL ? name : "unknown";
}

void
send_day(int64_t t, char *buf, size_t size)
{
	/* civil_from_days (H. Hinnant, "chrono-Compatible Low-Level Date
	 * Algorithms"), proleptic Gregorian */
	int64_t z, era, doe, yoe, y, doy, mp, d, m;

	/* 0: never; past 9999-12-31 is no date a row can hold */
	if (t <= 0 || t > 253402300799) {
		snprintf(buf, size, "unknown");
		return;
	}
	z = t / 86400 + 719468;
	era = z / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	snprintf(buf, size, "%04d-%02d-%02d", (int)(y + (m <= 2)) % 10000,
	    (int)m % 100, (int)d % 100);
}

char *
send_reject_action(const struct send_decision *d, char *buf, size_t size)
{
	char day[16];

	send_day(d->since, day, sizeof(day));
	snprintf(buf, size,
	    "REJECT 5.7.1 Recipient suppressed by bounced: %s since %s",
	    d->cause == CAUSE_NONE ? "unknown" : send_cause_text(d), day);
	return buf;
}
