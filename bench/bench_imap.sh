#!/bin/sh
# bench/bench_imap.sh [BUILD_DIR [COUNT]]
#
# IMAP drain: COUNT (default 5,000) generated bounces appended to a
# throwaway Dovecot on 127.0.0.1 (tests/integration/dovecot_lib.sh), then
# one `bounced --once` over IMAPS records them and moves them to a
# processed mailbox; prints the time of that run. It is the drain test
# (tests/integration/imap_drain.sh) with a bigger count, so it checks the
# database against `bouncectl parse` as well. Dovecot runs on the same
# machine: the figure includes its share of the CPU. Needs root and
# dovecot-imapd (scripts/deps.sh). Builds nothing.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/release}
count=${2:-5000}
work=${TMPDIR:-/tmp}/bench_imap.$$
trap 'rm -rf "$work"' EXIT
sh "$root/tests/integration/imap_drain.sh" "$build/daemon/bounced" \
    "$build/cli/bouncectl" /usr/bin/python3 "$root" "$work" "$count" |
    awk -v n="$count" '/^drained/ { for (i = 1; i <= NF; i++) if ($i == "ms:")
	ms = $(i - 1); printf "%s\nrate: %.0f messages/s over IMAPS\n", $0,
	n * 1000 / ms } !/^drained/'
