/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KN_NETLINK_H
#define _KN_NETLINK_H

#include <net/genetlink.h>

#include "uapi/kn.h"

extern struct genl_family kn_genl_family;
extern const struct nla_policy kn_service_policy[KN_SERVICE_A_MAX + 1];
extern const struct nla_policy kn_backend_policy[KN_BACKEND_A_MAX + 1];

struct sk_buff *kn_reply_new(struct genl_info *info, void **hdr);
int kn_reply_send(struct sk_buff *skb, void *hdr, struct genl_info *info);

/* netlink_lb.c: services, backends, the connection table */
int kn_nl_new_service(struct sk_buff *req, struct genl_info *info);
int kn_nl_replace_service(struct sk_buff *req, struct genl_info *info);
int kn_nl_del_service(struct sk_buff *req, struct genl_info *info);
int kn_nl_get_service_dump(struct sk_buff *skb, struct netlink_callback *cb);
int kn_nl_new_backend(struct sk_buff *req, struct genl_info *info);
int kn_nl_replace_backend(struct sk_buff *req, struct genl_info *info);
int kn_nl_del_backend(struct sk_buff *req, struct genl_info *info);
int kn_nl_get_backend_dump(struct sk_buff *skb, struct netlink_callback *cb);
int kn_nl_get_conntrack_dump(struct sk_buff *skb, struct netlink_callback *cb);
int kn_nl_flush_conntrack(struct sk_buff *req, struct genl_info *info);
int kn_nl_get_conntrack_stats(struct sk_buff *req, struct genl_info *info);

int kn_genl_init(void);
void kn_genl_uninit(void);

#endif /* _KN_NETLINK_H */
