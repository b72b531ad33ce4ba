/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small netlink request helper over libmnl, for any netlink bus: genl.c
 * puts the generic netlink family on top of it, rtnl.c the rtnetlink
 * requests the pod commands make.
 *
 * One request at a time: kn_nl_msg_start() builds a message in the handle's
 * send buffer, the caller adds headers and attributes with libmnl, and
 * kn_nl_talk() sends it and feeds every reply to a callback until the
 * kernel's ack (or, for a dump, NLMSG_DONE).
 *
 * Errors come back as a negative errno.  When the kernel rejected the
 * request, kn_nl_error_message() holds its extended-ack sentence (empty if
 * it sent none); the helper never prints, the caller decides how.
 *
 * A socket belongs to the network namespace its creator was in when it
 * opened it, for its whole life: open it after entering the namespace it
 * should act on.
 */
#ifndef KN_CTL_NL_H
#define KN_CTL_NL_H

#include <stdint.h>
#include <libmnl/libmnl.h>

/* Generous: a dump reply skb is at most 32 KiB, and a short read truncates. */
#define KN_NL_RECV_BUF_SIZE	32768
/* Comfortably above any single request kn-ctl builds. */
#define KN_NL_SEND_BUF_SIZE	8192
#define KN_NL_ERROR_MSG_SIZE	256

struct kn_nl {
	struct mnl_socket *sock;
	unsigned int portid;
	unsigned int seq;
	char error_msg[KN_NL_ERROR_MSG_SIZE];
	/* Messages are read in place as headers and u64 attributes. */
	char send_buf[KN_NL_SEND_BUF_SIZE] __attribute__((aligned(8)));
	char recv_buf[KN_NL_RECV_BUF_SIZE] __attribute__((aligned(8)));
};

/*
 * Called for every reply message; returns 0 to go on or a negative errno to
 * stop, which kn_nl_talk() then returns.
 */
typedef int (*kn_nl_reply_cb)(const struct nlmsghdr *nlh, void *data);

/*
 * Opens and binds a socket on bus (NETLINK_GENERIC, NETLINK_ROUTE) and asks
 * for extended acks.  On failure the handle is closed again; kn_nl_close()
 * is still safe to call.
 */
int kn_nl_open(struct kn_nl *nl, int bus);
void kn_nl_close(struct kn_nl *nl);

/*
 * Starts a request of the given type in the zeroed send buffer, with the
 * next sequence number.  NLM_F_REQUEST and NLM_F_ACK are always set; pass
 * NLM_F_DUMP, NLM_F_CREATE | NLM_F_EXCL and so on in flags.
 */
struct nlmsghdr *kn_nl_msg_start(struct kn_nl *nl, uint16_t type, uint16_t flags);

/* Sends nlh and runs reply_cb (may be NULL) on each reply; 0 or -errno. */
int kn_nl_talk(struct kn_nl *nl, struct nlmsghdr *nlh,
	       kn_nl_reply_cb reply_cb, void *data);

/* The kernel's extended-ack message for the last failed request, or "". */
const char *kn_nl_error_message(const struct kn_nl *nl);

/*
 * The errno an NLMSG_ERROR message carries: 0 for an ack, else -errno,
 * with the kernel's extended-ack sentence (or "") then in
 * kn_nl_error_message(); -EBADMSG when the message is too short to say.
 * kn_nl_talk() reads its acks with it, a batch of many requests too.
 */
int kn_nl_ack_error(struct kn_nl *nl, const struct nlmsghdr *nlh);

/*
 * Attribute parsing for replies whose attributes start offset bytes into
 * the payload (the family header's size).  policy[type] is the libmnl type
 * an attribute must have; types without a policy entry, and types above
 * max_type (a newer kernel), are skipped.  tb[] gets one pointer per type,
 * NULL when absent.  Returns 0, or -EBADMSG when an attribute is malformed.
 */
int kn_nl_parse_attrs(const struct nlmsghdr *nlh, unsigned int offset,
		      const enum mnl_attr_data_type *policy,
		      unsigned int max_type, const struct nlattr **tb);
int kn_nl_parse_nested(const struct nlattr *nest,
		       const enum mnl_attr_data_type *policy,
		       unsigned int max_type, const struct nlattr **tb);

#endif /* KN_CTL_NL_H */
