#!/bin/sh
# The running daemon wakes for a due resend by itself (no event, no
# restart): a timeout bounce whose diagnostic says "try again in 3
# seconds" is resent about 3 s after it arrived -- the server's hint
# overrides the first delay of resend.schedule. Then SIGTERM stops it.
# usage: daemon_resend_loop.sh BOUNCED BOUNCECTL PYTHON SRCDIR WORKDIR
bounced=$1 bouncectl=$2 python=$3 src=$4 work=$5
. "$src/tests/integration/smtp_lib.sh"
. "$src/tests/integration/resend_lib.sh"
need sqlite3
need_aiosmtpd
rm -rf "$work" && mkdir -p "$work" && cd "$work"
sql() { sqlite3 -readonly "$1" "$2"; }

sink_start sink
mkdir -p md/new md/cur md/tmp spool
printf '%s\n' "database: db" "maildir:" "  path: md" "resend:" \
    "  enabled: true" "  from: bounces@example.org" "  spool: spool" "  jitter: 0" \
    "  smtp:" "    host: 127.0.0.1" "    port: $SINK_PORT" >conf.yaml
verp_setup conf.yaml "$bouncectl"
"$bounced" -c conf.yaml 2>log &
pid=$!
SMTP_PIDS="$SMTP_PIDS $pid"
wait_for 10 test -s db || fail "bounced did not start"

original h1 hana@slow.example.net >h1.eml
cp h1.eml spool/h1@app1.example.org # our copy
start=$(date +%s)
dsn 1 hana@slow.example.net 4.4.1 \
    "<hana@slow.example.net>: connect to 192.0.2.9 timed out; try again in 3 seconds" h1.eml
sent() {
	[ "$(sql db "SELECT state FROM resends WHERE recipient = 'hana@slow.example.net'")" = sent ]
}
wait_for 20 sent || { cat log; fail "the running daemon did not send the due resend"; }
took=$(($(date +%s) - start))
[ "$took" -ge 2 ] || fail "sent after ${took}s: before the 3 s the server asked for"
grep -rlq '^X-RcptTo: hana@slow.example.net' sink || fail "nothing reached the sink"
kill -TERM "$pid"
wait "$pid" || fail "bounced did not stop cleanly on SIGTERM"
grep -q 'resends: 1 sent' log || { cat log; fail "the last log line does not count the resend"; }
echo "running daemon: resent after ${took}s as the server's hint asked, without any event"
