#!/bin/sh
# Policy end to end, through the real files: a hard bounce suppresses; a
# person's unsuppress (bouncectl) is not undone by a bounce that arrived
# before it, only by one that arrives after; soft bounces suppress at
# policy.soft_bounce_limit; a transient failure queues one resend however
# often it bounces. Also: under systemd (JOURNAL_STREAM set) every log
# line carries a <N> priority prefix, and a file name cannot forge one.
# usage: daemon_policy.sh BOUNCED BOUNCECTL PYTHON SRCDIR WORKDIR
bounced=$1 bouncectl=$2 src=$4 work=$5
. "$src/tests/integration/lib.sh"
rm -rf "$work" && mkdir -p "$work" && cd "$work"
mk_maildir md
# resends on: queued here, never due within the test (15 min away)
# resending needs a proof that a bounce concerns our mail: the sent
# record holds our copy of the message the timeout bounce returns; the
# rest of these bounces are unproven, which policy.accept_unverified lets
# count as they did before (docs/SECURITY.md)
mk_maildir sent
printf 'database: db\nmaildir:\n  path: md\npolicy:\n  soft_bounce_limit: 3\n  accept_unverified: true\nresend:\n  enabled: true\n  from: bounces@example.org\nsent:\n  maildir: sent\n' >conf.yaml
printf 'From: news@example.org\nTo: sam@unreachable.example.net\nMessage-ID: <20241122193508.0003@app1.example.org>\nSubject: x\n\nhello\n' >sent/new/copy1
ex=$src/examples/maildir/new
hard=$ex/1732800001.M1P100Q1.example.org # kim.nobody@example.net 5.1.1
soft=$ex/1732800007.M1P100Q7.example.org # robin@example.net mesgtoobig
timeout=$ex/1732800003.M1P100Q3.example.org # sam@unreachable.example.net expired

# deliver TEMPLATE N [TOUCH-DATE]: a unique copy, delivered via tmp/
deliver() {
	{ printf 'X-Test-Copy: %s\n' "$2"; cat "$1"; } >"md/tmp/m$2"
	[ -n "${3:-}" ] && touch -d "$3" "md/tmp/m$2"
	mv "md/tmp/m$2" md/new/
}
run() {
	JOURNAL_STREAM=8:42 "$bounced" --once -c conf.yaml 2>>log || { cat log; fail "bounced"; }
}
state() {
	"$bouncectl" -d db status "$1" --csv | awk -F, 'NR == 2 { print $3 }'
}
count() {
	"$bouncectl" -d db status "$1" --csv | awk -F, 'NR == 2 { print $6 }'
}

deliver "$hard" 1 "-2 hours"
run
[ "$(state kim.nobody@example.net)" = suppressed ] || fail "a hard bounce did not suppress"

"$bouncectl" -d db unsuppress kim.nobody@example.net --note "asked by phone" >/dev/null
[ "$(state kim.nobody@example.net)" = active ] || fail "unsuppress did not take"
sleep 1
deliver "$hard" 2 "-1 hour" # sent back before the person decided
run
[ "$(state kim.nobody@example.net)" = active ] || fail "an old bounce re-suppressed an unsuppressed address"
[ "$(count kim.nobody@example.net)" = 2 ] || fail "the old bounce was not counted"
grep -q 'a person overrode it later' log || fail "no log line for the overridden bounce"
sleep 1
deliver "$hard" 3 # arrives now, after the decision
run
[ "$(state kim.nobody@example.net)" = suppressed ] || fail "a new hard bounce did not suppress again"

for i in 10 11; do deliver "$soft" $i; done
run
[ "$(state robin@example.net)" = soft ] || fail "two soft bounces: want soft"
deliver "$soft" 12
run
[ "$(state robin@example.net)" = suppressed ] || fail "the third soft bounce (limit 3) did not suppress"

for i in 20 21; do deliver "$timeout" $i; done
run
[ "$(sql db "SELECT count(*) FROM resends WHERE recipient = 'sam@unreachable.example.net' AND state = 'pending'")" = 1 ] ||
    fail "a transient failure twice: want exactly one pending resend"
[ "$(sql db "SELECT count(*) FROM resends WHERE recipient = 'robin@example.net'")" = 0 ] ||
    fail "mesgtoobig is no reason to resend"

# a file name is the sender's to choose: a newline in it forges no line
evil=$(printf 'evil\n<3>forged')
printf 'Subject: x\n\nnot a bounce\n' >"md/tmp/$evil"
mv "md/tmp/$evil" md/new/
run
grep -q '^<3>forged' log && fail "a file name forged a log line"
bad=$(grep -cv '^<[0-7]>' log || true)
[ "$bad" = 0 ] || { grep -v '^<[0-7]>' log | head -3; fail "$bad log lines without a priority prefix under JOURNAL_STREAM"; }
grep -q '^<6>.*kim.nobody@example.net 5.1.1 userunknown: suppressed' log || fail "no <6> info line"
# the outbox (issue 15 item 3), in the order of the changes: kim
# suppressed, unsuppressed by a person, the old bounce no event, the new
# one suppressed again; robin at the soft limit (the soft ones no event)
ev=$(sql db "SELECT kind || ':' || source || ':' || address FROM events ORDER BY id" | tr '\n' ' ')
[ "$ev" = "suppressed:bounce:kim.nobody@example.net unsuppressed:person:kim.nobody@example.net suppressed:bounce:kim.nobody@example.net soft_limit:bounce:robin@example.net " ] ||
    fail "events: $ev"
echo "policy end to end: suppress, override kept against an old bounce, soft limit, one resend; journal prefixes"
