// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for "kn-ctl service" and "kn-ctl backend": their arguments
 * and usage errors, the requests they send (read back attribute by
 * attribute against uapi/kn.h), the dump messages they read, and what the
 * lists print, text and JSON, with the backends joined to their services.
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

static bool key_is(const struct kn_service_key *key, const char *addr, uint16_t port,
		   uint8_t proto)
{
	return key->addr.s_addr == inet_addr(addr) && key->port == port && key->proto == proto;
}

/* --- arguments --- */

static const struct {
	const char *args[TEST_MAX_ARGS];
	const char *command;
	const char *addr;
	uint16_t port;
	uint8_t proto;
	uint8_t affinity;
	uint32_t timeout;
	uint16_t nodeport;		/* 0: none */
	uint8_t policy;
} service_cases[] = {
	{ { "service", "add", "10.96.0.10:80/tcp" }, "add", "10.96.0.10", 80, IPPROTO_TCP,
	  KN_AFFINITY_NONE, 0, 0, 0 },
	{ { "service", "add", "10.96.0.10:80/tcp", "affinity", "client-ip", "timeout", "600" },
	  "add", "10.96.0.10", 80, IPPROTO_TCP, KN_AFFINITY_CLIENT_IP, 600, 0, 0 },
	{ { "service", "add", "10.96.0.10:53/UDP", "affinity", "client-ip" },
	  "add", "10.96.0.10", 53, IPPROTO_UDP, KN_AFFINITY_CLIENT_IP, 0, 0, 0 },
	{ { "service", "add", "10.96.0.10:65535/udp", "affinity", "none" },
	  "add", "10.96.0.10", 65535, IPPROTO_UDP, KN_AFFINITY_NONE, 0, 0, 0 },
	{ { "service", "replace", "10.96.0.11:443/tcp", "timeout", "86400", "affinity",
	    "client-ip" }, "replace", "10.96.0.11", 443, IPPROTO_TCP, KN_AFFINITY_CLIENT_IP, 86400,
	  0, 0 },
	{ { "service", "replace", "10.96.0.11:1/tcp", "affinity", "client-ip", "timeout", "1" },
	  "replace", "10.96.0.11", 1, IPPROTO_TCP, KN_AFFINITY_CLIENT_IP, 1, 0, 0 },
	{ { "service", "del", "10.96.0.10:80/tcp" }, "del", "10.96.0.10", 80, IPPROTO_TCP,
	  KN_AFFINITY_NONE, 0, 0, 0 },
	/* The public interface, word for word. */
	{ { "service", "add", "10.96.0.10:80/tcp", "nodeport", "30080", "policy", "local" },
	  "add", "10.96.0.10", 80, IPPROTO_TCP, KN_AFFINITY_NONE, 0, 30080,
	  KN_TRAFFIC_POLICY_LOCAL },
	{ { "service", "add", "10.96.0.10:80/tcp", "nodeport", "30080" },
	  "add", "10.96.0.10", 80, IPPROTO_TCP, KN_AFFINITY_NONE, 0, 30080,
	  KN_TRAFFIC_POLICY_CLUSTER },
	{ { "service", "add", "10.96.0.10:80/tcp", "policy", "cluster", "nodeport", "1" },
	  "add", "10.96.0.10", 80, IPPROTO_TCP, KN_AFFINITY_NONE, 0, 1,
	  KN_TRAFFIC_POLICY_CLUSTER },
	{ { "service", "replace", "10.96.0.10:53/udp", "policy", "local", "affinity", "client-ip",
	    "nodeport", "65535", "timeout", "60" },
	  "replace", "10.96.0.10", 53, IPPROTO_UDP, KN_AFFINITY_CLIENT_IP, 60, 65535,
	  KN_TRAFFIC_POLICY_LOCAL },
};

static void test_service_args(void)
{
	static const char *const list[TEST_MAX_ARGS] = { "service", "list" };
	static const char *const show[TEST_MAX_ARGS] = { "-j", "service", "show", "10.96.0.10:80/tcp" };
	struct kn_invocation inv;
	char line[256];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(service_cases); i++) {
		const struct kn_service_args *args = &inv.args.service;
		bool ok = test_parse(service_cases[i].args, &inv) == KN_CTL_RUN &&
			  !strcmp(inv.object->name, "service") &&
			  !strcmp(inv.command->name, service_cases[i].command);

		ok = ok && key_is(&args->key, service_cases[i].addr, service_cases[i].port,
				  service_cases[i].proto) &&
		     args->affinity == service_cases[i].affinity &&
		     args->timeout == service_cases[i].timeout && !args->has_key &&
		     args->has_nodeport == !!service_cases[i].nodeport &&
		     args->nodeport == service_cases[i].nodeport &&
		     args->policy == service_cases[i].policy;
		test_describe(service_cases[i].args, line, sizeof(line));
		test_case(ok, "service %s from \"%s\"", service_cases[i].command, line);
	}
	test_case(test_parse(list, &inv) == KN_CTL_RUN && !strcmp(inv.command->name, "list") &&
		  !inv.args.service.has_key && !inv.json,
		  "\"kn-ctl service list\": every service");
	test_case(test_parse(show, &inv) == KN_CTL_RUN && !strcmp(inv.command->name, "show") &&
		  inv.args.service.has_key && inv.json &&
		  key_is(&inv.args.service.key, "10.96.0.10", 80, IPPROTO_TCP) &&
		  inv.command->run == kn_object_service.commands[3].run,
		  "\"kn-ctl -j service show 10.96.0.10:80/tcp\": one service, show runs as list");
}

static const struct {
	const char *args[TEST_MAX_ARGS];
	const char *command;
	const char *addr;
	uint16_t port;
	uint16_t weight;
	bool terminating;
	bool local;
} backend_cases[] = {
	{ { "backend", "add", "10.96.0.10:80/tcp", "10.244.2.5:8080" }, "add",
	  "10.244.2.5", 8080, KN_BACKEND_WEIGHT_DEFAULT, false, false },
	{ { "backend", "add", "10.96.0.10:80/tcp", "10.244.2.5:8080", "weight", "3",
	    "terminating" }, "add", "10.244.2.5", 8080, 3, true, false },
	{ { "backend", "add", "10.96.0.10:80/tcp", "10.244.2.5:8080", "terminating", "weight",
	    "65535" }, "add", "10.244.2.5", 8080, 65535, true, false },
	{ { "backend", "replace", "10.96.0.10:80/tcp", "10.244.2.6:1", "weight", "1" },
	  "replace", "10.244.2.6", 1, 1, false, false },
	{ { "backend", "del", "10.96.0.10:80/tcp", "10.244.2.5:8080" }, "del",
	  "10.244.2.5", 8080, 0, false, false },
	{ { "backend", "add", "10.96.0.10:80/tcp", "10.244.2.5:8080", "local" }, "add",
	  "10.244.2.5", 8080, KN_BACKEND_WEIGHT_DEFAULT, false, true },
	{ { "backend", "replace", "10.96.0.10:80/tcp", "10.244.2.5:8080", "local", "weight", "2",
	    "terminating" }, "replace", "10.244.2.5", 8080, 2, true, true },
};

static void test_backend_args(void)
{
	static const char *const list[TEST_MAX_ARGS] = { "backend", "list" };
	static const char *const list_one[TEST_MAX_ARGS] = { "backend", "list", "10.96.0.10:53/udp" };
	struct kn_invocation inv;
	char line[256];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(backend_cases); i++) {
		const struct kn_backend_args *args = &inv.args.backend;
		bool ok = test_parse(backend_cases[i].args, &inv) == KN_CTL_RUN &&
			  !strcmp(inv.object->name, "backend") &&
			  !strcmp(inv.command->name, backend_cases[i].command);

		ok = ok && key_is(&args->service, "10.96.0.10", 80, IPPROTO_TCP) &&
		     args->addr.s_addr == inet_addr(backend_cases[i].addr) &&
		     args->port == backend_cases[i].port &&
		     args->weight == backend_cases[i].weight &&
		     args->terminating == backend_cases[i].terminating &&
		     args->local == backend_cases[i].local;
		test_describe(backend_cases[i].args, line, sizeof(line));
		test_case(ok, "backend %s from \"%s\"", backend_cases[i].command, line);
	}
	test_case(test_parse(list, &inv) == KN_CTL_RUN && !inv.args.backend.has_service,
		  "\"kn-ctl backend list\": every service's backends");
	test_case(test_parse(list_one, &inv) == KN_CTL_RUN && inv.args.backend.has_service &&
		  key_is(&inv.args.backend.service, "10.96.0.10", 53, IPPROTO_UDP),
		  "\"kn-ctl backend list 10.96.0.10:53/udp\": one service's");
}

static const struct test_refusal refused_cases[] = {
	{ { "service" }, "service: missing COMMAND (one of: add, replace, del, list, show)" },
	{ { "service", "set" }, "service: unknown command 'set'" },
	{ { "service", "add" }, "service add: missing VIP:PORT/PROTO" },
	{ { "service", "add", "affinity", "client-ip" }, "service add: missing VIP:PORT/PROTO" },
	{ { "service", "add", "10.96.0.10:80" },
	  "service add: service '10.96.0.10:80' is not VIP:PORT/PROTO like 10.96.0.10:80/tcp" },
	{ { "service", "add", "10.96.0.10/tcp" },
	  "service add: service '10.96.0.10/tcp' is not VIP:PORT/PROTO" },
	{ { "service", "add", "10.96.0:80/tcp" },
	  "service add: service address '10.96.0' is not an IPv4 address A.B.C.D" },
	{ { "service", "add", "kube-dns:53/udp" },
	  "service add: service address 'kube-dns' is not an IPv4 address A.B.C.D" },
	{ { "service", "add", "127.0.0.1:80/tcp" },
	  "service add: service address '127.0.0.1' is not a unicast address" },
	{ { "service", "add", "224.0.0.1:80/tcp" },
	  "service add: service address '224.0.0.1' is not a unicast address" },
	{ { "service", "add", "10.96.0.10:0/tcp" },
	  "service add: service port '0' is outside 1 to 65535" },
	{ { "service", "add", "10.96.0.10:65536/tcp" },
	  "service add: service port '65536' is outside 1 to 65535" },
	{ { "service", "add", "10.96.0.10:http/tcp" },
	  "service add: service port 'http' is not a number" },
	{ { "service", "add", "10.96.0.10:/tcp" },
	  "service add: service port '' is not a number" },
	{ { "service", "add", "10.96.0.10:80/sctp" },
	  "service add: protocol 'sctp' is not tcp or udp" },
	{ { "service", "add", "10.96.0.10:80/" }, "service add: protocol '' is not tcp or udp" },
	{ { "service", "add", "10.96.0.10:80/tcp", "affinity" },
	  "service add: affinity needs a value" },
	{ { "service", "add", "10.96.0.10:80/tcp", "affinity", "ClientIP" },
	  "service add: affinity 'ClientIP' is not none or client-ip" },
	{ { "service", "add", "10.96.0.10:80/tcp", "affinity", "none", "affinity", "client-ip" },
	  "service add: affinity is given twice" },
	{ { "service", "add", "10.96.0.10:80/tcp", "affinity", "client-ip", "timeout", "0" },
	  "service add: timeout '0' is outside 1 to 86400" },
	{ { "service", "add", "10.96.0.10:80/tcp", "affinity", "client-ip", "timeout", "86401" },
	  "service add: timeout '86401' is outside 1 to 86400" },
	{ { "service", "add", "10.96.0.10:80/tcp", "affinity", "client-ip", "timeout", "3h" },
	  "service add: timeout '3h' is not a number" },
	{ { "service", "add", "10.96.0.10:80/tcp", "affinity", "client-ip", "timeout", "60",
	    "timeout", "60" }, "service add: timeout is given twice" },
	{ { "service", "add", "10.96.0.10:80/tcp", "timeout", "60" },
	  "service add: timeout goes with affinity client-ip" },
	{ { "service", "add", "10.96.0.10:80/tcp", "affinity", "none", "timeout", "60" },
	  "service add: timeout goes with affinity client-ip" },
	{ { "service", "add", "10.96.0.10:80/tcp", "weight", "3" },
	  "service add: unknown argument 'weight'" },
	{ { "service", "add", "10.96.0.10:80/tcp", "10.96.0.11:80/tcp" },
	  "service add: unknown argument '10.96.0.11:80/tcp'" },
	{ { "service", "add", "nodeport", "30080" }, "service add: missing VIP:PORT/PROTO" },
	{ { "service", "add", "policy", "local" }, "service add: missing VIP:PORT/PROTO" },
	{ { "service", "add", "10.96.0.10:80/tcp", "nodeport" }, "service add: nodeport needs a value" },
	{ { "service", "add", "10.96.0.10:80/tcp", "nodeport", "0" },
	  "service add: nodeport '0' is outside 1 to 65535" },
	{ { "service", "add", "10.96.0.10:80/tcp", "nodeport", "65536" },
	  "service add: nodeport '65536' is outside 1 to 65535" },
	{ { "service", "add", "10.96.0.10:80/tcp", "nodeport", "http" },
	  "service add: nodeport 'http' is not a number" },
	{ { "service", "add", "10.96.0.10:80/tcp", "nodeport", "-30080" },
	  "service add: nodeport '-30080' is not a number" },
	{ { "service", "add", "10.96.0.10:80/tcp", "nodeport", "30080", "nodeport", "30081" },
	  "service add: nodeport is given twice" },
	{ { "service", "add", "10.96.0.10:80/tcp", "nodeport", "30080", "policy" },
	  "service add: policy needs a value" },
	{ { "service", "add", "10.96.0.10:80/tcp", "nodeport", "30080", "policy", "Local" },
	  "service add: policy 'Local' is not cluster or local" },
	{ { "service", "add", "10.96.0.10:80/tcp", "nodeport", "30080", "policy", "local",
	    "policy", "local" }, "service add: policy is given twice" },
	{ { "service", "add", "10.96.0.10:80/tcp", "policy", "local" },
	  "service add: policy goes with nodeport" },
	{ { "service", "add", "10.96.0.10:80/tcp", "policy", "cluster" },
	  "service add: policy goes with nodeport" },
	{ { "service", "add", "10.96.0.10:80/tcp", "affinity", "client-ip", "policy", "local" },
	  "service add: policy goes with nodeport" },
	{ { "service", "replace", "10.96.0.10:80/tcp", "policy", "local" },
	  "service replace: policy goes with nodeport" },
	{ { "service", "add", "10.96.0.10:80/tcp", "nodeport", "30080", "local" },
	  "service add: unknown argument 'local'" },
	{ { "service", "add", "10.96.0.10:80/tcp", "nodeport", "30080/tcp" },
	  "service add: nodeport '30080/tcp' is not a number" },
	{ { "service", "del", "10.96.0.10:80/tcp", "nodeport", "30080" },
	  "service del: unexpected argument 'nodeport'" },
	{ { "service", "replace", "10.96.0.10:80/xdp" },
	  "service replace: protocol 'xdp' is not tcp or udp" },
	{ { "service", "replace" }, "service replace: missing VIP:PORT/PROTO" },
	{ { "service", "del" }, "service del: missing VIP:PORT/PROTO" },
	{ { "service", "del", "10.96.0.10:80/tcp", "affinity", "none" },
	  "service del: unexpected argument 'affinity'" },
	{ { "service", "del", "10.96.0.10:99999/tcp" },
	  "service del: service port '99999' is outside 1 to 65535" },
	{ { "service", "list", "10.96.0.10:80/tcp", "x" }, "service list: unexpected argument 'x'" },
	{ { "service", "list", "all" }, "service list: service 'all' is not VIP:PORT/PROTO" },
	{ { "service", "show", "10.96.0.10:80" }, "service show: service '10.96.0.10:80' is not" },
	{ { "backend" }, "backend: missing COMMAND (one of: add, replace, del, list)" },
	{ { "backend", "add" }, "backend add: missing the service VIP:PORT/PROTO" },
	{ { "backend", "add", "10.96.0.10:80/tcp" }, "backend add: missing the backend ADDRESS:PORT" },
	{ { "backend", "add", "10.96.0.10:80/tcp", "10.244.2.5" },
	  "backend add: backend '10.244.2.5' is not ADDRESS:PORT like 10.244.2.5:8080" },
	{ { "backend", "add", "10.96.0.10:80/tcp", "10.244.2:8080" },
	  "backend add: backend address '10.244.2' is not an IPv4 address A.B.C.D" },
	{ { "backend", "add", "10.96.0.10:80/tcp", "127.0.0.1:8080" },
	  "backend add: backend address '127.0.0.1' is not a unicast address" },
	{ { "backend", "add", "10.96.0.10:80/tcp", "0.0.0.0:8080" },
	  "backend add: backend address '0.0.0.0' is not a unicast address" },
	{ { "backend", "add", "10.96.0.10:80/tcp", "10.244.2.5:0" },
	  "backend add: backend port '0' is outside 1 to 65535" },
	{ { "backend", "add", "10.96.0.10:80/tcp", "10.244.2.5:65536" },
	  "backend add: backend port '65536' is outside 1 to 65535" },
	{ { "backend", "add", "10.96.0.10:80", "10.244.2.5:8080" },
	  "backend add: service '10.96.0.10:80' is not VIP:PORT/PROTO" },
	{ { "backend", "add", "10.96.0.10:80/tcp", "10.244.2.5:8080", "weight", "0" },
	  "backend add: weight '0' is outside 1 to 65535" },
	{ { "backend", "add", "10.96.0.10:80/tcp", "10.244.2.5:8080", "weight", "65536" },
	  "backend add: weight '65536' is outside 1 to 65535" },
	{ { "backend", "add", "10.96.0.10:80/tcp", "10.244.2.5:8080", "weight", "-1" },
	  "backend add: weight '-1' is not a number" },
	{ { "backend", "add", "10.96.0.10:80/tcp", "10.244.2.5:8080", "weight" },
	  "backend add: weight needs a value" },
	{ { "backend", "add", "10.96.0.10:80/tcp", "10.244.2.5:8080", "weight", "2", "weight",
	    "3" }, "backend add: weight is given twice" },
	{ { "backend", "add", "10.96.0.10:80/tcp", "10.244.2.5:8080", "terminating",
	    "terminating" }, "backend add: terminating is given twice" },
	{ { "backend", "add", "10.96.0.10:80/tcp", "10.244.2.5:8080", "local", "local" },
	  "backend add: local is given twice" },
	{ { "backend", "replace", "10.96.0.10:80/tcp", "10.244.2.5:8080", "local", "yes" },
	  "backend replace: unknown argument 'yes'" },
	{ { "backend", "del", "10.96.0.10:80/tcp", "10.244.2.5:8080", "local" },
	  "backend del: unexpected argument 'local'" },
	{ { "backend", "add", "10.96.0.10:80/tcp", "10.244.2.5:8080", "ready" },
	  "backend add: unknown argument 'ready'" },
	{ { "backend", "replace", "10.96.0.10:80/tcp", "10.244.2.5:8080", "weight", "x" },
	  "backend replace: weight 'x' is not a number" },
	{ { "backend", "del", "10.96.0.10:80/tcp" }, "backend del: missing the backend ADDRESS:PORT" },
	{ { "backend", "del", "10.96.0.10:80/tcp", "10.244.2.5:8080", "weight", "3" },
	  "backend del: unexpected argument 'weight'" },
	{ { "backend", "list", "10.96.0.10:80/tcp", "10.244.2.5:8080" },
	  "backend list: unexpected argument '10.244.2.5:8080'" },
	{ { "backend", "list", "10.96.0.10:80/icmp" }, "backend list: protocol 'icmp' is not tcp or udp" },
};

/* --- requests --- */

/* The request of args, its top-level attributes and its KN_A_SERVICE and KN_A_BACKEND nests. */
struct request {
	struct nlmsghdr *nlh;
	struct kn_invocation inv;
	struct test_attrs top, service, backend;
};

static bool build(const char *const *args, char *buf, struct request *req)
{
	req->nlh = test_request(args, buf, &req->inv);
	memset(&req->top, 0, sizeof(req->top));
	if (req->nlh)
		mnl_attr_parse(req->nlh, GENL_HDRLEN, test_collect_attr, &req->top);
	test_collect_nest(req->top.tb[KN_A_SERVICE], &req->service);
	test_collect_nest(req->top.tb[KN_A_BACKEND], &req->backend);
	return req->nlh;
}

static uint8_t cmd_of(const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *genlh = mnl_nlmsg_get_payload(nlh);

	return genlh->cmd;
}

/* KN_SERVICE_A_ADDR be32 10.96.0.10, PORT u16 80 in host order, PROTO u8 TCP. */
static bool has_key(const struct test_attrs *nest)
{
	static const uint8_t vip[4] = { 10, 96, 0, 10 };
	uint16_t port = 80;
	uint8_t proto = IPPROTO_TCP;

	return test_attr_bytes(nest->tb[KN_SERVICE_A_ADDR], vip, 4) &&
	       test_attr_bytes(nest->tb[KN_SERVICE_A_PORT], &port, 2) &&
	       test_attr_bytes(nest->tb[KN_SERVICE_A_PROTO], &proto, 1);
}

static void test_service_requests(void)
{
	static const char *const add[TEST_MAX_ARGS] = { "service", "add", "10.96.0.10:80/tcp" };
	static const char *const sticky[TEST_MAX_ARGS] = {
		"service", "add", "10.96.0.10:80/tcp", "affinity", "client-ip", "timeout", "600" };
	static const char *const sticky_default[TEST_MAX_ARGS] = {
		"service", "replace", "10.96.0.10:80/tcp", "affinity", "client-ip" };
	static const char *const del[TEST_MAX_ARGS] = { "service", "del", "10.96.0.10:80/tcp" };
	static const char *const list[TEST_MAX_ARGS] = { "service", "list" };
	static char buf[KN_GENL_SEND_BUF_SIZE] __attribute__((aligned(8)));
	uint8_t none = KN_AFFINITY_NONE, client_ip = KN_AFFINITY_CLIENT_IP;
	uint32_t timeout = 600, timeout_default = KN_AFFINITY_TIMEOUT_DEFAULT;
	struct request req;

	test_case(build(add, buf, &req) && cmd_of(req.nlh) == KN_CMD_NEW_SERVICE &&
		  req.nlh->nlmsg_flags == (NLM_F_REQUEST | NLM_F_ACK) &&
		  req.top.count == 1 && !req.top.unknown &&
		  (req.top.tb[KN_A_SERVICE]->nla_type & NLA_F_NESTED),
		  "service add: KN_CMD_NEW_SERVICE, flags REQUEST|ACK only, one KN_A_SERVICE nest");
	test_case(req.service.count == 4 && !req.service.unknown && has_key(&req.service) &&
		  test_attr_bytes(req.service.tb[KN_SERVICE_A_AFFINITY], &none, 1) &&
		  !req.service.tb[KN_SERVICE_A_AFFINITY_TIMEOUT],
		  "service add 10.96.0.10:80/tcp: be32 ADDR, u16 PORT 80, u8 PROTO 6, AFFINITY none, no timeout");

	test_case(build(sticky, buf, &req) && cmd_of(req.nlh) == KN_CMD_NEW_SERVICE &&
		  req.service.count == 5 && has_key(&req.service) &&
		  test_attr_bytes(req.service.tb[KN_SERVICE_A_AFFINITY], &client_ip, 1) &&
		  test_attr_bytes(req.service.tb[KN_SERVICE_A_AFFINITY_TIMEOUT], &timeout, 4),
		  "service add ... affinity client-ip timeout 600: AFFINITY 1, u32 AFFINITY_TIMEOUT 600");
	test_case(build(sticky_default, buf, &req) && cmd_of(req.nlh) == KN_CMD_REPLACE_SERVICE &&
		  req.nlh->nlmsg_flags == (NLM_F_REQUEST | NLM_F_ACK) &&
		  test_attr_bytes(req.service.tb[KN_SERVICE_A_AFFINITY_TIMEOUT],
				  &timeout_default, 4),
		  "service replace ... affinity client-ip: KN_CMD_REPLACE_SERVICE (no NLM_F_REPLACE), timeout 10800 sent");

	test_case(build(del, buf, &req) && cmd_of(req.nlh) == KN_CMD_DEL_SERVICE &&
		  req.top.count == 1 && req.service.count == 3 && has_key(&req.service),
		  "service del: KN_CMD_DEL_SERVICE with the three key attributes only");
	test_case(!build(list, buf, &req) && req.inv.command && !req.inv.command->put_request,
		  "service list is not a single request (not batchable)");
}

static void test_nodeport_requests(void)
{
	static const char *const local[TEST_MAX_ARGS] = {
		"service", "add", "10.96.0.10:80/tcp", "nodeport", "30080", "policy", "local" };
	static const char *const cluster[TEST_MAX_ARGS] = {
		"service", "replace", "10.96.0.10:80/tcp", "nodeport", "30080" };
	static const char *const sticky[TEST_MAX_ARGS] = {
		"service", "replace", "10.96.0.10:80/tcp", "nodeport", "65535", "affinity", "client-ip",
		"policy", "cluster" };
	static const char *const removed[TEST_MAX_ARGS] = {
		"service", "replace", "10.96.0.10:80/tcp", "affinity", "client-ip" };
	static char buf[KN_GENL_SEND_BUF_SIZE] __attribute__((aligned(8)));
	uint8_t none = KN_AFFINITY_NONE, client_ip = KN_AFFINITY_CLIENT_IP;
	uint8_t policy_local = KN_TRAFFIC_POLICY_LOCAL, policy_cluster = KN_TRAFFIC_POLICY_CLUSTER;
	uint16_t nodeport = 30080, highest = 65535;
	struct request req;

	test_case(build(local, buf, &req) && cmd_of(req.nlh) == KN_CMD_NEW_SERVICE &&
		  req.top.count == 1 && !req.top.unknown &&
		  req.service.count == 6 && !req.service.unknown && has_key(&req.service) &&
		  test_attr_bytes(req.service.tb[KN_SERVICE_A_AFFINITY], &none, 1) &&
		  test_attr_bytes(req.service.tb[KN_SERVICE_A_NODEPORT], &nodeport, 2) &&
		  test_attr_bytes(req.service.tb[KN_SERVICE_A_TRAFFIC_POLICY], &policy_local, 1),
		  "service add ... nodeport 30080 policy local: the key, AFFINITY none, u16 NODEPORT 30080, u8 TRAFFIC_POLICY 1");
	test_case(build(cluster, buf, &req) && cmd_of(req.nlh) == KN_CMD_REPLACE_SERVICE &&
		  req.service.count == 6 && has_key(&req.service) &&
		  test_attr_bytes(req.service.tb[KN_SERVICE_A_NODEPORT], &nodeport, 2) &&
		  test_attr_bytes(req.service.tb[KN_SERVICE_A_TRAFFIC_POLICY], &policy_cluster, 1),
		  "service replace ... nodeport 30080: KN_CMD_REPLACE_SERVICE, TRAFFIC_POLICY cluster (0) sent, not left out");
	test_case(build(sticky, buf, &req) && req.service.count == 7 && !req.service.unknown &&
		  test_attr_bytes(req.service.tb[KN_SERVICE_A_AFFINITY], &client_ip, 1) &&
		  req.service.tb[KN_SERVICE_A_AFFINITY_TIMEOUT] &&
		  test_attr_bytes(req.service.tb[KN_SERVICE_A_NODEPORT], &highest, 2) &&
		  test_attr_bytes(req.service.tb[KN_SERVICE_A_TRAFFIC_POLICY], &policy_cluster, 1),
		  "service replace ... nodeport 65535 affinity client-ip policy cluster: affinity, its timeout, NODEPORT, TRAFFIC_POLICY");
	test_case(build(removed, buf, &req) && cmd_of(req.nlh) == KN_CMD_REPLACE_SERVICE &&
		  req.service.count == 5 && !req.service.tb[KN_SERVICE_A_NODEPORT] &&
		  !req.service.tb[KN_SERVICE_A_TRAFFIC_POLICY],
		  "service replace without nodeport: neither NODEPORT nor TRAFFIC_POLICY (the service is to have none)");
}

static void test_backend_requests(void)
{
	static const char *const add[TEST_MAX_ARGS] = {
		"backend", "add", "10.96.0.10:80/tcp", "10.244.2.5:8080", "weight", "3", "terminating" };
	static const char *const plain[TEST_MAX_ARGS] = {
		"backend", "replace", "10.96.0.10:80/tcp", "10.244.2.5:8080" };
	static const char *const del[TEST_MAX_ARGS] = {
		"backend", "del", "10.96.0.10:80/tcp", "10.244.2.5:8080" };
	static char buf[KN_GENL_SEND_BUF_SIZE] __attribute__((aligned(8)));
	static const uint8_t pod[4] = { 10, 244, 2, 5 };
	static const char *const local[TEST_MAX_ARGS] = {
		"backend", "add", "10.96.0.10:80/tcp", "10.244.2.5:8080", "local" };
	static const char *const both[TEST_MAX_ARGS] = {
		"backend", "replace", "10.96.0.10:80/tcp", "10.244.2.5:8080", "local", "terminating" };
	uint32_t terminating = KN_BACKEND_F_TERMINATING, no_flags = 0;
	uint32_t local_flag = KN_BACKEND_F_LOCAL;
	uint32_t both_flags = KN_BACKEND_F_TERMINATING | KN_BACKEND_F_LOCAL;
	uint16_t port = 8080, weight = 3, weight_default = 1;
	struct request req;

	test_case(build(add, buf, &req) && cmd_of(req.nlh) == KN_CMD_NEW_BACKEND &&
		  req.nlh->nlmsg_flags == (NLM_F_REQUEST | NLM_F_ACK) &&
		  req.top.count == 2 && !req.top.unknown &&
		  req.service.count == 3 && has_key(&req.service),
		  "backend add: KN_CMD_NEW_BACKEND, KN_A_SERVICE with the key only, and KN_A_BACKEND");
	test_case(req.backend.count == 4 && !req.backend.unknown &&
		  test_attr_bytes(req.backend.tb[KN_BACKEND_A_ADDR], pod, 4) &&
		  test_attr_bytes(req.backend.tb[KN_BACKEND_A_PORT], &port, 2) &&
		  test_attr_bytes(req.backend.tb[KN_BACKEND_A_WEIGHT], &weight, 2) &&
		  test_attr_bytes(req.backend.tb[KN_BACKEND_A_FLAGS], &terminating, 4),
		  "backend add ... 10.244.2.5:8080 weight 3 terminating: be32 ADDR, u16 PORT, u16 WEIGHT 3, FLAGS TERMINATING");
	test_case(build(plain, buf, &req) && cmd_of(req.nlh) == KN_CMD_REPLACE_BACKEND &&
		  req.backend.count == 4 &&
		  test_attr_bytes(req.backend.tb[KN_BACKEND_A_WEIGHT], &weight_default, 2) &&
		  test_attr_bytes(req.backend.tb[KN_BACKEND_A_FLAGS], &no_flags, 4),
		  "backend replace without weight or flag: KN_CMD_REPLACE_BACKEND sending weight 1 and flags 0");
	test_case(build(local, buf, &req) && cmd_of(req.nlh) == KN_CMD_NEW_BACKEND &&
		  req.backend.count == 4 && !req.backend.unknown &&
		  test_attr_bytes(req.backend.tb[KN_BACKEND_A_WEIGHT], &weight_default, 2) &&
		  test_attr_bytes(req.backend.tb[KN_BACKEND_A_FLAGS], &local_flag, 4),
		  "backend add ... local: FLAGS KN_BACKEND_F_LOCAL (2), weight 1");
	test_case(build(both, buf, &req) && cmd_of(req.nlh) == KN_CMD_REPLACE_BACKEND &&
		  test_attr_bytes(req.backend.tb[KN_BACKEND_A_FLAGS], &both_flags, 4),
		  "backend replace ... local terminating: FLAGS TERMINATING|LOCAL (3)");
	test_case(build(del, buf, &req) && cmd_of(req.nlh) == KN_CMD_DEL_BACKEND &&
		  req.top.count == 2 && has_key(&req.service) && req.backend.count == 2 &&
		  test_attr_bytes(req.backend.tb[KN_BACKEND_A_ADDR], pod, 4) &&
		  test_attr_bytes(req.backend.tb[KN_BACKEND_A_PORT], &port, 2),
		  "backend del: KN_CMD_DEL_BACKEND, the service key and the backend's ADDR and PORT only");
}

/* --- dump messages, as the module builds them --- */

static void put_key(struct nlmsghdr *nlh, const char *vip, uint16_t port, uint8_t proto)
{
	mnl_attr_put_u32(nlh, KN_SERVICE_A_ADDR, inet_addr(vip));
	mnl_attr_put_u16(nlh, KN_SERVICE_A_PORT, port);
	mnl_attr_put_u8(nlh, KN_SERVICE_A_PROTO, proto);
}

/*
 * A GET_SERVICE dump message, with NODEPORT and TRAFFIC_POLICY when nodeport
 * is not 0; omit one KN_SERVICE_A_* (or a stat, + 100), or 0.
 */
static struct nlmsghdr *put_service_np(char *buf, const char *vip, uint16_t port, uint8_t proto,
				       uint8_t affinity, uint16_t nodeport, uint8_t policy,
				       int omit)
{
	struct nlattr *nest, *stats;
	struct nlmsghdr *nlh;

	nlh = test_genl_reply_start(buf, KN_CMD_GET_SERVICE, NLM_F_MULTI);
	nest = mnl_attr_nest_start(nlh, KN_A_SERVICE);
	put_key(nlh, vip, port, proto);
	if (omit != KN_SERVICE_A_AFFINITY)
		mnl_attr_put_u8(nlh, KN_SERVICE_A_AFFINITY, affinity);
	if (omit != KN_SERVICE_A_AFFINITY_TIMEOUT)
		mnl_attr_put_u32(nlh, KN_SERVICE_A_AFFINITY_TIMEOUT, 600);
	if (nodeport && omit != KN_SERVICE_A_NODEPORT)
		mnl_attr_put_u16(nlh, KN_SERVICE_A_NODEPORT, nodeport);
	if (nodeport && omit != KN_SERVICE_A_TRAFFIC_POLICY)
		mnl_attr_put_u8(nlh, KN_SERVICE_A_TRAFFIC_POLICY, policy);
	if (omit != KN_SERVICE_A_STATS) {
		stats = mnl_attr_nest_start(nlh, KN_SERVICE_A_STATS);
		mnl_attr_put_u32(nlh, KN_SERVICE_STATS_A_BACKENDS, 2);
		if (omit != 100 + KN_SERVICE_STATS_A_USABLE)
			mnl_attr_put_u32(nlh, KN_SERVICE_STATS_A_USABLE, 1);
		mnl_attr_put(nlh, KN_SERVICE_STATS_A_PAD, 0, NULL);	/* nla_put_u64_64bit's */
		mnl_attr_put_u64(nlh, KN_SERVICE_STATS_A_CONNECTIONS, 42);
		mnl_attr_put_u64(nlh, KN_SERVICE_STATS_A_NO_BACKEND, 5000000000ULL);
		if (omit != 100 + KN_SERVICE_STATS_A_NO_LOCAL)
			mnl_attr_put_u64(nlh, KN_SERVICE_STATS_A_NO_LOCAL, 6000000000ULL);
		mnl_attr_put_u32(nlh, KN_SERVICE_STATS_A_MAX + 1, 9);	/* a newer module's */
		mnl_attr_nest_end(nlh, stats);
	}
	mnl_attr_put_u32(nlh, KN_SERVICE_A_MAX + 1, 9);
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

/* The same without a NodePort. */
static struct nlmsghdr *put_service(char *buf, const char *vip, uint16_t port, uint8_t proto,
				    uint8_t affinity, int omit)
{
	return put_service_np(buf, vip, port, proto, affinity, 0, 0, omit);
}

/* A GET_BACKEND dump message of service 10.96.0.VIP:80/tcp; omit a KN_BACKEND_A_*, or 0. */
static struct nlmsghdr *put_backend(char *buf, const char *vip, const char *addr,
				    uint16_t weight, uint32_t flags, int omit)
{
	struct nlmsghdr *nlh;
	struct nlattr *nest;

	nlh = test_genl_reply_start(buf, KN_CMD_GET_BACKEND, NLM_F_MULTI);
	nest = mnl_attr_nest_start(nlh, KN_A_SERVICE);
	put_key(nlh, vip, 80, IPPROTO_TCP);
	mnl_attr_nest_end(nlh, nest);
	nest = mnl_attr_nest_start(nlh, KN_A_BACKEND);
	if (omit != KN_BACKEND_A_ADDR)
		mnl_attr_put_u32(nlh, KN_BACKEND_A_ADDR, inet_addr(addr));
	if (omit != KN_BACKEND_A_PORT)
		mnl_attr_put_u16(nlh, KN_BACKEND_A_PORT, 8080);
	if (omit != KN_BACKEND_A_WEIGHT)
		mnl_attr_put_u16(nlh, KN_BACKEND_A_WEIGHT, weight);
	if (omit != KN_BACKEND_A_FLAGS)
		mnl_attr_put_u32(nlh, KN_BACKEND_A_FLAGS, flags);
	mnl_attr_put(nlh, KN_BACKEND_A_PAD, 0, NULL);
	if (omit != KN_BACKEND_A_CONNECTIONS)
		mnl_attr_put_u64(nlh, KN_BACKEND_A_CONNECTIONS, 40);
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

static void test_service_dump(void)
{
	static char buf[KN_GENL_SEND_BUF_SIZE] __attribute__((aligned(8)));
	struct kn_service_table table = { 0 };
	const struct kn_service_entry *e;
	char text[32];
	unsigned int i;
	bool ok = true;
	int omit;

	for (i = 0; i < 100 && ok; i++) {
		snprintf(text, sizeof(text), "10.96.%u.%u", i / 10, 200 - i);
		ok = !kn_service_parse_reply(put_service(buf, text, 80, IPPROTO_TCP,
							 KN_AFFINITY_CLIENT_IP, 0), &table);
	}
	e = &table.entries[99];
	test_case(ok && table.count == 100 && key_is(&e->key, "10.96.9.101", 80, IPPROTO_TCP) &&
		  e->affinity == KN_AFFINITY_CLIENT_IP && e->affinity_timeout == 600 &&
		  e->backends == 2 && e->usable == 1 && e->connections == 42 &&
		  e->no_backend == 5000000000ULL && e->no_local == 6000000000ULL &&
		  !e->has_nodeport && !e->nodeport,
		  "service dump: 100 messages, 100 entries: key, affinity, timeout, no NodePort, the five counters (PAD and newer attributes skipped)");
	kn_service_table_sort(&table);
	test_case(key_is(&table.entries[0].key, "10.96.0.191", 80, IPPROTO_TCP) &&
		  key_is(&table.entries[99].key, "10.96.9.110", 80, IPPROTO_TCP),
		  "service sort: by address, numerically");
	kn_service_table_free(&table);

	for (omit = KN_SERVICE_A_AFFINITY; omit <= KN_SERVICE_A_STATS; omit++)
		test_case(kn_service_parse_reply(put_service(buf, "10.96.0.1", 80, 6, 0, omit),
						 &table) == -EBADMSG && !table.count,
			  "service dump message without attribute %d -> -EBADMSG", omit);
	test_case(kn_service_parse_reply(put_service(buf, "10.96.0.1", 80, 6, 0,
						     100 + KN_SERVICE_STATS_A_USABLE),
					 &table) == -EBADMSG && !table.count,
		  "service dump message without STATS_A_USABLE -> -EBADMSG");
	test_case(kn_service_parse_reply(test_genl_reply_start(buf, KN_CMD_GET_SERVICE, 0),
					 &table) == -EBADMSG,
		  "service dump message without KN_A_SERVICE -> -EBADMSG");
	test_case(kn_service_parse_reply(put_service(buf, "10.96.0.1", 80, 6, 0,
						     100 + KN_SERVICE_STATS_A_NO_LOCAL),
					 &table) == -EBADMSG && !table.count,
		  "service dump message without STATS_A_NO_LOCAL -> -EBADMSG");

	test_case(!kn_service_parse_reply(put_service_np(buf, "10.96.0.1", 80, IPPROTO_TCP, 0, 30080,
							 KN_TRAFFIC_POLICY_LOCAL, 0), &table) &&
		  !kn_service_parse_reply(put_service_np(buf, "10.96.0.2", 53, IPPROTO_UDP, 0, 32767,
							 KN_TRAFFIC_POLICY_CLUSTER, 0), &table) &&
		  table.count == 2 &&
		  table.entries[0].has_nodeport && table.entries[0].nodeport == 30080 &&
		  table.entries[0].policy == KN_TRAFFIC_POLICY_LOCAL &&
		  table.entries[1].has_nodeport && table.entries[1].nodeport == 32767 &&
		  table.entries[1].policy == KN_TRAFFIC_POLICY_CLUSTER,
		  "service dump with NODEPORT and TRAFFIC_POLICY: both read (30080 local, 32767 cluster)");
	test_case(kn_service_parse_reply(put_service_np(buf, "10.96.0.3", 80, 6, 0, 30080, 0,
							KN_SERVICE_A_TRAFFIC_POLICY),
					 &table) == -EBADMSG && table.count == 2,
		  "service dump message with NODEPORT but no TRAFFIC_POLICY -> -EBADMSG");
	test_case(kn_service_parse_reply(put_service_np(buf, "10.96.0.3", 80, 6, 0, 30080, 1,
							KN_SERVICE_A_NODEPORT),
					 &table) == -EBADMSG && table.count == 2,
		  "service dump message with TRAFFIC_POLICY but no NODEPORT -> -EBADMSG");
	kn_service_table_free(&table);
}

static void test_backend_dump(void)
{
	static char buf[KN_GENL_SEND_BUF_SIZE] __attribute__((aligned(8)));
	struct kn_backend_table table = { 0 };
	const struct kn_backend_entry *e;
	bool ok;
	int omit;

	ok = !kn_backend_parse_reply(put_backend(buf, "10.96.0.10", "10.244.2.9", 1, 0, 0), &table) &&
	     !kn_backend_parse_reply(put_backend(buf, "10.96.0.9", "10.244.2.5", 3,
						 KN_BACKEND_F_TERMINATING, 0), &table) &&
	     !kn_backend_parse_reply(put_backend(buf, "10.96.0.10", "10.244.2.10", 2,
						 KN_BACKEND_F_LOCAL, 0), &table);
	e = table.entries;
	test_case(ok && table.count == 3 && key_is(&e[1].service, "10.96.0.9", 80, IPPROTO_TCP) &&
		  e[1].addr.s_addr == inet_addr("10.244.2.5") && e[1].port == 8080 &&
		  e[1].weight == 3 && e[1].flags == KN_BACKEND_F_TERMINATING &&
		  e[1].connections == 40,
		  "backend dump: service key, address, port, weight, flags, connections");
	test_case(ok && e[2].flags == KN_BACKEND_F_LOCAL && e[0].flags == 0,
		  "backend dump: KN_BACKEND_F_LOCAL read as sent");
	kn_backend_table_sort(&table);
	test_case(e[0].addr.s_addr == inet_addr("10.244.2.5") &&
		  e[1].addr.s_addr == inet_addr("10.244.2.9") &&
		  e[2].addr.s_addr == inet_addr("10.244.2.10"),
		  "backend sort: by service, then address numerically (.9 before .10)");
	for (omit = KN_BACKEND_A_ADDR; omit <= KN_BACKEND_A_CONNECTIONS; omit++)
		test_case(kn_backend_parse_reply(put_backend(buf, "10.96.0.9", "10.244.2.5", 1, 0,
							     omit), &table) == -EBADMSG &&
			  table.count == 3,
			  "backend dump message without attribute %d -> -EBADMSG", omit);
	kn_backend_table_free(&table);
}

/* --- output --- */

static char *capture_services(const struct kn_service_table *services,
			      const struct kn_backend_table *backends, bool json)
{
	FILE *out = test_capture_start();

	if (out && services)
		kn_service_print(out, services, backends, json);
	else if (out)
		kn_backend_print(out, backends, json);
	return test_capture_end(out);
}

static void test_output(void)
{
	struct kn_service_entry service_entries[] = {
		{ .affinity = KN_AFFINITY_CLIENT_IP, .affinity_timeout = 600, .backends = 2,
		  .usable = 1, .connections = 42, .no_backend = 0, .has_nodeport = true,
		  .nodeport = 30080, .policy = KN_TRAFFIC_POLICY_LOCAL, .no_local = 7 },
		{ .affinity = KN_AFFINITY_NONE, .affinity_timeout = 10800 },
	};
	struct kn_backend_entry backend_entries[] = {
		{ .port = 9, .weight = 1 },	/* of 10.96.0.5:80/tcp, which is not listed */
		{ .port = 8080, .weight = 3, .flags = KN_BACKEND_F_TERMINATING, .connections = 40 },
		{ .port = 8080, .weight = 1, .flags = KN_BACKEND_F_LOCAL, .connections = 2 },
	};
	struct kn_service_table services = { service_entries, 2, 2 };
	struct kn_backend_table backends = { backend_entries, 3, 3 };
	char *text;

	kn_parse_ipv4("10.96.0.10", &service_entries[0].key.addr);
	service_entries[0].key.port = 80;
	service_entries[0].key.proto = IPPROTO_TCP;
	kn_parse_ipv4("10.96.0.11", &service_entries[1].key.addr);
	service_entries[1].key.port = 53;
	service_entries[1].key.proto = IPPROTO_UDP;
	backend_entries[0].service = service_entries[0].key;
	kn_parse_ipv4("10.96.0.5", &backend_entries[0].service.addr);
	kn_parse_ipv4("10.244.9.9", &backend_entries[0].addr);
	backend_entries[1].service = service_entries[0].key;
	kn_parse_ipv4("10.244.2.5", &backend_entries[1].addr);
	backend_entries[2].service = service_entries[0].key;
	kn_parse_ipv4("10.244.2.6", &backend_entries[2].addr);

	text = capture_services(&services, &backends, false);
	test_case(test_text_is(text,
			  "10.96.0.10:80/tcp affinity client-ip timeout 600 nodeport 30080 policy local"
			  " backends 2 usable 1 connections 42 no-backend 0 no-local 7"
			  " backend 10.244.2.5:8080 weight 3 terminating connections 40"
			  " backend 10.244.2.6:8080 weight 1 local connections 2\n"
			  "10.96.0.11:53/udp affinity none backends 0 usable 0 connections 0 no-backend 0 no-local 0\n"),
		  "service list: one line a service, in the words of service add, its backends joined by key, no timeout without client-ip, no nodeport without one");
	free(text);

	text = capture_services(&services, &backends, true);
	test_case(test_text_is(text,
			  "[{\"service\":\"10.96.0.10:80/tcp\",\"address\":\"10.96.0.10\",\"port\":80,\"protocol\":\"tcp\","
			  "\"affinity\":\"client-ip\",\"affinity_timeout\":600,\"nodeport\":30080,\"policy\":\"local\","
			  "\"stats\":{\"backends\":2,\"usable\":1,\"connections\":42,\"no_backend\":0,\"no_local\":7},"
			  "\"backends\":[{\"address\":\"10.244.2.5\",\"port\":8080,\"weight\":3,\"terminating\":true,"
			  "\"local\":false,\"connections\":40},"
			  "{\"address\":\"10.244.2.6\",\"port\":8080,\"weight\":1,\"terminating\":false,"
			  "\"local\":true,\"connections\":2}]},"
			  "{\"service\":\"10.96.0.11:53/udp\",\"address\":\"10.96.0.11\",\"port\":53,\"protocol\":\"udp\","
			  "\"affinity\":\"none\",\"affinity_timeout\":10800,"
			  "\"stats\":{\"backends\":0,\"usable\":0,\"connections\":0,\"no_backend\":0,\"no_local\":0},"
			  "\"backends\":[]}]\n"),
		  "service list -j: an array of services, each with a stats object (no_local too) and a backends array; nodeport and policy only with a NodePort");
	free(text);

	services.count = 0;
	text = capture_services(&services, &backends, true);
	test_case(test_text_is(text, "[]\n"), "service list -j of no service: []");
	free(text);
	text = capture_services(&services, &backends, false);
	test_case(test_text_is(text, ""), "service list of no service: nothing");
	free(text);

	backends.entries++;
	backends.count = 2;
	text = capture_services(NULL, &backends, false);
	test_case(test_text_is(text,
			  "10.96.0.10:80/tcp 10.244.2.5:8080 weight 3 terminating connections 40\n"
			  "10.96.0.10:80/tcp 10.244.2.6:8080 weight 1 local connections 2\n"),
		  "backend list: one backend a line, the words of backend add (local too) and its counter");
	free(text);
	text = capture_services(NULL, &backends, true);
	test_case(test_text_is(text,
			  "[{\"service\":\"10.96.0.10:80/tcp\",\"address\":\"10.244.2.5\",\"port\":8080,\"weight\":3,"
			  "\"terminating\":true,\"local\":false,\"connections\":40},"
			  "{\"service\":\"10.96.0.10:80/tcp\",\"address\":\"10.244.2.6\",\"port\":8080,\"weight\":1,"
			  "\"terminating\":false,\"local\":true,\"connections\":2}]\n"),
		  "backend list -j: an array of backends, each naming its service, terminating and local as booleans");
	free(text);
}

static void test_nodeport_output(void)
{
	struct kn_service_entry entry = {
		.key = { .port = 53, .proto = IPPROTO_UDP },
		.affinity = KN_AFFINITY_NONE, .affinity_timeout = 10800,
		.has_nodeport = true, .nodeport = 32767, .policy = KN_TRAFFIC_POLICY_CLUSTER,
	};
	struct kn_backend_entry backend = {
		.port = 53, .weight = 1, .flags = KN_BACKEND_F_TERMINATING | KN_BACKEND_F_LOCAL,
	};
	struct kn_service_table services = { &entry, 1, 1 };
	struct kn_backend_table backends = { &backend, 1, 1 };
	char *text;

	kn_parse_ipv4("10.96.0.11", &entry.key.addr);
	backend.service = entry.key;
	kn_parse_ipv4("10.244.1.5", &backend.addr);
	text = capture_services(&services, &backends, false);
	test_case(test_text_is(text,
			  "10.96.0.11:53/udp affinity none nodeport 32767 policy cluster backends 0 usable 0"
			  " connections 0 no-backend 0 no-local 0"
			  " backend 10.244.1.5:53 weight 1 terminating local connections 0\n"),
		  "service list: nodeport N policy cluster after the affinity; a backend terminating and local");
	free(text);
	entry.policy = 7;
	text = capture_services(&services, &backends, true);
	test_case(text && strstr(text, "\"affinity_timeout\":10800,\"nodeport\":32767,\"policy\":\"7\",\"stats\":") &&
		  strstr(text, "\"terminating\":true,\"local\":true,"),
		  "service list -j: a policy kn-ctl has no name for as its number");
	free(text);
	text = capture_services(&services, &backends, false);
	test_case(text && strstr(text, " nodeport 32767 policy 7 backends "),
		  "service list: a policy kn-ctl has no name for as its number");
	free(text);
}

static void test_key_format(void)
{
	struct kn_service_key key = { .port = 65535, .proto = 132 };
	char buf[KN_SERVICE_STRLEN];

	kn_parse_ipv4("255.255.255.254", &key.addr);
	kn_service_key_format(&key, buf);
	test_case(!strcmp(buf, "255.255.255.254:65535/132"),
		  "a protocol kn-ctl has no name for is printed as its number, in KN_SERVICE_STRLEN");
}

void service_tests(void)
{
	test_service_args();
	test_backend_args();
	test_refusals(refused_cases, ARRAY_SIZE(refused_cases));
	test_service_requests();
	test_nodeport_requests();
	test_backend_requests();
	test_service_dump();
	test_backend_dump();
	test_output();
	test_nodeport_output();
	test_key_format();
}
