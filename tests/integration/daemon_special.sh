#!/bin/sh
# Issue 14 item 1: files in new/ (and in cur/, read by a full pass) that
# are no messages -- a FIFO, a character device, a Unix socket, a
# directory, a symbolic link -- are left alone and said once each, across
# reloads (each reload is a full pass with a new source); the messages
# named after them are processed all the same, those delivered while the
# daemon runs within a second; SIGTERM stops it within 5 s; --once over
# the same Maildir finishes. Before the fix the FIFO blocked the reader
# for good: nothing after it was processed and SIGTERM was not heard.
# Exit 77 (skipped) only when mknod(2) is not permitted here, after
# every other part has run.
# usage: daemon_special.sh BOUNCED BOUNCECTL PYTHON SRCDIR WORKDIR
bounced=$1 bouncectl=$2 python=$3 src=$4 work=$5
. "$src/tests/integration/lib.sh"
rm -rf "$work" && mkdir -p "$work" && cd "$work"
mk_maildir md
printf 'database: bounced.db\nmaildir:\n  path: md\n' >bounced.yaml
pid=
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; true' EXIT
ex=$src/examples/maildir/new

# Names that sort before the messages' (1732...): read first.
specials="1000000001.fifo 1000000003.sock 1000000004.dir 1000000005.link 1000000007.dangling"
mkfifo md/new/1000000001.fifo
"$python" -c 'import socket, sys
socket.socket(socket.AF_UNIX).bind(sys.argv[1])' md/new/1000000003.sock
mkdir md/new/1000000004.dir
cp "$ex/1732800009.M1P100Q9.example.org" outside
ln -s ../../outside md/new/1000000005.link  # a message, but not ours
ln -s ../../nowhere md/new/1000000007.dangling  # issue 17 item 4
mkfifo md/cur/1000000006.cfifo             # unseen: a full pass reads it
specials="$specials cur/1000000006.cfifo"
nodev=
if mknod md/new/1000000002.dev c 1 3 2>/dev/null; then
	specials="$specials 1000000002.dev"
else
	nodev=1
	echo "SKIP (part): mknod c 1 3 not permitted: no device node tested"
fi

cp "$ex/1732800001.M1P100Q1.example.org" "$ex/1732800002.M1P100Q2.example.org" md/new/
"$bounced" -c bounced.yaml 2>log &
pid=$!
rows() { [ "$(sql bounced.db 'SELECT count(*) FROM messages')" = "$1" ]; }
wait_for 10 rows 2 ||
    { cat log; fail "the messages behind the special files were not processed"; }

# deliver N: a message by rename(), out of new/ within a second
gone() { [ ! -e "md/new/$1" ]; }
deliver() {
	cp "$ex/$1" md/tmp/
	t0=$(date +%s%N)
	mv "md/tmp/$1" md/new/
	wait_for 1 gone "$1" ||
	    { cat log; fail "$1 still in new/ 1 s after its delivery"; }
	t1=$(date +%s%N)
	echo "info: $1 processed $(((t1 - t0) / 1000000)) ms after delivery"
}
deliver 1732800003.M1P100Q3.example.org
wait_for 5 rows 3 || { cat log; fail "the delivered message was not recorded"; }

# two reloads: two full passes over new/ and cur/ with new sources
for i in 1 2; do
	kill -HUP "$pid"
	wait_for 10 eval '[ "$(grep -c reloaded log)" = '$i' ]' ||
	    { cat log; fail "reload $i not taken"; }
done
deliver 1732800004.M1P100Q4.example.org
wait_for 5 rows 4 || { cat log; fail "no message recorded after the reloads"; }

for f in $specials; do
	case $f in cur/*) p=md/$f ;; *) p=md/new/$f ;; esac
	n=$(grep -c "maildir: .*/$p: .*not a message: left alone" log || true)
	[ "$n" = 1 ] || { cat log; fail "$p said $n times, want once"; }
	[ -e "$p" ] || [ -L "$p" ] || fail "$p is gone"
done
[ -p md/new/1000000001.fifo ] || fail "the FIFO is no longer one"
[ -S md/new/1000000003.sock ] || fail "the socket is no longer one"
[ -d md/new/1000000004.dir ] || fail "the directory is gone"
[ -L md/new/1000000005.link ] || fail "the symbolic link is gone"
[ -f outside ] || fail "the file behind the link moved"
if [ -z "$nodev" ] && [ ! -c md/new/1000000002.dev ]; then
	fail "the device is gone"
fi
grep -q '/md/new/1000000001.fifo: a FIFO' log || fail "the FIFO not named as one"
grep -q '/md/new/1000000005.link: a symbolic link' log ||
    fail "the link not named as one"
grep -q '/md/new/1000000007.dangling: a dangling symbolic link' log ||
    { cat log; fail "the dangling link not named as one"; }
! grep -q 'Too many levels' log || fail "a link said by its ELOOP"
[ "$(sql bounced.db "SELECT count(*) FROM messages WHERE source_ref LIKE '10000%'")" = 0 ] ||
    fail "a special file was recorded"

t0=$(date +%s)
kill -TERM "$pid"
wait_for 5 eval '! kill -0 '"$pid" || { cat log; fail "still running 5 s after SIGTERM"; }
wait "$pid" || fail "exit status $? after SIGTERM"
pid=
echo "info: stopped $(($(date +%s) - t0)) s after SIGTERM"

cp "$ex/1732800005.M1P100Q5.example.org" md/new/
timeout 20 "$bounced" --once -c bounced.yaml 2>log.once ||
    { cat log.once; fail "--once over the special files: exit $?"; }
rows 5 || { cat log.once; fail "--once did not record the message"; }
grep -q '1000000001.fifo: a FIFO' log.once || fail "--once did not say the FIFO"
[ -p md/new/1000000001.fifo ] || fail "--once took the FIFO"
if [ -n "$nodev" ]; then
	echo "SKIP: everything but the device node passed (mknod not permitted)"
	exit 77
fi
echo "FIFO, device, socket, directory, symbolic link: left alone, said once: ok"
