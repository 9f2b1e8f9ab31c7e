#!/bin/sh
# chasquid's own bounces for the seed's cases, and bounced's verdicts on
# them. Debian's chasquid, unpacked by scripts/deps.sh into MTA_ROOT,
# runs as if installed in a private mount and network namespace
# (mta_ns.sh with MTA_NETNS=1: a loopback of its own). chasquid has no
# smarthost: it delivers to a domain's MX only, so the peer there also
# answers DNS with NXDOMAIN and chasquid falls back to the domain's
# address (RFC 5321 5.1), which /etc/hosts in the namespace gives as
# 127.0.0.1; --testing__outgoing_smtp_port points it at the peer. It
# relays only for an authenticated user (sender@example.org, over
# STARTTLS on its submission port), and delivers its bounce to that
# local user through the MDA, a script that saves it for the checker.
# usage: mta_chasquid.sh BOUNCECTL PYTHON WORKDIR MTA_ROOT
bouncectl=$1 python=$2 work=$3 MTA_ROOT=$4 MTA=chasquid
rm -rf "$work" && mkdir -p "$work"
work=$(cd "$work" && pwd)
. "$(dirname "$0")/mta_lib.sh"
need_root_tree
[ -x "$MTA_ROOT/usr/bin/chasquid" ] ||
    skip "no chasquid in $MTA_ROOT (scripts/deps.sh unpacks it)"
need openssl ip
cd "$work"
MTA_NETNS=1
ns_start
ns sh -c 'echo "127.0.0.1 example.net peer.example.net" >>/etc/hosts'
MTA_RUN="nsenter -t $NS_PID $NS_FLAGS --"
PEER_DNS=1
peer_start
MTA_PORT=$(ns "$python" -c 'import socket
s = [socket.socket() for _ in range(3)]
for x in s: x.bind(("127.0.0.1", 0))
print(" ".join(str(x.getsockname()[1]) for x in s))')
set -- $MTA_PORT
smtp_port=$1 MTA_PORT=$2 tls_port=$3
# Its queue gives up after a fixed 20 hours, it sends no delay warning,
# and one outgoing port serves every domain.
MTA_CASES="unknown,unknowndata,full,toobig,hops,toomanyhops,relay,spam,virus"
MTA_CASES_WHY="chasquid: fixed 20 h queue life (a missing domain is retried too), no delay warning, one outgoing port"
MTA_AUTH="sender@example.org:bounced-test"

c=$work/chasquid
mkdir -p "$c/certs/chasquid.test" "$c/domains/example.org" "$c/data"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -sha256 \
    -keyout "$c/certs/chasquid.test/privkey.pem" \
    -out "$c/certs/chasquid.test/fullchain.pem" -subj /CN=chasquid.test \
    -addext subjectAltName=DNS:chasquid.test 2>/dev/null ||
    fail "openssl: test certificate"
# the MDA: the bounce to the local sender, saved the way the peer saves
cat >"$c/mda.sh" <<MDA
#!/bin/sh
n=c\$(date +%s%N)
printf 'from <>\nto <%s>\n' "\$1" >"$work/peer/got/\$n.env"
cat >"$work/peer/got/\$n.tmp" && mv "$work/peer/got/\$n.tmp" "$work/peer/got/\$n.eml"
MDA
chmod 755 "$c/mda.sh"
cat >"$c/chasquid.conf" <<CONF
hostname: "chasquid.test"
smtp_address: "127.0.0.1:$smtp_port"
submission_address: "127.0.0.1:$MTA_PORT"
submission_over_tls_address: "127.0.0.1:$tls_port"
monitoring_address: ""
mail_delivery_agent_bin: "$c/mda.sh"
mail_delivery_agent_args: "%to%"
data_dir: "$c/data"
mail_log_path: "$c/mail.log"
dovecot_auth: false
CONF
ns /usr/bin/chasquid-util -C="$c" user-add sender@example.org \
    --password=bounced-test >"$c/util.log" 2>&1 ||
    { cat "$c/util.log" >&2; fail "chasquid-util user-add"; }
ns_bg /usr/bin/chasquid -config_dir="$c" -alsologtostderr \
    -testing__outgoing_smtp_port="$PEER_PORT" >"$c/chasquid.log" 2>&1
wait_for 20 ns "$python" -c "import socket
socket.create_connection(('127.0.0.1', $MTA_PORT), 1).close()" ||
    { cat "$c/chasquid.log" >&2; fail "chasquid did not start"; }
check_bounces 40
