// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites for what NodePorts and egress masquerade add to services:
 * the SNAT port search (kn_snat), the pick among the node's own backends
 * (kn_pick_local), the NodePort table (kn_nodeports) and which entries a
 * flush, a delete or a dump of a service takes (kn_lb_match).
 */
#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/inet.h>
#include <linux/in.h>
#include <linux/slab.h>

#include "uapi/kn.h"
#include "conntrack.h"
#include "lb.h"
#include "services.h"
#include "snat.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

static __be32 ip(const char *s)
{
	return in_aton(s);
}

/* ------------------------------------------------------------------ */
/* kn_snat                                                             */
/* ------------------------------------------------------------------ */

static int kn_snat_test_init(struct kunit *test)
{
	struct kn_ct_table *t = kn_ct_create(4096);

	KUNIT_ASSERT_NOT_NULL(test, t);
	cancel_delayed_work_sync(&t->gc);
	test->priv = t;
	return 0;
}

static void kn_snat_test_exit(struct kunit *test)
{
	kn_ct_destroy(test->priv);
	rcu_barrier();
}

/* The REPLY tuple of a NodePort connection: backend to the node. */
static struct kn_ct_tuple node_reply(__be16 dport)
{
	return (struct kn_ct_tuple){
		.src = ip("10.244.2.5"), .sport = htons(8080),
		.dst = ip("10.244.1.1"), .dport = dport,
		.proto = IPPROTO_TCP, .kind = KN_CT_KIND_CONN,
	};
}

/* Takes the reply tuple with port @port, for client port @client, in @state. */
static void take_in(struct kunit *test, u16 port, u16 client, u8 state)
{
	struct kn_ct_tuple r = node_reply(htons(port));
	struct kn_ct_tuple o = {
		.src = ip("192.168.0.100"), .sport = htons(client),
		.dst = ip("192.168.0.1"), .dport = htons(30080),
		.proto = IPPROTO_TCP, .kind = KN_CT_KIND_CONN,
	};
	struct kn_conn *c = kn_ct_alloc(), *got;

	KUNIT_ASSERT_NOT_NULL(test, c);
	c->node[0].tuple = o;
	c->node[1].tuple = r;
	c->status = kn_conn_status(state, KN_CT_F_SNAT | KN_CT_F_NODEPORT);
	rcu_read_lock();
	got = kn_ct_insert(test->priv, c, 120 * HZ, 4096);
	rcu_read_unlock();
	KUNIT_ASSERT_PTR_EQ(test, got, c);
}

static void take(struct kunit *test, u16 port, u16 client)
{
	take_in(test, port, client, KN_CT_STATE_SYN_SENT);
}

static bool port_held(struct kunit *test, u16 port)
{
	struct kn_ct_tuple r = node_reply(htons(port));
	struct kn_conn *c;
	int dir;

	rcu_read_lock();
	c = kn_ct_lookup(test->priv, &r, &dir);
	rcu_read_unlock();
	return c;
}

static u64 removed(struct kunit *test)
{
	struct kn_ct_stats s;

	kn_ct_read_stats(test->priv, &s);
	return s.c[KN_CT_REMOVED];
}

static u16 snat_port(struct kunit *test, u16 min, u16 max)
{
	struct kn_ct_tuple r = node_reply(0);
	__be16 port;

	rcu_read_lock();
	port = kn_snat_port(test->priv, &r, min, max);
	rcu_read_unlock();
	return ntohs(port);
}

/* An empty table: any port of the range, and all of them over many draws. */
static void kn_snat_empty_test(struct kunit *test)
{
	DECLARE_BITMAP(seen, 16) = {};
	int i;
	u16 p;

	for (i = 0; i < 2000; i++) {
		p = snat_port(test, 61000, 61015);
		KUNIT_ASSERT_GE(test, p, 61000);
		KUNIT_ASSERT_LE(test, p, 61015);
		__set_bit(p - 61000, seen);
	}
	/* a random start: each of 16 ports is missed 2000 times with p < 1e-55 */
	KUNIT_EXPECT_EQ(test, bitmap_weight(seen, 16), 16U);
}

/* A small range is searched whole: the one free port is always found. */
static void kn_snat_last_free_test(struct kunit *test)
{
	int i;

	take(test, 61000, 1);
	take(test, 61001, 2);
	take(test, 61003, 3);
	for (i = 0; i < 100; i++)
		KUNIT_EXPECT_EQ(test, snat_port(test, 61000, 61003), 61002);
	take(test, 61002, 4);
	/* exhausted: no port, never one outside the range */
	KUNIT_EXPECT_EQ(test, snat_port(test, 61000, 61003), 0);
	/* other tuples are not affected: another backend port is free */
	KUNIT_EXPECT_NE(test, snat_port(test, 61004, 61004), 0);
}

static void kn_snat_single_port_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, snat_port(test, 65535, 65535), 65535);
	take(test, 65535, 1);
	KUNIT_EXPECT_EQ(test, snat_port(test, 65535, 65535), 0);
}

/*
 * The default range with its first 4000 of 4536 ports taken, in one
 * block: the search still finds one of the free ones (256 draws at
 * 536/4536 free all miss with p < 1e-13; nf_nat's runs of ports in a row
 * found one 42% of the time here), and only free ones.
 */
static void kn_snat_crowded_test(struct kunit *test)
{
	u16 p, i;
	int found = 0;

	for (i = 0; i < 4000; i++)
		take(test, KN_SNAT_PORT_MIN_DEFAULT + i, 1000 + i);
	for (i = 0; i < 200; i++) {
		p = snat_port(test, KN_SNAT_PORT_MIN_DEFAULT, KN_SNAT_PORT_MAX_DEFAULT);
		if (!p)
			continue;
		found++;
		KUNIT_EXPECT_GE(test, p, KN_SNAT_PORT_MIN_DEFAULT + 4000);
		KUNIT_EXPECT_LE(test, p, KN_SNAT_PORT_MAX_DEFAULT);
	}
	KUNIT_EXPECT_EQ(test, found, 200);
}

/* A free port first; only when there is none, a closed connection's. */
static void kn_snat_closed_test(struct kunit *test)
{
	int i;

	take_in(test, 61000, 1, KN_CT_STATE_TIME_WAIT);
	take_in(test, 61001, 2, KN_CT_STATE_CLOSE);
	for (i = 0; i < 50; i++)
		KUNIT_EXPECT_EQ(test, snat_port(test, 61000, 61002), 61002);
	KUNIT_EXPECT_EQ(test, removed(test), 0);
	KUNIT_EXPECT_TRUE(test, port_held(test, 61000));
	KUNIT_EXPECT_TRUE(test, port_held(test, 61001));

	/* 61002 live: the port of one of the two closed ones, whose entry goes */
	take_in(test, 61002, 3, KN_CT_STATE_ESTABLISHED);
	i = snat_port(test, 61000, 61002);
	KUNIT_EXPECT_TRUE(test, i == 61000 || i == 61001);
	KUNIT_EXPECT_FALSE(test, port_held(test, i));
	KUNIT_EXPECT_EQ(test, removed(test), 1);
	KUNIT_EXPECT_TRUE(test, port_held(test, 61002));
	/* never a live one's */
	take_in(test, i, 4, KN_CT_STATE_ESTABLISHED);
	i = snat_port(test, 61000, 61002);
	KUNIT_EXPECT_TRUE(test, i == 61000 || i == 61001);
	KUNIT_EXPECT_EQ(test, removed(test), 2);
	take_in(test, i, 5, KN_CT_STATE_SYN_RECV);
	KUNIT_EXPECT_EQ(test, snat_port(test, 61000, 61002), 0);
	KUNIT_EXPECT_EQ(test, removed(test), 2);
}

static struct kunit_case kn_snat_cases[] = {
	KUNIT_CASE(kn_snat_empty_test),
	KUNIT_CASE(kn_snat_closed_test),
	KUNIT_CASE(kn_snat_last_free_test),
	KUNIT_CASE(kn_snat_single_port_test),
	KUNIT_CASE(kn_snat_crowded_test),
	{}
};

static struct kunit_suite kn_snat_suite = {
	.name = "kn_snat",
	.init = kn_snat_test_init,
	.exit = kn_snat_test_exit,
	.test_cases = kn_snat_cases,
};

/* ------------------------------------------------------------------ */
/* kn_pick_local                                                       */
/* ------------------------------------------------------------------ */

#define LOCAL		KN_BACKEND_F_LOCAL
#define TERMINATING	KN_BACKEND_F_TERMINATING

struct local_fixture {
	struct kn_backend be[6];
	struct kn_backend *ptrs[6];
	struct kn_backend_set *set;
};

static struct kn_backend_set *make_local_set(struct kunit *test, const u32 *flags,
					     const u16 *weights, u32 n)
{
	struct local_fixture *fx = kunit_kzalloc(test, sizeof(*fx), GFP_KERNEL);
	u32 i;

	KUNIT_ASSERT_NOT_NULL(test, fx);
	for (i = 0; i < n; i++) {
		fx->be[i].addr = htonl(0x0af40100 + i + 2);
		fx->be[i].port = htons(8080);
		fx->be[i].weight = weights[i];
		fx->be[i].flags = flags[i];
		fx->ptrs[i] = &fx->be[i];
	}
	fx->set = kn_backend_set_build(fx->ptrs, n, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fx->set);
	test->priv = fx;
	return fx->set;
}

static void kn_pick_local_test_exit(struct kunit *test)
{
	struct local_fixture *fx = test->priv;

	if (fx)
		kn_backend_set_free(fx->set);
}

/*
 * Local, terminating and remote backends: the local pick draws only the
 * usable local ones, by weight (3:1 here, counted over an even grid of
 * draws), while the plain pick still draws every usable one.
 */
static void kn_pick_local_mixed_test(struct kunit *test)
{
	static const u32 f[] = { 0, LOCAL, LOCAL | TERMINATING, LOCAL, 0, TERMINATING };
	static const u16 w[] = { 1, 3, 5, 1, 1, 1 };
	const struct kn_backend_set *set = make_local_set(test, f, w, 6);
	struct local_fixture *fx = test->priv;
	u32 counts[6] = {}, i, j, n = 0;

	KUNIT_EXPECT_EQ(test, set->usable, 4U);
	KUNIT_EXPECT_EQ(test, set->local_usable, 2U);
	for (i = 0; i < 256; i++)
		for (j = 0; j < 256; j++) {
			u64 draw = (u64)(j * 0x01000000U + 0x800000U) << 32 |
				   (i * 0x01000000U + 0x800000U);
			struct kn_backend *be = kn_backend_pick_local(set, draw);

			counts[be - fx->be]++;
			n++;
		}
	KUNIT_EXPECT_EQ(test, counts[0] + counts[2] + counts[4] + counts[5], 0U);
	/* 3:1 on a grid: exact up to the grid's rounding, 1/256 */
	KUNIT_EXPECT_LE(test, abs((int)counts[1] - (int)(n * 3 / 4)), (int)(n / 256 + 1));
	KUNIT_EXPECT_LE(test, abs((int)counts[3] - (int)(n / 4)), (int)(n / 256 + 1));
	for (i = 0; i < 1000; i++)
		KUNIT_EXPECT_FALSE(test, kn_backend_pick(set, get_random_u64())->flags &
				   TERMINATING);
}

static void kn_pick_local_none_test(struct kunit *test)
{
	static const u32 f[] = { 0, LOCAL | TERMINATING, 0 };
	static const u16 w[] = { 1, 1, 1 };
	const struct kn_backend_set *set = make_local_set(test, f, w, 3);

	KUNIT_EXPECT_EQ(test, set->usable, 2U);
	KUNIT_EXPECT_EQ(test, set->local_usable, 0U);
}

static struct kunit_case kn_pick_local_cases[] = {
	KUNIT_CASE(kn_pick_local_mixed_test),
	KUNIT_CASE(kn_pick_local_none_test),
	{}
};

static struct kunit_suite kn_pick_local_suite = {
	.name = "kn_pick_local",
	.exit = kn_pick_local_test_exit,
	.test_cases = kn_pick_local_cases,
};

/* ------------------------------------------------------------------ */
/* kn_nodeports                                                        */
/* ------------------------------------------------------------------ */

static int kn_nodeports_test_init(struct kunit *test)
{
	struct kn_services *services = kunit_kzalloc(test, sizeof(*services), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, services);
	KUNIT_ASSERT_EQ(test, kn_services_init(services), 0);
	test->priv = services;
	return 0;
}

static void kn_nodeports_test_exit(struct kunit *test)
{
	rcu_barrier();		/* replaced NodePorts are freed by RCU */
	kn_services_uninit(test->priv);
}

static struct kn_service_config svc_cfg(const char *vip, u16 port, u8 proto,
					u16 nodeport, u8 policy)
{
	return (struct kn_service_config){
		.key = kn_service_key(ip(vip), htons(port), proto),
		.affinity = KN_AFFINITY_NONE,
		.affinity_timeout = KN_AFFINITY_TIMEOUT_DEFAULT,
		.nodeport = htons(nodeport), .policy = policy,
	};
}

static int add(struct kunit *test, const struct kn_service_config *cfg, bool replace,
	       u16 *gone)
{
	__be16 g = htons(1);
	int err = kn_services_add(test->priv, cfg, replace, &g, NULL);

	if (!err)
		*gone = ntohs(g);
	return err;
}

static struct kn_service *service(struct kunit *test, const struct kn_service_key *key)
{
	struct kn_service *svc;

	rcu_read_lock();
	svc = kn_services_lookup(test->priv, key);
	rcu_read_unlock();
	return svc;
}

/* The service a NodePort leads to, and its policy (-1: no such NodePort). */
static struct kn_service *by_nodeport(struct kunit *test, u16 port, u8 proto,
				      int *policy)
{
	struct kn_nodeport *np;
	struct kn_service *svc;

	rcu_read_lock();
	np = kn_nodeport_lookup(test->priv, htons(port), proto);
	svc = np ? np->svc : NULL;
	*policy = np ? np->policy : -1;
	rcu_read_unlock();
	return svc;
}

static void kn_nodeports_add_test(struct kunit *test)
{
	struct kn_service_config a = svc_cfg("10.96.0.10", 80, IPPROTO_TCP, 30080,
					     KN_TRAFFIC_POLICY_CLUSTER);
	struct kn_service_config b = svc_cfg("10.96.0.11", 80, IPPROTO_TCP, 30080,
					     KN_TRAFFIC_POLICY_LOCAL);
	struct kn_service_config u = svc_cfg("10.96.0.11", 53, IPPROTO_UDP, 30080,
					     KN_TRAFFIC_POLICY_LOCAL);
	struct kn_service *svc;
	int policy;
	u16 gone;

	KUNIT_ASSERT_EQ(test, add(test, &a, false, &gone), 0);
	KUNIT_EXPECT_EQ(test, gone, 0);
	svc = by_nodeport(test, 30080, IPPROTO_TCP, &policy);
	KUNIT_ASSERT_NOT_NULL(test, svc);
	KUNIT_EXPECT_EQ(test, svc->key.addr, a.key.addr);
	KUNIT_EXPECT_EQ(test, policy, KN_TRAFFIC_POLICY_CLUSTER);
	/* taken for TCP by another service: refused, and nothing changed */
	KUNIT_EXPECT_EQ(test, add(test, &b, false, &gone), -EADDRINUSE);
	KUNIT_EXPECT_NULL(test, service(test, &b.key));
	KUNIT_EXPECT_PTR_EQ(test, by_nodeport(test, 30080, IPPROTO_TCP, &policy), svc);
	/* the same number for UDP is another NodePort */
	KUNIT_ASSERT_EQ(test, add(test, &u, false, &gone), 0);
	KUNIT_EXPECT_NOT_NULL(test, by_nodeport(test, 30080, IPPROTO_UDP, &policy));
	KUNIT_EXPECT_EQ(test, policy, KN_TRAFFIC_POLICY_LOCAL);
	KUNIT_EXPECT_NULL(test, by_nodeport(test, 30081, IPPROTO_TCP, &policy));
}

static void kn_nodeports_replace_test(struct kunit *test)
{
	struct kn_service_config a = svc_cfg("10.96.0.10", 80, IPPROTO_TCP, 30080,
					     KN_TRAFFIC_POLICY_CLUSTER);
	struct kn_service_config b = svc_cfg("10.96.0.11", 80, IPPROTO_TCP, 30080,
					     KN_TRAFFIC_POLICY_CLUSTER);
	struct kn_service *svc;
	int policy;
	u16 gone;

	KUNIT_ASSERT_EQ(test, add(test, &a, false, &gone), 0);
	svc = service(test, &a.key);
	/* the policy alone: the same port, nothing gone */
	a.policy = KN_TRAFFIC_POLICY_LOCAL;
	KUNIT_ASSERT_EQ(test, add(test, &a, true, &gone), 0);
	KUNIT_EXPECT_EQ(test, gone, 0);
	KUNIT_EXPECT_PTR_EQ(test, by_nodeport(test, 30080, IPPROTO_TCP, &policy), svc);
	KUNIT_EXPECT_EQ(test, policy, KN_TRAFFIC_POLICY_LOCAL);
	/* another port: the old one is gone and free for another service */
	a.nodeport = htons(30090);
	KUNIT_ASSERT_EQ(test, add(test, &a, true, &gone), 0);
	KUNIT_EXPECT_EQ(test, gone, 30080);
	KUNIT_EXPECT_NULL(test, by_nodeport(test, 30080, IPPROTO_TCP, &policy));
	KUNIT_EXPECT_PTR_EQ(test, by_nodeport(test, 30090, IPPROTO_TCP, &policy), svc);
	KUNIT_ASSERT_EQ(test, add(test, &b, false, &gone), 0);
	/* a replace that names none removes it */
	a.nodeport = 0;
	a.policy = KN_TRAFFIC_POLICY_CLUSTER;
	KUNIT_ASSERT_EQ(test, add(test, &a, true, &gone), 0);
	KUNIT_EXPECT_EQ(test, gone, 30090);
	KUNIT_EXPECT_NULL(test, by_nodeport(test, 30090, IPPROTO_TCP, &policy));
	KUNIT_EXPECT_NULL(test, rcu_access_pointer(svc->nodeport));
	/* a replace onto a port another service holds: refused, unchanged */
	a.nodeport = htons(30080);
	KUNIT_EXPECT_EQ(test, add(test, &a, true, &gone), -EADDRINUSE);
	KUNIT_EXPECT_NULL(test, rcu_access_pointer(svc->nodeport));
}

static void kn_nodeports_unlink_test(struct kunit *test)
{
	struct kn_service_config a = svc_cfg("10.96.0.10", 80, IPPROTO_TCP, 30080,
					     KN_TRAFFIC_POLICY_CLUSTER);
	struct kn_service *svc;
	int policy;
	u16 gone;

	KUNIT_ASSERT_EQ(test, add(test, &a, false, &gone), 0);
	svc = kn_services_unlink(test->priv, &a.key, NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(svc));
	KUNIT_EXPECT_NULL(test, by_nodeport(test, 30080, IPPROTO_TCP, &policy));
	kn_service_free_rcu(svc);
	/* the port is free again */
	a.key.addr = ip("10.96.0.12");
	KUNIT_EXPECT_EQ(test, add(test, &a, false, &gone), 0);
}

/* A policy needs a NodePort; an unknown policy is refused. */
static void kn_nodeports_check_test(struct kunit *test)
{
	struct kn_service_config c = svc_cfg("10.96.0.10", 80, IPPROTO_TCP, 0,
					     KN_TRAFFIC_POLICY_LOCAL);

	KUNIT_EXPECT_EQ(test, kn_service_config_check(&c, NULL), -EINVAL);
	c.nodeport = htons(30080);
	KUNIT_EXPECT_EQ(test, kn_service_config_check(&c, NULL), 0);
	c.policy = KN_TRAFFIC_POLICY_MAX + 1;
	KUNIT_EXPECT_EQ(test, kn_service_config_check(&c, NULL), -EINVAL);
}

static struct kunit_case kn_nodeports_cases[] = {
	KUNIT_CASE(kn_nodeports_add_test),
	KUNIT_CASE(kn_nodeports_replace_test),
	KUNIT_CASE(kn_nodeports_unlink_test),
	KUNIT_CASE(kn_nodeports_check_test),
	{}
};

static struct kunit_suite kn_nodeports_suite = {
	.name = "kn_nodeports",
	.init = kn_nodeports_test_init,
	.exit = kn_nodeports_test_exit,
	.test_cases = kn_nodeports_cases,
};

/* ------------------------------------------------------------------ */
/* kn_lb_match                                                         */
/* ------------------------------------------------------------------ */

static struct kn_conn *conn(struct kunit *test, const char *src, const char *dst,
			    u16 dport, const char *backend, u32 flags)
{
	struct kn_conn *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, c);
	c->node[0].tuple = (struct kn_ct_tuple){
		.src = ip(src), .sport = htons(40000), .dst = ip(dst), .dport = htons(dport),
		.proto = IPPROTO_TCP,
	};
	c->node[1].tuple = (struct kn_ct_tuple){
		.src = ip(backend), .sport = htons(8080), .dst = ip(src),
		.dport = htons(40000), .proto = IPPROTO_TCP, .dir = KN_CT_DIR_REPLY,
	};
	c->status = kn_conn_status(KN_CT_STATE_ESTABLISHED, flags);
	return c;
}

static void kn_lb_match_test(struct kunit *test)
{
	const struct kn_backend_config be = { .addr = ip("10.244.2.5"), .port = htons(8080) };
	struct kn_conn *vip = conn(test, "10.244.1.2", "10.96.0.10", 80, "10.244.2.5", 0);
	struct kn_conn *np = conn(test, "192.168.0.100", "192.168.0.1", 30080,
				  "10.244.2.5", KN_CT_F_NODEPORT | KN_CT_F_SNAT);
	struct kn_conn *other_be = conn(test, "192.168.0.100", "192.168.0.2", 30080,
					"10.244.3.5", KN_CT_F_NODEPORT);
	/* a masqueraded connection that happens to go to port 30080 */
	struct kn_conn *masq = conn(test, "10.244.1.2", "203.0.113.10", 30080,
				    "203.0.113.10", KN_CT_F_MASQUERADE | KN_CT_F_SNAT);
	struct kn_lb_match m = {
		.svc = kn_service_key(ip("10.96.0.10"), htons(80), IPPROTO_TCP),
		.vip = true, .nodeport = htons(30080),
	};

	KUNIT_EXPECT_TRUE(test, kn_lb_matches(vip, &m));
	KUNIT_EXPECT_TRUE(test, kn_lb_matches(np, &m));
	KUNIT_EXPECT_TRUE(test, kn_lb_matches(other_be, &m));
	KUNIT_EXPECT_FALSE(test, kn_lb_matches(masq, &m));
	/* its NodePort's only (a replace that moved it) */
	m.vip = false;
	KUNIT_EXPECT_FALSE(test, kn_lb_matches(vip, &m));
	KUNIT_EXPECT_TRUE(test, kn_lb_matches(np, &m));
	/* one backend's */
	m.vip = true;
	m.be = &be;
	KUNIT_EXPECT_TRUE(test, kn_lb_matches(vip, &m));
	KUNIT_EXPECT_TRUE(test, kn_lb_matches(np, &m));
	KUNIT_EXPECT_FALSE(test, kn_lb_matches(other_be, &m));
	/* without a NodePort, only the VIP's */
	m.be = NULL;
	m.nodeport = 0;
	KUNIT_EXPECT_TRUE(test, kn_lb_matches(vip, &m));
	KUNIT_EXPECT_FALSE(test, kn_lb_matches(np, &m));
	/* another protocol */
	m.svc.proto = IPPROTO_UDP;
	KUNIT_EXPECT_FALSE(test, kn_lb_matches(vip, &m));
}

static struct kunit_case kn_lb_match_cases[] = {
	KUNIT_CASE(kn_lb_match_test),
	{}
};

static struct kunit_suite kn_lb_match_suite = {
	.name = "kn_lb_match",
	.test_cases = kn_lb_match_cases,
};

kunit_test_suites(&kn_snat_suite, &kn_pick_local_suite, &kn_nodeports_suite,
		  &kn_lb_match_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for kn's NodePorts and SNAT");
