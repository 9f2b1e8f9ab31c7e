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

#define CONFIG_MAX_SCHEDULE 16

/* Recipient-state policy (policy.h applies it). Durations in seconds. */
struct config_policy {
	unsigned soft_limit;  /* policy.soft_bounce_limit: soft bounces ...  */
	unsigned soft_window; /* policy.soft_window: ... within this suppress */
	unsigned soft_decay;  /* policy.soft_decay: quiet time that resets */
};

struct config_resend {
	unsigned schedule[CONFIG_MAX_SCHEDULE]; /* resend.schedule: delays */
	unsigned nschedule;
	unsigned max_attempts; /* resend.max_attempts */
};

struct config {
	char *file;	  /* owned: the file read, NULL for config_default() */
	char *database;	  /* owned: database */
	char *maildir;	  /* owned: maildir.path (a Maildir: new/ cur/ tmp/) */
	char *quarantine; /* owned: maildir.quarantine, default
			   * <maildir.path>/.Quarantine (a Maildir too) */
	unsigned rescan_interval; /* maildir.rescan_interval, seconds */
	unsigned batch_size;	  /* maildir.batch_size: messages per commit */
	struct config_policy policy;
	struct config_resend resend;
	int log_level; /* log.level: enum log_level (common/log.h) */
};

/*
 * Reads and checks path. On success returns 0 and a new *conf_r. On failure
 * returns -1 and *errors_r, a malloc'd text (the caller frees it) of one line
 * per problem, every problem in the file, each as
 * "FILE:LINE:COL: KEY: why" (or "FILE: why" when the file cannot be read).
 */
int config_load(const char *path, struct config **conf_r, char **errors_r);
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
 * Parses a duration "90", "30s", "15m", "4h", "7d" into seconds.
 * Returns 0, or -1 with *error_r (static).
 */
int config_parse_duration(const char *s, unsigned *secs_r,
    const char **error_r);

#endif
