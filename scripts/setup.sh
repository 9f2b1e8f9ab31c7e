#!/bin/sh
# First command of the README: install what building and running bounced
# needs (no test servers: those come with scripts/test.sh), build a
# release, and run the daemon once over a copy of the bundled sample
# Maildir (examples/maildir) with the embedded defaults -- only the Maildir
# and the SQLite file are named on the command line -- then show what it
# recorded.
set -eu
cd "$(dirname "$0")/.."
echo "== dependencies (scripts/deps.sh build)"
scripts/deps.sh build
echo "== configure (cmake --preset release, without the tests)"
cmake --preset release -DBD_TESTS=OFF >/dev/null
echo "== build (cmake --build --preset release; log in build/release.log)"
mkdir -p build
cmake --build --preset release -j"$(nproc)" >build/release.log 2>&1 ||
    { tail -n 40 build/release.log; exit 1; }
bin=build/release
demo=build/demo
# a copy: bounced moves what it has processed from new/ to cur/
rm -rf "$demo" && mkdir -p "$demo"
cp -R examples/maildir "$demo/maildir"
echo "== bounced --once -m $demo/maildir -d $demo/bounced.db"
$bin/daemon/bounced --once -m "$demo/maildir" -d "$demo/bounced.db"
echo "== bouncectl -d $demo/bounced.db stats"
$bin/cli/bouncectl -d "$demo/bounced.db" stats
echo "== bouncectl -d $demo/bounced.db list"
$bin/cli/bouncectl -d "$demo/bounced.db" list
