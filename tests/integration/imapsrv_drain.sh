#!/bin/sh
# Issue 19 item 4 on a server besides Dovecot (tests/integration/
# imapsrv_lib.sh): bounced --once drains COUNT bounces APPENDed to INBOX
# (on Courier 2 unparsable messages too), records each once (the rows are what
# `bouncectl parse` says of the same bytes), moves the bounces to
# INBOX.Processed and the others to INBOX.Quarantine (server syntax: the
# personal namespace is "INBOX." on Courier and Cyrus), leaves INBOX
# empty. A second --once adds nothing and re-reads nothing: its log says
# 0 messages and the server's own log says it sent no message bytes.
# NAMES "canonical": the configuration names them as bounced.yaml(5)
# says, relative to the personal namespace with "/" (Processed,
# Quarantine), and bounced translates them (issue 19 item 1).
# usage: imapsrv_drain.sh BOUNCED BOUNCECTL PYTHON SRCDIR WORKDIR SERVER [COUNT [NAMES]]
bounced=$1 bouncectl=$2 python=$3 src=$4 work=$5 server=$6 count=${7:-100}
names=${8:-server}
. "$src/tests/integration/lib.sh"
. "$src/tests/integration/imapsrv_lib.sh"
srv_begin "$work" "$server"
echo "$server: packages: $SRV_DEBS"

srv_deliver "$count" 11 drain
# 2 messages without a header, for the quarantine; Cyrus refuses them
# at APPEND ("Message contains invalid header"), so it gets none
junk=0
if [ "$server" != cyrus ]; then
	mkdir junk
	printf 'this is just text without any header\n\nbody 1\n' >junk/1
	printf 'neither is this, at all\n\nbody 2\n' >junk/2
	srv_tool append INBOX junk/1 junk/2 || fail "APPEND failed"
	junk=2
fi
total=$((count + junk))
[ "$(srv_tool count INBOX)" = $total ] || fail "APPEND: INBOX has $(srv_tool count INBOX)"

srv_yaml b.yaml
if [ "$names" = canonical ]; then
	printf '  processed_mailbox: Processed\n  quarantine_mailbox: Quarantine\n' >>b.yaml
else
	printf '  processed_mailbox: INBOX.Processed\n  quarantine_mailbox: INBOX.Quarantine\n' >>b.yaml
fi
mark=$(srv_log_mark)
t0=$(now_ms)
"$bounced" --once -c b.yaml 2>log || { tail log; srv_log; fail "bounced --once failed"; }
t1=$(now_ms)
rows=$(sql bounced.db "SELECT count(*) FROM messages")
[ "$rows" = $total ] || { tail log; fail "$rows messages rows, want $total"; }
[ "$(sql bounced.db 'SELECT count(DISTINCT sha256) FROM messages')" = $total ] ||
    fail "a message was recorded twice"
[ "$(sql bounced.db "SELECT count(*) FROM messages WHERE outcome = 'unparsable'")" = $junk ] ||
    fail "the $junk unparsable messages are not recorded as such"
[ "$(srv_tool count INBOX)" = 0 ] || { tail log; fail "INBOX has $(srv_tool count INBOX) left"; }
[ "$(srv_tool count INBOX.Processed)" = "$count" ] ||
    fail "INBOX.Processed has $(srv_tool count INBOX.Processed), want $count"
[ "$(srv_tool count INBOX.Quarantine)" = $junk ] ||
    fail "INBOX.Quarantine has $(srv_tool count INBOX.Quarantine), want $junk"
sent1=$(srv_message_bytes "$mark")
[ "$sent1" -gt 0 ] || { srv_log; fail "$server's log does not show the first run's FETCHes"; }
expected_results "$bouncectl" sent >expected
stored_results bounced.db >stored
cmp -s expected stored || { diff expected stored | head; fail "bounces rows differ from bouncectl parse"; }
echo "$server: drained $count bounces + $junk unparsable in $((t1 - t0)) ms: $(wc -l <stored) bounces rows, INBOX empty, $count in INBOX.Processed, $junk in INBOX.Quarantine; bounced saw: $(srv_caps log)"

# the second run, alone on the server: what the server sent it
mark=$(srv_log_mark)
"$bounced" --once -c b.yaml 2>log.2 || { cat log.2; fail "second run failed"; }
[ "$(sql bounced.db 'SELECT count(*) FROM messages')" = $total ] || fail "the second run added rows"
grep -q "stopped: 0 messages" log.2 || { cat log.2; fail "the second run processed something"; }
! grep -Eq 'pass: [1-9][0-9]* new|[1-9][0-9]* already recorded' log.2 || { cat log.2; fail "the second run re-read recorded messages"; }
sent=$(srv_message_bytes "$mark")
[ "$sent" = 0 ] || { srv_log; fail "the second run was sent $sent bytes of messages by $server"; }
echo "$server: second run: nothing added, nothing re-read ($server's log: $sent message bytes sent, $sent1 in the first run)"
