/*
 * Finding the provider that answered and its documented reason for a
 * diagnostic (provider.h); the tables are in provider_table.c. Linear:
 * case-insensitive substring searches only.
 */
#include "provider.h"

#include <string.h>

#include "classify.h"
#include "common/strutil.h"
#include "mail/mail_limits.h"

static bool
is_alnum(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       bd_isdigit(c);
}

/* a character that can continue a host name or a code */
static bool
word_char(int c)
{
	return is_alnum(c) || c == '-' || c == '_';
}

/* host is suffix, or ends in "." suffix */
static bool
host_matches(const char *host, size_t n, const char *suffix)
{
	size_t m = strlen(suffix);

	if (n < m || memcmp(host + n - m, suffix, m) != 0)
		return false;
	return n == m || host[n - m - 1] == '.';
}

/*
 * The provider whose host suffix s (the first word of an MTA field:
 * "mx.example.cox.net", "host. (192.0.2.1, ...)") ends in, or NULL.
 */
static const struct provider *
by_host(const char *s)
{
	char host[256];
	size_t n = 0, i, k;

	if (s == NULL)
		return NULL;
	while (bd_isspace((unsigned char)*s))
		s++;
	while (s[n] != '\0' && !bd_isspace((unsigned char)s[n]) &&
	       s[n] != '(' && s[n] != '[' && s[n] != ';' && s[n] != ':') {
		if (n + 1 >= sizeof(host))
			return NULL;
		host[n] = (char)bd_lower((unsigned char)s[n]);
		n++;
	}
	while (n > 0 && host[n - 1] == '.')
		n--;
	host[n] = '\0';
	if (n == 0)
		return NULL;
	for (i = 0; i < provider_count; i++) {
		const struct provider *p = &provider_table[i];

		for (k = 0; p->hosts != NULL && p->hosts[k] != NULL; k++) {
			if (host_matches(host, n, p->hosts[k]))
				return p;
		}
	}
	return NULL;
}

/*
 * The first occurrence of needle (lower case) in s[0..len) that starts a
 * word: at the start or after a character that cannot continue one, and
 * never after '@' (an address names a mailbox, not the host that spoke).
 */
static const char *
find_word(const char *s, size_t len, const char *needle, size_t nlen)
{
	const char *p = s, *end = s + len, *hit;

	while (p < end && (hit = ci_find_lower(
			       p, (size_t)(end - p), needle, nlen)) != NULL) {
		if (hit == s ||
		    (!word_char((unsigned char)hit[-1]) && hit[-1] != '@'))
			return hit;
		p = hit + 1;
	}
	return NULL;
}

/* A host of the provider named as one in s: "...cox.net", not "@cox.net"
 * nor "cox.network". */
static bool
names_host(const char *s, size_t len, const char *suffix)
{
	const char *p = s, *end = s + len, *hit;
	size_t m = strlen(suffix);

	while (p < end &&
	       (hit = ci_find_lower(p, (size_t)(end - p), suffix, m)) != NULL) {
		const char *after = hit + m;
		bool start_ok =
		    hit == s || hit[-1] == '.' ||
		    (!word_char((unsigned char)hit[-1]) && hit[-1] != '@');
		bool end_ok =
		    after == end || (!word_char((unsigned char)*after) &&
					!(*after == '.' && after + 1 < end &&
					    is_alnum((unsigned char)after[1])));

		if (start_ok && end_ok)
			return true;
		p = hit + 1;
	}
	return false;
}

/* The provider that s names by one of its own codes or one of its hosts. */
static const struct provider *
by_text(const char *s, size_t len)
{
	size_t i, k;

	for (i = 0; i < provider_count; i++) {
		const struct provider *p = &provider_table[i];

		for (k = 0; p->ids != NULL && p->ids[k] != NULL; k++) {
			if (find_word(s, len, p->ids[k], strlen(p->ids[k])) !=
			    NULL)
				return p;
		}
	}
	for (i = 0; i < provider_count; i++) {
		const struct provider *p = &provider_table[i];

		for (k = 0; p->hosts != NULL && p->hosts[k] != NULL; k++) {
			if (names_host(s, len, p->hosts[k]))
				return p;
		}
	}
	return NULL;
}

const struct provider *
provider_identify(const struct report *rep, const struct report_rcpt *r)
{
	const struct provider *p;

	if ((p = by_host(r->remote_mta)) != NULL)
		return p;
	if (r->diagnostic != NULL &&
	    (p = by_text(
		 r->diagnostic, strnlen(r->diagnostic, MAIL_MAX_DIAG))) != NULL)
		return p;
	/* without a remote MTA, the reporting MTA is the one that refused */
	if (r->remote_mta == NULL || r->remote_mta[0] == '\0')
		return by_host(rep->reporting_mta);
	return NULL;
}

/* Reads up to 6 digits at *pp into *v; returns how many. */
static int
digits(const char **pp, const char *end, int *v)
{
	const char *p = *pp;
	int n = 0;

	*v = 0;
	while (p < end && bd_isdigit((unsigned char)*p) && n < 6) {
		*v = *v * 10 + (*p - '0');
		p++;
		n++;
	}
	*pp = p;
	return n;
}

int
provider_code(const struct provider *p, const char *s, size_t len)
{
	const char *end = s + len;
	size_t k;

	for (k = 0; p->num_tags != NULL && p->num_tags[k] != NULL; k++) {
		size_t tl = strlen(p->num_tags[k]);
		const char *from = s, *hit;

		while ((hit = find_word(from, (size_t)(end - from),
			    p->num_tags[k], tl)) != NULL) {
			const char *q = hit + tl;
			int a, b;
			int na = digits(&q, end, &a);

			from = hit + 1;
			/* "NNN_NNN" or "_NNN": the last number is the code */
			if (q < end && (*q == '_' || *q == '-')) {
				q++;
				if (digits(&q, end, &b) == 0)
					continue;
				a = b;
			} else if (na == 0) {
				continue;
			}
			if (q < end && word_char((unsigned char)*q))
				continue;
			return a;
		}
	}
	return -1;
}

bool
provider_reason(const struct report *rep, const struct report_rcpt *r,
    struct provider_verdict *pv)
{
	const struct provider *p;
	const char *d = r->diagnostic;
	char low[MAIL_MAX_DIAG + 1];
	size_t len, k;
	int code;

	if (d == NULL || d[0] == '\0')
		return false;
	if ((p = provider_identify(rep, r)) == NULL)
		return false;
	len = strnlen(d, MAIL_MAX_DIAG); /* the part classify.c reads */
	for (k = 0; k < len; k++)
		low[k] = (char)bd_lower((unsigned char)d[k]);
	low[len] = '\0';
	code = provider_code(p, d, len);
	for (k = 0; k < p->nentries; k++) {
		const struct provider_entry *e = &p->entries[k];

		if (e->text != NULL ? !classify_match(low, len, e->text)
				    : code < e->lo || code > e->hi)
			continue;
		pv->reason = e->reason;
		pv->rule = e->name;
		pv->matched = e->text != NULL ? e->text : e->name;
		pv->flags = e->flags;
		pv->provider = p;
		return true;
	}
	return false;
}
