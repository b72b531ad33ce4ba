/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VXLAN header (RFC 7348) as kn writes and accepts it: the I flag and
 * a 24-bit VNI, every other bit zero.  Like Linux's vxlan driver, and
 * unlike the RFC's "ignore on receipt", a header with a reserved bit set is
 * refused: kn speaks no extension (GBP, GPE, RCO) and will not guess.
 */
#ifndef _KN_VXLAN_H
#define _KN_VXLAN_H

#include <net/vxlan.h>

#include "uapi/kn.h"

/* Outer IPv4 + UDP + VXLAN + inner Ethernet: what a frame grows by. */
#define KN_VXLAN_OVERHEAD	(sizeof(struct iphdr) + VXLAN_HLEN + ETH_HLEN)

static inline void kn_vxlan_build_hdr(struct vxlanhdr *vxh, u32 vni)
{
	vxh->vx_flags = VXLAN_HF_VNI;
	vxh->vx_vni = cpu_to_be32(vni << 8);
}

/*
 * Parses @vxh into @vni; returns 0, or the KN_DROP_A_* reason to drop the
 * packet for.
 */
static inline enum kn_drop_attr kn_vxlan_parse_hdr(const struct vxlanhdr *vxh,
						   u32 *vni)
{
	if (vxh->vx_flags != VXLAN_HF_VNI || (vxh->vx_vni & ~VXLAN_VNI_MASK))
		return KN_DROP_A_VXLAN_FLAGS;
	*vni = be32_to_cpu(vxh->vx_vni) >> 8;
	return 0;
}

#endif /* _KN_VXLAN_H */
