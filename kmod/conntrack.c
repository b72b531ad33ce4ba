// SPDX-License-Identifier: GPL-2.0
/*
 * kn's connection table: what each translated connection was translated
 * to, found in one lookup by the packets of either direction.  The shape
 * is IPVS's and nf_conntrack's (salted jhash, RCU readers, an array of
 * bucket locks, an entry hashed once per direction); conntrack.h has the
 * structures and the locking rules.
 */
#include <linux/jhash.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/random.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <kunit/visibility.h>

#include "conntrack.h"

/* The GC looks at this many buckets every KN_CT_GC_INTERVAL. */
#define KN_CT_GC_BATCH		4096
#define KN_CT_GC_INTERVAL	(HZ / 10)
/* A new entry in a full table may evict an unreplied one this close. */
#define KN_CT_EARLY_DROP_BUCKETS 8
/* ... and at most this many, whatever the limit: a bound on a SYN's cost. */
#define KN_CT_EARLY_DROP_SPAN_MAX 4096

static struct kmem_cache *kn_conn_cache __read_mostly;

int kn_ct_cache_init(void)
{
	kn_conn_cache = KMEM_CACHE(kn_conn, 0);
	return kn_conn_cache ? 0 : -ENOMEM;
}

/* After rcu_barrier(): entries are freed by RCU callbacks. */
void kn_ct_cache_uninit(void)
{
	kmem_cache_destroy(kn_conn_cache);
}

unsigned int kn_ct_entry_bytes(void)
{
	return kmem_cache_size(kn_conn_cache);
}
EXPORT_SYMBOL_IF_KUNIT(kn_ct_entry_bytes);

struct kn_conn *kn_ct_alloc(void)
{
	return kmem_cache_zalloc(kn_conn_cache, GFP_ATOMIC);
}
EXPORT_SYMBOL_IF_KUNIT(kn_ct_alloc);

/* An entry that never was in the table. */
void kn_ct_free(struct kn_conn *c)
{
	kmem_cache_free(kn_conn_cache, c);
}
EXPORT_SYMBOL_IF_KUNIT(kn_ct_free);

static void kn_ct_free_rcu(struct rcu_head *rcu)
{
	kn_ct_free(container_of(rcu, struct kn_conn, rcu));
}

void kn_ct_count(struct kn_ct_table *t, enum kn_ct_counter which)
{
	this_cpu_inc(t->stats->c[which]);
}

void kn_ct_read_stats(struct kn_ct_table *t, struct kn_ct_stats *sum)
{
	int cpu, i;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		const struct kn_ct_stats *s = per_cpu_ptr(t->stats, cpu);

		for (i = 0; i < KN_CT_COUNTERS; i++)
			sum->c[i] += READ_ONCE(s->c[i]);
	}
}
EXPORT_SYMBOL_IF_KUNIT(kn_ct_read_stats);

static u32 kn_ct_bucket(const struct kn_ct_table *t, const struct kn_ct_tuple *tp)
{
	return jhash_3words((__force u32)tp->src, (__force u32)tp->dst,
			    (__force u32)tp->sport << 16 | (__force u32)tp->dport,
			    t->seed ^ (tp->proto | tp->kind << 8)) & t->mask;
}

static bool kn_ct_tuple_equal(const struct kn_ct_tuple *a, const struct kn_ct_tuple *b)
{
	return a->src == b->src && a->dst == b->dst && a->sport == b->sport &&
	       a->dport == b->dport && a->proto == b->proto && a->kind == b->kind;
}

static bool kn_conn_is_affinity(const struct kn_conn *c)
{
	return c->node[0].tuple.kind == KN_CT_KIND_AFFINITY;
}

struct kn_conn *kn_ct_lookup(struct kn_ct_table *t, const struct kn_ct_tuple *tuple,
			     int *dir)
{
	struct kn_ct_node *n;
	struct kn_conn *c;

	hlist_for_each_entry_rcu(n, &t->buckets[kn_ct_bucket(t, tuple)], hnode) {
		if (!kn_ct_tuple_equal(&n->tuple, tuple))
			continue;
		c = kn_conn_of(n);
		if (kn_conn_expired(c))
			continue;
		*dir = n->tuple.dir;
		return c;
	}
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(kn_ct_lookup);

static spinlock_t *kn_ct_lock_of(struct kn_ct_table *t, u32 bucket)
{
	return &t->locks[bucket & (KN_CT_LOCKS - 1)];
}

/*
 * Locks the buckets @b0 and @b1 in a fixed order, BHs off.  Two buckets
 * may share a lock; sparse counts it held twice all the same.
 */
static void kn_ct_lock2(struct kn_ct_table *t, u32 b0, u32 b1)
	__acquires(bucket0) __acquires(bucket1)
{
	spinlock_t *l0 = kn_ct_lock_of(t, b0), *l1 = kn_ct_lock_of(t, b1);

	if (l0 == l1) {
		spin_lock_bh(l0);
		__acquire(bucket1);
		return;
	}
	if (l0 > l1)
		swap(l0, l1);
	spin_lock_bh(l0);
	spin_lock_nested(l1, SINGLE_DEPTH_NESTING);
}

static void kn_ct_unlock2(struct kn_ct_table *t, u32 b0, u32 b1)
	__releases(bucket0) __releases(bucket1)
{
	spinlock_t *l0 = kn_ct_lock_of(t, b0), *l1 = kn_ct_lock_of(t, b1);

	if (l0 != l1)
		spin_unlock(l1 > l0 ? l1 : l0);
	else
		__release(bucket1);
	spin_unlock_bh(l1 > l0 ? l0 : l1);
}

static void kn_ct_buckets_of(struct kn_ct_table *t, const struct kn_conn *c,
			     u32 *b0, u32 *b1)
{
	*b0 = kn_ct_bucket(t, &c->node[0].tuple);
	*b1 = kn_conn_is_affinity(c) ? *b0 : kn_ct_bucket(t, &c->node[1].tuple);
}

/* Called with both of @c's buckets locked. */
static bool kn_ct_unlink_locked(struct kn_ct_table *t, struct kn_conn *c)
{
	if (hlist_unhashed(&c->node[0].hnode))
		return false;	/* someone else got there first */
	hlist_del_init_rcu(&c->node[0].hnode);
	if (!kn_conn_is_affinity(c))
		hlist_del_init_rcu(&c->node[1].hnode);
	atomic_dec(&t->count);
	return true;
}

void kn_ct_remove(struct kn_ct_table *t, struct kn_conn *c,
		  enum kn_ct_counter why)
{
	bool unlinked;
	u32 b0, b1;

	kn_ct_buckets_of(t, c, &b0, &b1);
	kn_ct_lock2(t, b0, b1);
	unlinked = kn_ct_unlink_locked(t, c);
	kn_ct_unlock2(t, b0, b1);
	if (unlinked) {
		kn_ct_count(t, why);
		call_rcu(&c->rcu, kn_ct_free_rcu);
	}
}
EXPORT_SYMBOL_IF_KUNIT(kn_ct_remove);

/* A live entry in @bucket with @tuple; called with the bucket locked. */
static bool kn_ct_taken_locked(struct kn_ct_table *t, u32 bucket,
			       const struct kn_ct_tuple *tuple,
			       struct kn_conn **found)
{
	struct kn_ct_node *n;

	hlist_for_each_entry(n, &t->buckets[bucket], hnode) {
		if (kn_ct_tuple_equal(&n->tuple, tuple) &&
		    !kn_conn_expired(kn_conn_of(n))) {
			*found = kn_conn_of(n);
			return true;
		}
	}
	return false;
}

/*
 * Makes room by evicting one entry near @bucket that no reply has
 * confirmed (or that has expired), as nf_conntrack's early_drop does: a
 * flood of new connections only ever evicts its own kind.  A full table
 * holds @limit entries: when that is fewer than its buckets (the limit was
 * lowered after the table was made), the scan widens to cover about
 * KN_CT_EARLY_DROP_BUCKETS entries, as if there were one per bucket.
 */
static bool kn_ct_early_drop(struct kn_ct_table *t, u32 bucket, u32 limit)
{
	u32 i, span = KN_CT_EARLY_DROP_BUCKETS, buckets = t->mask + 1;
	struct kn_ct_node *n;
	struct kn_conn *c;

	if (limit < buckets)
		span = min3(KN_CT_EARLY_DROP_BUCKETS * (buckets / max(limit, 1U)),
			    KN_CT_EARLY_DROP_SPAN_MAX, buckets);
	for (i = 0; i < span; i++) {
		hlist_for_each_entry_rcu(n, &t->buckets[(bucket + i) & t->mask], hnode) {
			u32 status;

			c = kn_conn_of(n);
			status = READ_ONCE(c->status);
			if (kn_conn_expired(c)) {
				kn_ct_remove(t, c, KN_CT_EXPIRED);
				return true;
			}
			if (!kn_conn_is_affinity(c) &&
			    !(kn_conn_flags(status) & KN_CT_F_REPLIED)) {
				kn_ct_remove(t, c, KN_CT_EARLY_DROPS);
				return true;
			}
		}
	}
	return false;
}

struct kn_conn *kn_ct_insert(struct kn_ct_table *t, struct kn_conn *c,
			     unsigned long timeout, u32 max)
{
	struct kn_conn *other;
	u32 b0, b1;

	c->node[0].tuple.dir = KN_CT_DIR_ORIG;
	c->node[1].tuple.dir = KN_CT_DIR_REPLY;
	c->expires = (u32)(jiffies + timeout);
	kn_ct_buckets_of(t, c, &b0, &b1);

	if (atomic_inc_return(&t->count) > max && !kn_ct_early_drop(t, b0, max)) {
		atomic_dec(&t->count);
		kn_ct_count(t, KN_CT_DROP_FULL);
		kn_ct_free(c);
		return ERR_PTR(-ENOSPC);
	}

	kn_ct_lock2(t, b0, b1);
	if (kn_ct_taken_locked(t, b0, &c->node[0].tuple, &other)) {
		kn_ct_unlock2(t, b0, b1);
		atomic_dec(&t->count);
		kn_ct_count(t, KN_CT_CLASHES);
		kn_ct_free(c);
		return other;
	}
	if (!kn_conn_is_affinity(c) &&
	    kn_ct_taken_locked(t, b1, &c->node[1].tuple, &other)) {
		kn_ct_unlock2(t, b0, b1);
		atomic_dec(&t->count);
		kn_ct_free(c);
		return ERR_PTR(-EEXIST);
	}
	hlist_add_head_rcu(&c->node[0].hnode, &t->buckets[b0]);
	if (!kn_conn_is_affinity(c))
		hlist_add_head_rcu(&c->node[1].hnode, &t->buckets[b1]);
	kn_ct_unlock2(t, b0, b1);
	kn_ct_count(t, KN_CT_INSERTS);
	return c;
}
EXPORT_SYMBOL_IF_KUNIT(kn_ct_insert);

/*
 * Calls @fn on every entry (by its ORIG node, so once each) of @n buckets
 * from *@next on, advancing *@next; @fn may remove the entry.
 */
static void kn_ct_scan(struct kn_ct_table *t, u32 *next, u32 n,
		       void (*fn)(struct kn_ct_table *t, struct kn_conn *c, const void *arg),
		       const void *arg)
{
	struct kn_ct_node *node;
	u32 i;

	for (i = 0; i < n; i++) {
		rcu_read_lock();
		hlist_for_each_entry_rcu(node, &t->buckets[*next], hnode)
			if (node->tuple.dir == KN_CT_DIR_ORIG)
				fn(t, kn_conn_of(node), arg);
		rcu_read_unlock();
		*next = (*next + 1) & t->mask;
		if (i % 256 == 255)
			cond_resched();
	}
}

static void kn_ct_expire_one(struct kn_ct_table *t, struct kn_conn *c,
			     const void *arg)
{
	if (kn_conn_expired(c))
		kn_ct_remove(t, c, KN_CT_EXPIRED);
}

void kn_ct_gc_buckets(struct kn_ct_table *t, u32 buckets)
{
	kn_ct_scan(t, &t->gc_next, min(buckets, t->mask + 1), kn_ct_expire_one, NULL);
}
EXPORT_SYMBOL_IF_KUNIT(kn_ct_gc_buckets);

static void kn_ct_gc_work(struct work_struct *work)
{
	struct kn_ct_table *t = container_of(to_delayed_work(work),
					     struct kn_ct_table, gc);

	if (atomic_read(&t->count)) {
		kn_ct_gc_buckets(t, KN_CT_GC_BATCH);
		queue_delayed_work(system_power_efficient_wq, &t->gc,
				   KN_CT_GC_INTERVAL);
	} else {
		queue_delayed_work(system_power_efficient_wq, &t->gc, HZ);
	}
}

struct kn_ct_match {
	bool (*match)(const struct kn_conn *c, const void *arg);
	const void *arg;
};

static void kn_ct_remove_if(struct kn_ct_table *t, struct kn_conn *c,
			    const void *arg)
{
	const struct kn_ct_match *m = arg;

	if (!m->match || m->match(c, m->arg))
		kn_ct_remove(t, c, KN_CT_REMOVED);
}

void kn_ct_remove_matching(struct kn_ct_table *t,
			   bool (*match)(const struct kn_conn *c, const void *arg),
			   const void *arg)
{
	struct kn_ct_match m = { match, arg };
	u32 next = 0;

	kn_ct_scan(t, &next, t->mask + 1, kn_ct_remove_if, &m);
}
EXPORT_SYMBOL_IF_KUNIT(kn_ct_remove_matching);

int kn_ct_walk(struct kn_ct_table *t, unsigned long *bucket, unsigned long *index,
	       int (*fn)(const struct kn_conn *c, void *arg), void *arg)
{
	struct kn_ct_node *n;
	unsigned long i;
	int err;

	for (; *bucket <= t->mask; (*bucket)++, *index = 0) {
		i = 0;
		hlist_for_each_entry_rcu(n, &t->buckets[*bucket], hnode) {
			if (n->tuple.dir != KN_CT_DIR_ORIG || i++ < *index)
				continue;
			if (kn_conn_expired(kn_conn_of(n)))
				continue;
			err = fn(kn_conn_of(n), arg);
			if (err) {
				*index = i - 1;
				return err;
			}
		}
	}
	return 0;
}

/*
 * A table for at most @max entries (the namespace's setting when the table
 * is made): a bucket per four entries, within [2^10, 2^20].  A later change
 * of the setting changes the limit, not the buckets.
 */
struct kn_ct_table *kn_ct_create(u32 max)
{
	u32 buckets = clamp_t(u32, roundup_pow_of_two(max / 4), 1U << 10, 1U << 20);
	struct kn_ct_table *t;
	int i;

	t = kvzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return NULL;
	t->buckets = kvcalloc(buckets, sizeof(*t->buckets), GFP_KERNEL);
	t->stats = alloc_percpu(struct kn_ct_stats);
	if (!t->buckets || !t->stats) {
		free_percpu(t->stats);
		kvfree(t->buckets);
		kvfree(t);
		return NULL;
	}
	t->mask = buckets - 1;
	t->seed = get_random_u32();
	for (i = 0; i < KN_CT_LOCKS; i++)
		spin_lock_init(&t->locks[i]);
	INIT_DELAYED_WORK(&t->gc, kn_ct_gc_work);
	queue_delayed_work(system_power_efficient_wq, &t->gc, HZ);
	return t;
}
EXPORT_SYMBOL_IF_KUNIT(kn_ct_create);

/* No packet may reach @t any more (its hooks are gone). */
void kn_ct_destroy(struct kn_ct_table *t)
{
	if (!t)
		return;
	cancel_delayed_work_sync(&t->gc);
	kn_ct_remove_matching(t, NULL, NULL);
	free_percpu(t->stats);
	kvfree(t->buckets);
	kvfree(t);
}
EXPORT_SYMBOL_IF_KUNIT(kn_ct_destroy);
