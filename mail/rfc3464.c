#include "rfc3464.h"
#include "rfc5322_date.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "common/mailbox.h"
#include "common/strutil.h"

/* One unfolded field: name[0..nlen), value[0..vlen) borrowed from s. */
struct dsn_field {
	const char *name, *value;
	size_t nlen, vlen;
	bool blank_before; /* a group boundary precedes it (2.1) */
};

/*
 * Iterator over the fields of s: returns 1 with *f filled, 0 at the end.
 * Lines without a colon that are not continuations are skipped (some MTAs
 * put prose in the report).
 */
static int
dsn_next(const char *s, size_t len, size_t *pos, struct dsn_field *f)
{
	size_t i = *pos, e, c;

	f->blank_before = false;
	for (;;) {
		if (i >= len)
			return 0;
		e = i;
		while (e < len && s[e] != '\n')
			e++;
		/* bounded: s need not be NUL-terminated (strspn would run on) */
		for (c = i; c < e && (s[c] == ' ' || s[c] == '\t'); c++)
			;
		if (c == e) {
			f->blank_before = true;
			i = e + 1;
			continue;
		}
		if (s[i] == ' ' || s[i] == '\t') { /* stray continuation */
			i = e + 1;
			continue;
		}
		for (c = i; c < e && s[c] != ':' && s[c] != ' '; c++)
			;
		if (c < e && s[c] == ' ') { /* "Name :" is tolerated */
			size_t k = c;

			while (k < e && s[k] == ' ')
				k++;
			if (k < e && s[k] == ':') {
				f->nlen = c - i;
				c = k;
			} else {
				i = e + 1;
				continue;
			}
		} else if (c >= e) {
			i = e + 1;
			continue;
		} else {
			f->nlen = c - i;
		}
		f->name = s + i;
		f->value = s + c + 1;
		/* RFC 3464 2.1.1: continuation lines start with white space */
		while (e + 1 < len && (s[e + 1] == ' ' || s[e + 1] == '\t')) {
			e++;
			while (e < len && s[e] != '\n')
				e++;
		}
		f->vlen = (size_t)(s + e - f->value);
		*pos = e + 1;
		return 1;
	}
}

static bool
is(const struct dsn_field *f, const char *name)
{
	return strlen(name) == f->nlen && ci_starts(f->name, f->nlen, name);
}

/*
 * A NUL decoded at the end of a value (SUB, mail_part_text()) is padding:
 * the line ends the value, so nothing was cut from what precedes it.
 */
static void
trim_holes(char *v)
{
	size_t n = strlen(v);

	while (n > 0 && (v[n - 1] == 0x1a || v[n - 1] == ' '))
		v[--n] = '\0';
}

/* "rfc822; a@b" -> text after the type; the type is returned in *type_r */
static const char *
typed_value(struct arena *a, const struct dsn_field *f, const char **type_r)
{
	const char *semi = memchr(f->value, ';', f->vlen);
	char *v;

	/* a type is one short token ("smtp", "rfc822", "X-Postfix") */
	if (semi != NULL) {
		const char *p = f->value;

		const char *e = semi;

		while (p < semi && (*p == ' ' || *p == '\t'))
			p++;
		/* "X-Unix ; 73": white space before the ';' is no word */
		while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (e == p || e - p > 24 ||
		    memchr(p, ' ', (size_t)(e - p)) != NULL ||
		    memchr(p, '\t', (size_t)(e - p)) != NULL)
			semi = NULL;
	}

	if (semi == NULL) {
		if (type_r != NULL)
			*type_r = NULL;
		v = arena_strndup(a, f->value, f->vlen);
	} else {
		if (type_r != NULL) {
			char *t = arena_strndup(a, f->value,
			    (size_t)(semi - f->value));

			str_squeeze(t);
			*type_r = str_lower(t);
		}
		v = arena_strndup(a, semi + 1,
		    f->vlen - (size_t)(semi + 1 - f->value));
	}
	str_squeeze(v);
	trim_holes(v);
	return v;
}

static const char *
plain_value(struct arena *a, const struct dsn_field *f)
{
	char *v = arena_strndup(a, f->value, f->vlen);

	str_squeeze(v);
	return v;
}

/*
 * RFC 5321 4.5.3.1.3: a path is at most 256 octets. Four times that leaves
 * room for a display name, comments and a source route; a longer value is
 * no address (hostile input) and is not walked.
 */
#define DSN_MAX_ADDR 1024

/* RFC 5322 3.2.3 atext, and UTF-8 bytes (RFC 6532 3.2) */
static bool
atext(int c)
{
	return bd_isalpha(c) || bd_isdigit(c) || c >= 0x80 ||
	    (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

/*
 * RFC 5322 3.2.2 comments, "(Jane Doe)", nested and escaped, are dropped in
 * place; a parenthesis inside a quoted string is no comment.
 */
static void
strip_comments(char *s)
{
	char *r, *w = s;
	int depth = 0;
	bool quoted = false;

	for (r = s; *r != '\0'; r++) {
		if (*r == '\\' && r[1] != '\0') {
			if (depth == 0) {
				*w++ = *r;
				*w++ = r[1];
			}
			r++;
			continue;
		}
		if (depth == 0 && *r == '"')
			quoted = !quoted;
		else if (!quoted && *r == '(') {
			depth++;
			continue;
		} else if (!quoted && *r == ')' && depth > 0) {
			depth--;
			continue;
		}
		if (depth == 0)
			*w++ = *r;
	}
	*w = '\0';
}

/*
 * The first c in s outside a quoted string, or NULL; last: the last one.
 */
static char *
unquoted_chr(char *s, int c, bool last)
{
	char *found = NULL;
	bool quoted = false;

	for (; *s != '\0'; s++) {
		if (*s == '\\' && s[1] != '\0') {
			s++;
			continue;
		}
		if (*s == '"')
			quoted = !quoted;
		else if (!quoted && *s == c) {
			found = s;
			if (!last)
				break;
		}
	}
	return found;
}

static unsigned long
hexval(int c)
{
	return bd_isdigit(c) ? (unsigned long)(c - '0')
			     : (unsigned long)(bd_lower(c) - 'a' + 10);
}

/*
 * RFC 6533 3: a "utf-8" address may carry "\x{HEXPOINT}" for a character
 * the transport could not take; decoded in place (never longer).
 */
static void
utf8_unescape(char *s)
{
	char *r = s, *w = s;

	while (*r != '\0') {
		unsigned long cp = 0;
		size_t n = 0;

		if (r[0] == '\\' && bd_lower((unsigned char)r[1]) == 'x' &&
		    r[2] == '{') {
			while (n < 6 && isxdigit((unsigned char)r[3 + n])) {
				cp = cp * 16 + hexval(r[3 + n]);
				n++;
			}
		}
		if (n == 0 || r[3 + n] != '}' || cp == 0 || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff)) {
			*w++ = *r++;
			continue;
		}
		r += 4 + n;
		if (cp < 0x80) {
			*w++ = (char)cp;
		} else if (cp < 0x800) {
			*w++ = (char)(0xc0 | (cp >> 6));
			*w++ = (char)(0x80 | (cp & 0x3f));
		} else if (cp < 0x10000) {
			*w++ = (char)(0xe0 | (cp >> 12));
			*w++ = (char)(0x80 | ((cp >> 6) & 0x3f));
			*w++ = (char)(0x80 | (cp & 0x3f));
		} else {
			*w++ = (char)(0xf0 | (cp >> 18));
			*w++ = (char)(0x80 | ((cp >> 12) & 0x3f));
			*w++ = (char)(0x80 | ((cp >> 6) & 0x3f));
			*w++ = (char)(0x80 | (cp & 0x3f));
		}
	}
	*w = '\0';
}

/*
 * A quoted local part whose content is only atext and dots is the same
 * local part unquoted (RFC 5322 3.2.4: "quoted-string is identical to
 * atom, semantically"); Postfix writes that form in Original-Recipient.
 * Anything else keeps its quotes and escapes ("chris moe", "a\"b").
 * Returns the local part to keep, or NULL when it is none.
 */
static char *
local_part(char *lp)
{
	size_t n = strlen(lp), i;
	char *r, *w;

	if (n >= 2 && lp[0] == '"' && lp[n - 1] == '"') {
		for (i = 1; i < n - 1; i++) {
			if (lp[i] == '\\' && i + 2 < n)
				i++;
			if (!atext((unsigned char)lp[i]) && lp[i] != '.')
				break;
		}
		if (n == 2 || i < n - 1)
			return n == 2 ? NULL : lp; /* "" or "chris moe" */
		lp[n - 1] = '\0';
		for (r = lp + 1, w = lp + 1; *r != '\0'; r++) {
			if (*r == '\\' && r[1] != '\0')
				r++;
			*w++ = *r;
		}
		*w = '\0';
		return lp + 1;
	}
	for (i = 0; lp[i] != '\0' && (atext((unsigned char)lp[i]) ||
					 lp[i] == '.');
	     i++)
		;
	return i > 0 && lp[i] == '\0' ? lp : NULL;
}

/*
 * A domain that mail can be sent to: a dotted name (UTF-8 labels allowed,
 * RFC 6531) or an address literal. The root's trailing dot (RFC 1034 3.1)
 * is dropped; a name without a dot is a local host name, no address.
 */
static bool
domain_ok(char *d)
{
	size_t n = strlen(d), i;

	if (n > 0 && d[n - 1] == '.')
		d[--n] = '\0';
	if (n > 2 && d[0] == '[')
		return d[n - 1] == ']';
	if (n == 0 || d[0] == '.' || strstr(d, "..") != NULL ||
	    strchr(d, '.') == NULL)
		return false;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)d[i];

		if (!(bd_isalpha(c) || bd_isdigit(c) || c == '-' || c == '.' ||
			c >= 0x80))
			return false;
	}
	return true;
}

/*
 * The strict reading: "Name <a@b>", "<@relay:a@b>", "a@b (comment)",
 * "\"x\"@b", "a@b." -> the addr-spec, lower case; NULL when v holds none.
 */
static const char *
addr_spec(struct arena *a, const char *type, const char *v)
{
	char *s = arena_strdup(a, v), *lt, *gt, *at, *lp;
	size_t n;

	if (type != NULL && strcmp(type, "utf-8") == 0)
		utf8_unescape(s);
	strip_comments(s);
	if ((lt = unquoted_chr(s, '<', false)) != NULL) {
		s = lt + 1;
		if ((gt = unquoted_chr(s, '>', false)) != NULL)
			*gt = '\0';
	}
	/* RFC 5321 4.1.2 and C: a source route "@relay:" is ignored */
	if (s[0] == '@' && (lt = unquoted_chr(s, ':', false)) != NULL)
		s = lt + 1;
	n = str_squeeze(s);
	if (n == 0 || unquoted_chr(s, ' ', false) != NULL ||
	    (at = unquoted_chr(s, '@', true)) == NULL)
		return NULL;
	*at = '\0';
	if ((lp = local_part(s)) == NULL || !domain_ok(at + 1))
		return NULL;
	n = strlen(lp) + 1 + strlen(at + 1) + 1;
	s = arena_alloc(a, n);
	snprintf(s, n, "%s@%s", lp, at + 1);
	/* what is left must be a mailbox: "a@[1.2.3.4 > x]" is none */
	if (!mailbox_valid(s, n - 1))
		return NULL;
	return str_lower(s);
}

/* A byte that an address could go on with */
static bool
addr_byte(int c)
{
	return atext(c) || c == '.';
}

/*
 * The address found at as[0..alen) in the field value v is the one v
 * names: white space does not join it to more of an address. "us er@x"
 * (a NUL read as a space, a tab) names neither "er@x" nor anything, and
 * "a@b.c d" not "a@b.c"; a delimiter may follow ("a@b; junk").
 */
static bool
loose_whole(const char *v, const char *as, size_t alen)
{
	const char *p = as, *e = as + alen;

	while (p > v && bd_isspace((unsigned char)p[-1]))
		p--;
	if (p < as && p > v && addr_byte((unsigned char)p[-1]))
		return false;
	while (*e != '\0' && bd_isspace((unsigned char)*e))
		e++;
	return e == as + alen || !addr_byte((unsigned char)*e);
}

const char *
dsn_address(struct arena *a, const char *type, const char *v)
{
	const char *r, *as;
	size_t alen;

	if (v == NULL || strlen(v) > DSN_MAX_ADDR)
		return NULL;
	if ((r = addr_spec(a, type, v)) != NULL)
		return r;
	/* what the strict reading refuses ("a@b; junk") is still looked
	 * for the way every other producer does, but whole */
	if (!find_address(v, strlen(v), &as, &alen) ||
	    !loose_whole(v, as, alen))
		return NULL;
	return report_address(a, as, alen);
}

const char *
dsn_field_address(struct report *rep, const char *type, const char *v)
{
	const char *r;

	if ((rep->mail_flags & MAIL_F_HAS_NULS) == 0)
		return dsn_address(&rep->arena, type, v);
	if (v == NULL || strlen(v) > DSN_MAX_ADDR ||
	    (r = addr_spec(&rep->arena, type, v)) == NULL)
		return NULL;
	/* a quoted "us er" may have been "us\0er" */
	return strchr(r, ' ') == NULL ? r : NULL;
}

/*
 * One recipient group's address fields, kept raw until the group ends:
 * which one names the recipient depends on all of them (RFC 3464 2.1:
 * the fields come in any order).
 */
struct dsn_group {
	struct report_rcpt *r;
	const char *final, *final_type; /* 2.3.2 */
	const char *orig, *orig_type;	/* 2.3.1 */
	const char *actual, *actual_type; /* Sendmail, Exim, Postfix */
	bool other; /* Action, Status, ... seen */
};

/*
 * A blank line ends a group that names its recipient (2.1); an
 * Original-Recipient alone may still be followed by the rest of its group.
 */
static bool
group_named(const struct dsn_group *g)
{
	return g->final != NULL || g->actual != NULL ||
	    (g->orig != NULL && g->other);
}

/*
 * RFC 3464 2.3.2: Final-Recipient names the recipient, but an MTA writes
 * there what it last delivered to: an X.400 name, a bare local part
 * ("rfc822; jdoe"), "system; <>", a program or a file. Then 2.3.1's
 * Original-Recipient -- the address as the sender gave it, which is what
 * a list manager matches its subscriber on -- names it, and last the
 * alias expansion's X-Actual-Recipient. All three are kept as evidence.
 */
static void
group_end(struct report *rep, struct dsn_group *g)
{
	struct report_rcpt *r = g->r;
	const char *fin;

	if (r == NULL)
		return;
	fin = dsn_field_address(rep, g->final_type, g->final);
	r->original_recipient = dsn_field_address(rep, g->orig_type, g->orig);
	r->actual_recipient = dsn_field_address(rep, g->actual_type, g->actual);
	if (fin != NULL) {
		r->recipient = fin;
		r->recipient_from = "Final-Recipient";
	} else if (r->original_recipient != NULL) {
		r->recipient = r->original_recipient;
		r->recipient_from = "Original-Recipient";
	} else if (r->actual_recipient != NULL) {
		r->recipient = r->actual_recipient;
		r->recipient_from = "X-Actual-Recipient";
	}
	memset(g, 0, sizeof(*g));
}

/*
 * Final-Recipient, Original-Recipient or X-Actual-Recipient: a repeated
 * one starts the next group (the fields of one group come in any order).
 */
static bool
address_field(struct report *rep, struct dsn_group *g, size_t *n,
    const struct dsn_field *f)
{
	const char **v, **t;

	if (is(f, "Final-Recipient")) {
		v = &g->final;
		t = &g->final_type;
	} else if (is(f, "Original-Recipient")) {
		v = &g->orig;
		t = &g->orig_type;
	} else if (is(f, "X-Actual-Recipient")) {
		v = &g->actual;
		t = &g->actual_type;
	} else {
		return false;
	}
	if (g->r != NULL && *v != NULL)
		group_end(rep, g);
	if (g->r == NULL) {
		if ((g->r = report_add_rcpt(rep)) == NULL)
			return true;
		(*n)++;
	}
	*v = typed_value(&rep->arena, f, t);
	/* a NUL from a decoded part would end the copy early: the address
	 * went on, so the field names none ("" keeps the group's shape) */
	if (memchr(f->value, '\0', f->vlen) != NULL)
		*v = "";
	return true;
}

/* Action, Status, Diagnostic-Code and Remote-MTA into r. */
static void
rcpt_field(struct report *rep, struct report_rcpt *r,
    const struct dsn_field *f)
{
	const char *type;

	if (is(f, "Action")) {
		char *v = arena_strndup(&rep->arena, f->value, f->vlen);
		char *sp;

		str_squeeze(v);
		sp = strpbrk(v, " (");
		if (sp != NULL) /* "failed (bad mailbox)" */
			*sp = '\0';
		r->action = str_lower(v);
	} else if (is(f, "Status")) {
		const char *v = plain_value(&rep->arena, f);
		const char *c = strchr(v, '(');

		if (find_status_code(v, strlen(v), r->status) == NULL)
			r->status[0] = '\0';
		/* RFC 3464 2.3.4 allows a comment: "4.0.0 (host name lookup
		 * failure)"; words of last resort when neither a
		 * Diagnostic-Code nor the prose has any (report.c) */
		if (c != NULL) {
			char *d = arena_strdup(&rep->arena, c + 1);
			char *e = strrchr(d, ')');

			if (e != NULL)
				*e = '\0';
			if (str_squeeze(d) > 0)
				r->status_comment = d;
		}
	} else if (is(f, "Diagnostic-Code")) {
		/* RFC 3464 2.3.6: the type says whose words these are
		 * ("smtp", "x-unix": a local mailer's); kept lower case. An
		 * empty text is none, so the prose can stand in. */
		r->diagnostic = typed_value(&rep->arena, f, &type);
		r->diagnostic_type = type;
		if (r->diagnostic[0] == '\0')
			r->diagnostic = NULL;
	} else {
		r->remote_mta = typed_value(&rep->arena, f, NULL);
	}
}

size_t
dsn_parse(struct report *rep, const char *s, size_t len)
{
	struct dsn_group g;
	struct dsn_field f;
	size_t pos = 0, n = 0;

	memset(&g, 0, sizeof(g));
	while (dsn_next(s, len, &pos, &f) == 1) {
		if (f.blank_before && g.r != NULL && group_named(&g))
			group_end(rep, &g);
		if (is(&f, "Reporting-MTA")) {
			rep->reporting_mta = typed_value(&rep->arena, &f, NULL);
			continue;
		}
		/* issue 17 item 5: the dates, RFC 3464 2.2.5 and 2.3.6 */
		if (is(&f, "Arrival-Date")) {
			rep->arrival = mail_parse_date(plain_value(&rep->arena,
			    &f));
			continue;
		}
		if (is(&f, "Last-Attempt-Date")) {
			if (g.r != NULL)
				g.r->last_attempt = mail_parse_date(
				    plain_value(&rep->arena, &f));
			continue;
		}
		if (address_field(rep, &g, &n, &f)) {
			if (g.r == NULL) {
				/* MAIL_MAX_RCPTS: count the rest by their
				 * Final-Recipient (RFC 3464 2.3.2: required),
				 * keep none */
				if (!is(&f, "Final-Recipient"))
					rep->rcpt_dropped--;
				while (dsn_next(s, len, &pos, &f) == 1)
					if (is(&f, "Final-Recipient"))
						rep->rcpt_dropped++;
				break;
			}
			continue;
		}
		if (!(is(&f, "Action") || is(&f, "Status") ||
			is(&f, "Diagnostic-Code") || is(&f, "Remote-MTA")))
			continue; /* per-message or extension field */
		if (g.r == NULL) {
			if ((g.r = report_add_rcpt(rep)) == NULL)
				break;
			n++;
		}
		rcpt_field(rep, g.r, &f);
		g.other = true;
	}
	group_end(rep, &g);
	return n;
}
