#!/bin/sh
# Attribution (issue 15 item 4) through the daemon: bounces returning
# their original as message/rfc822, as text/rfc822-headers and inline in
# free text are recorded with the original's From, envelope sender,
# Subject (RFC 2047 decoded), List-Id, the DSN's Original-Envelope-Id and
# the configured headers; a bounce whose original we have a copy of (the
# sent: record) takes them from the copy, not from what it returned.
# bouncectl history and stats --by sender|campaign|remote_mta show them.
# usage: daemon_attribution.sh BOUNCED BOUNCECTL PYTHON SRCDIR WORKDIR
bounced=$1 bctl=$2 py=$3 src=$4 work=$5
. "$src/tests/integration/lib.sh"
rm -rf "$work" && mkdir -p "$work" && cd "$work"
mk_maildir md
mk_maildir sent
cat >conf.yaml <<'Y'
database: db
maildir:
  path: md
sent:
  maildir: sent
attribution:
  headers: [X-Campaign-Id, X-Mailgun-Campaign-Id, X-Listmonk-Campaign]
  campaign: X-Campaign-Id
Y
fix=$src/tests/fixtures/attr
cp "$fix/dsn_rfc822.eml" md/new/1.a
cp "$fix/dsn_headers.eml" md/new/2.b
cp "$fix/freetext.eml" md/new/3.c

# our copy of attr-4, and a bounce of it whose returned original lies
printf '%s\r\n' 'Return-Path: <bounces@example.com>' \
    'From: Acme Billing <billing@example.com>' 'To: dee@example.org' \
    'Subject: Your invoice' 'X-Campaign-Id: invoices' \
    'Message-ID: <attr-4.orig@example.com>' '' 'Hello.' >sent/new/4.copy
cat >md/new/4.d <<'M'
From: MAILER-DAEMON@mx.example.net
To: bounces@example.com
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b4"

--b4
Content-Type: text/plain

Delivery to dee@example.org failed.

--b4
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net

Final-Recipient: rfc822; dee@example.org
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx.example.org

--b4
Content-Type: message/rfc822

From: Someone Else <forger@example.net>
To: dee@example.org
Subject: not what we sent
X-Campaign-Id: forged
Message-ID: <attr-4.orig@example.com>

Hello.
--b4--
M

"$bounced" --once -c conf.yaml 2>log || { cat log; fail "bounced"; }

# field RECIPIENT COLUMN: the column of the recipient's bounce row
field() {
	"$bctl" -d db history --json "$1" |
	    "$py" -c 'import json, sys
r = [json.loads(l) for l in sys.stdin if l.strip()]
v = r[0][sys.argv[1]]
print("NULL" if v is None else v)' "$2"
}
check() { # RECIPIENT COLUMN WANT
	got=$(field "$1" "$2")
	[ "$got" = "$3" ] || fail "$1 $2: '$got', want '$3'"
}

check ana@example.org original_from news@example.com
check ana@example.org original_sender bounces-7@example.com
check ana@example.org original_subject "Grüße aus Berlin und mehr"
check ana@example.org original_list_id news.example.com
check ana@example.org original_envelope_id ENV-2026-42
check ana@example.org campaign spring-26
check ana@example.org attribution returned
check ana@example.org original_headers '{"X-Campaign-Id": "spring-26"}'
echo "message/rfc822: From, sender, decoded Subject, List-Id, ENVID, campaign"

check bo@example.org original_from team@example.com
check bo@example.org original_subject "Menü de la semaine"
check bo@example.org campaign NULL
check bo@example.org original_headers '{"X-Mailgun-Campaign-Id": "c-17"}'
echo "text/rfc822-headers: From, Subject, a configured header"

check cy@example.org original_from sender@example.com
check cy@example.org original_headers '{"X-Listmonk-Campaign": "7f3c"}'
echo "free text: the inline original"

check dee@example.org attribution sent
check dee@example.org original_from billing@example.com
check dee@example.org original_subject "Your invoice"
check dee@example.org campaign invoices
check dee@example.org original_sender bounces@example.com
echo "a copy in the sent record wins over the returned original"

"$bctl" -d db history ana@example.org | grep -q 'news@example.com *spring-26' ||
    fail "history (table) shows no From and campaign: $("$bctl" -d db history ana@example.org)"

stats() { # BY [KEY]: "key=bounces" lines
	"$bctl" -d db stats --by "$1" --json | "$py" -c 'import json, sys
for l in sys.stdin:
    r = json.loads(l)
    print("%s=%d" % (r[sys.argv[1]], r["bounces"]))' "${2:-$1}" |
	    sort | tr '\n' ' '
}
[ "$(stats campaign)" = "None=2 invoices=1 spring-26=1 " ] ||
    fail "stats --by campaign: $(stats campaign)"
[ "$(stats sender original_from)" = "billing@example.com=1 news@example.com=1 sender@example.com=1 team@example.com=1 " ] ||
    fail "stats --by sender: $(stats sender original_from)"
stats remote_mta | grep -q 'mx.example.org=1' ||
    fail "stats --by remote_mta: $(stats remote_mta)"
echo "stats --by campaign, sender, remote_mta"
echo "PASS"
