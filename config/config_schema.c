/*
 * The schema: one row per key (Redis static_configs[], Dovecot
 * setting_define), and the code that checks each record of the file
 * against it and fills struct config. Defaults go through the same code
 * as the file, so a default that breaks its own range fails the tests.
 */
#include <assert.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/strutil.h"
#include "common/xmalloc.h"
#include "config_private.h"

#define OFF(m)        offsetof(struct config, m)
#define MINUTE        60u
#define HOUR          3600u
#define DAY           86400u
#define DURATION_HINT "(use 90s, 15m, 4h, 7d)"

const struct config_key config_keys[] = {
    {"database", CFG_PATH, OFF(database), 0, 0, "/var/lib/bounced/bounced.db",
	0},
    {"maildir.path", CFG_PATH, OFF(maildir), 0, 0, "/var/mail/bounces", 0},
    /* NULL: <maildir.path>/.Quarantine, once maildir.path is known */
    {"maildir.quarantine", CFG_PATH, OFF(quarantine), 0, 0, NULL, 0},
    {"maildir.rescan_interval", CFG_DURATION, OFF(rescan_interval), 10, DAY,
	"5m", 0},
    {"maildir.batch_size", CFG_UINT, OFF(batch_size), 1, 10000, "200", 0},
    {"policy.soft_bounce_limit", CFG_UINT, OFF(policy.soft_limit), 1, 1000, "5",
	0},
    {"policy.soft_window", CFG_DURATION, OFF(policy.soft_window), HOUR,
	365 * DAY, "7d", 0},
    {"policy.soft_decay", CFG_DURATION, OFF(policy.soft_decay), HOUR, 365 * DAY,
	"30d", 0},
    {"resend.schedule", CFG_DURATION_LIST, OFF(resend.schedule), MINUTE,
	30 * DAY, "15m, 1h, 4h", OFF(resend.nschedule)},
    {"resend.max_attempts", CFG_UINT, OFF(resend.max_attempts), 1, 50, "3", 0},
    {"log.level", CFG_ENUM, OFF(log_level), 0, 0, "info", 0},
};
const size_t config_nkeys = sizeof(config_keys) / sizeof(config_keys[0]);

struct apply {
	struct config *conf;
	const char *base; /* borrowed: relative paths start here; NULL: cwd */
	struct config_errors *errs;
	struct config_where *where; /* owned, config_nkeys of them */
	unsigned *section_line;     /* owned: by the section's first key */
	unsigned *key_line;         /* owned: where each key was first given */
	const char *suppress;       /* borrowed: a refused mapping's path */
};

int
config_key_find(const char *path)
{
	size_t i;

	for (i = 0; i < config_nkeys; i++)
		if (strcmp(config_keys[i].path, path) == 0)
			return (int)i;
	return -1;
}

/* "maildir" is a section: the index of its first key, or -1. */
static int
section_find(const char *path)
{
	size_t i, n = strlen(path);

	for (i = 0; i < config_nkeys; i++)
		if (strncmp(config_keys[i].path, path, n) == 0 &&
		    config_keys[i].path[n] == '.')
			return (int)i;
	return -1;
}

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

	for (i = 0; text[i] != '\0' && i < 40; i++)
		buf[i] = (unsigned char)text[i] < 0x20 || text[i] == 0x7f
			     ? '?'
			     : text[i];
	strcpy(buf + i, text[i] != '\0' ? "..." : "");
	return buf;
}

static void
default_text(const struct config_key *k, char *buf, size_t size)
{
	if (k->def == NULL)
		snprintf(buf, size, "<maildir.path>/.Quarantine");
	else if (k->type == CFG_DURATION_LIST)
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
set_string(
    struct apply *a, const struct config_key *k, const struct config_value *v)
{
	char **p = slot(a->conf, k->off);
	const char *c;

	/* a newline or an escape in a path is a paste gone wrong */
	for (c = v->text; *c != '\0'; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f) {
			config_error(a->errs, v->line, v->col,
			    "%s: contains a control character", k->path);
			return -1;
		}
	free(*p);
	*p = k->type == CFG_PATH ? resolve(a->base, v->text) : xstrdup(v->text);
	return 0;
}

static int
set_uint(
    struct apply *a, const struct config_key *k, const struct config_value *v)
{
	unsigned long long n;
	char shown[48];

	if (scan_uint(v->text, &n) < 0) {
		config_error(a->errs, v->line, v->col,
		    "%s: \"%s\" is not a whole number", k->path,
		    show(v->text, shown));
		return -1;
	}
	if (n < k->min || n > k->max) {
		config_error(a->errs, v->line, v->col, "%s: %s not in %u..%u",
		    k->path, show(v->text, shown), k->min, k->max);
		return -1;
	}
	*(unsigned *)slot(a->conf, k->off) = (unsigned)n;
	return 0;
}

/* Checks a duration against k's range; for single keys and list items. */
static int
get_duration(struct apply *a, const struct config_key *k,
    const struct config_value *v, unsigned *secs_r)
{
	unsigned long long n;
	const char *why;
	char shown[48], lo[16], hi[16];

	if (scan_duration(v->text, &n, &why) < 0) {
		config_error(a->errs, v->line, v->col,
		    "%s: \"%s\" is not a duration " DURATION_HINT, k->path,
		    show(v->text, shown));
		return -1;
	}
	if (n < k->min || n > k->max) {
		fmt_duration(k->min, lo, sizeof(lo));
		fmt_duration(k->max, hi, sizeof(hi));
		config_error(a->errs, v->line, v->col, "%s: %s not in %s..%s",
		    k->path, show(v->text, shown), lo, hi);
		return -1;
	}
	*secs_r = (unsigned)n;
	return 0;
}

static int
set_duration(
    struct apply *a, const struct config_key *k, const struct config_value *v)
{
	return get_duration(a, k, v, slot(a->conf, k->off));
}

static int
set_enum(
    struct apply *a, const struct config_key *k, const struct config_value *v)
{
	int level = log_level_from_name(v->text);
	char shown[48];

	if (level < 0) {
		config_error(a->errs, v->line, v->col,
		    "%s: \"%s\" is not one of err, warning, notice, info, "
		    "debug",
		    k->path, show(v->text, shown));
		return -1;
	}
	*(int *)slot(a->conf, k->off) = level;
	return 0;
}

/* One item of a list: a duration no shorter than the one before. */
static int
get_item(struct apply *a, const struct config_key *k,
    const struct config_value *v, unsigned prev, unsigned *secs_r)
{
	char shown[48], before[16];

	if (v->node != CONFIG_NODE_SCALAR) {
		config_error(a->errs, v->line, v->col,
		    "%s: a duration expected, not a %s", k->path,
		    v->node == CONFIG_NODE_MAP ? "mapping" : "sequence");
		return -1;
	}
	if (v->null || v->text[0] == '\0') {
		config_error(
		    a->errs, v->line, v->col, "%s: an empty item", k->path);
		return -1;
	}
	if (get_duration(a, k, v, secs_r) < 0)
		return -1;
	/* a backoff: a shorter delay after a longer one is a typo */
	if (*secs_r < prev) {
		fmt_duration(prev, before, sizeof(before));
		config_error(a->errs, v->line, v->col,
		    "%s: %s after %s; the delays must not decrease", k->path,
		    show(v->text, shown), before);
		return -1;
	}
	return 0;
}

static int
set_list(
    struct apply *a, const struct config_key *k, const struct config_record *r)
{
	unsigned vals[CONFIG_MAX_SCHEDULE], secs, prev = 0;
	size_t i;
	int rc = 0;

	if (r->nitems == 0 || r->nitems > CONFIG_MAX_SCHEDULE) {
		config_error(a->errs, r->v.line, r->v.col,
		    r->nitems == 0 ? "%s: no delays; give 1 to %d"
				   : "%s: too many delays; give 1 to %d",
		    k->path, CONFIG_MAX_SCHEDULE);
		rc = -1;
	}
	for (i = 0; i < r->nitems; i++) {
		if (get_item(a, k, &r->items[i], prev, &secs) < 0) {
			rc = -1;
			continue;
		}
		prev = secs;
		if (i < CONFIG_MAX_SCHEDULE)
			vals[i] = secs;
	}
	if (rc == 0) {
		memcpy(slot(a->conf, k->off), vals, r->nitems * sizeof(*vals));
		*(unsigned *)slot(a->conf, k->count_off) = (unsigned)r->nitems;
	}
	return rc;
}

/* A record of the wrong shape for key k, or empty: reported, -1. */
static int
check_shape(
    struct apply *a, const struct config_key *k, const struct config_record *r)
{
	const struct config_value *v = &r->v;
	bool list = k->type == CFG_DURATION_LIST;
	char def[64];

	if (v->node == CONFIG_NODE_SCALAR && (v->null || *v->text == '\0')) {
		default_text(k, def, sizeof(def));
		config_error(a->errs, v->line, v->col,
		    "%s: empty value (leave the key out for the default, %s)",
		    k->path, def);
	} else if (v->node == CONFIG_NODE_MAP ||
		   (v->node == CONFIG_NODE_SEQ && !list)) {
		config_error(a->errs, v->line, v->col,
		    "%s: %s expected, not a %s", k->path,
		    list ? "a sequence of durations" : "a single value",
		    v->node == CONFIG_NODE_MAP ? "mapping" : "sequence");
	} else if (v->node == CONFIG_NODE_SCALAR && list) {
		config_error(a->errs, v->line, v->col,
		    "%s: a sequence of durations expected, like [%s]", k->path,
		    k->def);
	} else {
		return 0;
	}
	return -1;
}

static int
set_value(
    struct apply *a, const struct config_key *k, const struct config_record *r)
{
	if (check_shape(a, k, r) < 0)
		return -1;
	switch (k->type) {
	case CFG_STRING:
	case CFG_PATH:
		return set_string(a, k, &r->v);
	case CFG_UINT:
		return set_uint(a, k, &r->v);
	case CFG_DURATION:
		return set_duration(a, k, &r->v);
	case CFG_DURATION_LIST:
		return set_list(a, k, r);
	case CFG_ENUM:
		return set_enum(a, k, &r->v);
	}
	return -1;
}

static void
apply_key(struct apply *a, int i, const struct config_record *r)
{
	struct config_where *w = &a->where[i];

	if (w->given) {
		config_error(a->errs, r->kline, r->kcol,
		    "%s: given twice (first at line %u)", r->path,
		    a->key_line[i]);
		a->suppress = r->path;
		return;
	}
	w->given = true;
	w->line = r->v.line;
	w->col = r->v.col;
	a->key_line[i] = r->kline;
	if (set_value(a, &config_keys[i], r) < 0) {
		w->bad = true;
		a->suppress = r->path;
	}
}

/* "maildir:" with its keys below, or with nothing (all defaults). */
static void
apply_section(struct apply *a, int i, const struct config_record *r)
{
	const struct config_value *v = &r->v;

	if (a->section_line[i] != 0) {
		config_error(a->errs, r->kline, r->kcol,
		    "%s: given twice (first at line %u)", r->path,
		    a->section_line[i]);
		a->suppress = r->path;
		return;
	}
	a->section_line[i] = r->kline;
	if (v->node == CONFIG_NODE_MAP ||
	    (v->node == CONFIG_NODE_SCALAR && v->null))
		return;
	config_error(a->errs, v->line, v->col,
	    "%s: a mapping expected (its keys indented below it), not a %s",
	    r->path, v->node == CONFIG_NODE_SEQ ? "sequence" : "scalar");
}

static bool
suppressed(const struct apply *a, const char *path)
{
	size_t n;

	if (a->suppress == NULL)
		return false;
	n = strlen(a->suppress);
	return strncmp(path, a->suppress, n) == 0 && path[n] == '.';
}

static void
apply_record(struct apply *a, const struct config_record *r)
{
	int i;

	if (suppressed(a, r->path))
		return;
	if ((i = config_key_find(r->path)) >= 0) {
		apply_key(a, i, r);
	} else if ((i = section_find(r->path)) >= 0) {
		apply_section(a, i, r);
	} else {
		config_error(
		    a->errs, r->kline, r->kcol, "%s: unknown key", r->path);
		a->suppress = r->path;
	}
}

static void
apply_init(struct apply *a, struct config *conf, const char *base,
    struct config_errors *errs)
{
	memset(a, 0, sizeof(*a));
	a->conf = conf;
	a->base = base;
	a->errs = errs;
	a->where = xcalloc(config_nkeys, sizeof(*a->where));
	a->section_line = xcalloc(config_nkeys, sizeof(*a->section_line));
	a->key_line = xcalloc(config_nkeys, sizeof(*a->key_line));
}

static void
apply_deinit(struct apply *a)
{
	free(a->where);
	free(a->section_line);
	free(a->key_line);
}

/* Splits a list default "15m, 1h, 4h" into the items of a record. */
static void
default_record(const struct config_key *k, struct config_record *r)
{
	char *copy, *item, *save = NULL;

	memset(r, 0, sizeof(*r));
	r->path = xstrdup(k->path);
	r->v.node = CONFIG_NODE_SCALAR;
	r->v.text = xstrdup(k->def);
	if (k->type != CFG_DURATION_LIST)
		return;
	r->v.node = CONFIG_NODE_SEQ;
	r->items = xcalloc(CONFIG_MAX_SCHEDULE, sizeof(*r->items));
	copy = xstrdup(k->def);
	for (item = strtok_r(copy, ", ", &save);
	     item != NULL && r->nitems < CONFIG_MAX_SCHEDULE;
	     item = strtok_r(NULL, ", ", &save))
		r->items[r->nitems++].text = xstrdup(item);
	free(copy);
}

static void
derive(struct config *conf)
{
	if (conf->quarantine == NULL)
		conf->quarantine = xasprintf("%s/.Quarantine", conf->maildir);
}

static struct config *
defaults(void)
{
	struct config_errors errs = {.file = "(defaults)"};
	struct config *conf = xcalloc(1, sizeof(*conf));
	struct config_doc doc = {0};
	struct apply a;
	size_t i;

	doc.rec = xcalloc(config_nkeys, sizeof(*doc.rec));
	for (i = 0; i < config_nkeys; i++)
		if (config_keys[i].def != NULL)
			default_record(&config_keys[i], &doc.rec[doc.n++]);
	apply_init(&a, conf, NULL, &errs);
	for (i = 0; i < doc.n; i++)
		apply_record(&a, &doc.rec[i]);
	apply_deinit(&a);
	config_doc_free(&doc);
	/* a row whose default breaks its own range: test_config says which */
	assert(errs.n == 0);
	config_errors_free(&errs);
	return conf;
}

struct config *
config_default(void)
{
	struct config *conf = defaults();

	derive(conf);
	return conf;
}

/*
 * Keys given but broken leave their subtree unread and are not compared
 * by the cross-field rules.
 */
struct config *
config_schema_apply(const struct config_doc *doc, const char *base, bool whole,
    struct config_errors *errs)
{
	struct config *conf = defaults();
	struct apply a;
	size_t i;

	apply_init(&a, conf, base, errs);
	for (i = 0; i < doc->n; i++)
		apply_record(&a, &doc->rec[i]);
	derive(conf);
	if (whole)
		config_check_rules(conf, a.where, errs);
	apply_deinit(&a);
	return conf;
}

void
config_free(struct config **confp)
{
	struct config *conf = *confp;

	if (conf == NULL)
		return;
	free(conf->file);
	free(conf->database);
	free(conf->maildir);
	free(conf->quarantine);
	free(conf);
	*confp = NULL;
}
