# A throwaway Dovecot for the IMAP tests (sourced after lib.sh). It listens
# on 127.0.0.1 only, on free ports chosen at run time; its configuration,
# certificates, Maildirs, sockets and log live in one temporary directory
# that dovecot_cleanup removes. Started with `dovecot -c CONF -F` in the
# background and stopped by its PID, never by name.
#
#   dovecot_setup PYTHON [EXTRA-CONF-LINE...]   (exits 77 without dovecot)
#   dovecot_start / dovecot_stop / dovecot_cleanup
#   imap_tool append|count|wait-count ...        (tests/integration/imap_tool.py)
#
# After dovecot_setup: DV (the directory), DV_IMAP_PORT (plain and STARTTLS),
# DV_IMAPS_PORT (implicit TLS), DV_CA (the CA that signed the server's
# certificate, for localhost and 127.0.0.1), DV_WRONG_CA (another CA),
# DV_USER, DV_PWFILE (its password, for bounced's password_file).

DV= DV_PID=

dovecot_available() {
	command -v dovecot >/dev/null 2>&1 || [ -x /usr/sbin/dovecot ] || return 1
	[ -x /usr/lib/dovecot/imap ] && [ -x /usr/lib/dovecot/imap-login ]
}

# mk_ca DIR NAME: a self-signed CA (EC keys: quick to make)
mk_ca() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
	    -nodes -keyout "$1/$2.key" -out "$1/$2.pem" -days 2 \
	    -subj "/CN=bounced test $2" \
	    -addext "basicConstraints=critical,CA:TRUE" \
	    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
}

dovecot_setup() {
	DV_PYTHON=$1
	DV_TOOL=$src/tests/integration/imap_tool.py
	shift
	if ! dovecot_available; then
		echo "SKIP: dovecot (Debian dovecot-imapd) is not installed"
		exit 77
	fi
	if [ "$(id -u)" != 0 ]; then
		# its mail processes run as nobody, its auth as dovecot
		echo "SKIP: the test Dovecot must start as root (it runs its processes as nobody and dovecot)"
		exit 77
	fi
	command -v openssl >/dev/null 2>&1 || fail "openssl is needed"
	DV=$(mktemp -d "${TMPDIR:-/tmp}/bounced-dovecot.XXXXXX")
	# the mail processes run as nobody, the auth ones as dovecot
	chmod 755 "$DV"
	mkdir -p "$DV/run" "$DV/state" "$DV/home/bounces"
	mk_ca "$DV" ca
	mk_ca "$DV" wrongca
	printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature\n' >"$DV/ext.cnf"
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
	    -keyout "$DV/server.key" -out "$DV/server.csr" \
	    -subj "/CN=localhost" 2>/dev/null
	openssl x509 -req -in "$DV/server.csr" -CA "$DV/ca.pem" \
	    -CAkey "$DV/ca.key" -CAcreateserial -out "$DV/server.pem" -days 2 \
	    -extfile "$DV/ext.cnf" 2>/dev/null || fail "openssl: server certificate"
	DV_CA=$DV/ca.pem DV_WRONG_CA=$DV/wrongca.pem
	DV_USER=bounces
	DV_PWFILE=$DV/bounces.pw
	printf 'test-%s-secret\n' "$$" >"$DV_PWFILE"
	printf '%s:{PLAIN}%s::::::\n' "$DV_USER" "$(head -n 1 "$DV_PWFILE")" >"$DV/passwd"
	chmod 644 "$DV/passwd"
	chown -R "$(id -u nobody):$(id -g nobody)" "$DV/home"
	DV_IMAP_PORT=$(free_port "$DV_PYTHON")
	DV_IMAPS_PORT=$(free_port "$DV_PYTHON")
	while [ "$DV_IMAPS_PORT" = "$DV_IMAP_PORT" ]; do
		DV_IMAPS_PORT=$(free_port "$DV_PYTHON")
	done
	cat >"$DV/dovecot.conf" <<EOF
# written by tests/integration/dovecot_lib.sh; removed after the test
base_dir = $DV/run
state_dir = $DV/state
instance_name = bounced-test-$$
log_path = $DV/dovecot.log
info_log_path = $DV/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <$DV/server.pem
ssl_key = <$DV/server.key
ssl_min_protocol = TLSv1.2
# plain LOGIN on loopback for the "tls: none" test (Dovecot allows it
# there anyway); the TLS tests do not depend on it
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = dovecot
default_login_user = dovenull
passdb {
  driver = passwd-file
  args = $DV/passwd
}
userdb {
  driver = static
  args = uid=$(id -u nobody) gid=$(id -g nobody) home=$DV/home/%u
}
mail_location = maildir:~/Maildir
# no "* OK Still here" keep-alives in IDLE: wake-ups are mail only
imap_idle_notify_interval = 0
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $DV_IMAP_PORT
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = $DV_IMAPS_PORT
    ssl = yes
  }
}
EOF
	for line in "$@"; do
		printf '%s\n' "$line" >>"$DV/dovecot.conf"
	done
}

dovecot_start() {
	dovecot -c "$DV/dovecot.conf" -F >>"$DV/dovecot.out" 2>&1 &
	DV_PID=$!
	if ! wait_for 20 port_open "$DV_PYTHON" "$DV_IMAPS_PORT" ||
	    ! wait_for 5 port_open "$DV_PYTHON" "$DV_IMAP_PORT"; then
		cat "$DV/dovecot.out" "$DV/dovecot.log" 2>/dev/null | tail -20 >&2
		fail "dovecot did not start"
	fi
}

# Stops the master and every process it started, as systemd's
# KillMode=control-group does on "systemctl restart dovecot": Dovecot's
# own shutdown leaves a client's imap process (in IDLE) running, which
# would hide the restart from the client. Children are found by parent
# PID, never by name.
dovecot_stop() {
	[ -n "$DV_PID" ] || return 0
	_kids=$(ps -o pid= --ppid "$DV_PID" 2>/dev/null || true)
	kill "$DV_PID" 2>/dev/null || true
	wait "$DV_PID" 2>/dev/null || true
	for _k in $_kids; do
		kill "$_k" 2>/dev/null || true
	done
	DV_PID=
}

# for the EXIT trap: stop it and remove everything
dovecot_cleanup() {
	dovecot_stop
	if [ -n "$DV" ] && [ -d "$DV" ]; then
		if [ -n "${KEEP_DOVECOT:-}" ]; then
			echo "kept $DV" >&2
		else
			rm -rf "$DV"
		fi
	fi
}

dovecot_log() {
	tail -n "${1:-30}" "$DV/dovecot.log" >&2 2>/dev/null || true
}

imap_tool() {
	"$DV_PYTHON" "$DV_TOOL" --port "$DV_IMAP_PORT" --user "$DV_USER" \
	    --password-file "$DV_PWFILE" "$@"
}

# imap_yaml FILE TLS HOST PORT [CA_FILE]: a bounced.yaml reading INBOX of
# the test user (database bounced.db); callers append more imap: keys
imap_yaml() {
	{
		printf 'database: bounced.db\nimap:\n  host: %s\n  port: %s\n' \
		    "$3" "$4"
		printf '  tls: %s\n  user: %s\n  password_file: %s\n' "$2" \
		    "$DV_USER" "$DV_PWFILE"
		if [ -n "${5:-}" ]; then
			printf '  ca_file: %s\n' "$5"
		fi
	} >"$1"
}

# deliver COUNT SEED PREFIX: COUNT generated bounces APPENDed to INBOX;
# a copy of each is kept in sent/ for `bouncectl parse` (expected_results)
deliver() {
	generate "$@"
	imap_tool append INBOX gen/new/* || fail "APPEND failed"
}

# generate COUNT SEED PREFIX: deliver's bounces in gen/new, not appended
# (generating takes seconds under ASan: not inside a timed window)
generate() {
	rm -rf gen && mk_maildir gen
	# shellcheck disable=SC2046
	"$DV_PYTHON" "$src/tests/integration/gen_bounces.py" \
	    --bouncectl "$bouncectl" --count "$1" --out gen --keep sent \
	    --seed "$2" --prefix "$3" $(templates "$src") ||
	    fail "gen_bounces.py failed"
}

now_ms() {
	echo $(($(date +%s%N) / 1000000))
}
