/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KN_NETNS_H
#define _KN_NETNS_H

#include <linux/mutex.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "services.h"
#include "settings.h"

struct kn_ct_table;

/*
 * DOC: Locking
 *
 * All of kn's state belongs to a network namespace and lives in its kn_net.
 * Writers (netlink requests, device set-up) take @config_lock, a mutex, so
 * they may sleep and allocate with GFP_KERNEL; they publish with
 * rcu_assign_pointer() and free old copies after a grace period.  Readers on
 * the packet path use rcu_dereference() under rcu_read_lock() and never take
 * @config_lock.
 *
 * kn devices and their ports and FDBs are per-device state under RTNL and
 * their own locks instead; bridge.h has their rules.  @links counts the kn
 * devices of the namespace (ndo_init/ndo_uninit).
 *
 * Services and backends are written under @config_lock too; the connection
 * table has its own bucket locks (conntrack.h).
 */
struct kn_net {
	struct net *net;
	struct mutex config_lock; /* serializes all writers, see above */
	struct kn_settings __rcu *settings;
	atomic_t links;
	struct kn_services services;	/* under config_lock, see services.h */
	/* Made with the first service, with the hooks (lb.c); then fixed
	 * until the namespace goes.
	 */
	struct kn_ct_table *ct;
};

extern unsigned int kn_net_id;

static inline struct kn_net *kn_net(const struct net *net)
{
	return net_generic(net, kn_net_id);
}

int kn_netns_init(void);
void kn_netns_uninit(void);

int kn_netns_update_settings(struct kn_net *kn,
			     const struct kn_settings_change *change,
			     struct netlink_ext_ack *extack);

#endif /* _KN_NETNS_H */
