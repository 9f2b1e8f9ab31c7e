/*
 * Certificate verification for libetpan streams. Debian's libetpan is
 * built with GnuTLS and accepts any server certificate
 * (mailstream_ssl_set_server_certicate() is a no-op returning -1 there),
 * so after the handshake we take the peer chain libetpan saw
 * (mailstream_get_certificate_chain(), DER) and verify it ourselves with
 * GnuTLS: the chain against the system trust or a CA file, then the host
 * name (RFC 6125) or IP address against the leaf's subjectAltName.
 * Shared by the IMAP source and the SMTP resender.
 */
#ifndef BD_TLS_H
#define BD_TLS_H

#include <stddef.h>

struct mailstream_ssl_context;
typedef struct _mailstream mailstream;

/*
 * libetpan's connect callback (mailimap_ssl_connect_with_callback(),
 * mailstream_ssl_open_with_callback(), ...): sets SNI (RFC 6066 3) to
 * data, a host name; an IP address literal gets no SNI, as the RFC says.
 */
void tls_connect_cb(struct mailstream_ssl_context *ctx, void *data);

/*
 * Verifies the TLS peer of s for host (a name or an IP literal) against
 * ca_file (PEM, may hold several) or, when NULL, the system trust
 * (gnutls_x509_trust_list_add_system_trust()). Returns 0 when the chain
 * and the name verify; else -1 and a reason in err ("certificate signed
 * by an unknown authority", "certificate expired", "host name mismatch:
 * certificate is for mail.example.net", "no certificate", ...).
 */
int tls_verify(mailstream *s, const char *host, const char *ca_file,
    char *err, size_t errlen);

#endif
