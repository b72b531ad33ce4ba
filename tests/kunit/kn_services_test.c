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
 * (unreplied), never the replied ones.  Whether a given insert finds an
 * unreplied entry within its 8 neighbouring buckets depends on the hash;
 * with 8 unreplied entries (16 hash nodes) in 1024 buckets each of the 192
 * inserts past the limit finds one with probability ~0.12, so that none
 * at all does is ~3e-11 likely.
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
	KUNIT_EXPECT_GT(test, stat(test, KN_CT_EARLY_DROPS), 0ULL);
	KUNIT_EXPECT_GT(test, stat(test, KN_CT_DROP_FULL), 0ULL);
	KUNIT_EXPECT_EQ(test, stat(test, KN_CT_EXPIRED), 0ULL);
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
	{ "unknown flag 2", "10.244.2.5", 8080, 1, 2, -EINVAL },
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

kunit_test_suites(&kn_pick_suite, &kn_ct_suite, &kn_services_config_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for kn's services: backend pick, connection table, NAT, states, checks");
