#!/usr/bin/env bash
# bench/bench_ingest.sh [BUILD_DIR [COUNT]]
#
# End-to-end ingest: COUNT (default 20,000) generated bounces -- the
# project's own templates (examples/, tests/fixtures/families/) with varying
# recipients -- delivered into a fresh Maildir, then one `bounced --once`
# run records them all in a fresh SQLite file. Prints messages/s and the
# peak RSS of that run (bench_rss), and checks the counts. Builds nothing:
# build first (cmake --preset release && cmake --build --preset release).
#
# Environment: RUNS (default 3; each run starts from a fresh copy, the best
# is kept), LOG (log.level of the runs, default info: one line per
# recipient, written to a file as the journal would get them), PAD_KB
# (default 0: append that many KiB to every bounce, as a big returned
# original; shows that memory does not grow with message size), GEN (a
# directory to keep the generated Maildir in and to reuse when it is
# there: two builds timed back to back on the same files; generating
# 100,000 messages takes minutes).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$root/build/release}
count=${2:-20000}
runs=${RUNS:-3}
level=${LOG:-info}
bounced=$build/daemon/bounced
bouncectl=$build/cli/bouncectl
rss=$build/bench/bench_rss
for f in "$bounced" "$bouncectl" "$rss"; do
	[[ -x $f ]] || { echo "bench_ingest.sh: $f: not built" >&2; exit 1; }
done
work=$(mktemp -d /tmp/bench_ingest.XXXXXX)
trap 'rm -rf "$work"' EXIT

gen=${GEN:-$work/gen}
if [[ ! -d $gen/new ]]; then
	mkdir -p "$gen/new" "$gen/cur" "$gen/tmp"
	/usr/bin/python3 "$root/tests/integration/gen_bounces.py" \
	    --bouncectl "$bouncectl" --count "$count" --out "$gen" \
	    --pad-kb "${PAD_KB:-0}" \
	    "$root"/examples/maildir/new/* "$root"/tests/fixtures/families/*.eml
fi
bytes=$(du -sb "$gen/new" | cut -f1)
echo "bench_ingest: $count messages, $((bytes / 1024)) KiB, log.level $level"

best=
for run in $(seq 1 "$runs"); do
	rm -rf "$work/md" "$work/db"*
	cp -a "$gen" "$work/md"
	printf 'database: %s/db\nmaildir:\n  path: %s/md\nlog:\n  level: %s\n' \
	    "$work" "$work" "$level" >"$work/conf.yaml"
	sync
	"$rss" -o "$work/rss" "$bounced" --once -c "$work/conf.yaml" 2>"$work/log"
	secs=$(awk '$1 == "seconds" { print $2 }' "$work/rss")
	kib=$(awk '$1 == "peak_rss_kib" { print $2 }' "$work/rss")
	rows=$(sqlite3 -readonly "$work/db" 'SELECT count(*) FROM messages')
	recips=$(sqlite3 -readonly "$work/db" 'SELECT count(*) FROM bounces')
	[[ $rows == "$count" ]] || { echo "run $run: $rows rows, want $count" >&2; exit 1; }
	left=$(find "$work/md/new" -type f | wc -l)
	[[ $left == 0 ]] || { echo "run $run: $left left in new/" >&2; exit 1; }
	rate=$(awk -v n="$count" -v s="$secs" 'BEGIN { printf "%.0f", n / s }')
	printf 'run %d: %.2f s, %s msg/s, peak RSS %.1f MiB, %s bounces rows, %s log lines\n' \
	    "$run" "$secs" "$rate" "$(awk -v k="$kib" 'BEGIN { print k / 1024 }')" \
	    "$recips" "$(wc -l <"$work/log")"
	if [[ -z $best || $rate -gt $best ]]; then best=$rate; fi
done
echo "best: $best messages/s end to end (goal: >= 5000, peak RSS <= 32 MiB)"
