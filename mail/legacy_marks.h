/*
 * The marker lists of the free-text families (every family's body[],
 * start[] and end[], and legacy.c's own lists) compiled once into
 * automata (common/acmatch.h), so that a text is read once for all of
 * them instead of once per phrase (issue 16 item 1). The tables stay data
 * in legacy_<family>.c; only the engine that searches them is here.
 *
 * Every answer is exactly what the loop of ci_find() calls it replaces
 * would give: the earliest start of any phrase of a list in s[0..len).
 */
#ifndef BD_LEGACY_MARKS_H
#define BD_LEGACY_MARKS_H

#include <stddef.h>

#include "common/acmatch.h"
#include "common/arena.h"

/*
 * What one pass over a text found: the first offset of every phrase of
 * every list. Filled on the first question about that text; the offsets
 * live in the arena. Questions about a prefix of the text are answered
 * from it too (the first occurrence of a phrase in the whole text is in
 * the prefix, or none is). A report keeps one for its human-readable
 * text, which several of its steps question (report.h).
 */
struct marks_scan {
	const char *s;
	size_t len;
	size_t *first; /* NULL until scanned; in *arena */
	struct arena *arena;
};

void marks_scan_init(
    struct marks_scan *m, struct arena *a, const char *s, size_t len);

/*
 * A text s[0..len) that a family is asked about, and the scan its
 * questions are answered from: shared, when shared covers it (the same
 * start and at least as long), else its own.
 */
struct legacy_text {
	const char *s;
	size_t len;
	struct marks_scan *scan; /* shared or &own: never copy the struct */
	struct marks_scan own;
};

void legacy_text_init(struct legacy_text *t, struct marks_scan *shared,
    struct arena *a, const char *s, size_t len);

/*
 * The offset in s[0..len) where the first phrase of list (NULL-terminated,
 * case-insensitive) starts, or ACM_NONE. With t and s == t->s and len <=
 * t->len, from t's one pass; else one pass over s[0..len) with the list's
 * own automaton. A list that is no family's nor legacy.c's own is searched
 * phrase by phrase, as before.
 */
size_t legacy_marks_first(
    struct legacy_text *t, const char *const *list, const char *s, size_t len);

/*
 * Each phrase's own first offset in s[0..len), or ACM_NONE, into
 * first[] (one per phrase of list), by the same rules; list must be one
 * of the lists compiled here.
 */
void legacy_marks_each(struct legacy_text *t, const char *const *list,
    const char *s, size_t len, size_t *first);

/*
 * The automaton of list alone, for questions about a line or another
 * short piece: NULL for a list that is no family's (body, start, end,
 * intro) nor in the lists below.
 */
const struct acm *legacy_marks_acm(const char *const *list);

/* legacy.c's and legacy_scan.c's own lists, NULL-terminated: compiled
 * with the families'. */
extern const char *const *const legacy_own_lists[];
extern const char *const *const legacy_scan_lists[];
/* legacy_exim.c: the line before Exim's pipe and file output */
extern const char *const legacy_exim_mark[];
/* command.c's phrases, NULL-terminated lists: asked about the same
 * text as the families' */
extern const char *const *const command_lists[];

#endif
