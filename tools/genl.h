/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Generic netlink on top of nl.h: resolves a family by name and builds its
 * requests.
 *
 * kn_genl_msg_start() builds a request for one command of the family, the
 * caller adds attributes with libmnl's mnl_attr_put_*(), and kn_genl_talk()
 * sends it and feeds every reply to a callback (see nl.h for the rules on
 * errors and the extended-ack message).
 */
#ifndef KN_CTL_GENL_H
#define KN_CTL_GENL_H

#include <stdint.h>
#include <libmnl/libmnl.h>

#include "nl.h"

#define KN_GENL_RECV_BUF_SIZE	KN_NL_RECV_BUF_SIZE
#define KN_GENL_SEND_BUF_SIZE	KN_NL_SEND_BUF_SIZE

struct kn_genl {
	struct kn_nl nl;
	uint16_t family_id;
	uint8_t family_version;
};

typedef kn_nl_reply_cb kn_genl_reply_cb;

/*
 * Opens a socket and resolves the family by name.  Returns -ENOENT when no
 * such family is registered (for kn: the module is not loaded).  On failure
 * the handle is closed again; kn_genl_close() is still safe to call.
 */
int kn_genl_open(struct kn_genl *genl, const char *family_name, uint8_t version);
void kn_genl_close(struct kn_genl *genl);

/*
 * Starts a request for cmd in the send buffer.  NLM_F_REQUEST and NLM_F_ACK
 * are always set; pass NLM_F_DUMP for a dump.
 */
struct nlmsghdr *kn_genl_msg_start(struct kn_genl *genl, uint8_t cmd, uint16_t flags);

/*
 * Builds a generic netlink header in any buffer; kn_genl_msg_start() uses
 * it, and tests use it to build requests without a socket.  buf must be
 * 4-byte aligned and zeroed: libmnl before 1.0.5 leaves attribute padding
 * as it finds it, and those bytes go to the kernel.
 */
struct nlmsghdr *kn_genl_msg_put(void *buf, uint16_t family_id, uint8_t version,
				 uint8_t cmd, uint16_t flags, uint32_t seq);

/* Sends nlh and runs reply_cb (may be NULL) on each reply; 0 or -errno. */
int kn_genl_talk(struct kn_genl *genl, struct nlmsghdr *nlh,
		 kn_genl_reply_cb reply_cb, void *data);

/* The kernel's extended-ack message for the last failed request, or "". */
const char *kn_genl_error_message(const struct kn_genl *genl);

/*
 * Attribute parsing for replies, after the genl header; see
 * kn_nl_parse_attrs().
 */
int kn_genl_parse_attrs(const struct nlmsghdr *nlh,
			const enum mnl_attr_data_type *policy,
			unsigned int max_type, const struct nlattr **tb);
int kn_genl_parse_nested(const struct nlattr *nest,
			 const enum mnl_attr_data_type *policy,
			 unsigned int max_type, const struct nlattr **tb);
/*
 * kn_genl_parse_nested() of a nest whose contract promises every attribute
 * policy names: -EBADMSG when one of them is missing, or nest is NULL (the
 * nest itself is missing).
 */
int kn_genl_parse_nested_all(const struct nlattr *nest,
			     const enum mnl_attr_data_type *policy,
			     unsigned int max_type, const struct nlattr **tb);

#endif /* KN_CTL_GENL_H */
