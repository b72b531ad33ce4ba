# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Guest-side helpers for the benchmarks: sourced by bench/guest.sh, which
# then sources one bench/scenarios/NAME.sh at a time, in a subshell.
#
# A scenario compares kn with one or more peers from the kernel itself (the
# Linux bridge, vxlan, iptables, IPVS, nftables) on identical topologies
# built side by side in the same VM, and defines:
#
#   SCENARIO_TITLE      one line, the heading of its results table
#   scenario_setup      declares the sides (bench_side, kn's first), the
#                       tests (bench_test) and their metrics (bench_metric),
#                       and builds every side's topology
#   test_NAME SIDE REP  one run of test NAME on SIDE: records each of its
#                       metrics with bench_record; REP 0 is the warm-up,
#                       whose values bench_record drops
#   scenario_check      after the runs: proves each side's traffic took the
#                       path it is named after (fails the scenario if not)
#   scenario_cleanup    (optional) undoes what the scenario did outside its
#                       namespaces (a module it loaded), after they are gone
#
# bench_run_scenario interleaves the sides run by run: for each repetition,
# for each test, every side once, in turn, so that a side's run and the
# peer's it is compared with are seconds apart and drift in the VM's speed
# (other load on the host) affects both alike.  The order alternates, kn
# first in odd repetitions and last in even ones (kn, peer, peer, kn, ...),
# so that neither side always follows the other.  Results go to
# $KN_BENCH_OUT as tab-separated files per scenario, which bench/report.py
# turns into a table on the host:
#
#   NAME.sides    SIDE  LABEL
#   NAME.metrics  METRIC  BETTER(higher|lower)  UNIT  LABEL
#   NAME.tsv      METRIC  SIDE  REP  VALUE
#   NAME.meta     KEY  VALUE
#
#   KN_BENCH_KIND  kn (default): the kn side is kn's own device; bridge: a
#                  Linux bridge stands in for it, to prove the harness alone
#   KN_BENCH_REPS  measured repetitions per side (default 7)
#   KN_BENCH_SECS  seconds per measurement (default 5)
#   KN_BENCH_OUT   where results go (default /out/bench)
#   KN_CTL         kn-ctl, which makes the pods (default: tools/kn-ctl)
set -euo pipefail

KN_ROOT=${KN_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
KN_CTL=${KN_CTL:-$KN_ROOT/tools/kn-ctl}
KN_BENCH_KIND=${KN_BENCH_KIND:-kn}
KN_BENCH_REPS=${KN_BENCH_REPS:-7}
KN_BENCH_SECS=${KN_BENCH_SECS:-5}
KN_BENCH_OUT=${KN_BENCH_OUT:-/out/bench}

# Clients and servers all run on the first vCPU, on every side: their
# exchanges then cost context switches within one QEMU thread rather than
# IPIs between two, which under TCG on a busy host take milliseconds, vary
# from run to run and would swamp the datapath's own cost.  Throughput is
# then that of one CPU doing all the work, the sender's, the datapath's and
# the receiver's: a comparison of what each datapath costs.
BENCH_CPU=0

BENCH_SCENARIO=
BENCH_SIDES=()
BENCH_TESTS=()
BENCH_NETNS=()
BENCH_TMP=

log() { echo "bench: [$(cut -d" " -f1 /proc/uptime)] $*" >&2; }
die() { echo "bench: FAIL: $*" >&2; exit 1; }
pp() { echo "+ $*" >&2; "$@"; }

_out() { printf '%s\n' "$KN_BENCH_OUT/$BENCH_SCENARIO.$1"; }
_tsv() { local IFS=$'\t'; printf '%s\n' "$*"; }

# bench_side NAME LABEL: a side of the comparison; the first one is kn's.
bench_side() {
	BENCH_SIDES+=("$1")
	_tsv "$1" "$2" >> "$(_out sides)"
}

# bench_test NAME: a test, run by the scenario's function test_NAME.
bench_test() {
	declare -F "test_$1" > /dev/null || die "bench_test $1: no function test_$1"
	BENCH_TESTS+=("$1")
}

# bench_metric NAME higher|lower UNIT LABEL
bench_metric() {
	case "$2" in higher | lower) ;; *) die "bench_metric $1: '$2' is not higher or lower" ;; esac
	_tsv "$@" >> "$(_out metrics)"
}

# bench_meta KEY VALUE: shown under the table; KEY "note" may be given many
# times, each its own line.
bench_meta() { _tsv "$1" "$2" >> "$(_out meta)"; }

# bench_record METRIC SIDE REP VALUE (REP 0, the warm-up, is not kept)
bench_record() {
	[[ "$4" =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "$1 on $2: not a measurement: '$4'"
	log "  rep $3 $2: $1 = $4"
	[ "$3" = 0 ] || _tsv "$@" >> "$(_out tsv)"
}

# bench_netns NAME: an empty namespace, removed with its processes on exit.
bench_netns() {
	pp ip netns add "$1"
	BENCH_NETNS+=("$1")
	ip -n "$1" link set lo up
	bench_quiet "$1"
}

# bench_quiet NETNS: no IPv6 (router solicitations, MLD, DAD) in NETNS, so
# the only packets on a path are the benchmark's.
bench_quiet() {
	ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1
}

# bench_bridge NETNS NAME kn|bridge ADDRESS/PREFIX: the pods' bridge of a
# node, up, with the node's address on it (the pods' gateway).
bench_bridge() {
	pp ip -n "$1" link add "$2" type "$3"
	pp ip -n "$1" addr add "$4" dev "$2"
	pp ip -n "$1" link set "$2" up
}

# bench_pod NODE BRIDGE POD ADDRESS: pod POD on NODE's BRIDGE, made as the
# CNI plugin would, by kn-ctl (its veth's both ends get kn-ctl's default
# MTU, 1450, whatever the bridge).  kn-ctl keeps its state per node in the
# scratch directory.
bench_pod() {
	local node=$1 bridge=$2 pod=$3 addr=$4
	mkdir -p "$BENCH_TMP/state/$node"
	pp nsenter --net="/run/netns/$node" "$KN_CTL" --state-dir "$BENCH_TMP/state/$node" \
		pod add "$pod" dev "$bridge" ip "$addr"
	BENCH_NETNS+=("$pod")
	bench_quiet "$pod"
}

# bench_master NETNS DEV: the device DEV is a port of and that device's
# kind, as "BRIDGE KIND" (e.g. "kn0 kn"), or "none".
bench_master() {
	local master
	master=$(ip -n "$1" -o link show "$2" | sed -n 's/.* master \([^ ]*\) .*/\1/p')
	[ -n "$master" ] || { echo none; return; }
	echo "$master $(ip -n "$1" -d link show "$master" | awk 'NR == 3 { print $1 }')"
}

# bench_pod_port NODE POD: the host end of POD's veth, in NODE.
bench_pod_port() {
	local idx
	idx=$(ip -n "$2" -o link show eth0 | sed -n 's/^[0-9]*: eth0@if\([0-9]*\):.*/\1/p')
	ip -n "$1" -o link show | awk -F': ' -v i="$idx" '$1 == i { sub(/@.*/, "", $2); print $2 }'
}

# bench_wait_listen NETNS PORT: until a TCP socket listens on PORT in NETNS.
bench_wait_listen() {
	for _ in $(seq 100); do
		ip netns exec "$1" ss -Hltn "sport = :$2" | grep -q . && return 0
		sleep 0.2
	done
	die "nothing listens on port $2 in $1"
}

# bench_servers NETNS ADDRESS: an iperf3 server (port 5201) and a sockperf
# server (port 11111) on ADDRESS in NETNS, for the whole run.
bench_servers() {
	ip netns exec "$1" taskset -c $BENCH_CPU iperf3 -s -B "$2" -p 5201 \
		> "$BENCH_TMP/iperf3-s.$1.log" 2>&1 &
	ip netns exec "$1" taskset -c $BENCH_CPU sockperf sr --tcp -i "$2" -p 11111 \
		> "$BENCH_TMP/sockperf-s.$1.log" 2>&1 &
	bench_wait_listen "$1" 5201
	bench_wait_listen "$1" 11111
}

# bench_iperf3 NETNS ADDRESS [PORT]: one TCP stream from NETNS to
# ADDRESS:PORT (default 5201) for KN_BENCH_SECS after a second of ramp-up
# that is left out; prints the receiver's rate in Gbit/s.
bench_iperf3() {
	local json=$BENCH_TMP/iperf3.json
	ip netns exec "$1" taskset -c $BENCH_CPU \
		iperf3 -c "$2" -p "${3:-5201}" -t "$KN_BENCH_SECS" -O 1 -J > "$json" ||
		die "iperf3 to $2:${3:-5201} from $1: $(head -c 400 "$json")"
	# .end.sum_received.bits_per_second, from iperf3's one-key-a-line JSON
	# (python3 would take seconds to start under TCG)
	awk '/"sum_received":/ { r = 1 }
		r && /"bits_per_second":/ { gsub(/[^0-9.e+]/, "", $2); printf "%.4f\n", $2 / 1e9; exit }' "$json"
}

# bench_sockperf NETNS ADDRESS: TCP ping-pong (one 14-byte message out, one
# back, as fast as they go) from NETNS to ADDRESS for KN_BENCH_SECS; prints
# the median and 99th percentile of the latency, in µs.  sockperf's
# latency is half the round-trip time.
bench_sockperf() {
	local txt=$BENCH_TMP/sockperf.txt
	ip netns exec "$1" taskset -c $BENCH_CPU \
		sockperf ping-pong --tcp -i "$2" -p 11111 -t "$KN_BENCH_SECS" --mps=max 2>&1 |
		sed 's/\x1b\[[0-9;]*m//g' > "$txt" ||
		die "sockperf to $2 from $1: $(tail -n 5 "$txt")"
	awk '/percentile 50.000 =/ { p50 = $NF } /percentile 99.000 =/ { p99 = $NF }
		END { if (p50 == "" || p99 == "") exit 1; print p50, p99 }' "$txt" ||
		die "sockperf to $2 from $1 printed no percentiles: $(tail -n 5 "$txt")"
}

# bench_overlay_flannel NS N M: what flannel's vxlan backend sets up on
# node N (underlay address 192.168.0.N, pods 10.244.N.0/24) for node M:
# flannel.1 (VNI 1, port 8472), and route, neighbour and FDB entry towards M.
bench_overlay_flannel() {
	local ns=$1 n=$2 m=$3 mac_m
	pp ip -n "$ns" link add flannel.1 address "02:fa:00:00:00:0$n" type vxlan \
		id 1 local "192.168.0.$n" dstport 8472 nolearning
	pp ip -n "$ns" addr add "10.244.$n.0/32" dev flannel.1
	pp ip -n "$ns" link set flannel.1 up
	mac_m=02:fa:00:00:00:0$m
	pp ip -n "$ns" route add "10.244.$m.0/24" via "10.244.$m.0" dev flannel.1 onlink
	pp ip -n "$ns" neigh replace "10.244.$m.0" lladdr "$mac_m" dev flannel.1 nud permanent
	pp bridge -n "$ns" fdb append "$mac_m" dev flannel.1 dst "192.168.0.$m"
}

# bench_overlay_kn NS N M: the same with kn-ctl: overlay on kn0, node M's
# entry (which installs the route and neighbour).
bench_overlay_kn() {
	local ns=$1 n=$2 m=$3
	pp nsenter --net="/run/netns/$ns" "$KN_CTL" overlay set dev kn0 local "192.168.0.$n"
	pp nsenter --net="/run/netns/$ns" "$KN_CTL" node add "10.244.$m.0/24" \
		via "192.168.0.$m" dev kn0
}

# The two tests of the pod-to-pod scenarios, from pod SIDE-a to $SERVER
# (the scenario sets it): one TCP stream, and TCP ping-pong, of which only
# the median is kept (under TCG the tail is the host's scheduler's).
test_tcp_stream() {
	local side=$1 rep=$2 gbps
	gbps=$(bench_iperf3 "$side-a" "$SERVER")
	bench_record tcp_gbps "$side" "$rep" "$gbps"
}

test_tcp_rr() {
	local side=$1 rep=$2 p50
	read -r p50 _ < <(bench_sockperf "$side-a" "$SERVER")
	bench_record rr_p50_us "$side" "$rep" "$p50"
}

bench_cleanup() {
	local ns pid
	set +e
	for ns in "${BENCH_NETNS[@]}"; do
		for pid in $(ip netns pids "$ns" 2> /dev/null); do
			kill "$pid" 2> /dev/null
		done
	done
	wait 2> /dev/null
	for ns in "${BENCH_NETNS[@]}"; do
		ip netns del "$ns" 2> /dev/null
	done
	BENCH_NETNS=()
	! declare -F scenario_cleanup > /dev/null || scenario_cleanup
	[ -z "$BENCH_TMP" ] || rm -rf "$BENCH_TMP"
}

# bench_run_scenario NAME: runs bench/scenarios/NAME.sh, already sourced,
# adding to the results already in $KN_BENCH_OUT/NAME.*.
bench_run_scenario() {
	local rep side start test i order
	BENCH_SCENARIO=$1
	BENCH_TMP=$(mktemp -d /tmp/kn-bench.XXXXXX)
	trap bench_cleanup EXIT
	start=$SECONDS
	log "scenario $1: $SCENARIO_TITLE"
	bench_meta title "$SCENARIO_TITLE"
	scenario_setup
	[ ${#BENCH_SIDES[@]} -ge 2 ] || die "scenario $1 declares fewer than two sides"
	[ ${#BENCH_TESTS[@]} -ge 1 ] || die "scenario $1 declares no test"

	log "warm-up: every test once on every side, 1 s"
	for test in "${BENCH_TESTS[@]}"; do
		for side in "${BENCH_SIDES[@]}"; do
			KN_BENCH_SECS=1 "test_$test" "$side" 0
		done
	done
	for rep in $(seq "$KN_BENCH_REPS"); do
		log "repetition $rep/$KN_BENCH_REPS"
		order=("${BENCH_SIDES[@]}")
		if [ $((rep % 2)) = 0 ]; then
			for i in "${!BENCH_SIDES[@]}"; do
				order[i]=${BENCH_SIDES[${#BENCH_SIDES[@]} - 1 - i]}
			done
		fi
		for test in "${BENCH_TESTS[@]}"; do
			for side in "${order[@]}"; do
				"test_$test" "$side" "$rep"
			done
		done
	done
	scenario_check
	bench_meta guest_seconds $((SECONDS - start))
	log "scenario $1 done in $((SECONDS - start))s"
}
