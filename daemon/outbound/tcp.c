/* tcp.h: getaddrinfo(3), then a non-blocking connect(2) per address. */
#include "daemon/outbound/tcp.h"

#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* A non-blocking connect() bounded by timeout; blocking fd on success. */
static int
connect_one(const struct addrinfo *ai, unsigned timeout)
{
	struct pollfd pfd;
	socklen_t len = sizeof(int);
	int fd, r, soerr = 0, saved;

	fd = socket(ai->ai_family,
	    ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
	if (fd == -1)
		return -1;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == -1) {
		if (errno != EINPROGRESS)
			goto fail;
		pfd.fd = fd;
		pfd.events = POLLOUT;
		do
			r = poll(&pfd, 1, timeout ? (int)timeout * 1000 : -1);
		while (r == -1 && errno == EINTR);
		if (r == 0)
			errno = ETIMEDOUT;
		if (r <= 0)
			goto fail;
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) == -1)
			goto fail;
		if (soerr != 0) {
			errno = soerr;
			goto fail;
		}
	}
	/* libetpan's streams want a blocking descriptor. */
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) == -1)
		goto fail;
	return fd;
fail:
	saved = errno;
	(void)close(fd);
	errno = saved;
	return -1;
}

int
tcp_connect(const char *host, unsigned port, unsigned timeout, char *err,
    size_t errlen)
{
	struct addrinfo hints, *ai0, *ai;
	char serv[8];
	int fd = -1, r, saved = 0;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	(void)snprintf(serv, sizeof(serv), "%u", port);
	if ((r = getaddrinfo(host, serv, &hints, &ai0)) != 0) {
		(void)snprintf(err, errlen, "resolve %s: %s", host,
		    gai_strerror(r));
		return -1;
	}
	for (ai = ai0; ai != NULL && fd == -1; ai = ai->ai_next)
		if ((fd = connect_one(ai, timeout)) == -1)
			saved = errno;
	freeaddrinfo(ai0);
	if (fd == -1)
		(void)snprintf(err, errlen, "connect to %s port %u: %s", host,
		    port, strerror(saved));
	return fd;
}
