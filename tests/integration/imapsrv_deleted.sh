#!/bin/sh
# Killed between UID STORE \Deleted and UID EXPUNGE (the COPY + EXPUNGE
# acknowledgement of a server without MOVE: Courier 5): the messages are
# recorded and copied, and stay in INBOX with \Deleted set, which the
# SEARCH for new mail passes over. The next pass must expunge those --
# ours by their UIDs in the database -- and leave a \Deleted message
# that is not ours alone (source_imap.c expunge_ours()). Found by
# imapsrv_courier_kill under load, where a kill landed in that gap and
# INBOX never emptied.
# usage: imapsrv_deleted.sh BOUNCED BOUNCECTL PYTHON SRCDIR WORKDIR SERVER
bounced=$1 bouncectl=$2 python=$3 src=$4 work=$5 server=$6
. "$src/tests/integration/lib.sh"
. "$src/tests/integration/imapsrv_lib.sh"
srv_begin "$work" "$server"
srv_yaml b.yaml
printf '  processed_mailbox: INBOX.Processed\n' >>b.yaml

# three bounces recorded, then the kill: nothing acknowledged yet
srv_deliver 3 91 del
if BOUNCED_TEST_KILL_AFTER_COMMIT=1 "$bounced" --once -c b.yaml 2>log; then
	fail "the test hook did not kill bounced"
fi
grep -q 'COPY + UID EXPUNGE' log ||
    { cat log; echo "SKIP: $server acknowledges otherwise (no COPY + EXPUNGE)"; exit 77; }
rows=$(sql bounced.db 'SELECT count(*) FROM messages')
[ "$rows" = 3 ] || fail "$rows rows after the kill, want 3"
# what the gap leaves: copied to INBOX.Processed, \Deleted, not expunged
srv_tool copy-delete INBOX INBOX.Processed || fail "copy-delete"
# and a message of someone else's, \Deleted, never recorded by us
rm -rf gen && mk_maildir gen
srv_deliver 1 92 other
srv_tool delete INBOX UNDELETED || fail "delete"
[ "$(srv_tool count INBOX DELETED)" = 4 ] ||
    fail "INBOX holds $(srv_tool count INBOX DELETED) \\Deleted, want 4"

"$bounced" --once -c b.yaml 2>log2 || { cat log2; fail "the run after the kill"; }
cat log2
left=$(srv_tool count INBOX)
[ "$left" = 1 ] || fail "INBOX holds $left, want the one \\Deleted message that is not ours"
grep -q '3 recorded and copied before, left \\Deleted: expunged' log2 ||
    fail "no log line for the three expunged"
[ "$(srv_tool count INBOX.Processed)" = 3 ] ||
    fail "INBOX.Processed holds $(srv_tool count INBOX.Processed), want 3"
[ "$(sql bounced.db 'SELECT count(*) FROM messages')" = 3 ] ||
    fail "a message recorded again"
echo "PASS: $server: the 3 left \\Deleted by a kill are expunged, the one not ours stays"
