#!/bin/sh
# Exactly once over IMAP under kill -9. First deterministically: 100
# bounces, bounced killed right after committing them and before any MOVE
# (BOUNCED_TEST_KILL_AFTER_COMMIT): all 100 are in the database and all
# still in the inbox; the next run recognises each by its SHA-256 and only
# moves it. Then 200 more arrive by APPEND while the daemon (in IDLE) is
# killed with SIGKILL ten times at random moments and restarted. At the
# end: one messages row per bounce, exactly the bounces rows `bouncectl
# parse` gives for the same bytes, the inbox empty, every one moved once.
# usage: imap_kill.sh BOUNCED BOUNCECTL PYTHON SRCDIR WORKDIR [COUNT]
bounced=$1 bouncectl=$2 python=$3 src=$4 work=$5 count=${6:-200}
. "$src/tests/integration/lib.sh"
. "$src/tests/integration/dovecot_lib.sh"
rm -rf "$work" && mkdir -p "$work" && cd "$work"
pid= app=
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; [ -n "$app" ] && kill "$app" 2>/dev/null; dovecot_cleanup' EXIT
dovecot_setup "$python"
dovecot_start

imap_yaml b.yaml implicit localhost "$DV_IMAPS_PORT" "$DV_CA"
printf '  processed_mailbox: Processed\n  idle: true\n' >>b.yaml
rows() {
	sql bounced.db 'SELECT count(*) FROM messages' 2>/dev/null || echo 0
}

# 1. killed between the commit and the MOVEs
deliver 100 51 hook
if BOUNCED_TEST_KILL_AFTER_COMMIT=1 "$bounced" --once -c b.yaml 2>>log; then
	fail "the test hook did not kill bounced"
fi
[ "$(rows)" = 100 ] || fail "killed after the commit: $(rows) rows, want the batch of 100"
[ "$(imap_tool count INBOX)" = 100 ] || fail "killed after the commit: $(imap_tool count INBOX) in INBOX, want all 100"
"$bounced" --once -c b.yaml 2>log.hook || { cat log.hook; fail "run after the hook"; }
# issue 19: recognised by their UIDs, not fetched again; one line per pass
grep -q 'pass: 0 new, 100 already recorded, 100 acknowledged' log.hook ||
    { cat log.hook; fail "the 100 committed messages were not recognised"; }
[ "$(rows)" = 100 ] || fail "after the hook: $(rows) rows, want 100"
[ "$(imap_tool count INBOX)" = 0 ] || fail "after the hook: INBOX not empty"
cat log.hook >>log
echo "killed after a commit: 100 committed, 0 moved; the next run only moved those 100"

# 2. SIGKILL at random while $count more arrive (IDLE: each is read as
# it comes, so kills land in reads, commits and MOVEs alike)
rm -rf gen && mk_maildir gen
# shellcheck disable=SC2046
"$python" "$src/tests/integration/gen_bounces.py" --bouncectl "$bouncectl" \
    --count "$count" --out gen --keep sent --seed 52 --prefix kill \
    $(templates "$src") || fail "gen_bounces.py failed"
"$python" "$DV_TOOL" --port "$DV_IMAP_PORT" --user "$DV_USER" \
    --password-file "$DV_PWFILE" --rate 60 append INBOX gen/new/* &
app=$!
kills=0
while [ $kills -lt 10 ]; do
	"$bounced" -c b.yaml 2>>log &
	pid=$!
	# 100..700 ms: inside start-up, TLS, LOGIN, a FETCH, a commit, a MOVE
	sleep "0.$(awk -v s="$kills" 'BEGIN { srand(s * 7919 + 1); printf "%03d", 100 + int(rand() * 600) }')"
	kill -9 "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	pid=
	kills=$((kills + 1))
done
wait "$app" || fail "APPEND failed"
app=
echo "killed $kills times while $count arrived; $(rows) rows so far, $(imap_tool count INBOX) left in INBOX"

"$bounced" -c b.yaml 2>log.last &
pid=$!
total=$((100 + count))
imap_tool wait-count INBOX 0 60 >/dev/null || { tail log.last; fail "INBOX not emptied after the restart"; }
# The kills may have emptied the inbox already: SIGTERM is only heard
# once the daemon has blocked it for its signalfd, so wait for its login
wait_for 30 grep -q 'logged in as' log.last ||
    { cat log.last; fail "the last run did not log in"; }
kill -TERM "$pid" && wait "$pid" || { cat log.last; fail "bounced did not stop cleanly"; }
pid=
cat log.last >>log
[ "$(rows)" = $total ] || fail "$(rows) messages rows, want $total"
[ "$(sql bounced.db 'SELECT count(DISTINCT sha256) FROM messages')" = $total ] ||
    fail "a message was recorded twice"
[ "$(sql bounced.db 'SELECT count(DISTINCT source_ref) FROM messages')" = $total ] ||
    fail "a UID was recorded under two rows"
# Each one is in Processed -- rarely twice: Dovecot's MOVE is a copy and
# an expunge, and a client killed in between (or a second session that
# SEARCHes in between) leaves the message in INBOX too; we move it again.
# Never lost, never recorded twice; an extra copy in the archive is the
# price of not deleting anything outright.
moved=$(imap_tool count Processed)
[ "$(imap_tool distinct Processed X-Bounced-Test)" = $total ] ||
    fail "Processed holds $(imap_tool distinct Processed X-Bounced-Test) different bounces, want $total"
[ "$moved" -ge $total ] || fail "Processed has $moved, want $total"
expected_results "$bouncectl" sent >expected
stored_results bounced.db >stored
cmp -s expected stored || { diff expected stored | head; fail "bounces rows differ from bouncectl parse"; }
dups=$(grep -c 'already recorded as message' log || true)
echo "exactly once: $total messages rows, $(wc -l <stored) bounces rows, INBOX empty, all $total in Processed ($((moved - total)) moved twice); $dups acknowledgements were of messages committed before a kill"
