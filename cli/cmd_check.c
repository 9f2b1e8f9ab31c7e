/*
 * "May I send to X?" from the command line (issue 15): check ADDR...
 * answers with the rule the daemon's lookup responders use
 * (lifecycle_send()), and export --postfix writes the suppressed as a
 * map for postmap(1), for setups that push maps to their MTAs.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "common/forget_key.h"
#include "common/mailbox.h"
#include "json.h"
#include "lifecycle/send.h"
#include "storage/store.h"

/* The key file's name, for a message (common/forget_key.h). */
static const char *
key_path(const char *database, char *buf, size_t size)
{
	if (forget_key_path(database, buf, size) == -1)
		snprintf(buf, size, "%s", database);
	return buf;
}

/* An ISO 8601 UTC time, as the recipient_status view shows them; "" for
 * 0 (never). */
static const char *
iso_time(int64_t t, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t <= 0 || gmtime_r(&tt, &tm) == NULL ||
	    strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		buf[0] = '\0';
	return buf;
}

/* RFC 4180 2.6: a field with a comma, a quote or a line end is quoted,
 * its quotes doubled (a quoted local part may hold them). */
static void
csv_field(FILE *out, const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, out);
		return;
	}
	putc('"', out);
	for (; *s != '\0'; s++) {
		if (*s == '"')
			putc('"', out);
		putc(*s, out);
	}
	putc('"', out);
}

static void
show(const struct cli_args *a, const char *addr, const struct send_decision *d)
{
	const char *cause = send_cause_text(d);
	char since[32];
	bool first = true;

	iso_time(d->since, since, sizeof(since));
	switch (a->fmt) {
	case OUT_JSON:
		putchar('{');
		json_key(stdout, &first, "address");
		json_string(stdout, addr);
		json_key(stdout, &first, "verdict");
		json_string(stdout, send_verdict_name(d->verdict));
		json_key(stdout, &first, "reason");
		json_string(stdout, cause);
		json_key(stdout, &first, "since");
		json_string(stdout, since[0] != '\0' ? since : NULL);
		fputs("}\n", stdout);
		break;
	case OUT_CSV:
		csv_field(stdout, addr);
		printf(",%s,%s,%s\r\n", send_verdict_name(d->verdict),
		    cause != NULL ? cause : "", since);
		break;
	case OUT_TABLE:
		/* mailbox_key() let no space or control character through */
		printf("%-32s %-10s %-14s %s\n", addr,
		    send_verdict_name(d->verdict), cause != NULL ? cause : "-",
		    since[0] != '\0' ? since : "-");
		break;
	}
}

/* The ADDR operands as keys, or NULL after printing every bad one. */
static char (*keys_arg(const struct cli_args *a))[MAILBOX_KEY_MAX + 1]
{
	char(*keys)[MAILBOX_KEY_MAX + 1] =
	    calloc((size_t)a->nops, sizeof(*keys));
	bool ok = true;
	int i;

	if (keys == NULL) {
		fputs("bouncectl: out of memory\n", stderr);
		return NULL;
	}
	for (i = 0; i < a->nops; i++) {
		/* RFC 5321 4.1.2, as the daemon stores addresses: a@b@c is
		 * none, though mailbox_key() would take its last '@' */
		if (mailbox_valid(a->ops[i], strlen(a->ops[i])) &&
		    mailbox_key(a->ops[i], strlen(a->ops[i]), keys[i],
			sizeof(keys[i])) == 0)
			continue;
		fprintf(stderr, "bouncectl: check: %s: not an address\n",
		    a->ops[i]);
		ok = false;
	}
	if (!ok) {
		free(keys);
		return NULL;
	}
	return keys;
}

int
cmd_check(const struct cli_args *a)
{
	char(*keys)[MAILBOX_KEY_MAX + 1];
	unsigned char fkey[FORGET_KEY_LEN];
	char hash[SHA256_HEX_LEN + 1], kp[4096];
	const char *why = NULL;
	struct rcpt_standing s;
	struct send_decision d;
	struct cli_db db;
	int i, k, rc = CLI_OK;

	/* every operand is checked before the database is opened: a usage
	 * error is exit 2 whatever state the database is in */
	if ((keys = keys_arg(a)) == NULL)
		return CLI_USAGE;
	if (cli_db_open(a, STORE_RDONLY, &db) < 0) {
		free(keys);
		return CLI_DB;
	}
	/* a forgotten address is refused too (lifecycle_send()); without
	 * its key, which the daemon's user owns, it cannot be recognised:
	 * no verdict rather than a wrong "ok". No key: nothing forgotten. */
	if ((k = forget_key_load(db.path, false, fkey, &why)) == -1) {
		fprintf(stderr, "bouncectl: %s: %s (run as the daemon's "
		    "user)\n", key_path(db.path, kp, sizeof(kp)), why);
		cli_db_close(&db);
		free(keys);
		return CLI_DB;
	}
	if (a->fmt == OUT_CSV)
		fputs("address,verdict,reason,since\r\n", stdout);
	else if (a->fmt == OUT_TABLE)
		printf("%-32s %-10s %-14s %s\n", "address", "verdict", "reason",
		    "since");
	for (i = 0; i < a->nops; i++) {
		if (k == 1)
			forget_hash(fkey, keys[i], hash);
		if (store_recipient_standing(db.st, keys[i],
			k == 1 ? hash : NULL, &s) < 0) {
			cli_db_error(&db);
			rc = CLI_DB;
			break;
		}
		lifecycle_send(&s, &d);
		show(a, keys[i], &d);
		if (d.verdict == SEND_SUPPRESSED)
			rc = CLI_NORECORD;
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "bouncectl: stdout: %s\n", strerror(errno));
		rc = CLI_DB;
	}
	explicit_bzero(fkey, sizeof(fkey));
	cli_db_close(&db);
	free(keys);
	return rc;
}

/*
 * Whether address can be a key of a postmap(1) source line (postmap(1),
 * "INPUT FILE FORMAT"): a line that starts with '#' is a comment and one
 * that starts with white space continues the last; the key ends at the
 * first white space, and nothing escapes it. A quoted local part may
 * hold spaces or '#'; such keys are left out (and named), not mangled
 * into another address.
 */
static bool
postmap_key(const char *address)
{
	const unsigned char *p;

	if (address[0] == '#' || address[0] == '\0')
		return false;
	for (p = (const unsigned char *)address; *p != '\0'; p++)
		if (*p <= ' ' || *p == 0x7f)
			return false;
	return true;
}

struct export
{
	unsigned long rows, skipped;
};

static int
export_row(void *arg, const char *address, const struct rcpt_standing *s)
{
	struct export *e = arg;
	struct send_decision d;
	char action[SEND_ACTION_MAX];

	lifecycle_send(s, &d);
	if (d.verdict != SEND_SUPPRESSED)
		return 0;
	if (!postmap_key(address)) {
		fputs(
		    "bouncectl: export: left out, not a postmap key: ", stderr);
		json_string(stderr, address);
		putc('\n', stderr);
		e->skipped++;
		return 0;
	}
	printf(
	    "%s %s\n", address, send_reject_action(&d, action, sizeof(action)));
	e->rows++;
	return ferror(stdout) ? -1 : 0;
}

int
cmd_export(const struct cli_args *a)
{
	struct export e = {0};
	struct cli_db db;
	int rc;

	if (a->opt[OPT_POSTFIX] == NULL || a->fmt != OUT_TABLE) {
		fputs("bouncectl: export: needs --postfix (the only format; "
		      "list --state suppressed --csv for the rest)\n",
		    stderr);
		return CLI_USAGE;
	}
	if (cli_db_open(a, STORE_RDONLY, &db) < 0)
		return CLI_DB;
	/* no path here: a comment line must not be ended by what a file
	 * name holds */
	fputs("# bouncectl export --postfix: postmap FILE, then\n"
	      "# check_recipient_access hash:FILE (docs/INTEGRATION.md)\n",
	    stdout);
	rc = store_suppressed_each(db.st, export_row, &e);
	if (rc < 0 && !ferror(stdout))
		cli_db_error(&db);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "bouncectl: stdout: %s\n", strerror(errno));
		rc = -1;
	}
	cli_db_close(&db);
	if (rc != 0)
		return CLI_DB;
	return e.skipped > 0 ? CLI_NORECORD : CLI_OK;
}
