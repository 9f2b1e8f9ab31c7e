#!/bin/sh
# A server that sends without end what libetpan would hold in memory: a
# multi-line reply whose "250-" lines never stop, and a greeting line
# that never ends. The guard (daemon/outbound/smtp_filter.h) cuts each at
# its bound: DEFERRED, naming the bound, long before the 64 MiB the
# server would send; before it, libetpan took it all and reported a
# closed connection (issue 14).
# usage: smtp_flood.sh SMTP_CHECK PYTHON WORKDIR
check=$1 python=$2 work=$3
. "$(dirname "$0")/smtp_lib.sh"
need_aiosmtpd
rm -rf "$work" && mkdir -p "$work" && cd "$work"
message msg

sink_start reply --flood reply
run out --port "$SINK_PORT" --timeout 10 --from resend@example.org \
    --rcpt rcpt@example.net --message msg
expect_outcome out DEFERRED 0
grep -q "^reply=EHLO: 127.0.0.1 port $SINK_PORT sent a reply over 1 MiB\$" out ||
    { cat out; fail "endless reply: reason"; }

sink_start line --flood line
run out --port "$SINK_PORT" --timeout 10 --from resend@example.org \
    --rcpt rcpt@example.net --message msg
expect_outcome out DEFERRED 0
grep -q "^reply=greeting: 127.0.0.1 port $SINK_PORT sent a reply line over 64 KiB\$" out ||
    { cat out; fail "endless line: reason"; }
echo "ok"
