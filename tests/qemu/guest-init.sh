#!/bin/bash
# PID 1 of a run-vm.sh guest.  The kernel (or the initramfs, for a kernel
# with modular 9p) starts it from the host's root, mounted read-only over 9p.
#
# Stage 1 puts a tmpfs overlay over that root and pivots into it, so the
# guest may write anywhere while the host stays untouched.  Stage 2 mounts
# the API filesystems and DIR at /out, runs the command from /out/.kn-vm,
# writes its exit status to /out/exit-code, looks for leaks with kmemleak
# when the kernel has it, and reboots, which with -no-reboot ends QEMU.
#
# Without an /out/exit-code the host counts the run as failed, so every
# failure here simply stops the machine.

PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH
here=$(dirname "$0")

halt() {
	bb sync
	bb reboot -f
	echo b > /proc/sysrq-trigger
	sleep 60
}
die() {
	echo "kn-vm: $*"
	halt
}

uptime_s() {
	local up
	read -r up _ < /proc/uptime
	echo "$up"
}

# Early on, busybox's static applets, which exec several times faster than
# dynamically linked binaries loaded over 9p under TCG.
bb() { /bin/busybox "$@"; }

stage1() {
	[ -e /proc/self ] || bb mount -t proc proc /proc || die "mount /proc"
	bb mount -t tmpfs -o mode=0755 kn-overlay /tmp || die "mount tmpfs"
	bb mkdir /tmp/upper /tmp/work /tmp/root
	bb mount -t overlay -o lowerdir=/,upperdir=/tmp/upper,workdir=/tmp/work kn-root /tmp/root ||
		die "cannot put an overlay over the 9p root"
	bb mkdir /tmp/root/.kn-oldroot
	cd /tmp/root || die "cd"
	bb pivot_root . .kn-oldroot || die "pivot_root"
	cd / || die "cd"
	bb umount -l /.kn-oldroot
	bb rmdir /.kn-oldroot
	# Start stage 2 in this same shell, with a clean environment.
	local v
	for v in $(compgen -e); do
		[ "$v" = PATH ] || unset "$v"
	done
	export HOME=/root USER=root LOGNAME=root SHELL=/bin/bash TERM=dumb LANG=C.UTF-8
	stage2
}

mount_api() {
	bb mount -t proc proc /proc || die "mount /proc"
	bb mount -t sysfs sysfs /sys || die "mount /sys"
	bb mount -t devtmpfs devtmpfs /dev || die "mount /dev"
	bb mkdir -p /dev/pts /dev/shm
	bb mount -t devpts -o gid=5,mode=0620,ptmxmode=0666 devpts /dev/pts
	bb mount -t tmpfs -o mode=1777 tmpfs /dev/shm
	# Without /dev/fd, bash's <(...) fails, and silently so in a pipeline.
	bb ln -sfn /proc/self/fd /dev/fd
	bb ln -sfn /proc/self/fd/0 /dev/stdin
	bb ln -sfn /proc/self/fd/1 /dev/stdout
	bb ln -sfn /proc/self/fd/2 /dev/stderr
	# A fresh /run, not the host's: /var/run links to it on Debian and
	# ip-netns keeps its files there.  /tmp stays the overlay's, writable
	# already and showing a repository checked out under the host's /tmp.
	bb mount -t tmpfs -o mode=0755 tmpfs /run
	bb mkdir -p /run/lock /run/netns
	bb mount -t debugfs debugfs /sys/kernel/debug
	[ ! -d /sys/kernel/tracing ] || bb mount -t tracefs tracefs /sys/kernel/tracing 2> /dev/null
	[ ! -d /sys/fs/cgroup ] || bb mount -t cgroup2 cgroup2 /sys/fs/cgroup 2> /dev/null
	bb mkdir -p /out
	bb mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 kn-out /out ||
		die "cannot mount /out"
}

# A kernel that is not installed on the host (the test kernel) gets the
# module directory run-vm.sh made for it, so that modprobe, depmod and
# out-of-tree builds work as on an installed kernel.
setup_modules() {
	local rel
	read -r rel < /proc/sys/kernel/osrelease
	[ ! -d "/lib/modules/$rel" ] || return 0
	if [ -n "${KN_VM_MODULES:-}" ]; then
		bb ln -s "$KN_VM_MODULES" "/lib/modules/$rel"
	else
		bb mkdir -p "/lib/modules/$rel"
	fi
}

# Scan twice with a pause, as kmemleak only reports objects that stayed
# unreferenced across a scan and are older than five seconds.
check_kmemleak() {
	local k=/sys/kernel/debug/kmemleak rc=0
	[ -w "$k" ] || return 0
	kn_test_begin kmemleak
	echo scan > "$k"
	bb sleep 5
	echo scan > "$k"
	cat "$k" > /tmp/kmemleak.txt
	if [ -s /tmp/kmemleak.txt ]; then
		rc=1
		cp /tmp/kmemleak.txt /out/kmemleak.txt
		head -n 400 /tmp/kmemleak.txt | while IFS= read -r line; do
			kn_kmsg "kmemleak: $line"
		done
	fi
	kn_test_end kmemleak "$rc"
}

stage2() {
	local cmd rc
	mount_api
	# shellcheck source=/dev/null
	. /out/.kn-vm/env || die "no /out/.kn-vm/env"
	# shellcheck source=lib.sh
	. "$here/lib.sh"
	echo kn-guest > /proc/sys/kernel/hostname
	bb ip link set lo up
	setup_modules
	cmd=$(< /out/.kn-vm/command) || die "no /out/.kn-vm/command"
	cd "$KN_VM_CWD" || die "no $KN_VM_CWD"
	echo "kn-vm: $(uname -r) up at $(uptime_s)s, running: $cmd"
	rc=0
	bash -c "$cmd" < /dev/null || rc=$?
	echo "kn-vm: exit code $rc at $(uptime_s)s"
	echo "$rc" > /out/exit-code
	check_kmemleak
	bb umount /out
	halt
}

stage1
