/*
 * RFC 3463 enhanced status codes and the IANA registry of them (RFC 5248)
 * mapped to reasons, as sisimai defines them (lib/Sisimai/SMTP/Status.pm,
 * BSD-2) where the RFC leaves the reason open. Only codes that name one
 * cause are here: the catch-alls (x.0.0, x.1.0, x.3.0, x.4.0, x.7.0, x.7.1)
 * decide by their class only when no text does, in the decision table's
 * fallback rows (decision.c). A code can mean one thing
 * as a permanent failure and another as a transient one (4.4.4: the route
 * may come back; 5.4.4: there is none).
 */
#include <string.h>

#include "classify.h"

#define R(x) REASON_##x
#define SAME(x) R(x), R(x)

static const struct {
	const char *sub; /* "subject.detail" without the class digit */
	enum reason perm, temp;
} codes[] = {
	{ "1.1", SAME(USERUNKNOWN) },	/* bad destination mailbox address */
	{ "1.2", SAME(HOSTUNKNOWN) },	/* bad destination system address */
	{ "1.3", SAME(USERUNKNOWN) },	/* bad destination mailbox syntax */
	{ "1.4", SAME(FILTERED) },	/* destination mailbox ambiguous */
	{ "1.5", SAME(DELIVERED) },	/* destination address valid */
	{ "1.6", SAME(HASMOVED) },	/* mailbox has moved */
	{ "1.7", SAME(REJECTED) },	/* bad sender's mailbox syntax */
	{ "1.8", SAME(REJECTED) },	/* bad sender's system address */
	{ "1.9", SAME(SYSTEMERROR) },	/* relayed to non-compliant mailer */
	{ "1.10", SAME(NOTACCEPT) },	/* RFC 7505 null MX */
	{ "2.0", SAME(FILTERED) },	/* mailbox status: the mailbox exists */
	/* mailbox disabled: for good (5), or for now (4) */
	{ "2.1", R(FILTERED), R(SUSPEND) },
	{ "2.2", SAME(MAILBOXFULL) },	/* mailbox full */
	{ "2.3", SAME(EXCEEDLIMIT) },	/* exceeds an administrative limit */
	{ "2.4", SAME(FILTERED) },	/* mailing list expansion problem */
	{ "3.1", SAME(SYSTEMFULL) },	/* mail system full */
	{ "3.2", SAME(NOTACCEPT) },	/* not accepting network messages */
	{ "3.3", SAME(SYSTEMERROR) },	/* not capable of selected features */
	{ "3.4", SAME(MESGTOOBIG) },	/* message too big for system */
	{ "3.5", SAME(SYSTEMERROR) },	/* system incorrectly configured */
	/* no answer from host: the sending MTA gives up in time */
	{ "4.1", R(NETWORKERROR), R(EXPIRED) },
	{ "4.2", SAME(NETWORKERROR) },	/* bad connection */
	{ "4.3", SAME(SYSTEMERROR) },	/* directory server failure */
	{ "4.4", R(HOSTUNKNOWN), R(NETWORKERROR) }, /* unable to route */
	{ "4.5", SAME(SYSTEMFULL) },	/* mail system congestion */
	{ "4.6", SAME(NETWORKERROR) },	/* routing loop detected */
	{ "4.7", SAME(EXPIRED) },	/* delivery time expired */
	{ "4.8", SAME(NETWORKERROR) },	/* retry on IPv4 (draft) */
	{ "5.1", SAME(SYNTAXERROR) },	/* invalid command */
	{ "5.2", SAME(SYNTAXERROR) },	/* syntax error */
	/* too many recipients: send the rest later (RFC 5321 4.5.3.1.10) */
	{ "5.3", R(TOOMANYCONN), R(SYSTEMERROR) },
	{ "5.4", SAME(SYSTEMERROR) },	/* invalid command arguments */
	{ "5.5", SAME(SYSTEMERROR) },	/* wrong protocol version */
	{ "5.6", SAME(SYNTAXERROR) },	/* RFC 4954: AUTH line too long */
	{ "6.0", SAME(CONTENTERROR) },	/* other or undefined media error */
	{ "6.1", SAME(CONTENTERROR) },	/* media not supported */
	{ "6.2", SAME(CONTENTERROR) },	/* conversion required, prohibited */
	{ "6.3", SAME(CONTENTERROR) },	/* conversion required, unsupported */
	{ "6.4", SAME(CONTENTERROR) },	/* conversion with loss performed */
	{ "6.5", SAME(CONTENTERROR) },	/* conversion failed */
	{ "6.6", SAME(CONTENTERROR) },	/* message content not available */
	{ "6.7", SAME(CONTENTERROR) },	/* non-ASCII addresses not permitted */
	{ "6.8", SAME(CONTENTERROR) },	/* RFC 6531 UTF-8 reply required */
	{ "6.9", SAME(CONTENTERROR) },	/* RFC 6531 UTF-8 header refused */
	{ "7.2", R(SECURITYERROR), R(BLOCKED) }, /* expansion prohibited */
	{ "7.3", SAME(SECURITYERROR) }, /* security conversion required */
	{ "7.4", SAME(SECURITYERROR) }, /* security features not supported */
	{ "7.5", SAME(SECURITYERROR) }, /* cryptographic failure */
	{ "7.6", SAME(SECURITYERROR) }, /* cryptographic algorithm unsupported */
	{ "7.7", SAME(SECURITYERROR) }, /* message integrity failure */
	{ "7.8", SAME(SECURITYERROR) }, /* authentication credentials invalid */
	{ "7.9", SAME(SECURITYERROR) }, /* authentication mechanism too weak */
	{ "7.10", SAME(FAILEDSTARTTLS) }, /* encryption needed */
	{ "7.11", SAME(FAILEDSTARTTLS) }, /* encryption required */
	{ "7.12", SAME(SECURITYERROR) }, /* a password transition is needed */
	{ "7.13", SAME(SUSPEND) },	  /* user account disabled */
	{ "7.14", SAME(SECURITYERROR) }, /* trust relationship required */
	{ "7.15", SAME(SECURITYERROR) }, /* priority level is unsupported */
	{ "7.16", SAME(MESGTOOBIG) },	  /* message too big for priority */
	{ "7.17", SAME(HASMOVED) },	  /* mailbox owner has changed */
	{ "7.18", SAME(HASMOVED) },	  /* domain owner has changed */
	{ "7.19", SAME(SECURITYERROR) }, /* RRVS test cannot be completed */
	{ "7.20", SAME(AUTHFAILURE) },	  /* no passing DKIM signature */
	{ "7.21", SAME(AUTHFAILURE) },	  /* no acceptable DKIM signature */
	{ "7.22", SAME(AUTHFAILURE) },	  /* no valid author-matched DKIM */
	{ "7.23", SAME(AUTHFAILURE) },	  /* SPF validation failed */
	{ "7.24", SAME(AUTHFAILURE) },	  /* SPF validation error */
	{ "7.25", SAME(REQUIREPTR) },	  /* reverse DNS validation failed */
	{ "7.26", SAME(AUTHFAILURE) },	  /* multiple authentication checks */
	{ "7.27", SAME(NOTACCEPT) },	  /* sender address has null MX */
	{ "7.28", SAME(SPAMDETECTED) },   /* mail flood detected */
	{ "7.29", SAME(SECURITYERROR) }, /* ARC validation failure */
	{ "7.30", SAME(SECURITYERROR) }, /* REQUIRETLS support required */
};

enum reason
status_reason(const char *status)
{
	size_t i;

	if (status == NULL || status[0] == '\0' || status[1] != '.')
		return REASON_COUNT;
	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		if (strcmp(status + 2, codes[i].sub) == 0) {
			/* 2.x.x success codes never mean a failure */
			if (status[0] == '2')
				return REASON_DELIVERED;
			return status[0] == '4' ? codes[i].temp : codes[i].perm;
		}
	}
	return REASON_COUNT;
}

const char *
reason_status(enum reason r, bool temporary)
{
	const struct reason_info *ri = reason_info(r);
	const char *st = temporary ? ri->status_temp : ri->status_perm;

	return st != NULL ? st : "";
}
