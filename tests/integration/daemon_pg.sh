#!/bin/sh
# bounced on PostgreSQL (issue 18): bounced --once drains the example
# Maildir into a PostgreSQL 15 (pg_lib.sh: a Unix socket, stopped by
# PID) and, from a copy of the same Maildir, into a SQLite file; what
# bouncectl then shows of each -- list, status, history, stats by every
# grouping, check, export --postfix -- must be the same text, the
# times the daemon took the messages (today's) put aside. A second
# --once over the drained Maildir records nothing more, and a URI with
# a password is refused by the configuration check. Skips (77) when no
# PostgreSQL can be had here.
# usage: daemon_pg.sh BOUNCED BOUNCECTL SRCDIR WORKDIR
bounced=$1 bctl=$2 src=$3
. "$src/tests/integration/lib.sh"
. "$src/tests/integration/pg_lib.sh"
set -u
pg_begin "$4" daemon
cd "$work"
day0=$(date -u +%Y-%m-%d)

for b in sq pg; do
	mk_maildir "md-$b"
	cp "$src"/examples/maildir/new/* "md-$b/new/"
done
n=$(ls md-sq/new | wc -l)
[ "$n" -ge 10 ] || fail "only $n example messages"
printf 'database: %s\nmaildir:\n  path: md-sq\n' "$work/sq.db" >sq.yaml
printf 'database: %s\nmaildir:\n  path: md-pg\n' "$PG_URI" >pg.yaml

for b in sq pg; do
	"$bounced" --once -c "$b.yaml" >"run-$b.log" 2>&1 ||
	    { cat "run-$b.log"; fail "bounced --once into $b"; }
	[ "$(ls "md-$b/new" | wc -l)" = 0 ] || fail "$b: new/ not drained"
done
grep -q "stopped: $n messages" run-pg.log ||
    { cat run-pg.log; fail "PostgreSQL: not $n messages"; }
[ "$(pg_psql 'select count(*) from messages')" = "$n" ] ||
    fail "PostgreSQL: not $n rows in messages"

day1=$(date -u +%Y-%m-%d)
# today's times are when the daemon took each message: they differ by
# the second between the two runs; the reports' own dates stay
show() { # DB VERB...
	db=$1
	shift
	"$bctl" -d "$db" "$@" 2>&1 |
	    sed -e "s/\($day0\|$day1\)T[0-9:]*Z/TODAY/g" \
		-e "s/\($day0\|$day1\)/TODAY/g"
}
# same_on_both WHEN VERB...: bouncectl VERB on each backend, the same
# text (PostgreSQL's own race.new@ put aside: it is there alone)
same_on_both() {
	when=$1
	shift
	for verb in "$@"; do
		# shellcheck disable=SC2086
		show "$work/sq.db" $verb >want.txt
		# shellcheck disable=SC2086
		show "$PG_URI" $verb | grep -v '^race\.new@' >got.txt
		[ -s want.txt ] || fail "bouncectl $verb: no output on SQLite"
		cmp -s want.txt got.txt || {
			diff -u want.txt got.txt
			fail "bouncectl $verb$when: PostgreSQL differs from SQLite"
		}
		echo "ok: bouncectl $verb$when ($(wc -l <want.txt) lines)"
	done
}
addr=kim.nobody@example.net
same_on_both "" "list" "list --csv" "list --state soft" \
    "list --domain example.net" "list --limit 3" "status $addr" \
    "history $addr" "history --json $addr" "stats" "stats --by domain" \
    "stats --by day" "stats --by sender" "stats --by campaign" \
    "stats --by remote_mta" "stats --json --by reason" \
    "check $addr dana@example.com" "export --postfix" "resends"

# bouncectl forget: the same rows go on both, and the address is then
# unknown to every verb; PostgreSQL's forget key is in the state
# directory (common/state_base.h), SQLite's beside the file
STATE_DIRECTORY=$work/state
export STATE_DIRECTORY
mkdir -p state
for db in "$work/sq.db" "$PG_URI"; do
	"$bctl" -d "$db" forget "$addr" >forget.txt 2>&1 ||
	    { cat forget.txt; fail "bouncectl forget on $db"; }
	cat forget.txt
	cp forget.txt "forget-$(basename "${db%%\?*}").txt"
done
cmp -s forget-sq.db.txt forget-bounced.txt ||
    { diff forget-sq.db.txt forget-bounced.txt; fail "forget differs"; }
[ -s state/bounced.forget-key ] || fail "no forget key in the state directory"
same_on_both " after forget" "list" "stats" "forgotten $addr" \
    "history $addr"
"$bctl" -d "$PG_URI" forgotten "$addr" | grep -q "forgotten (suppressed)" ||
    fail "PostgreSQL: $addr not forgotten"
[ "$(pg_psql "SELECT count(*) FROM bounces WHERE recipient = '$addr'")" = 0 ] ||
    fail "PostgreSQL: bounces of $addr left"
echo "ok: bouncectl forget $addr, the same on both"

# the bulk import (bouncectl suppress --from): the same summary and rows
# on both; a repeated address is taken once, the file's first line wins
printf '%s\n' 'new.one@example.org' 'New.Two@example.org' \
    'new.one@example.org' 'dana@example.com' >import.txt
for db in "$work/sq.db" "$PG_URI"; do
	"$bctl" -d "$db" suppress --from import.txt --note imported \
	    >"import-$(basename "${db%%\?*}").txt" 2>&1 ||
	    { cat "import-$(basename "${db%%\?*}").txt"; fail "suppress --from on $db"; }
done
cmp -s import-sq.db.txt import-bounced.txt ||
    { diff import-sq.db.txt import-bounced.txt; fail "suppress --from differs"; }
cat import-bounced.txt
same_on_both " after the import" "list" "list --state suppressed" \
    "history new.two@example.org"
[ "$(pg_psql "SELECT count(*) FROM overrides WHERE note = 'imported'")" = 3 ] ||
    fail "PostgreSQL: not 3 imported overrides"
echo "ok: bouncectl suppress --from, the same on both"

# exactly once: the same messages again record nothing
cp "$src"/examples/maildir/new/* md-pg/new/
"$bounced" --once -c pg.yaml >run-pg2.log 2>&1 ||
    { cat run-pg2.log; fail "second bounced --once"; }
grep -q "$n already recorded" run-pg2.log ||
    { cat run-pg2.log; fail "the second run recorded again"; }
[ "$(pg_psql 'select count(*) from messages')" = "$n" ] ||
    fail "PostgreSQL: messages recorded twice"

# Issue 18 item 2: the first bounce of a new address while another
# writer (here psql, standing for a second daemon) has inserted the
# address's row and not committed it. The daemon reads no row, decides
# as for a new address, and its insert waits for the other transaction
# (store_recipient_add()); after the other's commit it decides again
# from that row: two counted bounces, not the other's count overwritten.
sed -e '1i X-Bounced-Test: race' -e 's/ghost@example\.net/race.new@example.net/g' \
    "$src"/examples/maildir/new/1732800004.* >md-pg/tmp/race
mv md-pg/tmp/race md-pg/new/race
now=$(date +%s)
{
	echo "BEGIN; INSERT INTO recipients (address, domain, state, reason,"
	echo " status, bounce_count, soft_count, soft_since, first_bounce_at,"
	echo " last_bounce_at) VALUES ('race.new@example.net', 'example.net',"
	echo " 'soft', 'mailboxfull', '4.2.2', 1, 1, $now, $now, $now);"
	echo "SELECT pg_sleep(3); COMMIT;"
} | "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCK" -U bounced \
    -d bounced >holder.log 2>&1 &
holder=$!
holding() {
	[ "$(pg_psql "SELECT count(*) FROM pg_stat_activity WHERE state =
	    'active' AND query LIKE 'SELECT pg_sleep(3)%'")" = 1 ]
}
wait_for 10 holding || fail "the other writer's transaction did not start"
"$bounced" --once -c pg.yaml >run-race.log 2>&1 ||
    { cat run-race.log; fail "bounced --once (race)"; }
wait "$holder" || { cat holder.log; fail "the other writer failed"; }
got=$(pg_psql "SELECT bounce_count, state FROM recipients
    WHERE address = 'race.new@example.net'")
[ "$got" = "2|suppressed" ] ||
    { cat run-race.log; fail "race.new@example.net: $got, want 2|suppressed"; }
echo "ok: a new address's first bounce waits for another writer's row (2 counted)"

# retention two days later (store_upkeep.c's purges and expiries): the
# messages and bounces go, the suppressions of an expiring reason end,
# and what is left reads the same on both
for b in sq pg; do
	cat >>"$b.yaml" <<YAML
retention:
  messages: 1d
  events: 1d
  suppressions:
    userunknown: 1d
YAML
	BOUNCED_TEST_TIME_OFFSET=$((2 * 86400)) "$bounced" --once -c "$b.yaml" \
	    >"run-$b-retention.log" 2>&1 ||
	    { cat "run-$b-retention.log"; fail "retention run on $b"; }
done
grep -q "retention: messages: [0-9]* rows older than 86400s removed" \
    run-pg-retention.log || { cat run-pg-retention.log; fail "PostgreSQL: no purge"; }
for t in messages bounces; do
	[ "$(pg_psql "SELECT count(*) FROM $t")" = 0 ] ||
	    fail "PostgreSQL: $t left after retention"
done
same_on_both " after retention" "list" "stats" \
    "list --state suppressed" "export --postfix"
echo "ok: retention on both, the same state left"

# a password in the URI is refused before anything connects
printf 'database: postgresql://bounced:secret@localhost/bounced\nmaildir:\n  path: md-pg\n' >pw.yaml
if "$bounced" --once -c pw.yaml >pw.log 2>&1; then
	fail "a URI with a password was accepted"
fi
grep -q "holds a password" pw.log || { cat pw.log; fail "no reason given"; }
echo "PASS: bounced --once into PostgreSQL, bouncectl as on SQLite"
