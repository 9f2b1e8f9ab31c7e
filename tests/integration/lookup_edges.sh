#!/bin/sh
# Issue 15: the lookup responders on their real sockets, without an MTA:
# protocol edge cases (lookup_client.py: bad netstrings, huge lengths,
# unknown maps, clients that close mid-request, pipelining, 100 clients
# at once, more connections than kept, the idle timeout); the sockets'
# life (a live one is not taken over, a stale one left by kill -9 is);
# and bouncectl check and export --postfix on the same database.
# Also: a bounce is recorded while clients keep the responders busy.
# usage: lookup_edges.sh BOUNCED BOUNCECTL PYTHON WORKDIR FIXTURE
bounced=$1 bouncectl=$2 python=$3 work=$4 fixture=$5
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work" && mkdir -p "$work" && cd "$work"
work=$(pwd)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null' EXIT
mk_maildir md
cat >bounced.yaml <<YEOF
database: $work/db
maildir:
  path: $work/md
lookup:
  socketmap: $work/smap
  policy: $work/policy
  idle_timeout: 2s
YEOF
# start N: the Nth start; waits for its sockets (a stale one may be there)
start() {
	"$bounced" -c bounced.yaml >>bounced.log 2>&1 &
	pid=$!
	wait_for 20 sh -c "[ \$(grep -c 'lookup: policy on' bounced.log) -ge $1 ]" &&
	    test -S smap -a -S policy || { cat bounced.log; fail "no sockets"; }
}
start 1
[ "$(stat -c %a smap)" = 660 ] || fail "default mode is not 0660"
ctl() { "$bouncectl" -d "$work/db" "$@"; }
ctl suppress gone@example.net >/dev/null

"$python" "$here/lookup_client.py" "$work/smap" "$work/policy" \
    gone@example.net || fail "lookup_client.py"
kill -0 "$pid" || fail "bounced died"
# ingestion goes on while four clients ask as fast as they can
"$python" - "$work/smap" <<'PYEOF' >hammer.out 2>&1 &
import socket, sys, threading, time
req = b"suppressed fixture.user@example.org"
req = b"%d:%s," % (len(req), req)
errors, counts = [], []
def run():
    try:
        s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
        end, n = time.time() + 3, 0
        while time.time() < end:
            s.sendall(req)
            r = s.recv(200)
            assert r.startswith((b"77:OK REJECT", b"9:NOTFOUND ,")), r
            n += 1
        counts.append(n)
    except Exception as e:
        errors.append(repr(e))
t = [threading.Thread(target=run) for _ in range(4)]
[x.start() for x in t]; [x.join() for x in t]
if errors or len(counts) != 4:
    sys.exit("errors: %s" % errors[:2])
print("hammered", sum(counts))
PYEOF
hammer=$!
cp "$fixture" md/tmp/1.M1P1.test && mv md/tmp/1.M1P1.test md/new/
rc=0
wait_for 10 sh -c "\"$bouncectl\" -d '$work/db' check fixture.user@example.org >/dev/null; [ \$? = 1 ]" || rc=1
kill -0 "$hammer" 2>/dev/null || fail "the clients stopped before the bounce was recorded"
wait "$hammer" || fail "clients: $(cat hammer.out)"
[ $rc = 0 ] || fail "the bounce was not recorded while the responders were busy"
grep -q hammered hammer.out || fail "clients: $(cat hammer.out)"

# a reload that changes lookup: says that it waits for a restart, and
# the sockets go on answering
sed -i 's/^  idle_timeout: 2s$/  idle_timeout: 3s/' bounced.yaml
kill -HUP "$pid"
wait_for 20 grep -q 'lookup: the responders keep their sockets' bounced.log ||
    fail "no word of the lookup: change at reload"
sed -i 's/^  idle_timeout: 3s$/  idle_timeout: 2s/' bounced.yaml

# a second instance does not take the live sockets over
rc=0
"$bounced" -c bounced.yaml >second.log 2>&1 || rc=$?
[ "$rc" != 0 ] && grep -q 'in use by another process' second.log ||
    fail "a second bounced took over: $(cat second.log)"
# kill -9 leaves stale sockets; the next start replaces them
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
test -S smap || fail "no stale socket to test with"
start 2
"$python" - "$work/smap" <<'PYEOF' || fail "after a restart over stale sockets"
import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
s.sendall(b"27:suppressed gone@example.net,")
r = s.recv(100)
assert r.startswith(b"72:OK REJECT 5.7.1 "), r
PYEOF
# bouncectl forget while it runs: the responders read the key it makes
# and refuse the address, of which only the keyed hash is left
ctl forget fixture.user@example.org >/dev/null || fail "forget"
"$python" - "$work/smap" <<'PYEOF' || fail "a forgotten address was not refused"
import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
q = b"suppressed fixture.user@example.org"
s.sendall(b"%d:%s," % (len(q), q))
r = s.recv(200)
assert b"OK REJECT 5.7.1 Recipient suppressed by bounced: forgotten since " in r, r
PYEOF
rc=0; ctl check fixture.user@example.org >out || rc=$?
[ $rc = 1 ] && grep -q ' suppressed  *forgotten ' out || fail "check forgotten: $rc $(cat out)"
# a file that is not a socket is never removed
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
echo keep >smap
rc=0
"$bounced" -c bounced.yaml >third.log 2>&1 || rc=$?
[ "$rc" != 0 ] && grep -q 'exists and is not a socket' third.log &&
    [ "$(cat smap)" = keep ] || fail "a regular file was replaced"
rm smap

# lookup.mode and lookup.group on the sockets themselves
if [ "$(id -u)" = 0 ] && getent group postfix >/dev/null; then
	sed -e 's/^  idle_timeout: 2s$/  mode: "0640"\n  group: postfix/' \
	    bounced.yaml >group.yaml
	"$bounced" -c group.yaml >group.log 2>&1 &
	pid=$!
	wait_for 20 test -S policy || { cat group.log; fail "no sockets"; }
	[ "$(stat -c '%a %G' policy)" = "640 postfix" ] ||
	    fail "lookup.mode, lookup.group: $(stat -c '%a %G' policy)"
	kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
fi

# bouncectl check: exit 0 / 1 / 2, one line each, JSON and CSV
rc=0; ctl check ok@example.net >out || rc=$?
[ $rc = 0 ] || fail "check ok: $rc"
rc=0; ctl check ok@example.net GONE@example.net >out || rc=$?
[ $rc = 1 ] && [ "$(wc -l <out)" = 3 ] || fail "check two: $rc $(cat out)"
grep -Eq '^gone@example\.net +suppressed +manual +[0-9]{4}-' out ||
    fail "check table: $(cat out)"
rc=0; ctl check ok@example.net 'bad address' @x >out 2>err || rc=$?
[ $rc = 2 ] && [ "$(grep -c 'not an address' err)" = 2 ] || fail "check bad: $rc"
rc=0; ctl check --json gone@example.net ok@example.net >out || rc=$?
[ $rc = 1 ] || fail "check --json: $rc"
"$python" -c 'import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert [r["verdict"] for r in rows] == ["suppressed", "ok"], rows
assert rows[0]["reason"] == "manual" and rows[0]["since"].endswith("Z"), rows
assert rows[1]["reason"] is None and rows[1]["since"] is None, rows' out ||
    fail "check --json: $(cat out)"
ctl check --csv gone@example.net >out || true
[ "$(head -1 out | tr -d '\r')" = address,verdict,reason,since ] ||
    fail "check --csv header"
rc=0; ctl -d "$work/nonexistent" check a@b.c 2>/dev/null || rc=$?
[ $rc = 3 ] || fail "check on a missing database: $rc"

# export --postfix: one line per suppressed address; one that cannot be
# a postmap key is left out, named, and the exit is 1
ctl export --postfix >map || fail "export"
grep -qx 'gone@example.net REJECT 5.7.1 Recipient suppressed by bounced: manual since [0-9-]*' map ||
    fail "export: $(cat map)"
ctl suppress '#hash@example.net' >/dev/null
rc=0; ctl export --postfix >map 2>err || rc=$?
[ $rc = 1 ] && grep -q '#hash@example.net' err && ! grep -q '^#hash' map &&
    grep -q '^gone@example.net ' map || fail "export of a #key: $rc"
rc=0; ctl export >/dev/null 2>&1 || rc=$?
[ $rc = 2 ] || fail "export without --postfix: $rc"
! grep -Eq 'Sanitizer|runtime error:' bounced.log || fail "$(cat bounced.log)"
echo ok
