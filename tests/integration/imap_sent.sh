#!/bin/sh
# The sent: source on IMAP (sent.mailbox): copies of our mail in a folder
# of the imap: server, read over a second connection. Two APPENDed copies
# of the same bytes (To + Cc) are one row in sent_messages with its three
# recipients; both stay in the folder, flagged \Seen $Bounced (never
# moved: the copies have no processed_mailbox). A bounce in INBOX for one
# of those recipients quoting the copy's Message-ID is verified_sent and
# suppresses; one for an address not in the copy stays unverified and
# changes nothing. A second --once indexes nothing; the running daemon
# indexes a copy APPENDed while it waits and verifies its bounce. Killed
# between the commit and the STORE (BOUNCED_TEST_KILL_AFTER_COMMIT), the
# next run only flags the copy.
# usage: imap_sent.sh BOUNCED BOUNCECTL PYTHON SRCDIR WORKDIR
bounced=$1 python=$3 src=$4 work=$5
. "$src/tests/integration/lib.sh"
. "$src/tests/integration/dovecot_lib.sh"
rm -rf "$work" && mkdir -p "$work" && cd "$work"
pid=
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; dovecot_cleanup' EXIT
dovecot_setup "$python"
dovecot_start

imap_yaml b.yaml none 127.0.0.1 "$DV_IMAP_PORT"
printf '  processed_mailbox: Processed\n  idle: true\n  poll_interval: 60s\n' >>b.yaml
printf 'sent:\n  mailbox: Sent-Copies\n  keep: 30d\n' >>b.yaml

copy() { # FILE MESSAGE-ID TO [CC]
	{
		printf 'From: News <news@example.org>\r\n'
		printf 'Message-ID: <%s>\r\n' "$2"
		printf 'Date: Mon, 3 Mar 2025 10:00:00 +0000\r\n'
		printf 'To: %s\r\n' "$3"
		[ -n "${4:-}" ] && printf 'Cc: %s\r\n' "$4"
		printf 'Subject: news\r\n\r\nHello.\r\n'
	} >"$1"
}
bounce() { # FILE BOUNCE-ID RECIPIENT ORIGINAL-MESSAGE-ID
	cat >"$1" <<M
From: MAILER-DAEMON@mx.example.net
To: news@example.org
Subject: Undelivered Mail Returned to Sender
Message-ID: <$2@mx.example.net>
Date: Mon, 3 Mar 2025 10:05:00 +0000
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b"

--b
Content-Type: text/plain

Your message could not be delivered.

--b
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net

Final-Recipient: rfc822; $3
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <$3>: user unknown

--b
Content-Type: text/rfc822-headers

From: News <news@example.org>
Message-ID: <$4>
To: $3
Subject: news
--b--
M
}
count() { # MAILBOX [SEARCH-KEY...]
	imap_tool count "$@"
}
q() {
	sql bounced.db "$1"
}
q_is() { # WANT QUERY: (for wait_for) the query answers WANT now
	[ "$(q "$2" 2>/dev/null)" = "$1" ]
}
rcpts_of() { # MESSAGE-ID: its recipients, sorted, space-separated
	q "SELECT group_concat(address, ' ') FROM (SELECT address FROM sent_recipients r JOIN sent_messages s ON s.id = r.sent WHERE s.message_id = '$1' ORDER BY address)"
}

# 1. a copy with To + Cc and a duplicate of it (the same bytes)
imap_tool recreate Sent-Copies || fail "CREATE Sent-Copies"
copy c1.eml m1@example.org '"Alice A." <Alice@Example.org>, bob@example.net' \
    'Carol <carol@example.com>'
imap_tool append Sent-Copies c1.eml c1.eml || fail "APPEND to Sent-Copies"
[ "$(count Sent-Copies)" = 2 ] || fail "Sent-Copies does not hold 2 copies"

# 2. bounces: one for a recipient of the copy, one for an address not in it
bounce b1.eml b1 bob@example.net m1@example.org
bounce b2.eml b2 mallory@example.org m1@example.org
imap_tool append INBOX b1.eml b2.eml || fail "APPEND to INBOX"

"$bounced" --once -v -c b.yaml 2>log || { cat log; dovecot_log; fail "bounced --once"; }
grep -q 'imap://127.0.0.1:[0-9]*/Sent-Copies: logged in as' log ||
	{ cat log; fail "no second connection to Sent-Copies"; }
grep -q 'sent: 1 copies indexed (1 already recorded)' log || { cat log; fail "no sent line"; }
[ "$(q 'SELECT count(*) FROM sent_messages')" = 1 ] ||
	fail "$(q 'SELECT count(*) FROM sent_messages') rows in sent_messages, want 1"
[ "$(q 'SELECT count(*) FROM sent_recipients')" = 3 ] || fail "not 3 recipients"
[ "$(rcpts_of m1@example.org)" = "alice@example.org bob@example.net carol@example.com" ] ||
	fail "the recipients of m1: $(q 'SELECT * FROM sent_recipients')"
q "SELECT source_ref FROM sent_messages" | grep -Eq '^Sent-Copies/[0-9]+/[12]$' ||
	fail "source_ref: $(q 'SELECT source_ref FROM sent_messages')"
[ -n "$(q 'SELECT sent_at FROM sent_messages WHERE sent_at > 0')" ] ||
	fail "sent_at (INTERNALDATE) not set"
copy want.eml m1@example.org '"Alice A." <Alice@Example.org>, bob@example.net' \
    'Carol <carol@example.com>'
sqlite3 -readonly bounced.db "SELECT writefile('got.eml', body) FROM sent_messages" >/dev/null
cmp -s got.eml want.eml || fail "the stored copy differs from what was APPENDed"
# acknowledged in place: both copies stay, flagged \Seen $Bounced
[ "$(count Sent-Copies)" = 2 ] || fail "Sent-Copies holds $(count Sent-Copies), want 2 (not moved)"
[ "$(count Sent-Copies KEYWORD '$Bounced' SEEN)" = 2 ] ||
	fail "$(count Sent-Copies KEYWORD '$Bounced' SEEN) of 2 copies flagged \\Seen \$Bounced"
[ "$(count Processed)" = 2 ] || fail "Processed holds $(count Processed), want the 2 bounces"
[ "$(count INBOX)" = 0 ] || fail "INBOX not emptied"
echo "indexed: 2 copies APPENDed (1 duplicate), 1 row with 3 recipients; both flagged \\Seen \$Bounced in Sent-Copies"

[ "$(q "SELECT authenticity FROM bounces WHERE recipient = 'bob@example.net'")" = verified_sent ] ||
	fail "bob's bounce: $(q "SELECT recipient, authenticity, effect FROM bounces")"
[ "$(q "SELECT state FROM recipients WHERE address = 'bob@example.net'")" = suppressed ] ||
	fail "bob@example.net not suppressed: $(q 'SELECT address, state FROM recipients')"
[ "$(q "SELECT authenticity FROM bounces WHERE recipient = 'mallory@example.org'")" = unverified ] ||
	fail "mallory's bounce: $(q "SELECT recipient, authenticity, effect FROM bounces")"
[ "$(q "SELECT count(*) FROM recipients WHERE address = 'mallory@example.org'")" = 0 ] ||
	fail "an unverified bounce made a recipients row"
[ "$(q 'SELECT count(*) FROM recipients')" = 1 ] ||
	fail "recipients: $(q 'SELECT address, state FROM recipients')"
echo "bounces: bob@example.net verified_sent and suppressed; mallory@example.org unverified, no row"

# 3. a second run: nothing new
"$bounced" --once -v -c b.yaml 2>log2 || { cat log2; fail "second bounced --once"; }
grep -q 'Sent-Copies: 0 messages to read' log2 || { cat log2; fail "the second run read copies"; }
! grep -q 'copies indexed' log2 || { cat log2; fail "the second run indexed copies"; }
[ "$(q 'SELECT count(*) FROM sent_messages')" = 1 ] || fail "indexed again"
[ "$(q 'SELECT count(*) FROM sent_recipients')" = 3 ] || fail "recipients again"
[ "$(q 'SELECT count(*) FROM bounces')" = 2 ] || fail "bounces recorded again"
[ "$(count Sent-Copies)" = 2 ] || fail "the second run changed Sent-Copies"
echo "second run: nothing indexed, nothing recorded"

# killed after the copies' commit, before the STORE: the next run only flags
copy c3.eml m3@example.org erin@example.org
imap_tool append Sent-Copies c3.eml || fail "APPEND c3"
if BOUNCED_TEST_KILL_AFTER_COMMIT=1 "$bounced" --once -c b.yaml 2>log.kill; then
	fail "the test hook did not kill bounced"
fi
[ "$(q "SELECT count(*) FROM sent_messages WHERE message_id = 'm3@example.org'")" = 1 ] ||
	{ cat log.kill; fail "killed: the copy was not committed"; }
[ "$(count Sent-Copies KEYWORD '$Bounced')" = 2 ] || fail "killed after the commit: the copy was flagged"
"$bounced" --once -c b.yaml 2>log.kill2 || { cat log.kill2; fail "bounced after the hook"; }
grep -q 'sent: 0 copies indexed (1 already recorded)' log.kill2 || { cat log.kill2; fail "not recognised"; }
[ "$(q 'SELECT count(*) FROM sent_messages')" = 2 ] || fail "killed: indexed twice"
[ "$(count Sent-Copies KEYWORD '$Bounced')" = 3 ] || fail "killed: not flagged by the next run"
echo "killed after a commit: the copy committed, not flagged; the next run only flagged it"

# 4. running: a copy APPENDed while the daemon waits, then its bounce
"$bounced" -c b.yaml 2>log.run &
pid=$!
wait_for 10 grep -q 'Sent-Copies: logged in as' log.run || { cat log.run; fail "bounced did not log in"; }
sleep 0.5 # the first (empty) pass, then IDLE on both connections
copy c2.eml m2@example.org dave@example.org
imap_tool append Sent-Copies c2.eml || fail "APPEND c2"
wait_for 10 q_is 1 "SELECT count(*) FROM sent_messages WHERE message_id = 'm2@example.org'" ||
	{ cat log.run; fail "running: the copy APPENDed was not indexed"; }
[ "$(rcpts_of m2@example.org)" = dave@example.org ] || fail "running: the recipients of m2"
bounce b3.eml b3 dave@example.org m2@example.org
imap_tool append INBOX b3.eml || fail "APPEND b3"
wait_for 10 q_is verified_sent "SELECT authenticity FROM bounces WHERE recipient = 'dave@example.org'" ||
	{ cat log.run; fail "running: the bounce of m2 is not verified_sent: $(q "SELECT recipient, authenticity FROM bounces")"; }
[ "$(q "SELECT state FROM recipients WHERE address = 'dave@example.org'")" = suppressed ] ||
	fail "running: dave@example.org not suppressed"
imap_tool wait-count Sent-Copies 4 5 KEYWORD '$Bounced' >/dev/null ||
	fail "running: the new copy was not flagged \$Bounced"
kill -TERM "$pid"
rc=0; wait "$pid" || rc=$?
pid=
[ "$rc" = 0 ] || { cat log.run; fail "bounced exited $rc on SIGTERM"; }
[ "$(q 'SELECT count(*) FROM sent_messages')" = 3 ] || fail "running: not 3 copies in all"
echo "running: a copy APPENDed was indexed (IDLE), its bounce verified_sent"
