#!/bin/sh
# Installs the Debian 12 packages bounced needs, and says what and why.
# Idempotent: installs only what is missing; apt-get update only then.
#   scripts/deps.sh build    to build and run bounced (scripts/setup.sh)
#   scripts/deps.sh test     also what the tests use (scripts/test.sh)
#   scripts/deps.sh bench    also sisimai, for the benchmark's comparison
#
# Never as running services, never replacing what the machine has: the
# test servers (Postfix, Dovecot) are installed with their services kept
# from starting and then disabled -- each test starts its own instance on
# loopback and stops it by PID -- and Postfix is not installed at all
# where another MTA is (it would replace it): the tests that need it then
# report themselves skipped. The other MTAs the tests use are only
# unpacked, never installed (below).
#
# As root, or as a user with sudo. Without either, `test` lists what is
# missing and goes on: the tests that need it report themselves skipped.
set -eu
mode=${1:-test}
case $mode in
build | test | bench) ;;
*)
	echo "usage: scripts/deps.sh [build|test|bench]" >&2
	exit 2
	;;
esac

# To build and run: the compiler and CMake; libetpan (IMAP, SMTP, MIME),
# GnuTLS and nettle (bounced verifies certificates itself, Debian's
# libetpan does not; SHA-256 and HMACs), SQLite, libyaml, libsystemd
# (sd_notify, the journal), libcurl's GnuTLS build (the events'
# webhook: one TLS library for the whole daemon) and libpq (the
# PostgreSQL client library: the database on another host, issue 18;
# only the client, never a server).
build_pkgs="gcc make cmake pkg-config libc6-dev
libetpan-dev libgnutls28-dev nettle-dev libsqlite3-dev libyaml-dev
libsystemd-dev libcurl4-gnutls-dev libpq-dev"
# To test: cmocka (unit tests); sqlite3 (the shell) and Debian's python3
# (/usr/bin/python3) for the test scripts; systemd brings
# systemd-analyze, which rates the unit's hardening; openssl makes the
# test certificates; python3-aiosmtpd is a scripted SMTP server;
# libsasl2-modules holds the PLAIN and LOGIN mechanisms of SMTP AUTH; m4
# builds the test Sendmail's sendmail.cf from sendmail-cf's macros;
# debhelper, dpkg-dev, lintian and build-essential (which
# dpkg-checkbuilddeps requires of every source package: Debian Policy
# 4.2) build and check the Debian package; libpq5 is the client
# library the unpacked PostgreSQL's initdb and psql link (pg_lib.sh);
# iproute2 (ip: loopback up in the MTA tests' network namespaces) and
# procps (ps: the servers' process trees, stopped by PID) are in every
# standard Debian but not in a minimal one (debootstrap minbase);
# debootstrap and systemd-container (systemd-nspawn) make a fresh Debian 12
# and boot it to install that package (nothing is enabled: machined starts
# only when asked over D-Bus, and the test registers nothing with it).
test_pkgs="libcmocka-dev sqlite3 python3 systemd openssl python3-aiosmtpd
libsasl2-modules m4 debhelper dpkg-dev lintian build-essential libpq5
iproute2 procps debootstrap systemd-container"
# The real servers the tests start on loopback: Dovecot (the IMAP source)
# and Postfix (replies to resends, lookups, bounces). Services: see above.
server_pkgs="dovecot-imapd postfix"
bench_pkgs="libsisimai-perl time"

sudo=""
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		sudo="sudo"
	else
		sudo="none"
	fi
fi

installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"
}

# other_provider VIRTUAL PKG: an installed package other than PKG that
# provides VIRTUAL (Debian policy's mail-transport-agent, imap-server),
# which installing PKG would remove
other_provider() {
	dpkg-query -W -f='${db:Status-Abbrev}|${Package}|${Provides}\n' 2>/dev/null |
	    awk -F'|' -v v="$1" -v p="$2" '$1 ~ /^ii/ && $2 != p &&
		$3 ~ ("(^|, )" v "( |,|$)") { print $2; exit }'
}

want="$build_pkgs"
servers=""
if [ "$mode" != build ]; then
	want="$want $test_pkgs"
	for p in $server_pkgs; do
		case $p in
		postfix) v=mail-transport-agent ;;
		dovecot-imapd) v=imap-server ;;
		esac
		o=$(other_provider "$v" "$p")
		if [ -n "$o" ] && ! installed "$p"; then
			echo "deps: not installing $p: it would replace $o" \
			    "(the tests that need $p report themselves skipped)"
			continue
		fi
		servers="$servers $p"
	done
	want="$want$servers"
fi
[ "$mode" = bench ] && want="$want $bench_pkgs"

missing=""
for p in $want; do
	installed "$p" || missing="$missing $p"
done

# The other MTAs whose bounces tests/mta.cmake checks conflict with
# postfix (each is a mail-transport-agent), so they are never installed
# and never started as services: their .debs are downloaded into
# BD_MTA_CACHE and unpacked into BD_MTA_CACHE/root, which the tests
# mount over /usr and /etc in a private namespace of their own
# (tests/integration/mta_ns.sh, which needs root). Done once:
# root/.complete lists what it holds, and a second run with the same
# list touches nothing.
mta_pkgs="exim4-base exim4-config exim4-daemon-light libidn12 opensmtpd
sendmail-base sendmail-bin sendmail-cf chasquid"
mta_cache=${BD_MTA_CACHE:-/var/cache/bounced-test-mtas}
mta_unpack() {
	_want=$(echo $mta_pkgs)
	[ "$(cat "$mta_cache/root/.complete" 2>/dev/null)" = "$_want" ] && return 0
	echo "deps: unpacking (not installing) $_want into $mta_cache/root"
	$run mkdir -p "$mta_cache"
	$run rm -rf "$mta_cache/root" "$mta_cache"/*.deb
	# shellcheck disable=SC2086
	(cd "$mta_cache" && $run apt-get download -qq $_want 2>/dev/null) ||
	    { $run apt-get update -qq &&
	    (cd "$mta_cache" && $run apt-get download -qq $_want); }
	$run mkdir "$mta_cache/root"
	for _d in "$mta_cache"/*.deb; do
		$run dpkg-deb -x "$_d" "$mta_cache/root"
	done
	echo "$_want" | $run tee "$mta_cache/root/.complete" >/dev/null
}

if [ "$sudo" = none ]; then
	if [ -n "$missing" ]; then
		echo "deps: not root and no sudo: cannot install:$missing"
		# without these nothing builds; without the rest, the tests
		# that need them report themselves skipped
		for p in $build_pkgs; do
			case " $missing " in
			*" $p "*) echo "deps: $p is needed to build" >&2; exit 1 ;;
			esac
		done
	fi
	exit 0
fi
run=$sudo
[ "$mode" != build ] && mta_unpack
[ -z "$missing" ] && exit 0

echo "deps: installing ($mode):$missing"
echo "deps: (apt-get install --no-install-recommends, with what they depend on)"
export DEBIAN_FRONTEND=noninteractive
# Postfix asks what kind of mail system this is: none.
echo "postfix postfix/main_mailer_type select No configuration" |
    $sudo debconf-set-selections
# invoke-rc.d asks policy-rc.d whether a package may start its service:
# 101 says no (Debian policy 9.3.3.1). Ours only while we install, and
# only where the machine has none of its own.
policy=""
if [ -n "$servers" ] && [ ! -e /usr/sbin/policy-rc.d ]; then
	policy=/usr/sbin/policy-rc.d
	printf '#!/bin/sh\n# scripts/deps.sh of bounced, while it installs\nexit 101\n' |
	    $sudo tee "$policy" >/dev/null
	$sudo chmod 755 "$policy"
	trap '$sudo rm -f "$policy"' EXIT
fi
# the services of servers that were not on the machine before: those
# (and only those) are disabled below
fresh=""
installed postfix || fresh="$fresh postfix"
installed dovecot-core || fresh="$fresh dovecot-imapd"
$sudo apt-get update -qq
# what apt does, a line a package, as it goes; its status kept
rcf=$(mktemp)
# shellcheck disable=SC2086
{ $sudo apt-get install -y -q --no-install-recommends $missing 2>&1; echo $? >"$rcf"; } |
    sed -n 's/^Setting up \([^ ]*\) .*/deps: set up \1/p; /^E: /p'
rc=$(cat "$rcf")
rm -f "$rcf"
[ "$rc" = 0 ] || { echo "deps: apt-get install failed ($rc)" >&2; exit 1; }
# Kept from starting, and not started at the next boot either: the
# tests start their own instances.
for p in $servers; do
	case " $fresh " in *" $p "*) ;; *) continue ;; esac
	case $p in
	postfix) units="postfix.service" ;;
	dovecot-imapd) units="dovecot.service dovecot.socket" ;;
	esac
	# shellcheck disable=SC2086
	$sudo systemctl disable --now $units >/dev/null 2>&1 ||
	    $sudo systemctl --root=/ disable $units >/dev/null 2>&1 || true
	echo "deps: $p installed for the tests; its service is disabled"
done
