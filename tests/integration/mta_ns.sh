# The private mount namespace the unpacked MTAs run in (mta_lib.sh's
# ns_start runs this under `unshare -m`): the packages appear installed
# there only. /usr is MTA_ROOT/usr over the machine's (a read-only
# overlay); /etc and /var are MTA_ROOT's over the machine's, their
# changes kept in WORK (overlayfs upper directories); the MTA's
# compiled-in system users are added to that /etc/passwd and /etc/group;
# /run is a tmpfs of its own.
# The machine's own /usr, /etc and /var are never written. Then it
# touches WORK/ready and sleeps, holding the namespace for nsenter.
# usage: mta_ns.sh WORK MTA_ROOT [USER:UID:GROUP:GID...]
set -eu
w=$1 root=$2
shift 2
mount --make-rprivate /
mount -t overlay overlay -o "lowerdir=$root/usr:/usr" /usr
# MTA_ROOT's /var files are copied into the upper directory instead:
# overlayfs refuses a lower layer inside the mount point
mkdir -p "$w/etc.up" "$w/etc.wk" "$w/var.up" "$w/var.wk"
[ -d "$root/var" ] && cp -a "$root/var/." "$w/var.up/"
mount -t overlay overlay \
    -o "lowerdir=$root/etc:/etc,upperdir=$w/etc.up,workdir=$w/etc.wk" /etc
mount -t overlay overlay \
    -o "lowerdir=/var,upperdir=$w/var.up,workdir=$w/var.wk" /var
# sockets and pid files at compiled-in places under /run (/var/run)
mount -t tmpfs -o mode=755 tmpfs /run
for u in "$@"; do
	n=${u%%:*} u=${u#*:}
	id=${u%%:*} u=${u#*:}
	g=${u%%:*} gid=${u#*:}
	getent group "$g" >/dev/null || echo "$g:x:$gid:" >>/etc/group
	getent passwd "$n" >/dev/null ||
	    echo "$n:x:$id:$gid::/nonexistent:/usr/sbin/nologin" >>/etc/passwd
done
# no DNS: names come from /etc/hosts, a lookup that gets past it fails
# at once on loopback
printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' >/etc/resolv.conf.bd
mv /etc/resolv.conf.bd /etc/resolv.conf
sed -i 's/^hosts:.*/hosts: files/' /etc/nsswitch.conf
# the machine's name, qualified (sendmail sleeps and retries until it
# finds its own name: cf/README "WHO AM I?"), for both address families
h=$(hostname)
printf '127.0.0.1 %s.test %s\n::1 %s.test %s\n' "$h" "$h" "$h" "$h" >>/etc/hosts
# under `unshare -mn` (BD_MTA_NETNS=1): a loopback of our own
[ "${BD_MTA_NETNS:-}" = 1 ] && ip link set lo up
touch "$w/ready"
exec sleep 100000
