#!/usr/bin/env bash
# bench/bench.sh [BUILD_DIR [PATH...]]
#
# Throughput figures for the parser + classifier, and the same work done by
# sisimai (the reference classifier) when it is installed. Builds nothing:
# build first (cmake --preset release && cmake --build --preset release).
#
#   BUILD_DIR  a configured and built tree (default: build/release)
#   PATH...    message files, or directories of them (default: the shared
#              corpus ../shared/corpus/maildir/bsd when it is there, else
#              examples/maildir/new)
#
# Environment: PASSES (bench_parse passes, default 20), RUNS (whole-process
# runs of bouncectl and of sisimai, the best is kept, default 5).
#
# See bench/README.md for what each figure means.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
passes=${PASSES:-20}
runs=${RUNS:-5}

build=${1:-$root/build/release}
[[ $# -gt 0 ]] && shift
if [[ $# -gt 0 ]]; then
	paths=("$@")
elif [[ -d $root/../shared/corpus/maildir/bsd ]]; then
	paths=("$(cd "$root/../shared/corpus/maildir/bsd" && pwd)")
else
	paths=("$root/examples/maildir/new")
fi

bench_parse=$build/bench/bench_parse
bench_rss=$build/bench/bench_rss
bouncectl=$build/cli/bouncectl
for f in "$bench_parse" "$bouncectl"; do
	if [[ ! -x $f ]]; then
		echo "bench.sh: $f: not built (cmake --build $build)" >&2
		exit 1
	fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# The message set: regular files, names beginning with '.' pruned (as
# bench_parse and a Maildir reader do), in a stable order.
files=()
while IFS= read -r -d '' f; do
	files+=("$f")
done < <(find "${paths[@]}" -name '.?*' -prune -o -type f -print0 | sort -z)
nfiles=${#files[@]}
if [[ $nfiles -eq 0 ]]; then
	echo "bench.sh: no message under ${paths[*]}" >&2
	exit 1
fi
bytes=$(cat "${files[@]}" | wc -c)

# timed RESULT CMD...: runs CMD, writes "seconds S", "peak_rss_kib K" lines
# to RESULT. Our own bench_rss when built; else bash's clock for the time
# and GNU time (package "time") for the peak RSS, when installed.
timed() {
	local res=$1 t0 t1 rc=0
	shift
	if [[ -x $bench_rss ]]; then
		"$bench_rss" -o "$res" "$@" || rc=$?
		return $rc
	fi
	echo "peak_rss_kib -" >"$res.rss"
	t0=$EPOCHREALTIME
	if [[ -x /usr/bin/time ]]; then
		/usr/bin/time -f 'peak_rss_kib %M' -o "$res.rss" "$@" || rc=$?
	else
		"$@" || rc=$?
	fi
	t1=$EPOCHREALTIME
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "seconds %.3f\n", b - a }' \
	    >"$res"
	cat "$res.rss" >>"$res"
	return $rc
}
field() { awk -v k="$1" '$1 == k { print $2 }' "$2"; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }'; }

# best_of OUT ERR CMD...: the best (lowest seconds) of $runs timed runs of
# CMD, each with stdout to OUT (and appended to OUT.all) and stderr to ERR;
# sets best_s, best_rss, best_cpu (the best run's CPU seconds, "-" without
# bench_rss)
best_of() {
	local out=$1 err=$2 i s rc
	shift 2
	best_s='' best_rss='' best_cpu=-
	: >"$out.all"
	for ((i = 0; i < runs; i++)); do
		rc=0
		timed "$tmp/res" "$@" >"$out" 2>"$err" || rc=$?
		cat "$out" >>"$out.all"
		if [[ $rc -ne 0 ]]; then
			echo "bench.sh: $1 exited $rc (run $((i + 1)))" >&2
		fi
		s=$(field seconds "$tmp/res")
		if [[ -z $best_s ]] ||
		    awk -v a="$s" -v b="$best_s" 'BEGIN { exit !(a < b) }'; then
			best_s=$s
			best_cpu=$(field cpu_seconds "$tmp/res")
			best_cpu=${best_cpu:--}
		fi
		best_rss=$(field peak_rss_kib "$tmp/res")
	done
}

echo "# bench.sh $(date -u +%Y-%m-%dT%H:%MZ) on $(uname -m), $(nproc) cores"
echo "# build:    $build"
echo "# messages: $nfiles files, $bytes bytes, from ${paths[*]}"
echo

echo "## (a) in-memory parse + classify: bench_parse -n $passes"
"$bench_parse" -n "$passes" "${files[@]}" | tee "$tmp/mem.out"
mem_rate=$(awk '$1 == "best" { print $5 }' "$tmp/mem.out")
echo

echo "## (b) whole process: bouncectl parse --json, all files in one run (best of $runs)"
# -j 1: one thread, as sisimai works; then the default, one thread per CPU
# (a build before -j has one thread only: both runs are then the same)
jobs1=(-j 1)
"$bouncectl" parse -j 1 /dev/null >/dev/null 2>&1 || [[ $? -ne 2 ]] || jobs1=()
best_of "$tmp/ours1.json" "$tmp/ours1.err" "$bouncectl" parse --json \
    "${jobs1[@]}" "${files[@]}"
one_s=$best_s one_cpu=$best_cpu
one_rate=$(rate "$nfiles" "$one_s")
best_of "$tmp/ours.json" "$tmp/ours.err" "$bouncectl" parse --json "${files[@]}"
ours_s=$best_s
ours_rate=$(rate "$nfiles" "$ours_s")
cmp -s "$tmp/ours1.json" "$tmp/ours.json" ||
    echo "WARNING: -j 1 and the default printed different output"
printf 'seconds:         %s (-j 1: %s)\n' "$ours_s" "$one_s"
printf 'messages/s:      %s on %s threads (-j 1: %s)\n' "$ours_rate" \
    "$(nproc)" "$one_rate"
printf 'CPU seconds:     %s (-j 1: %s)\n' "$best_cpu" "$one_cpu"
printf 'recipients:      %s JSON lines\n' "$(wc -l <"$tmp/ours.json")"
printf 'peak RSS:        %s KiB\n' "$best_rss"
if [[ -s $tmp/ours.err ]]; then
	printf 'stderr:          %s lines (first: %s)\n' \
	    "$(wc -l <"$tmp/ours.err")" "$(head -n 1 "$tmp/ours.err")"
fi
echo

echo "## (c) sisimai, same files, one process (best of $runs)"
if ! perl -MSisimai -e1 2>/dev/null; then
	echo "sisimai not installed (apt-get install libsisimai-perl): skipped"
	exit 0
fi
# Sisimai reads a Maildir as one plain directory of message files: give it
# one made of symbolic links to exactly the files above.
mkdir "$tmp/maildir"
for ((i = 0; i < nfiles; i++)); do
	f=${files[i]}
	[[ $f == /* ]] || f=$PWD/$f
	ln -s "$f" "$tmp/maildir/$(printf '%06d' "$i").eml"
done
best_of "$tmp/sisimai.out" "$tmp/sisimai.err" \
    perl "$root/bench/sisimai.pl" "$tmp/maildir"
sis_s=$best_s
sis_rate=$(rate "$nfiles" "$sis_s")
sed -n '1,3p' "$tmp/sisimai.out"
printf 'seconds:         %s whole process (CPU %s)\n' "$sis_s" "$best_cpu"
printf 'messages/s:      %s whole process\n' "$sis_rate"
printf 'peak RSS:        %s KiB\n' "$best_rss"
# in-process and warm, as bench_parse measures: one more run, 4 passes
perl "$root/bench/sisimai.pl" -n 4 "$tmp/maildir" >"$tmp/warm.out" 2>/dev/null
sis_warm=$(awk '$1 == "warm" { print $3 }' "$tmp/warm.out")
sis_warm_rate=$(rate "$nfiles" "$sis_warm")
printf 'warm pass:       %s s: %s messages/s (in-process, best of 3 after a first pass)\n' \
    "$sis_warm" "$sis_warm_rate"
if [[ -s $tmp/sisimai.err ]]; then
	printf 'stderr:          %s lines\n' "$(wc -l <"$tmp/sisimai.err")"
fi
echo
awk -v a="$ours_rate" -v b="$sis_rate" -v c="$mem_rate" -v d="$sis_warm_rate" \
    -v e="$one_rate" 'BEGIN {
	if (a > 0 && b > 0)
		printf "ratio:           %.1fx whole process (bouncectl / sisimai, messages/s)\n", a / b
	if (e > 0 && b > 0)
		printf "ratio:           %.1fx whole process, one thread (bouncectl -j 1 / sisimai)\n", e / b
	if (c > 0 && d > 0)
		printf "ratio:           %.1fx in-process, warm (bench_parse best pass / sisimai warm pass)\n", c / d
}'

# (d) one process per message, as a script calling either tool would:
# start-up is then most of the cost (PERFILE files, default 60)
perfile=${PERFILE:-60}
((perfile > nfiles)) && perfile=$nfiles
echo
echo "## (d) one process per message, first $perfile files"
t0=$(date +%s.%N)
for ((i = 0; i < perfile; i++)); do
	"$bouncectl" parse --json "${files[i]}" >/dev/null 2>&1 || true
done
t1=$(date +%s.%N)
for ((i = 0; i < perfile; i++)); do
	perl "$root/bench/sisimai.pl" "$tmp/maildir/$(printf '%06d' "$i").eml" \
	    >/dev/null 2>&1 || true
done
t2=$(date +%s.%N)
awk -v a="$t0" -v b="$t1" -v c="$t2" -v n="$perfile" 'BEGIN {
	o = (b - a) / n * 1000; s = (c - b) / n * 1000
	printf "bouncectl:       %.2f ms per message\n", o
	printf "sisimai:         %.1f ms per message\n", s
	printf "ratio:           %.0fx one process per message\n", s / o
}'
