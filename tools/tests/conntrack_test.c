// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for "kn-ctl conntrack": its arguments, the flush request, the
 * connection-table dump and the counters it reads, and what it prints.
 * Run from parse_test's main().
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/genetlink.h>

#include "uapi/kn.h"
#include "kn-ctl.h"
#include "harness.h"

/* --- arguments and the flush request --- */

static const struct test_refusal refused_cases[] = {
	{ { "conntrack" }, "conntrack: missing COMMAND (one of: list, flush, stats)" },
	{ { "conntrack", "show" }, "conntrack: unknown command 'show'" },
	{ { "conntrack", "list", "10.96.0.10:80/tcp" },
	  "conntrack list: unknown argument '10.96.0.10:80/tcp'" },
	{ { "conntrack", "list", "service" }, "conntrack list: service needs a value" },
	{ { "conntrack", "list", "service", "10.96.0.10:80/tcp", "x" },
	  "conntrack list: unexpected argument 'x'" },
	{ { "conntrack", "list", "service", "10.96.0.10:80" },
	  "conntrack list: service '10.96.0.10:80' is not VIP:PORT/PROTO" },
	{ { "conntrack", "flush", "service", "10.96.0.10:0/tcp" },
	  "conntrack flush: service port '0' is outside 1 to 65535" },
	{ { "conntrack", "flush", "all" }, "conntrack flush: unknown argument 'all'" },
	{ { "conntrack", "stats", "now" }, "conntrack: unexpected argument 'now'" },
};

static void test_args_and_flush(void)
{
	static const char *const list[TEST_MAX_ARGS] = { "conntrack", "list", "-j" };
	static const char *const list_one[TEST_MAX_ARGS] = {
		"conntrack", "list", "service", "10.96.0.10:53/udp" };
	static const char *const stats[TEST_MAX_ARGS] = { "conntrack", "stats" };
	static const char *const flush[TEST_MAX_ARGS] = { "conntrack", "flush" };
	static const char *const flush_one[TEST_MAX_ARGS] = {
		"conntrack", "flush", "service", "10.96.0.10:53/udp" };
	static char buf[KN_GENL_SEND_BUF_SIZE] __attribute__((aligned(8)));
	static const uint8_t vip[4] = { 10, 96, 0, 10 };
	struct test_attrs top = { 0 }, service;
	const struct kn_conntrack_args *args;
	struct kn_invocation inv;
	struct nlmsghdr *nlh;
	uint8_t udp = IPPROTO_UDP;
	uint16_t port = 53;

	args = &inv.args.conntrack;
	test_case(test_parse(list, &inv) == KN_CTL_RUN && inv.json && !args->has_service &&
		  !inv.command->request_cmd,
		  "\"kn-ctl conntrack list -j\": every entry; not a single request");
	test_case(test_parse(list_one, &inv) == KN_CTL_RUN && args->has_service &&
		  args->service.addr.s_addr == inet_addr("10.96.0.10") &&
		  args->service.port == 53 && args->service.proto == IPPROTO_UDP,
		  "\"kn-ctl conntrack list service 10.96.0.10:53/udp\": that service's entries");
	test_case(test_parse(stats, &inv) == KN_CTL_RUN && !strcmp(inv.command->name, "stats"),
		  "\"kn-ctl conntrack stats\"");

	nlh = test_request(flush, buf, &inv);
	test_case(nlh && ((struct genlmsghdr *)mnl_nlmsg_get_payload(nlh))->cmd ==
		  KN_CMD_FLUSH_CONNTRACK && nlh->nlmsg_flags == (NLM_F_REQUEST | NLM_F_ACK) &&
		  nlh->nlmsg_len == NLMSG_HDRLEN + GENL_HDRLEN,
		  "conntrack flush: KN_CMD_FLUSH_CONNTRACK with no attribute (every entry)");
	nlh = test_request(flush_one, buf, &inv);
	if (nlh)
		mnl_attr_parse(nlh, GENL_HDRLEN, test_collect_attr, &top);
	test_collect_nest(top.tb[KN_A_SERVICE], &service);
	test_case(nlh && top.count == 1 && service.count == 3 &&
		  test_attr_bytes(service.tb[KN_SERVICE_A_ADDR], vip, 4) &&
		  test_attr_bytes(service.tb[KN_SERVICE_A_PORT], &port, 2) &&
		  test_attr_bytes(service.tb[KN_SERVICE_A_PROTO], &udp, 1),
		  "conntrack flush service 10.96.0.10:53/udp: KN_A_SERVICE with the key only");
}

/* --- the dump --- */

/* An entry's message: client 10.244.1.3:sport to 10.96.0.10:80, answered by 10.244.2.5:8080. */
static struct nlmsghdr *put_entry(char *buf, uint8_t proto, uint16_t sport, uint8_t state,
				  uint32_t flags, int omit)
{
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	unsigned int type;
	const uint32_t values[KN_CT_A_MAX + 1] = {
		[KN_CT_A_PROTO] = proto,
		[KN_CT_A_ORIG_SRC] = inet_addr("10.244.1.3"),
		[KN_CT_A_ORIG_DST] = inet_addr("10.96.0.10"),
		[KN_CT_A_ORIG_SPORT] = sport,
		[KN_CT_A_ORIG_DPORT] = 80,
		[KN_CT_A_REPLY_SRC] = inet_addr("10.244.2.5"),
		[KN_CT_A_REPLY_DST] = inet_addr("10.244.1.3"),
		[KN_CT_A_REPLY_SPORT] = 8080,
		[KN_CT_A_REPLY_DPORT] = sport,
		[KN_CT_A_STATE] = state,
		[KN_CT_A_TIMEOUT_MS] = 86399999,
		[KN_CT_A_FLAGS] = flags,
	};

	nlh = test_genl_reply_start(buf, KN_CMD_GET_CONNTRACK, NLM_F_MULTI);
	nest = mnl_attr_nest_start(nlh, KN_A_CONNTRACK);
	for (type = KN_CT_A_PROTO; type <= KN_CT_A_MAX; type++) {
		if ((int)type == omit)
			continue;
		if (type == KN_CT_A_PROTO || type == KN_CT_A_STATE)
			mnl_attr_put_u8(nlh, type, values[type]);
		else if (type == KN_CT_A_ORIG_SPORT || type == KN_CT_A_ORIG_DPORT ||
			 type == KN_CT_A_REPLY_SPORT || type == KN_CT_A_REPLY_DPORT)
			mnl_attr_put_u16(nlh, type, values[type]);
		else
			mnl_attr_put_u32(nlh, type, values[type]);
	}
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

static char *capture_table(const struct kn_ct_table *table, bool json)
{
	FILE *out = test_capture_start();

	if (out)
		kn_ct_print(out, table, json);
	return test_capture_end(out);
}

static char *capture_stats(const struct kn_ct_stats *stats, bool json)
{
	FILE *out = test_capture_start();

	if (out)
		kn_ct_stats_print(out, stats, json);
	return test_capture_end(out);
}

static void test_dump(void)
{
	static char buf[KN_GENL_SEND_BUF_SIZE] __attribute__((aligned(8)));
	struct kn_ct_table table = { 0 };
	const struct kn_ct_entry *e;
	char *text;
	bool ok;
	int omit;

	ok = !kn_ct_parse_reply(put_entry(buf, IPPROTO_UDP, 5353, KN_CT_STATE_UDP_REPLIED,
					  KN_CT_F_REPLIED, 0), &table) &&
	     !kn_ct_parse_reply(put_entry(buf, IPPROTO_TCP, 40001, KN_CT_STATE_ESTABLISHED,
					  KN_CT_F_REPLIED | KN_CT_F_SNAT | 0x100, 0), &table) &&
	     !kn_ct_parse_reply(put_entry(buf, IPPROTO_TCP, 40000, 42, 0, 0), &table);
	e = table.entries;
	test_case(ok && table.count == 3 && e[1].proto == IPPROTO_TCP &&
		  e[1].orig.src.s_addr == inet_addr("10.244.1.3") &&
		  e[1].orig.dst.s_addr == inet_addr("10.96.0.10") && e[1].orig.sport == 40001 &&
		  e[1].orig.dport == 80 && e[1].reply.src.s_addr == inet_addr("10.244.2.5") &&
		  e[1].reply.dst.s_addr == inet_addr("10.244.1.3") && e[1].reply.sport == 8080 &&
		  e[1].reply.dport == 40001 && e[1].state == KN_CT_STATE_ESTABLISHED &&
		  e[1].timeout_ms == 86399999,
		  "conntrack dump: protocol, both tuples, state, timeout, flags");
	kn_ct_table_sort(&table);
	test_case(e[0].orig.sport == 40000 && e[1].orig.sport == 40001 &&
		  e[2].proto == IPPROTO_UDP,
		  "conntrack sort: by protocol, then ORIG destination, then ORIG source");

	text = capture_table(&table, false);
	test_case(test_text_is(text,
			  "tcp 10.244.1.3:40000 -> 10.96.0.10:80 reply 10.244.2.5:8080 -> 10.244.1.3:40000 42 timeout 86399\n"
			  "tcp 10.244.1.3:40001 -> 10.96.0.10:80 reply 10.244.2.5:8080 -> 10.244.1.3:40001 established timeout 86399 flags replied,snat,0x100\n"
			  "udp 10.244.1.3:5353 -> 10.96.0.10:80 reply 10.244.2.5:8080 -> 10.244.1.3:5353 udp-replied timeout 86399 flags replied\n"),
		  "conntrack list: protocol, ORIG, REPLY, state, whole seconds left, flags; unknown state and flag bits as numbers");
	free(text);
	table.count = 1;
	text = capture_table(&table, true);
	test_case(test_text_is(text,
			  "[{\"protocol\":\"tcp\",\"orig\":{\"src\":\"10.244.1.3\",\"sport\":40000,\"dst\":\"10.96.0.10\",\"dport\":80},"
			  "\"reply\":{\"src\":\"10.244.2.5\",\"sport\":8080,\"dst\":\"10.244.1.3\",\"dport\":40000},"
			  "\"state\":\"42\",\"timeout_ms\":86399999,\"flags\":[]}]\n"),
		  "conntrack list -j: tuples as objects, timeout in ms, flags as an array");
	free(text);
	table.count = 2;
	text = capture_table(&table, true);
	test_case(text && strstr(text, "\"state\":\"established\",\"timeout_ms\":86399999,"
				       "\"flags\":[\"replied\",\"snat\"]}]"),
		  "conntrack list -j: named flags");
	free(text);
	table.count = 3;
	kn_ct_table_free(&table);

	/* A NodePort connection (policy cluster: SNAT too) and a masqueraded one. */
	ok = !kn_ct_parse_reply(put_entry(buf, IPPROTO_TCP, 40002, KN_CT_STATE_ESTABLISHED,
					  KN_CT_F_REPLIED | KN_CT_F_SNAT | KN_CT_F_NODEPORT, 0), &table) &&
	     !kn_ct_parse_reply(put_entry(buf, IPPROTO_UDP, 40003, KN_CT_STATE_UDP,
					  KN_CT_F_SNAT | KN_CT_F_MASQUERADE, 0), &table) &&
	     !kn_ct_parse_reply(put_entry(buf, IPPROTO_UDP, 40004, KN_CT_STATE_UDP,
					  KN_CT_F_REPLIED | KN_CT_F_SNAT | KN_CT_F_AFFINITY |
					  KN_CT_F_NODEPORT | KN_CT_F_MASQUERADE | 0xffffffe0, 0),
				&table);
	test_case(ok && table.count == 3 &&
		  table.entries[0].flags == (KN_CT_F_REPLIED | KN_CT_F_SNAT | KN_CT_F_NODEPORT),
		  "conntrack dump: the NODEPORT and MASQUERADE flags read");
	text = capture_table(&table, false);
	test_case(test_text_is(text,
			  "tcp 10.244.1.3:40002 -> 10.96.0.10:80 reply 10.244.2.5:8080 -> 10.244.1.3:40002 established timeout 86399 flags replied,snat,nodeport\n"
			  "udp 10.244.1.3:40003 -> 10.96.0.10:80 reply 10.244.2.5:8080 -> 10.244.1.3:40003 udp timeout 86399 flags snat,masquerade\n"
			  "udp 10.244.1.3:40004 -> 10.96.0.10:80 reply 10.244.2.5:8080 -> 10.244.1.3:40004 udp timeout 86399 flags replied,snat,affinity,nodeport,masquerade,0xffffffe0\n"),
		  "conntrack list: the nodeport and masquerade flags by name, every flag and unknown bits fit");
	free(text);
	text = capture_table(&table, true);
	test_case(text && strstr(text, "\"flags\":[\"replied\",\"snat\",\"nodeport\"]}") &&
		  strstr(text, "\"flags\":[\"snat\",\"masquerade\"]}") &&
		  strstr(text, "\"flags\":[\"replied\",\"snat\",\"affinity\",\"nodeport\",\"masquerade\"]}"),
		  "conntrack list -j: nodeport and masquerade in the flags array");
	free(text);

	for (omit = KN_CT_A_PROTO; omit <= KN_CT_A_MAX; omit++)
		test_case(kn_ct_parse_reply(put_entry(buf, IPPROTO_TCP, 1, 0, 0, omit), &table) ==
			  -EBADMSG && table.count == 3,
			  "conntrack dump message without attribute %d -> -EBADMSG", omit);
	kn_ct_table_free(&table);
	test_case(!strcmp(kn_ct_state_name(KN_CT_STATE_SYN_SENT), "syn-sent") &&
		  !strcmp(kn_ct_state_name(KN_CT_STATE_AFFINITY), "affinity") &&
		  !kn_ct_state_name(KN_CT_STATE_MAX + 1),
		  "state names: syn-sent ... affinity, none beyond KN_CT_STATE_MAX");
}

/* --- the counters --- */

/* Every counter i + 1000 (entries 1000, ...); one left out, or 0. */
static struct nlmsghdr *put_stats(char *buf, int omit)
{
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	unsigned int type;

	nlh = test_genl_reply_start(buf, KN_CMD_GET_CONNTRACK_STATS, 0);
	nest = mnl_attr_nest_start(nlh, KN_A_CONNTRACK_STATS);
	for (type = KN_CT_STATS_A_ENTRIES; type <= KN_CT_STATS_A_MAX; type++) {
		if ((int)type == omit)
			continue;
		if (type <= KN_CT_STATS_A_ENTRY_BYTES) {
			mnl_attr_put_u32(nlh, type, 1000 + type);
		} else {
			mnl_attr_put(nlh, KN_CT_STATS_A_PAD, 0, NULL);
			mnl_attr_put_u64(nlh, type, (1ULL << 33) + type);
		}
	}
	mnl_attr_put_u64(nlh, KN_CT_STATS_A_MAX + 1, 7);	/* a newer module's */
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

static void test_stats(void)
{
	static char buf[KN_GENL_SEND_BUF_SIZE] __attribute__((aligned(8)));
	struct kn_ct_stats stats;
	unsigned int type;
	char *text;
	bool ok;

	memset(&stats, 0, sizeof(stats));
	ok = !kn_ct_stats_parse_reply(put_stats(buf, 0), &stats) && stats.complete;
	for (type = KN_CT_STATS_A_ENTRIES; type <= KN_CT_STATS_A_MAX; type++)
		ok = ok && stats.has[type] &&
		     stats.values[type] == (type <= KN_CT_STATS_A_ENTRY_BYTES ? 1000 + type :
					    (1ULL << 33) + type);
	test_case(ok, "conntrack stats: every KN_CT_STATS_A_* read, u32 gauges and u64 counters");

	text = capture_stats(&stats, false);
	test_case(test_text_is(text, "entries 1002 max-entries 1003 buckets 1004 entry-bytes 1005\n"
			  "inserts 8589934598 clashes 8589934599 expired 8589934600 removed 8589934601"
			  " early-drops 8589934602 drop-full 8589934603 drop-nomem 8589934604"
			  " drop-invalid 8589934605 no-backend 8589934606 drop-clash 8589934607"
			  " drop-redirect 8589934608 drop-snat 8589934609 no-local 8589934610"
			  " masqueraded 8589934611\n"),
		  "conntrack stats: the gauges (with entry-bytes) on one line, every counter on the next");
	free(text);

	text = capture_stats(&stats, true);
	test_case(text && !strncmp(text, "{\"entries\":1002,\"max_entries\":1003,\"buckets\":1004,"
					 "\"entry_bytes\":1005,\"inserts\":8589934598,", 87) &&
		  strstr(text, "\"early_drops\":8589934602") &&
		  strstr(text, "\"no_backend\":8589934606") && !strcmp(text + strlen(text) - 2, "}\n"),
		  "conntrack stats -j: one object, the names with '_'");
	test_case(text && strstr(text, "\"drop_redirect\":8589934608,\"drop_snat\":8589934609,"
				       "\"no_local\":8589934610,\"masqueraded\":8589934611}\n"),
		  "conntrack stats -j: drop_snat, no_local and masqueraded after drop_redirect");
	free(text);

	memset(&stats, 0, sizeof(stats));
	test_case(!kn_ct_stats_parse_reply(put_stats(buf, KN_CT_STATS_A_MAX), &stats) &&
		  !stats.has[KN_CT_STATS_A_MAX],
		  "conntrack stats from an older module without the last counter: read, and left out");
	text = capture_stats(&stats, false);
	test_case(text && !strstr(text, "  ") && !strstr(text, " \n"),
		  "a counter left out leaves no gap in the text");
	free(text);
	test_case(kn_ct_stats_parse_reply(put_stats(buf, KN_CT_STATS_A_ENTRIES), &stats) == -EBADMSG,
		  "conntrack stats without ENTRIES -> -EBADMSG");
	test_case(kn_ct_stats_parse_reply(test_genl_reply_start(buf, KN_CMD_GET_CONNTRACK_STATS, 0),
					  &stats) == -EBADMSG,
		  "conntrack stats without KN_A_CONNTRACK_STATS -> -EBADMSG");
}

void conntrack_tests(void)
{
	test_refusals(refused_cases, ARRAY_SIZE(refused_cases));
	test_args_and_flush();
	test_dump();
	test_stats();
}
