// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for "kn-ctl link": its arguments, the seconds parser behind
 * "ageing", the KN_CMD_SET_LINK request it builds and the KN_CMD_GET_LINK
 * reply it reads, all in plain buffers.  Run from parse_test's main().
 */

#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/genetlink.h>

#include "uapi/kn.h"
#include "kn-ctl.h"
#include "harness.h"

/* --- kn_parse_seconds_ms --- */

static const struct {
	const char *word;
	int err;
	uint32_t ms;
} seconds_cases[] = {
	{ "300", 0, 300000 },
	{ "1", 0, 1000 },
	{ "0", 0, 0 },
	{ "1.5", 0, 1500 },
	{ "0.25", 0, 250 },
	{ "2.001", 0, 2001 },
	{ "86400", 0, 86400000 },
	{ "4294967.295", 0, 4294967295u },
	{ "4294967.296", -ERANGE, 0 },
	{ "4294968", -ERANGE, 0 },
	{ "99999999999999999999999", -ERANGE, 0 },
	{ "1.2345", -EINVAL, 0 },
	{ "1.", -EINVAL, 0 },
	{ ".5", -EINVAL, 0 },
	{ "1.5.0", -EINVAL, 0 },
	{ "1s", -EINVAL, 0 },
	{ "-1", -EINVAL, 0 },
	{ "", -EINVAL, 0 },
	{ "1e3", -EINVAL, 0 },
};

static void test_seconds(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(seconds_cases); i++) {
		uint32_t ms = 0xdeadbeef;
		int err = kn_parse_seconds_ms(seconds_cases[i].word, UINT32_MAX, &ms);

		test_case(err == seconds_cases[i].err &&
			  ms == (err ? 0xdeadbeef : seconds_cases[i].ms),
			  "parse_seconds_ms \"%s\" -> %d, %u ms", seconds_cases[i].word,
			  seconds_cases[i].err, seconds_cases[i].ms);
	}
	test_case(kn_parse_seconds_ms("0.5", 400, &(uint32_t){ 0 }) == -ERANGE,
		  "parse_seconds_ms \"0.5\" with a 400 ms bound -> -ERANGE");
}

static const struct {
	uint32_t ms;
	const char *text;
} format_cases[] = {
	{ 300000, "300" }, { 1000, "1" }, { 0, "0" }, { 1500, "1.5" },
	{ 250, "0.25" }, { 2001, "2.001" }, { 86400000, "86400" },
};

static void test_format_seconds(void)
{
	char buf[32];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(format_cases); i++) {
		kn_format_seconds(format_cases[i].ms, buf, sizeof(buf));
		test_case(!strcmp(buf, format_cases[i].text),
			  "format_seconds %u ms -> \"%s\"", format_cases[i].ms,
			  format_cases[i].text);
	}
}

/* --- arguments --- */

static const struct {
	const char *args[TEST_MAX_ARGS];
	const char *command;
	const char *dev;
	bool json;
} show_cases[] = {
	{ { "link", "show" }, "show", NULL, false },
	{ { "link", "show", "-j" }, "show", NULL, true },
	{ { "link", "show", "dev", "kn0" }, "show", "kn0", false },
	{ { "-j", "link", "show", "dev", "kn0" }, "show", "kn0", true },
	{ { "fdb", "show", "dev", "kn0" }, "show", "kn0", false },
	{ { "fdb", "show", "dev", "kn0", "-j" }, "show", "kn0", true },
	{ { "fdb", "--json", "show", "dev", "br-pods.1" }, "show", "br-pods.1", true },
};

static void test_show_args(void)
{
	struct kn_invocation inv;
	char line[256];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(show_cases); i++) {
		enum kn_ctl_action action = test_parse(show_cases[i].args, &inv);
		const char *dev = NULL;
		bool ok = action == KN_CTL_RUN && !strcmp(inv.command->name, "show") &&
			  inv.json == show_cases[i].json;

		if (ok)
			dev = !strcmp(inv.object->name, "fdb") ? inv.args.fdb_show.dev
							       : inv.args.link_show.dev;
		ok = ok && (show_cases[i].dev ? dev && !strcmp(dev, show_cases[i].dev) : !dev);
		test_describe(show_cases[i].args, line, sizeof(line));
		test_case(ok, "request from \"%s\"", line);
	}
}

static const struct {
	const char *args[TEST_MAX_ARGS];
	struct kn_link_set_args expected;
} set_cases[] = {
	{ { "link", "set", "dev", "kn0", "ageing", "1" },
	  { .has_ageing_time = true, .ageing_time_ms = 1000 } },
	{ { "link", "set", "fdb-max", "4096", "dev", "kn0" },
	  { .has_fdb_max = true, .fdb_max = 4096 } },
	{ { "link", "set", "dev", "kn0", "fdb-max", "1", "ageing", "2.5" },
	  { .has_ageing_time = true, .ageing_time_ms = 2500,
	    .has_fdb_max = true, .fdb_max = 1 } },
	/* Below the module's minimum: its limit to enforce and explain. */
	{ { "link", "set", "dev", "kn0", "ageing", "0.5", "fdb-max", "0" },
	  { .has_ageing_time = true, .ageing_time_ms = 500,
	    .has_fdb_max = true, .fdb_max = 0 } },
};

static void test_set_args(void)
{
	struct kn_invocation inv;
	char line[256];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(set_cases); i++) {
		const struct kn_link_set_args *want = &set_cases[i].expected;
		const struct kn_link_set_args *got = &inv.args.link_set;
		enum kn_ctl_action action = test_parse(set_cases[i].args, &inv);
		bool ok = action == KN_CTL_RUN && !strcmp(inv.object->name, "link") &&
			  !strcmp(inv.command->name, "set");

		ok = ok && got->dev && !strcmp(got->dev, "kn0") &&
		     got->has_ageing_time == want->has_ageing_time &&
		     got->has_fdb_max == want->has_fdb_max &&
		     (!want->has_ageing_time || got->ageing_time_ms == want->ageing_time_ms) &&
		     (!want->has_fdb_max || got->fdb_max == want->fdb_max);
		test_describe(set_cases[i].args, line, sizeof(line));
		test_case(ok, "link set request from \"%s\"", line);
	}
}

static const struct test_refusal refused_cases[] = {
	{ { "fdb" }, "missing COMMAND (one of: show)" },
	{ { "fdb", "list" }, "unknown command 'list'" },
	{ { "fdb", "show" }, "fdb show: dev KN is required" },
	{ { "fdb", "show", "kn0" }, "fdb show: unknown argument 'kn0'" },
	{ { "fdb", "show", "dev" }, "fdb show: dev needs a value" },
	{ { "fdb", "show", "dev", "kn0", "extra" }, "unexpected argument 'extra'" },
	{ { "fdb", "show", "dev", "a-name-far-too-long" }, "is not a device name" },
	{ { "fdb", "show", "dev", "a/b" }, "is not a device name" },
	{ { "link" }, "missing COMMAND (one of: show, set)" },
	{ { "link", "show", "kn0" }, "link show: unknown argument 'kn0'" },
	{ { "link", "show", "dev" }, "link show: dev needs a value" },
	{ { "link", "show", "dev", "kn0", "dev", "kn1" }, "unexpected argument 'dev'" },
	{ { "link", "show", "dev", "" }, "is not a device name" },
	{ { "link", "set" }, "link set: dev KN is required" },
	{ { "link", "set", "ageing", "5" }, "link set: dev KN is required" },
	{ { "link", "set", "dev", "kn0" }, "give at least one setting (ageing, fdb-max)" },
	{ { "link", "set", "dev", "kn0", "dev", "kn1", "ageing", "1" }, "dev is given twice" },
	{ { "link", "set", "dev", "kn0", "ageing", "1", "ageing", "2" }, "ageing is given twice" },
	{ { "link", "set", "dev", "kn0", "fdb-max", "1", "fdb-max", "2" }, "fdb-max is given twice" },
	{ { "link", "set", "dev", "kn0", "ageing" }, "ageing needs a value" },
	{ { "link", "set", "dev", "kn0", "ageing", "5m" }, "ageing '5m' is not a number of seconds" },
	{ { "link", "set", "dev", "kn0", "ageing", "-1" }, "ageing '-1' is not a number of seconds" },
	{ { "link", "set", "dev", "kn0", "ageing", "4294968" }, "ageing '4294968' is too large" },
	{ { "link", "set", "dev", "kn0", "fdb-max", "lots" }, "fdb-max 'lots' is not a number" },
	{ { "link", "set", "dev", "kn0", "fdb-max", "4294967296" }, "fdb-max '4294967296' is too large" },
	{ { "link", "set", "dev", "kn0", "mtu", "1500" }, "link set: unknown argument 'mtu'" },
};

/* --- the set request --- */

static void test_set_message(void)
{
	char buf[KN_GENL_SEND_BUF_SIZE] __attribute__((aligned(8))) = { 0 };
	struct kn_link_set_args args = { .dev = "kn0", .has_fdb_max = true, .fdb_max = 4096 };
	struct test_attrs top = { 0 }, link = { 0 };
	const struct genlmsghdr *genlh;
	struct nlmsghdr *nlh;

	nlh = kn_genl_msg_put(buf, 0x42, KN_GENL_VERSION, KN_CMD_SET_LINK, 0, 3);
	kn_link_set_put_attrs(nlh, &args);
	genlh = mnl_nlmsg_get_payload(nlh);
	mnl_attr_parse(nlh, GENL_HDRLEN, test_collect_attr, &top);
	test_case(genlh->cmd == KN_CMD_SET_LINK && top.count == 2 && !top.unknown &&
		  top.tb[KN_A_IFNAME] &&
		  mnl_attr_get_payload_len(top.tb[KN_A_IFNAME]) == sizeof("kn0") &&
		  !strcmp(mnl_attr_get_str(top.tb[KN_A_IFNAME]), "kn0") &&
		  top.tb[KN_A_LINK] && (top.tb[KN_A_LINK]->nla_type & NLA_F_NESTED),
		  "link set: KN_A_IFNAME \"kn0\" (NUL-terminated) and a KN_A_LINK nest, nothing else");
	if (top.tb[KN_A_LINK])
		mnl_attr_parse_nested(top.tb[KN_A_LINK], test_collect_attr, &link);
	test_case(link.count == 1 && !link.unknown && link.tb[KN_LINK_A_FDB_MAX] &&
		  mnl_attr_get_payload_len(link.tb[KN_LINK_A_FDB_MAX]) == 4 &&
		  mnl_attr_get_u32(link.tb[KN_LINK_A_FDB_MAX]) == 4096,
		  "link set fdb-max 4096: the nest holds only FDB_MAX (u32 4096)");

	memset(buf, 0, sizeof(buf));
	memset(&top, 0, sizeof(top));
	memset(&link, 0, sizeof(link));
	args.has_ageing_time = true;
	args.ageing_time_ms = 1500;
	nlh = kn_genl_msg_put(buf, 0x42, KN_GENL_VERSION, KN_CMD_SET_LINK, 0, 4);
	kn_link_set_put_attrs(nlh, &args);
	mnl_attr_parse(nlh, GENL_HDRLEN, test_collect_attr, &top);
	if (top.tb[KN_A_LINK])
		mnl_attr_parse_nested(top.tb[KN_A_LINK], test_collect_attr, &link);
	test_case(link.count == 2 && !link.unknown && link.tb[KN_LINK_A_AGEING_TIME_MS] &&
		  mnl_attr_get_u32(link.tb[KN_LINK_A_AGEING_TIME_MS]) == 1500 &&
		  link.tb[KN_LINK_A_FDB_MAX],
		  "link set ageing 1.5 fdb-max 4096: AGEING_TIME_MS 1500 and FDB_MAX");
}

/* A GET request names its device, or gives a listed one's index. */
static void test_dev_name_or_index(void)
{
	char buf[KN_GENL_SEND_BUF_SIZE] __attribute__((aligned(8))) = { 0 };
	struct test_attrs top = { 0 };
	struct nlmsghdr *nlh;

	nlh = kn_genl_msg_put(buf, 0x42, KN_GENL_VERSION, KN_CMD_GET_LINK, 0, 5);
	kn_dev_put_name_or_index(nlh, "kn0", 9);
	mnl_attr_parse(nlh, GENL_HDRLEN, test_collect_attr, &top);
	test_case(top.count == 1 && top.tb[KN_A_IFNAME] &&
		  !strcmp(mnl_attr_get_str(top.tb[KN_A_IFNAME]), "kn0"),
		  "a named device goes as KN_A_IFNAME only, its index ignored");

	memset(buf, 0, sizeof(buf));
	memset(&top, 0, sizeof(top));
	nlh = kn_genl_msg_put(buf, 0x42, KN_GENL_VERSION, KN_CMD_GET_LINK, 0, 6);
	kn_dev_put_name_or_index(nlh, NULL, 9);
	mnl_attr_parse(nlh, GENL_HDRLEN, test_collect_attr, &top);
	test_case(top.count == 1 && top.tb[KN_A_IFINDEX] &&
		  mnl_attr_get_u32(top.tb[KN_A_IFINDEX]) == 9,
		  "a listed device goes as KN_A_IFINDEX only");
}

/* --- the GET_LINK reply, built the way the kernel builds it --- */

/* Leaves out one thing the contract promises, or none (omit 0). */
enum omit { OMIT_NONE, OMIT_FDB_MAX, OMIT_FLOODED, OMIT_STATS, OMIT_ENCAP_DECAP };

static void put_link_reply(struct nlmsghdr *nlh, enum omit omit, bool all_drops)
{
	struct nlattr *nest, *stats, *drops;
	unsigned int type;

	mnl_attr_put_u32(nlh, KN_A_IFINDEX, 7);
	mnl_attr_put_strz(nlh, KN_A_IFNAME, "kn0");
	nest = mnl_attr_nest_start(nlh, KN_A_LINK);
	mnl_attr_put_u32(nlh, KN_LINK_A_AGEING_TIME_MS, 300000);
	if (omit != OMIT_FDB_MAX)
		mnl_attr_put_u32(nlh, KN_LINK_A_FDB_MAX, 8192);
	mnl_attr_put_u32(nlh, KN_LINK_A_MAX + 1, 1);	/* a newer module's */
	mnl_attr_nest_end(nlh, nest);
	if (omit == OMIT_STATS)
		return;
	stats = mnl_attr_nest_start(nlh, KN_A_LINK_STATS);
	mnl_attr_put_u32(nlh, KN_LINK_STATS_A_PORTS, 2);
	mnl_attr_put_u32(nlh, KN_LINK_STATS_A_FDB_ENTRIES, 3);
	/* nla_put_u64_64bit() pads with KN_LINK_STATS_A_PAD when misaligned */
	mnl_attr_put(nlh, KN_LINK_STATS_A_PAD, 0, NULL);
	mnl_attr_put_u64(nlh, KN_LINK_STATS_A_FDB_FULL, 4);
	mnl_attr_put_u64(nlh, KN_LINK_STATS_A_FORWARDED, 0x100000000ULL);
	if (omit != OMIT_FLOODED)
		mnl_attr_put_u64(nlh, KN_LINK_STATS_A_FLOODED, 6);
	if (omit != OMIT_ENCAP_DECAP) {
		mnl_attr_put_u64(nlh, KN_LINK_STATS_A_ENCAP, 7);
		mnl_attr_put_u64(nlh, KN_LINK_STATS_A_DECAP, 0x200000000ULL);
	}
	mnl_attr_put_u64(nlh, KN_LINK_STATS_A_MAX + 1, 1);	/* a newer counter */
	drops = mnl_attr_nest_start(nlh, KN_LINK_STATS_A_DROPS);
	for (type = KN_DROP_A_PAD + 1; type <= KN_DROP_A_MAX; type++)
		if (all_drops || type != KN_DROP_A_RUNT)
			mnl_attr_put_u64(nlh, type, 100 + type);
	mnl_attr_put_u64(nlh, KN_DROP_A_MAX + 1, 1);	/* a newer reason */
	mnl_attr_nest_end(nlh, drops);
	mnl_attr_nest_end(nlh, stats);
}

static void test_link_reply(void)
{
	char buf[KN_GENL_SEND_BUF_SIZE] __attribute__((aligned(8))) = { 0 };
	struct kn_link_info info;
	struct nlmsghdr *nlh;
	unsigned int type;
	bool drops_ok = true;

	nlh = test_genl_reply_start(buf, KN_CMD_GET_LINK, 0);
	put_link_reply(nlh, OMIT_NONE, true);
	memset(&info, 0xa5, sizeof(info));
	test_case(!kn_link_parse_reply(nlh, &info) && info.complete &&
		  info.ifindex == 7 && !strcmp(info.name, "kn0") &&
		  info.ageing_time_ms == 300000 && info.fdb_max == 8192 &&
		  info.ports == 2 && info.fdb_entries == 3 && info.fdb_full == 4 &&
		  info.forwarded == 0x100000000ULL && info.flooded == 6 &&
		  info.has_encap && info.encap == 7 &&
		  info.has_decap && info.decap == 0x200000000ULL,
		  "link reply: index, name, settings and counters (encap, decap too) read; PAD and newer attributes skipped");
	for (type = KN_DROP_A_PAD + 1; type <= KN_DROP_A_MAX; type++)
		drops_ok = drops_ok && info.has_drop[type] && info.drops[type] == 100 + type &&
			   kn_drop_reason_name(type);
	test_case(drops_ok && !info.has_drop[KN_DROP_A_UNSPEC] && !info.has_drop[KN_DROP_A_PAD],
		  "link reply: every drop reason read, each with a name");

	nlh = test_genl_reply_start(buf, KN_CMD_GET_LINK, 0);
	put_link_reply(nlh, OMIT_NONE, false);
	test_case(!kn_link_parse_reply(nlh, &info) && !info.has_drop[KN_DROP_A_RUNT] &&
		  info.has_drop[KN_DROP_A_NOMEM],
		  "link reply from an older module without a drop reason: that reason is absent, not 0");

	nlh = test_genl_reply_start(buf, KN_CMD_GET_LINK, 0);
	put_link_reply(nlh, OMIT_ENCAP_DECAP, true);
	test_case(!kn_link_parse_reply(nlh, &info) && info.complete &&
		  !info.has_encap && !info.has_decap && !info.encap,
		  "link reply from a module without the overlay: no encap/decap, not 0");

	nlh = test_genl_reply_start(buf, KN_CMD_GET_LINK, 0);
	put_link_reply(nlh, OMIT_FDB_MAX, true);
	test_case(kn_link_parse_reply(nlh, &info) == -EBADMSG,
		  "link reply without FDB_MAX -> -EBADMSG");
	nlh = test_genl_reply_start(buf, KN_CMD_GET_LINK, 0);
	put_link_reply(nlh, OMIT_FLOODED, true);
	test_case(kn_link_parse_reply(nlh, &info) == -EBADMSG,
		  "link reply without FLOODED -> -EBADMSG");
	nlh = test_genl_reply_start(buf, KN_CMD_GET_LINK, 0);
	put_link_reply(nlh, OMIT_STATS, true);
	test_case(kn_link_parse_reply(nlh, &info) == -EBADMSG,
		  "link reply without KN_A_LINK_STATS -> -EBADMSG");

	nlh = test_genl_reply_start(buf, KN_CMD_GET_LINK, 0);
	mnl_attr_put_u16(nlh, KN_A_IFINDEX, 7);
	test_case(kn_link_parse_reply(nlh, &info) == -EBADMSG,
		  "link reply with a 2-byte IFINDEX -> -EBADMSG");
}

void link_tests(void)
{
	test_seconds();
	test_format_seconds();
	test_show_args();
	test_set_args();
	test_refusals(refused_cases, ARRAY_SIZE(refused_cases));
	test_set_message();
	test_dev_name_or_index();
	test_link_reply();
}
