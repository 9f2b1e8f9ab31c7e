/*
 * What a sink receives for an event (docs/INTEGRATION.md, "Events" and
 * "listmonk"). Pure: the event in, text out; the clock is the event's
 * own time. Every string comes from the database, and most of them from
 * a bounce anyone could have sent: common/json.h escapes them, nothing
 * else is done to them, and the receiver must treat them as data.
 */
#ifndef BD_EVENT_PAYLOAD_H
#define BD_EVENT_PAYLOAD_H

#include <stdio.h>

#include "storage/store.h"

/* The version of the generic object ("version"): a field added keeps
 * it, a field removed or changed in meaning moves it. */
#define EVENT_PAYLOAD_VERSION 1

/* The generic JSON object of e, on one line, without a line end. */
void event_json_generic(FILE *out, const struct store_event *e);

/*
 * listmonk's bounce webhook body (POST /webhooks/bounce,
 * https://listmonk.app/docs/bounces/ "Webhook API": email, source, type
 * hard|soft|complaint, meta an escaped JSON string): 1 when written, 0
 * when listmonk has no use for the event (unsuppressed, resend_sent,
 * resend_gave_up: it records bounces only), nothing written.
 */
int event_json_listmonk(FILE *out, const struct store_event *e);

/* e->at as 2006-01-02T15:04:05Z into buf (21 bytes at least). */
void event_time_text(const struct store_event *e, char *buf, size_t len);

#endif
