#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Pods set up on kn0 the way kubelet and a CNI plugin do it, with
# "kn-ctl pod add/del/list": each pod gets its own network namespace, a veth
# into kn0, a unique address of kn0's subnet and a default route via kn0;
# pods reach each other and the node; fifty pods and eight concurrent adds
# never share an address; "ip" picks one and refuses a taken one; a full
# subnet fails and changes nothing; del releases the address, and del of an
# unknown pod succeeds; the allocations, on disk, survive the module's
# reload; pod add refuses to run where the pod's namespace would not be seen.
#
#   +--------+ +--------+ +--------+ +--------+    +--------+      +--------+
#   | knp-a  | | knp-b  | | knp-c01| | knp-w1 |    | knp-s  |      | knp-f1 |
#   | eth0   | | eth0   | | ..c50  | | ..w8   |    | eth0   |      | ..f5   |
#   | .2     | | .3     | | eth0   | | eth0   |    | .200   |      | eth0   |
#   +---|----+ +---|----+ +---|----+ +---|----+    +---|----+      +---|----+
#       | veth     |          |          |             |               |
#   +---|----------|----------|----------|-------------|---+   +-------|--------+
#   |   vethXXXXXXXX: one host end per pod, ports of kn0   |   |  ports of kn0  |
#   |                 kn0  10.244.1.1/24                   |   | kn0 .9.1/29    |
#   | knp-node                  state: $state/node1        |   | knp-node2      |
#   +------------------------------------------------------+   | $state/node2   |
#                                                              +----------------+
#
# BRIDGE_KIND=kn (the default) makes kn0 with "ip link add kn0 type kn";
# BRIDGE_KIND=bridge makes it a Linux bridge, which proves the userspace
# side on any host (the module reload is then a delete and re-create of
# the bridge).  kn-ctl runs in the node's namespace through nsenter: "ip
# netns exec" would mount the pods' namespaces in a private mount namespace.
source "$(dirname "$0")/lib.sh"

BRIDGE_KIND=${BRIDGE_KIND:-kn}
node=knp-node
node2=knp-node2
gw=10.244.1.1
state=$(mktemp -d /tmp/kn-pods.XXXXXX)
state1=$state/node1
state2=$state/node2

case "$BRIDGE_KIND" in
kn | bridge) ;;
*) fail "BRIDGE_KIND must be kn or bridge, not '$BRIDGE_KIND'" ;;
esac

# k1 ARGS...: kn-ctl in node 1 with its state directory; k2 for node 2.
k1() { pp nsenter --net="/run/netns/$node" "$KN_CTL" --state-dir "$state1" "$@"; }
k2() { pp nsenter --net="/run/netns/$node2" "$KN_CTL" --state-dir "$state2" "$@"; }
# The same without the echo, for loops.
k1q() { nsenter --net="/run/netns/$node" "$KN_CTL" --state-dir "$state1" "$@"; }
ping_ok() { pp ip netns exec "$1" busybox ping -c 1 -W 3 "$2" > /dev/null; }
# pod_rows: "NAME ADDRESS HOST_DEV MAC" per pod of node 1, from pod list
# (awk, not python: in the TCG guest every python3 start costs seconds)
pod_rows() { k1q pod list | awk 'NR > 1 { print $1, $2, $4, $3 }'; }
# The same rows from pod list -j.
pod_rows_json() {
	k1q -j pod list | python3 -c 'import json, sys
for p in json.load(sys.stdin):
    print(p["name"], p.get("address", "-"), p.get("host_dev", "-"), p.get("mac", "-"))'
}
# pod_field NAME address|host_dev|mac
pod_field() {
	local column
	case "$2" in address) column=2 ;; host_dev) column=3 ;; mac) column=4 ;; esac
	pod_rows | awk -v name="$1" -v c="$column" '$1 == name { print $c }'
}
eth0_addr() { ip -n "$1" -4 -o addr show dev eth0 | awk '{ print $4 }'; }
mtu_of() { ip -n "$1" -o link show dev "$2" | sed -n 's/.* mtu \([0-9]*\) .*/\1/p'; }
mac_of() { ip -n "$1" -o link show dev "$2" | sed -n 's/.* link\/ether \([0-9a-f:]*\) .*/\1/p'; }
# Address files of a state directory, one line each, sorted.
allocations() { find "$1/ipam" -type f ! -name last-reserved 2> /dev/null | sort; }
# Node 1 has WANT pods, each with its own address, none reserved, each on disk.
expect_unique_addresses() {
	local want=$1 rows
	rows=$(pod_rows)
	expect_eq "pods listed" "$(wc -l <<<"$rows")" "$want"
	expect_eq "distinct addresses" "$(awk '{ print $2 }' <<<"$rows" | sort -u | wc -l)" "$want"
	expect_eq "addresses that are .0, .1 or .255" \
		"$(awk '$2 ~ /\.(0|1|255)$/ { print $2 }' <<<"$rows")" ""
	expect_eq "address files" "$(allocations "$state1" | wc -l)" "$want"
}

make_kn0() { # NETNS ADDRESS/PREFIX
	if [ "$BRIDGE_KIND" = kn ]; then
		if ! OUT=$(ip -n "$1" link add kn0 type kn 2>&1); then
			if grep -q "Unknown device type" <<<"$OUT"; then
				echo "SKIP: this kn module has no link type \"kn\" yet;" \
					"BRIDGE_KIND=bridge runs these checks on a Linux bridge"
				exit 4
			fi
			fail "ip link add kn0 type kn: $OUT"
		fi
	else
		pp ip -n "$1" link add kn0 type bridge
	fi
	pp ip -n "$1" addr add "$2" dev kn0
	pp ip -n "$1" link set kn0 up
}

# Deletes every pod the test made, then what lib.sh's cleanup removes.
pods_cleanup() {
	local dir record ns
	set +e
	for dir in "$state1" "$state2"; do
		for record in "$dir"/pods/*; do
			[ -e "$record" ] && "$KN_CTL" --state-dir "$dir" pod del "$(basename "$record")"
		done
	done
	for ns in /run/netns/knp-*; do
		[ -e "$ns" ] && ip netns del "$(basename "$ns")"
	done
	rm -rf "$state"
	cleanup
}
trap pods_cleanup EXIT

[ "$BRIDGE_KIND" = kn ] && kn_load
# Leftovers of an earlier run that was killed.
for ns in /run/netns/knp-*; do
	[ -e "$ns" ] && ip netns del "$(basename "$ns")"
done
netns_add "$node"
netns_add "$node2"
make_kn0 "$node" "$gw/24"
make_kn0 "$node2" 10.244.9.1/29

echo "== two pods reach each other and kn0"
k1 pod add knp-a dev kn0
k1 pod add knp-b dev kn0
expect_eq "knp-a eth0" "$(eth0_addr knp-a)" 10.244.1.2/24
expect_eq "knp-b eth0" "$(eth0_addr knp-b)" 10.244.1.3/24
expect_match "knp-a default route" "$(ip -n knp-a route show default)" "^default via $gw dev eth0"
host_a=$(pod_field knp-a host_dev)
expect_match "knp-a host end" "$host_a" "^veth[0-9a-f]{8}$"
expect_match "knp-a host end is a port of kn0" "$(ip -n "$node" link show dev "$host_a")" "master kn0 "
expect_eq "knp-a eth0 MTU" "$(mtu_of knp-a eth0)" 1450
expect_eq "knp-a host end MTU" "$(mtu_of "$node" "$host_a")" 1450
expect_eq "listed MAC is eth0's" "$(pod_field knp-a mac)" "$(mac_of knp-a eth0)"
expect_match "pod list" "$(k1 pod list)" "knp-b +10\.244\.1\.3 +([0-9a-f]{2}:){5}[0-9a-f]{2} +veth[0-9a-f]{8}"
expect_eq "pod list -j says what pod list says" "$(pod_rows_json)" "$(pod_rows)"
ping_ok knp-a 10.244.1.3
ping_ok knp-b 10.244.1.2
ping_ok knp-a "$gw"
ping_ok knp-b "$gw"

echo "== a name that is taken is refused, and the pod keeps working"
expect_exit 1 k1 pod add knp-a dev kn0
expect_match "duplicate name" "$OUT" "pod knp-a exists already"
expect_eq "knp-a keeps its address" "$(eth0_addr knp-a)" 10.244.1.2/24
ping_ok knp-a 10.244.1.3

echo "== pod add under ip netns exec is refused: the pod would be mounted for it alone"
expect_exit 1 ip netns exec "$node" "$KN_CTL" --state-dir "$state1" pod add knp-x dev kn0
expect_match "ip netns exec" "$OUT" "/run/netns is a slave mount here"
if [ -e /run/netns/knp-x ] || [ -e "$state1/pods/knp-x" ]; then
	fail "a refused pod add left knp-x behind"
fi

echo "== fifty pods on one bridge, each with its own address"
for i in $(seq -w 1 50); do
	k1q pod add "knp-c$i" dev kn0 || fail "pod add knp-c$i"
done
expect_unique_addresses 52
while read -r name addr _; do
	[ "$(eth0_addr "$name")" = "$addr/24" ] ||
		fail "$name: eth0 has '$(eth0_addr "$name")', pod list says $addr"
done < <(pod_rows)
echo "ok: every pod's eth0 has the address pod list shows" >&2
expect_eq "ports of kn0" "$(ip -n "$node" -o link show master kn0 | wc -l)" 52
ping_ok knp-c50 10.244.1.2
ping_ok knp-c01 "$gw"

echo "== eight concurrent pod adds get eight different addresses"
pids=()
for i in $(seq 1 8); do
	k1q pod add "knp-w$i" dev kn0 &
	pids+=($!)
done
for pid in "${pids[@]}"; do
	wait "$pid" || fail "a concurrent pod add failed"
done
expect_unique_addresses 60
ping_ok knp-w8 "$(pod_field knp-w1 address)"

echo "== ip picks an address; a taken, reserved or foreign one is refused"
k1 pod add knp-s dev kn0 ip 10.244.1.200 mtu 1400
expect_eq "knp-s eth0" "$(eth0_addr knp-s)" 10.244.1.200/24
expect_eq "mtu 1400" "$(mtu_of knp-s eth0)" 1400
ping_ok knp-s 10.244.1.2
expect_exit 1 k1 pod add knp-s2 dev kn0 ip 10.244.1.200
expect_match "taken address" "$OUT" "address 10\.244\.1\.200 is taken by pod knp-s"
expect_exit 1 k1 pod add knp-s2 dev kn0 ip "$gw"
expect_match "gateway" "$OUT" "the bridge's own address"
expect_exit 1 k1 pod add knp-s2 dev kn0 ip 10.244.1.255
expect_match "broadcast" "$OUT" "broadcast address"
expect_exit 1 k1 pod add knp-s2 dev kn0 ip 10.244.2.7
expect_match "outside" "$OUT" "is not in the subnet 10\.244\.1\.0/24"
expect_exit 2 k1 pod add knp-s2 dev kn0 ip 10.244.1
expect_match "malformed" "$OUT" "is not an IPv4 address"
if [ -e /run/netns/knp-s2 ] || [ -e "$state1/pods/knp-s2" ]; then
	fail "a refused pod add left knp-s2 behind"
fi
expect_unique_addresses 61

echo "== a full subnet fails and changes nothing"
for i in 1 2 3 4 5; do
	k2 pod add "knp-f$i" dev kn0
done
expect_eq "knp-f5 gets the last address" "$(eth0_addr knp-f5)" 10.244.9.6/29
files_before=$(find "$state" | sort)
links_before=$(ip -n "$node2" -o link | wc -l)
netns_before=$(ls /run/netns)
expect_exit 1 k2 pod add knp-f6 dev kn0
expect_match "full subnet" "$OUT" "no free address in 10\.244\.9\.0/29, the subnet of kn0: all 5 are taken"
expect_eq "files after a full subnet" "$(find "$state" | sort)" "$files_before"
expect_eq "links after a full subnet" "$(ip -n "$node2" -o link | wc -l)" "$links_before"
expect_eq "namespaces after a full subnet" "$(ls /run/netns)" "$netns_before"

echo "== pod del releases the address; del of an unknown pod succeeds"
addr_b=$(pod_field knp-b address)
host_b=$(pod_field knp-b host_dev)
k1 pod del knp-b
[ ! -e /run/netns/knp-b ] || fail "/run/netns/knp-b is still there"
ip -n "$node" link show dev "$host_b" > /dev/null 2>&1 && fail "$host_b is still on the node"
[ ! -e "$state1/ipam/10.244.1.0_24/$addr_b" ] || fail "$addr_b is still allocated"
[ ! -e "$state1/pods/knp-b" ] || fail "knp-b's record is still there"
expect_unique_addresses 60
expect_exit 0 k1 pod del knp-b
expect_exit 0 k1q pod del knp-nobody
expect_eq "del of an unknown pod is silent" "$OUT" ""
k1 pod add knp-b2 dev kn0 ip "$addr_b"
expect_eq "the released address is free again" "$(eth0_addr knp-b2)" "$addr_b/24"
ping_ok knp-b2 10.244.1.2
# Freed on node 2 too: the full subnet has room for one again.
k2 pod del knp-f3
k2 pod add knp-f6 dev kn0
expect_eq "knp-f6 takes the freed address" "$(eth0_addr knp-f6)" 10.244.9.4/29

echo "== the allocations survive the module's reload"
in_use=$(allocations "$state1")
if [ "$BRIDGE_KIND" = kn ]; then
	# Namespaces being torn down may hold the module for a moment.
	for i in $(seq 50); do
		rmmod kn 2> /dev/null && break
		sleep 0.2
	done
	grep -q '^kn ' /proc/modules && fail "rmmod kn: still loaded"
	kn_load
else
	pp ip -n "$node" link del kn0
fi
ip -n "$node" link show kn0 > /dev/null 2>&1 && fail "kn0 outlived the module"
make_kn0 "$node" "$gw/24"
k1 pod add knp-r dev kn0
addr_r=$(pod_field knp-r address)
grep -qx "$state1/ipam/10.244.1.0_24/$addr_r" <<<"$in_use" &&
	fail "knp-r got $addr_r, which a pod still holds"
echo "ok: knp-r got $addr_r, free before the reload" >&2
expect_unique_addresses 62
ping_ok knp-r "$gw"

echo "== deleting every pod leaves no pod state"
for record in "$state1"/pods/* "$state2"/pods/*; do
	[ -e "$record" ] || continue
	dir=$(dirname "$(dirname "$record")")
	"$KN_CTL" --state-dir "$dir" pod del "$(basename "$record")" || fail "pod del $(basename "$record")"
done
expect_eq "pods left" "$(k1q pod list | tail -n +2)" ""
expect_eq "allocations left" "$(allocations "$state1")$(allocations "$state2")" ""
expect_eq "pod namespaces left" \
	"$(find /run/netns -maxdepth 1 -name 'knp-*' ! -name 'knp-node*')" ""
expect_eq "ports of kn0 left" "$(ip -n "$node" -o link show master kn0 | wc -l)" 0
echo "pods: all checks passed"
