#!/bin/sh
# The unit's hardening: `systemd-analyze security --offline=true` must rate
# bounced.service's overall exposure at most 2.0 (systemd/README.md).
#
# With BOUNCED, `systemd-analyze verify` must also accept a copy of the unit
# that runs BOUNCED (the built binary) instead of the installed path; the
# man: links are not checked there (--man=no), they are not installed yet.
#
# usage: systemd_security.sh UNIT [MAX [BOUNCED]]
#   UNIT     the configured unit (<build>/systemd/bounced.service)
#   MAX      the highest acceptable exposure, 2.0 by default
#   BOUNCED  the built bounced, for systemd-analyze verify
# Exit 77 (skipped) when systemd-analyze is not installed (Debian: package
# systemd) or cannot analyse offline (systemd < 250).
set -u

if [ $# -lt 1 ]; then
	echo "usage: systemd_security.sh UNIT [MAX [BOUNCED]]" >&2
	exit 2
fi
unit=$1
max=${2:-2.0}
bounced=${3:-}

if ! command -v systemd-analyze >/dev/null 2>&1; then
	echo "SKIP: systemd-analyze not found (Debian package: systemd)"
	exit 77
fi
[ -f "$unit" ] || { echo "FAIL: no unit at $unit"; exit 1; }

# A template (bounced@.service) is analysed as an instance of it: a copy
# named bounced@test.service (systemd.unit(5): a template is not loaded
# by itself). Its checks below apply to that copy.
name=$(basename "$unit")
tdir=
case $name in
*@.service)
	tdir=$(mktemp -d "${TMPDIR:-/tmp}/bounced-tmpl.XXXXXX") || exit 1
	name=${name%@.service}@test.service
	cp "$unit" "$tdir/$name"
	unit=$tdir/$name
	grep -q -- '-c .*/%i\.yaml' "$unit" ||
	    { echo "FAIL: the template reads no %i.yaml"; rm -rf "$tdir"; exit 1; }
	;;
esac
grep -qx 'SyslogFacility=mail' "$unit" ||
    { echo "FAIL: no SyslogFacility=mail in $name"; exit 1; }

# C locale: ASCII marks ("-" for a setting that costs), "." decimals
out=$(LC_ALL=C systemd-analyze security --no-pager --offline=true "$unit" 2>&1)
rc=$?
line=$(printf '%s\n' "$out" | grep 'Overall exposure level')
if [ -z "$line" ]; then
	if printf '%s\n' "$out" | grep -q -e 'unrecognized option' \
	    -e 'Unknown option'; then
		echo "SKIP: this systemd-analyze has no --offline"
		exit 77
	fi
	printf '%s\n' "$out"
	echo "FAIL: no \"Overall exposure level\" line (exit $rc)"
	exit 1
fi
# "-> Overall exposure level for bounced.service: 1.1 OK :-)"
level=$(printf '%s\n' "$line" | sed -n 's/.*Overall exposure level for [^:]*: *\([0-9][0-9]*\.[0-9]*\).*/\1/p')
if [ -z "$level" ]; then
	echo "FAIL: cannot read the level in: $line"
	exit 1
fi
echo "overall exposure level: $level (at most $max)"
fails=0
if ! awk -v l="$level" -v m="$max" 'BEGIN { exit !(l + 0 <= m + 0) }'; then
	# the settings that cost something, to see what went wrong
	printf '%s\n' "$out" | grep '^- '
	echo "FAIL: exposure $level > $max"
	fails=1
fi

if [ -n "$bounced" ]; then
	dir=$(mktemp -d "${TMPDIR:-/tmp}/bounced-verify.XXXXXX") || exit 1
	sed -E "s#^(ExecStart(Pre)?=)[^ ]*/bounced #\1$bounced #" "$unit" \
	    >"$dir/$name"
	vout=$(LC_ALL=C systemd-analyze verify --man=no "$dir/$name" 2>&1)
	vrc=$?
	rm -rf "$dir"
	if [ $vrc -ne 0 ] || [ -n "$vout" ]; then
		printf '%s\n' "$vout"
		echo "FAIL: systemd-analyze verify (exit $vrc)"
		fails=1
	else
		echo "systemd-analyze verify: clean"
	fi
fi

[ -z "$tdir" ] || rm -rf "$tdir"
[ $fails -eq 0 ] || exit 1
echo "PASS"
