#!/bin/sh
# Issue 14 item 4: the database at start-up and during a run.
# - Locked by another process at start: bounced waits (STATUS= says why,
#   the watchdog is fed) and then records what waits, in watch mode and
#   with --once; SIGTERM ends the wait; --once gives up after its bound
#   (BOUNCED_TEST_DB_WAIT) with a non-zero status.
# - Cannot be written: not a database, corrupt pages, a read-only file
#   system (with and without its -wal and -shm), a missing directory, the
#   file deleted while running: a non-zero exit with the file and the
#   reason in the log, in both modes, and the messages left in new/.
# - A full disk is no such fault: retried, recorded once there is room.
# Before the fix a lock at start was fatal after 5 s, a read-only
# database kept watch mode running (retrying) and let --once over an
# empty Maildir exit 0, and a deleted file was written on as if nothing
# happened. The read-only and full mounts need unshare -m: without it
# that part is skipped and the test exits 77 after the rest has passed.
# usage: daemon_dbfault.sh BOUNCED BOUNCECTL PYTHON SRCDIR WORKDIR
bounced=$1 bouncectl=$2 python=$3 src=$4 work=$5
. "$src/tests/integration/lib.sh"
rm -rf "$work" && mkdir -p "$work" && cd "$work"
work=$(pwd)
ex=$src/examples/maildir/new
pid= lock_pid= listener=
trap 'for p in $pid $lock_pid $listener; do kill -9 "$p" 2>/dev/null || true; done' EXIT

# fresh: an empty Maildir with two bounces waiting, a migrated database
fresh() {
	rm -rf md bounced.db* && mk_maildir md
	"$bounced" --once -m md -d bounced.db 2>/dev/null || fail "setup"
	cp "$ex/1732800001.M1P100Q1.example.org" "$ex/1732800002.M1P100Q2.example.org" md/new/
}
rows() { [ "$(sql bounced.db 'SELECT count(*) FROM messages')" = "$1" ]; }
waiting() { [ "$(count_files md/new)" = "$1" ]; }
# hold_lock SECONDS: another process holds the write lock that long
hold_lock() {
	rm -f held
	"$python" -c 'import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN IMMEDIATE")
open("held", "w").close()
time.sleep(float(sys.argv[2]))
c.execute("COMMIT")' bounced.db "$1" &
	lock_pid=$!
	wait_for 5 test -e held || fail "could not take the lock"
}
# stops_within SECONDS: $pid has exited by then; its status in $rc
stops_within() {
	wait_for "$1" eval '! kill -0 '"$pid" || return 1
	rc=0
	wait "$pid" || rc=$?
	pid=
}

# ---- locked at start, watch mode, under a fake NOTIFY_SOCKET ----
fresh
sock=$work/notify.sock
[ ${#sock} -gt 100 ] && sock=@bounced-dbfault-$$
"$python" "$src/tests/integration/notify_listener.py" "$sock" notify.log &
listener=$!
wait_for 10 test -e notify.log || fail "notify_listener.py did not start"
hold_lock 4
NOTIFY_SOCKET=$sock WATCHDOG_USEC=1000000 \
    sh -c 'export WATCHDOG_PID=$$; exec "$0" -m md -d bounced.db' \
    "$bounced" 2>log.wait &
pid=$!
wait_for 5 grep -q 'waiting for the database (locked by another process)' log.wait ||
    { cat log.wait; fail "no word of the wait"; }
kill -0 "$pid" || { cat log.wait; fail "exited while the database was locked"; }
waiting 2 || fail "a message was acknowledged while the database was locked"
wait "$lock_pid"
lock_pid=
wait_for 15 rows 2 || { cat log.wait; fail "nothing recorded once the lock was released"; }
wait_for 5 waiting 0 || fail "the messages were not moved"
grep -q 'open after [0-9]* s of waiting' log.wait || fail "the end of the wait not said"
kill -TERM "$pid"
stops_within 5 || fail "still running 5 s after SIGTERM"
[ "$rc" = 0 ] || fail "exit $rc after SIGTERM"
if grep -q 'READY=1' notify.log; then
	grep -q 'STATUS=waiting for the database: locked by another process' notify.log ||
	    { cat notify.log; fail "no STATUS= saying why"; }
	# the watchdog heard from us while we waited, before READY=1
	awk -F '\t' '/READY=1/ { exit } /WATCHDOG=1/ { n++ } END { exit !(n >= 2) }' notify.log ||
	    { cat notify.log; fail "the watchdog was not fed while waiting"; }
	grep -q 'EXTEND_TIMEOUT_USEC=' notify.log || fail "the start-up timeout was not extended"
	echo "ok: locked at start: waited (STATUS=, WATCHDOG=1), then recorded"
else
	echo "ok: locked at start: waited, then recorded (no libsystemd: sd_notify not checked)"
fi
kill "$listener"; wait "$listener" 2>/dev/null || true
listener=

# ---- SIGTERM while waiting ----
fresh
hold_lock 30
"$bounced" -m md -d bounced.db 2>log.term &
pid=$!
wait_for 5 grep -q 'waiting for the database' log.term || { cat log.term; fail "no wait"; }
kill -TERM "$pid"
stops_within 5 || { cat log.term; fail "SIGTERM not heard while waiting"; }
[ "$rc" = 0 ] || fail "exit $rc after SIGTERM while waiting"
waiting 2 || fail "messages moved though nothing was recorded"
kill "$lock_pid"; wait "$lock_pid" 2>/dev/null || true
lock_pid=
echo "ok: SIGTERM while waiting: stopped, exit 0"

# ---- locked at start, --once: waits, then records ----
fresh
hold_lock 4
"$bounced" --once -m md -d bounced.db 2>log.once || { cat log.once; fail "--once: exit $?"; }
rows 2 || { cat log.once; fail "--once recorded nothing"; }
waiting 0 || fail "--once left messages in new/"
grep -q 'waiting for the database (locked by another process), at most 300 s' log.once ||
    { cat log.once; fail "--once did not say it waited, and how long it may"; }
wait "$lock_pid" 2>/dev/null || true
lock_pid=
echo "ok: locked at start, --once: waited, then recorded"

# ---- --once gives up after its bound ----
fresh
hold_lock 30
t0=$(date +%s)
rc=0
BOUNCED_TEST_DB_WAIT=3 "$bounced" --once -m md -d bounced.db 2>log.giveup || rc=$?
t=$(($(date +%s) - t0))
[ "$rc" != 0 ] || { cat log.giveup; fail "--once gave up with status 0"; }
[ "$t" -le 10 ] || fail "--once gave up after $t s, its bound is 3 s"
grep -q 'still locked by another process.*giving up' log.giveup ||
    { cat log.giveup; fail "giving up not said"; }
waiting 2 || fail "--once moved messages it could not record"
kill "$lock_pid"; wait "$lock_pid" 2>/dev/null || true
lock_pid=
echo "ok: --once gives up after its bound: exit $rc after $t s"

# fatal_both WHAT PATTERN: watch mode and --once (over the messages and
# over an empty Maildir) exit 3 at once, PATTERN in the log, the
# messages still in new/
fatal_both() {
	for mode in ${modes:-watch once empty}; do
		case $mode in
		watch) "$bounced" -m md -d "$db" 2>log.f & ;;
		once) "$bounced" --once -m md -d "$db" 2>log.f & ;;
		empty) mk_maildir empty
			"$bounced" --once -m empty -d "$db" 2>log.f & ;;
		esac
		pid=$!
		stops_within 10 || { cat log.f; fail "$1 ($mode): still running after 10 s"; }
		# 3: fatal, RestartPreventExitStatus= in the unit
		[ "$rc" = 3 ] || { cat log.f; fail "$1 ($mode): exit $rc, want 3"; }
		grep -q "$2" log.f || { cat log.f; fail "$1 ($mode): no \"$2\" in the log"; }
		waiting 2 || fail "$1 ($mode): messages left new/"
	done
	echo "ok: $1: exit $rc, \"$(grep -o "$2.*" log.f | head -n 1)\""
}

# ---- not a database ----
fresh
head -c 8192 /dev/urandom >garbage.db
db=garbage.db fatal_both "not a database" 'garbage.db: .*file is not a database'

# ---- corrupt: every page but the first (the header) garbled: found at
# the open; only the messages table's: found by the first batch ----
# garble DB [TABLE...]: the pages after page 1, or the root pages of those
garble() {
	_db=$1
	shift
	"$python" -c 'import os, sqlite3, sys
db, names = sys.argv[1], sys.argv[2:]
pages = []
if names:
    c = sqlite3.connect(db)
    for n in names:
        pages += [r[0] for r in c.execute(
            "SELECT rootpage FROM sqlite_master WHERE tbl_name = ?", (n,))]
    c.close()
with open(db, "r+b") as f:
    n = os.fstat(f.fileno()).st_size // 4096
    for p in pages or range(2, n + 1):
        f.seek((p - 1) * 4096)
        f.write(b"\xa5" * 4096)' "$_db" "$@"
}
for what in file table; do
	fresh
	rm -rf corrupt.db* seed && mk_maildir seed && cp "$ex"/* seed/new/
	"$bounced" --once -m seed -d corrupt.db 2>/dev/null || fail "setup: corrupt.db"
	sqlite3 corrupt.db "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
	rm -f corrupt.db-wal corrupt.db-shm
	if [ $what = file ]; then
		garble corrupt.db
		db=corrupt.db fatal_both "corrupt file" 'corrupt.db: .*malformed'
	else
		garble corrupt.db messages
		# an empty Maildir never reads the messages table
		db=corrupt.db modes="watch once" fatal_both "corrupt table" \
		    'corrupt.db: .*malformed; stopping'
	fi
done

# ---- a directory that does not exist ----
fresh
db=$work/no/such/dir/bounced.db fatal_both "missing directory" 'database directory .*/no/such/dir does not exist'

# ---- deleted while running: stops before writing into the lost file ----
fresh
"$bounced" -m md -d bounced.db 2>log.del &
pid=$!
wait_for 10 rows 2 || { cat log.del; fail "not started"; }
rm bounced.db
cp "$ex/1732800003.M1P100Q3.example.org" md/new/
stops_within 10 || { cat log.del; fail "still running after its database was deleted"; }
[ "$rc" = 3 ] || { cat log.del; fail "exit $rc after the database was deleted, want 3"; }
grep -q 'bounced.db: the file was moved or deleted while open; stopping' log.del ||
    { cat log.del; fail "the reason not said"; }
[ -e md/new/1732800003.M1P100Q3.example.org ] || fail "a message unrecorded was moved"
echo "ok: deleted while running: exit $rc, the message left in new/"

# ---- in a private mount namespace: read-only file systems, and a full
# one: SQLITE_FULL is no fault of the database, it passes ----
# full_disk: the database on a small tmpfs that fills up while bounced
# runs: the pass fails, is retried, nothing is acknowledged, and the
# message is recorded once there is room again
full_disk() {
	mkdir -p full
	mount -t tmpfs -o size=2m tmpfs "$work/full"
	rm -rf md && mk_maildir md
	"$bounced" -m md -d full/bounced.db 2>log.full &
	pid=$!
	cp "$ex/1732800001.M1P100Q1.example.org" md/new/
	wait_for 10 waiting 0 || { cat log.full; fail "full: not started"; }
	dd if=/dev/zero of=full/filler bs=4096 2>/dev/null || true
	cp "$ex/1732800002.M1P100Q2.example.org" md/new/
	wait_for 10 grep -q 'database or disk is full' log.full ||
	    { cat log.full; fail "full: the full disk not met"; }
	sleep 2
	kill -0 "$pid" || { cat log.full; fail "full: a full disk stopped bounced"; }
	waiting 1 || fail "full: a message was acknowledged without its rows"
	rm full/filler
	wait_for 20 waiting 0 || { cat log.full; fail "full: not recorded once there was room"; }
	[ "$(sql full/bounced.db 'SELECT count(*) FROM messages')" = 2 ] ||
	    fail "full: messages rows"
	kill -TERM "$pid"
	stops_within 5 || fail "full: still running 5 s after SIGTERM"
	[ "$rc" = 0 ] || fail "full: exit $rc after SIGTERM"
	if grep -q 'stopping: the database cannot be written' log.full; then
		fail "full: taken for a fatal fault"
	fi
	echo "ok: disk full while running: retried, then recorded"
}

fresh
mkdir ro1 ro2
cp bounced.db* ro1/
cp bounced.db ro2/ && sqlite3 ro2/bounced.db 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
rm -f ro2/bounced.db-wal ro2/bounced.db-shm  # WAL mode needs to make them
if ! unshare -m true 2>/dev/null; then
	echo "SKIP: unshare -m not permitted: read-only and full file systems not tested"
	exit 77
fi
cat >ns.sh <<EOF
set -e
. "$src/tests/integration/lib.sh"
mount --bind -o ro "$work/ro1" "$work/ro1"
mount --bind -o ro "$work/ro2" "$work/ro2"
cd "$work"
bounced=$bounced python=$python ex=$ex work=$work pid=
$(sed -n '/^rows()/,/^}/p;/^waiting()/p;/^stops_within()/,/^}/p;/^fatal_both()/,/^}/p;/^full_disk()/,/^}/p' "$0")
trap '[ -n "\$pid" ] && kill -9 "\$pid" 2>/dev/null; true' EXIT
db=ro1/bounced.db fatal_both "read-only, with -wal and -shm" 'ro1/bounced.db: cannot be written: Read-only file system'
db=ro2/bounced.db fatal_both "read-only, without -wal and -shm" 'ro2/bounced.db: cannot be written: Read-only file system'
full_disk
EOF
unshare -m sh ns.sh || fail "in a mount namespace (see above)"
echo "PASS"
