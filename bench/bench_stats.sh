#!/usr/bin/env bash
# bench/bench_stats.sh [BUILD_DIR [BOUNCES [OLD_BUILD_DIR]]]
#
# `bouncectl stats` (by reason, domain and day: what it prints without
# --by) on a database of BOUNCES (default 1,000,000) bounce rows, half as
# many messages: 200,000 addresses over 2,000 domains, 20 reasons, a
# year of days. The rows are made by SQL (seconds, not the hours the
# daemon would take), in a file that BUILD_DIR's bounced created and
# migrated: OLD_BUILD_DIR, when given, creates it instead, and BUILD_DIR's
# bounced then migrates it, as an upgrade would. Prints the best wall
# time of RUNS (default 5) runs of stats and of stats --since (which
# reads the rows). Builds nothing.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$root/build/release}
n=${2:-1000000}
old=${3:-$build}
runs=${RUNS:-5}
for f in "$build/daemon/bounced" "$build/cli/bouncectl" "$old/daemon/bounced"; do
	[[ -x $f ]] || { echo "bench_stats.sh: $f: not built" >&2; exit 1; }
done
command -v sqlite3 >/dev/null || { echo "bench_stats.sh: needs sqlite3" >&2; exit 1; }
work=$(mktemp -d /tmp/bench_stats.XXXXXX)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/md/new" "$work/md/cur" "$work/md/tmp"
printf 'database: %s/db\nmaildir:\n  path: %s/md\nlog:\n  level: warning\n' \
    "$work" "$work" >"$work/conf.yaml"
"$old/daemon/bounced" --once -c "$work/conf.yaml"
t0=$(date +%s.%N)
sqlite3 "$work/db" <<SQL
PRAGMA journal_mode = WAL;
BEGIN;
WITH RECURSIVE i(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM i WHERE x < $n / 2)
INSERT INTO messages (id, sha256, source_ref, outcome, received_at,
    processed_at)
SELECT x, printf('%064x', x), 'new/' || x, 'bounce', 1700000000 + x * 31,
    1700000000 + x * 31 FROM i;
WITH RECURSIVE i(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM i WHERE x < $n)
INSERT INTO bounces (message, recipient, action, status, reason, hard,
    class, at, effect)
SELECT (x + 1) / 2,
    'user' || (x * 7919 % 200000) || '@d' || (x * 7919 % 200000 % 2000)
      || '.example',
    'failed', '5.1.1',
    CASE x % 20 WHEN 0 THEN 'mailboxfull' WHEN 1 THEN 'blocked'
      WHEN 2 THEN 'expired' ELSE 'reason' || (x % 20) END,
    x % 3 = 0, 'permanent', 1700000000 + x * 31 / 2,
    CASE x % 7 WHEN 0 THEN 'sender' WHEN 1 THEN 'unverified'
      ELSE 'recorded' END FROM i;
COMMIT;
SQL
# Since schema v14 (SQLite) bounced counts what its own transactions add,
# not what SQL inserts (docs/schema.md): count the rows made here as the
# migration that made the counters did (storage/migrate.c, STATS_FILL).
# An older build's file (v13 and before) counted them by its trigger.
if [[ $(sqlite3 "$work/db" 'PRAGMA user_version') -ge 14 ]]; then
	sqlite3 "$work/db" <<SQL
BEGIN;
DELETE FROM bounce_stats;
DELETE FROM bounce_stats_rcpt;
INSERT INTO bounce_stats_rcpt SELECT ifnull(reason, ''), recipient, count(*)
  FROM bounces GROUP BY 1, 2;
INSERT INTO bounce_stats SELECT 'reason', ifnull(reason, ''), count(*),
  count(DISTINCT recipient), sum(hard),
  count(CASE WHEN effect = 'sender' THEN 1 END),
  count(CASE WHEN effect = 'unverified' THEN 1 END) FROM bounces GROUP BY 2;
INSERT INTO bounce_stats SELECT 'domain', substr(recipient,
  length(rtrim(recipient, replace(recipient, '@', ''))) + 1), count(*),
  count(DISTINCT recipient), sum(hard),
  count(CASE WHEN effect = 'sender' THEN 1 END),
  count(CASE WHEN effect = 'unverified' THEN 1 END) FROM bounces GROUP BY 2;
INSERT INTO bounce_stats SELECT 'day', ifnull(strftime('%Y-%m-%d',
  COALESCE(bounced_at, at), 'unixepoch'), ''), count(*),
  count(DISTINCT recipient), sum(hard),
  count(CASE WHEN effect = 'sender' THEN 1 END),
  count(CASE WHEN effect = 'unverified' THEN 1 END) FROM bounces GROUP BY 2;
COMMIT;
SQL
fi
t1=$(date +%s.%N)
# a newer build migrates the file (schema v10 counts what is there)
"$build/daemon/bounced" --once -c "$work/conf.yaml"
t2=$(date +%s.%N)
echo "bench_stats: $n bounces made in $(awk -v a="$t0" -v b="$t1" \
    'BEGIN { printf "%.1f", b - a }') s; bounced --once (migration) $(awk \
    -v a="$t1" -v b="$t2" 'BEGIN { printf "%.1f", b - a }') s;" \
    "$(($(stat -c %s "$work/db") / 1048576)) MiB"

best() { # command...: the best wall time of $runs runs, in ms
	local b= t s e
	for _ in $(seq 1 "$runs"); do
		s=$(date +%s%N)
		"$@" >/dev/null
		e=$(date +%s%N)
		t=$(((e - s) / 1000000))
		if [[ -z $b || $t -lt $b ]]; then b=$t; fi
	done
	echo "$b"
}
ctl=("$build/cli/bouncectl" -d "$work/db")
"${ctl[@]}" stats | sed -n 1,3p
echo "stats: $(best "${ctl[@]}" stats) ms (best of $runs)"
echo "stats --since 2023-01-01: $(best "${ctl[@]}" stats --since 2023-01-01) ms (best of $runs)"
