# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034 # SCENARIO_TITLE is for lib.sh
# ClusterIP services: kn's against the three data paths kube-proxy builds
# (iptables, IPVS and nftables modes), each programmed the way kube-proxy
# programs it, with N services of two backends each.  Per data path and per
# N, one node: a bridge, a client pod and two server pods (the backends of
# the service under test, the last one programmed: last in KUBE-SERVICES,
# which iptables walks rule by rule).  The client connects to the VIP,
# which the node translates to one of the two servers on the same bridge.
#
#     +-----------+  +-----------+  +-----------+
#     | SIDE-N-c  |  | SIDE-N-s1 |  | SIDE-N-s2 |      SIDE: kn, ipt, ipvs, nft
#     | .1.2      |  | .1.3:8080 |  | .1.4:8080 |      N: KN_BENCH_SVC_SIZES
#     | crr client|  | crr server|  | crr server|
#     +-----|-----+  +-----|-----+  +-----|-----+
#   +-------|--------------|--------------|-------+
#   |      kn0 (kn) or br0 (bridge), 10.244.1.1/24 |  node SIDE-N, ip_forward on
#   |  N services 10.96.0.1.. port 80/tcp          |
#   |  kn: kn-ctl -b (kn's own hooks)              |
#   |  ipt: iptables-legacy-restore, nat + filter  |
#   |  ipvs: ipvsadm -R, VIPs on dummy kube-ipvs0  |
#   |  nft: nft -f, table ip kube-proxy            |
#   +----------------------------------------------+
#
# Client and servers share a bridge, as with the bridge CNI plugin, so the
# kube-proxy data paths need br_netfilter with bridge-nf-call-iptables=1,
# which kube-proxy requires on such nodes: the server's reply is bridged
# straight back to the client and must still meet the connection's NAT.
# This scenario loads br_netfilter and unloads it at the end (kn0 is no
# Linux bridge: br_netfilter does not see kn's side).  kn needs neither
# nf_conntrack nor br_netfilter (uapi/kn.h, "Services").
#
# The peers, as kube-proxy (pkg/proxy/{iptables,ipvs,nftables}) builds them:
#  - iptables: iptables-legacy (Debian's default iptables-nft took 64 s, on
#    the host and natively, to restore the 10000-service ruleset that legacy
#    restores in 1.1 s; kube-proxy's image picks whichever mode the node
#    uses).  The jumps from PREROUTING/OUTPUT/POSTROUTING and the filter
#    chains' (once, as at kube-proxy's start), then iptables-restore
#    --noflush of bench/svcgen.py's full sync: KUBE-SERVICES with one rule
#    per service to KUBE-SVC-<hash>, whose rules are the KUBE-MARK-MASQ rule
#    for traffic from outside the cluster CIDR and one jump per endpoint
#    (-m statistic --mode random --probability 1/(n-i) but for the last) to
#    KUBE-SEP-<hash>, which marks hairpin traffic (KUBE-MARK-MASQ) and DNATs.
#    A change (one backend more) is kube-proxy's partial sync: the whole
#    KUBE-SERVICES chain and the changed service's chains, --noflush.
#  - IPVS: one virtual service per VIP:port (scheduler rr) with masquerading
#    real servers, loaded by ipvsadm -R, and the VIPs on the dummy device
#    kube-ipvs0 (ip -batch); net.ipv4.vs.conntrack=1 and the nat chains
#    KUBE-POSTROUTING/KUBE-MARK-MASQ as kube-proxy sets them.  Its ipset
#    rules (KUBE-CLUSTER-IP) are left out: ipset is not installed.  A change
#    is ipvsadm -a.
#  - nftables: table ip kube-proxy, a service-ips verdict map keyed by
#    ipv4_addr . inet_proto . inet_service, per service a chain with the
#    masquerade mark rule and numgen random mod N vmap to endpoint chains,
#    which mark hairpin traffic and dnat; loaded by nft -f in one
#    transaction.  Above KN_BENCH_SVC_NFT_FULL (1000) services that
#    transaction is too slow under TCG (it had not finished after 4.5
#    minutes at 10000), so there the node gets the same lookup path for
#    less: every service an element of service-ips, but all but the first
#    and the last lead to the first's chain; a packet to the last service
#    meets exactly what it would meet in the full table, and nftables'
#    programming time is measured at 1000 only.  (The services the batched
#    change touches have chains of their own there too.)  A change is
#    kube-proxy's partial sync: the new endpoint chain, the service chain
#    rewritten.
#  - kn: kn-ctl -b with "service add" and "backend add" lines; a change is
#    one kn-ctl backend add.
#
# Measured:
#  - new connections per second, one at a time, through the VIP (bench/crr.c:
#    connect, then close with a RST), and the median connect() time: the
#    SYN to the VIP, the SYN-ACK back, i.e. the first packet of a
#    connection, the one that looks the service up;
#  - the time to program N services (N in KN_BENCH_SVC_PROG, 1000 and
#    10000): the first load of each node, timed, one data path at a time,
#    then (for 1000) reloads after a flush;
#  - the time to add one backend to one of 10000 services, and take it away
#    again (untimed): the whole command, the process's start-up included
#    (about 130 ms under TCG whatever the process);
#  - the time per change of a batch of 100 (one backend more for each of
#    100 services of 10000) in one run of each programmer: one kn-ctl -b,
#    one ipvsadm -R, one iptables-restore --noflush (kube-proxy's partial
#    sync of those 100 services), one nft -f; the programmer is started
#    first, with its input a pipe, and timed from the first byte written
#    to its exit (svc_time_fed), so that its start-up is left out; divided
#    by 100.  The batch that takes them away again is not timed;
#  - the connection table's bytes per entry: kn's (kn-ctl conntrack stats)
#    and the slab object sizes of nf_conntrack (and ip_vs_conn for IPVS).
#
# KN_BENCH_KIND other than kn leaves kn's side out: the peers alone, no
# ratio (for proving the peers on a kn without services).  With kn, a kn
# without working services fails the scenario.
#
#   KN_BENCH_SVC_SIZES     numbers of services (default 10 1000 10000 50000)
#   KN_BENCH_SVC_SECS      seconds per connection test (default 3)
#   KN_BENCH_SVC_FEW       repetitions of the long tests: connections at the
#                          largest size, programming, changes (default 3)
#   KN_BENCH_SVC_CHANGES   changes in the batched change (default 100; at
#                          most the changed size's number of services - 2)
#   KN_BENCH_SVC_NFT_FULL  largest size nftables gets in full (default 1000)
# Clients and servers all run on vCPU 0 (bench/lib.sh says why).

SCENARIO_TITLE="ClusterIP services: kn vs kube-proxy's iptables, IPVS and nftables data paths"

read -r -a SVC_SIZES <<< "${KN_BENCH_SVC_SIZES:-10 1000 10000 50000}"
SVC_SECS=${KN_BENCH_SVC_SECS:-3}
SVC_FEW=${KN_BENCH_SVC_FEW:-3}
SVC_NFT_FULL=${KN_BENCH_SVC_NFT_FULL:-1000}
SVC_PROG=(1000 10000)
SVC_CLIENT=10.244.1.2
SVC_SERVERS=(10.244.1.3 10.244.1.4)
SVC_BACKEND_PORT=8080
SVC_SIDES=()
SVC_UPDATE=          # the size the change is made at
SVC_CHANGES=0        # how many changes the batched change makes
SVC_BRNF_LOADED=0    # whether this scenario loaded br_netfilter
declare -A SVC_LABEL=([kn]="kn" [ipt]="kube-proxy iptables" [ipvs]="kube-proxy IPVS"
	[nft]="kube-proxy nftables")

svc_in() { local x; for x in "${@:2}"; do [ "$x" = "$1" ] && return 0; done; return 1; }
svc_gen() { echo "$BENCH_TMP/gen/$1"; }
svc_ns() { ip netns exec "$@"; }
svc_kn() { nsenter --net="/run/netns/$1" "$KN_CTL" "${@:2}"; }

# svc_time CMD...: runs CMD, prints how long it took, in seconds.  bash's
# clock, not date's: a date after CMD would add its own start-up.
svc_time() {
	local t0 t1
	t0=$EPOCHREALTIME
	"$@" > "$BENCH_TMP/time.out" 2>&1 || die "$*: $(tail -n 5 "$BENCH_TMP/time.out")"
	t1=$EPOCHREALTIME
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }'
}

# svc_time_fed SIDE NODE FILE: SIDE's programmer run in NODE on FILE, fed
# through a pipe: started first, on an empty pipe, and timed once it waits
# on it, from the first byte written to its exit; prints that, in seconds.
# Its start-up (exec, the dynamic linker: about 130 ms under TCG) is left
# out; what it does once it has its input (reading the kernel's state,
# parsing, the requests) is in.
svc_time_fed() {
	local side=$1 node=$2 fifo=$BENCH_TMP/feed out=$BENCH_TMP/feed.out input pid t0 t1 rc=0 w=
	[ -s "$3" ] || die "no $3"
	input=$(< "$3")
	rm -f "$fifo"
	mkfifo "$fifo"
	# Read-write: the programmer's open of the pipe does not wait for a
	# writer; its copy of fd 9 is closed, so it sees the end when ours is.
	exec 9<> "$fifo"
	case "$side" in
	kn) nsenter --net="/run/netns/$node" "$KN_CTL" -b - < "$fifo" > "$out" 2>&1 9>&- & ;;
	ipt) ip netns exec "$node" iptables-legacy-restore --noflush < "$fifo" > "$out" 2>&1 9>&- & ;;
	ipvs) ip netns exec "$node" ipvsadm -R < "$fifo" > "$out" 2>&1 9>&- & ;;
	nft) ip netns exec "$node" nft -f - < "$fifo" > "$out" 2>&1 9>&- & ;;
	esac
	pid=$!
	# nsenter and ip netns exec exec the programmer: same pid.  Started
	# when it sleeps in the pipe's read (pipe_read; anon_pipe_read on 6.16
	# and later).
	for _ in $(seq 300); do
		w=$(cat "/proc/$pid/wchan" 2> /dev/null) || break
		[[ "$w" != *pipe_read ]] || break
		sleep 0.1
	done
	[[ "$w" == *pipe_read ]] || log "  $side: $(cat "/proc/$pid/comm" 2> /dev/null) not waiting on its input ('$w'): timed with (part of) its start-up"
	# The programmer the only reader now: should it fail and exit, a
	# write fails (EPIPE, SIGPIPE ignored in this subshell) rather than
	# fill the pipe for ever.
	exec 8> "$fifo" 9>&-
	trap '' PIPE
	t0=$EPOCHREALTIME
	printf '%s\n' "$input" >&8 || true
	exec 8>&-
	wait "$pid" || rc=$?
	t1=$EPOCHREALTIME
	rm -f "$fifo"
	[ "$rc" = 0 ] || die "$side: $3 in $node (exit $rc): $(tail -n 5 "$out")"
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f\n", b - a }'
}

# What kube-proxy's iptables mode installs once, at its start: the nat and
# filter chains it owns and the jumps to them from the built-in chains
# (iptablesJumpChains, iptablesKubeletJumpChains).
SVC_IPT_JUMPS='*filter
:KUBE-EXTERNAL-SERVICES - [0:0]
:KUBE-NODEPORTS - [0:0]
:KUBE-SERVICES - [0:0]
:KUBE-FORWARD - [0:0]
:KUBE-PROXY-FIREWALL - [0:0]
:KUBE-FIREWALL - [0:0]
-I INPUT -m comment --comment "kubernetes health check service ports" -j KUBE-NODEPORTS
-I INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES
-I INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL
-I INPUT -j KUBE-FIREWALL
-I FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES
-I FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-I FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD
-I FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL
-I OUTPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-I OUTPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL
-I OUTPUT -j KUBE-FIREWALL
COMMIT
*nat
:KUBE-SERVICES - [0:0]
:KUBE-POSTROUTING - [0:0]
:KUBE-MARK-MASQ - [0:0]
-I OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-I PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-I POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING
COMMIT
'

# kube-proxy's IPVS mode's nat rules but for those matching its ipsets.
SVC_IPVS_NAT='*nat
:KUBE-SERVICES - [0:0]
:KUBE-POSTROUTING - [0:0]
:KUBE-MARK-MASQ - [0:0]
-I OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-I PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-I POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING
-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000
-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000
-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully
COMMIT
'

SVC_IPT_EMPTY='*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
COMMIT
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
COMMIT
'

# svc_node SIDE N: node SIDE-N with its bridge, pods, servers and the
# data path's fixed part, before any service.
svc_node() {
	local side=$1 n=$2 node=$1-$2 bridge=br0 kind=bridge s
	bench_netns "$node"
	svc_ns "$node" sysctl -qw net.ipv4.ip_forward=1
	[ "$side" != kn ] || { bridge=kn0; kind=kn; }
	bench_bridge "$node" "$bridge" "$kind" 10.244.1.1/24
	[ "$side" = kn ] || svc_ns "$node" sysctl -qw net.bridge.bridge-nf-call-iptables=1
	bench_pod "$node" "$bridge" "$node-c" "$SVC_CLIENT"
	for s in 1 2; do
		bench_pod "$node" "$bridge" "$node-s$s" "${SVC_SERVERS[s - 1]}"
		svc_ns "$node-s$s" taskset -c "$BENCH_CPU" "$SVC_CRR" server "${SVC_SERVERS[s - 1]}" \
			$SVC_BACKEND_PORT > "$BENCH_TMP/crr-s.$node-s$s.log" 2>&1 &
		bench_wait_listen "$node-s$s" $SVC_BACKEND_PORT
	done
	svc_init "$side" "$node"
}

# svc_init SIDE NODE: the fixed part of SIDE's data path in NODE, as at
# kube-proxy's start.
svc_init() {
	local side=$1 node=$2
	case "$side" in
	ipt) svc_ns "$node" iptables-legacy-restore --noflush <<< "$SVC_IPT_JUMPS" ;;
	ipvs)
		svc_ns "$node" sysctl -qw net.ipv4.vs.conntrack=1 net.ipv4.vs.expire_nodest_conn=1 \
			net.ipv4.vs.expire_quiescent_template=1
		pp ip -n "$node" link add kube-ipvs0 type dummy
		svc_ns "$node" iptables-legacy-restore --noflush <<< "$SVC_IPVS_NAT"
		;;
	esac
}

# svc_warm: each data path programs a few services once in a namespace of
# its own, before anything is timed: the modules they need (x_tables
# matches and targets, nf_tables expressions, IPVS's) are loaded then, not
# during the first timed load.
svc_warm() {
	local side
	pp python3 "$KN_ROOT/bench/svcgen.py" "$(svc_gen warm)" 2 \
		"${SVC_SERVERS[0]}:$SVC_BACKEND_PORT" "${SVC_SERVERS[1]}:$SVC_BACKEND_PORT"
	for side in "${SVC_SIDES[@]}"; do
		bench_netns "warm-$side"
		ip -n "warm-$side" link add warm0 type dummy
		ip -n "warm-$side" addr add 10.244.1.1/24 dev warm0
		ip -n "warm-$side" link set warm0 up
		svc_init "$side" "warm-$side"
		svc_load "$side" "warm-$side" warm
	done
}

# svc_load SIDE NODE N: programs N services (svcgen.py's output for N) in
# NODE, the way SIDE's programmer does (nft above KN_BENCH_SVC_NFT_FULL:
# the lookup path only).
svc_load() {
	local side=$1 node=$2 n=$3 dir
	dir=$(svc_gen "$n")
	case "$side" in
	kn) svc_kn "$node" -b "$dir/kn.batch" ;;
	ipt) svc_ns "$node" iptables-legacy-restore --noflush "$dir/iptables.rules" ;;
	ipvs) svc_ns "$node" ipvsadm -R < "$dir/ipvs.rules" && ip -n "$node" -batch "$dir/ipvs.addrs" ;;
	nft)
		if [ "$n" = warm ] || [ "$n" -le "$SVC_NFT_FULL" ]; then
			svc_ns "$node" nft -f "$dir/nft.rules"
		else
			svc_ns "$node" nft -f "$dir/nft-lookup.rules"
		fi
		;;
	esac
}

# svc_flush SIDE N: every service of node SIDE-N gone.
svc_flush() {
	local side=$1 n=$2 node=$1-$2
	case "$side" in
	kn) svc_kn "$node" -b "$(svc_gen "$n")/kn.flush" ;;
	ipt)
		svc_ns "$node" iptables-legacy-restore <<< "$SVC_IPT_EMPTY"
		svc_ns "$node" iptables-legacy-restore --noflush <<< "$SVC_IPT_JUMPS"
		;;
	ipvs) svc_ns "$node" ipvsadm -C && ip -n "$node" addr flush dev kube-ipvs0 ;;
	nft) svc_ns "$node" nft delete table ip kube-proxy ;;
	esac
}

# svc_change SIDE N add|del: one backend more for the first service of
# node SIDE-N, or that backend taken away again.
svc_change() {
	local side=$1 node=$1-$2 f
	f=$(svc_gen "$2")/${side/#ipt/iptables}.$3
	case "$side" in
	kn) read -r -a args < "$f" && svc_kn "$node" "${args[@]}" ;;
	ipt) svc_ns "$node" iptables-legacy-restore --noflush "$f" ;;
	ipvs) read -r -a args < "$f" && svc_ns "$node" ipvsadm "${args[@]}" ;;
	nft) svc_ns "$node" nft -f "$f" ;;
	esac
}

# svc_change_batch SIDE N change-add|change-del: the batched change to node
# SIDE-N, or the batch that takes it away again, untimed.
svc_change_batch() {
	local side=$1 node=$1-$2 f
	f=$(svc_gen "$2")/${side/#ipt/iptables}.$3
	case "$side" in
	kn) svc_kn "$node" -b "$f" ;;
	ipt) svc_ns "$node" iptables-legacy-restore --noflush "$f" ;;
	ipvs) svc_ns "$node" ipvsadm -R < "$f" ;;
	nft) svc_ns "$node" nft -f "$f" ;;
	esac
}

svc_order() {
	# $1: 0 or 1; prints the sides in order or reversed
	local i
	if [ "$1" = 0 ]; then
		echo "${SVC_SIDES[@]}"
	else
		for ((i = ${#SVC_SIDES[@]} - 1; i >= 0; i--)); do echo -n "${SVC_SIDES[i]} "; done
		echo
	fi
}

scenario_setup() {
	local n side i t pids=() largest=0 pid order
	SVC_CRR=$BENCH_TMP/crr
	pp cc -O2 -Wall -o "$SVC_CRR" "$KN_ROOT/bench/crr.c"
	for t in iptables-legacy-restore ipvsadm nft python3; do
		command -v "$t" > /dev/null || die "$t is missing (make deps)"
	done
	[ -d /sys/module/br_netfilter ] || { pp modprobe br_netfilter; SVC_BRNF_LOADED=1; }
	pp modprobe ip_vs
	pp modprobe ip_vs_rr

	if [ "$KN_BENCH_KIND" = kn ]; then
		"$KN_CTL" help 2>&1 | grep -q "kn-ctl service add" ||
			die "$KN_CTL has no service commands: kn's side cannot be benchmarked"
		SVC_SIDES=(kn)
	else
		log "KN_BENCH_KIND=$KN_BENCH_KIND: kn's side is left out, the kube-proxy data paths alone (no ratio)"
		bench_meta note "KN_BENCH_KIND=$KN_BENCH_KIND: kn's side left out; the kube-proxy data paths alone, no ratio"
	fi
	SVC_SIDES+=(ipt ipvs nft)
	for side in "${SVC_SIDES[@]}"; do
		bench_side "$side" "${SVC_LABEL[$side]}"
	done

	for n in "${SVC_SIZES[@]}"; do
		[[ "$n" =~ ^[1-9][0-9]*$ ]] || die "KN_BENCH_SVC_SIZES: not a number: $n"
		[ "$n" -le 10000 ] && SVC_UPDATE=$n
		[ "$n" -le "$largest" ] || largest=$n
	done
	SVC_LARGEST=$largest
	if [ -n "$SVC_UPDATE" ]; then
		# svcgen.py's count: at most the services between the first and the last
		SVC_CHANGES=${KN_BENCH_SVC_CHANGES:-100}
		[[ "$SVC_CHANGES" =~ ^[0-9]+$ ]] || die "KN_BENCH_SVC_CHANGES: not a number: $SVC_CHANGES"
		[ "$SVC_CHANGES" -le $((SVC_UPDATE - 2)) ] || SVC_CHANGES=$((SVC_UPDATE - 2))
		[ "$SVC_CHANGES" -ge 0 ] || SVC_CHANGES=0
	fi
	for n in "${SVC_SIZES[@]}"; do
		bench_metric "conn_rate_$n" higher conn/s "New TCP connections per second through a ClusterIP, $n services"
	done
	for n in "${SVC_SIZES[@]}"; do
		bench_metric "connect_us_$n" lower µs "connect() time (first packet: SYN, SYN-ACK) through a ClusterIP, median, $n services"
	done
	for n in "${SVC_PROG[@]}"; do
		svc_in "$n" "${SVC_SIZES[@]}" || continue
		bench_metric "prog_$n" lower s "Time to program $n services of 2 backends"
	done
	[ -z "$SVC_UPDATE" ] ||
		bench_metric update_s lower s "Time to add one backend to one service of $SVC_UPDATE, whole command"
	[ "$SVC_CHANGES" = 0 ] ||
		bench_metric change_ms lower ms "Time per change, $SVC_CHANGES changes (a backend more for each of $SVC_CHANGES services) in one batch at $SVC_UPDATE services, start-up left out"
	bench_metric ct_bytes lower bytes "Connection-table memory per connection (slab object)"
	# Reloads and changes first in each repetition, so that the last
	# connections come after the last reload (scenario_check counts them).
	svc_in 1000 "${SVC_SIZES[@]}" && bench_test program_1000
	[ -z "$SVC_UPDATE" ] || bench_test update
	[ "$SVC_CHANGES" = 0 ] || bench_test change
	for n in "${SVC_SIZES[@]}"; do
		eval "test_conn_$n() { svc_test_conn $n \"\$@\"; }"
		bench_test "conn_$n"
	done
	bench_meta secs "$SVC_SECS"

	for n in "${SVC_SIZES[@]}"; do
		log "generating $n services"
		KN_SVC_CHANGES=$SVC_CHANGES pp python3 "$KN_ROOT/bench/svcgen.py" "$(svc_gen "$n")" "$n" \
			"${SVC_SERVERS[0]}:$SVC_BACKEND_PORT" "${SVC_SERVERS[1]}:$SVC_BACKEND_PORT" update
	done
	if [ "$SVC_CHANGES" != 0 ]; then
		n=$(wc -l < "$(svc_gen "$SVC_UPDATE")/kn.change-add")
		[ "$n" = "$SVC_CHANGES" ] || die "svcgen.py wrote $n changes, not $SVC_CHANGES"
	fi
	svc_warm
	for n in "${SVC_SIZES[@]}"; do
		for side in "${SVC_SIDES[@]}"; do
			svc_node "$side" "$n"
		done
	done

	# The first load of each node: timed one data path at a time, in
	# alternating order, for the sizes whose programming time is reported;
	# the largest size's in parallel (its loads take minutes under TCG).
	i=0
	for n in "${SVC_SIZES[@]}"; do
		if [ "$n" = "$largest" ] && [ "$n" -gt 10000 ]; then
			continue
		fi
		order=$(svc_order $((i % 2)))
		i=$((i + 1))
		for side in $order; do
			log "programming $n services on $side"
			t=$(svc_time svc_load "$side" "$side-$n" "$n")
			log "  $side: $n services in $t s"
			if svc_in "$n" "${SVC_PROG[@]}" && { [ "$side" != nft ] || [ "$n" -le "$SVC_NFT_FULL" ]; }; then
				bench_record "prog_$n" "$side" 1 "$t"
			fi
		done
	done
	if [ "$largest" -gt 10000 ]; then
		log "programming $largest services on ${SVC_SIDES[*]}, in parallel"
		for side in "${SVC_SIDES[@]}"; do
			( t=$(svc_time svc_load "$side" "$side-$largest" "$largest") && log "  $side: $largest services in $t s (in parallel)" ) &
			pids+=($!)
		done
		for pid in "${pids[@]}"; do
			wait "$pid" || die "programming $largest services failed"
		done
	fi
	# What is left of the rule files: only the change's are needed.
	for n in "${SVC_SIZES[@]}"; do
		rm -f "$(svc_gen "$n")"/{iptables.rules,nft.rules,nft-lookup.rules,ipvs.rules,ipvs.addrs,kn.batch}
		[ "$n" = "$SVC_UPDATE" ] || rm -f "$(svc_gen "$n")"/*.{add,del,change-add,change-del}
		[ "$n" = 1000 ] && continue
		rm -f "$(svc_gen "$n")/kn.flush"
	done
	svc_note
}

# Regenerates the 1000-service files svc_load needs again (deleted above to
# save the VM's memory).
svc_regen_1000() {
	[ -f "$(svc_gen 1000)/iptables.rules" ] && return 0
	KN_SVC_CHANGES=$SVC_CHANGES python3 "$KN_ROOT/bench/svcgen.py" "$(svc_gen 1000)" 1000 \
		"${SVC_SERVERS[0]}:$SVC_BACKEND_PORT" "${SVC_SERVERS[1]}:$SVC_BACKEND_PORT" update
}

svc_note() {
	bench_meta note "data paths: kn: kn-ctl -b; kube-proxy iptables: iptables-legacy $(iptables-legacy --version | awk '{print $2}'), rules as kube-proxy's full sync (per-endpoint comments left out beyond 1000 endpoints, as kube-proxy does), br_netfilter; kube-proxy IPVS: ipvsadm -R (rr, masquerading) and ip -batch for the VIPs on kube-ipvs0, net.ipv4.vs.conntrack=1, without the ipset rules (no ipset), br_netfilter; kube-proxy nftables: nft $(nft --version | awk '{print $2}') -f, table ip kube-proxy, br_netfilter"
	bench_meta note "nftables above $SVC_NFT_FULL services: every service is an element of the service-ips map, but only the first and the last service (and the $SVC_CHANGES the batched change touches) have chains of their own (the others' elements lead to the first's chain): the measured service's packets meet the full table's path, which takes too long to load under TCG; no programming time for nftables there"
	bench_meta note "connections: bench/crr.c, one at a time from the client pod to the last service programmed (last in KUBE-SERVICES), connect() then close() with a RST; $SVC_SECS s per run; $SVC_FEW repetitions at $SVC_LARGEST services"
	bench_meta note "programming time: the first load of each node, one data path at a time (rep 1); for 1000 services, reloads after a flush (reps 2-$SVC_FEW); the change: kube-proxy's partial sync for iptables (iptables-restore --noflush of KUBE-SERVICES and the changed service's chains) and nftables (nft -f), ipvsadm -a, kn-ctl backend add: the whole command, timed from the shell, its start-up included"
	[ "$SVC_CHANGES" = 0 ] ||
		bench_meta note "time per change: one backend more for each of $SVC_CHANGES services (services 2 to $((SVC_CHANGES + 1)) of $SVC_UPDATE), each a new endpoint, in one run of each programmer: one kn-ctl -b with $SVC_CHANGES backend add lines; one ipvsadm -R with $SVC_CHANGES -a lines; one iptables-restore --noflush, kube-proxy's partial sync (KUBE-SERVICES whole, the $SVC_CHANGES services' KUBE-SVC chains rewritten and their new KUBE-SEP chains); one nft -f of $SVC_CHANGES partial syncs as one transaction (per service its new endpoint chain, its service chain flushed and rewritten); the programmer started first with its input a pipe, timed from the first byte written to it to the programmer's exit (its start-up left out, the rest, reading the kernel's state included), divided by $SVC_CHANGES; the batch that takes the backends away again is not timed"
}

# test_conn_N SIDE REP: connections to the last service of node SIDE-N.
svc_test_conn() {
	local n=$1 side=$2 rep=$3 node=$2-$1 secs=$SVC_SECS out rate us vip
	[ "$n" != "$SVC_LARGEST" ] || [ "$SVC_LARGEST" -le 10000 ] || [ "$rep" -le "$SVC_FEW" ] || return 0
	[ "$rep" != 0 ] || secs=1
	vip=$(cat "$(svc_gen "$n")/target")
	out=$(svc_ns "$node-c" taskset -c "$BENCH_CPU" "$SVC_CRR" client "$vip" 80 "$secs" 2>&1) ||
		die "$side, $n services: connections to $vip:80 failed: $out"
	read -r rate us <<< "$out"
	bench_record "conn_rate_$n" "$side" "$rep" "$rate"
	bench_record "connect_us_$n" "$side" "$rep" "$us"
}

# test_program_1000 SIDE REP: flush, then time programming 1000 services
# again (rep 1 is the first load, in scenario_setup).
test_program_1000() {
	local side=$1 rep=$2 t
	[ "$rep" -ge 2 ] && [ "$rep" -le "$SVC_FEW" ] || return 0
	svc_regen_1000 > /dev/null
	svc_flush "$side" 1000
	t=$(svc_time svc_load "$side" "$side-1000" 1000)
	bench_record prog_1000 "$side" "$rep" "$t"
}

# test_update SIDE REP: one backend more for the first of SVC_UPDATE
# services (timed), then taken away again (not timed).
test_update() {
	local side=$1 rep=$2 t
	[ "$rep" -ge 1 ] && [ "$rep" -le "$SVC_FEW" ] || return 0
	t=$(svc_time svc_change "$side" "$SVC_UPDATE" add)
	# Taken away again for the next repetition's change, not after the last
	# (an iptables change takes minutes under TCG; the service changed is
	# not the one the connections go to).
	[ "$rep" = "$SVC_FEW" ] || svc_change "$side" "$SVC_UPDATE" del
	bench_record update_s "$side" "$rep" "$t"
}

# test_change SIDE REP: the batched change to SVC_UPDATE services, its time
# per change (start-up left out), then taken away again (not timed, nor
# after the last repetition, as in test_update).
test_change() {
	local side=$1 rep=$2 t
	[ "$rep" -ge 1 ] && [ "$rep" -le "$SVC_FEW" ] || return 0
	t=$(svc_time_fed "$side" "$side-$SVC_UPDATE" \
		"$(svc_gen "$SVC_UPDATE")/${side/#ipt/iptables}.change-add")
	log "  $side: $SVC_CHANGES changes in $t s"
	[ "$rep" = "$SVC_FEW" ] || svc_change_batch "$side" "$SVC_UPDATE" change-del > /dev/null
	bench_record change_ms "$side" "$rep" "$(awk -v t="$t" -v n="$SVC_CHANGES" 'BEGIN { printf "%.4f\n", t * 1000 / n }')"
}

# svc_slab NAME: the object size of slab cache NAME, in bytes.
svc_slab() {
	if [ -r "/sys/kernel/slab/$1/object_size" ]; then
		cat "/sys/kernel/slab/$1/object_size"
	else
		awk -v c="$1" '$1 == c { print $4 }' /proc/slabinfo
	fi
}

# Each side's connections went through its own data path to both backends.
scenario_check() {
	local n side node s opens vip got ct ipvs kn
	for n in "${SVC_SIZES[@]}"; do
		vip=$(cat "$(svc_gen "$n")/target")
		for side in "${SVC_SIDES[@]}"; do
			node=$side-$n
			for s in 1 2; do
				# shellcheck disable=SC2016 # awk's program
				opens=$(svc_ns "$node-s$s" awk '$1 == "Tcp:" && !h { for (i = 2; i <= NF; i++) f[$i] = i; h = 1; next }
					$1 == "Tcp:" { print $f["PassiveOpens"] }' /proc/net/snmp)
				[ "${opens:-0}" -gt 0 ] || die "$node-s$s, a backend, accepted no connection"
			done
			case "$side" in
			kn)
				got=$(svc_ns "$node" iptables-legacy-save; svc_ns "$node" nft list ruleset;
					svc_ns "$node" ipvsadm -Ln | grep -E '^(TCP|UDP)' || true)
				[ -z "$got" ] || die "$node has netfilter or IPVS state: $got"
				;;
			ipt)
				got=$(svc_ns "$node" iptables-legacy -t nat -S KUBE-SERVICES | tail -n 2 | head -n 1)
				[[ "$got" == *" -d $vip/32 "* ]] || die "$node: $vip is not last in KUBE-SERVICES: $got"
				got=$(svc_ns "$node" iptables-legacy-save -c -t nat |
					awk -v b="${SVC_SERVERS[0]}:$SVC_BACKEND_PORT" '/-j DNAT/ && $NF == b { sub(/:.*/, "", $1); sub(/\[/, "", $1); print $1 }')
				[ "${got:-0}" -gt 0 ] || die "$node: the DNAT rule to ${SVC_SERVERS[0]} matched no packet"
				;;
			ipvs)
				got=$(svc_ns "$node" ipvsadm -Ln --stats -t "$vip:80" | awk '$1 == "TCP" { print $3; exit }')
				[ "${got:-0}" -gt 0 ] || die "$node: IPVS service $vip:80 counted no connection"
				;;
			nft)
				got=$(svc_ns "$node" nft list map ip kube-proxy service-ips | grep -c ' : goto ')
				[ "$got" = "$n" ] || die "$node: service-ips has $got elements, not $n"
				;;
			esac
		done
	done

	ct=$(svc_slab nf_conntrack)
	ipvs=$(svc_slab ip_vs_conn)
	[ -n "$ct" ] || die "no slab size for nf_conntrack"
	[ -n "$ipvs" ] || die "no slab size for ip_vs_conn"
	bench_record ct_bytes ipt 1 "$ct"
	bench_record ct_bytes nft 1 "$ct"
	bench_record ct_bytes ipvs 1 $((ct + ipvs))
	bench_meta note "connection-table bytes: slab object sizes, nf_conntrack $ct (without its extensions: NAT, ...), ip_vs_conn $ipvs (IPVS keeps both, with net.ipv4.vs.conntrack=1)"
	if svc_in kn "${SVC_SIDES[@]}"; then
		got=$(svc_kn "kn-${SVC_SIZES[0]}" -j conntrack stats 2>&1) || die "kn-ctl conntrack stats: $got"
		kn=$(sed -n 's/.*[Ee]ntry[ _-]*bytes["]*[:= ]*\([0-9][0-9]*\).*/\1/p' <<< "$got" | head -n 1)
		[ -n "$kn" ] || die "kn-ctl conntrack stats shows no entry bytes: $got"
		bench_record ct_bytes kn 1 "$kn"
	fi
	bench_meta checked "both backends of every node accepted connections; kn's nodes have no iptables, nftables or IPVS state; the last service is last in KUBE-SERVICES and its DNAT rules matched; IPVS counted connections on the VIP; nftables' service-ips map has N elements"
}

scenario_cleanup() {
	[ "$SVC_BRNF_LOADED" = 1 ] || return 0
	for _ in $(seq 20); do
		rmmod br_netfilter 2> /dev/null && { log "br_netfilter unloaded"; return 0; }
		sleep 1
	done
	log "br_netfilter could not be unloaded (still in use)"
}
