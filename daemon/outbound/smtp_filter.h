/*
 * What an SMTP server says, checked before libetpan reads it (issue 14).
 * libetpan 1.9.4 appends every line of a multi-line reply to one buffer
 * (mailsmtp.c read_response()) and reads a line of any length whole
 * (mailstream_read_line()): a server that keeps sending "250-" lines, or
 * one line without an end, takes the daemon's memory. RFC 5321 4.5.3.1.5
 * allows 512 octets a reply line; the bounds below are far above what any
 * server sends (an EHLO reply is a few hundred bytes) and far below
 * what could hurt.
 *
 * Pure: fed the bytes in chunks of any size with the same result.
 */
#ifndef BD_SMTP_FILTER_H
#define BD_SMTP_FILTER_H

#include <stdbool.h>
#include <stddef.h>

#define SMTP_FILTER_LINE (64 * 1024)
#define SMTP_FILTER_REPLY (1024 * 1024)

struct smtp_filter {
	size_t line_len;  /* bytes of the current line so far */
	size_t reply_len; /* bytes of the current reply so far */
	char code[4];	  /* the current line's first four bytes */
	bool cr;	  /* the last byte passed was a CR */
	const char *error;
};

void smtp_filter_init(struct smtp_filter *f);

/*
 * Feeds n bytes the server sent and writes what libetpan may read to
 * out, which has room for 2 * n bytes: the same bytes, but a line that
 * ends in a bare LF ends in CRLF (RFC 5321 2.3.8 allows only CRLF, and
 * libetpan reads before its buffer on a bare-LF empty line). Returns the
 * bytes written. Past a bound above, f->error says which, and nothing
 * more passes: the connection is to be dropped.
 */
size_t smtp_filter_feed(struct smtp_filter *f, const char *in, size_t n,
    char *out);

#endif
