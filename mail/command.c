/*
 * Which SMTP command failed, as a report's text tells it: the stage of the
 * transaction (RFC 5321 3.3) is evidence for the classifier (an unknown
 * user refused after DATA was accepted at RCPT).
 */
#include <string.h>

#include "common/strutil.h"
#include "report.h"

/*
 * The SMTP command a text says failed, from the idioms of Postfix ("in
 * reply to RCPT TO command"), Exim ("after end of data", "after EHLO")
 * and qmail ("RCPT TO response"): the phrase that comes first in the text
 * wins. Each lead-in ("in reply to ", "after ") is found once and the
 * words after it are looked up, rather than searching every phrase.
 */
static const struct phrase_cmd {
	const char *text, *cmd;
} after_lead[] = {
	{ "rcpt to", "RCPT" },
	{ "end of data", "DATA" },
	{ "data", "DATA" },
	{ "mail from", "MAIL" },
	{ "helo", "HELO" },
	{ "ehlo", "HELO" },
	{ "starttls", "STARTTLS" },
	{ "initial connection", "CONN" },
};

static const char *
lead_command(const char *s, size_t len, const char *lead, const char **at_r)
{
	size_t ll = strlen(lead), i;
	const char *p = s, *end = s + len;

	while ((p = ci_find(p, (size_t)(end - p), lead)) != NULL) {
		const char *w = p + ll;

		for (i = 0; i < sizeof(after_lead) / sizeof(after_lead[0]); i++) {
			if (ci_starts(w, (size_t)(end - w), after_lead[i].text)) {
				*at_r = p;
				return after_lead[i].cmd;
			}
		}
		p++;
	}
	return NULL;
}

static const char *
phrase_command(const char *s, size_t len)
{
	static const struct phrase_cmd whole[] = {
		{ "rcpt to response", "RCPT" },
		{ "while connected to", "CONN" },
		{ "connect to", "CONN" },
	};
	const char *best = NULL, *cmd = NULL, *p, *c;
	size_t i;

	if ((c = lead_command(s, len, "in reply to ", &p)) != NULL) {
		best = p;
		cmd = c;
	}
	if ((c = lead_command(s, best != NULL ? (size_t)(best - s) : len,
		 "after ", &p)) != NULL) {
		best = p;
		cmd = c;
	}
	for (i = 0; i < sizeof(whole) / sizeof(whole[0]); i++) {
		p = ci_find(s, best != NULL ? (size_t)(best - s) : len,
		    whole[i].text);
		if (p != NULL) {
			best = p;
			cmd = whole[i].cmd;
		}
	}
	return cmd;
}

static const char *
verb_command(const char *v, size_t len)
{
	if (ci_starts(v, len, "RCPT"))
		return "RCPT";
	if (ci_starts(v, len, "MAIL"))
		return "MAIL";
	/* ">>> ." ends the data (RFC 5321 4.1.1.4) */
	if (ci_starts(v, len, "DATA") || (len > 0 && v[0] == '.'))
		return "DATA";
	if (ci_starts(v, len, "HELO") || ci_starts(v, len, "EHLO"))
		return "HELO";
	if (ci_starts(v, len, "STARTTLS"))
		return "STARTTLS";
	return NULL;
}

/*
 * A Sendmail-style session transcript: the last command sent (">>> ")
 * before the first error reply ("<<< 4yz" or "<<< 5yz") is the one that
 * failed; the RCPTs before a failed DATA were accepted.
 */
static const char *
transcript_command(const char *s, size_t len)
{
	const char *last = NULL, *l = s, *end = s + len, *nl;

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
	return NULL;
}

const char *
report_text_command(const char *s, size_t len)
{
	const char *c = transcript_command(s, len);

	return c != NULL ? c : phrase_command(s, len);
}
