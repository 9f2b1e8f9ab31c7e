/* RFC 3834 automatic responses: vacation notices are not bounces. */
#ifndef BD_RFC3834_H
#define BD_RFC3834_H

#include <stdbool.h>

#include "report.h"

/*
 * True when the message's header says it is an automatic reply (RFC 3834
 * 5: Auto-Submitted: auto-replied, and the de-facto X-Autoreply,
 * X-Autorespond, Precedence: auto_reply, or an out-of-office subject).
 * Delivery reports (auto-generated, from a mailer daemon) are excluded.
 */
bool autoreply_detect(struct report *rep);

#endif
