#ifndef BD_READFILE_H
#define BD_READFILE_H

#include <stddef.h>

/*
 * Reads a whole file ("-" is stdin) into a new malloc'd buffer *buf_r
 * (the caller frees it). Returns 0, or -1 with *error_r (strerror text).
 */
int readfile(const char *path, unsigned char **buf_r, size_t *len_r,
    const char **error_r);

/*
 * Reads a secret (a password file) into buf: the whole file less one
 * trailing line end (LF or CRLF), which must leave one non-empty line of
 * text shorter than len. Returns 0, or -1 and a static reason in *why
 * (strerror text, "empty", "not one line of text", "too long"). The
 * caller wipes buf after use (explicit_bzero).
 */
int read_secret(const char *path, char *buf, size_t len, const char **why);

#endif
