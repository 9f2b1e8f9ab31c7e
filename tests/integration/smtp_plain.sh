#!/bin/sh
# smtp_send() in clear to aiosmtpd on 127.0.0.1: the envelope is ours, the
# message arrives byte for byte with CRLF line ends and dot-stuffing undone
# by the server (a line starting with "." and a line of just "." intact),
# from an LF file and from a CRLF file alike; EHLO says resend.smtp.helo
# or gethostname(); an address that would break the command line is
# refused before connecting.
# usage: smtp_plain.sh SMTP_CHECK PYTHON WORKDIR
check=$1 python=$2 work=$3
. "$(dirname "$0")/smtp_lib.sh"
need_aiosmtpd
rm -rf "$work" && mkdir -p "$work" && cd "$work"

sink_start sink
message msg
sed 's/$/\r/' msg >msg.crlf

run out --port "$SINK_PORT" --tls none --helo relay.example.org \
    --from resend@example.org --rcpt rcpt@example.net --message msg
expect_outcome out SENT 250
grep -q '^reply=2\.0\.0 Ok: queued as 1$' out || { cat out; fail "reply text"; }
[ "$(delivered sink)" = 1 ] || fail "delivered $(delivered sink), want 1"
got=sink/new/1.eml
grep -q '^X-MailFrom: resend@example.org.$' "$got" || fail "envelope sender"
grep -q '^X-RcptTo: rcpt@example.net.$' "$got" || fail "envelope recipient"
grep -q '^X-Helo: relay.example.org.$' "$got" || fail "EHLO name"
grep -q '^X-TLS: no.$' "$got" || fail "TLS flag"
tail -n +6 "$got" >body
cmp body msg.crlf || { od -c body | tail -20; fail "body differs"; }

# The same message with CRLF line ends: not doubled, not changed.
run out2 --port "$SINK_PORT" --tls none --from resend@example.org \
    --rcpt rcpt@example.net --message msg.crlf
expect_outcome out2 SENT 250
tail -n +6 sink/new/2.eml >body2
cmp body2 msg.crlf || fail "CRLF body differs"
grep -q "^X-Helo: $(hostname).$" sink/new/2.eml || fail "default EHLO name is not gethostname()"

# Without a final line end the last line still ends in CRLF on the wire.
printf 'Subject: x\n\nno final newline' >msg.nonl
run out3 --port "$SINK_PORT" --from resend@example.org \
    --rcpt rcpt@example.net --message msg.nonl
expect_outcome out3 SENT 250
printf 'Subject: x\r\n\r\nno final newline\r\n' >want3
tail -n +6 sink/new/3.eml | cmp - want3 || fail "no-final-newline body"

# An address with CRLF in it (from a hostile bounce) never reaches the wire.
run out4 --port "$SINK_PORT" --from resend@example.org \
    --rcpt "$(printf 'x@example.net>\r\nRCPT TO:<y@example.net')" \
    --message msg
expect_outcome out4 FAILED 0
[ "$(delivered sink)" = 3 ] || fail "bad address delivered"
echo "ok"
