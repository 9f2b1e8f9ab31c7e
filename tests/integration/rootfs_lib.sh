# A minimal Debian 12 root file system for tests that boot a fresh
# system with systemd-nspawn (deb_systemd.sh); sourced.
#
# Made once by debootstrap from the mirror apt already uses and kept in
# BD_ROOTFS_CACHE (default /var/cache/bounced-test-rootfs, beside the
# MTA cache of scripts/deps.sh); the tests boot it with --volatile=overlay,
# so it stays as debootstrap left it. It holds systemd, Postfix and the
# libraries the package links (so that dpkg -i needs no network),
# nothing of bounced. Its name carries the package list: change the list, get a new
# one.

# The packages of the fresh system: systemd as init; Postfix, the mail
# host docs/QUICKSTART.md starts from (Debian's defaults: "Internet
# Site"); and bounced's run-time libraries (debian/control's
# Build-Depends, their run-time names).
ROOTFS_PACKAGES="systemd,systemd-sysv,dbus,postfix,libetpan20,libsqlite3-0,libyaml-0-2,libsystemd0,libgnutls30,libnettle8,libcurl3-gnutls,libpq5"

# rootfs_mirror: the first Debian mirror of apt's sources (deb822 or
# one-line), else deb.debian.org
rootfs_mirror() {
	_m=$(sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*\/debian\)[[:space:]]*$/\1/p' \
	    /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1)
	[ -n "$_m" ] || _m=$(sed -n 's/^deb[[:space:]]\{1,\}\(http[^[:space:]]*\/debian\)[[:space:]]\{1,\}bookworm[[:space:]].*/\1/p' \
	    /etc/apt/sources.list 2>/dev/null | head -n 1)
	echo "${_m:-http://deb.debian.org/debian}"
}

# rootfs_ensure LOG: prints the root's path; made first when missing
# (debootstrap's output into LOG). Fails, with the reason as LOG's last
# line, when it cannot be made (no network, no debootstrap).
rootfs_ensure() {
	_log=$1
	_cache=${BD_ROOTFS_CACHE:-/var/cache/bounced-test-rootfs}
	_sum=$(printf '%s' "$ROOTFS_PACKAGES" | sha256sum | cut -c1-12)
	_root=$_cache/bookworm-$_sum
	: >"$_log"
	if [ -x "$_root/lib/systemd/systemd" ]; then
		echo "$_root"
		return 0
	fi
	mkdir -p "$_cache" || { echo "cannot create $_cache" >>"$_log"; return 1; }
	_tmp=$(mktemp -d "$_cache/.new.XXXXXX") && chmod 755 "$_tmp"
	echo "debootstrap bookworm into $_tmp from $(rootfs_mirror)" >>"$_log"
	if ! debootstrap --variant=minbase --include="$ROOTFS_PACKAGES" \
	    bookworm "$_tmp" "$(rootfs_mirror)" >>"$_log" 2>&1; then
		rm -rf "$_tmp"
		echo "debootstrap failed (network?)" >>"$_log"
		return 1
	fi
	# what a first boot would ask for: no prompt on the console
	systemd-machine-id-setup --root="$_tmp" >>"$_log" 2>&1
	echo bdtest >"$_tmp/etc/hostname"
	ln -sf /dev/null "$_tmp/etc/systemd/system/systemd-firstboot.service"
	rm -rf "$_tmp/var/cache/apt/archives"/*.deb
	# another test run may have made it meanwhile: keep the first
	if ! mv -T "$_tmp" "$_root" 2>/dev/null; then
		rm -rf "$_tmp"
	fi
	echo "$_root"
}
