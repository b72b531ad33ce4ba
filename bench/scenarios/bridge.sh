# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034 # SCENARIO_TITLE is for lib.sh
# Same-node pod-to-pod TCP through kn0 versus through a Linux bridge: two
# nodes in the one VM, identical but for their bridge; on each, pod a sends
# to pod b (iperf3 for throughput, sockperf ping-pong for request/response
# latency).  Pods are made by kn-ctl on both, so they get the same veths,
# MTU (1450), addresses and routes.  The Linux bridge is as Debian's kernel
# makes it (no STP, no br_netfilter: nothing loads it here).
#
#   +------------+  +------------+      +------------+  +------------+
#   | kn-a       |  | kn-b       |      | linux-a    |  | linux-b    |
#   | eth0       |  | eth0       |      | eth0       |  | eth0       |
#   | 10.244.1.2 |  | 10.244.1.3 |      | 10.244.1.2 |  | 10.244.1.3 |
#   | clients    |  | servers    |      | clients    |  | servers    |
#   +-----|------+  +-----|------+      +-----|------+  +-----|------+
#         | veth          | veth              | veth          | veth
#   +-----|---------------|------+      +-----|---------------|------+
#   |  vethXXXX        vethXXXX  |      |  vethXXXX        vethXXXX  |
#   |       \____    ____/       |      |       \____    ____/       |
#   |            kn0             |      |            br0             |
#   | type kn, 10.244.1.1/24     |      | type bridge, 10.244.1.1/24 |
#   | kn-node                    |      | linux-node                 |
#   +----------------------------+      +----------------------------+
#
# Clients and servers all run on vCPU 0 (bench/lib.sh says why).

SCENARIO_TITLE="Same-node pod-to-pod TCP: kn0 vs Linux bridge"

# side -> node namespace, bridge name, bridge kind
declare -A NODE=([kn]=kn-node [linux]=linux-node)
declare -A BRIDGE=([kn]=kn0 [linux]=br0)
declare -A KIND=([kn]=$KN_BENCH_KIND [linux]=bridge)
SERVER=10.244.1.3

scenario_setup() {
	local side
	if [ "$KN_BENCH_KIND" = kn ]; then
		bench_side kn "kn0"
	else
		bench_side kn "kn0 (stand-in: Linux bridge)"
	fi
	bench_side linux "Linux bridge"
	bench_test tcp_stream
	bench_test tcp_rr
	bench_metric tcp_gbps higher Gbit/s "TCP throughput, 1 stream (iperf3)"
	bench_metric rr_p50_us lower µs "TCP request/response latency, p50 (sockperf ping-pong)"

	for side in kn linux; do
		bench_netns "${NODE[$side]}"
		bench_bridge "${NODE[$side]}" "${BRIDGE[$side]}" "${KIND[$side]}" 10.244.1.1/24
		bench_pod "${NODE[$side]}" "${BRIDGE[$side]}" "$side-a" 10.244.1.2
		bench_pod "${NODE[$side]}" "${BRIDGE[$side]}" "$side-b" "$SERVER"
		bench_servers "$side-b" "$SERVER"
	done
}

# Both pods of each side are ports of that side's bridge, of the right kind.
scenario_check() {
	local side pod port got want
	for side in kn linux; do
		want="${BRIDGE[$side]} ${KIND[$side]}"
		for pod in "$side-a" "$side-b"; do
			port=$(bench_pod_port "${NODE[$side]}" "$pod")
			got=$(bench_master "${NODE[$side]}" "$port")
			[ "$got" = "$want" ] || die "$pod's port $port is on '$got', not '$want'"
			log "$pod: eth0 <-> $port, a port of $got"
		done
	done
	bench_meta checked "every pod's veth is a port of kn0 (kind ${KIND[kn]}) or br0 (kind bridge)"
}
