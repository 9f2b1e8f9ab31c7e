/*
 * config/: bounced.yaml into struct config. Error lines are compared
 * whole ("file:line:col: key: why"), since they are what a person reads
 * after "bounced -n". Inputs are handed over in exact-size buffers (no NUL
 * after the length) so that ASan sees any read past len.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "classify/reason.h"
#include "common/log.h"
#include "common/xmalloc.h"
#include "config/config.h"
#include "config/config_private.h"

#ifndef BD_EXAMPLE_CONFIG
#error "BD_EXAMPLE_CONFIG: the path of config/bounced.yaml.example"
#endif

/* A file every test can read: stands in for password and CA files. */
#define READABLE BD_EXAMPLE_CONFIG
#ifndef BD_VERP_KEY
#error "BD_VERP_KEY: a key file of 16 bytes or more (tests/fixtures/verp)"
#endif
/* What a verp: section needs besides max_age. */
#define VERP_NEEDS                                                             \
	"  address: bounces+{tag}@example.org\n  key_file: " BD_VERP_KEY "\n"

/* What an imap: section needs besides its host. */
#define IMAP_LOGIN "  user: u\n  password_file: " READABLE "\n"

/* config_load_buf over an exact-size copy of text, named "t.yaml" */
static int
load_text(
    const char *name, const char *text, struct config **conf_r, char **errors_r)
{
	size_t len = strlen(text);
	char *copy = xmalloc(len > 0 ? len : 1);
	int rc;

	memcpy(copy, text, len);
	rc = config_load_buf(name, copy, len, conf_r, errors_r);
	free(copy);
	return rc;
}

/* Loads text that must be valid; the caller frees the config. */
static struct config *
load_ok(const char *text)
{
	struct config *conf = NULL;
	char *errors = NULL;

	if (load_text("t.yaml", text, &conf, &errors) < 0)
		fail_msg("unexpected errors:\n%s", errors);
	assert_null(errors);
	assert_non_null(conf);
	return conf;
}

/* Loads text that must fail with exactly want (all its lines). */
static void
load_fails(const char *text, const char *want)
{
	struct config *conf = (struct config *)1;
	char *errors = NULL;

	assert_int_equal(load_text("t.yaml", text, &conf, &errors), -1);
	assert_null(conf);
	assert_non_null(errors);
	assert_string_equal(errors, want);
	free(errors);
}

static void
assert_defaults(const struct config *c)
{
	assert_string_equal(c->database, "/var/lib/bounced/bounced.db");
	assert_string_equal(c->maildir, "/var/mail/bounces");
	assert_string_equal(c->quarantine, "/var/mail/bounces/.Quarantine");
	assert_int_equal(c->rescan_interval, 300);
	/* the source's: 1000 for a Maildir, 200 for IMAP (derive()) */
	assert_int_equal(c->batch_size, c->imap.host != NULL ? 200 : 1000);
	assert_int_equal(c->policy.soft_limit, 5);
	assert_int_equal(c->policy.soft_window, 7 * 86400);
	assert_int_equal(c->policy.soft_decay, 30 * 86400);
	assert_int_equal(c->resend.nschedule, 3);
	assert_int_equal(c->resend.schedule[0], 15 * 60);
	assert_int_equal(c->resend.schedule[1], 3600);
	assert_int_equal(c->resend.schedule[2], 4 * 3600);
	assert_int_equal(c->resend.max_attempts, 3);
	assert_int_equal(c->log_level, LOG_LVL_INFO);
	/* imap.host, user, password_file: the caller (test_table sets them) */
	assert_int_equal(c->imap.port, 993);
	assert_int_equal(c->imap.tls, CONFIG_TLS_IMPLICIT);
	assert_null(c->imap.ca_file);
	assert_string_equal(c->imap.mailbox, "INBOX");
	assert_null(c->imap.processed_mailbox);
	assert_null(c->imap.quarantine_mailbox);
	assert_true(c->imap.idle);
	assert_int_equal(c->imap.poll_interval, 60);
	assert_int_equal(c->imap.timeout, 20);
	assert_false(c->policy.confirm_hard);
	assert_false(c->resend.enabled);
	assert_int_equal(c->resend.max_age, 2 * 86400);
	assert_int_equal(c->resend.jitter, 10);
	assert_null(c->resend.from);
	assert_null(c->resend.spool);
	assert_int_equal(c->resend.nreasons, 7);
	assert_string_equal(c->resend.reasons[0], "expired");
	assert_string_equal(c->resend.reasons[1], "networkerror");
	assert_string_equal(c->resend.reasons[2], "toomanyconn");
	assert_string_equal(c->resend.reasons[3], "speeding");
	assert_string_equal(c->resend.reasons[4], "systemfull");
	assert_string_equal(c->resend.reasons[5], "systemerror");
	assert_string_equal(c->resend.reasons[6], "mailboxfull");
	assert_string_equal(c->resend.smtp.host, "127.0.0.1");
	assert_int_equal(c->resend.smtp.port, 25);
	assert_int_equal(c->resend.smtp.tls, CONFIG_TLS_NONE);
	assert_null(c->resend.smtp.ca_file);
	assert_null(c->resend.smtp.user);
	assert_null(c->resend.smtp.password_file);
	assert_null(c->resend.smtp.helo);
	assert_int_equal(c->resend.smtp.timeout, 30);
	assert_int_equal(c->verp.max_age, 60 * 86400);
	assert_int_equal(c->sent.keep, 30 * 86400);
}

/* No IMAP source: the defaults, and what an empty file gives. */
static void
assert_no_imap(const struct config *c)
{
	assert_null(c->imap.host);
	assert_null(c->imap.user);
	assert_null(c->imap.password_file);
}

static void
test_defaults(void **state)
{
	static const char *const empty[] = {"", "\n", "# only a comment\n",
	    "---\n", "~\n", "---\n...\n", "{}\n"};
	struct config *c = config_default();
	size_t i;

	(void)state;
	assert_null(c->file);
	assert_defaults(c);
	assert_no_imap(c);
	config_free(&c);
	assert_null(c);
	config_free(&c); /* NULL is fine */
	for (i = 0; i < sizeof(empty) / sizeof(empty[0]); i++) {
		c = load_ok(empty[i]);
		assert_string_equal(c->file, "t.yaml");
		assert_defaults(c);
		assert_no_imap(c);
		config_free(&c);
	}
}

/* One field, two keys: the default batch is the source's (derive()), and
 * a size given under either key is kept */
static void
test_batch_default(void **state)
{
	struct config *c;

	(void)state;
	c = load_ok("imap:\n  host: h\n" IMAP_LOGIN);
	assert_int_equal(c->batch_size, 200);
	config_free(&c);
	c = load_ok("imap:\n  host: h\n" IMAP_LOGIN "  batch_size: 30\n");
	assert_int_equal(c->batch_size, 30);
	config_free(&c);
	c = load_ok("maildir:\n  path: /m\n");
	assert_int_equal(c->batch_size, 1000);
	config_free(&c);
	c = load_ok("maildir:\n  path: /m\n  batch_size: 200\n");
	assert_int_equal(c->batch_size, 200);
	config_free(&c);
}

static void
test_every_key(void **state)
{
	struct config *c;

	(void)state;
	c = load_ok("# every key, none at its default\n"
		    "database: /srv/b/b.db\n"
		    "maildir:\n"
		    "  path: /srv/mail\n"
		    "  quarantine: /srv/q\n"
		    "  rescan_interval: 90\n"
		    "  batch_size: 10000\n"
		    "policy:\n"
		    "  soft_bounce_limit: 1\n"
		    "  soft_window: 1h\n"
		    "  soft_decay: 365d\n"
		    "resend:\n"
		    "  schedule:\n"
		    "    - 1m\n"
		    "    - \"1m\"\n"
		    "    - 30d\n"
		    "  max_attempts: 50\n"
		    "log:\n"
		    "  level: debug\n");
	assert_string_equal(c->database, "/srv/b/b.db");
	assert_string_equal(c->maildir, "/srv/mail");
	assert_string_equal(c->quarantine, "/srv/q");
	assert_int_equal(c->rescan_interval, 90);
	assert_int_equal(c->batch_size, 10000);
	assert_int_equal(c->policy.soft_limit, 1);
	assert_int_equal(c->policy.soft_window, 3600);
	assert_int_equal(c->policy.soft_decay, 365 * 86400);
	assert_int_equal(c->resend.nschedule, 3);
	assert_int_equal(c->resend.schedule[0], 60);
	assert_int_equal(c->resend.schedule[1], 60);
	assert_int_equal(c->resend.schedule[2], 30 * 86400);
	assert_int_equal(c->resend.max_attempts, 50);
	assert_int_equal(c->log_level, LOG_LVL_DEBUG);
	config_free(&c);
}

static void
test_schedule_forms(void **state)
{
	struct config *c;
	unsigned i;

	(void)state;
	c = load_ok("resend: {schedule: [2h]}\n");
	assert_int_equal(c->resend.nschedule, 1);
	assert_int_equal(c->resend.schedule[0], 7200);
	config_free(&c);
	c = load_ok("resend:\n  schedule: [1m, 2m, 3m, 4m, 5m, 6m, 7m, 8m, "
		    "9m, 10m, 11m, 12m, 13m, 14m, 15m, 16m]\n");
	assert_int_equal(c->resend.nschedule, CONFIG_MAX_SCHEDULE);
	for (i = 0; i < CONFIG_MAX_SCHEDULE; i++)
		assert_int_equal(c->resend.schedule[i], (i + 1) * 60);
	config_free(&c);
	/* maildir.quarantine follows maildir.path given after it */
	c = load_ok("maildir:\n  path: /m\n");
	assert_string_equal(c->quarantine, "/m/.Quarantine");
	config_free(&c);
}

static void
test_log_levels(void **state)
{
	static const struct {
		const char *name;
		int level;
	} levels[] = {{"err", 3}, {"warning", 4}, {"notice", 5}, {"info", 6},
	    {"debug", 7}};
	struct config *c;
	char text[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
		snprintf(
		    text, sizeof(text), "log:\n  level: %s\n", levels[i].name);
		c = load_ok(text);
		assert_int_equal(c->log_level, levels[i].level);
		config_free(&c);
	}
}

static const struct {
	const char *text, *want;
} error_cases[] = {
    /* issue 18: a password is never in the database URI */
    {"database: postgresql://bounced:secret@db.example/bounced\n",
	"t.yaml:1:11: database: the URI holds a password: give it in "
	"PGPASSFILE or ~/.pgpass instead\n"},
    {"database: postgres://db.example/b?sslmode=require&password=x\n",
	"t.yaml:1:11: database: the URI holds a password: give it in "
	"PGPASSFILE or ~/.pgpass instead\n"},
    /* ranges */
    {"maildir:\n  rescan_interval: 2s\n",
	"t.yaml:2:20: maildir.rescan_interval: 2s not in 10s..1d\n"},
    {"maildir:\n  rescan_interval: 1441m\n",
	"t.yaml:2:20: maildir.rescan_interval: 1441m not in 10s..1d\n"},
    {"maildir:\n  batch_size: 0\n",
	"t.yaml:2:15: maildir.batch_size: 0 not in 1..10000\n"},
    {"maildir:\n  batch_size: 99999999999999999999\n",
	"t.yaml:2:15: maildir.batch_size: 99999999999999999999 not in "
	"1..10000\n"},
    {"policy:\n  soft_bounce_limit: 1001\n",
	"t.yaml:2:22: policy.soft_bounce_limit: 1001 not in 1..1000\n"},
    {"policy:\n  soft_window: 59m\n",
	"t.yaml:2:16: policy.soft_window: 59m not in 1h..365d\n"},
    {"policy:\n  soft_decay: 366d\n",
	"t.yaml:2:15: policy.soft_decay: 366d not in 1h..365d\n"},
    {"policy:\n  soft_decay: 9999999999d\n",
	"t.yaml:2:15: policy.soft_decay: 9999999999d not in 1h..365d\n"},
    {"resend:\n  max_attempts: 51\n",
	"t.yaml:2:17: resend.max_attempts: 51 not in 1..50\n"},
    /* types */
    {"policy:\n  soft_window: abc\n",
	"t.yaml:2:16: policy.soft_window: \"abc\" is not a duration (use 90s, "
	"15m, 4h, 7d)\n"},
    {"policy:\n  soft_window: \"7 d\"\n",
	"t.yaml:2:16: policy.soft_window: \"7 d\" is not a duration (use 90s, "
	"15m, 4h, 7d)\n"},
    /* issue 17 item 4: a negative number is out of range, not "no
     * number"; the range is said */
    {"maildir:\n  batch_size: -1\n",
	"t.yaml:2:15: maildir.batch_size: -1 not in 1..10000\n"},
    {"imap:\n  host: h\n" IMAP_LOGIN "  port: -3\n",
	"t.yaml:5:9: imap.port: -3 not in 1..65535\n"},
    {"policy:\n  soft_window: -5m\n",
	"t.yaml:2:16: policy.soft_window: -5m not in 1h..365d\n"},
    {"maildir:\n  batch_size: --1\n",
	"t.yaml:2:15: maildir.batch_size: \"--1\" is not a whole number\n"},
    /* issue 17 item 4: did you mean */
    {"imap:\n  host: h\n  user: u\n  password: x\n",
	"t.yaml:2:9: imap.password_file: required with imap.host\n"
	"t.yaml:4:3: imap.password: unknown key (did you mean "
	"imap.password_file?)\n"},
    {"maildr:\n  path: /x\n",
	"t.yaml:1:1: maildr: unknown key (did you mean maildir?)\n"},
    {"resend:\n  smtp:\n    hots: x\n    completely_else: 1\n",
	"t.yaml:3:5: resend.smtp.hots: unknown key (did you mean "
	"resend.smtp.host?)\n"
	"t.yaml:4:5: resend.smtp.completely_else: unknown key\n"},
    /* issue 17 item 4: keys not indented below their section */
    {"maildir:\npath: /x\n",
	"t.yaml:1:1: maildir: an empty section (indent its keys below it, "
	"or leave it out for the defaults)\n"
	"t.yaml:2:1: path: unknown key\n"},
    {"database: /a\nlog:\n",
	"t.yaml:2:1: log: an empty section (indent its keys below it, or "
	"leave it out for the defaults)\n"},
    {"maildir:\n  batch_size: 1e3\n",
	"t.yaml:2:15: maildir.batch_size: \"1e3\" is not a whole number\n"},
    {"log:\n  level: verbose\n",
	"t.yaml:2:10: log.level: \"verbose\" is not one of err, warning, "
	"notice, info, debug\n"},
    {"log:\n  level: INFO\n",
	"t.yaml:2:10: log.level: \"INFO\" is not one of err, warning, "
	"notice, info, debug\n"},
    /* empty values */
    {"database: ''\n",
	"t.yaml:1:11: database: empty value (leave the key out for the "
	"default, /var/lib/bounced/bounced.db)\n"},
    {"database:\n",
	"t.yaml:1:10: database: empty value (leave the key out for the "
	"default, /var/lib/bounced/bounced.db)\n"},
    {"maildir:\n  quarantine: ~\n",
	"t.yaml:2:15: maildir.quarantine: empty value (leave the key out for "
	"the default, <maildir.path>/.Quarantine)\n"},
    {"resend:\n  schedule:\n",
	"t.yaml:2:12: resend.schedule: empty value (leave the key out for "
	"the default, [15m, 1h, 4h])\n"},
    /* unknown and duplicate keys */
    {"maildir:\n  pth: /x\n",
	"t.yaml:2:3: maildir.pth: unknown key (did you mean maildir.path?)\n"},
    {"imap:\n  hots: x\n",
	"t.yaml:1:1: imap.host: missing; the imap: source needs host, user "
	"and password_file\n"
	"t.yaml:2:3: imap.hots: unknown key (did you mean imap.host?)\n"},
    {"resend:\n  smtp:\n    hots: x\n",
	"t.yaml:3:5: resend.smtp.hots: unknown key (did you mean "
	"resend.smtp.host?)\n"},
    {"resend:\n  smtp: {}\n  smtp: {}\n",
	"t.yaml:3:3: resend.smtp: given twice (first at line 2)\n"},
    {"resend:\n  smtp:\n    host: a\n    host: b\n",
	"t.yaml:4:5: resend.smtp.host: given twice (first at line 3)\n"},
    {"maildir.path: /x\n",
	"t.yaml:1:1: maildir.path: unknown key (a dotted name; nest the keys "
	"instead)\n"},
    {"'': x\n", "t.yaml:1:1: top level: an empty key name\n"},
    {"log: {'': x}\n", "t.yaml:1:7: log: an empty key name\n"},
    {"\"database\\0x\": /a\n",
	"t.yaml:1:1: database: unknown key (with a NUL character)\n"},
    {"database: /a\ndatabase: /b\n",
	"t.yaml:2:1: database: given twice (first at line 1)\n"},
    {"log:\n  level: info\nlog:\n  level: debug\n",
	"t.yaml:3:1: log: given twice (first at line 1)\n"},
    {"maildir: {path: /a, path: /b}\n",
	"t.yaml:1:21: maildir.path: given twice (first at line 1)\n"},
    /* shapes */
    {"database:\n  x: 1\n",
	"t.yaml:2:3: database: a single value expected, not a mapping\n"},
    {"maildir:\n  batch_size: [1]\n",
	"t.yaml:2:15: maildir.batch_size: a single value expected, not a "
	"sequence\n"},
    {"resend:\n  schedule: 15m\n",
	"t.yaml:2:13: resend.schedule: a sequence of durations expected, "
	"like [15m, 1h, 4h]\n"},
    {"resend:\n  schedule: {a: 1}\n",
	"t.yaml:2:13: resend.schedule: a sequence of durations expected, not "
	"a mapping\n"},
    {"maildir: /var/mail\n",
	"t.yaml:1:10: maildir: a mapping expected (its keys indented below "
	"it), not a scalar\n"},
    {"resend:\n  smtp: relay\n",
	"t.yaml:2:9: resend.smtp: a mapping expected (its keys indented "
	"below it), not a scalar\n"},
    {"imap: imap.example.org\nmaildir:\n  path: /m\n",
	"t.yaml:1:7: imap: a mapping expected (its keys indented below it), "
	"not a scalar\n"},
    {"log: [info]\n",
	"t.yaml:1:6: log: a mapping expected (its keys indented below it), "
	"not a sequence\n"},
    {"- database\n",
	"t.yaml:1:1: top level: a mapping (\"key: value\" lines) expected, "
	"not a sequence\n"},
    {"database\n",
	"t.yaml:1:1: top level: a mapping (\"key: value\" lines) expected, "
	"not a scalar\n"},
    {"? [a]\n: b\n",
	"t.yaml:1:3: top level: a key must be a name, not a sequence\n"},
    /* schedules */
    {"resend:\n  schedule: []\n",
	"t.yaml:2:13: resend.schedule: no delays; give 1 to 16\n"},
    {"resend:\n  schedule: [1m, 1m, 1m, 1m, 1m, 1m, 1m, 1m, 1m, 1m, 1m, "
     "1m, 1m, 1m, 1m, 1m, 1m]\n",
	"t.yaml:2:13: resend.schedule: too many delays; give 1 to 16\n"},
    {"resend:\n  schedule: [30s, 1h, 10m]\n",
	"t.yaml:2:14: resend.schedule: 30s not in 1m..30d\n"
	"t.yaml:2:23: resend.schedule: 10m after 1h; the delays must not "
	"decrease\n"},
    {"resend:\n  schedule:\n    - {a: 1}\n    -\n    - 1x\n    - [1m]\n",
	"t.yaml:3:7: resend.schedule: a duration expected, not a mapping\n"
	"t.yaml:4:6: resend.schedule: an empty item\n"
	"t.yaml:5:7: resend.schedule: \"1x\" is not a duration (use 90s, 15m, "
	"4h, 7d)\n"
	"t.yaml:6:7: resend.schedule: a duration expected, not a sequence\n"},
    /* YAML features a config does not need */
    {"maildir:\n  batch_size: &n 5\npolicy:\n  soft_bounce_limit: *n\n",
	"t.yaml:2:15: maildir.batch_size: anchors (&n) are not allowed\n"
	"t.yaml:4:22: policy.soft_bounce_limit: aliases (*n) are not "
	"allowed\n"},
    {"maildir:\n  batch_size: !!int 5\n",
	"t.yaml:2:15: maildir.batch_size: tags (tag:yaml.org,2002:int) are "
	"not allowed\n"},
    {"database: /a\n---\ndatabase: /b\n",
	"t.yaml:2:1: syntax: a second document; the configuration is one\n"},
    {"database: \"/a\\0b\"\n",
	"t.yaml:1:11: database: contains a NUL character\n"},
    {"maildir:\n  quarantine: \"/q\\n\"\n",
	"t.yaml:2:15: maildir.quarantine: contains a control character\n"},
    /* syntax: libyaml's words and mark */
    {"maildir:\n  path: [a\n",
	"t.yaml:2:9: maildir.path: a single value expected, not a sequence\n"
	"t.yaml:3:1: syntax: did not find expected ',' or ']' (while parsing "
	"a flow sequence at 2:9)\n"},
    {"maildir:\n\tpath: /x\n",
	"t.yaml:2:1: syntax: found character that cannot start any token (a "
	"tab; YAML is indented with spaces)\n"},
    {"database: \xff\n", "t.yaml:1:11: syntax: invalid leading UTF-8 "
			 "octet\n"},
    /* cross-field rules */
    {"maildir:\n  path: /m\n  quarantine: /m/\n",
	"t.yaml:3:15: maildir.quarantine: the same directory as "
	"maildir.path; quarantined messages would be read again\n"},
    {"maildir:\n  path: /m\n  quarantine: /m/new/q\n",
	"t.yaml:3:15: maildir.quarantine: inside maildir.path's new/, which "
	"the daemon reads\n"},
    {"database: /m//cur/b.db\nmaildir:\n  path: /m\n",
	"t.yaml:1:11: database: inside maildir.path's cur/, which the daemon "
	"reads\n"},
    {"database: /var/mail/bounces\n",
	"t.yaml:1:11: database: the same path as maildir.path\n"},
    /* imap: ranges, types and empty values */
    {"imap:\n  host: 127.0.0.1\n" IMAP_LOGIN "  port: 0\n",
	"t.yaml:5:9: imap.port: 0 not in 1..65535\n"},
    {"imap:\n  host: 127.0.0.1\n" IMAP_LOGIN "  tls: ssl\n",
	"t.yaml:5:8: imap.tls: \"ssl\" is not one of implicit, starttls, "
	"none\n"},
    {"imap:\n  host: 127.0.0.1\n" IMAP_LOGIN "  idle: yes\n",
	"t.yaml:5:9: imap.idle: \"yes\" is not true or false\n"},
    {"imap:\n  host: 127.0.0.1\n" IMAP_LOGIN "  poll_interval: 5s\n",
	"t.yaml:5:18: imap.poll_interval: 5s not in 10s..1d\n"},
    {"imap:\n  host: 127.0.0.1\n" IMAP_LOGIN "  timeout: 0\n",
	"t.yaml:5:12: imap.timeout: 0 not in 1s..1m\n"},
    {"imap:\n  host: 127.0.0.1\n" IMAP_LOGIN "  mailbox: ''\n",
	"t.yaml:5:12: imap.mailbox: empty value (leave the key out for the "
	"default, INBOX)\n"},
    {"imap:\n  host: 127.0.0.1\n" IMAP_LOGIN "  quarantine_mailbox:\n",
	"t.yaml:5:22: imap.quarantine_mailbox: empty value (leave the key out "
	"for the default, none: flagged in place)\n"},
    {"imap:\n  host: ''\n",
	"t.yaml:2:9: imap.host: empty value (leave the key out for the "
	"default, none: no IMAP source)\n"},
    /* lookup: (issue 15) */
    {"lookup:\n  socketmap: /run/b/s\n  mode: 0980\n",
	"t.yaml:3:9: lookup.mode: 0980: not an octal file mode (0000 .. "
	"0777, e.g. 0660)\n"},
    {"lookup:\n  socketmap: /run/b/s\n  mode: 01777\n",
	"t.yaml:3:9: lookup.mode: 01777: not an octal file mode (0000 .. "
	"0777, e.g. 0660)\n"},
    {"lookup:\n  socketmap: /run/b/s\n  policy: /run/b/s\n",
	"t.yaml:3:11: lookup.policy: /run/b/s: also lookup.socketmap; each "
	"protocol needs a socket of its own\n"},
    {"lookup:\n  idle_timeout: 0\n",
	"t.yaml:2:17: lookup.idle_timeout: 0 not in 1s..1d\n"},
    {"imap:\n  host: 127.0.0.1\n" IMAP_LOGIN "  port: ''\n",
	"t.yaml:5:9: imap.port: empty value (leave the key out for the "
	"default, 993, or 143 unless tls is implicit)\n"},
    /* imap: the rules */
    {"maildir:\n  path: /m\nimap:\n  host: 127.0.0.1\n" IMAP_LOGIN,
	"t.yaml:3:1: imap: one source per daemon: imap and maildir (maildir: "
	"at line 1); run one daemon for each\n"},
    {"imap:\n  host: 127.0.0.1\n" IMAP_LOGIN "maildir:\n",
	"t.yaml:1:1: imap: one source per daemon: imap and maildir (maildir: "
	"at line 5); run one daemon for each\n"
	"t.yaml:5:1: maildir: an empty section (indent its keys below it, "
	"or leave it out for the defaults)\n"},
    {"imap:\n", "t.yaml:1:1: imap: an empty section (indent its keys "
		 "below it, or leave it out for the defaults)\n"},
    {"imap:\n  user: u\n", "t.yaml:1:1: imap.host: missing; the imap: "
			    "source needs host, user and password_file\n"},
    {"imap:\n  host: imap.example.org\n",
	"t.yaml:2:9: imap.user: required with imap.host\n"
	"t.yaml:2:9: imap.password_file: required with imap.host\n"},
    {"imap:\n  host: imap.example.org\n  user: u\n"
     "  password_file: /nonexistent/pw\n",
	"t.yaml:4:18: imap.password_file: /nonexistent/pw: No such file or "
	"directory\n"},
    {"imap:\n  host: imap.example.org\n  user: u\n  password_file: /\n",
	"t.yaml:4:18: imap.password_file: /: a directory, not a file\n"},
    {"imap:\n  host: imap.example.org\n" IMAP_LOGIN
     "  ca_file: /nonexistent/ca.pem\n",
	"t.yaml:5:12: imap.ca_file: /nonexistent/ca.pem: No such file or "
	"directory\n"},
    {"imap:\n  host: imap.example.org\n  tls: none\n" IMAP_LOGIN,
	"t.yaml:3:8: imap.tls: none: cleartext only to a loopback address, "
	"not imap.example.org; use starttls or implicit\n"},
    {"imap:\n  host: 127.0.0.1.example.org\n  tls: none\n" IMAP_LOGIN,
	"t.yaml:3:8: imap.tls: none: cleartext only to a loopback address, "
	"not 127.0.0.1.example.org; use starttls or implicit\n"},
    {"imap:\n  host: 127.0.0.1\n" IMAP_LOGIN
     "  processed_mailbox: inbox\n  quarantine_mailbox: INBOX\n",
	"t.yaml:5:22: imap.processed_mailbox: the same as imap.mailbox; "
	"processed messages would be read again\n"
	"t.yaml:6:23: imap.quarantine_mailbox: the same as imap.mailbox; "
	"quarantined messages would be read again\n"},
    {"imap:\n  host: 127.0.0.1\n" IMAP_LOGIN
     "  mailbox: Bounces\n  processed_mailbox: Bounces\n",
	"t.yaml:6:22: imap.processed_mailbox: the same as imap.mailbox; "
	"processed messages would be read again\n"},
    /* resend: ranges and types */
    {"policy:\n  confirm_hard_bounce: yes\n",
	"t.yaml:2:24: policy.confirm_hard_bounce: \"yes\" is not true or "
	"false\n"},
    {"resend:\n  enabled: 1\n",
	"t.yaml:2:12: resend.enabled: \"1\" is not true or false\n"},
    {"resend:\n  max_age: 30m\n",
	"t.yaml:2:12: resend.max_age: 30m not in 1h..365d\n"},
    {"resend:\n  jitter: 101%\n",
	"t.yaml:2:11: resend.jitter: 101% not in 0..100\n"},
    {"resend:\n  jitter: ten\n",
	"t.yaml:2:11: resend.jitter: \"ten\" is not a percentage (use 10 or "
	"10%)\n"},
    {"resend:\n  jitter: \"%\"\n",
	"t.yaml:2:11: resend.jitter: \"%\" is not a percentage (use 10 or "
	"10%)\n"},
    {"resend:\n  jitter: 10%%\n",
	"t.yaml:2:11: resend.jitter: \"10%%\" is not a percentage (use 10 "
	"or 10%)\n"},
    {"resend:\n  smtp:\n    port: 65536\n",
	"t.yaml:3:11: resend.smtp.port: 65536 not in 1..65535\n"},
    {"resend:\n  smtp:\n    tls: ssl\n",
	"t.yaml:3:10: resend.smtp.tls: \"ssl\" is not one of implicit, "
	"starttls, none\n"},
    {"resend:\n  smtp:\n    tls: ''\n",
	"t.yaml:3:10: resend.smtp.tls: empty value (leave the key out for "
	"the default, none to a loopback host, else starttls)\n"},
    {"resend:\n  smtp:\n    timeout: 11m\n",
	"t.yaml:3:14: resend.smtp.timeout: 11m not in 1s..1m\n"},
    /* resend.reasons */
    {"resend:\n  reasons: [expired, greylisting, expired, userunknown]\n",
	"t.yaml:2:22: resend.reasons: \"greylisting\" is not a reason name "
	"(see bounced.yaml(5))\n"
	"t.yaml:2:35: resend.reasons: expired listed twice\n"},
    {"resend:\n  reasons: [Expired]\n",
	"t.yaml:2:13: resend.reasons: \"Expired\" is not a reason name (see "
	"bounced.yaml(5))\n"},
    {"resend:\n  reasons: []\n",
	"t.yaml:2:12: resend.reasons: no reasons; to resend nothing, leave "
	"resend.enabled false\n"},
    {"resend:\n  reasons: expired\n",
	"t.yaml:2:12: resend.reasons: a sequence of reason names expected, "
	"like [expired, networkerror, toomanyconn, speeding, systemfull, "
	"systemerror, mailboxfull]\n"},
    {"resend:\n  reasons: {expired: 1}\n",
	"t.yaml:2:12: resend.reasons: a sequence of reason names expected, "
	"not a mapping\n"},
    {"resend:\n  reasons:\n    - [expired]\n    -\n",
	"t.yaml:3:7: resend.reasons: a reason name expected, not a "
	"sequence\n"
	"t.yaml:4:6: resend.reasons: an empty item\n"},
    /* resend: the rules */
    {"resend:\n  enabled: true\n",
	"t.yaml:2:12: resend.from: required when resend.enabled is true\n"
	"t.yaml:2:12: resend.enabled: needs a proof that a bounce concerns "
	"mail we sent: configure verp: (signed return paths) or sent: (a "
	"copy of outgoing mail); without one, anyone who can mail the bounce "
	"address could make bounced send their message (docs/SECURITY.md)\n"},
    /* issue 13: one effect per reason, among the lists given */
    {"policy:\n  hard_reasons: [blocked]\n  sender_reasons: [blocked]\n",
	"t.yaml:2:17: policy.hard_reasons: blocked is also in "
	"policy.sender_reasons: a reason has one effect\n"},
    {"resend:\n  from: bounces\n",
	"t.yaml:2:9: resend.from: \"bounces\" is not an address "
	"(local@domain, without <>)\n"},
    {"resend:\n  from: \"Bounces <b@example.org>\"\n",
	"t.yaml:2:9: resend.from: \"Bounces <b@example.org>\" is not an "
	"address (local@domain, without <>)\n"},
    {"resend:\n  from: b@\n",
	"t.yaml:2:9: resend.from: \"b@\" is not an address (local@domain, "
	"without <>)\n"},
    {"resend:\n  spool: /nonexistent/spool\n",
	"t.yaml:2:10: resend.spool: /nonexistent/spool: No such file or "
	"directory\n"},
    {"resend:\n  spool: " READABLE "\n",
	"t.yaml:2:10: resend.spool: " READABLE ": not a directory\n"},
    {"resend:\n  smtp:\n    host: relay.example.org\n    tls: none\n",
	"t.yaml:4:10: resend.smtp.tls: none: cleartext only to a loopback "
	"address, not relay.example.org; use starttls or implicit\n"},
    {"resend:\n  smtp:\n    user: u\n",
	"t.yaml:3:11: resend.smtp.password_file: required with "
	"resend.smtp.user\n"},
    {"resend:\n  smtp:\n    password_file: /nonexistent/pw\n",
	"t.yaml:3:20: resend.smtp.user: required with "
	"resend.smtp.password_file\n"
	"t.yaml:3:20: resend.smtp.password_file: /nonexistent/pw: No such "
	"file or directory\n"},
    {"resend:\n  smtp:\n    ca_file: /nonexistent/ca.pem\n",
	"t.yaml:3:14: resend.smtp.ca_file: /nonexistent/ca.pem: No such file "
	"or directory\n"},
    /* events (issue 15 item 3) */
    {"events:\n  format: mailchimp\n",
	"t.yaml:2:11: events.format: \"mailchimp\": generic or listmonk\n"},
    {"events:\n  webhook: \"ftp://h/x\"\n  secret_file: /etc/hostname\n",
	"t.yaml:2:12: events.webhook: \"ftp://h/x\": not an http:// or "
	"https:// URL\n"},
    {"events:\n  webhook: \"https://h/x\"\n",
	"t.yaml:2:12: events.secret_file: required with events.webhook "
	"(format generic)\n"},
    {"events:\n  max_attempts: 0\n",
	"t.yaml:2:17: events.max_attempts: 0 not in 1..100000\n"},
};

/* events: a listmonk webhook needs no secret; the defaults */
static void
test_events(void **state)
{
	struct config *c;

	(void)state;
	c = load_ok("events:\n  webhook: \"http://127.0.0.1:9000/webhooks/"
		    "bounce\"\n  format: listmonk\n  exec: \"cat >/dev/null\"\n");
	assert_int_equal(c->events.format, CONFIG_EVENTS_LISTMONK);
	assert_string_equal(c->events.exec, "cat >/dev/null");
	assert_null(c->events.secret_file);
	assert_int_equal(c->events.timeout, 10);
	assert_int_equal(c->events.max_attempts, 100);
	assert_int_equal(c->events.max_age, 3 * 86400);
	assert_int_equal(c->events.batch, 100);
	config_free(&c);
	c = load_ok("");
	assert_null(c->events.exec);
	assert_null(c->events.webhook);
	assert_int_equal(c->events.format, CONFIG_EVENTS_GENERIC);
	config_free(&c);
}

static void
test_errors(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(error_cases) / sizeof(error_cases[0]); i++) {
		print_message("case %zu\n", i);
		load_fails(error_cases[i].text, error_cases[i].want);
	}
}

/* Not the first problem only: all of them, in the order of the file. */
static void
test_many_errors(void **state)
{
	(void)state;
	load_fails("database: ''\n"
		   "maildir:\n"
		   "  pth: /x\n"
		   "  rescan_interval: 2s\n"
		   "  batch_size: many\n"
		   "policy:\n"
		   "  soft_window: abc\n"
		   "resend: {schedule: [1h, 1m], max_attempts: 0}\n"
		   "log: {level: loud}\n"
		   "database: /b\n",
	    "t.yaml:1:11: database: empty value (leave the key out for the "
	    "default, /var/lib/bounced/bounced.db)\n"
	    "t.yaml:3:3: maildir.pth: unknown key (did you mean "
	    "maildir.path?)\n"
	    "t.yaml:4:20: maildir.rescan_interval: 2s not in 10s..1d\n"
	    "t.yaml:5:15: maildir.batch_size: \"many\" is not a whole number\n"
	    "t.yaml:7:16: policy.soft_window: \"abc\" is not a duration (use "
	    "90s, 15m, 4h, 7d)\n"
	    "t.yaml:8:25: resend.schedule: 1m after 1h; the delays must not "
	    "decrease\n"
	    "t.yaml:8:44: resend.max_attempts: 0 not in 1..50\n"
	    "t.yaml:9:14: log.level: \"loud\" is not one of err, warning, "
	    "notice, info, debug\n"
	    "t.yaml:10:1: database: given twice (first at line 1)\n");
}

/* Past CONFIG_MAX_ERRORS the rest is counted, not printed. */
static void
test_error_cap(void **state)
{
	size_t n = CONFIG_MAX_ERRORS + 5, i, lines = 0;
	char *text = xmalloc(n * 16 + 1), *p = text, *errors;
	struct config *conf;

	(void)state;
	for (i = 0; i < n; i++)
		p += sprintf(p, "k%zu: 1\n", i);
	assert_int_equal(
	    config_load_buf("t.yaml", text, (size_t)(p - text), &conf, &errors),
	    -1);
	for (p = errors; (p = strchr(p, '\n')) != NULL; p++)
		lines++;
	assert_int_equal(lines, CONFIG_MAX_ERRORS + 1);
	assert_non_null(strstr(errors, "t.yaml: 5 more problems not shown\n"));
	free(errors);
	free(text);
}

/*
 * "Did you mean" for the first 32 unknown keys; the rest are reported
 * without the search (config_schema.c SUGGEST_MAX_KEYS).
 */
static void
test_suggest_cap(void **state)
{
	size_t n = 40, i, lines = 0, hints = 0;
	char *text = xmalloc(16 + n * 16 + 1), *p = text, *errors;
	struct config *conf;

	(void)state;
	p += sprintf(p, "maildir:\n");
	for (i = 0; i < n; i++)
		p += sprintf(p, "  pth%zu: 1\n", i);
	assert_int_equal(
	    config_load_buf("t.yaml", text, (size_t)(p - text), &conf, &errors),
	    -1);
	for (p = errors; (p = strchr(p, '\n')) != NULL; p++)
		lines++;
	for (p = errors; (p = strstr(p, "(did you mean maildir.path?)")) != NULL;
	     p++)
		hints++;
	assert_int_equal(lines, n);
	assert_int_equal(hints, 32);
	assert_non_null(strstr(errors, "t.yaml:41:3: maildir.pth39: unknown key\n"));
	free(errors);
	free(text);
}

static const struct {
	const char *text;
	unsigned secs; /* when good */
	int ok;
} duration_cases[] = {
    {"0", 0, 1},
    {"90", 90, 1},
    {"30s", 30, 1},
    {"15m", 900, 1},
    {"4h", 14400, 1},
    {"7d", 604800, 1},
    {"007m", 420, 1},
    {"4294967295", 4294967295u, 1},
    {"4294967295s", 4294967295u, 1},
    {"49710d", 49710u * 86400u, 1},
    {"", 0, 0},
    {"-5m", 0, 0},
    {"+5m", 0, 0},
    {" 5m", 0, 0},
    {"5m ", 0, 0},
    {"5 m", 0, 0},
    {"5ms", 0, 0},
    {"5M", 0, 0},
    {"5w", 0, 0},
    {"m", 0, 0},
    {"1.5h", 0, 0},
    {"0x10", 0, 0},
    {"4294967296", 0, 0},
    {"49711d", 0, 0},
    {"71582789m", 0, 0},
    {"99999999999999999999999s", 0, 0},
};

static void
test_parse_duration(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(duration_cases) / sizeof(duration_cases[0]);
	     i++) {
		unsigned secs = 12345;
		const char *err = NULL;
		int rc =
		    config_parse_duration(duration_cases[i].text, &secs, &err);

		print_message("duration \"%s\"\n", duration_cases[i].text);
		if (duration_cases[i].ok) {
			assert_int_equal(rc, 0);
			assert_int_equal(secs, duration_cases[i].secs);
		} else {
			assert_int_equal(rc, -1);
			assert_non_null(err);
			assert_int_equal(secs, 12345);
		}
	}
}

static void
test_relative_paths(void **state)
{
	struct config *c = NULL;
	char *errors = NULL;

	(void)state;
	assert_int_equal(load_text("/etc/bounced/b.yaml",
			     "database: state/b.db\n"
			     "maildir:\n  path: ./mail\n",
			     &c, &errors),
	    0);
	assert_string_equal(c->database, "/etc/bounced/state/b.db");
	assert_string_equal(c->maildir, "/etc/bounced/mail");
	assert_string_equal(c->quarantine, "/etc/bounced/mail/.Quarantine");
	config_free(&c);
	/* the quarantine is next to the file too, not under the Maildir */
	assert_int_equal(
	    load_text("/b.yaml", "maildir: {quarantine: q}\n", &c, &errors), 0);
	assert_string_equal(c->quarantine, "/q");
	config_free(&c);
	/* a bare name has no directory: paths stay as written */
	c = load_ok("database: b.db\n");
	assert_string_equal(c->database, "b.db");
	config_free(&c);
	/* issue 18: a PostgreSQL URI is no path, taken as it is */
	assert_int_equal(load_text("/etc/bounced/b.yaml",
			     "database: postgresql:///bounced?host=/run/pg\n"
			     "maildir:\n  path: /srv/mail\n",
			     &c, &errors),
	    0);
	assert_string_equal(c->database, "postgresql:///bounced?host=/run/pg");
	config_free(&c);
	c = load_ok("database: postgres://db.example/b?sslmode=require\n");
	assert_string_equal(c->database,
	    "postgres://db.example/b?sslmode=require");
	config_free(&c);
}

struct tmp {
	char dir[64];
	char path[128];
};

static int
tmp_setup(void **state)
{
	struct tmp *t = xcalloc(1, sizeof(*t));

	snprintf(t->dir, sizeof(t->dir), "/tmp/test_config.XXXXXX");
	if (mkdtemp(t->dir) == NULL)
		return -1;
	snprintf(t->path, sizeof(t->path), "%s/bounced.yaml", t->dir);
	*state = t;
	return 0;
}

static int
tmp_teardown(void **state)
{
	struct tmp *t = *state;
	static const char *const files[] = {"pw", "ca.pem", "smtp.pw"};
	char *p;
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		p = xasprintf("%s/%s", t->dir, files[i]);
		unlink(p);
		free(p);
	}
	p = xasprintf("%s/spool", t->dir);
	rmdir(p);
	free(p);
	unlink(t->path);
	rmdir(t->dir);
	free(t);
	return 0;
}

static void
write_file(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void
test_load_file(void **state)
{
	struct tmp *t = *state;
	struct config *c = NULL;
	char *errors = NULL, *real, *want;

	write_file(t->path, "maildir:\n  path: mail\n", 22);
	assert_int_equal(config_load(t->path, &c, &errors), 0);
	assert_null(errors);
	assert_string_equal(c->file, t->path);
	real = realpath(t->dir, NULL);
	want = xasprintf("%s/mail", real);
	assert_string_equal(c->maildir, want);
	config_free(&c);
	free(want);
	free(real);

	write_file(t->path, "database: ''\nlog: {level: x}\n", 29);
	assert_int_equal(config_load(t->path, &c, &errors), -1);
	assert_null(c);
	want = xasprintf("%s:1:11: database: empty value (leave the key out "
			 "for the default, /var/lib/bounced/bounced.db)\n"
			 "%s:2:14: log.level: \"x\" is not one of err, "
			 "warning, notice, info, debug\n",
	    t->path, t->path);
	assert_string_equal(errors, want);
	free(want);
	free(errors);
}

/*
 * config_peek(): bouncectl only wants the database, and whoever runs it
 * may not read the daemon's password file; every other check still
 * holds.
 */
static void
test_peek(void **state)
{
	static const char text[] = "database: /srv/b.db\n"
	    "imap:\n  host: imap.example.org\n  user: u\n"
	    "  password_file: /nonexistent/pw\n"
	    "resend:\n  spool: /nonexistent/spool\n";
	struct tmp *t = *state;
	struct config *c = NULL;
	char *errors = NULL;

	write_file(t->path, text, sizeof(text) - 1);
	assert_int_equal(config_load(t->path, &c, &errors), -1);
	assert_non_null(strstr(errors, "imap.password_file: /nonexistent/pw"));
	assert_non_null(strstr(errors, "resend.spool: /nonexistent/spool"));
	free(errors);
	errors = NULL;
	assert_int_equal(config_peek(t->path, &c, &errors), 0);
	assert_null(errors);
	assert_string_equal(c->database, "/srv/b.db");
	config_free(&c);
	/* the rest is still checked */
	write_file(t->path, "imap:\n  host: h\n  port: 0\n", 26);
	assert_int_equal(config_peek(t->path, &c, &errors), -1);
	assert_non_null(strstr(errors, "imap.port"));
	free(errors);
}

static void
test_load_unreadable(void **state)
{
	struct tmp *t = *state;
	struct config *c = NULL;
	char *errors = NULL, *want, *big;

	unlink(t->path);
	assert_int_equal(config_load(t->path, &c, &errors), -1);
	assert_null(c);
	want = xasprintf("%s: No such file or directory\n", t->path);
	assert_string_equal(errors, want);
	free(want);
	free(errors);

	assert_int_equal(config_load(t->dir, &c, &errors), -1);
	want = xasprintf("%s: Is a directory\n", t->dir);
	assert_string_equal(errors, want);
	free(want);
	free(errors);

	/* 1 MiB of comment is allowed; one byte more is not */
	big = xmalloc(CONFIG_MAX_SIZE + 1);
	memset(big, '#', CONFIG_MAX_SIZE + 1);
	big[CONFIG_MAX_SIZE - 1] = '\n';
	write_file(t->path, big, CONFIG_MAX_SIZE);
	assert_int_equal(config_load(t->path, &c, &errors), 0);
	config_free(&c);
	write_file(t->path, big, CONFIG_MAX_SIZE + 1);
	assert_int_equal(config_load(t->path, &c, &errors), -1);
	want = xasprintf("%s: larger than 1024 KiB\n", t->path);
	assert_string_equal(errors, want);
	free(want);
	free(errors);
	assert_int_equal(
	    config_load_buf("t.yaml", big, CONFIG_MAX_SIZE + 1, &c, &errors),
	    -1);
	assert_string_equal(errors, "t.yaml: larger than 1024 KiB\n");
	free(errors);
	free(big);
}

/* A file of the test's directory, written with text. */
static char *
tmp_file(const struct tmp *t, const char *name, const char *text)
{
	char *p = xasprintf("%s/%s", t->dir, name);

	write_file(p, text, strlen(text));
	return p;
}

/*
 * Every imap and resend key, none at its default, read from a real file:
 * relative paths are taken from its directory, the files exist.
 */
static void
test_net_keys(void **state)
{
	static const char text[] =
	    "imap:\n"
	    "  host: imap.example.org\n"
	    "  port: 10993\n"
	    "  tls: starttls\n"
	    "  ca_file: ca.pem\n"
	    "  user: bounces@example.org\n"
	    "  password_file: pw\n"
	    "  mailbox: Bounces\n"
	    "  processed_mailbox: Bounces/done\n"
	    "  quarantine_mailbox: Bounces/quarantine\n"
	    "  idle: false\n"
	    "  poll_interval: 5m\n"
	    "  timeout: 1m\n"
	    "  batch_size: 50\n"
	    "policy:\n"
	    "  confirm_hard_bounce: true\n"
	    "resend:\n"
	    "  enabled: true\n"
	    "  max_age: 7d\n"
	    "  jitter: 25%\n"
	    "  from: bounces@example.org\n"
	    "  spool: ./spool/\n"
	    "  reasons:\n"
	    "    - mailboxfull\n"
	    "    - expired\n"
	    "  smtp:\n"
	    "    host: relay.example.org\n"
	    "    port: 587\n"
	    "    tls: implicit\n"
	    "    ca_file: ca.pem\n"
	    "    user: resend\n"
	    "    password_file: smtp.pw\n"
	    "    helo: bounced.example.org\n"
	    "    timeout: 45s\n"
	    "sent:\n"
	    "  mailbox: Sent\n";
	struct tmp *t = *state;
	struct config *c = NULL;
	char *errors = NULL, *real, *want, *pw, *ca, *spw, *spool;

	pw = tmp_file(t, "pw", "s3cret\n");
	spw = tmp_file(t, "smtp.pw", "s3cret\n");
	ca = tmp_file(t, "ca.pem", "-----BEGIN CERTIFICATE-----\n");
	spool = xasprintf("%s/spool", t->dir);
	assert_int_equal(mkdir(spool, 0700), 0);
	write_file(t->path, text, sizeof(text) - 1);
	if (config_load(t->path, &c, &errors) < 0)
		fail_msg("%s", errors);
	real = realpath(t->dir, NULL);

	assert_string_equal(c->imap.host, "imap.example.org");
	assert_int_equal(c->imap.port, 10993);
	assert_int_equal(c->imap.tls, CONFIG_TLS_STARTTLS);
	want = xasprintf("%s/ca.pem", real);
	assert_string_equal(c->imap.ca_file, want);
	assert_string_equal(c->resend.smtp.ca_file, want);
	free(want);
	assert_string_equal(c->imap.user, "bounces@example.org");
	want = xasprintf("%s/pw", real);
	assert_string_equal(c->imap.password_file, want);
	free(want);
	assert_string_equal(c->imap.mailbox, "Bounces");
	assert_string_equal(c->imap.processed_mailbox, "Bounces/done");
	assert_string_equal(c->imap.quarantine_mailbox, "Bounces/quarantine");
	assert_false(c->imap.idle);
	assert_int_equal(c->imap.poll_interval, 300);
	assert_int_equal(c->imap.timeout, 60);
	assert_int_equal(c->batch_size, 50);
	assert_true(c->policy.confirm_hard);
	assert_true(c->resend.enabled);
	assert_int_equal(c->resend.max_age, 7 * 86400);
	assert_int_equal(c->resend.jitter, 25);
	assert_string_equal(c->resend.from, "bounces@example.org");
	want = xasprintf("%s/spool/", real);
	assert_string_equal(c->resend.spool, want);
	free(want);
	assert_int_equal(c->resend.nreasons, 2);
	assert_string_equal(c->resend.reasons[0], "mailboxfull");
	assert_string_equal(c->resend.reasons[1], "expired");
	assert_string_equal(c->resend.smtp.host, "relay.example.org");
	assert_int_equal(c->resend.smtp.port, 587);
	assert_int_equal(c->resend.smtp.tls, CONFIG_TLS_IMPLICIT);
	assert_string_equal(c->resend.smtp.user, "resend");
	want = xasprintf("%s/smtp.pw", real);
	assert_string_equal(c->resend.smtp.password_file, want);
	free(want);
	assert_string_equal(c->resend.smtp.helo, "bounced.example.org");
	assert_int_equal(c->resend.smtp.timeout, 45);
	config_free(&c);

	/* a refused file names the password file, never what it holds */
	free(tmp_file(t, "bounced.yaml",
	    "imap:\n  host: imap.example.org\n  tls: none\n"
	    "  user: u\n  password_file: pw\n"));
	assert_int_equal(config_load(t->path, &c, &errors), -1);
	assert_null(strstr(errors, "s3cret"));
	free(errors);

	/* unreadable: only a test for who is not root (root reads all) */
	assert_int_equal(chmod(pw, 0), 0);
	free(tmp_file(t, "bounced.yaml",
	    "imap:\n  host: imap.example.org\n  user: u\n  password_file: "
	    "pw\n"));
	if (geteuid() != 0) {
		assert_int_equal(config_load(t->path, &c, &errors), -1);
		want = xasprintf("%s:4:18: imap.password_file: %s/pw: "
				 "Permission denied\n",
		    t->path, real);
		assert_string_equal(errors, want);
		assert_null(strstr(errors, "s3cret"));
		free(want);
		free(errors);
	}
	free(real);
	free(pw);
	free(spw);
	free(ca);
	free(spool);
}

static void
test_example(void **state)
{
	struct config *c = NULL, *d = config_default();
	char *errors = NULL;

	(void)state;
	if (config_load(BD_EXAMPLE_CONFIG, &c, &errors) < 0)
		fail_msg("%s", errors);
	/* it documents the defaults, so it must mean them */
	assert_defaults(c);
	assert_defaults(d);
	assert_no_imap(c);
	config_free(&c);
	config_free(&d);
}

/*
 * "resend.smtp.host: x" as nested YAML: "resend:\n  smtp:\n    host: x\n".
 * imap.* rows get the keys an imap: section cannot do without.
 */
static char *
row_text(const struct config_key *k)
{
	const char *p = k->path, *dot;
	char *text = xstrdup(""), *next;
	int depth = 0;
	bool list = k->type == CFG_DURATION_LIST ||
	    k->type == CFG_REASON_LIST || k->type == CFG_HEADER_LIST;

	while ((dot = strchr(p, '.')) != NULL) {
		next = xasprintf("%s%*s%.*s:\n", text, 2 * depth, "",
		    (int)(dot - p), p);
		free(text);
		text = next;
		p = dot + 1;
		depth++;
	}
	next = xasprintf("%s%*s%s: %s%s%s\n", text, 2 * depth, "", p,
	    list ? "[" : "", k->def, list ? "]" : "");
	free(text);
	text = next;
	if (strncmp(k->path, "imap.", 5) == 0) {
		next = xasprintf("%s  host: 127.0.0.1\n" IMAP_LOGIN, text);
		free(text);
		text = next;
	}
	if (strncmp(k->path, "verp.", 5) == 0) {
		next = xasprintf("%s" VERP_NEEDS, text);
		free(text);
		text = next;
	}
	if (strncmp(k->path, "sent.", 5) == 0) {
		next = xasprintf("%s  maildir: /srv/sent\n", text);
		free(text);
		text = next;
	}
	return text;
}

/* attribution: (issue 15 item 4): header field names, each once */
static void
test_attribution(void **state)
{
	struct config *c;

	(void)state;
	c = load_ok("attribution:\n  headers: [X-Campaign-Id, "
		    "X-Mailgun-Campaign-Id]\n  campaign: X-Campaign-Id\n");
	assert_int_equal(c->attribution.nheaders, 2);
	assert_string_equal(c->attribution.headers[1], "X-Mailgun-Campaign-Id");
	assert_string_equal(c->attribution.campaign, "X-Campaign-Id");
	config_free(&c);
	c = load_ok("log:\n  level: info\n");
	assert_int_equal(c->attribution.nheaders, 0);
	assert_null(c->attribution.campaign);
	config_free(&c);
	load_fails("attribution:\n  headers: [X-A, x-a, \"Bad Name\"]\n",
	    "t.yaml:2:18: attribution.headers: x-a listed twice\n"
	    "t.yaml:2:23: attribution.headers: \"Bad Name\" is not a header "
	    "field name (RFC 5322 3.6.8)\n");
	load_fails("attribution:\n  campaign: \"X:Y\"\n",
	    "t.yaml:2:13: attribution.campaign: not a header field name (RFC "
	    "5322 3.6.8), like X-Campaign-Id\n");
}

/* Every row of the table: written out with its default, it loads. */
static void
test_table(void **state)
{
	size_t i, j;

	(void)state;
	for (i = 0; i < config_nkeys; i++) {
		const struct config_key *k = &config_keys[i];
		struct config *c;
		char *text;

		for (j = 0; j < i; j++)
			assert_string_not_equal(k->path, config_keys[j].path);
		assert_int_equal(config_key_find(k->path), (int)i);
		assert_true(k->min <= k->max);
		/* a derived or unset default says so in words */
		assert_true(k->def != NULL || k->note != NULL);
		if (k->def == NULL)
			continue;
		text = row_text(k);
		print_message("%s", text);
		c = load_ok(text);
		assert_defaults(c);
		config_free(&c);
		free(text);
	}
	assert_int_equal(config_key_find("maildir"), -1);
	assert_int_equal(config_key_find("nothing"), -1);
	assert_int_equal(config_section_find("maildir"),
	    config_key_find("maildir.path"));
	assert_int_equal(config_section_find("resend.smtp"),
	    config_key_find("resend.smtp.host"));
	assert_true(config_section_find("resend") !=
		    config_section_find("resend.smtp"));
	assert_int_equal(config_section_find("nothing"), -1);
}

/*
 * policy.sender_reasons: by default the reasons that describe the sender
 * (none that says the address is dead or full); [] is allowed and counts
 * every failure against the recipient; a name classify/ does not know is
 * refused.
 */
static void
test_sender_reasons(void **state)
{
	struct config *c = config_default();
	size_t i;

	(void)state;
	assert_int_equal(c->policy.nsender_reasons, 16);
	for (i = 0; i < c->policy.nsender_reasons; i++) {
		enum reason r = reason_from_name(c->policy.sender_reasons[i]);

		assert_int_not_equal(r, REASON_COUNT);
		assert_int_equal(reason_info(r)->hard, HARD_NEVER);
		assert_int_not_equal(r, REASON_MAILBOXFULL);
		assert_int_not_equal(r, REASON_SUSPEND);
		assert_int_not_equal(r, REASON_FILTERED);
	}
	config_free(&c);
	c = load_ok("policy:\n  sender_reasons: []\n");
	assert_int_equal(c->policy.nsender_reasons, 0);
	config_free(&c);
	c = load_ok("policy:\n  sender_reasons: [blocked]\n");
	assert_int_equal(c->policy.nsender_reasons, 1);
	assert_string_equal(c->policy.sender_reasons[0], "blocked");
	config_free(&c);
	load_fails("policy:\n  sender_reasons: [blocked, nosuch]\n",
	    "t.yaml:2:29: policy.sender_reasons: \"nosuch\" is not a reason "
	    "name (see bounced.yaml(5))\n");
}

/*
 * The default resend.reasons are names classify/ knows, each one a
 * transient reason: config.h promises that only those are ever resent.
 */
static void
test_default_reasons(void **state)
{
	struct config *c = config_default();
	enum reason r;
	size_t i;

	(void)state;
	assert_int_equal(c->resend.nreasons, 7);
	for (i = 0; i < c->resend.nreasons; i++) {
		r = reason_from_name(c->resend.reasons[i]);
		print_message("%s\n", c->resend.reasons[i]);
		assert_true(r != REASON_COUNT);
		assert_int_equal(reason_info(r)->cls, CLASS_TRANSIENT);
	}
	config_free(&c);
	/* every reason name is accepted, permanent ones too */
	for (r = REASON_UNDEFINED; r < REASON_COUNT; r++) {
		char *text;

		if (reason_name(r) == NULL)
			continue;
		text = xasprintf("resend:\n  reasons: [%s]\n", reason_name(r));
		c = load_ok(text);
		assert_int_equal(c->resend.nreasons, 1);
		assert_string_equal(c->resend.reasons[0], reason_name(r));
		config_free(&c);
		free(text);
	}
}

static void
test_loopback(void **state)
{
	static const char *const yes[] = {"127.0.0.1", "127.0.0.2",
	    "127.255.255.254", "::1", "0:0:0:0:0:0:0:1", "localhost",
	    "LocalHost", "localhost."};
	static const char *const no[] = {"", "128.0.0.1", "126.0.0.1",
	    "10.0.0.1", "::2", "::", "::ffff:127.0.0.1", "127.0.0.1.nip.io",
	    "localhost.example.org", "[::1]", "127.1", "example.org"};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		print_message("yes %s\n", yes[i]);
		assert_true(config_host_loopback(yes[i]));
	}
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		print_message("no %s\n", no[i]);
		assert_false(config_host_loopback(no[i]));
	}
	assert_false(config_host_loopback(NULL));
}

/* Defaults that follow other keys: ports from tls, smtp tls from host. */
static void
test_derived(void **state)
{
	struct config *c;

	(void)state;
	c = load_ok("imap:\n  host: imap.example.org\n  tls: starttls\n"
		IMAP_LOGIN);
	assert_string_equal(c->imap.host, "imap.example.org");
	assert_int_equal(c->imap.port, 143);
	config_free(&c);
	c = load_ok("imap:\n  host: ::1\n  tls: none\n" IMAP_LOGIN);
	assert_int_equal(c->imap.tls, CONFIG_TLS_NONE);
	assert_int_equal(c->imap.port, 143);
	config_free(&c);
	c = load_ok("imap:\n  host: localhost\n  port: 10993\n" IMAP_LOGIN);
	assert_int_equal(c->imap.tls, CONFIG_TLS_IMPLICIT);
	assert_int_equal(c->imap.port, 10993);
	config_free(&c);

	c = load_ok("resend:\n  smtp:\n    host: relay.example.org\n");
	assert_int_equal(c->resend.smtp.tls, CONFIG_TLS_STARTTLS);
	assert_int_equal(c->resend.smtp.port, 25);
	config_free(&c);
	c = load_ok("resend:\n  smtp: {host: relay.example.org, tls: "
		    "implicit}\n");
	assert_int_equal(c->resend.smtp.tls, CONFIG_TLS_IMPLICIT);
	assert_int_equal(c->resend.smtp.port, 465);
	config_free(&c);
	c = load_ok("resend:\n  smtp: {host: 127.0.0.1, tls: implicit, port: "
		    "10465}\n");
	assert_int_equal(c->resend.smtp.port, 10465);
	config_free(&c);
	c = load_ok("resend:\n  smtp: {host: '::1'}\n");
	assert_int_equal(c->resend.smtp.tls, CONFIG_TLS_NONE);
	config_free(&c);
	c = load_ok("resend:\n  smtp: {host: localhost, tls: starttls}\n");
	assert_int_equal(c->resend.smtp.tls, CONFIG_TLS_STARTTLS);
	assert_int_equal(c->resend.smtp.port, 25);
	config_free(&c);

	/* the forms of a percentage and a boolean */
	c = load_ok("resend: {jitter: 0%, enabled: false}\n"
		    "policy: {confirm_hard_bounce: True}\n");
	assert_int_equal(c->resend.jitter, 0);
	assert_true(c->policy.confirm_hard);
	config_free(&c);
	c = load_ok("resend: {jitter: 100, enabled: TRUE, from: a@b}\n"
		    "imap:\n  host: imap.example.org\n" IMAP_LOGIN
		    "sent: {mailbox: Sent}\n");
	assert_int_equal(c->resend.jitter, 100);
	assert_true(c->resend.enabled);
	config_free(&c);
	c = load_ok("resend: {jitter: '25%'}\n");
	assert_int_equal(c->resend.jitter, 25);
	config_free(&c);
}
/* verp: signed return paths (docs/VERP.md) */
static void
test_verp(void **state)
{
	static const char *const cases[][2] = {
	    {"verp:\n  key_file: " BD_VERP_KEY "\n",
		"t.yaml:1:1: verp.address: missing; the verp: section needs "
		"address and key_file\n"},
	    {"verp:\n  address: bounces@example.org\n  key_file: " BD_VERP_KEY
	     "\n",
		"t.yaml:2:12: verp.address: \"bounces@example.org\": {tag} "
		"missing from the local part (e.g. "
		"bounces+{tag}@example.org)\n"},
	    {"verp:\n  address: b+{tag}{tag}@example.org\n  key_file: "
	     BD_VERP_KEY "\n",
		"t.yaml:2:12: verp.address: \"b+{tag}{tag}@example.org\": {tag} "
		"more than once (e.g. bounces+{tag}@example.org)\n"},
	    {"verp:\n  address: b@{tag}.example.org\n  key_file: "
	     BD_VERP_KEY "\n",
		"t.yaml:2:12: verp.address: \"b@{tag}.example.org\": {tag} "
		"missing from the local part (e.g. "
		"bounces+{tag}@example.org)\n"},
	    {"verp:\n  address: b+{tag}@example.org\n",
		"t.yaml:2:12: verp.key_file: required with verp.address\n"},
	    {"verp:\n  address: b+{tag}@example.org\n  key_file: "
	     "/nonexistent/key\n",
		"t.yaml:3:13: verp.key_file: /nonexistent/key: No such file or "
		"directory\n"},
	    {"verp:\n" VERP_NEEDS "  max_age: 1024d\n", "max_age"},
	    {"verp:\n" VERP_NEEDS "  max_age: 12h\n", "max_age"},
	};
	struct tmp *t = *state;
	struct config *c = NULL;
	char *errors = NULL, *text, *key, *want;
	size_t i;

	c = load_ok("verp:\n" VERP_NEEDS "  max_age: 1023d\n");
	assert_string_equal(c->verp.address, "bounces+{tag}@example.org");
	assert_string_equal(c->verp.key_file, BD_VERP_KEY);
	assert_int_equal(c->verp.max_age, 1023 * 86400);
	config_free(&c);
	c = load_ok("verp:\n" VERP_NEEDS);
	assert_int_equal(c->verp.max_age, 60 * 86400);
	config_free(&c);
	c = load_ok("");
	assert_null(c->verp.address);
	config_free(&c);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		print_message("verp case %zu\n", i);
		if (strchr(cases[i][1], '\n') != NULL) {
			load_fails(cases[i][0], cases[i][1]);
			continue;
		}
		assert_int_equal(load_text("t.yaml", cases[i][0], &c, &errors),
		    -1);
		assert_non_null(strstr(errors, cases[i][1]));
		free(errors);
		errors = NULL;
	}
	/* a key of 15 bytes (and a line end): too short; 16: enough */
	key = xasprintf("%s/pw", t->dir);
	text = xasprintf("verp:\n  address: b+{tag}@example.org\n"
			 "  key_file: %s\n",
	    key);
	write_file(key, "0123456789abcde\n", 16);
	want = xasprintf(
	    "t.yaml:3:13: verp.key_file: %s: shorter than 16 bytes\n", key);
	load_fails(text, want);
	/* bouncectl reads the configuration without the key file */
	write_file(t->path, text, strlen(text));
	assert_int_equal(config_peek(t->path, &c, &errors), 0);
	config_free(&c);
	write_file(key, "0123456789abcdef\r\n", 18);
	c = load_ok(text);
	config_free(&c);
	free(want);
	free(text);
	free(key);
}

/* sent: the record of what we sent (issue 13) */
static void
test_sent(void **state)
{
	static const char *const cases[][2] = {
	    {"sent:\n  keep: 7d\n",
		"t.yaml:1:1: sent.maildir: missing; the sent: section needs "
		"maildir or mailbox\n"},
	    {"sent:\n",
		"t.yaml:1:1: sent: an empty section (indent its keys below "
		"it, or leave it out for the defaults)\n"},
	    {"imap:\n  host: 127.0.0.1\n" IMAP_LOGIN
	     "sent:\n  maildir: /srv/sent\n  mailbox: Sent\n",
		"t.yaml:7:12: sent.mailbox: given with sent.maildir (line 6); "
		"the copies are read from one place\n"},
	    {"sent:\n  mailbox: Sent\n",
		"t.yaml:2:12: sent.mailbox: needs an imap: source (the folder "
		"is read on its server); with a Maildir use sent.maildir\n"},
	    {"imap:\n  host: 127.0.0.1\n" IMAP_LOGIN
	     "sent:\n  mailbox: inbox\n",
		"t.yaml:6:12: sent.mailbox: inbox: one of imap's mailboxes; "
		"the copies need a folder of their own\n"},
	    {"imap:\n  host: 127.0.0.1\n" IMAP_LOGIN
	     "  processed_mailbox: Done\nsent:\n  mailbox: Done\n",
		"t.yaml:7:12: sent.mailbox: Done: one of imap's mailboxes; "
		"the copies need a folder of their own\n"},
	    {"maildir:\n  path: /srv/mail\nsent:\n  maildir: /srv/mail\n",
		"t.yaml:4:12: sent.maildir: /srv/mail: overlaps maildir.path "
		"/srv/mail, where the bounces are read\n"},
	    {"maildir:\n  path: /srv/mail\nsent:\n  maildir: /srv/mail/.Sent\n",
		"t.yaml:4:12: sent.maildir: /srv/mail/.Sent: overlaps "
		"maildir.path /srv/mail, where the bounces are read\n"},
	    {"database: /srv/sent/new/b.db\nsent:\n  maildir: /srv/sent\n",
		"t.yaml:1:11: database: inside sent.maildir, which the daemon "
		"reads and empties\n"},
	    {"sent:\n  maildir: /srv/sent\n  keep: 1024d\n", "sent.keep"},
	    {"sent:\n  maildir: /srv/sent\n  keep: 23h\n", "sent.keep"},
	    {"sent:\n  maildir: /srv/sent\n  folder: x\n", "sent.folder"},
	};
	struct config *c = NULL;
	char *errors = NULL;
	size_t i;

	(void)state;
	c = load_ok("");
	assert_null(c->sent.maildir);
	assert_null(c->sent.mailbox);
	assert_int_equal(c->sent.keep, 30 * 86400);
	config_free(&c);
	c = load_ok("sent:\n  maildir: /srv/sent\n");
	assert_string_equal(c->sent.maildir, "/srv/sent");
	assert_null(c->sent.mailbox);
	assert_int_equal(c->sent.keep, 30 * 86400);
	config_free(&c);
	c = load_ok("sent:\n  maildir: /srv/sent\n  keep: 1d\n");
	assert_int_equal(c->sent.keep, 86400);
	config_free(&c);
	c = load_ok("sent:\n  maildir: /srv/sent\n  keep: 1023d\n");
	assert_int_equal(c->sent.keep, 1023 * 86400);
	config_free(&c);
	/* the Maildir's quarantine is elsewhere: a sibling is fine */
	c = load_ok("maildir:\n  path: /srv/mail\nsent:\n  maildir: /srv/sent\n");
	assert_string_equal(c->sent.maildir, "/srv/sent");
	config_free(&c);
	c = load_ok("imap:\n  host: 127.0.0.1\n" IMAP_LOGIN
		    "sent:\n  mailbox: Sent\n  keep: 90d\n");
	assert_string_equal(c->sent.mailbox, "Sent");
	assert_null(c->sent.maildir);
	assert_int_equal(c->sent.keep, 90 * 86400);
	config_free(&c);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		print_message("sent case %zu\n", i);
		if (strchr(cases[i][1], '\n') != NULL) {
			load_fails(cases[i][0], cases[i][1]);
			continue;
		}
		assert_int_equal(load_text("t.yaml", cases[i][0], &c, &errors),
		    -1);
		assert_non_null(strstr(errors, cases[i][1]));
		free(errors);
		errors = NULL;
	}
}

/*
 * Every prefix of the example is a file someone may have half written:
 * it loads or fails with lines ending in "\n", never crashes or leaks.
 */
static void
test_prefixes(void **state)
{
	struct config_errors unused = {.file = "x"};
	struct config *c;
	char *buf, *errors;
	size_t len, i;

	(void)state;
	assert_int_equal(
	    config_read_file(BD_EXAMPLE_CONFIG, &buf, &len, &unused), 0);
	for (i = 0; i <= len; i++) {
		char *copy = xmalloc(i > 0 ? i : 1);

		memcpy(copy, buf, i);
		if (config_load_buf("p.yaml", copy, i, &c, &errors) == 0) {
			assert_non_null(c);
			config_free(&c);
		} else {
			assert_null(c);
			assert_true(strlen(errors) > 0);
			assert_int_equal(errors[strlen(errors) - 1], '\n');
			free(errors);
		}
		free(copy);
	}
	free(buf);
}

/* issue 17 item 4: bounced -n prints every key, a credential as (set) */
static void
test_show(void **state)
{
	struct config *c = load_ok("events:\n"
				   "  webhook: https://h.example/T0K3N\n"
				   "  secret_file: " READABLE "\n"
				   "maildir:\n  batch_size: 7\n");
	char *text = NULL, line[160];
	size_t len = 0, i;
	FILE *f = open_memstream(&text, &len);

	(void)state;
	assert_non_null(f);
	config_show(c, f);
	fclose(f);
	for (i = 0; i < config_nkeys; i++) {
		snprintf(line, sizeof(line), "\n%s: ", config_keys[i].path);
		if (strncmp(text, line + 1, strlen(line + 1)) != 0 &&
		    strstr(text, line) == NULL)
			fail_msg("no line for %s", config_keys[i].path);
	}
	assert_non_null(strstr(text, "\nevents.webhook: (set)\n"));
	assert_null(strstr(text, "T0K3N"));
	assert_non_null(strstr(text, "\nmaildir.batch_size: 7\n"));
	assert_non_null(strstr(text, "\nresend.schedule: [15m, 1h, 4h]\n"));
	assert_non_null(strstr(text, "\nresend.jitter: 10%\n"));
	assert_non_null(strstr(text, "\nimap.host: (none)\n"));
	assert_non_null(strstr(text, "\nretention.messages: forever\n"));
	assert_non_null(strstr(text, "\nlog.level: info\n"));
	free(text);
	config_free(&c);
}

/* issue 17 item 6: sisimai 5's names wherever a reason is named */
static void
test_sisimai5_config(void **state)
{
	struct config *c = load_ok("policy:\n"
				   "  hard_reasons: [emailtoolarge]\n"
				   "  sender_reasons: [blocked]\n"
				   "resend:\n"
				   "  reasons: [ratelimited]\n"
				   "retention:\n"
				   "  suppressions:\n"
				   "    ratelimited: 30d\n");
	struct config *bad = NULL;
	char *errors = NULL;

	(void)state;
	assert_int_equal(c->policy.effect[REASON_MESGTOOBIG],
	    CONFIG_EFFECT_HARD);
	assert_int_equal(c->policy.effect[REASON_EXCEEDLIMIT],
	    CONFIG_EFFECT_HARD);
	assert_true(c->resend.reason[REASON_SPEEDING]);
	assert_true(c->resend.reason[REASON_TOOMANYCONN]);
	assert_false(c->resend.reason[REASON_MAILBOXFULL]);
	assert_int_equal(c->retention.suppressions[REASON_SPEEDING], 30 * 86400);
	assert_int_equal(c->retention.suppressions[REASON_TOOMANYCONN],
	    30 * 86400);
	config_free(&c);
	/* one reason, two effects, whichever name says it */
	assert_int_equal(load_text("t.yaml", "policy:\n"
	    "  hard_reasons: [ratelimited]\n  soft_reasons: [speeding]\n",
	    &bad, &errors), -1);
	assert_non_null(strstr(errors, "speeding is also in "
	    "policy.hard_reasons"));
	free(errors);
	config_free(&bad);
	errors = NULL;
	assert_int_equal(load_text("t.yaml", "resend:\n  reasons: "
	    "[suppressed]\n", &bad, &errors), -1);
	assert_non_null(strstr(errors, "\"suppressed\" is not a reason"));
	free(errors);
	config_free(&bad);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_batch_default),
	    cmocka_unit_test(test_show),
	    cmocka_unit_test(test_sisimai5_config),
	    cmocka_unit_test(test_every_key),
	    cmocka_unit_test(test_schedule_forms),
	    cmocka_unit_test(test_log_levels),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_events),
	    cmocka_unit_test(test_many_errors),
	    cmocka_unit_test(test_error_cap),
	    cmocka_unit_test(test_suggest_cap),
	    cmocka_unit_test(test_parse_duration),
	    cmocka_unit_test(test_relative_paths),
	    cmocka_unit_test_setup_teardown(
		test_load_file, tmp_setup, tmp_teardown),
	    cmocka_unit_test_setup_teardown(
		test_peek, tmp_setup, tmp_teardown),
	    cmocka_unit_test_setup_teardown(
		test_load_unreadable, tmp_setup, tmp_teardown),
	    cmocka_unit_test_setup_teardown(
		test_net_keys, tmp_setup, tmp_teardown),
	    cmocka_unit_test(test_example),
	    cmocka_unit_test(test_table),
	    cmocka_unit_test(test_default_reasons),
	    cmocka_unit_test(test_attribution),
	    cmocka_unit_test_setup_teardown(
		test_sender_reasons, tmp_setup, tmp_teardown),
	    cmocka_unit_test(test_loopback),
	    cmocka_unit_test(test_derived),
	    cmocka_unit_test(test_prefixes),
	    cmocka_unit_test_setup_teardown(test_verp, tmp_setup, tmp_teardown),
	    cmocka_unit_test(test_sent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
