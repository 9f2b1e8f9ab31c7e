#!/usr/bin/env bash
# bench/bench_big.sh [BUILD_DIR [MIB]]
#
# One big bounce: an RFC 3464 report whose returned original carries a
# base64 attachment of about MIB MiB (default 50). Prints the wall time and
# peak RSS of `bouncectl parse` on it: the issue asks for under a second
# with memory bounded by a small multiple of the input (nothing that is not
# needed is decoded). The message is generated in a temporary directory.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$root/build/release}
mib=${2:-50}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
msg=$tmp/big.eml

{
	printf 'From: MAILER-DAEMON@mx.example.org\nTo: sender@example.org\n'
	printf 'Subject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\n'
	printf 'Content-Type: multipart/report; report-type=delivery-status; boundary="R"\n\n'
	printf -- '--R\nContent-Type: text/plain\n\nYour message could not be delivered.\n\n'
	printf -- '--R\nContent-Type: message/delivery-status\n\n'
	printf 'Reporting-MTA: dns; mx.example.org\n\n'
	printf 'Final-Recipient: rfc822; big@example.net\nAction: failed\n'
	printf 'Status: 5.2.2\nDiagnostic-Code: smtp; 552 5.2.2 mailbox full\n\n'
	printf -- '--R\nContent-Type: message/rfc822\n\n'
	printf 'From: sender@example.org\nTo: big@example.net\nSubject: huge\n'
	printf 'Message-ID: <big@example.org>\nMIME-Version: 1.0\n'
	printf 'Content-Type: multipart/mixed; boundary="I"\n\n'
	printf -- '--I\nContent-Type: text/plain\n\nsee attachment\n'
	printf -- '--I\nContent-Type: application/octet-stream\n'
	printf 'Content-Transfer-Encoding: base64\n\n'
	head -c $((mib * 1024 * 768)) /dev/urandom | base64 -w 76
	printf -- '--I--\n\n--R--\n'
} >"$msg"

size=$(stat -c %s "$msg")
echo "message:     $((size / 1048576)) MiB ($size bytes)"
"$build/bench/bench_rss" -o "$tmp/rss" "$build/cli/bouncectl" parse "$msg"
awk '{ printf "%-12s %s%s\n", $1 ":", $2, ($1 == "peak_rss_kib" ? " KiB" : ($1 == "seconds" ? " s" : "")) }' "$tmp/rss"
