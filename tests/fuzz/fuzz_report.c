/*
 * Fuzz target: bytes → report_parse() → classify_rcpt() for every
 * recipient, and what the resend path reads from the same report
 * (mail/resent.h: the whole original, its Message-ID, the retry hint, the
 * composed resend), and the signed return path it was sent to
 * (mail/report_verp.h); and that report_parse_owned() of a copy finds
 * the same. Built as a libFuzzer target with clang
 * (-DBD_FUZZ=ON: -fsanitize=fuzzer,address,undefined); otherwise the
 * standalone main() of replay.c replays each file it is given, which is how
 * ctest runs the committed inputs under ASan (libssh's fuzzer.c does the
 * same).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "classify/classify.h"
#include "mail/report_verp.h"
#include "mail/resent.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool
same_str(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/*
 * report_parse_owned() (the daemon's and bouncectl's path: the buffer
 * normalised in place, no copy) finds what report_parse() finds.
 */
static void
check_owned(const uint8_t *data, size_t size, const struct report *rep)
{
	struct report *own = NULL;
	unsigned char *b = malloc(size > 0 ? size : 1);
	const char *err;
	size_t i;

	if (b == NULL)
		return;
	memcpy(b, data, size);
	if (report_parse_owned(b, size, &own, &err) < 0)
		abort();
	if (own->nrcpt != rep->nrcpt || own->msg.nparts != rep->msg.nparts ||
	    own->msg.flags != rep->msg.flags)
		abort();
	for (i = 0; i < rep->nrcpt; i++)
		if (!same_str(own->rcpt[i].recipient, rep->rcpt[i].recipient) ||
		    !same_str(own->rcpt[i].action, rep->rcpt[i].action) ||
		    !same_str(own->rcpt[i].diagnostic,
			rep->rcpt[i].diagnostic))
			abort();
	report_free(&own);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct report *rep = NULL;
	const char *err, *orig, *why;
	char id[1000];
	size_t i, olen, clen;
	char *c;

	if (report_parse(data, size, &rep, &err) < 0)
		return 0;
	for (i = 0; i < rep->nrcpt; i++) {
		struct verdict v;

		classify_rcpt(rep, &rep->rcpt[i], 0, &v);
		(void)resent_retry_hint(rep->rcpt[i].diagnostic);
	}
	if (resent_original(rep, &orig, &olen, &why)) {
		(void)resent_message_id(orig, olen, id, sizeof(id));
		c = resent_compose(orig, olen, "bounces@example.org", 0,
		    "resend.1.1.0@example.org", &clen);
		/* the original comes through byte for byte at the end */
		if (clen < olen || memcmp(c + clen - olen, orig, olen) != 0)
			abort();
		free(c);
	}
	{
		static const struct verp v = {"bounces+{tag}@example.org",
		    (const unsigned char *)"fuzz key, 16 bytes or more", 26, 60};
		struct report_verp rv;

		report_verp(rep, &v, 0, &rv);
		/* a result names a field; a recipient only when valid/expired */
		if ((rv.result != VERP_NONE) != (rv.field != NULL) ||
		    (rv.result > VERP_EXPIRED && rv.rcpt[0] != '\0'))
			abort();
	}
	check_owned(data, size, rep);
	report_free(&rep);
	return 0;
}
