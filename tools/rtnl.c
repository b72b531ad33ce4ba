// SPDX-License-Identifier: GPL-2.0
/*
 * The rtnetlink requests the pod commands make; see rtnl.h.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>

#include "parse.h"
#include "rtnl.h"

/* --- requests --- */

static struct ifinfomsg *put_ifinfomsg(struct nlmsghdr *nlh, bool up)
{
	struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));

	ifm->ifi_family = AF_UNSPEC;
	if (up) {
		ifm->ifi_flags = IFF_UP;
		ifm->ifi_change = IFF_UP;
	}
	return ifm;
}

/*
 * The one request "ip link add NAME mtu M master BR up type veth peer name
 * PEER netns NS mtu M" sends: the peer is created directly in its
 * namespace, so its name only has to be free there.
 */
void kn_rtnl_veth_msg(struct nlmsghdr *nlh, const struct kn_veth_request *req)
{
	struct nlattr *linkinfo, *data, *peer;

	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags |= NLM_F_CREATE | NLM_F_EXCL;
	put_ifinfomsg(nlh, req->up);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, req->name);
	if (req->mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, req->mtu);
	if (req->master)
		mnl_attr_put_u32(nlh, IFLA_MASTER, req->master);

	linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	peer = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	/* The peer's attributes follow an ifinfomsg of its own; no IFF_UP. */
	put_ifinfomsg(nlh, false);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, req->peer_name);
	if (req->peer_netns_fd >= 0)
		mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, req->peer_netns_fd);
	if (req->mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, req->mtu);
	mnl_attr_nest_end(nlh, peer);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, linkinfo);
}

void kn_rtnl_ipv4_msg(struct nlmsghdr *nlh, int ifindex, struct in_addr addr,
		      uint8_t prefix_len)
{
	struct ifaddrmsg *ifa;

	nlh->nlmsg_type = RTM_NEWADDR;
	nlh->nlmsg_flags |= NLM_F_CREATE | NLM_F_EXCL;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = prefix_len;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = ifindex;
	/* IFA_LOCAL is the address; IFA_ADDRESS the peer, the same off p2p. */
	mnl_attr_put_u32(nlh, IFA_LOCAL, addr.s_addr);
	mnl_attr_put_u32(nlh, IFA_ADDRESS, addr.s_addr);
	/* /31 and /32 have no broadcast address (RFC 3021). */
	if (prefix_len < 31)
		mnl_attr_put_u32(nlh, IFA_BROADCAST,
				 addr.s_addr | ~kn_prefix_mask(prefix_len));
}

void kn_rtnl_default_route_msg(struct nlmsghdr *nlh, int ifindex,
			       struct in_addr gateway)
{
	struct rtmsg *rtm;

	nlh->nlmsg_type = RTM_NEWROUTE;
	nlh->nlmsg_flags |= NLM_F_CREATE | NLM_F_EXCL;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = 0;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_BOOT;	/* what "ip route add" uses */
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put_u32(nlh, RTA_GATEWAY, gateway.s_addr);
	mnl_attr_put_u32(nlh, RTA_OIF, ifindex);
}

/*
 * A permanent entry never ages and is never probed: the host sends to addr
 * at once, with lladdr as the destination.  NLM_F_REPLACE overrides an
 * entry in any state, such as a FAILED one left by an earlier ARP attempt.
 */
void kn_rtnl_neigh_msg(struct nlmsghdr *nlh, uint16_t type, int ifindex,
		       struct in_addr addr, const uint8_t lladdr[KN_MAC_LEN])
{
	struct ndmsg *ndm;

	nlh->nlmsg_type = type;
	if (type == RTM_NEWNEIGH)
		nlh->nlmsg_flags |= NLM_F_CREATE | NLM_F_REPLACE;
	ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));
	ndm->ndm_family = AF_INET;
	ndm->ndm_ifindex = ifindex;
	ndm->ndm_state = NUD_PERMANENT;
	mnl_attr_put_u32(nlh, NDA_DST, addr.s_addr);
	if (type == RTM_NEWNEIGH)
		mnl_attr_put(nlh, NDA_LLADDR, KN_MAC_LEN, lladdr);
}

/*
 * "onlink" (RTNH_F_ONLINK) tells the kernel the gateway is reachable on
 * the device though no subnet of the device covers it; it wants the
 * device up and the route's scope universe.  A delete names the gateway,
 * the device and KN_RTPROT so that fib_table_delete() matches kn's route
 * and nothing else, in any scope (RT_SCOPE_NOWHERE).
 */
void kn_rtnl_onlink_route_msg(struct nlmsghdr *nlh, uint16_t type, int ifindex,
			      const struct kn_cidr *dst, struct in_addr gateway)
{
	struct rtmsg *rtm;

	nlh->nlmsg_type = type;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = dst->prefix_len;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = KN_RTPROT;
	rtm->rtm_type = RTN_UNICAST;
	if (type == RTM_NEWROUTE) {
		nlh->nlmsg_flags |= NLM_F_CREATE | NLM_F_REPLACE;
		rtm->rtm_scope = RT_SCOPE_UNIVERSE;
		rtm->rtm_flags = RTNH_F_ONLINK;
	} else {
		rtm->rtm_scope = RT_SCOPE_NOWHERE;
	}
	if (dst->prefix_len)
		mnl_attr_put_u32(nlh, RTA_DST, dst->addr.s_addr);
	mnl_attr_put_u32(nlh, RTA_GATEWAY, gateway.s_addr);
	mnl_attr_put_u32(nlh, RTA_OIF, ifindex);
}

int kn_rtnl_add_veth(struct kn_nl *nl, const struct kn_veth_request *req)
{
	struct nlmsghdr *nlh = kn_nl_msg_start(nl, RTM_NEWLINK, 0);

	kn_rtnl_veth_msg(nlh, req);
	return kn_nl_talk(nl, nlh, NULL, NULL);
}

int kn_rtnl_set_up(struct kn_nl *nl, const char *name)
{
	struct nlmsghdr *nlh = kn_nl_msg_start(nl, RTM_NEWLINK, 0);

	put_ifinfomsg(nlh, true);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return kn_nl_talk(nl, nlh, NULL, NULL);
}

int kn_rtnl_add_ipv4(struct kn_nl *nl, int ifindex, struct in_addr addr,
		     uint8_t prefix_len)
{
	struct nlmsghdr *nlh = kn_nl_msg_start(nl, RTM_NEWADDR, 0);

	kn_rtnl_ipv4_msg(nlh, ifindex, addr, prefix_len);
	return kn_nl_talk(nl, nlh, NULL, NULL);
}

int kn_rtnl_add_default_route(struct kn_nl *nl, int ifindex, struct in_addr gateway)
{
	struct nlmsghdr *nlh = kn_nl_msg_start(nl, RTM_NEWROUTE, 0);

	kn_rtnl_default_route_msg(nlh, ifindex, gateway);
	return kn_nl_talk(nl, nlh, NULL, NULL);
}

int kn_rtnl_del_link(struct kn_nl *nl, const char *name)
{
	struct nlmsghdr *nlh = kn_nl_msg_start(nl, RTM_DELLINK, 0);

	put_ifinfomsg(nlh, false);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return kn_nl_talk(nl, nlh, NULL, NULL);
}

int kn_rtnl_replace_neigh(struct kn_nl *nl, int ifindex, struct in_addr addr,
			  const uint8_t lladdr[KN_MAC_LEN])
{
	struct nlmsghdr *nlh = kn_nl_msg_start(nl, RTM_NEWNEIGH, 0);

	kn_rtnl_neigh_msg(nlh, RTM_NEWNEIGH, ifindex, addr, lladdr);
	return kn_nl_talk(nl, nlh, NULL, NULL);
}

int kn_rtnl_del_neigh(struct kn_nl *nl, int ifindex, struct in_addr addr)
{
	struct nlmsghdr *nlh = kn_nl_msg_start(nl, RTM_DELNEIGH, 0);

	kn_rtnl_neigh_msg(nlh, RTM_DELNEIGH, ifindex, addr, NULL);
	return kn_nl_talk(nl, nlh, NULL, NULL);
}

int kn_rtnl_replace_onlink_route(struct kn_nl *nl, int ifindex,
				 const struct kn_cidr *dst, struct in_addr gateway)
{
	struct nlmsghdr *nlh = kn_nl_msg_start(nl, RTM_NEWROUTE, 0);

	kn_rtnl_onlink_route_msg(nlh, RTM_NEWROUTE, ifindex, dst, gateway);
	return kn_nl_talk(nl, nlh, NULL, NULL);
}

int kn_rtnl_del_onlink_route(struct kn_nl *nl, int ifindex,
			     const struct kn_cidr *dst, struct in_addr gateway)
{
	struct nlmsghdr *nlh = kn_nl_msg_start(nl, RTM_DELROUTE, 0);

	kn_rtnl_onlink_route_msg(nlh, RTM_DELROUTE, ifindex, dst, gateway);
	return kn_nl_talk(nl, nlh, NULL, NULL);
}

int kn_rtnl_dump_ipv4_routes(struct kn_nl *nl, kn_nl_reply_cb cb, void *data)
{
	struct nlmsghdr *nlh = kn_nl_msg_start(nl, RTM_GETROUTE, NLM_F_DUMP);
	struct rtmsg *rtm;

	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	return kn_nl_talk(nl, nlh, cb, data);
}

/* --- replies --- */

static const enum mnl_attr_data_type link_policy[IFLA_MAX + 1] = {
	[IFLA_IFNAME]	= MNL_TYPE_NUL_STRING,
	[IFLA_MTU]	= MNL_TYPE_U32,
	[IFLA_MASTER]	= MNL_TYPE_U32,
	[IFLA_ADDRESS]	= MNL_TYPE_BINARY,
	[IFLA_LINKINFO]	= MNL_TYPE_NESTED,
};

static const enum mnl_attr_data_type linkinfo_policy[IFLA_INFO_MAX + 1] = {
	[IFLA_INFO_KIND] = MNL_TYPE_NUL_STRING,
};

int kn_rtnl_parse_link(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *info_tb[IFLA_INFO_MAX + 1];
	const struct nlattr *tb[IFLA_MAX + 1];
	const struct ifinfomsg *ifm;
	struct kn_link *link = data;
	int err;

	if (nlh->nlmsg_type != RTM_NEWLINK ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifm))
		return -EBADMSG;
	ifm = mnl_nlmsg_get_payload(nlh);
	err = kn_nl_parse_attrs(nlh, sizeof(*ifm), link_policy, IFLA_MAX, tb);
	if (err)
		return err;

	memset(link, 0, sizeof(*link));
	link->ifindex = ifm->ifi_index;
	link->flags = ifm->ifi_flags;
	if (tb[IFLA_IFNAME])
		snprintf(link->name, sizeof(link->name), "%s",
			 mnl_attr_get_str(tb[IFLA_IFNAME]));
	if (tb[IFLA_MTU])
		link->mtu = mnl_attr_get_u32(tb[IFLA_MTU]);
	if (tb[IFLA_MASTER])
		link->master = mnl_attr_get_u32(tb[IFLA_MASTER]);
	if (tb[IFLA_ADDRESS] && mnl_attr_get_payload_len(tb[IFLA_ADDRESS]) == KN_MAC_LEN) {
		link->has_mac = true;
		memcpy(link->mac, mnl_attr_get_payload(tb[IFLA_ADDRESS]), KN_MAC_LEN);
	}
	if (tb[IFLA_LINKINFO]) {
		err = kn_nl_parse_nested(tb[IFLA_LINKINFO], linkinfo_policy,
					 IFLA_INFO_MAX, info_tb);
		if (err)
			return err;
		if (info_tb[IFLA_INFO_KIND])
			snprintf(link->kind, sizeof(link->kind), "%s",
				 mnl_attr_get_str(info_tb[IFLA_INFO_KIND]));
	}
	return 0;
}

int kn_rtnl_get_link(struct kn_nl *nl, const char *name, struct kn_link *link)
{
	struct nlmsghdr *nlh = kn_nl_msg_start(nl, RTM_GETLINK, 0);
	int err;

	put_ifinfomsg(nlh, false);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	/* Counters are no use here and make the reply ten times bigger. */
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	link->ifindex = 0;
	err = kn_nl_talk(nl, nlh, kn_rtnl_parse_link, link);
	if (!err && link->ifindex <= 0)
		err = -EBADMSG;		/* acked, but no link came */
	return err;
}

struct ipv4_query {
	int ifindex;
	bool found;
	struct in_addr addr;
	uint8_t prefix_len;
};

static const enum mnl_attr_data_type addr_policy[IFA_MAX + 1] = {
	[IFA_ADDRESS]	= MNL_TYPE_U32,
	[IFA_LOCAL]	= MNL_TYPE_U32,
	[IFA_FLAGS]	= MNL_TYPE_U32,
};

static int ipv4_reply_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[IFA_MAX + 1];
	struct ipv4_query *query = data;
	const struct ifaddrmsg *ifa;
	const struct nlattr *addr;
	uint32_t flags;
	int err;

	if (nlh->nlmsg_type != RTM_NEWADDR ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifa))
		return -EBADMSG;
	ifa = mnl_nlmsg_get_payload(nlh);
	if (query->found || ifa->ifa_family != AF_INET ||
	    (int)ifa->ifa_index != query->ifindex)
		return 0;
	err = kn_nl_parse_attrs(nlh, sizeof(*ifa), addr_policy, IFA_MAX, tb);
	if (err)
		return err;
	/* IFA_FLAGS, when present, is the full set; ifa_flags its low byte. */
	flags = tb[IFA_FLAGS] ? mnl_attr_get_u32(tb[IFA_FLAGS]) : ifa->ifa_flags;
	if (flags & IFA_F_SECONDARY)
		return 0;
	addr = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
	if (!addr)
		return 0;
	query->found = true;
	query->addr.s_addr = mnl_attr_get_u32(addr);
	query->prefix_len = ifa->ifa_prefixlen;
	return 0;
}

int kn_rtnl_get_ipv4(struct kn_nl *nl, int ifindex, struct in_addr *addr,
		     uint8_t *prefix_len)
{
	struct ipv4_query query = { .ifindex = ifindex };
	struct nlmsghdr *nlh = kn_nl_msg_start(nl, RTM_GETADDR, NLM_F_DUMP);
	struct ifaddrmsg *ifa;
	int err;

	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_INET;
	err = kn_nl_talk(nl, nlh, ipv4_reply_cb, &query);
	if (err)
		return err;
	if (!query.found)
		return -EADDRNOTAVAIL;
	*addr = query.addr;
	*prefix_len = query.prefix_len;
	return 0;
}

static const enum mnl_attr_data_type route_policy[RTA_MAX + 1] = {
	[RTA_DST]	= MNL_TYPE_U32,
	[RTA_OIF]	= MNL_TYPE_U32,
	[RTA_GATEWAY]	= MNL_TYPE_U32,
	[RTA_PRIORITY]	= MNL_TYPE_U32,
	[RTA_TABLE]	= MNL_TYPE_U32,
};

int kn_rtnl_parse_route(const struct nlmsghdr *nlh, struct kn_route *route)
{
	const struct nlattr *tb[RTA_MAX + 1];
	const struct rtmsg *rtm;
	int err;

	if (nlh->nlmsg_type != RTM_NEWROUTE ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*rtm))
		return -EBADMSG;
	rtm = mnl_nlmsg_get_payload(nlh);
	if (rtm->rtm_family != AF_INET)
		return -EBADMSG;
	err = kn_nl_parse_attrs(nlh, sizeof(*rtm), route_policy, RTA_MAX, tb);
	if (err)
		return err;

	memset(route, 0, sizeof(*route));
	/* Table ids above 255 are only in RTA_TABLE (rtm_table says COMPAT). */
	route->table = tb[RTA_TABLE] ? mnl_attr_get_u32(tb[RTA_TABLE]) : rtm->rtm_table;
	route->dst_len = rtm->rtm_dst_len;
	route->tos = rtm->rtm_tos;
	route->protocol = rtm->rtm_protocol;
	route->type = rtm->rtm_type;
	if (tb[RTA_DST])
		route->dst.s_addr = mnl_attr_get_u32(tb[RTA_DST]);
	if (tb[RTA_PRIORITY])
		route->priority = mnl_attr_get_u32(tb[RTA_PRIORITY]);
	if (tb[RTA_OIF])
		route->oif = mnl_attr_get_u32(tb[RTA_OIF]);
	if (tb[RTA_GATEWAY]) {
		route->has_gateway = true;
		route->gateway.s_addr = mnl_attr_get_u32(tb[RTA_GATEWAY]);
	}
	return 0;
}

void kn_mac_format(const uint8_t mac[KN_MAC_LEN], char buf[KN_MAC_STRLEN])
{
	snprintf(buf, KN_MAC_STRLEN, "%02x:%02x:%02x:%02x:%02x:%02x",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}
