// SPDX-License-Identifier: GPL-2.0
/* KUnit: validation and application of the per-netns settings. */
#include <kunit/test.h>
#include <linux/inet.h>

#include "uapi/kn.h"
#include "settings.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

static void kn_settings_defaults_test(struct kunit *test)
{
	struct kn_settings s = {};

	kn_settings_init_defaults(&s);
	KUNIT_EXPECT_EQ(test, ntohl(s.cluster_cidr_addr), 0x0af40000U);
	KUNIT_EXPECT_EQ(test, s.cluster_cidr_prefix, 16);
	KUNIT_EXPECT_EQ(test, s.nodeport_min, 30000);
	KUNIT_EXPECT_EQ(test, s.nodeport_max, 32767);
	KUNIT_EXPECT_EQ(test, s.conntrack_max, KN_CONNTRACK_MAX_DEFAULT);
}

struct kn_settings_case {
	const char *name;
	struct kn_settings_change change;
	int err;
};

#define CIDR(a, b, c, d, len) .has_cluster_cidr = true, \
	.cluster_cidr_addr = cpu_to_be32((a) << 24 | (b) << 16 | (c) << 8 | (d)), \
	.cluster_cidr_prefix = (len)

static const struct kn_settings_case kn_settings_cases[] = {
	{ "cidr ok", { CIDR(10, 100, 0, 0, 16) }, 0 },
	{ "cidr /32 ok", { CIDR(10, 1, 2, 3, 32) }, 0 },
	{ "cidr /0 ok", { CIDR(0, 0, 0, 0, 0) }, 0 },
	{ "cidr host bits", { CIDR(10, 100, 1, 0, 16) }, -EINVAL },
	{ "cidr /0 host bits", { CIDR(10, 0, 0, 0, 0) }, -EINVAL },
	{ "cidr prefix 33", { CIDR(10, 0, 0, 0, 33) }, -EINVAL },
	{ "nodeport ok", { .has_nodeport_range = true, .nodeport_min = 30000,
			   .nodeport_max = 30010 }, 0 },
	{ "nodeport single", { .has_nodeport_range = true, .nodeport_min = 80,
			       .nodeport_max = 80 }, 0 },
	{ "nodeport reversed", { .has_nodeport_range = true, .nodeport_min = 31000,
				 .nodeport_max = 30000 }, -EINVAL },
	{ "nodeport zero", { .has_nodeport_range = true, .nodeport_min = 0,
			     .nodeport_max = 30000 }, -EINVAL },
	{ "conntrack min", { .has_conntrack_max = true,
			     .conntrack_max = KN_CONNTRACK_MAX_MIN }, 0 },
	{ "conntrack max", { .has_conntrack_max = true,
			     .conntrack_max = KN_CONNTRACK_MAX_MAX }, 0 },
	{ "conntrack too small", { .has_conntrack_max = true,
				   .conntrack_max = KN_CONNTRACK_MAX_MIN - 1 }, -ERANGE },
	{ "conntrack too big", { .has_conntrack_max = true,
				 .conntrack_max = KN_CONNTRACK_MAX_MAX + 1 }, -ERANGE },
	/* a bad part rejects the whole request, even after good parts */
	{ "good cidr, bad range", { CIDR(10, 0, 0, 0, 8), .has_nodeport_range = true,
				    .nodeport_min = 2, .nodeport_max = 1 }, -EINVAL },
};

static void kn_settings_case_desc(const struct kn_settings_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(kn_settings, kn_settings_cases, kn_settings_case_desc);

static void kn_settings_apply_test(struct kunit *test)
{
	const struct kn_settings_case *c = test->param_value;
	struct netlink_ext_ack extack = {};
	struct kn_settings before, s;

	kn_settings_init_defaults(&before);
	s = before;
	KUNIT_ASSERT_EQ(test, kn_settings_apply(&s, &c->change, &extack), c->err);

	if (c->err) {
		/* rejected: nothing changed, and the caller is told why */
		KUNIT_EXPECT_EQ(test, memcmp(&s, &before, sizeof(s)), 0);
		KUNIT_EXPECT_NOT_ERR_OR_NULL(test, extack._msg);
		return;
	}
	if (c->change.has_cluster_cidr) {
		KUNIT_EXPECT_EQ(test, s.cluster_cidr_addr, c->change.cluster_cidr_addr);
		KUNIT_EXPECT_EQ(test, s.cluster_cidr_prefix, c->change.cluster_cidr_prefix);
	} else {
		KUNIT_EXPECT_EQ(test, s.cluster_cidr_addr, before.cluster_cidr_addr);
	}
	if (c->change.has_nodeport_range) {
		KUNIT_EXPECT_EQ(test, s.nodeport_min, c->change.nodeport_min);
		KUNIT_EXPECT_EQ(test, s.nodeport_max, c->change.nodeport_max);
	} else {
		KUNIT_EXPECT_EQ(test, s.nodeport_min, before.nodeport_min);
	}
	if (c->change.has_conntrack_max)
		KUNIT_EXPECT_EQ(test, s.conntrack_max, c->change.conntrack_max);
	else
		KUNIT_EXPECT_EQ(test, s.conntrack_max, before.conntrack_max);
}

static struct kunit_case kn_settings_test_cases[] = {
	KUNIT_CASE(kn_settings_defaults_test),
	KUNIT_CASE_PARAM(kn_settings_apply_test, kn_settings_gen_params),
	{}
};

static struct kunit_suite kn_settings_test_suite = {
	.name = "kn_settings",
	.test_cases = kn_settings_test_cases,
};

kunit_test_suite(kn_settings_test_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for kn settings");
