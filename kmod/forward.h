/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KN_FORWARD_H
#define _KN_FORWARD_H

#include <linux/netdevice.h>

struct kn_bridge;
struct kn_port;

rx_handler_result_t kn_forward_ingress(struct kn_bridge *br,
				       struct kn_port *in, struct sk_buff *skb);
netdev_tx_t kn_forward_xmit(struct kn_bridge *br, struct sk_buff *skb);

#endif /* _KN_FORWARD_H */
