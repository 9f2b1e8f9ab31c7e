#!/bin/sh
# The Debian package (debian/, issue 17 item 3): built from a copy of the
# source tree with dpkg-buildpackage, lintian finds no error or warning,
# and it holds what a service needs -- the daemon and bouncectl, the unit
# naming them by their packaged paths, the sysusers.d and tmpfiles.d
# files with postinst creating the user before its directories, the
# configuration as a conffile, the man pages.
# usage: deb_package.sh SRC WORKDIR
src=$1 work=$2
. "$(dirname "$0")/lib.sh" # fail, wait_for
set -u

for p in dpkg-buildpackage dh lintian; do
	command -v "$p" >/dev/null 2>&1 ||
	    { echo "SKIP: $p not installed (scripts/deps.sh test installs debhelper, dpkg-dev, lintian)"; exit 77; }
done
rm -rf "$work" && mkdir -p "$work/src/bounced"
work=$(cd "$work" && pwd)
# the tracked files (and debian/ as it is), not a build tree
if git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
	(cd "$src" && { git ls-files; git ls-files --others --exclude-standard; } |
	    grep -v '^build/' | sort -u | tar -cf - -T -) |
	    tar -xf - -C "$work/src/bounced"
else
	(cd "$src" && tar -cf - --exclude=./build .) | tar -xf - -C "$work/src/bounced"
fi
cd "$work/src/bounced"
DEB_BUILD_OPTIONS="parallel=$(nproc) nocheck" \
    dpkg-buildpackage -us -uc -b >"$work/build.log" 2>&1 ||
    { tail -n 30 "$work/build.log"; fail "dpkg-buildpackage failed"; }
deb=$(ls "$work"/src/bounced_*_*.deb)
[ -f "$deb" ] || fail "no .deb built"

lintian --allow-root --fail-on error,warning "$deb" >"$work/lintian.log" 2>&1 ||
    { cat "$work/lintian.log"; fail "lintian"; }
echo "ok: lintian: no error, no warning"

dpkg-deb -c "$deb" | awk '{ print $6 }' | sed 's|^\./|/|' >"$work/files"
for f in /usr/sbin/bounced /usr/bin/bouncectl \
    /lib/systemd/system/bounced.service /usr/lib/sysusers.d/bounced.conf \
    /usr/lib/tmpfiles.d/bounced.conf /etc/bounced/bounced.yaml \
    /usr/share/man/man8/bounced.8.gz /usr/share/man/man1/bouncectl.1.gz \
    /usr/share/man/man5/bounced.yaml.5.gz; do
	grep -qx "$f" "$work/files" || fail "not in the package: $f"
done
echo "ok: every file in place"

mkdir "$work/ctl" "$work/root"
dpkg-deb -e "$deb" "$work/ctl"
dpkg-deb -x "$deb" "$work/root"
grep -qx /etc/bounced/bounced.yaml "$work/ctl/conffiles" ||
    fail "the configuration is no conffile"
# the user first: the directories tmpfiles.d makes belong to it
u=$(grep -n 'systemd-sysusers' "$work/ctl/postinst" | head -n 1 | cut -d: -f1)
t=$(grep -n 'systemd-tmpfiles.*--create' "$work/ctl/postinst" | head -n 1 | cut -d: -f1)
[ -n "$u" ] && [ -n "$t" ] && [ "$u" -lt "$t" ] ||
    { cat "$work/ctl/postinst"; fail "postinst: systemd-sysusers must come before systemd-tmpfiles"; }
grep -q "deb-systemd-helper enable 'bounced.service'" "$work/ctl/postinst" ||
    fail "postinst does not enable the service"
unit=$work/root/lib/systemd/system/bounced.service
for key in ExecStart ExecStartPre; do
	grep -q "^$key=/usr/sbin/bounced .*-c /etc/bounced/bounced.yaml\$" "$unit" ||
	    fail "$key: $(grep "^$key=" "$unit")"
done
echo "ok: conffile, postinst order, unit paths"
# the packaged daemon takes the packaged configuration
"$work/root/usr/sbin/bounced" -n -c "$work/root/etc/bounced/bounced.yaml" ||
    fail "the packaged bounced refuses the packaged configuration"
echo "PASS: $(basename "$deb"), $(stat -c %s "$deb") bytes"
