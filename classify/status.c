/*
 * RFC 3463 enhanced status codes and the IANA registry of them (RFC 5248)
 * mapped to reasons. Only codes that name one cause are mapped: x.0.0,
 * x.7.1 and the like are catch-alls that MTAs send for anything, so the
 * text decides there.
 */
#include <string.h>

#include "classify.h"

static const struct {
	const char *sub; /* "subject.detail" without the class digit */
	enum reason reason;
} codes[] = {
	{ "1.1", REASON_USERUNKNOWN },	 /* bad destination mailbox address */
	{ "1.2", REASON_HOSTUNKNOWN },	 /* bad destination system address */
	{ "1.3", REASON_USERUNKNOWN },	 /* bad destination mailbox syntax */
	{ "1.4", REASON_USERUNKNOWN },	 /* destination mailbox ambiguous */
	{ "1.5", REASON_DELIVERED },	 /* destination address valid */
	{ "1.6", REASON_HASMOVED },	 /* mailbox has moved */
	{ "1.7", REASON_REJECTED },	 /* bad sender's mailbox syntax */
	{ "1.8", REASON_REJECTED },	 /* bad sender's system address */
	{ "1.9", REASON_NETWORKERROR },	 /* message relayed to non-compliant */
	{ "1.10", REASON_NOTACCEPT },	 /* RFC 7505 null MX */
	{ "2.1", REASON_SUSPEND },	 /* mailbox disabled */
	{ "2.2", REASON_MAILBOXFULL },	 /* mailbox full */
	{ "2.3", REASON_EXCEEDLIMIT },	 /* exceeds an administrative limit */
	{ "2.4", REASON_MAILERERROR },	 /* mailing list expansion problem */
	{ "3.1", REASON_SYSTEMFULL },	 /* mail system full */
	{ "3.2", REASON_SYSTEMERROR },	 /* not accepting network messages */
	{ "3.3", REASON_SYSTEMERROR },	 /* not capable of selected features */
	{ "3.4", REASON_MESGTOOBIG },	 /* message too big for system */
	{ "3.5", REASON_SYSTEMERROR },	 /* system incorrectly configured */
	{ "4.1", REASON_NETWORKERROR },	 /* no answer from host */
	{ "4.2", REASON_NETWORKERROR },	 /* bad connection */
	{ "4.3", REASON_SYSTEMERROR },	 /* directory server failure */
	{ "4.4", REASON_HOSTUNKNOWN },	 /* unable to route */
	{ "4.5", REASON_SYSTEMERROR },	 /* mail system congestion */
	{ "4.6", REASON_NETWORKERROR },	 /* routing loop detected */
	{ "4.7", REASON_EXPIRED },	 /* delivery time expired */
	{ "5.1", REASON_SYNTAXERROR },	 /* invalid command */
	{ "5.2", REASON_SYNTAXERROR },	 /* syntax error */
	{ "5.3", REASON_TOOMANYCONN },	 /* too many recipients: send the
					  * rest later (RFC 5321 4.5.3.1.10) */
	{ "5.4", REASON_SYNTAXERROR },	 /* invalid command arguments */
	{ "5.5", REASON_SYNTAXERROR },	 /* wrong protocol version */
	{ "5.6", REASON_CONTENTERROR },	 /* authentication exchange too long */
	{ "6.0", REASON_CONTENTERROR },	 /* other media error */
	{ "6.1", REASON_CONTENTERROR },	 /* media not supported */
	{ "6.2", REASON_CONTENTERROR },	 /* conversion required, prohibited */
	{ "6.3", REASON_CONTENTERROR },	 /* conversion required, unsupported */
	{ "6.4", REASON_CONTENTERROR },	 /* conversion with loss performed */
	{ "6.5", REASON_CONTENTERROR },	 /* conversion failed */
	{ "6.6", REASON_CONTENTERROR },	 /* message content not available */
	{ "6.7", REASON_CONTENTERROR },	 /* non-ASCII addresses not permitted */
	{ "7.2", REASON_MAILERERROR },	 /* list expansion prohibited */
	{ "7.3", REASON_SECURITYERROR }, /* security conversion required */
	{ "7.4", REASON_SECURITYERROR }, /* security features not supported */
	{ "7.5", REASON_SECURITYERROR }, /* cryptographic failure */
	{ "7.6", REASON_SECURITYERROR }, /* cryptographic algorithm unsupported */
	{ "7.7", REASON_SECURITYERROR }, /* message integrity failure */
	{ "7.8", REASON_SECURITYERROR }, /* authentication credentials invalid */
	{ "7.9", REASON_SECURITYERROR }, /* authentication mechanism too weak */
	{ "7.10", REASON_FAILEDSTARTTLS }, /* encryption needed */
	{ "7.11", REASON_FAILEDSTARTTLS }, /* encryption required */
	{ "7.12", REASON_SECURITYERROR }, /* a password transition is needed */
	{ "7.13", REASON_SUSPEND },	   /* user account disabled */
	{ "7.14", REASON_SECURITYERROR }, /* trust relationship required */
	{ "7.15", REASON_SECURITYERROR }, /* priority level is unsupported */
	{ "7.16", REASON_MESGTOOBIG },	   /* message too big for priority */
	{ "7.17", REASON_HASMOVED },	   /* mailbox owner has changed */
	{ "7.18", REASON_HASMOVED },	   /* domain owner has changed */
	{ "7.19", REASON_SECURITYERROR }, /* RRVS test cannot be completed */
	{ "7.20", REASON_AUTHFAILURE },	   /* no passing DKIM signature */
	{ "7.21", REASON_AUTHFAILURE },	   /* no acceptable DKIM signature */
	{ "7.22", REASON_AUTHFAILURE },	   /* no valid author-matched DKIM */
	{ "7.23", REASON_AUTHFAILURE },	   /* SPF validation failed */
	{ "7.24", REASON_AUTHFAILURE },	   /* SPF validation error */
	{ "7.25", REASON_REQUIREPTR },	   /* reverse DNS validation failed */
	{ "7.26", REASON_AUTHFAILURE },	   /* multiple authentication checks */
	{ "7.27", REASON_NOTACCEPT },	   /* sender address has null MX */
	{ "7.28", REASON_SPAMDETECTED },   /* mail flood detected */
	{ "7.29", REASON_SECURITYERROR }, /* ARC validation failure */
	{ "7.30", REASON_SECURITYERROR }, /* REQUIRETLS support required */
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
			return codes[i].reason;
		}
	}
	return REASON_COUNT;
}

static const struct {
	enum reason reason;
	const char *perm, *temp;
} implied[] = {
	{ REASON_USERUNKNOWN, "5.1.1", "4.1.1" },
	{ REASON_HOSTUNKNOWN, "5.1.2", "4.1.2" },
	{ REASON_HASMOVED, "5.1.6", "4.1.6" },
	{ REASON_NOTACCEPT, "5.1.10", "4.1.10" },
	{ REASON_SUSPEND, "5.2.1", "4.2.1" },
	{ REASON_MAILBOXFULL, "5.2.2", "4.2.2" },
	{ REASON_MESGTOOBIG, "5.3.4", "4.3.4" },
	{ REASON_EXCEEDLIMIT, "5.2.3", "4.2.3" },
	{ REASON_SYSTEMFULL, "5.3.1", "4.3.1" },
	{ REASON_SYSTEMERROR, "5.3.5", "4.3.5" },
	{ REASON_NETWORKERROR, "5.4.6", "4.4.6" },
	{ REASON_EXPIRED, "5.4.7", "4.4.7" },
	{ REASON_NORELAYING, "5.7.1", "4.7.1" },
	{ REASON_BLOCKED, "5.7.1", "4.7.1" },
	{ REASON_POLICYVIOLATION, "5.7.0", "4.7.0" },
	{ REASON_SECURITYERROR, "5.7.0", "4.7.0" },
	{ REASON_SPAMDETECTED, "5.7.1", "4.7.1" },
	{ REASON_VIRUSDETECTED, "5.7.1", "4.7.1" },
	{ REASON_REJECTED, "5.1.8", "4.1.8" },
	{ REASON_FILTERED, "5.2.0", "4.2.0" },
	{ REASON_MAILERERROR, "5.3.0", "4.3.0" },
	{ REASON_CONTENTERROR, "5.6.0", "4.6.0" },
	{ REASON_SYNTAXERROR, "5.5.2", "4.5.2" },
	{ REASON_TOOMANYCONN, "4.7.0", "4.7.0" },
	{ REASON_SPEEDING, "4.7.0", "4.7.0" },
	{ REASON_REQUIREPTR, "5.7.25", "4.7.25" },
	{ REASON_AUTHFAILURE, "5.7.26", "4.7.26" },
	{ REASON_FAILEDSTARTTLS, "5.7.10", "4.7.10" },
	{ REASON_DELIVERED, "2.0.0", "2.0.0" },
};

const char *
reason_status(enum reason r, bool temporary)
{
	size_t i;

	for (i = 0; i < sizeof(implied) / sizeof(implied[0]); i++) {
		if (implied[i].reason == r)
			return temporary ? implied[i].temp : implied[i].perm;
	}
	return "";
}
