#!/bin/sh
# chasquid's bounces: not run yet, and said so (exit 77, a ctest skip).
# chasquid (Debian's 1.11, unpacked by scripts/deps.sh) has no smarthost
# or transport table: it delivers only to a domain's MX found in the DNS
# (its one outgoing override, --testing__outgoing_smtp_port, changes the
# port, not the host). This machine has no DNS, and an unanswered MX
# lookup is a temporary error to it, so no message would ever reach the
# scripted peer. Running it needs a DNS responder for example.net on
# 127.0.0.1:53, best in a network namespace of the test's own
# (unshare -n) so that port 53 of the machine is left alone.
# usage: mta_chasquid.sh BOUNCECTL PYTHON WORKDIR MTA_ROOT
MTA_ROOT=$4
if [ ! -x "$MTA_ROOT/usr/bin/chasquid" ]; then
	echo "SKIP: no chasquid in $MTA_ROOT (scripts/deps.sh unpacks it)" >&2
	exit 77
fi
echo "SKIP: chasquid routes by DNS MX only and this machine has no DNS" \
    "(no DNS responder in the test yet)" >&2
exit 77
