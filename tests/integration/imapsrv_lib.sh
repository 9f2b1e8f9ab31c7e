# IMAP servers besides Dovecot for the interoperability tests (issue 19
# item 4), sourced after lib.sh. Debian's packages are never installed:
# their .debs are fetched with `apt-get download` into a cache next to
# the tests' work directories (BD_IMAPSRV_CACHE, default
# WORK/../imapsrv-debs, kept between runs), unpacked with `dpkg-deb -x`
# into CACHE/SERVER-root, and the server runs from there inside a private
# mount namespace (tests/integration/mta_ns.sh under `unshare -m`) in
# which that root is overlaid on /usr and /etc and /run is a tmpfs: the
# compiled-in paths (/etc/courier, /run/courier/authdaemon/socket) exist
# there only, every write to /etc lands in the test's directory, and the
# machine's own Dovecot, /etc and /usr are not touched. The network is
# the machine's: the server listens on a free 127.0.0.1 port and bounced
# connects from outside the namespace. Every process is started here and
# stopped by PID.
#
#   srv_setup courier [NAME=VALUE...]   Courier IMAP 5 (courier-imap):
#       couriertcpd + imaplogin + imapd, LOGIN checked by authdaemond's
#       authuserdb; NAME=VALUE lines are appended to /etc/courier/imapd
#       (IMAP_KEYWORDS=0, IMAP_ENHANCEDIDLE=1, ...).
#   srv_start / srv_stop / srv_cleanup (the EXIT trap)
#   srv_tool append|count|distinct|wait-count ...  (imap_tool.py)
#   srv_yaml FILE: a bounced.yaml reading INBOX (plain IMAP, loopback)
#   srv_deliver COUNT SEED PREFIX: generated bounces APPENDed to INBOX
#
# Skips (77) with the reason when it cannot run here: no apt-get and no
# cache, the download fails (no network, no apt sources), no unshare(1)
# or no private mount namespace, no overlay mounts.
# After srv_setup: SRV (the server's name), SRV_DIR, SRV_PORT, SRV_USER,
# SRV_PWFILE, SRV_LOG (the server's own log: one line per session with
# the bytes it sent), SRV_DEBS (what fetching cost, or "cached").

SRV= SRV_DIR= SRV_NS= SRV_MAIN=

srv_skip() {
	echo "SKIP: $*"
	exit 77
}

# What each server needs from Debian beyond the machine's libraries (all
# of it unpacked: a library the machine also has is then found in the
# overlay first, which is the same file). Debian 12 names.
srv_pkgs() {
	case $1 in
	courier)
		echo "courier-imap courier-base courier-authlib" \
		    "courier-authdaemon courier-authlib-userdb" \
		    "libcourier-unicode4 libgamin0 gamin libidn12 libltdl7"
		;;
	*) fail "srv_pkgs: unknown server $1" ;;
	esac
}

# srv_push_conf NAME: the settings under which the server tells an IDLE
# client of new mail at once (what bounced.yaml(5) advises): Courier's
# Debian default IMAP_ENHANCEDIDLE=0 only rescans every
# IMAP_IDLE_TIMEOUT (60 s); =1 watches the Maildir through FAM (gamin)
srv_push_conf() {
	case $1 in
	courier) echo IMAP_ENHANCEDIDLE=1 ;;
	esac
}

# srv_nokw_conf NAME: the settings under which the server keeps no
# keywords (PERMANENTFLAGS without \*)
srv_nokw_conf() {
	case $1 in
	courier) echo IMAP_KEYWORDS=0 ;;
	esac
}

# srv_fetch NAME: CACHE/NAME-root holds the unpacked packages; done once
# per cache (NAME-root/.complete lists them), under a lock so that tests
# run in parallel (ctest -j) download once.
srv_fetch() {
	_cache=${BD_IMAPSRV_CACHE:-$(dirname "$work")/imapsrv-debs}
	_want=$(echo $(srv_pkgs "$1"))
	SRV_ROOT=$_cache/$1-root
	SRV_DEBS=cached _rc=
	mkdir -p "$_cache" || srv_skip "cannot create $_cache"
	command -v flock >/dev/null 2>&1 || srv_skip "no flock(1)"
	(
		flock 9
		[ "$(cat "$SRV_ROOT/.complete" 2>/dev/null)" = "$_want" ] &&
		    exit 0
		command -v apt-get >/dev/null 2>&1 || exit 3
		_t0=$(now_ms)
		rm -rf "$SRV_ROOT" "$_cache/$1-debs"
		mkdir -p "$_cache/$1-debs"
		# APT::Sandbox::User=root: the cache may be where _apt
		# cannot write; the .debs are checked against the signed
		# index as usual
		# shellcheck disable=SC2086
		(cd "$_cache/$1-debs" && apt-get download -qq \
		    -o APT::Sandbox::User=root $_want) >"$_cache/$1.log" 2>&1 ||
		    exit 4
		mkdir "$SRV_ROOT.tmp"
		for _d in "$_cache/$1-debs"/*.deb; do
			dpkg-deb -x "$_d" "$SRV_ROOT.tmp" || exit 5
		done
		mv "$SRV_ROOT.tmp" "$SRV_ROOT"
		echo "$_want" >"$SRV_ROOT/.complete"
		_n=$(ls "$_cache/$1-debs"/*.deb | wc -l)
		_kb=$(du -sk "$_cache/$1-debs" | cut -f1)
		echo "$_n .debs, ${_kb} KiB, $(($(now_ms) - _t0)) ms" \
		    >"$_cache/$1.fetched"
		exit 0
	) 9>"$_cache/.lock" || _rc=$?
	case ${_rc:-0} in
	0) ;;
	3) srv_skip "$1: no apt-get to fetch $_want, and no cache in $_cache" ;;
	4) srv_skip "$1: apt-get download failed (no network or no apt sources?): $(tail -1 "$_cache/$1.log")" ;;
	*) fail "$1: unpacking the .debs into $SRV_ROOT failed" ;;
	esac
	[ -f "$_cache/$1.fetched" ] && SRV_DEBS=$(cat "$_cache/$1.fetched")
}

# the namespace, held by mta_ns.sh's sleep; SRV_NS is its PID
srv_ns_start() {
	command -v unshare >/dev/null 2>&1 || srv_skip "no unshare(1)"
	command -v nsenter >/dev/null 2>&1 || srv_skip "no nsenter(1)"
	unshare -m true 2>/dev/null ||
	    srv_skip "no private mount namespace here (unshare -m refused)"
	mkdir -p "$SRV_DIR/ns"
	unshare -m sh "$src/tests/integration/mta_ns.sh" "$SRV_DIR/ns" \
	    "$SRV_ROOT" >"$SRV_DIR/ns/setup.log" 2>&1 &
	SRV_NS=$!
	wait_for 10 test -f "$SRV_DIR/ns/ready" || {
		cat "$SRV_DIR/ns/setup.log" >&2
		srv_skip "no private overlay mounts here: $(head -1 "$SRV_DIR/ns/setup.log")"
	}
}

# srv_ns COMMAND...: run COMMAND in the namespace
srv_ns() {
	nsenter -t "$SRV_NS" -m -- "$@"
}

srv_setup() {
	SRV=$1
	shift
	SRV_TOOL=$src/tests/integration/imap_tool.py
	[ -x "$python" ] || srv_skip "$python not installed"
	srv_fetch "$SRV"
	SRV_DIR=$(mktemp -d "${TMPDIR:-/tmp}/bounced-$SRV.XXXXXX")
	chmod 755 "$SRV_DIR"
	SRV_LOG=$SRV_DIR/server.log
	SRV_USER=bounces
	SRV_PWFILE=$SRV_DIR/bounces.pw
	printf 'test-%s-secret\n' "$$" >"$SRV_PWFILE"
	SRV_PORT=$(free_port "$python")
	srv_ns_start
	"${SRV}_setup" "$@"
}

courier_setup() {
	_home=$SRV_DIR/home/$SRV_USER
	mkdir -p "$_home"
	# maildirmake: the Maildir Courier expects (courierimapkeywords/
	# appears on the first keyword)
	srv_ns /usr/bin/maildirmake.courier "$_home/Maildir" ||
	    fail "courier: maildirmake"
	chown -R "$(id -u nobody):$(id -g nobody)" "$SRV_DIR/home"
	# authuserdb only (authdaemonrc(5)); the userdb(8) entry maps the
	# login to nobody and the Maildir above; systempw is crypt(3)
	_pw=$(openssl passwd -6 "$(head -n 1 "$SRV_PWFILE")") ||
	    fail "openssl passwd"
	srv_ns sh -c '
	    sed -i "s/^authmodulelist=.*/authmodulelist=\"authuserdb\"/" /etc/courier/authdaemonrc
	    umask 077
	    printf "%s\tuid=%s|gid=%s|home=%s|mail=%s/Maildir|systempw=%s\n" \
	        "$1" "$2" "$3" "$4" "$4" "$5" >/etc/courier/userdb
	    /usr/sbin/makeuserdb
	    mkdir -p /run/courier/authdaemon' sh "$SRV_USER" \
	    "$(id -u nobody)" "$(id -g nobody)" "$_home" "$_pw" ||
	    fail "courier: userdb"
	# imapd(8): the settings the init script reads, for couriertcpd
	# on our port; ours win (appended last)
	{
		printf 'ADDRESS=127.0.0.1\nPORT=%s\n' "$SRV_PORT"
		for _l in "$@"; do
			printf '%s\n' "$_l"
		done
	} >"$SRV_DIR/imapd.local"
	srv_ns sh -c 'cat "$1" >>/etc/courier/imapd' sh "$SRV_DIR/imapd.local" ||
	    fail "courier: /etc/courier/imapd"
}

# authdaemond once (it outlives server restarts, as its own service
# does), then couriertcpd in the foreground, as /usr/lib/courier/imapd
# start runs it but without courierlogger: its and imapd's log lines go
# to SRV_LOG
courier_start() {
	if [ -z "$SRV_AUTH" ]; then
		# nsenter directly, not srv_ns: $! is then the server
		# itself (nsenter execs it), which srv_stop kills
		nsenter -t "$SRV_NS" -m -- \
		    /usr/lib/courier/courier-authlib/authdaemond \
		    >>"$SRV_DIR/authdaemond.log" 2>&1 &
		SRV_AUTH=$!
		wait_for 10 srv_ns test -S /run/courier/authdaemon/socket || {
			cat "$SRV_DIR/authdaemond.log" >&2
			fail "courier: authdaemond did not start"
		}
	fi
	nsenter -t "$SRV_NS" -m -- /usr/bin/env -i /bin/sh -c 'set -a
	    prefix=/usr exec_prefix=/usr sbindir=/usr/sbin bindir=/usr/bin
	    . /etc/courier/imapd
	    . /etc/courier/imapd-ssl
	    IMAP_STARTTLS=NO
	    exec /usr/sbin/couriertcpd -address=$ADDRESS \
	        -maxprocs=$MAXDAEMONS -maxperip=$MAXPERIP $TCPDOPTS \
	        $PORT /usr/lib/courier/courier/imaplogin /usr/bin/imapd \
	        $MAILDIRPATH' >>"$SRV_LOG" 2>&1 &
	SRV_MAIN=$!
}
SRV_AUTH=

srv_start() {
	"${SRV}_start"
	wait_for 20 port_open "$python" "$SRV_PORT" || {
		tail -20 "$SRV_LOG" >&2
		fail "$SRV did not start"
	}
}

# kills PID and its children (the per-session imapd processes), found by
# parent PID, never by name -- as systemd's KillMode=control-group does
# on a restart
srv_kill_tree() {
	_kids=$(ps -o pid= --ppid "$1" 2>/dev/null || true)
	kill "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
	for _k in $_kids; do
		kill "$_k" 2>/dev/null || true
	done
}

srv_stop() {
	[ -n "$SRV_MAIN" ] || return 0
	srv_kill_tree "$SRV_MAIN"
	SRV_MAIN=
	wait_for 10 sh -c '! "$1" -c "import socket, sys
socket.create_connection((\"127.0.0.1\", int(sys.argv[1])), 1).close()" "$2"' \
	    sh "$python" "$SRV_PORT" || fail "$SRV did not stop"
}

# the EXIT trap: every process left in the namespace (only we started
# any there), by PID, then its holder; then the directory
srv_cleanup() {
	srv_stop 2>/dev/null || true
	if [ -n "$SRV_NS" ]; then
		_mnt=$(readlink "/proc/$SRV_NS/ns/mnt" 2>/dev/null || true)
		for _p in /proc/[0-9]*; do
			[ "${_p#/proc/}" != "$SRV_NS" ] || continue
			[ -n "$_mnt" ] &&
			    [ "$(readlink "$_p/ns/mnt" 2>/dev/null)" = "$_mnt" ] &&
			    kill "${_p#/proc/}" 2>/dev/null || true
		done
		kill "$SRV_NS" 2>/dev/null || true
		wait "$SRV_NS" 2>/dev/null || true
		SRV_NS=
	fi
	if [ -n "$SRV_DIR" ] && [ -d "$SRV_DIR" ]; then
		if [ -n "${KEEP_IMAPSRV:-}" ]; then
			echo "kept $SRV_DIR" >&2
		else
			rm -rf "$SRV_DIR"
		fi
	fi
}

# srv_log_mark: where the server's log ends now, for srv_message_bytes
srv_log_mark() {
	wc -l <"$SRV_LOG" | tr -d ' '
}

# srv_message_bytes MARK: the bytes of messages (headers and bodies) the
# server sent in the sessions logged after MARK, once each has ended:
# Courier's imapd logs "headers=N, body=N" at LOGOUT, DISCONNECTED and
# TIMEOUT (imap/imapd.c), one line per session
srv_message_bytes() {
	wait_for 10 courier_sessions_ended "$1" ||
	    fail "$SRV: a session after line $1 of its log did not end"
	tail -n +"$(($1 + 1))" "$SRV_LOG" | awk '
	    /, body=/ {
		for (i = 1; i <= NF; i++)
			if ($i ~ /^(headers|body)=/) {
				split($i, kv, "[=,]")
				n += kv[2]
			}
	    }
	    END { print n + 0 }'
}

courier_sessions_ended() {
	_t=$(tail -n +"$(($1 + 1))" "$SRV_LOG")
	_in=$(printf '%s\n' "$_t" | grep -c 'LOGIN, user=' || true)
	_out=$(printf '%s\n' "$_t" | grep -c ', body=' || true)
	[ "$_in" = "$_out" ]
}

# srv_caps LOG: what bounced found the server offers ("logged in" line)
srv_caps() {
	grep -o 'messages; .*' "$1" | head -1 | sed 's/^messages; //'
}

srv_log() {
	tail -n "${1:-30}" "$SRV_LOG" >&2 2>/dev/null || true
}

srv_tool() {
	"$python" "$SRV_TOOL" --port "$SRV_PORT" --user "$SRV_USER" \
	    --password-file "$SRV_PWFILE" "$@"
}

# srv_yaml FILE: bounced.yaml for INBOX over plain IMAP on loopback;
# callers append more imap: keys
srv_yaml() {
	printf 'database: bounced.db\nimap:\n  host: 127.0.0.1\n  port: %s\n  tls: none\n  user: %s\n  password_file: %s\n' \
	    "$SRV_PORT" "$SRV_USER" "$SRV_PWFILE" >"$1"
}

# srv_deliver COUNT SEED PREFIX: COUNT generated bounces APPENDed to
# INBOX; a copy of each is kept in sent/ for expected_results
srv_deliver() {
	rm -rf gen && mk_maildir gen
	# shellcheck disable=SC2046
	"$python" "$src/tests/integration/gen_bounces.py" \
	    --bouncectl "$bouncectl" --count "$1" --out gen --keep sent \
	    --seed "$2" --prefix "$3" $(templates "$src") ||
	    fail "gen_bounces.py failed"
	srv_tool append INBOX gen/new/* || fail "APPEND failed"
}

now_ms() {
	echo $(($(date +%s%N) / 1000000))
}
