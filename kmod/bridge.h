/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KN_BRIDGE_H
#define _KN_BRIDGE_H

#include <linux/netdevice.h>
#include <linux/u64_stats_sync.h>
#include <linux/workqueue.h>
#include <net/gro_cells.h>

#include "uapi/kn.h"
#include "fdb.h"
#include "nodes.h"
#include "overlay.h"

#define KN_LINK_KIND "kn"

/*
 * DOC: Locking
 *
 * A kn device ("kn0") is a struct kn_bridge in its net_device's private
 * area; its ports are struct kn_port hanging off the port devices'
 * rx_handler_data.
 *
 * RTNL serializes every change of the device and of its port list: creating
 * and deleting the device (rtnl_link_ops, ndo_init/ndo_uninit), attaching
 * and detaching ports (ndo_add_slave/ndo_del_slave and the netdevice
 * notifier), open/stop, MTU and address changes, and KN_CMD_SET_LINK, which
 * takes RTNL for that reason.  @ports is an RCU list: writers hold RTNL,
 * the packet path reads it under rcu_read_lock().
 *
 * The packet path -- a port's rx_handler (softirq) and ndo_start_xmit (BHs
 * off) -- takes no lock but the FDB's, and that one only to add, move or
 * delete an entry (see fdb.c).  What it reaches through RCU stays valid
 * until it drops rcu_read_lock():
 *   - a port is unlinked from @ports, its rx_handler unregistered (which
 *     waits for running handlers), its FDB entries deleted, and only after a
 *     grace period freed and its device reference dropped (kn_port_del());
 *   - FDB entries are freed after a grace period;
 *   - the device itself is freed only after the core's own grace periods,
 *     and only once its ports are gone.
 *
 * Counters are per CPU and only ever written with BHs off.
 *
 * The overlay (overlay.c) and the node table (nodes.c) change under RTNL
 * too (KN_CMD_SET_OVERLAY, KN_CMD_NEW_NODE...); @overlay is published
 * whole under RCU, and the packet path reads both under rcu_read_lock().
 * The overlay's socket is closed only after a grace period has passed
 * since it was unpublished, and before the device goes.
 *
 * Lock order: RTNL, then the FDB lock.  kn_net.config_lock is not taken by
 * any of this.
 */
struct kn_bridge {
	struct net_device *dev;
	struct list_head ports;		/* of kn_port; RCU, RTNL to change */
	u32 n_ports;			/* RTNL; READ_ONCE outside it */
	u32 ageing_time_ms;		/* as set; RTNL, READ_ONCE outside */
	bool mtu_set_by_user;		/* RTNL */
	struct kn_fdb fdb;
	struct delayed_work gc_work;	/* FDB ageing, runs while up */
	struct kn_bridge_stats __percpu *stats;
	struct kn_overlay __rcu *overlay;	/* NULL: none; RTNL to change */
	struct kn_nodes nodes;			/* RTNL to change */
	struct gro_cells gro_cells;		/* decapsulated packets go up here */
};

/* Per-CPU counters; see ndo_get_stats64 and KN_A_LINK_STATS. */
enum kn_stat {
	KN_STAT_RX_PACKETS,	/* delivered up the host's stack */
	KN_STAT_RX_BYTES,
	KN_STAT_TX_PACKETS,	/* sent by the host through the device */
	KN_STAT_TX_BYTES,
	KN_STAT_RX_DROPPED,
	KN_STAT_TX_DROPPED,
	KN_STAT_FORWARDED,
	KN_STAT_FLOODED,
	KN_STAT_FDB_FULL,
	KN_STAT_ENCAP,		/* frames sent to a node over the overlay */
	KN_STAT_DECAP,		/* frames received from the overlay */
	KN_STAT_DROP,		/* + enum kn_drop_attr: drops by reason */
	__KN_STAT_LAST = KN_STAT_DROP + KN_DROP_A_MAX + 1
};

struct kn_bridge_stats {
	u64_stats_t c[__KN_STAT_LAST];
	struct u64_stats_sync syncp;
};

/* The sum of every CPU's counters. */
struct kn_bridge_totals {
	u64 c[__KN_STAT_LAST];
};

/* A KN_CMD_SET_LINK request; fields are valid where @has_* is set. */
struct kn_link_change {
	bool has_ageing_time;
	u32 ageing_time_ms;
	bool has_fdb_max;
	u32 fdb_max;
};

bool kn_dev_is_bridge(const struct net_device *dev);

/* The kn device @dev, or NULL when @dev is not one. */
static inline struct kn_bridge *kn_bridge_from_dev(struct net_device *dev)
{
	return kn_dev_is_bridge(dev) ? netdev_priv(dev) : NULL;
}

void kn_bridge_mtu_auto(struct kn_bridge *br);
void kn_bridge_read_stats(struct kn_bridge *br, struct kn_bridge_totals *t);
int kn_link_change_check(const struct kn_link_change *change,
			 struct netlink_ext_ack *extack);
void kn_bridge_apply(struct kn_bridge *br, const struct kn_link_change *change);

/* Counter updates, with BHs off (the packet path). */
static inline void kn_bridge_count(struct kn_bridge *br, enum kn_stat stat,
				   enum kn_stat bytes_stat, unsigned int bytes)
{
	struct kn_bridge_stats *s = this_cpu_ptr(br->stats);

	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->c[stat]);
	if (bytes)
		u64_stats_add(&s->c[bytes_stat], bytes);
	u64_stats_update_end(&s->syncp);
}

static inline void kn_bridge_count_drop(struct kn_bridge *br,
					enum kn_drop_attr reason, bool tx)
{
	struct kn_bridge_stats *s = this_cpu_ptr(br->stats);

	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->c[KN_STAT_DROP + reason]);
	u64_stats_inc(&s->c[tx ? KN_STAT_TX_DROPPED : KN_STAT_RX_DROPPED]);
	u64_stats_update_end(&s->syncp);
}

int kn_bridge_init(void);
void kn_bridge_uninit(void);

#endif /* _KN_BRIDGE_H */
