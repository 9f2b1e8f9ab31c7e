#!/bin/sh
# First command of the README: install what is needed, build a release, and
# classify the bundled sample bounces in examples/maildir/new.
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j"$(nproc)" >/dev/null
echo "== bouncectl parse examples/maildir/new/*"
build/release/cli/bouncectl parse examples/maildir/new/*
