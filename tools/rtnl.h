/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The rtnetlink requests the pod commands make, over nl.h: look a link up,
 * read its IPv4 address, create a veth pair whose peer lands in another
 * network namespace, bring a link up, add an address and a default route,
 * delete a link.
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

#define KN_MAC_LEN		6
#define KN_MAC_STRLEN		sizeof("00:00:00:00:00:00")

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

/* The builders and parsers behind the requests, for the tests too. */
void kn_rtnl_veth_msg(struct nlmsghdr *nlh, const struct kn_veth_request *req);
void kn_rtnl_ipv4_msg(struct nlmsghdr *nlh, int ifindex, struct in_addr addr,
		      uint8_t prefix_len);
void kn_rtnl_default_route_msg(struct nlmsghdr *nlh, int ifindex,
			       struct in_addr gateway);
/* A kn_nl_reply_cb filling a struct kn_link from an RTM_NEWLINK. */
int kn_rtnl_parse_link(const struct nlmsghdr *nlh, void *data);

/* "02:00:0a:f4:01:02" */
void kn_mac_format(const uint8_t mac[KN_MAC_LEN], char buf[KN_MAC_STRLEN]);

#endif /* KN_CTL_RTNL_H */
