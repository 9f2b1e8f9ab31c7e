#!/bin/sh
# Issue 15: a real Postfix, configured with the lines of
# docs/INTEGRATION.md ("Postfix", extracted from it here so that the two
# cannot drift), refuses at RCPT the addresses bounced has suppressed --
# one by a real bounce through the daemon, one by bouncectl suppress --
# and accepts an active one, through each of the three ways: the
# socketmap (through proxymap, as documented for a chrooted smtpd), the
# policy service, and a map pushed with bouncectl export --postfix and
# postmap. bouncectl check agrees, by its exit status. Then an
# unsuppression is seen at the next RCPT.
# usage: lookup_postfix.sh BOUNCED BOUNCECTL PYTHON WORKDIR DOC FIXTURE
bounced=$1 bouncectl=$2 python=$3 work=$4 doc=$5 fixture=$6
. "$(dirname "$0")/smtp_lib.sh"
rm -rf "$work" && mkdir -p "$work"
work=$(cd "$work" && pwd)
cd "$work"
getent group postfix >/dev/null || skip "no postfix group"

# doc_block MARKER: the fenced block after "<!-- main.cf: MARKER -->"
doc_block() {
	awk -v m="<!-- main.cf: $1 -->" '
	    $0 == m { found = 1; next }
	    found && /^```/ { if (inside) exit; inside = 1; next }
	    inside { print }' "$doc"
}
# the documented paths, moved into the work directory; the sockets'
# directory outside the build tree, which Postfix's proxymap may not
# pass through (a clone in /root), with run/ a link to it
outside run
rundir=$OUTSIDE_DIR
moved() {
	sed -e "s|/run/bounced/|$rundir/|g" \
	    -e "s|/var/spool/postfix/|$work/pf/queue/|g" \
	    -e "s|/etc/postfix/bounced_suppressed|$work/map/bounced_suppressed|g"
}
smap=$(doc_block socketmap | moved)
policy=$(doc_block policy | moved | sed 's/^smtpd_recipient_restrictions =/bounced_policy_restrictions =/')
map=$(doc_block map | moved | sed 's/^smtpd_recipient_restrictions =/bounced_map_restrictions =/')
for b in "$smap" "$policy" "$map"; do
	[ -n "$b" ] || fail "$doc: a main.cf block is missing"
done
yaml=$(awk '/^# bounced.yaml -- tested by/ { on = 1; next }
    on && /^```/ { exit } on { print }' "$doc" | moved)
[ -n "$yaml" ] || fail "$doc: the bounced.yaml block is missing"

postfix_start pf "$smap
$policy
$map"

# the database private to its owner; the sockets' directories for the
# group postfix, as docs/INTEGRATION.md makes them
mkdir -p db md/new md/cur md/tmp map
chmod 0700 db
install -d -g postfix -m 0750 "$rundir" pf/queue/bounced
cat >bounced.yaml <<YEOF
database: $work/db/bounced.db
maildir:
  path: $work/md
$yaml
YEOF
"$bounced" -c bounced.yaml >bounced.log 2>&1 &
bpid=$!
SMTP_PIDS="$SMTP_PIDS $bpid"
wait_for 20 test -S run/socketmap -a -S pf/queue/bounced/policy ||
    { cat bounced.log; fail "bounced did not make its sockets"; }
# the documented mode; the directories (0750, group postfix) decide
[ "$(stat -c %a run/socketmap)" = 666 ] ||
    fail "socketmap: mode $(stat -c %a run/socketmap), not the documented 666"
[ "$(stat -c %a pf/queue/bounced/policy)" = 666 ] ||
    fail "policy socket: mode $(stat -c %a pf/queue/bounced/policy)"

# who may connect: postfix may, another user may not, and postfix cannot
# read the database
connect_as() { # USER GROUP SOCKET
	setpriv --reuid="$1" --regid="$2" --clear-groups "$python" -c 'import socket, sys
socket.socket(socket.AF_UNIX).connect(sys.argv[1])' "$3" 2>/dev/null
}
if command -v setpriv >/dev/null 2>&1; then
	connect_as postfix postfix run/socketmap || fail "postfix cannot connect"
	connect_as postfix postfix pf/queue/bounced/policy ||
	    fail "postfix cannot connect to the policy socket"
	! connect_as nobody nogroup run/socketmap || fail "nobody could connect"
	! setpriv --reuid=postfix --regid=postfix --clear-groups \
	    test -r db/bounced.db || fail "postfix can read the database"
fi

ctl() { "$bouncectl" -d "$work/db/bounced.db" "$@"; }
# check ADDR...: bouncectl check's exit status
check() {
	_rc=0
	ctl check "$@" >check.out 2>&1 || _rc=$?
	echo "$_rc"
}

# one suppressed by a real bounce (5.1.1 userunknown), one by a person
# delivered as an MDA does: written in tmp/, renamed into new/
# (asked again at each try: a "$(check ...)" in wait_for's arguments would
# be asked once, before the daemon had the message)
suppressed_now() { [ "$(check "$1")" = 1 ]; }
cp "$fixture" md/tmp/1.M1P1.test && mv md/tmp/1.M1P1.test md/new/
wait_for 20 suppressed_now fixture.user@example.org ||
    { cat bounced.log check.out; fail "the bounce did not suppress"; }
ctl suppress manual@example.net >/dev/null
# and one with a person's reason (an import's, or --reason)
ctl suppress --reason "list unsubscribe" unsub@example.net >/dev/null
[ "$(check active@example.net)" = 0 ] || fail "check active: not 0"
[ "$(check Manual@Example.NET)" = 1 ] || fail "check manual: not 1"
[ "$(check active@example.net fixture.user@example.org)" = 1 ] ||
    fail "check of two, one suppressed: not 1"
[ "$(check 'not an address')" = 2 ] || fail "check of a non-address: not 2"
ctl check --json fixture.user@example.org >check.json || true
day=$("$python" -c 'import json, sys
r = json.load(open(sys.argv[1]))
assert r["verdict"] == "suppressed" and r["reason"] == "userunknown", r
print(r["since"][:10])' check.json) || fail "check --json: $(cat check.json)"

# the pushed map
ctl export --postfix >map/bounced_suppressed || fail "export --postfix"
postmap -c "$work/pf/etc" "hash:$work/map/bounced_suppressed" ||
    fail "postmap refused the export"

# the policy and map restrictions on two more smtpd ports, and on a
# fourth the socketmap without proxy: (an unchrooted smtpd, as here)
P2=$(free_port "$python")
P3=$(free_port "$python")
P4=$(free_port "$python")
direct=$(echo "$smap" | sed -n 's/.*check_recipient_access proxy:\(socketmap:[^ ]*\).*/check_recipient_access \1/p')
[ -n "$direct" ] || fail "no socketmap line to take proxy: from"
printf '127.0.0.1:%s inet n - n - - smtpd -o smtpd_recipient_restrictions=$bounced_policy_restrictions\n127.0.0.1:%s inet n - n - - smtpd -o smtpd_recipient_restrictions=$bounced_map_restrictions\n127.0.0.1:%s inet n - n - - smtpd -o {smtpd_recipient_restrictions=%s}\n' \
    "$P2" "$P3" "$P4" "$direct" >>pf/etc/master.cf
postfix -c "$work/pf/etc" reload >/dev/null 2>&1
wait_for 20 port_open "$python" "$P2" && wait_for 20 port_open "$python" "$P3" &&
    wait_for 20 port_open "$python" "$P4" ||
    fail "Postfix did not open the policy, map and direct ports"

# rcpt PORT ADDR: "CODE TEXT" of Postfix's reply to RCPT TO:<ADDR>
rcpt() { smtp_rcpt "$1" "$2"; }
# expect PORT ADDR REGEX
expect() {
	_r=$(rcpt "$1" "$2") || fail "SMTP to port $1 failed"
	echo "$_r" | grep -Eq "$3" ||
	    { tail -20 pf/maillog; tail bounced.log; fail "port $1, $2: $_r"; }
}
text="Recipient address rejected: Recipient suppressed by bounced"
for port in "$PF_PORT" "$P2" "$P3" "$P4"; do
	expect "$port" fixture.user@example.org \
	    "^554 5\.7\.1 <fixture\.user@example\.org>: $text: userunknown since $day\$"
	expect "$port" Manual@example.net \
	    "^554 5\.7\.1 <Manual@example\.net>: $text: manual since [0-9]{4}-[0-9]{2}-[0-9]{2}\$"
	expect "$port" unsub@example.net \
	    "^554 5\.7\.1 <unsub@example\.net>: $text: list unsubscribe since [0-9]{4}-[0-9]{2}-[0-9]{2}\$"
	expect "$port" active@example.net "^250 "
done

# an unsuppression is seen at the next RCPT by the responders
ctl unsuppress fixture.user@example.org >/dev/null
[ "$(check fixture.user@example.org)" = 0 ] || fail "check after unsuppress"
expect "$PF_PORT" fixture.user@example.org "^250 "
expect "$P2" fixture.user@example.org "^250 "
expect "$P4" fixture.user@example.org "^250 "
# the pushed map only knows at its next export
expect "$P3" fixture.user@example.org "^554 5\.7\.1 .*: userunknown since $day\$"

# bounced stopped: each way fails as documented, which also shows that
# each port asked the way it was configured with
kill "$bpid"
wait "$bpid" 2>/dev/null || true
[ ! -e run/socketmap ] && [ ! -e pf/queue/bounced/policy ] ||
    fail "bounced left its sockets behind"
expect "$PF_PORT" manual@example.net "^451 4\.3\.5 .*Server configuration error\$"
expect "$P2" manual@example.net "^451 4\.3\.5 .*Server configuration problem\$"
expect "$P3" manual@example.net "^554 5\.7\.1 .*: manual since "
expect "$P4" manual@example.net "^451 4\.3\.5 .*Server configuration error\$"
# Postfix's log says who asked: proxymap for the documented line, smtpd
# itself for the direct one and the policy client
grep -q 'postfix/proxymap\[[0-9]*\]: warning: table socketmap:unix:.*:suppressed lookup error' pf/maillog ||
    fail "the documented socketmap line did not go through proxymap"
grep -q 'postfix/smtpd\[[0-9]*\]: warning: table socketmap:unix:.*:suppressed lookup error' pf/maillog ||
    fail "the direct socketmap was not asked by smtpd"
grep -q 'postfix/smtpd\[[0-9]*\]: warning: connect to bounced/policy' pf/maillog ||
    fail "the policy service was not asked at bounced/policy"
grep -Eq 'Sanitizer|runtime error:' bounced.log && fail "bounced: $(cat bounced.log)"
echo "ok"
