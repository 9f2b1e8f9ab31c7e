#include "rfc3464.h"

#include <string.h>

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

/* "rfc822; a@b" -> text after the type; the type is returned in *type_r */
static const char *
typed_value(struct arena *a, const struct dsn_field *f, const char **type_r)
{
	const char *semi = memchr(f->value, ';', f->vlen);
	char *v;

	/* a type is one short token ("smtp", "rfc822", "X-Postfix") */
	if (semi != NULL) {
		const char *p = f->value;

		while (p < semi && (*p == ' ' || *p == '\t'))
			p++;
		if (semi - p > 24 || memchr(p, ' ', (size_t)(semi - p)) != NULL)
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
	return v;
}

static const char *
plain_value(struct arena *a, const struct dsn_field *f)
{
	char *v = arena_strndup(a, f->value, f->vlen);

	str_squeeze(v);
	return v;
}

size_t
dsn_parse(struct report *rep, const char *s, size_t len)
{
	struct report_rcpt *r = NULL;
	struct dsn_field f;
	size_t pos = 0, n = 0;
	const char *type;
	bool have_final = false;

	while (dsn_next(s, len, &pos, &f) == 1) {
		if (f.blank_before && r != NULL && r->recipient != NULL)
			r = NULL;
		if (is(&f, "Reporting-MTA")) {
			rep->reporting_mta = typed_value(&rep->arena, &f, NULL);
			continue;
		}
		if (is(&f, "Final-Recipient") || is(&f, "Original-Recipient") ||
		    is(&f, "X-Actual-Recipient")) {
			bool final = !is(&f, "Original-Recipient");
			const char *v = typed_value(&rep->arena, &f, NULL);
			const char *addr = report_address(&rep->arena, v, strlen(v));

			/* the fields of one group come in any order: only a
			 * repeated field starts the next recipient */
			if (r != NULL && ((is(&f, "Final-Recipient") &&
						  have_final) ||
					     (!final && r->original_recipient)))
				r = NULL;
			if (r == NULL) {
				if ((r = report_add_rcpt(rep)) == NULL)
					break;
				n++;
				have_final = false;
			}
			/* X-Actual-Recipient stands in until Final-Recipient */
			if (is(&f, "Final-Recipient")) {
				r->recipient = addr;
				have_final = true;
			} else if (final) {
				if (r->recipient == NULL)
					r->recipient = addr;
			} else {
				r->original_recipient = addr;
			}
			continue;
		}
		if (!(is(&f, "Action") || is(&f, "Status") ||
			is(&f, "Diagnostic-Code") || is(&f, "Remote-MTA")))
			continue; /* per-message or extension field */
		if (r == NULL) {
			if ((r = report_add_rcpt(rep)) == NULL)
				break;
			have_final = false;
			n++;
		}
		if (is(&f, "Action")) {
			char *v = arena_strndup(&rep->arena, f.value, f.vlen);
			char *sp;

			str_squeeze(v);
			sp = strpbrk(v, " (");
			if (sp != NULL) /* "failed (bad mailbox)" */
				*sp = '\0';
			r->action = str_lower(v);
		} else if (is(&f, "Status")) {
			const char *v = plain_value(&rep->arena, &f);
			const char *c = strchr(v, '(');

			if (find_status_code(v, strlen(v), r->status) == NULL)
				r->status[0] = '\0';
			/* RFC 3464 2.3.4 allows a comment: "4.0.0 (host name
			 * lookup failure)"; words of last resort when neither a
			 * Diagnostic-Code nor the prose has any (report.c) */
			if (c != NULL) {
				char *d = arena_strdup(&rep->arena, c + 1);
				char *e = strrchr(d, ')');

				if (e != NULL)
					*e = '\0';
				if (str_squeeze(d) > 0)
					r->status_comment = d;
			}
		} else if (is(&f, "Diagnostic-Code")) {
			r->diagnostic = typed_value(&rep->arena, &f, &type);
			r->diagnostic_type = type;
		} else {
			r->remote_mta = typed_value(&rep->arena, &f, NULL);
		}
	}
	return n;
}
