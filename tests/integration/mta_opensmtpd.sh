#!/bin/sh
# OpenSMTPD's own bounces for the seed's cases, and bounced's verdicts on
# them. Debian's opensmtpd, unpacked by scripts/deps.sh into MTA_ROOT,
# runs as if installed in a private mount namespace (mta_ns.sh) that has
# its compiled-in users opensmtpd and opensmtpq, its queue at the
# compiled-in /var/spool/smtpd (an overlay kept in the test's directory)
# and our smtpd.conf given with -f. Everything relays to the scripted
# peer; a 4xx is given up after 6 seconds, with a warning after 2
# (smtpd.conf(5): queue ttl, bounce warn-interval).
# usage: mta_opensmtpd.sh BOUNCECTL PYTHON WORKDIR MTA_ROOT
bouncectl=$1 python=$2 work=$3 MTA_ROOT=$4 MTA=opensmtpd
rm -rf "$work" && mkdir -p "$work"
work=$(cd "$work" && pwd)
. "$(dirname "$0")/mta_lib.sh"
need_root_tree
[ -x "$MTA_ROOT/usr/sbin/smtpd" ] ||
    skip "no smtpd in $MTA_ROOT (scripts/deps.sh unpacks opensmtpd)"
cd "$work"
need ip
MTA_NETNS=1
ns_start opensmtpd:64998:opensmtpd:64998 opensmtpq:64997:opensmtpq:64997
MTA_RUN="nsenter -t $NS_PID $NS_FLAGS --"
PEER_DNS=1
peer_start
MTA_PORT=$(ns_free_port)
# Its SMTP client's time-outs are compiled in (minutes), so a silent peer
# would outlast the test; so would a real loop, at a second a hop up to
# its compiled-in 100 hops.
MTA_CASES="unknown,unknowndata,full,fulltemp,toobig,hops,toomanyhops,relay,spam,virus,nohost"
MTA_CASES_WHY="time-outs fixed at minutes; 100 hops take 100 s"

cat >smtpd.conf <<CONF
queue ttl 6s
bounce warn-interval 2s
listen on 127.0.0.1 port $MTA_PORT hostname opensmtpd.test
action "peer" relay host smtp://127.0.0.1:$PEER_PORT
action "self" relay host smtp://127.0.0.1:$MTA_PORT
action "mx" relay
match from any for domain "loop.example.net" action "self"
match from any for domain "nxdomain.example.net" action "mx"
match from any for any action "peer"
CONF
ns /usr/sbin/smtpd -n -f "$work/smtpd.conf" >smtpd.check 2>&1 ||
    { cat smtpd.check >&2; skip "OpenSMTPD rejects its config here"; }
ns_bg /usr/sbin/smtpd -d -f "$work/smtpd.conf" >smtpd.log 2>&1
wait_for 20 ns_port_open "$MTA_PORT" ||
    { cat smtpd.log >&2; fail "OpenSMTPD did not start"; }
check_bounces --delay-warning 40
