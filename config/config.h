/*
 * bounced's configuration: a YAML file (bounced.yaml(5)) read with libyaml
 * against a schema table (config_schema.c) into struct config. Only this
 * folder includes yaml.h. Every key has a default, so a missing file
 * section means the defaults; unknown keys are errors.
 */
#ifndef BD_CONFIG_H
#define BD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "classify/reason.h"

#define CONFIG_MAX_SCHEDULE 16

/*
 * What a reason does to its recipient (policy.hard_reasons,
 * soft_reasons, sender_reasons, ignore_reasons; lifecycle/lifecycle.h
 * table 1). DEFAULT: what the verdict says (hard, soft, complaint).
 */
enum config_effect {
	CONFIG_EFFECT_DEFAULT,
	CONFIG_EFFECT_HARD,   /* suppresses at once */
	CONFIG_EFFECT_SOFT,   /* counts toward policy.soft_bounce_limit */
	CONFIG_EFFECT_SENDER, /* the sender's problem: never counted */
	CONFIG_EFFECT_IGNORE, /* recorded only */
};

/* Recipient-state policy (lifecycle.h applies it). Durations in seconds. */
struct config_policy {
	unsigned soft_limit;  /* policy.soft_bounce_limit: soft bounces ...  */
	unsigned soft_window; /* policy.soft_window: ... within this suppress */
	unsigned soft_decay;  /* policy.soft_decay: quiet time that resets */
	bool confirm_hard;    /* policy.confirm_hard_bounce: the first hard
			       * bounce of an address schedules one
			       * confirming resend (seed group 1) instead of
			       * suppressing; the second suppresses */
	/* policy.sender_reasons: reasons that say the receiver refused the
	 * sender, its IP or its message, not the address: they never count
	 * toward the recipient's suppression (reason names, owned) */
	char **sender_reasons;
	size_t nsender_reasons;
	/* policy.hard_reasons, soft_reasons, ignore_reasons: the same for
	 * the other effects; empty by default (owned) */
	char **hard_reasons, **soft_reasons, **ignore_reasons;
	size_t nhard_reasons, nsoft_reasons, nignore_reasons;
	/* the five lists as one table, by enum reason (derived) */
	unsigned char effect[REASON_COUNT];
	/* policy.accept_unverified: with verp: or sent: configured, a bounce
	 * without proof that it concerns our mail changes no state unless
	 * this is true (default false; docs/SECURITY.md) */
	bool accept_unverified;
};

/* How a connection is secured (imap.tls, resend.smtp.tls). */
enum config_tls {
	CONFIG_TLS_IMPLICIT, /* "implicit": TLS from the first byte (993, 465) */
	CONFIG_TLS_STARTTLS, /* "starttls": RFC 3501 6.2.1 / RFC 3207 */
	CONFIG_TLS_NONE,     /* "none": cleartext; refused unless the host is
			      * a loopback address (tests, a local relay) */
};

/*
 * imap: one IMAP mailbox as the source instead of maildir: (one source
 * per daemon instance; a file with both is an error). Present when
 * host != NULL. The password is read from password_file at each login,
 * never from the YAML, never logged.
 */
struct config_imap {
	char *host;	     /* owned: imap.host; NULL: no IMAP source */
	unsigned port;	     /* imap.port; default 993 (implicit) or 143 */
	enum config_tls tls; /* imap.tls; default implicit */
	char *ca_file;	     /* owned: imap.ca_file; NULL: system trust */
	char *user;	     /* owned: imap.user (required with host) */
	char *password_file; /* owned: imap.password_file (required) */
	char *mailbox;	     /* owned: imap.mailbox; default "INBOX" */
	char *processed_mailbox; /* owned: MOVE target; NULL: flag \Seen and
				  * $Bounced in place */
	char *quarantine_mailbox; /* owned: where unparsable messages go;
				   * NULL: left in place, flagged
				   * $Bounced $Unparsable */
	bool idle;		/* imap.idle; default true (when advertised) */
	unsigned poll_interval; /* imap.poll_interval, s; default 60 */
	unsigned timeout;	/* imap.timeout, s, per network operation;
				 * default 20 (below WatchdogSec=30s) */
};

/* resend.smtp: where resends are submitted. */
struct config_smtp {
	char *host;	     /* owned: resend.smtp.host; default "127.0.0.1" */
	unsigned port;	     /* resend.smtp.port; default 25 (465 implicit) */
	enum config_tls tls; /* resend.smtp.tls; default none for a loopback
			      * host, starttls otherwise */
	char *ca_file;	     /* owned: resend.smtp.ca_file; NULL: system */
	char *user;	     /* owned: resend.smtp.user; NULL: no AUTH */
	char *password_file; /* owned: required with user */
	char *helo;	     /* owned: resend.smtp.helo; NULL: gethostname() */
	unsigned timeout;    /* resend.smtp.timeout, s; default 30 */
};

struct config_resend {
	bool enabled; /* resend.enabled; default false: nothing is scheduled
		       * or sent until a person turns it on */
	unsigned schedule[CONFIG_MAX_SCHEDULE]; /* resend.schedule: delay
						 * before attempt 1, 2, ... */
	unsigned nschedule;
	unsigned max_attempts; /* resend.max_attempts; default 3 */
	unsigned max_age;      /* resend.max_age, s: gave_up when the first
				* bounce is older; default 2d */
	unsigned jitter;       /* resend.jitter, percent of each delay added
				* at random (0..jitter %); default 10 */
	char *from;	       /* owned: resend.from: envelope sender and
				* Resent-From (required when enabled) */
	char *spool;	       /* owned: resend.spool: a directory of sent
				* messages, looked up by Message-ID; NULL */
	/* resend.reasons: which transient reasons qualify, as reason names
	 * (classify/reason.h); config_check.c rejects unknown names. The
	 * default list: expired, networkerror, toomanyconn, speeding,
	 * systemfull, systemerror, mailboxfull (greylisting is classified
	 * as one of these by its 4xx reply). Only a transient-class result
	 * with Action failed ever qualifies, whatever the list says. */
	char **reasons; /* owned: each and the array */
	size_t nreasons;
	bool reason[REASON_COUNT]; /* resend.reasons by enum (derived) */
	/* resend.max_per_hour, resend.max_per_domain_per_hour: copies sent
	 * in the last hour, in all and to one recipient domain, past which
	 * due resends wait; defaults 100 and 20 */
	unsigned max_per_hour, max_per_domain_per_hour;
	struct config_smtp smtp;
};

/*
 * verp: signed return paths (docs/VERP.md, common/verp.h). Present when
 * address != NULL. The key is read from key_file when the configuration
 * is loaded (its length checked, then wiped) and by whoever signs or
 * checks (config_verp_key()); never from the YAML, never logged.
 */
struct config_verp {
	char *address;	  /* owned: verp.address, the template with {tag};
			   * NULL: no signed return paths */
	char *key_file;	  /* owned: verp.key_file (required with address) */
	unsigned max_age; /* verp.max_age, s; default 60d, 1d .. 1023d */
};

/*
 * sent: copies of the mail we sent (Postfix always_bcc / sender_bcc_maps
 * delivering to a Maildir, or a folder on the imap: server), indexed by
 * Message-ID and recipients so that a bounce can be checked against what
 * was really sent. Present when maildir or mailbox != NULL (not both).
 */
struct config_sent {
	char *maildir;	/* owned: sent.maildir, a Maildir of copies; each
			 * file is deleted once indexed (the database keeps
			 * the copy); NULL */
	char *mailbox;	/* owned: sent.mailbox, a folder on the imap:
			 * server, read over a second connection; NULL */
	unsigned keep;	/* sent.keep, s: copies indexed longer ago are
			 * pruned; default 30d, 1d .. 1023d */
};

/*
 * lookup: the daemon answers "may I send to X?" for the MTA on Unix
 * sockets (daemon/lookup/, issue 15): Postfix's socketmap and its policy
 * delegation protocol. Off unless a path is given.
 */
struct config_lookup {
	char *socketmap;       /* owned: lookup.socketmap; NULL: none */
	char *policy;          /* owned: lookup.policy; NULL: none */
	char *mode;            /* owned: lookup.mode, octal; default "0660"
				* (config_parse_mode()) */
	char *group;           /* owned: lookup.group; NULL: the daemon's */
	unsigned idle_timeout; /* lookup.idle_timeout, s; default 10m */
};

/*
 * events: the outbox's sinks (issue 15 item 3, docs/INTEGRATION.md
 * "Events"). Either, both or none; events are written to the database
 * whatever this says (docs/schema.md, events).
 */
enum config_events_format {
	CONFIG_EVENTS_GENERIC,	/* "generic": bounced's own JSON */
	CONFIG_EVENTS_LISTMONK, /* "listmonk": its POST /webhooks/bounce body */
};

struct config_events {
	char *exec;	    /* owned: events.exec, a command for /bin/sh -c;
			     * NULL: none */
	char *webhook;	    /* owned: events.webhook, an http(s) URL; NULL */
	char *format_name;  /* owned: events.format */
	enum config_events_format format; /* derived from format_name */
	char *secret_file;  /* owned: events.secret_file: the HMAC key */
	char *authorization_file; /* owned: events.authorization_file: an
				   * Authorization header's value */
	char *ca_file;	    /* owned: events.ca_file; NULL: the system's */
	unsigned timeout;   /* events.timeout, s: per run or request */
	unsigned max_attempts; /* events.max_attempts: then dead */
	unsigned max_age;   /* events.max_age, s: then dead */
	unsigned batch;	    /* events.batch: events per exec run */
};

/*
 * attribution: what of the original message that bounced is kept with
 * each bounce message besides From, envelope sender, Subject and
 * List-Id (issue 15 item 4).
 */
struct config_attribution {
	char **headers;	 /* owned: attribution.headers, field names
			  * (X-Campaign-Id, X-Mailgun-Campaign-Id, ...) */
	size_t nheaders; /* at most 16 */
	char *campaign;	 /* owned: attribution.campaign, the field that
			  * names the campaign (stats --by campaign);
			  * NULL: none */
};

/*
 * retention: how long each kind of data is kept (issue 15 item 6;
 * storage/store_upkeep.c says what each purge keeps). Seconds; 0, the
 * default: kept forever -- deleting history is a choice an operator
 * makes, never a surprise after an upgrade. The sent record is
 * retention.sent, the same field as sent.keep (struct config_sent).
 */
struct config_retention {
	unsigned messages;  /* retention.messages: messages rows, with
			     * their bounces and finished resends */
	unsigned bounces;   /* retention.bounces: bounce rows */
	unsigned originals; /* retention.originals: stored originals */
	unsigned processed; /* retention.processed: Maildir files in cur/
			     * the daemon acknowledged (flag S) */
	unsigned events;    /* retention.events: the outbox's events no
			     * sink still has to deliver */
	/* retention.suppressions: a mapping reason: duration; a
	 * suppression for that reason older than it expires (the address
	 * is active again). 0: never (all by default) */
	unsigned suppressions[REASON_COUNT];
};

/* metrics: a Prometheus text file for node_exporter's textfile
 * collector (issue 15 item 7; docs/INTEGRATION.md "Metrics"). */
struct config_metrics {
	char *file;	   /* owned: metrics.file; NULL: none written */
	unsigned interval; /* metrics.interval, s; default 60 */
};

struct config {
	char *file;	  /* owned: the file read, NULL for config_default() */
	char *database;	  /* owned: database */
	char *maildir;	  /* owned: maildir.path (a Maildir: new/ cur/ tmp/) */
	char *quarantine; /* owned: maildir.quarantine, default
			   * <maildir.path>/.Quarantine (a Maildir too) */
	unsigned rescan_interval; /* maildir.rescan_interval, seconds */
	unsigned batch_size;	  /* maildir.batch_size or imap.batch_size:
				   * messages per commit */
	struct config_imap imap; /* imap.host != NULL: the source is IMAP */
	struct config_policy policy;
	struct config_resend resend;
	struct config_verp verp;
	struct config_sent sent;
	struct config_lookup lookup;
	struct config_events events; /* issue 15 item 3 */
	int log_level; /* log.level: enum log_level (common/log.h) */
	struct config_attribution attribution;
	struct config_retention retention;
	struct config_metrics metrics;
};

/*
 * Reads and checks path. On success returns 0 and a new *conf_r. On failure
 * returns -1 and *errors_r, a malloc'd text (the caller frees it) of one line
 * per problem, every problem in the file, each as
 * "FILE:LINE:COL: KEY: why" (or "FILE: why" when the file cannot be read).
 */
int config_load(const char *path, struct config **conf_r, char **errors_r);
/*
 * config_load() for a reader that wants only what the file says
 * (bouncectl: the database path): the files it names -- password files,
 * CA files, the spool -- are not looked at, so that a person who may not
 * read the daemon's secrets can still use its configuration. Every other
 * check is made.
 */
int config_peek(const char *path, struct config **conf_r, char **errors_r);
/* The same for a buffer; name stands for the file in messages (tests). */
int config_load_buf(const char *name, const char *buf, size_t len,
    struct config **conf_r, char **errors_r);
/*
 * The embedded defaults (database /var/lib/bounced/bounced.db, Maildir
 * /var/mail/bounces), as config_load() of an empty file gives them.
 */
struct config *config_default(void);
void config_free(struct config **confp);

/*
 * Reads verp.key_file (read_secret(): one line, one trailing line end
 * dropped) into key, of size VERP_KEY_MAX + 3 at least, and checks its
 * length: VERP_KEY_MIN .. VERP_KEY_MAX bytes. Returns 0 and *len_r, or
 * -1 with *why (static; never the key). The caller wipes key after use
 * (explicit_bzero).
 */
int config_verp_key(const struct config_verp *vc, char *key, size_t size,
    size_t *len_r, const char **why);

/*
 * Whether a bounce can be proven to concern our mail: verp: or sent: is
 * configured (docs/SECURITY.md). Resending needs it.
 */
bool config_has_proof(const struct config *conf);

/*
 * A file mode in octal, "0660" or "660", 0 .. 0777 (lookup.mode).
 * Returns 0 and *mode_r, or -1.
 */
int config_parse_mode(const char *s, unsigned *mode_r);

/*
 * Parses a duration "90", "30s", "15m", "4h", "7d" into seconds.
 * Returns 0, or -1 with *error_r (static).
 */
int config_parse_duration(const char *s, unsigned *secs_r,
    const char **error_r);

/*
 * Writes the effective settings to out, one "key: value" line per key of
 * the schema, defaults included; a key whose value is a credential shows
 * "(set)" (bounced -n, issue 17 item 4). config_show.c.
 */
void config_show(const struct config *conf, FILE *out);

#endif
