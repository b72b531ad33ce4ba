#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# NodePort, externalTrafficPolicy and egress masquerade (uapi/kn.h,
# "NodePort" and KN_SETTING_A_SNAT_PORT_*, _MASQUERADE) on three kn nodes
# joined by the overlay, two external clients on the underlay and an
# "internet" host behind a router, every node holding the same services as
# kube-proxy would:
#   - policy Cluster: TCP and UDP from an external client to each node's
#     underlay address:NodePort reach the backends on all three nodes; each
#     backend sees the kn0 address of the node the client connected to
#     (never the client's), with a port from the SNAT range; the client's
#     wire carries TCP and UDP with nodeIP:NodePort alone and no ICMP; the
#     connection-table entry has both tuples and the NodePort and SNAT
#     flags (raw dump, and `kn-ctl conntrack list -j`);
#   - policy Local: only the node's own backend (flagged local by kn
#     itself), which sees the external client's own address; a node with
#     no local backend refuses TCP and UDP at once (well under 1 s), and
#     counts it (no-local, in the table's and the service's counters);
#   - the same services' ClusterIP still works from a pod, without SNAT;
#   - two external clients bound to the same source port, at the same
#     node:NodePort with one backend, TCP held together and UDP: both
#     answered, the backend sees two distinct (node address, port) tuples;
#   - 200 concurrent TCP connections from one external client, all
#     established at once, all greeted and echoing their own 1000 bytes;
#   - snat-port-range of 4 ports and one backend: 4 held connections get
#     the 4 ports, the 5th is refused at once (ECONNREFUSED, no hang) and
#     counted as drop-snat; once the holders close (FIN both ways: their
#     entries in TIME_WAIT), a new one gets in at once, taking over a
#     closed connection's port, and 4 held ones again take all 4; once those
#     are reset (CLOSE), again a new one gets in at once;
#   - a NodePort outside the NodePort range refused, with kn-ctl printing
#     the kernel's reason (the default range and a changed one);
#   - masquerade on: a pod on every node reaches the internet host, which
#     sees the node's underlay address and a port from the SNAT range (and
#     the table has the masquerade entry, masqueraded counted); pods on
#     different nodes still see each other's pod addresses; NodePort with
#     both policies still works; masquerade off: the internet host gets the
#     pod's address and cannot answer (its only route is to the underlay).
# A kernel report (WARN, KASAN, lockdep...) fails the test: the harness
# scans the console between this test's markers (tests/qemu/scan-log.sh).
#
#  np-x1 .0.101   np-x2 .0.102                    np-inet 203.0.113.10/24
#       |              |                            | route 192.168.0.0/24 via .1, only
#       |              |                     eth1 203.0.113.1/24
#       |              |                   np-rt (forwards, no NAT)
#       |              |                     eth0 192.168.0.253/24
#  +----|--------------|------------------------|----------------------------------+
#  | np-ul x1 ------- x2 ------ br0 192.168.0.254/24 ------ rt ------ ul1 ul2 ul3   |
#  +----------------------------------------------------------|-----|-----|-------+
#                                                              |     |     |
#   np-n1 eth0 192.168.0.1  ------------------------------------+     |     |
#   np-n2 eth0 192.168.0.2  ------------------------------------------+     |
#   np-n3 eth0 192.168.0.3  ------------------------------------------------+
#   node N: kn0 10.244.N.1/24 with the pod np-bN 10.244.N.3, default route
#   via 192.168.0.253, the overlay to the other two nodes, the services:
#     10.96.0.30:80 tcp+udp, NodePort 30080, Cluster: b1 b2 b3 :8080
#     10.96.0.31:80 tcp+udp, NodePort 30081, Local:   b1 b2 :8080 (none on n3)
#     10.96.0.32:80 tcp+udp, NodePort 30082, Cluster: b1 :8081 alone
#
# Every pod, client and the internet host runs one np_agent.py for the
# whole test: TCP 8080 and 8081 greet with "NAME PEER:PORT" and echo, UDP
# 8080 and 8081 answer "NAME PEER:PORT DATAGRAM"; on its stdin it makes
# connections and says what it saw.
source "$(dirname "$0")/lib.sh"

# uapi/kn.h
CMD_GET_BACKEND=20 CMD_GET_CONNTRACK=22
CT_ESTABLISHED=3
CT_F_REPLIED=1 CT_F_SNAT=2 CT_F_NODEPORT=8 CT_F_MASQUERADE=16
BACKEND_F_LOCAL=2
SNAT_MIN=61000 SNAT_MAX=65535 # KN_SNAT_PORT_*_DEFAULT

ul="np-ul"
nodes=(- np-n1 np-n2 np-n3)
rt="np-rt" inet="np-inet" inet_ip=203.0.113.10
declare -A addr=(
	[np-b1]=10.244.1.3 [np-b2]=10.244.2.3 [np-b3]=10.244.3.3
	[np-x1]=192.168.0.101 [np-x2]=192.168.0.102 [np-inet]=$inet_ip
)
cl=10.96.0.30 lo=10.96.0.31 one=10.96.0.32
NP_CL=30080 NP_LO=30081 NP_ONE=30082
kn_tmp_init
state=$tmp/state # kn-ctl's, for lib.sh's on and k
agent=$(dirname "$0")/np_agent.py

np_cleanup() {
	local rc=$? i
	set +e
	if [ "$rc" != 0 ] && [ -e "$tmp/genl.req" ]; then
		echo "## the nodes' tables at the failure" >&2
		for i in 1 2 3; do
			indent "$(nsenter --net="/run/netns/${nodes[$i]}" "$KN_CTL" conntrack stats 2>&1)"
			indent "$(nsenter --net="/run/netns/${nodes[$i]}" "$KN_CTL" conntrack list 2>&1 | head -n 40)"
		done
	fi
	agents_stop
	netns_del_prefix np-
	cleanup
}
trap np_cleanup EXIT

# kb N FILE: kn-ctl's batch FILE in node N
kb() { pp nsenter --net="/run/netns/${nodes[$1]}" "$KN_CTL" -b "$2"; }

### the agents

# refusal WHAT MS: $ANS (the agent's "refused") is ECONNREFUSED within MS ms
refusal() {
	[[ $ANS =~ ^([A-Za-z_]+)\ ([0-9]+)\ ms ]] || fail "$1: $ANS"
	[ "${BASH_REMATCH[1]}" = ECONNREFUSED ] ||
		fail "$1: ${BASH_REMATCH[1]} after ${BASH_REMATCH[2]} ms, not ECONNREFUSED"
	[ "${BASH_REMATCH[2]}" -lt "$2" ] || fail "$1: refused after ${BASH_REMATCH[2]} ms, not within $2"
	echo "ok: $1: refused in ${BASH_REMATCH[2]} ms" >&2
}
# ports_in WHAT RANGE MIN MAX: RANGE ("LO-HI", the agent's peerports) lies
# within MIN..MAX
ports_in() {
	local lo=${2%-*} hi=${2#*-}
	if ! [[ $2 =~ ^[0-9]+-[0-9]+$ ]] || ((lo < $3 || hi > $4)); then
		fail "$1: the backend saw ports $2, not within $3-$4"
	fi
	echo "ok: $1: ports $2 within $3-$4" >&2
}
# tally: the agent's "backends" line into TALLY (backend -> count)
declare -A TALLY
tally() {
	local kv
	TALLY=()
	for kv in $(field backends); do
		TALLY[${kv%=*}]=${kv#*=}
	done
}

### reading the kernel's tables

# kj ARGS...: kn-ctl's JSON made readable by lib.sh's json_* ("key": value)
kj() {
	local out
	out=$("$@") || fail "$*: $out"
	echo "${out//\":/\": }"
}
# ct_stats N: node N's connection table statistics (kn-ctl -j) into CTS
ct_stats() { CTS=$(kj k "$1" conntrack stats -j); }
# svc_json N VIP:PORT/PROTO: that service of `kn-ctl service list -j` in
# node N, up to its stats, into SVC
svc_json() {
	local out re
	out=$(kj k "$1" service list -j)
	re="\\{\"service\": \"${2//./\\.}\"[^{}]*\"stats\": \\{[^{}]*\\}"
	[[ $out =~ $re ]] || fail "no service $2 in node $1's list: $out"
	SVC=${BASH_REMATCH[0]}
}
# ct N: node N's connection table (raw dump), one JSON line each, into CT
ct() {
	local out line
	out=$(genl_at "${nodes[$1]}" --dump --json $CMD_GET_CONNTRACK) ||
		fail "conntrack of ${nodes[$1]}: $out"
	CT=()
	while IFS= read -r line; do
		[[ $line != "{"* ]] || CT+=("$line")
	done <<< "$out"
	echo "    ${nodes[$1]}: ${#CT[@]} entries" >&2
}
# ct_find KEY=VALUE...: the first entry of CT with all of them, into ENTRY
ct_find() {
	local line
	for line in "${CT[@]}"; do
		! json_match "$line" "$@" || { ENTRY=$line; echo "    found: $line" >&2; return 0; }
	done
	fail "no entry with $* among ${#CT[@]}: $(printf '\n      %s' "${CT[@]:0:20}")"
}
# ct_flags_has WHAT FLAGS...: ENTRY's flags have every one of FLAGS
ct_flags_has() {
	local what=$1 f n
	shift
	n=$(json_num flags "$ENTRY")
	for f in "$@"; do
		((n & f)) || fail "$what: flags $n lack $f: $ENTRY"
	done
	echo "ok: $what: flags $n" >&2
}
# ct_count N KEY: counter KEY of node N's conntrack stats
ct_count() {
	ct_stats "$1"
	json_num "$2" "$CTS"
}

### the topology

netns_del_prefix np-
kn_load
cluster_underlay "$ul"
for ns in np-x1 np-x2 "$rt" "$inet"; do
	netns_add "$ns"
done
pp ip netns exec "$rt" sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 \
	net.ipv4.conf.default.rp_filter=0
echo "+ ip -n $ul: x1, x2, rt on br0; $rt eth1 to $inet" >&2
{
	for x in x1 x2 rt; do
		echo "link add $x type veth peer name eth0 netns np-$x"
		echo "link set $x addrgenmode none"
		echo "link set $x master br0 up"
	done
} | ip -n "$ul" -batch -
ip -n "$rt" link add eth1 type veth peer name eth0 netns "$inet"
# ns_links NS ADDR/LEN [ip -batch line...]: NS's eth0 up with ADDR/LEN, no IPv6
ns_links() {
	local ns=$1 a=$2 line
	shift 2
	echo "+ ip -n $ns: eth0 $a $*" >&2
	{
		echo "link set eth0 addrgenmode none"
		echo "addr add $a dev eth0"
		echo "link set eth0 up"
		for line in "$@"; do
			echo "$line"
		done
	} | ip -n "$ns" -batch -
}
ns_links np-x1 192.168.0.101/24
ns_links np-x2 192.168.0.102/24
ns_links "$rt" 192.168.0.253/24 "link set eth1 addrgenmode none" \
	"addr add 203.0.113.1/24 dev eth1" "link set eth1 up"
ns_links "$inet" "$inet_ip/24" "route add 192.168.0.0/24 via 203.0.113.1"
for i in 1 2 3; do
	kn_node_links "$i"
done
for i in 1 2 3; do
	peers=()
	for j in 1 2 3; do
		[ "$j" = "$i" ] || peers+=("$j")
	done
	script=$(kn_node_script "$i" "${peers[@]}")$'\n'
	script+="kn-ctl --state-dir \"\$STATE\" pod add np-b$i dev kn0 ip ${addr[np-b$i]}"$'\n'
	script+="ip route add default via 192.168.0.253"$'\n'
	KN_TEST_NETNS+=("np-b$i")
	on "$i" "$script"
done
genl_start
for ns in "${!addr[@]}"; do
	agent_start "$agent" "$ns" "${addr[$ns]}" eth0
done
for ns in "${!addr[@]}"; do
	answer "$ns" || fail "the agent in $ns did not start: $ANS $(< "$tmp/$ns.err")"
done
echo "ok: agents ready in ${!addr[*]}" >&2

# The services, the same on every node, in one batch.
{
	for p in tcp udp; do
		echo "service add $cl:80/$p nodeport $NP_CL policy cluster"
		echo "service add $lo:80/$p nodeport $NP_LO policy local"
		echo "service add $one:80/$p nodeport $NP_ONE"
		for b in np-b1 np-b2 np-b3; do
			echo "backend add $cl:80/$p ${addr[$b]}:8080"
		done
		for b in np-b1 np-b2; do
			echo "backend add $lo:80/$p ${addr[$b]}:8080"
		done
		echo "backend add $one:80/$p ${addr[np-b1]}:8081"
	done
} > "$tmp/services.b"
for i in 1 2 3; do
	kb "$i" "$tmp/services.b"
done
svc_json 1 "$cl:80/tcp"
json_has "$cl:80/tcp in kn-ctl service list -j" "$SVC" nodeport=$NP_CL policy=cluster
svc_json 1 "$lo:80/udp"
json_has "$lo:80/udp in kn-ctl service list -j" "$SVC" nodeport=$NP_LO policy=local
svc_json 1 "$one:80/tcp"
json_has "$one:80/tcp (policy not given) in kn-ctl service list -j" "$SVC" nodeport=$NP_ONE policy=cluster
# kn flags a backend local when it lies in kn0's subnet, and only then
for i in 1 2 3; do
	out=$(genl_at "${nodes[$i]}" --dump --json $CMD_GET_BACKEND "$(svc_key "$lo:80/tcp")") ||
		fail "backends of $lo:80/tcp in node $i: $out"
	for b in np-b1 np-b2; do
		want=0
		[ "$b" != "np-b$i" ] || want=$BACKEND_F_LOCAL
		re="\"addr\": \"${addr[$b]//./\\.}\"[^}]*\"flags\": ([0-9]+)"
		[[ $out =~ $re ]] || fail "node $i: no backend ${addr[$b]} of $lo:80/tcp: $out"
		expect_eq "node $i: $b's flags in $lo:80/tcp" "${BASH_REMATCH[1]}" "$want"
	done
done

echo "## a NodePort outside the range is refused, with the kernel's reason"
for np in 29999 32768; do
	expect_exit 1 k 1 service add 10.96.0.33:80/tcp nodeport $np
	expect_match "kn-ctl's message for NodePort $np (default range 30000-32767)" "$OUT" \
		"Numerical result out of range: ."
done
k 1 config set nodeport-range 31000-31999
expect_exit 1 k 1 service add 10.96.0.33:80/tcp nodeport 30083
expect_match "kn-ctl's message for NodePort 30083 (range 31000-31999)" "$OUT" \
	"Numerical result out of range: ."
out=$(k 1 service list)
[[ $out != *10.96.0.33* ]] || fail "a refused service is in node 1's list: $out"
echo "ok: no service 10.96.0.33 in node 1" >&2
k 1 config set nodeport-range 30000-32767

echo "## policy Cluster: every node's NodePort reaches every node's backend; the backend sees the node"
# 40 connections miss one of 3 backends with p = 3 (2/3)^40 < 1e-7
for i in 1 2 3; do
	node=$(underlay_ip "$i")
	for p in tcp udp; do
		ask np-x1 "$p" "$node" $NP_CL 40 sniff
		tally
		[ ${#TALLY[@]} = 3 ] ||
			fail "$p np-x1 -> $node:$NP_CL: backends $(field backends), not all of np-b1 np-b2 np-b3"
		echo "ok: $p np-x1 -> $node:$NP_CL reached np-b1 np-b2 np-b3: $(field backends)" >&2
		expect_field "$p np-x1 -> $node:$NP_CL: the backends saw node $i's kn0" peers "10.244.$i.1"
		ports_in "$p np-x1 -> $node:$NP_CL" "$(field peerports)" $SNAT_MIN $SNAT_MAX
		expect_field "$p np-x1 -> $node:$NP_CL: np-x1's wire" wire "$node:$NP_CL"
		expect_field "$p np-x1 -> $node:$NP_CL: ICMP on np-x1's wire" icmp ""
		[ "$p" = tcp ] || expect_field "udp np-x1 -> $node:$NP_CL: answers from" sources "$node:$NP_CL"
	done
done
# a connection held through node 3 to np-b1 on node 1: its entry
ask np-x1 hold "$(underlay_ip 3)" $NP_ONE 1
read -r be mine peer <<< "$(field held)"
ct 3
ct_find proto=6 orig_src="${addr[np-x1]}" orig_sport="${mine#*:}" orig_dst="$(underlay_ip 3)" \
	orig_dport=$NP_ONE reply_src="${addr[np-b1]}" reply_sport=8081 reply_dst=10.244.3.1 \
	reply_dport="${peer#*:}" state=$CT_ESTABLISHED
expect_eq "the address $be saw" "${peer%:*}" 10.244.3.1
ct_flags_has "a Cluster NodePort connection's entry" $CT_F_NODEPORT $CT_F_SNAT $CT_F_REPLIED
out=$(kj k 3 conntrack list -j)
re="\\{[^{}]*\"orig\": \\{\"src\": \"${addr[np-x1]//./\\.}\", ?\"sport\": ${mine#*:}[,}][^]]*\"flags\": \\[[^]]*\\]"
[[ $out =~ $re ]] || fail "no entry from ${addr[np-x1]}:${mine#*:} in kn-ctl conntrack list -j: $out"
indent "${BASH_REMATCH[0]}"
expect_match "its flags in kn-ctl conntrack list -j" "${BASH_REMATCH[0]}" '"flags": \[.*"nodeport"'
expect_match "its flags in kn-ctl conntrack list -j" "${BASH_REMATCH[0]}" '"flags": \[.*"snat"'
ask np-x1 release

echo "## policy Local: the node's own backend, which sees the client; none there: refused at once"
for i in 1 2; do
	node=$(underlay_ip "$i")
	for p in tcp udp; do
		ask np-x1 "$p" "$node" $NP_LO 10 sniff
		expect_field "$p np-x1 -> $node:$NP_LO (Local)" backends "np-b$i=10"
		expect_field "$p np-x1 -> $node:$NP_LO (Local): the backend saw" peers "${addr[np-x1]}"
		expect_field "$p np-x1 -> $node:$NP_LO: np-x1's wire" wire "$node:$NP_LO"
		[ "$p" = tcp ] || expect_field "udp np-x1 -> $node:$NP_LO: answers from" sources "$node:$NP_LO"
	done
done
ask np-x1 hold "$(underlay_ip 1)" $NP_LO 1
read -r be mine peer <<< "$(field held)"
ct 1
ct_find proto=6 orig_src="${addr[np-x1]}" orig_sport="${mine#*:}" orig_dst="$(underlay_ip 1)" \
	orig_dport=$NP_LO reply_src="${addr[np-b1]}" reply_sport=8080 reply_dst="${addr[np-x1]}" \
	state=$CT_ESTABLISHED
ct_flags_has "a Local NodePort connection's entry" $CT_F_NODEPORT $CT_F_REPLIED
(($(json_num flags "$ENTRY") & CT_F_SNAT)) && fail "a Local NodePort connection's entry has KN_CT_F_SNAT: $ENTRY"
ask np-x1 release
ct_stats 3
nolocal0=$(json_num no_local "$CTS")
declare -A svc_nolocal0
for p in tcp udp; do
	svc_json 3 "$lo:80/$p"
	svc_nolocal0[$p]=$(json_num no_local "$SVC")
done
for p in tcp udp; do
	ask np-x1 refused "$p" "$(underlay_ip 3)" $NP_LO
	refusal "$p np-x1 -> $(underlay_ip 3):$NP_LO, Local, no local backend" 500
done
ct_stats 3
expect_eq "node 3's no-local count after 2 refusals" $(($(json_num no_local "$CTS") - nolocal0)) 2
for p in tcp udp; do
	svc_json 3 "$lo:80/$p"
	expect_eq "node 3's no_local of $lo:80/$p" $(($(json_num no_local "$SVC") - svc_nolocal0[$p])) 1
done

echo "## the same services' ClusterIP from a pod: any backend (policy is for the NodePort), no SNAT"
# np-b3, none of whose backends it is (no hairpin)
for p in tcp udp; do
	ask np-b3 "$p" "$lo" 80 20
	expect_field "$p np-b3 -> $lo:80: the backends saw" peers "${addr[np-b3]}"
	tally
	[ ${#TALLY[@]} = 2 ] || fail "np-b3's 20 connections to $lo:80 went to ${!TALLY[*]} alone"
	[ "$p" = tcp ] || expect_field "udp np-b3 -> $lo:80: answers from" sources "$lo:80"
done


echo "## two external clients on one source port, at one node:NodePort with one backend"
node=$(underlay_ip 1)
ask np-x1 hold "$node" $NP_ONE 1 40000
read -r _ mine1 peer1 <<< "$(field held)"
ask np-x2 hold "$node" $NP_ONE 1 40000
read -r _ mine2 peer2 <<< "$(field held)"
expect_eq "np-x1's source" "$mine1" "${addr[np-x1]}:40000"
expect_eq "np-x2's source" "$mine2" "${addr[np-x2]}:40000"
for x in np-x1 np-x2; do
	ask $x held
	expect_field "$x's connection, both open" alive "1 of 1 np-b1=1"
done
[[ ${peer1%:*} == 10.244.1.1 && ${peer2%:*} == 10.244.1.1 && $peer1 != "$peer2" ]] ||
	fail "TCP from port 40000 of two clients: np-b1 saw $peer1 and $peer2, want two ports of 10.244.1.1"
echo "ok: TCP from port 40000 of both clients: np-b1 saw $peer1 and $peer2" >&2
ask np-x1 release
ask np-x2 release
declare -A upeer
for x in np-x1 np-x2; do
	ask $x udpfrom "$node" $NP_ONE 40000
	read -r be peer src <<< "$(field answer)"
	expect_eq "UDP $x:40000 -> $node:$NP_ONE: answered by" "$be" np-b1
	expect_eq "UDP $x:40000 -> $node:$NP_ONE: the answer's source" "$src" "$node:$NP_ONE"
	upeer[$x]=$peer
done
[[ ${upeer[np-x1]%:*} == 10.244.1.1 && ${upeer[np-x2]%:*} == 10.244.1.1 &&
	${upeer[np-x1]} != "${upeer[np-x2]}" ]] ||
	fail "UDP from port 40000 of two clients: np-b1 saw ${upeer[np-x1]} and ${upeer[np-x2]}, want two ports of 10.244.1.1"
echo "ok: UDP from port 40000 of both clients: np-b1 saw ${upeer[np-x1]} and ${upeer[np-x2]}" >&2

echo "## 200 concurrent TCP connections from one external client"
node=$(underlay_ip 2)
ask np-x1 concurrent "$node" $NP_CL 200
expect_field "200 connections to $node:$NP_CL at once" "done" "200 of 200"
expect_field "200 connections to $node:$NP_CL at once" failed 0
expect_field "200 connections to $node:$NP_CL at once: the backends saw" peers 10.244.2.1
expect_field "200 connections to $node:$NP_CL at once: distinct (backend, node address:port)" tuples 200
tally
[ ${#TALLY[@]} = 3 ] || fail "200 connections to $node:$NP_CL reached only ${!TALLY[*]}"
echo "ok: 200 connections at once in $(field ms) ms: $(field backends)" >&2

echo "## a SNAT range of 4 ports, one backend: 4 connections, the 5th refused, then room again"
node=$(underlay_ip 2)
k 2 config set snat-port-range 61000-61003
ct 2
for line in "${CT[@]}"; do
	! json_match "$line" reply_src="${addr[np-b1]}" reply_sport=8081 proto=6 ||
		fail "node 2 already has an entry to np-b1:8081: $line"
done
snat0=$(ct_count 2 drop_snat)
ask np-x1 hold "$node" $NP_ONE 4
re=$'held np-b1 [0-9.:]+ 10\\.244\\.2\\.1:([0-9]+)\n'
got=() rest=$ANS
while [[ $rest =~ $re ]]; do
	got+=("${BASH_REMATCH[1]}")
	rest=${rest#*"${BASH_REMATCH[0]}"}
done
mapfile -t got < <(printf '%s\n' "${got[@]}" | sort -n)
expect_eq "the ports np-b1 saw from node 2 for 4 connections" "${got[*]}" "61000 61001 61002 61003"
ask np-x1 refused tcp "$node" $NP_ONE
refusal "a 5th connection to $node:$NP_ONE, 4 SNAT ports, all taken" 1000
expect_eq "node 2's drop-snat count after 1 refusal" $(($(ct_count 2 drop_snat) - snat0)) 1
ask np-x1 held
expect_field "the 4 connections after the refusal" alive "4 of 4 np-b1=4"
# closed_takeover HOW: after `release HOW`, a new connection gets in within
# 3 s (the closing packets' round trips), taking over a closed one's port
closed_takeover() {
	local t0=$SECONDS tries=0
	while :; do
		tries=$((tries + 1))
		ask np-x1 refused tcp "$node" $NP_ONE
		[[ $ANS != connected* ]] || break
		[ $((SECONDS - t0)) -lt 3 ] ||
			fail "no new connection to $node:$NP_ONE within 3 s of the 4 closes ($1, $tries tries): $ANS"
		snooze 0.2
	done
	echo "ok: a new connection got in $((SECONDS - t0)) s after the 4 closes ($1), at try $tries" >&2
}
removed0=$(ct_count 2 removed)
ask np-x1 release
closed_takeover "FIN"
ask np-x1 hold "$node" $NP_ONE 4
ask np-x1 held
expect_field "4 connections again, on the closed ones' ports" alive "4 of 4 np-b1=4"
ask np-x1 refused tcp "$node" $NP_ONE
refusal "a 5th connection to $node:$NP_ONE, 4 SNAT ports, all taken again" 1000
ask np-x1 release rst
closed_takeover "RST"
# 1 + 4 + 1 new connections took over a closed entry each
[ $(($(ct_count 2 removed) - removed0)) -ge 6 ] ||
	fail "node 2's removed count rose by $(($(ct_count 2 removed) - removed0)), not at least 6"
k 2 config set snat-port-range $SNAT_MIN-$SNAT_MAX

echo "## masquerade on: pods reach the internet host as their node"
for i in 1 2 3; do
	k "$i" config set masquerade on
done
ask np-inet forget
for i in 1 2 3; do
	masq0=$(ct_count "$i" masqueraded)
	for p in tcp udp; do
		ask "np-b$i" "$p" "$inet_ip" 8080 2
		expect_field "$p np-b$i -> $inet_ip:8080" backends "np-inet=2"
		expect_field "$p np-b$i -> $inet_ip:8080: the internet host saw" peers "$(underlay_ip "$i")"
		ports_in "$p np-b$i -> $inet_ip:8080" "$(field peerports)" $SNAT_MIN $SNAT_MAX
		[ "$p" = tcp ] || expect_field "udp np-b$i -> $inet_ip:8080: answers from" sources "$inet_ip:8080"
	done
	expect_eq "node $i's masqueraded count after 2 TCP and 2 UDP flows" \
		$(($(ct_count "$i" masqueraded) - masq0)) 4
done
ask np-b1 hold "$inet_ip" 8080 1
read -r _ mine peer <<< "$(field held)"
ct 1
ct_find proto=6 orig_src="${addr[np-b1]}" orig_sport="${mine#*:}" orig_dst="$inet_ip" orig_dport=8080 \
	reply_src="$inet_ip" reply_sport=8080 reply_dst="$(underlay_ip 1)" reply_dport="${peer#*:}" \
	state=$CT_ESTABLISHED
ct_flags_has "a masqueraded connection's entry" $CT_F_MASQUERADE $CT_F_SNAT $CT_F_REPLIED
(($(json_num flags "$ENTRY") & CT_F_NODEPORT)) && fail "a masqueraded connection's entry has KN_CT_F_NODEPORT: $ENTRY"
ask np-b1 release
echo "## masquerade on: pod to pod across nodes keeps pod addresses; NodePort unchanged"
for pair in "1 2" "3 1"; do
	read -r i j <<< "$pair"
	for p in tcp udp; do
		ask "np-b$i" "$p" "${addr[np-b$j]}" 8080 2
		expect_field "$p np-b$i -> np-b$j" backends "np-b$j=2"
		expect_field "$p np-b$i -> np-b$j: np-b$j saw" peers "${addr[np-b$i]}"
	done
done
ask np-b3 tcp "$lo" 80 6
expect_field "tcp np-b3 -> $lo:80: the backends saw" peers "${addr[np-b3]}"
ask np-x2 tcp "$(underlay_ip 1)" $NP_LO 4
expect_field "tcp np-x2 -> $(underlay_ip 1):$NP_LO (Local)" backends "np-b1=4"
expect_field "tcp np-x2 -> $(underlay_ip 1):$NP_LO (Local): np-b1 saw" peers "${addr[np-x2]}"
ask np-x2 udp "$(underlay_ip 3)" $NP_CL 6
expect_field "udp np-x2 -> $(underlay_ip 3):$NP_CL: the backends saw" peers 10.244.3.1
expect_field "udp np-x2 -> $(underlay_ip 3):$NP_CL: answers from" sources "$(underlay_ip 3):$NP_CL"

echo "## masquerade off: the internet host gets pod addresses, and cannot answer them"
for i in 1 2 3; do
	k "$i" config set masquerade off
done
masq0=$(ct_count 1 masqueraded)
ask np-inet forget
for i in 1 2 3; do
	for p in tcp udp; do
		ask "np-b$i" refused "$p" "$inet_ip" 8080 2
		[[ $ANS == timeout* ]] || fail "$p np-b$i -> $inet_ip:8080, masquerade off: $ANS, want no answer (timeout)"
		echo "ok: $p np-b$i -> $inet_ip:8080, masquerade off: no answer" >&2
	done
done
ask np-inet seen
seen=$(field seen)
for i in 1 2 3; do
	[[ " $seen " == *" udp:${addr[np-b$i]}:"* ]] ||
		fail "the internet host got no datagram from ${addr[np-b$i]} (masquerade off): $seen"
done
[[ $seen != *192.168.0.* ]] || fail "the internet host got a node's address with masquerade off: $seen"
echo "ok: the internet host got pod addresses only: $seen" >&2
expect_eq "node 1's masqueraded count, masquerade off" $(($(ct_count 1 masqueraded) - masq0)) 0

for i in 1 2 3; do
	echo "    ${nodes[$i]}: $(k "$i" conntrack stats | tr '\n' ' ')" >&2
done
echo "nodeport: all checks passed"
