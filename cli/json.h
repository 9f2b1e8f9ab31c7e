/* Minimal JSON writer for one-object-per-line output (JSON Lines). */
#ifndef BD_JSON_H
#define BD_JSON_H

#include <stdbool.h>
#include <stdio.h>

/* Writes s as a JSON string (RFC 8259 7), or null when s is NULL. */
void json_string(FILE *out, const char *s);
void json_key(FILE *out, bool *first, const char *key);

#endif
