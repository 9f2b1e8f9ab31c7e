/* The events' payloads (event_payload.h). */
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/json.h"
#include "daemon/outbound/event_payload.h"

void
event_time_text(const struct store_event *e, char *buf, size_t len)
{
	time_t t = (time_t)e->at;
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, len, "1970-01-01T00:00:00Z");
}

/* "" is NULL in the table and null here */
static void
opt_string(FILE *out, bool *first, const char *key, const char *s)
{
	json_key(out, first, key);
	json_string(out, s != NULL && *s != '\0' ? s : NULL);
}

static void
opt_int(FILE *out, bool *first, const char *key, int64_t v)
{
	json_key(out, first, key);
	if (v == 0)
		fputs("null", out);
	else
		fprintf(out, "%" PRId64, v);
}

void
event_json_generic(FILE *out, const struct store_event *e)
{
	char when[32];
	bool first = true;

	event_time_text(e, when, sizeof(when));
	fputc('{', out);
	opt_string(out, &first, "id", e->uuid);
	opt_string(out, &first, "type", outbox_kind_name(e->kind));
	json_key(out, &first, "version");
	fprintf(out, "%d", EVENT_PAYLOAD_VERSION);
	opt_string(out, &first, "occurred_at", when);
	json_key(out, &first, "timestamp");
	fprintf(out, "%" PRId64, e->at);
	opt_string(out, &first, "address", e->address);
	opt_string(out, &first, "state", e->state);
	opt_string(out, &first, "source", outbox_source_name(e->source));
	opt_string(out, &first, "reason", e->reason);
	opt_string(out, &first, "status", e->status);
	opt_string(out, &first, "diagnostic", e->diagnostic);
	opt_string(out, &first, "note", e->note);
	opt_int(out, &first, "bounce_id", e->bounce);
	opt_string(out, &first, "message_id", e->message_id);
	opt_string(out, &first, "original_message_id", e->original_message_id);
	opt_int(out, &first, "resend_id", e->resend);
	fputc('}', out);
}

int
event_json_listmonk(FILE *out, const struct store_event *e)
{
	const char *type;
	char *meta = NULL;
	size_t len = 0;
	bool first = true;
	FILE *m;

	/* listmonk acts per type (Settings -> Bounces: e.g. blocklist
	 * after 1 hard bounce); bounced has already decided, so what it
	 * suppressed goes as hard, whatever the soft count */
	switch (e->kind) {
	case OUTBOX_SUPPRESSED:
	case OUTBOX_SOFT_LIMIT:
		type = "hard";
		break;
	case OUTBOX_COMPLAINT:
		type = "complaint";
		break;
	default:
		return 0;
	}
	/* meta is "an escaped JSON string": our generic object, as text */
	if ((m = open_memstream(&meta, &len)) == NULL)
		abort();
	event_json_generic(m, e);
	if (fclose(m) != 0)
		abort();
	fputc('{', out);
	opt_string(out, &first, "email", e->address);
	opt_string(out, &first, "source", "bounced");
	opt_string(out, &first, "type", type);
	opt_string(out, &first, "meta", meta);
	fputc('}', out);
	free(meta);
	return 1;
}
