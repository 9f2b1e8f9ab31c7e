#!/bin/sh
# A certificate from the trusted CA, but for another name: connecting to
# 127.0.0.1 or to localhost is CONFIG, "host name mismatch", naming the
# name the certificate is for; nothing delivered.
# usage: smtp_hostname.sh SMTP_CHECK PYTHON WORKDIR
check=$1 python=$2 work=$3
. "$(dirname "$0")/smtp_lib.sh"
need_aiosmtpd
need openssl
rm -rf "$work" && mkdir -p "$work" && cd "$work"
certs pki
message msg

sink_start tls --tlscert pki/wrongname.pem --tlskey pki/wrongname.key
for host in 127.0.0.1 localhost; do
	run "out.$host" --host "$host" --port "$SINK_PORT" --tls starttls \
	    --ca-file pki/ca.pem --from resend@example.org \
	    --rcpt rcpt@example.net --message msg
	expect_outcome "out.$host" CONFIG 0
	grep -q "^reply=TLS to $host port $SINK_PORT: host name mismatch: certificate is for mail.example.net, not $host$" \
	    "out.$host" || { cat "out.$host"; fail "$host: reason"; }
done
[ "$(delivered tls)" = 0 ] || fail "delivered to the wrong host"
echo "ok"
