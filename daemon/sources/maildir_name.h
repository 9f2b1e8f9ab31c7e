/*
 * Maildir file names, pure: no I/O, no allocation (fuzzable alone).
 *
 * maildir(5) (https://cr.yp.to/proto/maildir.html): a file in cur/ is
 * named "unique:info"; an info starting with "2," holds the flags, one
 * ASCII letter each, "in ASCII order" (D draft, F flagged, P passed,
 * R replied, S seen, T trashed; Dovecot adds keywords a-z). An info
 * starting with "1," has "experimental semantics". The info is read after
 * the LAST colon, as Dovecot does (maildir-filename-flags.c), and the
 * flags end at a comma: what follows is another flag set, kept.
 */
#ifndef BD_MAILDIR_NAME_H
#define BD_MAILDIR_NAME_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The length of name without its version-2 info (":2,..."): the position
 * of the last colon when a "2," follows it, else strlen(name) -- a name
 * without info, or with an info of another version (":1,..."), is kept
 * whole, so that nothing of it is lost when S is added.
 */
size_t maildir_name_base_len(const char *name);

/*
 * The flags of name's version-2 info and their count in *len_r (up to
 * the next comma or the end), or NULL (and 0) when it has none.
 * Borrowed: points into name.
 */
const char *maildir_name_flags(const char *name, size_t *len_r);

/* name's version-2 info has flag (false when it has no such info) */
bool maildir_name_has_flag(const char *name, char flag);

/* cur/ holds it unread: neither S (seen) nor T (trashed) */
bool maildir_name_unseen(const char *name);

/*
 * The name of name with flag set, into out (size bytes, NUL-terminated):
 * its base (maildir_name_base_len()), ":2,", its flags with flag added
 * when missing, each once and in ASCII order, then whatever followed the
 * flags (",..."). Returns the length written, or -1 when it would not fit
 * in size (out is then the empty string) or flag is not a letter.
 */
int maildir_name_add_flag(const char *name, char flag, char *out, size_t size);

#endif
