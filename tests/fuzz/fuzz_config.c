/*
 * Fuzz target: bytes -> config_load_buf(). Built as a libFuzzer target
 * with clang (-DBD_FUZZ=ON); otherwise the main() of replay.c replays
 * each file it is given, which is how ctest runs config_inputs/ under ASan
 * (as fuzz_report.c does). Every outcome is checked for its contract: a
 * config, or -1 with error lines that each end in "\n". The buffer is
 * named /etc/fuzz.yaml, so that relative paths resolve against /etc.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config *conf;
	char *errors;
	size_t n;

	if (config_load_buf("/etc/fuzz.yaml", (const char *)data, size, &conf,
		&errors) == 0) {
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
