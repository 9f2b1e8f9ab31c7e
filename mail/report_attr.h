/*
 * Attribution (issue 15 item 4): what identifies the original message of
 * a bounce -- its From, envelope sender, Subject, List-Id, the DSN's
 * Original-Envelope-Id and the headers an operator names (a campaign id)
 * -- read from a header block: the original the bounce returned
 * (message/rfc822, text/rfc822-headers, or inline in free text; see
 * report.c) or, better, our own copy from the sent record. Pure; every
 * string is bounded, free of control characters and valid UTF-8.
 */
#ifndef BD_REPORT_ATTR_H
#define BD_REPORT_ATTR_H

#include <stdbool.h>
#include <stddef.h>

#include "common/arena.h"
#include "mail/report.h"

/* RFC 5322 2.1.1: a line is at most 998 characters; a longer value is
 * cut there (on a UTF-8 boundary) */
#define ATTR_TEXT_MAX 998
/* RFC 3461 4.4: an ENVID is at most 100 characters */
#define ATTR_ENVID_MAX 100
/* RFC 2919 2: a list-id is a domain-like name; 255 as a domain's */
#define ATTR_LIST_ID_MAX 255
/* raw bytes of one field looked at before decoding: an encoded word
 * takes about 3 bytes per byte of text (RFC 2047 4.2) */
#define ATTR_RAW_MAX (4 * ATTR_TEXT_MAX)
/* configured headers read (store.h STORE_ATTR_HEADERS, config 16) */
#define ATTR_MAX_HEADERS 16

struct report_attr {
	/* in the arena given, or NULL */
	const char *from;        /* the From addr-spec, lower case */
	const char *sender;      /* the Return-Path addr-spec, lower case */
	const char *envelope_id; /* RFC 3464 2.2.1 Original-Envelope-Id */
	const char *subject;     /* RFC 2047 decoded */
	const char *list_id;     /* RFC 2919 list-id, without <> */
	/* values[i] of names[i] asked for, NULL when absent */
	const char *values[ATTR_MAX_HEADERS];
	size_t nvalues;
};

/*
 * Reads out's fields from the header block h[0..hl) (all but
 * envelope_id), and the values of names[0..n) (n at most
 * ATTR_MAX_HEADERS; more are ignored). out is cleared first.
 */
void attr_from_header(struct arena *a, const char *h, size_t hl,
    const char *const *names, size_t n, struct report_attr *out);

/*
 * The same from a parsed report: its returned original's header block,
 * when it has one, and the Original-Envelope-Id of its delivery-status
 * part. Strings in the report's arena.
 */
void report_attr(struct report *rep, const char *const *names, size_t n,
    struct report_attr *out);

/*
 * s as stored text into the arena: at most max bytes cut on a UTF-8
 * boundary, control characters (NUL included) blanked, white space
 * squeezed, ill-formed UTF-8 replaced (str_utf8_clean()). NULL for NULL
 * or when nothing is left.
 */
const char *attr_text(struct arena *a, const char *s, size_t max);

#endif
