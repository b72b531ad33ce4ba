// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: ClusterIP's pure parts -- the weighted backend pick (its exact
 * probabilities, over a grid of draws), the connection table (lookup both
 * ways, clashes, expiry, the size limit and early drop, affinity entries),
 * NAT on real skbs (checksums against full recomputation and against bytes
 * computed outside the kernel), the TCP/UDP state machine, and the checks
 * on service and backend requests.
 */
#include <kunit/test.h>
#include <linux/icmp.h>
#include <linux/inet.h>
#include <linux/ip.h>
#include <linux/math64.h>
#include <linux/prandom.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/checksum.h>
#include <net/ip.h>
#include <net/tcp.h>

#include "uapi/kn.h"
#include "conntrack.h"
#include "lb.h"
#include "nat.h"
#include "services.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

static __be32 ip(const char *s)
{
	return in_aton(s);
}

/* ------------------------------------------------------------------ */
/* kn_backend_pick                                                     */
/* ------------------------------------------------------------------ */

/* The grid's high halves: 4096 midpoints spread evenly over the u32 range. */
#define PICK_GRID	4096

/* The backends of one set, in one array so a pick maps back to its index. */
struct pick_fixture {
	struct kn_backend *be;
	struct kn_backend **ptrs;
	struct kn_backend_set *set;
	u32 n;
};

static int kn_pick_test_init(struct kunit *test)
{
	struct pick_fixture *fx = kunit_kzalloc(test, sizeof(*fx), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, fx);
	test->priv = fx;
	return 0;
}

static void kn_pick_test_exit(struct kunit *test)
{
	struct pick_fixture *fx = test->priv;

	kn_backend_set_free(fx->set);
}

/* Backend i: 10.244.(i / 250).(i % 250 + 1), port 8000 + i. */
static __be32 be_addr(u32 i)
{
	return htonl(0x0af40000 | (i / 250) << 8 | (i % 250 + 1));
}

static __be16 be_port(u32 i)
{
	return htons(8000 + i);
}

/* A set of @n backends with @weights and @flags (NULL: none). */
static struct kn_backend_set *make_set(struct kunit *test, const u16 *weights,
				       const u32 *flags, u32 n)
{
	struct pick_fixture *fx = test->priv;
	u32 i;

	fx->n = n;
	fx->be = kunit_kcalloc(test, max(n, 1U), sizeof(*fx->be), GFP_KERNEL);
	fx->ptrs = kunit_kcalloc(test, max(n, 1U), sizeof(*fx->ptrs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fx->be);
	KUNIT_ASSERT_NOT_NULL(test, fx->ptrs);
	for (i = 0; i < n; i++) {
		fx->be[i].addr = be_addr(i);
		fx->be[i].port = be_port(i);
		fx->be[i].weight = weights[i];
		fx->be[i].flags = flags ? flags[i] : 0;
		fx->ptrs[i] = &fx->be[i];
	}
	fx->set = kn_backend_set_build(fx->ptrs, n, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fx->set);
	KUNIT_ASSERT_EQ(test, fx->set->count, n);
	return fx->set;
}

/* The i-th of @total evenly spread midpoints of the u32 range. */
static u32 grid_point(u32 i, u32 total)
{
	return (u32)(((u64)(2 * i + 1) << 32) / (2 * (u64)total));
}

/*
 * Picks every draw of the grid: @lows low halves (a multiple of the usable
 * count, so each alias slot gets exactly lows / usable of them) times
 * PICK_GRID high halves; counts[i] is how often backend i came out.
 * Returns how many picks were not one of the set's backends.
 */
static u64 sweep(struct pick_fixture *fx, u32 lows, u64 *counts)
{
	u64 stray = 0;
	u32 i, j;

	for (i = 0; i < lows; i++) {
		u64 lo = grid_point(i, lows);

		for (j = 0; j < PICK_GRID; j++) {
			u64 hi = grid_point(j, PICK_GRID);
			struct kn_backend *be = kn_backend_pick(fx->set, hi << 32 | lo);

			if (be >= fx->be && be < fx->be + fx->n)
				counts[be - fx->be]++;
			else
				stray++;
		}
		cond_resched();
	}
	return stray;
}

/*
 * The grid's own error: an alias slot's keep threshold is resolved to 1/2
 * of a high-half step (PICK_GRID per slot), so backend i's count is off by
 * at most lows/usable/2 draws for its own slot and for each slot that has
 * it as alias; twice that (plus one for the keep's rounding down) is the
 * bound checked.
 */
static u64 grid_bound(const struct pick_fixture *fx, u32 lows, u32 i)
{
	const struct kn_backend_set *set = fx->set;
	u64 per_slot = lows / set->usable, slots = 1;
	u32 s;

	for (s = 0; s < set->usable; s++)
		if (set->alias[s].alias == i && set->alias[s].self != i)
			slots++;
	return per_slot * slots + 1;
}

/*
 * Sweeps the grid over @fx's set and checks every backend's share against
 * weight / total-usable-weight: within @permille / 1000 of the draws when
 * @permille is not 0, and within the grid's own bound (grid_bound())
 * always.  Terminating backends must never come out.
 */
static void check_shares(struct kunit *test, u32 permille)
{
	struct pick_fixture *fx = test->priv;
	const struct kn_backend_set *set = fx->set;
	u32 lows = roundup(PICK_GRID, set->usable), i;
	u64 total = 0, n = (u64)lows * PICK_GRID, *counts, sum = 0;

	counts = kunit_kcalloc(test, fx->n, sizeof(*counts), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, counts);
	for (i = 0; i < fx->n; i++)
		if (!(fx->be[i].flags & KN_BACKEND_F_TERMINATING))
			total += fx->be[i].weight;

	KUNIT_ASSERT_EQ(test, sweep(fx, lows, counts), 0ULL);
	for (i = 0; i < fx->n; i++) {
		u64 want = (fx->be[i].flags & KN_BACKEND_F_TERMINATING) ? 0 :
			   fx->be[i].weight;
		/* |count / n - want / total|, scaled by n * total */
		s64 err = (s64)(counts[i] * total) - (s64)(n * want);

		sum += counts[i];
		if (!want) {
			KUNIT_EXPECT_EQ_MSG(test, counts[i], 0ULL,
					    "terminating backend %u picked", i);
			continue;
		}
		if (permille)
			KUNIT_EXPECT_LE_MSG(test, abs(err) * 1000, (s64)(n * total * permille),
					    "backend %u (weight %u of %llu): %llu of %llu draws",
					    i, fx->be[i].weight, total, counts[i], n);
		KUNIT_EXPECT_LE_MSG(test, abs(err), (s64)(grid_bound(fx, lows, i) * total),
				    "backend %u (weight %u of %llu): %llu of %llu draws, grid bound %llu",
				    i, fx->be[i].weight, total, counts[i], n,
				    grid_bound(fx, lows, i));
	}
	KUNIT_EXPECT_EQ(test, sum, n);
}

static void kn_pick_equal_test(struct kunit *test)
{
	static const u16 w[] = { 1, 1 };

	KUNIT_EXPECT_EQ(test, make_set(test, w, NULL, 2)->usable, 2U);
	check_shares(test, 1);
}

static void kn_pick_three_to_one_test(struct kunit *test)
{
	static const u16 w[] = { 3, 1 };

	KUNIT_EXPECT_EQ(test, make_set(test, w, NULL, 2)->usable, 2U);
	check_shares(test, 1);
}

static void kn_pick_one_to_four_test(struct kunit *test)
{
	static const u16 w[] = { 1, 2, 3, 4 };

	KUNIT_EXPECT_EQ(test, make_set(test, w, NULL, 4)->usable, 4U);
	check_shares(test, 1);
}

/* Three slots: no power of two, and the weights' extremes. */
static void kn_pick_uneven_test(struct kunit *test)
{
	static const u16 w[] = { 65535, 1, 700 };

	KUNIT_EXPECT_EQ(test, make_set(test, w, NULL, 3)->usable, 3U);
	check_shares(test, 1);
}

static void kn_pick_single_test(struct kunit *test)
{
	static const u64 draws[] = { 0, 1, U32_MAX, (u64)U32_MAX << 32, U64_MAX,
				     0x8000000080000000ULL };
	static const u16 w[] = { 7 };
	struct pick_fixture *fx = test->priv;
	unsigned int i;

	KUNIT_EXPECT_EQ(test, make_set(test, w, NULL, 1)->usable, 1U);
	for (i = 0; i < ARRAY_SIZE(draws); i++)
		KUNIT_EXPECT_PTR_EQ(test, kn_backend_pick(fx->set, draws[i]), &fx->be[0]);
	check_shares(test, 1);
}

/* Terminating backends stay in the set (affinity finds them) but are never picked. */
static void kn_pick_terminating_test(struct kunit *test)
{
	static const u16 w[] = { 1, 5, 3, 9 };
	static const u32 f[] = { 0, KN_BACKEND_F_TERMINATING, 0, KN_BACKEND_F_TERMINATING };
	static const u64 draws[] = { 0, U32_MAX, (u64)U32_MAX << 32, U64_MAX };
	struct pick_fixture *fx = test->priv;
	const struct kn_backend_set *set = make_set(test, w, f, 4);
	unsigned int i;

	KUNIT_EXPECT_EQ(test, set->usable, 2U);
	KUNIT_EXPECT_EQ(test, set->count, 4U);
	for (i = 0; i < set->usable; i++) {
		KUNIT_EXPECT_FALSE(test, set->backends[set->alias[i].self]->flags &
				   KN_BACKEND_F_TERMINATING);
		KUNIT_EXPECT_FALSE(test, set->backends[set->alias[i].alias]->flags &
				   KN_BACKEND_F_TERMINATING);
	}
	for (i = 0; i < ARRAY_SIZE(draws); i++)
		KUNIT_EXPECT_FALSE(test, kn_backend_pick(set, draws[i])->flags &
				   KN_BACKEND_F_TERMINATING);
	/* 1:3 among the usable ones, 0 for the others */
	check_shares(test, 1);
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_PTR_EQ(test, kn_backend_find(set, be_addr(i), be_port(i)),
				    &fx->be[i]);
}

static void kn_pick_all_terminating_test(struct kunit *test)
{
	static const u16 w[] = { 1, 2 };
	static const u32 f[] = { KN_BACKEND_F_TERMINATING, KN_BACKEND_F_TERMINATING };
	struct pick_fixture *fx = test->priv;
	const struct kn_backend_set *set = make_set(test, w, f, 2);

	KUNIT_EXPECT_EQ(test, set->usable, 0U);
	KUNIT_EXPECT_PTR_EQ(test, kn_backend_find(set, be_addr(1), be_port(1)), &fx->be[1]);
}

/*
 * 1000 backends, random weights 1..65535 (fixed seed), one in ten
 * terminating.  Tolerance: each backend's count within grid_bound() of
 * draws * weight / total, i.e. its share within (1 + a) / (usable * 4096)
 * of weight / total, a being how many other slots have it as alias --
 * about 2.7e-7 per slot for ~900 usable, against a mean share of 1.1e-3.
 */
static void kn_pick_thousand_test(struct kunit *test)
{
	struct pick_fixture *fx = test->priv;
	struct rnd_state rnd;
	u32 *f, usable = 0, i;
	u16 *w;

	w = kunit_kcalloc(test, 1000, sizeof(*w), GFP_KERNEL);
	f = kunit_kcalloc(test, 1000, sizeof(*f), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, w);
	KUNIT_ASSERT_NOT_NULL(test, f);
	prandom_seed_state(&rnd, 0x6b6e2d6c62ULL);
	for (i = 0; i < 1000; i++) {
		w[i] = prandom_u32_state(&rnd) % 65535 + 1;
		f[i] = i % 10 == 3 ? KN_BACKEND_F_TERMINATING : 0;
		usable += !f[i];
	}
	KUNIT_EXPECT_EQ(test, make_set(test, w, f, 1000)->usable, usable);
	check_shares(test, 0);

	/* every backend is found by its address and port, terminating or not */
	for (i = 0; i < 1000; i++)
		KUNIT_EXPECT_PTR_EQ(test, kn_backend_find(fx->set, be_addr(i), be_port(i)),
				    &fx->be[i]);
}

/*
 * KN_BACKENDS_MAX backends with weights up to 65535, where the alias
 * table's fixed-point arithmetic is closest to overflowing: too many draws
 * for a grid, so each backend's probability is read off the table exactly
 * (slot by slot: keep / 2^32 of 1/n for its own slot, the rest for each
 * slot whose alias it is) and must be weight / total within what the
 * keeps' rounding down can move, 2^-32 of a slot per slot it is in.  Then
 * each slot's two outcomes are drawn through kn_backend_pick() itself.
 */
static void kn_pick_max_set_test(struct kunit *test)
{
	const u32 n = KN_BACKENDS_MAX;
	struct pick_fixture *fx = test->priv;
	const struct kn_backend_set *set;
	u64 total = 0, *mass, *slots;
	struct rnd_state rnd;
	u32 i, s;
	u16 *w;

	w = kunit_kcalloc(test, n, sizeof(*w), GFP_KERNEL);
	mass = kunit_kcalloc(test, n, sizeof(*mass), GFP_KERNEL);
	slots = kunit_kcalloc(test, n, sizeof(*slots), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, w);
	KUNIT_ASSERT_NOT_NULL(test, mass);
	KUNIT_ASSERT_NOT_NULL(test, slots);
	prandom_seed_state(&rnd, 0x6d61786b6eULL);
	for (i = 0; i < n; i++) {
		/* mostly the heaviest, some light: many small slots per large one */
		w[i] = i % 16 ? 65535 : prandom_u32_state(&rnd) % 100 + 1;
		total += w[i];
	}
	set = make_set(test, w, NULL, n);
	KUNIT_ASSERT_EQ(test, set->usable, n);

	for (s = 0; s < n; s++) {
		const struct kn_alias_slot *a = &set->alias[s];

		KUNIT_ASSERT_LT(test, a->self, n);
		KUNIT_ASSERT_LT(test, a->alias, n);
		mass[a->self] += a->keep;
		mass[a->alias] += (1ULL << 32) - a->keep;
		slots[a->self]++;
		if (a->alias != a->self)
			slots[a->alias]++;
	}
	for (i = 0; i < n; i++) {
		/* mass[i] / (n * 2^32) against w[i] / total, +1 for this floor */
		u64 want = mul_u64_u64_div_u64((u64)w[i] * n, 1ULL << 32, total);

		if (abs((s64)(mass[i] - want)) > slots[i] + 1) {
			KUNIT_FAIL(test, "backend %u (weight %u of %llu): mass %llu, %llu slots",
				   i, w[i], total, mass[i], slots[i]);
			break;
		}
	}

	for (s = 0; s < n; s++) {
		const struct kn_alias_slot *a = &set->alias[s];
		u64 lo = grid_point(s, n);

		if (a->keep &&
		    kn_backend_pick(set, lo) != &fx->be[a->self]) {
			KUNIT_FAIL(test, "slot %u: high half 0 did not keep %u", s, a->self);
			break;
		}
		if (a->keep != U32_MAX &&
		    kn_backend_pick(set, (u64)U32_MAX << 32 | lo) != &fx->be[a->alias]) {
			KUNIT_FAIL(test, "slot %u: top high half did not go to %u",
				   s, a->alias);
			break;
		}
	}
}

static void kn_backend_find_test(struct kunit *test)
{
	static const u16 w[] = { 1, 1, 1, 1, 1 };
	struct pick_fixture *fx = test->priv;
	const struct kn_backend_set *set = make_set(test, w, NULL, 5), *empty;
	u32 i;

	for (i = 0; i < 5; i++)
		KUNIT_EXPECT_PTR_EQ(test, kn_backend_find(set, be_addr(i), be_port(i)),
				    &fx->be[i]);
	/* same address, other port; same port, other address; neither */
	KUNIT_EXPECT_NULL(test, kn_backend_find(set, be_addr(0), be_port(1)));
	KUNIT_EXPECT_NULL(test, kn_backend_find(set, be_addr(1), be_port(0)));
	KUNIT_EXPECT_NULL(test, kn_backend_find(set, be_addr(5), be_port(5)));
	KUNIT_EXPECT_NULL(test, kn_backend_find(set, ip("10.244.0.1"), htons(80)));
	KUNIT_EXPECT_NULL(test, kn_backend_find(NULL, be_addr(0), be_port(0)));

	empty = kn_backend_set_build(NULL, 0, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, empty);
	KUNIT_EXPECT_EQ(test, empty->usable, 0U);
	KUNIT_EXPECT_NULL(test, kn_backend_find(empty, be_addr(0), be_port(0)));
	kn_backend_set_free((struct kn_backend_set *)empty);
}

static struct kunit_case kn_pick_cases[] = {
	KUNIT_CASE(kn_pick_equal_test),
	KUNIT_CASE(kn_pick_three_to_one_test),
	KUNIT_CASE(kn_pick_one_to_four_test),
	KUNIT_CASE(kn_pick_uneven_test),
	KUNIT_CASE(kn_pick_single_test),
	KUNIT_CASE(kn_pick_terminating_test),
	KUNIT_CASE(kn_pick_all_terminating_test),
	KUNIT_CASE(kn_pick_thousand_test),
	KUNIT_CASE(kn_pick_max_set_test),
	KUNIT_CASE(kn_backend_find_test),
	{}
};

static struct kunit_suite kn_pick_suite = {
	.name = "kn_backend_pick",
	.init = kn_pick_test_init,
	.exit = kn_pick_test_exit,
	.test_cases = kn_pick_cases,
};

/* ------------------------------------------------------------------ */
/* kn_conntrack                                                        */
/* ------------------------------------------------------------------ */

#define CT_TIMEOUT	(120 * HZ)
#define CT_MAX		1024

static int kn_ct_test_init(struct kunit *test)
{
	struct kn_ct_table *t = kn_ct_create(CT_MAX);

	KUNIT_ASSERT_NOT_NULL(test, t);
	/* the table's own GC would race the test's kn_ct_gc_buckets() calls */
	cancel_delayed_work_sync(&t->gc);
	test->priv = t;
	return 0;
}

static void kn_ct_test_exit(struct kunit *test)
{
	kn_ct_destroy(test->priv);
	/* its entries are freed by RCU callbacks */
	rcu_barrier();
}

static void kn_ct_suite_exit(struct kunit_suite *suite)
{
	rcu_barrier();
}

/* Client i: 10.244.1.x:(10000 + i) to the VIP 10.96.0.10:80, TCP. */
static struct kn_ct_tuple orig_tuple(u32 i)
{
	return (struct kn_ct_tuple){
		.src = htonl(0x0af40100 | (i % 200 + 2)), .dst = ip("10.96.0.10"),
		.sport = htons(10000 + i), .dport = htons(80),
		.proto = IPPROTO_TCP, .kind = KN_CT_KIND_CONN,
	};
}

/* Its reply: from the backend 10.244.2.5:8080. */
static struct kn_ct_tuple reply_tuple(u32 i)
{
	struct kn_ct_tuple o = orig_tuple(i);

	return (struct kn_ct_tuple){
		.src = ip("10.244.2.5"), .dst = o.src,
		.sport = htons(8080), .dport = o.sport,
		.proto = IPPROTO_TCP, .kind = KN_CT_KIND_CONN,
	};
}

static struct kn_conn *new_conn(struct kunit *test, const struct kn_ct_tuple *o,
				const struct kn_ct_tuple *r, u32 status)
{
	struct kn_conn *c = kn_ct_alloc();

	KUNIT_ASSERT_NOT_NULL(test, c);
	c->node[0].tuple = *o;
	c->node[1].tuple = *r;
	c->status = status;
	return c;
}

static struct kn_conn *insert_max(struct kunit *test, struct kn_conn *c, u32 max)
{
	struct kn_conn *got;

	rcu_read_lock();
	got = kn_ct_insert(test->priv, c, CT_TIMEOUT, max);
	rcu_read_unlock();
	return got;
}

/* Connection i, SYN_SENT (or with @status), inserted. */
static struct kn_conn *insert_n(struct kunit *test, u32 i, u32 status, u32 max)
{
	struct kn_ct_tuple o = orig_tuple(i), r = reply_tuple(i);

	return insert_max(test, new_conn(test, &o, &r, status), max);
}

static struct kn_conn *lookup(struct kunit *test, const struct kn_ct_tuple *tp, int *dir)
{
	struct kn_conn *c;
	int d = -1;

	rcu_read_lock();
	c = kn_ct_lookup(test->priv, tp, &d);
	rcu_read_unlock();
	if (dir)
		*dir = d;
	return c;
}

static u64 stat(struct kunit *test, enum kn_ct_counter which)
{
	struct kn_ct_stats s;

	kn_ct_read_stats(test->priv, &s);
	return s.c[which];
}

static int ct_count(struct kunit *test)
{
	return atomic_read(&((struct kn_ct_table *)test->priv)->count);
}

#define SYN_SENT	kn_conn_status(KN_CT_STATE_SYN_SENT, 0)
#define ESTABLISHED	kn_conn_status(KN_CT_STATE_ESTABLISHED, KN_CT_F_REPLIED)

static void kn_ct_insert_lookup_test(struct kunit *test)
{
	struct kn_ct_tuple o = orig_tuple(1), r = reply_tuple(1), x;
	struct kn_conn *c = new_conn(test, &o, &r, SYN_SENT);
	unsigned long before = jiffies;
	int dir;

	KUNIT_ASSERT_PTR_EQ(test, insert_max(test, c, CT_MAX), c);
	KUNIT_EXPECT_EQ(test, c->node[0].tuple.dir, KN_CT_DIR_ORIG);
	KUNIT_EXPECT_EQ(test, c->node[1].tuple.dir, KN_CT_DIR_REPLY);
	KUNIT_EXPECT_EQ(test, c->status, SYN_SENT);
	/* expires CT_TIMEOUT after the insert */
	KUNIT_EXPECT_GE(test, (s32)(c->expires - (u32)before), (s32)CT_TIMEOUT);
	KUNIT_EXPECT_LE(test, (s32)(c->expires - (u32)jiffies), (s32)CT_TIMEOUT);

	KUNIT_EXPECT_PTR_EQ(test, lookup(test, &o, &dir), c);
	KUNIT_EXPECT_EQ(test, dir, KN_CT_DIR_ORIG);
	KUNIT_EXPECT_PTR_EQ(test, lookup(test, &r, &dir), c);
	KUNIT_EXPECT_EQ(test, dir, KN_CT_DIR_REPLY);
	/* the dir byte of the key is not compared */
	x = r;
	x.dir = KN_CT_DIR_ORIG;
	KUNIT_EXPECT_PTR_EQ(test, lookup(test, &x, &dir), c);
	KUNIT_EXPECT_EQ(test, dir, KN_CT_DIR_REPLY);

	/* every other field is */
	x = o;
	x.sport = htons(10002);
	KUNIT_EXPECT_NULL(test, lookup(test, &x, NULL));
	x = o;
	x.dport = htons(81);
	KUNIT_EXPECT_NULL(test, lookup(test, &x, NULL));
	x = o;
	x.src = ip("10.244.1.99");
	KUNIT_EXPECT_NULL(test, lookup(test, &x, NULL));
	x = o;
	x.dst = ip("10.96.0.11");
	KUNIT_EXPECT_NULL(test, lookup(test, &x, NULL));
	x = o;
	x.proto = IPPROTO_UDP;
	KUNIT_EXPECT_NULL(test, lookup(test, &x, NULL));
	x = o;
	x.kind = KN_CT_KIND_AFFINITY;
	KUNIT_EXPECT_NULL(test, lookup(test, &x, NULL));
	/* the reply tuple turned around is not the original */
	x = (struct kn_ct_tuple){ .src = r.dst, .dst = r.src, .sport = r.dport,
				  .dport = r.sport, .proto = IPPROTO_TCP };
	KUNIT_EXPECT_NULL(test, lookup(test, &x, NULL));

	KUNIT_EXPECT_EQ(test, ct_count(test), 1);
	KUNIT_EXPECT_EQ(test, stat(test, KN_CT_INSERTS), 1ULL);
	KUNIT_EXPECT_EQ(test, stat(test, KN_CT_CLASHES), 0ULL);
}

/* Two packets of one new connection on two CPUs: the second gets the first's entry. */
static void kn_ct_clash_test(struct kunit *test)
{
	struct kn_ct_tuple o = orig_tuple(1), r = reply_tuple(1), r2 = reply_tuple(1);
	struct kn_conn *c1 = new_conn(test, &o, &r, SYN_SENT), *c2;
	int dir;

	KUNIT_ASSERT_PTR_EQ(test, insert_max(test, c1, CT_MAX), c1);
	/* the other CPU picked another backend */
	r2.src = ip("10.244.3.7");
	c2 = new_conn(test, &o, &r2, SYN_SENT);
	KUNIT_EXPECT_PTR_EQ(test, insert_max(test, c2, CT_MAX), c1);	/* c2 is freed */
	KUNIT_EXPECT_EQ(test, stat(test, KN_CT_CLASHES), 1ULL);
	KUNIT_EXPECT_EQ(test, stat(test, KN_CT_INSERTS), 1ULL);
	KUNIT_EXPECT_EQ(test, ct_count(test), 1);
	KUNIT_EXPECT_PTR_EQ(test, lookup(test, &o, &dir), c1);
	KUNIT_EXPECT_EQ(test, dir, KN_CT_DIR_ORIG);
	KUNIT_EXPECT_PTR_EQ(test, lookup(test, &r, &dir), c1);
	KUNIT_EXPECT_NULL(test, lookup(test, &r2, NULL));
}

/* Another connection whose reply tuple is taken is refused. */
static void kn_ct_reply_taken_test(struct kunit *test)
{
	struct kn_ct_tuple o = orig_tuple(1), r = reply_tuple(1), o2 = orig_tuple(1);
	struct kn_conn *c1 = new_conn(test, &o, &r, SYN_SENT), *got;

	KUNIT_ASSERT_PTR_EQ(test, insert_max(test, c1, CT_MAX), c1);
	o2.dst = ip("10.96.0.11");	/* another VIP, same backend, same client port */
	got = insert_max(test, new_conn(test, &o2, &r, SYN_SENT), CT_MAX);
	KUNIT_EXPECT_TRUE(test, IS_ERR(got));
	KUNIT_EXPECT_EQ(test, PTR_ERR(got), -EEXIST);
	KUNIT_EXPECT_EQ(test, ct_count(test), 1);
	KUNIT_EXPECT_EQ(test, stat(test, KN_CT_INSERTS), 1ULL);
	KUNIT_EXPECT_NULL(test, lookup(test, &o2, NULL));
	KUNIT_EXPECT_PTR_EQ(test, lookup(test, &r, NULL), c1);
}

static void kn_ct_expiry_test(struct kunit *test)
{
	struct kn_ct_table *t = test->priv;
	struct kn_ct_tuple o = orig_tuple(1), r = reply_tuple(1);
	struct kn_ct_tuple o2 = orig_tuple(2), r2 = reply_tuple(2);
	struct kn_conn *c = new_conn(test, &o, &r, SYN_SENT), *live;

	KUNIT_ASSERT_PTR_EQ(test, insert_max(test, c, CT_MAX), c);
	live = insert_n(test, 2, SYN_SENT, CT_MAX);
	KUNIT_ASSERT_FALSE(test, IS_ERR(live));
	WRITE_ONCE(c->expires, (u32)jiffies - 1);

	KUNIT_EXPECT_NULL(test, lookup(test, &o, NULL));
	KUNIT_EXPECT_NULL(test, lookup(test, &r, NULL));
	KUNIT_EXPECT_PTR_EQ(test, lookup(test, &o2, NULL), live);
	KUNIT_EXPECT_EQ(test, ct_count(test), 2);	/* not gone yet */

	kn_ct_gc_buckets(t, t->mask + 1);
	KUNIT_EXPECT_EQ(test, ct_count(test), 1);
	KUNIT_EXPECT_EQ(test, stat(test, KN_CT_EXPIRED), 1ULL);
	KUNIT_EXPECT_PTR_EQ(test, lookup(test, &o2, NULL), live);
	KUNIT_EXPECT_PTR_EQ(test, lookup(test, &r2, NULL), live);

	/* another round finds nothing more to do */
	kn_ct_gc_buckets(t, t->mask + 1);
	KUNIT_EXPECT_EQ(test, ct_count(test), 1);
	KUNIT_EXPECT_EQ(test, stat(test, KN_CT_EXPIRED), 1ULL);
}

/* An expired entry does not hold its tuples: a new one takes them. */
static void kn_ct_expired_tuple_reuse_test(struct kunit *test)
{
	struct kn_ct_table *t = test->priv;
	struct kn_ct_tuple o = orig_tuple(1), r = reply_tuple(1);
	struct kn_conn *old = new_conn(test, &o, &r, SYN_SENT), *c;
	int dir;

	KUNIT_ASSERT_PTR_EQ(test, insert_max(test, old, CT_MAX), old);
	WRITE_ONCE(old->expires, (u32)jiffies - 1);
	c = new_conn(test, &o, &r, SYN_SENT);
	KUNIT_EXPECT_PTR_EQ(test, insert_max(test, c, CT_MAX), c);
	KUNIT_EXPECT_EQ(test, stat(test, KN_CT_CLASHES), 0ULL);
	KUNIT_EXPECT_PTR_EQ(test, lookup(test, &o, &dir), c);
	KUNIT_EXPECT_PTR_EQ(test, lookup(test, &r, &dir), c);
	KUNIT_EXPECT_EQ(test, dir, KN_CT_DIR_REPLY);

	kn_ct_gc_buckets(t, t->mask + 1);
	KUNIT_EXPECT_EQ(test, stat(test, KN_CT_EXPIRED), 1ULL);
	KUNIT_EXPECT_EQ(test, ct_count(test), 1);
	KUNIT_EXPECT_PTR_EQ(test, lookup(test, &o, NULL), c);
	KUNIT_EXPECT_PTR_EQ(test, lookup(test, &r, NULL), c);
}

/* A full table of replied entries refuses a new one. */
static void kn_ct_limit_test(struct kunit *test)
{
	struct kn_conn *c[8], *got;
	struct kn_ct_tuple o;
	u32 i;

	for (i = 0; i < 8; i++) {
		c[i] = insert_n(test, i, ESTABLISHED, 8);
		KUNIT_ASSERT_FALSE(test, IS_ERR(c[i]));
	}
	KUNIT_EXPECT_EQ(test, ct_count(test), 8);
	got = insert_n(test, 8, SYN_SENT, 8);
	KUNIT_EXPECT_TRUE(test, IS_ERR(got));
	KUNIT_EXPECT_EQ(test, PTR_ERR(got), -ENOSPC);
	/* a replied one is refused just the same */
	got = insert_n(test, 9, ESTABLISHED, 8);
	KUNIT_EXPECT_EQ(test, PTR_ERR(got), -ENOSPC);
	KUNIT_EXPECT_EQ(test, stat(test, KN_CT_DROP_FULL), 2ULL);
	KUNIT_EXPECT_EQ(test, stat(test, KN_CT_EARLY_DROPS), 0ULL);
	KUNIT_EXPECT_EQ(test, stat(test, KN_CT_INSERTS), 8ULL);
	KUNIT_EXPECT_EQ(test, ct_count(test), 8);
	o = orig_tuple(8);
	KUNIT_EXPECT_NULL(test, lookup(test, &o, NULL));
	for (i = 0; i < 8; i++) {
		o = orig_tuple(i);
		KUNIT_EXPECT_PTR_EQ(test, lookup(test, &o, NULL), c[i]);
	}
	/* a higher limit lets it in */
	got = insert_n(test, 8, SYN_SENT, 9);
	KUNIT_EXPECT_FALSE(test, IS_ERR(got));
	KUNIT_EXPECT_EQ(test, ct_count(test), 9);
}

/*
 * A flood of new connections into a full table evicts only its own kind
 * (unreplied), never the replied ones.  The limit (16) is far below what
 * the table's 1024 buckets were made for, so early drop looks at 512
 * buckets from the new entry's: half the table, where the 8 unreplied
 * entries' 16 hash nodes sit at random.  An insert finds none there only
 * if they all fall in the other half; whatever their places, that is true
 * for fewer than half the buckets an insert may start from, so well over
 * half of the 192 inserts past the limit evict one.
 */
static void kn_ct_flood_test(struct kunit *test)
{
	struct kn_conn *replied[8], *got;
	u32 i, found = 0, max_count = 0;
	struct kn_ct_tuple o, r;
	int dir;

	for (i = 0; i < 8; i++) {
		replied[i] = insert_n(test, 1000 + i, ESTABLISHED, 16);
		KUNIT_ASSERT_FALSE(test, IS_ERR(replied[i]));
	}
	for (i = 0; i < 200; i++) {
		got = insert_n(test, i, SYN_SENT, 16);
		if (IS_ERR(got))
			KUNIT_EXPECT_EQ(test, PTR_ERR(got), -ENOSPC);
		max_count = max_t(u32, max_count, ct_count(test));
	}
	KUNIT_EXPECT_LE(test, max_count, 16U);
	KUNIT_EXPECT_EQ(test, ct_count(test), 16);

	for (i = 0; i < 8; i++) {
		o = orig_tuple(1000 + i);
		r = reply_tuple(1000 + i);
		KUNIT_EXPECT_PTR_EQ(test, lookup(test, &o, &dir), replied[i]);
		KUNIT_EXPECT_EQ(test, dir, KN_CT_DIR_ORIG);
		KUNIT_EXPECT_PTR_EQ(test, lookup(test, &r, &dir), replied[i]);
		KUNIT_EXPECT_EQ(test, dir, KN_CT_DIR_REPLY);
		KUNIT_EXPECT_EQ(test, READ_ONCE(replied[i]->status), ESTABLISHED);
	}
	for (i = 0; i < 200; i++) {
		o = orig_tuple(i);
		r = reply_tuple(i);
		got = lookup(test, &o, NULL);
		KUNIT_EXPECT_PTR_EQ(test, lookup(test, &r, NULL), got);
		found += !!got;
	}
	KUNIT_EXPECT_EQ(test, found, 8U);

	/* the books balance: every attempt inserted or dropped, every
	 * insert past the limit paid for by one early drop
	 */
	KUNIT_EXPECT_EQ(test, stat(test, KN_CT_INSERTS) + stat(test, KN_CT_DROP_FULL), 208ULL);
	KUNIT_EXPECT_EQ(test, stat(test, KN_CT_INSERTS) - stat(test, KN_CT_EARLY_DROPS), 16ULL);
	KUNIT_EXPECT_GT(test, stat(test, KN_CT_EARLY_DROPS), 96ULL);
	KUNIT_EXPECT_EQ(test, stat(test, KN_CT_EXPIRED), 0ULL);
}

/*
 * A limit of 1 or 2 in 1024 buckets: early drop looks at the whole table
 * (no further: its span is capped by the buckets), so every new entry
 * past the limit evicts an unreplied one, wherever it hashes, and a
 * replied entry is never the one.
 */
static void kn_ct_sparse_limit_test(struct kunit *test)
{
	struct kn_conn *replied, *got;
	struct kn_ct_tuple o;
	u32 i;

	for (i = 0; i < 100; i++) {
		got = insert_n(test, i, SYN_SENT, 1);
		KUNIT_ASSERT_FALSE(test, IS_ERR(got));
		KUNIT_EXPECT_EQ(test, ct_count(test), 1);
	}
	KUNIT_EXPECT_EQ(test, stat(test, KN_CT_EARLY_DROPS), 99ULL);
	KUNIT_EXPECT_EQ(test, stat(test, KN_CT_DROP_FULL), 0ULL);
	o = orig_tuple(99);
	KUNIT_EXPECT_PTR_EQ(test, lookup(test, &o, NULL), got);

	replied = insert_n(test, 1000, ESTABLISHED, 2);
	KUNIT_ASSERT_FALSE(test, IS_ERR(replied));
	for (i = 100; i < 200; i++) {
		got = insert_n(test, i, SYN_SENT, 2);
		KUNIT_ASSERT_FALSE(test, IS_ERR(got));
		KUNIT_EXPECT_EQ(test, ct_count(test), 2);
	}
	KUNIT_EXPECT_EQ(test, stat(test, KN_CT_EARLY_DROPS), 199ULL);
	o = orig_tuple(1000);
	KUNIT_EXPECT_PTR_EQ(test, lookup(test, &o, NULL), replied);
	/* only the replied entry left to evict: refused */
	kn_ct_remove(test->priv, got, KN_CT_REMOVED);
	got = insert_n(test, 200, ESTABLISHED, 1);
	KUNIT_EXPECT_EQ(test, PTR_ERR(got), -ENOSPC);
	KUNIT_EXPECT_EQ(test, stat(test, KN_CT_DROP_FULL), 1ULL);
}

static bool match_dport(const struct kn_conn *c, const void *arg)
{
	return c->node[0].tuple.dport == *(const __be16 *)arg;
}

static void kn_ct_remove_matching_test(struct kunit *test)
{
	static const __be16 https = htons(443);
	struct kn_conn *c[20];
	struct kn_ct_tuple o, r;
	u32 i;

	for (i = 0; i < 20; i++) {
		o = orig_tuple(i);
		r = reply_tuple(i);
		if (i % 2)
			o.dport = https;
		c[i] = insert_max(test, new_conn(test, &o, &r, SYN_SENT), CT_MAX);
		KUNIT_ASSERT_PTR_NE(test, c[i], (struct kn_conn *)NULL);
		KUNIT_ASSERT_FALSE(test, IS_ERR(c[i]));
	}
	kn_ct_remove_matching(test->priv, match_dport, &https);
	KUNIT_EXPECT_EQ(test, ct_count(test), 10);
	KUNIT_EXPECT_EQ(test, stat(test, KN_CT_REMOVED), 10ULL);
	for (i = 0; i < 20; i++) {
		o = orig_tuple(i);
		r = reply_tuple(i);
		if (i % 2)
			o.dport = https;
		KUNIT_EXPECT_PTR_EQ(test, lookup(test, &o, NULL), i % 2 ? NULL : c[i]);
		KUNIT_EXPECT_PTR_EQ(test, lookup(test, &r, NULL), i % 2 ? NULL : c[i]);
	}

	kn_ct_remove_matching(test->priv, NULL, NULL);
	KUNIT_EXPECT_EQ(test, ct_count(test), 0);
	KUNIT_EXPECT_EQ(test, stat(test, KN_CT_REMOVED), 20ULL);
	o = orig_tuple(0);
	KUNIT_EXPECT_NULL(test, lookup(test, &o, NULL));
}

/* kn_ct_remove() of an entry already unlinked does nothing. */
static void kn_ct_remove_twice_test(struct kunit *test)
{
	struct kn_conn *c = insert_n(test, 1, SYN_SENT, CT_MAX);
	struct kn_ct_tuple o = orig_tuple(1);

	KUNIT_ASSERT_FALSE(test, IS_ERR(c));
	rcu_read_lock();	/* @c may be freed after a grace period */
	kn_ct_remove(test->priv, c, KN_CT_REMOVED);
	kn_ct_remove(test->priv, c, KN_CT_REMOVED);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, stat(test, KN_CT_REMOVED), 1ULL);
	KUNIT_EXPECT_EQ(test, ct_count(test), 0);
	KUNIT_EXPECT_NULL(test, lookup(test, &o, NULL));
}

/* A client's affinity to a backend, as kn_lb_pick() makes it. */
static struct kn_conn *affinity(struct kunit *test, const char *client,
				const char *vip, const char *backend)
{
	struct kn_ct_tuple key = {
		.src = ip(client), .dst = ip(vip), .dport = htons(80),
		.proto = IPPROTO_TCP, .kind = KN_CT_KIND_AFFINITY,
	};
	struct kn_ct_tuple be = {
		.src = ip(backend), .sport = htons(8080), .dst = ip(client),
		.proto = IPPROTO_TCP, .kind = KN_CT_KIND_AFFINITY,
	};

	return new_conn(test, &key, &be,
			kn_conn_status(KN_CT_STATE_AFFINITY, KN_CT_F_AFFINITY));
}

static void kn_ct_affinity_test(struct kunit *test)
{
	struct kn_conn *a = affinity(test, "10.244.1.2", "10.96.0.10", "10.244.2.5");
	struct kn_conn *b, *conn, *got;
	struct kn_ct_tuple key, be, x;
	int dir;

	key = a->node[0].tuple;
	be = a->node[1].tuple;
	KUNIT_ASSERT_PTR_EQ(test, insert_max(test, a, CT_MAX), a);
	KUNIT_EXPECT_PTR_EQ(test, lookup(test, &key, &dir), a);
	KUNIT_EXPECT_EQ(test, dir, KN_CT_DIR_ORIG);
	KUNIT_EXPECT_NULL(test, lookup(test, &be, NULL));	/* not hashed */
	x = be;
	x.kind = KN_CT_KIND_CONN;
	KUNIT_EXPECT_NULL(test, lookup(test, &x, NULL));
	x = key;
	x.kind = KN_CT_KIND_CONN;
	KUNIT_EXPECT_NULL(test, lookup(test, &x, NULL));
	KUNIT_EXPECT_EQ(test, ct_count(test), 1);

	/* the same client through another VIP to the same backend: the
	 * unhashed side is the same, and that is no clash
	 */
	b = affinity(test, "10.244.1.2", "10.96.0.11", "10.244.2.5");
	KUNIT_EXPECT_PTR_EQ(test, insert_max(test, b, CT_MAX), b);
	KUNIT_EXPECT_EQ(test, ct_count(test), 2);

	/* a second affinity for the same client and VIP is a clash */
	got = insert_max(test, affinity(test, "10.244.1.2", "10.96.0.10", "10.244.3.3"),
			 CT_MAX);
	KUNIT_EXPECT_PTR_EQ(test, got, a);
	KUNIT_EXPECT_EQ(test, stat(test, KN_CT_CLASHES), 1ULL);

	/* a connection whose tuples have the affinity's fields is another entry */
	conn = new_conn(test, &x, &x, SYN_SENT);
	conn->node[1].tuple.src = be.src;
	conn->node[1].tuple.dst = key.src;
	KUNIT_EXPECT_PTR_EQ(test, insert_max(test, conn, CT_MAX), conn);
	KUNIT_EXPECT_PTR_EQ(test, lookup(test, &key, NULL), a);
	KUNIT_EXPECT_PTR_EQ(test, lookup(test, &x, NULL), conn);

	rcu_read_lock();
	kn_ct_remove(test->priv, a, KN_CT_REMOVED);
	rcu_read_unlock();
	KUNIT_EXPECT_NULL(test, lookup(test, &key, NULL));
	KUNIT_EXPECT_PTR_EQ(test, lookup(test, &x, NULL), conn);
	KUNIT_EXPECT_EQ(test, ct_count(test), 2);
	KUNIT_EXPECT_EQ(test, stat(test, KN_CT_REMOVED), 1ULL);
}

/* Affinity entries are never early-dropped, though nothing replies to them. */
static void kn_ct_affinity_not_evicted_test(struct kunit *test)
{
	struct kn_ct_table *t = test->priv;
	struct kn_conn *a[8], *got;
	struct kn_ct_tuple key;
	char client[16];
	u32 i;

	for (i = 0; i < 8; i++) {
		snprintf(client, sizeof(client), "10.244.1.%u", i + 2);
		a[i] = insert_max(test, affinity(test, client, "10.96.0.10", "10.244.2.5"), 8);
		KUNIT_ASSERT_FALSE(test, IS_ERR(a[i]));
	}
	got = insert_n(test, 1, SYN_SENT, 8);
	KUNIT_EXPECT_EQ(test, PTR_ERR(got), -ENOSPC);
	KUNIT_EXPECT_EQ(test, stat(test, KN_CT_EARLY_DROPS), 0ULL);
	KUNIT_EXPECT_EQ(test, stat(test, KN_CT_DROP_FULL), 1ULL);
	for (i = 0; i < 8; i++) {
		key = a[i]->node[0].tuple;
		KUNIT_EXPECT_PTR_EQ(test, lookup(test, &key, NULL), a[i]);
	}
	/* expired, they go like any other */
	for (i = 0; i < 8; i++)
		WRITE_ONCE(a[i]->expires, (u32)jiffies - 1);
	kn_ct_gc_buckets(t, t->mask + 1);
	KUNIT_EXPECT_EQ(test, ct_count(test), 0);
	KUNIT_EXPECT_EQ(test, stat(test, KN_CT_EXPIRED), 8ULL);
}

/* Many entries: each found both ways, none taken by a GC round. */
static void kn_ct_many_test(struct kunit *test)
{
	struct kn_ct_table *t = test->priv;
	struct kn_ct_tuple o, r;
	struct kn_conn *c;
	u32 i;

	for (i = 0; i < 3000; i++) {
		c = insert_n(test, i, i % 3 ? SYN_SENT : ESTABLISHED, 4096);
		KUNIT_ASSERT_FALSE(test, IS_ERR(c));
	}
	kn_ct_gc_buckets(t, t->mask + 1);
	KUNIT_EXPECT_EQ(test, ct_count(test), 3000);
	KUNIT_EXPECT_EQ(test, stat(test, KN_CT_INSERTS), 3000ULL);
	for (i = 0; i < 3000; i++) {
		int d1 = -1, d2 = -1;

		o = orig_tuple(i);
		r = reply_tuple(i);
		c = lookup(test, &o, &d1);
		KUNIT_EXPECT_NOT_NULL(test, c);
		KUNIT_EXPECT_PTR_EQ(test, lookup(test, &r, &d2), c);
		KUNIT_EXPECT_EQ(test, d1, KN_CT_DIR_ORIG);
		KUNIT_EXPECT_EQ(test, d2, KN_CT_DIR_REPLY);
		if (c)
			KUNIT_EXPECT_EQ(test, c->node[0].tuple.sport, o.sport);
	}
}

static struct kunit_case kn_ct_cases[] = {
	KUNIT_CASE(kn_ct_insert_lookup_test),
	KUNIT_CASE(kn_ct_clash_test),
	KUNIT_CASE(kn_ct_reply_taken_test),
	KUNIT_CASE(kn_ct_expiry_test),
	KUNIT_CASE(kn_ct_expired_tuple_reuse_test),
	KUNIT_CASE(kn_ct_limit_test),
	KUNIT_CASE(kn_ct_flood_test),
	KUNIT_CASE(kn_ct_sparse_limit_test),
	KUNIT_CASE(kn_ct_remove_matching_test),
	KUNIT_CASE(kn_ct_remove_twice_test),
	KUNIT_CASE(kn_ct_affinity_test),
	KUNIT_CASE(kn_ct_affinity_not_evicted_test),
	KUNIT_CASE(kn_ct_many_test),
	{}
};

static struct kunit_suite kn_ct_suite = {
	.name = "kn_conntrack",
	.init = kn_ct_test_init,
	.exit = kn_ct_test_exit,
	.suite_exit = kn_ct_suite_exit,
	.test_cases = kn_ct_cases,
};

/* ------------------------------------------------------------------ */
/* kn_nat                                                              */
/* ------------------------------------------------------------------ */

#define NAT_HEADROOM	64

/* The skbs a test made, freed when it ends however it ends. */
struct nat_fixture {
	struct sk_buff *skbs[8];
	unsigned int n;
};

static int kn_nat_test_init(struct kunit *test)
{
	test->priv = kunit_kzalloc(test, sizeof(struct nat_fixture), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, test->priv);
	return 0;
}

static void kn_nat_test_exit(struct kunit *test)
{
	struct nat_fixture *fx = test->priv;

	while (fx->n)
		kfree_skb(fx->skbs[--fx->n]);
}

static struct sk_buff *track(struct kunit *test, struct sk_buff *skb)
{
	struct nat_fixture *fx = test->priv;

	KUNIT_ASSERT_NOT_NULL(test, skb);
	if (fx->n == ARRAY_SIZE(fx->skbs))
		kfree_skb(skb);
	KUNIT_ASSERT_LT(test, fx->n, ARRAY_SIZE(fx->skbs));
	fx->skbs[fx->n++] = skb;
	return skb;
}

/* A linear skb holding @len bytes of @data, its data at the IPv4 header. */
static struct sk_buff *skb_of(struct kunit *test, const void *data, unsigned int len)
{
	struct sk_buff *skb = track(test, alloc_skb(NAT_HEADROOM + len, GFP_KERNEL));

	skb_reserve(skb, NAT_HEADROOM);
	skb_put_data(skb, data, len);
	skb_reset_network_header(skb);
	skb->protocol = htons(ETH_P_IP);
	return skb;
}

static const u8 nat_payload[] = "kn-nat!";	/* 7 bytes: an odd length */
#define PLEN	(sizeof(nat_payload) - 1)

/* An IPv4 header (no options, DF) before @l4len bytes already at @b + 20. */
static unsigned int build_ipv4(u8 *b, u8 proto, __be32 saddr, __be32 daddr,
			       unsigned int l4len)
{
	struct iphdr *iph = (struct iphdr *)b;

	memset(iph, 0, sizeof(*iph));
	iph->version = 4;
	iph->ihl = 5;
	iph->tot_len = htons(sizeof(*iph) + l4len);
	iph->id = htons(0x1c46);
	iph->frag_off = htons(IP_DF);
	iph->ttl = 64;
	iph->protocol = proto;
	iph->saddr = saddr;
	iph->daddr = daddr;
	iph->check = ip_fast_csum(iph, iph->ihl);
	return sizeof(*iph) + l4len;
}

static unsigned int tcp_packet(u8 *b, __be32 saddr, __be32 daddr, __be16 sport,
			       __be16 dport, u8 flags)
{
	struct tcphdr *th = (struct tcphdr *)(b + sizeof(struct iphdr));
	unsigned int len = sizeof(*th) + PLEN;

	memset(th, 0, sizeof(*th));
	th->source = sport;
	th->dest = dport;
	th->seq = htonl(0x01020304);
	th->ack_seq = htonl(0x0a0b0c0d);
	th->doff = 5;
	((u8 *)th)[13] = flags;
	th->window = htons(64240);
	memcpy(th + 1, nat_payload, PLEN);
	th->check = csum_tcpudp_magic(saddr, daddr, len, IPPROTO_TCP,
				      csum_partial(th, len, 0));
	return build_ipv4(b, IPPROTO_TCP, saddr, daddr, len);
}

static unsigned int udp_packet(u8 *b, __be32 saddr, __be32 daddr, __be16 sport,
			       __be16 dport, bool csum)
{
	struct udphdr *uh = (struct udphdr *)(b + sizeof(struct iphdr));
	unsigned int len = sizeof(*uh) + PLEN;

	uh->source = sport;
	uh->dest = dport;
	uh->len = htons(len);
	uh->check = 0;
	memcpy(uh + 1, nat_payload, PLEN);
	if (csum)
		uh->check = csum_tcpudp_magic(saddr, daddr, len, IPPROTO_UDP,
					      csum_partial(uh, len, 0)) ?: CSUM_MANGLED_0;
	return build_ipv4(b, IPPROTO_UDP, saddr, daddr, len);
}

/* An ICMP error from @from to @to quoting @qlen bytes of @quote. */
static unsigned int icmp_packet(u8 *b, __be32 from, __be32 to, u8 type, u8 code,
				const u8 *quote, unsigned int qlen)
{
	struct icmphdr *ic = (struct icmphdr *)(b + sizeof(struct iphdr));

	memset(ic, 0, sizeof(*ic));
	ic->type = type;
	ic->code = code;
	memcpy(ic + 1, quote, qlen);
	ic->checksum = ip_compute_csum(ic, sizeof(*ic) + qlen);
	return build_ipv4(b, IPPROTO_ICMP, from, to, sizeof(*ic) + qlen);
}

static unsigned int l4_len(const struct sk_buff *skb)
{
	return ntohs(ip_hdr(skb)->tot_len) - ip_hdr(skb)->ihl * 4;
}

static unsigned int l4_check_off(const struct sk_buff *skb)
{
	return skb_network_offset(skb) + ip_hdr(skb)->ihl * 4 +
	       (ip_hdr(skb)->protocol == IPPROTO_TCP ? offsetof(struct tcphdr, check) :
						       offsetof(struct udphdr, check));
}

/* The L4 checksum field as it is in @skb (linear or not). */
static __sum16 l4_check(struct kunit *test, const struct sk_buff *skb)
{
	__sum16 check;

	KUNIT_ASSERT_EQ(test, skb_copy_bits(skb, l4_check_off(skb), &check, 2), 0);
	return check;
}

/* The L4 checksum computed afresh over the packet as it is now. */
static __sum16 l4_recompute(struct kunit *test, const struct sk_buff *skb)
{
	const struct iphdr *iph = ip_hdr(skb);
	unsigned int len = l4_len(skb);
	__sum16 sum;
	u8 buf[256];

	KUNIT_ASSERT_LE(test, len, sizeof(buf));
	KUNIT_ASSERT_EQ(test, skb_copy_bits(skb, skb_network_offset(skb) + iph->ihl * 4,
					    buf, len), 0);
	memset(buf + l4_check_off(skb) - skb_network_offset(skb) - iph->ihl * 4, 0, 2);
	sum = csum_tcpudp_magic(iph->saddr, iph->daddr, len, iph->protocol,
				csum_partial(buf, len, 0));
	if (iph->protocol == IPPROTO_UDP && !sum)
		sum = CSUM_MANGLED_0;
	return sum;
}

/* The receiver's check: the pseudo-header and the segment sum to zero. */
static bool l4_verifies(const struct sk_buff *skb)
{
	const struct iphdr *iph = ip_hdr(skb);
	unsigned int len = l4_len(skb);

	return !csum_tcpudp_magic(iph->saddr, iph->daddr, len, iph->protocol,
				  skb_checksum(skb, skb_network_offset(skb) + iph->ihl * 4,
					       len, 0));
}

static bool ip_verifies(const struct iphdr *iph)
{
	return !ip_fast_csum(iph, iph->ihl);
}

/* Every checksum of @skb right, L4 compared with a full recomputation. */
static void expect_checksums(struct kunit *test, const struct sk_buff *skb)
{
	KUNIT_EXPECT_TRUE(test, ip_verifies(ip_hdr(skb)));
	KUNIT_EXPECT_EQ(test, l4_check(test, skb), l4_recompute(test, skb));
	KUNIT_EXPECT_TRUE(test, l4_verifies(skb));
}

static void expect_tuple(struct kunit *test, const struct kn_ct_tuple *t,
			 const char *src, u16 sport, const char *dst, u16 dport, u8 proto)
{
	KUNIT_EXPECT_EQ(test, t->src, ip(src));
	KUNIT_EXPECT_EQ(test, t->dst, ip(dst));
	KUNIT_EXPECT_EQ(test, ntohs(t->sport), sport);
	KUNIT_EXPECT_EQ(test, ntohs(t->dport), dport);
	KUNIT_EXPECT_EQ(test, t->proto, proto);
	KUNIT_EXPECT_EQ(test, t->kind, KN_CT_KIND_CONN);
}

/* The packet's addresses and ports, read back from its bytes. */
static void expect_headers(struct kunit *test, const struct sk_buff *skb,
			   const char *src, u16 sport, const char *dst, u16 dport)
{
	__be16 ports[2];

	KUNIT_EXPECT_EQ(test, ip_hdr(skb)->saddr, ip(src));
	KUNIT_EXPECT_EQ(test, ip_hdr(skb)->daddr, ip(dst));
	KUNIT_ASSERT_EQ(test, skb_copy_bits(skb, skb_network_offset(skb) +
					    ip_hdr(skb)->ihl * 4, ports, 4), 0);
	KUNIT_EXPECT_EQ(test, ntohs(ports[0]), sport);
	KUNIT_EXPECT_EQ(test, ntohs(ports[1]), dport);
}

static void expect_payload(struct kunit *test, const struct sk_buff *skb)
{
	u8 buf[PLEN];

	KUNIT_ASSERT_EQ(test, skb_copy_bits(skb, skb->len - PLEN, buf, PLEN), 0);
	KUNIT_EXPECT_EQ(test, memcmp(buf, nat_payload, PLEN), 0);
}

static struct kn_nat_target target(const char *src, u16 sport, const char *dst, u16 dport)
{
	return (struct kn_nat_target){ ip(src), ip(dst), htons(sport), htons(dport) };
}

static void kn_nat_parse_test(struct kunit *test)
{
	struct sk_buff *skb;
	struct kn_pkt p;
	u8 b[128];

	skb = skb_of(test, b, tcp_packet(b, ip("10.244.1.2"), ip("10.96.0.10"),
					 htons(40000), htons(80), TCPHDR_SYN));
	KUNIT_ASSERT_EQ(test, kn_nat_parse(skb, &p), 0);
	expect_tuple(test, &p.tuple, "10.244.1.2", 40000, "10.96.0.10", 80, IPPROTO_TCP);
	KUNIT_EXPECT_EQ(test, p.l4off, 20);
	KUNIT_EXPECT_EQ(test, p.tcp_flags, TCPHDR_SYN);
	KUNIT_EXPECT_FALSE(test, p.icmp_error);

	skb = skb_of(test, b, tcp_packet(b, ip("10.244.2.5"), ip("10.244.1.2"),
					 htons(8080), htons(40000),
					 TCPHDR_FIN | TCPHDR_ACK | TCPHDR_PSH));
	KUNIT_ASSERT_EQ(test, kn_nat_parse(skb, &p), 0);
	KUNIT_EXPECT_EQ(test, p.tcp_flags, TCPHDR_FIN | TCPHDR_ACK | TCPHDR_PSH);

	skb = skb_of(test, b, udp_packet(b, ip("10.244.1.2"), ip("10.96.0.10"),
					 htons(5000), htons(53), true));
	KUNIT_ASSERT_EQ(test, kn_nat_parse(skb, &p), 0);
	expect_tuple(test, &p.tuple, "10.244.1.2", 5000, "10.96.0.10", 53, IPPROTO_UDP);
	KUNIT_EXPECT_EQ(test, p.tcp_flags, 0);
	KUNIT_EXPECT_FALSE(test, p.icmp_error);

	/* IP options: the L4 header is further on */
	{
		struct iphdr *iph;
		u8 o[128];
		unsigned int len = tcp_packet(b, ip("10.244.1.2"), ip("10.96.0.10"),
					      htons(40000), htons(80), TCPHDR_ACK);

		memcpy(o, b, 20);
		memset(o + 20, IPOPT_NOOP, 4);
		memcpy(o + 24, b + 20, len - 20);
		iph = (struct iphdr *)o;
		iph->ihl = 6;
		iph->tot_len = htons(len + 4);
		iph->check = 0;
		iph->check = ip_fast_csum(iph, iph->ihl);
		skb = skb_of(test, o, len + 4);
		KUNIT_ASSERT_EQ(test, kn_nat_parse(skb, &p), 0);
		KUNIT_EXPECT_EQ(test, p.l4off, 24);
		expect_tuple(test, &p.tuple, "10.244.1.2", 40000, "10.96.0.10", 80,
			     IPPROTO_TCP);
		KUNIT_EXPECT_EQ(test, p.tcp_flags, TCPHDR_ACK);
		KUNIT_ASSERT_EQ(test, kn_nat_rewrite(skb, &p, &(struct kn_nat_target){
			ip("10.244.1.2"), ip("10.244.2.5"), htons(40000), htons(8080) }), 0);
		expect_headers(test, skb, "10.244.1.2", 40000, "10.244.2.5", 8080);
		expect_checksums(test, skb);
		expect_payload(test, skb);
	}
}

/* Parses a packet of @skb and rewrites it to @to; checks it all after. */
static void rewrite_and_check(struct kunit *test, struct sk_buff *skb,
			      const char *src, u16 sport, const char *dst, u16 dport)
{
	struct kn_nat_target to = target(src, sport, dst, dport);
	struct kn_pkt p, q;

	KUNIT_ASSERT_EQ(test, kn_nat_parse(skb, &p), 0);
	KUNIT_ASSERT_EQ(test, kn_nat_rewrite(skb, &p, &to), 0);
	expect_headers(test, skb, src, sport, dst, dport);
	expect_checksums(test, skb);
	expect_payload(test, skb);
	/* and it parses as what it now is */
	KUNIT_ASSERT_EQ(test, kn_nat_parse(skb, &q), 0);
	expect_tuple(test, &q.tuple, src, sport, dst, dport, p.tuple.proto);
}

static void kn_nat_rewrite_tcp_test(struct kunit *test)
{
	unsigned int len;
	u8 b[128];

	/* to the backend: destination address and port */
	len = tcp_packet(b, ip("10.244.1.2"), ip("10.96.0.10"), htons(40000), htons(80),
			 TCPHDR_SYN);
	rewrite_and_check(test, skb_of(test, b, len), "10.244.1.2", 40000, "10.244.2.5", 8080);
	/* its reply: source address and port */
	len = tcp_packet(b, ip("10.244.2.5"), ip("10.244.1.2"), htons(8080), htons(40000),
			 TCPHDR_SYN | TCPHDR_ACK);
	rewrite_and_check(test, skb_of(test, b, len), "10.96.0.10", 80, "10.244.1.2", 40000);
	/* hairpin: all four */
	len = tcp_packet(b, ip("10.244.1.2"), ip("10.96.0.10"), htons(40000), htons(80),
			 TCPHDR_ACK);
	rewrite_and_check(test, skb_of(test, b, len), "10.244.1.1", 40001, "10.244.1.2", 8080);
	/* addresses whose 16-bit halves carry across the sum */
	len = tcp_packet(b, ip("255.255.255.254"), ip("0.0.0.1"), htons(65535), htons(1),
			 TCPHDR_ACK);
	rewrite_and_check(test, skb_of(test, b, len), "1.0.0.0", 1, "254.255.255.255", 65535);
}

static void kn_nat_rewrite_udp_test(struct kunit *test)
{
	unsigned int len;
	u8 b[128];

	len = udp_packet(b, ip("10.244.1.2"), ip("10.96.0.10"), htons(40000), htons(53), true);
	rewrite_and_check(test, skb_of(test, b, len), "10.244.1.2", 40000, "10.244.2.5", 5353);
	len = udp_packet(b, ip("10.244.2.5"), ip("10.244.1.2"), htons(5353), htons(40000), true);
	rewrite_and_check(test, skb_of(test, b, len), "10.96.0.10", 53, "10.244.1.2", 40000);
}

/* A UDP checksum of 0 (none sent) stays 0. */
static void kn_nat_udp_zero_checksum_test(struct kunit *test)
{
	struct kn_nat_target to = target("10.244.1.2", 40000, "10.244.2.5", 5353);
	struct sk_buff *skb;
	struct kn_pkt p;
	u8 b[128];

	skb = skb_of(test, b, udp_packet(b, ip("10.244.1.2"), ip("10.96.0.10"),
					 htons(40000), htons(53), false));
	KUNIT_ASSERT_EQ(test, kn_nat_parse(skb, &p), 0);
	KUNIT_ASSERT_EQ(test, kn_nat_rewrite(skb, &p, &to), 0);
	expect_headers(test, skb, "10.244.1.2", 40000, "10.244.2.5", 5353);
	KUNIT_EXPECT_TRUE(test, ip_verifies(ip_hdr(skb)));
	KUNIT_EXPECT_EQ(test, l4_check(test, skb), 0);
	expect_payload(test, skb);
}

/* Rewriting to what is there changes no byte. */
static void kn_nat_rewrite_same_test(struct kunit *test)
{
	struct kn_nat_target to = target("10.244.1.2", 40000, "10.96.0.10", 80);
	struct sk_buff *skb;
	struct kn_pkt p;
	unsigned int len;
	u8 b[128];

	len = tcp_packet(b, ip("10.244.1.2"), ip("10.96.0.10"), htons(40000), htons(80),
			 TCPHDR_ACK);
	skb = skb_of(test, b, len);
	KUNIT_ASSERT_EQ(test, kn_nat_parse(skb, &p), 0);
	KUNIT_ASSERT_EQ(test, kn_nat_rewrite(skb, &p, &to), 0);
	KUNIT_EXPECT_EQ(test, memcmp(skb->data, b, len), 0);
}

/*
 * CHECKSUM_PARTIAL (a local or GSO packet): the L4 field holds the
 * pseudo-header sum, which must follow the addresses and not the ports.
 */
static void partial_case(struct kunit *test, u8 proto)
{
	struct kn_nat_target to = target("10.244.1.9", 41000, "10.244.2.5", 8080);
	__sum16 *check, want;
	struct sk_buff *skb;
	struct kn_pkt p;
	unsigned int len;
	u8 b[128];

	len = proto == IPPROTO_TCP ?
	      tcp_packet(b, ip("10.244.1.2"), ip("10.96.0.10"), htons(40000), htons(80),
			 TCPHDR_ACK) :
	      udp_packet(b, ip("10.244.1.2"), ip("10.96.0.10"), htons(40000), htons(80),
			 true);
	skb = skb_of(test, b, len);
	skb_set_transport_header(skb, sizeof(struct iphdr));
	skb->ip_summed = CHECKSUM_PARTIAL;
	skb->csum_start = skb_transport_header(skb) - skb->head;
	skb->csum_offset = proto == IPPROTO_TCP ? offsetof(struct tcphdr, check) :
						  offsetof(struct udphdr, check);
	check = (__sum16 *)(skb->data + l4_check_off(skb));
	*check = ~csum_tcpudp_magic(ip("10.244.1.2"), ip("10.96.0.10"), len - 20, proto, 0);

	KUNIT_ASSERT_EQ(test, kn_nat_parse(skb, &p), 0);
	KUNIT_ASSERT_EQ(test, kn_nat_rewrite(skb, &p, &to), 0);
	expect_headers(test, skb, "10.244.1.9", 41000, "10.244.2.5", 8080);
	KUNIT_EXPECT_TRUE(test, ip_verifies(ip_hdr(skb)));
	KUNIT_EXPECT_EQ(test, (int)skb->ip_summed, CHECKSUM_PARTIAL);
	check = (__sum16 *)(skb->data + l4_check_off(skb));
	want = ~csum_tcpudp_magic(ip("10.244.1.9"), ip("10.244.2.5"), len - 20, proto, 0);
	KUNIT_EXPECT_EQ(test, *check, want);
	/* what the device would finish is the right checksum */
	KUNIT_ASSERT_EQ(test, skb_checksum_help(skb), 0);
	expect_checksums(test, skb);
	expect_payload(test, skb);
}

static void kn_nat_partial_tcp_test(struct kunit *test)
{
	partial_case(test, IPPROTO_TCP);
}

static void kn_nat_partial_udp_test(struct kunit *test)
{
	partial_case(test, IPPROTO_UDP);
}

/* CHECKSUM_COMPLETE (as received): skb->csum follows the bytes. */
static void kn_nat_complete_test(struct kunit *test)
{
	static const u8 protos[] = { IPPROTO_TCP, IPPROTO_UDP };
	struct kn_nat_target to = target("10.244.1.9", 41000, "10.244.2.5", 8080);
	struct sk_buff *skb;
	struct kn_pkt p;
	unsigned int i, len;
	u8 b[128];

	for (i = 0; i < ARRAY_SIZE(protos); i++) {
		len = protos[i] == IPPROTO_TCP ?
		      tcp_packet(b, ip("10.244.1.2"), ip("10.96.0.10"), htons(40000),
				 htons(80), TCPHDR_ACK) :
		      udp_packet(b, ip("10.244.1.2"), ip("10.96.0.10"), htons(40000),
				 htons(80), true);
		skb = skb_of(test, b, len);
		skb->ip_summed = CHECKSUM_COMPLETE;
		skb->csum = skb_checksum(skb, 0, skb->len, 0);
		KUNIT_ASSERT_EQ(test, kn_nat_parse(skb, &p), 0);
		KUNIT_ASSERT_EQ(test, kn_nat_rewrite(skb, &p, &to), 0);
		expect_headers(test, skb, "10.244.1.9", 41000, "10.244.2.5", 8080);
		expect_checksums(test, skb);
		KUNIT_EXPECT_EQ(test, (int)skb->ip_summed, CHECKSUM_COMPLETE);
		KUNIT_EXPECT_EQ(test, csum_fold(skb->csum),
				csum_fold(skb_checksum(skb, 0, skb->len, 0)));
	}
}

/* Headers not in the linear area: parse pulls them, the rewrite sees them. */
static void kn_nat_nonlinear_test(struct kunit *test)
{
	struct sk_buff *skb;
	struct page *page;
	struct kn_pkt p;
	unsigned int len;
	u8 b[128];

	len = tcp_packet(b, ip("10.244.1.2"), ip("10.96.0.10"), htons(40000), htons(80),
			 TCPHDR_ACK);
	skb = skb_of(test, b, sizeof(struct iphdr));
	page = alloc_page(GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, page);
	memcpy(page_address(page), b + sizeof(struct iphdr), len - sizeof(struct iphdr));
	skb_add_rx_frag(skb, 0, page, 0, len - sizeof(struct iphdr), PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, skb_headlen(skb), sizeof(struct iphdr));
	KUNIT_ASSERT_EQ(test, skb->len, len);

	KUNIT_ASSERT_EQ(test, kn_nat_parse(skb, &p), 0);
	expect_tuple(test, &p.tuple, "10.244.1.2", 40000, "10.96.0.10", 80, IPPROTO_TCP);
	KUNIT_ASSERT_EQ(test, kn_nat_rewrite(skb, &p, &(struct kn_nat_target){
		ip("10.244.1.2"), ip("10.244.2.5"), htons(40000), htons(8080) }), 0);
	expect_headers(test, skb, "10.244.1.2", 40000, "10.244.2.5", 8080);
	expect_checksums(test, skb);
	expect_payload(test, skb);
}

/* A clone is rewritten on its own copy: the original's bytes stay. */
static void kn_nat_clone_test(struct kunit *test)
{
	struct sk_buff *skb, *clone;
	struct kn_pkt p;
	unsigned int len;
	u8 b[128];

	len = tcp_packet(b, ip("10.244.1.2"), ip("10.96.0.10"), htons(40000), htons(80),
			 TCPHDR_ACK);
	skb = skb_of(test, b, len);
	clone = track(test, skb_clone(skb, GFP_KERNEL));
	KUNIT_ASSERT_EQ(test, kn_nat_parse(clone, &p), 0);
	KUNIT_ASSERT_EQ(test, kn_nat_rewrite(clone, &p, &(struct kn_nat_target){
		ip("10.244.1.2"), ip("10.244.2.5"), htons(40000), htons(8080) }), 0);
	expect_headers(test, clone, "10.244.1.2", 40000, "10.244.2.5", 8080);
	expect_checksums(test, clone);
	KUNIT_EXPECT_EQ(test, memcmp(skb->data, b, len), 0);
}

/*
 * Bytes and checksums computed outside the kernel (python3 on the host,
 * RFC 1071 sums over the whole headers, nothing incremental):
 * 10.244.1.2:40000 -> 10.96.0.10:80, TCP PSH|ACK, 5 bytes "kn-na",
 * becomes 10.244.1.2:40000 -> 10.244.2.5:8080.  IPv4 checksum 0x0826 ->
 * 0x0597, TCP checksum 0xedeb -> 0xcc1c.
 */
static const u8 vec_tcp_before[] = {
	0x45, 0x00, 0x00, 0x2d, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x06, 0x08, 0x26,
	0x0a, 0xf4, 0x01, 0x02, 0x0a, 0x60, 0x00, 0x0a, 0x9c, 0x40, 0x00, 0x50,
	0x01, 0x02, 0x03, 0x04, 0x0a, 0x0b, 0x0c, 0x0d, 0x50, 0x18, 0xfa, 0xf0,
	0xed, 0xeb, 0x00, 0x00, 0x6b, 0x6e, 0x2d, 0x6e, 0x61,
};

static const u8 vec_tcp_after[] = {
	0x45, 0x00, 0x00, 0x2d, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x06, 0x05, 0x97,
	0x0a, 0xf4, 0x01, 0x02, 0x0a, 0xf4, 0x02, 0x05, 0x9c, 0x40, 0x1f, 0x90,
	0x01, 0x02, 0x03, 0x04, 0x0a, 0x0b, 0x0c, 0x0d, 0x50, 0x18, 0xfa, 0xf0,
	0xcc, 0x1c, 0x00, 0x00, 0x6b, 0x6e, 0x2d, 0x6e, 0x61,
};

static void kn_nat_fixed_vector_test(struct kunit *test)
{
	struct sk_buff *skb = skb_of(test, vec_tcp_before, sizeof(vec_tcp_before));
	struct kn_pkt p;

	KUNIT_ASSERT_EQ(test, kn_nat_parse(skb, &p), 0);
	expect_tuple(test, &p.tuple, "10.244.1.2", 40000, "10.96.0.10", 80, IPPROTO_TCP);
	KUNIT_EXPECT_EQ(test, p.tcp_flags, TCPHDR_PSH | TCPHDR_ACK);
	KUNIT_ASSERT_EQ(test, kn_nat_rewrite(skb, &p, &(struct kn_nat_target){
		ip("10.244.1.2"), ip("10.244.2.5"), htons(40000), htons(8080) }), 0);
	KUNIT_ASSERT_EQ(test, skb->len, sizeof(vec_tcp_after));
	KUNIT_EXPECT_EQ(test, ntohs((__force __be16)ip_hdr(skb)->check), 0x0597);
	KUNIT_EXPECT_EQ(test, ntohs((__force __be16)l4_check(test, skb)), 0xcc1c);
	KUNIT_EXPECT_EQ(test, memcmp(skb->data, vec_tcp_after, sizeof(vec_tcp_after)), 0);
}

/*
 * Client 10.244.1.2:40000 sent UDP to the VIP 10.96.0.10:53, translated to
 * the backend 10.244.2.5:5353, which answers port unreachable: the error
 * belongs to the connection's reply direction and goes back to the client
 * as if from the VIP, quoting the packet the client sent.
 */
static unsigned int port_unreachable(u8 *b, unsigned int quote_len)
{
	u8 q[128];

	udp_packet(q, ip("10.244.1.2"), ip("10.244.2.5"), htons(40000), htons(5353), true);
	return icmp_packet(b, ip("10.244.2.5"), ip("10.244.1.2"), ICMP_DEST_UNREACH,
			   ICMP_PORT_UNREACH, q, quote_len);
}

static void kn_nat_icmp_test(struct kunit *test)
{
	struct kn_nat_target inner = target("10.244.1.2", 40000, "10.96.0.10", 53);
	const unsigned int quote = sizeof(struct iphdr) + sizeof(struct udphdr) + PLEN;
	const unsigned int ioff = sizeof(struct iphdr) + sizeof(struct icmphdr);
	const struct iphdr *qh;
	const struct udphdr *uh;
	struct sk_buff *skb;
	unsigned int len;
	struct kn_pkt p;
	u8 b[128];

	len = port_unreachable(b, quote);
	skb = skb_of(test, b, len);
	skb->ip_summed = CHECKSUM_COMPLETE;
	skb->csum = skb_checksum(skb, 0, skb->len, 0);
	KUNIT_ASSERT_EQ(test, kn_nat_parse(skb, &p), 0);
	KUNIT_EXPECT_TRUE(test, p.icmp_error);
	/* the quote's tuple turned around */
	expect_tuple(test, &p.tuple, "10.244.2.5", 5353, "10.244.1.2", 40000, IPPROTO_UDP);
	KUNIT_EXPECT_EQ(test, p.l4off, 20);
	KUNIT_EXPECT_EQ(test, p.inner_off, ioff);
	KUNIT_EXPECT_EQ(test, p.inner_l4off, ioff + 20);
	KUNIT_EXPECT_TRUE(test, p.inner_l4_whole);

	KUNIT_ASSERT_EQ(test, kn_nat_rewrite_icmp(skb, &p, ip("10.96.0.10"),
						  ip("10.244.1.2"), &inner), 0);
	KUNIT_EXPECT_EQ(test, skb->len, len);
	KUNIT_EXPECT_EQ(test, ip_hdr(skb)->saddr, ip("10.96.0.10"));
	KUNIT_EXPECT_EQ(test, ip_hdr(skb)->daddr, ip("10.244.1.2"));
	KUNIT_EXPECT_TRUE(test, ip_verifies(ip_hdr(skb)));
	/* the ICMP checksum over the whole message */
	KUNIT_EXPECT_EQ(test, ip_compute_csum(skb->data + 20, len - 20), 0);
	KUNIT_EXPECT_EQ(test, skb->data[20], ICMP_DEST_UNREACH);
	KUNIT_EXPECT_EQ(test, skb->data[21], ICMP_PORT_UNREACH);
	/* the quote as the client sent it, its checksums right */
	qh = (const struct iphdr *)(skb->data + ioff);
	uh = (const struct udphdr *)(qh + 1);
	KUNIT_EXPECT_EQ(test, qh->saddr, ip("10.244.1.2"));
	KUNIT_EXPECT_EQ(test, qh->daddr, ip("10.96.0.10"));
	KUNIT_EXPECT_EQ(test, ntohs(uh->source), 40000);
	KUNIT_EXPECT_EQ(test, ntohs(uh->dest), 53);
	KUNIT_EXPECT_TRUE(test, ip_verifies(qh));
	KUNIT_EXPECT_EQ(test, csum_tcpudp_magic(qh->saddr, qh->daddr, ntohs(uh->len),
						IPPROTO_UDP,
						csum_partial(uh, ntohs(uh->len), 0)), 0);
	KUNIT_EXPECT_EQ(test, memcmp(uh + 1, nat_payload, PLEN), 0);
	/* the device's sum covered the old bytes */
	KUNIT_EXPECT_NE(test, (int)skb->ip_summed, CHECKSUM_COMPLETE);
}

/* A TCP quote of 8 bytes (the ports and sequence number only): no L4 checksum to fix. */
static void kn_nat_icmp_short_quote_test(struct kunit *test)
{
	struct kn_nat_target inner = target("10.244.1.2", 40000, "10.96.0.10", 80);
	const unsigned int ioff = sizeof(struct iphdr) + sizeof(struct icmphdr);
	const struct iphdr *qh;
	struct sk_buff *skb;
	unsigned int len;
	struct kn_pkt p;
	u8 q[128], b[128];

	tcp_packet(q, ip("10.244.1.2"), ip("10.244.2.5"), htons(40000), htons(8080),
		   TCPHDR_SYN);
	len = icmp_packet(b, ip("10.244.2.1"), ip("10.244.1.2"), ICMP_TIME_EXCEEDED,
			  ICMP_EXC_TTL, q, sizeof(struct iphdr) + 8);
	skb = skb_of(test, b, len);
	KUNIT_ASSERT_EQ(test, kn_nat_parse(skb, &p), 0);
	KUNIT_EXPECT_TRUE(test, p.icmp_error);
	KUNIT_EXPECT_FALSE(test, p.inner_l4_whole);
	expect_tuple(test, &p.tuple, "10.244.2.5", 8080, "10.244.1.2", 40000, IPPROTO_TCP);

	/* from a router on the way: the outer source stays */
	KUNIT_ASSERT_EQ(test, kn_nat_rewrite_icmp(skb, &p, ip("10.244.2.1"),
						  ip("10.244.1.2"), &inner), 0);
	KUNIT_EXPECT_EQ(test, skb->len, len);
	KUNIT_EXPECT_EQ(test, ip_hdr(skb)->saddr, ip("10.244.2.1"));
	KUNIT_EXPECT_TRUE(test, ip_verifies(ip_hdr(skb)));
	KUNIT_EXPECT_EQ(test, ip_compute_csum(skb->data + 20, len - 20), 0);
	qh = (const struct iphdr *)(skb->data + ioff);
	KUNIT_EXPECT_TRUE(test, ip_verifies(qh));
	KUNIT_EXPECT_EQ(test, qh->saddr, ip("10.244.1.2"));
	KUNIT_EXPECT_EQ(test, qh->daddr, ip("10.96.0.10"));
	KUNIT_EXPECT_EQ(test, ntohs(*(__be16 *)(skb->data + ioff + 20)), 40000);
	KUNIT_EXPECT_EQ(test, ntohs(*(__be16 *)(skb->data + ioff + 22)), 80);
	/* the sequence number is quoted as it was */
	KUNIT_EXPECT_EQ(test, memcmp(skb->data + ioff + 24, q + 24, 4), 0);
}

/*
 * The port unreachable above as bytes computed outside the kernel (python3
 * on the host, RFC 1071 sums over whole headers): the backend's error
 * 10.244.2.5 -> 10.244.1.2 quoting UDP 10.244.1.2:40000 -> 10.244.2.5:5353
 * "dns?" becomes 10.96.0.10 -> 10.244.1.2 quoting 10.244.1.2:40000 ->
 * 10.96.0.10:53.  Outer IPv4 checksum 0x20d2 -> 0x2361, ICMP 0x1609 ->
 * 0x137a, quoted IPv4 0xf1a5 -> 0xf434, quoted UDP 0x5e10 -> 0x7553.
 */
static const u8 vec_icmp_before[] = {
	0x45, 0x00, 0x00, 0x3c, 0x01, 0x01, 0x40, 0x00, 0x40, 0x01, 0x20, 0xd2,
	0x0a, 0xf4, 0x02, 0x05, 0x0a, 0xf4, 0x01, 0x02, 0x03, 0x03, 0x16, 0x09,
	0x00, 0x00, 0x00, 0x00, 0x45, 0x00, 0x00, 0x20, 0x30, 0x39, 0x40, 0x00,
	0x40, 0x11, 0xf1, 0xa5, 0x0a, 0xf4, 0x01, 0x02, 0x0a, 0xf4, 0x02, 0x05,
	0x9c, 0x40, 0x14, 0xe9, 0x00, 0x0c, 0x5e, 0x10, 0x64, 0x6e, 0x73, 0x3f,
};

static const u8 vec_icmp_after[] = {
	0x45, 0x00, 0x00, 0x3c, 0x01, 0x01, 0x40, 0x00, 0x40, 0x01, 0x23, 0x61,
	0x0a, 0x60, 0x00, 0x0a, 0x0a, 0xf4, 0x01, 0x02, 0x03, 0x03, 0x13, 0x7a,
	0x00, 0x00, 0x00, 0x00, 0x45, 0x00, 0x00, 0x20, 0x30, 0x39, 0x40, 0x00,
	0x40, 0x11, 0xf4, 0x34, 0x0a, 0xf4, 0x01, 0x02, 0x0a, 0x60, 0x00, 0x0a,
	0x9c, 0x40, 0x00, 0x35, 0x00, 0x0c, 0x75, 0x53, 0x64, 0x6e, 0x73, 0x3f,
};

static void kn_nat_icmp_fixed_vector_test(struct kunit *test)
{
	struct kn_nat_target inner = target("10.244.1.2", 40000, "10.96.0.10", 53);
	struct sk_buff *skb = skb_of(test, vec_icmp_before, sizeof(vec_icmp_before));
	struct kn_pkt p;

	KUNIT_ASSERT_EQ(test, kn_nat_parse(skb, &p), 0);
	expect_tuple(test, &p.tuple, "10.244.2.5", 5353, "10.244.1.2", 40000, IPPROTO_UDP);
	KUNIT_ASSERT_EQ(test, kn_nat_rewrite_icmp(skb, &p, ip("10.96.0.10"),
						  ip("10.244.1.2"), &inner), 0);
	KUNIT_ASSERT_EQ(test, skb->len, sizeof(vec_icmp_after));
	KUNIT_EXPECT_EQ(test, get_unaligned_be16(skb->data + 10), 0x2361);
	KUNIT_EXPECT_EQ(test, get_unaligned_be16(skb->data + 22), 0x137a);
	KUNIT_EXPECT_EQ(test, get_unaligned_be16(skb->data + 38), 0xf434);
	KUNIT_EXPECT_EQ(test, get_unaligned_be16(skb->data + 54), 0x7553);
	KUNIT_EXPECT_EQ(test, memcmp(skb->data, vec_icmp_after, sizeof(vec_icmp_after)), 0);
}

/* Packets kn_nat_parse() refuses. */
struct malformed_case {
	const char *name;
	/* builds the packet in @b, returns the skb's length */
	unsigned int (*make)(u8 *b);
	int err;
};

static unsigned int good_tcp(u8 *b)
{
	return tcp_packet(b, ip("10.244.1.2"), ip("10.96.0.10"), htons(40000), htons(80),
			  TCPHDR_SYN);
}

static void set_tot_len(u8 *b, unsigned int len)
{
	((struct iphdr *)b)->tot_len = htons(len);
}

static unsigned int m_empty(u8 *b)
{
	return 0;
}

static unsigned int m_short_ip(u8 *b)
{
	good_tcp(b);
	return sizeof(struct iphdr) - 1;
}

static unsigned int m_ihl_4(u8 *b)
{
	unsigned int len = good_tcp(b);

	b[0] = 0x44;
	return len;
}

static unsigned int m_ihl_past_tot_len(u8 *b)
{
	unsigned int len = good_tcp(b);

	b[0] = 0x4f;	/* 60 bytes of header in a 47-byte packet */
	return len;
}

static unsigned int m_version_6(u8 *b)
{
	unsigned int len = good_tcp(b);

	b[0] = 0x65;
	return len;
}

static unsigned int m_tot_len_past_skb(u8 *b)
{
	unsigned int len = good_tcp(b);

	set_tot_len(b, len + 1);
	return len;
}

static unsigned int m_tot_len_below_ihl(u8 *b)
{
	good_tcp(b);
	set_tot_len(b, 19);
	return 40;
}

static unsigned int m_short_tcp(u8 *b)
{
	good_tcp(b);
	set_tot_len(b, 30);
	return 30;
}

/* The bytes are there, but past tot_len (padding): the header is cut short. */
static unsigned int m_short_tcp_by_tot_len(u8 *b)
{
	unsigned int len = good_tcp(b);

	set_tot_len(b, 39);
	return len;
}

static unsigned int m_short_udp(u8 *b)
{
	udp_packet(b, ip("10.244.1.2"), ip("10.96.0.10"), htons(40000), htons(53), true);
	set_tot_len(b, 27);
	return 27;
}

static unsigned int m_more_fragments(u8 *b)
{
	unsigned int len = good_tcp(b);

	((struct iphdr *)b)->frag_off = htons(IP_MF);
	return len;
}

static unsigned int m_fragment_offset(u8 *b)
{
	unsigned int len = good_tcp(b);

	((struct iphdr *)b)->frag_off = htons(185);
	return len;
}

static unsigned int m_gre(u8 *b)
{
	unsigned int len = good_tcp(b);

	((struct iphdr *)b)->protocol = IPPROTO_GRE;
	return len;
}

static unsigned int m_icmp_echo(u8 *b)
{
	return icmp_packet(b, ip("10.244.1.2"), ip("10.96.0.10"), ICMP_ECHO, 0,
			   nat_payload, PLEN);
}

static unsigned int m_icmp_echo_reply(u8 *b)
{
	return icmp_packet(b, ip("10.96.0.10"), ip("10.244.1.2"), ICMP_ECHOREPLY, 0,
			   nat_payload, PLEN);
}

static unsigned int m_icmp_short(u8 *b)
{
	unsigned int len = port_unreachable(b, 28);

	set_tot_len(b, 24);
	return len;
}

static unsigned int m_icmp_quote_short_ip(u8 *b)
{
	return port_unreachable(b, 19);
}

static unsigned int m_icmp_quote_short_l4(u8 *b)
{
	return port_unreachable(b, 27);
}

static unsigned int m_icmp_quote_ihl_4(u8 *b)
{
	unsigned int len = port_unreachable(b, 28);

	b[28] = 0x44;
	return len;
}

static unsigned int m_icmp_quote_icmp(u8 *b)
{
	u8 q[128];

	icmp_packet(q, ip("10.244.1.2"), ip("10.244.2.5"), ICMP_ECHO, 0, nat_payload, PLEN);
	return icmp_packet(b, ip("10.244.2.5"), ip("10.244.1.2"), ICMP_DEST_UNREACH,
			   ICMP_PORT_UNREACH, q, 28);
}

static unsigned int m_icmp_quote_fragment(u8 *b)
{
	unsigned int len = port_unreachable(b, 28);

	((struct iphdr *)(b + 28))->frag_off = htons(185);
	return len;
}

static const struct malformed_case malformed_cases[] = {
	{ "empty", m_empty, -EINVAL },
	{ "truncated IPv4 header", m_short_ip, -EINVAL },
	{ "ihl 4", m_ihl_4, -EINVAL },
	{ "ihl past tot_len", m_ihl_past_tot_len, -EINVAL },
	{ "version 6", m_version_6, -EINVAL },
	{ "tot_len past the skb", m_tot_len_past_skb, -EINVAL },
	{ "tot_len below ihl", m_tot_len_below_ihl, -EINVAL },
	{ "truncated TCP header", m_short_tcp, -EINVAL },
	{ "TCP header past tot_len", m_short_tcp_by_tot_len, -EINVAL },
	{ "truncated UDP header", m_short_udp, -EINVAL },
	{ "ICMP header truncated", m_icmp_short, -EINVAL },
	{ "ICMP quote: truncated IPv4", m_icmp_quote_short_ip, -EINVAL },
	{ "ICMP quote: under 8 bytes of UDP", m_icmp_quote_short_l4, -EINVAL },
	{ "ICMP quote: ihl 4", m_icmp_quote_ihl_4, -EINVAL },
	{ "fragment, MF set", m_more_fragments, -EPROTONOSUPPORT },
	{ "fragment, offset", m_fragment_offset, -EPROTONOSUPPORT },
	{ "GRE", m_gre, -EPROTONOSUPPORT },
	{ "ICMP echo", m_icmp_echo, -EPROTONOSUPPORT },
	{ "ICMP echo reply", m_icmp_echo_reply, -EPROTONOSUPPORT },
	{ "ICMP error quoting ICMP", m_icmp_quote_icmp, -EPROTONOSUPPORT },
	{ "ICMP error quoting a fragment", m_icmp_quote_fragment, -EPROTONOSUPPORT },
};

static void malformed_case_desc(const struct malformed_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(malformed, malformed_cases, malformed_case_desc);

static void kn_nat_malformed_test(struct kunit *test)
{
	const struct malformed_case *c = test->param_value;
	struct kn_pkt p;
	u8 b[128] = {};
	unsigned int len = c->make(b);

	KUNIT_EXPECT_EQ(test, kn_nat_parse(skb_of(test, b, len), &p), c->err);
}

static struct kunit_case kn_nat_cases[] = {
	KUNIT_CASE(kn_nat_parse_test),
	KUNIT_CASE(kn_nat_rewrite_tcp_test),
	KUNIT_CASE(kn_nat_rewrite_udp_test),
	KUNIT_CASE(kn_nat_udp_zero_checksum_test),
	KUNIT_CASE(kn_nat_rewrite_same_test),
	KUNIT_CASE(kn_nat_partial_tcp_test),
	KUNIT_CASE(kn_nat_partial_udp_test),
	KUNIT_CASE(kn_nat_complete_test),
	KUNIT_CASE(kn_nat_nonlinear_test),
	KUNIT_CASE(kn_nat_clone_test),
	KUNIT_CASE(kn_nat_fixed_vector_test),
	KUNIT_CASE(kn_nat_icmp_test),
	KUNIT_CASE(kn_nat_icmp_short_quote_test),
	KUNIT_CASE(kn_nat_icmp_fixed_vector_test),
	KUNIT_CASE_PARAM(kn_nat_malformed_test, malformed_gen_params),
	{}
};

static struct kunit_suite kn_nat_suite = {
	.name = "kn_nat",
	.init = kn_nat_test_init,
	.exit = kn_nat_test_exit,
	.test_cases = kn_nat_cases,
};

/* ------------------------------------------------------------------ */
/* kn_ct_state                                                         */
/* ------------------------------------------------------------------ */

#define ORIG	KN_CT_DIR_ORIG
#define REPLY	KN_CT_DIR_REPLY
#define REP	KN_CT_F_REPLIED
#define FO	KN_CT_F_FIN_ORIG
#define FR	KN_CT_F_FIN_REPLY
#define SYN	TCPHDR_SYN
#define ACK	TCPHDR_ACK
#define FIN	TCPHDR_FIN
#define RST	TCPHDR_RST
#define PSH	TCPHDR_PSH

struct state_case {
	const char *name;
	u8 proto;
	u8 state;
	u32 flags;
	int dir;
	u8 tcp;
	u8 want_state;
	u32 want_flags;
};

static const struct state_case state_cases[] = {
	{ "SYN again: SYN_SENT stays", IPPROTO_TCP,
	  KN_CT_STATE_SYN_SENT, 0, ORIG, SYN, KN_CT_STATE_SYN_SENT, 0 },
	{ "ACK from the client before any reply", IPPROTO_TCP,
	  KN_CT_STATE_SYN_SENT, 0, ORIG, ACK, KN_CT_STATE_SYN_SENT, 0 },
	{ "SYN-ACK reply: SYN_RECV", IPPROTO_TCP,
	  KN_CT_STATE_SYN_SENT, 0, REPLY, SYN | ACK, KN_CT_STATE_SYN_RECV, REP },
	{ "SYN-ACK from the client side: no reply", IPPROTO_TCP,
	  KN_CT_STATE_SYN_SENT, 0, ORIG, SYN | ACK, KN_CT_STATE_SYN_SENT, 0 },
	{ "SYN-ACK again in SYN_RECV", IPPROTO_TCP,
	  KN_CT_STATE_SYN_RECV, REP, REPLY, SYN | ACK, KN_CT_STATE_SYN_RECV, REP },
	{ "ACK orig: ESTABLISHED", IPPROTO_TCP,
	  KN_CT_STATE_SYN_RECV, REP, ORIG, ACK, KN_CT_STATE_ESTABLISHED, REP },
	{ "ACK reply in SYN_RECV: not yet", IPPROTO_TCP,
	  KN_CT_STATE_SYN_RECV, REP, REPLY, ACK, KN_CT_STATE_SYN_RECV, REP },
	{ "reply ACK picked up mid-stream: ESTABLISHED", IPPROTO_TCP,
	  KN_CT_STATE_SYN_SENT, 0, REPLY, ACK | PSH, KN_CT_STATE_ESTABLISHED, REP },
	{ "data in ESTABLISHED", IPPROTO_TCP,
	  KN_CT_STATE_ESTABLISHED, REP, ORIG, ACK | PSH, KN_CT_STATE_ESTABLISHED, REP },
	{ "FIN orig: FIN_WAIT", IPPROTO_TCP,
	  KN_CT_STATE_ESTABLISHED, REP, ORIG, FIN | ACK, KN_CT_STATE_FIN_WAIT, REP | FO },
	{ "FIN orig again: FIN_WAIT", IPPROTO_TCP,
	  KN_CT_STATE_FIN_WAIT, REP | FO, ORIG, FIN | ACK, KN_CT_STATE_FIN_WAIT, REP | FO },
	{ "ACK of the FIN: FIN_WAIT", IPPROTO_TCP,
	  KN_CT_STATE_FIN_WAIT, REP | FO, REPLY, ACK, KN_CT_STATE_FIN_WAIT, REP | FO },
	{ "FIN reply after FIN orig: TIME_WAIT", IPPROTO_TCP,
	  KN_CT_STATE_FIN_WAIT, REP | FO, REPLY, FIN | ACK, KN_CT_STATE_TIME_WAIT,
	  REP | FO | FR },
	{ "FIN reply first: FIN_WAIT", IPPROTO_TCP,
	  KN_CT_STATE_ESTABLISHED, REP, REPLY, FIN | ACK, KN_CT_STATE_FIN_WAIT, REP | FR },
	{ "then FIN orig: TIME_WAIT", IPPROTO_TCP,
	  KN_CT_STATE_FIN_WAIT, REP | FR, ORIG, FIN | ACK, KN_CT_STATE_TIME_WAIT,
	  REP | FO | FR },
	{ "last ACK in TIME_WAIT", IPPROTO_TCP,
	  KN_CT_STATE_TIME_WAIT, REP | FO | FR, ORIG, ACK, KN_CT_STATE_TIME_WAIT,
	  REP | FO | FR },
	{ "RST orig: CLOSE", IPPROTO_TCP,
	  KN_CT_STATE_ESTABLISHED, REP, ORIG, RST, KN_CT_STATE_CLOSE, REP },
	{ "RST-ACK reply to a SYN: CLOSE", IPPROTO_TCP,
	  KN_CT_STATE_SYN_SENT, 0, REPLY, RST | ACK, KN_CT_STATE_CLOSE, REP },
	{ "RST in FIN_WAIT: CLOSE", IPPROTO_TCP,
	  KN_CT_STATE_FIN_WAIT, REP | FO, REPLY, RST, KN_CT_STATE_CLOSE, REP | FO },
	{ "RST with SYN: CLOSE", IPPROTO_TCP,
	  KN_CT_STATE_SYN_SENT, 0, ORIG, RST | SYN, KN_CT_STATE_CLOSE, 0 },
	{ "CLOSE stays on ACK", IPPROTO_TCP,
	  KN_CT_STATE_CLOSE, REP, ORIG, ACK, KN_CT_STATE_CLOSE, REP },
	{ "CLOSE stays on SYN-ACK reply", IPPROTO_TCP,
	  KN_CT_STATE_CLOSE, 0, REPLY, SYN | ACK, KN_CT_STATE_CLOSE, REP },
	{ "CLOSE stays on FIN", IPPROTO_TCP,
	  KN_CT_STATE_CLOSE, REP, ORIG, FIN, KN_CT_STATE_CLOSE, REP },
	{ "SNAT flag kept", IPPROTO_TCP,
	  KN_CT_STATE_SYN_SENT, KN_CT_F_SNAT, REPLY, SYN | ACK, KN_CT_STATE_SYN_RECV,
	  KN_CT_F_SNAT | REP },
	{ "UDP orig: UDP", IPPROTO_UDP,
	  KN_CT_STATE_UDP, 0, ORIG, 0, KN_CT_STATE_UDP, 0 },
	{ "UDP reply: UDP_REPLIED", IPPROTO_UDP,
	  KN_CT_STATE_UDP, 0, REPLY, 0, KN_CT_STATE_UDP_REPLIED, REP },
	{ "UDP orig after a reply: UDP_REPLIED", IPPROTO_UDP,
	  KN_CT_STATE_UDP_REPLIED, REP, ORIG, 0, KN_CT_STATE_UDP_REPLIED, REP },
	{ "UDP ignores TCP flag bits", IPPROTO_UDP,
	  KN_CT_STATE_UDP, 0, ORIG, RST | FIN, KN_CT_STATE_UDP, 0 },
	{ "UDP reply keeps SNAT", IPPROTO_UDP,
	  KN_CT_STATE_UDP, KN_CT_F_SNAT, REPLY, 0, KN_CT_STATE_UDP_REPLIED,
	  KN_CT_F_SNAT | REP },
};

static void state_case_desc(const struct state_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(state, state_cases, state_case_desc);

static void kn_ct_next_status_test(struct kunit *test)
{
	const struct state_case *c = test->param_value;
	struct kn_pkt p = {
		.tuple = { .proto = c->proto, .kind = KN_CT_KIND_CONN },
		.tcp_flags = c->tcp,
	};
	u32 got = kn_ct_next_status(kn_conn_status(c->state, c->flags), c->dir, &p);

	KUNIT_EXPECT_EQ(test, kn_conn_state(got), c->want_state);
	KUNIT_EXPECT_EQ(test, kn_conn_flags(got), c->want_flags);
}

/* A whole connection, packet by packet, through the same function. */
static void kn_ct_next_status_sequence_test(struct kunit *test)
{
	static const struct { int dir; u8 tcp; u8 state; } seq[] = {
		{ ORIG, SYN, KN_CT_STATE_SYN_SENT },
		{ REPLY, SYN | ACK, KN_CT_STATE_SYN_RECV },
		{ ORIG, ACK, KN_CT_STATE_ESTABLISHED },
		{ ORIG, ACK | PSH, KN_CT_STATE_ESTABLISHED },
		{ REPLY, ACK | PSH, KN_CT_STATE_ESTABLISHED },
		{ ORIG, FIN | ACK, KN_CT_STATE_FIN_WAIT },
		{ REPLY, ACK, KN_CT_STATE_FIN_WAIT },
		{ REPLY, FIN | ACK, KN_CT_STATE_TIME_WAIT },
		{ ORIG, ACK, KN_CT_STATE_TIME_WAIT },
		{ ORIG, RST, KN_CT_STATE_CLOSE },
		{ REPLY, ACK, KN_CT_STATE_CLOSE },
	};
	struct kn_pkt p = { .tuple = { .proto = IPPROTO_TCP } };
	u32 status = kn_conn_status(KN_CT_STATE_SYN_SENT, 0);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(seq); i++) {
		p.tcp_flags = seq[i].tcp;
		status = kn_ct_next_status(status, seq[i].dir, &p);
		KUNIT_EXPECT_EQ_MSG(test, kn_conn_state(status), seq[i].state, "packet %u", i);
		KUNIT_EXPECT_TRUE_MSG(test, i == 0 || (kn_conn_flags(status) & REP),
				      "packet %u", i);
	}
}

static struct kunit_case kn_ct_state_cases[] = {
	KUNIT_CASE_PARAM(kn_ct_next_status_test, state_gen_params),
	KUNIT_CASE(kn_ct_next_status_sequence_test),
	{}
};

static struct kunit_suite kn_ct_state_suite = {
	.name = "kn_ct_state",
	.test_cases = kn_ct_state_cases,
};

/* ------------------------------------------------------------------ */
/* kn_services_config                                                  */
/* ------------------------------------------------------------------ */

struct service_check_case {
	const char *name;
	const char *addr;
	u16 port;
	u8 proto;
	u8 affinity;
	u32 timeout;
	int err;
};

static const struct service_check_case service_check_cases[] = {
	{ "tcp", "10.96.0.10", 80, IPPROTO_TCP, KN_AFFINITY_NONE, 10800, 0 },
	{ "udp", "10.96.0.10", 53, IPPROTO_UDP, KN_AFFINITY_NONE, 10800, 0 },
	{ "port 65535", "10.96.0.10", 65535, IPPROTO_TCP, KN_AFFINITY_NONE, 10800, 0 },
	{ "client-ip", "10.96.0.10", 80, IPPROTO_TCP, KN_AFFINITY_CLIENT_IP, 10800, 0 },
	{ "timeout 1", "10.96.0.10", 80, IPPROTO_TCP, KN_AFFINITY_CLIENT_IP, 1, 0 },
	{ "timeout 86400", "10.96.0.10", 80, IPPROTO_TCP, KN_AFFINITY_CLIENT_IP, 86400, 0 },
	{ "public address", "203.0.113.7", 443, IPPROTO_TCP, KN_AFFINITY_NONE, 10800, 0 },
	{ "address 0", "0.0.0.0", 80, IPPROTO_TCP, KN_AFFINITY_NONE, 10800, -EINVAL },
	{ "multicast", "224.0.0.1", 80, IPPROTO_TCP, KN_AFFINITY_NONE, 10800, -EINVAL },
	{ "multicast top", "239.255.255.255", 80, IPPROTO_UDP, KN_AFFINITY_NONE, 10800,
	  -EINVAL },
	{ "loopback", "127.0.0.1", 80, IPPROTO_TCP, KN_AFFINITY_NONE, 10800, -EINVAL },
	{ "loopback /8", "127.1.2.3", 80, IPPROTO_TCP, KN_AFFINITY_NONE, 10800, -EINVAL },
	{ "broadcast", "255.255.255.255", 80, IPPROTO_TCP, KN_AFFINITY_NONE, 10800,
	  -EINVAL },
	{ "port 0", "10.96.0.10", 0, IPPROTO_TCP, KN_AFFINITY_NONE, 10800, -EINVAL },
	{ "proto ICMP", "10.96.0.10", 80, IPPROTO_ICMP, KN_AFFINITY_NONE, 10800, -EINVAL },
	{ "proto SCTP", "10.96.0.10", 80, IPPROTO_SCTP, KN_AFFINITY_NONE, 10800, -EINVAL },
	{ "proto 0", "10.96.0.10", 80, 0, KN_AFFINITY_NONE, 10800, -EINVAL },
	{ "unknown affinity", "10.96.0.10", 80, IPPROTO_TCP, KN_AFFINITY_MAX + 1, 10800,
	  -EINVAL },
	{ "affinity 255", "10.96.0.10", 80, IPPROTO_TCP, 255, 10800, -EINVAL },
	{ "timeout 0", "10.96.0.10", 80, IPPROTO_TCP, KN_AFFINITY_CLIENT_IP, 0, -EINVAL },
	{ "timeout 86401", "10.96.0.10", 80, IPPROTO_TCP, KN_AFFINITY_CLIENT_IP, 86401,
	  -EINVAL },
	{ "timeout u32 max", "10.96.0.10", 80, IPPROTO_TCP, KN_AFFINITY_CLIENT_IP, U32_MAX,
	  -EINVAL },
};

static void service_check_case_desc(const struct service_check_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(service_check, service_check_cases, service_check_case_desc);

static void kn_service_config_check_test(struct kunit *test)
{
	const struct service_check_case *c = test->param_value;
	struct kn_service_config cfg = {
		.key = kn_service_key(ip(c->addr), htons(c->port), c->proto),
		.affinity = c->affinity,
		.affinity_timeout = c->timeout,
	};
	struct netlink_ext_ack extack = {};

	KUNIT_EXPECT_EQ(test, kn_service_config_check(&cfg, &extack), c->err);
	if (c->err)
		KUNIT_EXPECT_NOT_NULL(test, extack._msg);
	else
		KUNIT_EXPECT_NULL(test, extack._msg);
	/* no extack is fine too */
	KUNIT_EXPECT_EQ(test, kn_service_config_check(&cfg, NULL), c->err);
}

struct backend_check_case {
	const char *name;
	const char *addr;
	u16 port;
	u16 weight;
	u32 flags;
	int err;
};

static const struct backend_check_case backend_check_cases[] = {
	{ "plain", "10.244.2.5", 8080, 1, 0, 0 },
	{ "weight 65535", "10.244.2.5", 8080, 65535, 0, 0 },
	{ "terminating", "10.244.2.5", 8080, 1, KN_BACKEND_F_TERMINATING, 0 },
	{ "port 1", "10.244.2.5", 1, 1, 0, 0 },
	{ "address 0", "0.0.0.0", 8080, 1, 0, -EINVAL },
	{ "multicast", "224.0.0.5", 8080, 1, 0, -EINVAL },
	{ "loopback", "127.0.0.1", 8080, 1, 0, -EINVAL },
	{ "broadcast", "255.255.255.255", 8080, 1, 0, -EINVAL },
	{ "port 0", "10.244.2.5", 0, 1, 0, -EINVAL },
	{ "weight 0", "10.244.2.5", 8080, 0, 0, -EINVAL },
	{ "local", "10.244.2.5", 8080, 1, KN_BACKEND_F_LOCAL, 0 },
	{ "local and terminating", "10.244.2.5", 8080, 1,
	  KN_BACKEND_F_LOCAL | KN_BACKEND_F_TERMINATING, 0 },
	{ "unknown flag 4", "10.244.2.5", 8080, 1, 4, -EINVAL },
	{ "unknown flag 31", "10.244.2.5", 8080, 1, 1U << 31, -EINVAL },
	{ "terminating and unknown", "10.244.2.5", 8080, 1,
	  KN_BACKEND_F_TERMINATING | 4, -EINVAL },
};

static void backend_check_case_desc(const struct backend_check_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(backend_check, backend_check_cases, backend_check_case_desc);

static void kn_backend_config_check_test(struct kunit *test)
{
	const struct backend_check_case *c = test->param_value;
	struct kn_backend_config cfg = {
		.addr = ip(c->addr), .port = htons(c->port),
		.weight = c->weight, .flags = c->flags,
	};
	struct netlink_ext_ack extack = {};

	KUNIT_EXPECT_EQ(test, kn_backend_config_check(&cfg, &extack), c->err);
	if (c->err)
		KUNIT_EXPECT_NOT_NULL(test, extack._msg);
	else
		KUNIT_EXPECT_NULL(test, extack._msg);
	KUNIT_EXPECT_EQ(test, kn_backend_config_check(&cfg, NULL), c->err);
}

static struct kunit_case kn_services_config_cases[] = {
	KUNIT_CASE_PARAM(kn_service_config_check_test, service_check_gen_params),
	KUNIT_CASE_PARAM(kn_backend_config_check_test, backend_check_gen_params),
	{}
};

static struct kunit_suite kn_services_config_suite = {
	.name = "kn_services_config",
	.test_cases = kn_services_config_cases,
};

kunit_test_suites(&kn_pick_suite, &kn_ct_suite, &kn_nat_suite, &kn_ct_state_suite,
		  &kn_services_config_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for kn's services: backend pick, connection table, NAT, states, checks");
