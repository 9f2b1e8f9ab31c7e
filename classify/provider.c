/*
 * Finding the provider that answered and its documented reason for a
 * diagnostic (provider.h); the tables are in provider_table.c. Linear:
 * case-insensitive substring searches only.
 */
#include "provider.h"
#include "textkey.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "common/acmatch.h"
#include "common/strutil.h"
#include "common/xmalloc.h"
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
 * Whether hit, in the text that starts at s, starts a word: at the start or
 * after a character that cannot continue one, and never after '@' (an
 * address names a mailbox, not the host that spoke).
 */
static bool
starts_word(const char *s, const char *hit)
{
	return hit == s ||
	    (!word_char((unsigned char)hit[-1]) && hit[-1] != '@');
}

/*
 * The first occurrence of needle (lower case) in s[0..len) that starts a
 * word (starts_word()).
 */
static const char *
find_word(const char *s, size_t len, const char *needle, size_t nlen)
{
	const char *p = s, *end = s + len, *hit;

	while (p < end && (hit = ci_find_lower(
			       p, (size_t)(end - p), needle, nlen)) != NULL) {
		if (starts_word(s, hit))
			return hit;
		p = hit + 1;
	}
	return NULL;
}

/* Whether the m bytes at hit, in s[0..end), name a host as a whole:
 * "...cox.net", not "@cox.net" nor "cox.network". */
static bool
host_at(const char *s, const char *end, const char *hit, size_t m)
{
	const char *after = hit + m;
	bool start_ok = hit == s || hit[-1] == '.' ||
	    (!word_char((unsigned char)hit[-1]) && hit[-1] != '@');
	bool end_ok = after == end || (!word_char((unsigned char)*after) &&
					  !(*after == '.' && after + 1 < end &&
					      is_alnum((unsigned char)after[1])));

	return start_ok && end_ok;
}

/* A host of the provider named as one in s (host_at()). */
static bool
names_host(const char *s, size_t len, const char *suffix)
{
	const char *p = s, *end = s + len, *hit;
	size_t m = strlen(suffix);

	while (p < end &&
	       (hit = ci_find_lower(p, (size_t)(end - p), suffix, m)) != NULL) {
		if (host_at(s, end, hit, m))
			return true;
		p = hit + 1;
	}
	return false;
}

/*
 * by_text()'s tables in one automaton (issue 16 item 1): every provider's
 * ids, then every provider's hosts, each pattern knowing its provider and
 * kind. Built on first use, then only read. A pattern ci_find_lower()
 * could never match (an upper-case letter: the tables are lower case) is
 * left out; one too long for the automaton sends by_text() back to the
 * loops below, so the answer is always theirs.
 */
struct text_pat {
	uint16_t provider;
	bool host;
};

static struct {
	struct acm *acm;
	struct text_pat *pats;
	bool usable;
} text_index;
static pthread_once_t text_once = PTHREAD_ONCE_INIT;

static void
add_pats(const char *const *list, size_t prov, bool host, const char ***v,
    size_t *n)
{
	size_t k, j;

	for (k = 0; list != NULL && list[k] != NULL; k++) {
		const char *w = list[k];

		if (strlen(w) > ACM_MAX_PATTERN)
			text_index.usable = false;
		for (j = 0; w[j] != '\0' && !(w[j] >= 'A' && w[j] <= 'Z'); j++)
			;
		if (w[j] != '\0')
			continue;
		*v = xreallocarray(*v, *n + 1, sizeof(**v));
		text_index.pats = xreallocarray(text_index.pats, *n + 1,
		    sizeof(*text_index.pats));
		(*v)[*n] = w;
		text_index.pats[*n].provider = (uint16_t)prov;
		text_index.pats[*n].host = host;
		(*n)++;
	}
}

static void
text_index_build(void)
{
	const char **v = NULL;
	size_t n = 0, i;

	text_index.usable = provider_count < UINT16_MAX;
	for (i = 0; i < provider_count; i++)
		add_pats(provider_table[i].ids, i, false, &v, &n);
	for (i = 0; i < provider_count; i++)
		add_pats(provider_table[i].hosts, i, true, &v, &n);
	text_index.acm = acm_build(v, n);
	free(v);
}

struct text_scan {
	const char *s, *end;
	size_t by_id, by_host; /* lowest provider index so far */
};

static bool
text_hit(void *arg, size_t i, size_t off)
{
	struct text_scan *ts = arg;
	const struct text_pat *tp = &text_index.pats[i];
	const char *hit = ts->s + off;

	if (!tp->host) {
		if (tp->provider < ts->by_id && starts_word(ts->s, hit))
			ts->by_id = tp->provider;
	} else if (tp->provider < ts->by_host &&
	    host_at(ts->s, ts->end, hit, acm_patlen(text_index.acm, i))) {
		ts->by_host = tp->provider;
	}
	/* nothing comes before the first provider's id */
	return ts->by_id != 0;
}

/*
 * The provider that s names by one of its own codes or one of its hosts:
 * the first in the table with an id that starts a word, else the first
 * with a host named as one. One pass for all of them.
 */
static const struct provider *
by_text(const char *s, size_t len)
{
	struct text_scan ts = { s, s + len, SIZE_MAX, SIZE_MAX };
	size_t i, k;

	pthread_once(&text_once, text_index_build);
	if (text_index.usable) {
		acm_each(text_index.acm, s, len, text_hit, &ts);
		if (ts.by_id != SIZE_MAX)
			return &provider_table[ts.by_id];
		return ts.by_host != SIZE_MAX ? &provider_table[ts.by_host]
					      : NULL;
	}
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

/* Per provider, each text entry's key (textkey.h), found once. */
static struct textkey **entry_keys;
static pthread_once_t entry_once = PTHREAD_ONCE_INIT;

static void
entry_keys_build(void)
{
	size_t i, k;

	entry_keys = xcalloc(provider_count + 1, sizeof(*entry_keys));
	for (i = 0; i < provider_count; i++) {
		const struct provider *p = &provider_table[i];

		entry_keys[i] = xcalloc(p->nentries + 1, sizeof(**entry_keys));
		for (k = 0; k < p->nentries; k++) {
			if (p->entries[k].text != NULL)
				textkey_of(p->entries[k].text, &entry_keys[i][k]);
		}
	}
}

bool
provider_reason(const struct report *rep, const struct report_rcpt *r,
    const struct diagtext *d, struct provider_verdict *pv)
{
	const struct provider *p;
	const struct textkey *keys;
	size_t k;
	int code;

	if (r->diagnostic == NULL || r->diagnostic[0] == '\0')
		return false;
	if ((p = provider_identify(rep, r)) == NULL)
		return false;
	pthread_once(&entry_once, entry_keys_build);
	keys = entry_keys[p - provider_table];
	/* d->buf: the part classify.c reads, lower-cased */
	code = provider_code(p, r->diagnostic, d->len);
	for (k = 0; k < p->nentries; k++) {
		const struct provider_entry *e = &p->entries[k];

		if (e->text != NULL ? !textkey_may(d, &keys[k]) ||
			!classify_match(d->buf, d->len, e->text)
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
