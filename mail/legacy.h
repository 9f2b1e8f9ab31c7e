/*
 * Bounces that are not RFC 3464 reports: free text from qmail, Exim, old
 * Sendmail, Exchange, webmail providers. Each MTA family is one file
 * (legacy_<family>.c) holding one struct legacy_family: how to recognise its
 * bounces, where its recipient section starts and ends, and how a recipient
 * is laid out. The scanner in legacy.c does the rest; a family needs code of
 * its own only when its layout is truly odd (->parse).
 */
#ifndef BD_LEGACY_H
#define BD_LEGACY_H

#include <stddef.h>

#include "report.h"

/* Case-insensitive substrings; every list ends with NULL. */
struct legacy_family {
	const char *name;
	const char *const *from;    /* in the From: of the bounce */
	const char *const *subject; /* in the Subject: of the bounce */
	const char *const *headers; /* a header field with this name exists */
	const char *const *body;    /* in the first text part */
	/*
	 * The recipient section starts after the first line holding one of
	 * start[] (the whole text when NULL) and ends before the first line
	 * holding one of end[] (usually where the returned message begins).
	 */
	const char *const *start;
	const char *const *end;
	/*
	 * Optional: replaces the generic scanner for the section text. Adds
	 * recipients to rep and returns how many.
	 */
	size_t (*parse)(struct report *rep, const char *text, size_t len);
};

/*
 * The generic scanner: a line whose first word is an address starts a
 * recipient ("<a@b>:", "a@b", "a@b... User unknown"); the rest of that
 * line and the lines that follow, up to a blank line or the next such
 * line, are its diagnostic. Returns how many recipients it added.
 */
size_t legacy_scan_section(struct report *rep, const char *text, size_t len);

/*
 * Recognises a free-text bounce in msg and fills rep (kind REPORT_LEGACY,
 * family, recipients). Returns the number of recipients found.
 */
size_t legacy_parse(struct report *rep, struct mail_message *msg,
    const char *text, size_t len);

/*
 * Diagnostics for recipients of an RFC 3464 report that carry none: the
 * human-readable part often says more (Postfix, Sendmail).
 */
void legacy_fill_diagnostics(struct report *rep, const char *text, size_t len);

/* The families, in the order they are tried; NULL-terminated. */
extern const struct legacy_family *const legacy_families[];

#endif
