/*
 * One message over SMTP with libetpan (see smtp.h). libetpan does the
 * dialogue; around it we add what it lacks: a connect with a timeout and
 * an errno, certificate verification (tls.c), an EHLO with our own name,
 * and the mapping of reply codes to a retry class.
 */
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libetpan/libetpan.h>

#include "common/readfile.h"
#include "daemon/outbound/smtp.h"
#include "daemon/outbound/smtp_filter.h"
#include "daemon/outbound/stream_guard.h"
#include "daemon/outbound/tcp.h"
#include "daemon/outbound/tls.h"

/*
 * Exported by libetpan 1.9.4 (and later) but missing from its installed
 * headers: the raw command/reply pair behind every mailsmtp_* call, and
 * the EHLO reply parser that sets session->esmtp and session->auth.
 * mailesmtp_ehlo() always sends gethostname(); resend.smtp.helo needs
 * its own EHLO.
 */
int mailsmtp_send_command(mailsmtp *session, char *command);
int mailsmtp_read_response(mailsmtp *session);
int mailesmtp_parse_ehlo(mailsmtp *session);

/* RFC 5321 4.5.3.1.3: a path is at most 256 octets with its "<>". */
#define SMTP_MAX_PATH 254
/* RFC 5321 4.5.3.1.2: the EHLO name is a domain of at most 255. */
#define SMTP_MAX_HELO 255
/* A password file holds one line; more is a wrong file. */
#define SMTP_MAX_PASSWORD 1024

struct smtp_conv {
	const struct config_smtp *c;
	mailsmtp *s;
	struct smtp_result *res;
	void (*tick)(void); /* after each step, or NULL */
	struct smtp_filter filter; /* of the stream's guard */
};

/*
 * Copies src into the reply with control characters as blanks: the text
 * goes to logs and the database, and the server's multi-line replies
 * come as lines joined by '\n'.
 */
static void
set_reply(struct smtp_result *res, const char *src)
{
	size_t n = 0;

	for (; *src != '\0' && n < sizeof(res->reply) - 1; src++) {
		unsigned char ch = (unsigned char)*src;

		res->reply[n++] = ch < 0x20 || ch == 0x7f ? ' ' : (char)ch;
	}
	while (n > 0 && res->reply[n - 1] == ' ')
		n--;
	res->reply[n] = '\0';
}

/* Our own reason text: code 0, so that code and reply go together. */
static void __attribute__((format(printf, 3, 4)))
fail(struct smtp_result *res, enum smtp_outcome o, const char *fmt, ...)
{
	char buf[sizeof(res->reply)];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	res->outcome = o;
	res->code = 0;
	set_reply(res, buf);
}

/* The server's last reply (code and text) as the result. */
static void
fail_reply(struct smtp_result *res, enum smtp_outcome o, const mailsmtp *s)
{
	res->outcome = o;
	res->code = s->response_code;
	set_reply(res, s->response != NULL ? s->response : "");
}

/*
 * After a libetpan call: 0 when it succeeded; else fills res and returns
 * -1. A lost connection or timeout and any 4xx are temporary (RFC 5321
 * 4.2.1); what a 5xx means depends on the step (on5xx).
 */
static int
step(struct smtp_conv *sc, int r, const char *what, enum smtp_outcome on5xx)
{
	int code = sc->s->response_code;

	if (sc->tick != NULL)
		sc->tick();
	if (r == MAILSMTP_NO_ERROR)
		return 0;
	if (sc->filter.error != NULL) {
		fail(sc->res, SMTP_DEFERRED, "%s: %s port %u sent %s", what,
		    sc->c->host, sc->c->port, sc->filter.error);
		return -1;
	}
	if (r == MAILSMTP_ERROR_STREAM || code == 0) {
		fail(sc->res, SMTP_DEFERRED,
		    "%s: connection closed or no reply within %u s", what,
		    sc->c->timeout);
		return -1;
	}
	if (code >= 400 && code < 500)
		fail_reply(sc->res, SMTP_DEFERRED, sc->s);
	else if (code >= 500 && code < 600)
		fail_reply(sc->res, on5xx, sc->s);
	else {
		/* A 1xx/2xx/3xx where libetpan wanted another: the server
		 * is confused, the next attempt may find it sane. */
		fail_reply(sc->res, SMTP_DEFERRED, sc->s);
	}
	return -1;
}

/* Each address of c->host in turn; -1 and the last error in res. */
static int
smtp_connect(const struct config_smtp *c, struct smtp_result *res)
{
	char err[256];
	int fd;

	if ((fd = tcp_connect(c->host, c->port, c->timeout, err,
	    sizeof(err))) == -1)
		fail(res, SMTP_DEFERRED, "%s", err);
	return fd;
}

/*
 * Closes the connection without QUIT: after a failed handshake there is
 * no channel to send it on, and an unverified server gets nothing.
 */
static void
drop(struct smtp_conv *sc)
{
	(void)mailstream_close(sc->s->stream);
	sc->s->stream = NULL;
}

/* Verifies the peer of the session's stream; CONFIG when it fails. */
static int
verify(struct smtp_conv *sc)
{
	char err[256];

	if (tls_verify(sc->s->stream, sc->c->host, sc->c->ca_file, err,
		sizeof(err)) == 0)
		return 0;
	fail(sc->res, SMTP_CONFIG, "TLS to %s port %u: %s", sc->c->host,
	    sc->c->port, err);
	drop(sc);
	return -1;
}

static size_t
filter_feed(void *f, const char *in, size_t n, char *out)
{
	return smtp_filter_feed(f, in, n, out);
}

static const char *
filter_error(const void *f)
{
	return ((const struct smtp_filter *)f)->error;
}

static const struct stream_filter_ops smtp_ops = {
    .feed = filter_feed,
    .error = filter_error,
    .free = NULL, /* sc->filter */
    .out_max = 2 * STREAM_GUARD_CHUNK,
};

/*
 * Puts smtp_filter.h's bounds between the connection and libetpan: on
 * the new stream, and again on the TLS stream after STARTTLS (what the
 * old guard held unread is dropped with it, as RFC 3207 4.2 wants).
 */
static int
guard(struct smtp_conv *sc, mailstream *st)
{
	smtp_filter_init(&sc->filter);
	if (stream_guard_wrap(st, &smtp_ops, &sc->filter) == -1) {
		fail(sc->res, SMTP_DEFERRED, "out of memory");
		return -1;
	}
	return 0;
}

/*
 * Connects and reads the greeting; with implicit TLS (RFC 8314 3.3) the
 * handshake and verification come first, so not one byte goes to an
 * unverified server.
 */
static int
smtp_open(struct smtp_conv *sc)
{
	mailstream *st;
	int fd;

	if ((fd = smtp_connect(sc->c, sc->res)) == -1)
		return -1;
	if (sc->tick != NULL)
		sc->tick();
	if (sc->c->tls == CONFIG_TLS_IMPLICIT)
		st = mailstream_ssl_open_with_callback_timeout(
		    fd, sc->c->timeout, tls_connect_cb, sc->c->host);
	else
		st = mailstream_socket_open_timeout(fd, sc->c->timeout);
	if (st == NULL) {
		(void)close(fd);
		fail(sc->res, SMTP_DEFERRED, "%s port %u: %s", sc->c->host,
		    sc->c->port,
		    sc->c->tls == CONFIG_TLS_IMPLICIT ? "TLS handshake failed"
						      : "out of memory");
		return -1;
	}
	if (sc->c->tls == CONFIG_TLS_IMPLICIT) {
		if (sc->tick != NULL)
			sc->tick();
		sc->s->stream = st; /* for verify() */
		if (verify(sc) == -1)
			return -1;
		sc->s->stream = NULL;
	}
	if (guard(sc, st) == -1) {
		(void)mailstream_close(st);
		return -1;
	}
	/* mailsmtp_connect() closes st itself when the greeting is no 220;
	 * a 554 greeting (RFC 5321 3.1) refuses the connection, not the
	 * message: try later. */
	return step(sc, mailsmtp_connect(sc->s, st), "greeting", SMTP_DEFERRED);
}

/*
 * libetpan 1.9.4's mailesmtp_parse_ehlo() loops forever on a tab in an
 * AUTH line ("250 AUTH PLAIN<TAB>LOGIN": the word skip stops at the tab,
 * the blank skip only passes spaces), and the first EHLO reply comes
 * before STARTTLS, from anyone on the path. Tabs are blanks in the
 * keyword lines (RFC 5321 4.1.1.1 says SP; found by fuzz_smtp).
 */
static void
parse_ehlo(mailsmtp *s)
{
	char *p;

	for (p = s->response; p != NULL && *p != '\0'; p++)
		if (*p == '\t')
			*p = ' ';
	(void)mailesmtp_parse_ehlo(s);
}

/* Sends line (with CRLF) and reads the reply; returns its code, 0 lost. */
static int
command(struct smtp_conv *sc, char *line)
{
	if (mailsmtp_send_command(sc->s, line) == -1) {
		sc->s->response_code = 0;
		return 0;
	}
	return mailsmtp_read_response(sc->s);
}

/*
 * EHLO, or HELO when the server does not know it (RFC 5321 4.1.1.1,
 * 3.2). A 5xx to our name is our configuration.
 */
static int
smtp_hello(struct smtp_conv *sc)
{
	char line[SMTP_MAX_HELO + 8], name[SMTP_MAX_HELO + 1];
	const char *helo = sc->c->helo;
	int code;

	if (helo == NULL) {
		if (gethostname(name, sizeof(name)) == -1)
			(void)snprintf(name, sizeof(name), "localhost");
		name[sizeof(name) - 1] = '\0';
		helo = name;
	}
	if (strlen(helo) > SMTP_MAX_HELO || strpbrk(helo, " \r\n") != NULL) {
		fail(sc->res, SMTP_CONFIG, "helo name is not a domain: %s",
		    helo);
		return -1;
	}
	(void)snprintf(line, sizeof(line), "EHLO %s\r\n", helo);
	if ((code = command(sc, line)) == 250) {
		parse_ehlo(sc->s);
		return 0;
	}
	if (code < 500)
		return step(
		    sc, MAILSMTP_ERROR_UNEXPECTED_CODE, "EHLO", SMTP_CONFIG);
	(void)snprintf(line, sizeof(line), "HELO %s\r\n", helo);
	if ((code = command(sc, line)) == 250) {
		sc->s->esmtp = 0;
		sc->s->auth = MAILSMTP_AUTH_NOT_CHECKED;
		return 0;
	}
	return step(sc, MAILSMTP_ERROR_UNEXPECTED_CODE, "HELO", SMTP_CONFIG);
}

/*
 * RFC 3207: STARTTLS, verify, then EHLO again, forgetting what the
 * server said in clear (4.2). A server that does not offer STARTTLS
 * although we require it is misconfigured or someone strips it: either
 * way not something a retry fixes by itself.
 */
static int
smtp_starttls(struct smtp_conv *sc)
{
	int r;

	if (!(sc->s->esmtp & MAILSMTP_ESMTP_STARTTLS)) {
		fail(sc->res, SMTP_CONFIG,
		    "%s port %u does not offer STARTTLS (tls: starttls)",
		    sc->c->host, sc->c->port);
		return -1;
	}
	r = mailsmtp_socket_starttls_with_callback(
	    sc->s, tls_connect_cb, sc->c->host);
	if (r == MAILSMTP_ERROR_SSL) {
		fail(sc->res, SMTP_DEFERRED, "%s port %u: TLS handshake failed",
		    sc->c->host, sc->c->port);
		drop(sc);
		return -1;
	}
	if (step(sc, r, "STARTTLS", SMTP_CONFIG) == -1)
		return -1;
	/* verified before the guard goes around the TLS stream (tls.h
	 * reads the certificate from the TLS driver itself) */
	if (verify(sc) == -1)
		return -1;
	if (guard(sc, sc->s->stream) == -1) {
		drop(sc);
		return -1;
	}
	return smtp_hello(sc);
}

/*
 * AUTH PLAIN, else LOGIN (RFC 4954, RFC 4616): the mechanisms that send
 * the password as it is, which is why it only happens over TLS or to a
 * loopback host (config_check.c). 535 and the other 5xx mean our
 * credentials or settings are wrong.
 */
static int
smtp_auth(struct smtp_conv *sc, const char *password)
{
	int type, r;

	if (sc->s->auth & MAILSMTP_AUTH_PLAIN)
		type = MAILSMTP_AUTH_PLAIN;
	else if (sc->s->auth & MAILSMTP_AUTH_LOGIN)
		type = MAILSMTP_AUTH_LOGIN;
	else {
		fail(sc->res, SMTP_CONFIG,
		    "%s port %u offers no AUTH PLAIN or LOGIN", sc->c->host,
		    sc->c->port);
		return -1;
	}
	sc->s->response_code = 0;
	r = mailsmtp_auth_type(sc->s, sc->c->user, password, type);
	if (r == MAILSMTP_NO_ERROR)
		return 0;
	if (sc->s->response_code == 0 && r != MAILSMTP_ERROR_STREAM) {
		/* Cyrus SASL failed before anything was sent. */
		fail(sc->res, SMTP_CONFIG,
		    "AUTH: SASL client error (%s; is libsasl2-modules "
		    "installed?)",
		    mailsmtp_strerror(r));
		return -1;
	}
	return step(sc, r, "AUTH", SMTP_CONFIG);
}

/* Returns 0 when addr can go between "<" and ">" as it is. */
static int
check_path(const char *addr, bool empty_ok)
{
	const unsigned char *p = (const unsigned char *)addr;
	size_t len = strlen(addr);

	if (len > SMTP_MAX_PATH || (len == 0 && !empty_ok))
		return -1;
	/* No controls, no space, no brackets: nothing that could end the
	 * command line or the path early (RFC 5321 4.1.2). */
	for (; *p != '\0'; p++)
		if (*p <= 0x20 || *p == 0x7f || *p == '<' || *p == '>')
			return -1;
	return 0;
}

/*
 * MAIL, RCPT, DATA. libetpan's mailstream_send_data() turns LF and bare
 * CR into CRLF, dot-stuffs (RFC 5321 4.5.2) and always appends
 * "\r\n.\r\n": one line end of ours would become an empty last line, so
 * it is taken off.
 */
static int
smtp_transaction(struct smtp_conv *sc, const char *from, const char *rcpt,
    const char *msg, size_t len)
{
	size_t wire;

	/* SIZE= (RFC 1870 3) when offered: the size once in CRLF form. */
	wire = mailstream_get_data_crlf_size(msg, len);
	if (step(sc, mailesmtp_mail_size(sc->s, from, 0, NULL, wire),
		"MAIL FROM", SMTP_FAILED) == -1)
		return -1;
	if (step(sc, mailesmtp_rcpt(sc->s, rcpt, 0, NULL), "RCPT TO",
		SMTP_FAILED) == -1)
		return -1;
	if (step(sc, mailsmtp_data(sc->s), "DATA", SMTP_FAILED) == -1)
		return -1;
	if (len > 0 && msg[len - 1] == '\n')
		len--;
	if (len > 0 && msg[len - 1] == '\r')
		len--;
	if (step(sc, mailsmtp_data_message(sc->s, msg, len), "end of data",
		SMTP_FAILED) == -1)
		return -1;
	fail_reply(sc->res, SMTP_SENT, sc->s);
	return 0;
}

int
smtp_send(const struct config_smtp *c, const char *from, const char *rcpt,
    const char *msg, size_t len, void (*tick)(void), struct smtp_result *res)
{
	struct smtp_conv sc = {.c = c, .res = res, .tick = tick};
	char password[SMTP_MAX_PASSWORD];
	const char *why;
	int ret = -1;

	memset(res, 0, sizeof(*res));
	res->outcome = SMTP_DEFERRED;
	if (check_path(from, true) == -1 || check_path(rcpt, false) == -1) {
		fail(res, SMTP_FAILED, "not an address for SMTP: <%.200s>",
		    check_path(from, true) == -1 ? from : rcpt);
		return -1;
	}
	if (c->user != NULL && c->password_file == NULL) {
		fail(
		    res, SMTP_CONFIG, "resend.smtp.user without password_file");
		return -1;
	}
	/* read at each call: a changed file needs no reload */
	if (c->user != NULL && read_secret(c->password_file, password,
	    sizeof(password), &why) == -1) {
		fail(res, SMTP_CONFIG, "password_file %s: %s", c->password_file,
		    why);
		return -1;
	}
	if ((sc.s = mailsmtp_new(0, NULL)) == NULL) {
		fail(res, SMTP_DEFERRED, "out of memory");
		goto out;
	}
	mailsmtp_set_timeout(sc.s, c->timeout);
	if (smtp_open(&sc) == -1 || smtp_hello(&sc) == -1)
		goto out;
	if (c->tls == CONFIG_TLS_STARTTLS && smtp_starttls(&sc) == -1)
		goto out;
	if (c->user != NULL && smtp_auth(&sc, password) == -1)
		goto out;
	ret = smtp_transaction(&sc, from, rcpt, msg, len);
out:
	/* mailsmtp_free() says QUIT (RFC 5321 4.1.1.10) when the stream is
	 * still open. */
	if (sc.s != NULL)
		mailsmtp_free(sc.s);
	explicit_bzero(password, sizeof(password));
	return ret;
}
