#!/bin/sh
# The webhook over HTTPS (issue 15 item 3): a CA made here, a server
# certificate for 127.0.0.1 signed by it, the receiver (webhook_server.py)
# on TLS. events.ca_file naming that CA: delivered. Another CA: refused
# (the certificate does not verify), the event stays pending with the
# reason, and nothing reached the server; so does no ca_file (the
# system's CAs do not know the test CA).
# usage: events_https.sh BOUNCED BOUNCECTL PYTHON SRCDIR WORKDIR
bounced=$1 bouncectl=$2 python=$3 src=$4 work=$5
. "$src/tests/integration/lib.sh"
. "$src/tests/integration/events_lib.sh"
command -v openssl >/dev/null 2>&1 || { echo "SKIP: openssl is not installed"; exit 77; }
rm -rf "$work" && mkdir -p "$work" && cd "$work"
mk_maildir md
WEB_PID=
trap 'web_stop' EXIT

# mk_ca NAME: a self-signed CA (EC keys: quick to make)
mk_ca() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
	    -nodes -keyout "$1.key" -out "$1.pem" -days 2 \
	    -subj "/CN=bounced test $1" \
	    -addext "basicConstraints=critical,CA:TRUE" \
	    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null ||
	    fail "openssl: CA $1"
}
mk_ca ca
mk_ca wrongca
printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature\n' >ext.cnf
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout server.key -out server.csr -subj "/CN=127.0.0.1" 2>/dev/null
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
    -out server.pem -days 2 -extfile ext.cnf 2>/dev/null || fail "openssl: server certificate"
printf 'https-secret-%s-0123456789\n' "$$" >secret
chmod 600 secret
web_start web --secret-file secret --cert server.pem --key server.key
conf() { # conf FILE CA
	printf 'database: db\nmaildir:\n  path: md\nevents:\n  webhook: "https://127.0.0.1:%s/hook"\n  secret_file: secret\n  ca_file: %s\n  timeout: 5s\n' \
	    "$WEB_PORT" "$2" >"$1"
}
state() { # state ADDRESS: its webhook delivery's state and last error
	sql db "SELECT d.state || ' ' || COALESCE(d.last_error, '') FROM event_deliveries d JOIN events e ON e.id = d.event WHERE e.address = '$1' AND d.sink = 'webhook'"
}

# the wrong CA first: refused, pending, nothing received
conf wrong.yaml wrongca.pem
"$bounced" --once -c wrong.yaml 2>>log || { cat log; fail "bounced"; } # the database
"$bouncectl" -d db suppress first@example.org >/dev/null
"$bounced" --once -c wrong.yaml 2>>log || { cat log; fail "bounced"; }
s=$(state first@example.org)
case $s in
pending*certificate*|pending*SSL*|pending*issuer*) ;;
*) cat log; fail "with the wrong CA: $s" ;;
esac
[ -s web.log ] && fail "the server got a request over an unverified connection"
echo "wrong CA: refused ($s)"

# the right CA: delivered, signed
conf right.yaml ca.pem
# the retry is due a second after the failure
wait_for 10 sh -c "'$bounced' --once -c right.yaml 2>>log && [ \"\$(sqlite3 -readonly db \"SELECT d.state FROM event_deliveries d JOIN events e ON e.id = d.event WHERE e.address = 'first@example.org'\")\" = delivered ]" ||
    { tail log; fail "not delivered with the right CA: $(state first@example.org)"; }
received web.log | grep -q " 200 True suppressed first@example.org\$" || fail "received: $(received web.log)"
echo "right CA: delivered, signature verified"

# the system's CAs do not know ours: without ca_file it is refused too
sed '/ca_file/d' right.yaml >system.yaml
"$bouncectl" -d db suppress second@example.org >/dev/null
"$bounced" --once -c system.yaml 2>>log || fail "bounced"
case $(state second@example.org) in
pending*) ;;
*) fail "the system's CAs accepted a test CA: $(state second@example.org)" ;;
esac
echo "no ca_file: the system's CAs refuse the test CA"
