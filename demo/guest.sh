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

say "kn0: the pod bridge of node1, its gateway address, two pods"
run ip -n node1 link add kn0 type kn
run ip -n node1 addr add 10.244.1.1/24 dev kn0
run ip -n node1 link set kn0 up
# pods are set up from the node's namespace; nsenter (unlike ip netns exec)
# keeps the mount namespace, so /run/netns/POD is visible to everyone
node1() { run nsenter --net=/run/netns/node1 "$@"; }
node1 kn-ctl --state-dir /tmp/kn-demo pod add web dev kn0
node1 kn-ctl --state-dir /tmp/kn-demo pod add client dev kn0
node1 kn-ctl --state-dir /tmp/kn-demo pod list
web_ip=$(nsenter --net=/run/netns/node1 kn-ctl --state-dir /tmp/kn-demo -j pod list |
	python3 -c 'import json,sys; print([p["address"] for p in json.load(sys.stdin) if p["name"] == "web"][0])')

say "client -> web through kn0: ping and a TCP request"
run ip netns exec client busybox ping -c 3 "$web_ip"
ip netns exec web socat TCP-LISTEN:8080,reuseaddr SYSTEM:'echo hello from web pod' &
sleep 2
run ip netns exec client socat -T5 - TCP:"$web_ip":8080 </dev/null
wait
node1 kn-ctl fdb show dev kn0
node1 kn-ctl link show dev kn0
run ip -n node1 -s link show kn0

node1 kn-ctl --state-dir /tmp/kn-demo pod del web
node1 kn-ctl --state-dir /tmp/kn-demo pod del client
run ip -n node1 link del kn0
run ip netns del node1
run ip netns del node2
run rmmod kn
say "done"
