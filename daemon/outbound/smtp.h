/*
 * Submitting one message over SMTP (libetpan mailsmtp/mailesmtp): connect,
 * EHLO (HELO when refused), STARTTLS (RFC 3207) or implicit TLS verified
 * with tls_verify(), AUTH when a user is configured, MAIL FROM, one RCPT
 * TO, DATA. Blocking, with the configured per-operation timeout; SIGPIPE
 * must be ignored by the caller (main.c does).
 */
#ifndef BD_SMTP_H
#define BD_SMTP_H

#include <stddef.h>

#include "config/config.h"

enum smtp_outcome {
	SMTP_SENT,	/* 250 after DATA: the server took responsibility */
	SMTP_DEFERRED,	/* a 4xx reply, or the server unreachable, a
			 * timeout, a TLS or network error: try again */
	SMTP_FAILED,	/* a 5xx reply to MAIL, RCPT or DATA */
	SMTP_CONFIG,	/* our side is wrong: no password file, AUTH
			 * refused (535), certificate did not verify: try
			 * again later, but say so loudly */
};

/*
 * The blocking waits of one smtp_send(), each up to resend.smtp.timeout:
 * connect, TLS, greeting, EHLO and HELO, STARTTLS with its TLS and EHLO
 * again, AUTH's exchanges, MAIL, RCPT, DATA, the message's writes and
 * the final reply, QUIT; with room for a few more writes of a long
 * message. A resend's claim lasts that long (lifecycle_claim_lease()).
 */
#define SMTP_WAITS_MAX 20

struct smtp_result {
	enum smtp_outcome outcome;
	int code;	 /* the last reply code, 0 when none (no connection) */
	char reply[512]; /* the server's last reply text, or our error */
};

/*
 * Sends msg (len bytes, LF or CRLF line ends: sent as CRLF,
 * dot-stuffed, RFC 5321 4.5.2) from envelope sender `from` to the one
 * recipient `rcpt`. Fills *res; returns 0 when sent, -1 otherwise. tick,
 * when not NULL, is called after each step of the dialogue (each may
 * wait up to the configured timeout): the daemon's watchdog keep-alive.
 */
int smtp_send(const struct config_smtp *c, const char *from,
    const char *rcpt, const char *msg, size_t len, void (*tick)(void),
    struct smtp_result *res);

#endif
