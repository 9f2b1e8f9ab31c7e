#!/bin/sh
# Resend replies from a real MTA: the daemon resends through a throwaway
# Postfix on a loopback port whose recipient restrictions answer 450 for
# one address and 550 for another (tests/integration/smtp_lib.sh starts
# it). 250 -> sent; 450 -> deferred and retried on the schedule until
# resend.max_attempts, then gave_up, each attempt recorded with Postfix's
# reply; 550 -> failed at once and the recipient suppressed. The clock is
# moved with BOUNCED_TEST_TIME_OFFSET.
# usage: daemon_resend_postfix.sh BOUNCED BOUNCECTL PYTHON SRCDIR WORKDIR
bounced=$1 bouncectl=$2 python=$3 src=$4 work=$5
. "$src/tests/integration/smtp_lib.sh"
. "$src/tests/integration/resend_lib.sh"
need sqlite3
need_aiosmtpd
rm -rf "$work" && mkdir -p "$work" && cd "$work"
sql() { sqlite3 -readonly "$1" "$2"; }

postfix_start pf "smtpd_delay_reject = no
smtpd_recipient_restrictions = check_recipient_access inline:{ { deferme@slow.example.net = 450 4.2.1 mailbox busy, try later }, { rejectme@slow.example.net = 550 5.1.1 no such user } }, permit_mynetworks, reject_unauth_destination"

mkdir -p md/new md/cur md/tmp spool
printf '%s\n' "database: db" "maildir:" "  path: md" "resend:" \
    "  enabled: true" "  from: bounces@example.org" "  spool: spool" \
    "  schedule: [15m, 1h, 4h]" "  max_attempts: 3" "  jitter: 0" \
    "  smtp:" "    host: 127.0.0.1" "    port: $PF_PORT" \
    "    timeout: 10s" >conf.yaml
verp_setup conf.yaml "$bouncectl"
runat() {
	BOUNCED_TEST_TIME_OFFSET=$1 "$bounced" --once -c conf.yaml 2>>log ||
	    { cat log; fail "bounced"; }
}
rstate() {
	sql db "SELECT state || ' ' || attempts FROM resends WHERE recipient = '$1'"
}

n=0
for r in ok deferme rejectme; do
	n=$((n + 1))
	original "p$n" "$r@slow.example.net" >"p$n.eml"
	cp "p$n.eml" "spool/p$n@app1.example.org" # our copy
	dsn "$n" "$r@slow.example.net" 4.4.1 \
	    "<$r@slow.example.net>: connect to 192.0.2.$n timed out" "p$n.eml"
done
runat 0
[ "$(sql db "SELECT count(*) FROM resends WHERE state = 'pending'")" = 3 ] ||
    { cat log; fail "want 3 pending resends"; }

runat 1000 # the first attempt of each
[ "$(rstate ok@slow.example.net)" = "sent 1" ] || { cat log; fail "250: $(rstate ok@slow.example.net)"; }
[ "$(rstate deferme@slow.example.net)" = "deferred 1" ] || fail "450: $(rstate deferme@slow.example.net)"
[ "$(rstate rejectme@slow.example.net)" = "failed 1" ] || fail "550: $(rstate rejectme@slow.example.net)"
want="550 5.1.1 <rejectme@slow.example.net>: Recipient address rejected: no such user"
got=$(sql db "SELECT last_reply_code || ' ' || last_error FROM resends WHERE recipient = 'rejectme@slow.example.net'")
[ "$got" = "$want" ] || fail "550: Postfix's reply not kept: $got"
[ "$("$bouncectl" -d db status rejectme@slow.example.net --csv | awk -F, 'NR == 2 { print $3 }')" = suppressed ] ||
    fail "550: the recipient was not suppressed"
wait_for 10 grep -q 'to=<ok@slow.example.net>.*status=sent' pf/maillog ||
    fail "Postfix did not take the 250 one"

runat 2000 # not due yet (the next try is 1 h after the first)
[ "$(rstate deferme@slow.example.net)" = "deferred 1" ] || fail "retried before its time"
runat 5000 # 1 h after: the second attempt
[ "$(rstate deferme@slow.example.net)" = "deferred 2" ] || fail "second attempt: $(rstate deferme@slow.example.net)"
runat 25000 # 4 h after: the third and last
[ "$(rstate deferme@slow.example.net)" = "gave_up 3" ] || fail "after max_attempts: $(rstate deferme@slow.example.net)"
got=$(sql db "SELECT group_concat(outcome || ':' || reply_code, ' ') FROM resend_attempts
    WHERE resend = (SELECT id FROM resends WHERE recipient = 'deferme@slow.example.net')")
[ "$got" = "deferred:450 deferred:450 gave_up:450" ] || fail "attempts of the 450 one: $got"
runat 90000 # nothing more, ever
[ "$(grep -c 'RCPT from.*<deferme@slow.example.net>' pf/maillog)" = 3 ] ||
    fail "want exactly three attempts at Postfix for the 450 one: $(grep -c 'deferme' pf/maillog)"
[ "$(grep -c 'to=<ok@slow.example.net>.*status=sent' pf/maillog)" = 1 ] || fail "the 250 one went twice"
echo "resend through Postfix: 250 sent once; 450 deferred, retried on the schedule, gave up after 3; 550 failed, recipient suppressed"
