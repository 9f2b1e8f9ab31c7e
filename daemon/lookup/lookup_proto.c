/*
 * The socketmap and policy protocols (lookup_proto.h): framing, the
 * request's fields, the reply. Pure; the caller's callback reads the
 * database.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "common/mailbox.h"
#include "daemon/lookup/lookup_proto.h"

/* The map name of check_recipient_access socketmap:unix:PATH:suppressed */
#define SMAP_NAME "suppressed"

size_t
lookup_request_max(enum lookup_proto p)
{
	/* a netstring's length digits, ':' and ',' around the payload */
	return p == LOOKUP_SOCKETMAP ? LOOKUP_SMAP_MAX + 8 : LOOKUP_POLICY_MAX;
}

/* ---- socketmap ---- */

/* "LEN:TEXT," into out; the caller's texts are shorter than size. */
static size_t
netstring(char *out, size_t size, const char *text)
{
	int n = snprintf(out, size, "%zu:%s,", strlen(text), text);

	return n < 0 || (size_t)n >= size ? 0 : (size_t)n;
}

/* The reply to one request's payload "name key". */
static void
smap_answer(const char *req, size_t len, lookup_fn fn, void *arg, char *text,
    size_t size)
{
	const char *sp = memchr(req, ' ', len);
	char key[MAILBOX_KEY_MAX + 1], action[SEND_ACTION_MAX];
	struct send_decision d;

	/* the name is never echoed: a client's bytes stay out of replies */
	if (sp == NULL) {
		snprintf(text, size, "PERM malformed request: no key");
		return;
	}
	if ((size_t)(sp - req) != strlen(SMAP_NAME) ||
	    memcmp(req, SMAP_NAME, strlen(SMAP_NAME)) != 0) {
		snprintf(text, size,
		    "PERM unknown map name (bounced has "
		    "\"" SMAP_NAME "\")");
		return;
	}
	/* not an address (a domain, "user@" of a partial key): never one of
	 * ours (socketmap_table(5): Postfix sends no partial keys anyway) */
	if (mailbox_key(
		sp + 1, len - (size_t)(sp + 1 - req), key, sizeof(key)) < 0) {
		snprintf(text, size, "NOTFOUND ");
		return;
	}
	if (fn(arg, key, &d) < 0)
		snprintf(text, size, "TEMP bounced: database lookup failed");
	else if (d.verdict == SEND_SUPPRESSED)
		snprintf(text, size, "OK %s",
		    send_reject_action(&d, action, sizeof(action)));
	else
		snprintf(text, size, "NOTFOUND ");
}

static enum lookup_step
smap_step(const char *in, size_t len, size_t *used_r, lookup_fn fn, void *arg,
    char *out, size_t size, size_t *outlen_r)
{
	char text[LOOKUP_REPLY_MAX];
	size_t i, n = 0;

	for (i = 0; i < len && in[i] >= '0' && in[i] <= '9'; i++) {
		/* LOOKUP_SMAP_MAX has 4 digits: a fifth (leading zeros) is
		 * no length of ours, and is not waited for either */
		if (i == 4)
			goto bad;
		n = n * 10 + (size_t)(in[i] - '0');
		/* refused as soon as it is too long: a huge length is not
		 * waited for */
		if (n > LOOKUP_SMAP_MAX) {
			*outlen_r =
			    netstring(out, size, "PERM request too long");
			*used_r = len;
			return LOOKUP_CLOSE;
		}
	}
	if (i == len)
		return LOOKUP_MORE;
	if (i == 0 || in[i] != ':')
		goto bad;
	if (len - i - 1 < n + 1)
		return LOOKUP_MORE;
	if (in[i + 1 + n] != ',')
		goto bad;
	smap_answer(in + i + 1, n, fn, arg, text, sizeof(text));
	*outlen_r = netstring(out, size, text);
	*used_r = i + 2 + n;
	return LOOKUP_REPLY;
bad:
	/* the framing is lost: nothing after this can be read */
	*outlen_r = netstring(out, size, "PERM malformed netstring");
	*used_r = len;
	return LOOKUP_CLOSE;
}

/* ---- policy delegation ---- */

struct policy_req {
	const char *request, *state, *rcpt; /* borrowed: the input */
	size_t request_len, state_len, rcpt_len;
	bool malformed; /* a line without '=' */
};

static bool
is(const char *s, size_t n, const char *word)
{
	return n == strlen(word) && memcmp(s, word, n) == 0;
}

/* One "name=value" line (SMTPD_POLICY_README: unknown names are
 * ignored, so that Postfix can add attributes). */
static void
policy_attr(struct policy_req *r, const char *line, size_t n)
{
	const char *eq = memchr(line, '=', n);
	size_t nlen, vlen;

	if (eq == NULL) {
		r->malformed = true;
		return;
	}
	nlen = (size_t)(eq - line);
	vlen = n - nlen - 1;
	if (is(line, nlen, "request"))
		r->request = eq + 1, r->request_len = vlen;
	else if (is(line, nlen, "protocol_state"))
		r->state = eq + 1, r->state_len = vlen;
	else if (is(line, nlen, "recipient"))
		r->rcpt = eq + 1, r->rcpt_len = vlen;
}

/* The action for a whole request. */
static void
policy_answer(const struct policy_req *r, lookup_fn fn, void *arg, char *text,
    size_t size)
{
	char key[MAILBOX_KEY_MAX + 1], action[SEND_ACTION_MAX];
	struct send_decision d;

	if (r->malformed || r->request == NULL ||
	    !is(r->request, r->request_len, "smtpd_access_policy")) {
		snprintf(text, size,
		    "DEFER_IF_PERMIT bounced: malformed policy request");
		return;
	}
	/* decided at RCPT only: recipient= is empty or a count elsewhere
	 * (SMTPD_POLICY_README, "Protocol description") */
	if (r->state == NULL || !is(r->state, r->state_len, "RCPT") ||
	    r->rcpt == NULL ||
	    mailbox_key(r->rcpt, r->rcpt_len, key, sizeof(key)) < 0) {
		snprintf(text, size, "DUNNO");
		return;
	}
	if (fn(arg, key, &d) < 0)
		snprintf(text, size,
		    "DEFER_IF_PERMIT bounced: database lookup failed");
	else if (d.verdict == SEND_SUPPRESSED)
		snprintf(text, size, "%s",
		    send_reject_action(&d, action, sizeof(action)));
	else
		snprintf(text, size, "DUNNO");
}

static size_t
policy_reply(char *out, size_t size, const char *text)
{
	int n = snprintf(out, size, "action=%s\n\n", text);

	return n < 0 || (size_t)n >= size ? 0 : (size_t)n;
}

static enum lookup_step
policy_step(const char *in, size_t len, size_t *used_r, lookup_fn fn, void *arg,
    char *out, size_t size, size_t *outlen_r)
{
	struct policy_req r = {0};
	char text[LOOKUP_REPLY_MAX];
	size_t pos = 0, n;
	const char *nl;

	for (;;) {
		nl = memchr(in + pos, '\n', len - pos);
		if (nl == NULL)
			break;
		n = (size_t)(nl - (in + pos));
		/* a person typing at it sends CRLF */
		if (n > 0 && in[pos + n - 1] == '\r')
			n--;
		if (n == 0) {
			policy_answer(&r, fn, arg, text, sizeof(text));
			*outlen_r = policy_reply(out, size, text);
			*used_r = (size_t)(nl - in) + 1;
			return LOOKUP_REPLY;
		}
		policy_attr(&r, in + pos, n);
		pos = (size_t)(nl - in) + 1;
	}
	if (len < LOOKUP_POLICY_MAX)
		return LOOKUP_MORE;
	*outlen_r = policy_reply(
	    out, size, "DEFER_IF_PERMIT bounced: policy request too long");
	*used_r = len;
	return LOOKUP_CLOSE;
}

enum lookup_step
lookup_step(enum lookup_proto p, const char *in, size_t len, size_t *used_r,
    lookup_fn fn, void *arg, char *out, size_t size, size_t *outlen_r)
{
	*used_r = 0;
	*outlen_r = 0;
	if (p == LOOKUP_SOCKETMAP)
		return smap_step(in, len, used_r, fn, arg, out, size, outlen_r);
	return policy_step(in, len, used_r, fn, arg, out, size, outlen_r);
}
