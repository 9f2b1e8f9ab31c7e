#!/bin/sh
# Messages that are no bounce (tests/fixtures/negatives/: a list post, a
# read receipt, a newsletter about bounces, a person's reply to a bounce,
# a "delivery report" memo) must yield no recipient at all.
#   negatives.sh BOUNCECTL DIR
set -u
bouncectl=$1
dir=$2
fail=0
n=0
for f in "$dir"/*.eml; do
	n=$((n + 1))
	out=$("$bouncectl" parse "$f")
	rc=$?
	if [ $rc -ne 0 ] || [ -n "$out" ]; then
		echo "negatives: $f: exit $rc, output:"
		echo "$out"
		fail=1
	fi
done
[ $n -gt 0 ] || { echo "negatives: no fixture in $dir"; exit 1; }
[ $fail -eq 0 ] && echo "negatives: $n messages, no recipient from any"
exit $fail
