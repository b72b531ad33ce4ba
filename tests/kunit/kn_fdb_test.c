// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the forwarding database of a kn device -- learning, lookup, moves,
 * ageing with an injected clock, the size limit, local entries -- and the
 * checks on KN_CMD_SET_LINK's settings.
 */
#include <kunit/test.h>
#include <linux/etherdevice.h>
#include <linux/jiffies.h>

#include "uapi/kn.h"
#include "bridge.h"
#include "fdb.h"
#include "port.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

#define AGEING	(300 * HZ)

/* The table under test and two ports, which it only compares. */
struct kn_fdb_fixture {
	struct kn_fdb fdb;
	struct kn_port p1, p2;
};

static const u8 mac_a[ETH_ALEN] __aligned(2) = { 0x02, 0, 0, 0, 0, 0x0a };
static const u8 mac_b[ETH_ALEN] __aligned(2) = { 0x02, 0, 0, 0, 0, 0x0b };
static const u8 mac_c[ETH_ALEN] __aligned(2) = { 0x02, 0, 0, 0, 0, 0x0c };
static const u8 mac_l[ETH_ALEN] __aligned(2) = { 0x02, 0, 0, 0, 0, 0x11 };

static int kn_fdb_test_init(struct kunit *test)
{
	struct kn_fdb_fixture *fx;

	fx = kunit_kzalloc(test, sizeof(*fx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fx);
	KUNIT_ASSERT_EQ(test, kn_fdb_init(&fx->fdb, KN_FDB_MAX_DEFAULT, AGEING), 0);
	test->priv = fx;
	return 0;
}

static void kn_fdb_test_exit(struct kunit *test)
{
	struct kn_fdb_fixture *fx = test->priv;

	kn_fdb_uninit(&fx->fdb);
}

/* The port @addr was learned on, NULL if unknown, or ERR_PTR for local. */
static struct kn_port *port_of(struct kn_fdb *fdb, const u8 *addr)
{
	struct kn_fdb_entry *f;
	struct kn_port *port;

	rcu_read_lock();
	f = kn_fdb_lookup(fdb, addr);
	if (!f)
		port = NULL;
	else if (f->local)
		port = ERR_PTR(-EEXIST);
	else
		port = rcu_dereference(f->port);
	rcu_read_unlock();
	return port;
}

static void kn_fdb_learn_lookup_test(struct kunit *test)
{
	struct kn_fdb_fixture *fx = test->priv;
	unsigned long now = jiffies;

	KUNIT_EXPECT_NULL(test, port_of(&fx->fdb, mac_a));
	KUNIT_EXPECT_EQ(test, kn_fdb_learn(&fx->fdb, mac_a, &fx->p1, now), KN_FDB_CREATED);
	KUNIT_EXPECT_EQ(test, kn_fdb_learn(&fx->fdb, mac_b, &fx->p2, now), KN_FDB_CREATED);
	KUNIT_EXPECT_PTR_EQ(test, port_of(&fx->fdb, mac_a), &fx->p1);
	KUNIT_EXPECT_PTR_EQ(test, port_of(&fx->fdb, mac_b), &fx->p2);
	KUNIT_EXPECT_NULL(test, port_of(&fx->fdb, mac_c));
	KUNIT_EXPECT_EQ(test, kn_fdb_count(&fx->fdb), 2U);
	/* seen again on the same port: refreshed, nothing new */
	KUNIT_EXPECT_EQ(test, kn_fdb_learn(&fx->fdb, mac_a, &fx->p1, now + 5),
			KN_FDB_REFRESHED);
	KUNIT_EXPECT_EQ(test, kn_fdb_count(&fx->fdb), 2U);
}

static void kn_fdb_move_test(struct kunit *test)
{
	struct kn_fdb_fixture *fx = test->priv;
	unsigned long now = jiffies;
	u32 gen;

	kn_fdb_learn(&fx->fdb, mac_a, &fx->p1, now);
	gen = kn_fdb_gen(&fx->fdb);
	/* a pod's address showing up on another port: it moved */
	KUNIT_EXPECT_EQ(test, kn_fdb_learn(&fx->fdb, mac_a, &fx->p2, now + 1),
			KN_FDB_MOVED);
	KUNIT_EXPECT_PTR_EQ(test, port_of(&fx->fdb, mac_a), &fx->p2);
	KUNIT_EXPECT_EQ(test, kn_fdb_count(&fx->fdb), 1U);
	KUNIT_EXPECT_NE(test, kn_fdb_gen(&fx->fdb), gen);
	/* refreshing does not change the generation a dump checks */
	gen = kn_fdb_gen(&fx->fdb);
	kn_fdb_learn(&fx->fdb, mac_a, &fx->p2, now + 2);
	KUNIT_EXPECT_EQ(test, kn_fdb_gen(&fx->fdb), gen);
}

/* Ageing at several points of the jiffies range, wrap-around included. */
static const unsigned long kn_fdb_age_starts[] = {
	0, 1000, ULONG_MAX - 10, ULONG_MAX - AGEING / 2,
};

static void kn_fdb_age_desc(const unsigned long *t, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "t0=%lu", *t);
}

KUNIT_ARRAY_PARAM(kn_fdb_age, kn_fdb_age_starts, kn_fdb_age_desc);

static void kn_fdb_age_test(struct kunit *test)
{
	struct kn_fdb_fixture *fx = test->priv;
	unsigned long t0 = *(const unsigned long *)test->param_value;

	kn_fdb_learn(&fx->fdb, mac_a, &fx->p1, t0);
	kn_fdb_learn(&fx->fdb, mac_b, &fx->p2, t0 + 10);

	/* nothing expired yet: next expiry in one jiffy */
	KUNIT_EXPECT_EQ(test, kn_fdb_age(&fx->fdb, t0 + AGEING - 1), 1UL);
	KUNIT_EXPECT_EQ(test, kn_fdb_count(&fx->fdb), 2U);
	/* a expires exactly at t0 + AGEING; b ten jiffies later */
	KUNIT_EXPECT_EQ(test, kn_fdb_age(&fx->fdb, t0 + AGEING), 10UL);
	KUNIT_EXPECT_NULL(test, port_of(&fx->fdb, mac_a));
	KUNIT_EXPECT_PTR_EQ(test, port_of(&fx->fdb, mac_b), &fx->p2);
	KUNIT_EXPECT_EQ(test, kn_fdb_count(&fx->fdb), 1U);
	/* empty: come back after a whole ageing time */
	KUNIT_EXPECT_EQ(test, kn_fdb_age(&fx->fdb, t0 + AGEING + 10), (unsigned long)AGEING);
	KUNIT_EXPECT_EQ(test, kn_fdb_count(&fx->fdb), 0U);
}

static void kn_fdb_refresh_test(struct kunit *test)
{
	struct kn_fdb_fixture *fx = test->priv;
	unsigned long t0 = jiffies;

	kn_fdb_learn(&fx->fdb, mac_a, &fx->p1, t0);
	/* traffic keeps an entry alive... */
	kn_fdb_learn(&fx->fdb, mac_a, &fx->p1, t0 + AGEING - 1);
	kn_fdb_age(&fx->fdb, t0 + AGEING + 5);
	KUNIT_EXPECT_PTR_EQ(test, port_of(&fx->fdb, mac_a), &fx->p1);
	/* ...and a shorter ageing time applies at the next pass */
	kn_fdb_set_ageing_time(&fx->fdb, HZ);
	kn_fdb_age(&fx->fdb, t0 + AGEING - 1 + HZ);
	KUNIT_EXPECT_NULL(test, port_of(&fx->fdb, mac_a));
}

static void kn_fdb_full_test(struct kunit *test)
{
	struct kn_fdb_fixture *fx = test->priv;
	unsigned long now = jiffies;

	kn_fdb_set_max(&fx->fdb, 2);
	KUNIT_EXPECT_EQ(test, kn_fdb_learn(&fx->fdb, mac_a, &fx->p1, now), KN_FDB_CREATED);
	KUNIT_EXPECT_EQ(test, kn_fdb_learn(&fx->fdb, mac_b, &fx->p1, now), KN_FDB_CREATED);
	KUNIT_EXPECT_EQ(test, kn_fdb_learn(&fx->fdb, mac_c, &fx->p2, now), KN_FDB_FULL);
	KUNIT_EXPECT_NULL(test, port_of(&fx->fdb, mac_c));
	KUNIT_EXPECT_EQ(test, kn_fdb_count(&fx->fdb), 2U);
	/* known addresses still refresh and move while full */
	KUNIT_EXPECT_EQ(test, kn_fdb_learn(&fx->fdb, mac_a, &fx->p1, now + 1),
			KN_FDB_REFRESHED);
	KUNIT_EXPECT_EQ(test, kn_fdb_learn(&fx->fdb, mac_b, &fx->p2, now + 1),
			KN_FDB_MOVED);
	/* local entries do not count against the limit */
	KUNIT_EXPECT_EQ(test, kn_fdb_add_local(&fx->fdb, mac_l, now), 0);
	KUNIT_EXPECT_EQ(test, kn_fdb_count(&fx->fdb), 2U);
	/* lowering the limit removes nothing */
	kn_fdb_set_max(&fx->fdb, 1);
	KUNIT_EXPECT_EQ(test, kn_fdb_count(&fx->fdb), 2U);
	/* room again once an entry is gone */
	kn_fdb_set_max(&fx->fdb, 2);
	kn_fdb_flush(&fx->fdb, &fx->p2);
	KUNIT_EXPECT_EQ(test, kn_fdb_learn(&fx->fdb, mac_c, &fx->p2, now + 2), KN_FDB_CREATED);
}

static void kn_fdb_local_test(struct kunit *test)
{
	struct kn_fdb_fixture *fx = test->priv;
	unsigned long now = jiffies;

	/* the device's own address replaces a learned entry for it... */
	kn_fdb_learn(&fx->fdb, mac_l, &fx->p1, now);
	KUNIT_EXPECT_EQ(test, kn_fdb_add_local(&fx->fdb, mac_l, now), 0);
	KUNIT_EXPECT_PTR_EQ(test, port_of(&fx->fdb, mac_l), ERR_PTR(-EEXIST));
	KUNIT_EXPECT_EQ(test, kn_fdb_count(&fx->fdb), 0U);
	/* ...is never learned onto a port... */
	KUNIT_EXPECT_EQ(test, kn_fdb_learn(&fx->fdb, mac_l, &fx->p2, now), KN_FDB_LOCAL);
	KUNIT_EXPECT_PTR_EQ(test, port_of(&fx->fdb, mac_l), ERR_PTR(-EEXIST));
	/* ...never ages, survives flushes, and adding it twice is harmless */
	kn_fdb_age(&fx->fdb, now + 10 * AGEING);
	kn_fdb_flush(&fx->fdb, NULL);
	KUNIT_EXPECT_EQ(test, kn_fdb_add_local(&fx->fdb, mac_l, now), 0);
	KUNIT_EXPECT_PTR_EQ(test, port_of(&fx->fdb, mac_l), ERR_PTR(-EEXIST));
	/* removed only by name, and then learnable */
	kn_fdb_del_local(&fx->fdb, mac_a);
	kn_fdb_del_local(&fx->fdb, mac_l);
	KUNIT_EXPECT_NULL(test, port_of(&fx->fdb, mac_l));
	KUNIT_EXPECT_EQ(test, kn_fdb_learn(&fx->fdb, mac_l, &fx->p2, now), KN_FDB_CREATED);
}

static void kn_fdb_flush_test(struct kunit *test)
{
	struct kn_fdb_fixture *fx = test->priv;
	unsigned long now = jiffies;

	kn_fdb_learn(&fx->fdb, mac_a, &fx->p1, now);
	kn_fdb_learn(&fx->fdb, mac_b, &fx->p1, now);
	kn_fdb_learn(&fx->fdb, mac_c, &fx->p2, now);
	kn_fdb_add_local(&fx->fdb, mac_l, now);
	/* a port going away takes exactly its own addresses with it */
	kn_fdb_flush(&fx->fdb, &fx->p1);
	KUNIT_EXPECT_NULL(test, port_of(&fx->fdb, mac_a));
	KUNIT_EXPECT_NULL(test, port_of(&fx->fdb, mac_b));
	KUNIT_EXPECT_PTR_EQ(test, port_of(&fx->fdb, mac_c), &fx->p2);
	KUNIT_EXPECT_EQ(test, kn_fdb_count(&fx->fdb), 1U);
	kn_fdb_flush(&fx->fdb, NULL);
	KUNIT_EXPECT_EQ(test, kn_fdb_count(&fx->fdb), 0U);
	KUNIT_EXPECT_PTR_EQ(test, port_of(&fx->fdb, mac_l), ERR_PTR(-EEXIST));
}

/* Takes @budget entries per walk, as a dump split over several reads does. */
struct kn_walk_state {
	unsigned int seen, budget;
};

static int kn_walk_count(const struct kn_fdb_entry *f, void *arg)
{
	struct kn_walk_state *w = arg;

	if (!w->budget)
		return -EMSGSIZE;
	w->budget--;
	w->seen++;
	return 0;
}

static void kn_fdb_walk_test(struct kunit *test)
{
	struct kn_fdb_fixture *fx = test->priv;
	struct kn_fdb_cursor cursor = {};
	struct kn_walk_state w = {};
	unsigned long now = jiffies;
	u8 mac[ETH_ALEN] __aligned(2) = { 0x02, 0, 0, 0, 1, 0 };
	unsigned int i, rounds = 0;
	int err;

	for (i = 0; i < 100; i++) {
		mac[5] = i;
		KUNIT_ASSERT_EQ(test, kn_fdb_learn(&fx->fdb, mac, &fx->p1, now), KN_FDB_CREATED);
	}
	do {
		w.budget = 7;
		rcu_read_lock();
		err = kn_fdb_walk(&fx->fdb, &cursor, kn_walk_count, &w);
		rcu_read_unlock();
		KUNIT_ASSERT_TRUE(test, err == 0 || err == -EMSGSIZE);
		KUNIT_ASSERT_LT(test, ++rounds, 100U);
	} while (err);
	/* every entry exactly once, however the walk was cut */
	KUNIT_EXPECT_EQ(test, w.seen, 100U);
	KUNIT_EXPECT_EQ(test, rounds, 15U);
}

static struct kunit_case kn_fdb_test_cases[] = {
	KUNIT_CASE(kn_fdb_learn_lookup_test),
	KUNIT_CASE(kn_fdb_move_test),
	KUNIT_CASE_PARAM(kn_fdb_age_test, kn_fdb_age_gen_params),
	KUNIT_CASE(kn_fdb_refresh_test),
	KUNIT_CASE(kn_fdb_full_test),
	KUNIT_CASE(kn_fdb_local_test),
	KUNIT_CASE(kn_fdb_flush_test),
	KUNIT_CASE(kn_fdb_walk_test),
	{}
};

static struct kunit_suite kn_fdb_test_suite = {
	.name = "kn_fdb",
	.init = kn_fdb_test_init,
	.exit = kn_fdb_test_exit,
	.test_cases = kn_fdb_test_cases,
};

struct kn_link_case {
	const char *name;
	struct kn_link_change change;
	int err;
};

static const struct kn_link_case kn_link_cases[] = {
	{ "ageing min", { .has_ageing_time = true,
			  .ageing_time_ms = KN_AGEING_TIME_MS_MIN }, 0 },
	{ "ageing max", { .has_ageing_time = true,
			  .ageing_time_ms = KN_AGEING_TIME_MS_MAX }, 0 },
	{ "ageing too short", { .has_ageing_time = true,
				.ageing_time_ms = KN_AGEING_TIME_MS_MIN - 1 }, -ERANGE },
	{ "ageing too long", { .has_ageing_time = true,
			       .ageing_time_ms = KN_AGEING_TIME_MS_MAX + 1 }, -ERANGE },
	{ "fdb max min", { .has_fdb_max = true, .fdb_max = KN_FDB_MAX_MIN }, 0 },
	{ "fdb max max", { .has_fdb_max = true, .fdb_max = KN_FDB_MAX_MAX }, 0 },
	{ "fdb max zero", { .has_fdb_max = true, .fdb_max = 0 }, -ERANGE },
	{ "fdb max too big", { .has_fdb_max = true,
			       .fdb_max = KN_FDB_MAX_MAX + 1 }, -ERANGE },
	/* a bad part rejects the whole request */
	{ "good ageing, bad max", { .has_ageing_time = true, .ageing_time_ms = 5000,
				    .has_fdb_max = true, .fdb_max = 0 }, -ERANGE },
	/* absent fields are not checked */
	{ "absent fields", { .ageing_time_ms = 1, .fdb_max = 0 }, 0 },
};

static void kn_link_case_desc(const struct kn_link_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(kn_link, kn_link_cases, kn_link_case_desc);

static void kn_link_change_check_test(struct kunit *test)
{
	const struct kn_link_case *c = test->param_value;
	struct netlink_ext_ack extack = {};

	KUNIT_EXPECT_EQ(test, kn_link_change_check(&c->change, &extack), c->err);
	if (c->err)
		KUNIT_EXPECT_NOT_NULL(test, extack._msg);
	else
		KUNIT_EXPECT_NULL(test, extack._msg);
}

static struct kunit_case kn_link_test_cases[] = {
	KUNIT_CASE_PARAM(kn_link_change_check_test, kn_link_gen_params),
	{}
};

static struct kunit_suite kn_link_test_suite = {
	.name = "kn_link_settings",
	.test_cases = kn_link_test_cases,
};

kunit_test_suites(&kn_fdb_test_suite, &kn_link_test_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for the kn FDB and link settings");
