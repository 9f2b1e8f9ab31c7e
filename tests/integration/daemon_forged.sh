#!/bin/sh
# Issue 13, tried as an attacker would: anyone can mail the bounce
# address, so a bounce acts only with proof that it concerns our mail
# (docs/SECURITY.md). Against the real daemon and a real SMTP server on
# loopback (aiosmtpd writing a Maildir); the clock is moved with
# BOUNCED_TEST_TIME_OFFSET.
#   - resending on and due: a forged timeout bounce for 50 invented
#     recipients carrying a message of the attacker's, and a forged
#     headers-only bounce naming a Message-ID in resend.spool for the
#     attacker's address, make no message leave and queue nothing;
#   - a forged hard bounce (no tag, an altered tag, an expired tag)
#     changes no state and is recorded unverified or forged, the forged
#     one logged at warning; a bounce to a tag from `bouncectl verp sign`
#     suppresses;
#   - five reputation blocks leave the recipient active; a not-spam
#     report suppresses nobody;
#   - resend.enabled without verp: or sent: is refused at start.
# usage: daemon_forged.sh BOUNCED BOUNCECTL PYTHON SRCDIR WORKDIR
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
    "  enabled: true" "  from: bounces@example.org" "  spool: spool" \
    "  schedule: [15m]" "  jitter: 0" \
    "  smtp:" "    host: 127.0.0.1" "    port: $SINK_PORT" >conf.yaml

# without a proof, resending is refused at start, saying why
"$bounced" --once -c conf.yaml 2>refused.log && fail "resend.enabled without verp: or sent: was accepted"
grep -q 'resend.enabled: needs a proof' refused.log || { cat refused.log; fail "no reason given"; }
verp_setup conf.yaml "$bouncectl"
# and the sent record: the MTA's copy of each outgoing message
mkdir -p sentmd/new sentmd/cur sentmd/tmp
printf '%s\n' "sent:" "  maildir: sentmd" >>conf.yaml
run() { # OFFSET-SECONDS
	BOUNCED_TEST_TIME_OFFSET=$1 "$bounced" --once -c conf.yaml 2>>log || { cat log; fail "bounced"; }
}
state() {
	st=$(sql db "SELECT state FROM recipients WHERE address = '$1'")
	echo "${st:-none}"
}
delivered() {
	find sink/new sink/cur -type f 2>/dev/null | wc -l | tr -d ' '
}

# 1. the open relay: one DSN, 50 invented recipients, a timeout that
# qualifies for resending, the attacker's message attached
{
	printf 'From: MAILER-DAEMON@relay.example.net\nTo: bounces@example.org\n'
	printf 'Subject: Undelivered Mail\nMessage-ID: <relay.1@relay.example.net>\n'
	printf 'MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary="b1"\n\n'
	printf -- '--b1\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; relay.example.net\n'
	i=0
	while [ $i -lt 50 ]; do
		printf '\nFinal-Recipient: rfc822; victim%d@target.example.com\nAction: failed\nStatus: 4.4.1\n' $i
		printf 'Diagnostic-Code: smtp; connect to 192.0.2.1 timed out; try again in 1 minute\n'
		i=$((i + 1))
	done
	printf -- '\n--b1\nContent-Type: message/rfc822\n\n'
	printf 'From: Your Bank <security@bank.example>\nTo: victim0@target.example.com\n'
	printf 'Subject: Verify your account\nMessage-ID: <phish@attacker.example>\n\nClick here.\n'
	printf -- '\n--b1--\n'
} >md/new/1.relay
# 2. the leak: our password-reset mail sits in the spool; a headers-only
# bounce names its Message-ID for the attacker's address
original reset1 alice@example.org >reset1.eml
cp reset1.eml spool/reset1@app1.example.org
sign=$VERP_SIGN VERP_SIGN= # the attacker has no key
dsn 2.leak attacker@evil.example 4.4.1 \
    "connect to 192.0.2.2 timed out" reset1.eml headers
VERP_SIGN=$sign
run 0
run 3600 # everything would be due by now
[ "$(delivered)" = 0 ] || fail "a forged bounce made $(delivered) messages leave"
[ "$(sql db "SELECT count(*) FROM resends")" = 0 ] || fail "a forged bounce queued a resend"
[ "$(sql db "SELECT count(*) FROM bounces WHERE authenticity = 'unverified' AND effect = 'unverified'")" = 51 ] ||
    fail "forged bounces not recorded as unverified: $(sql db "SELECT authenticity, effect, count(*) FROM bounces GROUP BY 1, 2")"
[ "$(sql db "SELECT count(*) FROM recipients")" = 0 ] || fail "a forged bounce changed a recipient's state"

# 3. hard bounces: no tag, an altered tag, an expired tag; a signed one
rp=$($VERP_SIGN carol@example.com) || fail "verp sign"
hard() { # NAME RCPT DELIVERED-TO
	cat >"md/new/$1" <<M
Delivered-To: $3
From: MAILER-DAEMON@mx.example.net
To: $3
Subject: Undelivered Mail Returned to Sender
Message-ID: <$1@mx.example.net>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b"

--b
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net

Final-Recipient: rfc822; $2
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <$2>: user unknown
--b--
M
}
hard 3.none carol@example.com bounces@example.org
hard 4.altered carol@example.com "$(echo "$rp" | sed 's/=carol=/=carpl=/')"
hard 5.other dave@example.com "$rp" # carol's tag, dave's report
run 3700
[ "$(state carol@example.com)" = none ] || fail "an unsigned or altered hard bounce changed carol: $(state carol@example.com)"
[ "$(state dave@example.com)" = none ] || fail "carol's tag suppressed dave"
[ "$(sql db "SELECT group_concat(authenticity, ',') FROM (SELECT b.authenticity FROM bounces b JOIN messages m ON m.id = b.message WHERE m.source_ref LIKE '3.none%' OR m.source_ref LIKE '4.altered%' OR m.source_ref LIKE '5.other%' ORDER BY m.source_ref)")" = "unverified,forged,forged" ] ||
    fail "authenticity: $(sql db "SELECT m.source_ref, b.authenticity FROM bounces b JOIN messages m ON m.id = b.message")"
grep -q 'forged: the tag in Delivered-To does not verify' log || { cat log; fail "no warning for the forged tag"; }
grep -q 'forged: the tag in Delivered-To names another recipient' log || fail "no warning for a tag of another recipient"
# expired: the same signed path, read 61 days later
hard 6.expired carol@example.com "$rp"
run $((61 * 86400))
[ "$(state carol@example.com)" = none ] || fail "an expired tag changed carol"
grep -q 'forged: the tag in Delivered-To has expired' log || fail "no warning for the expired tag"
# signed, in time: suppresses
hard 7.signed carol@example.com "$rp"
run 3800
[ "$(state carol@example.com)" = suppressed ] || fail "a signed hard bounce did not suppress: $(state carol@example.com)"
[ "$(sql db "SELECT b.authenticity || ' ' || b.effect FROM bounces b JOIN messages m ON m.id = b.message WHERE m.source_ref LIKE '7.signed%'")" = "verified_tag suppressed" ] ||
    fail "the signed bounce is not recorded verified_tag suppressed"

# 4. five reputation blocks (signed): the sender's problem, not hers
rpe=$($VERP_SIGN erin@example.com)
i=1
while [ $i -le 5 ]; do
	cat >"md/new/8.rep$i" <<M
Delivered-To: $rpe
From: MAILER-DAEMON@mx.example.net
To: $rpe
Subject: Undelivered Mail Returned to Sender
Message-ID: <rep$i@mx.example.net>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b"

--b
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net

Final-Recipient: rfc822; erin@example.com
Action: failed
Status: 5.7.1
Diagnostic-Code: smtp; 550 5.7.1 Our system has detected that this message is likely suspicious due to the very low reputation of the sending IP address
--b--
M
	i=$((i + 1))
done
run 3900
[ "$(state erin@example.com)" = none ] || fail "reputation blocks counted against erin: $(state erin@example.com)"
[ "$(sql db "SELECT count(*) FROM bounces WHERE recipient = 'erin@example.com' AND effect = 'sender'")" = 5 ] ||
    fail "the reputation blocks are not recorded as the sender's: $(sql db "SELECT reason, effect FROM bounces WHERE recipient = 'erin@example.com'")"
"$bouncectl" -d db stats --by reason --csv >stats.csv || fail "bouncectl stats"
# reason,bounces,recipients,hard_bounces,sender,unverified
[ "$(awk -F, '$1 == "badreputation" { print $5 }' stats.csv)" = 5 ] ||
    { cat stats.csv; fail "stats do not show the sender's problems apart"; }

# 5. a not-spam report, signed, about someone who never complained
cat >md/new/9.notspam <<M
From: Feedback Loop <fbl@example.net>
To: fbl@example.org
Subject: report
Message-ID: <9.notspam@fbl.example.net>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; boundary="f"

--f
Content-Type: message/feedback-report

Feedback-Type: not-spam
User-Agent: ExampleFBL/1.0
Version: 1
Original-Mail-From: <$($VERP_SIGN fred@example.com)>
Original-Rcpt-To: <fred@example.com>

--f--
M
run 4000
[ "$(state fred@example.com)" = none ] || fail "a not-spam report changed fred: $(state fred@example.com)"
[ "$(sql db "SELECT count(*) FROM recipients WHERE state = 'suppressed'")" = 1 ] || fail "not-spam suppressed someone"
[ "$(delivered)" = 0 ] || fail "$(delivered) messages left"

# 6. a timeout bounce of a message in the sent record, unsigned: verified
# by the record, resent once from our copy, byte for byte -- even though
# the bounce returned a different body
original s1 gail@slow.example.net >s1.eml
cp s1.eml sentmd/new/1.s1
sed 's/^Hello,$/Hello, changed by someone on the way/' s1.eml >s1.tampered
sign=$VERP_SIGN VERP_SIGN=
dsn 10.s1 gail@slow.example.net 4.4.1 \
    "<gail@slow.example.net>: connect to 192.0.2.9 timed out" s1.tampered
VERP_SIGN=$sign
run 4100
[ "$(sql db "SELECT authenticity FROM bounces WHERE recipient = 'gail@slow.example.net'")" = verified_sent ] ||
    fail "the bounce of a message in the sent record is not verified_sent"
run 5100 # the first delay (15 min) has passed
run 6000
[ "$(delivered)" = 1 ] || fail "want one resend at the sink, have $(delivered)"
got=$(find sink/new -type f | head -1)
# the sink writes CRLF and stamps the envelope in X- fields first
tr -d '\r' <"$got" >s1.sink
[ "$(grep '^X-RcptTo:' s1.sink)" = "X-RcptTo: gail@slow.example.net" ] || fail "resent to: $(grep X-RcptTo s1.sink)"
sed '/^X-\(Peer\|MailFrom\|RcptTo\|Helo\|TLS\|Auth\):/d; /^Resent-/d' s1.sink >s1.got
cmp s1.got s1.eml || { diff s1.eml s1.got | head; fail "the resent copy is not our copy byte for byte"; }
[ "$(sql db "SELECT state || ' ' || attempts FROM resends WHERE recipient = 'gail@slow.example.net'")" = "sent 1" ] ||
    fail "resend row: $(sql db "SELECT state, attempts FROM resends")"
echo "forged bounces: no message leaves, nothing is queued, no state changes (unverified, altered, other recipient's and expired tags); a signed one suppresses; reputation blocks are the sender's; not-spam suppresses nobody; resending without a proof is refused; a bounce of a message in the sent record is resent once from our copy, byte for byte"
