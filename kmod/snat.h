/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KN_SNAT_H
#define _KN_SNAT_H

#include <linux/types.h>

#include "conntrack.h"

/*
 * A source port in [@min, @max] that makes @reply (the REPLY tuple of a
 * connection whose source kn rewrites, with every field but dport set)
 * unique in @t: 0 when none was found.  For TCP, when every port tried is
 * taken, the entry of a closed connection (TIME_WAIT, CLOSE) that holds
 * one is removed and its port returned.  Under rcu_read_lock().
 */
__be16 kn_snat_port(struct kn_ct_table *t, const struct kn_ct_tuple *reply,
		    u16 min, u16 max);

#endif /* _KN_SNAT_H */
