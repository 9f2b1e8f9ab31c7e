/*
 * Whether this build runs under AddressSanitizer (GCC says so with
 * __SANITIZE_ADDRESS__, clang with __has_feature), and the manual
 * poisoning of memory an allocator keeps for later: no-ops otherwise.
 */
#ifndef BD_COMMON_ASAN_H
#define BD_COMMON_ASAN_H

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BD_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) && !defined(BD_ASAN)
#define BD_ASAN 1
#endif

#ifdef BD_ASAN
#include <sanitizer/asan_interface.h>
#define BD_POISON(p, n)   ASAN_POISON_MEMORY_REGION((p), (n))
#define BD_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define BD_POISON(p, n)   ((void)(p), (void)(n))
#define BD_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#endif
