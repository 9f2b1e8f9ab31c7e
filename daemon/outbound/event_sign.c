/* The webhook's signature (event_sign.h), with GnuTLS's HMAC. */
#include <gnutls/crypto.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"
#include "daemon/outbound/event_sign.h"

int
event_sign(const void *key, size_t keylen, int64_t timestamp,
    const char *body, size_t len, char hex[EVENT_SIGN_HEX + 1])
{
	unsigned char mac[32];
	char prefix[32];
	size_t plen;
	char *msg;
	int rc;

	plen = (size_t)snprintf(prefix, sizeof(prefix), "%" PRId64 ".",
	    timestamp);
	msg = xmalloc(plen + len + 1);
	memcpy(msg, prefix, plen);
	memcpy(msg + plen, body, len);
	rc = gnutls_hmac_fast(GNUTLS_MAC_SHA256, key, keylen, msg, plen + len,
	    mac);
	free(msg);
	if (rc < 0)
		return -1;
	for (size_t i = 0; i < sizeof(mac); i++)
		snprintf(hex + 2 * i, 3, "%02x", mac[i]);
	return 0;
}
