#!/bin/sh
# Second command of the README: build and run every test twice, once in a
# plain build and once under AddressSanitizer + UndefinedBehaviorSanitizer,
# with warnings as errors. The corpus test reads ../shared/corpus when it is
# there and reports itself skipped otherwise.
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh
jobs=$(nproc)
for preset in ci ci-asan; do
	echo "== $preset: build"
	cmake --preset "$preset" >/dev/null
	log="build/$preset.log"
	if ! cmake --build --preset "$preset" -j"$jobs" >"$log" 2>&1; then
		cat "$log"
		exit 1
	fi
	if [ "$preset" = ci ] && [ -d ../shared/corpus ]; then
		# the figures, for the log; the ctest below is the verdict
		"build/$preset/tests/corpus_check" ../shared/corpus | tail -n 10 || true
	fi
	echo "== $preset: ctest"
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	ctest --preset "$preset" -j"$jobs"
done
