#!/bin/sh
# The daemon finds the signed return path a bounce came back to and says
# so at debug level only (mail/report_verp.h; the recipient state does not
# use it yet): valid with the recipient, forged, none; and never the key.
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
echo "the signed return path of a bounce is found and logged at debug level"
