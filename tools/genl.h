/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small generic netlink helper over libmnl.
 *
 * One request at a time: kn_genl_msg_start() builds a message in the
 * handle's send buffer, the caller adds attributes with libmnl's
 * mnl_attr_put_*(), and kn_genl_talk() sends it and feeds every reply to a
 * callback until the kernel's ack (or, for a dump, NLMSG_DONE).
 *
 * Errors come back as a negative errno.  When the kernel rejected the
 * request, kn_genl_error_message() holds its extended-ack sentence (empty if
 * it sent none); the helper never prints, the caller decides how.
 */
#ifndef KN_CTL_GENL_H
#define KN_CTL_GENL_H

#include <stdint.h>
#include <libmnl/libmnl.h>

/* Generous: a dump reply skb is at most 32 KiB, and a short read truncates. */
#define KN_GENL_RECV_BUF_SIZE	32768
/* Comfortably above any single request kn-ctl builds. */
#define KN_GENL_SEND_BUF_SIZE	8192
#define KN_GENL_ERROR_MSG_SIZE	256

struct kn_genl {
	struct mnl_socket *sock;
	unsigned int portid;
	unsigned int seq;
	uint16_t family_id;
	uint8_t family_version;
	char error_msg[KN_GENL_ERROR_MSG_SIZE];
	/* Messages are read in place as headers and u64 attributes. */
	char send_buf[KN_GENL_SEND_BUF_SIZE] __attribute__((aligned(8)));
	char recv_buf[KN_GENL_RECV_BUF_SIZE] __attribute__((aligned(8)));
};

/*
 * Called for every reply message; returns 0 to go on or a negative errno to
 * stop, which kn_genl_talk() then returns.
 */
typedef int (*kn_genl_reply_cb)(const struct nlmsghdr *nlh, void *data);

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
 * Attribute parsing for replies.  policy[type] is the libmnl type an
 * attribute must have; types without a policy entry, and types above
 * max_type (a newer module), are skipped.  tb[] gets one pointer per type,
 * NULL when absent.  Returns 0, or -EBADMSG when an attribute is malformed.
 */
int kn_genl_parse_attrs(const struct nlmsghdr *nlh,
			const enum mnl_attr_data_type *policy,
			unsigned int max_type, const struct nlattr **tb);
int kn_genl_parse_nested(const struct nlattr *nest,
			 const enum mnl_attr_data_type *policy,
			 unsigned int max_type, const struct nlattr **tb);

#endif /* KN_CTL_GENL_H */
