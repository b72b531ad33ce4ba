// SPDX-License-Identifier: GPL-2.0
/*
 * kn-ctl node: the node table of a kn device (KN_CMD_NEW_NODE,
 * KN_CMD_DEL_NODE, KN_CMD_GET_NODE, a dump) and the host routes that lead
 * into it (rtnetlink).
 *
 * A remote node's pod subnet PREFIX is reached at L3, as flannel does it:
 *   1. the node table entry PREFIX -> the node's underlay address (genl);
 *   2. a permanent neighbour "NETWORK lladdr <the kn device's own MAC>",
 *      NETWORK being PREFIX's network address (10.244.2.0 for
 *      10.244.2.0/24);
 *   3. the route "PREFIX via NETWORK dev KN onlink", proto KN_RTPROT, in
 *      the main table.
 * The host so sends remote pods' packets to the kn device's own MAC, and
 * the device looks their destination up in its node table.
 *
 * node add does 1, 2, 3 and, when 2 or 3 fails, undoes what it did;
 * node replace does the same with KN_CMD_REPLACE_NODE and puts the entry it
 * replaced back.  node del undoes 3, 2, 1; a route or neighbour that is
 * already gone is no error there, a missing entry is the kernel's ENOENT.
 * Neighbours and routes are written with NLM_F_REPLACE, so an add that
 * failed half-way can simply be run again.  But the kernel replaces the
 * route with the same destination whoever made it, so a route to PREFIX
 * that is not kn's (the underlay's own subnet, typed by mistake) is
 * refused before anything changes.  Overlapping prefixes may share a
 * network address and so a neighbour, which goes with the last of them.
 *
 * The kernel flushes a device's routes and neighbours, permanent ones too,
 * when it goes down or changes its address; node sync puts them back from
 * the node table, which stays.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <linux/rtnetlink.h>

#include "uapi/kn.h"
#include "json.h"
#include "kn-ctl.h"
#include "rtnl.h"

/* "A.B.C.D/N", with room for a u8 N: the compiler cannot know N <= 32. */
#define KN_CIDR_STRLEN		(INET_ADDRSTRLEN + sizeof("/255") - 1)

static void format_cidr(const struct kn_cidr *cidr, char buf[KN_CIDR_STRLEN])
{
	char addr[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &cidr->addr, addr, sizeof(addr));
	snprintf(buf, KN_CIDR_STRLEN, "%s/%u", addr, cidr->prefix_len);
}

/* --- arguments --- */

static int parse_prefix(struct kn_invocation *inv, const char *what, const char *value,
			struct kn_cidr *prefix)
{
	char network[INET_ADDRSTRLEN];
	struct kn_cidr masked;

	switch (kn_parse_cidr(value, prefix)) {
	case 0:
		return 0;
	case -ERANGE:
		return kn_ctl_usage_error(inv, "%s: prefix '%s' has a prefix length outside 0 to 32",
					  what, value);
	case -EDOM:
		masked = kn_cidr_network(prefix);
		inet_ntop(AF_INET, &masked.addr, network, sizeof(network));
		return kn_ctl_usage_error(inv, "%s: prefix '%s' has host bits set (did you mean %s/%u?)",
					  what, value, network, masked.prefix_len);
	default:
		return kn_ctl_usage_error(inv, "%s: prefix '%s' is not an IPv4 prefix A.B.C.D/N",
					  what, value);
	}
}

static bool is_add_keyword(const char *word)
{
	return !strcmp(word, "via") || !strcmp(word, "dev") || !strcmp(word, "mac");
}

/*
 * node add|replace PREFIX via A.B.C.D dev KN [mac M], keywords in any
 * order after PREFIX.  A /0 is refused: its route would be a default
 * route through the kn device, with 0.0.0.0 as the gateway.
 */
static int parse_node_add(struct kn_invocation *inv, int argc, char **argv, bool replace)
{
	struct kn_node_add_args *args = &inv->args.node_add;
	const char *what = replace ? "node replace" : "node add";
	const char *key, *value;
	bool has_via = false;
	int i, err;

	args->replace = replace;
	if (!argc || is_add_keyword(argv[0]))
		return kn_ctl_usage_error(inv, "%s: missing PREFIX", what);
	err = parse_prefix(inv, what, argv[0], &args->prefix);
	if (err)
		return err;
	if (!args->prefix.prefix_len)
		return kn_ctl_usage_error(inv,
			"%s: prefix '%s' would be a default route through the kn device; give the node's pod subnet",
			what, argv[0]);

	for (i = 1; i < argc; i += 2) {
		key = argv[i];
		if (!is_add_keyword(key))
			return kn_ctl_usage_error(inv, "%s: unknown argument '%s'", what, key);
		if (i + 1 >= argc)
			return kn_ctl_usage_error(inv, "%s: %s needs a value", what, key);
		value = argv[i + 1];

		if (!strcmp(key, "dev")) {
			err = kn_ctl_parse_dev(inv, what, &args->dev, value);
			if (err)
				return err;
		} else if (!strcmp(key, "via")) {
			if (has_via)
				return kn_ctl_usage_error(inv, "%s: via is given twice", what);
			if (kn_parse_ipv4(value, &args->via))
				return kn_ctl_usage_error(inv,
					"%s: via '%s' is not an IPv4 address A.B.C.D", what, value);
			if (!kn_ipv4_unicast(args->via))
				return kn_ctl_usage_error(inv,
					"%s: via '%s' is not a unicast address", what, value);
			has_via = true;
		} else {
			if (args->has_mac)
				return kn_ctl_usage_error(inv, "%s: mac is given twice", what);
			if (kn_parse_mac(value, args->mac))
				return kn_ctl_usage_error(inv,
					"%s: mac '%s' is not an Ethernet address like 0a:58:0a:f4:02:01",
					what, value);
			if (!kn_mac_unicast(args->mac))
				return kn_ctl_usage_error(inv,
					"%s: mac '%s' is not a unicast address", what, value);
			args->has_mac = true;
		}
	}
	if (!has_via)
		return kn_ctl_usage_error(inv,
			"%s: via A.B.C.D, the node's underlay address, is required", what);
	if (!args->dev)
		return kn_ctl_usage_error(inv, "%s: dev KN is required", what);
	return 0;
}

static int node_add_parse(struct kn_invocation *inv, int argc, char **argv)
{
	return parse_node_add(inv, argc, argv, false);
}

static int node_replace_parse(struct kn_invocation *inv, int argc, char **argv)
{
	return parse_node_add(inv, argc, argv, true);
}

/* node del PREFIX dev KN */
static int node_del_parse(struct kn_invocation *inv, int argc, char **argv)
{
	struct kn_node_del_args *args = &inv->args.node_del;
	int i, err;

	if (!argc || !strcmp(argv[0], "dev"))
		return kn_ctl_usage_error(inv, "node del: missing PREFIX");
	err = parse_prefix(inv, "node del", argv[0], &args->prefix);
	if (err)
		return err;
	for (i = 1; i < argc; i += 2) {
		if (strcmp(argv[i], "dev"))
			return kn_ctl_usage_error(inv, "node del: unknown argument '%s'", argv[i]);
		if (i + 1 >= argc)
			return kn_ctl_usage_error(inv, "node del: dev needs a value");
		err = kn_ctl_parse_dev(inv, "node del", &args->dev, argv[i + 1]);
		if (err)
			return err;
	}
	if (!args->dev)
		return kn_ctl_usage_error(inv, "node del: dev KN is required");
	return 0;
}

/* node list [dev KN] */
static int node_list_parse(struct kn_invocation *inv, int argc, char **argv)
{
	return kn_ctl_parse_optional_dev(inv, "node list", argc, argv,
					 &inv->args.node_list.dev);
}

/* node sync [dev KN] */
static int node_sync_parse(struct kn_invocation *inv, int argc, char **argv)
{
	return kn_ctl_parse_optional_dev(inv, "node sync", argc, argv,
					 &inv->args.node_sync.dev);
}

/* --- requests and replies --- */

static void put_prefix(struct nlmsghdr *nlh, const struct kn_cidr *prefix)
{
	/* Already big-endian, as the be32 attribute wants it. */
	mnl_attr_put_u32(nlh, KN_NODE_A_PREFIX, prefix->addr.s_addr);
	mnl_attr_put_u8(nlh, KN_NODE_A_PREFIX_LEN, prefix->prefix_len);
}

/*
 * By index: the device the node's route and neighbour go to, which
 * kn-ctl looked up over rtnetlink, even if it is renamed meanwhile.
 */
void kn_node_new_put_attrs(struct nlmsghdr *nlh, uint32_t ifindex,
			   const struct kn_node_add_args *args)
{
	struct nlattr *nest;

	mnl_attr_put_u32(nlh, KN_A_IFINDEX, ifindex);
	nest = mnl_attr_nest_start(nlh, KN_A_NODE);
	put_prefix(nlh, &args->prefix);
	mnl_attr_put_u32(nlh, KN_NODE_A_REMOTE, args->via.s_addr);
	if (args->has_mac)
		mnl_attr_put(nlh, KN_NODE_A_MAC, KN_MAC_LEN, args->mac);
	mnl_attr_nest_end(nlh, nest);
}

/*
 * The command that adds a node, or replaces the one with its prefix.  The
 * family checks nlmsg_flags strictly (only REQUEST, ACK, ECHO), so
 * replacing is a command of its own, not NLM_F_REPLACE.
 */
uint8_t kn_node_new_cmd(bool replace)
{
	return replace ? KN_CMD_REPLACE_NODE : KN_CMD_NEW_NODE;
}

void kn_node_del_put_attrs(struct nlmsghdr *nlh, uint32_t ifindex,
			   const struct kn_cidr *prefix)
{
	struct nlattr *nest;

	mnl_attr_put_u32(nlh, KN_A_IFINDEX, ifindex);
	nest = mnl_attr_nest_start(nlh, KN_A_NODE);
	put_prefix(nlh, prefix);
	mnl_attr_nest_end(nlh, nest);
}

static const enum mnl_attr_data_type top_policy[KN_A_MAX + 1] = {
	[KN_A_IFINDEX]	= MNL_TYPE_U32,
	[KN_A_NODE]	= MNL_TYPE_NESTED,
};

static const enum mnl_attr_data_type node_policy[KN_NODE_A_MAX + 1] = {
	[KN_NODE_A_PREFIX]	= MNL_TYPE_U32,
	[KN_NODE_A_PREFIX_LEN]	= MNL_TYPE_U8,
	[KN_NODE_A_REMOTE]	= MNL_TYPE_U32,
	[KN_NODE_A_MAC]		= MNL_TYPE_BINARY,
	[KN_NODE_A_FLAGS]	= MNL_TYPE_U32,
};

int kn_node_parse_reply(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *node_tb[KN_NODE_A_MAX + 1];
	const struct nlattr *tb[KN_A_MAX + 1];
	struct kn_node_table *table = data;
	struct kn_node_entry *entry;
	unsigned int type;
	int err;

	err = kn_genl_parse_attrs(nlh, top_policy, KN_A_MAX, tb);
	if (err)
		return err;
	if (!tb[KN_A_IFINDEX] || !tb[KN_A_NODE])
		return -EBADMSG;
	err = kn_genl_parse_nested(tb[KN_A_NODE], node_policy, KN_NODE_A_MAX, node_tb);
	if (err)
		return err;
	/* The contract says every attribute is present. */
	for (type = KN_NODE_A_UNSPEC + 1; type <= KN_NODE_A_MAX; type++)
		if (!node_tb[type])
			return -EBADMSG;
	if (mnl_attr_get_payload_len(node_tb[KN_NODE_A_MAC]) != KN_MAC_LEN ||
	    mnl_attr_get_u8(node_tb[KN_NODE_A_PREFIX_LEN]) > 32)
		return -EBADMSG;

	entry = KN_TABLE_APPEND(table, 64);
	if (!entry)
		return -ENOMEM;
	entry->ifindex = mnl_attr_get_u32(tb[KN_A_IFINDEX]);
	entry->prefix.addr.s_addr = mnl_attr_get_u32(node_tb[KN_NODE_A_PREFIX]);
	entry->prefix.prefix_len = mnl_attr_get_u8(node_tb[KN_NODE_A_PREFIX_LEN]);
	entry->remote.s_addr = mnl_attr_get_u32(node_tb[KN_NODE_A_REMOTE]);
	memcpy(entry->mac, mnl_attr_get_payload(node_tb[KN_NODE_A_MAC]), KN_MAC_LEN);
	entry->mac_set = mnl_attr_get_u32(node_tb[KN_NODE_A_FLAGS]) & KN_NODE_F_MAC_SET;
	return 0;
}

void kn_node_table_free(struct kn_node_table *table)
{
	KN_TABLE_FREE(table);
}

static int compare_entries(const void *a, const void *b)
{
	const struct kn_node_entry *x = a, *y = b;
	uint32_t xa = ntohl(x->prefix.addr.s_addr), ya = ntohl(y->prefix.addr.s_addr);

	if (x->ifindex != y->ifindex)
		return x->ifindex < y->ifindex ? -1 : 1;
	if (xa != ya)
		return xa < ya ? -1 : 1;
	return (int)x->prefix.prefix_len - (int)y->prefix.prefix_len;
}

void kn_node_table_sort(struct kn_node_table *table)
{
	KN_TABLE_SORT(table, compare_entries);
}

void kn_node_derived_mac(struct in_addr remote, uint8_t mac[KN_MAC_LEN])
{
	mac[0] = KN_NODE_MAC_DERIVED_0;
	mac[1] = KN_NODE_MAC_DERIVED_1;
	memcpy(mac + 2, &remote.s_addr, 4);	/* network order: 192.168.0.2 -> c0:a8:00:02 */
}

/*
 * fib_table_insert() with NLM_F_REPLACE replaces the first route of the
 * table with the same destination, TOS and metric, whatever its protocol
 * or device; kn's route has TOS 0 and metric 0.
 */
bool kn_node_route_conflict(const struct kn_route *route, const struct kn_cidr *prefix)
{
	return route->table == RT_TABLE_MAIN && route->dst_len == prefix->prefix_len &&
	       route->dst.s_addr == prefix->addr.s_addr && !route->tos &&
	       !route->priority && route->protocol != KN_RTPROT;
}

/* --- the node table, the device, the host's routes --- */

/* The entry for exactly prefix, or NULL. */
static const struct kn_node_entry *find_entry(const struct kn_node_table *table,
					      const struct kn_cidr *prefix)
{
	size_t i;

	for (i = 0; i < table->count; i++)
		if (table->entries[i].prefix.addr.s_addr == prefix->addr.s_addr &&
		    table->entries[i].prefix.prefix_len == prefix->prefix_len)
			return &table->entries[i];
	return NULL;
}

/* Does another entry (a different length) share prefix's network address, and so its neighbour? */
static bool network_shared(const struct kn_node_table *table, const struct kn_cidr *prefix)
{
	size_t i;

	for (i = 0; i < table->count; i++)
		if (table->entries[i].prefix.addr.s_addr == prefix->addr.s_addr &&
		    table->entries[i].prefix.prefix_len != prefix->prefix_len)
			return true;
	return false;
}

/* Appends the node table of one kn device, named by dev or else ifindex, to table. */
static int fetch_nodes(struct kn_genl *genl, const char *dev, uint32_t ifindex,
		       struct kn_node_table *table)
{
	return kn_ctl_dump_dev(genl, KN_CMD_GET_NODE, dev, ifindex, kn_node_parse_reply,
			       table, &table->count);
}

/* Prints why a node table could not be read. */
static int fail_fetch(const struct kn_genl *genl, int err, const char *what, const char *dev)
{
	if (err == -EINTR)
		return kn_ctl_fail_msg("%s: the node table of %s kept changing during %d dumps; try again",
				       what, dev, KN_CTL_DUMP_ATTEMPTS);
	return kn_ctl_fail(&genl->nl, err, "%s: reading the node table of %s", what, dev);
}

/*
 * Looks dev up over rtnetlink: it must exist and be a kn device; for
 * installing routes (need_up) also be up, as onlink routes want it, and
 * have an Ethernet address for the neighbours.  Prints why not.
 */
static int resolve_kn_dev(struct kn_nl *rtnl, const char *what, const char *dev,
			  bool need_up, struct kn_link *link)
{
	int err;

	err = kn_rtnl_get_link(rtnl, dev, link);
	if (err == -ENODEV)
		return kn_ctl_fail_msg("%s: there is no device %s in this network namespace",
				       what, dev);
	if (err)
		return kn_ctl_fail(rtnl, err, "%s: reading device %s", what, dev);
	if (strcmp(link->kind, "kn"))
		return kn_ctl_fail_msg("%s: %s is not a kn device", what, dev);
	if (!need_up)
		return KN_EXIT_OK;
	if (!(link->flags & IFF_UP))
		return kn_ctl_fail_msg("%s: %s is down; routes through it cannot be added "
				       "(ip link set %s up)", what, dev, dev);
	if (!link->has_mac)
		return kn_ctl_fail_msg("%s: %s has no Ethernet address", what, dev);
	return KN_EXIT_OK;
}

/*
 * The routes a replace of kn's routes must not overwrite, from one dump:
 * those to only when it is set (node add), else all (node sync).
 */
struct foreign_routes {
	const struct kn_cidr *only;
	struct kn_route *routes;
	size_t count;
	size_t capacity;
};

static int collect_foreign_cb(const struct nlmsghdr *nlh, void *data)
{
	struct foreign_routes *foreign = data;
	struct kn_route route, *grown;

	if (kn_rtnl_parse_route(nlh, &route))
		return 0;	/* not an IPv4 route this kn-ctl can read */
	if (route.table != RT_TABLE_MAIN || route.tos || route.priority ||
	    route.protocol == KN_RTPROT)
		return 0;
	if (foreign->only && !kn_node_route_conflict(&route, foreign->only))
		return 0;
	grown = kn_array_reserve(foreign->routes, &foreign->capacity, foreign->count,
				 sizeof(*grown), 16);
	if (!grown)
		return -ENOMEM;
	foreign->routes = grown;
	foreign->routes[foreign->count++] = route;
	return 0;
}

/* Reads them; the socket is reopened after a dump that met a change. */
static int load_foreign_routes(struct kn_nl *rtnl, const char *what,
			       struct foreign_routes *foreign)
{
	int attempt, err = 0;

	for (attempt = 0; attempt < KN_CTL_DUMP_ATTEMPTS; attempt++) {
		if (attempt) {
			kn_nl_close(rtnl);
			err = kn_nl_open(rtnl, NETLINK_ROUTE);
			if (err)
				return kn_ctl_fail(NULL, err, "%s: opening an rtnetlink socket", what);
		}
		foreign->count = 0;
		err = kn_rtnl_dump_ipv4_routes(rtnl, collect_foreign_cb, foreign);
		if (err != -EINTR)
			break;
	}
	if (err)
		return kn_ctl_fail(rtnl, err, "%s: reading the routing table", what);
	return KN_EXIT_OK;
}

/* Refuses, with a sentence, a prefix whose route would overwrite another's. */
static int check_route_free(const struct foreign_routes *foreign, const char *what,
			    const struct kn_cidr *prefix)
{
	char dst[KN_CIDR_STRLEN], dev[IF_NAMESIZE] = "none";
	const struct kn_route *route;
	size_t i;

	for (i = 0; i < foreign->count; i++) {
		route = &foreign->routes[i];
		if (!kn_node_route_conflict(route, prefix))
			continue;
		format_cidr(prefix, dst);
		if (route->oif && !if_indextoname(route->oif, dev))
			snprintf(dev, sizeof(dev), "%" PRIu32, route->oif);
		return kn_ctl_fail_msg("%s: the main table has a route to %s that is not kn's "
				       "(dev %s, proto %u); kn-ctl replaces only its own routes "
				       "(proto %d): remove that one first if it should go",
				       what, dst, dev, route->protocol, KN_RTPROT);
	}
	return KN_EXIT_OK;
}

/*
 * Steps 2 and 3 for prefix on link; *neigh_done says whether the
 * neighbour was written.  Prints why not.
 */
static int install_routes(struct kn_nl *rtnl, const char *what, const struct kn_link *link,
			  const struct kn_cidr *prefix, bool *neigh_done)
{
	char network[INET_ADDRSTRLEN], dst[KN_CIDR_STRLEN], mac[KN_MAC_STRLEN];
	int err;

	inet_ntop(AF_INET, &prefix->addr, network, sizeof(network));
	format_cidr(prefix, dst);
	kn_mac_format(link->mac, mac);

	err = kn_rtnl_replace_neigh(rtnl, link->ifindex, prefix->addr, link->mac);
	if (err)
		return kn_ctl_fail(rtnl, err, "%s: adding the neighbour %s lladdr %s dev %s nud permanent",
				   what, network, mac, link->name);
	if (neigh_done)
		*neigh_done = true;
	/* The gateway is the network address: host bits are clear. */
	err = kn_rtnl_replace_onlink_route(rtnl, link->ifindex, prefix, prefix->addr);
	if (err)
		return kn_ctl_fail(rtnl, err, "%s: adding the route %s via %s dev %s onlink",
				   what, dst, network, link->name);
	return KN_EXIT_OK;
}

/* --- node add, node replace --- */

/*
 * After node add or replace failed at step 2 or 3: puts the entry back
 * as it was (old, the one replace replaced, or none), and removes the
 * neighbour if it was written and no entry uses it any more.  Prints what
 * could not be undone.
 */
static void undo_new_node(struct kn_genl *genl, struct kn_nl *rtnl, const char *what,
			  const struct kn_link *link, const struct kn_node_add_args *args,
			  const struct kn_node_entry *old, bool neigh_done)
{
	struct kn_node_table table = { 0 };
	struct kn_node_add_args restore;
	char network[INET_ADDRSTRLEN];
	struct nlmsghdr *nlh;
	int err;

	if (old) {
		restore = (struct kn_node_add_args){
			.prefix = old->prefix, .via = old->remote, .replace = true,
		};
		if (old->mac_set) {
			restore.has_mac = true;
			memcpy(restore.mac, old->mac, KN_MAC_LEN);
		}
		nlh = kn_genl_msg_start(genl, kn_node_new_cmd(true), 0);
		kn_node_new_put_attrs(nlh, link->ifindex, &restore);
	} else {
		nlh = kn_genl_msg_start(genl, KN_CMD_DEL_NODE, 0);
		kn_node_del_put_attrs(nlh, link->ifindex, &args->prefix);
	}
	err = kn_genl_talk(genl, nlh, NULL, NULL);
	if (err) {
		kn_ctl_fail(&genl->nl, err, "%s: undoing: %s the node table entry",
			    what, old ? "restoring" : "removing");
		return;
	}
	/* The old entry has the same prefix and still needs the neighbour. */
	if (!neigh_done || old)
		return;
	err = fetch_nodes(genl, NULL, link->ifindex, &table);
	if (!err && !network_shared(&table, &args->prefix)) {
		err = kn_rtnl_del_neigh(rtnl, link->ifindex, args->prefix.addr);
		if (err == -ENOENT)
			err = 0;
	}
	kn_node_table_free(&table);
	if (err) {
		inet_ntop(AF_INET, &args->prefix.addr, network, sizeof(network));
		kn_ctl_fail(rtnl, err, "%s: undoing: removing the neighbour %s dev %s",
			    what, network, link->name);
	}
}

/*
 * Checks what can be checked before anything changes (the device, the
 * main table's route to PREFIX), then does steps 1, 2, 3.
 */
static int node_add_run(const struct kn_invocation *inv)
{
	const struct kn_node_add_args *args = &inv->args.node_add;
	struct foreign_routes foreign = { .only = &args->prefix };
	struct kn_node_table table = { 0 };
	const struct kn_node_entry *old = NULL;
	char what[64], prefix[KN_CIDR_STRLEN];
	int status = KN_EXIT_FAILURE, err;
	bool neigh_done = false;
	struct nlmsghdr *nlh;
	struct kn_genl genl;
	struct kn_link link;
	struct kn_nl *rtnl;

	format_cidr(&args->prefix, prefix);
	snprintf(what, sizeof(what), "node %s %s", args->replace ? "replace" : "add", prefix);

	rtnl = kn_ctl_open_rtnl(what);
	if (!rtnl)
		return KN_EXIT_FAILURE;
	if (resolve_kn_dev(rtnl, what, args->dev, true, &link) ||
	    load_foreign_routes(rtnl, what, &foreign) ||
	    check_route_free(&foreign, what, &args->prefix))
		goto out_rtnl;

	if (kn_ctl_connect(&genl))
		goto out_rtnl;
	if (args->replace) {
		err = fetch_nodes(&genl, NULL, link.ifindex, &table);
		if (err) {
			fail_fetch(&genl, err, what, args->dev);
			goto out_genl;
		}
		old = find_entry(&table, &args->prefix);
	}

	nlh = kn_genl_msg_start(&genl, kn_node_new_cmd(args->replace), 0);
	kn_node_new_put_attrs(nlh, link.ifindex, args);
	err = kn_genl_talk(&genl, nlh, NULL, NULL);
	if (err) {
		kn_ctl_fail(&genl.nl, err, "%s dev %s", what, args->dev);
		if (err == -EEXIST && !args->replace)
			kn_ctl_fail_msg("'" KN_CTL_NAME " node replace' changes an existing node");
		goto out_genl;
	}
	if (install_routes(rtnl, what, &link, &args->prefix, &neigh_done)) {
		undo_new_node(&genl, rtnl, what, &link, args, old, neigh_done);
		goto out_genl;
	}
	status = KN_EXIT_OK;

out_genl:
	kn_genl_close(&genl);
out_rtnl:
	kn_node_table_free(&table);
	free(foreign.routes);
	kn_ctl_close_rtnl(rtnl);
	return status;
}

/* --- node del --- */

/*
 * Steps 3, 2, 1 in reverse.  The route is kn's only (proto, device and
 * gateway must match), the neighbour stays while another entry shares
 * its network address, and a device that is not a kn device is refused
 * before anything is touched.
 */
static int node_del_run(const struct kn_invocation *inv)
{
	const struct kn_node_del_args *args = &inv->args.node_del;
	char what[64], prefix[KN_CIDR_STRLEN], network[INET_ADDRSTRLEN];
	struct kn_node_table table = { 0 };
	int status = KN_EXIT_FAILURE, err;
	struct nlmsghdr *nlh;
	struct kn_genl genl;
	struct kn_link link;
	struct kn_nl *rtnl;

	format_cidr(&args->prefix, prefix);
	inet_ntop(AF_INET, &args->prefix.addr, network, sizeof(network));
	snprintf(what, sizeof(what), "node del %s", prefix);

	rtnl = kn_ctl_open_rtnl(what);
	if (!rtnl)
		return KN_EXIT_FAILURE;
	if (resolve_kn_dev(rtnl, what, args->dev, false, &link))
		goto out_rtnl;
	if (kn_ctl_connect(&genl))
		goto out_rtnl;
	err = fetch_nodes(&genl, NULL, link.ifindex, &table);
	if (err) {
		fail_fetch(&genl, err, what, args->dev);
		goto out_genl;
	}

	/* kn-ctl never installs anything for a /0 (see parse_node_add()). */
	if (args->prefix.prefix_len) {
		err = kn_rtnl_del_onlink_route(rtnl, link.ifindex, &args->prefix, args->prefix.addr);
		if (err && err != -ESRCH) {
			kn_ctl_fail(rtnl, err, "%s: removing the route %s via %s dev %s",
				    what, prefix, network, args->dev);
			goto out_genl;
		}
		if (!network_shared(&table, &args->prefix)) {
			err = kn_rtnl_del_neigh(rtnl, link.ifindex, args->prefix.addr);
			if (err && err != -ENOENT) {
				kn_ctl_fail(rtnl, err, "%s: removing the neighbour %s dev %s",
					    what, network, args->dev);
				goto out_genl;
			}
		}
	}

	nlh = kn_genl_msg_start(&genl, KN_CMD_DEL_NODE, 0);
	kn_node_del_put_attrs(nlh, link.ifindex, &args->prefix);
	err = kn_genl_talk(&genl, nlh, NULL, NULL);
	if (err)
		kn_ctl_fail(&genl.nl, err, "%s dev %s", what, args->dev);
	else
		status = KN_EXIT_OK;

out_genl:
	kn_genl_close(&genl);
out_rtnl:
	kn_node_table_free(&table);
	kn_ctl_close_rtnl(rtnl);
	return status;
}

/* --- node list --- */

/* The entries of every device listed, and the name of each one's device. */
struct node_view {
	struct kn_node_table table;
	const char **dev;		/* parallel to table.entries */
};

static void print_nodes_json(const struct node_view *view)
{
	char prefix[KN_CIDR_STRLEN], via[INET_ADDRSTRLEN], mac[KN_MAC_STRLEN];
	struct kn_json json;
	size_t i;

	kn_json_init(&json, stdout);
	kn_json_array_start(&json);
	for (i = 0; i < view->table.count; i++) {
		const struct kn_node_entry *entry = &view->table.entries[i];

		format_cidr(&entry->prefix, prefix);
		inet_ntop(AF_INET, &entry->remote, via, sizeof(via));
		kn_mac_format(entry->mac, mac);
		kn_json_object_start(&json);
		kn_json_kv_string(&json, "dev", view->dev[i]);
		kn_json_kv_string(&json, "prefix", prefix);
		kn_json_kv_string(&json, "via", via);
		kn_json_kv_string(&json, "mac", mac);
		kn_json_key(&json, "mac_configured");
		kn_json_bool(&json, entry->mac_set);
		kn_json_object_end(&json);
	}
	kn_json_array_end(&json);
	kn_json_finish(&json);
}

static void print_nodes_text(const struct node_view *view)
{
	char prefix[KN_CIDR_STRLEN], via[INET_ADDRSTRLEN], mac[KN_MAC_STRLEN];
	size_t i;

	printf("%-18s  %-15s  %-17s  %s\n", "PREFIX", "VIA", "MAC", "DEV");
	for (i = 0; i < view->table.count; i++) {
		const struct kn_node_entry *entry = &view->table.entries[i];

		format_cidr(&entry->prefix, prefix);
		inet_ntop(AF_INET, &entry->remote, via, sizeof(via));
		kn_mac_format(entry->mac, mac);
		printf("%-18s  %-15s  %-17s  %s\n", prefix, via, mac, view->dev[i]);
	}
}

static int node_list_run(const struct kn_invocation *inv)
{
	const char *dev = inv->args.node_list.dev;
	struct node_view view = { .dev = NULL };
	struct kn_dev_list list = { 0 };
	size_t i, j, wanted, base;
	struct kn_genl genl;
	const char *name;
	int status, err;

	status = kn_ctl_connect(&genl);
	if (status)
		return status;
	if (!dev) {
		status = kn_ctl_list_kn_devices("node list", &list);
		if (status)
			goto out;
	}

	wanted = dev ? 1 : list.count;
	for (i = 0; i < wanted; i++) {
		name = dev ? dev : list.links[i].name;
		base = view.table.count;
		err = fetch_nodes(&genl, dev, dev ? 0 : list.links[i].ifindex, &view.table);
		/* Deleted since the listing: it is simply not there any more. */
		if (!dev && err == -ENODEV)
			continue;
		if (err) {
			status = fail_fetch(&genl, err, "node list", name);
			goto out;
		}
		/* Sorted per device: the devices are in ifindex order already. */
		if (view.table.count > base) {
			struct kn_node_table part = {
				.entries = view.table.entries + base,
				.count = view.table.count - base,
			};

			kn_node_table_sort(&part);
		}
		if (view.table.count) {
			const char **grown = realloc(view.dev, view.table.count * sizeof(*grown));

			if (!grown) {
				status = kn_ctl_fail(NULL, -ENOMEM, "node list");
				goto out;
			}
			view.dev = grown;
		}
		for (j = base; j < view.table.count; j++)
			view.dev[j] = name;
	}

	if (inv->json)
		print_nodes_json(&view);
	else
		print_nodes_text(&view);
out:
	free(view.dev);
	kn_node_table_free(&view.table);
	kn_dev_list_free(&list);
	kn_genl_close(&genl);
	return status;
}

/* --- node sync --- */

/* Steps 2 and 3 for every entry of link's node table; prints what failed. */
static int sync_device(struct kn_genl *genl, struct kn_nl *rtnl,
		       const struct foreign_routes *foreign, const struct kn_link *link,
		       bool named)
{
	struct kn_node_table table = { 0 };
	int status = KN_EXIT_OK, err;
	char what[64];
	size_t i;

	snprintf(what, sizeof(what), "node sync dev %s", link->name);
	err = fetch_nodes(genl, NULL, link->ifindex, &table);
	/* Deleted since the listing: nothing to sync. */
	if (err == -ENODEV && !named)
		return KN_EXIT_OK;
	if (err)
		return fail_fetch(genl, err, what, link->name);
	if (!table.count)
		goto out;
	if (!(link->flags & IFF_UP)) {
		status = kn_ctl_fail_msg("%s: %s is down; routes through it cannot be added "
					 "(ip link set %s up)", what, link->name, link->name);
		goto out;
	}
	if (!link->has_mac) {
		status = kn_ctl_fail_msg("%s: %s has no Ethernet address", what, link->name);
		goto out;
	}
	/* One failure does not keep the other nodes from their routes. */
	for (i = 0; i < table.count; i++) {
		const struct kn_cidr *prefix = &table.entries[i].prefix;

		/* A /0 made with genl directly: kn-ctl routes no such prefix. */
		if (!prefix->prefix_len ||
		    check_route_free(foreign, what, prefix) ||
		    install_routes(rtnl, what, link, prefix, NULL))
			status = KN_EXIT_FAILURE;
	}
out:
	kn_node_table_free(&table);
	return status;
}

static int node_sync_run(const struct kn_invocation *inv)
{
	const char *dev = inv->args.node_sync.dev;
	struct foreign_routes foreign = { .only = NULL };
	struct kn_dev_list list = { 0 };
	int status = KN_EXIT_FAILURE;
	struct kn_genl genl;
	struct kn_link link;
	struct kn_nl *rtnl;
	size_t i;

	rtnl = kn_ctl_open_rtnl("node sync");
	if (!rtnl)
		return KN_EXIT_FAILURE;
	if (dev) {
		if (resolve_kn_dev(rtnl, "node sync", dev, false, &link))
			goto out_rtnl;
	} else if (kn_ctl_list_kn_devices("node sync", &list)) {
		goto out_rtnl;
	}
	if (load_foreign_routes(rtnl, "node sync", &foreign))
		goto out_rtnl;
	if (kn_ctl_connect(&genl))
		goto out_rtnl;

	if (dev) {
		status = sync_device(&genl, rtnl, &foreign, &link, true);
	} else {
		status = KN_EXIT_OK;
		for (i = 0; i < list.count; i++)
			if (sync_device(&genl, rtnl, &foreign, &list.links[i], false))
				status = KN_EXIT_FAILURE;
	}
	kn_genl_close(&genl);
out_rtnl:
	free(foreign.routes);
	kn_dev_list_free(&list);
	kn_ctl_close_rtnl(rtnl);
	return status;
}

static const struct kn_command node_commands[] = {
	{
		.name = "add",
		.synopsis = "PREFIX via A.B.C.D dev KN [mac M]",
		.description = "Send what the host routes to PREFIX through KN to the node at A.B.C.D",
		.parse = node_add_parse,
		.run = node_add_run,
	},
	{
		.name = "replace",
		.synopsis = "PREFIX via A.B.C.D dev KN [mac M]",
		.description = "As add, but an existing node for PREFIX is changed, not refused",
		.parse = node_replace_parse,
		.run = node_add_run,
	},
	{
		.name = "del",
		.synopsis = "PREFIX dev KN",
		.description = "Remove the node for PREFIX from KN, with its route and neighbour",
		.parse = node_del_parse,
		.run = node_del_run,
	},
	{
		.name = "list",
		.synopsis = "[dev KN]",
		.description = "List the nodes of KN, or of every kn device: prefix, via, MAC",
		.parse = node_list_parse,
		.run = node_list_run,
	},
	{
		.name = "sync",
		.synopsis = "[dev KN]",
		.description = "Put back the routes and neighbours of KN's nodes, or every kn device's",
		.parse = node_sync_parse,
		.run = node_sync_run,
	},
};

_Static_assert(KN_RTPROT == 107, "update the node help text");

const struct kn_object kn_object_node = {
	.name = "node",
	.description = "the other nodes' pod subnets, reached over a kn device's overlay",
	.help =
	"DESCRIPTION\n"
	"       Each node of the cluster owns a pod subnet.  node add tells kn\n"
	"       device KN that PREFIX is the pod subnet of the node whose\n"
	"       underlay address is A.B.C.D, and routes PREFIX into KN the way\n"
	"       flannel does, with NETWORK the network address of PREFIX:\n"
	"           ip neigh replace NETWORK lladdr <KN's MAC> dev KN nud permanent\n"
	"           ip route replace PREFIX via NETWORK dev KN onlink proto "
	KN_XSTR(KN_RTPROT) "\n"
	"       KN then sends what the host routes there to that node over its\n"
	"       overlay ('" KN_CTL_NAME " overlay --help').  Prefixes may overlap: the\n"
	"       longest match wins.\n"
	"\n"
	"       If the route or the neighbour cannot be added, node add takes\n"
	"       the node out again and changes nothing; one that failed half-way\n"
	"       (killed) can be run again, or undone with node del.  node del\n"
	"       removes route, neighbour and node; a route or neighbour already\n"
	"       gone is no error, a node that is not there is.\n"
	"\n"
	"       The kernel flushes KN's routes and neighbours when KN goes down\n"
	"       or changes its MAC address; the nodes stay, and node sync puts\n"
	"       their routes and neighbours back.\n"
	"\n"
	"ARGUMENTS\n"
	"       PREFIX      the node's pod subnet A.B.C.D/N, no host bits set,\n"
	"                   N from 1 to 32.\n"
	"       via A.B.C.D the node's underlay address, its VXLAN endpoint.\n"
	"       mac M       the inner destination MAC the node's VTEP expects,\n"
	"                   such as 0a:58:0a:f4:02:01: for a flannel node, the\n"
	"                   address of its flannel.1 device.  Without it kn sends\n"
	"                   0e:6b followed by A.B.C.D (0e:6b:c0:a8:00:02 for\n"
	"                   192.168.0.2), which a kn node accepts.\n"
	"\n"
	"OUTPUT\n"
	"       node list prints PREFIX VIA MAC DEV, one node a line, MAC being\n"
	"       the one kn sends, given or derived.  -j prints an array of\n"
	"       {\"dev\":\"kn0\",\"prefix\":\"A.B.C.D/N\",\"via\":\"A.B.C.D\",\"mac\":\"M\"}\n"
	"\n"
	"NOTES\n"
	"       KN must be up to add a node.  kn-ctl replaces and deletes only\n"
	"       routes with its protocol, " KN_XSTR(KN_RTPROT) ": node add refuses a prefix the\n"
	"       main table routes otherwise (at metric 0), rather than replace\n"
	"       that route.  Changing nodes needs CAP_NET_ADMIN.\n",
	.commands = node_commands,
	.n_commands = ARRAY_SIZE(node_commands),
};
