#include "strutil.h"

#include <string.h>

#include "mailbox.h"

/* Next byte in [p, end) equal to c, or NULL: memchr, which is vectorised */
static const char *
next_byte(const char *p, const char *end, int c)
{
	return p < end ? memchr(p, c, (size_t)(end - p)) : NULL;
}

/*
 * Which byte of a lower-case needle to look for first: the one least
 * likely in text, so that memchr() stops at fewer candidates. A byte
 * that is no letter has one case (one cursor) and is rarer in prose than
 * any letter but a few; among letters, the rarest by English frequency.
 */
static size_t
anchor_of(const char *needle, size_t nlen)
{
	/* rank by byte: letters from most (1) to least (26) frequent in
	 * English text, "etaoinshrdlcumwfgypbvkjxqz"; space 0; any other
	 * byte 27 (no letter: one case) */
	static const unsigned char rank[256] = {
		[' '] = 0, ['e'] = 1, ['t'] = 2, ['a'] = 3, ['o'] = 4,
		['i'] = 5, ['n'] = 6, ['s'] = 7, ['h'] = 8, ['r'] = 9,
		['d'] = 10, ['l'] = 11, ['c'] = 12, ['u'] = 13, ['m'] = 14,
		['w'] = 15, ['f'] = 16, ['g'] = 17, ['y'] = 18, ['p'] = 19,
		['b'] = 20, ['v'] = 21, ['k'] = 22, ['j'] = 23, ['x'] = 24,
		['q'] = 25, ['z'] = 26,
	};
	size_t j, best = 0;
	int r, top = -1;

	for (j = 0; j < nlen; j++) {
		unsigned char c = (unsigned char)needle[j];

		r = rank[c] != 0 || c == ' ' ? rank[c] : 27;
		if (r > top) {
			top = r;
			best = j;
		}
	}
	return best;
}

const char *
ci_find_lower(const char *hay, size_t len, const char *needle, size_t nlen)
{
	const char *end, *lo, *up, *p;
	int first, upper;
	size_t j, k;

	if (nlen == 0)
		return hay;
	if (nlen > len)
		return NULL;
	/* candidates are the anchor byte (needle[k]) in either case: two
	 * memchr cursors, each advanced only past what it found, keep this
	 * linear; a candidate's start is k bytes before, so they come in
	 * the order of their starts and the first match is the leftmost */
	k = anchor_of(needle, nlen);
	end = hay + len - nlen + 1 + k;
	first = (unsigned char)needle[k];
	upper = (first >= 'a' && first <= 'z') ? first - ('a' - 'A') : first;
	lo = next_byte(hay + k, end, first);
	up = upper != first ? next_byte(hay + k, end, upper) : NULL;
	while (lo != NULL || up != NULL) {
		if (up == NULL || (lo != NULL && lo < up)) {
			p = lo;
			lo = next_byte(p + 1, end, first);
		} else {
			p = up;
			up = next_byte(p + 1, end, upper);
		}
		p -= k;
		for (j = 0; j < nlen; j++) {
			if (j != k && bd_lower((unsigned char)p[j]) !=
			    (unsigned char)needle[j])
				break;
		}
		if (j == nlen)
			return p;
	}
	return NULL;
}

const char *
ci_find(const char *hay, size_t len, const char *needle)
{
	char buf[256];
	size_t n, i;

	/* most needles are lower-case literals: used as they are */
	for (n = 0; needle[n] != '\0'; n++) {
		if (needle[n] >= 'A' && needle[n] <= 'Z')
			break;
	}
	if (needle[n] == '\0')
		return n < sizeof(buf) ? ci_find_lower(hay, len, needle, n) :
					 NULL;
	n += strlen(needle + n);
	if (n >= sizeof(buf))
		return NULL;
	for (i = 0; i < n; i++)
		buf[i] = (char)bd_lower((unsigned char)needle[i]);
	return ci_find_lower(hay, len, buf, n);
}

bool
ci_starts(const char *s, size_t len, const char *prefix)
{
	size_t i;

	for (i = 0; prefix[i] != '\0'; i++) {
		if (i >= len || bd_lower((unsigned char)s[i]) !=
				    bd_lower((unsigned char)prefix[i]))
			return false;
	}
	return true;
}

bool
ci_equal(const char *a, const char *b)
{
	for (; *a != '\0' && *b != '\0'; a++, b++) {
		if (bd_lower((unsigned char)*a) != bd_lower((unsigned char)*b))
			return false;
	}
	return *a == *b;
}

char *
str_lower(char *s)
{
	char *p;

	for (p = s; *p != '\0'; p++)
		*p = (char)bd_lower((unsigned char)*p);
	return s;
}

size_t
str_squeeze(char *s)
{
	char *r = s, *w = s;
	bool space = false;

	while (*r != '\0' && bd_isspace((unsigned char)*r))
		r++;
	for (; *r != '\0'; r++) {
		if (bd_isspace((unsigned char)*r)) {
			space = true;
			continue;
		}
		if (space)
			*w++ = ' ';
		space = false;
		*w++ = *r;
	}
	*w = '\0';
	return (size_t)(w - s);
}

/* Reads up to max digits at s[i..len); returns how many. */
static size_t
digits(const char *s, size_t len, size_t i, size_t max)
{
	size_t n = 0;

	while (i + n < len && n <= max && bd_isdigit((unsigned char)s[i + n]))
		n++;
	return n;
}

/* s[i-4..i-1] is "NNN-" or "NNN." after a reply code: "550-5.1.1" */
static bool
after_reply_code(const char *s, size_t i)
{
	if (i < 4 || (s[i - 1] != '-' && s[i - 1] != '.'))
		return false;
	if (!bd_isdigit((unsigned char)s[i - 2]) ||
	    !bd_isdigit((unsigned char)s[i - 3]) ||
	    !bd_isdigit((unsigned char)s[i - 4]))
		return false;
	return i == 4 || (!bd_isdigit((unsigned char)s[i - 5]) &&
			     s[i - 5] != '.');
}

const char *
find_status_code(const char *s, size_t len, char out[16])
{
	size_t i, b, c;

	for (i = 0; i < len; i++) {
		/*
		 * RFC 3463 2: class 2, 4 or 5; subject and detail 1-3 digits.
		 * Subjects in use are 0-7 (RFC 3463 3, RFC 5248), so a
		 * subject of two or more digits is a version ("4.94.2").
		 */
		if (s[i] != '2' && s[i] != '4' && s[i] != '5')
			continue;
		if (i > 0 && !after_reply_code(s, i) &&
		    (bd_isdigit((unsigned char)s[i - 1]) || s[i - 1] == '.' ||
			s[i - 1] == '-' || s[i - 1] == '/' || s[i - 1] == '_' ||
			(s[i - 1] >= 'a' && s[i - 1] <= 'z') ||
			(s[i - 1] >= 'A' && s[i - 1] <= 'Z')))
			continue;
		if (i + 4 >= len || s[i + 1] != '.' ||
		    !bd_isdigit((unsigned char)s[i + 2]) || s[i + 3] != '.')
			continue;
		b = digits(s, len, i + 4, 3);
		if (b == 0 || b > 3)
			continue;
		c = i + 4 + b;
		/* not an IPv4 address or a version number: no further ".digit" */
		if (c < len && (bd_isdigit((unsigned char)s[c]) ||
				   (s[c] == '.' && c + 1 < len &&
				       bd_isdigit((unsigned char)s[c + 1]))))
			continue;
		memcpy(out, s + i, c - i);
		out[c - i] = '\0';
		return s + i;
	}
	return NULL;
}

static bool
reply_code_at(const char *s, size_t len, size_t i)
{
	if (i + 3 > len)
		return false;
	if (s[i] < '2' || s[i] > '5' || s[i + 1] < '0' || s[i + 1] > '5' ||
	    !bd_isdigit((unsigned char)s[i + 2]))
		return false;
	if (i > 0 && !bd_isspace((unsigned char)s[i - 1]) && s[i - 1] != '(' &&
	    s[i - 1] != ':' && s[i - 1] != '<' && s[i - 1] != '"' &&
	    s[i - 1] != '[' && s[i - 1] != '#' && s[i - 1] != '=')
		return false;
	if (i + 3 < len) {
		char n = s[i + 3];

		/* "550 ", "550-", "550." (seed: "550.5.1.1"), end, or ")" */
		if (!(bd_isspace((unsigned char)n) || n == '-' || n == '.' ||
			n == ')' || n == ']' || n == ';' || n == ',' ||
			n == '"'))
			return false;
		/* "550.5.1.1" (the seed) but not "203.0.113.5": after the
		 * dot must come an enhanced code of the same class */
		if (n == '.' && i + 4 < len && !bd_isspace((unsigned char)s[i + 4])) {
			char code[16];

			if (find_status_code(s + i + 4, len - i - 4, code) !=
				s + i + 4 ||
			    code[0] != s[i])
				return false;
		}
		/* "550.5.1.1" is a reply code; "4.2.2" is not (class digit) */
		if (n == '-' && i + 4 < len && bd_isdigit((unsigned char)s[i + 4]) &&
		    i + 5 < len && s[i + 5] != '.')
			return false;
	}
	return true;
}

int
find_reply_code(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i + 3 <= len; i++) {
		if (!reply_code_at(s, len, i))
			continue;
		/* skip dates and sizes: "2013", "5242880" are excluded above */
		return (s[i] - '0') * 100 + (s[i + 1] - '0') * 10 +
		    (s[i + 2] - '0');
	}
	return 0;
}

static bool
addr_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       bd_isdigit(c) ||
	       (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~.", c) != NULL) ||
	       c >= 0x80;
}

static bool
domain_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    bd_isdigit(c) || c == '-' || c == '.' || c >= 0x80;
}

/* C0 controls but white space, and DEL: no text has them, a hole may */
static bool
ctl_char(int c)
{
	return (c < 0x20 && !bd_isspace(c)) || c == 0x7f;
}

/* How far around a candidate "<" and ">" are looked for: a path's length
 * (RFC 5321 4.5.3.1.3), so that a long line stays linear */
#define BRACKET_REACH 256

/*
 * s[b..e) is inside "<...>" on its line, and the brackets hold white space
 * or a control character: more than an addr-spec (with a route or a
 * "mailto:"), so the candidate is the tail or head of something else.
 */
static bool
bracket_junk(const char *s, size_t len, size_t b, size_t e)
{
	size_t l = b, r = e, k;

	while (l > 0 && b - l < BRACKET_REACH && s[l - 1] != '<' &&
	       s[l - 1] != '>' && s[l - 1] != '\n')
		l--;
	if (l == 0 || s[l - 1] != '<')
		return false;
	while (r < len && r - e < BRACKET_REACH && s[r] != '>' && s[r] != '<' &&
	       s[r] != '\n')
		r++;
	if (r >= len || s[r] != '>')
		return false;
	for (k = l; k < r; k++) {
		if (bd_isspace((unsigned char)s[k]) ||
		    ctl_char((unsigned char)s[k]))
			return true;
	}
	return false;
}

/* The candidate s[b..e) is an address, whole. */
static bool
whole_address(const char *s, size_t len, size_t b, size_t e)
{
	if (b > 0 && ctl_char((unsigned char)s[b - 1]))
		return false;
	if (e < len && ctl_char((unsigned char)s[e]))
		return false;
	return !bracket_junk(s, len, b, e) && mailbox_valid(s + b, e - b);
}

bool
find_address(const char *s, size_t len, const char **start_r, size_t *len_r)
{
	size_t i, b, e;
	bool dot;

	for (i = 0; i < len; i++) {
		if (s[i] != '@')
			continue;
		b = i;
		while (b > 0 && addr_char((unsigned char)s[b - 1]))
			b--;
		while (b < i && s[b] == '.')
			b++;
		if (b == i)
			continue;
		e = i + 1;
		dot = false;
		if (e < len && s[e] == '[') {
			while (e < len && s[e] != ']' && e - i < 64)
				e++;
			if (e >= len || s[e] != ']')
				continue;
			e++;
			dot = true;
		} else {
			while (e < len && domain_char((unsigned char)s[e])) {
				if (s[e] == '.')
					dot = true;
				e++;
			}
			while (e > i + 1 && (s[e - 1] == '.' || s[e - 1] == '-'))
				e--;
			/* the dot must survive the trim: "a@b.-" is no domain */
			dot = memchr(s + i + 1, '.', e - i - 1) != NULL;
		}
		if (!dot || e == i + 1 || !whole_address(s, len, b, e))
			continue;
		*start_r = s + b;
		*len_r = e - b;
		return true;
	}
	return false;
}

size_t
str_utf8_seq(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (len == 0)
		return 0;
	if (p[0] < 0x80)
		return 1;
	/* RFC 3629 4: the lead byte gives the length; C0, C1 and F5..FF
	 * start nothing */
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4;
	else
		return 0;
	if (len < n)
		return 0;
	/* the second byte's range excludes overlongs (E0, F0), surrogates
	 * (ED) and what lies past U+10FFFF (F4) */
	if (p[0] == 0xe0)
		lo = 0xa0;
	else if (p[0] == 0xed)
		hi = 0x9f;
	else if (p[0] == 0xf0)
		lo = 0x90;
	else if (p[0] == 0xf4)
		hi = 0x8f;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	}
	return n;
}

bool
str_utf8_valid(const char *s, size_t len)
{
	size_t i = 0, n;

	while (i < len) {
		if ((n = str_utf8_seq(s + i, len - i)) == 0)
			return false;
		i += n;
	}
	return true;
}

char *
str_utf8_clean(char *s)
{
	size_t len, i = 0, n;

	if (s == NULL)
		return NULL;
	len = strlen(s);
	while (i < len) {
		if ((n = str_utf8_seq(s + i, len - i)) == 0) {
			s[i++] = '?';
			continue;
		}
		i += n;
	}
	return s;
}
