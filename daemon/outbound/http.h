/*
 * A small HTTP(S) client for the webhook (events.webhook), over libcurl
 * (Debian's GnuTLS build): one POST at a time on a connection kept
 * between requests. Certificates are verified (the system's CAs, or
 * ca_file alone), redirects are not followed (a 3xx is a failure: the
 * operator named the URL), only http and https are allowed, and the
 * response body is read into a small buffer and the rest dropped.
 */
#ifndef BD_HTTP_H
#define BD_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#define HTTP_ERROR_MAX 256 /* a reply's start or curl's error, for logs */

struct http_client;

struct http_request {
	const char *url;
	const char *ca_file;	/* NULL: the system's trusted CAs */
	unsigned timeout;	/* s, the whole request */
	const char *const *headers; /* "Name: value", NULL-terminated */
	const char *body;
	size_t len;
	/* read between transfers: true aborts the request (stopping) */
	const volatile bool *abort;
};

struct http_result {
	long status;		     /* HTTP status, 0 when none came */
	char error[HTTP_ERROR_MAX];  /* why it failed, or the reply's start */
};

/* Once, on the main thread, before any thread uses libcurl
 * (curl_global_init(3)). 0 or -1. */
int http_global_init(void);
struct http_client *http_client_new(void);
void http_client_free(struct http_client **cp);
/* One POST: 0 when a status came back (any status: *r says which), -1
 * when none did (r->error says why). */
int http_post(struct http_client *c, const struct http_request *req,
    struct http_result *r);

#endif
