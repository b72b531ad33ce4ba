// SPDX-License-Identifier: GPL-2.0
/*
 * kn-ctl fdb: the forwarding database of a kn device (KN_CMD_GET_FDB, a
 * dump).
 *
 * "fdb show dev KN" lists the learned entries (MAC, port, age) and the
 * device's own, local, address.  Entries are sorted, local first, then by
 * port and MAC, so that two runs compare line by line.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "uapi/kn.h"
#include "json.h"
#include "kn-ctl.h"
#include "rtnl.h"

/* --- arguments --- */

/* fdb show dev KN */
static int fdb_show_parse(struct kn_invocation *inv, int argc, char **argv)
{
	return kn_ctl_parse_required_dev(inv, "fdb show", argc, argv, &inv->args.fdb_show.dev);
}

/* --- replies --- */

static const enum mnl_attr_data_type top_policy[KN_A_MAX + 1] = {
	[KN_A_IFINDEX]	= MNL_TYPE_U32,
	[KN_A_FDB]	= MNL_TYPE_NESTED,
};

static const enum mnl_attr_data_type fdb_policy[KN_FDB_A_MAX + 1] = {
	[KN_FDB_A_MAC]		= MNL_TYPE_BINARY,
	[KN_FDB_A_PORT_IFINDEX]	= MNL_TYPE_U32,
	[KN_FDB_A_PORT_NAME]	= MNL_TYPE_NUL_STRING,
	[KN_FDB_A_AGE_MS]	= MNL_TYPE_U32,
	[KN_FDB_A_FLAGS]	= MNL_TYPE_U32,
};

int kn_fdb_parse_reply(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *fdb_tb[KN_FDB_A_MAX + 1];
	const struct nlattr *tb[KN_A_MAX + 1];
	struct kn_fdb_table *table = data;
	struct kn_fdb_entry *entry;
	unsigned int type;
	int err;

	err = kn_genl_parse_attrs(nlh, top_policy, KN_A_MAX, tb);
	if (err)
		return err;
	if (!tb[KN_A_FDB])
		return -EBADMSG;
	err = kn_genl_parse_nested(tb[KN_A_FDB], fdb_policy, KN_FDB_A_MAX, fdb_tb);
	if (err)
		return err;
	/* The contract says every attribute is present. */
	for (type = KN_FDB_A_UNSPEC + 1; type <= KN_FDB_A_MAX; type++)
		if (!fdb_tb[type])
			return -EBADMSG;
	if (mnl_attr_get_payload_len(fdb_tb[KN_FDB_A_MAC]) != sizeof(entry->mac))
		return -EBADMSG;

	entry = KN_TABLE_APPEND(table, 64);
	if (!entry)
		return -ENOMEM;
	memcpy(entry->mac, mnl_attr_get_payload(fdb_tb[KN_FDB_A_MAC]), sizeof(entry->mac));
	entry->port_ifindex = mnl_attr_get_u32(fdb_tb[KN_FDB_A_PORT_IFINDEX]);
	snprintf(entry->port_name, sizeof(entry->port_name), "%s",
		 mnl_attr_get_str(fdb_tb[KN_FDB_A_PORT_NAME]));
	entry->age_ms = mnl_attr_get_u32(fdb_tb[KN_FDB_A_AGE_MS]);
	entry->flags = mnl_attr_get_u32(fdb_tb[KN_FDB_A_FLAGS]);
	return 0;
}

void kn_fdb_table_free(struct kn_fdb_table *table)
{
	KN_TABLE_FREE(table);
}

static int compare_entries(const void *a, const void *b)
{
	const struct kn_fdb_entry *x = a, *y = b;
	bool x_local = x->flags & KN_FDB_F_LOCAL, y_local = y->flags & KN_FDB_F_LOCAL;
	int cmp;

	if (x_local != y_local)
		return x_local ? -1 : 1;
	cmp = strcmp(x->port_name, y->port_name);
	if (cmp)
		return cmp;
	return memcmp(x->mac, y->mac, sizeof(x->mac));
}

void kn_fdb_table_sort(struct kn_fdb_table *table)
{
	KN_TABLE_SORT(table, compare_entries);
}

void kn_format_age(uint32_t age_ms, char *buf, size_t size)
{
	/* Tenths, rounded half up; 64 bits so that UINT32_MAX + 50 cannot wrap. */
	uint64_t tenths = ((uint64_t)age_ms + 50) / 100;

	snprintf(buf, size, "%" PRIu64 ".%" PRIu64, tenths / 10, tenths % 10);
}

/* --- fdb show --- */

static void print_fdb_json(const struct kn_fdb_table *table)
{
	char mac[KN_MAC_STRLEN];
	struct kn_json json;
	size_t i;

	kn_json_init(&json, stdout);
	kn_json_array_start(&json);
	for (i = 0; i < table->count; i++) {
		const struct kn_fdb_entry *entry = &table->entries[i];

		kn_mac_format(entry->mac, mac);
		kn_json_object_start(&json);
		kn_json_kv_string(&json, "mac", mac);
		kn_json_kv_string(&json, "port", entry->port_name);
		kn_json_kv_uint(&json, "port_ifindex", entry->port_ifindex);
		kn_json_kv_uint(&json, "age_ms", entry->age_ms);
		kn_json_key(&json, "local");
		kn_json_bool(&json, entry->flags & KN_FDB_F_LOCAL);
		kn_json_object_end(&json);
	}
	kn_json_array_end(&json);
	kn_json_finish(&json);
}

static void print_fdb_text(const struct kn_fdb_table *table)
{
	char mac[KN_MAC_STRLEN], age[32];
	int width = sizeof("PORT") - 1;
	size_t i;

	for (i = 0; i < table->count; i++)
		if ((int)strlen(table->entries[i].port_name) > width)
			width = strlen(table->entries[i].port_name);

	printf("%-17s  %-*s  %7s  %s\n", "MAC", width, "PORT", "AGE", "FLAGS");
	for (i = 0; i < table->count; i++) {
		const struct kn_fdb_entry *entry = &table->entries[i];
		bool local = entry->flags & KN_FDB_F_LOCAL;

		kn_mac_format(entry->mac, mac);
		kn_format_age(entry->age_ms, age, sizeof(age));
		/* No trailing blanks when there is no flag. */
		printf("%-17s  %-*s  %7s%s\n", mac, width, entry->port_name, age,
		       local ? "  local" : "");
	}
}

static int fdb_show_run(const struct kn_invocation *inv)
{
	const char *dev = inv->args.fdb_show.dev;
	struct kn_fdb_table table = { 0 };
	struct kn_genl genl;
	int err;

	err = kn_ctl_connect(&genl);
	if (err)
		return err;
	err = kn_ctl_dump_dev(&genl, KN_CMD_GET_FDB, dev, 0, kn_fdb_parse_reply, &table,
			      &table.count);
	if (err)
		kn_ctl_fail_dump(&genl, err, "fdb show dev %s", dev);
	kn_genl_close(&genl);
	if (err) {
		kn_fdb_table_free(&table);
		return KN_EXIT_FAILURE;
	}

	kn_fdb_table_sort(&table);
	if (inv->json)
		print_fdb_json(&table);
	else
		print_fdb_text(&table);
	kn_fdb_table_free(&table);
	return KN_EXIT_OK;
}

static const struct kn_command fdb_commands[] = {
	{
		.name = "show",
		.synopsis = "dev KN",
		.description = "List the FDB entries of kn device KN (MAC, port, age)",
		.parse = fdb_show_parse,
		.run = fdb_show_run,
	},
};

const struct kn_object kn_object_fdb = {
	.name = "fdb",
	.description = "the forwarding database of a kn device",
	.help =
	"DESCRIPTION\n"
	"       A kn device learns which port each source MAC address is behind;\n"
	"       an entry not refreshed by a frame for the device's ageing time\n"
	"       is removed ('" KN_CTL_NAME " link set dev KN ageing SECS').  The\n"
	"       device's own address is a local entry: frames to it go up the\n"
	"       host's stack, and it never ages.\n"
	"\n"
	"OUTPUT\n"
	"       One entry a line, local first, then by port and MAC:\n"
	"           MAC    the Ethernet address\n"
	"           PORT   the port frames to MAC leave through (the kn device\n"
	"                  itself for a local entry)\n"
	"           AGE    seconds since a frame from MAC was last seen, to a tenth\n"
	"           FLAGS  local, or nothing\n"
	"\n"
	"       -j prints an array of\n"
	"       {\"mac\":\"M\",\"port\":\"P\",\"port_ifindex\":N,\"age_ms\":N,\"local\":BOOL}\n"
	"\n"
	"NOTES\n"
	"       A device that does not exist or is not a kn device is refused with\n"
	"       the kernel's reason (exit status 1).\n",
	.commands = fdb_commands,
	.n_commands = ARRAY_SIZE(fdb_commands),
};
