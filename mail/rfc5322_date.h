/* RFC 5322 3.3 date-time into the epoch (rfc5322_date.c). */
#ifndef BD_RFC5322_DATE_H
#define BD_RFC5322_DATE_H

#include <stdint.h>

/* Seconds since 1970-01-01 UTC of an RFC 5322 date-time (obsolete forms
 * of 4.3 included), or 0 when s is none. */
int64_t mail_parse_date(const char *s);

#endif
