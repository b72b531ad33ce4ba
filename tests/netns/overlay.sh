#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kn-test-timeout: 720
# The VXLAN overlay across nodes, routed at L3 the flannel way: three kn
# nodes on one underlay LAN, each with its pod subnet on kn0, an overlay
# (local 192.168.0.N, UDP 8472, VNI 1) and node entries for the others, and a
# fourth node built as flannel builds one, with Linux's vxlan and bridge.
# Pods on every pair of nodes reach each other (ICMP, TCP, UDP, both ways);
# 100 MB cross the overlay intact; the underlay carries real VXLAN (UDP
# 8472, the I flag, VNI 1, an inner Ethernet + IPv4 frame); a node deleted
# under traffic cuts its pods off (route gone; a route left behind without
# a node entry drops as no_node) and adding it back heals the stream; a pod
# whose MTU ignores the overlay's 50 bytes gets "fragmentation needed", not
# silence, and a pod at the default MTU gets full-size DF packets through;
# malformed VXLAN from the underlay is dropped and counted under its reason;
# kn and Linux's vxlan (flannel's node) interoperate both ways.
#
#   ovl-a1 .1.2  ovl-b1 .1.3    ovl-a2 .2.2      ovl-a3 .3.2      ovl-a4 .4.2
#   mtu 1450     mtu 1500       mtu 1450         mtu 1450         mtu 1450
#      |            |              |                |                |
#   +--|------------|----+   +-----|---------+   +--|------------+   +--|--------------+
#   |  kn0 10.244.1.1/24 |   | kn0 .2.1/24   |   | kn0 .3.1/24   |   | cni0 .4.1/24    |
#   |  overlay: local    |   | overlay       |   | overlay       |   |  (Linux bridge) |
#   |  .0.1, 8472, vni 1 |   | local .0.2    |   | local .0.3    |   | flannel.1 vxlan |
#   |  nodes: .2 .3 .4   |   | nodes .1 .3 .4|   | nodes .1 .2 .4|   | id 1 dstport    |
#   |                    |   |               |   |               |   | 8472, .4.0/32   |
#   |  eth0 192.168.0.1  |   | eth0 .0.2     |   | eth0 .0.3     |   | eth0 .0.4       |
#   +-ovl-n1-|-----------+   +-ovl-n2-|------+   +-ovl-n3-|------+   +-ovl-n4-|--------+
#            |                        |                   |                   |
#   +--------|------------------------|-------------------|-------------------|-----+
#   |       ul1                      ul2                 ul3                 ul4    |
#   |        \________________________|_______ br0 _______|___________________/     |
#   | ovl-ul (underlay)                 192.168.0.254/24: tcpdump, scapy            |
#   +-------------------------------------------------------------------------------+
#
#   kn node N, for each other node M:   route 10.244.M.0/24 via 10.244.M.0 dev kn0
#     (kn-ctl node add)                 onlink; neigh 10.244.M.0 -> kn0's MAC
#   flannel node, for each kn node M:   route 10.244.M.0/24 via 10.244.M.0 dev
#                                       flannel.1 onlink; neigh 10.244.M.0 ->
#                                       kn0-M's MAC; fdb that MAC -> 192.168.0.M
#
# OVERLAY_KIND=flannel builds nodes 1-3 the flannel way too, which proves
# the topology and the checks on any kernel; what is kn's alone (kn-ctl's
# overlay and node commands, kn0's counters) is then left out.
# KN_OVERLAY_MB (default 100) is the size of the checksummed transfer.
#
# Every exec costs about a second in the TCG guest and python3 several:
# each node is configured by one `ip -batch` and one shell, and one python3
# (scapy) both decodes the captured tunnel packets and sends the bad ones.
source "$(dirname "$0")/lib.sh"

OVERLAY_KIND=${OVERLAY_KIND:-kn}
case "$OVERLAY_KIND" in
kn | flannel) ;;
*) fail "OVERLAY_KIND must be kn or flannel, not '$OVERLAY_KIND'" ;;
esac

ul=ovl-ul
nodes=(- ovl-n1 ovl-n2 ovl-n3 ovl-n4)      # indexed by node number
pods=(- ovl-a1 ovl-a2 ovl-a3 ovl-a4)       # one pod per node, .N.2
kinds=(- "$OVERLAY_KIND" "$OVERLAY_KIND" "$OVERLAY_KIND" flannel)
big=ovl-b1                                 # node 1's pod with MTU 1500
port=8472
kn_tmp_init
state=$tmp/state # kn-ctl's, for lib.sh's on and k
streams=()

pod_ip() { echo "10.244.$1.2"; }
# the bridge of node N: kn0, or cni0 on a flannel node
bridge_of() { if [ "${kinds[$1]}" = kn ]; then echo kn0; else echo cni0; fi; }

overlay_cleanup() {
	set +e
	kill "${streams[@]}" 2> /dev/null
	netns_del_prefix ovl-
	cleanup
}
trap overlay_cleanup EXIT

# lnk NS DEV: `ip -j -s link show DEV` into $LNK, for jstr/jstat
lnk() { LNK=$(ip -n "$1" -j -s link show "$2"); }
jstr() { local re="\"$1\":\"([^\"]*)\""; [[ $LNK =~ $re ]] && echo "${BASH_REMATCH[1]}"; }
# jstat rx|tx FIELD
jstat() {
	local re="\"$1\":\\{([^}]*)\\}" re2="\"$2\":([0-9]+)"
	[[ $LNK =~ $re ]] && [[ ${BASH_REMATCH[1]} =~ $re2 ]] && echo "${BASH_REMATCH[1]}"
}
mac_of() { lnk "$1" "$2"; jstr address; }

# kn_stats N: node N's kn0 counters (kn-ctl link show -j) into $STATS
kn_stats() { STATS=$(nsenter --net="/run/netns/${nodes[$1]}" "$KN_CTL" -j link show dev kn0); }
# counter NAME: a counter of $STATS, at any depth ("encap", "vxlan_vni", ...)
counter() {
	local re="\"$1\": *([0-9]+)"
	[[ $STATS =~ $re ]] || fail "no counter '$1' in kn-ctl link show -j: $STATS"
	echo "${BASH_REMATCH[1]}"
}

ping_ok() { n "$1" busybox ping -c "${3:-1}" -W 5 "$2" > /dev/null; }
ping_fails() {
	echo "+ ip netns exec $1 busybox ping -c 1 -W 2 $2 (expecting no answer)" >&2
	! ip netns exec "$1" busybox ping -c 1 -W 2 "$2" > /dev/null 2>&1 ||
		fail "$1 still reaches $2"
	echo "ok: $1 does not reach $2" >&2
}

### the topology

# Leftovers of an earlier run that was killed.
netns_del_prefix ovl-
if [ "$OVERLAY_KIND" = kn ]; then
	for t in overlay node; do
		if "$KN_CTL" "$t" 2>&1 | grep -q "unknown object"; then
			echo "SKIP: this kn-ctl has no '$t' commands yet"
			exit 4
		fi
	done
	kn_load
fi
# The underlay: one LAN, a Linux bridge in ovl-ul with a veth to each node.
cluster_underlay "$ul"

# node_links N: node N's devices; a kn node's overlay comes later, with
# kn-ctl, a flannel node's vxlan device here.
node_links() {
	local i=$1
	if [ "${kinds[$i]}" = kn ]; then
		kn_node_links "$i"
		return
	fi
	echo "+ ip -n ${nodes[$i]}: eth0 $(underlay_ip "$i")/24, cni0 10.244.$i.1/24" >&2
	{
		eth0_links "$i"
		echo "link add flannel.1 type vxlan id 1 dstport $port nolearning" \
			"local $(underlay_ip "$i") dev eth0"
		echo "link set flannel.1 addrgenmode none"
		echo "addr add 10.244.$i.0/32 dev flannel.1"
		echo "link set flannel.1 up"
		echo "link add cni0 type bridge"
		echo "link set cni0 addrgenmode none"
		echo "addr add 10.244.$i.1/24 dev cni0"
		echo "link set cni0 up"
	} | ip -n "${nodes[$i]}" -batch -
}
for i in 1 2 3 4; do
	node_links "$i"
done

if [ "$OVERLAY_KIND" = kn ] &&
	! OUT=$(nsenter --net="/run/netns/${nodes[1]}" "$KN_CTL" overlay show dev kn0 2>&1) &&
	grep -Eq "EOPNOTSUPP|not supported" <<< "$OUT"; then
	echo "SKIP: this kn module has no overlay yet: $OUT"
	exit 4
fi

# vtep_mac[N]: the inner destination MAC node N's VTEP expects: flannel.1's
# for a flannel node; for a kn node kn0's, which is what flannel's node is
# told (a kn node accepts any).
vtep_mac=()
for i in 1 2 3 4; do
	if [ "${kinds[$i]}" = kn ]; then
		vtep_mac[i]=$(mac_of "${nodes[$i]}" kn0)
	else
		vtep_mac[i]=$(mac_of "${nodes[$i]}" flannel.1)
	fi
	echo "    node $i: VTEP MAC ${vtep_mac[$i]}" >&2
done

# node_setup N: forwarding, the overlay and node N's peers, its pods.
node_setup() {
	local i=$1 j script peers=()
	if [ "${kinds[$i]}" = kn ]; then
		for j in 1 2 3 4; do
			if [ "$j" = "$i" ]; then
				continue
			elif [ "${kinds[$j]}" = kn ]; then
				peers+=("$j")
			else
				peers+=("$j mac ${vtep_mac[$j]}")
			fi
		done
		script=$(kn_node_script "$i" "${peers[@]}")$'\n'
	else
		script="sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.disable_ipv6=1"$'\n'
		# flannel's way: a route and a neighbour per peer on flannel.1,
		# and where that neighbour's MAC lives on the underlay
		for j in 1 2 3 4; do
			[ "$j" != "$i" ] || continue
			script+="ip route replace 10.244.$j.0/24 via 10.244.$j.0 dev flannel.1 onlink"$'\n'
			script+="ip neigh replace 10.244.$j.0 lladdr ${vtep_mac[$j]} dev flannel.1 nud permanent"$'\n'
			script+="bridge fdb append ${vtep_mac[$j]} dev flannel.1 dst $(underlay_ip "$j")"$'\n'
		done
	fi
	script+="kn-ctl --state-dir \"\$STATE\" pod add ${pods[$i]} dev $(bridge_of "$i") ip $(pod_ip "$i")"$'\n'
	[ "$i" != 1 ] || script+="kn-ctl --state-dir \"\$STATE\" pod add $big dev $(bridge_of 1) ip 10.244.1.3 mtu 1500"$'\n'
	on "$i" "$script"
	KN_TEST_NETNS+=("${pods[$i]}")
}
for i in 1 2 3 4; do
	node_setup "$i"
done
KN_TEST_NETNS+=("$big")

if [ "$OVERLAY_KIND" = kn ]; then
	out=$(k 1 overlay show dev kn0)
	expect_match "overlay show" "$out" "local 192\.168\.0\.1 port $port vni 1$"
	out=$(k 1 node list dev kn0)
	expect_match "node list: node 2" "$out" "10\.244\.2\.0/24 .*192\.168\.0\.2"
	expect_match "node list: node 4's VTEP MAC" "$out" "10\.244\.4\.0/24 .*192\.168\.0\.4.*${vtep_mac[4]}"
	out=$(k 1 -j node list dev kn0)
	echo "    $out" >&2
	expect_match "node list -j: node 2, derived MAC" "$out" \
		'"prefix":"10\.244\.2\.0/24","via":"192\.168\.0\.2","mac":"0e:6b:c0:a8:00:02"'
	expect_match "route to node 2" "$(ip -n "${nodes[1]}" route show 10.244.2.0/24)" \
		"10\.244\.2\.0/24 via 10\.244\.2\.0 dev kn0 .*onlink"
	expect_match "neighbour of node 2" "$(ip -n "${nodes[1]}" neigh show 10.244.2.0 dev kn0)" \
		"lladdr ${vtep_mac[1]} PERMANENT"
	kn_stats 1
	encap0=$(counter encap) decap0=$(counter decap)
fi

### pods on every pair of nodes reach each other, both ways
for i in 1 2 3; do
	for j in 1 2 3; do
		[ "$i" = "$j" ] || ping_ok "${pods[$i]}" "$(pod_ip "$j")"
	done
done
if [ "$OVERLAY_KIND" = kn ]; then
	kn_stats 1
	encap=$(($(counter encap) - encap0)) decap=$(($(counter decap) - decap0))
	# node 1 sent 2 requests and 2 replies, and got as many back
	[ "$encap" -ge 4 ] && [ "$decap" -ge 4 ] || # a && b || fail
		fail "node 1 counted $encap encapsulated, $decap decapsulated for 4 pings each way"
	echo "ok: node 1 encapsulated $encap, decapsulated $decap" >&2
fi

# tcp FROM TO: 200 kB from pod FROM to pod TO (by node number), compared
tcp() {
	local rx
	echo "+ TCP ${pods[$1]} -> ${pods[$2]}" >&2
	ip netns exec "${pods[$2]}" timeout 60 socat -u TCP-LISTEN:5000,reuseaddr \
		OPEN:"$tmp/tcp.rx",creat,trunc &
	rx=$!
	n "${pods[$1]}" timeout 60 socat -u OPEN:"$tmp/data" TCP:"$(pod_ip "$2")":5000,retry=60,interval=0.5
	wait $rx || fail "TCP receiver in ${pods[$2]} failed"
	cmp -s "$tmp/tcp.rx" "$tmp/data" || fail "TCP ${pods[$1]} -> ${pods[$2]}: the data differs"
	echo "ok: TCP ${pods[$1]} -> ${pods[$2]}" >&2
}
# udp FROM TO: one datagram, resent until the receiver is up
udp() {
	local rx tx
	echo "+ UDP ${pods[$1]} -> ${pods[$2]}" >&2
	ip netns exec "${pods[$2]}" timeout 60 socat -u UDP-RECVFROM:5001 OPEN:"$tmp/udp.rx",creat,trunc &
	rx=$!
	(for _ in {1..100}; do echo "hello from ${pods[$1]}"; snooze 0.5; done) |
		ip netns exec "${pods[$1]}" socat -u - UDP-SENDTO:"$(pod_ip "$2")":5001 &
	tx=$!
	wait $rx || fail "UDP receiver in ${pods[$2]} got nothing"
	kill $tx 2> /dev/null || :
	wait $tx || :
	expect_eq "UDP ${pods[$1]} -> ${pods[$2]}" "$(< "$tmp/udp.rx")" "hello from ${pods[$1]}"
}
head -c 200000 /dev/urandom > "$tmp/data"
bulk=$((${KN_OVERLAY_MB:-100} * 1000000))
tcp 1 2
tcp 2 1
udp 2 3
udp 3 2

### 100 MB across the overlay, checksummed at both ends
echo "+ $((bulk / 1000000)) MB ${pods[1]} -> ${pods[3]}, sha256 at both ends" >&2
# from a file, hashed while it is sent; received straight into sha256sum
head -c "$bulk" /dev/urandom > "$tmp/bulk"
sha256sum < "$tmp/bulk" > "$tmp/tx.sum" &
txsum=$!
ip netns exec "${pods[3]}" timeout 300 socat -u -b 131072 TCP-LISTEN:5002,reuseaddr - |
	sha256sum > "$tmp/rx.sum" &
rxsum=$!
start=$SECONDS
n "${pods[1]}" timeout 300 socat -u -b 131072 OPEN:"$tmp/bulk" \
	TCP:"$(pod_ip 3)":5002,retry=60,interval=0.5 || fail "the bulk sender failed"
wait $rxsum || fail "the bulk receiver failed"
wait $txsum
rm "$tmp/bulk"
expect_eq "$((bulk / 1000000)) MB: sha256 received" "$(< "$tmp/rx.sum")" "$(< "$tmp/tx.sum")"
echo "    in $((SECONDS - start)) s" >&2

### the tunnel, captured on ul2, node 2's port, while ovl-a1 pings ovl-a2
: > "$tmp/cap.log"
ip netns exec "$ul" timeout 60 tcpdump -n -U -i ul2 -w "$tmp/vxlan.pcap" -c 4 "udp port $port" \
	2> "$tmp/cap.log" &
cap=$!
capturing() { [[ $(< "$tmp/cap.log") == *"listening on"* ]]; }
wait_for 60 capturing || fail "tcpdump on ul2 did not start"
ping_ok "${pods[1]}" "$(pod_ip 2)" 2
wait $cap || fail "tcpdump on ul2 did not see 4 packets on UDP $port: $(< "$tmp/cap.log")"

### the underlay carries VXLAN, and what is malformed is dropped and counted
# One python3 (with scapy, whose import takes long under TCG) decodes the
# capture, then sends node 2 bad VXLAN over UDP from the underlay, one
# packet at a time, and reads node 2's counters (kn-ctl link show -j) after
# each to see which drop reason it was counted under.
if [ "$OVERLAY_KIND" = kn ]; then
	lnk "${nodes[2]}" kn0
	rx_dropped0=$(jstat rx dropped)
	counters=(nsenter --net="/run/netns/${nodes[2]}" "$KN_CTL" -j link show dev kn0)
else
	counters=()
fi
# the derived MAC (uapi/kn.h, KN_NODE_MAC_DERIVED_*) for a kn node without one
inner_dst=0e:6b:c0:a8:00:02
[ "$OVERLAY_KIND" = kn ] || inner_dst=${vtep_mac[2]}
zero_csum=0
[ "$OVERLAY_KIND" != kn ] || zero_csum=1
echo "+ ip netns exec $ul python3: decode $tmp/vxlan.pcap, send bad VXLAN to 192.168.0.2:$port" >&2
ip netns exec "$ul" python3 - "$tmp/vxlan.pcap" "$port" "$inner_dst" "$zero_csum" "${counters[@]}" \
	> "$tmp/py.out" 2>&1 <<-'EOF' ||
	import json, logging, socket, subprocess, sys, time
	logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
	from scapy.layers.inet import IP, UDP, ICMP
	from scapy.layers.l2 import ARP, Ether
	from scapy.layers.vxlan import VXLAN
	from scapy.utils import rdpcap

	pcap, port, inner_dst = sys.argv[1], int(sys.argv[2]), sys.argv[3]
	zero_csum, counters = sys.argv[4] == "1", sys.argv[5:]
	def bad(what):
	    print("FAIL:", what)
	    sys.exit(1)

	# the capture: outer IPv4/UDP to the port, checksum zero (from kn;
	# Linux's vxlan sums by default, flannel's does not), 8 bytes of
	# VXLAN (flags 0x08, reserved zero, VNI 1), inner Ethernet + IPv4 ICMP
	seen = set()
	for p in rdpcap(pcap):
	    ip, udp = p[IP], p[UDP]
	    hdr = bytes(udp.payload)[:8]
	    where = "%s:%d -> %s:%d" % (ip.src, udp.sport, ip.dst, udp.dport)
	    if udp.dport != port:
	        bad("%s: not to UDP %d" % (where, port))
	    if zero_csum and udp.chksum != 0:
	        bad("%s: UDP checksum %#x, not zero" % (where, udp.chksum))
	    if hdr[0] != 0x08 or hdr[1:4] != b"\0\0\0" or hdr[7] != 0:
	        bad("%s: VXLAN header %s: not the I flag alone" % (where, hdr.hex()))
	    vni = int.from_bytes(hdr[4:7], "big")
	    if vni != 1:
	        bad("%s: VNI %d" % (where, vni))
	    inner = Ether(bytes(udp.payload)[8:])
	    if inner.type != 0x0800 or ICMP not in inner:
	        bad("%s: inner frame not IPv4 ICMP: %s" % (where, inner.summary()))
	    if ip.dst == "192.168.0.2" and inner.dst != inner_dst:
	        bad("%s: inner destination MAC %s, want %s" % (where, inner.dst, inner_dst))
	    print("ok: %s, VXLAN vni %d, inner %s > %s %s" % (where, vni, inner.src, inner.dst,
	                                                     inner[IP].summary()))
	    seen.add((ip.src, ip.dst, inner[IP].src, inner[IP].dst, inner[ICMP].type))
	want = {("192.168.0.1", "192.168.0.2", "10.244.1.2", "10.244.2.2", 8),
	        ("192.168.0.2", "192.168.0.1", "10.244.2.2", "10.244.1.2", 0)}
	if not want <= seen:
	    bad("captured %s, want requests and replies %s" % (sorted(seen), sorted(want)))

	# the bad packets, each with the drop reason uapi/kn.h gives for it
	mac = "02:00:00:00:00:fe"
	def inner(dst=inner_dst, src=mac, ip_dst="10.244.2.2", ip_src="10.244.1.2"):
	    return Ether(dst=dst, src=src) / IP(src=ip_src, dst=ip_dst) / ICMP()
	def vx(frame, vni=1):
	    return bytes(VXLAN(flags=0x08, vni=vni) / frame)
	good = vx(inner())
	cases = [
	    ("vxlan_short", "4 bytes of a VXLAN header", good[:4]),
	    ("vxlan_short", "the header and 10 bytes of Ethernet", good[:18]),
	    ("vxlan_flags", "I flag clear", b"\x00" + good[1:]),
	    ("vxlan_flags", "a reserved flag set", b"\x0c" + good[1:]),
	    ("vxlan_flags", "reserved bytes 1-3 set", good[:1] + b"\0\1\0" + good[4:]),
	    ("vxlan_flags", "reserved byte 7 set", good[:7] + b"\x5a" + good[8:]),
	    ("vxlan_vni", "VNI 2", vx(inner(), vni=2)),
	    ("vxlan_inner", "inner ARP", vx(Ether(dst=inner_dst, src=mac) /
	                                    ARP(hwsrc=mac, psrc="10.244.1.2", pdst="10.244.2.2"))),
	    ("vxlan_inner", "inner IPv6", vx(Ether(dst=inner_dst, src=mac, type=0x86dd) / bytes(40))),
	    ("vxlan_inner", "inner IPv4 header cut short", good[:8 + 14 + 12]),
	    ("vxlan_inner", "inner multicast (01:00:5e:00:00:01, 224.0.0.1)",
	     vx(inner(dst="01:00:5e:00:00:01", ip_dst="224.0.0.1"))),
	    ("vxlan_inner", "inner source MAC all-zero", vx(inner(src="00:00:00:00:00:00"))),
	    ("vxlan_inner", "inner IPv4 to 224.0.0.1 behind a unicast MAC",
	     vx(inner(ip_dst="224.0.0.1"))),
	    ("vxlan_inner", "inner IPv4 to 255.255.255.255 behind a unicast MAC",
	     vx(inner(ip_dst="255.255.255.255"))),
	    ("vxlan_inner", "inner IPv4 from 127.0.0.1", vx(inner(ip_src="127.0.0.1"))),
	]
	def drops():
	    return json.loads(subprocess.run(counters, check=True, capture_output=True).stdout)[0]["drops"]
	s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
	now = drops() if counters else None
	for want, what, payload in cases:
	    s.sendto(payload, ("192.168.0.2", port))
	    if not counters:
	        print("sent: %s (%d bytes)" % (what, len(payload)))
	        continue
	    deadline, got = time.time() + 5, []
	    while not got and time.time() < deadline:
	        then, now = now, drops()
	        got = ["%s+%d" % (r, now[r] - then[r]) for r in sorted(now) if now[r] != then[r]]
	    print("case\t%s\t%s\t%s" % (what, want, " ".join(got) or "nothing"))
	EOF
	{ sed 's/^/    /' "$tmp/py.out" >&2; fail "python3 (decode, bad VXLAN) failed"; }
grep -v $'^case\t' "$tmp/py.out" | sed 's/^/    /' >&2
echo "ok: the underlay carries VXLAN on UDP $port with VNI 1, inner IPv4" >&2
if [ "$OVERLAY_KIND" = kn ]; then
	wrong=
	while IFS=$'\t' read -r _ what want got; do
		echo "    $what: counted $got, want $want+1" >&2
		[ "$got" = "$want+1" ] || wrong+=" $what: $got, not $want+1;"
	done < <(grep $'^case\t' "$tmp/py.out")
	[ -z "$wrong" ] || fail "bad VXLAN not counted as uapi/kn.h says:$wrong"
	echo "ok: each bad packet dropped and counted under its reason" >&2
	lnk "${nodes[2]}" kn0
	dropped=$(($(jstat rx dropped) - rx_dropped0))
	[ "$dropped" -ge "$(grep -c $'^case\t' "$tmp/py.out")" ] ||
		fail "kn0's rx_dropped grew by only $dropped"
	echo "ok: kn0's rx_dropped grew by $dropped" >&2
fi
# and good packets still pass
ping_ok "${pods[1]}" "$(pod_ip 2)"

### PMTU: a pod whose MTU (1500) ignores the 50 bytes of VXLAN gets
### "fragmentation needed" for a full-size DF packet, not silence; a pod at
### the default MTU (1450) gets its full-size DF packets through.
# dfping NS DST SIZE: one ICMP echo of SIZE bytes (IP header included)
# from NS, DF set; prints "reply", "frag-needed MTU FROM" or "timeout";
# after frag-needed a second echo must fail locally, "Message too long", as
# ping's would.
cat > "$tmp/dfping.py" <<-'EOF'
	import os, select, socket, struct, sys, time
	dst, size = sys.argv[1], int(sys.argv[2])
	s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
	s.setsockopt(socket.IPPROTO_IP, 10, 2)    # IP_MTU_DISCOVER: IP_PMTUDISC_DO
	s.setsockopt(socket.IPPROTO_IP, 11, 1)    # IP_RECVERR, as ping does
	s.connect((dst, 0))
	ident = os.getpid() & 0xffff
	def echo(seq):
	    body = struct.pack("!BBHHH", 8, 0, 0, ident, seq) + bytes(size - 28)
	    words = sum(struct.unpack("!%dH" % (len(body) // 2), body))
	    while words >> 16:
	        words = (words & 0xffff) + (words >> 16)
	    return body[:2] + struct.pack("!H", ~words & 0xffff) + body[4:]
	s.send(echo(1))
	deadline = time.time() + 5
	while time.time() < deadline:
	    if not select.select([s], [], [], max(0, deadline - time.time()))[0]:
	        break
	    try:
	        _, anc, _, _ = s.recvmsg(65535, 512, socket.MSG_ERRQUEUE)
	    except BlockingIOError:
	        anc = None
	    if anc:
	        # struct sock_extended_err, then the offender's sockaddr_in
	        err = anc[0][2]
	        errno_, origin, type_, code, _, info = struct.unpack("=IBBBBI", err[:12])
	        if origin == 2 and type_ == 3 and code == 4:   # ICMP frag needed
	            s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
	            print("frag-needed", info, socket.inet_ntoa(err[20:24]))
	            try:
	                s.send(echo(2))
	                print("then sent a second one")
	            except OSError as e:
	                print("then", e.strerror, "mtu", s.getsockopt(socket.IPPROTO_IP, 14))
	            sys.exit(0)
	        print("error: %s, ICMP type %d code %d" % (os.strerror(errno_), type_, code))
	        sys.exit(0)
	    try:
	        pkt = s.recv(65535, socket.MSG_DONTWAIT)
	    except BlockingIOError:
	        continue
	    except OSError:
	        continue    # the pending error; its details are in the queue
	    icmp = pkt[(pkt[0] & 15) * 4:]
	    if icmp[0] == 0 and struct.unpack("!H", icmp[4:6])[0] == ident:
	        print("reply")
	        sys.exit(0)
	print("timeout")
EOF
dfping() {
	echo "+ ip netns exec $1 python3 dfping.py $2 $3" >&2
	ip netns exec "$1" python3 -S "$tmp/dfping.py" "$2" "$3"
}
out=$(dfping "$big" "$(pod_ip 2)" 1500)
echo "    $big, 1500-byte DF echo to $(pod_ip 2): $out" >&2
expect_match "1500-byte DF from an MTU-1500 pod" "$out" \
	"^frag-needed 1450 10\.244\.1\.1"$'\n'"then Message too long mtu 1450$"
out=$(dfping "${pods[1]}" "$(pod_ip 2)" 1450)
expect_eq "1450-byte DF (1422 of payload) from an MTU-1450 pod" "$out" reply

### a node deleted under traffic; added back, the stream goes on
if [ "$OVERLAY_KIND" = kn ]; then
	# rx_bytes NS: what eth0 of NS received
	rx_bytes() { lnk "$1" eth0; jstat rx bytes; }
	echo "+ TCP stream ${pods[1]} -> ${pods[2]}" >&2
	ip netns exec "${pods[2]}" timeout 120 socat -u TCP-LISTEN:5003,reuseaddr /dev/null &
	streams+=($!)
	ip netns exec "${pods[1]}" timeout 120 socat -u /dev/zero TCP:"$(pod_ip 2)":5003,retry=60,interval=0.5 &
	streams+=($!)
	before=$(rx_bytes "${pods[2]}")
	streaming() { [ "$(rx_bytes "${pods[2]}")" -gt $((before + 2000000)) ]; }
	wait_for 60 streaming || fail "no stream to ${pods[2]}"
	k 1 node del 10.244.2.0/24 dev kn0
	expect_eq "route to node 2 gone" "$(ip -n "${nodes[1]}" route show 10.244.2.0/24)" ""
	expect_eq "neighbour gone" "$(ip -n "${nodes[1]}" neigh show 10.244.2.0 dev kn0)" ""
	out=$(k 1 node list dev kn0)
	[[ $out != *10.244.2.0/24* ]] || fail "node list still shows 10.244.2.0/24: $out"
	expect_match "the others stay" "$out" "10\.244\.3\.0/24"
	snooze 1
	stalled=$(rx_bytes "${pods[2]}")
	ping_fails "${pods[1]}" "$(pod_ip 2)"
	[ "$(rx_bytes "${pods[2]}")" -lt $((stalled + 100000)) ] ||
		fail "the stream to ${pods[2]} went on without its node entry"
	echo "ok: the stream stalled" >&2
	# a route left behind, without a node entry: kn0 has nowhere to send
	kn_stats 1
	no_node0=$(counter no_node)
	pp ip -n "${nodes[1]}" -batch - <<-EOF
		route add 10.244.2.0/24 via 10.244.2.0 dev kn0 onlink
		neigh replace 10.244.2.0 lladdr ${vtep_mac[1]} dev kn0 nud permanent
	EOF
	ping_fails "${pods[1]}" "$(pod_ip 2)"
	kn_stats 1
	[ "$(counter no_node)" -gt "$no_node0" ] || fail "no_node did not count"
	echo "ok: no_node counted $(($(counter no_node) - no_node0))" >&2
	pp ip -n "${nodes[1]}" -batch - <<-EOF
		route del 10.244.2.0/24
		neigh del 10.244.2.0 dev kn0
	EOF
	k 1 node add 10.244.2.0/24 via 192.168.0.2 dev kn0
	ping_ok "${pods[1]}" "$(pod_ip 2)"
	resumed() { [ "$(rx_bytes "${pods[2]}")" -gt $((stalled + 2000000)) ]; }
	wait_for 60 resumed || fail "the stream to ${pods[2]} did not resume"
	echo "ok: the stream resumed" >&2
	kill "${streams[@]}" 2> /dev/null || :
	wait "${streams[@]}" 2> /dev/null || :
	streams=()
fi

### interop: kn's nodes and flannel's (Linux vxlan + bridge) node
for i in 1 2 3; do
	ping_ok "${pods[$i]}" "$(pod_ip 4)"
	ping_ok "${pods[4]}" "$(pod_ip "$i")"
done
tcp 1 4
tcp 4 2
if [ "$OVERLAY_KIND" = kn ]; then
	kn_stats 1
	pp ip -n "${nodes[1]}" -s link show kn0
	echo "    $STATS" >&2
fi
echo "overlay ($OVERLAY_KIND): all checks passed"
