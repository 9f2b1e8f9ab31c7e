#!/bin/sh
# `cmake --install` into a scratch prefix puts every file where
# systemd/README.md and docs/CMakeLists.txt say, with the unit's paths
# filled in.
#
# usage: install.sh CMAKE BUILD TMPDIR PREFIX SBINDIR CONFIG
#   CMAKE    the cmake to run (${CMAKE_COMMAND})
#   BUILD    the build tree (already built)
#   TMPDIR   a scratch directory (emptied first)
#   PREFIX   the configured CMAKE_INSTALL_PREFIX
#   SBINDIR  the configured CMAKE_INSTALL_FULL_SBINDIR (ExecStart= path)
#   CONFIG   the configuration file the unit names (-c)
# With prefix /usr the example configuration goes to the absolute /etc.
# An install under another prefix than the configured one is refused
# before it writes anything.
set -u

if [ $# -ne 6 ]; then
	echo "usage: install.sh CMAKE BUILD TMPDIR PREFIX SBINDIR CONFIG" >&2
	exit 2
fi
cmake=$1
build=$2
tmp=$3
prefix=$4
sbindir=$5
config=$6

rm -rf "$tmp"
mkdir -p "$tmp" || exit 1
tmp=$(cd "$tmp" && pwd)

# staged with DESTDIR, as a package build does: the unit's paths are the
# configured prefix's, so another --prefix is refused (CMakeLists.txt)
root=$tmp$prefix
if [ "$prefix" = /usr ]; then
	etc=$tmp/etc
else
	etc=$root/etc
fi
DESTDIR=$tmp "$cmake" --install "$build" >"$tmp.log" 2>&1
rc=$?
if [ $rc -ne 0 ]; then
	cat "$tmp.log"
	echo "FAIL: cmake --install exited $rc (is everything built? are"
	echo "      docs/bouncectl.1, docs/bounced.yaml.5 and"
	echo "      config/bounced.yaml.example there?)"
	exit 1
fi

fails=0
want() { # PATH [MODE]: installed, executable with MODE x
	if [ ! -f "$1" ]; then
		echo "FAIL: not installed: ${1#"$tmp"/}"
		fails=$((fails + 1))
	elif [ "${2:-}" = x ] && [ ! -x "$1" ]; then
		echo "FAIL: not executable: ${1#"$tmp"/}"
		fails=$((fails + 1))
	else
		echo "ok: ${1#"$tmp"/}"
	fi
}

want "$root/bin/bouncectl" x
# bounced where ExecStart= runs it: <prefix>/<sbindir relative to it>
want "$tmp$sbindir/bounced" x
unit=$root/lib/systemd/system/bounced.service
want "$unit"
want "$root/lib/sysusers.d/bounced.conf"
want "$root/lib/tmpfiles.d/bounced.conf"
want "$etc/bounced/bounced.yaml.example"
want "$root/share/man/man8/bounced.8"
want "$root/share/man/man1/bouncectl.1"
want "$root/share/man/man5/bounced.yaml.5"

if [ -f "$unit" ]; then
	if grep -E -q '@[A-Za-z_]+@' "$unit"; then
		echo "FAIL: unsubstituted @VAR@ in the unit:"
		grep -E '@[A-Za-z_]+@' "$unit"
		fails=$((fails + 1))
	fi
	for key in ExecStart ExecStartPre; do
		line=$(grep "^$key=" "$unit")
		case "$line" in
		"$key=$sbindir/bounced "*"-c $config") echo "ok: $line" ;;
		*)
			echo "FAIL: $key is \"$line\", want $sbindir/bounced ... -c $config"
			fails=$((fails + 1))
			;;
		esac
	done
	# -n checks; -nq checks and prints only the verdict
	grep -Eq '^ExecStartPre=.* -nq? ' "$unit" || {
		echo "FAIL: ExecStartPre= does not check (-n) the configuration"
		fails=$((fails + 1))
	}
fi

# another prefix: refused, nothing written
other=$tmp.other
rm -rf "$other"
if "$cmake" --install "$build" --prefix "$other" >"$other.log" 2>&1; then
	echo "FAIL: cmake --install --prefix $other (configured: $prefix) succeeded"
	fails=$((fails + 1))
elif ! grep -q "bounced: configured for the prefix $prefix" "$other.log"; then
	echo "FAIL: --prefix $other refused without saying why:"
	cat "$other.log"
	fails=$((fails + 1))
elif [ -e "$other" ]; then
	echo "FAIL: --prefix $other refused, but after writing into it"
	fails=$((fails + 1))
else
	echo "ok: --prefix $other refused, nothing written"
fi

if [ $fails -ne 0 ]; then
	echo "FAIL: $fails problem(s); install log: $tmp.log"
	exit 1
fi
echo "PASS"
