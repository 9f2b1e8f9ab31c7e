#!/bin/sh
# imap_kill.sh on a server besides Dovecot (issue 19 item 4,
# imapsrv_lib.sh), acknowledging into INBOX.Processed (server syntax).
# Exactly once over IMAP under kill -9. First deterministically: 100
# bounces, bounced killed right after committing them and before any MOVE
# (BOUNCED_TEST_KILL_AFTER_COMMIT): all 100 are in the database and all
# still in the inbox; the next run recognises each by its SHA-256 and only
# moves it. Then 200 more arrive by APPEND while the daemon (in IDLE) is
# killed with SIGKILL ten times at random moments and restarted. At the
# end: one messages row per bounce, exactly the bounces rows `bouncectl
# parse` gives for the same bytes, the inbox empty, every one moved once.
# usage: imapsrv_kill.sh BOUNCED BOUNCECTL PYTHON SRCDIR WORKDIR SERVER [COUNT]
bounced=$1 bouncectl=$2 python=$3 src=$4 work=$5 server=$6 count=${7:-200}
. "$src/tests/integration/lib.sh"
. "$src/tests/integration/imapsrv_lib.sh"
srv_begin "$work" "$server"

srv_yaml b.yaml
printf '  processed_mailbox: INBOX.Processed\n  idle: true\n' >>b.yaml
rows() {
	sql bounced.db 'SELECT count(*) FROM messages' 2>/dev/null || echo 0
}

# 1. killed between the commit and the MOVEs
srv_deliver 100 51 hook
if BOUNCED_TEST_KILL_AFTER_COMMIT=1 "$bounced" --once -c b.yaml 2>>log; then
	fail "the test hook did not kill bounced"
fi
[ "$(rows)" = 100 ] || fail "killed after the commit: $(rows) rows, want the batch of 100"
[ "$(srv_tool count INBOX)" = 100 ] || fail "killed after the commit: $(srv_tool count INBOX) in INBOX, want all 100"
"$bounced" --once -c b.yaml 2>log.hook || { cat log.hook; fail "run after the hook"; }
# recognised by their UIDs, not fetched again; one line per pass
grep -q 'pass: 0 new, 100 already recorded, 100 acknowledged' log.hook ||
    { cat log.hook; fail "the 100 committed messages were not recognised"; }
[ "$(rows)" = 100 ] || fail "after the hook: $(rows) rows, want 100"
[ "$(srv_tool count INBOX)" = 0 ] || fail "after the hook: INBOX not empty"
cat log.hook >>log
echo "$server: killed after a commit: 100 committed, 0 moved; the next run only moved those 100"

# 2. SIGKILL at random while $count more arrive (IDLE: each is read as
# it comes, so kills land in reads, commits and MOVEs alike)
rm -rf gen && mk_maildir gen
# shellcheck disable=SC2046
"$python" "$src/tests/integration/gen_bounces.py" --bouncectl "$bouncectl" \
    --count "$count" --out gen --keep sent --seed 52 --prefix kill \
    $(templates "$src") || fail "gen_bounces.py failed"
"$python" "$SRV_TOOL" --port "$SRV_PORT" --user "$SRV_USER" \
    --password-file "$SRV_PWFILE" --rate 60 append INBOX gen/new/* &
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
echo "$server: killed $kills times while $count arrived; $(rows) rows so far, $(srv_tool count INBOX) left in INBOX"

"$bounced" -c b.yaml 2>log.last &
pid=$!
total=$((100 + count))
srv_tool wait-count INBOX 0 60 >/dev/null || { tail log.last; fail "INBOX not emptied after the restart"; }
# The kills may have emptied the inbox already: SIGTERM is only heard
# once the daemon has blocked it for its signalfd, so wait for its login
wait_for 30 grep -q 'logged in as' log.last ||
    { cat log.last; fail "the last run did not log in"; }
kill -TERM "$pid" && wait "$pid" || { cat log.last; fail "bounced did not stop cleanly"; }
cat log.last >>log
pid=
[ "$(rows)" = $total ] || fail "$(rows) messages rows, want $total"
[ "$(sql bounced.db 'SELECT count(DISTINCT sha256) FROM messages')" = $total ] ||
    fail "a message was recorded twice"
[ "$(sql bounced.db 'SELECT count(DISTINCT source_ref) FROM messages')" = $total ] ||
    fail "a UID was recorded under two rows"
# Each one is in INBOX.Processed -- rarely twice: without MOVE the
# acknowledgement is a COPY, a STORE \Deleted and an expunge, and a client killed in between (or a second session that
# SEARCHes in between) leaves the message in INBOX too; we move it again.
# Never lost, never recorded twice; an extra copy in the archive is the
# price of not deleting anything outright.
moved=$(srv_tool count INBOX.Processed)
[ "$(srv_tool distinct INBOX.Processed X-Bounced-Test)" = $total ] ||
    fail "INBOX.Processed holds $(srv_tool distinct INBOX.Processed X-Bounced-Test) different bounces, want $total"
[ "$moved" -ge $total ] || fail "INBOX.Processed has $moved, want $total"
expected_results "$bouncectl" sent >expected
stored_results bounced.db >stored
cmp -s expected stored || { diff expected stored | head; fail "bounces rows differ from bouncectl parse"; }
dups=$(grep -c 'already recorded as message' log || true)
echo "$server: exactly once: $total messages rows, $(wc -l <stored) bounces rows, INBOX empty, all $total in INBOX.Processed ($((moved - total)) moved twice); $dups acknowledgements were of messages committed before a kill"
