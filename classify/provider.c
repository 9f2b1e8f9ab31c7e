/*
 * Providers' documented SMTP error codes (provider.h). Each entry carries
 * the meaning its provider documents; only codes whose documented meaning
 * is clear are listed. Entries of a provider are tried in order: the first
 * that occurs decides, so a precise code comes before a broad phrase.
 */
#include "provider.h"

#include <string.h>

#include "classify.h"
#include "common/strutil.h"
#include "mail/mail_limits.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* text entry; numeric entry (code in [lo, hi]) */
/* clang-format off */
#define T(name, text, reason) { name, text, 0, 0, reason, 0 }
#define TF(name, text, reason, fl) { name, text, 0, 0, reason, fl }
#define C(name, lo, hi, reason) { name, NULL, lo, hi, reason, 0 }
/* clang-format on */

/*
 * Cox: https://www.cox.com/residential/support/email-error-codes.html
 * (formerly postmaster.cox.net "Error Codes"). Replies end in "AUP#<code>".
 * Cox's MX is hosted (cxr.mx.a.cloudfilter.net), so the code itself
 * identifies Cox.
 */
static const char *const cox_hosts[] = {"cox.net", "cox.com", NULL};
static const char *const cox_ids[] = {"aup#cxbl", "aup#cdrbl", "aup#ipbl",
    "aup#urlbl", "aup#cxdns", "aup#cxsndr", "aup#cxcnct", "aup#cxmxrt", NULL};
static const struct provider_entry cox[] = {
    /* the sending IP is blocked by Cox for spam-like behaviour */
    T("cox.cxbl", "aup#cxbl", REASON_BLOCKED),
    /* the sending IP is temporarily blocked (at most 24 hours) for
     * behaviour characteristic of spam */
    T("cox.cdrbl", "aup#cdrbl", REASON_BLOCKED),
    /* IPBLnnnn: the sending IP is listed in DNSBLs (Spamhaus ZEN,
     * Return Path, ivmSIP, Cloudmark CSI; the digits say which) */
    T("cox.ipbl", "aup#ipbl", REASON_BLOCKED),
    /* URLBLnnnn: the message contains a URL listed in a URI block list */
    T("cox.urlbl", "aup#urlbl", REASON_SPAMDETECTED),
    /* the reverse DNS lookup of the connecting IP fails */
    T("cox.cxdns", "aup#cxdns", REASON_REQUIREPTR),
    /* the message failed the sender domain's SPF, DomainKeys or DKIM
     * checks */
    T("cox.cxsndr", "aup#cxsndr", REASON_AUTHFAILURE),
    /* too many concurrent SMTP connections from the IP */
    T("cox.cxcnct", "aup#cxcnct", REASON_TOOMANYCONN),
    /* the sender exceeded the maximum number of messages allowed */
    T("cox.cxmxrt", "aup#cxmxrt", REASON_SPEEDING),
};

/*
 * Charter / Spectrum: spectrum.net "Understanding email error codes".
 * Replies end in "AUP#In-NNNN" (inbound) or "AUP#Out-NNNN" ("I-"/"O-" in
 * older replies).
 */
static const char *const spectrum_hosts[] = {
    "charter.net", "spectrum.net", "rr.com", NULL};
static const char *const spectrum_tags[] = {
    "aup#in-", "aup#out-", "aup#i-", "aup#o-", NULL};
static const struct provider_entry spectrum[] = {
    /* the sending IP address is blocked for suspicious activity */
    C("spectrum.1000", 1000, 1000, REASON_BLOCKED),
    /* the sending email address is blocked for suspicious activity
     * (complaints), not the IP */
    C("spectrum.1020", 1020, 1020, REASON_REJECTED),
    /* Spectrum takes no mail over IPv6: connect over IPv4 */
    C("spectrum.1260", 1260, 1260, REASON_NETWORKERROR),
    /* limits on concurrent and total connections, which vary with the
     * IP's reputation: reduce connections and retry later */
    C("spectrum.1300", 1300, 1340, REASON_TOOMANYCONN),
};

/*
 * Orange / Wanadoo: replies carry "OFR_NNN" or "OFRnnn_NNN" and "[NNN]";
 * the bilingual reply states the meaning of the code.
 */
static const char *const orange_hosts[] = {"orange.fr", "wanadoo.fr", NULL};
static const char *const orange_ids[] = {"ofr_", "ofr0", NULL};
static const char *const orange_tags[] = {"ofr", NULL};
static const struct provider_entry orange[] = {
    /* "Adresse IP source bloquee pour incident de spam. Client host
     * blocked for spamming issues." */
    C("orange.102", 102, 102, REASON_BLOCKED),
    /* "Trop de connexions ... Too many connections, slow down." */
    C("orange.104", 104, 104, REASON_TOOMANYCONN),
};

/*
 * La Poste (laposte.net): replies carry "LPNnnn_NNN", on the same model
 * as Orange's; the bilingual reply states the meaning of the code.
 */
static const char *const laposte_hosts[] = {"laposte.net", "laposte.fr", NULL};
static const char *const laposte_tags[] = {"lpn", NULL};
static const struct provider_entry laposte[] = {
    /* "Le compte du destinataire est bloque. The recipient account is
     * blocked." */
    C("laposte.426", 426, 426, REASON_SUSPEND),
};

/*
 * Yahoo and AOL (Yahoo Inc.): Sender Hub "SMTP error codes"
 * (postmaster.yahooinc.com/error-codes).
 */
static const char *const yahoo_hosts[] = {
    "yahoo.com", "yahoodns.net", "yahoo.net", "yahooinc.com", "aol.com", NULL};
static const char *const yahoo_ids[] = {"[tss0", NULL};
static const struct provider_entry yahoo[] = {
    /* "Messages from IP temporarily deferred due to unexpected volume or
     * user complaints" */
    T("yahoo.tss04", "[tss04]", REASON_BADREPUTATION),
    /* "Messages from IP temporarily deferred" for user complaints or
     * unusual traffic from the IP */
    T("yahoo.ts01", "[ts01]", REASON_BADREPUTATION),
    T("yahoo.ts02", "[ts02]", REASON_BADREPUTATION),
    /* "All messages from IP will be permanently deferred; Retrying will
     * NOT succeed" */
    T("yahoo.ts03", "[ts03]", REASON_BLOCKED),
    T("yahoo.tss09", "[tss09]", REASON_BLOCKED),
    /* "Connections will not be accepted from IP, because the ip is in
     * Spamhaus's list" (BL21) and the other block lists (BL22, BL23) */
    T("yahoo.bl21", "[bl21]", REASON_BLOCKED),
    T("yahoo.bl22", "[bl22]", REASON_BLOCKED),
    T("yahoo.bl23", "[bl23]", REASON_BLOCKED),
    /* "554 delivery error: dd This user doesn't have a yahoo.com
     * account": the address does not exist. Yahoo refuses unknown
     * users at end of DATA, so the phase says nothing about a filter. */
    TF("yahoo.no-account", "delivery error: dd this user doesn't have a",
	REASON_USERUNKNOWN, PE_FINAL),
    /* "dd ... This mailbox is disabled (554.30)" */
    T("yahoo.mailbox-disabled", "this mailbox is disabled", REASON_SUSPEND),
    /* "550 5.7.9 This mail has been blocked because the sender is
     * unauthenticated. Yahoo requires all senders to authenticate with
     * either SPF or DKIM." */
    T("yahoo.unauthenticated", "sender is unauthenticated", REASON_AUTHFAILURE),
    /* "554 Message not allowed - Headers are not RFC compliant" */
    T("yahoo.headers", "headers are not rfc compliant", REASON_NOTCOMPLIANTRFC),
    /* "554 5.7.9 Message not accepted for policy reasons" */
    T("yahoo.policy", "message not accepted for policy reasons",
	REASON_POLICYVIOLATION),
};

/*
 * Microsoft (Outlook.com, Hotmail, Exchange Online): the Exchange Online
 * NDR reference (learn.microsoft.com "Email non-delivery reports and SMTP
 * errors") and the Outlook.com postmaster troubleshooting codes.
 */
static const char *const microsoft_hosts[] = {
    "outlook.com", "hotmail.com", "live.com", "msn.com", "office365.com", NULL};
static const struct provider_entry microsoft[] = {
    /* Directory-Based Edge Blocking: "550 5.4.1 Recipient address
     * rejected: Access denied. AS(201806281)", the recipient is not in
     * the organisation's directory */
    T("microsoft.dbeb", "as(201806281)", REASON_USERUNKNOWN),
    T("microsoft.dbeb-text", "recipient address rejected: access denied",
	REASON_USERUNKNOWN),
    /* 5.1.1 / 5.1.10: the recipient's address was not found */
    T("microsoft.recipientnotfound", "resolver.adr.recipientnotfound",
	REASON_USERUNKNOWN),
    T("microsoft.recipnotfound", "resolver.adr.recipnotfound",
	REASON_USERUNKNOWN),
    T("microsoft.exrecipnotfound", "resolver.adr.exrecipnotfound",
	REASON_USERUNKNOWN),
    /* 5.2.2: the recipient's mailbox is over its quota */
    T("microsoft.quota", "quotaexceededexception", REASON_MAILBOXFULL),
    /* 5.2.3: the message exceeds the recipient's size limit */
    T("microsoft.recipsizelimit", "resolver.rst.recipsizelimit",
	REASON_EXCEEDLIMIT),
    /* 5.7.1: the recipient (a restricted group) accepts mail only from
     * authenticated senders */
    T("microsoft.authrequired", "resolver.rst.authrequired",
	REASON_SECURITYERROR),
    /* 5.7.57: "Client was not authenticated to send anonymous mail
     * during MAIL FROM" */
    T("microsoft.anonymous", "not authenticated to send anonymous mail",
	REASON_SECURITYERROR),
    /* 5.7.509: the sending domain fails DMARC with a reject policy */
    T("microsoft.dmarc", "does not pass dmarc verification",
	REASON_AUTHFAILURE),
    /* 5.7.512: the message must be RFC 5322 section 3.6.2 compliant
     * (a From header is missing or malformed) */
    T("microsoft.rfc5322", "must be rfc 5322 section 3.6.2 compliant",
	REASON_NOTCOMPLIANTRFC),
    /* 5.7.606-649: "Access denied, banned sending IP" */
    T("microsoft.banned-ip", "banned sending ip", REASON_BLOCKED),
    /* 5.7.708: "Access denied, traffic not accepted from this IP" */
    T("microsoft.traffic-not-accepted", "traffic not accepted from this ip",
	REASON_BLOCKED),
    /* "part of their network is on our block list (S3140)", S3150 */
    T("microsoft.s3140", "s3140)", REASON_BLOCKED),
    T("microsoft.s3150", "s3150)", REASON_BLOCKED),
    /* Outlook.com "Mail rejected by Outlook.com for policy reasons":
     * SC-001 spam-like content or IP/domain reputation; SC-002 namespace
     * mining; SC-003 open proxy or relay; SC-004 complaints about the
     * IP; DY-001 dynamic IP; DY-002 compromised server; OU-002 IP or
     * domain reputation */
    T("microsoft.sc-001", "sc-001", REASON_BLOCKED),
    T("microsoft.sc-002", "sc-002", REASON_BLOCKED),
    T("microsoft.sc-003", "sc-003", REASON_BLOCKED),
    T("microsoft.sc-004", "sc-004", REASON_BLOCKED),
    T("microsoft.dy-001", "dy-001", REASON_BLOCKED),
    T("microsoft.dy-002", "dy-002", REASON_BLOCKED),
    T("microsoft.ou-002", "ou-002", REASON_BLOCKED),
    /* RP-001, RP-002: the IP exceeded the rate limit allowed; RP-003:
     * the connection limit */
    T("microsoft.rp-001", "rp-001", REASON_SPEEDING),
    T("microsoft.rp-002", "rp-002", REASON_SPEEDING),
    T("microsoft.rp-003", "rp-003", REASON_TOOMANYCONN),
    /* 5.4.14: "Hop count exceeded - possible mail loop" */
    T("microsoft.hop-count", "hop count exceeded", REASON_NETWORKERROR),
};

/*
 * Google (Gmail, Google Workspace): "SMTP errors and codes"
 * (support.google.com/a/answer/3726730). Replies end in "<id> - gsmtp"
 * and link the help topic ("?p=NoSuchUser").
 */
static const char *const google_hosts[] = {
    "google.com", "googlemail.com", "gmail.com", NULL};
static const char *const google_ids[] = {"- gsmtp", NULL};
static const struct provider_entry google[] = {
    /* 5.1.1 "The email account that you tried to reach does not exist" */
    T("google.nosuchuser", "?p=nosuchuser", REASON_USERUNKNOWN),
    T("google.does-not-exist", "account that you tried to reach does not exist",
	REASON_USERUNKNOWN),
    /* 5.2.1 "... is disabled", "... is inactive" */
    T("google.disabled", "account that you tried to reach is disabled",
	REASON_SUSPEND),
    T("google.inactive", "account that you tried to reach is inactive",
	REASON_SUSPEND),
    /* 4.2.2 / 5.2.2 "The email account that you tried to reach is over
     * quota" */
    T("google.over-quota", "account that you tried to reach is over quota",
	REASON_MAILBOXFULL),
    /* 4.2.1 / 5.2.1 "The user you are trying to contact is receiving
     * mail at a rate that prevents additional messages from being
     * delivered" */
    T("google.receiving-rate", "?p=receivingrate", REASON_SPEEDING),
    T("google.receiving-rate-text", "receiving mail at a rate that",
	REASON_SPEEDING),
    /* 5.3.4 / 5.2.3 "Your message exceeded Google's message size
     * limits" */
    T("google.size", "exceeded google's message size limits",
	REASON_MESGTOOBIG),
    /* 5.7.1 "This message is not RFC 5322 compliant" */
    T("google.rfc5322", "?p=rfcmessagenoncompliant", REASON_NOTCOMPLIANTRFC),
    /* 5.7.26 "Unauthenticated email from DOMAIN is not accepted due to
     * domain's DMARC policy" */
    T("google.dmarc", "?p=dmarcrejection", REASON_AUTHFAILURE),
    /* 5.7.25 "The IP address sending this message does not have a PTR
     * record setup" */
    T("google.ptr", "does not have a ptr record", REASON_REQUIREPTR),
    /* 5.7.1 "... likely suspicious due to the very low reputation of
     * the sending IP address / domain" */
    T("google.low-reputation", "very low reputation of the sending",
	REASON_BADREPUTATION),
    /* 4.7.28 / 5.7.28 "Gmail has detected an unusual rate of unsolicited
     * mail originating from your IP address" */
    T("google.unsolicited-rate", "unusual rate of unsolicited mail",
	REASON_BADREPUTATION),
    /* 5.7.1 "Our system has detected that this message is likely
     * unsolicited mail" */
    T("google.unsolicited", "this message is likely unsolicited mail",
	REASON_SPAMDETECTED),
};

/*
 * GoDaddy (secureserver.net): "Fix rejected email with a bounce error"
 * (godaddy.com/help/40685). Replies end in "IBnnn".
 */
static const char *const godaddy_hosts[] = {"secureserver.net", NULL};
static const char *const godaddy_tags[] = {"ib", NULL};
static const struct provider_entry godaddy[] = {
    /* "This message has been rejected due to content judged to be spam
     * by the internet community" */
    C("godaddy.ib212", 212, 212, REASON_SPAMDETECTED),
    /* "535 Authentication not allowed on IBSMTP Servers" */
    C("godaddy.ib401", 401, 401, REASON_SECURITYERROR),
    /* "Blank From: addresses are not allowed"; "IP addresses are not
     * allowed as a From: Address" */
    C("godaddy.ib501", 501, 502, REASON_NOTCOMPLIANTRFC),
    /* "From: Domain is invalid": no MX or address, or DNS failed */
    C("godaddy.ib506", 506, 506, REASON_REJECTED),
    /* "Invalid SPF record": the sender's SPF does not authorise the
     * sending server */
    C("godaddy.ib508", 508, 508, REASON_AUTHFAILURE),
};

/*
 * Tencent QQ Mail: service.mail.qq.com help "id=20022" (bounce codes).
 */
static const char *const qq_hosts[] = {"qq.com", NULL};
static const struct provider_entry qq[] = {
    /* the sending IP, domain or connection exceeds QQ's frequency
     * limits */
    T("qq.ip-frequency", "ip frequency limited", REASON_TOOMANYCONN),
    T("qq.domain-frequency", "domain frequency limited", REASON_TOOMANYCONN),
    T("qq.connection-frequency", "connection frequency limited",
	REASON_TOOMANYCONN),
    /* "Mailbox not found" */
    T("qq.mailbox-not-found", "mailbox not found", REASON_USERUNKNOWN),
    /* "DMARC check failed" */
    T("qq.dmarc", "dmarc check failed", REASON_AUTHFAILURE),
};

/*
 * Mimecast: "Mimecast SMTP error codes" (community.mimecast.com
 * DOC-1369).
 */
static const char *const mimecast_hosts[] = {"mimecast.com", NULL};
static const struct provider_entry mimecast[] = {
    /* 550 "Invalid Recipient": no such address in the customer's
     * directory */
    T("mimecast.invalid-recipient", "invalid recipient", REASON_USERUNKNOWN),
    /* 554 "Host network not allowed": the sending IP is outside the
     * ranges the customer's policy permits */
    T("mimecast.host-network", "host network not allowed",
	REASON_POLICYVIOLATION),
    /* 550 "Envelope blocked - User Entry": the recipient blocked the
     * sender in a personal block list */
    T("mimecast.user-entry", "envelope blocked*user entry", REASON_FILTERED),
    /* 451 "Open relay not allowed" */
    T("mimecast.open-relay", "open relay not allowed", REASON_NORELAYING),
    /* 451 "Internal resource temporarily unavailable" */
    T("mimecast.internal-resource", "internal resource temporarily unavailable",
	REASON_SYSTEMERROR),
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
};
const size_t provider_count = N(provider_table);

static bool
is_alnum(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       bd_isdigit(c);
}

/* a character that can continue a host name or a code */
static bool
word_char(int c)
{
	return is_alnum(c) || c == '-' || c == '_';
}

/* host is suffix, or ends in "." suffix */
static bool
host_matches(const char *host, size_t n, const char *suffix)
{
	size_t m = strlen(suffix);

	if (n < m || memcmp(host + n - m, suffix, m) != 0)
		return false;
	return n == m || host[n - m - 1] == '.';
}

/*
 * The provider whose host suffix s (the first word of an MTA field:
 * "mx.example.cox.net", "host. (192.0.2.1, ...)") ends in, or NULL.
 */
static const struct provider *
by_host(const char *s)
{
	char host[256];
	size_t n = 0, i, k;

	if (s == NULL)
		return NULL;
	while (bd_isspace((unsigned char)*s))
		s++;
	while (s[n] != '\0' && !bd_isspace((unsigned char)s[n]) &&
	       s[n] != '(' && s[n] != '[' && s[n] != ';' && s[n] != ':') {
		if (n + 1 >= sizeof(host))
			return NULL;
		host[n] = (char)bd_lower((unsigned char)s[n]);
		n++;
	}
	while (n > 0 && host[n - 1] == '.')
		n--;
	host[n] = '\0';
	if (n == 0)
		return NULL;
	for (i = 0; i < provider_count; i++) {
		const struct provider *p = &provider_table[i];

		for (k = 0; p->hosts != NULL && p->hosts[k] != NULL; k++) {
			if (host_matches(host, n, p->hosts[k]))
				return p;
		}
	}
	return NULL;
}

/*
 * The first occurrence of needle (lower case) in s[0..len) that starts a
 * word: at the start or after a character that cannot continue one, and
 * never after '@' (an address names a mailbox, not the host that spoke).
 */
static const char *
find_word(const char *s, size_t len, const char *needle, size_t nlen)
{
	const char *p = s, *end = s + len, *hit;

	while (p < end && (hit = ci_find_lower(
			       p, (size_t)(end - p), needle, nlen)) != NULL) {
		if (hit == s ||
		    (!word_char((unsigned char)hit[-1]) && hit[-1] != '@'))
			return hit;
		p = hit + 1;
	}
	return NULL;
}

/* A host of the provider named as one in s: "...cox.net", not "@cox.net"
 * nor "cox.network". */
static bool
names_host(const char *s, size_t len, const char *suffix)
{
	const char *p = s, *end = s + len, *hit;
	size_t m = strlen(suffix);

	while (p < end &&
	       (hit = ci_find_lower(p, (size_t)(end - p), suffix, m)) != NULL) {
		const char *after = hit + m;
		bool start_ok =
		    hit == s || hit[-1] == '.' ||
		    (!word_char((unsigned char)hit[-1]) && hit[-1] != '@');
		bool end_ok =
		    after == end || (!word_char((unsigned char)*after) &&
					!(*after == '.' && after + 1 < end &&
					    is_alnum((unsigned char)after[1])));

		if (start_ok && end_ok)
			return true;
		p = hit + 1;
	}
	return false;
}

/* The provider that s names by one of its own codes or one of its hosts. */
static const struct provider *
by_text(const char *s, size_t len)
{
	size_t i, k;

	for (i = 0; i < provider_count; i++) {
		const struct provider *p = &provider_table[i];

		for (k = 0; p->ids != NULL && p->ids[k] != NULL; k++) {
			if (find_word(s, len, p->ids[k], strlen(p->ids[k])) !=
			    NULL)
				return p;
		}
	}
	for (i = 0; i < provider_count; i++) {
		const struct provider *p = &provider_table[i];

		for (k = 0; p->hosts != NULL && p->hosts[k] != NULL; k++) {
			if (names_host(s, len, p->hosts[k]))
				return p;
		}
	}
	return NULL;
}

const struct provider *
provider_identify(const struct report *rep, const struct report_rcpt *r)
{
	const struct provider *p;

	if ((p = by_host(r->remote_mta)) != NULL)
		return p;
	if (r->diagnostic != NULL &&
	    (p = by_text(
		 r->diagnostic, strnlen(r->diagnostic, MAIL_MAX_DIAG))) != NULL)
		return p;
	/* without a remote MTA, the reporting MTA is the one that refused */
	if (r->remote_mta == NULL || r->remote_mta[0] == '\0')
		return by_host(rep->reporting_mta);
	return NULL;
}

/* Reads up to 6 digits at *pp into *v; returns how many. */
static int
digits(const char **pp, const char *end, int *v)
{
	const char *p = *pp;
	int n = 0;

	*v = 0;
	while (p < end && bd_isdigit((unsigned char)*p) && n < 6) {
		*v = *v * 10 + (*p - '0');
		p++;
		n++;
	}
	*pp = p;
	return n;
}

int
provider_code(const struct provider *p, const char *s, size_t len)
{
	const char *end = s + len;
	size_t k;

	for (k = 0; p->num_tags != NULL && p->num_tags[k] != NULL; k++) {
		size_t tl = strlen(p->num_tags[k]);
		const char *from = s, *hit;

		while ((hit = find_word(from, (size_t)(end - from),
			    p->num_tags[k], tl)) != NULL) {
			const char *q = hit + tl;
			int a, b;
			int na = digits(&q, end, &a);

			from = hit + 1;
			/* "NNN_NNN" or "_NNN": the last number is the code */
			if (q < end && (*q == '_' || *q == '-')) {
				q++;
				if (digits(&q, end, &b) == 0)
					continue;
				a = b;
			} else if (na == 0) {
				continue;
			}
			if (q < end && word_char((unsigned char)*q))
				continue;
			return a;
		}
	}
	return -1;
}

bool
provider_reason(const struct report *rep, const struct report_rcpt *r,
    struct provider_verdict *pv)
{
	const struct provider *p;
	const char *d = r->diagnostic;
	char low[MAIL_MAX_DIAG + 1];
	size_t len, k;
	int code;

	if (d == NULL || d[0] == '\0')
		return false;
	if ((p = provider_identify(rep, r)) == NULL)
		return false;
	len = strnlen(d, MAIL_MAX_DIAG); /* the part classify.c reads */
	for (k = 0; k < len; k++)
		low[k] = (char)bd_lower((unsigned char)d[k]);
	low[len] = '\0';
	code = provider_code(p, d, len);
	for (k = 0; k < p->nentries; k++) {
		const struct provider_entry *e = &p->entries[k];

		if (e->text != NULL ? !classify_match(low, len, e->text)
				    : code < e->lo || code > e->hi)
			continue;
		pv->reason = e->reason;
		pv->rule = e->name;
		pv->matched = e->text != NULL ? e->text : e->name;
		pv->flags = e->flags;
		pv->provider = p;
		return true;
	}
	return false;
}
