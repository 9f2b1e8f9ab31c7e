/*
 * sisimai 5's reason names beside ours (issue 17 item 6). bounced's
 * vocabulary is sisimai 4's (reason.c); sisimai 5 renamed four reasons
 * into two. Inside the program a reason stays an enum reason; these names
 * exist only at the edges: what a person types (configuration, bouncectl
 * options) and what bouncectl prints with --labels sisimai5.
 *
 * The table, each entry with its source in sisimai/p5-sisimai:
 * - mesgtoobig -> emailtoolarge: lib/Sisimai/Eb.pm ($ReSIZE =
 *   "EmailTooLarge"; no MesgTooBig left), lib/Sisimai/Reason/
 *   EmailTooLarge.pm ("Status: 5.3.4" -> emailtoolarge, the code
 *   MesgTooBig.pm named).
 * - exceedlimit -> emailtoolarge: Eb.pm has no ExceedLimit;
 *   EmailTooLarge.pm's true() takes "Status: 5.2.3 ... Message length
 *   exceeds administrative limit", the code ExceedLimit.pm named (RFC 3463
 *   X.2.3).
 * - toomanyconn -> ratelimited: Eb.pm ($ReRATE = "RateLimited"; no
 *   TooManyConn left), lib/Sisimai/Reason/RateLimited.pm ("too many
 *   concurrency connections"; the pairs "too many con", "connection
 *   limit" of TooManyConn.pm).
 * - speeding -> ratelimited: Eb.pm has no Speeding; RateLimited.pm
 *   ("Rejected due to exceeding a rate limit: sending too fast"; the
 *   patterns "please try again slower", "receiving mail at a rate that
 *   prevents additional messages" of Speeding.pm).
 * Every other name is the same in both (Eb.pm lists them). sisimai 5's
 * "suppressed" (Reason/Suppressed.pm: the relay's own suppression list)
 * has no counterpart here: bounced never gives it, and it is refused as a
 * name like any unknown one.
 */
#include "reason.h"

#include <string.h>

static const struct {
	enum reason r;
	const char *v5; /* sisimai 5's name */
} renamed[] = {
    {REASON_MESGTOOBIG, "emailtoolarge"},
    {REASON_EXCEEDLIMIT, "emailtoolarge"},
    {REASON_TOOMANYCONN, "ratelimited"},
    {REASON_SPEEDING, "ratelimited"},
};

#define NRENAMED (sizeof(renamed) / sizeof(renamed[0]))

size_t
reason_lookup(const char *name, enum reason out[REASON_NAME_MAX])
{
	enum reason r = reason_from_name(name);
	size_t i, n = 0;

	if (r != REASON_COUNT) {
		out[0] = r;
		return 1;
	}
	for (i = 0; i < NRENAMED && n < REASON_NAME_MAX; i++)
		if (strcmp(renamed[i].v5, name) == 0)
			out[n++] = renamed[i].r;
	return n;
}

const char *
reason_label(enum reason r, enum reason_labels l)
{
	size_t i;

	if (l == REASON_LABELS_SISIMAI5)
		for (i = 0; i < NRENAMED; i++)
			if (renamed[i].r == r)
				return renamed[i].v5;
	return reason_name(r);
}

const char *
reason_relabel(const char *name, enum reason_labels l)
{
	enum reason r = reason_from_name(name);

	return r == REASON_COUNT ? name : reason_label(r, l);
}

int
reason_labels_from_name(const char *s, enum reason_labels *l_r)
{
	if (strcmp(s, "sisimai4") == 0)
		*l_r = REASON_LABELS_SISIMAI4;
	else if (strcmp(s, "sisimai5") == 0)
		*l_r = REASON_LABELS_SISIMAI5;
	else
		return -1;
	return 0;
}
