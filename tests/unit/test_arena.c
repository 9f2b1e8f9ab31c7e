/*
 * common/arena: a thread keeps the chunks a freed arena gave back, up to
 * its bound, and the next arena reuses them instead of asking malloc
 * (and the kernel) again; a chunk bigger than the bound is not kept.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "common/arena.h"
#include "common/asan.h"

static void
test_chunk_reused(void **state)
{
	struct arena a;
	char *p, *q;
	size_t kept;

	(void)state;
	arena_init(&a);
	p = arena_alloc(&a, 100);
	memset(p, 'x', 100);
	arena_deinit(&a);
	kept = arena_spare_bytes();
	assert_true(kept >= 100);

	/* the next arena's first chunk is the one just freed */
	arena_init(&a);
	q = arena_alloc(&a, 100);
	assert_ptr_equal(p, q);
	assert_int_equal(arena_spare_bytes(), 0);
	arena_deinit(&a);
}

static void
test_smallest_fit(void **state)
{
	struct arena a, b;
	char *small, *big, *p;

	(void)state;
	arena_init(&a);
	arena_init(&b);
	big = arena_alloc(&a, 200 * 1024);
	small = arena_alloc(&b, 10);
	arena_deinit(&a);
	arena_deinit(&b);

	/* a small need takes the small chunk, not the big one */
	arena_init(&a);
	p = arena_alloc(&a, 10);
	assert_ptr_equal(p, small);
	arena_deinit(&a);
	arena_init(&a);
	p = arena_alloc(&a, 150 * 1024);
	assert_ptr_equal(p, big);
	arena_deinit(&a);
}

static void
test_bound(void **state)
{
	struct arena a;
	size_t before;
	int i;

	(void)state;
	/* a huge message's chunk goes back to malloc */
	before = arena_spare_bytes();
	arena_init(&a);
	arena_alloc(&a, (size_t)8 << 20);
	arena_deinit(&a);
	assert_int_equal(arena_spare_bytes(), before);

	/* many arenas at once: at most a few MiB are kept */
	{
		struct arena many[64];

		for (i = 0; i < 64; i++) {
			arena_init(&many[i]);
			arena_alloc(&many[i], 100 * 1024);
		}
		for (i = 0; i < 64; i++)
			arena_deinit(&many[i]);
	}
	assert_true(arena_spare_bytes() <= ((size_t)2 << 20));
	assert_true(arena_spare_bytes() > 0);
}

static void *
in_thread(void *arg)
{
	struct arena a;

	(void)arg;
	/* a thread's own cache starts empty and is freed at its exit
	 * (LeakSanitizer would see the chunk otherwise) */
	if (arena_spare_bytes() != 0)
		return (void *)1;
	arena_init(&a);
	arena_alloc(&a, 1000);
	arena_deinit(&a);
	return arena_spare_bytes() > 0 ? NULL : (void *)1;
}

static void
test_per_thread(void **state)
{
	pthread_t t;
	void *ret = (void *)1;
	size_t mine = arena_spare_bytes();

	(void)state;
	assert_int_equal(pthread_create(&t, NULL, in_thread, NULL), 0);
	assert_int_equal(pthread_join(t, &ret), 0);
	assert_null(ret);
	assert_int_equal(arena_spare_bytes(), mine);
}

/* under ASan (the ci-asan build) a kept chunk reads as freed, and as
 * valid again once the next arena takes it */
#ifdef BD_ASAN
static void
test_kept_is_poisoned(void **state)
{
	struct arena a;
	char *p;

	(void)state;
	arena_init(&a);
	p = arena_alloc(&a, 64);
	arena_deinit(&a);
	assert_true(__asan_address_is_poisoned(p));
	arena_init(&a);
	assert_ptr_equal(arena_alloc(&a, 64), p);
	assert_false(__asan_address_is_poisoned(p));
	arena_deinit(&a);
}
#endif

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chunk_reused),
		cmocka_unit_test(test_smallest_fit),
		cmocka_unit_test(test_bound),
		cmocka_unit_test(test_per_thread),
#ifdef BD_ASAN /* the ci-asan build runs it */
		cmocka_unit_test(test_kept_is_poisoned),
#endif
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
