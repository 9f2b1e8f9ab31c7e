/* The webhook's HTTP client (http.h), libcurl's easy interface. */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"
#include "daemon/outbound/http.h"

/* the part of a reply kept for the logs; the rest is read and dropped,
 * up to READ_MAX, beyond which the request fails: a webhook answers
 * with a few bytes */
#define KEEP_MAX 200
#define READ_MAX (1024 * 1024)

struct http_client {
	CURL *curl;
	char keep[KEEP_MAX + 1];
	size_t kept, read;
	const volatile bool *abort;
};

int
http_global_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

struct http_client *
http_client_new(void)
{
	struct http_client *c = xcalloc(1, sizeof(*c));

	if ((c->curl = curl_easy_init()) == NULL) {
		free(c);
		return NULL;
	}
	return c;
}

void
http_client_free(struct http_client **cp)
{
	struct http_client *c = *cp;

	if (c == NULL)
		return;
	curl_easy_cleanup(c->curl);
	free(c);
	*cp = NULL;
}

static size_t
on_body(char *data, size_t size, size_t n, void *arg)
{
	struct http_client *c = arg;
	size_t len = size * n, take;

	if (c->read + len > READ_MAX)
		return 0; /* CURLE_WRITE_ERROR */
	c->read += len;
	take = len < KEEP_MAX - c->kept ? len : KEEP_MAX - c->kept;
	memcpy(c->keep + c->kept, data, take);
	c->kept += take;
	return len;
}

/* CURLOPT_XFERINFOFUNCTION: non-zero aborts (stopping) */
static int
on_progress(void *arg, curl_off_t dt, curl_off_t dn, curl_off_t ut,
    curl_off_t un)
{
	struct http_client *c = arg;

	(void)dt, (void)dn, (void)ut, (void)un;
	return c->abort != NULL && *c->abort;
}

/* The kept reply as one printable line, for the logs. */
static void
reply_text(const struct http_client *c, char *out, size_t size)
{
	size_t i, n = 0;

	for (i = 0; i < c->kept && n + 1 < size; i++) {
		unsigned char ch = (unsigned char)c->keep[i];

		out[n++] = ch >= 0x20 && ch < 0x7f ? (char)ch : ' ';
	}
	out[n] = '\0';
}

int
http_post(struct http_client *c, const struct http_request *req,
    struct http_result *r)
{
	CURL *h = c->curl;
	struct curl_slist *hdrs = NULL, *t;
	char errbuf[CURL_ERROR_SIZE] = "";
	CURLcode rc;
	size_t i;

	memset(r, 0, sizeof(*r));
	c->kept = c->read = 0;
	c->abort = req->abort;
	for (i = 0; req->headers != NULL && req->headers[i] != NULL; i++) {
		if ((t = curl_slist_append(hdrs, req->headers[i])) == NULL) {
			curl_slist_free_all(hdrs);
			snprintf(r->error, sizeof(r->error), "out of memory");
			return -1;
		}
		hdrs = t;
	}
	/* no "Expect: 100-continue" round trip for a small body */
	if ((t = curl_slist_append(hdrs, "Expect:")) != NULL)
		hdrs = t;
	curl_easy_reset(h); /* keeps the connection, drops the options */
	curl_easy_setopt(h, CURLOPT_URL, req->url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L); /* threads: curl_easy_setopt(3) */
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	if (req->ca_file != NULL)
		curl_easy_setopt(h, CURLOPT_CAINFO, req->ca_file);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)req->timeout);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, (long)req->timeout);
	curl_easy_setopt(h, CURLOPT_POST, 1L);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, req->body);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->len);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "bounced");
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, c);
	curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(h, CURLOPT_XFERINFODATA, c);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	rc = curl_easy_perform(h);
	curl_slist_free_all(hdrs);
	if (rc != CURLE_OK) {
		snprintf(r->error, sizeof(r->error), "%s",
		    errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc));
		/* the header list and buffer go; never leave them set */
		curl_easy_reset(h);
		return -1;
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
	reply_text(c, r->error, sizeof(r->error));
	curl_easy_reset(h);
	return 0;
}
