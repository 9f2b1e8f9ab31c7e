#!/bin/sh
# Postfix's own bounces (bounce(8), RFC 3464 DSNs) for the seed's cases,
# and bounced's verdicts on them. The machine's Postfix, with its own
# config and queue directory (smtp_lib.sh's postfix_start): everything
# relays to the scripted peer, hang.example.net to its silent port; a
# 4xx is retried every second and given up after 4 seconds (the
# time-out case on its second try), with a delay warning after 2
# (postconf(5): maximal_queue_lifetime, delay_warning_time).
# The whole test runs in a private mount and network namespace (a
# loopback of its own) whose /etc/resolv.conf names 127.0.0.1, where
# the peer answers every DNS query with NXDOMAIN: nxdomain.example.net
# is looked up there (transport(5): a nexthop without [] is looked up
# by MX, then A) for the no-such-domain case, and no query ever leaves
# the namespace. Where no such namespace can be made, that case is not
# sent and the others run as before.
# usage: mta_postfix.sh BOUNCECTL PYTHON WORKDIR MTA_ROOT
if [ -z "${BD_MTA_PF_NS:-}" ] && [ "$(id -u)" = 0 ] &&
    command -v ip >/dev/null 2>&1 &&
    unshare -mn ip link set lo up 2>/dev/null; then
	# (a container may grant the namespace but not its loopback: CAP_NET_ADMIN)
	BD_MTA_PF_NS=1 exec unshare -mn sh "$0" "$@"
fi
bouncectl=$1 python=$2 work=$3 MTA_ROOT=$4 MTA=postfix
rm -rf "$work" && mkdir -p "$work"
work=$(cd "$work" && pwd)
. "$(dirname "$0")/mta_lib.sh"
cd "$work"
# only in the namespaces unshare made, which our caller is not in: the
# mount and resolv.conf must never touch the caller's /etc
pf_in_ns() {
	[ -n "${BD_MTA_PF_NS:-}" ] || return 1
	for _n in net mnt; do
		_me=$(readlink "/proc/self/ns/$_n" 2>/dev/null || true)
		_up=$(readlink "/proc/$PPID/ns/$_n" 2>/dev/null || true)
		[ -n "$_me" ] && [ -n "$_up" ] && [ "$_me" != "$_up" ] || return 1
	done
}
if pf_in_ns; then
	mount --make-rprivate /
	printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' \
	    >"$work/resolv.conf"
	mount --bind "$work/resolv.conf" /etc/resolv.conf
	ip link set lo up
	PEER_DNS=1
	nohost="{ nxdomain.example.net = smtp:nxdomain.example.net }, "
else
	MTA_CASES="unknown,unknowndata,full,fulltemp,toobig,hops,loop,toomanyhops,timeout,relay,spam,virus"
	MTA_CASES_WHY="no private network namespace here for an offline DNS"
	nohost=""
fi
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
# the pipe case: pipe(8) runs a command that prints a line and exits 1
# (not 75, EX_TEMPFAIL, which pipe(8) defers), as user nobody; the
# bounce is a DSN with "Diagnostic-Code: x-unix; <its output>"
cat >"$work/pf/pipe-fail" <<'SH'
#!/bin/sh
cat >/dev/null
echo "list-handler: cannot open /var/lib/list/members.db: Permission denied"
exit 1
SH
chmod 755 "$work/pf/pipe-fail"
printf 'pipefail unix - n n - - pipe flags=q user=nobody argv=%s\n' \
    "$work/pf/pipe-fail" >>"$work/pf/etc/master.cf"
# a real loop: loop.example.net is routed back to this Postfix itself;
# pipe.example.net goes to the failing command
postconf -c "$work/pf/etc" -e "transport_maps = inline:{ $nohost{ hang.example.net = smtp:[127.0.0.1]:$HANG_PORT }, { loop.example.net = smtp:[127.0.0.1]:$PF_PORT }, { pipe.example.net = pipefail: } }"
postfix -c "$work/pf/etc" reload >/dev/null 2>&1
# the hop case through sendmail(1): smtpd refuses it at once
MTA_LOCAL="/usr/sbin/sendmail -C $work/pf/etc -f sender@example.org"
MTA_EXTRA=pipe
check_bounces --delay-warning 40
