/*
 * Fuzz target: the RFC 3464 field parser alone (mail/rfc3464.h), without
 * a MIME message around it: bytes -> dsn_parse() into a fresh report,
 * then report_rcpt_finish() on each recipient as report.c does; and
 * dsn_address() on the same bytes, its address type chosen by the first
 * byte, so that the address grammar is reached without the field syntax.
 * The input is handed over exactly (no NUL after it): ASan sees any read
 * past the end. Contract checks: the count returned is the recipients
 * added, never past MAIL_MAX_RCPTS; an address holds an '@' and no upper
 * case; a status is "" or c.s.d.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/arena.h"
#include "common/strutil.h"
#include "mail/mail_limits.h"
#include "mail/rfc3464.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_address(const char *a)
{
	if (a == NULL)
		return;
	if (strchr(a, '@') == NULL)
		abort();
	for (; *a != '\0'; a++)
		if (*a >= 'A' && *a <= 'Z')
			abort();
}

/* "" or RFC 3463 class.subject.detail */
static void
check_status(const char *s)
{
	size_t i = 0, dots = 0;

	if (memchr(s, '\0', 16) == NULL)
		abort();
	if (s[0] == '\0')
		return;
	if (s[0] != '2' && s[0] != '4' && s[0] != '5')
		abort();
	for (i = 1; s[i] != '\0'; i++) {
		if (s[i] == '.')
			dots++;
		else if (s[i] < '0' || s[i] > '9')
			abort();
	}
	if (dots != 2)
		abort();
}

static void
check_rcpt(struct report *rep, struct report_rcpt *r)
{
	report_rcpt_finish(rep, r);
	check_address(r->recipient);
	check_address(r->original_recipient);
	check_address(r->actual_recipient);
	if ((r->recipient == NULL) != (r->recipient_from == NULL))
		abort();
	check_status(r->status);
	if (r->stage >= STAGE_COUNT || stage_name(r->stage) == NULL)
		abort();
	if (r->diagnostic != NULL && r->diagnostic[0] == '\0')
		abort();
}

static void
fuzz_fields(const uint8_t *data, size_t size)
{
	struct report *rep = calloc(1, sizeof(*rep));
	size_t n, i;

	if (rep == NULL)
		abort();
	arena_init(&rep->arena);
	n = dsn_parse(rep, (const char *)data, size);
	if (n != rep->nrcpt || n > MAIL_MAX_RCPTS)
		abort();
	for (i = 0; i < n; i++)
		check_rcpt(rep, &rep->rcpt[i]);
	report_free(&rep);
}

static void
fuzz_address(const uint8_t *data, size_t size)
{
	static const char *const types[] = {NULL, "rfc822", "utf-8", "x400"};
	struct arena a;
	char *v;

	if (size == 0)
		return;
	if ((v = malloc(size)) == NULL)
		abort();
	memcpy(v, data + 1, size - 1);
	v[size - 1] = '\0';
	arena_init(&a);
	check_address(dsn_address(&a, types[data[0] & 3], v));
	arena_deinit(&a);
	free(v);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_fields(data, size);
	fuzz_address(data, size);
	return 0;
}
