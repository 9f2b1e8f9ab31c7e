/*
 * Fuzz target: bytes → report_parse() → classify_rcpt() for every
 * recipient. Built as a libFuzzer target with clang
 * (-DBD_FUZZ=ON: -fsanitize=fuzzer,address,undefined); otherwise the
 * standalone main() of replay.c replays each file it is given, which is how
 * ctest runs the committed inputs under ASan (libssh's fuzzer.c does the
 * same).
 */
#include <stddef.h>
#include <stdint.h>

#include "classify/classify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct report *rep = NULL;
	const char *err;
	size_t i;

	if (report_parse(data, size, &rep, &err) < 0)
		return 0;
	for (i = 0; i < rep->nrcpt; i++) {
		struct verdict v;

		classify_rcpt(rep, &rep->rcpt[i], 0, &v);
	}
	report_free(&rep);
	return 0;
}
