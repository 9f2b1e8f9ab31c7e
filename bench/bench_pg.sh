#!/usr/bin/env bash
# bench/bench_pg.sh [BUILD_DIR [COUNT]]
#
# Issue 18 item 5: the ingest rate of 1, 2 and 4 daemons writing one
# PostgreSQL database, beside one daemon on an SQLite file, in the same
# run on the same messages. COUNT (default 20,000) generated bounces
# (tests/integration/gen_bounces.py, the project's own templates) are
# dealt round-robin into K Maildirs; K daemons (`bounced -i dN --once`),
# started together, each drain their own; the time is from the start of
# the first to the end of the last. PostgreSQL 15 is Debian's, unpacked
# and started by tests/integration/pg_lib.sh on a Unix socket, with fsync
# ON (SQLite's synchronous=FULL is on too), stopped by PID at the end.
# Each run starts from an empty database. Builds nothing: build first
# (cmake --preset release && cmake --build --preset release).
#
# Environment: RUNS (default 2; the best of them is kept), DAEMONS
# (default "1 2 4"), GEN (a directory to keep the generated Maildir in and
# reuse; generating takes a minute per 20,000).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$root/build/release}
count=${2:-20000}
runs=${RUNS:-2}
daemons=${DAEMONS:-1 2 4}
bounced=$build/daemon/bounced
bouncectl=$build/cli/bouncectl
for f in "$bounced" "$bouncectl"; do
	[[ -x $f ]] || { echo "bench_pg.sh: $f: not built" >&2; exit 1; }
done

# pg_lib.sh is written for the tests' sh; its helpers work under bash
. "$root/tests/integration/lib.sh"
set +e
PG_FSYNC=on BD_INTEG_DIR=$root/tests/integration
. "$root/tests/integration/pg_lib.sh"
set -euo pipefail
pg_begin "$(mktemp -d /tmp/bench_pg.XXXXXX)" bench
trap 'pg_end; rm -rf "$work"' EXIT

gen=${GEN:-$work/gen}
if [[ ! -d $gen/new ]]; then
	mkdir -p "$gen/new" "$gen/cur" "$gen/tmp"
	/usr/bin/python3 "$root/tests/integration/gen_bounces.py" \
	    --bouncectl "$bouncectl" --count "$count" --out "$gen" \
	    "$root"/examples/maildir/new/* "$root"/tests/fixtures/families/*.eml
fi
count=$(find "$gen/new" -type f | wc -l)

psql_() {
	"$PG_BIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 -h "$PG_SOCK" \
	    -U bounced -d bounced -c "SET client_min_messages = warning; $1"
}

# deal K: the messages dealt round-robin into md1..mdK
deal() {
	local k=$1 i=0 f
	rm -rf "$work"/md*
	for ((i = 1; i <= k; i++)); do
		mkdir -p "$work/md$i/new" "$work/md$i/cur" "$work/md$i/tmp"
	done
	i=0
	for f in "$gen"/new/*; do
		cp "$f" "$work/md$((i % k + 1))/new/"
		i=$((i + 1))
	done
	sync
}

# run DB K: K daemons on DB, started together; prints the seconds
run() {
	local db=$1 k=$2 i t0 t1 pids=()
	for ((i = 1; i <= k; i++)); do
		printf "database: '%s'\nmaildir:\n  path: %s\nlog:\n  level: warning\n" \
		    "$db" "$work/md$i" >"$work/d$i.yaml"
	done
	t0=$EPOCHREALTIME
	for ((i = 1; i <= k; i++)); do
		STATE_DIRECTORY=$work "$bounced" -i "d$i" --once \
		    -c "$work/d$i.yaml" 2>>"$work/log.$k" &
		pids+=($!)
	done
	for i in "${pids[@]}"; do
		wait "$i" || { tail "$work/log.$k" >&2; exit 1; }
	done
	t1=$EPOCHREALTIME
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }'
}

echo "# bench_pg.sh $(date -u +%Y-%m-%dT%H:%MZ) on $(uname -m), $(nproc) cores"
echo "# $count messages; PostgreSQL $("$PG_BIN/postgres" --version | awk '{ print $3 }') (fsync on), SQLite $(sqlite3 --version | awk '{ print $1 }') (synchronous FULL)"
printf '%-24s %8s %10s %12s\n' "database" "daemons" "seconds" "messages/s"
best_line() { # NAME K SECS...
	local name=$1 k=$2 best
	shift 2
	best=$(printf '%s\n' "$@" | sort -n | head -n 1)
	printf '%-24s %8s %10s %12.0f\n' "$name" "$k" "$best" \
	    "$(awk -v n="$count" -v s="$best" 'BEGIN { print n / s }')"
}

secs=()
for ((r = 0; r < runs; r++)); do
	deal 1
	rm -f "$work"/sq.db*
	secs+=("$(run "$work/sq.db" 1)")
	rows=$(sqlite3 -readonly "$work/sq.db" 'SELECT count(*) FROM messages')
	[[ $rows == "$count" ]] || { echo "sqlite: $rows rows, want $count" >&2; exit 1; }
done
best_line "SQLite file" 1 "${secs[@]}"

for k in $daemons; do
	secs=()
	for ((r = 0; r < runs; r++)); do
		deal "$k"
		psql_ "DROP SCHEMA public CASCADE; CREATE SCHEMA public"
		secs+=("$(run "$PG_URI" "$k")")
		rows=$(psql_ 'SELECT count(*) FROM messages')
		[[ $rows == "$count" ]] || { echo "postgresql, $k daemons: $rows rows, want $count" >&2; exit 1; }
	done
	best_line "PostgreSQL (socket)" "$k" "${secs[@]}"
done
