#!/bin/sh
# Issue 18 item 3: Postfix reads the suppressions from PostgreSQL itself,
# through pgsql_table(5), with the view, the role, the map file and the
# main.cf line of docs/INTEGRATION.md ("PostgreSQL lookup (pgsql_table)",
# extracted from it here so that the two cannot drift). On a PostgreSQL
# 15 of its own (pg_lib.sh), bounced --once records a real hard bounce
# and bouncectl suppresses four more addresses (a reason, none, one too
# long, one that is not ASCII) and re-suppresses the bounced one by hand.
# Then:
#   - the view's rows are bouncectl export --postfix's lines, and the
#     socketmap (bounced on the same database) answers "OK " and the
#     view's action for each row, NOTFOUND for the others;
#   - the role reads the view and nothing else, and cannot write;
#   - a real Postfix (Debian's, with Debian's postfix-pgsql unpacked
#     beside it, never installed) refuses each suppressed address at RCPT
#     with the view's text and accepts an active one; postmap -q through
#     the map agrees; an unsuppression is seen at the next RCPT; with
#     PostgreSQL stopped, RCPT is deferred.
# Skips (77) when Postfix, its pgsql map or PostgreSQL cannot be had.
# usage: lookup_pgsql.sh BOUNCED BOUNCECTL PYTHON WORKDIR DOC FIXTURE
bounced=$1 bouncectl=$2 python=$3 doc=$5 fixture=$6
t0=$(date +%s%N)
. "$(dirname "$0")/smtp_lib.sh"
. "$(dirname "$0")/pg_lib.sh"
set -u
getent group postfix >/dev/null || skip "no postfix group"
need postfix postconf postmap script
[ "$(id -u)" = 0 ] || skip "Postfix's master must start as root"
pg_begin "$4" pgsql
# both libraries' clean-ups: Postfix and bounced first, the server last
trap 'smtp_cleanup; pg_end' EXIT
cd "$work"

# Debian's postfix-pgsql of exactly the installed Postfix's version (its
# plugin is built against that Postfix's libraries), unpacked only
pfver=$(dpkg-query -W -f='${Version}' postfix 2>/dev/null) ||
    skip "Postfix is not a Debian package here"
debs_fetch "${BD_PG_CACHE:-/var/cache/bounced-test-pg}" postfix-pgsql \
    "postfix-pgsql=$pfver"
pgso=$DEBS_ROOT/usr/lib/postfix/postfix-pgsql.so
[ -f "$pgso" ] || fail "no postfix-pgsql.so in $DEBS_ROOT"
echo "PostgreSQL: $PG_COST; postfix-pgsql $pfver: $DEBS_COST"

# doc_block KIND MARKER: the fenced block after "<!-- KIND: MARKER -->"
doc_block() {
	awk -v m="<!-- $1: $2 -->" '
	    $0 == m { found = 1; next }
	    found && /^```/ { if (inside) exit; inside = 1; next }
	    inside { print }' "$doc"
}
view_sql=$(doc_block sql postfix_access)
role_sql=$(doc_block sql bounced_postfix)
mapcf=$(doc_block pgsql bounced-pgsql.cf)
maincf=$(doc_block main.cf pgsql)
for b in "$view_sql" "$role_sql" "$mapcf" "$maincf"; do
	[ -n "$b" ] || fail "$doc: a pgsql block is missing"
done

# ---- the database: a real bounce, and people's suppressions ----
mkdir -p state md/new md/cur md/tmp
export STATE_DIRECTORY="$work/state"
cp "$fixture" md/new/1.M1P1.test
printf 'database: %s\nmaildir:\n  path: %s/md\n' "$PG_URI" "$work" >once.yaml
"$bounced" --once -c once.yaml >once.log 2>&1 ||
    { cat once.log; fail "bounced --once into PostgreSQL"; }
ctl() { "$bouncectl" -d "$PG_URI" "$@"; }
rc=0
ctl check fixture.user@example.org >check.out 2>&1 || rc=$?
[ "$rc" = 1 ] ||
    { cat check.out; fail "the bounce did not suppress fixture.user@example.org"; }
long=$(printf 'x%.0s' $(seq 1 70))
ctl suppress manual@example.net >/dev/null
ctl suppress --reason "list unsubscribe" unsub@example.net >/dev/null
ctl suppress --reason "$long" long@example.net >/dev/null
ctl suppress --reason "café" accent@example.net >/dev/null
# a person's suppression after a bounce's keeps the bounce's reason
# (lifecycle_send(): "after" is a later second than suppressed_at; in
# the same second it reads as the person's, so the second is let pass)
sat=$(pg_psql "SELECT suppressed_at FROM recipients WHERE address = 'fixture.user@example.org'")
wait_for 5 sh -c "[ \$(date +%s) -gt $sat ]" || fail "the clock stands still"
ctl suppress --reason "by hand" fixture.user@example.org >/dev/null
day=$(ctl check --json fixture.user@example.org | "$python" -c 'import json, sys
r = json.load(sys.stdin)
assert r["verdict"] == "suppressed" and r["reason"] == "userunknown", r
print(r["since"][:10])') || fail "check --json of the bounced address"
suppressed="fixture.user@example.org manual@example.net unsub@example.net long@example.net accent@example.net"
active="active@example.net"
ctl suppress again@example.net >/dev/null
ctl unsuppress again@example.net >/dev/null

# ---- the documented SQL, as it is in the doc ----
echo "$view_sql" >view.sql
echo "$role_sql" >role.sql
for f in view.sql role.sql; do
	"$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCK" -U bounced \
	    -d bounced -f "$f" >"$f.log" 2>&1 ||
	    { cat "$f.log"; fail "the documented $f failed"; }
done
[ "$(pg_psql 'SELECT version FROM bounced_schema')" = 14 ] ||
    fail "the doc's SQL is written for schema versions 13 and 14"

# view ADDR: the view's action for ADDR ("" for no row)
view() {
	pg_psql "SELECT action FROM postfix_access WHERE address = '$1'"
}
# the expected texts, each from what bouncectl knows, not from the view
want_fixture="REJECT 5.7.1 Recipient suppressed by bounced: userunknown since $day"
[ "$(view fixture.user@example.org)" = "$want_fixture" ] ||
    fail "view, fixture.user: $(view fixture.user@example.org)"
for a in manual:manual unsub:"list unsubscribe" accent:manual \
    long:"$(printf 'x%.0s' $(seq 1 64))"; do
	v=$(view "${a%%:*}@example.net")
	echo "$v" | grep -Eq "^REJECT 5\.7\.1 Recipient suppressed by bounced: ${a#*:} since [0-9]{4}-[0-9]{2}-[0-9]{2}\$" ||
	    fail "view, ${a%%:*}: $v"
done
for a in $active again@example.net; do
	[ -z "$(view "$a")" ] || fail "view has a row for $a"
done

# the whole view against bouncectl export --postfix (lifecycle_send()
# on every suppressed row of the same database; its comment lines put
# aside)
ctl export --postfix | grep -v "^#" | LC_ALL=C sort >export.txt
pg_psql "SELECT address || ' ' || action FROM postfix_access" |
    LC_ALL=C sort >view.txt
[ "$(wc -l <view.txt)" = 5 ] || { cat view.txt; fail "not 5 rows in the view"; }
cmp -s export.txt view.txt ||
    { diff -u export.txt view.txt; fail "the view differs from export --postfix"; }

# ---- the socketmap on the same database: the same answers ----
cat >lookup.yaml <<YEOF
database: $PG_URI
maildir:
  path: $work/md
lookup:
  socketmap: $work/smap
YEOF
"$bounced" -c lookup.yaml >bounced.log 2>&1 &
bpid=$!
SMTP_PIDS="$SMTP_PIDS $bpid"
wait_for 20 test -S smap || { cat bounced.log; fail "no socketmap socket"; }
# smap ADDR...: one "ADDR<TAB>reply" line each, one connection
smap() {
	"$python" - "$work/smap" "$@" <<'PYEOF'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
f = s.makefile("rb")
for a in sys.argv[2:]:
    q = ("suppressed " + a).encode()
    s.sendall(b"%d:%s," % (len(q), q))
    n = b""
    while not n.endswith(b":"):
        n += f.read(1)
    r = f.read(int(n[:-1]) + 1)
    assert r.endswith(b","), r
    print(a + "\t" + r[:-1].decode())
PYEOF
}
checked=0
# (lists of addresses, split on purpose; tr A-Z below: ASCII letters
# only, as bounced folds them, common/mailbox.c)
# shellcheck disable=SC2086
smap $suppressed $active again@example.net nobody@example.com \
    Manual@Example.NET >smap.txt || fail "socketmap client"
while IFS="$(printf '\t')" read -r a r; do
	lc=$(echo "$a" | tr 'A-Z' 'a-z')
	v=$(view "$lc")
	if [ -n "$v" ]; then
		[ "$r" = "OK $v" ] || fail "$a: socketmap '$r', view '$v'"
	else
		[ "$r" = "NOTFOUND " ] || fail "$a: socketmap '$r', no row in the view"
	fi
	checked=$((checked + 1))
done <smap.txt
[ "$checked" = 9 ] || fail "socketmap: $checked answers, not 9"
echo "ok: the view = export --postfix (5 rows) = socketmap ($checked addresses)"

# ---- the role: the view, nothing else ----
as_pf() {
	"$PG_BIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 -h "$PG_SOCK" \
	    -U bounced_postfix -d bounced -c "$1"
}
[ "$(as_pf "SELECT action FROM postfix_access WHERE address = 'manual@example.net'")" = \
    "$(view manual@example.net)" ] || fail "the role cannot read the view"
for q in "SELECT count(*) FROM recipients" "SELECT count(*) FROM overrides" \
    "SELECT count(*) FROM messages" \
    "INSERT INTO forgotten (hash, at) VALUES ('x', 1)" \
    "UPDATE recipients SET state = 'active'" \
    "CREATE TABLE t (a int)"; do
	if as_pf "$q" >role.out 2>&1; then
		fail "bounced_postfix may: $q"
	fi
	grep -Eq 'permission denied|read-only transaction' role.out ||
	    { cat role.out; fail "bounced_postfix, $q: not refused by a right"; }
done
[ "$(as_pf 'SHOW default_transaction_read_only')" = on ] ||
    fail "bounced_postfix's sessions are not read-only"

# ---- a real Postfix with the documented lines ----
# the documented paths moved: the socket directory is the test's
# server's; the map file is in a directory Postfix's users can reach
outside pfmaps
maps=$OUTSIDE_DIR
echo "$mapcf" | sed "s|^hosts = unix:/var/run/postgresql\$|hosts = unix:$PG_SOCK|" \
    >"$maps/bounced-pgsql.cf"
grep -q "^hosts = unix:$PG_SOCK\$" "$maps/bounced-pgsql.cf" ||
    fail "the map file's hosts line is not unix:/var/run/postgresql"
# the plugin, registered as Debian's package would in dynamicmaps.cf,
# in a meta_directory of this Postfix's own (postconf(5): where
# dynamicmaps.cf is read); Postfix wants both owned by root
cp /etc/postfix/postfix-files "$maps/"
mkdir "$maps/postfix-files.d"
printf 'pgsql\t%s\tdict_pgsql_open\n' "$pgso" >"$maps/dynamicmaps.cf"
main=$(echo "$maincf" | sed "s|/etc/postfix/bounced-pgsql.cf|$maps/bounced-pgsql.cf|")
postfix_start pf "meta_directory = $maps
$main"

# rcpt ADDR: "CODE TEXT" of Postfix's reply to RCPT TO:<ADDR>
rcpt() { smtp_rcpt "$PF_PORT" "$1"; }
# refused ADDR: refused with the view's text for the lower-case ADDR
refused() {
	_v=$(view "$(echo "$1" | tr 'A-Z' 'a-z')")
	[ -n "$_v" ] || fail "no row for $1 to expect"
	_want="554 5.7.1 <$1>: Recipient address rejected: ${_v#REJECT 5.7.1 }"
	_r=$(rcpt "$1") || fail "SMTP RCPT $1"
	[ "$_r" = "$_want" ] ||
	    { tail -20 pf/maillog; fail "RCPT $1: '$_r', want '$_want'"; }
	smtp_checked=$((smtp_checked + 1))
}
accepted() {
	_r=$(rcpt "$1") || fail "SMTP RCPT $1"
	case $_r in 250\ *) ;; *) tail -20 pf/maillog; fail "RCPT $1: $_r" ;; esac
	smtp_checked=$((smtp_checked + 1))
}
smtp_checked=0
# shellcheck disable=SC2086
for a in $suppressed Manual@example.net; do
	refused "$a"
done
accepted "$active"
accepted again@example.net
# the text itself, once more by hand: what the doc promises
[ "$(rcpt fixture.user@example.org)" = "554 5.7.1 <fixture.user@example.org>: Recipient address rejected: Recipient suppressed by bounced: userunknown since $day" ] ||
    fail "fixture.user: not the documented reply"

# postmap -q through the map agrees with the view (and -f: an unfolded
# key, which the query's lower() folds)
pq() {
	postmap -c "$work/pf/etc" "$@" "pgsql:$maps/bounced-pgsql.cf"
}
for a in $suppressed; do
	[ "$(pq -q "$a")" = "$(view "$a")" ] || fail "postmap -q $a: $(pq -q "$a")"
done
[ "$(pq -f -q Manual@Example.NET)" = "$(view manual@example.net)" ] ||
    fail "postmap -f -q Manual@Example.NET: not folded by the query"
rc=0
pq -q "$active" >/dev/null 2>&1 || rc=$?
[ "$rc" = 1 ] || fail "postmap -q $active: exit $rc, not 1 (not found)"

# an unsuppression is seen at the next RCPT
ctl unsuppress fixture.user@example.org >/dev/null
[ -z "$(view fixture.user@example.org)" ] || fail "still in the view"
accepted fixture.user@example.org
refused manual@example.net

# PostgreSQL stopped: deferred, never accepted
# (a fast shutdown, pg_ctl's default: a smart one would wait for
# proxymap's open session to end)
kill "$bpid" && wait "$bpid" 2>/dev/null || true
kill -INT "$PG_PID"
wait_for 30 sh -c "! kill -0 $PG_PID 2>/dev/null" || fail "postgres did not stop"
PG_PID=
r=$(rcpt manual@example.net) || fail "SMTP RCPT with PostgreSQL stopped"
echo "$r" | grep -Eq '^451 4\.3\.5 .*Server configuration error$' ||
    { tail -20 pf/maillog; fail "PostgreSQL stopped: $r"; }
grep -q 'postfix/proxymap\[[0-9]*\]: warning: .*pgsql' pf/maillog ||
    fail "the documented line did not go through proxymap"
grep -Eq 'Sanitizer|runtime error:' bounced.log once.log &&
    fail "bounced: $(cat bounced.log once.log)"
echo "ok: Postfix pgsql: $smtp_checked RCPTs, $(($(date +%s%N) / 1000000 - t0 / 1000000)) ms in all"
