// SPDX-License-Identifier: GPL-2.0
/*
 * kn-ctl status: the module's version, the namespace it acts on, and how
 * many objects of each kind it holds there (KN_CMD_GET_STATUS).
 */

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "uapi/kn.h"
#include "json.h"
#include "kn-ctl.h"

static const enum mnl_attr_data_type top_policy[KN_A_MAX + 1] = {
	[KN_A_VERSION]	= MNL_TYPE_NUL_STRING,
	[KN_A_STATUS]	= MNL_TYPE_NESTED,
};

/* KN_STATUS_A_PAD has no entry: it only aligns the u64 and is skipped. */
static const enum mnl_attr_data_type status_policy[KN_STATUS_A_MAX + 1] = {
	[KN_STATUS_A_NETNS_COOKIE]	= MNL_TYPE_U64,
	[KN_STATUS_A_LINKS]		= MNL_TYPE_U32,
};

int kn_status_parse_reply(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *status_tb[KN_STATUS_A_MAX + 1];
	const struct nlattr *tb[KN_A_MAX + 1];
	struct kn_status *status = data;
	int err;

	err = kn_genl_parse_attrs(nlh, top_policy, KN_A_MAX, tb);
	if (err)
		return err;
	if (tb[KN_A_VERSION])
		snprintf(status->version, sizeof(status->version), "%s",
			 mnl_attr_get_str(tb[KN_A_VERSION]));
	if (!tb[KN_A_STATUS])
		return 0;

	err = kn_genl_parse_nested(tb[KN_A_STATUS], status_policy,
				   KN_STATUS_A_MAX, status_tb);
	if (err)
		return err;
	if (status_tb[KN_STATUS_A_NETNS_COOKIE]) {
		status->has_netns_cookie = true;
		status->netns_cookie = mnl_attr_get_u64(status_tb[KN_STATUS_A_NETNS_COOKIE]);
	}
	if (status_tb[KN_STATUS_A_LINKS]) {
		status->has_links = true;
		status->links = mnl_attr_get_u32(status_tb[KN_STATUS_A_LINKS]);
	}
	return 0;
}

int kn_status_fetch(struct kn_genl *genl, struct kn_status *status)
{
	struct nlmsghdr *nlh;

	memset(status, 0, sizeof(*status));
	/* The contract promises KN_A_VERSION; say so plainly if it is missing. */
	snprintf(status->version, sizeof(status->version), "unknown");
	nlh = kn_genl_msg_start(genl, KN_CMD_GET_STATUS, 0);
	return kn_genl_talk(genl, nlh, kn_status_parse_reply, status);
}

static void print_status_json(const struct kn_status *status)
{
	struct kn_json json;

	kn_json_init(&json, stdout);
	kn_json_object_start(&json);
	kn_json_kv_string(&json, "version", status->version);
	if (status->has_netns_cookie)
		kn_json_kv_uint(&json, "netns_cookie", status->netns_cookie);
	if (status->has_links)
		kn_json_kv_uint(&json, "links", status->links);
	kn_json_object_end(&json);
	kn_json_finish(&json);
}

static void print_status_text(const struct kn_status *status)
{
	printf("version:      %s\n", status->version);
	if (status->has_netns_cookie)
		printf("netns cookie: %" PRIu64 "\n", status->netns_cookie);
	if (status->has_links)
		printf("links:        %" PRIu32 "\n", status->links);
}

static int status_run(const struct kn_invocation *inv)
{
	struct kn_status status;
	struct kn_genl genl;
	int err;

	err = kn_ctl_connect(&genl);
	if (err)
		return err;
	err = kn_status_fetch(&genl, &status);
	if (err) {
		kn_ctl_report_error(&genl, err);
		kn_genl_close(&genl);
		return KN_EXIT_FAILURE;
	}
	kn_genl_close(&genl);

	if (inv->json)
		print_status_json(&status);
	else
		print_status_text(&status);
	return KN_EXIT_OK;
}

static const struct kn_command status_commands[] = {
	{
		.description = "Show the module version, the netns cookie and object counts",
		.run = status_run,
	},
};

const struct kn_object kn_object_status = {
	.name = "status",
	.description = "the state of kn in this network namespace",
	.help =
	"OUTPUT\n"
	"       version        the loaded kn module's version\n"
	"       netns cookie   identifies the network namespace the request acted on\n"
	"       links          kn devices in that namespace\n"
	"\n"
	"       With -j: {\"version\":\"V\",\"netns_cookie\":N,\"links\":N}\n",
	.commands = status_commands,
	.n_commands = ARRAY_SIZE(status_commands),
};
