/*
 * Reading RFC 4180 CSV a record at a time, for bouncectl suppress --from
 * (a plain list of addresses is CSV of one column). Records end in CRLF
 * or LF; a field in double quotes may hold commas, line ends and ""
 * for a quote (RFC 4180 2.5-2.7). Memory is bounded: a record longer
 * than CSV_MAX_RECORD is read to its end and reported, not kept.
 */
#ifndef BD_CSV_H
#define BD_CSV_H

#include <stddef.h>
#include <stdio.h>

/* A record's bytes: a Mailgun row is an address, a code, an error text
 * and a date, well under this. */
#define CSV_MAX_RECORD 65536
/* Fields kept per record; more make the record malformed. */
#define CSV_MAX_FIELDS 32

struct csv {
	FILE *in;           /* borrowed */
	unsigned long line; /* where the current record starts (1-based) */
	unsigned long next; /* the line the reader is on */
	const char *error;  /* static: why the current record is
			     * malformed, or NULL */
	char *field[CSV_MAX_FIELDS]; /* into buf, NUL-terminated; the
				      * caller may edit them in place */
	size_t nfields;
	size_t len;  /* bytes used in buf */
	int started; /* the byte order mark is past */
	char buf[CSV_MAX_RECORD + CSV_MAX_FIELDS + 1];
};

void csv_init(struct csv *c, FILE *in);
/*
 * Reads the next record into c->field[0..nfields). Returns 1 for a
 * record (c->error set when it is malformed: the caller reports it with
 * c->line and goes on, the reader is past it), 0 at the end of the
 * input, -1 when reading failed (errno). A UTF-8 byte order mark before
 * the first record is skipped. An empty line is a record of one empty
 * field.
 */
int csv_next(struct csv *c);

#endif
