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
# private mount namespace (unshare -m) in which their compiled-in users
# and paths are bind-mounted from the test's directory -- nothing of
# theirs is installed, started as a service or added to /etc.
# Callers set: bouncectl, python, work, MTA_ROOT; and MTA (the name).
set -eu

MTA_LIB_DIR=$(cd "$(dirname "$0")" && pwd)
. "$MTA_LIB_DIR/smtp_lib.sh" # fail, skip, need, wait_for, free_port,
                             # postfix_start and the EXIT trap

# Wrong verdicts of bounced on real MTAs' bounces, found by these tests,
# for the lead to fix in the classifier: MTA:CASE. Each is still checked
# and printed as KNOWN-WRONG (never counted as a pass); one that turns
# right fails the test until it is taken off this list.
MTA_KNOWN_WRONG=""

need_aiosmtpd
case $bouncectl in /*) ;; *) bouncectl=$PWD/$bouncectl ;; esac
[ -x "$bouncectl" ] || fail "no bouncectl at $bouncectl"

# peer_start: the scripted peer in $work/peer; sets PEER_PORT, HANG_PORT
peer_start() {
	mkdir -p "$work/peer"
	"$python" "$MTA_LIB_DIR/mta_peer.py" --dir "$work/peer" \
	    >"$work/peer/peer.log" 2>&1 &
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

# ns_users USER:UID:GROUP:GID...: passwd and group files for the
# namespace -- the machine's, plus the MTA's compiled-in system users
ns_users() {
	cp /etc/passwd "$work/ns/passwd"
	cp /etc/group "$work/ns/group"
	for _u in "$@"; do
		IFS=: read -r _n _id _g _gid <<EOF
$_u
EOF
		getent passwd "$_n" >/dev/null ||
		    echo "$_n:x:$_id:$_gid::/nonexistent:/usr/sbin/nologin" \
		    >>"$work/ns/passwd"
		getent group "$_g" >/dev/null || echo "$_g:x:$_gid:" >>"$work/ns/group"
	done
}

# ns_uid NAME: a user's id as the namespace sees it
ns_uid() {
	awk -F: -v n="$1" '$1 == n { print $3 }' "$work/ns/passwd"
}

# ns_script: $work/ns/run, which enters the mount namespace's setup (run
# as `unshare -m sh $work/ns/run COMMAND...`): binds the passwd and group
# files, and every "SRC DST" line of $work/ns/binds, then execs COMMAND
ns_script() {
	cat >"$work/ns/run" <<'EOF'
set -eu
d=$(dirname "$0")
mount --make-rprivate / 2>/dev/null || true
mount --bind "$d/passwd" /etc/passwd
mount --bind "$d/group" /etc/group
if [ -f "$d/binds" ]; then
	while read -r src dst; do
		mkdir -p "$dst" 2>/dev/null || true
		mount --bind "$src" "$dst"
	done <"$d/binds"
fi
exec "$@"
EOF
}

# ns COMMAND...: runs COMMAND in a fresh private namespace
ns() {
	unshare -m sh "$work/ns/run" "$@"
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
	"$python" "$MTA_LIB_DIR/mta_check.py" send --mta "$MTA" \
	    --port "$MTA_PORT" --dir "$work" ${MTA_LOCAL:+--local "$MTA_LOCAL"} ||
	    fail "could not submit"
	_save=$work/bounces
	# BD_MTA_SAVE: also keep every bounce there (for the lead's layouts)
	_rc=0
	# shellcheck disable=SC2086
	"$python" "$MTA_LIB_DIR/mta_check.py" check --mta "$MTA" --dir "$work" \
	    --peer "$work/peer" --bouncectl "$bouncectl" --wait "${1:-60}" \
	    --save "$_save" $_dw --known-wrong $MTA_KNOWN_WRONG || _rc=$?
	if [ -n "${BD_MTA_SAVE:-}" ]; then
		mkdir -p "$BD_MTA_SAVE"
		cp "$_save"/*.eml "$BD_MTA_SAVE"/ 2>/dev/null || true
	fi
	return $_rc
}
