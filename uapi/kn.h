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

enum kn_cmd {
	KN_CMD_UNSPEC,
	KN_CMD_GET_STATUS,
	KN_CMD_GET_SETTINGS,
	KN_CMD_SET_SETTINGS,
	KN_CMD_GET_LINK,
	KN_CMD_SET_LINK,
	KN_CMD_GET_FDB,
	__KN_CMD_MAX
};

#define KN_CMD_MAX (__KN_CMD_MAX - 1)

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

enum kn_fdb_flag {
	KN_FDB_F_LOCAL = 1U << 0,
	__KN_FDB_F_ALL = KN_FDB_F_LOCAL
};

#endif /* _UAPI_KN_H */
