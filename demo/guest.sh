#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# What `make demo` shows, inside the VM: kn loaded into Debian's kernel,
# answering kn-ctl in two network namespaces that keep separate settings;
# pods on kn0; then two nodes whose pods talk across kn's VXLAN overlay,
# a ClusterIP Service in front of pods on both, and last a client outside
# the cluster reaching that Service through a NodePort on each node.
set -euo pipefail
export PATH=$PWD/tools:$PATH
say() { printf '\n\033[1m### %s\033[0m\n' "$*"; }
run() { echo "\$ $*"; "$@"; }

say "kn in Debian's $(uname -r) kernel"
run tests/qemu/kn-insmod.sh "${KN_KO:?}"
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

say "node2 joins: kn0 10.244.2.0/24, a pod, and an underlay LAN (a bridge) with node1"
run ip netns add lan
run ip -n lan link add br0 type bridge
run ip -n lan link set br0 up
for n in 1 2; do
	run ip -n lan link add port$n type veth peer name eth1 netns node$n
	run ip -n lan link set port$n master br0 up
done
run ip -n node1 addr add 192.168.0.1/24 dev eth1
run ip -n node2 addr add 192.168.0.2/24 dev eth1
run ip -n node1 link set eth1 up
run ip -n node2 link set eth1 up
run ip -n node2 link add kn0 type kn
run ip -n node2 addr add 10.244.2.1/24 dev kn0
run ip -n node2 link set kn0 up
node2() { run nsenter --net=/run/netns/node2 "$@"; }
node2 kn-ctl --state-dir /tmp/kn-demo2 pod add db dev kn0 ip 10.244.2.5
for n in 1 2; do ip netns exec node$n sysctl -qw net.ipv4.ip_forward=1; done

say "the VXLAN overlay: each node's VTEP, and which node owns which pod subnet"
node1 kn-ctl overlay set dev kn0 local 192.168.0.1
node2 kn-ctl overlay set dev kn0 local 192.168.0.2
node1 kn-ctl node add 10.244.2.0/24 via 192.168.0.2 dev kn0
node2 kn-ctl node add 10.244.1.0/24 via 192.168.0.1 dev kn0
node1 kn-ctl node list
run ip -n node1 route show 10.244.2.0/24

say "client (node1) -> db (node2) across the overlay; the wire carries VXLAN"
ip netns exec node1 tcpdump -lnc 2 -i eth1 udp port 8472 2>/dev/null &
sleep 2
run ip netns exec client busybox ping -c 3 10.244.2.5
wait
ip netns exec db socat TCP-LISTEN:5432,reuseaddr SYSTEM:'echo hello from db pod on node2' &
sleep 2
run ip netns exec client socat -T5 - TCP:10.244.2.5:5432 </dev/null
wait
node1 kn-ctl overlay show dev kn0

say "a ClusterIP Service in front of a pod on each node, programmed on both nodes"
node2 kn-ctl --state-dir /tmp/kn-demo2 pod add api dev kn0 ip 10.244.2.6
for n in 1 2; do
	run ip netns exec node$n kn-ctl service add 10.96.0.10:80/tcp
	run ip netns exec node$n kn-ctl backend add 10.96.0.10:80/tcp "$web_ip":8080
	run ip netns exec node$n kn-ctl backend add 10.96.0.10:80/tcp 10.244.2.6:8080
done
ip netns exec web socat -t5 TCP-LISTEN:8080,reuseaddr,fork SYSTEM:'echo web pod on node1 sees client \$SOCAT_PEERADDR' &
servers=$!	# -t5: socat's default 0.5 s wait after the client's EOF loses the reply under TCG
ip netns exec api socat -t5 TCP-LISTEN:8080,reuseaddr,fork SYSTEM:'echo api pod on node2 sees client \$SOCAT_PEERADDR' &
servers+=" $!"
sleep 2
say "client -> 10.96.0.10:80, six times: kn picks a backend for each connection"
for i in 1 2 3 4 5 6; do
	run ip netns exec client socat -T5 - TCP:10.96.0.10:80 </dev/null
done
node1 kn-ctl service list
node1 kn-ctl conntrack list
node1 kn-ctl conntrack stats

say "a client outside the cluster: laptop, 192.168.0.100 on the underlay LAN, no route to pods or Services"
run ip netns add laptop
run ip -n lan link add port3 type veth peer name eth0 netns laptop
run ip -n lan link set port3 master br0 up
run ip -n laptop addr add 192.168.0.100/24 dev eth0
run ip -n laptop link set eth0 up

say "NodePort 31080 for the Service on both nodes (node1's range is 31000-31999, set above)"
run ip netns exec node1 kn-ctl service replace 10.96.0.10:80/tcp nodeport 30080 || echo "(exit $?)"
for n in 1 2; do
	run ip netns exec node$n kn-ctl service replace 10.96.0.10:80/tcp nodeport 31080 policy cluster
done
node1 kn-ctl service list

say "laptop -> each node's address:31080 (policy Cluster: any backend, which sees the node's kn0 address)"
for node in 192.168.0.1 192.168.0.2; do
	for _ in 1 2 3; do
		run ip netns exec laptop socat -T5 - TCP:$node:31080 </dev/null
	done
done
node1 kn-ctl conntrack list

say "policy Local: only the node's own backend, which sees the laptop's own address"
for n in 1 2; do
	run ip netns exec node$n kn-ctl service replace 10.96.0.10:80/tcp nodeport 31080 policy local
done
node1 kn-ctl backend list 10.96.0.10:80/tcp
for node in 192.168.0.1 192.168.0.2; do
	for _ in 1 2; do
		run ip netns exec laptop socat -T5 - TCP:$node:31080 </dev/null
	done
done
node2 kn-ctl conntrack list
# shellcheck disable=SC2086 # two PIDs
kill $servers
wait $servers 2>/dev/null || true

node2 kn-ctl --state-dir /tmp/kn-demo2 pod del api
node2 kn-ctl --state-dir /tmp/kn-demo2 pod del db
node1 kn-ctl --state-dir /tmp/kn-demo pod del web
node1 kn-ctl --state-dir /tmp/kn-demo pod del client
run ip -n node1 link del kn0
run ip -n node2 link del kn0
run ip netns del node1
run ip netns del node2
run ip netns del laptop
run ip netns del lan
run rmmod kn
say "done"
