/*
 * A copy of a message we sent (the sent: source: Postfix always_bcc or
 * sender_bcc_maps into a Maildir or an IMAP folder): what the daemon
 * records of it, its Message-ID and the addresses it was for, so that a
 * bounce that names both is known to concern mail we sent. Pure: bytes
 * in, a structure out, no I/O.
 */
#ifndef BD_SENT_H
#define BD_SENT_H

#include <stddef.h>

#include "common/arena.h"

enum sent_flag {
	SENT_F_TOO_MANY_RCPTS = 1 << 0, /* more than MAIL_MAX_SENT_RCPTS
					 * distinct addresses: the rest are
					 * ignored */
	SENT_F_HEADER_CUT = 1 << 1,     /* header block over MAIL_MAX_HEADER:
					 * the rest is not read */
	SENT_F_LIST_SKIPPED = 1 << 2,   /* an address field over
					 * MAIL_MAX_ADDRESS_LIST, or that is
					 * no address list, was skipped */
};

struct sent_info {
	/* The msg-id of the first Message-ID field without <>, comments
	 * and white space (resent_message_id()), invalid UTF-8 bytes made
	 * '?' (str_utf8_clean(), as the bounce side's report_utf8()); NULL
	 * when there is none. Owned (arena). */
	const char *message_id;
	/* The addr-specs of every To, Cc, Bcc, Resent-To, Resent-Cc,
	 * Resent-Bcc and X-Original-To field that are mailboxes
	 * (mailbox_valid()), lower case (ASCII), without duplicates, in
	 * the order met; at most MAIL_MAX_SENT_RCPTS. Owned
	 * (arena), each and the array. */
	const char *const *rcpts;
	size_t nrcpts;
	unsigned flags;     /* enum sent_flag */
	struct arena arena; /* owns the above */
};

/*
 * Reads the header block of the copy buf[0..len) (LF, CRLF or CR line
 * ends; NUL bytes read as spaces) into *out, which sent_info_free() then
 * releases. Malformed fields are skipped, never an error. Returns 0, or
 * -1 when len is 0 (nothing to read; *out is empty and needs no free, but
 * may be freed).
 */
int sent_parse(const void *buf, size_t len, struct sent_info *out);
/* Frees what sent_parse() gave *info and empties it; NULL is fine. */
void sent_info_free(struct sent_info *info);

#endif
