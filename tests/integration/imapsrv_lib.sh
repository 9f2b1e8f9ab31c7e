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
. "$(dirname "$0")/debs_lib.sh"

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
	cyrus)
		echo "cyrus-imapd cyrus-common libclamav12 libical3" \
		    "libxapian30 libzephyr4 libmspack0 libhesiod0"
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
	cyrus) echo idled ;;
	esac
}

# srv_nokw_conf NAME: the settings under which the server keeps no
# keywords (PERMANENTFLAGS without \*)
srv_nokw_conf() {
	case $1 in
	courier) echo IMAP_KEYWORDS=0 ;;
	esac
}

# srv_fetch NAME: SRV_ROOT holds NAME's packages unpacked (debs_lib.sh)
srv_fetch() {
	# shellcheck disable=SC2046
	debs_fetch "${BD_IMAPSRV_CACHE:-$(dirname "$work")/imapsrv-debs}" \
	    "$1" $(srv_pkgs "$1")
	SRV_ROOT=$DEBS_ROOT SRV_DEBS=$DEBS_COST
}

# the namespace, held by mta_ns.sh's sleep; SRV_NS is its PID
srv_ns_start() {
	command -v unshare >/dev/null 2>&1 || srv_skip "no unshare(1)"
	command -v nsenter >/dev/null 2>&1 || srv_skip "no nsenter(1)"
	unshare -m true 2>/dev/null ||
	    srv_skip "no private mount namespace here (unshare -m refused)"
	mkdir -p "$SRV_DIR/ns"
	# Cyrus's master drops root for its compiled-in user "cyrus"
	unshare -m sh "$src/tests/integration/mta_ns.sh" "$SRV_DIR/ns" \
	    "$SRV_ROOT" cyrus:64990:mail:8 >"$SRV_DIR/ns/setup.log" 2>&1 &
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

# Cyrus IMAP 3.6: master(8) with our own imapd.conf(5) and cyrus.conf(5)
# in the namespace's /etc, every path under SRV_DIR. LOGIN goes through Cyrus SASL with
# sasl_pwcheck_method: alwaystrue (libsasl2's test verifier: any
# password; a throwaway server on loopback), the admin "cyrus" creates
# user.bounces. Arguments: "idled" adds idled(8), Cyrus's IDLE push;
# NAME: VALUE lines are appended to imapd.conf. The server's log of what
# it sent is its telemetry (imapd.conf(5): a directory named after the
# user in configdirectory/log makes imapd log that user's sessions).
cyrus_setup() {
	_d=$SRV_DIR/cyrus
	# the directories Debian's postinst makes (cyrus makedirs)
	for _s in db proc socket log msg user quota lock sync; do
		mkdir -p "$_d/conf/$_s"
	done
	mkdir -p "$_d/conf/log/$SRV_USER" "$_d/spool/stage." "$_d/sieve"
	{
		printf 'configdirectory: %s/conf\n' "$_d"
		printf 'partition-default: %s/spool\n' "$_d"
		printf 'defaultpartition: default\n'
		printf 'proc_path: %s/conf/proc\nmboxname_lockpath: %s/conf/lock\n' \
		    "$_d" "$_d"
		printf 'sievedir: %s/sieve\n' "$_d"
		printf 'idlesocket: %s/conf/socket/idle\n' "$_d"
		printf 'notifysocket: %s/conf/socket/notify\n' "$_d"
		printf 'lmtpsocket: %s/conf/socket/lmtp\n' "$_d"
		printf 'admins: cyrus\nallowplaintext: yes\n'
		printf 'sasl_pwcheck_method: alwaystrue\n'
		printf 'sasl_mech_list: PLAIN\n'
		printf 'altnamespace: no\nunixhierarchysep: no\n'
		printf 'syslog_prefix: bounced-test-cyrus\n'
	} >"$_d/imapd.conf"
	_idled=
	for _l in "$@"; do
		if [ "$_l" = idled ]; then
			_idled=1
		else
			printf '%s\n' "$_l" >>"$_d/imapd.conf"
		fi
	done
	{
		printf 'START {\n  recover cmd="/usr/lib/cyrus/bin/ctl_cyrusdb -r"\n}\n'
		printf 'SERVICES {\n  imap cmd="/usr/lib/cyrus/bin/imapd" listen="127.0.0.1:%s" prefork=0\n}\n' "$SRV_PORT"
		printf 'EVENTS {\n  checkpoint cmd="/usr/lib/cyrus/bin/ctl_cyrusdb -c" period=30\n}\n'
		if [ -n "$_idled" ]; then
			printf 'DAEMON {\n  idled cmd="/usr/lib/cyrus/bin/idled"\n}\n'
		fi
	} >"$_d/cyrus.conf"
	chown -R 64990:8 "$_d"
	# in the namespace's /etc: master(8)'s -C does not reach the
	# programs it starts (ctl_cyrusdb read /etc/imapd.conf)
	srv_ns sh -c 'cp "$1/imapd.conf" "$1/cyrus.conf" /etc/ &&
	    chmod 644 /etc/imapd.conf /etc/cyrus.conf' sh "$_d" ||
	    fail "cyrus: /etc/imapd.conf"
	SRV_CYRUS_FIRST=1
}

cyrus_start() {
	nsenter -t "$SRV_NS" -m -- /usr/lib/cyrus/bin/master \
	    -p "$SRV_DIR/cyrus/master.pid" -D >>"$SRV_LOG" 2>&1 &
	SRV_MAIN=$!
}

# after the first start: the user's INBOX, as the admin
cyrus_started() {
	[ -n "${SRV_CYRUS_FIRST:-}" ] || return 0
	SRV_CYRUS_FIRST=
	"$python" -c 'import imaplib, sys
m = imaplib.IMAP4("127.0.0.1", int(sys.argv[1]))
m.login("cyrus", "admin")
typ, r = m.create("user." + sys.argv[2])
if typ != "OK":
    sys.exit("CREATE user.%s: %r" % (sys.argv[2], r))
m.logout()' "$SRV_PORT" "$SRV_USER" || fail "cyrus: creating user.$SRV_USER"
}

srv_start() {
	"${SRV}_start"
	wait_for 20 port_open "$python" "$SRV_PORT" || {
		tail -20 "$SRV_LOG" >&2
		fail "$SRV did not start"
	}
	if command -v "${SRV}_started" >/dev/null 2>&1; then
		"${SRV}_started"
	fi
}

# kills PID and its children (the per-session imapd processes), found by
# parent PID, never by name -- as a service manager's restart does: TERM,
# and KILL for what is left after 10 s (Cyrus's master, told TERM while
# a session is open, was seen spinning instead of exiting)
srv_kill_tree() {
	_kids=$(ps -o pid= --ppid "$1" 2>/dev/null || true)
	kill "$1" 2>/dev/null || true
	if ! wait_for 10 srv_gone "$1"; then
		echo "$SRV: PID $1 ignored SIGTERM for 10 s: SIGKILL" >&2
		kill -9 "$1" 2>/dev/null || true
	fi
	wait "$1" 2>/dev/null || true
	for _k in $_kids; do
		kill -9 "$_k" 2>/dev/null || true
	done
}

# srv_gone PID: exited (a zombie not yet waited for counts as gone)
srv_gone() {
	_st=$(ps -o stat= -p "$1" 2>/dev/null || true)
	case $_st in
	'' | Z*) return 0 ;;
	esac
	return 1
}

srv_stop() {
	[ -n "$SRV_MAIN" ] || return 0
	srv_kill_tree "$SRV_MAIN"
	SRV_MAIN=
	wait_for 10 sh -c '! "$1" -c "import socket, sys
socket.create_connection((\"127.0.0.1\", int(sys.argv[1])), 1).close()" "$2"' \
	    sh "$python" "$SRV_PORT" || fail "$SRV did not stop"
}

# srv_begin WORKDIR SERVER [CONF...]: every imapsrv_*.sh's start. The
# work directory made afresh and entered; at exit srv_end; the server
# set up (CONF: the lines srv_setup passes on, srv_push_conf's or
# srv_nokw_conf's) and started.
srv_begin() {
	_work=$1 _srv=$2
	shift 2
	rm -rf "$_work" && mkdir -p "$_work" && cd "$_work" || exit 1
	pid= app=
	trap 'srv_end' EXIT
	srv_setup "$_srv" "$@"
	srv_start
}

# the EXIT trap of srv_begin: the test's bounced ($pid, killed with -9:
# it is the process under test, not to be waited for) and its helper
# ($app), then the server
srv_end() {
	[ -z "$pid" ] || kill -9 "$pid" 2>/dev/null || true
	[ -z "$app" ] || kill "$app" 2>/dev/null || true
	srv_cleanup
}

# the EXIT trap: every process left in the namespace (only we started
# any there), by PID, then its holder; then the directory. Several
# rounds: Courier's FAM server (gam_server, started by an imapd)
# detaches from its parent and may appear while we look.
srv_cleanup() {
	srv_stop 2>/dev/null || true
	if [ -n "$SRV_NS" ]; then
		_mnt=$(readlink "/proc/$SRV_NS/ns/mnt" 2>/dev/null || true)
		_round=0
		while [ -n "$_mnt" ] && [ $_round -lt 5 ]; do
			_left=
			for _p in /proc/[0-9]*; do
				[ "${_p#/proc/}" != "$SRV_NS" ] || continue
				[ "$(readlink "$_p/ns/mnt" 2>/dev/null)" = "$_mnt" ] ||
				    continue
				_left="$_left ${_p#/proc/}"
			done
			[ -n "$_left" ] || break
			# shellcheck disable=SC2086
			kill -9 $_left 2>/dev/null || true
			sleep 0.2
			_round=$((_round + 1))
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

# srv_log_mark: where the server's log of sessions ends now, for
# srv_message_bytes
srv_log_mark() {
	"${SRV}_log_mark"
}

# srv_message_bytes MARK: the bytes of messages (headers and bodies) the
# server sent in the sessions logged after MARK, once each has ended
srv_message_bytes() {
	"${SRV}_message_bytes" "$1"
}

courier_log_mark() {
	wc -l <"$SRV_LOG" | tr -d ' '
}

# Courier's imapd logs "headers=N, body=N" at LOGOUT, DISCONNECTED and
# TIMEOUT (imap/imapd.c), one line per session
courier_message_bytes() {
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

# Cyrus: the telemetry files (one per imapd process, appended to by each
# session it serves); the mark is a file of their sizes
cyrus_log_mark() {
	_m=$SRV_DIR/mark.$(date +%s%N)
	: >"$_m"
	for _f in "$SRV_DIR/cyrus/conf/log/$SRV_USER"/*; do
		[ -f "$_f" ] || continue
		echo "${_f##*/} $(stat -c %s "$_f")" >>"$_m"
	done
	echo "$_m"
}

# the sizes of the literals in the FETCH responses written since the
# mark: the messages' bytes (RFC 3501 7.4.2 BODY[...] {N})
cyrus_message_bytes() {
	for _f in "$SRV_DIR/cyrus/conf/log/$SRV_USER"/*; do
		[ -f "$_f" ] || continue
		_o=$(awk -v f="${_f##*/}" '$1 == f { print $2 }' "$1")
		tail -c +"$((${_o:-0} + 1))" "$_f"
	done | awk '
	    / FETCH \(/ {
		s = $0
		while (match(s, /\{[0-9]+\}/)) {
			n += substr(s, RSTART + 1, RLENGTH - 2)
			s = substr(s, RSTART + RLENGTH)
		}
	    }
	    END { print n + 0 }'
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

# srv_gen COUNT SEED PREFIX: COUNT generated bounces in gen/new; a copy
# of each is kept in sent/ for expected_results
srv_gen() {
	rm -rf gen && mk_maildir gen
	# shellcheck disable=SC2046
	"$python" "$src/tests/integration/gen_bounces.py" \
	    --bouncectl "$bouncectl" --count "$1" --out gen --keep sent \
	    --seed "$2" --prefix "$3" $(templates "$src") ||
	    fail "gen_bounces.py failed"
}

# srv_deliver COUNT SEED PREFIX: srv_gen, then each APPENDed to INBOX
srv_deliver() {
	srv_gen "$@"
	srv_tool append INBOX gen/new/* || fail "APPEND failed"
}
