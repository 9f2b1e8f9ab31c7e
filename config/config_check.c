/*
 * The entry points, which run the three stages (config_yaml.c, then
 * config_schema.c, then the rules here); the rules that span keys (after
 * Dovecot's check_func); and the error lines every stage adds to:
 * collected, sorted by position, joined.
 */
#include <sys/stat.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "common/state_base.h"
#include "common/readfile.h"
#include "common/verp.h"
#include "common/xmalloc.h"
#include "classify/reason.h"
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

static void
vrule_error(struct config_errors *e, const struct config_where *w,
    const char *key, const char *fmt, va_list ap)
{
	char *why;

	if (vasprintf(&why, fmt, ap) < 0)
		why = NULL;
	config_error(e, w->given ? w->line : 0, w->given ? w->col : 0, "%s: %s",
	    key, why != NULL ? why : "out of memory formatting the message");
	free(why);
}

/* Where to report a rule about key k: its value, else the whole file. */
static void __attribute__((format(printf, 4, 5)))
rule_error(struct config_errors *e, const struct config_where *where, int k,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vrule_error(e, &where[k], config_keys[k].path, fmt, ap);
	va_end(ap);
}

/* A rule about key k (often missing) reported where key at was given. */
static void __attribute__((format(printf, 5, 6)))
rule_error_at(struct config_errors *e, const struct config_where *where,
    int at, int k, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vrule_error(e, &where[at], config_keys[k].path, fmt, ap);
	va_end(ap);
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
/*
 * A password in the URI -- user:secret@ before the host, or a password
 * parameter after '?' -- would sit in a file that more people read than
 * a password file; libpq reads it from PGPASSFILE or ~/.pgpass instead
 * (https://www.postgresql.org/docs/15/libpq-pgpass.html). The URI's
 * form: https://www.postgresql.org/docs/15/libpq-connect.html
 * #LIBPQ-CONNSTRING-URIS. storage/ refuses it too (db_pg.c).
 */
static bool
uri_has_password(const char *uri)
{
	const char *auth = strstr(uri, "://") + 3;
	size_t alen = strcspn(auth, "/?");
	const char *at = NULL, *q, *p;

	for (p = auth; p < auth + alen; p++)
		if (*p == '@')
			at = p;
	if (at != NULL && memchr(auth, ':', (size_t)(at - auth)) != NULL)
		return true;
	if ((q = strchr(uri, '?')) == NULL)
		return false;
	for (p = q + 1; *p != '\0'; p += strcspn(p, "&"), p += *p == '&')
		if (strncmp(p, "password=", 9) == 0)
			return true;
	return false;
}

static void
check_database(const struct config *conf, const struct config_where *where,
    struct config_errors *e)
{
	int db = config_key_find("database");

	if (usable(where, db) && database_is_uri(conf->database) &&
	    uri_has_password(conf->database))
		rule_error(e, where, db, "the URI holds a password: give it in "
		    "PGPASSFILE or ~/.pgpass instead");
}

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
	if (!usable(where, db) || database_is_uri(conf->database))
		return;
	if (same_dir(conf->database, conf->maildir))
		rule_error(e, where, db, "the same path as maildir.path");
	else if ((sub = in_scanned(conf->database, conf->maildir)) != NULL)
		rule_error(e, where, db,
		    "inside maildir.path's %s/, which the daemon reads", sub);
}

bool
config_host_loopback(const char *host)
{
	struct in6_addr a6;
	struct in_addr a4;

	if (host == NULL)
		return false;
	/* RFC 6761 6.3: "localhost." is the loopback, whatever the resolver */
	if (strcasecmp(host, "localhost") == 0 ||
	    strcasecmp(host, "localhost.") == 0)
		return true;
	/* RFC 1122 3.2.1.3 (g): all of 127.0.0.0/8 */
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	/* RFC 4291 2.5.3 */
	if (inet_pton(AF_INET6, host, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6);
	return false;
}

/* Was key k given, with a valid value? Rules compare only those. */
static bool
have(const struct config_where *where, int k)
{
	return k >= 0 && where[k].given && !where[k].bad;
}

/*
 * The daemon reads the file at each login, as another user than the one
 * running "bounced -n" perhaps, but a typo in the name is best found now.
 * Only the name is ever shown, never what the file holds.
 */
static void
check_readable(const char *path, const struct config_where *where, int k,
    struct config_errors *e)
{
	struct stat st;

	if (!have(where, k) || e->no_files)
		return;
	if (access(path, R_OK) < 0)
		rule_error(e, where, k, "%s: %s", path, strerror(errno));
	else if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		rule_error(e, where, k, "%s: a directory, not a file", path);
}

/* A password may only cross the network encrypted (RFC 8314 4.1). */
static void
check_cleartext(const char *host, enum config_tls tls,
    const struct config_where *where, int k, struct config_errors *e)
{
	if (have(where, k) && tls == CONFIG_TLS_NONE &&
	    !config_host_loopback(host))
		rule_error(e, where, k,
		    "none: cleartext only to a loopback address, not %s; use "
		    "starttls or implicit",
		    host);
}

/* IMAP names INBOX case-insensitively (RFC 3501 5.1); others exactly. */
static bool
same_mailbox(const char *a, const char *b)
{
	if (strcasecmp(a, "INBOX") == 0 && strcasecmp(b, "INBOX") == 0)
		return true;
	return strcmp(a, b) == 0;
}

/*
 * The mailbox read and the ones messages are moved to must differ, or a
 * moved message comes back to be read again (cf. maildir.quarantine).
 */
static void
check_mailboxes(const struct config_imap *im, const struct config_where *where,
    struct config_errors *e)
{
	int pm = config_key_find("imap.processed_mailbox");
	int qm = config_key_find("imap.quarantine_mailbox");
	int mb = config_key_find("imap.mailbox");

	if (!usable(where, mb))
		return;
	if (have(where, pm) && same_mailbox(im->processed_mailbox, im->mailbox))
		rule_error(e, where, pm,
		    "the same as imap.mailbox; processed messages would be "
		    "read again");
	if (have(where, qm) &&
	    same_mailbox(im->quarantine_mailbox, im->mailbox))
		rule_error(e, where, qm,
		    "the same as imap.mailbox; quarantined messages would be "
		    "read again");
}

/*
 * One source per daemon instance: the IMAP mailbox or the Maildir. Two
 * would need two cursors and two quarantines; run two daemons instead.
 */
static void
check_imap(const struct config *conf, const struct config_where *where,
    const struct config_where *sections, struct config_errors *e)
{
	const struct config_imap *im = &conf->imap;
	const struct config_where *sec = &sections[config_section_find("imap")];
	const struct config_where *md =
	    &sections[config_section_find("maildir")];
	int host = config_key_find("imap.host");
	int user = config_key_find("imap.user");
	int pass = config_key_find("imap.password_file");

	if (!sec->given || sec->bad)
		return;
	if (md->given)
		config_error(e, sec->line, sec->col,
		    "imap: one source per daemon: imap and maildir (maildir: "
		    "at line %u); run one daemon for each",
		    md->line);
	if (!where[host].given) {
		config_error(e, sec->line, sec->col,
		    "imap.host: missing; the imap: source needs host, user "
		    "and password_file");
		return;
	}
	if (where[host].bad)
		return;
	if (!where[user].given)
		rule_error_at(e, where, host, user, "required with imap.host");
	if (!where[pass].given)
		rule_error_at(e, where, host, pass, "required with imap.host");
	check_readable(im->password_file, where, pass, e);
	check_readable(im->ca_file, where, config_key_find("imap.ca_file"), e);
	check_cleartext(
	    im->host, im->tls, where, config_key_find("imap.tls"), e);
	check_mailboxes(im, where, e);
}

/*
 * An addr-spec (RFC 5322 3.4.1): a local part, "@", a domain; no display
 * name, no angle brackets, no white space. The full grammar is for the
 * MTA; this catches "bounces" and "Bounces <b@example.org>".
 */
static bool
is_addr_spec(const char *s)
{
	const char *at = strrchr(s, '@');

	if (at == NULL || at == s || at[1] == '\0')
		return false;
	return strpbrk(s, " \t<>,;") == NULL;
}

static void
check_smtp(const struct config_smtp *sm, const struct config_where *where,
    struct config_errors *e)
{
	int user = config_key_find("resend.smtp.user");
	int pass = config_key_find("resend.smtp.password_file");

	if (where[user].given && !where[pass].given)
		rule_error_at(e, where, user, pass,
		    "required with resend.smtp.user");
	if (where[pass].given && !where[user].given)
		rule_error_at(e, where, pass, user,
		    "required with resend.smtp.password_file");
	check_readable(sm->password_file, where, pass, e);
	check_readable(
	    sm->ca_file, where, config_key_find("resend.smtp.ca_file"), e);
	if (usable(where, config_key_find("resend.smtp.host")))
		check_cleartext(sm->host, sm->tls, where,
		    config_key_find("resend.smtp.tls"), e);
}

static void
check_resend(const struct config_resend *rs, const struct config_where *where,
    struct config_errors *e)
{
	int en = config_key_find("resend.enabled");
	int from = config_key_find("resend.from");
	int spool = config_key_find("resend.spool");
	struct stat st;

	if (have(where, en) && rs->enabled && !where[from].given)
		rule_error_at(
		    e, where, en, from, "required when resend.enabled is true");
	if (have(where, from) && !is_addr_spec(rs->from))
		rule_error(e, where, from,
		    "\"%s\" is not an address (local@domain, without <>)",
		    rs->from);
	if (have(where, spool) && !e->no_files) {
		if (stat(rs->spool, &st) < 0)
			rule_error(e, where, spool, "%s: %s", rs->spool,
			    strerror(errno));
		else if (!S_ISDIR(st.st_mode))
			rule_error(
			    e, where, spool, "%s: not a directory", rs->spool);
	}
	check_smtp(&rs->smtp, where, e);
}

int
config_verp_key(const struct config_verp *vc, char *key, size_t size,
    size_t *len_r, const char **why)
{
	size_t n;

	if (vc->key_file == NULL) {
		*why = "no verp.key_file";
		return -1;
	}
	if (read_secret(vc->key_file, key, size, why) < 0)
		return -1;
	n = strlen(key);
	if (n < VERP_KEY_MIN || n > VERP_KEY_MAX) {
		explicit_bzero(key, size);
		*why = n < VERP_KEY_MIN ? "shorter than 16 bytes"
					: "longer than 256 bytes";
		return -1;
	}
	*len_r = n;
	return 0;
}

/*
 * verp: the template's shape, and the key: read now so that a missing or
 * short key is found by "bounced -n" and at SIGHUP, not at the first
 * bounce. Only the file's name is ever shown.
 */
static void
check_verp(const struct config *conf, const struct config_where *where,
    const struct config_where *sections, struct config_errors *e)
{
	const struct config_verp *vc = &conf->verp;
	const struct config_where *sec = &sections[config_section_find("verp")];
	int addr = config_key_find("verp.address");
	int kf = config_key_find("verp.key_file");
	char key[VERP_KEY_MAX + 3];
	const char *why;
	size_t n;

	if (!sec->given || sec->bad)
		return;
	if (!where[addr].given) {
		config_error(e, sec->line, sec->col,
		    "verp.address: missing; the verp: section needs address "
		    "and key_file");
		return;
	}
	if (where[addr].bad)
		return;
	if (verp_template_check(vc->address, &why) < 0)
		rule_error(e, where, addr, "\"%s\": %s (e.g. "
		    "bounces+{tag}@example.org)", vc->address, why);
	if (!where[kf].given)
		rule_error_at(e, where, addr, kf, "required with verp.address");
	if (!have(where, kf) || e->no_files)
		return;
	if (config_verp_key(vc, key, sizeof(key), &n, &why) < 0)
		rule_error(e, where, kf, "%s: %s", vc->key_file, why);
	explicit_bzero(key, sizeof(key));
}

/* Do two reason names share a reason? "ratelimited" (sisimai 5) and
 * "speeding" do (issue 17 item 6). */
static bool
names_overlap(const char *x, const char *y)
{
	enum reason rx[REASON_NAME_MAX], ry[REASON_NAME_MAX];
	size_t nx = reason_lookup(x, rx), ny = reason_lookup(y, ry), i, j;

	for (i = 0; i < nx; i++)
		for (j = 0; j < ny; j++)
			if (rx[i] == ry[j])
				return true;
	return false;
}

/*
 * A reason has one effect: it may be in one of the effect lists given
 * only. A list given overrides the default sender_reasons for the reasons
 * it names (derive_reasons()).
 */
static void
check_effects(const struct config_policy *pc, const struct config_where *where,
    struct config_errors *e)
{
	static const char *const keys[] = { "policy.sender_reasons",
		"policy.hard_reasons", "policy.soft_reasons",
		"policy.ignore_reasons" };
	char *const *lists[] = { pc->sender_reasons, pc->hard_reasons,
		pc->soft_reasons, pc->ignore_reasons };
	const size_t n[] = { pc->nsender_reasons, pc->nhard_reasons,
		pc->nsoft_reasons, pc->nignore_reasons };
	size_t a, b, i, j;

	for (a = 0; a < 4; a++)
		for (b = a + 1; b < 4; b++)
			for (i = 0; have(where, config_key_find(keys[a])) &&
			     have(where, config_key_find(keys[b])) && i < n[a]; i++)
				for (j = 0; j < n[b]; j++)
					if (names_overlap(lists[a][i],
					    lists[b][j]))
						rule_error(e, where,
						    config_key_find(keys[b]),
						    "%s is also in %s: a "
						    "reason has one effect",
						    lists[b][j], keys[a]);
}

bool
config_has_proof(const struct config *conf)
{
	return conf->verp.address != NULL || conf->sent.maildir != NULL ||
	    conf->sent.mailbox != NULL;
}

/*
 * Resending without a way to tell our bounces from forged ones would
 * send whatever anyone mails the bounce address (docs/SECURITY.md):
 * refused, whatever else the file says.
 */
static void
check_resend_proof(const struct config *conf,
    const struct config_where *where, struct config_errors *e)
{
	int en = config_key_find("resend.enabled");

	if (have(where, en) && conf->resend.enabled && !config_has_proof(conf))
		rule_error(e, where, en, "needs a proof that a bounce concerns "
		    "mail we sent: configure verp: (signed return paths) or "
		    "sent: (a copy of outgoing mail); without one, anyone who "
		    "can mail the bounce address could make bounced send "
		    "their message (docs/SECURITY.md)");
}

/*
 * sent: the copies of what we sent. One place (a Maildir, or a folder on
 * the imap: server, read over a second connection), apart from where the
 * bounces are read: a copy read as a bounce, or a bounce indexed as a
 * copy and then deleted, would be wrong both ways.
 */
static void
check_sent_maildir(const struct config *conf, const struct config_where *where,
    int smd, struct config_errors *e)
{
	const char *sub, *dir = conf->sent.maildir;
	int db = config_key_find("database");

	if (conf->imap.host == NULL && usable(where, config_key_find(
	    "maildir.path")) && (is_under(dir, conf->maildir) ||
	    is_under(conf->maildir, dir)))
		rule_error(e, where, smd, "%s: overlaps maildir.path %s, where "
		    "the bounces are read", dir, conf->maildir);
	else if (conf->imap.host == NULL &&
		 usable(where, config_key_find("maildir.quarantine")) &&
		 is_under(conf->quarantine, dir))
		rule_error(e, where, smd, "%s: holds maildir.quarantine %s",
		    dir, conf->quarantine);
	if (usable(where, db) && !database_is_uri(conf->database) &&
	    (same_dir(conf->database, dir) ||
	     (sub = in_scanned(conf->database, dir)) != NULL))
		rule_error(e, where, db, "inside sent.maildir, which the "
		    "daemon reads and empties");
}

static void
check_sent_mailbox(const struct config *conf, const struct config_where *where,
    int smb, struct config_errors *e)
{
	const struct config_imap *im = &conf->imap;

	if (im->host == NULL) {
		rule_error(e, where, smb, "needs an imap: source (the folder "
		    "is read on its server); with a Maildir use sent.maildir");
		return;
	}
	if ((im->mailbox != NULL && same_mailbox(conf->sent.mailbox,
	    im->mailbox)) || (im->processed_mailbox != NULL &&
	    same_mailbox(conf->sent.mailbox, im->processed_mailbox)) ||
	    (im->quarantine_mailbox != NULL &&
	    same_mailbox(conf->sent.mailbox, im->quarantine_mailbox)))
		rule_error(e, where, smb, "%s: one of imap's mailboxes; the "
		    "copies need a folder of their own", conf->sent.mailbox);
}

static void
check_sent(const struct config *conf, const struct config_where *where,
    const struct config_where *sections, struct config_errors *e)
{
	const struct config_where *sec = &sections[config_section_find("sent")];
	int smd = config_key_find("sent.maildir");
	int smb = config_key_find("sent.mailbox");

	if (!sec->given || sec->bad)
		return;
	if (!where[smd].given && !where[smb].given) {
		config_error(e, sec->line, sec->col,
		    "sent.maildir: missing; the sent: section needs maildir "
		    "or mailbox");
		return;
	}
	if (where[smd].given && where[smb].given) {
		rule_error(e, where, smb, "given with sent.maildir (line %u); "
		    "the copies are read from one place", where[smd].line);
		return;
	}
	if (have(where, smd))
		check_sent_maildir(conf, where, smd, e);
	if (have(where, smb))
		check_sent_mailbox(conf, where, smb, e);
}

int
config_parse_mode(const char *s, unsigned *mode_r)
{
	unsigned v = 0;
	size_t n = 0;

	for (; *s >= '0' && *s <= '7' && n < 5; s++, n++)
		v = v * 8 + (unsigned)(*s - '0');
	if (n == 0 || *s != '\0' || v > 0777)
		return -1;
	*mode_r = v;
	return 0;
}

/* lookup: the sockets' mode, and two responders on two paths */
static void
check_lookup(const struct config_lookup *lc, const struct config_where *where,
    struct config_errors *e)
{
	int km = config_key_find("lookup.mode");
	int kp = config_key_find("lookup.policy");
	unsigned mode;

	if (usable(where, km) && config_parse_mode(lc->mode, &mode) < 0)
		rule_error(e, where, km, "%s: not an octal file mode "
		    "(0000 .. 0777, e.g. 0660)", lc->mode);
	if (lc->socketmap != NULL && lc->policy != NULL &&
	    usable(where, kp) && strcmp(lc->socketmap, lc->policy) == 0)
		rule_error(e, where, kp, "%s: also lookup.socketmap; each "
		    "protocol needs a socket of its own", lc->policy);
}

/*
 * events: a format we know, a URL libcurl will be allowed to fetch
 * (http or https only, events.h), the webhook's secret for the generic
 * format (its receivers verify the signature; listmonk checks its own
 * Authorization instead), and the files readable.
 */
static void
check_events(const struct config_events *ev, const struct config_where *where,
    struct config_errors *e)
{
	int fmt = config_key_find("events.format");
	int hook = config_key_find("events.webhook");
	int secret = config_key_find("events.secret_file");

	if (have(where, fmt) && strcmp(ev->format_name, "generic") != 0 &&
	    strcmp(ev->format_name, "listmonk") != 0)
		rule_error(e, where, fmt, "\"%s\": generic or listmonk",
		    ev->format_name);
	if (have(where, hook) && strncmp(ev->webhook, "http://", 7) != 0 &&
	    strncmp(ev->webhook, "https://", 8) != 0)
		rule_error(e, where, hook, "\"%s\": not an http:// or "
		    "https:// URL", ev->webhook);
	if (have(where, hook) && !where[secret].given &&
	    ev->format == CONFIG_EVENTS_GENERIC)
		rule_error_at(e, where, hook, secret,
		    "required with events.webhook (format generic)");
	check_readable(ev->secret_file, where, secret, e);
	check_readable(ev->authorization_file, where,
	    config_key_find("events.authorization_file"), e);
	check_readable(ev->ca_file, where, config_key_find("events.ca_file"),
	    e);
}

/* attribution.campaign names a header field (issue 15 item 4) */
static void
check_attribution(const struct config *conf,
    const struct config_where *where, struct config_errors *e)
{
	int k = config_key_find("attribution.campaign");

	if (have(where, k) && conf->attribution.campaign != NULL &&
	    !config_field_name(conf->attribution.campaign))
		rule_error(e, where, k, "not a header field name (RFC 5322 "
		    "3.6.8), like X-Campaign-Id");
}

/* retention.sent is sent.keep by another name: one of them */
static void
check_retention(const struct config_where *where, struct config_errors *e)
{
	int keep = config_key_find("sent.keep");
	int rs = config_key_find("retention.sent");

	if (where[keep].given && where[rs].given)
		rule_error(e, where, rs, "given with sent.keep (line %u), the "
		    "same setting; keep one", where[keep].line);
}

void
config_check_rules(const struct config *conf, const struct config_where *where,
    const struct config_where *sections, struct config_errors *e)
{
	check_database(conf, where, e);
	check_paths(conf, where, e);
	check_imap(conf, where, sections, e);
	check_resend(&conf->resend, where, e);
	check_resend_proof(conf, where, e);
	check_effects(&conf->policy, where, e);
	check_verp(conf, where, sections, e);
	check_sent(conf, where, sections, e);
	check_lookup(&conf->lookup, where, e);
	check_events(&conf->events, where, e);
	check_attribution(conf, where, e);
	check_retention(where, e);
}

static int
load(const char *name, const char *base, const char *buf, size_t len,
    bool no_files, struct config **conf_r, char **errors_r)
{
	struct config_errors errs = {.file = name, .no_files = no_files};
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

	rc = load(name, base, buf, len, false, conf_r, errors_r);
	free(base);
	return rc;
}

/*
 * Relative paths become absolute here: the daemon may change directory,
 * and a path printed in a log should say where the file really is.
 */
static int
load_file(const char *path, bool no_files, struct config **conf_r,
    char **errors_r)
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
	rc = load(path, base, buf, len, no_files, conf_r, errors_r);
	free(base);
	free(dir);
	free(buf);
	return rc;
}

int
config_load(const char *path, struct config **conf_r, char **errors_r)
{
	return load_file(path, false, conf_r, errors_r);
}

int
config_peek(const char *path, struct config **conf_r, char **errors_r)
{
	return load_file(path, true, conf_r, errors_r);
}
