#!/bin/sh
# The Debian package on a fresh Debian 12 booted with systemd (issue 17,
# "Done when"): dpkg -i gives a service that is enabled and running;
# docs/QUICKSTART.md's steps 2 and 4, followed as the page says them on
# that system's Postfix, end with the test bounce in bouncectl list; a
# bounce dropped into the Maildir is recorded too; systemd-analyze
# security rates the unit at most MAX; and it stops.
#
# The fresh system is a minimal Debian 12 made by debootstrap
# (rootfs_lib.sh: cached, never booted itself), booted by systemd-nspawn
# with --volatile=overlay (every write goes to a tmpfs and is gone after)
# and --private-network (loopback only). Inside, a oneshot unit runs
# deb_systemd_inside.sh and powers the container off; what it saw comes
# back through a bound directory.
#
# usage: deb_systemd.sh DEB_WORKDIR WORKDIR MAX BOUNCE RCPT
# DEB_WORKDIR: deb_package's work directory, which holds the built .deb.
debwork=$1 work=$2 max=$3 bounce=$4 rcpt=$5
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/rootfs_lib.sh"
set -u

[ "$(id -u)" = 0 ] ||
    { echo "SKIP: booting a container needs root"; exit 77; }
for p in systemd-nspawn debootstrap; do
	command -v "$p" >/dev/null 2>&1 ||
	    { echo "SKIP: $p not installed (scripts/deps.sh test installs systemd-container and debootstrap)"; exit 77; }
done
# --private-network gives the container a loopback of its own, which a
# host without CAP_NET_ADMIN (itself a container) cannot bring up: the
# boot goes on without it and Postfix never runs
unshare -n ip link set lo up 2>/dev/null ||
    { echo "SKIP: no network namespace with its own loopback here (CAP_NET_ADMIN?)"; exit 77; }
deb=$(ls "$debwork"/src/bounced_*_*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] && [ -f "$deb" ] ||
    { echo "SKIP: no .deb in $debwork/src (deb_package builds it; skipped there)"; exit 77; }

rm -rf "$work" && mkdir -p "$work/share/out"
work=$(cd "$work" && pwd)
root=$(rootfs_ensure "$work/rootfs.log") ||
    { echo "SKIP: no Debian 12 root file system: $(tail -n 1 "$work/rootfs.log")"; exit 77; }

cp "$deb" "$work/share/bounced.deb"
cp "$bounce" "$work/share/bounce.eml"
cp "$here/deb_systemd_inside.sh" "$work/share/inside.sh"
cp "$here/../../docs/QUICKSTART.md" "$work/share/QUICKSTART.md"
cat >"$work/bdtest.service" <<EOF
[Unit]
Description=bounced package test (deb_systemd.sh)
After=multi-user.target

[Service]
Type=oneshot
Environment=BD_MAX=$max BD_RCPT=$rcpt
ExecStart=/bin/sh /bdtest/inside.sh
ExecStopPost=/bin/systemctl poweroff --no-block
EOF

# systemd as the container's init reads its arguments as the kernel
# command line: systemd.wants= pulls the test in at boot
timeout 600 systemd-nspawn -q -D "$root" --volatile=overlay \
    --register=no --keep-unit --private-network --console=pipe \
    -M "bdtest$$" \
    --bind="$work/share:/bdtest" \
    --bind-ro="$work/bdtest.service:/etc/systemd/system/bdtest.service" \
    -b systemd.wants=bdtest.service </dev/null >"$work/boot.log" 2>&1
rc=$?
cat "$work/share/out/inside.log" 2>/dev/null
if [ ! -f "$work/share/out/status" ]; then
	tail -n 20 "$work/boot.log"
	# the container never ran the test: this host cannot boot one
	grep -q 'bdtest.service' "$work/boot.log" ||
	    { echo "SKIP: systemd-nspawn could not boot a container here (exit $rc)"; exit 77; }
	fail "the test inside the container did not finish (systemd-nspawn exit $rc)"
fi
[ "$(cat "$work/share/out/status")" = 0 ] || fail "inside the container"
echo "PASS: $(basename "$deb") installed and running under systemd; QUICKSTART.md steps 2 and 4 end in bouncectl list; rated, stopped"
