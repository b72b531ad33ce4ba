#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kn-insmod.sh KO: loads a kn.ko that is not installed, with what it depends
# on first.  insmod loads one file and resolves nothing: on Debian's kernel
# kn needs udp_tunnel, a module of its own, which modprobe finds and loads.
set -euo pipefail
ko=${1:?usage: kn-insmod.sh PATH/kn.ko}
deps=$(modinfo -F depends "$ko")
if [ -n "$deps" ]; then
	echo "+ modprobe -a ${deps//,/ }" >&2
	# shellcheck disable=SC2086 # one word per module
	modprobe -a ${deps//,/ }
fi
echo "+ insmod $ko" >&2
insmod "$ko"
