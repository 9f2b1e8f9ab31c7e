#!/bin/sh
# Issue 18 item 2, each due resend and each outbox event taken by one
# daemon: two daemons (-i a, -i b) with resending and a webhook sink on,
# on one PostgreSQL (pg_lib.sh), against a real SMTP server
# (smtp_sink.py, aiosmtpd) and a real webhook receiver
# (webhook_server.py) that this script starts on loopback. Both answer
# slowly, so that the two daemons' sends and posts overlap.
#   - COUNT transient bounces, back at our signed return paths, queue a
#     resend each, and HARD hard bounces a suppressed event each (one
#     daemon ingests them, with no sink and before the resends are due);
#   - both daemons start at once with the resends due (the clock moved
#     with BOUNCED_TEST_TIME_OFFSET): each resend reaches the SMTP server
#     exactly once, each recipient once, every row sent with one attempt;
#     every event (the suppressions and one resend_sent per resend)
#     reaches the receiver exactly once and is delivered.
# Without the claims (store_resend_claim(), store_outbox_claim()) both
# daemons take the same due rows and send them twice. With BACKEND
# sqlite, the same on one SQLite file (ctest daemon_claim).
# usage: pg_claim.sh BOUNCED BOUNCECTL PYTHON SRCDIR WORKDIR [COUNT [BACKEND]]
bounced=$1 bouncectl=$2 python=$3 src=$4 work=$5 count=${6:-24}
backend=${7:-postgresql}
. "$src/tests/integration/lib.sh"
. "$src/tests/integration/pg_lib.sh"
. "$src/tests/integration/resend_lib.sh"
. "$src/tests/integration/events_lib.sh"
set -u

"$python" -c 'import aiosmtpd' 2>/dev/null ||
    { echo "SKIP: $python has no aiosmtpd (python3-aiosmtpd)"; exit 77; }
if [ "$backend" = sqlite ]; then
	rm -rf "$work" && mkdir -p "$work" && work=$(cd "$work" && pwd)
	db=$work/db
else
	pg_begin "$work" claim
	db=$PG_URI
fi
cd "$work"
pa= pb= smtp=
trap 'for p in $pa $pb; do kill -9 "$p" 2>/dev/null || true; done; [ -z "$smtp" ] || kill "$smtp" 2>/dev/null || true; web_stop; pg_end' EXIT
STATE_DIRECTORY=$work/state
export STATE_DIRECTORY
mkdir -p state spool
mk_maildir mda
mk_maildir mdb

"$python" "$src/tests/integration/smtp_sink.py" --dir sink --delay 0.2 \
    2>smtp.err &
smtp=$!
wait_for 10 test -s sink/port || fail "the SMTP server did not start"
printf 'test secret\n' >secret
web_start web --threads --delay 0.1 --secret-file secret

# conf NAME MAILDIR [events]: the daemon's configuration
conf() {
	printf "database: '%s'\nmaildir:\n  path: %s\n" "$db" "$2" >"$1.yaml"
	cat >>"$1.yaml" <<EOF
resend:
  enabled: true
  from: bounces@example.org
  schedule: [15m, 1h, 4h]
  max_attempts: 3
  max_per_hour: 1000
  max_per_domain_per_hour: 1000
  jitter: 0
  spool: spool
  smtp:
    host: 127.0.0.1
    port: $(cat sink/port)
    timeout: 5s
EOF
	[ "${3:-}" != events ] || cat >>"$1.yaml" <<EOF
events:
  webhook: "http://127.0.0.1:$WEB_PORT/bounced"
  secret_file: secret
  timeout: 5s
EOF
	verp_setup "$1.yaml" "$bouncectl"
}
sql_pg() {
	[ "$backend" != sqlite ] || { sql db "$1"; return; }
	"$PG_BIN/psql" -X -q -A -t -F "	" -v ON_ERROR_STOP=1 \
	    -h "$PG_SOCK" -U bounced -d bounced -c "$1"
}
sent() { find sink/new -type f 2>/dev/null | wc -l | tr -d ' '; }
posted() { wc -l <web.log 2>/dev/null | tr -d ' ' || echo 0; }

# the bounces, ingested by one daemon without a sink: nothing is due yet
conf i mda
md=mda
hard=4
i=0
while [ $i -lt "$count" ]; do
	original "t$i" "t$i@timeout.example.net" >"o$i.eml"
	cp "o$i.eml" "spool/t$i@app1.example.org" # our copy
	dsn "t$i" "t$i@timeout.example.net" 4.4.1 \
	    "<t$i@timeout.example.net>: connect to 192.0.2.25 timed out" "o$i.eml"
	i=$((i + 1))
done
i=0
while [ $i -lt $hard ]; do
	original "h$i" "h$i@example.net" >"h$i.eml"
	dsn "h$i" "h$i@example.net" 5.1.1 \
	    "550 5.1.1 <h$i@example.net>: User unknown" "h$i.eml"
	i=$((i + 1))
done
"$bounced" -i a --once -c i.yaml 2>>log.a || { tail log.a; fail "ingest"; }
[ "$(sql_pg "SELECT count(*) FROM resends WHERE state = 'pending'")" = "$count" ] ||
    fail "$(sql_pg 'SELECT count(*) FROM resends') resends queued, want $count"
[ "$(sent)" = 0 ] || fail "sent before they were due"
events=$(sql_pg 'SELECT count(*) FROM events')
[ "$events" -ge $hard ] || fail "$events events, want at least $hard"

# both daemons at once, 20 minutes later: the resends are due
conf a mda events
conf b mdb events
BOUNCED_TEST_TIME_OFFSET=1200 "$bounced" -i a -c a.yaml 2>>log.a &
pa=$!
BOUNCED_TEST_TIME_OFFSET=1200 "$bounced" -i b -c b.yaml 2>>log.b &
pb=$!
want=$((events + count)) # and one resend_sent per resend
done_all() {
	[ "$(sent)" -ge "$count" ] && [ "$(posted)" -ge "$want" ] &&
	    [ "$(sql_pg "SELECT count(*) FROM event_deliveries WHERE state = 'delivered'")" = "$want" ]
}
wait_for 60 done_all ||
    { tail log.a log.b; fail "$(sent) of $count resends sent, $(posted) of $want events posted"; }
sleep 2 # what a second taker would have sent by now
kill "$pa" "$pb"
wait "$pa" 2>/dev/null || true
wait "$pb" 2>/dev/null || true
pa= pb=

n=$(sent)
[ "$n" = "$count" ] || fail "$n copies reached the SMTP server for $count resends"
dups=$(grep -h '^X-RcptTo:' sink/new/* | sort | uniq -d | head -3)
[ -z "$dups" ] || fail "sent twice: $dups"
[ "$(sql_pg "SELECT count(*) FROM resends WHERE state = 'sent' AND attempts = 1")" = "$count" ] ||
    fail "resends: $(sql_pg 'SELECT state, attempts, count(*) FROM resends GROUP BY 1, 2')"
[ "$(sql_pg "SELECT count(*) FROM resend_attempts WHERE outcome = 'sent'")" = "$count" ] ||
    fail "$(sql_pg "SELECT count(*) FROM resend_attempts WHERE outcome = 'sent'") sent attempts recorded"
received web.log >received
[ "$(wc -l <received | tr -d ' ')" = "$want" ] ||
    fail "$(wc -l <received | tr -d ' ') posts for $want events"
dups=$(cut -d' ' -f1 received | sort | uniq -d | head -3)
[ -z "$dups" ] || fail "events posted twice: $dups"
[ "$(cut -d' ' -f1 received | sort -u | wc -l | tr -d ' ')" = "$(sql_pg 'SELECT count(*) FROM events')" ] ||
    fail "posted events are not the stored ones"
# (the signatures do not verify: the daemons' clock is 20 minutes ahead)
[ -z "$(awk '$2 != 200' received)" ] || fail "a post was not answered 200"
took_a=$(grep -c 'resend [0-9]*: .*: sent as' log.a || true)
took_b=$(grep -c 'resend [0-9]*: .*: sent as' log.b || true)
echo "two daemons on one $backend database: $count resends sent once each (a $took_a, b $took_b), $want events posted once each"
