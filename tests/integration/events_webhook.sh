#!/bin/sh
# Events out, at least once (issue 15 item 3), against a real HTTP server
# on loopback (webhook_server.py) and an exec hook that appends its input
# to a file:
#  1. a suppression by a bounce and one by bouncectl reach both, signed;
#     the server's first two 500s are retried with the same event id;
#  2. killed right after the commit that wrote an event, before its
#     delivery (BOUNCED_TEST_KILL_AFTER_COMMIT): delivered after the
#     restart (a delivery the kill cut short is due again once its claim
#     ends: the restarts run `later`); killed after the endpoint
#     confirmed but before the mark
#     (BOUNCED_TEST_EVENTS_KILL_AFTER_DELIVERY): delivered again, with
#     the same id -- the only duplicates the contract allows;
#  3. kill -9 at random moments while bounces arrive, restarted each
#     time: at the end every event has reached both sinks at least once,
#     and nothing else did;
#  4. an endpoint that always fails: dead after events.max_attempts,
#     said once in the log;
#  5. a redirect is not followed: a failure, nothing reaches its target;
#  6. events.format: listmonk with events.authorization_file: listmonk's
#     bounce body (a suppression, an ARF complaint) and the Authorization
#     header; an unsuppression skipped.
# usage: events_webhook.sh BOUNCED BOUNCECTL PYTHON SRCDIR WORKDIR
bounced=$1 bouncectl=$2 python=$3 src=$4 work=$5
. "$src/tests/integration/lib.sh"
. "$src/tests/integration/events_lib.sh"
rm -rf "$work" && mkdir -p "$work" && cd "$work"
mk_maildir md
pid= gen= WEB_PID=
# each step may fail (a process already gone) without skipping the next
trap '{ [ -n "$pid" ] && kill -9 "$pid"; } 2>/dev/null || true
{ [ -n "$gen" ] && kill "$gen"; } 2>/dev/null || true
web_stop' EXIT

hard=$src/examples/maildir/new/1732800001.M1P100Q1.example.org # kim.nobody 5.1.1
printf 'whsec-%s-0123456789abcdef\n' "$$" >secret
chmod 600 secret
printf '#!/bin/sh\n# the payload only on stdin\ncat >>"$1"\n' >hook.sh
web_start web --secret-file secret --fail-first 2
conf() { # conf FILE PORT [MORE-YAML]
	printf 'database: db\nmaildir:\n  path: md\n  batch_size: 20\npolicy:\n  accept_unverified: true\nevents:\n  exec: "sh %s/hook.sh %s/hook.out"\n  webhook: "http://127.0.0.1:%s/bounced"\n  secret_file: secret\n  timeout: 5s\n%b' \
	    "$PWD" "$PWD" "$2" "${3:-}" >"$1"
}
conf conf.yaml "$WEB_PORT"
start() {
	"$bounced" -c "${1:-conf.yaml}" 2>>log &
	pid=$!
}
stop() {
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	pid=
}
events() { sql db 'SELECT count(*) FROM events'; }
# A restart after a kill runs this many seconds later
# (BOUNCED_TEST_TIME_OFFSET): what the killed daemon was delivering is
# claimed until its claim ends, events.timeout x 16 + 60 s for the
# webhook (issue 18 item 2, lifecycle_claim_lease()); and within the
# receiver's five minutes for a signature's timestamp.
later=200
all_delivered() {
	n=$(events)
	[ "$n" -gt 0 ] && [ "$(delivered_to db webhook)" = "$n" ] && [ "$(delivered_to db exec)" = "$n" ]
}

# ---- 1. a bounce and a person; 500, 500, then 200 ----
start
cp "$hard" md/tmp/h1 && mv md/tmp/h1 md/new/
wait_for 30 all_delivered || { tail log; received web.log; fail "the bounce's event was not delivered"; }
[ "$(events)" = 1 ] || fail "$(events) events for one suppression"
id=$(sql db 'SELECT uuid FROM events')
received web.log >got
[ "$(wc -l <got)" = 3 ] || { cat got; fail "want 500, 500, 200"; }
[ "$(awk '{ print $1, $2, $3 }' got | tr '\n' ' ')" = "$id 500 True $id 500 True $id 200 True " ] ||
    { cat got; fail "retries: not the same event, or not signed"; }
grep -q "^$id 200 True suppressed kim.nobody@example.net\$" got || fail "payload: $(cat got)"
[ "$(hook_ids hook.out)" = "$id" ] || fail "exec hook: $(cat hook.out)"
grep -q '"type":"suppressed"' hook.out || fail "hook payload: $(cat hook.out)"
grep -q "not delivered, retrying: HTTP 500" log || fail "the first failure was not logged"
"$bouncectl" -d db suppress Pat@Example.org --note "asked by phone" >/dev/null
wait_for 20 all_delivered || { tail log; fail "bouncectl's event was not delivered"; }
received web.log | grep -q " 200 True suppressed pat@example.org\$" || fail "bouncectl suppress did not reach the endpoint"
grep -q '"address":"pat@example.org".*"source":"person".*"note":"asked by phone"' hook.out ||
    fail "bouncectl suppress did not reach the hook: $(cat hook.out)"
stop
echo "1. a bounce and bouncectl reach the endpoint and the hook; 2 x 500 retried with one id, signed"

# ---- 2. the two windows of a crash, deterministically ----
"$python" "$src/tests/integration/gen_bounces.py" --bouncectl "$bouncectl" \
    --count 5 --out md --seed 3 --prefix commit "$hard"
before=$(events)
if BOUNCED_TEST_KILL_AFTER_COMMIT=1 "$bounced" --once -c conf.yaml 2>>log; then
	fail "the commit hook did not kill bounced"
fi
[ "$(events)" = $((before + 5)) ] || fail "killed after the commit: $(events) events, want $((before + 5))"
all_delivered && fail "delivered before the kill: the window was not tested"
BOUNCED_TEST_TIME_OFFSET=$later "$bounced" --once -c conf.yaml 2>>log ||
    { tail log; fail "run after the kill"; }
all_delivered || fail "after the restart not every event was delivered"
echo "2a. killed between the commit and the delivery: the 5 events were delivered after the restart"
# the exec hook runs first: killed once it exited 0
"$bouncectl" -d db suppress late@example.org >/dev/null
id=$(sql db "SELECT uuid FROM events WHERE address = 'late@example.org'")
if BOUNCED_TEST_EVENTS_KILL_AFTER_DELIVERY=1 "$bounced" --once -c conf.yaml 2>>log; then
	fail "the delivery hook did not kill bounced"
fi
[ "$(hook_ids hook.out | grep -c "^$id\$")" = 1 ] || fail "the hook did not get it before the kill"
all_delivered && fail "marked although killed before the mark"
BOUNCED_TEST_TIME_OFFSET=$later "$bounced" --once -c conf.yaml 2>>log ||
    { tail log; fail "run after the kill"; }
all_delivered || fail "after the restart not every event was delivered"
n=$(hook_ids hook.out | grep -c "^$id\$")
[ "$n" = 2 ] || fail "want a second run of the hook with $id, got $n"
# the webhook alone: killed once the endpoint answered 200
conf conf-web.yaml "$WEB_PORT"
sed -i '/exec:/d' conf-web.yaml
"$bouncectl" -d db suppress later@example.org >/dev/null
id=$(sql db "SELECT uuid FROM events WHERE address = 'later@example.org'")
if BOUNCED_TEST_EVENTS_KILL_AFTER_DELIVERY=1 "$bounced" --once -c conf-web.yaml 2>>log; then
	fail "the delivery hook did not kill bounced"
fi
[ "$(received web.log | grep -c "^$id 200 True")" = 1 ] || fail "not delivered before the kill"
[ "$(delivered_to db webhook)" = $(($(events) - 1)) ] || fail "marked although killed before the mark"
BOUNCED_TEST_TIME_OFFSET=$later "$bounced" --once -c conf.yaml 2>>log ||
    { tail log; fail "run after the kill"; }
all_delivered || fail "after the restart not every event was delivered"
n=$(received web.log | grep -c "^$id 200 True")
[ "$n" = 2 ] || fail "want a second delivery of $id, got $n"
echo "2b. killed after the hook or the endpoint confirmed, before the mark: delivered again with the same id"

# ---- 3. kill -9 at random moments ----
"$python" "$src/tests/integration/gen_bounces.py" --bouncectl "$bouncectl" \
    --count 400 --out md --seed 11 --rate 400 --prefix rnd "$hard" &
gen=$!
kills=0
while [ $kills -lt 8 ]; do
	start
	sleep "0.$(awk -v s="$kills" 'BEGIN { srand(s * 7919 + 1); printf "%03d", 100 + int(rand() * 600) }')"
	kill -9 "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	pid=
	kills=$((kills + 1))
done
wait "$gen" || fail "generator failed"
gen=
BOUNCED_TEST_TIME_OFFSET=$later
export BOUNCED_TEST_TIME_OFFSET
start
unset BOUNCED_TEST_TIME_OFFSET
new_empty() { [ "$(count_files md/new)" = 0 ]; }
wait_for 60 new_empty || { tail log; fail "bounces left in new/"; }
wait_for 60 all_delivered || { tail log; fail "not every event delivered after the kills"; }
stop
sql db 'SELECT uuid FROM events' | sort >ids
received web.log | awk '$2 == 200 { print $1 }' | sort -u >web.ids
hook_ids hook.out | sort -u >hook.ids
cmp -s ids web.ids || { diff ids web.ids | head; fail "the endpoint's events differ from the outbox"; }
cmp -s ids hook.ids || { diff ids hook.ids | head; fail "the hook's events differ from the outbox"; }
received web.log | awk '$3 != "True"' | grep -q . && fail "a request without a valid signature"
total=$(wc -l <ids)
wdup=$(($(received web.log | awk '$2 == 200' | wc -l) - total))
hdup=$(($(hook_ids hook.out | wc -l) - total))
echo "3. killed $kills times while 400 bounces arrived: all $total events reached both sinks ($wdup duplicate requests, $hdup duplicate hook lines, each with its event's id)"

# ---- 4. dead letters ----
web_stop
web_start dead --secret-file secret --always-fail
conf conf-dead.yaml "$WEB_PORT" "  max_attempts: 3\n"
"$bouncectl" -d db suppress dead@example.org >/dev/null
id=$(sql db "SELECT uuid FROM events WHERE address = 'dead@example.org'")
start conf-dead.yaml
wait_for 30 sh -c "[ \"\$(sqlite3 -readonly db \"SELECT state FROM event_deliveries WHERE sink = 'webhook' AND event = (SELECT id FROM events WHERE uuid = '$id')\")\" = dead ]" ||
    { tail log; fail "not dead after 3 attempts"; }
sleep 1 # a fourth attempt would come within a second or two
stop
[ "$(received dead.log | grep -c "^$id 500")" = 3 ] || fail "want exactly 3 attempts: $(received dead.log)"
[ "$(grep -c "event $id (suppressed dead@example.org) is dead after 3 attempts: HTTP 500" log)" = 1 ] ||
    fail "the dead letter was not logged once"
[ "$(delivered_to db exec)" = "$(events)" ] || fail "the exec hook waited for the webhook"
echo "4. an endpoint that always fails: 3 attempts, then dead, logged once; the exec hook went on"

# ---- 5. a redirect is a failure, not followed ----
web_stop
web_start target
target=$WEB_PORT target_pid=$WEB_PID
WEB_PID=
web_start redir --secret-file secret --redirect "http://127.0.0.1:$target/elsewhere"
conf conf-redir.yaml "$WEB_PORT"
"$bouncectl" -d db suppress moved@example.org >/dev/null
"$bounced" --once -c conf-redir.yaml 2>>log || fail "bounced"
err=$(sql db "SELECT d.state || ' ' || d.last_error FROM event_deliveries d JOIN events e ON e.id = d.event WHERE e.address = 'moved@example.org' AND d.sink = 'webhook'")
case $err in
"pending HTTP 307"*) ;;
*) fail "a redirect: $err" ;;
esac
[ -s target.log ] && fail "the redirect was followed"
kill "$target_pid" && wait "$target_pid" 2>/dev/null || true
echo "5. a 307 is a failure ($err); its Location got nothing"

# ---- 6. listmonk ----
web_stop
web_start lm
printf 'Basic %s\n' "$(printf 'bounced:tok-%s' "$$" | base64)" >lm.auth
chmod 600 lm.auth
printf 'database: db\nmaildir:\n  path: md\npolicy:\n  accept_unverified: true\nevents:\n  webhook: "http://127.0.0.1:%s/webhooks/bounce"\n  format: listmonk\n  authorization_file: lm.auth\n' \
    "$WEB_PORT" >conf-lm.yaml
# an ARF abuse report (RFC 5965): a complaint
cp "$src/examples/maildir/new/1732800011.M1P100Q11.example.org" md/tmp/arf
mv md/tmp/arf md/new/
# the same webhook sink, another URL: it goes on where it was (with
# moved@ of step 5 first, due again a second or two after its failure)
"$bouncectl" -d db suppress lm@example.org >/dev/null
"$bouncectl" -d db unsuppress lm@example.org >/dev/null
lm_done() {
	"$bounced" --once -c conf-lm.yaml 2>>log || fail "bounced"
	[ "$(count_files md/new)" = 0 ] &&
	    [ "$(sql db "SELECT count(*) FROM event_deliveries WHERE sink = 'webhook' AND state = 'pending'")" = 0 ]
}
wait_for 20 lm_done || fail "listmonk: events still pending"
"$python" - "$(cat lm.auth)" <<'PY' || fail "listmonk's requests"
import json, sys
reqs = [json.loads(l) for l in open("lm.log")]
lm = [r for r in reqs if r["body"]["email"] == "lm@example.org"]
assert len(lm) == 1, lm                       # the unsuppression: skipped
b = lm[0]["body"]
assert lm[0]["path"] == "/webhooks/bounce"
assert lm[0]["auth"] == sys.argv[1], lm[0]["auth"]
assert set(b) == {"email", "source", "type", "meta"}, b
assert b["source"] == "bounced" and b["type"] == "hard", b
meta = json.loads(b["meta"])                  # an escaped JSON string
assert meta["type"] == "suppressed" and meta["address"] == "lm@example.org"
assert lm[0]["event_id"] == meta["id"]
c = [r["body"] for r in reqs if r["body"]["email"] == "terry@example.net"]
assert len(c) == 1 and c[0]["type"] == "complaint", c
assert json.loads(c[0]["meta"])["type"] == "complaint"
assert all(r["body"]["type"] in ("hard", "complaint") for r in reqs)
PY
skipped=$(sql db "SELECT count(*) FROM event_deliveries WHERE sink = 'webhook' AND state = 'skipped'")
[ "$skipped" = 1 ] || fail "the unsuppression was not skipped ($skipped)"
echo "6. listmonk: its bounce body (hard, complaint), the Authorization header; the unsuppression skipped"
