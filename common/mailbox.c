/*
 * Whether a string is a mailbox address (RFC 5321 4.1.2, RFC 6531): the
 * check every recipient passes before it is recorded.
 */
#include "mailbox.h"

#include <arpa/inet.h>
#include <string.h>

#include "strutil.h"

/* RFC 5321 4.5.3.1: the sizes of a mailbox and its parts, in octets */
#define MAILBOX_LOCAL_MAX  64  /* 4.5.3.1.1 */
#define MAILBOX_DOMAIN_MAX 255 /* 4.5.3.1.2 */
#define MAILBOX_MAX        254 /* 4.5.3.1.3: a path of 256 with "<" ">" */
#define LABEL_MAX          63  /* RFC 1035 2.3.4 */

/* RFC 5322 3.2.3 atext, ASCII */
static bool
atext_char(int c)
{
	return bd_isalpha(c) || bd_isdigit(c) ||
	       (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

/*
 * A non-ASCII character of an address (RFC 6532 3.1 UTF8-non-ascii):
 * well-formed, and no C1 control (U+0080..009F). Its length, or 0.
 */
static size_t
addr_utf8(const char *s, size_t len)
{
	size_t n = str_utf8_seq(s, len);

	if (n == 2 && (unsigned char)s[0] == 0xc2 && (unsigned char)s[1] < 0xa0)
		return 0;
	return n;
}

/*
 * RFC 5321 4.1.2 Quoted-string at the start of s[0..len): its length with
 * both quotes, or 0. qtextSMTP is %d32-33 / %d35-91 / %d93-126 and
 * quoted-pairSMTP "\" %d32-126; RFC 6531 3.3 adds UTF-8.
 */
static size_t
quoted_local(const char *s, size_t len)
{
	size_t i = 1, n;

	while (i < len) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"')
			return i > 1 ? i + 1 : 0; /* "" names no one */
		if (c == '\\') {
			if (i + 1 >= len || s[i + 1] < 32 || s[i + 1] > 126)
				return 0;
			i += 2;
		} else if (c >= 32 && c <= 126) {
			i++;
		} else if (c >= 0x80 && (n = addr_utf8(s + i, len - i)) > 0) {
			i += n;
		} else {
			return 0;
		}
	}
	return 0;
}

/*
 * RFC 5321 4.1.2 Dot-string up to the '@' of s[0..len): its length, or 0.
 * Dots may lead, trail and repeat (docs/DEVIATIONS.md).
 */
static size_t
dot_local(const char *s, size_t len)
{
	size_t i = 0, n;

	while (i < len && s[i] != '@') {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x80) {
			if (!atext_char(c) && c != '.')
				return 0;
			n = 1;
		} else if ((n = addr_utf8(s + i, len - i)) == 0) {
			return 0;
		}
		i += n;
	}
	return i;
}

/* RFC 5321 4.1.3 IPv4-address-literal: four Snum of at most 255 */
static bool
ipv4_literal(const char *s, size_t len)
{
	size_t i = 0, part, nd;

	for (part = 0; part < 4; part++) {
		unsigned v = 0;

		if (part > 0 && (i >= len || s[i++] != '.'))
			return false;
		for (nd = 0;
		     nd < 3 && i < len && bd_isdigit((unsigned char)s[i]);
		     nd++, i++)
			v = v * 10 + (unsigned)(s[i] - '0');
		if (nd == 0 || v > 255)
			return false;
	}
	return i == len;
}

/* RFC 5321 4.1.3 IPv6-addr after "IPv6:", as inet_pton(3) reads it */
static bool
ipv6_literal(const char *s, size_t len)
{
	char buf[INET6_ADDRSTRLEN];
	struct in6_addr a;
	size_t i;

	if (len == 0 || len >= sizeof(buf))
		return false;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!(bd_isdigit(c) ||
			(bd_lower(c) >= 'a' && bd_lower(c) <= 'f') ||
			c == ':' || c == '.'))
			return false;
	}
	memcpy(buf, s, len);
	buf[len] = '\0';
	return inet_pton(AF_INET6, buf, &a) == 1;
}

/*
 * RFC 5321 4.1.2 Domain: sub-domains of Let-dig [Ldh-str], none empty,
 * with RFC 6531's U-labels; each label at most 63 octets.
 */
static bool
host_name(const char *s, size_t len)
{
	size_t i = 0, label = 0, n;

	while (i < len) {
		unsigned char c = (unsigned char)s[i];

		if (c == '.') {
			if (label == 0 || s[i - 1] == '-')
				return false;
			label = 0;
			i++;
			continue;
		}
		if (bd_isalpha(c) || bd_isdigit(c) || (c == '-' && label > 0))
			n = 1;
		else if (c < 0x80 || (n = addr_utf8(s + i, len - i)) == 0)
			return false;
		label += n;
		i += n;
		if (label > LABEL_MAX)
			return false;
	}
	return label > 0 && s[len - 1] != '-';
}

static bool
mail_domain(const char *d, size_t n)
{
	if (n == 0 || n > MAILBOX_DOMAIN_MAX)
		return false;
	if (d[0] != '[')
		return host_name(d, n);
	/* RFC 5321 4.1.3: no General-address-literal tag is registered but
	 * IPv6, so nothing else is an address */
	if (n < 3 || d[n - 1] != ']')
		return false;
	if (n > 7 && ci_starts(d + 1, n - 2, "IPv6:"))
		return ipv6_literal(d + 6, n - 7);
	return ipv4_literal(d + 1, n - 2);
}

bool
mailbox_valid(const char *s, size_t len)
{
	size_t l;

	if (len == 0 || len > MAILBOX_MAX)
		return false;
	l = s[0] == '"' ? quoted_local(s, len) : dot_local(s, len);
	if (l == 0 || l > MAILBOX_LOCAL_MAX || l >= len || s[l] != '@')
		return false;
	return mail_domain(s + l + 1, len - l - 1);
}

int
mailbox_key(const char *s, size_t len, char *key, size_t size)
{
	const char *at = NULL;
	size_t i;

	if (size > 0)
		key[0] = '\0';
	if (len == 0 || len > MAILBOX_KEY_MAX || len >= size)
		return -1;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= ' ' || c == 0x7f)
			goto bad;
		if (c == '@')
			at = s + i;
		key[i] = (char)bd_lower(c);
	}
	key[len] = '\0';
	if (at == NULL || at == s || at == s + len - 1)
		goto bad;
	return 0;
bad:
	key[0] = '\0';
	return -1;
}
