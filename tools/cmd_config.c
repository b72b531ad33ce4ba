// SPDX-License-Identifier: GPL-2.0
/*
 * kn-ctl config: the datapath settings of this network namespace
 * (KN_CMD_GET_SETTINGS, KN_CMD_SET_SETTINGS).
 *
 * "config show" prints one "NAME VALUE" line per setting, the same words
 * "config set" takes, so the output can be saved and replayed.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "uapi/kn.h"
#include "json.h"
#include "kn-ctl.h"

/*
 * Client-side checks stop only what is malformed on its face: not a CIDR,
 * host bits set, a port outside 1..65535, MIN > MAX, a number too big for
 * its attribute.  Policy limits, such as the bounds of conntrack-max, are the
 * kernel's to enforce and explain; the module may change them.
 */

/*
 * Each setting's parser fills its part of the request, or returns -EINVAL
 * with the end of a sentence in why: "config set: NAME 'VALUE' <why>".
 */
struct setting_parser {
	const char *name;
	/* Where the parser records that the setting was given. */
	size_t given_offset;
	int (*parse)(struct kn_config_set_args *args, const char *value,
		     char *why, size_t why_size);
};

static int parse_cluster_cidr(struct kn_config_set_args *args, const char *value,
			      char *why, size_t why_size)
{
	char network[INET_ADDRSTRLEN];
	struct kn_cidr masked;

	switch (kn_parse_cidr(value, &args->cluster_cidr)) {
	case 0:
		args->has_cluster_cidr = true;
		return 0;
	case -ERANGE:
		snprintf(why, why_size, "has a prefix length outside 0 to 32");
		break;
	case -EDOM:
		masked = kn_cidr_network(&args->cluster_cidr);
		inet_ntop(AF_INET, &masked.addr, network, sizeof(network));
		snprintf(why, why_size, "has host bits set (did you mean %s/%u?)",
			 network, masked.prefix_len);
		break;
	default:
		snprintf(why, why_size, "is not an IPv4 prefix A.B.C.D/N");
		break;
	}
	return -EINVAL;
}

/* MIN-MAX into *range; -EINVAL and why otherwise. */
static int parse_range(struct kn_port_range *range, const char *value,
		       char *why, size_t why_size)
{
	switch (kn_parse_port_range(value, range)) {
	case 0:
		return 0;
	case -ERANGE:
		snprintf(why, why_size, "has a port outside 1 to 65535");
		break;
	case -EDOM:
		snprintf(why, why_size, "has MIN greater than MAX");
		break;
	default:
		snprintf(why, why_size, "is not a port range MIN-MAX");
		break;
	}
	return -EINVAL;
}

static int parse_nodeport_range(struct kn_config_set_args *args, const char *value,
				char *why, size_t why_size)
{
	int err = parse_range(&args->nodeport_range, value, why, why_size);

	args->has_nodeport_range = !err;
	return err;
}

static int parse_snat_port_range(struct kn_config_set_args *args, const char *value,
				 char *why, size_t why_size)
{
	int err = parse_range(&args->snat_port_range, value, why, why_size);

	args->has_snat_port_range = !err;
	return err;
}

static int parse_masquerade(struct kn_config_set_args *args, const char *value,
			    char *why, size_t why_size)
{
	if (!strcmp(value, "on")) {
		args->masquerade = true;
	} else if (!strcmp(value, "off")) {
		args->masquerade = false;
	} else {
		snprintf(why, why_size, "is not on or off");
		return -EINVAL;
	}
	args->has_masquerade = true;
	return 0;
}

static int parse_conntrack_max(struct kn_config_set_args *args, const char *value,
			       char *why, size_t why_size)
{
	switch (kn_parse_u32(value, 0, UINT32_MAX, &args->conntrack_max)) {
	case 0:
		args->has_conntrack_max = true;
		return 0;
	case -ERANGE:
		snprintf(why, why_size, "is too large");
		break;
	default:
		snprintf(why, why_size, "is not a number");
		break;
	}
	return -EINVAL;
}

#define SETTING(name, field, parse) \
	{ name, offsetof(struct kn_config_set_args, has_##field), parse }

static const struct setting_parser setting_parsers[] = {
	SETTING("cluster-cidr",		cluster_cidr,	parse_cluster_cidr),
	SETTING("nodeport-range",	nodeport_range,	parse_nodeport_range),
	SETTING("conntrack-max",	conntrack_max,	parse_conntrack_max),
	SETTING("snat-port-range",	snat_port_range, parse_snat_port_range),
	SETTING("masquerade",		masquerade,	parse_masquerade),
};

/* Has this setting already been given on this command line? */
static bool setting_given(const struct kn_config_set_args *args,
			  const struct setting_parser *setting)
{
	return *(const bool *)((const char *)args + setting->given_offset);
}

static const struct setting_parser *find_setting(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(setting_parsers); i++)
		if (!strcmp(name, setting_parsers[i].name))
			return &setting_parsers[i];
	return NULL;
}

static int config_set_parse(struct kn_invocation *inv, int argc, char **argv)
{
	struct kn_config_set_args *args = &inv->args.config_set;
	const struct setting_parser *setting;
	char why[128];
	int i;

	if (!argc)
		return kn_ctl_usage_error(inv,
			"config set: give at least one setting (cluster-cidr, nodeport-range, conntrack-max, "
			"snat-port-range, masquerade)");

	for (i = 0; i < argc; i += 2) {
		setting = find_setting(argv[i]);
		if (!setting)
			return kn_ctl_usage_error(inv, "config set: unknown setting '%s'", argv[i]);
		if (i + 1 >= argc)
			return kn_ctl_usage_error(inv, "config set: %s needs a value", argv[i]);
		/* Which one should win would be a guess; refuse instead. */
		if (setting_given(args, setting))
			return kn_ctl_usage_error(inv, "config set: %s is given twice", argv[i]);
		if (setting->parse(args, argv[i + 1], why, sizeof(why)))
			return kn_ctl_usage_error(inv, "config set: %s '%s' %s",
						  setting->name, argv[i + 1], why);
	}
	return 0;
}

void kn_config_set_put_attrs(struct nlmsghdr *nlh,
			     const struct kn_config_set_args *args)
{
	struct nlattr *nest;

	nest = mnl_attr_nest_start(nlh, KN_A_SETTINGS);
	if (args->has_cluster_cidr) {
		/* Already big-endian, as the be32 attribute wants it. */
		mnl_attr_put_u32(nlh, KN_SETTING_A_CLUSTER_CIDR_ADDR,
				 args->cluster_cidr.addr.s_addr);
		mnl_attr_put_u8(nlh, KN_SETTING_A_CLUSTER_CIDR_PREFIX,
				args->cluster_cidr.prefix_len);
	}
	if (args->has_nodeport_range) {
		mnl_attr_put_u16(nlh, KN_SETTING_A_NODEPORT_MIN, args->nodeport_range.min);
		mnl_attr_put_u16(nlh, KN_SETTING_A_NODEPORT_MAX, args->nodeport_range.max);
	}
	if (args->has_conntrack_max)
		mnl_attr_put_u32(nlh, KN_SETTING_A_CONNTRACK_MAX, args->conntrack_max);
	if (args->has_snat_port_range) {
		mnl_attr_put_u16(nlh, KN_SETTING_A_SNAT_PORT_MIN, args->snat_port_range.min);
		mnl_attr_put_u16(nlh, KN_SETTING_A_SNAT_PORT_MAX, args->snat_port_range.max);
	}
	if (args->has_masquerade)
		mnl_attr_put_u8(nlh, KN_SETTING_A_MASQUERADE, args->masquerade);
	mnl_attr_nest_end(nlh, nest);
}

static void config_set_put(struct nlmsghdr *nlh, const struct kn_invocation *inv)
{
	kn_config_set_put_attrs(nlh, &inv->args.config_set);
}

static int config_set_run(const struct kn_invocation *inv)
{
	return kn_ctl_run_request(inv, "config set");
}

static const enum mnl_attr_data_type top_policy[KN_A_MAX + 1] = {
	[KN_A_SETTINGS]	= MNL_TYPE_NESTED,
};

static const enum mnl_attr_data_type settings_policy[KN_SETTING_A_MAX + 1] = {
	[KN_SETTING_A_CLUSTER_CIDR_ADDR]	= MNL_TYPE_U32,
	[KN_SETTING_A_CLUSTER_CIDR_PREFIX]	= MNL_TYPE_U8,
	[KN_SETTING_A_NODEPORT_MIN]		= MNL_TYPE_U16,
	[KN_SETTING_A_NODEPORT_MAX]		= MNL_TYPE_U16,
	[KN_SETTING_A_CONNTRACK_MAX]		= MNL_TYPE_U32,
	[KN_SETTING_A_SNAT_PORT_MIN]		= MNL_TYPE_U16,
	[KN_SETTING_A_SNAT_PORT_MAX]		= MNL_TYPE_U16,
	[KN_SETTING_A_MASQUERADE]		= MNL_TYPE_U8,
};

int kn_settings_parse_reply(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[KN_SETTING_A_MAX + 1];
	const struct nlattr *top_tb[KN_A_MAX + 1];
	struct kn_settings *settings = data;
	unsigned int type;
	int err;

	err = kn_genl_parse_attrs(nlh, top_policy, KN_A_MAX, top_tb);
	if (err)
		return err;
	if (!top_tb[KN_A_SETTINGS])
		return -EBADMSG;
	err = kn_genl_parse_nested(top_tb[KN_A_SETTINGS], settings_policy,
				   KN_SETTING_A_MAX, tb);
	if (err)
		return err;

	/* The contract says every setting is present; hold the module to it. */
	for (type = KN_SETTING_A_UNSPEC + 1; type <= KN_SETTING_A_MAX; type++)
		if (!tb[type])
			return -EBADMSG;

	settings->cluster_cidr.addr.s_addr = mnl_attr_get_u32(tb[KN_SETTING_A_CLUSTER_CIDR_ADDR]);
	settings->cluster_cidr.prefix_len = mnl_attr_get_u8(tb[KN_SETTING_A_CLUSTER_CIDR_PREFIX]);
	settings->nodeport_range.min = mnl_attr_get_u16(tb[KN_SETTING_A_NODEPORT_MIN]);
	settings->nodeport_range.max = mnl_attr_get_u16(tb[KN_SETTING_A_NODEPORT_MAX]);
	settings->conntrack_max = mnl_attr_get_u32(tb[KN_SETTING_A_CONNTRACK_MAX]);
	settings->snat_port_range.min = mnl_attr_get_u16(tb[KN_SETTING_A_SNAT_PORT_MIN]);
	settings->snat_port_range.max = mnl_attr_get_u16(tb[KN_SETTING_A_SNAT_PORT_MAX]);
	settings->masquerade = mnl_attr_get_u8(tb[KN_SETTING_A_MASQUERADE]);
	settings->complete = true;
	return 0;
}

/* Room for "65535-65535". */
#define RANGE_STRLEN	sizeof("65535-65535")

static void format_range(const struct kn_port_range *range, char buf[RANGE_STRLEN])
{
	snprintf(buf, RANGE_STRLEN, "%u-%u", range->min, range->max);
}

/*
 * The JSON form mirrors the text form: the same names ('_' for '-', as JSON
 * keys usually are), the values as "config set" takes them (masquerade a
 * boolean), so a script can replay either.
 */
void kn_settings_print(FILE *out, const struct kn_settings *settings, bool json_output)
{
	char nodeport[RANGE_STRLEN], snat[RANGE_STRLEN];
	char cidr[INET_ADDRSTRLEN + sizeof("/32")];
	char addr[INET_ADDRSTRLEN];
	struct kn_json json;

	inet_ntop(AF_INET, &settings->cluster_cidr.addr, addr, sizeof(addr));
	snprintf(cidr, sizeof(cidr), "%s/%u", addr, settings->cluster_cidr.prefix_len);
	format_range(&settings->nodeport_range, nodeport);
	format_range(&settings->snat_port_range, snat);
	if (!json_output) {
		fprintf(out, "cluster-cidr %s\n", cidr);
		fprintf(out, "nodeport-range %s\n", nodeport);
		fprintf(out, "conntrack-max %u\n", settings->conntrack_max);
		fprintf(out, "snat-port-range %s\n", snat);
		fprintf(out, "masquerade %s\n", settings->masquerade ? "on" : "off");
		return;
	}
	kn_json_init(&json, out);
	kn_json_object_start(&json);
	kn_json_kv_string(&json, "cluster_cidr", cidr);
	kn_json_kv_string(&json, "nodeport_range", nodeport);
	kn_json_kv_uint(&json, "conntrack_max", settings->conntrack_max);
	kn_json_kv_string(&json, "snat_port_range", snat);
	kn_json_key(&json, "masquerade");
	kn_json_bool(&json, settings->masquerade);
	kn_json_object_end(&json);
	kn_json_finish(&json);
}

static int config_show_run(const struct kn_invocation *inv)
{
	struct kn_settings settings = {};
	struct kn_genl genl;
	struct nlmsghdr *nlh;
	int err;

	err = kn_ctl_connect(&genl);
	if (err)
		return err;
	nlh = kn_genl_msg_start(&genl, KN_CMD_GET_SETTINGS, 0);
	err = kn_genl_talk(&genl, nlh, kn_settings_parse_reply, &settings);
	if (!err && !settings.complete)
		err = -EBADMSG;		/* acked, but no settings came */
	if (err) {
		kn_ctl_report_error(&genl, err);
		kn_genl_close(&genl);
		return KN_EXIT_FAILURE;
	}
	kn_genl_close(&genl);
	kn_settings_print(stdout, &settings, inv->json);
	return KN_EXIT_OK;
}

static const struct kn_command config_commands[] = {
	{
		.name = "show",
		.description = "Show every datapath setting",
		.run = config_show_run,
	},
	{
		.name = "set",
		.synopsis = "[cluster-cidr A.B.C.D/N] [nodeport-range MIN-MAX] [conntrack-max N]"
			    " [snat-port-range MIN-MAX] [masquerade on|off]",
		.description = "Change the settings given (at least one); the others keep their value",
		.parse = config_set_parse,
		.run = config_set_run,
		.request_cmd = KN_CMD_SET_SETTINGS,
		.put_request = config_set_put,
	},
};

/* The help text spells out 1U << 24, which the preprocessor cannot. */
_Static_assert(KN_CONNTRACK_MAX_MAX == 16777216, "update the conntrack-max help text");
_Static_assert(KN_SNAT_PORT_MIN_DEFAULT == 61000 && KN_SNAT_PORT_MAX_DEFAULT == 65535,
	       "update the snat-port-range help text");

const struct kn_object kn_object_config = {
	.name = "config",
	.description = "the datapath settings of this network namespace",
	.help =
	"SETTINGS\n"
	"       cluster-cidr A.B.C.D/N\n"
	"              The cluster's Pod CIDR; no host bits may be set.\n"
	"              Default 10.244.0.0/16.\n"
	"       nodeport-range MIN-MAX\n"
	"              The NodePort range, inclusive; 1 <= MIN <= MAX <= 65535.\n"
	"              Default 30000-32767.\n"
	"       conntrack-max N\n"
	"              Most entries in the connection table, "
	KN_XSTR(KN_CONNTRACK_MAX_MIN) " to 16777216.\n"
	"              Default " KN_XSTR(KN_CONNTRACK_MAX_DEFAULT) ".\n"
	"       snat-port-range MIN-MAX\n"
	"              The source ports kn gives the connections whose source it\n"
	"              rewrites (NodePort with policy cluster, masquerade),\n"
	"              inclusive; 1 <= MIN <= MAX <= 65535.  Default 61000-65535:\n"
	"              it must not overlap the node's ip_local_port_range\n"
	"              (32768-60999 by default), as kn does not track the node's\n"
	"              own connections.\n"
	"       masquerade on|off\n"
	"              on: packets from the cluster-cidr to a destination outside\n"
	"              it that leave by a device other than a kn device get that\n"
	"              device's address as their source (flannel's ip-masq).\n"
	"              Default off.\n"
	"\n"
	"OUTPUT\n"
	"       config show prints one \"NAME VALUE\" line per setting, in the\n"
	"       words config set takes.  -j prints the same values, under the\n"
	"       same names with '_' for '-':\n"
	"       {\"cluster_cidr\":\"A.B.C.D/N\",\"nodeport_range\":\"MIN-MAX\",\"conntrack_max\":N,\n"
	"        \"snat_port_range\":\"MIN-MAX\",\"masquerade\":BOOL}\n"
	"\n"
	"NOTES\n"
	"       A set request is applied whole or not at all: if the kernel\n"
	"       rejects one setting, none changes.  Changing settings needs\n"
	"       CAP_NET_ADMIN.\n",
	.commands = config_commands,
	.n_commands = ARRAY_SIZE(config_commands),
};
