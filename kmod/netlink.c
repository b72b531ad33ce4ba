// SPDX-License-Identifier: GPL-2.0
/*
 * The "kn" generic netlink family: the only way userspace configures kn.
 * uapi/kn.h documents every command and attribute.
 */
#include <linux/etherdevice.h>
#include <linux/inetdevice.h>
#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "uapi/kn.h"
#include "bridge.h"
#include "compat.h"
#include "netns.h"
#include "netlink.h"
#include "port.h"
#include "version.h"

static const struct nla_policy kn_settings_policy[KN_SETTING_A_MAX + 1] = {
	[KN_SETTING_A_CLUSTER_CIDR_ADDR] = { .type = NLA_BE32 },
	[KN_SETTING_A_CLUSTER_CIDR_PREFIX] = NLA_POLICY_MAX(NLA_U8, 32),
	[KN_SETTING_A_NODEPORT_MIN] = NLA_POLICY_MIN(NLA_U16, 1),
	[KN_SETTING_A_NODEPORT_MAX] = NLA_POLICY_MIN(NLA_U16, 1),
	[KN_SETTING_A_CONNTRACK_MAX] = { .type = NLA_U32 },
	[KN_SETTING_A_SNAT_PORT_MIN] = NLA_POLICY_MIN(NLA_U16, 1),
	[KN_SETTING_A_SNAT_PORT_MAX] = NLA_POLICY_MIN(NLA_U16, 1),
	[KN_SETTING_A_MASQUERADE] = NLA_POLICY_MAX(NLA_U8, 1),
};

static const struct nla_policy kn_link_policy[KN_LINK_A_MAX + 1] = {
	[KN_LINK_A_AGEING_TIME_MS] = { .type = NLA_U32 },
	[KN_LINK_A_FDB_MAX] = { .type = NLA_U32 },
};

/* not const: 6.1's policy points to it without const */
static struct netlink_range_validation kn_vni_range = {
	.max = KN_VNI_MAX,
};

static const struct nla_policy kn_overlay_policy[KN_OVERLAY_A_MAX + 1] = {
	[KN_OVERLAY_A_LOCAL] = { .type = NLA_BE32 },
	[KN_OVERLAY_A_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[KN_OVERLAY_A_VNI] = NLA_POLICY_FULL_RANGE(NLA_U32, &kn_vni_range),
};

static const struct nla_policy kn_node_policy[KN_NODE_A_MAX + 1] = {
	[KN_NODE_A_PREFIX] = { .type = NLA_BE32 },
	[KN_NODE_A_PREFIX_LEN] = NLA_POLICY_MAX(NLA_U8, 32),
	[KN_NODE_A_REMOTE] = { .type = NLA_BE32 },
	[KN_NODE_A_MAC] = NLA_POLICY_EXACT_LEN(ETH_ALEN),
	[KN_NODE_A_FLAGS] = { .type = NLA_REJECT },
};

static const struct nla_policy kn_policy[KN_A_MAX + 1] = {
	[KN_A_VERSION] = { .type = NLA_REJECT },
	[KN_A_STATUS] = { .type = NLA_REJECT },
	[KN_A_SETTINGS] = NLA_POLICY_NESTED(kn_settings_policy),
	[KN_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[KN_A_IFNAME] = { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[KN_A_LINK] = NLA_POLICY_NESTED(kn_link_policy),
	[KN_A_LINK_STATS] = { .type = NLA_REJECT },
	[KN_A_FDB] = { .type = NLA_REJECT },
	[KN_A_OVERLAY] = NLA_POLICY_NESTED(kn_overlay_policy),
	[KN_A_NODE] = NLA_POLICY_NESTED(kn_node_policy),
	[KN_A_SERVICE] = NLA_POLICY_NESTED(kn_service_policy),
	[KN_A_BACKEND] = NLA_POLICY_NESTED(kn_backend_policy),
	[KN_A_CONNTRACK] = { .type = NLA_REJECT },
	[KN_A_CONNTRACK_STATS] = { .type = NLA_REJECT },
};

/*
 * Starts a reply to @info; on success the caller fills it and calls
 * genlmsg_end() + genlmsg_reply().
 */
struct sk_buff *kn_reply_new(struct genl_info *info, void **hdr)
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

int kn_reply_send(struct sk_buff *skb, void *hdr, struct genl_info *info)
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
	    nla_put_u32(skb, KN_SETTING_A_CONNTRACK_MAX, s->conntrack_max) ||
	    nla_put_u16(skb, KN_SETTING_A_SNAT_PORT_MIN, s->snat_port_min) ||
	    nla_put_u16(skb, KN_SETTING_A_SNAT_PORT_MAX, s->snat_port_max) ||
	    nla_put_u8(skb, KN_SETTING_A_MASQUERADE, s->masquerade)) {
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

	if (GENL_REQ_ATTR_CHECK(info, KN_A_SETTINGS)) {
		NL_SET_ERR_MSG(info->extack, "request has no settings nest");
		return -EINVAL;
	}
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

	err = kn_attr_pair(tb, KN_SETTING_A_SNAT_PORT_MIN,
			   KN_SETTING_A_SNAT_PORT_MAX, info->extack);
	if (err < 0) {
		NL_SET_ERR_MSG(info->extack, "SNAT port range needs both min and max");
		return err;
	}
	if (err) {
		change.has_snat_port_range = true;
		change.snat_port_min = nla_get_u16(tb[KN_SETTING_A_SNAT_PORT_MIN]);
		change.snat_port_max = nla_get_u16(tb[KN_SETTING_A_SNAT_PORT_MAX]);
	}

	if (tb[KN_SETTING_A_MASQUERADE]) {
		change.has_masquerade = true;
		change.masquerade = nla_get_u8(tb[KN_SETTING_A_MASQUERADE]);
	}

	if (!change.has_cluster_cidr && !change.has_nodeport_range &&
	    !change.has_conntrack_max && !change.has_snat_port_range &&
	    !change.has_masquerade) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[KN_A_SETTINGS],
				    "no setting to change");
		return -EINVAL;
	}

	return kn_netns_update_settings(kn, &change, info->extack);
}

/*
 * The kn device a request names with KN_A_IFINDEX or KN_A_IFNAME, in @net.
 * Called under rcu_read_lock(); the device stays valid until it is dropped.
 */
static struct kn_bridge *kn_nl_bridge_rcu(struct net *net, struct nlattr **attrs,
					  struct netlink_ext_ack *extack)
{
	struct net_device *dev;
	struct kn_bridge *br;
	struct nlattr *attr;

	if (attrs[KN_A_IFINDEX] && attrs[KN_A_IFNAME]) {
		NL_SET_ERR_MSG_ATTR(extack, attrs[KN_A_IFNAME],
				    "name the kn device by index or by name, not both");
		return ERR_PTR(-EINVAL);
	}
	if (attrs[KN_A_IFINDEX]) {
		attr = attrs[KN_A_IFINDEX];
		dev = dev_get_by_index_rcu(net, nla_get_u32(attr));
	} else if (attrs[KN_A_IFNAME]) {
		attr = attrs[KN_A_IFNAME];
		dev = dev_get_by_name_rcu(net, nla_data(attr));
	} else {
		NL_SET_ERR_MSG(extack,
			       "no kn device named: KN_A_IFINDEX or KN_A_IFNAME is required");
		return ERR_PTR(-EINVAL);
	}
	if (!dev) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "no such device in this network namespace");
		return ERR_PTR(-ENODEV);
	}
	br = kn_bridge_from_dev(dev);
	if (!br) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "device is not a kn device");
		return ERR_PTR(-EINVAL);
	}
	return br;
}

static int kn_put_drops(struct sk_buff *skb, const struct kn_bridge_totals *t)
{
	struct nlattr *nest;
	int i;

	nest = nla_nest_start(skb, KN_LINK_STATS_A_DROPS);
	if (!nest)
		return -EMSGSIZE;
	for (i = KN_DROP_A_PAD + 1; i <= KN_DROP_A_MAX; i++)
		if (nla_put_u64_64bit(skb, i, t->c[KN_STAT_DROP + i],
				      KN_DROP_A_PAD))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* KN_CMD_GET_LINK's reply.  Called under rcu_read_lock(). */
static int kn_put_link(struct sk_buff *skb, struct kn_bridge *br)
{
	struct kn_bridge_totals t;
	struct nlattr *nest;

	kn_bridge_read_stats(br, &t);
	if (nla_put_u32(skb, KN_A_IFINDEX, br->dev->ifindex) ||
	    nla_put_string(skb, KN_A_IFNAME, br->dev->name))
		return -EMSGSIZE;

	nest = nla_nest_start(skb, KN_A_LINK);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, KN_LINK_A_AGEING_TIME_MS, READ_ONCE(br->ageing_time_ms)) ||
	    nla_put_u32(skb, KN_LINK_A_FDB_MAX, READ_ONCE(br->fdb.max)))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);

	nest = nla_nest_start(skb, KN_A_LINK_STATS);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, KN_LINK_STATS_A_PORTS, READ_ONCE(br->n_ports)) ||
	    nla_put_u32(skb, KN_LINK_STATS_A_FDB_ENTRIES, kn_fdb_count(&br->fdb)) ||
	    nla_put_u64_64bit(skb, KN_LINK_STATS_A_FDB_FULL, t.c[KN_STAT_FDB_FULL],
			      KN_LINK_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, KN_LINK_STATS_A_FORWARDED, t.c[KN_STAT_FORWARDED],
			      KN_LINK_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, KN_LINK_STATS_A_FLOODED, t.c[KN_STAT_FLOODED],
			      KN_LINK_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, KN_LINK_STATS_A_ENCAP, t.c[KN_STAT_ENCAP],
			      KN_LINK_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, KN_LINK_STATS_A_DECAP, t.c[KN_STAT_DECAP],
			      KN_LINK_STATS_A_PAD) ||
	    kn_put_drops(skb, &t))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * Answers a request naming one kn device with what @put writes about it
 * (called under rcu_read_lock()).
 */
static int kn_reply_for_bridge(struct genl_info *info,
			       int (*put)(struct sk_buff *skb, struct kn_bridge *br))
{
	struct net *net = genl_info_net(info);
	struct kn_bridge *br;
	struct sk_buff *skb;
	void *hdr;
	int err;

	skb = kn_reply_new(info, &hdr);
	if (!skb)
		return -ENOMEM;
	rcu_read_lock();
	br = kn_nl_bridge_rcu(net, info->attrs, info->extack);
	err = IS_ERR(br) ? PTR_ERR(br) : put(skb, br);
	rcu_read_unlock();
	if (err) {
		nlmsg_free(skb);
		return err;
	}
	return kn_reply_send(skb, hdr, info);
}

static int kn_get_link(struct sk_buff *req, struct genl_info *info)
{
	return kn_reply_for_bridge(info, kn_put_link);
}

static int kn_set_link(struct sk_buff *req, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct nlattr *tb[KN_LINK_A_MAX + 1];
	struct kn_link_change change = {};
	struct kn_bridge *br;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, KN_A_LINK)) {
		NL_SET_ERR_MSG(info->extack, "no KN_A_LINK settings to change");
		return -EINVAL;
	}
	err = nla_parse_nested(tb, KN_LINK_A_MAX, info->attrs[KN_A_LINK],
			       kn_link_policy, info->extack);
	if (err)
		return err;
	if (tb[KN_LINK_A_AGEING_TIME_MS]) {
		change.has_ageing_time = true;
		change.ageing_time_ms = nla_get_u32(tb[KN_LINK_A_AGEING_TIME_MS]);
	}
	if (tb[KN_LINK_A_FDB_MAX]) {
		change.has_fdb_max = true;
		change.fdb_max = nla_get_u32(tb[KN_LINK_A_FDB_MAX]);
	}
	if (!change.has_ageing_time && !change.has_fdb_max) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[KN_A_LINK],
				    "no setting to change");
		return -EINVAL;
	}
	err = kn_link_change_check(&change, info->extack);
	if (err)
		return err;

	/* RTNL: the device can be neither stopped nor deleted meanwhile */
	rtnl_lock();
	rcu_read_lock();
	br = kn_nl_bridge_rcu(net, info->attrs, info->extack);
	if (!IS_ERR(br))
		kn_bridge_apply(br, &change);
	rcu_read_unlock();
	rtnl_unlock();
	return PTR_ERR_OR_ZERO(br);
}

/*
 * The kn device a dump is about.  The first call checks the request (unlike
 * a .start callback's, its errors reach the user with their message) and
 * keeps the device's ifindex in *@ifindex; later calls find it again there.
 * Called under rcu_read_lock().
 */
static struct kn_bridge *kn_dump_bridge_rcu(struct netlink_callback *cb,
					    long *ifindex)
{
	struct net *net = sock_net(cb->skb->sk);
	struct net_device *dev;
	struct kn_bridge *br;

	if (!*ifindex) {
		br = kn_nl_bridge_rcu(net, kn_compat_dump_attrs(cb), cb->extack);
		if (!IS_ERR(br))
			*ifindex = br->dev->ifindex;
		return br;
	}
	dev = dev_get_by_index_rcu(net, *ifindex);
	br = dev ? kn_bridge_from_dev(dev) : NULL;
	if (!br) {
		NL_SET_ERR_MSG(cb->extack, "the kn device went away during the dump");
		return ERR_PTR(-ENODEV);
	}
	return br;
}

/*
 * KN_CMD_GET_FDB dump state in cb->args: [0] the kn device's ifindex (0 until
 * the first call has checked the request), [1]
 * and [2] a struct kn_fdb_cursor.  cb->seq carries the FDB generation, so a
 * dump that spans a change is flagged NLM_F_DUMP_INTR.
 */
enum { KN_FDB_DUMP_IFINDEX, KN_FDB_DUMP_BUCKET, KN_FDB_DUMP_INDEX };

struct kn_fdb_dump {
	struct sk_buff *skb;
	struct netlink_callback *cb;
	struct kn_bridge *br;
	unsigned long now;
};

static int kn_put_fdb_entry(const struct kn_fdb_entry *f, void *arg)
{
	struct kn_fdb_dump *d = arg;
	const struct net_device *port_dev = d->br->dev;
	struct sk_buff *skb = d->skb;
	struct nlattr *nest;
	u32 age_ms = 0;
	void *hdr;

	if (!f->local) {
		unsigned long updated = READ_ONCE(f->updated);

		port_dev = rcu_dereference(f->port)->dev;
		if (time_after(d->now, updated))
			age_ms = jiffies_to_msecs(d->now - updated);
	}

	hdr = genlmsg_put(skb, NETLINK_CB(d->cb->skb).portid,
			  d->cb->nlh->nlmsg_seq, &kn_genl_family, NLM_F_MULTI,
			  KN_CMD_GET_FDB);
	if (!hdr)
		return -EMSGSIZE;
	genl_dump_check_consistent(d->cb, hdr);
	if (nla_put_u32(skb, KN_A_IFINDEX, d->br->dev->ifindex))
		goto cancel;
	nest = nla_nest_start(skb, KN_A_FDB);
	if (!nest)
		goto cancel;
	if (nla_put(skb, KN_FDB_A_MAC, ETH_ALEN, f->addr) ||
	    nla_put_u32(skb, KN_FDB_A_PORT_IFINDEX, port_dev->ifindex) ||
	    nla_put_string(skb, KN_FDB_A_PORT_NAME, port_dev->name) ||
	    nla_put_u32(skb, KN_FDB_A_AGE_MS, age_ms) ||
	    nla_put_u32(skb, KN_FDB_A_FLAGS, f->local ? KN_FDB_F_LOCAL : 0))
		goto cancel;
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;

cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

static int kn_get_fdb_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct kn_fdb_cursor cursor = {
		.bucket = cb->args[KN_FDB_DUMP_BUCKET],
		.index = cb->args[KN_FDB_DUMP_INDEX],
	};
	struct kn_fdb_dump d = { .skb = skb, .cb = cb, .now = jiffies };
	int err;

	rcu_read_lock();
	d.br = kn_dump_bridge_rcu(cb, &cb->args[KN_FDB_DUMP_IFINDEX]);
	if (IS_ERR(d.br)) {
		rcu_read_unlock();
		return PTR_ERR(d.br);
	}
	cb->seq = kn_fdb_gen(&d.br->fdb);
	err = kn_fdb_walk(&d.br->fdb, &cursor, kn_put_fdb_entry, &d);
	rcu_read_unlock();

	cb->args[KN_FDB_DUMP_BUCKET] = cursor.bucket;
	cb->args[KN_FDB_DUMP_INDEX] = cursor.index;
	/* an entry that does not fit an empty message would loop forever */
	if (err && !skb->len)
		return err;
	return skb->len;
}

/*
 * The kn device a request names, for a handler that holds RTNL: the device
 * cannot be unregistered until RTNL is dropped, so it stays valid that long.
 */
static struct kn_bridge *kn_nl_bridge_rtnl(struct net *net, struct nlattr **attrs,
					   struct netlink_ext_ack *extack)
{
	struct kn_bridge *br;

	ASSERT_RTNL();
	rcu_read_lock();
	br = kn_nl_bridge_rcu(net, attrs, extack);
	rcu_read_unlock();
	return br;
}

/* KN_CMD_GET_OVERLAY's reply.  Called under rcu_read_lock(). */
static int kn_put_overlay(struct sk_buff *skb, struct kn_bridge *br)
{
	const struct kn_overlay *ov = rcu_dereference(br->overlay);
	struct nlattr *nest;

	if (nla_put_u32(skb, KN_A_IFINDEX, br->dev->ifindex) ||
	    nla_put_string(skb, KN_A_IFNAME, br->dev->name))
		return -EMSGSIZE;
	if (!ov)
		return 0;
	nest = nla_nest_start(skb, KN_A_OVERLAY);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_in_addr(skb, KN_OVERLAY_A_LOCAL, ov->local) ||
	    nla_put_u16(skb, KN_OVERLAY_A_PORT, ntohs(ov->port)) ||
	    nla_put_u32(skb, KN_OVERLAY_A_VNI, ov->vni))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int kn_get_overlay(struct sk_buff *req, struct genl_info *info)
{
	return kn_reply_for_bridge(info, kn_put_overlay);
}

static int kn_set_overlay(struct sk_buff *req, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct nlattr *tb[KN_OVERLAY_A_MAX + 1];
	struct kn_overlay_change change = {};
	struct kn_bridge *br;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, KN_A_OVERLAY)) {
		NL_SET_ERR_MSG(info->extack, "no KN_A_OVERLAY settings to change");
		return -EINVAL;
	}
	err = nla_parse_nested(tb, KN_OVERLAY_A_MAX, info->attrs[KN_A_OVERLAY],
			       kn_overlay_policy, info->extack);
	if (err)
		return err;
	if (tb[KN_OVERLAY_A_LOCAL]) {
		change.has_local = true;
		change.local = nla_get_in_addr(tb[KN_OVERLAY_A_LOCAL]);
		if (ipv4_is_zeronet(change.local) || ipv4_is_multicast(change.local) ||
		    ipv4_is_lbcast(change.local) || ipv4_is_loopback(change.local)) {
			NL_SET_ERR_MSG_ATTR(info->extack, tb[KN_OVERLAY_A_LOCAL],
					    "the local VTEP address must be a unicast IPv4 address");
			return -EINVAL;
		}
	}
	if (tb[KN_OVERLAY_A_PORT]) {
		change.has_port = true;
		change.port = nla_get_u16(tb[KN_OVERLAY_A_PORT]);
	}
	if (tb[KN_OVERLAY_A_VNI]) {
		change.has_vni = true;
		change.vni = nla_get_u32(tb[KN_OVERLAY_A_VNI]);
	}

	rtnl_lock();
	br = kn_nl_bridge_rtnl(net, info->attrs, info->extack);
	err = IS_ERR(br) ? PTR_ERR(br) : kn_overlay_set(br, &change, info->extack);
	rtnl_unlock();
	return err;
}

static int kn_del_overlay(struct sk_buff *req, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct kn_bridge *br;
	int err;

	rtnl_lock();
	br = kn_nl_bridge_rtnl(net, info->attrs, info->extack);
	err = IS_ERR(br) ? PTR_ERR(br) : kn_overlay_del(br, info->extack);
	rtnl_unlock();
	return err;
}

/* The KN_A_NODE nest of a request, parsed into @cfg; @full: all of it. */
static int kn_nl_parse_node(struct genl_info *info, struct kn_node_config *cfg,
			    bool full)
{
	struct nlattr *tb[KN_NODE_A_MAX + 1];
	int err;

	if (GENL_REQ_ATTR_CHECK(info, KN_A_NODE)) {
		NL_SET_ERR_MSG(info->extack, "no KN_A_NODE in the request");
		return -EINVAL;
	}
	err = nla_parse_nested(tb, KN_NODE_A_MAX, info->attrs[KN_A_NODE],
			       kn_node_policy, info->extack);
	if (err)
		return err;
	if (NL_REQ_ATTR_CHECK(info->extack, info->attrs[KN_A_NODE], tb,
			      KN_NODE_A_PREFIX) ||
	    NL_REQ_ATTR_CHECK(info->extack, info->attrs[KN_A_NODE], tb,
			      KN_NODE_A_PREFIX_LEN)) {
		NL_SET_ERR_MSG(info->extack, "a node needs its prefix and prefix length");
		return -EINVAL;
	}
	cfg->prefix = nla_get_in_addr(tb[KN_NODE_A_PREFIX]);
	cfg->len = nla_get_u8(tb[KN_NODE_A_PREFIX_LEN]);
	if (!full)
		return 0;
	if (NL_REQ_ATTR_CHECK(info->extack, info->attrs[KN_A_NODE], tb,
			      KN_NODE_A_REMOTE)) {
		NL_SET_ERR_MSG(info->extack, "a node needs its underlay address");
		return -EINVAL;
	}
	cfg->remote = nla_get_in_addr(tb[KN_NODE_A_REMOTE]);
	if (tb[KN_NODE_A_MAC]) {
		cfg->mac_set = true;
		memcpy(cfg->mac, nla_data(tb[KN_NODE_A_MAC]), ETH_ALEN);
	}
	err = kn_node_config_check(cfg, info->extack);
	if (err)
		NL_SET_BAD_ATTR(info->extack, info->attrs[KN_A_NODE]);
	return err;
}

static int kn_add_node(struct genl_info *info, bool replace)
{
	struct net *net = genl_info_net(info);
	struct kn_node_config cfg = {};
	struct kn_bridge *br;
	int err;

	err = kn_nl_parse_node(info, &cfg, true);
	if (err)
		return err;
	rtnl_lock();
	br = kn_nl_bridge_rtnl(net, info->attrs, info->extack);
	err = IS_ERR(br) ? PTR_ERR(br) :
	      kn_nodes_add(&br->nodes, &cfg, replace, info->extack);
	rtnl_unlock();
	return err;
}

static int kn_new_node(struct sk_buff *req, struct genl_info *info)
{
	return kn_add_node(info, false);
}

static int kn_replace_node(struct sk_buff *req, struct genl_info *info)
{
	return kn_add_node(info, true);
}

static int kn_del_node(struct sk_buff *req, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct kn_node_config cfg = {};
	struct kn_bridge *br;
	int err;

	err = kn_nl_parse_node(info, &cfg, false);
	if (err)
		return err;
	if (cfg.prefix & ~inet_make_mask(cfg.len)) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[KN_A_NODE],
				    "node prefix has host bits set");
		return -EINVAL;
	}
	rtnl_lock();
	br = kn_nl_bridge_rtnl(net, info->attrs, info->extack);
	err = IS_ERR(br) ? PTR_ERR(br) :
	      kn_nodes_del(&br->nodes, cfg.prefix, cfg.len, info->extack);
	rtnl_unlock();
	return err;
}

/*
 * KN_CMD_GET_NODE dump state in cb->args: [0] the kn device's ifindex (0
 * until the first call has checked the request), [1] how many entries were
 * sent.  cb->seq carries the table's generation, as for the FDB dump.
 */
enum { KN_NODE_DUMP_IFINDEX, KN_NODE_DUMP_INDEX };

static int kn_put_node(struct sk_buff *skb, struct netlink_callback *cb,
		       const struct kn_bridge *br, const struct kn_node *node)
{
	struct nlattr *nest;
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &kn_genl_family, NLM_F_MULTI, KN_CMD_GET_NODE);
	if (!hdr)
		return -EMSGSIZE;
	genl_dump_check_consistent(cb, hdr);
	if (nla_put_u32(skb, KN_A_IFINDEX, br->dev->ifindex))
		goto cancel;
	nest = nla_nest_start(skb, KN_A_NODE);
	if (!nest)
		goto cancel;
	if (nla_put_in_addr(skb, KN_NODE_A_PREFIX, node->key.prefix) ||
	    nla_put_u8(skb, KN_NODE_A_PREFIX_LEN, node->key.len) ||
	    nla_put_in_addr(skb, KN_NODE_A_REMOTE, node->remote) ||
	    nla_put(skb, KN_NODE_A_MAC, ETH_ALEN, node->mac) ||
	    nla_put_u32(skb, KN_NODE_A_FLAGS, node->mac_set ? KN_NODE_F_MAC_SET : 0))
		goto cancel;
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;

cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

static int kn_get_node_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	unsigned long index = 0, start = cb->args[KN_NODE_DUMP_INDEX];
	struct kn_bridge *br;
	struct kn_node *node;
	int err = 0;

	rcu_read_lock();
	br = kn_dump_bridge_rcu(cb, &cb->args[KN_NODE_DUMP_IFINDEX]);
	if (IS_ERR(br)) {
		rcu_read_unlock();
		return PTR_ERR(br);
	}
	cb->seq = kn_nodes_gen(&br->nodes);
	list_for_each_entry_rcu(node, &br->nodes.list, list) {
		if (index++ < start)
			continue;
		err = kn_put_node(skb, cb, br, node);
		if (err) {
			index--;
			break;
		}
	}
	rcu_read_unlock();

	cb->args[KN_NODE_DUMP_INDEX] = index;
	if (err && !skb->len)
		return err;
	return skb->len;
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
	{
		.cmd = KN_CMD_GET_LINK,
		.doit = kn_get_link,
	},
	{
		.cmd = KN_CMD_SET_LINK,
		.doit = kn_set_link,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KN_CMD_GET_FDB,
		.dumpit = kn_get_fdb_dump,
	},
	{
		.cmd = KN_CMD_GET_OVERLAY,
		.doit = kn_get_overlay,
	},
	{
		.cmd = KN_CMD_SET_OVERLAY,
		.doit = kn_set_overlay,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KN_CMD_DEL_OVERLAY,
		.doit = kn_del_overlay,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KN_CMD_NEW_NODE,
		.doit = kn_new_node,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KN_CMD_DEL_NODE,
		.doit = kn_del_node,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KN_CMD_GET_NODE,
		.dumpit = kn_get_node_dump,
	},
	{
		.cmd = KN_CMD_REPLACE_NODE,
		.doit = kn_replace_node,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KN_CMD_NEW_SERVICE,
		.doit = kn_nl_new_service,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KN_CMD_DEL_SERVICE,
		.doit = kn_nl_del_service,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KN_CMD_GET_SERVICE,
		.dumpit = kn_nl_get_service_dump,
	},
	{
		.cmd = KN_CMD_REPLACE_SERVICE,
		.doit = kn_nl_replace_service,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KN_CMD_NEW_BACKEND,
		.doit = kn_nl_new_backend,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KN_CMD_DEL_BACKEND,
		.doit = kn_nl_del_backend,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KN_CMD_GET_BACKEND,
		.dumpit = kn_nl_get_backend_dump,
	},
	{
		.cmd = KN_CMD_REPLACE_BACKEND,
		.doit = kn_nl_replace_backend,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KN_CMD_GET_CONNTRACK,
		.dumpit = kn_nl_get_conntrack_dump,
	},
	{
		.cmd = KN_CMD_FLUSH_CONNTRACK,
		.doit = kn_nl_flush_conntrack,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KN_CMD_GET_CONNTRACK_STATS,
		.doit = kn_nl_get_conntrack_stats,
	},
};

struct genl_family kn_genl_family __ro_after_init = {
	.name = KN_GENL_NAME,
	.version = KN_GENL_VERSION,
	.maxattr = KN_A_MAX,
	.policy = kn_policy,
	.netnsok = true,
	.parallel_ops = true,
	.ops = kn_genl_ops,
	.n_ops = ARRAY_SIZE(kn_genl_ops),
	/* strict: reserved header fields checked on every command */
	.resv_start_op = 0,
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
