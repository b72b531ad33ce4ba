// SPDX-License-Identifier: GPL-2.0
/*
 * kn-ctl backend: the backends of services (KN_CMD_NEW_BACKEND,
 * KN_CMD_REPLACE_BACKEND, KN_CMD_DEL_BACKEND, KN_CMD_GET_BACKEND, a dump).
 *
 * A backend is named by its service's key (cmd_service.c) and its own
 * ADDR:PORT.  The text form of "backend list" is the words of "backend
 * add" followed by the backend's counter, one backend a line.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "uapi/kn.h"
#include "json.h"
#include "kn-ctl.h"

/* --- arguments --- */

/* SVC ADDR:PORT, the start of add, replace and del. */
static int parse_backend_name(struct kn_invocation *inv, const char *what, int argc,
			      char **argv)
{
	struct kn_backend_args *args = &inv->args.backend;
	int err;

	if (!argc)
		return kn_ctl_usage_error(inv, "%s: missing the service VIP:PORT/PROTO", what);
	if (argc < 2)
		return kn_ctl_usage_error(inv, "%s: missing the backend ADDRESS:PORT", what);
	err = kn_ctl_parse_service_key(inv, what, argv[0], &args->service);
	if (err)
		return err;
	return kn_ctl_parse_endpoint(inv, what, "backend", argv[1], &args->addr, &args->port);
}

/*
 * backend add|replace SVC ADDR:PORT [weight N] [terminating] [local], the
 * keywords in any order.  What is not given is its default (weight 1, not
 * terminating, local if the kernel finds ADDR in a kn device's subnet), so
 * a replace states the whole backend.
 */
static int backend_add_parse(struct kn_invocation *inv, int argc, char **argv)
{
	struct kn_backend_args *args = &inv->args.backend;
	bool has_weight = false;
	uint32_t weight = KN_BACKEND_WEIGHT_DEFAULT;
	char what[32];
	int i, err;

	kn_ctl_what(what, sizeof(what), "backend", inv->command->name);
	err = parse_backend_name(inv, what, argc, argv);
	if (err)
		return err;
	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "terminating")) {
			if (args->terminating)
				return kn_ctl_usage_error(inv, "%s: terminating is given twice", what);
			args->terminating = true;
		} else if (!strcmp(argv[i], "local")) {
			if (args->local)
				return kn_ctl_usage_error(inv, "%s: local is given twice", what);
			args->local = true;
		} else if (!strcmp(argv[i], "weight")) {
			if (i + 1 >= argc)
				return kn_ctl_usage_error(inv, "%s: weight needs a value", what);
			err = kn_ctl_parse_number(inv, what, "weight", argv[++i], 1, UINT16_MAX,
						  &weight, &has_weight);
			if (err)
				return err;
		} else {
			return kn_ctl_usage_error(inv, "%s: unknown argument '%s'", what, argv[i]);
		}
	}
	args->weight = weight;
	return 0;
}

/* backend del SVC ADDR:PORT */
static int backend_del_parse(struct kn_invocation *inv, int argc, char **argv)
{
	if (argc > 2)
		return kn_ctl_usage_error(inv, "backend del: unexpected argument '%s'", argv[2]);
	return parse_backend_name(inv, "backend del", argc, argv);
}

/* backend list [SVC] */
static int backend_list_parse(struct kn_invocation *inv, int argc, char **argv)
{
	struct kn_backend_args *args = &inv->args.backend;

	if (!argc)
		return 0;
	if (argc > 1)
		return kn_ctl_usage_error(inv, "backend list: unexpected argument '%s'", argv[1]);
	args->has_service = true;
	return kn_ctl_parse_service_key(inv, "backend list", argv[0], &args->service);
}

/* --- requests --- */

/* KN_A_SERVICE and KN_A_BACKEND with ADDR and PORT, and the rest when full. */
static void put_backend(struct nlmsghdr *nlh, const struct kn_backend_args *args, bool full)
{
	struct nlattr *nest;

	kn_service_put_key(nlh, &args->service);
	nest = mnl_attr_nest_start(nlh, KN_A_BACKEND);
	/* Already big-endian, as the be32 attribute wants it. */
	mnl_attr_put_u32(nlh, KN_BACKEND_A_ADDR, args->addr.s_addr);
	mnl_attr_put_u16(nlh, KN_BACKEND_A_PORT, args->port);
	if (full) {
		mnl_attr_put_u16(nlh, KN_BACKEND_A_WEIGHT, args->weight);
		mnl_attr_put_u32(nlh, KN_BACKEND_A_FLAGS,
				 (args->terminating ? KN_BACKEND_F_TERMINATING : 0) |
				 (args->local ? KN_BACKEND_F_LOCAL : 0));
	}
	mnl_attr_nest_end(nlh, nest);
}

/*
 * Weight and flags always: a replace sets what the command line says.
 * Without local, KN_BACKEND_F_LOCAL is clear and the kernel decides.
 */
static void backend_add_put(struct nlmsghdr *nlh, const struct kn_invocation *inv)
{
	put_backend(nlh, &inv->args.backend, true);
}

static void backend_del_put(struct nlmsghdr *nlh, const struct kn_invocation *inv)
{
	put_backend(nlh, &inv->args.backend, false);
}

/* --- replies --- */

static const enum mnl_attr_data_type top_policy[KN_A_MAX + 1] = {
	[KN_A_SERVICE]	= MNL_TYPE_NESTED,
	[KN_A_BACKEND]	= MNL_TYPE_NESTED,
};

static const enum mnl_attr_data_type key_policy[KN_SERVICE_A_MAX + 1] = {
	[KN_SERVICE_A_ADDR]	= MNL_TYPE_U32,
	[KN_SERVICE_A_PORT]	= MNL_TYPE_U16,
	[KN_SERVICE_A_PROTO]	= MNL_TYPE_U8,
};

static const enum mnl_attr_data_type backend_policy[KN_BACKEND_A_MAX + 1] = {
	[KN_BACKEND_A_ADDR]		= MNL_TYPE_U32,
	[KN_BACKEND_A_PORT]		= MNL_TYPE_U16,
	[KN_BACKEND_A_WEIGHT]		= MNL_TYPE_U16,
	[KN_BACKEND_A_FLAGS]		= MNL_TYPE_U32,
	[KN_BACKEND_A_CONNECTIONS]	= MNL_TYPE_U64,
};

int kn_backend_parse_reply(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *backend_tb[KN_BACKEND_A_MAX + 1];
	const struct nlattr *key_tb[KN_SERVICE_A_MAX + 1];
	const struct nlattr *tb[KN_A_MAX + 1];
	struct kn_backend_table *table = data;
	struct kn_backend_entry *entry;
	int err;

	err = kn_genl_parse_attrs(nlh, top_policy, KN_A_MAX, tb);
	if (!err)
		err = kn_genl_parse_nested_all(tb[KN_A_SERVICE], key_policy, KN_SERVICE_A_MAX,
					       key_tb);
	if (!err)
		err = kn_genl_parse_nested_all(tb[KN_A_BACKEND], backend_policy,
					       KN_BACKEND_A_MAX, backend_tb);
	if (err)
		return err;

	entry = KN_TABLE_APPEND(table, 64);
	if (!entry)
		return -ENOMEM;
	entry->service.addr.s_addr = mnl_attr_get_u32(key_tb[KN_SERVICE_A_ADDR]);
	entry->service.port = mnl_attr_get_u16(key_tb[KN_SERVICE_A_PORT]);
	entry->service.proto = mnl_attr_get_u8(key_tb[KN_SERVICE_A_PROTO]);
	entry->addr.s_addr = mnl_attr_get_u32(backend_tb[KN_BACKEND_A_ADDR]);
	entry->port = mnl_attr_get_u16(backend_tb[KN_BACKEND_A_PORT]);
	entry->weight = mnl_attr_get_u16(backend_tb[KN_BACKEND_A_WEIGHT]);
	entry->flags = mnl_attr_get_u32(backend_tb[KN_BACKEND_A_FLAGS]);
	entry->connections = mnl_attr_get_u64(backend_tb[KN_BACKEND_A_CONNECTIONS]);
	return 0;
}

void kn_backend_table_free(struct kn_backend_table *table)
{
	KN_TABLE_FREE(table);
}

static int compare_backends(const void *a, const void *b)
{
	const struct kn_backend_entry *x = a, *y = b;
	uint32_t xa = ntohl(x->addr.s_addr), ya = ntohl(y->addr.s_addr);
	int cmp = kn_service_key_compare(&x->service, &y->service);

	if (cmp)
		return cmp;
	if (xa != ya)
		return xa < ya ? -1 : 1;
	return (int)x->port - (int)y->port;
}

void kn_backend_table_sort(struct kn_backend_table *table)
{
	KN_TABLE_SORT(table, compare_backends);
}

/* --- output --- */

void kn_backend_print_words(FILE *out, const struct kn_backend_entry *backend)
{
	char addr[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &backend->addr, addr, sizeof(addr));
	fprintf(out, "%s:%u weight %u%s%s connections %" PRIu64, addr, backend->port,
		backend->weight,
		backend->flags & KN_BACKEND_F_TERMINATING ? " terminating" : "",
		backend->flags & KN_BACKEND_F_LOCAL ? " local" : "",
		backend->connections);
}

void kn_backend_print_json(struct kn_json *json, const struct kn_backend_entry *backend,
			   bool with_service)
{
	char addr[INET_ADDRSTRLEN], key[KN_SERVICE_STRLEN];

	inet_ntop(AF_INET, &backend->addr, addr, sizeof(addr));
	kn_json_object_start(json);
	if (with_service) {
		kn_service_key_format(&backend->service, key);
		kn_json_kv_string(json, "service", key);
	}
	kn_json_kv_string(json, "address", addr);
	kn_json_kv_uint(json, "port", backend->port);
	kn_json_kv_uint(json, "weight", backend->weight);
	kn_json_key(json, "terminating");
	kn_json_bool(json, backend->flags & KN_BACKEND_F_TERMINATING);
	kn_json_key(json, "local");
	kn_json_bool(json, backend->flags & KN_BACKEND_F_LOCAL);
	kn_json_kv_uint(json, "connections", backend->connections);
	kn_json_object_end(json);
}

void kn_backend_print(FILE *out, const struct kn_backend_table *table, bool json_output)
{
	char key[KN_SERVICE_STRLEN];
	struct kn_json json;
	size_t i;

	if (json_output) {
		kn_json_init(&json, out);
		kn_json_array_start(&json);
		for (i = 0; i < table->count; i++)
			kn_backend_print_json(&json, &table->entries[i], true);
		kn_json_array_end(&json);
		kn_json_finish(&json);
		return;
	}
	for (i = 0; i < table->count; i++) {
		kn_service_key_format(&table->entries[i].service, key);
		fprintf(out, "%s ", key);
		kn_backend_print_words(out, &table->entries[i]);
		fputc('\n', out);
	}
}

/* --- runs --- */

/* backend add, replace, del */
static int backend_change_run(const struct kn_invocation *inv)
{
	const struct kn_backend_args *args = &inv->args.backend;
	char key[KN_SERVICE_STRLEN], addr[INET_ADDRSTRLEN];

	kn_service_key_format(&args->service, key);
	inet_ntop(AF_INET, &args->addr, addr, sizeof(addr));
	return kn_ctl_run_request(inv, "backend %s %s %s:%u", inv->command->name, key, addr,
				  args->port);
}

static int backend_list_run(const struct kn_invocation *inv)
{
	const struct kn_backend_args *args = &inv->args.backend;
	const struct kn_service_key *filter = args->has_service ? &args->service : NULL;
	struct kn_backend_table table = { 0 };
	const struct kn_service_dump dump = {
		KN_CMD_GET_BACKEND, kn_backend_parse_reply, &table, &table.count
	};
	int status;

	status = kn_service_run_dumps(inv, filter, &dump, 1);
	if (status == KN_EXIT_OK) {
		kn_backend_table_sort(&table);
		kn_backend_print(stdout, &table, inv->json);
	}
	kn_backend_table_free(&table);
	return status;
}

#define BACKEND_ADD_SYNOPSIS	"VIP:PORT/PROTO ADDRESS:PORT [weight N] [terminating] [local]"

static const struct kn_command backend_commands[] = {
	{
		.name = "add",
		.synopsis = BACKEND_ADD_SYNOPSIS,
		.description = "Add a backend to a service; EEXIST if it has it",
		.parse = backend_add_parse,
		.run = backend_change_run,
		.request_cmd = KN_CMD_NEW_BACKEND,
		.put_request = backend_add_put,
	},
	{
		.name = "replace",
		.synopsis = BACKEND_ADD_SYNOPSIS,
		.description = "As add, but an existing backend takes the new weight and flags",
		.parse = backend_add_parse,
		.run = backend_change_run,
		.request_cmd = KN_CMD_REPLACE_BACKEND,
		.put_request = backend_add_put,
	},
	{
		.name = "del",
		.synopsis = "VIP:PORT/PROTO ADDRESS:PORT",
		.description = "Remove a backend and the connections that lead to it",
		.parse = backend_del_parse,
		.run = backend_change_run,
		.request_cmd = KN_CMD_DEL_BACKEND,
		.put_request = backend_del_put,
	},
	{
		.name = "list",
		.synopsis = "[VIP:PORT/PROTO]",
		.description = "List the backends of every service, or of one",
		.parse = backend_list_parse,
		.run = backend_list_run,
	},
};

_Static_assert(KN_BACKEND_WEIGHT_DEFAULT == 1, "update the backend help text");

const struct kn_object kn_object_backend = {
	.name = "backend",
	.description = "the pods behind a service",
	.help =
	"DESCRIPTION\n"
	"       A backend ADDRESS:PORT of service VIP:PORT/PROTO is a pod's\n"
	"       address and port that the service's connections go to\n"
	"       ('" KN_CTL_NAME " service --help').  Its share of new connections is its\n"
	"       weight over the sum of the weights of the service's usable\n"
	"       backends.  The change is seen whole by the packet path: a\n"
	"       connection sees the backends before it or after it.\n"
	"\n"
	"ARGUMENTS\n"
	"       weight N      1 to 65535, default 1.\n"
	"       terminating   the backend keeps its connections but gets no new\n"
	"                     one (its pod is shutting down).\n"
	"       local         the backend's pod runs on this node: the only kind\n"
	"                     a NodePort with policy local sends connections to.\n"
	"                     Without it, kn marks the backend local when its\n"
	"                     address lies in the subnet of an address of a kn\n"
	"                     device (kn0's pod subnet) at the time of the change.\n"
	"\n"
	"       What is not given is its default: backend replace sets weight\n"
	"       and flags and keeps the backend's connections and counter.\n"
	"       backend del removes the connections that lead to the backend, so\n"
	"       their clients' next packets find another backend.\n"
	"\n"
	"OUTPUT\n"
	"       backend list prints one backend a line, by service, address and\n"
	"       port:\n"
	"           VIP:PORT/PROTO ADDRESS:PORT weight N [terminating] [local]\n"
	"               connections N\n"
	"       connections being those the backend was given.  -j prints an\n"
	"       array of {\"service\":\"VIP:PORT/PROTO\",\"address\":\"A\",\"port\":N,\n"
	"       \"weight\":N,\"terminating\":BOOL,\"local\":BOOL,\"connections\":N}\n"
	"\n"
	"NOTES\n"
	"       Changing backends needs CAP_NET_ADMIN; many changes at once go\n"
	"       faster in a batch ('" KN_CTL_NAME " -b FILE').\n",
	.commands = backend_commands,
	.n_commands = ARRAY_SIZE(backend_commands),
};
