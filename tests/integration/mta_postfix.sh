#!/bin/sh
# Postfix's own bounces (bounce(8), RFC 3464 DSNs) for the seed's cases,
# and bounced's verdicts on them. The machine's Postfix, with its own
# config and queue directory (smtp_lib.sh's postfix_start): everything
# relays to the scripted peer, hang.example.net to its silent port; a
# 4xx is retried every second and given up after 4 seconds (the
# time-out case on its second try), with a delay warning after 2
# (postconf(5): maximal_queue_lifetime, delay_warning_time).
# usage: mta_postfix.sh BOUNCECTL PYTHON WORKDIR MTA_ROOT
bouncectl=$1 python=$2 work=$3 MTA_ROOT=$4 MTA=postfix
rm -rf "$work" && mkdir -p "$work"
work=$(cd "$work" && pwd)
. "$(dirname "$0")/mta_lib.sh"
cd "$work"
peer_start

postfix_start pf "default_transport = smtp
relay_transport = smtp
relayhost = [127.0.0.1]:$PEER_PORT
transport_maps = inline:{ { hang.example.net = smtp:[127.0.0.1]:$HANG_PORT } }
alias_maps =
alias_database =
smtp_connect_timeout = 2s
smtp_helo_timeout = 2s
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 1s
maximal_queue_lifetime = 4s
bounce_queue_lifetime = 4s
delay_warning_time = 2s"
MTA_PORT=$PF_PORT
# a real loop: loop.example.net is routed back to this Postfix itself
postconf -c "$work/pf/etc" -e "transport_maps = inline:{ { hang.example.net = smtp:[127.0.0.1]:$HANG_PORT }, { loop.example.net = smtp:[127.0.0.1]:$PF_PORT } }"
postfix -c "$work/pf/etc" reload >/dev/null 2>&1
# the hop case through sendmail(1): smtpd refuses it at once
MTA_LOCAL="/usr/sbin/sendmail -C $work/pf/etc -f sender@example.org"
check_bounces --delay-warning 40
