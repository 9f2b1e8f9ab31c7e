#!/bin/sh
# AUTH (RFC 4954) after STARTTLS: the right password from password_file
# (its trailing newline, LF or CRLF, not part of it) is SENT as that user;
# a wrong one is CONFIG with the server's 535; a missing password file is
# CONFIG before any connection; a server offering no AUTH PLAIN or LOGIN
# is CONFIG.
# usage: smtp_auth.sh SMTP_CHECK PYTHON WORKDIR
check=$1 python=$2 work=$3
. "$(dirname "$0")/smtp_lib.sh"
need_aiosmtpd
need openssl
rm -rf "$work" && mkdir -p "$work" && cd "$work"
certs pki
message msg
printf 'pa:ss word\n' >pw.lf
printf 'pa:ss word\r\n' >pw.crlf
printf 'wrong\n' >pw.wrong

# send NAME PORT PASSWORD_FILE
send() {
	run "out.$1" --port "$2" --tls starttls --ca-file pki/ca.pem \
	    --user bounced --password-file "$3" --from resend@example.org \
	    --rcpt rcpt@example.net --message msg
}

sink_start auth --tlscert pki/server.pem --tlskey pki/server.key \
    --auth 'bounced:pa:ss word'
send lf "$SINK_PORT" pw.lf
expect_outcome out.lf SENT 250
send crlf "$SINK_PORT" pw.crlf
expect_outcome out.crlf SENT 250
[ "$(delivered auth)" = 2 ] || fail "delivered $(delivered auth), want 2"
grep -q '^X-Auth: bounced.$' auth/new/1.eml || fail "not authenticated as bounced"
grep -q '^X-TLS: yes.$' auth/new/1.eml || fail "AUTH not over TLS"

send wrong "$SINK_PORT" pw.wrong
expect_outcome out.wrong CONFIG 535
send missing "$SINK_PORT" pw.missing
expect_outcome out.missing CONFIG 0
grep -q "^reply=password_file pw.missing: No such file or directory$" out.missing ||
    { cat out.missing; fail "missing password file: reason"; }
[ "$(delivered auth)" = 2 ] || fail "delivered without AUTH"
# Before connecting: nothing listens there, yet it is no refused connect.
send early "$(free_port "$python")" pw.missing
expect_outcome out.early CONFIG 0

sink_start noauth --tlscert pki/server.pem --tlskey pki/server.key
send noauth "$SINK_PORT" pw.lf
expect_outcome out.noauth CONFIG 0
grep -q 'offers no AUTH PLAIN or LOGIN$' out.noauth || { cat out.noauth; fail "no AUTH: reason"; }
[ "$(delivered noauth)" = 0 ] || fail "delivered without AUTH"
echo "ok"
