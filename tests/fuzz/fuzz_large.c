/*
 * Fuzz target: report_parse() on large messages built from a small
 * input, so that memory bombs are in reach of a fuzzer whose inputs are
 * a few KB: a million empty MIME parts, five million header fields,
 * thousands of nested multiparts.
 *
 * The input is a skeleton (skeleton.h); the message stops growing at
 * SOURCE_MAX_MESSAGE (64 MiB, the most the daemon reads).
 *
 * The memory the parse allocates (its peak, counted with the sanitizer's
 * malloc hooks under ASan, each block as glibc would cost it) must stay
 * within BD_FUZZ_MEM_FACTOR times the message plus BD_FUZZ_MEM_SLACK MiB
 * (environment; defaults 8 and 32 below, set them to the multiple that
 * mail/message.c states): more is a finding, reported by abort() with
 * the figures. Without ASan the memory is not counted; libFuzzer's
 * -rss_limit_mb still applies. BD_FUZZ_VERBOSE=1 prints size and peak.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify/classify.h"
#include "skeleton.h"

#if defined(__SANITIZE_ADDRESS__)
#define BD_COUNT_MEMORY 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BD_COUNT_MEMORY 1
#endif
#endif

#ifdef BD_COUNT_MEMORY
/* <sanitizer/allocator_interface.h>, which gcc does not install */
size_t __sanitizer_get_allocated_size(const volatile void *p);
int __sanitizer_install_malloc_and_free_hooks(
    void (*malloc_hook)(const volatile void *, size_t),
    void (*free_hook)(const volatile void *));
#endif

/* the most a source hands the pipeline (daemon/sources/source.h) */
#define LARGE_MAX (64u << 20)
/* defaults of BD_FUZZ_MEM_FACTOR and BD_FUZZ_MEM_SLACK (MiB) */
#define LARGE_MEM_FACTOR 8
#define LARGE_MEM_SLACK  32

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#ifdef BD_COUNT_MEMORY
static size_t mem_now, mem_peak;

/*
 * What n bytes cost in glibc's malloc, which the daemon uses: an 8-byte
 * header, 16-byte alignment, 32 bytes at least. A million small parts
 * cost their headers too.
 */
static size_t
cost(size_t n)
{
	n = (n + 8 + 15) & ~(size_t)15;
	return n < 32 ? 32 : n;
}

static void
on_malloc(const volatile void *p, size_t n)
{
	(void)p;
	mem_now += cost(n);
	if (mem_now > mem_peak)
		mem_peak = mem_now;
}

static void
on_free(const volatile void *p)
{
	/* a free() of memory allocated before the hooks: never below 0 */
	size_t n = cost(__sanitizer_get_allocated_size(p));

	mem_now -= n < mem_now ? n : mem_now;
}

static size_t
env_size(const char *name, size_t def)
{
	const char *v = getenv(name);

	return v != NULL && *v != '\0' ? (size_t)strtoull(v, NULL, 10) : def;
}

static void
mem_start(void)
{
	static bool hooked;

	if (!hooked) {
		__sanitizer_install_malloc_and_free_hooks(on_malloc, on_free);
		hooked = true;
	}
	mem_now = mem_peak = 0;
}

static void
mem_report(size_t len)
{
	fprintf(stderr, "fuzz_large: %zu bytes, peak %zu bytes allocated\n",
	    len, mem_peak);
}

static void
mem_check(size_t len)
{
	size_t factor = env_size("BD_FUZZ_MEM_FACTOR", LARGE_MEM_FACTOR);
	size_t slack = env_size("BD_FUZZ_MEM_SLACK", LARGE_MEM_SLACK) << 20;

	if (mem_peak > factor * len + slack) {
		fprintf(stderr,
		    "fuzz_large: memory bomb: the parse of %zu bytes "
		    "allocated %zu bytes at its peak (%zu x + %zu MiB allowed)\n",
		    len, mem_peak, factor, slack >> 20);
		abort();
	}
}
#else
static void
mem_start(void)
{
}

static void
mem_check(size_t len)
{
	(void)len;
}

static void
mem_report(size_t len)
{
	fprintf(stderr, "fuzz_large: %zu bytes (memory not counted)\n", len);
}
#endif

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct report *rep = NULL;
	const char *err;
	size_t i, len;
	char *buf = skeleton_expand(data, size, LARGE_MAX, &len);

	mem_start();
	if (report_parse((const unsigned char *)buf, len, &rep, &err) ==
	    0) {
		for (i = 0; i < rep->nrcpt; i++) {
			struct verdict v;

			classify_rcpt(rep, &rep->rcpt[i], 0, &v);
		}
		report_free(&rep);
	}
	mem_check(len);
	if (getenv("BD_FUZZ_VERBOSE") != NULL)
		mem_report(len);
	free(buf);
	return 0;
}
