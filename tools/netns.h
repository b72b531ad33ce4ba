/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Named network namespaces, kept where iproute2 keeps them: a namespace
 * NAME is a bind mount of its nsfs file on /run/netns/NAME, so that
 * "ip netns exec NAME", "ip -n NAME" and "nsenter --net=/run/netns/NAME"
 * all find it, and it lives until the mount goes.
 *
 * Mount visibility: /run/netns is made a shared mount so that the bind
 * mounts propagate between mount namespaces.  In a mount namespace where
 * /run/netns is a slave (what "ip netns exec" gives its command) a new
 * mount would be seen by that namespace only, and the namespace would die
 * with it; kn_netns_prepare() refuses then.
 */
#ifndef KN_CTL_NETNS_H
#define KN_CTL_NETNS_H

#include "nl.h"

#define KN_NETNS_RUN_DIR	"/run/netns"

/*
 * Makes /run/netns a shared mount point if it is not one yet, and checks
 * that namespaces mounted there will be seen outside this mount namespace:
 * -EXDEV when /run/netns is a slave mount (under "ip netns exec", say).
 */
int kn_netns_prepare(void);
/*
 * Creates a new network namespace named name, as "ip netns add" does,
 * after kn_netns_prepare().
 * Returns 0, -EEXIST when /run/netns/NAME exists already, or another
 * -errno; on failure nothing is left behind.  The calling process stays in
 * the namespace it was in.
 */
int kn_netns_add(const char *name);
/*
 * Unmounts and removes /run/netns/NAME; the namespace itself goes when
 * nothing else holds it.  0 also when there was no such file.
 */
int kn_netns_del(const char *name);
/* An O_RDONLY fd of /run/netns/NAME for setns() and IFLA_NET_NS_FD, or -errno. */
int kn_netns_open(const char *name);
/*
 * Opens nl on bus inside the namespace of ns_fd and comes back: the socket
 * acts on that namespace for its whole life.
 */
int kn_netns_nl_open(int ns_fd, struct kn_nl *nl, int bus);

#endif /* KN_CTL_NETNS_H */
