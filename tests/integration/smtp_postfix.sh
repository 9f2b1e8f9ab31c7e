#!/bin/sh
# Reply codes from a real Postfix (its own instance on a loopback port):
# 250 after DATA is SENT; a 4xx to RCPT or after the data is DEFERRED, a
# 5xx to MAIL, RCPT or DATA is FAILED -- each with Postfix's code and text.
# usage: smtp_postfix.sh SMTP_CHECK PYTHON WORKDIR
check=$1 python=$2 work=$3
. "$(dirname "$0")/smtp_lib.sh"
need_aiosmtpd
rm -rf "$work" && mkdir -p "$work" && cd "$work"
message msg

postfix_start pf "smtpd_delay_reject = no
smtpd_sender_restrictions = check_sender_access inline:{ { badsender@example.org = 553 5.7.1 sender refused } }
smtpd_recipient_restrictions = check_recipient_access inline:{ { deferme@example.net = 450 4.2.0 try again later }, { rejectme@example.net = 550 5.1.1 no such user } }, permit_mynetworks, reject_unauth_destination
smtpd_data_restrictions = check_sender_access inline:{ { nodata@example.org = 554 5.7.1 data refused } }
smtpd_end_of_data_restrictions = check_sender_access inline:{ { eod@example.org = 451 4.3.0 end of data deferred } }"

# send NAME FROM RCPT OUTCOME CODE REPLY_REGEX
send() {
	run "out.$1" --port "$PF_PORT" --from "$2" --rcpt "$3" --message msg
	expect_outcome "out.$1" "$4" "$5"
	grep -Eq "^reply=$6\$" "out.$1" || { cat "out.$1"; fail "$1: reply"; }
}

send ok resend@example.org ok@example.net SENT 250 \
    '2\.0\.0 Ok: queued as [0-9A-Za-z]+'
send rcpt450 resend@example.org deferme@example.net DEFERRED 450 \
    '4\.2\.0 <deferme@example\.net>: Recipient address rejected: try again later'
send rcpt550 resend@example.org rejectme@example.net FAILED 550 \
    '5\.1\.1 <rejectme@example\.net>: Recipient address rejected: no such user'
send mail553 badsender@example.org ok@example.net FAILED 553 \
    '5\.7\.1 <badsender@example\.org>: Sender address rejected: sender refused'
send data554 nodata@example.org ok@example.net FAILED 554 \
    '5\.7\.1 <nodata@example\.org>: Sender address rejected: data refused'
send eod451 eod@example.org ok@example.net DEFERRED 451 \
    '4\.3\.0 <eod@example\.org>: Sender address rejected: end of data deferred'

# Postfix saw one message through, and our QUIT each time.
wait_for 10 grep -q 'status=sent (test)' pf/maillog || fail "no delivery logged"
[ "$(grep -c 'postfix/smtpd.*disconnect from .* ehlo=1 .*quit=1' pf/maillog)" = 6 ] ||
    { grep disconnect pf/maillog; fail "QUIT missing"; }
echo "ok"
