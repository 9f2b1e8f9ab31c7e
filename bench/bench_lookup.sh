#!/bin/sh
# bench/bench_lookup.sh [BUILD_DIR [N]]
#
# The lookup responders' rate (issue 15): a database of N (default
# 100,000) recipients, half suppressed, a bounced serving the socketmap
# and the policy protocol on it, then bench_lookup with 1, 4 and 16 clients
# on each, 3 s each; one request at a time per connection, as Postfix
# asks. Prints lookups/s. Builds nothing.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/release}
n=${2:-100000}
for f in "$build/daemon/bounced" "$build/bench/bench_lookup"; do
	[ -x "$f" ] || { echo "bench_lookup.sh: $f: not built" >&2; exit 1; }
done
work=$(mktemp -d /tmp/bench_lookup.XXXXXX)
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/md/new" "$work/md/cur" "$work/md/tmp"
"$build/bench/bench_lookup" fill "$work/b.db" "$n"
cat >"$work/bounced.yaml" <<YEOF
database: $work/b.db
maildir:
  path: $work/md
lookup:
  socketmap: $work/socketmap
  policy: $work/policy
YEOF
"$build/daemon/bounced" -c "$work/bounced.yaml" 2>"$work/log" &
pid=$!
i=0
while [ ! -S "$work/policy" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -S "$work/policy" ] || { cat "$work/log"; exit 1; }
echo "$(nproc) CPUs, $n recipients"
for c in 1 4 16; do
	"$build/bench/bench_lookup" run socketmap "$work/socketmap" $c 3 "$n"
	"$build/bench/bench_lookup" run policy "$work/policy" $c 3 "$n"
done
