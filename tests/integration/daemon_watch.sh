#!/bin/sh
# The running daemon picks up a message delivered by rename() and one by
# link()+unlink() (Postfix; inotify gives only IN_CREATE), finds one that
# arrived while it was down, keeps its configuration when a SIGHUP brings an
# invalid one, takes a valid one, and stops cleanly on SIGTERM.
# usage: daemon_watch.sh BOUNCED BOUNCECTL PYTHON SRCDIR WORKDIR
bounced=$1 bouncectl=$2 python=$3 src=$4 work=$5
. "$src/tests/integration/lib.sh"
rm -rf "$work" && mkdir -p "$work" && cd "$work"
mk_maildir md
printf 'database: bounced.db\nmaildir:\n  path: md\n' >bounced.yaml
pid=
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; true' EXIT

ex=$src/examples/maildir/new
cp "$ex/1732800001.M1P100Q1.example.org" md/new/early    # before start
"$bounced" -c bounced.yaml 2>log &
pid=$!
rows() { [ "$(sql bounced.db 'SELECT count(*) FROM messages')" = "$1" ]; }
wait_for 10 rows 1 || { cat log; fail "the message waiting at start was not processed"; }

cp "$ex/1732800002.M1P100Q2.example.org" md/tmp/renamed
mv md/tmp/renamed md/new/renamed
wait_for 10 rows 2 || { cat log; fail "a message delivered by rename() was missed"; }

cp "$ex/1732800003.M1P100Q3.example.org" md/tmp/linked
ln md/tmp/linked md/new/linked && rm md/tmp/linked
wait_for 10 rows 3 || { cat log; fail "a message delivered by link() was missed"; }
wait_for 5 test ! -e md/new/linked || fail "the linked message was not moved"
[ -e md/cur/linked:2,S ] || fail "md/cur/linked:2,S missing"

# SIGHUP with a broken file: the old configuration keeps working
printf 'database: bounced.db\nmaildir:\n  path: md\n  bogus: 1\n' >bounced.yaml
kill -HUP "$pid"
wait_for 10 grep -q 'keeping the running configuration' log ||
    { cat log; fail "invalid reload not reported"; }
grep -q 'bogus' log || fail "the reload error does not name the key"
cp "$ex/1732800004.M1P100Q4.example.org" md/tmp/after-bad-reload
mv md/tmp/after-bad-reload md/new/
wait_for 10 rows 4 || { cat log; fail "stopped working after a bad reload"; }

# a valid one: log level warning silences the per-message lines
printf 'database: bounced.db\nmaildir:\n  path: md\nlog:\n  level: warning\n' >bounced.yaml
kill -HUP "$pid"
wait_for 10 grep -q 'reloaded' log || { cat log; fail "valid reload not taken"; }
lines=$(wc -l <log)
cp "$ex/1732800005.M1P100Q5.example.org" md/tmp/after-reload
mv md/tmp/after-reload md/new/
wait_for 10 rows 5 || { cat log; fail "stopped working after a reload"; }
[ "$(wc -l <log)" = "$lines" ] || fail "log.level warning not applied"

kill -TERM "$pid"
n=50
while kill -0 "$pid" 2>/dev/null && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
kill -0 "$pid" 2>/dev/null && fail "still running 5 s after SIGTERM"
wait "$pid" || fail "exit status $? after SIGTERM"
pid=
echo "rename, link, start-up backlog, reloads and SIGTERM: ok"
