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
# With prefix /usr the example configuration goes to the absolute /etc,
# which --prefix cannot move: then DESTDIR=TMPDIR is used instead.
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

if [ "$prefix" = /usr ]; then
	root=$tmp/usr etc=$tmp/etc
	DESTDIR=$tmp "$cmake" --install "$build" >"$tmp.log" 2>&1
else
	root=$tmp etc=$tmp/etc
	"$cmake" --install "$build" --prefix "$tmp" >"$tmp.log" 2>&1
fi
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
case "$sbindir" in
"$prefix"/*) want "$root/${sbindir#"$prefix"/}/bounced" x ;;
*) want "$tmp$sbindir/bounced" x ;; # an absolute sbindir: only DESTDIR moves it
esac
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
	grep -q '^ExecStartPre=.* -n ' "$unit" || {
		echo "FAIL: ExecStartPre= does not check (-n) the configuration"
		fails=$((fails + 1))
	}
fi

if [ $fails -ne 0 ]; then
	echo "FAIL: $fails problem(s); install log: $tmp.log"
	exit 1
fi
echo "PASS"
