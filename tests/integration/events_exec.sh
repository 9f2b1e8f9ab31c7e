#!/bin/sh
# The exec hook (issue 15 item 3, events.exec): several events in one
# run, one JSON line each, on its standard input only (not in its
# arguments, not in its environment); a non-zero exit is a failure
# retried with the same events; a hook past events.timeout is killed
# with everything it started, and its events stay pending.
# usage: events_exec.sh BOUNCED BOUNCECTL PYTHON SRCDIR WORKDIR
bounced=$1 bouncectl=$2 python=$3 src=$4 work=$5
. "$src/tests/integration/lib.sh"
. "$src/tests/integration/events_lib.sh"
rm -rf "$work" && mkdir -p "$work" && cd "$work"
mk_maildir md
conf() { # conf FILE HOOK-COMMAND
	printf 'database: db\nmaildir:\n  path: md\nevents:\n  exec: "%s"\n  timeout: 1s\n  batch: 10\n' \
	    "$2" >"$1"
}
pending() { sql db "SELECT count(*) FROM event_deliveries WHERE state = 'pending'"; }
# the hook: its arguments and environment, then its input, per run
cat >hook.sh <<'SH'
#!/bin/sh
{ echo "args: $*"; env; } >>"$1/seen"
echo "run" >>"$1/runs"
cat >>"$1/out"
exit "${HOOK_EXIT:-0}"
SH
"$bounced" --once -c /dev/null -d db -m md 2>>log || { cat log; fail "bounced"; }
for a in one two three; do
	"$bouncectl" -d db suppress "$a@example.org" --note "n-$a" >/dev/null
done

# a failure: exit 3, the events stay pending, said once
conf fail.yaml "sh $PWD/hook.sh $PWD; exit 3"
"$bounced" --once -c fail.yaml 2>>log || fail "bounced"
[ "$(pending)" = 3 ] || fail "after exit 3: $(pending) pending, want 3"
[ "$(sql db "SELECT DISTINCT last_error FROM event_deliveries")" = "exited 3" ] ||
    fail "last_error: $(sql db 'SELECT last_error FROM event_deliveries')"
[ "$(grep -c 'not delivered, retrying: exited 3' log)" = 3 ] || fail "the failure was not logged once per event"
echo "exit 3: the 3 events stay pending, the failure logged once each"

# delivered, in one run of three lines, the payload on stdin only
# (the failed run read them too: what it did with them counts for nothing)
: >out
: >runs
conf ok.yaml "sh $PWD/hook.sh $PWD"
wait_for 10 sh -c "'$bounced' --once -c ok.yaml 2>>log; [ \"\$(sqlite3 -readonly db \"SELECT count(*) FROM event_deliveries WHERE state = 'delivered'\")\" = 3 ]" ||
    fail "not delivered after the failure: $(pending) pending"
[ "$(cat runs)" = run ] && [ "$(wc -l <out)" = 3 ] || fail "want one run of 3 lines: $(cat out)"
[ "$(hook_ids out | sort)" = "$(sql db 'SELECT uuid FROM events ORDER BY uuid')" ] || fail "the hook's ids differ"
grep -q "example.org" seen && fail "an event reached the hook's arguments or environment"
grep -q '"note":"n-two"' out || fail "payload: $(cat out)"
echo "delivered: one run, 3 JSON lines, the payload on stdin only"

# past the timeout: killed, with what it started
"$bouncectl" -d db suppress slow@example.org >/dev/null
conf slow.yaml 'sleep 30 & echo $! >'"$PWD"'/sleep.pid; wait'
"$bounced" --once -c slow.yaml 2>>log || fail "bounced"
[ "$(pending)" = 1 ] || fail "the slow hook's event is not pending"
grep -q "timed out after 1s (killed)" log || fail "the timeout was not logged"
spid=$(cat sleep.pid)
wait_for 5 sh -c "! kill -0 $spid" || fail "the hook's child $spid survived the timeout"
echo "timeout: the hook and its child killed, the event pending"

# SIGHUP: the worker restarts with the new configuration
conf live.yaml "cat >>$PWD/before"
"$bounced" -c live.yaml 2>>log &
pid=$!
trap 'kill "$pid" 2>/dev/null || true' EXIT
"$bouncectl" -d db suppress hup1@example.org >/dev/null
wait_for 10 grep -q hup1@example.org before || fail "the running daemon did not deliver"
conf live.yaml "cat >>$PWD/after"
starts=$(grep -c 'events: delivering to' log)
kill -HUP "$pid"
wait_for 10 sh -c "grep -c 'events: delivering to' log | grep -qx $((starts + 1))" ||
    fail "no restart of the worker after SIGHUP: $(grep 'events: delivering' log)"
"$bouncectl" -d db suppress hup2@example.org >/dev/null
wait_for 10 grep -q hup2@example.org after || fail "after SIGHUP the event did not go to the new hook"
grep -q hup2@example.org before && fail "after SIGHUP the old hook still ran"
kill "$pid"
wait "$pid" || fail "bounced did not stop cleanly"
trap - EXIT
echo "SIGHUP: the worker restarted with the new hook"
