#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kn-test-timeout: 300
#
# The overlay's configuration over raw generic netlink, as any client would
# send it: every bad request is refused with its errno and an extack
# message and changes nothing; the UDP socket follows the overlay (opened,
# moved to a new port, closed with the overlay and with the device); the
# node table refuses bad prefixes and duplicates and replaces in place;
# writers need CAP_NET_ADMIN.
# Packets over the overlay are overlay.sh's business.
#
#   +--------------------------------------------------------+
#   | ovc-node                                               |
#   |   kn0 (overlay under test)    kn1 (a second, to share  |
#   |                                    or fight for ports) |
#   |   lo: not a kn device                                  |
#   +--------------------------------------------------------+
source "$(dirname "$0")/lib.sh"

# uapi/kn.h
CMD_GET_OVERLAY=7 CMD_SET_OVERLAY=8 CMD_DEL_OVERLAY=9
CMD_NEW_NODE=10 CMD_DEL_NODE=11 CMD_GET_NODE=12 CMD_REPLACE_NODE=13
A_IFNAME=5 A_OVERLAY=9 A_NODE=10
OV_LOCAL=1 OV_PORT=2 OV_VNI=3
NODE_PREFIX=1 NODE_PREFIX_LEN=2 NODE_REMOTE=3 NODE_MAC=4

node=ovc-node
kn_tmp_init
kn_load
netns_add $node
pp ip -n $node -batch - <<'IP'
link add kn0 type kn
link add kn1 type kn
link set kn0 up
link set kn1 up
IP
genl_start

set_ov() { local dev=$1; shift; echo "$CMD_SET_OVERLAY $A_IFNAME:str:$dev --nest $A_OVERLAY $*"; }
node_req() { local cmd=$1; shift; echo "$cmd $A_IFNAME:str:kn0 --nest $A_NODE $*"; }
overlay_of() { genl_at $node --get local,port,vni $CMD_GET_OVERLAY $A_IFNAME:str:"$1"; }
udp_ports() { ip netns exec $node ss -Hulnp | awk '{ sub(/.*:/, "", $4); print $4 }' | sort -n | tr '\n' ' '; }

echo "## no overlay yet"
expect_eq "kn0 overlay" "$(overlay_of kn0)" "none none none"
expect_genl $node 1 "EINVAL: a new overlay needs its local" $(set_ov kn0 $OV_PORT:u16:8472)
expect_genl $node 1 "ENOENT: the device has no overlay" $CMD_DEL_OVERLAY $A_IFNAME:str:kn0

echo "## bad values are refused by policy or by kn, with a message"
expect_genl $node 1 "EINVAL: the local VTEP address must be a unicast" $(set_ov kn0 $OV_LOCAL:be32:0xe0000001)
expect_genl $node 1 "EINVAL: the local VTEP address must be a unicast" $(set_ov kn0 $OV_LOCAL:be32:0)
expect_genl $node 1 "EINVAL: the local VTEP address must be a unicast" $(set_ov kn0 $OV_LOCAL:be32:0x7f000001)
expect_genl $node 1 "ERANGE" $(set_ov kn0 $OV_LOCAL:be32:0xc0a80001 $OV_VNI:u32:16777216)
expect_genl $node 1 "ERANGE" $(set_ov kn0 $OV_LOCAL:be32:0xc0a80001 $OV_PORT:u16:0)
expect_genl $node 1 "EINVAL" $(set_ov kn0 $OV_LOCAL:be32:0xc0a80001 9:u32:1)
expect_genl $node 1 "EINVAL: device is not a kn device" $(set_ov lo $OV_LOCAL:be32:0xc0a80001)
expect_genl $node 1 "ENODEV: no such device" $(set_ov nosuch0 $OV_LOCAL:be32:0xc0a80001)
expect_genl $node 1 "EINVAL: no KN_A_OVERLAY" $CMD_SET_OVERLAY $A_IFNAME:str:kn0
expect_eq "kn0 overlay after refusals" "$(overlay_of kn0)" "none none none"
expect_eq "UDP ports after refusals" "$(udp_ports)" ""

echo "## set: defaults, then changes keep what they do not name"
expect_genl $node 0 "^ok" $(set_ov kn0 $OV_LOCAL:be32:0xc0a80001)
expect_eq "kn0 overlay" "$(overlay_of kn0)" "192.168.0.1 8472 1"
expect_eq "UDP ports" "$(udp_ports)" "8472 "
expect_genl $node 0 "^ok" $(set_ov kn0 $OV_VNI:u32:42)
expect_eq "kn0 overlay, vni changed" "$(overlay_of kn0)" "192.168.0.1 8472 42"

echo "## two kn devices cannot share a port; a failed change changes nothing"
expect_genl $node 1 "EADDRINUSE: the overlay's UDP port is in use" $(set_ov kn1 $OV_LOCAL:be32:0xc0a80001)
expect_eq "kn1 overlay" "$(overlay_of kn1)" "none none none"
expect_genl $node 0 "^ok" $(set_ov kn1 $OV_LOCAL:be32:0xc0a80001 $OV_PORT:u16:4789)
expect_genl $node 1 "EADDRINUSE" $(set_ov kn0 $OV_PORT:u16:4789 $OV_VNI:u32:7)
expect_eq "kn0 overlay after a refused move" "$(overlay_of kn0)" "192.168.0.1 8472 42"
expect_eq "UDP ports" "$(udp_ports)" "4789 8472 "

echo "## a new port opens a new socket and closes the old one"
expect_genl $node 0 "^ok" $(set_ov kn0 $OV_PORT:u16:9000)
expect_eq "kn0 overlay" "$(overlay_of kn0)" "192.168.0.1 9000 42"
expect_eq "UDP ports" "$(udp_ports)" "4789 9000 "

echo "## node table: bad requests"
expect_genl $node 1 "EINVAL: node prefix has host bits set" \
	$(node_req $CMD_NEW_NODE $NODE_PREFIX:be32:0x0af40201 $NODE_PREFIX_LEN:u8:24 $NODE_REMOTE:be32:0xc0a80002)
expect_genl $node 1 "ERANGE" \
	$(node_req $CMD_NEW_NODE $NODE_PREFIX:be32:0x0af40200 $NODE_PREFIX_LEN:u8:33 $NODE_REMOTE:be32:0xc0a80002)
expect_genl $node 1 "EINVAL: a node needs its underlay address" \
	$(node_req $CMD_NEW_NODE $NODE_PREFIX:be32:0x0af40200 $NODE_PREFIX_LEN:u8:24)
expect_genl $node 1 "EINVAL: a node needs its prefix" \
	$(node_req $CMD_NEW_NODE $NODE_PREFIX:be32:0x0af40200 $NODE_REMOTE:be32:0xc0a80002)
expect_genl $node 1 "EINVAL: node address must be a unicast" \
	$(node_req $CMD_NEW_NODE $NODE_PREFIX:be32:0x0af40200 $NODE_PREFIX_LEN:u8:24 $NODE_REMOTE:be32:0xefffffff)
expect_genl $node 1 "EINVAL: node VTEP MAC must be a unicast" \
	$(node_req $CMD_NEW_NODE $NODE_PREFIX:be32:0x0af40200 $NODE_PREFIX_LEN:u8:24 $NODE_REMOTE:be32:0xc0a80002 $NODE_MAC:bytes:ffffffffffff)
expect_genl $node 1 "EINVAL|ERANGE" \
	$(node_req $CMD_NEW_NODE $NODE_PREFIX:be32:0x0af40200 $NODE_PREFIX_LEN:u8:24 $NODE_REMOTE:be32:0xc0a80002 $NODE_MAC:bytes:0211223344)
expect_eq "nodes after refusals" "$(genl_at $node --dump $CMD_GET_NODE $A_IFNAME:str:kn0)" "ok"

echo "## node table: add, duplicate, dump, delete"
expect_genl $node 0 "^ok" \
	$(node_req $CMD_NEW_NODE $NODE_PREFIX:be32:0x0af40200 $NODE_PREFIX_LEN:u8:24 $NODE_REMOTE:be32:0xc0a80002)
expect_genl $node 0 "^ok" \
	$(node_req $CMD_NEW_NODE $NODE_PREFIX:be32:0x0af40300 $NODE_PREFIX_LEN:u8:24 $NODE_REMOTE:be32:0xc0a80003 $NODE_MAC:bytes:021122334455)
expect_genl $node 1 "EEXIST: a node with this prefix exists" \
	$(node_req $CMD_NEW_NODE $NODE_PREFIX:be32:0x0af40200 $NODE_PREFIX_LEN:u8:24 $NODE_REMOTE:be32:0xc0a80009)
dump=$(genl_at $node --json --dump $CMD_GET_NODE $A_IFNAME:str:kn0)
expect_match "node dump" "$dump" '"prefix": "10.244.2.0", "prefix_len": 24, "remote": "192.168.0.2", "mac": "0e:6b:c0:a8:00:02", "flags": 0'
expect_match "node dump" "$dump" '"prefix": "10.244.3.0", "prefix_len": 24, "remote": "192.168.0.3", "mac": "02:11:22:33:44:55", "flags": 1'
expect_eq "node dump entries" "$(grep -c '"node"' <<<"$dump")" 2
expect_genl $node 0 "^ok" \
	$(node_req $CMD_REPLACE_NODE $NODE_PREFIX:be32:0x0af40300 $NODE_PREFIX_LEN:u8:24 $NODE_REMOTE:be32:0xc0a80009)
dump=$(genl_at $node --json --dump $CMD_GET_NODE $A_IFNAME:str:kn0)
expect_match "node dump after replace" "$dump" '"prefix": "10.244.3.0", "prefix_len": 24, "remote": "192.168.0.9", "mac": "0e:6b:c0:a8:00:09", "flags": 0'
expect_eq "node dump entries after replace" "$(grep -c '"node"' <<<"$dump")" 2
expect_genl $node 1 "ENOENT: no node with this prefix" \
	$(node_req $CMD_DEL_NODE $NODE_PREFIX:be32:0x0af40200 $NODE_PREFIX_LEN:u8:23)
expect_genl $node 0 "^ok" $(node_req $CMD_DEL_NODE $NODE_PREFIX:be32:0x0af40200 $NODE_PREFIX_LEN:u8:24)
expect_genl $node 1 "ENOENT" $(node_req $CMD_DEL_NODE $NODE_PREFIX:be32:0x0af40200 $NODE_PREFIX_LEN:u8:24)
expect_genl $node 1 "ENODEV|EINVAL" --dump $CMD_GET_NODE $A_IFNAME:str:lo

echo "## writers need CAP_NET_ADMIN; readers do not"
expect_exit 1 ip netns exec $node setpriv --reuid=65534 --regid=65534 --clear-groups \
	python3 -S "$GENL" $(set_ov kn0 $OV_VNI:u32:5)
expect_match "unprivileged set" "$OUT" "EPERM"
expect_eq "kn0 overlay after EPERM" "$(overlay_of kn0)" "192.168.0.1 9000 42"

echo "## delete: the overlay and its socket go; the device can go with both"
expect_genl $node 0 "^ok" $CMD_DEL_OVERLAY $A_IFNAME:str:kn1
expect_eq "UDP ports" "$(udp_ports)" "9000 "
expect_eq "kn1 overlay" "$(overlay_of kn1)" "none none none"
pp ip -n $node link del kn0
expect_eq "UDP ports after kn0 deleted" "$(udp_ports)" ""
# a namespace going away with an overlay and nodes set leaves nothing
expect_genl $node 0 "^ok" $(set_ov kn1 $OV_LOCAL:be32:0xc0a80001)
expect_genl $node 0 "^ok" \
	$(echo "$CMD_NEW_NODE $A_IFNAME:str:kn1 --nest $A_NODE $NODE_PREFIX:be32:0x0af40200 $NODE_PREFIX_LEN:u8:24 $NODE_REMOTE:be32:0xc0a80002")
pp ip netns del $node
echo "PASS: overlay configuration"
