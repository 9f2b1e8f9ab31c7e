/*
 * Fuzz target: the lookup responders' protocols (daemon/lookup/
 * lookup_proto.c) as daemon/lookup/lookup_server.c drives them. The
 * first byte chooses the protocol (bit 0: socketmap or policy) and the
 * read size (the rest: 1 .. 128 bytes a read); the bytes after it are a
 * client's stream, fed in reads of that size into a buffer of the
 * server's capacity, every whole request answered and consumed as the
 * server does. The database is a fake whose verdict depends on the key.
 * Contract checks: a reply is never empty, fits LOOKUP_REPLY_MAX, has
 * the protocol's framing (a netstring whose length is right; "action="
 * and an empty line); a step uses no more than it was given; a full
 * buffer never waits for more.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/lookup/lookup_proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
fake_db(void *arg, const char *key, struct send_decision *d)
{
	size_t n = strlen(key);

	(void)arg;
	memset(d, 0, sizeof(*d));
	if (n == 0 || strchr(key, '@') == NULL)
		abort(); /* only mailbox_key()'s keys reach the database */
	if (key[0] == 'f')
		return -1;
	if (n % 2 == 0) {
		d->verdict = SEND_SUPPRESSED;
		d->cause = key[0] == 'm' ? CAUSE_PERSON : CAUSE_BOUNCE;
		d->reason = (enum reason)(n % REASON_COUNT);
		d->since = (int64_t)n * 86400 * 400;
	}
	return 0;
}

static void
check_reply(enum lookup_proto p, const char *out, size_t len)
{
	size_t i, n = 0;

	if (len == 0 || len >= LOOKUP_REPLY_MAX)
		abort();
	if (p == LOOKUP_POLICY) {
		if (len < 9 || memcmp(out, "action=", 7) != 0 ||
		    memcmp(out + len - 2, "\n\n", 2) != 0 ||
		    memchr(out, '\n', len - 2) != NULL)
			abort();
		return;
	}
	for (i = 0; i < len && out[i] >= '0' && out[i] <= '9'; i++)
		n = n * 10 + (size_t)(out[i] - '0');
	if (i == 0 || i >= len || out[i] != ':' || i + 1 + n + 1 != len ||
	    out[len - 1] != ',')
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum lookup_proto p;
	size_t chunk, cap, inlen = 0, off = 1, used, olen, take;
	char out[LOOKUP_REPLY_MAX];
	enum lookup_step step;
	char *in;

	if (size < 1)
		return 0;
	p = (data[0] & 1) ? LOOKUP_POLICY : LOOKUP_SOCKETMAP;
	chunk = (size_t)(data[0] >> 1) + 1;
	cap = lookup_request_max(p);
	if ((in = malloc(cap)) == NULL)
		return 0;
	while (off < size) {
		take = size - off < chunk ? size - off : chunk;
		if (take > cap - inlen)
			take = cap - inlen;
		memcpy(in + inlen, data + off, take);
		inlen += take;
		off += take;
		for (;;) {
			step = lookup_step(p, in, inlen, &used, fake_db, NULL,
			    out, sizeof(out), &olen);
			if (step == LOOKUP_MORE) {
				if (inlen >= cap || used != 0 || olen != 0)
					abort();
				break;
			}
			if (used == 0 || used > inlen)
				abort();
			check_reply(p, out, olen);
			if (step == LOOKUP_CLOSE)
				goto out;
			memmove(in, in + used, inlen - used);
			inlen -= used;
		}
	}
out:
	free(in);
	return 0;
}
