#!/bin/sh
# storage/db.h's contract (tests/unit/test_db.c) against a real
# PostgreSQL 15 (issue 18): pg_lib.sh starts one on a Unix socket, the
# contract test runs with its URI in BD_TEST_PG_URI, and the server is
# stopped by PID. Skips (77) when PostgreSQL cannot be had here
# (pg_lib.sh says why) or the build has no libpq (test_db says so); a
# failure of the server or of the contract fails.
# usage: db_pg.sh WORKDIR TEST_DB
work=$1
test_db=$2
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pg_lib.sh"
set -u

[ -x "$test_db" ] || fail "no $test_db"
pg_begin "$work" db
echo "postgres: $("$PG_BIN/postgres" --version)"
start=$(date +%s%N)
rc=0
BD_TEST_PG_URI=$PG_URI "$test_db" || rc=$?
end=$(date +%s%N)
echo "contract on PostgreSQL: exit $rc, $(( (end - start) / 1000000 )) ms"
case $rc in
0) echo "PASS: db.h's contract on PostgreSQL" ;;
77) exit 77 ;;
*) fail "db.h's contract on PostgreSQL: exit $rc" ;;
esac
