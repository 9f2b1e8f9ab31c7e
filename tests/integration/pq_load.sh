#!/bin/sh
# libpq is loaded when a postgresql:// database is opened, not linked
# (storage/pq_load.c, issue 16): bounced and bouncectl do not name it (or
# OpenSSL, Kerberos, LDAP) among what they need, a SQLite run does not map
# it, a PostgreSQL URI does, and without libpq on the machine a URI gets
# an error that names the package, at once, with exit status 3. That last
# part hides libpq in a private mount namespace (unshare -m; root): when
# that cannot be had the rest still runs and the test reports a skip (77).
# usage: pq_load.sh BOUNCED BOUNCECTL SRCDIR WORKDIR
bounced=$1 bctl=$2 src=$3 work=$4
. "$src/tests/integration/lib.sh"
rm -rf "$work"
mkdir -p "$work"
cd "$work"

for p in "$bounced" "$bctl"; do
	readelf -d "$p" >needed || fail "readelf -d $p"
	grep -q NEEDED needed || fail "$p: readelf shows no NEEDED entries"
	if grep -E 'NEEDED.*(libpq|libssl|libcrypto|libkrb5|libgssapi|libldap)' \
	    needed; then
		fail "$p: links what only PostgreSQL needs"
	fi
done

# loaded objects, by the dynamic linker's own account
loaded() {
	LD_DEBUG=files "$@" 2>&1 >/dev/null | grep -c 'file=libpq\.so\.5 ' ||
	    true
}
mk_maildir md
cp "$src"/examples/maildir/new/* md/new/
printf 'database: %s\nmaildir:\n  path: %s/md\n' "$work/sq.db" "$work" >sq.yaml
[ "$(loaded "$bounced" --once -c sq.yaml)" = 0 ] ||
    fail "bounced --once on SQLite loaded libpq"
[ "$(count_files md/new)" = 0 ] || fail "bounced --once left new/"
[ "$(loaded "$bctl" -d "$work/sq.db" list)" = 0 ] ||
    fail "a SQLite bouncectl loaded libpq"
[ "$(loaded "$bctl" parse "$src"/examples/maildir/new/*)" = 0 ] ||
    fail "bouncectl parse loaded libpq"
uri="postgresql:///x?host=$work/nosuchdir"
[ "$(loaded "$bctl" -d "$uri" list)" -ge 1 ] ||
    fail "a PostgreSQL URI did not load libpq"
rc=0
"$bctl" -d "$uri" list >out 2>&1 || rc=$?
[ "$rc" = 3 ] || { cat out; fail "no server: exit $rc, want 3"; }
grep -q 'nosuchdir/.s.PGSQL.5432' out || { cat out; fail "not libpq's word"; }

lib=$(LD_DEBUG=files "$bctl" -d "$uri" list 2>&1 |
    sed -n 's/.*calling init: \(\/.*\/libpq\.so\.5\)$/\1/p' | head -n 1)
lib=$(readlink -f "$lib")
[ -f "$lib" ] || fail "where libpq was loaded from: '$lib'"
if [ "$(id -u)" != 0 ] || ! unshare -m true 2>/dev/null; then
	echo "SKIP: cannot hide $lib (needs root and unshare -m)"
	exit 77
fi
rc=0
unshare -m sh -c 'mount --bind /dev/null "$1" && shift && exec "$@"' sh \
    "$lib" "$bctl" -d "$uri" list >out 2>&1 || rc=$?
[ "$rc" = 3 ] || { cat out; fail "libpq hidden: exit $rc, want 3"; }
grep -q 'libpq\.so\.5' out && grep -q 'apt-get install libpq5' out ||
    { cat out; fail "libpq hidden: the error does not name it"; }
# and SQLite works without it
unshare -m sh -c 'mount --bind /dev/null "$1" && shift && exec "$@"' sh \
    "$lib" "$bctl" -d "$work/sq.db" list >out 2>&1 ||
    { cat out; fail "libpq hidden: SQLite failed too"; }
echo "pq_load: ok"
