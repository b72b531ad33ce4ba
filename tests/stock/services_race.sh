#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kn-test-timeout: 600
# The parallel-UDP race on two real CPUs (the debug test kernel boots with
# one): glibc's resolver sends its A and AAAA queries from one socket at
# once, and the two datagrams of that new flow can meet kn on two CPUs at
# the same time.  Both must be answered, by the same backend (the second
# takes the first's entry at insert: a "clash" in `conntrack stats`).
#
# One kn node, a client pod and two backend pods on kn0, a UDP service with
# both backends; pairs of datagrams sent by two threads pinned to the two
# CPUs, released together by a barrier.  The test fails if a pair is split
# between backends or loses a datagram, and also if in all its pairs the
# race never happened (no clash counted): then it proved nothing.
KN_KO=${KN_KO:-$(cd "$(dirname "$0")/../.." && pwd)/build/stock/kn.ko}
source "$(dirname "$0")/../netns/lib.sh"

[ "$(nproc)" -ge 2 ] || fail "$(nproc) CPU: the race needs two"
grep -q '^kn ' /proc/modules && fail "kn loaded before the test"
kn_tmp_init
kn_load
# the servers go before their namespaces, kn after both (the stock VM's
# next script may want kn unloaded)
servers=()
finish() {
	[ ${#servers[@]} = 0 ] || kill "${servers[@]}" 2> /dev/null
	wait
	cleanup
	# deleted namespaces let go of kn0 a moment later
	wait_for 20 rmmod kn 2> /dev/null || echo "kn is still loaded" >&2
}
trap finish EXIT
netns_del_prefix race-
node=race-node
netns_add "$node"
ip -n "$node" -batch - <<-EOF
	link add kn0 type kn
	link set kn0 addrgenmode none
	addr add 10.244.1.1/24 dev kn0
	link set kn0 up
EOF
ip netns exec "$node" sysctl -qw net.ipv4.ip_forward=1
declare -A addr=([race-c]=10.244.1.2 [race-b1]=10.244.1.3 [race-b2]=10.244.1.4)
for pod in race-c race-b1 race-b2; do
	netns_add "$pod"
	ip -n "$node" link add "v-${pod#race-}" type veth peer name eth0 netns "$pod"
	ip -n "$node" link set "v-${pod#race-}" master kn0 up
	ip -n "$pod" addr add "${addr[$pod]}/24" dev eth0
	ip -n "$pod" link set eth0 up
	ip -n "$pod" link set lo up
	ip -n "$pod" route add default via 10.244.1.1
done
vip=10.96.0.53
kn() { pp ip netns exec "$node" "$KN_CTL" "$@"; }
kn service add "$vip:53/udp"
kn backend add "$vip:53/udp" "${addr[race-b1]}:5353"
kn backend add "$vip:53/udp" "${addr[race-b2]}:5353"

# each backend answers every datagram with its name and what it got
for b in race-b1 race-b2; do
	ip netns exec "$b" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 5353))
print("ready", flush=True)
while True:
    data, peer = s.recvfrom(512)
    s.sendto(sys.argv[1].encode() + b" " + data, peer)
' "$b" > "$tmp/$b.out" 2>&1 &
	servers+=($!)
done
for b in race-b1 race-b2; do
	wait_for 20 grep -q ready "$tmp/$b.out" || fail "$b's server did not start"
done

# pairs N: N flows of two datagrams sent at once; prints "split S lost L"
pairs() {
	ip netns exec race-c python3 - "$vip" "$1" <<-'EOF'
	import os, socket, sys, threading
	vip, n = sys.argv[1], int(sys.argv[2])
	cpus = sorted(os.sched_getaffinity(0))[:2]
	go, sent = threading.Barrier(3, timeout=60), threading.Barrier(3, timeout=60)
	box = {}

	def worker(k):
	    os.sched_setaffinity(0, {cpus[k]})
	    while True:
	        go.wait()
	        if box.get("end"):
	            return
	        box["s"].send(b"%d.%d" % (box["i"], k))
	        sent.wait()

	for k in (0, 1):
	    threading.Thread(target=worker, args=(k,), daemon=True).start()
	split = lost = 0
	for i in range(n):
	    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
	    s.connect((vip, 53))
	    box["s"], box["i"] = s, i
	    go.wait()
	    sent.wait()
	    who, got = set(), []
	    for _ in (0, 1):
	        # an answer later than 2 s is late (the VM shares its CPUs), not
	        # lost: only one that never comes in 20 s is
	        for wait in (2, 18):
	            s.settimeout(wait)
	            try:
	                got.append(s.recv(512).decode())
	                who.add(got[-1].split()[0])
	                break
	            except socket.timeout:
	                print("pair %d: %s after %d s more" % (i, got, wait), file=sys.stderr)
	        else:
	            lost += 1
	    split += len(who) > 1
	    s.close()
	box["end"] = True
	go.wait()
	print("split", split, "lost", lost)
	EOF
}

clashes() {
	ip netns exec "$node" "$KN_CTL" -j conntrack stats | python3 -c 'import json, sys; print(json.load(sys.stdin)["clashes"])'
}

total=0 split=0 lost=0 clash=0
for round in 1 2 3 4; do
	read -r _ s _ l <<< "$(pairs 500)" || fail "the client failed"
	total=$((total + 500)) split=$((split + s)) lost=$((lost + l))
	clash=$(clashes)
	echo "round $round: $total pairs, $split split, $lost lost, $clash clashes so far" >&2
	[ "$split" = 0 ] && [ "$lost" = 0 ] ||
		fail "$split of $total pairs split between backends, $lost datagrams lost;" \
			"$(ip netns exec "$node" "$KN_CTL" conntrack stats | tr '\n' ' ')"
	[ "$clash" = 0 ] || break
done
[ "$clash" -gt 0 ] || fail "no clash in $total pairs: the two datagrams never met at insert, so the race was not tested"
echo "services_race: $total pairs on two CPUs, none split or lost; the race happened $clash times"
