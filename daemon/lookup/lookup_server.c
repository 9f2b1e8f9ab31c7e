/*
 * The lookup responders' sockets and their thread (lookup_server.h). The
 * protocols are lookup_proto.c's; this file only moves bytes: accept,
 * read into a bounded buffer, answer every whole request, write, close
 * what is idle, broken or closed by its client.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/xmalloc.h"
#include "daemon/lookup/lookup_proto.h"
#include "daemon/lookup/lookup_server.h"
#include "daemon/upkeep/forgotten.h"
#include "lifecycle/send.h"
#include "storage/store.h"

/*
 * Clients at once. Postfix keeps one connection per smtpd process and
 * table (default_process_limit 100); past this the longest idle one is
 * closed, and Postfix reconnects and asks again (its socketmap and
 * policy clients retry a request once on a connection the server
 * closed).
 */
#define LOOKUP_CONNS 256
/* Replies waiting for a client that sends many requests before it reads */
#define LOOKUP_OUT_MAX 4096
#define NPROTO         2

struct conn {
	int fd; /* -1: a free slot */
	enum lookup_proto proto;
	char *in; /* owned: lookup_request_max(proto) bytes */
	size_t inlen;
	char out[LOOKUP_OUT_MAX];
	size_t outlen, outoff;
	bool closing; /* a broken stream: close once out is written */
	int64_t last; /* monotonic seconds of the last request or reply */
};

struct listener {
	int fd;
	enum lookup_proto proto;
	char *path; /* owned */
	dev_t dev;  /* of the socket file we made: removed at stop only */
	ino_t ino;  /* if it is still ours */
};

struct lookup_server {
	pthread_t thread;
	int stop[2]; /* lookup_stop() writes to stop[1] */
	struct listener ls[NPROTO];
	size_t nls;
	struct store *st; /* owned: read-only, this thread's only */
	char *database;	  /* owned: its path, for the forget key */
	/* the forget key (bouncectl forget), this thread's own copy: read
	 * at start, and again while missing (the first forget makes it) */
	struct forgotten forgotten;
	unsigned idle;    /* lookup.idle_timeout */
	struct conn conns[LOOKUP_CONNS];
	struct pollfd pfd[1 + NPROTO + LOOKUP_CONNS];
	int64_t fail_logged; /* when a lookup failure was last logged */
};

static const char *const proto_names[NPROTO] = {
    [LOOKUP_SOCKETMAP] = "socketmap",
    [LOOKUP_POLICY] = "policy",
};

static int64_t
mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec;
}

/* ---- the database ---- */

static int
db_lookup(void *arg, const char *key, struct send_decision *d)
{
	struct lookup_server *srv = arg;
	struct rcpt_standing s;
	char hash[SHA256_HEX_LEN + 1];
	int64_t now;

	/* a forgotten address is refused too: its keyed hash is all that
	 * is left of it (lifecycle_send()) */
	if (store_recipient_standing(srv->st, key,
		forgotten_hash(&srv->forgotten, srv->database, key, hash),
		&s) < 0) {
		/* once a minute: a broken database must not flood the log
		 * with one line per SMTP recipient */
		now = mono_now();
		if (srv->fail_logged == 0 || now - srv->fail_logged >= 60) {
			log_warnx("lookup: %s (the MTA is told to try again "
				  "later)",
			    store_error(srv->st));
			srv->fail_logged = now;
		}
		return -1;
	}
	lifecycle_send(&s, d);
	return 0;
}

/* ---- connections ---- */

static void
conn_close(struct conn *c)
{
	if (c->fd == -1)
		return;
	close(c->fd);
	free(c->in);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

/* Writes what waits in out; closes on an error. */
static void
conn_flush(struct conn *c)
{
	ssize_t n;

	while (c->outoff < c->outlen) {
		n = send(c->fd, c->out + c->outoff, c->outlen - c->outoff,
		    MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			conn_close(c);
			return;
		}
		c->outoff += (size_t)n;
		/* a client that reads is not idle */
		c->last = mono_now();
	}
	c->outlen = c->outoff = 0;
	if (c->closing)
		conn_close(c);
}

/* Answers every whole request in c->in while out has room for one;
 * whether it answered any. */
static bool
conn_answer(struct lookup_server *srv, struct conn *c)
{
	enum lookup_step step;
	size_t used, olen;
	bool any = false;

	while (!c->closing && c->inlen > 0 &&
	       c->outlen + LOOKUP_REPLY_MAX <= sizeof(c->out)) {
		step = lookup_step(c->proto, c->in, c->inlen, &used, db_lookup,
		    srv, c->out + c->outlen, sizeof(c->out) - c->outlen, &olen);
		if (step == LOOKUP_MORE) {
			/* a full buffer without a whole request cannot
			 * happen with lookup_proto.c's caps; if it did, the
			 * client would wait for ever */
			if (c->inlen >= lookup_request_max(c->proto))
				c->closing = true;
			break;
		}
		c->outlen += olen;
		any = true;
		if (step == LOOKUP_CLOSE) {
			c->closing = true;
			c->inlen = 0;
			break;
		}
		memmove(c->in, c->in + used, c->inlen - used);
		c->inlen -= used;
	}
	return any;
}

/*
 * Answers and writes for as long as requests wait and the client takes
 * the replies: pipelined requests left in c->in when out was full get no
 * new byte to wake them.
 */
static void
conn_serve(struct lookup_server *srv, struct conn *c)
{
	bool any;

	do {
		any = conn_answer(srv, c);
		conn_flush(c);
	} while (any && c->fd != -1 && c->outlen == 0 && c->inlen > 0);
}

static void
conn_read(struct lookup_server *srv, struct conn *c, int64_t now)
{
	size_t cap = lookup_request_max(c->proto);
	ssize_t n;

	/* a full buffer is answered first: a recv() of 0 bytes would
	 * return 0 and look like the client's end */
	if (c->inlen == cap) {
		conn_serve(srv, c);
		return;
	}
	n = recv(c->fd, c->in + c->inlen, cap - c->inlen, 0);
	if (n < 0 &&
	    (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
		return;
	if (n <= 0) {
		/* closed by the client, maybe in the middle of a request:
		 * nothing to answer */
		conn_close(c);
		return;
	}
	c->inlen += (size_t)n;
	c->last = now;
	conn_serve(srv, c);
}

/* A free slot, or the longest idle connection's, closed. */
static struct conn *
conn_slot(struct lookup_server *srv)
{
	struct conn *oldest = NULL;
	size_t i;

	for (i = 0; i < LOOKUP_CONNS; i++) {
		if (srv->conns[i].fd == -1)
			return &srv->conns[i];
		if (oldest == NULL || srv->conns[i].last < oldest->last)
			oldest = &srv->conns[i];
	}
	log_debug("lookup: %d clients: closing the longest idle", LOOKUP_CONNS);
	conn_close(oldest);
	return oldest;
}

static void
accept_all(struct lookup_server *srv, const struct listener *l, int64_t now)
{
	struct conn *c;
	int fd, i;

	/* a few per wake-up, so that a flood of connections does not
	 * starve the clients already served */
	for (i = 0; i < 16; i++) {
		fd = accept4(l->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd == -1) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR && errno != ECONNABORTED)
				log_warn("lookup: %s: accept", l->path);
			return;
		}
		c = conn_slot(srv);
		c->fd = fd;
		c->proto = l->proto;
		c->in = xmalloc(lookup_request_max(l->proto));
		c->last = now;
	}
}

/* ---- the thread ---- */

/* Fills srv->pfd: the stop pipe, the listeners, then one per client
 * (map[k] is the connection of pfd[1 + nls + k]). */
static nfds_t
poll_set(struct lookup_server *srv, struct conn **map)
{
	nfds_t n = 0;
	size_t i;

	srv->pfd[n++] = (struct pollfd){.fd = srv->stop[0], .events = POLLIN};
	for (i = 0; i < srv->nls; i++)
		srv->pfd[n++] =
		    (struct pollfd){.fd = srv->ls[i].fd, .events = POLLIN};
	for (i = 0; i < LOOKUP_CONNS; i++) {
		struct conn *c = &srv->conns[i];
		short ev = 0;

		if (c->fd == -1)
			continue;
		if (!c->closing && c->outlen == 0 &&
		    c->inlen < lookup_request_max(c->proto))
			ev |= POLLIN;
		if (c->outlen > c->outoff)
			ev |= POLLOUT;
		map[n - 1 - srv->nls] = c;
		srv->pfd[n++] = (struct pollfd){.fd = c->fd, .events = ev};
	}
	return n;
}

static void
close_idle(struct lookup_server *srv, int64_t now)
{
	size_t i;

	for (i = 0; i < LOOKUP_CONNS; i++)
		if (srv->conns[i].fd != -1 &&
		    now - srv->conns[i].last >= (int64_t)srv->idle)
			conn_close(&srv->conns[i]);
}

static void *
lookup_thread(void *arg)
{
	struct lookup_server *srv = arg;
	struct conn *map[LOOKUP_CONNS];
	nfds_t n, k;
	int64_t now;
	size_t i;

	for (;;) {
		n = poll_set(srv, map);
		/* a second at most: the idle clock */
		if (poll(srv->pfd, n, 1000) < 0) {
			if (errno == EINTR)
				continue;
			log_warn("lookup: poll");
			break;
		}
		if (srv->pfd[0].revents != 0)
			break;
		now = mono_now();
		for (k = 1 + srv->nls; k < n; k++) {
			struct conn *c = map[k - 1 - srv->nls];
			short re = srv->pfd[k].revents;

			if (c->fd == -1 || re == 0)
				continue;
			if (re & POLLOUT) {
				conn_flush(c);
				/* requests that waited for room in out */
				if (c->fd != -1 && c->outlen == 0)
					conn_serve(srv, c);
			}
			if (c->fd != -1 && (re & (POLLIN | POLLHUP | POLLERR)))
				conn_read(srv, c, now);
		}
		for (i = 0; i < srv->nls; i++)
			if (srv->pfd[1 + i].revents & POLLIN)
				accept_all(srv, &srv->ls[i], now);
		close_idle(srv, now);
	}
	return NULL;
}

/* ---- the sockets ---- */

/*
 * Makes room for our socket at path: nothing there, or a socket no
 * process answers on (left by a run that died). A live socket or any
 * other file is an error: never remove what is not ours.
 */
static int
clear_path(const char *path, const struct sockaddr_un *sa)
{
	struct stat sb;
	int fd, rc;

	if (lstat(path, &sb) == -1)
		return errno == ENOENT ? 0 : (log_warn("lookup: %s", path), -1);
	if (!S_ISSOCK(sb.st_mode)) {
		log_warnx("lookup: %s: exists and is not a socket", path);
		return -1;
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		log_warn("lookup: socket");
		return -1;
	}
	rc = connect(fd, (const struct sockaddr *)sa, sizeof(*sa));
	close(fd);
	if (rc == 0) {
		log_warnx("lookup: %s: in use by another process", path);
		return -1;
	}
	if (unlink(path) == -1) {
		log_warn("lookup: %s: removing the stale socket", path);
		return -1;
	}
	return 0;
}

/* Binds and listens on path with mode and group gid (-1: unchanged). */
static int
listen_on(struct listener *l, const char *path, enum lookup_proto p,
    unsigned mode, gid_t gid)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct stat sb;

	l->fd = -1;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		log_warnx("lookup: %s: longer than a socket name may be "
			  "(%zu bytes)",
		    path, sizeof(sa.sun_path) - 1);
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if (clear_path(path, &sa) == -1)
		return -1;
	l->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (l->fd == -1) {
		log_warn("lookup: socket");
		return -1;
	}
	/* bound with the process umask (systemd UMask=0077: no one else may
	 * connect), then opened to mode before listen(): no client can
	 * connect in between */
	if (bind(l->fd, (struct sockaddr *)&sa, sizeof(sa)) == -1) {
		log_warn("lookup: %s: bind", path);
		goto fail;
	}
	l->path = xstrdup(path);
	l->proto = p;
	if (lstat(path, &sb) == 0)
		l->dev = sb.st_dev, l->ino = sb.st_ino;
	if (gid != (gid_t)-1 && chown(path, (uid_t)-1, gid) == -1) {
		log_warn("lookup: %s: chgrp to lookup.group", path);
		goto fail;
	}
	if (chmod(path, (mode_t)mode) == -1) {
		log_warn("lookup: %s: chmod %04o", path, mode);
		goto fail;
	}
	if (listen(l->fd, SOMAXCONN) == -1) {
		log_warn("lookup: %s: listen", path);
		goto fail;
	}
	return 0;
fail:
	close(l->fd);
	l->fd = -1;
	if (l->path != NULL)
		unlink(l->path);
	free(l->path);
	l->path = NULL;
	return -1;
}

static void
unlisten(struct listener *l)
{
	struct stat sb;

	if (l->fd != -1)
		close(l->fd);
	/* only the socket we made: another instance may have taken the
	 * name since */
	if (l->path != NULL && lstat(l->path, &sb) == 0 &&
	    sb.st_dev == l->dev && sb.st_ino == l->ino)
		unlink(l->path);
	free(l->path);
	l->path = NULL;
	l->fd = -1;
}

static int
group_id(const char *name, gid_t *gid_r)
{
	struct group gr, *res = NULL;
	char buf[4096];
	int rc;

	*gid_r = (gid_t)-1;
	if (name == NULL)
		return 0;
	rc = getgrnam_r(name, &gr, buf, sizeof(buf), &res);
	if (res == NULL) {
		log_warnx("lookup: lookup.group %s: %s", name,
		    rc != 0 ? strerror(rc) : "no such group");
		return -1;
	}
	*gid_r = gr.gr_gid;
	return 0;
}

static void
server_free(struct lookup_server *srv)
{
	size_t i;

	for (i = 0; i < LOOKUP_CONNS; i++)
		conn_close(&srv->conns[i]);
	for (i = 0; i < srv->nls; i++)
		unlisten(&srv->ls[i]);
	if (srv->stop[0] != -1)
		close(srv->stop[0]);
	if (srv->stop[1] != -1)
		close(srv->stop[1]);
	store_close(&srv->st);
	forgotten_wipe(&srv->forgotten);
	free(srv->database);
	free(srv);
}

static int
open_listeners(struct lookup_server *srv, const struct config_lookup *lc)
{
	const char *paths[NPROTO] = {
	    [LOOKUP_SOCKETMAP] = lc->socketmap,
	    [LOOKUP_POLICY] = lc->policy,
	};
	unsigned mode;
	gid_t gid;
	int p;

	if (config_parse_mode(lc->mode, &mode) == -1) {
		log_warnx(
		    "lookup: lookup.mode %s: not an octal mode", lc->mode);
		return -1;
	}
	if (group_id(lc->group, &gid) == -1)
		return -1;
	for (p = 0; p < NPROTO; p++) {
		if (paths[p] == NULL)
			continue;
		if (listen_on(&srv->ls[srv->nls], paths[p],
			(enum lookup_proto)p, mode, gid) == -1)
			return -1;
		srv->nls++;
	}
	return 0;
}

int
lookup_start(const struct config *conf, struct lookup_server **ls_r)
{
	const struct config_lookup *lc = &conf->lookup;
	struct lookup_server *srv;
	char *err = NULL;
	size_t i;
	int rc;

	*ls_r = NULL;
	if (lc->socketmap == NULL && lc->policy == NULL)
		return 0;
	srv = xcalloc(1, sizeof(*srv));
	srv->stop[0] = srv->stop[1] = -1;
	srv->idle = lc->idle_timeout;
	for (i = 0; i < LOOKUP_CONNS; i++)
		srv->conns[i].fd = -1;
	if (store_open(conf->database, STORE_RDONLY, &srv->st, &err) == -1) {
		log_warnx("lookup: %s", err);
		free(err);
		goto fail;
	}
	srv->database = xstrdup(conf->database);
	{
		/* the key now, if there is one: its warning at start */
		char hash[SHA256_HEX_LEN + 1];

		(void)forgotten_hash(&srv->forgotten, srv->database, "",
		    hash);
	}
	if (pipe2(srv->stop, O_CLOEXEC) == -1) {
		log_warn("lookup: pipe");
		goto fail;
	}
	if (open_listeners(srv, lc) == -1)
		goto fail;
	if ((rc = pthread_create(&srv->thread, NULL, lookup_thread, srv)) !=
	    0) {
		log_warnx("lookup: thread: %s", strerror(rc));
		goto fail;
	}
	for (i = 0; i < srv->nls; i++)
		log_info("lookup: %s on %s", proto_names[srv->ls[i].proto],
		    srv->ls[i].path);
	*ls_r = srv;
	return 0;
fail:
	server_free(srv);
	return -1;
}

void
lookup_stop(struct lookup_server **lsp)
{
	struct lookup_server *srv = *lsp;
	ssize_t n;

	if (srv == NULL)
		return;
	*lsp = NULL;
	do
		n = write(srv->stop[1], "x", 1);
	while (n == -1 && errno == EINTR);
	pthread_join(srv->thread, NULL);
	server_free(srv);
}

static bool
differ(const char *a, const char *b)
{
	return (a == NULL) != (b == NULL) || (a != NULL && strcmp(a, b) != 0);
}

bool
lookup_config_changed(const struct config *old, const struct config *new)
{
	const struct config_lookup *a = &old->lookup, *b = &new->lookup;

	if (a->socketmap == NULL && a->policy == NULL && b->socketmap == NULL &&
	    b->policy == NULL)
		return false;
	return differ(a->socketmap, b->socketmap) ||
	       differ(a->policy, b->policy) || differ(a->mode, b->mode) ||
	       differ(a->group, b->group) ||
	       a->idle_timeout != b->idle_timeout ||
	       differ(old->database, new->database);
}
