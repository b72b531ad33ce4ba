/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The rtnetlink requests the pod commands make, over nl.h: look a link up,
 * read its IPv4 address, create a veth pair whose peer lands in another
 * network namespace, bring a link up, add an address and a default route,
 * delete a link.  And those of the node commands: a permanent neighbour
 * and an onlink route through a kn device per remote node, and a dump of
 * the IPv4 routes to check that a route about to be replaced is kn's.
 *
 * Each request acts on the namespace of the socket it is sent on (see
 * nl.h).  Every function returns 0 or a negative errno; when the kernel
 * refused, kn_nl_error_message() says why.  The message builders are
 * separate from the sending so the unit tests can read requests back.
 */
#ifndef KN_CTL_RTNL_H
#define KN_CTL_RTNL_H

#include <stdbool.h>
#include <stdint.h>
#include <net/if.h>
#include <netinet/in.h>

#include "nl.h"
#include "parse.h"

#define KN_MAC_LEN		6
#define KN_MAC_STRLEN		sizeof("00:00:00:00:00:00")

/*
 * The protocol of the routes kn-ctl installs for remote nodes' pod
 * subnets ("ip route show proto 107"); not one iproute2's rt_protos
 * names.  kn-ctl replaces and deletes only routes of this protocol.
 */
#define KN_RTPROT		107

/* What kn-ctl reads from a link. */
struct kn_link {
	int ifindex;
	unsigned int flags;		/* IFF_* */
	uint32_t mtu;
	uint32_t master;		/* ifindex of the bridge it is a port of, or 0 */
	bool has_mac;
	uint8_t mac[KN_MAC_LEN];
	char name[IF_NAMESIZE];
	char kind[16];			/* IFLA_INFO_KIND: "veth", "bridge", "kn"; "" if none */
};

/* A veth pair: one end here, the peer in the namespace of peer_netns_fd. */
struct kn_veth_request {
	const char *name;		/* this end */
	const char *peer_name;		/* the end in the other namespace */
	int peer_netns_fd;		/* an open /run/netns/NAME, or -1: here */
	int master;			/* bridge for this end; 0 for none */
	uint32_t mtu;			/* both ends; 0 for the kernel's default */
	/*
	 * This end administratively up.  The peer stays down: bring it up
	 * from its namespace once it exists.  Asked at creation, the peer's
	 * veth_open() runs before the pair is linked and some kernels (6.18)
	 * fail it with ENOTCONN.
	 */
	bool up;
};

/* What kn-ctl reads from an IPv4 route (RTM_NEWROUTE). */
struct kn_route {
	uint32_t table;			/* RTA_TABLE, else rtm_table */
	struct in_addr dst;		/* 0.0.0.0 for a default route */
	uint8_t dst_len;
	uint8_t tos;
	uint8_t protocol;		/* RTPROT_*, or KN_RTPROT */
	uint8_t type;			/* RTN_* */
	uint32_t priority;		/* the metric; 0 when absent */
	uint32_t oif;			/* 0 when absent (multipath) */
	bool has_gateway;
	struct in_addr gateway;
};

/* Looks a link up by name; -ENODEV when there is none. */
int kn_rtnl_get_link(struct kn_nl *nl, const char *name, struct kn_link *link);
/*
 * The first primary (not secondary) IPv4 address of the link, with its
 * prefix length; -EADDRNOTAVAIL when it has none.
 */
int kn_rtnl_get_ipv4(struct kn_nl *nl, int ifindex, struct in_addr *addr,
		     uint8_t *prefix_len);
/* Creates the pair in one request; -EEXIST when this end's name is taken. */
int kn_rtnl_add_veth(struct kn_nl *nl, const struct kn_veth_request *req);
/* Sets IFF_UP on the link named name. */
int kn_rtnl_set_up(struct kn_nl *nl, const char *name);
/* Adds addr/prefix_len (with its broadcast address) to the link. */
int kn_rtnl_add_ipv4(struct kn_nl *nl, int ifindex, struct in_addr addr,
		     uint8_t prefix_len);
/* Adds "default via gateway dev ifindex" to the main table. */
int kn_rtnl_add_default_route(struct kn_nl *nl, int ifindex, struct in_addr gateway);
/* Deletes the link named name; -ENODEV when there is none. */
int kn_rtnl_del_link(struct kn_nl *nl, const char *name);

/*
 * "ip neigh replace ADDR lladdr LLADDR dev IFINDEX nud permanent": creates
 * the entry or overwrites whatever is there.
 */
int kn_rtnl_replace_neigh(struct kn_nl *nl, int ifindex, struct in_addr addr,
			  const uint8_t lladdr[KN_MAC_LEN]);
/* "ip neigh del ADDR dev IFINDEX"; -ENOENT when there is none. */
int kn_rtnl_del_neigh(struct kn_nl *nl, int ifindex, struct in_addr addr);
/*
 * "ip route replace DST via GATEWAY dev IFINDEX onlink proto 107" in the
 * main table: creates the route, or replaces the one with the same
 * destination, TOS and metric (0), whatever made it.
 */
int kn_rtnl_replace_onlink_route(struct kn_nl *nl, int ifindex,
				 const struct kn_cidr *dst, struct in_addr gateway);
/*
 * Deletes that route, and only if it is kn's: same destination, gateway,
 * device and protocol KN_RTPROT; -ESRCH when there is none.
 */
int kn_rtnl_del_onlink_route(struct kn_nl *nl, int ifindex,
			     const struct kn_cidr *dst, struct in_addr gateway);
/*
 * Runs cb on every IPv4 route of every table (one RTM_NEWROUTE each; read
 * it with kn_rtnl_parse_route()).  -EINTR when the routes changed during
 * the dump; the socket must then be reopened before the next request.
 */
int kn_rtnl_dump_ipv4_routes(struct kn_nl *nl, kn_nl_reply_cb cb, void *data);

/* The builders and parsers behind the requests, for the tests too. */
void kn_rtnl_veth_msg(struct nlmsghdr *nlh, const struct kn_veth_request *req);
void kn_rtnl_ipv4_msg(struct nlmsghdr *nlh, int ifindex, struct in_addr addr,
		      uint8_t prefix_len);
void kn_rtnl_default_route_msg(struct nlmsghdr *nlh, int ifindex,
			       struct in_addr gateway);
/* A kn_nl_reply_cb filling a struct kn_link from an RTM_NEWLINK. */
int kn_rtnl_parse_link(const struct nlmsghdr *nlh, void *data);
/* type is RTM_NEWNEIGH (replace, permanent) or RTM_DELNEIGH (lladdr unused). */
void kn_rtnl_neigh_msg(struct nlmsghdr *nlh, uint16_t type, int ifindex,
		       struct in_addr addr, const uint8_t lladdr[KN_MAC_LEN]);
/* type is RTM_NEWROUTE (replace) or RTM_DELROUTE. */
void kn_rtnl_onlink_route_msg(struct nlmsghdr *nlh, uint16_t type, int ifindex,
			      const struct kn_cidr *dst, struct in_addr gateway);
/* Fills route from an RTM_NEWROUTE of family AF_INET; -EBADMSG otherwise. */
int kn_rtnl_parse_route(const struct nlmsghdr *nlh, struct kn_route *route);

/* "02:00:0a:f4:01:02" */
void kn_mac_format(const uint8_t mac[KN_MAC_LEN], char buf[KN_MAC_STRLEN]);

#endif /* KN_CTL_RTNL_H */
