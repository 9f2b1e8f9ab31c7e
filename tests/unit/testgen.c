#include "testgen.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *
xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n);

	if (q == NULL) {
		fputs("testgen: out of memory\n", stderr);
		abort();
	}
	return q;
}

void
tbuf_init(struct tbuf *b)
{
	b->cap = 256;
	b->len = 0;
	b->p = xrealloc(NULL, b->cap);
	b->p[0] = '\0';
}

void
tbuf_free(struct tbuf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

static void
reserve(struct tbuf *b, size_t n)
{
	if (b->len + n + 1 <= b->cap)
		return;
	while (b->len + n + 1 > b->cap)
		b->cap *= 2;
	b->p = xrealloc(b->p, b->cap);
}

void
tbuf_addn(struct tbuf *b, const char *s, size_t n)
{
	reserve(b, n);
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
tbuf_add(struct tbuf *b, const char *s)
{
	tbuf_addn(b, s, strlen(s));
}

void
tbuf_addf(struct tbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	reserve(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void
tbuf_fill(struct tbuf *b, int c, size_t n)
{
	reserve(b, n);
	memset(b->p + b->len, c, n);
	b->len += n;
	b->p[b->len] = '\0';
}

unsigned char *
exact_copy(const void *s, size_t len)
{
	unsigned char *p = xrealloc(NULL, len > 0 ? len : 1);

	if (len > 0)
		memcpy(p, s, len);
	return p;
}

char *
lf_to(const char *s, size_t len, const char *eol, size_t *len_r)
{
	size_t i, o = 0, el = strlen(eol);
	char *out = xrealloc(NULL, len * el + 1);

	for (i = 0; i < len; i++) {
		if (s[i] == '\n') {
			memcpy(out + o, eol, el);
			o += el;
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	*len_r = o;
	return out;
}

void
gen_dsn(struct tbuf *b, const char *rcpt, const char *status, const char *diag,
    const char *msgid)
{
	tbuf_add(b,
	    "Return-Path: <>\n"
	    "From: Mail Delivery System <MAILER-DAEMON@mx.example.net>\n"
	    "To: <sender@example.com>\n"
	    "Subject: Undelivered Mail Returned to Sender\n"
	    "Date: Mon, 3 Jun 2024 10:00:00 +0000\n"
	    "Message-ID: <bounce.1@mx.example.net>\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: multipart/report; report-type=delivery-status;\n"
	    "\tboundary=\"BOUNDARY.dsn.1\"\n"
	    "\n"
	    "This is a MIME-encapsulated message.\n"
	    "\n"
	    "--BOUNDARY.dsn.1\n"
	    "Content-Type: text/plain; charset=us-ascii\n"
	    "\n"
	    "This is the mail system at host mx.example.net.\n"
	    "\n"
	    "Your message could not be delivered to one or more\n"
	    "recipients. The details are attached below.\n"
	    "\n"
	    "--BOUNDARY.dsn.1\n"
	    "Content-Type: message/delivery-status\n"
	    "\n"
	    "Reporting-MTA: dns; mx.example.net\n"
	    "Arrival-Date: Mon, 3 Jun 2024 09:59:58 +0000\n"
	    "\n");
	tbuf_addf(b, "Final-Recipient: rfc822; %s\n", rcpt);
	tbuf_add(b, "Action: failed\n");
	if (status != NULL)
		tbuf_addf(b, "Status: %s\n", status);
	tbuf_add(b, "Remote-MTA: dns; mx.example.org\n");
	if (diag != NULL)
		tbuf_addf(b, "Diagnostic-Code: smtp; %s\n", diag);
	tbuf_add(b, "\n"
		    "--BOUNDARY.dsn.1\n"
		    "Content-Type: message/rfc822\n"
		    "\n"
		    "From: Sender <sender@example.com>\n");
	tbuf_addf(b, "To: <%s>\n", rcpt);
	tbuf_add(b, "Subject: hello\n");
	tbuf_addf(b, "Message-ID: %s\n", msgid);
	tbuf_add(b, "Date: Mon, 3 Jun 2024 09:59:50 +0000\n"
		    "\n"
		    "Hello there.\n"
		    "\n"
		    "--BOUNDARY.dsn.1--\n");
}
