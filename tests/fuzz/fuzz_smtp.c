/*
 * Fuzz target: what the resender reads from an SMTP server. The whole of
 * smtp_send() (daemon/smtp.c) runs -- connect, greeting, EHLO (HELO when
 * refused) and libetpan's EHLO capability parser, STARTTLS, AUTH, MAIL
 * FROM with SIZE=, RCPT TO, DATA, end of data -- against a server whose
 * every byte is the fuzzer's: libetpan's multi-line reply reader and
 * smtp.c's mapping of replies to outcomes and its reply text.
 *
 * The seam is at link time, not in smtp.c: the binary is linked with
 * -Wl,--wrap=mailstream_socket_open_timeout (and the TLS twin), so that
 * the stream smtp.c opens on its connected socket is a fuzz_stream.h
 * stream over the input instead. The connect itself is real, to a
 * listening socket on 127.0.0.1 that this file opens and accepts from.
 *
 * Input: byte 0 picks the configuration (bits 0-1 tls: none, starttls,
 * implicit, none; bit 2 AUTH with a user; bit 3 no helo: gethostname();
 * bits 4-6 the read chunk), the rest is what the server says.
 * BD_FUZZ_VERBOSE=1 prints each result (outcome, code, reply).
 */
#include <sys/socket.h>

#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "daemon/smtp.h"
#include "fuzz_stream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
mailstream *__wrap_mailstream_socket_open_timeout(int fd, time_t timeout);
mailstream *__wrap_mailstream_ssl_open_with_callback_timeout(int fd,
    time_t timeout, void (*cb)(struct mailstream_ssl_context *, void *),
    void *cb_data);

static int listener = -1;
static unsigned listen_port;
static char pwfile[64];
/* the server's bytes for the connection being opened */
static const uint8_t *server;
static size_t server_len, server_chunk;
static bool verbose; /* BD_FUZZ_VERBOSE set: each result on stderr */

static void
remove_pwfile(void)
{
	(void)unlink(pwfile);
}

static void
setup(void)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	const char *tmp = getenv("TMPDIR");
	int fd;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    bind(listener, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(listener, 16) == -1 ||
	    getsockname(listener, (struct sockaddr *)&sin, &len) == -1) {
		perror("fuzz_smtp: listen on 127.0.0.1");
		abort();
	}
	listen_port = ntohs(sin.sin_port);
	verbose = getenv("BD_FUZZ_VERBOSE") != NULL;
	(void)snprintf(pwfile, sizeof(pwfile), "%s/fuzz_smtp.XXXXXX",
	    tmp != NULL && strlen(tmp) < 40 ? tmp : "/tmp");
	if ((fd = mkstemp(pwfile)) == -1 || write(fd, "secret\n", 7) != 7) {
		perror("fuzz_smtp: password file");
		abort();
	}
	(void)close(fd);
	atexit(remove_pwfile);
}

/* Closes both ends at once, with a reset: no TIME_WAIT per execution. */
static void
drop_conn(int fd)
{
	struct linger l = {1, 0};
	int peer = accept(listener, NULL, NULL);

	if (peer == -1) {
		perror("fuzz_smtp: accept");
		abort();
	}
	(void)setsockopt(peer, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	(void)setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	(void)close(peer);
	(void)close(fd);
}

mailstream *
__wrap_mailstream_socket_open_timeout(int fd, time_t timeout)
{
	(void)timeout;
	drop_conn(fd);
	return fuzz_stream_new(server, server_len, server_chunk);
}

mailstream *
__wrap_mailstream_ssl_open_with_callback_timeout(int fd, time_t timeout,
    void (*cb)(struct mailstream_ssl_context *, void *), void *cb_data)
{
	(void)cb;
	(void)cb_data;
	return __wrap_mailstream_socket_open_timeout(fd, timeout);
}

/* The result's contract (smtp.h): one outcome, a printable reply. */
static void
check(int ret, const struct smtp_result *res)
{
	const char *r = res->reply;
	size_t n = strnlen(r, sizeof(res->reply));

	if (n == sizeof(res->reply) ||
	    (ret == 0) != (res->outcome == SMTP_SENT))
		abort();
	if (res->outcome > SMTP_CONFIG)
		abort();
	if (res->outcome == SMTP_SENT && res->code != 250)
		abort();
	if (n > 0 && r[n - 1] == ' ')
		abort();
	for (; *r != '\0'; r++)
		if ((unsigned char)*r < 0x20 || *r == 0x7f)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char msg[] = "From: a@example.org\nSubject: x\n\n.\n"
				  "..\nbody\n";
	static const enum config_tls tls[] = {CONFIG_TLS_NONE,
	    CONFIG_TLS_STARTTLS, CONFIG_TLS_IMPLICIT, CONFIG_TLS_NONE};
	static char host[] = "127.0.0.1", user[] = "resender",
		    helo[] = "client.example.org";
	struct config_smtp c;
	struct smtp_result res;
	int ret;

	if (size < 1)
		return 0;
	if (listener == -1)
		setup();
	memset(&c, 0, sizeof(c));
	c.host = host;
	c.port = listen_port;
	c.tls = tls[data[0] & 3];
	c.user = data[0] & 4 ? user : NULL;
	c.password_file = c.user != NULL ? pwfile : NULL;
	c.helo = data[0] & 8 ? NULL : helo;
	c.timeout = 5;
	server = data + 1;
	server_len = size - 1;
	server_chunk = fuzz_stream_chunk((uint8_t)(data[0] >> 4));
	ret = smtp_send(&c, "bounces@example.org", "user@example.net", msg,
	    sizeof(msg) - 1, NULL, &res);
	check(ret, &res);
	if (verbose)
		fprintf(stderr, "fuzz_smtp: outcome %d, code %d: %s\n",
		    (int)res.outcome, res.code, res.reply);
	return 0;
}
