#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kn0, the pod bridge: created and deleted with `ip link`, ports attached
# with `ip link set ... master kn0`, pods reach each other and the node
# through it, it learns and ages their addresses, it switches (a third pod
# does not see two others' unicast), counts what it drops and why, refuses
# bad ports and bad settings with a message, and survives its ports, itself
# and its namespace being deleted under traffic.
#
#   +-------------+   +-------------+   +-------------+
#   | kn-pod1     |   | kn-pod2     |   | kn-pod3     |
#   | eth0        |   | eth0        |   | eth0        |
#   | 10.244.1.2  |   | 10.244.1.3  |   | 10.244.1.4  |
#   +------|------+   +------|------+   +------|------+
#          | veth            | veth            | veth
#   +------|-----------------|-----------------|------+
#   |    veth1             veth2             veth3    |
#   |      \________________ | ________________/      |
#   |                       kn0  10.244.1.1/24        |
#   | kn-node                  (kn1: a second, empty) |
#   +-------------------------------------------------+
#
# Every exec costs seconds in the TCG guest, so one `genl.py --serve` answers
# all the netlink requests, replies are picked apart with bash's own
# regexes, and `ip -batch` sets up several things at once.
source "$(dirname "$0")/lib.sh"

# uapi/kn.h
CMD_GET_STATUS=1 CMD_GET_LINK=4 CMD_SET_LINK=5 CMD_GET_FDB=6
A_IFINDEX=4 A_IFNAME=5 A_LINK=6
LINK_A_AGEING_TIME_MS=1 LINK_A_FDB_MAX=2

node=kn-node
pods=(kn-pod1 kn-pod2 kn-pod3)
ips=(10.244.1.2 10.244.1.3 10.244.1.4)
gw=10.244.1.1
streams=()
kn_tmp_init

genl() { genl_at "$node" "$@"; }
# get KEY[,KEY...] [DEV]: values from KN_CMD_GET_LINK on DEV (kn0)
get() { genl --get "$1" $CMD_GET_LINK $A_IFNAME:str:"${2:-kn0}"; }
set_link() { genl $CMD_SET_LINK $A_IFNAME:str:kn0 --nest $A_LINK "$@"; }
links_in() { genl_at "$1" --get links $CMD_GET_STATUS; }

# fdb: kn0's FDB into $FDB, one JSON line per entry
fdb() {
	local line
	FDB=()
	while IFS= read -r line; do
		[[ $line == "{"* ]] && FDB+=("$line")
	done <<< "$(genl --dump --json $CMD_GET_FDB $A_IFNAME:str:kn0)"
	if [ ${#FDB[@]} -le 8 ]; then
		printf '    fdb: %s\n' "${FDB[@]}" >&2
	else
		echo "    fdb: ${#FDB[@]} entries" >&2
	fi
}
fdb_count() { echo ${#FDB[@]}; }
# fdb_port MAC: where $FDB sends MAC: a port, "local" or "none"
fdb_port() {
	local line re_flags='"flags": ([0-9]+)' re_port='"port_name": "([^"]+)"'
	for line in "${FDB[@]}"; do
		[[ $line == *"\"mac\": \"$1\""* ]] || continue
		[[ $line =~ $re_flags ]] && (( BASH_REMATCH[1] & 1 )) && { echo local; return; }
		[[ $line =~ $re_port ]] && echo "${BASH_REMATCH[1]}"
		return
	done
	echo none
}

# lnk NS DEV: `ip -j -s link show DEV` into $LNK, for jnum/jstr/jstat
lnk() { LNK=$(ip -n "$1" -j -s link show "$2"); }
jnum() { local re="\"$1\":([0-9]+)"; [[ $LNK =~ $re ]] && echo "${BASH_REMATCH[1]}"; }
jstr() { local re="\"$1\":\"([^\"]*)\""; if [[ $LNK =~ $re ]]; then echo "${BASH_REMATCH[1]}"; else echo none; fi; }
# jstat rx|tx FIELD
jstat() {
	local re="\"$1\":\\{([^}]*)\\}" re2="\"$2\":([0-9]+)"
	[[ $LNK =~ $re ]] && [[ ${BASH_REMATCH[1]} =~ $re2 ]] && echo "${BASH_REMATCH[1]}"
}

# send_frames NS DST,SRC...: raw Ethernet frames out of eth0 in NS
send_frames() {
	local ns=$1
	shift
	echo "+ frames from $ns: $*" >&2
	ip netns exec "$ns" python3 -S -c '
import socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("eth0", 0))
mac = lambda m: bytes.fromhex(m.replace(":", ""))
for frame in sys.argv[1:]:
    dst, src = frame.split(",")
    s.send(mac(dst) + mac(src) + b"\x88\xb5" + b"kn test".ljust(46, b"\0"))' "$@"
}
ping_from() { n "$1" busybox ping -c "${3:-1}" -W 5 "$2"; }

# add_pod I: pod I's veth pair, its host end a port of kn0.  No IPv6
# addresses anywhere: nothing may send frames the test does not ask for.
add_pod() {
	local i=$1 port=veth$(($1 + 1))
	echo "+ pod $((i + 1)): $port master kn0, ${ips[$i]}" >&2
	ip -n "$node" -batch - <<-EOF
		link add $port type veth peer name eth0 netns ${pods[$i]}
		link set $port addrgenmode none
		link set $port master kn0 up
	EOF
	ip -n "${pods[$i]}" -batch - <<-EOF
		link set eth0 addrgenmode none
		addr add ${ips[$i]}/24 dev eth0
		link set eth0 up
	EOF
}
create_kn0() {
	echo "+ ip -n $node link add kn0 type kn; up, $gw/24" >&2
	ip -n "$node" -batch - <<-EOF
		link add kn0 type kn
		link set kn0 addrgenmode none
		addr add $gw/24 dev kn0
		link set kn0 up
	EOF
}

kn_load
for ns in "$node" "${pods[@]}"; do netns_add "$ns"; done
genl_start

### the device: a link type, counted per namespace, several of them
create_kn0
lnk "$node" kn0
kn0_mac=$(jstr address)
expect_match "kind" "$(ip -n "$node" -d link show kn0)" "^ +kn( |$)"
expect_eq "links counted" "$(links_in "$node")" 1
pp ip -n "$node" -batch - <<< $'link add kn1 type kn\nlink add type kn'
expect_eq "several devices" "$(links_in "$node")" 3
expect_eq "only its namespace's" "$(links_in "${pods[0]}")" 0
expect_match "named kn%d" "$(ip -n "$node" -br link show type kn)" "kn2 "
expect_exit 2 ip -n "$node" link set kn0 netns "${pods[0]}"
pp ip -n "$node" link del kn2

### ports
for i in 0 1 2; do add_pod "$i"; done
for i in 0 1 2; do lnk "${pods[$i]}" eth0; pod_mac[i]=$(jstr address); done
lnk "$node" veth1
expect_eq "veth1 master" "$(jstr master)" kn0
expect_eq "ports" "$(get ports)" 3
# refused, each with its reason, changing nothing
expect_exit 2 ip -n "$node" link set lo master kn0
expect_match "loopback" "$OUT" "Error: a loopback device cannot be a kn port"
expect_exit 2 ip -n "$node" link set kn0 master kn0
expect_match "itself" "$OUT" "Error: a kn device cannot be its own port"
expect_exit 2 ip -n "$node" link set kn1 master kn0
expect_match "another kn device" "$OUT" "Error: a kn device cannot be a port of another"
pp ip -n "$node" tuntap add tun0 mode tun
expect_exit 2 ip -n "$node" link set tun0 master kn0
expect_match "not Ethernet" "$OUT" "Error: only Ethernet devices can be kn ports"
expect_eq "refusals changed nothing" "$(get ports)" 3
# a port moves between kn devices, and leaves with nomaster
pp ip -n "$node" link set veth3 master kn1
expect_eq "moved: kn0, kn1 ports" "$(get ports) $(get ports kn1)" "2 1"
pp ip -n "$node" link set veth3 nomaster
lnk "$node" veth3
expect_eq "nomaster" "$(jstr master) $(get ports kn1)" "none 0"
pp ip -n "$node" link set veth3 master kn0
# kn0's MTU follows its smallest port...
pp ip -n "$node" link set veth2 mtu 1400
lnk "$node" kn0
expect_eq "MTU follows the ports" "$(jnum mtu)" 1400
pp ip -n "$node" link set veth2 mtu 1500
lnk "$node" kn0
expect_eq "MTU follows back" "$(jnum mtu)" 1500

### pods reach each other and the node, both ways, ICMP, TCP and UDP
ping_from "${pods[0]}" "${ips[1]}"
ping_from "${pods[1]}" "${ips[2]}"
ping_from "${pods[2]}" "$gw"
ping_from "$node" "${ips[0]}"
head -c 1000000 /dev/urandom > "$tmp/data"
ip netns exec "${pods[1]}" socat -u TCP-LISTEN:5000,reuseaddr OPEN:"$tmp/pod2.rx",creat,trunc &
rx=$!
n "${pods[0]}" socat -u OPEN:"$tmp/data" TCP:"${ips[1]}":5000,retry=60,interval=0.5
wait $rx
expect_eq "TCP pod1 -> pod2" "$(sha256sum < "$tmp/pod2.rx")" "$(sha256sum < "$tmp/data")"
ip netns exec "$node" socat -u TCP-LISTEN:5000,reuseaddr OPEN:"$tmp/node.rx",creat,trunc &
rx=$!
n "${pods[2]}" socat -u OPEN:"$tmp/data" TCP:"$gw":5000,retry=60,interval=0.5
wait $rx
expect_eq "TCP pod3 -> node" "$(sha256sum < "$tmp/node.rx")" "$(sha256sum < "$tmp/data")"
# udp FROM-NS TO-NS TO-IP: one datagram, resent until the receiver is up
udp() {
	local rx tx
	echo "+ UDP $1 -> $3" >&2
	ip netns exec "$2" timeout 60 socat -u UDP-RECVFROM:5001 OPEN:"$tmp/udp.rx",creat,trunc &
	rx=$!
	(for _ in {1..100}; do echo "hello from $1"; snooze 0.5; done) |
		ip netns exec "$1" socat -u - UDP-SENDTO:"$3":5001 &
	tx=$!
	wait $rx
	kill $tx 2> /dev/null || :
	wait $tx || :
	expect_eq "UDP $1 -> $3" "$(< "$tmp/udp.rx")" "hello from $1"
}
udp "${pods[0]}" "${pods[2]}" "${ips[2]}"
udp "$node" "${pods[1]}" "${ips[1]}"

### it learned where each pod is; kn0's own address is local
fdb
for i in 0 1 2; do
	expect_eq "pod$((i + 1)) learned" "$(fdb_port "${pod_mac[$i]}")" "veth$((i + 1))"
done
expect_eq "kn0 local" "$(fdb_port "$kn0_mac")" local
expect_eq "one message per entry" "$(fdb_count)" 4
expect_eq "learned entries" "$(get fdb_entries)" 3
expect_match "age in ms" "${FDB[0]}" '"age_ms": [0-9]+'
if [ -x "$KN_CTL" ]; then
	out=$(ip netns exec "$node" "$KN_CTL" fdb show dev kn0)
	printf '    %s\n' "$out" >&2
	expect_match "kn-ctl fdb show" "$out" "${pod_mac[1]} +veth2 "
fi

### it switches: once learned, pod1 <-> pod2 unicast never reaches pod3,
### while tcpdump on kn0 (promiscuous) sees it all
fwd_before=$(get forwarded)
pair="icmp and host ${ips[0]} and host ${ips[1]}"
# capture NS DEV NAME TCPDUMP-ARGS...: tcpdump in the background into
# $tmp/NAME.pcap; returns once it listens
capture() {
	local ns=$1 dev=$2 name=$3
	shift 3
	: > "$tmp/$name.log"
	ip netns exec "$ns" timeout 60 tcpdump -n -U -i "$dev" -w "$tmp/$name.pcap" "$@" 2> "$tmp/$name.log" &
	capture_pid=$!
	capturing() { [[ $(< "$tmp/$name.log") == *"listening on"* ]]; }
	wait_for 60 capturing || fail "tcpdump on $dev did not start"
}
capture "${pods[2]}" eth0 pod3
pod3_pid=$capture_pid
capture "$node" kn0 kn0 -c 40 "$pair"
ping_from "${pods[0]}" "${ips[1]}" 20
wait $capture_pid || fail "tcpdump on kn0 did not see pod1 <-> pod2's 40 ICMP packets"
echo "ok: tcpdump on kn0 saw pod1 <-> pod2's 40 ICMP packets" >&2
kill $pod3_pid || :
wait $pod3_pid || :
expect_eq "pod3 saw none of them" "$(tcpdump -n -r "$tmp/pod3.pcap" "$pair" 2> /dev/null)" ""
fwd=$(($(get forwarded) - fwd_before))
[ "$fwd" -ge 40 ] || fail "kn0 forwarded $fwd frames for 20 pings"
echo "ok: kn0 forwarded $fwd frames for 20 pings" >&2

### ageing, and the FDB limit
# quiet pods: no neighbour probe may refresh an entry while it ages
for pod in "${pods[@]}"; do pp ip -n "$pod" neigh flush dev eth0; done
set_link $LINK_A_AGEING_TIME_MS:u32:1000
expect_eq "ageing time" "$(get ageing_time_ms)" 1000
only_local() { [ "$(get fdb_entries)" = 0 ]; }
wait_for 60 only_local || fail "learned entries did not age out"
fdb
expect_eq "the local entry stays" "$(fdb_count) $(fdb_port "$kn0_mac")" "1 local"
# one request, two settings: room for one entry, no more ageing
set_link $LINK_A_FDB_MAX:u32:1 $LINK_A_AGEING_TIME_MS:u32:300000
full_before=$(get fdb_full)
ping_from "${pods[0]}" "${ips[1]}"
read -r entries full <<< "$(get fdb_entries,fdb_full)"
expect_eq "the limit holds" "$entries" 1
[ "$full" -gt "$full_before" ] || fail "fdb_full did not count"
echo "ok: fdb_full counted $((full - full_before))" >&2
lnk "$node" kn0
genl $CMD_SET_LINK $A_IFINDEX:u32:"$(jnum ifindex)" --nest $A_LINK $LINK_A_FDB_MAX:u32:8192
expect_eq "settings back" "$(get fdb_max,ageing_time_ms)" "8192 300000"

### a MAC flood fills the table to its limit; its dump spans several reads
set_link $LINK_A_FDB_MAX:u32:500
full_before=$(get fdb_full)
echo "+ 700 frames from as many made-up addresses, from ${pods[0]}" >&2
ip netns exec "${pods[0]}" python3 -S -c '
import socket
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("eth0", 0))
for i in range(700):
    s.send(bytes.fromhex("020000000099") + bytes([2, 0, 0, 1, i >> 8, i & 255]) +
           b"\x88\xb5" + bytes(46))'
read -r entries full <<< "$(get fdb_entries,fdb_full)"
expect_eq "learned up to the limit" "$entries" 500
[ "$full" -gt "$full_before" ] || fail "fdb_full did not count the flood"
fdb
declare -A macs=()
for line in "${FDB[@]}"; do
	[[ $line == *dump_intr* ]] && fail "the table changed under the dump"
	[[ $line =~ \"mac\":\ \"([^\"]+)\" ]] && macs[${BASH_REMATCH[1]}]=1
done
expect_eq "dumped: messages, distinct addresses" "$(fdb_count) ${#macs[@]}" "501 501"
set_link $LINK_A_FDB_MAX:u32:8192

### bad requests: an errno, a message, and nothing changed
lnk "$node" veth1
expect_exit 1 genl $CMD_GET_LINK $A_IFINDEX:u32:"$(jnum ifindex)"
expect_match "not a kn device" "$OUT" "EINVAL: device is not a kn device"
expect_exit 1 genl --dump $CMD_GET_FDB $A_IFNAME:str:veth1
expect_match "dump of not a kn device" "$OUT" "EINVAL: device is not a kn device"
expect_exit 1 genl $CMD_GET_LINK $A_IFNAME:str:nosuchdev
expect_match "no such device" "$OUT" "ENODEV: no such device in this network namespace"
expect_exit 1 genl_at "${pods[0]}" $CMD_GET_LINK $A_IFNAME:str:kn0
expect_match "another namespace's kn0" "$OUT" "ENODEV"
expect_exit 1 genl $CMD_GET_LINK
expect_match "no device" "$OUT" "EINVAL: no kn device named"
expect_exit 1 genl $CMD_GET_LINK $A_IFINDEX:u32:1 $A_IFNAME:str:kn0
expect_match "both" "$OUT" "EINVAL: name the kn device by index or by name, not both"
expect_exit 1 set_link $LINK_A_AGEING_TIME_MS:u32:999
expect_match "ageing too short" "$OUT" "ERANGE: ageing time must be 1000 ms to 1 day"
expect_exit 1 set_link $LINK_A_AGEING_TIME_MS:u32:5000 $LINK_A_FDB_MAX:u32:0
expect_match "no room" "$OUT" "ERANGE: FDB limit must be 1 to 65536 entries"
expect_exit 1 set_link
expect_match "empty" "$OUT" "EINVAL: no setting to change"
expect_exit 1 set_link 9:u32:1
expect_match "unknown setting" "$OUT" "EINVAL"
expect_exit 1 set_link $LINK_A_FDB_MAX:bytes:0100
expect_match "short attribute" "$OUT" "EINVAL"
expect_eq "all that changed nothing" "$(get fdb_max,ageing_time_ms)" "8192 300000"
nobody=(ip netns exec "$node" setpriv --reuid=65534 --regid=65534 --clear-groups python3 -S "$GENL")
expect_exit 0 "${nobody[@]}" --dump $CMD_GET_FDB $A_IFNAME:str:kn0
expect_exit 1 "${nobody[@]}" $CMD_SET_LINK $A_IFNAME:str:kn0 --nest $A_LINK $LINK_A_FDB_MAX:u32:5
expect_match "unprivileged set" "$OUT" "EPERM"

### drops, by reason, and in `ip -s link`
lnk "$node" kn0
rx_dropped_before=$(jstat rx dropped)
read -r own bad hairpin <<< "$(get own_src,bad_src,hairpin)"
send_frames "${pods[0]}" "ff:ff:ff:ff:ff:ff,$kn0_mac" "ff:ff:ff:ff:ff:ff,01:00:5e:00:00:01" \
	"${pod_mac[0]},${pod_mac[0]}"
read -r own2 bad2 hairpin2 <<< "$(get own_src,bad_src,hairpin)"
expect_eq "drops: own source, multicast source, hairpin" \
	"$((own2 - own)) $((bad2 - bad)) $((hairpin2 - hairpin))" "1 1 1"
lnk "$node" kn0
expect_eq "in rx_dropped" "$(($(jstat rx dropped) - rx_dropped_before))" 3
fdb
expect_eq "kn0's address never learned on a port" "$(fdb_port "$kn0_mac")" local
# too big for the egress port; kn0's MTU set by hand stops following
pp ip -n "$node" -batch - <<< $'link set kn0 mtu 1480\nlink set veth3 mtu 1000'
lnk "$node" kn0
expect_eq "MTU set by hand stays" "$(jnum mtu)" 1480
big=$(get too_big)
expect_exit 1 ip netns exec "${pods[0]}" busybox ping -c 1 -W 2 -s 1200 "${ips[2]}"
[ "$(get too_big)" -gt "$big" ] || fail "too_big did not count"
pp ip -n "$node" -batch - <<< $'link set veth3 mtu 1500\nlink set kn0 mtu 1500'
# every drop has a reason
lnk "$node" kn0
drops=$(genl --json $CMD_GET_LINK $A_IFNAME:str:kn0)
re='"drops": \{([^}]*)\}'
[[ $drops =~ $re ]] || fail "no drops in $drops"
sum=0
for v in ${BASH_REMATCH[1]//[^0-9 ]/}; do sum=$((sum + v)); done
expect_eq "reasons add up to ip -s link's drops" "$sum" "$(($(jstat rx dropped) + $(jstat tx dropped)))"
if [ "$(jstat rx packets)" = 0 ] || [ "$(jstat tx packets)" = 0 ]; then
	fail "kn0 rx/tx counters: $LNK"
fi
pp ip -n "$node" -s link show kn0

### kn0's address can change; the local entry follows
pp ip -n "$node" link set kn0 address 02:00:00:00:01:01
fdb
expect_eq "new address local, old gone" "$(fdb_port 02:00:00:00:01:01) $(fdb_port "$kn0_mac")" "local none"
pp ip -n "${pods[0]}" neigh flush dev eth0
ping_from "${pods[0]}" "$gw"

# stream FROM-NS TO-NS TO-IP PORT: TCP from FROM to TO in the background,
# returning once a couple of MB went out of TO's port
stream() {
	local port=veth${2: -1} before
	echo "+ TCP stream $1 -> $3:$4" >&2
	lnk "$node" "$port"
	before=$(jstat tx bytes)
	ip netns exec "$2" timeout 60 socat -u TCP-LISTEN:"$4",reuseaddr /dev/null &
	streams+=($!)
	ip netns exec "$1" timeout 60 socat -u /dev/zero TCP:"$3":"$4",retry=60,interval=0.5 &
	streams+=($!)
	streaming() { lnk "$node" "$port"; [ "$(jstat tx bytes)" -gt $((before + 2000000)) ]; }
	wait_for 60 streaming || fail "no stream to $3"
}
stop_streams() {
	kill "${streams[@]}" 2> /dev/null || :
	wait "${streams[@]}" || :
	streams=()
}

### a port deleted in the middle of a transfer
stream "${pods[0]}" "${pods[1]}" "${ips[1]}" 5002
pp ip -n "$node" link del veth2
stop_streams
fdb
expect_eq "ports, and its pod's entry" "$(get ports) $(fdb_port "${pod_mac[1]}")" "2 none"
ping_from "${pods[0]}" "${ips[2]}"

### kn0 deleted with ports attached, under traffic
stream "${pods[0]}" "${pods[2]}" "${ips[2]}" 5003
pp ip -n "$node" link del kn0
stop_streams
lnk "$node" veth1
m1=$(jstr master)
lnk "$node" veth3
expect_eq "ports released" "$m1 $(jstr master)" "none none"
expect_eq "one kn device left" "$(links_in "$node")" 1
# with no port, what the host sends through kn1 has nowhere to go
pp ip -n "$node" -batch - <<-EOF
	link set kn1 addrgenmode none
	addr add 10.99.0.1/24 dev kn1
	neigh add 10.99.0.2 lladdr 02:00:00:00:99:02 dev kn1 nud permanent
	link set kn1 up
EOF
expect_exit 1 ip netns exec "$node" busybox ping -c 1 -W 1 10.99.0.2
lnk "$node" kn1
expect_eq "kn1: no_dest, tx_dropped" "$(get no_dest kn1) $(jstat tx dropped)" "1 1"

### the whole namespace deleted under traffic
create_kn0
pp ip -n "$node" -batch - <<< $'link set veth1 master kn0\nlink set veth3 master kn0'
stream "${pods[0]}" "${pods[2]}" "${ips[2]}" 5004
genl_at - --get links $CMD_GET_STATUS > /dev/null # the server leaves kn-node
pp ip netns del "$node"
stop_streams
# the pods' ends go with their peers
eth0_gone() { ! ip -n "${pods[0]}" link show eth0 > /dev/null 2>&1; }
wait_for 60 eth0_gone || fail "pod1's eth0 outlived kn-node"
echo "ok: kn-node is gone with its kn devices and ports" >&2

### rmmod with a kn device, ports and traffic; then back for the next test,
### by `ip link add ... type kn` itself when modprobe can find kn
node=kn-node2
netns_add "$node"
create_kn0
for i in 0 2; do add_pod "$i"; done
stream "${pods[0]}" "${pods[2]}" "${ips[2]}" 5005
genl_at - --get links $CMD_GET_STATUS > /dev/null
kn_unload
stop_streams
lnk "$node" veth1
expect_eq "rmmod released the ports" "$(jstr master)" none
if modprobe -n -q kn; then
	pp ip -n "$node" link add kn7 type kn
	grep -q '^kn ' /proc/modules || fail "ip link add type kn did not load kn"
	echo "ok: ip link add type kn loaded kn" >&2
else
	kn_load
fi

echo "bridge: all checks passed"
