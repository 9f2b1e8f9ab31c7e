#!/bin/sh
# The sent: source (issue 13): a Maildir of copies of what we sent is
# indexed exactly once (by SHA-256: the same bytes under two names are one
# copy), with the Message-ID without <> and the lower-case recipients of
# To/Cc; each file is deleted after the commit. Killed between the commit
# and the unlink (BOUNCED_TEST_KILL_AFTER_COMMIT), the next run only
# deletes. The copies are read before the bounces, and a copy arriving
# while the daemon runs is indexed (inotify). sent.keep prunes
# (BOUNCED_TEST_TIME_OFFSET moves the clock).
# usage: daemon_sent.sh BOUNCED BOUNCECTL PYTHON SRCDIR WORKDIR
bounced=$1 bctl=$2 src=$4 work=$5
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
  keep: 30d
Y
pid=
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; true' EXIT

copy() { # NAME MESSAGE-ID-LINE TO CC
	{
		printf 'Return-Path: <news@example.org>\r\n'
		printf 'X-Original-To: copies@localhost.example\r\n'
		printf 'From: News <news@example.org>\r\n'
		[ -n "$2" ] && printf '%s\r\n' "$2"
		printf 'To: %s\r\n' "$3"
		[ -n "$4" ] && printf 'Cc: %s\r\n' "$4"
		printf 'Subject: news\r\n\r\nHello.\r\n'
	} >"sent/tmp/$1"
	mv "sent/tmp/$1" "sent/new/$1"
}
copy 1.a 'Message-ID: <m1@example.org>' '"Alice A." <Alice@Example.org>' \
    'bob@example.net, Carol <carol@example.com>'
copy 2.noid '' 'dave@example.org' ''
cp sent/new/1.a sent/new/3.dup
cp sent/new/1.a want.1a

"$bounced" --once -v -c conf.yaml 2>log || { cat log; fail "bounced"; }
grep -q 'sent: 2 copies indexed (1 already recorded)' log || { cat log; fail "no sent line"; }
grep -q 'sent: 2.noid: no Message-ID' log || { cat log; fail "no debug line for the copy without Message-ID"; }
[ "$(sql db 'SELECT count(*) FROM sent_messages')" = 2 ] || fail "not 2 copies"
[ "$(sql db 'SELECT count(*) FROM sent_recipients')" = 6 ] || fail "not 6 recipients"
[ "$(sql db "SELECT group_concat(address, ' ') FROM (SELECT address FROM sent_recipients r JOIN sent_messages s ON s.id = r.sent WHERE s.message_id = 'm1@example.org' ORDER BY address)")" = \
    "alice@example.org bob@example.net carol@example.com copies@localhost.example" ] ||
    fail "the recipients of m1: $(sql db 'SELECT * FROM sent_recipients')"
[ "$(sql db "SELECT address FROM sent_recipients r JOIN sent_messages s ON s.id = r.sent WHERE s.message_id IS NULL AND address LIKE 'dave%'")" = dave@example.org ] ||
    fail "the copy without Message-ID"
sqlite3 -readonly db "SELECT writefile('got.1a', body) FROM sent_messages WHERE message_id = 'm1@example.org'" >/dev/null
cmp -s got.1a want.1a || fail "the stored copy differs from the file"
[ "$(count_files sent/new)" = 0 ] || fail "sent/new/ not emptied"
[ "$(count_files sent/cur)" = 0 ] || fail "copies moved to cur/"
echo "indexed: 2 copies (1 duplicate), 6 recipients, files deleted"

# killed after the commit, before the unlink: the next run only deletes
copy 4.b 'Message-ID: <m4@example.org>' 'erin@example.org' ''
copy 5.c 'Message-ID: <m5@example.org>' 'frank@example.org' ''
if BOUNCED_TEST_KILL_AFTER_COMMIT=1 "$bounced" --once -c conf.yaml 2>>log; then
	fail "the test hook did not kill bounced"
fi
[ "$(sql db 'SELECT count(*) FROM sent_messages')" = 4 ] || fail "the batch was not committed"
[ "$(count_files sent/new)" = 2 ] || fail "killed after the commit: a file was deleted"
"$bounced" --once -c conf.yaml 2>log.kill || { cat log.kill; fail "run after the hook"; }
grep -q 'sent: 0 copies indexed (2 already recorded)' log.kill || { cat log.kill; fail "not recognised"; }
[ "$(sql db 'SELECT count(*) FROM sent_messages')" = 4 ] || fail "indexed twice"
[ "$(count_files sent/new)" = 0 ] || fail "sent/new/ not emptied after the hook"
echo "killed after a commit: 2 committed, 0 deleted; the next run only deleted them"

# a copy and its bounce together: the copy is indexed first
copy 6.d 'Message-ID: <m6@example.org>' 'grace@example.org' ''
cat >md/new/1.bounce <<'M'
From: MAILER-DAEMON@mx.example.net
To: news@example.org
Subject: Undelivered Mail Returned to Sender
Message-ID: <b6@mx.example.net>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b"

--b
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net

Final-Recipient: rfc822; grace@example.org
Action: failed
Status: 5.1.1

--b
Content-Type: text/rfc822-headers

Message-ID: <m6@example.org>
To: grace@example.org
--b--
M
"$bounced" --once -v -c conf.yaml 2>log.order || { cat log.order; fail "bounced"; }
s=$(grep -n 'sent: 1 copies indexed' log.order | cut -d: -f1)
b=$(grep -n '1.bounce' log.order | head -1 | cut -d: -f1)
[ -n "$s" ] && [ -n "$b" ] && [ "$s" -lt "$b" ] || { cat log.order; fail "the copy was not read first"; }
[ "$(sql db "SELECT count(*) FROM bounces WHERE recipient = 'grace@example.org'")" = 1 ] || fail "the bounce"
echo "a copy and its bounce: the copy first"

# running: a copy delivered while the daemon waits is indexed (inotify)
"$bounced" -c conf.yaml 2>log.run &
pid=$!
wait_for 10 grep -q 'started' log.run || fail "not started"
sleep 0.3
copy 7.e 'Message-ID: <m7@example.org>' 'heidi@example.org' ''
# functions, so that wait_for asks again each time (a $(...) in its
# arguments would be read once, before the daemon had a chance)
m7_indexed() { [ "$(sql db "SELECT count(*) FROM sent_messages WHERE message_id = 'm7@example.org'")" = 1 ]; }
sent_empty() { [ "$(count_files sent/new)" = 0 ]; }
wait_for 10 m7_indexed || { cat log.run; fail "a copy that arrived was not indexed"; }
wait_for 10 sent_empty || fail "the copy was not deleted"
kill "$pid"
rc=0; wait "$pid" || rc=$?
pid=
[ "$rc" = 0 ] || { cat log.run; fail "bounced exited $rc after SIGTERM"; }
echo "running: a copy that arrived was indexed"

# bouncectl sent: by Message-ID (<> optional) or by address
"$bctl" -d db sent '<m1@example.org>' >out.table || fail "bouncectl sent"
grep -q 'm1@example.org' out.table || { cat out.table; fail "bouncectl sent: no m1"; }
"$bctl" -d db --json sent Bob@Example.NET >out.json || fail "bouncectl sent --json"
[ "$(wc -l <out.json)" = 1 ] || { cat out.json; fail "bouncectl sent --json: not one line"; }
grep -q '"message_id": *"m1@example.org"' out.json && grep -q '"recipients": *4' out.json ||
    { cat out.json; fail "bouncectl sent --json"; }
[ "$("$bctl" -d db --csv sent copies@localhost.example | wc -l)" = 7 ] ||
    fail "bouncectl sent --csv: not a header and 6 copies"
rc=0; "$bctl" -d db sent nobody@example.org 2>/dev/null || rc=$?
[ "$rc" = 1 ] || fail "bouncectl sent of an unknown address: exit $rc, not 1"
echo "bouncectl sent: by Message-ID and by address"

# sent.keep: 29 days later nothing goes; 31 days later all
BOUNCED_TEST_TIME_OFFSET=$((29 * 86400)) "$bounced" --once -c conf.yaml 2>log.keep29 ||
    { cat log.keep29; fail "bounced"; }
[ "$(sql db 'SELECT count(*) FROM sent_messages')" = 6 ] || fail "pruned too early"
BOUNCED_TEST_TIME_OFFSET=$((31 * 86400)) "$bounced" --once -c conf.yaml 2>log.keep31 ||
    { cat log.keep31; fail "bounced"; }
grep -q 'sent: 6 copies older than 2592000s pruned' log.keep31 || { cat log.keep31; fail "no prune line"; }
[ "$(sql db 'SELECT count(*) FROM sent_messages')" = 0 ] || fail "not pruned"
[ "$(sql db 'SELECT count(*) FROM sent_recipients')" = 0 ] || fail "recipients not pruned"
echo "sent.keep: pruned after 30 days, not before"
