/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KN_SETTINGS_H
#define _KN_SETTINGS_H

#include <linux/types.h>
#include <linux/rcupdate.h>
#include <linux/netlink.h>

/*
 * The per-netns settings that later features read on the packet path.  They
 * are immutable once published: an update builds a new copy and swaps the
 * pointer under RCU, so a reader never sees half of an update.
 */
struct kn_settings {
	__be32 cluster_cidr_addr;
	u8 cluster_cidr_prefix;
	u16 nodeport_min;
	u16 nodeport_max;
	u32 conntrack_max;
	u16 snat_port_min;
	u16 snat_port_max;
	bool masquerade;
	struct rcu_head rcu;
};

/* What a set request asks to change; fields are valid where @has_* is set. */
struct kn_settings_change {
	bool has_cluster_cidr;
	__be32 cluster_cidr_addr;
	u8 cluster_cidr_prefix;
	bool has_nodeport_range;
	u16 nodeport_min;
	u16 nodeport_max;
	bool has_conntrack_max;
	u32 conntrack_max;
	bool has_snat_port_range;
	u16 snat_port_min;
	u16 snat_port_max;
	bool has_masquerade;
	bool masquerade;
};

void kn_settings_init_defaults(struct kn_settings *settings);
int kn_settings_apply(struct kn_settings *settings,
		      const struct kn_settings_change *change,
		      struct netlink_ext_ack *extack);

#endif /* _KN_SETTINGS_H */
