/*
 * A message's leaf parts (RFC 2045, 2046), found in place by mime_walk.c
 * over text whose line ends are normalised to LF first (in a copy, or in
 * the caller's buffer: mail_parse_owned()): the walk (as
 * libetpan did) reads LF or CRLF but not the CR-only files old Mac
 * clients wrote, and the classifier must give the same answer for all
 * three. libetpan stays for what it is good at: transfer decoding,
 * charsets, RFC 2047 words and address lists.
 */
#include "message.h"

#include <errno.h>
#include <iconv.h>
#include <libetpan/libetpan.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/strutil.h"
#include "mail_limits.h"
#include "mime_walk.h"
#include "structure.h"

/*
 * Line ends to LF (CR and CRLF), NUL to nul_to, in b[0..len): only CRLF
 * changes the length, and only shrinks it. Returns the length. NUL is
 * not looked for when the caller knows there is none (nul_free). The
 * text between two such bytes moves as one run (memchr(), memmove()): a
 * CRLF message is a run per line, not a step per byte (issue 16).
 */
/* The earlier of two places, either NULL when there is none. */
static const unsigned char *
earlier(const unsigned char *x, const unsigned char *y)
{
	return x == NULL || (y != NULL && y < x) ? y : x;
}

static size_t
normalise_run(unsigned char *b, size_t len, bool nul_free,
    unsigned char nul_to, unsigned *flags)
{
	const unsigned char *cr = memchr(b, '\r', len);
	const unsigned char *nul = nul_free ? NULL : memchr(b, '\0', len);
	const unsigned char *at = earlier(cr, nul);
	size_t i, o, next;

	if (at == NULL)
		return len;
	i = o = (size_t)(at - b);
	while (i < len) {
		/* b[i] is a CR or a NUL */
		if (b[i] == '\r') {
			b[o++] = '\n';
			i += i + 1 < len && b[i + 1] == '\n' ? 2 : 1;
		} else {
			/* NUL is not allowed in mail (RFC 5322 2.3) */
			*flags |= MAIL_F_HAS_NULS;
			b[o++] = nul_to;
			i++;
		}
		/* the next of either, each searched again only once passed */
		if (cr != NULL && cr < b + i)
			cr = memchr(b + i, '\r', len - i);
		if (nul != NULL && nul < b + i)
			nul = memchr(b + i, '\0', len - i);
		at = earlier(cr, nul);
		next = at != NULL ? (size_t)(at - b) : len;
		if (next > i && o < i)
			memmove(b + o, b + i, next - i);
		o += next - i;
		i = next;
	}
	return o;
}

/* A message's text: NUL keeps a hole, a space */
static size_t
normalise_in_place(
    unsigned char *b, size_t len, bool nul_free, unsigned *flags)
{
	return normalise_run(b, len, nul_free, ' ', flags);
}

/* normalise_in_place() of a copy, NUL-terminated */
static char *
normalise(const unsigned char *in, size_t len, size_t *len_r, unsigned *flags)
{
	unsigned char *out = malloc(len + 1);

	if (out == NULL)
		return NULL;
	memcpy(out, in, len);
	*len_r = normalise_in_place(out, len, false, flags);
	out[*len_r] = '\0';
	return (char *)out;
}

/*
 * A message saved from an mbox keeps its "From " separator line (RFC 4155
 * 2); it is no header field and hides the real ones from a parser.
 */
static const char *
skip_mbox_from(const char *s, size_t len)
{
	const char *nl;

	/* "From :" is RFC 822's obsolete From field, not a separator */
	if (len < 5 || memcmp(s, "From ", 5) != 0 || mail_starts_with_field(s, len))
		return s;
	nl = memchr(s, '\n', len);
	return nl != NULL ? nl + 1 : s;
}

size_t
mail_header_block_len(const char *s, size_t len)
{
	size_t i;

	if (len > 0 && s[0] == '\n')
		return 0;
	for (i = 0; i + 1 < len; i++) {
		if (s[i] == '\n' && s[i + 1] == '\n')
			return i + 1;
	}
	return len;
}


static pthread_once_t charconv_once = PTHREAD_ONCE_INIT;
static void charconv_hook(void);

/*
 * RFC 2047 encoded words in a Content-Type value, decoded as libetpan's
 * mailmime_field_parse() did before reading the grammar (mime_walk.h).
 */
static const char *
phrase_decode(struct arena *a, const char *v, size_t len)
{
	char *dec = NULL;
	const char *out;
	size_t idx = 0;

	if (mailmime_encoded_phrase_parse("us-ascii", v, len, &idx, "utf-8",
		&dec) != MAILIMF_NO_ERROR || dec == NULL)
		return NULL;
	out = arena_strdup(a, dec);
	free(dec);
	return out;
}

/* mail_parse() once msg->buf holds the normalised text */
static int
parse_normalised(struct mail_message *msg, const char **error_r)
{
	const char *body;
	size_t cut, blen;

	/* once per process, whatever thread parses first */
	pthread_once(&charconv_once, charconv_hook);
	msg->hdr = skip_mbox_from(msg->buf, msg->len);
	if (!mail_starts_with_field(msg->hdr,
		msg->len - (size_t)(msg->hdr - msg->buf))) {
		*error_r = "no header field at the start: not a mail message "
			   "(RFC 5322 2.2)";
		return -1;
	}
	msg->hdr_len = mail_header_block_len(msg->hdr,
	    msg->len - (size_t)(msg->hdr - msg->buf));
	if (msg->hdr_len > MAIL_MAX_HEADER) {
		msg->flags |= MAIL_F_HEADER_CUT;
		msg->hdr_len = MAIL_MAX_HEADER;
	}

	body = msg->hdr;
	blen = msg->len - (size_t)(body - msg->buf);
	cut = mail_structure_cut(body, blen, &msg->flags);
	mime_walk(msg, body, cut, phrase_decode);
	if (msg->nparts == 0) {
		/* no part found: treat the body as plain text */
		struct mail_part *p = arena_alloc(msg->arena, sizeof(*p));

		memset(p, 0, sizeof(*p));
		msg->flags |= MAIL_F_NO_STRUCTURE;
		p->type = "text/plain";
		p->body = body + msg->hdr_len;
		p->body_len = blen - msg->hdr_len;
		msg->parts = p;
		msg->nparts = 1;
	}
	return 0;
}

int
mail_parse(const unsigned char *buf, size_t len, struct arena *arena,
    struct mail_message *msg, const char **error_r)
{
	memset(msg, 0, sizeof(*msg));
	msg->arena = arena;
	if (len == 0) {
		*error_r = "empty message";
		return -1;
	}
	msg->buf = normalise(buf, len, &msg->len, &msg->flags);
	if (msg->buf == NULL) {
		*error_r = "out of memory";
		return -1;
	}
	return parse_normalised(msg, error_r);
}

int
mail_parse_owned(unsigned char *buf, size_t len, bool nul_free,
    struct arena *arena, struct mail_message *msg, const char **error_r)
{
	unsigned char *nb;

	memset(msg, 0, sizeof(*msg));
	msg->arena = arena;
	msg->buf = (char *)buf; /* owned from here on, even on error */
	if (len == 0) {
		*error_r = "empty message";
		return -1;
	}
	msg->len = normalise_in_place(buf, len, nul_free, &msg->flags);
	/* room for the terminating NUL: realloc() keeps the block (no
	 * copy) when it has the byte already, as readfile()'s have */
	if (msg->len == len) {
		if ((nb = realloc(buf, len + 1)) == NULL) {
			*error_r = "out of memory";
			return -1;
		}
		msg->buf = (char *)nb;
	}
	msg->buf[msg->len] = '\0';
	return parse_normalised(msg, error_r);
}

const char *
mail_flags_text(unsigned flags, char *buf, size_t len)
{
	static const struct {
		unsigned flag;
		const char *name;
	} names[] = {
		{ MAIL_F_TOO_MANY_PARTS, "parts" },
		{ MAIL_F_TOO_MANY_FIELDS, "fields" },
		{ MAIL_F_TRUNCATED_DEPTH, "depth" },
		{ MAIL_F_TOO_MANY_RCPTS, "recipients" },
		{ MAIL_F_HEADER_CUT, "header" },
		{ MAIL_F_TEXT_CUT, "text" },
		{ MAIL_F_HAS_NULS, "nul" },
		{ MAIL_F_NO_STRUCTURE, "no_structure" },
	};
	size_t i, o = 0;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		int n;

		if (!(flags & names[i].flag))
			continue;
		n = snprintf(buf + o, len - o, "%s%s", o > 0 ? "," : "",
		    names[i].name);
		if (n < 0 || (size_t)n >= len - o)
			break;
		o += (size_t)n;
	}
	return buf;
}

void
mail_message_deinit(struct mail_message *msg)
{
	free(msg->buf);
	msg->buf = NULL;
}

/*
 * Text that is plain ASCII reads the same in every charset whose low half
 * is ASCII, which is nearly all that mail uses; ISO-2022 switches only
 * with ESC. Skipping iconv then saves most of the conversion cost. Not so
 * for the UTF-16/32 families, UTF-7 and HZ, whose ASCII bytes mean other
 * things.
 */
static bool
ascii_transparent(const char *charset, const char *s, size_t len)
{
	size_t i;

	if (strncasecmp(charset, "utf-16", 6) == 0 ||
	    strncasecmp(charset, "utf-32", 6) == 0 ||
	    strncasecmp(charset, "ucs", 3) == 0 ||
	    strcasecmp(charset, "utf-7") == 0 ||
	    strncasecmp(charset, "hz", 2) == 0)
		return false;
	for (i = 0; i < len; i++) {
		if ((unsigned char)s[i] >= 0x80 || s[i] == 0x1b)
			return false;
	}
	return true;
}

/* Names mail uses that iconv knows under another (libetpan's own list). */
static const char *
iconv_name(const char *charset)
{
	static const char *const alias[][2] = {
		{ "iso-2022-jp", "iso-2022-jp-2" }, /* with JIS X 0212 */
		{ "ks_c_5601-1987", "cp949" },
		{ "iso-8859-8-i", "iso-8859-8" },
		{ "iso-8859-8-e", "iso-8859-8" },
		{ "gb2312", "gb18030" }, /* a superset: what senders mean */
		{ "gbk", "gb18030" },
	};
	size_t i;

	for (i = 0; i < sizeof(alias) / sizeof(alias[0]); i++) {
		if (strcasecmp(charset, alias[i][0]) == 0)
			return alias[i][1];
	}
	return charset;
}

/*
 * Open conversions kept between calls. glibc loads a charset's gconv
 * module at iconv_open() and unloads it at the last iconv_close(): a
 * dlopen() and dlclose() (and a TLB flush on unmapping) for every
 * ISO-2022-JP or windows-1251 word of every bounce. A descriptor is not
 * shared by two threads at once (iconv keeps shift state), so one is
 * taken out of the pool for a conversion and put back after it, reset.
 */
#define ICONV_POOL 16

static struct {
	char to[24], from[40];
	iconv_t cd;
	bool used;
} iconv_pool[ICONV_POOL];
static pthread_mutex_t iconv_pool_lock = PTHREAD_MUTEX_INITIALIZER;

static iconv_t
iconv_take(const char *tocode, const char *fromcode)
{
	iconv_t cd = (iconv_t)-1;
	size_t i;

	pthread_mutex_lock(&iconv_pool_lock);
	for (i = 0; i < ICONV_POOL; i++) {
		if (iconv_pool[i].used &&
		    strcasecmp(iconv_pool[i].to, tocode) == 0 &&
		    strcasecmp(iconv_pool[i].from, fromcode) == 0) {
			cd = iconv_pool[i].cd;
			iconv_pool[i].used = false;
			break;
		}
	}
	pthread_mutex_unlock(&iconv_pool_lock);
	return cd != (iconv_t)-1 ? cd : iconv_open(tocode, fromcode);
}

/* back into the pool in its initial shift state, or closed if the pool
 * is full or the names are too long to key it */
static void
iconv_give(iconv_t cd, const char *tocode, const char *fromcode)
{
	size_t i;

	(void)iconv(cd, NULL, NULL, NULL, NULL);
	if (strlen(tocode) < sizeof(iconv_pool[0].to) &&
	    strlen(fromcode) < sizeof(iconv_pool[0].from)) {
		pthread_mutex_lock(&iconv_pool_lock);
		for (i = 0; i < ICONV_POOL; i++) {
			if (!iconv_pool[i].used) {
				strcpy(iconv_pool[i].to, tocode);
				strcpy(iconv_pool[i].from, fromcode);
				iconv_pool[i].cd = cd;
				iconv_pool[i].used = true;
				cd = (iconv_t)-1;
				break;
			}
		}
		pthread_mutex_unlock(&iconv_pool_lock);
	}
	if (cd != (iconv_t)-1)
		iconv_close(cd);
}

/*
 * iconv into result[0..*result_len); a byte that is not valid in fromcode
 * becomes '?' and the conversion goes on, as libetpan's own does.
 */
static int
iconv_into(const char *tocode, const char *fromcode, const char *str,
    size_t length, char *result, size_t *result_len)
{
	const char *from = iconv_name(fromcode);
	iconv_t cd = iconv_take(tocode, from);
	char *in = (char *)(uintptr_t)str, *out = result;
	size_t inl = length, outl = *result_len;
	int rc = MAIL_CHARCONV_NO_ERROR;

	if (cd == (iconv_t)-1)
		return MAIL_CHARCONV_ERROR_UNKNOWN_CHARSET;
	while (inl > 0 && iconv(cd, &in, &inl, &out, &outl) == (size_t)-1) {
		if (errno == E2BIG || outl == 0) {
			rc = MAIL_CHARCONV_ERROR_MEMORY;
			break;
		}
		*out++ = '?'; /* EILSEQ or a truncated sequence: skip a byte */
		outl--;
		in++;
		inl--;
	}
	if (rc == MAIL_CHARCONV_NO_ERROR)
		(void)iconv(cd, NULL, NULL, &out, &outl); /* shift back */
	iconv_give(cd, tocode, from);
	*result_len = (size_t)(out - result);
	return rc;
}

/*
 * libetpan converts every MIME header word it parses (mailmime_fields_parse
 * -> charconv) and every text we decode through its extended_charconv
 * hook when one is set. Plain ASCII into UTF-8 is a copy there: a fresh
 * iconv_open() for it cost more than the rest of a typical bounce's parse.
 * Anything else is converted here with iconv, since not every libetpan
 * version falls back to its own iconv when the hook declines. result has
 * room for 6 bytes per input byte in every libetpan version.
 */
static int
bd_charconv(const char *tocode, const char *fromcode, const char *str,
    size_t length, char *result, size_t *result_len)
{
	if ((strcasecmp(tocode, "utf-8") == 0 ||
		strcasecmp(tocode, "utf8") == 0) &&
	    *result_len >= length && ascii_transparent(fromcode, str, length)) {
		memcpy(result, str, length);
		*result_len = length;
		return MAIL_CHARCONV_NO_ERROR;
	}
	return iconv_into(tocode, fromcode, str, length, result, result_len);
}

static void
charconv_hook(void)
{
	extended_charconv = bd_charconv;
}

static const char *
to_utf8(struct arena *a, const char *charset, const char *s, size_t len,
    size_t *len_r)
{
	char *res = NULL;
	size_t rlen = 0;
	const char *out;

	if (charset == NULL || strcmp(charset, "utf-8") == 0 ||
	    strcmp(charset, "us-ascii") == 0 || strcmp(charset, "utf8") == 0 ||
	    ascii_transparent(charset, s, len) ||
	    charconv_buffer("utf-8", charset, s, len, &res, &rlen) !=
		MAIL_CHARCONV_NO_ERROR) {
		*len_r = len;
		return arena_strndup(a, s, len);
	}
	out = arena_strndup(a, res, rlen);
	charconv_buffer_free(res);
	*len_r = rlen;
	return out;
}

const char *
mail_part_text(struct mail_message *msg, const struct mail_part *part,
    size_t *len_r)
{
	size_t in_len = part->body_len, idx = 0, dlen = 0, max = MAIL_MAX_TEXT;
	char *dec = NULL;
	const char *out;
	int r;

	if (part->body == NULL) {
		*len_r = 0;
		return "";
	}
	/* a report's fields are read whole, so that every recipient is
	 * counted (MAIL_MAX_RCPTS); prose only in its first lines */
	if (strcmp(part->type, "message/delivery-status") == 0 ||
	    strcmp(part->type, "message/global-delivery-status") == 0)
		max = MAIL_MAX_DSN_TEXT;
	switch (part->enc) {
	case MAIL_ENC_BASE64:
		if (in_len > max / 3 * 4 + 1024)
			in_len = max / 3 * 4 + 1024;
		break;
	case MAIL_ENC_QP:
		if (in_len > max * 3)
			in_len = max * 3;
		break;
	default:
		if (in_len > max)
			in_len = max;
		break;
	}
	if (in_len < part->body_len)
		msg->flags |= MAIL_F_TEXT_CUT;
	if (part->enc == MAIL_ENC_IDENTITY)
		return to_utf8(msg->arena, part->charset, part->body, in_len,
		    len_r);
	r = mailmime_part_parse(part->body, in_len, &idx,
	    part->enc == MAIL_ENC_BASE64 ? MAILMIME_MECHANISM_BASE64
					 : MAILMIME_MECHANISM_QUOTED_PRINTABLE,
	    &dec, &dlen);
	if (r != MAILIMF_NO_ERROR || dec == NULL)
		return to_utf8(msg->arena, part->charset, part->body, in_len,
		    len_r);
	/* decoded text may carry CRLF or NUL again; a NUL becomes a hole no
	 * address can span: SUB, a control character (RFC 20), not a space
	 * that would split "us\0er@x" into a shorter address */
	dlen = normalise_run((unsigned char *)dec, dlen, false, 0x1a,
	    &msg->flags);
	out = to_utf8(msg->arena, part->charset, dec, dlen, len_r);
	mailmime_decoded_part_free(dec);
	return out;
}

const char *
mail_header_find(const char *hdr, size_t len, const char *name,
    size_t *vlen_r)
{
	size_t nlen = strlen(name), i = 0, b, e;
	int first = bd_lower((unsigned char)name[0]);
	const char *nl;

	for (; i < len; i = (size_t)(nl - hdr) + 1) {
		nl = memchr(hdr + i, '\n', len - i);
		if (nl == NULL)
			nl = hdr + len;
		/* the first letter rules out almost every line cheaply */
		if (bd_lower((unsigned char)hdr[i]) != first ||
		    !ci_starts(hdr + i, len - i, name))
			continue;
		/* "Name:" or "Name :" (RFC 822's obsolete white space) */
		for (b = i + nlen; b < len && (hdr[b] == ' ' || hdr[b] == '\t');
		     b++)
			;
		if (b >= len || hdr[b] != ':')
			continue;
		b++;
		/* RFC 5322 2.2.3: a folded field continues on lines that
		 * start with white space */
		e = (size_t)(nl - hdr);
		while (e + 1 < len && (hdr[e + 1] == ' ' || hdr[e + 1] == '\t')) {
			const char *n2 = memchr(hdr + e + 1, '\n', len - e - 1);

			e = n2 != NULL ? (size_t)(n2 - hdr) : len;
		}
		*vlen_r = e - b;
		return hdr + b;
	}
	return NULL;
}

const char *
mail_value_squeezed(struct arena *a, const char *v, size_t vl)
{
	char *s = arena_strndup(a, v, vl);

	str_squeeze(s);
	return s;
}

const char *
mail_value_decoded(struct arena *a, const char *v)
{
	char *dec = NULL;
	const char *out;
	size_t idx = 0;

	if (v == NULL || strstr(v, "=?") == NULL)
		return v;
	if (mailmime_encoded_phrase_parse("iso-8859-1", v, strlen(v), &idx,
		"utf-8", &dec) != MAILIMF_NO_ERROR || dec == NULL)
		return v;
	out = arena_strdup(a, dec);
	free(dec);
	return out;
}

const char *
mail_header_raw(struct arena *a, const char *hdr, size_t len,
    const char *name)
{
	const char *v;
	size_t vl;

	if ((v = mail_header_find(hdr, len, name, &vl)) == NULL)
		return NULL;
	return mail_value_squeezed(a, v, vl);
}

const char *
mail_header(struct arena *a, const char *hdr, size_t len, const char *name)
{
	return mail_value_decoded(a, mail_header_raw(a, hdr, len, name));
}

/*
 * An address list (RFC 5322 3.4: To, Cc, Delivered-To, Original-Mail-From)
 * read by libetpan's RFC 5322 parser: mailboxes, display names, comments,
 * quoting and groups are its business, not ours.
 */
struct addr_walk {
	mail_address_fn *fn;
	void *ctx;
	size_t n, max;
};

static void
addr_take(struct addr_walk *w, const struct mailimf_mailbox *mb)
{
	if (w->n < w->max && mb != NULL && mb->mb_addr_spec != NULL &&
	    strchr(mb->mb_addr_spec, '@') != NULL) {
		w->n++;
		w->fn(w->ctx, mb->mb_addr_spec);
	}
}

size_t
mail_address_list(const char *v, size_t len, size_t max, mail_address_fn *fn,
    void *ctx)
{
	struct mailimf_address_list *list = NULL;
	struct addr_walk w = { fn, ctx, 0, max };
	size_t idx = 0;
	clistiter *it, *gi;

	if (len == 0 || len > MAIL_MAX_ADDRESS_LIST ||
	    mailimf_address_list_parse(v, len, &idx, &list) !=
		MAILIMF_NO_ERROR)
		return 0;
	for (it = clist_begin(list->ad_list); it != NULL && w.n < max;
	     it = clist_next(it)) {
		const struct mailimf_address *ad = clist_content(it);

		if (ad->ad_type == MAILIMF_ADDRESS_MAILBOX) {
			addr_take(&w, ad->ad_data.ad_mailbox);
		} else if (ad->ad_data.ad_group->grp_mb_list != NULL) {
			clist *mbs = ad->ad_data.ad_group->grp_mb_list->mb_list;

			for (gi = clist_begin(mbs); gi != NULL && w.n < max;
			     gi = clist_next(gi))
				addr_take(&w, clist_content(gi));
		}
	}
	mailimf_address_list_free(list);
	return w.n;
}
