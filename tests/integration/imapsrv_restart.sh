#!/bin/sh
# imap_idle.sh on a server besides Dovecot (issue 19 item 4,
# imapsrv_lib.sh), set up for push as bounced.yaml(5) advises (Courier:
# IMAP_ENHANCEDIDLE=1): a bounce APPENDed while bounced waits in IDLE
# (RFC 2177) is in the database within 3 s (poll_interval is 60 s, so
# only IDLE can be that quick). Then the server is stopped under it (with
# every session's process, as a service manager's restart does) and
# started again: bounced says so once, reconnects by itself, and a
# bounce APPENDed after the restart is recorded without restarting
# bounced, within 20 s of its APPEND (it is generated before the restart:
# under ASan on a loaded machine making it took up to 19 s). SIGTERM ends
# it cleanly.
# usage: imapsrv_restart.sh BOUNCED BOUNCECTL PYTHON SRCDIR WORKDIR SERVER
bounced=$1 bouncectl=$2 python=$3 src=$4 work=$5 server=$6
. "$src/tests/integration/lib.sh"
. "$src/tests/integration/imapsrv_lib.sh"
# shellcheck disable=SC2046
srv_begin "$work" "$server" $(srv_push_conf "$server")

srv_yaml b.yaml
printf '  processed_mailbox: INBOX.Processed\n  idle: true\n  poll_interval: 60s\n' >>b.yaml
rows() {
	sql bounced.db 'SELECT count(*) FROM messages' 2>/dev/null || echo 0
}
"$bounced" -c b.yaml 2>log &
pid=$!
wait_for 10 grep -q 'logged in as' log || { cat log; fail "bounced did not log in"; }
sleep 0.5 # the first (empty) pass, then IDLE

n=0 worst=0 all=
for i in 1 2 3; do
	srv_deliver 1 $((30 + i)) idle$i
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
echo "$server: IDLE wake-up: APPEND to database row in$all (worst ${worst} ms, limit 3000)"
srv_tool wait-count INBOX 0 5 >/dev/null || fail "IDLE: INBOX not emptied"

# the server restarts under the running daemon
srv_gen 1 40 restart
srv_stop
before=$(wc -l <log)
sleep 2
srv_start
# its port open is not yet a login answered (Cyrus's master starts its
# services after it listens)
wait_for 20 srv_tool count INBOX ||
    { srv_log; fail "$server does not answer a login after its restart"; }
srv_tool append INBOX gen/new/* || fail "APPEND failed"
t0=$(now_ms)
n=$((n + 1))
while [ "$(rows)" -lt $n ]; do
	[ $(($(now_ms) - t0)) -lt 20000 ] || { cat log; fail "restart: the bounce APPENDed after the restart was not recorded within 20 s"; }
	sleep 0.05
done
ms=$(($(now_ms) - t0))
kill -0 "$pid" 2>/dev/null || fail "bounced died with $server"
tail -n +"$((before + 1))" log >log.restart
grep -q 'reconnected after' log.restart || { cat log.restart; fail "restart: no 'reconnected' line"; }
downs=$(grep -c 'reconnecting (said once' log.restart || true)
[ "$downs" -le 1 ] || { cat log.restart; fail "restart: the outage was said $downs times"; }
fails=$(grep -c 'retrying with a growing wait' log.restart || true)
[ "$fails" -le 1 ] || { cat log.restart; fail "restart: every attempt was logged"; }
echo "$server stopped for 2 s and restarted: recovered, the next bounce recorded $ms ms after its APPEND; log: $(grep -o 'reconnected after.*' log.restart)"
srv_tool wait-count INBOX 0 5 >/dev/null || fail "restart: INBOX not emptied"
[ "$(srv_tool count INBOX.Processed)" = $n ] || fail "INBOX.Processed has $(srv_tool count INBOX.Processed), want $n"

kill -TERM "$pid"
wait "$pid" || fail "bounced exited $? on SIGTERM"
pid=
[ "$(rows)" = $n ] || fail "$(rows) rows, want $n"
echo "$server: SIGTERM: clean exit; $n bounces, each recorded once"
