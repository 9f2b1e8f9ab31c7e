#!/bin/sh
# READY=1 only after the first successful SELECT (issue 4): bounced started
# while the IMAP server is down keeps the watchdog going but says nothing
# of being ready; once Dovecot is up it reconnects by itself and sends
# READY=1 with a STATUS= naming the mailbox. SIGTERM: STOPPING=1. Against
# a fake NOTIFY_SOCKET (notify_listener.py) and a throwaway Dovecot.
# usage: imap_ready.sh BOUNCED BOUNCECTL PYTHON SRCDIR WORKDIR
bounced=$1 python=$3 src=$4 work=$5
. "$src/tests/integration/lib.sh"
. "$src/tests/integration/dovecot_lib.sh"
rm -rf "$work" && mkdir -p "$work" && cd "$work"
pid= lpid=
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; [ -n "$lpid" ] && kill "$lpid" 2>/dev/null; dovecot_cleanup' EXIT
dovecot_setup "$python"

"$python" "$src/tests/integration/notify_listener.py" "$work/notify.sock" notify.log &
lpid=$!
wait_for 10 test -e notify.log || fail "notify_listener.py did not bind"

imap_yaml b.yaml implicit localhost "$DV_IMAPS_PORT" "$DV_CA"
printf '  processed_mailbox: Processed\n' >>b.yaml
# WATCHDOG_USEC as systemd sets it for WatchdogSec=2s: a ping every second
NOTIFY_SOCKET=$work/notify.sock WATCHDOG_USEC=2000000 "$bounced" -c b.yaml 2>log &
pid=$!
wait_for 10 grep -q 'WATCHDOG=1' notify.log || { cat log; fail "no watchdog ping while the server is down"; }
sleep 2
grep -q 'READY=1' notify.log && { cat notify.log; fail "READY=1 before any SELECT"; }
grep -q 'certificate\|connect' log || { cat log; fail "the outage is not in the log"; }

dovecot_start
wait_for 20 grep -q 'READY=1' notify.log || { cat log notify.log; fail "no READY=1 after Dovecot came up"; }
grep 'READY=1' notify.log | grep -q "STATUS=.*imaps://localhost:$DV_IMAPS_PORT/INBOX" ||
    grep -q "STATUS=.*imaps://localhost:$DV_IMAPS_PORT/INBOX" notify.log ||
    { cat notify.log; fail "READY=1 without a STATUS= naming the mailbox"; }
grep -q 'logged in as' log || fail "READY=1 without a login in the log"
[ "$(grep -c 'READY=1' notify.log)" = 1 ] || fail "READY=1 sent more than once"

kill -TERM "$pid"
wait "$pid" || fail "bounced exited $? on SIGTERM"
pid=
grep -q 'STOPPING=1' notify.log || fail "no STOPPING=1"
echo "READY=1 only after the first SELECT: none while Dovecot was down (watchdog kept going), one once it came up, STOPPING=1 on SIGTERM"
