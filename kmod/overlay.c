// SPDX-License-Identifier: GPL-2.0
/*
 * The VXLAN overlay of a kn device: its UDP tunnel socket, encapsulation
 * of what the host routes through the device to another node's pod subnet,
 * and decapsulation of what arrives.  The pattern is Linux's vxlan driver's
 * (drivers/net/vxlan/vxlan_core.c): setup_udp_tunnel_sock() with an
 * encap_rcv hook, udp_tunnel_xmit_skb() with a per-destination dst_cache,
 * the UDP source port from the inner flow's hash, GSO through
 * iptunnel_handle_offloads(), and GRO cells on the way in.  uapi/kn.h says
 * how routing to remote pods works; bridge.h has the locking rules.
 */
#include <linux/etherdevice.h>
#include <linux/icmp.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/rtnetlink.h>
#include <net/dst_metadata.h>
#include <net/gro_cells.h>
#include <net/icmp.h>
#include <net/inet_ecn.h>
#include <net/ip_tunnels.h>
#include <net/route.h>
#include <net/udp.h>
#include <net/udp_tunnel.h>

#include "bridge.h"
#include "nodes.h"
#include "overlay.h"
#include "vxlan.h"

static void kn_overlay_drop(struct kn_bridge *br, struct sk_buff *skb,
			    enum kn_drop_attr reason, bool tx)
{
	kn_bridge_count_drop(br, reason, tx);
	kfree_skb(skb);
}

/*
 * Whether a decapsulated IPv4 header is one a node routes to a pod: the
 * overlay carries unicast between pod networks, never broadcast, multicast
 * or loopback, and never from "this network".
 */
static bool kn_overlay_inner_ok(const struct iphdr *iph)
{
	return iph->version == 4 && iph->ihl >= 5 &&
	       !ipv4_is_multicast(iph->daddr) && !ipv4_is_lbcast(iph->daddr) &&
	       !ipv4_is_loopback(iph->daddr) && !ipv4_is_zeronet(iph->daddr) &&
	       !ipv4_is_multicast(iph->saddr) && !ipv4_is_lbcast(iph->saddr) &&
	       !ipv4_is_loopback(iph->saddr) && !ipv4_is_zeronet(iph->saddr);
}

/*
 * A packet on the overlay's UDP port, from the UDP receive path (softirq,
 * rcu_read_lock() held), its data at the UDP header.  Always consumes it:
 * whatever is not ours is no one's on this port.
 */
static int kn_overlay_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct kn_bridge *br = rcu_dereference_sk_user_data(sk);
	const struct kn_overlay *ov;
	enum kn_drop_attr reason;
	struct net_device *dev;
	struct ethhdr *eth;
	u8 outer_tos;
	u32 vni;

	if (unlikely(!br)) {
		kfree_skb(skb);
		return 0;
	}
	dev = br->dev;
	outer_tos = ip_hdr(skb)->tos;

	if (unlikely(!pskb_may_pull(skb, VXLAN_HLEN + ETH_HLEN))) {
		kn_overlay_drop(br, skb, KN_DROP_A_VXLAN_SHORT, false);
		return 0;
	}
	reason = kn_vxlan_parse_hdr(vxlan_hdr(skb), &vni);
	if (unlikely(reason)) {
		kn_overlay_drop(br, skb, reason, false);
		return 0;
	}
	ov = rcu_dereference(br->overlay);
	if (unlikely(!ov)) {
		kn_overlay_drop(br, skb, KN_DROP_A_NO_OVERLAY, false);
		return 0;
	}
	if (unlikely(vni != ov->vni)) {
		kn_overlay_drop(br, skb, KN_DROP_A_VXLAN_VNI, false);
		return 0;
	}
	if (unlikely(!netif_running(dev))) {
		kn_overlay_drop(br, skb, KN_DROP_A_LINK_DOWN, false);
		return 0;
	}
	/* Drops the outer headers, the offload bits that described them and
	 * the underlay's dst; the packet now starts at the inner Ethernet.
	 */
	if (iptunnel_pull_header(skb, VXLAN_HLEN, htons(ETH_P_TEB), false)) {
		kn_overlay_drop(br, skb, KN_DROP_A_NOMEM, false);
		return 0;
	}
	/* a frame too short for its IPv4 header is not IPv4 */
	if (unlikely(!pskb_may_pull(skb, ETH_HLEN + sizeof(struct iphdr)))) {
		kn_overlay_drop(br, skb, KN_DROP_A_VXLAN_INNER, false);
		return 0;
	}
	skb_reset_mac_header(skb);
	eth = eth_hdr(skb);
	/* The overlay carries routed IPv4 unicast and nothing else. */
	if (unlikely(eth->h_proto != htons(ETH_P_IP) ||
		     !is_valid_ether_addr(eth->h_source) ||
		     is_multicast_ether_addr(eth->h_dest))) {
		kn_overlay_drop(br, skb, KN_DROP_A_VXLAN_INNER, false);
		return 0;
	}
	if (unlikely(skb_ensure_writable(skb, ETH_HLEN))) {
		kn_overlay_drop(br, skb, KN_DROP_A_NOMEM, false);
		return 0;
	}
	skb->protocol = eth_type_trans(skb, dev);
	/* over the header as received: a CHECKSUM_COMPLETE sum covers that */
	skb_postpull_rcsum(skb, eth_hdr(skb), ETH_HLEN);
	/* Whatever address the sender chose for this node's VTEP (a derived
	 * one, or kn0's own that a flannel node was given), the packet is for
	 * the host, which routes it on to the pod.
	 */
	ether_addr_copy(eth_hdr(skb)->h_dest, dev->dev_addr);
	skb->pkt_type = PACKET_HOST;
	skb_reset_network_header(skb);
	if (unlikely(!pskb_inet_may_pull(skb) || !kn_overlay_inner_ok(ip_hdr(skb)))) {
		kn_overlay_drop(br, skb, KN_DROP_A_VXLAN_INNER, false);
		return 0;
	}
	/* RFC 6040: congestion marked outside must show inside */
	if (unlikely(INET_ECN_decapsulate(skb, outer_tos, ip_hdr(skb)->tos) > 1)) {
		kn_overlay_drop(br, skb, KN_DROP_A_VXLAN_INNER, false);
		return 0;
	}

	local_bh_disable();
	kn_bridge_count(br, KN_STAT_DECAP, 0, 0);
	kn_bridge_count(br, KN_STAT_RX_PACKETS, KN_STAT_RX_BYTES,
			skb->len + ETH_HLEN);
	local_bh_enable();
	gro_cells_receive(&br->gro_cells, skb);
	return 0;
}

/*
 * The underlay route to @node, from its cache when it is still valid.
 * Under rcu_read_lock(), BHs off.
 */
static struct rtable *kn_overlay_route(struct kn_bridge *br,
				       const struct kn_overlay *ov,
				       struct kn_node *node, struct sk_buff *skb,
				       __be16 sport, __be32 *saddr)
{
	struct net *net = dev_net(br->dev);
	struct flowi4 fl4 = {
		.flowi4_proto = IPPROTO_UDP,
		.flowi4_mark = skb->mark,
		.daddr = node->remote,
		.saddr = ov->local,
		.fl4_dport = ov->port,
		.fl4_sport = sport,
	};
	struct rtable *rt;

	rt = dst_cache_get_ip4(&node->dst_cache, saddr);
	if (rt)
		return rt;
	rt = ip_route_output_key(net, &fl4);
	if (IS_ERR(rt))
		return rt;
	if (unlikely(rt->dst.dev == br->dev)) {
		net_dbg_ratelimited("%s: the route to node %pI4 loops through it\n",
				    br->dev->name, &node->remote);
		ip_rt_put(rt);
		return ERR_PTR(-ELOOP);
	}
	*saddr = fl4.saddr;
	dst_cache_set_ip4(&node->dst_cache, &rt->dst, fl4.saddr);
	return rt;
}

/*
 * Whether the inner packet, once encapsulated, fits the underlay route
 * @rt.  When it does not, the inner route learns the smaller MTU (the host
 * then sends "fragmentation needed" to senders itself) and, for a DF
 * packet, its sender gets one now; a packet without DF goes out in
 * fragments.
 */
static bool kn_overlay_fits(struct sk_buff *skb, struct rtable *rt,
			    bool inner_df)
{
	int mtu = dst_mtu(&rt->dst) - KN_VXLAN_OVERHEAD;

	if (skb_is_gso(skb) ? skb_gso_validate_network_len(skb, mtu) :
	    skb->len - skb_network_offset(skb) <= mtu)
		return true;
	if (mtu < IPV4_MIN_MTU)
		mtu = IPV4_MIN_MTU;
	skb_dst_update_pmtu_no_confirm(skb, mtu);
	if (!inner_df)
		return true;
	icmp_ndo_send(skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, htonl(mtu));
	return false;
}

/*
 * A frame the host sent to the kn device's own address: IPv4 routed to a
 * remote pod.  Its data starts at the Ethernet header.  Called under
 * rcu_read_lock() with BHs off, from ndo_start_xmit.
 */
netdev_tx_t kn_overlay_xmit(struct kn_bridge *br, struct sk_buff *skb)
{
	struct net_device *dev = br->dev;
	const struct kn_overlay *ov;
	struct kn_node *node;
	const struct iphdr *iph;
	struct vxlanhdr *vxh;
	struct rtable *rt;
	__be16 sport, df;
	__be32 saddr;
	u8 tos, ttl;

	skb_reset_mac_header(skb);
	skb_set_network_header(skb, ETH_HLEN);
	if (unlikely(!pskb_network_may_pull(skb, sizeof(struct iphdr)))) {
		kn_overlay_drop(br, skb, KN_DROP_A_RUNT, true);
		return NETDEV_TX_OK;
	}
	iph = ip_hdr(skb);
	if (!skb_transport_header_was_set(skb) ||
	    skb_transport_offset(skb) <= skb_network_offset(skb))
		skb_set_transport_header(skb, ETH_HLEN + iph->ihl * 4);

	node = kn_nodes_lookup(&br->nodes, iph->daddr);
	if (unlikely(!node)) {
		kn_overlay_drop(br, skb, KN_DROP_A_NO_NODE, true);
		return NETDEV_TX_OK;
	}
	ov = rcu_dereference(br->overlay);
	if (unlikely(!ov)) {
		kn_overlay_drop(br, skb, KN_DROP_A_NO_OVERLAY, true);
		return NETDEV_TX_OK;
	}

	/* the inner flow's hash, before the headers change */
	sport = udp_flow_src_port(dev_net(dev), skb, 0, 0, true);
	saddr = ov->local;
	rt = kn_overlay_route(br, ov, node, skb, sport, &saddr);
	if (IS_ERR(rt)) {
		kn_overlay_drop(br, skb, KN_DROP_A_UNDERLAY, true);
		return NETDEV_TX_OK;
	}
	df = iph->frag_off & htons(IP_DF);
	if (unlikely(!kn_overlay_fits(skb, rt, df))) {
		ip_rt_put(rt);
		kn_overlay_drop(br, skb, KN_DROP_A_TOO_BIG, true);
		return NETDEV_TX_OK;
	}
	tos = ip_tunnel_ecn_encap(0, iph, skb);
	ttl = ip4_dst_hoplimit(&rt->dst);

	if (unlikely(skb_cow_head(skb, LL_RESERVED_SPACE(rt->dst.dev) +
				  rt->dst.header_len + sizeof(struct iphdr) +
				  VXLAN_HLEN)))
		goto err_nomem;
	ether_addr_copy(eth_hdr(skb)->h_dest, node->mac);
	ether_addr_copy(eth_hdr(skb)->h_source, dev->dev_addr);
	/* the outer UDP checksum stays zero, as Linux's vxlan sends it */
	if (iptunnel_handle_offloads(skb, SKB_GSO_UDP_TUNNEL))
		goto err_nomem;
	vxh = __skb_push(skb, sizeof(*vxh));
	kn_vxlan_build_hdr(vxh, ov->vni);
	skb_set_inner_protocol(skb, htons(ETH_P_TEB));

	kn_bridge_count(br, KN_STAT_ENCAP, 0, 0);
	udp_tunnel_xmit_skb(rt, ov->sock->sk, skb, saddr, node->remote, tos, ttl,
			    df, sport, ov->port, false, true);
	return NETDEV_TX_OK;

err_nomem:
	ip_rt_put(rt);
	kn_overlay_drop(br, skb, KN_DROP_A_NOMEM, true);
	return NETDEV_TX_OK;
}

static struct socket *kn_overlay_sock_open(struct kn_bridge *br, __be16 port,
					   struct netlink_ext_ack *extack)
{
	struct udp_tunnel_sock_cfg tunnel_cfg = {
		.sk_user_data = br,
		.encap_type = 1,
		.encap_rcv = kn_overlay_rcv,
	};
	struct udp_port_cfg udp_conf = {
		.family = AF_INET,
		.local_ip.s_addr = htonl(INADDR_ANY),
		.local_udp_port = port,
	};
	struct net *net = dev_net(br->dev);
	struct socket *sock;
	int err;

	err = udp_sock_create(net, &udp_conf, &sock);
	if (err) {
		if (err == -EADDRINUSE)
			NL_SET_ERR_MSG(extack,
				       "the overlay's UDP port is in use in this network namespace");
		else
			NL_SET_ERR_MSG(extack, "cannot open the overlay's UDP socket");
		return ERR_PTR(err);
	}
	udp_allow_gso(sock->sk);
	setup_udp_tunnel_sock(net, sock, &tunnel_cfg);
	return sock;
}

/*
 * Publishes @new (NULL: no overlay) in place of the current overlay and
 * frees the old one.  Its socket is closed unless @new took it over.
 * Called with RTNL held; sleeps.
 */
static void kn_overlay_replace(struct kn_bridge *br, struct kn_overlay *new)
{
	struct kn_overlay *old = rtnl_dereference(br->overlay);

	rcu_assign_pointer(br->overlay, new);
	if (!old)
		return;
	if (new && new->sock == old->sock) {
		kfree_rcu(old, rcu);
		return;
	}
	/* waits for readers of the socket, and so of @old, to finish */
	udp_tunnel_sock_release(old->sock);
	kfree(old);
	netdev_dbg(br->dev, "kn overlay socket closed\n");
}

/*
 * Sets or changes the overlay of @br.  A new port opens a new socket
 * before the old one closes, so a failure changes nothing.  Called with
 * RTNL held.
 */
int kn_overlay_set(struct kn_bridge *br, const struct kn_overlay_change *change,
		   struct netlink_ext_ack *extack)
{
	struct kn_overlay *old = rtnl_dereference(br->overlay);
	struct kn_overlay *new;

	ASSERT_RTNL();
	if (!old && !change->has_local) {
		NL_SET_ERR_MSG(extack, "a new overlay needs its local (VTEP) address");
		return -EINVAL;
	}
	new = kzalloc(sizeof(*new), GFP_KERNEL);
	if (!new)
		return -ENOMEM;
	if (old) {
		*new = *old;
	} else {
		new->port = htons(KN_OVERLAY_PORT_DEFAULT);
		new->vni = KN_VNI_DEFAULT;
	}
	if (change->has_local)
		new->local = change->local;
	if (change->has_port)
		new->port = htons(change->port);
	if (change->has_vni)
		new->vni = change->vni;

	if (!old || old->port != new->port) {
		new->sock = kn_overlay_sock_open(br, new->port, extack);
		if (IS_ERR(new->sock)) {
			int err = PTR_ERR(new->sock);

			kfree(new);
			return err;
		}
		netdev_dbg(br->dev, "kn overlay socket opened on port %u\n",
			   ntohs(new->port));
	}
	kn_overlay_replace(br, new);
	return 0;
}

/* Removes the overlay of @br.  Called with RTNL held. */
int kn_overlay_del(struct kn_bridge *br, struct netlink_ext_ack *extack)
{
	ASSERT_RTNL();
	if (!rtnl_dereference(br->overlay)) {
		NL_SET_ERR_MSG(extack, "the device has no overlay");
		return -ENOENT;
	}
	kn_overlay_replace(br, NULL);
	return 0;
}
