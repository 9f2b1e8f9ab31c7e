/*
 * Which of a bounce's addresses is our signed return path. A DSN goes to
 * the original's envelope sender (RFC 3464 2, RFC 5321 4.5.5), which the
 * delivering MTA records in Delivered-To (RFC 9228; Postfix local(8),
 * Dovecot LDA, Exim's envelope_to_add) or X-Original-To (Postfix
 * local(8) and virtual(8)); many MTAs also put it in the To of the
 * bounce. An ARF report names the complained-about message's envelope
 * sender in Original-Mail-From (RFC 5965 3.2).
 */
#include "report_verp.h"

#include <string.h>

#include "common/strutil.h"
#include "mail/message.h"

/* VALID beats EXPIRED beats FORGED beats NONE: the enum's order */
static void
consider(const struct verp *v, const char *s, size_t len, int64_t now,
    const char *field, struct report_verp *out)
{
	char rcpt[VERP_ADDR_MAX + 1];
	enum verp_result r;
	unsigned age = 0;

	r = verp_check(v, s, len, now, rcpt, &age);
	if (r >= out->result)
		return;
	out->result = r;
	out->field = field;
	out->age = r <= VERP_EXPIRED ? age : 0;
	if (r <= VERP_EXPIRED) {
		memcpy(out->rcpt, rcpt, strlen(rcpt) + 1);
		/* verp_check() read at most VERP_PATH_MAX of it */
		if (len > VERP_PATH_MAX)
			len = VERP_PATH_MAX;
		memcpy(out->path, s, len);
		out->path[len] = '\0';
	} else {
		out->rcpt[0] = '\0';
		out->path[0] = '\0';
	}
}

struct each {
	const struct verp *v;
	int64_t now;
	const char *field;
	struct report_verp *out;
};

static void
consider_one(void *ctx, const char *addr)
{
	struct each *e = ctx;

	if (e->out->result != VERP_VALID)
		consider(e->v, addr, strlen(addr), e->now, e->field, e->out);
}

/* The addresses of one field's list (mail_address_list()), a bounded
 * number of them across the fields of a name */
static void
consider_list(const struct verp *v, const char *s, size_t len, int64_t now,
    const char *field, struct report_verp *out, unsigned *tries)
{
	struct each e = { v, now, field, out };

	*tries += (unsigned)mail_address_list(s, len,
	    REPORT_VERP_MAX_TRIES - *tries, consider_one, &e);
}

/* Every field called name in hdr[0..len), each a list of addresses */
static void
consider_fields(const struct verp *v, const char *hdr, size_t len,
    const char *name, int64_t now, struct report_verp *out)
{
	const char *end = hdr + len, *val;
	unsigned tries = 0;
	size_t vl;

	while (hdr < end && tries < REPORT_VERP_MAX_TRIES &&
	       out->result != VERP_VALID &&
	       (val = mail_header_find(hdr, (size_t)(end - hdr), name, &vl)) !=
		   NULL) {
		consider_list(v, val, vl, now, name, out, &tries);
		/* past the field's line end */
		hdr = val + vl < end ? val + vl + 1 : end;
	}
}

/* The message/feedback-report part of an ARF report (RFC 5965 2) */
static void
consider_arf(const struct report *rep, const struct verp *v, int64_t now,
    struct report_verp *out)
{
	const struct mail_part *p;
	size_t i;

	for (i = 0; i < rep->msg.nparts && out->result != VERP_VALID; i++) {
		p = &rep->msg.parts[i];
		if (p->type == NULL ||
		    strcmp(p->type, "message/feedback-report") != 0)
			continue;
		consider_fields(v, p->body, p->body_len, "Original-Mail-From",
		    now, out);
	}
}

void
report_verp(const struct report *rep, const struct verp *v, int64_t now,
    struct report_verp *out)
{
	static const char *const fields[] = {
	    "Delivered-To", "X-Original-To", "To"};
	size_t i;

	memset(out, 0, sizeof(*out));
	out->result = VERP_NONE;
	for (i = 0; i < 3 && out->result != VERP_VALID; i++)
		if (rep->msg.hdr != NULL)
			consider_fields(v, rep->msg.hdr, rep->msg.hdr_len,
			    fields[i], now, out);
	if (out->result != VERP_VALID)
		consider_arf(rep, v, now, out);
}
