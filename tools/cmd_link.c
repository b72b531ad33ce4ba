// SPDX-License-Identifier: GPL-2.0
/*
 * kn-ctl link: the settings and counters of kn devices (KN_CMD_GET_LINK,
 * KN_CMD_SET_LINK).
 *
 * "link show" without a device shows every kn device of the namespace.  The
 * module has no dump of its devices, so they are found over rtnetlink (the
 * links whose kind is "kn") and asked about one by one, by ifindex.
 *
 * The text form uses the words "link set" takes ("ageing 300 fdb-max
 * 8192"), so a line can be replayed.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <linux/rtnetlink.h>

#include "uapi/kn.h"
#include "json.h"
#include "kn-ctl.h"
#include "rtnl.h"

/* --- arguments --- */

void kn_dev_put_attr(struct nlmsghdr *nlh, const char *dev)
{
	mnl_attr_put_strz(nlh, KN_A_IFNAME, dev);
}

int kn_ctl_parse_dev(struct kn_invocation *inv, const char *what, const char **dev,
		     const char *value)
{
	if (*dev)
		return kn_ctl_usage_error(inv, "%s: dev is given twice", what);
	if (!kn_ifname_valid(value))
		return kn_ctl_usage_error(inv, "%s: dev '%s' is not a device name", what, value);
	*dev = value;
	return 0;
}

int kn_ctl_parse_optional_dev(struct kn_invocation *inv, const char *what,
			      int argc, char **argv, const char **dev)
{
	if (!argc)
		return 0;
	if (strcmp(argv[0], "dev"))
		return kn_ctl_usage_error(inv, "%s: unknown argument '%s'", what, argv[0]);
	if (argc < 2)
		return kn_ctl_usage_error(inv, "%s: dev needs a value", what);
	if (argc > 2)
		return kn_ctl_usage_error(inv, "%s: unexpected argument '%s'", what, argv[2]);
	return kn_ctl_parse_dev(inv, what, dev, argv[1]);
}

int kn_ctl_parse_required_dev(struct kn_invocation *inv, const char *what,
			      int argc, char **argv, const char **dev)
{
	int err;

	err = kn_ctl_parse_optional_dev(inv, what, argc, argv, dev);
	if (!err && !*dev)
		err = kn_ctl_usage_error(inv, "%s: dev KN is required", what);
	return err;
}

/* link show [dev KN] */
static int link_show_parse(struct kn_invocation *inv, int argc, char **argv)
{
	return kn_ctl_parse_optional_dev(inv, "link show", argc, argv,
					 &inv->args.link_show.dev);
}

/*
 * link set dev KN [ageing SECS] [fdb-max N], in any order.  As for config
 * set, only what is malformed on its face is refused here; the bounds are
 * the module's to enforce and explain.
 */
static int link_set_parse(struct kn_invocation *inv, int argc, char **argv)
{
	struct kn_link_set_args *args = &inv->args.link_set;
	const char *key, *value;
	int i, err;

	for (i = 0; i < argc; i += 2) {
		key = argv[i];
		if (strcmp(key, "dev") && strcmp(key, "ageing") && strcmp(key, "fdb-max"))
			return kn_ctl_usage_error(inv, "link set: unknown argument '%s'", key);
		if (i + 1 >= argc)
			return kn_ctl_usage_error(inv, "link set: %s needs a value", key);
		value = argv[i + 1];

		if (!strcmp(key, "dev")) {
			err = kn_ctl_parse_dev(inv, "link set", &args->dev, value);
			if (err)
				return err;
		} else if (!strcmp(key, "ageing")) {
			if (args->has_ageing_time)
				return kn_ctl_usage_error(inv, "link set: ageing is given twice");
			switch (kn_parse_seconds_ms(value, UINT32_MAX, &args->ageing_time_ms)) {
			case 0:
				break;
			case -ERANGE:
				return kn_ctl_usage_error(inv, "link set: ageing '%s' is too large",
							  value);
			default:
				return kn_ctl_usage_error(inv,
					"link set: ageing '%s' is not a number of seconds (e.g. 300 or 1.5)",
					value);
			}
			args->has_ageing_time = true;
		} else {
			if (args->has_fdb_max)
				return kn_ctl_usage_error(inv, "link set: fdb-max is given twice");
			switch (kn_parse_u32(value, 0, UINT32_MAX, &args->fdb_max)) {
			case 0:
				break;
			case -ERANGE:
				return kn_ctl_usage_error(inv, "link set: fdb-max '%s' is too large",
							  value);
			default:
				return kn_ctl_usage_error(inv, "link set: fdb-max '%s' is not a number",
							  value);
			}
			args->has_fdb_max = true;
		}
	}
	if (!args->dev)
		return kn_ctl_usage_error(inv, "link set: dev KN is required");
	if (!args->has_ageing_time && !args->has_fdb_max)
		return kn_ctl_usage_error(inv, "link set: give at least one setting (ageing, fdb-max)");
	return 0;
}

/* --- requests and replies --- */

void kn_link_set_put_attrs(struct nlmsghdr *nlh, const struct kn_link_set_args *args)
{
	struct nlattr *nest;

	kn_dev_put_attr(nlh, args->dev);
	nest = mnl_attr_nest_start(nlh, KN_A_LINK);
	if (args->has_ageing_time)
		mnl_attr_put_u32(nlh, KN_LINK_A_AGEING_TIME_MS, args->ageing_time_ms);
	if (args->has_fdb_max)
		mnl_attr_put_u32(nlh, KN_LINK_A_FDB_MAX, args->fdb_max);
	mnl_attr_nest_end(nlh, nest);
}

static const enum mnl_attr_data_type top_policy[KN_A_MAX + 1] = {
	[KN_A_IFINDEX]		= MNL_TYPE_U32,
	[KN_A_IFNAME]		= MNL_TYPE_NUL_STRING,
	[KN_A_LINK]		= MNL_TYPE_NESTED,
	[KN_A_LINK_STATS]	= MNL_TYPE_NESTED,
};

static const enum mnl_attr_data_type link_policy[KN_LINK_A_MAX + 1] = {
	[KN_LINK_A_AGEING_TIME_MS]	= MNL_TYPE_U32,
	[KN_LINK_A_FDB_MAX]		= MNL_TYPE_U32,
};

/* The PADs have no entry: they only align the u64s and are skipped. */
static const enum mnl_attr_data_type stats_policy[KN_LINK_STATS_A_MAX + 1] = {
	[KN_LINK_STATS_A_PORTS]		= MNL_TYPE_U32,
	[KN_LINK_STATS_A_FDB_ENTRIES]	= MNL_TYPE_U32,
	[KN_LINK_STATS_A_FDB_FULL]	= MNL_TYPE_U64,
	[KN_LINK_STATS_A_FORWARDED]	= MNL_TYPE_U64,
	[KN_LINK_STATS_A_FLOODED]	= MNL_TYPE_U64,
	[KN_LINK_STATS_A_DROPS]		= MNL_TYPE_NESTED,
	[KN_LINK_STATS_A_ENCAP]		= MNL_TYPE_U64,
	[KN_LINK_STATS_A_DECAP]		= MNL_TYPE_U64,
};

static const enum mnl_attr_data_type drops_policy[KN_DROP_A_MAX + 1] = {
	[KN_DROP_A_LINK_DOWN]	= MNL_TYPE_U64,
	[KN_DROP_A_BAD_SRC]	= MNL_TYPE_U64,
	[KN_DROP_A_OWN_SRC]	= MNL_TYPE_U64,
	[KN_DROP_A_HAIRPIN]	= MNL_TYPE_U64,
	[KN_DROP_A_PORT_DOWN]	= MNL_TYPE_U64,
	[KN_DROP_A_TOO_BIG]	= MNL_TYPE_U64,
	[KN_DROP_A_NO_DEST]	= MNL_TYPE_U64,
	[KN_DROP_A_NOMEM]	= MNL_TYPE_U64,
	[KN_DROP_A_RUNT]	= MNL_TYPE_U64,
	[KN_DROP_A_NO_NODE]	= MNL_TYPE_U64,
	[KN_DROP_A_NO_OVERLAY]	= MNL_TYPE_U64,
	[KN_DROP_A_UNDERLAY]	= MNL_TYPE_U64,
	[KN_DROP_A_VXLAN_SHORT]	= MNL_TYPE_U64,
	[KN_DROP_A_VXLAN_FLAGS]	= MNL_TYPE_U64,
	[KN_DROP_A_VXLAN_VNI]	= MNL_TYPE_U64,
	[KN_DROP_A_VXLAN_INNER]	= MNL_TYPE_U64,
};

/* The text has '-' where the JSON key has '_', as everywhere in kn-ctl. */
static const struct {
	const char *name;
	const char *key;
} drop_reasons[KN_DROP_A_MAX + 1] = {
	[KN_DROP_A_LINK_DOWN]	= { "link-down", "link_down" },
	[KN_DROP_A_BAD_SRC]	= { "bad-src", "bad_src" },
	[KN_DROP_A_OWN_SRC]	= { "own-src", "own_src" },
	[KN_DROP_A_HAIRPIN]	= { "hairpin", "hairpin" },
	[KN_DROP_A_PORT_DOWN]	= { "port-down", "port_down" },
	[KN_DROP_A_TOO_BIG]	= { "too-big", "too_big" },
	[KN_DROP_A_NO_DEST]	= { "no-dest", "no_dest" },
	[KN_DROP_A_NOMEM]	= { "nomem", "nomem" },
	[KN_DROP_A_RUNT]	= { "runt", "runt" },
	[KN_DROP_A_NO_NODE]	= { "no-node", "no_node" },
	[KN_DROP_A_NO_OVERLAY]	= { "no-overlay", "no_overlay" },
	[KN_DROP_A_UNDERLAY]	= { "underlay", "underlay" },
	[KN_DROP_A_VXLAN_SHORT]	= { "vxlan-short", "vxlan_short" },
	[KN_DROP_A_VXLAN_FLAGS]	= { "vxlan-flags", "vxlan_flags" },
	[KN_DROP_A_VXLAN_VNI]	= { "vxlan-vni", "vxlan_vni" },
	[KN_DROP_A_VXLAN_INNER]	= { "vxlan-inner", "vxlan_inner" },
};

const char *kn_drop_reason_name(unsigned int type)
{
	return type <= KN_DROP_A_MAX ? drop_reasons[type].name : NULL;
}

const char *kn_drop_reason_key(unsigned int type)
{
	return type <= KN_DROP_A_MAX ? drop_reasons[type].key : NULL;
}

int kn_link_parse_reply(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *stats_tb[KN_LINK_STATS_A_MAX + 1];
	const struct nlattr *drops_tb[KN_DROP_A_MAX + 1];
	const struct nlattr *link_tb[KN_LINK_A_MAX + 1];
	const struct nlattr *tb[KN_A_MAX + 1];
	struct kn_link_info *info = data;
	unsigned int type;
	int err;

	err = kn_genl_parse_attrs(nlh, top_policy, KN_A_MAX, tb);
	if (err)
		return err;
	if (!tb[KN_A_IFINDEX] || !tb[KN_A_IFNAME] || !tb[KN_A_LINK] || !tb[KN_A_LINK_STATS])
		return -EBADMSG;
	err = kn_genl_parse_nested(tb[KN_A_LINK], link_policy, KN_LINK_A_MAX, link_tb);
	if (err)
		return err;
	err = kn_genl_parse_nested(tb[KN_A_LINK_STATS], stats_policy, KN_LINK_STATS_A_MAX,
				   stats_tb);
	if (err)
		return err;
	/* The contract says every setting and counter is present. */
	if (!link_tb[KN_LINK_A_AGEING_TIME_MS] || !link_tb[KN_LINK_A_FDB_MAX] ||
	    !stats_tb[KN_LINK_STATS_A_PORTS] || !stats_tb[KN_LINK_STATS_A_FDB_ENTRIES] ||
	    !stats_tb[KN_LINK_STATS_A_FDB_FULL] || !stats_tb[KN_LINK_STATS_A_FORWARDED] ||
	    !stats_tb[KN_LINK_STATS_A_FLOODED] || !stats_tb[KN_LINK_STATS_A_DROPS])
		return -EBADMSG;
	err = kn_genl_parse_nested(stats_tb[KN_LINK_STATS_A_DROPS], drops_policy,
				   KN_DROP_A_MAX, drops_tb);
	if (err)
		return err;

	memset(info, 0, sizeof(*info));
	info->ifindex = mnl_attr_get_u32(tb[KN_A_IFINDEX]);
	snprintf(info->name, sizeof(info->name), "%s", mnl_attr_get_str(tb[KN_A_IFNAME]));
	info->ageing_time_ms = mnl_attr_get_u32(link_tb[KN_LINK_A_AGEING_TIME_MS]);
	info->fdb_max = mnl_attr_get_u32(link_tb[KN_LINK_A_FDB_MAX]);
	info->ports = mnl_attr_get_u32(stats_tb[KN_LINK_STATS_A_PORTS]);
	info->fdb_entries = mnl_attr_get_u32(stats_tb[KN_LINK_STATS_A_FDB_ENTRIES]);
	info->fdb_full = mnl_attr_get_u64(stats_tb[KN_LINK_STATS_A_FDB_FULL]);
	info->forwarded = mnl_attr_get_u64(stats_tb[KN_LINK_STATS_A_FORWARDED]);
	info->flooded = mnl_attr_get_u64(stats_tb[KN_LINK_STATS_A_FLOODED]);
	if (stats_tb[KN_LINK_STATS_A_ENCAP]) {
		info->has_encap = true;
		info->encap = mnl_attr_get_u64(stats_tb[KN_LINK_STATS_A_ENCAP]);
	}
	if (stats_tb[KN_LINK_STATS_A_DECAP]) {
		info->has_decap = true;
		info->decap = mnl_attr_get_u64(stats_tb[KN_LINK_STATS_A_DECAP]);
	}
	/* A reason an older module does not count is left out, not shown as 0. */
	for (type = KN_DROP_A_PAD + 1; type <= KN_DROP_A_MAX; type++) {
		if (!drops_tb[type])
			continue;
		info->has_drop[type] = true;
		info->drops[type] = mnl_attr_get_u64(drops_tb[type]);
	}
	info->complete = true;
	return 0;
}

void kn_format_seconds(uint32_t ms, char *buf, size_t size)
{
	unsigned int frac = ms % 1000;
	int digits = 3;

	if (!frac) {
		snprintf(buf, size, "%" PRIu32, ms / 1000);
		return;
	}
	while (frac % 10 == 0) {
		frac /= 10;
		digits--;
	}
	snprintf(buf, size, "%" PRIu32 ".%0*u", ms / 1000, digits, frac);
}

/* --- output --- */

static void print_link_json(struct kn_json *json, const void *view)
{
	const struct kn_link_info *info = view;
	unsigned int type;

	kn_json_object_start(json);
	kn_json_kv_uint(json, "ifindex", info->ifindex);
	kn_json_kv_string(json, "name", info->name);
	kn_json_kv_uint(json, "ageing_time_ms", info->ageing_time_ms);
	kn_json_kv_uint(json, "fdb_max", info->fdb_max);
	kn_json_kv_uint(json, "ports", info->ports);
	kn_json_kv_uint(json, "fdb_entries", info->fdb_entries);
	kn_json_kv_uint(json, "fdb_full", info->fdb_full);
	kn_json_kv_uint(json, "forwarded", info->forwarded);
	kn_json_kv_uint(json, "flooded", info->flooded);
	if (info->has_encap)
		kn_json_kv_uint(json, "encap", info->encap);
	if (info->has_decap)
		kn_json_kv_uint(json, "decap", info->decap);
	kn_json_key(json, "drops");
	kn_json_object_start(json);
	for (type = KN_DROP_A_PAD + 1; type <= KN_DROP_A_MAX; type++)
		if (info->has_drop[type])
			kn_json_kv_uint(json, kn_drop_reason_key(type), info->drops[type]);
	kn_json_object_end(json);
	kn_json_object_end(json);
}

static void print_link_text(const void *view)
{
	const struct kn_link_info *info = view;
	char ageing[32];
	unsigned int type;

	kn_format_seconds(info->ageing_time_ms, ageing, sizeof(ageing));
	printf("%" PRIu32 ": %s: ageing %s fdb-max %" PRIu32 "\n",
	       info->ifindex, info->name, ageing, info->fdb_max);
	printf("    ports %" PRIu32 " fdb-entries %" PRIu32 " fdb-full %" PRIu64
	       " forwarded %" PRIu64 " flooded %" PRIu64,
	       info->ports, info->fdb_entries, info->fdb_full, info->forwarded,
	       info->flooded);
	printf("\n");
	/* A line of their own: the line above keeps its form for scripts. */
	if (info->has_encap && info->has_decap)
		printf("    encap %" PRIu64 " decap %" PRIu64 "\n", info->encap, info->decap);
	printf("    drops");
	for (type = KN_DROP_A_PAD + 1; type <= KN_DROP_A_MAX; type++)
		if (info->has_drop[type])
			printf(" %s %" PRIu64, kn_drop_reason_name(type), info->drops[type]);
	printf("\n");
}

/* --- link show --- */

static int collect_kn_dev_cb(const struct nlmsghdr *nlh, void *data)
{
	struct kn_dev_list *list = data;
	struct kn_link link, *grown;

	/* A link this kn-ctl cannot read is not one it can show; skip it. */
	if (kn_rtnl_parse_link(nlh, &link) || strcmp(link.kind, "kn"))
		return 0;
	grown = kn_array_reserve(list->links, &list->capacity, list->count, sizeof(*grown), 8);
	if (!grown)
		return -ENOMEM;
	list->links = grown;
	list->links[list->count++] = link;
	return 0;
}

int kn_ctl_list_kn_devices(const char *what, struct kn_dev_list *list)
{
	struct nlmsghdr *nlh;
	struct kn_nl *nl;
	int err;

	nl = kn_ctl_open_rtnl(what);
	if (!nl)
		return KN_EXIT_FAILURE;
	nlh = kn_nl_msg_start(nl, RTM_GETLINK, NLM_F_DUMP);
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
	/* Counters are no use here and make the replies ten times bigger. */
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	err = kn_nl_talk(nl, nlh, collect_kn_dev_cb, list);
	if (err)
		kn_ctl_fail(nl, err, "%s: listing the devices of this namespace", what);
	kn_ctl_close_rtnl(nl);
	return err ? KN_EXIT_FAILURE : KN_EXIT_OK;
}

void kn_dev_list_free(struct kn_dev_list *list)
{
	free(list->links);
	memset(list, 0, sizeof(*list));
}

void kn_dev_put_name_or_index(struct nlmsghdr *nlh, const char *dev, uint32_t ifindex)
{
	if (dev)
		kn_dev_put_attr(nlh, dev);
	else
		mnl_attr_put_u32(nlh, KN_A_IFINDEX, ifindex);
}

int kn_ctl_show_devices(const struct kn_dev_show *show, const char *dev, bool json_output)
{
	struct kn_dev_list list = { 0 };
	size_t i, wanted, shown = 0;
	char *views = NULL;
	struct kn_genl genl;
	struct kn_json json;
	int status, err;

	status = kn_ctl_connect(&genl);
	if (status)
		return status;
	if (!dev) {
		status = kn_ctl_list_kn_devices(show->what, &list);
		if (status)
			goto out;
	}

	/* Everything is read before anything is printed: no half documents. */
	wanted = dev ? 1 : list.count;
	views = calloc(wanted ? wanted : 1, show->view_size);
	if (!views) {
		status = kn_ctl_fail(NULL, -ENOMEM, "%s", show->what);
		goto out;
	}
	for (i = 0; i < wanted; i++) {
		err = show->fetch(&genl, dev, dev ? 0 : list.links[i].ifindex,
				  views + shown * show->view_size);
		/* Deleted since the listing: it is simply not there any more. */
		if (!dev && err == -ENODEV)
			continue;
		if (err) {
			status = show->fail(&genl, err, dev ? dev : list.links[i].name, !dev);
			goto out;
		}
		shown++;
	}

	if (json_output) {
		kn_json_init(&json, stdout);
		kn_json_array_start(&json);
		for (i = 0; i < shown; i++)
			show->print_json(&json, views + i * show->view_size);
		kn_json_array_end(&json);
		kn_json_finish(&json);
	} else {
		for (i = 0; i < shown; i++) {
			if (i)
				printf("\n");
			show->print_text(views + i * show->view_size);
		}
	}
out:
	free(views);
	kn_dev_list_free(&list);
	kn_genl_close(&genl);
	return status;
}

/* 0, or -errno with the kernel's reason in genl. */
int kn_link_fetch(struct kn_genl *genl, const char *dev, uint32_t ifindex,
		  struct kn_link_info *info)
{
	memset(info, 0, sizeof(*info));
	return kn_ctl_get_dev(genl, KN_CMD_GET_LINK, dev, ifindex, kn_link_parse_reply, info,
			      &info->complete);
}

static int fetch_link(struct kn_genl *genl, const char *dev, uint32_t ifindex, void *info)
{
	return kn_link_fetch(genl, dev, ifindex, info);
}

static int fail_link_show(const struct kn_genl *genl, int err, const char *dev, bool listed)
{
	if (listed)
		return kn_ctl_fail(&genl->nl, err, "link show: kn device %s", dev);
	return kn_ctl_fail(&genl->nl, err, "link show dev %s", dev);
}

static const struct kn_dev_show link_show = {
	.what = "link show",
	.view_size = sizeof(struct kn_link_info),
	.fetch = fetch_link,
	.fail = fail_link_show,
	.print_json = print_link_json,
	.print_text = print_link_text,
};

static int link_show_run(const struct kn_invocation *inv)
{
	return kn_ctl_show_devices(&link_show, inv->args.link_show.dev, inv->json);
}

/* --- link set --- */

static void link_set_put(struct nlmsghdr *nlh, const struct kn_invocation *inv)
{
	kn_link_set_put_attrs(nlh, &inv->args.link_set);
}

static int link_set_run(const struct kn_invocation *inv)
{
	return kn_ctl_run_request(inv, "link set dev %s", inv->args.link_set.dev);
}

static const struct kn_command link_commands[] = {
	{
		.name = "show",
		.synopsis = "[dev KN]",
		.description = "Show the settings and counters of KN, or of every kn device",
		.parse = link_show_parse,
		.run = link_show_run,
	},
	{
		.name = "set",
		.synopsis = "dev KN [ageing SECS] [fdb-max N]",
		.description = "Change the settings given (at least one) of kn device KN",
		.parse = link_set_parse,
		.run = link_set_run,
		.request_cmd = KN_CMD_SET_LINK,
		.put_request = link_set_put,
	},
};

_Static_assert(KN_AGEING_TIME_MS_MIN == 1000 && KN_AGEING_TIME_MS_MAX == 86400000 &&
	       KN_AGEING_TIME_MS_DEFAULT == 300000, "update the ageing help text");

const struct kn_object kn_object_link = {
	.name = "link",
	.description = "kn devices: their settings and counters",
	.help =
	"DESCRIPTION\n"
	"       A kn device is the node's pod bridge, made with 'ip link add kn0\n"
	"       type kn'; ports join it with 'ip link set DEV master kn0'.\n"
	"\n"
	"SETTINGS\n"
	"       ageing SECS\n"
	"              A learned FDB entry not refreshed by a frame for SECS\n"
	"              seconds is removed; up to three decimals.  1 to 86400\n"
	"              (one day).  Default 300.\n"
	"       fdb-max N\n"
	"              Most learned FDB entries, " KN_XSTR(KN_FDB_MAX_MIN) " to "
	KN_XSTR(KN_FDB_MAX_MAX) ".  Default " KN_XSTR(KN_FDB_MAX_DEFAULT) ".\n"
	"              Lowering it removes nothing: new addresses are learned\n"
	"              again once ageing has brought the count under it.\n"
	"\n"
	"OUTPUT\n"
	"       link show prints, per kn device:\n"
	"           IFINDEX: NAME: ageing SECS fdb-max N\n"
	"               ports N fdb-entries N fdb-full N forwarded N flooded N\n"
	"               encap N decap N      (a module with the overlay)\n"
	"               drops REASON N ...\n"
	"       ports        attached ports\n"
	"       fdb-entries  learned FDB entries (the device's own address not counted)\n"
	"       fdb-full     frames whose source was not learned: the FDB was full\n"
	"       forwarded    frames sent out of one known port\n"
	"       flooded      frames flooded to every other port (once per frame)\n"
	"       encap        packets sent to other nodes over the overlay\n"
	"       decap        packets from other nodes handed to the host's stack\n"
	"       drops        frames dropped, by reason:\n"
	"           link-down    arrived on a port while the kn device was down\n"
	"           bad-src      multicast or all-zero source address\n"
	"           own-src      source is the kn device's own address\n"
	"           hairpin      destination is on the port the frame came in on\n"
	"           port-down    destination port is down\n"
	"           too-big      longer than the egress port's MTU\n"
	"           no-dest      no other port is up\n"
	"           nomem        no memory to copy or unshare the frame\n"
	"           runt         the host sent less than an Ethernet header\n"
	"           no-node      routed to the kn device, but no node's prefix\n"
	"                        matches (see '" KN_CTL_NAME " node --help')\n"
	"           no-overlay   a node matches, but the device has no overlay\n"
	"           underlay     no underlay route to the node, or it loops back\n"
	"                        through the kn device\n"
	"           vxlan-short  received: shorter than VXLAN + Ethernet headers\n"
	"           vxlan-flags  received: I flag clear or reserved bits set\n"
	"           vxlan-vni    received: a VNI other than the overlay's\n"
	"           vxlan-inner  received: the inner frame is not IPv4 unicast\n"
	"                        from a valid source address\n"
	"\n"
	"       -j prints an array, one object per kn device:\n"
	"       [{\"ifindex\":N,\"name\":\"kn0\",\"ageing_time_ms\":N,\"fdb_max\":N,\"ports\":N,\n"
	"         \"fdb_entries\":N,\"fdb_full\":N,\"forwarded\":N,\"flooded\":N,\n"
	"         \"encap\":N,\"decap\":N,\n"
	"         \"drops\":{\"link_down\":N,\"bad_src\":N,...}}]\n"
	"\n"
	"NOTES\n"
	"       A set request is applied whole or not at all.  Changing settings\n"
	"       needs CAP_NET_ADMIN.  A device that is not a kn device is refused\n"
	"       with the kernel's reason.\n",
	.commands = link_commands,
	.n_commands = ARRAY_SIZE(link_commands),
};
