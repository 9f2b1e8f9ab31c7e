/*
 * What an IMAP server says, checked before libetpan parses it (issue 14).
 * Debian's libetpan 1.9.4 crashes on two response shapes that any server,
 * or anyone on the path before STARTTLS, can send, and it spins for good
 * when a connection ends inside a literal; tests/fuzz/imap_inputs/ has
 * the inputs (greeting-*, permanentflags-*, literal-*). This filter sits
 * between the socket and libetpan's reader (imap_guard.h) and passes
 * every byte through unchanged except:
 *
 *   - the greeting's response code: "* OK [anything] text" becomes
 *     "* OK text". libetpan parses the greeting with no parser context,
 *     and a quoted string or literal inside a code dereferences it. The
 *     code is informational (RFC 9051 7.1); bounced asks CAPABILITY
 *     itself (imap_session.c).
 *   - a PERMANENTFLAGS code (RFC 9051 7.1) whose flag list is not a
 *     well-formed list, "[PERMANENTFLAGS (]" say: libetpan frees a NULL
 *     list when no flag parses and no ")" follows. The code is removed
 *     from the response, which then reads as if the server sent none.
 *   - a code that does not end within IMAP_FILTER_HEAD bytes of a longer
 *     line: it cannot be checked, and is removed as a malformed one is.
 *
 * Only the start of a response line is looked at (a response code comes
 * right after the status word, RFC 9051 7.1), and never the inside of a
 * literal ({n} at the end of a line announces n bytes of data, RFC 9051
 * 4.3), so a message body that contains such text reaches libetpan as
 * it is. Where libetpan's grammar would not read a "{n}" at a line's end
 * as a literal, the line does not parse either, and the session ends
 * there without parsing more (imap_session.c, close_conn()). Pure: no
 * I/O, fed in chunks of any size with the same result.
 */
#ifndef BD_IMAP_FILTER_H
#define BD_IMAP_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* the start of a response line looked at; a code must end within it */
#define IMAP_FILTER_HEAD 1024
/*
 * What libetpan would otherwise hold in memory without a bound, as long as
 * the server keeps sending (issue 14): a line without its end (a UID
 * SEARCH of a million messages is about 9 MB), and a literal, which it
 * reads whole into memory, up to the 4 GiB its length may announce. A
 * body over SOURCE_MAX_MESSAGE is
 * never asked for (its RFC822.SIZE comes first), so twice that is no
 * reply of a working server.
 */
#define IMAP_FILTER_MAX_LINE (16u << 20)
#define IMAP_FILTER_MAX_LITERAL (128u << 20)

struct imap_filter {
	enum {
		IMAP_FILTER_HEAD_STATE, /* collecting a line's start */
		IMAP_FILTER_BODY,	/* the rest of a line, passed */
		IMAP_FILTER_LITERAL,	/* lit_left bytes of data, passed */
	} state;
	bool greeted; /* the first line (the greeting) is done */
	/* the line is a status response or "+": no literal in it */
	bool status_line;
	char head[IMAP_FILTER_HEAD];
	size_t head_len;
	/* the end of the line so far: 0 nothing, 1 in "{digits", 2 after
	 * "}", 3 after "}\r" */
	int lit;
	uint64_t lit_n, lit_left;
	uint64_t line_len; /* bytes of the line (or its part after a
			    * literal) so far */
	unsigned stripped; /* response codes removed so far */
	const char *error; /* static: why the stream is refused, or NULL */
};

void imap_filter_init(struct imap_filter *f);

/*
 * Feeds n bytes the server sent and writes what libetpan may read to
 * out, which has room for n + IMAP_FILTER_HEAD bytes. Returns the bytes
 * written; fewer than n (even 0) while a line's start is being collected.
 * Past a limit above, f->error says which, and nothing more passes: the
 * connection is to be dropped.
 */
size_t imap_filter_feed(struct imap_filter *f, const char *in, size_t n,
    char *out);

#endif
