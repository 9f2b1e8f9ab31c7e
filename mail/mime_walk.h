/*
 * The MIME structure of a message (RFC 2045, 2046) found in place: header
 * blocks and fields by line, multipart delimiters by memmem(), nothing
 * copied but the few field values that are read. The leaf parts it lists
 * are those libetpan's mailmime_parse() + message.c's walk gave (the
 * classifier's answers were measured on them), malformed MIME included.
 * Pure: no I/O, no libetpan; allocation from the message's arena only.
 */
#ifndef BD_MIME_WALK_H
#define BD_MIME_WALK_H

#include <stddef.h>

#include "common/arena.h"
#include "message.h"

/*
 * Decodes the RFC 2047 encoded words of a Content-Type value v[0..len)
 * the way the parse used to (message.c passes libetpan's decoder): a
 * NUL-terminated text in the arena, or NULL to read v as it is.
 */
typedef const char *mime_phrase_fn(struct arena *a, const char *v, size_t len);

/*
 * Appends the leaf parts of the message text[0..len) -- LF line ends, no
 * NUL, the header block first -- to msg->parts (from msg->arena), in
 * document order, and notes its embedded originals. At most MAIL_MAX_PARTS
 * parts and MAIL_MAX_DEPTH levels; a cap hit sets its MAIL_F_* flag in
 * msg->flags. Work is linear in len per level of nesting; the caller
 * bounds the levels (mail_structure_cut()). phrase may be NULL.
 */
void mime_walk(struct mail_message *msg, const char *text, size_t len,
    mime_phrase_fn *phrase);

#endif
