// SPDX-License-Identifier: GPL-2.0
/*
 * kn-ctl overlay: the VXLAN overlay of kn devices (KN_CMD_GET_OVERLAY,
 * KN_CMD_SET_OVERLAY, KN_CMD_DEL_OVERLAY).
 *
 * "overlay show" without a device shows every kn device of the namespace,
 * found over rtnetlink as "link show" finds them; a device without an
 * overlay shows as such.  Next to the settings it prints the overlay's
 * counters, which KN_CMD_GET_LINK carries (encap, decap, and the drop
 * reasons of the overlay).
 *
 * The text form uses the words "overlay set" takes ("local 192.168.0.1
 * port 8472 vni 1"), so a line can be replayed.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "uapi/kn.h"
#include "json.h"
#include "kn-ctl.h"

/* The drop reasons "overlay show" prints; "link show" prints them all. */
static const unsigned int overlay_drops[] = {
	KN_DROP_A_NO_NODE,
	KN_DROP_A_NO_OVERLAY,
	KN_DROP_A_UNDERLAY,
	KN_DROP_A_VXLAN_SHORT,
	KN_DROP_A_VXLAN_FLAGS,
	KN_DROP_A_VXLAN_VNI,
	KN_DROP_A_VXLAN_INNER,
};

bool kn_drop_reason_is_overlay(unsigned int type)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(overlay_drops); i++)
		if (overlay_drops[i] == type)
			return true;
	return false;
}

/* --- arguments --- */

/* overlay show [dev KN] */
static int overlay_show_parse(struct kn_invocation *inv, int argc, char **argv)
{
	return kn_ctl_parse_optional_dev(inv, "overlay show", argc, argv,
					 &inv->args.overlay_show.dev);
}

/* overlay del dev KN */
static int overlay_del_parse(struct kn_invocation *inv, int argc, char **argv)
{
	return kn_ctl_parse_required_dev(inv, "overlay del", argc, argv,
					 &inv->args.overlay_del.dev);
}

/*
 * overlay set dev KN [local A.B.C.D] [port N] [vni N], in any order.  What
 * is wrong on its face is refused here: an address that is not unicast,
 * port 0, a VNI wider than 24 bits.  Whether local may be left out (only
 * when the device has an overlay already) is the module's to say.
 */
static int overlay_set_parse(struct kn_invocation *inv, int argc, char **argv)
{
	struct kn_overlay_set_args *args = &inv->args.overlay_set;
	const char *key, *value;
	int i, err;

	for (i = 0; i < argc; i += 2) {
		key = argv[i];
		if (strcmp(key, "dev") && strcmp(key, "local") && strcmp(key, "port") &&
		    strcmp(key, "vni"))
			return kn_ctl_usage_error(inv, "overlay set: unknown argument '%s'", key);
		if (i + 1 >= argc)
			return kn_ctl_usage_error(inv, "overlay set: %s needs a value", key);
		value = argv[i + 1];

		if (!strcmp(key, "dev")) {
			err = kn_ctl_parse_dev(inv, "overlay set", &args->dev, value);
			if (err)
				return err;
		} else if (!strcmp(key, "local")) {
			if (args->has_local)
				return kn_ctl_usage_error(inv, "overlay set: local is given twice");
			if (kn_parse_ipv4(value, &args->local))
				return kn_ctl_usage_error(inv,
					"overlay set: local '%s' is not an IPv4 address A.B.C.D", value);
			if (!kn_ipv4_unicast(args->local))
				return kn_ctl_usage_error(inv,
					"overlay set: local '%s' is not a unicast address", value);
			args->has_local = true;
		} else if (!strcmp(key, "port")) {
			if (args->has_port)
				return kn_ctl_usage_error(inv, "overlay set: port is given twice");
			switch (kn_parse_port(value, &args->port)) {
			case 0:
				break;
			case -ERANGE:
				return kn_ctl_usage_error(inv,
					"overlay set: port '%s' is outside 1 to 65535", value);
			default:
				return kn_ctl_usage_error(inv,
					"overlay set: port '%s' is not a number", value);
			}
			args->has_port = true;
		} else {
			if (args->has_vni)
				return kn_ctl_usage_error(inv, "overlay set: vni is given twice");
			switch (kn_parse_u32(value, 0, KN_VNI_MAX, &args->vni)) {
			case 0:
				break;
			case -ERANGE:
				return kn_ctl_usage_error(inv,
					"overlay set: vni '%s' is outside 0 to %u", value, KN_VNI_MAX);
			default:
				return kn_ctl_usage_error(inv,
					"overlay set: vni '%s' is not a number", value);
			}
			args->has_vni = true;
		}
	}
	if (!args->dev)
		return kn_ctl_usage_error(inv, "overlay set: dev KN is required");
	if (!args->has_local && !args->has_port && !args->has_vni)
		return kn_ctl_usage_error(inv,
			"overlay set: give at least one setting (local, port, vni)");
	return 0;
}

/* --- requests and replies --- */

void kn_overlay_set_put_attrs(struct nlmsghdr *nlh, const struct kn_overlay_set_args *args)
{
	struct nlattr *nest;

	kn_dev_put_attr(nlh, args->dev);
	nest = mnl_attr_nest_start(nlh, KN_A_OVERLAY);
	/* Already big-endian, as the be32 attribute wants it. */
	if (args->has_local)
		mnl_attr_put_u32(nlh, KN_OVERLAY_A_LOCAL, args->local.s_addr);
	if (args->has_port)
		mnl_attr_put_u16(nlh, KN_OVERLAY_A_PORT, args->port);
	if (args->has_vni)
		mnl_attr_put_u32(nlh, KN_OVERLAY_A_VNI, args->vni);
	mnl_attr_nest_end(nlh, nest);
}

static const enum mnl_attr_data_type top_policy[KN_A_MAX + 1] = {
	[KN_A_IFINDEX]	= MNL_TYPE_U32,
	[KN_A_IFNAME]	= MNL_TYPE_NUL_STRING,
	[KN_A_OVERLAY]	= MNL_TYPE_NESTED,
};

static const enum mnl_attr_data_type overlay_policy[KN_OVERLAY_A_MAX + 1] = {
	[KN_OVERLAY_A_LOCAL]	= MNL_TYPE_U32,
	[KN_OVERLAY_A_PORT]	= MNL_TYPE_U16,
	[KN_OVERLAY_A_VNI]	= MNL_TYPE_U32,
};

int kn_overlay_parse_reply(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *overlay_tb[KN_OVERLAY_A_MAX + 1];
	const struct nlattr *tb[KN_A_MAX + 1];
	struct kn_overlay_info *info = data;
	unsigned int type;
	int err;

	err = kn_genl_parse_attrs(nlh, top_policy, KN_A_MAX, tb);
	if (err)
		return err;
	if (!tb[KN_A_IFINDEX] || !tb[KN_A_IFNAME])
		return -EBADMSG;
	if (tb[KN_A_OVERLAY]) {
		err = kn_genl_parse_nested(tb[KN_A_OVERLAY], overlay_policy,
					   KN_OVERLAY_A_MAX, overlay_tb);
		if (err)
			return err;
		/* The contract says every setting is present. */
		for (type = KN_OVERLAY_A_UNSPEC + 1; type <= KN_OVERLAY_A_MAX; type++)
			if (!overlay_tb[type])
				return -EBADMSG;
	}

	memset(info, 0, sizeof(*info));
	info->ifindex = mnl_attr_get_u32(tb[KN_A_IFINDEX]);
	snprintf(info->name, sizeof(info->name), "%s", mnl_attr_get_str(tb[KN_A_IFNAME]));
	if (tb[KN_A_OVERLAY]) {
		info->has_overlay = true;
		info->local.s_addr = mnl_attr_get_u32(overlay_tb[KN_OVERLAY_A_LOCAL]);
		info->port = mnl_attr_get_u16(overlay_tb[KN_OVERLAY_A_PORT]);
		info->vni = mnl_attr_get_u32(overlay_tb[KN_OVERLAY_A_VNI]);
	}
	info->complete = true;
	return 0;
}

/* --- output --- */

/* What "overlay show" prints about one device. */
struct overlay_view {
	struct kn_overlay_info overlay;
	struct kn_link_info link;
};

static void print_overlay_json(struct kn_json *json, const void *data)
{
	const struct overlay_view *view = data;
	const struct kn_overlay_info *overlay = &view->overlay;
	const struct kn_link_info *link = &view->link;
	char local[INET_ADDRSTRLEN];
	size_t i;

	kn_json_object_start(json);
	kn_json_kv_uint(json, "ifindex", overlay->ifindex);
	kn_json_kv_string(json, "dev", overlay->name);
	kn_json_key(json, "overlay");
	if (overlay->has_overlay) {
		inet_ntop(AF_INET, &overlay->local, local, sizeof(local));
		kn_json_object_start(json);
		kn_json_kv_string(json, "local", local);
		kn_json_kv_uint(json, "port", overlay->port);
		kn_json_kv_uint(json, "vni", overlay->vni);
		kn_json_object_end(json);
	} else {
		kn_json_null(json);
	}
	if (link->has_encap)
		kn_json_kv_uint(json, "encap", link->encap);
	if (link->has_decap)
		kn_json_kv_uint(json, "decap", link->decap);
	kn_json_key(json, "drops");
	kn_json_object_start(json);
	for (i = 0; i < ARRAY_SIZE(overlay_drops); i++)
		if (link->has_drop[overlay_drops[i]])
			kn_json_kv_uint(json, kn_drop_reason_key(overlay_drops[i]),
					link->drops[overlay_drops[i]]);
	kn_json_object_end(json);
	kn_json_object_end(json);
}

static void print_overlay_text(const void *data)
{
	const struct overlay_view *view = data;
	const struct kn_overlay_info *overlay = &view->overlay;
	const struct kn_link_info *link = &view->link;
	char local[INET_ADDRSTRLEN];
	const char *sep = "";
	size_t i;

	printf("%" PRIu32 ": %s: ", overlay->ifindex, overlay->name);
	if (overlay->has_overlay) {
		inet_ntop(AF_INET, &overlay->local, local, sizeof(local));
		printf("local %s port %u vni %" PRIu32 "\n", local, overlay->port, overlay->vni);
	} else {
		printf("no overlay\n");
	}
	if (link->has_encap || link->has_decap) {
		printf("    ");
		if (link->has_encap) {
			printf("encap %" PRIu64, link->encap);
			sep = " ";
		}
		if (link->has_decap)
			printf("%sdecap %" PRIu64, sep, link->decap);
		printf("\n");
	}
	printf("    drops");
	for (i = 0; i < ARRAY_SIZE(overlay_drops); i++)
		if (link->has_drop[overlay_drops[i]])
			printf(" %s %" PRIu64, kn_drop_reason_name(overlay_drops[i]),
			       link->drops[overlay_drops[i]]);
	printf("\n");
}

/* --- overlay show --- */

/* 0, or -errno with the kernel's reason in genl. */
static int fetch_overlay(struct kn_genl *genl, const char *dev, uint32_t ifindex, void *data)
{
	struct overlay_view *view = data;
	int err;

	memset(view, 0, sizeof(*view));
	err = kn_ctl_get_dev(genl, KN_CMD_GET_OVERLAY, dev, ifindex, kn_overlay_parse_reply,
			     &view->overlay, &view->overlay.complete);
	if (err)
		return err;
	/* The counters, by the index just read: the same device. */
	return kn_link_fetch(genl, NULL, view->overlay.ifindex, &view->link);
}

static int fail_overlay_show(const struct kn_genl *genl, int err, const char *dev,
			     bool listed __attribute__((unused)))
{
	return kn_ctl_fail(&genl->nl, err, "overlay show dev %s", dev);
}

static const struct kn_dev_show overlay_show = {
	.what = "overlay show",
	.view_size = sizeof(struct overlay_view),
	.fetch = fetch_overlay,
	.fail = fail_overlay_show,
	.print_json = print_overlay_json,
	.print_text = print_overlay_text,
};

static int overlay_show_run(const struct kn_invocation *inv)
{
	return kn_ctl_show_devices(&overlay_show, inv->args.overlay_show.dev, inv->json);
}

/* --- overlay set, overlay del --- */

static void overlay_set_put(struct nlmsghdr *nlh, const struct kn_invocation *inv)
{
	kn_overlay_set_put_attrs(nlh, &inv->args.overlay_set);
}

static int overlay_set_run(const struct kn_invocation *inv)
{
	return kn_ctl_run_request(inv, "overlay set dev %s", inv->args.overlay_set.dev);
}

static void overlay_del_put(struct nlmsghdr *nlh, const struct kn_invocation *inv)
{
	kn_dev_put_attr(nlh, inv->args.overlay_del.dev);
}

static int overlay_del_run(const struct kn_invocation *inv)
{
	return kn_ctl_run_request(inv, "overlay del dev %s", inv->args.overlay_del.dev);
}

static const struct kn_command overlay_commands[] = {
	{
		.name = "show",
		.synopsis = "[dev KN]",
		.description = "Show the overlay and its counters of KN, or of every kn device",
		.parse = overlay_show_parse,
		.run = overlay_show_run,
	},
	{
		.name = "set",
		.synopsis = "dev KN [local A.B.C.D] [port N] [vni N]",
		.description = "Give KN an overlay, or change the settings given of its overlay",
		.parse = overlay_set_parse,
		.run = overlay_set_run,
		.request_cmd = KN_CMD_SET_OVERLAY,
		.put_request = overlay_set_put,
	},
	{
		.name = "del",
		.synopsis = "dev KN",
		.description = "Remove the overlay of KN (its node table stays)",
		.parse = overlay_del_parse,
		.run = overlay_del_run,
		.request_cmd = KN_CMD_DEL_OVERLAY,
		.put_request = overlay_del_put,
	},
};

_Static_assert(KN_VNI_MAX == 16777215, "update the vni help text");

const struct kn_object kn_object_overlay = {
	.name = "overlay",
	.description = "the VXLAN overlay between nodes of a kn device",
	.help =
	"DESCRIPTION\n"
	"       With an overlay, a kn device carries what the host routes\n"
	"       through it towards another node's pod subnet to that node in\n"
	"       VXLAN over UDP (RFC 7348, the wire format of Linux's vxlan and\n"
	"       flannel), and hands what arrives on its UDP port up the host's\n"
	"       stack.  Which node has which pod subnet is the node table\n"
	"       ('" KN_CTL_NAME " node --help').\n"
	"\n"
	"SETTINGS\n"
	"       local A.B.C.D\n"
	"              This node's underlay address (the VTEP), the source of\n"
	"              every encapsulated packet.  Required when the device\n"
	"              has no overlay yet.\n"
	"       port N\n"
	"              The UDP port kn listens on and sends to, 1 to 65535.\n"
	"              Default " KN_XSTR(KN_OVERLAY_PORT_DEFAULT) " (flannel's); IANA's 4789 works too.  Two\n"
	"              kn devices of a namespace cannot share a port.\n"
	"       vni N\n"
	"              The VXLAN network identifier sent, and the only one\n"
	"              accepted, 0 to 16777215.  Default " KN_XSTR(KN_VNI_DEFAULT) ".\n"
	"\n"
	"       Settings not given keep their value (or their default).\n"
	"\n"
	"OUTPUT\n"
	"       overlay show prints, per kn device:\n"
	"           IFINDEX: NAME: local A.B.C.D port N vni N   (or: no overlay)\n"
	"               encap N decap N\n"
	"               drops REASON N ...\n"
	"       encap        packets sent to other nodes\n"
	"       decap        packets from other nodes handed to the host's stack\n"
	"       drops        the overlay's drop reasons, described in\n"
	"                    '" KN_CTL_NAME " link --help'\n"
	"\n"
	"       -j prints an array, one object per kn device, \"overlay\" being\n"
	"       null for a device without one:\n"
	"       [{\"ifindex\":N,\"dev\":\"kn0\",\"overlay\":{\"local\":\"A.B.C.D\",\"port\":N,\"vni\":N},\n"
	"         \"encap\":N,\"decap\":N,\"drops\":{\"no_node\":N,...}}]\n"
	"\n"
	"NOTES\n"
	"       A set request is applied whole or not at all.  Changing the\n"
	"       overlay needs CAP_NET_ADMIN.  The overlay's packets need room for\n"
	"       50 bytes of headers: pods' MTU is 1450 on a 1500-byte underlay.\n",
	.commands = overlay_commands,
	.n_commands = ARRAY_SIZE(overlay_commands),
};
