/*
 * Inside config/: the three stages config_load() runs and what passes
 * between them. config_yaml.c turns the file into records (dotted key path,
 * value, position); config_schema.c checks each record against the table
 * (config_value.c parses each type) and fills struct config;
 * config_check.c adds the rules that span keys and collects the error
 * lines. Tests include this header to walk the table.
 */
#ifndef BD_CONFIG_PRIVATE_H
#define BD_CONFIG_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>

#include "config/config.h"

/* A config file is a few hundred bytes; more is a mistake or an attack. */
#define CONFIG_MAX_SIZE (1024 * 1024)
/* Past this many lines nobody reads on; the rest are counted. */
#define CONFIG_MAX_ERRORS 1000
/*
 * Mappings nested deeper than this are skipped without recursing: no key
 * is more than three levels deep (resend.smtp.host), so an ancestor has
 * already been reported unknown.
 */
#define CONFIG_MAX_DEPTH 8

enum config_type {
	CFG_STRING,
	CFG_PATH,          /* a string; relative means next to the file */
	CFG_UINT,          /* min..max */
	CFG_DURATION,      /* seconds, min..max */
	CFG_DURATION_LIST, /* a YAML sequence, each item min..max */
	CFG_ENUM,          /* a log level name, stored as its syslog number */
	CFG_BOOL,          /* true or false, into a bool */
	CFG_TLS,           /* implicit, starttls, none: enum config_tls */
	CFG_PERCENT,       /* "10" or "10%", min..max */
	CFG_REASON_LIST,   /* a YAML sequence of reason names (classify/
			    * reason.h) into char **, the count a size_t */
	CFG_HEADER_LIST,   /* a YAML sequence of header field names (RFC
			    * 5322 3.6.8), at most max, the same way */
	CFG_REASON_DURATIONS, /* a YAML mapping reason: duration into
			       * unsigned[REASON_COUNT], each min..max */
};

struct config_key {
	const char *path; /* dotted: "maildir.rescan_interval" */
	enum config_type type;
	size_t off; /* into struct config */
	unsigned min, max;
	/* the default as it would be written; NULL: derived (quarantine) */
	const char *def;
	size_t count_off; /* list types: where the item count goes */
	/* def NULL: the default in words, for "leave the key out" */
	const char *note;
};

extern const struct config_key config_keys[];
extern const size_t config_nkeys;
/* Index of path in config_keys[], or -1. */
int config_key_find(const char *path);
/*
 * A section ("imap", "resend.smtp") is known by the index of its first key
 * in config_keys[]; -1 when no key lies below path.
 */
int config_section_find(const char *path);

enum config_node {
	CONFIG_NODE_SCALAR,
	CONFIG_NODE_SEQ,
	CONFIG_NODE_MAP,
};

struct config_value {
	enum config_node node;
	char *text;         /* owned; scalars only, else NULL */
	bool null;          /* a plain "", "~" or "null": no value given */
	unsigned line, col; /* 1-based, of the value */
};

/*
 * One "key: value" of the file. A mapping value gives a CONFIG_NODE_MAP
 * record followed by the records of its keys ("maildir", then
 * "maildir.path"), so the schema can refuse a whole subtree at once.
 */
struct config_record {
	char *path; /* owned */
	unsigned kline, kcol;
	struct config_value v;
	struct config_value *items; /* owned; CONFIG_NODE_SEQ only */
	size_t nitems;
};

struct config_doc {
	struct config_record *rec; /* owned, in file order */
	size_t n, cap;
};

struct config_error {
	unsigned line, col; /* 0: about the whole file */
	size_t seq;         /* order of discovery, to sort stably */
	char *text;         /* owned: "KEY: why", without the position */
};

struct config_errors {
	const char *file; /* borrowed: the name messages start with */
	struct config_error *v;
	size_t n, cap;
	size_t dropped; /* past CONFIG_MAX_ERRORS */
	bool no_files;	/* config_peek(): the files the configuration names
			 * (password, CA, spool) are not looked at */
};

/*
 * What the schema saw of each key, indexed like config_keys[]; for a
 * section, at the index config_section_find() gives, of its key.
 */
struct config_where {
	bool given, bad;
	unsigned line, col; /* of the value (of the key for a section) */
};

/* Adds "FILE:LINE:COL: " + fmt (or "FILE: " + fmt when line is 0). */
void config_error(struct config_errors *e, unsigned line, unsigned col,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/*
 * Returns the collected lines sorted by position, each ending in "\n", as
 * one malloc'd string (the caller frees it), or NULL when there are none.
 * Empties e either way.
 */
char *config_errors_join(struct config_errors *e);
void config_errors_free(struct config_errors *e);

/*
 * Reads at most CONFIG_MAX_SIZE bytes of path into a malloc'd *buf_r.
 * Returns 0, or -1 after adding a "FILE: why" line to e.
 */
int config_read_file(
    const char *path, char **buf_r, size_t *len_r, struct config_errors *e);
/*
 * Parses buf[0..len) as YAML into doc, adding a line to e for every
 * problem of form (aliases, anchors, tags, complex keys, a top level that
 * is no mapping). Returns 0, or -1 on a syntax error, after which the rest
 * of the file could not be read (doc holds what came before it).
 */
int config_yaml_read(const char *buf, size_t len, struct config_doc *doc,
    struct config_errors *e);
void config_doc_free(struct config_doc *doc);

/*
 * The defaults, then doc's records over them, into a new config (never
 * NULL: errors go to e). whole: the YAML was read to its end, so the
 * cross-field rules may run; they do not judge half a file.
 */
struct config *config_schema_apply(const struct config_doc *doc,
    const char *base, bool whole, struct config_errors *e);

/* What a type's parser writes to and reports to. */
struct config_target {
	struct config *conf;
	const char *base; /* borrowed: relative paths start here; NULL: cwd */
	struct config_errors *errs;
};

/*
 * Checks record r against key k's type and range and stores its value in
 * t->conf (config_value.c). Returns 0, or -1 after adding a line to
 * t->errs; the stored value is then unchanged.
 */
int config_set_value(const struct config_target *t,
    const struct config_key *k, const struct config_record *r);
/* How an empty value is answered: "leave the key out for the default, …" */
void config_default_text(const struct config_key *k, char *buf, size_t size);
/*
 * A key of a CFG_REASON_DURATIONS mapping ("retention.suppressions.
 * mailboxfull"): the index of the mapping's row in config_keys[], or -1.
 */
int config_map_key_find(const char *path);
/* Stores one item of such a mapping (config_value.c): 0 or -1. */
int config_set_map_item(const struct config_target *t,
    const struct config_key *k, const struct config_record *r);
/* Frees a string list and zeroes it (resend.reasons). */
void config_names_free(char ***namesp, size_t *np);
/* A header field name we read (attribution:): RFC 5322 3.6.8's ftext,
 * at most CONFIG_FIELD_NAME_MAX bytes. */
#define CONFIG_FIELD_NAME_MAX 76
bool config_field_name(const char *s);

/*
 * The key or section of the table nearest to the unknown path (an edit
 * distance of about a quarter of its length, or a key that path begins:
 * imap.password -> imap.password_file), or NULL. The answer is the first
 * *len_r bytes of a row's path (static). config_suggest.c.
 */
const char *config_suggest(const char *path, size_t *len_r);

/* 127.0.0.0/8, ::1 or "localhost": cleartext stays on this machine. */
bool config_host_loopback(const char *host);
/* A database: that is a libpq URI (common/state_base.h,
 * database_is_uri(), issue 18) is no path: it is taken as it is, and
 * none of the checks of files apply. */

/*
 * The rules that span keys; only keys given and valid are compared.
 * sections: the same for sections, as config_section_find() indexes them.
 */
void config_check_rules(const struct config *conf,
    const struct config_where *where, const struct config_where *sections,
    struct config_errors *e);

#endif
