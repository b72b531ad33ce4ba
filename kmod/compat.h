/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels kn builds against lives here, so the
 * rest of the module is written against one API.  The baseline is 6.1 LTS
 * (Debian 12); newer kernels are mapped back to it.
 */
#ifndef _KN_COMPAT_H
#define _KN_COMPAT_H

#include <linux/version.h>

#if KERNEL_VERSION(6, 1, 0) > LINUX_VERSION_CODE
#error "kn needs Linux 6.1 or newer"
#endif

#include <linux/netdevice.h>
#include <net/genetlink.h>
#include <net/route.h>

/*
 * 6.12 turned NETIF_F_LLTX and NETIF_F_NETNS_LOCAL from feature bits into
 * net_device fields (dev->lltx, dev->netns_local).
 */
static inline void kn_compat_set_lltx_netns_local(struct net_device *dev)
{
#if KERNEL_VERSION(6, 12, 0) <= LINUX_VERSION_CODE
	dev->lltx = true;
	dev->netns_local = true;
#else
	dev->features |= NETIF_F_LLTX | NETIF_F_NETNS_LOCAL;
#endif
}

/*
 * An input route for @skb as if it had come in by @dev from @src to @dst.
 * 6.13 took the TOS as dscp_t and made the result a drop reason.
 */
static inline int kn_compat_route_input(struct sk_buff *skb, __be32 dst, __be32 src,
					u8 tos, struct net_device *dev)
{
#if KERNEL_VERSION(6, 13, 0) <= LINUX_VERSION_CODE
	return ip_route_input_noref(skb, dst, src, inet_dsfield_to_dscp(tos), dev) ?
	       -EHOSTUNREACH : 0;
#else
	return ip_route_input_noref(skb, dst, src, tos, dev);
#endif
}

/* 6.2 moved a dump's parsed request attributes into a struct genl_info. */
static inline struct nlattr **kn_compat_dump_attrs(struct netlink_callback *cb)
{
#if KERNEL_VERSION(6, 2, 0) <= LINUX_VERSION_CODE
	return genl_dumpit_info(cb)->info.attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

/*
 * kn_link_ops has no .newlink (rtnl_newlink() registers the device itself
 * and ndo_init does the rest), so the newlink signature changes of later
 * kernels (struct rtnl_newlink_params, 6.15) do not reach kn.
 */

#endif /* _KN_COMPAT_H */
