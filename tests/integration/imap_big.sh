#!/bin/sh
# A message over the 64 MiB cap in the IMAP mailbox: never fetched (its
# RFC822.SIZE says so), recorded as unparsable with the reason, moved to
# the quarantine mailbox -- kept, not lost, not looped on; the bounces
# around it are recorded as usual, and a second run adds nothing.
# usage: imap_big.sh BOUNCED BOUNCECTL PYTHON SRCDIR WORKDIR
bounced=$1 bouncectl=$2 python=$3 src=$4 work=$5
. "$src/tests/integration/lib.sh"
. "$src/tests/integration/dovecot_lib.sh"
rm -rf "$work" && mkdir -p "$work" && cd "$work"
trap 'dovecot_cleanup' EXIT
dovecot_setup "$python"
dovecot_start

deliver 3 51 big
# 65 MiB: a header and a body of 64-byte lines
"$python" -c 'import sys
out = sys.stdout.buffer
out.write(b"From: someone@example.org\r\nSubject: huge\r\nMessage-ID: <huge@example.org>\r\n\r\n")
line = b"x" * 62 + b"\r\n"
for _ in range(65 * 1024 * 1024 // 64):
    out.write(line)' >huge.eml
imap_tool append INBOX huge.eml || fail "APPEND of the big message failed"

imap_yaml b.yaml none 127.0.0.1 "$DV_IMAP_PORT"
printf '  processed_mailbox: Processed\n  quarantine_mailbox: Quarantine\n' >>b.yaml
"$bounced" --once -c b.yaml 2>log || { cat log; fail "bounced --once failed"; }
[ "$(sql bounced.db "SELECT count(*) FROM messages WHERE outcome = 'unparsable' AND error LIKE '%larger than 64 MiB%'")" = 1 ] ||
    { sql bounced.db 'SELECT outcome, error FROM messages'; fail "the big message is not recorded as unparsable with its reason"; }
[ "$(sql bounced.db "SELECT count(*) FROM messages WHERE outcome = 'bounce'")" = 3 ] || fail "the bounces around it were not recorded"
[ "$(imap_tool count Quarantine)" = 1 ] || fail "Quarantine has $(imap_tool count Quarantine), want the big one"
[ "$(imap_tool count INBOX)" = 0 ] || fail "INBOX has $(imap_tool count INBOX) left"
"$bounced" --once -c b.yaml 2>log.2 || { cat log.2; fail "second run failed"; }
grep -q "stopped: 0 messages" log.2 || { cat log.2; fail "the second run processed something"; }
echo "a 65 MiB message: not fetched, recorded unparsable ('larger than 64 MiB'), kept in Quarantine; 3 bounces beside it recorded"
