# Debian packages that tests run without installing them (sourced after
# lib.sh): the .debs are fetched with `apt-get download` into a cache kept
# between runs and unpacked with `dpkg-deb -x` into CACHE/NAME-root, once
# per cache (NAME-root/.complete lists the packages), under a lock so that
# tests run in parallel (ctest -j) download once. Nothing of the machine
# changes: no package database entry, no service, no user.
#
# The libraries the packages need and the machine lacks come too: those
# apt-get would install with them (a simulation, -s: nothing changes)
# that dpkg does not list as installed -- a minimal Debian has no
# libpcre3, libglib2.0-0, ... Only libraries, and never a newer version
# of one the machine has: the machine's own is what runs beside them.
#
#   debs_fetch CACHE NAME PKG...
#       Sets DEBS_ROOT (CACHE/NAME-root) and DEBS_COST (what fetching
#       cost, or "cached ..."). Skips the test (77) with the reason when
#       it cannot: no apt-get and no cache, the download fails (no
#       network, no apt sources); fails when unpacking fails.

# debs_missing_libs PKG...: the lib* packages apt would install with PKG
# that are not installed here at all
debs_missing_libs() {
	apt-get -s -qq --no-install-recommends install "$@" 2>/dev/null |
	    sed -n 's/^Inst \(lib[^ ]*\) .*/\1/p' | sort -u |
	    while read -r _p; do
		dpkg-query -W -f='${Status}\n' "$_p" 2>/dev/null |
		    grep -q ' installed$' || echo "$_p"
	    done
}

now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

debs_fetch() {
	_cache=$1 _name=$2
	shift 2
	_want=$(echo "$@")
	DEBS_ROOT=$_cache/$_name-root
	DEBS_COST=cached _rc=
	mkdir -p "$_cache" || { echo "SKIP: cannot create $_cache"; exit 77; }
	command -v flock >/dev/null 2>&1 || { echo "SKIP: no flock(1)"; exit 77; }
	(
		flock 9
		[ "$(cat "$DEBS_ROOT/.complete" 2>/dev/null)" = "$_want" ] &&
		    exit 10
		command -v apt-get >/dev/null 2>&1 || exit 3
		_t0=$(now_ms)
		rm -rf "$DEBS_ROOT" "$_cache/$_name-debs"
		mkdir -p "$_cache/$_name-debs"
		# APT::Sandbox::User=root: the cache may be where _apt
		# cannot write; the .debs are checked against the signed
		# index as usual
		# shellcheck disable=SC2086
		_libs=$(debs_missing_libs $_want)
		echo "libraries this machine lacks:" ${_libs:-none} \
		    >"$_cache/$_name.log"
		# shellcheck disable=SC2086
		(cd "$_cache/$_name-debs" && apt-get download -qq \
		    -o APT::Sandbox::User=root $_want $_libs) \
		    >>"$_cache/$_name.log" 2>&1 || exit 4
		mkdir "$DEBS_ROOT.tmp"
		for _d in "$_cache/$_name-debs"/*.deb; do
			dpkg-deb -x "$_d" "$DEBS_ROOT.tmp" || exit 5
		done
		# Debian 12 is merged-/usr (/lib is usr/lib), and the tests
		# lay the unpacked usr/ over /usr: what a package still ships
		# under /lib (libpcre3) or /bin goes into usr/ too
		for _d in bin sbin lib lib32 lib64 libx32; do
			[ -d "$DEBS_ROOT.tmp/$_d" ] &&
			    [ ! -L "$DEBS_ROOT.tmp/$_d" ] || continue
			mkdir -p "$DEBS_ROOT.tmp/usr/$_d"
			cp -a "$DEBS_ROOT.tmp/$_d/." "$DEBS_ROOT.tmp/usr/$_d/" ||
			    exit 5
			rm -rf "${DEBS_ROOT:?}.tmp/$_d"
		done
		mv "$DEBS_ROOT.tmp" "$DEBS_ROOT"
		echo "$_want" >"$DEBS_ROOT/.complete"
		_n=$(ls "$_cache/$_name-debs"/*.deb | wc -l)
		_kb=$(du -sk "$_cache/$_name-debs" | cut -f1)
		echo "$_n .debs, ${_kb} KiB, $(($(now_ms) - _t0)) ms" \
		    >"$_cache/$_name.fetched"
		exit 0
	) 9>"$_cache/.lock" || _rc=$?
	case ${_rc:-0} in
	0) DEBS_COST=$(cat "$_cache/$_name.fetched" 2>/dev/null || echo '?') ;;
	10) DEBS_COST="cached ($(cat "$_cache/$_name.fetched" 2>/dev/null ||
	    echo '?') when fetched)" ;;
	3) echo "SKIP: $_name: no apt-get to fetch $_want, and no cache in $_cache"
	   exit 77 ;;
	4) echo "SKIP: $_name: apt-get download failed (no network or no apt sources?): $(tail -1 "$_cache/$_name.log")"
	   exit 77 ;;
	*) fail "$_name: unpacking the .debs into $DEBS_ROOT failed" ;;
	esac
}
