#!/bin/sh
# A certificate from a CA we do not trust: CONFIG, nothing delivered, and
# the reason says so -- with another CA as ca_file, with the system trust
# (no ca_file), over STARTTLS and implicit TLS; an expired certificate
# from the right CA: CONFIG, "expired".
# usage: smtp_badca.sh SMTP_CHECK PYTHON WORKDIR
check=$1 python=$2 work=$3
. "$(dirname "$0")/smtp_lib.sh"
need_aiosmtpd
need openssl
rm -rf "$work" && mkdir -p "$work" && cd "$work"
certs pki
message msg

# refused NAME PORT TLS [--ca-file F]: must be refused as CONFIG
refused() {
	_name=$1 _port=$2 _tls=$3
	shift 3
	run "out.$_name" --port "$_port" --tls "$_tls" "$@" \
	    --from resend@example.org --rcpt rcpt@example.net --message msg
	expect_outcome "out.$_name" CONFIG 0
}

sink_start tls --tlscert pki/server.pem --tlskey pki/server.key
refused otherca "$SINK_PORT" starttls --ca-file pki/other-ca.pem
grep -q "^reply=TLS to 127.0.0.1 port $SINK_PORT: certificate signed by an unknown authority$" \
    out.otherca || { cat out.otherca; fail "reason (other CA)"; }
refused system "$SINK_PORT" starttls
grep -q 'certificate signed by an unknown authority$' out.system ||
    { cat out.system; fail "reason (system trust)"; }
[ "$(delivered tls)" = 0 ] || fail "delivered to an untrusted server"

sink_start smtps --smtps --tlscert pki/server.pem --tlskey pki/server.key
refused smtps "$SINK_PORT" implicit --ca-file pki/other-ca.pem
grep -q 'certificate signed by an unknown authority$' out.smtps ||
    { cat out.smtps; fail "reason (implicit TLS)"; }
[ "$(delivered smtps)" = 0 ] || fail "delivered over implicit TLS"

# An expired server certificate: `openssl ca` takes explicit dates.
mkdir -p pki/db && : >pki/db/index && echo 01 >pki/db/serial
cat >pki/ca.cnf <<CNF
[ca]
default_ca = test
[test]
dir = pki/db
database = pki/db/index
serial = pki/db/serial
new_certs_dir = pki/db
default_md = sha256
policy = any
copy_extensions = none
[any]
commonName = supplied
CNF
openssl req -newkey rsa:2048 -nodes -keyout pki/old.key -out pki/old.csr \
    -subj /CN=localhost 2>/dev/null || fail "openssl: old key"
openssl ca -batch -config pki/ca.cnf -cert pki/ca.pem -keyfile pki/ca.key \
    -startdate 20200101000000Z -enddate 20200201000000Z \
    -extfile pki/server.ext -in pki/old.csr -out pki/old.pem 2>ca.log ||
    { cat ca.log; fail "openssl ca: expired certificate"; }
sink_start old --tlscert pki/old.pem --tlskey pki/old.key
refused expired "$SINK_PORT" starttls --ca-file pki/ca.pem
grep -q 'certificate expired$' out.expired || { cat out.expired; fail "reason (expired)"; }
[ "$(delivered old)" = 0 ] || fail "delivered with an expired certificate"
echo "ok"
