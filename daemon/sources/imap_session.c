/*
 * The IMAP source's connection (imap_session.h). Every libetpan call here
 * is bounded by imap.timeout (mailimap_set_timeout(), set before the
 * connect: libetpan's default is 300 s, past the watchdog). The password
 * is read from password_file at each login and never logged.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/readfile.h"
#include "common/xmalloc.h"
#include "daemon/notify.h"
#include "daemon/outbound/tcp.h"
#include "daemon/outbound/tls.h"
#include "daemon/sources/imap_guard.h"
#include "daemon/sources/imap_session.h"
#include "daemon/sources/source.h"

/* Reconnection waits: doubling from the first to the cap. */
#define IMAP_BACKOFF_MIN_MS 1000
#define IMAP_BACKOFF_MAX_MS (5 * 60 * 1000)
/*
 * A refused login, certificate or unreadable password file will not fix
 * itself in a second: a person has to act (and may SIGHUP). Retried this
 * seldom, so that a server's authentication-failure throttling is not
 * fed either.
 */
#define IMAP_SLOW_RETRY_MS (5 * 60 * 1000)
/*
 * A connection up this long that breaks is retried at once (a server
 * restart); one that breaks sooner keeps backing off, so that a server
 * that accepts and then fails every session is not hammered.
 */
#define IMAP_STABLE_MS (10 * 1000)
/*
 * RFC 2177 3: "clients using IDLE are advised to terminate the IDLE and
 * re-issue it at least every 29 minutes to avoid being logged off" (the
 * RFC 3501 5.4 autologout timer is at least 30 minutes).
 */
#define IMAP_IDLE_RENEW_MS (28 * 60 * 1000)
/* A password longer than this is surely the wrong file. */
#define IMAP_MAX_PASSWORD 1024

void
imap_session_init(struct imap_session *s, const struct config_imap *c)
{
	bool v6 = strchr(c->host, ':') != NULL; /* an IPv6 literal */

	memset(s, 0, sizeof(*s));
	s->c = c;
	snprintf(s->url, sizeof(s->url), "%s://%s%s%s:%u/%s",
	    c->tls == CONFIG_TLS_IMPLICIT ? "imaps" : "imap", v6 ? "[" : "",
	    c->host, v6 ? "]" : "", c->port, c->mailbox);
	s->retry_at = 0; /* the first scan() connects */
}

static void
close_conn(struct imap_session *s)
{
	if (s->imap != NULL) {
		/*
		 * mailimap_free() sends LOGOUT and parses the reply while the
		 * stream is open. After a failure that parses more of what
		 * failed: a reply libetpan could not parse, whose next line
		 * imap_filter.h may have taken for a literal's data
		 * (tests/fuzz/imap_inputs/logout-after-parse-error.bin
		 * crashed it). So the stream is closed first, no LOGOUT.
		 */
		if (s->imap->imap_stream != NULL) {
			(void)mailstream_close(s->imap->imap_stream);
			s->imap->imap_stream = NULL;
		}
		mailimap_free(s->imap);
	}
	s->imap = NULL;
	s->idling = false;
}

void
imap_session_deinit(struct imap_session *s)
{
	if (s->imap != NULL) {
		/* a polite LOGOUT (bounded by the timeout) when we can */
		if (s->idling)
			imap_session_leave_idle(s);
		if (s->imap != NULL)
			(void)mailimap_logout(s->imap);
	}
	close_conn(s);
	memset(s, 0, sizeof(*s));
}

bool
imap_session_fatal(int r)
{
	switch (r) {
	case MAILIMAP_ERROR_BAD_STATE:
	case MAILIMAP_ERROR_STREAM:
	case MAILIMAP_ERROR_PARSE:
	case MAILIMAP_ERROR_CONNECTION_REFUSED:
	case MAILIMAP_ERROR_MEMORY:
	case MAILIMAP_ERROR_FATAL:
	case MAILIMAP_ERROR_PROTOCOL:
	case MAILIMAP_ERROR_DONT_ACCEPT_CONNECTION:
	case MAILIMAP_ERROR_SSL:
	case MAILIMAP_ERROR_NEEDS_MORE_DATA:
		return true;
	default: /* a tagged NO or BAD to one command */
		return false;
	}
}

/* The server's last response text, made safe for one log line. */
static const char *
server_text(const struct imap_session *s, char *buf, size_t len)
{
	const char *t = s->imap != NULL ? s->imap->imap_response : NULL;
	size_t i;

	if (t == NULL || *t == '\0')
		return "no reason given";
	for (i = 0; t[i] != '\0' && i + 1 < len && i < 200; i++)
		buf[i] = (unsigned char)t[i] < 0x20 || t[i] == 0x7f ? ' ' :
		    t[i];
	buf[i] = '\0';
	return buf;
}

const char *
imap_session_error(const struct imap_session *s, int r)
{
	static char buf[320];
	char text[240];

	/* the guard refused the stream: say which limit */
	if (s->imap != NULL && s->imap->imap_stream != NULL &&
	    imap_guard_error(s->imap->imap_stream) != NULL)
		return imap_guard_error(s->imap->imap_stream);
	switch (r) {
	case MAILIMAP_ERROR_STREAM:
		return "connection lost or timed out";
	case MAILIMAP_ERROR_CONNECTION_REFUSED:
		return "cannot connect (refused, unreachable, or no such host)";
	case MAILIMAP_ERROR_PARSE:
		return "unparsable response from the server";
	case MAILIMAP_ERROR_SSL:
		return "TLS handshake failed";
	case MAILIMAP_ERROR_MEMORY:
		return "out of memory";
	case MAILIMAP_ERROR_FATAL:
		snprintf(buf, sizeof(buf), "the server closed the session: %s",
		    server_text(s, text, sizeof(text)));
		return buf;
	case MAILIMAP_ERROR_DONT_ACCEPT_CONNECTION:
		return "the server refuses connections (BYE greeting)";
	case MAILIMAP_ERROR_PROTOCOL:
	case MAILIMAP_ERROR_BAD_STATE:
		return "protocol error";
	default:
		snprintf(buf, sizeof(buf), "the server said no: %s",
		    server_text(s, text, sizeof(text)));
		return buf;
	}
}

/*
 * An outage is said once: at its start, and again only when a reason
 * that needs a person (slow: login, certificate, password file) is new.
 */
static void
say_down(struct imap_session *s, bool slow, const char *reason,
    const char *then)
{
	if (!s->down) {
		s->down = true;
		s->down_since = source_now_ms();
	} else if (!slow || strcmp(reason, s->said) == 0) {
		log_debug("imap: %s: %s; %s", s->url, reason, then);
		return;
	}
	snprintf(s->said, sizeof(s->said), "%s", reason);
	log_warnx("imap: %s: %s; %s", s->url, reason, then);
}

static void
next_backoff(struct imap_session *s, bool slow)
{
	if (slow)
		s->backoff_ms = IMAP_SLOW_RETRY_MS;
	else if (s->backoff_ms < IMAP_BACKOFF_MIN_MS)
		s->backoff_ms = IMAP_BACKOFF_MIN_MS;
	else if ((s->backoff_ms *= 2) > IMAP_BACKOFF_MAX_MS)
		s->backoff_ms = IMAP_BACKOFF_MAX_MS;
	s->retry_at = source_now_ms() + s->backoff_ms;
}

void
imap_session_drop(struct imap_session *s, const char *what, int r)
{
	char reason[400];
	int64_t t = source_now_ms();

	if (s->imap == NULL)
		return;
	snprintf(reason, sizeof(reason), "%s: %s", what,
	    imap_session_error(s, r));
	close_conn(s);
	if (t - s->connected_at >= IMAP_STABLE_MS) {
		s->backoff_ms = 0;
		s->retry_at = t;
	} else
		next_backoff(s, false);
	say_down(s, false, reason, "reconnecting (said once until it is "
	    "back; nothing unacknowledged is lost)");
}

/* A failed connection attempt: closed, logged, the next one scheduled. */
static int BD_PRINTF(3, 4)
open_failed(struct imap_session *s, bool slow, const char *fmt, ...)
{
	char reason[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	close_conn(s);
	next_backoff(s, slow);
	say_down(s, slow, reason, s->once ? "nothing is fetched (--once)" :
	    slow ? "nothing is fetched; retrying every 5 min (or at a "
	    "reload)" : "retrying with a growing wait (1 s to 5 min), said "
	    "once until it is back");
	return -1;
}

static const char *
tls_name(enum config_tls tls)
{
	return tls == CONFIG_TLS_IMPLICIT ? "TLS" :
	    tls == CONFIG_TLS_STARTTLS ? "STARTTLS" : "no TLS (loopback)";
}

/*
 * TCP, then with implicit TLS (RFC 8314 3.3) the handshake and the
 * certificate check, so that not one byte of an unverified server is
 * parsed; then the guard of imap_guard.h around the stream, and the
 * greeting. Not mailimap_socket_connect() or mailimap_ssl_connect(),
 * which parse the greeting before anything can be checked. r of libetpan
 * (a greeting code when fine); err says why when it is our refusal.
 */
static int
open_stream(struct imap_session *s, mailstream **st_r, char *err,
    size_t errlen)
{
	mailstream *st;
	int fd;

	if ((fd = tcp_connect(s->c->host, s->c->port, s->c->timeout, err,
	    errlen)) == -1)
		return MAILIMAP_ERROR_CONNECTION_REFUSED;
	if (s->c->tls == CONFIG_TLS_IMPLICIT)
		/* tls_connect_cb() sets SNI (RFC 6066 3) */
		st = mailstream_ssl_open_with_callback_timeout(fd,
		    (time_t)s->c->timeout, tls_connect_cb, s->c->host);
	else
		st = mailstream_socket_open_timeout(fd, (time_t)s->c->timeout);
	if (st == NULL) {
		(void)close(fd);
		return s->c->tls == CONFIG_TLS_IMPLICIT ? MAILIMAP_ERROR_SSL :
		    MAILIMAP_ERROR_MEMORY;
	}
	if (s->c->tls == CONFIG_TLS_IMPLICIT) {
		char why[200];

		/* libetpan (Debian's, GnuTLS) accepts any certificate */
		notify_watchdog();
		if (tls_verify(st, s->c->host, s->c->ca_file, why,
		    sizeof(why)) == -1) {
			snprintf(err, errlen, "certificate refused: %s", why);
			(void)mailstream_close(st);
			return MAILIMAP_ERROR_SSL;
		}
	}
	if (imap_guard_wrap(st, true) == -1) {
		(void)mailstream_close(st);
		return MAILIMAP_ERROR_MEMORY;
	}
	*st_r = st;
	return MAILIMAP_NO_ERROR;
}

/* TCP, TLS, the greeting: r of libetpan (a greeting code when fine). */
static int
connect_tls(struct imap_session *s, char *err, size_t errlen)
{
	mailstream *st;
	char why[200];
	int r, greeting;

	if ((r = open_stream(s, &st, err, errlen)) != MAILIMAP_NO_ERROR)
		return r;
	/* on failure the session keeps st, and mailimap_free() closes it */
	greeting = mailimap_connect(s->imap, st);
	if (s->c->tls != CONFIG_TLS_STARTTLS)
		return greeting;
	if (greeting == MAILIMAP_NO_ERROR_AUTHENTICATED) {
		/* PREAUTH before TLS: the session would run in the clear,
		 * and a man in the middle can send it (RFC 9051 11.1; the
		 * "STARTTLS downgrade" of 2020) */
		snprintf(err, errlen, "the server sent PREAUTH before "
		    "STARTTLS; refusing an unprotected session");
		return MAILIMAP_ERROR_STARTTLS;
	}
	if (greeting != MAILIMAP_NO_ERROR_NON_AUTHENTICATED)
		return greeting;
	/* RFC 3501 6.2.1; no fallback to cleartext when refused. libetpan
	 * puts a new TLS stream under the session, without the guard. */
	r = mailimap_socket_starttls_with_callback(s->imap, tls_connect_cb,
	    s->c->host);
	if (r != MAILIMAP_NO_ERROR)
		return r;
	notify_watchdog();
	/* tls_verify() looks at the TLS stream itself: before the guard */
	if (tls_verify(s->imap->imap_stream, s->c->host, s->c->ca_file, why,
	    sizeof(why)) == -1) {
		snprintf(err, errlen, "certificate refused: %s", why);
		return MAILIMAP_ERROR_SSL;
	}
	if (imap_guard_wrap(s->imap->imap_stream, false) == -1)
		return MAILIMAP_ERROR_MEMORY;
	return greeting;
}

/*
 * libetpan's progress callback, called as a FETCH response is read: a
 * big chunk of bodies over a slow link is one command that may take
 * minutes, and the watchdog must hear from us meanwhile (once a second
 * is plenty).
 */
static void
fetch_progress(size_t current, size_t maximum, void *arg)
{
	struct imap_session *s = arg;
	int64_t t = source_now_ms();

	(void)current;
	(void)maximum;
	if (t - s->progress_at >= 1000) {
		s->progress_at = t;
		notify_watchdog();
	}
}

/*
 * CAPABILITY (RFC 3501 6.1.1), for what libetpan stores in the session
 * from the reply. Not mailimap_capability(): libetpan 1.9.4 then copies
 * the stored capabilities without looking whether there are any, and a
 * tagged OK after none (no untagged CAPABILITY, or "* CAPABILITY" with
 * an empty list, which stores NULL) dereferenced NULL at every
 * connection. The same steps without the copy; mailimap_has_extension()
 * takes "none" as no extension, but not a stored list that is NULL (what
 * "* CAPABILITY" with nothing after it leaves): that becomes an empty
 * one. Found by fuzz_imap.
 */
static int
capability(struct imap_session *s)
{
	static const char cmd[] = "CAPABILITY\r\n";
	struct mailimap_connection_info *ci;
	struct mailimap_response *rsp;
	int r, type;

	if ((r = mailimap_send_current_tag(s->imap)) != MAILIMAP_NO_ERROR)
		return r;
	if (mailstream_write(s->imap->imap_stream, cmd, sizeof(cmd) - 1) !=
		(ssize_t)(sizeof(cmd) - 1) ||
	    mailstream_flush(s->imap->imap_stream) == -1 ||
	    mailimap_read_line(s->imap) == NULL)
		return MAILIMAP_ERROR_STREAM;
	if ((r = mailimap_parse_response(s->imap, &rsp)) != MAILIMAP_NO_ERROR)
		return r;
	/* a parsed response ends in a tagged one (mailimap_parse_response()) */
	type = rsp->rsp_resp_done->rsp_data.rsp_tagged->rsp_cond_state->rsp_type;
	mailimap_response_free(rsp);
	ci = s->imap->imap_connection_info;
	if (ci != NULL && ci->imap_capability != NULL &&
	    ci->imap_capability->cap_list == NULL &&
	    (ci->imap_capability->cap_list = clist_new()) == NULL)
		fatalx("imap: out of memory");
	return type == MAILIMAP_RESP_COND_STATE_OK ? MAILIMAP_NO_ERROR :
						     MAILIMAP_ERROR_CAPABILITY;
}

/*
 * The personal namespace's prefix and separator: NAMESPACE (RFC 2342 5)
 * when announced, else the separator of LIST "" "" (RFC 3501 6.3.8) and
 * no prefix. A NO leaves "/" and no prefix: the names go as written.
 * MAILIMAP_NO_ERROR, or r of libetpan when the connection broke.
 */
static int
learn_namespace(struct imap_session *s)
{
	struct mailimap_namespace_data *ns = NULL;
	struct mailimap_mailbox_list *mb;
	clist *list = NULL;
	int r;

	s->ns_prefix[0] = '\0';
	s->ns_sep = '/';
	if (mailimap_has_extension(s->imap, "NAMESPACE")) {
		r = mailimap_namespace(s->imap, &ns);
		if (r != MAILIMAP_NO_ERROR && imap_session_fatal(r))
			return r;
		if (r == MAILIMAP_NO_ERROR && ns->ns_personal != NULL &&
		    clist_begin(ns->ns_personal->ns_data_list) != NULL) {
			/* the first personal namespace is the user's own
			 * (RFC 2342 5: "the default") */
			struct mailimap_namespace_info *i = clist_content(
			    clist_begin(ns->ns_personal->ns_data_list));
			size_t n = strlen(i->ns_prefix);

			if (n < sizeof(s->ns_prefix)) {
				memcpy(s->ns_prefix, i->ns_prefix, n + 1);
				s->ns_sep = i->ns_delimiter;
				mailimap_namespace_data_free(ns);
				return MAILIMAP_NO_ERROR;
			}
		}
		if (ns != NULL)
			mailimap_namespace_data_free(ns);
	}
	r = mailimap_list(s->imap, "", "", &list);
	if (r != MAILIMAP_NO_ERROR)
		return imap_session_fatal(r) ? r : MAILIMAP_NO_ERROR;
	if (list != NULL && clist_begin(list) != NULL) {
		mb = clist_content(clist_begin(list));
		s->ns_sep = mb->mb_delimiter;
	}
	if (list != NULL)
		mailimap_list_result_free(list);
	return MAILIMAP_NO_ERROR;
}

/* The configured names in server syntax: 0, or -1 and a reason in err. */
static int
translate_names(struct imap_session *s, char *err, size_t errlen)
{
	const char *conf[3] = { s->c->mailbox, s->c->processed_mailbox,
		s->c->quarantine_mailbox };
	char *out[3] = { s->mailbox, s->processed, s->quarantine };
	const char *why;
	int i;

	for (i = 0; i < 3; i++) {
		out[i][0] = '\0';
		if (conf[i] == NULL)
			continue;
		if (imap_name_server(conf[i], s->ns_prefix, s->ns_sep, out[i],
		    IMAP_NAME_MAX + 1, &why) == -1) {
			snprintf(err, errlen, "mailbox name \"%s\": %s "
			    "(see bounced.yaml(5), \"Mailbox names\")",
			    conf[i], why);
			return -1;
		}
	}
	if (strcmp(s->c->mailbox, s->mailbox) != 0 ||
	    (s->c->processed_mailbox != NULL &&
	    strcmp(s->c->processed_mailbox, s->processed) != 0) ||
	    (s->c->quarantine_mailbox != NULL &&
	    strcmp(s->c->quarantine_mailbox, s->quarantine) != 0))
		log_debug("imap: %s: namespace \"%s\", separator %c%c%c: "
		    "mailbox %s, processed %s, quarantine %s", s->url,
		    s->ns_prefix, s->ns_sep ? '"' : 'N', s->ns_sep ? s->ns_sep :
		    'I', s->ns_sep ? '"' : 'L', s->mailbox, s->processed,
		    s->quarantine);
	return 0;
}

/* What SELECT said can be kept (RFC 3501 7.1, PERMANENTFLAGS). */
static void
read_perm(struct imap_session *s)
{
	struct mailimap_selection_info *sel = s->imap->imap_selection_info;
	clistiter *it;

	memset(&s->perm, 0, sizeof(s->perm));
	s->perm.has_move = s->has_move;
	s->perm.has_uidplus = s->has_uidplus;
	if (sel == NULL || sel->sel_perm_flags == NULL)
		return;
	s->perm.perm_known = true;
	for (it = clist_begin(sel->sel_perm_flags); it != NULL;
	    it = clist_next(it)) {
		struct mailimap_flag_perm *fp = clist_content(it);

		if (fp->fl_type == MAILIMAP_FLAG_PERM_ALL)
			s->perm.perm_keywords = true;
		else if (fp->fl_type == MAILIMAP_FLAG_PERM_FLAG &&
		    fp->fl_flag != NULL) {
			if (fp->fl_flag->fl_type == MAILIMAP_FLAG_SEEN)
				s->perm.perm_seen = true;
			else if (fp->fl_flag->fl_type == MAILIMAP_FLAG_DELETED)
				s->perm.perm_deleted = true;
		}
	}
}

/*
 * The target mailbox name (server syntax) exists or is created: *ok.
 * A refusal is a warning with the server's words (issue 19 item 3), not
 * left for a MOVE to blame on "Mailbox does not exist". An "already
 * exists" (RFC 5530 [ALREADYEXISTS], or an older server's own text) is
 * told apart by LIST. MAILIMAP_NO_ERROR, or r when the connection broke.
 */
static int
ensure_target(struct imap_session *s, const char *conf_name,
    const char *name, bool *ok)
{
	char reply[240];
	clist *list = NULL;
	clistiter *it;
	int r;

	*ok = false;
	if (*name == '\0')
		return MAILIMAP_NO_ERROR;
	notify_watchdog();
	if ((r = mailimap_create(s->imap, name)) == MAILIMAP_NO_ERROR) {
		log_info("imap: %s: created mailbox %s", s->url, name);
		*ok = true;
		return r;
	}
	if (imap_session_fatal(r))
		return r;
	(void)server_text(s, reply, sizeof(reply));
	if ((r = mailimap_list(s->imap, "", name, &list)) != MAILIMAP_NO_ERROR)
		return imap_session_fatal(r) ? r : MAILIMAP_NO_ERROR;
	for (it = list != NULL ? clist_begin(list) : NULL; it != NULL;
	    it = clist_next(it)) {
		struct mailimap_mailbox_list *mb = clist_content(it);

		if (mb->mb_name != NULL && strcmp(mb->mb_name, name) == 0)
			*ok = true;
	}
	if (list != NULL)
		mailimap_list_result_free(list);
	if (!*ok)
		log_warnx("imap: %s: CREATE %s (\"%s\" in the configuration) "
		    "refused: %s; the messages are acknowledged in place "
		    "instead", s->url, name, conf_name, reply);
	return MAILIMAP_NO_ERROR;
}

/* The acknowledgement of each kind, said when it is new or changed. */
static void
choose_acks(struct imap_session *s)
{
	struct imap_ack_in in = s->perm;
	enum imap_ack_kind d, q;
	const char *why_d, *why_q;

	in.target = s->processed[0] != '\0';
	in.target_ok = s->processed_ok;
	d = imap_ack_choose(&in, &why_d);
	in.target = s->quarantine[0] != '\0';
	in.target_ok = s->quarantine_ok;
	q = imap_ack_choose(&in, &why_q);
	if (!s->ack_said || d != s->ack_done || q != s->ack_quarantine) {
		log_info("imap: %s: acknowledging by %s%s%s because %s",
		    s->url, imap_ack_name(d), d <= IMAP_ACK_COPY_EXPUNGE ?
		    " to " : "", d <= IMAP_ACK_COPY_EXPUNGE ? s->processed :
		    "", why_d);
		if (q != d)
			log_info("imap: %s: quarantining by %s%s%s because %s",
			    s->url, imap_ack_name(q),
			    q <= IMAP_ACK_COPY_EXPUNGE ? " to " : "",
			    q <= IMAP_ACK_COPY_EXPUNGE ? s->quarantine : "",
			    why_q);
	}
	s->ack_done = d;
	s->ack_quarantine = q;
	s->ack_said = true;
}

static int
session_open(struct imap_session *s)
{
	char err[256] = "", pw[IMAP_MAX_PASSWORD + 1];
	const char *why;
	int64_t t = source_now_ms();
	uint32_t uv;
	int r, greeting;

	if ((s->imap = mailimap_new(0, NULL)) == NULL)
		fatalx("imap: out of memory");
	/* before connecting: the connect and every read use it */
	mailimap_set_timeout(s->imap, s->c->timeout);
	mailimap_set_progress_callback(s->imap, fetch_progress, fetch_progress,
	    s);
	greeting = connect_tls(s, err, sizeof(err));
	if (greeting != MAILIMAP_NO_ERROR_AUTHENTICATED &&
	    greeting != MAILIMAP_NO_ERROR_NON_AUTHENTICATED) {
		/* a server down or unreachable: passing, the usual wait */
		if (greeting == MAILIMAP_ERROR_CONNECTION_REFUSED &&
		    err[0] != '\0')
			return open_failed(s, false, "%s", err);
		if (err[0] != '\0')
			return open_failed(s, true, "%s", err);
		if (greeting == MAILIMAP_ERROR_STARTTLS)
			return open_failed(s, true, "STARTTLS refused by the "
			    "server (%s); not falling back to cleartext",
			    imap_session_error(s, greeting));
		return open_failed(s, false, "connect: %s",
		    imap_session_error(s, greeting));
	}
	/* every step may wait imap.timeout: the watchdog (WatchdogSec=30s)
	 * hears from us between them */
	notify_watchdog();
	/* libetpan (Debian's, GnuTLS) accepts any certificate: tls.h;
	 * connect_tls() checked it, before the greeting with implicit TLS */
	if (greeting == MAILIMAP_NO_ERROR_NON_AUTHENTICATED) {
		notify_watchdog();
		/* read at each login: a changed file needs no restart */
		if (read_secret(s->c->password_file, pw, sizeof(pw),
		    &why) == -1)
			return open_failed(s, true, "password_file %s: %s",
			    s->c->password_file, why);
		r = mailimap_login(s->imap, s->c->user, pw);
		explicit_bzero(pw, sizeof(pw));
		if (r == MAILIMAP_ERROR_LOGIN)
			return open_failed(s, true, "login as %s refused: %s",
			    s->c->user, imap_session_error(s, r));
		if (r != MAILIMAP_NO_ERROR)
			return open_failed(s, false, "LOGIN: %s",
			    imap_session_error(s, r));
	}
	/* Capabilities change at login (RFC 3501 6.2.3: MOVE, IDLE and
	 * UIDPLUS are often announced only then): ask again. */
	if ((r = capability(s)) != MAILIMAP_NO_ERROR)
		return open_failed(s, false, "CAPABILITY: %s",
		    imap_session_error(s, r));
	s->has_move = mailimap_has_extension(s->imap, "MOVE") != 0;
	s->has_uidplus = mailimap_has_uidplus(s->imap) != 0;
	s->has_idle = mailimap_has_idle(s->imap) != 0;
	notify_watchdog();
	if ((r = learn_namespace(s)) != MAILIMAP_NO_ERROR)
		return open_failed(s, false, "NAMESPACE: %s",
		    imap_session_error(s, r));
	if (translate_names(s, err, sizeof(err)) == -1)
		return open_failed(s, true, "%s", err);
	notify_watchdog();
	if ((r = mailimap_select(s->imap, s->mailbox)) != MAILIMAP_NO_ERROR)
		return open_failed(s, false, "SELECT %s: %s", s->mailbox,
		    imap_session_error(s, r));
	read_perm(s);
	if ((r = ensure_target(s, s->c->processed_mailbox, s->processed,
	    &s->processed_ok)) != MAILIMAP_NO_ERROR ||
	    (strcmp(s->quarantine, s->processed) == 0 ?
	    (s->quarantine_ok = s->processed_ok, MAILIMAP_NO_ERROR) :
	    (r = ensure_target(s, s->c->quarantine_mailbox, s->quarantine,
	    &s->quarantine_ok))) != MAILIMAP_NO_ERROR)
		return open_failed(s, false, "CREATE: %s",
		    imap_session_error(s, r));
	choose_acks(s);
	uv = s->imap->imap_selection_info->sel_uidvalidity;
	if (s->uidvalidity != 0 && uv != s->uidvalidity)
		/* RFC 3501 2.3.1.1: every UID we knew is void. Nothing to
		 * forget: we search by flags, and what was recorded is
		 * recognised by its SHA-256 and only acknowledged. */
		log_warnx("imap: %s: UIDVALIDITY changed from %" PRIu32
		    " to %" PRIu32 " (the mailbox was recreated or "
		    "restored); reading it again from the start", s->url,
		    s->uidvalidity, uv);
	s->uidvalidity = uv;
	s->connected_at = source_now_ms();
	s->backoff_ms = 0;
	if (s->down)
		log_notice("imap: %s: %s after %llds", s->url,
		    s->ever ? "reconnected" : "connected",
		    (long long)((t - s->down_since + 999) / 1000));
	if (!s->ever || log_get_level() >= LOG_LVL_DEBUG)
		log_info("imap: %s: logged in as %s over %s; UIDVALIDITY "
		    "%" PRIu32 ", %" PRIu32 " messages; %s%s%s", s->url,
		    s->c->user, tls_name(s->c->tls), uv,
		    s->imap->imap_selection_info->sel_exists,
		    s->has_move ? "MOVE " : "",
		    s->has_uidplus ? "UIDPLUS " : "",
		    s->has_idle ? "IDLE" : "no IDLE");
	s->ever = true;
	s->down = false;
	s->said[0] = '\0';
	return 0;
}

int
imap_session_ready(struct imap_session *s)
{
	if (s->imap != NULL && s->idling)
		imap_session_leave_idle(s);
	if (s->imap == NULL) {
		if (source_now_ms() < s->retry_at)
			return -1;
		if (session_open(s) == -1)
			return -1;
	}
	s->last_search = source_now_ms();
	/* an EXISTS from here on is mail the coming SEARCH may miss */
	s->imap->imap_selection_info->sel_has_exists = 0;
	return 0;
}

int
imap_session_arm(struct imap_session *s, int64_t now, int64_t *wake_ms)
{
	struct mailimap_selection_info *sel;
	int r;

	if (s->imap == NULL) {
		*wake_ms = s->retry_at;
		return -1;
	}
	sel = s->imap->imap_selection_info;
	if (!s->idling && sel != NULL && sel->sel_has_exists) {
		/* mail arrived while we acknowledged: the server told us
		 * already and will not say it again in IDLE */
		*wake_ms = now;
		return -1;
	}
	if (!s->c->idle || !s->has_idle) {
		*wake_ms = s->last_search + (int64_t)s->c->poll_interval * 1000;
		return -1;
	}
	if (!s->idling) {
		if ((r = mailimap_idle(s->imap)) != MAILIMAP_NO_ERROR) {
			imap_session_drop(s, "IDLE", r);
			*wake_ms = s->retry_at;
			return -1;
		}
		s->idling = true;
		s->idle_since = now;
	}
	/*
	 * Renewed before the autologout, and searched again every
	 * poll_interval even so: a notification can be lost (one that came
	 * with another command's response; a mailbox deleted and created
	 * again under us, whose new messages the old IDLE never reports).
	 */
	*wake_ms = s->idle_since + (IMAP_IDLE_RENEW_MS <
	    (int64_t)s->c->poll_interval * 1000 ? IMAP_IDLE_RENEW_MS :
	    (int64_t)s->c->poll_interval * 1000);
	/* libetpan may have read past "+ idling" already: poll(2) would
	 * not see those bytes */
	if (s->imap->imap_stream->read_buffer_len > 0 ||
	    imap_guard_pending(s->imap->imap_stream) > 0)
		*wake_ms = now;
	return mailimap_idle_get_fd(s->imap);
}

void
imap_session_leave_idle(struct imap_session *s)
{
	int r;

	if (s->imap == NULL || !s->idling)
		return;
	s->idling = false;
	if ((r = mailimap_idle_done(s->imap)) != MAILIMAP_NO_ERROR)
		imap_session_drop(s, "IDLE", r);
}

const char *
imap_session_describe(const struct imap_session *s, char *buf, size_t len)
{
	if (s->imap == NULL)
		snprintf(buf, len, "%s %s", s->ever ? "reconnecting to" :
		    "connecting to", s->url);
	else if (s->c->idle && s->has_idle)
		snprintf(buf, len, "IDLE on %s", s->url);
	else
		snprintf(buf, len, "polling %s every %us", s->url,
		    s->c->poll_interval);
	return buf;
}
