/*
 * RFC 4180 records, one byte at a time (csv.h). The grammar's states:
 * at the start of a field, inside an unquoted one, inside quotes, and
 * just after a closing quote.
 */
#include "csv.h"

#include <stdbool.h>
#include <string.h>

enum csv_state {
	AT_START,
	UNQUOTED,
	QUOTED,
	AFTER_QUOTE
};

void
csv_init(struct csv *c, FILE *in)
{
	memset(c, 0, sizeof(*c));
	c->in = in;
	c->next = 1;
}

static void
fail(struct csv *c, const char *why)
{
	if (c->error == NULL)
		c->error = why;
}

static void
put(struct csv *c, int ch)
{
	if (c->len >= CSV_MAX_RECORD) {
		fail(c, "record longer than 64 KiB");
		return;
	}
	if (ch == '\0') {
		fail(c, "NUL byte");
		return;
	}
	c->buf[c->len++] = (char)ch;
}

/* Ends the field being read; its text starts at *start. */
static void
end_field(struct csv *c, size_t *start)
{
	if (c->nfields >= CSV_MAX_FIELDS) {
		fail(c, "more than 32 fields");
		return;
	}
	c->buf[c->len] = '\0';
	c->field[c->nfields++] = c->buf + *start;
	c->len++;
	*start = c->len;
}

/* A line end at ch ('\r' or '\n'): "\r\n" is one; true when it is one */
static bool
line_end(struct csv *c, int ch)
{
	int nx;

	if (ch == '\r') {
		nx = getc(c->in);
		if (nx != '\n' && nx != EOF)
			ungetc(nx, c->in);
		ch = '\n';
	}
	if (ch != '\n')
		return false;
	c->next++;
	return true;
}

/* The byte order mark Excel writes before UTF-8 CSV (EF BB BF) */
static void
skip_bom(struct csv *c)
{
	int a = getc(c->in), b, d;

	if (a != 0xef) {
		if (a != EOF)
			ungetc(a, c->in);
		return;
	}
	b = getc(c->in);
	d = b == 0xbb ? getc(c->in) : EOF;
	if (b == 0xbb && d == 0xbf)
		return;
	/* not a mark: keep what can be kept, the record is bad anyway */
	fail(c, "invalid UTF-8 at the start");
	if (d != EOF)
		ungetc(d, c->in);
}

/* One byte in state *s; true when it ended the record. */
static bool
step(struct csv *c, enum csv_state *s, int ch, size_t *start)
{
	switch (*s) {
	case AT_START:
		if (ch == '"') {
			*s = QUOTED;
			return false;
		}
		*s = UNQUOTED;
		/* FALLTHROUGH */
	case UNQUOTED:
		if (ch == ',') {
			end_field(c, start);
			*s = AT_START;
		} else if (line_end(c, ch)) {
			end_field(c, start);
			return true;
		} else {
			if (ch == '"')
				fail(c, "a quote inside an unquoted field");
			put(c, ch);
		}
		return false;
	case QUOTED:
		if (ch == '"')
			*s = AFTER_QUOTE;
		else {
			if (ch == '\n')
				c->next++;
			put(c, ch);
		}
		return false;
	case AFTER_QUOTE:
		if (ch == '"') { /* "" inside quotes: one quote */
			put(c, '"');
			*s = QUOTED;
		} else if (ch == ',') {
			end_field(c, start);
			*s = AT_START;
		} else if (line_end(c, ch)) {
			end_field(c, start);
			return true;
		} else {
			fail(c, "text after a closing quote");
			put(c, ch);
			*s = UNQUOTED;
		}
		return false;
	}
	return false;
}

int
csv_next(struct csv *c)
{
	enum csv_state s = AT_START;
	size_t start = 0;
	int ch;
	bool any = false;

	c->error = NULL;
	c->nfields = 0;
	c->len = 0;
	if (!c->started) {
		c->started = 1;
		skip_bom(c);
	}
	c->line = c->next;
	while ((ch = getc(c->in)) != EOF) {
		any = true;
		if (step(c, &s, ch, &start))
			return 1;
	}
	if (ferror(c->in))
		return -1;
	if (!any)
		return 0;
	/* the last record needs no line end (RFC 4180 2.2) */
	if (s == QUOTED)
		fail(c, "a quote not closed before the end of the file");
	end_field(c, &start);
	return 1;
}
