/*
 * Which SMTP command failed, as a report's text tells it: the stage of the
 * transaction (RFC 5321 3.3) is evidence for the classifier (an unknown
 * user refused after DATA was accepted at RCPT).
 */
#include <string.h>

#include "common/acmatch.h"
#include "common/strutil.h"
#include "legacy_marks.h"
#include "report.h"

/*
 * The SMTP command a text says failed, from the idioms of Postfix ("in
 * reply to RCPT TO command"), Exim ("after end of data", "after EHLO")
 * and qmail ("RCPT TO response"): the phrase that comes first in the text
 * wins. Each lead-in ("in reply to ", "after ") is found once and the
 * words after it are looked up, rather than searching every phrase.
 */
static const struct phrase_cmd {
	const char *text;
	enum smtp_stage stage;
} after_lead[] = {
	{ "rcpt to", STAGE_RCPT },
	{ "end of data", STAGE_EOD },
	{ "data", STAGE_DATA },
	{ "mail from", STAGE_MAIL },
	{ "helo", STAGE_HELO },
	{ "ehlo", STAGE_HELO },
	{ "starttls", STAGE_STARTTLS },
	{ "initial connection", STAGE_CONN },
};

/* the lead-ins, and the phrases that name the stage by themselves, as
 * lists for legacy_marks.c's automaton: the report's text is read once
 * for them and the families' markers together (issue 16 item 1) */
static const char *const lead_reply[] = { "in reply to ", NULL };
static const char *const lead_after[] = { "after ", NULL };

/* Phrases that name the stage by themselves; a later one wins when it
 * ends before the one found so far. */
static const char *const whole[] = {
	"rcpt to response",
	"while connected to",
	"connect to",
	NULL,
};
static const enum smtp_stage whole_stage[] = {
	STAGE_RCPT,
	STAGE_CONN,
	STAGE_CONN,
};
#define NWHOLE (sizeof(whole_stage) / sizeof(whole_stage[0]))
/* a phrase without its stage would read past whole_stage[] */
_Static_assert(sizeof(whole) / sizeof(whole[0]) == NWHOLE + 1,
    "one stage per phrase of whole[]");

const char *const *const command_lists[] = { lead_reply, lead_after, whole,
	NULL };

static enum smtp_stage
lead_command(struct legacy_text *t, const char *s, size_t len,
    const char *const *lead, const char **at_r)
{
	size_t ll = strlen(lead[0]), i, f;
	const char *p, *end = s + len;

	/* the first from the pass over the text, the others by ci_find() */
	if ((f = legacy_marks_first(t, lead, s, len)) == ACM_NONE)
		return STAGE_UNKNOWN;
	for (p = s + f; p != NULL;
	     p = ci_find(p + 1, (size_t)(end - p - 1), lead[0])) {
		const char *w = p + ll;

		for (i = 0; i < sizeof(after_lead) / sizeof(after_lead[0]); i++) {
			if (ci_starts(w, (size_t)(end - w), after_lead[i].text)) {
				*at_r = p;
				return after_lead[i].stage;
			}
		}
	}
	return STAGE_UNKNOWN;
}

static enum smtp_stage
phrase_command(struct legacy_text *t, const char *s, size_t len)
{
	const char *best = NULL, *p;
	enum smtp_stage cmd = STAGE_UNKNOWN, c;
	size_t i, first[NWHOLE], lim;

	if ((c = lead_command(t, s, len, lead_reply, &p)) != STAGE_UNKNOWN) {
		best = p;
		cmd = c;
	}
	if ((c = lead_command(t, s, best != NULL ? (size_t)(best - s) : len,
		 lead_after, &p)) != STAGE_UNKNOWN) {
		best = p;
		cmd = c;
	}
	/* the first occurrence of a phrase in s[0..len) is in s[0..lim)
	 * when it ends there, and else none is, so each step is the
	 * ci_find(s, lim, ...) it replaces */
	legacy_marks_each(t, whole, s, len, first);
	for (i = 0; i < NWHOLE; i++) {
		lim = best != NULL ? (size_t)(best - s) : len;
		p = first[i] != ACM_NONE && first[i] <= lim &&
			strlen(whole[i]) <= lim - first[i]
		    ? s + first[i]
		    : NULL;
		if (p != NULL) {
			best = p;
			cmd = whole_stage[i];
		}
	}
	return cmd;
}

static enum smtp_stage
verb_command(const char *v, size_t len)
{
	if (ci_starts(v, len, "RCPT"))
		return STAGE_RCPT;
	if (ci_starts(v, len, "MAIL"))
		return STAGE_MAIL;
	if (ci_starts(v, len, "DATA"))
		return STAGE_DATA;
	/* ">>> ." ends the data (RFC 5321 4.1.1.4) */
	if (len > 0 && v[0] == '.')
		return STAGE_EOD;
	if (ci_starts(v, len, "HELO") || ci_starts(v, len, "EHLO"))
		return STAGE_HELO;
	if (ci_starts(v, len, "STARTTLS"))
		return STAGE_STARTTLS;
	return STAGE_UNKNOWN;
}

/*
 * A Sendmail-style session transcript: the last command sent (">>> ")
 * before the first error reply ("<<< 4yz" or "<<< 5yz") is the one that
 * failed; the RCPTs before a failed DATA were accepted.
 */
static enum smtp_stage
transcript_command(const char *s, size_t len)
{
	const char *l = s, *end = s + len, *nl;
	enum smtp_stage last = STAGE_UNKNOWN;

	for (; l < end; l = nl + 1) {
		size_t ll;

		nl = memchr(l, '\n', (size_t)(end - l));
		if (nl == NULL)
			nl = end;
		ll = (size_t)(nl - l);
		while (ll > 0 && (*l == ' ' || *l == '\t')) {
			l++;
			ll--;
		}
		if (ll > 4 && memcmp(l, ">>> ", 4) == 0)
			last = verb_command(l + 4, ll - 4);
		else if (ll > 5 && memcmp(l, "<<< ", 4) == 0 &&
		    (l[4] == '4' || l[4] == '5'))
			return last;
	}
	return STAGE_UNKNOWN;
}

enum smtp_stage
report_text_stage(struct marks_scan *scan, const char *s, size_t len,
    enum stage_source *by_r)
{
	enum smtp_stage st;
	struct legacy_text t;

	/* no arena for a scan of its own: only the shared one is used */
	legacy_text_init(&t, scan, NULL, s, len);

	if ((st = transcript_command(s, len)) != STAGE_UNKNOWN) {
		*by_r = STAGE_BY_TRANSCRIPT;
		return st;
	}
	if ((st = phrase_command(t.scan == scan ? &t : NULL, s, len)) !=
	    STAGE_UNKNOWN) {
		*by_r = STAGE_BY_PROSE;
		return st;
	}
	*by_r = STAGE_BY_NONE;
	return STAGE_UNKNOWN;
}

/*
 * RFC 3463 3.2: the addressing subject (X.1.y) reports on the sender's or
 * a recipient's address, which SMTP sends in MAIL (X.1.7, X.1.8) and RCPT
 * (the others). Weaker than the text: an MTA may defer a recipient's
 * refusal to DATA and still say X.1.1.
 */
enum smtp_stage
report_status_stage(const char *status)
{
	if (status[0] == '\0' || strncmp(status + 1, ".1.", 3) != 0)
		return STAGE_UNKNOWN;
	if (strcmp(status + 4, "7") == 0 || strcmp(status + 4, "8") == 0)
		return STAGE_MAIL;
	if (strcmp(status + 4, "5") == 0 || strcmp(status + 4, "9") == 0)
		return STAGE_UNKNOWN;
	return STAGE_RCPT;
}

static const char *const stage_names[] = {
	[STAGE_UNKNOWN] = "unknown",
	[STAGE_CONN] = "connection",
	[STAGE_HELO] = "helo",
	[STAGE_STARTTLS] = "starttls",
	[STAGE_MAIL] = "mail",
	[STAGE_RCPT] = "rcpt",
	[STAGE_DATA] = "data",
	[STAGE_EOD] = "end-of-data",
};

static const char *const source_names[] = {
	[STAGE_BY_NONE] = "none",
	[STAGE_BY_TRANSCRIPT] = "transcript",
	[STAGE_BY_PROSE] = "prose",
	[STAGE_BY_STATUS] = "status",
};

const char *
stage_name(enum smtp_stage s)
{
	return (unsigned)s < STAGE_COUNT ? stage_names[s] : "unknown";
}

enum smtp_stage
stage_from_name(const char *name)
{
	unsigned i;

	for (i = 0; name != NULL && i < STAGE_COUNT; i++) {
		if (strcmp(stage_names[i], name) == 0)
			return (enum smtp_stage)i;
	}
	return STAGE_UNKNOWN;
}

const char *
stage_source_name(enum stage_source b)
{
	return (unsigned)b <= STAGE_BY_STATUS ? source_names[b] : "none";
}
