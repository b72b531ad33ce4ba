/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KN_PORT_H
#define _KN_PORT_H

#include <linux/netdevice.h>

struct kn_bridge;

/*
 * A device attached to a kn device.  Lives from kn_port_add() until a grace
 * period after kn_port_del(); holds a tracked reference on @dev all along.
 */
struct kn_port {
	struct list_head list;		/* in kn_bridge.ports */
	struct kn_bridge *br;
	struct net_device *dev;
	netdevice_tracker dev_tracker;
	struct rcu_head rcu;
};

int kn_port_add(struct kn_bridge *br, struct net_device *dev,
		struct netlink_ext_ack *extack);
int kn_port_del_dev(struct kn_bridge *br, struct net_device *dev);
void kn_port_del_all(struct kn_bridge *br);

int kn_port_init(void);
void kn_port_uninit(void);

#endif /* _KN_PORT_H */
