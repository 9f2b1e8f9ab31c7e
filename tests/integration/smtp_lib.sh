# Shared by the SMTP resend tests (sourced): real servers on 127.0.0.1,
# free ports picked at run time, every process stopped by PID in the EXIT
# trap. Callers set: check (smtp_check), python (Debian's python3, which
# has aiosmtpd), work (a per-test directory).
set -eu

SMTP_LIB_DIR=$(cd "$(dirname "$0")" && pwd)
. "$SMTP_LIB_DIR/lib.sh" # fail, wait_for, free_port
SMTP_PIDS=""
SMTP_POSTFIX_DIRS=""
SMTP_OUTSIDE=""

# outside DIR: DIR (in the test's directory) becomes a symbolic link to a
# new directory outside the build tree, which smtp_cleanup copies back.
# Servers that drop their privileges (Postfix, Exim) cannot pass through
# a build tree in /root (0700); they are given OUTSIDE_DIR, the real path.
# smtp_rcpt PORT ADDR: "CODE TEXT" of the reply to RCPT TO:<ADDR> from
# the SMTP server on 127.0.0.1:PORT (after EHLO and a MAIL FROM)
smtp_rcpt() {
	"$python" - "$1" "$2" <<'PYEOF'
import smtplib, sys
s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=30)
s.ehlo("app.test")
s.mail("newsletter@example.org")
code, text = s.rcpt(sys.argv[2])
print(code, text.decode())
s.quit()
PYEOF
}

outside() {
	_o=$(mkdir -p "$(dirname "$1")" && cd "$(dirname "$1")" && pwd)/$(basename "$1")
	OUTSIDE_DIR=$(mktemp -d "${TMPDIR:-/tmp}/bounced-$(basename "$1").XXXXXX")
	chmod 755 "$OUTSIDE_DIR"
	rm -rf "$_o" && ln -s "$OUTSIDE_DIR" "$_o"
	SMTP_OUTSIDE="$SMTP_OUTSIDE $_o"
}

skip() {
	echo "SKIP: $*" >&2
	exit 77
}

# need PROGRAM...: skip (77) when one is absent
need() {
	for _p in "$@"; do
		command -v "$_p" >/dev/null 2>&1 || skip "$_p not installed"
	done
}

need_aiosmtpd() {
	[ -x "$python" ] || skip "$python not installed"
	"$python" -c 'import aiosmtpd' 2>/dev/null ||
	    skip "aiosmtpd missing for $python (apt-get install python3-aiosmtpd)"
}

smtp_cleanup() {
	for _l in $SMTP_POSTFIX_DIRS; do
		postfix_stop "$_l"
	done
	for _p in $SMTP_PIDS; do
		kill "$_p" 2>/dev/null || true
	done
	for _p in $SMTP_PIDS; do
		wait "$_p" 2>/dev/null || true
	done
	for _l in $SMTP_OUTSIDE; do
		# the files the servers wrote (logs) come back into the test's
		# directory; sockets and FIFOs do not
		_d=$(readlink "$_l") || continue
		rm -f "$_l" && mkdir -p "$_l"
		(cd "$_d" && find . -type f | tar -cf - -T - 2>/dev/null) |
		    (cd "$_l" && tar -xf - 2>/dev/null) || true
		rm -rf "${_d:?}"
	done
}
trap smtp_cleanup EXIT
trap 'exit 1' INT TERM HUP

# sink_start DIR [smtp_sink.py options]: starts aiosmtpd writing to DIR,
# sets SINK_PORT and SINK_PID
sink_start() {
	_dir=$1
	shift
	mkdir -p "$_dir"
	"$python" "$SMTP_LIB_DIR/smtp_sink.py" --dir "$_dir" "$@" \
	    >"$_dir/sink.log" 2>&1 &
	SINK_PID=$!
	SMTP_PIDS="$SMTP_PIDS $SINK_PID"
	wait_for 20 test -s "$_dir/port" ||
	    { cat "$_dir/sink.log" >&2; fail "aiosmtpd did not start"; }
	SINK_PORT=$(cat "$_dir/port")
}

# stop PID: stops one server we started
stop() {
	kill "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

# certs DIR: a test CA, a server certificate for DNS:localhost and
# IP:127.0.0.1 signed by it, one signed by it for mail.example.net only,
# and an unrelated second CA
certs() {
	_c=$1
	mkdir -p "$_c"
	for _ca in ca other-ca; do
		openssl req -x509 -newkey rsa:2048 -nodes -days 2 -sha256 \
		    -keyout "$_c/$_ca.key" -out "$_c/$_ca.pem" \
		    -subj "/CN=bounced test $_ca" \
		    -addext basicConstraints=critical,CA:TRUE \
		    -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null ||
		    fail "openssl: CA $_ca"
	done
	_leaf "$_c" server localhost "DNS:localhost,IP:127.0.0.1"
	_leaf "$_c" wrongname mail.example.net "DNS:mail.example.net"
}

_leaf() {
	openssl req -newkey rsa:2048 -nodes -sha256 -keyout "$1/$2.key" \
	    -out "$1/$2.csr" -subj "/CN=$3" 2>/dev/null || fail "openssl: $2 key"
	printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n' \
	    "$4" >"$1/$2.ext"
	openssl x509 -req -in "$1/$2.csr" -CA "$1/ca.pem" -CAkey "$1/ca.key" \
	    -CAcreateserial -days 2 -sha256 -extfile "$1/$2.ext" \
	    -out "$1/$2.pem" 2>/dev/null || fail "openssl: $2 certificate"
}

# postfix_start DIR MAIN_CF_LINES: a Postfix of its own -- config, queue
# and data directories under DIR, one smtpd on 127.0.0.1:PF_PORT, every
# other service unix-domain only and unchrooted, mail it accepts
# discarded. Extra main.cf lines come from the second argument. Sets
# PF_PORT; postfix_stop or the EXIT trap stops it.
postfix_start() {
	need postfix postconf script
	[ "$(id -u)" = 0 ] || skip "Postfix's master must start as root"
	getent passwd postfix >/dev/null || skip "no postfix user"
	# Postfix's own users (postfix, and the daemons' setgid postdrop)
	# must reach its directories
	outside "$1"
	_d=$OUTSIDE_DIR
	SMTP_POSTFIX_DIRS="$SMTP_POSTFIX_DIRS $_d"
	for _try in 1 2 3; do
		rm -rf "${_d:?}/etc" "${_d:?}/queue" "${_d:?}/data"
		mkdir -p "$_d/etc" "$_d/queue" "$_d/data"
		chown postfix "$_d/data"
		PF_PORT=$(free_port "$python")
		cat >"$_d/etc/main.cf" <<PFEOF
compatibility_level = 3.6
queue_directory = $_d/queue
data_directory = $_d/data
mail_owner = postfix
setgid_group = postdrop
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = postfix.test
mydestination =
mynetworks = 127.0.0.0/8
maillog_file_prefixes = $_d
maillog_file = $_d/maillog
default_transport = discard:test
relay_transport = discard:test
$2
PFEOF
		# Debian's master.cf without its inet services and pipe(8)
		# examples; ours listens on the test port only.
		awk '/^#/ || /^[ \t]/ || NF == 0 { next }
		    $2 == "inet" { next }
		    $1 ~ /^(maildrop|uucp|ifmail|bsmtp|scalemail-backend|mailman|tlsmgr)$/ { next }
		    { print }' /etc/postfix/master.cf >"$_d/etc/master.cf"
		printf '127.0.0.1:%s inet n - n - - smtpd\n' "$PF_PORT" \
		    >>"$_d/etc/master.cf"
		postconf -c "$_d/etc" -F '*/*/chroot = n'
		# postfix(1) reports to syslog and a tty only: script gives it one
		script -qec "postfix -c '$_d/etc' start" /dev/null \
		    >"$_d/start.log" 2>&1 &&
		    wait_for 20 "$python" -c "import smtplib
smtplib.SMTP('127.0.0.1', $PF_PORT, timeout=2).quit()" && return 0
		cat "$_d/start.log" "$_d/maillog" >&2 2>/dev/null || true
		postfix_stop "$_d"
	done
	fail "Postfix did not start"
}

# postfix_stop DIR: stops the Postfix in DIR, its master by PID if need be
postfix_stop() {
	_pid=$(tr -d ' ' <"$1/queue/pid/master.pid" 2>/dev/null || true)
	postfix -c "$1/etc" stop >/dev/null 2>&1 || true
	if [ -n "$_pid" ] && kill -0 "$_pid" 2>/dev/null; then
		wait_for 10 sh -c "! kill -0 $_pid" || kill -9 "$_pid" 2>/dev/null || true
	fi
}

# run OUT ARGS...: smtp_check ARGS with its output in OUT (stderr in
# OUT.err); fails on a crash or a sanitizer report, not on "not sent" (1)
run() {
	_out=$1
	shift
	_rc=0
	"$check" "$@" >"$_out" 2>"$_out.err" || _rc=$?
	if [ "$_rc" -gt 1 ] || grep -Eq 'Sanitizer|runtime error:' "$_out.err"; then
		cat "$_out" "$_out.err" >&2
		fail "smtp_check $*: exit $_rc"
	fi
	[ "$_rc" = 0 ] || [ "$(field "$_out" outcome)" != SENT ] ||
	    fail "smtp_check: exit $_rc but SENT"
	return 0
}

# field FILE NAME: the value of NAME=... in smtp_check's output
field() {
	sed -n "s/^$2=//p" "$1"
}

# expect_outcome OUT OUTCOME [CODE]: smtp_check's output says so
expect_outcome() {
	_o=$(field "$1" outcome)
	[ "$_o" = "$2" ] || { cat "$1" >&2; fail "outcome $_o, want $2"; }
	if [ $# -ge 3 ]; then
		_k=$(field "$1" code)
		[ "$_k" = "$3" ] || { cat "$1" >&2; fail "code $_k, want $3"; }
	fi
	return 0
}

# delivered DIR: the number of messages the sink in DIR took
delivered() {
	find "$1/new" -type f 2>/dev/null | wc -l | tr -d ' '
}

# message FILE: a test message with a line that starts with a dot, a
# line that is only a dot, LF line ends and no final CRLF conversion
message() {
	printf '%s\n' \
	    'From: bounced <resend@example.org>' \
	    'To: <rcpt@example.net>' \
	    'Subject: resend test' \
	    'Message-ID: <resend-test@example.org>' \
	    '' \
	    'first line' \
	    '.a line that starts with a dot' \
	    '.' \
	    '..two dots' \
	    'last line' >"$1"
}
