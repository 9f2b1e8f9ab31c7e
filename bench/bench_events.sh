#!/bin/sh
# Events out (issue 15 item 3): how fast the outbox drains, and how long
# an event takes from its bounce to the endpoint.
#  - throughput: COUNT hard bounces (each one suppression event) waiting
#    in the Maildir, bounced started with a webhook (webhook_server.py,
#    signed) and an exec hook (cat >> file); the receiver's first and
#    last request give the webhook's events/s, the database the hook's;
#  - latency: with the daemon idle, one bounce file at a time moved into
#    new/; the receiver's clock minus the moment of the move (reading,
#    parsing, the commit, the delivery), and the same for bouncectl
#    suppress (another process: the worker looks every 200 ms).
# usage: bench/bench_events.sh BUILD_DIR [COUNT] [SAMPLES]
set -eu
build=$(cd "$1" && pwd) count=${2:-2000} samples=${3:-20}
src=$(cd "$(dirname "$0")/.." && pwd)
bounced=$build/daemon/bounced bouncectl=$build/cli/bouncectl python=/usr/bin/python3
. "$src/tests/integration/lib.sh"
. "$src/tests/integration/events_lib.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-events.XXXXXX")
cd "$work"
pid= WEB_PID=
trap '{ [ -n "$pid" ] && kill "$pid"; } 2>/dev/null || true; web_stop; rm -rf "$work"' EXIT
mk_maildir md
hard=$src/examples/maildir/new/1732800001.M1P100Q1.example.org
head -c 32 /dev/urandom | base64 >secret
web_start web --secret-file secret
printf 'database: db\nmaildir:\n  path: md\npolicy:\n  accept_unverified: true\nevents:\n  exec: "cat >>%s/hook.out"\n  webhook: "http://127.0.0.1:%s/"\n  secret_file: secret\n' \
    "$PWD" "$WEB_PORT" >conf.yaml
"$python" "$src/tests/integration/gen_bounces.py" --bouncectl "$bouncectl" \
    --count "$count" --out md --seed 5 "$hard" >/dev/null
"$bounced" -c conf.yaml 2>log &
pid=$!
done_() {
	n=$(sql db 'SELECT count(*) FROM events' 2>/dev/null || echo 0)
	[ "$n" -ge "$count" ] &&
	    [ "$(sql db "SELECT count(*) FROM event_deliveries WHERE state = 'delivered'")" = $((2 * n)) ]
}
wait_for 600 done_ || { tail log; fail "not all delivered"; }
"$python" - <<'PY'
import json
t = [json.loads(l)["at"] for l in open("web.log")]
n = len(t)
print("webhook: %d events in %.2f s: %.0f events/s (one POST each, signed, keep-alive)"
      % (n, t[-1] - t[0], (n - 1) / (t[-1] - t[0])))
PY
echo "exec hook: $(wc -l <hook.out) events (batches of events.batch = 100)"
: >web.log
i=0
while [ $i -lt "$samples" ]; do
	{ printf 'X-Bench: %s\n' "$i"; sed "s/kim.nobody@example.net/lat$i@example.net/g" "$hard"; } >md/tmp/l$i
	t0=$("$python" -c 'import time; print(time.time())')
	mv md/tmp/l$i md/new/
	wait_for 10 grep -q "lat$i@example.net" web.log || fail "sample $i not delivered"
	echo "$t0" >>t0
	i=$((i + 1))
done
i=0
while [ $i -lt 5 ]; do
	t0=$("$python" -c 'import time; print(time.time())')
	"$bouncectl" -d db suppress "ctl$i@example.org" >/dev/null
	wait_for 10 grep -q "ctl$i@example.org" web.log || fail "ctl $i not delivered"
	echo "$t0" >>t1
	i=$((i + 1))
done
"$python" - <<'PY'
import json, statistics
got = [json.loads(l) for l in open("web.log")]
def lat(prefix, t0s):
    at = {}
    for r in got:
        a = r["body"]["address"]
        if a.startswith(prefix):
            at.setdefault(int(a[len(prefix):].split("@")[0]), r["at"])
    d = [1000 * (at[i] - t) for i, t in enumerate(t0s)]
    return statistics.median(d), max(d)
t0 = [float(x) for x in open("t0")]
t1 = [float(x) for x in open("t1")]
print("bounce file -> endpoint: median %.1f ms, max %.1f ms (%d samples)" % (*lat("lat", t0), len(t0)))
print("bouncectl suppress -> endpoint: median %.0f ms, max %.0f ms (%d samples; PRAGMA data_version every 200 ms)" % (*lat("ctl", t1), len(t1)))
PY
