// SPDX-License-Identifier: GPL-2.0
/*
 * The packet path of services: a new connection to a VIP:PORT/PROTO gets a
 * backend and an entry in the connection table; every packet of it, either
 * way, is rewritten from that entry.  lb.h has the interface, uapi/kn.h
 * ("Services") the semantics.
 */
#include <linux/icmp.h>
#include <linux/inetdevice.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/random.h>
#include <linux/tcp.h>
#include <net/icmp.h>
#include <net/ip.h>
#include <net/tcp.h>
#include <net/route.h>
#include <net/netfilter/ipv4/nf_defrag_ipv4.h>
#include <uapi/linux/netfilter/nf_conntrack_common.h>
#include <kunit/visibility.h>

#include "uapi/kn.h"
#include "bridge.h"
#include "compat.h"
#include "conntrack.h"
#include "lb.h"
#include "nat.h"
#include "netns.h"
#include "snat.h"

/* A new connection whose reply tuple is taken tries this many other ports. */
#define KN_LB_PORT_TRIES	8

static unsigned long kn_ct_timeout(u8 state)
{
	static const u32 secs[] = {
		[KN_CT_STATE_SYN_SENT] = KN_CT_TIMEOUT_SYN_SENT,
		[KN_CT_STATE_SYN_RECV] = KN_CT_TIMEOUT_SYN_RECV,
		[KN_CT_STATE_ESTABLISHED] = KN_CT_TIMEOUT_ESTABLISHED,
		[KN_CT_STATE_FIN_WAIT] = KN_CT_TIMEOUT_FIN_WAIT,
		[KN_CT_STATE_TIME_WAIT] = KN_CT_TIMEOUT_TIME_WAIT,
		[KN_CT_STATE_CLOSE] = KN_CT_TIMEOUT_CLOSE,
		[KN_CT_STATE_UDP] = KN_CT_TIMEOUT_UDP,
		[KN_CT_STATE_UDP_REPLIED] = KN_CT_TIMEOUT_UDP_REPLIED,
	};

	return (state < ARRAY_SIZE(secs) ? secs[state] : KN_CT_TIMEOUT_CLOSE) * HZ;
}

/* The status after a packet going @dir with @p's flags. */
VISIBLE_IF_KUNIT u32 kn_ct_next_status(u32 status, int dir, const struct kn_pkt *p)
{
	u8 state = kn_conn_state(status), f = p->tcp_flags;
	u32 flags = kn_conn_flags(status);

	if (dir == KN_CT_DIR_REPLY)
		flags |= KN_CT_F_REPLIED;
	if (p->tuple.proto == IPPROTO_UDP)
		return kn_conn_status(flags & KN_CT_F_REPLIED ? KN_CT_STATE_UDP_REPLIED
							      : KN_CT_STATE_UDP, flags);
	if (state == KN_CT_STATE_CLOSE)
		return kn_conn_status(state, flags);
	if (f & TCPHDR_RST) {
		state = KN_CT_STATE_CLOSE;
	} else if (f & TCPHDR_SYN) {
		if ((f & TCPHDR_ACK) && dir == KN_CT_DIR_REPLY &&
		    state == KN_CT_STATE_SYN_SENT)
			state = KN_CT_STATE_SYN_RECV;
	} else if (f & TCPHDR_FIN) {
		flags |= dir == KN_CT_DIR_ORIG ? KN_CT_F_FIN_ORIG : KN_CT_F_FIN_REPLY;
		state = (flags & KN_CT_F_FIN_ORIG) && (flags & KN_CT_F_FIN_REPLY) ?
			KN_CT_STATE_TIME_WAIT : KN_CT_STATE_FIN_WAIT;
	} else if (f & TCPHDR_ACK) {
		/* the handshake's last ACK, or a reply to a connection picked
		 * up in the middle (after a flush) that the backend accepts
		 */
		if ((state == KN_CT_STATE_SYN_RECV && dir == KN_CT_DIR_ORIG) ||
		    (state == KN_CT_STATE_SYN_SENT && dir == KN_CT_DIR_REPLY))
			state = KN_CT_STATE_ESTABLISHED;
	}
	return kn_conn_status(state, flags);
}
EXPORT_SYMBOL_IF_KUNIT(kn_ct_next_status);

/* A packet of @c: the state moves on and the timeout starts over. */
static void kn_lb_track(struct kn_conn *c, int dir, const struct kn_pkt *p)
{
	u32 old, new;
	u32 expires;

	do {
		old = READ_ONCE(c->status);
		new = kn_ct_next_status(old, dir, p);
	} while (new != old && cmpxchg(&c->status, old, new) != old);

	expires = (u32)(jiffies + kn_ct_timeout(kn_conn_state(new)));
	if (READ_ONCE(c->expires) != expires)
		WRITE_ONCE(c->expires, expires);
}

/*
 * nf_conntrack (when loaded) sees these packets after kn, already
 * translated and without a tuple that makes sense to it: mark them
 * untracked, as the raw table's NOTRACK does, so that neither it nor
 * iptables NAT touches them.
 */
static void kn_lb_untrack(struct sk_buff *skb)
{
#if IS_ENABLED(CONFIG_NF_CONNTRACK)
	if (!skb_nfct(skb))
		skb_set_nfct(skb, IP_CT_UNTRACKED);
#endif
}

/*
 * The packet's addresses changed: it must be routed again.  Before
 * routing, the stack routes it by its new addresses, unless @by_old_src:
 * then it is routed here, by the source it came with, since its new source
 * is one of the node's own addresses (a NodePort's reply, a masqueraded
 * connection), which the input route refuses as martian.
 */
static int kn_lb_reroute(struct sk_buff *skb, const struct nf_hook_state *state,
			 __be32 old_src, bool by_old_src)
{
	const struct iphdr *iph = ip_hdr(skb);

	if (!state)
		return 0;
	if (state->hook == NF_INET_LOCAL_OUT)
		return ip_route_me_harder(state->net, state->sk, skb, RTN_UNSPEC);
	skb_dst_drop(skb);
	if (!by_old_src)
		return 0;
	return kn_compat_route_input(skb, iph->daddr, old_src, iph->tos, state->in);
}

/* A packet kn could not rewrite or route is dropped; this counts it. */
static void kn_lb_count_error(struct kn_ct_table *ct, int err)
{
	kn_ct_count(ct, err == -ENOMEM ? KN_CT_DROP_NOMEM : KN_CT_DROP_INVALID);
}

/*
 * Rewrites a packet of @c going @dir as the other direction's tuple says:
 * its source becomes what the other side sends to, its destination what
 * the other side sends from.  @state is NULL on the bridge.
 */
static int kn_lb_translate(struct sk_buff *skb, const struct kn_pkt *p,
			   const struct kn_conn *c, int dir,
			   const struct nf_hook_state *state)
{
	const struct kn_ct_tuple *other = &c->node[!dir].tuple;
	const struct kn_ct_tuple *same = &c->node[dir].tuple;
	u32 flags = kn_conn_flags(READ_ONCE(c->status));
	__be32 old_src = ip_hdr(skb)->saddr, old_dst = ip_hdr(skb)->daddr;
	struct kn_nat_target to;
	int err;

	if (p->icmp_error) {
		/* the quote is put back as the other side sent it; the outer
		 * source changes only if the error comes from the peer itself
		 */
		to = (struct kn_nat_target){ other->src, other->dst,
					     other->sport, other->dport };
		err = kn_nat_rewrite_icmp(skb, p,
					  ip_hdr(skb)->saddr == same->src ?
					  other->dst : ip_hdr(skb)->saddr,
					  other->src, &to);
	} else {
		to = (struct kn_nat_target){ other->dst, other->src,
					     other->dport, other->sport };
		if ((flags & KN_CT_F_HAIRPIN) && dir == KN_CT_DIR_ORIG &&
		    state && state->hook == NF_INET_PRE_ROUTING)
			to.src = p->tuple.src;	/* see kn_lb_new() */
		err = kn_nat_rewrite(skb, p, &to);
	}
	if (err)
		return err;
	if (state)
		kn_lb_untrack(skb);
	if ((flags & (KN_CT_F_NODEPORT | KN_CT_F_MASQUERADE)) &&
	    (ip_hdr(skb)->saddr != old_src || ip_hdr(skb)->daddr != old_dst))
		return kn_lb_reroute(skb, state, old_src, true);
	if (ip_hdr(skb)->daddr != old_dst)
		return kn_lb_reroute(skb, state, old_src, false);
	return 0;
}

/*
 * Refuses a new connection at once, as kube-proxy's REJECT rule does: ICMP
 * port unreachable, for TCP too.  Before routing the packet has no route
 * for icmp_send() to go by; it gets the one back to its sender, as
 * nf_reject's does.
 */
static void kn_lb_reject(struct sk_buff *skb, const struct nf_hook_state *state)
{
	const struct iphdr *iph = ip_hdr(skb);
	struct flowi4 fl4 = { .daddr = iph->saddr };
	struct rtable *rt;

	if (!skb_dst(skb)) {
		rt = ip_route_output_key(state->net, &fl4);
		if (IS_ERR(rt))
			return;
		skb_dst_set(skb, &rt->dst);
	}
	icmp_send(skb, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0);
}

/* A usable backend at random; with @local, one on this node. */
static struct kn_backend *kn_lb_draw(const struct kn_backend_set *set, bool local)
{
	return local ? kn_backend_pick_local(set, get_random_u64()) :
		       kn_backend_pick(set, get_random_u64());
}

static bool kn_lb_usable(const struct kn_backend *be, bool local)
{
	return be && !(be->flags & KN_BACKEND_F_TERMINATING) &&
	       (!local || (be->flags & KN_BACKEND_F_LOCAL));
}

/*
 * The backend for a new connection from @client, sticking to the one its
 * affinity entry names while that one is usable; with @local, only
 * backends on this node are.  The entry is the service's, whether the
 * connection came by its VIP or its NodePort.  Under rcu_read_lock().
 */
static struct kn_backend *kn_lb_pick(struct kn_ct_table *ct,
				     struct kn_service *svc,
				     const struct kn_backend_set *set,
				     const struct kn_ct_tuple *orig, bool local, u32 max)
{
	struct kn_ct_tuple key = {
		.src = orig->src, .dst = svc->key.addr, .dport = svc->key.port,
		.proto = orig->proto, .kind = KN_CT_KIND_AFFINITY,
	};
	unsigned long timeout = READ_ONCE(svc->affinity_timeout) * HZ;
	struct kn_conn *sticky, *got;
	struct kn_backend *be;
	int dir;

	if (READ_ONCE(svc->affinity) != KN_AFFINITY_CLIENT_IP)
		return kn_lb_draw(set, local);

	sticky = kn_ct_lookup(ct, &key, &dir);
	if (sticky) {
		be = kn_backend_find(set, sticky->node[1].tuple.src,
				     sticky->node[1].tuple.sport);
		if (kn_lb_usable(be, local)) {
			WRITE_ONCE(sticky->expires, (u32)(jiffies + timeout));
			return be;
		}
		kn_ct_remove(ct, sticky, KN_CT_REMOVED);
	}

	be = kn_lb_draw(set, local);
	sticky = kn_ct_alloc();
	if (!sticky)
		return be;	/* this connection goes without affinity */
	sticky->node[0].tuple = key;
	sticky->node[1].tuple = (struct kn_ct_tuple){
		.src = be->addr, .sport = be->port, .dst = orig->src,
		.proto = orig->proto, .kind = KN_CT_KIND_AFFINITY,
	};
	sticky->status = kn_conn_status(KN_CT_STATE_AFFINITY, KN_CT_F_AFFINITY);
	got = kn_ct_insert(ct, sticky, timeout, max);
	if (!IS_ERR(got) && got != sticky) {
		/* another CPU stuck this client first: follow it */
		struct kn_backend *first = kn_backend_find(set, got->node[1].tuple.src,
							   got->node[1].tuple.sport);

		if (kn_lb_usable(first, local))
			be = first;
	}
	return be;
}

/* The node's address towards @daddr, as MASQUERADE picks it; 0: none. */
static __be32 kn_lb_source_towards(struct net *net, __be32 daddr)
{
	struct flowi4 fl4 = { .daddr = daddr };
	struct rtable *rt;

	rt = ip_route_output_key(net, &fl4);
	if (IS_ERR(rt))
		return 0;
	ip_rt_put(rt);
	return fl4.saddr;
}

/*
 * Inserts the entry of a new connection: ORIG @orig, REPLY from @be to
 * @reply_dst:@reply_dport.  When that REPLY tuple is taken, another port:
 * with @snat from the SNAT range (@s), otherwise any.  Returns the entry
 * (another CPU's for the same connection, if it came first: *@fresh
 * false) or an ERR_PTR, counted.  Under rcu_read_lock().
 */
static struct kn_conn *kn_lb_insert(struct kn_ct_table *ct, const struct kn_settings *s,
				    const struct kn_ct_tuple *orig, __be32 reply_src,
				    __be16 reply_sport, __be32 reply_dst, __be16 reply_dport,
				    bool snat, u32 flags, bool *fresh)
{
	u8 st = orig->proto == IPPROTO_TCP ? KN_CT_STATE_SYN_SENT : KN_CT_STATE_UDP;
	struct kn_ct_tuple reply = {
		.src = reply_src, .dst = reply_dst, .sport = reply_sport,
		.dport = reply_dport, .proto = orig->proto, .kind = KN_CT_KIND_CONN,
	};
	struct kn_conn *c = NULL, *got = ERR_PTR(-EEXIST);
	int i;

	for (i = 0; i < KN_LB_PORT_TRIES && PTR_ERR_OR_ZERO(got) == -EEXIST; i++) {
		if (snat) {
			reply.dport = kn_snat_port(ct, &reply, s->snat_port_min,
						   s->snat_port_max);
			if (!reply.dport) {
				kn_ct_count(ct, KN_CT_DROP_SNAT);
				return ERR_PTR(-EADDRNOTAVAIL);
			}
		} else if (i) {
			/* The backend already answers this client address
			 * and port for another connection (the client's port
			 * reached two services with this backend): its
			 * replies could not be told apart, so this one gets
			 * another source port, as nf_conntrack's NAT does.
			 */
			reply.dport = htons(1024 + get_random_u32_below(65536 - 1024));
		}
		c = kn_ct_alloc();
		if (!c) {
			kn_ct_count(ct, KN_CT_DROP_NOMEM);
			return ERR_PTR(-ENOMEM);
		}
		c->node[0].tuple = *orig;
		c->node[1].tuple = reply;
		c->status = kn_conn_status(st, flags);
		got = kn_ct_insert(ct, c, kn_ct_timeout(st), s->conntrack_max);
	}
	if (PTR_ERR_OR_ZERO(got) == -EEXIST)
		kn_ct_count(ct, KN_CT_DROP_CLASH);
	*fresh = got == c;
	return got;
}

/*
 * The first packet of a connection to @svc, by its VIP or (@np) its
 * NodePort: a backend, an entry, the rewrite.  Under rcu_read_lock();
 * returns the verdict.
 */
static unsigned int kn_lb_new(struct kn_net *kn, struct kn_ct_table *ct,
			      struct kn_service *svc, const struct kn_nodeport *np,
			      struct sk_buff *skb, const struct kn_pkt *p,
			      const struct nf_hook_state *state)
{
	const struct kn_backend_set *set = rcu_dereference(svc->backends);
	const struct kn_settings *s = rcu_dereference(kn->settings);
	/* the node's own processes reach a NodePort as a ClusterIP */
	bool external = np && state->hook == NF_INET_PRE_ROUTING;
	bool local = external && np->policy == KN_TRAFFIC_POLICY_LOCAL;
	bool snat = external && !local;
	u32 flags = np ? KN_CT_F_NODEPORT : 0;
	__be32 reply_dst = p->tuple.src;
	struct kn_backend *be;
	struct kn_conn *got;
	bool fresh;
	int err;

	if (!set || !set->usable) {
		this_cpu_inc(svc->stats->no_backend);
		kn_ct_count(ct, KN_CT_NO_BACKEND);
		kn_lb_reject(skb, state);
		return NF_DROP;
	}
	if (local && !set->local_usable) {
		this_cpu_inc(svc->stats->no_local);
		kn_ct_count(ct, KN_CT_NO_LOCAL);
		kn_lb_reject(skb, state);
		return NF_DROP;
	}
	be = kn_lb_pick(ct, svc, set, &p->tuple, local, s->conntrack_max);

	if (snat) {
		/* externalTrafficPolicy Cluster: the backend answers the
		 * node, which may not be the one it would route the client
		 * by; the whole rewrite happens here, and kn_lb_reroute()
		 * routes the packet by the client's address.
		 */
		reply_dst = kn_lb_source_towards(state->net, be->addr);
		if (!reply_dst) {
			kn_ct_count(ct, KN_CT_DROP_INVALID);
			return NF_DROP;
		}
		flags |= KN_CT_F_SNAT;
	} else if (be->addr == p->tuple.src && state->in) {
		/* Hairpin: the client is its own backend.  Its reply would
		 * never leave it, so the connection comes from the address
		 * of the device it arrived by (kn0's) instead, with the
		 * client's port; that rewrite waits for POST_ROUTING
		 * (kn_lb_post_routing()), since a packet from one of the
		 * host's own addresses would not be routed.
		 */
		reply_dst = inet_select_addr(state->in, be->addr, RT_SCOPE_UNIVERSE);
		if (!reply_dst) {
			kn_ct_count(ct, KN_CT_DROP_INVALID);
			return NF_DROP;
		}
		flags |= KN_CT_F_SNAT | KN_CT_F_HAIRPIN;
	}
	got = kn_lb_insert(ct, s, &p->tuple, be->addr, be->port, reply_dst,
			   p->tuple.sport, snat, flags, &fresh);
	if (IS_ERR(got)) {
		if (PTR_ERR(got) == -EADDRNOTAVAIL)
			kn_lb_reject(skb, state);	/* no SNAT port: fail at once */
		return NF_DROP;
	}
	if (fresh) {
		this_cpu_inc(svc->stats->connections);
		atomic64_inc(&be->connections);
	}
	err = kn_lb_translate(skb, p, got, KN_CT_DIR_ORIG, state);
	if (err) {
		kn_lb_count_error(ct, err);
		return NF_DROP;
	}
	return NF_ACCEPT;
}

/*
 * The node redirects a pod that sent it a packet it routed straight back
 * out of kn0: to a VIP, the redirect names the backend as next hop (for a
 * hairpin connection, the pod itself), and a pod that takes it sends the
 * VIP's packets to the backend's MAC, past the translation, and loses its
 * connections.  The "all" sysctl overrides a device's send_redirects, so
 * kn cannot turn them off on kn0 alone; it stops them here instead, all
 * of them: kn0 switches its pods to each other, no redirect through it
 * ever helps.
 */
static bool kn_lb_redirect_leaks(const struct kn_pkt *p, const struct kn_conn *c,
				 const struct nf_hook_state *state)
{
	if (p->icmp_type != ICMP_REDIRECT)
		return false;
	return c || (state && state->hook == NF_INET_LOCAL_OUT && state->out &&
		     kn_dev_is_bridge(state->out));
}

static unsigned int kn_lb_hook(void *priv, struct sk_buff *skb,
			       const struct nf_hook_state *state)
{
	struct kn_net *kn = kn_net(state->net);
	struct kn_ct_table *ct = kn_lb_table(kn);
	struct kn_nodeport *np = NULL;
	struct kn_service_key key;
	struct kn_service *svc;
	struct kn_conn *c;
	struct kn_pkt p;
	int dir, err;

	if (unlikely(!ct))
		return NF_ACCEPT;
	err = kn_nat_parse(skb, &p);
	if (err == -EPROTONOSUPPORT)
		return NF_ACCEPT;
	if (unlikely(err)) {
		kn_ct_count(ct, KN_CT_DROP_INVALID);
		return NF_DROP;
	}

	c = kn_ct_lookup(ct, &p.tuple, &dir);
	if (p.icmp_error) {
		if (kn_lb_redirect_leaks(&p, c, state)) {
			kn_ct_count(ct, KN_CT_DROP_REDIRECT);
			return NF_DROP;
		}
		if (c) {
			err = kn_lb_translate(skb, &p, c, dir, state);
			if (err) {
				kn_lb_count_error(ct, err);
				return NF_DROP;
			}
		}
		return NF_ACCEPT;
	}
	if (c) {
		u8 st = kn_conn_state(READ_ONCE(c->status));

		/* A new SYN on a closed connection's tuple (a client reusing
		 * its port): a new connection, free to go elsewhere.
		 */
		if (dir == KN_CT_DIR_ORIG &&
		    (p.tcp_flags & (TCPHDR_SYN | TCPHDR_ACK)) == TCPHDR_SYN &&
		    (st == KN_CT_STATE_TIME_WAIT || st == KN_CT_STATE_CLOSE)) {
			kn_ct_remove(ct, c, KN_CT_REMOVED);
		} else {
			kn_lb_track(c, dir, &p);
			err = kn_lb_translate(skb, &p, c, dir, state);
			if (err) {
				kn_lb_count_error(ct, err);
				return NF_DROP;
			}
			return NF_ACCEPT;
		}
	}

	key = kn_service_key(p.tuple.dst, p.tuple.dport, p.tuple.proto);
	svc = kn_services_lookup(&kn->services, &key);
	if (!svc) {
		/* the port first: most packets are to no NodePort, and the
		 * address check costs a FIB lookup
		 */
		np = kn_nodeport_lookup(&kn->services, p.tuple.dport, p.tuple.proto);
		if (!np || ipv4_is_loopback(p.tuple.dst) ||
		    inet_addr_type(state->net, p.tuple.dst) != RTN_LOCAL)
			return NF_ACCEPT;
		svc = np->svc;
	}
	if (p.tcp_flags & TCPHDR_RST)
		return NF_DROP;	/* resets nothing kn knows of */
	return kn_lb_new(kn, ct, svc, np, skb, &p, state);
}

bool kn_lb_bridged(struct net *net, struct sk_buff *skb)
{
	struct kn_ct_table *ct = kn_lb_table(kn_net(net));
	struct kn_conn *c;
	struct kn_pkt p;
	int dir;

	if (!ct || kn_nat_parse(skb, &p))
		return true;
	c = kn_ct_lookup(ct, &p.tuple, &dir);
	/* Only replies whose destination stays can be switched: a hairpin
	 * reply is addressed to kn0 and goes through the host's hooks.
	 */
	if (kn_lb_redirect_leaks(&p, c, NULL)) {
		kn_ct_count(ct, KN_CT_DROP_REDIRECT);
		return false;
	}
	if (!c || dir != KN_CT_DIR_REPLY ||
	    (kn_conn_flags(READ_ONCE(c->status)) & KN_CT_F_SNAT))
		return true;
	if (!p.icmp_error)
		kn_lb_track(c, dir, &p);
	if (kn_lb_translate(skb, &p, c, dir, NULL)) {
		kn_ct_count(ct, KN_CT_DROP_NOMEM);
		return false;
	}
	return true;
}

/*
 * The second half of a hairpin connection's first rewrite: routed back to
 * where it came from (source and destination now the same pod), it leaves
 * from the address of the device it goes out by, as its entry says.
 */
static unsigned int kn_lb_hairpin(struct kn_ct_table *ct, struct sk_buff *skb,
				  const struct nf_hook_state *state)
{
	struct kn_nat_target to;
	struct kn_ct_tuple key;
	struct kn_conn *c;
	struct kn_pkt p;
	int dir;

	if (kn_nat_parse(skb, &p) || p.icmp_error)
		return NF_ACCEPT;
	key = (struct kn_ct_tuple){
		.src = p.tuple.dst, .sport = p.tuple.dport,
		.dst = inet_select_addr(state->out, p.tuple.dst, RT_SCOPE_UNIVERSE),
		.dport = p.tuple.sport, .proto = p.tuple.proto,
		.kind = KN_CT_KIND_CONN,
	};
	c = kn_ct_lookup(ct, &key, &dir);
	if (!c || dir != KN_CT_DIR_REPLY ||
	    !(kn_conn_flags(READ_ONCE(c->status)) & KN_CT_F_HAIRPIN))
		return NF_ACCEPT;
	to = (struct kn_nat_target){ key.dst, p.tuple.dst, p.tuple.sport, p.tuple.dport };
	if (kn_nat_rewrite(skb, &p, &to)) {
		kn_ct_count(ct, KN_CT_DROP_NOMEM);
		return NF_DROP;
	}
	return NF_ACCEPT;
}

static bool kn_lb_in_cluster(const struct kn_settings *s, __be32 addr)
{
	return !((addr ^ s->cluster_cidr_addr) & inet_make_mask(s->cluster_cidr_prefix));
}

/*
 * Egress masquerade (flannel's ip-masq): the first packet of a pod's
 * connection to the world beyond the Pod CIDR leaves with the address of
 * the device it goes out by and a port from the SNAT range; its entry
 * rewrites the connection's later packets in PRE_ROUTING, and its replies.
 */
static unsigned int kn_lb_masquerade(struct kn_net *kn, struct kn_ct_table *ct,
				     struct sk_buff *skb,
				     const struct nf_hook_state *state)
{
	const struct kn_settings *s = rcu_dereference(kn->settings);
	const struct iphdr *iph = ip_hdr(skb);
	struct kn_nat_target to;
	struct kn_conn *got;
	struct kn_pkt p;
	__be32 src;
	bool fresh;
	int dir;

	if (!s->masquerade || !kn_lb_in_cluster(s, iph->saddr) ||
	    kn_lb_in_cluster(s, iph->daddr) || (state->out->flags & IFF_LOOPBACK) ||
	    kn_dev_is_bridge(state->out))
		return NF_ACCEPT;
	if (kn_nat_parse(skb, &p) || p.icmp_error)
		return NF_ACCEPT;
	/* A connection kn already translated (a service's backend outside
	 * the Pod CIDR): its replies follow its own entry, which one
	 * lookup per packet cannot chain with a second.
	 */
	swap(p.tuple.src, p.tuple.dst);
	swap(p.tuple.sport, p.tuple.dport);
	if (kn_ct_lookup(ct, &p.tuple, &dir))
		return NF_ACCEPT;
	swap(p.tuple.src, p.tuple.dst);
	swap(p.tuple.sport, p.tuple.dport);

	src = inet_select_addr(state->out, rt_nexthop(skb_rtable(skb), iph->daddr),
			       RT_SCOPE_UNIVERSE);
	if (!src) {
		kn_ct_count(ct, KN_CT_DROP_INVALID);
		return NF_DROP;
	}
	got = kn_lb_insert(ct, s, &p.tuple, p.tuple.dst, p.tuple.dport, src, 0, true,
			   KN_CT_F_SNAT | KN_CT_F_MASQUERADE, &fresh);
	if (IS_ERR(got))
		return NF_DROP;
	if (fresh)
		kn_ct_count(ct, KN_CT_MASQUERADED);
	to = (struct kn_nat_target){
		got->node[KN_CT_DIR_REPLY].tuple.dst, p.tuple.dst,
		got->node[KN_CT_DIR_REPLY].tuple.dport, p.tuple.dport,
	};
	if (kn_nat_rewrite(skb, &p, &to)) {
		kn_ct_count(ct, KN_CT_DROP_NOMEM);
		return NF_DROP;
	}
	/* nf_conntrack, when loaded, tracked it as the pod's: forget that */
	nf_reset_ct(skb);
	kn_lb_untrack(skb);
	return NF_ACCEPT;
}

/* POST_ROUTING: the end of a hairpin rewrite, and egress masquerade. */
static unsigned int kn_lb_post_routing(void *priv, struct sk_buff *skb,
				       const struct nf_hook_state *state)
{
	struct kn_net *kn = kn_net(state->net);
	struct kn_ct_table *ct = kn_lb_table(kn);
	const struct iphdr *iph = ip_hdr(skb);

	if (unlikely(!ct) || !state->out)
		return NF_ACCEPT;
	if (unlikely(iph->saddr == iph->daddr))
		return kn_lb_hairpin(ct, skb, state);
	return kn_lb_masquerade(kn, ct, skb, state);
}

/*
 * PRE_ROUTING sees what pods and the wire send (kn0 hands pods' packets up
 * the host's stack), LOCAL_OUT what the node's own processes send.  Both
 * at NF_IP_PRI_CONNTRACK_DEFRAG + 1: after defragmentation (a datagram's
 * ports are in its first fragment only), before nf_conntrack (-200) and
 * iptables' raw, mangle and nat tables, so kn translates whether or not
 * those are loaded and they see the translated packet, untracked.
 * POST_ROUTING finishes hairpin connections and masquerades, at NAT's
 * source priority (the packets kn translated are untracked: NAT leaves
 * them alone).
 */
static const struct nf_hook_ops kn_lb_hook_ops[] = {
	{
		.hook = kn_lb_hook,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_PRE_ROUTING,
		.priority = NF_IP_PRI_CONNTRACK_DEFRAG + 1,
	},
	{
		.hook = kn_lb_hook,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = NF_IP_PRI_CONNTRACK_DEFRAG + 1,
	},
	{
		.hook = kn_lb_post_routing,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_POST_ROUTING,
		.priority = NF_IP_PRI_NAT_SRC,
	},
};

int kn_lb_enable(struct kn_net *kn)
{
	const struct kn_settings *settings;
	struct kn_ct_table *ct;
	int err;

	lockdep_assert_held(&kn->config_lock);
	if (kn->ct)
		return 0;
	settings = rcu_dereference_protected(kn->settings,
					     lockdep_is_held(&kn->config_lock));
	ct = kn_ct_create(settings->conntrack_max);
	if (!ct)
		return -ENOMEM;
	err = nf_defrag_ipv4_enable(kn->net);
	if (err)
		goto err_defrag;
	/* the hooks find the table as soon as they run */
	smp_store_release(&kn->ct, ct);
	err = nf_register_net_hooks(kn->net, kn_lb_hook_ops,
				    ARRAY_SIZE(kn_lb_hook_ops));
	if (err)
		goto err_hooks;
	return 0;

err_hooks:
	WRITE_ONCE(kn->ct, NULL);
	nf_defrag_ipv4_disable(kn->net);
err_defrag:
	synchronize_net();	/* a kn device's bridge path may have seen it */
	kn_ct_destroy(ct);
	return err;
}

/* After the namespace's kn devices are gone. */
void kn_lb_net_exit(struct kn_net *kn)
{
	if (!kn->ct)
		return;
	nf_unregister_net_hooks(kn->net, kn_lb_hook_ops, ARRAY_SIZE(kn_lb_hook_ops));
	nf_defrag_ipv4_disable(kn->net);
	kn_ct_destroy(kn->ct);
	kn->ct = NULL;
}

bool kn_lb_matches(const struct kn_conn *c, const struct kn_lb_match *m)
{
	const struct kn_ct_tuple *orig = &c->node[KN_CT_DIR_ORIG].tuple;
	const struct kn_ct_tuple *reply = &c->node[KN_CT_DIR_REPLY].tuple;

	if (orig->proto != m->svc.proto)
		return false;
	/* a NodePort's entries name the node's address, not the VIP */
	if (!(m->vip && orig->dst == m->svc.addr && orig->dport == m->svc.port) &&
	    !(m->nodeport && orig->dport == m->nodeport &&
	      (kn_conn_flags(READ_ONCE(c->status)) & KN_CT_F_NODEPORT)))
		return false;
	return !m->be || (reply->src == m->be->addr && reply->sport == m->be->port);
}
EXPORT_SYMBOL_IF_KUNIT(kn_lb_matches);

static bool kn_lb_match_one(const struct kn_conn *c, const void *m)
{
	return kn_lb_matches(c, m);
}

void kn_lb_flush(struct kn_net *kn, const struct kn_lb_match *m)
{
	struct kn_ct_table *ct = kn_lb_table(kn);

	if (ct)
		kn_ct_remove_matching(ct, m ? kn_lb_match_one : NULL, m);
}

void kn_lb_forget(struct kn_net *kn, const struct kn_lb_match *m)
{
	lockdep_assert_held(&kn->config_lock);
	if (!kn->ct || !atomic_read(&kn->ct->count))
		return;
	/* A packet that found the service or the backend before it went may
	 * still be adding an entry for it; after a grace period none can.
	 */
	synchronize_rcu();
	kn_ct_remove_matching(kn->ct, kn_lb_match_one, m);
}

/*
 * Whether a pod at @addr runs on this node: @addr lies in the subnet of an
 * address of one of the namespace's kn devices (kn0's pod subnet).
 */
bool kn_lb_pod_is_local(struct net *net, __be32 addr)
{
	const struct in_ifaddr *ifa;
	struct net_device *dev;
	bool local = false;

	rcu_read_lock();
	for_each_netdev_rcu(net, dev) {
		const struct in_device *in_dev = __in_dev_get_rcu(dev);

		if (!in_dev || !kn_dev_is_bridge(dev))
			continue;
		in_dev_for_each_ifa_rcu(ifa, in_dev)
			local |= inet_ifa_match(addr, ifa);
	}
	rcu_read_unlock();
	return local;
}
