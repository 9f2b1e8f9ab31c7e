#!/usr/bin/env bash
# bench/bench_upkeep.sh [BUILD_DIR [ROWS]]
#
# Issue 15 items 6 and 7, the figures docs/INTEGRATION.md and
# docs/schema.md quote. On a database of ROWS (default 200,000) old
# messages with one bounce each and ROWS/4 recipients (made with SQL,
# realistic column sizes):
#   metrics: how long the counts of the metrics file take (3 runs);
#   purge:   `bounced --once` with retention.messages: 1d -- every row is
#            older -- rows/s through the 1,000-row transactions;
#   ingest:  the daemon (not --once) on a copy of that database, 5,000
#            generated bounces moved into new/ at once, the seconds until
#            all are recorded: without retention, and with the purge of
#            the ROWS old messages running at the same time;
#   forget:  `bouncectl forget` of one address on the full database
#            (its sweep reads every TEXT and BLOB column).
# Builds nothing (build/ci by default: the release flags).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "${1:-$root/build/ci}" && pwd)
rows=${2:-200000}
bounced=$build/daemon/bounced
bouncectl=$build/cli/bouncectl
work=$(mktemp -d /tmp/bench_upkeep.XXXXXX)
pid=
trap '[[ -n $pid ]] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
cd "$work"
mkdir -p md/new md/cur md/tmp
"$bounced" --once -d base.db -m md 2>/dev/null
q=$((rows / 4))
sqlite3 base.db <<SQL
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $rows)
INSERT INTO messages (id, sha256, source_ref, message_id, outcome,
 received_at, processed_at)
SELECT i, printf('%064x', i), printf('%d.M%dP1Q1.mx.example:2,S', 1700000000 + i, i),
 printf('%d.abc@mx.example', i), 'bounce', 1700000000 + i, 1700000000 + i FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $rows)
INSERT INTO bounces (message, recipient, action, status, reply_code, reason,
 hard, class, diagnostic, remote_mta, original_message_id, rule, family, at)
SELECT i, printf('u%d@d%d.example', i % $q, i % $q % 50), 'failed', '5.1.1', 550,
 CASE i % 3 WHEN 0 THEN 'userunknown' WHEN 1 THEN 'mailboxfull' ELSE 'expired' END,
 i % 3 = 0, CASE i % 3 WHEN 0 THEN 'permanent' ELSE 'transient' END,
 printf('550 5.1.1 <u%d@d%d.example>: Recipient address rejected: User unknown in virtual mailbox table', i % $q, i % $q % 50),
 'mx.d.example', printf('%d.xyz@app.example', i), 'status', 'rfc3464', 1700000000 + i FROM n;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $q - 1)
INSERT INTO recipients (address, domain, state, reason, bounce_count,
 first_bounce_at, last_bounce_at, suppressed_at)
SELECT printf('u%d@d%d.example', i, i % 50), printf('d%d.example', i % 50),
 CASE i % 3 WHEN 0 THEN 'suppressed' ELSE 'soft' END, 'userunknown', 4,
 1700000000, 1700000000, 1700000000 FROM n;
SQL
echo "bench_upkeep: $rows messages, $rows bounces, $q recipients; $(du -m base.db | cut -f1) MiB"

conf() { # conf DB [retention lines]
	printf 'database: %s\nmaildir:\n  path: md\nmetrics:\n  file: m.prom\n' "$1"
	shift
	if [[ $# -gt 0 ]]; then printf 'retention:\n'; printf '  %s\n' "$@"; fi
}

# metrics: the counts alone
cp base.db m.db
conf m.db >m.yaml
for r in 1 2 3; do
	"$bounced" --once -v -c m.yaml 2>&1 | grep -o 'counts read in [0-9.]* ms'
done | sed 's/^/metrics: /'

# purge: --once, all of it
cp base.db p.db
conf p.db 'messages: 1d' >p.yaml
t0=$(date +%s.%N)
"$bounced" --once -c p.yaml 2>p.log
t1=$(date +%s.%N)
left=$(sqlite3 p.db 'SELECT count(*) FROM messages')
awk -v n="$rows" -v a="$t0" -v b="$t1" -v l="$left" 'BEGIN {
	printf "purge: %d messages (and as many bounces) in %.2f s: %.0f messages/s; %d left\n",
	    n, b - a, n / (b - a), l }'

# ingest: 5,000 bounces, without and with the purge running
mkdir -p gen/new gen/cur gen/tmp
/usr/bin/python3 "$root/tests/integration/gen_bounces.py" --bouncectl "$bouncectl" \
    --count 5000 --out gen "$root"/examples/maildir/new/* \
    "$root"/tests/fixtures/families/*.eml
ingest() { # ingest NAME [retention lines]
	local name=$1 t0 t1 n
	shift
	rm -rf md && mkdir -p md/new md/cur md/tmp
	cp base.db "$name.db"
	conf "$name.db" "$@" >"$name.yaml"
	"$bounced" -c "$name.yaml" 2>"$name.log" &
	pid=$!
	until grep -q 'started' "$name.log" 2>/dev/null; do sleep 0.05; done
	sleep 0.5 # the purge under way (when set)
	t0=$(date +%s.%N)
	mv gen/new/* md/new/
	until [[ $(sqlite3 "$name.db" "SELECT count(*) FROM messages WHERE processed_at > 1750000000" 2>/dev/null || echo 0) -ge 5000 ]]; do
		sleep 0.05
	done
	t1=$(date +%s.%N)
	n=$(sqlite3 "$name.db" 'SELECT count(*) FROM messages WHERE processed_at < 1750000000')
	kill "$pid"; wait "$pid" || true; pid=
	mv md/cur/* gen/new/ 2>/dev/null || true
	for f in gen/new/*:2,S; do mv "$f" "${f%:2,S}"; done
	awk -v a="$t0" -v b="$t1" -v n="$n" -v w="$name" 'BEGIN {
		printf "ingest %s: 5000 bounces in %.2f s: %.0f/s (old messages left then: %d)\n",
		    w, b - a, 5000 / (b - a), n }'
}
ingest alone
ingest purging 'messages: 1d'
{ grep -c 'retention' purging.log || true; } | sed 's/^/purging: retention log lines: /'

# forget on the full database: the whole run, and how long another
# writer finds the database locked meanwhile (BEGIN IMMEDIATE every 10 ms)
cp base.db f.db
t0=$(date +%s.%N)
"$bouncectl" -d f.db forget u7@d7.example &
fpid=$!
locked=0 longest=0
while kill -0 "$fpid" 2>/dev/null; do
	if sqlite3 -cmd '.timeout 0' f.db 'BEGIN IMMEDIATE; COMMIT;' >/dev/null 2>&1; then
		locked=0
	else
		locked=$((locked + 1))
		[[ $locked -gt $longest ]] && longest=$locked
	fi
	sleep 0.01
done
wait "$fpid"
t1=$(date +%s.%N)
awk -v a="$t0" -v b="$t1" -v l="$longest" 'BEGIN {
	printf "forget: %.2f s on the full database; another writer locked out for about %d polls of 10 ms in a row\n", b - a, l }'
