/*
 * Zoho Mail: "X-ZohoMail:" in the header, Exim's opening sentence ("This
 * message was created automatically by mail delivery software."), then
 * a line per recipient, "a@b Invalid Address, ERROR_CODE :550, ERROR_CODE
 * :5.1.1 <a@b>... User Unknown", or "[Status: Error, Address: <a@b>,
 * ResponseCode 421, , Host not reachable.]" for one never reached; the
 * returned message starts at "Received: from mail.zoho.com by
 * mx.zohomail.com". Layout and signatures: sisimai
 * lib/Sisimai/Lhost/Zoho.pm (BSD-2).
 */
#include "legacy.h"

#include <string.h>

#include "common/strutil.h"

static const char *const headers[] = { "X-ZohoMail", NULL };
static const char *const start[] = {
	"This message was created automatically by mail delivery", NULL,
};
static const char *const end[] = {
	"Received: from mail.zoho.com by mx.zohomail.com", NULL,
};
static const char *const intro[] = { "Address:", NULL };
static const struct legacy_hint hints[] = {
	/* the queue gave up on a host it never reached (sisimai Zoho.pm) */
	{ "Host not reachable", "expired" },
	{ NULL, NULL },
};

static bool
zoho_match(struct report *rep, const struct mail_message *msg,
    const char *text, size_t len)
{
	(void)rep;
	(void)text;
	(void)len;
	return legacy_header_has(msg, "Received", "by mx.zohomail.com");
}

/*
 * Zoho wraps long lines with a quoted-printable soft break ("=" at the
 * end) even where the part does not say quoted-printable: joined here.
 */
static size_t
zoho_parse(struct report *rep, const char *text, size_t len)
{
	char *d = arena_alloc(&rep->arena, len + 1);
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		if (text[i] == '=' && i + 1 < len && text[i + 1] == '\n') {
			i++;
			continue;
		}
		d[n++] = text[i];
	}
	d[n] = '\0';
	return legacy_scan_intro(rep, d, n, intro);
}

const struct legacy_family legacy_family_zoho = {
	.name = "zoho",
	.headers = headers,
	.start = start,
	.end = end,
	.parse = zoho_parse,
	.match = zoho_match,
	.hints = hints,
};
