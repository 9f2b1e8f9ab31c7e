#!/bin/sh
# Without IDLE (the server does not advertise it) bounced polls: a bounce
# delivered after the first pass is recorded at the next poll_interval
# (10 s here, the smallest allowed), not before and not much later -- the
# loop wakes by itself, no event, no restart.
# usage: imap_poll.sh BOUNCED BOUNCECTL PYTHON SRCDIR WORKDIR
bounced=$1 bouncectl=$2 python=$3 src=$4 work=$5
. "$src/tests/integration/lib.sh"
. "$src/tests/integration/dovecot_lib.sh"
rm -rf "$work" && mkdir -p "$work" && cd "$work"
pid=
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; dovecot_cleanup' EXIT
dovecot_setup "$python" "imap_capability = IMAP4rev1 LITERAL+ SASL-IR ID ENABLE UIDPLUS MOVE"
dovecot_start
rows_are() {
	[ "$(sql bounced.db 'SELECT count(*) FROM messages' 2>/dev/null || echo 0)" = "$1" ]
}

imap_yaml b.yaml none 127.0.0.1 "$DV_IMAP_PORT"
printf '  processed_mailbox: Processed\n  idle: true\n  poll_interval: 10s\n' >>b.yaml
"$bounced" -c b.yaml 2>log &
pid=$!
wait_for 10 grep -q 'logged in as' log || { cat log; fail "bounced did not log in"; }
grep -q 'no IDLE' log || { cat log; fail "Dovecot still advertised IDLE"; }
sleep 1 # the first (empty) pass is over: the next one is a poll away
t0=$(now_ms)
deliver 1 71 poll
wait_for 20 rows_are 1 || { cat log; fail "not recorded within 20 s of polling"; }
ms=$(($(now_ms) - t0))
[ "$ms" -ge 5000 ] || fail "recorded after $ms ms: sooner than polling every 10 s allows"
kill -TERM "$pid"
wait "$pid" || fail "bounced exited $? on SIGTERM"
pid=
echo "no IDLE: polled, the bounce recorded $ms ms after delivery (poll_interval 10 s)"
