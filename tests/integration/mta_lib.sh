# Shared by the real-MTA bounce tests (sourced): each test runs one MTA
# from Debian's package, on 127.0.0.1 free ports with its own config,
# spool and queue under the test's directory, relaying to a scripted
# peer (mta_peer.py) that refuses each case the way a receiving server
# would; the MTA's own bounce comes back to the peer for the null sender
# and bouncectl's verdict on it is checked against what the peer said
# (mta_check.py). Postfix is the machine's (scripts/deps.sh installs
# it, started the way smtp_lib.sh does); the others conflict with it as
# mail-transport-agents, so scripts/deps.sh only downloads their .debs
# and unpacks them into MTA_ROOT, and they run from there, inside a
# private mount namespace (mta_ns.sh under unshare -m; with MTA_NETNS=1
# a network of its own too, whose DNS is the peer's NXDOMAIN: the
# no-such-domain case) in which MTA_ROOT is overlaid on /usr and /etc,
# their compiled-in users exist, and every write to /etc and /var lands
# in the test's directory -- nothing of theirs is installed, started as
# a service or added to the machine's /etc.
# Callers set: bouncectl, python, work, MTA_ROOT; and MTA (the name).
set -eu

MTA_LIB_DIR=$(cd "$(dirname "$0")" && pwd)
. "$MTA_LIB_DIR/smtp_lib.sh" # fail, skip, need, wait_for, free_port,
                             # postfix_start and the EXIT trap

# KNOWN-WRONG: bounced's wrong verdicts on real MTAs' bounces, found by
# these tests, for the lead to fix in the classifier: MTA:CASE. Each is still checked
# and printed as KNOWN-WRONG (never counted as a pass); one that turns
# right fails the test until it is taken off this list.
MTA_KNOWN_WRONG=""

# The EXIT trap: first every process left in our mount namespace (an
# MTA's forked queue runners and delivery agents, which only we started
# there), by PID, then smtp_lib.sh's servers and the namespace's holder.
mta_cleanup() {
	if [ -n "${NS_PID:-}" ]; then
		_mnt=$(readlink "/proc/$NS_PID/ns/mnt" 2>/dev/null || true)
		for _p in /proc/[0-9]*; do
			[ "${_p#/proc/}" != "$NS_PID" ] || continue
			[ -n "$_mnt" ] &&
			    [ "$(readlink "$_p/ns/mnt" 2>/dev/null)" = "$_mnt" ] &&
			    kill "${_p#/proc/}" 2>/dev/null || true
		done
	fi
	smtp_cleanup
}
trap mta_cleanup EXIT

need_aiosmtpd
case $bouncectl in /*) ;; *) bouncectl=$PWD/$bouncectl ;; esac
[ -x "$bouncectl" ] || fail "no bouncectl at $bouncectl"

# peer_start: the scripted peer in $work/peer; sets PEER_PORT, HANG_PORT
# (PEER_DNS=1: it answers DNS on 127.0.0.1:53 too, in a network namespace)
peer_start() {
	mkdir -p "$work/peer"
	# shellcheck disable=SC2086
	${MTA_RUN:-} "$python" "$MTA_LIB_DIR/mta_peer.py" --dir "$work/peer" \
	    ${PEER_DNS:+--dns} >"$work/peer/peer.log" 2>&1 &
	SMTP_PIDS="$SMTP_PIDS $!"
	wait_for 20 test -s "$work/peer/port" ||
	    { cat "$work/peer/peer.log" >&2; fail "peer did not start"; }
	PEER_PORT=$(cat "$work/peer/port")
	HANG_PORT=$(cat "$work/peer/hang_port")
}

# bg COMMAND...: a server we stop by PID in the EXIT trap
bg() {
	"$@" &
	SMTP_PIDS="$SMTP_PIDS $!"
}

# need_root_tree: MTA_ROOT holds the unpacked .debs (scripts/deps.sh)
need_root_tree() {
	[ -d "$MTA_ROOT/usr" ] ||
	    skip "no unpacked MTA packages in $MTA_ROOT (run scripts/deps.sh)"
	[ "$(id -u)" = 0 ] || skip "the MTAs' daemons must start as root"
	command -v unshare >/dev/null 2>&1 || skip "no unshare(1)"
	unshare -m true 2>/dev/null ||
	    skip "no private mount namespace here (unshare -m refused)"
}

# ns_start USER:UID:GROUP:GID...: the private mount namespace of
# mta_ns.sh, in which the unpacked packages are installed and the
# MTA's compiled-in users exist, held open by a process the EXIT trap
# stops; sets NS_PID. `ns COMMAND...` runs a command in it.
ns_start() {
	mkdir -p "$work/ns"
	# MTA_NETNS=1: a network namespace too, with its own loopback
	_flags=-m
	[ "${MTA_NETNS:-}" = 1 ] && _flags="-m -n"
	BD_MTA_NETNS=${MTA_NETNS:-} unshare $_flags sh "$MTA_LIB_DIR/mta_ns.sh" \
	    "$work/ns" "$MTA_ROOT" "$@" >"$work/ns/setup.log" 2>&1 &
	NS_PID=$!
	NS_FLAGS=$_flags
	SMTP_PIDS="$SMTP_PIDS $NS_PID"
	wait_for 10 test -f "$work/ns/ready" || {
		cat "$work/ns/setup.log" >&2
		skip "no private namespace here (overlay mounts, or a loopback of its own): $(head -1 "$work/ns/setup.log")"
	}
}

ns() {
	nsenter -t "$NS_PID" $NS_FLAGS -- "$@"
}

# ns_free_port, ns_port_open PORT: lib.sh's free_port and port_open in
# the namespace (under MTA_NETNS=1 its loopback is not the machine's)
ns_free_port() {
	ns "$python" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

ns_port_open() {
	ns "$python" -c 'import socket, sys
socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()' "$1"
}

# ns_bg COMMAND...: a server in the namespace, stopped by PID in the EXIT
# trap (nsenter execs COMMAND: $! is the server's PID)
ns_bg() {
	nsenter -t "$NS_PID" $NS_FLAGS -- "$@" &
	SMTP_PIDS="$SMTP_PIDS $!"
}

# check_bounces [--delay-warning] [WAIT]: submits the cases to the MTA
# on MTA_PORT, then checks the bounces (mta_check.py)
check_bounces() {
	_dw=""
	if [ "${1:-}" = "--delay-warning" ]; then
		_dw=--delay-warning
		shift
	fi
	# MTA_LOCAL: the MTA's sendmail(1) command line, for the hop case
	# MTA_CASES: only these cases (the others are N/A, said why)
	# MTA_EXTRA: mta_check.py's EXTRA cases this MTA is set up for
	# MTA_RUN: a prefix for the client (nsenter into a network namespace)
	${MTA_RUN:-} "$python" "$MTA_LIB_DIR/mta_check.py" send --mta "$MTA" \
	    --port "$MTA_PORT" --dir "$work" ${MTA_LOCAL:+--local "$MTA_LOCAL"} \
	    ${MTA_CASES:+--cases "$MTA_CASES"} ${MTA_EXTRA:+--extra "$MTA_EXTRA"} \
	    ${MTA_AUTH:+--auth "$MTA_AUTH"} ||
	    fail "could not submit"
	_save=$work/bounces
	# BD_MTA_SAVE: also keep every bounce there (for the lead's layouts)
	_rc=0
	# shellcheck disable=SC2086
	${MTA_RUN:-} "$python" "$MTA_LIB_DIR/mta_check.py" check --mta "$MTA" --dir "$work" \
	    --peer "$work/peer" --bouncectl "$bouncectl" --wait "${1:-60}" \
	    --save "$_save" $_dw ${MTA_CASES_WHY:+--why-not "$MTA_CASES_WHY"} \
	    --known-wrong $MTA_KNOWN_WRONG || _rc=$?
	if [ -n "${BD_MTA_SAVE:-}" ]; then
		mkdir -p "$BD_MTA_SAVE"
		cp "$_save"/*.eml "$BD_MTA_SAVE"/ 2>/dev/null || true
	fi
	return $_rc
}
