/*
 * What a resend puts on the wire: the original message as it was returned
 * in the bounce (message/rfc822), byte for byte, with a resent block
 * prepended (RFC 5322 3.6.6: Resent-Date, Resent-From, Resent-Message-ID;
 * "each new resent block is prepended to the message"). Pure: the clock
 * and the Message-ID's unique part are passed in.
 */
#ifndef BD_RESENT_H
#define BD_RESENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "report.h"

/*
 * Whether rep's returned original can be resent as it is: a whole
 * message/rfc822 part with a header block, a body separator and no sign
 * of truncation (text/rfc822-headers, "headers only", "truncated", "first
 * N lines", a Content-Length larger than the body...). Returns true and
 * points *msg and *len at the original's bytes inside rep (borrowed: valid
 * while rep lives), or false and a static reason in *why.
 */
bool resent_original(const struct report *rep, const char **msg,
    size_t *len, const char **why);

/*
 * The Message-ID of the message msg (its Message-ID field's msg-id
 * without <>), written to buf (buflen bytes); returns buf, or NULL when
 * there is none or it does not fit. For resend.spool lookups.
 */
const char *resent_message_id(const char *msg, size_t len, char *buf,
    size_t buflen);

/*
 * A new malloc'd message: the resent block, then msg unchanged. from is
 * the Resent-From address, now the Resent-Date (RFC 5322 3.3, UTC,
 * "+0000"), msgid the Resent-Message-ID without <> (the caller makes it
 * unique: "resend.<id>.<attempt>.<now>@<from's domain>"). *out_len is
 * set. NULL only when out of memory is impossible (xmalloc aborts).
 */
char *resent_compose(const char *msg, size_t len, const char *from,
    int64_t now, const char *msgid, size_t *out_len);

/*
 * A "try again in N minutes" hint in a diagnostic (RFC 5321 4.5.4.1 says
 * nothing of the form; providers write "try again in 5 minutes", "retry
 * after 300 seconds", "please try again later (in 1 hour)", "Try again
 * in 2h"): seconds, or 0 when there is none. Caps at 24 h.
 */
unsigned resent_retry_hint(const char *diagnostic);

#endif
