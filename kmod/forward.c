// SPDX-License-Identifier: GPL-2.0
/*
 * The switching decision of a kn device, for frames that come in on a port
 * (kn_forward_ingress(), from the port's rx_handler) and for frames the host
 * sends through the device (kn_forward_xmit(), its ndo_start_xmit):
 *
 *   - learn the source address of a frame from a port;
 *   - broadcast and multicast: a copy to every port but the ingress one,
 *     and one up the host's stack (frames from ports only);
 *   - unicast to the device's own address: up the host's stack, or, sent
 *     by the host, IPv4 routed to another node's pods: over the overlay
 *     (overlay.c);
 *   - unicast to the ingress port device's own address: left to that device;
 *   - unicast to a learned address: out of that port, unless it is the
 *     ingress port (a frame never leaves by the port it came in on);
 *   - unknown unicast: flooded like broadcast, but not sent up;
 *   - a unicast IPv4 reply of a Service connection is translated before
 *     it is switched (lb.c), like the host's own;
 *   - with the device promiscuous (tcpdump on kn0), a copy of every frame
 *     from a port goes up too, as on the Linux bridge.
 *
 * Everything here runs under rcu_read_lock() with BHs off, and every frame
 * that is not delivered is counted under one KN_DROP_A_* reason.
 */
#include <linux/etherdevice.h>
#include <linux/jiffies.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>

#include "bridge.h"
#include "forward.h"
#include "lb.h"
#include "overlay.h"
#include "port.h"

static void kn_drop(struct kn_bridge *br, struct sk_buff *skb,
		    enum kn_drop_attr reason, bool tx)
{
	kn_bridge_count_drop(br, reason, tx);
	kfree_skb(skb);
}

static bool kn_port_up(const struct kn_port *p)
{
	return netif_running(p->dev) && netif_carrier_ok(p->dev);
}

/*
 * Sends @skb, whose data starts after its Ethernet header, out of @to;
 * returns whether it went.  @tx: the host sent it through the kn device
 * (else it came in on a port).
 */
static bool kn_deliver(struct kn_bridge *br, const struct kn_port *to,
		       struct sk_buff *skb, bool tx)
{
	if (unlikely(!kn_port_up(to))) {
		kn_drop(br, skb, KN_DROP_A_PORT_DOWN, tx);
		return false;
	}
	skb->dev = to->dev;
	if (!tx)
		skb_forward_csum(skb);
	skb_push(skb, ETH_HLEN);
	if (unlikely(!is_skb_forwardable(to->dev, skb))) {
		kn_drop(br, skb, KN_DROP_A_TOO_BIG, tx);
		return false;
	}
	skb_clear_tstamp(skb);
	dev_queue_xmit(skb);
	return true;
}

/* As kn_deliver(), with a copy: @skb stays the caller's. */
static bool kn_deliver_copy(struct kn_bridge *br, const struct kn_port *to,
			    struct sk_buff *skb, bool tx)
{
	struct sk_buff *copy = skb_clone(skb, GFP_ATOMIC);

	if (unlikely(!copy)) {
		kn_bridge_count_drop(br, KN_DROP_A_NOMEM, tx);
		return false;
	}
	return kn_deliver(br, to, copy, tx);
}

/*
 * Sends @skb out of every port that is up except @in (NULL: from the host).
 * With @keep, only copies go out and @skb stays the caller's; otherwise
 * @skb is consumed.  Returns whether anything went out.
 */
static bool kn_flood(struct kn_bridge *br, struct sk_buff *skb,
		     const struct kn_port *in, bool keep, bool tx)
{
	struct kn_port *p, *prev = NULL;

	list_for_each_entry_rcu(p, &br->ports, list) {
		if (p == in || !kn_port_up(p))
			continue;
		if (prev)
			kn_deliver_copy(br, prev, skb, tx);
		prev = p;
	}
	if (!prev) {
		if (!keep)
			kn_drop(br, skb, KN_DROP_A_NO_DEST, tx);
		return false;
	}
	kn_bridge_count(br, KN_STAT_FLOODED, 0, 0);
	if (keep)
		kn_deliver_copy(br, prev, skb, tx);
	else
		kn_deliver(br, prev, skb, tx);
	return true;
}

/*
 * A frame from port @in, its data after the Ethernet header.  Returns
 * RX_HANDLER_CONSUMED, or RX_HANDLER_ANOTHER with skb->dev set to the kn
 * device when the frame goes up the host's stack: the core then delivers it
 * as received on kn0, with no recursion into the receive path.
 */
rx_handler_result_t kn_forward_ingress(struct kn_bridge *br,
				       struct kn_port *in, struct sk_buff *skb)
{
	const struct ethhdr *eth = eth_hdr(skb);
	struct net_device *dev = br->dev;
	struct kn_fdb_entry *f;
	struct kn_port *to;

	if (unlikely(!netif_running(dev))) {
		kn_drop(br, skb, KN_DROP_A_LINK_DOWN, false);
		return RX_HANDLER_CONSUMED;
	}
	if (unlikely(!is_valid_ether_addr(eth->h_source))) {
		kn_drop(br, skb, KN_DROP_A_BAD_SRC, false);
		return RX_HANDLER_CONSUMED;
	}
	if (unlikely(ether_addr_equal(eth->h_source, dev->dev_addr))) {
		net_dbg_ratelimited("%s: frame from own address %pM on %s\n",
				    dev->name, eth->h_source, in->dev->name);
		kn_drop(br, skb, KN_DROP_A_OWN_SRC, false);
		return RX_HANDLER_CONSUMED;
	}
	if (unlikely(kn_fdb_learn(&br->fdb, eth->h_source, in, jiffies) ==
		     KN_FDB_FULL))
		kn_bridge_count(br, KN_STAT_FDB_FULL, 0, 0);

	if (is_multicast_ether_addr(eth->h_dest)) {
		kn_flood(br, skb, in, true, false);
		goto up;
	}
	/* To the port device's own address (say, its IPv6 link-local one):
	 * that device's business, not the bridge's.
	 */
	if (unlikely(ether_addr_equal(eth->h_dest, in->dev->dev_addr)))
		return RX_HANDLER_PASS;
	f = kn_fdb_lookup(&br->fdb, eth->h_dest);
	if (f && f->local) {
		skb->pkt_type = PACKET_HOST;
		goto up;
	}
	/* a Service's backend answering a client on this node: see lb.h */
	if (eth->h_proto == htons(ETH_P_IP) &&
	    unlikely(!kn_lb_bridged(dev_net(dev), skb))) {
		kn_drop(br, skb, KN_DROP_A_NOMEM, false);
		return RX_HANDLER_CONSUMED;
	}
	if (f) {
		to = rcu_dereference(f->port);
		if (unlikely(to == in)) {
			kn_drop(br, skb, KN_DROP_A_HAIRPIN, false);
			return RX_HANDLER_CONSUMED;
		}
		if (unlikely(dev->flags & IFF_PROMISC)) {
			if (kn_deliver_copy(br, to, skb, false))
				kn_bridge_count(br, KN_STAT_FORWARDED, 0, 0);
			goto up;
		}
		if (kn_deliver(br, to, skb, false))
			kn_bridge_count(br, KN_STAT_FORWARDED, 0, 0);
		return RX_HANDLER_CONSUMED;
	}
	if (unlikely(dev->flags & IFF_PROMISC)) {
		kn_flood(br, skb, in, true, false);
		goto up;
	}
	kn_flood(br, skb, in, false, false);
	return RX_HANDLER_CONSUMED;

up:
	kn_bridge_count(br, KN_STAT_RX_PACKETS, KN_STAT_RX_BYTES,
			skb->len + ETH_HLEN);
	skb->dev = dev;
	return RX_HANDLER_ANOTHER;
}

/* A frame the host sends through the kn device.  Called with BHs off. */
netdev_tx_t kn_forward_xmit(struct kn_bridge *br, struct sk_buff *skb)
{
	const struct ethhdr *eth;
	struct kn_fdb_entry *f;
	struct kn_port *to;

	if (unlikely(!pskb_may_pull(skb, ETH_HLEN))) {
		kn_drop(br, skb, KN_DROP_A_RUNT, true);
		return NETDEV_TX_OK;
	}
	kn_bridge_count(br, KN_STAT_TX_PACKETS, KN_STAT_TX_BYTES, skb->len);

	rcu_read_lock();
	skb_reset_mac_header(skb);
	eth = eth_hdr(skb);
	skb_pull(skb, ETH_HLEN);

	if (is_multicast_ether_addr(eth->h_dest)) {
		kn_flood(br, skb, NULL, false, true);
	} else {
		f = kn_fdb_lookup(&br->fdb, eth->h_dest);
		if (f && f->local && eth->h_proto == htons(ETH_P_IP)) {
			/* routed to a remote pod: see uapi/kn.h, Overlay */
			skb_push(skb, ETH_HLEN);
			kn_overlay_xmit(br, skb);
		} else if (f && f->local) {
			/* to ourselves otherwise: the stack uses lo for that */
			kn_drop(br, skb, KN_DROP_A_NO_DEST, true);
		} else if (f) {
			to = rcu_dereference(f->port);
			if (kn_deliver(br, to, skb, true))
				kn_bridge_count(br, KN_STAT_FORWARDED, 0, 0);
		} else {
			kn_flood(br, skb, NULL, false, true);
		}
	}
	rcu_read_unlock();
	return NETDEV_TX_OK;
}
