/*
 * bounced: watch a Maildir or an IMAP mailbox of bounces, record each
 * message's result in SQLite exactly once, keep every recipient's state,
 * resend what failed for a passing reason (bounced(8)).
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/state_base.h"
#include "common/xmalloc.h"
#include "daemon/daemon.h"
#include "daemon/lookup/lookup_server.h"
#include "daemon/notify.h"

static void
usage(FILE *out)
{
	fputs("usage: bounced [-hnqv] [--once] [--version] [-c FILE] "
	      "[-d DATABASE] [-i NAME]\n"
	      "               [-m MAILDIR]\n"
	      "  -c FILE     configuration (bounced.yaml(5)); without it the "
	      "embedded defaults\n"
	      "  -d PATH     database file (overrides the configuration)\n"
	      "  -i NAME     one of several daemons sharing the database "
	      "(bounced@.service)\n"
	      "  -m PATH     Maildir to watch (overrides the configuration)\n"
	      "  -n          check the configuration, print the settings in force, "
	      "exit\n"
	      "  -q          with -n: print only the problems, or \"configuration "
	      "OK\"\n"
	      "  --once      process what is waiting, then exit\n"
	      "  -v          log debug lines too\n"
	      "  -h, --help  this text\n"
	      "  --version   the version, then exit\n",
	    out);
}

int64_t
daemon_now(void)
{
	static int64_t offset = -1;
	const char *s;

	if (offset == -1) /* first call is on the main thread, at start */
		offset = (s = getenv("BOUNCED_TEST_TIME_OFFSET")) != NULL ?
		    strtoll(s, NULL, 10) : 0;
	return (int64_t)time(NULL) + offset;
}

struct config *
daemon_load_config(const struct daemon *d)
{
	struct config *conf = NULL;
	char *errors = NULL;

	if (d->conf_path == NULL)
		conf = config_default();
	else if (config_load(d->conf_path, &conf, &errors) == -1) {
		char *line, *save = NULL;

		/* every problem of the file, each on its own log line */
		for (line = strtok_r(errors, "\n", &save); line != NULL;
		     line = strtok_r(NULL, "\n", &save))
			log_errx("%s", line);
		free(errors);
		return NULL;
	}
	if (d->opt_db != NULL) {
		free(conf->database);
		conf->database = xstrdup(d->opt_db);
	}
	if (d->opt_maildir != NULL) {
		free(conf->maildir);
		free(conf->quarantine);
		conf->maildir = xstrdup(d->opt_maildir);
		conf->quarantine = xasprintf("%s/.Quarantine", d->opt_maildir);
		/* the command line names the source: a Maildir, whatever
		 * imap: the file has */
		free(conf->imap.host);
		conf->imap.host = NULL;
	}
	return conf;
}

/*
 * The sent: source: a Maildir that quarantines nothing (each copy is
 * deleted once indexed), or the folder on the imap: server over a second
 * connection. 0 and *sent_r (NULL without a sent: section), or -1.
 */
static int
open_sent(const struct config *conf, bool once, struct source **sent_r)
{
	const struct config_sent *sc = &conf->sent;

	*sent_r = NULL;
	if (sc->maildir != NULL)
		*sent_r = maildir_source_new(sc->maildir, NULL);
	else if (sc->mailbox != NULL && conf->imap.host == NULL) {
		log_warnx("sent: mailbox %s: no imap: server to read it on "
		    "(-m names a Maildir)", sc->mailbox);
		return -1;
	} else if (sc->mailbox != NULL)
		*sent_r = imap_sent_source_new(&conf->imap, sc->mailbox,
		    conf->batch_size, once);
	else
		return 0;
	return *sent_r != NULL ? 0 : -1;
}

/* The source and the sent: source of conf: 0, or -1 (logged). */
static int
open_sources(const struct config *conf, bool once, struct source **src_r,
    struct source **sent_r)
{
	if (conf->imap.host != NULL)
		*src_r = imap_source_new(&conf->imap, conf->batch_size, once);
	else
		*src_r = maildir_source_new(conf->maildir, conf->quarantine);
	if (*src_r == NULL)
		return -1;
	if (open_sent(conf, once, sent_r) == -1) {
		(*src_r)->ops->free(*src_r);
		*src_r = NULL;
		return -1;
	}
	return 0;
}

static void
close_sources(struct source **src, struct source **sent)
{
	(*src)->ops->free(*src);
	if (*sent != NULL)
		(*sent)->ops->free(*sent);
	*src = *sent = NULL;
}

int
daemon_open(const struct config *conf, bool once, struct store **st_r,
    struct source **src_r, struct source **sent_r)
{
	char *err = NULL;

	if (store_open(conf->database, STORE_RDWR, st_r, &err) == -1) {
		log_warnx("store: %s", err);
		free(err);
		return -1;
	}
	if (open_sources(conf, once, src_r, sent_r) == -1) {
		store_close(st_r);
		return -1;
	}
	return 0;
}

void
daemon_reload(struct daemon *d)
{
	struct config *conf;
	struct store *st = NULL;
	struct source *src = NULL, *sent = NULL;

	notify_reloading();
	if ((conf = daemon_load_config(d)) == NULL) {
		log_warnx("config: %s: invalid, keeping the running "
		    "configuration", d->conf_path ? d->conf_path : "defaults");
		notify_ready("reload failed: configuration invalid");
		return;
	}
	if (daemon_open(conf, d->once, &st, &src, &sent) == -1) {
		log_warnx("config: %s: cannot open what it names, keeping the "
		    "running configuration", d->conf_path ? d->conf_path :
		    "defaults");
		config_free(&conf);
		notify_ready("reload failed: see the log");
		return;
	}
	if (lookup_config_changed(d->conf, conf))
		log_warnx("config: lookup: the responders keep their sockets "
		    "and database until a restart");
	d->src->ops->free(d->src);
	if (d->sent != NULL)
		d->sent->ops->free(d->sent);
	store_close(&d->st);
	config_free(&d->conf);
	d->conf = conf, d->st = st, d->src = src, d->sent = sent;
	d->pl.st = st, d->pl.conf = conf;
	pipeline_verp_load(&d->pl, conf);
	/* another database may have another key; new retention settings
	 * apply at once, the metrics file too */
	forgotten_wipe(&d->pl.forgotten);
	upkeep_reload(&d->upkeep);
	d->resend_at = -1; /* resend.enabled or the schedule may differ */
	/* said before the new level applies: a reload is always logged */
	log_notice("config: %s: reloaded", d->conf_path ? d->conf_path :
	    "defaults");
	log_set_level(d->verbose ? LOG_LVL_DEBUG : conf->log_level);
	notify_ready("reloaded");
}

static int
setup_signals(struct daemon *d)
{
	sigset_t set;

	/* signalfd(2): no handlers, the loop reads signals like any fd */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) == -1)
		return -1;
	d->sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	return d->sfd == -1 ? -1 : 0;
}

/* -i NAME goes into a file name next to the database: no '/', no "..". */
static bool
instance_name(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
		    s[i] == '_' || (s[i] == '.' && i > 0)))
			return false;
	return i > 0 && i <= 64;
}

static int
parse_args(struct daemon *d, int argc, char **argv, bool *check_r,
    bool *quiet_r)
{
	static const struct option longopts[] = {
		{ "once", no_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "c:d:hi:m:nqv", longopts, NULL)) !=
	    -1) {
		switch (c) {
		case 'c': d->conf_path = optarg; break;
		case 'd': d->opt_db = optarg; break;
		case 'i': d->instance = optarg; break;
		case 'm': d->opt_maildir = optarg; break;
		case 'n': *check_r = true; break;
		case 'o': d->once = true; break;
		case 'q': *quiet_r = true; break;
		case 'v': d->verbose = true; break;
		case 'h': usage(stdout); exit(0);
		case 'V': puts("bounced " BD_VERSION); exit(0);
		default: usage(stderr); return -1;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return -1;
	}
	if (d->instance != NULL && !instance_name(d->instance)) {
		fprintf(stderr, "bounced: -i %s: letters, digits, '-', '_' "
		    "and '.' only, at most 64\n", d->instance);
		return -1;
	}
	return 0;
}

/*
 * The poison marker (poison.h): a message the last run died parsing
 * becomes a suspect, counted in the store; the suspects are read.
 */
static void
poison_start(struct daemon *d)
{
	struct poison *ps = &d->poison;

	char base[4096], *name;
	int rc;

	/* beside the database file, or in the state directory where the
	 * database is a server's (issue 18) */
	if (state_base(d->conf->database, base, sizeof(base)) == -1) {
		log_warnx("poison: %s: name too long: a message that kills "
		    "the parser will not be recognised", d->conf->database);
		return;
	}
	/* one marker per daemon: two daemons on one database would write
	 * over each other's (bounced@.service, issue 17 item 4) */
	name = d->instance == NULL ? xstrdup(base) :
	    xasprintf("%s.%s", base, d->instance);
	rc = poison_open(ps, name);
	free(name);
	if (rc == -1)
		return;
	if (ps->died_sha[0] != '\0') {
		log_warnx("%s: the last run ended while parsing it (a crash, "
		    "the memory limit or the watchdog): it is parsed next in "
		    "a process of its own", ps->died_ref);
		if (store_suspect_add(d->st, ps->died_sha, ps->died_ref,
		    daemon_now()) == -1)
			log_warnx("store: suspect: %s", store_error(d->st));
	}
	if (store_suspect_each(d->st, poison_add, ps) == -1)
		log_warnx("store: suspects: %s", store_error(d->st));
	/* counted or not, it is tried on its own before it is parsed here */
	if (ps->died_sha[0] != '\0' && poison_suspect(ps, ps->died_sha) == 0)
		poison_add(ps, ps->died_sha, 1);
	poison_idle(ps);
}

static int
run(struct daemon *d)
{
	char counts[224], rs[128];
	struct lookup_server *lookup = NULL;
	int rc;

	/* the sources first: a wrong path fails at once, not after a wait */
	if (open_sources(d->conf, d->once, &d->src, &d->sent) == -1)
		return 1;
	if ((rc = daemon_store_open(d, &d->st)) != 0) {
		close_sources(&d->src, &d->sent);
		/* 1: SIGTERM while waiting */
		return rc == 1 ? 0 : d->fatal ? BOUNCED_EXIT_DATABASE : 1;
	}
	/* after the database is open and migrated: the responders read it
	 * at this schema (issue 15; read at start, not at a reload) */
	if (!d->once && lookup_start(d->conf, &lookup) == -1) {
		close_sources(&d->src, &d->sent);
		store_close(&d->st);
		return 1;
	}
	poison_start(d);
	pipeline_init(&d->pl, d->st, d->conf);
	upkeep_init(&d->upkeep, daemon_now());
	log_info("started: %s, database %s%s%s%s",
	    d->src->ops->describe(d->src), d->conf->database,
	    d->sent != NULL ? ", sent copies: " : "",
	    d->sent != NULL ? d->sent->ops->describe(d->sent) : "",
	    d->once ? ", once" : "");
	rc = (d->once ? loop_once(d) : loop_run(d)) == 0 ? 0 : 1;
	if (d->fatal)
		rc = BOUNCED_EXIT_DATABASE;
	log_info("stopped: %s%s%s", pipeline_counts_text(&d->pl.total, counts,
	    sizeof(counts)), d->conf->resend.enabled ? "; " : "",
	    d->conf->resend.enabled ? resend_counts_text(&d->resends, rs,
	    sizeof(rs)) : "");
	lookup_stop(&lookup);
	pipeline_deinit(&d->pl);
	upkeep_deinit(&d->upkeep);
	poison_close(&d->poison);
	close_sources(&d->src, &d->sent);
	store_close(&d->st);
	return rc;
}

int
main(int argc, char **argv)
{
	struct daemon d = { .sfd = -1 };
	bool check = false, quiet = false;
	int rc;

	log_init("bounced", LOG_LVL_INFO, -1);
	/* poison.h: one suspect message parsed on its own, from stdin */
	if (argc == 2 && strcmp(argv[1], "--parse-isolated") == 0)
		return poison_isolated_main();
	if (parse_args(&d, argc, argv, &check, &quiet) == -1)
		return 2;
	if (quiet && !check) {
		fprintf(stderr, "bounced: -q goes with -n\n");
		usage(stderr);
		return 2;
	}
	if ((d.conf = daemon_load_config(&d)) == NULL)
		return 1;
	if (check) {
		/* issue 17 item 4: what is in force, defaults included;
		 * -q for ExecStartPre=, whose output goes to the journal at
		 * every start (80 lines of settings there are noise) */
		if (!quiet)
			config_show(d.conf, stdout);
		puts("configuration OK");
		config_free(&d.conf);
		return 0;
	}
	log_set_level(d.verbose ? LOG_LVL_DEBUG : d.conf->log_level);
	if (getenv("BOUNCED_TEST_KILL_AFTER_COMMIT") != NULL)
		d.kill_after_commit = atoi(getenv("BOUNCED_TEST_KILL_AFTER_COMMIT"));
	/* test hook: --once's wait for a locked database, in seconds */
	d.db_wait_ms = (getenv("BOUNCED_TEST_DB_WAIT") != NULL ?
	    strtoll(getenv("BOUNCED_TEST_DB_WAIT"), NULL, 10) :
	    DAEMON_DB_WAIT_ONCE_S) * 1000;
	if (setup_signals(&d) == -1)
		fatal("signals");
	(void)daemon_now(); /* reads the test offset before any thread */
	d.resend_at = -1;
	rc = run(&d);
	config_free(&d.conf);
	close(d.sfd);
	return rc;
}
