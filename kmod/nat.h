/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KN_NAT_H
#define _KN_NAT_H

#include <linux/skbuff.h>
#include <linux/types.h>

#include "conntrack.h"

/*
 * What kn_nat_parse() found in an IPv4 packet: the tuple to look up and
 * where the headers are (offsets from the network header).  For an ICMP
 * error about a TCP or UDP packet, @tuple is the quoted packet's tuple
 * turned around, i.e. the tuple of the direction the error travels in.
 */
struct kn_pkt {
	struct kn_ct_tuple tuple;
	u16 l4off;
	u16 inner_off;			/* ICMP error: the quoted IPv4 header */
	u16 inner_l4off;
	u8 tcp_flags;
	u8 icmp_type;			/* ICMP error: its type */
	bool icmp_error;
	bool inner_l4_whole;		/* the quote holds the L4 checksum */
};

/* Addresses and ports a packet is rewritten to. */
struct kn_nat_target {
	__be32 src;
	__be32 dst;
	__be16 sport;
	__be16 dport;
};

/*
 * Returns 0 for a TCP or UDP packet, or an ICMP error quoting one;
 * -EPROTONOSUPPORT for anything kn never translates (other protocols,
 * fragments, ICMP queries); -EINVAL for a malformed packet.
 */
int kn_nat_parse(struct sk_buff *skb, struct kn_pkt *p);

/*
 * Rewrites the packet's addresses and ports to @to, fixing the IPv4 and L4
 * checksums incrementally (CHECKSUM_PARTIAL, COMPLETE and GSO packets
 * alike).  -ENOMEM when the headers cannot be made writable.
 */
int kn_nat_rewrite(struct sk_buff *skb, const struct kn_pkt *p,
		   const struct kn_nat_target *to);

/*
 * An ICMP error: the outer addresses become @outer_src and @outer_dst, the
 * quoted packet's become @inner; the ICMP checksum is recomputed.
 */
int kn_nat_rewrite_icmp(struct sk_buff *skb, const struct kn_pkt *p,
			__be32 outer_src, __be32 outer_dst,
			const struct kn_nat_target *inner);

#endif /* _KN_NAT_H */
