/*
 * Fuzz target: what the IMAP source reads from its server. The real
 * source (daemon/sources/source_imap.c, imap_session.c) runs passes -- greeting,
 * STARTTLS, LOGIN, CAPABILITY, SELECT (UIDVALIDITY), UID SEARCH, UID
 * FETCH of sizes and dates then of bodies, CREATE, UID MOVE or UID COPY +
 * UID STORE + UID EXPUNGE or UID STORE of flags, IDLE and DONE, LOGOUT --
 * against a server whose every byte is the fuzzer's: libetpan's response
 * parser for each of those commands, and what bounced makes of the
 * results (capabilities, UIDVALIDITY, SEARCH results, FETCH items,
 * NIL bodies, sizes, INTERNALDATE, tagged NO/BAD texts).
 *
 * The seam is at link time: -Wl,--wrap=connect and the two stream opens
 * (socket, TLS) make the connection a fuzz_stream.h stream over the
 * input instead of a socket; nothing in daemon/ changes,
 * and the stream passes through the guard of imap_guard.h as a socket's
 * does. With implicit TLS the input has no certificate, and the session
 * ends at its check.
 *
 * Input: byte 0 picks the configuration (bits 0-1 tls: none, starttls,
 * implicit, none; bit 2 a processed mailbox, bit 3 a quarantine mailbox,
 * bit 4 IDLE, bits 5-7 the read chunk); byte 1 the batch size (bits 0-1:
 * 1, 2, 3, 50), which messages are quarantined (bit 2) and a second pass
 * (bit 3). The rest is what the server says, the same bytes again for
 * each connection.
 */
#include <sys/socket.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "config/config.h"
#include "daemon/sources/source.h"
#include "fuzz_stream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int __wrap_connect(int fd, const struct sockaddr *sa, socklen_t len);
mailstream *__wrap_mailstream_socket_open_timeout(int fd, time_t timeout);
mailstream *__wrap_mailstream_ssl_open_with_callback_timeout(int fd,
    time_t timeout, void (*cb)(struct mailstream_ssl_context *, void *),
    void *cb_data);

static char *pwfile;
static const uint8_t *server;
static size_t server_len, server_chunk;

/* the socket is made, never connected: the opens below close it */
int
__wrap_connect(int fd, const struct sockaddr *sa, socklen_t len)
{
	(void)fd;
	(void)sa;
	(void)len;
	return 0;
}

mailstream *
__wrap_mailstream_socket_open_timeout(int fd, time_t timeout)
{
	(void)timeout;
	(void)close(fd);
	return fuzz_stream_new(server, server_len, server_chunk);
}

/* no certificate: tls_verify() refuses it, as it must */
mailstream *
__wrap_mailstream_ssl_open_with_callback_timeout(int fd, time_t timeout,
    void (*cb)(struct mailstream_ssl_context *, void *), void *cb_data)
{
	(void)cb;
	(void)cb_data;
	return __wrap_mailstream_socket_open_timeout(fd, timeout);
}

static void
setup(void)
{
	const char *lvl = getenv("BD_FUZZ_LOG");

	pwfile = fuzz_password_file("fuzz_imap");
	/* quiet unless asked: BD_FUZZ_LOG=debug evaluates every log line */
	log_init("fuzz_imap",
	    lvl != NULL && log_level_from_name(lvl) != -1
		? (enum log_level)log_level_from_name(lvl)
		: LOG_LVL_ERR,
	    0);
}

/* source.h: "<mailbox>/<UIDVALIDITY>/<UID>", a body or an error */
static void
check_msg(const struct source_msg *m, const char *mailbox)
{
	size_t n = strlen(mailbox);
	unsigned long long uv, uid;
	char tail;

	if (m->ref == NULL || strncmp(m->ref, mailbox, n) != 0 ||
	    sscanf(m->ref + n, "/%llu/%llu%c", &uv, &uid, &tail) != 2 ||
	    uid == 0 || uid > UINT32_MAX || uv > UINT32_MAX)
		abort();
	if ((m->buf == NULL) == (m->error == NULL) ||
	    m->len > SOURCE_MAX_MESSAGE)
		abort();
}

static void
one_pass(struct source *src, const char *mailbox, bool quarantine_odd)
{
	struct source_msg m;
	int64_t wake;
	unsigned i = 0;

	if (src->ops->scan(src, true) == 0) {
		while (src->ops->next(src, &m) == 1) {
			check_msg(&m, mailbox);
			(void)src->ops->ack(src, &m,
			    quarantine_odd && i++ % 2 ? ACK_QUARANTINE
						      : ACK_DONE);
			free(m.ref);
			free(m.buf);
			free(m.error);
		}
		src->ops->flush(src);
	}
	(void)src->ops->arm(src, source_now_ms(), &wake);
	(void)src->ops->describe(src);
	src->ops->drain(src);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum config_tls tls[] = {CONFIG_TLS_NONE,
	    CONFIG_TLS_STARTTLS, CONFIG_TLS_IMPLICIT, CONFIG_TLS_NONE};
	static const unsigned batch[] = {1, 2, 3, 50};
	static char host[] = "127.0.0.1", user[] = "bounces",
		    mailbox[] = "INBOX", processed[] = "Processed",
		    quarantine[] = "Quarantine";
	struct config_imap c;
	struct source *src;

	if (size < 2)
		return 0;
	if (pwfile == NULL)
		setup();
	memset(&c, 0, sizeof(c));
	c.host = host;
	c.port = 143;
	c.tls = tls[data[0] & 3];
	c.user = user;
	c.password_file = pwfile;
	c.mailbox = mailbox;
	c.processed_mailbox = data[0] & 4 ? processed : NULL;
	c.quarantine_mailbox = data[0] & 8 ? quarantine : NULL;
	c.idle = (data[0] & 16) != 0;
	c.poll_interval = 60;
	c.timeout = 5;
	server = data + 2;
	server_len = size - 2;
	server_chunk = fuzz_stream_chunk((uint8_t)(data[0] >> 5));
	if ((src = imap_source_new(&c, batch[data[1] & 3], true)) == NULL)
		abort();
	one_pass(src, mailbox, (data[1] & 4) != 0);
	if (data[1] & 8)
		one_pass(src, mailbox, (data[1] & 4) != 0);
	src->ops->free(src);
	return 0;
}
