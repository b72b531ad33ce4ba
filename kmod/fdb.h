/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KN_FDB_H
#define _KN_FDB_H

#include <linux/bits.h>
#include <linux/if_ether.h>
#include <linux/rculist.h>
#include <linux/spinlock.h>
#include <linux/types.h>

struct kn_port;

#define KN_FDB_HASH_BITS	12
#define KN_FDB_BUCKETS		BIT(KN_FDB_HASH_BITS)

/*
 * One forwarding database entry: frames to @addr leave through @port, or go
 * up the host's stack when @local.  @addr and @local never change once the
 * entry is published; @port changes (a station moved) under the table's
 * lock; @updated is written without it by whoever sees a frame from @addr.
 */
struct kn_fdb_entry {
	struct hlist_node hnode;
	struct kn_port __rcu *port;	/* NULL for a local entry */
	unsigned long updated;		/* jiffies; READ_ONCE/WRITE_ONCE */
	u8 addr[ETH_ALEN] __aligned(2);
	bool local;
	struct rcu_head rcu;
};

/*
 * The table: a fixed array of RCU hash chains indexed by a salted jhash of
 * the address.  @lock serializes every change of a chain, of @count and of
 * @gen; lookups take no lock.  All times are jiffies and are passed in by
 * the caller, so tests can drive ageing with any clock.
 */
struct kn_fdb {
	spinlock_t lock;		/* writers; BHs off */
	struct hlist_head *buckets;
	u32 salt;
	u32 count;			/* learned entries; READ_ONCE outside @lock */
	u32 max;			/* most learned entries; READ_ONCE */
	unsigned long ageing_time;	/* jiffies; READ_ONCE */
	u32 gen;			/* bumped by every add/move/delete */
};

enum kn_fdb_learn_result {
	KN_FDB_REFRESHED,	/* known on this port: its age was reset */
	KN_FDB_CREATED,		/* new entry */
	KN_FDB_MOVED,		/* known on another port: now on this one */
	KN_FDB_LOCAL,		/* a local address: never learned on a port */
	KN_FDB_FULL,		/* new, but the table holds @max entries */
	KN_FDB_NOMEM,		/* new, but no memory for it */
};

/* Where a walk stopped; zero it to start from the beginning. */
struct kn_fdb_cursor {
	unsigned long bucket;
	unsigned long index;
};

int kn_fdb_init(struct kn_fdb *fdb, u32 max, unsigned long ageing_time);
void kn_fdb_uninit(struct kn_fdb *fdb);

struct kn_fdb_entry *kn_fdb_lookup(struct kn_fdb *fdb, const u8 *addr);
enum kn_fdb_learn_result kn_fdb_learn(struct kn_fdb *fdb, const u8 *addr,
				      struct kn_port *port, unsigned long now);
int kn_fdb_add_local(struct kn_fdb *fdb, const u8 *addr, unsigned long now);
void kn_fdb_del_local(struct kn_fdb *fdb, const u8 *addr);
void kn_fdb_flush(struct kn_fdb *fdb, const struct kn_port *port);
unsigned long kn_fdb_age(struct kn_fdb *fdb, unsigned long now);
int kn_fdb_walk(struct kn_fdb *fdb, struct kn_fdb_cursor *cursor,
		int (*fn)(const struct kn_fdb_entry *f, void *arg), void *arg);

static inline void kn_fdb_set_max(struct kn_fdb *fdb, u32 max)
{
	WRITE_ONCE(fdb->max, max);
}

static inline void kn_fdb_set_ageing_time(struct kn_fdb *fdb,
					  unsigned long ageing_time)
{
	WRITE_ONCE(fdb->ageing_time, ageing_time);
}

static inline u32 kn_fdb_count(const struct kn_fdb *fdb)
{
	return READ_ONCE(fdb->count);
}

static inline u32 kn_fdb_gen(const struct kn_fdb *fdb)
{
	return READ_ONCE(fdb->gen);
}

#endif /* _KN_FDB_H */
