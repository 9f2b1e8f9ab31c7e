#!/bin/sh
# bouncectl parse/explain -j N (issue 16): files parsed on N threads are
# printed in the order they were named, the same bytes on stdout and on
# stderr and the same exit status as -j 1, over the examples, every
# fixture (three times over), a missing file, a file that is not mail and
# an mbox. A FIFO named first holds the first job: the other thread works
# ahead (the process has its threads) while nothing is printed, and once
# the FIFO is fed the output is still in order. Bad -j values are usage
# errors.
#   test_bouncectl_jobs.sh BOUNCECTL SRCDIR TMPDIR
set -u
bctl=$1 src=$2 T=$3
fails=0
ok() { printf 'ok   %s\n' "$1"; }
bad() { printf 'FAIL %s\n' "$1"; fails=$((fails + 1)); }
rm -rf "$T" && mkdir -p "$T" || exit 1
cd "$T" || exit 1

printf 'this is not mail\n' >notmail
first=$(ls "$src"/examples/maildir/new/* | head -n 1)
{ printf 'From a@example.org Mon Dec  7 10:00:00 2026\n'; cat "$first"
  printf '\nFrom b@example.org Mon Dec  7 10:00:01 2026\n'; cat "$first"; } >box.mbox
fx=$(find "$src/tests/fixtures" -name '*.eml' | sort)
set -- "$src"/examples/maildir/new/* $fx ./missing notmail box.mbox $fx $fx
n=$#
[ "$n" -gt 200 ] && ok "$n files" || bad "only $n files"

for verb in parse "parse --json" explain; do
	for j in 1 2 3 0; do
		rc=0
		"$bctl" $verb -j "$j" "$@" >"out.$j" 2>"err.$j" || rc=$?
		echo "$rc" >"rc.$j"
	done
	[ "$(cat rc.1)" = 1 ] && ok "$verb -j 1: exit 1" ||
	    bad "$verb -j 1: exit $(cat rc.1), want 1"
	[ "$(wc -l <out.1)" -gt 300 ] && ok "$verb: $(wc -l <out.1) lines" ||
	    bad "$verb: only $(wc -l <out.1) lines"
	[ "$(grep -c 'missing\|notmail' err.1)" = 2 ] &&
	    ok "$verb: two errors" || bad "$verb: $(cat err.1)"
	for j in 2 3 0; do
		if cmp -s out.1 "out.$j" && cmp -s err.1 "err.$j" &&
		    cmp -s rc.1 "rc.$j"; then
			ok "$verb -j $j: the bytes of -j 1"
		else
			bad "$verb -j $j differs from -j 1"
			diff out.1 "out.$j" | head -n 5
		fi
	done
done

# the first job waits on a FIFO; the process works ahead on its threads
mkfifo fifo
"$bctl" parse --json -j 2 ./fifo "$@" >held.out 2>held.err &
pid=$!
i=0
while [ "$i" -lt 100 ] && [ "$(ls /proc/$pid/task 2>/dev/null | wc -l)" -lt 3 ]; do
	sleep 0.1
	i=$((i + 1))
done
tasks=$(ls /proc/$pid/task 2>/dev/null | wc -l)
[ "$tasks" -ge 3 ] && ok "-j 2: $tasks threads" || bad "-j 2: $tasks threads"
sleep 0.5
[ ! -s held.out ] && ok "nothing printed before the first file" ||
    bad "printed before the first file: $(head -c 200 held.out)"
cat "$first" >fifo
wait "$pid"
rc=$?
[ "$rc" = 1 ] && ok "held: exit 1" || bad "held: exit $rc"
"$bctl" parse --json -j 1 ./fifo "$@" >seq.out 2>seq.err &
pid=$!
cat "$first" >fifo
wait "$pid"
cmp -s seq.out held.out && cmp -s seq.err held.err &&
    ok "held: the bytes of -j 1" || bad "held: differs from -j 1"
head -n 1 held.out | grep -q '"file":"./fifo"' &&
    ok "held: the FIFO's recipients first" || bad "held: not in order"

for v in x -1 65 ''; do
	rc=0
	"$bctl" parse -j "$v" "$first" >/dev/null 2>&1 || rc=$?
	[ "$rc" = 2 ] && ok "-j '$v': usage error" || bad "-j '$v': exit $rc"
done
rc=0
"$bctl" parse "$first" -j >/dev/null 2>&1 || rc=$?
[ "$rc" != 0 ] && ok "-j after the files is a file name" ||
    bad "-j after the files: exit 0"

[ "$fails" = 0 ] || { echo "$fails failed"; exit 1; }
echo "all passed"
