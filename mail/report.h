/*
 * What a bounce says, per recipient, before any judgement: the result of
 * reading an RFC 3464 report, an ARF report, an auto-reply or an MTA's free
 * text. classify/ turns each report_rcpt into a verdict.
 */
#ifndef BD_REPORT_H
#define BD_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/arena.h"
#include "header_index.h"
#include "legacy_marks.h"
#include "message.h"

enum report_kind {
	REPORT_NONE,	  /* not a bounce: no recipient */
	REPORT_DSN,	  /* RFC 3464 message/delivery-status */
	REPORT_LEGACY,	  /* an MTA's free-text bounce */
	REPORT_FEEDBACK,  /* RFC 5965 ARF complaint */
	REPORT_AUTOREPLY, /* RFC 3834 auto-reply (vacation) */
};

/*
 * The SMTP command a failure answered (RFC 5321 3.3): who was refused
 * and for what. An unknown user refused at RCPT is the directory's answer;
 * the same words after DATA, when RCPT was accepted, are a filter's.
 */
enum smtp_stage {
	STAGE_UNKNOWN = 0,
	STAGE_CONN,	/* the greeting or the connection (RFC 5321 3.1) */
	STAGE_HELO,	/* HELO or EHLO */
	STAGE_STARTTLS,
	STAGE_MAIL,	/* MAIL FROM: the sender */
	STAGE_RCPT,	/* RCPT TO: the recipient */
	STAGE_DATA,	/* the DATA command itself */
	STAGE_EOD,	/* after the message was sent (end of data) */
	STAGE_COUNT
};

/* How the stage is known, from the best evidence down. */
enum stage_source {
	STAGE_BY_NONE = 0,
	STAGE_BY_TRANSCRIPT, /* a session transcript (">>> RCPT", "<<< 550") */
	STAGE_BY_PROSE,	     /* the MTA's words ("in reply to RCPT TO") */
	STAGE_BY_STATUS,     /* implied by the RFC 3463 subject (X.1.y) */
};

/* Every string is in the report's arena, NUL-terminated, or NULL. */
struct report_rcpt {
	const char *recipient;		/* addr-spec, lower case */
	const char *original_recipient; /* RFC 3464 2.3.1 */
	/* Sendmail's, Exim's, Postfix's alias expansion: the address that
	 * the recipient was delivered to */
	const char *actual_recipient;
	/* which field named recipient: "Final-Recipient", "Original-Recipient",
	 * "X-Actual-Recipient", "Received", "To" (static); NULL otherwise */
	const char *recipient_from;
	const char *action;		/* RFC 3464 2.3.3, lower case */
	char status[16];		/* RFC 3463 "c.s.d" or "" */
	int reply_code;			/* RFC 5321 reply code or 0 */
	const char *diagnostic;		/* unfolded, white space squeezed */
	const char *diagnostic_type;	/* "smtp", "x-postfix", … */
	const char *status_comment;	/* RFC 3464 2.3.4 "(…)" after Status */
	const char *remote_mta;
	enum smtp_stage stage; /* the command that failed */
	enum stage_source stage_by;
	const char *hint;    /* a family's own reason name, trusted first */
	const char *feedback_type; /* RFC 5965 3.1 Feedback-Type */
	/* RFC 3464 2.3.6 Last-Attempt-Date, seconds UTC; 0: none */
	int64_t last_attempt;
};

struct report_original {
	const char *message_id, *from, *to, *subject;
	/* RFC 5322 3.6.6: the newest (first) Resent-Message-ID, raw: set
	 * when the returned message was a resend (bounced's own) */
	const char *resent_message_id;
	const struct mail_part *part; /* borrowed: the returned message */
	const char *hdr; /* borrowed: its header block, hdr_len bytes */
	size_t hdr_len;
	struct mail_header_index index; /* of hdr */
	/* its Received fields: a message that went round a loop carries as
	 * many as the MTA's hop limit (RFC 5321 6.3) */
	unsigned received;
	bool headers_only;	      /* text/rfc822-headers */
};

struct report {
	enum report_kind kind;
	const char *family; /* "rfc3464", "qmail", "exim", … (static) */
	const char *subject, *from, *message_id; /* of the bounce itself */
	const char *reporting_mta;
	/* seconds UTC, 0 when none: RFC 3464 2.2.5 Arrival-Date (when the
	 * MTA took the original), the bounce's own Date: (RFC 5322 3.6.1) */
	int64_t arrival, date;
	const char *gateway; /* a filtering gateway wrote it (gateway.h) */
	struct report_original original;
	struct report_rcpt *rcpt; /* arena */
	size_t nrcpt, rcpt_cap;
	/* recipients the report names beyond MAIL_MAX_RCPTS (at least one
	 * when MAIL_F_TOO_MANY_RCPTS is set) */
	size_t rcpt_dropped;
	unsigned mail_flags; /* enum mail_flag of the parsed message */
	/* cache: the decoded human-readable text (first_text() in report.c)
	 * and what one pass of the phrase automaton found in it: the
	 * families, the diagnostics' prose and the stage all ask */
	const char *text;
	size_t text_len;
	struct marks_scan text_scan;
	/* the message's own header block, its fields found once */
	struct mail_header_index hdr_index;
	struct arena arena;  /* owned: every string above */
	struct mail_message msg; /* owned: the normalised message */
};

/*
 * Parses one message. On success *rep_r is a new report (kind REPORT_NONE
 * with no recipient for a message that is no bounce) to be freed with
 * report_free(). Returns -1 with *error_r (static) only when the input is
 * not a message at all: empty, or not starting with a header field (RFC
 * 5322 2.2; an mbox "From " line before it is skipped). Those are what
 * the daemon records as unparsable; malformed MIME inside a message is
 * no error (flags in mail_flags).
 */
int report_parse(const unsigned char *buf, size_t len, struct report **rep_r,
    const char **error_r);
/*
 * report_parse() of a buffer the caller gives up: buf (from malloc(), len
 * bytes) belongs to the report from the call on and is parsed without a
 * copy (mail_parse_owned()), whatever is returned.
 */
int report_parse_owned(unsigned char *buf, size_t len, struct report **rep_r,
    const char **error_r);
/*
 * When the delivery failed, by the report's own word (issue 17 item 5):
 * r's Last-Attempt-Date, else the report's Arrival-Date, else the
 * bounce's Date:; seconds UTC, 0 when it says nothing.
 */
int64_t report_bounce_date(const struct report *rep,
    const struct report_rcpt *r);
void report_free(struct report **repp);

/*
 * A copy of s (in the report's arena) that is valid UTF-8: bytes of an
 * undecodable charset become '?', for JSON and SQLite TEXT. NULL for NULL.
 */
const char *report_utf8(struct report *rep, const char *s);

/*
 * Holds every address of rep's recipients to mailbox_valid(), whatever
 * produced it; one that is none becomes NULL (the recipient unknown, the
 * report still recorded). In a message with NUL bytes, raw[0..len) (the
 * bytes report_parse() got) says where they were: an address inside a
 * word that held one was cut from it ("us\0er@x" reads "us er@x") and is
 * none either. Called by report_parse().
 */
void report_valid_addresses(
    struct report *rep, const unsigned char *raw, size_t len);

/* Appends a zeroed recipient; NULL past MAIL_MAX_RCPTS. */
struct report_rcpt *report_add_rcpt(struct report *rep);
/*
 * Fills status and reply_code from the diagnostic when they are missing, and
 * squeezes its white space. Used by every producer of report_rcpt.
 */
void report_rcpt_finish(struct report *rep, struct report_rcpt *r);
/*
 * The SMTP command that a report's text says failed, and how: a session
 * transcript, else the MTA's idioms. STAGE_UNKNOWN (and STAGE_BY_NONE)
 * when the text does not say. scan: what one pass found in a text that
 * starts at s (the report's text_scan), or NULL.
 */
enum smtp_stage report_text_stage(struct marks_scan *scan, const char *s,
    size_t len, enum stage_source *by_r);
/* The stage an RFC 3463 code implies (X.1.7/X.1.8 MAIL, other X.1.y RCPT). */
enum smtp_stage report_status_stage(const char *status);
/* Names for the edges (JSON, storage, explain): "rcpt", "transcript". */
const char *stage_name(enum smtp_stage s);
/* The stage stage_name() names, or STAGE_UNKNOWN. */
enum smtp_stage stage_from_name(const char *name);
const char *stage_source_name(enum stage_source b);
/*
 * The recipient of a delivery report that names none (Postfix's "---
 * Delivery report unavailable ---" report has no per-recipient group, and
 * some groups hold no address at all), from the returned message's header
 * block (rep->original.hdr): its To: -- only when that holds exactly one
 * address and Cc: none, since with several nothing says which one failed
 * -- or its newest Received "for" clause, the envelope recipient, where
 * To: names someone else (a list post's list, a Bcc). *from_r says which
 * ("To", "Received"); NULL when it names no one. Callers ask only for a
 * message that is a delivery report: nothing is invented from other mail.
 */
const char *report_original_rcpt(struct report *rep, const char **from_r);
/* Lower-cased copy of the addr-spec in s, "<>" and "rfc822;" stripped. */
const char *report_address(struct arena *a, const char *s, size_t len);

#endif
