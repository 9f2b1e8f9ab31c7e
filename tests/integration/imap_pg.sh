#!/bin/sh
# The IMAP source into PostgreSQL (issue 18): a real Dovecot
# (dovecot_lib.sh) and a real PostgreSQL 15 (pg_lib.sh), both started
# here and stopped by PID. 100 bounces; bounced killed right after its
# commit and before any MOVE (BOUNCED_TEST_KILL_AFTER_COMMIT): all 100 in
# the database, all still in INBOX; the next run finds each recorded by
# its UID (store_imap.c: the highest recorded UID and the recorded
# references, on PostgreSQL) and only moves it. Then 50 more: only those
# are fetched. At the end the bounces rows are what `bouncectl parse`
# gives for the same bytes. Skips (77) when Dovecot or PostgreSQL cannot
# be had here.
# usage: imap_pg.sh BOUNCED BOUNCECTL PYTHON SRCDIR WORKDIR
bounced=$1 bouncectl=$2 python=$3 src=$4
. "$src/tests/integration/lib.sh"
. "$src/tests/integration/dovecot_lib.sh"
. "$src/tests/integration/pg_lib.sh"
pg_begin "$5" imap
cd "$work"
trap 'dovecot_cleanup; pg_end' EXIT
dovecot_setup "$python"
dovecot_start
STATE_DIRECTORY=$work/state
export STATE_DIRECTORY
mkdir -p state sent

imap_yaml b.tmp implicit localhost "$DV_IMAPS_PORT" "$DV_CA"
{ printf "database: '%s'\n" "$PG_URI"; grep -v '^database:' b.tmp; } >b.yaml
printf '  processed_mailbox: Processed\n' >>b.yaml
rows() { pg_psql 'SELECT count(*) FROM messages'; }

deliver 100 61 pg
if BOUNCED_TEST_KILL_AFTER_COMMIT=1 "$bounced" --once -c b.yaml 2>>log; then
	fail "the test hook did not kill bounced"
fi
[ "$(rows)" = 100 ] || { tail log; fail "killed after the commit: $(rows) rows, want 100"; }
[ "$(imap_tool count INBOX)" = 100 ] ||
    fail "killed after the commit: $(imap_tool count INBOX) in INBOX, want 100"
"$bounced" --once -c b.yaml 2>log.2 || { cat log.2; fail "run after the hook"; }
grep -q 'pass: 0 new, 100 already recorded, 100 acknowledged' log.2 ||
    { cat log.2; fail "the 100 committed messages were not recognised"; }
[ "$(rows)" = 100 ] || fail "after the hook: $(rows) rows, want 100"
[ "$(imap_tool count INBOX)" = 0 ] || fail "after the hook: INBOX not empty"
echo "killed after a commit: the next run found the 100 recorded by UID and only moved them"

# keep the first 100's copies: deliver() makes gen/ afresh, sent/ grows
deliver 50 62 pg2
"$bounced" --once -c b.yaml 2>log.3 || { cat log.3; fail "third run"; }
grep -q 'pass: 50 new' log.3 || { cat log.3; fail "not 50 new"; }
[ "$(rows)" = 150 ] || fail "$(rows) rows, want 150"
[ "$(imap_tool count Processed)" = 150 ] ||
    fail "$(imap_tool count Processed) in Processed, want 150"
expected_results "$bouncectl" sent >expected
pg_psql "SELECT recipient || '	' || coalesce(status, '') || '	' || coalesce(reason, '')
    FROM bounces" | sort >stored
cmp -s expected stored || { diff expected stored | head; fail "bounces rows differ from bouncectl parse"; }
echo "PASS: IMAP into PostgreSQL: 150 messages once each, $(wc -l <stored) bounces rows = bouncectl parse"
