#!/bin/bash
# Installs every Debian package kn's build, tests, demo and benchmarks use.
# Idempotent and quiet when everything is present, so each make target that
# needs packages can call it.
set -euo pipefail

packages=(
	# module and tool builds
	gcc make bc flex bison libelf-dev libssl-dev rsync pkg-config libmnl-dev
	linux-headers-amd64 dkms sparse
	# the stock kernel the VM boots and the source of the test kernel
	linux-image-amd64 linux-source-6.1 xz-utils
	# the VM
	qemu-system-x86 busybox-static cpio kmod
	# what tests and benchmarks run inside the VM
	iproute2 iperf3 sockperf socat tcpdump python3 python3-scapy iptables nftables ipvsadm
	util-linux procps psmisc
)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >&2
apt-get install -y -q "${missing[@]}" >&2
