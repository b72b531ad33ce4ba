#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kn-test-timeout: 1800
# On Debian's stock kernel (booted in QEMU): `make dkms-install` registers,
# builds and installs kn with DKMS against the stock headers; `modprobe kn`
# loads the installed module, which answers kn-ctl; removal leaves nothing.
source "$(dirname "$0")/../netns/lib.sh"

kver=$(uname -r)
version=$(sed -n 's/^#define KN_VERSION "\(.*\)"/\1/p' "$KN_ROOT/kmod/version.h")
grep -q '^kn ' /proc/modules && fail "kn loaded before the test"

pp make -C "$KN_ROOT" dkms-install STOCK_KVER="$kver"
expect_match "dkms status" "$(dkms status -m kn)" "kn/$version, $kver, x86_64: installed"
installed=$(modinfo -n kn)
expect_match "modinfo path" "$installed" "^/lib/modules/$kver/updates/dkms/kn\.ko"
expect_eq "module version" "$(modinfo -F version kn)" "$version"

pp modprobe kn
grep -q '^kn ' /proc/modules || fail "modprobe kn did not load kn"
status=$(kn_ctl status)
expect_match "status from the DKMS module" "$status" "$version"
kn_ctl config set conntrack-max 1234
expect_match "settings work" "$(kn_ctl config show)" "conntrack-max 1234"
pp modprobe -r kn

pp make -C "$KN_ROOT" dkms-uninstall
[ ! -e "$installed" ] || fail "$installed left behind by dkms remove"
echo "dkms: all checks passed"
