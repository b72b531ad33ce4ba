/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KN_SERVICES_H
#define _KN_SERVICES_H

#include <linux/list.h>
#include <linux/netlink.h>
#include <linux/rhashtable-types.h>
#include <linux/types.h>

/* What names a service: VIP, port, protocol. */
struct kn_service_key {
	__be32 addr;
	__be16 port;
	u8 proto;
	u8 pad;				/* zero: the key is hashed as bytes */
};

/*
 * A backend.  Its address, port, weight and flags are immutable: a change
 * is a new backend object in a new set.  @connections lives on across such
 * replacements (the new object takes the old one's count).
 */
struct kn_backend {
	__be32 addr;
	__be16 port;
	u16 weight;
	u32 flags;			/* KN_BACKEND_F_* */
	atomic64_t connections;
	struct rcu_head rcu;
};

/* One slot of the alias table (Vose): see kn_backend_pick(). */
struct kn_alias_slot {
	u32 keep;			/* stay on @self when a draw is below */
	u32 self;			/* indexes into kn_backend_set.backends */
	u32 alias;
};

/*
 * A service's backends, immutable once published: every change builds a new
 * set and swaps the pointer, so the packet path sees the set before or
 * after a change, never in between.  @alias covers the @usable backends
 * (not terminating) and makes a weighted random pick O(1) whatever the
 * weights; @local_alias does the same for the usable backends on this node
 * (a NodePort with policy Local); @index finds a backend by address and
 * port in O(1) (affinity).
 */
struct kn_backend_set {
	u32 count;
	u32 usable;
	u32 local_usable;
	u32 index_mask;			/* @index has index_mask + 1 slots */
	struct kn_alias_slot *alias;	/* @usable slots */
	struct kn_alias_slot *local_alias; /* @local_usable slots */
	u32 *index;			/* backend number + 1, 0 when empty */
	struct rcu_head rcu;
	struct kn_backend *backends[];	/* @count */
};

struct kn_service_stats {
	u64 connections;
	u64 no_backend;
	u64 no_local;
};

/* What names a NodePort: the port and protocol, on any node address. */
struct kn_nodeport_key {
	__be16 port;
	u8 proto;
	u8 pad;				/* zero: the key is hashed as bytes */
};

/*
 * A service's NodePort, immutable once published: a change of port or
 * policy publishes a new one in the same step that retires the old, so a
 * packet finds one or the other.
 */
struct kn_nodeport {
	struct rhash_head hash;
	struct kn_nodeport_key key;
	u8 policy;			/* KN_TRAFFIC_POLICY_* */
	struct kn_service *svc;
	struct rcu_head rcu;
};

/*
 * A service.  @backends and the affinity words change in place under RCU
 * (READ_ONCE on the packet path); the key never does.
 */
struct kn_service {
	struct rhash_head hash;
	struct list_head list;		/* kn_services.list, for dumps */
	struct kn_service_key key;
	u8 affinity;			/* KN_AFFINITY_* */
	u32 affinity_timeout;		/* seconds */
	struct kn_backend_set __rcu *backends; /* NULL: none yet */
	struct kn_nodeport __rcu *nodeport;	/* NULL: none */
	struct kn_service_stats __percpu *stats;
	struct rcu_head rcu;
};

/*
 * The services of a network namespace.  Writers hold the namespace's
 * config_lock (netns.h); lookups and dumps run under rcu_read_lock().
 */
struct kn_services {
	struct rhashtable table;
	struct rhashtable nodeports;	/* struct kn_nodeport by port, proto */
	struct list_head list;		/* every service, in insertion order */
	u32 count;			/* READ_ONCE outside the writer */
	u32 gen;			/* bumped by every change; READ_ONCE */
};

/* A service as a request describes it. */
struct kn_service_config {
	struct kn_service_key key;
	u8 affinity;
	u32 affinity_timeout;
	__be16 nodeport;		/* 0: none */
	u8 policy;			/* KN_TRAFFIC_POLICY_*, with a NodePort */
};

/* A backend as a request describes it. */
struct kn_backend_config {
	__be32 addr;
	__be16 port;
	u16 weight;
	u32 flags;
};

int kn_services_init(struct kn_services *services);
void kn_services_uninit(struct kn_services *services);

static inline struct kn_service_key kn_service_key(__be32 addr, __be16 port, u8 proto)
{
	return (struct kn_service_key){ .addr = addr, .port = port, .proto = proto };
}

int kn_service_config_check(const struct kn_service_config *cfg,
			    struct netlink_ext_ack *extack);
int kn_backend_config_check(const struct kn_backend_config *cfg,
			    struct netlink_ext_ack *extack);

struct kn_service *kn_services_lookup(struct kn_services *services,
				      const struct kn_service_key *key);
/*
 * Adds or (@replace) changes a service.  *@nodeport_gone is set to a
 * NodePort the service no longer has (0: none), whose connections the
 * caller forgets.
 */
int kn_services_add(struct kn_services *services,
		    const struct kn_service_config *cfg, bool replace,
		    __be16 *nodeport_gone, struct netlink_ext_ack *extack);
struct kn_nodeport *kn_nodeport_lookup(struct kn_services *services,
				       __be16 port, u8 proto);
/* Unpublishes; the caller frees it with kn_service_free_rcu() when done. */
struct kn_service *kn_services_unlink(struct kn_services *services,
				      const struct kn_service_key *key,
				      struct netlink_ext_ack *extack);
void kn_service_free_rcu(struct kn_service *svc);

int kn_service_add_backend(struct kn_services *services, struct kn_service *svc,
			   const struct kn_backend_config *cfg, bool replace,
			   struct netlink_ext_ack *extack);
/* *@connections: how many the backend was given, for the caller's cleanup */
int kn_service_del_backend(struct kn_services *services, struct kn_service *svc,
			   __be32 addr, __be16 port, u64 *connections,
			   struct netlink_ext_ack *extack);

/* Packet path, under rcu_read_lock(). */
struct kn_backend *kn_backend_pick(const struct kn_backend_set *set, u64 draw);
/* Only backends on this node; the set must have a usable one. */
struct kn_backend *kn_backend_pick_local(const struct kn_backend_set *set, u64 draw);
struct kn_backend *kn_backend_find(const struct kn_backend_set *set,
				   __be32 addr, __be16 port);
void kn_service_read_stats(struct kn_service *svc, struct kn_service_stats *sum);

/* Exposed for the KUnit suite. */
struct kn_backend_set *kn_backend_set_build(struct kn_backend *const *backends,
					    u32 count, gfp_t gfp);
void kn_backend_set_free(struct kn_backend_set *set);

static inline u32 kn_services_gen(const struct kn_services *services)
{
	return READ_ONCE(services->gen);
}

static inline u32 kn_services_count(const struct kn_services *services)
{
	return READ_ONCE(services->count);
}

#endif /* _KN_SERVICES_H */
