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

