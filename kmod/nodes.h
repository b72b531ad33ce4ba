/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KN_NODES_H
#define _KN_NODES_H

#include <linux/if_ether.h>
#include <linux/rculist.h>
#include <linux/rhashtable-types.h>
#include <linux/types.h>
#include <net/dst_cache.h>

/* What names an entry: a prefix and its length, host bits clear. */
struct kn_node_key {
	__be32 prefix;
	u8 len;
	u8 pad[3];			/* zero: the key is hashed as bytes */
};

/*
 * A remote node: the pod subnet @key lives behind the VTEP @remote, which
 * expects inner frames addressed to @mac.  Immutable once published (a
 * change is a replacement), except @dst_cache, which is per CPU.
 */
struct kn_node {
	struct rhash_head hash;
	struct list_head list;		/* kn_nodes.list, for dumps */
	struct kn_node_key key;
	__be32 remote;
	u8 mac[ETH_ALEN] __aligned(2);
	bool mac_set;			/* @mac was configured, not derived */
	struct dst_cache dst_cache;	/* the underlay route to @remote */
	struct rcu_head rcu;
};

/*
 * The remote-node table of a kn device: a longest-prefix-match table built
 * as one hash table keyed by (prefix, length) and @lens, a bitmap of the
 * lengths in use.  A lookup probes the lengths in use from the longest
 * down, so it costs one hash lookup per distinct prefix length (one in a
 * cluster whose nodes all have /24s), whatever the number of nodes.
 *
 * Writers are serialized by the caller (RTNL, see bridge.h); lookups and
 * dumps run under rcu_read_lock() and take no lock.  Entries are freed after
 * a grace period.
 */
struct kn_nodes {
	struct rhashtable table;
	struct list_head list;		/* every entry, in insertion order */
	u64 lens;			/* bit n: some entry is a /n; READ_ONCE */
	u32 len_count[33];		/* entries per prefix length */
	u32 count;			/* READ_ONCE outside the writer */
	u32 gen;			/* bumped by every change; READ_ONCE */
};

/* A node to add, as a request gives it. */
struct kn_node_config {
	__be32 prefix;
	u8 len;
	__be32 remote;
	bool mac_set;
	u8 mac[ETH_ALEN];
};

int kn_nodes_init(struct kn_nodes *nodes);
void kn_nodes_uninit(struct kn_nodes *nodes);

int kn_node_config_check(const struct kn_node_config *cfg,
			 struct netlink_ext_ack *extack);
int kn_nodes_add(struct kn_nodes *nodes, const struct kn_node_config *cfg,
		 bool replace, struct netlink_ext_ack *extack);
int kn_nodes_del(struct kn_nodes *nodes, __be32 prefix, u8 len,
		 struct netlink_ext_ack *extack);
void kn_nodes_flush(struct kn_nodes *nodes);
struct kn_node *kn_nodes_lookup(struct kn_nodes *nodes, __be32 addr);

static inline u32 kn_nodes_count(const struct kn_nodes *nodes)
{
	return READ_ONCE(nodes->count);
}

static inline u32 kn_nodes_gen(const struct kn_nodes *nodes)
{
	return READ_ONCE(nodes->gen);
}

#endif /* _KN_NODES_H */
