/*
 * Amazon SES event notifications delivered by mail through SNS: the body
 * is one JSON object ("notificationType": "Bounce", "Delivery" or
 * "Complaint"). Only the few members we need are read, by a linear scan
 * that respects string quoting; no general JSON parser is needed.
 */
#include "legacy.h"

#include <string.h>

#include "common/strutil.h"

static const char *const body[] = { "\"notificationType\"", NULL };

/* The end of the JSON value ({...} or [...]) that starts at p. */
static const char *
value_end(const char *p, const char *e)
{
	int depth = 0;
	bool str = false;

	for (; p < e; p++) {
		if (str) {
			if (*p == '\\' && p + 1 < e)
				p++;
			else if (*p == '"')
				str = false;
		} else if (*p == '"') {
			str = true;
		} else if (*p == '{' || *p == '[') {
			depth++;
		} else if ((*p == '}' || *p == ']') && --depth <= 0) {
			return p + 1;
		}
	}
	return e;
}

/* Where the value of "key" begins in [s, e), or NULL. */
static const char *
member(const char *s, const char *e, const char *key)
{
	size_t kl = strlen(key);
	const char *p;

	for (p = s; (p = ci_find(p, (size_t)(e - p), key)) != NULL; p += kl) {
		const char *v = p + kl;

		if (p == s || p[-1] != '"' || v >= e || *v != '"')
			continue;
		for (v++; v < e && (bd_isspace((unsigned char)*v)); v++)
			;
		if (v < e && *v == ':') {
			for (v++; v < e && bd_isspace((unsigned char)*v); v++)
				;
			return v;
		}
	}
	return NULL;
}

/* The string value of "key" in [s, e), escapes kept, or NULL. */
static char *
string_member(struct arena *a, const char *s, const char *e, const char *key)
{
	const char *v = member(s, e, key), *q;

	if (v == NULL || *v != '"')
		return NULL;
	for (q = ++v; q < e && *q != '"'; q++) {
		if (*q == '\\' && q + 1 < e)
			q++;
	}
	return arena_strndup(a, v, (size_t)(q - v));
}

static struct report_rcpt *
add(struct report *rep, const char *addr)
{
	struct report_rcpt *r;

	if (addr == NULL || (r = report_add_rcpt(rep)) == NULL)
		return NULL;
	r->recipient = report_address(&rep->arena, addr, strlen(addr));
	return r;
}

/* "bouncedRecipients": [{"emailAddress", "status", "diagnosticCode"}] */
static size_t
bounced(struct report *rep, const char *s, const char *e)
{
	const char *v = member(s, e, "bouncedRecipients"), *ve, *o, *oe;
	struct report_rcpt *r;
	size_t n = 0;

	if (v == NULL || *v != '[')
		return 0;
	ve = value_end(v, e);
	for (o = v + 1; (o = memchr(o, '{', (size_t)(ve - o))) != NULL;
	     o = oe) {
		const char *st;
		char *act;

		oe = value_end(o, ve);
		r = add(rep, string_member(&rep->arena, o, oe, "emailAddress"));
		if (r == NULL)
			continue;
		if ((st = string_member(&rep->arena, o, oe, "status")) != NULL &&
		    find_status_code(st, strlen(st), r->status) == NULL)
			r->status[0] = '\0';
		if ((act = string_member(&rep->arena, o, oe, "action")) != NULL)
			r->action = str_lower(act);
		r->diagnostic = string_member(&rep->arena, o, oe,
		    "diagnosticCode");
		r->remote_mta = string_member(&rep->arena, s, e, "reportingMTA");
		n++;
	}
	return n;
}

/* "delivery": {"recipients": ["a@b"], "smtpResponse": "250 ..."} */
static size_t
delivered(struct report *rep, const char *s, const char *e)
{
	const char *d = member(s, e, "delivery"), *de, *v, *ve, *q;
	const char *resp;
	size_t n = 0;

	if (d == NULL || *d != '{')
		return 0;
	de = value_end(d, e);
	v = member(d, de, "recipients");
	if (v == NULL || *v != '[')
		return 0;
	ve = value_end(v, de);
	resp = string_member(&rep->arena, d, de, "smtpResponse");
	for (q = v + 1; (q = memchr(q, '"', (size_t)(ve - q))) != NULL;) {
		const char *qe = memchr(q + 1, '"', (size_t)(ve - q - 1));
		struct report_rcpt *r;

		if (qe == NULL)
			break;
		r = add(rep, arena_strndup(&rep->arena, q + 1,
				 (size_t)(qe - q - 1)));
		if (r != NULL) {
			r->action = "delivered";
			r->diagnostic = resp;
			n++;
		}
		q = qe + 1;
	}
	return n;
}

static size_t
ses_parse(struct report *rep, const char *text, size_t len)
{
	const char *b = memchr(text, '{', len), *e;
	size_t n;

	if (b == NULL)
		return 0;
	e = value_end(b, text + len);
	/* complaints ("complainedRecipients") are no bounces: not read */
	n = bounced(rep, b, e);
	if (n == 0)
		n = delivered(rep, b, e);
	return n;
}

const struct legacy_family legacy_family_amazonses = {
	.name = "amazonses",
	.body = body,
	.parse = ses_parse,
};
