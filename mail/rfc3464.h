/*
 * RFC 3464 message/delivery-status: a per-message field group, then one
 * group per recipient (2.1), fields folded like RFC 5322 headers (2.1.1).
 */
#ifndef BD_RFC3464_H
#define BD_RFC3464_H

#include <stddef.h>

#include "report.h"

/*
 * Reads the delivery-status text s[0..len) (already transfer-decoded) and
 * appends one report_rcpt per recipient group to rep. Lenient: groups that
 * are not separated by blank lines, fields without a type ("rfc822;"), and
 * truncated groups are accepted. Returns the number of recipients added.
 */
size_t dsn_parse(struct report *rep, const char *s, size_t len);

/*
 * The addr-spec that an address field's value v names, lower case, in the
 * arena; NULL when there is none (a local part alone, "<>", an X.400 name,
 * a program, a value over 1024 bytes). type is the field's address type,
 * lower case, or NULL ("utf-8" values may hold RFC 6533 escapes). Odd but
 * usable forms are normalised, not dropped: display names, angle brackets,
 * comments, a source route, a quoted local part (unquoted when it needs no
 * quotes), the root's trailing dot, UTF-8. What is returned passes
 * mailbox_valid(): an address with a NUL, a control character or junk in
 * its address literal is none, not a shorter one.
 */
const char *dsn_address(struct arena *a, const char *type, const char *v);
/*
 * dsn_address() for an address field of rep's message. In a message that
 * held NUL bytes (MAIL_F_HAS_NULS) each became a space, so "us\0er@x"
 * reads "us er@x": there only the strict reading counts, since the
 * lenient one would find the tail, "er@x", someone else's address; and
 * an address with a space in it (quoted) is none either.
 */
const char *dsn_field_address(
    struct report *rep, const char *type, const char *v);

#endif
