/* RFC 5965 Abuse Reporting Format: a complaint, not a bounce. */
#ifndef BD_RFC5965_H
#define BD_RFC5965_H

#include <stddef.h>

#include "report.h"

/*
 * Reads a message/feedback-report part s[0..len) (RFC 5965 3.1-3.2) and
 * adds the complaining recipients: Original-Rcpt-To fields, else the To
 * of the returned message. Returns how many were added.
 */
size_t arf_parse(struct report *rep, const char *s, size_t len);

#endif
