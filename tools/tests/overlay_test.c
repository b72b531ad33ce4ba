// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for "kn-ctl overlay": its arguments and usage errors, the
 * KN_CMD_SET_OVERLAY request it builds and the KN_CMD_GET_OVERLAY reply it
 * reads, all in plain buffers.  Run from parse_test's main().
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/genetlink.h>

#include "uapi/kn.h"
#include "kn-ctl.h"
#include "harness.h"

/* --- arguments --- */

static const struct {
	const char *args[TEST_MAX_ARGS];
	const char *command;
	const char *dev;
	bool json;
} dev_cases[] = {
	{ { "overlay", "show" }, "show", NULL, false },
	{ { "overlay", "show", "-j" }, "show", NULL, true },
	{ { "-j", "overlay", "show", "dev", "kn0" }, "show", "kn0", true },
	{ { "overlay", "del", "dev", "kn0" }, "del", "kn0", false },
};

static void test_dev_args(void)
{
	struct kn_invocation inv;
	char line[256];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(dev_cases); i++) {
		enum kn_ctl_action action = test_parse(dev_cases[i].args, &inv);
		const char *dev = NULL;
		bool ok = action == KN_CTL_RUN && !strcmp(inv.object->name, "overlay") &&
			  !strcmp(inv.command->name, dev_cases[i].command) &&
			  inv.json == dev_cases[i].json;

		if (ok)
			dev = !strcmp(inv.command->name, "show") ? inv.args.overlay_show.dev
								 : inv.args.overlay_del.dev;
		ok = ok && (dev_cases[i].dev ? dev && !strcmp(dev, dev_cases[i].dev) : !dev);
		test_describe(dev_cases[i].args, line, sizeof(line));
		test_case(ok, "request from \"%s\"", line);
	}
}

static const struct {
	const char *args[TEST_MAX_ARGS];
	struct kn_overlay_set_args expected;
	const char *local;
} set_cases[] = {
	{ { "overlay", "set", "dev", "kn0", "local", "192.168.0.1" },
	  { .has_local = true }, "192.168.0.1" },
	{ { "overlay", "set", "dev", "kn0", "local", "192.168.0.1", "port", "8472", "vni", "1" },
	  { .has_local = true, .has_port = true, .port = 8472, .has_vni = true, .vni = 1 },
	  "192.168.0.1" },
	{ { "overlay", "set", "vni", "16777215", "dev", "kn0" },
	  { .has_vni = true, .vni = 16777215 }, NULL },
	{ { "overlay", "set", "port", "4789", "dev", "kn0", "vni", "0" },
	  { .has_port = true, .port = 4789, .has_vni = true, .vni = 0 }, NULL },
	{ { "overlay", "set", "dev", "kn0", "port", "65535", "-j" },
	  { .has_port = true, .port = 65535 }, NULL },
};

static void test_set_args(void)
{
	struct kn_invocation inv;
	char line[256];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(set_cases); i++) {
		const struct kn_overlay_set_args *want = &set_cases[i].expected;
		const struct kn_overlay_set_args *got = &inv.args.overlay_set;
		enum kn_ctl_action action = test_parse(set_cases[i].args, &inv);
		bool ok = action == KN_CTL_RUN && !strcmp(inv.object->name, "overlay") &&
			  !strcmp(inv.command->name, "set");

		ok = ok && got->dev && !strcmp(got->dev, "kn0") &&
		     got->has_local == want->has_local && got->has_port == want->has_port &&
		     got->has_vni == want->has_vni &&
		     (!want->has_local || got->local.s_addr == inet_addr(set_cases[i].local)) &&
		     (!want->has_port || got->port == want->port) &&
		     (!want->has_vni || got->vni == want->vni);
		test_describe(set_cases[i].args, line, sizeof(line));
		test_case(ok, "overlay set request from \"%s\"", line);
	}
}

static const struct test_refusal refused_cases[] = {
	{ { "overlay" }, "overlay: missing COMMAND (one of: show, set, del)" },
	{ { "overlay", "add" }, "overlay: unknown command 'add'" },
	{ { "overlay", "show", "kn0" }, "overlay show: unknown argument 'kn0'" },
	{ { "overlay", "show", "dev" }, "overlay show: dev needs a value" },
	{ { "overlay", "show", "dev", "kn0", "x" }, "overlay show: unexpected argument 'x'" },
	{ { "overlay", "show", "dev", "a/b" }, "overlay show: dev 'a/b' is not a device name" },
	{ { "overlay", "del" }, "overlay del: dev KN is required" },
	{ { "overlay", "del", "kn0" }, "overlay del: unknown argument 'kn0'" },
	{ { "overlay", "del", "dev" }, "overlay del: dev needs a value" },
	{ { "overlay", "del", "dev", "kn0", "now" }, "overlay del: unexpected argument 'now'" },
	{ { "overlay", "set" }, "overlay set: dev KN is required" },
	{ { "overlay", "set", "local", "192.168.0.1" }, "overlay set: dev KN is required" },
	{ { "overlay", "set", "dev", "kn0" },
	  "overlay set: give at least one setting (local, port, vni)" },
	{ { "overlay", "set", "dev", "kn0", "remote", "1.2.3.4" },
	  "overlay set: unknown argument 'remote'" },
	{ { "overlay", "set", "dev", "kn0", "local" }, "overlay set: local needs a value" },
	{ { "overlay", "set", "dev", "kn0", "dev", "kn1", "vni", "1" },
	  "overlay set: dev is given twice" },
	{ { "overlay", "set", "dev", "kn0", "local", "1.2.3.4", "local", "1.2.3.5" },
	  "overlay set: local is given twice" },
	{ { "overlay", "set", "dev", "kn0", "port", "1", "port", "2" },
	  "overlay set: port is given twice" },
	{ { "overlay", "set", "dev", "kn0", "vni", "1", "vni", "2" },
	  "overlay set: vni is given twice" },
	{ { "overlay", "set", "dev", "kn0", "local", "192.168.0" },
	  "overlay set: local '192.168.0' is not an IPv4 address A.B.C.D" },
	{ { "overlay", "set", "dev", "kn0", "local", "192.168.0.1/24" },
	  "overlay set: local '192.168.0.1/24' is not an IPv4 address A.B.C.D" },
	{ { "overlay", "set", "dev", "kn0", "local", "0.0.0.0" },
	  "overlay set: local '0.0.0.0' is not a unicast address" },
	{ { "overlay", "set", "dev", "kn0", "local", "127.0.0.1" },
	  "overlay set: local '127.0.0.1' is not a unicast address" },
	{ { "overlay", "set", "dev", "kn0", "local", "239.1.1.1" },
	  "overlay set: local '239.1.1.1' is not a unicast address" },
	{ { "overlay", "set", "dev", "kn0", "local", "255.255.255.255" },
	  "overlay set: local '255.255.255.255' is not a unicast address" },
	{ { "overlay", "set", "dev", "kn0", "port", "0" },
	  "overlay set: port '0' is outside 1 to 65535" },
	{ { "overlay", "set", "dev", "kn0", "port", "65536" },
	  "overlay set: port '65536' is outside 1 to 65535" },
	{ { "overlay", "set", "dev", "kn0", "port", "vxlan" },
	  "overlay set: port 'vxlan' is not a number" },
	{ { "overlay", "set", "dev", "kn0", "vni", "16777216" },
	  "overlay set: vni '16777216' is outside 0 to 16777215" },
	{ { "overlay", "set", "dev", "kn0", "vni", "-1" },
	  "overlay set: vni '-1' is not a number" },
	{ { "overlay", "set", "dev", "kn0", "vni", "0x10" },
	  "overlay set: vni '0x10' is not a number" },
};

/* --- the set request --- */

static void test_set_message(void)
{
	static const uint8_t local_wire[4] = { 192, 168, 0, 1 };
	char buf[KN_GENL_SEND_BUF_SIZE] __attribute__((aligned(8))) = { 0 };
	struct kn_overlay_set_args args = { .dev = "kn0", .has_vni = true, .vni = 0x123456 };
	struct test_attrs top = { 0 }, overlay = { 0 };
	const struct genlmsghdr *genlh;
	struct nlmsghdr *nlh;

	nlh = kn_genl_msg_put(buf, 0x42, KN_GENL_VERSION, KN_CMD_SET_OVERLAY, 0, 3);
	kn_overlay_set_put_attrs(nlh, &args);
	genlh = mnl_nlmsg_get_payload(nlh);
	mnl_attr_parse(nlh, GENL_HDRLEN, test_collect_attr, &top);
	test_case(genlh->cmd == KN_CMD_SET_OVERLAY && top.count == 2 && !top.unknown &&
		  top.tb[KN_A_IFNAME] && !strcmp(mnl_attr_get_str(top.tb[KN_A_IFNAME]), "kn0") &&
		  top.tb[KN_A_OVERLAY] && (top.tb[KN_A_OVERLAY]->nla_type & NLA_F_NESTED),
		  "overlay set: KN_A_IFNAME \"kn0\" and a KN_A_OVERLAY nest, nothing else");
	if (top.tb[KN_A_OVERLAY])
		mnl_attr_parse_nested(top.tb[KN_A_OVERLAY], test_collect_attr, &overlay);
	test_case(overlay.count == 1 && !overlay.unknown && overlay.tb[KN_OVERLAY_A_VNI] &&
		  mnl_attr_get_payload_len(overlay.tb[KN_OVERLAY_A_VNI]) == 4 &&
		  mnl_attr_get_u32(overlay.tb[KN_OVERLAY_A_VNI]) == 0x123456,
		  "overlay set vni 1193046: the nest holds only VNI (u32)");

	memset(buf, 0, sizeof(buf));
	memset(&top, 0, sizeof(top));
	memset(&overlay, 0, sizeof(overlay));
	args.has_local = true;
	inet_pton(AF_INET, "192.168.0.1", &args.local);
	args.has_port = true;
	args.port = 8472;
	nlh = kn_genl_msg_put(buf, 0x42, KN_GENL_VERSION, KN_CMD_SET_OVERLAY, 0, 4);
	kn_overlay_set_put_attrs(nlh, &args);
	mnl_attr_parse(nlh, GENL_HDRLEN, test_collect_attr, &top);
	if (top.tb[KN_A_OVERLAY])
		mnl_attr_parse_nested(top.tb[KN_A_OVERLAY], test_collect_attr, &overlay);
	test_case(overlay.count == 3 && !overlay.unknown &&
		  overlay.tb[KN_OVERLAY_A_LOCAL] &&
		  mnl_attr_get_payload_len(overlay.tb[KN_OVERLAY_A_LOCAL]) == 4 &&
		  !memcmp(mnl_attr_get_payload(overlay.tb[KN_OVERLAY_A_LOCAL]), local_wire, 4) &&
		  overlay.tb[KN_OVERLAY_A_PORT] &&
		  mnl_attr_get_payload_len(overlay.tb[KN_OVERLAY_A_PORT]) == 2 &&
		  mnl_attr_get_u16(overlay.tb[KN_OVERLAY_A_PORT]) == 8472 &&
		  overlay.tb[KN_OVERLAY_A_VNI],
		  "overlay set local 192.168.0.1 port 8472 vni N: be32 LOCAL bytes 192.168.0.1, u16 PORT, VNI");
}

/* --- the GET_OVERLAY reply, built the way the kernel builds it --- */

/* omit: a KN_OVERLAY_A_* to leave out, 0 for none, -1 for no nest at all. */
static void put_overlay_reply(struct nlmsghdr *nlh, int omit, bool with_name)
{
	struct nlattr *nest;

	mnl_attr_put_u32(nlh, KN_A_IFINDEX, 7);
	if (with_name)
		mnl_attr_put_strz(nlh, KN_A_IFNAME, "kn0");
	mnl_attr_put_u32(nlh, KN_A_MAX + 1, 1);		/* a newer module's */
	if (omit < 0)
		return;
	nest = mnl_attr_nest_start(nlh, KN_A_OVERLAY);
	if (omit != KN_OVERLAY_A_LOCAL)
		mnl_attr_put_u32(nlh, KN_OVERLAY_A_LOCAL, inet_addr("192.168.0.1"));
	if (omit != KN_OVERLAY_A_PORT)
		mnl_attr_put_u16(nlh, KN_OVERLAY_A_PORT, 4789);
	if (omit != KN_OVERLAY_A_VNI)
		mnl_attr_put_u32(nlh, KN_OVERLAY_A_VNI, KN_VNI_MAX);
	mnl_attr_put_u32(nlh, KN_OVERLAY_A_MAX + 1, 1);
	mnl_attr_nest_end(nlh, nest);
}

static void test_overlay_reply(void)
{
	static char buf[KN_GENL_SEND_BUF_SIZE] __attribute__((aligned(8)));
	struct kn_overlay_info info;
	struct nlmsghdr *nlh;
	int omit;

	nlh = test_genl_reply_start(buf, KN_CMD_GET_OVERLAY, 0);
	put_overlay_reply(nlh, 0, true);
	memset(&info, 0xa5, sizeof(info));
	test_case(!kn_overlay_parse_reply(nlh, &info) && info.complete && info.has_overlay &&
		  info.ifindex == 7 && !strcmp(info.name, "kn0") &&
		  info.local.s_addr == inet_addr("192.168.0.1") && info.port == 4789 &&
		  info.vni == KN_VNI_MAX,
		  "overlay reply: index, name, local (network order), port and vni read; newer attributes skipped");

	nlh = test_genl_reply_start(buf, KN_CMD_GET_OVERLAY, 0);
	put_overlay_reply(nlh, -1, true);
	memset(&info, 0xa5, sizeof(info));
	test_case(!kn_overlay_parse_reply(nlh, &info) && info.complete && !info.has_overlay &&
		  info.ifindex == 7 && !strcmp(info.name, "kn0") && !info.port && !info.vni &&
		  !info.local.s_addr,
		  "overlay reply without KN_A_OVERLAY: a device without an overlay");

	for (omit = KN_OVERLAY_A_LOCAL; omit <= KN_OVERLAY_A_MAX; omit++) {
		nlh = test_genl_reply_start(buf, KN_CMD_GET_OVERLAY, 0);
		put_overlay_reply(nlh, omit, true);
		test_case(kn_overlay_parse_reply(nlh, &info) == -EBADMSG,
			  "overlay reply without setting %d -> -EBADMSG (every setting is promised)",
			  omit);
	}

	nlh = test_genl_reply_start(buf, KN_CMD_GET_OVERLAY, 0);
	put_overlay_reply(nlh, 0, false);
	test_case(kn_overlay_parse_reply(nlh, &info) == -EBADMSG,
		  "overlay reply without KN_A_IFNAME -> -EBADMSG");

	nlh = test_genl_reply_start(buf, KN_CMD_GET_OVERLAY, 0);
	mnl_attr_put_u32(nlh, KN_A_IFINDEX, 7);
	mnl_attr_put_strz(nlh, KN_A_IFNAME, "kn0");
	{
		struct nlattr *nest = mnl_attr_nest_start(nlh, KN_A_OVERLAY);

		mnl_attr_put_u32(nlh, KN_OVERLAY_A_LOCAL, inet_addr("192.168.0.1"));
		mnl_attr_put_u32(nlh, KN_OVERLAY_A_PORT, 8472);	/* u32, not u16 */
		mnl_attr_put_u32(nlh, KN_OVERLAY_A_VNI, 1);
		mnl_attr_nest_end(nlh, nest);
	}
	test_case(kn_overlay_parse_reply(nlh, &info) == -EBADMSG,
		  "overlay reply with a 4-byte PORT -> -EBADMSG");
}

static void test_overlay_drops(void)
{
	unsigned int type, overlay = 0;
	bool named = true;

	for (type = KN_DROP_A_PAD + 1; type <= KN_DROP_A_MAX; type++) {
		if (!kn_drop_reason_is_overlay(type))
			continue;
		overlay++;
		named = named && kn_drop_reason_name(type) && kn_drop_reason_key(type);
	}
	test_case(overlay == 7 && named && kn_drop_reason_is_overlay(KN_DROP_A_NO_NODE) &&
		  kn_drop_reason_is_overlay(KN_DROP_A_VXLAN_INNER) &&
		  !kn_drop_reason_is_overlay(KN_DROP_A_RUNT) &&
		  !kn_drop_reason_is_overlay(KN_DROP_A_PAD),
		  "overlay show prints the 7 overlay drop reasons, each with a name and a key");
	test_case(!strcmp(kn_drop_reason_name(KN_DROP_A_VXLAN_VNI), "vxlan-vni") &&
		  !strcmp(kn_drop_reason_key(KN_DROP_A_VXLAN_VNI), "vxlan_vni") &&
		  !strcmp(kn_drop_reason_key(KN_DROP_A_NO_OVERLAY), "no_overlay"),
		  "drop reason vxlan-vni has the JSON key vxlan_vni, no-overlay no_overlay");
}

void overlay_tests(void)
{
	test_dev_args();
	test_set_args();
	test_refusals(refused_cases, ARRAY_SIZE(refused_cases));
	test_set_message();
	test_overlay_reply();
	test_overlay_drops();
}
