#!/bin/sh
# Issue 18, many writers, exactly once, on a real PostgreSQL 15
# (pg_lib.sh): two daemons (-i a, -i b), each on its own Maildir, while
# COUNT bounces (default 5,000) and some junk arrive in each, are killed
# with SIGKILL at random moments, ten times each, and restarted; then
# both drain what is left. Then both watch one shared Maildir while 300
# more arrive, and are killed four more times each. At the end: one
# messages row per file, exactly the bounces rows `bouncectl parse` gives
# for the same bytes, every new/ empty, the junk quarantined, and each
# daemon's parse marker in the state directory (common/state_base.h).
# usage: pg_daemons_kill.sh BOUNCED BOUNCECTL PYTHON SRCDIR WORKDIR [COUNT]
bounced=$1 bouncectl=$2 python=$3 src=$4 work=$5 count=${6:-5000}
. "$src/tests/integration/lib.sh"
. "$src/tests/integration/pg_lib.sh"
set -u

pg_begin "$work" kill
cd "$work"
pa= pb= ga= gb=
# the daemons first (they would reconnect), then the server by its PID;
# lib.sh's set -e: a kill of what is gone must not end the trap
trap 'for p in $pa $pb; do kill -9 "$p" 2>/dev/null || true; done; pg_end; for p in $ga $gb; do kill "$p" 2>/dev/null || true; done' EXIT
STATE_DIRECTORY=$work/state
export STATE_DIRECTORY
mkdir -p state sent
for n in a b s; do
	mk_maildir "md$n"
done
# conf NAME MAILDIR: the daemon's configuration, the database the URI
conf() {
	printf "database: '%s'\nmaildir:\n  path: %s\n  batch_size: 50\n" \
	    "$PG_URI" "$2" >"$1.yaml"
}
conf a mda
conf b mdb
sql_pg() {
	"$PG_BIN/psql" -X -q -A -t -F "	" -v ON_ERROR_STOP=1 \
	    -h "$PG_SOCK" -U bounced -d bounced -c "$1"
}
# ms SEED: 0.1..1.5 s, the same each run: inside a batch, a commit, a
# move, or a wait for the other daemon's row locks
ms() {
	awk -v s="$1" 'BEGIN { srand(s * 7919); printf "%.3f", 0.1 + rand() * 1.4 }'
}
# started N NAME: the daemon NAME has said "started" N times
started() { [ "$(grep -c 'started' "log.$2" || true)" -ge "$1" ]; }
# kill_round N: both daemons started, killed -9 at their own moments
# once both are at work (the connection, the schema check and the first
# scan done), so that the kills land in batches, commits and moves
kill_round() {
	"$bounced" -i a -c a.yaml 2>>log.a &
	pa=$!
	"$bounced" -i b -c b.yaml 2>>log.b &
	pb=$!
	wait_for 20 started $(($1 + 1)) a || fail "daemon a did not start"
	wait_for 20 started $(($1 + 1)) b || fail "daemon b did not start"
	sleep "$(ms "$1")"
	kill -9 "$pa" 2>/dev/null || true
	sleep "$(ms "$(($1 + 1000))")"
	kill -9 "$pb" 2>/dev/null || true
	wait "$pa" 2>/dev/null || true
	wait "$pb" 2>/dev/null || true
	pa= pb=
}
# drain: both at once, each with --once, until its Maildir is empty
drain() {
	"$bounced" -i a --once -c a.yaml 2>>log.a &
	pa=$!
	"$bounced" -i b --once -c b.yaml 2>>log.b || { tail log.b; fail "drain b"; }
	wait "$pa" || { tail log.a; fail "drain a"; }
	pa= pb=
}

junk=$((count / 100))
# shellcheck disable=SC2046
"$python" "$src/tests/integration/gen_bounces.py" --bouncectl "$bouncectl" \
    --count "$count" --junk "$junk" --mode mixed --rate 1000 --out mda \
    --keep sent --prefix a --seed 11 $(templates "$src") &
ga=$!
# shellcheck disable=SC2046
"$python" "$src/tests/integration/gen_bounces.py" --bouncectl "$bouncectl" \
    --count "$count" --junk "$junk" --mode mixed --rate 1000 --out mdb \
    --keep sent --prefix b --seed 12 $(templates "$src") &
gb=$!
kills=0
while [ $kills -lt 10 ]; do
	kill_round $kills
	kills=$((kills + 1))
done
rc=0
wait "$ga" || rc=$?
ga=
[ "$rc" = 0 ] || fail "generator a: exit $rc"
wait "$gb" || rc=$?
gb=
[ "$rc" = 0 ] || fail "generator b: exit $rc"
echo "killed both $kills times while delivering; left in new/: a $(count_files mda/new), b $(count_files mdb/new)"
drain
total=$((2 * (count + junk)))
for n in a b; do
	[ "$(count_files "md$n/new")" = 0 ] || fail "md$n/new not empty"
	[ "$(count_files "md$n/cur")" = "$count" ] ||
	    fail "md$n/cur has $(count_files "md$n/cur"), want $count"
	[ "$(count_files "md$n/.Quarantine/new")" = "$junk" ] ||
	    fail "md$n: quarantine has $(count_files "md$n/.Quarantine/new"), want $junk"
	[ -e "state/bounced.$n.parsing" ] ||
	    fail "no parse marker for $n in the state directory: $(ls state)"
done
rows=$(sql_pg 'SELECT count(*) FROM messages')
[ "$rows" = "$total" ] || fail "$rows messages rows, want $total"
[ "$(sql_pg 'SELECT count(DISTINCT source_ref) FROM messages')" = "$total" ] ||
    fail "a file was recorded under two rows"
echo "two Maildirs: $rows messages rows for $total files"

# One shared Maildir: both daemons take from the same new/; a message is
# recorded by one, and the other finds it recorded or gone.
conf a mds
conf b mds
# shellcheck disable=SC2046
"$python" "$src/tests/integration/gen_bounces.py" --bouncectl "$bouncectl" \
    --count 300 --mode mixed --rate 300 --out mds --keep sent \
    --prefix s --seed 13 $(templates "$src") &
ga=$!
while [ $kills -lt 14 ]; do
	kill_round $kills
	kills=$((kills + 1))
done
wait "$ga" || rc=$?
ga=
[ "$rc" = 0 ] || fail "generator s: exit $rc"
drain
[ "$(count_files mds/new)" = 0 ] || fail "mds/new not empty"
[ "$(count_files mds/cur)" = 300 ] ||
    fail "mds/cur has $(count_files mds/cur), want 300"
total=$((total + 300))
rows=$(sql_pg 'SELECT count(*) FROM messages')
[ "$rows" = "$total" ] || fail "$rows messages rows, want $total"
[ "$(sql_pg 'SELECT count(DISTINCT source_ref) FROM messages')" = "$total" ] ||
    fail "a file was recorded under two rows"

expected_results "$bouncectl" sent >expected
sql_pg "SELECT recipient, coalesce(status, ''), reason FROM bounces" |
    sort >stored
cmp -s expected stored || { diff expected stored | head; fail "bounces rows differ from bouncectl parse"; }
# Each address's count is its counted bounces, whichever daemon wrote
# them and however often a batch was rolled back by a kill. The
# generators name some addresses in both Maildirs (u<n>-<i>@d<0..49>);
# two daemons rarely meet on one address's first bounce here, which
# daemon_pg.sh forces.
off=$(sql_pg "SELECT count(*) FROM (SELECT recipient, count(*) AS n
    FROM bounces WHERE recipient <> '' AND effect IN ('soft', 'suppressed',
    'overridden', 'confirming') GROUP BY recipient) b FULL JOIN recipients r
    ON r.address = b.recipient
    WHERE COALESCE(r.bounce_count, 0) <> COALESCE(b.n, 0)")
shared=$(sql_pg "SELECT count(*) FROM (SELECT recipient FROM bounces b
    JOIN messages m ON m.id = b.message WHERE recipient <> ''
    GROUP BY recipient HAVING count(DISTINCT substring(m.source_ref FROM '[.]([a-z])[0-9]+$')) > 1) x")
[ "$off" = 0 ] || fail "$off addresses' bounce_count differs from their counted bounces"
echo "counts: every address's bounce_count is its counted bounces ($shared addresses had bounces from two Maildirs)"
cat log.a log.b >log
! grep -Eq 'fatal|gave up|not starting' log ||
    { grep -E 'fatal|gave up|not starting' log | head; fail "a daemon gave up"; }
echo "exactly once on PostgreSQL: $rows messages rows, $(wc -l <stored) bounces rows, two daemons killed $kills times each"
