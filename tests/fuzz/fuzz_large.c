/*
 * Fuzz target: report_parse() on large messages built from a small
 * input, so that memory bombs are in reach of a fuzzer whose inputs are
 * a few KB: a million empty MIME parts, five million header fields,
 * thousands of nested multiparts.
 *
 * The input is a skeleton: segments separated by a 0x00 byte, each a
 * repeat byte and a body. The body is appended repeat times (the repeat
 * byte & 31 indexes reps[] below: 1 to 64 million); in it, 0x01 stands
 * for the repetition's index in decimal and 0x02 for the index counted
 * from the end, so that "--b\x01" opens distinct nested boundaries and
 * "--b\x02--" closes them in reverse order. The message stops growing at
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

static const size_t reps[32] = {1, 1, 1, 2, 3, 4, 5, 8, 10, 16, 32, 64, 100,
    128, 256, 500, 1000, 1001, 2000, 4096, 10000, 32768, 65536, 100000, 200000,
    500000, 1000000, 2000000, 5000000, 10000000, 20000000, 64000000};

/* The message being built; buf NULL: only its length is counted. */
struct large {
	char *buf;
	size_t len;
};

/* Appends s[0..n) if it fits; false once the message is full. */
static bool
put(struct large *l, const void *s, size_t n)
{
	if (n > LARGE_MAX - l->len)
		return false;
	if (l->buf != NULL)
		memcpy(l->buf + l->len, s, n);
	l->len += n;
	return true;
}

static bool
put_number(struct large *l, size_t v)
{
	char num[24];
	int n = snprintf(num, sizeof(num), "%zu", v);

	return put(l, num, (size_t)n);
}

/* One repetition of a body; false once the message is full. */
static bool
put_body(struct large *l, const uint8_t *b, size_t n, size_t i, size_t r)
{
	size_t k, run;

	for (k = 0; k < n; k += run) {
		if (b[k] == 1 || b[k] == 2) {
			if (!put_number(l, b[k] == 1 ? i : r - 1 - i))
				return false;
			run = 1;
			continue;
		}
		for (run = 0; k + run < n && b[k + run] > 2; run++)
			;
		if (!put(l, b + k, run))
			return false;
	}
	return true;
}

static void
expand(struct large *l, const uint8_t *data, size_t size)
{
	size_t pos = 0, end, i, r;

	while (pos < size) {
		const uint8_t *z = memchr(data + pos, 0, size - pos);

		end = z != NULL ? (size_t)(z - data) : size;
		r = reps[data[pos] & 31];
		for (i = 0; i < r && end > pos + 1; i++)
			if (!put_body(l, data + pos + 1, end - pos - 1, i, r))
				return;
		pos = end + 1;
	}
}

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
	struct large l = {NULL, 0};
	struct report *rep = NULL;
	const char *err;
	size_t i;

	/* twice: the length, then the bytes into a buffer of just that
	 * size, so that ASan sees a read past the message's end */
	expand(&l, data, size);
	if ((l.buf = malloc(l.len + 1)) == NULL)
		abort();
	l.len = 0;
	expand(&l, data, size);
	mem_start();
	if (report_parse((const unsigned char *)l.buf, l.len, &rep, &err) ==
	    0) {
		for (i = 0; i < rep->nrcpt; i++) {
			struct verdict v;

			classify_rcpt(rep, &rep->rcpt[i], 0, &v);
		}
		report_free(&rep);
	}
	mem_check(l.len);
	if (getenv("BD_FUZZ_VERBOSE") != NULL)
		mem_report(l.len);
	free(l.buf);
	return 0;
}
