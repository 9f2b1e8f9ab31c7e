/*
 * The entry points, which run the three stages (config_yaml.c, then
 * config_schema.c, then the rules here); the rules that span keys (after
 * Dovecot's check_func); and the error lines every stage adds to:
 * collected, sorted by position, joined.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"
#include "config_private.h"

void
config_error(
    struct config_errors *e, unsigned line, unsigned col, const char *fmt, ...)
{
	struct config_error *err;
	va_list ap;
	char *text;

	if (e->n >= CONFIG_MAX_ERRORS) {
		e->dropped++;
		return;
	}
	va_start(ap, fmt);
	if (vasprintf(&text, fmt, ap) < 0)
		text = NULL;
	va_end(ap);
	if (text == NULL)
		text = xstrdup("out of memory formatting the message");
	if (e->n == e->cap) {
		e->cap = e->cap ? e->cap * 2 : 8;
		e->v = xreallocarray(e->v, e->cap, sizeof(*e->v));
	}
	err = &e->v[e->n];
	err->line = line;
	err->col = col;
	err->seq = e->n++;
	err->text = text;
}

static int
cmp_error(const void *a, const void *b)
{
	const struct config_error *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

char *
config_errors_join(struct config_errors *e)
{
	char *out = NULL, *line;
	size_t len = 0, n, i;

	if (e->n == 0 && e->dropped == 0)
		return NULL;
	qsort(e->v, e->n, sizeof(*e->v), cmp_error);
	for (i = 0; i <= e->n; i++) {
		if (i == e->n && e->dropped == 0)
			break;
		if (i == e->n)
			line = xasprintf("%s: %zu more problems not shown\n",
			    e->file, e->dropped);
		else if (e->v[i].line == 0)
			line = xasprintf("%s: %s\n", e->file, e->v[i].text);
		else
			line = xasprintf("%s:%u:%u: %s\n", e->file,
			    e->v[i].line, e->v[i].col, e->v[i].text);
		n = strlen(line);
		out = xreallocarray(out, len + n + 1, 1);
		memcpy(out + len, line, n + 1);
		len += n;
		free(line);
	}
	config_errors_free(e);
	return out;
}

void
config_errors_free(struct config_errors *e)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		free(e->v[i].text);
	free(e->v);
	e->v = NULL;
	e->n = e->cap = e->dropped = 0;
}

/*
 * Is path a itself b or below it? Trailing and doubled slashes do not
 * count: "/var/mail//bounces/" is "/var/mail/bounces".
 */
static bool
is_under(const char *a, const char *b)
{
	for (;;) {
		while (*a == '/' && a[1] == '/')
			a++;
		while (*b == '/' && b[1] == '/')
			b++;
		if (*b == '\0' || (*b == '/' && b[1] == '\0'))
			return *a == '\0' || *a == '/';
		if (*a != *b)
			return false;
		a++;
		b++;
	}
}

/* Is path inside one of the directories of the Maildir that is read? */
static const char *
in_scanned(const char *path, const char *maildir)
{
	static const char *const sub[] = {"new", "cur", "tmp"};
	const char *hit = NULL;
	size_t i;
	char *dir;

	for (i = 0; i < 3 && hit == NULL; i++) {
		dir = xasprintf("%s/%s", maildir, sub[i]);
		if (is_under(path, dir))
			hit = sub[i];
		free(dir);
	}
	return hit;
}

/* Where to report a rule about key k: its value, else the whole file. */
static void __attribute__((format(printf, 4, 5)))
rule_error(struct config_errors *e, const struct config_where *where, int k,
    const char *fmt, ...)
{
	const struct config_where *w = &where[k];
	va_list ap;
	char *why;

	va_start(ap, fmt);
	if (vasprintf(&why, fmt, ap) < 0)
		why = NULL;
	va_end(ap);
	config_error(e, w->given ? w->line : 0, w->given ? w->col : 0, "%s: %s",
	    config_keys[k].path,
	    why != NULL ? why : "out of memory formatting the message");
	free(why);
}

static bool
usable(const struct config_where *where, int k)
{
	return k >= 0 && !where[k].bad;
}

static bool
same_dir(const char *a, const char *b)
{
	return is_under(a, b) && is_under(b, a);
}

/*
 * The daemon reads maildir.path and moves what it cannot classify to the
 * quarantine: the two must be apart, or a quarantined message is read
 * again and again; the database must not sit among the messages either.
 */
static void
check_paths(const struct config *conf, const struct config_where *where,
    struct config_errors *e)
{
	int md = config_key_find("maildir.path");
	int qu = config_key_find("maildir.quarantine");
	int db = config_key_find("database");
	const char *sub;

	if (!usable(where, md))
		return;
	if (usable(where, qu) && same_dir(conf->quarantine, conf->maildir))
		rule_error(e, where, where[qu].given ? qu : md,
		    "the same directory as maildir.path; quarantined "
		    "messages would be read again");
	else if (usable(where, qu) &&
		 (sub = in_scanned(conf->quarantine, conf->maildir)) != NULL)
		rule_error(e, where, qu,
		    "inside maildir.path's %s/, which the daemon reads", sub);
	if (!usable(where, db))
		return;
	if (same_dir(conf->database, conf->maildir))
		rule_error(e, where, db, "the same path as maildir.path");
	else if ((sub = in_scanned(conf->database, conf->maildir)) != NULL)
		rule_error(e, where, db,
		    "inside maildir.path's %s/, which the daemon reads", sub);
}

void
config_check_rules(const struct config *conf, const struct config_where *where,
    struct config_errors *e)
{
	check_paths(conf, where, e);
}

static int
load(const char *name, const char *base, const char *buf, size_t len,
    struct config **conf_r, char **errors_r)
{
	struct config_errors errs = {.file = name};
	struct config_doc doc = {0};
	struct config *conf = NULL;
	bool whole;

	*conf_r = NULL;
	if (len > CONFIG_MAX_SIZE) {
		config_error(
		    &errs, 0, 0, "larger than %d KiB", CONFIG_MAX_SIZE / 1024);
	} else {
		whole = config_yaml_read(buf, len, &doc, &errs) == 0;
		conf = config_schema_apply(&doc, base, whole, &errs);
		conf->file = xstrdup(name);
		config_doc_free(&doc);
	}
	if ((*errors_r = config_errors_join(&errs)) != NULL) {
		config_free(&conf);
		return -1;
	}
	*conf_r = conf;
	return 0;
}

/* The directory part of path, or NULL when it has none. */
static char *
dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return NULL;
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

int
config_load_buf(const char *name, const char *buf, size_t len,
    struct config **conf_r, char **errors_r)
{
	char *base = dir_of(name);
	int rc;

	rc = load(name, base, buf, len, conf_r, errors_r);
	free(base);
	return rc;
}

/*
 * Relative paths become absolute here: the daemon may change directory,
 * and a path printed in a log should say where the file really is.
 */
int
config_load(const char *path, struct config **conf_r, char **errors_r)
{
	struct config_errors errs = {.file = path};
	char *buf, *dir, *base;
	size_t len;
	int rc;

	*conf_r = NULL;
	if (config_read_file(path, &buf, &len, &errs) < 0) {
		*errors_r = config_errors_join(&errs);
		return -1;
	}
	dir = dir_of(path);
	if ((base = realpath(dir != NULL ? dir : ".", NULL)) == NULL)
		base = dir != NULL ? xstrdup(dir) : NULL;
	rc = load(path, base, buf, len, conf_r, errors_r);
	free(base);
	free(dir);
	free(buf);
	return rc;
}
