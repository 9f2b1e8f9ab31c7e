/*
 * Verifying the TLS peer of a libetpan stream with GnuTLS (see tls.h for
 * why libetpan does not do it here).
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <libetpan/libetpan.h>

#include "daemon/outbound/tls.h"

/*
 * More than any real chain (leaf, two intermediates, a cross-signed
 * root); a longer one is cut, and then fails to verify if it needed the
 * rest.
 */
#define TLS_MAX_CHAIN 16

/* The names a certificate is for, listed in "host name mismatch". */
#define TLS_MAX_NAMES 3

/*
 * libetpan declares its TLS driver only when the including code defines
 * USE_SSL, its own build flag; Debian's libetpan is built with it and
 * exports the symbol.
 */
extern mailstream_low_driver *mailstream_ssl_driver;

/* Fills ip (16 bytes) and returns its length when host is an IP literal. */
static size_t
ip_literal(const char *host, unsigned char ip[16])
{
	if (inet_pton(AF_INET, host, ip) == 1)
		return 4;
	if (inet_pton(AF_INET6, host, ip) == 1)
		return 16;
	return 0;
}

void
tls_connect_cb(struct mailstream_ssl_context *ctx, void *data)
{
	unsigned char ip[16];
	char *host = data;

	/* RFC 6066 3: "Literal IPv4 and IPv6 addresses are not permitted
	 * in HostName." */
	if (host == NULL || ip_literal(host, ip) != 0)
		return;
	(void)mailstream_ssl_set_server_name(ctx, host);
}

/* Appends ", " and s to buf (size len), cut to what fits. */
static void
names_add(char *buf, size_t len, const char *s)
{
	size_t used = strlen(buf), n;

	if (used > 0 && used + 2 < len) {
		memcpy(buf + used, ", ", 2);
		used += 2;
	}
	n = strlen(s);
	if (used + n >= len)
		n = len - used - 1;
	memcpy(buf + used, s, n);
	buf[used + n] = '\0';
}

/*
 * The names the leaf is for: the DNS and IP subjectAltNames, or the
 * Subject CN when it has none (RFC 6125 6.4.4), for the error text.
 */
static void
cert_names(gnutls_x509_crt_t crt, char *buf, size_t len)
{
	char san[256], ipstr[INET6_ADDRSTRLEN];
	unsigned seq, n = 0;
	size_t sz;
	int type;

	buf[0] = '\0';
	for (seq = 0; n < TLS_MAX_NAMES; seq++) {
		sz = sizeof(san) - 1;
		type = gnutls_x509_crt_get_subject_alt_name(
		    crt, seq, san, &sz, NULL);
		if (type == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
			break;
		if (type == GNUTLS_SAN_DNSNAME) {
			san[sz] = '\0';
			names_add(buf, len, san);
			n++;
		} else if (type == GNUTLS_SAN_IPADDRESS &&
			   (sz == 4 || sz == 16) &&
			   inet_ntop(sz == 4 ? AF_INET : AF_INET6, san, ipstr,
			       sizeof(ipstr)) != NULL) {
			names_add(buf, len, ipstr);
			n++;
		}
	}
	if (n > 0)
		return;
	sz = sizeof(san);
	if (gnutls_x509_crt_get_dn_by_oid(
		crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, san, &sz) == 0)
		names_add(buf, len, san);
	else
		names_add(buf, len, "no name");
}

/*
 * Why the chain did not verify, most telling first: an unknown issuer
 * explains most of the other bits too (a chain that reaches no anchor
 * has nothing to check the signature with).
 */
static void
status_text(unsigned status, char *err, size_t errlen)
{
	static const struct {
		unsigned bit;
		const char *text;
	} why[] = {
	    {GNUTLS_CERT_SIGNER_NOT_FOUND,
		"certificate signed by an unknown authority"},
	    {GNUTLS_CERT_EXPIRED, "certificate expired"},
	    {GNUTLS_CERT_NOT_ACTIVATED, "certificate not yet valid"},
	    {GNUTLS_CERT_REVOKED, "certificate revoked"},
	    {GNUTLS_CERT_SIGNER_NOT_CA,
		"certificate signed by a certificate that is no CA"},
	    {GNUTLS_CERT_INSECURE_ALGORITHM,
		"certificate signed with an insecure algorithm"},
	    {GNUTLS_CERT_SIGNATURE_FAILURE,
		"certificate signature does not verify"},
	    {GNUTLS_CERT_PURPOSE_MISMATCH, "certificate not for TLS servers"},
	};
	gnutls_datum_t out;
	size_t i;

	for (i = 0; i < sizeof(why) / sizeof(why[0]); i++) {
		if (status & why[i].bit) {
			(void)snprintf(err, errlen, "%s", why[i].text);
			return;
		}
	}
	if (gnutls_certificate_verification_status_print(
		status, GNUTLS_CRT_X509, &out, 0) == 0) {
		(void)snprintf(err, errlen, "certificate did not verify: %s",
		    (const char *)out.data);
		gnutls_free(out.data);
	} else
		(void)snprintf(err, errlen, "certificate did not verify");
}

/* Loads the trust anchors: ca_file, or the system's. */
static int
trust_load(
    gnutls_x509_trust_list_t tl, const char *ca_file, char *err, size_t errlen)
{
	int r;

	if (ca_file != NULL) {
		r = gnutls_x509_trust_list_add_trust_file(
		    tl, ca_file, NULL, GNUTLS_X509_FMT_PEM, 0, 0);
		if (r < 0) {
			(void)snprintf(err, errlen, "ca_file %s: %s", ca_file,
			    gnutls_strerror(r));
			return -1;
		}
		if (r == 0) {
			(void)snprintf(err, errlen,
			    "ca_file %s: no PEM certificate in it", ca_file);
			return -1;
		}
		return 0;
	}
	r = gnutls_x509_trust_list_add_system_trust(tl, 0, 0);
	if (r <= 0) {
		(void)snprintf(err, errlen, "no system trust store: %s",
		    r < 0 ? gnutls_strerror(r) : "no certificates");
		return -1;
	}
	return 0;
}

/*
 * The chain against the anchors, then the leaf against host: IP literals
 * against iPAddress subjectAltNames (RFC 6125 1.7.2 leaves them to us,
 * RFC 5280 4.2.1.6), names per RFC 6125 6.4 (gnutls_x509_crt_check_
 * hostname2(): SAN dNSName, a single left-most wildcard, CN only when the
 * certificate has no DNS SAN).
 */
static int
chain_verify(gnutls_x509_crt_t *crts, unsigned n, const char *host,
    const char *ca_file, char *err, size_t errlen)
{
	gnutls_x509_trust_list_t tl;
	gnutls_typed_vdata_st vdata[1];
	unsigned char ip[16];
	char names[256];
	unsigned status = 0;
	size_t iplen;
	int r, ok;

	if (gnutls_x509_trust_list_init(&tl, 0) < 0) {
		(void)snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (trust_load(tl, ca_file, err, errlen) == -1) {
		gnutls_x509_trust_list_deinit(tl, 1);
		return -1;
	}
	/* A mail server's certificate is a TLS server certificate: when it
	 * lists extended key usages, serverAuth must be one (RFC 5280
	 * 4.2.1.12). */
	memset(vdata, 0, sizeof(vdata));
	vdata[0].type = GNUTLS_DT_KEY_PURPOSE_OID;
	vdata[0].data = (unsigned char *)(uintptr_t)GNUTLS_KP_TLS_WWW_SERVER;
	r = gnutls_x509_trust_list_verify_crt2(
	    tl, crts, n, vdata, 1, 0, &status, NULL);
	gnutls_x509_trust_list_deinit(tl, 1);
	if (r < 0) {
		(void)snprintf(err, errlen, "certificate check failed: %s",
		    gnutls_strerror(r));
		return -1;
	}
	if (status != 0) {
		status_text(status, err, errlen);
		return -1;
	}
	if ((iplen = ip_literal(host, ip)) != 0)
		ok = gnutls_x509_crt_check_ip(crts[0], ip, (unsigned)iplen, 0);
	else
		ok = gnutls_x509_crt_check_hostname2(crts[0], host, 0);
	if (!ok) {
		cert_names(crts[0], names, sizeof(names));
		(void)snprintf(err, errlen,
		    "host name mismatch: certificate is for %s, not %s", names,
		    host);
		return -1;
	}
	return 0;
}

/*
 * libetpan 1.9.4's GnuTLS mailstream_low_ssl_get_certificate_chain()
 * returns an uninitialised pointer when the peer sent no certificate;
 * mailstream_ssl_get_certificate() checks that case properly, so it goes
 * first.
 */
static int
peer_has_cert(mailstream *s)
{
	unsigned char *der = NULL;
	ssize_t len;

	len = mailstream_ssl_get_certificate(s, &der);
	free(der);
	return len > 0;
}

int
tls_verify(mailstream *s, const char *host, const char *ca_file, char *err,
    size_t errlen)
{
	gnutls_x509_crt_t crts[TLS_MAX_CHAIN];
	gnutls_datum_t d;
	MMAPString *str;
	carray *chain;
	unsigned i, n = 0;
	int ret = -1;

	if (s == NULL || mailstream_get_low(s) == NULL ||
	    mailstream_get_low(s)->driver != mailstream_ssl_driver) {
		(void)snprintf(err, errlen, "not a TLS connection");
		return -1;
	}
	if (!peer_has_cert(s) ||
	    (chain = mailstream_get_certificate_chain(s)) == NULL) {
		(void)snprintf(err, errlen, "no certificate");
		return -1;
	}
	for (i = 0; i < carray_count(chain) && n < TLS_MAX_CHAIN; i++) {
		str = carray_get(chain, i);
		d.data = (unsigned char *)str->str;
		d.size = (unsigned)str->len;
		if (gnutls_x509_crt_init(&crts[n]) < 0)
			break;
		if (gnutls_x509_crt_import(crts[n], &d, GNUTLS_X509_FMT_DER) <
		    0) {
			gnutls_x509_crt_deinit(crts[n]);
			(void)snprintf(err, errlen, "unreadable certificate");
			goto out;
		}
		n++;
	}
	if (n == 0)
		(void)snprintf(err, errlen, "no certificate");
	else
		ret = chain_verify(crts, n, host, ca_file, err, errlen);
out:
	for (i = 0; i < n; i++)
		gnutls_x509_crt_deinit(crts[i]);
	mailstream_certificate_chain_free(chain);
	return ret;
}
