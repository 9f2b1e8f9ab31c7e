/*
 * A copy of a message we sent: its Message-ID and the addresses of its
 * destination fields (RFC 5322 3.6.3, the resent fields of 3.6.6, and
 * Postfix's X-Original-To, which names the envelope recipient a local
 * delivery was for). The addresses are libetpan's business
 * (mail_address_list()); this file finds the fields, including every
 * occurrence of a field that may repeat (a resent block per resend).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/mailbox.h"
#include "common/strutil.h"
#include "common/xmalloc.h"
#include "mail_limits.h"
#include "message.h"
#include "resent.h"
#include "sent.h"

/* RFC 5322 2.1.1: a line, hence a msg-id, is at most 998 characters */
#define SENT_MSGID_MAX 998

static const char *const dest_fields[] = {"To", "Cc", "Bcc", "Resent-To",
    "Resent-Cc", "Resent-Bcc", "X-Original-To", NULL};

struct walk {
	struct sent_info *info;
	const char **rcpts; /* arena: MAIL_MAX_SENT_RCPTS of them */
};

/*
 * The header block of buf[0..len) copied to a new NUL-terminated buffer
 * (the caller frees it): line ends made LF (CRLF, or a CR alone), NUL
 * made a space, up to the empty line that ends it, at most
 * MAIL_MAX_HEADER bytes of input.
 */
static char *
header_copy(const unsigned char *p, size_t len, size_t *n_r, unsigned *flags)
{
	size_t max = len < MAIL_MAX_HEADER ? len : MAIL_MAX_HEADER, i, n = 0;
	char *o = xmalloc(max + 1);
	bool ended = false;

	for (i = 0; i < max && !ended; i++) {
		char c = (char)p[i];

		if (c == '\r') {
			c = '\n';
			if (i + 1 < len && p[i + 1] == '\n')
				i++;
		} else if (c == '\0') {
			c = ' ';
		}
		/* RFC 5322 2.1: an empty line ends the header block */
		if (c == '\n' && (n == 0 || o[n - 1] == '\n'))
			ended = true;
		else
			o[n++] = c;
	}
	if (!ended && i < len)
		*flags |= SENT_F_HEADER_CUT;
	o[n] = '\0';
	*n_r = n;
	return o;
}

static void
take_addr(void *ctx, const char *addr)
{
	struct walk *w = ctx;
	struct sent_info *info = w->info;
	char *a;
	size_t i;

	/* what a bounce could name (report.c records only these) */
	if (!mailbox_valid(addr, strlen(addr)))
		return;
	for (i = 0; i < info->nrcpts; i++)
		if (ci_equal(w->rcpts[i], addr))
			return;
	if (info->nrcpts == MAIL_MAX_SENT_RCPTS) {
		info->flags |= SENT_F_TOO_MANY_RCPTS;
		return;
	}
	if (w->rcpts == NULL) {
		w->rcpts = arena_alloc(
		    &info->arena, MAIL_MAX_SENT_RCPTS * sizeof(*w->rcpts));
		info->rcpts = w->rcpts;
	}
	a = arena_strdup(&info->arena, addr);
	w->rcpts[info->nrcpts++] = str_lower(a);
}

static bool
is_dest_field(const char *name, size_t len)
{
	const char *const *f;

	for (f = dest_fields; *f != NULL; f++)
		if (strlen(*f) == len && ci_starts(name, len, *f))
			return true;
	return false;
}

/* An address field's value v[0..vl), unfolded in place, read. */
static void
read_list(struct walk *w, char *v, size_t vl)
{
	size_t i;

	if (vl > MAIL_MAX_ADDRESS_LIST) {
		w->info->flags |= SENT_F_LIST_SKIPPED;
		return;
	}
	/* RFC 5322 2.2.3: unfolding removes the line breaks */
	for (i = 0; i < vl; i++)
		if (v[i] == '\n')
			v[i] = ' ';
	if (mail_address_list(v, vl, SIZE_MAX, take_addr, w) == 0 &&
	    memchr(v, '@', vl) != NULL)
		w->info->flags |= SENT_F_LIST_SKIPPED;
}

/*
 * Every field of h[0..n): a name, ':', a value that goes on over the
 * lines starting with white space (RFC 5322 2.2, 2.2.3; "Name :" too, RFC
 * 822's obsolete form). Lines that are neither are skipped.
 */
static void
read_fields(struct walk *w, char *h, size_t n)
{
	size_t i = 0, e, name_end, colon;

	while (i < n) {
		const char *nl = memchr(h + i, '\n', n - i);

		e = nl != NULL ? (size_t)(nl - h) : n;
		colon = i;
		while (colon < e && h[colon] != ':')
			colon++;
		name_end = colon;
		while (name_end > i &&
		       (h[name_end - 1] == ' ' || h[name_end - 1] == '\t'))
			name_end--;
		/* the value's continuation lines */
		while (e + 1 < n && (h[e + 1] == ' ' || h[e + 1] == '\t')) {
			nl = memchr(h + e + 1, '\n', n - e - 1);
			e = nl != NULL ? (size_t)(nl - h) : n;
		}
		if (colon < e && h[i] != ' ' && h[i] != '\t' &&
		    is_dest_field(h + i, name_end - i))
			read_list(w, h + colon + 1, e - colon - 1);
		i = e + 1;
	}
}

int
sent_parse(const void *buf, size_t len, struct sent_info *out)
{
	char mid[SENT_MSGID_MAX + 2], *h;
	struct walk w = {out, NULL};
	size_t n;

	memset(out, 0, sizeof(*out));
	arena_init(&out->arena);
	if (len == 0)
		return -1;
	h = header_copy(buf, len, &n, &out->flags);
	/* the Message-ID first: reading the address fields unfolds them */
	if (resent_message_id(h, n, mid, sizeof(mid)) != NULL)
		out->message_id =
		    str_utf8_clean(arena_strdup(&out->arena, mid));
	read_fields(&w, h, n);
	free(h);
	return 0;
}

void
sent_info_free(struct sent_info *info)
{
	if (info == NULL)
		return;
	arena_deinit(&info->arena);
	memset(info, 0, sizeof(*info));
}
