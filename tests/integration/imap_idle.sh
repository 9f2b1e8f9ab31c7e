#!/bin/sh
# The daemon with idle: true against a real Dovecot. A bounce APPENDed
# while it waits in IDLE (RFC 2177) is in the database within 3 s (each
# latency printed; poll_interval is 60 s, so only IDLE can be that quick).
# Then Dovecot is stopped under it and started again: bounced says so once,
# reconnects by itself, and a bounce APPENDed after the restart is
# recorded without restarting bounced. SIGTERM ends it cleanly.
# usage: imap_idle.sh BOUNCED BOUNCECTL PYTHON SRCDIR WORKDIR
bounced=$1 bouncectl=$2 python=$3 src=$4 work=$5
. "$src/tests/integration/lib.sh"
. "$src/tests/integration/dovecot_lib.sh"
rm -rf "$work" && mkdir -p "$work" && cd "$work"
pid=
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; dovecot_cleanup' EXIT
dovecot_setup "$python"
dovecot_start

imap_yaml b.yaml implicit localhost "$DV_IMAPS_PORT" "$DV_CA"
printf '  processed_mailbox: Processed\n  idle: true\n  poll_interval: 60s\n' >>b.yaml
rows() {
	sql bounced.db 'SELECT count(*) FROM messages' 2>/dev/null || echo 0
}
"$bounced" -c b.yaml 2>log &
pid=$!
wait_for 10 grep -q 'logged in as' log || { cat log; fail "bounced did not log in"; }
sleep 0.5 # the first (empty) pass, then IDLE

n=0 worst=0 all=
for i in 1 2 3; do
	deliver 1 $((30 + i)) idle$i
	n=$((n + 1))
	t0=$(now_ms)
	while [ "$(rows)" -lt $n ]; do
		[ $(($(now_ms) - t0)) -lt 3000 ] || { cat log; fail "IDLE: bounce $i not recorded within 3 s"; }
		sleep 0.02
	done
	ms=$(($(now_ms) - t0))
	all="$all ${ms}ms"
	[ $ms -gt $worst ] && worst=$ms
	sleep 0.3
done
echo "IDLE wake-up: APPEND to database row in$all (worst ${worst} ms, limit 3000)"
imap_tool wait-count INBOX 0 5 >/dev/null || fail "IDLE: INBOX not emptied"

# Dovecot restarts under the running daemon; the bounce made before,
# so that the 20 s are the daemon's, from the APPEND
generate 1 40 restart
dovecot_stop
before=$(wc -l <log)
sleep 2
dovecot_start
t0=$(now_ms)
imap_tool append INBOX gen/new/* || fail "APPEND failed"
n=$((n + 1))
while [ "$(rows)" -lt $n ]; do
	[ $(($(now_ms) - t0)) -lt 20000 ] || { cat log; fail "restart: the bounce after the restart was not recorded within 20 s"; }
	sleep 0.05
done
ms=$(($(now_ms) - t0))
kill -0 "$pid" 2>/dev/null || fail "bounced died with Dovecot"
tail -n +"$((before + 1))" log >log.restart
grep -q 'reconnected after' log.restart || { cat log.restart; fail "restart: no 'reconnected' line"; }
downs=$(grep -c 'reconnecting (said once' log.restart || true)
[ "$downs" -le 1 ] || { cat log.restart; fail "restart: the outage was said $downs times"; }
fails=$(grep -c 'retrying with a growing wait' log.restart || true)
[ "$fails" -le 1 ] || { cat log.restart; fail "restart: every attempt was logged"; }
echo "Dovecot stopped for 2 s and restarted: recovered, the next bounce recorded $ms ms after its APPEND; log: $(grep -o 'reconnected after.*' log.restart)"
imap_tool wait-count INBOX 0 5 >/dev/null || fail "restart: INBOX not emptied"
[ "$(imap_tool count Processed)" = $n ] || fail "Processed has $(imap_tool count Processed), want $n"

kill -TERM "$pid"
wait "$pid" || fail "bounced exited $? on SIGTERM"
pid=
[ "$(rows)" = $n ] || fail "$(rows) rows, want $n"
echo "SIGTERM: clean exit; $n bounces, each recorded once"
