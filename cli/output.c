/*
 * Query results as a table, JSON Lines or CSV. JSON and CSV stream row by
 * row and lose nothing; the table reads every row first to size its
 * columns, and is the only lossy one: it cuts long free text and blanks
 * control characters so that one row stays one line.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "classify/reason.h"
#include "common/strutil.h"
#include "common/xmalloc.h"
#include "json.h"
#include "output.h"

/* --labels (issue 17 item 6): how a "reason" column is spelt */
static enum reason_labels labels = REASON_LABELS_SISIMAI4;

void
output_set_labels(enum reason_labels l)
{
	labels = l;
}

/*
 * A cell's text as it is shown: a reason in the vocabulary --labels
 * chose (stored names are ours; an override's free text stays as it is).
 */
static const char *
cell(struct store_rows *rows, unsigned col)
{
	const char *s = store_rows_text(rows, col);

	if (s != NULL && labels != REASON_LABELS_SISIMAI4 &&
	    strcmp(store_rows_name(rows, col), "reason") == 0)
		return reason_relabel(s, labels);
	return s;
}

/*
 * The columns that are true or false, stored as 0 or 1: JSON booleans,
 * as bouncectl parse --json writes them (issue 17 item 5: one JSON type
 * per field across the commands).
 */
static bool
is_boolean(const char *name)
{
	return strcmp(name, "hard") == 0;
}

/* Free-text columns are cut to this many characters in tables. */
#define TABLE_TEXT_MAX 60
#define ELLIPSIS       "\xe2\x80\xa6" /* U+2026 */
#define REPLACEMENT    "\xef\xbf\xbd" /* U+FFFD */
#define TABLE_NULL     "-"            /* SQL NULL in tables */
#define TABLE_GAP      "  "           /* between columns */

static const char *const free_text_cols[] = {
    "diagnostic", "note", "error", "last_error", NULL};

/* Characters in s, which is well-formed UTF-8. */
static size_t
text_width(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/*
 * A malloc'd copy of s, well-formed UTF-8: each byte that starts no
 * well-formed sequence (str_utf8_seq()) becomes U+FFFD.
 * For a table (oneline) control characters become spaces, and a text
 * longer than max characters (0: no limit) is cut to max - 1 and U+2026.
 */
static char *
text_copy(const char *s, bool oneline, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), o = 0, chars = 0, n;
	const unsigned char *end = p + len;
	char *out = xmalloc(len * 3 + sizeof(ELLIPSIS));

	for (; *p != '\0'; p += n ? n : 1, chars++) {
		if (max > 0 && chars == max - 1 &&
		    text_width((const char *)p) > 1) {
			memcpy(out + o, ELLIPSIS, sizeof(ELLIPSIS) - 1);
			o += sizeof(ELLIPSIS) - 1;
			break;
		}
		n = str_utf8_seq((const char *)p, (size_t)(end - p));
		if (n == 0) {
			memcpy(out + o, REPLACEMENT, sizeof(REPLACEMENT) - 1);
			o += sizeof(REPLACEMENT) - 1;
		} else if (oneline && (*p < 0x20 || *p == 0x7f))
			out[o++] = ' ';
		else {
			memcpy(out + o, p, n);
			o += n;
		}
	}
	out[o] = '\0';
	return out;
}

/* RFC 8259 6: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool
json_number_ok(const char *s)
{
	const char *p = s + (*s == '-');

	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		p += strspn(p, "0123456789");
	else
		return false;
	if (*p == '.') {
		if (strspn(p + 1, "0123456789") == 0)
			return false;
		p += 1 + strspn(p + 1, "0123456789");
	}
	if (*p == 'e' || *p == 'E') {
		p += 1 + (p[1] == '+' || p[1] == '-');
		if (strspn(p, "0123456789") == 0)
			return false;
		p += strspn(p, "0123456789");
	}
	return *p == '\0';
}

static void
json_value(FILE *out, struct store_rows *rows, unsigned col)
{
	const char *s = cell(rows, col);
	enum store_col_type t = store_rows_type(rows, col);

	if (s != NULL && t == STORE_INT && is_boolean(store_rows_name(rows,
	    col)) && (strcmp(s, "0") == 0 || strcmp(s, "1") == 0))
		fputs(s[0] == '1' ? "true" : "false", out);
	else if (s != NULL && (t == STORE_INT || t == STORE_REAL) &&
	    json_number_ok(s))
		fputs(s, out);
	else
		json_string(out, s); /* well-formed UTF-8, or null */
}

static long
json_rows(FILE *out, struct store_rows *rows)
{
	unsigned ncols = store_rows_ncols(rows), c;
	long n = 0;
	int rc;

	while ((rc = store_rows_next(rows)) == 1) {
		bool first = true;

		fputc('{', out);
		for (c = 0; c < ncols; c++) {
			json_key(out, &first, store_rows_name(rows, c));
			json_value(out, rows, c);
		}
		fputs("}\n", out);
		n++;
	}
	return rc < 0 ? -1 : n;
}

/* RFC 4180 2.6, 2.7: quoted when it holds a comma, a quote or a break */
static void
csv_field(FILE *out, const char *s)
{
	if (s == NULL)
		return;
	if (strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (; *s != '\0'; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

/* One record, CRLF-terminated (RFC 4180 2.1); the header when !values. */
static void
csv_record(FILE *out, struct store_rows *rows, bool values)
{
	unsigned ncols = store_rows_ncols(rows), c;

	for (c = 0; c < ncols; c++) {
		if (c > 0)
			fputc(',', out);
		csv_field(out, values ? cell(rows, c)
				      : store_rows_name(rows, c));
	}
	fputs("\r\n", out);
}

static long
csv_rows(FILE *out, struct store_rows *rows, unsigned flags)
{
	long n = 0;
	int rc;

	while ((rc = store_rows_next(rows)) == 1) {
		if (n++ == 0)
			csv_record(out, rows, false);
		csv_record(out, rows, true);
	}
	if (rc < 0)
		return -1;
	if (n == 0 && (flags & OUT_EMPTY_HEADER))
		csv_record(out, rows, false);
	return n;
}

struct table {
	unsigned ncols;    /* shown */
	unsigned *col;     /* owned: the rows' column of each shown one */
	size_t nrows, cap; /* rows held, and room for */
	char **cell;       /* owned: nrows * ncols texts, NULL for SQL NULL */
	size_t *width;     /* owned: per column, in characters */
	bool *right;       /* owned: per column: numbers, aligned right */
	bool *text; /* owned: per column: a value that is no number seen */
};

static bool
is_free_text(const char *name)
{
	size_t i;

	for (i = 0; free_text_cols[i] != NULL; i++)
		if (strcmp(name, free_text_cols[i]) == 0)
			return true;
	return false;
}

/* Shows the columns of rows named in cols (NULL: all), in cols' order */
static void
table_init(struct table *t, struct store_rows *rows, const char *const *cols)
{
	unsigned n = store_rows_ncols(rows), c, k;

	t->ncols = 0;
	t->nrows = t->cap = 0;
	t->cell = NULL;
	t->col = xcalloc(n, sizeof(*t->col));
	for (k = 0; cols != NULL && cols[k] != NULL; k++)
		for (c = 0; c < n; c++)
			if (strcmp(store_rows_name(rows, c), cols[k]) == 0 &&
			    t->ncols < n)
				t->col[t->ncols++] = c;
	for (c = 0; cols == NULL && c < n; c++)
		t->col[t->ncols++] = c;
	t->width = xcalloc(t->ncols, sizeof(*t->width));
	t->right = xcalloc(t->ncols, sizeof(*t->right));
	t->text = xcalloc(t->ncols, sizeof(*t->text));
	for (c = 0; c < t->ncols; c++)
		t->width[c] = text_width(store_rows_name(rows, t->col[c]));
}

static void
table_deinit(struct table *t)
{
	size_t i;

	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cell[i]);
	free(t->cell);
	free(t->col);
	free(t->width);
	free(t->right);
	free(t->text);
}

/* Adds the current row of rows to t. */
static void
table_add(struct table *t, struct store_rows *rows)
{
	char **row;
	unsigned c;

	if (t->nrows == t->cap) {
		t->cap = t->cap == 0 ? 64 : t->cap * 2;
		t->cell =
		    xreallocarray(t->cell, t->cap, t->ncols * sizeof(*t->cell));
	}
	row = t->cell + t->nrows++ * t->ncols;
	for (c = 0; c < t->ncols; c++) {
		unsigned col = t->col[c];
		const char *s = cell(rows, col);
		enum store_col_type type = store_rows_type(rows, col);
		size_t max = is_free_text(store_rows_name(rows, col))
				 ? TABLE_TEXT_MAX
				 : 0;
		size_t w;

		row[c] = s == NULL ? NULL : text_copy(s, true, max);
		/* right-aligned: some numbers and nothing else but NULL */
		if (s != NULL && type != STORE_INT && type != STORE_REAL)
			t->text[c] = true;
		t->right[c] = !t->text[c] && (t->right[c] || s != NULL);
		w = text_width(row[c] != NULL ? row[c] : TABLE_NULL);
		if (w > t->width[c])
			t->width[c] = w;
	}
}

static void
pad(FILE *out, size_t n)
{
	while (n-- > 0)
		fputc(' ', out);
}

/* One line of cells; the last column is not padded unless aligned right */
static void
table_line(FILE *out, const struct table *t, const char *const *cells)
{
	unsigned c;

	for (c = 0; c < t->ncols; c++) {
		const char *s = cells[c] != NULL ? cells[c] : TABLE_NULL;
		size_t fill = t->width[c] - text_width(s);

		if (c > 0)
			fputs(TABLE_GAP, out);
		if (t->right[c])
			pad(out, fill);
		fputs(s, out);
		if (!t->right[c] && c + 1 < t->ncols)
			pad(out, fill);
	}
	fputc('\n', out);
}

static long
table_rows(
    FILE *out, struct store_rows *rows, unsigned flags, const char *const *cols)
{
	struct table t;
	const char **names;
	unsigned c;
	size_t i;
	int rc;

	table_init(&t, rows, cols);
	while ((rc = store_rows_next(rows)) == 1)
		table_add(&t, rows);
	if (rc == 0 && (t.nrows > 0 || (flags & OUT_EMPTY_HEADER))) {
		names = xcalloc(t.ncols, sizeof(*names));
		for (c = 0; c < t.ncols; c++)
			names[c] = store_rows_name(rows, t.col[c]);
		table_line(out, &t, names);
		free(names);
		for (i = 0; i < t.nrows; i++)
			table_line(
			    out, &t, (const char *const *)t.cell + i * t.ncols);
	}
	table_deinit(&t);
	return rc < 0 ? -1 : (long)t.nrows;
}

/* "name: value" lines, values aligned; a blank line between records. */
static long
record_rows(FILE *out, struct store_rows *rows)
{
	unsigned ncols = store_rows_ncols(rows), c;
	size_t w = 0;
	long n = 0;
	int rc;

	for (c = 0; c < ncols; c++)
		if (text_width(store_rows_name(rows, c)) > w)
			w = text_width(store_rows_name(rows, c));
	while ((rc = store_rows_next(rows)) == 1) {
		if (n++ > 0)
			fputc('\n', out);
		for (c = 0; c < ncols; c++) {
			const char *name = store_rows_name(rows, c);
			const char *s = cell(rows, c);
			char *v = s != NULL ? text_copy(s, true, 0) : NULL;

			fprintf(out, "%s:", name);
			pad(out, w - text_width(name) + 1);
			fprintf(out, "%s\n", v != NULL ? v : TABLE_NULL);
			free(v);
		}
	}
	return rc < 0 ? -1 : n;
}

long
output_rows(FILE *out, struct store_rows *rows, enum out_format fmt,
    unsigned flags, const char *const *cols)
{
	switch (fmt) {
	case OUT_JSON:
		return json_rows(out, rows);
	case OUT_CSV:
		return csv_rows(out, rows, flags);
	case OUT_TABLE:
		break;
	}
	if (flags & OUT_RECORD)
		return record_rows(out, rows);
	return table_rows(out, rows, flags, cols);
}
