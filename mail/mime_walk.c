/*
 * The MIME walk in place (RFC 2045, 2046). It follows the steps of
 * libetpan 1.9.4's mailmime_content.c -- an entity's header fields, its
 * Content-Type, then a multipart body's delimiters or an embedded
 * message's header -- with the byte-by-byte state machines replaced by
 * memchr() searches that stop where they stopped. Where those
 * machines are odd, this is too; each oddity is named where it is kept.
 */
#include "mime_walk.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "common/strutil.h"
#include "mail_limits.h"
#include "mime_field.h"

/* What an entity's header block says (RFC 2045 3). */
struct fields {
	bool has_ct;
	struct mime_ctype ct; /* the first Content-Type that parses */
	int enc;              /* the first Content-Transfer-Encoding, or -1 */
	bool attachment;      /* any Content-Disposition: attachment */
};

struct walk {
	struct mail_message *msg;
	mime_phrase_fn *phrase;
	size_t cap;
	/* originals[] point into parts[], which moves as it grows */
	size_t orig_idx[4];
	size_t norig;
};

static bool
name_is(const struct mime_field *f, const char *name)
{
	return f->name_len == strlen(name) &&
	       strncasecmp(f->name, name, f->name_len) == 0;
}

/* mailmime_field_parse() decodes encoded words before the grammar */
static void
field_ctype(struct walk *w, const struct mime_field *f, struct fields *fs)
{
	struct arena *a = w->msg->arena;
	const char *v = NULL;
	size_t n = 0;

	if (w->phrase != NULL && memmem(f->value, f->value_len, "=?", 2)) {
		if ((v = w->phrase(a, f->value, f->value_len)) != NULL)
			n = strlen(v);
	} else {
		v = mime_phrase_plain(a, f->value, f->value_len, &n);
	}
	if (v == NULL) {
		v = f->value;
		n = f->value_len;
	}
	if (mime_ctype_parse(a, v, n, &fs->ct) == 0)
		fs->has_ct = true;
}

/*
 * The header block at s[*ip]: fields while they parse, then one line end
 * (mailimf_*_fields_parse() + mailimf_crlf_parse()). *ip: the body.
 *
 * A known difference: in a message's own header (the top level and a
 * message/rfc822 body) libetpan first tried the structured grammar of
 * From, To, Cc, Date, Message-ID and the other RFC 5322 3.6 fields, and
 * when that grammar ended at a line end that a continuation line follows
 * (a value ending in a comment: "To: a@b (x)" then "  by ..."), or an
 * encoded word ran across a line end, the header ended or went on there.
 * Every field is read as unstructured here. Only malformed headers do
 * this: 1 of 6,000 mutated corpus messages changed its diagnostic text,
 * none of the corpus, examples or fixtures changed at all.
 */
static void
header(struct walk *w, const char *s, size_t len, size_t *ip, struct fields *fs)
{
	struct mime_field f;
	int r;

	memset(fs, 0, sizeof(*fs));
	fs->enc = -1;
	while (mime_field_next(s, len, ip, &f)) {
		if (!fs->has_ct && name_is(&f, "Content-Type"))
			field_ctype(w, &f, fs);
		else if (fs->enc < 0 &&
			 name_is(&f, "Content-Transfer-Encoding"))
			fs->enc = mime_cte_parse(f.value, f.value_len);
		else if (name_is(&f, "Content-Disposition") &&
			 (r = mime_disposition_parse(f.value, f.value_len)) > 0)
			fs->attachment = true;
	}
	if (*ip < len && s[*ip] == '\n')
		(*ip)++;
}

static struct mail_part *
add_part(struct walk *w)
{
	struct mail_message *msg = w->msg;
	struct mail_part *p;

	if (msg->nparts >= MAIL_MAX_PARTS) {
		msg->flags |= MAIL_F_TOO_MANY_PARTS;
		return NULL;
	}
	if (msg->nparts == w->cap) {
		size_t ncap = w->cap ? w->cap * 2 : 8;
		struct mail_part *np =
		    arena_alloc(msg->arena, ncap * sizeof(*np));

		if (msg->nparts > 0)
			memcpy(np, msg->parts, msg->nparts * sizeof(*np));
		msg->parts = np;
		w->cap = ncap;
	}
	p = &msg->parts[msg->nparts++];
	memset(p, 0, sizeof(*p));
	return p;
}

static void
note_original(struct walk *w)
{
	if (w->norig < 4)
		w->orig_idx[w->norig++] = w->msg->nparts - 1;
}

/*
 * A multipart body (RFC 2046 5.1.1) as mailmime_multipart_body_parse()
 * splits it: s[0..len), boundary b, the delimiter searched as "\n--b".
 */
struct mp {
	const char *s;
	size_t len;
	const char *b; /* borrowed: the Content-Type's boundary */
	size_t blen;
	char *delim; /* arena: "\n--" b */
	size_t dlen;
};

/* a part of it: s[off..off+len) */
struct span {
	size_t off, len;
};

static bool
is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

/* mailmime_boundary_parse(): b, and at least one byte after it */
static bool
at_boundary(const struct mp *m, size_t i)
{
	return i + m->blen < m->len && memcmp(m->s + i, m->b, m->blen) == 0;
}

/*
 * mailmime_preamble_parse(): the position after the next "--" that
 * starts a line -- or starts a line's second byte when the first is
 * neither '-' nor a line end, and not when "-" alone precedes a line end:
 * its state machine's reading, kept.
 */
enum pre_state {
	PRE_A0,
	PRE_A,
	PRE_A1,
	PRE_C,
	PRE_D
};

static bool
preamble_next(const char *s, size_t len, size_t i, bool beol, size_t *r)
{
	enum pre_state st = beol ? PRE_A0 : PRE_A;
	const char *nl;

	for (; i < len; i++) {
		char c = s[i];

		switch (st) {
		case PRE_A:
			if ((nl = memchr(s + i, '\n', len - i)) == NULL)
				return false;
			i = (size_t)(nl - s);
			st = PRE_C;
			break;
		case PRE_A0:
			st = c == '-' ? PRE_A1 : c == '\n' ? PRE_C : PRE_A;
			break;
		case PRE_A1:
		case PRE_D:
			if (c == '-') {
				*r = i + 1;
				return true;
			}
			st = st == PRE_A1 && c == '\n' ? PRE_C : PRE_A;
			break;
		case PRE_C:
			st = c == '-' ? PRE_D : c == '\n' ? PRE_C : PRE_A0;
			break;
		}
	}
	return false;
}

/*
 * The first "\n--" b in s[begin..len): memmem()'s answer, found with
 * memchr() for '-' and a compare where one starts a line. glibc's
 * general memmem() reads a 50 MB base64 attachment at a tenth of
 * memchr()'s speed, once per nesting level (issue 16).
 */
static const char *
delim_find(const struct mp *m, size_t begin)
{
	const char *end = m->s + m->len, *p, *nl;

	if (m->len < m->dlen || begin > m->len - m->dlen)
		return NULL;
	for (p = m->s + begin + 1;
	     (p = memchr(p, '-', (size_t)(end - p))) != NULL;) {
		if ((size_t)(end - p) + 1 < m->dlen)
			return NULL;
		if (p[-1] == '\n') {
			if (memcmp(p - 1, m->delim, m->dlen) == 0)
				return p - 1;
			p++;
			continue;
		}
		/* a '-' inside a line starts no delimiter, nor does any other
		 * before the line's end: a text's hyphens cost a stop per
		 * line, not one each (issue 16) */
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			return NULL;
		p = nl + 1;
	}
	return NULL;
}

/*
 * mailmime_body_part_dash2_parse(): the text from begin up to the next
 * delimiter "\n--b" (the line end before it left out); *cur_r past b.
 * Without one the text runs to the end -- or, as libetpan's machine
 * leaves it, only to the last line that starts with '-'. False when
 * that text is empty.
 */
static bool
dash2(const struct mp *m, size_t begin, size_t *cur_r, size_t *end_r)
{
	const char *s = m->s, *hit;
	size_t end = m->len, cur = m->len, i, e;

	hit = delim_find(m, begin);
	if (hit != NULL && (size_t)(hit - s) + m->dlen < m->len) {
		end = (size_t)(hit - s) + 1;
		cur = end + 2 + m->blen;
	} else {
		/* the window [begin, e) shrinks to the last "\n-" */
		for (e = m->len; e > begin; e = i - 1) {
			const char *nl = memrchr(s + begin, '\n', e - begin);

			if (nl == NULL)
				break;
			i = (size_t)(nl - s) + 1;
			if (i < m->len && s[i] == '-') {
				end = i;
				break;
			}
		}
	}
	if (end > begin && s[end - 1] == '\n')
		end--;
	if (end == begin)
		return false;
	*cur_r = cur;
	*end_r = end;
	return true;
}

/* a delimiter line: b, transport padding, a line end; else search on */
static bool
part_to_delimiter(const struct mp *m, size_t *ip, size_t *end_r)
{
	size_t cur = *ip;

	for (;;) {
		if (!dash2(m, cur, &cur, end_r))
			return false;
		while (cur < m->len && is_wsp(m->s[cur]))
			cur++;
		if (cur < m->len && m->s[cur] == '\n')
			break;
	}
	*ip = cur + 1;
	return true;
}

/* the last part: up to a close delimiter "--b--", or the end */
static bool
part_to_close(const struct mp *m, size_t cur, size_t *end_r)
{
	for (;;) {
		if (!dash2(m, cur, &cur, end_r))
			return false;
		if (cur >= m->len)
			return true;
		if (cur + 1 < m->len && m->s[cur] == '-' &&
		    m->s[cur + 1] == '-')
			return true;
	}
}

static void
push_span(struct walk *w, struct span **v, size_t *n, size_t *cap, size_t off,
    size_t len)
{
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 8;
		struct span *nv =
		    arena_alloc(w->msg->arena, ncap * sizeof(*nv));

		if (*n > 0)
			memcpy(nv, *v, *n * sizeof(*nv));
		*v = nv;
		*cap = ncap;
	}
	(*v)[*n].off = off;
	(*v)[(*n)++].len = len;
}

/* past the delimiter: the preamble is skipped, and blank lines after it */
static size_t
first_part(const struct mp *m, size_t cur)
{
	size_t r, j, pb;

	if (preamble_next(m->s, m->len, cur, true, &r)) {
		for (cur = r;;) {
			if (at_boundary(m, cur)) {
				cur += m->blen;
				break;
			}
			if (!preamble_next(m->s, m->len, cur, false, &r))
				break;
			cur = r;
		}
	}
	for (pb = j = cur;;) {
		while (j < m->len && is_wsp(m->s[j]))
			j++;
		if (j >= m->len || m->s[j] != '\n')
			break;
		pb = ++j;
	}
	return pb;
}

/*
 * The parts of a multipart body, or false when libetpan dropped them all
 * (a part that is empty where its close delimiter was looked for).
 */
static bool
multipart_split(struct walk *w, const struct mp *m, size_t off,
    struct span **v_r, size_t *n_r)
{
	size_t cur = first_part(m, off), cap = 0, begin, end, j;

	*v_r = NULL;
	*n_r = 0;
	for (;;) {
		begin = cur;
		if (part_to_delimiter(m, &cur, &end)) {
			push_span(w, v_r, n_r, &cap, begin, end - begin);
			/* mailmime_multipart_next_parse(): one blank line */
			for (j = cur; j < m->len && is_wsp(m->s[j]); j++)
				;
			if (j < m->len && m->s[j] == '\n')
				cur = j + 1;
			continue;
		}
		if (!part_to_close(m, begin, &end))
			return false;
		push_span(w, v_r, n_r, &cap, begin, end - begin);
		return true;
	}
}

static void entity(struct walk *w, const char *s, size_t len, size_t off,
    const struct fields *fs, bool digest, int depth, int in_message);

static void
multipart(struct walk *w, const char *s, size_t len, size_t off,
    const struct mime_ctype *ct, int depth, int in_message)
{
	struct mp m;
	struct span *v;
	struct fields fs;
	size_t n, k, bp;
	const char *b = ct->boundary;

	/* mailmime_extract_boundary() strips a leading quote and the last byte
	 */
	if (b[0] == '"')
		b = arena_strndup(
		    w->msg->arena, b + 1, strlen(b) >= 2 ? strlen(b) - 2 : 0);
	m.s = s;
	m.len = len;
	m.b = b;
	m.blen = strlen(b);
	m.dlen = m.blen + 3;
	m.delim = arena_alloc(w->msg->arena, m.dlen);
	memcpy(m.delim, "\n--", 3);
	memcpy(m.delim + 3, b, m.blen);
	if (!multipart_split(w, &m, off, &v, &n))
		return;
	for (k = 0; k < n; k++) {
		bp = 0;
		header(w, s + v[k].off, v[k].len, &bp, &fs);
		entity(w, s + v[k].off, v[k].len, bp, &fs,
		    strcasecmp(ct->minor, "digest") == 0, depth + 1,
		    in_message);
	}
}

static const char *
type_string(struct arena *a, const struct mime_ctype *ct)
{
	size_t n1 = strlen(ct->major), n2 = strlen(ct->minor);
	char *s = arena_alloc(a, n1 + n2 + 2);

	memcpy(s, ct->major, n1);
	s[n1] = '/';
	memcpy(s + n1 + 1, ct->minor, n2 + 1);
	return str_lower(s);
}

/* message/rfc822 (RFC 2046 5.2.1): a part, then the embedded message */
static void
message(struct walk *w, const char *s, size_t len, size_t off,
    const struct fields *fs, int depth, int in_message)
{
	struct mail_part *p;
	struct fields sub;

	if ((p = add_part(w)) == NULL)
		return;
	p->type = "message/rfc822";
	p->depth = depth;
	p->in_message = in_message;
	p->enc = fs->enc < 0 ? MAIL_ENC_IDENTITY : (enum mail_enc)fs->enc;
	p->body = s + off;
	p->body_len = len - off;
	p->hdr = p->body;
	p->hdr_len = mail_header_block_len(p->body, p->body_len);
	note_original(w);
	header(w, s, len, &off, &sub);
	/* its parts start where the enclosing part's header does: s */
	entity(w, s, len, off, &sub, false, depth + 1, in_message + 1);
}

static void
single(struct walk *w, const char *s, size_t len, size_t off,
    const struct fields *fs, const struct mime_ctype *ct, int depth,
    int in_message)
{
	struct mail_part *p;

	if ((p = add_part(w)) == NULL)
		return;
	p->type = type_string(w->msg->arena, ct);
	p->charset = str_lower(arena_strdup(
	    w->msg->arena, ct->charset != NULL ? ct->charset : "us-ascii"));
	p->enc = fs->enc < 0 ? MAIL_ENC_IDENTITY : (enum mail_enc)fs->enc;
	p->attachment = fs->attachment;
	p->depth = depth;
	p->in_message = in_message;
	p->hdr = s;
	p->hdr_len = off;
	p->body = s + off;
	p->body_len = len - off;
	if (strcmp(p->type, "text/rfc822-headers") == 0)
		note_original(w);
}

/*
 * mailmime_parse_with_default() and walk_mime() in one: the entity whose
 * text is s[0..len), header fields fs, body from off. digest: a missing
 * Content-Type means message/rfc822 (RFC 2046 5.1.5).
 */
static void
entity(struct walk *w, const char *s, size_t len, size_t off,
    const struct fields *fs, bool digest, int depth, int in_message)
{
	static const struct mime_ctype text_plain = {
	    MIME_DISCRETE, "text", "plain", NULL, NULL};
	static const struct mime_ctype message_rfc822 = {
	    MIME_MESSAGE, "message", "rfc822", NULL, NULL};
	const struct mime_ctype *ct;

	if (depth > MAIL_MAX_DEPTH) {
		w->msg->flags |= MAIL_F_TRUNCATED_DEPTH;
		return;
	}
	ct = fs->has_ct ? &fs->ct : digest ? &message_rfc822 : &text_plain;
	if (ct->kind == MIME_MULTIPART && ct->boundary != NULL)
		multipart(w, s, len, off, ct, depth, in_message);
	else if (ct->kind == MIME_MESSAGE &&
		 strcasecmp(ct->minor, "rfc822") == 0 &&
		 fs->enc != MAIL_ENC_QP && fs->enc != MAIL_ENC_BASE64)
		message(w, s, len, off, fs, depth, in_message);
	else
		single(w, s, len, off, fs, ct, depth, in_message);
}

void
mime_walk(struct mail_message *msg, const char *text, size_t len,
    mime_phrase_fn *phrase)
{
	struct walk w;
	struct fields fs;
	size_t off = 0, i;

	memset(&w, 0, sizeof(w));
	w.msg = msg;
	w.phrase = phrase;
	w.cap = msg->nparts;
	header(&w, text, len, &off, &fs);
	entity(&w, text, len, off, &fs, false, 0, 0);
	for (i = 0; i < w.norig; i++)
		if (msg->noriginals < 4)
			msg->originals[msg->noriginals++] =
			    &msg->parts[w.orig_idx[i]];
}
