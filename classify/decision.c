/*
 * The decision table (decision.h). Each row names what backs it; the unit
 * test test_decision walks every row with a report built to meet it and
 * one built to miss it. Sisimai's definitions of its reasons (its
 * lib/Sisimai/Reason/ modules and SMTP/Status.pm, BSD-2) are followed where
 * no two MTAs show otherwise: docs/DEVIATIONS.md lists where we differ.
 */
#include "decision.h"

#include <string.h>
#include <strings.h>

#define ROW(n, res, cand, st, nst, stages, lo, hi, fl, src) \
	{ n, REASON_##res, cand, st, nst, stages, lo, hi, fl, src }

#define UNKNOWN_USER DR_R(REASON_USERUNKNOWN)
#define BEFORE_DATA                                                    \
	(DR_S(STAGE_CONN) | DR_S(STAGE_HELO) | DR_S(STAGE_STARTTLS) |     \
	    DR_S(STAGE_MAIL) | DR_S(STAGE_RCPT))

const struct decision_row decision_rows[] = {
	/*
	 * A specific code over a phrase that names a neighbouring cause.
	 * RFC 3463 3.3: X.2.3 is a per-mailbox length limit, smaller than
	 * the system's (X.3.4), which the size words alone cannot tell.
	 */
	ROW("status.exceedlimit-over-size", EXCEEDLIMIT,
	    DR_R(REASON_MESGTOOBIG), "x.2.3", NULL, 0, 0, 0, 0,
	    "RFC 3463 X.2.3; sisimai Reason/MesgTooBig.pm"),
	/* RFC 3463 X.1.6 "destination mailbox has moved, no forwarding
	 * address"; RFC 5321 4.2.2 551 "user not local; please try
	 * <forward-path>": the address was valid once ("not our customer") */
	ROW("status.hasmoved-over-unknown", HASMOVED, UNKNOWN_USER,
	    "x.1.6", NULL, 0, 0, 0, 0, "RFC 3463 X.1.6"),
	ROW("reply.551-user-not-local", HASMOVED, UNKNOWN_USER | DR_NONE,
	    NULL, "x.1.1", 0, 551, 551, 0, "RFC 5321 4.2.2 (551)"),
	/* RFC 3463 X.4.3 "directory server failure": the resolver could not
	 * be asked ("Host not found, try again": Postfix says 4.4.3), which
	 * is no answer about the domain */
	ROW("status.directory-failure", SYSTEMERROR,
	    DR_R(REASON_HOSTUNKNOWN) | DR_R(REASON_NETWORKERROR), "x.4.3",
	    NULL, 0, 0, 0, 0,
	    "RFC 3463 X.4.3; Postfix smtp(8) dns lookup tempfail 4.4.3"),
	/* RFC 3463 X.3.2 "system not accepting network messages": the
	 * host, not the mailbox or the message (shutdown, load) */
	ROW("status.not-accepting", NOTACCEPT, DR_R(REASON_SYSTEMERROR),
	    "x.3.2", NULL, 0, 0, 0, 0, "RFC 3463 X.3.2"),

	/*
	 * The stage. RFC 5321 3.3: RCPT names the recipient, and an
	 * "unknown" answer to it is the directory's, whatever code rides
	 * with it (seen with 5.2.1, 5.7.1, 5.0.0 from many MTAs).
	 */
	ROW("stage.rcpt-unknown-user", USERUNKNOWN, UNKNOWN_USER, NULL, NULL,
	    DR_S(STAGE_RCPT), 0, 0, DR_STAGE_SAID,
	    "RFC 5321 3.3; sisimai Reason/UserUnknown.pm (RCPT)"),
	/* MAIL names the sender (RFC 5321 3.3): its address was refused */
	ROW("stage.mail-from", REJECTED,
	    UNKNOWN_USER | DR_R(REASON_HOSTUNKNOWN) | DR_NONE, NULL, NULL,
	    DR_S(STAGE_MAIL), 0, 0, 0,
	    "RFC 5321 3.3; sisimai Reason/Rejected.pm (MAIL)"),
	/* RFC 3463 3.3: X.2 is the status of a mailbox that exists; with
	 * "unknown" words and no RCPT to say otherwise, the owner's filter
	 * refused (sisimai: 5.2.0, 5.2.1, 5.2.4, 5.1.4 are "filtered"). At
	 * RCPT the row above has already said userunknown: "5.2.1 user
	 * unknown" answers RCPT at many MTAs */
	ROW("status.mailbox-exists", FILTERED, UNKNOWN_USER,
	    "x.2.0 5.2.1 x.2.4 x.1.4", NULL, DR_S(STAGE_RCPT), 0, 0,
	    DR_NOT_STAGES | DR_STAGE_SAID,
	    "RFC 3463 3.3; sisimai SMTP/Status.pm, Reason/Filtered.pm"),
	/* a policy code (X.7) worded as an unknown user, not at RCPT: the
	 * receiver's content or sender policy, not its directory */
	ROW("status.policy-unknown", FILTERED, UNKNOWN_USER, "x.7.*", NULL,
	    BEFORE_DATA, 0, 0, DR_NOT_STAGES | DR_STAGE_SAID,
	    "RFC 3463 X.7; sisimai Reason/Filtered.pm (not before DATA)"),
	/* RFC 5321 3.3: RCPT was accepted, so after DATA the mailbox exists
	 * and a filter refused the message; unless the code says X.1.1, as
	 * MTAs that defer RCPT refusals to the end of DATA do */
	ROW("stage.after-data-unknown", FILTERED, UNKNOWN_USER, NULL,
	    "x.1.1", DR_S(STAGE_DATA) | DR_S(STAGE_EOD), 0, 0,
	    DR_STAGE_SAID, "RFC 5321 3.3; sisimai Reason/Filtered.pm"),
	/* a filtering gateway (mail/gateway.h) applies its own recipient
	 * policy when it says "unknown" without X.1.1 or a refused RCPT */
	ROW("gateway.recipient-policy", FILTERED, UNKNOWN_USER, NULL,
	    "x.1.1", DR_S(STAGE_RCPT), 0, 0,
	    DR_GATEWAY | DR_NOT_STAGES | DR_STAGE_SAID,
	    "mail/gateway.h: the gateways' documented recipient checks"),
	/* RFC 3463 X.4.4 may be transient: a DNS failure the MTA itself
	 * retries is not yet a verdict on the domain */
	ROW("status.dns-temporary", NETWORKERROR, DR_R(REASON_HOSTUNKNOWN),
	    NULL, NULL, 0, 0, 0, DR_TEMPORARY,
	    "RFC 3463 X.4.4; sisimai SMTP/Status.pm 4.4.4 networkerror"),

	/*
	 * Fallbacks: nothing more precise said why. The local delivery
	 * program failed (the diagnostic's type is the Unix mailer's).
	 */
	ROW("diagnostic.x-unix", MAILERERROR, 0, NULL, NULL, 0, 0, 0,
	    DR_FALLBACK | DR_XUNIX,
	    "RFC 3464 2.3.6 (diagnostic-type); sisimai Reason.pm"),
	/* the class of a catch-all code (RFC 3463 3.1: "the subject
	 * provides the general category") */
	ROW("status.other-address", USERUNKNOWN, 0, "5.1.0", NULL, 0, 0, 0,
	    DR_FALLBACK, "RFC 3463 X.1.0; sisimai SMTP/Status.pm"),
	/* as permanent failures only: a 4.3.0 or 4.4.0 says no more than
	 * "try again" (sisimai SMTP/Status.pm leaves them unmapped) */
	ROW("status.other-system", SYSTEMERROR, 0, "5.3.0", NULL, 0, 0, 0,
	    DR_FALLBACK, "RFC 3463 X.3.0; sisimai SMTP/Status.pm"),
	ROW("status.other-network", NETWORKERROR, 0, "5.4.0", NULL, 0, 0, 0,
	    DR_FALLBACK, "RFC 3463 X.4.0; sisimai SMTP/Status.pm"),
	ROW("status.class-media", CONTENTERROR, 0, "x.6.*", NULL, 0, 0, 0,
	    DR_FALLBACK, "RFC 3463 X.6; sisimai Reason.pm"),
	/* 4.7.1 "delivery not authorized" as a transient answer: a
	 * greylisting or a temporary block of the client */
	ROW("status.not-authorized-temporary", BLOCKED, 0, "4.7.1 4.7.2",
	    NULL, 0, 0, 0, DR_FALLBACK, "sisimai SMTP/Status.pm 4.7.1"),
	ROW("status.class-security", SECURITYERROR, 0, "x.7.*", NULL, 0, 0,
	    0, DR_FALLBACK, "RFC 3463 X.7; sisimai Reason.pm"),
	/* RFC 5321 4.2.2/4.2.3: the reply codes that name one cause */
	ROW("reply.syntax", SYNTAXERROR, 0, NULL, NULL, 0, 500, 507,
	    DR_FALLBACK,
	    "RFC 5321 4.2.2 (500-504); sisimai Reason/SyntaxError.pm"),
	ROW("reply.421", TOOMANYCONN, 0, NULL, NULL, 0, 421, 421,
	    DR_FALLBACK, "RFC 5321 4.2.2 (421 closing channel)"),
	ROW("reply.452", SYSTEMFULL, 0, NULL, NULL, 0, 452, 452, DR_FALLBACK,
	    "RFC 5321 4.2.2 (452 insufficient system storage)"),
	ROW("reply.552", MAILBOXFULL, 0, NULL, NULL, 0, 552, 552,
	    DR_FALLBACK, "RFC 5321 4.2.2 (552 exceeded storage allocation)"),
	ROW("reply.553", USERUNKNOWN, 0, NULL, NULL, 0, 553, 553,
	    DR_FALLBACK, "RFC 5321 4.2.2 (553 mailbox name not allowed)"),
	/* an MTA's own hop limit, whose bounce may say no more than the
	 * address (Exim's): the returned copy shows the loop */
	ROW("returned.too-many-hops", NETWORKERROR, 0, NULL, NULL, 0, 0, 0,
	    DR_FALLBACK | DR_LOOPED | DR_FINAL,
	    "RFC 5321 6.3; Sendmail MaxHopCount, Exim received_headers_max, "
	    "Postfix hopcount_limit"),
	/* RFC 3464 2.3.3: still being retried, and nothing says why */
	ROW("dsn.action-delayed", EXPIRED, 0, NULL, NULL, 0, 0, 0,
	    DR_FALLBACK | DR_DELAYED, "RFC 3464 2.3.3; sisimai Reason.pm"),
	/* refused at the greeting or at HELO, before any address was sent
	 * (RFC 5321 3.1, 4.3.2): the server refuses the client itself */
	ROW("stage.connection", BLOCKED, 0, NULL, NULL,
	    DR_S(STAGE_CONN) | DR_S(STAGE_HELO), 0, 0,
	    DR_FALLBACK | DR_STAGE_SAID, "RFC 5321 3.1; sisimai Reason.pm"),
};

const unsigned decision_nrows =
    sizeof(decision_rows) / sizeof(decision_rows[0]);

/* One pattern: "5.2.1", "x.2.3" (any class), "x.7.*" (any detail). */
static bool
one_status(const char *status, const char *p, size_t n)
{
	size_t sl = strlen(status);

	if (n < 3 || sl < 3)
		return false;
	if (p[0] != 'x' && p[0] != status[0])
		return false;
	if (p[n - 1] == '*')
		return strncmp(status + 1, p + 1, n - 2) == 0;
	return sl == n && strncmp(status + 1, p + 1, n - 1) == 0;
}

bool
decision_status_match(const char *status, const char *patterns)
{
	const char *p = patterns;

	if (status == NULL || status[0] == '\0')
		return false;
	while (*p != '\0') {
		size_t n = strcspn(p, " ");

		if (one_status(status, p, n))
			return true;
		p += n;
		while (*p == ' ')
			p++;
	}
	return false;
}

static bool
stage_holds(const struct decision_row *row, const struct report_rcpt *r)
{
	bool known = r->stage_by == STAGE_BY_TRANSCRIPT ||
		     r->stage_by == STAGE_BY_PROSE ||
		     (r->stage_by == STAGE_BY_STATUS &&
			 !(row->flags & DR_STAGE_SAID));
	bool in = known && (row->stages & DR_S(r->stage)) != 0;

	if (row->stages == 0)
		return true;
	return (row->flags & DR_NOT_STAGES) ? !in : in;
}

static bool
row_holds(const struct decision_row *row, const struct decision_in *in)
{
	const struct report_rcpt *r = in->r;
	const char *dt = r->diagnostic_type;

	if ((row->flags & DR_FALLBACK) && in->cand != REASON_UNDEFINED)
		return false;
	if (row->cand != 0 && !(row->cand & DR_R(in->cand)))
		return false;
	if ((row->flags & DR_TEMPORARY) && !in->temporary)
		return false;
	if (row->status != NULL && !decision_status_match(r->status, row->status))
		return false;
	if (row->not_status != NULL &&
	    decision_status_match(r->status, row->not_status))
		return false;
	if (!stage_holds(row, r))
		return false;
	if (row->reply_lo != 0 &&
	    (r->reply_code < row->reply_lo || r->reply_code > row->reply_hi))
		return false;
	if ((row->flags & DR_GATEWAY) && in->rep->gateway == NULL)
		return false;
	if ((row->flags & DR_XUNIX) &&
	    (dt == NULL ||
		(strcasecmp(dt, "x-unix") != 0 &&
		    strcasecmp(dt, "x-postfix") != 0)))
		return false;
	if ((row->flags & DR_LOOPED) &&
	    in->rep->original.received < DECISION_HOP_LIMIT)
		return false;
	if ((row->flags & DR_DELAYED) &&
	    (r->action == NULL || strcmp(r->action, "delayed") != 0))
		return false;
	return true;
}

const struct decision_row *
decision_find(const struct decision_in *in)
{
	unsigned k;

	for (k = 0; k < decision_nrows; k++) {
		if (row_holds(&decision_rows[k], in))
			return &decision_rows[k];
	}
	return NULL;
}
