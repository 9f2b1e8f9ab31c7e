/*
 * The text rules. Patterns are lower case; '*' stands for any text between
 * the pieces. Every rule is named "<reason>.<what>"; names are unique.
 *
 * Two passes (classify.c): the ordinary rules run first, in table order,
 * and the first that matches decides, over any status code; the CR_WEAK
 * rules (broad words) run only when the RFC 3463 code names no cause.
 *
 * Within a pass the order is the point: a diagnostic often names its cause
 * and then adds words that belong to another ("Recipient address rejected:
 * Reverse DNS validation failed", "... fails SPF. To protect our users from
 * spam ..."). So the groups run from the most specific evidence to the
 * broadest: loops and relaying; what is wrong with the sender (its
 * authentication, its PTR, its address, its IP's standing); limits and
 * rates; the size of the message; the state of the mailbox; the domain;
 * the local delivery program; the unknown user; time-outs and the network;
 * the content; and last the receiving system's own faults.
 */
#include "classify.h"

/* name, reason, pattern, reply, class, flags, command, status */
#define RULE(r, n, p) { #r "." n, REASON_##r, p, 0, -1, 0, NULL, NULL }
#define RULE_WEAK(r, n, p) \
	{ #r "." n, REASON_##r, p, 0, -1, CR_WEAK, NULL, NULL }
#define RULE_CLASS(r, n, p, k) \
	{ #r "." n, REASON_##r, p, 0, k, 0, NULL, NULL }
#define RULE_WEAK_REPLY(r, n, p, c) \
	{ #r "." n, REASON_##r, p, c, -1, CR_WEAK, NULL, NULL }
#define RULE_WEAK_CMD(r, n, p, c) \
	{ #r "." n, REASON_##r, p, 0, -1, CR_WEAK, c, NULL }
#define RULE_STATUS(r, n, p, s) \
	{ #r "." n, REASON_##r, p, 0, -1, 0, NULL, s }
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
	/*
	 * Seed group 4: a forwarding loop. First, because a looping message
	 * collects every other kind of text on its way round; resending
	 * cannot help until the forwarding is fixed.
	 */
	RULE_CLASS(networkerror, "too-many-hops", "too many hops",
	    CLASS_PERMANENT),
	RULE_CLASS(networkerror, "loop", "mail loop", CLASS_PERMANENT),
	RULE_CLASS(networkerror, "loops-back", "loops back to myself",
	    CLASS_PERMANENT),
	RULE_CLASS(networkerror, "routing-loop", "routing loop",
	    CLASS_PERMANENT),
	RULE_CLASS(networkerror, "hop-count", "hop count exceeded",
	    CLASS_PERMANENT),
	RULE_CLASS(networkerror, "loop-detected", "loop detected",
	    CLASS_PERMANENT),

	/* Seed group 6: the fault is the sending side's relay setup. */
	RULE(norelaying, "relay-access-denied", "relay access denied"),
	RULE(norelaying, "relaying-denied", "relaying denied"),
	RULE(norelaying, "relay-not-permitted", "relay not permitted"),
	RULE(norelaying, "unable-to-relay", "unable to relay"),
	RULE(norelaying, "relaying-not-allowed", "relaying not allowed"),
	RULE(norelaying, "not-permitted-to-relay", "not permitted to relay"),
	RULE(norelaying, "we-do-not-relay", "we do not relay"),
	RULE(norelaying, "relay-denied", "relay denied"),
	RULE(norelaying, "not-configured-to-relay", "not configured to relay"),
	RULE(norelaying, "relaying-prohibited", "relaying prohibited"),
	RULE(norelaying, "relaying-not-permitted", "relaying not permitted"),
	RULE(norelaying, "no-relaying", "no relaying"),
	RULE(norelaying, "not-allowed-to-relay", "not allowed to relay"),
	RULE(norelaying, "relay-prohibited", "relay prohibited"),
	/*
	 * qmail-smtpd with SMTP AUTH: a relay attempt by a client that did
	 * not authenticate (sisimai Reason/SecurityError.pm, BSD-2); before
	 * the rcpthosts refusal that it contains.
	 */
	RULE(securityerror, "dont-authenticate", "you don't authenticate"),
	/* qmail: the domain is not one it accepts mail for (rcpthosts);
	 * sisimai Reason/NoRelaying.pm has it without the "s" as well */
	RULE(norelaying, "rcpthosts", "allowed rcpthost"),
	RULE(norelaying, "insecure-relay", "insecure mail relay"),
	RULE(norelaying, "non-local-address", "non-local e-mail address"),
	RULE(norelaying, "not-a-gateway", "not a gateway"),
	RULE(norelaying, "not-an-open-relay", "not an open relay"),
	RULE(norelaying, "relaying-mail-to", "relaying mail to"),
	RULE(norelaying, "dont-handle-mail-for", "don't handle mail for"),
	/* sisimai Reason/NoRelaying.pm (BSD-2) */
	RULE(norelaying, "as-a-relay", "as a relay"),
	RULE(norelaying, "not-local-host", "not local host"),

	/*
	 * Malformed headers. Before the authentication group: "duplicate
	 * header 'DKIM-Signature'" is about the headers, not DKIM; and
	 * before spam, which Gmail names when it refuses such messages.
	 */
	RULE(notcompliantrfc, "duplicate-header", "duplicate header"),
	RULE(notcompliantrfc, "rfc5322", "rfc 5322"),
	RULE(notcompliantrfc, "rfc5322b", "rfc5322"),
	RULE(notcompliantrfc, "rfc2822", "rfc 2822"),
	RULE(notcompliantrfc, "multiple-from", "multiple addresses in from"),
	RULE(notcompliantrfc, "from-header-addresses", "addresses in from: header"),
	RULE(notcompliantrfc, "not-rfc-compliant", "not rfc compliant"),

	/*
	 * The sender's domain fails SPF, DKIM or DMARC (RFC 7208, 6376,
	 * 7489). Before "recipient address rejected", which Postfix policy
	 * services put in front of any reason, and before spam and access
	 * denied, which providers add to these refusals.
	 */
	RULE(authfailure, "dmarc", "dmarc"),
	RULE(authfailure, "spf-check", "spf check"),
	RULE(authfailure, "spf-fail", "spf fail"),
	RULE(authfailure, "fails-spf", "fails to pass spf"),
	RULE(authfailure, "spf-validation", "spf validation"),
	RULE(authfailure, "dkim-fail", "dkim * fail"),
	RULE(authfailure, "dkim-invalid", "dkim * invalid"),
	RULE(authfailure, "unauthenticated-email", "unauthenticated email"),
	RULE(authfailure, "mail-unauthenticated", "mail is unauthenticated"),
	RULE(authfailure, "not-pass-spf", "not pass spf"),
	RULE(authfailure, "sender-policy-framework", "sender policy framework"),
	RULE(authfailure, "no-authentication-information",
	    "does not have authentication information"),
	RULE(authfailure, "authentication-checks",
	    "authentication checks failed"),
	/* sisimai Reason/AuthFailure.pm (BSD-2): SPF wordings; "_401" is
	 * Orange's SPF refusal code */
	RULE(authfailure, "spf-pobox", "spf.pobox.com"),
	RULE(authfailure, "bad-spf-records", "bad spf records"),
	RULE(authfailure, "spf-settings", "spf settings"),
	RULE(authfailure, "per-its-spf-record", "per it's spf record"),
	RULE(authfailure, "not-allowed-401", "is not allowed to send mail.*_401"),
	/* Gmail 4.7.26-28 (sisimai Rhost/Google.pm; support.google.com/
	 * mail/answer/81126#authentication) */
	RULE(authfailure, "senders-to-authenticate", "senders to authenticate"),
	/* the sending IP's reverse DNS (PTR) */
	RULE(requireptr, "no-ptr", "no ptr record"),
	RULE(requireptr, "reverse-dns", "reverse dns"),
	RULE(requireptr, "rdns", "rdns"),
	RULE(requireptr, "reverse-lookup", "reverse lookup"),
	RULE(requireptr, "ptr-record", "ptr record"),
	RULE(requireptr, "cannot-resolve-ptr", "cannot find your hostname"),
	RULE(requireptr, "reverse-hostname", "reverse hostname"),
	RULE(requireptr, "ip-name-lookup", "ip name lookup failed"),
	RULE(requireptr, "no-reverse", "no reverse"),
	/* Exchange Online: the HELO domain does not resolve to the client */
	RULE(requireptr, "mismatches-client-ip", "mismatches client ip"),
	/* sisimai Reason/RequirePTR.pm (BSD-2) */
	RULE(requireptr, "dns-ptr", "dns ptr"),
	RULE(requireptr, "forward-dns-entry", "forward dns entry"),
	RULE(requireptr, "unverifyable-sending-ips", "unverifyable sending ip"),
	RULE(requireptr, "unresolvable-relay-host",
	    "unresolvable relay host name"),
	/* the envelope sender: its address or its domain */
	RULE(rejected, "sender-rejected", "sender address rejected"),
	RULE(rejected, "sender-rejected2", "sender rejected"),
	RULE(rejected, "sender-denied", "sender denied"),
	RULE(rejected, "sender-verify", "sender verify failed"),
	RULE(rejected, "sender-verification", "sender verification failed"),
	RULE(rejected, "domain-of-sender", "domain of sender address"),
	RULE(rejected, "sender-domain", "sender domain must exist"),
	RULE(rejected, "sender-domain-no-mx", "sender domain has no"),
	RULE(rejected, "unroutable-sender", "unroutable sender"),
	RULE(rejected, "mail-from-rejected", "mail from rejected"),
	RULE(rejected, "sender-not-allowed", "sender is not allowed"),
	/* Amazon SES in its sandbox: the From address is not verified */
	RULE(rejected, "address-not-verified", "address is not verified"),
	RULE(rejected, "invalid-sender", "invalid sender"),
	/* the sending IP, not the address (sisimai Reason/Blocked.pm) */
	RULE(blocked, "bad-sender-ip", "bad sender ip"),
	RULE(rejected, "bad-sender", "bad sender"),
	RULE(rejected, "batv", "batv"),
	RULE(rejected, "backscatter", "backscatter"),
	RULE(rejected, "bogus-mail-from", "bogus mail from"),
	RULE(rejected, "valid-sender-domain", "valid sender domain"),
	RULE(rejected, "bouncedeny", "bouncedeny"),
	RULE(rejected, "emetteur-invalide", "emetteur invalide"),
	RULE(rejected, "empty-envelope-sender", "empty envelope sender"),
	RULE(rejected, "third-party-dsn", "third-party dsn"),
	RULE(rejected, "fully-qualified-required",
	    "fully qualified email address required"),
	RULE(rejected, "not-owned-by-user", "not owned by user"),
	RULE(rejected, "needs-fqdn", "needs fqdn"),
	RULE(rejected, "returned-mail-not-accepted",
	    "returned mail not accepted"),
	RULE(rejected, "badmailfrom", "badmailfrom"),
	RULE(rejected, "not-pre-approved", "not pre-approved"),
	RULE(rejected, "sender-domain-empty", "sender domain is empty"),
	RULE(rejected, "sender-was-rejected", "sender was rejected"),
	RULE(rejected, "unsigned-dsn", "unsigned dsn"),
	RULE(rejected, "sender-email-rejected",
	    "sender email address rejected"),
	RULE(rejected, "mx-for-sender-domain", "mx records for sender domain"),
	RULE(rejected, "address-has-been-blacklisted",
	    "address has been blacklisted"),
	RULE(rejected, "does-not-accept-mail-from",
	    "does not accept mail from"),
	RULE(rejected, "valid-from", "provide a valid from"),
	/* Gmail's "Send mail as": the alias's own server refused us */
	RULE(rejected, "send-mail-as", "'send mail as'"),
	/* Sender ID (RFC 4407): no purported responsible address */
	RULE(rejected, "purported-responsible",
	    "purported responsible address"),
	/* a list or group that takes posts from its members only */
	RULE(rejected, "permission-to-post", "permission to post"),
	RULE(rejected, "not-allowed-to-post", "not allowed to post"),
	/* sisimai Reason/Rejected.pm (BSD-2): the sender's address; an
	 * address on a list is the sender's, before the IP block lists */
	RULE(rejected, "sender-blacklisted", "sender blacklisted"),
	RULE(rejected, "sender-in-black-list", "sender is in my black list"),
	RULE(rejected, "sender-is-spammer", "sender is spammer"),
	RULE(rejected, "valid-address-filter", "valid-address-filter"),
	RULE(rejected, "senderfilterconfig", "senderfilterconfig"),
	RULE(rejected, "envelope-blocked", "envelope blocked"),
	RULE(rejected, "registered-gateway-user", "not a registered gateway user"),
	RULE(rejected, "recursive-cname", "recursive cname records"),
	RULE(rejected, "rule-imposed-mailbox-access",
	    "rule imposed mailbox access"),
	RULE(rejected, "different-address-or-alias",
	    "from a different address or alias"),
	RULE(rejected, "empty-email-address", "empty email address"),
	RULE(rejected, "does-not-exist-e2110", "does not exist e2110"),
	/* the sending client must authenticate (RFC 4954) */
	RULE(securityerror, "authentication-required",
	    "authentication required"),
	RULE(securityerror, "authrequired", "authrequired"),
	RULE(securityerror, "unauthenticated-sender", "unauthenticated sender"),
	RULE(securityerror, "must-authenticate", "must authenticate"),
	RULE(securityerror, "authentication-failure", "authentication failure"),
	RULE(securityerror, "credentials-invalid",
	    "authentication credentials invalid"),
	RULE(securityerror, "authentication-turned-on",
	    "authentication turned on"),
	/* sisimai Reason/SecurityError.pm (BSD-2); Postfix's SASL client
	 * says "SASL authentication failed; server ... said: 535 ..." */
	RULE(securityerror, "authentication-is-required",
	    "authentication is required"),
	RULE(securityerror, "sasl-authentication-failed",
	    "authentication failed; server"),
	RULE(securityerror, "fr-authentification-invalide",
	    "authentification invalide"),
	RULE(securityerror, "fr-authentification-requise",
	    "authentification requise"),
	RULE(securityerror, "not-subscribed-to-ses", "not subscribed to ses"),
	RULE(securityerror, "ses-not-authorized",
	    "is not authorized to perform ses:"),
	RULE(securityerror, "dead-domain", "is a dead domain"),
	/* RFC 4954 6: the AUTH replies 534 and 538 */
	RULE(securityerror, "mechanism-too-weak",
	    "authentication mechanism is too weak"),
	RULE(securityerror, "encryption-required-for-auth",
	    "encryption required for requested authentication"),
	/* Gmail's submission server (sisimai Rhost/Google.pm; support.
	 * google.com/mail/?p=WantAuthError, /accounts/answer/185833) */
	RULE(securityerror, "username-and-password",
	    "username and password not accepted"),
	RULE(securityerror, "application-specific-password",
	    "application-specific password required"),
	RULE(securityerror, "too-many-login-attempts", "too many login attempts"),
	/* Exchange Online 5.7.57 (learn.microsoft.com NDR reference;
	 * sisimai Rhost/Microsoft.pm) */
	RULE(securityerror, "anonymous-mail",
	    "client was not authenticated to send anonymous mail"),

	/* the sending IP's or domain's standing; before spam. A DNS
	 * blocklist hit ("blocked using <list>") is blocked, even when the
	 * list is called a reputation service */
	RULE(blocked, "blocked-using", "blocked using"),
	RULE(badreputation, "reputation", "reputation"),
	RULE(badreputation, "user-complaints", "user complaints"),

	/*
	 * Limits and rates. Before the block lists ("IP frequency limited,
	 * blocked") and the quota group: "daily sending quota" and
	 * "receiving mail at a rate" are not a full mailbox.
	 */
	/* a mailbox holding too many messages, not a rate */
	RULE(mailboxfull, "too-many-messages-stored",
	    "too many messages on the server"),
	RULE(toomanyconn, "too-many-connections", "too many connections"),
	RULE(toomanyconn, "too-many-sessions", "too many sessions"),
	RULE(toomanyconn, "too-many-concurrent", "too many concurrent"),
	RULE(toomanyconn, "too-many-simultaneous", "too many simultaneous"),
	RULE(toomanyconn, "connection-limit", "connection limit"),
	RULE(toomanyconn, "too-many-recipients", "too many recipients"),
	RULE(toomanyconn, "frequency-limited", "frequency limited"),
	RULE(toomanyconn, "too-many-smtp-sessions", "too many smtp sessions"),
	RULE(toomanyconn, "trop-de-connexions", "trop de connexions"),
	RULE(speeding, "rate-limit", "rate limit"),
	RULE(speeding, "rate-limited", "rate-limited"),
	RULE(speeding, "too-many-messages", "too many messages"),
	RULE(speeding, "sending-too-fast", "too fast"),
	RULE(speeding, "receiving-rate", "receiving mail at a rate"),
	RULE(speeding, "too-quickly", "too quickly"),
	RULE(speeding, "sending-quota", "sending quota"),
	RULE(speeding, "throttled", "throttl"),
	RULE(speeding, "rate-too-high", "rate too high"),
	RULE(speeding, "emails-per-hour", "emails per hour"),
	/* sisimai Reason/Speeding.pm, RateLimited.pm (BSD-2); the captcha
	 * one is Google Groups' limit on posts */
	RULE(speeding, "try-again-slower", "try again slower"),
	RULE(speeding, "posts-without-captcha", "without solving a captcha"),
	RULE(toomanyconn, "numerous-attempts", "made numerous attempts to deliver"),
	/* a per-recipient limit (RFC 3463 X.2.3), Exchange's RecipSizeLimit */
	RULE(exceedlimit, "recipient-size-limit", "too large for this recipient"),
	RULE(exceedlimit, "recipsizelimit", "recipsizelimit"),

	/*
	 * The sending IP is listed or refused. Before the system faults:
	 * "Service unavailable; client host blocked using ..." is a block.
	 */
	/* URI block lists judge the links in the content, not the IP */
	RULE(spamdetected, "blacklisted-url", "blacklisted url"),
	RULE(spamdetected, "uribl", "uribl"),
	RULE(spamdetected, "surbl", "surbl"),
	/* an address (the sender's), not the IP, is on the list */
	RULE(rejected, "address-blacklisted", "address that has been blacklisted"),
	RULE(blocked, "blacklist", "blacklist"),
	RULE(blocked, "blocklist", "blocklist"),
	RULE(blocked, "block-list", "block list"),
	RULE(blocked, "listed-at", "listed at"),
	RULE(blocked, "dnsbl", "dnsbl"),
	/* "rbl" as a word: "garbled" must not match */
	RULE(blocked, "rbl", " rbl"),
	RULE(blocked, "rbl-colon", "rbl:"),
	RULE(blocked, "rbl-path", "/rbl"),
	RULE(blocked, "spamhaus", "spamhaus"),
	RULE(blocked, "spamcop", "spamcop"),
	RULE(blocked, "client-host-rejected", "client host rejected"),
	RULE(blocked, "client-host-blocked", "client host blocked"),
	RULE(blocked, "ip-blocked", "ip address * blocked"),
	RULE(blocked, "blocked-ip", "blocked ip"),
	RULE(blocked, "banned-ip", "banned sending ip"),
	/* Microsoft 5.7.511: the sending IP is on its banned list */
	RULE(blocked, "banned-sender", "access denied, banned sender"),
	RULE(blocked, "blocked-see", "blocked - see"),
	RULE(blocked, "refused-see", "refused - see"),
	RULE(blocked, "in-a-black-list", "in a black list"),
	RULE(blocked, "bad-ip-profile", "bad ip profile"),
	RULE(blocked, "mail-from-your-ip", "accepting mail from your ip"),
	RULE(blocked, "no-access-from-server", "no access from mail server"),
	RULE(blocked, "open-proxy", "open proxy"),
	RULE(blocked, "forbidden-by-ip", "forbidden by your ip"),
	RULE(blocked, "unwanted-from-ip",
	    "unwanted messages have been sent from"),
	RULE(blocked, "not-allowed-to-connect", "not allowed to connect"),
	RULE(blocked, "confirm-server", "confirm this mail server"),
	RULE(blocked, "requires-confirmation", "server requires confirmation"),
	RULE(blocked, "access-to-submit", "access to submit messages"),
	RULE(blocked, "sender-ip-rejected", "ip address rejected"),
	/* a client that tried too many bad addresses is refused as a whole:
	 * not a verdict on this recipient (before userunknown) */
	RULE(blocked, "too-many-bad-recipients", "too many bad recipients"),
	RULE(blocked, "too-many-invalid-recipients",
	    "too many invalid recipients"),
	RULE(blocked, "too-many-errors-from-ip",
	    "too many errors from your ip"),
	RULE(blocked, "blackhole", "blackhole"),
	RULE(blocked, "not-in-whitelist", "not in whitelist"),
	RULE(blocked, "invalid-helo", "invalid helo"),
	/* T-Online refuses IPs it does not know with this sentence */
	RULE(blocked, "t-online-problem",
	    "a problem occurred. (ask your postmaster"),
	RULE(blocked, "blocked-for-abuse", "blocked for abuse"),
	RULE(blocked, "connection-rejected", "connection rejected"),
	RULE(blocked, "not-accepting-connections", "not accepting connections"),
	RULE(blocked, "service-refused", "service refused"),
	/* qmail: the HELO name was refused (RFC 5321 4.1.1.1) */
	RULE(blocked, "helo-rejected", "my name was rejected"),
	/* a dynamic address must send through its provider's server */
	RULE(blocked, "use-isp-server", "smtp server of your isp"),
	RULE(blocked, "dynamic-ip", "dynamic ip"),
	RULE(blocked, "dynamic-address", "dynamic address"),
	RULE(blocked, "dynamically-assigned", "dynamically-assigned"),
	RULE(blocked, "dynamically-assigned2", "dynamically assigned"),
	RULE(blocked, "not-authorized-directly",
	    "not authorized to send email directly"),
	/* Postfix smtpd_helo_restrictions: the client's HELO name */
	RULE(blocked, "helo-command-rejected", "helo command rejected"),
	/* sisimai Reason/Blocked.pm (BSD-2): the client IP is refused, also
	 * for having sent spam (not a verdict on this message's content) */
	RULE(blocked, "barracudacentral", "barracudacentral.org"),
	RULE(blocked, "blocked-by-earthlink", "blocked by earthlink"),
	RULE(blocked, "listed-as-abusive", "listed as abusive"),
	RULE(blocked, "invalid-ip-for-sending", "invalid ip for sending mail"),
	RULE(blocked, "not-passed-validation",
	    "sending mta or the sender has not passed validation"),
	RULE(blocked, "submit-messages-rejected",
	    "to submit messages to this e-mail system has been rejected"),
	RULE(blocked, "sending-spam", "sending spam"),
	RULE(blocked, "spam-ips", "spam ips blocked"),
	RULE(blocked, "like-spammer", "suspiciously like spammer"),
	RULE(blocked, "spams-from-ip", "spams from your ip"),
	RULE_CLASS(blocked, "greylisted", "greylist", CLASS_TRANSIENT),
	RULE_CLASS(blocked, "graylisted", "graylist", CLASS_TRANSIENT),

	/*
	 * Seed group 2: the size of the message. The receiving disk or
	 * mailbox limits come first: "mailbox size limit exceeded" is full.
	 */
	RULE(mailboxfull, "mailbox-size-limit", "mailbox size limit"),
	/* Sendmail's local mailer: the mailbox file, not the message */
	RULE(mailboxfull, "mail-file-size", "mail file size exceeds"),
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
	RULE(mesgtoobig, "maximum-fixed-size", "maximum fixed size"),
	RULE(mesgtoobig, "inbound-message-size",
	    "maximum inbound message size"),
	RULE(mesgtoobig, "taille-limite", "taille limite du message"),
	RULE(mesgtoobig, "file-too-large", "message file too big"),
	RULE(mesgtoobig, "too-much-data", "too much data"),

	/* the receiving system's disk, before the mailbox's "is full" */
	RULE(systemfull, "disk-full", "disk full"),
	RULE(systemfull, "disk-is-full", "disk is full"),
	RULE(systemfull, "out-of-disk", "out of disk"),
	RULE(systemfull, "insufficient-disk", "insufficient disk space"),
	/* RFC 5321 4.2.3: 452 "insufficient system storage" */
	RULE(systemfull, "insufficient-system-storage",
	    "insufficient system storage"),
	RULE(systemfull, "no-space-left", "no space left on device"),
	/* sisimai Reason/SystemFull.pm (BSD-2) */
	RULE(systemfull, "mail-system-full", "mail system full"),

	/* Seed group 3: the mailbox is full; worth resending later. */
	RULE(mailboxfull, "over-quota", "over quota"),
	RULE(mailboxfull, "over-the-quota", "over the quota"),
	RULE(mailboxfull, "overquota", "overquota"),
	RULE(mailboxfull, "quota-exceeded", "quota exceeded"),
	RULE(mailboxfull, "exceeded-quota", "exceeded * quota"),
	RULE(mailboxfull, "exceeds-quota", "exceeds * quota"),
	RULE(mailboxfull, "exceeded-quota-plain", "exceeded quota"),
	RULE(mailboxfull, "boite-pleine", "boite du destinataire pleine"),
	RULE(mailboxfull, "lacks-space", "does not have enough space"),
	RULE(mailboxfull, "mailbox-quota", "mailbox quota"),
	RULE(mailboxfull, "not-enough-storage", "not enough storage space"),
	RULE(mailboxfull, "allowed-quota", "allowed quota"),
	RULE(mailboxfull, "quota-violation", "quota violation"),
	RULE(mailboxfull, "maximum-allowed-storage",
	    "exceed maximum allowed storage"),
	RULE(mailboxfull, "space-used-up", "space has been used up"),
	RULE(mailboxfull, "quota-full", "quota full"),
	RULE(mailboxfull, "mailbox-full", "mailbox full"),
	RULE(mailboxfull, "mailbox-is-full", "mailbox is full"),
	RULE(mailboxfull, "mailfolder-full", "mailfolder is full"),
	RULE(mailboxfull, "mailbox-has-exceeded", "mailbox has exceeded"),
	RULE(mailboxfull, "mailbox-exceeds", "mailbox exceeds"),
	RULE(mailboxfull, "mailbox-exceeded", "mailbox exceeded"),
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
	RULE(mailboxfull, "storage-quota", "storage quota"),
	/* sisimai Reason/MailboxFull.pm (BSD-2) */
	RULE(mailboxfull, "exceeding-quota", "exceeding * quota"),
	RULE(mailboxfull, "diskspace-quota", "diskspace quota"),
	RULE(mailboxfull, "exceeding-receiving-limits",
	    "exceeding receiving limits"),
	/* Gmail 4.2.2/5.2.2 (sisimai Rhost/Google.pm; support.google.com/
	 * mail/?p=OverQuotaTemp) */
	RULE(mailboxfull, "inbox-out-of-storage", "inbox is out of storage space"),
	/* the same in the languages receiving servers answer in */
	RULE(mailboxfull, "de-postfach-voll", "postfach voll"),
	RULE(mailboxfull, "de-postfach-ist-voll", "postfach ist voll"),
	RULE(mailboxfull, "fr-boite-pleine", "boîte aux lettres pleine"),
	RULE(mailboxfull, "fr-boite-pleine-ascii", "boite aux lettres pleine"),
	RULE(mailboxfull, "es-buzon-lleno", "buzón lleno"),
	RULE(mailboxfull, "it-casella-piena", "casella piena"),
	RULE(mailboxfull, "pt-caixa-cheia", "caixa postal cheia"),
	RULE(mailboxfull, "zh-mailbox-full", "邮箱已满"),
	RULE(mailboxfull, "zh-tw-mailbox-full", "信箱已滿"),
	RULE(mailboxfull, "ja-mailbox-full", "容量オーバー"),

	/*
	 * The domain takes no mail at all: RFC 7505 null MX, or no mail
	 * exchanger to be found. Before the unknown host, and before the
	 * recipient's own refusals ("host/domain does not accept mail").
	 */
	RULE(notaccept, "does-not-accept-mail", "does not accept mail"),
	RULE(notaccept, "null-mx", "null mx"),
	RULE(notaccept, "no-smtp-service", "no smtp service"),
	RULE(notaccept, "doesnt-receive-email", "doesn't receive email"),
	RULE(notaccept, "no-mx", "no mx record"),
	RULE(notaccept, "no-mx-found", "no mx found"),
	RULE(notaccept, "no-mail-exchanger", "find a mail exchanger"),
	/* the mailbox exists but takes no mail now */
	RULE(suspend, "disabled", "account disabled"),
	RULE(suspend, "account-is-disabled", "account is disabled"),
	RULE(suspend, "mailbox-disabled", "mailbox disabled"),
	RULE(suspend, "mailbox-is-disabled", "mailbox is disabled"),
	RULE(suspend, "has-been-disabled", "has been disabled"),
	RULE(suspend, "account-suspended", "account * suspended"),
	RULE(suspend, "mailbox-suspended", "mailbox * suspended"),
	RULE(suspend, "user-suspended", "user suspended"),
	RULE(suspend, "inactive", "inactive"),
	RULE(suspend, "not-active", "is not active"),
	RULE(suspend, "deactivated", "deactivated"),
	RULE(suspend, "expired-account", "account has expired"),
	RULE(suspend, "account-expired", "account expired"),
	RULE(suspend, "account-closed", "account has been closed"),
	RULE(suspend, "boite-archivee", "boite du destinataire archivee"),
	RULE(suspend, "tried-to-reach-disabled", "tried to reach is disabled"),
	RULE(suspend, "has-been-suspended", "has been suspended"),
	RULE(suspend, "user-terminated", "user is terminated"),
	RULE(suspend, "suspend-the-service", "suspend the service"),
	RULE(suspend, "user-or-domain-disabled", "user or domain is disabled"),
	RULE(suspend, "extended-inactivity", "extended inactivity"),
	RULE(suspend, "frozen", "mailbox is frozen"),
	RULE(suspend, "account-blocked", "recipient account is blocked"),
	RULE(suspend, "account-locked", "account is locked"),
	RULE(suspend, "account-has-been-locked", "account has been locked"),
	/* sisimai Reason/Suspend.pm (BSD-2) */
	RULE(suspend, "currently-suspended", "is currently suspended"),
	RULE(suspend, "temporary-locked", "temporary locked"),
	/* sisimai Reason/HasMoved.pm (BSD-2) */
	RULE(hasmoved, "has-been-replaced-by", "has been replaced by"),
	/* the address was never right: sisimai Reason/UserUnknown.pm;
	 * before "no longer valid" */
	RULE(userunknown, "wrong-or-no-longer-valid", "wrong or no longer valid"),
	RULE(hasmoved, "has-moved", "has moved"),
	RULE(hasmoved, "address-changed", "address has changed"),
	RULE(hasmoved, "no-longer-valid", "no longer valid"),
	/* RFC 5321 3.4: 551 User not local; please try <forward-path> */
	RULE(hasmoved, "user-not-local", "user not local"),
	RULE(filtered, "refused-by-recipient", "refused by recipient"),
	RULE(filtered, "recipient-refuses", "recipient does not accept"),
	RULE(filtered, "not-accepting-mail-from", "not accepting mail from"),
	RULE(filtered, "rejected-by-recipient", "rejected by recipient"),
	RULE(filtered, "rejected-by-this-user", "rejected by this user"),
	RULE(filtered, "delivery-not-authorized", "delivery not authorized"),
	RULE(filtered, "not-allowed-to-send-to-recipient",
	    "not allowed to send to this recipient"),
	RULE(filtered, "not-authorized-to-receive",
	    "not authorized to receive mail from"),
	/* Exchange: the recipient (a restricted group) refuses this sender */
	RULE(filtered, "rst-not-authorized", "resolver.rst.notauthorized"),
	/* AOL: not "mail with" attachments or images, a content policy
	 * (sisimai Reason/PolicyViolation.pm) */
	RULE(policyviolation, "not-accepting-mail-with",
	    "not accepting mail with"),
	RULE(filtered, "recipient-not-accepting",
	    "recipient is not accepting mail"),
	RULE(filtered, "not-accepting-any-mail", "is not accepting any mail"),
	RULE(filtered, "recipient-preferences", "recipient preferences"),
	RULE(filtered, "refuses-to-receive", "refuses to receive"),
	RULE(filtered, "refuse-to-receive", "refuse to receive mail"),
	RULE(filtered, "blocked-by-recipient", "blocked by the recipient"),
	RULE(filtered, "elected-not-to-receive", "elected not to receive"),
	RULE(filtered, "user-rules", "due to user rules"),
	RULE(filtered, "protected-by", "this account is protected by"),
	RULE(filtered, "message-filtered", "message filtered"),
	/* sisimai Reason/Filtered.pm (BSD-2) */
	RULE(filtered, "only-accepting-from-specific",
	    "only accepting mail from specific"),
	RULE(filtered, "restricted-sms", "has restricted sms e-mail"),

	/*
	 * A resolver failure that is not a verdict on the domain ("try
	 * again" is the resolver's TRY_AGAIN; a malformed reply is a broken
	 * name server): before "host not found".
	 */
	RULE(networkerror, "dns-try-again", "host not found, try again"),
	RULE(networkerror, "dns-malformed-reply", "unexpected name server reply"),
	RULE(networkerror, "dns-servfail", "servfail"),
	RULE(networkerror, "dns-temporary", "dns temporary failure"),
	RULE(networkerror, "could-not-connect-and-send",
	    "could not connect and send"),
	RULE(networkerror, "host-is-unreachable", "host is unreachable"),
	RULE(networkerror, "host-unreachable", "host unreachable"),
	RULE(networkerror, "connection-reset", "connection reset by peer"),
	RULE(networkerror, "connection-dropped", "connection dropped"),
	RULE(networkerror, "connection-was-dropped", "connection was dropped"),
	RULE(networkerror, "forwarding-loop", "forwarding loop"),
	RULE(networkerror, "malformed-ns-reply", "malformed name server reply"),
	RULE(networkerror, "message-looping", "message looping"),
	RULE(networkerror, "resolve-route", "unable to resolve route"),
	RULE(networkerror, "loop-in-mx", "loop was found"),
	RULE(hostunknown, "name-lookup-failure", "host name lookup failure"),
	RULE(hostunknown, "host-not-found", "host not found"),
	RULE(hostunknown, "host-unknown", "host unknown"),
	RULE(hostunknown, "unknown-host", "unknown host"),
	RULE(hostunknown, "domain-not-found", "domain not found"),
	RULE(hostunknown, "no-such-domain", "no such domain"),
	RULE(hostunknown, "name-service-error", "name service error"),
	RULE(hostunknown, "unrouteable", "unrouteable address"),
	RULE(hostunknown, "unroutable", "unroutable"),
	RULE(hostunknown, "domain-does-not-exist", "domain does not exist"),
	RULE(hostunknown, "nxdomain", "nxdomain"),
	RULE(hostunknown, "recipient-domain-must-exist",
	    "recipient domain must exist"),
	RULE(hostunknown, "dns-records-not-found",
	    "dns records for the destination"),
	RULE(hostunknown, "unrouteable-mail-domain", "unrouteable mail domain"),
	RULE(hostunknown, "name-or-service", "name or service not known"),
	RULE(hostunknown, "dns-error", "dns error"),
	RULE(hostunknown, "dns-lookup-failure", "dns lookup failure"),
	RULE(hostunknown, "unknown-domain", "unknown domain"),
	RULE(hostunknown, "recipient-domain", "recipient domain * not found"),
	RULE(hostunknown, "domain-name-not-found", "domain name not found"),
	RULE(hostunknown, "no-host-named", "find any host named"),
	RULE(hostunknown, "no-host-by-that-name", "find any host by that name"),
	RULE(hostunknown, "non-existent-hosts", "point to non-existent host"),
	RULE(hostunknown, "domain-not-reachable", "domain is not reachable"),
	RULE(hostunknown, "host-or-domain", "host or domain name not found"),
	/* RFC 3463's own words for X.1.2, which some MTAs send as text */
	RULE(hostunknown, "bad-destination-system",
	    "bad destination system address"),
	/* sisimai Reason/HostUnknown.pm (BSD-2); after the sender's
	 * "sender domain must exist" */
	RULE(hostunknown, "domain-must-exist", "domain must exist"),
	RULE(hostunknown, "account-or-domain",
	    "the account or domain may not exist"),
	RULE(hostunknown, "mail-domain-unknown",
	    "mail domain mentioned in email address is unknown"),

	/*
	 * A local delivery program failed. Before the unknown user: the
	 * program's own output often says "no such user" about some other
	 * lookup (Postfix pipe(8) puts it after "Command output:").
	 */
	RULE(mailererror, "command-output", "command output:"),
	RULE(mailererror, "mailer-error", "mailer error"),
	RULE(mailererror, "command-died", "command died"),
	RULE(mailererror, "procmail", "procmail"),
	RULE(mailererror, "exit-status", "exit status"),
	RULE(mailererror, "child-status", "child status"),
	/* Exim: a delivery to a pipe (a local program) failed */
	RULE(mailererror, "pipe-to", "pipe to |"),
	/* sisimai Reason/MailerError.pm (BSD-2): a shell's "|| exit";
	 * Courier's maildrop */
	RULE(mailererror, "exit-pipe", "|| exit"),
	RULE(mailererror, "maildrop", "bin/maildrop"),

	/*
	 * Seed group 1: the mailbox does not exist. Late, so that a
	 * "mailbox unavailable: over quota" reads as full.
	 */
	RULE(userunknown, "unknown-user", "unknown user"),
	RULE(userunknown, "user-unknown", "user unknown"),
	RULE(userunknown, "no-such-user", "no such user"),
	RULE(userunknown, "no-such-mailbox", "no such mailbox"),
	RULE(userunknown, "no-mailbox-here", "no mailbox here"),
	RULE(userunknown, "user-not-found", "user not found"),
	RULE(userunknown, "user-not-exist", "user not exist"),
	RULE(userunknown, "user-doesnt-have", "user doesn't have a"),
	RULE(userunknown, "user-is-unknown", "user is unknown"),
	RULE(userunknown, "no-such-account", "no such account"),
	RULE(userunknown, "unknown-mailbox", "unknown mailbox"),
	RULE(userunknown, "no-mailbox-by-that-name", "no mailbox by that name"),
	RULE(userunknown, "not-a-valid-recipient", "not a valid recipient"),
	RULE(userunknown, "illegal-alias", "unknown or illegal alias"),
	RULE(userunknown, "invalid-recipient", "invalid recipient"),
	RULE(userunknown, "not-a-valid-mailbox", "not a valid mailbox"),
	RULE(userunknown, "mailbox-unavailable", "mailbox unavailable"),
	RULE(userunknown, "mailbox-not-found", "mailbox not found"),
	/* Microsoft 5.4.310: the domain part, not the mailbox */
	RULE(hostunknown, "dns-domain-does-not-exist",
	    "dns domain * does not exist"),
	RULE(userunknown, "does-not-exist", "does not exist"),
	/* more ways MTAs say the mailbox does not exist */
	RULE(userunknown, "archived-recipient", "archived recipient"),
	RULE(userunknown, "bad-destination-email",
	    "bad destination email address"),
	RULE(userunknown, "bad-recipient", "bad recipient"),
	RULE(userunknown, "cannot-find-mailbox", "cannot find your mailbox"),
	RULE(userunknown, "email-could-not-be-found",
	    "email address could not be found"),
	RULE(userunknown, "couldnt-be-found", "couldn't be found"),
	RULE(userunknown, "not-a-known-user", "not a known user"),
	RULE(userunknown, "mailbox-not-present", "mailbox not present"),
	RULE(userunknown, "no-account-by-name", "no account by that name"),
	RULE(userunknown, "no-existe-persona", "no existe dicha persona"),
	RULE(userunknown, "no-existe-usuario", "no existe ese usuario"),
	RULE(userunknown, "no-mail-box-available", "no mail box available"),
	RULE(userunknown, "no-mailbox-found", "no mailbox found"),
	RULE(userunknown, "not-a-valid-user", "not a valid user"),
	RULE(userunknown, "not-found-in-directory", "not found in directory"),
	RULE(userunknown, "not-known-at-site", "not known at this site"),
	RULE(userunknown, "recipient-not-exist", "recipient not exist"),
	RULE(userunknown, "badrcptto", "badrcptto"),
	RULE(userunknown, "badrecipientto", "badrecipientto"),
	RULE(userunknown, "validrcptto", "validrcptto"),
	RULE(userunknown, "envelope-recipient-deleted",
	    "envelope recipient has been deleted"),
	RULE(userunknown, "no-one-at-address", "no one at this address"),
	RULE(userunknown, "missing-home-directory", "missing home directory"),
	RULE(userunknown, "user-not-known", "user not known"),
	RULE(userunknown, "no-such-local-user", "no such local user"),
	RULE(userunknown, "invalid-email-address", "invalid e-mail address"),
	RULE(userunknown, "doesnt-exist", "doesn't exist"),
	RULE(userunknown, "recipient-unknown", "recipient unknown"),
	RULE(userunknown, "unknown-recipient", "unknown recipient"),
	RULE(userunknown, "no-such-recipient", "no such recipient"),
	RULE(userunknown, "invalid-mailbox", "invalid mailbox"),
	RULE(userunknown, "not-our-customer", "not our customer"),
	RULE(userunknown, "address-unknown", "address unknown"),
	RULE(userunknown, "invalid-address", "invalid address"),
	RULE(userunknown, "no-such-address", "no such address"),
	RULE(userunknown, "not-listed", "not listed in"),
	RULE(userunknown, "unknown-local-part", "unknown local part"),
	RULE(userunknown, "no-such-person", "no such person"),
	RULE(userunknown, "mailbox-unknown", "mailbox unknown"),
	RULE(userunknown, "recipient-not-found", "recipient not found"),
	RULE(userunknown, "recipnotfound", "recipnotfound"),
	RULE(userunknown, "address-not-found", "address not found"),
	/* the same in the languages receiving servers answer in */
	RULE(userunknown, "de-unbekannter-empfaenger", "unbekannter empfänger"),
	RULE(userunknown, "de-empfaenger-unbekannt", "empfänger unbekannt"),
	RULE(userunknown, "de-benutzer-unbekannt", "benutzer unbekannt"),
	RULE(userunknown, "fr-utilisateur-inconnu", "utilisateur inconnu"),
	RULE(userunknown, "fr-destinataire-inconnu", "destinataire inconnu"),
	RULE(userunknown, "fr-destinataire-invalide",
	    "adresse destinataire invalide"),
	RULE(userunknown, "es-usuario-desconocido", "usuario desconocido"),
	RULE(userunknown, "es-destinatario-desconocido",
	    "destinatario desconocido"),
	RULE(userunknown, "it-utente-sconosciuto", "utente sconosciuto"),
	RULE(userunknown, "pt-usuario-desconhecido", "usuário desconhecido"),
	RULE(userunknown, "zh-user-not-exist", "用户不存在"),
	RULE(userunknown, "zh-rcpt-not-exist", "收件人不存在"),
	RULE(userunknown, "zh-tw-user-not-exist", "用戶不存在"),
	RULE(userunknown, "ja-unknown-address", "宛先不明"),
	RULE(userunknown, "name-not-recognized", "name is not recognized"),
	/*
	 * Exchange Online's directory-based edge blocking says "no such
	 * address" this way, with 5.4.1; from Postfix access(5) the same
	 * words with 5.7.1 are a local block, left to the weak rules.
	 */
	RULE_STATUS(userunknown, "recipient-access-denied",
	    "recipient address rejected: access denied", "5.4.1"),
	RULE(userunknown, "bad-destination-mailbox",
	    "bad destination mailbox address"),
	/* sisimai Reason/UserUnknown.pm (BSD-2) */
	RULE(userunknown, "bad-address-511", "5.1.1 bad address"),
	RULE(userunknown, "address-invalid-550", "550 address invalid"),
	RULE(userunknown, "angle-not-found", "> not found"),
	RULE(userunknown, "not-present-in-directory", "not present in directory"),
	RULE(userunknown, "cant-accept-user", "can't accept user"),
	RULE(userunknown, "destination-rejected-recipients",
	    "destination server rejected recipients"),
	RULE(userunknown, "not-an-active-address",
	    "not an active address at this host"),
	RULE(userunknown, "mailbox-invalid", "mailbox invalid"),
	RULE(userunknown, "mailbox-is-unavailable", "mailbox is unavailable"),
	/* sic: a server's own misspelling */
	RULE(userunknown, "mailbox-unavaiable", "mailbox unavaiable"),
	RULE(userunknown, "it-nessun-utente", "nessun utente simile"),
	RULE(userunknown, "in-name-directory", "in name directory"),
	RULE(userunknown, "account-unavailable",
	    "rejected: account unavailable"),
	RULE(userunknown, "no-valid-recipients", "no valid recipients, bye"),
	RULE(userunknown, "existent-user", "existent user"),
	RULE(userunknown, "not-a-local-address", "not a local address"),
	RULE(userunknown, "recipient-not-found-in",
	    "recipient * was not found in"),
	RULE(userunknown, "recipient-is-not-local", "recipient is not local"),
	RULE(userunknown, "recipient-not-ok", "recipient not ok"),
	/* Microsoft RESOLVER.ADR.RecipientNotFound */
	RULE(userunknown, "resolver-adr-recipient",
	    "resolver.adr.recipient*notfound"),
	RULE(userunknown, "envelope-recipient-denied",
	    "envelope recipient has been denied"),
	RULE(userunknown, "email-name-not-found", "email name is not found"),
	RULE(userunknown, "user-was-not-found", "user * was not found"),

	/* Seed group 5: the sending MTA gave up after retrying. */
	RULE(expired, "connect-timed-out", "connect to * timed out"),
	RULE(expired, "connection-timed-out", "connection timed out"),
	RULE(expired, "timed-out", "timed out"),
	RULE(expired, "delivery-time-expired", "delivery time expired"),
	RULE(expired, "retry-timeout", "retry timeout exceeded"),
	RULE(expired, "too-long-in-queue", "message was not delivered within"),
	RULE(expired, "could-not-be-delivered-for", "could not be delivered for"),
	RULE(expired, "could-not-be-delivered-within",
	    "could not be delivered within"),
	RULE(expired, "allowed-queue-period", "allowed queue period"),
	RULE(expired, "not-collected", "has not been collected after"),
	RULE(expired, "multiple-retries", "after multiple retries"),
	RULE(expired, "queue-expired", "queue too long"),
	RULE(expired, "envelope-expired", "envelope expired"),
	RULE(expired, "message-expired", "message expired"),
	RULE(expired, "failing-for-a-long-time", "failing for a long time"),
	RULE(expired, "could-not-deliver-for", "could not deliver for the last"),
	RULE(expired, "cannot-send-for", "cannot send message for"),
	RULE(expired, "could-not-send-for", "could not send message for"),
	RULE(expired, "failed-attempts", "delivery failed * attempts"),
	RULE(expired, "retry-time-not-reached", "retry time not reached"),
	/* Gmail: the connection was refused or reset over days of retries */
	RULE(expired, "requests-to-connect",
	    "did not accept our requests to connect"),
	/* sisimai Reason/Expired.pm (BSD-2) */
	RULE(expired, "could-not-find-gateway", "could not find a gateway for"),
	RULE(expired, "attempts-will-continue", "delivery attempts will continue"),
	RULE(expired, "failed-to-deliver-to-domain", "failed to deliver to domain"),
	RULE(expired, "giving-up-on", "giving up on"),
	RULE(expired, "has-been-delayed", "has been delayed"),
	RULE(expired, "server-did-not-respond", "server did not respond"),
	RULE(networkerror, "connection-refused", "connection refused"),
	RULE(networkerror, "network-unreachable", "network is unreachable"),
	RULE(networkerror, "no-route", "no route to host"),
	RULE(networkerror, "lost-connection", "lost connection"),

	/* the content */
	/* "spam or virus": a spam filter's verdict (sisimai Reason/
	 * SpamDetected.pm, BSD-2); before the virus words */
	RULE(spamdetected, "spam-or-virus", "spam or virus"),
	RULE(spamdetected, "spam-slash-virus", "spam/virus"),
	RULE(virusdetected, "virus", "virus"),
	RULE(virusdetected, "infected-with", "infected with"),
	RULE(virusdetected, "malware", "malware"),
	RULE(policyviolation, "policy", "policy violation"),
	RULE(policyviolation, "for-policy-reasons", "for policy reasons"),
	RULE(policyviolation, "by-policy", "denied by policy"),
	RULE(policyviolation, "content-policy", "content policy"),
	RULE(policyviolation, "prohibited-attachment", "prohibited attachment"),
	RULE(policyviolation, "banned-attachment", "banned attachment"),
	RULE(policyviolation, "blocked-attachment", "attachment type"),
	RULE(policyviolation, "illegal-attachment", "illegal attachment"),
	RULE(policyviolation, "executable-attachment", "executable attachment"),
	RULE(policyviolation, "executable-files",
	    "executable files are not allowed"),
	RULE(policyviolation, "header-error", "header error"),
	RULE(policyviolation, "content-presents", "content presents a potential"),
	/* sisimai Reason/PolicyViolation.pm (BSD-2) */
	RULE(policyviolation, "members-only-list", "members-only list"),
	RULE(policyviolation, "closed-mailing-list", "closed mailing list"),
	RULE(policyviolation, "security-policies", "due to security policies"),
	RULE(policyviolation, "header-not-accepted", "header are not accepted"),
	RULE(policyviolation, "organizational-settings",
	    "due to organizational settings"),
	RULE(policyviolation, "low-priority", "message given low priority"),
	RULE(policyviolation, "multiple-addresses",
	    "messages with multiple addresses"),
	RULE(policyviolation, "not-subscribed-to-group",
	    "not subscribed to this group"),
	RULE(policyviolation, "images-or-attachments",
	    "containing images or other attachments"),
	RULE(spamdetected, "spam-detected", "spam detected"),
	RULE(spamdetected, "detected-as-spam", "as spam"),
	RULE(spamdetected, "spam-classification", "spam classification"),
	RULE(spamdetected, "spam-content", "spam content"),
	RULE(spamdetected, "unsolicited-mail", "unsolicited mail"),
	RULE(spamdetected, "appears-unsolicited", "appears to be unsolicited"),
	RULE(spamdetected, "junk", "junk mail"),
	RULE(spamdetected, "bulk", "bulk mail"),
	RULE(spamdetected, "content-rejected", "content rejected"),
	RULE(spamdetected, "unacceptable-content", "unacceptable content"),
	RULE(spamdetected, "content-filter-rejection",
	    "content filter rejection"),
	RULE(spamdetected, "mail-content-denied", "mail content denied"),
	RULE(spamdetected, "filters-rate", "filters rate at and above"),
	RULE(spamdetected, "banned-content", "banned content"),
	RULE(spamdetected, "rejecting-mail-content", "rejecting mail content"),
	RULE(spamdetected, "recurrent-pattern", "recurrent pattern detection"),
	/* sisimai Reason/SpamDetected.pm (BSD-2); Gmail's "Our system has
	 * detected that this message is likely unsolicited mail" (its other
	 * endings, RFC 5322 and reputation, are decided above) */
	RULE(spamdetected, "detected-that-this-message",
	    "our system has detected that this message is"),
	RULE(spamdetected, "bulk-advertising", "bulk.advertising"),
	RULE(spamdetected, "bulk-email", "bulk email"),
	RULE(spamdetected, "blocked-by-our-filter",
	    "temporarily blocked by our filter"),
	RULE(contenterror, "eight-bit-header", "8-bit data in message header"),
	RULE(contenterror, "invalid-mime", "invalid mime"),
	RULE(contenterror, "malformed-mime", "malformed mime"),
	RULE(contenterror, "header-size", "header size exceeds"),
	RULE(contenterror, "binary-content",
	    "improperly-formatted binary content"),
	RULE(contenterror, "unnecessary-base64", "unnecessary base64"),
	RULE(contenterror, "mime-complexity", "mime complexity"),
	/* sisimai Reason/ContentError.pm (BSD-2); before "policy" */
	RULE(contenterror, "header-or-recipient-list",
	    "header size, or recipient list"),
	/* RFC 5322 2.1.1: a line over 998 characters */
	RULE(mesgtoobig, "line-limit", "line limit exceeded"),
	RULE(mesgtoobig, "line-too-long", "line too long"),
	RULE_WEAK(policyviolation, "protocol-violation", "protocol violation"),
	RULE(policyviolation, "network-not-allowed", "host network not allowed"),

	/* the receiving system's own faults, and the protocol */
	RULE(systemerror, "local-error", "local error in processing"),
	RULE(systemerror, "internal-error", "internal error"),
	RULE(systemerror, "internal-server-error", "internal server error"),
	RULE(systemerror, "temporary-local-problem", "temporary local problem"),
	RULE(systemerror, "system-error", "system error"),
	RULE(systemerror, "system-failure", "system failure"),
	RULE(systemerror, "user-output-file", "can't create user output file"),
	RULE(systemerror, "could-not-load-drd", "could not load drd"),
	RULE(systemerror, "interrupted-system-call", "interrupted system call"),
	RULE(systemerror, "error-while-processed",
	    "error while being processed"),
	RULE(systemerror, "configuration-error", "configuration error"),
	RULE(systemerror, "misconfigured", "misconfigured"),
	RULE(systemerror, "no-mdb", "no mdb"),
	RULE(systemerror, "zero-length", "zero-length message"),
	RULE(systemerror, "queue-file-write", "queue file write error"),
	/* a list manager saw the same Message-ID twice: its loop guard */
	RULE(systemerror, "duplicated-message-id", "duplicated message-id"),
	/* sysexits EX_NOPERM (77) from a local mailer */
	RULE(systemerror, "insufficient-permission", "insufficient permission"),
	RULE(systemerror, "io-error", "i/o error"),
	/* sisimai Reason/SystemError.pm (BSD-2) */
	RULE(systemerror, "system-config-error", "system config error"),
	RULE(systemerror, "timeout-waiting-for-input", "timeout waiting for input"),
	RULE(syntaxerror, "syntax-error", "syntax error"),
	RULE(syntaxerror, "parameter-not-implemented",
	    "parameter not implemented"),
	RULE(syntaxerror, "malformed-address", "malformed address"),
	RULE(syntaxerror, "command-unrecognized", "command unrecognized"),
	RULE(syntaxerror, "bad-sequence", "bad sequence of commands"),
	RULE(syntaxerror, "bad-command-sequence", "bad command sequence"),
	RULE(syntaxerror, "command-not-recognized", "command not recognized"),
	RULE(syntaxerror, "unrecognized-command", "unrecognized command"),
	RULE(failedstarttls, "starttls", "starttls"),
	RULE(failedstarttls, "support-tls", "support tls"),
	RULE(failedstarttls, "tls-required", "tls required"),
	RULE(failedstarttls, "requires-tls", "requires tls"),
	RULE(failedstarttls, "tls-handshake", "tls handshake"),
	RULE(failedstarttls, "tls-negotiation", "tls negotiation"),
	RULE(onhold, "onhold", "message is on hold"),
	/*
	 * Postfix: the server's greeting was a refusal (RFC 5321 3.1), so
	 * it refuses this client. Last: the greeting may name the cause.
	 */
	RULE(blocked, "refused-to-talk", "refused to talk to me"),

	/*
	 * The weak pass: words that name a cause only when the RFC 3463
	 * code names none (a specific code such as 5.7.26 or 5.2.1 beats
	 * them).
	 */
	RULE_WEAK(spamdetected, "spam", "spam"),
	/* sisimai Reason/Blocked.pm (BSD-2): refusals of the client that
	 * name nothing more; after "spam" ("was blocked by our spam filter") */
	RULE_WEAK(blocked, "go-away", "go away"),
	RULE_WEAK(blocked, "was-blocked-by", "was blocked by"),
	/* the gap may hold any text: "... mail server at x replied: account
	 * is blocked" is a suspended mailbox, which the code may say */
	RULE_WEAK(blocked, "mail-server-is-blocked", "mail server at * is blocked"),
	/* Exim's word for an ACL refusal, mostly of the sender (sisimai
	 * Reason/Rejected.pm) */
	RULE_WEAK(rejected, "administrative-prohibition",
	    "administrative prohibition"),
	/* SendGrid: the address bounced before (sisimai Reason/Filtered.pm) */
	RULE_WEAK(filtered, "bounced-address", "bounced address"),
	/* a local delivery command (sisimai Reason/MailerError.pm): weak,
	 * for "RCPT command failed: 550 ..." quotes a remote server */
	RULE_WEAK(mailererror, "command-failed", "command failed:"),
	/* refused before any address was sent: the client itself; later,
	 * the sender's address failed the server's security checks */
	RULE_WEAK_CMD(blocked, "access-denied-conn", "access denied",
	    "connection"),
	/* at MAIL FROM: the sender (sisimai Reason/Rejected.pm) */
	RULE_WEAK_CMD(rejected, "access-denied-mail", "access denied", "mail"),
	RULE_WEAK(securityerror, "access-denied", "access denied"),
	RULE_WEAK(userunknown, "unknown-address", "unknown address"),
	/* seed: "550 <addr> unknow[n]" with nothing else to go on */
	RULE_WEAK_REPLY(userunknown, "unknow-550", "unknow", 550),
	RULE_WEAK(policyviolation, "policy-word", "policy"),
	RULE_WEAK(systemerror, "service-unavailable", "service unavailable"),
	RULE_WEAK(systemerror, "service-currently-unavailable",
	    "currently unavailable"),
	/* RFC 5321 4.2.3: 554 "Transaction failed" says no more than that */
	RULE_WEAK(systemerror, "transaction-failed", "transaction failed"),
	RULE_WEAK(expired, "unable-to-deliver-in", "was not able to deliver"),
	/* a delay notice (RFC 3464 "delayed"): the code, when there is one,
	 * says why it is delayed */
	RULE_WEAK(expired, "will-be-retried", "will be retried"),
	/*
	 * Last of all: Postfix writes "Recipient address rejected:" before
	 * any access(5) table or policy service verdict ("... : Access
	 * denied", "... : Greylisted", "... : SPF fail"), so it is an unknown
	 * user only when the words after it name nothing else (Postfix
	 * smtpd(8), check_recipient_access; sisimai Reason/UserUnknown.pm).
	 */
	RULE_WEAK(userunknown, "recipient-address-rejected",
	    "recipient address rejected"),
	RULE_WEAK(userunknown, "address-rejected", "address rejected"),
};

const unsigned classify_nrules =
    sizeof(classify_rules) / sizeof(classify_rules[0]);
