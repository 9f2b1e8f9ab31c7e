/*
 * Finds our signed return path (common/verp.h, docs/VERP.md) in a parsed
 * bounce: the address the bounce was delivered to, as its own envelope
 * headers record it, or an ARF report's Original-Mail-From. Pure: the
 * key and the clock are passed in.
 */
#ifndef BD_REPORT_VERP_H
#define BD_REPORT_VERP_H

#include <stdint.h>

#include "common/verp.h"
#include "mail/report.h"

/* Fields read, each at most this many times: a bound on HMACs per bounce */
#define REPORT_VERP_MAX_TRIES 16

struct report_verp {
	enum verp_result result;
	char rcpt[VERP_ADDR_MAX + 1]; /* VALID, EXPIRED: the recipient the
				       * tag names, lower case; else "" */
	unsigned age;		      /* VALID, EXPIRED: days */
	/* VALID, EXPIRED: the return path itself, as found (the original's
	 * envelope sender: issue 15 item 4); else "" */
	char path[VERP_PATH_MAX + 1];
	const char *field; /* static: where it was found ("Delivered-To",
			    * "X-Original-To", "To", "Original-Mail-From");
			    * NULL for VERP_NONE */
};

/*
 * Looks, in this order, at the bounce's Delivered-To fields (RFC 9228;
 * the first is the last delivery, to our mailbox), X-Original-To
 * (Postfix's envelope recipient before aliasing), To, and for an ARF
 * report (RFC 5965 3.2) its Original-Mail-From, and fills *out with the
 * best result seen: the first VALID, else the first EXPIRED, else the
 * first FORGED, else NONE.
 */
void report_verp(const struct report *rep, const struct verp *v, int64_t now,
    struct report_verp *out);

#endif
