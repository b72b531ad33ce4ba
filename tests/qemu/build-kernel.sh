#!/bin/bash
# Builds (once) the debug/KUnit test kernel from Debian's linux-source-6.1 and
# prints the directory holding it.  The build is cached outside the repository,
# keyed by the config fragments and the source package version, so editing a
# fragment or upgrading linux-source rebuilds it and nothing else does.
#
#   KN_CACHE_DIR   cache root (default: ${XDG_CACHE_HOME:-$HOME/.cache}/kn)
#
# With --unpack-only, only unpacks the source (for checkpatch.pl) and prints
# its directory.
#
# Output directory layout: $dir/bzImage, $dir/build (kbuild tree for M= modules).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${KN_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kn}
tarball=/usr/src/linux-source-6.1.tar.xz
fragments=("$here"/kernel/*.config)

[ -r "$tarball" ] || { echo "build-kernel: $tarball missing (apt-get install linux-source-6.1)" >&2; exit 1; }
srcver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
key=$( { echo "$srcver"; cat "${fragments[@]}"; } | sha256sum | cut -c1-16)
out=$cache/testkernel-$key

if [ -f "$out/bzImage" ] && [ "${1:-}" != --unpack-only ]; then
	echo "$out"
	exit 0
fi

mkdir -p "$cache"
src=$cache/linux-source-$srcver
if [ ! -f "$src/Makefile" ]; then
	echo "build-kernel: unpacking $tarball" >&2
	rm -rf "$src.tmp"
	mkdir -p "$src.tmp"
	tar -xJf "$tarball" -C "$src.tmp" --strip-components=1
	mv "$src.tmp" "$src"
fi

if [ "${1:-}" = --unpack-only ]; then
	echo "$src"
	exit 0
fi

build=$out/build
mkdir -p "$build"
start=$(date +%s)
echo "build-kernel: configuring $out" >&2
make -s -C "$src" O="$build" allnoconfig >&2
"$src"/scripts/kconfig/merge_config.sh -m -O "$build" "$build/.config" "${fragments[@]}" >/dev/null
make -s -C "$src" O="$build" olddefconfig >&2

# merge_config.sh silently drops options whose dependencies are missing:
# catch that here rather than discovering it as a puzzling test failure.
missing=0
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=n) opt=${line%%=*}; grep -q "^$opt=" "$build/.config" && { echo "build-kernel: $opt wanted off" >&2; missing=1; } ;;
	CONFIG_*=*) grep -qxF "$line" "$build/.config" || { echo "build-kernel: $line not set" >&2; missing=1; } ;;
	esac
done < <(cat "${fragments[@]}")
[ "$missing" = 0 ] || { echo "build-kernel: config fragments do not apply cleanly" >&2; exit 1; }

echo "build-kernel: compiling with $(nproc) jobs" >&2
make -s -C "$src" O="$build" -j"$(nproc)" bzImage modules_prepare >&2
cp "$build/arch/x86/boot/bzImage" "$out/bzImage.tmp"
mv "$out/bzImage.tmp" "$out/bzImage"
echo "build-kernel: built in $(( $(date +%s) - start ))s" >&2
echo "$out"
