#!/bin/sh
# The bundled examples (examples/README.md) classify as examples/expected.tsv
# says: a regression test over bounces written for this project.
#   examples.sh BOUNCECTL EXAMPLES_DIR
set -u
bouncectl=$1
dir=$2
out=$(mktemp)
trap 'rm -f "$out"' EXIT
(cd "$dir/maildir/new" && "$bouncectl" parse -- *) >"$out" || {
	echo "examples: bouncectl parse failed"
	exit 1
}
if ! diff -u "$dir/expected.tsv" "$out"; then
	echo "examples: output differs from $dir/expected.tsv"
	exit 1
fi
echo "examples: $(wc -l <"$out") recipients as expected"
