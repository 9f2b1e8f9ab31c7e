/*
 * The standalone driver of every fuzz target when it is not built for
 * libFuzzer (libssh tests/fuzz/fuzzer.c): feeds each file named on the
 * command line to LLVMFuzzerTestOneInput(), so that ctest replays the
 * committed inputs and crashers in every build, under ASan in CI.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/readfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
main(int argc, char **argv)
{
	int i, n = 0;

	for (i = 1; i < argc; i++) {
		unsigned char *buf;
		size_t len;
		const char *err;

		if (readfile(argv[i], &buf, &len, &err) < 0) {
			fprintf(stderr, "%s: %s: %s\n", argv[0], argv[i], err);
			return 1;
		}
		LLVMFuzzerTestOneInput(buf, len);
		free(buf);
		n++;
	}
	printf("%s: %d inputs replayed\n", argv[0], n);
	return 0;
}
