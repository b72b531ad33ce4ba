// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests for kn-ctl: its argument parsers, its command-line
 * dispatcher, the requests it builds and the replies it reads, and (from
 * json_test.c, ipam_test.c, pod_test.c) its JSON writer, its address
 * allocator and the pod commands' parts.  Nothing here opens a socket: the dispatcher
 * turns argv into a struct kn_invocation, and messages live in plain buffers.
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/genetlink.h>

#include "uapi/kn.h"
#include "kn-ctl.h"
#include "parse.h"
#include "harness.h"

#define OK	0

static const char *errno_name(int err)
{
	switch (err) {
	case 0:		return "0";
	case -EINVAL:	return "-EINVAL";
	case -ERANGE:	return "-ERANGE";
	case -EDOM:	return "-EDOM";
	default:	return "unexpected errno";
	}
}

/* --- kn_parse_uint / kn_parse_u32 --- */

static const struct {
	const char *word;
	uint64_t min, max;
	int err;
	uint64_t value;
} uint_cases[] = {
	{ "0", 0, 10, OK, 0 },
	{ "10", 0, 10, OK, 10 },
	{ "007", 0, 10, OK, 7 },
	{ "18446744073709551615", 0, UINT64_MAX, OK, UINT64_MAX },
	{ "11", 0, 10, -ERANGE, 0 },
	{ "5", 6, 10, -ERANGE, 0 },
	{ "18446744073709551616", 0, UINT64_MAX, -ERANGE, 0 },
	{ "99999999999999999999999", 0, UINT64_MAX, -ERANGE, 0 },
	{ "", 0, 10, -EINVAL, 0 },
	{ "-1", 0, 10, -EINVAL, 0 },
	{ "+1", 0, 10, -EINVAL, 0 },
	{ " 1", 0, 10, -EINVAL, 0 },
	{ "1 ", 0, 10, -EINVAL, 0 },
	{ "0x10", 0, 100, -EINVAL, 0 },
	{ "1e3", 0, 10000, -EINVAL, 0 },
	{ "99999999999999999999x", 0, UINT64_MAX, -EINVAL, 0 },
};

static const struct {
	const char *word;
	uint32_t min, max;
	int err;
	uint32_t value;
} u32_cases[] = {
	{ "4294967295", 0, UINT32_MAX, OK, UINT32_MAX },
	{ "4294967296", 0, UINT32_MAX, -ERANGE, 0 },
	{ "16", 16, 16, OK, 16 },
	{ "x", 0, UINT32_MAX, -EINVAL, 0 },
};

static void test_uint(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(uint_cases); i++) {
		uint64_t value = 0xdeadbeef;
		int err = kn_parse_uint(uint_cases[i].word, uint_cases[i].min,
					uint_cases[i].max, &value);

		test_case(err == uint_cases[i].err &&
			  (err || value == uint_cases[i].value) &&
			  (!err || value == 0xdeadbeef),
			  "parse_uint \"%s\" in %llu..%llu -> %s",
			  uint_cases[i].word,
			  (unsigned long long)uint_cases[i].min,
			  (unsigned long long)uint_cases[i].max,
			  errno_name(uint_cases[i].err));
	}
	for (i = 0; i < ARRAY_SIZE(u32_cases); i++) {
		uint32_t value = 0;
		int err = kn_parse_u32(u32_cases[i].word, u32_cases[i].min,
				       u32_cases[i].max, &value);

		test_case(err == u32_cases[i].err && (err || value == u32_cases[i].value),
			  "parse_u32 \"%s\" in %u..%u -> %s", u32_cases[i].word,
			  u32_cases[i].min, u32_cases[i].max,
			  errno_name(u32_cases[i].err));
	}
}

/* --- kn_parse_ipv4 --- */

static const struct {
	const char *word;
	int err;
	uint8_t bytes[4];
} ipv4_cases[] = {
	{ "10.0.0.1", OK, { 10, 0, 0, 1 } },
	{ "0.0.0.0", OK, { 0, 0, 0, 0 } },
	{ "255.255.255.255", OK, { 255, 255, 255, 255 } },
	{ "256.0.0.1", -EINVAL, { 0 } },
	{ "10.0.0", -EINVAL, { 0 } },		/* inet_aton would read 10.0.0.0 */
	{ "10.1", -EINVAL, { 0 } },
	{ "10.0.0.1.2", -EINVAL, { 0 } },
	{ "010.0.0.1", -EINVAL, { 0 } },	/* octal to inet_aton */
	{ "0x0a.0.0.1", -EINVAL, { 0 } },
	{ "10.0.0.1 ", -EINVAL, { 0 } },
	{ " 10.0.0.1", -EINVAL, { 0 } },
	{ "::1", -EINVAL, { 0 } },
	{ "", -EINVAL, { 0 } },
};

static void test_ipv4(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ipv4_cases); i++) {
		struct in_addr addr = { 0 };
		int err = kn_parse_ipv4(ipv4_cases[i].word, &addr);

		test_case(err == ipv4_cases[i].err &&
			  (err || !memcmp(&addr, ipv4_cases[i].bytes, 4)),
			  "parse_ipv4 \"%s\" -> %s", ipv4_cases[i].word,
			  errno_name(ipv4_cases[i].err));
	}
}

/* --- kn_parse_cidr --- */

static const struct {
	const char *word;
	int err;
	uint8_t bytes[4];	/* also checked for -EDOM: the address as given */
	uint8_t prefix_len;
} cidr_cases[] = {
	{ "10.244.0.0/16", OK, { 10, 244, 0, 0 }, 16 },
	{ "10.96.0.0/12", OK, { 10, 96, 0, 0 }, 12 },
	{ "0.0.0.0/0", OK, { 0, 0, 0, 0 }, 0 },
	{ "10.0.0.1/32", OK, { 10, 0, 0, 1 }, 32 },
	{ "255.255.255.255/32", OK, { 255, 255, 255, 255 }, 32 },
	{ "10.0.0.0/08", OK, { 10, 0, 0, 0 }, 8 },
	{ "10.244.1.0/16", -EDOM, { 10, 244, 1, 0 }, 16 },
	{ "1.2.3.4/0", -EDOM, { 1, 2, 3, 4 }, 0 },
	{ "10.96.0.0/11", OK, { 10, 96, 0, 0 }, 11 },
	{ "10.96.0.0/10", -EDOM, { 10, 96, 0, 0 }, 10 },
	{ "10.0.0.0/33", -ERANGE, { 0 }, 0 },
	{ "10.0.0.0/99999999999999999999", -ERANGE, { 0 }, 0 },
	{ "10.0.0.0", -EINVAL, { 0 }, 0 },	/* the prefix length is mandatory */
	{ "10.0.0.0/", -EINVAL, { 0 }, 0 },
	{ "/8", -EINVAL, { 0 }, 0 },
	{ "10.0.0/8", -EINVAL, { 0 }, 0 },
	{ "10.0.0.0/8/8", -EINVAL, { 0 }, 0 },
	{ "10.0.0.0/-1", -EINVAL, { 0 }, 0 },
	{ "10.0.0.0/ 8", -EINVAL, { 0 }, 0 },
	{ "10.0.0.0 /8", -EINVAL, { 0 }, 0 },
	{ "1234567890123456789.0.0.0/8", -EINVAL, { 0 }, 0 },
	{ "fd00::/8", -EINVAL, { 0 }, 0 },
	{ "", -EINVAL, { 0 }, 0 },
};

static void test_cidr(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cidr_cases); i++) {
		struct kn_cidr cidr = { 0 };
		int err = kn_parse_cidr(cidr_cases[i].word, &cidr);
		bool filled = err == OK || err == -EDOM;

		test_case(err == cidr_cases[i].err &&
			  (!filled || (!memcmp(&cidr.addr, cidr_cases[i].bytes, 4) &&
				       cidr.prefix_len == cidr_cases[i].prefix_len)),
			  "parse_cidr \"%s\" -> %s", cidr_cases[i].word,
			  errno_name(cidr_cases[i].err));
	}
}

static const struct {
	uint8_t prefix_len;
	uint32_t host_order_mask;
} mask_cases[] = {
	{ 0, 0 },
	{ 1, 0x80000000 },
	{ 8, 0xff000000 },
	{ 12, 0xfff00000 },
	{ 31, 0xfffffffe },
	{ 32, 0xffffffff },
};

static void test_cidr_helpers(void)
{
	struct kn_cidr cidr, network;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(mask_cases); i++)
		test_case(kn_prefix_mask(mask_cases[i].prefix_len) ==
			  htonl(mask_cases[i].host_order_mask),
			  "prefix_mask /%u is 0x%08x", mask_cases[i].prefix_len,
			  mask_cases[i].host_order_mask);

	kn_parse_cidr("10.244.1.7/16", &cidr);
	network = kn_cidr_network(&cidr);
	test_case(network.addr.s_addr == htonl(0x0af40000) && network.prefix_len == 16,
		  "cidr_network of 10.244.1.7/16 is 10.244.0.0/16");
}

/* --- kn_parse_port / kn_parse_port_range --- */

static const struct {
	const char *word;
	int err;
	uint16_t port;
} port_cases[] = {
	{ "1", OK, 1 },
	{ "80", OK, 80 },
	{ "65535", OK, 65535 },
	{ "0", -ERANGE, 0 },
	{ "65536", -ERANGE, 0 },
	{ "4294967377", -ERANGE, 0 },	/* 2^32 + 81 must not wrap to 81 */
	{ "", -EINVAL, 0 },
	{ "http", -EINVAL, 0 },
	{ "-1", -EINVAL, 0 },
	{ "80/tcp", -EINVAL, 0 },
};

static const struct {
	const char *word;
	int err;
	uint16_t min, max;
} range_cases[] = {
	{ "30000-32767", OK, 30000, 32767 },
	{ "80-80", OK, 80, 80 },
	{ "1-65535", OK, 1, 65535 },
	{ "0000030000-32767", OK, 30000, 32767 },
	{ "32767-30000", -EDOM, 0, 0 },
	{ "0-100", -ERANGE, 0, 0 },
	{ "1-65536", -ERANGE, 0, 0 },
	{ "30000", -EINVAL, 0, 0 },		/* a single port is not a range */
	{ "-32767", -EINVAL, 0, 0 },
	{ "30000-", -EINVAL, 0, 0 },
	{ "-", -EINVAL, 0, 0 },
	{ "30000--32767", -EINVAL, 0, 0 },
	{ "1-2-3", -EINVAL, 0, 0 },
	{ "a-b", -EINVAL, 0, 0 },
	{ " 1-2", -EINVAL, 0, 0 },
	{ "1-2 ", -EINVAL, 0, 0 },
	{ "30000:32767", -EINVAL, 0, 0 },
	{ "", -EINVAL, 0, 0 },
};

static void test_ports(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(port_cases); i++) {
		uint16_t port = 0;
		int err = kn_parse_port(port_cases[i].word, &port);

		test_case(err == port_cases[i].err && (err || port == port_cases[i].port),
			  "parse_port \"%s\" -> %s", port_cases[i].word,
			  errno_name(port_cases[i].err));
	}
	for (i = 0; i < ARRAY_SIZE(range_cases); i++) {
		struct kn_port_range range = { 0, 0 };
		int err = kn_parse_port_range(range_cases[i].word, &range);

		test_case(err == range_cases[i].err &&
			  (err || (range.min == range_cases[i].min &&
				   range.max == range_cases[i].max)),
			  "parse_port_range \"%s\" -> %s", range_cases[i].word,
			  errno_name(range_cases[i].err));
	}
}

/* --- the dispatcher: argv -> action, object, command, options --- */

static const struct {
	const char *args[TEST_MAX_ARGS];	/* after the program name */
	enum kn_ctl_action action;
	const char *object;		/* expected object, or NULL */
	const char *command;		/* expected command name, or NULL */
	bool json;
	const char *error;		/* a part of the usage error's reason */
} dispatch_cases[] = {
#define TEXT	false
#define JSON	true
#define RUNS(object, command, json, ...) \
	{ { __VA_ARGS__ }, KN_CTL_RUN, object, command, json, NULL }
#define HELPS(object, json, ...) \
	{ { __VA_ARGS__ }, KN_CTL_HELP, object, NULL, json, NULL }
#define REFUSES(object, command, json, error, ...) \
	{ { __VA_ARGS__ }, KN_CTL_USAGE_ERROR, object, command, json, error }

	/* help, in every spelling, goes to stdout and exits 0 */
	HELPS(NULL, TEXT, "-h"),
	HELPS(NULL, TEXT, "--help"),
	HELPS(NULL, TEXT, "help"),
	HELPS("config", TEXT, "help", "config"),
	HELPS("config", TEXT, "config", "--help"),
	HELPS("config", TEXT, "config", "-h"),
	HELPS("config", TEXT, "config", "set", "--help"),
	HELPS("config", TEXT, "config", "bogus", "--help"),
	HELPS("status", TEXT, "-h", "status"),
	HELPS("fdb", TEXT, "fdb", "show", "--help"),
	HELPS("link", TEXT, "help", "link"),
	HELPS("overlay", TEXT, "overlay", "set", "--help"),
	HELPS("node", TEXT, "help", "node"),
	HELPS(NULL, JSON, "-j", "--help"),

	/* usage errors: exit 2, nothing sent */
	REFUSES(NULL, NULL, TEXT, "missing OBJECT", NULL),
	REFUSES(NULL, NULL, JSON, "missing OBJECT", "-j"),
	REFUSES(NULL, NULL, TEXT, "unknown object 'bogus'", "bogus"),
	REFUSES(NULL, NULL, TEXT, "unknown option '--bogus'", "--bogus", "status"),
	REFUSES(NULL, NULL, TEXT, "unknown option '-x'", "-x", "status"),
	REFUSES(NULL, NULL, TEXT, "unknown option '-v'", "status", "-v"),
	REFUSES(NULL, NULL, TEXT, "unknown object 'bogus'", "help", "bogus"),
	REFUSES(NULL, NULL, TEXT, "unexpected argument 'set'", "help", "config", "set"),
	REFUSES("status", NULL, TEXT, "unexpected argument 'extra'", "status", "extra"),
	REFUSES("status", NULL, TEXT, "unexpected argument '-j'", "status", "--", "-j"),
	REFUSES("version", NULL, TEXT, "unexpected argument 'now'", "version", "now"),
	REFUSES("config", NULL, TEXT, "missing COMMAND (one of: show, set)", "config"),
	REFUSES("config", NULL, JSON, "missing COMMAND", "config", "-j"),
	REFUSES("config", NULL, TEXT, "unknown command 'bogus'", "config", "bogus"),
	REFUSES("config", "show", TEXT, "unexpected argument 'extra'",
		"config", "show", "extra"),
	REFUSES("config", "set", TEXT, "at least one setting", "config", "set"),
	REFUSES("config", "set", JSON, "at least one setting", "config", "set", "-j"),
	REFUSES("config", "set", TEXT, "unknown setting 'bogus'",
		"config", "set", "bogus", "1"),
	REFUSES("config", "set", TEXT, "conntrack-max needs a value",
		"config", "set", "conntrack-max"),
	REFUSES("config", "set", TEXT, "conntrack-max is given twice",
		"config", "set", "conntrack-max", "1", "conntrack-max", "2"),
	REFUSES("config", "set", TEXT, "'lots' is not a number",
		"config", "set", "conntrack-max", "lots"),
	/* A negative number is a bad value, not an unknown option. */
	REFUSES("config", "set", TEXT, "conntrack-max '-1' is not a number",
		"config", "set", "conntrack-max", "-1"),
	REFUSES(NULL, NULL, TEXT, "unknown option '-n'",
		"config", "set", "conntrack-max", "-n"),
	REFUSES("config", "set", TEXT, "is too large",
		"config", "set", "conntrack-max", "4294967296"),
	REFUSES("config", "set", TEXT,
		"'10.244.1.0/16' has host bits set (did you mean 10.244.0.0/16?)",
		"config", "set", "cluster-cidr", "10.244.1.0/16"),
	REFUSES("config", "set", TEXT, "prefix length outside 0 to 32",
		"config", "set", "cluster-cidr", "10.0.0.0/33"),
	REFUSES("config", "set", TEXT, "not an IPv4 prefix",
		"config", "set", "cluster-cidr", "10.0.0.0"),
	REFUSES("config", "set", TEXT, "has MIN greater than MAX",
		"config", "set", "nodeport-range", "32767-30000"),
	REFUSES("config", "set", TEXT, "port outside 1 to 65535",
		"config", "set", "nodeport-range", "0-100"),
	REFUSES("config", "set", TEXT, "not a port range MIN-MAX",
		"config", "set", "nodeport-range", "30000"),
	REFUSES("config", "set", TEXT, "cluster-cidr 'bad' is not an IPv4 prefix",
		"config", "set", "nodeport-range", "30000-32767", "cluster-cidr", "bad"),
	REFUSES("config", "set", TEXT,
		"give at least one setting (cluster-cidr, nodeport-range, conntrack-max, "
		"snat-port-range, masquerade)", "config", "set"),
	REFUSES("config", "set", TEXT, "snat-port-range '65535-61000' has MIN greater than MAX",
		"config", "set", "snat-port-range", "65535-61000"),
	REFUSES("config", "set", TEXT, "snat-port-range '0-65535' has a port outside 1 to 65535",
		"config", "set", "snat-port-range", "0-65535"),
	REFUSES("config", "set", TEXT, "snat-port-range '61000-65536' has a port outside 1 to 65535",
		"config", "set", "snat-port-range", "61000-65536"),
	REFUSES("config", "set", TEXT, "snat-port-range '61000' is not a port range MIN-MAX",
		"config", "set", "snat-port-range", "61000"),
	REFUSES("config", "set", TEXT, "snat-port-range needs a value",
		"config", "set", "snat-port-range"),
	REFUSES("config", "set", TEXT, "snat-port-range is given twice",
		"config", "set", "snat-port-range", "61000-62000", "snat-port-range", "61000-62000"),
	REFUSES("config", "set", TEXT, "masquerade 'yes' is not on or off",
		"config", "set", "masquerade", "yes"),
	REFUSES("config", "set", TEXT, "masquerade '1' is not on or off",
		"config", "set", "masquerade", "1"),
	REFUSES("config", "set", TEXT, "masquerade 'ON' is not on or off",
		"config", "set", "masquerade", "ON"),
	REFUSES("config", "set", TEXT, "masquerade needs a value",
		"config", "set", "conntrack-max", "5000", "masquerade"),
	REFUSES("config", "set", TEXT, "masquerade is given twice",
		"config", "set", "masquerade", "on", "masquerade", "off"),
	REFUSES("config", "set", TEXT, "unknown setting 'snat-ports'",
		"config", "set", "snat-ports", "61000-62000"),

	/* well-formed commands, -j before or after OBJECT COMMAND */
	RUNS("version", NULL, TEXT, "version"),
	RUNS("version", NULL, JSON, "version", "-j"),
	RUNS("status", NULL, TEXT, "status"),
	RUNS("status", NULL, JSON, "-j", "status"),
	RUNS("status", NULL, JSON, "--json", "status"),
	RUNS("status", NULL, JSON, "status", "-j"),
	RUNS("status", NULL, JSON, "status", "--json"),
	RUNS("config", "show", TEXT, "config", "show"),
	RUNS("config", "show", JSON, "-j", "config", "show"),
	RUNS("config", "show", JSON, "config", "-j", "show"),
	RUNS("config", "show", JSON, "config", "show", "-j"),
	RUNS("config", "set", TEXT, "config", "set", "conntrack-max", "262144"),
	/* Below KN_CONNTRACK_MAX_MIN: the kernel's limit to enforce and explain. */
	RUNS("config", "set", TEXT, "config", "set", "conntrack-max", "5"),
	RUNS("config", "set", TEXT, "config", "set", "--", "conntrack-max", "5"),
	/* Overlapping ip_local_port_range: the kernel's to judge, not kn-ctl's. */
	RUNS("config", "set", TEXT, "config", "set", "snat-port-range", "1-65535"),
	RUNS("config", "set", TEXT, "config", "set", "masquerade", "off"),

#undef RUNS
#undef HELPS
#undef REFUSES
#undef TEXT
#undef JSON
};

static const char *action_name(enum kn_ctl_action action)
{
	switch (action) {
	case KN_CTL_RUN:		return "run";
	case KN_CTL_HELP:		return "help";
	case KN_CTL_USAGE_ERROR:	return "usage error";
	case KN_CTL_BATCH:		return "batch";
	}
	return "?";
}

static bool names_match(const char *expected, const char *actual)
{
	if (!expected || !actual)
		return expected == actual;
	return !strcmp(expected, actual);
}

static void test_what(void)
{
	char buf[16];

	kn_ctl_what(buf, sizeof(buf), "service", "add");
	test_case(!strcmp(buf, "service add"), "what: \"service add\"");
	kn_ctl_what(buf, sizeof(buf), "conntrack", "flush-all");
	test_case(!strcmp(buf, "conntrack flush"), "what: cut to fit (%s)", buf);
	kn_ctl_what(buf, 8, "conntrack", "list");
	test_case(!strcmp(buf, "conntra"), "what: the object alone cut to fit (%s)", buf);
	kn_ctl_what(buf, 9, "backend", "del");
	test_case(!strcmp(buf, "backend "), "what: room for the space only (%s)", buf);
	kn_ctl_what(buf, 1, "backend", "del");
	test_case(!strcmp(buf, ""), "what: room for the NUL only");
}

static void test_dispatch(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(dispatch_cases); i++) {
		struct kn_invocation inv;
		enum kn_ctl_action action;
		char line[256];
		bool ok;

		action = test_parse(dispatch_cases[i].args, &inv);

		ok = action == dispatch_cases[i].action &&
		     inv.json == dispatch_cases[i].json &&
		     names_match(dispatch_cases[i].object,
				 inv.object ? inv.object->name : NULL);
		if (action == KN_CTL_RUN || dispatch_cases[i].command)
			ok = ok && names_match(dispatch_cases[i].command,
					       inv.command ? inv.command->name : NULL);
		if (dispatch_cases[i].error)
			ok = ok && strstr(inv.error, dispatch_cases[i].error);
		/* A usage error always has a reason; the others never do. */
		ok = ok && (action == KN_CTL_USAGE_ERROR) == !!inv.error[0];

		test_describe(dispatch_cases[i].args, line, sizeof(line));
		if (!test_case(ok, "dispatch \"%s\" -> %s%s%s", line,
			       action_name(dispatch_cases[i].action),
			       dispatch_cases[i].error ? ": " : "",
			       dispatch_cases[i].error ? dispatch_cases[i].error : ""))
			printf("     got %s, json=%d, object=%s, error=\"%s\"\n",
			       action_name(action), inv.json,
			       inv.object ? inv.object->name : "(none)", inv.error);
	}
}

/* --- config set: the request it builds --- */

static const struct {
	const char *args[TEST_MAX_ARGS];
	struct kn_config_set_args expected;
} config_set_cases[] = {
	{ { "config", "set", "cluster-cidr", "10.96.0.0/12" },
	  { .has_cluster_cidr = true,
	    .cluster_cidr = { { 0 }, 12 } } },
	{ { "config", "set", "nodeport-range", "30000-32767" },
	  { .has_nodeport_range = true, .nodeport_range = { 30000, 32767 } } },
	{ { "config", "set", "conntrack-max", "262144" },
	  { .has_conntrack_max = true, .conntrack_max = 262144 } },
	{ { "config", "set", "conntrack-max", "1024", "-j", "nodeport-range", "1-1024",
	    "cluster-cidr", "10.96.0.0/12" },
	  { .has_cluster_cidr = true, .cluster_cidr = { { 0 }, 12 },
	    .has_nodeport_range = true, .nodeport_range = { 1, 1024 },
	    .has_conntrack_max = true, .conntrack_max = 1024 } },
	{ { "config", "set", "snat-port-range", "61000-65535" },
	  { .has_snat_port_range = true, .snat_port_range = { 61000, 65535 } } },
	{ { "config", "set", "snat-port-range", "40000-40000" },
	  { .has_snat_port_range = true, .snat_port_range = { 40000, 40000 } } },
	{ { "config", "set", "masquerade", "on" },
	  { .has_masquerade = true, .masquerade = true } },
	{ { "config", "set", "masquerade", "off" },
	  { .has_masquerade = true, .masquerade = false } },
	{ { "config", "set", "masquerade", "off", "nodeport-range", "30000-30100",
	    "snat-port-range", "62000-63000" },
	  { .has_nodeport_range = true, .nodeport_range = { 30000, 30100 },
	    .has_snat_port_range = true, .snat_port_range = { 62000, 63000 },
	    .has_masquerade = true, .masquerade = false } },
};

static bool config_args_equal(const struct kn_config_set_args *a,
			      const struct kn_config_set_args *b)
{
	if (a->has_cluster_cidr != b->has_cluster_cidr ||
	    a->has_nodeport_range != b->has_nodeport_range ||
	    a->has_conntrack_max != b->has_conntrack_max ||
	    a->has_snat_port_range != b->has_snat_port_range ||
	    a->has_masquerade != b->has_masquerade)
		return false;
	if (a->has_cluster_cidr &&
	    (a->cluster_cidr.addr.s_addr != b->cluster_cidr.addr.s_addr ||
	     a->cluster_cidr.prefix_len != b->cluster_cidr.prefix_len))
		return false;
	if (a->has_nodeport_range &&
	    (a->nodeport_range.min != b->nodeport_range.min ||
	     a->nodeport_range.max != b->nodeport_range.max))
		return false;
	if (a->has_snat_port_range &&
	    (a->snat_port_range.min != b->snat_port_range.min ||
	     a->snat_port_range.max != b->snat_port_range.max))
		return false;
	if (a->has_masquerade && a->masquerade != b->masquerade)
		return false;
	return !a->has_conntrack_max || a->conntrack_max == b->conntrack_max;
}

static void test_config_set_args(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(config_set_cases); i++) {
		struct kn_config_set_args expected = config_set_cases[i].expected;
		struct kn_invocation inv;
		enum kn_ctl_action action;
		char line[256];

		/* The table cannot spell a be32 address; every case uses 10.96.0.0. */
		expected.cluster_cidr.addr.s_addr = htonl(0x0a600000);
		action = test_parse(config_set_cases[i].args, &inv);
		test_describe(config_set_cases[i].args, line, sizeof(line));
		test_case(action == KN_CTL_RUN &&
			  config_args_equal(&inv.args.config_set, &expected),
			  "config set request from \"%s\" holds exactly the settings given", line);
	}
}

/* Walks a KN_A_SETTINGS nest and records what is in it. */
struct nest_contents {
	const struct nlattr *attrs[KN_SETTING_A_MAX + 1];
	unsigned int count;
	bool unknown;
};

static int record_setting_cb(const struct nlattr *attr, void *data)
{
	struct nest_contents *contents = data;
	unsigned int type = mnl_attr_get_type(attr);

	contents->count++;
	if (type > KN_SETTING_A_MAX || contents->attrs[type])
		contents->unknown = true;
	else
		contents->attrs[type] = attr;
	return MNL_CB_OK;
}

static const struct nlattr *only_top_attr(const struct nlmsghdr *nlh)
{
	const struct nlattr *attr, *found = NULL;
	unsigned int count = 0;

	mnl_attr_for_each(attr, nlh, GENL_HDRLEN) {
		found = attr;
		count++;
	}
	return count == 1 ? found : NULL;
}

static void test_config_set_message(void)
{
	static const uint8_t cidr_wire[4] = { 10, 96, 0, 0 };
	struct kn_config_set_args args = { 0 };
	struct nest_contents contents = { 0 };
	char buf[KN_GENL_SEND_BUF_SIZE] __attribute__((aligned(8))) = { 0 };
	const struct genlmsghdr *genlh;
	const struct nlattr *nest;
	struct nlmsghdr *nlh;

	nlh = kn_genl_msg_put(buf, 0x42, KN_GENL_VERSION, KN_CMD_SET_SETTINGS, 0, 7);
	genlh = mnl_nlmsg_get_payload(nlh);
	test_case(nlh->nlmsg_type == 0x42 && nlh->nlmsg_seq == 7 &&
		  nlh->nlmsg_flags == (NLM_F_REQUEST | NLM_F_ACK) &&
		  genlh->cmd == KN_CMD_SET_SETTINGS && genlh->version == KN_GENL_VERSION,
		  "genl request header: family, seq, REQUEST|ACK, cmd, version");

	/* Only conntrack-max given: the nest must hold nothing else. */
	args.has_conntrack_max = true;
	args.conntrack_max = 4096;
	kn_config_set_put_attrs(nlh, &args);
	nest = only_top_attr(nlh);
	test_case(nest && mnl_attr_get_type(nest) == KN_A_SETTINGS &&
		  (nest->nla_type & NLA_F_NESTED),
		  "config set: one KN_A_SETTINGS attribute, flagged NLA_F_NESTED for strict validation");
	if (nest)
		mnl_attr_parse_nested(nest, record_setting_cb, &contents);
	test_case(contents.count == 1 && !contents.unknown &&
		  contents.attrs[KN_SETTING_A_CONNTRACK_MAX] &&
		  mnl_attr_get_payload_len(contents.attrs[KN_SETTING_A_CONNTRACK_MAX]) == 4 &&
		  mnl_attr_get_u32(contents.attrs[KN_SETTING_A_CONNTRACK_MAX]) == 4096,
		  "config set conntrack-max 4096: nest holds only CONNTRACK_MAX (u32 4096)");

	/* Every setting: each pair travels together, address in network order. */
	nlh = kn_genl_msg_put(buf, 0x42, KN_GENL_VERSION, KN_CMD_SET_SETTINGS, 0, 8);
	memset(&contents, 0, sizeof(contents));
	args.has_cluster_cidr = true;
	kn_parse_cidr("10.96.0.0/12", &args.cluster_cidr);
	args.has_nodeport_range = true;
	args.nodeport_range = (struct kn_port_range){ 30000, 32767 };
	args.has_snat_port_range = true;
	args.snat_port_range = (struct kn_port_range){ 61000, 62000 };
	args.has_masquerade = true;
	args.masquerade = true;
	kn_config_set_put_attrs(nlh, &args);
	nest = only_top_attr(nlh);
	if (nest)
		mnl_attr_parse_nested(nest, record_setting_cb, &contents);
	test_case(contents.count == 8 && !contents.unknown,
		  "config set with every setting: eight attributes in the nest");
	test_case(contents.attrs[KN_SETTING_A_CLUSTER_CIDR_ADDR] &&
		  mnl_attr_get_payload_len(contents.attrs[KN_SETTING_A_CLUSTER_CIDR_ADDR]) == 4 &&
		  !memcmp(mnl_attr_get_payload(contents.attrs[KN_SETTING_A_CLUSTER_CIDR_ADDR]),
			  cidr_wire, 4) &&
		  contents.attrs[KN_SETTING_A_CLUSTER_CIDR_PREFIX] &&
		  mnl_attr_get_payload_len(contents.attrs[KN_SETTING_A_CLUSTER_CIDR_PREFIX]) == 1 &&
		  mnl_attr_get_u8(contents.attrs[KN_SETTING_A_CLUSTER_CIDR_PREFIX]) == 12,
		  "config set cluster-cidr 10.96.0.0/12: be32 address bytes 10.96.0.0, u8 prefix 12");
	test_case(contents.attrs[KN_SETTING_A_NODEPORT_MIN] &&
		  mnl_attr_get_payload_len(contents.attrs[KN_SETTING_A_NODEPORT_MIN]) == 2 &&
		  mnl_attr_get_u16(contents.attrs[KN_SETTING_A_NODEPORT_MIN]) == 30000 &&
		  contents.attrs[KN_SETTING_A_NODEPORT_MAX] &&
		  mnl_attr_get_u16(contents.attrs[KN_SETTING_A_NODEPORT_MAX]) == 32767,
		  "config set nodeport-range 30000-32767: u16 MIN and MAX");
	test_case(contents.attrs[KN_SETTING_A_SNAT_PORT_MIN] &&
		  mnl_attr_get_payload_len(contents.attrs[KN_SETTING_A_SNAT_PORT_MIN]) == 2 &&
		  mnl_attr_get_u16(contents.attrs[KN_SETTING_A_SNAT_PORT_MIN]) == 61000 &&
		  contents.attrs[KN_SETTING_A_SNAT_PORT_MAX] &&
		  mnl_attr_get_payload_len(contents.attrs[KN_SETTING_A_SNAT_PORT_MAX]) == 2 &&
		  mnl_attr_get_u16(contents.attrs[KN_SETTING_A_SNAT_PORT_MAX]) == 62000,
		  "config set snat-port-range 61000-62000: u16 SNAT_PORT_MIN and SNAT_PORT_MAX, together");
	test_case(contents.attrs[KN_SETTING_A_MASQUERADE] &&
		  mnl_attr_get_payload_len(contents.attrs[KN_SETTING_A_MASQUERADE]) == 1 &&
		  mnl_attr_get_u8(contents.attrs[KN_SETTING_A_MASQUERADE]) == 1,
		  "config set masquerade on: u8 MASQUERADE 1");

	/* masquerade off is sent as 0, not left out. */
	nlh = kn_genl_msg_put(buf, 0x42, KN_GENL_VERSION, KN_CMD_SET_SETTINGS, 0, 9);
	memset(&contents, 0, sizeof(contents));
	memset(&args, 0, sizeof(args));
	args.has_masquerade = true;
	kn_config_set_put_attrs(nlh, &args);
	nest = only_top_attr(nlh);
	if (nest)
		mnl_attr_parse_nested(nest, record_setting_cb, &contents);
	test_case(contents.count == 1 && contents.attrs[KN_SETTING_A_MASQUERADE] &&
		  mnl_attr_get_payload_len(contents.attrs[KN_SETTING_A_MASQUERADE]) == 1 &&
		  mnl_attr_get_u8(contents.attrs[KN_SETTING_A_MASQUERADE]) == 0,
		  "config set masquerade off: the nest holds only MASQUERADE, u8 0");
}

/* --- replies from the module, built the way the kernel builds them --- */

static void test_status_reply(void)
{
	char buf[KN_GENL_SEND_BUF_SIZE] __attribute__((aligned(8))) = { 0 };
	struct kn_status status;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	uint64_t cookie = 0x1122334455667788ULL;
	int err;

	/*
	 * nla_put_u64_64bit() puts a KN_STATUS_A_PAD attribute before the
	 * cookie when it would be misaligned; a newer module may add
	 * attributes this kn-ctl does not know.  Both must be skipped.
	 */
	nlh = test_genl_reply_start(buf, KN_CMD_GET_STATUS, 0);
	mnl_attr_put_strz(nlh, KN_A_VERSION, "1.2.3");
	nest = mnl_attr_nest_start(nlh, KN_A_STATUS);
	mnl_attr_put(nlh, KN_STATUS_A_PAD, 0, NULL);
	mnl_attr_put_u64(nlh, KN_STATUS_A_NETNS_COOKIE, cookie);
	mnl_attr_put_u32(nlh, KN_STATUS_A_LINKS, 3);
	mnl_attr_put_u32(nlh, KN_STATUS_A_MAX + 1, 99);
	mnl_attr_nest_end(nlh, nest);
	mnl_attr_put_u32(nlh, KN_A_MAX + 1, 99);

	memset(&status, 0, sizeof(status));
	err = kn_status_parse_reply(nlh, &status);
	test_case(!err && !strcmp(status.version, "1.2.3") &&
		  status.has_netns_cookie && status.netns_cookie == cookie &&
		  status.has_links && status.links == 3,
		  "status reply: version, cookie and links read; PAD and unknown attributes skipped");

	/* A malformed attribute is the module's bug, not something to print. */
	nlh = test_genl_reply_start(buf, KN_CMD_GET_STATUS, 0);
	nest = mnl_attr_nest_start(nlh, KN_A_STATUS);
	mnl_attr_put_u16(nlh, KN_STATUS_A_LINKS, 3);
	mnl_attr_nest_end(nlh, nest);
	memset(&status, 0, sizeof(status));
	test_case(kn_status_parse_reply(nlh, &status) == -EBADMSG,
		  "status reply with a 2-byte LINKS attribute -> -EBADMSG");

	nlh = test_genl_reply_start(buf, KN_CMD_GET_STATUS, 0);
	mnl_attr_put(nlh, KN_A_VERSION, 3, "1.2");	/* not NUL-terminated */
	memset(&status, 0, sizeof(status));
	test_case(kn_status_parse_reply(nlh, &status) == -EBADMSG,
		  "status reply with an unterminated VERSION string -> -EBADMSG");
}

/* Every setting but omit (0: none), as the module sends them. */
static void put_settings(struct nlmsghdr *nlh, unsigned int omit)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, KN_A_SETTINGS);

	mnl_attr_put_u32(nlh, KN_SETTING_A_CLUSTER_CIDR_ADDR, htonl(0x0af40000));
	mnl_attr_put_u8(nlh, KN_SETTING_A_CLUSTER_CIDR_PREFIX, 16);
	mnl_attr_put_u16(nlh, KN_SETTING_A_NODEPORT_MIN, 30000);
	mnl_attr_put_u16(nlh, KN_SETTING_A_NODEPORT_MAX, 32767);
	if (omit != KN_SETTING_A_CONNTRACK_MAX)
		mnl_attr_put_u32(nlh, KN_SETTING_A_CONNTRACK_MAX, KN_CONNTRACK_MAX_DEFAULT);
	if (omit != KN_SETTING_A_SNAT_PORT_MIN)
		mnl_attr_put_u16(nlh, KN_SETTING_A_SNAT_PORT_MIN, KN_SNAT_PORT_MIN_DEFAULT);
	if (omit != KN_SETTING_A_SNAT_PORT_MAX)
		mnl_attr_put_u16(nlh, KN_SETTING_A_SNAT_PORT_MAX, KN_SNAT_PORT_MAX_DEFAULT);
	if (omit != KN_SETTING_A_MASQUERADE)
		mnl_attr_put_u8(nlh, KN_SETTING_A_MASQUERADE, 1);
	mnl_attr_put_u32(nlh, KN_SETTING_A_MAX + 1, 9);	/* a newer module's */
	mnl_attr_nest_end(nlh, nest);
}

static void test_settings_reply(void)
{
	char buf[KN_GENL_SEND_BUF_SIZE] __attribute__((aligned(8))) = { 0 };
	struct kn_settings settings;
	struct nlmsghdr *nlh;

	static const unsigned int required[] = {
		KN_SETTING_A_CONNTRACK_MAX, KN_SETTING_A_SNAT_PORT_MIN, KN_SETTING_A_SNAT_PORT_MAX,
		KN_SETTING_A_MASQUERADE,
	};
	size_t i;

	nlh = test_genl_reply_start(buf, KN_CMD_GET_SETTINGS, 0);
	put_settings(nlh, 0);
	memset(&settings, 0, sizeof(settings));
	test_case(!kn_settings_parse_reply(nlh, &settings) && settings.complete &&
		  settings.cluster_cidr.addr.s_addr == htonl(0x0af40000) &&
		  settings.cluster_cidr.prefix_len == 16 &&
		  settings.nodeport_range.min == 30000 &&
		  settings.nodeport_range.max == 32767 &&
		  settings.conntrack_max == KN_CONNTRACK_MAX_DEFAULT &&
		  settings.snat_port_range.min == KN_SNAT_PORT_MIN_DEFAULT &&
		  settings.snat_port_range.max == KN_SNAT_PORT_MAX_DEFAULT &&
		  settings.masquerade,
		  "settings reply: every setting read (snat-port-range, masquerade too), address kept in network order");

	for (i = 0; i < ARRAY_SIZE(required); i++) {
		nlh = test_genl_reply_start(buf, KN_CMD_GET_SETTINGS, 0);
		put_settings(nlh, required[i]);
		memset(&settings, 0, sizeof(settings));
		test_case(kn_settings_parse_reply(nlh, &settings) == -EBADMSG && !settings.complete,
			  "settings reply without attribute %u -> -EBADMSG (the contract says every setting)",
			  required[i]);
	}

	nlh = test_genl_reply_start(buf, KN_CMD_GET_SETTINGS, 0);
	memset(&settings, 0, sizeof(settings));
	test_case(kn_settings_parse_reply(nlh, &settings) == -EBADMSG,
		  "settings reply without KN_A_SETTINGS -> -EBADMSG");
}

static char *capture_settings(const struct kn_settings *settings, bool json)
{
	FILE *out = test_capture_start();

	if (out)
		kn_settings_print(out, settings, json);
	return test_capture_end(out);
}

static void test_settings_print(void)
{
	struct kn_settings settings = {
		.cluster_cidr = { { htonl(0x0af40000) }, 16 },
		.nodeport_range = { 30000, 32767 },
		.conntrack_max = 262144,
		.snat_port_range = { 61000, 65535 },
		.masquerade = false,
		.complete = true,
	};
	char *text;

	text = capture_settings(&settings, false);
	test_case(test_text_is(text, "cluster-cidr 10.244.0.0/16\n"
				     "nodeport-range 30000-32767\n"
				     "conntrack-max 262144\n"
				     "snat-port-range 61000-65535\n"
				     "masquerade off\n"),
		  "config show: one NAME VALUE line per setting, in the words of config set");
	free(text);
	settings.snat_port_range = (struct kn_port_range){ 1, 65535 };
	settings.masquerade = true;
	text = capture_settings(&settings, true);
	test_case(test_text_is(text, "{\"cluster_cidr\":\"10.244.0.0/16\",\"nodeport_range\":\"30000-32767\","
				     "\"conntrack_max\":262144,\"snat_port_range\":\"1-65535\","
				     "\"masquerade\":true}\n"),
		  "config show -j: the same names with '_', snat_port_range a string MIN-MAX, masquerade a boolean");
	free(text);
	text = capture_settings(&settings, false);
	test_case(text && strstr(text, "snat-port-range 1-65535\nmasquerade on\n"),
		  "config show: masquerade on");
	free(text);
}

/* --- the command tables and help text --- */

static const struct kn_object *const all_objects[] = {
	&kn_object_version, &kn_object_status, &kn_object_config, &kn_object_link,
	&kn_object_fdb, &kn_object_overlay, &kn_object_node, &kn_object_service,
	&kn_object_backend, &kn_object_conntrack, &kn_object_pod,
};

static char *help_text(const struct kn_object *object)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	if (!out)
		return NULL;
	kn_ctl_print_help(out, object);
	fclose(out);
	return text;
}

static void test_tables_and_help(void)
{
	char *text;
	size_t i;
	unsigned int j;

	for (i = 0; i < ARRAY_SIZE(all_objects); i++) {
		const struct kn_object *object = all_objects[i];
		bool complete = object->name && object->description && object->n_commands;

		for (j = 0; j < object->n_commands; j++)
			complete = complete && object->commands[j].description &&
				   object->commands[j].run &&
				   (object->commands[j].name || object->n_commands == 1);
		test_case(complete, "object %s: every command has a description and a run function",
			  object->name);

		text = help_text(object);
		test_case(text && strstr(text, object->name) && strstr(text, "SYNOPSIS"),
			  "help for %s names it and has a SYNOPSIS", object->name);
		free(text);
	}

	text = help_text(&kn_object_service);
	test_case(text && strstr(text, "       nodeport PORT\n") &&
		  strstr(text, "       policy cluster|local\n") &&
		  strstr(text, "[nodeport PORT\n               policy POLICY]") &&
		  strstr(text, "no-local N") && strstr(text, "\"no_local\":N") &&
		  strstr(text, "[\"nodeport\":N,\"policy\":\"cluster\",]") &&
		  strstr(text, "\"local\":BOOL"),
		  "service help: nodeport and policy arguments, their output, text and JSON");
	free(text);
	text = help_text(&kn_object_backend);
	test_case(text && strstr(text, "       local         the backend's pod runs on this node") &&
		  strstr(text, "[terminating] [local]\n") && strstr(text, "\"local\":BOOL"),
		  "backend help: the local flag, its output, text and JSON");
	free(text);
	text = help_text(&kn_object_config);
	test_case(text && strstr(text, "       snat-port-range MIN-MAX\n") &&
		  strstr(text, "       masquerade on|off\n") &&
		  strstr(text, "\"snat_port_range\":\"MIN-MAX\",\"masquerade\":BOOL"),
		  "config help: snat-port-range and masquerade, and their JSON");
	free(text);
	text = help_text(&kn_object_conntrack);
	test_case(text && strstr(text, "nodeport (came to a NodePort") &&
		  strstr(text, "masquerade (a pod's egress connection") &&
		  strstr(text, "drop-redirect N drop-snat N no-local N\n               masqueraded N") &&
		  strstr(text, "       drop-snat     ") && strstr(text, "       no-local      ") &&
		  strstr(text, "       masqueraded   "),
		  "conntrack help: the nodeport and masquerade flags, the three new counters");
	free(text);

	text = help_text(NULL);
	test_case(text && strstr(text, "kn-ctl [-j|--json] [--state-dir DIR] [-h|--help] OBJECT COMMAND [ARGS]") &&
		  strstr(text, "kn-ctl config set [cluster-cidr A.B.C.D/N] [nodeport-range MIN-MAX] "
			       "[conntrack-max N] [snat-port-range MIN-MAX] [masquerade on|off]") &&
		  strstr(text, "EXIT STATUS") && strstr(text, "kn-ctl status") &&
		  strstr(text, "kn-ctl version") &&
		  strstr(text, "kn-ctl pod add NAME dev BRIDGE [ip A.B.C.D] [mtu N]") &&
		  strstr(text, "kn-ctl link show [dev KN]") &&
		  strstr(text, "kn-ctl link set dev KN [ageing SECS] [fdb-max N]") &&
		  strstr(text, "kn-ctl fdb show dev KN") &&
		  strstr(text, "kn-ctl overlay show [dev KN]") &&
		  strstr(text, "kn-ctl overlay set dev KN [local A.B.C.D] [port N] [vni N]") &&
		  strstr(text, "kn-ctl overlay del dev KN") &&
		  strstr(text, "kn-ctl node add PREFIX via A.B.C.D dev KN [mac M]") &&
		  strstr(text, "kn-ctl node replace PREFIX via A.B.C.D dev KN [mac M]") &&
		  strstr(text, "kn-ctl node del PREFIX dev KN") &&
		  strstr(text, "kn-ctl node list [dev KN]") &&
		  strstr(text, "kn-ctl node sync [dev KN]") &&
		  strstr(text, "kn-ctl service add VIP:PORT/PROTO [affinity none|client-ip [timeout SECS]] "
			       "[nodeport PORT [policy cluster|local]]\n") &&
		  strstr(text, "kn-ctl service replace VIP:PORT/PROTO [affinity none|client-ip "
			       "[timeout SECS]] [nodeport PORT [policy cluster|local]]\n") &&
		  strstr(text, "kn-ctl service add 10.96.0.11:80/tcp nodeport 30080 policy local\n") &&
		  strstr(text, "kn-ctl service list [VIP:PORT/PROTO]") &&
		  strstr(text, "kn-ctl backend add VIP:PORT/PROTO ADDRESS:PORT [weight N] [terminating] "
			       "[local]\n") &&
		  strstr(text, "kn-ctl backend replace VIP:PORT/PROTO ADDRESS:PORT [weight N] "
			       "[terminating] [local]\n") &&
		  strstr(text, "kn-ctl backend del VIP:PORT/PROTO ADDRESS:PORT") &&
		  strstr(text, "kn-ctl conntrack list [service VIP:PORT/PROTO]") &&
		  strstr(text, "kn-ctl conntrack stats") &&
		  strstr(text, "kn-ctl -b|--batch FILE") &&
		  strstr(text, "              service add|replace|del\n") &&
		  strstr(text, "              conntrack flush\n") &&
		  strstr(text, "--state-dir DIR") && strstr(text, "KN_STATE_DIR"),
		  "global help lists the synopsis, every command and the exit statuses");
	free(text);
}

int main(void)
{
	test_uint();
	test_ipv4();
	test_cidr();
	test_cidr_helpers();
	test_ports();
	test_what();
	test_dispatch();
	test_config_set_args();
	test_config_set_message();
	test_status_reply();
	test_settings_reply();
	test_settings_print();
	test_tables_and_help();
	json_tests();
	ipam_tests();
	pod_tests();
	link_tests();
	fdb_tests();
	overlay_tests();
	node_tests();
	service_tests();
	conntrack_tests();
	batch_tests();
	return test_summary();
}
