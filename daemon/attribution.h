/*
 * Attribution (issue 15 item 4): what identifies the original message of
 * a bounce, written on its messages row. On the main thread, inside the
 * batch's transaction: it reads the sent record, and the configuration of
 * the moment (attribution.headers may change on SIGHUP); the work is a
 * few header lookups.
 */
#ifndef BD_ATTRIBUTION_H
#define BD_ATTRIBUTION_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "daemon/pipeline.h"
#include "mail/report_attr.h"
#include "storage/store_mgmt.h"

/* Of a sent copy, the bytes read for its header block */
#define ATTR_SENT_HEAD (64 * 1024)

/*
 * The decision, pure: *out from what the bounce returned (ret), our own
 * copy of the original from the sent record (sent, or NULL when there is
 * none) and the signed return path the bounce came back to (verp_path,
 * verified, or NULL). names[0..n) are the headers read, campaign the
 * index of the campaign's among them (n: none). Strings are borrowed.
 *  - With a copy, From, Subject, List-Id and the headers are the copy's
 *    and only the copy's: it is what we sent, where the returned original
 *    is whatever the bounce's author put there (docs/SECURITY.md).
 *  - The envelope sender: the copy's Return-Path (the MTA's delivery of
 *    our copy records our envelope sender), else our verified return path
 *    (the bounce was delivered to it: RFC 3464 2, RFC 5321 4.5.5), else
 *    the returned original's Return-Path.
 *  - Original-Envelope-Id is the DSN's, whatever the copy says.
 */
void attribution_choose(const struct report_attr *ret,
    const struct report_attr *sent, const char *verp_path,
    const char *const *names, size_t n, size_t campaign,
    struct store_attribution *out);

/*
 * Reads the attribution of pm (a bounce, parsed) into *out, for its
 * messages row (struct store_message's attr): 1, 0 when there is none
 * (not a bounce), or -1 (store_error()). Strings are borrowed from pm's
 * report and from *copy_r, our own copy's head (malloc'd, or NULL), which
 * the caller frees once the row is written.
 */
int attribution_read(struct store *st, const struct config *conf,
    const struct prepared *pm, struct store_attribution *out,
    unsigned char **copy_r);

#endif
