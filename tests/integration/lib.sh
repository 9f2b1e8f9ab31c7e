# Shared by the daemon's integration tests (sourced). Loopback and files
# only; every background process is stopped by PID in the EXIT trap.
set -eu
# Debian puts the sbin directories on root's PATH only; the servers the
# tests start (postfix, postconf, dovecot) live there, and a user's test
# run must be told what it lacks, not that they are missing
case ":$PATH:" in
*:/usr/sbin:*) ;;
*) PATH=$PATH:/usr/sbin:/sbin ;;
esac

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# mk_maildir DIR: an empty Maildir
mk_maildir() {
	mkdir -p "$1/new" "$1/cur" "$1/tmp"
}

count_files() {
	find "$1" -maxdepth 1 -type f | wc -l | tr -d ' '
}

# sql DB QUERY: one value (read-only)
sql() {
	sqlite3 -readonly "$1" "$2"
}

# wait_for SECONDS COMMAND...: polls until COMMAND succeeds (bounded)
wait_for() {
	_n=$(($1 * 10))
	shift
	while [ "$_n" -gt 0 ]; do
		if "$@" >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.1
		_n=$((_n - 1))
	done
	return 1
}

# free_port PYTHON: a TCP port nobody listens on now (127.0.0.1)
free_port() {
	"$1" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# port_open PYTHON PORT: something accepts connections there
port_open() {
	"$1" -c 'import socket, sys
socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()' "$2"
}

# expected_results BOUNCECTL DIR: "recipient<TAB>status<TAB>reason" per
# recipient of every message in DIR, sorted -- what the database must hold
expected_results() {
	find "$2" -maxdepth 1 -type f -print0 | xargs -0 "$1" parse 2>/dev/null |
	    awk -F '\t' '{ print ($2 == "-" ? "" : $2) "\t" ($3 == "-" ? "" : $3) "\t" $4 }' |
	    sort || true
}

stored_results() {
	sqlite3 -readonly -separator '	' "$1" \
	    "SELECT recipient, coalesce(status, ''), reason FROM bounces" | sort
}

# templates SRCDIR: the project's own bounces the generator varies
templates() {
	ls "$1"/examples/maildir/new/* "$1"/tests/fixtures/families/*.eml
}
