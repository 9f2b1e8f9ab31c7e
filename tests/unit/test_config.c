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

#include "common/log.h"
#include "common/xmalloc.h"
#include "config/config.h"
#include "config/config_private.h"

#ifndef BD_EXAMPLE_CONFIG
#error "BD_EXAMPLE_CONFIG: the path of config/bounced.yaml.example"
#endif

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
	assert_int_equal(c->batch_size, 200);
	assert_int_equal(c->policy.soft_limit, 5);
	assert_int_equal(c->policy.soft_window, 7 * 86400);
	assert_int_equal(c->policy.soft_decay, 30 * 86400);
	assert_int_equal(c->resend.nschedule, 3);
	assert_int_equal(c->resend.schedule[0], 15 * 60);
	assert_int_equal(c->resend.schedule[1], 3600);
	assert_int_equal(c->resend.schedule[2], 4 * 3600);
	assert_int_equal(c->resend.max_attempts, 3);
	assert_int_equal(c->log_level, LOG_LVL_INFO);
}

static void
test_defaults(void **state)
{
	static const char *const empty[] = {"", "\n", "# only a comment\n",
	    "---\n", "~\n", "---\n...\n", "maildir:\npolicy: ~\n", "{}\n"};
	struct config *c = config_default();
	size_t i;

	(void)state;
	assert_null(c->file);
	assert_defaults(c);
	config_free(&c);
	assert_null(c);
	config_free(&c); /* NULL is fine */
	for (i = 0; i < sizeof(empty) / sizeof(empty[0]); i++) {
		c = load_ok(empty[i]);
		assert_string_equal(c->file, "t.yaml");
		assert_defaults(c);
		config_free(&c);
	}
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
    {"maildir:\n  batch_size: -1\n",
	"t.yaml:2:15: maildir.batch_size: \"-1\" is not a whole number\n"},
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
    {"maildir:\n  pth: /x\n", "t.yaml:2:3: maildir.pth: unknown key\n"},
    {"imap:\n  host: x\n  port: 1\n", "t.yaml:1:1: imap: unknown key\n"},
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
};

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
	    "t.yaml:3:3: maildir.pth: unknown key\n"
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
	config_free(&c);
	config_free(&d);
}

/* Every row of the table: written out with its default, it loads. */
static void
test_table(void **state)
{
	size_t i, j;

	(void)state;
	for (i = 0; i < config_nkeys; i++) {
		const struct config_key *k = &config_keys[i];
		const char *dot = strchr(k->path, '.');
		struct config *c;
		char *text;

		for (j = 0; j < i; j++)
			assert_string_not_equal(k->path, config_keys[j].path);
		assert_int_equal(config_key_find(k->path), (int)i);
		assert_true(k->min <= k->max);
		if (k->def == NULL)
			continue;
		if (k->type == CFG_DURATION_LIST)
			text = dot != NULL
				   ? xasprintf("%.*s:\n  %s: [%s]\n",
					 (int)(dot - k->path), k->path, dot + 1,
					 k->def)
				   : xasprintf("%s: [%s]\n", k->path, k->def);
		else
			text = dot != NULL
				   ? xasprintf("%.*s:\n  %s: %s\n",
					 (int)(dot - k->path), k->path, dot + 1,
					 k->def)
				   : xasprintf("%s: %s\n", k->path, k->def);
		print_message("%s", text);
		c = load_ok(text);
		assert_defaults(c);
		config_free(&c);
		free(text);
	}
	assert_int_equal(config_key_find("maildir"), -1);
	assert_int_equal(config_key_find("nothing"), -1);
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_every_key),
	    cmocka_unit_test(test_schedule_forms),
	    cmocka_unit_test(test_log_levels),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_many_errors),
	    cmocka_unit_test(test_error_cap),
	    cmocka_unit_test(test_parse_duration),
	    cmocka_unit_test(test_relative_paths),
	    cmocka_unit_test_setup_teardown(
		test_load_file, tmp_setup, tmp_teardown),
	    cmocka_unit_test_setup_teardown(
		test_load_unreadable, tmp_setup, tmp_teardown),
	    cmocka_unit_test(test_example),
	    cmocka_unit_test(test_table),
	    cmocka_unit_test(test_prefixes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
