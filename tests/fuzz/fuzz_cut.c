/*
 * Fuzz target: mail_structure_cut() (mail/structure.c), the pre-pass that
 * bounds what libetpan builds, alone, on large messages expanded from a
 * small skeleton (skeleton.h) up to CUT_MAX bytes. fuzz_large reaches the
 * same code through the whole parse at a few executions a second; alone
 * it runs thousands of times faster, so that every cap and every kind of
 * line is reached with inputs of megabytes.
 *
 * The contract checked, at the real caps and at caps scaled down (below),
 * abort() on a breach:
 * - the cut is within the text, and a cut short of its end falls at a
 *   line start;
 * - a cut shorter than the text adds a flag of a cap, and only then;
 * - the prefix cut again is itself, with no flag: what libetpan is given
 *   stays within every cap of mail/mail_limits.h.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "mail/message.h"
#include "mail/structure.h"
#include "skeleton.h"

/*
 * 256 KiB: every cap of mail_limits.h is passed within it (50,000 fields
 * of 3 bytes, 100,000 list items of 1, 4,000 delimiters, 64 levels, 32
 * comments), and the pass keeps no state that grows with the text but
 * its counters; a larger text only slows the search down.
 */
#define CUT_MAX (256u << 10)
/*
 * The same pass with every cap scaled down (the code is the same, the
 * counts smaller), on texts of up to 4 KiB: what libFuzzer runs by
 * default, many times as fast as at 256 KiB. The replay (ctest) and a
 * run with BD_FUZZ_CUT_FULL set check the real caps as well.
 */
#define SMALL_MAX (4u << 10)
static const struct mail_cut_limits small = {
	.delimiters = 40,
	.fields = 50,
	.field_items = 100,
	.multipart_headers = 4,
	.comment_depth = 4,
};

#define CUT_FLAGS                                                     \
	(MAIL_F_TRUNCATED_DEPTH | MAIL_F_TOO_MANY_PARTS |             \
	    MAIL_F_TOO_MANY_FIELDS)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
breach(const char *what, size_t len, size_t cut, unsigned flags)
{
	fprintf(stderr, "fuzz_cut: %s (text %zu bytes, cut at %zu, flags %#x)\n",
	    what, len, cut, flags);
	abort();
}

/* run the contract on s[0..len) against lim */
static void
check(const char *buf, size_t len, const struct mail_cut_limits *lim)
{
	size_t cut, again;
	unsigned flags = 0, flags2 = 0;

	cut = mail_structure_cut_within(buf, len, lim, &flags);
	if (cut > len)
		breach("cut beyond the text", len, cut, flags);
	if (cut < len && cut > 0 && buf[cut - 1] != '\n')
		breach("cut inside a line", len, cut, flags);
	if ((flags & ~CUT_FLAGS) != 0)
		breach("a flag that is not a cap's", len, cut, flags);
	if ((cut < len) != (flags != 0))
		breach("a cut without a flag, or a flag without a cut", len,
		    cut, flags);
	again = mail_structure_cut_within(buf, cut, lim, &flags2);
	if (again != cut || flags2 != 0)
		breach("the prefix, cut again, is cut shorter", cut, again,
		    flags2);
	if (getenv("BD_FUZZ_VERBOSE") != NULL)
		fprintf(stderr, "fuzz_cut: %zu bytes, cut at %zu, flags %#x\n",
		    len, cut, flags);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int full = -1;
	size_t len;
	char *buf;

	if (full == -1) {
#ifdef BD_LIBFUZZER
		full = getenv("BD_FUZZ_CUT_FULL") != NULL;
#else
		full = 1;
#endif
	}
	buf = skeleton_expand(data, size, SMALL_MAX, &len);
	check(buf, len, &small);
	free(buf);
	if (full) {
		buf = skeleton_expand(data, size, CUT_MAX, &len);
		check(buf, len, &mail_cut_limits_default);
		free(buf);
	}
	return 0;
}
