#!/bin/sh
# Issue 18: a PostgreSQL restart under a running daemon loses nothing and
# needs no person. While 1,500 bounces arrive, the server is stopped the
# way a crash or an operator's restart stops it (fast shutdown: every
# session ended) and comes back 3 s later; a second time during a pause
# in the arrivals. The daemon, never restarted, says once per outage that
# nothing was acknowledged, reconnects by itself, and at the end every
# message is recorded once with the bounces `bouncectl parse` gives.
# usage: pg_restart.sh BOUNCED BOUNCECTL PYTHON SRCDIR WORKDIR
bounced=$1 bouncectl=$2 python=$3 src=$4 work=$5
. "$src/tests/integration/lib.sh"
. "$src/tests/integration/pg_lib.sh"
set -u

pg_begin "$work" restart
cd "$work"
pid= gen=
# lib.sh's set -e: a kill of what is gone must not end the trap
trap '[ -z "$pid" ] || kill -9 "$pid" 2>/dev/null || true; pg_end; [ -z "$gen" ] || kill "$gen" 2>/dev/null || true' EXIT
STATE_DIRECTORY=$work/state
export STATE_DIRECTORY
mkdir -p state
mk_maildir md
printf "database: '%s'\nmaildir:\n  path: md\n  batch_size: 50\n  rescan_interval: 10\n" \
    "$PG_URI" >bounced.yaml
sql_pg() {
	"$PG_BIN/psql" -X -q -A -t -F "	" -v ON_ERROR_STOP=1 \
	    -h "$PG_SOCK" -U bounced -d bounced -c "$1"
}

"$bounced" -c bounced.yaml 2>log &
pid=$!
started() { grep -q 'started' log; }
wait_for 20 started || { cat log; fail "bounced did not start"; }

# shellcheck disable=SC2046
"$python" "$src/tests/integration/gen_bounces.py" --bouncectl "$bouncectl" \
    --count 1000 --mode mixed --rate 250 --out md --keep sent --seed 21 \
    $(templates "$src") &
gen=$!
sleep 1.5
pg_restart 3
echo "restart 1 (during arrivals): postgres $PG_PID"
wait "$gen" || fail "generator"
gen=
empty() { [ "$(count_files md/new)" = 0 ]; }
wait_for 120 empty || { tail log; fail "new/ not emptied after restart 1: $(count_files md/new) left"; }

# down while the daemon is idle; mail arrives while it is down
pg_restart 0 &
rs=$!
# shellcheck disable=SC2046
"$python" "$src/tests/integration/gen_bounces.py" --bouncectl "$bouncectl" \
    --count 500 --mode rename --out md --keep sent --seed 22 --prefix r2 \
    $(templates "$src")
wait "$rs" || fail "restart 2"
wait_for 120 empty || { tail log; fail "new/ not emptied after restart 2: $(count_files md/new) left"; }
kill -0 "$pid" || { tail log; fail "bounced died"; }
kill -TERM "$pid"
wait "$pid" || { tail log; fail "bounced did not stop cleanly: exit $?"; }
pid=

rows=$(sql_pg 'SELECT count(*) FROM messages')
[ "$rows" = 1500 ] || fail "$rows messages rows, want 1500"
[ "$(count_files md/cur)" = 1500 ] || fail "cur/ has $(count_files md/cur), want 1500"
expected_results "$bouncectl" sent >expected
sql_pg "SELECT recipient, coalesce(status, ''), reason FROM bounces" |
    sort >stored
cmp -s expected stored || { diff expected stored | head; fail "bounces rows differ from bouncectl parse"; }
! grep -Eq 'fatal|gave up|not starting' log ||
    { grep -E 'fatal|gave up|not starting' log | head; fail "bounced gave up"; }
# said once per outage: the failure, the retry, and that it is over; the
# attempts to reconnect in between are debug lines
outages=$(grep -c 'retrying, nothing was acknowledged' log || true)
[ "$outages" -ge 1 ] || { cat log; fail "the outage was not said"; }
[ "$outages" -le 2 ] || { grep 'retrying' log; fail "the outage was said $outages times, want once per outage"; }
said=$(grep 'bounced: store: ' log | grep -vc 'takes writes again' || true)
[ "$said" = "$outages" ] || { grep 'bounced: store: ' log; fail "$said store failures said for $outages outages"; }
over=$(grep -c 'store: the database takes writes again' log || true)
[ "$over" = "$outages" ] || fail "$over ends of an outage said for $outages outages"
echo "two PostgreSQL restarts under a running daemon: $rows messages rows, $(wc -l <stored) bounces rows, outages said $outages times"
