// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for "kn-ctl fdb": the KN_CMD_GET_FDB dump request it builds,
 * the dump messages it reads (built the way the module builds them), the
 * order it prints entries in and the age format.  Its arguments are tested
 * with link's, in link_test.c.  Run from parse_test's main().
 */

#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/genetlink.h>

#include "uapi/kn.h"
#include "kn-ctl.h"
#include "harness.h"

static const uint8_t mac_a[6] = { 0x02, 0x00, 0x0a, 0xf4, 0x01, 0x02 };
static const uint8_t mac_b[6] = { 0x02, 0x00, 0x0a, 0xf4, 0x01, 0x03 };
static const uint8_t mac_own[6] = { 0x5a, 0x0c, 0x7e, 0x21, 0x9b, 0x40 };

static void test_dump_request(void)
{
	char buf[KN_GENL_SEND_BUF_SIZE] __attribute__((aligned(8))) = { 0 };
	const struct genlmsghdr *genlh;
	const struct nlattr *attr;
	unsigned int count = 0;
	struct nlmsghdr *nlh;
	bool ifname = false;

	nlh = kn_genl_msg_put(buf, 0x42, KN_GENL_VERSION, KN_CMD_GET_FDB, NLM_F_DUMP, 5);
	kn_dev_put_attr(nlh, "kn0");
	genlh = mnl_nlmsg_get_payload(nlh);
	mnl_attr_for_each(attr, nlh, GENL_HDRLEN) {
		count++;
		ifname = mnl_attr_get_type(attr) == KN_A_IFNAME &&
			 mnl_attr_get_payload_len(attr) == sizeof("kn0") &&
			 !strcmp(mnl_attr_get_str(attr), "kn0");
	}
	test_case((nlh->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP &&
		  genlh->cmd == KN_CMD_GET_FDB && count == 1 && ifname,
		  "fdb show dev kn0: a GET_FDB dump request with only KN_A_IFNAME \"kn0\"");
}

/* One dump message as kn_put_fdb_entry() builds it. */
static struct nlmsghdr *put_entry(char *buf, const uint8_t *mac, size_t mac_len,
				  uint32_t port_ifindex, const char *port, uint32_t age_ms,
				  uint32_t flags, int omit)
{
	struct nlmsghdr *nlh;
	struct nlattr *nest;

	nlh = test_genl_reply_start(buf, KN_CMD_GET_FDB, NLM_F_MULTI);
	mnl_attr_put_u32(nlh, KN_A_IFINDEX, 7);
	nest = mnl_attr_nest_start(nlh, KN_A_FDB);
	if (omit != KN_FDB_A_MAC)
		mnl_attr_put(nlh, KN_FDB_A_MAC, mac_len, mac);
	if (omit != KN_FDB_A_PORT_IFINDEX)
		mnl_attr_put_u32(nlh, KN_FDB_A_PORT_IFINDEX, port_ifindex);
	if (omit != KN_FDB_A_PORT_NAME)
		mnl_attr_put_strz(nlh, KN_FDB_A_PORT_NAME, port);
	if (omit != KN_FDB_A_AGE_MS)
		mnl_attr_put_u32(nlh, KN_FDB_A_AGE_MS, age_ms);
	if (omit != KN_FDB_A_FLAGS)
		mnl_attr_put_u32(nlh, KN_FDB_A_FLAGS, flags);
	mnl_attr_put_u32(nlh, KN_FDB_A_MAX + 1, 1);	/* a newer module's */
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

static void test_dump_replies(void)
{
	static char buf[KN_GENL_SEND_BUF_SIZE] __attribute__((aligned(8)));
	struct kn_fdb_table table = { 0 };
	const struct kn_fdb_entry *e;
	bool ok = true;
	unsigned int i;
	int omit;

	/* Enough entries to make the table grow more than once. */
	for (i = 0; i < 200 && ok; i++)
		ok = !kn_fdb_parse_reply(put_entry(buf, mac_a, 6, 10 + i % 2,
						   i % 2 ? "veth1" : "veth0",
						   i * 10, 0, -1), &table);
	test_case(ok && table.count == 200 && table.entries[199].age_ms == 1990 &&
		  !strcmp(table.entries[199].port_name, "veth1") &&
		  table.entries[199].port_ifindex == 11,
		  "fdb dump: 200 messages read into 200 entries, in order");
	kn_fdb_table_free(&table);
	test_case(!table.entries && !table.count && !table.capacity,
		  "fdb table freed and emptied");

	ok = !kn_fdb_parse_reply(put_entry(buf, mac_b, 6, 12, "vethbbbbbbbb", 1234, 0, -1),
				 &table) &&
	     !kn_fdb_parse_reply(put_entry(buf, mac_own, 6, 7, "kn0", 0, KN_FDB_F_LOCAL, -1),
				 &table) &&
	     !kn_fdb_parse_reply(put_entry(buf, mac_a, 6, 12, "vethbbbbbbbb", 50, 0, -1),
				 &table) &&
	     !kn_fdb_parse_reply(put_entry(buf, mac_b, 6, 11, "vetha", 99, 0, -1), &table);
	e = table.entries;
	test_case(ok && table.count == 4 && !memcmp(e[1].mac, mac_own, 6) &&
		  e[1].port_ifindex == 7 && !strcmp(e[1].port_name, "kn0") &&
		  e[1].age_ms == 0 && e[1].flags == KN_FDB_F_LOCAL &&
		  !memcmp(e[0].mac, mac_b, 6) && e[0].age_ms == 1234 && !e[0].flags,
		  "fdb dump: MAC, port ifindex and name, age and flags read; newer attributes skipped");
	kn_fdb_table_sort(&table);
	test_case(table.count == 4 && (e = table.entries) &&
		  (e[0].flags & KN_FDB_F_LOCAL) &&
		  !strcmp(e[1].port_name, "vetha") &&
		  !strcmp(e[2].port_name, "vethbbbbbbbb") && !memcmp(e[2].mac, mac_a, 6) &&
		  !strcmp(e[3].port_name, "vethbbbbbbbb") && !memcmp(e[3].mac, mac_b, 6),
		  "fdb sort: local first, then by port name, then by MAC");

	/* Whatever is wrong with a message, the table is left as it was. */
	for (omit = KN_FDB_A_MAC; omit <= KN_FDB_A_MAX; omit++)
		test_case(kn_fdb_parse_reply(put_entry(buf, mac_a, 6, 1, "p", 0, 0, omit),
					     &table) == -EBADMSG && table.count == 4,
			  "fdb dump message without attribute %d -> -EBADMSG", omit);
	test_case(kn_fdb_parse_reply(put_entry(buf, mac_a, 5, 1, "p", 0, 0, -1),
				     &table) == -EBADMSG && table.count == 4,
		  "fdb dump message with a 5-byte MAC -> -EBADMSG");
	{
		struct nlmsghdr *nlh = kn_genl_msg_put(buf, 0x42, KN_GENL_VERSION,
						       KN_CMD_GET_FDB, 0, 1);

		mnl_attr_put_u32(nlh, KN_A_IFINDEX, 7);
		test_case(kn_fdb_parse_reply(nlh, &table) == -EBADMSG && table.count == 4,
			  "fdb dump message without KN_A_FDB -> -EBADMSG");
	}
	kn_fdb_table_free(&table);
}

static const struct {
	uint32_t ms;
	const char *text;
} age_cases[] = {
	{ 0, "0.0" }, { 49, "0.0" }, { 50, "0.1" }, { 1234, "1.2" }, { 1950, "2.0" },
	{ 299999, "300.0" }, { 4294967295u, "4294967.3" },
};

static void test_age_format(void)
{
	char buf[32];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(age_cases); i++) {
		kn_format_age(age_cases[i].ms, buf, sizeof(buf));
		test_case(!strcmp(buf, age_cases[i].text), "format_age %u ms -> \"%s\"",
			  age_cases[i].ms, age_cases[i].text);
	}
}

/* The growing array behind the FDB, node and device tables. */
static void test_array_reserve(void)
{
	size_t capacity = 0, count;
	uint32_t *array = NULL, *grown;
	bool same = true, ok = true;

	for (count = 0; count < 40 && ok; count++) {
		grown = kn_array_reserve(array, &capacity, count, sizeof(*array), 8);
		ok = grown != NULL;
		if (ok && count && count < 8)
			same = same && grown == array;
		if (ok) {
			array = grown;
			array[count] = count;
		}
	}
	for (count = 0; ok && count < 40; count++)
		ok = array[count] == count;
	test_case(ok && same && capacity == 64,
		  "array reserve: room for 8 first, kept while there is room, doubled when full (40 -> 64)");
	free(array);
}

void fdb_tests(void)
{
	test_dump_request();
	test_dump_replies();
	test_age_format();
	test_array_reserve();
}
