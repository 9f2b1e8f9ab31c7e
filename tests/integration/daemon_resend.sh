#!/bin/sh
# Resend end to end (issue 5), through the real daemon and a real SMTP
# server on loopback (Debian's aiosmtpd, writing a Maildir and stamping
# X-MailFrom / X-RcptTo on what it stores). The clock is moved with
# BOUNCED_TEST_TIME_OFFSET instead of sleeping.
#   - a connection-timeout bounce (seed group 5), back at our signed
#     return path, is resent once from our copy in resend.spool, to that
#     recipient alone, with Resent-* headers and the original's
#     Message-ID and body byte for byte; a
#     user-unknown bounce beside it is not resent; the row says sent;
#   - a second run sends nothing more;
#   - the server down: deferred (an attempt counted), sent once it is back;
#   - a bounce of the resent copy is linked to its resend and counted once;
#   - no copy of ours (resend.spool): cannot_resend, whatever the bounce
#     returned; with resend.spool holding the original: sent from it;
#   - policy.confirm_hard_bounce: one confirming copy, then suppressed.
# usage: daemon_resend.sh BOUNCED BOUNCECTL PYTHON SRCDIR WORKDIR
bounced=$1 bouncectl=$2 py=$3 src=$4 work=$5
. "$src/tests/integration/lib.sh"
. "$src/tests/integration/resend_lib.sh"
rm -rf "$work" && mkdir -p "$work" && cd "$work"
"$py" -c 'import aiosmtpd' 2>/dev/null || { echo "SKIP: $py has no aiosmtpd (python3-aiosmtpd)"; exit 77; }

sink_pid=
trap '[ -n "$sink_pid" ] && kill "$sink_pid" 2>/dev/null; true' EXIT
port=$(free_port "$py")
sink_start() {
	"$py" -m aiosmtpd -n -l "127.0.0.1:$port" -c aiosmtpd.handlers.Mailbox "$work/sink" \
	    >>sink.log 2>&1 &
	sink_pid=$!
	wait_for 10 port_open "$py" "$port" ||
	    fail "the SMTP sink did not start"
}
sink_stop() {
	kill "$sink_pid" && wait "$sink_pid" 2>/dev/null || true
	sink_pid=
}

mk_maildir md
mkdir spool
cat >conf.yaml <<EOF
database: db
maildir:
  path: md
resend:
  enabled: true
  from: bounces@example.org
  schedule: [15m, 1h, 4h]
  max_attempts: 3
  jitter: 0
  spool: spool
  smtp:
    host: 127.0.0.1
    port: $port
    timeout: 5s
EOF
verp_setup conf.yaml "$bouncectl"

run() { # run OFFSET-SECONDS
	BOUNCED_TEST_TIME_OFFSET=$1 "$bounced" --once -c conf.yaml 2>>log || { cat log; fail "bounced"; }
}
rstate() {
	sql db "SELECT state || ' ' || attempts FROM resends WHERE recipient = '$1'"
}
delivered() {
	find sink/new sink/cur -type f 2>/dev/null | wc -l | tr -d ' '
}

sink_start
# seed group 5: "<addr>: connect to x.x.x.x timed out"
original o1 alice@timeout.example.net bob@example.com >o1.eml
cp o1.eml spool/o1@app1.example.org # our copy (docs/SECURITY.md)
dsn 1 alice@timeout.example.net 4.4.1 \
    "<alice@timeout.example.net>: connect to 192.0.2.25 timed out" o1.eml
original o2 carol@example.net >o2.eml
dsn 2 carol@example.net 5.1.1 "550 5.1.1 <carol@example.net>: User unknown" o2.eml
run 0
[ "$(rstate alice@timeout.example.net)" = "pending 0" ] || fail "no pending resend for the timeout: $(rstate alice@timeout.example.net)"
[ -z "$(rstate carol@example.net)" ] || fail "a user-unknown bounce was queued for resending"
[ "$(delivered)" = 0 ] || fail "sent before it was due"

run 1000 # 15 min later: due
[ "$(rstate alice@timeout.example.net)" = "sent 1" ] || { cat log; fail "not sent: $(rstate alice@timeout.example.net)"; }
[ "$(delivered)" = 1 ] || fail "want exactly one message at the sink, have $(delivered)"
got=$(find sink/new sink/cur -type f | head -1)
# the envelope sender is the signed return path for the recipient, so
# that the copy's own bounce is believed (docs/SECURITY.md)
grep -q "^X-MailFrom: $($VERP_SIGN alice@timeout.example.net)\$" "$got" ||
    fail "envelope sender: $(grep X-MailFrom "$got")"
[ "$(grep '^X-RcptTo:' "$got")" = "X-RcptTo: alice@timeout.example.net" ] ||
    fail "envelope recipients: $(grep X-RcptTo "$got") (want alice alone)"
grep -q '^Resent-From: bounces@example.org$' "$got" || fail "no Resent-From"
grep -Eq '^Resent-Date: [A-Z][a-z]{2}, [0-9]{1,2} [A-Z][a-z]{2} [0-9]{4} [0-9:]{8} \+0000$' "$got" || fail "no RFC 5322 Resent-Date"
rmid=$(sed -n 's/^Resent-Message-ID: //p' "$got")
[ -n "$rmid" ] || fail "no Resent-Message-ID"
# kept without the <> (docs/schema.md)
[ "<$(sql db "SELECT resent_message_id FROM resends WHERE recipient = 'alice@timeout.example.net'")>" = "$rmid" ] ||
    fail "the row does not keep the Resent-Message-ID it sent"
# the original, byte for byte, after the sink's stamps and our resent block
sed '/^X-Peer:/d; /^X-MailFrom:/d; /^X-RcptTo:/d; /^Resent-/d' "$got" >body.got
cmp body.got o1.eml || { diff o1.eml body.got | head; fail "the resent message differs from the original"; }

run 5000 # nothing more is due
[ "$(delivered)" = 1 ] || fail "sent twice"

# the resent copy bounced again (the same outage): linked, counted once
{ sed '/^$/q' "$got" | grep -v '^X-' | sed '$d'; printf '\n'; sed '1,/^$/d' "$got"; } >o1.resent
dsn 3 alice@timeout.example.net 4.4.1 \
    "<alice@timeout.example.net>: connect to 192.0.2.25 timed out" o1.resent
run 6000
[ "$(sql db "SELECT count(*) FROM bounces WHERE resend IS NOT NULL")" = 1 ] || fail "the bounce of the resent copy is not linked"
[ "$(sql db "SELECT count(*) FROM resends WHERE recipient = 'alice@timeout.example.net'")" = 1 ] ||
    fail "a second resend row for the same recipient and message"
[ "$(rstate alice@timeout.example.net)" = "deferred 1" ] || fail "after the resent copy bounced: $(rstate alice@timeout.example.net)"

# the server down: deferred with the attempt counted; sent when it is back
sink_stop
original o4 dave@timeout.example.net >o4.eml
cp o4.eml spool/o4@app1.example.org # our copy (docs/SECURITY.md)
dsn 4 dave@timeout.example.net 4.4.1 "<dave@timeout.example.net>: connect to 192.0.2.26 timed out" o4.eml
run 7000
run 9000
[ "$(rstate dave@timeout.example.net)" = "deferred 1" ] || { tail -5 log; fail "server down: $(rstate dave@timeout.example.net)"; }
grep -q 'resend [0-9]*: dave@timeout.example.net: deferred' log || fail "no log line for the deferral"
sink_start
run 20000 # after the second delay (1 h)
[ "$(rstate dave@timeout.example.net)" = "sent 2" ] || fail "not sent after the server came back: $(rstate dave@timeout.example.net)"

# only the headers came back: no spool copy -> cannot_resend; with one -> sent
original o5 erin@timeout.example.net >o5.eml
dsn 5 erin@timeout.example.net 4.4.1 "<erin@timeout.example.net>: connect to 192.0.2.27 timed out" o5.eml headers
original o6 frank@timeout.example.net >o6.eml
cp o6.eml spool/o6@app1.example.org
dsn 6 frank@timeout.example.net 4.4.1 "<frank@timeout.example.net>: connect to 192.0.2.28 timed out" o6.eml headers
run 30000
run 31000
[ "$(rstate erin@timeout.example.net)" = "cannot_resend 0" ] || fail "headers only, no spool: $(rstate erin@timeout.example.net)"
[ "$(rstate frank@timeout.example.net)" = "sent 1" ] || fail "headers only, spool copy: $(rstate frank@timeout.example.net)"
n=$(grep -l '^X-RcptTo: frank@timeout.example.net$' sink/new/* sink/cur/* 2>/dev/null | wc -l)
[ "$n" = 1 ] || fail "the spool copy was not sent once ($n)"

# policy.confirm_hard_bounce (seed group 1): the first hard bounce sends
# one confirming copy and leaves the address soft; the copy's own hard
# bounce suppresses it
mk_maildir md2
sed 's/^database: db$/database: db2/; s/^  path: md$/  path: md2/' conf.yaml >conf2.yaml
printf 'policy:\n  confirm_hard_bounce: true\n' >>conf2.yaml
original o7 gina@example.net >o7.eml
cp o7.eml spool/o7@app1.example.org # our copy (docs/SECURITY.md)
run2() { BOUNCED_TEST_TIME_OFFSET=$1 "$bounced" --once -c conf2.yaml 2>>log || { cat log; fail "bounced"; }; }
deliver2() { # like dsn, into md2
	md=md2
	dsn "$@"
	md=md
}
deliver2 7 gina@example.net 5.1.1 "550 5.1.1 <gina@example.net>: User unknown" o7.eml
run2 40000
[ "$("$bouncectl" -d db2 status gina@example.net --csv | awk -F, 'NR == 2 { print $3 }')" = soft ] ||
    fail "confirm_hard_bounce: a first hard bounce must leave the address soft"
[ "$(sql db2 "SELECT kind || ' ' || state FROM resends WHERE recipient = 'gina@example.net'")" = "confirm pending" ] ||
    fail "confirm_hard_bounce: no confirming resend queued"
run2 41000
got=$(grep -l '^X-RcptTo: gina@example.net$' sink/new/* sink/cur/* 2>/dev/null | head -1)
[ -n "$got" ] || fail "confirm_hard_bounce: the confirming copy was not sent"
{ sed '/^$/q' "$got" | grep -v '^X-' | sed '$d'; printf '\n'; sed '1,/^$/d' "$got"; } >o7.resent
deliver2 8 gina@example.net 5.1.1 "550 5.1.1 <gina@example.net>: User unknown" o7.resent
run2 42000
[ "$("$bouncectl" -d db2 status gina@example.net --csv | awk -F, 'NR == 2 { print $3 }')" = suppressed ] ||
    fail "confirm_hard_bounce: the second hard bounce did not suppress"
[ "$(sql db2 "SELECT state FROM resends WHERE recipient = 'gina@example.net'")" = failed ] ||
    fail "confirm_hard_bounce: the confirming resend should end failed: $(sql db2 "SELECT state FROM resends")"
[ "$(sql db2 "SELECT count(*) FROM resends")" = 1 ] || fail "confirm_hard_bounce: more than one resend"

# a first hard bounce whose original did not come back whole: the
# confirming copy cannot be sent, so the hard bounce stands
original o9 hank@example.net >o9.eml
deliver2 9 hank@example.net 5.1.1 "550 5.1.1 <hank@example.net>: User unknown" o9.eml headers
run2 43000
run2 44000
[ "$(sql db2 "SELECT state FROM resends WHERE recipient = 'hank@example.net'")" = cannot_resend ] ||
    fail "confirm_hard_bounce, headers only: $(sql db2 "SELECT state FROM resends WHERE recipient = 'hank@example.net'")"
[ "$("$bouncectl" -d db2 status hank@example.net --csv | awk -F, 'NR == 2 { print $3 }')" = suppressed ] ||
    fail "confirm_hard_bounce: an unconfirmable hard bounce must suppress"

# the outbox (issue 15 item 3): each change came with its event
[ "$(sql db "SELECT count(*) FROM events WHERE kind = 'resend_sent' AND address = 'alice@timeout.example.net' AND resend IS NOT NULL AND message_id IS NOT NULL")" -ge 1 ] ||
    fail "events: no resend_sent for alice"
[ "$(sql db2 "SELECT source FROM events WHERE kind = 'suppressed' AND address = 'gina@example.net'")" = bounce ] ||
    fail "events: gina's suppression by the second hard bounce"
[ "$(sql db2 "SELECT source || ' ' || (resend IS NOT NULL) FROM events WHERE kind = 'suppressed' AND address = 'hank@example.net'")" = "resend 1" ] ||
    fail "events: hank's suppression by the resend worker: $(sql db2 "SELECT * FROM events")"
"$bouncectl" -d db resends --csv >resends.csv || fail "bouncectl resends"
grep -q 'alice@timeout.example.net' resends.csv || fail "bouncectl resends does not list alice"
echo "resend end to end: seed group 5 resent once to one recipient with Resent-* headers and the original byte for byte; user unknown not resent; server down deferred then sent; a resent copy's bounce linked once; spool and cannot_resend"
