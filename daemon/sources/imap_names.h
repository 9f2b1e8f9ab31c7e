/*
 * Mailbox names, pure: no I/O, no allocation (unit-tested alone).
 *
 * The configuration names mailboxes one way on every server: "/" between
 * levels, relative to the personal namespace, in UTF-8 ("Processed",
 * "Bounces/Done"). Servers differ: Courier and Cyrus keep personal
 * mailboxes under "INBOX." with "." between levels, Dovecot's Maildir++
 * layout has no prefix but "." too, others "/". imap_name_server()
 * translates with what the server said after login: the personal
 * namespace's prefix and separator (NAMESPACE, RFC 2342 5), or the
 * separator alone (LIST "" "", RFC 3501 6.3.8), and encodes the result
 * in modified UTF-7 (RFC 3501 5.1.3).
 */
#ifndef BD_IMAP_NAMES_H
#define BD_IMAP_NAMES_H

#include <stddef.h>

/* Longest mailbox name we send, encoded (RFC 3501 sets no limit; Dovecot
 * refuses past 255 bytes per level and 4 KiB overall by default). */
#define IMAP_NAME_MAX 1024

/*
 * UTF-8 in to modified UTF-7 (RFC 3501 5.1.3) in out: printable ASCII
 * stands for itself but "&", written "&-"; every other run is UTF-16BE in
 * base64 with "," for "/", between "&" and "-". 0, or -1 and *why_r for
 * invalid UTF-8, a control character (never part of a name we send), or
 * out too short (outlen counts the NUL).
 */
int imap_mutf7_encode(const char *utf8, char *out, size_t outlen,
    const char **why_r);

/*
 * The configured name in server syntax, into out (outlen with the NUL):
 * - "INBOX" (any case, RFC 3501 5.1) is "INBOX";
 * - a name that starts with the prefix, or with "INBOX" and the
 *   separator, is in server syntax already and only encoded;
 * - else prefix + the name with each "/" replaced by sep, encoded.
 * prefix is the personal namespace's ("" when unknown or none); sep its
 * separator, or '\0' for a server without hierarchy (NIL), where a "/"
 * in a name is refused. Empty levels ("a//b", "/a", "a/") are refused.
 * 0, or -1 and *why_r.
 */
int imap_name_server(const char *name, const char *prefix, char sep,
    char *out, size_t outlen, const char **why_r);

#endif
