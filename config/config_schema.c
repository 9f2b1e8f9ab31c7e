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
#include "classify/reason.h"
#include "common/xmalloc.h"
#include "config_private.h"

#define OFF(m)  offsetof(struct config, m)
#define MINUTE  60u
#define HOUR    3600u
#define DAY     86400u
#define NO_AUTH "none: no AUTH"
/* the transient reasons a later attempt may cure (config.h) */
#define RESEND_REASONS                                                         \
	"expired, networkerror, toomanyconn, speeding, systemfull, "           \
	"systemerror, mailboxfull"

/*
 * The reasons that describe the sender, not the recipient: its IP or
 * domain's standing (blocked, badreputation, requireptr), its
 * authentication (authfailure, securityerror, failedstarttls), its rates
 * (toomanyconn, speeding), its relay (norelaying), its envelope sender
 * (rejected) and its message (spamdetected, virusdetected,
 * policyviolation, contenterror, notcompliantrfc, syntaxerror): sisimai's
 * definitions of each (lib/Sisimai/Reason/), docs/CLASSIFICATION.md.
 */
#define SENDER_REASONS                                                         \
	"blocked, badreputation, requireptr, authfailure, securityerror, "     \
	"failedstarttls, toomanyconn, speeding, norelaying, rejected, "        \
	"spamdetected, virusdetected, policyviolation, contenterror, "         \
	"notcompliantrfc, syntaxerror"

/*
 * NULL defaults are either derived once the file is read (derive()) or
 * mean "not set"; the last column says which, for messages.
 */
const struct config_key config_keys[] = {
    {"database", CFG_PATH, OFF(database), 0, 0, "/var/lib/bounced/bounced.db",
	0, NULL},
    {"maildir.path", CFG_PATH, OFF(maildir), 0, 0, "/var/mail/bounces", 0,
	NULL},
    {"maildir.quarantine", CFG_PATH, OFF(quarantine), 0, 0, NULL, 0,
	"<maildir.path>/.Quarantine"},
    {"maildir.rescan_interval", CFG_DURATION, OFF(rescan_interval), 10, DAY,
	"5m", 0, NULL},
    {"maildir.batch_size", CFG_UINT, OFF(batch_size), 1, 10000, NULL, 0,
	"1000"},
    {"imap.host", CFG_STRING, OFF(imap.host), 0, 0, NULL, 0,
	"none: no IMAP source"},
    /* RFC 8314 3.2 (993, implicit TLS); 143 otherwise (IANA imap) */
    {"imap.port", CFG_UINT, OFF(imap.port), 1, 65535, NULL, 0,
	"993, or 143 unless tls is implicit"},
    /* RFC 8314 3 and Appendix A: implicit TLS rather than STARTTLS */
    {"imap.tls", CFG_TLS, OFF(imap.tls), 0, 0, "implicit", 0, NULL},
    {"imap.ca_file", CFG_PATH, OFF(imap.ca_file), 0, 0, NULL, 0,
	"none: the system's trusted CAs"},
    {"imap.user", CFG_STRING, OFF(imap.user), 0, 0, NULL, 0, "none"},
    {"imap.password_file", CFG_PATH, OFF(imap.password_file), 0, 0, NULL, 0,
	"none"},
    {"imap.mailbox", CFG_STRING, OFF(imap.mailbox), 0, 0, "INBOX", 0, NULL},
    {"imap.processed_mailbox", CFG_STRING, OFF(imap.processed_mailbox), 0, 0,
	NULL, 0, "none: flagged in place"},
    {"imap.quarantine_mailbox", CFG_STRING, OFF(imap.quarantine_mailbox), 0, 0,
	NULL, 0, "none: flagged in place"},
    {"imap.idle", CFG_BOOL, OFF(imap.idle), 0, 0, "true", 0, NULL},
    {"imap.poll_interval", CFG_DURATION, OFF(imap.poll_interval), 10, DAY,
	"60s", 0, NULL},
    /* per network operation: the daemon pings the watchdog between
     * them, so one wait must stay below the unit's WatchdogSec=2min */
    {"imap.timeout", CFG_DURATION, OFF(imap.timeout), 1, MINUTE, "20s", 0,
	NULL},
    /* the same field as maildir.batch_size: one source per daemon */
    {"imap.batch_size", CFG_UINT, OFF(batch_size), 1, 10000, "200", 0, NULL},
    {"policy.soft_bounce_limit", CFG_UINT, OFF(policy.soft_limit), 1, 1000, "5",
	0, NULL},
    {"policy.soft_window", CFG_DURATION, OFF(policy.soft_window), HOUR,
	365 * DAY, "7d", 0, NULL},
    {"policy.soft_decay", CFG_DURATION, OFF(policy.soft_decay), HOUR, 365 * DAY,
	"30d", 0, NULL},
    {"policy.confirm_hard_bounce", CFG_BOOL, OFF(policy.confirm_hard), 0, 0,
	"false", 0, NULL},
    /* a reason list's min..max: how many items ([] counts every one) */
    {"policy.sender_reasons", CFG_REASON_LIST, OFF(policy.sender_reasons), 0,
	REASON_COUNT, SENDER_REASONS, OFF(policy.nsender_reasons), NULL},
    {"policy.hard_reasons", CFG_REASON_LIST, OFF(policy.hard_reasons), 0,
	REASON_COUNT, "", OFF(policy.nhard_reasons), NULL},
    {"policy.soft_reasons", CFG_REASON_LIST, OFF(policy.soft_reasons), 0,
	REASON_COUNT, "", OFF(policy.nsoft_reasons), NULL},
    {"policy.ignore_reasons", CFG_REASON_LIST, OFF(policy.ignore_reasons), 0,
	REASON_COUNT, "", OFF(policy.nignore_reasons), NULL},
    {"policy.accept_unverified", CFG_BOOL, OFF(policy.accept_unverified), 0,
	0, "false", 0, NULL},
    {"resend.enabled", CFG_BOOL, OFF(resend.enabled), 0, 0, "false", 0, NULL},
    {"resend.schedule", CFG_DURATION_LIST, OFF(resend.schedule), MINUTE,
	30 * DAY, "15m, 1h, 4h", OFF(resend.nschedule), NULL},
    {"resend.max_attempts", CFG_UINT, OFF(resend.max_attempts), 1, 50, "3", 0,
	NULL},
    {"resend.max_age", CFG_DURATION, OFF(resend.max_age), HOUR, 365 * DAY, "2d",
	0, NULL},
    {"resend.jitter", CFG_PERCENT, OFF(resend.jitter), 0, 100, "10", 0, NULL},
    {"resend.from", CFG_STRING, OFF(resend.from), 0, 0, NULL, 0, "none"},
    {"resend.spool", CFG_PATH, OFF(resend.spool), 0, 0, NULL, 0, "none"},
    {"resend.reasons", CFG_REASON_LIST, OFF(resend.reasons), 1, REASON_COUNT,
	RESEND_REASONS, OFF(resend.nreasons), NULL},
    {"resend.max_per_hour", CFG_UINT, OFF(resend.max_per_hour), 1, 100000,
	"100", 0, NULL},
    {"resend.max_per_domain_per_hour", CFG_UINT,
	OFF(resend.max_per_domain_per_hour), 1, 100000, "20", 0, NULL},
    {"resend.smtp.host", CFG_STRING, OFF(resend.smtp.host), 0, 0, "127.0.0.1",
	0, NULL},
    /* 25 (RFC 5321 4.5.4.2); 465 for implicit TLS (RFC 8314 3.3) */
    {"resend.smtp.port", CFG_UINT, OFF(resend.smtp.port), 1, 65535, NULL, 0,
	"25, or 465 when tls is implicit"},
    {"resend.smtp.tls", CFG_TLS, OFF(resend.smtp.tls), 0, 0, NULL, 0,
	"none to a loopback host, else starttls"},
    {"resend.smtp.ca_file", CFG_PATH, OFF(resend.smtp.ca_file), 0, 0, NULL, 0,
	"none: the system's trusted CAs"},
    {"resend.smtp.user", CFG_STRING, OFF(resend.smtp.user), 0, 0, NULL, 0,
	NO_AUTH},
    {"resend.smtp.password_file", CFG_PATH, OFF(resend.smtp.password_file), 0,
	0, NULL, 0, NO_AUTH},
    {"resend.smtp.helo", CFG_STRING, OFF(resend.smtp.helo), 0, 0, NULL, 0,
	"the host name"},
    /* RFC 5321 4.5.3.2 asks for minutes, but a local relay answers at
     * once, and one wait must stay below the unit's WatchdogSec=2min */
    {"resend.smtp.timeout", CFG_DURATION, OFF(resend.smtp.timeout), 1,
	MINUTE, "30s", 0, NULL},
    {"verp.address", CFG_STRING, OFF(verp.address), 0, 0, NULL, 0,
	"none: no signed return paths"},
    {"verp.key_file", CFG_PATH, OFF(verp.key_file), 0, 0, NULL, 0, "none"},
    /* the tag's day wraps at 1024 (docs/VERP.md): 1023 days at most */
    {"verp.max_age", CFG_DURATION, OFF(verp.max_age), DAY, 1023 * DAY, "60d",
	0, NULL},
    {"sent.maildir", CFG_PATH, OFF(sent.maildir), 0, 0, NULL, 0,
	"none: no sent record"},
    {"sent.mailbox", CFG_STRING, OFF(sent.mailbox), 0, 0, NULL, 0,
	"none: no sent record"},
    /* the same span as verp.max_age: a bounce may come that late */
    {"sent.keep", CFG_DURATION, OFF(sent.keep), DAY, 1023 * DAY, "30d", 0,
	NULL},
    /* issue 15 item 3: the outbox's sinks (docs/INTEGRATION.md) */
    {"events.exec", CFG_STRING, OFF(events.exec), 0, 0, NULL, 0,
	"none: no exec hook"},
    {"events.webhook", CFG_STRING, OFF(events.webhook), 0, 0, NULL, 0,
	"none: no webhook"},
    {"events.format", CFG_STRING, OFF(events.format_name), 0, 0, "generic", 0,
	NULL},
    {"events.secret_file", CFG_PATH, OFF(events.secret_file), 0, 0, NULL, 0,
	"none: required for a generic webhook"},
    {"events.authorization_file", CFG_PATH, OFF(events.authorization_file), 0,
	0, NULL, 0, "none: no Authorization header"},
    {"events.ca_file", CFG_PATH, OFF(events.ca_file), 0, 0, NULL, 0,
	"none: the system's trusted CAs"},
    /* one run of the hook or one request; the watchdog does not wait on
     * it (a thread of its own), but a stop does */
    {"events.timeout", CFG_DURATION, OFF(events.timeout), 1, MINUTE, "10s", 0,
	NULL},
    {"events.max_attempts", CFG_UINT, OFF(events.max_attempts), 1, 100000,
	"100", 0, NULL},
    {"events.max_age", CFG_DURATION, OFF(events.max_age), MINUTE, 365 * DAY,
	"3d", 0, NULL},
    {"events.batch", CFG_UINT, OFF(events.batch), 1, 1000, "100", 0, NULL},
    {"log.level", CFG_ENUM, OFF(log_level), 0, 0, "info", 0, NULL},
    /* issue 15: the lookup responders (daemon/lookup/) */
    {"lookup.socketmap", CFG_PATH, OFF(lookup.socketmap), 0, 0, NULL, 0,
	"none: no socketmap responder"},
    {"lookup.policy", CFG_PATH, OFF(lookup.policy), 0, 0, NULL, 0,
	"none: no policy responder"},
    {"lookup.mode", CFG_STRING, OFF(lookup.mode), 0, 0, "0660", 0, NULL},
    {"lookup.group", CFG_STRING, OFF(lookup.group), 0, 0, NULL, 0,
	"none: the daemon's group"},
    /* longer than Postfix keeps an idle connection: its policy client
     * closes at smtpd_policy_service_max_idle (300s) */
    {"lookup.idle_timeout", CFG_DURATION, OFF(lookup.idle_timeout), 1, DAY,
	"10m", 0, NULL},
    /* issue 15 item 4: the original's headers kept with each bounce
     * message (at most STORE_ATTR_HEADERS), and which one names the
     * campaign */
    {"attribution.headers", CFG_HEADER_LIST, OFF(attribution.headers), 0, 16,
	"", OFF(attribution.nheaders), NULL},
    {"attribution.campaign", CFG_STRING, OFF(attribution.campaign), 0, 0,
	NULL, 0, "none: no campaign"},
    /* issue 15 item 6: unset is forever (config.h) */
    {"retention.messages", CFG_DURATION, OFF(retention.messages), DAY,
	36500 * DAY, NULL, 0, "forever"},
    {"retention.bounces", CFG_DURATION, OFF(retention.bounces), DAY,
	36500 * DAY, NULL, 0, "forever"},
    {"retention.originals", CFG_DURATION, OFF(retention.originals), DAY,
	36500 * DAY, NULL, 0, "forever"},
    {"retention.processed", CFG_DURATION, OFF(retention.processed), HOUR,
	36500 * DAY, NULL, 0, "forever"},
    /* the outbox (issue 15 item 3): store_outbox_purge() keeps what a
     * sink still has to deliver */
    {"retention.events", CFG_DURATION, OFF(retention.events), HOUR,
	36500 * DAY, NULL, 0, "forever"},
    /* the same field and range as sent.keep: one setting, two names */
    {"retention.sent", CFG_DURATION, OFF(sent.keep), DAY, 1023 * DAY, NULL, 0,
	"sent.keep, 30d"},
    {"retention.suppressions", CFG_REASON_DURATIONS,
	OFF(retention.suppressions), DAY, 36500 * DAY, NULL, 0,
	"none: a suppression never expires"},
    /* issue 15 item 7 */
    {"metrics.file", CFG_PATH, OFF(metrics.file), 0, 0, NULL, 0,
	"none: no metrics written"},
    {"metrics.interval", CFG_DURATION, OFF(metrics.interval), 5, HOUR, "60s",
	0, NULL},
};
const size_t config_nkeys = sizeof(config_keys) / sizeof(config_keys[0]);

struct apply {
	struct config_target t;
	struct config_where *where;    /* owned, config_nkeys of them */
	struct config_where *sections; /* owned: by the section's first key */
	unsigned *key_line;   /* owned: where each key was first given */
	const char *suppress; /* borrowed: a refused mapping's path */
	unsigned nsuggest;    /* "did you mean" searches so far */
};

/*
 * A file with more unknown keys than this is not a typo or two: the rest
 * are reported without the search, which costs a pass over the schema.
 */
#define SUGGEST_MAX_KEYS 32

int
config_key_find(const char *path)
{
	size_t i;

	for (i = 0; i < config_nkeys; i++)
		if (strcmp(config_keys[i].path, path) == 0)
			return (int)i;
	return -1;
}

int
config_section_find(const char *path)
{
	size_t i, n = strlen(path);

	for (i = 0; i < config_nkeys; i++)
		if (strncmp(config_keys[i].path, path, n) == 0 &&
		    config_keys[i].path[n] == '.')
			return (int)i;
	return -1;
}

int
config_map_key_find(const char *path)
{
	size_t i, n;

	for (i = 0; i < config_nkeys; i++) {
		if (config_keys[i].type != CFG_REASON_DURATIONS)
			continue;
		n = strlen(config_keys[i].path);
		if (strncmp(config_keys[i].path, path, n) == 0 &&
		    path[n] == '.' && strchr(path + n + 1, '.') == NULL)
			return (int)i;
	}
	return -1;
}

static void
apply_key(struct apply *a, int i, const struct config_record *r)
{
	struct config_where *w = &a->where[i];

	if (w->given) {
		config_error(a->t.errs, r->kline, r->kcol,
		    "%s: given twice (first at line %u)", r->path,
		    a->key_line[i]);
		a->suppress = r->path;
		return;
	}
	w->given = true;
	w->line = r->v.line;
	w->col = r->v.col;
	a->key_line[i] = r->kline;
	if (config_set_value(&a->t, &config_keys[i], r) < 0) {
		w->bad = true;
		a->suppress = r->path;
	}
}

/* "maildir:" with its keys below it. */
static void
apply_section(struct apply *a, int i, const struct config_record *r)
{
	const struct config_value *v = &r->v;
	struct config_where *w = &a->sections[i];

	if (w->given) {
		config_error(a->t.errs, r->kline, r->kcol,
		    "%s: given twice (first at line %u)", r->path, w->line);
		a->suppress = r->path;
		return;
	}
	w->given = true;
	w->line = r->kline;
	w->col = r->kcol;
	if (v->node == CONFIG_NODE_MAP)
		return;
	w->bad = true;
	/* issue 17 item 4: "maildir:" with its keys not indented below it
	 * is an empty section whose keys went to the top level; refused
	 * rather than read as all defaults */
	if (v->node == CONFIG_NODE_SCALAR && v->null) {
		config_error(a->t.errs, r->kline, r->kcol,
		    "%s: an empty section (indent its keys below it, or leave "
		    "it out for the defaults)", r->path);
		return;
	}
	config_error(a->t.errs, v->line, v->col,
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
	} else if ((i = config_section_find(r->path)) >= 0) {
		apply_section(a, i, r);
	} else if ((i = config_map_key_find(r->path)) >= 0) {
		/* each item reported on its own */
		(void)config_set_map_item(&a->t, &config_keys[i], r);
	} else {
		const char *near;
		size_t n;

		if (a->nsuggest++ < SUGGEST_MAX_KEYS &&
		    (near = config_suggest(r->path, &n)) != NULL)
			config_error(a->t.errs, r->kline, r->kcol,
			    "%s: unknown key (did you mean %.*s?)", r->path,
			    (int)n, near);
		else
			config_error(a->t.errs, r->kline, r->kcol,
			    "%s: unknown key", r->path);
		a->suppress = r->path;
	}
}

static void
apply_init(struct apply *a, struct config *conf, const char *base,
    struct config_errors *errs)
{
	memset(a, 0, sizeof(*a));
	a->t.conf = conf;
	a->t.base = base;
	a->t.errs = errs;
	a->where = xcalloc(config_nkeys, sizeof(*a->where));
	a->sections = xcalloc(config_nkeys, sizeof(*a->sections));
	a->key_line = xcalloc(config_nkeys, sizeof(*a->key_line));
}

static void
apply_deinit(struct apply *a)
{
	free(a->where);
	free(a->sections);
	free(a->key_line);
}

/* Splits a list default "15m, 1h, 4h" into the items of a record. */
static void
default_record(const struct config_key *k, struct config_record *r)
{
	char *copy, *item, *save = NULL;
	const char *c;
	size_t n = 1;

	memset(r, 0, sizeof(*r));
	r->path = xstrdup(k->path);
	r->v.node = CONFIG_NODE_SCALAR;
	r->v.text = xstrdup(k->def);
	if (k->type != CFG_DURATION_LIST && k->type != CFG_REASON_LIST &&
	    k->type != CFG_HEADER_LIST)
		return;
	for (c = k->def; *c != '\0'; c++)
		n += *c == ',';
	r->v.node = CONFIG_NODE_SEQ;
	r->items = xcalloc(n, sizeof(*r->items));
	copy = xstrdup(k->def);
	for (item = strtok_r(copy, ", ", &save); item != NULL && r->nitems < n;
	     item = strtok_r(NULL, ", ", &save))
		r->items[r->nitems++].text = xstrdup(item);
	free(copy);
}

/* Was key path given, and valid? where NULL: nothing was given. */
static bool
given(const struct config_where *where, const char *path)
{
	int i = config_key_find(path);

	assert(i >= 0);
	return where != NULL && where[i].given && !where[i].bad;
}

/* Marks each reason of a list in table t with v. */
static void
mark(unsigned char *t, char *const *names, size_t n, unsigned char v)
{
	enum reason r[REASON_NAME_MAX];
	size_t i, j, nr;

	/* a sisimai 5 name marks each reason it stands for */
	for (i = 0; i < n; i++)
		for (nr = reason_lookup(names[i], r), j = 0; j < nr; j++)
			t[r[j]] = v;
}

/* The reason lists as tables by enum reason (config_check.c refuses a
 * reason in two effect lists). */
static void
derive_reasons(struct config *conf)
{
	struct config_policy *pc = &conf->policy;
	struct config_resend *rc = &conf->resend;
	unsigned char on[REASON_COUNT] = {0};
	size_t i;

	memset(pc->effect, CONFIG_EFFECT_DEFAULT, sizeof(pc->effect));
	mark(pc->effect, pc->sender_reasons, pc->nsender_reasons,
	    CONFIG_EFFECT_SENDER);
	mark(pc->effect, pc->hard_reasons, pc->nhard_reasons,
	    CONFIG_EFFECT_HARD);
	mark(pc->effect, pc->soft_reasons, pc->nsoft_reasons,
	    CONFIG_EFFECT_SOFT);
	mark(pc->effect, pc->ignore_reasons, pc->nignore_reasons,
	    CONFIG_EFFECT_IGNORE);
	mark(on, rc->reasons, rc->nreasons, 1);
	for (i = 0; i < REASON_COUNT; i++)
		rc->reason[i] = on[i] != 0;
}

/* The defaults that depend on other keys (config.h). */
static void
derive(struct config *conf, const struct config_where *where)
{
	struct config_imap *im = &conf->imap;
	struct config_smtp *sm = &conf->resend.smtp;

	if (conf->quarantine == NULL)
		conf->quarantine = xasprintf("%s/.Quarantine", conf->maildir);
	if (!given(where, "imap.port"))
		im->port = im->tls == CONFIG_TLS_IMPLICIT ? 993 : 143;
	/*
	 * One field, two keys, and the default is the source's: a Maildir's
	 * transaction of 1000 shares its fsync and the index pages it
	 * rewrites among five times more messages than 200 (issue 16: about
	 * a sixth of the ingest's CPU, bench/README.md); IMAP keeps 200,
	 * which is also its UIDs per FETCH.
	 */
	if (im->host == NULL && !given(where, "maildir.batch_size") &&
	    !given(where, "imap.batch_size"))
		conf->batch_size = 1000;
	/*
	 * A local relay rarely has a certificate for "127.0.0.1"; anything
	 * further away gets STARTTLS (RFC 3207) unless told otherwise.
	 */
	if (!given(where, "resend.smtp.tls"))
		sm->tls = config_host_loopback(sm->host) ? CONFIG_TLS_NONE
							 : CONFIG_TLS_STARTTLS;
	if (!given(where, "resend.smtp.port"))
		sm->port = sm->tls == CONFIG_TLS_IMPLICIT ? 465 : 25;
	derive_reasons(conf);
	conf->events.format = conf->events.format_name != NULL &&
	    strcmp(conf->events.format_name, "listmonk") == 0 ?
	    CONFIG_EVENTS_LISTMONK : CONFIG_EVENTS_GENERIC;
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

	derive(conf, NULL);
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
	derive(conf, a.where);
	if (whole)
		config_check_rules(conf, a.where, a.sections, errs);
	apply_deinit(&a);
	return conf;
}

static void
imap_free(struct config_imap *im)
{
	free(im->host);
	free(im->ca_file);
	free(im->user);
	free(im->password_file);
	free(im->mailbox);
	free(im->processed_mailbox);
	free(im->quarantine_mailbox);
}

static void
resend_free(struct config_resend *r)
{
	free(r->from);
	free(r->spool);
	config_names_free(&r->reasons, &r->nreasons);
	free(r->smtp.host);
	free(r->smtp.ca_file);
	free(r->smtp.user);
	free(r->smtp.password_file);
	free(r->smtp.helo);
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
	imap_free(&conf->imap);
	config_names_free(&conf->policy.sender_reasons,
	    &conf->policy.nsender_reasons);
	config_names_free(&conf->policy.hard_reasons,
	    &conf->policy.nhard_reasons);
	config_names_free(&conf->policy.soft_reasons,
	    &conf->policy.nsoft_reasons);
	config_names_free(&conf->policy.ignore_reasons,
	    &conf->policy.nignore_reasons);
	resend_free(&conf->resend);
	free(conf->verp.address);
	free(conf->verp.key_file);
	free(conf->sent.maildir);
	free(conf->sent.mailbox);
	free(conf->lookup.socketmap);
	free(conf->lookup.policy);
	free(conf->lookup.mode);
	free(conf->lookup.group);
	free(conf->events.exec);
	free(conf->events.webhook);
	free(conf->events.format_name);
	free(conf->events.secret_file);
	free(conf->events.authorization_file);
	free(conf->events.ca_file);
	config_names_free(&conf->attribution.headers,
	    &conf->attribution.nheaders);
	free(conf->attribution.campaign);
	free(conf->metrics.file);
	free(conf);
	*confp = NULL;
}
