/*
 * What a resend puts on the wire (RFC 5322 3.6.6), and whether the bounce
 * returned enough of the original to resend it at all. A resend of a cut
 * message would deliver a different message under the old Message-ID, so
 * every doubt is a refusal: the caller then records "not resendable" and
 * the reason.
 */
#include "resent.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/strutil.h"
#include "common/xmalloc.h"
#include "legacy.h"

/*
 * The original's tail is searched for a cutter's note this far back:
 * Gmail ends a cut copy with "----- Message truncated -----" before the
 * closing boundaries, AOL with "Message truncated.".
 */
#define RESENT_TAIL 512
/* Boundaries checked for their close-delimiter; deeper ones are rare. */
#define RESENT_MAX_BOUNDARIES 16
/* RFC 2046 5.1.1: a boundary is 1 to 70 characters. */
#define RESENT_BOUNDARY_MAX 70

/*
 * The bounce's own words that say the copy below is not the whole
 * message. Exim: "------ This is a copy of the message's headers.
 * ------" and "The body of the message is N characters long; only the
 * first N or so are included here"; Sendmail: "----- Message header
 * follows -----", "Message body suppressed"; DragonFly dma "Message
 * headers follow."; old Lotus/PMDF "Your message reads (in part)".
 * "including all the headers" (Exim's whole copy) must not match, hence
 * no bare "headers".
 */
static const char *const prose_headers[] = {
	"copy of the message's headers",
	"message headers follow",
	"message header follows",
	"headers of the original",
	"original message headers",
	"headers only",
	"header only",
	"(in part)",
	NULL,
};
static const char *const prose_cut[] = {
	"truncated",
	"only the first",
	"top of the message",
	"body of message not included",
	"body not included",
	"body was not included",
	"body is not included",
	"body suppressed",
	"body omitted",
	"body has been omitted",
	"without the body",
	"without its body",
	NULL,
};
/* Notes a cutter leaves at the end of the copy itself (see RESENT_TAIL). */
static const char *const tail_cut[] = {
	"message truncated",
	"[truncated]",
	"(truncated)",
	"truncated ---",
	"truncated ***",
	NULL,
};

static bool
any_of(const char *const *list, const char *s, size_t len)
{
	for (; *list != NULL; list++) {
		if (ci_find(s, len, *list) != NULL)
			return true;
	}
	return false;
}

/*
 * "first N lines", "first 1,024 bytes", "first 10 KB": a count after
 * "first" says a cut was made, whatever the sentence around it.
 */
static bool
first_n_units(const char *s, size_t len)
{
	static const char *const units[] = { "line", "byte", "char", "kb",
		"k ", "octet", NULL };
	const char *p = s, *end = s + len, *q;
	const char *const *u;

	while ((p = ci_find(p, (size_t)(end - p), "first")) != NULL) {
		q = p + 5;
		p = q;
		while (q < end && bd_isspace((unsigned char)*q))
			q++;
		if (q >= end || !bd_isdigit((unsigned char)*q))
			continue;
		while (q < end && (bd_isdigit((unsigned char)*q) || *q == ','))
			q++;
		while (q < end && bd_isspace((unsigned char)*q))
			q++;
		for (u = units; *u != NULL; u++) {
			if (ci_starts(q, (size_t)(end - q), *u))
				return true;
		}
	}
	return false;
}

static const char *
prose_says_cut(const char *s, size_t len)
{
	if (s == NULL || len == 0)
		return NULL;
	if (any_of(prose_headers, s, len))
		return "only the headers were returned";
	if (any_of(prose_cut, s, len) || first_n_units(s, len))
		return "the bounce says the original was truncated";
	return NULL;
}

/*
 * The bounce's own text outside the returned copy: every outer text part
 * that is not the original (raw bytes: a quoted-printable soft break may
 * hide a phrase, a base64 text is read from the decoded cache).
 */
static const char *
report_prose_says_cut(const struct report *rep)
{
	const struct mail_message *msg = &rep->msg;
	const char *why;
	size_t i;

	for (i = 0; i < msg->nparts; i++) {
		const struct mail_part *p = &msg->parts[i];

		if (p->in_message > 0 || p == rep->original.part ||
		    strncmp(p->type, "text/", 5) != 0 ||
		    strcmp(p->type, "text/rfc822-headers") == 0 ||
		    p->enc == MAIL_ENC_BASE64)
			continue;
		if ((why = prose_says_cut(p->body, p->body_len)) != NULL)
			return why;
	}
	return prose_says_cut(rep->text, rep->text_len);
}

/* Length of the header block of a message that may use CRLF. */
static size_t
header_len(const char *s, size_t len, size_t *sep_r)
{
	size_t pos = 0, ll;
	const char *l;

	while (str_line(s, len, &pos, &l, &ll)) {
		if (ll == 0 || (ll == 1 && l[0] == '\r')) {
			*sep_r = ll + 1;
			return (size_t)(l - s);
		}
	}
	*sep_r = 0;
	return len;
}

/*
 * RFC 2045 5.1 parameter: boundary="x" or boundary=x in the Content-Type
 * value v[0..vl), copied to out (NUL-terminated). Returns its length or 0.
 */
static size_t
boundary_param(const char *v, size_t vl, char *out)
{
	const char *p = v, *end = v + vl;
	size_t n = 0;

	while ((p = ci_find(p, (size_t)(end - p), "boundary")) != NULL) {
		const char *q = p + 8;

		/* a parameter name, not the tail of another word */
		if (p > v && (bd_isalpha((unsigned char)p[-1]) ||
		    p[-1] == '-')) {
			p = q;
			continue;
		}
		while (q < end && bd_isspace((unsigned char)*q))
			q++;
		if (q >= end || *q != '=') {
			p = q;
			continue;
		}
		q++;
		while (q < end && bd_isspace((unsigned char)*q))
			q++;
		if (q < end && *q == '"') {
			for (q++; q < end && *q != '"' && *q != '\n' &&
			     n < RESENT_BOUNDARY_MAX; q++)
				out[n++] = *q;
		} else {
			for (; q < end && !bd_isspace((unsigned char)*q) &&
			     *q != ';' && n < RESENT_BOUNDARY_MAX; q++)
				out[n++] = *q;
		}
		out[n] = '\0';
		return n;
	}
	return 0;
}

/* Whether s[0..len) has the line "--b--" (RFC 2046 5.1.1 close-delimiter). */
static bool
has_close_delimiter(const char *s, size_t len, const char *b, size_t bl)
{
	size_t pos = 0, ll;
	const char *l;

	while (str_line(s, len, &pos, &l, &ll)) {
		if (ll >= bl + 4 && l[0] == '-' && l[1] == '-' &&
		    memcmp(l + 2, b, bl) == 0 && l[bl + 2] == '-' &&
		    l[bl + 3] == '-')
			return true;
	}
	return false;
}

/*
 * Every multipart in the original must end with its close-delimiter: a
 * copy cut after N lines or bytes loses it (RFC 2046 5.1.1). The
 * boundaries come from each Content-Type field at a line start, the
 * message's own and its parts' (a body line that merely quotes one is
 * rare enough to cost at most a refused resend).
 */
static bool
multipart_closed(const char *m, size_t len)
{
	static const char ct[] = "content-type:";
	char b[RESENT_BOUNDARY_MAX + 1];
	size_t pos = 0, ll, vl, bl, seen = 0;
	const char *l, *v;

	while (str_line(m, len, &pos, &l, &ll) &&
	    seen < RESENT_MAX_BOUNDARIES) {
		if (ll < sizeof(ct) || !ci_starts(l, ll, ct))
			continue;
		v = mail_header_find(l, len - (size_t)(l - m), "content-type",
		    &vl);
		if (v == NULL || ci_find(v, vl, "multipart") == NULL)
			continue;
		if ((bl = boundary_param(v, vl, b)) == 0)
			continue;
		seen++;
		if (!has_close_delimiter(m + pos, len - pos, b, bl))
			return false;
	}
	return true;
}

/*
 * A base64 body cut short: the alphabet's characters do not come in
 * quads (RFC 4648 4), or padding is followed by more data.
 */
static bool
base64_cut(const char *s, size_t len)
{
	size_t i, n = 0;
	bool pad = false;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '=') {
			pad = true;
			n++;
		} else if (bd_isalpha(c) || bd_isdigit(c) || c == '+' ||
		    c == '/') {
			if (pad)
				return true;
			n++;
		}
	}
	return n % 4 != 0;
}

/* The leaf parts inside m[0..len) that are base64: any of them cut? */
static bool
parts_cut(const struct report *rep, const char *m, size_t len)
{
	const struct mail_message *msg = &rep->msg;
	size_t i;

	for (i = 0; i < msg->nparts; i++) {
		const struct mail_part *p = &msg->parts[i];

		if (p->body == NULL || p->body < m || p->body >= m + len ||
		    p->enc != MAIL_ENC_BASE64)
			continue;
		if (base64_cut(p->body, p->body_len))
			return true;
	}
	return false;
}

/*
 * Content-Length (RFC 1049 era, still written by some clients and by
 * mbox tools) larger than the body: the copy lost its end. The count may
 * be in CRLF, the copy here is LF, and its last line end went to the
 * enclosing boundary (RFC 2046 5.1.1).
 */
static bool
content_length_cut(const char *h, size_t hl, const char *body, size_t bl)
{
	const char *v;
	size_t vl, i, lines = 0;
	uint64_t n = 0;

	if ((v = mail_header_find(h, hl, "content-length", &vl)) == NULL)
		return false;
	for (i = 0; i < vl && bd_isspace((unsigned char)v[i]); i++)
		;
	if (i >= vl || !bd_isdigit((unsigned char)v[i]))
		return false;
	for (; i < vl && bd_isdigit((unsigned char)v[i]) && n < UINT64_MAX / 20;
	     i++)
		n = n * 10 + (uint64_t)(v[i] - '0');
	for (i = 0; i < bl; i++)
		lines += body[i] == '\n';
	return n > (uint64_t)bl + lines + 2;
}

/*
 * The checks every candidate copy goes through, in a message m[0..len)
 * that is known to be LF-only (rep's normalised buffer).
 */
static const char *
copy_says_cut(const struct report *rep, const char *m, size_t len)
{
	size_t hl, sep, vl, tail;

	hl = header_len(m, len, &sep);
	if (hl == 0 || sep == 0)
		return hl == 0 ? "the returned message has no header" :
				 "the original was truncated in its header";
	if (mail_header_find(m, hl, "from", &vl) == NULL &&
	    mail_header_find(m, hl, "message-id", &vl) == NULL)
		return "the returned message has neither From nor Message-ID";
	tail = len > RESENT_TAIL ? RESENT_TAIL : len;
	if (any_of(tail_cut, m + len - tail, tail))
		return "the original was truncated";
	if (!multipart_closed(m, len))
		return "the original was truncated (a multipart is not closed)";
	if (parts_cut(rep, m, len))
		return "the original was truncated (base64 cut short)";
	if (content_length_cut(m, hl, m + hl + sep, len - hl - sep))
		return "the original was truncated (shorter than its "
		       "Content-Length)";
	return NULL;
}

/*
 * A free-text bounce (qmail, Exim, Sendmail without MIME) appends the
 * original after a marker line in its one text part: the copy runs to
 * the end of that part. Exim puts its notes ("------ The body of the
 * message is N characters long...") between marker and copy.
 */
static const char *
inline_original(const struct report *rep, const char **msg, size_t *len)
{
	const struct mail_message *msg_ = &rep->msg;
	const struct mail_part *p = NULL;
	const char *o, *end, *why, *l;
	size_t i, ol, pos, ll;

	for (i = 0; i < msg_->nparts && p == NULL; i++) {
		if (msg_->parts[i].in_message == 0 &&
		    strcmp(msg_->parts[i].type, "text/plain") == 0)
			p = &msg_->parts[i];
	}
	if (p == NULL || p->body == NULL)
		return "no original returned";
	if ((o = legacy_inline_original(NULL, p->body, p->body_len, &ol)) == NULL)
		return "no original returned";
	/* the original's bytes, not a transfer encoding of them */
	if (p->enc != MAIL_ENC_IDENTITY)
		return "the returned copy is transfer-encoded";
	end = p->body + p->body_len;
	/* a message/rfc822 part libetpan could not delimit */
	if (ci_find(p->body, (size_t)(o - p->body),
		"content-type: message/rfc822") != NULL)
		return "the returned message's part could not be delimited";
	pos = 0;
	while (str_line(o, (size_t)(end - o), &pos, &l, &ll)) {
		if (ll != 0 && !ci_starts(l, ll, "------"))
			break;
		o = l + ll < end ? l + ll + 1 : end;
		pos = 0;
	}
	if ((why = prose_says_cut(p->body, (size_t)(o - p->body))) != NULL)
		return why;
	if (o >= end)
		return "the returned message is empty";
	if ((why = copy_says_cut(rep, o, (size_t)(end - o))) != NULL)
		return why;
	*msg = o;
	*len = (size_t)(end - o);
	return NULL;
}

bool
resent_original(const struct report *rep, const char **msg, size_t *len,
    const char **why)
{
	const struct mail_part *p = rep->original.part;
	const char *w;

	*msg = NULL;
	*len = 0;
	/*
	 * The buffer is a normalised copy: a NUL became a space, so the copy
	 * is no longer the original's bytes. A cut for nesting depth may
	 * have cut the copy's end with it.
	 */
	if (rep->msg.flags & MAIL_F_HAS_NULS) {
		*why = "the bounce holds NUL bytes: the copy is not exact";
		return false;
	}
	if (rep->msg.flags & (MAIL_F_TRUNCATED_DEPTH | MAIL_F_HEADER_CUT)) {
		*why = "the bounce was cut by a parser limit";
		return false;
	}
	if (p == NULL) {
		if ((w = inline_original(rep, msg, len)) != NULL) {
			*why = w;
			return false;
		}
		return true;
	}
	if (rep->original.headers_only ||
	    strcmp(p->type, "text/rfc822-headers") == 0) {
		*why = "only the headers were returned";
		return false;
	}
	if (strcmp(p->type, "message/rfc822") != 0) {
		*why = "no original returned";
		return false;
	}
	if (p->body == NULL || p->body_len == 0) {
		*why = "the returned message is empty";
		return false;
	}
	/* RFC 2046 5.2.1: message/rfc822 is 7bit, 8bit or binary only */
	if (p->enc != MAIL_ENC_IDENTITY) {
		*why = "the returned message is transfer-encoded";
		return false;
	}
	if ((w = report_prose_says_cut(rep)) != NULL ||
	    (w = copy_says_cut(rep, p->body, p->body_len)) != NULL) {
		*why = w;
		return false;
	}
	*msg = p->body;
	*len = p->body_len;
	return true;
}

/*
 * RFC 5322 3.2.2: CFWS around and, in the obsolete syntax (4.5.4),
 * inside a msg-id. Comments nest and may hold quoted-pairs.
 */
static size_t
skip_comment(const char *s, size_t len, size_t i)
{
	int depth = 0;

	for (; i < len; i++) {
		if (s[i] == '\\' && i + 1 < len)
			i++;
		else if (s[i] == '(')
			depth++;
		else if (s[i] == ')' && --depth == 0)
			return i + 1;
	}
	return len;
}

const char *
resent_message_id(const char *msg, size_t len, char *buf, size_t buflen)
{
	const char *v;
	size_t hl, sep, vl, i, n = 0;
	bool angle = false, closed = false;

	if (msg == NULL || buf == NULL || buflen == 0)
		return NULL;
	hl = header_len(msg, len, &sep);
	if ((v = mail_header_find(msg, hl, "message-id", &vl)) == NULL)
		return NULL;
	/* "<" id ">" where there is one; a bare id from a broken client */
	for (i = 0; i < vl && !angle; i++) {
		if (v[i] == '(')
			i = skip_comment(v, vl, i) - 1;
		else if (v[i] == '<')
			angle = true;
	}
	if (!angle)
		i = 0;
	for (; i < vl; i++) {
		char c = v[i];

		if (c == '(') {
			i = skip_comment(v, vl, i) - 1;
			continue;
		}
		/* folding white space: the line breaks of an unfolded field */
		if (bd_isspace((unsigned char)c))
			continue;
		if (angle && c == '>') {
			closed = true;
			break;
		}
		if (n + 1 >= buflen)
			return NULL;
		buf[n++] = c;
	}
	/* an id cut before its ">" would look up someone else's message */
	if (n == 0 || (angle && !closed))
		return NULL;
	buf[n] = '\0';
	return buf;
}

/* Days since 1970-01-01 to a civil date (proleptic Gregorian). */
static void
civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era, yy;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	yy = (int64_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yy + (*m <= 2);
}

/*
 * RFC 5322 3.3 date-time in UTC: "Thu, 1 Jan 1970 00:00:00 +0000". The
 * names are the RFC's, whatever the locale; no libc time call, so any
 * int64 works (clamped to years 1970..9999: year is 4*DIGIT).
 */
static void
rfc5322_date(int64_t now, char out[40])
{
	static const char days[7][4] = { "Thu", "Fri", "Sat", "Sun", "Mon",
		"Tue", "Wed" };
	static const char months[12][4] = { "Jan", "Feb", "Mar", "Apr", "May",
		"Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	int64_t day, secs, y;
	unsigned m, d, hh, mm, ss;
	char *o = out;

	if (now < 0)
		now = 0;
	if (now > INT64_C(253402300799))
		now = INT64_C(253402300799);
	day = now / 86400;
	secs = now % 86400;
	civil_from_days(day, &y, &m, &d);
	hh = (unsigned)(secs / 3600);
	mm = (unsigned)(secs / 60 % 60);
	ss = (unsigned)(secs % 60);
	memcpy(o, days[day % 7], 3);
	o += 3;
	*o++ = ',';
	*o++ = ' ';
	if (d >= 10)
		*o++ = (char)('0' + d / 10);
	*o++ = (char)('0' + d % 10);
	*o++ = ' ';
	memcpy(o, months[m - 1], 3);
	o += 3;
	*o++ = ' ';
	*o++ = (char)('0' + y / 1000);
	*o++ = (char)('0' + y / 100 % 10);
	*o++ = (char)('0' + y / 10 % 10);
	*o++ = (char)('0' + y % 10);
	*o++ = ' ';
	*o++ = (char)('0' + hh / 10);
	*o++ = (char)('0' + hh % 10);
	*o++ = ':';
	*o++ = (char)('0' + mm / 10);
	*o++ = (char)('0' + mm % 10);
	*o++ = ':';
	*o++ = (char)('0' + ss / 10);
	*o++ = (char)('0' + ss % 10);
	memcpy(o, " +0000", 7);
}

/*
 * Appends s without CR, LF or NUL: from comes from the configuration and
 * msgid from the caller, and a line break in either would start a field
 * of someone else's choosing (header injection).
 */
static char *
put_clean(char *o, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s != '\r' && *s != '\n')
			*o++ = *s;
	}
	return o;
}

static char *
put_field(char *o, const char *name, const char *pre, const char *v,
    const char *post, const char *eol)
{
	size_t n = strlen(name);

	memcpy(o, name, n);
	o = put_clean(o + n, pre);
	o = put_clean(o, v);
	o = put_clean(o, post);
	n = strlen(eol);
	memcpy(o, eol, n);
	return o + n;
}

char *
resent_compose(const char *msg, size_t len, const char *from, int64_t now,
    const char *msgid, size_t *out_len)
{
	const char *nl, *eol;
	char date[40], *out, *o;
	size_t need;

	if (from == NULL)
		from = "";
	if (msgid == NULL)
		msgid = "";
	/*
	 * The block takes the original's line ends, so the message stays
	 * consistent; RFC 5321 2.3.8 CRLF is the sender's job on the wire.
	 */
	nl = msg != NULL ? memchr(msg, '\n', len) : NULL;
	eol = nl != NULL && nl > msg && nl[-1] == '\r' ? "\r\n" : "\n";
	rfc5322_date(now, date);
	need = sizeof("Resent-Date: ") + strlen(date) +
	    sizeof("Resent-From: ") + strlen(from) +
	    sizeof("Resent-Message-ID: <>") + strlen(msgid) + 3 * 2;
	if (len > SIZE_MAX - need)
		abort(); /* a message larger than the address space */
	out = xmalloc(need + len + 1);
	o = put_field(out, "Resent-Date: ", "", date, "", eol);
	o = put_field(o, "Resent-From: ", "", from, "", eol);
	o = put_field(o, "Resent-Message-ID: ", "<", msgid, ">", eol);
	/* RFC 5322 3.6.6: new resent blocks go above any older ones */
	if (len > 0)
		memcpy(o, msg, len);
	o += len;
	*o = '\0';
	*out_len = (size_t)(o - out);
	return out;
}

/* Seconds per unit of a retry hint; exact words only ("m" is minutes). */
static const struct {
	const char *name;
	unsigned secs;
} hint_units[] = {
	{ "s", 1 },
	{ "sec", 1 },
	{ "secs", 1 },
	{ "second", 1 },
	{ "seconds", 1 },
	{ "m", 60 },
	{ "min", 60 },
	{ "mins", 60 },
	{ "minute", 60 },
	{ "minutes", 60 },
	{ "h", 3600 },
	{ "hr", 3600 },
	{ "hrs", 3600 },
	{ "hour", 3600 },
	{ "hours", 3600 },
};

#define RESENT_HINT_MAX 86400

/* A word at s[0..n) that is one of hint_units[], or 0. */
static unsigned
unit_secs(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof(hint_units) / sizeof(hint_units[0]); i++) {
		if (strlen(hint_units[i].name) == n &&
		    ci_starts(s, n, hint_units[i].name))
			return hint_units[i].secs;
	}
	return 0;
}

static size_t
skip_space(const char *s, size_t len, size_t i)
{
	while (i < len && bd_isspace((unsigned char)s[i]))
		i++;
	return i;
}

/*
 * After "try again" or "retry" at s[i]: optional "later", punctuation,
 * then "in" or "after", a number and a unit. "retry for 5 days" is how
 * long an MTA keeps trying, not when to come back: only in/after count.
 */
static unsigned
hint_at(const char *s, size_t len, size_t i)
{
	uint64_t n = 0;
	size_t w;
	unsigned u;

	for (;;) {
		i = skip_space(s, len, i);
		if (i < len && (s[i] == '(' || s[i] == ',' || s[i] == ':' ||
				   s[i] == '-')) {
			i++;
			continue;
		}
		/* "try again later in", "retry again after" */
		if ((ci_starts(s + i, len - i, "later") ||
			ci_starts(s + i, len - i, "again")) &&
		    (i + 5 >= len || !bd_isalpha((unsigned char)s[i + 5]))) {
			i += 5;
			continue;
		}
		break;
	}
	if (ci_starts(s + i, len - i, "in") && i + 2 < len &&
	    bd_isspace((unsigned char)s[i + 2]))
		i += 2;
	else if (ci_starts(s + i, len - i, "after") && i + 5 < len &&
	    bd_isspace((unsigned char)s[i + 5]))
		i += 5;
	else
		return 0;
	i = skip_space(s, len, i);
	if (i >= len || !bd_isdigit((unsigned char)s[i]))
		return 0;
	for (; i < len && bd_isdigit((unsigned char)s[i]); i++) {
		if (n <= RESENT_HINT_MAX)
			n = n * 10 + (uint64_t)(s[i] - '0');
	}
	/* "1.5 hours" and "10,000" are no whole count of a unit */
	if (i + 1 < len && (s[i] == '.' || s[i] == ',') &&
	    bd_isdigit((unsigned char)s[i + 1]))
		return 0;
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	for (w = i; w < len && bd_isalpha((unsigned char)s[w]); w++)
		;
	if ((u = unit_secs(s + i, w - i)) == 0 || n == 0)
		return 0;
	n *= u;
	return n > RESENT_HINT_MAX ? RESENT_HINT_MAX : (unsigned)n;
}

unsigned
resent_retry_hint(const char *diagnostic)
{
	static const char *const keys[] = { "try again", "retry", NULL };
	const char *const *k;
	const char *p, *end;
	size_t len, kl;
	unsigned h;

	if (diagnostic == NULL)
		return 0;
	len = strlen(diagnostic);
	end = diagnostic + len;
	for (k = keys; *k != NULL; k++) {
		kl = strlen(*k);
		for (p = diagnostic;
		     (p = ci_find(p, (size_t)(end - p), *k)) != NULL; p += kl) {
			/* a word of its own: not "autoretry" */
			if (p > diagnostic && bd_isalpha((unsigned char)p[-1]))
				continue;
			if ((h = hint_at(diagnostic, len,
				 (size_t)(p - diagnostic) + kl)) != 0)
				return h;
		}
	}
	return 0;
}
