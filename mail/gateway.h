/*
 * Bounces written by a content-filtering gateway (McAfee, SurfControl,
 * MailFoundry, m-FILTER) rather than by the mailbox's own server. Such a
 * gateway answers "user unknown" for addresses its recipient policy will
 * not pass, so its word on a user is a filter decision unless an
 * addressing code (X.1.1) or a refused RCPT says otherwise.
 */
#ifndef BD_GATEWAY_H
#define BD_GATEWAY_H

#include "report.h"

/* The product's name when rep's header carries its signature, or NULL. */
const char *gateway_detect(struct report *rep);

#endif
