/* Minimal JSON writer (RFC 8259): bouncectl's JSON Lines, the events' payloads
 * (daemon/outbound/event_payload.c). Moved here from cli/ (issue 15). */
#ifndef BD_COMMON_JSON_H
#define BD_COMMON_JSON_H

#include <stdbool.h>
#include <stdio.h>

/*
 * Writes s as a JSON string (RFC 8259 7), or null when s is NULL. The
 * output is well-formed UTF-8 (RFC 8259 8.1) whatever s holds: each byte
 * that starts no well-formed sequence (str_utf8_seq(): overlongs,
 * surrogates, past U+10FFFF, truncated) becomes U+FFFD. '"', '\', the
 * control characters and DEL are escaped, and so are U+2028 and U+2029,
 * which end a line in JavaScript.
 */
void json_string(FILE *out, const char *s);
void json_key(FILE *out, bool *first, const char *key);

#endif
