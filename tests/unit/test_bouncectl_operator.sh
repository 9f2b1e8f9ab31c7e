#!/bin/sh
# Issue 17 items 4-6 at the command line: --version; parse of an mbox
# (every message), of a message over the cap and of a missing file;
# sisimai 5 names in, --labels sisimai5 out; status of an address with
# history only (an auto-reply); suppressed_at cleared by unsuppress; hard
# a JSON boolean everywhere. The database is bounced --once's over the
# examples Maildir.
#   test_bouncectl_operator.sh BOUNCED BOUNCECTL PYTHON3 SRCDIR TMPDIR
set -u
bounced=$1 bctl=$2 py=$3 src=$4 T=$5
fails=0
ok() { printf 'ok   %s\n' "$1"; }
bad() { printf 'FAIL %s\n' "$1"; fails=$((fails + 1)); }
# check NAME COMMAND...: COMMAND succeeds
check() {
	_n=$1
	shift
	if "$@"; then ok "$_n"; else bad "$_n"; fi
}
rm -rf "$T" && mkdir -p "$T/md/new" "$T/md/cur" "$T/md/tmp" || exit 1
cd "$T" || exit 1
ex=$src/examples/maildir/new
unset BOUNCED_DB

# ---- --version (item 4) ----
want=$(sed -n 's/^project(bounced VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt")
check "bounced --version" [ "$("$bounced" --version)" = "bounced $want" ]
check "bouncectl --version" [ "$("$bctl" --version)" = "bouncectl $want" ]
"$bounced" -h | head -n 1 | grep -q -- '-h' && ok "-h in the usage line" ||
    bad "-h not in bounced's usage line"

# ---- parse (item 5) ----
{
	printf 'From MAILER-DAEMON Mon Nov 30 10:00:00 2026\n'
	cat "$ex/1732800001.M1P100Q1.example.org"
	# a quoted line that looks like a separator, not after a blank line
	printf 'From quoted text Mon Nov 30 10:00:00 2026\n'
	printf '\nFrom MAILER-DAEMON Mon Nov 30 10:01:00 2026\n'
	cat "$ex/1732800002.M1P100Q2.example.org"
	printf '\nFrom MAILER-DAEMON Mon Nov 30 10:02:00 2026\n'
	cat "$ex/1732800007.M1P100Q7.example.org"
} >three.mbox
"$bctl" parse three.mbox >out 2>err
rc=$?
check "parse mbox: exit 0" [ "$rc" = 0 ]
check "parse mbox: every message" [ "$(cut -f 1,2 out | tr '\t' ' ' | tr '\n' ';')" = \
    "three.mbox#1 kim.nobody@example.net;three.mbox#2 lee.full@example.com;three.mbox#3 robin@example.net;" ]
truncate -s 65M big.eml
"$bctl" parse big.eml "$ex/1732800001.M1P100Q1.example.org" >out 2>err
rc=$?
check "parse over the cap: exit 1" [ "$rc" = 1 ]
check "parse over the cap: said" grep -q 'big.eml: larger than 64 MiB' err
check "parse over the cap: the other file still parsed" grep -q kim.nobody out
"$bctl" parse no-such-file >out 2>err
check "parse of a missing file: exit 1" [ $? = 1 ]

# ---- --labels on parse (item 6) ----
"$bctl" parse --labels sisimai5 "$ex/1732800007.M1P100Q7.example.org" >out
check "parse --labels sisimai5" [ "$(cut -f 4 out)" = emailtoolarge ]
"$bctl" parse --json --labels sisimai4 "$ex/1732800007.M1P100Q7.example.org" >out
check "parse --labels sisimai4" grep -q '"reason":"mesgtoobig"' out
"$bctl" parse --labels sisimai6 "$ex/1732800007.M1P100Q7.example.org" >out 2>err
check "parse --labels sisimai6: usage error" [ $? = 2 ]

# ---- a database from the examples ----
cp "$ex"/* md/new/
# an exceedlimit (5.2.3) beside the example's mesgtoobig: one
# emailtoolarge row in sisimai 5's stats
sed -e 's/5\.3\.4/5.2.3/g' -e 's/robin@example.net/robin2@example.net/g' \
    -e 's/^Message-ID: </Message-ID: <x/' \
    "$ex/1732800007.M1P100Q7.example.org" >md/new/1900000001.exceed
printf 'database: db\nmaildir:\n  path: md\n' >b.yaml
"$bounced" --once -c b.yaml 2>log || { cat log; bad "bounced --once"; }

"$bctl" -d db list --reason emailtoolarge >out 2>err
check "list --reason emailtoolarge (sisimai 5)" grep -q '^robin@example.net' out
check "list --reason emailtoolarge: exceedlimit too" grep -q '^robin2@example.net' out
"$bctl" -d db list --reason mesgtoobig >out2 2>err
check "list --reason mesgtoobig: that one only" \
    sh -c 'grep -q "^robin@" out2 && ! grep -q "^robin2@" out2' 
"$bctl" -d db list --reason ratelimited >out 2>err
check "list --reason ratelimited: exit 0" [ $? = 0 ]
"$bctl" -d db list --reason suppressed >out 2>err
check "list --reason suppressed (sisimai 5, not ours): exit 2" [ $? = 2 ]
"$bctl" -d db list --labels sisimai5 >out
check "list --labels sisimai5" grep -q '^robin@example.net .* emailtoolarge ' out
check "list --labels sisimai5: no old name" sh -c '! grep -q mesgtoobig out'
"$bctl" -d db stats --by reason --json --labels sisimai5 >out
check "stats --labels sisimai5: mesgtoobig and exceedlimit, one row" \
    grep -q '^{"reason":"emailtoolarge","bounces":2,"recipients":2,' out
"$bctl" -d db stats --by reason --json >out
check "stats: ours, two rows" sh -c 'grep -q "\"reason\":\"mesgtoobig\",\"bounces\":1" out &&
    grep -q "\"reason\":\"exceedlimit\",\"bounces\":1" out'
"$bctl" -d db list --reason emailtoolarge --json >out
check "list --reason emailtoolarge: both reasons" \
    sh -c '[ "$(grep -c address out)" = 2 ]' 
"$bctl" -d db history robin@example.net --json --labels sisimai5 >out
check "history --labels sisimai5" grep -q '"reason":"emailtoolarge"' out
"$bctl" -d db list >out
check "list: the default unchanged" grep -q 'mesgtoobig' out

# ---- the bounce's own date beside the time recorded (item 5) ----
# the 2024 example: its Arrival-Date, not the day the test ran
"$bctl" -d db history robin@example.net --json >out
check "history: bounced_at from the report" \
    grep -q '"bounced_at":"2024-11-28T' out
"$bctl" -d db list --json >out
check "list: last_bounced_at beside last_bounce" \
    grep -q '"address":"robin@example.net".*"last_bounced_at":"2024-11-28T' out
"$bctl" -d db stats --by day --json >out
check "stats --by day: by the bounce's date" grep -q '"day":"2024-11-28"' out
check "stats --by day: not by the day recorded" \
    sh -c "! grep -q '\"day\":\"$(date -u +%Y-%m-%d)\"' out"

# ---- status of every address with a row (item 5) ----
"$bctl" -d db history dana@example.com >/dev/null 2>&1 ||
    bad "history of the auto-reply's address"
"$bctl" -d db status dana@example.com >out 2>err
rc=$?
check "status of a history-only address: exit 0" [ "$rc" = 0 ]
check "status of a history-only address: state none" grep -q '^state: *none$' out
check "status of a history-only address: its reason" grep -q '^reason: *vacation$' out
"$bctl" -d db status nobody@example.org >out 2>err
check "status of an unknown address: exit 1" [ $? = 1 ]

# ---- unsuppress clears suppressed_at (item 5) ----
"$bctl" -d db status kim.nobody@example.net >out
check "suppressed: suppressed_at shown" grep -q '^suppressed_at: *20' out
"$bctl" -d db unsuppress kim.nobody@example.net --note test >/dev/null 2>&1 ||
    bad "unsuppress"
"$bctl" -d db status kim.nobody@example.net >out
check "unsuppressed: state active" grep -q '^state: *active$' out
check "unsuppressed: suppressed_at cleared" grep -q '^suppressed_at: *-$' out

# ---- hard: one JSON type (item 5) ----
"$bctl" -d db history robin@example.net --json >h.json
"$bctl" parse --json "$ex/1732800007.M1P100Q7.example.org" >p.json
check "hard is a boolean in history and parse" "$py" -c '
import json, sys
for f in ("h.json", "p.json"):
    for line in open(f):
        o = json.loads(line)
        if o.get("hard") is not None and type(o["hard"]) is not bool:
            sys.exit("%s: hard is %r" % (f, o["hard"]))
'

[ "$fails" = 0 ] || { echo "$fails failed"; exit 1; }
echo PASS
