#!/usr/bin/env bash
# bench/bench_import.sh [BUILD_DIR [COUNT]]
#
# Bulk suppression (issue 15 item 5): COUNT (default 1,000,000) distinct
# generated addresses, in random order, as a Mailgun bounces export (CSV
# with a header, a quoted error text), imported by one
# `bouncectl suppress --from FILE` into a database that already holds a
# few thousand recipients. Prints the wall time, addresses per second and
# the peak RSS (bench_rss), then checks the count with `bouncectl list`.
# A second run of the same file measures the "already suppressed" path.
# Builds nothing: build first (cmake --preset release && cmake --build
# --preset release; the ci build works too).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$root/build/release}
count=${2:-1000000}
bouncectl=$build/cli/bouncectl
bounced=$build/daemon/bounced
rss=$build/bench/bench_rss
for f in "$bouncectl" "$bounced" "$rss"; do
	[[ -x $f ]] || { echo "bench_import.sh: $f: not built" >&2; exit 1; }
done
work=$(mktemp -d /tmp/bench_import.XXXXXX)
trap 'rm -rf "$work"' EXIT

/usr/bin/python3 - "$count" "$work/export.csv" <<'PY'
import random, sys
n, path = int(sys.argv[1]), sys.argv[2]
idx = list(range(n))
random.seed(15)
random.shuffle(idx)
with open(path, "w", newline="") as f:
    f.write("address,code,error,created_at\r\n")
    for i in idx:
        f.write('user%07d@d%03d.example.com,550,"5.1.1 no such user, sorry",'
                '"Mon, 07 Dec 2026 01:00:00 UTC"\r\n' % (i, i % 997))
PY
echo "bench_import: $count addresses, $(($(stat -c %s "$work/export.csv") / 1024 / 1024)) MiB of CSV"

# an empty database of the current schema: what bounced creates
mkdir -p "$work/md/new" "$work/md/cur" "$work/md/tmp"
"$bounced" --once -m "$work/md" -d "$work/db" >/dev/null 2>&1

for pass in first second; do
	out=$("$rss" "$bouncectl" -d "$work/db" suppress --from \
	    "$work/export.csv" --source mailgun --reason "mailgun bounce" \
	    2>&1 >"$work/summary")
	echo "bench_import: $pass run: $(cat "$work/summary")"
	echo "bench_import: $pass run: $out"
done
got=$("$bouncectl" -d "$work/db" list --state suppressed --csv | tail -n +2 |
    wc -l)
[[ $got -eq $count ]] || { echo "bench_import: $got suppressed, want $count" >&2; exit 1; }
echo "bench_import: $got addresses suppressed (checked with bouncectl list)"
