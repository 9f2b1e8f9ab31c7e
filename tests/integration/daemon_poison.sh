#!/bin/sh
# Poison messages and memory bombs (issue 14, daemon/poison.h):
# 1. a message that crashes the parser (a test hook: SIGSEGV) kills the
#    first run; the second start parses it on its own, sees that die too,
#    quarantines it with the reason and records everything else;
# 2. one that hangs the parser until the watchdog (here kill -9) ends the
#    run is quarantined when its isolated parse runs out of time;
# 3. one that crashed a run by chance (the hook gone) is parsed as usual;
# 4. 100,000 recipients and a report nested too deep are recorded with
#    the caps they hit, stored and logged;
# 5. a million-part and a five-million-field message are recorded by a
#    daemon limited to 400 MB of address space, flagged as cut, and the
#    next message is recorded too.
# usage: daemon_poison.sh BOUNCED BOUNCECTL PYTHON SRCDIR WORKDIR
bounced=$1 bouncectl=$2 python=$3 src=$4 work=$5
. "$src/tests/integration/lib.sh"
rm -rf "$work" && mkdir -p "$work" && cd "$work"
ex=$src/examples/maildir/new
pid=
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; true' EXIT

setup() {
	rm -rf md sent bounced.db bounced.db-* bounced.db.parsing log
	mk_maildir md
	printf 'database: bounced.db\nmaildir:\n  path: md\n' >bounced.yaml
	cp "$ex/1732800001.M1P100Q1.example.org" md/new/poison
	cp "$ex/1732800002.M1P100Q2.example.org" md/new/b2
	cp "$ex/1732800003.M1P100Q3.example.org" md/new/b3
	sha=$(sha256sum md/new/poison | cut -d' ' -f1)
}
rows() { sql bounced.db "SELECT count(*) FROM messages"; }

# 1. a crash, twice
setup
if BOUNCED_TEST_CRASH_SHA256=$sha "$bounced" --once -c bounced.yaml \
    >log 2>&1; then
	cat log; fail "the crash hook did not crash the first run"
fi
[ -e md/new/poison ] || fail "the message that crashed the run was moved"
grep -q "^$sha poison" bounced.db.parsing ||
    fail "the marker does not name the message the run died on: $(cat bounced.db.parsing)"
BOUNCED_TEST_CRASH_SHA256=$sha "$bounced" --once -c bounced.yaml >log 2>&1 ||
    { cat log; fail "the second start failed (exit $?)"; }
grep -q 'poison: the last run ended while parsing it' log ||
    { cat log; fail "the second start does not say what the last run died on"; }
grep -q 'poison: the daemon died while parsing it, and a parse on its own failed too: it was killed by signal 11' log ||
    { cat log; fail "the quarantine does not say why"; }
[ -e md/.Quarantine/new/poison ] || { ls -R md; fail "not quarantined"; }
[ "$(rows)" = 3 ] || fail "$(rows) messages recorded, want 3"
[ "$(sql bounced.db "SELECT outcome FROM messages WHERE source_ref = 'poison'")" = unparsable ] ||
    fail "the poison message is not recorded as unparsable"
sql bounced.db "SELECT error FROM messages WHERE source_ref = 'poison'" |
    grep -q 'signal 11' || fail "messages.error does not say why"
[ "$(sql bounced.db 'SELECT count(*) FROM suspects')" = 0 ] ||
    fail "the suspect is still listed after it was recorded"
[ "$(count_files md/new)" = 0 ] || fail "messages left in new/"
# a third run has nothing to do and does not crash
BOUNCED_TEST_CRASH_SHA256=$sha "$bounced" --once -c bounced.yaml >log 2>&1 ||
    { cat log; fail "a third run failed"; }
echo "a crashing message: quarantined on the second start, with the signal"

# 2. a hang that the watchdog ends (here: kill -9 while it hangs)
setup
BOUNCED_TEST_HANG_SHA256=$sha "$bounced" -c bounced.yaml >log 2>&1 &
pid=$!
marked() { grep -q "^$sha poison" bounced.db.parsing; }
wait_for 10 marked || { cat log; fail "the hang was never reached"; }
kill -9 "$pid"; wait "$pid" 2>/dev/null || true; pid=
t0=$(date +%s)
BOUNCED_TEST_HANG_SHA256=$sha BOUNCED_TEST_PARSE_TIMEOUT_MS=2000 \
    "$bounced" --once -c bounced.yaml >log 2>&1 ||
    { cat log; fail "the start after the hang failed"; }
t1=$(date +%s)
grep -q 'it did not finish in 2 s: quarantined' log ||
    { cat log; fail "the hanging message was not quarantined for its time"; }
[ -e md/.Quarantine/new/poison ] || fail "the hanging message is not in the quarantine"
[ "$(rows)" = 3 ] || fail "$(rows) messages recorded after the hang, want 3"
[ $((t1 - t0)) -lt 30 ] || fail "the isolated parse was not cut at its time limit"
echo "a hanging message: quarantined after its isolated parse timed out ($((t1 - t0)) s)"

# 3. a crash that was not the message's: parsed as usual
setup
BOUNCED_TEST_CRASH_SHA256=$sha "$bounced" --once -c bounced.yaml >log 2>&1 &&
    fail "the crash hook did not crash"
"$bounced" --once -c bounced.yaml >log 2>&1 || { cat log; fail "exit $?"; }
grep -q 'parsed on its own without harm' log ||
    { cat log; fail "the suspect was not tried on its own"; }
[ "$(sql bounced.db "SELECT outcome FROM messages WHERE source_ref = 'poison'")" = bounce ] ||
    fail "a message that parses was not recorded as the bounce it is"
[ ! -e md/.Quarantine/new/poison ] || fail "a message that parses was quarantined"
[ "$(sql bounced.db 'SELECT count(*) FROM suspects')" = 0 ] ||
    fail "the suspect is still listed"
echo "a crash by chance: the message is tried on its own, then recorded"

# 3b. a sent: copy that crashes the parser is skipped on the next start
setup
rm md/new/poison
mk_maildir sent
printf 'database: bounced.db\nmaildir:\n  path: md\nsent:\n  maildir: sent\n' >bounced.yaml
printf 'From: news@example.org\nTo: a@example.net\nMessage-ID: <s1@example.org>\n\nhello\n' >sent/new/s1
printf 'From: news@example.org\nTo: b@example.net\nMessage-ID: <s2@example.org>\n\nhello\n' >sent/new/s2
ssha=$(sha256sum sent/new/s1 | cut -d' ' -f1)
BOUNCED_TEST_CRASH_SHA256=$ssha "$bounced" --once -c bounced.yaml >log 2>&1 &&
    { cat log; fail "the crash hook did not crash the sent: pass"; }
BOUNCED_TEST_CRASH_SHA256=$ssha "$bounced" --once -c bounced.yaml >log 2>&1 ||
    { cat log; fail "the start after a sent: crash failed (exit $?)"; }
grep -q 'sent: s1: the daemon died while parsing it: not indexed' log ||
    { cat log; fail "the poison copy is not named"; }
[ "$(sql bounced.db "SELECT count(*) FROM sent_messages WHERE message_id = 's2@example.org'")" = 1 ] ||
    fail "the other copy was not indexed"
[ "$(sql bounced.db 'SELECT count(*) FROM suspects')" = 0 ] ||
    fail "the sent copy is still a suspect"
[ "$(rows)" = 2 ] || fail "the bounces were not recorded after a sent: crash"
echo "a sent: copy that crashes the parser: skipped on the next start"

# 4. caps that drop data say so: 100,000 recipients, a report nested deep
setup
rm md/new/poison
"$python" - <<'PY'
with open("md/new/many", "w") as f:
    f.write("From: MAILER-DAEMON@example.net\nTo: a@example.com\n"
            "Subject: failure\nMIME-Version: 1.0\nContent-Type: "
            'multipart/report; report-type=delivery-status; boundary="b"\n'
            "\n--b\nContent-Type: message/delivery-status\n\n"
            "Reporting-MTA: dns; mx.example.net\n")
    for i in range(100000):
        f.write("\nFinal-Recipient: rfc822; u%d@example.org\n"
                "Action: failed\nStatus: 5.1.1\n" % i)
    f.write("\n--b--\n")
with open("md/new/deep", "w") as f:
    f.write("From: MAILER-DAEMON@example.net\nMIME-Version: 1.0\n")
    for i in range(200):
        f.write('Content-Type: multipart/mixed; boundary="n%d"\n\n--n%d\n'
                % (i, i))
    f.write("Content-Type: message/delivery-status\n\n"
            "Final-Recipient: rfc822; deep@example.org\n"
            "Action: failed\nStatus: 5.1.1\n")
PY
"$bounced" --once -c bounced.yaml >log 2>&1 || { cat log; fail "exit $?"; }
got=$(sql bounced.db "SELECT caps || ' ' || rcpts_dropped FROM messages WHERE source_ref = 'many'")
[ "$got" = "recipients 99000" ] ||
    fail "100,000 recipients: caps and rcpts_dropped are '$got'"
[ "$(sql bounced.db "SELECT count(*) FROM bounces")" -ge 1000 ] ||
    fail "the first 1000 recipients were not recorded"
grep -q "many: cut by the parser's limits (recipients): 1000 recipients recorded, 99000 more beyond MAIL_MAX_RCPTS not" log ||
    { cat log; fail "the recipients dropped are not logged"; }
[ "$(sql bounced.db "SELECT caps FROM messages WHERE source_ref = 'deep'")" = depth ] ||
    fail "the nesting cut is not stored"
grep -q "deep: cut by the parser's limits (depth)" log ||
    { cat log; fail "a report cut by nesting is read without a word"; }
echo "caps: 99000 recipients dropped and a nesting cut, stored and logged"

# 4b. deaths the message did not cause: a kill -9 from outside (or the
# watchdog) that lands twice on a harmless message's parse -- the run that
# died, and the first parse after the restart -- must not quarantine it;
# a third death does (poison.h, POISON_MAX_DEATHS). The earlier deaths are
# written as the daemon writes them: the marker and the suspects row.
setup
rm md/new/poison
"$bounced" --once -c bounced.yaml >log 2>&1 || { cat log; fail "a clean run failed"; }
cp "$ex/1732800001.M1P100Q1.example.org" md/new/poison
died() { # COUNT: the daemon has died COUNT - 1 times on it, and now again
	sqlite3 bounced.db "DELETE FROM suspects; INSERT INTO suspects VALUES
	    ('$sha', 'poison', $(($1 - 1)), 1, 1)" >/dev/null
	printf '%s poison\n' "$sha" >bounced.db.parsing
}
died 2
"$bounced" --once -c bounced.yaml >log 2>&1 || { cat log; fail "the start after two deaths failed"; }
[ -e md/cur/poison:2,S ] || { cat log; ls -R md; fail "a harmless message was not recorded after two deaths"; }
[ "$(sql bounced.db "SELECT outcome FROM messages WHERE source_ref = 'poison'")" = bounce ] ||
    fail "a harmless message is not a bounce after two deaths"
sqlite3 bounced.db "DELETE FROM bounces WHERE message IN (SELECT id FROM
    messages WHERE source_ref = 'poison'); DELETE FROM messages
    WHERE source_ref = 'poison'" >/dev/null
mv md/cur/poison:2,S md/new/poison
died 3
"$bounced" --once -c bounced.yaml >log 2>&1 || { cat log; fail "the start after three deaths failed"; }
[ -e md/.Quarantine/new/poison ] || { cat log; ls -R md; fail "not quarantined after three deaths"; }
sql bounced.db "SELECT error FROM messages WHERE source_ref = 'poison'" |
    grep -q 'died 3 times' || fail "messages.error does not say how many deaths"
echo "deaths from outside: parsed after two, quarantined after three"

# 5. memory bombs under an address-space limit
if grep -q __asan_init "$bounced"; then
	echo "memory bombs: skipped in this build (ASan reserves terabytes of" \
	    "address space; prlimit --as cannot apply); run in the plain build"
	exit 0
fi
setup
rm md/new/poison
"$python" - <<'PY'
head = ("From: MAILER-DAEMON@example.net\nTo: a@example.com\n"
        "Subject: bomb\nMIME-Version: 1.0\n")
with open("md/new/parts", "w") as f:
    f.write(head + 'Content-Type: multipart/mixed; boundary="b"\n\n')
    f.write("--b\n\n" * 1000000 + "--b--\n")
with open("md/new/fields", "w") as f:
    f.write(head + "X:a\n" * 5000000 + "\nbody\n")
PY
prlimit --as=400000000 "$bounced" --once -c bounced.yaml >log 2>&1 ||
    { cat log; fail "under prlimit --as=400000000: exit $?"; }
[ "$(rows)" = 4 ] || { cat log; fail "$(rows) messages recorded, want 4"; }
[ "$(sql bounced.db "SELECT caps FROM messages WHERE source_ref = 'parts'")" = parts ] ||
    fail "the million-part message is not flagged as cut"
sql bounced.db "SELECT caps FROM messages WHERE source_ref = 'fields'" |
    grep -q fields || fail "the five-million-field message is not flagged"
grep -q "parts: cut by the parser's limits (parts)" log ||
    { cat log; fail "the cut is not logged"; }
[ "$(count_files md/new)" = 0 ] || fail "messages left in new/"
echo "memory bombs under 400 MB of address space: recorded, flagged, logged"
