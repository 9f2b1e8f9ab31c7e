/*
 * From CSV records to decisions (import.h).
 */
#include "import.h"

#include <errno.h>
#include <string.h>

#include "common/mailbox.h"
#include "common/strutil.h"

static const char *const col_names[COL_COUNT] = {
    [COL_ADDRESS] = "address",
    [COL_REASON] = "reason",
    [COL_SOURCE] = "source",
    [COL_NOTE] = "note",
    [COL_CODE] = "code",
    [COL_ERROR] = "error",
    [COL_TAGS] = "tags",
};

void
import_init(struct import *im, FILE *in, const char *name, FILE *err,
    enum rcpt_override o)
{
	memset(im, 0, sizeof(*im));
	csv_init(&im->csv, in);
	im->name = name;
	im->err = err;
	im->o = o;
	for (int i = 0; i < COL_COUNT; i++)
		im->col[i] = -1;
}

static void
invalid(struct import *im, const char *why, const char *what)
{
	im->invalid++;
	if (im->invalid <= IMPORT_MAX_REPORTED)
		fprintf(im->err, "bouncectl: %s:%lu: %s%s%s: not imported\n",
		    im->name, im->csv.line, why, what != NULL ? ": " : "",
		    what != NULL ? what : "");
	else if (im->invalid == IMPORT_MAX_REPORTED + 1)
		fprintf(im->err,
		    "bouncectl: %s: more invalid lines: only counted\n",
		    im->name);
}

/* s without the white space around it, in place */
static char *
trim(char *s)
{
	size_t len;

	while (bd_isspace((unsigned char)*s))
		s++;
	len = strlen(s);
	while (len > 0 && bd_isspace((unsigned char)s[len - 1]))
		s[--len] = '\0';
	return s;
}

/* Reads the header record's column names (import.h); true when it is
 * one, that is when it names the address column. */
static bool
read_header(struct import *im)
{
	struct csv *c = &im->csv;

	for (size_t i = 0; i < c->nfields; i++) {
		const char *name = str_lower(trim(c->field[i]));

		if (strcmp(name, "email") == 0 ||
		    strcmp(name, "email address") == 0)
			name = "address";
		for (int k = 0; k < COL_COUNT; k++)
			if (strcmp(name, col_names[k]) == 0 && im->col[k] < 0)
				im->col[k] = (int)i;
	}
	return im->col[COL_ADDRESS] >= 0;
}

static char *
field(struct import *im, enum import_col k)
{
	int i = im->col[k];

	if (i < 0 || (size_t)i >= im->csv.nfields)
		return NULL;
	return im->csv.field[i];
}

/*
 * A cell as stored free text into dst (STORE_NOTE_MAX + 1): control
 * characters blanked, white space squeezed, ill-formed UTF-8 replaced
 * (str_utf8_clean()); NULL when empty.
 */
static const char *
text_cell(const char *s, char *dst)
{
	size_t len;

	if (s == NULL)
		return NULL;
	len = strlen(s);
	if (len > STORE_NOTE_MAX)
		len = STORE_NOTE_MAX;
	memcpy(dst, s, len);
	dst[len] = '\0';
	for (char *p = dst; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	str_utf8_clean(dst);
	str_squeeze(dst);
	return *dst != '\0' ? dst : NULL;
}

/* Mailgun's code and error ("550" "No such user"), or its tags */
static const char *
mailgun_note(struct import *im, char *dst)
{
	const char *code = field(im, COL_CODE), *err = field(im, COL_ERROR);
	char *tags = field(im, COL_TAGS);
	char joined[STORE_NOTE_MAX + 1];

	if (code != NULL || err != NULL) {
		snprintf(joined, sizeof(joined), "%s%s%s",
		    code != NULL ? code : "",
		    code != NULL && err != NULL ? " " : "",
		    err != NULL ? err : "");
		return text_cell(joined, dst);
	}
	if (tags != NULL && strcmp(trim(tags), "*") != 0) {
		snprintf(joined, sizeof(joined), "tags: %s", tags);
		return text_cell(joined, dst);
	}
	return NULL;
}

/* Whether a bad address may be quoted in a message: short, printable
 * ASCII (no escape sequence reaches the terminal) */
static bool
shown(const char *a, size_t len)
{
	if (len > 80)
		return false;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)a[i] < 0x20 || (unsigned char)a[i] > 0x7e)
			return false;
	return true;
}

/* The record as a decision: 1, or 0 after reporting why it is none */
static int
row(struct import *im, struct store_override_in *in)
{
	char *a;
	const char *cell;
	size_t len;

	a = field(im, COL_ADDRESS);
	if (a == NULL || *(a = trim(a)) == '\0') {
		invalid(im, "no address", NULL);
		return 0;
	}
	len = strlen(a);
	if (len > STORE_ADDR_MAX || !mailbox_valid(a, len) ||
	    strchr(a, '@') == NULL) {
		invalid(im, "not an address", shown(a, len) ? a : NULL);
		return 0;
	}
	memcpy(im->addr, a, len + 1);
	str_lower(im->addr);
	memset(in, 0, sizeof(*in));
	in->address = im->addr;
	in->o = im->o;
	cell = text_cell(field(im, COL_REASON), im->cell[0]);
	in->reason = cell != NULL ? cell : im->reason;
	cell = text_cell(field(im, COL_SOURCE), im->cell[1]);
	in->source = cell != NULL ? cell : im->source;
	cell = text_cell(field(im, COL_NOTE), im->cell[2]);
	if (cell == NULL && im->col[COL_NOTE] < 0)
		cell = mailgun_note(im, im->cell[2]);
	in->note = cell != NULL ? cell : im->note;
	return 1;
}

/* Empty records, and '#' comments of a plain list, are no rows */
static bool
skipped(struct import *im)
{
	struct csv *c = &im->csv;
	const char *f0 = c->nfields > 0 ? trim(c->field[0]) : "";

	if (c->error != NULL)
		return false;
	if (c->nfields == 1 && *f0 == '\0')
		return true;
	return !im->has_header && *f0 == '#';
}

/* The shape of the file from its first record (import.h): true when
 * that record was the header and is consumed. */
static bool
shape(struct import *im)
{
	im->shape_known = true;
	if (im->csv.error == NULL && read_header(im)) {
		im->has_header = true;
		return true;
	}
	for (int i = 0; i < COL_COUNT; i++)
		im->col[i] = -1;
	im->col[COL_ADDRESS] = 0;
	return false;
}

int
import_next(void *ctx, struct store_override_in *in)
{
	struct import *im = ctx;
	int rc;

	while ((rc = csv_next(&im->csv)) == 1) {
		if (skipped(im))
			continue;
		if (!im->shape_known && shape(im))
			continue;
		im->rows++;
		if (im->csv.error != NULL) {
			invalid(im, im->csv.error, NULL);
			continue;
		}
		if (!im->has_header && im->csv.nfields != 1) {
			invalid(im,
			    "more than one field in a plain list "
			    "(a CSV file needs a header naming \"address\")",
			    NULL);
			continue;
		}
		if (row(im, in) == 1)
			return 1;
	}
	if (rc == -1)
		fprintf(
		    im->err, "bouncectl: %s: %s\n", im->name, strerror(errno));
	return rc;
}
