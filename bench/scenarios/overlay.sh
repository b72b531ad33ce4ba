# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034 # SCENARIO_TITLE is for lib.sh
# Cross-node pod-to-pod TCP through kn's VXLAN overlay versus through the
# flannel layout (a Linux bridge for the pods, a Linux vxlan device for the
# overlay, and the routes, neighbours and FDB entries flannel installs):
# two nodes per side joined by a veth pair (the underlay), a pod on each,
# iperf3 and sockperf from the pod on node 1 to the pod on node 2.  Pods
# are made by kn-ctl on both sides (same veths, MTU 1450, addresses and
# routes); both overlays use UDP 8472 and VNI 1.  kn sends a zero outer
# UDP checksum (uapi/kn.h); the vxlan device, made here with neither
# udpcsum nor noudpcsum, fills one in (Linux's default; tests/netns/
# overlay.sh sees it on the wire), nearly free on a veth underlay, which
# offloads it.
#
#   kn side                               linux side (flannel layout)
#   kn-a 10.244.1.2      kn-b 10.244.2.2  linux-a 10.244.1.2  linux-b 10.244.2.2
#     |                    |                |                   |
#   kn0 .1.1/24          kn0 .2.1/24      cni0 .1.1/24        cni0 .2.1/24
#   overlay (kn)         overlay (kn)     flannel.1 (vxlan)   flannel.1 (vxlan)
#   kn-n1 ul 192.168.0.1 -- kn-n2 ul .2   linux-n1 ul .1 ----- linux-n2 ul .2
#
# Clients and servers all run on vCPU 0 (bench/lib.sh says why).

SCENARIO_TITLE="Cross-node pod-to-pod TCP over VXLAN: kn overlay vs flannel layout (Linux bridge + vxlan)"

SERVER=10.244.2.2

# bench_node SIDE N: node N of SIDE, its underlay end "ul" (192.168.0.N) and
# its pod bridge (10.244.N.1/24), forwarding on.
bench_node() {
	local side=$1 n=$2 ns=$1-n$2
	ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=1
	pp ip -n "$ns" addr add "192.168.0.$n/24" dev ul
	pp ip -n "$ns" link set ul up
	if [ "$side" = kn ] && [ "$KN_BENCH_KIND" = kn ]; then
		bench_bridge "$ns" kn0 kn "10.244.$n.1/24"
	else
		bench_bridge "$ns" cni0 bridge "10.244.$n.1/24"
	fi
}

scenario_setup() {
	local side bridge
	if [ "$KN_BENCH_KIND" = kn ]; then
		bench_side kn "kn overlay"
	else
		bench_side kn "kn overlay (stand-in: flannel layout)"
	fi
	bench_side linux "flannel layout"
	bench_test tcp_stream
	bench_test tcp_rr
	bench_metric tcp_gbps higher Gbit/s "TCP throughput across nodes, 1 stream (iperf3)"
	bench_metric rr_p50_us lower µs "TCP request/response latency across nodes, p50 (sockperf ping-pong)"

	for side in kn linux; do
		bench_netns "$side-n1"
		bench_netns "$side-n2"
		pp ip link add ul netns "$side-n1" type veth peer name ul netns "$side-n2"
		bench_node "$side" 1
		bench_node "$side" 2
		bridge=cni0
		if [ "$side" = kn ] && [ "$KN_BENCH_KIND" = kn ]; then
			bridge=kn0
			bench_overlay_kn "$side-n1" 1 2
			bench_overlay_kn "$side-n2" 2 1
		else
			bench_overlay_flannel "$side-n1" 1 2
			bench_overlay_flannel "$side-n2" 2 1
		fi
		bench_pod "$side-n1" "$bridge" "$side-a" 10.244.1.2
		bench_pod "$side-n2" "$bridge" "$side-b" "$SERVER"
		bench_servers "$side-b" "$SERVER"
	done
}

# overlay_rx SIDE: the packets the overlay of SIDE's node 2 decapsulated,
# by its own count (kn0's decap counter, flannel.1's rx packets).
overlay_rx() {
	if [ "$1" = kn ] && [ "$KN_BENCH_KIND" = kn ]; then
		nsenter --net="/run/netns/kn-n2" "$KN_CTL" -j link show dev kn0 |
			sed -n 's/.*"decap": *\([0-9]*\).*/\1/p'
	else
		ip -n "$1-n2" -s -j link show flannel.1 |
			sed -n 's/.*"rx":{"bytes":[0-9]*,"packets":\([0-9]*\).*/\1/p'
	fi
}

# Each side's traffic crossed its own overlay: the receiving node's overlay
# device decapsulated packets, and the pods are ports of the right bridge.
scenario_check() {
	local side got kind
	for side in kn linux; do
		got=$(overlay_rx "$side")
		[ -n "$got" ] && [ "$got" -gt 1000 ] ||
			die "$side: the overlay on $side-n2 decapsulated '$got' packets"
		log "$side: $got packets decapsulated on $side-n2"
		kind=bridge
		[ "$side" = kn ] && [ "$KN_BENCH_KIND" = kn ] && kind=kn
		got=$(bench_master "$side-n2" "$(bench_pod_port "$side-n2" "$side-b")")
		[[ "$got" == *" $kind" ]] || die "$side-b's port is on '$got', not a $kind"
	done
	bench_meta checked "each side's receiving node decapsulated the traffic on its own overlay (kn0's decap counter, flannel.1's rx); pods are ports of kn0 (kind ${KN_BENCH_KIND}) or cni0 (kind bridge)"
}
