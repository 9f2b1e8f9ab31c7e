#!/bin/sh
# The PostgreSQL of issue 18's tests (pg_lib.sh) runs here: fetched
# without installing, a cluster made by initdb, reachable on its Unix
# socket only, answering the statements issue 18 item 2 rests on
# (INSERT ... ON CONFLICT, FOR UPDATE SKIP LOCKED), and gone after
# pg_stop. The storage back end of issue 18 builds on this harness.
# usage: pg_server.sh WORKDIR
work=$1
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pg_lib.sh"
set -u
pg_begin "$work" server
echo "postgres: $("$PG_BIN/postgres" --version), packages: $PG_COST"
[ "$(pg_psql 'show listen_addresses')" = "" ] || fail "postgres listens on TCP"

pg_psql "create table m (hash text primary key, n int not null)"
pg_psql "insert into m values ('a', 1) on conflict (hash) do nothing"
pg_psql "insert into m values ('a', 2) on conflict (hash) do nothing"
[ "$(pg_psql 'select n from m')" = 1 ] || fail "ON CONFLICT DO NOTHING"
# a row held by one session is skipped by another, not waited for
pg_psql "insert into m values ('b', 1)"
"$PG_BIN/psql" -X -q -h "$PG_SOCK" -U bounced -d bounced \
    -c "begin; select hash from m where hash = 'a' for update; select pg_sleep(5); commit" \
    >/dev/null 2>&1 &
holder=$!
wait_for 5 sh -c "[ \"\$(\"$PG_BIN/psql\" -X -A -t -h '$PG_SOCK' -U bounced -d bounced -c \"select count(*) from pg_locks where locktype = 'transactionid' and mode = 'ExclusiveLock' and granted and pid <> pg_backend_pid()\")\" -ge 1 ]" ||
    fail "the first session holds no lock"
got=$(pg_psql "select hash from m order by hash for update skip locked")
wait "$holder"
[ "$got" = b ] || fail "FOR UPDATE SKIP LOCKED gave '$got', want b"
echo "ok: ON CONFLICT, FOR UPDATE SKIP LOCKED"

pid=$PG_PID
pg_stop
if kill -0 "$pid" 2>/dev/null; then
	fail "postgres $pid still running after pg_stop"
fi
echo "PASS: PostgreSQL on a Unix socket, started and stopped by PID"
