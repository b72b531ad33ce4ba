// SPDX-License-Identifier: GPL-2.0
/*
 * Ports of a kn device: attaching (`ip link set DEV master kn0`), detaching
 * (`nomaster`, or the device going away), the receive hook that hands their
 * frames to the switch, and the netdevice notifier that follows what
 * happens to port devices.  Everything but the receive hook runs under RTNL.
 */
#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>

#include "bridge.h"
#include "forward.h"
#include "port.h"

static rx_handler_result_t kn_port_rx(struct sk_buff **pskb);

/* The port @dev is, or NULL.  Called with RTNL held. */
static struct kn_port *kn_port_get_rtnl(const struct net_device *dev)
{
	if (rcu_access_pointer(dev->rx_handler) != kn_port_rx)
		return NULL;
	return rtnl_dereference(dev->rx_handler_data);
}

/*
 * The rx_handler of every port, called by the core under rcu_read_lock() in
 * softirq, after taps (tcpdump on the port) have had their copy.
 */
static rx_handler_result_t kn_port_rx(struct sk_buff **pskb)
{
	struct sk_buff *skb = *pskb;
	struct kn_port *port;

	if (unlikely(skb->pkt_type == PACKET_LOOPBACK))
		return RX_HANDLER_PASS;
	/* 01-80-C2-00-00-0X (STP, LACP, LLDP, pause...) is never bridged */
	if (unlikely(is_link_local_ether_addr(eth_hdr(skb)->h_dest)))
		return RX_HANDLER_PASS;

	port = rcu_dereference(skb->dev->rx_handler_data);
	skb = skb_share_check(skb, GFP_ATOMIC);
	if (unlikely(!skb)) {
		kn_bridge_count_drop(port->br, KN_DROP_A_NOMEM, false);
		return RX_HANDLER_CONSUMED;
	}
	*pskb = skb;
	return kn_forward_ingress(port->br, port, skb);
}

/* Why @dev cannot become a port of @br, with a message; 0 if it can. */
static int kn_port_check(struct kn_bridge *br, struct net_device *dev,
			 struct netlink_ext_ack *extack)
{
	if (dev == br->dev) {
		NL_SET_ERR_MSG(extack, "a kn device cannot be its own port");
		return -ELOOP;
	}
	if (kn_dev_is_bridge(dev)) {
		NL_SET_ERR_MSG(extack, "a kn device cannot be a port of another");
		return -ELOOP;
	}
	if (dev->flags & IFF_LOOPBACK) {
		NL_SET_ERR_MSG(extack, "a loopback device cannot be a kn port");
		return -EINVAL;
	}
	if (dev->type != ARPHRD_ETHER || dev->addr_len != ETH_ALEN) {
		NL_SET_ERR_MSG(extack, "only Ethernet devices can be kn ports");
		return -EINVAL;
	}
	if (!is_valid_ether_addr(dev->dev_addr)) {
		NL_SET_ERR_MSG(extack, "a kn port needs a valid unicast MAC address");
		return -EINVAL;
	}
	if (netdev_master_upper_dev_get(dev)) {
		NL_SET_ERR_MSG(extack, "device is already enslaved to another master");
		return -EBUSY;
	}
	if (dev->priv_flags & IFF_DONT_BRIDGE) {
		NL_SET_ERR_MSG(extack, "device does not allow being bridged");
		return -EOPNOTSUPP;
	}
	if (netdev_is_rx_handler_busy(dev)) {
		NL_SET_ERR_MSG(extack,
			       "device already has a receive handler (a macvlan, ipvlan or bond on it?)");
		return -EBUSY;
	}
	return 0;
}

/* ndo_add_slave of a kn device.  Called with RTNL held. */
int kn_port_add(struct kn_bridge *br, struct net_device *dev,
		struct netlink_ext_ack *extack)
{
	struct kn_port *port;
	int err;

	ASSERT_RTNL();
	err = kn_port_check(br, dev, extack);
	if (err)
		return err;

	port = kzalloc(sizeof(*port), GFP_KERNEL);
	if (!port)
		return -ENOMEM;
	port->br = br;
	port->dev = dev;
	netdev_hold(dev, &port->dev_tracker, GFP_KERNEL);

	/* frames to any address must reach the switch, as on a real one */
	err = dev_set_promiscuity(dev, 1);
	if (err) {
		NL_SET_ERR_MSG(extack, "cannot make the device promiscuous");
		goto err_free;
	}
	err = netdev_rx_handler_register(dev, kn_port_rx, port);
	if (err) {
		NL_SET_ERR_MSG(extack, "cannot hook the device's receive path");
		goto err_promisc;
	}
	err = netdev_master_upper_dev_link(dev, br->dev, NULL, NULL, extack);
	if (err)
		goto err_rx_handler;
	/* aggregated frames cannot be forwarded as they are */
	dev_disable_lro(dev);

	list_add_tail_rcu(&port->list, &br->ports);
	WRITE_ONCE(br->n_ports, br->n_ports + 1);
	kn_bridge_mtu_auto(br);
	netdev_dbg(dev, "kn port created on %s\n", br->dev->name);
	return 0;

err_rx_handler:
	netdev_rx_handler_unregister(dev);
err_promisc:
	dev_set_promiscuity(dev, -1);
err_free:
	netdev_put(dev, &port->dev_tracker);
	kfree(port);
	return err;
}

static void kn_port_free_rcu(struct rcu_head *rcu)
{
	struct kn_port *port = container_of(rcu, struct kn_port, rcu);

	netdev_put(port->dev, &port->dev_tracker);
	kfree(port);
}

/*
 * Detaches @port.  Called with RTNL held.  Readers may hold the port until
 * a grace period has passed; so does its device reference.
 */
static void kn_port_del(struct kn_port *port)
{
	struct kn_bridge *br = port->br;
	struct net_device *dev = port->dev;

	ASSERT_RTNL();
	list_del_rcu(&port->list);
	WRITE_ONCE(br->n_ports, br->n_ports - 1);
	netdev_upper_dev_unlink(dev, br->dev);
	/* Waits for receive handlers in flight: nothing learns onto the port
	 * after this, so the flush below leaves no entry pointing at it.
	 */
	netdev_rx_handler_unregister(dev);
	kn_fdb_flush(&br->fdb, port);
	dev_set_promiscuity(dev, -1);
	netdev_dbg(dev, "kn port destroyed on %s\n", br->dev->name);
	call_rcu(&port->rcu, kn_port_free_rcu);
}

/* ndo_del_slave of a kn device.  Called with RTNL held. */
int kn_port_del_dev(struct kn_bridge *br, struct net_device *dev)
{
	struct kn_port *port = kn_port_get_rtnl(dev);

	if (!port || port->br != br)
		return -EINVAL;
	kn_port_del(port);
	kn_bridge_mtu_auto(br);
	return 0;
}

/* Detaches every port, when the kn device goes away.  RTNL held. */
void kn_port_del_all(struct kn_bridge *br)
{
	struct kn_port *port, *tmp;

	list_for_each_entry_safe(port, tmp, &br->ports, list)
		kn_port_del(port);
}

static int kn_port_netdev_event(struct notifier_block *nb,
				unsigned long event, void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct kn_port *port = kn_port_get_rtnl(dev);
	struct kn_bridge *br;

	if (!port)
		return NOTIFY_DONE;
	br = port->br;

	switch (event) {
	case NETDEV_UNREGISTER:
		/* deleted, or moving to another namespace */
		kn_port_del(port);
		kn_bridge_mtu_auto(br);
		break;
	case NETDEV_CHANGEMTU:
		kn_bridge_mtu_auto(br);
		break;
	case NETDEV_DOWN:
	case NETDEV_CHANGE:
		/* a pod behind a dead link has gone, or will learn again */
		if (!netif_running(dev) || !netif_carrier_ok(dev))
			kn_fdb_flush(&br->fdb, port);
		break;
	}
	/* NETDEV_CHANGEADDR needs nothing: a port's own address is never in
	 * the FDB, and frames to it are checked against dev_addr itself.
	 */
	return NOTIFY_DONE;
}

static struct notifier_block kn_port_notifier = {
	.notifier_call = kn_port_netdev_event,
};

int __init kn_port_init(void)
{
	return register_netdevice_notifier(&kn_port_notifier);
}

void kn_port_uninit(void)
{
	unregister_netdevice_notifier(&kn_port_notifier);
}
