#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# What `make demo` shows, inside the VM: kn loaded into Debian's kernel,
# answering kn-ctl in two network namespaces that keep separate settings.
set -euo pipefail
export PATH=$PWD/tools:$PATH
say() { printf '\n\033[1m### %s\033[0m\n' "$*"; }
run() { echo "\$ $*"; "$@"; }

say "kn in Debian's $(uname -r) kernel"
run insmod "${KN_KO:?}"
run kn-ctl version

say "two network namespaces, as two Kubernetes nodes would have"
run ip netns add node1
run ip netns add node2
run ip netns exec node1 kn-ctl status
run ip netns exec node2 kn-ctl status

say "settings are per namespace"
run ip netns exec node1 kn-ctl config set cluster-cidr 10.100.0.0/16 nodeport-range 31000-31999
run ip netns exec node1 kn-ctl config show
run ip netns exec node2 kn-ctl config show
run ip netns exec node2 kn-ctl -j config show

say "bad input is refused with the kernel's reason"
run ip netns exec node1 kn-ctl config set conntrack-max 1 || echo "(exit $?)"

say "unprivileged users may read but not change"
run ip netns exec node1 setpriv --reuid=65534 --regid=65534 --clear-groups \
	kn-ctl config set conntrack-max 5000 || echo "(exit $?)"

run ip netns del node1
run ip netns del node2
run rmmod kn
say "done"
