// SPDX-License-Identifier: GPL-2.0
/*
 * The kn device: link type "kn" (`ip link add kn0 type kn`), a virtual
 * Ethernet bridge whose ports are the host ends of the pods' veth pairs and
 * which is itself the pods' L3 gateway.  This file is the device: its
 * lifetime, its netdev and rtnl_link ops, its counters and settings, and the
 * delayed work that ages its FDB.  Switching is in forward.c, ports in
 * port.c, the table in fdb.c; the locking rules are in bridge.h.
 */
#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/jiffies.h>
#include <linux/rtnetlink.h>
#include <net/rtnetlink.h>
#include <kunit/visibility.h>

#include "compat.h"
#include "bridge.h"
#include "forward.h"
#include "netns.h"
#include "port.h"
#include "version.h"

/* What the device offers the host's stack; dev_queue_xmit() on the ports
 * does in software whatever a port cannot.
 */
#define KN_FEATURES (NETIF_F_SG | NETIF_F_FRAGLIST | NETIF_F_HIGHDMA | \
		     NETIF_F_GSO_MASK | NETIF_F_HW_CSUM | \
		     NETIF_F_HW_VLAN_CTAG_TX | NETIF_F_HW_VLAN_STAG_TX)

/* Ageing runs no more often than this: an entry may outlive its ageing
 * time by up to this much.
 */
#define KN_GC_MIN_DELAY (HZ / 10)

static const struct net_device_ops kn_netdev_ops;

bool kn_dev_is_bridge(const struct net_device *dev)
{
	return dev->netdev_ops == &kn_netdev_ops;
}

static void kn_gc_work(struct work_struct *work)
{
	struct kn_bridge *br = container_of(to_delayed_work(work),
					    struct kn_bridge, gc_work);
	unsigned long next = kn_fdb_age(&br->fdb, jiffies);

	queue_delayed_work(system_power_efficient_wq, &br->gc_work,
			   max_t(unsigned long, next, KN_GC_MIN_DELAY));
}

/*
 * Follows the smallest MTU of the ports, as the Linux bridge does, unless
 * the user set the device's MTU.  Called with RTNL held.
 */
void kn_bridge_mtu_auto(struct kn_bridge *br)
{
	struct kn_port *p;
	unsigned int mtu = 0;

	ASSERT_RTNL();
	if (br->mtu_set_by_user || br->dev->reg_state != NETREG_REGISTERED)
		return;
	list_for_each_entry(p, &br->ports, list)
		if (!mtu || p->dev->mtu < mtu)
			mtu = p->dev->mtu;
	if (!mtu)
		return;
	if (dev_set_mtu(br->dev, mtu))
		netdev_warn(br->dev, "cannot follow the ports' MTU %u\n", mtu);
	/* set by kn_dev_change_mtu(), which dev_set_mtu() called */
	br->mtu_set_by_user = false;
}

void kn_bridge_read_stats(struct kn_bridge *br, struct kn_bridge_totals *t)
{
	int cpu, i;

	memset(t, 0, sizeof(*t));
	for_each_possible_cpu(cpu) {
		const struct kn_bridge_stats *s = per_cpu_ptr(br->stats, cpu);
		u64 c[__KN_STAT_LAST];
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			for (i = 0; i < __KN_STAT_LAST; i++)
				c[i] = u64_stats_read(&s->c[i]);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		for (i = 0; i < __KN_STAT_LAST; i++)
			t->c[i] += c[i];
	}
}

/* Checks a KN_CMD_SET_LINK request whole; changes nothing. */
int kn_link_change_check(const struct kn_link_change *change,
			 struct netlink_ext_ack *extack)
{
	if (change->has_ageing_time &&
	    (change->ageing_time_ms < KN_AGEING_TIME_MS_MIN ||
	     change->ageing_time_ms > KN_AGEING_TIME_MS_MAX)) {
		NL_SET_ERR_MSG(extack, "ageing time must be 1000 ms to 1 day");
		return -ERANGE;
	}
	if (change->has_fdb_max &&
	    (change->fdb_max < KN_FDB_MAX_MIN ||
	     change->fdb_max > KN_FDB_MAX_MAX)) {
		NL_SET_ERR_MSG(extack, "FDB limit must be 1 to 65536 entries");
		return -ERANGE;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(kn_link_change_check);

/* Applies a checked request.  Called with RTNL held. */
void kn_bridge_apply(struct kn_bridge *br, const struct kn_link_change *change)
{
	ASSERT_RTNL();
	if (change->has_fdb_max)
		kn_fdb_set_max(&br->fdb, change->fdb_max);
	if (change->has_ageing_time) {
		WRITE_ONCE(br->ageing_time_ms, change->ageing_time_ms);
		kn_fdb_set_ageing_time(&br->fdb,
				       msecs_to_jiffies(change->ageing_time_ms));
		/* RTNL keeps ndo_stop from cancelling the work under us */
		if (netif_running(br->dev))
			mod_delayed_work(system_power_efficient_wq,
					 &br->gc_work, 0);
	}
}

static int kn_dev_init(struct net_device *dev)
{
	struct kn_bridge *br = netdev_priv(dev);
	int err;

	br->stats = netdev_alloc_pcpu_stats(struct kn_bridge_stats);
	if (!br->stats)
		return -ENOMEM;
	err = kn_fdb_init(&br->fdb, KN_FDB_MAX_DEFAULT,
			  msecs_to_jiffies(KN_AGEING_TIME_MS_DEFAULT));
	if (err)
		goto err_stats;
	err = kn_fdb_add_local(&br->fdb, dev->dev_addr, jiffies);
	if (err)
		goto err_fdb;
	err = kn_nodes_init(&br->nodes);
	if (err)
		goto err_fdb;
	err = gro_cells_init(&br->gro_cells, dev);
	if (err)
		goto err_nodes;

	atomic_inc(&kn_net(dev_net(dev))->links);
	netdev_dbg(dev, "kn device created\n");
	return 0;

err_nodes:
	kn_nodes_uninit(&br->nodes);
err_fdb:
	kn_fdb_uninit(&br->fdb);
err_stats:
	free_percpu(br->stats);
	br->stats = NULL;
	return err;
}

/*
 * The device is unlisted and closed, and a grace period has passed: no new
 * reader can find it.  Its memory goes in kn_dev_free().
 */
static void kn_dev_uninit(struct net_device *dev)
{
	struct kn_bridge *br = netdev_priv(dev);

	/* dellink detached them, unless registration itself failed */
	kn_port_del_all(br);
	cancel_delayed_work_sync(&br->gc_work);
	/* closed, unlisted, and past a grace period: no reader is left */
	if (rtnl_dereference(br->overlay))
		kn_overlay_del(br, NULL);
	kn_nodes_uninit(&br->nodes);
	gro_cells_destroy(&br->gro_cells);
	atomic_dec(&kn_net(dev_net(dev))->links);
}

/* priv_destructor: once the last reference to the device is gone. */
static void kn_dev_free(struct net_device *dev)
{
	struct kn_bridge *br = netdev_priv(dev);

	kn_fdb_uninit(&br->fdb);
	free_percpu(br->stats);
	netdev_dbg(dev, "kn device destroyed\n");
}

static int kn_dev_open(struct net_device *dev)
{
	struct kn_bridge *br = netdev_priv(dev);

	netif_start_queue(dev);
	queue_delayed_work(system_power_efficient_wq, &br->gc_work,
			   msecs_to_jiffies(READ_ONCE(br->ageing_time_ms)));
	return 0;
}

/* Down, nothing is forwarded; what was learned is forgotten. */
static int kn_dev_stop(struct net_device *dev)
{
	struct kn_bridge *br = netdev_priv(dev);

	netif_stop_queue(dev);
	cancel_delayed_work_sync(&br->gc_work);
	kn_fdb_flush(&br->fdb, NULL);
	return 0;
}

static netdev_tx_t kn_dev_xmit(struct sk_buff *skb, struct net_device *dev)
{
	return kn_forward_xmit(netdev_priv(dev), skb);
}

static void kn_dev_get_stats64(struct net_device *dev,
			       struct rtnl_link_stats64 *stats)
{
	struct kn_bridge *br = netdev_priv(dev);
	struct kn_bridge_totals t;

	kn_bridge_read_stats(br, &t);
	stats->rx_packets = t.c[KN_STAT_RX_PACKETS];
	stats->rx_bytes = t.c[KN_STAT_RX_BYTES];
	stats->tx_packets = t.c[KN_STAT_TX_PACKETS];
	stats->tx_bytes = t.c[KN_STAT_TX_BYTES];
	stats->rx_dropped = t.c[KN_STAT_RX_DROPPED];
	stats->tx_dropped = t.c[KN_STAT_TX_DROPPED];
}

/* Any valid address, even while up; the FDB's local entry follows it. */
static int kn_dev_set_mac_address(struct net_device *dev, void *p)
{
	struct kn_bridge *br = netdev_priv(dev);
	struct sockaddr *sa = p;
	int err;

	if (!is_valid_ether_addr(sa->sa_data))
		return -EADDRNOTAVAIL;
	if (dev->reg_state != NETREG_REGISTERED)
		return -EBUSY;
	if (ether_addr_equal(dev->dev_addr, sa->sa_data))
		return 0;
	err = kn_fdb_add_local(&br->fdb, sa->sa_data, jiffies);
	if (err)
		return err;
	kn_fdb_del_local(&br->fdb, dev->dev_addr);
	eth_hw_addr_set(dev, sa->sa_data);
	return 0;
}

static int kn_dev_change_mtu(struct net_device *dev, int new_mtu)
{
	struct kn_bridge *br = netdev_priv(dev);

	WRITE_ONCE(dev->mtu, new_mtu);
	/* cleared again when the change came from kn_bridge_mtu_auto() */
	br->mtu_set_by_user = true;
	return 0;
}

static int kn_dev_add_slave(struct net_device *dev, struct net_device *port_dev,
			    struct netlink_ext_ack *extack)
{
	return kn_port_add(netdev_priv(dev), port_dev, extack);
}

static int kn_dev_del_slave(struct net_device *dev, struct net_device *port_dev)
{
	return kn_port_del_dev(netdev_priv(dev), port_dev);
}

static const struct net_device_ops kn_netdev_ops = {
	.ndo_init		= kn_dev_init,
	.ndo_uninit		= kn_dev_uninit,
	.ndo_open		= kn_dev_open,
	.ndo_stop		= kn_dev_stop,
	.ndo_start_xmit		= kn_dev_xmit,
	.ndo_get_stats64	= kn_dev_get_stats64,
	.ndo_set_mac_address	= kn_dev_set_mac_address,
	.ndo_change_mtu		= kn_dev_change_mtu,
	.ndo_add_slave		= kn_dev_add_slave,
	.ndo_del_slave		= kn_dev_del_slave,
	.ndo_features_check	= passthru_features_check,
};

static void kn_get_drvinfo(struct net_device *dev,
			   struct ethtool_drvinfo *info)
{
	strscpy(info->driver, KN_LINK_KIND, sizeof(info->driver));
	strscpy(info->version, KN_VERSION, sizeof(info->version));
}

static const struct ethtool_ops kn_ethtool_ops = {
	.get_drvinfo	= kn_get_drvinfo,
	.get_link	= ethtool_op_get_link,
};

static struct device_type kn_device_type = {
	.name = KN_LINK_KIND,
};

static void kn_dev_setup(struct net_device *dev)
{
	struct kn_bridge *br = netdev_priv(dev);

	ether_setup(dev);
	eth_hw_addr_random(dev);
	dev->netdev_ops = &kn_netdev_ops;
	dev->ethtool_ops = &kn_ethtool_ops;
	SET_NETDEV_DEVTYPE(dev, &kn_device_type);
	dev->needs_free_netdev = true;
	dev->priv_destructor = kn_dev_free;
	/* xmit pulls the Ethernet header: an skb cannot be sent twice */
	dev->priv_flags &= ~IFF_TX_SKB_SHARING;
	dev->priv_flags |= IFF_NO_QUEUE;
	/* the overlay updates the inner route's PMTU and sends ICMP from it */
	netif_keep_dst(dev);
	dev->features = KN_FEATURES;
	dev->hw_features = KN_FEATURES;
	dev->vlan_features = KN_FEATURES;
	/* lockless xmit; the ports and counters are per namespace */
	kn_compat_set_lltx_netns_local(dev);
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = ETH_MAX_MTU;

	br->dev = dev;
	INIT_LIST_HEAD(&br->ports);
	INIT_DELAYED_WORK(&br->gc_work, kn_gc_work);
	br->ageing_time_ms = KN_AGEING_TIME_MS_DEFAULT;
}

static int kn_link_validate(struct nlattr *tb[], struct nlattr *data[],
			    struct netlink_ext_ack *extack)
{
	if (tb[IFLA_ADDRESS]) {
		if (nla_len(tb[IFLA_ADDRESS]) != ETH_ALEN) {
			NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_ADDRESS],
					    "a kn device's address is 6 bytes");
			return -EINVAL;
		}
		if (!is_valid_ether_addr(nla_data(tb[IFLA_ADDRESS]))) {
			NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_ADDRESS],
					    "a kn device needs a unicast address");
			return -EADDRNOTAVAIL;
		}
	}
	return 0;
}

/* Every way a kn device goes (ip link del, netns exit, rmmod) ends here. */
static void kn_link_dellink(struct net_device *dev, struct list_head *head)
{
	kn_port_del_all(netdev_priv(dev));
	unregister_netdevice_queue(dev, head);
}

static struct rtnl_link_ops kn_link_ops __read_mostly = {
	.kind		= KN_LINK_KIND,
	.priv_size	= sizeof(struct kn_bridge),
	.setup		= kn_dev_setup,
	.validate	= kn_link_validate,
	.dellink	= kn_link_dellink,
};

int __init kn_bridge_init(void)
{
	return rtnl_link_register(&kn_link_ops);
}

/* Deletes every kn device in every namespace. */
void kn_bridge_uninit(void)
{
	rtnl_link_unregister(&kn_link_ops);
}
