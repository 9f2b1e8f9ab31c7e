/*
 * One record's value against its key's type (config_schema.c has the
 * table): durations, whole numbers, paths, booleans, the TLS modes, a
 * percentage, the lists. Every problem is reported with the value's
 * position; a bad value leaves the default in place.
 */
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/state_base.h"
#include "classify/reason.h"
#include "common/log.h"
#include "common/strutil.h"
#include "common/xmalloc.h"
#include "config_private.h"

#define MINUTE        60u
#define HOUR          3600u
#define DAY           86400u
#define DURATION_HINT "(use 90s, 15m, 4h, 7d)"

static void *
slot(struct config *conf, size_t off)
{
	return (char *)conf + off;
}

/* Digits, then an optional unit; *v_r saturates just above UINT_MAX. */
static int
scan_duration(const char *s, unsigned long long *v_r, const char **error_r)
{
	unsigned long long v = 0, mult = 1;
	const char *p;

	if (*s == '\0') {
		*error_r = "empty";
		return -1;
	}
	if (!bd_isdigit(*s)) {
		*error_r = "not a number followed by s, m, h or d";
		return -1;
	}
	for (p = s; bd_isdigit(*p); p++)
		if (v <= UINT_MAX)
			v = v * 10 + (unsigned)(*p - '0');
	switch (*p) {
	case '\0':
	case 's':
		break;
	case 'm':
		mult = MINUTE;
		break;
	case 'h':
		mult = HOUR;
		break;
	case 'd':
		mult = DAY;
		break;
	default:
		*error_r = "unknown unit; use s, m, h or d";
		return -1;
	}
	if (*p != '\0' && p[1] != '\0') {
		*error_r = "unknown unit; use s, m, h or d";
		return -1;
	}
	v *= mult; /* at most (UINT_MAX * 10 + 9) * DAY: no overflow */
	*v_r = v > UINT_MAX ? (unsigned long long)UINT_MAX + 1 : v;
	return 0;
}

int
config_parse_duration(const char *s, unsigned *secs_r, const char **error_r)
{
	unsigned long long v;

	if (scan_duration(s, &v, error_r) < 0)
		return -1;
	if (v > UINT_MAX) {
		*error_r = "too large";
		return -1;
	}
	*secs_r = (unsigned)v;
	return 0;
}

/* Digits only (no sign, no 0x); saturates just above UINT_MAX. */
static int
scan_uint(const char *s, unsigned long long *v_r)
{
	unsigned long long v = 0;

	if (!bd_isdigit(*s))
		return -1;
	for (; bd_isdigit(*s); s++)
		if (v <= UINT_MAX)
			v = v * 10 + (unsigned)(*s - '0');
	if (*s != '\0')
		return -1;
	*v_r = v;
	return 0;
}

/* The largest unit that divides exactly: 86400 is "1d", 90 is "90s". */
static void
fmt_duration(unsigned secs, char *buf, size_t size)
{
	if (secs != 0 && secs % DAY == 0)
		snprintf(buf, size, "%ud", secs / DAY);
	else if (secs != 0 && secs % HOUR == 0)
		snprintf(buf, size, "%uh", secs / HOUR);
	else if (secs != 0 && secs % MINUTE == 0)
		snprintf(buf, size, "%um", secs / MINUTE);
	else
		snprintf(buf, size, "%us", secs);
}

/*
 * The value as it goes into a message: control characters shown as '?'
 * and cut after 40 bytes, so that a line stays a line and a 1 MiB value
 * does not become a 1 MiB message.
 */
static const char *
show(const char *text, char buf[48])
{
	size_t i;

	for (i = 0; i < 40 && text[i] != '\0'; i++)
		buf[i] = (unsigned char)text[i] < 0x20 || text[i] == 0x7f
			     ? '?'
			     : text[i];
	strcpy(buf + i, text[i] != '\0' ? "..." : "");
	return buf;
}

void
config_default_text(const struct config_key *k, char *buf, size_t size)
{
	if (k->def == NULL)
		snprintf(buf, size, "%s", k->note != NULL ? k->note : "none");
	else if (k->type == CFG_DURATION_LIST || k->type == CFG_REASON_LIST ||
	    k->type == CFG_HEADER_LIST)
		snprintf(buf, size, "[%s]", k->def);
	else
		snprintf(buf, size, "%s", k->def);
}

/*
 * Relative paths are taken from the directory of the file, so that an
 * example config next to its demo Maildir works from any directory.
 */
static char *
resolve(const char *base, const char *text)
{
	size_t n;

	if (text[0] == '/' || base == NULL)
		return xstrdup(text);
	while (text[0] == '.' && text[1] == '/')
		for (text += 2; *text == '/'; text++)
			;
	if (strcmp(text, "") == 0 || strcmp(text, ".") == 0)
		return xstrdup(base);
	n = strlen(base);
	return xasprintf(
	    "%s%s%s", base, n > 0 && base[n - 1] == '/' ? "" : "/", text);
}

static int
set_string(const struct config_target *t, const struct config_key *k,
    const struct config_value *v)
{
	char **p = slot(t->conf, k->off);
	const char *c;

	/* a newline or an escape in a path is a paste gone wrong */
	for (c = v->text; *c != '\0'; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f) {
			config_error(t->errs, v->line, v->col,
			    "%s: contains a control character", k->path);
			return -1;
		}
	free(*p);
	*p = k->type == CFG_PATH && !(k->off == offsetof(struct config,
	    database) && database_is_uri(v->text)) ?
	    resolve(t->base, v->text) : xstrdup(v->text);
	return 0;
}

/* A whole number min..max; for CFG_UINT and CFG_PERCENT (without "%"). */
static int
get_uint(const struct config_target *t, const struct config_key *k,
    const struct config_value *v, const char *digits, unsigned *n_r)
{
	unsigned long long n;
	char shown[48];

	/* "-3" is a whole number, only out of range (issue 17 item 4) */
	if (digits[0] == '-' && scan_uint(digits + 1, &n) == 0) {
		config_error(t->errs, v->line, v->col, "%s: %s not in %u..%u",
		    k->path, show(v->text, shown), k->min, k->max);
		return -1;
	}
	if (scan_uint(digits, &n) < 0) {
		config_error(t->errs, v->line, v->col,
		    k->type == CFG_PERCENT
			? "%s: \"%s\" is not a percentage (use 10 or 10%%)"
			: "%s: \"%s\" is not a whole number",
		    k->path, show(v->text, shown));
		return -1;
	}
	if (n < k->min || n > k->max) {
		config_error(t->errs, v->line, v->col, "%s: %s not in %u..%u",
		    k->path, show(v->text, shown), k->min, k->max);
		return -1;
	}
	*n_r = (unsigned)n;
	return 0;
}

static int
set_uint(const struct config_target *t, const struct config_key *k,
    const struct config_value *v)
{
	return get_uint(t, k, v, v->text, slot(t->conf, k->off));
}

/* "10" or "10%": the sign is allowed because that is how people write it */
static int
set_percent(const struct config_target *t, const struct config_key *k,
    const struct config_value *v)
{
	size_t n = strlen(v->text);
	char *digits = xstrdup(v->text);
	int rc;

	if (n > 1 && digits[n - 1] == '%')
		digits[n - 1] = '\0';
	rc = get_uint(t, k, v, digits, slot(t->conf, k->off));
	free(digits);
	return rc;
}

/* Checks a duration against k's range; for single keys and list items. */
static int
get_duration(const struct config_target *t, const struct config_key *k,
    const struct config_value *v, unsigned *secs_r)
{
	unsigned long long n;
	const char *why;
	char shown[48], lo[16], hi[16];
	bool neg = false;

	/* "-5m": below any range, said as such (issue 17 item 4) */
	if (v->text[0] == '-' && scan_duration(v->text + 1, &n, &why) == 0)
		neg = true;
	else if (scan_duration(v->text, &n, &why) < 0) {
		config_error(t->errs, v->line, v->col,
		    "%s: \"%s\" is not a duration " DURATION_HINT, k->path,
		    show(v->text, shown));
		return -1;
	}
	if (neg || n < k->min || n > k->max) {
		fmt_duration(k->min, lo, sizeof(lo));
		fmt_duration(k->max, hi, sizeof(hi));
		config_error(t->errs, v->line, v->col, "%s: %s not in %s..%s",
		    k->path, show(v->text, shown), lo, hi);
		return -1;
	}
	*secs_r = (unsigned)n;
	return 0;
}

static int
set_duration(const struct config_target *t, const struct config_key *k,
    const struct config_value *v)
{
	return get_duration(t, k, v, slot(t->conf, k->off));
}

static int
set_enum(const struct config_target *t, const struct config_key *k,
    const struct config_value *v)
{
	int level = log_level_from_name(v->text);
	char shown[48];

	if (level < 0) {
		config_error(t->errs, v->line, v->col,
		    "%s: \"%s\" is not one of err, warning, notice, info, "
		    "debug",
		    k->path, show(v->text, shown));
		return -1;
	}
	*(int *)slot(t->conf, k->off) = level;
	return 0;
}

/*
 * The YAML 1.2 core schema's booleans (10.3.2). yes/no/on/off were YAML
 * 1.1 and surprise people ("no" as a country code): not accepted.
 */
static int
set_bool(const struct config_target *t, const struct config_key *k,
    const struct config_value *v)
{
	static const char *const yes[] = {"true", "True", "TRUE"};
	static const char *const no[] = {"false", "False", "FALSE"};
	bool *p = slot(t->conf, k->off);
	char shown[48];
	size_t i;

	for (i = 0; i < 3; i++) {
		if (strcmp(v->text, yes[i]) == 0) {
			*p = true;
			return 0;
		}
		if (strcmp(v->text, no[i]) == 0) {
			*p = false;
			return 0;
		}
	}
	config_error(t->errs, v->line, v->col,
	    "%s: \"%s\" is not true or false", k->path, show(v->text, shown));
	return -1;
}

static int
set_tls(const struct config_target *t, const struct config_key *k,
    const struct config_value *v)
{
	enum config_tls *p = slot(t->conf, k->off);
	char shown[48];

	if (strcmp(v->text, "implicit") == 0)
		*p = CONFIG_TLS_IMPLICIT;
	else if (strcmp(v->text, "starttls") == 0)
		*p = CONFIG_TLS_STARTTLS;
	else if (strcmp(v->text, "none") == 0)
		*p = CONFIG_TLS_NONE;
	else {
		config_error(t->errs, v->line, v->col,
		    "%s: \"%s\" is not one of implicit, starttls, none",
		    k->path, show(v->text, shown));
		return -1;
	}
	return 0;
}

/* An item of a list that is no scalar, or empty: reported, -1. */
static int
check_item(const struct config_target *t, const struct config_key *k,
    const struct config_value *v, const char *what)
{
	if (v->node != CONFIG_NODE_SCALAR) {
		config_error(t->errs, v->line, v->col,
		    "%s: %s expected, not a %s", k->path, what,
		    v->node == CONFIG_NODE_MAP ? "mapping" : "sequence");
		return -1;
	}
	if (v->null || v->text[0] == '\0') {
		config_error(
		    t->errs, v->line, v->col, "%s: an empty item", k->path);
		return -1;
	}
	return 0;
}

/* One item of a list: a duration no shorter than the one before. */
static int
get_item(const struct config_target *t, const struct config_key *k,
    const struct config_value *v, unsigned prev, unsigned *secs_r)
{
	char shown[48], before[16];

	if (check_item(t, k, v, "a duration") < 0)
		return -1;
	if (get_duration(t, k, v, secs_r) < 0)
		return -1;
	/* a backoff: a shorter delay after a longer one is a typo */
	if (*secs_r < prev) {
		fmt_duration(prev, before, sizeof(before));
		config_error(t->errs, v->line, v->col,
		    "%s: %s after %s; the delays must not decrease", k->path,
		    show(v->text, shown), before);
		return -1;
	}
	return 0;
}

static int
set_list(const struct config_target *t, const struct config_key *k,
    const struct config_record *r)
{
	unsigned vals[CONFIG_MAX_SCHEDULE], secs, prev = 0;
	size_t i;
	int rc = 0;

	if (r->nitems == 0 || r->nitems > CONFIG_MAX_SCHEDULE) {
		config_error(t->errs, r->v.line, r->v.col,
		    r->nitems == 0 ? "%s: no delays; give 1 to %d"
				   : "%s: too many delays; give 1 to %d",
		    k->path, CONFIG_MAX_SCHEDULE);
		rc = -1;
	}
	for (i = 0; i < r->nitems; i++) {
		if (get_item(t, k, &r->items[i], prev, &secs) < 0) {
			rc = -1;
			continue;
		}
		prev = secs;
		if (i < CONFIG_MAX_SCHEDULE)
			vals[i] = secs;
	}
	if (rc == 0) {
		memcpy(slot(t->conf, k->off), vals, r->nitems * sizeof(*vals));
		*(unsigned *)slot(t->conf, k->count_off) = (unsigned)r->nitems;
	}
	return rc;
}

void
config_names_free(char ***namesp, size_t *np)
{
	size_t i;

	for (i = 0; i < *np; i++)
		free((*namesp)[i]);
	free(*namesp);
	*namesp = NULL;
	*np = 0;
}

bool
config_field_name(const char *s)
{
	size_t n = 0;

	/* RFC 5322 3.6.8: ftext is %d33-57 / %d59-126; bounded by us */
	for (; s[n] != '\0'; n++)
		if ((unsigned char)s[n] < 33 || (unsigned char)s[n] > 126 ||
		    s[n] == ':')
			return false;
	return n > 0 && n <= CONFIG_FIELD_NAME_MAX;
}

/* An item of a CFG_HEADER_LIST (attribution.headers): a field name,
 * each once whatever its case (RFC 5322 1.2.2). 0, or -1 reported. */
static int
header_item(const struct config_target *t, const struct config_key *k,
    const struct config_value *v, char **names, size_t n)
{
	char shown[48];
	size_t j;

	if (!config_field_name(v->text)) {
		config_error(t->errs, v->line, v->col,
		    "%s: \"%s\" is not a header field name (RFC 5322 3.6.8)",
		    k->path, show(v->text, shown));
		return -1;
	}
	for (j = 0; j < n && strcasecmp(names[j], v->text) != 0; j++)
		;
	if (j < n) {
		config_error(t->errs, v->line, v->col, "%s: %s listed twice",
		    k->path, v->text);
		return -1;
	}
	return 0;
}

static int
set_headers(const struct config_target *t, const struct config_key *k,
    const struct config_record *r)
{
	char **names = xcalloc(r->nitems + 1, sizeof(*names));
	size_t i, n = 0;
	int rc = 0;

	if (r->nitems > k->max) {
		config_error(t->errs, r->v.line, r->v.col,
		    "%s: %zu names, at most %u", k->path, r->nitems, k->max);
		rc = -1;
	}
	for (i = 0; i < r->nitems; i++) {
		const struct config_value *v = &r->items[i];

		if (check_item(t, k, v, "a header field name") < 0 ||
		    header_item(t, k, v, names, n) < 0) {
			rc = -1;
			continue;
		}
		names[n++] = xstrdup(v->text);
	}
	if (rc < 0) {
		config_names_free(&names, &n);
		return -1;
	}
	config_names_free(slot(t->conf, k->off), slot(t->conf, k->count_off));
	*(char ***)slot(t->conf, k->off) = names;
	*(size_t *)slot(t->conf, k->count_off) = n;
	return 0;
}

/*
 * Reason names as classify/reason.h spells them, each once. The names are
 * checked here, where each item's position is known, rather than among
 * the rules of config_check.c.
 */
static int
set_reasons(const struct config_target *t, const struct config_key *k,
    const struct config_record *r)
{
	char **names = xcalloc(r->nitems + 1, sizeof(*names)), shown[48];
	enum reason found[REASON_NAME_MAX];
	size_t i, j, n = 0;
	int rc = 0;

	/* resend.reasons needs one (min 1): resending nothing is
	 * resend.enabled false; policy.sender_reasons may be empty */
	if (r->nitems < k->min) {
		config_error(t->errs, r->v.line, r->v.col,
		    "%s: no reasons; to resend nothing, leave resend.enabled "
		    "false",
		    k->path);
		rc = -1;
	}
	for (i = 0; i < r->nitems; i++) {
		const struct config_value *v = &r->items[i];

		if (check_item(t, k, v, "a reason name") < 0) {
			rc = -1;
			continue;
		}
		/* ours or sisimai 5's (issue 17 item 6) */
		if (reason_lookup(v->text, found) == 0) {
			config_error(t->errs, v->line, v->col,
			    "%s: \"%s\" is not a reason name (see "
			    "bounced.yaml(5))",
			    k->path, show(v->text, shown));
			rc = -1;
			continue;
		}
		for (j = 0; j < n && strcmp(names[j], v->text) != 0; j++)
			;
		if (j < n) {
			config_error(t->errs, v->line, v->col,
			    "%s: %s listed twice", k->path, v->text);
			rc = -1;
			continue;
		}
		names[n++] = xstrdup(v->text);
	}
	if (rc < 0) {
		config_names_free(&names, &n);
		return -1;
	}
	config_names_free(slot(t->conf, k->off), slot(t->conf, k->count_off));
	*(char ***)slot(t->conf, k->off) = names;
	*(size_t *)slot(t->conf, k->count_off) = n;
	return 0;
}

static bool
is_list(const struct config_key *k)
{
	return k->type == CFG_DURATION_LIST || k->type == CFG_REASON_LIST ||
	    k->type == CFG_HEADER_LIST;
}

/* A record of the wrong shape for key k, or empty: reported, -1. */
static int
check_shape(const struct config_target *t, const struct config_key *k,
    const struct config_record *r)
{
	const struct config_value *v = &r->v;
	const char *items = k->type == CFG_REASON_LIST ? "reason names"
	    : k->type == CFG_HEADER_LIST		   ? "header field names"
							   : "durations";
	char def[128];

	if (v->node == CONFIG_NODE_SCALAR && (v->null || *v->text == '\0')) {
		config_default_text(k, def, sizeof(def));
		config_error(t->errs, v->line, v->col,
		    "%s: empty value (leave the key out for the default, %s)",
		    k->path, def);
	} else if (v->node == CONFIG_NODE_MAP ||
		   (v->node == CONFIG_NODE_SEQ && !is_list(k))) {
		if (is_list(k))
			config_error(t->errs, v->line, v->col,
			    "%s: a sequence of %s expected, not a mapping",
			    k->path, items);
		else
			config_error(t->errs, v->line, v->col,
			    "%s: a single value expected, not a %s", k->path,
			    v->node == CONFIG_NODE_MAP ? "mapping"
						       : "sequence");
	} else if (v->node == CONFIG_NODE_SCALAR && is_list(k)) {
		config_error(t->errs, v->line, v->col,
		    "%s: a sequence of %s expected, like [%s]", k->path, items,
		    k->def);
	} else {
		return 0;
	}
	return -1;
}

/* "retention.suppressions:" is a mapping; its items come as records of
 * their own (config_set_map_item()) */
static int
set_map(const struct config_target *t, const struct config_key *k,
    const struct config_value *v)
{
	if (v->node == CONFIG_NODE_MAP ||
	    (v->node == CONFIG_NODE_SCALAR && v->null))
		return 0;
	config_error(t->errs, v->line, v->col,
	    "%s: a mapping of reason: duration expected, like "
	    "{mailboxfull: 30d}", k->path);
	return -1;
}

int
config_set_map_item(const struct config_target *t, const struct config_key *k,
    const struct config_record *r)
{
	const char *name = r->path + strlen(k->path) + 1;
	unsigned *table = slot(t->conf, k->off);
	struct config_key item = *k;
	enum reason re[REASON_NAME_MAX];
	size_t i, nre;
	char shown[48];

	/* ours or sisimai 5's, which may stand for two (issue 17 item 6) */
	if ((nre = reason_lookup(name, re)) == 0) {
		config_error(t->errs, r->kline, r->kcol,
		    "%s: \"%s\" is not a reason (bouncectl parse prints them; "
		    "docs/CLASSIFICATION.md)", k->path, show(name, shown));
		return -1;
	}
	item.path = r->path;
	if (r->v.node != CONFIG_NODE_SCALAR || r->v.null) {
		config_error(t->errs, r->v.line, r->v.col,
		    "%s: a duration expected " DURATION_HINT, r->path);
		return -1;
	}
	if (get_duration(t, &item, &r->v, &table[re[0]]) < 0)
		return -1;
	for (i = 1; i < nre; i++)
		table[re[i]] = table[re[0]];
	return 0;
}

int
config_set_value(const struct config_target *t, const struct config_key *k,
    const struct config_record *r)
{
	if (k->type == CFG_REASON_DURATIONS)
		return set_map(t, k, &r->v);
	if (check_shape(t, k, r) < 0)
		return -1;
	switch (k->type) {
	case CFG_STRING:
	case CFG_PATH:
		return set_string(t, k, &r->v);
	case CFG_UINT:
		return set_uint(t, k, &r->v);
	case CFG_DURATION:
		return set_duration(t, k, &r->v);
	case CFG_DURATION_LIST:
		return set_list(t, k, r);
	case CFG_ENUM:
		return set_enum(t, k, &r->v);
	case CFG_BOOL:
		return set_bool(t, k, &r->v);
	case CFG_TLS:
		return set_tls(t, k, &r->v);
	case CFG_PERCENT:
		return set_percent(t, k, &r->v);
	case CFG_REASON_LIST:
		return set_reasons(t, k, r);
	case CFG_HEADER_LIST:
		return set_headers(t, k, r);
	case CFG_REASON_DURATIONS:
		return set_map(t, k, &r->v);
	}
	return -1;
}
