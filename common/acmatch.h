/*
 * A multi-pattern matcher (Aho-Corasick, ASCII case-insensitive): a set of
 * fixed phrases built once into an automaton, then every phrase found in
 * one pass over a text, linear in the text's length whatever the number of
 * phrases (A. V. Aho, M. J. Corasick, "Efficient string matching: an aid
 * to bibliographic search", CACM 18(6), 1975).
 *
 * It answers what ci_find() (strutil.h) answers, for every pattern of the
 * set at once: the first occurrence of each, so that code which tried a
 * table of phrases one ci_find() at a time keeps its exact first-match
 * semantics (table order, earliest position) with one scan. Case folding
 * is bd_lower()'s: ASCII letters only, every other byte (NUL and 8-bit
 * included) matches itself.
 *
 * An automaton is immutable after acm_build(): any number of threads may
 * scan with it at once. Pure: no I/O, no global state.
 */
#ifndef BD_ACMATCH_H
#define BD_ACMATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* "Not found", for an offset. */
#define ACM_NONE SIZE_MAX

/*
 * ci_find()'s limit: a needle of 256 bytes or more never matches (its
 * buffer); kept here so that the automaton says exactly what it says.
 */
#define ACM_MAX_PATTERN 255

struct acm;

/*
 * Builds the automaton of pats[0..n) (NUL-terminated, any case; the same
 * phrase may appear twice). Pattern i keeps its index i. An empty pattern
 * matches at offset 0 of any text, as ci_find()'s does; one longer than
 * ACM_MAX_PATTERN never matches. Memory from xmalloc(): the caller owns the
 * result and frees it with acm_free().
 */
struct acm *acm_build(const char *const *pats, size_t n);
void acm_free(struct acm *a);

/* How many patterns it was built from; the length of pattern i. */
size_t acm_npats(const struct acm *a);
size_t acm_patlen(const struct acm *a, size_t i);

/*
 * One pass over s[0..len): first[i] is set to the offset of the first
 * occurrence of pattern i (what ci_find(s, len, pats[i]) - s would be), or
 * ACM_NONE. first[] has acm_npats() entries. Returns how many patterns were
 * found. Stops early once every pattern is found.
 */
size_t acm_first_each(
    const struct acm *a, const char *s, size_t len, size_t *first);

/*
 * The offset of the earliest-starting occurrence of any pattern in
 * s[0..len) (the smallest of acm_first_each()'s offsets), or ACM_NONE.
 * Stops as soon as no later occurrence could start earlier.
 */
size_t acm_first_any(const struct acm *a, const char *s, size_t len);

/*
 * Every occurrence of every pattern in s[0..len), one pass: fn(arg, i,
 * off) for pattern i at offset off, in the order the occurrences end (at
 * one end, the longer first; duplicates in index order). Overlapping
 * occurrences all count, as a loop of ci_find() from each hit + 1 finds
 * them. Stops when fn returns false; returns false then, else true. An
 * empty pattern is reported once, at offset 0, before the scan.
 */
bool acm_each(const struct acm *a, const char *s, size_t len,
    bool (*fn)(void *arg, size_t i, size_t off), void *arg);

/* Whether any pattern occurs in s[0..len); stops at the first. */
bool acm_any(const struct acm *a, const char *s, size_t len);

#endif
