/*
 * mail/message.c: the MIME walk, transfer decoding and charsets. Bounces
 * come in the sender's or the MTA's language: a Chinese provider writes
 * Big5 or GB2312 (the seed page itself is Chinese), a Japanese one
 * ISO-2022-JP, in quoted-printable or base64. The text the classifier
 * reads must be UTF-8 whatever came in. Encoded inputs are made at test
 * time with iconv(3) from UTF-8 literals.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify/classify.h"
#include "testgen.h"

/* "The recipient's mailbox is full" and friends, in Chinese and Japanese */
#define ZH_FULL "收件人的信箱已滿"
#define ZH_SIMPLE "收件人邮箱已满"
#define JA_TEXT "宛先のメールボックスは存在しません"

static char *
encode(const char *utf8, const char *charset, size_t *len_r)
{
	iconv_t cd = iconv_open(charset, "UTF-8");
	size_t inl = strlen(utf8), outl = inl * 4 + 16, cap = outl;
	char *out = calloc(1, cap), *op = out, *ip = (char *)(uintptr_t)utf8;

	assert_true(cd != (iconv_t)-1);
	assert_non_null(out);
	assert_true(iconv(cd, &ip, &inl, &op, &outl) != (size_t)-1);
	/* flush a stateful encoding back to ASCII (ISO-2022-JP's ESC ( B) */
	assert_true(iconv(cd, NULL, NULL, &op, &outl) != (size_t)-1);
	iconv_close(cd);
	*len_r = cap - outl;
	return out;
}

static void
base64(struct tbuf *b, const unsigned char *s, size_t len)
{
	static const char a[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i;

	for (i = 0; i < len; i += 3) {
		unsigned v = (unsigned)s[i] << 16;
		char q[5] = "====";

		if (i + 1 < len)
			v |= (unsigned)s[i + 1] << 8;
		if (i + 2 < len)
			v |= s[i + 2];
		q[0] = a[v >> 18 & 63];
		q[1] = a[v >> 12 & 63];
		if (i + 1 < len)
			q[2] = a[v >> 6 & 63];
		if (i + 2 < len)
			q[3] = a[v & 63];
		tbuf_add(b, q);
		if ((i / 3 + 1) % 19 == 0)
			tbuf_add(b, "\n");
	}
	tbuf_add(b, "\n");
}

static void
qp(struct tbuf *b, const unsigned char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] >= 33 && s[i] <= 126 && s[i] != '=')
			tbuf_addn(b, (const char *)s + i, 1);
		else if (s[i] == '\n')
			tbuf_add(b, "\n");
		else
			tbuf_addf(b, "=%02X", s[i]);
		if (i % 20 == 19)
			tbuf_add(b, "=\n"); /* a soft line break */
	}
	tbuf_add(b, "\n");
}

/*
 * A qmail-style bounce whose prose is in charset, transfer-encoded by
 * enc ("base64", "quoted-printable" or "8bit").
 */
static struct report *
bounce(const char *charset, const char *enc, const char *utf8_prose,
    const char *reply)
{
	struct tbuf body, b;
	struct report *rep = NULL;
	const char *err = NULL;
	unsigned char *copy;
	char *raw;
	size_t rawlen;

	tbuf_init(&body);
	tbuf_addf(&body, "%s\n\n<user@example.org>:\n%s\n\n", utf8_prose, reply);
	raw = encode(body.p, charset, &rawlen);
	tbuf_init(&b);
	tbuf_addf(&b,
	    "From: MAILER-DAEMON@mx.example.net\n"
	    "To: sender@example.com\n"
	    "Subject: failure notice\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: text/plain; charset=%s\n"
	    "Content-Transfer-Encoding: %s\n\n",
	    charset, enc);
	if (strcmp(enc, "base64") == 0)
		base64(&b, (const unsigned char *)raw, rawlen);
	else if (strcmp(enc, "quoted-printable") == 0)
		qp(&b, (const unsigned char *)raw, rawlen);
	else
		tbuf_addn(&b, raw, rawlen);
	copy = exact_copy(b.p, b.len);
	assert_int_equal(report_parse(copy, b.len, &rep, &err), 0);
	free(copy);
	free(raw);
	tbuf_free(&b);
	tbuf_free(&body);
	return rep;
}

/* The decoded prose is UTF-8 again and the reply is classified. */
static void
check(const char *charset, const char *enc, const char *prose,
    const char *reply, enum reason want)
{
	struct report *rep = bounce(charset, enc, prose, reply);
	size_t len;
	const char *text;
	struct verdict v;

	assert_int_equal(rep->nrcpt, 1);
	assert_string_equal(rep->rcpt[0].recipient, "user@example.org");
	assert_true(rep->msg.nparts >= 1);
	text = mail_part_text(&rep->msg, &rep->msg.parts[0], &len);
	if (strstr(text, prose) == NULL)
		print_error("%s/%s: decoded text lacks the prose: %s\n", charset,
		    enc, text);
	assert_non_null(strstr(text, prose));
	classify_rcpt(rep, &rep->rcpt[0], 0, &v);
	assert_int_equal(v.reason, want);
	report_free(&rep);
}

static void
test_big5_base64(void **state)
{
	(void)state;
	check("big5", "base64", ZH_FULL, "552 <user@example.org> is full",
	    REASON_MAILBOXFULL);
}

static void
test_big5_qp(void **state)
{
	(void)state;
	check("big5", "quoted-printable", ZH_FULL,
	    "550 Invalid recipient <user@example.org>", REASON_USERUNKNOWN);
}

static void
test_gb2312_8bit(void **state)
{
	(void)state;
	check("gb2312", "8bit", ZH_SIMPLE, "User is over the quota",
	    REASON_MAILBOXFULL);
}

static void
test_gbk_base64(void **state)
{
	(void)state;
	check("gbk", "base64", ZH_SIMPLE,
	    "552 Message size exceeds fixed maximum message size (5000000)",
	    REASON_MESGTOOBIG);
}

static void
test_iso2022jp(void **state)
{
	(void)state;
	check("iso-2022-jp", "7bit", JA_TEXT,
	    "550 5.1.1 <user@example.org>... User unknown", REASON_USERUNKNOWN);
}

/* RFC 2047 encoded words in the Subject are decoded to UTF-8 */
static void
test_encoded_subject(void **state)
{
	static const char msg[] =
	    "From: MAILER-DAEMON@mx.example.net\n"
	    "Subject: =?UTF-8?B?5L+h5Lu26YCA5Zue?= =?ISO-8859-1?Q?=E9chec?=\n"
	    "\n"
	    "body\n";
	struct report *rep = NULL;
	const char *err;
	unsigned char *copy = exact_copy(msg, sizeof(msg) - 1);

	(void)state;
	assert_int_equal(report_parse(copy, sizeof(msg) - 1, &rep, &err), 0);
	assert_non_null(rep->subject);
	assert_non_null(strstr(rep->subject, "信件退回"));
	assert_non_null(strstr(rep->subject, "échec"));
	report_free(&rep);
	free(copy);
}

/* the Subject of msg as report_parse() decodes it, in a static buffer */
static const char *
subject_of(const char *msg)
{
	static char out[256];
	struct report *rep = NULL;
	const char *err;
	size_t len = strlen(msg);
	unsigned char *copy = exact_copy(msg, len);

	assert_int_equal(report_parse(copy, len, &rep, &err), 0);
	assert_non_null(rep->subject);
	snprintf(out, sizeof(out), "%s", rep->subject);
	report_free(&rep);
	free(copy);
	return out;
}

/*
 * message.c keeps iconv descriptors open between conversions (a gconv
 * module is loaded per iconv_open()). A word that ends in ISO-2022-JP's
 * JIS X 0208 mode, with no ESC ( B back, must not leave the next
 * conversion in that mode: the next word's leading "Re" would come out
 * as a kanji.
 */
static void
test_iconv_state_reset(void **state)
{
	(void)state;
	/* ESC $ B 0 8 (U+5B9B) and no return to ASCII */
	assert_non_null(strstr(subject_of(
	    "From: a@example.net\n"
	    "Subject: =?ISO-2022-JP?B?GyRCMDg=?=\n\nbody\n"), "宛"));
	/* "Re: " ESC $ B 0 8 ESC ( B */
	assert_string_equal(subject_of(
	    "From: a@example.net\n"
	    "Subject: =?ISO-2022-JP?B?UmU6IBskQjA4GyhC?=\n\nbody\n"),
	    "Re: 宛");
}

/* More charsets in a row than descriptors are kept: each still right */
static void
test_iconv_many_charsets(void **state)
{
	static const char *const cs[] = { "ISO-8859-1", "ISO-8859-2",
		"ISO-8859-3", "ISO-8859-4", "ISO-8859-9", "ISO-8859-10",
		"ISO-8859-14", "ISO-8859-15", "ISO-8859-16", "windows-1250",
		"windows-1252", "windows-1254", "windows-1256", "windows-1257",
		"windows-1258", "CP850", "CP437", "macintosh", "latin1" };
	char msg[256];
	int round;
	size_t i;

	(void)state;
	for (round = 0; round < 2; round++) {
		for (i = 0; i < sizeof(cs) / sizeof(cs[0]); i++) {
			size_t len;
			char *e = encode("é", cs[i], &len);

			assert_int_equal(len, 1);
			snprintf(msg, sizeof(msg),
			    "From: a@example.net\n"
			    "Subject: =?%s?Q?caf=%02X?=\n\nbody\n",
			    cs[i], (unsigned char)e[0]);
			free(e);
			assert_string_equal(subject_of(msg), "café");
		}
	}
}

/* An unknown charset passes the bytes through rather than failing */
static void
test_unknown_charset(void **state)
{
	struct report *rep;

	(void)state;
	rep = bounce("utf-8", "8bit", "plain prose", "550 5.1.1 User unknown");
	assert_int_equal(rep->nrcpt, 1);
	report_free(&rep);
	{
		static const char msg[] =
		    "From: MAILER-DAEMON@mx.example.net\n"
		    "Subject: failure notice\n"
		    "Content-Type: text/plain; charset=x-no-such-charset\n"
		    "\n"
		    "Hi. This is the qmail-send program at mx.example.net.\n"
		    "I'm afraid I wasn't able to deliver your message to the "
		    "following addresses.\n\n"
		    "<user@example.org>:\n"
		    "Sorry, no mailbox here by that name. (#5.1.1)\n";
		const char *err;
		unsigned char *copy = exact_copy(msg, sizeof(msg) - 1);

		assert_int_equal(
		    report_parse(copy, sizeof(msg) - 1, &rep, &err), 0);
		assert_int_equal(rep->nrcpt, 1);
		report_free(&rep);
		free(copy);
	}
}

/* What message.c's line-end pass must give: CRLF and CR to LF, NUL to
 * nul_to, byte by byte (the definition the runs of memmove() keep). */
static size_t
ref_normalise(const unsigned char *in, size_t len, unsigned char nul_to,
    unsigned char *out, int *nuls)
{
	size_t i, o = 0;

	*nuls = 0;
	for (i = 0; i < len; i++) {
		if (in[i] == '\r') {
			out[o++] = '\n';
			if (i + 1 < len && in[i + 1] == '\n')
				i++;
		} else if (in[i] == '\0') {
			*nuls = 1;
			out[o++] = nul_to;
		} else {
			out[o++] = in[i];
		}
	}
	return o;
}

/*
 * Random runs of text, CR, LF, CRLF and NUL (at the start, the end and
 * side by side): the message's buffer after parsing is ref_normalise()
 * of it, and a quoted-printable part carrying the same bytes decodes to
 * them with NUL as SUB (0x1a); MAIL_F_HAS_NULS exactly when a NUL was in.
 */
static void
test_line_ends_random(void **state)
{
	static const unsigned char alpha[] = { 'a', 'b', ' ', '\r', '\n',
		'\0', 'x', '\r', '\n' };
	unsigned seed = 4242;
	int round;

	(void)state;
	for (round = 0; round < 400; round++) {
		struct tbuf b;
		unsigned char body[600], want[700];
		size_t n = (seed = seed * 1103515245u + 12345u) % 600, i, wl;
		struct report *rep = NULL;
		const char *err = NULL, *text;
		unsigned char *copy, *ref;
		int nuls, bnuls;
		size_t tl;

		for (i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			body[i] = alpha[(seed >> 16) % sizeof(alpha)];
		}
		tbuf_init(&b);
		tbuf_add(&b, "From: MAILER-DAEMON@mx.example.net\r\n"
			     "Subject: failure notice\r\n"
			     "Content-Type: text/plain; charset=utf-8\r\n"
			     "Content-Transfer-Encoding: quoted-printable\r\n"
			     "\r\n");
		for (i = 0; i < n; i++)
			tbuf_addf(&b, "=%02X", body[i]);
		tbuf_add(&b, "\r\n");
		tbuf_addn(&b, (const char *)body, n);
		copy = exact_copy(b.p, b.len);
		ref = malloc(b.len + 1);
		assert_non_null(ref);
		wl = ref_normalise(copy, b.len, ' ', ref, &nuls);
		assert_int_equal(report_parse(copy, b.len, &rep, &err), 0);
		assert_int_equal(rep->msg.len, wl);
		assert_memory_equal(rep->msg.buf, ref, wl);
		assert_int_equal((rep->msg.flags & MAIL_F_HAS_NULS) != 0, nuls);
		/* the part: its QP line holds the bytes, then comes the raw
		 * copy (text of the part too, with its own line ends) */
		assert_true(rep->msg.nparts >= 1);
		text = mail_part_text(&rep->msg, &rep->msg.parts[0], &tl);
		wl = ref_normalise(body, n, 0x1a, want, &bnuls);
		assert_true(tl >= wl);
		assert_memory_equal(text, want, wl);
		report_free(&rep);
		free(ref);
		free(copy);
		tbuf_free(&b);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_big5_base64),
	    cmocka_unit_test(test_big5_qp),
	    cmocka_unit_test(test_gb2312_8bit),
	    cmocka_unit_test(test_gbk_base64),
	    cmocka_unit_test(test_iso2022jp),
	    cmocka_unit_test(test_encoded_subject),
	    cmocka_unit_test(test_iconv_state_reset),
	    cmocka_unit_test(test_iconv_many_charsets),
	    cmocka_unit_test(test_unknown_charset),
	    cmocka_unit_test(test_line_ends_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
