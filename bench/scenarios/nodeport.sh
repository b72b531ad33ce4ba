# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034 # SCENARIO_TITLE is for lib.sh
# NodePort services, externalTrafficPolicy Cluster: kn's against the two
# data paths kube-proxy builds for them (iptables and IPVS modes), from a
# client outside the cluster to the NodePort on node 1's underlay address,
# whose backends are a pod on node 1 and a pod on node 2, behind the VXLAN
# overlay.  Per data path the same topology, built side by side: an
# underlay switch (a Linux bridge in a namespace of its own), the external
# client and two nodes on it; each node a pod bridge with one pod and the
# overlay to the other node.  Policy Cluster rewrites the source to the
# node's (SNAT) so that the backend's replies come back through node 1,
# which the connections to node 2's pod cross the overlay for.
#
#   SIDE-x  client 192.168.0.100
#     |
#   SIDE-ul  sw0 (Linux bridge): the underlay, 192.168.0.0/24
#     |                                   |
#   SIDE-n1  ul 192.168.0.1               SIDE-n2  ul 192.168.0.2
#     NodePorts 30080-30082 (on every node)
#     kn0 10.244.1.1/24 ====== VXLAN ===== kn0 10.244.2.1/24
#     |                                   |
#   SIDE-p1  10.244.1.2                   SIDE-p2  10.244.2.2
#     crr rr-server :8080, iperf3 :5201     the same
#
#   SIDE: kn, ipt (kube-proxy iptables), ipvs (kube-proxy IPVS)
#
#   service  VIP:port        NodePort  backends
#   crr      10.96.0.10:80   30080     10.244.1.2:8080, 10.244.2.2:8080
#   remote   10.96.0.11:5201 30081     10.244.2.2:5201 (node 2: overlay)
#   local    10.96.0.12:5201 30082     10.244.1.2:5201 (node 1)
#
# Only the service path differs between the sides: the pods are made by
# kn-ctl pod add on every side, and the pod bridge and the overlay are kn's
# (kn0, kn-ctl overlay set and node add) on every side, kube-proxy's data
# paths running on them as they do on any CNI's (the client's packets are
# routed by the node, so no bridge netfilter is needed; kn0 is no Linux
# bridge anyway).  With KN_BENCH_KIND other than kn (no kn module) every
# side has the flannel layout instead (Linux bridge cni0, vxlan flannel.1),
# and kn's side is left out: the peers alone, no ratio.  Both nodes are
# programmed, as every node of a cluster is; node 2's rules are crossed by
# its pod's replies only (and by nf_conntrack, on the peers' nodes, which
# tracks those, and the overlay's UDP packets on both nodes).
#
# The data paths, programmed in one go on each node (bench/npgen.py writes
# the inputs):
#  - kn: kn-ctl -b, "service add VIP:PORT/tcp nodeport N" (policy Cluster,
#    the default) and "backend add" lines; kn's default settings (SNAT
#    ports 61000-65535).
#  - iptables: iptables-legacy (as in the services scenario), restored
#    --noflush: what kube-proxy installs at its start (the jumps from the
#    built-in chains) and a full sync of the three services: KUBE-SERVICES
#    (a ClusterIP rule per service, then "-m addrtype --dst-type LOCAL -j
#    KUBE-NODEPORTS" last), KUBE-NODEPORTS (one rule per NodePort) ->
#    KUBE-EXT-<hash> (KUBE-MARK-MASQ, then) -> KUBE-SVC-<hash> (-m
#    statistic --mode random) -> KUBE-SEP-<hash> (DNAT); KUBE-POSTROUTING's
#    MASQUERADE --random-fully of marked packets, the filter chains
#    (KUBE-FORWARD ...); nf_conntrack.
#  - IPVS: ipvsadm -R, a virtual server (rr, masquerading real servers) per
#    ClusterIP and per node address and NodePort (kube-proxy makes one on
#    each of the node's addresses: ul's and kn0's), the ClusterIPs on the
#    dummy kube-ipvs0, net.ipv4.vs.conntrack=1, and the iptables rules
#    kube-proxy's IPVS mode installs: KUBE-SERVICES -> KUBE-NODE-PORT ->
#    KUBE-MARK-MASQ, KUBE-POSTROUTING's MASQUERADE, KUBE-FORWARD; its ipset
#    matches (KUBE-CLUSTER-IP, KUBE-NODE-PORT-TCP) as one plain rule per
#    service and per NodePort (ipset is not installed; its other ipset
#    rules, which only ever see other services' traffic, are left out).
#
# Measured, from the client to 192.168.0.1 (node 1's underlay address):
#  - new connections per second through NodePort 30080 (two backends, one
#    per node, so about half the connections cross the overlay), one at a
#    time (bench/crr.c: connect, a 64-byte request and its 64-byte answer,
#    close with a RST), and the median connect() time (the first packet:
#    the SYN that picks a backend and a SNAT port, the SYN-ACK back);
#  - TCP throughput, one stream (iperf3), through NodePort 30081 to the
#    pod on node 2 (SNAT and the overlay), and through NodePort 30082 to
#    the pod on node 1 (SNAT, no overlay): one backend each, since iperf3's
#    control and data connections must reach the same server.
#
#   KN_BENCH_NP_SIDES  the sides, in order (default "kn ipt ipvs"; without
#                      kn with KN_BENCH_KIND=kn: the peers on kn0 and kn's
#                      overlay, no ratio)
# Clients and servers all run on vCPU 0 (bench/lib.sh says why).

SCENARIO_TITLE="NodePort (policy Cluster) from an external client, backends on the node and across the overlay: kn vs kube-proxy's iptables and IPVS data paths"

NP_CLIENT=192.168.0.100
NP_NODE=192.168.0.1 # the NodePorts' address: node 1's on the underlay
NP_P1=10.244.1.2
NP_P2=10.244.2.2
NP_CRR_PORT=8080
NP_IPERF_PORT=5201
NP_CRR_BYTES=64
NP_SERVICES=(
	"crr/10.96.0.10:80/30080/$NP_P1:$NP_CRR_PORT+$NP_P2:$NP_CRR_PORT"
	"remote/10.96.0.11:5201/30081/$NP_P2:$NP_IPERF_PORT"
	"local/10.96.0.12:5201/30082/$NP_P1:$NP_IPERF_PORT"
)
NP_SIDES=()
NP_OVERLAY=kn # kn0 and kn's overlay on every side, or "flannel"
declare -A NP_LABEL=([kn]="kn" [ipt]="kube-proxy iptables" [ipvs]="kube-proxy IPVS")

np_ns() { ip netns exec "$@"; }
np_kn() { nsenter --net="/run/netns/$1" "$KN_CTL" "${@:2}"; }

# np_node SIDE N: node N of SIDE on the underlay switch, its pod bridge,
# forwarding on.
np_node() {
	local side=$1 n=$2 ns=$1-n$2
	bench_netns "$ns"
	np_ns "$ns" sysctl -qw net.ipv4.ip_forward=1
	pp ip link add ul netns "$ns" type veth peer name "n$n" netns "$side-ul"
	pp ip -n "$side-ul" link set "n$n" master sw0 up
	pp ip -n "$ns" addr add "192.168.0.$n/24" dev ul
	pp ip -n "$ns" link set ul up
	if [ "$NP_OVERLAY" = kn ]; then
		bench_bridge "$ns" kn0 kn "10.244.$n.1/24"
	else
		bench_bridge "$ns" cni0 bridge "10.244.$n.1/24"
	fi
}

# np_servers POD ADDRESS: the crr request/response server and an iperf3
# server in POD, for the whole run (iperf3's log names each client).
np_servers() {
	np_ns "$1" taskset -c "$BENCH_CPU" "$NP_CRR" rr-server "$2" $NP_CRR_PORT \
		> "$BENCH_TMP/crr-s.$1.log" 2>&1 &
	np_ns "$1" taskset -c "$BENCH_CPU" iperf3 -s -B "$2" -p $NP_IPERF_PORT \
		> "$BENCH_TMP/iperf3-s.$1.log" 2>&1 &
	bench_wait_listen "$1" $NP_CRR_PORT
	bench_wait_listen "$1" $NP_IPERF_PORT
}

# np_topology SIDE: SIDE's switch, client, nodes, overlay, pods, servers.
np_topology() {
	local side=$1 bridge=kn0 n m
	[ "$NP_OVERLAY" = kn ] || bridge=cni0
	bench_netns "$side-ul"
	pp ip -n "$side-ul" link add sw0 type bridge
	pp ip -n "$side-ul" link set sw0 up
	bench_netns "$side-x"
	pp ip link add ul netns "$side-x" type veth peer name x netns "$side-ul"
	pp ip -n "$side-ul" link set x master sw0 up
	pp ip -n "$side-x" addr add "$NP_CLIENT/24" dev ul
	pp ip -n "$side-x" link set ul up
	for n in 1 2; do
		np_node "$side" $n
	done
	for n in 1 2; do
		m=$((3 - n))
		"bench_overlay_$NP_OVERLAY" "$side-n$n" $n $m
		bench_pod "$side-n$n" "$bridge" "$side-p$n" "10.244.$n.2"
		np_servers "$side-p$n" "10.244.$n.2"
	done
}

# np_program SIDE N: the three services on node N of SIDE, as SIDE's
# programmer does it.
np_program() {
	local side=$1 node=$1-n$2 dir=$BENCH_TMP/gen/$1-n$2 addrs
	# The node's addresses (kube-proxy's IPVS mode has a virtual server for
	# each NodePort on each), before kube-ipvs0 gets the ClusterIPs.
	addrs=$(ip -n "$node" -4 -o addr show | awk '$2 != "lo" { sub(/\/.*/, "", $4); print $4 }' |
		paste -sd,)
	pp python3 "$KN_ROOT/bench/npgen.py" "$dir" "$addrs" "${NP_SERVICES[@]}"
	case "$side" in
	kn) pp np_kn "$node" -b "$dir/kn.batch" ;;
	ipt) pp np_ns "$node" iptables-legacy-restore --noflush "$dir/iptables.rules" ;;
	ipvs)
		np_ns "$node" sysctl -qw net.ipv4.vs.conntrack=1 net.ipv4.vs.expire_nodest_conn=1 \
			net.ipv4.vs.expire_quiescent_template=1
		pp ip -n "$node" link add kube-ipvs0 type dummy
		pp np_ns "$node" ipvsadm -R < "$dir/ipvs.rules"
		pp ip -n "$node" -batch "$dir/ipvs.addrs"
		pp np_ns "$node" iptables-legacy-restore --noflush "$dir/ipvs-iptables.rules"
		;;
	esac
}

scenario_setup() {
	local side t
	NP_CRR=$BENCH_TMP/crr
	pp cc -O2 -Wall -o "$NP_CRR" "$KN_ROOT/bench/crr.c"
	for t in iptables-legacy-restore ipvsadm python3; do
		command -v "$t" > /dev/null || die "$t is missing (make deps)"
	done
	pp modprobe ip_vs
	pp modprobe ip_vs_rr

	read -r -a NP_SIDES <<< "${KN_BENCH_NP_SIDES:-kn ipt ipvs}"
	for side in "${NP_SIDES[@]}"; do
		[ -n "${NP_LABEL[$side]:-}" ] || die "KN_BENCH_NP_SIDES: no side '$side' (kn ipt ipvs)"
	done
	if [ "$KN_BENCH_KIND" != kn ]; then
		NP_OVERLAY=flannel
		[ "${NP_SIDES[0]}" != kn ] || NP_SIDES=("${NP_SIDES[@]:1}")
		log "KN_BENCH_KIND=$KN_BENCH_KIND: kn's side is left out, the kube-proxy data paths alone (no ratio), on the flannel layout"
		bench_meta note "KN_BENCH_KIND=$KN_BENCH_KIND: kn's side left out; the kube-proxy data paths alone, no ratio, on the flannel layout (Linux bridge cni0, vxlan flannel.1) instead of kn0 and kn's overlay"
	elif [ "${NP_SIDES[0]}" = kn ]; then
		"$KN_CTL" help service 2>&1 | grep -q "nodeport PORT" ||
			die "$KN_CTL has no NodePort: kn's side cannot be benchmarked"
	else
		bench_meta note "KN_BENCH_NP_SIDES=${NP_SIDES[*]}: kn's side left out; the kube-proxy data paths alone, no ratio"
	fi
	for side in "${NP_SIDES[@]:1}"; do
		[ "$side" != kn ] || die "KN_BENCH_NP_SIDES: kn must come first"
	done
	for side in "${NP_SIDES[@]}"; do
		bench_side "$side" "${NP_LABEL[$side]}"
	done
	bench_test conn
	bench_test remote
	bench_test local
	bench_metric conn_rate higher conn/s "New TCP connections per second through a NodePort (connect, 64-byte request and answer, close), backends on node 1 and node 2"
	bench_metric connect_us lower µs "connect() time (SYN, SYN-ACK) through a NodePort, median"
	bench_metric gbps_remote higher Gbit/s "TCP throughput through a NodePort to a pod on another node (SNAT, overlay), 1 stream (iperf3)"
	bench_metric gbps_local higher Gbit/s "TCP throughput through a NodePort to a pod on the same node (SNAT), 1 stream (iperf3)"

	for side in "${NP_SIDES[@]}"; do
		np_topology "$side"
		np_program "$side" 1
		np_program "$side" 2
	done
	np_note
}

np_note() {
	local kn overlay="kn0 and kn's VXLAN overlay (kn-ctl overlay set, node add) on every side"
	[ "$NP_OVERLAY" = kn ] || overlay="the flannel layout (cni0, flannel.1) on every side"
	bench_meta note "topology: an external client, an underlay switch (Linux bridge) and two nodes per side; pods by kn-ctl pod add; $overlay; the three NodePort services programmed on both nodes; connections and streams from the client to node 1's underlay address"
	kn="kn: kn-ctl -b (service add ... nodeport N, policy Cluster; default settings, SNAT ports 61000-65535); "
	[ "${NP_SIDES[0]}" = kn ] || kn=
	bench_meta note "data paths: ${kn}kube-proxy iptables: iptables-legacy $(iptables-legacy --version | awk '{print $2}'), a full sync as kube-proxy writes it (KUBE-SERVICES, KUBE-NODEPORTS, KUBE-EXT, KUBE-SVC with -m statistic, KUBE-SEP with DNAT, KUBE-MARK-MASQ, MASQUERADE --random-fully), nf_conntrack; kube-proxy IPVS: ipvsadm -R (rr, masquerading real servers; a virtual server per ClusterIP and per node address and NodePort), net.ipv4.vs.conntrack=1, its iptables rules (KUBE-NODE-PORT marks for MASQUERADE) with a plain rule per NodePort and ClusterIP for its ipset matches (no ipset)"
	bench_meta note "connections: bench/crr.c, one at a time, connect(), a $NP_CRR_BYTES-byte request and its answer, close() with a RST, for the run's length; NodePort 30080, whose two backends are a pod on node 1 and one on node 2 (iptables and kn pick at random, IPVS takes turns: rr); throughput: iperf3, one TCP stream, to NodePort 30081 (the pod on node 2) and 30082 (the pod on node 1)"
}

# test_conn SIDE REP: connections through NodePort 30080.
test_conn() {
	local side=$1 rep=$2 out rate us
	out=$(np_ns "$side-x" taskset -c "$BENCH_CPU" "$NP_CRR" client "$NP_NODE" 30080 \
		"$KN_BENCH_SECS" $NP_CRR_BYTES 2>&1) ||
		die "$side: connections to $NP_NODE:30080 failed: $out$(np_stats "$side")"
	read -r rate us <<< "$out"
	bench_record conn_rate "$side" "$rep" "$rate"
	bench_record connect_us "$side" "$rep" "$us"
}

# test_remote, test_local SIDE REP: one TCP stream through NodePort 30081
# (to node 2's pod), 30082 (to node 1's).
test_remote() {
	bench_record gbps_remote "$1" "$2" "$(bench_iperf3 "$1-x" "$NP_NODE" 30081)"
}

test_local() {
	bench_record gbps_local "$1" "$2" "$(bench_iperf3 "$1-x" "$NP_NODE" 30082)"
}

# np_stats SIDE: what node 1's data path counted, for a failure's message.
np_stats() {
	echo
	case "$1" in
	kn) np_kn "$1-n1" conntrack stats 2>&1 ;;
	ipt) np_ns "$1-n1" iptables-legacy -t nat -L -v -n 2>&1 | head -n 60 ;;
	ipvs) np_ns "$1-n1" ipvsadm -Ln --stats 2>&1 ;;
	esac
}

# np_overlay_rx SIDE: the packets node 2's overlay decapsulated, by its
# own count (kn0's decap counter, flannel.1's rx packets).
np_overlay_rx() {
	if [ "$NP_OVERLAY" = kn ]; then
		np_kn "$1-n2" -j link show dev kn0 | sed -n 's/.*"decap": *\([0-9]*\).*/\1/p'
	else
		ip -n "$1-n2" -s -j link show flannel.1 |
			sed -n 's/.*"rx":{"bytes":[0-9]*,"packets":\([0-9]*\).*/\1/p'
	fi
}

# np_ipt_pkts NODE TABLE PATTERN: the packets counted by the rules of
# TABLE in NODE that match the extended regular expression PATTERN, summed.
np_ipt_pkts() {
	np_ns "$1" iptables-legacy-save -c -t "$2" | grep -E -- "$3" |
		awk '{ sub(/^\[/, "", $1); sub(/:.*/, "", $1); n += $1 } END { print n + 0 }'
}

# Each side's connections and streams took its own data path: both of the
# crr service's backends accepted connections, the iperf3 servers saw node
# 1's addresses (SNAT), never the client's, node 2's overlay decapsulated
# the traffic to its pod, and the side's own rules counted it.
scenario_check() {
	local side n opens from got svc
	for side in "${NP_SIDES[@]}"; do
		for n in 1 2; do
			# shellcheck disable=SC2016 # awk's program
			opens=$(np_ns "$side-p$n" awk '$1 == "Tcp:" && !h { for (i = 2; i <= NF; i++) f[$i] = i; h = 1; next }
				$1 == "Tcp:" { print $f["PassiveOpens"] }' /proc/net/snmp)
			[ "${opens:-0}" -gt 100 ] || die "$side-p$n, a backend, accepted ${opens:-0} connections"
			from=$(sed -n 's/.*Accepted connection from \([0-9.]*\), port.*/\1/p' \
				"$BENCH_TMP/iperf3-s.$side-p$n.log" | sort -u | paste -sd' ')
			[ -n "$from" ] || die "$side-p$n's iperf3 server accepted no connection"
			for got in $from; do
				[ "$got" != "$NP_CLIENT" ] || die "$side-p$n saw the client's address: no SNAT"
				ip -n "$side-n1" -4 -o addr show | grep -q " $got/" ||
					die "$side-p$n saw $got, not an address of node 1"
			done
			log "$side-p$n: $opens connections accepted; iperf3 clients from $from"
		done
		got=$(np_overlay_rx "$side")
		[ "${got:-0}" -gt 1000 ] || die "$side: the overlay on $side-n2 decapsulated '$got' packets"
		case "$side" in
		kn)
			for n in 1 2; do
				got=$(np_ns "$side-n$n" iptables-legacy-save; np_ns "$side-n$n" nft list ruleset;
					np_ns "$side-n$n" ipvsadm -Ln | grep -E '^(TCP|UDP)' || true)
				[ -z "$got" ] || die "$side-n$n has netfilter or IPVS state: $got"
			done
			for svc in 10.96.0.10:80 10.96.0.11:5201 10.96.0.12:5201; do
				got=$(np_kn "$side-n1" -j service show "$svc/tcp" |
					sed -n 's/.*"connections": *\([0-9]*\).*/\1/p' | head -n 1)
				[ "${got:-0}" -gt 0 ] || die "$side-n1: kn counted no connection to $svc/tcp"
			done
			log "$side-n1: $(np_kn "$side-n1" conntrack stats | tr -s '\n ' ' ')"
			;;
		ipt)
			for n in 30080 30081 30082; do
				got=$(np_ipt_pkts "$side-n1" nat "^\[.*-A KUBE-NODEPORTS .*--dport $n ")
				[ "$got" -gt 0 ] || die "$side-n1: the KUBE-NODEPORTS rule of $n matched no packet"
			done
			for n in "$NP_P1" "$NP_P2"; do
				got=$(np_ipt_pkts "$side-n1" nat "-j DNAT --to-destination $n:$NP_CRR_PORT\$")
				[ "$got" -gt 0 ] || die "$side-n1: the DNAT rule to $n:$NP_CRR_PORT matched no packet"
			done
			;;
		ipvs)
			for n in 30080 30081 30082; do
				got=$(np_ns "$side-n1" ipvsadm -Ln --stats -t "$NP_NODE:$n" | awk '$1 == "TCP" { print $3; exit }')
				[ "${got:-0}" -gt 0 ] || die "$side-n1: IPVS counted no connection to $NP_NODE:$n"
			done
			;;
		esac
		if [ "$side" != kn ]; then
			got=$(np_ipt_pkts "$side-n1" nat "-j MASQUERADE")
			[ "$got" -gt 0 ] || die "$side-n1: MASQUERADE matched no packet"
		fi
	done
	got=
	[ "${NP_SIDES[0]}" != kn ] ||
		got="kn's nodes have no iptables, nftables or IPVS state and kn counted connections on the three services; "
	bench_meta checked "both backends of NodePort 30080 accepted connections on every side; the iperf3 servers saw only node 1's addresses (SNAT); node 2's overlay decapsulated the traffic to its pod; ${got}the KUBE-NODEPORTS rules, the DNAT rules of both backends and MASQUERADE matched (iptables); IPVS counted connections on the three NodePorts and MASQUERADE matched"
}
