# Shared by the events' tests (sourced after lib.sh): the webhook
# receiver (webhook_server.py, Debian's /usr/bin/python3) started and
# stopped by PID, and what it and the exec hook received.

# web_start NAME [ARGS...]: starts a receiver logging to NAME.log; sets
# WEB_PID and WEB_PORT
web_start() {
	_name=$1
	shift
	rm -f "$_name.port"
	"$python" "$src/tests/integration/webhook_server.py" \
	    --port-file "$_name.port" --log "$_name.log" "$@" 2>>"$_name.err" &
	WEB_PID=$!
	wait_for 10 test -s "$_name.port" || fail "webhook server did not start"
	WEB_PORT=$(cat "$_name.port")
}

web_stop() {
	if [ -n "${WEB_PID:-}" ]; then
		kill "$WEB_PID" 2>/dev/null || true
		wait "$WEB_PID" 2>/dev/null || true
	fi
	WEB_PID=
}

# received LOG: "event_id status sig_ok type address" per request
received() {
	"$python" -c 'import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    b = r["body"] or {}
    print(r["event_id"], r["status"], r["sig_ok"], r["type"],
          b.get("address", b.get("email")))' "$1" 2>/dev/null || true
}

# hook_ids FILE: the event ids the exec hook read, one per line
hook_ids() {
	"$python" -c 'import json, sys
for line in open(sys.argv[1]):
    print(json.loads(line)["id"])' "$1" 2>/dev/null || true
}

# delivered_to DB SINK: how many events the sink has delivered
delivered_to() {
	sql "$1" "SELECT count(*) FROM event_deliveries WHERE sink = '$2' AND state = 'delivered'"
}
