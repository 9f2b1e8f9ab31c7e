/* Small string helpers over (pointer, length) text; ASCII case folding only. */
#ifndef BD_STRUTIL_H
#define BD_STRUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

static inline int
bd_lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

static inline bool
bd_isspace(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	    c == '\v';
}

static inline bool
bd_isdigit(int c)
{
	return c >= '0' && c <= '9';
}

static inline bool
bd_isalpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/*
 * The lines of s[0..len), one per call: true with the line at *pos in
 * *l_r, its length without the LF in *ll_r, and *pos moved past it; false
 * once *pos reaches len. Start with *pos = 0. *pos never passes len, so
 * s + *pos and len - *pos stay the rest of the text (a last line without
 * its LF had put *pos one past len: found by fuzz_report, resent.c).
 */
static inline bool
str_line(const char *s, size_t len, size_t *pos, const char **l_r,
    size_t *ll_r)
{
	const char *l = s + *pos, *nl;

	if (*pos >= len)
		return false;
	nl = memchr(l, '\n', len - *pos);
	*l_r = l;
	*ll_r = nl != NULL ? (size_t)(nl - l) : len - *pos;
	*pos += *ll_r + (nl != NULL);
	return true;
}

/*
 * Case-insensitive search for needle (NUL-terminated, any case) in
 * hay[0..len). Returns the first match or NULL. Linear in len times the
 * needle's length in the worst case; needles are short phrases.
 */
const char *ci_find(const char *hay, size_t len, const char *needle);
/* Same, for a needle that is already lower case (the hot path). */
const char *ci_find_lower(const char *hay, size_t len, const char *needle,
    size_t nlen);
bool ci_starts(const char *s, size_t len, const char *prefix);
bool ci_equal(const char *a, const char *b);

/* Lower-cases s in place and returns it. */
char *str_lower(char *s);
/*
 * Collapses runs of white space (including line breaks) into one space and
 * trims both ends, in place. Returns the new length.
 */
size_t str_squeeze(char *s);

/*
 * Finds the first RFC 3463 enhanced status code "c.s.d" in s[0..len) that
 * stands alone (not inside a longer number or an IP address). Writes it to
 * out (size >= 16) and returns a pointer to it in s, or NULL.
 */
const char *find_status_code(const char *s, size_t len, char out[16]);
/*
 * Finds the first SMTP reply code (RFC 5321 4.2: [2-5][0-5][0-9]) that stands
 * alone as a word, preferring one at a line or sentence start. Returns the
 * code or 0.
 */
int find_reply_code(const char *s, size_t len);

/*
 * Finds the first thing that looks like an addr-spec in s[0..len): stores
 * its start and length. Returns true on success. Accepts "<a@b>" and bare
 * a@b; the domain must contain a dot or be a literal. A candidate is
 * skipped, not shortened, when it is no valid address (mailbox_valid()),
 * when a control character or NUL touches it (a hole in the text: the
 * address went on), or when the "<...>" around it holds white space or a
 * control character too ("<us er@x>" names no "er@x").
 */
bool find_address(const char *s, size_t len, const char **start_r,
    size_t *len_r);

/*
 * RFC 3629 4: the length (1 to 4) of the well-formed UTF-8 sequence at
 * s[0..len), or 0 when the bytes there are none: a continuation byte, an
 * overlong form (C0, C1, E0 80..9F, F0 80..8F), a surrogate (ED A0..BF:
 * U+D800..DFFF), a code point past U+10FFFF (F4 90.., F5..FF), or a
 * sequence cut short by len. Any ASCII byte, NUL included, is a sequence
 * of 1; 0 when len is 0.
 */
size_t str_utf8_seq(const char *s, size_t len);
/* Whether s[0..len) is well-formed UTF-8 throughout (str_utf8_seq()). */
bool str_utf8_valid(const char *s, size_t len);

/*
 * Replaces each byte of s that does not start a well-formed UTF-8 sequence
 * (str_utf8_seq(): overlongs, surrogates, past U+10FFFF, truncated) with
 * '?', in place, so that JSON and SQLite TEXT get valid UTF-8 even from an
 * undecodable charset. One '?' per byte, never longer: the replacement
 * iconv and libetpan make for an unconvertible byte when a message is
 * decoded (mail/message.c), so stored text has one kind of hole. Output
 * that can grow (cli/: tables, CSV, JSON) shows a byte that is still
 * ill-formed as U+FFFD instead. Returns s (NULL stays NULL).
 */
char *str_utf8_clean(char *s);

#endif
