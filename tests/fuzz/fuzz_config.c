/*
 * Fuzz target: bytes -> config_load_buf(). Built as a libFuzzer target
 * with clang (-DBD_FUZZ=ON); otherwise the standalone main() below replays
 * each file it is given, which is how ctest runs config_inputs/ under ASan
 * (as fuzz_report.c does). Every outcome is checked for its contract: a
 * config, or -1 with error lines that each end in "\n".
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/readfile.h"
#include "config/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config *conf;
	char *errors;
	size_t n;

	if (config_load_buf(
		"fuzz.yaml", (const char *)data, size, &conf, &errors) == 0) {
		if (conf == NULL || errors != NULL)
			abort();
		config_free(&conf);
		return 0;
	}
	n = errors != NULL ? strlen(errors) : 0;
	if (conf != NULL || n == 0 || errors[n - 1] != '\n')
		abort();
	free(errors);
	return 0;
}

#ifndef BD_LIBFUZZER
int
main(int argc, char **argv)
{
	int i, n = 0;

	for (i = 1; i < argc; i++) {
		unsigned char *buf;
		size_t len;
		const char *err;

		if (readfile(argv[i], &buf, &len, &err) < 0) {
			fprintf(stderr, "fuzz_config: %s: %s\n", argv[i], err);
			return 1;
		}
		LLVMFuzzerTestOneInput(buf, len);
		free(buf);
		n++;
	}
	printf("fuzz_config: %d inputs replayed\n", n);
	return 0;
}
#endif
