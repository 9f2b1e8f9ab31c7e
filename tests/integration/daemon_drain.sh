#!/bin/sh
# bounced --once drains a Maildir of 500 bounces plus junk: every file out of
# new/, one messages row each, junk recorded as unparsable and kept in the
# quarantine; the rows are those `bouncectl parse` gives for the same bytes;
# a second run adds nothing; a message put back (a crash after the commit,
# before the move) is only moved.
# usage: daemon_drain.sh BOUNCED BOUNCECTL PYTHON SRCDIR WORKDIR
bounced=$1 bouncectl=$2 python=$3 src=$4 work=$5
. "$src/tests/integration/lib.sh"
rm -rf "$work" && mkdir -p "$work" && cd "$work"
mk_maildir md
printf 'database: bounced.db\nmaildir:\n  path: md\n  batch_size: 64\n' >bounced.yaml
# shellcheck disable=SC2046
"$python" "$src/tests/integration/gen_bounces.py" --bouncectl "$bouncectl" \
    --count 500 --junk 8 --mode mixed --out md --keep sent $(templates "$src")

"$bounced" --once -c bounced.yaml 2>log1 || { cat log1; fail "first run"; }
[ "$(count_files md/new)" = 0 ] || fail "new/ not empty: $(count_files md/new)"
[ "$(count_files md/cur)" = 500 ] || fail "cur/ has $(count_files md/cur), want 500"
[ "$(count_files md/.Quarantine/new)" = 8 ] || fail "quarantine has $(count_files md/.Quarantine/new), want 8"
[ "$(find md/cur -name '*:2,S' | wc -l)" = 500 ] || fail "cur/ names lack :2,S"
[ "$(sql bounced.db 'SELECT count(*) FROM messages')" = 508 ] || fail "messages rows"
[ "$(sql bounced.db "SELECT count(*) FROM messages WHERE outcome = 'unparsable' AND error <> ''")" = 8 ] ||
    fail "unparsable rows"
expected_results "$bouncectl" sent >expected
stored_results bounced.db >stored
[ -s expected ] || fail "bouncectl parse gave nothing"
cmp -s expected stored || { diff expected stored | head; fail "bounces rows differ from bouncectl parse"; }
grep -q 'unparsable' log1 || fail "no log line for junk"
grep -Eq ': u[0-9]+-0@d[0-9]+\.example 5\.[0-9.]+ [a-z]+: (suppressed|soft)' log1 ||
    fail "no info line per recipient"
echo "first run: 508 messages, $(wc -l <stored) recipient rows, 8 quarantined"

before=$(sql bounced.db 'SELECT count(*) FROM messages; SELECT count(*) FROM bounces; SELECT total(bounce_count) FROM recipients')
"$bounced" --once -c bounced.yaml 2>log2 || { cat log2; fail "second run"; }
after=$(sql bounced.db 'SELECT count(*) FROM messages; SELECT count(*) FROM bounces; SELECT total(bounce_count) FROM recipients')
[ "$before" = "$after" ] || fail "second run changed the database"

# a committed message back in new/: acknowledged, not counted again
one=$(ls md/cur | head -n 1)
cp "md/cur/$one" "md/new/${one%%:*}"
"$bounced" --once -c bounced.yaml 2>log3 || { cat log3; fail "third run"; }
again=$(sql bounced.db 'SELECT count(*) FROM messages; SELECT count(*) FROM bounces; SELECT total(bounce_count) FROM recipients')
[ "$before" = "$again" ] || fail "a re-delivered message was counted twice"
[ "$(count_files md/new)" = 0 ] || fail "the re-delivered message was not moved"
grep -q 'already recorded' log3 || fail "no 'already recorded' line"
echo "second and third runs added nothing"


# cur/ as an IMAP server leaves it: unread messages moved out of new/ when a
# client opened the folder are taken (and marked S, keeping their flags);
# one a person marked seen is left alone
ex=$src/examples/maildir/new
cp "$ex/1732800001.M1P100Q1.example.org" "md/cur/1900000001.M1P1.imap:2,"
cp "$ex/1732800002.M1P100Q2.example.org" "md/cur/1900000002.M1P1.imap:2,FS"
cp "$ex/1732800003.M1P100Q3.example.org" "md/cur/1900000003.M1P1.imap:2,F"
"$bounced" --once -c bounced.yaml 2>log4 || { cat log4; fail "cur/ run"; }
[ "$(sql bounced.db 'SELECT count(*) FROM messages')" = 510 ] || fail "want the 2 unread messages of cur/ recorded"
[ -e "md/cur/1900000001.M1P1.imap:2,S" ] || fail "unread cur/ message not marked seen"
[ -e "md/cur/1900000003.M1P1.imap:2,FS" ] || fail "flags not kept in order when marking seen"
[ -e "md/cur/1900000002.M1P1.imap:2,FS" ] || fail "a seen message was touched"
[ "$(sql bounced.db "SELECT count(*) FROM messages WHERE source_ref LIKE '1900000002%'")" = 0 ] ||
    fail "a message a person had seen was recorded"
echo "unread messages in cur/ taken, seen ones left"
