// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the pod commands' pure parts: their arguments and the
 * global --state-dir option, pod names and host-side device names, the pod
 * record format and store, and the rtnetlink requests they build, read
 * back attribute by attribute.  Run from parse_test's main().
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>

#include "kn-ctl.h"
#include "pods.h"
#include "rtnl.h"
#include "state.h"
#include "harness.h"

/* --- pod add / del / list arguments --- */

static const struct {
	const char *args[TEST_MAX_ARGS];
	const char *name;
	const char *bridge;
	const char *addr;	/* NULL: none given */
	uint32_t mtu;
} add_cases[] = {
	{ { "pod", "add", "p1", "dev", "kn0" }, "p1", "kn0", NULL, 1450 },
	{ { "pod", "add", "web-1.a_b", "dev", "br0", "ip", "10.244.1.9" },
	  "web-1.a_b", "br0", "10.244.1.9", 1450 },
	{ { "pod", "add", "p1", "mtu", "9000", "ip", "10.0.0.2", "dev", "kn0" },
	  "p1", "kn0", "10.0.0.2", 9000 },
	{ { "-j", "pod", "add", "p1", "dev", "kn0", "mtu", "68" }, "p1", "kn0", NULL, 68 },
	{ { "pod", "add", "dev", "dev", "kn0" }, "dev", "kn0", NULL, 1450 },
};

static void test_add_args(void)
{
	struct kn_invocation inv;
	char line[256];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(add_cases); i++) {
		const struct kn_pod_add_args *args = &inv.args.pod_add;
		enum kn_ctl_action action = test_parse(add_cases[i].args, &inv);
		bool ok = action == KN_CTL_RUN && !strcmp(inv.object->name, "pod") &&
			  !strcmp(inv.command->name, "add");

		ok = ok && !strcmp(args->name, add_cases[i].name) &&
		     !strcmp(args->bridge, add_cases[i].bridge) &&
		     args->mtu == add_cases[i].mtu &&
		     args->has_addr == !!add_cases[i].addr;
		if (ok && add_cases[i].addr) {
			struct in_addr want;

			inet_pton(AF_INET, add_cases[i].addr, &want);
			ok = args->addr.s_addr == want.s_addr;
		}
		test_describe(add_cases[i].args, line, sizeof(line));
		test_case(ok, "pod add request from \"%s\"", line);
	}
}

static const struct test_refusal refused_cases[] = {
	{ { "pod" }, "pod: missing COMMAND (one of: add, del, list)" },
	{ { "pod", "add" }, "pod add: missing NAME" },
	{ { "pod", "add", "dev", "kn0" }, "pod add: missing NAME" },
	{ { "pod", "add", "p1" }, "pod add: dev BRIDGE is required" },
	{ { "pod", "add", "p1", "ip", "10.0.0.2" }, "pod add: dev BRIDGE is required" },
	{ { "pod", "add", "p1", "dev" }, "pod add: dev needs a value" },
	{ { "pod", "add", "p1", "dev", "kn0", "dev", "kn1" }, "pod add: dev is given twice" },
	{ { "pod", "add", "p1", "dev", "kn0", "ip", "1.2.3.4", "ip", "1.2.3.5" },
	  "pod add: ip is given twice" },
	{ { "pod", "add", "p1", "dev", "kn0", "mtu", "1400", "mtu", "1400" },
	  "pod add: mtu is given twice" },
	{ { "pod", "add", "p1", "dev", "kn0", "vlan", "3" }, "pod add: unknown argument 'vlan'" },
	{ { "pod", "add", "p1", "dev", "a/b" }, "pod add: dev 'a/b' is not a device name" },
	{ { "pod", "add", "p1", "dev", "sixteen-chars-xx" },
	  "pod add: dev 'sixteen-chars-xx' is not a device name" },
	{ { "pod", "add", "p1", "dev", "kn0", "ip", "10.0.0" },
	  "pod add: ip '10.0.0' is not an IPv4 address A.B.C.D" },
	{ { "pod", "add", "p1", "dev", "kn0", "ip", "10.0.0.0/24" },
	  "is not an IPv4 address" },
	{ { "pod", "add", "p1", "dev", "kn0", "mtu", "67" }, "pod add: mtu '67' is outside 68 to 65535" },
	{ { "pod", "add", "p1", "dev", "kn0", "mtu", "65536" }, "is outside 68 to 65535" },
	{ { "pod", "add", "p1", "dev", "kn0", "mtu", "big" }, "pod add: mtu 'big' is not a number" },
	{ { "pod", "add", "a/b", "dev", "kn0" }, "pod add: invalid pod name 'a/b'" },
	{ { "pod", "add", "..", "dev", "kn0" }, "invalid pod name '..'" },
	{ { "pod", "add", "-p", "dev", "kn0" }, "unknown option '-p'" },
	{ { "pod", "add", "--", "-p", "dev", "kn0" }, "invalid pod name '-p'" },
	{ { "pod", "del" }, "pod del: missing NAME" },
	{ { "pod", "del", "p1", "p2" }, "pod del: unexpected argument 'p2'" },
	{ { "pod", "del", "a b" }, "pod del: invalid pod name 'a b'" },
	{ { "pod", "list", "all" }, "pod: unexpected argument 'all'" },
	{ { "--state-dir" }, "--state-dir needs a directory" },
	{ { "pod", "list", "--state-dir" }, "--state-dir needs a directory" },
	{ { "--state-dir=", "pod", "list" }, "--state-dir needs a directory" },
	{ { "--state-dirx", "pod", "list" }, "unknown option '--state-dirx'" },
};

static void test_del_list_and_state_dir(void)
{
	static const char *const del[TEST_MAX_ARGS] = { "pod", "del", "p1" };
	static const char *const list[TEST_MAX_ARGS] = { "pod", "list", "-j" };
	static const char *const before[TEST_MAX_ARGS] = { "--state-dir", "/tmp/a", "pod", "list" };
	static const char *const after[TEST_MAX_ARGS] = { "pod", "list", "--state-dir=/tmp/b" };
	static const char *const twice[TEST_MAX_ARGS] = {
		"--state-dir", "/tmp/a", "pod", "del", "--state-dir", "/tmp/c", "p1",
	};
	struct kn_invocation inv;
	const char *saved = getenv(KN_STATE_DIR_ENV);
	char *saved_copy = saved ? strdup(saved) : NULL;

	test_case(test_parse(del, &inv) == KN_CTL_RUN && !strcmp(inv.command->name, "del") &&
		  !strcmp(inv.args.pod_del.name, "p1") && !inv.state_dir,
		  "pod del p1 -> run, name p1, no --state-dir");
	test_case(test_parse(list, &inv) == KN_CTL_RUN && !strcmp(inv.command->name, "list") &&
		  inv.json, "pod list -j -> run with JSON");
	test_case(test_parse(before, &inv) == KN_CTL_RUN && !strcmp(inv.state_dir, "/tmp/a"),
		  "--state-dir DIR before the object");
	test_case(test_parse(after, &inv) == KN_CTL_RUN && !strcmp(inv.state_dir, "/tmp/b"),
		  "--state-dir=DIR after the command");
	test_case(test_parse(twice, &inv) == KN_CTL_RUN && !strcmp(inv.state_dir, "/tmp/c") &&
		  !strcmp(inv.args.pod_del.name, "p1"),
		  "--state-dir given twice: the last counts, and its value is not an argument");

	/* Option, else environment, else the default. */
	unsetenv(KN_STATE_DIR_ENV);
	test_parse(list, &inv);
	test_case(!strcmp(kn_ctl_state_dir(&inv), KN_STATE_DIR_DEFAULT),
		  "state directory defaults to " KN_STATE_DIR_DEFAULT);
	setenv(KN_STATE_DIR_ENV, "/tmp/env", 1);
	test_case(!strcmp(kn_ctl_state_dir(&inv), "/tmp/env"),
		  "state directory from $" KN_STATE_DIR_ENV);
	test_parse(before, &inv);
	test_case(!strcmp(kn_ctl_state_dir(&inv), "/tmp/a"),
		  "--state-dir wins over $" KN_STATE_DIR_ENV);
	if (saved_copy)
		setenv(KN_STATE_DIR_ENV, saved_copy, 1);
	else
		unsetenv(KN_STATE_DIR_ENV);
	free(saved_copy);
}

/* --- names --- */

static void test_names(void)
{
	static const char *const valid[] = {
		"p1", "P", "0", "web-1", "a.b_c-d", "cni-3f2a9c1e-0b7d-4e55-9a6c-1d2e3f4a5b6c",
		"123456789012345678901234567890123456789012345678901234567890123",
	};
	static const char *const invalid[] = {
		"", "-p", ".p", "_p", "a/b", "a b", "..", "p\n", "p:1",
		"1234567890123456789012345678901234567890123456789012345678901234",
	};
	char a[IF_NAMESIZE], b[IF_NAMESIZE], c[IF_NAMESIZE];
	bool ok = true;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(valid); i++)
		ok = ok && kn_pod_name_valid(valid[i]);
	test_case(ok, "pod names: letters, digits, '.', '_', '-', up to 63, are valid");
	ok = true;
	for (i = 0; i < ARRAY_SIZE(invalid); i++)
		if (kn_pod_name_valid(invalid[i])) {
			ok = false;
			printf("     \"%s\" was taken as valid\n", invalid[i]);
		}
	test_case(ok, "pod names: empty, leading '.', '-' or '_', '/', blanks, ':', 64 chars are not");

	kn_pod_host_dev_name("p1", 0, a);
	kn_pod_host_dev_name("p1", 0, b);
	kn_pod_host_dev_name("p2", 0, c);
	test_case(strlen(a) == 12 && !strncmp(a, "veth", 4) &&
		  strspn(a + 4, "0123456789abcdef") == 8 && !strcmp(a, b) && strcmp(a, c),
		  "host device name: veth + 8 hex digits, the same for the same pod (%s, %s)", a, c);
	kn_pod_host_dev_name("p1", 1, b);
	test_case(strcmp(a, b) && strlen(b) == 12, "host device name with a salt differs (%s)", b);
	/* Stable across builds: records and running systems depend on it. */
	test_case(!strcmp(a, "vetha04ed67a") || (printf("     got %s\n", a), false),
		  "host device name of p1 is FNV-1a's vetha04ed67a");
}

/* --- records --- */

static struct kn_pod sample_pod(void)
{
	struct kn_pod pod = { .name = "p1", .prefix_len = 24, .mtu = 1450 };

	inet_pton(AF_INET, "10.244.1.2", &pod.addr);
	inet_pton(AF_INET, "10.244.1.1", &pod.gateway);
	strcpy(pod.mac, "5a:0c:7e:21:9b:40");
	strcpy(pod.host_dev, "vetha04ed67a");
	strcpy(pod.bridge, "kn0");
	strcpy(pod.netns, "/run/netns/p1");
	return pod;
}

static bool pods_equal(const struct kn_pod *a, const struct kn_pod *b)
{
	return a->addr.s_addr == b->addr.s_addr && a->prefix_len == b->prefix_len &&
	       a->gateway.s_addr == b->gateway.s_addr && !strcmp(a->mac, b->mac) &&
	       !strcmp(a->host_dev, b->host_dev) && !strcmp(a->bridge, b->bridge) &&
	       !strcmp(a->netns, b->netns) && a->mtu == b->mtu;
}

static void test_record_format(void)
{
	static const char expected[] =
		"address 10.244.1.2/24\n"
		"gateway 10.244.1.1\n"
		"mac 5a:0c:7e:21:9b:40\n"
		"host-dev vetha04ed67a\n"
		"bridge kn0\n"
		"netns /run/netns/p1\n"
		"mtu 1450\n";
	struct kn_pod pod = sample_pod(), back;
	char text[KN_POD_RECORD_MAX];
	int len;

	len = kn_pod_format(&pod, text, sizeof(text));
	test_case(len == (int)strlen(expected) && !strcmp(text, expected),
		  "pod record text: one KEY VALUE line per field");
	test_case(kn_pod_format(&pod, text, 20) == -ENOSPC, "pod record in a short buffer -> -ENOSPC");

	memset(&back, 0, sizeof(back));
	test_case(!kn_pod_parse(expected, &back) && back.complete && pods_equal(&pod, &back),
		  "pod record read back equals what was written");

	memset(&back, 0, sizeof(back));
	test_case(!kn_pod_parse("future-key whatever\naddress 10.244.1.2/24\n", &back) &&
		  !back.complete && back.addr.s_addr == pod.addr.s_addr,
		  "pod record: unknown keys skipped, missing fields -> incomplete");
	memset(&back, 0, sizeof(back));
	test_case(!kn_pod_parse("", &back) && !back.complete,
		  "pod record: empty (a claim) -> incomplete");
	test_case(kn_pod_parse("address 10.244.1/24\n", &back) == -EBADMSG &&
		  kn_pod_parse("mtu lots\n", &back) == -EBADMSG &&
		  kn_pod_parse("host-dev a-name-that-is-too-long\n", &back) == -EBADMSG,
		  "pod record: a bad value -> -EBADMSG");
}

static void test_record_store(void)
{
	char state[] = "/tmp/kn-pod-test.XXXXXX", cmd[64], path[PATH_MAX];
	struct kn_pod pod = sample_pod(), back, *pods;
	size_t count;

	if (!mkdtemp(state)) {
		test_case(false, "mkdtemp: %s", strerror(errno));
		return;
	}
	test_case(!kn_pod_list(state, &pods, &count) && count == 0,
		  "pod list without a pods directory -> no pods");
	free(pods);
	test_case(kn_pod_load(state, "p1", &back) == -ENOENT, "pod load of an unknown pod -> -ENOENT");
	test_case(!kn_pod_claim(state, "p1") && kn_pod_claim(state, "p1") == -EEXIST,
		  "pod claim p1 twice -> 0 then -EEXIST");
	test_case(!kn_pod_load(state, "p1", &back) && !back.complete && !strcmp(back.name, "p1"),
		  "a claimed pod loads as incomplete");
	test_case(!kn_pod_save(state, &pod) && !kn_pod_load(state, "p1", &back) &&
		  back.complete && pods_equal(&pod, &back),
		  "pod save over the claim, then load -> the same pod");

	/* Another, sorting before it, and a leftover temporary file. */
	kn_pod_claim(state, "a0");
	snprintf(path, sizeof(path), "%s/pods/.p1.tmp.123", state);
	kn_state_replace(path, "junk");
	test_case(!kn_pod_list(state, &pods, &count) && count == 2 &&
		  !strcmp(pods[0].name, "a0") && !pods[0].complete &&
		  !strcmp(pods[1].name, "p1") && pods[1].complete,
		  "pod list: sorted by name, temporary files skipped, claims incomplete");
	free(pods);

	test_case(!kn_pod_remove(state, "p1") && !kn_pod_remove(state, "p1") &&
		  kn_pod_load(state, "p1", &back) == -ENOENT,
		  "pod remove twice -> 0 both times, and the record is gone");
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", state);
	if (system(cmd))
		printf("     could not remove %s\n", state);
}

/* --- rtnetlink requests --- */

static void test_veth_message(void)
{
	static struct kn_nl nl;		/* no socket: only its send buffer */
	struct kn_veth_request req = {
		.name = "vetha04ed67a", .peer_name = "eth0", .peer_netns_fd = 7,
		.master = 42, .mtu = 1450, .up = true,
	};
	struct test_attrs top = { 0 }, info = { 0 }, data = { 0 }, peer = { 0 };
	const struct ifinfomsg *ifm, *peer_ifm;
	const struct nlattr *peer_nest;
	struct nlmsghdr *nlh;
	bool ok;

	nlh = kn_nl_msg_start(&nl, RTM_NEWLINK, 0);
	kn_rtnl_veth_msg(nlh, &req);
	ifm = mnl_nlmsg_get_payload(nlh);
	test_case(nlh->nlmsg_type == RTM_NEWLINK &&
		  nlh->nlmsg_flags == (NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL) &&
		  ifm->ifi_flags == IFF_UP && ifm->ifi_change == IFF_UP && !ifm->ifi_index,
		  "veth request: RTM_NEWLINK, CREATE|EXCL, this end up");

	mnl_attr_parse(nlh, sizeof(*ifm), test_collect_attr, &top);
	ok = top.tb[IFLA_IFNAME] && !strcmp(mnl_attr_get_str(top.tb[IFLA_IFNAME]), "vetha04ed67a") &&
	     top.tb[IFLA_MTU] && mnl_attr_get_u32(top.tb[IFLA_MTU]) == 1450 &&
	     top.tb[IFLA_MASTER] && mnl_attr_get_u32(top.tb[IFLA_MASTER]) == 42 &&
	     !top.tb[IFLA_NET_NS_FD] && top.tb[IFLA_LINKINFO];
	test_case(ok, "veth request: host end's name, MTU 1450 and master 42, in this namespace");
	if (!ok)
		return;

	mnl_attr_parse_nested(top.tb[IFLA_LINKINFO], test_collect_attr, &info);
	ok = info.tb[IFLA_INFO_KIND] && !strcmp(mnl_attr_get_str(info.tb[IFLA_INFO_KIND]), "veth") &&
	     info.tb[IFLA_INFO_DATA];
	if (ok)
		mnl_attr_parse_nested(info.tb[IFLA_INFO_DATA], test_collect_attr, &data);
	peer_nest = data.tb[VETH_INFO_PEER];
	ok = ok && peer_nest && mnl_attr_get_payload_len(peer_nest) > sizeof(*peer_ifm);
	test_case(ok, "veth request: LINKINFO kind \"veth\" with a VETH_INFO_PEER");
	if (!ok)
		return;

	/* The peer nest is an ifinfomsg followed by attributes. */
	peer_ifm = mnl_attr_get_payload(peer_nest);
	{
		const char *p = (const char *)peer_ifm + MNL_ALIGN(sizeof(*peer_ifm));
		const char *end = (const char *)peer_nest + peer_nest->nla_len;
		const struct nlattr *attr;

		for (attr = (const void *)p; (const char *)attr < end;
		     attr = (const void *)((const char *)attr + MNL_ALIGN(attr->nla_len)))
			test_collect_attr(attr, &peer);
	}
	test_case(!peer_ifm->ifi_flags && !peer_ifm->ifi_change &&
		  peer.tb[IFLA_IFNAME] && !strcmp(mnl_attr_get_str(peer.tb[IFLA_IFNAME]), "eth0") &&
		  peer.tb[IFLA_NET_NS_FD] && mnl_attr_get_u32(peer.tb[IFLA_NET_NS_FD]) == 7 &&
		  peer.tb[IFLA_MTU] && mnl_attr_get_u32(peer.tb[IFLA_MTU]) == 1450,
		  "veth request: peer eth0, left down, MTU 1450, placed in the namespace of fd 7");
}

static void test_addr_and_route_messages(void)
{
	static struct kn_nl nl;
	struct test_attrs attrs = { 0 };
	const struct ifaddrmsg *ifa;
	const struct rtmsg *rtm;
	struct in_addr addr, gateway;
	struct nlmsghdr *nlh;

	inet_pton(AF_INET, "10.244.1.2", &addr);
	inet_pton(AF_INET, "10.244.1.1", &gateway);

	nlh = kn_nl_msg_start(&nl, RTM_NEWADDR, 0);
	kn_rtnl_ipv4_msg(nlh, 3, addr, 24);
	ifa = mnl_nlmsg_get_payload(nlh);
	mnl_attr_parse(nlh, sizeof(*ifa), test_collect_attr, &attrs);
	test_case(nlh->nlmsg_type == RTM_NEWADDR &&
		  (nlh->nlmsg_flags & (NLM_F_CREATE | NLM_F_EXCL)) == (NLM_F_CREATE | NLM_F_EXCL) &&
		  ifa->ifa_family == AF_INET && ifa->ifa_prefixlen == 24 && ifa->ifa_index == 3 &&
		  attrs.tb[IFA_LOCAL] && mnl_attr_get_u32(attrs.tb[IFA_LOCAL]) == addr.s_addr &&
		  attrs.tb[IFA_ADDRESS] && mnl_attr_get_u32(attrs.tb[IFA_ADDRESS]) == addr.s_addr &&
		  attrs.tb[IFA_BROADCAST] &&
		  mnl_attr_get_u32(attrs.tb[IFA_BROADCAST]) == inet_addr("10.244.1.255"),
		  "address request: 10.244.1.2/24 on ifindex 3, broadcast 10.244.1.255");

	memset(&attrs, 0, sizeof(attrs));
	nlh = kn_nl_msg_start(&nl, RTM_NEWROUTE, 0);
	kn_rtnl_default_route_msg(nlh, 3, gateway);
	rtm = mnl_nlmsg_get_payload(nlh);
	mnl_attr_parse(nlh, sizeof(*rtm), test_collect_attr, &attrs);
	test_case(nlh->nlmsg_type == RTM_NEWROUTE && rtm->rtm_family == AF_INET &&
		  rtm->rtm_dst_len == 0 && rtm->rtm_table == RT_TABLE_MAIN &&
		  rtm->rtm_type == RTN_UNICAST && !attrs.tb[RTA_DST] &&
		  attrs.tb[RTA_GATEWAY] && mnl_attr_get_u32(attrs.tb[RTA_GATEWAY]) == gateway.s_addr &&
		  attrs.tb[RTA_OIF] && mnl_attr_get_u32(attrs.tb[RTA_OIF]) == 3,
		  "route request: default via 10.244.1.1 dev ifindex 3, main table");
}

static void test_link_reply(void)
{
	static const uint8_t mac[KN_MAC_LEN] = { 0x5a, 0x0c, 0x7e, 0x21, 0x9b, 0x40 };
	static struct kn_nl nl;
	char text[KN_MAC_STRLEN];
	struct ifinfomsg *ifm;
	struct kn_link link;
	struct nlattr *nest;
	struct nlmsghdr *nlh;

	nlh = kn_nl_msg_start(&nl, RTM_NEWLINK, 0);
	nlh->nlmsg_flags = 0;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_index = 9;
	ifm->ifi_flags = IFF_UP;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "kn0");
	mnl_attr_put_u32(nlh, IFLA_MTU, 1500);
	mnl_attr_put(nlh, IFLA_ADDRESS, sizeof(mac), mac);
	mnl_attr_put_u32(nlh, IFLA_MASTER + 200, 1);	/* from a newer kernel */
	nest = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "kn");
	mnl_attr_nest_end(nlh, nest);

	test_case(!kn_rtnl_parse_link(nlh, &link) && link.ifindex == 9 &&
		  (link.flags & IFF_UP) && !strcmp(link.name, "kn0") && link.mtu == 1500 &&
		  link.has_mac && !memcmp(link.mac, mac, sizeof(mac)) && !link.master &&
		  !strcmp(link.kind, "kn"),
		  "link reply: index, flags, name, MTU, MAC, kind read; unknown attributes skipped");
	kn_mac_format(link.mac, text);
	test_case(!strcmp(text, "5a:0c:7e:21:9b:40"), "MAC formatted as 5a:0c:7e:21:9b:40");

	nlh->nlmsg_type = RTM_NEWADDR;
	test_case(kn_rtnl_parse_link(nlh, &link) == -EBADMSG,
		  "link reply of the wrong type -> -EBADMSG");
}

void pod_tests(void)
{
	test_add_args();
	test_refusals(refused_cases, ARRAY_SIZE(refused_cases));
	test_del_list_and_state_dir();
	test_names();
	test_record_format();
	test_record_store();
	test_veth_message();
	test_addr_and_route_messages();
	test_link_reply();
}
