/*
 * From bytes to a report: which kind of message this is, and what it says
 * per recipient. Order matters: a machine-readable report (RFC 3464, RFC
 * 5965) wins over prose; an auto-reply is only believed when nothing says
 * the message is a delivery report.
 */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "common/strutil.h"
#include "legacy.h"
#include "mail_limits.h"
#include "rfc3464.h"
#include "rfc3834.h"
#include "rfc5965.h"

struct report_rcpt *
report_add_rcpt(struct report *rep)
{
	if (rep->nrcpt >= MAIL_MAX_RCPTS)
		return NULL;
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

/* The SMTP command a diagnostic says failed (Postfix, Exim, qmail idioms) */
static const char *
failed_command(const char *d)
{
	static const struct {
		const char *text, *cmd;
	} cmds[] = {
		{ "in reply to rcpt to", "RCPT" },
		{ "after rcpt to", "RCPT" },
		{ "rcpt to response", "RCPT" },
		{ ">>> rcpt to", "RCPT" },
		{ "in reply to end of data", "DATA" },
		{ "after end of data", "DATA" },
		{ "in reply to data", "DATA" },
		{ "after data", "DATA" },
		{ ">>> data", "DATA" },
		{ "in reply to mail from", "MAIL" },
		{ "after mail from", "MAIL" },
		{ ">>> mail from", "MAIL" },
		{ "in reply to helo", "HELO" },
		{ "in reply to ehlo", "HELO" },
		{ "after initial connection", "CONN" },
		{ "while connected to", "CONN" },
		{ "connect to", "CONN" },
		{ "in reply to starttls", "STARTTLS" },
	};
	size_t i, len = strlen(d);

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (ci_find(d, len, cmds[i].text) != NULL)
			return cmds[i].cmd;
	}
	return NULL;
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
		if (r->command == NULL)
			r->command = failed_command(r->diagnostic);
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
first_text(struct report *rep, size_t *len_r)
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
	if (p == NULL) {
		*len_r = 0;
		return "";
	}
	return mail_part_text(&rep->msg, p, len_r);
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
	rep->original.message_id = mail_header_raw(&rep->arena, h, hl,
	    "Message-ID");
	rep->original.from = mail_header(&rep->arena, h, hl, "From");
	rep->original.to = mail_header(&rep->arena, h, hl, "To");
	rep->original.subject = mail_header(&rep->arena, h, hl, "Subject");
}

static void
parse_dsn(struct report *rep, const struct mail_part *dsn)
{
	size_t len, tlen;
	const char *s = mail_part_text(&rep->msg, dsn, &len), *text;

	if (dsn_parse(rep, s, len) == 0)
		return;
	rep->kind = REPORT_DSN;
	rep->family = "rfc3464";
	text = first_text(rep, &tlen);
	legacy_fill_diagnostics(rep, text, tlen);
}

static void
parse_report(struct report *rep)
{
	struct mail_message *msg = &rep->msg;
	const struct mail_part *p;
	const char *text;
	size_t len, i;

	rep->from = mail_header(&rep->arena, msg->hdr, msg->hdr_len, "From");
	rep->subject = mail_header(&rep->arena, msg->hdr, msg->hdr_len,
	    "Subject");
	rep->message_id = mail_header_raw(&rep->arena, msg->hdr, msg->hdr_len,
	    "Message-ID");
	read_original(rep);

	if ((p = find_part(msg, "message/feedback-report", true)) != NULL) {
		const char *s = mail_part_text(msg, p, &len);

		if (arf_parse(rep, s, len) > 0) {
			rep->kind = REPORT_FEEDBACK;
			rep->family = "arf";
		}
		return;
	}
	/* RFC 6533 3.5: the internationalised form has the same fields */
	if ((p = find_part(msg, "message/delivery-status", true)) != NULL ||
	    (p = find_part(msg, "message/global-delivery-status", true)) !=
		NULL ||
	    (p = find_part(msg, "text/delivery-status", true)) != NULL)
		parse_dsn(rep, p);
	if (rep->kind == REPORT_NONE) {
		text = first_text(rep, &len);
		legacy_parse(rep, msg, text, len);
	}
	if (rep->kind == REPORT_NONE && autoreply_detect(rep)) {
		struct report_rcpt *r = report_add_rcpt(rep);

		rep->kind = REPORT_AUTOREPLY;
		rep->family = "rfc3834";
		if (rep->from != NULL)
			r->recipient = report_address(&rep->arena, rep->from,
			    strlen(rep->from));
		text = first_text(rep, &len);
		if (len > 0) {
			char *d = arena_strndup(&rep->arena, text,
			    len > 512 ? 512 : len);

			str_squeeze(d);
			r->diagnostic = d;
		}
		return;
	}
	for (i = 0; i < rep->nrcpt; i++)
		report_rcpt_finish(rep, &rep->rcpt[i]);
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
	rep->mail_flags = rep->msg.flags;
	parse_report(rep);
	*rep_r = rep;
	return 0;
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
