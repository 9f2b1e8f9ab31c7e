#!/bin/sh
# Exim's own bounces (RFC 3464 DSNs with Exim's text part) for the seed's
# cases, and bounced's verdicts on them. Debian's exim4-daemon-light,
# unpacked by scripts/deps.sh into MTA_ROOT, runs as if installed in a
# private mount namespace (mta_ns.sh) that has its compiled-in user
# Debian-exim, with our config at its compiled-in path
# /etc/exim4/exim4.conf (-C would make it drop root: spec 3.7, not in
# TRUSTED_CONFIG_LIST); spool, log and pid file under the test's
# directory. Everything relays
# to the scripted peer (manualroute, self = send: the peer is on this
# host); a 4xx is retried every second and failed after 6 (retry rule
# F,6s,1s), with a delay warning after 2 (spec: delay_warning). The
# namespace has its own network too (mta_ns.sh with MTA_NETNS=1), where
# the peer also answers DNS with NXDOMAIN: nxdomain.example.net alone is
# routed by a dnslookup router (spec: "The dnslookup router"), which
# finds no such domain, and no_more makes that a failure, "Unrouteable
# address" -- the no-such-domain case, offline.
# usage: mta_exim.sh BOUNCECTL PYTHON WORKDIR MTA_ROOT
bouncectl=$1 python=$2 work=$3 MTA_ROOT=$4 MTA=exim
rm -rf "$work" && mkdir -p "$work"
work=$(cd "$work" && pwd)
. "$(dirname "$0")/mta_lib.sh"
need_root_tree
[ -x "$MTA_ROOT/usr/sbin/exim4" ] ||
    skip "no exim4 in $MTA_ROOT (scripts/deps.sh unpacks exim4-daemon-light)"
exim=/usr/sbin/exim4
cd "$work"
need ip
MTA_NETNS=1
ns_start Debian-exim:64999:Debian-exim:64999
# Exim's spool and log outside the build tree, which Exim's own user
# may not pass through (a clone in /root); exim/ a link to them
outside exim
eximdir=$OUTSIDE_DIR
mkdir -p exim/spool exim/log
chown -R "$(ns id -u Debian-exim)" "$eximdir"
chmod 755 "$work"
MTA_RUN="nsenter -t $NS_PID $NS_FLAGS --"
PEER_DNS=1
peer_start
MTA_PORT=$(ns_free_port)

# the pipe case: a command that fails as a list manager or a mail
# filter does, one line on its output and exit 1 (not 75, EX_TEMPFAIL,
# which Exim would retry: spec "The pipe transport", temp_errors)
cat >"$eximdir/pipe-fail" <<'SH'
#!/bin/sh
cat >/dev/null
echo "list-handler: cannot open /var/lib/list/members.db: Permission denied"
exit 1
SH
chmod 755 "$eximdir/pipe-fail"

cat >exim/exim.conf <<CONF
# the test's own Exim: nothing under /etc or /var
spool_directory = $eximdir/spool
log_file_path = $eximdir/log/%slog
pid_file_path = $eximdir/exim.pid
keep_environment =
primary_hostname = exim.test
qualify_domain = exim.test
local_interfaces = <; 127.0.0.1.$MTA_PORT
daemon_smtp_ports = $MTA_PORT
disable_ipv6 = true
host_lookup =
rfc1413_hosts =
never_users = root
acl_smtp_rcpt = acl_rcpt
delay_warning = 2s
queue_run_max = 2

begin acl
acl_rcpt:
  accept hosts = 127.0.0.1

begin routers
hang:
  driver = manualroute
  domains = hang.example.net
  route_list = * 127.0.0.1
  transport = to_hang
  self = send
loop:
  driver = manualroute
  domains = loop.example.net
  route_list = * 127.0.0.1
  transport = to_self
  self = send
# spec "The redirect router": a pipe item in data goes to
# pipe_transport; return_fail_output puts what it printed in the bounce
pipe:
  driver = redirect
  domains = pipe.example.net
  data = |$eximdir/pipe-fail
  pipe_transport = to_pipe
nohost:
  driver = dnslookup
  domains = nxdomain.example.net
  transport = to_peer
  no_more
peer:
  driver = manualroute
  route_list = * 127.0.0.1
  transport = to_peer
  self = send

begin transports
to_peer:
  driver = smtp
  port = $PEER_PORT
  allow_localhost
  hosts_avoid_tls = *
to_hang:
  driver = smtp
  port = $HANG_PORT
  allow_localhost
  connect_timeout = 2s
  command_timeout = 2s
  hosts_avoid_tls = *
to_self:
  driver = smtp
  port = $MTA_PORT
  allow_localhost
  hosts_avoid_tls = *

to_pipe:
  driver = pipe
  user = Debian-exim
  return_fail_output

begin retry
* * F,6s,1s
CONF

ns cp "$work/exim/exim.conf" /etc/exim4/exim4.conf
ns "$exim" -bV >exim/bV.log 2>&1 ||
    { cat exim/bV.log >&2; skip "Exim does not run here: $(head -1 exim/bV.log)"; }
ns_bg "$exim" -bdf -q1s
wait_for 20 ns_port_open "$MTA_PORT" ||
    { cat exim/log/* >&2; fail "Exim did not start"; }
MTA_LOCAL="nsenter -t $NS_PID $NS_FLAGS -- $exim -f sender@example.org"
MTA_EXTRA=pipe
check_bounces --delay-warning 40
