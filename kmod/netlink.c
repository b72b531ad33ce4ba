// SPDX-License-Identifier: GPL-2.0
/*
 * The "kn" generic netlink family: the only way userspace configures kn.
 * uapi/kn.h documents every command and attribute.
 */
#include <net/genetlink.h>

#include "uapi/kn.h"
#include "netns.h"
#include "netlink.h"
#include "version.h"

static const struct nla_policy kn_settings_policy[KN_SETTING_A_MAX + 1] = {
	[KN_SETTING_A_CLUSTER_CIDR_ADDR] = { .type = NLA_BE32 },
	[KN_SETTING_A_CLUSTER_CIDR_PREFIX] = NLA_POLICY_MAX(NLA_U8, 32),
	[KN_SETTING_A_NODEPORT_MIN] = NLA_POLICY_MIN(NLA_U16, 1),
	[KN_SETTING_A_NODEPORT_MAX] = NLA_POLICY_MIN(NLA_U16, 1),
	[KN_SETTING_A_CONNTRACK_MAX] = { .type = NLA_U32 },
};

static const struct nla_policy kn_policy[KN_A_MAX + 1] = {
	[KN_A_VERSION] = { .type = NLA_REJECT },
	[KN_A_STATUS] = { .type = NLA_REJECT },
	[KN_A_SETTINGS] = NLA_POLICY_NESTED(kn_settings_policy),
};

static struct genl_family kn_genl_family;

/*
 * Starts a reply to @info; on success the caller fills it and calls
 * genlmsg_end() + genlmsg_reply().
 */
static struct sk_buff *kn_reply_new(struct genl_info *info, void **hdr)
{
	struct sk_buff *skb;

	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!skb)
		return NULL;
	*hdr = genlmsg_put_reply(skb, info, &kn_genl_family, 0,
				 info->genlhdr->cmd);
	if (!*hdr) {
		nlmsg_free(skb);
		return NULL;
	}
	return skb;
}

static int kn_reply_send(struct sk_buff *skb, void *hdr, struct genl_info *info)
{
	genlmsg_end(skb, hdr);
	return genlmsg_reply(skb, info);
}

static int kn_get_status(struct sk_buff *req, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct kn_net *kn = kn_net(net);
	struct nlattr *nest;
	struct sk_buff *skb;
	void *hdr;

	skb = kn_reply_new(info, &hdr);
	if (!skb)
		return -ENOMEM;

	if (nla_put_string(skb, KN_A_VERSION, KN_VERSION))
		goto too_big;
	nest = nla_nest_start(skb, KN_A_STATUS);
	if (!nest)
		goto too_big;
	if (nla_put_u64_64bit(skb, KN_STATUS_A_NETNS_COOKIE, net->net_cookie,
			      KN_STATUS_A_PAD) ||
	    nla_put_u32(skb, KN_STATUS_A_LINKS, atomic_read(&kn->links)))
		goto too_big;
	nla_nest_end(skb, nest);
	return kn_reply_send(skb, hdr, info);

too_big:
	nlmsg_free(skb);
	return -EMSGSIZE;
}

static int kn_put_settings(struct sk_buff *skb, const struct kn_settings *s)
{
	struct nlattr *nest;

	nest = nla_nest_start(skb, KN_A_SETTINGS);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_be32(skb, KN_SETTING_A_CLUSTER_CIDR_ADDR, s->cluster_cidr_addr) ||
	    nla_put_u8(skb, KN_SETTING_A_CLUSTER_CIDR_PREFIX, s->cluster_cidr_prefix) ||
	    nla_put_u16(skb, KN_SETTING_A_NODEPORT_MIN, s->nodeport_min) ||
	    nla_put_u16(skb, KN_SETTING_A_NODEPORT_MAX, s->nodeport_max) ||
	    nla_put_u32(skb, KN_SETTING_A_CONNTRACK_MAX, s->conntrack_max)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int kn_get_settings(struct sk_buff *req, struct genl_info *info)
{
	struct kn_net *kn = kn_net(genl_info_net(info));
	struct kn_settings snapshot;
	struct sk_buff *skb;
	void *hdr;
	int err;

	rcu_read_lock();
	snapshot = *rcu_dereference(kn->settings);
	rcu_read_unlock();

	skb = kn_reply_new(info, &hdr);
	if (!skb)
		return -ENOMEM;
	err = kn_put_settings(skb, &snapshot);
	if (err) {
		nlmsg_free(skb);
		return err;
	}
	return kn_reply_send(skb, hdr, info);
}

/*
 * Some settings are pairs of attributes: both, or neither.  Returns whether
 * the pair is present, or -EINVAL with the lone attribute marked bad.
 */
static int kn_attr_pair(struct nlattr **tb, int a, int b,
			struct netlink_ext_ack *extack)
{
	if (!tb[a] != !tb[b]) {
		NL_SET_BAD_ATTR(extack, tb[a] ?: tb[b]);
		return -EINVAL;
	}
	return !!tb[a];
}

static int kn_set_settings(struct sk_buff *req, struct genl_info *info)
{
	struct kn_net *kn = kn_net(genl_info_net(info));
	struct nlattr *tb[KN_SETTING_A_MAX + 1];
	struct kn_settings_change change = {};
	int err;

	if (GENL_REQ_ATTR_CHECK(info, KN_A_SETTINGS))
		return -EINVAL;
	err = nla_parse_nested(tb, KN_SETTING_A_MAX, info->attrs[KN_A_SETTINGS],
			       kn_settings_policy, info->extack);
	if (err)
		return err;

	err = kn_attr_pair(tb, KN_SETTING_A_CLUSTER_CIDR_ADDR,
			   KN_SETTING_A_CLUSTER_CIDR_PREFIX, info->extack);
	if (err < 0) {
		NL_SET_ERR_MSG(info->extack,
			       "cluster CIDR needs both address and prefix length");
		return err;
	}
	if (err) {
		change.has_cluster_cidr = true;
		change.cluster_cidr_addr = nla_get_be32(tb[KN_SETTING_A_CLUSTER_CIDR_ADDR]);
		change.cluster_cidr_prefix = nla_get_u8(tb[KN_SETTING_A_CLUSTER_CIDR_PREFIX]);
	}

	err = kn_attr_pair(tb, KN_SETTING_A_NODEPORT_MIN,
			   KN_SETTING_A_NODEPORT_MAX, info->extack);
	if (err < 0) {
		NL_SET_ERR_MSG(info->extack, "NodePort range needs both min and max");
		return err;
	}
	if (err) {
		change.has_nodeport_range = true;
		change.nodeport_min = nla_get_u16(tb[KN_SETTING_A_NODEPORT_MIN]);
		change.nodeport_max = nla_get_u16(tb[KN_SETTING_A_NODEPORT_MAX]);
	}

	if (tb[KN_SETTING_A_CONNTRACK_MAX]) {
		change.has_conntrack_max = true;
		change.conntrack_max = nla_get_u32(tb[KN_SETTING_A_CONNTRACK_MAX]);
	}

	if (!change.has_cluster_cidr && !change.has_nodeport_range &&
	    !change.has_conntrack_max) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[KN_A_SETTINGS],
				    "no setting to change");
		return -EINVAL;
	}

	return kn_netns_update_settings(kn, &change, info->extack);
}

static const struct genl_ops kn_genl_ops[] = {
	{
		.cmd = KN_CMD_GET_STATUS,
		.doit = kn_get_status,
	},
	{
		.cmd = KN_CMD_GET_SETTINGS,
		.doit = kn_get_settings,
	},
	{
		.cmd = KN_CMD_SET_SETTINGS,
		.doit = kn_set_settings,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

static struct genl_family kn_genl_family __ro_after_init = {
	.name = KN_GENL_NAME,
	.version = KN_GENL_VERSION,
	.maxattr = KN_A_MAX,
	.policy = kn_policy,
	.netnsok = true,
	.parallel_ops = true,
	.ops = kn_genl_ops,
	.n_ops = ARRAY_SIZE(kn_genl_ops),
	.resv_start_op = KN_CMD_MAX + 1,
	.module = THIS_MODULE,
};

int __init kn_genl_init(void)
{
	return genl_register_family(&kn_genl_family);
}

void kn_genl_uninit(void)
{
	genl_unregister_family(&kn_genl_family);
}
