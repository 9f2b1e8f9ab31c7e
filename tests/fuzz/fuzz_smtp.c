/*
 * Fuzz target: what the resender reads from an SMTP server. The whole of
 * smtp_send() (daemon/outbound/smtp.c) runs -- connect, greeting, EHLO (HELO when
 * refused) and libetpan's EHLO capability parser, STARTTLS, AUTH, MAIL
 * FROM with SIZE=, RCPT TO, DATA, end of data -- against a server whose
 * every byte is the fuzzer's: libetpan's multi-line reply reader and
 * smtp.c's mapping of replies to outcomes and its reply text.
 *
 * The seam is at link time, not in smtp.c: the binary is linked with
 * -Wl,--wrap=mailstream_socket_open_timeout (and the TLS twin), so that
 * the stream smtp.c opens on its socket is a fuzz_stream.h stream over
 * the input instead, and with -Wl,--wrap=connect, so that the socket
 * "connects" at once without a peer (a real loopback connection per
 * execution halved the executions per second).
 *
 * Input: byte 0 picks the configuration (bits 0-1 tls: none, starttls,
 * implicit, none; bit 2 AUTH with a user; bit 3 no helo: gethostname();
 * bits 4-6 the read chunk), the rest is what the server says.
 * BD_FUZZ_VERBOSE=1 prints each result (outcome, code, reply).
 */
#include <sys/socket.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "daemon/outbound/smtp.h"
#include "fuzz_stream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int __wrap_connect(int fd, const struct sockaddr *sa, socklen_t len);
mailstream *__wrap_mailstream_socket_open_timeout(int fd, time_t timeout);
mailstream *__wrap_mailstream_ssl_open_with_callback_timeout(int fd,
    time_t timeout, void (*cb)(struct mailstream_ssl_context *, void *),
    void *cb_data);

static char *pwfile;
/* the server's bytes for the connection being opened */
static const uint8_t *server;
static size_t server_len, server_chunk;
static bool verbose; /* BD_FUZZ_VERBOSE set: each result on stderr */

static void
setup(void)
{
	pwfile = fuzz_password_file("fuzz_smtp");
	verbose = getenv("BD_FUZZ_VERBOSE") != NULL;
}

/* Every connect succeeds at once: no peer, no handshake. */
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
	if (pwfile == NULL)
		setup();
	memset(&c, 0, sizeof(c));
	c.host = host;
	c.port = 25;
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
