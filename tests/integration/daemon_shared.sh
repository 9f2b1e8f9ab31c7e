#!/bin/sh
# Two daemons, one database (bounced@.service, issue 17 item 4): each
# watches its own Maildir with -i NAME; 300 bounces arrive in each while
# both run, and one message arrives in both. Every message is recorded
# once, the rows are what `bouncectl parse` gives for the same bytes, the
# message in both Maildirs is one messages row, each daemon keeps its own
# parse marker, and neither gave up on the busy database.
# usage: daemon_shared.sh BOUNCED BOUNCECTL PYTHON SRCDIR WORKDIR
bounced=$1 bouncectl=$2 python=$3 src=$4 work=$5
. "$src/tests/integration/lib.sh"
rm -rf "$work" && mkdir -p "$work" && cd "$work"
pa= pb=
trap 'for p in $pa $pb; do kill -TERM "$p" 2>/dev/null || true; done' EXIT
for n in a b; do
	mk_maildir "md$n"
	printf 'database: bounced.db\nmaildir:\n  path: md%s\n  batch_size: 16\n' \
	    "$n" >"$n.yaml"
done

"$bounced" -i a -c a.yaml 2>log.a &
pa=$!
"$bounced" -i b -c b.yaml 2>log.b &
pb=$!
ready() { grep -q 'started' "log.$1"; }
wait_for 20 ready a || { cat log.a; fail "daemon a did not start"; }
wait_for 20 ready b || { cat log.b; fail "daemon b did not start"; }

# both Maildirs fill at the same time: the two write transactions contend
# shellcheck disable=SC2046
"$python" "$src/tests/integration/gen_bounces.py" --bouncectl "$bouncectl" \
    --count 300 --out mda --keep sent --prefix a --seed 1 $(templates "$src") &
ga=$!
# shellcheck disable=SC2046
"$python" "$src/tests/integration/gen_bounces.py" --bouncectl "$bouncectl" \
    --count 300 --out mdb --keep sent --prefix b --seed 2 $(templates "$src")
wait "$ga" || fail "generator a"
one=$src/examples/maildir/new/1732800001.M1P100Q1.example.org
cp "$one" mda/tmp/both && mv mda/tmp/both mda/new/1900000000.both
cp "$one" mdb/tmp/both && mv mdb/tmp/both mdb/new/1900000000.both
cp "$one" sent/1900000000.both

rows() { [ "$(sql bounced.db 'SELECT count(*) FROM messages')" = "$1" ]; }
empty() { [ "$(count_files mda/new)" = 0 ] && [ "$(count_files mdb/new)" = 0 ]; }
wait_for 120 empty || { tail log.a log.b; fail "new/ not emptied: a $(count_files mda/new), b $(count_files mdb/new)"; }
wait_for 20 rows 601 ||
    fail "$(sql bounced.db 'SELECT count(*) FROM messages') messages rows, want 601"
kill -TERM "$pa" "$pb"
wait "$pa" || fail "daemon a: exit $?"
wait "$pb" || fail "daemon b: exit $?"
pa= pb=

expected_results "$bouncectl" sent >expected
stored_results bounced.db >stored
cmp -s expected stored || { diff expected stored | head; fail "bounces rows differ from bouncectl parse"; }
cat log.a log.b >log
grep -q 'already recorded' log || fail "the message in both Maildirs: no 'already recorded'"
[ -e bounced.db.a.parsing ] && [ -e bounced.db.b.parsing ] ||
    fail "no parse marker of its own per daemon: $(ls)"
[ ! -e bounced.db.parsing ] || fail "a shared parse marker was written"
! grep -Eq 'fatal|gave up' log || { grep -E 'fatal|gave up' log; fail "a daemon gave up"; }
busy=$(grep -c 'locked\|busy' log || true)
echo "601 messages from two daemons on one database, $(wc -l <stored) recipient rows; busy lines: $busy"
