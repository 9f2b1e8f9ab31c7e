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

#include <stdbool.h>
#include <stddef.h>

#include "report.h"

/*
 * True when l[0..ll) holds only spaces and tabs; bounded, as the text need
 * not be NUL-terminated where a section ends.
 */
static inline bool
legacy_blank(const char *l, size_t ll)
{
	size_t i;

	for (i = 0; i < ll && (l[i] == ' ' || l[i] == '\t'); i++)
		;
	return i == ll;
}

/*
 * A family's own reason for a diagnostic holding text (case-insensitive),
 * from the MTA's documentation or sisimai's Lhost tables; set as the
 * recipient's hint (report.h), which the classifier trusts first. Only
 * for texts that say one thing whoever reads them.
 */
struct legacy_hint {
	const char *text;
	const char *reason; /* a name in classify/reason.h's vocabulary */
};

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
	 * Phrases that name a recipient later on the same line ("Unknown
	 * user: a@b"); NULL for the common list in legacy.c.
	 */
	const char *const *intro;
	/*
	 * Optional: replaces the generic scanner for the section text. Adds
	 * recipients to rep and returns how many.
	 */
	size_t (*parse)(struct report *rep, const char *text, size_t len);
	/*
	 * Optional: a signature the lists above cannot say (a header
	 * field's value, one of several Received fields). Tried after them.
	 */
	bool (*match)(struct report *rep, const struct mail_message *msg,
	    const char *text, size_t len);
	/* Optional: hints, ended by { NULL, NULL }. */
	const struct legacy_hint *hints;
};

/*
 * Whether a header field called name (any of its occurrences, folded
 * lines included) holds needle, case-insensitive.
 */
bool legacy_header_has(const struct mail_message *msg, const char *name,
    const char *needle);

/*
 * The generic scanner: a line whose first word (after a list marker such
 * as "*") is an address starts a recipient ("<a@b>:", "a@b", "a@b... User
 * unknown"), and so does a line where a known phrase introduces one
 * ("Recipient address: a@b"); the rest of that line and the lines that
 * follow, up to a blank line or the next such line, are its diagnostic.
 * Returns how many recipients it added.
 */
size_t legacy_scan_section(struct report *rep, const char *text, size_t len);

/*
 * The scanner from the first line announcing a list of failed addresses
 * ("The following recipients returned permanent errors:"), 0 when none.
 */
size_t legacy_scan_announced(struct report *rep, const char *text,
    size_t len);

/* The same with a family's own intro phrases (NULL: the common ones). */
size_t legacy_scan_intro(struct report *rep, const char *text, size_t len,
    const char *const *intro);

/* The recipient addr among rep->rcpt[from..], or NULL. */
struct report_rcpt *legacy_find_rcpt(struct report *rep, size_t from,
    const char *addr);

/*
 * Appends s[0..len), trimmed, to *diag (in the arena, one space between
 * pieces, at most MAIL_MAX_DIAG bytes).
 */
void legacy_append(struct arena *a, const char **diag, const char *s,
    size_t len);
/*
 * A block of prose as a diagnostic: at most MAIL_MAX_DIAG bytes of s, white
 * space squeezed, in the arena; NULL when it holds nothing but white space.
 */
const char *legacy_prose(struct arena *a, const char *s, size_t len);

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

/*
 * The message a free-text bounce returns inline: the text after the first
 * "copy of the message follows" marker line, or NULL. *len_r is the rest
 * of text from there. scan: what one pass found in a text that starts
 * at text (legacy_marks.h), or NULL.
 */
struct marks_scan;
const char *legacy_inline_original(struct marks_scan *scan, const char *text,
    size_t len, size_t *len_r);

/*
 * Recipients from the X-Failed-Recipients header (Exim, Gmail, Google
 * Groups), each with the whole text as its diagnostic.
 */
size_t legacy_failedrcpt_parse(struct report *rep, const char *text,
    size_t len);

/*
 * Exim's "text generated during the delivery attempt" (a pipe's or a
 * file's output) appended to the diagnostics of recipients n0.. it names.
 * t: what one pass found in text (legacy_marks.h), or NULL.
 */
struct legacy_text;
void legacy_exim_output(struct report *rep, size_t n0,
    struct legacy_text *t, const char *text, size_t len);

/* The families, in the order they are tried; NULL-terminated. */
extern const struct legacy_family *const legacy_families[];

#endif
