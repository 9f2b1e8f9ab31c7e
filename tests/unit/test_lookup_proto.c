/*
 * The lookup responders' protocols (daemon/lookup/lookup_proto.c) without
 * a socket: the database is a table of verdicts here, the framing is
 * what is tested -- every request fed whole, then cut at every byte
 * (nothing is answered before its last byte, the same answer after it),
 * pipelined requests, and the broken ones: bad netstrings, huge lengths,
 * unknown maps, overlong policy requests.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "daemon/lookup/lookup_proto.h"

#define T0 1767225600 /* 2026-01-01T00:00:00Z */

static int lookups;

/* gone@example.org is suppressed (userunknown), fail@example.org makes
 * the database fail, the rest may be mailed */
static int
fake_db(void *arg, const char *key, struct send_decision *d)
{
	(void)arg;
	lookups++;
	memset(d, 0, sizeof(*d));
	if (strcmp(key, "fail@example.org") == 0)
		return -1;
	if (strcmp(key, "gone@example.org") == 0) {
		d->verdict = SEND_SUPPRESSED;
		d->cause = CAUSE_BOUNCE;
		d->reason = REASON_USERUNKNOWN;
		d->since = T0;
	}
	return 0;
}

/* Feeds in whole; returns the step and the reply in out (NUL-ended). */
static enum lookup_step
feed(enum lookup_proto p, const char *in, size_t len, size_t *used, char *out)
{
	size_t olen;
	enum lookup_step s = lookup_step(
	    p, in, len, used, fake_db, NULL, out, LOOKUP_REPLY_MAX, &olen);

	assert_true(olen < LOOKUP_REPLY_MAX);
	out[olen] = '\0';
	return s;
}

/* One whole request gives want (and uses all of it), every prefix MORE. */
static void
one_n(enum lookup_proto p, const char *req, size_t len, enum lookup_step step,
    const char *want)
{
	char out[LOOKUP_REPLY_MAX];
	size_t used, cut;

	for (cut = 0; cut < len; cut++) {
		enum lookup_step s = feed(p, req, cut, &used, out);

		/* a broken prefix may be refused early; never answered */
		if (step == LOOKUP_CLOSE && s == LOOKUP_CLOSE)
			break;
		assert_int_equal(s, LOOKUP_MORE);
		assert_int_equal(used, 0);
	}
	assert_int_equal(feed(p, req, len, &used, out), step);
	assert_string_equal(out, want);
	assert_int_equal(used, len);
}

/* a literal, NULs included */
#define one(p, lit, step, want) one_n(p, lit, sizeof(lit) - 1, step, want)

#define SMAP   LOOKUP_SOCKETMAP
#define POLICY LOOKUP_POLICY
#define REJECT                                                                 \
	"REJECT 5.7.1 Recipient suppressed by bounced: userunknown since 2026-01-01"

static void
test_socketmap(void **state)
{
	(void)state;
	one(SMAP, "27:suppressed gone@example.org,", LOOKUP_REPLY,
	    "77:OK " REJECT ",");
	/* the stored form is lower case */
	one(SMAP, "27:suppressed GONE@Example.ORG,", LOOKUP_REPLY,
	    "77:OK " REJECT ",");
	one(SMAP, "25:suppressed ok@example.org,", LOOKUP_REPLY,
	    "9:NOTFOUND ,");
	/* partial keys Postfix may ask of an access table */
	one(SMAP, "22:suppressed example.org,", LOOKUP_REPLY, "9:NOTFOUND ,");
	one(SMAP, "16:suppressed gone@,", LOOKUP_REPLY, "9:NOTFOUND ,");
	one(SMAP, "11:suppressed ,", LOOKUP_REPLY, "9:NOTFOUND ,");
	one(SMAP, "27:suppressed fail@example.org,", LOOKUP_REPLY,
	    "36:TEMP bounced: database lookup failed,");
	one(SMAP, "22:other gone@example.org,", LOOKUP_REPLY,
	    "48:PERM unknown map name (bounced has \"suppressed\"),");
	one(SMAP, "10:suppressed,", LOOKUP_REPLY,
	    "30:PERM malformed request: no key,");
	/* a NUL or a space in the key: no address */
	one(SMAP, "17:suppressed a\0@b.c,", LOOKUP_REPLY, "9:NOTFOUND ,");
}

static void
test_socketmap_broken(void **state)
{
	char out[LOOKUP_REPLY_MAX];
	size_t used;

	(void)state;
	one(SMAP, "x", LOOKUP_CLOSE, "24:PERM malformed netstring,");
	one(SMAP, "3;abc,", LOOKUP_CLOSE, "24:PERM malformed netstring,");
	one(SMAP, "3:abcd", LOOKUP_CLOSE, "24:PERM malformed netstring,");
	one(SMAP, ":x,", LOOKUP_CLOSE, "24:PERM malformed netstring,");
	/* refused at the digit that makes it too long, not waited for */
	one(SMAP, "99999999999999999999:", LOOKUP_CLOSE,
	    "21:PERM request too long,");
	assert_int_equal(feed(SMAP, "1025", 4, &used, out), LOOKUP_CLOSE);
	assert_int_equal(feed(SMAP, "1024", 4, &used, out), LOOKUP_MORE);
	/* leading zeros: no length of ours */
	one(SMAP, "00000", LOOKUP_CLOSE, "24:PERM malformed netstring,");
}

static void
test_pipelined(void **state)
{
	static const char in[] = "27:suppressed gone@example.org,"
				 "25:suppressed ok@example.org,3:ab";
	char out[LOOKUP_REPLY_MAX];
	size_t used, off = 0;

	(void)state;
	assert_int_equal(
	    feed(SMAP, in, sizeof(in) - 1, &used, out), LOOKUP_REPLY);
	assert_string_equal(out, "77:OK " REJECT ",");
	off += used;
	assert_int_equal(feed(SMAP, in + off, sizeof(in) - 1 - off, &used, out),
	    LOOKUP_REPLY);
	assert_string_equal(out, "9:NOTFOUND ,");
	off += used;
	assert_int_equal(feed(SMAP, in + off, sizeof(in) - 1 - off, &used, out),
	    LOOKUP_MORE);
}

#define PREQ(state, rcpt)                                                      \
	"request=smtpd_access_policy\nprotocol_state=" state                   \
	"\nprotocol_name=ESMTP\nsender=a@example.net\nrecipient=" rcpt         \
	"\nclient_address=127.0.0.1\nfuture_attribute=x=y\n\n"

static void
test_policy(void **state)
{
	(void)state;
	one(POLICY, PREQ("RCPT", "gone@example.org"), LOOKUP_REPLY,
	    "action=" REJECT "\n\n");
	one(POLICY, PREQ("RCPT", "Gone@Example.org"), LOOKUP_REPLY,
	    "action=" REJECT "\n\n");
	one(POLICY, PREQ("RCPT", "ok@example.org"), LOOKUP_REPLY,
	    "action=DUNNO\n\n");
	/* decided at RCPT only */
	lookups = 0;
	one(POLICY, PREQ("DATA", "gone@example.org"), LOOKUP_REPLY,
	    "action=DUNNO\n\n");
	one(POLICY, PREQ("END-OF-MESSAGE", "gone@example.org"), LOOKUP_REPLY,
	    "action=DUNNO\n\n");
	one(POLICY, PREQ("RCPT", ""), LOOKUP_REPLY, "action=DUNNO\n\n");
	one(POLICY, PREQ("RCPT", "not an address"), LOOKUP_REPLY,
	    "action=DUNNO\n\n");
	assert_int_equal(lookups, 0);
	one(POLICY, PREQ("RCPT", "fail@example.org"), LOOKUP_REPLY,
	    "action=DEFER_IF_PERMIT bounced: database lookup failed\n\n");
	/* CRLF, as a person typing at it sends */
	one(POLICY,
	    "request=smtpd_access_policy\r\nprotocol_state=RCPT\r\n"
	    "recipient=gone@example.org\r\n\r\n",
	    LOOKUP_REPLY, "action=" REJECT "\n\n");
	one(POLICY, "no equals sign\nrequest=smtpd_access_policy\n\n",
	    LOOKUP_REPLY,
	    "action=DEFER_IF_PERMIT bounced: malformed policy request\n\n");
	one(POLICY, "request=other\nprotocol_state=RCPT\n\n", LOOKUP_REPLY,
	    "action=DEFER_IF_PERMIT bounced: malformed policy request\n\n");
	one(POLICY, "\n", LOOKUP_REPLY,
	    "action=DEFER_IF_PERMIT bounced: malformed policy request\n\n");
}

static void
test_policy_too_long(void **state)
{
	static char in[LOOKUP_POLICY_MAX + 10];
	char out[LOOKUP_REPLY_MAX];
	size_t used;

	(void)state;
	memset(in, 'a', sizeof(in));
	assert_int_equal(
	    feed(POLICY, in, LOOKUP_POLICY_MAX - 1, &used, out), LOOKUP_MORE);
	assert_int_equal(
	    feed(POLICY, in, LOOKUP_POLICY_MAX, &used, out), LOOKUP_CLOSE);
	assert_string_equal(
	    out, "action=DEFER_IF_PERMIT bounced: policy request too long\n\n");
	assert_true(lookup_request_max(POLICY) >= LOOKUP_POLICY_MAX);
	assert_true(lookup_request_max(SMAP) >= LOOKUP_SMAP_MAX + 6);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_socketmap),
	    cmocka_unit_test(test_socketmap_broken),
	    cmocka_unit_test(test_pipelined),
	    cmocka_unit_test(test_policy),
	    cmocka_unit_test(test_policy_too_long),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
