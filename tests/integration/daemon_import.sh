#!/bin/sh
# A bulk import (bouncectl suppress --from, one transaction; issue 15 item
# 5) while the daemon runs: the daemon's batches wait for the import's
# write transaction and are retried, no bounce that arrives meanwhile is
# lost, the daemon keeps running, and queries answer during the import
# (WAL). Then every imported address is suppressed.
# usage: daemon_import.sh BOUNCED BOUNCECTL PYTHON SRCDIR WORKDIR
bounced=$1 bctl=$2 py=$3 src=$4 work=$5
. "$src/tests/integration/lib.sh"
rm -rf "$work" && mkdir -p "$work" && cd "$work"
mk_maildir md
printf 'database: db\nmaildir:\n  path: md\n' >conf.yaml
pid= imp=
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null;
    [ -n "$imp" ] && kill -9 "$imp" 2>/dev/null; true' EXIT

n=${IMPORT_COUNT:-300000}
"$py" -c 'import sys
for i in range(int(sys.argv[1])):
    print("imp%07d@example.net" % ((i * 7919) % int(sys.argv[1])))' "$n" >list

"$bounced" -c conf.yaml 2>log &
pid=$!
wait_for 10 test -s db || { cat log; fail "no database"; }
rows() { [ "$(sql db 'SELECT count(*) FROM messages')" = "$1" ]; }

"$bctl" -d db suppress --from list --source test >import.out 2>import.err &
imp=$!
# deliver once the import holds the write lock (a BEGIN IMMEDIATE of our
# own fails at once then)
locked() {
	"$py" -c 'import sqlite3, sys
c = sqlite3.connect(sys.argv[1], timeout=0, isolation_level=None)
try:
    c.execute("BEGIN IMMEDIATE")
except sqlite3.OperationalError:
    sys.exit(0)
c.execute("ROLLBACK")
sys.exit(1)' db
}
wait_for 30 locked || fail "the import never held the database"
i=0
for f in "$src"/examples/maildir/new/*; do
	i=$((i + 1))
	[ "$i" -le 5 ] || break
	cp "$f" "md/tmp/m$i" && mv "md/tmp/m$i" "md/new/m$i"
done
"$bctl" -d db stats >/dev/null 2>stats.err ||
    { cat stats.err; fail "a query failed during the import"; }
wait "$imp" || { cat import.err; fail "import exit $?"; }
imp=
grep -q "^$n rows: $n suppressed" import.out || { cat import.out; fail "import summary"; }
wait_for 60 rows 5 || { cat log; fail "bounces delivered during the import were not all recorded"; }
kill -0 "$pid" || fail "the daemon died during the import"
[ "$(sql db "SELECT count(*) FROM recipients WHERE address LIKE 'imp%' AND state = 'suppressed'")" = "$n" ] ||
    fail "not every imported address is suppressed"
[ "$(count_files md/new)" = 0 ] || fail "md/new not emptied"
kill -TERM "$pid"
wait "$pid" || fail "exit status $? after SIGTERM"
pid=
if grep -q 'another writer holds the database' log; then
	echo "the daemon waited for the import and retried"
fi
echo "import of $n during ingestion: nothing lost"
