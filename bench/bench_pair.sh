#!/usr/bin/env bash
# bench/bench_pair.sh OLD_BUILD NEW_BUILD [ROUNDS [PATH...]]
#
# Two builds' bench_parse on the same messages, alternating (old, new, old,
# new, ...) so that what else runs on the machine falls on both alike:
# ROUNDS (default 11) runs of `bench_parse -n 20` each, then per build the
# median of the runs' median passes and of their best passes. PATH: message
# files or directories (default: the shared corpus's maildir/bsd, else
# examples/maildir/new). Builds nothing.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
old=$1/bench/bench_parse new=$2/bench/bench_parse
rounds=${3:-11}
shift 2
[[ $# -gt 0 ]] && shift
if [[ $# -eq 0 ]]; then
	if [[ -d $root/../shared/corpus/maildir/bsd ]]; then
		set -- "$root/../shared/corpus/maildir/bsd"
	else
		set -- "$root/examples/maildir/new"
	fi
fi
for b in "$old" "$new"; do
	[[ -x $b ]] || { echo "bench_pair.sh: $b: not built" >&2; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for ((r = 0; r < rounds; r++)); do
	for w in old new; do
		b=$old
		[[ $w == new ]] && b=$new
		"$b" -n 20 "$@" | awk -v f="$tmp/$w" '
		    $1 == "median" { print $5, $7 >> (f ".med") }
		    $1 == "best" { print $5, $7 >> (f ".best") }'
	done
done
# median of column 1 (messages/s) with its MB/s
med() { sort -n "$1" | awk '{ a[NR] = $0 } END { print a[int((NR + 1) / 2)] }'; }
for w in old new; do
	read -r mm mb < <(med "$tmp/$w.med")
	read -r bm bb < <(med "$tmp/$w.best")
	printf '%s: median of medians %s msg/s (%s MB/s), median of best %s msg/s (%s MB/s), %d rounds\n' \
	    "$w" "$mm" "$mb" "$bm" "$bb" "$rounds"
done
