#!/bin/sh
# Issue 19 items 2-3 against the scripted server (imap_peer.py), for what
# no Dovecot here is configured to do:
#   nokw   PERMANENTFLAGS (\Seen \Deleted), no "\*", keyword STOREs
#          refused (Courier with IMAP_KEYWORDS=0): acknowledged by \Seen
#          and a UID high-water mark; the next run asks only for UIDs above
#          it and fetches nothing
#   kwno   PERMANENTFLAGS promises keywords, the STORE says NO: a warning
#          naming PERMANENTFLAGS, and the mark from then on (status 0)
#   movefail  the MOVE refused: a warning with the server's words, and
#          --once exits 1
#   nocreate  the CREATE refused: a warning with the server's words;
#          acknowledged in place
#   cut    the connection lost in the middle of a FETCH: --once exits 1
#   status the daemon: 3 passes in a row with the MOVE refused put
#          FAILING in sd_notify's STATUS=; nothing is fetched twice
# usage: imap_acks.sh BOUNCED BOUNCECTL PYTHON SRCDIR WORKDIR
bounced=$1 python=$3 src=$4 work=$5
. "$src/tests/integration/lib.sh"
rm -rf "$work" && mkdir -p "$work" && cd "$work"
ppid_=
trap '[ -n "$ppid_" ] && kill "$ppid_" 2>/dev/null' EXIT
printf 'secret\n' >pw && chmod 600 pw

# peer NAME: starts imap_peer.py on NAME.script; PORT is its port
peer() {
	if [ -n "$ppid_" ]; then
		kill "$ppid_" 2>/dev/null || true
		wait "$ppid_" 2>/dev/null || true
	fi
	rm -f "$1.port"
	"$python" "$src/tests/integration/imap_peer.py" "$1.script" "$1.port" \
	    "$1.peer.log" &
	ppid_=$!
	wait_for 10 test -s "$1.port" || fail "$1: imap_peer.py did not listen"
	PORT=$(cat "$1.port")
	printf 'database: %s.db\nimap:\n  host: 127.0.0.1\n  port: %s\n  tls: none\n  user: bounces\n  password_file: %s/pw\n  timeout: 10\n  idle: false\n' \
	    "$1" "$PORT" "$work" >"$1.yaml"
}

run() {
	rc=0
	timeout -k 5 60 "$bounced" --once -c "$1.yaml" 2>"$2" || rc=$?
	[ $rc -ne 124 ] && [ $rc -ne 137 ] && [ $rc -lt 128 ] ||
	    { cat "$2"; fail "$1: bounced hung or died (status $rc)"; }
	RC=$rc
}

# script CAPS PERMANENTFLAGS: the blocks up to SELECT's reply
head_script() {
	cat <<EOF2
* OK ready
---
{tag} OK logged in
---
* CAPABILITY IMAP4rev1 $1
{tag} OK done
---
* 2 EXISTS
* OK [PERMANENTFLAGS ($2)] x
* OK [UIDVALIDITY 7] x
{tag} OK [READ-WRITE] selected
EOF2
}
# two small unparsable messages, UIDs 5 and 6 (17 and 18 bytes)
fetch_script() {
	cat <<'EOF2'
---
* SEARCH 5 6
{tag} OK done
---
* 1 FETCH (UID 5 RFC822.SIZE 17 INTERNALDATE "07-Dec-2026 04:00:00 +0000")
* 2 FETCH (UID 6 RFC822.SIZE 18 INTERNALDATE "07-Dec-2026 04:00:01 +0000")
{tag} OK done
---
* 1 FETCH (UID 5 BODY[] {17}
Subject: a

x
)
* 2 FETCH (UID 6 BODY[] {18}
Subject: bb

x
)
{tag} OK done
EOF2
}

# 1. no keywords kept: \Seen and the mark; the next run fetches nothing
{ head_script UIDPLUS '\Seen \Deleted'; fetch_script
  printf -- '---\n{tag} OK stored\n'; } >nokw.script
peer nokw
run nokw nokw.log
[ "$RC" = 0 ] || { cat nokw.log; fail "nokw: status $RC"; }
grep -q 'acknowledging by \\Seen + a UID high-water mark because PERMANENTFLAGS has no' nokw.log ||
    { cat nokw.log; fail "nokw: the choice is not said"; }
[ "$(sql nokw.db 'SELECT count(*) FROM messages')" = 2 ] || fail "nokw: not 2 rows"
grep -q 'UID STORE 5:6 +FLAGS.SILENT (\\Seen)' nokw.peer.log ||
    { cat nokw.peer.log; fail "nokw: no \\Seen STORE"; }
if grep -q 'Bounced' nokw.peer.log; then
	fail "nokw: a keyword STORE was sent"
fi
: >nokw.peer.log
run nokw nokw.log2
[ "$RC" = 0 ] || { cat nokw.log2; fail "nokw: second run status $RC"; }
grep -q 'UID SEARCH UNDELETED UID 7:\*' nokw.peer.log ||
    { cat nokw.peer.log; fail "nokw: the second SEARCH is not above the mark"; }
if grep -q 'FETCH' nokw.peer.log; then
	cat nokw.peer.log
	fail "nokw: the second run fetched again"
fi
grep -q 'stopped: 0 messages' nokw.log2 || { cat nokw.log2; fail "nokw: second run read something"; }
echo "no keywords kept: acknowledged by \\Seen + the mark; the next run searched UID 7:* and fetched nothing"

# 2. keywords promised, the STORE refused: said, and the mark instead
{ head_script UIDPLUS '\Seen \Deleted \*'; fetch_script
  printf -- '---\n{tag} OK stored\n'; } >kwno.script
peer kwno
run kwno kwno.log
[ "$RC" = 0 ] || { cat kwno.log; fail "kwno: status $RC"; }
grep -q 'keywords are not kept here; PERMANENTFLAGS promised keywords' kwno.log ||
    { cat kwno.log; fail "kwno: no warning naming PERMANENTFLAGS and the reply"; }
grep -q 'pass: 2 new, 0 already recorded, 2 acknowledged, 0 ack failures' kwno.log ||
    { cat kwno.log; fail "kwno: not acknowledged"; }
echo "keywords promised but refused: warned (naming PERMANENTFLAGS and the reply), acknowledged by the mark, status 0"

# 3. the MOVE refused: a warning with the server's words, --once exits 1
{ head_script 'MOVE UIDPLUS' '\Seen \Deleted \*'
  printf -- '---\n{tag} OK created\n'; fetch_script
  printf -- '---\n{tag} NO [TRYCREATE] Mailbox vanished: Done\n'; } >movefail.script
peer movefail
printf '  processed_mailbox: Done\n  quarantine_mailbox: Done\n' >>movefail.yaml
run movefail movefail.log
[ "$RC" = 1 ] || { cat movefail.log; fail "movefail: status $RC, want 1"; }
grep -q 'not acknowledged: UID MOVE to Done: the server said no: .*Mailbox vanished: Done' movefail.log ||
    { cat movefail.log; fail "movefail: the warning does not give the server's reply"; }
grep -q '2 ack failures' movefail.log || { cat movefail.log; fail "movefail: no summary"; }
echo "MOVE refused: warned with the server's reply, --once exited 1"

# 3b. the CREATE refused (and LIST does not show it): a warning with the
# server's words, not a MOVE blamed later; acknowledged in place instead
{ head_script 'MOVE UIDPLUS' '\Seen \Deleted \*'
  printf -- '---\n{tag} NO [CANNOT] Invalid mailbox name\n---\n{tag} OK done\n'
  fetch_script; printf -- '---\n{tag} OK stored\n'; } >nocreate.script
peer nocreate
printf '  processed_mailbox: Done\n' >>nocreate.yaml
run nocreate nocreate.log
[ "$RC" = 0 ] || { cat nocreate.log; fail "nocreate: status $RC"; }
grep -q 'CREATE Done ("Done" in the configuration) refused: Invalid mailbox name' nocreate.log ||
    { cat nocreate.log; fail "nocreate: the refused CREATE is not a warning with the reply"; }
grep -q 'acknowledging by .Seen + .Bounced because the target mailbox cannot be used' nocreate.log ||
    { cat nocreate.log; fail "nocreate: the choice is not said"; }
grep -q 'LIST "" "Done"' nocreate.peer.log || { cat nocreate.peer.log; fail "nocreate: no LIST"; }
echo "CREATE refused: warned with the server's reply, acknowledged in place"

# 4. the connection lost in the middle of a FETCH: --once exits 1
{ head_script UIDPLUS '\Seen \Deleted \*'
  printf -- '---\n* SEARCH 5\n{tag} OK done\n---\n* 1 FETCH (UID 5 RFC822.SIZE 20)\n{tag} OK done\n---\n* 1 FETCH (UID 5 BODY[] {20}\nSubject: cut\nCLOSE\n'; } >cut.script
peer cut
run cut cut.log
[ "$RC" = 1 ] || { cat cut.log; fail "cut: status $RC, want 1"; }
[ "$(sql cut.db 'SELECT count(*) FROM messages')" = 0 ] || fail "cut: recorded"
echo "connection lost in a FETCH: --once exited 1"

# 5. the daemon: a MOVE refused on 3 passes in a row is in STATUS=
# (sd_notify, against notify_listener.py), and each later pass only
# acknowledges again, fetching nothing
{ head_script 'MOVE UIDPLUS' '\Seen \Deleted \*'
  printf -- '---\n{tag} OK created\n'; fetch_script
  printf -- '---\n{tag} NO [TRYCREATE] Mailbox vanished: Done\n'
  for i in 2 3 4; do
	printf -- '---\n* SEARCH 5 6\n{tag} OK done\n---\n{tag} NO [TRYCREATE] Mailbox vanished: Done\n'
  done; } >status.script
peer status
printf '  processed_mailbox: Done\n  quarantine_mailbox: Done\n  poll_interval: 10s\n' >>status.yaml
"$python" "$src/tests/integration/notify_listener.py" "$work/notify.sock" notify.log &
lpid=$!
trap '[ -n "$ppid_" ] && kill "$ppid_" 2>/dev/null; kill "$lpid" 2>/dev/null; [ -n "${dpid:-}" ] && kill "$dpid" 2>/dev/null' EXIT
wait_for 10 test -e notify.log || fail "status: the listener did not start"
NOTIFY_SOCKET=$work/notify.sock "$bounced" -c status.yaml 2>status.log &
dpid=$!
if ! wait_for 60 grep -q 'STATUS=.*FAILING for 3 passes: UID MOVE to Done: the server said no: .*Mailbox vanished' notify.log; then
	cat status.log notify.log
	fail "status: no FAILING in STATUS= after 3 failing passes"
fi
kill "$dpid" && wait "$dpid" 2>/dev/null || true
dpid=
grep -q '3 passes in a row left messages unacknowledged' status.log ||
    { cat status.log; fail "status: no warning after 3 passes"; }
[ "$(grep -c 'BODY.PEEK' status.peer.log)" = 1 ] ||
    { cat status.peer.log; fail "status: the bodies were fetched again"; }
grep -q 'pass: 0 new, 2 already recorded, 0 acknowledged, 2 ack failures' status.log ||
    { cat status.log; fail "status: no summary of a re-acknowledging pass"; }
echo "daemon: 3 passes with the MOVE refused: STATUS= says FAILING, the bodies fetched once"
