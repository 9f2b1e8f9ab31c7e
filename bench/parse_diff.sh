#!/bin/sh
# bench/parse_diff.sh OLD_BOUNCECTL NEW_BOUNCECTL [DIR...]
#
# Proof of sameness for a change to the parser's engine (issue 16 item 1):
# runs `bouncectl parse --json` of two builds over every message file of
# the given directories (default: the shared corpus and the project's own
# examples and fixtures), one file per process so that one verdict cannot
# hide another, and compares the whole output, every field, byte for byte.
# Prints the number of files compared and each that differs; exits 1 when
# any differs.
set -eu
old=$1
new=$2
shift 2
here=$(cd "$(dirname "$0")/.." && pwd)
[ $# -gt 0 ] || set -- "$here/../shared/corpus" "$here/examples" \
    "$here/tests/fixtures"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
bad=0
find "$@" -type f ! -name '.*' | LC_ALL=C sort >"$tmp/files"
while IFS= read -r f; do
	n=$((n + 1))
	"$old" parse --json "$f" >"$tmp/a" 2>&1 || echo "exit $?" >>"$tmp/a"
	"$new" parse --json "$f" >"$tmp/b" 2>&1 || echo "exit $?" >>"$tmp/b"
	if ! cmp -s "$tmp/a" "$tmp/b"; then
		bad=$((bad + 1))
		echo "DIFFERS: $f"
		diff "$tmp/a" "$tmp/b" | head -6
	fi
done <"$tmp/files"
echo "$n files compared, $bad differ"
[ "$bad" -eq 0 ]
