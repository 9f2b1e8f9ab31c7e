#!/bin/sh
# The tests of behaviour of tests/unit/test_storage.c against a real
# PostgreSQL 15 (issue 18): pg_lib.sh starts one on a Unix socket, the
# test runs with its URI in BD_TEST_PG_URI (each case on a schema made
# afresh), and the server is stopped by PID. Skips (77) when PostgreSQL
# cannot be had here (pg_lib.sh says why) or the build has no libpq
# (test_storage says so); a failure of the server or of a test fails.
# usage: storage_pg.sh WORKDIR TEST_STORAGE
work=$1
test_storage=$2
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pg_lib.sh"
set -u

[ -x "$test_storage" ] || fail "no $test_storage"
pg_begin "$work" storage
echo "postgres: $("$PG_BIN/postgres" --version)"
rc=0
BD_TEST_PG_URI=$PG_URI "$test_storage" || rc=$?
case $rc in
0) echo "PASS: the store's tests of behaviour on PostgreSQL" ;;
77) exit 77 ;;
*) fail "the store's tests on PostgreSQL: exit $rc" ;;
esac
