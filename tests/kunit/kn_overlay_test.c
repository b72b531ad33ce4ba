// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the overlay's pure parts -- the remote-node table (longest prefix
 * match, overlapping prefixes, replace, delete, the checks on a node
 * request) and the VXLAN header as kn builds and parses it.
 */
#include <kunit/test.h>
#include <linux/etherdevice.h>
#include <linux/inet.h>

#include "uapi/kn.h"
#include "nodes.h"
#include "vxlan.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

static __be32 ip(const char *s)
{
	return in_aton(s);
}

static struct kn_node_config node_cfg(const char *prefix, u8 len,
				      const char *remote)
{
	return (struct kn_node_config){
		.prefix = ip(prefix), .len = len, .remote = ip(remote),
	};
}

static int kn_nodes_test_init(struct kunit *test)
{
	struct kn_nodes *nodes;

	nodes = kunit_kzalloc(test, sizeof(*nodes), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, nodes);
	KUNIT_ASSERT_EQ(test, kn_nodes_init(nodes), 0);
	test->priv = nodes;
	return 0;
}

static void kn_nodes_test_exit(struct kunit *test)
{
	kn_nodes_uninit(test->priv);
	/* the entries go after a grace period; kunit frees @nodes at once */
	rcu_barrier();
}

static void add(struct kunit *test, const char *prefix, u8 len,
		const char *remote)
{
	struct kn_node_config cfg = node_cfg(prefix, len, remote);

	KUNIT_ASSERT_EQ(test, kn_node_config_check(&cfg, NULL), 0);
	KUNIT_ASSERT_EQ(test, kn_nodes_add(test->priv, &cfg, false, NULL), 0);
}

/* The remote address @addr is sent to, or 0 when no node matches. */
static __be32 remote_of(struct kunit *test, const char *addr)
{
	struct kn_node *node;
	__be32 remote = 0;

	rcu_read_lock();
	node = kn_nodes_lookup(test->priv, ip(addr));
	if (node)
		remote = node->remote;
	rcu_read_unlock();
	return remote;
}

static void kn_nodes_exact_test(struct kunit *test)
{
	add(test, "10.244.2.0", 24, "192.168.0.2");
	add(test, "10.244.3.0", 24, "192.168.0.3");

	KUNIT_EXPECT_EQ(test, remote_of(test, "10.244.2.7"), ip("192.168.0.2"));
	KUNIT_EXPECT_EQ(test, remote_of(test, "10.244.2.0"), ip("192.168.0.2"));
	KUNIT_EXPECT_EQ(test, remote_of(test, "10.244.2.255"), ip("192.168.0.2"));
	KUNIT_EXPECT_EQ(test, remote_of(test, "10.244.3.9"), ip("192.168.0.3"));
	KUNIT_EXPECT_EQ(test, remote_of(test, "10.244.4.1"), 0);
	KUNIT_EXPECT_EQ(test, remote_of(test, "10.245.2.7"), 0);
	KUNIT_EXPECT_EQ(test, kn_nodes_count(test->priv), 2U);
}

/* Overlapping prefixes: the longest one containing the address wins. */
static void kn_nodes_longest_match_test(struct kunit *test)
{
	add(test, "10.0.0.0", 8, "192.168.0.8");
	add(test, "10.244.0.0", 16, "192.168.0.16");
	add(test, "10.244.2.0", 24, "192.168.0.24");
	add(test, "10.244.2.5", 32, "192.168.0.32");

	KUNIT_EXPECT_EQ(test, remote_of(test, "10.244.2.5"), ip("192.168.0.32"));
	KUNIT_EXPECT_EQ(test, remote_of(test, "10.244.2.6"), ip("192.168.0.24"));
	KUNIT_EXPECT_EQ(test, remote_of(test, "10.244.9.6"), ip("192.168.0.16"));
	KUNIT_EXPECT_EQ(test, remote_of(test, "10.1.2.3"), ip("192.168.0.8"));
	KUNIT_EXPECT_EQ(test, remote_of(test, "11.0.0.1"), 0);

	/* deleting the longer prefixes uncovers the shorter ones */
	KUNIT_EXPECT_EQ(test, kn_nodes_del(test->priv, ip("10.244.2.5"), 32, NULL), 0);
	KUNIT_EXPECT_EQ(test, remote_of(test, "10.244.2.5"), ip("192.168.0.24"));
	KUNIT_EXPECT_EQ(test, kn_nodes_del(test->priv, ip("10.244.2.0"), 24, NULL), 0);
	KUNIT_EXPECT_EQ(test, remote_of(test, "10.244.2.5"), ip("192.168.0.16"));
	KUNIT_EXPECT_EQ(test, kn_nodes_count(test->priv), 2U);
}

/* A default route through the overlay (/0) is a prefix like any other. */
static void kn_nodes_zero_length_test(struct kunit *test)
{
	add(test, "0.0.0.0", 0, "192.168.0.1");
	add(test, "10.244.2.0", 24, "192.168.0.2");

	KUNIT_EXPECT_EQ(test, remote_of(test, "8.8.8.8"), ip("192.168.0.1"));
	KUNIT_EXPECT_EQ(test, remote_of(test, "10.244.2.1"), ip("192.168.0.2"));
}

static void kn_nodes_duplicate_and_replace_test(struct kunit *test)
{
	struct kn_node_config cfg = node_cfg("10.244.2.0", 24, "192.168.0.9");
	u32 gen;

	add(test, "10.244.2.0", 24, "192.168.0.2");
	gen = kn_nodes_gen(test->priv);
	KUNIT_EXPECT_EQ(test, kn_nodes_add(test->priv, &cfg, false, NULL), -EEXIST);
	KUNIT_EXPECT_EQ(test, remote_of(test, "10.244.2.1"), ip("192.168.0.2"));
	KUNIT_EXPECT_EQ(test, kn_nodes_gen(test->priv), gen);

	KUNIT_EXPECT_EQ(test, kn_nodes_add(test->priv, &cfg, true, NULL), 0);
	KUNIT_EXPECT_EQ(test, remote_of(test, "10.244.2.1"), ip("192.168.0.9"));
	KUNIT_EXPECT_EQ(test, kn_nodes_count(test->priv), 1U);
	KUNIT_EXPECT_NE(test, kn_nodes_gen(test->priv), gen);

	/* replace of a prefix that is not there adds it */
	cfg = node_cfg("10.244.3.0", 24, "192.168.0.3");
	KUNIT_EXPECT_EQ(test, kn_nodes_add(test->priv, &cfg, true, NULL), 0);
	KUNIT_EXPECT_EQ(test, kn_nodes_count(test->priv), 2U);
}

static void kn_nodes_delete_test(struct kunit *test)
{
	add(test, "10.244.2.0", 24, "192.168.0.2");

	KUNIT_EXPECT_EQ(test, kn_nodes_del(test->priv, ip("10.244.2.0"), 23, NULL), -ENOENT);
	KUNIT_EXPECT_EQ(test, kn_nodes_del(test->priv, ip("10.244.3.0"), 24, NULL), -ENOENT);
	KUNIT_EXPECT_EQ(test, kn_nodes_del(test->priv, ip("10.244.2.0"), 24, NULL), 0);
	KUNIT_EXPECT_EQ(test, kn_nodes_del(test->priv, ip("10.244.2.0"), 24, NULL), -ENOENT);
	KUNIT_EXPECT_EQ(test, remote_of(test, "10.244.2.1"), 0);
	KUNIT_EXPECT_EQ(test, kn_nodes_count(test->priv), 0U);

	add(test, "10.244.2.0", 24, "192.168.0.2");
	add(test, "10.244.3.0", 24, "192.168.0.3");
	kn_nodes_flush(test->priv);
	KUNIT_EXPECT_EQ(test, kn_nodes_count(test->priv), 0U);
	KUNIT_EXPECT_EQ(test, remote_of(test, "10.244.3.1"), 0);
}

/* Many nodes, each found: the table grows past its first size. */
static void kn_nodes_many_test(struct kunit *test)
{
	struct kn_node_config cfg;
	char addr[16];
	int i;

	for (i = 0; i < 2000; i++) {
		cfg = node_cfg("0.0.0.0", 24, "192.168.0.1");
		cfg.prefix = htonl(0x0a000000 | (i << 8));
		cfg.remote = htonl(0xc0a80000 | i);
		KUNIT_ASSERT_EQ(test, kn_nodes_add(test->priv, &cfg, false, NULL), 0);
	}
	KUNIT_EXPECT_EQ(test, kn_nodes_count(test->priv), 2000U);
	for (i = 0; i < 2000; i += 97) {
		snprintf(addr, sizeof(addr), "10.%d.%d.77", i >> 8, i & 0xff);
		KUNIT_EXPECT_EQ(test, remote_of(test, addr), htonl(0xc0a80000 | i));
	}
}

/* A MAC is derived from the node's address unless one is configured. */
static void kn_nodes_mac_test(struct kunit *test)
{
	static const u8 derived[ETH_ALEN] __aligned(2) = { 0x0e, 0x6b, 192, 168, 0, 2 };
	static const u8 given[ETH_ALEN] __aligned(2) = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
	struct kn_node_config cfg = node_cfg("10.244.3.0", 24, "192.168.0.3");
	struct kn_node *node;

	add(test, "10.244.2.0", 24, "192.168.0.2");
	cfg.mac_set = true;
	ether_addr_copy(cfg.mac, given);
	KUNIT_ASSERT_EQ(test, kn_nodes_add(test->priv, &cfg, false, NULL), 0);

	rcu_read_lock();
	node = kn_nodes_lookup(test->priv, ip("10.244.2.1"));
	KUNIT_ASSERT_NOT_NULL(test, node);
	KUNIT_EXPECT_TRUE(test, ether_addr_equal(node->mac, derived));
	KUNIT_EXPECT_FALSE(test, node->mac_set);
	node = kn_nodes_lookup(test->priv, ip("10.244.3.1"));
	KUNIT_ASSERT_NOT_NULL(test, node);
	KUNIT_EXPECT_TRUE(test, ether_addr_equal(node->mac, given));
	KUNIT_EXPECT_TRUE(test, node->mac_set);
	rcu_read_unlock();
}

struct node_check_case {
	const char *name;
	const char *prefix;
	u8 len;
	const char *remote;
	const u8 *mac;
	int err;
};

static const u8 mac_multicast[ETH_ALEN] = { 0x01, 0, 0x5e, 0, 0, 1 };
static const u8 mac_zero[ETH_ALEN];
static const u8 mac_good[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 1 };

static const struct node_check_case node_check_cases[] = {
	{ "valid /24", "10.244.2.0", 24, "192.168.0.2", NULL, 0 },
	{ "valid /32", "10.244.2.7", 32, "192.168.0.2", NULL, 0 },
	{ "valid /0", "0.0.0.0", 0, "192.168.0.2", NULL, 0 },
	{ "valid with mac", "10.244.2.0", 24, "192.168.0.2", mac_good, 0 },
	{ "host bits set", "10.244.2.1", 24, "192.168.0.2", NULL, -EINVAL },
	{ "host bits set /0", "10.0.0.0", 0, "192.168.0.2", NULL, -EINVAL },
	{ "length over 32", "10.244.2.0", 33, "192.168.0.2", NULL, -EINVAL },
	{ "remote zero", "10.244.2.0", 24, "0.0.0.0", NULL, -EINVAL },
	{ "remote multicast", "10.244.2.0", 24, "239.1.1.1", NULL, -EINVAL },
	{ "remote broadcast", "10.244.2.0", 24, "255.255.255.255", NULL, -EINVAL },
	{ "remote loopback", "10.244.2.0", 24, "127.0.0.1", NULL, -EINVAL },
	{ "mac multicast", "10.244.2.0", 24, "192.168.0.2", mac_multicast, -EINVAL },
	{ "mac zero", "10.244.2.0", 24, "192.168.0.2", mac_zero, -EINVAL },
};

static void node_check_case_desc(const struct node_check_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(node_check, node_check_cases, node_check_case_desc);

static void kn_node_config_check_test(struct kunit *test)
{
	const struct node_check_case *c = test->param_value;
	struct kn_node_config cfg = node_cfg(c->prefix, c->len, c->remote);
	struct netlink_ext_ack extack = {};

	if (c->mac) {
		cfg.mac_set = true;
		memcpy(cfg.mac, c->mac, ETH_ALEN);
	}
	KUNIT_EXPECT_EQ(test, kn_node_config_check(&cfg, &extack), c->err);
	if (c->err)
		KUNIT_EXPECT_NOT_NULL(test, extack._msg);
}

static struct kunit_case kn_nodes_cases[] = {
	KUNIT_CASE(kn_nodes_exact_test),
	KUNIT_CASE(kn_nodes_longest_match_test),
	KUNIT_CASE(kn_nodes_zero_length_test),
	KUNIT_CASE(kn_nodes_duplicate_and_replace_test),
	KUNIT_CASE(kn_nodes_delete_test),
	KUNIT_CASE(kn_nodes_many_test),
	KUNIT_CASE(kn_nodes_mac_test),
	KUNIT_CASE_PARAM(kn_node_config_check_test, node_check_gen_params),
	{}
};

static struct kunit_suite kn_nodes_suite = {
	.name = "kn_nodes",
	.init = kn_nodes_test_init,
	.exit = kn_nodes_test_exit,
	.test_cases = kn_nodes_cases,
};

/* The header on the wire, RFC 7348 section 5: flags byte 0x08, VNI. */
static void kn_vxlan_build_test(struct kunit *test)
{
	static const u8 want[8] = { 0x08, 0, 0, 0, 0x12, 0x34, 0x56, 0 };
	struct vxlanhdr vxh;

	kn_vxlan_build_hdr(&vxh, 0x123456);
	KUNIT_EXPECT_EQ(test, memcmp(&vxh, want, sizeof(want)), 0);
	kn_vxlan_build_hdr(&vxh, 1);
	KUNIT_EXPECT_EQ(test, ((u8 *)&vxh)[6], 1);
	KUNIT_EXPECT_EQ(test, ((u8 *)&vxh)[7], 0);
}

struct vxlan_parse_case {
	const char *name;
	u8 hdr[8];
	enum kn_drop_attr reason;
	u32 vni;
};

static const struct vxlan_parse_case vxlan_parse_cases[] = {
	{ "vni 1", { 0x08, 0, 0, 0, 0, 0, 1, 0 }, 0, 1 },
	{ "vni max", { 0x08, 0, 0, 0, 0xff, 0xff, 0xff, 0 }, 0, KN_VNI_MAX },
	{ "vni 0", { 0x08, 0, 0, 0, 0, 0, 0, 0 }, 0, 0 },
	{ "I flag clear", { 0x00, 0, 0, 0, 0, 0, 1, 0 }, KN_DROP_A_VXLAN_FLAGS },
	{ "reserved flag bit", { 0x88, 0, 0, 0, 0, 0, 1, 0 }, KN_DROP_A_VXLAN_FLAGS },
	{ "GBP/G bit", { 0x08, 0x80, 0, 0, 0, 0, 1, 0 }, KN_DROP_A_VXLAN_FLAGS },
	{ "reserved 24 bits", { 0x08, 0, 0, 1, 0, 0, 1, 0 }, KN_DROP_A_VXLAN_FLAGS },
	{ "reserved last byte", { 0x08, 0, 0, 0, 0, 0, 1, 1 }, KN_DROP_A_VXLAN_FLAGS },
	{ "GPE next protocol", { 0x0c, 0, 0, 3, 0, 0, 1, 0 }, KN_DROP_A_VXLAN_FLAGS },
};

static void vxlan_parse_case_desc(const struct vxlan_parse_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(vxlan_parse, vxlan_parse_cases, vxlan_parse_case_desc);

static void kn_vxlan_parse_test(struct kunit *test)
{
	const struct vxlan_parse_case *c = test->param_value;
	struct vxlanhdr vxh;
	u32 vni = 0xdeadbeef;

	memcpy(&vxh, c->hdr, sizeof(vxh));
	KUNIT_EXPECT_EQ(test, kn_vxlan_parse_hdr(&vxh, &vni), c->reason);
	if (!c->reason)
		KUNIT_EXPECT_EQ(test, vni, c->vni);
}

/* What kn builds, kn parses back to the same VNI. */
static void kn_vxlan_round_trip_test(struct kunit *test)
{
	static const u32 vnis[] = { 0, 1, 42, 4096, 0x800000, KN_VNI_MAX };
	struct vxlanhdr vxh;
	unsigned int i;
	u32 vni;

	for (i = 0; i < ARRAY_SIZE(vnis); i++) {
		kn_vxlan_build_hdr(&vxh, vnis[i]);
		KUNIT_EXPECT_EQ(test, kn_vxlan_parse_hdr(&vxh, &vni), 0);
		KUNIT_EXPECT_EQ(test, vni, vnis[i]);
	}
}

static struct kunit_case kn_vxlan_cases[] = {
	KUNIT_CASE(kn_vxlan_build_test),
	KUNIT_CASE_PARAM(kn_vxlan_parse_test, vxlan_parse_gen_params),
	KUNIT_CASE(kn_vxlan_round_trip_test),
	{}
};

static struct kunit_suite kn_vxlan_suite = {
	.name = "kn_vxlan",
	.test_cases = kn_vxlan_cases,
};

kunit_test_suites(&kn_nodes_suite, &kn_vxlan_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for kn's remote-node table and VXLAN header");
