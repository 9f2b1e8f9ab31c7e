#!/bin/sh
# Issue 4's "done when", first half: bounced --once over IMAPS drains 300
# bounces (and 2 unparsable messages) into the database once each, moves
# every bounce to the processed mailbox and the unparsable ones to the
# quarantine mailbox, leaves the inbox empty; the database holds exactly
# what `bouncectl parse` says of the same bytes; a second run adds nothing.
# usage: imap_drain.sh BOUNCED BOUNCECTL PYTHON SRCDIR WORKDIR [COUNT]
bounced=$1 bouncectl=$2 python=$3 src=$4 work=$5 count=${6:-300}
. "$src/tests/integration/lib.sh"
. "$src/tests/integration/dovecot_lib.sh"
rm -rf "$work" && mkdir -p "$work" && cd "$work"
trap 'dovecot_cleanup' EXIT
dovecot_setup "$python"
dovecot_start

deliver "$count" 11 drain
mkdir junk
printf 'this is just text without any header\n\nbody 1\n' >junk/1
printf 'neither is this, at all\n\nbody 2\n' >junk/2
imap_tool append INBOX junk/1 junk/2 || fail "APPEND failed"
total=$((count + 2))
[ "$(imap_tool count INBOX)" = $total ] || fail "APPEND: INBOX has $(imap_tool count INBOX)"

imap_yaml b.yaml implicit localhost "$DV_IMAPS_PORT" "$DV_CA"
printf '  processed_mailbox: Processed\n  quarantine_mailbox: Quarantine\n' >>b.yaml
t0=$(now_ms)
"$bounced" --once -c b.yaml 2>log || { tail log; dovecot_log; fail "bounced --once failed"; }
t1=$(now_ms)
rows=$(sql bounced.db "SELECT count(*) FROM messages")
[ "$rows" = $total ] || fail "$rows messages rows, want $total"
[ "$(sql bounced.db 'SELECT count(DISTINCT sha256) FROM messages')" = $total ] ||
    fail "a message was recorded twice"
[ "$(sql bounced.db "SELECT count(*) FROM messages WHERE outcome = 'unparsable'")" = 2 ] ||
    fail "the 2 unparsable messages are not recorded as such"
[ "$(sql bounced.db "SELECT count(*) FROM messages WHERE abs(received_at - strftime('%s', 'now')) > 3600")" = 0 ] ||
    fail "received_at is not the INTERNALDATE (the APPEND, just now)"
[ "$(imap_tool count INBOX)" = 0 ] || fail "INBOX has $(imap_tool count INBOX) left"
[ "$(imap_tool count Processed)" = "$count" ] || fail "Processed has $(imap_tool count Processed), want $count"
[ "$(imap_tool count Quarantine)" = 2 ] || fail "Quarantine has $(imap_tool count Quarantine), want 2"
expected_results "$bouncectl" sent >expected
stored_results bounced.db >stored
cmp -s expected stored || { diff expected stored | head; fail "bounces rows differ from bouncectl parse"; }
echo "drained $count bounces + 2 unparsable over IMAPS in $((t1 - t0)) ms: $(wc -l <stored) bounces rows, inbox empty, $count in Processed, 2 in Quarantine"

"$bounced" --once -c b.yaml 2>log.2 || { cat log.2; fail "second run failed"; }
[ "$(sql bounced.db 'SELECT count(*) FROM messages')" = $total ] || fail "the second run added rows"
grep -q "stopped: 0 messages" log.2 || { cat log.2; fail "the second run processed something"; }
echo "second run: nothing added"
