#!/bin/sh
# Second command of the README: build and run every test twice, once in a
# plain build and once under AddressSanitizer + UndefinedBehaviorSanitizer,
# with warnings as errors. The corpus test reads ../shared/corpus when it is
# there and reports itself skipped otherwise.
#
# Both builds run even when the first fails. At the end: every failed and
# every skipped test with its reason (the last line it printed), then
# ctest's own result lines, those of a failing build last; the exit status
# is 0 only when both builds passed every test they ran.
set -eu
cd "$(dirname "$0")/.."
echo "== dependencies (scripts/deps.sh test)"
scripts/deps.sh test
jobs=$(nproc)
status=0
last=""
for preset in ci ci-asan; do
	echo "== $preset: build"
	log="build/$preset.log"
	mkdir -p build
	if ! { cmake --preset "$preset" >/dev/null &&
	    cmake --build --preset "$preset" -j"$jobs" >"$log" 2>&1; }; then
		cat "$log"
		echo "$preset: the build failed" >"build/$preset.ctest"
		status=1
		last=$preset
		continue
	fi
	if [ "$preset" = ci ] && [ -d ../shared/corpus ]; then
		# the figures, for the log; the ctest below is the verdict
		"build/$preset/tests/corpus_check" ../shared/corpus | tail -n 10 || true
	fi
	echo "== $preset: ctest"
	# shown as it runs, kept for the summary, its status kept too
	{
		rc=0
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		ctest --preset "$preset" -j"$jobs" 2>&1 || rc=$?
		echo "$rc" >"build/$preset.rc"
	} | tee "build/$preset.ctest"
	rc=$(cat "build/$preset.rc")
	if [ "$rc" != 0 ]; then
		status=1
		last=$preset
	fi
done
[ -n "$last" ] || last=ci-asan

# reason NAME PRESET: the test's last line of output (its SKIP: or FAIL:)
reason() {
	awk -v t="$1" '
	    $0 ~ "^[0-9]+/[0-9]+ Test: " && $3 == t { on = 1; next }
	    on && /^<end of output>$/ { exit }
	    on && NF { line = $0 }
	    END { print line }' \
	    "build/$2/Testing/Temporary/LastTest.log" 2>/dev/null
}

echo "== summary"
for preset in ci ci-asan; do
	f="build/$preset.ctest"
	[ -f "$f" ] || continue
	sed -n 's/^[ \t]*[0-9]* - \([^ ]*\) (\(Skipped\|Not Run\|Disabled\))$/\1 \2/p' "$f" |
	    while read -r name what; do
		echo "$preset: skipped: $name: $(reason "$name" "$preset")"
	    done
	sed -n 's/^[ \t]*[0-9]* - \([^ ]*\) (\([^)]*\))$/\1 \2/p' "$f" |
	    grep -vE ' (Skipped|Not Run|Disabled)$' |
	    while read -r name what; do
		echo "$preset: FAILED ($what): $name: $(reason "$name" "$preset")"
	    done
	grep -q "the build failed" "$f" && echo "$preset: the build failed (build/$preset.log)"
done
# ctest's result lines; the deciding build's whole tail last, as ctest
# printed it
for preset in ci ci-asan; do
	[ "$preset" = "$last" ] && continue
	grep -E "tests passed|the build failed" "build/$preset.ctest" 2>/dev/null |
	    sed "s/^/$preset: /" || true
done
echo "$last:"
sed -n '/tests passed\|the build failed/,$p' "build/$last.ctest" 2>/dev/null || true
exit $status
