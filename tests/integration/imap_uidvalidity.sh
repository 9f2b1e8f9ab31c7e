#!/bin/sh
# The mailbox is deleted and created again under the running daemon (a
# restore, a migration): its UIDVALIDITY changes (RFC 3501 2.3.1.1) and
# every UID bounced knew may now name another message. bounced says so,
# selects the new mailbox, and goes on: new bounces are recorded, a copy
# of a bounce it recorded before is recognised by its SHA-256 and only
# moved -- nothing twice, nothing lost.
# usage: imap_uidvalidity.sh BOUNCED BOUNCECTL PYTHON SRCDIR WORKDIR
bounced=$1 bouncectl=$2 python=$3 src=$4 work=$5
. "$src/tests/integration/lib.sh"
. "$src/tests/integration/dovecot_lib.sh"
rm -rf "$work" && mkdir -p "$work" && cd "$work"
pid=
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; dovecot_cleanup' EXIT
dovecot_setup "$python"
dovecot_start

# gen COUNT SEED PREFIX DIR: generated bounces in DIR/new
gen() {
	rm -rf "$4" && mk_maildir "$4"
	# shellcheck disable=SC2046
	"$python" "$src/tests/integration/gen_bounces.py" --bouncectl "$bouncectl" \
	    --count "$1" --out "$4" --seed "$2" --prefix "$3" $(templates "$src") ||
	    fail "gen_bounces.py failed"
}
rows() {
	sql bounced.db 'SELECT count(*) FROM messages' 2>/dev/null || echo 0
}
rows_are() {
	[ "$(rows)" = "$1" ]
}

imap_tool recreate Bounces || fail "CREATE Bounces"
imap_yaml b.yaml none 127.0.0.1 "$DV_IMAP_PORT"
# IDLE on the old mailbox may never hear of the new one: the search every
# poll_interval (10 s here) finds it
printf '  mailbox: Bounces\n  processed_mailbox: Processed\n  idle: true\n  poll_interval: 10s\n' >>b.yaml
"$bounced" -c b.yaml 2>log &
pid=$!
wait_for 10 grep -q 'logged in as' log || { cat log; fail "bounced did not log in"; }
gen 2 61 before g1
imap_tool append Bounces g1/new/* || fail "APPEND"
wait_for 10 rows_are 2 || { cat log; fail "the first two were not recorded"; }

imap_tool recreate Bounces || fail "DELETE + CREATE Bounces"
gen 2 62 after g2
imap_tool append Bounces g2/new/* "$(ls g1/new/* | head -1)" || fail "APPEND"
wait_for 30 rows_are 4 || { cat log; fail "after the new UIDVALIDITY: $(rows) rows, want 4"; }
imap_tool wait-count Bounces 0 10 >/dev/null || { cat log; fail "Bounces not emptied"; }
grep -q 'UIDVALIDITY changed' log || { cat log; fail "the UIDVALIDITY change is not in the log"; }
grep -q 'already recorded' log || { cat log; fail "the copy was not recognised as recorded"; }
[ "$(sql bounced.db 'SELECT count(DISTINCT sha256) FROM messages')" = 4 ] || fail "a message recorded twice"
kill -TERM "$pid"
wait "$pid" || fail "bounced exited $? on SIGTERM"
pid=
echo "UIDVALIDITY changed under the running daemon: said, followed; 2 new bounces recorded, a copy of an old one only moved"
