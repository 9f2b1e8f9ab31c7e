/*
 * The text rules, tried in order; the first that matches decides. Patterns
 * are lower case; '*' stands for any text between the pieces. Order: the
 * most specific evidence first (loops, relaying, size, quota), the broad
 * "unknown user" family late, so that "mailbox unavailable: over quota"
 * reads as mailboxfull. Every rule is named "<reason>.<what>" and the
 * tests walk the table: each reason has a rule, names are unique.
 */
#include "classify.h"

#define RULE(r, n, p) { #r "." n, REASON_##r, p, 0, -1 }
#define RULE_REPLY(r, n, p, c) { #r "." n, REASON_##r, p, c, -1 }
#define RULE_CLASS(r, n, p, k) { #r "." n, REASON_##r, p, 0, k }
/* enum reason values spelt as the names above */
#define REASON_userunknown REASON_USERUNKNOWN
#define REASON_hostunknown REASON_HOSTUNKNOWN
#define REASON_mailboxfull REASON_MAILBOXFULL
#define REASON_mesgtoobig REASON_MESGTOOBIG
#define REASON_networkerror REASON_NETWORKERROR
#define REASON_expired REASON_EXPIRED
#define REASON_norelaying REASON_NORELAYING
#define REASON_blocked REASON_BLOCKED
#define REASON_filtered REASON_FILTERED
#define REASON_rejected REASON_REJECTED
#define REASON_suspend REASON_SUSPEND
#define REASON_hasmoved REASON_HASMOVED
#define REASON_spamdetected REASON_SPAMDETECTED
#define REASON_virusdetected REASON_VIRUSDETECTED
#define REASON_policyviolation REASON_POLICYVIOLATION
#define REASON_securityerror REASON_SECURITYERROR
#define REASON_authfailure REASON_AUTHFAILURE
#define REASON_requireptr REASON_REQUIREPTR
#define REASON_badreputation REASON_BADREPUTATION
#define REASON_toomanyconn REASON_TOOMANYCONN
#define REASON_speeding REASON_SPEEDING
#define REASON_systemerror REASON_SYSTEMERROR
#define REASON_systemfull REASON_SYSTEMFULL
#define REASON_mailererror REASON_MAILERERROR
#define REASON_notaccept REASON_NOTACCEPT
#define REASON_notcompliantrfc REASON_NOTCOMPLIANTRFC
#define REASON_contenterror REASON_CONTENTERROR
#define REASON_syntaxerror REASON_SYNTAXERROR
#define REASON_exceedlimit REASON_EXCEEDLIMIT
#define REASON_failedstarttls REASON_FAILEDSTARTTLS
#define REASON_onhold REASON_ONHOLD

const struct classify_rule classify_rules[] = {
	/* seed group 4: a forwarding loop; resending cannot help */
	RULE_CLASS(networkerror, "too-many-hops", "too many hops",
	    CLASS_PERMANENT),
	RULE_CLASS(networkerror, "loop", "mail loop", CLASS_PERMANENT),
	RULE_CLASS(networkerror, "loops-back", "loops back to myself",
	    CLASS_PERMANENT),
	RULE_CLASS(networkerror, "routing-loop", "routing loop",
	    CLASS_PERMANENT),
	RULE_CLASS(networkerror, "hop-count", "hop count exceeded",
	    CLASS_PERMANENT),
	/* seed group 6 */
	RULE(norelaying, "relay-access-denied", "relay access denied"),
	RULE(norelaying, "relaying-denied", "relaying denied"),
	RULE(norelaying, "relay-not-permitted", "relay not permitted"),
	RULE(norelaying, "unable-to-relay", "unable to relay"),
	RULE(norelaying, "relaying-not-allowed", "relaying not allowed"),
	RULE(norelaying, "not-permitted-to-relay", "not permitted to relay"),
	RULE(norelaying, "we-do-not-relay", "we do not relay"),
	RULE(norelaying, "relay-denied", "relay denied"),
	/* seed group 2 */
	RULE(mesgtoobig, "size-exceeds", "message size exceeds"),
	RULE(mesgtoobig, "too-big", "message too big"),
	RULE(mesgtoobig, "too-large", "message too large"),
	RULE(mesgtoobig, "is-too-large", "message is too large"),
	RULE(mesgtoobig, "size-limit", "size limit"),
	RULE(mesgtoobig, "exceeds-size", "exceeds size limit"),
	RULE(mesgtoobig, "larger-than", "message is larger than"),
	RULE(mesgtoobig, "length-exceeds", "message length exceeds"),
	RULE(mesgtoobig, "size-exceeded", "message size exceeded"),
	RULE(mesgtoobig, "maximum-size", "exceeds the maximum size"),
	RULE(mesgtoobig, "file-too-large", "message file too big"),
	/* seed group 3 */
	RULE(mailboxfull, "over-quota", "over quota"),
	RULE(mailboxfull, "over-the-quota", "over the quota"),
	RULE(mailboxfull, "quota-exceeded", "quota exceeded"),
	RULE(mailboxfull, "exceeded-quota", "exceeded * quota"),
	RULE(mailboxfull, "exceeds-quota", "exceeds * quota"),
	RULE(mailboxfull, "quota-full", "quota full"),
	RULE(mailboxfull, "mailbox-full", "mailbox full"),
	RULE(mailboxfull, "mailbox-is-full", "mailbox is full"),
	RULE(mailboxfull, "mailbox-has-exceeded", "mailbox has exceeded"),
	RULE(mailboxfull, "mailbox-exceeds", "mailbox exceeds"),
	RULE(mailboxfull, "box-full", "box full"),
	RULE(mailboxfull, "is-full", "is full"),
	RULE(mailboxfull, "storage-allocation", "exceeded storage allocation"),
	RULE(mailboxfull, "storage-allocation-seed", "aborted: storage allocation"),
	RULE(mailboxfull, "cant-create-output", "create output"),
	RULE(mailboxfull, "insufficient-storage", "insufficient storage"),
	RULE(mailboxfull, "not-enough-space", "not enough space"),
	RULE(mailboxfull, "disk-quota", "disk quota"),
	RULE(mailboxfull, "quota-exceeded2", "quota has been exceeded"),
	RULE(mailboxfull, "user-over-quota", "user over quota"),
	RULE(mailboxfull, "full-mailbox", "full mailbox"),
	RULE(mailboxfull, "too-much-mail", "too much mail"),
	/* seed group 5 */
	RULE(expired, "connect-timed-out", "connect to * timed out"),
	RULE(expired, "connection-timed-out", "connection timed out"),
	RULE(expired, "delivery-time-expired", "delivery time expired"),
	RULE(expired, "retry-timeout", "retry timeout exceeded"),
	RULE(expired, "too-long-in-queue", "message was not delivered within"),
	RULE(expired, "could-not-be-delivered-for", "could not be delivered for"),
	RULE(expired, "queue-expired", "queue too long"),
	RULE(expired, "has-been-delayed", "giving up"),
	RULE(expired, "retry-time-not-reached", "retry time not reached"),
	RULE(expired, "unable-to-deliver-in", "was not able to deliver"),
	RULE(networkerror, "connection-refused", "connection refused"),
	RULE(networkerror, "network-unreachable", "network is unreachable"),
	RULE(networkerror, "no-route", "no route to host"),
	RULE(hostunknown, "host-not-found", "host not found"),
	RULE(hostunknown, "host-unknown", "host unknown"),
	RULE(hostunknown, "unknown-host", "unknown host"),
	RULE(hostunknown, "domain-not-found", "domain not found"),
	RULE(hostunknown, "no-such-domain", "no such domain"),
	RULE(hostunknown, "name-service-error", "name service error"),
	RULE(hostunknown, "unrouteable", "unrouteable address"),
	RULE(hostunknown, "unroutable", "unroutable"),
	RULE(hostunknown, "no-mx", "no mx record"),
	RULE(hostunknown, "domain-does-not-exist", "domain does not exist"),
	RULE(hostunknown, "nxdomain", "nxdomain"),
	RULE(hostunknown, "dns-error", "dns error"),
	RULE(hostunknown, "recipient-domain", "recipient domain * not found"),
	RULE(hostunknown, "domain-name-not-found", "domain name not found"),
	/* authentication of the sender */
	RULE(authfailure, "spf", "spf check failed"),
	RULE(authfailure, "spf-fail", "spf fail"),
	RULE(authfailure, "dmarc", "dmarc"),
	RULE(authfailure, "dkim", "dkim"),
	RULE(requireptr, "no-ptr", "no ptr record"),
	RULE(requireptr, "reverse-dns", "reverse dns"),
	RULE(requireptr, "rdns", "rdns"),
	RULE(requireptr, "reverse-lookup", "reverse lookup"),
	RULE(requireptr, "ptr-record", "ptr record"),
	RULE(requireptr, "cannot-resolve-ptr", "cannot find your hostname"),
	RULE(requireptr, "reverse-hostname", "reverse hostname"),
	/* content */
	RULE(virusdetected, "virus", "virus"),
	RULE(virusdetected, "malware", "malware"),
	RULE(spamdetected, "spam", "spam"),
	RULE(spamdetected, "junk", "junk mail"),
	RULE(spamdetected, "bulk", "bulk mail"),
	RULE(policyviolation, "policy", "policy violation"),
	RULE(policyviolation, "content-policy", "content policy"),
	RULE(policyviolation, "prohibited-attachment", "prohibited attachment"),
	RULE(contenterror, "headers", "header error"),
	RULE(notcompliantrfc, "duplicate-header", "duplicate header"),
	RULE(notcompliantrfc, "rfc5322", "rfc 5322"),
	RULE(notcompliantrfc, "rfc5322b", "rfc5322"),
	RULE(notcompliantrfc, "rfc2822", "rfc 2822"),
	/* rate */
	RULE(toomanyconn, "too-many-connections", "too many connections"),
	RULE(toomanyconn, "too-many-sessions", "too many sessions"),
	RULE(toomanyconn, "connection-limit", "connection limit"),
	RULE(speeding, "rate-limit", "rate limit"),
	RULE(speeding, "rate-limited", "rate-limited"),
	RULE(speeding, "too-many-messages", "too many messages"),
	RULE(speeding, "sending-too-fast", "too fast"),
	RULE(exceedlimit, "too-many-recipients", "too many recipients"),
	RULE_CLASS(blocked, "greylisted", "greylist", CLASS_TRANSIENT),
	RULE_CLASS(blocked, "graylisted", "graylist", CLASS_TRANSIENT),
	RULE_CLASS(blocked, "try-again-later", "try again later",
	    CLASS_TRANSIENT),
	/* the sending IP */
	RULE(blocked, "blacklist", "blacklist"),
	RULE(blocked, "blocklist", "blocklist"),
	RULE(blocked, "block-list", "block list"),
	RULE(blocked, "dnsbl", "dnsbl"),
	RULE(blocked, "rbl", "rbl"),
	RULE(blocked, "spamhaus", "spamhaus"),
	RULE(blocked, "spamcop", "spamcop"),
	RULE(blocked, "client-host-rejected", "client host rejected"),
	RULE(blocked, "ip-blocked", "ip address * blocked"),
	RULE(blocked, "access-denied", "access denied"),
	RULE(blocked, "connection-rejected", "connection rejected"),
	RULE(badreputation, "reputation", "reputation"),
	/* the envelope sender */
	RULE(rejected, "sender-rejected", "sender address rejected"),
	RULE(rejected, "sender-denied", "sender denied"),
	RULE(rejected, "sender-verify", "sender verify failed"),
	RULE(rejected, "domain-of-sender", "domain of sender address"),
	RULE(rejected, "mail-from-rejected", "mail from rejected"),
	RULE(rejected, "sender-not-allowed", "sender is not allowed"),
	/* the mailbox */
	RULE(suspend, "disabled", "account disabled"),
	RULE(suspend, "mailbox-disabled", "mailbox disabled"),
	RULE(suspend, "has-been-disabled", "has been disabled"),
	RULE(suspend, "suspended", "suspended"),
	RULE(suspend, "inactive", "inactive"),
	RULE(suspend, "not-active", "is not active"),
	RULE(suspend, "deactivated", "deactivated"),
	RULE(suspend, "expired-account", "account has expired"),
	RULE(hasmoved, "has-moved", "has moved"),
	RULE(hasmoved, "address-changed", "address has changed"),
	RULE(hasmoved, "no-longer-valid", "no longer valid"),
	RULE(filtered, "refused-by-recipient", "refused by recipient"),
	RULE(filtered, "recipient-refuses", "recipient * does not accept"),
	RULE(filtered, "not-accepting-mail-from", "not accepting mail from"),
	RULE(filtered, "rejected-by-recipient", "rejected by recipient"),
	/* seed group 1 */
	RULE(userunknown, "unknown-user", "unknown user"),
	RULE(userunknown, "user-unknown", "user unknown"),
	RULE(userunknown, "no-such-user", "no such user"),
	RULE(userunknown, "no-such-mailbox", "no such mailbox"),
	RULE(userunknown, "no-mailbox-here", "no mailbox here"),
	RULE(userunknown, "user-not-found", "user not found"),
	RULE(userunknown, "invalid-recipient", "invalid recipient"),
	RULE(userunknown, "not-a-valid-mailbox", "not a valid mailbox"),
	RULE(userunknown, "mailbox-unavailable", "mailbox unavailable"),
	RULE(userunknown, "mailbox-not-found", "mailbox not found"),
	RULE(userunknown, "does-not-exist", "does not exist"),
	RULE(userunknown, "doesnt-exist", "doesn't exist"),
	RULE(userunknown, "recipient-unknown", "recipient unknown"),
	RULE(userunknown, "unknown-recipient", "unknown recipient"),
	RULE(userunknown, "no-such-recipient", "no such recipient"),
	RULE(userunknown, "invalid-mailbox", "invalid mailbox"),
	RULE(userunknown, "recipient-address-rejected",
	    "recipient address rejected"),
	RULE(userunknown, "address-rejected", "address rejected"),
	RULE(userunknown, "not-our-customer", "not our customer"),
	RULE(userunknown, "unknown-address", "unknown address"),
	RULE(userunknown, "address-unknown", "address unknown"),
	RULE(userunknown, "invalid-address", "invalid address"),
	RULE(userunknown, "no-such-address", "no such address"),
	RULE(userunknown, "not-listed", "not listed in"),
	RULE(userunknown, "unknown-local-part", "unknown local part"),
	RULE(userunknown, "no-such-person", "no such person"),
	RULE(userunknown, "mailbox-unknown", "mailbox unknown"),
	RULE(userunknown, "recipient-not-found", "recipient not found"),
	RULE(userunknown, "address-not-found", "address not found"),
	RULE_REPLY(userunknown, "unknow-550", "unknow", 550),
	/* receiving system faults */
	RULE(systemfull, "disk-full", "disk full"),
	RULE(systemfull, "out-of-disk", "out of disk"),
	RULE(systemerror, "local-error", "local error in processing"),
	RULE(systemerror, "internal-error", "internal error"),
	RULE(systemerror, "system-error", "system error"),
	RULE(systemerror, "temporary-failure", "temporary failure"),
	RULE(systemerror, "service-unavailable", "service unavailable"),
	RULE(mailererror, "mailer-error", "mailer error"),
	RULE(mailererror, "command-died", "command died"),
	RULE(mailererror, "procmail", "procmail"),
	RULE(mailererror, "exit-status", "exit status"),
	RULE(syntaxerror, "syntax-error", "syntax error"),
	RULE(securityerror, "authentication-required", "authentication required"),
	RULE(failedstarttls, "starttls", "starttls"),
	RULE(notaccept, "does-not-accept-mail", "does not accept mail"),
	RULE(notaccept, "null-mx", "null mx"),
	RULE(onhold, "onhold", "message is on hold"),
};

const unsigned classify_nrules =
    sizeof(classify_rules) / sizeof(classify_rules[0]);
