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

/* The longest key mailbox_key() writes: RFC 5321 4.5.3.1.1 + .2, 64 @
 * 255 (RCPT_ADDR_MAX, STORE_ADDR_MAX) */
#define MAILBOX_KEY_MAX 320

/*
 * The key an address is stored under (docs/schema.md: lower case), for
 * looking it up at send time (bouncectl check, the lookup responders):
 * s[0..len) lower-cased (ASCII only, as str_lower() stores it) into key,
 * of at least MAILBOX_KEY_MAX + 1 bytes. Looser than mailbox_valid() --
 * the rule of bouncectl suppress's ADDR: a local part and a domain
 * around the last '@', at most MAILBOX_KEY_MAX bytes, no NUL, space,
 * control character or DEL -- so that what a person suppressed is found.
 * Returns 0, or -1 when s cannot be a stored address (key is then "").
 */
int mailbox_key(const char *s, size_t len, char *key, size_t size);

#endif
