/*
 * The IMAP response filter of imap_filter.h: a byte-at-a-time state
 * machine over the server's stream, copying in bulk where it may.
 *
 * Literals: libetpan reads one where its grammar expects a string, so
 * "{n}" at the end of a line is data only in a line that carries data
 * (FETCH, LIST, STATUS, ...; RFC 9051 7.4-7.5). In a status response
 * (OK, NO, BAD, BYE, PREAUTH; RFC 9051 7.1) and a continuation request
 * ("+") the line's end is text, and the next line is a new response: were
 * it taken for a literal, its start would pass unchecked.
 */
#include "daemon/sources/imap_filter.h"

#include <string.h>
#include <strings.h>

void
imap_filter_init(struct imap_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->state = IMAP_FILTER_HEAD_STATE;
}

static bool
atom_char(unsigned char c)
{
	/* RFC 9051 9: ATOM-CHAR is any CHAR but atom-specials */
	return c > 0x20 && c < 0x7f && strchr("(){%*\"\\]", c) == NULL;
}

/*
 * Whether h[i..n) starts a well-formed flag list "(" [flag *(SP flag)]
 * ")" "]" as libetpan's PERMANENTFLAGS parser needs it: a flag-perm is
 * "\*" or an optional "\" and an atom (RFC 9051 9, flag-perm).
 */
static bool
flag_list_ok(const char *h, size_t i, size_t n)
{
	if (i >= n || h[i++] != '(')
		return false;
	if (i < n && h[i] == ')')
		return i + 1 < n && h[i + 1] == ']';
	for (;;) {
		size_t start;

		if (i + 1 < n && h[i] == '\\' && h[i + 1] == '*')
			i += 2;
		else {
			if (i < n && h[i] == '\\')
				i++;
			start = i;
			while (i < n && atom_char((unsigned char)h[i]))
				i++;
			if (i == start)
				return false;
		}
		if (i < n && h[i] == ')')
			return i + 1 < n && h[i + 1] == ']';
		if (i >= n || h[i] != ' ')
			return false;
		i++;
	}
}

/* libetpan's UNSTRICT_SYNTAX takes a run of spaces and tabs for SP
 * (mailimap_space_parse()), and skips one before "(" and ")" */
static bool
blank(char c)
{
	return c == ' ' || c == '\t';
}

static size_t
skip_spaces(const char *h, size_t i, size_t n)
{
	while (i < n && blank(h[i]))
		i++;
	return i;
}

static size_t
skip_word(const char *h, size_t i, size_t n)
{
	while (i < n && !blank(h[i]) && h[i] != '\r' && h[i] != '\n')
		i++;
	return i;
}

static bool
status_word(const char *w, size_t len)
{
	static const char *const words[] = {"OK", "NO", "BAD", "BYE",
	    "PREAUTH"};
	size_t k;

	for (k = 0; k < sizeof(words) / sizeof(words[0]); k++)
		if (strlen(words[k]) == len && strncasecmp(w, words[k], len) == 0)
			return true;
	return false;
}

/*
 * Removes the response code that starts at h[at] ('['): through its ']'
 * and one space after it, or, when it does not end in the head, the rest
 * of the head but its line end, with an "x" in its place, so that what
 * follows is read as text (RFC 9051 9, resp-text) and not as a code.
 */
static void
strip_code(struct imap_filter *f, size_t at, bool complete)
{
	char *h = f->head;
	size_t n = f->head_len, end;
	const char *close = memchr(h + at, ']', n - at);

	f->stripped++;
	if (close != NULL) {
		end = (size_t)(close - h) + 1;
		end = skip_spaces(h, end, n);
		memmove(h + at, h + end, n - end);
		f->head_len = n - (end - at);
		return;
	}
	end = n;
	if (complete) { /* keep the line end */
		end = n - 1;
		if (end > at && h[end - 1] == '\r')
			end--;
	}
	h[at] = 'x';
	memmove(h + at + 1, h + end, n - end);
	f->head_len = at + 1 + (n - end);
}

/*
 * Whether the code at h[at] ('[') goes on past the head of a line that
 * is longer than the head: what it says cannot be checked, and a
 * "[PERMANENTFLAGS" that a removed code left at the head's end, its
 * flag list beyond it, crashed libetpan (fuzz_imap,
 * imap_inputs/permanentflags-past-head.bin).
 */
static bool
unseen_code(const char *h, size_t at, size_t n, bool complete)
{
	return !complete && memchr(h + at, ']', n - at) == NULL;
}

/*
 * Looks at a line's start: the greeting and a continuation request lose
 * their codes, a malformed PERMANENTFLAGS code is removed, and so is a
 * code that goes on past the head. Sets f->status_line.
 *
 * libetpan 1.9.4 parses the greeting, and the continuation request that
 * answers IDLE (mailimap_idle()), with no parser context, and a flag
 * list in a code there dereferences it: a SEGV (fuzz_imap:
 * greeting-permanentflags-empty.bin, continuation-code-no-space.bin).
 * Neither code means anything to bounced. A line that starts with "+"
 * is a continuation request to libetpan whatever follows the "+" --
 * "+[PERMANENTFLAGS (" too, with no space.
 */
static void
check_head(struct imap_filter *f, bool complete)
{
	const char *h = f->head;
	size_t n = f->head_len, i, w;
	bool greeting = !f->greeted, cont;

	f->greeted = true;
	/* libetpan skips blanks before the tag too */
	w = skip_spaces(h, 0, n);
	cont = w < n && h[w] == '+';
	f->status_line = cont;
	if (cont) {
		i = skip_spaces(h, w + 1, n);
	} else {
		i = skip_word(h, w, n); /* the tag or "*" */
		i = skip_spaces(h, i, n);
		w = i;
		i = skip_word(h, i, n);
		f->status_line = status_word(h + w, i - w);
		if (!f->status_line)
			return;
		i = skip_spaces(h, i, n);
	}
	/* what a removed code leaves is read as a code again when it
	 * starts with "[": "* OK [A] [PERMANENTFLAGS (" */
	while (i < f->head_len && f->head[i] == '[') {
		n = f->head_len;
		if (!greeting && !cont && !unseen_code(h, i, n, complete) &&
		    !(n - i > 16 &&
		    strncasecmp(h + i + 1, "PERMANENTFLAGS", 14) == 0 &&
		    blank(h[i + 15]) &&
		    !flag_list_ok(h, skip_spaces(h, i + 15, n), n)))
			return;
		strip_code(f, i, complete);
	}
	/*
	 * The head ends where the text would start (blanks, or the codes
	 * removed, filled it): the rest of the line is not looked at, so it
	 * must not begin the text -- "[PERMANENTFLAGS (" there would be
	 * parsed as a code after all (fuzz_imap). An "x" begins it instead.
	 */
	if (!complete && i >= f->head_len) {
		if (f->head_len < IMAP_FILTER_HEAD)
			f->head[f->head_len++] = 'x';
		else
			f->head[f->head_len - 1] = 'x';
	}
}

/* Tracks "{digits}" [SP] [CR] at the end of the line (libetpan's
 * UNSTRICT_SYNTAX allows a space before the CRLF, and a bare LF). */
static void
track(struct imap_filter *f, unsigned char c)
{
	if (c == '{') {
		f->lit = 1;
		f->lit_n = 0;
	} else if (c >= '0' && c <= '9' && (f->lit == 1 || f->lit == 4)) {
		f->lit = 4;
		/* saturates: no literal is that long, the connection ends */
		f->lit_n = f->lit_n > (UINT64_MAX - 9) / 10 ? UINT64_MAX :
		    f->lit_n * 10 + (uint64_t)(c - '0');
	} else if (c == '}' && f->lit == 4)
		f->lit = 2;
	else if (c == ' ' && f->lit == 2)
		f->lit = 5;
	else if (c == '\r' && (f->lit == 2 || f->lit == 5))
		f->lit = 3;
	else
		f->lit = 0;
}

/* The line ended (c was '\n'): a literal follows, or the next line. */
static void
line_end(struct imap_filter *f)
{
	if (!f->status_line && f->lit != 0 && f->lit != 1 && f->lit != 4 &&
	    f->lit_n > 0) {
		f->state = IMAP_FILTER_LITERAL;
		f->lit_left = f->lit_n;
		if (f->lit_n > IMAP_FILTER_MAX_LITERAL)
			f->error = "the server announced a literal over "
			    "128 MiB";
	} else
		f->state = IMAP_FILTER_HEAD_STATE;
	f->lit = 0;
	f->line_len = 0;
}

static size_t
emit_head(struct imap_filter *f, char *out, bool complete)
{
	size_t k;

	check_head(f, complete);
	memcpy(out, f->head, f->head_len);
	for (k = 0; k < f->head_len; k++)
		if (f->head[k] != '\n')
			track(f, (unsigned char)f->head[k]);
	k = f->head_len;
	f->head_len = 0;
	f->line_len = k;
	if (complete)
		line_end(f);
	else
		f->state = IMAP_FILTER_BODY;
	return k;
}

size_t
imap_filter_feed(struct imap_filter *f, const char *in, size_t n, char *out)
{
	size_t i = 0, o = 0, k, j;
	const char *nl;

	while (i < n && f->error == NULL) {
		switch (f->state) {
		case IMAP_FILTER_LITERAL:
			k = n - i;
			if ((uint64_t)k > f->lit_left)
				k = (size_t)f->lit_left;
			memcpy(out + o, in + i, k);
			i += k;
			o += k;
			if ((f->lit_left -= k) == 0) {
				/* the same response goes on */
				f->state = IMAP_FILTER_BODY;
				f->line_len = 0;
			}
			break;
		case IMAP_FILTER_HEAD_STATE:
			f->head[f->head_len++] = in[i++];
			if (in[i - 1] == '\n')
				o += emit_head(f, out + o, true);
			else if (f->head_len == IMAP_FILTER_HEAD)
				o += emit_head(f, out + o, false);
			break;
		case IMAP_FILTER_BODY:
			nl = memchr(in + i, '\n', n - i);
			k = nl != NULL ? (size_t)(nl - (in + i)) : n - i;
			memcpy(out + o, in + i, k);
			for (j = 0; j < k; j++)
				track(f, (unsigned char)in[i + j]);
			if ((f->line_len += k) > IMAP_FILTER_MAX_LINE) {
				f->error = "the server sent a line over 16 MiB";
				return o;
			}
			i += k;
			o += k;
			if (nl != NULL) {
				out[o++] = in[i++];
				line_end(f);
			}
			break;
		}
	}
	return o;
}
