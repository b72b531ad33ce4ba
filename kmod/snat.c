// SPDX-License-Identifier: GPL-2.0
/*
 * Source ports for the connections kn rewrites the source of (NodePort
 * with policy Cluster, egress masquerade): one whose REPLY tuple no entry
 * holds, so that no two connections share a 5-tuple whatever ports their
 * clients chose.
 */
#include <linux/in.h>
#include <linux/random.h>
#include <kunit/visibility.h>

#include "snat.h"

/*
 * A range of up to KN_SNAT_TRIES ports is tried whole, from a random
 * start, so a small range runs out only when every port is taken.  A
 * bigger one gets KN_SNAT_TRIES ports drawn at random, each on its own:
 * nf_nat's runs of ports in a row from a few random starts
 * (nf_nat_l4proto_unique_tuple()) miss the free ports of a crowded range,
 * whose taken ports cluster (a run finds the first free port after a
 * random start, and so takes the ports next to taken ones); single draws
 * do not, and with one port in eight free all 256 miss with p < 1e-14.
 */
#define KN_SNAT_TRIES	256

/*
 * A TCP connection that is over (both FINs, or a reset) keeps its entry
 * for KN_CT_TIMEOUT_TIME_WAIT or _CLOSE, and so its port: at 120 s, a
 * range of 4536 ports would give a backend 38 new connections a second.
 * When no port is free, a new connection takes over such an entry's, as
 * nf_nat reuses a TIME_WAIT tuple: the backend has either forgotten the
 * old connection or holds it in TIME_WAIT, which a new SYN may reopen.
 */
static bool kn_snat_port_closed(const struct kn_conn *c)
{
	u8 st = kn_conn_state(READ_ONCE(c->status));

	return st == KN_CT_STATE_TIME_WAIT || st == KN_CT_STATE_CLOSE;
}

__be16 kn_snat_port(struct kn_ct_table *t, const struct kn_ct_tuple *reply,
		    u16 min, u16 max)
{
	u32 range = (u32)max - min + 1, start, i;
	struct kn_ct_tuple probe = *reply;
	struct kn_conn *c, *closed = NULL;
	__be16 closed_port = 0;
	int dir;

	start = get_random_u32_below(range);
	for (i = 0; i < KN_SNAT_TRIES; i++) {
		probe.dport = htons(min + (range <= KN_SNAT_TRIES ? (start + i) % range :
					   get_random_u32_below(range)));
		c = kn_ct_lookup(t, &probe, &dir);
		if (!c)
			return probe.dport;
		if (!closed && reply->proto == IPPROTO_TCP && kn_snat_port_closed(c)) {
			closed = c;
			closed_port = probe.dport;
		}
		if (range <= KN_SNAT_TRIES && i + 1 == range)
			break;
	}
	if (closed)
		kn_ct_remove(t, closed, KN_CT_REMOVED);
	return closed_port;
}
EXPORT_SYMBOL_IF_KUNIT(kn_snat_port);
