/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KN_LB_H
#define _KN_LB_H

#include <linux/skbuff.h>
#include <net/net_namespace.h>

#include "nat.h"
#include "netns.h"
#include "services.h"

/*
 * The packet path of services (ClusterIP): netfilter hooks that translate
 * new connections to a backend and every later packet through the
 * connection table, and the same translation for the replies a kn device
 * switches between its ports.  uapi/kn.h, "Services", has the semantics.
 */

/* Makes the namespace's connection table and hooks; under config_lock. */
int kn_lb_enable(struct kn_net *kn);
/* With the namespace. */
void kn_lb_net_exit(struct kn_net *kn);

/*
 * A frame a kn device switches from one port to another (its data at the
 * IPv4 header): a reply of a translated connection is translated.  Returns
 * false when the frame must be dropped (no memory to rewrite it).
 */
bool kn_lb_bridged(struct net *net, struct sk_buff *skb);

/* Which connections a flush, a forget or a dump is about. */
struct kn_lb_match {
	struct kn_service_key svc;
	bool vip;			/* those to its VIP, affinity included */
	__be16 nodeport;		/* those to this NodePort (0: none) */
	const struct kn_backend_config *be; /* only those to it (NULL: all) */
};

bool kn_lb_matches(const struct kn_conn *c, const struct kn_lb_match *m);

/* Removes the entries @m names (NULL: every entry). */
void kn_lb_flush(struct kn_net *kn, const struct kn_lb_match *m);
/*
 * After the service, NodePort or backend @m names was unpublished: removes the
 * entries that lead there, including any a packet was adding meanwhile.
 * Under config_lock; may sleep.  The caller skips it for a service or
 * backend that never got a connection: the only entry that can then exist
 * is one a packet added in the instant of the delete, which the client
 * uses until it closes, as if the delete had come a moment later.
 */
void kn_lb_forget(struct kn_net *kn, const struct kn_lb_match *m);

/* Whether a pod at @addr runs on this node (KN_BACKEND_F_LOCAL). */
bool kn_lb_pod_is_local(struct net *net, __be32 addr);

/* The namespace's connection table, NULL until its first service. */
static inline struct kn_ct_table *kn_lb_table(struct kn_net *kn)
{
	/* published once, after it is made; see kn_lb_enable() */
	return smp_load_acquire(&kn->ct);
}

#if IS_ENABLED(CONFIG_KUNIT)
u32 kn_ct_next_status(u32 status, int dir, const struct kn_pkt *p);
#endif

#endif /* _KN_LB_H */
