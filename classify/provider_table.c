/*
 * Providers' documented SMTP error codes: the data (provider.h; the lookup
 * is provider.c). Each entry carries
 * the meaning its provider documents; only codes whose documented meaning
 * is clear are listed. Entries of a provider are tried in order: the first
 * that occurs decides, so a precise code comes before a broad phrase.
 */
#include "provider.h"

#include "classify.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* text entry; numeric entry (code in [lo, hi]) */
/* clang-format off */
#define T(name, text, reason) { name, text, 0, 0, reason, 0 }
#define TF(name, text, reason, fl) { name, text, 0, 0, reason, fl }
#define C(name, lo, hi, reason) { name, NULL, lo, hi, reason, 0 }
/* clang-format on */

/*
 * Sources. Each entry's comment ends in the tag of its source:
 *   [page]  the provider's own page named in the block comment;
 *   [sis]   sisimai's public Rhost table for that provider, repository
 *           sisimai/p5-sisimai, lib/Sisimai/Rhost/<Name>.pm (BSD-2),
 *           which itself cites the provider's page where there is one.
 * Only the facts are taken (the code or wording, and what it means); where
 * our reading of the meaning differs from sisimai's, the comment says so.
 */

/*
 * Cox: https://www.cox.com/residential/support/email-error-codes.html
 * (formerly postmaster.cox.net "Error Codes"); sisimai Rhost/Cox.pm.
 * Replies end in "AUP#<code>". Cox's MX is hosted
 * (cxr.mx.a.cloudfilter.net), so the code itself identifies Cox.
 */
static const char *const cox_hosts[] = {"cox.net", "cox.com", NULL};
static const char *const cox_ids[] = {"aup#cxbl", "aup#cdrbl", "aup#ipbl",
    "aup#urlbl", "aup#cxdns", "aup#cxsndr", "aup#cxcnct", "aup#cxmxrt",
    "aup#cxsmtp", "aup#cxthrt", "aup#cxmj", NULL};
static const struct provider_entry cox[] = {
    /* the sending IP is blocked by Cox for spam-like behaviour [page] */
    T("cox.cxbl", "aup#cxbl", REASON_BLOCKED),
    /* the sending IP is temporarily blocked (at most 24 hours) for
     * behaviour characteristic of spam [page] */
    T("cox.cdrbl", "aup#cdrbl", REASON_BLOCKED),
    /* IPBLnnnn: the sending IP is listed in DNSBLs (Spamhaus ZEN,
     * Return Path, ivmSIP, Cloudmark CSI; the digits say which) [page] */
    T("cox.ipbl", "aup#ipbl", REASON_BLOCKED),
    /* URLBLnnnn: the message contains a URL listed in a URI block list
     * [page] */
    T("cox.urlbl", "aup#urlbl", REASON_SPAMDETECTED),
    /* the reverse DNS lookup of the connecting IP fails [page] */
    T("cox.cxdns", "aup#cxdns", REASON_REQUIREPTR),
    /* the message failed the sender domain's SPF, DomainKeys or DKIM
     * checks [page] */
    T("cox.cxsndr", "aup#cxsndr", REASON_AUTHFAILURE),
    /* too many concurrent SMTP connections from the IP [page] */
    T("cox.cxcnct", "aup#cxcnct", REASON_TOOMANYCONN),
    /* the sender exceeded the maximum number of messages allowed [page] */
    T("cox.cxmxrt", "aup#cxmxrt", REASON_SPEEDING),
    /* "a violation of SMTP protocol": Cox could not verify that the mail
     * came from a legitimate sender [page] [sis] */
    T("cox.cxsmtp", "aup#cxsmtp", REASON_REJECTED),
    /* sending limited or blocked for suspicious activity on the sender's
     * Cox account [sis] */
    T("cox.cxthrt", "aup#cxthrt", REASON_SECURITYERROR),
    T("cox.cxmj", "aup#cxmj", REASON_SECURITYERROR),
    /* a client sent bad commands or passwords repeatedly: its IP is
     * blocked for three hours; an IP over the threshold of invalid
     * recipients is blocked [sis] */
    T("cox.bad-commands", "cox too many bad commands from", REASON_BLOCKED),
    T("cox.invalid-recipients", "too many invalid recipients",
	REASON_BLOCKED),
    /* the reverse DNS check of the sending IP failed [sis] */
    T("cox.dns-check", "dns check failure - try again later",
	REASON_REQUIREPTR),
    T("cox.no-rdns", "rejected - no rdns", REASON_REQUIREPTR),
    /* the client spoke before the greeting; a forbidden attachment type
     * (.exe, .scr, .vbs, ...) [sis] */
    T("cox.early-talker", "esmtp no data before greeting",
	REASON_POLICYVIOLATION),
    T("cox.attachment", "attachment extension is forbidden",
	REASON_POLICYVIOLATION),
    /* Cox's systems temporarily cannot accept mail [sis] */
    T("cox.unavailable", "esmtp server temporarily not available",
	REASON_SYSTEMERROR),
    /* the IP exceeded the concurrent connection limit, the 100 messages
     * per connection, or a rate limit [sis] */
    T("cox.sessions", "too many sessions from", REASON_TOOMANYCONN),
    T("cox.try-later", "requested action aborted: try again later",
	REASON_TOOMANYCONN),
    T("cox.threshold", "message threshold exceeded", REASON_TOOMANYCONN),
    /* the recipient is not a valid Cox Email account [sis] */
    T("cox.recipient-rejected", "recipient rejected", REASON_USERUNKNOWN),
    /* the sender's domain resolves to no MX or A record; after the AUP#
     * codes, which the same words precede ("sender rejected ...
     * AUP#CDRBL") [sis] */
    T("cox.sender-rejected", "sender rejected", REASON_REJECTED),
};

/*
 * Charter / Spectrum: spectrum.net "Understanding email error codes"
 * (www.spectrumbusiness.net/support/internet/understanding-email-error-
 * codes); sisimai Rhost/Spectrum.pm. Replies end in "AUP#In-NNNN"
 * (inbound) or "AUP#Out-NNNN" ("I-"/"O-" in older replies).
 */
static const char *const spectrum_hosts[] = {
    "charter.net", "spectrum.net", "rr.com", NULL};
static const char *const spectrum_tags[] = {
    "aup#in-", "aup#out-", "aup#i-", "aup#o-", NULL};
static const struct provider_entry spectrum[] = {
    /* the sending IP address is blocked for suspicious activity [page] */
    C("spectrum.1000", 1000, 1000, REASON_BLOCKED),
    /* the sending account is blocked from sending for suspicious
     * activity [page] [sis] */
    C("spectrum.1010", 1010, 1010, REASON_REJECTED),
    /* the sending email address has limited access for suspicious
     * activity (complaints), not the IP [page] [sis] */
    C("spectrum.1020", 1020, 1080, REASON_REJECTED),
    /* the email cannot be processed: try again later [page] [sis] */
    C("spectrum.1090", 1090, 1090, REASON_SYSTEMERROR),
    /* the connecting IP has no full-circle (reverse) DNS [page] [sis] */
    C("spectrum.1100", 1100, 1150, REASON_REQUIREPTR),
    /* the email goes against the sender domain's security policies
     * [page] [sis] */
    C("spectrum.1160", 1160, 1190, REASON_POLICYVIOLATION),
    /* the IP is flagged by Cloudmark CSI (1200-1210) or listed by
     * Spamhaus (1220-1250) [page] [sis] */
    C("spectrum.1200", 1200, 1250, REASON_BLOCKED),
    /* Spectrum takes no mail over IPv6: connect over IPv4 [page] */
    C("spectrum.1260", 1260, 1260, REASON_NETWORKERROR),
    /* limits on concurrent and total connections, which vary with the
     * IP's reputation: reduce connections and retry later [page] */
    C("spectrum.1300", 1300, 1340, REASON_TOOMANYCONN),
    /* limits on messages sent, recipients, potential spam and invalid
     * recipients [page] [sis] */
    C("spectrum.1350", 1350, 1490, REASON_SPEEDING),
    /* sending as another address than the one signed in, or from a
     * domain Spectrum does not host [page] [sis] */
    C("spectrum.1500", 1500, 1500, REASON_REJECTED),
    C("spectrum.1520", 1520, 1520, REASON_REJECTED),
    /* larger than the maximum size of 20 MB [page] [sis] */
    C("spectrum.1530", 1530, 1530, REASON_MESGTOOBIG),
    /* too many messages in one session, too many recipients in one
     * message (1550), too many recipients in a short time (1580) [page]
     * [sis] */
    C("spectrum.1540", 1540, 1550, REASON_SPEEDING),
    /* too many invalid recipients [page] [sis] */
    C("spectrum.1560", 1560, 1560, REASON_POLICYVIOLATION),
    C("spectrum.1580", 1580, 1580, REASON_SPEEDING),
};

/*
 * Orange / Wanadoo and La Poste share one code space: replies carry
 * "OFR_NNN", "OFRnnn_NNN" or "LPNnnn_NNN" (the last number is the code)
 * and a bilingual text stating its meaning. sisimai Rhost/FrancePTT.pm
 * lists the codes for both with the replies they come in [sis]:
 *   101 102 "Client host blocked for spamming issues", the IP is on a
 *           block list; 103 "Service refuse" to the IP; 510, 999
 *           "Service refused, please try later" to the IP: blocked.
 *   104 "Too many connections, slow down": toomanyconn.
 *   305 "Code d'authentification invalide"; 402 "Authentication
 *       Required": securityerror.
 *   401 "SPF: ... is not allowed to send mail": the sender's SPF does
 *       not authorise the IP (sisimai: blocked; SPF failures are
 *       authfailure elsewhere in this table, as at Cox and GoDaddy).
 *   403 405 415 "Emetteur invalide. Invalid Sender"; 421 "Mail from not
 *       owned by user": rejected.
 *   416 418 "Invalid recipient": userunknown. 417 "Recipient overquota":
 *       mailboxfull. 420 "Archived recipient"; 426 "The recipient account
 *       is blocked": suspend.
 *   505 "421 4.2.0 Service refuse" at end of DATA: systemerror.
 *   506 "Mail rejete. Mail rejected": spamdetected. 514 "Taille limite
 *       du message atteinte": mesgtoobig.
 *   517 "Message refused, DMARC verification Failed" (sisimai:
 *       policyviolation; a DMARC failure is authfailure here, as at
 *       Microsoft and Google).
 *   630 "554 5.7.1 Client host rejected": policyviolation.
 */
/* clang-format off */
#define FRANCE_PTT(p) \
    C(p ".101", 101, 101, REASON_BLOCKED), \
    C(p ".102", 102, 102, REASON_BLOCKED), \
    C(p ".103", 103, 103, REASON_BLOCKED), \
    C(p ".104", 104, 104, REASON_TOOMANYCONN), \
    C(p ".305", 305, 305, REASON_SECURITYERROR), \
    C(p ".401", 401, 401, REASON_AUTHFAILURE), \
    C(p ".402", 402, 402, REASON_SECURITYERROR), \
    C(p ".403", 403, 403, REASON_REJECTED), \
    C(p ".405", 405, 405, REASON_REJECTED), \
    C(p ".415", 415, 415, REASON_REJECTED), \
    C(p ".416", 416, 416, REASON_USERUNKNOWN), \
    C(p ".417", 417, 417, REASON_MAILBOXFULL), \
    C(p ".418", 418, 418, REASON_USERUNKNOWN), \
    C(p ".420", 420, 420, REASON_SUSPEND), \
    C(p ".421", 421, 421, REASON_REJECTED), \
    C(p ".426", 426, 426, REASON_SUSPEND), \
    C(p ".505", 505, 505, REASON_SYSTEMERROR), \
    C(p ".506", 506, 506, REASON_SPAMDETECTED), \
    C(p ".510", 510, 510, REASON_BLOCKED), \
    C(p ".514", 514, 514, REASON_MESGTOOBIG), \
    C(p ".517", 517, 517, REASON_AUTHFAILURE), \
    C(p ".630", 630, 630, REASON_POLICYVIOLATION), \
    C(p ".999", 999, 999, REASON_BLOCKED)
/* clang-format on */

static const char *const orange_hosts[] = {"orange.fr", "wanadoo.fr", NULL};
static const char *const orange_ids[] = {"ofr_", "ofr0", NULL};
static const char *const orange_tags[] = {"ofr", NULL};
static const struct provider_entry orange[] = {FRANCE_PTT("orange")};

/* "LPNAAA_101" in the Spamhaus block reply [sis] */
static const char *const laposte_hosts[] = {"laposte.net", "laposte.fr", NULL};
static const char *const laposte_tags[] = {"lpn", "lpnaaa", NULL};
static const struct provider_entry laposte[] = {FRANCE_PTT("laposte")};

/*
 * Yahoo and AOL (Yahoo Inc.): Sender Hub "SMTP error codes"
 * (senders.yahooinc.com/smtp-error-codes, formerly
 * postmaster.yahooinc.com/error-codes); sisimai Rhost/YahooInc.pm.
 */
static const char *const yahoo_hosts[] = {
    "yahoo.com", "yahoodns.net", "yahoo.net", "yahooinc.com", "aol.com", NULL};
static const char *const yahoo_ids[] = {"[tss0", "[tss1", NULL};
static const struct provider_entry yahoo[] = {
    /* "Messages from IP temporarily deferred due to unexpected volume or
     * user complaints" [page] */
    T("yahoo.tss04", "[tss04]", REASON_BADREPUTATION),
    /* "Messages from IP temporarily deferred" for user complaints or
     * unusual traffic from the IP [page] */
    T("yahoo.ts01", "[ts01]", REASON_BADREPUTATION),
    T("yahoo.ts02", "[ts02]", REASON_BADREPUTATION),
    /* "All messages from IP will be permanently deferred; Retrying will
     * NOT succeed" [page] [sis] (sisimai: rejected; the IP is refused) */
    T("yahoo.ts03", "[ts03]", REASON_BLOCKED),
    T("yahoo.tss09", "[tss09]", REASON_BLOCKED),
    T("yahoo.tss11", "[tss11]", REASON_BLOCKED),
    /* "Connections will not be accepted from IP, because the ip is in
     * Spamhaus's list" (BL21) and the other block lists (BL22, BL23)
     * [page] */
    T("yahoo.bl21", "[bl21]", REASON_BLOCKED),
    T("yahoo.bl22", "[bl22]", REASON_BLOCKED),
    T("yahoo.bl23", "[bl23]", REASON_BLOCKED),
    /* the same refusals without the bracketed code [sis] */
    T("yahoo.spamhaus-list", "because the ip is in spamhaus's list",
	REASON_BLOCKED),
    T("yahoo.spamhaus-xbl", "not accepted from ip addresses on spamhaus xbl",
	REASON_BLOCKED),
    T("yahoo.permanently-deferred", "will be permanently deferred",
	REASON_BLOCKED),
    T("yahoo.volume-complaints",
	"deferred due to unexpected volume or user complaints",
	REASON_BADREPUTATION),
    /* "554 delivery error: dd This user doesn't have a yahoo.com
     * account": the address does not exist. Yahoo refuses unknown
     * users at end of DATA, so the phase says nothing about a filter.
     * [page] */
    TF("yahoo.no-account", "delivery error: dd this user doesn't have a",
	REASON_USERUNKNOWN, PE_FINAL),
    /* "dd ... This mailbox is disabled (554.30)"; "dd ... is no longer
     * valid." [page] [sis] */
    T("yahoo.mailbox-disabled", "this mailbox is disabled", REASON_SUSPEND),
    T("yahoo.no-longer-valid", " is no longer valid.", REASON_SUSPEND),
    /* "550 5.7.9 This mail has been blocked because the sender is
     * unauthenticated. Yahoo requires all senders to authenticate with
     * either SPF or DKIM." [page] */
    T("yahoo.unauthenticated", "sender is unauthenticated", REASON_AUTHFAILURE),
    T("yahoo.authenticate",
	"yahoo requires all senders to authenticate with either spf or dkim",
	REASON_AUTHFAILURE),
    /* "554 Message not allowed - Headers are not RFC compliant" [page] */
    T("yahoo.headers", "headers are not rfc compliant", REASON_NOTCOMPLIANTRFC),
    /* "554 5.7.9 Message not accepted for policy reasons", "[PH01] Email
     * not accepted for policy reasons" [page] [sis] */
    T("yahoo.policy", "not accepted for policy reasons",
	REASON_POLICYVIOLATION),
    /* "451 Message temporarily deferred due to unresolvable RFC.5321 from
     * domain" [page] [sis] */
    T("yahoo.unresolvable-from", "due to unresolvable rfc.5321",
	REASON_REJECTED),
    /* "550 relaying denied for <...>" [sis] */
    T("yahoo.relaying", "relaying denied for ", REASON_NORELAYING),
    /* "450 User is receiving mail too quickly" [sis] */
    T("yahoo.too-quickly", "user is receiving mail too quickly",
	REASON_SPEEDING),
    /* "421 Max message per connection reached" [sis] */
    T("yahoo.per-connection", "max message per connection reached",
	REASON_TOOMANYCONN),
    /* "552 1 Requested mail action aborted, mailbox not found" [sis] */
    T("yahoo.mailbox-not-found", "mailbox not found", REASON_USERUNKNOWN),
};

/*
 * Microsoft (Outlook.com, Hotmail, Exchange Online, Exchange Server): the
 * Exchange Online NDR reference (learn.microsoft.com "Email non-delivery
 * reports and SMTP errors in Exchange Online"), the Exchange Server NDR
 * reference (learn.microsoft.com "Non-delivery reports and bounce
 * messages", formerly technet bb232118), the Outlook.com postmaster
 * troubleshooting codes; sisimai Rhost/Microsoft.pm and Rhost/Outlook.pm.
 */
static const char *const microsoft_hosts[] = {
    "outlook.com", "hotmail.com", "live.com", "msn.com", "office365.com", NULL};
static const struct provider_entry microsoft[] = {
    /* Directory-Based Edge Blocking: "550 5.4.1 Recipient address
     * rejected: Access denied. AS(201806281)", the recipient is not in
     * the organisation's directory [page] (sisimai reads the 5.7.504
     * form of the words as suspend) */
    T("microsoft.dbeb", "as(201806281)", REASON_USERUNKNOWN),
    T("microsoft.dbeb-text", "recipient address rejected: access denied",
	REASON_USERUNKNOWN),
    /* 5.1.1 / 5.1.10: the recipient's address was not found [page] */
    T("microsoft.recipientnotfound", "resolver.adr.recipientnotfound",
	REASON_USERUNKNOWN),
    T("microsoft.recipnotfound", "resolver.adr.recipnotfound",
	REASON_USERUNKNOWN),
    T("microsoft.exrecipnotfound", "resolver.adr.exrecipnotfound",
	REASON_USERUNKNOWN),
    /* 5.1.3 "STOREDRV.Submit; invalid recipient address"; 5.1.4/5.1.5
     * "recipient address reserved by RFC 2606"; 5.1.6 "recipient
     * addresses in single label domains not accepted"; 5.1.2 "invalid
     * X.400 address" (older Exchange) [page] [sis] */
    T("microsoft.invalid-recipient",
	"storedrv.submit; invalid recipient address", REASON_USERUNKNOWN),
    T("microsoft.rfc2606", "recipient address reserved by rfc 2606",
	REASON_USERUNKNOWN),
    T("microsoft.single-label",
	"recipient addresses in single label domains not accepted",
	REASON_USERUNKNOWN),
    T("microsoft.x400", "invalid x.400 address", REASON_USERUNKNOWN),
    /* Outlook.com: "The mail could not be delivered to the recipient
     * because the domain is not reachable" [sis] */
    T("microsoft.domain-unreachable",
	"could not be delivered to the recipient because the domain is not "
	"reachable",
	REASON_HOSTUNKNOWN),
    /* 5.2.2: the recipient's mailbox is over its quota [page] */
    T("microsoft.quota", "quotaexceededexception", REASON_MAILBOXFULL),
    /* 5.2.2 "Submission quota exceeded": the sender exceeded the
     * recipient or message rate limit [page] [sis] */
    T("microsoft.submission-quota", "submission quota exceeded",
	REASON_SPEEDING),
    /* 5.2.3: the message exceeds the recipient's size limit [page] */
    T("microsoft.recipsizelimit", "resolver.rst.recipsizelimit",
	REASON_EXCEEDLIMIT),
    /* 5.3.4 "Message size exceeds fixed maximum message size"; "message
     * too big for system" (older Exchange) [page] [sis] */
    T("microsoft.max-size", "message size exceeds fixed maximum message size",
	REASON_MESGTOOBIG),
    T("microsoft.too-big", "message too big for system", REASON_MESGTOOBIG),
    /* 5.7.1: the recipient (a restricted group) accepts mail only from
     * authenticated senders [page] */
    T("microsoft.authrequired", "resolver.rst.authrequired",
	REASON_SECURITYERROR),
    /* 5.7.57: "Client was not authenticated to send anonymous mail
     * during MAIL FROM" [page] */
    T("microsoft.anonymous", "not authenticated to send anonymous mail",
	REASON_SECURITYERROR),
    /* 5.7.3 "Cannot achieve Exchange Server authentication" [page] [sis] */
    T("microsoft.exchange-auth", "cannot achieve exchange server authentication",
	REASON_SECURITYERROR),
    /* 4/5.4.317 "STARTTLS is required to send mail"; 4/5.7.321
     * "starttls-not-supported: Destination mail server must support TLS
     * to receive mail" [page] [sis] (sisimai: securityerror; the TLS
     * requirement is what failedstarttls names) */
    T("microsoft.starttls-required", "starttls is required to send mail",
	REASON_FAILEDSTARTTLS),
    T("microsoft.starttls-not-supported", "starttls-not-supported",
	REASON_FAILEDSTARTTLS),
    /* DANE and DNSSEC failures of the destination: 4/5.7.322 certificate
     * expired, 4/5.7.323 tlsa-invalid, 4/5.7.324 dnssec-invalid,
     * 4/5.7.325 certificate-host-mismatch [page] [sis] */
    T("microsoft.certificate-expired", "certificate-expired: destination mail",
	REASON_AUTHFAILURE),
    T("microsoft.tlsa-invalid", "tlsa-invalid: the domain failed dane",
	REASON_AUTHFAILURE),
    T("microsoft.dnssec-invalid", "dnssec-invalid: destination domain",
	REASON_AUTHFAILURE),
    T("microsoft.certificate-host-mismatch", "certificate-host-mismatch:",
	REASON_AUTHFAILURE),
    /* 5.7.509: the sending domain fails DMARC with a reject policy [page] */
    T("microsoft.dmarc", "does not pass dmarc verification",
	REASON_AUTHFAILURE),
    /* 5.7.23 "rejected because of Sender Policy Framework violation";
     * 4.7.26 "a message sent over IPv6 must pass either SPF or DKIM
     * validation" [page] [sis] */
    T("microsoft.spf", "rejected because of sender policy framework violation",
	REASON_AUTHFAILURE),
    T("microsoft.ipv6-auth", "must pass either spf or dkim validation",
	REASON_AUTHFAILURE),
    /* 5.7.512: the message must be RFC 5322 section 3.6.2 compliant
     * (a From header is missing or malformed) [page] */
    T("microsoft.rfc5322", "must be rfc 5322 section 3.6.2 compliant",
	REASON_NOTCOMPLIANTRFC),
    /* 5.7.606-649: "Access denied, banned sending IP" [page] */
    T("microsoft.banned-ip", "banned sending ip", REASON_BLOCKED),
    /* 5.7.708: "Access denied, traffic not accepted from this IP" [page]
     * (sisimai: speeding) */
    T("microsoft.traffic-not-accepted", "traffic not accepted from this ip",
	REASON_BLOCKED),
    /* 5.7.511 "Access denied, banned sender": the sending IP is banned
     * (older Exchange used the words for 5.7.501-503 too, hence the
     * code) [page] [sis] */
    T("microsoft.banned-sender", "5.7.511 access denied, banned sender",
	REASON_BLOCKED),
    /* 5.7.505 "Access denied, banned recipient" [page] [sis] */
    T("microsoft.banned-recipient", "access denied, banned recipient",
	REASON_SUSPEND),
    /* 5.7.506 "Access denied, bad HELO"; 5.7.507 "Access denied,
     * rejected by recipient" (the recipient's organisation blocks the
     * IP); 5.7.510 "does not accept email over IPv6"; 5.7.513 "blocked
     * ... using Customer Block list" [page] [sis] */
    T("microsoft.bad-helo", "access denied, bad helo", REASON_BLOCKED),
    T("microsoft.rejected-by-recipient", "access denied, rejected by recipient",
	REASON_BLOCKED),
    T("microsoft.ipv6", "does not accept email over ipv6", REASON_BLOCKED),
    /* 5.7.25 "Access denied, the sending IPv6 address [...] must have a
     * reverse DNS record" [page] [sis] (sisimai: blocked; the missing
     * PTR is what requireptr names) */
    T("microsoft.ipv6-ptr", "must have a reverse dns record",
	REASON_REQUIREPTR),
    T("microsoft.customer-block-list", "using customer block list",
	REASON_BLOCKED),
    /* 4.7.500-699, 4.7.850-899 "Access denied, please try again later":
     * suspicious activity from the IP [page] [sis] */
    T("microsoft.try-later", "access denied, please try again later",
	REASON_BLOCKED),
    /* 5.7.51 RestrictDomainsToIPAddresses or RestrictDomainsToCertificate
     * (older Exchange) [sis] */
    T("microsoft.restrict-domains",
	"restrictdomainstoipaddresses or restrictdomainstocertificate",
	REASON_BLOCKED),
    /* 4.7.650 "temporarily rate limited due to IP reputation" (S775)
     * [sis] */
    T("microsoft.ip-reputation", "rate limited due to ip reputation",
	REASON_BADREPUTATION),
    /* "part of their network is on our block list (S3140)", S3150
     * [page] */
    T("microsoft.s3140", "s3140)", REASON_BLOCKED),
    T("microsoft.s3150", "s3150)", REASON_BLOCKED),
    /* Outlook.com "Mail rejected by Outlook.com for policy reasons":
     * SC-001 spam-like content or IP/domain reputation; SC-002 namespace
     * mining; SC-003 open proxy or relay; SC-004 complaints about the
     * IP; DY-001 dynamic IP; DY-002 compromised server; OU-002 IP or
     * domain reputation [page] */
    T("microsoft.sc-001", "sc-001", REASON_BLOCKED),
    T("microsoft.sc-002", "sc-002", REASON_BLOCKED),
    T("microsoft.sc-003", "sc-003", REASON_BLOCKED),
    T("microsoft.sc-004", "sc-004", REASON_BLOCKED),
    T("microsoft.dy-001", "dy-001", REASON_BLOCKED),
    T("microsoft.dy-002", "dy-002", REASON_BLOCKED),
    T("microsoft.ou-002", "ou-002", REASON_BLOCKED),
    /* RP-001, RP-002: the IP exceeded the rate limit allowed; RP-003:
     * the connection limit [page] */
    T("microsoft.rp-001", "rp-001", REASON_SPEEDING),
    T("microsoft.rp-002", "rp-002", REASON_SPEEDING),
    T("microsoft.rp-003", "rp-003", REASON_TOOMANYCONN),
    /* 5.7.900-999 "Delivery not authorized, message refused": a mail
     * flow rule rejected the message; 5.7.1 "Delivery not authorized":
     * the sender may not send to the recipient (a restricted group)
     * [page] [sis] */
    T("microsoft.mail-flow-rule", "delivery not authorized, message refused",
	REASON_POLICYVIOLATION),
    T("microsoft.not-authorized", "delivery not authorized",
	REASON_REJECTED),
    /* 5.0.350 "x-dg-ref header is too long"; "policy violation detected
     * (AS345)", nested attachments [page] [sis] */
    T("microsoft.x-dg-ref", "x-dg-ref header is too long",
	REASON_POLICYVIOLATION),
    T("microsoft.as345", "policy violation detected (as345)",
	REASON_POLICYVIOLATION),
    /* 5.7.12, 5.7.13, 5.7.133-136 "Sender was not authenticated by
     * organization / for group / for mailbox / for public folder": the
     * recipient refuses mail from outside its organisation; 5.7.124
     * "Sender not in allowed-senders list" [page] [sis] */
    T("microsoft.not-authenticated-org",
	"sender was not authenticated by organization", REASON_REJECTED),
    T("microsoft.not-authenticated-group", "sender not authenticated for group",
	REASON_REJECTED),
    T("microsoft.not-authenticated", "sender was not authenticated",
	REASON_REJECTED),
    T("microsoft.allowed-senders", "sender not in allowed-senders list",
	REASON_REJECTED),
    /* 5.1.0 "Sender denied"; 5.1.7 "Unknown sender address"; 5.1.8
     * "Access denied, bad outbound sender" (the account sent spam);
     * 5.7.501-503 "Access denied, spam abuse detected"; 5.7.750 "Client
     * blocked from sending from unregistered domains" [page] [sis] */
    T("microsoft.sender-denied", "sender denied", REASON_REJECTED),
    T("microsoft.unknown-sender", "unknown sender address", REASON_REJECTED),
    T("microsoft.bad-outbound-sender", "access denied, bad outbound sender",
	REASON_REJECTED),
    T("microsoft.spam-abuse", "access denied, spam abuse detected",
	REASON_REJECTED),
    T("microsoft.unregistered-domains",
	"blocked from sending from unregistered domains", REASON_REJECTED),
    /* 5.2.1 "Content Filter Agent quarantined this message" [page] [sis] */
    T("microsoft.content-filter", "content filter agent quarantined",
	REASON_SPAMDETECTED),
    /* 4.3.2 "STOREDRV.Deliver; recipient thread limit exceeded"; 5.1.90
     * the sender's daily recipient limit; 5.2.121/5.2.122 "recipient's
     * per hour message receive limit (from specific sender) exceeded";
     * 5.7.508 "has exceeded permitted limits within (an IPv6) range";
     * 5.7.700-749 "Access denied, tenant has exceeded threshold" [page]
     * [sis] */
    T("microsoft.thread-limit", "recipient thread limit exceeded",
	REASON_SPEEDING),
    T("microsoft.daily-limit", "reached your daily limit for message recipients",
	REASON_SPEEDING),
    T("microsoft.receive-limit", "per hour message receive limit",
	REASON_SPEEDING),
    T("microsoft.permitted-limits", "has exceeded permitted limits within",
	REASON_SPEEDING),
    T("microsoft.tenant-threshold", "access denied, tenant has exceeded threshold",
	REASON_SPEEDING),
    /* 5.2.1 "Mailbox cannot be accessed" (older Exchange) [sis] */
    T("microsoft.cannot-access", "mailbox cannot be accessed", REASON_SUSPEND),
    /* 5.3.2 "STOREDRV.Deliver: Missing or bad StoreDriver MDB
     * properties" (the ABP Routing agent) [page] [sis] */
    T("microsoft.mdb-properties", "missing or bad storedriver mdb properties",
	REASON_NOTACCEPT),
    /* 5.3.0 "Too many related errors": a malformed message; 5.4.11
     * "Agent generated message depth exceeded"; 5.5.6 "Invalid message
     * content" [page] [sis] */
    T("microsoft.related-errors", "too many related errors",
	REASON_CONTENTERROR),
    T("microsoft.depth-exceeded", "agent generated message depth exceeded",
	REASON_CONTENTERROR),
    T("microsoft.invalid-content", "invalid message content",
	REASON_CONTENTERROR),
    /* 5.4.4 "SMTPSEND.DNS.NonExistentDomain": a DNS configuration issue
     * of the Exchange server; 5.4.6 / 5.4.14 "Hop count exceeded -
     * possible mail loop", "Routing loop detected" [page] [sis] */
    T("microsoft.nonexistentdomain", "smtpsend.dns.nonexistentdomain",
	REASON_NETWORKERROR),
    T("microsoft.hop-count", "hop count exceeded", REASON_NETWORKERROR),
    T("microsoft.routing-loop", "routing loop detected", REASON_NETWORKERROR),
    /* 5.7.64 "TenantAttribution; Relay Access Denied": the inbound
     * connector no longer matches [page] [sis] */
    T("microsoft.tenantattribution", "tenantattribution; relay access denied",
	REASON_NORELAYING),
    /* 5.5.2 "Send hello first" [page] [sis] */
    T("microsoft.hello-first", "send hello first", REASON_SYNTAXERROR),
    /* 5.3.5 "System incorrectly configured"; 5.3.190 journaling to
     * Microsoft 365 with Journaling Archive disabled; 5.1.4 "Destination
     * mailbox address ambiguous", 5.2.4 "Mailing list expansion problem",
     * 5.2.14 "Misconfigured forwarding address" (older Exchange);
     * 4.4.24-28 "Message failed to be replicated"; 4/5.4.318
     * "(SuspiciousRemoteServerError)"; 4.7.500 "Server busy. Please try
     * again later from"; 4.7.700 "PFA agent busy" [page] [sis] */
    T("microsoft.incorrectly-configured", "system incorrectly configured",
	REASON_SYSTEMERROR),
    T("microsoft.journaling", "journaling archive is disabled",
	REASON_SYSTEMERROR),
    T("microsoft.ambiguous", "destination mailbox address ambiguous",
	REASON_SYSTEMERROR),
    T("microsoft.list-expansion", "mailing list expansion problem",
	REASON_SYSTEMERROR),
    T("microsoft.forwarding", "misconfigured forwarding address",
	REASON_SYSTEMERROR),
    T("microsoft.replication", "message failed to be replicated",
	REASON_SYSTEMERROR),
    T("microsoft.suspicious-remote", "(suspiciousremoteservererror)",
	REASON_SYSTEMERROR),
    T("microsoft.server-busy", "server busy. please try again later from",
	REASON_SYSTEMERROR),
    T("microsoft.pfa-busy", "pfa agent busy", REASON_SYSTEMERROR),
    /* 4.3.1 "Insufficient system resources": disk or memory is low on
     * the Exchange server [page] [sis] */
    T("microsoft.resources", "insufficient system resources",
	REASON_SYSTEMFULL),
    /* Outlook.com 5.5.0 "Requested action not taken: mailbox
     * unavailable": the hotmail.com / outlook.com address was not found,
     * as 5.1.10 [page] [sis] */
    T("microsoft.mailbox-unavailable",
	"requested action not taken: mailbox unavailable", REASON_USERUNKNOWN),
};

/*
 * Google (Gmail, Google Workspace): "SMTP errors and codes"
 * (support.google.com/a/answer/3726730), "Email sender guidelines"
 * (support.google.com/mail/answer/81126), "SMTP relay service error
 * messages" (support.google.com/a/answer/6140680); sisimai
 * Rhost/Google.pm. Replies end in "<id> - gsmtp" and link the help topic
 * ("?p=NoSuchUser").
 */
static const char *const google_hosts[] = {
    "google.com", "googlemail.com", "gmail.com", NULL};
static const char *const google_ids[] = {"- gsmtp", NULL};
static const struct provider_entry google[] = {
    /* 5.1.1 "The email account that you tried to reach does not exist"
     * [page] */
    T("google.nosuchuser", "?p=nosuchuser", REASON_USERUNKNOWN),
    T("google.does-not-exist", "account that you tried to reach does not exist",
	REASON_USERUNKNOWN),
    /* 553 5.1.3 "The recipient address <...> is not a valid RFC 5321
     * address" [page] [sis] */
    T("google.recipient-rfc5321",
	"recipient address*is not a valid rfc 5321 address",
	REASON_USERUNKNOWN),
    /* 553 5.1.2 "We weren't able to find the recipient domain" [page]
     * [sis] (sisimai: userunknown; it is the domain that is not found,
     * RFC 3463 X.1.2) */
    T("google.recipient-domain", "we weren't able to find the recipient domain",
	REASON_HOSTUNKNOWN),
    /* 5.2.1 "... is disabled", "... is inactive" [page] */
    T("google.disabled", "account that you tried to reach is disabled",
	REASON_SUSPEND),
    T("google.inactive", "account that you tried to reach is inactive",
	REASON_SUSPEND),
    /* 4.2.2 / 5.2.2 "The email account that you tried to reach is over
     * quota"; "The recipient's inbox is out of storage space"; 5.7.1
     * "Email quota exceeded" [page] [sis] */
    T("google.over-quota", "account that you tried to reach is over quota",
	REASON_MAILBOXFULL),
    T("google.out-of-storage", "inbox is out of storage space",
	REASON_MAILBOXFULL),
    T("google.email-quota", "email quota exceeded", REASON_MAILBOXFULL),
    /* 4.2.1 / 5.2.1 "The user you are trying to contact is receiving
     * mail at a rate that prevents additional messages from being
     * delivered"; 4.2.1 "... is receiving mail too quickly" [page] */
    T("google.receiving-rate", "?p=receivingrate", REASON_SPEEDING),
    T("google.receiving-rate-text", "receiving mail at a rate that",
	REASON_SPEEDING),
    T("google.too-quickly", "is receiving mail too quickly", REASON_SPEEDING),
    /* 4.2.1 "Peak SMTP relay limit exceeded for customer"; 5.4.5 "Daily
     * SMTP relay limit exceeded for user", "Daily sending quota
     * exceeded", "Daily user sending limit exceeded" [page] [sis] */
    T("google.peak-relay", "peak smtp relay limit exceeded", REASON_SPEEDING),
    T("google.daily-relay", "daily smtp relay limit exceeded", REASON_SPEEDING),
    T("google.daily-relay-sending", "daily smtp relay sending limit exceeded",
	REASON_SPEEDING),
    T("google.daily-quota", "daily sending quota exceeded", REASON_SPEEDING),
    T("google.daily-user", "daily user sending limit exceeded",
	REASON_SPEEDING),
    /* 5.3.4 / 5.2.3 "Your message exceeded Google's message size
     * limits"; "The size of your message ... exceeds Google's message
     * size limit of" [page] [sis] */
    T("google.size", "exceeded google's message size limits",
	REASON_MESGTOOBIG),
    T("google.size-limit", "exceeds google's message size limit of",
	REASON_MESGTOOBIG),
    /* 5.3.4: the number of attachments, the size of a header or of all
     * headers exceeds Google's limits [page] [sis] */
    T("google.attachments", "attachments) exceeds google's limit of",
	REASON_EXCEEDLIMIT),
    T("google.header-size", "google's message header size limit",
	REASON_EXCEEDLIMIT),
    T("google.header-individual", "bytes per individual header size",
	REASON_EXCEEDLIMIT),
    T("google.header-name", "exceeds google's header name limit",
	REASON_EXCEEDLIMIT),
    /* 5.7.1 "This message is not RFC 5322 compliant" and the other
     * RfcMessageNonCompliant replies: no valid From: address, several
     * From: addresses, no valid Message-ID:, a Unicode character in a
     * disallowed header, encoded-word syntax in a header; 5.6.0 "Mail
     * message is malformed"; 5.1.7 "The sender address <...> is not a
     * valid RFC 5321 address" [page] [sis] */
    T("google.rfc5322", "?p=rfcmessagenoncompliant", REASON_NOTCOMPLIANTRFC),
    T("google.not-rfc5322", "is not rfc 5322 compliant",
	REASON_NOTCOMPLIANTRFC),
    T("google.from-missing", "missing a valid address in the from: header",
	REASON_NOTCOMPLIANTRFC),
    T("google.from-multiple", "multiple addresses in from: header",
	REASON_NOTCOMPLIANTRFC),
    T("google.message-id", "missing a valid message-id: header",
	REASON_NOTCOMPLIANTRFC),
    T("google.unicode-header", "unicode character in a disallowed header",
	REASON_NOTCOMPLIANTRFC),
    T("google.encoded-word", "encoded-word syntax is not permitted",
	REASON_NOTCOMPLIANTRFC),
    T("google.malformed", "mail message is malformed", REASON_NOTCOMPLIANTRFC),
    T("google.sender-rfc5321", "sender address*is not a valid rfc 5321 address",
	REASON_NOTCOMPLIANTRFC),
    /* 5.7.26 "Unauthenticated email from DOMAIN is not accepted due to
     * domain's DMARC policy" (4.7.26 while DNS fails) [page] */
    T("google.dmarc", "?p=dmarcrejection", REASON_AUTHFAILURE),
    T("google.dmarc-text", "is not accepted due to domain's dmarc policy",
	REASON_AUTHFAILURE),
    /* 4/5.7.24 "The SPF record of the sending domain has one or more
     * suspicious entries"; 5.7.26 an SPF hard fail ("-all"); 4/5.7.26
     * "requires all senders to authenticate with either SPF or DKIM",
     * "fails to pass authentication checks"; 4/5.7.27 and 4/5.7.30 bulk
     * senders must authenticate with SPF / DKIM; 4.7.32 the From: is not
     * aligned with the SPF or DKIM domain [page] [sis] */
    T("google.spf-suspicious", "spf record of the sending domain has one or "
			       "more suspicious",
	REASON_AUTHFAILURE),
    T("google.spf-hard-fail", "spf record with a hard fail",
	REASON_AUTHFAILURE),
    T("google.spf-or-dkim", "senders to authenticate with either spf or dkim",
	REASON_AUTHFAILURE),
    T("google.authentication-checks", "fails to pass authentication checks",
	REASON_AUTHFAILURE),
    T("google.spf", "senders to authenticate with spf", REASON_AUTHFAILURE),
    T("google.spf-bulk", "authenticate their email with spf",
	REASON_AUTHFAILURE),
    T("google.dkim", "senders to authenticate with dkim", REASON_AUTHFAILURE),
    T("google.dkim-bulk", "authenticate their email with dkim",
	REASON_AUTHFAILURE),
    T("google.alignment", "aligned with either the authenticated spf or dkim",
	REASON_AUTHFAILURE),
    /* 5.7.25 "The IP address sending this message does not have a PTR
     * record setup"; 4.7.23 "doesn't have a PTR record, or the PTR
     * record's forward DNS entry doesn't match"; "does not match the IP
     * address of the hostname specified in the pointer (PTR) record";
     * 5.7.1 "does not meet IPv6 sending guidelines regarding PTR records
     * and authentication" [page] [sis] */
    T("google.ptr", "does not have a ptr record", REASON_REQUIREPTR),
    T("google.ptr-forward", "have a ptr record, or the ptr record",
	REASON_REQUIREPTR),
    T("google.ptr-mismatch", "does not match the ip address of the hostname",
	REASON_REQUIREPTR),
    T("google.ipv6-ptr", "ipv6 sending guidelines regarding ptr records",
	REASON_REQUIREPTR),
    /* 5.7.1 "... likely suspicious due to the very low reputation of
     * the sending IP address / domain" [page] */
    T("google.low-reputation", "very low reputation of the sending",
	REASON_BADREPUTATION),
    /* 4.7.28 / 5.7.28 "Gmail has detected an unusual rate of unsolicited
     * mail originating from your IP address", "... an unusual rate of
     * mail originating from your IP / netblock / DKIM or SPF domain"
     * [page] (sisimai: blocked) */
    T("google.unsolicited-rate", "unusual rate of unsolicited mail",
	REASON_BADREPUTATION),
    T("google.unusual-rate", "detected an unusual rate of mail",
	REASON_BADREPUTATION),
    /* 5.7.1 "Our system has detected that this message is likely
     * unsolicited mail"; 4.7.0 "suspicious due to the nature of the
     * content or the links within" [page] */
    T("google.unsolicited", "this message is likely unsolicited mail",
	REASON_SPAMDETECTED),
    T("google.content-links", "due to the nature of the content or the links",
	REASON_SPAMDETECTED),
    /* 4.7.0 "IP not in whitelist for RCPT domain"; "Try again later,
     * closing connection" (a denial of service at HELO); 5.5.4
     * "HELO/EHLO argument is invalid", "Empty HELO/EHLO argument not
     * allowed" [page] [sis] */
    T("google.whitelist", "ip not in whitelist for rcpt domain",
	REASON_BLOCKED),
    T("google.closing-connection", "try again later, closing connection",
	REASON_BLOCKED),
    T("google.helo-invalid", "helo/ehlo argument is invalid", REASON_BLOCKED),
    T("google.helo-empty", "empty helo/ehlo argument not allowed",
	REASON_BLOCKED),
    /* 4.7.0 "Connection expired, try reconnecting"; 4.4.2 "Timeout -
     * closing connection" [page] [sis] */
    T("google.connection-expired", "connection expired", REASON_EXPIRED),
    T("google.timeout", "timeout - closing connection", REASON_EXPIRED),
    /* 5.7.0 "Must issue a STARTTLS command first"; "STARTTLS may not be
     * repeated"; 4.7.0 "TLS required for RCPT domain"; 4/5.7.29 bulk
     * senders must use TLS [page] [sis] */
    T("google.starttls-first", "must issue a starttls command first",
	REASON_FAILEDSTARTTLS),
    T("google.starttls-repeated", "starttls may not be repeated",
	REASON_FAILEDSTARTTLS),
    T("google.tls-required", "tls required for rcpt domain",
	REASON_FAILEDSTARTTLS),
    T("google.tls-bulk", "senders to use tls/ssl for smtp",
	REASON_FAILEDSTARTTLS),
    /* 5.4.6 "Message exceeded 50 hops, this may indicate a mail loop"
     * [page] [sis] */
    T("google.hops", "message exceeded 50 hops", REASON_NETWORKERROR),
    /* SMTP relay: 5.7.0 "Mail relay denied"; 5.7.1 "Invalid credentials
     * for relay"; "The IP you're using to send mail is not authorized to
     * send email directly to our servers" [page] [sis] */
    T("google.relay-denied", "mail relay denied", REASON_NORELAYING),
    T("google.relay-credentials", "invalid credentials for relay",
	REASON_NORELAYING),
    T("google.not-authorized-directly",
	"not authorized to send email directly to our servers",
	REASON_NORELAYING),
    /* 5.7.0 "Mail Sending denied" (the sender account is disabled or not
     * in the Workspace domain); 5.7.1 "Unauthenticated email is not
     * accepted" [page] [sis] */
    T("google.sending-denied", "mail sending denied", REASON_REJECTED),
    T("google.unauthenticated", "unauthenticated email is not accepted",
	REASON_REJECTED),
    /* 5.7.0 "Our system detected an illegal attachment on your
     * message"; "blocked because its content presents a potential
     * security issue"; 5.7.1 "The user or domain that you are sending to
     * (or from) has a policy that prohibited the mail that you sent";
     * 4.7.28 the quota for messages with the same Message-ID: [page]
     * [sis] */
    T("google.illegal-attachment", "illegal attachment on your message",
	REASON_POLICYVIOLATION),
    T("google.security-issue", "content presents a potential security issue",
	REASON_POLICYVIOLATION),
    T("google.domain-policy", "has a policy that prohibited the mail",
	REASON_POLICYVIOLATION),
    T("google.same-message-id", "sending messages with the same message-id",
	REASON_POLICYVIOLATION),
    /* 5.7.1 "this mail has been rate limited" (after the authentication
     * replies that begin with the same words) [sis] */
    T("google.rate-limited", "this mail has been rate limited",
	REASON_SPEEDING),
    /* 4.7.0 "Too many login attempts"; 5.7.0 "No identity changes
     * permitted"; 5.7.9 / 5.7.1 "Application-specific password
     * required"; 5.7.14 / 5.7.9 "Please log in with / through your web
     * browser"; 5.7.8 "Username and Password not accepted" [page] [sis] */
    T("google.login-attempts", "too many login attempts",
	REASON_SECURITYERROR),
    T("google.identity-changes", "no identity changes permitted",
	REASON_SECURITYERROR),
    T("google.app-password", "application-specific password required",
	REASON_SECURITYERROR),
    T("google.web-browser", "please log in with your web browser",
	REASON_SECURITYERROR),
    T("google.web-browser-through", "please log in through your web browser",
	REASON_SECURITYERROR),
    T("google.credentials", "username and password not accepted",
	REASON_SECURITYERROR),
    /* 4.5.0 / 5.7.10 "SMTP protocol violation"; "Optional argument not
     * permitted"; 5.5.1 "No DATA after BDAT", "Too many unrecognized
     * commands"; 5.7.4 "Unrecognized authentication type", "XOAUTH is no
     * longer supported"; 5.7.0 "Too many unauthenticated commands"
     * [page] [sis] */
    T("google.protocol-violation", "smtp protocol violation",
	REASON_SYNTAXERROR),
    T("google.optional-argument", "optional argument not permitted",
	REASON_SYNTAXERROR),
    T("google.bdat", "no data after bdat", REASON_SYNTAXERROR),
    T("google.unrecognized-commands", "too many unrecognized commands",
	REASON_SYNTAXERROR),
    T("google.auth-type", "unrecognized authentication type",
	REASON_SYNTAXERROR),
    T("google.xoauth", "xoauth is no longer supported", REASON_SYNTAXERROR),
    T("google.unauthenticated-commands", "too many unauthenticated commands",
	REASON_SYNTAXERROR),
    /* 4.3.0 / 4.7.0 "Temporary System Problem"; 4.3.0 "Multiple
     * destination domains per transaction is unsupported", "Mail server
     * temporarily rejected message"; 4.5.3 "Domain policy size per
     * transaction exceeded" [page] [sis] */
    T("google.temporary-problem", "temporary system problem",
	REASON_SYSTEMERROR),
    T("google.multiple-domains",
	"multiple destination domains per transaction is unsupported",
	REASON_SYSTEMERROR),
    T("google.temporarily-rejected", "mail server temporarily rejected message",
	REASON_SYSTEMERROR),
    T("google.has-temporarily-rejected",
	"mail server has temporarily rejected this message", REASON_SYSTEMERROR),
    T("google.policy-size", "domain policy size per transaction exceeded",
	REASON_SYSTEMERROR),
    /* 4.5.3 "Your message has too many recipients"; 5.5.3 "Too many
     * recipients for this sender" [page] [sis] */
    T("google.too-many-recipients", "your message has too many recipients",
	REASON_TOOMANYCONN),
    T("google.recipients-sender", "too many recipients for this sender",
	REASON_TOOMANYCONN),
};

/*
 * GoDaddy (secureserver.net): "Fix rejected email with a bounce error"
 * (godaddy.com/help/40685), "What does my email bounceback mean?"
 * (godaddy.com/help/3568); sisimai Rhost/GoDaddy.pm. Replies end in
 * "IBnnn".
 */
static const char *const godaddy_hosts[] = {"secureserver.net", NULL};
static const char *const godaddy_tags[] = {"ib", NULL};
static const struct provider_entry godaddy[] = {
    /* "421 Connection refused, too many sessions from This IP" [page] */
    C("godaddy.ib007", 7, 7, REASON_TOOMANYCONN),
    /* "421 Server temporarily unavailable. Try again later": the queue
     * has a higher volume than normal [page] [sis] */
    C("godaddy.ib101", 101, 101, REASON_SPEEDING),
    /* "554 Connection refused. This IP has a poor reputation on
     * Cloudmark Sender Intelligence (CSI)" [page] [sis] */
    C("godaddy.ib103", 103, 103, REASON_BADREPUTATION),
    /* the IP is listed on the Spamhaus SBL (IB104), XBL (IB105), PBL
     * (IB106) [page] [sis] */
    C("godaddy.ib104", 104, 106, REASON_BLOCKED),
    /* "421 Temporarily rejected. Reverse DNS for this IP failed" [page]
     * [sis] */
    C("godaddy.ib108", 108, 108, REASON_REQUIREPTR),
    /* the IP is blocked for an hour (IB110, IB112) or for the day
     * (IB111, IB113) for sending spam or mailing invalid recipients
     * [page] [sis] */
    C("godaddy.ib110", 110, 113, REASON_BLOCKED),
    /* "This message has been rejected due to content judged to be spam
     * by the internet community" [page] */
    C("godaddy.ib212", 212, 212, REASON_SPAMDETECTED),
    /* "535 Authentication not allowed on IBSMTP Servers" [page] */
    C("godaddy.ib401", 401, 401, REASON_SECURITYERROR),
    /* "Blank From: addresses are not allowed"; "IP addresses are not
     * allowed as a From: Address" [page] */
    C("godaddy.ib501", 501, 502, REASON_NOTCOMPLIANTRFC),
    /* "550 This IP has sent too many messages this hour" [page] [sis] */
    C("godaddy.ib504", 504, 504, REASON_SPEEDING),
    /* "From: Domain is invalid": no MX or address, or DNS failed [page] */
    C("godaddy.ib506", 506, 506, REASON_REJECTED),
    /* "Invalid SPF record": the sender's SPF does not authorise the
     * sending server [page] */
    C("godaddy.ib508", 508, 508, REASON_AUTHFAILURE),
    /* "550 This message has exceeded the max number of messages per
     * session" [page] [sis] */
    C("godaddy.ib510", 510, 510, REASON_SPEEDING),
    /* "452 This message contains too many recipients" [page] [sis] */
    C("godaddy.ib605", 605, 605, REASON_TOOMANYCONN),
    /* "550 This IP has sent too many to too many recipients this hour"
     * [page] [sis] */
    C("godaddy.ib607", 607, 607, REASON_SPEEDING),
    /* "552 Virus infected message rejected" [page] [sis] */
    C("godaddy.ib705", 705, 705, REASON_VIRUSDETECTED),
    /* "554 RBL Reject": the IP is on GoDaddy's internal RBL; a Spamhaus
     * lookup link [page] [sis] */
    T("godaddy.rbl", "rbl reject", REASON_BLOCKED),
    T("godaddy.spamhaus", "spamhaus.org/query/bl?ip=", REASON_BLOCKED),
    /* "this message has been in the queue too long"; "Delivery timeout"
     * [page] [sis] */
    T("godaddy.queue", "has been in the queue too long", REASON_EXPIRED),
    T("godaddy.timeout", "delivery timeout", REASON_EXPIRED),
    /* "Account storage limit" [page] [sis] */
    T("godaddy.storage", "account storage limit", REASON_MAILBOXFULL),
    /* "552 Message rejected for spam or virus content" [page] [sis] */
    T("godaddy.spam-or-virus", "message rejected for spam or virus content",
	REASON_SPAMDETECTED),
    /* "Account disabled": the account exists, its mail is disabled
     * [page] [sis] */
    T("godaddy.disabled", "account disabled", REASON_SUSPEND),
    /* "This message is looping: it already has my Delivered-To line"
     * [page] [sis] */
    T("godaddy.looping", "message is looping", REASON_SYSTEMERROR),
    /* "550 Recipient not found"; "Account does not exist" [page] [sis] */
    T("godaddy.recipient-not-found", "recipient not found", REASON_USERUNKNOWN),
    T("godaddy.no-account", "account does not exist", REASON_USERUNKNOWN),
};

/*
 * Tencent QQ Mail: service.mail.qq.com help "id=20022" and
 * service.mail.qq.com/detail/122/<n> (bounce codes); sisimai
 * Rhost/Tencent.pm.
 */
static const char *const qq_hosts[] = {"qq.com", NULL};
static const struct provider_entry qq[] = {
    /* the sending IP, domain, sender or connection exceeds QQ's frequency
     * limits [page] (detail/122/172-175) */
    T("qq.ip-frequency", "ip frequency limited", REASON_TOOMANYCONN),
    T("qq.domain-frequency", "domain frequency limited", REASON_TOOMANYCONN),
    T("qq.sender-frequency", "sender frequency limited", REASON_TOOMANYCONN),
    T("qq.connection-frequency", "connection frequency limited",
	REASON_TOOMANYCONN),
    /* "Mailbox not found" [page] (detail/122/169) */
    T("qq.mailbox-not-found", "mailbox not found", REASON_USERUNKNOWN),
    /* "is a deactivated mailbox" [page] [sis] */
    T("qq.deactivated", "is a deactivated mailbox", REASON_SUSPEND),
    /* "DMARC check failed"; "SPF check failed" (detail/122/72) [page]
     * [sis] */
    T("qq.dmarc", "dmarc check failed", REASON_AUTHFAILURE),
    T("qq.spf", "spf check failed", REASON_AUTHFAILURE),
    /* "Suspected bounce attacks" (detail/122/57), "Suspected spam ip"
     * (66), "Connection denied" (170) [page] [sis] */
    T("qq.bounce-attacks", "suspected bounce attacks", REASON_BLOCKED),
    T("qq.spam-ip", "suspected spam ip", REASON_BLOCKED),
    T("qq.connection-denied", "connection denied", REASON_BLOCKED),
    /* "Message too large" (detail/122/168) [page] [sis] */
    T("qq.too-large", "message too large", REASON_MESGTOOBIG),
    /* "Spam is embedded in the email" (59), "Mail content denied" (171)
     * [page] [sis] */
    T("qq.spam-embedded", "spam is embedded in the email",
	REASON_SPAMDETECTED),
    T("qq.content-denied", "mail content denied", REASON_SPAMDETECTED),
    /* "Suspected spam" (71), "Mail is rejected by recipients" (92); after
     * "suspected spam ip" [page] [sis] */
    T("qq.suspected-spam", "suspected spam", REASON_REJECTED),
    T("qq.rejected-by-recipients", "mail is rejected by recipients",
	REASON_REJECTED),
    /* "Bad address syntax" (detail/122/167) [page] [sis] */
    T("qq.address-syntax", "bad address syntax", REASON_SYNTAXERROR),
};

/*
 * Mimecast: "Mimecast SMTP error codes" (community.mimecast.com
 * DOC-1369, now community.mimecast.com/s/article/email-security-cloud-
 * gateway-mimecast-smtp-error-codes); sisimai Rhost/Mimecast.pm.
 */
static const char *const mimecast_hosts[] = {"mimecast.com", NULL};
static const struct provider_entry mimecast[] = {
    /* 550 "Invalid Recipient": no such address in the customer's
     * directory [page] */
    T("mimecast.invalid-recipient", "invalid recipient", REASON_USERUNKNOWN),
    /* 554 "Host network not allowed": the sending IP is outside the
     * ranges the customer's policy permits (a Geographical Restriction
     * policy) [page] */
    T("mimecast.host-network", "host network not allowed",
	REASON_POLICYVIOLATION),
    T("mimecast.host-network-comma", "host network, not allowed",
	REASON_POLICYVIOLATION),
    /* 550 "Envelope blocked - User Entry", "- User Domain Entry",
     * "Rejected by header-based Manually Blocked Senders": the recipient
     * blocked the sender in a personal block list [page] (sisimai:
     * rejected) */
    T("mimecast.user-entry", "envelope blocked*user entry", REASON_FILTERED),
    T("mimecast.user-domain-entry", "envelope blocked*user domain entry",
	REASON_FILTERED),
    T("mimecast.manually-blocked", "header-based manually blocked senders",
	REASON_FILTERED),
    /* 550 "Administrative prohibition envelope blocked", "Rejected by
     * header-based Blocked Senders - Block policy for Header From",
     * "Envelope rejected - Block policy for Envelope From address": an
     * administrator's Blocked Senders policy [page] [sis] */
    T("mimecast.admin-prohibition", "administrative prohibition envelope "
				    "blocked",
	REASON_REJECTED),
    T("mimecast.header-from", "block policy for header from",
	REASON_REJECTED),
    T("mimecast.envelope-from", "block policy for envelope from",
	REASON_REJECTED),
    /* 550 "SPF Sender Invalid", "DKIM Sender Invalid", "DMARC Sender
     * Invalid - envelope rejected" [page] [sis] */
    T("mimecast.spf", "spf sender invalid - envelope rejected",
	REASON_AUTHFAILURE),
    T("mimecast.dkim", "dkim sender invalid - envelope rejected",
	REASON_AUTHFAILURE),
    T("mimecast.dmarc", "dmarc sender invalid - envelope rejected",
	REASON_AUTHFAILURE),
    /* 451 "Internal resources are temporarily unavailable": greylisting
     * or the sending IP's poor reputation; 550 "Local CT IP Reputation -
     * (reject)" [page] [sis] */
    T("mimecast.internal-resources", "internal resources are temporarily "
				     "unavailable",
	REASON_BADREPUTATION),
    T("mimecast.ip-reputation", "local ct ip reputation", REASON_BADREPUTATION),
    /* 421 "Sender address blocked" (a Blocked Senders policy on the IP);
     * 451 "Recipient temporarily unavailable" (too many invalid
     * connections), "IP temporarily blacklisted" [page] [sis] */
    T("mimecast.sender-address-blocked", "sender address blocked",
	REASON_BLOCKED),
    T("mimecast.recipient-unavailable", "recipient temporarily unavailable",
	REASON_BLOCKED),
    T("mimecast.ip-blacklisted", "ip temporarily blacklisted", REASON_BLOCKED),
    /* 451 "Open relay not allowed" [page] */
    T("mimecast.open-relay", "open relay not allowed", REASON_NORELAYING),
    T("mimecast.open-relay-is", "open relay is not allowed",
	REASON_NORELAYING),
    /* 451 "Internal resource temporarily unavailable" [page] */
    T("mimecast.internal-resource", "internal resource temporarily unavailable",
	REASON_SYSTEMERROR),
    /* 451 "Unable to process connection at this time" (maximum load);
     * "Message ended early"; "Unable to process command"; "Unable to
     * process an email at this time" [page] [sis] */
    T("mimecast.unable-connection", "unable to process connection at this time",
	REASON_SYSTEMERROR),
    T("mimecast.ended-early", "message ended early", REASON_SYSTEMERROR),
    T("mimecast.unable-command", "unable to process command",
	REASON_SYSTEMERROR),
    T("mimecast.unable-email", "unable to process an email at this time",
	REASON_SYSTEMERROR),
    /* 550 "Journal messages past the expiration" [page] [sis] */
    T("mimecast.journal", "journal messages past the expiration",
	REASON_EXPIRED),
    /* 554 "Maximum email size exceeded" [page] [sis] */
    T("mimecast.size", "maximum email size exceeded", REASON_MESGTOOBIG),
    /* 451/550 "The incorrect hostname used for inbounds" (an MX points to
     * an outbound host); 554 "Mail loop detected" (25 hops) [page] [sis] */
    T("mimecast.hostname-inbounds", "incorrect hostname used for inbounds",
	REASON_NETWORKERROR),
    T("mimecast.loop", "mail loop detected", REASON_NETWORKERROR),
    /* 451 "Account inbounds disabled" [page] [sis] */
    T("mimecast.inbounds-disabled", "account inbounds disabled",
	REASON_NOTACCEPT),
    /* 550 "Anti-Spoofing policy - Inbound not allowed", "Rejected by
     * header-based Anti-Spoofing policy"; "Message bounced due to Content
     * Examination policy" [page] [sis] */
    T("mimecast.anti-spoofing", "anti-spoofing policy", REASON_POLICYVIOLATION),
    T("mimecast.content-examination", "due to content examination policy",
	REASON_POLICYVIOLATION),
    /* 535 "Incorrect authentication data", 550 "Submitter failed to
     * authenticate" (port 587); 554 "Configuration is invalid for this
     * certificate" [page] [sis] */
    T("mimecast.auth-data", "incorrect authentication data",
	REASON_SECURITYERROR),
    T("mimecast.submitter", "submitter failed to authenticate",
	REASON_SECURITYERROR),
    T("mimecast.certificate", "configuration is invalid for this certificate",
	REASON_SECURITYERROR),
    /* 553 "This route requires encryption (TLS)", "... TLS version 1.2
     * or greater", "... high-strength ciphers": a Secure Receipt policy
     * (sisimai: securityerror) [page] [sis] */
    T("mimecast.tls", "this route requires encryption (tls)",
	REASON_FAILEDSTARTTLS),
    T("mimecast.tls-version", "this route requires tls version",
	REASON_FAILEDSTARTTLS),
    T("mimecast.ciphers", "this route requires high-strength ciphers",
	REASON_FAILEDSTARTTLS),
    /* 451 "Account service is temporarily unavailable" (too many
     * concurrent inbound connections); 550 "Exceeding outbound thread
     * limit" [page] [sis] */
    T("mimecast.account-service", "account service is temporarily unavailable",
	REASON_TOOMANYCONN),
    T("mimecast.thread-limit", "exceeding outbound thread limit",
	REASON_TOOMANYCONN),
    /* 554 "Email rejected due to security policies": a virus signature
     * or a spam score over the threshold [page] [sis] */
    T("mimecast.security-policies", "email rejected due to security policies",
	REASON_VIRUSDETECTED),
};

/*
 * Apple iCloud Mail: "iCloud Mail: Postmaster information for senders"
 * (support.apple.com/en-us/102322, formerly HT204137); sisimai
 * Rhost/Apple.pm.
 */
static const char *const apple_hosts[] = {
    "icloud.com", "me.com", "mac.com", "apple.com", NULL};
static const struct provider_entry apple[] = {
    /* 550 5.1.1 "inactive email address", "user does not exist",
     * "unknown or illegal alias" [sis] */
    T("apple.inactive", "inactive email address", REASON_USERUNKNOWN),
    T("apple.no-user", "user does not exist", REASON_USERUNKNOWN),
    T("apple.alias", "unknown or illegal alias", REASON_USERUNKNOWN),
    /* 550 5.1.6 "recipient no longer on server" [sis] */
    T("apple.moved", "recipient no longer on server", REASON_HASMOVED),
    /* 552 5.2.2 "user is over quota" [sis] */
    T("apple.quota", "user is over quota", REASON_MAILBOXFULL),
    /* 554 5.7.1 "[HME1] This message was blocked for failing both SPF
     * and DKIM authentication checks"; "Your message was rejected due to
     * <domain>'s DMARC policy" [page] [sis] */
    T("apple.spf-dkim", "failing both spf and dkim", REASON_AUTHFAILURE),
    T("apple.dmarc", "rejected due to*'s dmarc policy", REASON_AUTHFAILURE),
    /* the IP or a domain in the message is listed: "rejected due to
     * listing in Spamhaus SBL", "a domain present in the Spamhaus DBL",
     * "Blocked - see https://support.proofpoint.com/dnsbl-lookup";
     * "ESMTP not accepting connections" [sis] */
    T("apple.spamhaus-domain", "having a domain present in the spamhaus",
	REASON_BLOCKED),
    T("apple.spamhaus", "rejected due to listing in spamhaus", REASON_BLOCKED),
    T("apple.proofpoint", "support.proofpoint.com/dnsbl-lookup",
	REASON_BLOCKED),
    T("apple.not-accepting", "not accepting connections", REASON_BLOCKED),
    /* 554 5.7.1 "Relay access denied" [sis] */
    T("apple.relay", "relay access denied", REASON_NORELAYING),
    /* "Host/domain does not accept mail" [sis] */
    T("apple.no-mail", "host/domain does not accept mail", REASON_NOTACCEPT),
    /* 550 5.7.1 "[CS01] Message rejected due to local policy" [page]
     * [sis] */
    T("apple.local-policy", "due to local policy", REASON_POLICYVIOLATION),
    /* 450 4.1.8 "Sender address rejected: Domain not found" [sis] */
    T("apple.sender", "sender address rejected", REASON_REJECTED),
    /* 421 4.7.1 "Messages to <...> deferred due to excessive volume"
     * [page] [sis] */
    T("apple.volume", "due to excessive volume", REASON_SPEEDING),
};

/*
 * Zoho Mail: "Reasons an email is marked as Spam"
 * (www.zoho.com/mail/help/spam-reason.html), Zoho Desk's
 * EmailFailureAlert definitions (github.com/zoho/zohodesk-oas); sisimai
 * Rhost/Zoho.pm.
 */
static const char *const zoho_hosts[] = {"zoho.com", "zoho.eu", NULL};
static const struct provider_entry zoho[] = {
    /* 550 5.1.1 "User does not exist" [sis] */
    T("zoho.no-user", "user does not exist", REASON_USERUNKNOWN),
    /* 550 5.7.1 "Email rejected per DMARC policy" [sis] */
    T("zoho.dmarc", "email rejected per dmarc policy", REASON_AUTHFAILURE),
    /* 451 4.7.1 "Greylisted, try again after some time" [sis] */
    T("zoho.greylisted", "greylisted, try again after some time",
	REASON_BLOCKED),
    /* 554 5.7.1 "Email cannot be delivered. Reason: Email flagged as
     * Spam"; 541 5.4.1 "Mail rejected by destination domain" [sis] */
    T("zoho.flagged-spam", "reason: email flagged as spam", REASON_REJECTED),
    T("zoho.destination-domain", "mail rejected by destination domain",
	REASON_REJECTED),
    /* 554 5.7.7 "Email policy violation detected"; "Mailbox delivery
     * restricted by policy error" [sis] */
    T("zoho.policy", "email policy violation detected",
	REASON_POLICYVIOLATION),
    T("zoho.restricted", "mailbox delivery restricted by policy error",
	REASON_POLICYVIOLATION),
    /* 452 4.3.1 "Temporary System Error" [sis] */
    T("zoho.system", "temporary system error", REASON_SYSTEMERROR),
    /* 552 5.7.1 "virus <name> detected by Zoho Mail" [sis] */
    T("zoho.virus", " detected by zoho mail", REASON_VIRUSDETECTED),
};

/*
 * Facebook: "Postmaster response codes"
 * (www.facebook.com/postmaster/response_codes); sisimai
 * Rhost/Facebook.pm. Replies carry a code "<AREA>-<P|T><n>".
 */
static const char *const facebook_hosts[] = {"facebook.com", NULL};
static const struct provider_entry facebook[] = {
    /* RCP-P1, INT-P1, INT-P4: the recipient address does not exist;
     * INT-P3: the group address does not exist [page] */
    T("facebook.rcp-p1", "rcp-p1", REASON_USERUNKNOWN),
    T("facebook.int-p1", "int-p1", REASON_USERUNKNOWN),
    T("facebook.int-p3", "int-p3", REASON_USERUNKNOWN),
    T("facebook.int-p4", "int-p4", REASON_USERUNKNOWN),
    /* RCP-P2, RCP-P3: the recipient's preferences or privacy settings
     * prevent the delivery [page] */
    T("facebook.rcp-p2", "rcp-p2", REASON_FILTERED),
    T("facebook.rcp-p3", "rcp-p3", REASON_FILTERED),
    /* RCP-T4: the recipient address is deactivated [page] */
    T("facebook.rcp-t4", "rcp-t4", REASON_SUSPEND),
    /* RCP-T1: the recipient is unavailable for an internal issue [page] */
    T("facebook.rcp-t1", "rcp-t1", REASON_SYSTEMERROR),
    /* INT-P7: the recipient exceeded the storage quota [page] */
    T("facebook.int-p7", "int-p7", REASON_MAILBOXFULL),
    /* MSG-P1, INT-P2: the message exceeds the maximum size [page] */
    T("facebook.msg-p1", "msg-p1", REASON_MESGTOOBIG),
    T("facebook.int-p2", "int-p2", REASON_MESGTOOBIG),
    /* MSG-P2: an attachment type Facebook does not accept [page] */
    T("facebook.msg-p2", "msg-p2", REASON_CONTENTERROR),
    /* MSG-P3: several instances of a header that may occur once [page] */
    T("facebook.msg-p3", "msg-p3", REASON_NOTCOMPLIANTRFC),
    /* POL-P1 the IP is on the Spamhaus PBL; POL-P2 no more mail from the
     * IP; POL-P3, POL-P4, POL-T1..T3 mail from the server refused for
     * hours [page] */
    T("facebook.pol-p1", "pol-p1", REASON_BLOCKED),
    T("facebook.pol-p2", "pol-p2", REASON_BLOCKED),
    T("facebook.pol-p3", "pol-p3", REASON_BLOCKED),
    T("facebook.pol-p4", "pol-p4", REASON_BLOCKED),
    T("facebook.pol-t1", "pol-t1", REASON_BLOCKED),
    T("facebook.pol-t2", "pol-t2", REASON_BLOCKED),
    T("facebook.pol-t3", "pol-t3", REASON_BLOCKED),
    /* POL-P5: the message contains a virus [page] */
    T("facebook.pol-p5", "pol-p5", REASON_VIRUSDETECTED),
    /* POL-P6: a URL blocked by Facebook [page] */
    T("facebook.pol-p6", "pol-p6", REASON_SPAMDETECTED),
    /* POL-P7: Facebook's domain authentication requirements [page] */
    T("facebook.pol-p7", "pol-p7", REASON_AUTHFAILURE),
    /* POL-P8: Facebook's abuse policies [page] */
    T("facebook.pol-p8", "pol-p8", REASON_POLICYVIOLATION),
    /* DNS-P1, DNS-P2, DNS-T1: the MAIL FROM domain does not exist, has no
     * MX, does not resolve [page] */
    T("facebook.dns-p1", "dns-p1", REASON_REJECTED),
    T("facebook.dns-p2", "dns-p2", REASON_REJECTED),
    T("facebook.dns-t1", "dns-t1", REASON_REJECTED),
    /* DNS-P3, DNS-T2: the server has no (resolving) reverse DNS [page] */
    T("facebook.dns-p3", "dns-p3", REASON_REQUIREPTR),
    T("facebook.dns-t2", "dns-t2", REASON_REQUIREPTR),
    /* CON-T1..T3: too many connections (Facebook's, the sender's, new
     * ones in a short time); CON-T4, MSG-T1: too many recipients for the
     * connection or the message (sisimai: ratelimited) [page] */
    T("facebook.con-t1", "con-t1", REASON_TOOMANYCONN),
    T("facebook.con-t2", "con-t2", REASON_TOOMANYCONN),
    T("facebook.con-t3", "con-t3", REASON_TOOMANYCONN),
    T("facebook.con-t4", "con-t4", REASON_TOOMANYCONN),
    T("facebook.msg-t1", "msg-t1", REASON_TOOMANYCONN),
};

/*
 * Broadcom Email Security.cloud (formerly Symantec MessageLabs): "Email
 * error and bounce codes for Email Security.cloud"
 * (knowledge.broadcom.com/external/article/169652) and the articles it
 * links; sisimai Rhost/MessageLabs.pm.
 */
static const char *const messagelabs_hosts[] = {"messagelabs.com", NULL};
static const struct provider_entry messagelabs[] = {
    /* 550 "Invalid recipient"; "No such user"; 553 "Recipient mailbox is
     * not allowed" [page] [sis] */
    T("messagelabs.invalid-recipient", "invalid recipient",
	REASON_USERUNKNOWN),
    T("messagelabs.no-such-user", "no such user", REASON_USERUNKNOWN),
    T("messagelabs.not-allowed", "mailbox is not allowed", REASON_USERUNKNOWN),
    /* 553 "SPF / DMARC domain authentication fail" [page] [sis] */
    T("messagelabs.authentication", "domain authentication fail",
	REASON_AUTHFAILURE),
    /* 501 "Connection rejected by policy [7.7]": the IP's negative
     * reputation [page] [sis] */
    T("messagelabs.reputation", "connection rejected by policy",
	REASON_BADREPUTATION),
    /* 553 "mail rejected because your IP is in the PBL"; "Sorry, your IP
     * address has been blocked" [page] [sis] */
    T("messagelabs.pbl", "mail rejected because your ip is in the pbl",
	REASON_BLOCKED),
    T("messagelabs.ip-blocked", "your ip address has been ", REASON_BLOCKED),
    /* the recipient's private block list or "badmailfrom" list holds the
     * sender's address or domain; the sender's domain is not registered
     * for the sending IP [page] [sis] */
    T("messagelabs.domain-blocked", "your domain has been blocked",
	REASON_REJECTED),
    T("messagelabs.address-blocked", "your email address has been blocked",
	REASON_REJECTED),
    T("messagelabs.domain-blacklisted", "your domain has been blacklisted",
	REASON_REJECTED),
    T("messagelabs.address-blacklisted",
	"your email address has been blacklisted", REASON_REJECTED),
    T("messagelabs.badmailfrom", "envelope sender is in my badmailfrom list",
	REASON_REJECTED),
    T("messagelabs.envelope-domain",
	"sender envelope domain not allowed for sender ip address",
	REASON_REJECTED),
    /* 553 "Stray linefeeds in message (#5.6.2)" [page] [sis] */
    T("messagelabs.linefeeds", "stray linefeeds in message",
	REASON_CONTENTERROR),
    /* 451 "TLS/SSLv3 Connection required. (#4.7.1)" [page] [sis] */
    T("messagelabs.tls", "tls/sslv3 connection required",
	REASON_FAILEDSTARTTLS),
    /* "You are trying to use me [...] as a relay, but I have not been
     * configured to let you do this" [page] [sis] */
    T("messagelabs.relay", "as a relay, but i have not been configured",
	REASON_NORELAYING),
    /* 550 "Requested action aborted [4]": the message did not comply
     * with RFC 2822; "has detected that this message is not RFC 5322"
     * [page] [sis] */
    T("messagelabs.rfc2822", "requested action aborted [4]",
	REASON_NOTCOMPLIANTRFC),
    T("messagelabs.rfc5322", "has detected that this message is not rfc 5322",
	REASON_NOTCOMPLIANTRFC),
    /* "452 Too many recipients received this hour"; "460 too many
     * messages (#4.3.0)" (sisimai: ratelimited) [page] [sis] */
    T("messagelabs.recipients-hour", "too many recipients received this hour",
	REASON_SPEEDING),
    T("messagelabs.too-many-messages", "too many messages", REASON_SPEEDING),
    /* "Please turn on SMTP Authentication in your mail client" [sis] */
    T("messagelabs.smtp-auth", "turn on smtp authentication in your mail",
	REASON_SECURITYERROR),
    /* 553 "Message Filtered"; "filtered by Outbound scanning": flagged
     * as spam [page] [sis] */
    T("messagelabs.filtered", "message filtered", REASON_SPAMDETECTED),
    T("messagelabs.outbound", "filtered by outbound scanning",
	REASON_SPAMDETECTED),
};

/*
 * Cloudflare Email Routing: "Postmaster"
 * (developers.cloudflare.com/email-routing/postmaster/); sisimai
 * Rhost/Cloudflare.pm.
 */
static const char *const cloudflare_hosts[] = {"mx.cloudflare.net", NULL};
static const struct provider_entry cloudflare[] = {
    /* 554 "<IP> found on one or more RBLs / DNSBLs" [page] [sis] */
    T("cloudflare.dnsbl", "found on one or more*bls", REASON_BLOCKED),
    /* "Upstream error" [sis] */
    T("cloudflare.upstream", "upstream error", REASON_SYSTEMERROR),
};

/*
 * i.ua (Ukraine): replies link "https://mail.i.ua/err/<n>", a page per
 * code; sisimai Rhost/IUA.pm.
 */
static const char *const iua_hosts[] = {"i.ua", "email.ua", NULL};
static const char *const iua_ids[] = {"i.ua/err/", NULL};
static const struct provider_entry iua[] = {
    /* 1 "The use of SMTP as mail gate is forbidden"; 6 "Use SMTP of your
     * provider to send mail" [sis] */
    C("iua.1", 1, 1, REASON_NORELAYING),
    /* 2 "User is not found" [sis] */
    C("iua.2", 2, 2, REASON_USERUNKNOWN),
    /* 3 "Mailbox was not used for more than 3 months" [sis] */
    C("iua.3", 3, 3, REASON_SUSPEND),
    /* 4 "Mailbox is full" [sis] */
    C("iua.4", 4, 4, REASON_MAILBOXFULL),
    /* 5 "Letter sending limit is exceeded" [sis] */
    C("iua.5", 5, 5, REASON_TOOMANYCONN),
    C("iua.6", 6, 6, REASON_NORELAYING),
    /* 7 "Wrong value of the HELO/EHLO parameter"; 9 "IP-address of the
     * sender is blacklisted" [sis] */
    C("iua.7", 7, 7, REASON_BLOCKED),
    /* 8 "Couldn't check sender address" [sis] */
    C("iua.8", 8, 8, REASON_REJECTED),
    C("iua.9", 9, 9, REASON_BLOCKED),
    /* 10 "Not in the list Mail address management": the recipient's
     * own list [sis] */
    C("iua.10", 10, 10, REASON_FILTERED),
};

/*
 * KDDI au (au.com, ezweb.ne.jp); sisimai Rhost/KDDI.pm: "550 : User
 * unknown" without the address is the recipient's reception filter,
 * "550 <address>: User unknown" a missing address.
 */
static const char *const kddi_hosts[] = {"au.com", "ezweb.ne.jp", NULL};
static const struct provider_entry kddi[] = {
    T("kddi.filter", "550 : user unknown", REASON_FILTERED),
    T("kddi.user-unknown", ">: user unknown", REASON_USERUNKNOWN),
};

/*
 * NTT docomo (docomo.ne.jp); sisimai Rhost/NTTDOCOMO.pm.
 */
static const char *const docomo_hosts[] = {"docomo.ne.jp", NULL};
static const struct provider_entry docomo[] = {
    /* "552 Too much mail data": the mailbox is full [sis] */
    T("docomo.mail-data", "552 too much mail data", REASON_MAILBOXFULL),
    /* "552 Too many recipients" [sis] */
    T("docomo.recipients", "552 too many recipients", REASON_TOOMANYCONN),
};

/*
 * Comcast (Xfinity): "Mail delivery error codes"
 * (postmaster.comcast.net/mail-error-codes.html) and Comcast Business
 * "Email bounce back messages" (business.comcast.com/help-and-support/
 * internet/email-bounce-back-messages/). A 550 names a block code.
 */
static const char *const comcast_hosts[] = {"comcast.net", NULL};
static const struct provider_entry comcast[] = {
    /* ES000001 / ES000010: delivery from Comcast's or an external
     * dynamic / residential IP space [page] */
    T("comcast.es000001", "es000001", REASON_BLOCKED),
    T("comcast.es000010", "es000010", REASON_BLOCKED),
    /* BL000000: the IP sent mail in patterns characteristic of spam;
     * BL000001-BL000111: the IP is listed on Spamhaus ZEN, Cloudmark
     * CSI, SenderScore (the digits say which) [page] */
    T("comcast.bl000", "bl000", REASON_BLOCKED),
    /* BL006: the sender's provider is on the Spamhaus SBL/XBL; BL007:
     * on Cloudmark CSI [page] */
    T("comcast.bl006", "bl006", REASON_BLOCKED),
    T("comcast.bl007", "bl007", REASON_BLOCKED),
    /* "421 - [Too many sessions opened]": more simultaneous connections
     * from the IP than Comcast allows [page] */
    T("comcast.sessions", "too many sessions opened", REASON_TOOMANYCONN),
    /* "421 - [Reverse DNS failure : Try again later]": the sending IP
     * has no valid rDNS [page] */
    T("comcast.rdns", "reverse dns failure", REASON_REQUIREPTR),
};

/*
 * United Internet (GMX, WEB.DE, mail.com): "Error messages"
 * (postmaster.gmx.net/en/error-messages, postmaster.web.de/
 * error-messages); the reply's last line links a case page.
 */
static const char *const unitedinternet_hosts[] = {
    "gmx.net", "gmx.de", "gmx.com", "web.de", NULL};
static const struct provider_entry unitedinternet[] = {
    /* "554-No SMTP service 554-IP address is block listed" ("black
     * listed" in older replies) [page] */
    T("unitedinternet.block-listed", "ip address is block listed",
	REASON_BLOCKED),
    T("unitedinternet.black-listed", "ip address is black listed",
	REASON_BLOCKED),
    /* "550 <...>: Reject due to SPF policy. The originating IP of the
     * message is not permitted by the domain owner" [page] (the reply as
     * quoted at smtp.codes/unitedinternet/) */
    T("unitedinternet.spf", "reject due to spf policy", REASON_AUTHFAILURE),
    /* "550 Requested action not taken: mailbox unavailable": the
     * specified recipient does not exist (smtp.codes/unitedinternet/)
     * [page] */
    T("unitedinternet.mailbox-unavailable",
	"requested action not taken: mailbox unavailable", REASON_USERUNKNOWN),
};

/*
 * Mail.ru (mail.ru, bk.ru, list.ru, inbox.ru): the replies link their
 * help pages (help.mail.ru/mail-help/postmaster/...).
 */
static const char *const mailru_hosts[] = {"mail.ru", NULL};
static const struct provider_entry mailru[] = {
    /* "550 5.7.1 This message was not accepted due to domain owner DMARC
     * policy (RFC 7489) https://help.mail.ru/mail-help/postmaster/dmarc"
     * (the reply as quoted at viws.ru "Lost email messages") */
    T("mailru.dmarc", "due to domain owner dmarc policy", REASON_AUTHFAILURE),
    /* "550 spam message rejected": the anti-spam filter refused the
     * message (help text quoted at errorsmaster.ru) */
    T("mailru.spam", "spam message rejected", REASON_SPAMDETECTED),
};

const struct provider provider_table[] = {
    {"cox", cox_hosts, cox_ids, NULL, cox, N(cox)},
    {"spectrum", spectrum_hosts, spectrum_tags, spectrum_tags, spectrum,
	N(spectrum)},
    {"orange", orange_hosts, orange_ids, orange_tags, orange, N(orange)},
    {"laposte", laposte_hosts, NULL, laposte_tags, laposte, N(laposte)},
    {"yahoo", yahoo_hosts, yahoo_ids, NULL, yahoo, N(yahoo)},
    {"microsoft", microsoft_hosts, NULL, NULL, microsoft, N(microsoft)},
    {"google", google_hosts, google_ids, NULL, google, N(google)},
    {"godaddy", godaddy_hosts, NULL, godaddy_tags, godaddy, N(godaddy)},
    {"qq", qq_hosts, NULL, NULL, qq, N(qq)},
    {"mimecast", mimecast_hosts, NULL, NULL, mimecast, N(mimecast)},
    {"apple", apple_hosts, NULL, NULL, apple, N(apple)},
    {"zoho", zoho_hosts, NULL, NULL, zoho, N(zoho)},
    {"facebook", facebook_hosts, NULL, NULL, facebook, N(facebook)},
    {"messagelabs", messagelabs_hosts, NULL, NULL, messagelabs,
	N(messagelabs)},
    {"cloudflare", cloudflare_hosts, NULL, NULL, cloudflare, N(cloudflare)},
    {"iua", iua_hosts, iua_ids, iua_ids, iua, N(iua)},
    {"kddi", kddi_hosts, NULL, NULL, kddi, N(kddi)},
    {"docomo", docomo_hosts, NULL, NULL, docomo, N(docomo)},
    {"comcast", comcast_hosts, NULL, NULL, comcast, N(comcast)},
    {"unitedinternet", unitedinternet_hosts, NULL, NULL, unitedinternet,
	N(unitedinternet)},
    {"mailru", mailru_hosts, NULL, NULL, mailru, N(mailru)},
};
const size_t provider_count = N(provider_table);
