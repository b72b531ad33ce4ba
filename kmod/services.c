// SPDX-License-Identifier: GPL-2.0
/*
 * The service table of a network namespace: services by VIP:PORT/PROTO and
 * their backend sets, with the O(1) weighted pick the packet path uses.
 * services.h has the structures and the locking rules.
 */
#include <linux/inetdevice.h>
#include <linux/jhash.h>
#include <linux/log2.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <kunit/visibility.h>

#include "uapi/kn.h"
#include "services.h"

static const struct rhashtable_params kn_services_params = {
	.head_offset = offsetof(struct kn_service, hash),
	.key_offset = offsetof(struct kn_service, key),
	.key_len = sizeof(struct kn_service_key),
	.automatic_shrinking = true,
};

static const struct rhashtable_params kn_nodeports_params = {
	.head_offset = offsetof(struct kn_nodeport, hash),
	.key_offset = offsetof(struct kn_nodeport, key),
	.key_len = sizeof(struct kn_nodeport_key),
	.automatic_shrinking = true,
};

int kn_services_init(struct kn_services *services)
{
	int err;

	memset(services, 0, sizeof(*services));
	INIT_LIST_HEAD(&services->list);
	err = rhashtable_init(&services->table, &kn_services_params);
	if (err)
		return err;
	err = rhashtable_init(&services->nodeports, &kn_nodeports_params);
	if (err)
		rhashtable_destroy(&services->table);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(kn_services_init);

void kn_backend_set_free(struct kn_backend_set *set)
{
	kvfree(set);
}
EXPORT_SYMBOL_IF_KUNIT(kn_backend_set_free);

static void kn_backend_set_free_rcu(struct rcu_head *rcu)
{
	kn_backend_set_free(container_of(rcu, struct kn_backend_set, rcu));
}

static void kn_backend_free_rcu(struct rcu_head *rcu)
{
	kfree(container_of(rcu, struct kn_backend, rcu));
}

/* The service and everything it owns; no reader may be left. */
static void kn_service_free(struct kn_service *svc)
{
	struct kn_backend_set *set = rcu_dereference_protected(svc->backends, true);
	u32 i;

	if (set) {
		for (i = 0; i < set->count; i++)
			kfree(set->backends[i]);
		kn_backend_set_free(set);
	}
	kfree(rcu_dereference_protected(svc->nodeport, true));
	free_percpu(svc->stats);
	kfree(svc);
}

static void kn_service_free_rcu_cb(struct rcu_head *rcu)
{
	kn_service_free(container_of(rcu, struct kn_service, rcu));
}

void kn_service_free_rcu(struct kn_service *svc)
{
	call_rcu(&svc->rcu, kn_service_free_rcu_cb);
}
EXPORT_SYMBOL_IF_KUNIT(kn_service_free_rcu);

static void kn_services_free_one(void *ptr, void *arg)
{
	kn_service_free(ptr);
}

/* With the namespace: no reader can be left (the hooks are gone). */
void kn_services_uninit(struct kn_services *services)
{
	/* the services own their NodePorts */
	rhashtable_destroy(&services->nodeports);
	rhashtable_free_and_destroy(&services->table, kn_services_free_one, NULL);
	INIT_LIST_HEAD(&services->list);
	services->count = 0;
}
EXPORT_SYMBOL_IF_KUNIT(kn_services_uninit);

/* 0.0.0.0/8 too, as overlay decap: ipv4_is_zeronet() is 0.0.0.0 alone since 5.3 */
static bool kn_addr_is_unicast(__be32 addr)
{
	return !((addr & htonl(0xff000000)) == 0 || ipv4_is_multicast(addr) ||
		 ipv4_is_lbcast(addr) || ipv4_is_loopback(addr));
}

int kn_service_config_check(const struct kn_service_config *cfg,
			    struct netlink_ext_ack *extack)
{
	if (!kn_addr_is_unicast(cfg->key.addr)) {
		NL_SET_ERR_MSG(extack, "service address must be a unicast IPv4 address");
		return -EINVAL;
	}
	if (!cfg->key.port) {
		NL_SET_ERR_MSG(extack, "service port must be 1 to 65535");
		return -EINVAL;
	}
	if (cfg->key.proto != IPPROTO_TCP && cfg->key.proto != IPPROTO_UDP) {
		NL_SET_ERR_MSG(extack, "service protocol must be TCP or UDP");
		return -EINVAL;
	}
	if (cfg->affinity > KN_AFFINITY_MAX) {
		NL_SET_ERR_MSG(extack, "unknown affinity");
		return -EINVAL;
	}
	if (cfg->affinity_timeout < 1 ||
	    cfg->affinity_timeout > KN_AFFINITY_TIMEOUT_MAX) {
		NL_SET_ERR_MSG(extack, "affinity timeout must be 1 to 86400 seconds");
		return -EINVAL;
	}
	if (cfg->policy > KN_TRAFFIC_POLICY_MAX) {
		NL_SET_ERR_MSG(extack, "unknown traffic policy");
		return -EINVAL;
	}
	if (cfg->policy != KN_TRAFFIC_POLICY_CLUSTER && !cfg->nodeport) {
		NL_SET_ERR_MSG(extack, "a traffic policy needs a NodePort");
		return -EINVAL;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(kn_service_config_check);

int kn_backend_config_check(const struct kn_backend_config *cfg,
			    struct netlink_ext_ack *extack)
{
	if (!kn_addr_is_unicast(cfg->addr)) {
		NL_SET_ERR_MSG(extack, "backend address must be a unicast IPv4 address");
		return -EINVAL;
	}
	if (!cfg->port) {
		NL_SET_ERR_MSG(extack, "backend port must be 1 to 65535");
		return -EINVAL;
	}
	if (!cfg->weight) {
		NL_SET_ERR_MSG(extack, "backend weight must be 1 to 65535");
		return -EINVAL;
	}
	if (cfg->flags & ~__KN_BACKEND_F_ALL) {
		NL_SET_ERR_MSG(extack, "unknown backend flags");
		return -EINVAL;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(kn_backend_config_check);

struct kn_service *kn_services_lookup(struct kn_services *services,
				      const struct kn_service_key *key)
{
	return rhashtable_lookup(&services->table, key, kn_services_params);
}
EXPORT_SYMBOL_IF_KUNIT(kn_services_lookup);

static void kn_services_changed(struct kn_services *services)
{
	WRITE_ONCE(services->gen, services->gen + 1);
}

struct kn_nodeport *kn_nodeport_lookup(struct kn_services *services,
				       __be16 port, u8 proto)
{
	struct kn_nodeport_key key = { .port = port, .proto = proto };

	return rhashtable_lookup(&services->nodeports, &key, kn_nodeports_params);
}
EXPORT_SYMBOL_IF_KUNIT(kn_nodeport_lookup);

/*
 * The NodePort @cfg asks @svc (NULL: a new service) to have, made but not
 * published; NULL with *@err 0 when it asks for none.
 */
static struct kn_nodeport *kn_nodeport_make(struct kn_services *services,
					    const struct kn_service *svc,
					    const struct kn_service_config *cfg,
					    int *err, struct netlink_ext_ack *extack)
{
	struct kn_nodeport_key key = { .port = cfg->nodeport, .proto = cfg->key.proto };
	struct kn_nodeport *np, *holder;

	*err = 0;
	if (!cfg->nodeport)
		return NULL;
	holder = rhashtable_lookup_fast(&services->nodeports, &key, kn_nodeports_params);
	if (holder && holder->svc != svc) {
		NL_SET_ERR_MSG(extack, "another service has this NodePort");
		*err = -EADDRINUSE;
		return NULL;
	}
	np = kzalloc(sizeof(*np), GFP_KERNEL);
	if (!np) {
		*err = -ENOMEM;
		return NULL;
	}
	np->key = key;
	np->policy = cfg->policy;
	return np;
}

/*
 * Publishes @np (NULL: none) as @svc's NodePort in place of the old one: a
 * packet finds the old or the new.  *@gone is the old port when the
 * service no longer has it (0: none).  On error nothing changed.
 */
static int kn_service_swap_nodeport(struct kn_services *services,
				    struct kn_service *svc, struct kn_nodeport *np,
				    __be16 *gone)
{
	struct kn_nodeport *old = rcu_dereference_protected(svc->nodeport, true);
	int err;

	*gone = 0;
	if (np) {
		np->svc = svc;
		if (old && old->key.port == np->key.port)
			err = rhashtable_replace_fast(&services->nodeports, &old->hash,
						      &np->hash, kn_nodeports_params);
		else
			err = rhashtable_insert_fast(&services->nodeports, &np->hash,
						     kn_nodeports_params);
		if (err)
			return err;
	}
	if (old) {
		if (!np || old->key.port != np->key.port) {
			rhashtable_remove_fast(&services->nodeports, &old->hash,
					       kn_nodeports_params);
			*gone = old->key.port;
		}
		kfree_rcu(old, rcu);
	}
	rcu_assign_pointer(svc->nodeport, np);
	return 0;
}

int kn_services_add(struct kn_services *services,
		    const struct kn_service_config *cfg, bool replace,
		    __be16 *nodeport_gone, struct netlink_ext_ack *extack)
{
	struct kn_nodeport *np;
	struct kn_service *svc;
	int err;

	*nodeport_gone = 0;
	svc = rhashtable_lookup_fast(&services->table, &cfg->key,
				     kn_services_params);
	if (svc && !replace) {
		NL_SET_ERR_MSG(extack, "the service exists (replace it instead)");
		return -EEXIST;
	}
	if (!svc && services->count >= KN_SERVICES_MAX) {
		NL_SET_ERR_MSG(extack, "the service table is full");
		return -ENOSPC;
	}
	np = kn_nodeport_make(services, svc, cfg, &err, extack);
	if (err)
		return err;
	if (svc) {
		err = kn_service_swap_nodeport(services, svc, np, nodeport_gone);
		if (err) {
			kfree(np);
			return err;
		}
		/* Read one by one by the packet path: the timeout only ever
		 * matters with the affinity, and either value is valid.
		 */
		WRITE_ONCE(svc->affinity_timeout, cfg->affinity_timeout);
		WRITE_ONCE(svc->affinity, cfg->affinity);
		kn_services_changed(services);
		return 0;
	}

	err = -ENOMEM;
	svc = kzalloc(sizeof(*svc), GFP_KERNEL);
	if (!svc)
		goto err_np;
	svc->stats = alloc_percpu(struct kn_service_stats);
	if (!svc->stats)
		goto err_svc;
	svc->key = cfg->key;
	svc->affinity = cfg->affinity;
	svc->affinity_timeout = cfg->affinity_timeout;

	err = rhashtable_insert_fast(&services->table, &svc->hash,
				     kn_services_params);
	if (err)
		goto err_svc;
	/* new: it has no old NodePort to lose */
	err = kn_service_swap_nodeport(services, svc, np, nodeport_gone);
	if (err) {
		rhashtable_remove_fast(&services->table, &svc->hash, kn_services_params);
		kn_service_free_rcu(svc);	/* a lookup may have found it */
		goto err_np;
	}
	list_add_tail_rcu(&svc->list, &services->list);
	WRITE_ONCE(services->count, services->count + 1);
	kn_services_changed(services);
	return 0;

err_svc:
	kn_service_free(svc);
err_np:
	kfree(np);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(kn_services_add);

struct kn_service *kn_services_unlink(struct kn_services *services,
				      const struct kn_service_key *key,
				      struct netlink_ext_ack *extack)
{
	struct kn_nodeport *np;
	struct kn_service *svc;

	svc = rhashtable_lookup_fast(&services->table, key, kn_services_params);
	if (!svc) {
		NL_SET_ERR_MSG(extack, "no such service");
		return ERR_PTR(-ENOENT);
	}
	np = rcu_dereference_protected(svc->nodeport, true);
	if (np)
		rhashtable_remove_fast(&services->nodeports, &np->hash,
				       kn_nodeports_params);
	rhashtable_remove_fast(&services->table, &svc->hash, kn_services_params);
	list_del_rcu(&svc->list);
	WRITE_ONCE(services->count, services->count - 1);
	kn_services_changed(services);
	return svc;
}
EXPORT_SYMBOL_IF_KUNIT(kn_services_unlink);

static u32 kn_backend_hash(__be32 addr, __be16 port)
{
	return jhash_2words((__force u32)addr, (__force u32)port, 0);
}

/*
 * Vose's alias method: @n slots, one per usable backend, each keeping its
 * own backend with probability keep / 2^32 and otherwise sending the draw
 * to its alias, so that every backend ends up drawn in proportion to its
 * weight.  @ids[i] is the i-th usable backend's number in the set;
 * @scaled and @work are room for @n numbers each.
 */
static void kn_alias_build(struct kn_alias_slot *slots,
			   struct kn_backend *const *backends,
			   const u32 *ids, u32 n, u64 *scaled, u32 *work)
{
	u32 nsmall = 0, nlarge = 0, i;
	u64 total = 0;

	for (i = 0; i < n; i++)
		total += backends[ids[i]]->weight;
	/* The small slots grow from the front of @work, the large from its
	 * back; each slot is in one of them until it is settled.
	 */
	for (i = 0; i < n; i++) {
		scaled[i] = (u64)backends[ids[i]]->weight * n;
		if (scaled[i] < total)
			work[nsmall++] = i;
		else
			work[n - ++nlarge] = i;
	}
	while (nsmall && nlarge) {
		u32 s = work[--nsmall], l = work[n - nlarge];

		slots[s].self = ids[s];
		slots[s].alias = ids[l];
		slots[s].keep = div64_u64(scaled[s] << 32, total);
		scaled[l] -= total - scaled[s];
		if (scaled[l] < total) {
			nlarge--;
			work[nsmall++] = l;
		}
	}
	/* What is left is full (up to rounding): it always keeps itself. */
	while (nsmall) {
		i = work[--nsmall];
		slots[i] = (struct kn_alias_slot){ U32_MAX, ids[i], ids[i] };
	}
	while (nlarge) {
		i = work[n - nlarge--];
		slots[i] = (struct kn_alias_slot){ U32_MAX, ids[i], ids[i] };
	}
}

/*
 * A set of @count backends (their pointers are copied, not owned), in one
 * allocation with its index and alias table: a set is rebuilt on every
 * change of its service, and allocations were most of that.
 */
struct kn_backend_set *kn_backend_set_build(struct kn_backend *const *backends,
					    u32 count, gfp_t gfp)
{
	u32 i, usable = 0, index_slots = roundup_pow_of_two(max(2 * count, 2U));
	struct kn_backend_set *set;
	size_t size = struct_size(set, backends, count);
	u32 *ids, *work;
	u64 *scaled;

	/* count <= KN_BACKENDS_MAX: none of this overflows */
	set = kvzalloc(size + index_slots * sizeof(u32) +
		       2 * count * sizeof(struct kn_alias_slot), gfp);
	if (!set)
		return NULL;
	set->count = count;
	memcpy(set->backends, backends, count * sizeof(*backends));
	set->index_mask = index_slots - 1;
	set->index = (u32 *)((char *)set + size);
	set->alias = (struct kn_alias_slot *)(set->index + index_slots);
	set->local_alias = set->alias + count;
	for (i = 0; i < count; i++) {
		u32 slot = kn_backend_hash(backends[i]->addr, backends[i]->port);

		while (set->index[slot & set->index_mask])
			slot++;
		set->index[slot & set->index_mask] = i + 1;
	}

	/* the alias method's scratch: ids, scaled weights, work list */
	scaled = kvmalloc_array(max(count, 1U), sizeof(u64) + 2 * sizeof(u32), gfp);
	if (!scaled) {
		kvfree(set);
		return NULL;
	}
	ids = (u32 *)(scaled + max(count, 1U));
	work = ids + max(count, 1U);
	for (i = 0; i < count; i++)
		if (!(backends[i]->flags & KN_BACKEND_F_TERMINATING))
			ids[usable++] = i;
	if (usable)
		kn_alias_build(set->alias, backends, ids, usable, scaled, work);
	set->usable = usable;
	usable = 0;
	for (i = 0; i < count; i++)
		if ((backends[i]->flags & (KN_BACKEND_F_TERMINATING | KN_BACKEND_F_LOCAL)) ==
		    KN_BACKEND_F_LOCAL)
			ids[usable++] = i;
	if (usable)
		kn_alias_build(set->local_alias, backends, ids, usable, scaled, work);
	set->local_usable = usable;
	kvfree(scaled);
	return set;
}
EXPORT_SYMBOL_IF_KUNIT(kn_backend_set_build);

/*
 * A usable backend, drawn at random in proportion to the weights: the low
 * half of @draw picks a slot, the high half decides between the slot's own
 * backend and its alias.  The set must have a usable backend.
 */
static struct kn_backend *kn_alias_pick(const struct kn_backend_set *set,
					const struct kn_alias_slot *slots, u32 n,
					u64 draw)
{
	const struct kn_alias_slot *slot = &slots[reciprocal_scale((u32)draw, n)];

	return set->backends[(u32)(draw >> 32) < slot->keep ? slot->self : slot->alias];
}

struct kn_backend *kn_backend_pick(const struct kn_backend_set *set, u64 draw)
{
	return kn_alias_pick(set, set->alias, set->usable, draw);
}
EXPORT_SYMBOL_IF_KUNIT(kn_backend_pick);

struct kn_backend *kn_backend_pick_local(const struct kn_backend_set *set, u64 draw)
{
	return kn_alias_pick(set, set->local_alias, set->local_usable, draw);
}
EXPORT_SYMBOL_IF_KUNIT(kn_backend_pick_local);

static int kn_backend_index(const struct kn_backend_set *set,
			    __be32 addr, __be16 port)
{
	u32 slot = kn_backend_hash(addr, port), id;

	if (!set)
		return -1;
	for (;; slot++) {
		id = set->index[slot & set->index_mask];
		if (!id)
			return -1;
		if (set->backends[id - 1]->addr == addr &&
		    set->backends[id - 1]->port == port)
			return id - 1;
	}
}

struct kn_backend *kn_backend_find(const struct kn_backend_set *set,
				   __be32 addr, __be16 port)
{
	int i = kn_backend_index(set, addr, port);

	return i < 0 ? NULL : set->backends[i];
}
EXPORT_SYMBOL_IF_KUNIT(kn_backend_find);

/*
 * Publishes the backends @backends[0..@count) as @svc's set and frees the
 * old set after a grace period.
 */
static int kn_service_swap_set(struct kn_services *services, struct kn_service *svc,
			       struct kn_backend *const *backends, u32 count)
{
	struct kn_backend_set *old, *set;

	set = kn_backend_set_build(backends, count, GFP_KERNEL);
	if (!set)
		return -ENOMEM;
	/* writers are serialized by the caller (config_lock) */
	old = rcu_dereference_protected(svc->backends, true);
	rcu_assign_pointer(svc->backends, set);
	if (old)
		call_rcu(&old->rcu, kn_backend_set_free_rcu);
	kn_services_changed(services);
	return 0;
}

int kn_service_add_backend(struct kn_services *services, struct kn_service *svc,
			   const struct kn_backend_config *cfg, bool replace,
			   struct netlink_ext_ack *extack)
{
	const struct kn_backend_set *old = rcu_dereference_protected(svc->backends, true);
	u32 count = old ? old->count : 0;
	struct kn_backend **backends, *be;
	int i, err;

	i = kn_backend_index(old, cfg->addr, cfg->port);
	if (i >= 0 && !replace) {
		NL_SET_ERR_MSG(extack, "the service has this backend (replace it instead)");
		return -EEXIST;
	}
	if (i < 0 && count >= KN_BACKENDS_MAX) {
		NL_SET_ERR_MSG(extack, "the service has as many backends as it may");
		return -ENOSPC;
	}

	be = kzalloc(sizeof(*be), GFP_KERNEL);
	backends = kvmalloc_array(count + 1, sizeof(*backends), GFP_KERNEL);
	if (!be || !backends) {
		err = -ENOMEM;
		goto out;
	}
	be->addr = cfg->addr;
	be->port = cfg->port;
	be->weight = cfg->weight;
	be->flags = cfg->flags;
	if (count)
		memcpy(backends, old->backends, count * sizeof(*backends));
	if (i >= 0) {
		atomic64_set(&be->connections,
			     atomic64_read(&old->backends[i]->connections));
		backends[i] = be;
	} else {
		backends[count++] = be;
	}
	err = kn_service_swap_set(services, svc, backends, count);
	if (!err) {
		if (i >= 0)
			call_rcu(&old->backends[i]->rcu, kn_backend_free_rcu);
		be = NULL;
	}
out:
	kvfree(backends);
	kfree(be);
	return err;
}

int kn_service_del_backend(struct kn_services *services, struct kn_service *svc,
			   __be32 addr, __be16 port, u64 *connections,
			   struct netlink_ext_ack *extack)
{
	const struct kn_backend_set *old = rcu_dereference_protected(svc->backends, true);
	struct kn_backend **backends, *gone;
	int i, err;

	i = kn_backend_index(old, addr, port);
	if (i < 0) {
		NL_SET_ERR_MSG(extack, "the service has no such backend");
		return -ENOENT;
	}
	gone = old->backends[i];
	*connections = atomic64_read(&gone->connections);
	backends = kvmalloc_array(old->count, sizeof(*backends), GFP_KERNEL);
	if (!backends)
		return -ENOMEM;
	memcpy(backends, old->backends, i * sizeof(*backends));
	memcpy(backends + i, old->backends + i + 1,
	       (old->count - i - 1) * sizeof(*backends));
	err = kn_service_swap_set(services, svc, backends, old->count - 1);
	kvfree(backends);
	if (!err)
		call_rcu(&gone->rcu, kn_backend_free_rcu);
	return err;
}

void kn_service_read_stats(struct kn_service *svc, struct kn_service_stats *sum)
{
	int cpu;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		const struct kn_service_stats *s = per_cpu_ptr(svc->stats, cpu);

		sum->connections += READ_ONCE(s->connections);
		sum->no_backend += READ_ONCE(s->no_backend);
		sum->no_local += READ_ONCE(s->no_local);
	}
}
