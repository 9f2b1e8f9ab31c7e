#ifndef BD_CLI_H
#define BD_CLI_H

#include <stdbool.h>

#include "lifecycle/lifecycle.h"
#include "output.h"

/*
 * Read when neither -d, -c nor $BOUNCED_DB names the database: the file
 * bounced.service reads. cli/CMakeLists.txt sets it from the installation
 * prefix; this is the value for the /usr prefix.
 */
#ifndef CLI_DEFAULT_CONFIG
#define CLI_DEFAULT_CONFIG "/etc/bounced/bounced.yaml"
#endif

/* Exit statuses of the database verbs, for scripts (bouncectl(1)). */
enum cli_exit {
	CLI_OK = 0,       /* done; an empty list or stats is success too */
	CLI_NORECORD = 1, /* status, history: the address has no record;
			   * resend-now, cancel: no such waiting resend */
	CLI_USAGE = 2,    /* unknown verb or option, bad value */
	CLI_DB = 3,       /* database or configuration problem */
};

/* The options of the database verbs, an index into cli_args.opt */
enum cli_opt {
	OPT_DB,     /* -d DB */
	OPT_CONFIG, /* -c CONFIG */
	OPT_JSON,   /* --json */
	OPT_CSV,    /* --csv */
	OPT_STATE,  /* --state S */
	OPT_REASON, /* --reason R */
	OPT_DOMAIN, /* --domain D */
	OPT_SINCE,  /* --since T */
	OPT_BY,     /* --by G */
	OPT_NOTE,   /* --note TEXT */
	OPT_HELP,   /* -h, --help */
	/* --postfix (export) */
	OPT_POSTFIX,
	OPT_FROM,   /* --from FILE (suppress, unsuppress) */
	OPT_SOURCE, /* --source TEXT (suppress, unsuppress) */
	OPT_LIMIT,  /* --limit N (list) */
	OPT_AFTER,  /* --after CURSOR (list) */
	OPT_LABELS, /* --labels sisimai4|sisimai5 (issue 17 item 6) */
	OPT_COUNT
};

#define OPT_BIT(id) (1u << (id))

/* A database verb's command line, checked by bouncectl.c's parser. */
struct cli_args {
	const char *verb; /* borrowed: argv */
	const char *addr; /* borrowed: argv; the ADDR or ID operand, or
			   * NULL */
	const char *arg2; /* borrowed: argv; a third operand (verp sign
			   * ADDR), or NULL */
	/* borrowed: argv; each option's value (for a flag, its spelling),
	 * NULL when the option is absent */
	const char *opt[OPT_COUNT];
	enum out_format fmt;
	/* owned array, borrowed strings (argv): every operand after the
	 * verb, for the verbs that take a list (check ADDR..., forget
	 * ADDR...) */
	const char **ops;
	int nops;
};

/* Each verb returns the process exit status. */
int cmd_parse(int argc, char **argv, bool explain);

/* Prints each line of a config_load() error text after our name. */
void cli_print_lines(const char *text);

/* cmd_db.c: enum cli_exit; errors are printed on stderr. */
int cmd_status(const struct cli_args *a);
int cmd_history(const struct cli_args *a);
int cmd_list(const struct cli_args *a);
int cmd_stats(const struct cli_args *a);
int cmd_suppress(const struct cli_args *a);
int cmd_unsuppress(const struct cli_args *a);
/* cmd_mgmt.c (issue 15 item 5): suppress/unsuppress --from FILE, and
 * list --limit N --after CURSOR */
int cmd_override_from(const struct cli_args *a, enum rcpt_override o);
int cmd_list_page(const struct cli_args *a);
/* --reason, --source, --note of suppress and unsuppress: 0, or -1 after
 * printing why one cannot be stored (too long) */
int cli_override_texts(const struct cli_args *a);
/* A malloc'd copy of such a text as it is stored: ill-formed UTF-8
 * replaced (str_utf8_clean()), control characters blanked; NULL for
 * NULL */
char *cli_override_text(const char *s);
/* cmd_db.c: list's filter options into *f (*domain_r owns f->domain;
 * the caller frees it). 0, or -1 after printing why. */
struct store_list_filter;
int list_filter(const struct cli_args *a, struct store_list_filter *f,
    char **domain_r);
/* cmd_resend.c: the resend queue, the same way */
int cmd_resends(const struct cli_args *a);
int cmd_resend_now(const struct cli_args *a);
int cmd_cancel(const struct cli_args *a);
/* cmd_sent.c: the copies of what we sent, by address or Message-ID
 * (exit 1 when none) */
int cmd_sent(const struct cli_args *a);
/* cmd_forget.c: forget ADDR... erases each address everywhere and keeps
 * its keyed hash; forgotten ADDR: exit 0 when it was forgotten, 1 not */
int cmd_forget(const struct cli_args *a);
int cmd_forgotten(const struct cli_args *a);
/* cmd_verp.c: verp sign ADDR, verp check RETURN-PATH (exit 0, 1, 2) */
int cmd_verp(const struct cli_args *a);
/* cmd_check.c: check ADDR... (exit 1 when one is suppressed); export
 * --postfix, a map for postmap(1) (exit 1 when an address was left out) */
int cmd_check(const struct cli_args *a);
int cmd_export(const struct cli_args *a);

/* ---- cmd_db.c, for every database verb ---- */

/* The database a verb's options name, open. */
struct cli_db {
	struct store *st;
	char *path; /* owned: for messages */
};

/*
 * Opens the database a names. A missing file is an error in both modes:
 * STORE_RDWR would create it, and a mistyped -d must not leave an empty
 * database behind that no daemon reads. Returns 0, or -1 (printed).
 */
int cli_db_open(
    const struct cli_args *a, enum store_mode mode, struct cli_db *db);
void cli_db_close(struct cli_db *db);
/* "bouncectl: PATH: <store_error()>" on stderr */
void cli_db_error(struct cli_db *db);
/*
 * Prints rows (when qrc, the query's return, is 0) as fmt and flags say
 * (output_rows()) and frees them. Returns the number of rows, or -1 after
 * printing why.
 */
long cli_show(struct cli_db *db, int qrc, struct store_rows *rows,
    enum out_format fmt, unsigned flags, const char *const *cols);

#endif
