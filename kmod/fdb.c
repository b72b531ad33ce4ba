// SPDX-License-Identifier: GPL-2.0
/*
 * The forwarding database of a kn device: which port each Ethernet address
 * was last seen on.  A plain data structure with no device or timer of its
 * own: bridge.c owns one per device and runs its ageing, forward.c learns
 * and looks up, and KUnit drives it directly with a fake clock.
 *
 * Lookups run under rcu_read_lock() on the packet path and take no lock.
 * Every change (new entry, move, delete) happens under @fdb->lock, taken
 * with BHs off since learning runs in softirq; deleted entries are freed
 * after a grace period.  Refreshing a known entry only stores a new
 * timestamp and takes no lock, so a busy station costs one compare.
 */
#include <linux/etherdevice.h>
#include <linux/jhash.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <kunit/visibility.h>

#include "fdb.h"

static struct hlist_head *kn_fdb_head(struct kn_fdb *fdb, const u8 *addr)
{
	return &fdb->buckets[jhash(addr, ETH_ALEN, fdb->salt) &
			     (KN_FDB_BUCKETS - 1)];
}

/* Called under rcu_read_lock() or with @fdb->lock held. */
static struct kn_fdb_entry *kn_fdb_find(struct kn_fdb *fdb,
					struct hlist_head *head, const u8 *addr)
{
	struct kn_fdb_entry *f;

	hlist_for_each_entry_rcu(f, head, hnode, lockdep_is_held(&fdb->lock))
		if (ether_addr_equal(f->addr, addr))
			return f;
	return NULL;
}

/*
 * Bumps the generation a netlink dump checks; never to 0, which dumps read
 * as "no generation".  Called with @fdb->lock held.
 */
static void kn_fdb_changed(struct kn_fdb *fdb)
{
	WRITE_ONCE(fdb->gen, fdb->gen + 1 ?: 1);
}

/* Called with @fdb->lock held. */
static void kn_fdb_delete(struct kn_fdb *fdb, struct kn_fdb_entry *f)
{
	lockdep_assert_held(&fdb->lock);
	hlist_del_rcu(&f->hnode);
	if (!f->local)
		WRITE_ONCE(fdb->count, fdb->count - 1);
	kn_fdb_changed(fdb);
	kfree_rcu(f, rcu);
}

int kn_fdb_init(struct kn_fdb *fdb, u32 max, unsigned long ageing_time)
{
	fdb->buckets = kvcalloc(KN_FDB_BUCKETS, sizeof(*fdb->buckets),
				GFP_KERNEL);
	if (!fdb->buckets)
		return -ENOMEM;
	spin_lock_init(&fdb->lock);
	fdb->salt = get_random_u32();
	fdb->count = 0;
	fdb->max = max;
	fdb->ageing_time = ageing_time;
	fdb->gen = 1; /* see kn_fdb_changed() */
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(kn_fdb_init);

/*
 * Removes every entry, local ones included, and frees the table.  The
 * caller guarantees that no lookup can still be running or start.
 */
void kn_fdb_uninit(struct kn_fdb *fdb)
{
	struct kn_fdb_entry *f;
	struct hlist_node *tmp;
	unsigned int i;

	spin_lock_bh(&fdb->lock);
	for (i = 0; i < KN_FDB_BUCKETS; i++)
		hlist_for_each_entry_safe(f, tmp, &fdb->buckets[i], hnode)
			kn_fdb_delete(fdb, f);
	spin_unlock_bh(&fdb->lock);
	kvfree(fdb->buckets);
	fdb->buckets = NULL;
}
EXPORT_SYMBOL_IF_KUNIT(kn_fdb_uninit);

/*
 * The entry for @addr, or NULL.  Called under rcu_read_lock(); the entry
 * stays valid until it is dropped.
 */
struct kn_fdb_entry *kn_fdb_lookup(struct kn_fdb *fdb, const u8 *addr)
{
	return kn_fdb_find(fdb, kn_fdb_head(fdb, addr), addr);
}
EXPORT_SYMBOL_IF_KUNIT(kn_fdb_lookup);

/* Called with @fdb->lock held, @f found under it. */
static enum kn_fdb_learn_result
kn_fdb_update_locked(struct kn_fdb *fdb, struct kn_fdb_entry *f,
		     struct kn_port *port, unsigned long now)
{
	if (f->local)
		return KN_FDB_LOCAL;
	WRITE_ONCE(f->updated, now);
	if (rcu_access_pointer(f->port) == port)
		return KN_FDB_REFRESHED;
	rcu_assign_pointer(f->port, port);
	kn_fdb_changed(fdb);
	return KN_FDB_MOVED;
}

/*
 * Records that a frame from @addr arrived on @port at @now.  Called from the
 * packet path (softirq) or with BHs enabled; does not sleep.  A local
 * address is never learned; when the table is full a new address is not
 * learned either (frames to it are flooded until an entry ages out).
 */
enum kn_fdb_learn_result kn_fdb_learn(struct kn_fdb *fdb, const u8 *addr,
				      struct kn_port *port, unsigned long now)
{
	struct hlist_head *head = kn_fdb_head(fdb, addr);
	struct kn_fdb_entry *f, *new = NULL;
	enum kn_fdb_learn_result ret;

	rcu_read_lock();
	f = kn_fdb_find(fdb, head, addr);
	if (likely(f)) {
		if (unlikely(f->local)) {
			rcu_read_unlock();
			return KN_FDB_LOCAL;
		}
		if (likely(rcu_access_pointer(f->port) == port)) {
			if (READ_ONCE(f->updated) != now)
				WRITE_ONCE(f->updated, now);
			rcu_read_unlock();
			return KN_FDB_REFRESHED;
		}
	}
	rcu_read_unlock();

	if (!f) {
		/* Checked again under the lock; this spares a MAC flood the
		 * lock and the allocation once the table is full.
		 */
		if (READ_ONCE(fdb->count) >= READ_ONCE(fdb->max))
			return KN_FDB_FULL;
		new = kmalloc(sizeof(*new), GFP_ATOMIC);
		if (!new)
			return KN_FDB_NOMEM;
	}

	spin_lock_bh(&fdb->lock);
	f = kn_fdb_find(fdb, head, addr);
	if (f) {
		ret = kn_fdb_update_locked(fdb, f, port, now);
	} else if (fdb->count >= READ_ONCE(fdb->max)) {
		ret = KN_FDB_FULL;
	} else {
		/* Only when a move lost its entry to a concurrent delete. */
		if (!new)
			new = kmalloc(sizeof(*new), GFP_ATOMIC);
		if (new) {
			ether_addr_copy(new->addr, addr);
			new->local = false;
			new->updated = now;
			RCU_INIT_POINTER(new->port, port);
			hlist_add_head_rcu(&new->hnode, head);
			WRITE_ONCE(fdb->count, fdb->count + 1);
			kn_fdb_changed(fdb);
			new = NULL;
			ret = KN_FDB_CREATED;
		} else {
			ret = KN_FDB_NOMEM;
		}
	}
	spin_unlock_bh(&fdb->lock);
	kfree(new);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(kn_fdb_learn);

/*
 * Makes @addr local: frames to it go up the host's stack.  A learned entry
 * for @addr is replaced.  Local entries are not counted against the limit
 * and never age.  Process context.
 */
int kn_fdb_add_local(struct kn_fdb *fdb, const u8 *addr, unsigned long now)
{
	struct hlist_head *head = kn_fdb_head(fdb, addr);
	struct kn_fdb_entry *f, *new;

	new = kmalloc(sizeof(*new), GFP_KERNEL);
	if (!new)
		return -ENOMEM;
	ether_addr_copy(new->addr, addr);
	new->local = true;
	new->updated = now;
	RCU_INIT_POINTER(new->port, NULL);

	spin_lock_bh(&fdb->lock);
	f = kn_fdb_find(fdb, head, addr);
	if (f && f->local) {
		spin_unlock_bh(&fdb->lock);
		kfree(new);
		return 0;
	}
	if (f) {
		hlist_replace_rcu(&f->hnode, &new->hnode);
		WRITE_ONCE(fdb->count, fdb->count - 1);
		kfree_rcu(f, rcu);
	} else {
		hlist_add_head_rcu(&new->hnode, head);
	}
	kn_fdb_changed(fdb);
	spin_unlock_bh(&fdb->lock);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(kn_fdb_add_local);

/* Removes the local entry for @addr, if there is one. */
void kn_fdb_del_local(struct kn_fdb *fdb, const u8 *addr)
{
	struct kn_fdb_entry *f;

	spin_lock_bh(&fdb->lock);
	f = kn_fdb_find(fdb, kn_fdb_head(fdb, addr), addr);
	if (f && f->local)
		kn_fdb_delete(fdb, f);
	spin_unlock_bh(&fdb->lock);
}
EXPORT_SYMBOL_IF_KUNIT(kn_fdb_del_local);

/*
 * Forgets the addresses learned on @port, or all learned addresses when
 * @port is NULL; local entries stay.  Readers that found an entry before
 * may still use it, and its port, until they drop rcu_read_lock().
 */
void kn_fdb_flush(struct kn_fdb *fdb, const struct kn_port *port)
{
	struct kn_fdb_entry *f;
	struct hlist_node *tmp;
	unsigned int i;

	spin_lock_bh(&fdb->lock);
	for (i = 0; i < KN_FDB_BUCKETS; i++) {
		hlist_for_each_entry_safe(f, tmp, &fdb->buckets[i], hnode) {
			if (f->local)
				continue;
			if (!port || rcu_access_pointer(f->port) == port)
				kn_fdb_delete(fdb, f);
		}
	}
	spin_unlock_bh(&fdb->lock);
}
EXPORT_SYMBOL_IF_KUNIT(kn_fdb_flush);

/*
 * Removes the learned entries not refreshed during the ageing time before
 * @now.  Returns how many jiffies until the next one expires (the ageing
 * time when there is none), so the caller knows when to come back.  Takes
 * the lock one chain at a time so learning is never held up for long.
 */
unsigned long kn_fdb_age(struct kn_fdb *fdb, unsigned long now)
{
	unsigned long ageing_time = READ_ONCE(fdb->ageing_time);
	unsigned long next = ageing_time;
	struct kn_fdb_entry *f;
	struct hlist_node *tmp;
	unsigned int i;

	for (i = 0; i < KN_FDB_BUCKETS; i++) {
		if (hlist_empty(&fdb->buckets[i]))
			continue;
		spin_lock_bh(&fdb->lock);
		hlist_for_each_entry_safe(f, tmp, &fdb->buckets[i], hnode) {
			unsigned long expires;

			if (f->local)
				continue;
			expires = READ_ONCE(f->updated) + ageing_time;
			if (time_after_eq(now, expires))
				kn_fdb_delete(fdb, f);
			else
				next = min(next, expires - now);
		}
		spin_unlock_bh(&fdb->lock);
	}
	return next;
}
EXPORT_SYMBOL_IF_KUNIT(kn_fdb_age);

/*
 * Calls @fn for each entry from @cursor on, under rcu_read_lock() held by
 * the caller.  When @fn returns non-zero the walk stops there and returns
 * that value, with @cursor on the entry @fn refused, so the next walk starts
 * with it.  Entries added or removed between two walks may be skipped or
 * seen twice; kn_fdb_gen() tells the caller that happened.
 */
int kn_fdb_walk(struct kn_fdb *fdb, struct kn_fdb_cursor *cursor,
		int (*fn)(const struct kn_fdb_entry *f, void *arg), void *arg)
{
	struct kn_fdb_entry *f;
	unsigned long i;
	int err;

	for (; cursor->bucket < KN_FDB_BUCKETS; cursor->bucket++) {
		i = 0;
		hlist_for_each_entry_rcu(f, &fdb->buckets[cursor->bucket], hnode) {
			if (i++ < cursor->index)
				continue;
			err = fn(f, arg);
			if (err)
				return err;
			cursor->index = i;
		}
		cursor->index = 0;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(kn_fdb_walk);
