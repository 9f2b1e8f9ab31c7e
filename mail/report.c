/*
 * From bytes to a report: which kind of message this is, and what it says
 * per recipient. Order matters: a machine-readable report (RFC 3464, RFC
 * 5965) wins over prose; an auto-reply is only believed when nothing says
 * the message is a delivery report.
 */
#include "report.h"
#include "rfc5322_date.h"

#include <stdlib.h>
#include <string.h>

#include "common/strutil.h"
#include "gateway.h"
#include "legacy.h"
#include "mail_limits.h"
#include "rfc3464.h"
#include "rfc3834.h"
#include "rfc5965.h"

struct report_rcpt *
report_add_rcpt(struct report *rep)
{
	if (rep->nrcpt >= MAIL_MAX_RCPTS) {
		rep->mail_flags |= MAIL_F_TOO_MANY_RCPTS;
		rep->rcpt_dropped++;
		return NULL;
	}
	if (rep->nrcpt == rep->rcpt_cap) {
		size_t ncap = rep->rcpt_cap ? rep->rcpt_cap * 2 : 4;
		struct report_rcpt *n = arena_alloc(&rep->arena,
		    ncap * sizeof(*n));

		if (rep->nrcpt > 0)
			memcpy(n, rep->rcpt, rep->nrcpt * sizeof(*n));
		rep->rcpt = n;
		rep->rcpt_cap = ncap;
	}
	memset(&rep->rcpt[rep->nrcpt], 0, sizeof(rep->rcpt[0]));
	return &rep->rcpt[rep->nrcpt++];
}

const char *
report_address(struct arena *a, const char *s, size_t len)
{
	const char *as;
	size_t alen;
	char *v;

	if (!find_address(s, len, &as, &alen))
		return NULL;
	v = arena_strndup(a, as, alen);
	return str_lower(v);
}


void
report_rcpt_finish(struct report *rep, struct report_rcpt *r)
{
	(void)rep;
	if (r->diagnostic != NULL) {
		size_t len = strlen(r->diagnostic);
		char code[16];

		/* RFC 3463 x.0.0 says nothing: a specific code in the text
		 * of the same class is better evidence */
		if (find_status_code(r->diagnostic, len, code) != NULL &&
		    (r->status[0] == '\0' ||
			(strcmp(r->status + 1, ".0.0") == 0 &&
			    code[0] == r->status[0])))
			memcpy(r->status, code, sizeof(code));
		if (r->reply_code == 0)
			r->reply_code = find_reply_code(r->diagnostic, len);
		if (r->stage == STAGE_UNKNOWN)
			r->stage = report_text_stage(
			    NULL, r->diagnostic, len, &r->stage_by);
	}
}

static const struct mail_part *
find_part(const struct mail_message *msg, const char *type, bool outer)
{
	size_t i;

	for (i = 0; i < msg->nparts; i++) {
		const struct mail_part *p = &msg->parts[i];

		if (outer && p->in_message > 0)
			continue;
		if (strcmp(p->type, type) == 0)
			return p;
	}
	return NULL;
}

/* The human-readable text: first outer text/plain, else the first text. */
static const char *
find_text(struct report *rep, size_t *len_r)
{
	const struct mail_message *msg = &rep->msg;
	const struct mail_part *p = find_part(msg, "text/plain", true);
	size_t i;

	if (p == NULL) {
		for (i = 0; i < msg->nparts && p == NULL; i++) {
			if (msg->parts[i].in_message == 0 &&
			    strncmp(msg->parts[i].type, "text/", 5) == 0 &&
			    strcmp(msg->parts[i].type, "text/rfc822-headers") != 0)
				p = &msg->parts[i];
		}
	}
	/* a multipart whose boundary parameter was lost (folded without
	 * white space) is a leaf: its raw body still holds the text */
	for (i = 0; i < msg->nparts && p == NULL; i++) {
		if (msg->parts[i].in_message == 0 &&
		    strncmp(msg->parts[i].type, "multipart/", 10) == 0)
			p = &msg->parts[i];
	}
	if (p == NULL) {
		*len_r = 0;
		return "";
	}
	return mail_part_text(&rep->msg, p, len_r);
}

/* Decoded once per message: every reader of the prose shares it. */
static const char *
first_text(struct report *rep, size_t *len_r)
{
	if (rep->text == NULL) {
		rep->text = find_text(rep, &rep->text_len);
		marks_scan_init(&rep->text_scan, &rep->arena, rep->text,
		    rep->text_len);
	}
	*len_r = rep->text_len;
	return rep->text;
}

/* Fields named name at the start of a line of h[0..hl): a count. */
static unsigned
count_fields(const char *h, size_t hl, const char *name)
{
	size_t nl = strlen(name);
	const char *p = h, *end = h + hl;
	unsigned n = 0;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));

		if ((size_t)(end - p) > nl && ci_starts(p, (size_t)(end - p), name) &&
		    p[nl] == ':')
			n++;
		if (eol == NULL)
			break;
		p = eol + 1;
	}
	return n;
}

/* The returned original's fields, from its header block h[0..hl). */
static void
original_fields(struct report *rep, const char *h, size_t hl)
{
	struct report_original *o = &rep->original;

	o->hdr = h;
	o->hdr_len = hl;
	mail_header_index_build(&o->index, &rep->arena, h, hl);
	o->received = count_fields(h, hl, "Received");
	o->message_id = mail_header_index_raw(&rep->arena, &o->index,
	    "Message-ID");
	o->resent_message_id = mail_header_index_raw(&rep->arena, &o->index,
	    "Resent-Message-ID");
	o->from = mail_header_index_decoded(&rep->arena, &o->index, "From");
	o->to = mail_header_index_decoded(&rep->arena, &o->index, "To");
	o->subject = mail_header_index_decoded(&rep->arena, &o->index,
	    "Subject");
}

/*
 * Free-text bounces (qmail, Exim, Sendmail) return the original inline,
 * after a marker line; its header block gives the original Message-ID.
 * A candidate without one is no original (the caller tries the next).
 */
static void
original_headers(struct report *rep, const char *h, size_t hl)
{
	size_t vl;

	hl = mail_header_block_len(h, hl);
	if (mail_header_find(h, hl, "Message-ID", &vl) != NULL)
		original_fields(rep, h, hl);
}

/*
 * Where the MIME walk found no returned message: one inline after a
 * marker line (qmail, Exim, Sendmail), or a message/rfc822 part that
 * libetpan could not reach because the boundary does not match its
 * parameter. The raw body is searched for the part's header, and the
 * message starts after that header block.
 */
static void
read_inline_original(struct report *rep)
{
	static const char *const types[] = { "content-type: message/rfc822",
		"content-type: text/rfc822-headers", NULL };
	const struct mail_message *msg = &rep->msg;
	const char *text, *h, *body = msg->hdr + msg->hdr_len, *end;
	const char *const *t;
	size_t len, hl;

	text = first_text(rep, &len);
	if ((h = legacy_inline_original(&rep->text_scan, text, len, &hl)) !=
	    NULL)
		original_headers(rep, h, hl);
	end = msg->buf + msg->len;
	for (t = types; rep->original.message_id == NULL && *t != NULL; t++) {
		if ((h = ci_find(body, (size_t)(end - body), *t)) == NULL)
			continue;
		h += mail_header_block_len(h, (size_t)(end - h));
		while (h < end && *h == '\n')
			h++;
		if (h < end)
			original_headers(rep, h, (size_t)(end - h));
	}
}

/* Start of the line in s[0..len) that begins with name, or NULL. */
static const char *
line_starting(const char *s, size_t len, const char *name)
{
	const char *p = s, *e = s + len;

	while (p < e) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));

		if (ci_starts(p, (size_t)(e - p), name))
			return p;
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return NULL;
}

/*
 * RFC 3464 fields pasted into the text instead of a message/delivery-status
 * part: old gateways (PMDF, Sendmail without MIME), mangled boundaries,
 * mbox copies. Read from the report's first field on.
 */
static size_t
dsn_in_text(struct report *rep, const char *text, size_t len)
{
	const char *fr = line_starting(text, len, "Final-Recipient:");
	const char *b;

	/* one field name is no report: a recipient group has more */
	if (fr == NULL || (line_starting(text, len, "Action:") == NULL &&
			      line_starting(text, len, "Status:") == NULL))
		return 0;
	b = line_starting(text, (size_t)(fr - text), "Reporting-MTA:");
	if (b == NULL) {
		/* the recipient group starts after the last blank line */
		b = fr;
		while (b > text && !(b[-1] == '\n' && b - 1 > text &&
					b[-2] == '\n'))
			b--;
	}
	return dsn_parse(rep, b, len - (size_t)(b - text));
}

static void
read_original(struct report *rep)
{
	struct mail_message *msg = &rep->msg;
	const struct mail_part *p;
	const char *h;
	size_t hl;

	if (msg->noriginals == 0)
		return;
	p = msg->originals[0];
	rep->original.part = p;
	rep->original.headers_only =
	    strcmp(p->type, "text/rfc822-headers") == 0;
	if (rep->original.headers_only) {
		h = mail_part_text(msg, p, &hl);
	} else {
		h = p->hdr;
		hl = p->hdr_len;
	}
	if (h == NULL || hl == 0)
		return;
	original_fields(rep, h, hl);
}

static bool
is_dsn_part(const struct mail_part *p)
{
	/* RFC 6533 3.5: the internationalised form has the same fields */
	return strcmp(p->type, "message/delivery-status") == 0 ||
	    strcmp(p->type, "message/global-delivery-status") == 0 ||
	    strcmp(p->type, "text/delivery-status") == 0;
}

/*
 * A lone recipient group without an address gets the returned message's
 * recipient; with several such groups one address cannot tell them apart.
 */
static void
fill_missing_recipient(struct report *rep)
{
	struct report_rcpt *miss = NULL;
	const char *a, *from = NULL;
	size_t i;

	for (i = 0; i < rep->nrcpt; i++) {
		if (rep->rcpt[i].recipient != NULL)
			continue;
		if (miss != NULL)
			return;
		miss = &rep->rcpt[i];
	}
	if (miss == NULL || (a = report_original_rcpt(rep, &from)) == NULL)
		return;
	for (i = 0; i < rep->nrcpt; i++) {
		if (rep->rcpt[i].recipient != NULL &&
		    strcmp(rep->rcpt[i].recipient, a) == 0)
			return; /* that one is reported already */
	}
	miss->recipient = a;
	miss->recipient_from = from;
}

/* Recipients looked for in the prose: enough for a report's own, bounded
 * for a hostile one (each is a scan of the text). */
#define FOOTER_RCPTS 32

/*
 * Where the last recipient of rep is named in text[0..len), 0 if none:
 * what a footer cannot hold.
 */
static size_t
last_named(const struct report *rep, const char *text, size_t len)
{
	size_t i, end = 0;

	for (i = 0; i < rep->nrcpt && i < FOOTER_RCPTS; i++) {
		const char *a = rep->rcpt[i].recipient, *p = text, *m;
		size_t al;

		if (a == NULL || (al = strlen(a)) == 0)
			continue;
		while ((m = ci_find(p, len - (size_t)(p - text), a)) != NULL) {
			p = m + al;
			if ((size_t)(p - text) > end)
				end = (size_t)(p - text);
		}
	}
	return end;
}

/*
 * RFC 3676 4.3's signature separator ("-- ") and a rule of underscores
 * start what virus scanners (MailScanner) and gateways or list servers
 * (Mailman's footer) append to a text part: no one's diagnostic. The
 * length of text before the first such line that follows both some words
 * and the last mention of a recipient (a rule inside a notice is no
 * footer), or len.
 */
static size_t
before_footer(const struct report *rep, const char *text, size_t len)
{
	size_t pos = 0, ll, n, named = last_named(rep, text, len);
	const char *l;
	bool said_before = false;

	while (str_line(text, len, &pos, &l, &ll)) {
		for (n = 0; n < ll && l[n] == '_'; n++)
			;
		if (((n >= 10 && n == ll) || (ll == 2 && l[0] == '-' &&
						 l[1] == '-') ||
			(ll == 3 && memcmp(l, "-- ", 3) == 0)) &&
		    said_before && (size_t)(l - text) >= named)
			return (size_t)(l - text);
		for (n = 0; n < ll && !said_before; n++)
			said_before = !bd_isspace((unsigned char)l[n]);
	}
	return len;
}

/*
 * own: the report is the message's own and its only one, so the returned
 * message is the one it reports on (not so for a forwarded bounce, whose
 * "original" is the bounce, or for a digest of several).
 */
static void
dsn_found(struct report *rep, bool own)
{
	size_t tlen, i;
	const char *text;

	rep->kind = REPORT_DSN;
	rep->family = "rfc3464";
	if (own)
		fill_missing_recipient(rep);
	text = first_text(rep, &tlen);
	legacy_fill_diagnostics(rep, text, before_footer(rep, text, tlen));
	for (i = 0; i < rep->nrcpt; i++) {
		if (rep->rcpt[i].diagnostic == NULL)
			rep->rcpt[i].diagnostic = rep->rcpt[i].status_comment;
	}
}

/*
 * A delivery report without a per-recipient group: Postfix writes only
 * the per-message fields when its bounce log is gone
 * (bounce_notify_util.c, "--- Delivery report unavailable ---", and only
 * for a failure notice), and other MTAs do alike. The top-level
 * message/delivery-status part makes it a report; the returned message
 * names the recipient, or no one is reported.
 */
static void
groupless_dsn(struct report *rep)
{
	const struct mail_message *msg = &rep->msg;
	struct report_rcpt *r;
	const char *a, *from = NULL;
	size_t i, n = 0;

	for (i = 0; i < msg->nparts; i++) {
		if (msg->parts[i].in_message == 0 && is_dsn_part(&msg->parts[i]))
			n++;
	}
	/* one report, so the returned message is the one it is about */
	if (n != 1 || (a = report_original_rcpt(rep, &from)) == NULL ||
	    (r = report_add_rcpt(rep)) == NULL)
		return;
	r->recipient = a;
	r->recipient_from = from;
	dsn_found(rep, false);
}

/*
 * Every report part at that depth: a digest of several bounces (or
 * bounces saved one after the other) has one per bounce.
 */
static bool
parse_dsn(struct report *rep, int in_message)
{
	struct mail_message *msg = &rep->msg;
	size_t i, len, n = 0, nparts = 0;
	const char *s;

	for (i = 0; i < msg->nparts; i++) {
		if (msg->parts[i].in_message != in_message ||
		    !is_dsn_part(&msg->parts[i]))
			continue;
		s = mail_part_text(msg, &msg->parts[i], &len);
		n += dsn_parse(rep, s, len);
		nparts++;
		if (in_message > 0 && n > 0)
			break;
	}
	if (n == 0)
		return false;
	dsn_found(rep, in_message == 0 && nparts == 1);
	return true;
}

/*
 * The report's own parts come first; a report found only inside the
 * returned message is a bounce forwarded by a relay or a gateway that
 * wrapped it, and is believed only when the outer text names nobody.
 */
static void
parse_bounce(struct report *rep)
{
	struct mail_message *msg = &rep->msg;
	const char *text;
	size_t len;

	if (parse_dsn(rep, 0))
		return;
	text = first_text(rep, &len);
	if (dsn_in_text(rep, text, len) > 0) {
		dsn_found(rep, true);
		return;
	}
	if (legacy_parse(rep, msg, text, len) > 0)
		return;
	if (parse_dsn(rep, 1))
		return;
	/* MIME that libetpan could not follow (a boundary that does not
	 * match its parameter): the raw body is the last resort */
	text = msg->hdr + msg->hdr_len;
	len = msg->len - (size_t)(text - msg->buf);
	if (len > MAIL_MAX_TEXT)
		len = MAIL_MAX_TEXT;
	if (dsn_in_text(rep, text, len) > 0) {
		rep->kind = REPORT_DSN;
		rep->family = "rfc3464";
		legacy_fill_diagnostics(rep, text, len);
		return;
	}
	legacy_parse(rep, msg, text, len);
}

/*
 * An RFC 3464 Diagnostic-Code rarely says which command failed; the
 * report's prose often does (Postfix "(in reply to end of DATA command)",
 * a Sendmail transcript). Only for a lone recipient: with several, the
 * prose may be about another one.
 */
static void
text_command(struct report *rep)
{
	const char *text;
	size_t len;

	if (rep->nrcpt != 1 || rep->rcpt[0].stage != STAGE_UNKNOWN)
		return;
	text = first_text(rep, &len);
	rep->rcpt[0].stage = report_text_stage(
	    &rep->text_scan, text, len, &rep->rcpt[0].stage_by);
}

/*
 * OpenSMTPD gives up on a message in its queue with "Envelope expired"
 * and deletes it (smtpd/queue.c, IMSG_QUEUE_EXPIRE), but when the last
 * try was a 4yz the report says Action: delayed, Status 4.4.7, in its
 * delay template. RFC 3463 X.4.7 with those words is the end: failed.
 */
static void
expired_envelope(struct report_rcpt *r)
{
	if (r->action == NULL || strcmp(r->action, "delayed") != 0 ||
	    strcmp(r->status + 1, ".4.7") != 0 || r->diagnostic == NULL)
		return;
	if (ci_find(r->diagnostic, strlen(r->diagnostic), "envelope expired"))
		r->action = "failed";
}

static void
parse_report(struct report *rep)
{
	struct mail_message *msg = &rep->msg;
	const struct mail_part *p;
	const char *text;
	size_t len, i;

	rep->from = mail_header_index_decoded(&rep->arena, &rep->hdr_index, "From");
	rep->subject = mail_header_index_decoded(&rep->arena, &rep->hdr_index,
	    "Subject");
	rep->message_id = mail_header_index_raw(&rep->arena, &rep->hdr_index,
	    "Message-ID");
	if ((text = mail_header_index_decoded(&rep->arena, &rep->hdr_index,
	    "Date")) != NULL)
		rep->date = mail_parse_date(text);
	read_original(rep);

	if ((p = find_part(msg, "message/feedback-report", true)) != NULL) {
		const char *s = mail_part_text(msg, p, &len);

		if (arf_parse(rep, s, len) > 0) {
			rep->kind = REPORT_FEEDBACK;
			rep->family = "arf";
		}
		return;
	}
	parse_bounce(rep);
	if (rep->kind == REPORT_NONE && rep->nrcpt == 0)
		groupless_dsn(rep);
	if (rep->kind != REPORT_NONE && rep->original.message_id == NULL)
		read_inline_original(rep);
	if (rep->kind == REPORT_NONE && autoreply_detect(rep)) {
		struct report_rcpt *r = report_add_rcpt(rep);

		rep->kind = REPORT_AUTOREPLY;
		rep->family = "rfc3834";
		/* RFC 3834 3.1.5: the reply names what it answers */
		if (rep->original.message_id == NULL)
			rep->original.message_id = mail_header_index_raw(
			    &rep->arena, &rep->hdr_index, "In-Reply-To");
		if (rep->from != NULL)
			r->recipient = report_address(&rep->arena, rep->from,
			    strlen(rep->from));
		text = first_text(rep, &len);
		r->diagnostic = legacy_prose(&rep->arena, text, len);
		return;
	}
	for (i = 0; i < rep->nrcpt; i++) {
		report_rcpt_finish(rep, &rep->rcpt[i]);
		expired_envelope(&rep->rcpt[i]);
	}
	text_command(rep);
	for (i = 0; i < rep->nrcpt; i++) {
		struct report_rcpt *r2 = &rep->rcpt[i];

		/* only for an SMTP reply: a local delivery has no stage */
		if (r2->stage == STAGE_UNKNOWN && r2->reply_code != 0 &&
		    (r2->stage = report_status_stage(r2->status)) !=
			STAGE_UNKNOWN)
			r2->stage_by = STAGE_BY_STATUS;
	}
	if (rep->kind == REPORT_DSN || rep->kind == REPORT_LEGACY)
		rep->gateway = gateway_detect(rep);
}

int64_t
report_bounce_date(const struct report *rep, const struct report_rcpt *r)
{
	if (r != NULL && r->last_attempt != 0)
		return r->last_attempt;
	return rep->arrival != 0 ? rep->arrival : rep->date;
}

/* the report of a parsed message; raw: its bytes as received */
static void
report_finish(struct report *rep, const unsigned char *raw, size_t len)
{
	rep->mail_flags = rep->msg.flags;
	mail_header_index_build(&rep->hdr_index, &rep->arena, rep->msg.hdr,
	    rep->msg.hdr_len);
	parse_report(rep);
	rep->mail_flags |= rep->msg.flags; /* MAIL_F_TEXT_CUT, as it read */
	report_valid_addresses(rep, raw, len);
}

int
report_parse(const unsigned char *buf, size_t len, struct report **rep_r,
    const char **error_r)
{
	struct report *rep = calloc(1, sizeof(*rep));

	if (rep == NULL) {
		*error_r = "out of memory";
		return -1;
	}
	arena_init(&rep->arena);
	if (mail_parse(buf, len, &rep->arena, &rep->msg, error_r) < 0) {
		report_free(&rep);
		return -1;
	}
	report_finish(rep, buf, len);
	*rep_r = rep;
	return 0;
}

int
report_parse_owned(unsigned char *buf, size_t len, struct report **rep_r,
    const char **error_r)
{
	struct report *rep;
	int r;

	/* report_valid_addresses() reads where the NULs were: keep them */
	if (memchr(buf, '\0', len) != NULL) {
		r = report_parse(buf, len, rep_r, error_r);
		free(buf);
		return r;
	}
	if ((rep = calloc(1, sizeof(*rep))) == NULL) {
		free(buf);
		*error_r = "out of memory";
		return -1;
	}
	arena_init(&rep->arena);
	if (mail_parse_owned(buf, len, true, &rep->arena, &rep->msg,
		error_r) < 0) {
		report_free(&rep);
		return -1;
	}
	/* no NUL: the raw bytes are not read (report_valid.c) */
	report_finish(rep, NULL, 0);
	*rep_r = rep;
	return 0;
}

const char *
report_utf8(struct report *rep, const char *s)
{
	return s == NULL ? NULL : str_utf8_clean(arena_strdup(&rep->arena, s));
}

void
report_free(struct report **repp)
{
	struct report *rep = *repp;

	if (rep == NULL)
		return;
	mail_message_deinit(&rep->msg);
	arena_deinit(&rep->arena);
	free(rep);
	*repp = NULL;
}
