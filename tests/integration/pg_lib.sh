# A throwaway PostgreSQL for the tests of issue 18 (sourced after lib.sh):
# Debian 12's PostgreSQL 15, fetched and unpacked by debs_lib.sh, never
# installed (no cluster, no service, no postgres user). initdb makes a
# cluster in a private directory; postgres listens on a Unix socket only
# (listen_addresses empty: no TCP at all), fsync off, and is stopped by
# PID. postgres refuses to run as root: as root it runs as nobody (the
# cache and the directory are then where nobody can reach them, outside
# a build tree that may be under /root).
#
#   pg_start NAME   sets PG_DIR (data, socket, log), PG_SOCK, PG_PID,
#                   PG_BIN, PG_URI (postgresql:///bounced?host=PG_SOCK&user=bounced),
#                   PG_COST (what fetching cost); the superuser is
#                   "bounced", trusted on the socket.
#   pg_psql SQL     one statement through psql, unaligned, no header
#   pg_stop         SIGTERM to the postmaster (smart shutdown), then
#                   waits until the PID is gone
#   pg_restart [S]  a fast shutdown (SIGINT: every session is ended, as a
#                   crash or an operator's restart would end it), S seconds
#                   down (default 0), then the same cluster started again
#                   on the same socket; PG_PID is the new postmaster
#
# PG_FSYNC=on (a benchmark's) keeps PostgreSQL's fsync; tests turn it off.
#
# Skips (77) with the reason when it cannot run here (debs_lib.sh's, or
# no setpriv as root).

PG_PKGS="postgresql-15 postgresql-client-15"
PG_DIR= PG_SOCK= PG_PID= PG_BIN= PG_URI= PG_COST=
# (a script outside tests/integration/, bench/bench_pg.sh, names the
# directory in BD_INTEG_DIR)
. "${BD_INTEG_DIR:-$(dirname "$0")}/debs_lib.sh"

# pg_as CMD...: as the user the server runs as
pg_as() {
	if [ "$(id -u)" = 0 ]; then
		setpriv --reuid=nobody --regid="$(id -gn nobody)" \
		    --clear-groups "$@"
	else
		"$@"
	fi
}

pg_start() {
	if [ "$(id -u)" = 0 ]; then
		command -v setpriv >/dev/null 2>&1 ||
		    { echo "SKIP: no setpriv(1) to run postgres as nobody"; exit 77; }
		_pgcache=${BD_PG_CACHE:-/var/cache/bounced-test-pg}
	else
		_pgcache=${BD_PG_CACHE:-$(dirname "$work")/pg-debs}
	fi
	# shellcheck disable=SC2086
	debs_fetch "$_pgcache" postgresql $PG_PKGS
	PG_COST=$DEBS_COST
	PG_BIN=$DEBS_ROOT/usr/lib/postgresql/15/bin
	[ -x "$PG_BIN/postgres" ] || fail "no postgres in $PG_BIN"
	chmod 755 "$_pgcache" "$DEBS_ROOT"
	PG_DIR=$(mktemp -d "/tmp/bd-pg-$1.XXXXXX")
	chmod 755 "$PG_DIR"
	mkdir "$PG_DIR/data" "$PG_DIR/sock"
	[ "$(id -u)" = 0 ] && chown nobody "$PG_DIR/data" "$PG_DIR/sock"
	PG_SOCK=$PG_DIR/sock
	pg_as "$PG_BIN/initdb" -D "$PG_DIR/data" -U bounced -A trust \
	    -E UTF8 --locale=C --no-sync >"$PG_DIR/initdb.log" 2>&1 ||
	    { cat "$PG_DIR/initdb.log"; fail "initdb"; }
	PG_URI="postgresql:///bounced?host=$PG_SOCK&user=bounced"
	pg_run
	"$PG_BIN/createdb" -h "$PG_SOCK" -U bounced bounced ||
	    fail "createdb"
}

# the postmaster on PG_DIR's cluster, in the background; PG_PID set once
# it answers
pg_run() {
	# shellcheck disable=SC2086
	pg_as "$PG_BIN/postgres" -D "$PG_DIR/data" -k "$PG_SOCK" \
	    -c listen_addresses= -c fsync=${PG_FSYNC:-off} \
	    >>"$PG_DIR/postgres.log" 2>&1 &
	wait_for 30 "$PG_BIN/pg_isready" -q -h "$PG_SOCK" -U bounced ||
	    { cat "$PG_DIR/postgres.log"; fail "postgres did not start"; }
	# the postmaster's own PID (the first line of postmaster.pid), not
	# the background job's: that is the shell that ran pg_as
	PG_PID=$(head -n 1 "$PG_DIR/data/postmaster.pid")
	kill -0 "$PG_PID" || fail "no postmaster $PG_PID"
}

pg_restart() {
	kill -INT "$PG_PID" || fail "no postmaster $PG_PID to restart"
	wait_for 30 sh -c "! kill -0 $PG_PID 2>/dev/null" ||
	    fail "postgres did not stop (fast shutdown)"
	PG_PID=
	sleep "${1:-0}"
	pg_run
}

pg_psql() {
	"$PG_BIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 -h "$PG_SOCK" \
	    -U bounced -d bounced -c "$1"
}

pg_stop() {
	[ -n "$PG_PID" ] || return 0
	kill -TERM "$PG_PID" 2>/dev/null || true
	if ! wait_for 30 sh -c "! kill -0 $PG_PID 2>/dev/null"; then
		kill -KILL "$PG_PID" 2>/dev/null || true
		wait_for 10 sh -c "! kill -0 $PG_PID 2>/dev/null" || true
	fi
	PG_PID=
}

# pg_begin WORKDIR NAME: a test's start. WORKDIR made afresh ($work, now
# absolute); at exit, pg_end; the server started as NAME.
pg_begin() {
	work=$1
	rm -rf "$work" && mkdir -p "$work"
	work=$(cd "$work" && pwd)
	trap 'pg_end' EXIT
	pg_start "$2"
}

# pg_end: the EXIT trap of pg_begin. The server stopped, its log kept in
# $work, its directory removed.
pg_end() {
	pg_stop
	[ -z "$PG_DIR" ] || {
		cp "$PG_DIR/postgres.log" "$work/" 2>/dev/null || true
		rm -rf "$PG_DIR"
	}
}
