// SPDX-License-Identifier: GPL-2.0
/*
 * The remote-node table of a kn device: which node's VTEP a pod address
 * lives behind (longest prefix match), with a cached underlay route per
 * node.  nodes.h has the structure and the locking rules.
 */
#include <linux/etherdevice.h>
#include <linux/inetdevice.h>
#include <linux/netlink.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <kunit/visibility.h>

#include "uapi/kn.h"
#include "nodes.h"

static const struct rhashtable_params kn_nodes_params = {
	.head_offset = offsetof(struct kn_node, hash),
	.key_offset = offsetof(struct kn_node, key),
	.key_len = sizeof(struct kn_node_key),
	.automatic_shrinking = true,
};

static struct kn_node_key kn_node_key(__be32 prefix, u8 len)
{
	return (struct kn_node_key){ .prefix = prefix, .len = len };
}

int kn_nodes_init(struct kn_nodes *nodes)
{
	memset(nodes, 0, sizeof(*nodes));
	INIT_LIST_HEAD(&nodes->list);
	return rhashtable_init(&nodes->table, &kn_nodes_params);
}
EXPORT_SYMBOL_IF_KUNIT(kn_nodes_init);

static void kn_node_free(struct kn_node *node)
{
	dst_cache_destroy(&node->dst_cache);
	kfree(node);
}

/* free_percpu() and dst_release() may run in softirq: fine here. */
static void kn_node_free_rcu(struct rcu_head *rcu)
{
	kn_node_free(container_of(rcu, struct kn_node, rcu));
}

/*
 * The table goes with its device, once no reader can be left; entries
 * still in it are freed after a grace period all the same, so a caller
 * that cannot promise that (a test) is safe too.
 */
void kn_nodes_uninit(struct kn_nodes *nodes)
{
	kn_nodes_flush(nodes);
	rhashtable_destroy(&nodes->table);
}
EXPORT_SYMBOL_IF_KUNIT(kn_nodes_uninit);

/* Checks a node request whole; changes nothing. */
int kn_node_config_check(const struct kn_node_config *cfg,
			 struct netlink_ext_ack *extack)
{
	if (cfg->len > 32) {
		NL_SET_ERR_MSG(extack, "prefix length must be 0 to 32");
		return -EINVAL;
	}
	if (cfg->prefix & ~inet_make_mask(cfg->len)) {
		NL_SET_ERR_MSG(extack, "node prefix has host bits set");
		return -EINVAL;
	}
	if (ipv4_is_zeronet(cfg->remote) || ipv4_is_multicast(cfg->remote) ||
	    ipv4_is_lbcast(cfg->remote) || ipv4_is_loopback(cfg->remote)) {
		NL_SET_ERR_MSG(extack, "node address must be a unicast IPv4 address");
		return -EINVAL;
	}
	if (cfg->mac_set && !is_valid_ether_addr(cfg->mac)) {
		NL_SET_ERR_MSG(extack, "node VTEP MAC must be a unicast address");
		return -EINVAL;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(kn_node_config_check);

static struct kn_node *kn_node_new(const struct kn_node_config *cfg)
{
	struct kn_node *node;

	node = kzalloc(sizeof(*node), GFP_KERNEL);
	if (!node)
		return NULL;
	if (dst_cache_init(&node->dst_cache, GFP_KERNEL)) {
		kfree(node);
		return NULL;
	}
	node->key = kn_node_key(cfg->prefix, cfg->len);
	node->remote = cfg->remote;
	node->mac_set = cfg->mac_set;
	if (cfg->mac_set) {
		ether_addr_copy(node->mac, cfg->mac);
	} else {
		/* 0e:6b:<remote>, see KN_NODE_MAC_DERIVED_0 in uapi/kn.h */
		node->mac[0] = KN_NODE_MAC_DERIVED_0;
		node->mac[1] = KN_NODE_MAC_DERIVED_1;
		memcpy(&node->mac[2], &cfg->remote, sizeof(cfg->remote));
	}
	return node;
}

static void kn_nodes_count_len(struct kn_nodes *nodes, u8 len, int delta)
{
	nodes->len_count[len] += delta;
	if (nodes->len_count[len])
		WRITE_ONCE(nodes->lens, nodes->lens | BIT_ULL(len));
	else
		WRITE_ONCE(nodes->lens, nodes->lens & ~BIT_ULL(len));
	WRITE_ONCE(nodes->count, nodes->count + delta);
}

/*
 * Adds a node, or with @replace swaps it in for the entry with the same
 * prefix (readers see the old or the new one, never neither).  The caller
 * serializes writers and has checked @cfg with kn_node_config_check().
 */
int kn_nodes_add(struct kn_nodes *nodes, const struct kn_node_config *cfg,
		 bool replace, struct netlink_ext_ack *extack)
{
	struct kn_node_key key = kn_node_key(cfg->prefix, cfg->len);
	struct kn_node *old, *node;
	int err;

	old = rhashtable_lookup_fast(&nodes->table, &key, kn_nodes_params);
	if (old && !replace) {
		NL_SET_ERR_MSG(extack, "a node with this prefix exists (replace it instead)");
		return -EEXIST;
	}
	if (!old && nodes->count >= KN_NODES_MAX) {
		NL_SET_ERR_MSG(extack, "the node table is full");
		return -ENOSPC;
	}
	node = kn_node_new(cfg);
	if (!node)
		return -ENOMEM;

	if (old) {
		err = rhashtable_replace_fast(&nodes->table, &old->hash,
					      &node->hash, kn_nodes_params);
		if (err)
			goto err_free;
		list_replace_rcu(&old->list, &node->list);
		call_rcu(&old->rcu, kn_node_free_rcu);
	} else {
		err = rhashtable_insert_fast(&nodes->table, &node->hash,
					     kn_nodes_params);
		if (err)
			goto err_free;
		list_add_tail_rcu(&node->list, &nodes->list);
		kn_nodes_count_len(nodes, cfg->len, 1);
	}
	WRITE_ONCE(nodes->gen, nodes->gen + 1);
	return 0;

err_free:
	kn_node_free(node);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(kn_nodes_add);

static void kn_nodes_unlink(struct kn_nodes *nodes, struct kn_node *node)
{
	rhashtable_remove_fast(&nodes->table, &node->hash, kn_nodes_params);
	list_del_rcu(&node->list);
	kn_nodes_count_len(nodes, node->key.len, -1);
	WRITE_ONCE(nodes->gen, nodes->gen + 1);
	call_rcu(&node->rcu, kn_node_free_rcu);
}

/* Deletes the entry for exactly @prefix/@len.  Writers serialized. */
int kn_nodes_del(struct kn_nodes *nodes, __be32 prefix, u8 len,
		 struct netlink_ext_ack *extack)
{
	struct kn_node_key key = kn_node_key(prefix, len);
	struct kn_node *node;

	node = rhashtable_lookup_fast(&nodes->table, &key, kn_nodes_params);
	if (!node) {
		NL_SET_ERR_MSG(extack, "no node with this prefix");
		return -ENOENT;
	}
	kn_nodes_unlink(nodes, node);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(kn_nodes_del);

/* Deletes every entry.  Writers serialized. */
void kn_nodes_flush(struct kn_nodes *nodes)
{
	struct kn_node *node, *tmp;

	list_for_each_entry_safe(node, tmp, &nodes->list, list)
		kn_nodes_unlink(nodes, node);
}
EXPORT_SYMBOL_IF_KUNIT(kn_nodes_flush);

/*
 * The node whose prefix is the longest to contain @addr, or NULL.  Called
 * under rcu_read_lock(); the entry stays valid until it is dropped.
 */
struct kn_node *kn_nodes_lookup(struct kn_nodes *nodes, __be32 addr)
{
	u64 lens = READ_ONCE(nodes->lens);
	struct kn_node_key key = {};
	struct kn_node *node;
	int len;

	while (lens) {
		len = fls64(lens) - 1;
		key.prefix = addr & inet_make_mask(len);
		key.len = len;
		node = rhashtable_lookup(&nodes->table, &key, kn_nodes_params);
		if (node)
			return node;
		lens &= ~BIT_ULL(len);
	}
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(kn_nodes_lookup);
