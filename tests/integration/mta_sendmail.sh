#!/bin/sh
# Sendmail's own bounces for the seed's cases, and bounced's verdicts on
# them. Debian's sendmail-bin, unpacked by scripts/deps.sh into MTA_ROOT,
# runs as if installed in a private mount namespace (mta_ns.sh) that has
# its compiled-in smmsp user; sendmail.cf is built with m4 from
# sendmail-cf's macros (cf/README) and given with -C, its queue under
# the test's directory. Everything relays to the scripted peer (the
# esmtp mailer's port), hang.example.net to its silent port (the relay
# mailer's) and loop.example.net back to this sendmail (smtp8's), by
# mailertable; a 4xx is given up after 6 seconds, with a warning after 2
# (Timeout.queuereturn, Timeout.queuewarn). The namespace has its own
# network too (mta_ns.sh with MTA_NETNS=1), where the peer also answers
# DNS with NXDOMAIN: the mailertable sends nxdomain.example.net to the
# esmtp mailer by its name (an MX, then an address lookup: cf/README
# "MAILERTABLE"), which finds no such host -- the no-such-domain case,
# offline; every other name is still in /etc/hosts first.
# usage: mta_sendmail.sh BOUNCECTL PYTHON WORKDIR MTA_ROOT
bouncectl=$1 python=$2 work=$3 MTA_ROOT=$4 MTA=sendmail
rm -rf "$work" && mkdir -p "$work"
work=$(cd "$work" && pwd)
. "$(dirname "$0")/mta_lib.sh"
need_root_tree
sm=/usr/libexec/sendmail/sendmail
[ -x "$MTA_ROOT$sm" ] ||
    skip "no $sm in $MTA_ROOT (scripts/deps.sh unpacks sendmail-bin)"
cf=$MTA_ROOT/usr/share/sendmail/cf
[ -f "$cf/m4/cf.m4" ] || skip "no sendmail-cf macros in $MTA_ROOT"
need m4
cd "$work"
need ip
MTA_NETNS=1
ns_start smmsp:64996:smmsp:64996
MTA_RUN="nsenter -t $NS_PID $NS_FLAGS --"
PEER_DNS=1
peer_start
MTA_PORT=$(ns_free_port)
d=$work/sm
mkdir -p "$d/mqueue" "$d/clientmqueue"
chmod 700 "$d/mqueue"
chmod 755 "$work" "$d"
# Sendmail refuses an alias file, map or queue whose directory path has a
# group- or world-writable step (a clone under /tmp has one): inside the
# namespace the test's directory is bound at /etc/mail/bounced-test, a
# path of root-owned 755 directories, which sendmail.cf names (sendmail
# checks every directory on the path: its README, "DontBlameSendmail")
sd=/etc/mail/bounced-test
ns mkdir -p "$sd"
ns mount --bind "$d" "$sd"
printf 'hosts files dns\naliases files\n' >"$d/service.switch"
# the one it reads before sendmail.cf, to qualify its own name: files
# first (its name is in /etc/hosts), then the namespace's NXDOMAIN DNS
ns cp "$d/service.switch" /etc/mail/service.switch
: >"$d/aliases"
printf '%s\n' "hang.example.net relay:[127.0.0.1]" \
    "loop.example.net smtp8:[127.0.0.1]" \
    "nxdomain.example.net esmtp:nxdomain.example.net" >"$d/mailertable"

cat >"$d/sendmail.mc" <<MC
divert(-1)
# the test's own sendmail: everything under $sd, DNS only in its netns
divert(0)dnl
include(\`$cf/m4/cf.m4')dnl
VERSIONID(\`bounced test')dnl
OSTYPE(\`linux')dnl
define(\`confDOMAIN_NAME', \`sendmail.test')dnl
define(\`confDONT_PROBE_INTERFACES', \`True')dnl
define(\`confSERVICE_SWITCH_FILE', \`$sd/service.switch')dnl
define(\`ALIAS_FILE', \`$sd/aliases')dnl
define(\`QUEUE_DIR', \`$sd/mqueue')dnl
define(\`confPID_FILE', \`$sd/sendmail.pid')dnl
define(\`STATUS_FILE', \`$sd/statistics')dnl
define(\`confHOST_STATUS_DIRECTORY', \`')dnl
define(\`confTO_QUEUEWARN', \`2s')dnl
define(\`confTO_QUEUERETURN', \`6s')dnl
define(\`confTO_CONNECT', \`2s')dnl
define(\`confTO_ICONNECT', \`2s')dnl
define(\`confTO_INITIAL', \`2s')dnl
define(\`confMIN_QUEUE_AGE', \`0')dnl
define(\`confDELIVERY_MODE', \`background')dnl
define(\`confPRIVACY_FLAGS', \`authwarnings')dnl
define(\`SMART_HOST', \`esmtp:[127.0.0.1]')dnl
define(\`ESMTP_MAILER_ARGS', \`TCP \$h $PEER_PORT')dnl
define(\`RELAY_MAILER_ARGS', \`TCP \$h $HANG_PORT')dnl
define(\`SMTP8_MAILER_ARGS', \`TCP \$h $MTA_PORT')dnl
FEATURE(\`nocanonify')dnl
FEATURE(\`mailertable', \`hash $sd/mailertable')dnl
FEATURE(\`promiscuous_relay')dnl
FEATURE(\`accept_unresolvable_domains')dnl
DAEMON_OPTIONS(\`Port=$MTA_PORT, Addr=127.0.0.1, Name=MTA')dnl
MAILER(\`local')dnl
MAILER(\`smtp')dnl
MC
m4 "$d/sendmail.mc" >"$d/sendmail.cf" 2>"$d/m4.err" ||
    { cat "$d/m4.err" >&2; fail "m4 could not build sendmail.cf"; }
ns /usr/libexec/sendmail/makemap -C "$sd/sendmail.cf" hash "$sd/mailertable" \
    <"$d/mailertable" || fail "makemap could not build the mailertable"
ns "$sm" -C "$sd/sendmail.cf" -bi >"$d/newaliases.log" 2>&1 ||
    { cat "$d/newaliases.log" >&2
      fail "sendmail -bi could not build the (empty) alias database"; }
ns_bg "$sm" -C "$sd/sendmail.cf" -bD -q1s -ODaemonPortOptions=Port=$MTA_PORT,Addr=127.0.0.1 >"$d/sendmail.log" 2>&1
wait_for 20 ns_port_open "$MTA_PORT" ||
    { cat "$d/sendmail.log" >&2; fail "sendmail did not start"; }
# -oem: errors found at submission are mailed back (a bounce), not printed
MTA_LOCAL="nsenter -t $NS_PID $NS_FLAGS -- $sm -C $sd/sendmail.cf -oem -f sender@example.org"
check_bounces --delay-warning 40
