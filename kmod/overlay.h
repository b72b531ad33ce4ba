/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KN_OVERLAY_H
#define _KN_OVERLAY_H

#include <linux/netdevice.h>
#include <linux/types.h>

struct kn_bridge;
struct socket;

/*
 * The overlay of a kn device: its UDP tunnel socket and what it sends.
 * Immutable once published in kn_bridge.overlay; a change publishes a new
 * copy (under RTNL) and the old one goes after a grace period.
 */
struct kn_overlay {
	struct socket *sock;	/* bound to INADDR_ANY:@port */
	__be32 local;		/* the VTEP: outer source address */
	__be16 port;		/* outer UDP destination port */
	u32 vni;
	struct rcu_head rcu;
};

/* A KN_CMD_SET_OVERLAY request; fields are valid where @has_* is set. */
struct kn_overlay_change {
	bool has_local;
	__be32 local;
	bool has_port;
	u16 port;
	bool has_vni;
	u32 vni;
};

int kn_overlay_set(struct kn_bridge *br, const struct kn_overlay_change *change,
		   struct netlink_ext_ack *extack);
int kn_overlay_del(struct kn_bridge *br, struct netlink_ext_ack *extack);
netdev_tx_t kn_overlay_xmit(struct kn_bridge *br, struct sk_buff *skb);

#endif /* _KN_OVERLAY_H */
