/*
 * bouncectl forget ADDR... and forgotten ADDR (bouncectl(1), issue 15
 * item 6). forget erases every row naming each address, in one
 * transaction per address (storage/store_forget.c), and keeps its keyed
 * hash, whose key lives next to the database (common/forget_key.h,
 * docs/SECURITY.md): made by the first forget, read by the daemon.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "common/forget_key.h"
#include "common/strutil.h"
#include "common/xmalloc.h"
#include "storage/store.h"

/* The key file's name, for a message (common/forget_key.h). */
static const char *
key_path(const char *database, char *buf, size_t size)
{
	if (forget_key_path(database, buf, size) == -1)
		snprintf(buf, size, "%s", database);
	return buf;
}

/* An address as bouncectl takes one (cmd_db.c's rule): lower-cased copy,
 * or NULL after saying why. */
static char *
address(const char *verb, const char *s)
{
	const char *at = strrchr(s, '@'), *p;
	bool ok = at != NULL && at != s && at[1] != '\0' &&
	    strlen(s) <= STORE_ADDR_MAX;

	for (p = s; ok && *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			ok = false;
	if (!ok) {
		fprintf(stderr, "bouncectl: %s: %s: not an address\n", verb, s);
		return NULL;
	}
	return str_lower(xstrdup(s));
}

struct report {
	char text[2048];
	size_t len;
	int64_t rows;
};

static void
note(void *arg, const char *what, int64_t n)
{
	struct report *r = arg;
	int k;

	r->rows += n;
	k = snprintf(r->text + r->len, sizeof(r->text) - r->len, "%s%s %lld",
	    r->len > 0 ? ", " : "", what, (long long)n);
	if (k > 0 && (size_t)k < sizeof(r->text) - r->len)
		r->len += (size_t)k;
}

int
cmd_forget(const struct cli_args *a)
{
	unsigned char key[FORGET_KEY_LEN];
	char hash[SHA256_HEX_LEN + 1], kp[4096];
	const char *why = NULL;
	struct cli_db db;
	char **addrs;
	int i, rc = CLI_OK;

	addrs = xcalloc((size_t)a->nops, sizeof(*addrs));
	for (i = 0; i < a->nops; i++)
		if ((addrs[i] = address(a->verb, a->ops[i])) == NULL)
			rc = CLI_USAGE;
	if (rc == CLI_OK && cli_db_open(a, STORE_RDWR, &db) < 0)
		rc = CLI_DB;
	if (rc == CLI_OK && forget_key_load(db.path, true, key, &why) != 1) {
		fprintf(stderr, "bouncectl: %s: %s\n",
		    key_path(db.path, kp, sizeof(kp)), why);
		cli_db_close(&db);
		rc = CLI_DB;
	}
	if (rc == CLI_OK) {
		for (i = 0; i < a->nops && rc == CLI_OK; i++) {
			struct report r = {.len = 0};

			forget_hash(key, addrs[i], hash);
			if (store_forget(db.st, addrs[i], hash,
			    (int64_t)time(NULL), note, &r) == -1) {
				cli_db_error(&db);
				rc = CLI_DB;
			} else {
				printf("%s: forgotten; %lld rows%s%s\n",
				    addrs[i], (long long)r.rows,
				    r.len > 0 ? ": " : "", r.text);
			}
		}
		cli_db_close(&db);
	}
	explicit_bzero(key, sizeof(key));
	for (i = 0; i < a->nops; i++)
		free(addrs[i]);
	free(addrs);
	return rc;
}

int
cmd_forgotten(const struct cli_args *a)
{
	unsigned char key[FORGET_KEY_LEN];
	char hash[SHA256_HEX_LEN + 1], kp[4096];
	const char *why = NULL;
	struct cli_db db;
	char *addr;
	int rc, k;

	if ((addr = address(a->verb, a->addr)) == NULL)
		return CLI_USAGE;
	if (cli_db_open(a, STORE_RDONLY, &db) < 0) {
		free(addr);
		return CLI_DB;
	}
	/* no key: nothing was ever forgotten */
	if ((k = forget_key_load(db.path, false, key, &why)) == -1) {
		fprintf(stderr, "bouncectl: %s: %s\n",
		    key_path(db.path, kp, sizeof(kp)), why);
		rc = CLI_DB;
	} else if (k == 0) {
		rc = CLI_NORECORD;
	} else {
		forget_hash(key, addr, hash);
		if ((k = store_forgotten(db.st, hash)) == -1) {
			cli_db_error(&db);
			rc = CLI_DB;
		} else {
			rc = k == 1 ? CLI_OK : CLI_NORECORD;
		}
	}
	if (rc == CLI_OK || rc == CLI_NORECORD)
		printf("%s: %s\n", addr, rc == CLI_OK ?
		    "forgotten (suppressed)" : "not forgotten");
	explicit_bzero(key, sizeof(key));
	cli_db_close(&db);
	free(addr);
	return rc;
}
