#!/bin/sh
# TLS that verifies: STARTTLS (RFC 3207) to 127.0.0.1 and to localhost
# with the test CA as ca_file is SENT over TLS; implicit TLS (RFC 8314)
# the same; a server that does not offer STARTTLS when we require it is
# CONFIG and gets no message in clear.
# usage: smtp_starttls.sh SMTP_CHECK PYTHON WORKDIR
check=$1 python=$2 work=$3
. "$(dirname "$0")/smtp_lib.sh"
need_aiosmtpd
need openssl
rm -rf "$work" && mkdir -p "$work" && cd "$work"
certs pki
message msg
sed 's/$/\r/' msg >msg.crlf

sink_start tls --tlscert pki/server.pem --tlskey pki/server.key
for host in 127.0.0.1 localhost; do
	run "out.$host" --host "$host" --port "$SINK_PORT" --tls starttls \
	    --ca-file pki/ca.pem --from resend@example.org \
	    --rcpt rcpt@example.net --message msg
	expect_outcome "out.$host" SENT 250
done
[ "$(delivered tls)" = 2 ] || fail "delivered $(delivered tls), want 2"
grep -q '^X-TLS: yes.$' tls/new/1.eml || fail "message 1 not over TLS"
grep -q '^X-TLS: yes.$' tls/new/2.eml || fail "message 2 not over TLS"
tail -n +6 tls/new/1.eml | cmp - msg.crlf || fail "body over TLS differs"

sink_start smtps --smtps --tlscert pki/server.pem --tlskey pki/server.key
run out.smtps --port "$SINK_PORT" --tls implicit --ca-file pki/ca.pem \
    --from resend@example.org --rcpt rcpt@example.net --message msg
expect_outcome out.smtps SENT 250
grep -q '^X-TLS: yes.$' smtps/new/1.eml || fail "implicit TLS flag"

sink_start clear
run out.clear --port "$SINK_PORT" --tls starttls --ca-file pki/ca.pem \
    --from resend@example.org --rcpt rcpt@example.net --message msg
expect_outcome out.clear CONFIG 0
grep -q "^reply=127.0.0.1 port $SINK_PORT does not offer STARTTLS" out.clear ||
    { cat out.clear; fail "reason"; }
[ "$(delivered clear)" = 0 ] || fail "delivered in clear"
echo "ok"
