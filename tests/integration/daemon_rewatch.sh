#!/bin/sh
# Issue 14 item 5: a Maildir removed and made again (rm -rf; mkdir), moved
# away and made again (mv md md.old; mkdir), or whose new/ alone is moved
# and made again, is watched again: a message delivered afterwards is
# recorded within a few seconds, with rescan_interval at an hour. Each
# absence is said once, and the return. Junk goes to the quarantine,
# made again inside the new Maildir. Before the fix the watch stayed on
# the old directory and new mail waited for the next rescan.
# usage: daemon_rewatch.sh BOUNCED BOUNCECTL PYTHON SRCDIR WORKDIR
bounced=$1 bouncectl=$2 python=$3 src=$4 work=$5
. "$src/tests/integration/lib.sh"
rm -rf "$work" && mkdir -p "$work" && cd "$work"
mk_maildir md
printf 'database: bounced.db\nmaildir:\n  path: md\n  rescan_interval: 1h\n' >bounced.yaml
pid=
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; true' EXIT
ex=$src/examples/maildir/new
set -- "$ex"/*

rows() { [ "$(sql bounced.db 'SELECT count(*) FROM messages')" = "$1" ]; }
n=0
# deliver SECONDS: the next example by rename(), recorded within SECONDS
deliver() {
	n=$((n + 1))
	cp "$1" md/tmp/m$n
	t0=$(date +%s%N)
	mv md/tmp/m$n md/new/m$n
	wait_for "$2" rows $n ||
	    { cat log; fail "message $n not recorded within $2 s ($3)"; }
	echo "info: message $n ($3) recorded $((($(date +%s%N) - t0) / 1000000)) ms after delivery"
}

"$bounced" -c bounced.yaml 2>log &
pid=$!
wait_for 10 grep -q 'started' log || { cat log; fail "did not start"; }
deliver "$1" 5 "at start"; shift

# again CASE: one absence and return, then two deliveries: one right
# away (found by the pass that follows the return), one once the
# watch is back (inotify alone: no rescan for an hour)
again() {
	deliver "$1" 5 "$3, first"
	sleep 1.5
	deliver "$2" 2 "$3, by inotify"
}
rm -rf md && mk_maildir md
again "$1" "$2" "rm -rf and mkdir"; shift 2

mv md md.old && mk_maildir md
again "$1" "$2" "mv away and mkdir"; shift 2
[ "$(count_files md.old/new)" = 0 ] || fail "md.old/new was read from"

mv md/new md/new.old && mkdir md/new
again "$1" "$2" "new/ moved and made again"; shift 2

# junk goes to md/.Quarantine, which the rm -rf had taken
printf 'not a message at all\n' >md/tmp/junk
mv md/tmp/junk md/new/junk
n=$((n + 1))
wait_for 5 rows $n || { cat log; fail "the junk was not recorded"; }
wait_for 5 test -e md/.Quarantine/new/junk ||
    { cat log; fail "the junk is not in the quarantine made again"; }

gone=$(grep -c 'removed or moved away' log || true)
back=$(grep -c 'back, watched again' log || true)
[ "$gone" = 3 ] || { cat log; fail "absences said $gone times, want 3"; }
[ "$back" = 3 ] || { cat log; fail "returns said $back times, want 3"; }

kill -TERM "$pid"
wait_for 5 eval '! kill -0 '"$pid" || fail "still running 5 s after SIGTERM"
wait "$pid" || fail "exit status $? after SIGTERM"
pid=
echo "the Maildir and its new/ made again are watched again: ok"
