// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for "kn-ctl node": its arguments and usage errors, the MAC
 * and unicast checks behind them, the KN_CMD_NEW_NODE / KN_CMD_DEL_NODE
 * requests and the KN_CMD_GET_NODE dump messages, and the rtnetlink
 * requests (the permanent neighbour, the onlink route) read back field by
 * field, with the route reader and the check that keeps node add from
 * replacing a route that is not kn's.  Run from parse_test's main().
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/genetlink.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include "uapi/kn.h"
#include "kn-ctl.h"
#include "rtnl.h"
#include "harness.h"

/* --- kn_parse_mac, kn_mac_unicast, kn_ipv4_unicast --- */

static const struct {
	const char *word;
	int err;
	uint8_t mac[6];
} mac_cases[] = {
	{ "0a:58:0a:f4:02:01", 0, { 0x0a, 0x58, 0x0a, 0xf4, 0x02, 0x01 } },
	{ "0A:58:0A:F4:02:FF", 0, { 0x0a, 0x58, 0x0a, 0xf4, 0x02, 0xff } },
	{ "00:00:00:00:00:00", 0, { 0 } },
	{ "0a:58:0a:f4:02", -EINVAL, { 0 } },
	{ "0a:58:0a:f4:02:01:00", -EINVAL, { 0 } },
	{ "0a-58-0a-f4-02-01", -EINVAL, { 0 } },
	{ "a:58:0a:f4:02:01:", -EINVAL, { 0 } },
	{ "1:2:3:4:5:6", -EINVAL, { 0 } },
	{ "0a:58:0a:f4:02:0g", -EINVAL, { 0 } },
	{ "0a580af40201", -EINVAL, { 0 } },
	{ "", -EINVAL, { 0 } },
};

static void test_mac_and_unicast(void)
{
	static const uint8_t multicast[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };
	static const uint8_t zero[6] = { 0 };
	static const uint8_t good[6] = { 0x0e, 0x6b, 0xc0, 0xa8, 0x00, 0x02 };
	struct in_addr addr;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(mac_cases); i++) {
		uint8_t mac[6] = { 0xee, 0xee, 0xee, 0xee, 0xee, 0xee };
		int err = kn_parse_mac(mac_cases[i].word, mac);

		test_case(err == mac_cases[i].err &&
			  (err ? mac[0] == 0xee : !memcmp(mac, mac_cases[i].mac, 6)),
			  "parse_mac \"%s\" -> %s", mac_cases[i].word, err ? "-EINVAL" : "0");
	}
	test_case(kn_mac_unicast(good) && !kn_mac_unicast(multicast) && !kn_mac_unicast(zero),
		  "mac_unicast: 0e:6b:... yes, 01:00:5e:... (multicast) and all-zero no");

	inet_pton(AF_INET, "192.168.0.1", &addr);
	test_case(kn_ipv4_unicast(addr), "ipv4_unicast 192.168.0.1 -> true");
	inet_pton(AF_INET, "223.255.255.255", &addr);
	test_case(kn_ipv4_unicast(addr), "ipv4_unicast 223.255.255.255 -> true");
	inet_pton(AF_INET, "0.1.2.3", &addr);
	test_case(!kn_ipv4_unicast(addr), "ipv4_unicast 0.1.2.3 (this network) -> false");
	inet_pton(AF_INET, "127.0.0.1", &addr);
	test_case(!kn_ipv4_unicast(addr), "ipv4_unicast 127.0.0.1 (loopback) -> false");
	inet_pton(AF_INET, "224.0.0.1", &addr);
	test_case(!kn_ipv4_unicast(addr), "ipv4_unicast 224.0.0.1 (multicast) -> false");
	inet_pton(AF_INET, "255.255.255.255", &addr);
	test_case(!kn_ipv4_unicast(addr), "ipv4_unicast 255.255.255.255 -> false");
}

/* --- arguments --- */

static const struct {
	const char *args[TEST_MAX_ARGS];
	const char *command;
	const char *prefix;		/* "A.B.C.D/N" */
	const char *via;
	const char *mac;		/* NULL: none given */
	bool json;
} add_cases[] = {
	{ { "node", "add", "10.244.2.0/24", "via", "192.168.0.2", "dev", "kn0" },
	  "add", "10.244.2.0/24", "192.168.0.2", NULL, false },
	{ { "node", "add", "10.244.2.0/24", "dev", "kn0", "via", "192.168.0.2",
	    "mac", "0a:58:0a:f4:02:01" },
	  "add", "10.244.2.0/24", "192.168.0.2", "0a:58:0a:f4:02:01", false },
	{ { "node", "add", "10.244.2.5/32", "mac", "0A:58:0A:F4:02:01", "via", "10.0.0.9",
	    "dev", "kn0", "-j" },
	  "add", "10.244.2.5/32", "10.0.0.9", "0a:58:0a:f4:02:01", true },
	{ { "node", "add", "10.0.0.0/8", "via", "192.168.0.2", "dev", "kn0" },
	  "add", "10.0.0.0/8", "192.168.0.2", NULL, false },
	{ { "node", "replace", "10.244.2.0/24", "via", "192.168.0.3", "dev", "kn0" },
	  "replace", "10.244.2.0/24", "192.168.0.3", NULL, false },
	{ { "node", "replace", "10.244.3.0/24", "via", "192.168.0.3", "dev", "kn0",
	    "mac", "02:00:00:00:00:01" },
	  "replace", "10.244.3.0/24", "192.168.0.3", "02:00:00:00:00:01", false },
};

static bool cidr_is(const struct kn_cidr *cidr, const char *text)
{
	struct kn_cidr want;

	return !kn_parse_cidr(text, &want) && want.addr.s_addr == cidr->addr.s_addr &&
	       want.prefix_len == cidr->prefix_len;
}

static void test_add_args(void)
{
	struct kn_invocation inv;
	char line[256];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(add_cases); i++) {
		const struct kn_node_add_args *args = &inv.args.node_add;
		enum kn_ctl_action action = test_parse(add_cases[i].args, &inv);
		bool ok = action == KN_CTL_RUN && !strcmp(inv.object->name, "node") &&
			  !strcmp(inv.command->name, add_cases[i].command) &&
			  inv.json == add_cases[i].json;

		ok = ok && cidr_is(&args->prefix, add_cases[i].prefix) &&
		     args->via.s_addr == inet_addr(add_cases[i].via) &&
		     args->dev && !strcmp(args->dev, "kn0") &&
		     args->replace == !strcmp(add_cases[i].command, "replace") &&
		     args->has_mac == !!add_cases[i].mac;
		if (ok && add_cases[i].mac) {
			uint8_t want[6];

			ok = !kn_parse_mac(add_cases[i].mac, want) && !memcmp(want, args->mac, 6);
		}
		test_describe(add_cases[i].args, line, sizeof(line));
		test_case(ok, "node %s request from \"%s\"", add_cases[i].command, line);
	}
}

static void test_other_args(void)
{
	static const char *const del[TEST_MAX_ARGS] = { "node", "del", "10.244.2.0/24", "dev", "kn0" };
	static const char *const del0[TEST_MAX_ARGS] = { "node", "del", "0.0.0.0/0", "dev", "kn0" };
	static const char *const list[TEST_MAX_ARGS] = { "node", "list" };
	static const char *const list_dev[TEST_MAX_ARGS] = { "-j", "node", "list", "dev", "kn1" };
	static const char *const sync[TEST_MAX_ARGS] = { "node", "sync" };
	static const char *const sync_dev[TEST_MAX_ARGS] = { "node", "sync", "dev", "kn0" };
	struct kn_invocation inv;

	test_case(test_parse(del, &inv) == KN_CTL_RUN && !strcmp(inv.command->name, "del") &&
		  cidr_is(&inv.args.node_del.prefix, "10.244.2.0/24") &&
		  !strcmp(inv.args.node_del.dev, "kn0"),
		  "node del request from \"kn-ctl node del 10.244.2.0/24 dev kn0\"");
	test_case(test_parse(del0, &inv) == KN_CTL_RUN &&
		  cidr_is(&inv.args.node_del.prefix, "0.0.0.0/0"),
		  "node del 0.0.0.0/0 is accepted: an entry made with genl directly can be removed");
	test_case(test_parse(list, &inv) == KN_CTL_RUN && !strcmp(inv.command->name, "list") &&
		  !inv.args.node_list.dev && !inv.json,
		  "node list request from \"kn-ctl node list\": every kn device");
	test_case(test_parse(list_dev, &inv) == KN_CTL_RUN && inv.json &&
		  !strcmp(inv.args.node_list.dev, "kn1"),
		  "node list request from \"kn-ctl -j node list dev kn1\"");
	test_case(test_parse(sync, &inv) == KN_CTL_RUN && !strcmp(inv.command->name, "sync") &&
		  !inv.args.node_sync.dev,
		  "node sync request from \"kn-ctl node sync\": every kn device");
	test_case(test_parse(sync_dev, &inv) == KN_CTL_RUN && !strcmp(inv.args.node_sync.dev, "kn0"),
		  "node sync request from \"kn-ctl node sync dev kn0\"");
}

static const struct test_refusal refused_cases[] = {
	{ { "node" }, "node: missing COMMAND (one of: add, replace, del, list, sync)" },
	{ { "node", "show" }, "node: unknown command 'show'" },
	{ { "node", "add" }, "node add: missing PREFIX" },
	{ { "node", "add", "via", "192.168.0.2", "dev", "kn0" }, "node add: missing PREFIX" },
	{ { "node", "add", "dev", "kn0" }, "node add: missing PREFIX" },
	{ { "node", "add", "10.244.2.1/24", "via", "192.168.0.2", "dev", "kn0" },
	  "node add: prefix '10.244.2.1/24' has host bits set (did you mean 10.244.2.0/24?)" },
	{ { "node", "add", "10.244.2.0/33", "via", "192.168.0.2", "dev", "kn0" },
	  "node add: prefix '10.244.2.0/33' has a prefix length outside 0 to 32" },
	{ { "node", "add", "10.244.2.0", "via", "192.168.0.2", "dev", "kn0" },
	  "node add: prefix '10.244.2.0' is not an IPv4 prefix A.B.C.D/N" },
	{ { "node", "add", "0.0.0.0/0", "via", "192.168.0.2", "dev", "kn0" },
	  "node add: prefix '0.0.0.0/0' would be a default route through the kn device" },
	{ { "node", "add", "10.244.2.0/24", "dev", "kn0" },
	  "node add: via A.B.C.D, the node's underlay address, is required" },
	{ { "node", "add", "10.244.2.0/24", "via", "192.168.0.2" },
	  "node add: dev KN is required" },
	{ { "node", "add", "10.244.2.0/24", "via" }, "node add: via needs a value" },
	{ { "node", "add", "10.244.2.0/24", "via", "192.168.0.2", "dev", "kn0", "mac" },
	  "node add: mac needs a value" },
	{ { "node", "add", "10.244.2.0/24", "via", "192.168.0.2", "dev", "kn0", "vni", "1" },
	  "node add: unknown argument 'vni'" },
	{ { "node", "add", "10.244.2.0/24", "10.244.3.0/24", "via", "192.168.0.2" },
	  "node add: unknown argument '10.244.3.0/24'" },
	{ { "node", "add", "10.244.2.0/24", "via", "192.168.0.2", "via", "192.168.0.3",
	    "dev", "kn0" }, "node add: via is given twice" },
	{ { "node", "add", "10.244.2.0/24", "via", "192.168.0.2", "dev", "kn0", "dev", "kn1" },
	  "node add: dev is given twice" },
	{ { "node", "add", "10.244.2.0/24", "via", "192.168.0.2", "dev", "kn0",
	    "mac", "02:00:00:00:00:01", "mac", "02:00:00:00:00:02" },
	  "node add: mac is given twice" },
	{ { "node", "add", "10.244.2.0/24", "via", "192.168.0", "dev", "kn0" },
	  "node add: via '192.168.0' is not an IPv4 address A.B.C.D" },
	{ { "node", "add", "10.244.2.0/24", "via", "node-2", "dev", "kn0" },
	  "node add: via 'node-2' is not an IPv4 address A.B.C.D" },
	{ { "node", "add", "10.244.2.0/24", "via", "0.0.0.0", "dev", "kn0" },
	  "node add: via '0.0.0.0' is not a unicast address" },
	{ { "node", "add", "10.244.2.0/24", "via", "224.0.0.5", "dev", "kn0" },
	  "node add: via '224.0.0.5' is not a unicast address" },
	{ { "node", "add", "10.244.2.0/24", "via", "192.168.0.2", "dev", "k/n" },
	  "node add: dev 'k/n' is not a device name" },
	{ { "node", "add", "10.244.2.0/24", "via", "192.168.0.2", "dev", "kn0",
	    "mac", "0a:58:0a:f4:02" },
	  "node add: mac '0a:58:0a:f4:02' is not an Ethernet address like 0a:58:0a:f4:02:01" },
	{ { "node", "add", "10.244.2.0/24", "via", "192.168.0.2", "dev", "kn0",
	    "mac", "01:00:5e:00:00:01" },
	  "node add: mac '01:00:5e:00:00:01' is not a unicast address" },
	{ { "node", "add", "10.244.2.0/24", "via", "192.168.0.2", "dev", "kn0",
	    "mac", "00:00:00:00:00:00" },
	  "node add: mac '00:00:00:00:00:00' is not a unicast address" },
	{ { "node", "replace" }, "node replace: missing PREFIX" },
	{ { "node", "replace", "10.244.2.128/24", "via", "192.168.0.2", "dev", "kn0" },
	  "node replace: prefix '10.244.2.128/24' has host bits set (did you mean 10.244.2.0/24?)" },
	{ { "node", "replace", "10.244.2.0/24", "via", "192.168.0.2" },
	  "node replace: dev KN is required" },
	{ { "node", "del" }, "node del: missing PREFIX" },
	{ { "node", "del", "dev", "kn0" }, "node del: missing PREFIX" },
	{ { "node", "del", "10.244.2.0/24" }, "node del: dev KN is required" },
	{ { "node", "del", "10.244.2.0/24", "dev" }, "node del: dev needs a value" },
	{ { "node", "del", "10.244.2.0/24", "via", "192.168.0.2", "dev", "kn0" },
	  "node del: unknown argument 'via'" },
	{ { "node", "del", "10.244.2.0/24", "dev", "kn0", "dev", "kn1" },
	  "node del: dev is given twice" },
	{ { "node", "del", "10.244.2.3/24", "dev", "kn0" },
	  "node del: prefix '10.244.2.3/24' has host bits set (did you mean 10.244.2.0/24?)" },
	{ { "node", "list", "kn0" }, "node list: unknown argument 'kn0'" },
	{ { "node", "list", "dev" }, "node list: dev needs a value" },
	{ { "node", "list", "dev", "kn0", "all" }, "node list: unexpected argument 'all'" },
	{ { "node", "sync", "dev", "sixteen-chars-xx" },
	  "node sync: dev 'sixteen-chars-xx' is not a device name" },
	{ { "node", "sync", "now" }, "node sync: unknown argument 'now'" },
};

/* --- the genl requests --- */

static void test_genl_messages(void)
{
	static const uint8_t prefix_wire[4] = { 10, 244, 2, 0 };
	static const uint8_t remote_wire[4] = { 192, 168, 0, 2 };
	static const uint8_t mac[6] = { 0x0a, 0x58, 0x0a, 0xf4, 0x02, 0x01 };
	char buf[KN_GENL_SEND_BUF_SIZE] __attribute__((aligned(8))) = { 0 };
	struct kn_node_add_args args = { .dev = "kn0" };
	struct test_attrs top = { 0 }, node = { 0 };
	const struct genlmsghdr *genlh;
	struct nlmsghdr *nlh;
	uint8_t len = 24;

	kn_parse_cidr("10.244.2.0/24", &args.prefix);
	inet_pton(AF_INET, "192.168.0.2", &args.via);

	nlh = kn_genl_msg_put(buf, 0x42, KN_GENL_VERSION, kn_node_new_cmd(false), 0, 3);
	kn_node_new_put_attrs(nlh, 9, &args);
	genlh = mnl_nlmsg_get_payload(nlh);
	mnl_attr_parse(nlh, GENL_HDRLEN, test_collect_attr, &top);
	test_case(genlh->cmd == KN_CMD_NEW_NODE && top.count == 2 && !top.unknown &&
		  top.tb[KN_A_IFINDEX] && mnl_attr_get_u32(top.tb[KN_A_IFINDEX]) == 9 &&
		  !top.tb[KN_A_IFNAME] &&
		  top.tb[KN_A_NODE] && (top.tb[KN_A_NODE]->nla_type & NLA_F_NESTED),
		  "node add: KN_A_IFINDEX of the device routes go to (not its name) and a KN_A_NODE nest");
	if (top.tb[KN_A_NODE])
		mnl_attr_parse_nested(top.tb[KN_A_NODE], test_collect_attr, &node);
	test_case(node.count == 3 && !node.unknown &&
		  test_attr_bytes(node.tb[KN_NODE_A_PREFIX], prefix_wire, 4) &&
		  test_attr_bytes(node.tb[KN_NODE_A_PREFIX_LEN], &len, 1) &&
		  test_attr_bytes(node.tb[KN_NODE_A_REMOTE], remote_wire, 4) &&
		  !node.tb[KN_NODE_A_MAC],
		  "node add 10.244.2.0/24 via 192.168.0.2: be32 PREFIX, u8 PREFIX_LEN 24, be32 REMOTE, no MAC");
	test_case(nlh->nlmsg_flags == (NLM_F_REQUEST | NLM_F_ACK),
		  "node add: KN_CMD_NEW_NODE with no flags but REQUEST|ACK (the family refuses others)");

	memset(buf, 0, sizeof(buf));
	memset(&top, 0, sizeof(top));
	memset(&node, 0, sizeof(node));
	args.has_mac = true;
	memcpy(args.mac, mac, 6);
	nlh = kn_genl_msg_put(buf, 0x42, KN_GENL_VERSION, kn_node_new_cmd(true), 0, 4);
	kn_node_new_put_attrs(nlh, 9, &args);
	mnl_attr_parse(nlh, GENL_HDRLEN, test_collect_attr, &top);
	if (top.tb[KN_A_NODE])
		mnl_attr_parse_nested(top.tb[KN_A_NODE], test_collect_attr, &node);
	test_case(node.count == 4 && !node.unknown && test_attr_bytes(node.tb[KN_NODE_A_MAC], mac, 6),
		  "node add ... mac 0a:58:0a:f4:02:01: a 6-byte MAC in the nest");
	genlh = mnl_nlmsg_get_payload(nlh);
	test_case(genlh->cmd == KN_CMD_REPLACE_NODE &&
		  nlh->nlmsg_flags == (NLM_F_REQUEST | NLM_F_ACK),
		  "node replace: KN_CMD_REPLACE_NODE with no flags but REQUEST|ACK");

	memset(buf, 0, sizeof(buf));
	memset(&top, 0, sizeof(top));
	memset(&node, 0, sizeof(node));
	nlh = kn_genl_msg_put(buf, 0x42, KN_GENL_VERSION, KN_CMD_DEL_NODE, 0, 5);
	kn_node_del_put_attrs(nlh, 9, &args.prefix);
	mnl_attr_parse(nlh, GENL_HDRLEN, test_collect_attr, &top);
	if (top.tb[KN_A_NODE])
		mnl_attr_parse_nested(top.tb[KN_A_NODE], test_collect_attr, &node);
	test_case(top.count == 2 && mnl_attr_get_u32(top.tb[KN_A_IFINDEX]) == 9 &&
		  node.count == 2 && !node.unknown &&
		  test_attr_bytes(node.tb[KN_NODE_A_PREFIX], prefix_wire, 4) &&
		  test_attr_bytes(node.tb[KN_NODE_A_PREFIX_LEN], &len, 1),
		  "node del 10.244.2.0/24: IFINDEX and a nest of PREFIX and PREFIX_LEN only");
}

/* --- the GET_NODE dump --- */

/* One dump message as the module builds it; omit a KN_NODE_A_*, or 0. */
static struct nlmsghdr *put_entry(char *buf, const char *prefix, uint8_t len,
				  const char *remote, size_t mac_len, int omit)
{
	static const uint8_t mac[6] = { 0x0e, 0x6b, 0xc0, 0xa8, 0x00, 0x02 };
	struct nlmsghdr *nlh;
	struct nlattr *nest;

	nlh = test_genl_reply_start(buf, KN_CMD_GET_NODE, NLM_F_MULTI);
	mnl_attr_put_u32(nlh, KN_A_IFINDEX, 7);
	nest = mnl_attr_nest_start(nlh, KN_A_NODE);
	if (omit != KN_NODE_A_PREFIX)
		mnl_attr_put_u32(nlh, KN_NODE_A_PREFIX, inet_addr(prefix));
	if (omit != KN_NODE_A_PREFIX_LEN)
		mnl_attr_put_u8(nlh, KN_NODE_A_PREFIX_LEN, len);
	if (omit != KN_NODE_A_REMOTE)
		mnl_attr_put_u32(nlh, KN_NODE_A_REMOTE, inet_addr(remote));
	if (omit != KN_NODE_A_MAC)
		mnl_attr_put(nlh, KN_NODE_A_MAC, mac_len, mac);
	if (omit != KN_NODE_A_FLAGS)
		mnl_attr_put_u32(nlh, KN_NODE_A_FLAGS, KN_NODE_F_MAC_SET);
	mnl_attr_put_u32(nlh, KN_NODE_A_MAX + 1, 1);	/* a newer module's */
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

static void test_dump(void)
{
	static char buf[KN_GENL_SEND_BUF_SIZE] __attribute__((aligned(8)));
	static const uint8_t mac[6] = { 0x0e, 0x6b, 0xc0, 0xa8, 0x00, 0x02 };
	struct kn_node_table table = { 0 };
	const struct kn_node_entry *e;
	char text[32];
	bool ok = true;
	unsigned int i;
	int omit;

	/* Enough to make the table grow more than once. */
	for (i = 0; i < 150 && ok; i++) {
		snprintf(text, sizeof(text), "10.%u.%u.0", 100 + i / 100, i % 100);
		ok = !kn_node_parse_reply(put_entry(buf, text, 24, "192.168.0.2", 6, 0), &table);
	}
	e = table.entries;
	test_case(ok && table.count == 150 && e[149].ifindex == 7 &&
		  e[149].prefix.addr.s_addr == inet_addr("10.101.49.0") &&
		  e[149].prefix.prefix_len == 24 &&
		  e[149].remote.s_addr == inet_addr("192.168.0.2") && !memcmp(e[149].mac, mac, 6) &&
		  e[149].mac_set,
		  "node dump: 150 messages read into 150 entries: ifindex, prefix, remote, MAC, flags");
	kn_node_table_free(&table);
	test_case(!table.entries && !table.count && !table.capacity,
		  "node table freed and emptied");

	ok = !kn_node_parse_reply(put_entry(buf, "10.244.3.0", 24, "192.168.0.3", 6, 0), &table) &&
	     !kn_node_parse_reply(put_entry(buf, "10.244.2.0", 24, "192.168.0.2", 6, 0), &table) &&
	     !kn_node_parse_reply(put_entry(buf, "10.244.0.0", 16, "192.168.0.9", 6, 0), &table) &&
	     !kn_node_parse_reply(put_entry(buf, "10.244.2.0", 23, "192.168.0.4", 6, 0), &table) &&
	     !kn_node_parse_reply(put_entry(buf, "9.0.0.0", 8, "192.168.0.5", 6, 0), &table);
	table.entries[4].ifindex = 3;	/* another kn device's, listed first */
	kn_node_table_sort(&table);
	e = table.entries;
	test_case(ok && table.count == 5 && e[0].ifindex == 3 &&
		  e[1].prefix.addr.s_addr == inet_addr("10.244.0.0") &&
		  e[2].prefix.addr.s_addr == inet_addr("10.244.2.0") && e[2].prefix.prefix_len == 23 &&
		  e[3].prefix.addr.s_addr == inet_addr("10.244.2.0") && e[3].prefix.prefix_len == 24 &&
		  e[4].prefix.addr.s_addr == inet_addr("10.244.3.0"),
		  "node sort: by device, then prefix address (numerically), then prefix length");

	/* Whatever is wrong with a message, the table is left as it was. */
	for (omit = KN_NODE_A_PREFIX; omit <= KN_NODE_A_MAX; omit++)
		test_case(kn_node_parse_reply(put_entry(buf, "10.1.0.0", 16, "1.2.3.4", 6, omit),
					      &table) == -EBADMSG && table.count == 5,
			  "node dump message without attribute %d -> -EBADMSG", omit);
	test_case(kn_node_parse_reply(put_entry(buf, "10.1.0.0", 16, "1.2.3.4", 5, 0),
				      &table) == -EBADMSG && table.count == 5,
		  "node dump message with a 5-byte MAC -> -EBADMSG");
	test_case(kn_node_parse_reply(put_entry(buf, "10.1.0.0", 33, "1.2.3.4", 6, 0),
				      &table) == -EBADMSG && table.count == 5,
		  "node dump message with PREFIX_LEN 33 -> -EBADMSG");
	{
		struct nlmsghdr *nlh;

		memset(buf, 0, sizeof(buf));
		nlh = kn_genl_msg_put(buf, 0x42, KN_GENL_VERSION, KN_CMD_GET_NODE, 0, 1);
		mnl_attr_put_u32(nlh, KN_A_IFINDEX, 7);
		test_case(kn_node_parse_reply(nlh, &table) == -EBADMSG && table.count == 5,
			  "node dump message without KN_A_NODE -> -EBADMSG");
	}
	kn_node_table_free(&table);
}

static void test_derived_mac(void)
{
	static const uint8_t want[6] = { 0x0e, 0x6b, 0xc0, 0xa8, 0x00, 0x02 };
	uint8_t mac[6];
	struct in_addr remote;

	inet_pton(AF_INET, "192.168.0.2", &remote);
	kn_node_derived_mac(remote, mac);
	test_case(!memcmp(mac, want, 6) && kn_mac_unicast(mac),
		  "derived MAC of 192.168.0.2 is 0e:6b:c0:a8:00:02, a unicast address (uapi/kn.h's example)");
}

/* --- the rtnetlink requests --- */

static void test_neigh_messages(void)
{
	static const uint8_t lladdr[6] = { 0x5a, 0x0c, 0x7e, 0x21, 0x9b, 0x40 };
	static struct kn_nl nl;		/* no socket: only its send buffer */
	struct test_attrs attrs = { 0 };
	const struct ndmsg *ndm;
	struct nlmsghdr *nlh;
	struct in_addr network;

	inet_pton(AF_INET, "10.244.2.0", &network);
	nlh = kn_nl_msg_start(&nl, RTM_NEWNEIGH, 0);
	kn_rtnl_neigh_msg(nlh, RTM_NEWNEIGH, 9, network, lladdr);
	ndm = mnl_nlmsg_get_payload(nlh);
	mnl_attr_parse(nlh, sizeof(*ndm), test_collect_attr, &attrs);
	test_case(nlh->nlmsg_type == RTM_NEWNEIGH &&
		  nlh->nlmsg_flags == (NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE) &&
		  ndm->ndm_family == AF_INET && ndm->ndm_ifindex == 9 &&
		  ndm->ndm_state == NUD_PERMANENT && !ndm->ndm_flags,
		  "neighbour request: RTM_NEWNEIGH, CREATE|REPLACE, IPv4, ifindex 9, NUD_PERMANENT");
	test_case(attrs.count == 2 && !attrs.unknown &&
		  attrs.tb[NDA_DST] && mnl_attr_get_payload_len(attrs.tb[NDA_DST]) == 4 &&
		  mnl_attr_get_u32(attrs.tb[NDA_DST]) == network.s_addr &&
		  test_attr_bytes(attrs.tb[NDA_LLADDR], lladdr, 6),
		  "neighbour request: NDA_DST 10.244.2.0 (the network address), NDA_LLADDR kn0's MAC");

	memset(&attrs, 0, sizeof(attrs));
	nlh = kn_nl_msg_start(&nl, RTM_DELNEIGH, 0);
	kn_rtnl_neigh_msg(nlh, RTM_DELNEIGH, 9, network, NULL);
	ndm = mnl_nlmsg_get_payload(nlh);
	mnl_attr_parse(nlh, sizeof(*ndm), test_collect_attr, &attrs);
	test_case(nlh->nlmsg_type == RTM_DELNEIGH &&
		  nlh->nlmsg_flags == (NLM_F_REQUEST | NLM_F_ACK) &&
		  ndm->ndm_family == AF_INET && ndm->ndm_ifindex == 9 &&
		  attrs.count == 1 && attrs.tb[NDA_DST] &&
		  mnl_attr_get_u32(attrs.tb[NDA_DST]) == network.s_addr,
		  "neighbour delete: RTM_DELNEIGH of 10.244.2.0 on ifindex 9, no lladdr");
}

static void test_route_messages(void)
{
	static struct kn_nl nl;
	struct test_attrs attrs = { 0 };
	const struct rtmsg *rtm;
	struct nlmsghdr *nlh;
	struct kn_cidr prefix;

	kn_parse_cidr("10.244.2.0/24", &prefix);
	nlh = kn_nl_msg_start(&nl, RTM_NEWROUTE, 0);
	kn_rtnl_onlink_route_msg(nlh, RTM_NEWROUTE, 9, &prefix, prefix.addr);
	rtm = mnl_nlmsg_get_payload(nlh);
	mnl_attr_parse(nlh, sizeof(*rtm), test_collect_attr, &attrs);
	test_case(nlh->nlmsg_type == RTM_NEWROUTE &&
		  nlh->nlmsg_flags == (NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE) &&
		  rtm->rtm_family == AF_INET && rtm->rtm_dst_len == 24 && !rtm->rtm_src_len &&
		  !rtm->rtm_tos && rtm->rtm_table == RT_TABLE_MAIN &&
		  rtm->rtm_protocol == KN_RTPROT && rtm->rtm_scope == RT_SCOPE_UNIVERSE &&
		  rtm->rtm_type == RTN_UNICAST && rtm->rtm_flags == RTNH_F_ONLINK,
		  "route request: RTM_NEWROUTE, CREATE|REPLACE, /24, main table, proto 107, scope universe, unicast, onlink");
	test_case(attrs.count == 3 && !attrs.unknown &&
		  attrs.tb[RTA_DST] && mnl_attr_get_u32(attrs.tb[RTA_DST]) == prefix.addr.s_addr &&
		  attrs.tb[RTA_GATEWAY] &&
		  mnl_attr_get_u32(attrs.tb[RTA_GATEWAY]) == inet_addr("10.244.2.0") &&
		  attrs.tb[RTA_OIF] && mnl_attr_get_u32(attrs.tb[RTA_OIF]) == 9 &&
		  !attrs.tb[RTA_PRIORITY] && !attrs.tb[RTA_TABLE],
		  "route request: 10.244.2.0/24 via 10.244.2.0 (the network address) dev ifindex 9, metric 0");

	memset(&attrs, 0, sizeof(attrs));
	nlh = kn_nl_msg_start(&nl, RTM_DELROUTE, 0);
	kn_rtnl_onlink_route_msg(nlh, RTM_DELROUTE, 9, &prefix, prefix.addr);
	rtm = mnl_nlmsg_get_payload(nlh);
	mnl_attr_parse(nlh, sizeof(*rtm), test_collect_attr, &attrs);
	test_case(nlh->nlmsg_type == RTM_DELROUTE &&
		  nlh->nlmsg_flags == (NLM_F_REQUEST | NLM_F_ACK) &&
		  rtm->rtm_dst_len == 24 && rtm->rtm_table == RT_TABLE_MAIN &&
		  rtm->rtm_protocol == KN_RTPROT && rtm->rtm_scope == RT_SCOPE_NOWHERE &&
		  rtm->rtm_type == RTN_UNICAST &&
		  attrs.count == 3 && attrs.tb[RTA_DST] && attrs.tb[RTA_GATEWAY] &&
		  mnl_attr_get_u32(attrs.tb[RTA_OIF]) == 9,
		  "route delete: matches proto 107, gateway and device in any scope, so only kn's route goes");
}

/* An RTM_NEWROUTE as a route dump carries it. */
static struct nlmsghdr *put_route(char *buf, uint8_t family, uint8_t table, uint32_t rta_table,
				  const char *dst, uint8_t dst_len, uint8_t protocol,
				  uint32_t priority, uint32_t oif)
{
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;

	memset(buf, 0, 1024);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWROUTE;
	nlh->nlmsg_flags = NLM_F_MULTI;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = family;
	rtm->rtm_dst_len = dst_len;
	rtm->rtm_table = table;
	rtm->rtm_protocol = protocol;
	rtm->rtm_scope = RT_SCOPE_LINK;
	rtm->rtm_type = RTN_UNICAST;
	if (rta_table)
		mnl_attr_put_u32(nlh, RTA_TABLE, rta_table);
	if (dst_len)
		mnl_attr_put_u32(nlh, RTA_DST, inet_addr(dst));
	if (priority)
		mnl_attr_put_u32(nlh, RTA_PRIORITY, priority);
	if (oif)
		mnl_attr_put_u32(nlh, RTA_OIF, oif);
	mnl_attr_put_u32(nlh, RTA_PREFSRC, inet_addr("192.168.0.1"));
	return nlh;
}

static void test_route_reader_and_conflicts(void)
{
	static char buf[1024] __attribute__((aligned(8)));
	struct kn_route route;
	struct kn_cidr prefix;
	struct nlmsghdr *nlh;

	nlh = put_route(buf, AF_INET, RT_TABLE_MAIN, RT_TABLE_MAIN, "192.168.0.0", 24,
			RTPROT_KERNEL, 0, 2);
	memset(&route, 0xa5, sizeof(route));
	test_case(!kn_rtnl_parse_route(nlh, &route) && route.table == RT_TABLE_MAIN &&
		  route.dst.s_addr == inet_addr("192.168.0.0") && route.dst_len == 24 &&
		  !route.tos && route.protocol == RTPROT_KERNEL && route.type == RTN_UNICAST &&
		  !route.priority && route.oif == 2 && !route.has_gateway,
		  "route reader: table, destination, protocol, type, metric and device of a connected route");

	kn_parse_cidr("192.168.0.0/24", &prefix);
	test_case(kn_node_route_conflict(&route, &prefix),
		  "node add 192.168.0.0/24 conflicts with the underlay's connected 192.168.0.0/24 (proto kernel)");
	kn_parse_cidr("192.168.0.0/25", &prefix);
	test_case(!kn_node_route_conflict(&route, &prefix),
		  "192.168.0.0/25 does not conflict with 192.168.0.0/24: a replace keys on the length too");
	kn_parse_cidr("192.168.1.0/24", &prefix);
	test_case(!kn_node_route_conflict(&route, &prefix),
		  "192.168.1.0/24 does not conflict with 192.168.0.0/24");

	kn_parse_cidr("10.244.2.0/24", &prefix);
	nlh = put_route(buf, AF_INET, RT_TABLE_MAIN, 0, "10.244.2.0", 24, KN_RTPROT, 0, 9);
	test_case(!kn_rtnl_parse_route(nlh, &route) && !kn_node_route_conflict(&route, &prefix),
		  "kn's own route (proto 107) to the prefix is no conflict: add can be run again");
	nlh = put_route(buf, AF_INET, RT_TABLE_MAIN, 0, "10.244.2.0", 24, RTPROT_STATIC, 100, 3);
	test_case(!kn_rtnl_parse_route(nlh, &route) && route.priority == 100 &&
		  !kn_node_route_conflict(&route, &prefix),
		  "a route to the prefix at metric 100 is no conflict: replace keys on the metric");
	nlh = put_route(buf, AF_INET, RT_TABLE_MAIN, 0, "10.244.2.0", 24, RTPROT_BOOT, 0, 3);
	test_case(!kn_rtnl_parse_route(nlh, &route) && kn_node_route_conflict(&route, &prefix),
		  "a route to the prefix at metric 0, proto boot (ip route add's) conflicts");
	nlh = put_route(buf, AF_INET, RT_TABLE_LOCAL, 0, "10.244.2.0", 24, RTPROT_KERNEL, 0, 3);
	test_case(!kn_rtnl_parse_route(nlh, &route) && route.table == RT_TABLE_LOCAL &&
		  !kn_node_route_conflict(&route, &prefix),
		  "a route in the local table is no conflict: kn's route goes to the main table");
	nlh = put_route(buf, AF_INET, RT_TABLE_COMPAT, 1000, "10.244.2.0", 24, RTPROT_BOOT, 0, 3);
	test_case(!kn_rtnl_parse_route(nlh, &route) && route.table == 1000 &&
		  !kn_node_route_conflict(&route, &prefix),
		  "route reader: a table id above 255 is read from RTA_TABLE");

	nlh = put_route(buf, AF_INET, RT_TABLE_MAIN, 0, NULL, 0, RTPROT_DHCP, 0, 2);
	test_case(!kn_rtnl_parse_route(nlh, &route) && !route.dst_len && !route.dst.s_addr,
		  "route reader: a default route has no RTA_DST, destination 0.0.0.0/0");
	nlh = put_route(buf, AF_INET6, RT_TABLE_MAIN, 0, NULL, 0, RTPROT_KERNEL, 0, 2);
	test_case(kn_rtnl_parse_route(nlh, &route) == -EBADMSG,
		  "route reader: an IPv6 route -> -EBADMSG");
	nlh = put_route(buf, AF_INET, RT_TABLE_MAIN, 0, NULL, 0, RTPROT_KERNEL, 0, 2);
	nlh->nlmsg_type = RTM_NEWLINK;
	test_case(kn_rtnl_parse_route(nlh, &route) == -EBADMSG,
		  "route reader: a message that is not RTM_NEWROUTE -> -EBADMSG");
}

void node_tests(void)
{
	test_mac_and_unicast();
	test_add_args();
	test_other_args();
	test_refusals(refused_cases, ARRAY_SIZE(refused_cases));
	test_genl_messages();
	test_dump();
	test_derived_mac();
	test_neigh_messages();
	test_route_messages();
	test_route_reader_and_conflicts();
}
