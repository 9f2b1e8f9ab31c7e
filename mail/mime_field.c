/*
 * The field grammar of the MIME walk, after libetpan 1.9.4's mailimf.c
 * and mailmime.c: where they are lenient or odd (a type matched as a
 * prefix, CFWS that stops after a comment, a value that must end with a
 * line end) this file is too, because the classifier's answers were
 * measured on what libetpan found. Every loop moves forward over the
 * value; comments nest through a counter, not the stack.
 */
#include "mime_field.h"

#include <string.h>
#include <strings.h>

static bool
is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

/* RFC 5322 3.2.1 obs-NO-WS-CTL */
static bool
is_no_ws_ctl(unsigned char c)
{
	return (c >= 1 && c <= 8) || c == 11 || c == 12 ||
	       (c >= 14 && c <= 31) || c == 127;
}

bool
mime_fws(const char *s, size_t len, size_t *ip)
{
	size_t i = *ip, fin;
	bool w1 = false, w3 = false;

	for (; i < len && is_wsp(s[i]); i++)
		w1 = true;
	fin = i;
	if (i < len && s[i] == '\n')
		for (i++; i < len && is_wsp(s[i]); i++)
			w3 = true;
	if (!w1 && !w3)
		return false;
	*ip = w3 ? i : fin;
	return true;
}

static bool
is_ctext(unsigned char c)
{
	if (is_no_ws_ctl(c))
		return true;
	return c >= 33 && c != '(' && c != ')' && c != '\\';
}

/* RFC 5322 3.2.2 comment; a failure anywhere inside fails it whole */
static bool
comment(const char *s, size_t len, size_t *ip)
{
	size_t i = *ip, depth = 1;

	if (i >= len || s[i] != '(')
		return false;
	for (i++;;) {
		(void)mime_fws(s, len, &i);
		if (i >= len)
			return false;
		if (s[i] == ')') {
			i++;
			if (--depth == 0)
				break;
		} else if (s[i] == '(') {
			i++;
			depth++;
		} else if (s[i] == '\\') {
			if (i + 1 >= len)
				return false;
			i += 2;
		} else if (is_ctext((unsigned char)s[i])) {
			i++;
		} else {
			return false;
		}
	}
	*ip = i;
	return true;
}

/* libetpan's CFWS: *([FWS] comment), or FWS alone; no FWS after a comment */
bool
mime_cfws(const char *s, size_t len, size_t *ip)
{
	size_t i = *ip, j;
	bool has = false;

	for (;;) {
		j = i;
		(void)mime_fws(s, len, &j);
		if (!comment(s, len, &j))
			break;
		i = j;
		has = true;
	}
	if (!has)
		return mime_fws(s, len, ip);
	*ip = i;
	return true;
}

static bool
unstrict_char(const char *s, size_t len, size_t *ip, char c)
{
	size_t i = *ip;

	(void)mime_cfws(s, len, &i);
	if (i >= len || s[i] != c)
		return false;
	*ip = i + 1;
	return true;
}

/* a prefix, as libetpan matches type names: "texts" starts with "text" */
static bool
token_ci(const char *s, size_t len, size_t *ip, const char *tok)
{
	size_t n = strlen(tok);

	if (*ip + n > len || strncasecmp(s + *ip, tok, n) != 0)
		return false;
	*ip += n;
	return true;
}

/* RFC 2045 5.1 token; libetpan lets control characters in */
static bool
is_token(unsigned char c)
{
	return c < 0x80 && c != ' ' && strchr("()<>@,;:\\\"/[]?=", c) == NULL;
}

static bool
token(const char *s, size_t len, size_t *ip)
{
	size_t i = *ip;

	while (i < len && s[i] != '\0' && is_token((unsigned char)s[i]))
		i++;
	if (i == *ip)
		return false;
	*ip = i;
	return true;
}

static bool
is_qtext(unsigned char c)
{
	if (is_no_ws_ctl(c))
		return true;
	return c >= 33 && c != '"' && c != '\\';
}

/*
 * The content of the quoted string whose opening quote is s[*ip - 1],
 * unquoted into out when out is not NULL; its length, and *ip past the
 * closing quote, or -1 when there is none.
 */
static long
qcontent(const char *s, size_t len, size_t *ip, char *out)
{
	size_t i = *ip, o = 0;

	for (;;) {
		if (mime_fws(s, len, &i)) {
			if (out != NULL)
				out[o] = ' ';
			o++;
		}
		if (i < len && is_qtext((unsigned char)s[i])) {
			if (out != NULL)
				out[o] = s[i];
			o++;
			i++;
		} else if (i + 1 < len && s[i] == '\\') {
			if (out != NULL)
				out[o] = s[i + 1];
			o++;
			i += 2;
		} else {
			break;
		}
	}
	if (i >= len || s[i] != '"')
		return -1;
	*ip = i + 1;
	return (long)o;
}

/*
 * RFC 5322 3.2.4 quoted-string, unquoted into the arena. Measured first,
 * then copied: a value of many parameters costs its length, not its
 * length for each parameter.
 */
static const char *
quoted_string(struct arena *a, const char *s, size_t len, size_t *ip)
{
	size_t i = *ip, start;
	long n;
	char *out;

	(void)mime_cfws(s, len, &i);
	if (i >= len || s[i] != '"')
		return NULL;
	start = ++i;
	if ((n = qcontent(s, len, &i, NULL)) < 0)
		return NULL;
	out = arena_alloc(a, (size_t)n + 1);
	i = start;
	(void)qcontent(s, len, &i, out);
	out[n] = '\0';
	*ip = i;
	return out;
}

/*
 * RFC 2045 5.1 value := token / quoted-string; libetpan 1.9.4 reads the
 * token more loosely than 5.1 says: up to white space, a line end or one
 * of "",:;<> (measured against its mailmime_value_parse()).
 */
static bool
is_value_char(unsigned char c)
{
	return c != '\0' && strchr("\t\n\r \",:;<>", c) == NULL;
}

static const char *
value(struct arena *a, const char *s, size_t len, size_t *ip)
{
	size_t b = *ip, i = *ip;

	while (i < len && is_value_char((unsigned char)s[i]))
		i++;
	if (i > b) {
		*ip = i;
		return arena_strndup(a, s + b, i - b);
	}
	return quoted_string(a, s, len, ip);
}

static int
ctype_major(struct arena *a, const char *v, size_t len, size_t *ip,
    struct mime_ctype *ct)
{
	static const char *const discrete[] = {
	    "text", "image", "audio", "video", "application"};
	size_t b = *ip, k;

	ct->kind = MIME_DISCRETE;
	if (token_ci(v, len, ip, "message")) {
		ct->kind = MIME_MESSAGE;
		ct->major = "message";
		return 0;
	}
	if (token_ci(v, len, ip, "multipart")) {
		ct->kind = MIME_MULTIPART;
		ct->major = "multipart";
		return 0;
	}
	for (k = 0; k < sizeof(discrete) / sizeof(discrete[0]); k++) {
		if (token_ci(v, len, ip, discrete[k])) {
			ct->major = discrete[k];
			return 0;
		}
	}
	if (!token(v, len, ip))
		return -1;
	ct->major = arena_strndup(a, v + b, *ip - b);
	return 0;
}

/* ';' attribute '=' value, the first of each name kept */
static bool
ctype_param(struct arena *a, const char *v, size_t len, size_t *ip,
    struct mime_ctype *ct)
{
	size_t i = *ip, b, n;
	const char *val;

	if (!unstrict_char(v, len, &i, ';'))
		return false;
	(void)mime_cfws(v, len, &i);
	b = i;
	if (!token(v, len, &i))
		return false;
	n = i - b;
	if (!unstrict_char(v, len, &i, '='))
		return false;
	(void)mime_cfws(v, len, &i);
	if ((val = value(a, v, len, &i)) == NULL)
		return false;
	if (n == 8 && strncasecmp(v + b, "boundary", 8) == 0 &&
	    ct->boundary == NULL)
		ct->boundary = val;
	else if (n == 7 && strncasecmp(v + b, "charset", 7) == 0 &&
		 ct->charset == NULL)
		ct->charset = val;
	*ip = i;
	return true;
}

int
mime_ctype_parse(
    struct arena *a, const char *v, size_t len, struct mime_ctype *ct)
{
	size_t i = 0, b;

	memset(ct, 0, sizeof(*ct));
	(void)mime_cfws(v, len, &i);
	if (ctype_major(a, v, len, &i, ct) < 0)
		return -1;
	if (unstrict_char(v, len, &i, '/')) {
		(void)mime_cfws(v, len, &i);
		b = i;
		if (!token(v, len, &i))
			return -1;
		ct->minor = arena_strndup(a, v + b, i - b);
	} else {
		ct->minor = "unknown";
	}
	while (ctype_param(a, v, len, &i, ct))
		;
	return 0;
}

/*
 * One word of mailmime_encoded_phrase_parse()'s non-encoded words: up to
 * white space or a line end; converted from US-ASCII, so that bytes past
 * it come out as '?' (message.c's charset hook).
 */
const char *
mime_phrase_plain(struct arena *a, const char *v, size_t len, size_t *len_r)
{
	char *out = arena_alloc(a, len + 2);
	size_t i = 0, j, b, o = 0;
	bool first = true, fwd;

	for (;;) {
		j = i;
		fwd = mime_fws(v, len, &j);
		for (b = j;
		     j < len && !is_wsp(v[j]) && v[j] != '\n' && v[j] != '\r';
		     j++)
			;
		if (j == b) {
			if (mime_fws(v, len, &i)) {
				out[o++] = ' ';
				first = false;
			}
			break;
		}
		if (!first && fwd)
			out[o++] = ' ';
		for (; b < j; b++)
			out[o++] = (unsigned char)v[b] >= 0x80 ? '?' : v[b];
		first = false;
		i = j;
	}
	if (first && i != len)
		return NULL;
	out[o] = '\0';
	*len_r = o;
	return out;
}

int
mime_cte_parse(const char *v, size_t len)
{
	size_t i = 0;

	if (token_ci(v, len, &i, "7bit") || token_ci(v, len, &i, "8bit") ||
	    token_ci(v, len, &i, "binary"))
		return MAIL_ENC_IDENTITY;
	if (token_ci(v, len, &i, "quoted-printable"))
		return MAIL_ENC_QP;
	if (token_ci(v, len, &i, "base64"))
		return MAIL_ENC_BASE64;
	return token(v, len, &i) ? MAIL_ENC_IDENTITY : -1;
}

int
mime_disposition_parse(const char *v, size_t len)
{
	size_t i = 0;

	(void)mime_cfws(v, len, &i);
	if (token_ci(v, len, &i, "inline"))
		return 0;
	if (token_ci(v, len, &i, "attachment"))
		return 1;
	return token(v, len, &i) ? 0 : -1;
}

/*
 * RFC 5322 2.2.3 as libetpan's unstructured value reads it: a line end
 * followed by white space continues the field, and the field ends at the
 * last line end reached from text -- so a continuation line of white
 * space alone ends it there. A value that runs to the end of the text
 * without a line end is no field.
 */
static bool
unstructured_end(const char *s, size_t len, size_t i, size_t *t_r)
{
	const char *nl;
	size_t t, p;

	for (;;) {
		if (i >= len || (nl = memchr(s + i, '\n', len - i)) == NULL)
			return false;
		t = (size_t)(nl - s);
		for (p = t + 1;; p++) {
			if (p >= len || !is_wsp(s[p])) {
				*t_r = t;
				return true;
			}
			if (++p >= len)
				return false;
			if (s[p] != '\n')
				break;
		}
		i = p + 1;
	}
}

bool
mime_field_next(const char *s, size_t len, size_t *ip, struct mime_field *f)
{
	size_t i = *ip, t;

	/* RFC 5322 3.6.8 ftext, with libetpan's 8-bit bytes */
	while (i < len && (unsigned char)s[i] >= 33 && s[i] != ':')
		i++;
	if (i == *ip)
		return false;
	f->name = s + *ip;
	f->name_len = i - *ip;
	if (!unstrict_char(s, len, &i, ':'))
		return false;
	while (i < len && is_wsp(s[i]))
		i++;
	if (!unstructured_end(s, len, i, &t))
		return false;
	f->value = s + i;
	f->value_len = t - i;
	/* mailimf_unstrict_crlf_parse(): CFWS, then the line end -- so a
	 * line of one white space character after it joins the field */
	(void)mime_cfws(s, len, &t);
	if (t >= len || s[t] != '\n')
		return false;
	*ip = t + 1;
	return true;
}
