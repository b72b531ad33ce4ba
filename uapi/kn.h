/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * kn: the Kubernetes node datapath -- generic netlink interface.
 *
 * This header is the contract between the kn module and kn-ctl.  Numbers are
 * append-only: a value, once released, never changes meaning.
 *
 * Family: KN_GENL_NAME ("kn"), version KN_GENL_VERSION.  The family is
 * netns-aware: every request acts on the network namespace of the socket that
 * sends it, and no state is shared between namespaces.
 *
 * Permissions: commands that change state need CAP_NET_ADMIN in the user
 * namespace that owns the network namespace (GENL_UNS_ADMIN_PERM); others
 * fail with EPERM.  Read-only commands are open to everyone.
 *
 * Errors: every rejection carries an errno and an extended-ack message naming
 * the attribute at fault.  Requests are validated whole before anything is
 * applied: a rejected request changes nothing.  Unknown attributes are
 * rejected (strict validation).
 *
 * KN_CMD_GET_STATUS
 *   Request:  no attributes.
 *   Reply:    KN_A_VERSION   string, the module version
 *             KN_A_STATUS    nest of KN_STATUS_A_*:
 *                 KN_STATUS_A_NETNS_COOKIE  u64, identifies the namespace
 *                 KN_STATUS_A_LINKS         u32, kn devices in the namespace
 *
 * KN_CMD_GET_SETTINGS
 *   Request:  no attributes.
 *   Reply:    KN_A_SETTINGS  nest of KN_SETTING_A_*, every setting present.
 *
 * KN_CMD_SET_SETTINGS (admin)
 *   Request:  KN_A_SETTINGS  nest of KN_SETTING_A_*; only the settings
 *             present change, the others keep their value.
 *       KN_SETTING_A_CLUSTER_CIDR_ADDR    be32 network address of the
 *       KN_SETTING_A_CLUSTER_CIDR_PREFIX  u8 (0..32)  cluster's Pod CIDR;
 *             both or neither; no host bits may be set.  Default 10.244.0.0/16.
 *       KN_SETTING_A_NODEPORT_MIN         u16 (1..65535) first and last port
 *       KN_SETTING_A_NODEPORT_MAX         u16 (1..65535) of the NodePort range,
 *             both or neither, MIN <= MAX.  Default 30000-32767.
 *       KN_SETTING_A_CONNTRACK_MAX        u32 (KN_CONNTRACK_MAX_MIN ..
 *             KN_CONNTRACK_MAX_MAX) most entries in the connection table.
 *             Default KN_CONNTRACK_MAX_DEFAULT.
 *   Reply:    none (an ack).
 *
 * kn devices: `ip link add NAME type kn` makes a virtual Ethernet
 * bridge (the node's pod bridge, conventionally "kn0"); `ip link set DEV
 * master NAME` attaches a port.  The commands below name one kn device of the
 * namespace with KN_A_IFINDEX (u32) or KN_A_IFNAME (string, < IFNAMSIZ), not
 * both; a device that does not exist or is not a kn device is rejected with
 * ENODEV or EINVAL and a message.
 *
 * KN_CMD_GET_LINK
 *   Request:  KN_A_IFINDEX or KN_A_IFNAME.
 *   Reply:    KN_A_IFINDEX, KN_A_IFNAME,
 *             KN_A_LINK        nest of KN_LINK_A_*, every setting present,
 *             KN_A_LINK_STATS  nest of KN_LINK_STATS_A_*:
 *       KN_LINK_STATS_A_PORTS        u32, attached ports
 *       KN_LINK_STATS_A_FDB_ENTRIES  u32, learned FDB entries (the local
 *             entry for the device's own address is not counted)
 *       KN_LINK_STATS_A_FDB_FULL     u64, frames whose new source address
 *             was not learned because the FDB held KN_LINK_A_FDB_MAX entries
 *       KN_LINK_STATS_A_FORWARDED    u64, frames sent out of one known port
 *       KN_LINK_STATS_A_FLOODED      u64, frames flooded to every port but
 *             the ingress one (counted once per frame, not per copy)
 *       KN_LINK_STATS_A_DROPS        nest of KN_DROP_A_*, u64 each: frames
 *             dropped, by reason.  Drops on the way in from a port add up to
 *             the device's rx_dropped, drops of frames the host sent through
 *             the device to its tx_dropped (`ip -s link`).
 *
 * KN_CMD_SET_LINK (admin)
 *   Request:  KN_A_IFINDEX or KN_A_IFNAME, and
 *             KN_A_LINK  nest of KN_LINK_A_*; only those present change.
 *       KN_LINK_A_AGEING_TIME_MS  u32 (KN_AGEING_TIME_MS_MIN ..
 *             KN_AGEING_TIME_MS_MAX): a learned entry not refreshed by a
 *             frame for this long is removed.  Default
 *             KN_AGEING_TIME_MS_DEFAULT.
 *       KN_LINK_A_FDB_MAX         u32 (KN_FDB_MAX_MIN .. KN_FDB_MAX_MAX):
 *             most learned entries.  Lowering it below the current count
 *             removes nothing; new addresses are learned again once ageing
 *             has brought the count under it.  Default KN_FDB_MAX_DEFAULT.
 *   Reply:    none (an ack).
 *
 * KN_CMD_GET_FDB (dump)
 *   Request:  KN_A_IFINDEX or KN_A_IFNAME.
 *   Reply:    one message per FDB entry, each with KN_A_IFINDEX (the kn
 *             device) and KN_A_FDB, a nest of KN_FDB_A_*:
 *       KN_FDB_A_MAC           6 bytes, the Ethernet address
 *       KN_FDB_A_PORT_IFINDEX  u32, the port frames to MAC leave through;
 *             for a local entry, the kn device itself
 *       KN_FDB_A_PORT_NAME     string, that device's name
 *       KN_FDB_A_AGE_MS        u32, ms since a frame from MAC was last seen;
 *             0 for local entries, which never age
 *       KN_FDB_A_FLAGS         u32, KN_FDB_F_*:
 *             KN_FDB_F_LOCAL  the device's own address: frames to it go up
 *                             the host's stack
 *             The dump may span several reads; when the table changed
 *             between two of them, the messages after the change carry
 *             NLM_F_DUMP_INTR and the dump should be repeated.  A request
 *             naming no kn device is answered by an NLMSG_DONE carrying the
 *             errno and the message, as is a device deleted mid-dump.
 *
 * Overlay (VXLAN, RFC 7348).  Each node owns a subnet of the cluster's Pod
 * CIDR.  A kn device with an overlay encapsulates what the host routes
 * through it towards another node's pod subnet in VXLAN over UDP, and
 * decapsulates what arrives on its UDP port and hands it up the host's
 * stack, which routes it to the pod.  The wire format is Linux's vxlan
 * driver's and flannel's: outer IPv4 + UDP (checksum zero) + 8-byte VXLAN
 * header with only the I flag, an inner Ethernet frame carrying IPv4.
 *
 * Routing is at L3, as flannel does it: for each remote node kn-ctl installs
 * the route "PREFIX via NETWORK dev kn0 onlink" and a permanent neighbour
 * NETWORK -> kn0's own address, so the host sends remote pods' packets to
 * kn0's own MAC; kn0 looks the destination IPv4 address up in its node table
 * (longest prefix) and sends the frame to that node.  Nothing answers ARP
 * for remote pods and no frame crosses the overlay but IPv4 unicast.  The
 * host's routes and neighbours are the host's: it deletes them when kn0
 * goes down or changes address, while kn's node table stays; `kn-ctl node
 * sync` puts them back.
 *
 * KN_CMD_GET_OVERLAY
 *   Request:  KN_A_IFINDEX or KN_A_IFNAME.
 *   Reply:    KN_A_IFINDEX, KN_A_IFNAME, and KN_A_OVERLAY (nest of
 *             KN_OVERLAY_A_*, every setting present) when one is set;
 *             without it the device has no overlay.
 *
 * KN_CMD_SET_OVERLAY (admin)
 *   Request:  KN_A_IFINDEX or KN_A_IFNAME, and KN_A_OVERLAY, a nest of:
 *       KN_OVERLAY_A_LOCAL  be32, this node's underlay address (the VTEP):
 *             the source of every encapsulated packet.  Unicast and not
 *             loopback (EINVAL); required
 *             when the device has no overlay yet.
 *       KN_OVERLAY_A_PORT   u16 (1..65535), the UDP port kn listens on and
 *             sends to.  Default KN_OVERLAY_PORT_DEFAULT (flannel's 8472;
 *             IANA's 4789 works too).  Two kn devices of one namespace
 *             cannot share a port (EADDRINUSE).
 *       KN_OVERLAY_A_VNI    u32 (0..KN_VNI_MAX), the VXLAN network
 *             identifier sent and the only one accepted.  Default 1.
 *             Absent attributes keep their value (or default).  A new port
 *             opens a new socket before the old one closes: a failure
 *             changes nothing.
 *   Reply:    none (an ack).
 *
 * KN_CMD_DEL_OVERLAY (admin)
 *   Request:  KN_A_IFINDEX or KN_A_IFNAME.  Closes the socket; ENOENT when
 *             the device has no overlay.  The node table stays.
 *
 * KN_CMD_NEW_NODE (admin)
 *   Request:  KN_A_IFINDEX or KN_A_IFNAME, and KN_A_NODE, a nest of:
 *       KN_NODE_A_PREFIX      be32  \ the remote node's pod subnet; no host
 *       KN_NODE_A_PREFIX_LEN  u8 (0..32) / bits may be set.
 *       KN_NODE_A_REMOTE      be32, that node's underlay address
 *             (unicast, not loopback).  A /0 is accepted here but cannot be
 *             routed the flannel way (its gateway would be 0.0.0.0), so
 *             kn-ctl refuses it.
 *       KN_NODE_A_MAC         6 bytes, optional: the inner destination MAC
 *             the remote VTEP expects (a Linux vxlan device's address, for
 *             a flannel node).  Without it kn sends one derived from
 *             REMOTE (see KN_NODE_MAC_DERIVED_0); a kn node accepts any.
 *             The same prefix twice is EEXIST (KN_CMD_REPLACE_NODE
 *             replaces).  No nlmsg_flags but REQUEST, ACK and ECHO are
 *             accepted, by any command of the family (EINVAL).  Prefixes
 *             may overlap; the longest match wins.  At most KN_NODES_MAX
 *             entries per device (ENOSPC).
 *   Reply:    none (an ack).
 *
 * KN_CMD_REPLACE_NODE (admin)
 *   As KN_CMD_NEW_NODE, but an entry with the same prefix is replaced
 *   atomically (a packet sees the old entry or the new one), and one is
 *   added when there is none.
 *
 * KN_CMD_DEL_NODE (admin)
 *   Request:  KN_A_IFINDEX or KN_A_IFNAME, and KN_A_NODE with PREFIX and
 *             PREFIX_LEN.  ENOENT when there is no such entry.
 *
 * KN_CMD_GET_NODE (dump)
 *   Request:  KN_A_IFINDEX or KN_A_IFNAME.
 *   Reply:    one message per entry with KN_A_IFINDEX and KN_A_NODE (every
 *             attribute, KN_NODE_A_MAC being the one sent, and
 *             KN_NODE_A_FLAGS, u32 of KN_NODE_F_*:
 *                 KN_NODE_F_MAC_SET  the MAC was configured, not derived),
 *             resumable and flagged NLM_F_DUMP_INTR as the FDB dump is.
 *
 * Encapsulation and decapsulation counters are in KN_A_LINK_STATS
 * (KN_LINK_STATS_A_ENCAP, _DECAP, packets) and the drops in its
 * KN_DROP_A_* nest.
 */
#ifndef _UAPI_KN_H
#define _UAPI_KN_H

#include <linux/types.h>

#define KN_GENL_NAME		"kn"
#define KN_GENL_VERSION		1

#define KN_CONNTRACK_MAX_MIN		16
#define KN_CONNTRACK_MAX_MAX		0x01000000 /* 16M */
#define KN_CONNTRACK_MAX_DEFAULT	262144

#define KN_AGEING_TIME_MS_MIN		1000		/* 1 s */
#define KN_AGEING_TIME_MS_MAX		86400000	/* 1 day */
#define KN_AGEING_TIME_MS_DEFAULT	300000		/* 5 min */
#define KN_FDB_MAX_MIN			1
#define KN_FDB_MAX_MAX			65536
#define KN_FDB_MAX_DEFAULT		8192

#define KN_OVERLAY_PORT_DEFAULT		8472
#define KN_VNI_DEFAULT			1
#define KN_VNI_MAX			0x00ffffff
#define KN_NODES_MAX			65536
/*
 * The inner destination MAC sent to a node whose VTEP MAC is not configured:
 * these two bytes (a locally administered unicast prefix) followed by the
 * node's underlay IPv4 address, 0e:6b:c0:a8:00:02 for 192.168.0.2.
 */
#define KN_NODE_MAC_DERIVED_0		0x0e
#define KN_NODE_MAC_DERIVED_1		0x6b

enum kn_cmd {
	KN_CMD_UNSPEC,
	KN_CMD_GET_STATUS,
	KN_CMD_GET_SETTINGS,
	KN_CMD_SET_SETTINGS,
	KN_CMD_GET_LINK,
	KN_CMD_SET_LINK,
	KN_CMD_GET_FDB,
	KN_CMD_GET_OVERLAY,
	KN_CMD_SET_OVERLAY,
	KN_CMD_DEL_OVERLAY,
	KN_CMD_NEW_NODE,
	KN_CMD_DEL_NODE,
	KN_CMD_GET_NODE,
	KN_CMD_REPLACE_NODE,
	__KN_CMD_LAST
};

#define KN_CMD_MAX (__KN_CMD_LAST - 1)

enum kn_attr {
	KN_A_UNSPEC,
	KN_A_VERSION,
	KN_A_STATUS,
	KN_A_SETTINGS,
	KN_A_IFINDEX,
	KN_A_IFNAME,
	KN_A_LINK,
	KN_A_LINK_STATS,
	KN_A_FDB,
	KN_A_OVERLAY,
	KN_A_NODE,
	__KN_A_LAST
};

#define KN_A_MAX (__KN_A_LAST - 1)

enum kn_status_attr {
	KN_STATUS_A_UNSPEC,
	KN_STATUS_A_NETNS_COOKIE,
	KN_STATUS_A_LINKS,
	KN_STATUS_A_PAD,
	__KN_STATUS_A_LAST
};

#define KN_STATUS_A_MAX (__KN_STATUS_A_LAST - 1)

enum kn_setting_attr {
	KN_SETTING_A_UNSPEC,
	KN_SETTING_A_CLUSTER_CIDR_ADDR,
	KN_SETTING_A_CLUSTER_CIDR_PREFIX,
	KN_SETTING_A_NODEPORT_MIN,
	KN_SETTING_A_NODEPORT_MAX,
	KN_SETTING_A_CONNTRACK_MAX,
	__KN_SETTING_A_LAST
};

#define KN_SETTING_A_MAX (__KN_SETTING_A_LAST - 1)

enum kn_link_attr {
	KN_LINK_A_UNSPEC,
	KN_LINK_A_AGEING_TIME_MS,
	KN_LINK_A_FDB_MAX,
	__KN_LINK_A_LAST
};

#define KN_LINK_A_MAX (__KN_LINK_A_LAST - 1)

enum kn_link_stats_attr {
	KN_LINK_STATS_A_UNSPEC,
	KN_LINK_STATS_A_PAD,
	KN_LINK_STATS_A_PORTS,
	KN_LINK_STATS_A_FDB_ENTRIES,
	KN_LINK_STATS_A_FDB_FULL,
	KN_LINK_STATS_A_FORWARDED,
	KN_LINK_STATS_A_FLOODED,
	KN_LINK_STATS_A_DROPS,
	KN_LINK_STATS_A_ENCAP,
	KN_LINK_STATS_A_DECAP,
	__KN_LINK_STATS_A_LAST
};

#define KN_LINK_STATS_A_MAX (__KN_LINK_STATS_A_LAST - 1)

/* Why a kn device dropped a frame; each is a u64 in KN_LINK_STATS_A_DROPS. */
enum kn_drop_attr {
	KN_DROP_A_UNSPEC,
	KN_DROP_A_PAD,
	KN_DROP_A_LINK_DOWN,	/* arrived on a port while the kn device is down */
	KN_DROP_A_BAD_SRC,	/* source address multicast or all-zero */
	KN_DROP_A_OWN_SRC,	/* source is the kn device's own address (a loop
				 * or a spoof); never learned onto a port
				 */
	KN_DROP_A_HAIRPIN,	/* destination learned on the port the frame
				 * came in on: frames never leave by their
				 * ingress port
				 */
	KN_DROP_A_PORT_DOWN,	/* destination port is down */
	KN_DROP_A_TOO_BIG,	/* longer than the egress port's MTU */
	KN_DROP_A_NO_DEST,	/* nowhere to send it: no other port is up */
	KN_DROP_A_NOMEM,	/* no memory to copy or unshare the frame */
	KN_DROP_A_RUNT,		/* the host sent less than an Ethernet header */
	KN_DROP_A_NO_NODE,	/* routed to kn0 but no node's prefix matches */
	KN_DROP_A_NO_OVERLAY,	/* a node matches but no overlay is set */
	KN_DROP_A_UNDERLAY,	/* no underlay route to the node, or it loops
				 * back through the kn device
				 */
	KN_DROP_A_VXLAN_SHORT,	/* shorter than the VXLAN + Ethernet headers */
	KN_DROP_A_VXLAN_FLAGS,	/* I flag clear or reserved bits set */
	KN_DROP_A_VXLAN_VNI,	/* a VNI other than the overlay's */
	KN_DROP_A_VXLAN_INNER,	/* inner frame not IPv4, or not unicast
				 * between valid addresses: Ethernet source
				 * multicast or zero, destination multicast;
				 * IPv4 header short or bad, either address
				 * broadcast, multicast, loopback or 0/8
				 */
	__KN_DROP_A_LAST
};

#define KN_DROP_A_MAX (__KN_DROP_A_LAST - 1)

enum kn_fdb_attr {
	KN_FDB_A_UNSPEC,
	KN_FDB_A_MAC,
	KN_FDB_A_PORT_IFINDEX,
	KN_FDB_A_PORT_NAME,
	KN_FDB_A_AGE_MS,
	KN_FDB_A_FLAGS,
	__KN_FDB_A_LAST
};

#define KN_FDB_A_MAX (__KN_FDB_A_LAST - 1)

enum kn_overlay_attr {
	KN_OVERLAY_A_UNSPEC,
	KN_OVERLAY_A_LOCAL,
	KN_OVERLAY_A_PORT,
	KN_OVERLAY_A_VNI,
	__KN_OVERLAY_A_LAST
};

#define KN_OVERLAY_A_MAX (__KN_OVERLAY_A_LAST - 1)

enum kn_node_attr {
	KN_NODE_A_UNSPEC,
	KN_NODE_A_PREFIX,
	KN_NODE_A_PREFIX_LEN,
	KN_NODE_A_REMOTE,
	KN_NODE_A_MAC,
	KN_NODE_A_FLAGS,
	__KN_NODE_A_LAST
};

#define KN_NODE_A_MAX (__KN_NODE_A_LAST - 1)

enum kn_node_flag {
	KN_NODE_F_MAC_SET = 1U << 0,
	__KN_NODE_F_ALL = KN_NODE_F_MAC_SET
};

enum kn_fdb_flag {
	KN_FDB_F_LOCAL = 1U << 0,
	__KN_FDB_F_ALL = KN_FDB_F_LOCAL
};

#endif /* _UAPI_KN_H */
