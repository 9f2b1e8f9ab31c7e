#!/bin/sh
# Replies that tripped Debian's libetpan 1.9.4 (issue 14), from a scripted
# server on a real loopback socket (imap_peer.py): a connection cut inside
# a literal (an endless loop before daemon/sources/imap_guard.c), a broken
# PERMANENTFLAGS code in the greeting and in SELECT's reply (SIGSEGV
# before imap_filter.c), and a literal of 3 GiB (libetpan reads whatever
# is announced into memory). bounced --once must end, say why, record nothing
# it did not read whole, and go on with what it can.
# usage: imap_cut.sh BOUNCED BOUNCECTL PYTHON SRCDIR WORKDIR
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
	printf 'database: %s.db\nimap:\n  host: 127.0.0.1\n  port: %s\n  tls: none\n  user: bounces\n  password_file: %s/pw\n  timeout: 10\n' \
	    "$1" "$PORT" "$work" >"$1.yaml"
}

# run NAME: bounced --once against it, bounded (a bounced spinning inside
# libetpan ignores SIGTERM: -k); its status in RC
run() {
	rc=0
	timeout -k 5 60 "$bounced" --once -c "$1.yaml" 2>"$1.log" || rc=$?
	# 124: ended by SIGTERM at 60 s; 137: by SIGKILL 5 s later
	[ $rc -ne 124 ] && [ $rc -ne 137 ] ||
	    { cat "$1.log"; fail "$1: bounced --once still running after 60 s"; }
	[ $rc -lt 128 ] || { cat "$1.log"; fail "$1: bounced died of signal $((rc - 128))"; }
	RC=$rc
}

# the steps of one pass up to the bodies (as tests/fuzz/imap_inputs/)
login='{tag} OK logged in
---
* CAPABILITY IMAP4rev1
{tag} OK done'
select_one='* 1 EXISTS
* OK [UIDVALIDITY 7] x
{tag} OK selected
---
* SEARCH 5
{tag} OK done
---
* 1 FETCH (UID 5 RFC822.SIZE 20)
{tag} OK done'

# 1. cut inside a literal: 14 of the 20 bytes announced, then closed
printf '* OK ready\n---\n%s\n---\n%s\n---\n* 1 FETCH (UID 5 BODY[] {20}\nSubject: cut\nCLOSE\n' \
    "$login" "$select_one" >cut.script
peer cut
run cut
grep -q 'connection lost' cut.log || { cat cut.log; fail "cut: the lost connection is not in the log"; }
[ "$(sql cut.db 'SELECT count(*) FROM messages')" = 0 ] ||
    fail "cut: a message read in part was recorded"
grep -q 'UID FETCH.*BODY' cut.peer.log || { cat cut.peer.log; fail "cut: the body was never asked for"; }
[ "$RC" = 1 ] || fail "cut: --once exited $RC, want 1 (issue 19)"
echo "cut inside a literal: --once ended (status $RC) and said so; nothing recorded"

# 2. the greeting's broken code, then a normal pass over an empty mailbox
printf '* OK [PERMANENTFLAGS (] ready\n---\n%s\n---\n* 0 EXISTS\n* OK [UIDVALIDITY 7] x\n{tag} OK selected\n---\n* SEARCH\n{tag} OK done\n---\n{tag} OK bye\n' \
    "$login" >greet.script
peer greet
run greet
[ "$RC" = 0 ] || { cat greet.log; fail "greet: status $RC, want 0"; }
grep -q 'logged in as bounces' greet.log || { cat greet.log; fail "greet: no login"; }
echo "greeting with [PERMANENTFLAGS (]: logged in, pass done (status 0)"

# 3. SELECT's PERMANENTFLAGS broken: the code is dropped, the pass goes on
printf '* OK ready\n---\n%s\n---\n* 0 EXISTS\n* OK [PERMANENTFLAGS ( )] x\n* OK [UIDVALIDITY 7] x\n{tag} OK selected\n---\n* SEARCH\n{tag} OK done\n---\n{tag} OK bye\n' \
    "$login" >perm.script
peer perm
run perm
[ "$RC" = 0 ] || { cat perm.log; fail "perm: status $RC, want 0"; }
grep -q 'UIDVALIDITY 7' perm.log || { cat perm.log; fail "perm: SELECT not understood"; }
echo "SELECT with [PERMANENTFLAGS ( )]: UIDVALIDITY read, pass done (status 0)"

# 4. a literal of 3 GiB announced: refused before libetpan reads it in
printf '* OK ready\n---\n%s\n---\n%s\n---\n* 1 FETCH (UID 5 BODY[] {3221225472}\nSubject: x\nCLOSE\n' \
    "$login" "$select_one" >huge.script
peer huge
run huge
grep -q 'literal over 128 MiB' huge.log || { cat huge.log; fail "huge: the refused literal is not in the log"; }
[ "$(sql huge.db 'SELECT count(*) FROM messages')" = 0 ] ||
    fail "huge: a message was recorded"
echo "a literal of 3 GiB announced: refused and said so (status $RC); nothing recorded"
