#!/bin/bash
# Boots a kernel under QEMU (TCG), runs one command in it as root and exits
# with that command's exit code.
#
#   run-vm.sh --kernel stock|test|PATH --out DIR [--timeout SECS] [--mem MB]
#             [--smp N] [--env NAME=VALUE]... [--quiet] -- COMMAND...
#
# The guest's root is the host's root filesystem, exported read-only over
# virtio-9p; the guest puts a tmpfs overlay over it (guest-init.sh), so the
# guest can write anywhere (/etc, /lib/modules, /var/lib/dkms, the repository)
# and nothing reaches the host.  DIR is shared read-write at /out.  COMMAND's
# words are joined with spaces and run by `bash -c`, as ssh does, in the
# repository's top directory (same path as on the host), with stdin from
# /dev/null and stdout/stderr on the serial console.  Variables named KN_* and
# those given with --env are passed on.
#
# Kernels: "stock" is the newest /boot/vmlinuz-* (its virtio/9p drivers are
# modules: a tiny busybox initramfs, cached under $KN_CACHE_DIR, loads them);
# "test" is the debug kernel from build-kernel.sh (built if missing; 9p is
# built in, so it mounts the 9p root directly, with no initramfs); PATH is any
# bzImage, booted with an initramfs when /lib/modules/<its release> has 9p as
# a module.
#
# Left in DIR: console.log (the whole serial console), exit-code (written by
# the guest), kmemleak.txt (when the kernel has kmemleak and it found leaks).
#
# Exit status: COMMAND's exit status; 1 if COMMAND succeeded but the console
# shows a kernel splat (scan-log.sh); 124 on timeout; 125 if the guest never
# reported an exit code (panic, failed boot); 2 on a usage error.
#
#   KN_CACHE_DIR     cache root (default: ${XDG_CACHE_HOME:-$HOME/.cache}/kn)
#   KN_STOCK_KERNEL  bzImage used for --kernel stock (default: newest in /boot)
#   KN_QEMU_ARGS     extra QEMU arguments (word-split)
#   KN_KERNEL_ARGS   extra kernel command line
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cache=${KN_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kn}
msize=262144

usage() {
	cat >&2 <<-EOF
	usage: run-vm.sh --kernel stock|test|PATH --out DIR [--timeout SECS] [--mem MB]
	                 [--smp N] [--env NAME=VALUE]... [--quiet] -- COMMAND...
	EOF
	exit 2
}
die() { echo "run-vm: $*" >&2; exit 2; }

kernel='' out='' timeout_secs=300 mem=1024 smp=2 quiet=0
envs=()
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kernel=${2:?}; shift 2 ;;
	--out) out=${2:?}; shift 2 ;;
	--timeout) timeout_secs=${2:?}; shift 2 ;;
	--mem) mem=${2:?}; shift 2 ;;
	--smp) smp=${2:?}; shift 2 ;;
	--env) [[ "${2:-}" == [A-Za-z_]*=* ]] || die "--env wants NAME=VALUE"; envs+=("$2"); shift 2 ;;
	--quiet) quiet=1; shift ;;
	--) shift; break ;;
	*) usage ;;
	esac
done
[ -n "$kernel" ] && [ -n "$out" ] && [ $# -gt 0 ] || usage
for n in "$timeout_secs" "$mem" "$smp"; do [[ "$n" =~ ^[0-9]+$ ]] || die "not a number: $n"; done

# The kernel release of a bzImage, from the string its setup header points to.
bzimage_release() {
	local magic ptr
	magic=$(dd if="$1" bs=1 skip=514 count=4 status=none)
	[ "$magic" = HdrS ] || return 1
	ptr=$(od -An -tu2 -j526 -N2 "$1" | tr -d ' ')
	dd if="$1" bs=1 skip=$((ptr + 512)) count=128 status=none | tr '\0' '\n' | head -n1 | cut -d' ' -f1
}

kbuild=
case "$kernel" in
stock)
	bzimage=${KN_STOCK_KERNEL:-$(ls -v /boot/vmlinuz-* 2>/dev/null | tail -n1)}
	[ -n "$bzimage" ] || die "no /boot/vmlinuz-* (apt-get install linux-image-amd64)"
	;;
test)
	dir=$("$here/build-kernel.sh")
	bzimage=$dir/bzImage
	kbuild=$dir/build
	;;
*)
	bzimage=$kernel
	;;
esac
[ -r "$bzimage" ] || die "cannot read kernel $bzimage"
[ -x /bin/busybox ] || die "no /bin/busybox (apt-get install busybox-static)"
release=$(bzimage_release "$bzimage") || die "$bzimage is not a bzImage"

# Modules loaded by the initramfs, dependencies first, for a kernel whose 9p
# support is modular.  Resolved from modules.dep, so the chain follows
# whatever the distribution kernel splits into modules.
initramfs_modules() {
	local moddir=/lib/modules/$release want
	declare -A seen=()
	resolve() {
		local path=$1 dep
		[ -n "${seen[$path]:-}" ] && return
		seen[$path]=1
		for dep in $(awk -v m="$path:" '$1 == m { $1 = ""; print }' "$moddir/modules.dep"); do
			resolve "$dep"
		done
		echo "$path"
	}
	for want in virtio_pci virtio-rng 9pnet_virtio 9p overlay; do
		local p
		p=$(grep -oE "^[^:]*/$want\.ko(\.[a-z]+)?:" "$moddir/modules.dep" | head -n1)
		[ -n "$p" ] || { [ "$want" = virtio-rng ] && continue; die "$want not in $moddir/modules.dep"; }
		resolve "${p%:}"
	done
}

build_initramfs() {
	local moddir=/lib/modules/$release mods=() m key img tmp i=0
	mapfile -t mods < <(initramfs_modules)
	key=$({
		sha256sum /bin/busybox "$here/initramfs-init"
		for m in "${mods[@]}"; do echo "$m"; sha256sum < "$moddir/$m"; done
	} | sha256sum | cut -c1-16)
	img=$cache/initramfs-$release-$key.cpio
	if [ ! -f "$img" ]; then
		mkdir -p "$cache"
		tmp=$(mktemp -d "$cache/initramfs.XXXXXX")
		chmod 755 "$tmp"
		mkdir -p "$tmp"/{bin,dev,proc,sys,newroot,modules}
		cp /bin/busybox "$tmp/bin/busybox"
		cp "$here/initramfs-init" "$tmp/init"
		chmod 755 "$tmp/init"
		for m in "${mods[@]}"; do
			local dst
			dst=$tmp/modules/$(printf '%02d' $i)-$(basename "${m%%.ko*}").ko
			case "$m" in
			*.ko) cp "$moddir/$m" "$dst" ;;
			*.ko.xz) xz -dc "$moddir/$m" > "$dst" ;;
			*.ko.zst) zstd -qdc "$moddir/$m" > "$dst" ;;
			*.ko.gz) gzip -dc "$moddir/$m" > "$dst" ;;
			*) die "unknown module format: $m" ;;
			esac
			i=$((i + 1))
		done
		(cd "$tmp" && find . | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) > "$tmp.cpio"
		rm -rf "$tmp"
		rm -f "$cache/initramfs-$release-"*.cpio
		mv "$tmp.cpio" "$img"
	fi
	echo "$img"
}

# For a kernel not installed on the host (the test kernel), a module
# directory made here, where depmod is quick, from its build tree: the guest
# links /lib/modules/RELEASE to it, so modprobe finds built-in modules and
# out-of-tree builds find build/.  The guest's writes there stay in its overlay.
build_moddir() {
	local key dir tmp
	key=$(cat "$kbuild"/modules.builtin* 2> /dev/null | sha256sum | cut -c1-16)
	dir=$cache/modules-$release-$key
	if [ ! -f "$dir/lib/modules/$release/modules.dep" ]; then
		rm -rf "$cache/modules-$release-"*
		tmp=$(mktemp -d "$cache/modules.XXXXXX")
		mkdir -p "$tmp/lib/modules/$release"
		ln -s "$kbuild" "$tmp/lib/modules/$release/build"
		cp "$kbuild"/modules.builtin* "$tmp/lib/modules/$release/" 2> /dev/null || true
		touch "$tmp/lib/modules/$release/modules.order"
		depmod -b "$tmp" "$release"
		chmod 755 "$tmp"
		mv -T "$tmp" "$dir" 2> /dev/null || rm -rf "$tmp"
	fi
	echo "$dir/lib/modules/$release"
}
moddir=
if [ ! -d "/lib/modules/$release" ] && [ -n "$kbuild" ] && [ -d "$kbuild" ]; then
	moddir=$(build_moddir) || exit
fi

# The guest reads what to run from DIR/.kn-vm (guest-init.sh).
mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -rf "$out/.kn-vm" "$out/exit-code" "$out/console.log" "$out/kmemleak.txt"
mkdir "$out/.kn-vm"
printf '%s\n' "$*" > "$out/.kn-vm/command"
{
	printf 'export KN_VM_CWD=%q KN_VM_KERNEL=%q KN_VM_MODULES=%q\n' "$repo" "$kernel" "$moddir"
	while IFS= read -r name; do
		printf 'export %s=%q\n' "$name" "${!name}"
	done < <(compgen -e | grep '^KN_' || true)
	for e in "${envs[@]}"; do
		printf 'export %s=%q\n' "${e%%=*}" "${e#*=}"
	done
} > "$out/.kn-vm/env"

cmdline="console=ttyS0 panic=-1 oops=panic panic_on_warn=1 printk.devkmsg=on printk.time=1"
cmdline+=" no_hash_pointers mitigations=off tsc=reliable rcupdate.rcu_expedited=1 random.trust_cpu=on"
cmdline+=" i8042.noaux i8042.nokbd 8250.nr_uarts=1 hung_task_panic=1 softlockup_panic=1"
rootflags=trans=virtio,version=9p2000.L,msize=$msize,cache=loose
initrd=()
if compgen -G "/lib/modules/$release/kernel/fs/9p/9p.ko*" > /dev/null; then
	img=$(build_initramfs) || exit
	initrd=(-initrd "$img")
	cmdline+=" kninit=$here/guest-init.sh knrootflags=$rootflags"
else
	cmdline+=" root=hostroot rootfstype=9p rootflags=$rootflags ro init=$here/guest-init.sh"
fi
cmdline+=" ${KN_KERNEL_ARGS:-}"

if [ "$quiet" = 1 ]; then
	serial=(-chardev "file,id=con,path=${out//,/,,}/console.log")
else
	serial=(-chardev "stdio,id=con,signal=off,logfile=${out//,/,,}/console.log")
fi
# shellcheck disable=SC2054,SC2206 # commas are QEMU's; KN_QEMU_ARGS is split on purpose
qemu=(
	qemu-system-x86_64 -nodefaults -display none -no-user-config
	-machine pc,accel=tcg -cpu max,la57=off -smp "$smp" -m "$mem" -no-reboot
	"${serial[@]}" -serial chardev:con
	-fsdev "local,id=root,path=/,readonly=on,multidevs=remap,security_model=none"
	-device virtio-9p-pci,fsdev=root,mount_tag=hostroot
	-fsdev "local,id=out,path=${out//,/,,},multidevs=remap,security_model=none"
	-device virtio-9p-pci,fsdev=out,mount_tag=kn-out
	-device virtio-rng-pci
	-kernel "$bzimage" "${initrd[@]}" -append "$cmdline"
	${KN_QEMU_ARGS:-}
)

[ "$quiet" = 1 ] || echo "run-vm: booting $bzimage ($release), timeout ${timeout_secs}s" >&2
# QEMU itself has crashed (SIGSEGV while the guest probed its PCI bus, seen
# once in some hundred boots under TCG); when that happens before the guest
# ran anything of ours, the boot is tried once more: no test ran, so there
# is no result to hide.  A crash after that is reported as it is.
for attempt in 1 2; do
	start=$(date +%s%N)
	# timeout(1) runs QEMU in its own process group, so an interrupt of
	# this script must be passed on to it.
	timeout -k 10 "$timeout_secs" "${qemu[@]}" < /dev/null &
	qpid=$!
	trap 'kill -TERM $qpid 2>/dev/null; wait $qpid; exit 130' INT TERM
	rc=0
	wait $qpid || rc=$?
	trap - INT TERM
	secs=$(awk -v a="$start" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')
	if [ "$attempt" = 1 ] && [ "$rc" -gt 128 ] && [ "$rc" != 137 ] &&
		! grep -q '^kn-vm: ' "$out/console.log" 2> /dev/null &&
		[ ! -e "$out/exit-code" ]; then
		echo "run-vm: qemu died (exit $rc) after ${secs}s, before the guest ran anything; booting again (console: $out/console-qemu-crash.log)" >&2
		mv "$out/console.log" "$out/console-qemu-crash.log" 2> /dev/null || :
		continue
	fi
	break
done

splat=0
if [ -f "$out/console.log" ]; then
	"$here/scan-log.sh" "$out/console.log" >&2 || splat=1
fi
if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
	echo "run-vm: timed out after ${timeout_secs}s (console: $out/console.log)" >&2
	exit 124
elif [ "$rc" != 0 ]; then
	echo "run-vm: qemu exited with $rc after ${secs}s" >&2
fi
if ! [[ "$(cat "$out/exit-code" 2>/dev/null)" =~ ^[0-9]+$ ]]; then
	echo "run-vm: the guest reported no exit code after ${secs}s (console: $out/console.log)" >&2
	exit 125
fi
guest_rc=$(cat "$out/exit-code")
[ "$quiet" = 1 ] || echo "run-vm: guest exited with $guest_rc after ${secs}s" >&2
if [ "$guest_rc" = 0 ] && [ "$splat" = 1 ]; then
	echo "run-vm: kernel splat in $out/console.log" >&2
	exit 1
fi
exit "$guest_rc"
