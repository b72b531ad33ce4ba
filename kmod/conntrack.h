/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KN_CONNTRACK_H
#define _KN_CONNTRACK_H

#include <linux/bits.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#include "uapi/kn.h"

/*
 * A packet's addresses as kn hashes and compares them.  An affinity entry
 * has @kind KN_CT_KIND_AFFINITY and zero ports on the client's side, so it
 * never matches a packet.
 */
struct kn_ct_tuple {
	__be32 src;
	__be32 dst;
	__be16 sport;
	__be16 dport;
	u8 proto;
	u8 kind;
	u8 dir;				/* not compared: which node this is */
	u8 pad;
};

enum { KN_CT_DIR_ORIG, KN_CT_DIR_REPLY };
enum { KN_CT_KIND_CONN, KN_CT_KIND_AFFINITY };

struct kn_ct_node {
	struct hlist_node hnode;
	struct kn_ct_tuple tuple;
};

/* Internal status bits next to the uapi's KN_CT_F_* ones. */
#define KN_CT_F_FIN_ORIG	BIT(6)
#define KN_CT_F_FIN_REPLY	BIT(7)
/* the client is its own backend: its source is rewritten in POST_ROUTING */
#define KN_CT_F_HAIRPIN		BIT(8)

/*
 * One connection, or one client's affinity to a backend, found by the tuple
 * of either direction (an affinity entry is only hashed by its ORIG one).
 * @status packs the KN_CT_STATE_* (low byte) and the flags (next byte) and
 * changes by cmpxchg; @expires is in jiffies, rewritten by the packets.
 * Both hash nodes are linked and unlinked together, under both buckets'
 * locks; the entry is freed a grace period after.
 */
struct kn_conn {
	struct kn_ct_node node[2];
	u32 expires;
	u32 status;
	struct rcu_head rcu;
};

static inline u8 kn_conn_state(u32 status)
{
	return status & 0xff;
}

static inline u32 kn_conn_flags(u32 status)
{
	return status >> 8;
}

static inline u32 kn_conn_status(u8 state, u32 flags)
{
	return state | flags << 8;
}

enum kn_ct_counter {
	KN_CT_INSERTS,
	KN_CT_CLASHES,
	KN_CT_EXPIRED,
	KN_CT_REMOVED,
	KN_CT_EARLY_DROPS,
	KN_CT_DROP_FULL,
	KN_CT_DROP_NOMEM,
	KN_CT_DROP_INVALID,
	KN_CT_NO_BACKEND,
	KN_CT_DROP_CLASH,
	KN_CT_DROP_REDIRECT,
	KN_CT_DROP_SNAT,
	KN_CT_NO_LOCAL,
	KN_CT_MASQUERADED,
	KN_CT_COUNTERS
};

struct kn_ct_stats {
	u64 c[KN_CT_COUNTERS];
};

#define KN_CT_LOCKS		1024

/*
 * The connection table of a network namespace: a fixed array of hash
 * buckets (sized from the namespace's conntrack maximum when the table is
 * made), salted jhash, an array of bucket locks (bucket & (KN_CT_LOCKS -
 * 1)).  Readers walk buckets under rcu_read_lock() and take no lock;
 * writers (insert, remove, GC) take the locks of the buckets they change,
 * with BHs off.  @count counts the entries; @max is read from the settings
 * on every insert.
 */
struct kn_ct_table {
	struct hlist_head *buckets;
	u32 mask;
	u32 seed;
	atomic_t count;
	u32 gc_next;			/* the next bucket the GC looks at */
	struct delayed_work gc;
	struct kn_ct_stats __percpu *stats;
	spinlock_t locks[KN_CT_LOCKS];	/* the buckets' writers, see above */
};

struct kn_ct_table *kn_ct_create(u32 max);
void kn_ct_destroy(struct kn_ct_table *t);

int kn_ct_cache_init(void);
void kn_ct_cache_uninit(void);
unsigned int kn_ct_entry_bytes(void);

struct kn_conn *kn_ct_alloc(void);
void kn_ct_free(struct kn_conn *c);

/*
 * The entry a packet with @tuple belongs to, and its direction in *@dir;
 * expired entries are not found.  Under rcu_read_lock().
 */
struct kn_conn *kn_ct_lookup(struct kn_ct_table *t, const struct kn_ct_tuple *tuple,
			     int *dir);

/*
 * Inserts @c, whose tuples and status are set, with @timeout (jiffies).
 * Returns @c; or, when an entry with the same ORIG tuple got in first (two
 * packets of one new connection on two CPUs), that entry, after freeing
 * @c; or an ERR_PTR: -EEXIST (the REPLY tuple is taken), -ENOSPC (full, and
 * no unreplied entry nearby to evict).  Either way @c is the table's or
 * freed.  Under rcu_read_lock().
 */
struct kn_conn *kn_ct_insert(struct kn_ct_table *t, struct kn_conn *c,
			     unsigned long timeout, u32 max);

/* Unlinks @c if it still is linked; frees it after a grace period. */
void kn_ct_remove(struct kn_ct_table *t, struct kn_conn *c,
		  enum kn_ct_counter why);

/* Removes every entry @match() accepts (all with @match NULL). */
void kn_ct_remove_matching(struct kn_ct_table *t,
			   bool (*match)(const struct kn_conn *c, const void *arg),
			   const void *arg);

void kn_ct_count(struct kn_ct_table *t, enum kn_ct_counter which);
void kn_ct_read_stats(struct kn_ct_table *t, struct kn_ct_stats *sum);

/* Ages entries out; the table's delayed work calls it. */
void kn_ct_gc_buckets(struct kn_ct_table *t, u32 buckets);

/* The dump: calls @fn for each entry from bucket *@bucket, entry *@index. */
int kn_ct_walk(struct kn_ct_table *t, unsigned long *bucket, unsigned long *index,
	       int (*fn)(const struct kn_conn *c, void *arg), void *arg);

static inline bool kn_conn_expired(const struct kn_conn *c)
{
	return (s32)(READ_ONCE(c->expires) - (u32)jiffies) <= 0;
}

static inline struct kn_conn *kn_conn_of(const struct kn_ct_node *n)
{
	return container_of(n - n->tuple.dir, struct kn_conn, node[0]);
}

#endif /* _KN_CONNTRACK_H */
