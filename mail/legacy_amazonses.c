/*
 * Amazon SES event notifications delivered by mail through SNS: the body
 * is one JSON object ("notificationType": "Bounce", "Complaint" or
 * "Delivery"), either as SES wrote it or wrapped in an SNS envelope
 * ("Type": "Notification", "Message": "<the SES object as a JSON
 * string>"). Layout: AWS SES Developer Guide, "Contents of notifications
 * for Amazon SES" (notification-contents.html) and the SNS Developer
 * Guide's HTTP/S notification JSON; sisimai lib/Sisimai/Lhost/AmazonSES.pm
 * (the envelope, and SNS's mail folding of long lines: "!" at the end of
 * a line, a space at the start of the next).
 *
 * A small reader of our own, for hostile input: nesting is cut at
 * JSON_MAX_DEPTH, every loop advances through the bounded text, strings
 * are decoded into the arena at most as long as they were.
 */
#include "legacy.h"

#include <string.h>

#include "common/strutil.h"
#include "mail_limits.h"

/* SES objects nest four deep; anything past this is not SES's. */
#define JSON_MAX_DEPTH 16

/* "eventType" in the same objects sent by event publishing (AWS SES
 * Developer Guide, notification-contents.html, top-level object) */
static const char *const body[] = { "notificationType", "eventType", NULL };
/* SNS's footer; the JSON may quote any text of the original's header */
static const char *const end[] = {
	"If you wish to stop receiving notifications from this topic", NULL,
};

/* A JSON value: [p, e) from its first to past its last character. */
struct jspan {
	const char *p, *e;
};

static const char *
ws(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

/* Past the string that starts at p ('"'), or NULL when unterminated. */
static const char *
string_end(const char *p, const char *e)
{
	for (p++; p < e; p++) {
		if (*p == '\\')
			p++;
		else if (*p == '"')
			return p + 1;
	}
	return NULL;
}

/* Past the value that starts at p, or NULL when malformed or too deep. */
static const char *
value_end(const char *p, const char *e, int depth)
{
	char close;

	if (p >= e)
		return NULL;
	if (*p == '"')
		return string_end(p, e);
	if (*p != '{' && *p != '[') {
		/* number, true, false, null: up to a delimiter */
		const char *q = p;

		while (q < e && *q != ',' && *q != '}' && *q != ']' &&
		    !bd_isspace((unsigned char)*q))
			q++;
		return q > p ? q : NULL;
	}
	if (depth >= JSON_MAX_DEPTH)
		return NULL;
	close = *p == '{' ? '}' : ']';
	for (p = ws(p + 1, e); p < e && *p != close;) {
		if (close == '}') {
			if (*p != '"' || (p = string_end(p, e)) == NULL)
				return NULL;
			p = ws(p, e);
			if (p >= e || *p != ':')
				return NULL;
			p = ws(p + 1, e);
		}
		if ((p = value_end(p, e, depth + 1)) == NULL)
			return NULL;
		p = ws(p, e);
		if (p < e && *p == ',')
			p = ws(p + 1, e);
		else if (p < e && *p != close)
			return NULL;
	}
	return p < e ? p + 1 : NULL;
}

/*
 * Iterates over an object's members (key set) or an array's elements
 * (key NULL): returns 1 with the next value in *v, 0 at the end. *cur
 * starts at NULL.
 */
static int
json_next(const struct jspan *c, const char **cur, struct jspan *key,
    struct jspan *v)
{
	const char *p = *cur == NULL ? c->p + 1 : *cur, *e = c->e - 1;

	p = ws(p, e);
	if (p < e && *p == ',')
		p = ws(p + 1, e);
	if (p >= e)
		return 0;
	if (key != NULL) {
		key->p = p;
		if (*p != '"' || (key->e = string_end(p, e)) == NULL)
			return 0;
		p = ws(key->e, e);
		if (p >= e || *p != ':')
			return 0;
		p = ws(p + 1, e);
	}
	v->p = p;
	if ((v->e = value_end(p, e, 1)) == NULL)
		return 0;
	*cur = v->e;
	return 1;
}

/* The member called name (no escapes in it) of object o. */
static bool
json_member(const struct jspan *o, const char *name, struct jspan *v)
{
	struct jspan k;
	const char *cur = NULL;
	size_t nl = strlen(name);

	if (o->p >= o->e || *o->p != '{')
		return false;
	while (json_next(o, &cur, &k, v) == 1) {
		if ((size_t)(k.e - k.p) == nl + 2 &&
		    memcmp(k.p + 1, name, nl) == 0)
			return true;
	}
	return false;
}

/*
 * SUB, the ASCII substitute, for what a C string cannot hold (U+0000) or
 * UTF-8 cannot encode (a lone surrogate half): a control character, so an
 * address with it is none (mailbox_valid()), never a shorter or another.
 */
#define JSON_HOLE 0x1a

static void
put_utf8(char **d, unsigned c)
{
	if (c == 0 || (c >= 0xd800 && c < 0xe000)) {
		*(*d)++ = JSON_HOLE;
	} else if (c < 0x80) {
		*(*d)++ = (char)c;
	} else if (c < 0x800) {
		*(*d)++ = (char)(0xc0 | (c >> 6));
		*(*d)++ = (char)(0x80 | (c & 0x3f));
	} else if (c < 0x10000) {
		*(*d)++ = (char)(0xe0 | (c >> 12));
		*(*d)++ = (char)(0x80 | ((c >> 6) & 0x3f));
		*(*d)++ = (char)(0x80 | (c & 0x3f));
	} else {
		*(*d)++ = (char)(0xf0 | (c >> 18));
		*(*d)++ = (char)(0x80 | ((c >> 12) & 0x3f));
		*(*d)++ = (char)(0x80 | ((c >> 6) & 0x3f));
		*(*d)++ = (char)(0x80 | (c & 0x3f));
	}
}

/* The 4 hex digits after "\u" at p[1..] (p < e), moving p to the last. */
static unsigned
hex4(const char **p, const char *e)
{
	unsigned c = 0;
	int i;

	for (i = 0; i < 4 && *p + 1 < e; i++) {
		char h = (char)bd_lower(*++*p);

		c = c * 16 + (unsigned)(h <= '9' ? h - '0' : h - 'a' + 10);
	}
	return c & 0xffff;
}

/* The decoded string value v (RFC 8259 7), in the arena, or NULL. */
static char *
json_string(struct arena *a, const struct jspan *v, size_t *len_r)
{
	const char *p, *e = v->e - 1;
	char *s, *d;

	if (v->e - v->p < 2 || *v->p != '"')
		return NULL;
	/* "\uXXXX" (6 bytes) is at most 3 bytes of UTF-8, a pair (12) 4:
	 * never longer */
	d = s = arena_alloc(a, (size_t)(e - v->p));
	for (p = v->p + 1; p < e; p++) {
		unsigned c;

		if (*p != '\\' || p + 1 >= e) {
			*d++ = *p;
			continue;
		}
		switch (*++p) {
		case 'n':
			*d++ = '\n';
			break;
		case 't':
		case 'r':
			*d++ = ' ';
			break;
		case 'u':
			c = hex4(&p, e);
			/* RFC 8259 7: a character past the BMP is a pair */
			if (c >= 0xd800 && c < 0xdc00 && e - p > 6 &&
			    p[1] == '\\' && p[2] == 'u') {
				const char *q = p + 2;
				unsigned lo = hex4(&q, e);

				if (lo >= 0xdc00 && lo < 0xe000) {
					c = 0x10000 + ((c - 0xd800) << 10) +
					    (lo - 0xdc00);
					p = q;
				}
			}
			put_utf8(&d, c);
			break;
		default: /* '"', '\\', '/', 'b', 'f' */
			*d++ = *p == 'b' || *p == 'f' ? ' ' : *p;
		}
	}
	*d = '\0';
	if (len_r != NULL)
		*len_r = (size_t)(d - s);
	return s;
}

static char *
string_member(struct arena *a, const struct jspan *o, const char *name)
{
	struct jspan v;

	return json_member(o, name, &v) ? json_string(a, &v, NULL) : NULL;
}

static bool
member_is(struct arena *a, const struct jspan *o, const char *name,
    const char *want)
{
	const char *s = string_member(a, o, name);

	return s != NULL && strcmp(s, want) == 0;
}

/*
 * bounceType/bounceSubType that name one reason (sisimai AmazonSES.pm's
 * table; AWS notification-contents.html "Bounce types").
 */
static const char *
subtype_hint(struct arena *a, const struct jspan *b)
{
	if (!member_is(a, b, "bounceType", "Transient"))
		return NULL;
	if (member_is(a, b, "bounceSubType", "MailboxFull"))
		return "mailboxfull";
	if (member_is(a, b, "bounceSubType", "MessageTooLarge"))
		return "mesgtoobig";
	return NULL;
}

/* "smtp; 550 5.1.1 ...": RFC 3464 2.3.6's diagnostic-type, then text. */
static void
diagnostic_code(struct report_rcpt *r, char *d)
{
	char *semi;
	size_t i;

	if (d == NULL)
		return;
	semi = strchr(d, ';');
	for (i = 0; semi != NULL && d + i < semi; i++) {
		if (!bd_isalpha((unsigned char)d[i]) && d[i] != '-')
			break;
	}
	if (semi != NULL && i > 0 && d + i == semi) {
		*semi = '\0';
		r->diagnostic_type = str_lower(d);
		d = semi + 1;
		while (*d == ' ')
			d++;
	}
	r->diagnostic = d;
}

static struct report_rcpt *
add(struct report *rep, const char *addr)
{
	struct report_rcpt *r;

	if (addr == NULL || strchr(addr, '@') == NULL ||
	    (r = report_add_rcpt(rep)) == NULL)
		return NULL;
	r->recipient = report_address(&rep->arena, addr, strlen(addr));
	return r;
}

/* "bounce": {"bouncedRecipients": [{"emailAddress", "status", ...}]} */
static size_t
bounced(struct report *rep, const struct jspan *b)
{
	struct arena *a = &rep->arena;
	struct jspan list, o;
	const char *cur = NULL, *hint = subtype_hint(a, b), *st;
	char *mta = string_member(a, b, "reportingMTA"), *act;
	const char *kind = NULL, *bt = string_member(a, b, "bounceType");
	const char *bst = string_member(a, b, "bounceSubType");
	struct report_rcpt *r;
	size_t n = 0;

	legacy_append(a, &kind, "Amazon SES bounce:", 18);
	legacy_append(a, &kind, bt != NULL ? bt : "", bt != NULL ? strlen(bt) : 0);
	legacy_append(a, &kind, bst != NULL ? bst : "",
	    bst != NULL ? strlen(bst) : 0);

	if (!json_member(b, "bouncedRecipients", &list) || *list.p != '[')
		return 0;
	/* "dsn; a27-10.smtp-out...", also seen as "dns; amazonses.com" */
	if (mta != NULL && (ci_starts(mta, strlen(mta), "dsn;") ||
			       ci_starts(mta, strlen(mta), "dns;")))
		for (mta += 4; *mta == ' '; mta++)
			;
	while (json_next(&list, &cur, NULL, &o) == 1) {
		if (*o.p != '{' ||
		    (r = add(rep, string_member(a, &o, "emailAddress"))) == NULL)
			continue;
		if ((st = string_member(a, &o, "status")) != NULL &&
		    find_status_code(st, strlen(st), r->status) == NULL)
			r->status[0] = '\0';
		if ((act = string_member(a, &o, "action")) != NULL)
			r->action = str_lower(act);
		diagnostic_code(r, string_member(a, &o, "diagnosticCode"));
		/* no DSN behind it (AWS API_Bounce: DiagnosticCode "only
		 * appears if a delivery status notification was attached"):
		 * SES's own classification is all there is */
		if (r->diagnostic == NULL)
			r->diagnostic = kind;
		r->remote_mta = mta;
		r->hint = hint;
		n++;
	}
	return n;
}

/*
 * "complaint": {"complainedRecipients": [{"emailAddress"}],
 * "complaintFeedbackType": "abuse"}: the RFC 5965 Feedback-Type, when
 * the complaint came as an ARF report; a report of the feedback kind.
 */
static size_t
complained(struct report *rep, const struct jspan *c)
{
	struct arena *a = &rep->arena;
	struct jspan list, o;
	const char *cur = NULL;
	char *type = string_member(a, c, "complaintFeedbackType");
	struct report_rcpt *r;
	size_t n = 0;

	if (!json_member(c, "complainedRecipients", &list) || *list.p != '[')
		return 0;
	if (type != NULL)
		str_lower(type);
	while (json_next(&list, &cur, NULL, &o) == 1) {
		if (*o.p != '{' ||
		    (r = add(rep, string_member(a, &o, "emailAddress"))) == NULL)
			continue;
		r->feedback_type = type;
		r->diagnostic = "Amazon SES complaint notification";
		n++;
	}
	if (n > 0)
		rep->kind = REPORT_FEEDBACK;
	return n;
}

/* "delivery": {"recipients": ["a@b"], "smtpResponse": "250 ..."} */
static size_t
delivered(struct report *rep, const struct jspan *d)
{
	struct arena *a = &rep->arena;
	struct jspan list, v;
	const char *cur = NULL, *resp = string_member(a, d, "smtpResponse");
	struct report_rcpt *r;
	size_t n = 0;

	if (!json_member(d, "recipients", &list) || *list.p != '[')
		return 0;
	while (json_next(&list, &cur, NULL, &v) == 1) {
		if ((r = add(rep, json_string(a, &v, NULL))) == NULL)
			continue;
		r->action = "delivered";
		r->diagnostic = resp;
		n++;
	}
	return n;
}

/* "mail": {"commonHeaders": {"messageId"}}: the message SES sent. */
static void
original(struct report *rep, const struct jspan *ses)
{
	struct jspan m, h;

	if (rep->original.message_id != NULL ||
	    !json_member(ses, "mail", &m))
		return;
	if (json_member(&m, "commonHeaders", &h))
		rep->original.message_id = string_member(&rep->arena, &h,
		    "messageId");
	if (rep->original.from == NULL)
		rep->original.from = string_member(&rep->arena, &m, "source");
}

/*
 * SNS mails a long line folded: "!" ends the piece, a space starts the
 * next (sisimai AmazonSES.pm). Returns the joined copy.
 */
static const char *
unfold(struct arena *a, const char *s, size_t len, size_t *len_r)
{
	char *d = arena_alloc(a, len + 1), *o = d;
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] == '!' && i + 2 < len && s[i + 1] == '\n' &&
		    s[i + 2] == ' ') {
			i += 2;
			continue;
		}
		*o++ = s[i];
	}
	*o = '\0';
	*len_r = (size_t)(o - d);
	return d;
}

/* The object starting at text's first non-blank byte, or false. */
static bool
object_at(const char *text, size_t len, struct jspan *o)
{
	o->p = ws(text, text + len);
	if (o->p >= text + len || *o->p != '{')
		return false;
	return (o->e = value_end(o->p, text + len, 0)) != NULL;
}

static size_t
ses_object(struct report *rep, const struct jspan *o)
{
	const char *type = string_member(&rep->arena, o, "notificationType");
	struct jspan v;

	if (type == NULL)
		type = string_member(&rep->arena, o, "eventType");
	if (type == NULL)
		return 0;
	original(rep, o);
	if (strcmp(type, "Bounce") == 0 && json_member(o, "bounce", &v))
		return bounced(rep, &v);
	if (strcmp(type, "Complaint") == 0 && json_member(o, "complaint", &v))
		return complained(rep, &v);
	if (strcmp(type, "Delivery") == 0 && json_member(o, "delivery", &v))
		return delivered(rep, &v);
	return 0;
}

static size_t
ses_parse(struct report *rep, const char *text, size_t len)
{
	struct jspan o, msg;
	const char *inner;
	size_t ilen;

	text = unfold(&rep->arena, text, len, &len);
	if (!object_at(text, len, &o))
		return 0;
	/* the SNS envelope: the SES object is the "Message" string */
	if (json_member(&o, "Message", &msg) && *msg.p == '"') {
		inner = json_string(&rep->arena, &msg, &ilen);
		if (inner == NULL || !object_at(inner, ilen, &o))
			return 0;
	}
	return ses_object(rep, &o);
}

const struct legacy_family legacy_family_amazonses = {
	.name = "amazonses",
	.body = body,
	.end = end,
	.parse = ses_parse,
};
