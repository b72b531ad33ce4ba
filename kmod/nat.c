// SPDX-License-Identifier: GPL-2.0
/*
 * Reading and rewriting the headers of the packets kn translates: IPv4
 * with TCP or UDP, and ICMP errors quoting them.  The checksum arithmetic
 * is nf_nat's (net/netfilter/nf_nat_proto.c): incremental updates through
 * inet_proto_csum_replace*(), which keep CHECKSUM_PARTIAL (and so GSO)
 * packets' pseudo-header sums and CHECKSUM_COMPLETE packets' sums right.
 */
#include <linux/icmp.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/checksum.h>
#include <net/ip.h>
#include <net/tcp.h>
#include <kunit/visibility.h>

#include "nat.h"

/* Pulls @len bytes from the network header into the linear area. */
static bool kn_nat_pull(struct sk_buff *skb, unsigned int len)
{
	return pskb_may_pull(skb, skb_network_offset(skb) + len);
}

/* ICMP messages that quote a packet: the errors, and redirects. */
static bool kn_icmp_quotes(u8 type)
{
	return type == ICMP_DEST_UNREACH || type == ICMP_SOURCE_QUENCH ||
	       type == ICMP_TIME_EXCEEDED || type == ICMP_PARAMETERPROB ||
	       type == ICMP_REDIRECT;
}

static unsigned int kn_l4_hdr_len(u8 proto)
{
	return proto == IPPROTO_TCP ? sizeof(struct tcphdr) : sizeof(struct udphdr);
}

/* The quoted packet of an ICMP error whose header is at @p->l4off. */
static int kn_nat_parse_icmp(struct sk_buff *skb, struct kn_pkt *p,
			     unsigned int tot_len)
{
	const struct iphdr *inner;
	const __be16 *ports;
	unsigned int off = p->l4off + sizeof(struct icmphdr), ihl;

	if (tot_len < off + sizeof(*inner) || !kn_nat_pull(skb, off + sizeof(*inner)))
		return -EINVAL;
	inner = (const struct iphdr *)(skb_network_header(skb) + off);
	ihl = inner->ihl * 4;
	if (inner->version != 4 || ihl < sizeof(*inner))
		return -EINVAL;
	if (inner->protocol != IPPROTO_TCP && inner->protocol != IPPROTO_UDP)
		return -EPROTONOSUPPORT;
	if (inner->frag_off & htons(IP_OFFSET))
		return -EPROTONOSUPPORT;	/* no ports to go by */
	/* RFC 792 quotes 8 bytes of L4 header: the ports, at least. */
	if (tot_len < off + ihl + 8 || !kn_nat_pull(skb, off + ihl + 8))
		return -EINVAL;
	inner = (const struct iphdr *)(skb_network_header(skb) + off);
	p->inner_off = off;
	p->inner_l4off = off + ihl;
	p->inner_l4_whole = tot_len >= off + ihl + kn_l4_hdr_len(inner->protocol) &&
			    kn_nat_pull(skb, off + ihl + kn_l4_hdr_len(inner->protocol));
	inner = (const struct iphdr *)(skb_network_header(skb) + off);
	ports = (const __be16 *)(skb_network_header(skb) + p->inner_l4off);
	p->icmp_error = true;
	/* turned around: the quote went the other way */
	p->tuple = (struct kn_ct_tuple){
		.src = inner->daddr, .dst = inner->saddr,
		.sport = ports[1], .dport = ports[0],
		.proto = inner->protocol, .kind = KN_CT_KIND_CONN,
	};
	return 0;
}

int kn_nat_parse(struct sk_buff *skb, struct kn_pkt *p)
{
	const struct iphdr *iph;
	const __be16 *ports;
	unsigned int ihl, tot_len;

	memset(p, 0, sizeof(*p));
	if (!kn_nat_pull(skb, sizeof(*iph)))
		return -EINVAL;
	iph = ip_hdr(skb);
	ihl = iph->ihl * 4;
	tot_len = ntohs(iph->tot_len);
	if (iph->version != 4 || ihl < sizeof(*iph) || tot_len < ihl ||
	    tot_len > skb->len - skb_network_offset(skb))
		return -EINVAL;
	if (ip_is_fragment(iph))
		return -EPROTONOSUPPORT;
	p->l4off = ihl;

	switch (iph->protocol) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
		if (tot_len < ihl + kn_l4_hdr_len(iph->protocol) ||
		    !kn_nat_pull(skb, ihl + kn_l4_hdr_len(iph->protocol)))
			return -EINVAL;
		iph = ip_hdr(skb);
		ports = (const __be16 *)(skb_network_header(skb) + ihl);
		if (iph->protocol == IPPROTO_TCP)
			p->tcp_flags = tcp_flag_byte((const struct tcphdr *)ports);
		p->tuple = (struct kn_ct_tuple){
			.src = iph->saddr, .dst = iph->daddr,
			.sport = ports[0], .dport = ports[1],
			.proto = iph->protocol, .kind = KN_CT_KIND_CONN,
		};
		return 0;
	case IPPROTO_ICMP:
		if (tot_len < ihl + sizeof(struct icmphdr) ||
		    !kn_nat_pull(skb, ihl + sizeof(struct icmphdr)))
			return -EINVAL;
		p->icmp_type = ((const struct icmphdr *)(skb_network_header(skb) + ihl))->type;
		if (!kn_icmp_quotes(p->icmp_type))
			return -EPROTONOSUPPORT;
		return kn_nat_parse_icmp(skb, p, tot_len);
	default:
		return -EPROTONOSUPPORT;
	}
}
EXPORT_SYMBOL_IF_KUNIT(kn_nat_parse);

/*
 * The L4 checksum to update for a TCP or UDP header, or NULL: a UDP
 * checksum of zero means none was sent (RFC 768) and stays zero.
 */
static __sum16 *kn_l4_check(void *l4, u8 proto)
{
	if (proto == IPPROTO_TCP)
		return &((struct tcphdr *)l4)->check;
	return ((struct udphdr *)l4)->check ? &((struct udphdr *)l4)->check : NULL;
}

static void kn_nat_addr(struct sk_buff *skb, struct iphdr *iph, __sum16 *check,
			__be32 *addr, __be32 to)
{
	if (*addr == to)
		return;
	if (check)
		inet_proto_csum_replace4(check, skb, *addr, to, true);
	csum_replace4(&iph->check, *addr, to);
	*addr = to;
}

static void kn_nat_port(struct sk_buff *skb, __sum16 *check, __be16 *port, __be16 to)
{
	if (*port == to)
		return;
	if (check)
		inet_proto_csum_replace2(check, skb, *port, to, false);
	*port = to;
}

int kn_nat_rewrite(struct sk_buff *skb, const struct kn_pkt *p,
		   const struct kn_nat_target *to)
{
	unsigned int l4len = kn_l4_hdr_len(p->tuple.proto);
	struct iphdr *iph;
	__be16 *ports;
	__sum16 *check;

	if (skb_ensure_writable(skb, skb_network_offset(skb) + p->l4off + l4len))
		return -ENOMEM;
	iph = ip_hdr(skb);
	ports = (__be16 *)(skb_network_header(skb) + p->l4off);
	check = kn_l4_check(ports, p->tuple.proto);

	kn_nat_addr(skb, iph, check, &iph->saddr, to->src);
	kn_nat_addr(skb, iph, check, &iph->daddr, to->dst);
	kn_nat_port(skb, check, &ports[0], to->sport);
	kn_nat_port(skb, check, &ports[1], to->dport);
	if (p->tuple.proto == IPPROTO_UDP && check && !*check)
		*check = CSUM_MANGLED_0;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(kn_nat_rewrite);

/*
 * The quoted header of an ICMP error is plain data to the outer packet's
 * checksum, which is recomputed after, so its own checksums are updated
 * without touching the skb's.
 */
static void kn_nat_quote_addr(struct iphdr *iph, __sum16 *check, __be32 *addr, __be32 to)
{
	if (*addr == to)
		return;
	if (check)
		csum_replace4(check, *addr, to);
	csum_replace4(&iph->check, *addr, to);
	*addr = to;
}

static void kn_nat_quote_port(__sum16 *check, __be16 *port, __be16 to)
{
	if (*port == to)
		return;
	if (check)
		csum_replace2(check, *port, to);
	*port = to;
}

int kn_nat_rewrite_icmp(struct sk_buff *skb, const struct kn_pkt *p,
			__be32 outer_src, __be32 outer_dst,
			const struct kn_nat_target *inner)
{
	unsigned int len = p->inner_l4off + 8, nhoff = skb_network_offset(skb);
	u8 proto = p->tuple.proto;
	struct iphdr *iph, *quoted;
	struct icmphdr *icmph;
	__sum16 *check = NULL;
	__be16 *ports;

	if (p->inner_l4_whole)
		len = p->inner_l4off + kn_l4_hdr_len(proto);
	if (skb_ensure_writable(skb, nhoff + len))
		return -ENOMEM;
	iph = ip_hdr(skb);
	quoted = (struct iphdr *)(skb_network_header(skb) + p->inner_off);
	ports = (__be16 *)(skb_network_header(skb) + p->inner_l4off);
	if (p->inner_l4_whole)
		check = kn_l4_check(ports, proto);

	kn_nat_quote_addr(quoted, check, &quoted->saddr, inner->src);
	kn_nat_quote_addr(quoted, check, &quoted->daddr, inner->dst);
	kn_nat_quote_port(check, &ports[0], inner->sport);
	kn_nat_quote_port(check, &ports[1], inner->dport);
	if (proto == IPPROTO_UDP && check && !*check)
		*check = CSUM_MANGLED_0;

	if (iph->saddr != outer_src) {
		csum_replace4(&iph->check, iph->saddr, outer_src);
		iph->saddr = outer_src;
	}
	if (iph->daddr != outer_dst) {
		csum_replace4(&iph->check, iph->daddr, outer_dst);
		iph->daddr = outer_dst;
	}

	icmph = (struct icmphdr *)(skb_network_header(skb) + p->l4off);
	icmph->checksum = 0;
	icmph->checksum = csum_fold(skb_checksum(skb, nhoff + p->l4off,
						 ntohs(iph->tot_len) - p->l4off, 0));
	/* the device's sum no longer covers these bytes: let the stack redo it */
	if (skb->ip_summed == CHECKSUM_COMPLETE)
		skb->ip_summed = CHECKSUM_NONE;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(kn_nat_rewrite_icmp);
