#!/bin/sh
# Issue 19 items 1-3 on a real Dovecot laid out as users run it:
#   prefixed   namespace prefix "INBOX.", separator "." (as Courier and
#              Cyrus): processed_mailbox "Processed" is INBOX.Processed
#   maildirpp  Dovecot's default Maildir++ layout: no prefix, "." --
#              processed_mailbox "Bounces/Done" is Bounces.Done (Dovecot
#              refuses a "/" in a name there)
# Killed right after its first commit (before any MOVE), the next run
# acknowledges every recorded message without fetching its body again
# (Dovecot's own count: body_count= in its logout line); every bounce is
# recorded once and moved; a run with nothing new fetches nothing.
# usage: imap_layout.sh BOUNCED BOUNCECTL PYTHON SRCDIR WORKDIR LAYOUT
bounced=$1 bouncectl=$2 python=$3 src=$4 work=$5 layout=$6
. "$src/tests/integration/lib.sh"
. "$src/tests/integration/dovecot_lib.sh"
rm -rf "$work" && mkdir -p "$work" && cd "$work"
trap 'dovecot_cleanup' EXIT
case $layout in
prefixed)
	dovecot_setup "$python" 'namespace inbox {' '  inbox = yes' \
	    '  prefix = INBOX.' '  separator = .' '}'
	processed=Processed quarantine=Junk/Bad
	srv_processed=INBOX.Processed srv_quarantine=INBOX.Junk.Bad ;;
maildirpp)
	dovecot_setup "$python"
	processed=Bounces/Done quarantine=Bounces/Bad
	srv_processed=Bounces.Done srv_quarantine=Bounces.Bad ;;
*) fail "unknown layout $layout" ;;
esac
dovecot_start

imap_yaml b.yaml implicit localhost "$DV_IMAPS_PORT" "$DV_CA"
printf '  processed_mailbox: %s\n  quarantine_mailbox: %s\n  idle: false\n' \
    "$processed" "$quarantine" >>b.yaml
rows() {
	sql bounced.db 'SELECT count(*) FROM messages' 2>/dev/null || echo 0
}
# bodies Dovecot sent since line $1 of its log (its logout lines)
bodies() {
	tail -n +"$(($1 + 1))" "$DV/dovecot.log" |
	    sed -n 's/.*body_count=\([0-9]*\).*/\1/p' |
	    awk '{ n += $1 } END { print n + 0 }'
}
loglines() {
	wc -l <"$DV/dovecot.log"
}

deliver 20 61 layout
printf 'no header at all here\n\nbody\n' >junk1
imap_tool append INBOX junk1 || fail "APPEND failed"

# 1. killed after the commit, before any MOVE
if BOUNCED_TEST_KILL_AFTER_COMMIT=1 "$bounced" --once -c b.yaml 2>log.1; then
	cat log.1
	fail "the test hook did not kill bounced"
fi
[ "$(rows)" = 21 ] || { cat log.1; fail "killed after the commit: $(rows) rows, want 21"; }
[ "$(imap_tool count INBOX)" = 21 ] || fail "killed after the commit: INBOX has $(imap_tool count INBOX)"
[ "$(bodies 0)" = 21 ] || { dovecot_log; fail "first run: $(bodies 0) bodies fetched, want 21"; }

# 2. the next run only acknowledges: no body fetched again
l=$(loglines)
"$bounced" --once -c b.yaml 2>log.2 || { cat log.2; fail "second run failed"; }
grep -q "acknowledging by MOVE to $srv_processed because" log.2 ||
    { cat log.2; fail "no 'acknowledging by MOVE to $srv_processed'"; }
grep -q 'pass: 0 new, 21 already recorded, 21 acknowledged, 0 ack failures' log.2 ||
    { cat log.2; fail "second run: no pass summary of 21 recorded"; }
if grep -q 'already recorded as message' log.2; then
	fail "per-message 'already recorded' lines at the default level"
fi
[ "$(bodies "$l")" = 0 ] || { dovecot_log; fail "second run fetched $(bodies "$l") bodies again"; }
[ "$(rows)" = 21 ] || fail "second run: $(rows) rows"
[ "$(imap_tool count INBOX)" = 0 ] || fail "second run: INBOX has $(imap_tool count INBOX) left"
[ "$(imap_tool count "$srv_processed")" = 20 ] ||
    fail "$srv_processed has $(imap_tool count "$srv_processed"), want 20"
[ "$(imap_tool count "$srv_quarantine")" = 1 ] ||
    fail "$srv_quarantine has $(imap_tool count "$srv_quarantine"), want 1"
echo "$layout: killed after the commit; the next run moved 21 to $srv_processed/$srv_quarantine without fetching one body"

# 3. new mail: read once and moved; then a run with nothing new reads nothing
deliver 5 62 layout2
"$bounced" --once -c b.yaml 2>log.3 || { cat log.3; fail "third run failed"; }
[ "$(rows)" = 26 ] || fail "third run: $(rows) rows, want 26"
[ "$(sql bounced.db 'SELECT count(DISTINCT sha256) FROM messages')" = 26 ] ||
    fail "a message was recorded twice"
[ "$(imap_tool count "$srv_processed")" = 25 ] ||
    fail "$srv_processed has $(imap_tool count "$srv_processed"), want 25"
l=$(loglines)
"$bounced" --once -c b.yaml 2>log.4 || { cat log.4; fail "fourth run failed"; }
grep -q 'stopped: 0 messages' log.4 || { cat log.4; fail "the fourth run read something"; }
[ "$(bodies "$l")" = 0 ] || fail "fourth run fetched $(bodies "$l") bodies"
# "INBOX.Processed" written in server syntax works as well
if [ "$layout" = prefixed ]; then
	sed -i 's/processed_mailbox: .*/processed_mailbox: INBOX.Processed/' b.yaml
	deliver 3 63 layout3
	"$bounced" --once -c b.yaml 2>log.5 || { cat log.5; fail "fifth run failed"; }
	[ "$(imap_tool count INBOX.Processed)" = 28 ] ||
	    fail "server syntax: INBOX.Processed has $(imap_tool count INBOX.Processed), want 28"
	[ "$(imap_tool count INBOX.INBOX.Processed)" = 0 ] || fail "INBOX.INBOX.Processed was made"
fi
echo "$layout: new mail read once and moved; a run with nothing new fetched nothing"
