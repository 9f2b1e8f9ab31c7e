/*
 * mkdb DB [recent]: writes the database test_bouncectl.sh queries, through
 * store.h only, with fixed times so that its outputs compare exactly.
 * "recent" adds erin@example.com, bounced an hour before now, for the
 * duration forms of --since.
 *
 *   alice@example.com  suppressed  userunknown 5.1.1  2026-11-01 10:00
 *   bob@example.org    soft        mailboxfull 4.2.2  2026-11-02, 11-03
 *   carol@example.com  active      expired     4.4.7  2026-10-20 12:00
 *   dave@example.net   suppressed  hostunknown 5.1.2  2026-10-15 08:00
 *
 * and four resends (schema v3), oldest first:
 *
 *   1 carol  <original@example.com>     deferred  one attempt, 451
 *   2 alice  <original@example.com>     pending   kind confirm
 *   3 bob    <newsletter-7@example.com> sent      one attempt, 250
 *   4 bob    <original@example.com>     pending
 *
 * The names are the enums' (lifecycle.h, reason.h), so the text in the
 * tables is what it was when store.h took strings; the columns schema v5
 * added (messages/bounces authenticity, bounces.effect, resends.sent)
 * stay NULL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "classify/reason.h"
#include "lifecycle/lifecycle.h"
#include "storage/store.h"

#define T_OCT15 1792051200 /* 2026-10-15T08:00:00Z */
#define T_OCT20 1792497600 /* 2026-10-20T12:00:00Z */
#define T_NOV01 1793527200 /* 2026-11-01T10:00:00Z */
#define T_NOV02 1793610000 /* 2026-11-02T09:00:00Z */
#define T_NOV03 1793698200 /* 2026-11-03T09:30:00Z */

struct fixture {
	const char *rcpt;
	enum reason reason;
	const char *status;
	enum bounce_class cls;
	const char *diagnostic;
	int reply_code;
	int hard;
	int64_t at;
};

static const struct fixture bounces[] = {
    {"dave@example.net", REASON_HOSTUNKNOWN, "5.1.2", CLASS_PERMANENT,
	"550 5.1.2 <dave@example.net>: Host or domain name not found. "
	"Name service error for name=example.net type=MX: Host not found",
	550, 1, T_OCT15},
    {"carol@example.com", REASON_EXPIRED, "4.4.7", CLASS_TRANSIENT,
	"Delivery time expired, gave up after 5 days", 0, 0, T_OCT20},
    {"alice@example.com", REASON_USERUNKNOWN, "5.1.1", CLASS_PERMANENT,
	"550 5.1.1 <alice@example.com>: Recipient address rejected: "
	"\"no such user\", sorry",
	550, 1, T_NOV01},
    {"bob@example.org", REASON_MAILBOXFULL, "4.2.2", CLASS_TRANSIENT,
	"452 4.2.2 Mailbox full", 452, 0, T_NOV02},
    {"bob@example.org", REASON_MAILBOXFULL, "4.2.2", CLASS_TRANSIENT,
	"452 4.2.2 Mailbox full\r\n\tquota exceeded", 452, 0, T_NOV03},
};

static int
add_bounce(struct store *st, const struct fixture *f, unsigned n)
{
	struct store_message m = {0};
	struct store_bounce b = {0};
	char sha[65], ref[32], mid[64];
	int64_t msg, id;

	snprintf(sha, sizeof(sha), "%064x", n + 1);
	snprintf(ref, sizeof(ref), "%u.M%u.test", (unsigned)f->at, n);
	snprintf(mid, sizeof(mid), "<bounce-%u@mx.example.net>", n);
	m.sha256 = sha;
	m.source_ref = ref;
	m.message_id = mid;
	m.outcome = STORE_BOUNCE;
	m.received_at = f->at;
	m.processed_at = f->at + 1;
	m.authenticity = AUTH_COUNT; /* NULL: no signed return path read */
	b.recipient = f->rcpt;
	b.action = ACTION_FAILED;
	b.status = f->status;
	b.reply_code = f->reply_code;
	b.reason = f->reason;
	b.hard = f->hard != 0;
	b.cls = f->cls;
	b.diagnostic = f->diagnostic;
	b.remote_mta = "mx.example.net";
	b.original_message_id = "<original@example.com>";
	b.rule = reason_name(f->reason);
	b.family = "rfc3464";
	b.feedback = FEEDBACK_NONE;
	b.authenticity = AUTH_COUNT; /* NULL, as in the rows before v5 */
	b.effect = EFFECT_COUNT;     /* NULL: no lifecycle decided it */
	b.at = f->at;
	if (store_message_add(st, &m, &msg) < 0)
		return -1;
	return store_bounce_add(st, msg, &b, &id);
}

static int
put(struct store *st, const char *addr, enum rcpt_state state,
    enum reason reason, const char *status, int64_t count, int64_t soft,
    int64_t first, int64_t last)
{
	struct recipient r;

	memset(&r, 0, sizeof(r));
	snprintf(r.address, sizeof(r.address), "%s", addr);
	snprintf(r.domain, sizeof(r.domain), "%s", strrchr(addr, '@') + 1);
	r.state = state;
	r.reason = reason;
	snprintf(r.status, sizeof(r.status), "%s", status);
	r.bounce_count = count;
	r.soft_count = soft;
	r.soft_since = soft > 0 ? first : 0;
	r.first_bounce_at = first;
	r.last_bounce_at = last;
	r.suppressed_at = state == STATE_SUPPRESSED ? last : 0;
	r.override = OVERRIDE_NONE;
	return store_recipient_put(st, &r);
}

/* The id of the message mkdb's bounces[n] came in. */
static int
message_of(struct store *st, unsigned n, int64_t *id_r)
{
	char sha[65];

	snprintf(sha, sizeof(sha), "%064x", n + 1);
	return store_message_find(st, sha, id_r) == 1 ? 0 : -1;
}

static int
resend(struct store *st, const char *rcpt, const char *orig, unsigned n,
    enum reason reason, enum resend_kind kind)
{
	struct store_resend_new r = {0};
	int64_t id;

	if (message_of(st, n, &r.message) < 0)
		return -1;
	r.recipient = rcpt;
	r.original_message_id = orig;
	r.reason = reason;
	r.kind = kind;
	r.sent = 0; /* no sent record: resend.spool at send time */
	r.now = bounces[n].at + 1;
	r.next_at = r.now + 3600;
	return store_resend_add(st, &r, &id) == 1 ? 0 : -1;
}

/* An attempt's row, the resend moved as the daemon moves it
 * (lifecycle_resend_state()). */
static int
attempt(struct store *st, int64_t id, enum resend_outcome outcome, int64_t at,
    int code, const char *reply, const char *rid)
{
	struct store_resend_attempt a = {0};
	struct store_resend cur;
	int other;

	if (store_resend_get(st, id, &cur) != 1 ||
	    (other = store_resend_other_waiting(st, id)) < 0)
		return -1;
	a.resend = id;
	a.at = at;
	a.outcome = outcome;
	a.state = lifecycle_resend_state(cur.state, outcome, other == 1,
	    &a.requeue);
	a.reply_code = code;
	a.reply = reply;
	a.resent_message_id = rid;
	a.next_at = at + 7200;
	a.counts = true;
	return store_resend_record(st, &a);
}

static int
fill_resends(struct store *st)
{
	if (resend(st, "carol@example.com", "<original@example.com>", 1,
		REASON_EXPIRED, KIND_TRANSIENT) < 0 ||
	    resend(st, "alice@example.com", "<original@example.com>", 2,
		REASON_USERUNKNOWN, KIND_CONFIRM) < 0 ||
	    resend(st, "bob@example.org", "<newsletter-7@example.com>", 3,
		REASON_MAILBOXFULL, KIND_TRANSIENT) < 0 ||
	    resend(st, "bob@example.org", "<original@example.com>", 4,
		REASON_MAILBOXFULL, KIND_TRANSIENT) < 0)
		return -1;
	if (attempt(st, 1, OUTCOME_DEFERRED, T_OCT20 + 3601, 451,
		"451 4.7.1 Try again later", NULL) < 0)
		return -1;
	return attempt(st, 3, OUTCOME_SENT, T_NOV02 + 3601, 250,
	    "250 2.0.0 Ok: queued as 4XyZ", "<resend-3@bounced.example>");
}

static int
fill(struct store *st, int recent)
{
	static const struct fixture erin = {"erin@example.com",
	    REASON_BLOCKED, "4.7.1", CLASS_TRANSIENT,
	    "451 4.7.1 Try again later", 451, 0, 0};
	struct fixture f = erin;
	unsigned i;

	for (i = 0; i < sizeof(bounces) / sizeof(bounces[0]); i++)
		if (add_bounce(st, &bounces[i], i) < 0)
			return -1;
	if (put(st, "alice@example.com", STATE_SUPPRESSED, REASON_USERUNKNOWN,
		"5.1.1", 1, 0, T_NOV01, T_NOV01) < 0 ||
	    put(st, "bob@example.org", STATE_SOFT, REASON_MAILBOXFULL,
		"4.2.2", 2, 2, T_NOV02, T_NOV03) < 0 ||
	    put(st, "carol@example.com", STATE_ACTIVE, REASON_EXPIRED,
		"4.4.7", 1, 0, T_OCT20, T_OCT20) < 0 ||
	    put(st, "dave@example.net", STATE_SUPPRESSED, REASON_HOSTUNKNOWN,
		"5.1.2", 1, 0, T_OCT15, T_OCT15) < 0 ||
	    fill_resends(st) < 0)
		return -1;
	if (!recent)
		return 0;
	f.at = (int64_t)time(NULL) - 3600;
	if (add_bounce(st, &f, i) < 0)
		return -1;
	return put(
	    st, f.rcpt, STATE_SOFT, f.reason, f.status, 1, 1, f.at, f.at);
}

int
main(int argc, char **argv)
{
	struct store *st = NULL;
	char *err = NULL;

	if (argc < 2 || argc > 3 || (argc == 3 && strcmp(argv[2], "recent"))) {
		fputs("usage: mkdb DB [recent]\n", stderr);
		return 2;
	}
	if (store_open(argv[1], STORE_RDWR, &st, &err) < 0) {
		fprintf(stderr, "mkdb: %s: %s\n", argv[1], err);
		free(err);
		return 1;
	}
	if (store_begin(st) < 0 || fill(st, argc == 3) < 0 ||
	    store_commit(st) < 0) {
		fprintf(stderr, "mkdb: %s: %s\n", argv[1], store_error(st));
		store_close(&st);
		return 1;
	}
	store_close(&st);
	return 0;
}
