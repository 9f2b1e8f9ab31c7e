#!/bin/sh
# A server that cannot keep keywords (issue 19, "done when": never a
# silent re-download): Courier with IMAP_KEYWORDS=0 (imapd(8)) takes
# \Seen but not $Bounced, so PERMANENTFLAGS has no \* (RFC 3501 7.1)
# and `STORE +FLAGS (\Seen $Bounced)` is refused. bounced acknowledges
# with flags here (no processed_mailbox). It passes in one of two ways:
# - a working acknowledgement: every bounce recorded once, and a second
#   --once adds nothing and re-reads nothing (its log, and the server's
#   own log of message bytes sent);
# - or a non-zero --once exit with a warning that names PERMANENTFLAGS.
# Anything else -- exit 0 and the same messages downloaded again -- fails.
# usage: imapsrv_nokw.sh BOUNCED BOUNCECTL PYTHON SRCDIR WORKDIR SERVER [COUNT]
bounced=$1 bouncectl=$2 python=$3 src=$4 work=$5 server=$6 count=${7:-20}
. "$src/tests/integration/lib.sh"
. "$src/tests/integration/imapsrv_lib.sh"
# shellcheck disable=SC2046
srv_begin "$work" "$server" $(srv_nokw_conf "$server")

srv_deliver "$count" 71 nokw
srv_yaml b.yaml
rc=0
"$bounced" --once -c b.yaml 2>log || rc=$?
rows=$(sql bounced.db 'SELECT count(*) FROM messages' 2>/dev/null || echo 0)
[ "$rows" = "$count" ] || { cat log; fail "$rows messages rows, want $count"; }
[ "$(sql bounced.db 'SELECT count(DISTINCT sha256) FROM messages')" = "$count" ] ||
    fail "a message was recorded twice"
if [ "$rc" != 0 ]; then
	grep -i 'warn' log | grep -q 'PERMANENTFLAGS' ||
	    { cat log; fail "--once exited $rc without a warning naming PERMANENTFLAGS"; }
	echo "$server without keywords: --once exited $rc, saying: $(grep -i 'warn' log | grep 'PERMANENTFLAGS' | head -1)"
	exit 0
fi

mark=$(srv_log_mark)
rc2=0
"$bounced" --once -c b.yaml 2>log.2 || rc2=$?
[ "$(sql bounced.db 'SELECT count(*) FROM messages')" = "$count" ] || fail "the second run added rows"
again=$(grep -c 'already recorded as message' log.2 || true)
sent=$(srv_message_bytes "$mark")
if [ "$again" != 0 ] || [ "$sent" != 0 ]; then
	tail -5 log.2
	fail "silent re-download: --once exited 0, then the second run read $again recorded messages again ($sent message bytes sent) and exited $rc2"
fi
[ "$rc2" = 0 ] || { cat log.2; fail "the second run exited $rc2"; }
echo "$server without keywords: acknowledged; a second run re-read nothing (0 message bytes sent); $(grep -i 'acknowledg' log | head -1)"
