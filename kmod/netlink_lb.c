// SPDX-License-Identifier: GPL-2.0
/*
 * The "kn" family's service, backend and connection-table commands
 * (uapi/kn.h, "Services").  netlink.c has the family and its other
 * commands.
 */
#include <linux/in.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "uapi/kn.h"
#include "compat.h"
#include "conntrack.h"
#include "lb.h"
#include "netlink.h"
#include "netns.h"
#include "services.h"

/* not const: 6.1's policy points to it without const */
static struct netlink_range_validation kn_affinity_timeout_range = {
	.min = 1,
	.max = KN_AFFINITY_TIMEOUT_MAX,
};

const struct nla_policy kn_service_policy[KN_SERVICE_A_MAX + 1] = {
	[KN_SERVICE_A_ADDR] = { .type = NLA_BE32 },
	[KN_SERVICE_A_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[KN_SERVICE_A_PROTO] = { .type = NLA_U8 },
	[KN_SERVICE_A_AFFINITY] = NLA_POLICY_MAX(NLA_U8, KN_AFFINITY_MAX),
	[KN_SERVICE_A_AFFINITY_TIMEOUT] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &kn_affinity_timeout_range),
	[KN_SERVICE_A_STATS] = { .type = NLA_REJECT },
	[KN_SERVICE_A_NODEPORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[KN_SERVICE_A_TRAFFIC_POLICY] = NLA_POLICY_MAX(NLA_U8, KN_TRAFFIC_POLICY_MAX),
};

const struct nla_policy kn_backend_policy[KN_BACKEND_A_MAX + 1] = {
	[KN_BACKEND_A_PAD] = { .type = NLA_REJECT },
	[KN_BACKEND_A_ADDR] = { .type = NLA_BE32 },
	[KN_BACKEND_A_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[KN_BACKEND_A_WEIGHT] = NLA_POLICY_MIN(NLA_U16, 1),
	[KN_BACKEND_A_FLAGS] = NLA_POLICY_MASK(NLA_U32, __KN_BACKEND_F_ALL),
	[KN_BACKEND_A_CONNECTIONS] = { .type = NLA_REJECT },
};

/*
 * The service a request names in its KN_A_SERVICE nest.  With @key_only
 * the nest may hold nothing but the key.  Returns -ENOENT (and no message)
 * when @attrs has no nest and @optional.
 */
static int kn_nl_service(struct nlattr **attrs, struct kn_service_config *cfg,
			 bool key_only, bool optional, struct netlink_ext_ack *extack)
{
	struct nlattr *tb[KN_SERVICE_A_MAX + 1], *nest = attrs[KN_A_SERVICE];
	int err;

	if (!nest) {
		if (optional)
			return -ENOENT;
		NL_SET_ERR_MSG(extack, "request names no service (KN_A_SERVICE)");
		return -EINVAL;
	}
	err = nla_parse_nested(tb, KN_SERVICE_A_MAX, nest, kn_service_policy, extack);
	if (err)
		return err;
	if (NL_REQ_ATTR_CHECK(extack, nest, tb, KN_SERVICE_A_ADDR) ||
	    NL_REQ_ATTR_CHECK(extack, nest, tb, KN_SERVICE_A_PORT) ||
	    NL_REQ_ATTR_CHECK(extack, nest, tb, KN_SERVICE_A_PROTO)) {
		NL_SET_ERR_MSG(extack, "a service needs its address, port and protocol");
		return -EINVAL;
	}
	if (key_only && (tb[KN_SERVICE_A_AFFINITY] || tb[KN_SERVICE_A_AFFINITY_TIMEOUT] ||
			 tb[KN_SERVICE_A_NODEPORT] || tb[KN_SERVICE_A_TRAFFIC_POLICY])) {
		NL_SET_ERR_MSG_ATTR(extack, tb[KN_SERVICE_A_AFFINITY] ?:
				    tb[KN_SERVICE_A_AFFINITY_TIMEOUT] ?:
				    tb[KN_SERVICE_A_NODEPORT] ?:
				    tb[KN_SERVICE_A_TRAFFIC_POLICY],
				    "only the service's address, port and protocol belong here");
		return -EINVAL;
	}
	if (tb[KN_SERVICE_A_TRAFFIC_POLICY] && !tb[KN_SERVICE_A_NODEPORT]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[KN_SERVICE_A_TRAFFIC_POLICY],
				    "a traffic policy needs a NodePort");
		return -EINVAL;
	}
	cfg->nodeport = tb[KN_SERVICE_A_NODEPORT] ?
			htons(nla_get_u16(tb[KN_SERVICE_A_NODEPORT])) : 0;
	cfg->policy = tb[KN_SERVICE_A_TRAFFIC_POLICY] ?
		      nla_get_u8(tb[KN_SERVICE_A_TRAFFIC_POLICY]) :
		      KN_TRAFFIC_POLICY_CLUSTER;
	cfg->key = kn_service_key(nla_get_be32(tb[KN_SERVICE_A_ADDR]),
				  htons(nla_get_u16(tb[KN_SERVICE_A_PORT])),
				  nla_get_u8(tb[KN_SERVICE_A_PROTO]));
	cfg->affinity = tb[KN_SERVICE_A_AFFINITY] ?
			nla_get_u8(tb[KN_SERVICE_A_AFFINITY]) : KN_AFFINITY_NONE;
	cfg->affinity_timeout = KN_AFFINITY_TIMEOUT_DEFAULT;
	if (tb[KN_SERVICE_A_AFFINITY_TIMEOUT]) {
		if (cfg->affinity != KN_AFFINITY_CLIENT_IP) {
			NL_SET_ERR_MSG_ATTR(extack, tb[KN_SERVICE_A_AFFINITY_TIMEOUT],
					    "an affinity timeout needs client-IP affinity");
			return -EINVAL;
		}
		cfg->affinity_timeout = nla_get_u32(tb[KN_SERVICE_A_AFFINITY_TIMEOUT]);
	}
	return kn_service_config_check(cfg, extack);
}

/* The backend a request names; with @key_only, only its address and port. */
static int kn_nl_backend(struct nlattr **attrs, struct kn_backend_config *cfg,
			 bool key_only, struct netlink_ext_ack *extack)
{
	struct nlattr *tb[KN_BACKEND_A_MAX + 1], *nest = attrs[KN_A_BACKEND];
	int err;

	if (!nest) {
		NL_SET_ERR_MSG(extack, "request names no backend (KN_A_BACKEND)");
		return -EINVAL;
	}
	err = nla_parse_nested(tb, KN_BACKEND_A_MAX, nest, kn_backend_policy, extack);
	if (err)
		return err;
	if (NL_REQ_ATTR_CHECK(extack, nest, tb, KN_BACKEND_A_ADDR) ||
	    NL_REQ_ATTR_CHECK(extack, nest, tb, KN_BACKEND_A_PORT)) {
		NL_SET_ERR_MSG(extack, "a backend needs its address and port");
		return -EINVAL;
	}
	if (key_only && (tb[KN_BACKEND_A_WEIGHT] || tb[KN_BACKEND_A_FLAGS])) {
		NL_SET_ERR_MSG_ATTR(extack, tb[KN_BACKEND_A_WEIGHT] ?: tb[KN_BACKEND_A_FLAGS],
				    "only the backend's address and port belong here");
		return -EINVAL;
	}
	cfg->addr = nla_get_be32(tb[KN_BACKEND_A_ADDR]);
	cfg->port = htons(nla_get_u16(tb[KN_BACKEND_A_PORT]));
	cfg->weight = tb[KN_BACKEND_A_WEIGHT] ? nla_get_u16(tb[KN_BACKEND_A_WEIGHT]) :
		      KN_BACKEND_WEIGHT_DEFAULT;
	cfg->flags = tb[KN_BACKEND_A_FLAGS] ? nla_get_u32(tb[KN_BACKEND_A_FLAGS]) : 0;
	return kn_backend_config_check(cfg, extack);
}

/* Whether @port is in the namespace's NodePort range; under config_lock. */
static int kn_nl_check_nodeport(struct kn_net *kn, u16 port,
				struct netlink_ext_ack *extack)
{
	const struct kn_settings *s = rcu_dereference_protected(kn->settings,
								lockdep_is_held(&kn->config_lock));

	if (port < s->nodeport_min || port > s->nodeport_max) {
		NL_SET_ERR_MSG(extack, "NodePort outside the namespace's NodePort range");
		return -ERANGE;
	}
	return 0;
}

static int kn_nl_add_service(struct genl_info *info, bool replace)
{
	struct kn_net *kn = kn_net(genl_info_net(info));
	struct kn_service_config cfg;
	__be16 gone = 0;
	int err;

	err = kn_nl_service(info->attrs, &cfg, false, false, info->extack);
	if (err)
		return err;
	mutex_lock(&kn->config_lock);
	err = cfg.nodeport ? kn_nl_check_nodeport(kn, ntohs(cfg.nodeport), info->extack) : 0;
	if (!err) {
		err = kn_lb_enable(kn);
		if (err)
			NL_SET_ERR_MSG(info->extack,
				       "cannot set up the connection table and hooks");
	}
	if (!err)
		err = kn_services_add(&kn->services, &cfg, replace, &gone, info->extack);
	if (!err && gone) {
		struct kn_lb_match m = { .svc = cfg.key, .nodeport = gone };

		kn_lb_forget(kn, &m);
	}
	mutex_unlock(&kn->config_lock);
	return err;
}

int kn_nl_new_service(struct sk_buff *req, struct genl_info *info)
{
	return kn_nl_add_service(info, false);
}

int kn_nl_replace_service(struct sk_buff *req, struct genl_info *info)
{
	return kn_nl_add_service(info, true);
}

int kn_nl_del_service(struct sk_buff *req, struct genl_info *info)
{
	struct kn_net *kn = kn_net(genl_info_net(info));
	struct kn_service_config cfg;
	struct kn_service *svc;
	int err;

	err = kn_nl_service(info->attrs, &cfg, true, false, info->extack);
	if (err)
		return err;
	mutex_lock(&kn->config_lock);
	svc = kn_services_unlink(&kn->services, &cfg.key, info->extack);
	if (!IS_ERR(svc)) {
		const struct kn_nodeport *np = rcu_dereference_protected(svc->nodeport, true);
		struct kn_lb_match m = {
			.svc = cfg.key, .vip = true, .nodeport = np ? np->key.port : 0,
		};
		struct kn_service_stats stats;

		kn_service_read_stats(svc, &stats);
		if (stats.connections)
			kn_lb_forget(kn, &m);
		kn_service_free_rcu(svc);
	}
	mutex_unlock(&kn->config_lock);
	return PTR_ERR_OR_ZERO(svc);
}

/* The service @cfg names; under config_lock. */
static struct kn_service *kn_nl_find_service(struct kn_net *kn,
					     const struct kn_service_config *cfg,
					     struct netlink_ext_ack *extack)
{
	struct kn_service *svc = kn_services_lookup(&kn->services, &cfg->key);

	if (!svc)
		NL_SET_ERR_MSG(extack, "no such service");
	return svc;
}

static int kn_nl_change_backend(struct genl_info *info, bool add, bool replace)
{
	struct kn_net *kn = kn_net(genl_info_net(info));
	struct kn_service_config scfg;
	struct kn_backend_config bcfg;
	struct kn_service *svc;
	u64 connections;
	int err;

	err = kn_nl_service(info->attrs, &scfg, true, false, info->extack);
	if (!err)
		err = kn_nl_backend(info->attrs, &bcfg, !add, info->extack);
	if (err)
		return err;
	mutex_lock(&kn->config_lock);
	rcu_read_lock();	/* for the lookup's sake; writers are locked out */
	svc = kn_nl_find_service(kn, &scfg, info->extack);
	rcu_read_unlock();
	if (!svc) {
		err = -ENOENT;
	} else if (add) {
		if (!(bcfg.flags & KN_BACKEND_F_LOCAL) &&
		    kn_lb_pod_is_local(kn->net, bcfg.addr))
			bcfg.flags |= KN_BACKEND_F_LOCAL;
		err = kn_service_add_backend(&kn->services, svc, &bcfg, replace,
					     info->extack);
	} else {
		err = kn_service_del_backend(&kn->services, svc, bcfg.addr,
					     bcfg.port, &connections, info->extack);
		if (!err && connections) {
			const struct kn_nodeport *np =
				rcu_dereference_protected(svc->nodeport, true);
			struct kn_lb_match m = {
				.svc = scfg.key, .vip = true, .be = &bcfg,
				.nodeport = np ? np->key.port : 0,
			};

			kn_lb_forget(kn, &m);
		}
	}
	mutex_unlock(&kn->config_lock);
	return err;
}

int kn_nl_new_backend(struct sk_buff *req, struct genl_info *info)
{
	return kn_nl_change_backend(info, true, false);
}

int kn_nl_replace_backend(struct sk_buff *req, struct genl_info *info)
{
	return kn_nl_change_backend(info, true, true);
}

int kn_nl_del_backend(struct sk_buff *req, struct genl_info *info)
{
	return kn_nl_change_backend(info, false, false);
}

static int kn_put_service_key(struct sk_buff *skb, const struct kn_service_key *key)
{
	return nla_put_in_addr(skb, KN_SERVICE_A_ADDR, key->addr) ||
	       nla_put_u16(skb, KN_SERVICE_A_PORT, ntohs(key->port)) ||
	       nla_put_u8(skb, KN_SERVICE_A_PROTO, key->proto) ? -EMSGSIZE : 0;
}

static int kn_put_service(struct sk_buff *skb, struct kn_service *svc)
{
	const struct kn_backend_set *set = rcu_dereference(svc->backends);
	const struct kn_nodeport *np;
	struct kn_service_stats stats;
	struct nlattr *nest, *st;

	kn_service_read_stats(svc, &stats);
	nest = nla_nest_start(skb, KN_A_SERVICE);
	if (!nest || kn_put_service_key(skb, &svc->key) ||
	    nla_put_u8(skb, KN_SERVICE_A_AFFINITY, READ_ONCE(svc->affinity)) ||
	    nla_put_u32(skb, KN_SERVICE_A_AFFINITY_TIMEOUT,
			READ_ONCE(svc->affinity_timeout)))
		return -EMSGSIZE;
	np = rcu_dereference(svc->nodeport);
	if (np && (nla_put_u16(skb, KN_SERVICE_A_NODEPORT, ntohs(np->key.port)) ||
		   nla_put_u8(skb, KN_SERVICE_A_TRAFFIC_POLICY, np->policy)))
		return -EMSGSIZE;
	st = nla_nest_start(skb, KN_SERVICE_A_STATS);
	if (!st ||
	    nla_put_u32(skb, KN_SERVICE_STATS_A_BACKENDS, set ? set->count : 0) ||
	    nla_put_u32(skb, KN_SERVICE_STATS_A_USABLE, set ? set->usable : 0) ||
	    nla_put_u64_64bit(skb, KN_SERVICE_STATS_A_CONNECTIONS, stats.connections,
			      KN_SERVICE_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, KN_SERVICE_STATS_A_NO_BACKEND, stats.no_backend,
			      KN_SERVICE_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, KN_SERVICE_STATS_A_NO_LOCAL, stats.no_local,
			      KN_SERVICE_STATS_A_PAD))
		return -EMSGSIZE;
	nla_nest_end(skb, st);
	nla_nest_end(skb, nest);
	return 0;
}

static int kn_put_backend(struct sk_buff *skb, const struct kn_service *svc,
			  const struct kn_backend *be)
{
	struct nlattr *nest;

	nest = nla_nest_start(skb, KN_A_SERVICE);
	if (!nest || kn_put_service_key(skb, &svc->key))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	nest = nla_nest_start(skb, KN_A_BACKEND);
	if (!nest ||
	    nla_put_in_addr(skb, KN_BACKEND_A_ADDR, be->addr) ||
	    nla_put_u16(skb, KN_BACKEND_A_PORT, ntohs(be->port)) ||
	    nla_put_u16(skb, KN_BACKEND_A_WEIGHT, be->weight) ||
	    nla_put_u32(skb, KN_BACKEND_A_FLAGS, be->flags) ||
	    nla_put_u64_64bit(skb, KN_BACKEND_A_CONNECTIONS,
			      atomic64_read(&be->connections), KN_BACKEND_A_PAD))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* A dump message; @put fills it.  Returns -EMSGSIZE when it did not fit. */
static int kn_dump_one(struct sk_buff *skb, struct netlink_callback *cb, u8 cmd,
		       int (*put)(struct sk_buff *skb, const void *a, const void *b),
		       const void *a, const void *b)
{
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &kn_genl_family, NLM_F_MULTI, cmd);
	if (!hdr)
		return -EMSGSIZE;
	genl_dump_check_consistent(cb, hdr);
	if (put(skb, a, b)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static int kn_put_service_msg(struct sk_buff *skb, const void *svc, const void *unused)
{
	return kn_put_service(skb, (struct kn_service *)svc);
}

static int kn_put_backend_msg(struct sk_buff *skb, const void *svc, const void *be)
{
	return kn_put_backend(skb, svc, be);
}

/*
 * Dump state in cb->args for the service and backend dumps: [0] set once
 * the request was read, [1] the service filter's address, [2] its port and
 * protocol (0: no filter), [3] services done, [4] backends of the current
 * service done.  cb->seq carries the table's generation.
 */
enum {
	KN_SVC_DUMP_STARTED,
	KN_SVC_DUMP_ADDR,
	KN_SVC_DUMP_PORT_PROTO,
	KN_SVC_DUMP_INDEX,
	KN_SVC_DUMP_BACKEND,
};

/* Reads the filter on the first call; the filter's key, or NULL for all. */
static int kn_dump_filter(struct netlink_callback *cb, struct kn_service_key *key,
			  bool *filtered)
{
	struct kn_service_config cfg;
	int err;

	if (!cb->args[KN_SVC_DUMP_STARTED]) {
		err = kn_nl_service(kn_compat_dump_attrs(cb), &cfg, true, true,
				    cb->extack);
		if (err && err != -ENOENT)
			return err;
		cb->args[KN_SVC_DUMP_STARTED] = 1;
		if (!err) {
			cb->args[KN_SVC_DUMP_ADDR] = (__force u32)cfg.key.addr;
			cb->args[KN_SVC_DUMP_PORT_PROTO] =
				(__force u16)cfg.key.port << 8 | cfg.key.proto;
		}
	}
	*filtered = cb->args[KN_SVC_DUMP_PORT_PROTO];
	*key = kn_service_key((__force __be32)(u32)cb->args[KN_SVC_DUMP_ADDR],
			      (__force __be16)(u16)(cb->args[KN_SVC_DUMP_PORT_PROTO] >> 8),
			      cb->args[KN_SVC_DUMP_PORT_PROTO] & 0xff);
	return 0;
}

/* The filtered service, under rcu_read_lock(); ERR_PTR(-ENOENT) if gone. */
static struct kn_service *kn_dump_service(struct kn_net *kn, struct netlink_callback *cb,
					  const struct kn_service_key *key)
{
	struct kn_service *svc = kn_services_lookup(&kn->services, key);

	if (!svc) {
		NL_SET_ERR_MSG(cb->extack, "no such service");
		return ERR_PTR(-ENOENT);
	}
	return svc;
}

/* Backends of @svc from cb->args[KN_SVC_DUMP_BACKEND] on. */
static int kn_dump_backends_of(struct sk_buff *skb, struct netlink_callback *cb,
			       struct kn_service *svc)
{
	const struct kn_backend_set *set = rcu_dereference(svc->backends);
	unsigned long i;
	int err;

	for (i = cb->args[KN_SVC_DUMP_BACKEND]; set && i < set->count; i++) {
		err = kn_dump_one(skb, cb, KN_CMD_GET_BACKEND, kn_put_backend_msg,
				  svc, set->backends[i]);
		if (err) {
			cb->args[KN_SVC_DUMP_BACKEND] = i;
			return err;
		}
	}
	cb->args[KN_SVC_DUMP_BACKEND] = 0;
	return 0;
}

static int kn_dump_services(struct sk_buff *skb, struct netlink_callback *cb,
			    bool backends)
{
	struct kn_net *kn = kn_net(sock_net(cb->skb->sk));
	unsigned long index = 0, start;
	struct kn_service_key key;
	struct kn_service *svc;
	bool filtered;
	int err;

	err = kn_dump_filter(cb, &key, &filtered);
	if (err)
		return err;
	start = cb->args[KN_SVC_DUMP_INDEX];
	rcu_read_lock();
	cb->seq = kn_services_gen(&kn->services);
	if (filtered) {
		svc = kn_dump_service(kn, cb, &key);
		if (IS_ERR(svc)) {
			err = PTR_ERR(svc);
		} else if (!start) {
			err = backends ? kn_dump_backends_of(skb, cb, svc) :
			      kn_dump_one(skb, cb, KN_CMD_GET_SERVICE,
					  kn_put_service_msg, svc, NULL);
			index = err ? 0 : 1;
		} else {
			index = start;
		}
		rcu_read_unlock();
		cb->args[KN_SVC_DUMP_INDEX] = index;
		return err && !skb->len ? err : skb->len;
	}
	list_for_each_entry_rcu(svc, &kn->services.list, list) {
		if (index < start) {
			index++;
			continue;
		}
		err = backends ? kn_dump_backends_of(skb, cb, svc) :
		      kn_dump_one(skb, cb, KN_CMD_GET_SERVICE, kn_put_service_msg,
				  svc, NULL);
		if (err)
			break;
		index++;
	}
	rcu_read_unlock();
	cb->args[KN_SVC_DUMP_INDEX] = index;
	/* an entry that does not fit an empty message would loop forever */
	if (err && !skb->len)
		return err;
	return skb->len;
}

int kn_nl_get_service_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	return kn_dump_services(skb, cb, false);
}

int kn_nl_get_backend_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	return kn_dump_services(skb, cb, true);
}

static int kn_put_ct(struct sk_buff *skb, const void *arg, const void *unused)
{
	const struct kn_conn *c = arg;
	const struct kn_ct_tuple *o = &c->node[KN_CT_DIR_ORIG].tuple;
	const struct kn_ct_tuple *r = &c->node[KN_CT_DIR_REPLY].tuple;
	s32 left = (s32)(READ_ONCE(c->expires) - (u32)jiffies);
	u32 status = READ_ONCE(c->status);
	struct nlattr *nest;

	nest = nla_nest_start(skb, KN_A_CONNTRACK);
	if (!nest ||
	    nla_put_u8(skb, KN_CT_A_PROTO, o->proto) ||
	    nla_put_in_addr(skb, KN_CT_A_ORIG_SRC, o->src) ||
	    nla_put_in_addr(skb, KN_CT_A_ORIG_DST, o->dst) ||
	    nla_put_u16(skb, KN_CT_A_ORIG_SPORT, ntohs(o->sport)) ||
	    nla_put_u16(skb, KN_CT_A_ORIG_DPORT, ntohs(o->dport)) ||
	    nla_put_in_addr(skb, KN_CT_A_REPLY_SRC, r->src) ||
	    nla_put_in_addr(skb, KN_CT_A_REPLY_DST, r->dst) ||
	    nla_put_u16(skb, KN_CT_A_REPLY_SPORT, ntohs(r->sport)) ||
	    nla_put_u16(skb, KN_CT_A_REPLY_DPORT, ntohs(r->dport)) ||
	    nla_put_u8(skb, KN_CT_A_STATE, kn_conn_state(status)) ||
	    nla_put_u32(skb, KN_CT_A_TIMEOUT_MS, left > 0 ? jiffies_to_msecs(left) : 0) ||
	    nla_put_u32(skb, KN_CT_A_FLAGS, kn_conn_flags(status) & __KN_CT_F_ALL))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

struct kn_ct_dump {
	struct sk_buff *skb;
	struct netlink_callback *cb;
	bool filtered;
	struct kn_lb_match match;
};

/* The entries of the service @key names: by its VIP and its NodePort. */
static struct kn_lb_match kn_nl_service_match(struct kn_net *kn,
					      const struct kn_service_key *key)
{
	struct kn_lb_match m = { .svc = *key, .vip = true };
	const struct kn_nodeport *np;
	struct kn_service *svc;

	rcu_read_lock();
	svc = kn_services_lookup(&kn->services, key);
	np = svc ? rcu_dereference(svc->nodeport) : NULL;
	if (np)
		m.nodeport = np->key.port;
	rcu_read_unlock();
	return m;
}

static int kn_ct_dump_one(const struct kn_conn *c, void *arg)
{
	struct kn_ct_dump *d = arg;

	if (d->filtered && !kn_lb_matches(c, &d->match))
		return 0;
	return kn_dump_one(d->skb, d->cb, KN_CMD_GET_CONNTRACK, kn_put_ct, c, NULL);
}

int kn_nl_get_conntrack_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct kn_net *kn = kn_net(sock_net(cb->skb->sk));
	struct kn_ct_dump d = { .skb = skb, .cb = cb };
	struct kn_ct_table *ct = kn_lb_table(kn);
	struct kn_service_key key;
	int err;

	err = kn_dump_filter(cb, &key, &d.filtered);
	if (err || !ct)
		return err;
	if (d.filtered)
		d.match = kn_nl_service_match(kn, &key);
	rcu_read_lock();
	err = kn_ct_walk(ct, &cb->args[KN_SVC_DUMP_INDEX],
			 &cb->args[KN_SVC_DUMP_BACKEND], kn_ct_dump_one, &d);
	rcu_read_unlock();
	if (err && !skb->len)
		return err;
	return skb->len;
}

int kn_nl_flush_conntrack(struct sk_buff *req, struct genl_info *info)
{
	struct kn_net *kn = kn_net(genl_info_net(info));
	struct kn_service_config cfg;
	struct kn_lb_match m;
	int err;

	err = kn_nl_service(info->attrs, &cfg, true, true, info->extack);
	if (err && err != -ENOENT)
		return err;
	if (!err)
		m = kn_nl_service_match(kn, &cfg.key);
	kn_lb_flush(kn, err ? NULL : &m);
	return 0;
}

int kn_nl_get_conntrack_stats(struct sk_buff *req, struct genl_info *info)
{
	static const u8 counters[KN_CT_COUNTERS] = {
		[KN_CT_INSERTS] = KN_CT_STATS_A_INSERTS,
		[KN_CT_CLASHES] = KN_CT_STATS_A_CLASHES,
		[KN_CT_EXPIRED] = KN_CT_STATS_A_EXPIRED,
		[KN_CT_REMOVED] = KN_CT_STATS_A_REMOVED,
		[KN_CT_EARLY_DROPS] = KN_CT_STATS_A_EARLY_DROPS,
		[KN_CT_DROP_FULL] = KN_CT_STATS_A_DROP_FULL,
		[KN_CT_DROP_NOMEM] = KN_CT_STATS_A_DROP_NOMEM,
		[KN_CT_DROP_INVALID] = KN_CT_STATS_A_DROP_INVALID,
		[KN_CT_NO_BACKEND] = KN_CT_STATS_A_NO_BACKEND,
		[KN_CT_DROP_CLASH] = KN_CT_STATS_A_DROP_CLASH,
		[KN_CT_DROP_REDIRECT] = KN_CT_STATS_A_DROP_REDIRECT,
		[KN_CT_DROP_SNAT] = KN_CT_STATS_A_DROP_SNAT,
		[KN_CT_NO_LOCAL] = KN_CT_STATS_A_NO_LOCAL,
		[KN_CT_MASQUERADED] = KN_CT_STATS_A_MASQUERADED,
	};
	struct kn_net *kn = kn_net(genl_info_net(info));
	struct kn_ct_table *ct = kn_lb_table(kn);
	struct kn_ct_stats stats = {};
	struct nlattr *nest;
	struct sk_buff *skb;
	u32 max;
	void *hdr;
	int i;

	rcu_read_lock();
	max = rcu_dereference(kn->settings)->conntrack_max;
	rcu_read_unlock();
	if (ct)
		kn_ct_read_stats(ct, &stats);

	skb = kn_reply_new(info, &hdr);
	if (!skb)
		return -ENOMEM;
	nest = nla_nest_start(skb, KN_A_CONNTRACK_STATS);
	if (!nest ||
	    nla_put_u32(skb, KN_CT_STATS_A_ENTRIES, ct ? atomic_read(&ct->count) : 0) ||
	    nla_put_u32(skb, KN_CT_STATS_A_MAX_ENTRIES, max) ||
	    nla_put_u32(skb, KN_CT_STATS_A_BUCKETS, ct ? ct->mask + 1 : 0) ||
	    nla_put_u32(skb, KN_CT_STATS_A_ENTRY_BYTES, kn_ct_entry_bytes()))
		goto too_big;
	for (i = 0; i < KN_CT_COUNTERS; i++)
		if (nla_put_u64_64bit(skb, counters[i], stats.c[i], KN_CT_STATS_A_PAD))
			goto too_big;
	nla_nest_end(skb, nest);
	return kn_reply_send(skb, hdr, info);

too_big:
	nlmsg_free(skb);
	return -EMSGSIZE;
}
