/* Every cap the parser applies, with its source. A hit cap sets a flag. */
#ifndef BD_MAIL_LIMITS_H
#define BD_MAIL_LIMITS_H

/* RFC 2046 5.1.1 allows any depth; Dovecot stops at 100, mblaze at 64. */
#define MAIL_MAX_DEPTH 32
/* Flattened MIME parts kept per message; the rest is ignored. */
#define MAIL_MAX_PARTS 1000
/* Recipients per report (RFC 3464 sets no limit; one per RCPT). */
#define MAIL_MAX_RCPTS 1000
/*
 * The largest message taken at all (64 MiB): a bounce returning a large
 * attachment whole is under it; past it the daemon quarantines the
 * message unread (daemon/sources/source.h) and bouncectl parse refuses it.
 */
#define MAIL_MAX_MESSAGE (64u << 20)
/*
 * Distinct addresses recorded per sent copy (mail/sent.c). RFC 5321
 * 4.5.3.1.8 asks servers to take at least 100 recipients per message;
 * Postfix's default smtpd_recipient_limit is 1000.
 */
#define MAIL_MAX_SENT_RCPTS 1000
/*
 * Decoded text inspected per part. Bounce reports put the reason in the
 * first lines; a returned original can be 50 MB and is never decoded.
 */
#define MAIL_MAX_TEXT (512 * 1024)
/*
 * A delivery-status part is read whole (RFC 3464 sets no limit), up to
 * the largest message a source hands over, so that the recipients past
 * MAIL_MAX_RCPTS are counted: 100,000 of them take about 6 MB.
 */
#define MAIL_MAX_DSN_TEXT (64 * 1024 * 1024)
/* Header block examined at the top of a message (RFC 5322 sets none). */
#define MAIL_MAX_HEADER (1024 * 1024)
/* One diagnostic kept per recipient, after unfolding. */
#define MAIL_MAX_DIAG 2048
/*
 * Nesting the MIME walk is given (mail/mime_walk.c; libetpan's recursive
 * parser before it): deeper bodies are cut at the MAIL_MAX_DEPTH-th
 * multipart. The walk searches each level's delimiters once, so depth
 * times size bounds its work.
 */
#define MAIL_MAX_MULTIPART_HEADERS 64
/*
 * What the structure may hold, counted in one pass before anything parses
 * the text (mail/structure.c): lines that may delimit a part ("--",
 * RFC 2046 5.1.1), lines that may start a header field (RFC 5322 2.2),
 * and list items (',' ';') in those fields. They were set when libetpan
 * built the tree (130-190 bytes each, about 25 MiB in all). The in-place
 * walk (mail/mime_walk.c) allocates nothing per field or item: today the
 * delimiter cap bounds its part lists, and the other two bound no
 * allocation of the walk; they stay because their MAIL_F_* flags are
 * part of the output (issue 16: the same output before and after). A report with MAIL_MAX_PARTS parts of ten fields
 * each and MAIL_MAX_RCPTS recipients of eight DSN fields each stays well
 * under them; a text part full of dashed rules could reach the first,
 * and then only what follows is cut.
 */
#define MAIL_MAX_DELIMITERS (4 * MAIL_MAX_PARTS)
#define MAIL_MAX_FIELDS 50000
#define MAIL_MAX_FIELD_ITEMS 100000
/*
 * Comments nest (RFC 5322 3.2.2); libetpan, which still parses address
 * lists and encoded words, does so recursively: a million levels
 * overflowed an 8 MiB stack. Nothing real nests more than a few.
 */
#define MAIL_MAX_COMMENT_DEPTH 32

#endif
