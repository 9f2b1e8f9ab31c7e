#!/bin/sh
# A quarantine that rename(2) cannot reach (another file system: EXDEV) is
# refused at start, with the reason, instead of leaving junk in new/ at
# the first unparsable message. Needs a second file system: /dev/shm
# (tmpfs) when it is not the one the build is on; otherwise the test
# reports itself skipped (exit 77).
# usage: daemon_xdev.sh BOUNCED BOUNCECTL PYTHON SRCDIR WORKDIR
bounced=$1 src=$4 work=$5
. "$src/tests/integration/lib.sh"
rm -rf "$work" && mkdir -p "$work" && cd "$work"
if [ ! -d /dev/shm ] || [ "$(stat -c %d /dev/shm)" = "$(stat -c %d .)" ]; then
	echo "no second file system (/dev/shm) here: skipped"
	exit 77
fi
mk_maildir md
q=/dev/shm/bounced-test-q.$$
trap 'rm -rf "$q"' EXIT
printf 'database: db\nmaildir:\n  path: md\n  quarantine: %s\n' "$q" >conf.yaml
if "$bounced" --once -c conf.yaml 2>log; then
	fail "a quarantine on another file system was accepted"
fi
grep -q 'another file system' log || { cat log; fail "the refusal does not say why"; }
[ ! -e db ] || [ "$(sql db 'SELECT count(*) FROM messages')" = 0 ] || fail "something was recorded"
echo "a quarantine on another file system is refused at start"
