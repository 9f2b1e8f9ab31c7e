#!/bin/sh
# Run by deb_systemd.sh's oneshot unit inside the booted container, as
# root: what a user does after `dpkg -i`. Writes its log and its exit
# status into /bdtest/out; the unit powers the container off after it.
set -u
out=/bdtest/out
exec >"$out/inside.log" 2>&1
trap 'echo $? >"$out/status"' EXIT

fail() {
	echo "FAIL (inside): $*"
	journalctl -u bounced --no-pager -n 40 || true
	exit 1
}

# wait_for SECONDS COMMAND...
wait_for() {
	_n=$(($1 * 10))
	shift
	while [ "$_n" -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
		_n=$((_n - 1))
	done
	return 1
}

echo "inside: $(. /etc/os-release && echo "$PRETTY_NAME"), systemd $(systemctl --version | head -n 1 | cut -d' ' -f2)"
[ "$(cat /proc/1/comm)" = systemd ] || fail "PID 1 is not systemd"

DEBIAN_FRONTEND=noninteractive dpkg -i /bdtest/bounced.deb ||
    fail "dpkg -i"
echo "ok: dpkg -i"

systemctl is-enabled bounced.service || fail "the service is not enabled"
wait_for 20 systemctl is-active --quiet bounced.service ||
    fail "the service is not running: $(systemctl is-active bounced.service)"
id bounced || fail "no user bounced"
pid=$(systemctl show -P MainPID bounced.service)
uid=$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status")
user=$(getent passwd "$uid" | cut -d: -f1)
[ "$user" = bounced ] || fail "the daemon runs as uid $uid ($user)"
echo "ok: enabled and running, PID $pid, as $user"

# docs/QUICKSTART.md, steps 2 and 4, as the page says them: its main.cf
# lines through postconf -e, its sh blocks as they are
doc=/bdtest/QUICKSTART.md
# doc_sh N: the sh blocks of section "## N.", one after the other
doc_sh() {
	awk -v n="## $1." '
	    /^## / { in_sec = index($0, n) == 1 }
	    in_sec && /^```sh$/ { inside = 1; next }
	    inside && /^```$/ { inside = 0; next }
	    inside { print }' "$doc"
}
maincf=$(awk '$0 == "<!-- main.cf: quickstart -->" { f = 1; next }
    f && /^```/ { if (i) exit; i = 1; next } i { print }' "$doc")
[ -n "$maincf" ] && [ -n "$(doc_sh 2)" ] && [ -n "$(doc_sh 4)" ] ||
    fail "$doc: a block is missing"
wait_for 30 postfix status || fail "Postfix is not running"
printf '%s\n' "$maincf" | while IFS= read -r line; do
	postconf -e "$line" || exit 1
done || fail "postconf -e"
doc_sh 2 | sh -ex || fail "QUICKSTART.md step 2"
echo "ok: QUICKSTART.md step 2"
# step 4: the test bounce, then bouncectl list (its last block)
doc_sh 4 | sed -n '1,/^    sendmail /p' | sh -ex || fail "QUICKSTART.md step 4: sendmail"
qs_listed() {
	doc_sh 4 | sed -n '/^bouncectl /p' | sh -e >/bdtest/out/qs-list 2>&1 &&
	    grep -q 'nosuchuser@.*userunknown' /bdtest/out/qs-list
}
wait_for 60 qs_listed || {
	cat /bdtest/out/qs-list
	postqueue -p
	journalctl -u postfix@- --no-pager -n 30 -o cat
	fail "QUICKSTART.md step 4: the test bounce is not in bouncectl list"
}
cat /bdtest/out/qs-list
echo "ok: QUICKSTART.md step 4: the test bounce is in bouncectl list"

# a bounce delivered as an MTA delivers: written in tmp/, moved to new/
m=/var/mail/bounces
name="$(date +%s).P$$.bdtest"
install -o bounced -g bounced -m 0600 /bdtest/bounce.eml "$m/tmp/$name" ||
    fail "cannot write into $m/tmp"
mv "$m/tmp/$name" "$m/new/$name"
listed() {
	bouncectl -d /var/lib/bounced/bounced.db list | grep -q "$BD_RCPT"
}
wait_for 30 listed || fail "bouncectl list does not show $BD_RCPT"
bouncectl -d /var/lib/bounced/bounced.db list
wait_for 10 test -z "$(ls "$m/new")" || fail "the bounce is still in new/"
echo "ok: the bounce is recorded and out of new/"

systemd-analyze security --no-pager bounced.service >/bdtest/out/security 2>&1 ||
    true
level=$(sed -n 's/.*Overall exposure level for bounced.service: \([0-9.]*\).*/\1/p' \
    /bdtest/out/security)
[ -n "$level" ] || { cat /bdtest/out/security; fail "no exposure level"; }
awk -v l="$level" -v m="$BD_MAX" 'BEGIN { exit !(l <= m) }' ||
    fail "systemd-analyze security: $level, more than $BD_MAX"
echo "ok: systemd-analyze security: $level (at most $BD_MAX)"

systemctl stop bounced.service || fail "systemctl stop"
state=$(systemctl is-active bounced.service)
[ "$state" = inactive ] || fail "after stop: $state"
systemctl status --no-pager bounced.service | head -n 3
echo "ok: stopped ($state)"
journalctl -u bounced --no-pager -n 8 -o cat | tail -n 8
exit 0
