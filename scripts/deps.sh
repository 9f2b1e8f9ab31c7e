#!/bin/sh
# Installs the Debian 12 packages bounced needs to build and test.
# Idempotent: installs only what is missing; apt-get update only then.
#   scripts/deps.sh            build + test dependencies
#   scripts/deps.sh --bench    also sisimai, for the benchmark's comparison
set -eu

# sqlite3 (the shell) and python3 (Debian's, /usr/bin/python3) are for the
# tests; systemd brings systemd-analyze, which rates the unit's hardening.
# The real servers the tests start on loopback: dovecot-imapd (IMAP
# source), python3-aiosmtpd (an SMTP sink) and postfix (4xx/5xx replies
# for resends); openssl makes their test certificates; libsasl2-modules
# holds the PLAIN and LOGIN mechanisms SMTP AUTH uses. libgnutls28-dev:
# bounced verifies certificates itself (Debian's libetpan does not).
# nettle-dev: HMAC-SHA256 of the signed return paths (common/verp.c);
# libgnutls28-dev pulls it in, named here because we use it directly.
pkgs="gcc make cmake pkg-config libc6-dev python3
libetpan-dev libgnutls28-dev nettle-dev libsqlite3-dev sqlite3 libyaml-dev
libcmocka-dev libsystemd-dev systemd
dovecot-imapd python3-aiosmtpd postfix openssl libsasl2-modules"
# libcurl4-gnutls-dev: the events' webhook (daemon/outbound/http.c), the
# GnuTLS build so that one TLS library serves the whole daemon
pkgs="$pkgs libcurl4-gnutls-dev"
[ "${1:-}" = "--bench" ] && pkgs="$pkgs libsisimai-perl time"
# m4 builds the test Sendmail's sendmail.cf from sendmail-cf's macros
pkgs="$pkgs m4"

# The other MTAs whose bounces tests/mta.cmake checks conflict with
# postfix (each is a mail-transport-agent), so they are never installed
# and never started as services: their .debs are downloaded into
# BD_MTA_CACHE and unpacked into BD_MTA_CACHE/root, which the tests
# mount over /usr and /etc in a private namespace of their own
# (tests/integration/mta_ns.sh). Done once: root/.complete lists what
# it holds, and a second run with the same list touches nothing.
mta_pkgs="exim4-base exim4-config exim4-daemon-light libidn12 opensmtpd
sendmail-base sendmail-bin sendmail-cf chasquid"
mta_cache=${BD_MTA_CACHE:-/var/cache/bounced-test-mtas}
mta_unpack() {
	_sudo=""
	[ "$(id -u)" -ne 0 ] && _sudo="sudo"
	_want=$(echo $mta_pkgs)
	[ "$(cat "$mta_cache/root/.complete" 2>/dev/null)" = "$_want" ] && return 0
	echo "deps: unpacking (not installing) $_want into $mta_cache/root"
	$_sudo mkdir -p "$mta_cache"
	$_sudo rm -rf "$mta_cache/root" "$mta_cache"/*.deb
	# shellcheck disable=SC2086
	(cd "$mta_cache" && $_sudo apt-get download -qq $_want 2>/dev/null) ||
	    { $_sudo apt-get update -qq &&
	    (cd "$mta_cache" && $_sudo apt-get download -qq $_want); }
	$_sudo mkdir "$mta_cache/root"
	for _d in "$mta_cache"/*.deb; do
		$_sudo dpkg-deb -x "$_d" "$mta_cache/root"
	done
	echo "$_want" | $_sudo tee "$mta_cache/root/.complete" >/dev/null
}
mta_unpack

missing=""
for p in $pkgs; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
# Postfix asks what kind of mail system this is: none. The tests run
# their own Postfix with its own configuration directory; nothing starts
# the system's (no systemd in CI; invoke-rc.d finds no runlevel).
echo "postfix postfix/main_mailer_type select No configuration" |
    $sudo debconf-set-selections
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
