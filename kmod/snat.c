// SPDX-License-Identifier: GPL-2.0
/*
 * Source ports for the connections kn rewrites the source of (NodePort
 * with policy Cluster, egress masquerade): one whose REPLY tuple no entry
 * holds, so that no two connections share a 5-tuple whatever ports their
 * clients chose.
 */
#include <linux/random.h>
#include <kunit/visibility.h>

#include "snat.h"

/*
 * nf_nat's search (nf_nat_l4proto_unique_tuple()): 128 ports in a row
 * from a random start, then 64, 32 and 16 from fresh random starts.  A
 * range of up to 128 ports is tried whole, so a small range is exhausted
 * only when every port is taken; a big one costs at most 240 lookups.
 */
#define KN_SNAT_FIRST_TRIES	128
#define KN_SNAT_LAST_TRIES	16

__be16 kn_snat_port(struct kn_ct_table *t, const struct kn_ct_tuple *reply,
		    u16 min, u16 max)
{
	u32 range = (u32)max - min + 1, tries = min_t(u32, range, KN_SNAT_FIRST_TRIES);
	struct kn_ct_tuple probe = *reply;
	u32 start, i;
	int dir;

	for (;;) {
		start = get_random_u32_below(range);
		for (i = 0; i < tries; i++) {
			probe.dport = htons(min + (start + i) % range);
			if (!kn_ct_lookup(t, &probe, &dir))
				return probe.dport;
		}
		if (tries == range || tries <= KN_SNAT_LAST_TRIES)
			return 0;
		tries /= 2;
	}
}
EXPORT_SYMBOL_IF_KUNIT(kn_snat_port);
