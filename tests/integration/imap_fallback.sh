#!/bin/sh
# How messages are put away when the server lacks MOVE (RFC 6851): with
# UIDPLUS (RFC 4315) UID COPY + STORE \Deleted + UID EXPUNGE of exactly our
# UIDs; with neither, and without a processed_mailbox, flags in place
# (\Seen $Bounced) -- never a plain EXPUNGE, never another client's mail:
# a message someone else marked \Deleted stays where it is, and one
# someone already read (\Seen) is still a bounce to record.
# usage: imap_fallback.sh BOUNCED BOUNCECTL PYTHON SRCDIR WORKDIR
bounced=$1 bouncectl=$2 python=$3 src=$4 work=$5
. "$src/tests/integration/lib.sh"
. "$src/tests/integration/dovecot_lib.sh"
rm -rf "$work" && mkdir -p "$work" && cd "$work"
trap 'dovecot_cleanup' EXIT
dovecot_setup "$python"
cp "$DV/dovecot.conf" "$DV/base.conf"

# phase CAPABILITIES: restart Dovecot advertising only those after login
phase() {
	dovecot_stop
	{ cat "$DV/base.conf"; printf 'imap_capability = %s\n' "$1"; } >"$DV/dovecot.conf"
	dovecot_start
}
rows() {
	sql bounced.db 'SELECT count(*) FROM messages'
}

# someone else's: read already, and deleted (not expunged) by its client
mkdir other
printf 'From: a@example.org\nSubject: someone else deleted me\n\nbody\n' >other/deleted
imap_tool_flags() {
	"$DV_PYTHON" "$DV_TOOL" --port "$DV_IMAP_PORT" --user "$DV_USER" \
	    --password-file "$DV_PWFILE" --flags "$1" append INBOX "$2"
}

# 1. UIDPLUS, no MOVE
phase "IMAP4rev1 LITERAL+ SASL-IR ID ENABLE IDLE UIDPLUS"
imap_tool_flags '(\Deleted)' other/deleted || fail "APPEND failed"
deliver 10 21 uidplus
# an 11th message, read by "someone" already: the same bytes as one of the
# ten, so it is recognised by its SHA-256 and only moved
for f in gen/new/*; do
	imap_tool_flags '(\Seen)' "$f" || fail "APPEND failed"
	break
done
imap_yaml b.yaml implicit localhost "$DV_IMAPS_PORT" "$DV_CA"
printf '  processed_mailbox: Processed\n  idle: false\n' >>b.yaml
"$bounced" --once -c b.yaml 2>log.1 || { cat log.1; fail "uidplus: bounced failed"; }
if ! grep -q 'UIDPLUS IDLE' log.1 || grep 'logged in' log.1 | grep -q 'MOVE'; then
	cat log.1
	fail "uidplus: Dovecot advertised other capabilities"
fi
[ "$(rows)" = 10 ] || fail "uidplus: $(rows) rows, want 10"
grep -q 'already recorded' log.1 || { cat log.1; fail "uidplus: the \\Seen copy was not read"; }
[ "$(imap_tool count Processed)" = 11 ] || fail "uidplus: Processed has $(imap_tool count Processed), want 11"
[ "$(imap_tool count INBOX)" = 1 ] || fail "uidplus: INBOX has $(imap_tool count INBOX), want only the other client's"
[ "$(imap_tool count INBOX DELETED)" = 1 ] || fail "uidplus: the other client's deleted message is gone"
echo "no MOVE, UIDPLUS: 11 messages (one already \\Seen) copied to Processed and UID EXPUNGEd; the other client's \\Deleted one is still there"

# 2. neither MOVE nor UIDPLUS, processed_mailbox set: flags in place
phase "IMAP4rev1 LITERAL+ SASL-IR ID ENABLE IDLE"
deliver 10 22 noplus
"$bounced" --once -c b.yaml 2>log.2 || { cat log.2; fail "noplus: bounced failed"; }
[ "$(rows)" = 20 ] || fail "noplus: $(rows) rows, want 20"
grep -q 'neither MOVE nor UIDPLUS' log.2 || { cat log.2; fail "noplus: no warning"; }
[ "$(grep -c 'neither MOVE nor UIDPLUS' log.2)" = 1 ] || fail "noplus: warned more than once"
[ "$(imap_tool count Processed)" = 11 ] || fail "noplus: something was moved"
[ "$(imap_tool count INBOX KEYWORD '$Bounced' SEEN)" = 10 ] ||
    fail "noplus: $(imap_tool count INBOX KEYWORD '$Bounced' SEEN) flagged, want 10"
[ "$(imap_tool count INBOX DELETED)" = 1 ] || fail "noplus: the other client's message is gone"
"$bounced" --once -c b.yaml 2>log.2b || { cat log.2b; fail "noplus: second run failed"; }
grep -q 'stopped: 0 messages' log.2b || { cat log.2b; fail "noplus: flagged messages were read again"; }
echo "no MOVE, no UIDPLUS: 10 flagged \\Seen \$Bounced in place, said once; a second run reads none of them"

# 3. all capabilities, no processed_mailbox: flags in place
phase "IMAP4rev1 LITERAL+ SASL-IR ID ENABLE IDLE UIDPLUS MOVE"
deliver 10 23 flags
imap_yaml c.yaml implicit localhost "$DV_IMAPS_PORT" "$DV_CA"
"$bounced" --once -c c.yaml 2>log.3 || { cat log.3; fail "flags: bounced failed"; }
[ "$(rows)" = 30 ] || fail "flags: $(rows) rows, want 30"
[ "$(imap_tool count INBOX KEYWORD '$Bounced' SEEN)" = 20 ] ||
    fail "flags: $(imap_tool count INBOX KEYWORD '$Bounced' SEEN) flagged, want 20"
[ "$(imap_tool count INBOX UNKEYWORD '$Bounced')" = 1 ] || fail "flags: unflagged messages left"
[ "$(imap_tool count Processed)" = 11 ] || fail "flags: something was moved"
echo "no processed_mailbox: 10 more flagged \\Seen \$Bounced in place"
