#!/bin/sh
# A server that accepts the connection and never greets: DEFERRED once
# resend.smtp.timeout has passed, not the 5 minutes libetpan waits by
# default.
# usage: smtp_timeout.sh SMTP_CHECK PYTHON WORKDIR
check=$1 python=$2 work=$3
. "$(dirname "$0")/smtp_lib.sh"
need_aiosmtpd
rm -rf "$work" && mkdir -p "$work" && cd "$work"
message msg

sink_start hang --hang
start=$(date +%s)
run out --port "$SINK_PORT" --timeout 2 --from resend@example.org \
    --rcpt rcpt@example.net --message msg
took=$(($(date +%s) - start))
expect_outcome out DEFERRED 0
grep -q '^reply=greeting: connection closed or no reply within 2 s$' out ||
    { cat out; fail "reason"; }
if [ "$took" -lt 1 ] || [ "$took" -gt 10 ]; then
	fail "took ${took}s with a 2s timeout"
fi
echo "ok"
