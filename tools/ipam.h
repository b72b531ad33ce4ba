/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host-local IPAM: the addresses of one node's pod subnet, allocated on
 * disk so that they survive kn-ctl, the module and reboots of either.
 *
 * Layout, under the state directory (kn-ctl --state-dir, default
 * /var/lib/kn), one directory per subnet:
 *
 *   ipam/10.244.1.0_24/10.244.1.2        "p1\n": the pod that holds it
 *   ipam/10.244.1.0_24/10.244.1.3        "p2\n"
 *   ipam/10.244.1.0_24/last-reserved     "10.244.1.3\n": the last address
 *                                        put to use; the next search
 *                                        starts after it (a hint)
 *
 * Locking: none is needed.  An address is taken by creating its file with
 * O_CREAT | O_EXCL, which exactly one of any number of concurrent creators
 * wins, in one process or many; the others see EEXIST and try the next
 * address.  last-reserved is only a hint, replaced whole with rename(), so
 * a race on it at worst makes a search start at an older address.
 *
 * Usable addresses: the subnet without its network address, its broadcast
 * address and the gateway (the bridge's own address).  A /31 or /32 has none.
 * The search is round-robin from the address after last-reserved, so a
 * released address is not handed out again until the others have been, as
 * CNI's host-local plugin does: a new pod does not inherit an old one's
 * ARP and connection-tracking entries.
 */
#ifndef KN_CTL_IPAM_H
#define KN_CTL_IPAM_H

#include <limits.h>
#include <stdint.h>
#include <netinet/in.h>

#include "parse.h"

#define KN_IPAM_DIR		"ipam"
#define KN_IPAM_LAST_RESERVED	"last-reserved"
/* Longest owner name stored in an address file. */
#define KN_IPAM_OWNER_MAX	255

/* One subnet's allocator; kn_ipam_init() fills it without any I/O. */
struct kn_ipam {
	char dir[PATH_MAX];		/* STATE/ipam/A.B.C.D_N */
	struct kn_cidr subnet;		/* host bits cleared */
	struct in_addr gateway;
	/* The usable range, host byte order, inclusive, gateway inside it. */
	uint32_t first, last;
};

/* Why an address may not be handed out, from kn_ipam_check(). */
enum kn_ipam_verdict {
	KN_IPAM_USABLE,
	KN_IPAM_OUTSIDE,		/* not in the subnet */
	KN_IPAM_NETWORK,		/* the subnet's network address */
	KN_IPAM_BROADCAST,		/* the subnet's broadcast address */
	KN_IPAM_GATEWAY,		/* the bridge's own address */
};

/*
 * Sets up the allocator of the subnet that gateway/prefix_len lies in.
 * Returns 0, -ERANGE when the subnet has no usable address (/31, /32), or
 * -ENAMETOOLONG when the state directory's path is too long.
 */
int kn_ipam_init(struct kn_ipam *ipam, const char *state_dir,
		 struct in_addr gateway, uint8_t prefix_len);
/* How many addresses the subnet has for pods. */
uint32_t kn_ipam_capacity(const struct kn_ipam *ipam);
enum kn_ipam_verdict kn_ipam_check(const struct kn_ipam *ipam, struct in_addr addr);

/*
 * Takes the next free usable address for owner, searching from the one
 * after the last kn_ipam_remember() recorded.  Returns 0 with *addr set,
 * -ENOSPC when every usable address is taken (nothing is changed then), or
 * another -errno from the file system.
 */
int kn_ipam_allocate(const struct kn_ipam *ipam, const char *owner,
		     struct in_addr *addr);
/*
 * Records addr, now in use, as where the next search starts: called once
 * the pod that got it is up, so an address given back by a failed set-up
 * is not skipped.  Best effort; it is only a hint.
 */
void kn_ipam_remember(const struct kn_ipam *ipam, struct in_addr addr);
/*
 * Takes addr for owner.  Returns 0, -EEXIST when it is taken, -EDOM when it
 * is not usable (see kn_ipam_check()), or another -errno.
 */
int kn_ipam_reserve(const struct kn_ipam *ipam, struct in_addr addr,
		    const char *owner);
/* Who holds addr: 0 with owner filled, -ENOENT when nobody does. */
int kn_ipam_owner(const struct kn_ipam *ipam, struct in_addr addr,
		  char *owner, size_t size);
/*
 * Releases every address that owner holds, in every subnet under the state
 * directory; addresses held by others are left alone.  Returns how many were
 * released, or -errno.  A state directory without ipam/ holds nothing: 0.
 */
int kn_ipam_release_owner(const char *state_dir, const char *owner);

#endif /* KN_CTL_IPAM_H */
