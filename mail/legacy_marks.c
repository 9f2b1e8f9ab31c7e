#include "legacy_marks.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include "common/strutil.h"
#include "common/xmalloc.h"
#include "legacy.h"

struct marks_list {
	const char *const *list;
	size_t n;	 /* its phrases */
	size_t lo, hi;	 /* their indexes in the combined automaton */
	struct acm *own; /* its phrases alone, for a part of a text: built
			  * on first use (own_acm()), most lists never are */
};

/*
 * Built once, then only read: any number of threads may ask. Each
 * list's own automaton is built when it is first asked for, under
 * own_lock: a process that parses one message builds only the combined
 * automaton and the few lists that message's family asks about.
 */
static struct {
	struct acm *all;
	struct marks_list *lists;
	size_t nlists;
} marks;
static pthread_once_t marks_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t own_lock = PTHREAD_MUTEX_INITIALIZER;

static void
add_list(
    const char *const *list, const char ***pats, size_t *npats, size_t *cap)
{
	size_t i, n;
	struct marks_list *m;

	if (list == NULL)
		return;
	for (i = 0; i < marks.nlists; i++) {
		if (marks.lists[i].list == list)
			return; /* shared by two families */
	}
	for (n = 0; list[n] != NULL; n++)
		;
	if (*npats + n > *cap) {
		*cap = (*npats + n) * 2;
		*pats = xreallocarray(*pats, *cap, sizeof(**pats));
	}
	marks.lists =
	    xreallocarray(marks.lists, marks.nlists + 1, sizeof(*marks.lists));
	m = &marks.lists[marks.nlists++];
	m->list = list;
	m->n = n;
	m->lo = *npats;
	m->hi = *npats + n;
	m->own = NULL;
	for (i = 0; i < n; i++)
		(*pats)[(*npats)++] = list[i];
}

static void
marks_build(void)
{
	const struct legacy_family *const *fp;
	const char *const *const *l;
	const char **pats = NULL;
	size_t npats = 0, cap = 0;

	for (fp = legacy_families; *fp != NULL; fp++) {
		add_list((*fp)->body, &pats, &npats, &cap);
		add_list((*fp)->start, &pats, &npats, &cap);
		add_list((*fp)->end, &pats, &npats, &cap);
		add_list((*fp)->intro, &pats, &npats, &cap);
	}
	for (l = legacy_own_lists; *l != NULL; l++)
		add_list(*l, &pats, &npats, &cap);
	for (l = legacy_scan_lists; *l != NULL; l++)
		add_list(*l, &pats, &npats, &cap);
	for (l = command_lists; *l != NULL; l++)
		add_list(*l, &pats, &npats, &cap);
	marks.all = acm_build(pats, npats);
	free(pats);
}

void
marks_scan_init(
    struct marks_scan *m, struct arena *a, const char *s, size_t len)
{
	m->s = s;
	m->len = len;
	m->first = NULL;
	m->arena = a;
}

void
legacy_text_init(struct legacy_text *t, struct marks_scan *shared,
    struct arena *a, const char *s, size_t len)
{
	t->s = s;
	t->len = len;
	marks_scan_init(&t->own, a, s, len);
	t->scan = shared != NULL && shared->s == s && shared->len >= len
	    ? shared
	    : &t->own;
}

static struct marks_list *
find_list(const char *const *list)
{
	size_t i;

	pthread_once(&marks_once, marks_build);
	for (i = 0; i < marks.nlists; i++) {
		if (marks.lists[i].list == list)
			return &marks.lists[i];
	}
	return NULL;
}

/* m's own automaton, built by the first thread that asks */
static const struct acm *
own_acm(struct marks_list *m)
{
	struct acm *a;
	struct acm **slot = &m->own;

	if ((a = __atomic_load_n(slot, __ATOMIC_ACQUIRE)) != NULL)
		return a;
	pthread_mutex_lock(&own_lock);
	if ((a = *slot) == NULL) {
		a = acm_build(m->list, m->n);
		__atomic_store_n(slot, a, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&own_lock);
	return a;
}

const struct acm *
legacy_marks_acm(const char *const *list)
{
	struct marks_list *m = list != NULL ? find_list(list) : NULL;

	return m != NULL ? own_acm(m) : NULL;
}

/* t's offsets, scanned now if they were not, when t covers s[0..len) */
static const size_t *
scanned(struct legacy_text *t, const char *s, size_t len)
{
	struct marks_scan *m;

	if (t == NULL || (m = t->scan) == NULL || s != m->s || len > m->len)
		return NULL;
	if (m->first == NULL) {
		m->first = arena_alloc(
		    m->arena, acm_npats(marks.all) * sizeof(*m->first));
		acm_first_each(marks.all, m->s, m->len, m->first);
	}
	return m->first;
}

/* the whole text's first offset f of pattern i, if it lies in s[0..len) */
static size_t
in_prefix(size_t f, size_t i, size_t len)
{
	/* in the prefix s[0..len) only if it ends there */
	return f != ACM_NONE && f <= len && acm_patlen(marks.all, i) <= len - f
	    ? f
	    : ACM_NONE;
}

size_t
legacy_marks_first(
    struct legacy_text *t, const char *const *list, const char *s, size_t len)
{
	struct marks_list *m = NULL;
	const size_t *first;
	size_t i, best = ACM_NONE;

	if (list == NULL || s == NULL)
		return ACM_NONE;
	if ((m = find_list(list)) == NULL) {
		for (; *list != NULL; list++) {
			const char *p = ci_find(s, len, *list);

			if (p != NULL && (size_t)(p - s) < best)
				best = (size_t)(p - s);
		}
		return best;
	}
	if ((first = scanned(t, s, len)) == NULL)
		return acm_first_any(own_acm(m), s, len);
	for (i = m->lo; i < m->hi; i++) {
		size_t f = in_prefix(first[i], i, len);

		if (f < best)
			best = f;
	}
	return best;
}

void
legacy_marks_each(struct legacy_text *t, const char *const *list,
    const char *s, size_t len, size_t *first)
{
	struct marks_list *m = find_list(list);
	const size_t *all;
	size_t i;

	if (m == NULL)
		abort(); /* a list that is not compiled here: a bug */
	if ((all = scanned(t, s, len)) == NULL) {
		acm_first_each(own_acm(m), s, len, first);
		return;
	}
	for (i = m->lo; i < m->hi; i++)
		first[i - m->lo] = in_prefix(all[i], i, len);
}
