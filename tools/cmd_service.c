// SPDX-License-Identifier: GPL-2.0
/*
 * kn-ctl service: services, ClusterIP and NodePort (KN_CMD_NEW_SERVICE,
 * KN_CMD_REPLACE_SERVICE, KN_CMD_DEL_SERVICE, KN_CMD_GET_SERVICE, a dump),
 * and what the backend and conntrack commands share with it: the key
 * VIP:PORT/PROTO, read from the command line, put in requests, read back
 * from replies and printed.
 *
 * "service list" joins two dumps, the services (their affinity, NodePort
 * and counters) and the backends, by key; they are two reads, not one
 * snapshot, so a change between them can show a service without a backend
 * it just got.  A backend whose service is not in the first dump is not
 * shown.
 *
 * The text form is one line per service in the words the commands take
 * ("10.96.0.10:80/tcp affinity client-ip timeout 600 nodeport 30080 policy
 * local ..."), its backends
 * at the end of the line, so that a line can be grepped for a backend too.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "uapi/kn.h"
#include "json.h"
#include "kn-ctl.h"

/* --- the key --- */

static const struct {
	uint8_t proto;
	const char *name;
} protocols[] = {
	{ IPPROTO_TCP, "tcp" },
	{ IPPROTO_UDP, "udp" },
};

const char *kn_proto_name(uint8_t proto)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(protocols); i++)
		if (protocols[i].proto == proto)
			return protocols[i].name;
	return NULL;
}

void kn_service_key_format(const struct kn_service_key *key, char buf[KN_SERVICE_STRLEN])
{
	char addr[INET_ADDRSTRLEN], number[KN_NUMBER_STRLEN];

	inet_ntop(AF_INET, &key->addr, addr, sizeof(addr));
	snprintf(buf, KN_SERVICE_STRLEN, "%s:%u/%s", addr, key->port,
		 kn_name_or_number(kn_proto_name(key->proto), key->proto, number));
}

/* The longest word an endpoint or a key can be; longer ones are neither. */
#define KEY_WORD_MAX	64

int kn_ctl_parse_endpoint(struct kn_invocation *inv, const char *what, const char *role,
			  const char *word, struct in_addr *addr, uint16_t *port)
{
	char copy[KEY_WORD_MAX];
	char *colon;

	if (strlen(word) >= sizeof(copy) || !strchr(word, ':'))
		return kn_ctl_usage_error(inv, "%s: %s '%s' is not ADDRESS:PORT like 10.244.2.5:8080",
					  what, role, word);
	memcpy(copy, word, strlen(word) + 1);	/* fits: checked above */
	colon = strrchr(copy, ':');
	*colon = '\0';
	if (kn_parse_ipv4(copy, addr))
		return kn_ctl_usage_error(inv, "%s: %s address '%s' is not an IPv4 address A.B.C.D",
					  what, role, copy);
	if (!kn_ipv4_unicast(*addr))
		return kn_ctl_usage_error(inv, "%s: %s address '%s' is not a unicast address",
					  what, role, copy);
	switch (kn_parse_port(colon + 1, port)) {
	case 0:
		return 0;
	case -ERANGE:
		return kn_ctl_usage_error(inv, "%s: %s port '%s' is outside 1 to 65535",
					  what, role, colon + 1);
	default:
		return kn_ctl_usage_error(inv, "%s: %s port '%s' is not a number",
					  what, role, colon + 1);
	}
}

/* "tcp" and "udp", in either case: Kubernetes writes them "TCP", "UDP". */
int kn_ctl_parse_service_key(struct kn_invocation *inv, const char *what, const char *word,
			     struct kn_service_key *key)
{
	char endpoint[KEY_WORD_MAX];
	const char *slash = strrchr(word, '/');
	size_t i;

	if (!slash || !strchr(word, ':') || (size_t)(slash - word) >= sizeof(endpoint))
		return kn_ctl_usage_error(inv,
			"%s: service '%s' is not VIP:PORT/PROTO like 10.96.0.10:80/tcp", what, word);
	memcpy(endpoint, word, slash - word);
	endpoint[slash - word] = '\0';
	for (i = 0; i < ARRAY_SIZE(protocols); i++)
		if (!strcasecmp(slash + 1, protocols[i].name))
			break;
	if (i == ARRAY_SIZE(protocols))
		return kn_ctl_usage_error(inv, "%s: protocol '%s' is not tcp or udp", what, slash + 1);
	key->proto = protocols[i].proto;
	return kn_ctl_parse_endpoint(inv, what, "service", endpoint, &key->addr, &key->port);
}

/* Key attributes, in the nest already started. */
static void put_key_attrs(struct nlmsghdr *nlh, const struct kn_service_key *key)
{
	/* Already big-endian, as the be32 attribute wants it. */
	mnl_attr_put_u32(nlh, KN_SERVICE_A_ADDR, key->addr.s_addr);
	mnl_attr_put_u16(nlh, KN_SERVICE_A_PORT, key->port);
	mnl_attr_put_u8(nlh, KN_SERVICE_A_PROTO, key->proto);
}

void kn_service_put_key(struct nlmsghdr *nlh, const struct kn_service_key *key)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, KN_A_SERVICE);

	put_key_attrs(nlh, key);
	mnl_attr_nest_end(nlh, nest);
}

void kn_service_put_filter(struct nlmsghdr *nlh, const void *key)
{
	if (key)
		kn_service_put_key(nlh, key);
}

static int compare_u32(uint32_t a, uint32_t b)
{
	return a < b ? -1 : a > b;
}

int kn_service_key_compare(const struct kn_service_key *a, const struct kn_service_key *b)
{
	int cmp = compare_u32(ntohl(a->addr.s_addr), ntohl(b->addr.s_addr));

	if (!cmp)
		cmp = compare_u32(a->port, b->port);
	return cmp ? cmp : compare_u32(a->proto, b->proto);
}

/* --- arguments --- */

static const char *const affinity_names[] = {
	[KN_AFFINITY_NONE]	= "none",
	[KN_AFFINITY_CLIENT_IP]	= "client-ip",
};

static const char *const policy_names[] = {
	[KN_TRAFFIC_POLICY_CLUSTER]	= "cluster",
	[KN_TRAFFIC_POLICY_LOCAL]	= "local",
};

_Static_assert(ARRAY_SIZE(policy_names) == KN_TRAFFIC_POLICY_MAX + 1,
	       "name every KN_TRAFFIC_POLICY_*");

/* The keywords of service add, each followed by its value. */
static bool is_service_keyword(const char *word)
{
	return !strcmp(word, "affinity") || !strcmp(word, "timeout") ||
	       !strcmp(word, "nodeport") || !strcmp(word, "policy");
}

/*
 * service add|replace VIP:PORT/PROTO [affinity none|client-ip [timeout SECS]]
 * [nodeport PORT [policy cluster|local]], the keywords in any order.
 * Whatever is not given is its default (no NodePort), so a replace states
 * the whole service.  Whether PORT lies in the NodePort range and is free
 * is the kernel's to check: the range is a setting.
 */
static int service_add_parse(struct kn_invocation *inv, int argc, char **argv)
{
	struct kn_service_args *args = &inv->args.service;
	bool has_affinity = false, has_timeout = false, has_policy = false;
	const char *key, *value;
	uint32_t nodeport;
	char what[32];
	int i, err;

	kn_ctl_what(what, sizeof(what), "service", inv->command->name);
	if (!argc || is_service_keyword(argv[0]))
		return kn_ctl_usage_error(inv, "%s: missing VIP:PORT/PROTO", what);
	err = kn_ctl_parse_service_key(inv, what, argv[0], &args->key);
	if (err)
		return err;
	for (i = 1; i < argc; i += 2) {
		key = argv[i];
		if (!is_service_keyword(key))
			return kn_ctl_usage_error(inv, "%s: unknown argument '%s'", what, key);
		if (i + 1 >= argc)
			return kn_ctl_usage_error(inv, "%s: %s needs a value", what, key);
		value = argv[i + 1];

		if (!strcmp(key, "timeout")) {
			err = kn_ctl_parse_number(inv, what, key, value, 1, KN_AFFINITY_TIMEOUT_MAX,
						  &args->timeout, &has_timeout);
			if (err)
				return err;
			continue;
		}
		if (!strcmp(key, "nodeport")) {
			err = kn_ctl_parse_number(inv, what, key, value, 1, UINT16_MAX, &nodeport,
						  &args->has_nodeport);
			if (err)
				return err;
			args->nodeport = nodeport;
			continue;
		}
		if (!strcmp(key, "policy")) {
			if (has_policy)
				return kn_ctl_usage_error(inv, "%s: policy is given twice", what);
			if (!strcmp(value, policy_names[KN_TRAFFIC_POLICY_LOCAL]))
				args->policy = KN_TRAFFIC_POLICY_LOCAL;
			else if (strcmp(value, policy_names[KN_TRAFFIC_POLICY_CLUSTER]))
				return kn_ctl_usage_error(inv, "%s: policy '%s' is not cluster or local",
							  what, value);
			has_policy = true;
			continue;
		}
		if (has_affinity)
			return kn_ctl_usage_error(inv, "%s: affinity is given twice", what);
		if (!strcmp(value, affinity_names[KN_AFFINITY_CLIENT_IP]))
			args->affinity = KN_AFFINITY_CLIENT_IP;
		else if (strcmp(value, affinity_names[KN_AFFINITY_NONE]))
			return kn_ctl_usage_error(inv, "%s: affinity '%s' is not none or client-ip",
						  what, value);
		has_affinity = true;
	}
	if (has_timeout && args->affinity != KN_AFFINITY_CLIENT_IP)
		return kn_ctl_usage_error(inv, "%s: timeout goes with affinity client-ip", what);
	if (has_policy && !args->has_nodeport)
		return kn_ctl_usage_error(inv, "%s: policy goes with nodeport", what);
	return 0;
}

/* service del VIP:PORT/PROTO */
static int service_del_parse(struct kn_invocation *inv, int argc, char **argv)
{
	if (!argc)
		return kn_ctl_usage_error(inv, "service del: missing VIP:PORT/PROTO");
	if (argc > 1)
		return kn_ctl_usage_error(inv, "service del: unexpected argument '%s'", argv[1]);
	return kn_ctl_parse_service_key(inv, "service del", argv[0], &inv->args.service.key);
}

/* service list|show [VIP:PORT/PROTO] */
static int service_list_parse(struct kn_invocation *inv, int argc, char **argv)
{
	struct kn_service_args *args = &inv->args.service;
	char what[32];

	kn_ctl_what(what, sizeof(what), "service", inv->command->name);
	if (!argc)
		return 0;
	if (argc > 1)
		return kn_ctl_usage_error(inv, "%s: unexpected argument '%s'", what, argv[1]);
	args->has_key = true;
	return kn_ctl_parse_service_key(inv, what, argv[0], &args->key);
}

/* --- requests --- */

/*
 * The affinity is always sent, and with client-ip its timeout (given or
 * the default), and with a NodePort its policy (given or cluster): a
 * replace then sets what the command line says, whatever the kernel does
 * with an attribute left out.  No NodePort is sent as none: a replace
 * without one removes the service's.
 */
static void service_add_put(struct nlmsghdr *nlh, const struct kn_invocation *inv)
{
	const struct kn_service_args *args = &inv->args.service;
	struct nlattr *nest = mnl_attr_nest_start(nlh, KN_A_SERVICE);

	put_key_attrs(nlh, &args->key);
	mnl_attr_put_u8(nlh, KN_SERVICE_A_AFFINITY, args->affinity);
	if (args->affinity == KN_AFFINITY_CLIENT_IP)
		mnl_attr_put_u32(nlh, KN_SERVICE_A_AFFINITY_TIMEOUT,
				 args->timeout ? args->timeout : KN_AFFINITY_TIMEOUT_DEFAULT);
	if (args->has_nodeport) {
		mnl_attr_put_u16(nlh, KN_SERVICE_A_NODEPORT, args->nodeport);
		mnl_attr_put_u8(nlh, KN_SERVICE_A_TRAFFIC_POLICY, args->policy);
	}
	mnl_attr_nest_end(nlh, nest);
}

static void service_del_put(struct nlmsghdr *nlh, const struct kn_invocation *inv)
{
	kn_service_put_key(nlh, &inv->args.service.key);
}

/* --- replies --- */

static const enum mnl_attr_data_type top_policy[KN_A_MAX + 1] = {
	[KN_A_SERVICE]	= MNL_TYPE_NESTED,
};

static const enum mnl_attr_data_type service_policy[KN_SERVICE_A_MAX + 1] = {
	[KN_SERVICE_A_ADDR]		= MNL_TYPE_U32,
	[KN_SERVICE_A_PORT]		= MNL_TYPE_U16,
	[KN_SERVICE_A_PROTO]		= MNL_TYPE_U8,
	[KN_SERVICE_A_AFFINITY]		= MNL_TYPE_U8,
	[KN_SERVICE_A_AFFINITY_TIMEOUT]	= MNL_TYPE_U32,
	[KN_SERVICE_A_STATS]		= MNL_TYPE_NESTED,
	[KN_SERVICE_A_NODEPORT]		= MNL_TYPE_U16,
	[KN_SERVICE_A_TRAFFIC_POLICY]	= MNL_TYPE_U8,
};

/* What every service has; NODEPORT and TRAFFIC_POLICY come together or not at all. */
static const unsigned int service_required[] = {
	KN_SERVICE_A_ADDR, KN_SERVICE_A_PORT, KN_SERVICE_A_PROTO, KN_SERVICE_A_AFFINITY,
	KN_SERVICE_A_AFFINITY_TIMEOUT, KN_SERVICE_A_STATS,
};

static const enum mnl_attr_data_type stats_policy[KN_SERVICE_STATS_A_MAX + 1] = {
	[KN_SERVICE_STATS_A_BACKENDS]		= MNL_TYPE_U32,
	[KN_SERVICE_STATS_A_USABLE]		= MNL_TYPE_U32,
	[KN_SERVICE_STATS_A_CONNECTIONS]	= MNL_TYPE_U64,
	[KN_SERVICE_STATS_A_NO_BACKEND]		= MNL_TYPE_U64,
	[KN_SERVICE_STATS_A_NO_LOCAL]		= MNL_TYPE_U64,
};

int kn_service_parse_reply(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *stats_tb[KN_SERVICE_STATS_A_MAX + 1];
	const struct nlattr *service_tb[KN_SERVICE_A_MAX + 1];
	const struct nlattr *tb[KN_A_MAX + 1];
	struct kn_service_table *table = data;
	struct kn_service_entry *entry;
	size_t i;
	int err;

	err = kn_genl_parse_attrs(nlh, top_policy, KN_A_MAX, tb);
	if (err)
		return err;
	if (!tb[KN_A_SERVICE])
		return -EBADMSG;
	err = kn_genl_parse_nested(tb[KN_A_SERVICE], service_policy, KN_SERVICE_A_MAX,
				   service_tb);
	if (err)
		return err;
	for (i = 0; i < ARRAY_SIZE(service_required); i++)
		if (!service_tb[service_required[i]])
			return -EBADMSG;
	if (!service_tb[KN_SERVICE_A_NODEPORT] != !service_tb[KN_SERVICE_A_TRAFFIC_POLICY])
		return -EBADMSG;
	err = kn_genl_parse_nested_all(service_tb[KN_SERVICE_A_STATS], stats_policy,
				       KN_SERVICE_STATS_A_MAX, stats_tb);
	if (err)
		return err;

	entry = KN_TABLE_APPEND(table, 64);
	if (!entry)
		return -ENOMEM;
	entry->key.addr.s_addr = mnl_attr_get_u32(service_tb[KN_SERVICE_A_ADDR]);
	entry->key.port = mnl_attr_get_u16(service_tb[KN_SERVICE_A_PORT]);
	entry->key.proto = mnl_attr_get_u8(service_tb[KN_SERVICE_A_PROTO]);
	entry->affinity = mnl_attr_get_u8(service_tb[KN_SERVICE_A_AFFINITY]);
	entry->affinity_timeout = mnl_attr_get_u32(service_tb[KN_SERVICE_A_AFFINITY_TIMEOUT]);
	entry->has_nodeport = service_tb[KN_SERVICE_A_NODEPORT];
	entry->nodeport = 0;
	entry->policy = 0;
	if (entry->has_nodeport) {
		entry->nodeport = mnl_attr_get_u16(service_tb[KN_SERVICE_A_NODEPORT]);
		entry->policy = mnl_attr_get_u8(service_tb[KN_SERVICE_A_TRAFFIC_POLICY]);
	}
	entry->backends = mnl_attr_get_u32(stats_tb[KN_SERVICE_STATS_A_BACKENDS]);
	entry->usable = mnl_attr_get_u32(stats_tb[KN_SERVICE_STATS_A_USABLE]);
	entry->connections = mnl_attr_get_u64(stats_tb[KN_SERVICE_STATS_A_CONNECTIONS]);
	entry->no_backend = mnl_attr_get_u64(stats_tb[KN_SERVICE_STATS_A_NO_BACKEND]);
	entry->no_local = mnl_attr_get_u64(stats_tb[KN_SERVICE_STATS_A_NO_LOCAL]);
	return 0;
}

void kn_service_table_free(struct kn_service_table *table)
{
	KN_TABLE_FREE(table);
}

static int compare_services(const void *a, const void *b)
{
	const struct kn_service_entry *x = a, *y = b;

	return kn_service_key_compare(&x->key, &y->key);
}

void kn_service_table_sort(struct kn_service_table *table)
{
	KN_TABLE_SORT(table, compare_services);
}

/* --- output --- */

/* "client-ip"; a mode kn-ctl does not know as its number, in buf. */
static const char *affinity_name(uint8_t affinity, char buf[KN_NUMBER_STRLEN])
{
	return kn_name_or_number(affinity < ARRAY_SIZE(affinity_names) ?
				 affinity_names[affinity] : NULL, affinity, buf);
}

/* "local"; a policy kn-ctl does not know as its number, in buf. */
static const char *policy_name(uint8_t policy, char buf[KN_NUMBER_STRLEN])
{
	return kn_name_or_number(policy < ARRAY_SIZE(policy_names) ?
				 policy_names[policy] : NULL, policy, buf);
}

static void print_service_json(struct kn_json *json, const struct kn_service_entry *service,
			       const struct kn_backend_entry *backends, size_t n_backends)
{
	char key[KN_SERVICE_STRLEN], addr[INET_ADDRSTRLEN], number[KN_NUMBER_STRLEN];
	size_t i;

	kn_service_key_format(&service->key, key);
	inet_ntop(AF_INET, &service->key.addr, addr, sizeof(addr));
	kn_json_object_start(json);
	kn_json_kv_string(json, "service", key);
	kn_json_kv_string(json, "address", addr);
	kn_json_kv_uint(json, "port", service->key.port);
	kn_json_kv_string(json, "protocol", kn_name_or_number(kn_proto_name(service->key.proto),
							     service->key.proto, number));
	kn_json_kv_string(json, "affinity", affinity_name(service->affinity, number));
	kn_json_kv_uint(json, "affinity_timeout", service->affinity_timeout);
	if (service->has_nodeport) {
		kn_json_kv_uint(json, "nodeport", service->nodeport);
		kn_json_kv_string(json, "policy", policy_name(service->policy, number));
	}
	kn_json_key(json, "stats");
	kn_json_object_start(json);
	kn_json_kv_uint(json, "backends", service->backends);
	kn_json_kv_uint(json, "usable", service->usable);
	kn_json_kv_uint(json, "connections", service->connections);
	kn_json_kv_uint(json, "no_backend", service->no_backend);
	kn_json_kv_uint(json, "no_local", service->no_local);
	kn_json_object_end(json);
	kn_json_key(json, "backends");
	kn_json_array_start(json);
	for (i = 0; i < n_backends; i++)
		kn_backend_print_json(json, &backends[i], false);
	kn_json_array_end(json);
	kn_json_object_end(json);
}

static void print_service_text(FILE *out, const struct kn_service_entry *service,
			       const struct kn_backend_entry *backends, size_t n_backends)
{
	char key[KN_SERVICE_STRLEN], number[KN_NUMBER_STRLEN];
	size_t i;

	kn_service_key_format(&service->key, key);
	fprintf(out, "%s affinity %s", key, affinity_name(service->affinity, number));
	if (service->affinity == KN_AFFINITY_CLIENT_IP)
		fprintf(out, " timeout %" PRIu32, service->affinity_timeout);
	if (service->has_nodeport)
		fprintf(out, " nodeport %u policy %s", service->nodeport,
			policy_name(service->policy, number));
	fprintf(out, " backends %" PRIu32 " usable %" PRIu32 " connections %" PRIu64
		" no-backend %" PRIu64 " no-local %" PRIu64, service->backends, service->usable,
		service->connections, service->no_backend, service->no_local);
	for (i = 0; i < n_backends; i++) {
		fputs(" backend ", out);
		kn_backend_print_words(out, &backends[i]);
	}
	fputc('\n', out);
}

void kn_service_print(FILE *out, const struct kn_service_table *services,
		      const struct kn_backend_table *backends, bool json_output)
{
	const struct kn_backend_entry *first;
	size_t i, b = 0, n;
	struct kn_json json;

	if (json_output) {
		kn_json_init(&json, out);
		kn_json_array_start(&json);
	}
	/* Both sorted by service: one pass over each. */
	for (i = 0; i < services->count; i++) {
		const struct kn_service_entry *service = &services->entries[i];

		while (b < backends->count &&
		       kn_service_key_compare(&backends->entries[b].service, &service->key) < 0)
			b++;
		first = backends->entries + b;
		for (n = 0; b < backends->count &&
			    !kn_service_key_compare(&backends->entries[b].service, &service->key); n++)
			b++;
		if (json_output)
			print_service_json(&json, service, first, n);
		else
			print_service_text(out, service, first, n);
	}
	if (json_output) {
		kn_json_array_end(&json);
		kn_json_finish(&json);
	}
}

/* --- runs --- */

int kn_service_run_dumps(const struct kn_invocation *inv, const struct kn_service_key *filter,
			 const struct kn_service_dump *dumps, size_t n_dumps)
{
	char key[KN_SERVICE_STRLEN] = "";
	struct kn_genl genl;
	int status, err = 0;
	size_t i;

	status = kn_ctl_connect(&genl);
	if (status)
		return status;
	for (i = 0; i < n_dumps && !err; i++)
		err = kn_ctl_dump(&genl, dumps[i].cmd, kn_service_put_filter, filter,
				  dumps[i].reply_cb, dumps[i].table, dumps[i].count);
	if (err) {
		if (filter)
			kn_service_key_format(filter, key);
		status = kn_ctl_fail_dump(&genl, err, "%s %s%s%s", inv->object->name,
					  inv->command->name, filter ? " " : "", key);
	}
	kn_genl_close(&genl);
	return status;
}

/* service add, replace, del */
static int service_change_run(const struct kn_invocation *inv)
{
	char key[KN_SERVICE_STRLEN];

	kn_service_key_format(&inv->args.service.key, key);
	return kn_ctl_run_request(inv, "service %s %s", inv->command->name, key);
}

static int service_list_run(const struct kn_invocation *inv)
{
	const struct kn_service_args *args = &inv->args.service;
	const struct kn_service_key *filter = args->has_key ? &args->key : NULL;
	struct kn_service_table services = { 0 };
	struct kn_backend_table backends = { 0 };
	const struct kn_service_dump dumps[] = {
		{ KN_CMD_GET_SERVICE, kn_service_parse_reply, &services, &services.count },
		{ KN_CMD_GET_BACKEND, kn_backend_parse_reply, &backends, &backends.count },
	};
	int status;

	status = kn_service_run_dumps(inv, filter, dumps, ARRAY_SIZE(dumps));
	if (status == KN_EXIT_OK) {
		kn_service_table_sort(&services);
		kn_backend_table_sort(&backends);
		kn_service_print(stdout, &services, &backends, inv->json);
	}
	kn_service_table_free(&services);
	kn_backend_table_free(&backends);
	return status;
}

#define SERVICE_ADD_SYNOPSIS	\
	"VIP:PORT/PROTO [affinity none|client-ip [timeout SECS]] [nodeport PORT [policy cluster|local]]"

static const struct kn_command service_commands[] = {
	{
		.name = "add",
		.synopsis = SERVICE_ADD_SYNOPSIS,
		.description = "Add a service with no backend yet; EEXIST if it exists",
		.parse = service_add_parse,
		.run = service_change_run,
		.request_cmd = KN_CMD_NEW_SERVICE,
		.put_request = service_add_put,
	},
	{
		.name = "replace",
		.synopsis = SERVICE_ADD_SYNOPSIS,
		.description = "As add, but an existing service takes the new affinity and NodePort and keeps the rest",
		.parse = service_add_parse,
		.run = service_change_run,
		.request_cmd = KN_CMD_REPLACE_SERVICE,
		.put_request = service_add_put,
	},
	{
		.name = "del",
		.synopsis = "VIP:PORT/PROTO",
		.description = "Remove a service, its backends and its connections",
		.parse = service_del_parse,
		.run = service_change_run,
		.request_cmd = KN_CMD_DEL_SERVICE,
		.put_request = service_del_put,
	},
	{
		.name = "list",
		.synopsis = "[VIP:PORT/PROTO]",
		.description = "List the services, or one: affinity, NodePort, counters, backends",
		.parse = service_list_parse,
		.run = service_list_run,
	},
	{
		.name = "show",
		.synopsis = "[VIP:PORT/PROTO]",
		.description = "The same as list",
		.parse = service_list_parse,
		.run = service_list_run,
	},
};

_Static_assert(KN_AFFINITY_TIMEOUT_DEFAULT == 10800 && KN_AFFINITY_TIMEOUT_MAX == 86400,
	       "update the service help text");

const struct kn_object kn_object_service = {
	.name = "service",
	.description = "services (ClusterIP, NodePort): a virtual address, port and protocol "
		       "before backends",
	.help =
	"DESCRIPTION\n"
	"       A service VIP:PORT/PROTO (PROTO tcp or udp) is a virtual IPv4\n"
	"       address and port in front of backends, pod addresses and ports\n"
	"       ('" KN_CTL_NAME " backend --help').  A new connection to it, from a pod, the\n"
	"       wire or the node itself, goes to one of its backends, picked at\n"
	"       random in proportion to their weights; kn translates it and its\n"
	"       replies in both directions ('" KN_CTL_NAME " conntrack --help').  A service\n"
	"       without a usable backend refuses new connections with ICMP port\n"
	"       unreachable.  Services belong to the network namespace, not to a\n"
	"       kn device.\n"
	"\n"
	"       A service with a NodePort also takes new connections to that port\n"
	"       and protocol on any of the node's own addresses (not loopback).\n"
	"\n"
	"ARGUMENTS\n"
	"       affinity none|client-ip\n"
	"              client-ip: a client's new connections go to the backend\n"
	"              its last one went to, until it has opened none for the\n"
	"              timeout (Kubernetes' sessionAffinity: ClientIP).  Default\n"
	"              none.\n"
	"       timeout SECS\n"
	"              With client-ip: 1 to 86400 seconds, default 10800.\n"
	"       nodeport PORT\n"
	"              The service's NodePort: inside the setting nodeport-range\n"
	"              ('" KN_CTL_NAME " config --help') and not another service's for\n"
	"              the same protocol.  Default none.\n"
	"       policy cluster|local\n"
	"              With a NodePort, Kubernetes' externalTrafficPolicy.\n"
	"              cluster: any backend, the source rewritten to the node's\n"
	"              address and a port of the setting snat-port-range.  local:\n"
	"              only the backends on this node ('" KN_CTL_NAME " backend --help'),\n"
	"              the client's address kept; with none usable, connections\n"
	"              are refused (no-local).  Default cluster.\n"
	"\n"
	"       What is not given is its default: service replace sets the whole\n"
	"       affinity and NodePort (without nodeport, the service has none)\n"
	"       and keeps backends, connections and counters.\n"
	"\n"
	"OUTPUT\n"
	"       service list prints one service a line, by address, port and\n"
	"       protocol:\n"
	"           VIP:PORT/PROTO affinity MODE [timeout SECS] [nodeport PORT\n"
	"               policy POLICY] backends N usable N connections N\n"
	"               no-backend N no-local N [backend ADDR:PORT weight N\n"
	"               [terminating] [local] connections N]...\n"
	"       backends     its backends\n"
	"       usable       those given new connections (not terminating)\n"
	"       connections  connections sent to a backend, in all\n"
	"       no-backend   connections refused for want of a usable backend\n"
	"       no-local     NodePort connections refused under policy local for\n"
	"                    want of a usable backend on this node\n"
	"       and after each backend its weight and the connections it got.\n"
	"\n"
	"       -j prints an array of\n"
	"       {\"service\":\"VIP:PORT/PROTO\",\"address\":\"VIP\",\"port\":N,\"protocol\":\"tcp\",\n"
	"        \"affinity\":\"none\",\"affinity_timeout\":N,[\"nodeport\":N,\"policy\":\"cluster\",]\n"
	"        \"stats\":{\"backends\":N,\"usable\":N,\"connections\":N,\"no_backend\":N,\n"
	"        \"no_local\":N},\"backends\":[{\"address\":\"A\",\"port\":N,\"weight\":N,\n"
	"        \"terminating\":BOOL,\"local\":BOOL,\"connections\":N}]}\n"
	"       nodeport and policy only for a service with a NodePort.\n"
	"\n"
	"NOTES\n"
	"       The services and the backends are read in two dumps, not one\n"
	"       snapshot.  Changing services needs CAP_NET_ADMIN; many changes\n"
	"       at once go faster in a batch ('" KN_CTL_NAME " -b FILE', see '" KN_CTL_NAME " --help').\n",
	.commands = service_commands,
	.n_commands = ARRAY_SIZE(service_commands),
};
