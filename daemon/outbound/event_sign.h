/*
 * The webhook's signature (docs/INTEGRATION.md, "Events"): HMAC-SHA256
 * (RFC 2104) with the key of events.secret_file over the timestamp, a
 * '.', and the body -- as Stripe and GitHub sign theirs -- so that a
 * receiver can reject a body that was changed and, by the timestamp, one
 * that is replayed later.
 */
#ifndef BD_EVENT_SIGN_H
#define BD_EVENT_SIGN_H

#include <stddef.h>
#include <stdint.h>

#define EVENT_SIGN_HEX 64 /* SHA-256: 32 bytes, 64 hex digits */

/* Writes the lower-case hex digest and a NUL into hex[65]. 0, or -1 when
 * GnuTLS refuses (never with a valid key). */
int event_sign(const void *key, size_t keylen, int64_t timestamp,
    const char *body, size_t len, char hex[EVENT_SIGN_HEX + 1]);

#endif
