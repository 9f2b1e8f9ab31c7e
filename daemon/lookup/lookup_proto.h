/*
 * The lookup responders' protocols (issue 15), pure: bytes in, one reply
 * out, the database behind a callback -- so that the unit tests and the
 * fuzz target drive them without a socket. lookup_server.c does the I/O.
 *
 * - Postfix socketmap (socketmap_table(5)): each request and reply is a
 *   netstring (http://cr.yp.to/proto/netstrings.txt) "LEN:DATA,"; a
 *   request is "name key", a reply "OK data", "NOTFOUND ", "TEMP reason"
 *   or "PERM reason". The map "suppressed" answers a suppressed address
 *   with an access(5) action (send_reject_action()).
 * - Postfix policy delegation (SMTPD_POLICY_README): "name=value" lines
 *   ended by an empty line; the reply "action=..." and an empty line.
 *   Only protocol_state=RCPT is decided, on recipient=.
 */
#ifndef BD_LOOKUP_PROTO_H
#define BD_LOOKUP_PROTO_H

#include <stddef.h>

#include "lifecycle/send.h"

/*
 * A socketmap request's netstring payload at most: "suppressed " and an
 * address of at most 320 bytes (RFC 5321 4.5.3.1); Postfix sends no
 * longer key to this map, and a longer one is refused.
 */
#define LOOKUP_SMAP_MAX 1024
/*
 * A policy request at most: Postfix 3.x sends about 30 attributes, a few
 * hundred bytes with long TLS certificate names (SMTPD_POLICY_README,
 * "Protocol description").
 */
#define LOOKUP_POLICY_MAX 16384
/* One reply at most, netstring or policy framing included. */
#define LOOKUP_REPLY_MAX 256

enum lookup_proto {
	LOOKUP_SOCKETMAP,
	LOOKUP_POLICY,
};

enum lookup_step {
	LOOKUP_MORE,  /* no whole request yet: read more (nothing used) */
	LOOKUP_REPLY, /* out holds the reply to the first request */
	LOOKUP_CLOSE, /* the stream is broken (bad framing, too long): out
		       * holds the protocol's error reply; send it, close */
};

/*
 * The database: for key (mailbox_key()'s form) 0 and *d, or -1 when the
 * lookup failed -- a temporary error the MTA is told about (TEMP,
 * DEFER_IF_PERMIT), never a verdict.
 */
typedef int (*lookup_fn)(void *arg, const char *key, struct send_decision *d);

/*
 * Reads the first request of in[0..len) in protocol p. LOOKUP_REPLY and
 * LOOKUP_CLOSE fill out (size >= LOOKUP_REPLY_MAX) with *outlen_r bytes
 * (not NUL-terminated) and set *used_r to the bytes of in the request
 * took (LOOKUP_CLOSE: len). Never reads past len; any bytes are
 * accepted, and nothing from them reaches the reply but the verdict.
 */
enum lookup_step lookup_step(enum lookup_proto p, const char *in, size_t len,
    size_t *used_r, lookup_fn fn, void *arg, char *out, size_t size,
    size_t *outlen_r);

/* The most bytes a client may have waiting before a whole request. */
size_t lookup_request_max(enum lookup_proto p);

#endif
