#!/bin/sh
# Nothing listens on the port: DEFERRED, no reply code, and the reason
# names the refusal.
# usage: smtp_down.sh SMTP_CHECK PYTHON WORKDIR
check=$1 python=$2 work=$3
. "$(dirname "$0")/smtp_lib.sh"
need_aiosmtpd
rm -rf "$work" && mkdir -p "$work" && cd "$work"
message msg

port=$(free_port "$python")
run out --port "$port" --from resend@example.org --rcpt rcpt@example.net \
    --message msg
expect_outcome out DEFERRED 0
grep -q "^reply=connect to 127.0.0.1 port $port: Connection refused$" out ||
    { cat out; fail "reason"; }
echo "ok"
