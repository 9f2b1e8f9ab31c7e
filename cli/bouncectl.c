/*
 * bouncectl: the command-line face of bounced (bouncectl(1)). parse and
 * explain read bounce files; the other verbs query the daemon's database
 * and take their options before or after the verb.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "common/xmalloc.h"

#define OPTS_DB                                                                \
	(OPT_BIT(OPT_DB) | OPT_BIT(OPT_CONFIG) | OPT_BIT(OPT_JSON) |           \
	    OPT_BIT(OPT_CSV) | OPT_BIT(OPT_HELP))

static const struct verb {
	const char *name;
	int (*run)(const struct cli_args *a);
	unsigned opts;   /* OPT_BIT()s it takes besides OPTS_DB */
	const char *arg; /* its one operand, "address" (ADDR) or "resend
			  * id" (ID), for messages; NULL: none */
	int nargs;	 /* operands after the verb: 0, 1 or 2 (verp); -1:
			  * one or more (check, forget) */
} verbs[] = {
    {"status", cmd_status, OPT_BIT(OPT_LABELS), "address", 1},
    {"history", cmd_history, OPT_BIT(OPT_LABELS), "address", 1},
    {"list", cmd_list,
	OPT_BIT(OPT_STATE) | OPT_BIT(OPT_REASON) | OPT_BIT(OPT_DOMAIN) |
	    OPT_BIT(OPT_SINCE) | OPT_BIT(OPT_LIMIT) | OPT_BIT(OPT_AFTER) |
	    OPT_BIT(OPT_LABELS),
	NULL, 0},
    {"stats", cmd_stats,
	OPT_BIT(OPT_BY) | OPT_BIT(OPT_SINCE) | OPT_BIT(OPT_LABELS), NULL, 0},
    {"suppress", cmd_suppress,
	OPT_BIT(OPT_NOTE) | OPT_BIT(OPT_REASON) | OPT_BIT(OPT_SOURCE) |
	    OPT_BIT(OPT_FROM),
	"address", 1},
    {"unsuppress", cmd_unsuppress,
	OPT_BIT(OPT_NOTE) | OPT_BIT(OPT_REASON) | OPT_BIT(OPT_SOURCE) |
	    OPT_BIT(OPT_FROM),
	"address", 1},
    {"resends", cmd_resends, OPT_BIT(OPT_STATE) | OPT_BIT(OPT_LABELS), NULL,
	0},
    {"resend-now", cmd_resend_now, 0, "resend id", 1},
    {"cancel", cmd_cancel, 0, "resend id", 1},
    {"sent", cmd_sent, 0, "address or Message-ID", 1},
    {"verp", cmd_verp, 0, "sign ADDR or check RETURN-PATH", 2},
    {"check", cmd_check, 0, "address", -1},
    {"export", cmd_export, OPT_BIT(OPT_POSTFIX), NULL, 0},
    {"forget", cmd_forget, 0, "address", -1},
    {"forgotten", cmd_forgotten, 0, "address", 1},
};

/* The first entry of each id is its name in messages. */
static const struct opt_def {
	const char *name;
	enum cli_opt id;
	bool value;
} opt_defs[] = {
    {"-d", OPT_DB, true},
    {"-c", OPT_CONFIG, true},
    {"--json", OPT_JSON, false},
    {"--csv", OPT_CSV, false},
    {"--state", OPT_STATE, true},
    {"--reason", OPT_REASON, true},
    {"--domain", OPT_DOMAIN, true},
    {"--since", OPT_SINCE, true},
    {"--by", OPT_BY, true},
    {"--note", OPT_NOTE, true},
    {"-h", OPT_HELP, false},
    {"--help", OPT_HELP, false},
    {"--postfix", OPT_POSTFIX, false},
    {"--from", OPT_FROM, true},
    {"--source", OPT_SOURCE, true},
    {"--limit", OPT_LIMIT, true},
    {"--after", OPT_AFTER, true},
    {"--labels", OPT_LABELS, true},
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static void
usage(FILE *out)
{
	fputs("usage: bouncectl parse [--json] FILE...   classify bounces "
	      "(- reads stdin)\n"
	      "       bouncectl explain FILE...        show the rule and "
	      "advice per recipient\n"
	      "                      (both: -j N threads, 0: one per CPU, "
	      "the default)\n"
	      "       bouncectl status ADDR            the recipient's state\n"
	      "       bouncectl history ADDR           its bounces and "
	      "overrides, oldest first\n"
	      "       bouncectl list [--state active|soft|suppressed] "
	      "[--reason R]\n"
	      "                      [--domain D] [--since T]\n"
	      "                      [--limit N [--after CURSOR]]  a page "
	      "by address\n"
	      "       bouncectl stats [--by reason|domain|day] [--since T]\n"
	      "       bouncectl stats --by sender|campaign|remote_mta "
	      "[--since T]\n"
	      "       bouncectl suppress ADDR [--reason R] [--source S] "
	      "[--note TEXT]\n"
	      "       bouncectl unsuppress ADDR [--reason R] [--source S] "
	      "[--note TEXT]\n"
	      "       bouncectl suppress|unsuppress --from FILE|- [--reason "
	      "R] [--source S]\n"
	      "                      [--note TEXT]  one address per line, or "
	      "CSV with a\n"
	      "                      header naming address (Mailgun's "
	      "exports): one transaction\n"
	      "       bouncectl resends [--state S]    the resend queue, "
	      "newest first\n"
	      "       bouncectl resend-now ID          a waiting resend: "
	      "due now\n"
	      "       bouncectl cancel ID              a waiting resend: "
	      "cancelled\n"
	      "       bouncectl sent ADDR|MESSAGE-ID   the copies of what we "
	      "sent (sent:)\n"
	      "       bouncectl [-c CONFIG] verp sign ADDR\n"
	      "                                        the signed return path "
	      "for ADDR\n"
	      "       bouncectl [-c CONFIG] verp check RETURN-PATH\n"
	      "                                        whose it is and how old "
	      "(exit 0 valid,\n"
	      "                                        1 expired, forged or "
	      "none, 2 error)\n"
	      "       bouncectl check ADDR...          may each be mailed? "
	      "(exit 0 all may,\n"
	      "                                        1 one is suppressed)\n"
	      "       bouncectl export --postfix       the suppressed as a "
	      "postmap(1) map\n"
	      "       bouncectl forget ADDR...         erase each address "
	      "everywhere, keep its\n"
	      "                                        keyed hash (still "
	      "suppressed)\n"
	      "       bouncectl forgotten ADDR         exit 0 when it was "
	      "forgotten, 1 when not\n"
	      "       bouncectl --version              the version\n"
	      "options of the database verbs, before or after the verb:\n"
	      "  -d DB | -c CONFIG   the database, or the bounced.yaml naming "
	      "it (default:\n"
	      "                      $BOUNCED_DB, else " CLI_DEFAULT_CONFIG
	      ")\n"
	      "  --json | --csv      JSON Lines or RFC 4180 CSV instead of a "
	      "table\n"
	      "                      (stats --csv then needs --by)\n"
	      "  --labels sisimai4|sisimai5  reason names as sisimai 4 (ours, "
	      "the default)\n"
	      "                      or 5.x spells them (status, history, "
	      "list, stats,\n"
	      "                      resends, parse, explain)\n"
	      "  R: a reason, as sisimai 4 or 5.x names it (ratelimited, "
	      "emailtoolarge)\n"
	      "  T: 2026-11-01, 2026-11-01T10:00:00Z (UTC) or a time ago: "
	      "90, 15m, 12h, 7d\n"
	      "  S of resends: pending, deferred, sent, failed, gave_up, "
	      "cannot_resend,\n"
	      "                cancelled\n"
	      "exit: 0 done, 1 no record (status, history, sent), no waiting "
	      "resend ID\n"
	      "      (resend-now, cancel), a file failed (parse), lines were "
	      "not\n"
	      "      imported (--from), a suppressed address (check) or an "
	      "address\n"
	      "      left out (export), 2 usage error,\n"
	      "      3 database or configuration problem\n",
	    out);
}

static const struct opt_def *
opt_find(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < NELEM(opt_defs); i++)
		if (strlen(opt_defs[i].name) == n &&
		    strncmp(opt_defs[i].name, s, n) == 0)
			return &opt_defs[i];
	return NULL;
}

static const char *
opt_name(enum cli_opt id)
{
	size_t i;

	for (i = 0; i < NELEM(opt_defs) && opt_defs[i].id != id; i++)
		;
	return opt_defs[i].name;
}

/*
 * Records the option at argv[*i], and its value: "--name=value", "-dvalue"
 * or the next argument (consumed). Returns 0, or -1 after printing why.
 */
static int
parse_opt(int argc, char **argv, int *i, struct cli_args *a)
{
	const char *s = argv[*i];
	const char *eq = s[1] == '-' ? strchr(s, '=') : NULL;
	size_t n = eq != NULL ? (size_t)(eq - s) : strlen(s);
	const struct opt_def *d = opt_find(s, n);

	/* getopt(3)'s attached value of a short option: -dDB */
	if (d == NULL && s[1] != '-' && n > 2 && (d = opt_find(s, 2)) != NULL) {
		if (d->value)
			eq = s + 1;
		else
			d = NULL;
	}
	if (d == NULL) {
		fprintf(stderr, "bouncectl: %.*s: unknown option\n", (int)n, s);
		return -1;
	}
	if (!d->value && eq != NULL) {
		fprintf(stderr, "bouncectl: %s: takes no value\n", d->name);
		return -1;
	}
	if (!d->value || eq != NULL) {
		a->opt[d->id] = eq != NULL ? eq + 1 : s;
		return 0;
	}
	if (*i + 1 >= argc) {
		fprintf(stderr, "bouncectl: %s: needs a value\n", d->name);
		return -1;
	}
	a->opt[d->id] = argv[++*i];
	return 0;
}

/*
 * Fills *a from argv: the first operand is the verb, the second its ADDR;
 * options may come anywhere, "--" ends them. Returns the number of
 * operands, or -1 after printing why.
 */
static int
parse_args(int argc, char **argv, struct cli_args *a)
{
	bool opts_done = false;
	int i, nops = 0;

	memset(a, 0, sizeof(*a));
	a->ops = xcalloc((size_t)argc, sizeof(*a->ops));
	for (i = 1; i < argc; i++) {
		const char *s = argv[i];

		if (!opts_done && strcmp(s, "--") == 0)
			opts_done = true;
		else if (!opts_done && s[0] == '-' && s[1] != '\0') {
			if (parse_opt(argc, argv, &i, a) < 0)
				return -1;
		} else if (nops++ == 0)
			a->verb = s;
		else {
			a->ops[a->nops++] = s;
			if (nops == 2)
				a->addr = s;
			else if (nops == 3)
				a->arg2 = s;
		}
	}
	return nops;
}

/* Checks a's options and operands against v. Returns 0, or -1 (printed) */
static int
check_args(const struct verb *v, const struct cli_args *a, int nops)
{
	unsigned id;

	for (id = 0; id < OPT_COUNT; id++) {
		if (a->opt[id] != NULL &&
		    !(OPT_BIT(id) & (OPTS_DB | v->opts))) {
			fprintf(stderr, "bouncectl: %s: not an option of %s\n",
			    opt_name(id), v->name);
			return -1;
		}
	}
	if (a->opt[OPT_DB] != NULL && a->opt[OPT_CONFIG] != NULL) {
		fputs("bouncectl: -d, -c: give one or the other\n", stderr);
		return -1;
	}
	if (a->opt[OPT_JSON] != NULL && a->opt[OPT_CSV] != NULL) {
		fputs("bouncectl: --json, --csv: give one or the other\n",
		    stderr);
		return -1;
	}
	if (v->nargs < 0 && nops < 2) {
		fprintf(
		    stderr, "bouncectl: %s: needs an %s\n", v->name, v->arg);
		return -1;
	}
	/* --from FILE stands for the ADDR operand */
	if (a->opt[OPT_FROM] != NULL) {
		if (nops == 1)
			return 0;
		fprintf(stderr, "bouncectl: %s: --from or an address, not "
				"both\n", v->name);
		return -1;
	}
	if (v->nargs > 1 && nops != v->nargs + 1) {
		fprintf(stderr, "bouncectl: %s: needs %s\n", v->name, v->arg);
		return -1;
	}
	if (v->nargs >= 0 && v->nargs <= 1 && v->arg != NULL && nops != 2) {
		if (nops < 2)
			fprintf(stderr, "bouncectl: %s: needs %s %s\n", v->name,
			    v->arg[0] == 'a' ? "an" : "a", v->arg);
		else
			fprintf(stderr, "bouncectl: %s: takes one %s\n",
			    v->name, v->arg);
		return -1;
	}
	if (v->arg == NULL && nops != 1) {
		fprintf(stderr, "bouncectl: %s: takes no operand\n", v->name);
		return -1;
	}
	return 0;
}

static const struct verb *
verb_find(const char *name)
{
	size_t i;

	for (i = 0; i < NELEM(verbs); i++)
		if (strcmp(verbs[i].name, name) == 0)
			return &verbs[i];
	return NULL;
}

/* The database verbs, and help or a usage error for the rest. */
static int
db_verb(int argc, char **argv, struct cli_args *ap)
{
	struct cli_args a;
	const struct verb *v;
	int nops = parse_args(argc, argv, &a);

	ap->ops = a.ops;
	if (nops < 0)
		return CLI_USAGE;
	if (a.opt[OPT_HELP] != NULL ||
	    (a.verb != NULL && strcmp(a.verb, "help") == 0)) {
		usage(stdout);
		return CLI_OK;
	}
	if (a.verb == NULL) {
		usage(stderr);
		return CLI_USAGE;
	}
	if ((v = verb_find(a.verb)) == NULL) {
		/* parse and explain take their options after the verb only */
		if (strcmp(a.verb, "parse") == 0 ||
		    strcmp(a.verb, "explain") == 0)
			fprintf(stderr, "bouncectl: %s: options go after it\n",
			    a.verb);
		else
			fprintf(
			    stderr, "bouncectl: %s: unknown command\n", a.verb);
		usage(stderr);
		return CLI_USAGE;
	}
	if (check_args(v, &a, nops) < 0)
		return CLI_USAGE;
	if (a.opt[OPT_LABELS] != NULL) {
		enum reason_labels l;

		if (reason_labels_from_name(a.opt[OPT_LABELS], &l) < 0) {
			fprintf(stderr, "bouncectl: --labels: %s: not "
			    "sisimai4 or sisimai5\n", a.opt[OPT_LABELS]);
			return CLI_USAGE;
		}
		output_set_labels(l);
	}
	a.fmt = a.opt[OPT_JSON] != NULL  ? OUT_JSON
		: a.opt[OPT_CSV] != NULL ? OUT_CSV
					 : OUT_TABLE;
	return v->run(&a);
}

static int
run_db_verb(int argc, char **argv)
{
	struct cli_args a = {0};
	int rc = db_verb(argc, argv, &a);

	free(a.ops);
	return rc;
}

int
main(int argc, char **argv)
{
	/* issue 17 item 4: CMake's project(VERSION) */
	if (argc == 2 && strcmp(argv[1], "--version") == 0) {
		puts("bouncectl " BD_VERSION);
		return CLI_OK;
	}
	if (argc >= 2 && strcmp(argv[1], "parse") == 0)
		return cmd_parse(argc - 1, argv + 1, false);
	if (argc >= 2 && strcmp(argv[1], "explain") == 0)
		return cmd_parse(argc - 1, argv + 1, true);
	return run_db_verb(argc, argv);
}
