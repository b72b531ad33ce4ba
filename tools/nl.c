// SPDX-License-Identifier: GPL-2.0
/*
 * A small netlink request helper over libmnl; see nl.h.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <linux/netlink.h>

#include "nl.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* State shared by the reply and control callbacks of one kn_nl_talk(). */
struct talk_ctx {
	struct kn_nl *nl;
	kn_nl_reply_cb reply_cb;
	void *data;
	int err;
};

struct nlmsghdr *kn_nl_msg_start(struct kn_nl *nl, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh;

	/* libmnl before 1.0.5 leaves attribute padding as it finds it. */
	memset(nl->send_buf, 0, sizeof(nl->send_buf));
	nlh = mnl_nlmsg_put_header(nl->send_buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = ++nl->seq;
	return nlh;
}

const char *kn_nl_error_message(const struct kn_nl *nl)
{
	return nl->error_msg;
}

static int extack_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	unsigned int type = mnl_attr_get_type(attr);

	if (type == NLMSGERR_ATTR_MSG &&
	    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0)
		tb[type] = attr;
	return MNL_CB_OK;
}

/*
 * The extended-ack TLVs follow an nlmsgerr (after the echoed request unless
 * the ack was capped) or the int of an NLMSG_DONE; offset says where.
 */
static void copy_extack_message(struct kn_nl *nl, const struct nlmsghdr *nlh,
				size_t offset)
{
	const struct nlattr *tb[NLMSGERR_ATTR_MAX + 1] = {};

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (mnl_attr_parse(nlh, offset, extack_attr_cb, tb) != MNL_CB_OK)
		return;
	if (tb[NLMSGERR_ATTR_MSG])
		snprintf(nl->error_msg, sizeof(nl->error_msg), "%s",
			 mnl_attr_get_str(tb[NLMSGERR_ATTR_MSG]));
}

int kn_nl_ack_error(struct kn_nl *nl, const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	size_t offset = sizeof(*err);

	nl->error_msg[0] = '\0';
	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*err)))
		return -EBADMSG;
	if (!err->error)
		return 0;

	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		offset += mnl_nlmsg_get_payload_len(&err->msg);
	copy_extack_message(nl, nlh, offset);
	/* Subsystems disagree on the sign; the errno is what matters. */
	return err->error < 0 ? err->error : -err->error;
}

static int error_cb(const struct nlmsghdr *nlh, void *data)
{
	struct talk_ctx *ctx = data;

	ctx->err = kn_nl_ack_error(ctx->nl, nlh);
	/* A zero errno is the ack that ends a request. */
	return ctx->err ? MNL_CB_ERROR : MNL_CB_STOP;
}

/* A dump that fails part way ends with NLMSG_DONE carrying the errno. */
static int done_cb(const struct nlmsghdr *nlh, void *data)
{
	struct talk_ctx *ctx = data;
	int err;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(err))
		return MNL_CB_STOP;
	memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(err));
	if (err >= 0)
		return MNL_CB_STOP;
	ctx->err = err;
	copy_extack_message(ctx->nl, nlh, sizeof(err));
	return MNL_CB_ERROR;
}

static int noop_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	return MNL_CB_OK;
}

static int reply_trampoline(const struct nlmsghdr *nlh, void *data)
{
	struct talk_ctx *ctx = data;
	int err;

	if (!ctx->reply_cb)
		return MNL_CB_OK;
	err = ctx->reply_cb(nlh, ctx->data);
	if (err < 0) {
		ctx->err = err;
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

/*
 * Every control type is listed: libmnl falls back to its own handlers only
 * for types beyond the array, and its error handler would drop the extack.
 * Not const only because mnl_cb_run2() takes a plain pointer.
 */
static mnl_cb_t control_cbs[NLMSG_MIN_TYPE] = {
	[NLMSG_NOOP]	= noop_cb,
	[NLMSG_ERROR]	= error_cb,
	[NLMSG_DONE]	= done_cb,
	[NLMSG_OVERRUN]	= noop_cb,
};

int kn_nl_talk(struct kn_nl *nl, struct nlmsghdr *nlh,
	       kn_nl_reply_cb reply_cb, void *data)
{
	struct talk_ctx ctx = {
		.nl = nl,
		.reply_cb = reply_cb,
		.data = data,
	};
	ssize_t len;
	int ret;

	nl->error_msg[0] = '\0';
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;

	do {
		len = mnl_socket_recvfrom(nl->sock, nl->recv_buf, sizeof(nl->recv_buf));
		if (len < 0)
			return -errno;
		errno = 0;
		ret = mnl_cb_run2(nl->recv_buf, len, nlh->nlmsg_seq, nl->portid,
				  reply_trampoline, &ctx,
				  control_cbs, ARRAY_SIZE(control_cbs));
	} while (ret > MNL_CB_STOP);

	if (ret == MNL_CB_STOP)
		return 0;
	/*
	 * Our callbacks store their errno; anything else (a sequence
	 * mismatch, an interrupted dump) was reported by libmnl in errno.
	 */
	if (ctx.err)
		return ctx.err;
	return errno ? -errno : -EPROTO;
}

static void set_socket_option(struct kn_nl *nl, int option)
{
	int one = 1;

	/*
	 * Best effort: a kernel older than the option still works, it just
	 * gives terser errors or echoes whole requests in its acks.
	 */
	mnl_socket_setsockopt(nl->sock, option, &one, sizeof(one));
}

int kn_nl_open(struct kn_nl *nl, int bus)
{
	int err;

	nl->error_msg[0] = '\0';
	/* Distinct sequence numbers across runs make stale replies obvious. */
	nl->seq = time(NULL);

	nl->sock = mnl_socket_open(bus);
	if (!nl->sock)
		return -errno;
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		kn_nl_close(nl);
		return err;
	}
	nl->portid = mnl_socket_get_portid(nl->sock);

	/* Ask for the kernel's reasons, and not for our own request back. */
	set_socket_option(nl, NETLINK_EXT_ACK);
	set_socket_option(nl, NETLINK_CAP_ACK);
	return 0;
}

void kn_nl_close(struct kn_nl *nl)
{
	if (nl->sock)
		mnl_socket_close(nl->sock);
	nl->sock = NULL;
}

struct parse_ctx {
	const enum mnl_attr_data_type *policy;
	unsigned int max_type;
	const struct nlattr **tb;
};

static int policy_attr_cb(const struct nlattr *attr, void *data)
{
	const struct parse_ctx *ctx = data;
	unsigned int type = mnl_attr_get_type(attr);

	/* Newer kernels may add attributes; older kn-ctl ignores them. */
	if (type > ctx->max_type || ctx->policy[type] == MNL_TYPE_UNSPEC)
		return MNL_CB_OK;
	if (mnl_attr_validate(attr, ctx->policy[type]) < 0)
		return MNL_CB_ERROR;
	ctx->tb[type] = attr;
	return MNL_CB_OK;
}

int kn_nl_parse_attrs(const struct nlmsghdr *nlh, unsigned int offset,
		      const enum mnl_attr_data_type *policy,
		      unsigned int max_type, const struct nlattr **tb)
{
	struct parse_ctx ctx = { policy, max_type, tb };

	memset(tb, 0, (max_type + 1) * sizeof(*tb));
	if (mnl_nlmsg_get_payload_len(nlh) < offset)
		return -EBADMSG;
	if (mnl_attr_parse(nlh, offset, policy_attr_cb, &ctx) != MNL_CB_OK)
		return -EBADMSG;
	return 0;
}

int kn_nl_parse_nested(const struct nlattr *nest,
		       const enum mnl_attr_data_type *policy,
		       unsigned int max_type, const struct nlattr **tb)
{
	struct parse_ctx ctx = { policy, max_type, tb };

	memset(tb, 0, (max_type + 1) * sizeof(*tb));
	if (mnl_attr_parse_nested(nest, policy_attr_cb, &ctx) != MNL_CB_OK)
		return -EBADMSG;
	return 0;
}
