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
pkgs="gcc make cmake pkg-config libc6-dev python3
libetpan-dev libgnutls28-dev libsqlite3-dev sqlite3 libyaml-dev
libcmocka-dev libsystemd-dev systemd
dovecot-imapd python3-aiosmtpd postfix openssl libsasl2-modules"
[ "${1:-}" = "--bench" ] && pkgs="$pkgs libsisimai-perl time"

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
