#!/bin/sh
# bounced and the service manager: the sd_notify protocol (bounced(8),
# "SYSTEMD INTEGRATION") against a fake NOTIFY_SOCKET (notify_listener.py).
#
# usage: notify.sh BOUNCED PYTHON3 TMPDIR [EXAMPLES_NEW]
#   BOUNCED       the bounced binary
#   PYTHON3       the Python that runs notify_listener.py (/usr/bin/python3)
#   TMPDIR        a scratch directory (emptied first)
#   EXAMPLES_NEW  where to take bounces from (examples/maildir/new)
#
# Checks: READY=1 with STATUS= once started; a bounce dropped into new/ is
# counted in a STATUS= and moved to cur/ with ":2,S"; >= 3 WATCHDOG=1 in
# 1 s with WATCHDOG_USEC=200000 (and WATCHDOG_PID); SIGHUP gives
# RELOADING=1 then READY=1, also with an invalid new configuration (the old
# one is kept and still works); SIGTERM gives STOPPING=1 and exit 0 within
# 5 s; an invalid configuration exits non-zero without READY=1. Every wait
# is bounded; every background process is stopped by its pid on exit.
# Loopback and file system only.
set -u

if [ $# -lt 3 ]; then
	echo "usage: notify.sh BOUNCED PYTHON3 TMPDIR [EXAMPLES_NEW]" >&2
	exit 2
fi
bounced=$1
py=$2
tmp=$3
here=$(cd "$(dirname "$0")" && pwd)
examples=${4:-$here/../../examples/maildir/new}
tab=$(printf '\t')

listener_pid=
daemon_pid=
cleanup() {
	for p in $daemon_pid $listener_pid; do
		kill -TERM "$p" 2>/dev/null
	done
	for p in $daemon_pid $listener_pid; do
		# bounded: a process ignoring TERM gets KILL after 2 s
		i=0
		while kill -0 "$p" 2>/dev/null && [ $i -lt 20 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	daemon_pid=
	listener_pid=
}
trap cleanup EXIT
trap 'exit 2' INT TERM HUP PIPE

fails=0
fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}
die() {
	echo "FAIL: $*"
	echo "--- notify log ($log):"
	cat "$log" 2>/dev/null
	echo "--- bounced stderr:"
	cat "$tmp"/bounced*.err 2>/dev/null
	exit 1
}

rm -rf "$tmp"
mkdir -p "$tmp" || exit 1
tmp=$(cd "$tmp" && pwd)
log=$tmp/notify.log

# sockaddr_un holds 108 bytes: a deep build tree gets an abstract name.
sock=$tmp/notify.sock
if [ ${#sock} -gt 100 ]; then
	sock=@bounced-notify-test-$$
fi

"$py" "$here/notify_listener.py" "$sock" "$log" &
listener_pid=$!
i=0
while [ ! -e "$log" ]; do
	kill -0 "$listener_pid" 2>/dev/null || die "notify_listener.py died"
	[ $i -ge 100 ] && die "notify_listener.py did not bind within 10 s"
	sleep 0.1
	i=$((i + 1))
done
echo "listener on $sock (pid $listener_pid)"

# lines N+1.. of the log that match the extended regex: the first one's
# number, waiting up to T tenths of a second; empty when none came
wait_line() { # N REGEX T
	w=0
	while :; do
		n=$(awk -v n="$1" -v re="$2" \
		    'NR > n && $0 ~ re { print NR; exit }' "$log")
		if [ -n "$n" ]; then
			echo "$n"
			return 0
		fi
		[ "$w" -ge "$3" ] && return 1
		if [ -n "$daemon_pid" ] && ! kill -0 "$daemon_pid" 2>/dev/null
		then
			# one last look: it may have sent it and exited
			w=$3
			continue
		fi
		sleep 0.1
		w=$((w + 1))
	done
}
lines() { wc -l <"$log" | tr -d ' '; }
# exited PID TENTHS: true once PID has exited, polled for TENTHS/10 s
exited() {
	_i=0
	while kill -0 "$1" 2>/dev/null && [ $_i -lt "$2" ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	! kill -0 "$1" 2>/dev/null
}
count() { grep -c "$1" "$log"; }

# ---- a Maildir, a database, a configuration (relative paths) ----
mkdir -p "$tmp/Maildir/new" "$tmp/Maildir/cur" "$tmp/Maildir/tmp"
cat >"$tmp/bounced.yaml" <<'EOF'
# notify.sh: paths relative to this file
database: bounced.db
maildir:
  path: Maildir
EOF
cat >"$tmp/bad.yaml" <<'EOF'
database: bounced.db
maildir:
  path: Maildir
no_such_key: 1
EOF

out=$("$bounced" -n -c "$tmp/bounced.yaml" 2>&1) ||
    fail "bounced -n on a valid configuration: $out"
# the settings in force, then the verdict (issue 17 item 4)
[ "$(printf '%s\n' "$out" | tail -n 1)" = "configuration OK" ] ||
    fail "bounced -n said: $out"
printf '%s\n' "$out" | grep -qx "maildir.rescan_interval: 5m" ||
    fail "bounced -n: no default maildir.rescan_interval: $out"
if out=$("$bounced" -n -c "$tmp/bad.yaml" 2>&1); then
	fail "bounced -n accepted bad.yaml: $out"
fi
# -nq, the unit's ExecStartPre=: the verdict alone, the problems still
out=$("$bounced" -nq -c "$tmp/bounced.yaml" 2>&1) ||
    fail "bounced -nq on a valid configuration: $out"
[ "$out" = "configuration OK" ] || fail "bounced -nq said: $out"
if out=$("$bounced" -nq -c "$tmp/bad.yaml" 2>&1); then
	fail "bounced -nq accepted bad.yaml: $out"
fi
printf '%s\n' "$out" | grep -q "no_such_key" ||
    fail "bounced -nq hid the problem: $out"
if "$bounced" -q -c "$tmp/bounced.yaml" 2>/dev/null; then
	fail "bounced -q without -n ran"
fi

# ---- start: WATCHDOG_PID must be bounced's own pid, known only in the
# shell that execs it ----
NOTIFY_SOCKET=$sock WATCHDOG_USEC=200000 \
    sh -c 'export WATCHDOG_PID=$$; exec "$0" -c "$1"' \
    "$bounced" "$tmp/bounced.yaml" 2>"$tmp/bounced.err" &
daemon_pid=$!
echo "bounced pid $daemon_pid"

ready=$(wait_line 0 "(^|$tab)READY=1($tab|\$)" 100) ||
    die "no READY=1 within 10 s"
# STATUS= in the READY=1 datagram, or in one before it
head -n "$ready" "$log" | grep -q "${tab}STATUS=" ||
    fail "READY=1 came without a STATUS="
echo "ok: READY=1: $(sed -n "${ready}p" "$log" | cut -f2-)"
[ -f "$tmp/bounced.db" ] || fail "no database at $tmp/bounced.db (relative path)"

# ---- a bounce arrives: tmp/ then rename into new/ ----
# two bounces of examples/expected.tsv (userunknown, mailboxfull)
msg=1732800001.M1P100Q1.example.org
msg2=1732800002.M1P100Q2.example.org
for m in "$msg" "$msg2"; do
	[ -f "$examples/$m" ] || die "no $m in $examples"
done
cp "$examples/$msg" "$tmp/Maildir/tmp/$msg" || die "cp"
mark=$(lines)
mv "$tmp/Maildir/tmp/$msg" "$tmp/Maildir/new/$msg" || die "mv"
st=$(wait_line "$mark" "${tab}STATUS=([^$tab]*[^0-9])?1 messages?[^0-9]([^$tab]*[^0-9])?1 bounces?([^0-9]|\$)" 100) ||
    die "no STATUS= counting 1 message, 1 bounce within 10 s"
echo "ok: $(sed -n "${st}p" "$log" | cut -f2-)"
i=0
while [ ! -e "$tmp/Maildir/cur/$msg:2,S" ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
[ -e "$tmp/Maildir/cur/$msg:2,S" ] || fail "$msg not moved to cur/$msg:2,S"
[ -e "$tmp/Maildir/new/$msg" ] && fail "$msg still in new/"

# ---- watchdog: every WATCHDOG_USEC/2 = 100 ms, so ~10 a second ----
w0=$(count 'WATCHDOG=1')
sleep 1
w1=$(count 'WATCHDOG=1')
if [ $((w1 - w0)) -ge 3 ]; then
	echo "ok: $((w1 - w0)) WATCHDOG=1 in 1 s"
else
	fail "$((w1 - w0)) WATCHDOG=1 in 1 s (want >= 3, WATCHDOG_USEC=200000)"
fi
# the longest gap between two keep-alives, for the record
awk -F "$tab" '$2 == "WATCHDOG=1" { if (p) { g = $1 - p; if (g > m) m = g }
    p = $1 } END { printf "info: longest WATCHDOG=1 gap %.3f s\n", m }' "$log"

# ---- SIGHUP: RELOADING=1 ... READY=1 ----
mark=$(lines)
kill -HUP "$daemon_pid"
r=$(wait_line "$mark" "(^|$tab)RELOADING=1($tab|\$)" 50) ||
    die "no RELOADING=1 within 5 s of SIGHUP"
wait_line "$r" "(^|$tab)READY=1($tab|\$)" 50 >/dev/null ||
    die "no READY=1 within 5 s after RELOADING=1"
echo "ok: SIGHUP: RELOADING=1, then READY=1"

# ---- SIGHUP with an invalid file: old configuration kept, still works ----
cp "$tmp/bounced.yaml" "$tmp/good.yaml"
cp "$tmp/bad.yaml" "$tmp/bounced.yaml"
mark=$(lines)
kill -HUP "$daemon_pid"
r=$(wait_line "$mark" "(^|$tab)RELOADING=1($tab|\$)" 50) ||
    die "no RELOADING=1 within 5 s of SIGHUP (invalid file)"
wait_line "$r" "(^|$tab)READY=1($tab|\$)" 50 >/dev/null ||
    die "no READY=1 after a reload with an invalid file"
kill -0 "$daemon_pid" 2>/dev/null || die "bounced exited on an invalid reload"
cp "$examples/$msg2" "$tmp/Maildir/tmp/$msg2" || die "cp"
mark=$(lines)
mv "$tmp/Maildir/tmp/$msg2" "$tmp/Maildir/new/$msg2" || die "mv"
wait_line "$mark" "${tab}STATUS=" 100 >/dev/null ||
    fail "no STATUS= for a message after an invalid reload"
i=0
while [ ! -e "$tmp/Maildir/cur/$msg2:2,S" ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
[ -e "$tmp/Maildir/cur/$msg2:2,S" ] ||
    fail "$msg2 not processed after an invalid reload"
echo "ok: invalid reload kept the running configuration"
cp "$tmp/good.yaml" "$tmp/bounced.yaml"

# ---- SIGTERM: STOPPING=1 and exit 0 within 5 s ----
mark=$(lines)
kill -TERM "$daemon_pid"
wait_line "$mark" "(^|$tab)STOPPING=1($tab|\$)" 50 >/dev/null ||
    fail "no STOPPING=1 within 5 s of SIGTERM"
exited "$daemon_pid" 50 || die "bounced still running 5 s after SIGTERM"
wait "$daemon_pid"
rc=$?
daemon_pid=
[ $rc -eq 0 ] || fail "bounced exited $rc after SIGTERM (want 0)"
[ $rc -eq 0 ] && echo "ok: SIGTERM: STOPPING=1, exit 0"

# ---- an invalid configuration: non-zero, never READY=1 ----
mark=$(lines)
NOTIFY_SOCKET=$sock WATCHDOG_USEC=200000 \
    sh -c 'export WATCHDOG_PID=$$; exec "$0" -c "$1"' \
    "$bounced" "$tmp/bad.yaml" 2>"$tmp/bounced-bad.err" &
daemon_pid=$!
if ! exited "$daemon_pid" 100; then
	fail "bounced still running 10 s after start with an invalid configuration"
	kill -TERM "$daemon_pid"
fi
wait "$daemon_pid"
rc=$?
daemon_pid=
[ $rc -ne 0 ] || fail "bounced -c bad.yaml exited 0"
if awk -v n="$mark" 'NR > n' "$log" | grep -q 'READY=1'; then
	fail "bounced -c bad.yaml sent READY=1"
fi
echo "ok: invalid configuration: exit $rc, no READY=1"

if [ $fails -ne 0 ]; then
	echo "--- notify log:"
	cat "$log"
	echo "--- bounced stderr:"
	cat "$tmp"/bounced*.err
	exit 1
fi
echo "PASS"
