/* Mailbox addresses: what may be recorded as a recipient. */
#ifndef BD_MAILBOX_H
#define BD_MAILBOX_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Whether s[0..len) is a mailbox address we record (RFC 5321 4.1.2
 * Mailbox, with RFC 6531's UTF-8): local-part "@" domain, where
 *  - the local part is a dot-string of atext (RFC 5322 3.2.3) or a quoted
 *    string (qtextSMTP, quoted-pairSMTP), at most 64 octets (4.5.3.1.1);
 *    dots may lead, trail or repeat (docs/DEVIATIONS.md: such addresses
 *    are in use); "" is no local part;
 *  - the domain is a host name of labels of letters, digits and hyphens
 *    (not first or last), 1 to 63 octets each, at most 255 octets
 *    (4.5.3.1.2), no trailing root dot -- or an address literal (4.1.3):
 *    "[" IPv4 "]" or "[IPv6:" IPv6 "]", nothing else;
 *  - non-ASCII is well-formed UTF-8 without C1 controls (RFC 6532 3.1);
 *  - the whole is at most 254 octets (4.5.3.1.3: a path of 256 with its
 *    angle brackets).
 * So no NUL, control character, unquoted space, '<' or '>' anywhere, and
 * nothing in an address literal but the address. A name without a dot
 * passes (RFC 5321 allows it); callers that want a dot check it.
 */
bool mailbox_valid(const char *s, size_t len);

#endif
