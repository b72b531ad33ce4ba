#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make demo`: boots Debian's stock kernel in QEMU and runs guest.sh there,
# with the kn module and kn-ctl just built for that kernel.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
tests/qemu/run-vm.sh --kernel stock --out "$out" --timeout 600 \
	--env KN_KO="$PWD/build/stock/kn.ko" -- demo/guest.sh
