#!/bin/sh
# Exactly once under kill -9. While 3,000 bounces (and some junk) arrive,
# bounced is killed with SIGKILL ten times at random moments and restarted;
# then 100 more arrive and it is killed deterministically right after its
# first commit, before any message of that batch is moved
# (BOUNCED_TEST_KILL_AFTER_COMMIT). At the end: exactly
# one messages row per file, exactly the bounces rows `bouncectl parse`
# gives for the same bytes, new/ empty.
# usage: daemon_kill.sh BOUNCED BOUNCECTL PYTHON SRCDIR WORKDIR [COUNT]
bounced=$1 bouncectl=$2 python=$3 src=$4 work=$5 count=${6:-3000}
. "$src/tests/integration/lib.sh"
rm -rf "$work" && mkdir -p "$work" && cd "$work"
mk_maildir md
printf 'database: bounced.db\nmaildir:\n  path: md\n  batch_size: 50\n' >bounced.yaml
pid= gen=
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; [ -n "$gen" ] && kill "$gen" 2>/dev/null; true' EXIT

junk=$((count / 100))
# shellcheck disable=SC2046
"$python" "$src/tests/integration/gen_bounces.py" --bouncectl "$bouncectl" \
    --count "$count" --junk "$junk" --mode mixed --rate 1000 --out md \
    --keep sent --seed 7 $(templates "$src") &
gen=$!
kills=0
while [ $kills -lt 10 ]; do
	"$bounced" -c bounced.yaml 2>>log &
	pid=$!
	# 50..500 ms: inside start-up, a batch, a commit or a move
	sleep "0.$(awk -v s="$kills" 'BEGIN { srand(s * 7919); printf "%03d", 50 + int(rand() * 450) }')"
	kill -9 "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	pid=
	kills=$((kills + 1))
done
wait "$gen" || fail "generator failed"
gen=
echo "killed $kills times while delivering; $(count_files md/new) left in new/"

# the exact window, deterministically: 100 more, killed right after the
# first commit (50 messages) and before any of them is moved
"$bounced" --once -c bounced.yaml 2>>log || { tail log; fail "drain before the hook"; }
before=$(sql bounced.db 'SELECT count(*) FROM messages')
# shellcheck disable=SC2046
"$python" "$src/tests/integration/gen_bounces.py" --bouncectl "$bouncectl" \
    --count 100 --out md --keep sent --seed 9 --prefix hook $(templates "$src")
if BOUNCED_TEST_KILL_AFTER_COMMIT=1 "$bounced" --once -c bounced.yaml 2>>log; then
	fail "the test hook did not kill bounced"
fi
[ "$(count_files md/new)" = 100 ] || fail "killed after the commit: $(count_files md/new) in new/, want all 100"
[ "$(sql bounced.db 'SELECT count(*) FROM messages')" = $((before + 50)) ] ||
    fail "killed after the commit: the batch of 50 is not in the database"
# -v: "already recorded" is a debug line since issue 19
"$bounced" -v --once -c bounced.yaml 2>log.hook || { cat log.hook; fail "run after the hook"; }
[ "$(grep -c 'already recorded as message' log.hook)" = 50 ] || fail "the 50 committed messages were not recognised"
cat log.hook >>log
count=$((count + 100))
echo "killed after a commit: 50 committed, 0 moved; the next run only moved those 50"
total=$((count + junk))
[ "$(count_files md/new)" = 0 ] || fail "new/ not empty"
[ "$(count_files md/cur)" = "$count" ] || fail "cur/ has $(count_files md/cur), want $count"
[ "$(count_files md/.Quarantine/new)" = "$junk" ] || fail "quarantine has $(count_files md/.Quarantine/new), want $junk"
rows=$(sql bounced.db 'SELECT count(*) FROM messages')
[ "$rows" = "$total" ] || fail "$rows messages rows, want $total"
[ "$(sql bounced.db 'SELECT count(DISTINCT source_ref) FROM messages')" = "$total" ] ||
    fail "a file was recorded under two rows"
expected_results "$bouncectl" sent >expected
stored_results bounced.db >stored
cmp -s expected stored || { diff expected stored | head; fail "bounces rows differ from bouncectl parse"; }
dups=$(grep -c 'already recorded as message' log || true)
echo "exactly once: $rows messages rows, $(wc -l <stored) bounces rows; $dups messages committed before a kill were only moved"
