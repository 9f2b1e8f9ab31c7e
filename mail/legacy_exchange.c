/*
 * Microsoft Exchange before 2007: the Internet Mail Service of Exchange
 * 5.5 ("Your message ... did not reach the following recipient(s):") and
 * the CDO notices of Exchange 2000/2003 ("Your message did not reach some
 * or all of the intended recipients." ... "The following recipient(s)
 * could not be reached:"). Each recipient is a line "<addr> on <date>"
 * with its reason indented below: an English sentence, an MSEXCH:IMS
 * line with the IMS error code in parentheses, or the CDO's
 * "<host #5.1.1>". Layout and signatures: sisimai
 * lib/Sisimai/Lhost/Exchange2003.pm (BSD-2).
 */
#include "legacy.h"

#include <string.h>

#include "common/strutil.h"

static const char *const body[] = {
	"did not reach the following recipient(s)",
	"The following recipient(s) could not be reached",
	"The following recipient(s) cannot be reached",
	"MSEXCH:IMS:",
	NULL,
};
static const char *const start[] = {
	"did not reach the following recipient(s)",
	"The following recipient(s) could not be reached",
	"The following recipient(s) cannot be reached",
	NULL,
};
/* X-MS-Embedded-Report: the IMS's TNEF copy of the report */
static const char *const headers[] = { "X-MS-Embedded-Report", NULL };

/*
 * The IMS error codes in "MSEXCH:IMS:... 0 (000C05A6) Unknown Recipient"
 * that name one reason (sisimai Exchange2003.pm's table; its "onhold"
 * codes cover several errors and are left to the text).
 */
static const struct legacy_hint hints[] = {
	{ "(000C05A6)", "userunknown" },   /* Unknown Recipient */
	{ "(000C0595)", "filtered" },	   /* Ambiguous Recipient */
	{ "(00010256)", "systemerror" },   /* Too many recipients */
	{ "(000D06B5)", "systemerror" },   /* No proxy for recipient */
	{ "(00120270)", "networkerror" },  /* Too Many Hops */
	{ "(00050311)", "contenterror" },  /* Conversion to Internet format */
	{ "(000502CC)", "contenterror" },  /* Conversion to Internet format */
	{ "(000B0981)", "securityerror" }, /* 502 Server does not support AUTH */
	{ NULL, NULL },
};

/*
 * X-Mailer: Internet Mail Service (5.5.2653.19), X-Mailer: Microsoft
 * Exchange Server Internet Mail Connector, X-MimeOLE: Produced By
 * Microsoft Exchange V6.5, Received: ... with Internet Mail Service (...)
 */
static bool
exchange_match(struct report *rep, const struct mail_message *msg,
    const char *text, size_t len)
{
	(void)rep;
	(void)text;
	(void)len;
	return legacy_header_has(msg, "X-Mailer", "Internet Mail Service (") ||
	    legacy_header_has(msg, "X-Mailer",
		"Microsoft Exchange Server Internet Mail Connector") ||
	    legacy_header_has(msg, "X-MimeOLE",
		"Produced By Microsoft Exchange") ||
	    legacy_header_has(msg, "Received", "with Internet Mail Service (");
}

/*
 * "nobody@example.org on 4/29/2004 10:12 AM", "'Name' (SMTP=a@b) on
 * ...": an address before " on ". Returns it, or NULL.
 */
static const char *
rcpt_on(struct report *rep, const char *l, size_t ll)
{
	const char *on = ci_find(l, ll, " on "), *p, *as;
	size_t alen;

	if (on == NULL)
		return NULL;
	p = ci_find(l, (size_t)(on - l), "SMTP=");
	if (p == NULL)
		p = ci_find(l, (size_t)(on - l), "SMTP:");
	p = p != NULL ? p + 5 : l;
	if (!find_address(p, (size_t)(on - p), &as, &alen))
		return NULL;
	/* "'a@b' on ...": the quotes are Exchange's, not the address's */
	if (*as == '\'' && alen > 1) {
		as++;
		alen--;
	}
	return report_address(&rep->arena, as, alen);
}

static size_t
exchange_parse(struct report *rep, const char *text, size_t len)
{
	struct report_rcpt *cur = NULL;
	size_t pos = 0, added = 0, n0 = rep->nrcpt, ll;
	const char *l, *addr;

	while (str_line(text, len, &pos, &l, &ll)) {
		if (legacy_blank(l, ll)) {
			/* the block under a recipient ends at a blank line */
			if (cur != NULL && cur->diagnostic != NULL)
				cur = NULL;
			continue;
		}
		if ((addr = rcpt_on(rep, l, ll)) != NULL) {
			if (legacy_find_rcpt(rep, n0, addr) != NULL) {
				cur = NULL; /* a repeat: keep the first text */
				continue;
			}
			if ((cur = report_add_rcpt(rep)) == NULL)
				break;
			cur->recipient = addr;
			added++;
		} else if (cur != NULL) {
			legacy_append(&rep->arena, &cur->diagnostic, l, ll);
		}
	}
	return added;
}

const struct legacy_family legacy_family_exchange = {
	.name = "exchange",
	.headers = headers,
	.body = body,
	.start = start,
	.parse = exchange_parse,
	.match = exchange_match,
	.hints = hints,
};
