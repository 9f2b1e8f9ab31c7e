/*
 * Attribution of a bounce to the message that bounced (report_attr.h).
 * Every field is optional: a returned original is often cut to its
 * headers or to nothing (RFC 3462 leaves it to the MTA), and free-text
 * bounces quote what they like.
 */
#include "report_attr.h"

#include <string.h>

#include "common/mailbox.h"
#include "common/strutil.h"
#include "mail_limits.h"

const char *
attr_text(struct arena *a, const char *s, size_t max)
{
	char *t;
	size_t len, i;

	if (s == NULL)
		return NULL;
	/* enough that squeezing white space still leaves max bytes, bar a
	 * value of little else (the callers give at most ATTR_RAW_MAX) */
	len = strnlen(s, 4 * max + 4);
	t = arena_strndup(a, s, len);
	str_utf8_clean(t);
	for (i = 0; t[i] != '\0'; i++)
		if ((unsigned char)t[i] < 0x20 || t[i] == 0x7f)
			t[i] = ' ';
	str_squeeze(t);
	len = strlen(t);
	if (len > max) {
		len = max;
		while (len > 0 && ((unsigned char)t[len] & 0xc0) == 0x80)
			len--;
		t[len] = '\0';
		while (len > 0 && t[len - 1] == ' ')
			t[--len] = '\0';
	}
	return len > 0 ? t : NULL;
}

/*
 * The value of field name, RFC 2047 encoded words decoded (mail_header()),
 * from at most ATTR_RAW_MAX raw bytes of it: a megabyte of Subject is not
 * decoded to be cut afterwards.
 */
static const char *
decoded(struct arena *a, const char *h, size_t hl, const char *name)
{
	const char *v;
	char *one;
	size_t vl;

	if ((v = mail_header_find(h, hl, name, &vl)) == NULL)
		return NULL;
	if (vl > ATTR_RAW_MAX)
		vl = ATTR_RAW_MAX;
	one = arena_alloc(a, strlen(name) + vl + 4);
	memcpy(one, name, strlen(name));
	memcpy(one + strlen(name), ": ", 2);
	memcpy(one + strlen(name) + 2, v, vl);
	one[strlen(name) + 2 + vl] = '\n';
	one[strlen(name) + 3 + vl] = '\0';
	return mail_header(a, one, strlen(one), name);
}

struct first {
	struct arena *a;
	const char *addr;
};

static void
keep_first(void *ctx, const char *addr)
{
	struct first *f = ctx;

	if (f->addr == NULL && mailbox_valid(addr, strlen(addr)))
		f->addr = str_lower(arena_strdup(f->a, addr));
}

/* The first valid addr-spec of an address list field (From) */
static const char *
first_address(struct arena *a, const char *h, size_t hl, const char *name)
{
	struct first f = {a, NULL};
	const char *v;
	size_t vl;

	if ((v = mail_header_find(h, hl, name, &vl)) == NULL ||
	    vl > MAIL_MAX_ADDRESS_LIST)
		return NULL;
	mail_address_list(v, vl, 1, keep_first, &f);
	return f.addr;
}

/* RFC 5321 4.4: Return-Path: <addr-spec>, or <> for a bounce's own */
static const char *
return_path(struct arena *a, const char *h, size_t hl)
{
	const char *v, *s;
	size_t vl, sl;

	if ((v = mail_header_find(h, hl, "Return-Path", &vl)) == NULL ||
	    vl > ATTR_RAW_MAX || !find_address(v, vl, &s, &sl) ||
	    !mailbox_valid(s, sl))
		return NULL;
	return str_lower(arena_strndup(a, s, sl));
}

/*
 * RFC 2919 2: List-Id: [phrase] "<" list-id ">", list-id a dot-atom-text
 * of list-label "." namespace. The text between the last angle brackets,
 * when it is one.
 */
static const char *
list_id(struct arena *a, const char *h, size_t hl)
{
	const char *v, *lt, *gt;
	size_t vl, n, i;

	if ((v = mail_header_find(h, hl, "List-Id", &vl)) == NULL ||
	    vl > ATTR_RAW_MAX)
		return NULL;
	for (lt = NULL, i = 0; i < vl; i++)
		if (v[i] == '<')
			lt = v + i;
	if (lt == NULL || (gt = memchr(lt, '>', vl - (size_t)(lt - v))) == NULL)
		return NULL;
	n = (size_t)(gt - lt - 1);
	if (n == 0 || n > ATTR_LIST_ID_MAX || memchr(lt + 1, '.', n) == NULL)
		return NULL;
	for (i = 1; i <= n; i++) /* atext and '.' (RFC 5322 3.2.3) */
		if ((unsigned char)lt[i] <= ' ' ||
		    (unsigned char)lt[i] >= 0x7f ||
		    strchr("()<>[]:;@\\,\"", lt[i]) != NULL)
			return NULL;
	return arena_strndup(a, lt + 1, n);
}

void
attr_from_header(struct arena *a, const char *h, size_t hl,
    const char *const *names, size_t n, struct report_attr *out)
{
	size_t i;

	memset(out, 0, sizeof(*out));
	if (h == NULL || hl == 0)
		return;
	if (hl > MAIL_MAX_HEADER)
		hl = MAIL_MAX_HEADER;
	out->from = first_address(a, h, hl, "From");
	out->sender = return_path(a, h, hl);
	out->subject =
	    attr_text(a, decoded(a, h, hl, "Subject"), ATTR_TEXT_MAX);
	out->list_id = list_id(a, h, hl);
	for (i = 0; i < n && i < ATTR_MAX_HEADERS; i++)
		out->values[i] =
		    attr_text(a, decoded(a, h, hl, names[i]), ATTR_TEXT_MAX);
	out->nvalues = i;
}

/* RFC 3464 2.2.1: the per-message Original-Envelope-Id of the first
 * delivery-status part, the sender's ENVID (RFC 3461 4.4) */
static const char *
envelope_id(struct report *rep)
{
	struct mail_message *msg = &rep->msg;
	const char *s, *v;
	size_t i, len, vl;

	for (i = 0; i < msg->nparts; i++) {
		if (msg->parts[i].in_message != 0 ||
		    (strcmp(msg->parts[i].type, "message/delivery-status") !=
			    0 &&
			strcmp(msg->parts[i].type,
			    "message/global-delivery-status") != 0))
			continue;
		s = mail_part_text(msg, &msg->parts[i], &len);
		len = mail_header_block_len(s, len);
		if ((v = mail_header_find(
			 s, len, "Original-Envelope-Id", &vl)) == NULL)
			return NULL;
		return attr_text(&rep->arena,
		    arena_strndup(
			&rep->arena, v, vl < ATTR_RAW_MAX ? vl : ATTR_RAW_MAX),
		    ATTR_ENVID_MAX);
	}
	return NULL;
}

void
report_attr(struct report *rep, const char *const *names, size_t n,
    struct report_attr *out)
{
	attr_from_header(&rep->arena, rep->original.hdr, rep->original.hdr_len,
	    names, n, out);
	if (rep->kind == REPORT_DSN)
		out->envelope_id = envelope_id(rep);
}
