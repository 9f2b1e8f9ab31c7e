#!/bin/sh
# The daemon finds the signed return path a bounce came back to and says
# so at debug level (mail/report_verp.h): valid with the recipient,
# forged, none; and never the key. The state uses it for one thing so far:
# an ARF not-spam lifts a complaint only when signed for that recipient.
# usage: daemon_verp.sh BOUNCED BOUNCECTL PYTHON SRCDIR WORKDIR
bounced=$1 bctl=$2 src=$4 work=$5
. "$src/tests/integration/lib.sh"
rm -rf "$work" && mkdir -p "$work" && cd "$work"
mk_maildir md
printf 'integration test key 0123456789\n' >verp.key
cat >conf.yaml <<'Y'
database: db
maildir:
  path: md
verp:
  address: bounces+{tag}@example.org
  key_file: verp.key
Y
rp=$("$bctl" -c conf.yaml verp sign carol@example.com) || fail "verp sign"
bounce() { # NAME DELIVERED-TO
	cat >"md/new/$1" <<M
Delivered-To: $2
From: MAILER-DAEMON@mx.example.net
To: $2
Subject: Undelivered Mail Returned to Sender
Message-ID: <$1@mx.example.net>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b"

--b
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net

Final-Recipient: rfc822; carol@example.com
Action: failed
Status: 5.1.1
--b--
M
}
bounce 1.valid "$rp"
bounce 2.forged "$(echo "$rp" | sed 's/=carol=/=carpl=/')"
bounce 3.none "bounces@example.org"
"$bounced" --once -v -c conf.yaml 2>log || { cat log; fail "bounced"; }
grep -q '1.valid: verp: valid in Delivered-To: carol@example.com, signed 0 days ago' log ||
    { cat log; fail "no valid verp line"; }
grep -q '2.forged: verp: forged in Delivered-To' log || { cat log; fail "no forged line"; }
grep -q '3.none: verp: none' log || { cat log; fail "no none line"; }
! grep -q 'integration test key' log || fail "the key was logged"
# without -v (log.level info): no verp line
bounce 4.valid "$rp"
"$bounced" --once -c conf.yaml 2>log2 || { cat log2; fail "bounced"; }
! grep -q 'verp:' log2 || { cat log2; fail "a verp line at info level"; }

# ARF: a complaint suppresses; a not-spam report lifts that only when it
# came back to our signed return path for the same recipient (anyone can
# forge one); auth-failure changes nothing (RFC 5965, 6430, 6591)
arf() { # NAME TYPE ORIGINAL-MAIL-FROM
	cat >"md/new/$1" <<M
From: Feedback Loop <fbl@example.net>
To: fbl@example.org
Subject: complaint
Message-ID: <$1@fbl.example.net>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; boundary="f"

--f
Content-Type: text/plain

A report.

--f
Content-Type: message/feedback-report

Feedback-Type: $2
User-Agent: ExampleFBL/1.0
Version: 1
Original-Mail-From: <$3>
Original-Rcpt-To: <carol@example.com>

--f--
M
}
state() {
	"$bctl" -d db status "$1" 2>/dev/null | sed -n 's/^state:[[:space:]]*//p'
}
arf 5.abuse abuse "$rp"
"$bounced" --once -c conf.yaml 2>log3 || { cat log3; fail "bounced"; }
[ "$(state carol@example.com)" = suppressed ] || fail "a complaint did not suppress"
arf 6.notspam-forged not-spam "bounces@example.org"
arf 7.authfail auth-failure "$rp"
"$bounced" --once -c conf.yaml 2>log4 || { cat log4; fail "bounced"; }
[ "$(state carol@example.com)" = suppressed ] ||
    fail "an unsigned not-spam or an auth-failure lifted a complaint"
arf 8.notspam not-spam "$rp"
"$bounced" --once -c conf.yaml 2>log5 || { cat log5; fail "bounced"; }
[ "$(state carol@example.com)" = active ] ||
    { "$bctl" -d db status carol@example.com; fail "a signed not-spam did not lift the complaint"; }
[ "$(sqlite3 db "SELECT group_concat(feedback_type, ',') FROM (SELECT
    feedback_type FROM bounces WHERE feedback_type IS NOT NULL
    ORDER BY feedback_type)")" = "abuse,auth-failure,not-spam,not-spam" ] ||
    fail "feedback types not stored"
echo "the signed return path of a bounce is found and logged at debug level; a signed not-spam alone lifts a complaint"
