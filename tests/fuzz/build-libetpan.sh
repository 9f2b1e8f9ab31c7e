#!/bin/sh
# Builds libetpan from Debian's source package with the fuzz preset's
# instrumentation (clang, -fsanitize=fuzzer-no-link,address) into
# build/libetpan-fuzz/lib/libetpan.a, which the "fuzz-etpan" preset links
# instead of the system's uninstrumented libetpan.a: the fuzzer then sees
# coverage inside libetpan's MIME, IMF, IMAP and SMTP parsers, and ASan
# sees their reads and writes. Needs deb-src lines in the apt sources
# (apt-get source) and clang. Usage: tests/fuzz/build-libetpan.sh [OUTDIR]
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$top/build/libetpan-fuzz}
mkdir -p "$out/src"
cd "$out/src"
if ! ls libetpan_*.orig.tar.* >/dev/null 2>&1; then
	# the Debian diff may be missing from a mirror: the upstream
	# tarball is what is built then (said below)
	apt-get source --download-only libetpan || true
fi
ls libetpan_*.orig.tar.* >/dev/null 2>&1 || {
	echo "build-libetpan: no libetpan source (deb-src lines?)" >&2
	exit 1
}
rm -rf libetpan-*/
tar xf libetpan_*.orig.tar.*
dir=$(ls -d libetpan-*/ | head -n 1)
if ls libetpan_*.debian.tar.* >/dev/null 2>&1; then
	tar xf libetpan_*.debian.tar.* -C "$dir"
	if [ -f "$dir/debian/patches/series" ]; then
		grep -v '^#' "$dir/debian/patches/series" | while read -r p; do
			[ -n "$p" ] && patch -d "$dir" -p1 <"$dir/debian/patches/$p"
		done
	fi
else
	echo "build-libetpan: no Debian diff: building upstream" \
	    "$dir without Debian's patches" >&2
fi
# bugs the fuzz targets found in libetpan itself, fixed here so that
# fuzzing goes on past them (each patch says what it fixes)
for p in "$top"/tests/fuzz/libetpan-patches/*.patch; do
	[ -f "$p" ] && patch -d "$dir" -p1 <"$p"
done
cd "$dir"
./configure --prefix="$out" --disable-shared --enable-static \
    --with-gnutls --without-openssl --disable-db --disable-lockfile \
    --with-sasl --without-curl --without-expat CC=clang \
    CFLAGS="-O1 -g -fsanitize=fuzzer-no-link,address -fno-omit-frame-pointer"
make -j"${JOBS:-1}"
make install
echo "build-libetpan: $out/lib/libetpan.a"
