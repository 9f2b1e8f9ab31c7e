/*
 * Renderers for query results (struct store_rows, storage/store.h): an
 * aligned table for people, JSON Lines and RFC 4180 CSV for programs.
 */
#ifndef BD_OUTPUT_H
#define BD_OUTPUT_H

#include <stdio.h>

#include "classify/reason.h"
#include "storage/store.h"

enum out_format {
	OUT_TABLE, /* aligned columns; free text cut, control characters blanked
		    */
	OUT_JSON,  /* one object per row, keys = column names (JSON Lines) */
	OUT_CSV,   /* RFC 4180: header record, CRLF, quoted where needed */
};

enum out_flags {
	/* table mode: one "name: value" line per column instead of columns */
	OUT_RECORD = 1 << 0,
	/* table and CSV: print the header even when there is no row */
	OUT_EMPTY_HEADER = 1 << 1,
};

/*
 * Reads every row left in rows and writes them to out as fmt says (flags:
 * enum out_flags). Returns the number of rows, or -1 when
 * store_rows_next() failed (store_error() says why; what was written stays
 * written). Without OUT_EMPTY_HEADER an empty result writes nothing at all.
 * JSON values are numbers when store_rows_type() is STORE_INT or
 * STORE_REAL, null for NULL, else strings (ill-formed UTF-8 replaced by
 * U+FFFD); CSV writes NULL as an empty field. cols (NULL: all) names the
 * columns a table shows, in that order; JSON and CSV have every column.
 */
long output_rows(FILE *out, struct store_rows *rows, enum out_format fmt,
    unsigned flags, const char *const *cols);
/*
 * How output_rows() spells a column named "reason" from now on (--labels,
 * issue 17 item 6); sisimai 4's, ours, until set.
 */
void output_set_labels(enum reason_labels l);

#endif
